//! An officer's sign-in day: signing in and out, being throttled after guessing, sessions that
//! end, API tokens for other agencies' systems, secrets that never sit in the database in clear,
//! and the CSRF guard on cookie sessions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Duration;
use qltt_testkit::{ADMIN_PASSWORD, DEMO_PASSWORD, TestApp, csrf_field, on_both, page_client};
use serde_json::{Value, json};

const WRONG: &str = "doan-mo-mat-khau";

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

/// POST /api/v1/session without any token.
async fn sign_in(t: &TestApp, username: &str, password: &str) -> (u16, Value) {
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

/// All `Set-Cookie` headers of a response.
fn set_cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

fn cookie_named<'a>(cookies: &'a [String], name: &str) -> Option<&'a String> {
    cookies.iter().find(|c| c.starts_with(&format!("{name}=")))
}

fn cookie_value(cookie: &str) -> &str {
    cookie
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v)
        .unwrap_or("")
}

fn has_attr(cookie: &str, attr: &str) -> bool {
    cookie
        .split(';')
        .skip(1)
        .any(|a| a.trim().eq_ignore_ascii_case(attr))
}

// ---------------------------------------------------------------------------------------------
// Signing in

async fn inspector_signs_in(t: TestApp) {
    let (s, b) = sign_in(&t, "qn.ksv1", DEMO_PASSWORD).await;
    assert_eq!(s, 200, "{b}");
    let token = b["token"].as_str().expect("token");
    assert!(token.starts_with("qltt_") && token.len() > 40, "{token}");
    assert!(b["token_id"].is_string());
    // The test clock stands at 2026-03-05 02:00 UTC: the session runs 12 hours.
    assert_eq!(b["expires_at"], "2026-03-05T14:00:00.000000Z");
    assert_eq!(b["user"]["username"], "qn.ksv1");
    assert_eq!(b["user"]["full_name"], "Hoàng Thị Mai");
    assert_eq!(b["user"]["roles"], json!(["inspector"]));
    assert_eq!(b["user"]["rank"], "ksv");
    assert_eq!(b["user"]["unit_id"], t.unit_id("QN-D1").await);
    assert!(b.get("csrf").is_none(), "an API session has no CSRF token");
    // The token is the officer's key to the API.
    let (s, me) = t.get(token, "/api/v1/me").await;
    assert_eq!(s, 200);
    assert_eq!(me, b["user"]);
    // The username is matched without regard to case or surrounding spaces.
    let (s, b) = sign_in(&t, "  QN.KSV1 ", DEMO_PASSWORD).await;
    assert_eq!((s, &b["user"]["username"]), (200, &json!("qn.ksv1")));
}
on_both!(
    inspector_signs_in_and_gets_a_token_and_her_profile,
    inspector_signs_in
);

async fn wrong_password_and_unknown_officer_look_alike(t: TestApp) {
    let (s1, wrong) = sign_in(&t, "qn.ksv1", WRONG).await;
    assert_eq!((s1, code(&wrong)), (401, "auth.invalid_credentials"));
    let (s2, unknown) = sign_in(&t, "qn.khong.co.ai", WRONG).await;
    assert_eq!((s2, code(&unknown)), (401, "auth.invalid_credentials"));
    // A name that could never be a username: still the same answer, not a 400 that tells.
    let (s3, odd) = sign_in(&t, "Nguyễn Văn A", WRONG).await;
    assert_eq!((s3, code(&odd)), (401, "auth.invalid_credentials"));
    assert_eq!(wrong, unknown, "the bodies must not tell the two apart");
    assert_eq!(wrong, odd);
    // A deactivated officer with the right password: again the same answer.
    let admin = t.login("admin").await;
    let id = t.user_id("qn.xem").await;
    let (s, b) = t
        .post(&admin, &format!("/api/v1/users/{id}/deactivate"), json!({}))
        .await;
    assert_eq!(s, 200, "{b}");
    let (s4, gone) = sign_in(&t, "qn.xem", DEMO_PASSWORD).await;
    assert_eq!((s4, &gone), (401, &wrong));
    // The admin's own password is not the demo password.
    let (s, _) = sign_in(&t, "admin", DEMO_PASSWORD).await;
    assert_eq!(s, 401);
    let (s, _) = sign_in(&t, "admin", ADMIN_PASSWORD).await;
    assert_eq!(s, 200);
}
on_both!(
    wrong_password_and_unknown_officer_get_the_same_401,
    wrong_password_and_unknown_officer_look_alike
);

async fn sixth_attempt_is_throttled(t: TestApp) {
    for i in 1..=5 {
        let (s, b) = sign_in(&t, "qn.ksv1", WRONG).await;
        assert_eq!(
            (s, code(&b)),
            (401, "auth.invalid_credentials"),
            "attempt {i}"
        );
    }
    // The sixth attempt is refused before the password is checked: right or wrong, 429.
    let (s, b) = sign_in(&t, "qn.ksv1", DEMO_PASSWORD).await;
    assert_eq!((s, code(&b)), (429, "auth.too_many_attempts"));
    let (s, b) = sign_in(&t, "qn.ksv1", WRONG).await;
    assert_eq!((s, code(&b)), (429, "auth.too_many_attempts"));
    // Changing the case of the username does not dodge the count.
    let (s, _) = sign_in(&t, "QN.KSV1", DEMO_PASSWORD).await;
    assert_eq!(s, 429);
    // A colleague at the same desk (same address) is not locked out.
    let (s, _) = sign_in(&t, "qn.doitruong1", DEMO_PASSWORD).await;
    assert_eq!(s, 200);
    // Fourteen minutes later the window still holds…
    t.clock.advance(Duration::minutes(14));
    let (s, _) = sign_in(&t, "qn.ksv1", DEMO_PASSWORD).await;
    assert_eq!(s, 429);
    // …sixteen minutes after the failures it has passed.
    t.clock.advance(Duration::minutes(2));
    let (s, b) = sign_in(&t, "qn.ksv1", DEMO_PASSWORD).await;
    assert_eq!(s, 200, "{b}");
    // A successful sign-in forgives the earlier typos: five fresh mistakes are needed again.
    for _ in 0..4 {
        assert_eq!(sign_in(&t, "qn.ksv1", WRONG).await.0, 401);
    }
    assert_eq!(sign_in(&t, "qn.ksv1", DEMO_PASSWORD).await.0, 200);
}
on_both!(
    sixth_wrong_password_is_throttled,
    sixth_attempt_is_throttled
);

async fn one_address_spraying_usernames_is_throttled(t: TestApp) {
    // Twenty failures from one address, each against a different account: ten real, ten not.
    let real = [
        "qn.quantri",
        "qn.chicuctruong",
        "qn.phochicuc",
        "qn.doitruong1",
        "qn.ksv1",
        "qn.coto",
        "qn.thukho",
        "qn.vanthu",
        "qn.ketoan",
        "qn.tochuc",
    ];
    let usernames: Vec<String> = real
        .iter()
        .map(|u| u.to_string())
        .chain((0..10).map(|i| format!("ke.do.{i}")))
        .collect();
    for (i, username) in usernames.iter().enumerate() {
        let (s, b) = sign_in(&t, username, WRONG).await;
        assert_eq!(
            (s, code(&b)),
            (401, "auth.invalid_credentials"),
            "attempt {i} ({username})"
        );
    }
    // A 21st username, never tried, with the right password: the address is throttled.
    let (s, b) = sign_in(&t, "bn.ksv1", DEMO_PASSWORD).await;
    assert_eq!((s, code(&b)), (429, "auth.too_many_attempts"));
    t.clock.advance(Duration::minutes(16));
    let (s, _) = sign_in(&t, "bn.ksv1", DEMO_PASSWORD).await;
    assert_eq!(s, 200);
}
on_both!(
    twenty_failures_from_one_address_throttle_a_new_username,
    one_address_spraying_usernames_is_throttled
);

// ---------------------------------------------------------------------------------------------
// Sessions

async fn signing_out_revokes_only_this_session(t: TestApp) {
    let phone = t.login("qn.ksv1").await;
    let laptop = t.login("qn.ksv1").await;
    assert_eq!(t.get(&phone, "/api/v1/me").await.0, 200);
    let (s, b) = t.delete(&phone, "/api/v1/session").await;
    assert_eq!(s, 204, "{b}");
    let (s, b) = t.get(&phone, "/api/v1/me").await;
    assert_eq!((s, code(&b)), (401, "auth.unauthenticated"));
    // Signing out twice with the same token is just another 401.
    let (s, _) = t.delete(&phone, "/api/v1/session").await;
    assert_eq!(s, 401);
    // The other device is still signed in.
    assert_eq!(t.get(&laptop, "/api/v1/me").await.0, 200);
}
on_both!(
    signing_out_revokes_the_session_token,
    signing_out_revokes_only_this_session
);

async fn session_ends_after_twelve_hours(t: TestApp) {
    let token = t.login("qn.ksv1").await;
    t.clock.advance(Duration::hours(11) + Duration::minutes(59));
    assert_eq!(t.get(&token, "/api/v1/me").await.0, 200);
    t.clock.advance(Duration::hours(1) + Duration::minutes(1));
    let (s, b) = t.get(&token, "/api/v1/me").await;
    assert_eq!((s, code(&b)), (401, "auth.unauthenticated"));
    // An expired session cannot be used to sign out or create tokens either.
    assert_eq!(t.delete(&token, "/api/v1/session").await.0, 401);
    let (s, _) = t
        .post(
            &token,
            "/api/v1/tokens",
            json!({"name": "x", "expires_in_days": 1}),
        )
        .await;
    assert_eq!(s, 401);
}
on_both!(
    a_session_expires_after_twelve_hours,
    session_ends_after_twelve_hours
);

async fn no_token_gets_a_bearer_challenge(t: TestApp) {
    let r = t.http.get(t.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap()),
        Some("Bearer")
    );
    let b: Value = r.json().await.unwrap();
    assert_eq!(code(&b), "auth.unauthenticated");
    assert!(b["error"]["message"].is_string());
    // A forged token, an empty bearer and another scheme are all 401 with the challenge.
    for auth in [
        "Bearer qltt_0000",
        "Bearer ",
        "Basic YWRtaW46YWRtaW4=",
        "qltt_x",
    ] {
        let r = t
            .http
            .get(t.url("/api/v1/me"))
            .header("authorization", auth)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{auth}");
        assert!(r.headers().contains_key("www-authenticate"), "{auth}");
    }
}
on_both!(
    me_without_a_token_is_401_with_www_authenticate,
    no_token_gets_a_bearer_challenge
);

// ---------------------------------------------------------------------------------------------
// API tokens

async fn clerk_creates_uses_and_revokes_an_api_token(t: TestApp) {
    let session = t.login("qn.vanthu").await;
    let (s, b) = t
        .post(
            &session,
            "/api/v1/tokens",
            json!({"name": "Đồng bộ với Cục Hải quan", "expires_in_days": 30}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let api = b["token"].as_str().unwrap().to_string();
    let api_id = b["token_id"].as_str().unwrap().to_string();
    assert_eq!(b["expires_at"], "2026-04-04T02:00:00.000000Z");
    assert_eq!(b["user"]["username"], "qn.vanthu");
    // The new token works on its own.
    let (s, me) = t.get(&api, "/api/v1/me").await;
    assert_eq!((s, &me["username"]), (200, &json!("qn.vanthu")));

    // The list shows it, without any secret.
    let (s, list) = t.get(&session, "/api/v1/tokens").await;
    assert_eq!(s, 200);
    let items = list.as_array().expect("a list of tokens");
    let mine = items
        .iter()
        .find(|x| x["id"] == api_id.as_str())
        .expect("the new token is listed");
    assert_eq!(mine["name"], "Đồng bộ với Cục Hải quan");
    assert_eq!(mine["kind"], "api");
    assert!(mine["revoked_at"].is_null());
    for item in items {
        let obj = item.as_object().unwrap();
        for secret in ["token", "token_hash", "csrf_token", "csrf"] {
            assert!(!obj.contains_key(secret), "{secret} listed: {item}");
        }
    }
    let text = list.to_string();
    assert!(!text.contains(&api) && !text.contains(&session));

    // Revoked: 204, then the token is dead and no longer listed.
    let (s, _) = t
        .delete(&session, &format!("/api/v1/tokens/{api_id}"))
        .await;
    assert_eq!(s, 204);
    let (s, b) = t.get(&api, "/api/v1/me").await;
    assert_eq!((s, code(&b)), (401, "auth.unauthenticated"));
    let (_, list) = t.get(&session, "/api/v1/tokens").await;
    assert!(
        !list.to_string().contains(&api_id),
        "revoked token still listed"
    );
}
on_both!(
    clerk_creates_lists_and_revokes_an_api_token,
    clerk_creates_uses_and_revokes_an_api_token
);

async fn api_token_expires_after_its_days(t: TestApp) {
    let session = t.login("qn.vanthu").await;
    let (s, b) = t
        .post(
            &session,
            "/api/v1/tokens",
            json!({"name": "Một ngày", "expires_in_days": 1}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let api = b["token"].as_str().unwrap().to_string();
    t.clock.advance(Duration::hours(23));
    assert_eq!(t.get(&api, "/api/v1/me").await.0, 200);
    t.clock.advance(Duration::hours(2));
    assert_eq!(t.get(&api, "/api/v1/me").await.0, 401);
}
on_both!(
    an_api_token_stops_working_after_its_lifetime,
    api_token_expires_after_its_days
);

async fn lifetime_must_be_one_to_365_days(t: TestApp) {
    let session = t.login("qn.vanthu").await;
    let before = t.count("auth_tokens").await;
    for days in [json!(0), json!(400), json!(-1), json!(366)] {
        let (s, b) = t
            .post(
                &session,
                "/api/v1/tokens",
                json!({"name": "Sai thời hạn", "expires_in_days": days}),
            )
            .await;
        assert_eq!((s, code(&b)), (400, "token.invalid_lifetime"), "{days}");
    }
    // Not a number at all: the body is refused before the rule.
    let (s, b) = t
        .post(
            &session,
            "/api/v1/tokens",
            json!({"name": "x", "expires_in_days": "30"}),
        )
        .await;
    assert_eq!((s, code(&b)), (400, "request.invalid_body"));
    let (s, b) = t
        .post(
            &session,
            "/api/v1/tokens",
            json!({"name": "   ", "expires_in_days": 30}),
        )
        .await;
    assert_eq!((s, code(&b)), (400, "validation.required"));
    assert_eq!(
        t.count("auth_tokens").await,
        before,
        "a refused token was kept"
    );
    // The bounds themselves are fine.
    for days in [1, 365] {
        let (s, b) = t
            .post(
                &session,
                "/api/v1/tokens",
                json!({"name": format!("{days} ngày"), "expires_in_days": days}),
            )
            .await;
        assert_eq!(s, 201, "{days}: {b}");
    }
}
on_both!(
    token_lifetime_of_zero_or_400_days_is_refused,
    lifetime_must_be_one_to_365_days
);

async fn colleague_cannot_revoke_my_token(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    let (s, b) = t
        .post(
            &clerk,
            "/api/v1/tokens",
            json!({"name": "Của văn thư", "expires_in_days": 7}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let api = b["token"].as_str().unwrap().to_string();
    let api_id = b["token_id"].as_str().unwrap().to_string();
    let clerk_session_id = {
        let (_, list) = t.get(&clerk, "/api/v1/tokens").await;
        list.as_array()
            .unwrap()
            .iter()
            .find(|x| x["kind"] == "session")
            .expect("the clerk's session is listed")["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // Neither a colleague nor the administrator can revoke it through the API.
    for who in ["qn.ksv1", "admin"] {
        let other = t.login(who).await;
        for id in [&api_id, &clerk_session_id] {
            let (s, b) = t.delete(&other, &format!("/api/v1/tokens/{id}")).await;
            assert_eq!((s, code(&b)), (404, "token.not_found"), "{who}");
        }
        // …and does not see it in their own list.
        let (_, list) = t.get(&other, "/api/v1/tokens").await;
        assert!(!list.to_string().contains(&api_id));
    }
    let (s, b) = t
        .delete(
            &clerk,
            "/api/v1/tokens/0190a000-0000-7000-8000-000000000000",
        )
        .await;
    assert_eq!((s, code(&b)), (404, "token.not_found"));
    assert_eq!(t.get(&api, "/api/v1/me").await.0, 200);
    assert_eq!(t.get(&clerk, "/api/v1/me").await.0, 200);
}
on_both!(
    an_officer_cannot_revoke_another_officers_token,
    colleague_cannot_revoke_my_token
);

// ---------------------------------------------------------------------------------------------
// Secrets at rest

async fn no_token_in_clear_in_the_database(t: TestApp) {
    let session = t.login("qn.ksv1").await;
    let (s, b) = t
        .post(
            &session,
            "/api/v1/tokens",
            json!({"name": "Kịch bản báo cáo", "expires_in_days": 30}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let api = b["token"].as_str().unwrap().to_string();
    let hashes: Vec<(String,)> = sqlx::query_as("SELECT token_hash FROM auth_tokens")
        .fetch_all(t.app.db.pool())
        .await
        .unwrap();
    assert!(hashes.len() >= 2);
    for secret in [&session, &api] {
        assert!(
            hashes
                .iter()
                .all(|(h,)| h != secret && !h.contains(&secret[5..])),
            "a token is stored in clear"
        );
        // What is stored is the token's SHA-256.
        let digest = qltt_app::auth::token_digest(secret);
        assert!(hashes.iter().any(|(h,)| h == &digest));
    }
}
on_both!(
    the_database_never_holds_a_token_in_clear,
    no_token_in_clear_in_the_database
);

async fn passwords_are_argon2id(t: TestApp) {
    // A new officer through the API, with a password of her own.
    let admin = t.login("admin").await;
    let password = "mat-khau-rieng-cua-lan";
    let (s, b) = t
        .post(
            &admin,
            "/api/v1/users",
            json!({"username": "qn.ksv9", "full_name": "Trần Thị Lan", "password": password,
                   "unit_id": t.unit_id("QN-D1").await, "roles": ["inspector"], "rank": "ksv"}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert!(!b.to_string().contains(password));
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT username, password_hash FROM users")
        .fetch_all(t.app.db.pool())
        .await
        .unwrap();
    assert!(rows.len() > 10);
    for (username, hash) in &rows {
        assert!(hash.starts_with("$argon2id$"), "{username}: {hash}");
        assert!(!hash.contains(DEMO_PASSWORD) && !hash.contains(ADMIN_PASSWORD));
        assert!(!hash.contains(password));
    }
    // Salted: the new officer's hash differs from every other one.
    let new = rows.iter().find(|(u, _)| u == "qn.ksv9").unwrap();
    assert_eq!(rows.iter().filter(|(_, h)| h == &new.1).count(), 1);
    let (s, _) = sign_in(&t, "qn.ksv9", password).await;
    assert_eq!(s, 200);
}
on_both!(passwords_are_stored_as_argon2id, passwords_are_argon2id);

// ---------------------------------------------------------------------------------------------
// Cookie sessions and CSRF

async fn cookie_session_needs_the_csrf_header(t: TestApp) {
    let browser = page_client();
    // The sign-in page hands out the pre-login CSRF cookie and the same value in the form.
    let r = browser.get(t.url("/login")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let cookies = set_cookies(&r);
    let pre = cookie_named(&cookies, "qltt_csrf")
        .expect("qltt_csrf cookie")
        .clone();
    let html = r.text().await.unwrap();
    let csrf = csrf_field(&html);
    assert_eq!(csrf.len(), 64);
    assert_eq!(cookie_value(&pre), csrf);
    assert!(has_attr(&pre, "HttpOnly"), "{pre}");

    // Signing in through the form: 303 and the session cookie.
    let r = browser
        .post(t.url("/login"))
        .form(&[
            ("username", "qn.vanthu"),
            ("password", DEMO_PASSWORD),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let cookies = set_cookies(&r);
    let session = cookie_named(&cookies, "qltt_session")
        .expect("qltt_session cookie")
        .clone();
    assert!(has_attr(&session, "HttpOnly"), "{session}");
    assert!(has_attr(&session, "SameSite=Lax"), "{session}");
    assert!(has_attr(&session, "Path=/"), "{session}");
    assert!(has_attr(&session, "Max-Age=43200"), "{session}");
    let secret = cookie_value(&session).to_string();
    assert!(secret.starts_with("qltt_"));

    // A safe request with the cookie alone works.
    let r = browser.get(t.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let before = t.count("auth_tokens").await;
    // An unsafe request with only the cookie (what a forged cross-site form would send): 403.
    let r = browser
        .post(t.url("/api/v1/tokens"))
        .json(&json!({"name": "Giả mạo", "expires_in_days": 30}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let b: Value = r.json().await.unwrap();
    assert_eq!(code(&b), "auth.csrf");
    // A wrong header, or the pre-login token, is no better.
    for wrong in ["0".repeat(64), csrf.clone()] {
        let r = browser
            .post(t.url("/api/v1/tokens"))
            .header("x-csrf-token", wrong)
            .json(&json!({"name": "Giả mạo", "expires_in_days": 30}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    }
    let r = browser
        .delete(t.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "sign-out by a forged request");
    assert_eq!(
        t.count("auth_tokens").await,
        before,
        "a forged request wrote"
    );

    // With the session's own CSRF token (from a page) the same request goes through.
    let home = browser
        .get(t.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let session_csrf = csrf_field(&home);
    assert_eq!(session_csrf.len(), 64);
    assert_ne!(
        session_csrf, csrf,
        "the pre-login token must not survive sign-in"
    );
    let r = browser
        .post(t.url("/api/v1/tokens"))
        .header("x-csrf-token", &session_csrf)
        .json(&json!({"name": "Từ trình duyệt", "expires_in_days": 30}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    // The page cookie also works as a bearer token (no browser sends that by itself).
    assert_eq!(t.get(&secret, "/api/v1/me").await.0, 200);
}
on_both!(
    a_cookie_session_posting_to_the_api_without_csrf_header_is_forbidden,
    cookie_session_needs_the_csrf_header
);

async fn login_form_without_csrf_is_forbidden(t: TestApp) {
    let browser = page_client();
    let html = browser
        .get(t.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_field(&html);
    assert!(!csrf.is_empty());
    let attempts: [&[(&str, &str)]; 3] = [
        &[("username", "qn.vanthu"), ("password", DEMO_PASSWORD)],
        &[
            ("username", "qn.vanthu"),
            ("password", DEMO_PASSWORD),
            ("csrf", ""),
        ],
        &[
            ("username", "qn.vanthu"),
            ("password", DEMO_PASSWORD),
            ("csrf", &"a".repeat(64)),
        ],
    ];
    for form in attempts {
        let r = browser
            .post(t.url("/login"))
            .form(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{form:?}");
        assert!(
            cookie_named(&set_cookies(&r), "qltt_session").is_none(),
            "a session cookie without CSRF"
        );
    }
    // The right field but without the pre-login cookie (another browser): 403 too.
    let r = t
        .http
        .post(t.url("/login"))
        .form(&[
            ("username", "qn.vanthu"),
            ("password", DEMO_PASSWORD),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Nothing of this signed anyone in.
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM auth_tokens WHERE kind = 'page'")
        .fetch_one(t.app.db.pool())
        .await
        .unwrap();
    assert_eq!(n, 0);
    // And with the field it works.
    let r = browser
        .post(t.url("/login"))
        .form(&[
            ("username", "qn.vanthu"),
            ("password", DEMO_PASSWORD),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
}
on_both!(
    signing_in_through_the_form_without_csrf_is_forbidden,
    login_form_without_csrf_is_forbidden
);

// ---------------------------------------------------------------------------------------------
// Secrets through retries, and guesses fired at once

async fn api_token_with_idempotency_key_not_kept_in_clear(t: TestApp) {
    let session = t.login("qn.vanthu").await;
    let create = || {
        t.http
            .post(t.url("/api/v1/tokens"))
            .bearer_auth(&session)
            .header("idempotency-key", "tao-khoa-1")
            .json(&json!({"name": "Qua mạng yếu", "expires_in_days": 30}))
            .send()
    };
    let r = create().await.unwrap();
    assert_eq!(r.status(), 201);
    let b: Value = r.json().await.unwrap();
    let api = b["token"].as_str().unwrap().to_string();
    // Signing in again while holding a token, with a key: the new session token is a secret too.
    let r = t
        .http
        .post(t.url("/api/v1/session"))
        .bearer_auth(&session)
        .header("idempotency-key", "dang-nhap-1")
        .json(&json!({"username": "qn.vanthu", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let b2: Value = r.json().await.unwrap();
    let second_session = b2["token"].as_str().unwrap().to_string();
    let bodies: Vec<(Option<String>,)> =
        sqlx::query_as("SELECT response_body FROM idempotency_keys")
            .fetch_all(t.app.db.pool())
            .await
            .unwrap();
    assert_eq!(
        bodies.len(),
        2,
        "both requests went through the idempotency layer"
    );
    for (body,) in &bodies {
        let body = body.clone().unwrap_or_default();
        for secret in [&api, &second_session] {
            assert!(
                !body.contains(&secret[5..]),
                "a token is stored in clear in idempotency_keys.response_body"
            );
        }
    }
    // The retry is answered (same token id, to revoke it) but the secret is not shown twice.
    let r = create().await.unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    let again: Value = r.json().await.unwrap();
    assert_eq!(again["token_id"], b["token_id"]);
    assert!(!again.to_string().contains(&api[5..]), "{again}");
    assert_eq!(t.count("auth_tokens WHERE kind = 'api'").await, 1);
}
on_both!(
    an_api_token_created_with_an_idempotency_key_is_not_stored_in_clear,
    api_token_with_idempotency_key_not_kept_in_clear
);

async fn guesses_fired_at_once_are_counted(t: TestApp) {
    let attempts: Vec<_> = (0..12).map(|_| sign_in(&t, "qn.ksv1", WRONG)).collect();
    let results = futures_util::future::join_all(attempts).await;
    let checked = results.iter().filter(|(s, _)| *s == 401).count();
    let throttled = results.iter().filter(|(s, _)| *s == 429).count();
    assert_eq!(checked + throttled, 12, "{results:?}");
    assert!(
        checked <= 5,
        "{checked} passwords were checked for one account in one burst (limit 5)"
    );
}
on_both!(
    twelve_simultaneous_guesses_check_at_most_five_passwords,
    guesses_fired_at_once_are_counted
);
