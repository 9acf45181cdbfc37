//! An officer of one province, probing another province's objects as an attacker would: every
//! read is "not found", every write is refused, and nothing changes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both};
use serde_json::{Value, json};

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

fn tree_ids(node: &Value, out: &mut Vec<String>) {
    if let Some(id) = node["id"].as_str() {
        out.push(id.to_string());
    }
    for c in node["children"].as_array().into_iter().flatten() {
        tree_ids(c, out);
    }
}

async fn bac_ninh_cannot_reach_quang_ninh(t: TestApp) {
    let bn = t.login("bn.chicuctruong").await;
    let qn = t.unit_id("QN").await;
    let qn_d1 = t.unit_id("QN-D1").await;
    let qn_officer = t.user_id("qn.ksv1").await;
    let units_before = t.count("units").await;
    let users_before = t.count("users").await;

    // Reads: not found, as if it did not exist.
    for id in [&qn, &qn_d1] {
        let (s, b) = t.get(&bn, &format!("/api/v1/units/{id}")).await;
        assert_eq!((s, code(&b)), (404, "unit.not_found"));
    }
    let (s, b) = t.get(&bn, &format!("/api/v1/users/{qn_officer}")).await;
    assert_eq!((s, code(&b)), (404, "officer.not_found"));

    // The tree and the officer list hold only Bắc Ninh's subtree.
    let (s, tree) = t.get(&bn, "/api/v1/units").await;
    assert_eq!(s, 200);
    let mut ids = Vec::new();
    tree_ids(&tree, &mut ids);
    assert!(ids.contains(&t.unit_id("BN").await));
    assert!(!ids.contains(&qn) && !ids.contains(&qn_d1));
    let (_, users) = t.get(&bn, "/api/v1/users?limit=200").await;
    let names: Vec<&str> = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"bn.ksv1"));
    assert!(names.iter().all(|n| !n.starts_with("qn.")), "{names:?}");

    // Writes: creating an officer in Quảng Ninh is refused by scope.
    let (s, b) = t
        .post(
            &bn,
            "/api/v1/users",
            json!({"username": "gian.diep", "full_name": "Gián Điệp", "password": "mat-khau-du-dai", "unit_id": qn_d1, "roles": ["inspector"]}),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"));
    let (s, b) = t
        .post(
            &bn,
            &format!("/api/v1/users/{qn_officer}/deactivate"),
            json!({}),
        )
        .await;
    assert_eq!((s, code(&b)), (404, "officer.not_found"));

    // The audit trail of another province is invisible.
    let (s, b) = t.get(&bn, &format!("/api/v1/audit?entity={qn}")).await;
    assert_eq!(s, 200);
    assert_eq!(b["items"].as_array().unwrap().len(), 0);
    let (_, b) = t.get(&bn, "/api/v1/audit?limit=500").await;
    assert!(
        b["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["unit_id"] != qn.as_str() && e["unit_id"] != qn_d1.as_str())
    );

    assert_eq!(t.count("units").await, units_before);
    assert_eq!(t.count("users").await, users_before);
}
on_both!(
    bac_ninh_head_cannot_read_or_touch_quang_ninh,
    bac_ninh_cannot_reach_quang_ninh
);

/// Even the administrator role is confined to its home subtree: qn.quantri administers Quảng
/// Ninh only.
async fn provincial_admin_is_confined(t: TestApp) {
    let qa = t.login("qn.quantri").await;
    let bn = t.unit_id("BN").await;
    let bn_d1 = t.unit_id("BN-D1").await;
    let qn_d1 = t.unit_id("QN-D1").await;
    let (s, b) = t
        .patch(
            &qa,
            &format!("/api/v1/units/{bn}"),
            json!({"name": "Bị đổi tên"}),
        )
        .await;
    assert_eq!((s, code(&b)), (404, "unit.not_found"));
    let (s, b) = t
        .post(
            &qa,
            "/api/v1/units",
            json!({"name": "Đội lạ", "code": "BN-X", "kind": "team", "parent_id": bn}),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"));
    let (s, b) = t
        .post(
            &qa,
            &format!("/api/v1/units/{qn_d1}/merge"),
            json!({"into_unit_id": bn_d1}),
        )
        .await;
    assert_eq!((s, code(&b)), (404, "unit.not_found"));
    let (s, b) = t
        .post(
            &qa,
            &format!("/api/v1/units/{bn_d1}/merge"),
            json!({"into_unit_id": qn_d1}),
        )
        .await;
    assert_eq!((s, code(&b)), (404, "unit.not_found"));
    // Moving one of its own teams into Bắc Ninh would hand it over: refused by scope.
    let (s, b) = t
        .patch(
            &qa,
            &format!("/api/v1/units/{qn_d1}"),
            json!({"parent_id": bn}),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"));
    let bn_row = qltt_store::units::get(t.app.db.pool(), &bn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bn_row.name, "Chi cục Quản lý thị trường tỉnh Bắc Ninh");
}
on_both!(
    provincial_admin_cannot_change_another_province,
    provincial_admin_is_confined
);

async fn no_privilege_escalation(t: TestApp) {
    let hr = t.login("qn.tochuc").await;
    let d1 = t.unit_id("QN-D1").await;
    let new_admin = json!({"username": "qn.admin2", "full_name": "Quản Trị Mới", "password": "mat-khau-du-dai", "unit_id": d1, "roles": ["admin"]});
    let (s, b) = t.post(&hr, "/api/v1/users", new_admin.clone()).await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));
    let ksv = t.login("qn.ksv1").await;
    let mut plain = new_admin.clone();
    plain["roles"] = json!(["inspector"]);
    let (s, b) = t.post(&ksv, "/api/v1/users", plain).await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));
    let head = t.login("qn.chicuctruong").await;
    let admin_id = t.user_id("qn.quantri").await;
    let (s, b) = t
        .post(
            &head,
            &format!("/api/v1/users/{admin_id}/deactivate"),
            json!({}),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));
    let me = t.user_id("qn.chicuctruong").await;
    let (s, b) = t
        .post(&head, &format!("/api/v1/users/{me}/deactivate"), json!({}))
        .await;
    assert_eq!((s, code(&b)), (422, "officer.self_deactivation"));
    // An inspector cannot read the audit log nor create units.
    let (s, b) = t.get(&ksv, "/api/v1/audit").await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));
    let (s, b) = t
        .post(&ksv, "/api/v1/units", json!({"name": "Đội X", "code": "QN-X", "kind": "team", "parent_id": t.unit_id("QN").await}))
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));
    assert!(
        qltt_store::users::get_by_username(t.app.db.pool(), "qn.admin2")
            .await
            .unwrap()
            .is_none()
    );
}
on_both!(
    officers_cannot_grant_themselves_more_power,
    no_privilege_escalation
);

/// After the 2025 merge, Bắc Ninh's officers see Bắc Giang's history; Quảng Ninh's do not.
async fn merged_history_is_visible_to_the_successor_only(t: TestApp) {
    let bg = t.unit_id("BG").await;
    let bn_head = t.login("bn.chicuctruong").await;
    let (s, b) = t.get(&bn_head, &format!("/api/v1/units/{bg}")).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["merged_into"], t.unit_id("BN").await.as_str());
    assert_eq!(b["active"], false);
    let (_, users) = t.get(&bn_head, "/api/v1/users?limit=200").await;
    assert!(
        users["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["username"] == "bg.ksv1")
    );
    let (s, b) = t.get(&bn_head, &format!("/api/v1/audit?entity={bg}")).await;
    assert_eq!(s, 200);
    let actions: Vec<&str> = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"unit.create") && actions.contains(&"unit.merge"),
        "{actions:?}"
    );
    let qn_head = t.login("qn.chicuctruong").await;
    let (s, _) = t.get(&qn_head, &format!("/api/v1/units/{bg}")).await;
    assert_eq!(s, 404);
}
on_both!(
    bac_ninh_sees_bac_giang_history_after_merge,
    merged_history_is_visible_to_the_successor_only
);

async fn deactivation_ends_sessions_at_once(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let (s, _) = t.get(&ksv, "/api/v1/me").await;
    assert_eq!(s, 200);
    let hr = t.login("qn.tochuc").await;
    let id = t.user_id("qn.ksv1").await;
    let (s, b) = t
        .post(&hr, &format!("/api/v1/users/{id}/deactivate"), json!({}))
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["active"], false);
    let (s, b) = t.get(&ksv, "/api/v1/me").await;
    assert_eq!((s, code(&b)), (401, "auth.unauthenticated"));
    let r = t
        .http
        .post(t.url("/api/v1/session"))
        .json(&json!({"username": "qn.ksv1", "password": qltt_testkit::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let (s, b) = t
        .post(&hr, &format!("/api/v1/users/{id}/reactivate"), json!({}))
        .await;
    assert_eq!((s, b["active"].clone()), (200, json!(true)));
    t.login("qn.ksv1").await;
}
on_both!(
    a_deactivated_officer_is_signed_out_everywhere,
    deactivation_ends_sessions_at_once
);

/// The pages enforce the same scope: another province's unit and officer pages are 404.
async fn pages_hide_other_provinces(t: TestApp) {
    let client = qltt_testkit::page_client();
    t.page_login(&client, "bn.ksv1").await;
    let qn = t.unit_id("QN").await;
    let qn_officer = t.user_id("qn.ksv1").await;
    for path in [format!("/org/{qn}"), format!("/officers/{qn_officer}")] {
        let r = client.get(t.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
        let html = r.text().await.unwrap();
        assert!(!html.contains("Quảng Ninh"), "{path} leaks the name");
    }
    let r = client.get(t.url("/org")).send().await.unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains("Bắc Ninh") && !html.contains("Quảng Ninh"));
}
on_both!(
    pages_of_another_province_are_not_found,
    pages_hide_other_provinces
);

/// An HR officer hands out working roles, but not a unit head's oversight, and cannot lock out
/// their own unit head.
async fn hr_cannot_raise_or_remove_oversight(t: TestApp) {
    let hr = t.login("qn.tochuc").await;
    let qn = t.unit_id("QN").await;
    let body = |username: &str, roles: Value| json!({"username": username, "full_name": "Người Mới", "password": "mat-khau-du-dai", "unit_id": qn, "roles": roles});
    let (s, b) = t
        .post(
            &hr,
            "/api/v1/users",
            body("qn.tochuc2", json!(["unit_head", "hr_officer"])),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));
    let (s, b) = t
        .post(
            &hr,
            "/api/v1/users",
            body("qn.pho2", json!(["deputy_unit_head"])),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));
    let (s, b) = t
        .post(&hr, "/api/v1/users", body("qn.ksv5", json!(["inspector"])))
        .await;
    assert_eq!(s, 201, "{b}");
    let head_id = t.user_id("qn.chicuctruong").await;
    let (s, b) = t
        .post(
            &hr,
            &format!("/api/v1/users/{head_id}/deactivate"),
            json!({}),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));
    // The unit head may appoint a deputy.
    let head = t.login("qn.chicuctruong").await;
    let (s, b) = t
        .post(
            &head,
            "/api/v1/users",
            body("qn.pho2", json!(["deputy_unit_head"])),
        )
        .await;
    assert_eq!(s, 201, "{b}");
}
on_both!(
    an_hr_officer_cannot_grant_or_remove_oversight_roles,
    hr_cannot_raise_or_remove_oversight
);
