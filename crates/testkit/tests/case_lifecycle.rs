//! The violation-handling case over HTTP, as officers of Quảng Ninh live it: from a lead to the
//! closing, with the refusals of the state machine (409) and of the law (422), scope, stale
//! versions and parallel officers; on SQLite and PostgreSQL. The test clock stands on
//! Thu 05/03/2026, 09:00 in Việt Nam.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both};
use serde_json::{Value, json};

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

fn allowed(case: &Value) -> Vec<String> {
    case["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

fn deadline<'a>(case: &'a Value, kind: &str) -> &'a Value {
    case["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == kind)
        .unwrap_or(&Value::Null)
}

async fn business_in_d1(t: &TestApp, token: &str) -> String {
    let (_, b) = t.get(token, "/api/v1/businesses?limit=50").await;
    let d1 = t.unit_id("QN-D1").await;
    b["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["unit_id"] == d1.as_str())
        .expect("a demo business in QN-D1")["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn open(t: &TestApp, token: &str, origin: &str) -> Value {
    let business = business_in_d1(t, token).await;
    let (s, c) = t
        .post(token, "/api/v1/cases", json!({"business_id": business, "unit_id": t.unit_id("QN-D1").await, "origin": origin, "summary": "Cơ sở bày bán mỹ phẩm không rõ nguồn gốc"}))
        .await;
    assert_eq!(s, 201, "{c}");
    c
}

async fn act(t: &TestApp, token: &str, case: &Value, action: &str, body: Value) -> (u16, Value) {
    let id = case["id"].as_str().unwrap();
    t.post(token, &format!("/api/v1/cases/{id}/actions/{action}"), body)
        .await
}

fn violation_body(code: &str, ended_on: Value) -> Value {
    json!({
        "recorded_at": "2026-03-05T02:30:00Z",
        "place": "Số 1 đường Hạ Long, phường Bãi Cháy",
        "offender": {"kind": "individual", "name": "Nguyễn Văn A", "id_number": "022080000123", "address": "Hạ Long"},
        "violations": [{"violation_type_id": code, "facts": "Bày bán 120 hộp kem dưỡng da nhập lậu, trị giá 35.000.000 đồng", "ended_on": ended_on}],
        "exhibits": [{"description": "Kem dưỡng da", "quantity": "120", "unit_of_measure": "hộp", "estimated_value": 35000000}],
        "witnesses": [{"name": "Trần Thị B"}],
        "location": {"lat": 20.95, "lon": 107.08}
    })
}

async fn whole_procedure(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let leader = t.login("qn.doitruong1").await;
    let accountant = t.login("qn.ketoan").await;
    let c = open(&t, &ksv, "signs").await;
    assert_eq!(c["state"], "lead");
    let a = allowed(&c);
    assert!(
        a.contains(&"propose".into())
            && a.contains(&"decide_inspection".into())
            && a.contains(&"record_violation".into()),
        "{a:?}"
    );

    let (s, c) = act(
        &t,
        &ksv,
        &c,
        "propose",
        json!({"content": "Kiểm tra đột xuất cơ sở", "suspected_violation": "Hàng nhập lậu"}),
    )
    .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["state"], "proposed");
    assert_eq!(c["produced"][0]["number"], "01/ĐX");

    // An inspector may not sign an inspection decision (Decree 33/2022 Art. 4).
    let team = json!([t.user_id("qn.ksv1").await]);
    let decide = json!({"inspection_team": team, "scope": "Nguồn gốc hàng hóa", "start_on": "2026-03-05", "end_on": "2026-03-06"});
    let (s, b) = act(&t, &ksv, &c, "decide_inspection", decide.clone()).await;
    assert_eq!((s, code(&b)), (422, "law.competence_exceeded"), "{b}");
    let (s, c) = act(&t, &leader, &c, "decide_inspection", decide).await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["produced"][0]["number"], "01/QĐ-KT");

    let (s, c) = act(&t, &ksv, &c, "record_inspection", json!({"inspected_at": "2026-03-05T02:00:00Z", "place": "Tại cơ sở", "findings": "Phát hiện hàng nhập lậu", "violation_found": true})).await;
    assert_eq!(s, 200, "{c}");
    // A violation was found: the case cannot just be closed.
    let (s, b) = act(&t, &ksv, &c, "close", json!({"closed_on": "2026-03-05"})).await;
    assert_eq!((s, code(&b)), (409, "case.invalid_transition"), "{b}");
    assert_eq!(b["error"]["details"]["case"]["state"], "inspected");

    let (s, c) = act(
        &t,
        &ksv,
        &c,
        "record_violation",
        violation_body("D98-15-1-e", Value::Null),
    )
    .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["state"], "violation_recorded");
    assert_eq!(c["offender_kind"], "individual");
    // Frame 10–20M ≥ 15M: the offender may explain (Art. 61), so 30 days for the decision:
    // 05/03 + 30 = Sat 04/04 → Mon 06/04; written explanation: 5 working days → Thu 12/03.
    assert_eq!(deadline(&c, "decision")["due_on"], "2026-04-06", "{c}");
    assert_eq!(deadline(&c, "explanation")["due_on"], "2026-03-12");

    // The inspector's competence is below 15M (Decree 189/2025): refused, goes up to the leader.
    let sanction = json!({"issued_on": "2026-03-05", "fines": [{"violation_type_id": "D98-15-1-e", "amount": 15000000}], "additional_penalties": ["Tịch thu tang vật"], "remedial_measures": []});
    let (s, b) = act(&t, &ksv, &c, "issue_sanction", sanction.clone()).await;
    assert_eq!((s, code(&b)), (422, "law.competence_exceeded"), "{b}");
    // A fine outside what the circumstances allow is refused.
    let (s, b) = act(&t, &leader, &c, "issue_sanction", json!({"issued_on": "2026-03-05", "fines": [{"violation_type_id": "D98-15-1-e", "amount": 19000000, "reason": "x"}]})).await;
    assert_eq!((s, code(&b)), (422, "law.fine_out_of_range"), "{b}");
    let (s, b) = act(
        &t,
        &leader,
        &c,
        "issue_sanction",
        json!({"issued_on": "2026-03-05", "fines": []}),
    )
    .await;
    assert_eq!((s, code(&b)), (400, "case.fine_missing"), "{b}");
    let (s, c) = act(&t, &leader, &c, "issue_sanction", sanction).await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["state"], "sanctioned");
    assert_eq!(c["fine_total"], 15_000_000);
    assert_eq!(c["produced"][0]["number"], "01/QĐ-XPHC");
    assert_eq!(deadline(&c, "decision")["met"], true);
    // Delivered within 2 working days: Mon 09/03.
    assert_eq!(deadline(&c, "delivery")["due_on"], "2026-03-09");

    // Payment before the decision is delivered: not yet.
    let (s, b) = act(
        &t,
        &accountant,
        &c,
        "record_payment",
        json!({"paid_on": "2026-03-05", "amount": 15000000, "receipt_no": "0001"}),
    )
    .await;
    assert_eq!((s, code(&b)), (409, "case.invalid_transition"), "{b}");
    let (s, c) = act(
        &t,
        &ksv,
        &c,
        "deliver_decision",
        json!({"delivered_on": "2026-03-05"}),
    )
    .await;
    assert_eq!(s, 200, "{c}");
    // 10 days from receipt (Art. 73): Sun 15/03 → Mon 16/03.
    assert_eq!(deadline(&c, "payment")["due_on"], "2026-03-16");
    let (s, b) = act(
        &t,
        &accountant,
        &c,
        "record_payment",
        json!({"paid_on": "2026-03-05", "amount": 16000000, "receipt_no": "0001"}),
    )
    .await;
    assert_eq!((s, code(&b)), (400, "case.invalid_payment"), "{b}");
    let (s, c) = act(
        &t,
        &accountant,
        &c,
        "record_payment",
        json!({"paid_on": "2026-03-05", "amount": 5000000, "receipt_no": "0001"}),
    )
    .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["state"], "sanctioned");
    let (s, c) = act(
        &t,
        &accountant,
        &c,
        "record_payment",
        json!({"paid_on": "2026-03-05", "amount": 10000000, "receipt_no": "0002"}),
    )
    .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["state"], "executed");
    assert_eq!(c["paid_total"], 15_000_000);
    assert_eq!(c["payments"].as_array().unwrap().len(), 2);
    let (s, c) = act(
        &t,
        &ksv,
        &c,
        "close",
        json!({"closed_on": "2026-03-05", "note": "Đã chấp hành xong"}),
    )
    .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["state"], "closed");
    assert!(allowed(&c).is_empty());
    let (s, _) = act(
        &t,
        &ksv,
        &c,
        "transfer",
        json!({"decided_on": "2026-03-05", "agency": "Công an", "reason": "x"}),
    )
    .await;
    assert_eq!(s, 409);

    // The file: every document numbered, the journal complete, the audit chain intact.
    let id = c["id"].as_str().unwrap();
    let kinds: Vec<&str> = c["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "inspection_proposal",
            "inspection_decision",
            "inspection_record",
            "violation_record",
            "sanction_decision",
            "receipt",
            "receipt",
            "closing_note"
        ]
    );
    let (_, steps) = t.get(&ksv, &format!("/api/v1/cases/{id}/steps")).await;
    assert_eq!(steps.as_array().unwrap().len(), 9);
    // A step's input is the documented object, not JSON text inside a string (schemathesis).
    assert!(steps[0]["payload"].is_object(), "{}", steps[0]["payload"]);
    let doc = c["documents"][4]["id"].as_str().unwrap();
    let (s, d) = t.get(&ksv, &format!("/api/v1/documents/{doc}")).await;
    assert_eq!(s, 200);
    assert_eq!(
        d["content"]["body"]["total_in_words"],
        "Mười lăm triệu đồng"
    );

    // A list page reads each child table (deadlines, documents, violations, payments,
    // commitments) once for all its cases: every item must be exactly what the case's own
    // page shows, for this case, a second one with one document, and the demo's cases.
    let other = open(&t, &ksv, "tip").await;
    let (s, other) = act(
        &t,
        &ksv,
        &other,
        "propose",
        json!({"content": "Kiểm tra lại"}),
    )
    .await;
    assert_eq!(s, 200, "{other}");
    let (s, list) = t.get(&ksv, "/api/v1/cases?limit=200").await;
    assert_eq!(s, 200, "{list}");
    let items = list["items"].as_array().unwrap();
    assert!(items.len() >= 2, "{list}");
    for item in items {
        let (s, one) = t
            .get(
                &ksv,
                &format!("/api/v1/cases/{}", item["id"].as_str().unwrap()),
            )
            .await;
        assert_eq!(s, 200);
        assert_eq!(item, &one);
    }
    let listed = |id: &str| items.iter().find(|i| i["id"] == id).unwrap().clone();
    assert_eq!(listed(id)["documents"].as_array().unwrap().len(), 8);
    assert_eq!(listed(id)["payments"].as_array().unwrap().len(), 2);
    assert_eq!(listed(id)["violations"].as_array().unwrap().len(), 1);
    let other_id = other["id"].as_str().unwrap();
    assert_eq!(listed(other_id)["documents"].as_array().unwrap().len(), 1);
    assert!(listed(other_id)["payments"].as_array().unwrap().is_empty());
    // The cursor pages through the same cases without a gap or a repeat: for the team's
    // inspector (one unit) and for the head of the provincial department (the province's
    // units merged), whose list must also hold the team's two cases.
    let chief = t.login("qn.chicuctruong").await;
    for token in [&ksv, &chief] {
        let (_, list) = t.get(token, "/api/v1/cases?limit=200").await;
        let all: Vec<String> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        assert!(all.iter().any(|i| i == id) && all.iter().any(|i| i == other_id));
        let mut seen = Vec::new();
        let mut path = "/api/v1/cases?limit=1".to_string();
        loop {
            let (s, page) = t.get(token, &path).await;
            assert_eq!(s, 200, "{page}");
            for i in page["items"].as_array().unwrap() {
                seen.push(i["id"].as_str().unwrap().to_string());
            }
            match page["next_cursor"].as_str() {
                Some(c) => path = format!("/api/v1/cases?limit=1&cursor={}", urlencode(c)),
                None => break,
            }
        }
        assert_eq!(seen, all);
        let (_, proposed) = t.get(token, "/api/v1/cases?state=proposed").await;
        let proposed: Vec<&str> = proposed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect();
        assert!(
            proposed.contains(&other_id) && !proposed.contains(&id),
            "{proposed:?}"
        );
    }

    assert!(matches!(
        t.app.verify_audit().await.unwrap(),
        qltt_store::audit::Verification::Intact { .. }
    ));
}
on_both!(a_case_goes_from_lead_to_closing, whole_procedure);

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn law_refusals(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    // Caught in the act: the violation record comes first.
    let c = open(&t, &ksv, "caught_in_act").await;
    // A smuggling act (2-year limitation) that ended more than two years before the record.
    let (s, b) = act(
        &t,
        &ksv,
        &c,
        "record_violation",
        violation_body("D98-15-1-a", json!("2024-01-10")),
    )
    .await;
    assert_eq!((s, code(&b)), (422, "law.limitation_expired"), "{b}");
    let (s, b) = act(
        &t,
        &ksv,
        &c,
        "record_violation",
        violation_body("D98-99-9", Value::Null),
    )
    .await;
    assert_eq!((s, code(&b)), (400, "case.unknown_violation_type"), "{b}");
    let mut refused_without_witness = violation_body("D98-15-1-a", Value::Null);
    refused_without_witness["refused_to_sign"] = json!(true);
    refused_without_witness["witnesses"] = json!([]);
    let (s, b) = act(&t, &ksv, &c, "record_violation", refused_without_witness).await;
    assert_eq!((s, code(&b)), (400, "case.refusal_needs_witness"), "{b}");
    let mut future = violation_body("D98-15-1-a", Value::Null);
    future["recorded_at"] = json!("2026-03-09T02:00:00Z");
    let (s, b) = act(&t, &ksv, &c, "record_violation", future).await;
    assert_eq!((s, code(&b)), (400, "case.date_in_future"), "{b}");
    // A small frame (no right to explain): 7 days for the decision, Thu 12/03.
    let (s, c) = act(
        &t,
        &ksv,
        &c,
        "record_violation",
        violation_body("D98-15-1-a", Value::Null),
    )
    .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(deadline(&c, "decision")["due_on"], "2026-03-12");
    assert!(deadline(&c, "explanation").is_null());
    // Past the decision deadline, no sanction (Art. 66).
    t.clock.advance(chrono::Duration::days(10));
    let ksv = t.login("qn.ksv1").await;
    let (s, b) = act(&t, &ksv, &c, "issue_sanction", json!({"issued_on": "2026-03-14", "fines": [{"violation_type_id": "D98-15-1-a", "amount": 750000}]})).await;
    assert_eq!((s, code(&b)), (422, "law.decision_overdue"), "{b}");
    // The overdue deadline shows in the team's queue.
    let (_, q) = t.get(&ksv, "/api/v1/queues").await;
    assert!(
        q["overdue"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["case_id"] == c["id"]),
        "{q}"
    );
    // Unknown step: 400.
    let (s, b) = act(&t, &ksv, &c, "fly_away", json!({})).await;
    assert_eq!((s, code(&b)), (400, "case.unknown_action"), "{b}");
    let (s, b) = act(
        &t,
        &ksv,
        &c,
        "decide_no_sanction",
        json!({"decided_on": "2026-03-14", "reason": "Hết thời hạn", "bogus": 1}),
    )
    .await;
    assert_eq!((s, code(&b)), (400, "case.invalid_body"), "{b}");
}
on_both!(the_law_refuses_what_it_must, law_refusals);

async fn scope_and_races(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let leader = t.login("qn.doitruong1").await;
    let head = t.login("qn.chicuctruong").await;
    let other = t.login("bn.ksv1").await;
    let c = open(&t, &ksv, "caught_in_act").await;
    let id = c["id"].as_str().unwrap().to_string();
    // Another province neither sees nor touches it.
    let (s, _) = t.get(&other, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(s, 404);
    let (s, _) = act(
        &t,
        &other,
        &c,
        "record_violation",
        violation_body("D98-15-1-a", Value::Null),
    )
    .await;
    assert_eq!(s, 404);
    let (_, list) = t.get(&other, "/api/v1/cases").await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["id"] != id.as_str())
    );
    let (s, b) = t
        .post(
            &other,
            "/api/v1/cases",
            json!({"unit_id": t.unit_id("QN-D1").await, "origin": "tip", "summary": "x"}),
        )
        .await;
    assert_eq!(s, 403, "{b}");
    // A viewer may read but not act.
    let viewer = t.login("qn.xem").await;
    let (s, _) = act(
        &t,
        &viewer,
        &c,
        "record_violation",
        violation_body("D98-15-1-a", Value::Null),
    )
    .await;
    assert_eq!(s, 403);

    let (s, c) = act(
        &t,
        &ksv,
        &c,
        "record_violation",
        violation_body("D98-15-1-a", Value::Null),
    )
    .await;
    assert_eq!(s, 200, "{c}");
    // A stale version: 409 with the case as it is now.
    let (s, b) = act(
        &t,
        &ksv,
        &c,
        "decide_no_sanction",
        json!({"version": 1, "decided_on": "2026-03-05", "reason": "x"}),
    )
    .await;
    assert_eq!((s, code(&b)), (409, "case.version_conflict"), "{b}");
    assert_eq!(b["error"]["details"]["case"]["state"], "violation_recorded");

    // Two leaders sign at the same moment: one wins, the other gets 409 and the new state.
    let body = json!({"issued_on": "2026-03-05", "fines": [{"violation_type_id": "D98-15-1-a", "amount": 750000}]});
    let (r1, r2) = tokio::join!(
        act(&t, &leader, &c, "issue_sanction", body.clone()),
        act(&t, &head, &c, "issue_sanction", body.clone()),
    );
    let mut statuses = [r1.0, r2.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", r1.1, r2.1);
    let loser = if r1.0 == 409 { &r1.1 } else { &r2.1 };
    assert_eq!(loser["error"]["details"]["case"]["state"], "sanctioned");
    assert_eq!(
        t.count("documents").await,
        2,
        "one violation record, one sanction decision"
    );
}
on_both!(
    cases_keep_to_their_scope_and_races_have_one_winner,
    scope_and_races
);

async fn gapless_numbers(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let mut cases = Vec::new();
    for _ in 0..12 {
        cases.push(open(&t, &ksv, "tip").await);
    }
    let futures = cases.iter().map(|c| {
        let t = &t;
        let ksv = &ksv;
        async move { act(t, ksv, c, "propose", json!({"content": "Đề xuất kiểm tra"})).await }
    });
    let results = futures_util::future::join_all(futures).await;
    let mut numbers: Vec<String> = results
        .iter()
        .map(|(s, b)| {
            assert_eq!(*s, 200, "{b}");
            b["produced"][0]["number"].as_str().unwrap().to_string()
        })
        .collect();
    numbers.sort();
    let want: Vec<String> = (1..=12).map(|n| format!("{n:02}/ĐX")).collect();
    assert_eq!(numbers, want);
}
on_both!(
    document_numbers_stay_unique_and_gapless_under_parallel_requests,
    gapless_numbers
);

/// Sixteen officers recording at once: every step succeeds (a step that read through the pool
/// while holding its write transaction used to lock SQLite up from 8 writers on).
async fn many_writers(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let mut cases = Vec::new();
    for _ in 0..16 {
        cases.push(open(&t, &ksv, "caught_in_act").await);
    }
    let futures = cases.iter().map(|c| {
        let t = &t;
        let ksv = &ksv;
        async move {
            act(
                t,
                ksv,
                c,
                "record_violation",
                violation_body("D98-15-1-a", Value::Null),
            )
            .await
        }
    });
    for (s, b) in futures_util::future::join_all(futures).await {
        assert_eq!(s, 200, "{b}");
    }
}
on_both!(sixteen_parallel_steps_all_succeed, many_writers);
