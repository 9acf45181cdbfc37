//! Retried creating requests (a phone on a weak link resending) never create duplicates.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both};
use serde_json::{Value, json};

async fn post_with_key(t: &TestApp, token: &str, key: &str, body: &Value) -> (u16, Value, bool) {
    let r = t
        .http
        .post(t.url("/api/v1/units"))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    let replayed = r.headers().get("idempotent-replayed").is_some();
    (s, r.json().await.unwrap_or(Value::Null), replayed)
}

async fn codes_of(t: &TestApp, code: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM units WHERE code = $1")
        .bind(code)
        .fetch_one(t.app.db.pool())
        .await
        .unwrap();
    n
}

async fn retry_returns_first_response(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let body = json!({"name": "Đội QLTT số 8", "code": "QN-D8", "kind": "team", "parent_id": qn});
    let (s1, b1, r1) = post_with_key(&t, &admin, "k1", &body).await;
    let (s2, b2, r2) = post_with_key(&t, &admin, "k1", &body).await;
    assert_eq!((s1, s2), (201, 201));
    assert_eq!(b1["id"], b2["id"]);
    assert!(!r1 && r2);
    assert_eq!(codes_of(&t, "QN-D8").await, 1);
    // Same key, another body: a conflict, nothing created.
    let other = json!({"name": "Đội khác", "code": "QN-D9", "kind": "team", "parent_id": qn});
    let (s, b, _) = post_with_key(&t, &admin, "k1", &other).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (409, Some("idempotency.key_reused"))
    );
    assert_eq!(codes_of(&t, "QN-D9").await, 0);
    // Keys belong to an officer: another officer's k1 is a new request.
    let qa = t.login("qn.quantri").await;
    let mine = json!({"name": "Đội QLTT số 9", "code": "QN-D9", "kind": "team", "parent_id": qn});
    let (s, b, r) = post_with_key(&t, &qa, "k1", &mine).await;
    assert_eq!((s, r), (201, false), "{b}");
    assert_ne!(b["id"], b1["id"]);
}
on_both!(
    a_retried_create_returns_the_first_unit,
    retry_returns_first_response
);

async fn refused_requests_replay_their_refusal(t: TestApp) {
    let admin = t.login("admin").await;
    let body = json!({"name": "Đội", "code": "QN-D7", "kind": "ministry", "parent_id": t.unit_id("QN").await});
    let (s1, b1, _) = post_with_key(&t, &admin, "k2", &body).await;
    let (s2, b2, replayed) = post_with_key(&t, &admin, "k2", &body).await;
    assert_eq!((s1, s2), (400, 400));
    assert_eq!(b1, b2);
    assert!(replayed);
}
on_both!(
    a_refused_request_replays_the_same_refusal,
    refused_requests_replay_their_refusal
);

async fn concurrent_retries_create_one(t: TestApp) {
    let admin = t.login("admin").await;
    let body = json!({"name": "Đội QLTT số 6", "code": "QN-D6", "kind": "team", "parent_id": t.unit_id("QN").await});
    let futures: Vec<_> = (0..5)
        .map(|_| post_with_key(&t, &admin, "k3", &body))
        .collect();
    let results = futures_util::future::join_all(futures).await;
    let ids: Vec<_> = results
        .iter()
        .filter(|(s, _, _)| *s == 201)
        .map(|(_, b, _)| b["id"].clone())
        .collect();
    assert!(!ids.is_empty());
    assert!(ids.iter().all(|id| *id == ids[0]));
    for (s, b, _) in &results {
        assert!(
            *s == 201
                || (*s == 409
                    && (b["error"]["code"] == "idempotency.in_progress"
                        || b["error"]["code"] == "idempotency.applied_without_answer")),
            "{s} {b}"
        );
    }
    assert_eq!(codes_of(&t, "QN-D6").await, 1);
}
on_both!(
    five_simultaneous_retries_create_one_unit,
    concurrent_retries_create_one
);

async fn bad_keys(t: TestApp) {
    let admin = t.login("admin").await;
    let body =
        json!({"name": "Đội", "code": "QN-D5", "kind": "team", "parent_id": t.unit_id("QN").await});
    let (s, b, _) = post_with_key(&t, &admin, &"k".repeat(201), &body).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("idempotency.invalid_key"))
    );
    assert_eq!(codes_of(&t, "QN-D5").await, 0);
}
on_both!(an_overlong_idempotency_key_is_refused, bad_keys);
