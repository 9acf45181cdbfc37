//! Whatever a phone on a bad link, a buggy script or an attacker sends, the API answers with a 4xx
//! and a stable code, never a 500, and writes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both};
use serde_json::{Value, json};

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

/// A POST with raw bytes and an optional content type.
async fn raw_post(
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
    let text = r.text().await.unwrap_or_default();
    (
        s,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Units, officers and audit events: what a wrongly accepted request would change.
async fn counts(t: &TestApp) -> (i64, i64, i64) {
    (
        t.count("units").await,
        t.count("users").await,
        t.count("audit_events").await,
    )
}

const JSON: Option<&str> = Some("application/json");

/// One refused request: its name, content type, body and the expected status and code (or "" when
/// only the status is fixed by the contract).
type Case = (
    &'static str,
    Option<&'static str>,
    Vec<u8>,
    u16,
    &'static str,
);

async fn run_cases(t: &TestApp, token: &str, path: &str, cases: Vec<Case>) {
    for (name, ct, body, status, expected) in cases {
        let (s, b) = raw_post(t, token, path, ct, body).await;
        assert!(s < 500, "{path} {name}: server error {s} {b}");
        assert_eq!(s, status, "{path} {name}: {b}");
        if !expected.is_empty() {
            assert_eq!(code(&b), expected, "{path} {name}: {b}");
        }
        assert!(
            b["error"]["message"].is_string(),
            "{path} {name}: not the error body: {b}"
        );
    }
}

fn with(base: &Value, key: &str, value: Value) -> Vec<u8> {
    let mut v = base.clone();
    v[key] = value;
    v.to_string().into_bytes()
}

fn without(base: &Value, key: &str) -> Vec<u8> {
    let mut v = base.clone();
    v.as_object_mut().unwrap().remove(key);
    v.to_string().into_bytes()
}

// ---------------------------------------------------------------------------------------------

async fn unit_creation_refuses_bad_bodies(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let good = json!({"name": "Đội QLTT số 5", "code": "QN-D5", "kind": "team", "parent_id": qn});
    let before = counts(&t).await;
    let cases: Vec<Case> = vec![
        (
            "malformed JSON",
            JSON,
            b"{\"name\": \"Doi 5\", ".to_vec(),
            400,
            "request.malformed_json",
        ),
        (
            "empty body",
            JSON,
            Vec::new(),
            400,
            "request.malformed_json",
        ),
        (
            "invalid UTF-8",
            JSON,
            b"{\"name\":\"\xff\xfe\",\"code\":\"QN-D5\",\"kind\":\"team\",\"parent_id\":\"x\"}"
                .to_vec(),
            400,
            "request.malformed_json",
        ),
        (
            "unknown field",
            JSON,
            with(&good, "active", json!(false)),
            400,
            "request.invalid_body",
        ),
        (
            "wrong type",
            JSON,
            with(&good, "name", json!(5)),
            400,
            "request.invalid_body",
        ),
        (
            "null for a required field",
            JSON,
            with(&good, "parent_id", Value::Null),
            400,
            "request.invalid_body",
        ),
        (
            "missing field",
            JSON,
            without(&good, "parent_id"),
            400,
            "request.invalid_body",
        ),
        (
            "duplicate field",
            JSON,
            br#"{"name":"a","name":"b","code":"QN-D5","kind":"team","parent_id":"x"}"#.to_vec(),
            400,
            "request.invalid_body",
        ),
        (
            "an array instead of an object",
            JSON,
            b"[1,2,3]".to_vec(),
            400,
            "request.invalid_body",
        ),
        (
            "no content type",
            None,
            good.to_string().into_bytes(),
            400,
            "request.content_type",
        ),
        (
            "text/plain",
            Some("text/plain"),
            good.to_string().into_bytes(),
            400,
            "request.content_type",
        ),
        (
            "form-encoded",
            Some("application/x-www-form-urlencoded"),
            b"name=a&code=QN-D5&kind=team".to_vec(),
            400,
            "request.content_type",
        ),
        (
            "201-character name",
            JSON,
            with(&good, "name", json!("Đ".repeat(201))),
            400,
            "validation.too_long",
        ),
        (
            "blank name",
            JSON,
            with(&good, "name", json!("   ")),
            400,
            "validation.required",
        ),
        (
            "bell character in the name",
            JSON,
            with(&good, "name", json!("Đội\u{7} số 5")),
            400,
            "validation.control_characters",
        ),
        (
            "escape sequence in the name",
            JSON,
            with(&good, "name", json!("Đội \u{1b}[31msố 5")),
            400,
            "validation.control_characters",
        ),
        (
            "unknown kind",
            JSON,
            with(&good, "kind", json!("ministry")),
            400,
            "unit.invalid_kind",
        ),
        (
            "kind in capitals",
            JSON,
            with(&good, "kind", json!("TEAM")),
            400,
            "unit.invalid_kind",
        ),
        (
            "bad code",
            JSON,
            with(&good, "code", json!("QN D5!")),
            400,
            "unit.invalid_code",
        ),
    ];
    run_cases(&t, &admin, "/api/v1/units", cases).await;
    // The field at fault is named for the form to highlight.
    for (field, value, expected) in [
        ("name", json!("x".repeat(201)), "validation.too_long"),
        ("name", json!("a\u{0}b"), "validation.control_characters"),
        ("kind", json!("bộ"), "unit.invalid_kind"),
        ("code", json!("Q"), "unit.invalid_code"),
    ] {
        let (s, b) = raw_post(&t, &admin, "/api/v1/units", JSON, with(&good, field, value)).await;
        assert_eq!((s, code(&b)), (400, expected), "{b}");
        assert_eq!(b["error"]["details"]["field"], field, "{b}");
    }
    assert_eq!(counts(&t).await, before, "a refused unit left a trace");
    // The same body, well-formed and 200 characters long, is accepted: the cases above were
    // refused for their fault, not for something else.
    let (s, b) = raw_post(
        &t,
        &admin,
        "/api/v1/units",
        JSON,
        with(&good, "name", json!("Đ".repeat(200))),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(t.count("units").await, before.0 + 1);
}
on_both!(
    a_malformed_unit_is_refused_with_a_code_and_nothing_written,
    unit_creation_refuses_bad_bodies
);

async fn officer_creation_refuses_bad_bodies(t: TestApp) {
    let admin = t.login("admin").await;
    let good = json!({
        "username": "qn.ksv7", "full_name": "Nguyễn Văn Bảy", "password": "mat-khau-du-dai-7",
        "unit_id": t.unit_id("QN-D1").await, "roles": ["inspector"], "rank": "ksv",
    });
    let before = counts(&t).await;
    let cases: Vec<Case> = vec![
        (
            "malformed JSON",
            JSON,
            b"{\"username\": qn.ksv7}".to_vec(),
            400,
            "request.malformed_json",
        ),
        (
            "invalid UTF-8",
            JSON,
            b"{\"username\":\"qn.ksv7\",\"full_name\":\"\xc3\x28\"}".to_vec(),
            400,
            "request.malformed_json",
        ),
        (
            "unknown field",
            JSON,
            with(&good, "is_admin", json!(true)),
            400,
            "request.invalid_body",
        ),
        (
            "wrong type for the name",
            JSON,
            with(&good, "full_name", json!(5)),
            400,
            "request.invalid_body",
        ),
        (
            "a role given as a string, not a list",
            JSON,
            with(&good, "roles", json!("admin")),
            400,
            "request.invalid_body",
        ),
        (
            "missing password",
            JSON,
            without(&good, "password"),
            400,
            "request.invalid_body",
        ),
        (
            "no content type",
            None,
            good.to_string().into_bytes(),
            400,
            "request.content_type",
        ),
        (
            "121-character full name",
            JSON,
            with(&good, "full_name", json!("Ơ".repeat(121))),
            400,
            "validation.too_long",
        ),
        (
            "newline inside the full name",
            JSON,
            with(&good, "full_name", json!("Nguyễn\nVăn Bảy")),
            400,
            "validation.control_characters",
        ),
        (
            "unknown role",
            JSON,
            with(&good, "roles", json!(["superuser"])),
            400,
            "officer.invalid_role",
        ),
        (
            "one good and one unknown role",
            JSON,
            with(&good, "roles", json!(["inspector", "root"])),
            400,
            "officer.invalid_role",
        ),
        (
            "no role",
            JSON,
            with(&good, "roles", json!([])),
            400,
            "validation.required",
        ),
        (
            "username with diacritics",
            JSON,
            with(&good, "username", json!("Nguyễn")),
            400,
            "officer.invalid_username",
        ),
        (
            "username with a space",
            JSON,
            with(&good, "username", json!("qn ksv7")),
            400,
            "officer.invalid_username",
        ),
        (
            "two-letter username",
            JSON,
            with(&good, "username", json!("qn")),
            400,
            "officer.invalid_username",
        ),
        (
            "unknown rank",
            JSON,
            with(&good, "rank", json!("general")),
            400,
            "officer.invalid_rank",
        ),
        (
            "short password",
            JSON,
            with(&good, "password", json!("123456")),
            400,
            "officer.weak_password",
        ),
        (
            "unknown unit",
            JSON,
            with(
                &good,
                "unit_id",
                json!("0190a000-0000-7000-8000-000000000000"),
            ),
            400,
            "officer.unknown_unit",
        ),
    ];
    run_cases(&t, &admin, "/api/v1/users", cases).await;
    for (field, value, expected) in [
        ("full_name", json!("x".repeat(121)), "validation.too_long"),
        ("username", json!("Nguyễn"), "officer.invalid_username"),
        ("roles", json!(["chief"]), "officer.invalid_role"),
    ] {
        let (s, b) = raw_post(&t, &admin, "/api/v1/users", JSON, with(&good, field, value)).await;
        assert_eq!((s, code(&b)), (400, expected), "{b}");
        assert_eq!(b["error"]["details"]["field"], field, "{b}");
    }
    assert_eq!(counts(&t).await, before, "a refused officer left a trace");
    // 120 characters is still a name.
    let (s, b) = raw_post(
        &t,
        &admin,
        "/api/v1/users",
        JSON,
        with(&good, "full_name", json!("Ơ".repeat(120))),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(t.count("users").await, before.1 + 1);
}
on_both!(
    a_malformed_officer_is_refused_with_a_code_and_nothing_written,
    officer_creation_refuses_bad_bodies
);

async fn changes_to_a_unit_refuse_bad_bodies(t: TestApp) {
    let admin = t.login("admin").await;
    let d1 = t.unit_id("QN-D1").await;
    let before = counts(&t).await;
    let path = format!("/api/v1/units/{d1}");
    for (body, status, expected) in [
        (json!({"name": 5}), 400, "request.invalid_body"),
        (json!({"title": "x"}), 400, "request.invalid_body"),
        (json!({"name": "Đ".repeat(201)}), 400, "validation.too_long"),
        (
            json!({"name": "a\u{8}b"}),
            400,
            "validation.control_characters",
        ),
    ] {
        let (s, b) = t.patch(&admin, &path, body.clone()).await;
        assert_eq!((s, code(&b)), (status, expected), "{body}: {b}");
    }
    let merge = format!("/api/v1/units/{d1}/merge");
    for (body, expected) in [
        (json!({}), "request.invalid_body"),
        (json!({"into_unit_id": 7}), "request.invalid_body"),
        (json!({"into": "x"}), "request.invalid_body"),
    ] {
        let (s, b) = t.post(&admin, &merge, body.clone()).await;
        assert_eq!((s, code(&b)), (400, expected), "{body}: {b}");
    }
    assert_eq!(counts(&t).await, before);
}
on_both!(
    a_malformed_rename_or_merge_is_refused,
    changes_to_a_unit_refuse_bad_bodies
);

// ---------------------------------------------------------------------------------------------

async fn bad_queries_are_400(t: TestApp) {
    let admin = t.login("admin").await;
    for (path, expected) in [
        ("/api/v1/users?limit=abc", "request.invalid_query"),
        ("/api/v1/users?limit=1.5", "request.invalid_query"),
        (
            "/api/v1/users?limit=99999999999999999999999",
            "request.invalid_query",
        ),
        ("/api/v1/users?sort=name", "request.invalid_query"),
        ("/api/v1/audit?limit=abc", "request.invalid_query"),
        ("/api/v1/audit?cursor=xyz", "request.invalid_cursor"),
        ("/api/v1/audit?cursor=1.5", "request.invalid_cursor"),
        (
            "/api/v1/audit?cursor=99999999999999999999999",
            "request.invalid_cursor",
        ),
    ] {
        let (s, b) = t.get(&admin, path).await;
        assert_eq!((s, code(&b)), (400, expected), "{path}: {b}");
    }
    // Extreme but well-formed numbers are clamped, not errors.
    for path in [
        "/api/v1/users?limit=0",
        "/api/v1/users?limit=-5",
        "/api/v1/users?limit=9223372036854775807",
        "/api/v1/audit?limit=-1",
        "/api/v1/audit?limit=9223372036854775807",
        "/api/v1/audit?cursor=-1",
        "/api/v1/audit?cursor=9223372036854775807",
    ] {
        let (s, b) = t.get(&admin, path).await;
        assert_eq!(s, 200, "{path}: {b}");
        assert!(b["items"].is_array(), "{path}: {b}");
    }
}
on_both!(a_bad_query_string_is_400_not_500, bad_queries_are_400);

async fn unknown_routes_are_json_404(t: TestApp) {
    let admin = t.login("admin").await;
    for path in [
        "/api/v1/nope",
        "/api/v1/units/x/y/z",
        "/api/v2/units",
        "/api/v1/units/",
    ] {
        let r = t
            .http
            .get(t.url(path))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        if path == "/api/v2/units" {
            // Outside /api/v1 the pages answer; still a 404.
            assert_eq!(r.status(), 404, "{path}");
            continue;
        }
        assert_eq!(r.status(), 404, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{path}"
        );
        let b: Value = r.json().await.unwrap();
        assert_eq!(code(&b), "route.not_found", "{path}");
    }
    // Even without a token: the route does not exist, whoever asks.
    let r = t.http.get(t.url("/api/v1/nope")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    // A known route with a method it does not have.
    let r = t
        .http
        .delete(t.url("/api/v1/units"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    let b: Value = r.json().await.unwrap();
    assert_eq!(code(&b), "route.method_not_allowed");
}
on_both!(
    an_unknown_api_route_is_a_json_404,
    unknown_routes_are_json_404
);

async fn huge_bodies_are_refused(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let before = counts(&t).await;
    // 1.5 MB: inside the body limit, so the name rule refuses it.
    let name = "Đ".repeat(750_000);
    let body = json!({"name": name, "code": "QN-D5", "kind": "team", "parent_id": qn});
    let (s, b) = raw_post(
        &t,
        &admin,
        "/api/v1/units",
        JSON,
        body.to_string().into_bytes(),
    )
    .await;
    assert_eq!((s, code(&b)), (400, "validation.too_long"));
    // 3 MB: over the limit of the whole server.
    let name = "x".repeat(3 * 1024 * 1024);
    let body = json!({"name": name, "code": "QN-D5", "kind": "team", "parent_id": qn})
        .to_string()
        .into_bytes();
    for path in ["/api/v1/units", "/api/v1/users", "/api/v1/session"] {
        let (s, b) = raw_post(&t, &admin, path, JSON, body.clone()).await;
        assert!(
            s == 413 || s == 400,
            "{path}: 3 MB body → {s} {}",
            b.to_string().chars().take(300).collect::<String>()
        );
    }
    // The same through the idempotency layer, which reads the body itself.
    let r = t
        .http
        .post(t.url("/api/v1/units"))
        .bearer_auth(&admin)
        .header("idempotency-key", "to-qua")
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert!(
        r.status() == 413 || r.status() == 400,
        "with a key → {}",
        r.status()
    );
    assert_eq!(counts(&t).await, before);
}
on_both!(
    a_body_over_a_megabyte_is_a_4xx_not_500,
    huge_bodies_are_refused
);

/// A NUL character is valid JSON (`"\u0000"`) and valid in a URL (`%00`), but PostgreSQL refuses
/// it in text. Wherever it lands (an id looked up, a username checked), the answer must be a 4xx.
async fn nul_bytes_are_not_server_errors(t: TestApp) {
    let admin = t.login("admin").await;
    let before = counts(&t).await;
    let mut failures = Vec::new();
    let mut check = |what: &str, s: u16, b: &Value| {
        if s >= 500 {
            failures.push(format!("{what} → {s} {b}"));
        }
    };
    let qn = t.unit_id("QN").await;
    let (s, b) = t
        .post(
            &admin,
            "/api/v1/units",
            json!({"name": "Đội", "code": "QN-D5", "kind": "team", "parent_id": "QN\u{0}"}),
        )
        .await;
    check("unit with parent_id \\0", s, &b);
    let (s, b) = t
        .post(
            &admin,
            "/api/v1/users",
            json!({"username": "qn.ksv7", "full_name": "Bảy", "password": "mat-khau-du-dai",
                   "unit_id": "x\u{0}", "roles": ["inspector"]}),
        )
        .await;
    check("officer with unit_id \\0", s, &b);
    let (s, b) = t
        .post(
            &admin,
            &format!("/api/v1/units/{qn}/merge"),
            json!({"into_unit_id": "x\u{0}"}),
        )
        .await;
    check("merge into \\0", s, &b);
    for path in [
        "/api/v1/units/x%00",
        "/api/v1/users/x%00",
        "/api/v1/users?unit_id=x%00",
        "/api/v1/users?cursor=x%00",
        "/api/v1/audit?entity=x%00",
    ] {
        let (s, b) = t.get(&admin, path).await;
        check(path, s, &b);
    }
    let (s, b) = t.delete(&admin, "/api/v1/tokens/x%00").await;
    check("DELETE /api/v1/tokens/x%00", s, &b);
    // Before sign-in: a username with NUL.
    let r = t
        .http
        .post(t.url("/api/v1/session"))
        .json(&json!({"username": "admin\u{0}", "password": "x"}))
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    let b: Value = r.json().await.unwrap_or(Value::Null);
    check("sign-in as admin\\0", s, &b);
    assert!(
        failures.is_empty(),
        "server errors:\n{}",
        failures.join("\n")
    );
    assert_eq!(counts(&t).await, before);
}
on_both!(
    a_nul_character_in_an_id_or_username_is_not_a_server_error,
    nul_bytes_are_not_server_errors
);
