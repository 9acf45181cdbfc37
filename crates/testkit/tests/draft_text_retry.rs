//! A draft's file whose reading failed is read again by hand (issue 9): its drafter, or a leader
//! of the draft's scope, presses "Thử lại" on the draft's page (or asks the API); the retry is
//! audited, refused for a file that is not failed or not the draft's, and the page's reading
//! block reloads itself while a file waits. Both databases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod text_support;

use qltt_docs::render_pdf;
use qltt_testkit::{TestApp, csrf_field, on_both, page_client};
use serde_json::{Value, json};
use text_support::*;

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

async fn state_of(t: &TestApp, sha: &str) -> String {
    let (s,): (String,) = sqlx::query_as("SELECT state FROM document_texts WHERE sha256 = $1")
        .bind(sha)
        .fetch_one(t.app.db.pool())
        .await
        .unwrap();
    s
}

async fn a_failed_draft_file_is_read_again_by_hand(t: TestApp) {
    let drafter = t.login("qn.ksv1").await;
    let drafter_id = t.user_id("qn.ksv1").await;
    let pdf = render_pdf(&letter()).unwrap();
    let sha = upload(&t, &drafter, &pdf).await;
    let (s, d) = t
        .post(
            &drafter,
            "/api/v1/office-documents/drafts",
            json!({"doc_type": "report", "summary": "Báo cáo kiểm tra hàng nhập lậu",
                   "recipients": "Chi cục", "attachments": [sha]}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_str().unwrap().to_string();
    let retry = format!("/api/v1/office-documents/drafts/{id}/text/retry");
    // Not failed yet (queued): nothing to retry.
    let (s, b) = t.post(&drafter, &retry, json!({"sha256": sha})).await;
    assert_eq!((s, code(&b)), (409, "text.not_failed"), "{b}");
    // The page polls while the file waits.
    let page = page_client();
    t.page_login(&page, "qn.ksv1").await;
    let html = page
        .get(t.url(&format!("/office/drafts/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("hx-trigger=\"every 3s\""), "{html}");
    // pdftotext crashes on every page: the reading fails.
    let mut broken = (*t.app).clone();
    broken.text_settings.pdftotext = "false".into();
    assert_eq!(broken.text_catch_up().await.unwrap(), 1);
    assert_eq!(state_of(&t, &sha).await, "failed");
    let html = page
        .get(t.url(&format!("/office/drafts/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Thử lại</button>") && !html.contains("hx-trigger=\"every 3s\""),
        "{html}"
    );
    // Who may not: an accountant of the province (sees the draft, is neither its drafter nor a
    // leader), another province (does not see it).
    let accountant = t.login("qn.ketoan").await;
    let (s, _) = t.post(&accountant, &retry, json!({"sha256": sha})).await;
    assert_eq!(s, 403);
    let foreign = t.login("bn.chicuctruong").await;
    let (s, _) = t.post(&foreign, &retry, json!({"sha256": sha})).await;
    assert_eq!(s, 404);
    // A file the draft does not hold.
    let (s, b) = t
        .post(&drafter, &retry, json!({"sha256": "0".repeat(64)}))
        .await;
    assert_eq!((s, code(&b)), (400, "text.unknown_file"), "{b}");
    assert_eq!(state_of(&t, &sha).await, "failed");
    // The drafter presses "Thử lại" on the page: queued again, audited.
    let csrf = csrf_field(&html);
    let r = page
        .post(t.url(&format!("/office/drafts/{id}")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("op", "text_retry"),
            ("sha256", &sha),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(state_of(&t, &sha).await, "queued");
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'office_draft.text_retry' \
         AND entity_id = $1 AND actor_id = $2",
    )
    .bind(&id)
    .bind(&drafter_id)
    .fetch_one(t.app.db.pool())
    .await
    .unwrap();
    assert_eq!(n, 1);
    // Read by the working programs this time; a leader of the province may retry too (once
    // failed again), through the API.
    assert_eq!(t.app.text_catch_up().await.unwrap(), 1);
    assert_eq!(state_of(&t, &sha).await, "done");
    let head = t.login("qn.chicuctruong").await;
    let (s, b) = t.post(&head, &retry, json!({"sha256": sha})).await;
    assert_eq!((s, code(&b)), (409, "text.not_failed"), "{b}");
}
on_both!(
    a_drafter_reads_a_failed_file_again,
    a_failed_draft_file_is_read_again_by_hand
);
