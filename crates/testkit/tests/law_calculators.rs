//! The law's calculators and reference data over HTTP: the fine and deadline calculators of
//! ins.md (exact fields), the working-day calendar an admin edits (and the deadlines that follow
//! it), the violation catalogue.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both};
use serde_json::{Value, json};

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

async fn fine_calculator(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    // The example of ins.md, field for field.
    let (s, b) = t
        .post(&ksv, "/api/v1/law/fine", json!({"frame_min": 10000000, "frame_max": 20000000, "offender": "individual", "mitigating": 0, "aggravating": 0}))
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["amount"], 15_000_000);
    assert_eq!(b["allowed_min"], 15_000_000);
    assert_eq!(b["allowed_max"], 15_000_000);
    assert_eq!(b["amount_in_words"], "Mười lăm triệu đồng");
    assert_eq!(b["explanation_right"], true);
    assert!(b["basis"].as_array().is_some_and(|a| !a.is_empty()));
    // An organisation's frame is twice the written one.
    let (_, b) = t
        .post(
            &ksv,
            "/api/v1/law/fine",
            json!({"frame_min": 10000000, "frame_max": 20000000, "offender": "organization"}),
        )
        .await;
    assert_eq!(b["amount"], 30_000_000);
    // Two aggravating circumstances: the maximum.
    let (_, b) = t
        .post(&ksv, "/api/v1/law/fine", json!({"frame_min": 10000000, "frame_max": 20000000, "offender": "individual", "aggravating": 2}))
        .await;
    assert_eq!(b["amount"], 20_000_000);
    // A small frame: no right to explain.
    let (_, b) = t
        .post(
            &ksv,
            "/api/v1/law/fine",
            json!({"frame_min": 500000, "frame_max": 1000000, "offender": "individual"}),
        )
        .await;
    assert_eq!(b["explanation_right"], false);
    let (s, b) = t
        .post(
            &ksv,
            "/api/v1/law/fine",
            json!({"frame_min": 20000000, "frame_max": 10000000, "offender": "individual"}),
        )
        .await;
    assert_eq!((s, code(&b)), (400, "law.invalid_frame"), "{b}");
    let (s, _) = t
        .post(
            &ksv,
            "/api/v1/law/fine",
            json!({"frame_min": 1, "frame_max": 2, "offender": "robot"}),
        )
        .await;
    assert_eq!(s, 400);
    // Signed-in officers only.
    let (s, _) = t
        .post(
            "not-a-token",
            "/api/v1/law/fine",
            json!({"frame_min": 1, "frame_max": 2, "offender": "individual"}),
        )
        .await;
    assert_eq!(s, 401);
}
on_both!(fine_calculator_answers_as_ins_md_specifies, fine_calculator);

async fn deadlines_follow_the_calendar(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let req = json!({"recorded_on": "2026-10-15", "explanation": "written", "verification": false, "extended": false, "decision_received_on": null});
    let (s, b) = t.post(&ksv, "/api/v1/law/deadlines", req.clone()).await;
    assert_eq!(s, 200, "{b}");
    // Thu 15/10/2026 + 5 working days = Thu 22/10 (the example of ins.md).
    assert_eq!(b["explanation_due"], "2026-10-22");
    // + 30 days = Sat 14/11 → the next working day, Mon 16/11 (Civil Code Art. 148).
    assert_eq!(b["decision_due"], "2026-11-16");
    assert_eq!(b["payment_due"], Value::Null);
    // No explanation: 7 days → Thu 22/10.
    let (_, b) = t
        .post(
            &ksv,
            "/api/v1/law/deadlines",
            json!({"recorded_on": "2026-10-15", "explanation": "none"}),
        )
        .await;
    assert_eq!(b["decision_due"], "2026-10-22");
    assert_eq!(b["explanation_due"], Value::Null);
    // The extension needs a 30-day case.
    let (s, b) = t
        .post(
            &ksv,
            "/api/v1/law/deadlines",
            json!({"recorded_on": "2026-10-15", "explanation": "none", "extended": true}),
        )
        .await;
    assert_eq!((s, code(&b)), (422, "law.extension_not_allowed"), "{b}");

    // The admin declares Fri 16/10 a day off: the written explanation moves to Fri 23/10.
    let admin = t.login("admin").await;
    let (s, b) = t
        .put(
            &admin,
            "/api/v1/calendar/days/2026-10-16",
            json!({"kind": "holiday", "name": "Nghỉ bù (thử)"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (_, b) = t.post(&ksv, "/api/v1/law/deadlines", req.clone()).await;
    assert_eq!(b["explanation_due"], "2026-10-23");
    // Officers may read the calendar but not edit it.
    let (s, b) = t
        .put(
            &ksv,
            "/api/v1/calendar/days/2026-10-19",
            json!({"kind": "holiday", "name": "x"}),
        )
        .await;
    assert_eq!(s, 403, "{b}");
    let (s, b) = t
        .put(
            &admin,
            "/api/v1/calendar/days/2026-10-19",
            json!({"kind": "working", "name": "x"}),
        )
        .await;
    assert_eq!((s, code(&b)), (400, "calendar.not_a_weekend"), "{b}");
    let (s, _) = t
        .put(
            &admin,
            "/api/v1/calendar/days/2026-13-40",
            json!({"kind": "holiday", "name": "x"}),
        )
        .await;
    assert_eq!(s, 400);
    let (s, b) = t.get(&ksv, "/api/v1/calendar/2026").await;
    assert_eq!(s, 200);
    let days = b["days"].as_array().unwrap();
    assert!(
        days.iter()
            .any(|d| d["day"] == "2026-02-17" && d["kind"] == "holiday"),
        "Tết 2026 seeded: {b}"
    );
    assert!(days.iter().any(|d| d["day"] == "2026-10-16"));
    // Removing the day off puts the deadline back; both edits are in the audit chain.
    let (s, _) = t.delete(&admin, "/api/v1/calendar/days/2026-10-16").await;
    assert_eq!(s, 204);
    let (s, _) = t.delete(&admin, "/api/v1/calendar/days/2026-10-16").await;
    assert_eq!(s, 404);
    let (_, b) = t.post(&ksv, "/api/v1/law/deadlines", req).await;
    assert_eq!(b["explanation_due"], "2026-10-22");
    let (_, audit) = t.get(&admin, "/api/v1/audit?entity=2026-10-16").await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"calendar.set") && actions.contains(&"calendar.clear"),
        "{audit}"
    );
}
on_both!(
    deadlines_follow_the_editable_calendar,
    deadlines_follow_the_calendar
);

async fn catalogue(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    // Without diacritics, any group: smuggled goods and prohibited smuggled cigarettes.
    let (s, b) = t.get(&ksv, "/api/v1/violation-types?q=nhap%20lau").await;
    assert_eq!(s, 200, "{b}");
    let groups: Vec<&str> = b
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["violation_group"].as_str())
        .collect();
    assert!(
        groups.contains(&"smuggled") && groups.contains(&"prohibited"),
        "{groups:?}"
    );
    // With diacritics, within one group.
    let (s, b) = t
        .get(
            &ksv,
            "/api/v1/violation-types?q=nh%E1%BA%ADp%20l%E1%BA%ADu&group=smuggled",
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let items = b.as_array().unwrap();
    assert!(!items.is_empty());
    assert!(
        items.iter().all(|v| v["violation_group"] == "smuggled"),
        "{b}"
    );
    let first = &items[0];
    assert!(first["id"].as_str().unwrap().contains('@'));
    let (s, one) = t
        .get(
            &ksv,
            &format!("/api/v1/violation-types/{}", first["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(one["code"], first["code"]);
    let (s, b) = t.get(&ksv, "/api/v1/violation-types?group=robots").await;
    assert_eq!((s, code(&b)), (400, "violation_type.invalid_group"));
    // Loading the catalogue again at the next start changes nothing and writes no event.
    let before = t.count("audit_events").await;
    let sync = t.app.sync_violation_catalogue().await.unwrap();
    assert_eq!(sync.inserted + sync.updated, 0);
    assert_eq!(t.count("audit_events").await, before);
}
on_both!(violation_catalogue_is_searchable_and_loaded_once, catalogue);
