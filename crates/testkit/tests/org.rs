//! The organisation tree over the API, as the national administrator: create, rename, move and
//! merge units, with the rules of the tree (kinds, cycles, merged units) and the audit trail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Duration;
use qltt_testkit::{TestApp, on_both};
use serde_json::{Value, json};

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

/// The instant the test clock shows, as the store writes it.
fn stamp(t: &TestApp) -> String {
    use qltt_domain::Clock;
    qltt_store::ts(t.clock.now())
}

async fn audit_of(t: &TestApp, token: &str, entity: &str) -> Vec<Value> {
    let (s, b) = t
        .get(token, &format!("/api/v1/audit?entity={entity}"))
        .await;
    assert_eq!(s, 200, "{b}");
    b["items"].as_array().unwrap().clone()
}

fn actions(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

fn details(event: &Value) -> Value {
    serde_json::from_str(event["details"].as_str().unwrap()).unwrap()
}

fn find_node<'a>(node: &'a Value, id: &str) -> Option<&'a Value> {
    if node["id"] == id {
        return Some(node);
    }
    node["children"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|c| find_node(c, id))
}

fn new_unit(name: &str, code: &str, kind: &str, parent: &str) -> Value {
    json!({"name": name, "code": code, "kind": kind, "parent_id": parent})
}

async fn admin_creates_a_team_under_quang_ninh_case(t: TestApp) {
    let admin = t.login("admin").await;
    let admin_id = t.user_id("admin").await;
    let qn = t.unit_id("QN").await;
    let units_before = t.count("units").await;

    let (s, b) = t
        .post(
            &admin,
            "/api/v1/units",
            new_unit("Đội Quản lý thị trường số 5", " qn-d5 ", "team", &qn),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["code"], "QN-D5");
    assert_eq!(b["kind"], "team");
    assert_eq!(b["name"], "Đội Quản lý thị trường số 5");
    assert_eq!(b["parent_id"], qn.as_str());
    assert_eq!(b["merged_into"], Value::Null);
    assert_eq!(b["valid_to"], Value::Null);
    assert_eq!(b["valid_from"], stamp(&t).as_str());
    let d5 = b["id"].as_str().unwrap().to_string();
    assert_eq!(t.unit_id("QN-D5").await, d5);

    let (s, b) = t.get(&admin, &format!("/api/v1/units/{d5}")).await;
    assert_eq!(s, 200);
    assert_eq!(b["active"], true);
    let versions = b["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0]["reason"], "create");
    assert_eq!(versions[0]["parent_id"], qn.as_str());
    assert_eq!(versions[0]["valid_to"], Value::Null);

    // The Chi cục's head sees the new team in the tree, under Quảng Ninh.
    let head = t.login("qn.chicuctruong").await;
    let (_, tree) = t.get(&head, "/api/v1/units").await;
    let node = find_node(&tree, &d5).expect("new team in the tree");
    assert_eq!(node["active"], true);
    assert!(
        tree["children"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == d5.as_str())
    );

    // The creation is in the audit log, by the administrator.
    let events = audit_of(&t, &admin, &d5).await;
    assert_eq!(actions(&events), ["unit.create"]);
    assert_eq!(events[0]["actor_id"], admin_id.as_str());
    assert_eq!(events[0]["unit_id"], d5.as_str());
    let d = details(&events[0]);
    assert_eq!(d["code"], "QN-D5");
    assert_eq!(d["kind"], "team");
    assert_eq!(d["parent_id"], qn.as_str());

    // A work group may hang directly under the Chi cục (an island).
    let (s, b) = t
        .post(
            &admin,
            "/api/v1/units",
            new_unit("Tổ công tác đảo Vân Đồn", "qn-vd", "work_group", &qn),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["code"], "QN-VD");
    assert_eq!(t.count("units").await, units_before + 2);
}
on_both!(
    admin_creates_a_team_under_quang_ninh,
    admin_creates_a_team_under_quang_ninh_case
);

async fn admin_cannot_place_a_unit_where_the_tree_forbids_case(t: TestApp) {
    let admin = t.login("admin").await;
    let tw = t.unit_id("TW").await;
    let qn = t.unit_id("QN").await;
    let qn_d1 = t.unit_id("QN-D1").await;
    let co_to = t.unit_id("QN-D4-CT").await;
    let units_before = t.count("units").await;
    let audit_before = t.count("audit_events").await;

    for (kind, parent, why) in [
        ("team", &tw, "team under national"),
        ("work_group", &tw, "work group under national"),
        ("provincial_unit", &qn, "provincial under provincial"),
        ("provincial_unit", &qn_d1, "provincial under team"),
        ("team", &qn_d1, "team under team"),
        ("work_group", &co_to, "work group under work group"),
        ("national_unit", &tw, "second national unit"),
    ] {
        let (s, b) = t
            .post(
                &admin,
                "/api/v1/units",
                new_unit("Đơn vị sai chỗ", "SAI-CHO", kind, parent),
            )
            .await;
        assert_eq!((s, code(&b)), (422, "unit.invalid_parent"), "{why}: {b}");
    }
    // Codes are unique, whatever the case typed.
    for dup in ["QN-D1", "qn-d1", " Qn-D1 ", "TW"] {
        let (s, b) = t
            .post(
                &admin,
                "/api/v1/units",
                new_unit("Đội trùng mã", dup, "team", &qn),
            )
            .await;
        assert_eq!((s, code(&b)), (409, "unit.code_taken"), "{dup}: {b}");
    }
    // Malformed input.
    for (body, want, field) in [
        (
            new_unit("Đội", "QN-D9", "doi", &qn),
            "unit.invalid_kind",
            "kind",
        ),
        (
            new_unit("Đội", "Q", "team", &qn),
            "unit.invalid_code",
            "code",
        ),
        (
            new_unit("Đội", "ĐỘI-9", "team", &qn),
            "unit.invalid_code",
            "code",
        ),
        (new_unit("   ", "QN-D9", "team", &qn), "", "name"),
    ] {
        let (s, b) = t.post(&admin, "/api/v1/units", body).await;
        assert_eq!(s, 400, "{b}");
        if !want.is_empty() {
            assert_eq!(code(&b), want);
        }
        assert_eq!(b["error"]["details"]["field"], field, "{b}");
    }
    // A parent that does not exist.
    let (s, b) = t
        .post(
            &admin,
            "/api/v1/units",
            new_unit(
                "Đội",
                "QN-D9",
                "team",
                "0190aaaa-0000-7000-8000-000000000000",
            ),
        )
        .await;
    assert_eq!((s, code(&b)), (404, "unit.not_found"));

    assert_eq!(t.count("units").await, units_before);
    assert_eq!(t.count("audit_events").await, audit_before);
}
on_both!(
    admin_cannot_place_a_unit_where_the_tree_forbids,
    admin_cannot_place_a_unit_where_the_tree_forbids_case
);

async fn admin_renames_a_team_and_a_new_version_is_recorded_case(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let qn_d1 = t.unit_id("QN-D1").await;
    let created = stamp(&t);
    t.clock.advance(Duration::hours(3));
    let renamed = stamp(&t);

    let (s, b) = t
        .patch(
            &admin,
            &format!("/api/v1/units/{qn_d1}"),
            json!({"name": "Đội Quản lý thị trường số 1 - Hạ Long"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["name"], "Đội Quản lý thị trường số 1 - Hạ Long");
    assert_eq!(b["code"], "QN-D1");
    assert_eq!(b["parent_id"], qn.as_str());
    assert_eq!(b["id"], qn_d1.as_str());

    let (s, b) = t.get(&admin, &format!("/api/v1/units/{qn_d1}")).await;
    assert_eq!(s, 200);
    let v = b["versions"].as_array().unwrap();
    assert_eq!(v.len(), 2, "{b}");
    assert_eq!(v[0]["name"], "Đội Quản lý thị trường số 1");
    assert_eq!(v[0]["reason"], "create");
    assert_eq!(v[0]["valid_from"], created.as_str());
    assert_eq!(v[0]["valid_to"], renamed.as_str());
    assert_eq!(v[1]["name"], "Đội Quản lý thị trường số 1 - Hạ Long");
    assert_eq!(v[1]["reason"], "rename");
    assert_eq!(v[1]["valid_from"], renamed.as_str());
    assert_eq!(v[1]["valid_to"], Value::Null);
    assert_eq!(v[1]["parent_id"], qn.as_str());

    // The officers of the team see the new name.
    let ksv = t.login("qn.ksv1").await;
    let (_, me) = t.get(&ksv, "/api/v1/me").await;
    assert_eq!(me["unit_name"], "Đội Quản lý thị trường số 1 - Hạ Long");

    // Giving the same name again changes nothing: no version, no event.
    let audit_before = t.count("audit_events").await;
    let (s, _) = t
        .patch(
            &admin,
            &format!("/api/v1/units/{qn_d1}"),
            json!({"name": "Đội Quản lý thị trường số 1 - Hạ Long"}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, b) = t.get(&admin, &format!("/api/v1/units/{qn_d1}")).await;
    assert_eq!(b["versions"].as_array().unwrap().len(), 2);
    assert_eq!(t.count("audit_events").await, audit_before);

    // An empty name is refused.
    let (s, b) = t
        .patch(
            &admin,
            &format!("/api/v1/units/{qn_d1}"),
            json!({"name": "  "}),
        )
        .await;
    assert_eq!(s, 400, "{b}");
    assert_eq!(b["error"]["details"]["field"], "name");

    let events = audit_of(&t, &admin, &qn_d1).await;
    assert_eq!(actions(&events), ["unit.rename", "unit.create"]);
    let d = details(&events[0]);
    assert_eq!(d["name"]["from"], "Đội Quản lý thị trường số 1");
    assert_eq!(d["name"]["to"], "Đội Quản lý thị trường số 1 - Hạ Long");
}
on_both!(
    admin_renames_a_team_and_a_new_version_is_recorded,
    admin_renames_a_team_and_a_new_version_is_recorded_case
);

async fn admin_moves_the_co_to_work_group_to_another_team_case(t: TestApp) {
    let admin = t.login("admin").await;
    let qn_d1 = t.unit_id("QN-D1").await;
    let qn_d4 = t.unit_id("QN-D4").await;
    let co_to = t.unit_id("QN-D4-CT").await;
    t.clock.advance(Duration::hours(5));

    // Before: team 1's leader does not see Cô Tô; team 4's structure holds it.
    let leader = t.login("qn.doitruong1").await;
    let (s, b) = t.get(&leader, &format!("/api/v1/units/{co_to}")).await;
    assert_eq!((s, code(&b)), (404, "unit.not_found"));

    let (s, b) = t
        .patch(
            &admin,
            &format!("/api/v1/units/{co_to}"),
            json!({"parent_id": qn_d1}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["parent_id"], qn_d1.as_str());
    assert_eq!(b["name"], "Tổ công tác đảo Cô Tô");

    let (_, b) = t.get(&admin, &format!("/api/v1/units/{co_to}")).await;
    let v = b["versions"].as_array().unwrap();
    assert_eq!(v.len(), 2, "{b}");
    assert_eq!(v[0]["parent_id"], qn_d4.as_str());
    assert!(v[0]["valid_to"].is_string());
    assert_eq!(v[1]["parent_id"], qn_d1.as_str());
    assert_eq!(v[1]["reason"], "move");
    assert_eq!(v[1]["valid_to"], Value::Null);

    // After: team 1's leader sees the work group and its officer; team 4 no longer has it.
    let (s, _) = t.get(&leader, &format!("/api/v1/units/{co_to}")).await;
    assert_eq!(s, 200);
    let (_, users) = t.get(&leader, "/api/v1/users?limit=200").await;
    assert!(
        users["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["username"] == "qn.coto"),
        "{users}"
    );
    let head = t.login("qn.chicuctruong").await;
    let (_, tree) = t.get(&head, "/api/v1/units").await;
    let d1 = find_node(&tree, &qn_d1).unwrap();
    assert!(
        d1["children"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == co_to.as_str())
    );
    let d4 = find_node(&tree, &qn_d4).unwrap();
    assert_eq!(d4["children"], json!([]));

    // A work group cannot carry a team; a team cannot hang under the national unit.
    let qn_d2 = t.unit_id("QN-D2").await;
    let tw = t.unit_id("TW").await;
    for (unit, parent) in [(&qn_d2, &co_to), (&qn_d2, &tw)] {
        let (s, b) = t
            .patch(
                &admin,
                &format!("/api/v1/units/{unit}"),
                json!({"parent_id": parent}),
            )
            .await;
        assert_eq!((s, code(&b)), (422, "unit.invalid_parent"), "{b}");
    }

    let events = audit_of(&t, &admin, &co_to).await;
    assert_eq!(actions(&events), ["unit.move", "unit.create"]);
    let d = details(&events[0]);
    assert_eq!(d["parent_id"]["from"], qn_d4.as_str());
    assert_eq!(d["parent_id"]["to"], qn_d1.as_str());
}
on_both!(
    admin_moves_the_co_to_work_group_to_another_team,
    admin_moves_the_co_to_work_group_to_another_team_case
);

async fn moving_a_unit_under_its_own_descendant_is_refused_case(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let qn_d1 = t.unit_id("QN-D1").await;
    let qn_d4 = t.unit_id("QN-D4").await;
    let co_to = t.unit_id("QN-D4-CT").await;
    let versions_before = t.count("unit_versions").await;

    for (unit, parent, why) in [
        (&qn_d4, &co_to, "team under its own work group"),
        (&qn_d4, &qn_d4, "team under itself"),
        (&qn, &qn_d1, "Chi cục under its own team"),
        (&qn, &co_to, "Chi cục under its own grandchild"),
    ] {
        let (s, b) = t
            .patch(
                &admin,
                &format!("/api/v1/units/{unit}"),
                json!({"parent_id": parent}),
            )
            .await;
        assert_eq!((s, code(&b)), (422, "unit.cycle"), "{why}: {b}");
    }
    assert_eq!(t.count("unit_versions").await, versions_before);
    let (_, b) = t.get(&admin, &format!("/api/v1/units/{qn_d4}")).await;
    assert_eq!(b["parent_id"], qn.as_str());
}
on_both!(
    moving_a_unit_under_its_own_descendant_is_refused,
    moving_a_unit_under_its_own_descendant_is_refused_case
);

async fn admin_merges_team_3_into_team_2_case(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let d2 = t.unit_id("QN-D2").await;
    let d3 = t.unit_id("QN-D3").await;

    // Team 3 gets a work group and an officer before the merger.
    let (s, wg) = t
        .post(
            &admin,
            "/api/v1/units",
            new_unit("Tổ công tác Uông Bí", "QN-D3-UB", "work_group", &d3),
        )
        .await;
    assert_eq!(s, 201, "{wg}");
    let wg = wg["id"].as_str().unwrap().to_string();
    let (s, o) = t
        .post(
            &admin,
            "/api/v1/users",
            json!({"username": "qn.ksv3", "full_name": "Đinh Văn Ba", "password": "mat-khau-du-dai-2026",
                   "unit_id": d3, "roles": ["inspector"], "rank": "ksv"}),
        )
        .await;
    assert_eq!(s, 201, "{o}");
    let ksv3 = o["id"].as_str().unwrap().to_string();
    // Its business, registered before the merger.
    let (_, found) = t.get(&admin, "/api/v1/businesses?q=Uong%20Bi").await;
    let biz = found["items"][0]["id"]
        .as_str()
        .expect("business of team 3")
        .to_string();
    assert_eq!(found["items"][0]["unit_id"], d3.as_str());

    t.clock.advance(Duration::hours(2));
    let merged_at = stamp(&t);
    let (s, b) = t
        .post(
            &admin,
            &format!("/api/v1/units/{d3}/merge"),
            json!({"into_unit_id": d2}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["id"], d3.as_str());
    assert_eq!(b["merged_into"], d2.as_str());
    assert_eq!(b["valid_to"], merged_at.as_str());
    // It keeps its place and name: old records still read "Đội số 3".
    assert_eq!(b["parent_id"], qn.as_str());
    assert_eq!(b["name"], "Đội Quản lý thị trường số 3");

    let (_, b) = t.get(&admin, &format!("/api/v1/units/{d3}")).await;
    assert_eq!(b["active"], false);
    let v = b["versions"].as_array().unwrap();
    assert!(v.iter().all(|v| v["valid_to"].is_string()), "{b}");
    assert_eq!(v.last().unwrap()["valid_to"], merged_at.as_str());

    // Its work group and its officer now belong to team 2; its business stays its own.
    let (_, b) = t.get(&admin, &format!("/api/v1/units/{wg}")).await;
    assert_eq!(b["parent_id"], d2.as_str());
    assert_eq!(
        b["versions"].as_array().unwrap().last().unwrap()["reason"],
        "merge"
    );
    let (_, b) = t.get(&admin, &format!("/api/v1/users/{ksv3}")).await;
    assert_eq!(b["unit_id"], d2.as_str());
    let (_, b) = t.get(&admin, &format!("/api/v1/businesses/{biz}")).await;
    assert_eq!(b["unit_id"], d3.as_str());
    // ... and is visible to the officers of team 2 (the moved officer included).
    let ksv3_token = {
        let r = t
            .http
            .post(t.url("/api/v1/session"))
            .json(&json!({"username": "qn.ksv3", "password": "mat-khau-du-dai-2026"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        body["token"].as_str().unwrap().to_string()
    };
    let (s, b) = t
        .get(&ksv3_token, &format!("/api/v1/businesses/{biz}"))
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = t.get(&ksv3_token, &format!("/api/v1/units/{d3}")).await;
    assert_eq!(s, 200, "{b}");

    // In the tree, team 3 hangs under team 2, inactive, with nothing below it.
    let head = t.login("qn.chicuctruong").await;
    let (_, tree) = t.get(&head, "/api/v1/units").await;
    assert!(
        !tree["children"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == d3.as_str()),
        "merged team still under the Chi cục"
    );
    let n2 = find_node(&tree, &d2).unwrap();
    let n3 = n2["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == d3.as_str())
        .expect("team 3 under team 2");
    assert_eq!(n3["active"], false);
    assert_eq!(n3["children"], json!([]));
    // Active units first.
    assert_eq!(
        n2["children"].as_array().unwrap().last().unwrap()["id"],
        d3.as_str()
    );

    // Nothing new may go into the merged team.
    let (s, b) = t
        .post(
            &admin,
            "/api/v1/units",
            new_unit("Tổ mới", "QN-D3-X", "work_group", &d3),
        )
        .await;
    assert_eq!((s, code(&b)), (422, "unit.inactive"), "{b}");
    let (s, b) = t
        .post(
            &admin,
            "/api/v1/users",
            json!({"username": "qn.ksv4", "full_name": "Mai Văn Bốn", "password": "mat-khau-du-dai-2026",
                   "unit_id": d3, "roles": ["inspector"]}),
        )
        .await;
    assert_eq!((s, code(&b)), (422, "unit.inactive"), "{b}");
    let hr = t.login("qn.tochuc").await;
    let (s, b) = t
        .post(
            &hr,
            "/api/v1/users",
            json!({"username": "qn.ksv4", "full_name": "Mai Văn Bốn", "password": "mat-khau-du-dai-2026",
                   "unit_id": d3, "roles": ["inspector"]}),
        )
        .await;
    assert_eq!((s, code(&b)), (422, "unit.inactive"), "{b}");
    // Nor can it be renamed, moved, merged again, or receive a merger or a move.
    let qn_d1 = t.unit_id("QN-D1").await;
    let co_to = t.unit_id("QN-D4-CT").await;
    for (path, body, how) in [
        (
            format!("/api/v1/units/{d3}"),
            json!({"name": "Đội số 3 mới"}),
            "patch",
        ),
        (
            format!("/api/v1/units/{d3}"),
            json!({"parent_id": qn_d1}),
            "patch",
        ),
        (
            format!("/api/v1/units/{co_to}"),
            json!({"parent_id": d3}),
            "patch",
        ),
        (
            format!("/api/v1/units/{d3}/merge"),
            json!({"into_unit_id": qn_d1}),
            "post",
        ),
        (
            format!("/api/v1/units/{qn_d1}/merge"),
            json!({"into_unit_id": d3}),
            "post",
        ),
    ] {
        let (s, b) = if how == "patch" {
            t.patch(&admin, &path, body.clone()).await
        } else {
            t.post(&admin, &path, body.clone()).await
        };
        assert_eq!((s, code(&b)), (422, "unit.inactive"), "{path} {body}: {b}");
    }

    // The audit log tells the story of team 3.
    let events = audit_of(&t, &admin, &d3).await;
    assert_eq!(actions(&events), ["unit.merge", "unit.create"]);
    let d = details(&events[0]);
    assert_eq!(d["into"], d2.as_str());
    assert_eq!(d["into_code"], "QN-D2");
    assert_eq!(d["moved_units"], json!([wg]));
    assert_eq!(d["moved_officers"], json!([ksv3]));
    assert_eq!(events[0]["unit_id"], d2.as_str());
    // Quảng Ninh's head reads the same story.
    assert_eq!(
        actions(&audit_of(&t, &head, &d3).await),
        ["unit.merge", "unit.create"]
    );
}
on_both!(
    admin_merges_team_3_into_team_2,
    admin_merges_team_3_into_team_2_case
);

async fn merging_a_team_into_a_provincial_unit_is_refused_case(t: TestApp) {
    let admin = t.login("admin").await;
    let tw = t.unit_id("TW").await;
    let qn = t.unit_id("QN").await;
    let bn = t.unit_id("BN").await;
    let qn_d1 = t.unit_id("QN-D1").await;
    let qn_d4 = t.unit_id("QN-D4").await;
    let co_to = t.unit_id("QN-D4-CT").await;
    let units_before: Value = t.get(&admin, "/api/v1/units").await.1;
    let audit_before = t.count("audit_events").await;

    for (source, target, why) in [
        (&qn_d1, &qn, "team into its own Chi cục"),
        (&qn_d1, &bn, "team into another Chi cục"),
        (&qn, &qn_d1, "Chi cục into a team"),
        (&co_to, &qn_d4, "work group into its team"),
        (&qn_d4, &co_to, "team into a work group"),
        (&bn, &tw, "Chi cục into the national unit"),
    ] {
        let (s, b) = t
            .post(
                &admin,
                &format!("/api/v1/units/{source}/merge"),
                json!({"into_unit_id": target}),
            )
            .await;
        assert_eq!(
            (s, code(&b)),
            (422, "unit.merge_kind_mismatch"),
            "{why}: {b}"
        );
    }
    for id in [&qn_d1, &qn, &co_to] {
        let (s, b) = t
            .post(
                &admin,
                &format!("/api/v1/units/{id}/merge"),
                json!({"into_unit_id": id}),
            )
            .await;
        assert_eq!((s, code(&b)), (422, "unit.merge_into_self"), "{b}");
    }
    // Into a unit that does not exist.
    let (s, b) = t
        .post(
            &admin,
            &format!("/api/v1/units/{qn_d1}/merge"),
            json!({"into_unit_id": "0190aaaa-0000-7000-8000-000000000000"}),
        )
        .await;
    assert_eq!((s, code(&b)), (404, "unit.not_found"));
    // The administrator's own root cannot be merged away.
    let (s, b) = t
        .post(
            &admin,
            &format!("/api/v1/units/{tw}/merge"),
            json!({"into_unit_id": qn}),
        )
        .await;
    assert_eq!(s, 403, "{b}");

    assert_eq!(t.get(&admin, "/api/v1/units").await.1, units_before);
    assert_eq!(t.count("audit_events").await, audit_before);
}
on_both!(
    merging_a_team_into_a_provincial_unit_is_refused,
    merging_a_team_into_a_provincial_unit_is_refused_case
);

async fn audit_log_tells_the_whole_life_of_a_unit_case(t: TestApp) {
    let admin = t.login("admin").await;
    let admin_id = t.user_id("admin").await;
    let qn = t.unit_id("QN").await;
    let d2 = t.unit_id("QN-D2").await;

    let (s, b) = t
        .post(
            &admin,
            "/api/v1/units",
            new_unit("Đội cơ động số 2", "QN-CD2", "team", &qn),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let id = b["id"].as_str().unwrap().to_string();
    t.clock.advance(Duration::minutes(10));
    let (s, _) = t
        .patch(
            &admin,
            &format!("/api/v1/units/{id}"),
            json!({"name": "Đội cơ động số 2 (Móng Cái)"}),
        )
        .await;
    assert_eq!(s, 200);
    t.clock.advance(Duration::minutes(10));
    let (s, _) = t
        .post(
            &admin,
            &format!("/api/v1/units/{id}/merge"),
            json!({"into_unit_id": d2}),
        )
        .await;
    assert_eq!(s, 200);

    let events = audit_of(&t, &admin, &id).await;
    assert_eq!(
        actions(&events),
        ["unit.merge", "unit.rename", "unit.create"]
    );
    for e in &events {
        assert_eq!(e["actor_id"], admin_id.as_str());
        assert_eq!(e["entity_type"], "unit");
        assert_eq!(e["entity_id"], id.as_str());
    }
    // Newest first, each later than the one before, and chained by hash.
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
    let ats: Vec<&str> = events.iter().map(|e| e["at"].as_str().unwrap()).collect();
    assert!(ats.windows(2).all(|w| w[0] > w[1]), "{ats:?}");
    assert_eq!(
        details(&events[1])["name"]["to"],
        "Đội cơ động số 2 (Móng Cái)"
    );
    assert_eq!(details(&events[0])["into"], d2.as_str());

    // Paging through one event at a time yields the same three.
    let mut paged = Vec::new();
    let mut cursor = String::new();
    loop {
        let (s, b) = t
            .get(
                &admin,
                &format!("/api/v1/audit?entity={id}&limit=1&cursor={cursor}"),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        for e in b["items"].as_array().unwrap() {
            paged.push(e["action"].as_str().unwrap().to_string());
        }
        match b["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
        assert!(paged.len() <= 3, "{paged:?}");
    }
    assert_eq!(paged, ["unit.merge", "unit.rename", "unit.create"]);
}
on_both!(
    audit_log_tells_the_whole_life_of_a_unit,
    audit_log_tells_the_whole_life_of_a_unit_case
);
