//! The OpenAPI document that other agencies build their clients from: valid OpenAPI 3.1, complete
//! for the contract of api.md, and true (every documented operation answers).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::time::Duration;

use qltt_testkit::{TestApp, on_both};
use serde_json::{Value, json};

/// The routes of the brief that exist today: each must be documented.
const REQUIRED: &[&str] = &[
    "/healthz",
    "/api/v1/session",
    "/api/v1/me",
    "/api/v1/units",
    "/api/v1/units/{id}",
    "/api/v1/units/{id}/merge",
    "/api/v1/users",
    "/api/v1/users/{id}",
    "/api/v1/audit",
    "/api/v1/tokens",
];

/// Every (method, path) of the contract (design/api.md). Those the server answers must be in the
/// document; the others are not built yet.
const CONTRACT: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("POST", "/api/v1/session"),
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/units"),
    ("POST", "/api/v1/units"),
    ("POST", "/api/v1/units/{id}/merge"),
    ("GET", "/api/v1/users"),
    ("POST", "/api/v1/users"),
    ("GET", "/api/v1/users/{id}"),
    ("GET", "/api/v1/businesses"),
    ("POST", "/api/v1/businesses"),
    ("GET", "/api/v1/businesses/{id}"),
    ("PATCH", "/api/v1/businesses/{id}"),
    ("POST", "/api/v1/businesses/import"),
    ("GET", "/api/v1/violation-types"),
    ("GET", "/api/v1/cases"),
    ("POST", "/api/v1/cases"),
    ("GET", "/api/v1/cases/{id}"),
    ("POST", "/api/v1/cases/{id}/actions/{action}"),
    ("GET", "/api/v1/documents/{id}"),
    ("GET", "/api/v1/documents/{id}/pdf"),
    ("GET", "/api/v1/exhibits"),
    ("POST", "/api/v1/exhibits"),
    ("POST", "/api/v1/exhibits/{id}/moves"),
    ("GET", "/api/v1/exhibits/{id}/custody"),
    ("GET", "/api/v1/calendar/{year}"),
    ("PUT", "/api/v1/calendar/days/{date}"),
    ("POST", "/api/v1/law/fine"),
    ("POST", "/api/v1/law/deadlines"),
    ("GET", "/api/v1/search"),
    ("GET", "/api/v1/reports/summary"),
    ("GET", "/api/v1/audit"),
    ("GET", "/api/v1/events"),
];

async fn fetch_document(t: &TestApp) -> (String, Value) {
    let r = t
        .http
        .get(t.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let text = r.text().await.unwrap();
    let doc: Value = serde_json::from_str(&text).expect("JSON");
    (text, doc)
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "$ref" {
                    out.push(x.as_str().unwrap_or("<not a string>").to_string());
                } else {
                    collect_refs(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

/// `{id}`, `{action}`… in a path template.
fn template_params(path: &str) -> BTreeSet<String> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(str::to_string)
        .collect()
}

async fn document_is_valid_openapi_31(t: TestApp) {
    let (text, doc) = fetch_document(&t).await;
    let spec = oas3::from_json(&text).expect("parses as an OpenAPI 3.1 document");
    assert!(spec.openapi.starts_with("3.1"), "{}", spec.openapi);
    spec.validate_version().expect("a supported version");
    assert_eq!(spec.info.title, "QLTT API");
    assert!(!spec.info.version.is_empty());
    assert!(spec.operations().count() >= 18, "too few operations");

    // Every reference resolves to a schema that exists.
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in &refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("not a local schema reference: {r}"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling $ref {r}"
        );
    }
    // …and oas3 can resolve every operation's body, parameters and responses.
    for (path, method, op) in spec.operations() {
        op.request_body(&spec)
            .unwrap_or_else(|e| panic!("{method} {path}: request body: {e}"));
        op.parameters(&spec)
            .unwrap_or_else(|e| panic!("{method} {path}: parameters: {e}"));
        assert!(
            op.responses(&spec).keys().any(|s| s.starts_with('2')),
            "{method} {path}: no success response"
        );
    }
    // Bearer authentication is declared.
    let components = spec.components.as_ref().expect("components");
    assert!(components.security_schemes.contains_key("bearer"));
}
on_both!(
    the_openapi_document_is_valid_openapi_3_1,
    document_is_valid_openapi_31
);

async fn error_body_is_documented(t: TestApp) {
    let (text, doc) = fetch_document(&t).await;
    let spec = oas3::from_json(&text).unwrap();
    let components = spec.components.as_ref().expect("components");
    assert!(components.schemas.contains_key("ErrorBody"));
    // {"error":{"code","message","details"}}
    let error_body = &doc["components"]["schemas"]["ErrorBody"];
    let detail = match &error_body["properties"]["error"]["$ref"] {
        Value::String(r) => {
            &doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")]
        }
        _ => &error_body["properties"]["error"],
    };
    for field in ["code", "message", "details"] {
        assert!(
            detail["properties"][field].is_object(),
            "ErrorBody.error.{field} is not documented: {error_body}"
        );
    }
    // Every documented error of the API has that shape (health answers 503 with its own body).
    let mut problems = Vec::new();
    for (path, method, _) in spec.operations() {
        if path == "/healthz" {
            continue;
        }
        let raw = &doc["paths"][&path][method.as_str().to_lowercase()]["responses"];
        for (status, resp) in raw.as_object().into_iter().flatten() {
            if status.starts_with('4') || status.starts_with('5') {
                let schema = &resp["content"]["application/json"]["schema"]["$ref"];
                if schema != "#/components/schemas/ErrorBody" {
                    problems.push(format!("{method} {path}: {status} is not an ErrorBody"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}
on_both!(
    the_error_body_is_a_documented_schema_used_by_every_error,
    error_body_is_documented
);

/// Found by schemathesis (scripts/schemathesis.sh): 401 without a token, 403 for a role without
/// the permission, 400 for a query or body that does not parse and 422 for refused writes were
/// answered by operations whose responses did not list them; the report summary listed only its
/// XLSX form for 200, though it answers JSON by default, and not its 404 for an unknown unit.
async fn common_refusals_are_documented(t: TestApp) {
    let (_, doc) = fetch_document(&t).await;
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let public = op["security"].as_array().is_some_and(|reqs| {
                reqs.iter()
                    .all(|r| r.as_object().is_some_and(|m| m.is_empty()))
            });
            let mut want = Vec::new();
            if !public {
                want.extend(["401", "403"]);
            }
            if path.contains('{') {
                want.extend(["400", "404"]);
            }
            if method != "get" {
                want.push("422");
            }
            for status in want {
                if !responses.contains_key(status) {
                    missing.push(format!("{method} {path}: {status}"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "undocumented refusals:\n{}",
        missing.join("\n")
    );
    // What the server really answers without a token is the documented 401.
    let r = t
        .http
        .get(t.url("/api/v1/stock-counts/x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // A unit outside the caller's scope (or no unit at all) in the summary's query is 404.
    let head = t.login("qn.chicuctruong").await;
    let (s, _) = t.get(&head, "/api/v1/reports/summary?unit=nope").await;
    assert_eq!(s, 404);
    let responses = &doc["paths"]["/api/v1/reports/summary"]["get"]["responses"];
    assert!(responses["404"].is_object(), "{responses}");
    let summary = &responses["200"]["content"];
    for media in [
        "application/json",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ] {
        assert!(
            summary[media].is_object(),
            "summary 200 lacks {media}: {summary}"
        );
    }
}
on_both!(
    every_operation_documents_the_refusals_it_can_answer,
    common_refusals_are_documented
);

async fn parameters_are_where_the_server_reads_them(t: TestApp) {
    let (text, _) = fetch_document(&t).await;
    let spec = oas3::from_json(&text).unwrap();
    // Path parameters are exactly the template's: a query parameter documented "in": "path"
    // (and so required) makes a generated client put `?limit=` into the URL path.
    let mut problems = Vec::new();
    for (path, method, op) in spec.operations() {
        let params = op.parameters(&spec).unwrap();
        let in_path: BTreeSet<String> = params
            .iter()
            .filter(|p| p.location == oas3::spec::ParameterIn::Path)
            .map(|p| p.name.clone())
            .collect();
        let expected = template_params(&path);
        if in_path != expected {
            problems.push(format!(
                "{method} {path}: documented in the path {in_path:?}, the template has {expected:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    // The list filters of api.md are query parameters.
    for (path, name) in [
        ("/api/v1/users", "limit"),
        ("/api/v1/users", "cursor"),
        ("/api/v1/audit", "entity"),
        ("/api/v1/audit", "cursor"),
    ] {
        let op = spec.operation(&reqwest::Method::GET, path).unwrap();
        let p = op
            .parameters(&spec)
            .unwrap()
            .into_iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("GET {path}: ?{name} is not documented"));
        assert_eq!(
            p.location,
            oas3::spec::ParameterIn::Query,
            "GET {path} {name}"
        );
        assert_ne!(p.required, Some(true), "GET {path}: ?{name} is optional");
    }
}
on_both!(
    list_filters_are_documented_as_query_parameters,
    parameters_are_where_the_server_reads_them
);

async fn operation_ids_are_unique(t: TestApp) {
    let (text, _) = fetch_document(&t).await;
    let spec = oas3::from_json(&text).unwrap();
    // OpenAPI: "The id MUST be unique among all operations described in the API" — client
    // generators name their methods after it.
    let mut seen: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (path, method, op) in spec.operations() {
        if let Some(id) = &op.operation_id {
            seen.entry(id.clone())
                .or_default()
                .push(format!("{method} {path}"));
        }
    }
    let clashes: Vec<String> = seen
        .iter()
        .filter(|(_, ops)| ops.len() > 1)
        .map(|(id, ops)| format!("{id}: {}", ops.join(", ")))
        .collect();
    assert!(clashes.is_empty(), "\n{}", clashes.join("\n"));
}
on_both!(every_operation_id_is_unique, operation_ids_are_unique);

// ---------------------------------------------------------------------------------------------

struct Probe {
    status: u16,
    code: String,
}

impl Probe {
    /// The router has this method on this path (it did not fall through to 404/405).
    fn routed(&self) -> bool {
        !(self.status == 405 || (self.status == 404 && self.code == "route.not_found"))
    }
}

/// Calls `method url` with `token` (and an empty JSON object for methods with a body), without
/// reading a streaming body.
async fn probe(t: &TestApp, token: &str, method: &str, url: &str) -> Probe {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = client.request(m.clone(), t.url(url)).bearer_auth(token);
    if m != reqwest::Method::GET && m != reqwest::Method::DELETE {
        req = req.json(&json!({}));
    }
    let r = req
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = r.status().as_u16();
    let is_json = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/json"));
    let code = if is_json {
        let b: Value = r.json().await.unwrap_or(Value::Null);
        b["error"]["code"].as_str().unwrap_or("").to_string()
    } else {
        String::new()
    };
    Probe { status, code }
}

/// Fills a path template with real ids where the test can find them.
async fn fill(t: &TestApp, admin: &str, throwaway_token_id: &str, path: &str) -> String {
    let fixed = |p: &str| {
        p.replace("{year}", "2026")
            .replace("{date}", "2026-09-02")
            .replace("{action}", "xem")
            .replace("{code}", "KHONG-CO")
    };
    // Only a path with an id needs a list to find one (and some collections, like the event
    // stream, are not lists at all).
    if !path.contains("{id}") {
        return fixed(path);
    }
    let collection = path
        .trim_start_matches("/api/v1/")
        .split('/')
        .next()
        .unwrap_or("");
    let id = match collection {
        "units" => t.unit_id("QN-D2").await,
        "users" => t.user_id("qn.xem").await,
        "tokens" => throwaway_token_id.to_string(),
        other => {
            // The first item of the collection's list, if there is one.
            let (_, list) = t.get(admin, &format!("/api/v1/{other}?limit=1")).await;
            list["items"][0]["id"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| "0190a000-0000-7000-8000-000000000000".to_string())
        }
    };
    fixed(&path.replace("{id}", &id))
}

async fn documents_every_route_and_every_documented_route_answers(t: TestApp) {
    let (text, _) = fetch_document(&t).await;
    let spec = oas3::from_json(&text).unwrap();
    let paths = spec.paths.as_ref().expect("paths");
    for p in REQUIRED {
        assert!(paths.contains_key(*p), "{p} is not documented");
    }
    let admin = t.login("admin").await;
    let (s, b) = t
        .post(
            &admin,
            "/api/v1/tokens",
            json!({"name": "Dùng một lần", "expires_in_days": 1}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let throwaway_id = b["token_id"].as_str().unwrap().to_string();

    // Each operation of the contract that the server has is documented, with its method.
    let mut built = 0;
    for (method, path) in CONTRACT {
        let url = fill(&t, &admin, &throwaway_id, path).await;
        let p = probe(&t, &admin, method, &url).await;
        assert!(p.status < 500, "{method} {url} → {}", p.status);
        if !p.routed() {
            continue;
        }
        built += 1;
        let documented = spec.operation(&method.parse().unwrap(), path).is_some();
        assert!(documented, "{method} {path} answers but is not documented");
    }
    assert!(built >= 11, "only {built} contract operations answer");

    // Each documented operation answers: no documented route is a 404 route.not_found or a 405.
    // GETs with real ids must succeed; other methods get an empty body and must reach the handler.
    // Signing out goes last (it ends the admin's session).
    let mut ops: Vec<(String, String)> = spec
        .operations()
        .map(|(path, method, _)| (path, method.as_str().to_string()))
        .collect();
    ops.sort_by_key(|(path, method)| {
        (
            method == "DELETE" && path == "/api/v1/session",
            path.clone(),
        )
    });
    for (path, method) in &ops {
        let method = method.as_str();
        let url = fill(&t, &admin, &throwaway_id, path).await;
        let p = probe(&t, &admin, method, &url).await;
        assert!(
            p.routed(),
            "{method} {path} is documented but the server has no such route ({} {})",
            p.status,
            p.code
        );
        assert!(p.status < 500, "{method} {url} → {} {}", p.status, p.code);
        if method == "GET" && !url.contains("0190a000-0000-7000-8000-000000000000") {
            assert_eq!(p.status, 200, "GET {url} → {} {}", p.status, p.code);
        }
    }
    // The last call signed the admin out.
    assert_eq!(t.get(&admin, "/api/v1/me").await.0, 401);
}
on_both!(
    every_route_of_the_contract_is_documented_and_answers,
    documents_every_route_and_every_documented_route_answers
);
