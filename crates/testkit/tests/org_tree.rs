//! The organisation tree over the API: create, rename, move, merge, with history kept.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both};
use serde_json::{Value, json};

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

async fn create_and_refuse(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let tw = t.unit_id("TW").await;
    let (s, b) = t
        .post(
            &admin,
            "/api/v1/units",
            json!({"name": "Đội QLTT số 5", "code": "qn-d5", "kind": "team", "parent_id": qn}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["code"], "QN-D5");
    assert_eq!(b["parent_id"], qn.as_str());
    let (s, b) = t
        .post(
            &admin,
            "/api/v1/units",
            json!({"name": "Đội lạc", "code": "TW-D1", "kind": "team", "parent_id": tw}),
        )
        .await;
    assert_eq!((s, code(&b)), (422, "unit.invalid_parent"));
    let (s, b) = t
        .post(
            &admin,
            "/api/v1/units",
            json!({"name": "Trùng mã", "code": "QN-D5", "kind": "team", "parent_id": qn}),
        )
        .await;
    assert_eq!((s, code(&b)), (409, "unit.code_taken"));
    let (s, b) = t
        .post(
            &admin,
            "/api/v1/units",
            json!({"name": "Không cha", "code": "QN-D6", "kind": "team", "parent_id": "missing"}),
        )
        .await;
    assert_eq!((s, code(&b)), (404, "unit.not_found"));
}
on_both!(
    units_are_created_only_where_the_tree_allows,
    create_and_refuse
);

async fn rename_and_move_keep_history(t: TestApp) {
    let admin = t.login("admin").await;
    let d1 = t.unit_id("QN-D1").await;
    let d2 = t.unit_id("QN-D2").await;
    let ct = t.unit_id("QN-D4-CT").await;
    let (s, b) = t
        .patch(
            &admin,
            &format!("/api/v1/units/{d1}"),
            json!({"name": "Đội QLTT số 1 (Hạ Long)"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["name"], "Đội QLTT số 1 (Hạ Long)");
    let (_, detail) = t.get(&admin, &format!("/api/v1/units/{d1}")).await;
    let versions = detail["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["name"], "Đội Quản lý thị trường số 1");
    assert!(versions[0]["valid_to"].is_string());
    assert_eq!(versions[1]["reason"], "rename");
    assert!(versions[1]["valid_to"].is_null());
    // The Cô Tô work group moves from team 4 to team 2.
    let (s, b) = t
        .patch(
            &admin,
            &format!("/api/v1/units/{ct}"),
            json!({"parent_id": d2}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["parent_id"], d2.as_str());
    // A unit cannot move under its own descendant.
    let qn = t.unit_id("QN").await;
    let (s, b) = t
        .patch(
            &admin,
            &format!("/api/v1/units/{qn}"),
            json!({"parent_id": d2}),
        )
        .await;
    assert_eq!((s, code(&b)), (422, "unit.cycle"));
    // Nothing to change is not an event.
    let before = t.count("audit_events").await;
    let (s, _) = t
        .patch(&admin, &format!("/api/v1/units/{d2}"), json!({}))
        .await;
    assert_eq!(s, 200);
    assert_eq!(t.count("audit_events").await, before);
    let (_, events) = t.get(&admin, &format!("/api/v1/audit?entity={d1}")).await;
    let actions: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["unit.rename", "unit.create"]);
}
on_both!(
    rename_and_move_record_new_versions,
    rename_and_move_keep_history
);

async fn merge_rules(t: TestApp) {
    let admin = t.login("admin").await;
    let d2 = t.unit_id("QN-D2").await;
    let d3 = t.unit_id("QN-D3").await;
    let qn = t.unit_id("QN").await;
    let (s, b) = t
        .post(
            &admin,
            &format!("/api/v1/units/{d3}/merge"),
            json!({"into_unit_id": d2}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["merged_into"], d2.as_str());
    assert!(b["valid_to"].is_string());
    // New work goes to the successor: nothing new may be placed in the merged unit.
    let (s, b) = t
        .post(
            &admin,
            "/api/v1/units",
            json!({"name": "Tổ mới", "code": "QN-D3-T", "kind": "work_group", "parent_id": d3}),
        )
        .await;
    assert_eq!((s, code(&b)), (422, "unit.inactive"));
    let (s, b) = t
        .post(&admin, "/api/v1/users", json!({"username": "qn.moi", "full_name": "Người Mới", "password": "mat-khau-du-dai", "unit_id": d3, "roles": ["inspector"]}))
        .await;
    assert_eq!((s, code(&b)), (422, "unit.inactive"));
    let (s, b) = t
        .post(
            &admin,
            &format!("/api/v1/units/{d3}/merge"),
            json!({"into_unit_id": d2}),
        )
        .await;
    assert_eq!((s, code(&b)), (422, "unit.inactive"));
    let (s, b) = t
        .post(
            &admin,
            &format!("/api/v1/units/{d2}/merge"),
            json!({"into_unit_id": qn}),
        )
        .await;
    assert_eq!((s, code(&b)), (422, "unit.merge_kind_mismatch"));
    let (s, b) = t
        .post(
            &admin,
            &format!("/api/v1/units/{d2}/merge"),
            json!({"into_unit_id": d2}),
        )
        .await;
    assert_eq!((s, code(&b)), (422, "unit.merge_into_self"));
    // The merged unit still appears, under its successor, marked inactive.
    let (_, tree) = t.get(&admin, "/api/v1/units").await;
    let qn_node = tree["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "QN")
        .unwrap();
    let d2_node = qn_node["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "QN-D2")
        .unwrap();
    assert!(
        d2_node["children"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "QN-D3" && c["active"] == false)
    );
    assert!(
        !qn_node["children"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "QN-D3")
    );
    let (_, events) = t.get(&admin, &format!("/api/v1/audit?entity={d3}")).await;
    assert_eq!(events["items"][0]["action"], "unit.merge");
}
on_both!(a_merged_team_takes_no_new_work, merge_rules);

/// Officers of a merged unit move to the successor; their old records keep the old unit.
async fn merge_moves_officers_and_children(t: TestApp) {
    let admin = t.login("admin").await;
    let d4 = t.unit_id("QN-D4").await;
    let d1 = t.unit_id("QN-D1").await;
    let ct = t.unit_id("QN-D4-CT").await;
    // An officer homed in team 4 itself.
    let (s, b) = t
        .post(&admin, "/api/v1/users", json!({"username": "qn.d4", "full_name": "Trần Văn Bốn", "password": "mat-khau-du-dai", "unit_id": d4, "roles": ["team_leader"]}))
        .await;
    assert_eq!(s, 201, "{b}");
    let created_event_unit: (String,) = sqlx::query_as(
        "SELECT unit_id FROM audit_events WHERE action = 'officer.create' AND entity_id = $1",
    )
    .bind(b["id"].as_str().unwrap())
    .fetch_one(t.app.db.pool())
    .await
    .unwrap();
    let (s, _) = t
        .post(
            &admin,
            &format!("/api/v1/units/{d4}/merge"),
            json!({"into_unit_id": d1}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, officer) = t
        .get(
            &admin,
            &format!("/api/v1/users/{}", b["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(officer["unit_id"], d1.as_str());
    let (_, ct_unit) = t.get(&admin, &format!("/api/v1/units/{ct}")).await;
    assert_eq!(ct_unit["parent_id"], d1.as_str());
    // The record made before the merge still names team 4.
    assert_eq!(created_event_unit.0, d4);
    // Team 1's leader now sees the Cô Tô group and team 4's history.
    let leader = t.login("qn.doitruong1").await;
    assert_eq!(t.get(&leader, &format!("/api/v1/units/{d4}")).await.0, 200);
    assert_eq!(t.get(&leader, &format!("/api/v1/units/{ct}")).await.0, 200);
}
on_both!(
    a_merge_moves_sub_units_and_officers_to_the_successor,
    merge_moves_officers_and_children
);
