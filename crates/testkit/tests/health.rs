#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both};

async fn healthz_names_the_database(t: TestApp) {
    let r = t.http.get(t.url("/healthz")).send().await.expect("get");
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.expect("json");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], t.db.backend.as_str());
    assert!(body["version"].is_string());
}
on_both!(healthz, healthz_names_the_database);
