//! Documents with a secrecy level (issue 9), tested as an attacker on both databases: an officer
//! of the same unit who is not entitled to a secret document (not a leader or the secret-book
//! clerk, not named on it, not granted it) sees only a placeholder line in the register, opens
//! neither the document, its text, its files nor its access list, finds nothing by search and
//! cannot act on it; after a head's grant (audited) they can, after its revocation no more. Secret
//! arrivals have their own book (Decree 26/2020/NĐ-CP Art. 4(2)(a)); every opening is recorded.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both, page_client};
use serde_json::{Value, json};

const SUMMARY: &str = "Phương án phối hợp kiểm tra kho hàng lậu tại Móng Cái";

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

async fn scalar(t: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(t.app.db.pool())
        .await
        .unwrap();
    n
}

async fn audit_count(t: &TestApp, action: &str, actor: &str, doc: &str) -> i64 {
    scalar(
        t,
        &format!(
            "SELECT COUNT(*) FROM audit_events WHERE action = '{action}' AND actor_id = '{actor}' \
             AND entity_id = '{doc}'"
        ),
    )
    .await
}

/// A small PDF of its own (the scan of the letter).
fn pdf(tag: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {tag}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").into_bytes()
}

async fn upload(t: &TestApp, token: &str, bytes: Vec<u8>) -> String {
    let r = t
        .http
        .post(t.url("/api/v1/files"))
        .bearer_auth(token)
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let b: Value = r.json().await.unwrap();
    b["sha256"].as_str().unwrap().to_string()
}

async fn download(t: &TestApp, token: &str, sha: &str) -> u16 {
    t.http
        .get(t.url(&format!("/api/v1/files/{sha}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn arrival(t: &TestApp, clerk: &str, number: &str, secrecy: &str, files: &[&str]) -> Value {
    let (s, b) = t
        .post(
            clerk,
            "/api/v1/office-documents",
            json!({"direction": "incoming", "doc_type": "official_letter", "number": number,
                   "document_date": "2026-03-04", "received_on": "2026-03-05",
                   "correspondent": "Công an tỉnh Quảng Ninh", "summary": SUMMARY,
                   "confidentiality": secrecy, "attachments": files}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    b
}

/// Ids of office documents found by `q`, and the index's total.
async fn found(t: &TestApp, token: &str, q: &str) -> (Vec<String>, i64) {
    let (s, b) = t
        .get(
            token,
            &format!(
                "/api/v1/search?kind=office_document&q={}",
                q.replace(' ', "+")
            ),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let ids = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    (ids, b["total"].as_i64().unwrap())
}

async fn secret_arrivals_have_their_own_book(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    let qn = t.unit_id("QN").await;
    // Decree 26/2020 Art. 4(2)(a): the secret arrival book counts on its own, from 1.
    let a = arrival(&t, &clerk, "7/CAT-PC03", "secret", &[]).await;
    let b = arrival(&t, &clerk, "1/UBND-KT", "normal", &[]).await;
    let c = arrival(&t, &clerk, "9/CAT-PC03", "top_secret", &[]).await;
    assert_eq!(
        (a["register"].as_str(), a["seq"].as_i64()),
        (Some("secret"), Some(1))
    );
    assert_eq!(
        (b["register"].as_str(), b["seq"].as_i64()),
        (Some("general"), Some(1))
    );
    assert_eq!(
        (c["register"].as_str(), c["seq"].as_i64()),
        (Some("secret"), Some(2))
    );
    // Eight clerks at once, alternating: no gap and no duplicate in either book.
    let mut jobs = Vec::new();
    for i in 0..40 {
        let secrecy = if i % 2 == 0 { "confidential" } else { "normal" };
        let clerk = clerk.clone();
        let t = &t;
        jobs.push(async move {
            arrival(t, &clerk, &format!("{i}/CV"), secrecy, &[]).await;
        });
    }
    use futures_util::StreamExt;
    let _: Vec<()> = futures_util::stream::iter(jobs)
        .buffer_unordered(8)
        .collect()
        .await;
    for (book, n) in [("general", 21), ("secret", 22)] {
        let seqs = qltt_store::office::register_seqs(
            t.app.db.pool(),
            &qltt_store::office::Book {
                unit_id: &qn,
                direction: "incoming",
                register: book,
                year: 2026,
            },
        )
        .await
        .unwrap();
        assert_eq!(seqs, (1..=n).collect::<Vec<i64>>(), "{book}");
    }
    // The book's page has its own tab and title.
    let page = page_client();
    t.page_login(&page, "qn.vanthu").await;
    let html = page
        .get(t.url("/office?direction=incoming&register=secret"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Sổ văn bản mật đến") && html.contains("9/CAT-PC03"),
        "{html}"
    );
    assert!(!html.contains("1/UBND-KT"), "{html}");
}
on_both!(
    incoming_secret_documents_are_numbered_in_their_own_book,
    secret_arrivals_have_their_own_book
);

async fn an_officer_of_the_unit_reads_a_secret_only_when_granted(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    let head = t.login("qn.chicuctruong").await;
    // The attacker: the province's accountant, in the same unit as the register.
    let attacker = t.login("qn.ketoan").await;
    let attacker_id = t.user_id("qn.ketoan").await;
    let admin = t.login("qn.quantri").await;
    let team_leader = t.login("qn.doitruong1").await;
    let sha = upload(&t, &clerk, pdf("ban-mat")).await;
    let doc = arrival(&t, &clerk, "7/CAT-PC03", "secret", &[&sha]).await;
    let id = doc["id"].as_str().unwrap().to_string();
    let open = arrival(&t, &clerk, "8/CAT-PC03", "normal", &[]).await;
    t.app.search_catch_up().await.unwrap();
    let path = format!("/api/v1/office-documents/{id}");

    // The register's own audit event does not repeat the summary of a secret document.
    let (details,): (String,) = sqlx::query_as(&format!(
        "SELECT details FROM audit_events WHERE action = 'office_document.register' \
         AND entity_id = '{id}'"
    ))
    .fetch_one(t.app.db.pool())
    .await
    .unwrap();
    assert!(!details.contains("Móng Cái"), "{details}");

    // The attacker (and the system administrator): no detail, text, files, access list, step.
    for who in [&attacker, &admin] {
        let (s, b) = t.get(who, &path).await;
        assert_eq!((s, code(&b)), (403, "office.secret_restricted"), "{b}");
        assert!(!b.to_string().contains("Móng Cái"));
        let (s, b) = t.get(who, &format!("{path}/text")).await;
        assert_eq!((s, code(&b)), (403, "office.secret_restricted"), "{b}");
        let (s, _) = t.get(who, &format!("{path}/access")).await;
        assert_eq!(s, 403);
        assert_eq!(download(&t, who, &sha).await, 404);
    }
    let (s, b) = t
        .post(
            &attacker,
            &format!("{path}/actions/file"),
            json!({"note": "x"}),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "office.secret_restricted"), "{b}");
    // In the register: the placeholder line (number, dates, level), not the summary or sender.
    let (s, list) = t
        .get(
            &attacker,
            "/api/v1/office-documents?direction=incoming&register=secret",
        )
        .await;
    assert_eq!(s, 200, "{list}");
    let item = &list["items"][0];
    assert_eq!(
        (
            item["id"].as_str(),
            item["restricted"].as_bool(),
            item["summary"].as_str(),
            item["number"].as_str(),
            item["correspondent"].as_str(),
        ),
        (
            Some(id.as_str()),
            Some(true),
            Some("Văn bản mật"),
            Some("7/CAT-PC03"),
            Some("")
        ),
        "{list}"
    );
    assert!(!list.to_string().contains("Móng Cái"), "{list}");
    // Search: not by its words, not by its number; the ordinary letter is found.
    let (ids, total) = found(&t, &attacker, "kho hang lau").await;
    assert_eq!(
        (ids.clone(), total),
        (vec![open["id"].as_str().unwrap().to_string()], 1)
    );
    assert_eq!(found(&t, &attacker, "7/CAT-PC03").await.1, 0);
    // A team leader outside the province's register: nothing at all.
    let (s, _) = t.get(&team_leader, &path).await;
    assert_eq!(s, 404);
    assert_eq!(found(&t, &team_leader, "kho hang lau").await.1, 0);
    // The attacker cannot grant it to themself.
    let (s, _) = t
        .post(
            &attacker,
            &format!("{path}/access"),
            json!({"user_id": attacker_id, "reason": "Tự cấp"}),
        )
        .await;
    assert_eq!(s, 403);
    // The page: 403 with no summary; the list shows the placeholder line.
    let page = page_client();
    t.page_login(&page, "qn.ketoan").await;
    let r = page
        .get(t.url(&format!("/office/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(!r.text().await.unwrap().contains("Móng Cái"));
    let html = page
        .get(t.url("/office?direction=incoming&register=secret"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Văn bản mật — không hiển thị trích yếu") && !html.contains("Móng Cái"),
        "{html}"
    );

    // The head reads it in full, finds it, and downloads its scan: each opening recorded.
    let head_id = t.user_id("qn.chicuctruong").await;
    let (s, b) = t.get(&head, &path).await;
    assert_eq!((s, b["summary"].as_str()), (200, Some(SUMMARY)), "{b}");
    assert_eq!(found(&t, &head, "kho hang lau").await.1, 2);
    assert_eq!(download(&t, &head, &sha).await, 200);
    assert_eq!(
        audit_count(&t, "office_document.secret_read", &head_id, &id).await,
        1
    );
    assert_eq!(
        audit_count(&t, "office_document.secret_file_read", &head_id, &id).await,
        1
    );
    // Reopened within minutes: one record of the page; every download is one.
    t.get(&head, &path).await;
    assert_eq!(download(&t, &head, &sha).await, 200);
    assert_eq!(
        audit_count(&t, "office_document.secret_read", &head_id, &id).await,
        1
    );
    assert_eq!(
        audit_count(&t, "office_document.secret_file_read", &head_id, &id).await,
        2
    );
    // The head's page: the red stamp, who reads it, the grant form.
    let head_page = page_client();
    t.page_login(&head_page, "qn.chicuctruong").await;
    let html = head_page
        .get(t.url(&format!("/office/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("stamp-secret")
            && html.contains("Tối mật")
            && html.contains("Người được xem văn bản mật")
            && html.contains("Cho phép xem")
            && html.contains("Bùi Thị Hoa"),
        "{html}"
    );
    // The head reads who opened it: their own openings (the page, the downloads).
    let (s, acc) = t.get(&head, &format!("{path}/access")).await;
    assert_eq!(s, 200, "{acc}");
    let actions: Vec<&str> = acc["openings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"office_document.secret_file_read")
            && actions.contains(&"office_document.secret_read"),
        "{acc}"
    );
    assert!(html.contains("Lượt mở văn bản gần đây"), "{html}");
    // The clerk reads it, not the log of who opened it.
    let (s, acc) = t.get(&clerk, &format!("{path}/access")).await;
    assert_eq!(
        (s, acc["openings"].as_array().map(Vec::len)),
        (200, Some(0)),
        "{acc}"
    );

    // The head grants it to the accountant, with a reason: audited, then it opens for them.
    let (s, b) = t
        .post(
            &head,
            &format!("{path}/access"),
            json!({"user_id": attacker_id, "reason": "Phối hợp đối chiếu chứng từ"}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["grants"][0]["user_id"], attacker_id.as_str());
    assert_eq!(
        audit_count(&t, "office_document.grant_access", &head_id, &id).await,
        1
    );
    let (s, b) = t
        .post(
            &head,
            &format!("{path}/access"),
            json!({"user_id": attacker_id, "reason": "Lần hai"}),
        )
        .await;
    assert_eq!((s, code(&b)), (409, "office.already_granted"), "{b}");
    t.app.search_catch_up().await.unwrap();
    let (s, b) = t.get(&attacker, &path).await;
    assert_eq!((s, b["summary"].as_str()), (200, Some(SUMMARY)), "{b}");
    let (s, _) = t.get(&attacker, &format!("{path}/text")).await;
    assert_eq!(s, 200);
    assert_eq!(download(&t, &attacker, &sha).await, 200);
    assert_eq!(found(&t, &attacker, "kho hang lau").await.1, 2);
    assert_eq!(
        audit_count(&t, "office_document.secret_read", &attacker_id, &id).await,
        1
    );
    let (_, list) = t
        .get(
            &attacker,
            "/api/v1/office-documents?direction=incoming&register=secret",
        )
        .await;
    assert_eq!(list["items"][0]["summary"], SUMMARY);
    // The administrator still does not read it.
    let (s, _) = t.get(&admin, &path).await;
    assert_eq!(s, 403);

    // Taken back: closed again, in the index too.
    let (s, b) = t
        .delete(&head, &format!("{path}/access/{attacker_id}"))
        .await;
    assert_eq!(s, 200, "{b}");
    assert!(b["grants"][0]["revoked_at"].is_string(), "{b}");
    assert_eq!(
        audit_count(&t, "office_document.revoke_access", &head_id, &id).await,
        1
    );
    t.app.search_catch_up().await.unwrap();
    let (s, _) = t.get(&attacker, &path).await;
    assert_eq!(s, 403);
    assert_eq!(download(&t, &attacker, &sha).await, 404);
    assert_eq!(found(&t, &attacker, "kho hang lau").await.1, 1);
    // The same after the index is rebuilt from the rows.
    t.app.search_rebuild(&|_| {}).await.unwrap();
    assert_eq!(found(&t, &attacker, "kho hang lau").await.1, 1);
    assert_eq!(found(&t, &head, "kho hang lau").await.1, 2);

    // Routed in person to a team officer: named on it, they read it wherever their team is; the
    // team's leader, who is not, does not.
    let ksv = t.login("qn.ksv1").await;
    let ksv_id = t.user_id("qn.ksv1").await;
    let (s, b) = t
        .post(
            &head,
            &format!("{path}/actions/route"),
            json!({"opinion": "Đồng chí Mai nghiên cứu", "officer_id": ksv_id}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    // The journal keeps the opinion for those who read the document; the audit log does not.
    assert_eq!(b["route_opinion"], "Đồng chí Mai nghiên cứu");
    let (details,): (String,) = sqlx::query_as(&format!(
        "SELECT details FROM audit_events WHERE action = 'office_document.route' \
         AND entity_id = '{id}'"
    ))
    .fetch_one(t.app.db.pool())
    .await
    .unwrap();
    assert!(!details.contains("nghiên cứu"), "{details}");
    t.app.search_catch_up().await.unwrap();
    let (s, _) = t.get(&ksv, &path).await;
    assert_eq!(s, 200);
    assert_eq!(download(&t, &ksv, &sha).await, 200);
    assert_eq!(found(&t, &ksv, "kho hang lau").await.1, 1);
    let (s, _) = t.get(&team_leader, &path).await;
    assert_eq!(s, 404);
}
on_both!(
    a_secret_document_is_read_only_by_who_is_entitled_or_granted,
    an_officer_of_the_unit_reads_a_secret_only_when_granted
);

async fn secret_directives_are_refused(t: TestApp) {
    let head = t.login("qn.chicuctruong").await;
    let qn = t.unit_id("QN").await;
    let before = scalar(&t, "SELECT COUNT(*) FROM directives").await;
    let (s, b) = t
        .post(
            &head,
            "/api/v1/directives",
            json!({"root_unit_id": qn, "summary": "Phương án", "message": "Thực hiện",
                   "confidentiality": "confidential"}),
        )
        .await;
    assert_eq!((s, code(&b)), (422, "directive.secret"), "{b}");
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM directives").await, before);
    // Access lists are for secret documents only.
    let clerk = t.login("qn.vanthu").await;
    let open = arrival(&t, &clerk, "1/UBND", "normal", &[]).await;
    let (s, b) = t
        .get(
            &head,
            &format!(
                "/api/v1/office-documents/{}/access",
                open["id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!((s, code(&b)), (422, "office.not_secret"), "{b}");
}
on_both!(
    a_directive_to_a_whole_subtree_cannot_carry_a_secret,
    secret_directives_are_refused
);

async fn a_secret_draft_is_read_by_its_drafter_and_leaders(t: TestApp) {
    let drafter = t.login("qn.ksv1").await;
    let team_leader = t.login("qn.doitruong1").await;
    let head = t.login("qn.chicuctruong").await;
    let attacker = t.login("qn.ketoan").await;
    let sha = upload(&t, &drafter, pdf("du-thao-mat")).await;
    let (s, d) = t
        .post(
            &drafter,
            "/api/v1/office-documents/drafts",
            json!({"doc_type": "plan", "summary": "Kế hoạch kiểm tra đột xuất kho Móng Cái",
                   "recipients": "Chi cục", "confidentiality": "secret", "attachments": [sha]}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/office-documents/drafts/{id}");
    t.app.search_catch_up().await.unwrap();
    let find = |token: String| {
        let t = &t;
        async move {
            let (s, b) = t
                .get(
                    &token,
                    "/api/v1/search?kind=office_draft&q=kiem+tra+dot+xuat",
                )
                .await;
            assert_eq!(s, 200, "{b}");
            b["total"].as_i64().unwrap()
        }
    };
    // Its drafter, the team's leader and the province's head read and find it.
    for who in [&drafter, &team_leader, &head] {
        let (s, b) = t.get(who, &path).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(download(&t, who, &sha).await, 200);
        assert_eq!(find(who.clone()).await, 1);
    }
    // The accountant of the province (whose scope holds the team): not listed, not opened, not
    // found, the file not downloaded.
    let (s, _) = t.get(&attacker, &path).await;
    assert_eq!(s, 404);
    assert_eq!(download(&t, &attacker, &sha).await, 404);
    assert_eq!(find(attacker.clone()).await, 0);
    let (_, list) = t.get(&attacker, "/api/v1/office-documents/drafts").await;
    assert!(!list.to_string().contains("Móng Cái"), "{list}");
    let (_, list) = t.get(&head, "/api/v1/office-documents/drafts").await;
    assert!(list.to_string().contains("Móng Cái"), "{list}");
    // Paging is filtered inside the query: with an ordinary draft written before the secret one
    // and a newer one after it, the accountant's pages of one draft each are full and walk
    // from the newest to the oldest without the secret one in between.
    let mut ordinary = Vec::new();
    for summary in [
        "Báo cáo tuần về thị trường xăng dầu",
        "Tờ trình mua sắm thiết bị",
    ] {
        let (s, d) = t
            .post(
                &drafter,
                "/api/v1/office-documents/drafts",
                json!({"doc_type": "report", "summary": summary, "recipients": "Chi cục"}),
            )
            .await;
        assert_eq!(s, 201, "{d}");
        ordinary.push(d["id"].as_str().unwrap().to_string());
    }
    // The secret one becomes the middle one: the newest one's last change, an older id.
    t.sql(&format!(
        "UPDATE office_drafts SET updated_at = (SELECT updated_at FROM office_drafts WHERE id = '{}') \
         WHERE id = '{id}'",
        ordinary[1]
    ))
    .await;
    let (mut seen, mut cursor) = (Vec::new(), String::new());
    for _ in 0..10 {
        let (s, page) = t
            .get(
                &attacker,
                &format!("/api/v1/office-documents/drafts?limit=1{cursor}"),
            )
            .await;
        assert_eq!(s, 200, "{page}");
        let items = page["items"].as_array().unwrap();
        assert!(items.len() == 1 || page["next_cursor"].is_null(), "{page}");
        seen.extend(items.iter().map(|d| d["id"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={}", urlencoding(c)),
            None => break,
        }
    }
    assert!(!seen.contains(&id), "{seen:?}");
    assert!(
        ordinary.iter().all(|o| seen.contains(o)),
        "{seen:?} should hold {ordinary:?}"
    );
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
on_both!(
    a_secret_draft_is_read_only_by_its_drafter_and_the_leaders,
    a_secret_draft_is_read_by_its_drafter_and_leaders
);
