//! `Idempotency-Key`: a phone on a weak link resends "create this unit"; the retry gets the first
//! answer and nothing is created twice.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{Backend, TestApp, on_both};
use serde_json::{Value, json};

struct Answer {
    status: u16,
    body: Value,
    replayed: Option<String>,
}

async fn post_with_key(t: &TestApp, token: &str, path: &str, key: &str, body: &Value) -> Answer {
    let r = t
        .http
        .post(t.url(path))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let replayed = r
        .headers()
        .get("idempotent-replayed")
        .map(|v| v.to_str().unwrap().to_string());
    let text = r.text().await.unwrap();
    Answer {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
        replayed,
    }
}

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

async fn units_with_code(t: &TestApp, code: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM units WHERE code = $1")
        .bind(code)
        .fetch_one(t.app.db.pool())
        .await
        .unwrap();
    n
}

fn team(parent: &str, code: &str, name: &str) -> Value {
    json!({"name": name, "code": code, "kind": "team", "parent_id": parent})
}

async fn retried_creation_returns_the_first_unit(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let body = team(&qn, "QN-D8", "Đội QLTT số 8");
    let audit_before = t.count("audit_events").await;
    let first = post_with_key(&t, &admin, "/api/v1/units", "k1", &body).await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.replayed, None, "the first answer is not a replay");
    let id = first.body["id"].as_str().unwrap().to_string();
    let second = post_with_key(&t, &admin, "/api/v1/units", "k1", &body).await;
    assert_eq!(second.status, 201, "{}", second.body);
    assert_eq!(second.replayed.as_deref(), Some("true"));
    assert_eq!(second.body["id"], id.as_str());
    assert_eq!(second.body, first.body, "the replay is the first answer");
    // A third time, later: still the same answer.
    t.clock.advance(chrono::Duration::hours(1));
    let third = post_with_key(&t, &admin, "/api/v1/units", "k1", &body).await;
    assert_eq!((third.status, &third.body), (201, &first.body));
    assert_eq!(units_with_code(&t, "QN-D8").await, 1);
    assert_eq!(
        t.count("audit_events").await,
        audit_before + 1,
        "one unit, one audit event"
    );
    // Without a key the same body is a new request, refused as a duplicate code.
    let (s, b) = t.post(&admin, "/api/v1/units", body).await;
    assert_eq!((s, code(&b)), (409, "unit.code_taken"));
}
on_both!(
    a_retried_unit_creation_returns_the_first_unit_once,
    retried_creation_returns_the_first_unit
);

async fn same_key_other_body_conflicts(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let first = post_with_key(
        &t,
        &admin,
        "/api/v1/units",
        "k1",
        &team(&qn, "QN-D8", "Đội QLTT số 8"),
    )
    .await;
    assert_eq!(first.status, 201);
    let units = t.count("units").await;
    // Another unit under the same key.
    let other = post_with_key(
        &t,
        &admin,
        "/api/v1/units",
        "k1",
        &team(&qn, "QN-D9", "Đội QLTT số 9"),
    )
    .await;
    assert_eq!(
        (other.status, code(&other.body)),
        (409, "idempotency.key_reused")
    );
    assert_eq!(other.replayed, None);
    // Even a change of one character in the body.
    let nearly = post_with_key(
        &t,
        &admin,
        "/api/v1/units",
        "k1",
        &team(&qn, "QN-D8", "Đội QLTT số 8 "),
    )
    .await;
    assert_eq!(
        (nearly.status, code(&nearly.body)),
        (409, "idempotency.key_reused")
    );
    // The same key on another route.
    let officer = json!({"username": "qn.ksv8", "full_name": "Tám", "password": "mat-khau-du-dai-8",
                         "unit_id": qn, "roles": ["inspector"]});
    let elsewhere = post_with_key(&t, &admin, "/api/v1/users", "k1", &officer).await;
    assert_eq!(
        (elsewhere.status, code(&elsewhere.body)),
        (409, "idempotency.key_reused")
    );
    assert_eq!(t.count("units").await, units);
    assert_eq!(units_with_code(&t, "QN-D9").await, 0);
    assert_eq!(t.count("users WHERE username = 'qn.ksv8'").await, 0);
}
on_both!(
    the_same_key_with_another_body_is_409_key_reused,
    same_key_other_body_conflicts
);

async fn keys_belong_to_one_officer(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let body = team(&qn, "QN-D8", "Đội QLTT số 8");
    let first = post_with_key(&t, &admin, "/api/v1/units", "k1", &body).await;
    assert_eq!(first.status, 201);
    // The provincial administrator picks the same key for her own unit: a fresh run.
    let quantri = t.login("qn.quantri").await;
    let mine = post_with_key(
        &t,
        &quantri,
        "/api/v1/units",
        "k1",
        &team(&qn, "QN-D9", "Đội QLTT số 9"),
    )
    .await;
    assert_eq!(mine.status, 201, "{}", mine.body);
    assert_eq!(mine.replayed, None);
    assert_ne!(mine.body["id"], first.body["id"]);
    assert_eq!(mine.body["code"], "QN-D9");
    // With the very same key and body as the admin she does not get the admin's answer: her
    // request runs, and is refused as a duplicate code.
    let quantri2 = t.login("qn.quantri").await;
    let copy = post_with_key(&t, &quantri2, "/api/v1/units", "k-admin", &body).await;
    assert_eq!((copy.status, code(&copy.body)), (409, "unit.code_taken"));
    let again = post_with_key(&t, &quantri, "/api/v1/units", "k1", &body).await;
    assert_eq!(
        (again.status, code(&again.body)),
        (409, "idempotency.key_reused"),
        "her k1 is hers, with her body"
    );
    // An officer without the right gets her own refusal, not the admin's success.
    let inspector = t.login("qn.ksv1").await;
    let refused = post_with_key(&t, &inspector, "/api/v1/units", "k1", &body).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(refused.replayed, None);
    assert_eq!(units_with_code(&t, "QN-D8").await, 1);
    assert_eq!(units_with_code(&t, "QN-D9").await, 1);
}
on_both!(
    an_idempotency_key_belongs_to_one_officer,
    keys_belong_to_one_officer
);

async fn refused_request_is_replayed(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let bad = json!({"name": "Đội", "code": "QN-D7", "kind": "ministry", "parent_id": qn});
    let first = post_with_key(&t, &admin, "/api/v1/units", "k2", &bad).await;
    assert_eq!(
        (first.status, code(&first.body)),
        (400, "unit.invalid_kind")
    );
    assert_eq!(first.replayed, None);
    // The layer keeps every answer below 500: the same refusal comes back, marked as a replay.
    let second = post_with_key(&t, &admin, "/api/v1/units", "k2", &bad).await;
    assert_eq!(second.status, 400);
    assert_eq!(second.body, first.body);
    assert_eq!(second.replayed.as_deref(), Some("true"));
    // The refusal is bound to the key: the corrected body needs a new key.
    let fixed = json!({"name": "Đội", "code": "QN-D7", "kind": "team", "parent_id": qn});
    let same_key = post_with_key(&t, &admin, "/api/v1/units", "k2", &fixed).await;
    assert_eq!(
        (same_key.status, code(&same_key.body)),
        (409, "idempotency.key_reused")
    );
    assert_eq!(units_with_code(&t, "QN-D7").await, 0);
    let new_key = post_with_key(&t, &admin, "/api/v1/units", "k3", &fixed).await;
    assert_eq!(new_key.status, 201, "{}", new_key.body);
    assert_eq!(units_with_code(&t, "QN-D7").await, 1);
    // A malformed body is an answer below 500 too, and is replayed the same way.
    let r1 = t
        .http
        .post(t.url("/api/v1/units"))
        .bearer_auth(&admin)
        .header("idempotency-key", "k4")
        .header("content-type", "application/json")
        .body("{\"name\":")
        .send()
        .await
        .unwrap();
    assert_eq!(r1.status(), 400);
    let r2 = t
        .http
        .post(t.url("/api/v1/units"))
        .bearer_auth(&admin)
        .header("idempotency-key", "k4")
        .header("content-type", "application/json")
        .body("{\"name\":")
        .send()
        .await
        .unwrap();
    assert_eq!(r2.status(), 400);
    assert_eq!(r2.headers()["idempotent-replayed"], "true");
    let b: Value = r2.json().await.unwrap();
    assert_eq!(code(&b), "request.malformed_json");
}
on_both!(
    a_refused_request_with_a_key_is_replayed_as_the_same_400,
    refused_request_is_replayed
);

async fn five_at_once_create_one(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let body = team(&qn, "QN-D6", "Đội QLTT số 6");
    let audit_before = t.count("audit_events").await;
    let answers = futures_util::future::join_all(
        (0..5).map(|_| post_with_key(&t, &admin, "/api/v1/units", "k5", &body)),
    )
    .await;
    let created: Vec<&Answer> = answers.iter().filter(|a| a.status == 201).collect();
    assert!(!created.is_empty(), "none created");
    let id = created[0].body["id"].clone();
    for a in &answers {
        match a.status {
            201 => assert_eq!(a.body["id"], id, "two different units"),
            // Told to wait (a copy's answer was not stored yet), or which record it made.
            409 => assert!(
                matches!(
                    code(&a.body),
                    "idempotency.in_progress" | "idempotency.applied_without_answer"
                ),
                "{}",
                a.body
            ),
            s => panic!("unexpected {s}: {}", a.body),
        }
    }
    // Exactly one ran; the others were replays or told to wait.
    assert_eq!(
        answers
            .iter()
            .filter(|a| a.status == 201 && a.replayed.is_none())
            .count(),
        1
    );
    assert_eq!(units_with_code(&t, "QN-D6").await, 1);
    assert_eq!(t.count("audit_events").await, audit_before + 1);
    // Once the first has answered, a retry is a replay.
    let later = post_with_key(&t, &admin, "/api/v1/units", "k5", &body).await;
    assert_eq!((later.status, &later.body["id"]), (201, &id));
    assert_eq!(later.replayed.as_deref(), Some("true"));
}
on_both!(
    five_identical_requests_at_once_create_exactly_one_unit,
    five_at_once_create_one
);

async fn server_error_frees_the_key(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let body = team(&qn, "QN-D5", "Đội QLTT số 5");
    t.break_inserts_into("units").await;
    let crashed = post_with_key(&t, &admin, "/api/v1/units", "k6", &body).await;
    assert_eq!(
        (crashed.status, code(&crashed.body)),
        (500, "internal.error")
    );
    match t.db.backend {
        Backend::Sqlite => t.sql("DROP TRIGGER fail_units").await,
        Backend::Postgres => t.sql("DROP TRIGGER fail_units ON units").await,
    }
    // A crash is not an answer: the retry runs for real.
    let retry = post_with_key(&t, &admin, "/api/v1/units", "k6", &body).await;
    assert_eq!(retry.status, 201, "{}", retry.body);
    assert_eq!(retry.replayed, None);
    assert_eq!(units_with_code(&t, "QN-D5").await, 1);
}
on_both!(
    a_server_error_frees_the_key_for_a_real_retry,
    server_error_frees_the_key
);

/// Makes every insert into `units` take a few seconds.
async fn slow_down_unit_inserts(t: &TestApp) {
    match t.db.backend {
        Backend::Sqlite => {
            // No sleep in SQLite: the trigger counts a cross join of 10^8 rows instead.
            t.sql("CREATE TABLE slow_rows (x INTEGER)").await;
            t.sql(
                "INSERT INTO slow_rows WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100) SELECT x FROM c",
            )
            .await;
            t.sql(
                "CREATE TRIGGER slow_units BEFORE INSERT ON units BEGIN \
                 SELECT COUNT(*) FROM slow_rows a, slow_rows b, slow_rows c, slow_rows d; END",
            )
            .await
        }
        Backend::Postgres => {
            t.sql(
                "CREATE OR REPLACE FUNCTION qltt_slow() RETURNS trigger AS $$ \
                 BEGIN PERFORM pg_sleep(2); RETURN NEW; END $$ LANGUAGE plpgsql",
            )
            .await;
            t.sql(
                "CREATE TRIGGER slow_units BEFORE INSERT ON units FOR EACH ROW EXECUTE FUNCTION qltt_slow()",
            )
            .await
        }
    }
}

async fn retry_after_giving_up_gets_an_answer(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let body = team(&qn, "QN-D5", "Đội QLTT số 5");
    slow_down_unit_inserts(&t).await;
    // The phone gives up after a quarter of a second and closes the connection.
    let impatient = reqwest::Client::builder()
        .timeout(std::time::Duration::from_millis(250))
        .build()
        .unwrap();
    let r = impatient
        .post(t.url("/api/v1/units"))
        .bearer_auth(&admin)
        .header("idempotency-key", "k7")
        .json(&body)
        .send()
        .await;
    assert!(
        r.as_ref().is_err_and(|e| e.is_timeout()),
        "the insert was not slow enough to test this: {r:?}"
    );
    // Give the server time to finish the work (on a loaded CI machine the slow insert can take
    // much longer than its nominal 2 s, so wait for it rather than for a fixed time), then
    // restore normal speed.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while units_with_code(&t, "QN-D5").await == 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    match t.db.backend {
        Backend::Sqlite => t.sql("DROP TRIGGER slow_units").await,
        Backend::Postgres => t.sql("DROP TRIGGER slow_units ON units").await,
    }
    // Minutes later the phone has signal again and retries with the same key.
    t.clock.advance(chrono::Duration::minutes(5));
    // The key's answer is stored right after the change commits; a retry that comes just
    // before gets 409 in_progress and the phone tries again.
    let mut retry = post_with_key(&t, &admin, "/api/v1/units", "k7", &body).await;
    while retry.status == 409 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        retry = post_with_key(&t, &admin, "/api/v1/units", "k7", &body).await;
    }
    let created = units_with_code(&t, "QN-D5").await;
    assert_eq!(
        retry.status, 201,
        "a retry after the client gave up must get an answer, not {} {} ({created} unit created)",
        retry.status, retry.body
    );
    assert_eq!(created, 1);
}
on_both!(
    a_retry_after_the_phone_gave_up_gets_an_answer,
    retry_after_giving_up_gets_an_answer
);
