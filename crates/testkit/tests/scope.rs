//! Scope, tested as an attacker would: an officer of one province asks for, changes, merges and
//! deactivates the objects of another province, through the API and through the pages. Every read
//! must be "not found" (nothing reveals what exists elsewhere), every write must be refused, and
//! nothing may change. Even the administrator role is confined to its home unit's subtree.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use qltt_testkit::{TestApp, on_both, page_client};
use serde_json::{Value, json};

/// Units of the demo organisation, by province.
const QN_UNITS: &[&str] = &[
    "QN", "QN-D1", "QN-D2", "QN-D3", "QN-D4", "QN-CD", "QN-D4-CT",
];
const BN_UNITS: &[&str] = &["BN", "BN-D1", "BN-D2", "BG", "BG-D1"];

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

fn tree_ids(node: &Value, out: &mut BTreeSet<String>) {
    if let Some(id) = node["id"].as_str() {
        out.insert(id.to_string());
    }
    for c in node["children"].as_array().into_iter().flatten() {
        tree_ids(c, out);
    }
}

async fn ids_of(t: &TestApp, codes: &[&str]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for c in codes {
        out.insert(t.unit_id(c).await);
    }
    out
}

async fn usernames(t: &TestApp, token: &str, query: &str) -> BTreeSet<String> {
    let (s, body) = t.get(token, &format!("/api/v1/users{query}")).await;
    assert_eq!(s, 200, "{body}");
    assert!(body["next_cursor"].is_null(), "expected one page: {body}");
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|u| u["username"].as_str().expect("username").to_string())
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn new_officer(username: &str, unit_id: &str, roles: &[&str]) -> Value {
    json!({
        "username": username,
        "full_name": "Nguyễn Văn Thử",
        "password": "mat-khau-du-dai-2026",
        "unit_id": unit_id,
        "roles": roles,
        "rank": "ksv",
    })
}

// ---------------------------------------------------------------------------------------------
// Units
// ---------------------------------------------------------------------------------------------

async fn inspector_of_bac_ninh_cannot_read_quang_ninh_units_case(t: TestApp) {
    let missing = "0190aaaa-0000-7000-8000-000000000000";
    for who in ["bn.ksv1", "bn.chicuctruong", "bg.ksv1"] {
        let token = t.login(who).await;
        // The answer for a unit that does not exist, to compare with: an attacker must not be
        // able to tell "exists elsewhere" from "does not exist".
        let (s, nothing) = t.get(&token, &format!("/api/v1/units/{missing}")).await;
        assert_eq!((s, code(&nothing)), (404, "unit.not_found"));
        for c in QN_UNITS.iter().chain(&["TW"]) {
            let id = t.unit_id(c).await;
            let (s, b) = t.get(&token, &format!("/api/v1/units/{id}")).await;
            assert_eq!((s, code(&b)), (404, "unit.not_found"), "{who} reads {c}");
            assert_eq!(b, nothing, "{who} can tell {c} exists");
        }
    }
}
on_both!(
    inspector_of_bac_ninh_cannot_read_quang_ninh_units,
    inspector_of_bac_ninh_cannot_read_quang_ninh_units_case
);

async fn officers_see_only_their_own_subtree_in_the_org_tree_case(t: TestApp) {
    // Bắc Ninh's head: Bắc Ninh, its teams, and Bắc Giang (merged in) with its former team.
    let bn = t.login("bn.chicuctruong").await;
    let (s, tree) = t.get(&bn, "/api/v1/units").await;
    assert_eq!(s, 200);
    assert_eq!(tree["id"], t.unit_id("BN").await.as_str());
    let mut ids = BTreeSet::new();
    tree_ids(&tree, &mut ids);
    assert_eq!(ids, ids_of(&t, BN_UNITS).await);

    // Quảng Ninh's head: exactly Quảng Ninh's units.
    let qn = t.login("qn.chicuctruong").await;
    let (s, tree) = t.get(&qn, "/api/v1/units").await;
    assert_eq!(s, 200);
    let mut ids = BTreeSet::new();
    tree_ids(&tree, &mut ids);
    assert_eq!(ids, ids_of(&t, QN_UNITS).await);

    // An inspector of team 1 sees team 1 only, not the Chi cục above nor the other teams.
    let ksv = t.login("qn.ksv1").await;
    let (s, tree) = t.get(&ksv, "/api/v1/units").await;
    assert_eq!(s, 200);
    let mut ids = BTreeSet::new();
    tree_ids(&tree, &mut ids);
    assert_eq!(ids, ids_of(&t, &["QN-D1"]).await);
    let qn_id = t.unit_id("QN").await;
    let (s, b) = t.get(&ksv, &format!("/api/v1/units/{qn_id}")).await;
    assert_eq!((s, code(&b)), (404, "unit.not_found"));
}
on_both!(
    officers_see_only_their_own_subtree_in_the_org_tree,
    officers_see_only_their_own_subtree_in_the_org_tree_case
);

async fn provincial_admin_of_quang_ninh_cannot_touch_bac_ninh_units_case(t: TestApp) {
    let qa = t.login("qn.quantri").await;
    let tw = t.unit_id("TW").await;
    let bn = t.unit_id("BN").await;
    let bn_d1 = t.unit_id("BN-D1").await;
    let bg = t.unit_id("BG").await;
    let qn = t.unit_id("QN").await;
    let qn_d1 = t.unit_id("QN-D1").await;
    let qn_d4_ct = t.unit_id("QN-D4-CT").await;
    let units_before = t.count("units").await;
    let versions_before = t.count("unit_versions").await;
    let audit_before = t.count("audit_events").await;

    // Rename or move a unit of another province: it does not exist for them.
    for (id, body) in [
        (&bn, json!({"name": "Chi cục bị đổi tên"})),
        (&bn_d1, json!({"name": "Đội bị đổi tên"})),
        (&bn_d1, json!({"parent_id": qn})),
        (&tw, json!({"name": "Cục bị đổi tên"})),
    ] {
        let (s, b) = t.patch(&qa, &format!("/api/v1/units/{id}"), body).await;
        assert_eq!((s, code(&b)), (404, "unit.not_found"));
    }
    // Create under another province, or under the national unit: refused by scope.
    for (parent, kind) in [
        (&bn, "team"),
        (&bn_d1, "work_group"),
        (&tw, "provincial_unit"),
    ] {
        let (s, b) = t
            .post(
                &qa,
                "/api/v1/units",
                json!({"name": "Đơn vị lạ", "code": "LA-1", "kind": kind, "parent_id": parent}),
            )
            .await;
        assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"), "under {kind}");
    }
    // Merge across the border, either way, or into a merged unit of another province.
    for (source, target) in [(&qn_d1, &bn_d1), (&bn_d1, &qn_d1), (&qn, &bn), (&bg, &qn)] {
        let (s, b) = t
            .post(
                &qa,
                &format!("/api/v1/units/{source}/merge"),
                json!({"into_unit_id": target}),
            )
            .await;
        assert_eq!((s, code(&b)), (404, "unit.not_found"));
    }
    // Hand one of its own units over to another province: refused by scope.
    for (id, parent) in [(&qn_d1, &bn), (&qn_d4_ct, &bn_d1)] {
        let (s, b) = t
            .patch(
                &qa,
                &format!("/api/v1/units/{id}"),
                json!({"parent_id": parent}),
            )
            .await;
        assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"));
    }
    // Move its own root (out of its own scope).
    let (s, b) = t
        .patch(
            &qa,
            &format!("/api/v1/units/{qn}"),
            json!({"parent_id": tw}),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));

    // Nothing changed.
    assert_eq!(t.count("units").await, units_before);
    assert_eq!(t.count("unit_versions").await, versions_before);
    assert_eq!(t.count("audit_events").await, audit_before);
    let admin = t.login("admin").await;
    let (s, b) = t.get(&admin, &format!("/api/v1/units/{bn}")).await;
    assert_eq!(s, 200);
    assert_eq!(b["name"], "Chi cục Quản lý thị trường tỉnh Bắc Ninh");
    assert_eq!(b["versions"].as_array().unwrap().len(), 1);
    let (_, b) = t.get(&admin, &format!("/api/v1/units/{qn_d1}")).await;
    assert_eq!(b["parent_id"], qn.as_str());
    assert_eq!(b["merged_into"], Value::Null);
    let (_, b) = t.get(&admin, &format!("/api/v1/units/{bn_d1}")).await;
    assert_eq!(b["parent_id"], bn.as_str());
    assert_eq!(b["merged_into"], Value::Null);
}
on_both!(
    provincial_admin_of_quang_ninh_cannot_touch_bac_ninh_units,
    provincial_admin_of_quang_ninh_cannot_touch_bac_ninh_units_case
);

async fn unit_head_of_bac_ninh_cannot_rename_quang_ninh_units_case(t: TestApp) {
    // A unit head may not manage units at all; across the border the answer is 404 or 403, and
    // never a change.
    let bn = t.login("bn.chicuctruong").await;
    let qn_d1 = t.unit_id("QN-D1").await;
    let qn_d2 = t.unit_id("QN-D2").await;
    let (s, b) = t
        .patch(
            &bn,
            &format!("/api/v1/units/{qn_d1}"),
            json!({"name": "Bị đổi tên"}),
        )
        .await;
    assert!(
        matches!(
            (s, code(&b)),
            (404, "unit.not_found") | (403, "auth.forbidden")
        ),
        "{s} {b}"
    );
    let (s, b) = t
        .post(
            &bn,
            &format!("/api/v1/units/{qn_d1}/merge"),
            json!({"into_unit_id": qn_d2}),
        )
        .await;
    assert!(
        matches!(
            (s, code(&b)),
            (404, "unit.not_found") | (403, "auth.forbidden")
        ),
        "{s} {b}"
    );
    let qn = t.login("qn.chicuctruong").await;
    let (_, b) = t.get(&qn, &format!("/api/v1/units/{qn_d1}")).await;
    assert_eq!(b["name"], "Đội Quản lý thị trường số 1");
    assert_eq!(b["active"], true);
}
on_both!(
    unit_head_of_bac_ninh_cannot_rename_quang_ninh_units,
    unit_head_of_bac_ninh_cannot_rename_quang_ninh_units_case
);

// ---------------------------------------------------------------------------------------------
// Officers
// ---------------------------------------------------------------------------------------------

async fn head_of_bac_ninh_cannot_read_quang_ninh_officers_case(t: TestApp) {
    let bn = t.login("bn.chicuctruong").await;
    let missing = "0190aaaa-0000-7000-8000-000000000000";
    let (s, nothing) = t.get(&bn, &format!("/api/v1/users/{missing}")).await;
    assert_eq!((s, code(&nothing)), (404, "officer.not_found"));
    for who in [
        "qn.ksv1",
        "qn.chicuctruong",
        "qn.quantri",
        "qn.coto",
        "admin",
    ] {
        let id = t.user_id(who).await;
        let (s, b) = t.get(&bn, &format!("/api/v1/users/{id}")).await;
        assert_eq!((s, code(&b)), (404, "officer.not_found"), "{who}");
        assert_eq!(b, nothing, "bn.chicuctruong can tell {who} exists");
    }
    // The other way round too, for an inspector of Quảng Ninh.
    let qn = t.login("qn.ksv1").await;
    for who in ["bn.ksv1", "bn.chicuctruong", "bg.ksv1"] {
        let id = t.user_id(who).await;
        let (s, b) = t.get(&qn, &format!("/api/v1/users/{id}")).await;
        assert_eq!((s, code(&b)), (404, "officer.not_found"), "{who}");
    }
}
on_both!(
    head_of_bac_ninh_cannot_read_quang_ninh_officers,
    head_of_bac_ninh_cannot_read_quang_ninh_officers_case
);

async fn officer_lists_hold_only_the_own_province_case(t: TestApp) {
    let bn = t.login("bn.chicuctruong").await;
    assert_eq!(
        usernames(&t, &bn, "?limit=200").await,
        set(&["bg.ksv1", "bn.chicuctruong", "bn.ksv1"])
    );
    // Filtering by a unit of another province yields nothing (not that province's officers).
    let qn_id = t.unit_id("QN").await;
    let qn_d1 = t.unit_id("QN-D1").await;
    for unit in [&qn_id, &qn_d1] {
        assert_eq!(
            usernames(&t, &bn, &format!("?limit=200&unit_id={unit}")).await,
            BTreeSet::new()
        );
    }

    let qn = t.login("qn.chicuctruong").await;
    assert_eq!(
        usernames(&t, &qn, "?limit=200").await,
        set(&[
            "qn.chicuctruong",
            "qn.coto",
            "qn.doitruong1",
            "qn.ketoan",
            "qn.ksv1",
            "qn.phochicuc",
            "qn.quantri",
            "qn.thukho",
            "qn.tochuc",
            "qn.vanthu",
            "qn.xem",
        ])
    );
    // An inspector of a team sees the officers of that team only.
    let ksv = t.login("qn.ksv1").await;
    assert_eq!(
        usernames(&t, &ksv, "?limit=200").await,
        set(&["qn.doitruong1", "qn.ksv1"])
    );
    // Paging through the list one by one never steps outside the scope either.
    let mut seen = BTreeSet::new();
    let mut cursor = String::new();
    loop {
        let (s, b) = t
            .get(&bn, &format!("/api/v1/users?limit=1&cursor={cursor}"))
            .await;
        assert_eq!(s, 200);
        for u in b["items"].as_array().unwrap() {
            seen.insert(u["username"].as_str().unwrap().to_string());
        }
        match b["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
        assert!(seen.len() < 10, "paging runs away: {seen:?}");
    }
    assert_eq!(seen, set(&["bg.ksv1", "bn.chicuctruong", "bn.ksv1"]));
}
on_both!(
    officer_lists_hold_only_the_own_province,
    officer_lists_hold_only_the_own_province_case
);

async fn hr_officer_of_quang_ninh_cannot_create_officers_in_bac_ninh_case(t: TestApp) {
    let users_before = t.count("users").await;
    let audit_before = t.count("audit_events").await;
    let hr = t.login("qn.tochuc").await;
    for c in ["BN", "BN-D1", "BG", "BG-D1", "TW"] {
        let unit = t.unit_id(c).await;
        let (s, b) = t
            .post(
                &hr,
                "/api/v1/users",
                new_officer("gian.diep", &unit, &["inspector"]),
            )
            .await;
        assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"), "unit {c}");
    }
    let head = t.login("bn.chicuctruong").await;
    for c in ["QN", "QN-D1", "QN-D4-CT"] {
        let unit = t.unit_id(c).await;
        let (s, b) = t
            .post(
                &head,
                "/api/v1/users",
                new_officer("gian.diep", &unit, &["inspector"]),
            )
            .await;
        assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"), "unit {c}");
    }
    // Even the provincial administrator.
    let qa = t.login("qn.quantri").await;
    let bn_d2 = t.unit_id("BN-D2").await;
    let (s, b) = t
        .post(
            &qa,
            "/api/v1/users",
            new_officer("gian.diep", &bn_d2, &["admin"]),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"));

    assert_eq!(t.count("users").await, users_before);
    // Only the sign-ins were recorded; no officer.create.
    assert_eq!(t.count("audit_events").await, audit_before + 3);

    // Positive control: the same request inside one's own province works.
    let qn_d2 = t.unit_id("QN-D2").await;
    let (s, b) = t
        .post(
            &hr,
            "/api/v1/users",
            new_officer("qn.ksv2", &qn_d2, &["inspector"]),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["unit_id"], qn_d2.as_str());
}
on_both!(
    hr_officer_of_quang_ninh_cannot_create_officers_in_bac_ninh,
    hr_officer_of_quang_ninh_cannot_create_officers_in_bac_ninh_case
);

async fn head_of_quang_ninh_cannot_deactivate_bac_ninh_officers_case(t: TestApp) {
    let bn_ksv = t.login("bn.ksv1").await;
    let qn = t.login("qn.chicuctruong").await;
    let qa = t.login("qn.quantri").await;
    for who in ["bn.ksv1", "bn.chicuctruong", "bg.ksv1", "admin"] {
        let id = t.user_id(who).await;
        for token in [&qn, &qa] {
            for action in ["deactivate", "reactivate"] {
                let (s, b) = t
                    .post(token, &format!("/api/v1/users/{id}/{action}"), json!({}))
                    .await;
                assert_eq!((s, code(&b)), (404, "officer.not_found"), "{action} {who}");
            }
        }
    }
    // bn.ksv1 is untouched: still active, the token still works.
    let (s, me) = t.get(&bn_ksv, "/api/v1/me").await;
    assert_eq!(s, 200);
    assert_eq!(me["username"], "bn.ksv1");
}
on_both!(
    head_of_quang_ninh_cannot_deactivate_bac_ninh_officers,
    head_of_quang_ninh_cannot_deactivate_bac_ninh_officers_case
);

// ---------------------------------------------------------------------------------------------
// Privilege escalation
// ---------------------------------------------------------------------------------------------

async fn hr_officer_cannot_create_an_administrator_case(t: TestApp) {
    let users_before = t.count("users").await;
    let qn_d1 = t.unit_id("QN-D1").await;
    for who in ["qn.tochuc", "qn.chicuctruong"] {
        let token = t.login(who).await;
        for roles in [&["admin"][..], &["inspector", "admin"][..]] {
            let (s, b) = t
                .post(
                    &token,
                    "/api/v1/users",
                    new_officer("tay.trong", &qn_d1, roles),
                )
                .await;
            assert_eq!(
                (s, code(&b)),
                (403, "auth.forbidden"),
                "{who} grants {roles:?}"
            );
        }
    }
    assert_eq!(t.count("users").await, users_before);
    // An administrator may make another one (in its own scope).
    let qa = t.login("qn.quantri").await;
    let (s, b) = t
        .post(
            &qa,
            "/api/v1/users",
            new_officer("qn.quantri2", &qn_d1, &["admin"]),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["roles"], json!(["admin"]));
}
on_both!(
    hr_officer_cannot_create_an_administrator,
    hr_officer_cannot_create_an_administrator_case
);

async fn inspector_cannot_create_or_deactivate_officers_case(t: TestApp) {
    let users_before = t.count("users").await;
    let ksv = t.login("qn.ksv1").await;
    let qn_d1 = t.unit_id("QN-D1").await;
    let (s, b) = t
        .post(
            &ksv,
            "/api/v1/users",
            new_officer("ban.than", &qn_d1, &["inspector"]),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));
    let leader = t.user_id("qn.doitruong1").await;
    let (s, b) = t
        .post(
            &ksv,
            &format!("/api/v1/users/{leader}/deactivate"),
            json!({}),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));
    // Nor units.
    let (s, b) = t
        .post(
            &ksv,
            "/api/v1/units",
            json!({"name": "Tổ tự lập", "code": "QN-D1-X", "kind": "work_group", "parent_id": qn_d1}),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));
    assert_eq!(t.count("users").await, users_before);
    let leader_token = t.login("qn.doitruong1").await;
    let (s, _) = t.get(&leader_token, "/api/v1/me").await;
    assert_eq!(s, 200);
}
on_both!(
    inspector_cannot_create_or_deactivate_officers,
    inspector_cannot_create_or_deactivate_officers_case
);

async fn unit_head_cannot_deactivate_an_administrator_case(t: TestApp) {
    let qa_token = t.login("qn.quantri").await;
    let qa = t.user_id("qn.quantri").await;
    for who in ["qn.chicuctruong", "qn.tochuc"] {
        let token = t.login(who).await;
        let (s, b) = t
            .post(&token, &format!("/api/v1/users/{qa}/deactivate"), json!({}))
            .await;
        assert_eq!((s, code(&b)), (403, "auth.forbidden"), "{who}");
    }
    // The administrator is still in.
    let (s, me) = t.get(&qa_token, "/api/v1/me").await;
    assert_eq!(s, 200);
    assert_eq!(me["username"], "qn.quantri");
}
on_both!(
    unit_head_cannot_deactivate_an_administrator,
    unit_head_cannot_deactivate_an_administrator_case
);

async fn officer_cannot_deactivate_themselves_case(t: TestApp) {
    for who in ["qn.chicuctruong", "qn.tochuc", "qn.quantri", "admin"] {
        let token = t.login(who).await;
        let id = t.user_id(who).await;
        let (s, b) = t
            .post(&token, &format!("/api/v1/users/{id}/deactivate"), json!({}))
            .await;
        assert_eq!((s, code(&b)), (422, "officer.self_deactivation"), "{who}");
        let (s, _) = t.get(&token, "/api/v1/me").await;
        assert_eq!(s, 200, "{who} locked out");
    }
    // Without the permission at all, the answer is a plain refusal.
    let ksv = t.login("qn.ksv1").await;
    let id = t.user_id("qn.ksv1").await;
    let (s, b) = t
        .post(&ksv, &format!("/api/v1/users/{id}/deactivate"), json!({}))
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));
}
on_both!(
    officer_cannot_deactivate_themselves,
    officer_cannot_deactivate_themselves_case
);

async fn deactivated_officer_token_stops_working_at_once_case(t: TestApp) {
    let victim = t.login("bn.ksv1").await;
    let second = t.login("bn.ksv1").await;
    let page = page_client();
    t.page_login(&page, "bn.ksv1").await;
    let r = page.get(t.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let (s, _) = t.get(&victim, "/api/v1/me").await;
    assert_eq!(s, 200);

    let head = t.login("bn.chicuctruong").await;
    let id = t.user_id("bn.ksv1").await;
    let (s, b) = t
        .post(&head, &format!("/api/v1/users/{id}/deactivate"), json!({}))
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["active"], false);

    // Every session of the officer is dead right away: API tokens and the page cookie.
    for token in [&victim, &second] {
        let (s, b) = t.get(token, "/api/v1/me").await;
        assert_eq!((s, code(&b)), (401, "auth.unauthenticated"));
        let (s, _) = t.get(token, "/api/v1/units").await;
        assert_eq!(s, 401);
    }
    let r = page.get(t.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login?next=%2F");
    // And a new sign-in is refused.
    let r = t
        .http
        .post(t.url("/api/v1/session"))
        .json(&json!({"username": "bn.ksv1", "password": qltt_testkit::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(code(&body), "auth.invalid_credentials");

    // Reactivation lets the officer sign in again, but the old tokens stay revoked.
    let (s, b) = t
        .post(&head, &format!("/api/v1/users/{id}/reactivate"), json!({}))
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, _) = t.get(&victim, "/api/v1/me").await;
    assert_eq!(s, 401);
    let fresh = t.login("bn.ksv1").await;
    let (s, _) = t.get(&fresh, "/api/v1/me").await;
    assert_eq!(s, 200);
}
on_both!(
    deactivated_officer_token_stops_working_at_once,
    deactivated_officer_token_stops_working_at_once_case
);

// ---------------------------------------------------------------------------------------------
// The 2025 merger: Bắc Giang folded into Bắc Ninh
// ---------------------------------------------------------------------------------------------

async fn head_of_bac_ninh_inherits_bac_giang_after_the_merger_case(t: TestApp) {
    let bn_id = t.unit_id("BN").await;
    let bg_id = t.unit_id("BG").await;
    let bg_d1 = t.unit_id("BG-D1").await;
    let bg_ksv = t.user_id("bg.ksv1").await;

    let bn = t.login("bn.chicuctruong").await;
    let (s, b) = t.get(&bn, &format!("/api/v1/units/{bg_id}")).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["merged_into"], bn_id.as_str());
    assert_eq!(b["active"], false);
    assert!(b["valid_to"].is_string());
    let (s, b) = t.get(&bn, &format!("/api/v1/units/{bg_d1}")).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["parent_id"], bn_id.as_str());
    assert_eq!(b["active"], true);
    assert!(usernames(&t, &bn, "?limit=200").await.contains("bg.ksv1"));
    let (s, b) = t.get(&bn, &format!("/api/v1/users/{bg_ksv}")).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["unit_id"], bg_d1.as_str());
    // The merger is in Bắc Ninh's audit log.
    let (s, b) = t.get(&bn, &format!("/api/v1/audit?entity={bg_id}")).await;
    assert_eq!(s, 200);
    let actions: Vec<&str> = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"unit.merge"), "{actions:?}");

    // Quảng Ninh sees none of it.
    let qn = t.login("qn.chicuctruong").await;
    for id in [&bg_id, &bg_d1] {
        let (s, b) = t.get(&qn, &format!("/api/v1/units/{id}")).await;
        assert_eq!((s, code(&b)), (404, "unit.not_found"));
    }
    let (s, b) = t.get(&qn, &format!("/api/v1/users/{bg_ksv}")).await;
    assert_eq!((s, code(&b)), (404, "officer.not_found"));
    assert!(!usernames(&t, &qn, "?limit=200").await.contains("bg.ksv1"));
    let (s, b) = t.get(&qn, &format!("/api/v1/audit?entity={bg_id}")).await;
    assert_eq!(s, 200);
    assert_eq!(b["items"], json!([]));

    // The officer of the former Bắc Giang team works on in Bắc Ninh, within the team only.
    let ksv = t.login("bg.ksv1").await;
    let (s, tree) = t.get(&ksv, "/api/v1/units").await;
    assert_eq!(s, 200);
    let mut ids = BTreeSet::new();
    tree_ids(&tree, &mut ids);
    assert_eq!(ids, BTreeSet::from([bg_d1.clone()]));
    let (s, b) = t.get(&ksv, &format!("/api/v1/units/{bn_id}")).await;
    assert_eq!((s, code(&b)), (404, "unit.not_found"));
}
on_both!(
    head_of_bac_ninh_inherits_bac_giang_after_the_merger,
    head_of_bac_ninh_inherits_bac_giang_after_the_merger_case
);

// ---------------------------------------------------------------------------------------------
// Audit
// ---------------------------------------------------------------------------------------------

async fn head_of_bac_ninh_cannot_read_quang_ninh_audit_case(t: TestApp) {
    let qn = t.login("qn.chicuctruong").await;
    let bn = t.login("bn.chicuctruong").await;
    let qn_id = t.unit_id("QN").await;
    let qn_ksv = t.user_id("qn.ksv1").await;

    // Positive control: Quảng Ninh's head does see these events.
    for entity in [&qn_id, &qn_ksv] {
        let (s, b) = t.get(&qn, &format!("/api/v1/audit?entity={entity}")).await;
        assert_eq!(s, 200);
        assert!(!b["items"].as_array().unwrap().is_empty(), "{entity}");
    }
    // Bắc Ninh's head sees nothing of them.
    for entity in [&qn_id, &qn_ksv] {
        let (s, b) = t.get(&bn, &format!("/api/v1/audit?entity={entity}")).await;
        assert_eq!(s, 200);
        assert_eq!(b["items"], json!([]), "{entity}");
    }
    // And the whole log of Bắc Ninh holds only events of Bắc Ninh's units.
    let bn_units: BTreeSet<String> = ids_of(&t, BN_UNITS).await;
    let (s, b) = t.get(&bn, "/api/v1/audit?limit=500").await;
    assert_eq!(s, 200);
    let items = b["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for e in items {
        let unit = e["unit_id"].as_str().unwrap();
        assert!(bn_units.contains(unit), "foreign event {e}");
    }
    // Without the permission, no audit at all.
    let ksv = t.login("bn.ksv1").await;
    let (s, b) = t.get(&ksv, "/api/v1/audit").await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));
}
on_both!(
    head_of_bac_ninh_cannot_read_quang_ninh_audit,
    head_of_bac_ninh_cannot_read_quang_ninh_audit_case
);

// ---------------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------------

async fn inspector_of_bac_ninh_gets_not_found_pages_for_quang_ninh_case(t: TestApp) {
    let qn_units = [
        ("QN", "Chi cục Quản lý thị trường tỉnh Quảng Ninh"),
        ("QN-D4-CT", "Tổ công tác đảo Cô Tô"),
    ];
    for who in ["bn.ksv1", "bn.chicuctruong"] {
        let c = page_client();
        t.page_login(&c, who).await;
        for (unit, name) in qn_units {
            let id = t.unit_id(unit).await;
            let r = c.get(t.url(&format!("/org/{id}"))).send().await.unwrap();
            assert_eq!(r.status(), 404, "{who} /org/{unit}");
            let html = r.text().await.unwrap();
            assert!(html.contains("unit.not_found"), "{html}");
            assert!(!html.contains(name), "{who} sees {name}");
        }
        for (officer, name) in [
            ("qn.ksv1", "Hoàng Thị Mai"),
            ("qn.quantri", "Phạm Quốc Huy"),
        ] {
            let id = t.user_id(officer).await;
            let r = c
                .get(t.url(&format!("/officers/{id}")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 404, "{who} /officers/{officer}");
            let html = r.text().await.unwrap();
            assert!(html.contains("officer.not_found"), "{html}");
            assert!(!html.contains(name), "{who} sees {name}");
        }
        // The lists do not show them either.
        let html = c
            .get(t.url("/org"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!html.contains("Quảng Ninh"), "{who} /org shows Quảng Ninh");
        assert!(!html.contains("Cô Tô"), "{who} /org shows Cô Tô");
        let html = c
            .get(t.url("/officers"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!html.contains("Hoàng Thị Mai") && !html.contains("qn.ksv1"));
    }
}
on_both!(
    inspector_of_bac_ninh_gets_not_found_pages_for_quang_ninh,
    inspector_of_bac_ninh_gets_not_found_pages_for_quang_ninh_case
);

async fn provincial_admin_cannot_change_bac_ninh_through_the_pages_case(t: TestApp) {
    let c = page_client();
    let csrf = t.page_login(&c, "qn.quantri").await;
    assert!(!csrf.is_empty());
    let bn = t.unit_id("BN").await;
    let bn_d1 = t.unit_id("BN-D1").await;
    let qn_d1 = t.unit_id("QN-D1").await;
    let units_before = t.count("units").await;
    let versions_before = t.count("unit_versions").await;

    let r = c
        .post(t.url(&format!("/org/{bn}")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "rename"),
            ("name", "Đã bị đổi"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = c
        .post(t.url(&format!("/org/{qn_d1}")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "merge"),
            ("target_id", bn_d1.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = c
        .post(t.url(&format!("/org/{qn_d1}")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "move"),
            ("target_id", bn.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(t.url("/org"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "Đội lạ"),
            ("code", "BN-X"),
            ("kind", "team"),
            ("parent_id", bn.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Deactivating an officer of another province through the page: not found.
    let bn_ksv = t.user_id("bn.ksv1").await;
    let r = c
        .post(t.url(&format!("/officers/{bn_ksv}/active")))
        .form(&[("csrf", csrf.as_str()), ("active", "0")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // Creating an officer in another province through the page: refused, nothing created.
    let users_before = t.count("users").await;
    let r = c
        .post(t.url("/officers"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("full_name", "Gián Điệp"),
            ("username", "gian.diep"),
            ("password", "mat-khau-du-dai-2026"),
            ("unit_id", bn_d1.as_str()),
            ("role", "inspector"),
            ("rank", "ksv"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // The form offers only Quảng Ninh's units.
    let html = c
        .get(t.url("/officers/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&qn_d1));
    assert!(!html.contains(&bn_d1) && !html.contains(&bn));

    assert_eq!(t.count("units").await, units_before);
    assert_eq!(t.count("unit_versions").await, versions_before);
    assert_eq!(t.count("users").await, users_before);
    let bn_ksv_token = t.login("bn.ksv1").await;
    let (s, _) = t.get(&bn_ksv_token, "/api/v1/me").await;
    assert_eq!(s, 200);
}
on_both!(
    provincial_admin_cannot_change_bac_ninh_through_the_pages,
    provincial_admin_cannot_change_bac_ninh_through_the_pages_case
);

// ---------------------------------------------------------------------------------------------
// Businesses
// ---------------------------------------------------------------------------------------------

async fn business_ids(t: &TestApp, token: &str) -> Vec<(String, String)> {
    let (s, b) = t.get(token, "/api/v1/businesses?limit=200").await;
    assert_eq!(s, 200, "{b}");
    b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["name"].as_str().unwrap().to_string(),
                x["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn inspector_of_bac_ninh_cannot_read_quang_ninh_businesses_case(t: TestApp) {
    let qn = t.login("qn.chicuctruong").await;
    let qn_biz = business_ids(&t, &qn).await;
    let ha_long = qn_biz
        .iter()
        .find(|(n, _)| n == "Công ty TNHH Mỹ phẩm Hạ Long")
        .map(|(_, id)| id.clone())
        .expect("demo business of Quảng Ninh");
    let bn_biz_before = t.count("businesses").await;

    for who in ["bn.ksv1", "bn.chicuctruong"] {
        let token = t.login(who).await;
        // Their list holds none of Quảng Ninh's, and a search by name finds nothing.
        let mine = business_ids(&t, &token).await;
        assert!(!mine.is_empty(), "{who} has no businesses at all");
        for (name, id) in &qn_biz {
            assert!(!mine.iter().any(|(_, m)| m == id), "{who} lists {name}");
        }
        let (s, b) = t.get(&token, "/api/v1/businesses?q=Ha%20Long").await;
        assert_eq!(s, 200);
        assert_eq!(b["items"], json!([]));
        for (_, id) in &qn_biz {
            let (s, b) = t.get(&token, &format!("/api/v1/businesses/{id}")).await;
            assert_eq!((s, code(&b)), (404, "business.not_found"));
            let (s, b) = t
                .get(&token, &format!("/api/v1/businesses/{id}/history"))
                .await;
            assert_eq!((s, code(&b)), (404, "business.not_found"));
        }
        let (s, b) = t
            .patch(
                &token,
                &format!("/api/v1/businesses/{ha_long}"),
                json!({"risk_note": "Đã kiểm tra"}),
            )
            .await;
        assert_eq!((s, code(&b)), (404, "business.not_found"));
        // Registering a business in a Quảng Ninh team: refused by scope.
        let qn_d1 = t.unit_id("QN-D1").await;
        let (s, b) = t
            .post(
                &token,
                "/api/v1/businesses",
                json!({"name": "Cửa hàng lạ", "kind": "household", "address": "Số 1 phố Lạ", "unit_id": qn_d1}),
            )
            .await;
        assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"));
        // Moving one of their own businesses over the border: refused by scope.
        let (_, own) = &mine[0];
        let (s, b) = t
            .patch(
                &token,
                &format!("/api/v1/businesses/{own}"),
                json!({"unit_id": qn_d1}),
            )
            .await;
        assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"));
        // And the page says "not found".
        let c = page_client();
        t.page_login(&c, who).await;
        let r = c
            .get(t.url(&format!("/businesses/{ha_long}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let html = r.text().await.unwrap();
        assert!(!html.contains("Mỹ phẩm Hạ Long"));
    }
    assert_eq!(t.count("businesses").await, bn_biz_before);
    let (_, b) = t.get(&qn, &format!("/api/v1/businesses/{ha_long}")).await;
    assert_eq!(
        b["risk_note"],
        "Nguồn tin về mỹ phẩm không rõ nguồn gốc (2025)"
    );
    assert_eq!(b["unit_id"], t.unit_id("QN-D1").await.as_str());
}
on_both!(
    inspector_of_bac_ninh_cannot_read_quang_ninh_businesses,
    inspector_of_bac_ninh_cannot_read_quang_ninh_businesses_case
);
