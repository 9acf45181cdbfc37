//! Deadlines at risk on the leader's dashboard (issue 8): the open deadlines of a subtree overdue
//! or due within 2 days, by unit and by kind, agree with the work queues, drill down to the cases
//! behind them, and stay inside the leader's scope. On SQLite and PostgreSQL; the test clock
//! stands on Thu 05/03/2026.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both, page_client};
use serde_json::{Value, json};

/// A violation recorded on Mon 16/02/2026 in team 1's area: its explanation and decision
/// deadlines have passed by 05/03 without a decision.
async fn late_case(t: &TestApp) -> String {
    let ksv = t.login("qn.ksv1").await;
    let d1 = t.unit_id("QN-D1").await;
    let (s, c) = t
        .post(
            &ksv,
            "/api/v1/cases",
            json!({"unit_id": d1, "origin": "caught_in_act", "summary": "Vụ chậm xử lý quá hạn"}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let id = c["id"].as_str().unwrap().to_string();
    let (s, r) = t
        .post(&ksv, &format!("/api/v1/cases/{id}/actions/record_violation"), json!({
            "recorded_at": "2026-02-16T01:30:00Z",
            "place": "Chợ Hạ Long 1",
            "offender": {"kind": "individual", "name": "Phạm Văn D", "id_number": "022080000555", "address": "Hạ Long"},
            "violations": [{"violation_type_id": "D98-15-1-e", "facts": "Bày bán hàng nhập lậu"}]
        }))
        .await;
    assert_eq!(s, 200, "{r}");
    id
}

fn count(rows: &Value, key: &str, field: &str) -> i64 {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .map(|r| r[field].as_i64().unwrap())
        .unwrap_or(0)
}

async fn deadlines_at_risk_are_counted_and_drilled(t: TestApp) {
    let case = late_case(&t).await;
    let d1 = t.unit_id("QN-D1").await;

    // The team leader: the same deadlines as the team's work queues.
    let leader = t.login("qn.doitruong1").await;
    let (s, risk) = t.get(&leader, "/api/v1/reports/deadlines").await;
    assert_eq!(s, 200, "{risk}");
    assert!(
        count(&risk["by_kind"], "explanation", "overdue") >= 1,
        "{risk}"
    );
    let (_, queues) = t.get(&leader, "/api/v1/queues").await;
    assert_eq!(
        risk["overdue"].as_u64().unwrap() as usize,
        queues["overdue"].as_array().unwrap().len(),
        "{risk} vs {queues}"
    );
    assert_eq!(
        risk["due_soon"].as_u64().unwrap() as usize,
        queues["due_soon"].as_array().unwrap().len(),
        "{risk} vs {queues}"
    );
    let kinds: i64 = risk["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["overdue"].as_i64().unwrap())
        .sum();
    assert_eq!(kinds, risk["overdue"].as_i64().unwrap());

    // The province's head: the team is one row of the province's breakdown.
    let head = t.login("qn.chicuctruong").await;
    let (s, prov) = t.get(&head, "/api/v1/reports/deadlines").await;
    assert_eq!(s, 200, "{prov}");
    assert_eq!(
        count(&prov["by_unit"], &d1, "overdue"),
        risk["overdue"].as_i64().unwrap(),
        "{prov}"
    );
    let units: i64 = prov["by_unit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["overdue"].as_i64().unwrap())
        .sum();
    assert_eq!(units, prov["overdue"].as_i64().unwrap());

    // The dashboard shows the panel, and its figure leads to the case.
    let c = page_client();
    t.page_login(&c, "qn.chicuctruong").await;
    let html = c
        .get(t.url("/reports"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Thời hạn có nguy cơ"), "{html}");
    assert!(html.contains("report=deadlines_overdue"), "{html}");
    let list = c
        .get(t.url(&format!(
            "/cases?report=deadlines_overdue&from=2026-03-05&to=2026-03-05&unit={d1}"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("Vụ chậm xử lý quá hạn"), "{list}");
    assert!(list.contains(&case), "{list}");
    assert!(list.contains("Thời hạn đã quá"), "{list}");
    // Due soon does not list it (its deadlines are past).
    let soon = c
        .get(t.url(&format!(
            "/cases?report=deadlines_due_soon&from=2026-03-05&to=2026-03-05&unit={d1}"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!soon.contains(&case), "{soon}");

    // Another province: nothing of Quảng Ninh, and asking for its team is refused.
    let bn = t.login("bn.chicuctruong").await;
    let (s, other) = t.get(&bn, "/api/v1/reports/deadlines").await;
    assert_eq!(s, 200);
    assert_eq!(count(&other["by_unit"], &d1, "overdue"), 0, "{other}");
    let (s, b) = t
        .get(&bn, &format!("/api/v1/reports/deadlines?unit={d1}"))
        .await;
    assert!(matches!(s, 403 | 404), "{s}: {b}");
    // An inspector does not see the leaders' reports.
    let ksv = t.login("qn.ksv1").await;
    let (s, _) = t.get(&ksv, "/api/v1/reports/deadlines").await;
    assert_eq!(s, 403);
}
on_both!(deadlines_at_risk, deadlines_at_risk_are_counted_and_drilled);
