//! The operator's commands, run as the real binary against SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

use qltt_testkit::{Backend, FreshDb, TestApp, on_both};

fn qltt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qltt"))
        .args(args)
        .env_remove("QLTT_DATABASE_URL")
        .env_remove("QLTT_DATA_DIR")
        .env("QLTT_LOG", "warn")
        .output()
        .expect("run qltt")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

async fn verify_exit(t: &TestApp) -> (i32, String) {
    let url = t.db.url.clone();
    let out = tokio::task::spawn_blocking(move || qltt(&["--database", &url, "audit", "verify"]))
        .await
        .unwrap();
    (out.status.code().unwrap_or(-1), text(&out))
}

async fn intact_chain_verifies(t: TestApp) {
    let (code, out) = verify_exit(&t).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("nguyên vẹn"), "{out}");
}
on_both!(audit_verify_passes_an_intact_chain, intact_chain_verifies);

async fn edited_event_is_caught(t: TestApp) {
    t.sql("UPDATE audit_events SET details = '{\"name\":\"sửa lén\"}' WHERE seq = 5")
        .await;
    let (code, out) = verify_exit(&t).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("#5"), "{out}");
}
on_both!(audit_verify_catches_an_edited_event, edited_event_is_caught);

async fn edited_actor_is_caught(t: TestApp) {
    // The details are intact but someone rewrote who did it.
    t.sql("UPDATE audit_events SET actor_id = 'someone-else' WHERE seq = 7")
        .await;
    let (code, out) = verify_exit(&t).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("#7"), "{out}");
}
on_both!(
    audit_verify_catches_a_rewritten_actor,
    edited_actor_is_caught
);

async fn deleted_event_is_caught(t: TestApp) {
    t.sql("DELETE FROM audit_events WHERE seq = 5").await;
    let (code, out) = verify_exit(&t).await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("#6"),
        "the event after the gap is named: {out}"
    );
}
on_both!(
    audit_verify_catches_a_deleted_event,
    deleted_event_is_caught
);

async fn reordered_events_are_caught(t: TestApp) {
    t.sql("UPDATE audit_events SET seq = -5 WHERE seq = 5")
        .await;
    t.sql("UPDATE audit_events SET seq = 5 WHERE seq = 6").await;
    t.sql("UPDATE audit_events SET seq = 6 WHERE seq = -5")
        .await;
    let (code, out) = verify_exit(&t).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("#5"), "{out}");
}
on_both!(
    audit_verify_catches_reordered_events,
    reordered_events_are_caught
);

async fn deleted_tail_is_caught(t: TestApp) {
    t.sql("DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)")
        .await;
    let (code, out) = verify_exit(&t).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("BỊ PHÁ VỠ"), "{out}");
}
on_both!(
    audit_verify_catches_deleted_last_events,
    deleted_tail_is_caught
);

async fn operator_creates_a_user(t: TestApp) {
    let url = t.db.url.clone();
    let out = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_qltt"))
            .args([
                "--database",
                &url,
                "user",
                "create",
                "--username",
                "qn.ksv9",
                "--unit",
                "qn-d2",
                "--role",
                "inspector",
                "--password-stdin",
            ])
            .env("QLTT_LOG", "warn")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"mat-khau-du-dai\n")
            .unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let r = t
        .http
        .post(t.url("/api/v1/session"))
        .json(&serde_json::json!({"username": "qn.ksv9", "password": "mat-khau-du-dai"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["user"]["unit_name"], "Đội Quản lý thị trường số 2");
    // Unknown unit and bad role are refused with exit code 1.
    let url = t.db.url.clone();
    let out = tokio::task::spawn_blocking(move || {
        qltt(&[
            "--database",
            &url,
            "user",
            "create",
            "--username",
            "x.y",
            "--unit",
            "NOPE",
            "--role",
            "inspector",
        ])
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}
on_both!(user_create_bootstraps_an_officer, operator_creates_a_user);

/// `qltt text status` tells the failures the job tries again by itself (and when) from those that
/// wait for a person.
async fn text_status_shows_the_automatic_retries(t: TestApp) {
    let qn = t.unit_id("QN").await;
    let (a, b) = ("a".repeat(64), "b".repeat(64));
    for sha in [&a, &b] {
        t.sql(&format!(
            "INSERT INTO blobs (sha256, size, content_type, unit_id, created_by, created_at) \
             VALUES ('{sha}', 10, 'application/pdf', '{qn}', 'test', '2026-03-05T01:00:00.000000Z')"
        ))
        .await;
    }
    t.sql(&format!(
        "INSERT INTO document_texts (sha256, content_type, state, pages_done, error_code, error, \
         attempts, auto_retries, next_attempt_at, queued_at, updated_at) VALUES \
         ('{a}', 'application/pdf', 'failed', 0, 'ocr.timeout', 'x', 1, 1, \
          '2026-03-05T02:01:00.000000Z', '2026-03-05T01:00:00.000000Z', '2026-03-05T02:00:00.000000Z'), \
         ('{b}', 'application/pdf', 'failed', 0, 'ocr.bad_file', 'x', 2, 0, NULL, \
          '2026-03-05T01:00:00.000000Z', '2026-03-05T02:00:00.000000Z')"
    ))
    .await;
    let url = t.db.url.clone();
    let out = tokio::task::spawn_blocking(move || qltt(&["--database", &url, "text", "status"]))
        .await
        .unwrap();
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    for line in [
        "lỗi, sẽ tự thử lại: 1",
        "lỗi, chờ người đọc lại: 1",
        "aaaaaaaaaaaa  ocr.timeout  đã đọc 1 lần  Thử lại lúc 05/03/2026 09:01 (lần tự động 1/3)",
        "bbbbbbbbbbbb  ocr.bad_file  đã đọc 2 lần  không tự thử lại",
    ] {
        assert!(said.contains(line), "missing {line:?} in\n{said}");
    }
}
on_both!(
    text_status_tells_automatic_retries_from_failures_left,
    text_status_shows_the_automatic_retries
);

#[test]
fn usage_errors_exit_with_2() {
    let out = qltt(&["no-such-command"]);
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test]
async fn migrate_creates_a_fresh_sqlite_database() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap().to_string();
    let out = tokio::task::spawn_blocking(move || qltt(&["--data-dir", &d, "migrate"]))
        .await
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(dir.path().join("qltt.db").exists());
}

/// Backup of a live SQLite data folder, restore into an empty one, and the restored copy verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_restores_into_an_empty_folder_and_verifies() {
    let src = tempfile::tempdir().unwrap();
    let dst = tempfile::tempdir().unwrap();
    let s = src.path().to_str().unwrap().to_string();
    let archive = src
        .path()
        .parent()
        .unwrap()
        .join(format!("qltt-{}.tar", uuid_like()));
    let a = archive.to_str().unwrap().to_string();
    // A data folder with demo data and a file in the blob store.
    let out = tokio::task::spawn_blocking({
        let s = s.clone();
        move || {
            std::fs::create_dir_all(format!("{s}/blobs/ab")).unwrap();
            std::fs::write(format!("{s}/blobs/ab/abcdef"), b"anh chup tang vat").unwrap();
            qltt(&["--data-dir", &s, "migrate"])
        }
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let app = TestAppOnDir::start(&s).await;
    let out = tokio::task::spawn_blocking({
        let (s, a) = (s.clone(), a.clone());
        move || qltt(&["--data-dir", &s, "backup", &a])
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    drop(app);
    let d = dst.path().join("restored");
    let d = d.to_str().unwrap().to_string();
    let out = tokio::task::spawn_blocking({
        let (d, a) = (d.clone(), a.clone());
        move || qltt(&["--data-dir", &d, "restore", &a])
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("nguyên vẹn"), "{}", text(&out));
    assert_eq!(
        std::fs::read(format!("{d}/blobs/ab/abcdef")).unwrap(),
        b"anh chup tang vat"
    );
    let out = tokio::task::spawn_blocking({
        let d = d.clone();
        move || qltt(&["--data-dir", &d, "audit", "verify"])
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    // Restoring again over the now non-empty folder is refused.
    let out = tokio::task::spawn_blocking(move || qltt(&["--data-dir", &d, "restore", &a]))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("Từ chối khôi phục"), "{}", text(&out));
    let _ = std::fs::remove_file(&archive);
}

/// A tampered archive is refused before anything is put in place.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_a_tampered_archive() {
    let src = tempfile::tempdir().unwrap();
    let s = src.path().to_str().unwrap().to_string();
    let archive = src.path().join("b.tar");
    let a = archive.to_str().unwrap().to_string();
    let out = tokio::task::spawn_blocking({
        let (s, a) = (s.clone(), a.clone());
        move || {
            let m = qltt(&["--data-dir", &s, "migrate"]);
            assert!(m.status.success(), "{}", text(&m));
            qltt(&["--data-dir", &s, "backup", &a])
        }
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    // Flip a byte near the end of the archive (inside the database file's data).
    let mut bytes = std::fs::read(&archive).unwrap();
    let pos = bytes.len() - 2048;
    bytes[pos] ^= 0xff;
    std::fs::write(&archive, bytes).unwrap();
    let dst = tempfile::tempdir().unwrap();
    let d = dst.path().join("r").to_str().unwrap().to_string();
    let out = tokio::task::spawn_blocking({
        let d = d.clone();
        move || qltt(&["--data-dir", &d, "restore", &a])
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!std::path::Path::new(&d).join("qltt.db").exists());
}

/// PostgreSQL is backed up with pg_dump; `restore` refuses a database that already holds data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_a_non_empty_postgres_database() {
    let Some(t) = TestApp::spawn(Backend::Postgres).await else {
        eprintln!("skipped: QLTT_TEST_DATABASE_URL not set");
        return;
    };
    let url = t.db.url.clone();
    let out = tokio::task::spawn_blocking(move || {
        qltt(&["--database", &url, "restore", "/nonexistent.tar"])
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("Từ chối khôi phục"), "{}", text(&out));
    // And backup points the operator to pg_dump instead of pretending.
    let url = t.db.url.clone();
    let out = tokio::task::spawn_blocking(move || {
        qltt(&["--database", &url, "backup", "/tmp/never.tar"])
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("pg_dump"), "{}", text(&out));
    let _ = FreshDb::new(Backend::Sqlite).await; // keep the import used on SQLite-only machines
}

fn uuid_like() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

/// Logs carry request IDs, methods, paths and statuses, and never a password, a token or a
/// citizen ID number from a query string.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_never_contain_secrets_or_id_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    let server =
        TestAppOnDir::start_with_log(dir.path().to_str().unwrap(), Some(&log), "debug,sqlx=trace")
            .await;
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{}", server.1);
    let r = client
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"username": "qn.ksv1", "password": "qltt-demo-2026"}))
        .send()
        .await
        .unwrap();
    let token = r.json::<serde_json::Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    client
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"username": "qn.ksv1", "password": "mat-khau-sai-bi-mat"}))
        .send()
        .await
        .unwrap();
    client
        .get(format!("{base}/api/v1/users?unit_id=012345678901"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    drop(server);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("request_id"),
        "access log lines carry the request id"
    );
    assert!(text.contains("/api/v1/session"));
    for secret in [
        "qltt-demo-2026",
        "mat-khau-sai-bi-mat",
        token.as_str(),
        &token[5..],
        "012345678901",
    ] {
        assert!(!text.contains(secret), "log leaks {secret}");
    }
}

/// A server process on a data folder (so the backup is taken while it runs).
struct TestAppOnDir(std::process::Child, u16);

impl TestAppOnDir {
    async fn start(dir: &str) -> TestAppOnDir {
        Self::start_with_log(dir, None, "warn").await
    }

    async fn start_with_log(
        dir: &str,
        log: Option<&std::path::Path>,
        filter: &str,
    ) -> TestAppOnDir {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_qltt"))
            .args([
                "--data-dir",
                dir,
                "serve",
                "--bind",
                &format!("127.0.0.1:{port}"),
            ])
            .env("QLTT_LOG", filter)
            .env("QLTT_ADMIN_PASSWORD", "admin-test-password")
            .stdout(std::process::Stdio::null())
            .stderr(match log {
                Some(path) => std::process::Stdio::from(std::fs::File::create(path).unwrap()),
                None => std::process::Stdio::null(),
            })
            .spawn()
            .unwrap();
        let client = reqwest::Client::new();
        for _ in 0..100 {
            if let Ok(r) = client
                .get(format!("http://127.0.0.1:{port}/healthz"))
                .send()
                .await
                && r.status() == 200
            {
                return TestAppOnDir(child, port);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("server did not start");
    }
}

impl Drop for TestAppOnDir {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn import_from_the_command_line(t: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("co-so.csv");
    std::fs::write(
        &file,
        "name,kind,tax_code,address,unit_code\nCông ty A,enterprise,0100233488,Số 1,QN-D1\nSai,enterprise,0100233480,Số 2,QN-D1\n",
    )
    .unwrap();
    let (url, path) = (t.db.url.clone(), file.to_str().unwrap().to_string());
    let out = tokio::task::spawn_blocking(move || {
        qltt(&["--database", &url, "import", "businesses", &path])
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a rejected row makes the exit code 1: {}",
        text(&out)
    );
    assert!(
        text(&out).contains("1 thêm mới") && text(&out).contains("dòng 3"),
        "{}",
        text(&out)
    );
    let head = t.login("qn.chicuctruong").await;
    let (_, found) = t.get(&head, "/api/v1/businesses?q=0100233488").await;
    assert_eq!(found["items"][0]["name"], "Công ty A");
}
on_both!(
    import_businesses_from_the_command_line,
    import_from_the_command_line
);

async fn edited_custody_event_is_caught(t: TestApp) {
    // A lot seized on a case caught in the act, then checked into a warehouse.
    let ksv = t.login("qn.ksv1").await;
    let head = t.login("qn.chicuctruong").await;
    let d1 = t.unit_id("QN-D1").await;
    let (_, c) = t
        .post(&ksv, "/api/v1/cases", serde_json::json!({"unit_id": d1, "origin": "caught_in_act", "summary": "Bắt quả tang"}))
        .await;
    let case = c["id"].as_str().unwrap().to_string();
    let (s, b) = t
        .post(
            &ksv,
            &format!("/api/v1/cases/{case}/actions/record_violation"),
            serde_json::json!({
                "recorded_at": "2026-03-05T01:30:00Z", "place": "Hạ Long",
                "offender": {"kind": "individual", "name": "Nguyễn Văn A"},
                "violations": [{"violation_type_id": "D98-15-1-e", "facts": "Hàng nhập lậu"}]
            }),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, lot) = t
        .post(&ksv, "/api/v1/exhibits", serde_json::json!({"case_id": case, "description": "Kem", "quantity": 10, "unit_of_measure": "hộp"}))
        .await;
    assert_eq!(s, 201, "{lot}");
    let (_, w) = t
        .post(&head, "/api/v1/warehouses", serde_json::json!({"unit_id": t.unit_id("QN").await, "code": "K1", "name": "Kho", "address": "Hạ Long"}))
        .await;
    let (s, b) = t
        .post(&head, &format!("/api/v1/exhibits/{}/moves", lot["id"].as_str().unwrap()), serde_json::json!({"kind": "check_in", "handed_over_by": "KSV", "received_by": "Thủ kho", "to": {"warehouse_id": w["id"]}}))
        .await;
    assert_eq!(s, 201, "{b}");
    let (code, out) = verify_exit(&t).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 lô, 2 sự kiện"), "{out}");
    // Someone rewrites who received the goods, behind the product's back.
    t.sql("UPDATE custody_events SET received_by = 'Người khác' WHERE kind = 'check_in'")
        .await;
    let (code, out) = verify_exit(&t).await;
    assert_eq!(code, 1, "{out}");
    let lot_no = lot["lot_no"].as_str().unwrap();
    assert!(out.contains(&format!("lô {lot_no}, sự kiện #2")), "{out}");
}
on_both!(
    audit_verify_walks_every_custody_chain,
    edited_custody_event_is_caught
);
