//! The API's JSON bodies, through the real router in process, on a demo SQLite database: any
//! body sent to the main write routes, by any of a few officers, gets an answer below 500 — a
//! bad body is the client's fault (400/422), a step the state refuses is 409 — and never a
//! panic. The state the fuzzer builds up (businesses, cases, steps, lots) stays between runs, as
//! it would on a server.
//!
//! Input: byte 0 picks the route, byte 1 the officer and the object in the path, the rest is
//! the body.
#![no_main]

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use libfuzzer_sys::fuzz_target;
use qltt_app::App;
use secrecy::SecretString;
use serde_json::Value;
use tower::ServiceExt;

/// (method, path with `{id}` / `{action}` holes, which list the id comes from, actions).
const ROUTES: &[(&str, &str, Pool, &[&str])] = &[
    ("POST", "/api/v1/businesses", Pool::None, &[]),
    ("PATCH", "/api/v1/businesses/{id}", Pool::Business, &[]),
    ("POST", "/api/v1/businesses/{id}/merge", Pool::Business, &[]),
    ("POST", "/api/v1/cases", Pool::None, &[]),
    ("POST", "/api/v1/cases/{id}/actions/{action}", Pool::Case, CASE_ACTIONS),
    ("POST", "/api/v1/law/fine", Pool::None, &[]),
    ("POST", "/api/v1/law/deadlines", Pool::None, &[]),
    ("POST", "/api/v1/exhibits", Pool::None, &[]),
    ("POST", "/api/v1/exhibits/{id}/moves", Pool::Exhibit, &[]),
    ("POST", "/api/v1/warehouses", Pool::None, &[]),
    ("POST", "/api/v1/warehouses/{id}/cameras", Pool::Warehouse, &[]),
    ("POST", "/api/v1/warehouses/{id}/counts", Pool::Warehouse, &[]),
    ("POST", "/api/v1/commitment-campaigns", Pool::None, &[]),
    ("POST", "/api/v1/commitment-campaigns/{id}/commitments", Pool::Campaign, &[]),
    ("POST", "/api/v1/office-documents", Pool::None, &[]),
    ("POST", "/api/v1/office-documents/{id}/actions/{action}", Pool::OfficeDocument, OFFICE_ACTIONS),
    ("POST", "/api/v1/directives", Pool::None, &[]),
    ("POST", "/api/v1/documents/{id}/corrections", Pool::Document, &[]),
    ("POST", "/api/v1/units", Pool::None, &[]),
    ("PATCH", "/api/v1/units/{id}", Pool::Unit, &[]),
    ("POST", "/api/v1/users", Pool::None, &[]),
    ("POST", "/api/v1/tokens", Pool::None, &[]),
    ("PUT", "/api/v1/calendar/days/2026-09-03", Pool::None, &[]),
    ("POST", "/api/v1/session", Pool::None, &[]),
];

const CASE_ACTIONS: &[&str] = &[
    "propose", "reject_proposal", "decide_inspection", "record_inspection", "record_violation",
    "request_explanation", "record_explanation", "seize", "issue_sanction", "decide_no_sanction",
    "deliver_decision", "record_payment", "grant_instalments", "postpone", "order_coercion",
    "transfer", "close",
];
const OFFICE_ACTIONS: &[&str] = &["route", "accept", "reply", "file", "send"];

/// Officers who send the requests: the provincial head (signs decisions), an inspector, the
/// clerk (office registers), the keeper (warehouse) and the administrator.
const OFFICERS: &[&str] = &["qn.chicuctruong", "qn.ksv1", "qn.vanthu", "qn.thukho", "admin"];
const ADMIN_PASSWORD: &str = "fuzz-admin-password";

#[derive(Clone, Copy)]
enum Pool {
    None,
    Business,
    Case,
    Exhibit,
    Warehouse,
    Campaign,
    OfficeDocument,
    Document,
    Unit,
}

struct World {
    rt: tokio::runtime::Runtime,
    router: Router,
    tokens: Vec<String>,
    /// Ids of existing objects per pool, read from the demo data at start.
    ids: Vec<(usize, Vec<String>)>,
    _dir: tempfile::TempDir,
}

fn request(method: &str, path: &str, token: Option<&str>, body: Vec<u8>) -> Request<Body> {
    let mut req = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).expect("method"))
        .uri(path)
        .header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let mut req = req.body(Body::from(body)).expect("request");
    // As `into_make_service_with_connect_info` does for a real connection.
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
    req
}

async fn call(router: &Router, req: Request<Body>) -> (StatusCode, Vec<u8>) {
    let resp = router.clone().oneshot(req).await.expect("infallible router");
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 16 << 20)
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    (status, bytes)
}

/// Every string under an "id" key, in document order.
fn ids_in(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(id)) = m.get("id") {
                out.push(id.clone());
            }
            for (k, x) in m {
                if k != "id" {
                    ids_in(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| ids_in(x, out)),
        _ => {}
    }
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("qltt.db").display());
        let (router, tokens, ids) = rt.block_on(async {
            let db = qltt_store::Db::open(&url).await.expect("open database");
            let app = App::new(db, Arc::new(qltt_app::SystemClock));
            app.bootstrap(Some(SecretString::from(ADMIN_PASSWORD)))
                .await
                .expect("bootstrap");
            app.load_demo().await.expect("demo");
            app.load_demo_cases().await.expect("demo cases");
            let state = qltt_web::AppState {
                app: Arc::new(app),
                secure_cookies: false,
                trust_forwarded: false,
            };
            let router = qltt_web::router(state);
            let mut tokens = Vec::new();
            for who in OFFICERS {
                let password = if *who == "admin" {
                    ADMIN_PASSWORD
                } else {
                    qltt_app::bootstrap::demo::DEMO_PASSWORD
                };
                let body = serde_json::json!({"username": who, "password": password});
                let (status, bytes) = call(
                    &router,
                    request("POST", "/api/v1/session", None, body.to_string().into_bytes()),
                )
                .await;
                assert_eq!(status, StatusCode::OK, "sign-in of {who}");
                let v: Value = serde_json::from_slice(&bytes).expect("sign-in JSON");
                tokens.push(v["token"].as_str().expect("token").to_string());
            }
            let head = tokens[0].clone();
            let lists = [
                (Pool::Business as usize, "/api/v1/businesses?limit=20"),
                (Pool::Case as usize, "/api/v1/cases?limit=20"),
                (Pool::Exhibit as usize, "/api/v1/exhibits?limit=20"),
                (Pool::Warehouse as usize, "/api/v1/warehouses"),
                (Pool::Campaign as usize, "/api/v1/commitment-campaigns"),
                (Pool::OfficeDocument as usize, "/api/v1/office-documents"),
                (Pool::Unit as usize, "/api/v1/units"),
            ];
            let mut ids = Vec::new();
            for (pool, path) in lists {
                let (_, bytes) = call(&router, request("GET", path, Some(&head), Vec::new())).await;
                let mut found = Vec::new();
                if let Ok(v) = serde_json::from_slice::<Value>(&bytes) {
                    ids_in(&v, &mut found);
                }
                ids.push((pool, found));
            }
            // Documents: those of the first cases.
            let mut docs = Vec::new();
            for case in ids[1].1.iter().take(5) {
                let (_, bytes) = call(
                    &router,
                    request("GET", &format!("/api/v1/cases/{case}"), Some(&head), Vec::new()),
                )
                .await;
                if let Ok(v) = serde_json::from_slice::<Value>(&bytes) {
                    if let Some(list) = v.get("documents") {
                        ids_in(list, &mut docs);
                    }
                }
            }
            ids.push((Pool::Document as usize, docs));
            (router, tokens, ids)
        });
        World {
            rt,
            router,
            tokens,
            ids,
            _dir: dir,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let [route, who, body @ ..] = data else {
        return;
    };
    let w = world();
    let (method, template, pool, actions) = ROUTES[usize::from(*route) % ROUTES.len()];
    let token = &w.tokens[usize::from(who & 0x07) % w.tokens.len()];
    let pick = usize::from(who >> 3);
    let id = w
        .ids
        .iter()
        .find(|(p, _)| *p == pool as usize)
        .and_then(|(_, list)| (!list.is_empty()).then(|| list[pick % list.len()].clone()))
        .unwrap_or_else(|| "0195f0c0-0000-7000-8000-000000000000".into());
    let mut path = template.replace("{id}", &id);
    if !actions.is_empty() {
        path = path.replace("{action}", actions[pick % actions.len()]);
    }
    let req = request(method, &path, Some(token), body.to_vec());
    let (status, bytes) = w.rt.block_on(call(&w.router, req));
    assert!(
        !status.is_server_error(),
        "{method} {path} answered {status}: {}",
        String::from_utf8_lossy(&bytes)
    );
});
