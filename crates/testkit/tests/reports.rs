//! Reports (issue 8): the roll-ups equal a brute-force recomputation from the source tables on
//! random cases driven through the real steps (property test, both databases), also after
//! payments, a correction of the sanction decision, confiscation and a unit merge; the
//! reconciliation finds drift and repairs it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod report_support;

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use qltt_testkit::{TestApp, on_both};
use report_support::*;
use serde_json::{Value, json};

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
    check_by(t, admin, root_code, from, to, "unit").await
}

/// As [`check`], with the rows cut by `group_by` (a trend reads whole months from the month
/// roll-up and the months cut by the period's ends by day; a cut by day reads day rows).
async fn check_by(
    t: &TestApp,
    admin: &str,
    root_code: &str,
    from: &str,
    to: &str,
    group_by: &str,
) -> Result<(), TestCaseError> {
    let root = t.unit_id(root_code).await;
    let (s, r) = t
        .get(
            admin,
            &format!("/api/v1/reports/summary?unit={root}&from={from}&to={to}&group_by={group_by}"),
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
                    check(&t, &admin, "QN", &day(10), &day(3)).await?;
                    // Periods whose ends cut months in different ways (the month roll-up
                    // answers whole months, the day roll-up the cut ones), each view.
                    check_by(&t, &admin, "TW", "2026-01-20", TODAY, "month").await?;
                    check_by(&t, &admin, "TW", "2026-02-01", "2026-02-28", "day").await?;
                    check_by(&t, &admin, "QN", "2026-02-10", "2026-02-28", "group").await?;
                    check_by(&t, &admin, "TW", "2026-01-01", "2026-02-28", "channel").await?;
                    check_by(&t, &admin, "TW", "2026-02-27", "2026-03-02", "quarter").await
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
    // The month roll-up drifts on its own (its day rows are right): found as month rows
    // ("2026-03"), set back to the sum of their days, audited; the figures are right again.
    t.sql("UPDATE report_monthly SET value = value + 5 WHERE measure = 'violations'")
        .await;
    let r = t.app.reports_reconcile(false).await.unwrap();
    assert!(!r.differences.is_empty());
    assert!(
        r.differences
            .iter()
            .all(|d| d.day.len() == 7 && d.measure == "violations" && d.rollup == d.source + 5),
        "{:?}",
        r.differences
    );
    let admin = tokens["admin"].clone();
    let r = t.app.reports_reconcile(true).await.unwrap();
    assert!(r.repaired);
    let r = t.app.reports_reconcile(false).await.unwrap();
    assert!(r.differences.is_empty(), "{:?}", r.differences);
    let (month_repairs,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'reports.rollup_repaired' \
         AND details LIKE '%report_monthly%'",
    )
    .fetch_one(t.app.db.pool())
    .await
    .unwrap();
    assert_eq!(month_repairs, 1);
    for root in ["QN", "TW"] {
        check_by(&t, &admin, root, "2026-01-01", "2026-02-28", "month")
            .await
            .unwrap();
        check(&t, &admin, root, "2026-01-01", TODAY).await.unwrap();
    }
}
on_both!(
    reconciliation_reports_drift_and_repairs_it,
    reconciliation_finds_and_repairs_drift
);

/// The batched reconciliation (one unit at a time, short repair transactions): a corrupted and a
/// missing roll-up row are found and repaired, with an audit event; a case changed between two
/// batches (its outbox entry not yet taken by the job) is no drift and is left to the job.
async fn batched_reconciliation_repairs_only_drift(t: TestApp) {
    let tokens: HashMap<&str, String> = [
        ("qn.doitruong1", t.login("qn.doitruong1").await),
        ("qn.chicuctruong", t.login("qn.chicuctruong").await),
        ("bn.chicuctruong", t.login("bn.chicuctruong").await),
        ("admin", t.login("admin").await),
    ]
    .into_iter()
    .collect();
    for unit in [0, 1, 2] {
        let p = Plan {
            unit,
            origin: 0,
            violation: true,
            joint_police: false,
            acts: vec![0],
            back: 8,
            lot: None,
            outcome: 2,
            confiscate: false,
            correct: false,
        };
        drive(&t, &tokens, &p).await;
    }
    t.app.reports_catch_up().await.unwrap();
    assert!(
        t.app
            .reports_reconcile(false)
            .await
            .unwrap()
            .differences
            .is_empty()
    );
    let d1 = t.unit_id("QN-D1").await;
    let bn = t.unit_id("BN-D1").await;
    t.sql(&format!(
        "UPDATE report_daily SET value = value + 7 WHERE measure = 'fines_imposed' AND unit_id = '{d1}'"
    ))
    .await;
    t.sql(&format!(
        "DELETE FROM report_daily WHERE measure = 'violations' AND unit_id = '{d1}'"
    ))
    .await;
    let pool = t.app.db.pool();
    let collected = |unit: String| async move {
        let (v,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(value), 0) AS BIGINT) FROM report_daily \
             WHERE unit_id = $1 AND measure = 'fines_collected'",
        )
        .bind(unit)
        .fetch_one(pool)
        .await
        .unwrap();
        v
    };
    assert_eq!(collected(bn.clone()).await, 375_000);
    let (bn_case,): (String,) = sqlx::query_as("SELECT id FROM cases WHERE unit_id = $1")
        .bind(&bn)
        .fetch_one(pool)
        .await
        .unwrap();
    let audited_before = t.count("audit_events").await;
    // Between batches, just before Bắc Ninh's team is read: its case's fine is paid in full.
    let handle = tokio::runtime::Handle::current();
    let fired = std::sync::atomic::AtomicBool::new(false);
    let payer = tokens["bn.chicuctruong"].clone();
    let units_seen = std::sync::Mutex::new(Vec::new());
    let hook = |p: &qltt_app::reports::ReconcileProgress| {
        units_seen.lock().unwrap().push(p.unit_id.clone());
        if p.unit_id == bn && !fired.swap(true, std::sync::atomic::Ordering::SeqCst) {
            tokio::task::block_in_place(|| {
                handle.block_on(async {
                    ok(
                        &t,
                        &payer,
                        &format!("/api/v1/cases/{bn_case}/actions/record_payment"),
                        json!({"paid_on": TODAY, "amount": 375_000, "receipt_no": "BL-2"}),
                    )
                    .await;
                })
            });
        }
    };
    let r = t.app.reports_reconcile_with(true, &hook).await.unwrap();
    assert!(fired.load(std::sync::atomic::Ordering::SeqCst));
    // One call per unit, then the end.
    let seen = units_seen.lock().unwrap().clone();
    assert!(seen.contains(&d1) && seen.contains(&bn) && seen.last() == Some(&String::new()));
    assert!(r.repaired);
    assert!(
        r.differences
            .iter()
            .any(|d| d.measure == "fines_imposed" && d.unit_id == d1 && d.rollup == d.source + 7),
        "{:?}",
        r.differences
    );
    assert!(
        r.differences
            .iter()
            .any(|d| d.measure == "violations" && d.unit_id == d1 && d.rollup == 0 && d.source > 0),
        "{:?}",
        r.differences
    );
    assert!(
        r.differences.iter().all(|d| d.unit_id == d1),
        "only the corrupted rows: {:?}",
        r.differences
    );
    // The paid case was not "repaired" behind the job's back: its roll-up still waits for the
    // job, which then takes the payment.
    assert_eq!(collected(bn.clone()).await, 375_000);
    // Each repair is audited (one event per repair transaction here), and the chain holds.
    let (repairs,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'reports.rollup_repaired' AND unit_id = $1",
    )
    .bind(&d1)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(repairs, 1);
    assert!(t.count("audit_events").await > audited_before);
    assert!(matches!(
        qltt_store::audit::verify(pool).await.unwrap(),
        qltt_store::audit::Verification::Intact { .. }
    ));
    t.app.reports_catch_up().await.unwrap();
    assert_eq!(collected(bn.clone()).await, 750_000);
    let r = t.app.reports_reconcile(false).await.unwrap();
    assert!(r.differences.is_empty(), "{:?}", r.differences);
    // A repair with nothing to repair writes nothing.
    let audited = t.count("audit_events").await;
    let r = t.app.reports_reconcile(true).await.unwrap();
    assert!(!r.repaired && r.differences.is_empty());
    assert_eq!(t.count("audit_events").await, audited);
    for root in ["QN", "BN", "TW"] {
        check(&t, &tokens["admin"], root, "2026-01-01", TODAY)
            .await
            .unwrap();
    }
}
on_both!(
    batched_reconciliation_repairs_only_drift_not_concurrent_changes,
    batched_reconciliation_repairs_only_drift
);

/// Wrong facts of single cases while the daily sums are right (a lot's value booked on another
/// case of the same unit: the totals agree, the drill-down lists the wrong case) are found case by
/// case, repaired with their own audit event, and then agree.
async fn wrong_case_facts_behind_right_totals(t: TestApp) {
    let tokens: HashMap<&str, String> = [
        ("qn.doitruong1", t.login("qn.doitruong1").await),
        ("admin", t.login("admin").await),
    ]
    .into_iter()
    .collect();
    let plan = |lot: Option<i64>| Plan {
        unit: 0,
        origin: 0,
        violation: true,
        joint_police: false,
        acts: vec![0],
        back: 8,
        lot,
        outcome: 1,
        confiscate: false,
        correct: false,
    };
    drive(&t, &tokens, &plan(Some(2_000_000))).await;
    drive(&t, &tokens, &plan(None)).await;
    t.app.reports_catch_up().await.unwrap();
    let r = t.app.reports_reconcile(false).await.unwrap();
    assert!(r.differences.is_empty() && r.wrong_fact_count == 0, "{r:?}");
    let pool = t.app.db.pool();
    let d1 = t.unit_id("QN-D1").await;
    let (seized,): (String,) =
        sqlx::query_as("SELECT case_id FROM report_facts WHERE measure = 'value_seized'")
            .fetch_one(pool)
            .await
            .unwrap();
    let (other,): (String,) =
        sqlx::query_as("SELECT id FROM cases WHERE unit_id = $1 AND id <> $2")
            .bind(&d1)
            .bind(&seized)
            .fetch_one(pool)
            .await
            .unwrap();
    // What the drill-down lists (`store::reports::cases_behind` reads these rows).
    let behind = || async {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT case_id FROM report_facts WHERE measure = 'value_seized'",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        rows.into_iter().map(|r| r.0).collect::<Vec<_>>()
    };
    t.sql(&format!(
        "UPDATE report_facts SET case_id = '{other}' WHERE case_id = '{seized}' \
         AND measure = 'value_seized'"
    ))
    .await;
    assert_eq!(behind().await, vec![other.clone()]);
    // The daily sums still agree: only the case-by-case comparison sees it.
    let r = t.app.reports_reconcile(false).await.unwrap();
    assert!(r.differences.is_empty(), "{:?}", r.differences);
    assert_eq!(r.wrong_fact_count, 2);
    let mut wrong = r.cases_with_wrong_facts.clone();
    wrong.sort();
    let mut want = vec![seized.clone(), other.clone()];
    want.sort();
    assert_eq!(wrong, want);
    assert!(!r.repaired);
    let r = t.app.reports_reconcile(true).await.unwrap();
    assert!(r.repaired && r.wrong_fact_count == 2, "{r:?}");
    assert_eq!(behind().await, vec![seized.clone()]);
    let (events,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'reports.facts_repaired' AND unit_id = $1",
    )
    .bind(&d1)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(events, 1);
    let r = t.app.reports_reconcile(false).await.unwrap();
    assert!(r.differences.is_empty() && r.wrong_fact_count == 0, "{r:?}");
    assert!(matches!(
        qltt_store::audit::verify(pool).await.unwrap(),
        qltt_store::audit::Verification::Intact { .. }
    ));
}
on_both!(
    reconciliation_finds_wrong_case_facts_behind_right_totals,
    wrong_case_facts_behind_right_totals
);

/// Roll-ups built from nothing (a generated set, or after they were lost): the repair adds each
/// unit's cases in batches with an audit event `reports.rollup_built`, and the figures, the daily
/// sums and every case's facts then equal a recomputation.
async fn rollups_built_from_nothing(t: TestApp) {
    let tokens: HashMap<&str, String> = [
        ("qn.doitruong1", t.login("qn.doitruong1").await),
        ("qn.chicuctruong", t.login("qn.chicuctruong").await),
        ("bn.chicuctruong", t.login("bn.chicuctruong").await),
        ("admin", t.login("admin").await),
    ]
    .into_iter()
    .collect();
    for (unit, lot, outcome) in [
        (0, Some(3_000_000), 3),
        (0, None, 1),
        (1, None, 2),
        (2, None, 4),
    ] {
        let p = Plan {
            unit,
            origin: unit % 3,
            violation: true,
            joint_police: unit == 1,
            acts: vec![0, 2],
            back: 6,
            lot,
            outcome,
            confiscate: false,
            correct: false,
        };
        drive(&t, &tokens, &p).await;
    }
    t.app.reports_catch_up().await.unwrap();
    let pool = t.app.db.pool();
    let snapshot = || async {
        let daily: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT unit_id, day, measure, value FROM report_daily ORDER BY unit_id, day, measure, vgroup, channel, agency",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let facts: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT case_id, day, measure, value FROM report_facts ORDER BY case_id, day, measure, vgroup, channel, agency",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        (daily, facts)
    };
    let kept = snapshot().await;
    assert!(!kept.0.is_empty() && !kept.1.is_empty());
    let months = || async {
        let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT unit_id, month, measure, value FROM report_monthly ORDER BY unit_id, month, measure, vgroup, channel, agency",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        rows
    };
    let kept_months = months().await;
    assert!(!kept_months.is_empty());
    t.sql("DELETE FROM report_daily").await;
    t.sql("DELETE FROM report_monthly").await;
    t.sql("DELETE FROM report_facts").await;
    let r = t.app.reports_reconcile(false).await.unwrap();
    assert!(
        !r.differences.is_empty() && r.wrong_fact_count == 4,
        "{r:?}"
    );
    let r = t.app.reports_reconcile(true).await.unwrap();
    assert!(r.repaired);
    // What the job had written, row for row.
    assert_eq!(snapshot().await, kept);
    assert_eq!(months().await, kept_months);
    let (built,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE action = 'reports.rollup_built'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(built, 3, "one batch for each of the three units");
    let r = t.app.reports_reconcile(false).await.unwrap();
    assert!(r.differences.is_empty() && r.wrong_fact_count == 0, "{r:?}");
    for root in ["QN", "BN", "TW"] {
        check(&t, &tokens["admin"], root, "2026-01-01", TODAY)
            .await
            .unwrap();
    }
    assert!(matches!(
        qltt_store::audit::verify(pool).await.unwrap(),
        qltt_store::audit::Verification::Intact { .. }
    ));
}
on_both!(
    rollups_are_built_from_nothing_case_by_case,
    rollups_built_from_nothing
);
