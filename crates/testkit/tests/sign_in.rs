//! Sign-in, throttling, sessions, tokens and CSRF.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Duration;
use qltt_testkit::{DEMO_PASSWORD, TestApp, on_both, page_client};
use serde_json::{Value, json};

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

async fn try_login(t: &TestApp, username: &str, password: &str) -> (u16, Value) {
    let r = t
        .http
        .post(t.url("/api/v1/session"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn wrong_and_unknown_look_the_same(t: TestApp) {
    let (s, b) = try_login(&t, "qn.ksv1", "sai-mat-khau-roi").await;
    assert_eq!((s, code(&b)), (401, "auth.invalid_credentials"));
    let (s2, b2) = try_login(&t, "khong.ton.tai", "sai-mat-khau-roi").await;
    assert_eq!((s2, code(&b2)), (401, "auth.invalid_credentials"));
    assert_eq!(b["error"]["message"], b2["error"]["message"]);
    let (s, b) = try_login(&t, "qn.ksv1", DEMO_PASSWORD).await;
    assert_eq!(s, 200);
    assert!(b["token"].as_str().unwrap().starts_with("qltt_"));
    assert_eq!(b["user"]["username"], "qn.ksv1");
    assert_eq!(b["user"]["roles"], json!(["inspector"]));
}
on_both!(
    wrong_password_and_unknown_user_get_the_same_answer,
    wrong_and_unknown_look_the_same
);

async fn throttled_per_account(t: TestApp) {
    for _ in 0..5 {
        let (s, _) = try_login(&t, "qn.ksv1", "doan-mo-mat-khau").await;
        assert_eq!(s, 401);
    }
    // The sixth attempt is refused before the password is even checked, right or wrong.
    let (s, b) = try_login(&t, "qn.ksv1", DEMO_PASSWORD).await;
    assert_eq!((s, code(&b)), (429, "auth.too_many_attempts"));
    // Another account from the same address still works.
    let (s, _) = try_login(&t, "qn.doitruong1", DEMO_PASSWORD).await;
    assert_eq!(s, 200);
    t.clock.advance(Duration::minutes(16));
    let (s, _) = try_login(&t, "qn.ksv1", DEMO_PASSWORD).await;
    assert_eq!(s, 200);
}
on_both!(
    sixth_wrong_password_is_throttled_for_fifteen_minutes,
    throttled_per_account
);

async fn throttled_per_address(t: TestApp) {
    for i in 0..20 {
        let (s, _) = try_login(&t, &format!("ke.do.{i}"), "doan-mo-mat-khau").await;
        assert_eq!(s, 401);
    }
    let (s, b) = try_login(&t, "qn.ksv1", DEMO_PASSWORD).await;
    assert_eq!((s, code(&b)), (429, "auth.too_many_attempts"));
}
on_both!(
    an_address_spraying_many_accounts_is_throttled,
    throttled_per_address
);

async fn sessions_end(t: TestApp) {
    let token = t.login("qn.ksv1").await;
    assert_eq!(t.get(&token, "/api/v1/me").await.0, 200);
    let (s, _) = t.delete(&token, "/api/v1/session").await;
    assert_eq!(s, 204);
    let (s, b) = t.get(&token, "/api/v1/me").await;
    assert_eq!((s, code(&b)), (401, "auth.unauthenticated"));
    // Expiry after 12 hours.
    let token = t.login("qn.ksv1").await;
    t.clock.advance(Duration::hours(11));
    assert_eq!(t.get(&token, "/api/v1/me").await.0, 200);
    t.clock.advance(Duration::hours(2));
    assert_eq!(t.get(&token, "/api/v1/me").await.0, 401);
    // No token at all: 401 with a challenge.
    let r = t.http.get(t.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer");
    let r = t
        .http
        .get(t.url("/api/v1/me"))
        .bearer_auth("qltt_forged")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}
on_both!(sign_out_and_expiry_end_a_session, sessions_end);

async fn api_tokens(t: TestApp) {
    let token = t.login("qn.vanthu").await;
    let (s, b) = t
        .post(
            &token,
            "/api/v1/tokens",
            json!({"name": "Đồng bộ với Hải quan", "expires_in_days": 30}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let api = b["token"].as_str().unwrap().to_string();
    let api_id = b["token_id"].as_str().unwrap().to_string();
    assert_eq!(t.get(&api, "/api/v1/me").await.0, 200);
    let (s, list) = t.get(&token, "/api/v1/tokens").await;
    assert_eq!(s, 200);
    let text = list.to_string();
    assert!(text.contains("Đồng bộ với Hải quan"));
    assert!(!text.contains("token_hash") && !text.contains(&api));
    for days in [0, 400] {
        let (s, b) = t
            .post(
                &token,
                "/api/v1/tokens",
                json!({"name": "x", "expires_in_days": days}),
            )
            .await;
        assert_eq!((s, code(&b)), (400, "token.invalid_lifetime"));
    }
    // Someone else cannot revoke it.
    let other = t.login("qn.ksv1").await;
    let (s, b) = t.delete(&other, &format!("/api/v1/tokens/{api_id}")).await;
    assert_eq!((s, code(&b)), (404, "token.not_found"));
    let (s, _) = t.delete(&token, &format!("/api/v1/tokens/{api_id}")).await;
    assert_eq!(s, 204);
    assert_eq!(t.get(&api, "/api/v1/me").await.0, 401);
}
on_both!(api_tokens_are_shown_once_and_revocable, api_tokens);

async fn secrets_are_hashed(t: TestApp) {
    let token = t.login("qn.ksv1").await;
    let hashes: Vec<(String,)> = sqlx::query_as("SELECT token_hash FROM auth_tokens")
        .fetch_all(t.app.db.pool())
        .await
        .unwrap();
    assert!(!hashes.is_empty());
    assert!(
        hashes
            .iter()
            .all(|(h,)| h != &token && !token.contains(h.as_str()))
    );
    let pw: Vec<(String,)> = sqlx::query_as("SELECT password_hash FROM users")
        .fetch_all(t.app.db.pool())
        .await
        .unwrap();
    assert!(pw.iter().all(|(h,)| h.starts_with("$argon2id$")));
}
on_both!(tokens_and_passwords_are_stored_hashed, secrets_are_hashed);

async fn cookie_sessions_need_csrf(t: TestApp) {
    // The sign-in form itself needs its CSRF token.
    let client = page_client();
    let r = client
        .post(t.url("/login"))
        .form(&[("username", "qn.ksv1"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Sign in properly; inspect the cookie.
    let html = client
        .get(t.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = qltt_testkit::csrf_field(&html);
    let r = client
        .post(t.url("/login"))
        .form(&[
            ("username", "qn.ksv1"),
            ("password", DEMO_PASSWORD),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let set_cookie: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let session = set_cookie
        .iter()
        .find(|c| c.starts_with("qltt_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    // With the cookie only, an unsafe API call without X-CSRF-Token is refused…
    let r = client
        .post(t.url("/api/v1/tokens"))
        .json(&json!({"name": "x", "expires_in_days": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let b: Value = r.json().await.unwrap();
    assert_eq!(code(&b), "auth.csrf");
    // …reads work…
    assert_eq!(
        client
            .get(t.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // …and with the session's token it goes through.
    let home = client
        .get(t.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let session_csrf = qltt_testkit::csrf_field(&home);
    let r = client
        .post(t.url("/api/v1/tokens"))
        .header("x-csrf-token", session_csrf)
        .json(&json!({"name": "x", "expires_in_days": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}
on_both!(
    cookie_sessions_need_the_csrf_token,
    cookie_sessions_need_csrf
);

async fn sign_in_is_audited(t: TestApp) {
    let token = t.login("qn.chicuctruong").await;
    let (_, b) = t.get(&token, "/api/v1/audit?limit=5").await;
    let first = &b["items"][0];
    assert_eq!(first["action"], "auth.login");
    assert_eq!(
        first["actor_id"],
        t.user_id("qn.chicuctruong").await.as_str()
    );
    // The audit record of a sign-in never carries the secret.
    assert!(!b.to_string().contains(&token));
}
on_both!(
    every_sign_in_leaves_an_audit_event_without_the_token,
    sign_in_is_audited
);

/// A long write transaction (a nightly roll-up rebuild, an import) holds the database for longer
/// than SQLite's busy timeout (10 s): a sign-in meanwhile waits its turn at the write gate and
/// then succeeds, instead of failing with "database is locked" (seen in `qltt bench http`).
async fn sign_in_waits_behind_a_long_write(t: TestApp) {
    let long = t.app.db.begin(chrono::Utc::now()).await.unwrap();
    let signing_in = {
        let http = t.http.clone();
        let url = t.url("/api/v1/session");
        tokio::spawn(async move {
            http.post(url)
                .json(&json!({"username": "qn.ksv1", "password": DEMO_PASSWORD}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    };
    if t.db.backend == qltt_testkit::Backend::Sqlite {
        // SQLite has one writer: the sign-in must still be waiting (not failed) past 10 s.
        tokio::time::sleep(std::time::Duration::from_secs(11)).await;
        assert!(!signing_in.is_finished(), "the sign-in did not wait");
    }
    // PostgreSQL has no single writer: the sign-in does not wait for the other transaction.
    long.rollback().await.unwrap();
    assert_eq!(signing_in.await.unwrap(), 200);
}
on_both!(
    a_sign_in_waits_behind_a_long_write_transaction,
    sign_in_waits_behind_a_long_write
);
