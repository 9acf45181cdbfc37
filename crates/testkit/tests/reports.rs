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
