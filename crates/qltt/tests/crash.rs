//! Crash test (issue 10): the real server is killed with SIGKILL while 1,000 case actions sent
//! with idempotency keys are in flight; it is started again on the same database; every request
//! that got no answer is sent again with the same key; then every acknowledged action exists
//! exactly once, every action exists exactly once, and `qltt audit verify` passes. On SQLite and
//! on PostgreSQL.
//!
//! The actions: 800 new cases ("Tin báo" with a numbered summary) and 200 proposals on cases
//! opened beforehand. After the restart a retry gets the stored answer (replayed), runs afresh
//! (the kill came before its commit), or is told `idempotency.applied_without_answer` with the
//! record it made (the kill came between its commit and storing its answer).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use qltt_testkit::{Backend, FreshDb};
use serde_json::{Value, json};

const CREATES: usize = 800;
const PROPOSALS: usize = 200;
/// Requests in flight at once.
const CONCURRENCY: usize = 64;
/// The kill comes once this many actions have been answered.
const KILL_AFTER: usize = 300;

struct Server {
    child: Child,
    base: String,
}

impl Server {
    async fn start(db: &str, dir: &str) -> Server {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_qltt"))
            .args([
                "--database",
                db,
                "--data-dir",
                dir,
                "serve",
                "--bind",
                &format!("127.0.0.1:{port}"),
            ])
            .env("QLTT_LOG", "warn")
            .env("QLTT_ADMIN_PASSWORD", "admin-test-password")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        // The first start loads the demo data: give it time on a loaded machine.
        let deadline = Instant::now() + Duration::from_secs(180);
        while Instant::now() < deadline {
            if let Ok(r) = client.get(format!("{base}/healthz")).send().await
                && r.status() == 200
            {
                return Server { child, base };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("server did not start");
    }

    /// SIGKILL: no shutdown hook, no flush, no goodbye.
    fn kill9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Clone)]
struct Action {
    key: String,
    path: String,
    body: Value,
    /// What identifies the action's effect: the summary of a new case, or the proposed case.
    what: String,
    /// The record an action applied without an answer names (`case`, `directive`).
    entity: &'static str,
}

/// One attempt: the status and body, or `None` when no answer came (connection cut).
async fn send(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    a: &Action,
) -> Option<(u16, Value)> {
    let r = client
        .post(format!("{base}{}", a.path))
        .bearer_auth(token)
        .header("idempotency-key", &a.key)
        .json(&a.body)
        .send()
        .await
        .ok()?;
    let status = r.status().as_u16();
    let body = r.json::<Value>().await.ok()?;
    Some((status, body))
}

async fn login(client: &reqwest::Client, base: &str) -> String {
    login_as(client, base, "qn.ksv1", "qltt-demo-2026").await
}

async fn login_as(client: &reqwest::Client, base: &str, username: &str, password: &str) -> String {
    let r = client
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The effect of an answered action: the id of the case it created or proposed.
fn effect(a: &Action, status: u16, body: &Value) -> String {
    match status {
        200 | 201 => body["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{} answered {status} without id: {body}", a.key))
            .to_string(),
        409 if body["error"]["code"] == "idempotency.applied_without_answer" => {
            let d = &body["error"]["details"];
            assert_eq!(d["entity_type"], a.entity, "{body}");
            d["entity_id"].as_str().unwrap().to_string()
        }
        _ => panic!("{} ({}) answered {status}: {body}", a.key, a.what),
    }
}

async fn crash_and_recover(backend: Backend) {
    let Some(db) = FreshDb::new(backend).await else {
        eprintln!("skipped: QLTT_TEST_DATABASE_URL not set");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_string();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let mut server = Server::start(&db.url, &data).await;
    let base = server.base.clone();
    let token = login(&client, &base).await;
    let me: Value = client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let team = me["unit_id"].as_str().expect("unit of qn.ksv1").to_string();

    // Cases to propose, opened before the storm.
    let mut to_propose = Vec::new();
    for i in 0..PROPOSALS {
        let r = client
            .post(format!("{base}/api/v1/cases"))
            .bearer_auth(&token)
            .json(&json!({"unit_id": team, "origin": "tip", "summary": format!("Tin báo chờ đề xuất {i}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        to_propose.push(
            r.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let mut actions = Vec::new();
    for i in 0..CREATES {
        let summary = format!("Tin báo sự cố số {i}");
        actions.push(Action {
            key: format!("tao-{i}"),
            path: "/api/v1/cases".into(),
            body: json!({"unit_id": team, "origin": "tip", "summary": summary}),
            what: summary,
            entity: "case",
        });
        if i % 4 == 0 {
            let c = &to_propose[i / 4];
            actions.push(Action {
                key: format!("de-xuat-{}", i / 4),
                path: format!("/api/v1/cases/{c}/actions/propose"),
                body: json!({"content": "Đề xuất kiểm tra theo tin báo"}),
                what: c.clone(),
                entity: "case",
            });
        }
    }
    assert_eq!(actions.len(), CREATES + PROPOSALS);

    // The storm, and the kill in the middle of it.
    let first = storm(
        &client,
        &mut server,
        &token,
        &actions,
        CONCURRENCY,
        KILL_AFTER,
    )
    .await;
    let killed_at = first.iter().filter(|(_, o)| o.is_some()).count();
    let acknowledged: Vec<_> = first
        .iter()
        .filter_map(|(a, o)| o.as_ref().map(|(s, b)| (a, *s, b)))
        .collect();
    // No answer may be a server error, before or during the kill.
    for (a, s, b) in &acknowledged {
        assert!(*s < 500, "{} answered {s}: {b}", a.key);
    }
    let unanswered: Vec<&Action> = first
        .iter()
        .filter(|(_, o)| o.is_none())
        .map(|(a, _)| a)
        .collect();
    assert!(
        !unanswered.is_empty(),
        "the kill came after every answer ({killed_at} answered): nothing was tested"
    );

    // Restart on the same database and files; retry everything that got no answer.
    let server = Server::start(&db.url, &data).await;
    let base = server.base.clone();
    let mut effects: HashMap<String, String> = HashMap::new();
    let mut without_answer = 0;
    for (a, s, b) in &acknowledged {
        effects.insert(a.key.clone(), effect(a, *s, b));
    }
    for a in &unanswered {
        let (s, b) = retry(&client, &base, &token, a).await;
        if s == 409 {
            without_answer += 1;
        }
        effects.insert(a.key.clone(), effect(a, s, &b));
    }
    // A second retry of every action, answered or not, changes nothing either.
    for a in actions.iter().step_by(7) {
        let (s, b) = send(&client, &base, &token, a).await.unwrap();
        assert_eq!(
            effects[&a.key],
            effect(a, s, &b),
            "{} changed on retry",
            a.key
        );
    }

    // Exactly once: every new case once, with the id its answer gave; every proposal once.
    let store = qltt_store::Db::connect(&db.url).await.unwrap();
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, summary FROM cases WHERE summary LIKE 'Tin báo sự cố số %'")
            .fetch_all(store.pool())
            .await
            .unwrap();
    let mut by_summary: HashMap<String, Vec<String>> = HashMap::new();
    for (id, summary) in rows {
        by_summary.entry(summary).or_default().push(id);
    }
    assert_eq!(by_summary.len(), CREATES, "some cases are missing");
    for a in actions.iter().filter(|a| a.key.starts_with("tao-")) {
        let ids = &by_summary[&a.what];
        assert_eq!(ids.len(), 1, "{} exists {} times", a.what, ids.len());
        assert_eq!(
            ids[0], effects[&a.key],
            "{}: answer names another case",
            a.key
        );
    }
    for a in actions.iter().filter(|a| a.key.starts_with("de-xuat-")) {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM audit_events WHERE entity_id = $1 AND action = 'case.act' \
             AND details LIKE '%\"action\":\"propose\"%'",
        )
        .bind(&a.what)
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(n, 1, "case {} proposed {n} times", a.what);
        assert_eq!(effects[&a.key], a.what);
    }
    store.close().await;
    drop(server);

    audit_verify(&db.url, &data);
    eprintln!(
        "{backend:?}: killed after {killed_at} answers; {} unanswered retried ({without_answer} \
         applied before the kill without an answer); {} actions exactly once",
        unanswered.len(),
        actions.len()
    );
}

/// Sends an action again until the restarted server answers (it may still be starting).
async fn retry(client: &reqwest::Client, base: &str, token: &str, a: &Action) -> (u16, Value) {
    for _ in 0..20 {
        if let Some(out) = send(client, base, token, a).await {
            return out;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{} never answered after restart", a.key)
}

/// `qltt audit verify` on the database and files the server used: the chain must be intact.
fn audit_verify(db: &str, data: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_qltt"))
        .args(["--database", db, "--data-dir", data, "audit", "verify"])
        .env("QLTT_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "audit verify after the crash: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Sends `actions` with at most `concurrency` in flight, kills the server once `kill_after` are
/// answered, and returns each action with its answer (`None`: the kill cut it off).
async fn storm(
    client: &reqwest::Client,
    server: &mut Server,
    token: &str,
    actions: &[Action],
    concurrency: usize,
    kill_after: usize,
) -> Vec<(Action, Option<(u16, Value)>)> {
    let answered = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let mut tasks = Vec::new();
    for a in actions.iter().cloned() {
        let (client, base, token) = (client.clone(), server.base.clone(), token.to_string());
        let (answered, gate) = (answered.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await.unwrap();
            let out = send(&client, &base, &token, &a).await;
            if out.is_some() {
                answered.fetch_add(1, Ordering::SeqCst);
            }
            (a, out)
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(300);
    while answered.load(Ordering::SeqCst) < kill_after && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.kill9();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// Directives under a kill (issue 9: "exactly-once under retries and restarts"): 40 directives to
/// the whole force, 8 in flight, the server killed after 10 answers and restarted; every one that
/// got no answer is sent again with its key. Then each directive exists once, reached every active
/// unit exactly once, and the audit chain is intact.
async fn directives_crash_and_recover(backend: Backend) {
    const DIRECTIVES: usize = 40;
    let Some(db) = FreshDb::new(backend).await else {
        eprintln!("skipped: QLTT_TEST_DATABASE_URL not set");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_string();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let mut server = Server::start(&db.url, &data).await;
    let token = login_as(&client, &server.base, "admin", "admin-test-password").await;
    let me: Value = client
        .get(format!("{}/api/v1/me", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let root = me["unit_id"].as_str().expect("admin's unit").to_string();
    let actions: Vec<Action> = (0..DIRECTIVES)
        .map(|i| {
            let summary = format!("Chỉ đạo kiểm tra hàng giả đợt {i}");
            Action {
                key: format!("chi-dao-{i}"),
                path: "/api/v1/directives".into(),
                body: json!({"root_unit_id": root, "summary": summary, "issuer_abbr": "QLTT",
                    "message": "Các đơn vị triển khai ngay và báo cáo kết quả.", "signer": "Cục trưởng",
                    "urgency": "flash"}),
                what: summary,
                entity: "directive",
            }
        })
        .collect();
    let first = storm(&client, &mut server, &token, &actions, 8, 10).await;
    for (a, o) in &first {
        if let Some((s, b)) = o {
            assert!(*s < 500, "{} answered {s}: {b}", a.key);
        }
    }
    let unanswered: Vec<&Action> = first
        .iter()
        .filter(|(_, o)| o.is_none())
        .map(|(a, _)| a)
        .collect();
    assert!(!unanswered.is_empty(), "the kill came after every answer");

    let server = Server::start(&db.url, &data).await;
    let mut effects: HashMap<String, String> = HashMap::new();
    for (a, o) in &first {
        if let Some((s, b)) = o {
            effects.insert(a.key.clone(), effect(a, *s, b));
        }
    }
    for a in &unanswered {
        let (s, b) = retry(&client, &server.base, &token, a).await;
        effects.insert(a.key.clone(), effect(a, s, &b));
    }

    let store = qltt_store::Db::connect(&db.url).await.unwrap();
    let (active,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM units WHERE valid_to IS NULL")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT d.id, o.summary, (SELECT COUNT(*) FROM directive_recipients r WHERE r.directive_id = d.id) \
         FROM directives d JOIN office_documents o ON o.id = d.document_id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(rows.len(), DIRECTIVES, "directives: {rows:?}");
    for a in &actions {
        let mine: Vec<_> = rows.iter().filter(|(_, s, _)| *s == a.what).collect();
        assert_eq!(mine.len(), 1, "{} exists {} times", a.what, mine.len());
        assert_eq!(
            mine[0].0, effects[&a.key],
            "{}: answer names another directive",
            a.key
        );
        assert_eq!(
            mine[0].2, active,
            "{}: reached {} of {active} units",
            a.what, mine[0].2
        );
    }
    let (dupes,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM (SELECT directive_id, unit_id FROM directive_recipients \
         GROUP BY directive_id, unit_id HAVING COUNT(*) > 1) x",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(dupes, 0);
    store.close().await;
    drop(server);
    audit_verify(&db.url, &data);
    eprintln!(
        "{backend:?}: {} of {DIRECTIVES} directives unanswered at the kill and retried; each once, \
         to all {active} units",
        unanswered.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_directives_to_the_whole_force_sqlite() {
    directives_crash_and_recover(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_directives_to_the_whole_force_postgres() {
    directives_crash_and_recover(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_1000_case_actions_sqlite() {
    crash_and_recover(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_1000_case_actions_postgres() {
    crash_and_recover(Backend::Postgres).await;
}
