//! Test support: a real server on port 0 over a fresh database (a SQLite file in a temporary folder,
//! or a new PostgreSQL database when `QLTT_TEST_DATABASE_URL` is set), with a frozen clock, the
//! bootstrap admin and the demo organisation, plus an HTTP client that speaks the API.
//!
//! Every test that touches the store is written once and run on both databases with [`on_both!`].

// Test support: a failed setup step should stop the test loudly, so `expect` is the right tool here.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone, Utc};
use qltt_app::App;
use qltt_domain::Clock;
use qltt_store::Db;
use secrecy::SecretString;
use serde_json::Value;

pub use qltt_store::Backend;

pub const ADMIN_PASSWORD: &str = "admin-test-password";
pub const DEMO_PASSWORD: &str = qltt_app::bootstrap::demo::DEMO_PASSWORD;

/// A clock the test moves by hand.
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    pub fn advance(&self, by: Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += by;
        }
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map(|t| *t).unwrap_or_default()
    }
}

/// A fresh, empty database for one test; dropped (PostgreSQL) or deleted (SQLite) afterwards.
pub struct FreshDb {
    pub url: String,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl Drop for FreshDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg.take() {
            // Drop runs outside async; use a short-lived runtime on its own thread.
            let _ = std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    rt.block_on(async {
                        if let Ok(db) = Db::connect(&admin_url).await {
                            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                            let _ = sqlx::query(&sql).execute(db.pool()).await;
                            db.close().await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

/// The PostgreSQL server for tests, if configured. Under CI it is mandatory.
pub fn pg_admin_url() -> Option<String> {
    match std::env::var("QLTT_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!(
                    "CI=true but QLTT_TEST_DATABASE_URL is not set: PostgreSQL tests are mandatory in CI"
                );
            }
            None
        }
    }
}

impl FreshDb {
    pub async fn new(backend: Backend) -> Option<FreshDb> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().ok()?;
                let url = format!("sqlite://{}", dir.path().join("qltt.db").display());
                Some(FreshDb {
                    url,
                    backend,
                    _dir: Some(dir),
                    pg: None,
                })
            }
            Backend::Postgres => {
                let admin_url = pg_admin_url()?;
                let name = format!("qltt_t_{}", uuid::Uuid::now_v7().simple());
                let admin = Db::connect(&admin_url)
                    .await
                    .expect("connect to QLTT_TEST_DATABASE_URL");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(admin.pool())
                    .await
                    .expect("create test database");
                admin.close().await;
                let url = replace_db_name(&admin_url, &name);
                Some(FreshDb {
                    url,
                    backend,
                    _dir: None,
                    pg: Some((admin_url, name)),
                })
            }
        }
    }
}

/// postgres://user@host:port/db?x → same with another db.
fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..path_start], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// A running server with its own database.
pub struct TestApp {
    pub base: String,
    pub addr: SocketAddr,
    pub app: Arc<App>,
    pub clock: Arc<TestClock>,
    pub http: reqwest::Client,
    pub db: FreshDb,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TestApp {
    /// A server over a fresh database of `backend`, bootstrapped with demo data; `None` when the
    /// backend is PostgreSQL and no test server is configured (outside CI).
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        let db = FreshDb::new(backend).await?;
        let store = Db::open(&db.url).await.expect("open test database");
        let clock = Arc::new(TestClock(Mutex::new(
            Utc.with_ymd_and_hms(2026, 3, 5, 2, 0, 0)
                .single()
                .unwrap_or_default(),
        )));
        let app = App::new(store, clock.clone());
        app.bootstrap(Some(SecretString::from(ADMIN_PASSWORD)))
            .await
            .expect("bootstrap");
        app.load_demo().await.expect("demo data");
        let app = Arc::new(app);
        let state = qltt_web::AppState {
            app: app.clone(),
            secure_cookies: false,
            trust_forwarded: false,
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let router = qltt_web::router(state);
        let server = tokio::spawn(async move {
            let _ = axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await;
        });
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Some(TestApp {
            base: format!("http://{addr}"),
            addr,
            app,
            clock,
            http,
            db,
            server,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Signs in through the API and returns the bearer token.
    pub async fn login(&self, username: &str) -> String {
        let password = if username == "admin" {
            ADMIN_PASSWORD
        } else {
            DEMO_PASSWORD
        };
        let r = self
            .http
            .post(self.url("/api/v1/session"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .expect("login request");
        assert_eq!(r.status(), 200, "login of {username} failed");
        let body: Value = r.json().await.expect("login body");
        body["token"].as_str().expect("token").to_string()
    }

    pub async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET");
        split(r).await
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("POST");
        split(r).await
    }

    pub async fn patch(&self, token: &str, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .patch(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("PATCH");
        split(r).await
    }

    pub async fn put(&self, token: &str, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .put(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("PUT");
        split(r).await
    }

    pub async fn delete(&self, token: &str, path: &str) -> (u16, Value) {
        let r = self
            .http
            .delete(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("DELETE");
        split(r).await
    }

    /// The id of a unit by code (via the store, for test setup).
    pub async fn unit_id(&self, code: &str) -> String {
        qltt_store::units::get_by_code(self.app.db.pool(), code)
            .await
            .expect("query")
            .unwrap_or_else(|| panic!("no unit {code}"))
            .id
    }

    pub async fn user_id(&self, username: &str) -> String {
        qltt_store::users::get_by_username(self.app.db.pool(), username)
            .await
            .expect("query")
            .unwrap_or_else(|| panic!("no user {username}"))
            .id
    }

    /// Runs raw SQL against the test database (to tamper as an attacker with database access
    /// would, or to force a failure).
    pub async fn sql(&self, sql: &str) {
        sqlx::query(sql)
            .execute(self.app.db.pool())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    pub async fn count(&self, table: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(self.app.db.pool())
            .await
            .expect("count");
        n
    }

    /// Makes every INSERT into `table` fail, to prove that a use case failing half-way leaves
    /// nothing behind.
    pub async fn break_inserts_into(&self, table: &str) {
        match self.db.backend {
            Backend::Sqlite => {
                self.sql(&format!(
                    "CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'forced failure'); END"
                ))
                .await
            }
            Backend::Postgres => {
                self.sql(
                    "CREATE OR REPLACE FUNCTION qltt_forced_failure() RETURNS trigger AS $$ \
                     BEGIN RAISE EXCEPTION 'forced failure'; END $$ LANGUAGE plpgsql",
                )
                .await;
                self.sql(&format!(
                    "CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION qltt_forced_failure()"
                ))
                .await
            }
        }
    }
}

/// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
pub fn page_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The hidden `csrf` field of a page.
pub fn csrf_field(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    html.find(marker)
        .map(|i| &html[i + marker.len()..])
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string()
}

impl TestApp {
    /// Signs in through the sign-in page with `client` (which then holds the session cookie) and
    /// returns the CSRF token of the session.
    pub async fn page_login(&self, client: &reqwest::Client, username: &str) -> String {
        let html = client
            .get(self.url("/login"))
            .send()
            .await
            .expect("GET /login")
            .text()
            .await
            .expect("html");
        let csrf = csrf_field(&html);
        assert!(!csrf.is_empty(), "sign-in page without csrf field");
        let password = if username == "admin" {
            ADMIN_PASSWORD
        } else {
            DEMO_PASSWORD
        };
        let r = client
            .post(self.url("/login"))
            .form(&[
                ("username", username),
                ("password", password),
                ("csrf", &csrf),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("POST /login");
        assert_eq!(r.status(), 303, "page sign-in of {username} failed");
        let home = client
            .get(self.url("/"))
            .send()
            .await
            .expect("GET /")
            .text()
            .await
            .expect("html");
        csrf_field(&home)
    }
}

async fn split(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

/// Writes a test once and runs it on SQLite and on PostgreSQL:
/// `on_both!(name, case);` where `async fn case(t: TestApp)`.
#[macro_export]
macro_rules! on_both {
    ($name:ident, $case:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = $crate::TestApp::spawn($crate::Backend::Sqlite)
                    .await
                    .expect("sqlite test app");
                super::$case(t).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                match $crate::TestApp::spawn($crate::Backend::Postgres).await {
                    Some(t) => super::$case(t).await,
                    None => eprintln!("skipped: QLTT_TEST_DATABASE_URL not set"),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::replace_db_name;

    #[test]
    fn test_databases_replace_only_the_name() {
        assert_eq!(
            replace_db_name("postgres://postgres@127.0.0.1:5432/test", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            replace_db_name("postgres://u:p@h/test?sslmode=disable", "t1"),
            "postgres://u:p@h/t1?sslmode=disable"
        );
    }
}
