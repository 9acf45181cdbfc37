//! Shared by the report tests: a plan for one case and the steps that drive it through the API.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use qltt_testkit::TestApp;
use serde_json::{Value, json};

pub const TODAY: &str = "2026-03-05";

#[derive(Debug, Clone)]
pub struct Plan {
    /// QN-D1, QN-D3 or BN-D1
    pub unit: usize,
    /// caught_in_act, ecommerce, tip (inspected first)
    pub origin: usize,
    pub violation: bool,
    pub joint_police: bool,
    /// Acts: indexes into CODES.
    pub acts: Vec<usize>,
    /// Days before TODAY of the violation record.
    pub back: i64,
    /// Goods seized and their value.
    pub lot: Option<i64>,
    /// 0 none, 1 sanction, 2 sanction + part paid, 3 sanction + paid, 4 transfer
    pub outcome: usize,
    pub confiscate: bool,
    pub correct: bool,
}

pub const UNITS: [&str; 3] = ["QN-D1", "QN-D3", "BN-D1"];
pub const LEADERS: [&str; 3] = ["qn.doitruong1", "qn.chicuctruong", "bn.chicuctruong"];
pub const TEAM: [&str; 3] = ["qn.ksv1", "qn.ksv1", "bn.ksv1"];
pub const ORIGINS: [&str; 3] = ["caught_in_act", "ecommerce", "tip"];
/// Small frames (no right to explain: 7 days to decide) in four groups; the fine is the average.
pub const CODES: [(&str, i64); 4] = [
    ("D98-15-1-a", 750_000),
    ("D98-9-1-a", 2_000_000),
    ("D98-17-1", 400_000),
    ("D98-8-1", 2_000_000),
];

pub fn day(back: i64) -> String {
    let d = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap() - Duration::days(back);
    d.format("%Y-%m-%d").to_string()
}

pub async fn ok(t: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let (s, b) = t.post(token, path, body).await;
    assert!(s == 200 || s == 201, "{path} → {s} {b}");
    b
}

/// Drives one case through the real steps of the API.
pub async fn drive(t: &TestApp, tokens: &HashMap<&str, String>, p: &Plan) {
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
