//! Periodic reports (issue 9, part 5): the province head asks three teams for a weekly report
//! pre-filled with the INS figures; one team sends it on time, one late, one never, and the board
//! shows exactly that; the pre-filled figures are the reports summary of the team and week; a
//! retried sending (same Idempotency-Key) makes one submission; a return and a corrected version
//! keep the history; the team that has not sent it finds it in its home queue; an officer of
//! another province sees and touches nothing, and no one sends for a unit outside their scope.
//! Both databases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both, page_client};
use serde_json::{Value, json};

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

async fn scalar(t: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(t.app.db.pool())
        .await
        .unwrap();
    n
}

/// An inspector of `unit` (the demo has officers in QN-D1 only among the teams).
async fn officer(t: &TestApp, username: &str, unit: &str) -> String {
    let admin = t.login("admin").await;
    let (s, b) = t
        .post(
            &admin,
            "/api/v1/users",
            json!({"username": username, "full_name": "Cán Bộ Đội", "password": qltt_testkit::DEMO_PASSWORD,
                   "unit_id": t.unit_id(unit).await, "roles": ["inspector"]}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    t.login(username).await
}

/// A case of QN-D1 with a violation recorded on 05/03/2026 (week 10): figures to pre-fill.
async fn violation_in_d1(t: &TestApp) {
    let admin = t.login("admin").await;
    let d1 = t.unit_id("QN-D1").await;
    let (s, b) = t
        .post(
            &admin,
            "/api/v1/businesses",
            json!({"name": "Cửa hàng mỹ phẩm Hạ Long", "kind": "household", "address": "Phố 1", "unit_id": d1}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let (s, c) = t
        .post(
            &admin,
            "/api/v1/cases",
            json!({"business_id": b["id"], "unit_id": d1, "origin": "caught_in_act", "summary": "Bắt quả tang"}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let (s, b) = t
        .post(
            &admin,
            &format!("/api/v1/cases/{}/actions/record_violation", c["id"].as_str().unwrap()),
            json!({
                "recorded_at": "2026-03-05T01:30:00Z",
                "place": "Chợ Hạ Long",
                "offender": {"kind": "individual", "name": "Nguyễn Văn A", "id_number": "022080000123", "address": "Phố 1"},
                "violations": [{"violation_type_id": "D98-15-1-e", "facts": "Bày bán hàng nhập lậu"}]
            }),
        )
        .await;
    assert_eq!(s, 200, "{b}");
}

async fn define_weekly(t: &TestApp, head: &str) -> Value {
    let recipients = vec![
        t.unit_id("QN-D1").await,
        t.unit_id("QN-D2").await,
        t.unit_id("QN-D3").await,
    ];
    let (s, r) = t
        .post(
            head,
            "/api/v1/periodic-reports",
            json!({"title": "Báo cáo tuần kết quả kiểm tra", "recurrence": "weekly",
                   "deadline_days": 1, "prefill": true, "recipients": recipients,
                   "starts_on": "2026-03-02"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    r
}

async fn submit(t: &TestApp, token: &str, id: &str, body: Value) -> (u16, Value) {
    t.post(
        token,
        &format!("/api/v1/periodic-reports/{id}/submissions"),
        body,
    )
    .await
}

async fn review(t: &TestApp, token: &str, sub: &str, action: &str, body: Value) -> (u16, Value) {
    t.post(
        token,
        &format!("/api/v1/periodic-reports/submissions/{sub}/actions/{action}"),
        body,
    )
    .await
}

async fn on_time_late_never(t: TestApp) {
    violation_in_d1(&t).await;
    let head = t.login("qn.chicuctruong").await;
    let ksv = t.login("qn.ksv1").await;
    officer(&t, "qn.d2.ksv", "QN-D2").await;
    let d3 = officer(&t, "qn.d3.ksv", "QN-D3").await;
    // Only leaders define, for units below them, with a sane deadline.
    let body =
        json!({"title": "Báo cáo", "recurrence": "weekly", "deadline_days": 1, "prefill": true});
    let (s, b) = t.post(&ksv, "/api/v1/periodic-reports", body.clone()).await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"), "{b}");
    let mut bad = body.clone();
    bad["deadline_days"] = json!(61);
    let (s, b) = t.post(&head, "/api/v1/periodic-reports", bad).await;
    assert_eq!(
        (s, code(&b)),
        (400, "periodic_report.invalid_deadline"),
        "{b}"
    );
    let mut bad = body.clone();
    bad["recurrence"] = json!("daily");
    let (s, b) = t.post(&head, "/api/v1/periodic-reports", bad).await;
    assert_eq!(
        (s, code(&b)),
        (400, "periodic_report.invalid_recurrence"),
        "{b}"
    );

    let r = define_weekly(&t, &head).await;
    let id = r["id"].as_str().unwrap().to_string();
    assert_eq!(r["recipients"].as_array().unwrap().len(), 3);
    // The INS figures are the form's fields; today (Thursday 05/03) is in week 10, due Monday.
    assert_eq!(r["fields"][0]["key"], "cases_inspected");
    assert_eq!(r["current_period"]["key"], "2026-W10");
    assert_eq!(r["current_period"]["label"], "Tuần 10/2026");
    assert_eq!(r["current_period"]["deadline"], "2026-03-09");

    // Pre-filled figures are the summary's totals for the team and the week.
    let (s, pre) = t
        .get(
            &ksv,
            &format!("/api/v1/periodic-reports/{id}/prefill?period=2026-W10"),
        )
        .await;
    assert_eq!(s, 200, "{pre}");
    let (s, sum) = t
        .get(
            &head,
            &format!(
                "/api/v1/reports/summary?from=2026-03-02&to=2026-03-08&unit={}",
                t.unit_id("QN-D1").await
            ),
        )
        .await;
    assert_eq!(s, 200, "{sum}");
    let figures = pre["figures"].as_object().unwrap();
    assert_eq!(figures.len(), r["fields"].as_array().unwrap().len());
    for (k, v) in figures {
        assert_eq!(v, &sum["totals"][k], "{k}: {pre} vs {sum}");
    }
    assert!(
        pre["figures"]["cases_with_violations"].as_i64().unwrap() >= 1,
        "{pre}"
    );
    assert!(pre["figures"]["violations"].as_i64().unwrap() >= 1, "{pre}");
    // The same for another team (nothing there) differs.
    let (_, pre3) = t
        .get(
            &d3,
            &format!("/api/v1/periodic-reports/{id}/prefill?period=2026-W10"),
        )
        .await;
    assert_eq!(pre3["figures"]["violations"], 0, "{pre3}");

    // Team 1 sends on time; the answer is lost and the request retried with its key: one row.
    let mut send = json!({"period": "2026-W10", "figures": pre["figures"], "note": "Tuần ổn định"});
    let (s, b) = submit(&t, &ksv, &id, json!({"period": "2026-W10", "figures": {}})).await;
    assert_eq!(
        (s, code(&b)),
        (400, "periodic_report.invalid_figures"),
        "{b}"
    );
    let (s, b) = submit(
        &t,
        &ksv,
        &id,
        json!({"period": "2026-W12", "figures": pre["figures"]}),
    )
    .await;
    assert_eq!(
        (s, code(&b)),
        (422, "periodic_report.period_not_started"),
        "{b}"
    );
    let (s, b) = submit(
        &t,
        &ksv,
        &id,
        json!({"period": "2026-03", "figures": pre["figures"]}),
    )
    .await;
    assert_eq!(
        (s, code(&b)),
        (400, "periodic_report.invalid_period"),
        "{b}"
    );
    let post = || {
        t.http
            .post(t.url(&format!("/api/v1/periodic-reports/{id}/submissions")))
            .bearer_auth(&ksv)
            .header("Idempotency-Key", "bao-cao-tuan-10-doi-1")
            .json(&send)
            .send()
    };
    let resp = post().await.unwrap();
    assert_eq!(resp.status(), 201);
    let first: Value = resp.json().await.unwrap();
    for _ in 0..2 {
        let resp = post().await.unwrap();
        assert_eq!(resp.status(), 201);
        assert_eq!(resp.headers()["idempotent-replayed"], "true");
        let again: Value = resp.json().await.unwrap();
        assert_eq!(again["id"], first["id"]);
    }
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM periodic_report_submissions").await,
        1
    );
    assert_eq!(
        (first["state"].as_str(), first["status"].as_str()),
        (Some("submitted"), Some("on_time"))
    );
    // Sent again without the key: the unit's report of the week exists already.
    let (s, b) = submit(&t, &ksv, &id, send.clone()).await;
    assert_eq!(
        (s, code(&b)),
        (409, "periodic_report.invalid_transition"),
        "{b}"
    );

    // Tuesday 10/03: team 2 sends late; team 3 never does.
    t.clock.advance(chrono::Duration::days(5));
    // Sign-ins last 12 hours.
    let (head, ksv, d2, d3) = (
        t.login("qn.chicuctruong").await,
        t.login("qn.ksv1").await,
        t.login("qn.d2.ksv").await,
        t.login("qn.d3.ksv").await,
    );
    send["figures"] = pre3["figures"].clone();
    let (s, late) = submit(&t, &d2, &id, send.clone()).await;
    assert_eq!((s, late["status"].as_str()), (201, Some("late")), "{late}");
    let late_id = late["id"].as_str().unwrap().to_string();

    let (s, board) = t
        .get(
            &head,
            &format!("/api/v1/periodic-reports/{id}/board?period=2026-W10"),
        )
        .await;
    assert_eq!(s, 200, "{board}");
    let mut seen: Vec<(String, String)> = board["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["unit_id"].as_str().unwrap().to_string(),
                l["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    seen.sort();
    let mut want = vec![
        (t.unit_id("QN-D1").await, "on_time".to_string()),
        (t.unit_id("QN-D2").await, "late".to_string()),
        (t.unit_id("QN-D3").await, "overdue".to_string()),
    ];
    want.sort();
    assert_eq!(seen, want, "{board}");
    assert_eq!(
        (
            board["on_time"].as_i64(),
            board["late"].as_i64(),
            board["overdue"].as_i64(),
            board["pending"].as_i64()
        ),
        (Some(1), Some(1), Some(1), Some(0))
    );
    // The default board is the week just ended; week 11 is still running: all pending.
    let (_, w11) = t
        .get(
            &head,
            &format!("/api/v1/periodic-reports/{id}/board?period=2026-W11"),
        )
        .await;
    assert_eq!(w11["pending"], 3, "{w11}");
    let (_, default) = t
        .get(&head, &format!("/api/v1/periodic-reports/{id}/board"))
        .await;
    assert_eq!(default["period"]["key"], "2026-W10");
    // A team sees its own line only.
    let (_, own) = t
        .get(
            &ksv,
            &format!("/api/v1/periodic-reports/{id}/board?period=2026-W10"),
        )
        .await;
    assert_eq!(own["lines"].as_array().unwrap().len(), 1, "{own}");
    assert_eq!(own["lines"][0]["status"], "on_time");

    // Team 3 has it in its home queue, overdue; team 1 does not.
    let (_, q) = t.get(&d3, "/api/v1/queues").await;
    let due = q["periodic_reports_due"].as_array().unwrap();
    assert!(
        due.iter().any(|d| d["report_id"] == id.as_str()
            && d["period_key"] == "2026-W10"
            && d["overdue"] == true),
        "{q}"
    );
    let (_, q) = t.get(&ksv, "/api/v1/queues").await;
    assert!(
        !q["periodic_reports_due"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["period_key"] == "2026-W10"),
        "{q}"
    );

    // The head returns team 2's report; the team corrects it; the head accepts it.
    // The sending team's officer does not review; another team does not even see it.
    let (s, b) = review(&t, &d2, &late_id, "accept", json!({})).await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"), "{b}");
    let (s, b) = review(&t, &ksv, &late_id, "accept", json!({})).await;
    assert_eq!(
        (s, code(&b)),
        (404, "periodic_report.submission_not_found"),
        "{b}"
    );
    let (s, b) = review(&t, &head, &late_id, "return", json!({})).await;
    assert_eq!((s, code(&b)), (400, "validation.required"), "{b}");
    let (s, b) = review(&t, &head, &late_id, "archive", json!({})).await;
    assert_eq!(
        (s, code(&b)),
        (404, "periodic_report.unknown_action"),
        "{b}"
    );
    let (s, b) = review(
        &t,
        &head,
        &late_id,
        "return",
        json!({"note": "Thiếu số vụ kiểm tra"}),
    )
    .await;
    assert_eq!((s, b["state"].as_str()), (200, Some("returned")), "{b}");
    let (_, q) = t.get(&d2, "/api/v1/queues").await;
    assert!(
        q["periodic_reports_due"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["returned"] == true),
        "{q}"
    );
    send["figures"]["cases_inspected"] = json!(4);
    let (s, b) = submit(&t, &d2, &id, send.clone()).await;
    assert_eq!(
        (s, b["state"].as_str(), b["version"].as_i64()),
        (200, Some("resubmitted"), Some(2)),
        "{b}"
    );
    // Judged on the first sending: still late, not "on time" for the correction.
    assert_eq!(b["status"], "late");
    let (s, b) = review(&t, &head, &late_id, "accept", json!({"note": "Đạt"})).await;
    assert_eq!((s, b["state"].as_str()), (200, Some("accepted")), "{b}");
    let (s, b) = submit(&t, &d2, &id, send.clone()).await;
    assert_eq!(
        (s, code(&b)),
        (409, "periodic_report.invalid_transition"),
        "{b}"
    );
    let (s, b) = review(&t, &head, &late_id, "return", json!({"note": "x"})).await;
    assert_eq!(
        (s, code(&b)),
        (409, "periodic_report.invalid_transition"),
        "{b}"
    );
    // The history keeps both versions and both reviews.
    let (s, h) = t
        .get(
            &d2,
            &format!("/api/v1/periodic-reports/submissions/{late_id}"),
        )
        .await;
    assert_eq!(s, 200, "{h}");
    let steps: Vec<(String, i64)> = h["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_string(),
                e["version"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("submit".to_string(), 1),
            ("return".to_string(), 1),
            ("submit".to_string(), 2),
            ("accept".to_string(), 2)
        ]
    );
    assert_eq!(
        h["events"][0]["figures"]["cases_inspected"],
        pre3["figures"]["cases_inspected"]
    );
    assert_eq!(h["events"][2]["figures"]["cases_inspected"], 4);
    assert_eq!(h["figures"]["cases_inspected"], 4);
    assert_eq!(
        scalar(
            &t,
            &format!("SELECT COUNT(*) FROM audit_events WHERE entity_type = 'periodic_report_submission' AND entity_id = '{late_id}'")
        )
        .await,
        4
    );
    // The board did not change: team 2 is still late, team 3 still overdue.
    let (_, board) = t
        .get(
            &head,
            &format!("/api/v1/periodic-reports/{id}/board?period=2026-W10"),
        )
        .await;
    assert_eq!(
        (
            board["on_time"].as_i64(),
            board["late"].as_i64(),
            board["overdue"].as_i64()
        ),
        (Some(1), Some(1), Some(1))
    );

    // The pages: the board on the head's phone, and team 3 sending week 11 through the form.
    let page = page_client();
    t.page_login(&page, "qn.chicuctruong").await;
    let html = page
        .get(t.url(&format!("/periodic-reports/{id}?period=2026-W10")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for want in [
        "Tuần 10/2026",
        "Nộp đúng hạn",
        "Nộp muộn",
        "Quá hạn, chưa nộp",
        "Đội Quản lý thị trường số 3",
    ] {
        assert!(html.contains(want), "{want}: {html}");
    }
    let home = page
        .get(t.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("Báo cáo định kỳ phải nộp"), "{home}");
    let page3 = page_client();
    let csrf = t.page_login(&page3, "qn.d3.ksv").await;
    let form = page3
        .get(t.url(&format!("/periodic-reports/{id}?period=2026-W11")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        form.contains("Nộp báo cáo") && form.contains("name=\"f_cases_inspected\""),
        "{form}"
    );
    let mut parts: Vec<(String, String)> = vec![
        ("csrf".into(), csrf),
        ("period".into(), "2026-W11".into()),
        ("unit_id".into(), t.unit_id("QN-D3").await),
        ("note".into(), "Gửi qua trang".into()),
    ];
    for f in r["fields"].as_array().unwrap() {
        parts.push((format!("f_{}", f["key"].as_str().unwrap()), "0".into()));
    }
    const BOUNDARY: &str = "----qlttPeriodicBoundary";
    let mut body = String::new();
    for (k, v) in &parts {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bao-cao.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n% tuan 11\ntrailer<<>>\n%%EOF\n\r\n--{BOUNDARY}--\r\n"
    ));
    let resp = page3
        .post(t.url(&format!("/periodic-reports/{id}")))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303, "{}", resp.text().await.unwrap());
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("/periodic-reports/submissions/"),
        "{location}"
    );
    let (_, w11) = t
        .get(
            &head,
            &format!("/api/v1/periodic-reports/{id}/board?period=2026-W11"),
        )
        .await;
    let d3_unit = t.unit_id("QN-D3").await;
    let line = w11["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["unit_id"] == d3_unit.as_str())
        .unwrap()
        .clone();
    assert_eq!(line["status"], "on_time", "{w11}");
    let sub_id = line["submission_id"].as_str().unwrap();
    let (_, sub) = t
        .get(
            &head,
            &format!("/api/v1/periodic-reports/submissions/{sub_id}"),
        )
        .await;
    let sha = sub["file_sha256"].as_str().unwrap();
    // The team's file opens for the head above it.
    assert_eq!(t.get(&head, &format!("/api/v1/files/{sha}")).await.0, 200);
    let html = page
        .get(t.url(&format!("/periodic-reports/submissions/{sub_id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Gửi qua trang") && html.contains("Chấp nhận"),
        "{html}"
    );
}
on_both!(
    a_board_shows_who_sent_on_time_late_or_never,
    on_time_late_never
);

async fn other_scopes_see_nothing(t: TestApp) {
    let head = t.login("qn.chicuctruong").await;
    let ksv = t.login("qn.ksv1").await;
    let r = define_weekly(&t, &head).await;
    let id = r["id"].as_str().unwrap().to_string();
    let (s, pre) = t
        .get(
            &ksv,
            &format!("/api/v1/periodic-reports/{id}/prefill?period=2026-W10"),
        )
        .await;
    assert_eq!(s, 200, "{pre}");
    let (s, sub) = submit(
        &t,
        &ksv,
        &id,
        json!({"period": "2026-W10", "figures": pre["figures"]}),
    )
    .await;
    assert_eq!(s, 201, "{sub}");
    let sub_id = sub["id"].as_str().unwrap().to_string();
    // Not for another unit of the report outside one's scope, nor for a unit it does not target.
    let (s, b) = submit(
        &t,
        &ksv,
        &id,
        json!({"period": "2026-W10", "unit_id": t.unit_id("QN-D2").await, "figures": pre["figures"]}),
    )
    .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"), "{b}");
    let (s, b) = submit(
        &t,
        &head,
        &id,
        json!({"period": "2026-W10", "unit_id": t.unit_id("QN-D4").await, "figures": pre["figures"]}),
    )
    .await;
    assert_eq!((s, code(&b)), (400, "periodic_report.not_recipient"), "{b}");
    // A leader does not ask a unit of another province.
    let (s, b) = t
        .post(
            &head,
            "/api/v1/periodic-reports",
            json!({"title": "Báo cáo", "recurrence": "monthly", "deadline_days": 3, "kind": "file",
                   "recipients": [t.unit_id("BN-D1").await]}),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"), "{b}");

    // Another province's officers and leaders: 404 everywhere, nothing in their lists.
    for user in ["bn.chicuctruong", "bn.ksv1"] {
        let token = t.login(user).await;
        for path in [
            format!("/api/v1/periodic-reports/{id}"),
            format!("/api/v1/periodic-reports/{id}/board?period=2026-W10"),
            format!("/api/v1/periodic-reports/{id}/prefill?period=2026-W10"),
            format!("/api/v1/periodic-reports/submissions/{sub_id}"),
        ] {
            let (s, b) = t.get(&token, &path).await;
            assert_eq!(s, 404, "{user} {path}: {b}");
        }
        let (_, list) = t.get(&token, "/api/v1/periodic-reports").await;
        assert_eq!(list["items"], json!([]), "{user}");
        let (s, b) = submit(
            &t,
            &token,
            &id,
            json!({"period": "2026-W10", "unit_id": t.unit_id("BN-D1").await, "figures": pre["figures"]}),
        )
        .await;
        assert_eq!(
            (s, code(&b)),
            (404, "periodic_report.not_found"),
            "{user}: {b}"
        );
        let (s, b) = review(&t, &token, &sub_id, "return", json!({"note": "Sai"})).await;
        assert_eq!(
            (s, code(&b)),
            (404, "periodic_report.submission_not_found"),
            "{user}: {b}"
        );
        let (_, q) = t.get(&token, "/api/v1/queues").await;
        assert_eq!(q["periodic_reports_due"], json!([]), "{user}");
    }
    let bn = page_client();
    t.page_login(&bn, "bn.chicuctruong").await;
    for path in [
        format!("/periodic-reports/{id}"),
        format!("/periodic-reports/submissions/{sub_id}"),
    ] {
        let r = bn.get(t.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    // Within the province: the island work group (a target too) does not see team 1's report.
    let coto = t.login("qn.coto").await;
    let (s, _) = t
        .get(
            &coto,
            &format!("/api/v1/periodic-reports/submissions/{sub_id}"),
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = t
        .get(&coto, &format!("/api/v1/periodic-reports/{id}"))
        .await;
    assert_eq!(
        s, 404,
        "the island group is not among this report's targets"
    );
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM periodic_report_submissions").await,
        1
    );
    // Stopping it: not by another province (404) nor by a team's officer (403); the head
    // stops it with a reason, it leaves the queues and takes no new report; once only.
    let bn = t.login("bn.chicuctruong").await;
    let stop = format!("/api/v1/periodic-reports/{id}/deactivate");
    let (s, _) = t.post(&bn, &stop, json!({"reason": "Không cần"})).await;
    assert_eq!(s, 404);
    let (s, b) = t.post(&ksv, &stop, json!({"reason": "Không cần"})).await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"), "{b}");
    let (s, b) = t.post(&head, &stop, json!({"reason": ""})).await;
    assert_eq!((s, code(&b)), (400, "validation.required"), "{b}");
    officer(&t, "qn.d2.ksv", "QN-D2").await;
    t.clock.advance(chrono::Duration::days(5));
    let (head, d2) = (t.login("qn.chicuctruong").await, t.login("qn.d2.ksv").await);
    let (_, q) = t.get(&d2, "/api/v1/queues").await;
    assert_eq!(
        q["periodic_reports_due"][0]["period_key"], "2026-W10",
        "{q}"
    );
    let (s, b) = t
        .post(&head, &stop, json!({"reason": "Thay bằng báo cáo tháng"}))
        .await;
    assert_eq!((s, b["active"].as_i64()), (200, Some(0)), "{b}");
    let (s, b) = t.post(&head, &stop, json!({"reason": "Lần nữa"})).await;
    assert_eq!((s, code(&b)), (422, "periodic_report.inactive"), "{b}");
    let (s, b) = submit(
        &t,
        &d2,
        &id,
        json!({"period": "2026-W10", "figures": pre["figures"]}),
    )
    .await;
    assert_eq!((s, code(&b)), (422, "periodic_report.inactive"), "{b}");
    let (_, q) = t.get(&d2, "/api/v1/queues").await;
    assert_eq!(q["periodic_reports_due"], json!([]), "{q}");
}
on_both!(
    another_province_sees_and_sends_nothing,
    other_scopes_see_nothing
);

async fn definition_changed(t: TestApp) {
    let head = t.login("qn.chicuctruong").await;
    let ksv = t.login("qn.ksv1").await;
    let (s, r) = t
        .post(
            &head,
            "/api/v1/periodic-reports",
            json!({"title": "Báo cáo tháng về hàng giả", "recurrence": "monthly",
                   "deadline_days": 5, "recipients": [t.unit_id("QN-D1").await],
                   "starts_on": "2026-01-01",
                   "fields": [{"key": "so_vu", "label": "Số vụ", "kind": "number"},
                              {"key": "ghi_chu", "label": "Ghi chú", "kind": "text"}]}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let id = r["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/periodic-reports/{id}");
    let only_cases = json!([{"key": "so_vu", "label": "Số vụ", "kind": "number"}]);
    // Before anyone sent it, the form may change freely.
    let (s, b) = t
        .patch(
            &head,
            &path,
            json!({"fields": only_cases, "reason": "Bỏ ô ghi chú"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["fields"].as_array().unwrap().len(), 1);
    let two = json!([{"key": "so_vu", "label": "Số vụ", "kind": "number"},
                     {"key": "ghi_chu", "label": "Ghi chú", "kind": "text"}]);
    let (s, b) = t
        .patch(
            &head,
            &path,
            json!({"fields": two, "reason": "Cần ghi chú"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, sub) = submit(
        &t,
        &ksv,
        &id,
        json!({"period": "2026-02", "figures": {"so_vu": 3, "ghi_chu": "Thị trường ổn định"}}),
    )
    .await;
    assert_eq!(s, 201, "{sub}");
    let read_at = b["updated_at"].as_str().unwrap().to_string();
    // Now what was sent must stay readable: no field dropped, none retyped.
    let (s, e) = t
        .patch(
            &head,
            &path,
            json!({"fields": only_cases, "reason": "Bỏ ô ghi chú"}),
        )
        .await;
    assert_eq!((s, code(&e)), (422, "periodic_report.field_in_use"), "{e}");
    let retyped = json!([{"key": "so_vu", "label": "Số vụ", "kind": "text"},
                         {"key": "ghi_chu", "label": "Ghi chú", "kind": "text"}]);
    let (s, e) = t
        .patch(
            &head,
            &path,
            json!({"fields": retyped, "reason": "Đổi kiểu"}),
        )
        .await;
    assert_eq!((s, code(&e)), (422, "periodic_report.field_in_use"), "{e}");
    // Who may: not the inspector, not the team's leader below the defining unit, not another
    // province; a reason is required; no change is said so.
    let rename = json!({"title": "Báo cáo tháng về hàng giả, hàng nhái", "reason": "Mở rộng"});
    let (s, _) = t.patch(&ksv, &path, rename.clone()).await;
    assert_eq!(s, 403);
    let (s, _) = t
        .patch(&t.login("qn.doitruong1").await, &path, rename.clone())
        .await;
    assert_eq!(s, 403);
    let (s, e) = t
        .patch(&t.login("bn.chicuctruong").await, &path, rename.clone())
        .await;
    assert_eq!((s, code(&e)), (404, "periodic_report.not_found"), "{e}");
    let (s, e) = t
        .patch(&head, &path, json!({"title": "x", "reason": ""}))
        .await;
    assert_eq!((s, code(&e)), (400, "validation.required"), "{e}");
    let (s, e) = t
        .patch(
            &head,
            &path,
            json!({"title": r["title"], "reason": "Không đổi"}),
        )
        .await;
    assert_eq!(
        (s, code(&e)),
        (400, "periodic_report.nothing_changed"),
        "{e}"
    );
    // Reworded and grown: fine, with the version read.
    let grown = json!({"title": "Báo cáo tháng về hàng giả, hàng nhái", "reason": "Thêm số tiền phạt",
        "base_updated_at": read_at,
        "fields": [{"key": "so_vu", "label": "Số vụ kiểm tra", "kind": "number"},
                   {"key": "ghi_chu", "label": "Kiến nghị, đề xuất", "kind": "text"},
                   {"key": "so_tien", "label": "Số tiền phạt", "kind": "number"}]});
    t.clock.advance(chrono::Duration::minutes(10));
    let (s, b) = t.patch(&head, &path, grown.clone()).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["fields"][1]["label"], "Kiến nghị, đề xuất");
    // The same edit on the version read before it: refused, nothing written.
    let (s, e) = t.patch(&head, &path, grown).await;
    assert_eq!((s, code(&e)), (409, "periodic_report.changed"), "{e}");
    let audit: Vec<(String,)> = sqlx::query_as(&format!(
        "SELECT details FROM audit_events WHERE entity_id = '{id}' AND action = 'periodic_report.edit' ORDER BY seq"
    ))
    .fetch_all(t.app.db.pool())
    .await
    .unwrap();
    assert_eq!(audit.len(), 3);
    let last: Value = serde_json::from_str(&audit[2].0).unwrap();
    assert_eq!(last["before"]["title"], "Báo cáo tháng về hàng giả");
    assert_eq!(last["after"]["fields"].as_array().unwrap().len(), 3);
    // What was sent reads under the new labels.
    let page = page_client();
    t.page_login(&page, "qn.chicuctruong").await;
    let html = page
        .get(t.url(&format!(
            "/periodic-reports/submissions/{}",
            sub["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Kiến nghị, đề xuất") && html.contains("Thị trường ổn định"),
        "{html}"
    );
    // From the report's page: a refused change comes back with what was typed.
    let csrf = {
        let html = page
            .get(t.url(&format!("/periodic-reports/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("Sửa báo cáo"), "{html}");
        let at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
        html[at..at + html[at..].find('"').unwrap()].to_string()
    };
    let r = page
        .post(t.url(&format!("/periodic-reports/{id}/edit")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("edit_title", "Báo cáo tháng (bản sửa trên trang)"),
            ("edit_description", ""),
            ("edit_fields", "so_vu | Số vụ | number"),
            ("edit_reason", "Gọn lại biểu mẫu"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("không bỏ được") && html.contains("Báo cáo tháng (bản sửa trên trang)"),
        "{html}"
    );
}
on_both!(
    a_report_definition_is_changed_without_losing_what_was_sent,
    definition_changed
);

async fn board_watched_live(t: TestApp) {
    use futures_util::StreamExt;
    let head = t.login("qn.chicuctruong").await;
    let ksv = t.login("qn.ksv1").await;
    let r = define_weekly(&t, &head).await;
    let id = r["id"].as_str().unwrap().to_string();
    let events = format!("/api/v1/periodic-reports/{id}/events");
    let (s, _) = t.get(&t.login("bn.chicuctruong").await, &events).await;
    assert_eq!(s, 404, "another province watches nothing");
    let resp = t
        .http
        .get(t.url(&events))
        .bearer_auth(&head)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let mut stream = resp.bytes_stream();
    let (s, b) = submit(
        &t,
        &ksv,
        &id,
        json!({"period": "2026-W10", "figures": r["fields"].as_array().unwrap().iter()
            .map(|f| (f["key"].as_str().unwrap().to_string(), json!(0)))
            .collect::<serde_json::Map<String, Value>>()}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let mut seen = String::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !seen.contains("event: report") && std::time::Instant::now() < deadline {
        if let Ok(Some(Ok(chunk))) =
            tokio::time::timeout(std::time::Duration::from_secs(10), stream.next()).await
        {
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
    assert!(
        seen.contains("event: report")
            && seen.contains("\"kind\":\"submit\"")
            && seen.contains(&t.unit_id("QN-D1").await),
        "{seen}"
    );
    // The page's board reloads itself on those events.
    let page = page_client();
    t.page_login(&page, "qn.chicuctruong").await;
    let html = page
        .get(t.url(&format!("/periodic-reports/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("hx-trigger=\"report-changed from:body\"")
            && html.contains("/assets/periodic_report.js"),
        "{html}"
    );
}
on_both!(the_board_is_watched_live, board_watched_live);

/// A report asked for from today is not owed for the period that ended before it: its board
/// opens on the current period, and the earlier period's board lists nobody (no "overdue" for a
/// report that did not exist yet) and offers no way further back.
async fn not_owed_before_it_starts(t: TestApp) {
    let head = t.login("qn.chicuctruong").await;
    let d1 = t.unit_id("QN-D1").await;
    // Thursday 05/03/2026 (week 10); week 9 ended on Sunday 01/03 and its deadline is past.
    let (s, r) = t
        .post(
            &head,
            "/api/v1/periodic-reports",
            json!({"title": "Báo cáo tuần từ hôm nay", "unit_id": t.unit_id("QN").await,
                   "recurrence": "weekly", "deadline_days": 1, "kind": "form",
                   "prefill": true, "recipients": [d1], "starts_on": "2026-03-05"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let id = r["id"].as_str().unwrap();
    let (s, b) = t
        .get(&head, &format!("/api/v1/periodic-reports/{id}/board"))
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["period"]["key"], "2026-W10", "{b}");
    assert_eq!(b["owed"], true);
    assert_eq!(b["has_previous"], false);
    assert_eq!(b["pending"], 1);
    assert_eq!(b["overdue"], 0);
    let (s, b) = t
        .get(
            &head,
            &format!("/api/v1/periodic-reports/{id}/board?period=2026-W09"),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["owed"], false);
    assert_eq!(b["lines"].as_array().unwrap().len(), 0, "{b}");
    assert_eq!(b["overdue"], 0);
    // The page says so instead of a red line.
    let client = page_client();
    t.page_login(&client, "qn.chicuctruong").await;
    let html = client
        .get(t.url(&format!("/periodic-reports/{id}?period=2026-W09")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("kỳ này không đơn vị nào phải nộp"), "{html}");
    assert!(!html.contains("Quá hạn, chưa nộp"));
    // A week later the week just ended is the default again (its deadline runs now), and the
    // week before the report began is still not offered.
    t.clock.advance(chrono::Duration::days(7));
    let head = t.login("qn.chicuctruong").await;
    let (_, b) = t
        .get(&head, &format!("/api/v1/periodic-reports/{id}/board"))
        .await;
    assert_eq!(b["period"]["key"], "2026-W10", "{b}");
    assert_eq!(b["owed"], true);
    assert_eq!(b["has_previous"], false, "{b}");
    assert_eq!(b["overdue"], 1, "{b}");
}
on_both!(
    a_report_is_not_owed_for_periods_before_it_starts,
    not_owed_before_it_starts
);
