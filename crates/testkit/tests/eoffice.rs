//! The office (issue 9): registers of incoming and outgoing documents numbered without gaps under
//! concurrency, the workflow of an incoming document, directives to a 34-province tree delivered
//! exactly once (also when retried with the same Idempotency-Key), read receipts recorded once,
//! scope against an officer of another province, the pages and the live receipts stream.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use qltt_testkit::{TestApp, on_both, page_client};
use serde_json::{Value, json};

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

fn incoming(number: &str, summary: &str) -> Value {
    json!({"direction": "incoming", "doc_type": "official_letter", "number": number,
           "document_date": "2026-03-02", "received_on": "2026-03-04",
           "correspondent": "UBND tỉnh Quảng Ninh", "summary": summary,
           "signer": "Phó Chủ tịch UBND tỉnh", "urgency": "urgent"})
}

fn outgoing(summary: &str) -> Value {
    json!({"direction": "outgoing", "doc_type": "official_letter", "division_abbr": "NV",
           "document_date": "2026-03-05", "correspondent": "UBND tỉnh Quảng Ninh",
           "summary": summary, "signer": "Nguyễn Văn Thành"})
}

async fn register(t: &TestApp, token: &str, body: Value) -> Value {
    let (s, b) = t.post(token, "/api/v1/office-documents", body).await;
    assert_eq!(s, 201, "{b}");
    b
}

async fn registers_number_without_gaps_under_concurrency(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    let qn = t.unit_id("QN").await;
    // 8 clerks' desks issuing 1,000 arrival numbers at once.
    let started = Instant::now();
    let mut tasks = Vec::new();
    for desk in 0..8 {
        let http = t.http.clone();
        let url = t.url("/api/v1/office-documents");
        let token = clerk.clone();
        tasks.push(tokio::spawn(async move {
            let mut seqs = Vec::new();
            for i in 0..125 {
                let r = http
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&incoming(
                        &format!("{desk}-{i}/UBND-KT"),
                        "Đề nghị phối hợp",
                    ))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 201);
                let b: Value = r.json().await.unwrap();
                seqs.push(b["seq"].as_i64().unwrap());
            }
            seqs
        }));
    }
    let mut seqs = Vec::new();
    for task in tasks {
        seqs.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    eprintln!(
        "{:?}: 1000 incoming registrations by 8 concurrent clients in {elapsed:?} ({:.0}/s)",
        t.db.backend,
        1000.0 / elapsed.as_secs_f64()
    );
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=1000).collect::<Vec<i64>>());
    let book = qltt_store::office::Book {
        unit_id: &qn,
        direction: "incoming",
        register: "general",
        year: 2026,
    };
    let stored = qltt_store::office::register_seqs(t.app.db.pool(), &book)
        .await
        .unwrap();
    assert_eq!(stored, (1..=1000).collect::<Vec<i64>>());

    // 50 outgoing documents at once: numbers 01..50 of the same symbol, each exactly once.
    let mut tasks = Vec::new();
    for i in 0..50 {
        let http = t.http.clone();
        let url = t.url("/api/v1/office-documents");
        let token = clerk.clone();
        tasks.push(tokio::spawn(async move {
            let r = http
                .post(&url)
                .bearer_auth(&token)
                .json(&outgoing(&format!("Công văn {i}")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
            let b: Value = r.json().await.unwrap();
            b["number"].as_str().unwrap().to_string()
        }));
    }
    let mut numbers = BTreeSet::new();
    for task in tasks {
        assert!(numbers.insert(task.await.unwrap()), "duplicate number");
    }
    let want: BTreeSet<String> = (1..=50).map(|n| format!("{n:02}/QLTT-NV")).collect();
    assert_eq!(numbers, want);
    // Another unit's register and the case registers are untouched by these counters.
    let d1 = t.unit_id("QN-D1").await;
    let (s, b) = t
        .post(&clerk, "/api/v1/office-documents", {
            let mut o = outgoing("Báo cáo tuần");
            o["unit_id"] = json!(d1);
            o["doc_type"] = json!("report");
            o
        })
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["number"], "01/BC-QLTT");
    assert_eq!(b["unit_id"], d1.as_str());
    // The register lists newest first and pages by number.
    let (s, page) = t
        .get(
            &clerk,
            "/api/v1/office-documents?direction=incoming&limit=10",
        )
        .await;
    assert_eq!(s, 200, "{page}");
    assert_eq!(page["items"][0]["seq"], 1000);
    assert_eq!(page["items"][9]["seq"], 991);
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, next) = t
        .get(
            &clerk,
            &format!("/api/v1/office-documents?direction=incoming&limit=10&cursor={cursor}"),
        )
        .await;
    assert_eq!(next["items"][0]["seq"], 990);
}
on_both!(
    register_numbers_are_gapless_under_concurrency,
    registers_number_without_gaps_under_concurrency
);

async fn bad_registrations_are_refused(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    let ksv = t.login("qn.ksv1").await;
    let (s, b) = t
        .post(&ksv, "/api/v1/office-documents", incoming("1/UBND", "x"))
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));
    for (patch, want) in [
        (json!({"direction": "sideways"}), "office.invalid_direction"),
        (json!({"doc_type": "poem"}), "office.invalid_doc_type"),
        (json!({"urgency": "asap"}), "office.invalid_urgency"),
        (json!({"number": ""}), "validation.required"),
        (json!({"summary": " "}), "validation.required"),
        (
            json!({"document_date": "2026-03-06"}),
            "office.date_in_future",
        ),
        (
            json!({"received_on": "2026-03-01"}),
            "office.received_before_dated",
        ),
        (
            json!({"document_date": "31/02/2026"}),
            "office.invalid_date",
        ),
        (json!({"attachments": ["ab".repeat(32)]}), "file.unknown"),
    ] {
        let mut body = incoming("9/UBND-KT", "Thử");
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, b) = t.post(&clerk, "/api/v1/office-documents", body).await;
        assert_eq!((s, code(&b)), (400, want), "{patch}");
    }
    let mut bad = outgoing("x");
    bad["division_abbr"] = json!("nv");
    let (s, b) = t.post(&clerk, "/api/v1/office-documents", bad).await;
    assert_eq!((s, code(&b)), (400, "office.invalid_abbreviation"));
    // Refusals take no number: the next one is still 1.
    let b = register(&t, &clerk, incoming("10/UBND-KT", "Thử")).await;
    assert_eq!(b["seq"], 1);
}
on_both!(
    refused_registrations_take_no_number,
    bad_registrations_are_refused
);

async fn act(t: &TestApp, who: &str, id: &str, action: &str, body: Value) -> (u16, Value) {
    t.post(
        who,
        &format!("/api/v1/office-documents/{id}/actions/{action}"),
        body,
    )
    .await
}

async fn incoming_document_workflow(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    let head = t.login("qn.chicuctruong").await;
    let ksv = t.login("qn.ksv1").await;
    let d1 = t.unit_id("QN-D1").await;
    let doc = register(
        &t,
        &clerk,
        incoming("45/UBND-KT", "Đề nghị kiểm tra hàng Tết"),
    )
    .await;
    let id = doc["id"].as_str().unwrap().to_string();
    assert_eq!(doc["state"], "registered");
    assert_eq!(doc["seq"], 1);
    assert_eq!(doc["number"], "45/UBND-KT");
    assert_eq!(doc["urgency_label"], "Khẩn");
    assert_eq!(doc["allowed_actions"], json!(["route", "file"]));
    let route = json!({"opinion": "Giao Đội 1 kiểm tra, báo cáo trước ngày 10/3.", "unit_id": d1, "due_on": "2026-03-10"});
    // Only a leader routes: the clerk who keeps the register may not; the team's officer does
    // not even see the province's register before it is routed to the team.
    let (s, b) = act(&t, &clerk, &id, "route", route.clone()).await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"), "{b}");
    let (s, b) = act(&t, &ksv, &id, "route", route.clone()).await;
    assert_eq!((s, code(&b)), (404, "office.not_found"), "{b}");
    let (s, b) = t.get(&ksv, &format!("/api/v1/office-documents/{id}")).await;
    assert_eq!((s, code(&b)), (404, "office.not_found"));
    let (s, b) = act(&t, &head, &id, "accept", json!({})).await;
    assert_eq!((s, code(&b)), (409, "office.invalid_transition"), "{b}");
    let (s, b) = act(
        &t,
        &head,
        &id,
        "route",
        json!({"opinion": "x", "unit_id": d1, "due_on": "2026-03-04"}),
    )
    .await;
    assert_eq!((s, code(&b)), (400, "office.due_in_past"));
    let (s, b) = act(&t, &head, &id, "route", json!({"opinion": "x"})).await;
    assert_eq!((s, code(&b)), (400, "office.assignee_required"));
    let (s, b) = act(
        &t,
        &head,
        &id,
        "route",
        json!({"opinion": "x", "unit_id": t.unit_id("BN").await}),
    )
    .await;
    assert_eq!((s, code(&b)), (400, "office.unknown_assignee"));
    let (s, b) = act(&t, &head, &id, "route", route.clone()).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["state"], "routed");
    assert_eq!(b["assigned_unit_id"], d1.as_str());
    assert_eq!(b["due_on"], "2026-03-10");
    // Now the team sees it, in its own queue.
    let (s, b) = t.get(&ksv, &format!("/api/v1/office-documents/{id}")).await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = act(&t, &ksv, &id, "accept", json!({"note": "Đã nhận"})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["state"], "in_progress");
    let (s, b) = act(&t, &ksv, &id, "accept", json!({})).await;
    assert_eq!((s, code(&b)), (409, "office.invalid_transition"));
    // A reply is an outgoing document.
    let (s, b) = act(&t, &ksv, &id, "reply", json!({"reply_id": id})).await;
    assert_eq!((s, code(&b)), (400, "office.unknown_reply"));
    let answer = register(&t, &clerk, outgoing("Báo cáo kết quả kiểm tra hàng Tết")).await;
    assert_eq!(answer["number"], "01/QLTT-NV");
    assert_eq!(answer["state"], "issued");
    let (s, b) = act(&t, &ksv, &id, "reply", json!({"reply_id": answer["id"]})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["state"], "replied");
    assert_eq!(b["reply_number"], "01/QLTT-NV");
    assert_eq!(b["allowed_actions"], json!([]));
    let (s, b) = act(&t, &head, &id, "file", json!({})).await;
    assert_eq!((s, code(&b)), (409, "office.invalid_transition"));
    let (s, b) = act(&t, &ksv, &id, "shred", json!({})).await;
    assert_eq!((s, code(&b)), (404, "office.unknown_action"));
    let (_, b) = t
        .get(&head, &format!("/api/v1/office-documents/{id}"))
        .await;
    let steps: Vec<&str> = b["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["register", "route", "accept", "reply"]);
    assert_eq!(
        b["steps"][1]["note"],
        "Giao Đội 1 kiểm tra, báo cáo trước ngày 10/3."
    );
    // Outgoing: the clerk marks it sent; once.
    let answer_id = answer["id"].as_str().unwrap();
    let send = format!("/api/v1/office-documents/{answer_id}/actions/send");
    let (s, b) = t.post(&ksv, &send, json!({})).await;
    assert_eq!((s, code(&b)), (404, "office.not_found"));
    let (s, b) = t
        .post(&clerk, &send, json!({"note": "Gửi qua bưu điện"}))
        .await;
    assert_eq!((s, b["state"].as_str()), (200, Some("sent")), "{b}");
    let (s, b) = t.post(&clerk, &send, json!({})).await;
    assert_eq!((s, code(&b)), (409, "office.invalid_transition"));
    // Every step is in the audit chain.
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE entity_type = 'office_document' AND entity_id = $1",
    )
    .bind(&id)
    .fetch_one(t.app.db.pool())
    .await
    .unwrap();
    assert_eq!(n, 4);

    // A document routed to one officer, overdue after its deadline: in their home queue.
    let late = register(&t, &clerk, incoming("46/UBND-KT", "Báo cáo nhanh")).await;
    let late_id = late["id"].as_str().unwrap();
    let ksv_id = t.user_id("qn.ksv1").await;
    let (s, b) = t
        .post(
            &head,
            &format!("/api/v1/office-documents/{late_id}/actions/route"),
            json!({"opinion": "Đ/c Mai xử lý", "officer_id": ksv_id, "due_on": "2026-03-06"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (_, q) = t.get(&ksv, "/api/v1/queues").await;
    assert_eq!(q["overdue_documents"], json!([]));
    t.clock.advance(chrono::Duration::days(3));
    // Sign-ins last hours, not days.
    let ksv = t.login("qn.ksv1").await;
    let (_, q) = t.get(&ksv, "/api/v1/queues").await;
    assert_eq!(q["overdue_documents"][0]["document_id"], late_id);
    assert_eq!(q["overdue_documents"].as_array().unwrap().len(), 1);
    let (_, b) = t
        .get(&ksv, &format!("/api/v1/office-documents/{late_id}"))
        .await;
    assert_eq!(b["overdue"], true);
    // Another officer of the team does not have it: it was routed to her alone.
    let (_, q) = t.get(&t.login("qn.coto").await, "/api/v1/queues").await;
    assert_eq!(q["overdue_documents"], json!([]));
    let (s, b) = t
        .post(
            &ksv,
            &format!("/api/v1/office-documents/{late_id}/actions/file"),
            json!({"note": "Đã báo cáo qua điện thoại"}),
        )
        .await;
    assert_eq!((s, b["state"].as_str()), (200, Some("filed")), "{b}");
    let (_, q) = t.get(&ksv, "/api/v1/queues").await;
    assert_eq!(q["overdue_documents"], json!([]));
}
on_both!(
    incoming_document_goes_from_clerk_to_answer,
    incoming_document_workflow
);

/// 34 provinces (as after the 2025 merger) with three teams each, under the national unit.
async fn build_34_provinces(t: &TestApp, admin: &str) {
    let root = t.unit_id("TW").await;
    for p in 1..=34 {
        let (s, b) = t
            .post(
                admin,
                "/api/v1/units",
                json!({"name": format!("Chi cục QLTT tỉnh {p:02}"), "code": format!("P{p:02}"),
                       "kind": "provincial_unit", "parent_id": root}),
            )
            .await;
        assert_eq!(s, 201, "{b}");
        let province = b["id"].as_str().unwrap().to_string();
        for d in 1..=3 {
            let (s, b) = t
                .post(
                    admin,
                    "/api/v1/units",
                    json!({"name": format!("Đội QLTT số {d}"), "code": format!("P{p:02}-D{d}"),
                           "kind": "team", "parent_id": province}),
                )
                .await;
            assert_eq!(s, 201, "{b}");
        }
    }
}

async fn scalar(t: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(t.app.db.pool())
        .await
        .unwrap();
    n
}

async fn directive_to_the_whole_force(t: TestApp) {
    let admin = t.login("admin").await;
    build_34_provinces(&t, &admin).await;
    let root = t.unit_id("TW").await;
    let active = scalar(&t, "SELECT COUNT(*) FROM units WHERE valid_to IS NULL").await;
    assert!(active > 34 * 4, "{active}");
    let body = json!({"root_unit_id": root, "summary": "Tăng cường kiểm tra hàng giả dịp Tết",
        "message": "Các đơn vị triển khai ngay; báo cáo kết quả trước 30/3.", "signer": "Cục trưởng",
        "urgency": "flash", "issuer_abbr": "QLTT"});
    let send = || {
        t.http
            .post(t.url("/api/v1/directives"))
            .bearer_auth(&admin)
            .header("Idempotency-Key", "chi-thi-tet-2026")
            .json(&body)
            .send()
    };
    let started = Instant::now();
    let r = send().await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(r.status(), 201);
    let first: Value = r.json().await.unwrap();
    eprintln!(
        "{:?}: directive to {active} units delivered in one request of {elapsed:?}",
        t.db.backend
    );
    assert_eq!(first["recipients"], active);
    assert_eq!(first["document"]["number"], "01/CT-QLTT");
    assert_eq!(first["document"]["state"], "sent");
    let id = first["id"].as_str().unwrap().to_string();
    // The phone never saw the answer and sends again, twice: the same directive, nothing new.
    for _ in 0..2 {
        let r = send().await.unwrap();
        assert_eq!(r.status(), 201);
        assert_eq!(r.headers()["idempotent-replayed"], "true");
        let again: Value = r.json().await.unwrap();
        assert_eq!(again["id"], id.as_str());
    }
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM directives").await, 1);
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM directive_recipients").await,
        active
    );
    assert_eq!(
        scalar(
            &t,
            "SELECT COUNT(DISTINCT unit_id) FROM directive_recipients"
        )
        .await,
        active
    );
    // Every active unit got it; the merged one (Bắc Giang) did not.
    assert_eq!(
        scalar(
            &t,
            "SELECT COUNT(*) FROM units u WHERE u.valid_to IS NULL AND NOT EXISTS \
             (SELECT 1 FROM directive_recipients r WHERE r.unit_id = u.id)"
        )
        .await,
        0
    );
    let bg = t.unit_id("BG").await;
    assert_eq!(
        scalar(
            &t,
            &format!("SELECT COUNT(*) FROM directive_recipients WHERE unit_id = '{bg}'")
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &t,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'directive.send'"
        )
        .await,
        1
    );

    // Read receipts: once per officer, however often they open it.
    let ksv = t.login("qn.ksv1").await;
    let (s, r1) = t
        .post(&ksv, &format!("/api/v1/directives/{id}/read"), json!({}))
        .await;
    assert_eq!((s, &r1["first"]), (200, &json!(true)), "{r1}");
    t.clock.advance(chrono::Duration::minutes(5));
    let (s, r2) = t
        .post(&ksv, &format!("/api/v1/directives/{id}/read"), json!({}))
        .await;
    assert_eq!((s, &r2["first"]), (200, &json!(false)));
    assert_eq!(r1["read_at"], r2["read_at"]);
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM directive_reads").await, 1);
    assert_eq!(
        scalar(
            &t,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'directive.read'"
        )
        .await,
        1
    );
    // The sender sees who has not read it.
    let (s, rc) = t
        .get(&admin, &format!("/api/v1/directives/{id}/receipts"))
        .await;
    assert_eq!(s, 200, "{rc}");
    assert_eq!(rc["recipients"].as_array().unwrap().len() as i64, active);
    let unread: Vec<&str> = rc["unread"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert!(!unread.contains(&"qn.ksv1"));
    assert!(unread.contains(&"qn.doitruong1") && unread.contains(&"bn.ksv1"));
    let officers = scalar(
        &t,
        "SELECT COUNT(*) FROM users WHERE active = 1 \
         AND unit_id IN (SELECT unit_id FROM directive_recipients)",
    )
    .await;
    assert_eq!(rc["unread_total"].as_i64().unwrap(), officers - 1);
    // A unit's acknowledgement: by its leader or clerk, once.
    let (s, b) = t
        .post(
            &ksv,
            &format!("/api/v1/directives/{id}/acknowledge"),
            json!({}),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));
    let leader = t.login("qn.doitruong1").await;
    for _ in 0..2 {
        let (s, b) = t
            .post(
                &leader,
                &format!("/api/v1/directives/{id}/acknowledge"),
                json!({}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["my_unit_acknowledged"], true);
    }
    assert_eq!(
        scalar(
            &t,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'directive.acknowledge'"
        )
        .await,
        1
    );
    let (_, d) = t.get(&admin, &format!("/api/v1/directives/{id}")).await;
    assert_eq!(
        (d["acknowledged"].as_i64(), d["readers"].as_i64()),
        (Some(1), Some(1))
    );
    // A recipient sees its own part of the receipts only.
    let bn = t.login("bn.ksv1").await;
    let (s, rc) = t
        .get(&bn, &format!("/api/v1/directives/{id}/receipts"))
        .await;
    assert_eq!(s, 200, "{rc}");
    let units: Vec<&str> = rc["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit_code"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["BN-D1"]);
    // The officer's list shows it.
    let (_, list) = t.get(&bn, "/api/v1/directives").await;
    assert_eq!(list["items"][0]["id"], id.as_str());
    assert_eq!(list["items"][0]["my_unit_received"], true);
}
on_both!(
    directive_reaches_every_unit_of_34_provinces_exactly_once,
    directive_to_the_whole_force
);

async fn who_may_send_directives(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let head = t.login("qn.chicuctruong").await;
    let body =
        |root: String| json!({"root_unit_id": root, "summary": "Chỉ đạo", "message": "Thực hiện"});
    let (s, b) = t
        .post(&ksv, "/api/v1/directives", body(t.unit_id("QN").await))
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));
    let (s, b) = t
        .post(&head, "/api/v1/directives", body(t.unit_id("BN").await))
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"));
    let (s, b) = t
        .post(&head, "/api/v1/directives", body(t.unit_id("BG").await))
        .await;
    assert_eq!(s, 403, "{b}");
    let (s, d) = t
        .post(&head, "/api/v1/directives", body(t.unit_id("QN").await))
        .await;
    assert_eq!(s, 201, "{d}");
    // The province and its teams and work group: QN, 5 teams, Cô Tô.
    assert_eq!(d["recipients"], 7);
    assert_eq!(d["document"]["number"], "01/CT-QLTT");
    // The sender's own unit received it, so the head reads it too; an officer outside does not.
    let id = d["id"].as_str().unwrap();
    let (s, _) = t
        .post(&head, &format!("/api/v1/directives/{id}/read"), json!({}))
        .await;
    assert_eq!(s, 200);
    let admin = t.login("admin").await;
    let (s, b) = t
        .post(&admin, &format!("/api/v1/directives/{id}/read"), json!({}))
        .await;
    assert_eq!((s, code(&b)), (422, "directive.not_recipient"));
}
on_both!(
    only_leaders_send_directives_within_their_scope,
    who_may_send_directives
);

async fn officer_of_another_province_sees_nothing(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    let head = t.login("qn.chicuctruong").await;
    let doc = register(
        &t,
        &clerk,
        incoming("7/UBND-KT", "Tài liệu nội bộ Quảng Ninh"),
    )
    .await;
    let id = doc["id"].as_str().unwrap();
    let (s, d) = t
        .post(
            &head,
            "/api/v1/directives",
            json!({"root_unit_id": t.unit_id("QN").await,
            "summary": "Chỉ đạo nội bộ Quảng Ninh", "message": "Thực hiện"}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let directive = d["id"].as_str().unwrap();
    for user in ["bn.ksv1", "bn.chicuctruong", "bg.ksv1"] {
        let token = t.login(user).await;
        let (s, b) = t
            .get(&token, &format!("/api/v1/office-documents/{id}"))
            .await;
        assert_eq!((s, code(&b)), (404, "office.not_found"), "{user}");
        for action in ["route", "accept", "file"] {
            let (s, b) = t
                .post(
                    &token,
                    &format!("/api/v1/office-documents/{id}/actions/{action}"),
                    json!({"opinion": "x", "unit_id": t.unit_id("BN").await}),
                )
                .await;
            assert_eq!((s, code(&b)), (404, "office.not_found"), "{user} {action}");
        }
        let qn = t.unit_id("QN").await;
        let (s, b) = t
            .get(&token, &format!("/api/v1/office-documents?unit_id={qn}"))
            .await;
        assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"), "{user}");
        let (s, b) = t.get(&token, "/api/v1/office-documents").await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["items"], json!([]), "{user}");
        let (_, q) = t.get(&token, "/api/v1/queues").await;
        assert_eq!(q["overdue_documents"], json!([]));
        for path in ["", "/receipts"] {
            let (s, b) = t
                .get(&token, &format!("/api/v1/directives/{directive}{path}"))
                .await;
            assert_eq!((s, code(&b)), (404, "directive.not_found"), "{user} {path}");
        }
        for path in ["read", "acknowledge"] {
            let (s, b) = t
                .post(
                    &token,
                    &format!("/api/v1/directives/{directive}/{path}"),
                    json!({}),
                )
                .await;
            assert!(s == 404 || s == 403, "{user} {path} {s} {b}");
        }
        let (_, list) = t.get(&token, "/api/v1/directives").await;
        assert_eq!(list["items"], json!([]), "{user}");
    }
    let bn_head = t.login("bn.chicuctruong").await;
    let mut into_qn = incoming("8/UBND-KT", "x");
    into_qn["unit_id"] = json!(t.unit_id("QN").await);
    let (s, b) = t.post(&bn_head, "/api/v1/office-documents", into_qn).await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"));
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM directive_reads").await, 0);
}
on_both!(
    officers_of_another_province_see_no_document_or_directive,
    officer_of_another_province_sees_nothing
);

async fn office_pages(t: TestApp) {
    let clerk = page_client();
    let csrf = t.page_login(&clerk, "qn.vanthu").await;
    let html = clerk
        .get(t.url("/office"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Sổ văn bản đến") && html.contains("Vào sổ văn bản đến"));
    let qn = t.unit_id("QN").await;
    let r = clerk
        .post(t.url("/office"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("direction", "incoming"),
            ("unit_id", qn.as_str()),
            ("doc_type", "official_letter"),
            ("number", "12/SCT-QLTM"),
            ("received_on", "2026-03-05"),
            ("document_date", "2026-03-04"),
            ("correspondent", "Sở Công Thương"),
            ("summary", "Về việc kiểm tra an toàn thực phẩm"),
            ("signer", ""),
            ("urgency", "normal"),
            ("confidentiality", "normal"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/office/"), "{to}");
    let html = clerk
        .get(t.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("12/SCT-QLTM") && html.contains("Đã vào sổ văn bản đến, số đến 1"));
    assert!(
        !html.contains("Phân phối, cho ý kiến chỉ đạo"),
        "the clerk does not route"
    );
    // A leader routes it from the page; a wrong date shows the error on the page.
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
    assert!(html.contains("Phân phối, cho ý kiến chỉ đạo"));
    let d1 = format!("unit:{}", t.unit_id("QN-D1").await);
    let r = head
        .post(t.url(&to))
        .form(&[
            ("csrf", hcsrf.as_str()),
            ("op", "route"),
            ("opinion", "Đội 1 xử lý"),
            ("target", d1.as_str()),
            ("due_on", "2026-03-01"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Hạn xử lý không được trước ngày hôm nay")
    );
    let r = head
        .post(t.url(&to))
        .form(&[
            ("csrf", hcsrf.as_str()),
            ("op", "route"),
            ("opinion", "Đội 1 xử lý"),
            ("target", d1.as_str()),
            ("due_on", "2026-03-12"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = head
        .get(t.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Đội 1 xử lý") && html.contains("12/03/2026"));
    // The team's officer finds it waiting on /office.
    let ksv = page_client();
    t.page_login(&ksv, "qn.ksv1").await;
    let html = ksv
        .get(t.url("/office"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Về việc kiểm tra an toàn thực phẩm"),
        "waiting list"
    );
    // A directive from the page; opening it records the reading; the sender's page lists who
    // has not read it.
    let team = t.unit_id("QN-D1").await;
    let r = head
        .post(t.url("/directives"))
        .form(&[
            ("csrf", hcsrf.as_str()),
            ("root_unit_id", team.as_str()),
            ("doc_type", "directive"),
            ("summary", "Kiểm tra chợ Hạ Long"),
            ("message", "Đội 1 kiểm tra ngay"),
            ("signer", ""),
            ("urgency", "urgent"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let dpath = r.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let html = head
        .get(t.url(&dpath))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Hoàng Thị Mai"), "ksv1 is listed as not read");
    let html = ksv
        .get(t.url(&dpath))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Đội 1 kiểm tra ngay"));
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM directive_reads").await, 1);
    ksv.get(t.url(&dpath)).send().await.unwrap();
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM directive_reads").await, 1);
    let html = head
        .get(t.url(&dpath))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("Hoàng Thị Mai"), "ksv1 has read it");
    let html = head
        .get(t.url("/directives"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Kiểm tra chợ Hạ Long"));
    // An officer of another province gets the not-found page.
    let bn = page_client();
    t.page_login(&bn, "bn.ksv1").await;
    assert_eq!(bn.get(t.url(&to)).send().await.unwrap().status(), 404);
    assert_eq!(bn.get(t.url(&dpath)).send().await.unwrap().status(), 404);
}
on_both!(office_and_directive_pages, office_pages);

async fn receipts_arrive_live(t: TestApp) {
    use futures_util::StreamExt;
    let head = t.login("qn.chicuctruong").await;
    let (s, d) = t
        .post(
            &head,
            "/api/v1/directives",
            json!({"root_unit_id": t.unit_id("QN-D1").await,
            "summary": "Chỉ đạo", "message": "Thực hiện"}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_str().unwrap().to_string();
    let bn = t.login("bn.ksv1").await;
    let (s, _) = t.get(&bn, &format!("/api/v1/directives/{id}/events")).await;
    assert_eq!(s, 404);
    let r = t
        .http
        .get(t.url(&format!("/api/v1/directives/{id}/events")))
        .bearer_auth(&head)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut stream = r.bytes_stream();
    let ksv = t.login("qn.ksv1").await;
    let (s, _) = t
        .post(&ksv, &format!("/api/v1/directives/{id}/read"), json!({}))
        .await;
    assert_eq!(s, 200);
    let mut seen = String::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !seen.contains("event: receipt") && Instant::now() < deadline {
        if let Ok(Some(Ok(chunk))) =
            tokio::time::timeout(Duration::from_secs(10), stream.next()).await
        {
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
    assert!(
        seen.contains("event: receipt") && seen.contains("\"kind\":\"read\""),
        "{seen}"
    );
}
on_both!(the_sender_sees_readings_live, receipts_arrive_live);

async fn upload(t: &TestApp, token: &str, bytes: &[u8]) -> String {
    let r = t
        .http
        .post(t.url("/api/v1/files"))
        .bearer_auth(token)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let b: Value = r.json().await.unwrap();
    b["sha256"].as_str().unwrap().to_string()
}

async fn attachments_reach_those_asked_to_act(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    let head = t.login("qn.chicuctruong").await;
    let ksv = t.login("qn.ksv1").await;
    let bn = t.login("bn.ksv1").await;
    // The clerk of the province scans the letter; the team's officer cannot open it until the
    // letter is routed to the team.
    let scan = upload(
        &t,
        &clerk,
        b"%PDF-1.4\n% scan of 45/UBND-KT\ntrailer<<>>\n%%EOF\n",
    )
    .await;
    let mut body = incoming("45/UBND-KT", "Đề nghị kiểm tra");
    body["attachments"] = json!([scan]);
    let doc = register(&t, &clerk, body).await;
    assert_eq!(doc["attachment_shas"], json!([scan]));
    let file = format!("/api/v1/files/{scan}");
    assert_eq!(t.get(&ksv, &file).await.0, 404);
    let id = doc["id"].as_str().unwrap();
    let (s, b) = act(
        &t,
        &head,
        id,
        "route",
        json!({"opinion": "Đội 1 xử lý", "unit_id": t.unit_id("QN-D1").await}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(t.get(&ksv, &file).await.0, 200);
    assert_eq!(t.get(&bn, &file).await.0, 404);
    // A directive's annex reaches every recipient, and no one else.
    let annex = upload(
        &t,
        &head,
        b"%PDF-1.4\n% annex of the directive\ntrailer<<>>\n%%EOF\n",
    )
    .await;
    let (s, d) = t
        .post(&head, "/api/v1/directives", json!({"root_unit_id": t.unit_id("QN").await,
            "summary": "Kế hoạch kiểm tra", "message": "Thực hiện theo phụ lục", "attachments": [annex]}))
        .await;
    assert_eq!(s, 201, "{d}");
    let file = format!("/api/v1/files/{annex}");
    assert_eq!(t.get(&t.login("qn.coto").await, &file).await.0, 200);
    assert_eq!(t.get(&bn, &file).await.0, 404);
}
on_both!(
    attachments_reach_the_officers_asked_to_act,
    attachments_reach_those_asked_to_act
);
