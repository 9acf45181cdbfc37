//! Automatic retries of the reading of a file's text (issue 9): a failure that may pass on its own
//! (here pdftotext ending with an error, as when it crashes) is tried again by the job after
//! 1 minute, 10 minutes and 1 hour on the test clock, never before, and then left for a person;
//! a failure that will not pass (a damaged PDF, a missing program) is not retried by itself; a
//! leader's retry starts the automatic tries over. No OCR needed: the files have a text layer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod text_support;

use chrono::Duration;
use qltt_docs::render_pdf;
use qltt_domain::Clock;
use qltt_testkit::{TestApp, on_both};
use serde_json::{Value, json};
use text_support::*;

/// The row of a file as the job left it: (state, error_code, attempts, auto_retries,
/// next_attempt_at).
async fn row(t: &TestApp, sha: &str) -> (String, Option<String>, i64, i64, Option<String>) {
    sqlx::query_as(
        "SELECT state, error_code, attempts, auto_retries, next_attempt_at \
         FROM document_texts WHERE sha256 = $1",
    )
    .bind(sha)
    .fetch_one(t.app.db.pool())
    .await
    .unwrap()
}

fn in_minutes(t: &TestApp, minutes: i64) -> Option<String> {
    Some(qltt_store::ts(t.clock.now() + Duration::minutes(minutes)))
}

/// The app as it is, but with a pdftotext that ends with an error on every page (`false`).
fn with_crashing_pdftotext(t: &TestApp) -> qltt_app::App {
    let mut broken = (*t.app).clone();
    broken.text_settings.pdftotext = "false".into();
    broken
}

async fn transient_failures_are_retried_with_backoff(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    let head = t.login("qn.chicuctruong").await;
    let pdf = render_pdf(&letter()).unwrap();
    let sha = upload(&t, &clerk, &pdf).await;
    let id = register(&t, &clerk, "45/QLTT-NV", &[&sha]).await;
    let broken = with_crashing_pdftotext(&t);

    // First reading fails: tried again in 1 minute.
    assert_eq!(broken.text_catch_up().await.unwrap(), 1);
    assert_eq!(
        row(&t, &sha).await,
        (
            "failed".into(),
            Some("ocr.failed".into()),
            1,
            1,
            in_minutes(&t, 1)
        )
    );
    // The document's view and page say when.
    let (s, view) = t
        .get(&head, &format!("/api/v1/office-documents/{id}"))
        .await;
    assert_eq!(s, 200);
    let f = &view["attachment_texts"][0];
    assert_eq!(f["state"], "failed", "{view}");
    assert_eq!(f["attempts"], 1);
    assert_eq!(f["auto_retries"], 1);
    assert_eq!(f["next_attempt_at"].as_str(), in_minutes(&t, 1).as_deref());
    let client = qltt_testkit::page_client();
    t.page_login(&client, "qn.chicuctruong").await;
    let page = |client: reqwest::Client| {
        let url = t.url(&format!("/office/{id}"));
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = page(client.clone()).await;
    // The test clock is 09:00 in Vietnam (02:00 UTC) on 05/03/2026.
    assert!(
        html.contains("Thử lại lúc 05/03/2026 09:01 (lần tự động 1/3) · đã đọc 1 lần"),
        "{html}"
    );

    // Not claimed before its time, however often the job passes.
    assert_eq!(broken.text_catch_up().await.unwrap(), 0);
    t.clock.advance(Duration::seconds(59));
    assert_eq!(broken.text_catch_up().await.unwrap(), 0);
    // Due: claimed again, fails again, next in 10 minutes.
    t.clock.advance(Duration::seconds(1));
    assert_eq!(broken.text_catch_up().await.unwrap(), 1);
    assert_eq!(
        row(&t, &sha).await,
        (
            "failed".into(),
            Some("ocr.failed".into()),
            2,
            2,
            in_minutes(&t, 10)
        )
    );
    t.clock.advance(Duration::minutes(9));
    assert_eq!(broken.text_catch_up().await.unwrap(), 0);
    t.clock.advance(Duration::minutes(1));
    assert_eq!(broken.text_catch_up().await.unwrap(), 1);
    assert_eq!(row(&t, &sha).await.4, in_minutes(&t, 60));
    t.clock.advance(Duration::minutes(59));
    assert_eq!(broken.text_catch_up().await.unwrap(), 0);
    t.clock.advance(Duration::minutes(1));
    assert_eq!(broken.text_catch_up().await.unwrap(), 1);
    // Three automatic tries used: it now waits for a person.
    assert_eq!(
        row(&t, &sha).await,
        ("failed".into(), Some("ocr.failed".into()), 4, 3, None)
    );
    t.clock.advance(Duration::days(2));
    assert_eq!(broken.text_catch_up().await.unwrap(), 0);
    // (Sessions expire after a day: sign in again.)
    let head = t.login("qn.chicuctruong").await;
    assert!(search_ids(&t, &head, "nhap lau").await.is_empty());
    t.page_login(&client, "qn.chicuctruong").await;
    let html = page(client).await;
    assert!(
        html.contains("Đã đọc 4 lần; không tự thử lại nữa"),
        "{html}"
    );

    // The leader's retry starts the automatic tries over; a healthy job reads it.
    let (s, b) = t
        .post(
            &head,
            &format!("/api/v1/office-documents/{id}/text/retry"),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(row(&t, &sha).await, ("queued".into(), None, 4, 0, None));
    assert_eq!(broken.text_catch_up().await.unwrap(), 1);
    assert_eq!(row(&t, &sha).await.4, in_minutes(&t, 1));
    // The trouble passes before the automatic try: the file is read then, by itself.
    t.clock.advance(Duration::minutes(1));
    assert_eq!(t.app.text_catch_up().await.unwrap(), 1);
    assert_eq!(row(&t, &sha).await, ("done".into(), None, 6, 0, None));
    t.app.search_catch_up().await.unwrap();
    assert_eq!(search_ids(&t, &head, "nhap lau").await, vec![id]);
}
on_both!(
    a_transient_failure_is_retried_after_1_10_and_60_minutes_then_left,
    transient_failures_are_retried_with_backoff
);

async fn permanent_failures_wait_for_a_person(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    let head = t.login("qn.chicuctruong").await;
    // A damaged PDF: its header, then nothing a reader can use.
    let mut damaged = b"%PDF-1.4\n".to_vec();
    damaged.extend_from_slice(&[0x42; 2048]);
    let bad = upload(&t, &clerk, &damaged).await;
    let good = upload(&t, &clerk, &render_pdf(&letter()).unwrap()).await;
    let id = register(&t, &clerk, "46/QLTT-NV", &[&bad, &good]).await;
    // Without pdfinfo, the good one fails too: a missing program does not install itself.
    let mut without = (*t.app).clone();
    without.text_settings.pdfinfo = "qltt-test-no-pdfinfo".into();
    assert_eq!(without.text_catch_up().await.unwrap(), 2);
    assert_eq!(
        row(&t, &bad).await,
        ("failed".into(), Some("ocr.unavailable".into()), 1, 0, None)
    );
    assert_eq!(
        row(&t, &good).await,
        ("failed".into(), Some("ocr.unavailable".into()), 1, 0, None)
    );
    // The operator installs it and requeues those failures; the damaged file fails for good.
    let n = t
        .app
        .requeue_failed_texts(Some("ocr.unavailable"))
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(t.app.text_catch_up().await.unwrap(), 2);
    assert_eq!(
        row(&t, &bad).await,
        ("failed".into(), Some("ocr.bad_file".into()), 2, 0, None)
    );
    assert_eq!(row(&t, &good).await.0, "done");
    t.clock.advance(Duration::hours(3));
    assert_eq!(t.app.text_catch_up().await.unwrap(), 0);
    let (s, b): (u16, Value) = t
        .get(&head, &format!("/api/v1/office-documents/{id}/text"))
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["files"][0]["error_code"], "ocr.bad_file");
    assert_eq!(b["files"][0]["next_attempt_at"], Value::Null);
    assert_eq!(b["files"][1]["state"], "done");
}
on_both!(
    a_damaged_pdf_or_a_missing_program_is_not_retried_by_itself,
    permanent_failures_wait_for_a_person
);

/// A job left running by a dead process is taken up again without using an automatic try, and
/// a retry due is taken by the job that runs in the server (not only by a catch-up call).
async fn stale_jobs_do_not_use_automatic_tries(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    let pdf = render_pdf(&letter()).unwrap();
    let sha = upload(&t, &clerk, &pdf).await;
    register(&t, &clerk, "47/QLTT-NV", &[&sha]).await;
    let broken = with_crashing_pdftotext(&t);
    assert_eq!(broken.text_catch_up().await.unwrap(), 1);
    // Its automatic try starts, then the process dies mid-way.
    t.clock.advance(Duration::minutes(1));
    t.sql(&format!(
        "UPDATE document_texts SET state = 'running', attempts = attempts + 1, \
         next_attempt_at = NULL, heartbeat_at = '{}' WHERE sha256 = '{sha}'",
        qltt_store::ts(t.clock.now())
    ))
    .await;
    t.clock.advance(Duration::minutes(11));
    assert_eq!(broken.text_catch_up().await.unwrap(), 1);
    // Two automatic tries counted (the first failure's and this one's), not three.
    assert_eq!(
        row(&t, &sha).await,
        (
            "failed".into(),
            Some("ocr.failed".into()),
            3,
            2,
            in_minutes(&t, 10)
        )
    );
}
on_both!(
    a_job_left_by_a_dead_process_keeps_its_automatic_tries,
    stale_jobs_do_not_use_automatic_tries
);
