//! Reports (issue 8): the roll-ups equal a brute-force recomputation from the source tables on
//! random cases driven through the real steps (property test, both databases), also after
//! payments, a correction of the sanction decision and a unit merge; the reconciliation finds
//! drift and repairs it; an officer sees only the figures of their own scope.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use qltt_testkit::{TestApp, on_both};
use serde_json::{Value, json};

const TODAY: &str = "2026-03-05";

#[derive(Debug, Clone)]
struct Plan {
    /// QN-D1, QN-D3 or BN-D1
    unit: usize,
    /// caught_in_act, ecommerce, tip (inspected first)
    origin: usize,
    violation: bool,
    joint_police: bool,
    /// Acts: indexes into CODES.
    acts: Vec<usize>,
    /// Days before TODAY of the violation record.
    back: i64,
    /// Goods seized and their value.
    lot: Option<i64>,
    /// 0 none, 1 sanction, 2 sanction + part paid, 3 sanction + paid, 4 transfer
    outcome: usize,
    confiscate: bool,
    correct: bool,
}

const UNITS: [&str; 3] = ["QN-D1", "QN-D3", "BN-D1"];
const LEADERS: [&str; 3] = ["qn.doitruong1", "qn.chicuctruong", "bn.chicuctruong"];
const TEAM: [&str; 3] = ["qn.ksv1", "qn.ksv1", "bn.ksv1"];
const ORIGINS: [&str; 3] = ["caught_in_act", "ecommerce", "tip"];
/// Small frames (no right to explain: 7 days to decide) in four groups; the fine is the average.
const CODES: [(&str, i64); 4] = [
    ("D98-15-1-a", 750_000),
    ("D98-9-1-a", 2_000_000),
    ("D98-17-1", 400_000),
    ("D98-8-1", 2_000_000),
];

fn plan() -> impl Strategy<Value = Plan> {
    (
        (0..3usize, 0..3usize, any::<bool>(), any::<bool>()),
        (proptest::collection::vec(0..4usize, 1..3), 0..40i64),
        (
            proptest::option::of(1..50i64),
            0..5usize,
            any::<bool>(),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (unit, origin, violation, joint_police),
                (acts, back),
                (lot, outcome, confiscate, correct),
            )| Plan {
                unit,
                origin,
                violation,
                joint_police,
                acts,
                back,
                lot: lot.map(|v| v * 100_000),
                outcome,
                confiscate,
                correct,
            },
        )
}

fn day(back: i64) -> String {
    let d = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap() - Duration::days(back);
    d.format("%Y-%m-%d").to_string()
}

async fn ok(t: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let (s, b) = t.post(token, path, body).await;
    assert!(s == 200 || s == 201, "{path} → {s} {b}");
    b
}

/// Drives one case through the real steps of the API.
async fn drive(t: &TestApp, tokens: &HashMap<&str, String>, p: &Plan) {
    let leader = &tokens[LEADERS[p.unit]];
    let admin = &tokens["admin"];
    let unit = t.unit_id(UNITS[p.unit]).await;
    let c = ok(
        t,
        leader,
        "/api/v1/cases",
        json!({"unit_id": unit, "origin": ORIGINS[p.origin], "summary": "Vụ việc thử"}),
    )
    .await;
    let id = c["id"].as_str().unwrap().to_string();
    let act = |a: &str| format!("/api/v1/cases/{id}/actions/{a}");
    let recorded = day(p.back);
    if ORIGINS[p.origin] == "tip" {
        let agencies = if p.joint_police {
            json!([{"agency": "police", "name": "Công an huyện"}])
        } else {
            json!([])
        };
        let team = json!([t.user_id(TEAM[p.unit]).await]);
        ok(t, leader, &act("decide_inspection"), json!({"inspection_team": team, "scope": "Kiểm tra", "start_on": recorded, "end_on": recorded})).await;
        ok(t, leader, &act("record_inspection"), json!({"inspected_at": format!("{recorded}T01:00:00Z"), "place": "Tại cơ sở", "findings": "Kiểm tra", "violation_found": p.violation, "joint_agencies": agencies})).await;
        if !p.violation {
            ok(t, leader, &act("close"), json!({"closed_on": recorded})).await;
            return;
        }
    }
    let acts: Vec<Value> = p
        .acts
        .iter()
        .map(|i| json!({"violation_type_id": CODES[*i].0, "facts": "Bày bán hàng vi phạm"}))
        .collect();
    ok(
        t,
        leader,
        &act("record_violation"),
        json!({
            "recorded_at": format!("{recorded}T01:00:00Z"), "place": "Hạ Long",
            "offender": {"kind": "individual", "name": "Nguyễn Văn A"},
            "violations": acts,
        }),
    )
    .await;
    let mut lot_id = None;
    if let Some(value) = p.lot {
        let e = ok(t, admin, "/api/v1/exhibits", json!({"case_id": id, "description": "Hàng hóa", "quantity": 10, "unit_of_measure": "hộp", "estimated_value": value, "seized_on": recorded})).await;
        lot_id = Some(e["id"].as_str().unwrap().to_string());
    }
    let issued = day((p.back - 3).max(0));
    match p.outcome {
        1..=3 => {
            let fines: Vec<Value> = p
                .acts
                .iter()
                .map(|i| json!({"violation_type_id": CODES[*i].0, "amount": CODES[*i].1}))
                .collect();
            let total: i64 = p.acts.iter().map(|i| CODES[*i].1).sum();
            let s = ok(
                t,
                leader,
                &act("issue_sanction"),
                json!({"issued_on": issued, "fines": fines}),
            )
            .await;
            if p.correct {
                let doc = s["produced"][0]["id"].as_str().unwrap();
                ok(
                    t,
                    admin,
                    &format!("/api/v1/documents/{doc}/corrections"),
                    json!({"reason": "Sai chính tả tên người vi phạm"}),
                )
                .await;
            }
            if p.confiscate
                && let Some(lot) = &lot_id
            {
                ok(t, admin, &format!("/api/v1/exhibits/{lot}/moves"), json!({"kind": "confiscate", "handed_over_by": "Tổ kiểm tra", "received_by": "Thủ kho"})).await;
            }
            if p.outcome >= 2 {
                ok(
                    t,
                    leader,
                    &act("deliver_decision"),
                    json!({"delivered_on": issued}),
                )
                .await;
                let amount = if p.outcome == 3 { total } else { total / 2 };
                ok(
                    t,
                    leader,
                    &act("record_payment"),
                    json!({"paid_on": issued, "amount": amount, "receipt_no": "BL-1"}),
                )
                .await;
            }
        }
        4 => {
            ok(t, leader, &act("transfer"), json!({"decided_on": issued, "agency": "Công an tỉnh", "reason": "Có dấu hiệu tội phạm"})).await;
        }
        _ => {}
    }
}

/// The totals recomputed straight from the source tables, without the domain's definitions.
async fn brute_force(t: &TestApp, root: &str, from: &str, to: &str) -> HashMap<&'static str, i64> {
    let pool = t.app.db.pool();
    let scope: HashSet<String> = qltt_store::units::subtree(pool, root)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .collect();
    let inr = |d: &str| d >= from && d <= to;
    let mut out: HashMap<&'static str, i64> = HashMap::new();
    let cases: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, unit_id, data FROM cases")
            .fetch_all(pool)
            .await
            .unwrap();
    let mut decision: HashMap<String, Option<String>> = HashMap::new();
    let mut sanction: HashMap<String, Option<String>> = HashMap::new();
    for (id, unit, data) in &cases {
        let data: Value = serde_json::from_str(data).unwrap();
        let s = |p: &str| data.pointer(p).and_then(Value::as_str).map(str::to_string);
        sanction.insert(id.clone(), s("/issue_sanction/issued_on"));
        decision.insert(
            id.clone(),
            s("/issue_sanction/issued_on").or(s("/decide_no_sanction/decided_on")),
        );
        if !scope.contains(unit) {
            continue;
        }
        // Inspected at 01:00 UTC = 08:00 in Vietnam: the same day.
        let inspected = s("/record_inspection/inspected_at")
            .map(|x| x[..10].to_string())
            .or(s("/record_violation/recorded_on"));
        let n = |v: bool| i64::from(v);
        *out.entry("cases_inspected").or_default() += n(inspected.is_some_and(|d| inr(&d)));
        *out.entry("cases_with_violations").or_default() +=
            n(s("/record_violation/recorded_on").is_some_and(|d| inr(&d)));
        *out.entry("cases_transferred").or_default() +=
            n(s("/transfer/decided_on").is_some_and(|d| inr(&d)));
    }
    let units: HashMap<String, String> = cases
        .iter()
        .map(|(id, u, _)| (id.clone(), u.clone()))
        .collect();
    let acts: Vec<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT case_id, discovered_on, fine FROM case_violations")
            .fetch_all(pool)
            .await
            .unwrap();
    for (case, discovered, fine) in &acts {
        if !scope.contains(&units[case]) {
            continue;
        }
        *out.entry("violations").or_default() += i64::from(inr(discovered));
        if let Some(d) = &sanction[case]
            && inr(d)
        {
            *out.entry("fines_imposed").or_default() += fine.unwrap_or(0);
        }
        if sanction[case].as_deref().is_some_and(|d| d <= to) {
            *out.entry("outstanding").or_default() += fine.unwrap_or(0);
        }
    }
    let pays: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT case_id, paid_on, amount FROM case_payments")
            .fetch_all(pool)
            .await
            .unwrap();
    for (case, paid, amount) in &pays {
        if scope.contains(&units[case]) {
            if inr(paid) {
                *out.entry("fines_collected").or_default() += amount;
            }
            if paid.as_str() <= to {
                *out.entry("outstanding").or_default() -= amount;
            }
        }
    }
    let lots: Vec<(String, String, i64, String)> =
        sqlx::query_as("SELECT case_id, seized_on, estimated_value, status FROM exhibits")
            .fetch_all(pool)
            .await
            .unwrap();
    for (case, seized, value, status) in &lots {
        if !scope.contains(&units[case]) {
            continue;
        }
        if inr(seized) {
            *out.entry("value_seized").or_default() += value;
        }
        if ["awaiting_disposal", "destroyed", "sold"].contains(&status.as_str())
            && decision[case].as_deref().is_some_and(inr)
        {
            *out.entry("value_confiscated").or_default() += value;
        }
    }
    out
}

async fn check(
    t: &TestApp,
    admin: &str,
    root_code: &str,
    from: &str,
    to: &str,
) -> Result<(), TestCaseError> {
    let root = t.unit_id(root_code).await;
    let (s, r) = t
        .get(
            admin,
            &format!("/api/v1/reports/summary?unit={root}&from={from}&to={to}&group_by=unit"),
        )
        .await;
    prop_assert_eq!(s, 200, "{}", r);
    let want = brute_force(t, &root, from, to).await;
    let totals = &r["totals"];
    for m in [
        "cases_inspected",
        "cases_with_violations",
        "violations",
        "fines_imposed",
        "fines_collected",
        "value_seized",
        "value_confiscated",
        "cases_transferred",
    ] {
        prop_assert_eq!(
            totals[m].as_i64().unwrap(),
            want.get(m).copied().unwrap_or(0),
            "{} of {} {}..{}: {}",
            m,
            root_code,
            from,
            to,
            r
        );
        // The rows (by unit) add up to the total.
        let sum: i64 = r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["figures"][m].as_i64().unwrap())
            .sum();
        prop_assert_eq!(
            sum,
            totals[m].as_i64().unwrap(),
            "rows of {} ({})",
            m,
            root_code
        );
    }
    prop_assert_eq!(
        totals["fines_outstanding"].as_i64().unwrap(),
        want.get("outstanding").copied().unwrap_or(0),
        "outstanding of {}",
        root_code
    );
    Ok(())
}

async fn figures_equal_a_recomputation(t: TestApp) {
    let mut tokens = HashMap::new();
    for u in [
        "admin",
        "qn.doitruong1",
        "qn.chicuctruong",
        "bn.chicuctruong",
    ] {
        tokens.insert(u, t.login(u).await);
    }
    let admin = tokens["admin"].clone();
    let handle = tokio::runtime::Handle::current();
    let mut runner = TestRunner::new(Config {
        cases: 6,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&proptest::collection::vec(plan(), 1..4), |plans| {
            tokio::task::block_in_place(|| {
                handle.block_on(async {
                    for p in &plans {
                        drive(&t, &tokens, p).await;
                    }
                    for root in ["TW", "QN", "QN-D1", "BN"] {
                        check(&t, &admin, root, "2026-01-01", TODAY).await?;
                    }
                    check(&t, &admin, "QN", &day(10), &day(3)).await
                })
            })
        })
        .unwrap();
    // A unit merge moves no figure: QN-D3's cases now count under QN-D2, QN's total is unchanged.
    let d2 = t.unit_id("QN-D2").await;
    let d3 = t.unit_id("QN-D3").await;
    let (s, b) = t
        .post(
            &admin,
            &format!("/api/v1/units/{d3}/merge"),
            json!({"into_unit_id": d2}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    for root in ["QN", "QN-D2", "TW"] {
        check(&t, &admin, root, "2026-01-01", TODAY).await.unwrap();
    }
    let r = t.app.reports_reconcile(false).await.unwrap();
    assert!(r.differences.is_empty(), "{:?}", r.differences);
    assert!(r.cases > 0);
}
on_both!(
    roll_ups_equal_a_recomputation_from_source_tables,
    figures_equal_a_recomputation
);

async fn reconciliation_finds_and_repairs_drift(t: TestApp) {
    let leader = t.login("qn.doitruong1").await;
    let tokens: HashMap<&str, String> = [
        ("qn.doitruong1", leader.clone()),
        ("admin", t.login("admin").await),
    ]
    .into_iter()
    .collect();
    let p = Plan {
        unit: 0,
        origin: 0,
        violation: true,
        joint_police: false,
        acts: vec![0, 1],
        back: 2,
        lot: Some(1_000_000),
        outcome: 3,
        confiscate: false,
        correct: false,
    };
    drive(&t, &tokens, &p).await;
    t.app.reports_catch_up().await.unwrap();
    assert!(
        t.app
            .reports_reconcile(false)
            .await
            .unwrap()
            .differences
            .is_empty()
    );
    t.sql("UPDATE report_daily SET value = value + 7 WHERE measure = 'fines_imposed'")
        .await;
    let r = t.app.reports_reconcile(false).await.unwrap();
    assert!(!r.differences.is_empty());
    assert!(
        r.differences
            .iter()
            .all(|d| d.measure == "fines_imposed" && d.rollup == d.source + 7)
    );
    let r = t.app.reports_reconcile(true).await.unwrap();
    assert!(r.repaired);
    assert!(
        t.app
            .reports_reconcile(false)
            .await
            .unwrap()
            .differences
            .is_empty()
    );
}
on_both!(
    reconciliation_reports_drift_and_repairs_it,
    reconciliation_finds_and_repairs_drift
);

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

async fn an_officer_sees_only_their_scope(t: TestApp) {
    let leader = t.login("qn.doitruong1").await;
    let tokens: HashMap<&str, String> = [
        ("qn.doitruong1", leader.clone()),
        ("admin", t.login("admin").await),
    ]
    .into_iter()
    .collect();
    let p = Plan {
        unit: 0,
        origin: 1,
        violation: true,
        joint_police: false,
        acts: vec![1],
        back: 1,
        lot: None,
        outcome: 1,
        confiscate: false,
        correct: false,
    };
    drive(&t, &tokens, &p).await;
    let bn_head = t.login("bn.chicuctruong").await;
    let qn = t.unit_id("QN").await;
    let d1 = t.unit_id("QN-D1").await;
    // Another province's head: refused, whatever the spelling of the parameter or the format.
    for path in [
        format!("/api/v1/reports/summary?unit={qn}"),
        format!("/api/v1/reports/summary?unit_id={d1}&group_by=unit"),
        format!("/api/v1/reports/summary.csv?unit={d1}"),
        format!("/api/v1/reports/summary?unit={d1}&format=xlsx"),
    ] {
        let (s, b) = t.get(&bn_head, &path).await;
        assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"), "{path} {b}");
    }
    // Their own figures do not include Quảng Ninh's case.
    let (s, b) = t
        .get(&bn_head, "/api/v1/reports/summary?group_by=unit")
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["totals"]["fines_imposed"], 0, "{b}");
    // A team leader sees the team, not the province above it.
    let (s, b) = t
        .get(&leader, &format!("/api/v1/reports/summary?unit={qn}"))
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"), "{b}");
    let (s, b) = t.get(&leader, "/api/v1/reports/summary").await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["unit_id"], d1.as_str());
    assert_eq!(b["totals"]["fines_imposed"], 2_000_000, "{b}");
    assert_eq!(b["totals"]["cases_with_violations"], 1);
    // An inspector has no report permission; a stranger is not signed in.
    let ksv = t.login("qn.ksv1").await;
    let (s, b) = t.get(&ksv, "/api/v1/reports/summary").await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"), "{b}");
    let r = t
        .http
        .get(t.url("/api/v1/reports/summary"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // Bad input.
    let (s, b) = t
        .get(
            &leader,
            "/api/v1/reports/summary?from=2026-03-05&to=2026-03-01",
        )
        .await;
    assert_eq!((s, code(&b)), (400, "report.invalid_period"), "{b}");
    let (s, b) = t
        .get(&leader, "/api/v1/reports/summary?group_by=week")
        .await;
    assert_eq!((s, code(&b)), (400, "report.invalid_group_by"), "{b}");
    let (s, b) = t.get(&leader, "/api/v1/reports/summary?format=pdf").await;
    assert_eq!((s, code(&b)), (400, "report.invalid_format"), "{b}");
    // Exports: CSV with Vietnamese headers, XLSX a zip.
    let r = t
        .http
        .get(t.url("/api/v1/reports/summary.csv?group_by=unit"))
        .bearer_auth(&leader)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let csv = r.text().await.unwrap();
    assert!(csv.contains("Đơn vị,Vụ việc đã kiểm tra"), "{csv}");
    assert!(csv.contains("Tổng cộng"), "{csv}");
    let r = t
        .http
        .get(t.url("/api/v1/reports/summary.xlsx?group_by=month"))
        .bearer_auth(&leader)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
}
on_both!(report_scope_attacker, an_officer_sees_only_their_scope);
