//! A use case that fails half-way leaves nothing behind: no half-written rows, no audit gap.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both};
use serde_json::json;

async fn audit_head(t: &TestApp) -> (i64, String) {
    sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(t.app.db.pool())
        .await
        .unwrap()
}

/// The outbox insert is the last step of creating a unit; when it fails, the unit, its version
/// and its audit event must all be rolled back.
async fn failed_outbox_rolls_back_unit_and_audit(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let before = (
        t.count("units").await,
        t.count("unit_versions").await,
        t.count("audit_events").await,
    );
    let head = audit_head(&t).await;
    t.break_inserts_into("outbox").await;
    let (status, body) = t
        .post(
            &admin,
            "/api/v1/units",
            json!({"name": "Đội QLTT số 9", "code": "QN-D9", "kind": "team", "parent_id": qn}),
        )
        .await;
    assert_eq!(status, 500, "{body}");
    assert_eq!(body["error"]["code"], "internal.error");
    // The message is for people and leaks no SQL.
    assert!(
        !body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("forced")
    );
    let after = (
        t.count("units").await,
        t.count("unit_versions").await,
        t.count("audit_events").await,
    );
    assert_eq!(before, after);
    assert_eq!(head, audit_head(&t).await);
    assert!(matches!(
        t.app.verify_audit().await.unwrap(),
        qltt_store::audit::Verification::Intact { .. }
    ));
}
on_both!(
    failed_outbox_leaves_no_unit_and_no_audit_gap,
    failed_outbox_rolls_back_unit_and_audit
);

/// Creating an officer writes the user, its roles, the audit event and the outbox entry. A failure
/// on the audit insert must take the user and roles with it.
async fn failed_audit_rolls_back_officer(t: TestApp) {
    let hr = t.login("qn.tochuc").await;
    let d1 = t.unit_id("QN-D1").await;
    let before = (
        t.count("users").await,
        t.count("user_roles").await,
        t.count("outbox").await,
    );
    t.break_inserts_into("audit_events").await;
    let (status, _) = t
        .post(
            &hr,
            "/api/v1/users",
            json!({"username": "qn.moi", "full_name": "Người Mới", "password": "mat-khau-du-dai", "unit_id": d1, "roles": ["inspector"]}),
        )
        .await;
    assert_eq!(status, 500);
    let after = (
        t.count("users").await,
        t.count("user_roles").await,
        t.count("outbox").await,
    );
    assert_eq!(before, after);
    assert!(
        qltt_store::users::get_by_username(t.app.db.pool(), "qn.moi")
            .await
            .unwrap()
            .is_none()
    );
}
on_both!(
    failed_audit_leaves_no_officer,
    failed_audit_rolls_back_officer
);

/// A merge touches many rows (children, officers, the unit, versions). If its last write fails
/// nothing of it stays: children keep their parent, officers their unit.
async fn failed_merge_is_all_or_nothing(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let bn = t.unit_id("BN").await;
    let d1_parent_before: (Option<String>,) =
        sqlx::query_as("SELECT parent_id FROM units WHERE code = 'QN-D1'")
            .fetch_one(t.app.db.pool())
            .await
            .unwrap();
    t.break_inserts_into("outbox").await;
    let (status, _) = t
        .post(
            &admin,
            &format!("/api/v1/units/{qn}/merge"),
            json!({"into_unit_id": bn}),
        )
        .await;
    assert_eq!(status, 500);
    let d1_parent_after: (Option<String>,) =
        sqlx::query_as("SELECT parent_id FROM units WHERE code = 'QN-D1'")
            .fetch_one(t.app.db.pool())
            .await
            .unwrap();
    assert_eq!(d1_parent_before, d1_parent_after);
    let ksv = qltt_store::users::get_by_username(t.app.db.pool(), "qn.chicuctruong")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ksv.unit_id, qn);
    let qn_row = qltt_store::units::get(t.app.db.pool(), &qn)
        .await
        .unwrap()
        .unwrap();
    assert!(qn_row.merged_into.is_none() && qn_row.valid_to.is_none());
}
on_both!(failed_merge_changes_nothing, failed_merge_is_all_or_nothing);

/// Every successful change of this issue writes exactly one audit event per use case, and the
/// chain stays intact through a busy sequence of changes.
async fn every_change_is_audited(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let n0 = t.count("audit_events").await;
    let (s, unit) = t
        .post(
            &admin,
            "/api/v1/units",
            json!({"name": "Đội QLTT số 7", "code": "QN-D7", "kind": "team", "parent_id": qn}),
        )
        .await;
    assert_eq!(s, 201, "{unit}");
    let id = unit["id"].as_str().unwrap();
    let (s, _) = t
        .patch(
            &admin,
            &format!("/api/v1/units/{id}"),
            json!({"name": "Đội QLTT số 7 (Móng Cái)"}),
        )
        .await;
    assert_eq!(s, 200);
    // create + rename (the sign-in came before n0)
    assert_eq!(t.count("audit_events").await, n0 + 2);
    let (s, events) = t.get(&admin, &format!("/api/v1/audit?entity={id}")).await;
    assert_eq!(s, 200);
    let actions: Vec<_> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions, vec!["unit.rename", "unit.create"]);
    assert!(matches!(
        t.app.verify_audit().await.unwrap(),
        qltt_store::audit::Verification::Intact { .. }
    ));
}
on_both!(
    create_and_rename_each_write_one_audit_event,
    every_change_is_audited
);

/// Many officers writing at once: every write lands, none is lost to a busy database, and the
/// audit chain stays one unbroken line (no two events built on the same previous hash).
async fn concurrent_writes_keep_one_chain(t: TestApp) {
    let admin = t.login("admin").await;
    let qn = t.unit_id("QN").await;
    let n0 = t.count("audit_events").await;
    let futures: Vec<_> = (0..24)
        .map(|i| {
            let body = json!({"name": format!("Tổ công tác {i}"), "code": format!("QN-T{i}"), "kind": "work_group", "parent_id": qn});
            let (t, admin) = (&t, admin.clone());
            async move { t.post(&admin, "/api/v1/units", body).await }
        })
        .collect();
    let results = futures_util::future::join_all(futures).await;
    for (s, b) in &results {
        assert_eq!(*s, 201, "{b}");
    }
    assert_eq!(t.count("audit_events").await, n0 + 24);
    assert_eq!(
        t.app.verify_audit().await.unwrap(),
        qltt_store::audit::Verification::Intact { events: n0 + 24 }
    );
}
on_both!(
    twenty_four_simultaneous_writes_keep_one_audit_chain,
    concurrent_writes_keep_one_chain
);
