//! Bad input gets a 400 with a clear code and never a 500, and nothing is written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both};
use serde_json::{Value, json};

async fn raw(
    t: &TestApp,
    token: &str,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (u16, Value) {
    let mut req = t.http.post(t.url(path)).bearer_auth(token).body(body);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let r = req.send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

fn code(b: &Value) -> String {
    b["error"]["code"].as_str().unwrap_or("").to_string()
}

async fn counts(t: &TestApp) -> (i64, i64, i64) {
    (
        t.count("units").await,
        t.count("users").await,
        t.count("audit_events").await,
    )
}

async fn bad_bodies_are_400(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let before = counts(&t).await;
    let json_ct = Some("application/json");
    let cases: Vec<(&str, Option<&str>, Vec<u8>, &str)> = vec![
        (
            "malformed",
            json_ct,
            b"{\"name\": ".to_vec(),
            "request.malformed_json",
        ),
        (
            "invalid utf-8",
            json_ct,
            b"{\"name\":\"\xff\xfe\",\"code\":\"QN-Z\",\"kind\":\"team\",\"parent_id\":\"x\"}"
                .to_vec(),
            "request.malformed_json",
        ),
        (
            "unknown field",
            json_ct,
            json!({"name": "a", "code": "QN-Z", "kind": "team", "parent_id": qn, "admin": true})
                .to_string()
                .into_bytes(),
            "request.invalid_body",
        ),
        (
            "wrong type",
            json_ct,
            json!({"name": 5, "code": "QN-Z", "kind": "team", "parent_id": qn})
                .to_string()
                .into_bytes(),
            "request.invalid_body",
        ),
        (
            "missing field",
            json_ct,
            json!({"name": "a", "kind": "team", "parent_id": qn})
                .to_string()
                .into_bytes(),
            "request.invalid_body",
        ),
        (
            "no content type",
            None,
            json!({"name": "a", "code": "QN-Z", "kind": "team", "parent_id": qn})
                .to_string()
                .into_bytes(),
            "request.content_type",
        ),
        (
            "array instead of object",
            json_ct,
            b"[1,2,3]".to_vec(),
            "request.invalid_body",
        ),
        (
            "overlong name",
            json_ct,
            json!({"name": "Đ".repeat(201), "code": "QN-Z", "kind": "team", "parent_id": qn})
                .to_string()
                .into_bytes(),
            "validation.too_long",
        ),
        (
            "control characters",
            json_ct,
            json!({"name": "Đội\u{0007}", "code": "QN-Z", "kind": "team", "parent_id": qn})
                .to_string()
                .into_bytes(),
            "validation.control_characters",
        ),
        (
            "bad kind",
            json_ct,
            json!({"name": "a", "code": "QN-Z", "kind": "ministry", "parent_id": qn})
                .to_string()
                .into_bytes(),
            "unit.invalid_kind",
        ),
        (
            "bad code",
            json_ct,
            json!({"name": "a", "code": "ĐỘI 9", "kind": "team", "parent_id": qn})
                .to_string()
                .into_bytes(),
            "unit.invalid_code",
        ),
    ];
    for (what, ct, body, want) in cases {
        let (s, b) = raw(&t, &admin, "/api/v1/units", ct, body).await;
        assert_eq!(s, 400, "{what}: {b}");
        assert_eq!(code(&b), want, "{what}: {b}");
        assert!(
            b["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{what}"
        );
    }
    let (_, b) = raw(
        &t,
        &admin,
        "/api/v1/units",
        json_ct,
        json!({"name": "x".repeat(300), "code": "QN-Z", "kind": "team", "parent_id": qn})
            .to_string()
            .into_bytes(),
    )
    .await;
    assert_eq!(b["error"]["details"]["field"], "name");
    assert_eq!(counts(&t).await, before);
}
on_both!(
    malformed_unit_requests_get_400_and_write_nothing,
    bad_bodies_are_400
);

async fn bad_officers_are_400(t: TestApp) {
    let admin = t.login("admin").await;
    let d1 = t.unit_id("QN-D1").await;
    let before = counts(&t).await;
    let base = json!({"username": "qn.moi", "full_name": "Người Mới", "password": "mat-khau-du-dai", "unit_id": d1, "roles": ["inspector"], "rank": "ksv"});
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        (
            "full name too long",
            json!({"full_name": "a".repeat(121)}),
            400,
            "validation.too_long",
        ),
        (
            "empty full name",
            json!({"full_name": "   "}),
            400,
            "validation.required",
        ),
        (
            "diacritics in username",
            json!({"username": "Nguyễn"}),
            400,
            "officer.invalid_username",
        ),
        (
            "unknown role",
            json!({"roles": ["god"]}),
            400,
            "officer.invalid_role",
        ),
        ("no role", json!({"roles": []}), 400, "validation.required"),
        (
            "unknown rank",
            json!({"rank": "general"}),
            400,
            "officer.invalid_rank",
        ),
        (
            "weak password",
            json!({"password": "ngan"}),
            400,
            "officer.weak_password",
        ),
        (
            "unknown unit",
            json!({"unit_id": "no-such-unit"}),
            400,
            "officer.unknown_unit",
        ),
        (
            "roles as string",
            json!({"roles": "inspector"}),
            400,
            "request.invalid_body",
        ),
        (
            "duplicate username",
            json!({"username": "qn.ksv1"}),
            409,
            "officer.username_taken",
        ),
    ];
    for (what, patch, want_status, want_code) in cases {
        let mut body = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, b) = t.post(&admin, "/api/v1/users", body).await;
        assert_eq!(
            (s, code(&b).as_str()),
            (want_status, want_code),
            "{what}: {b}"
        );
    }
    assert_eq!(counts(&t).await, before);
    // The same body without the faults is accepted (the cases above failed for their fault only).
    let (s, b) = t.post(&admin, "/api/v1/users", base).await;
    assert_eq!(s, 201, "{b}");
}
on_both!(
    malformed_officer_requests_get_clear_codes,
    bad_officers_are_400
);

async fn bad_queries_and_routes(t: TestApp) {
    let admin = t.login("admin").await;
    for (path, want_status, want_code) in [
        ("/api/v1/users?limit=abc", 400, "request.invalid_query"),
        ("/api/v1/users?colour=red", 400, "request.invalid_query"),
        ("/api/v1/audit?cursor=xyz", 400, "request.invalid_cursor"),
        ("/api/v1/no-such-thing", 404, "route.not_found"),
        ("/api/v1/units/not-a-unit", 404, "unit.not_found"),
    ] {
        let (s, b) = t.get(&admin, path).await;
        assert_eq!(
            (s, code(&b).as_str()),
            (want_status, want_code),
            "{path}: {b}"
        );
    }
    let r = t
        .http
        .put(t.url("/api/v1/units"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    // A body of several megabytes is refused without a 500.
    let big = format!("{{\"name\":\"{}\"}}", "a".repeat(3 * 1024 * 1024));
    let (s, _) = raw(
        &t,
        &admin,
        "/api/v1/units",
        Some("application/json"),
        big.into_bytes(),
    )
    .await;
    assert!((400..500).contains(&s), "{s}");
    // Limits are clamped, not trusted.
    let (s, b) = t.get(&admin, "/api/v1/users?limit=100000").await;
    assert_eq!(s, 200);
    assert!(b["items"].as_array().unwrap().len() <= 200);
}
on_both!(
    bad_queries_and_unknown_routes_never_give_500,
    bad_queries_and_routes
);

async fn pagination_walks_everything_once(t: TestApp) {
    let admin = t.login("admin").await;
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let (s, b) = t
            .get(&admin, &format!("/api/v1/users?limit=4&cursor={cursor}"))
            .await;
        assert_eq!(s, 200);
        for u in b["items"].as_array().unwrap() {
            seen.push(u["username"].as_str().unwrap().to_string());
        }
        match b["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
    }
    let total = t.count("users").await as usize;
    assert_eq!(seen.len(), total);
    let mut dedup = seen.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), total);
}
on_both!(
    officer_list_pages_through_every_officer_once,
    pagination_walks_everything_once
);
