//! The outgoing workflow (issue 9, part 2): a draft has no number; a leader of the drafting unit
//! reviews it (a refusal returns it with a comment), the head signs it, which numbers it in the
//! unit's outgoing register, and the clerk sends it: to units of the product, each of which gets
//! it once in its incoming register (also when the request is retried with the same
//! Idempotency-Key), and to recipients outside. Another province sees nothing. Both databases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both, page_client};
use serde_json::{Value, json};

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

fn draft_body(summary: &str) -> Value {
    json!({"doc_type": "official_letter", "division_abbr": "NV", "summary": summary,
           "content": "Kính gửi: ...\nĐội QLTT số 1 báo cáo kết quả kiểm tra.",
           "recipients": "Chi cục QLTT Quảng Ninh; UBND tỉnh Quảng Ninh; Lưu: VT.",
           "urgency": "urgent"})
}

async fn act(t: &TestApp, who: &str, id: &str, action: &str, body: Value) -> (u16, Value) {
    t.post(
        who,
        &format!("/api/v1/office-documents/drafts/{id}/actions/{action}"),
        body,
    )
    .await
}

async fn scalar(t: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(t.app.db.pool())
        .await
        .unwrap();
    n
}

/// A draft of the team's officer, through its review, to the state `until` (or to the end).
async fn draft_of_team(t: &TestApp, summary: &str) -> String {
    let ksv = t.login("qn.ksv1").await;
    let (s, d) = t
        .post(&ksv, "/api/v1/office-documents/drafts", draft_body(summary))
        .await;
    assert_eq!(s, 201, "{d}");
    d["id"].as_str().unwrap().to_string()
}

async fn draft_to_signature_and_sending(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let leader = t.login("qn.doitruong1").await;
    let head = t.login("qn.chicuctruong").await;
    let clerk = t.login("qn.vanthu").await;
    let d1 = t.unit_id("QN-D1").await;
    let id = draft_of_team(&t, "Báo cáo kết quả kiểm tra chợ Hạ Long").await;
    let (_, d) = t
        .get(&ksv, &format!("/api/v1/office-documents/drafts/{id}"))
        .await;
    // A draft has no number, and the team's outgoing register is still empty.
    assert_eq!(d["state"], "drafting");
    assert_eq!(d["number"], Value::Null);
    assert_eq!(d["unit_id"], d1.as_str());
    assert_eq!(d["allowed_actions"], json!(["submit"]));
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM office_documents").await, 0);
    // Nothing is reviewed before it is submitted; the officer cannot review at all.
    let (s, b) = act(&t, &leader, &id, "approve", json!({})).await;
    assert_eq!((s, code(&b)), (409, "office.invalid_transition"), "{b}");
    let (s, b) = act(&t, &ksv, &id, "submit", json!({})).await;
    assert_eq!((s, b["state"].as_str()), (200, Some("in_review")), "{b}");
    let (s, b) = act(&t, &ksv, &id, "approve", json!({})).await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"), "{b}");
    // A submitted draft is frozen for its reviewer.
    let (s, b) = t
        .patch(
            &ksv,
            &format!("/api/v1/office-documents/drafts/{id}"),
            draft_body("Sửa lén"),
        )
        .await;
    assert_eq!((s, code(&b)), (409, "office.invalid_transition"), "{b}");
    // Art. 10(3): a refusal says what to change and goes back to the drafter.
    let (s, b) = act(&t, &leader, &id, "reject", json!({})).await;
    assert_eq!((s, code(&b)), (400, "validation.required"), "{b}");
    let (s, b) = act(
        &t,
        &leader,
        &id,
        "reject",
        json!({"comment": "Bổ sung số liệu tang vật"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["state"], "drafting");
    assert_eq!(b["comment"], "Bổ sung số liệu tang vật");
    let mut revised = draft_body("Báo cáo kết quả kiểm tra chợ Hạ Long (bổ sung tang vật)");
    revised["content"] = json!("Tạm giữ 120 hộp kem dưỡng da không rõ nguồn gốc.");
    let (s, b) = t
        .patch(
            &ksv,
            &format!("/api/v1/office-documents/drafts/{id}"),
            revised,
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        b["summary"],
        "Báo cáo kết quả kiểm tra chợ Hạ Long (bổ sung tang vật)"
    );
    let (s, b) = act(&t, &ksv, &id, "submit", json!({})).await;
    assert_eq!((s, b["comment"].as_str()), (200, Some("")), "{b}");
    let (s, b) = act(&t, &leader, &id, "approve", json!({"comment": "Đồng ý"})).await;
    assert_eq!((s, b["state"].as_str()), (200, Some("awaiting_signature")));
    // Only a head or a deputy signs: not the team leader, not the clerk.
    for who in [&leader, &clerk, &ksv] {
        let (s, b) = act(&t, who, &id, "sign", json!({})).await;
        assert_eq!((s, code(&b)), (403, "auth.forbidden"), "{b}");
    }
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM office_documents").await, 0);
    let (s, signed) = act(&t, &head, &id, "sign", json!({})).await;
    assert_eq!(s, 200, "{signed}");
    assert_eq!(signed["state"], "issued");
    assert_eq!(signed["number"], "01/QLTT-NV");
    assert_eq!(signed["allowed_actions"], json!(["send"]));
    let doc_id = signed["document_id"].as_str().unwrap().to_string();
    let book = qltt_store::office::Book {
        unit_id: &d1,
        direction: "outgoing",
        register: "general",
        year: 2026,
    };
    let stored = qltt_store::office::register_seqs(t.app.db.pool(), &book)
        .await
        .unwrap();
    assert_eq!(stored, [1]);
    let (_, doc) = t
        .get(&head, &format!("/api/v1/office-documents/{doc_id}"))
        .await;
    assert_eq!(
        (doc["state"].as_str(), doc["signer"].as_str()),
        (Some("issued"), Some("Nguyễn Văn Thành"))
    );
    // Signed: no more edits or refusals.
    let (s, _) = act(&t, &head, &id, "reject", json!({"comment": "x"})).await;
    assert_eq!(s, 409);

    // Sending: the clerk's; at least one recipient; units of the product and outside.
    let (s, b) = act(&t, &ksv, &id, "send", json!({"recipient_unit_ids": [d1]})).await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"), "{b}");
    let (s, b) = act(&t, &clerk, &id, "send", json!({})).await;
    assert_eq!((s, code(&b)), (400, "office.recipients_required"), "{b}");
    let (s, b) = act(
        &t,
        &clerk,
        &id,
        "send",
        json!({"recipient_unit_ids": [t.unit_id("BG").await]}),
    )
    .await;
    assert_eq!((s, code(&b)), (400, "office.unknown_recipient"), "{b}");
    let (s, b) = act(
        &t,
        &clerk,
        &id,
        "send",
        json!({"external": [{"name": "UBND", "channel": "pigeon"}]}),
    )
    .await;
    assert_eq!((s, code(&b)), (400, "office.invalid_channel"), "{b}");
    let qn = t.unit_id("QN").await;
    let bn = t.unit_id("BN").await;
    let body = json!({"recipient_unit_ids": [qn, bn, qn],
        "external": [{"name": "UBND tỉnh Quảng Ninh", "channel": "post"}],
        "comment": "Gửi ngay (văn bản khẩn)"});
    let url = t.url(&format!(
        "/api/v1/office-documents/drafts/{id}/actions/send"
    ));
    let send = || {
        t.http
            .post(&url)
            .bearer_auth(&clerk)
            .header("Idempotency-Key", "gui-bao-cao-ha-long")
            .json(&body)
            .send()
    };
    let r = send().await.unwrap();
    assert_eq!(r.status(), 200);
    let sent: Value = r.json().await.unwrap();
    assert_eq!(sent["state"], "sent");
    assert_eq!(sent["deliveries"].as_array().unwrap().len(), 3, "{sent}");
    // The phone lost the answer and sends again: the first answer, nothing delivered twice.
    for _ in 0..2 {
        let r = send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["idempotent-replayed"], "true");
    }
    let (s, b) = act(&t, &clerk, &id, "send", json!({"recipient_unit_ids": [qn]})).await;
    assert_eq!((s, code(&b)), (409, "office.invalid_transition"), "{b}");
    assert_eq!(
        scalar(
            &t,
            "SELECT COUNT(*) FROM office_documents WHERE direction = 'incoming'"
        )
        .await,
        2
    );
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM office_deliveries").await,
        3
    );
    // Each recipient unit has it in its incoming register, numbered, from the team.
    for (unit, user) in [(&qn, "qn.vanthu"), (&bn, "bn.chicuctruong")] {
        let token = t.login(user).await;
        let (s, reg) = t
            .get(
                &token,
                &format!("/api/v1/office-documents?direction=incoming&unit_id={unit}"),
            )
            .await;
        assert_eq!(s, 200, "{reg}");
        let items = reg["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{user}: {reg}");
        assert_eq!(items[0]["number"], "01/QLTT-NV");
        assert_eq!(items[0]["seq"], 1);
        assert_eq!(items[0]["state"], "registered");
        assert_eq!(items[0]["correspondent"], "Đội Quản lý thị trường số 1");
        assert_eq!(items[0]["urgency"], "urgent");
    }
    let (_, doc) = t
        .get(&head, &format!("/api/v1/office-documents/{doc_id}"))
        .await;
    assert_eq!(doc["state"], "sent");
    // Every step is journaled and audited.
    let (_, d) = t
        .get(&ksv, &format!("/api/v1/office-documents/drafts/{id}"))
        .await;
    let steps: Vec<&str> = d["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "create", "submit", "reject", "edit", "submit", "approve", "sign", "send"
        ]
    );
    assert_eq!(
        scalar(
            &t,
            &format!(
                "SELECT COUNT(*) FROM audit_events WHERE entity_type = 'office_draft' \
                 AND entity_id = '{id}'"
            )
        )
        .await,
        8
    );
    assert_eq!(
        scalar(
            &t,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'office_document.receive'"
        )
        .await,
        2
    );
}
on_both!(
    a_draft_is_reviewed_signed_numbered_and_sent_once,
    draft_to_signature_and_sending
);

async fn who_reviews_and_who_signs(t: TestApp) {
    let head = t.login("qn.chicuctruong").await;
    let deputy = t.login("qn.phochicuc").await;
    let leader = t.login("qn.doitruong1").await;
    // The head drafts in the province's name; they cannot approve their own draft (Art. 12(1)),
    // the team leader cannot see a draft of the province, the deputy reviews it.
    let (s, d) = t
        .post(&head, "/api/v1/office-documents/drafts", {
            let mut b = draft_body("Kế hoạch kiểm tra quý II");
            b["doc_type"] = json!("plan");
            b
        })
        .await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_str().unwrap().to_string();
    assert_eq!(d["unit_id"], t.unit_id("QN").await.as_str());
    let (s, _) = act(&t, &head, &id, "submit", json!({})).await;
    assert_eq!(s, 200);
    let (s, b) = act(&t, &head, &id, "approve", json!({})).await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"), "{b}");
    let (s, b) = act(&t, &leader, &id, "approve", json!({})).await;
    assert_eq!((s, code(&b)), (404, "office.draft_not_found"), "{b}");
    let (s, _) = act(&t, &deputy, &id, "approve", json!({})).await;
    assert_eq!(s, 200);
    // The signer may still send it back; then it needs a new review.
    let (s, b) = act(
        &t,
        &head,
        &id,
        "reject",
        json!({"comment": "Đổi thời gian kiểm tra"}),
    )
    .await;
    assert_eq!((s, b["state"].as_str()), (200, Some("drafting")), "{b}");
    let (s, b) = act(&t, &head, &id, "sign", json!({})).await;
    assert_eq!((s, code(&b)), (409, "office.invalid_transition"), "{b}");
    for (who, step) in [(&head, "submit"), (&deputy, "approve"), (&deputy, "sign")] {
        let (s, b) = act(&t, who, &id, step, json!({})).await;
        assert_eq!(s, 200, "{step}: {b}");
    }
    let (_, d) = t
        .get(&head, &format!("/api/v1/office-documents/drafts/{id}"))
        .await;
    assert_eq!(d["number"], "01/KH-QLTT");
    // The registers keep one sequence: a document registered directly takes the next number.
    let clerk = t.login("qn.vanthu").await;
    let (s, b) = t
        .post(
            &clerk,
            "/api/v1/office-documents",
            json!({"direction": "outgoing", "doc_type": "notice", "document_date": "2026-03-05",
                   "correspondent": "Các đội", "summary": "Thông báo lịch trực"}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["number"], "02/TB-QLTT");
    // A document registered directly may also be sent to units of the product.
    let doc = b["id"].as_str().unwrap();
    let (s, b) = t
        .post(
            &clerk,
            &format!("/api/v1/office-documents/{doc}/actions/send"),
            json!({"recipient_unit_ids": [t.unit_id("QN-D1").await], "note": "Gửi các đội"}),
        )
        .await;
    assert_eq!((s, b["state"].as_str()), (200, Some("sent")), "{b}");
    let (_, reg) = t
        .get(&leader, "/api/v1/office-documents?direction=incoming")
        .await;
    assert_eq!(reg["items"][0]["number"], "02/TB-QLTT", "{reg}");
}
on_both!(
    leaders_review_others_drafts_and_heads_sign,
    who_reviews_and_who_signs
);

async fn another_province_sees_no_draft(t: TestApp) {
    let id = draft_of_team(&t, "Báo cáo nội bộ Quảng Ninh").await;
    for user in ["bn.ksv1", "bn.chicuctruong", "bg.ksv1"] {
        let token = t.login(user).await;
        let (s, b) = t
            .get(&token, &format!("/api/v1/office-documents/drafts/{id}"))
            .await;
        assert_eq!((s, code(&b)), (404, "office.draft_not_found"), "{user}");
        for action in ["submit", "approve", "reject", "sign", "send"] {
            let (s, b) = act(&t, &token, &id, action, json!({"comment": "x"})).await;
            assert_eq!(
                (s, code(&b)),
                (404, "office.draft_not_found"),
                "{user} {action}"
            );
        }
        let (s, b) = t
            .patch(
                &token,
                &format!("/api/v1/office-documents/drafts/{id}"),
                draft_body("x"),
            )
            .await;
        assert_eq!(s, 404, "{user} {b}");
        let (s, b) = t.get(&token, "/api/v1/office-documents/drafts").await;
        assert_eq!((s, &b["items"]), (200, &json!([])), "{user}");
        let mut into_qn = draft_body("x");
        into_qn["unit_id"] = json!(t.unit_id("QN").await);
        let (s, b) = t
            .post(&token, "/api/v1/office-documents/drafts", into_qn)
            .await;
        assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"), "{user}");
    }
    // Within the province, the drafter's colleagues of the team see it; the list shows it.
    let leader = t.login("qn.doitruong1").await;
    let (_, list) = t.get(&leader, "/api/v1/office-documents/drafts").await;
    assert_eq!(list["items"][0]["id"], id.as_str());
}
on_both!(
    officers_of_another_province_see_no_draft,
    another_province_sees_no_draft
);

async fn draft_pages(t: TestApp) {
    let ksv = page_client();
    let csrf = t.page_login(&ksv, "qn.ksv1").await;
    let html = ksv
        .get(t.url("/office/drafts"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Soạn dự thảo mới"), "{html}");
    let r = ksv
        .post(t.url("/office/drafts"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("unit_id", t.unit_id("QN-D1").await.as_str()),
            ("doc_type", "report"),
            ("issuer_abbr", "QLTT"),
            ("summary", "Báo cáo tuần 10"),
            ("content", "Kiểm tra 12 cơ sở"),
            ("recipients", "Chi cục QLTT Quảng Ninh"),
            ("urgency", "normal"),
            ("confidentiality", "normal"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let html = ksv
        .get(t.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Chưa cấp số") && html.contains("Trình lãnh đạo duyệt"));
    let post = |c: &reqwest::Client, csrf: &str, fields: Vec<(&str, String)>| {
        let mut f: Vec<(String, String)> = fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        f.push(("csrf".into(), csrf.to_string()));
        c.post(t.url(&to)).form(&f).send()
    };
    let r = post(&ksv, &csrf, vec![("op", "submit".into())])
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let leader = page_client();
    let lcsrf = t.page_login(&leader, "qn.doitruong1").await;
    // A refusal without a comment shows the error on the page.
    let r = post(&leader, &lcsrf, vec![("op", "reject".into())])
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Ghi rõ nội dung cần sửa"));
    let r = post(&leader, &lcsrf, vec![("op", "approve".into())])
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let head = page_client();
    let hcsrf = t.page_login(&head, "qn.chicuctruong").await;
    let html = head
        .get(t.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Ký ban hành, cấp số"));
    let r = post(&head, &hcsrf, vec![("op", "sign".into())])
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let clerk = page_client();
    let ccsrf = t.page_login(&clerk, "qn.vanthu").await;
    let html = clerk
        .get(t.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("01/BC-QLTT") && html.contains("Phát hành"),
        "{html}"
    );
    let r = post(
        &clerk,
        &ccsrf,
        vec![
            ("op", "send".into()),
            ("recipient_unit_ids", t.unit_id("QN").await),
            ("recipient_unit_ids", t.unit_id("QN-D2").await),
            ("external_name", "Sở Công Thương".into()),
            ("external_channel", "email".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    let html = clerk
        .get(t.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Đã gửi tới") && html.contains("Sở Công Thương"));
    assert_eq!(
        scalar(
            &t,
            "SELECT COUNT(*) FROM office_documents WHERE direction = 'incoming'"
        )
        .await,
        2
    );
    // Another province's officer gets the not-found page.
    let bn = page_client();
    t.page_login(&bn, "bn.ksv1").await;
    assert_eq!(bn.get(t.url(&to)).send().await.unwrap().status(), 404);
}
on_both!(the_outgoing_workflow_from_the_pages, draft_pages);

async fn an_edit_made_on_an_old_version_is_refused(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let leader = t.login("qn.doitruong1").await;
    let id = draft_of_team(&t, "Báo cáo kiểm tra cửa hàng mỹ phẩm").await;
    let path = format!("/api/v1/office-documents/drafts/{id}");
    let (_, d) = t.get(&ksv, &path).await;
    let read_by_ksv = d["updated_at"].as_str().unwrap().to_string();
    // The team leader takes the draft over and edits it, on the version he read.
    let mut by_leader = draft_body("Báo cáo kiểm tra cửa hàng mỹ phẩm (đội trưởng sửa)");
    by_leader["base_updated_at"] = json!(read_by_ksv);
    t.clock.advance(chrono::Duration::minutes(5));
    let (s, b) = t.patch(&leader, &path, by_leader).await;
    assert_eq!(s, 200, "{b}");
    let after_leader = b["updated_at"].as_str().unwrap().to_string();
    assert_ne!(after_leader, read_by_ksv);
    // The inspector saves her edit, made on the version before his: refused, nothing written.
    let mut by_ksv = draft_body("Báo cáo kiểm tra cửa hàng mỹ phẩm (chuyên viên sửa)");
    by_ksv["base_updated_at"] = json!(read_by_ksv);
    let (s, b) = t.patch(&ksv, &path, by_ksv.clone()).await;
    assert_eq!((s, code(&b)), (409, "office.draft_changed"), "{b}");
    let (_, d) = t.get(&ksv, &path).await;
    assert_eq!(
        d["summary"],
        "Báo cáo kiểm tra cửa hàng mỹ phẩm (đội trưởng sửa)"
    );
    let edits = format!(
        "SELECT COUNT(*) FROM office_draft_steps WHERE draft_id = '{id}' AND action = 'edit'"
    );
    assert_eq!(scalar(&t, &edits).await, 1);
    // Having read the new version, she saves.
    by_ksv["base_updated_at"] = json!(after_leader);
    let (s, b) = t.patch(&ksv, &path, by_ksv).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        b["summary"],
        "Báo cáo kiểm tra cửa hàng mỹ phẩm (chuyên viên sửa)"
    );
    // From the page: the form carries the version it showed; a stale save keeps what was typed.
    let page = page_client();
    let csrf = t.page_login(&page, "qn.doitruong1").await;
    let to = format!("/office/drafts/{id}");
    let html = page
        .get(t.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let current = b["updated_at"].as_str().unwrap();
    assert!(
        html.contains(&format!("name=\"base_updated_at\" value=\"{current}\"")),
        "{html}"
    );
    let r = page
        .post(t.url(&to))
        .form(&[
            ("csrf", csrf.as_str()),
            ("op", "edit"),
            ("base_updated_at", read_by_ksv.as_str()),
            ("doc_type", "official_letter"),
            ("summary", "Bản sửa trên trang cũ"),
            ("content", "Nội dung đội trưởng gõ lại"),
            ("recipients", "Chi cục QLTT Quảng Ninh"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("chưa được lưu") && html.contains("Nội dung đội trưởng gõ lại"),
        "{html}"
    );
}
on_both!(
    a_draft_edit_made_on_a_version_someone_changed_since_is_refused,
    an_edit_made_on_an_old_version_is_refused
);
