//! Merging duplicate records of one business: the duplicate is kept and marked, the survivor
//! keeps its values and fills its gaps, both histories record the merge, lists and search show
//! only the survivor, links to the duplicate keep working, and the rules refuse what is not a
//! merge of duplicates.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both};
use serde_json::{Value, json};

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

async fn register(t: &TestApp, token: &str, body: Value) -> String {
    let (s, b) = t.post(token, "/api/v1/businesses", body).await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_str().unwrap().to_string()
}

async fn merge(t: &TestApp, token: &str, id: &str, into: &str) -> (u16, Value) {
    t.post(
        token,
        &format!("/api/v1/businesses/{id}/merge"),
        json!({ "into": into }),
    )
    .await
}

async fn merging(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let d1 = t.unit_id("QN-D1").await;
    // The same grocery, registered twice: once from a walk-by, once from the tax office's list.
    let a = register(&t, &ksv, json!({"name": "Tạp hóa Bà Tư", "kind": "household", "address": "Số 3 chợ Hạ Long", "unit_id": d1, "business_lines": "Tạp hóa"})).await;
    let b = register(&t, &ksv, json!({"name": "Tạp hoá bà Tư", "kind": "household", "tax_code": "0100233488", "address": "Kiot 3 chợ Hạ Long", "unit_id": d1, "phone": "0912 345 678", "representative": "Nguyễn Thị Tư", "business_lines": "Bánh kẹo"})).await;
    let events = t.count("audit_events").await;
    let (s, survivor) = merge(&t, &ksv, &b, &a).await;
    assert_eq!(s, 200, "{survivor}");
    // The survivor keeps its own values and takes only what it lacked.
    assert_eq!(survivor["id"], a.as_str());
    assert_eq!(survivor["name"], "Tạp hóa Bà Tư");
    assert_eq!(survivor["address"], "Số 3 chợ Hạ Long");
    assert_eq!(survivor["business_lines"], "Tạp hóa");
    assert_eq!(survivor["tax_code"], "0100233488");
    assert_eq!(survivor["phone"], "0912 345 678");
    assert_eq!(survivor["representative"], "Nguyễn Thị Tư");
    assert_eq!(t.count("audit_events").await, events + 2);
    // The duplicate is kept: its link answers, saying where it went.
    let (s, dup) = t.get(&ksv, &format!("/api/v1/businesses/{b}")).await;
    assert_eq!(s, 200);
    assert_eq!(dup["merged_into"], a.as_str());
    assert_eq!(dup["survivor_id"], a.as_str());
    assert_eq!(
        dup["tax_code"], "0100233488",
        "the duplicate keeps its values"
    );
    // Lists and search show the survivor only, found by the duplicate's tax code too.
    for q in ["ba tu", "0100233488", "so 3 cho ha long"] {
        let (_, found) = t.get(&ksv, &format!("/api/v1/businesses?q={q}")).await;
        let ids: Vec<&str> = found["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, vec![a.as_str()], "{q}");
    }
    // Both histories name both records.
    let (_, h) = t
        .get(&ksv, &format!("/api/v1/businesses/{b}/history"))
        .await;
    let last = h.as_array().unwrap().last().unwrap();
    assert_eq!(last["action"], "business.merge");
    assert_eq!(last["changes"]["survivor"]["id"], a.as_str());
    assert_eq!(last["changes"]["duplicate"]["id"], b.as_str());
    let (_, h) = t
        .get(&ksv, &format!("/api/v1/businesses/{a}/history"))
        .await;
    let last = h.as_array().unwrap().last().unwrap();
    assert_eq!(last["action"], "business.merge_in");
    assert_eq!(last["changes"]["duplicate"]["id"], b.as_str());
    assert_eq!(last["changes"]["filled"]["tax_code"]["to"], "0100233488");
    assert!(last["changes"]["filled"].get("name").is_none());
    // A merged record is not corrected any more.
    let (s, body) = t
        .patch(
            &ksv,
            &format!("/api/v1/businesses/{b}"),
            json!({"phone": "0203 111 222"}),
        )
        .await;
    assert_eq!((s, code(&body)), (422, "business.merged"));

    // What is refused, and writes nothing.
    let c = register(&t, &ksv, json!({"name": "Công ty TNHH Bãi Cháy", "kind": "enterprise", "tax_code": "0314409058", "address": "Số 9", "unit_id": d1})).await;
    let acc = t.login("qn.ketoan").await;
    let events = t.count("audit_events").await;
    for (id, into, status, want) in [
        (a.as_str(), a.as_str(), 422, "business.merge_into_self"),
        (c.as_str(), b.as_str(), 422, "business.merge_into_merged"),
        (b.as_str(), c.as_str(), 422, "business.merged"),
        (
            c.as_str(),
            a.as_str(),
            422,
            "business.merge_tax_code_mismatch",
        ),
        (c.as_str(), "khong-co", 404, "business.not_found"),
        ("khong-co", c.as_str(), 404, "business.not_found"),
    ] {
        let (s, body) = merge(&t, &ksv, id, into).await;
        assert_eq!((s, code(&body)), (status, want), "{id} → {into}: {body}");
    }
    let (s, body) = t
        .post(
            &ksv,
            &format!("/api/v1/businesses/{c}/merge"),
            json!({"into": a, "extra": 1}),
        )
        .await;
    assert_eq!((s, code(&body)), (400, "request.invalid_body"));
    let (s, body) = merge(&t, &acc, &c, &a).await;
    assert_eq!((s, code(&body)), (403, "auth.forbidden"));
    assert_eq!(t.count("audit_events").await, events);

    // A survivor merged later: the first duplicate's link leads to the end of the chain.
    let d = register(&t, &ksv, json!({"name": "Cửa hàng tạp hóa Tư Hạnh", "kind": "household", "address": "Số 3 chợ Hạ Long", "unit_id": d1})).await;
    let (s, body) = merge(&t, &ksv, &a, &d).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["tax_code"], "0100233488", "the code travels on");
    let (_, dup) = t.get(&ksv, &format!("/api/v1/businesses/{b}")).await;
    assert_eq!(
        (dup["merged_into"].as_str(), dup["survivor_id"].as_str()),
        (Some(a.as_str()), Some(d.as_str()))
    );
    let pool = t.app.db.pool();
    let survivor_of = |id: String| async move {
        qltt_store::businesses::survivor_of(pool, &id)
            .await
            .unwrap()
    };
    assert_eq!(survivor_of(b.clone()).await, Some(d.clone()));
    assert_eq!(survivor_of(d.clone()).await, Some(d.clone()));
    assert_eq!(survivor_of("khong-co".into()).await, None);
}
on_both!(a_duplicate_is_merged_into_the_survivor_and_kept, merging);

/// Another province's record is as absent for a merge as for any other business endpoint.
async fn merge_scope(t: TestApp) {
    let qn = t.login("qn.chicuctruong").await;
    let bn = t.login("bn.chicuctruong").await;
    let qn_shop = register(&t, &qn, json!({"name": "Quán A", "kind": "household", "address": "Số 1", "unit_id": t.unit_id("QN-D1").await})).await;
    let bn_shop = register(&t, &bn, json!({"name": "Quán A", "kind": "household", "address": "Số 1", "unit_id": t.unit_id("BN-D1").await})).await;
    let events = t.count("audit_events").await;
    for (token, id, into) in [
        (&qn, &qn_shop, &bn_shop),
        (&qn, &bn_shop, &qn_shop),
        (&bn, &bn_shop, &qn_shop),
        (&bn, &qn_shop, &bn_shop),
    ] {
        let (s, body) = merge(&t, token, id, into).await;
        assert_eq!((s, code(&body)), (404, "business.not_found"), "{body}");
    }
    assert_eq!(t.count("audit_events").await, events);
    let (_, found) = t.get(&bn, "/api/v1/businesses?q=quan a").await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
}
on_both!(a_merge_never_reaches_another_province, merge_scope);

/// A row of a file that was merged away since is recognised on the next import, not created
/// again as a new duplicate.
async fn reimport_after_merge(t: TestApp) {
    let head = t.login("qn.chicuctruong").await;
    let file = "name,kind,address,unit_code\nQuán phở Hùng,household,Số 8 Lê Thánh Tông,QN-D1\n";
    let import = |body: &'static str| {
        let t = &t;
        let head = head.clone();
        async move {
            let r = t
                .http
                .post(t.url("/api/v1/businesses/import"))
                .bearer_auth(&head)
                .header("content-type", "text/csv")
                .body(body)
                .send()
                .await
                .unwrap();
            r.json::<Value>().await.unwrap()
        }
    };
    assert_eq!(import(file).await["created"], 1);
    let (_, found) = t.get(&head, "/api/v1/businesses?q=pho hung").await;
    let imported = found["items"][0]["id"].as_str().unwrap().to_string();
    let kept = register(&t, &head, json!({"name": "Phở Hùng", "kind": "household", "address": "8 Lê Thánh Tông", "unit_id": t.unit_id("QN-D1").await, "phone": "0912345678"})).await;
    let (s, _) = merge(&t, &head, &imported, &kept).await;
    assert_eq!(s, 200);
    let again = import(file).await;
    assert_eq!(
        (again["created"].clone(), again["unchanged"].clone()),
        (0.into(), 1.into()),
        "{again}"
    );
    let (_, found) = t.get(&head, "/api/v1/businesses?q=pho hung").await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
}
on_both!(
    reimporting_a_file_after_a_merge_creates_no_new_duplicate,
    reimport_after_merge
);
