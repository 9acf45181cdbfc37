//! Exhibits and the warehouse over HTTP: a lot seized in a case, photographed, checked into the
//! store under a camera, part of it taken for examination (the lot splits), the law's refusals,
//! the custody chain recomputed (and caught when edited behind the product's back), another
//! province that sees nothing, retries that create nothing twice, and the overdue-seizure queue.
//! On SQLite and PostgreSQL; the test clock stands on Thu 05/03/2026, 09:00 in Việt Nam.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both};
use serde_json::{Value, json};

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

/// The smallest valid PNG (1×1), plus a tag so each call can make a distinct file.
fn png(tag: u8) -> Vec<u8> {
    let mut b = vec![
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0,
        0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89,
    ];
    b.extend_from_slice(&[
        0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82, tag,
    ]);
    b
}

async fn upload(t: &TestApp, token: &str, bytes: Vec<u8>) -> (u16, Value) {
    let r = t
        .http
        .post(t.url("/api/v1/files"))
        .bearer_auth(token)
        .header("x-file-name", "%E1%BA%A2nh%20ni%C3%AAm%20phong.png")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// A case caught in the act in team 1's area, at `violation_recorded`.
async fn case_with_violation(t: &TestApp, ksv: &str) -> String {
    let (_, b) = t.get(ksv, "/api/v1/businesses?limit=50").await;
    let d1 = t.unit_id("QN-D1").await;
    let business = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["unit_id"] == d1.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, c) = t
        .post(ksv, "/api/v1/cases", json!({"business_id": business, "unit_id": d1, "origin": "caught_in_act", "summary": "Bày bán mỹ phẩm nhập lậu"}))
        .await;
    assert_eq!(s, 201, "{c}");
    let id = c["id"].as_str().unwrap().to_string();
    let (s, c) = t
        .post(ksv, &format!("/api/v1/cases/{id}/actions/record_violation"), json!({
            "recorded_at": "2026-03-05T01:30:00Z",
            "place": "Số 1 đường Hạ Long, phường Bãi Cháy",
            "offender": {"kind": "individual", "name": "Nguyễn Văn A", "id_number": "022080000123", "address": "Hạ Long"},
            "violations": [{"violation_type_id": "D98-15-1-e", "facts": "Bày bán 120 hộp kem dưỡng da nhập lậu"}],
            "witnesses": [{"name": "Trần Thị B"}]
        }))
        .await;
    assert_eq!(s, 200, "{c}");
    id
}

async fn warehouse(t: &TestApp, head: &str) -> (String, String) {
    let (s, w) = t
        .post(head, "/api/v1/warehouses", json!({"unit_id": t.unit_id("QN").await, "code": "kho-01", "name": "Kho tang vật Chi cục", "address": "Số 2 Lê Thánh Tông, Hạ Long"}))
        .await;
    assert_eq!(s, 201, "{w}");
    assert_eq!(w["code"], "KHO-01");
    let wid = w["id"].as_str().unwrap().to_string();
    let (s, cam) = t
        .post(
            head,
            &format!("/api/v1/warehouses/{wid}/cameras"),
            json!({"code": "CAM-03", "zone": "A", "description": "Cửa nhập kho, khu A"}),
        )
        .await;
    assert_eq!(s, 201, "{cam}");
    (wid, cam["id"].as_str().unwrap().to_string())
}

async fn seizure_to_examination(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let head = t.login("qn.chicuctruong").await;
    let keeper = t.login("qn.thukho").await;

    // Only leaders open warehouses; a second KHO-01 in the same unit is refused.
    let (s, b) = t
        .post(
            &keeper,
            "/api/v1/warehouses",
            json!({"unit_id": t.unit_id("QN").await, "code": "K2", "name": "x", "address": "y"}),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));
    let (wid, cam) = warehouse(&t, &head).await;
    let (s, b) = t
        .post(&head, "/api/v1/warehouses", json!({"unit_id": t.unit_id("QN").await, "code": "KHO-01", "name": "x", "address": "y"}))
        .await;
    assert_eq!((s, code(&b)), (409, "warehouse.duplicate_code"));

    let case = case_with_violation(&t, &ksv).await;
    // The seal photo: stored by its hash, typed from its bytes; a text file is refused.
    let (s, photo) = upload(&t, &ksv, png(1)).await;
    assert_eq!(s, 201, "{photo}");
    assert_eq!(photo["content_type"], "image/png");
    assert_eq!(photo["file_name"], "Ảnh niêm phong.png");
    let sha = photo["sha256"].as_str().unwrap().to_string();
    let (s, again) = upload(&t, &ksv, png(1)).await;
    assert_eq!(
        (s, &again["sha256"]),
        (201, &photo["sha256"]),
        "deduplicated"
    );
    let (s, b) = upload(&t, &ksv, b"khong phai anh".to_vec()).await;
    assert_eq!((s, code(&b)), (400, "file.unsupported_type"));
    let r = t
        .http
        .get(t.url(&format!("/api/v1/files/{sha}")))
        .bearer_auth(&ksv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().to_vec(), png(1));

    // Registering the lot: 120 boxes, sealed, photographed; seizure runs 7 working days
    // (LHAV Art. 125(8)): Thu 05/03 → Mon 16/03.
    let lot = json!({"case_id": case, "description": "Kem dưỡng da Hàn Quốc, hộp 50 ml", "brand": "Sulwhasoo",
        "quantity": "120", "unit_of_measure": "hộp", "estimated_value": 36000000,
        "seal_numbers": ["QN-0012345"], "photos": [sha]});
    for (bad, want) in [
        (json!({"quantity": "-3"}), "exhibit.invalid_quantity"),
        (json!({"quantity": 0}), "exhibit.invalid_quantity"),
        (json!({"photos": ["ab".repeat(32)]}), "file.unknown"),
        (json!({"seized_on": "2026-03-06"}), "exhibit.future_date"),
    ] {
        let mut body = lot.clone();
        for (k, v) in bad.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, b) = t.post(&ksv, "/api/v1/exhibits", body).await;
        assert_eq!((s, code(&b)), (400, want), "{bad}: {b}");
    }
    let (s, e) = t.post(&ksv, "/api/v1/exhibits", lot.clone()).await;
    assert_eq!(s, 201, "{e}");
    assert_eq!(e["status"], "seized");
    assert_eq!(e["quantity"], "120");
    assert_eq!(e["lot_no"], "QN-D1-TV-2026-00001");
    assert_eq!(e["seizure_due"], "2026-03-16");
    assert_eq!(e["seizure_overdue"], false);
    let eid = e["id"].as_str().unwrap().to_string();

    // The keeper receives it into KHO-01, zone A, shelf 3, under camera CAM-03.
    let check_in = json!({"kind": "check_in", "handed_over_by": "Lê Văn Kiểm (KSV)", "received_by": "Phạm Thủ Kho",
        "to": {"warehouse_id": wid, "zone": "A", "shelf": "3"}, "condition": "Niêm phong nguyên vẹn",
        "cameras": [{"camera_id": cam, "from": "2026-03-05T01:55:00Z", "to": "2026-03-05T02:05:00Z", "url": "https://nvr.qn.local/clip/123", "url_sha256": "cd".repeat(32)}]});
    let (s, b) = t
        .post(
            &keeper,
            &format!("/api/v1/exhibits/{eid}/moves"),
            json!({"kind": "check_in", "handed_over_by": "a", "received_by": "b"}),
        )
        .await;
    assert_eq!((s, code(&b)), (400, "exhibit.location_required"), "{b}");
    let (s, e) = t
        .post(&keeper, &format!("/api/v1/exhibits/{eid}/moves"), check_in)
        .await;
    assert_eq!(s, 201, "{e}");
    assert_eq!(e["status"], "in_custody");
    assert_eq!(e["warehouse_name"], "Kho tang vật Chi cục");
    assert_eq!(
        (e["zone"].as_str(), e["shelf"].as_str()),
        (Some("A"), Some("3"))
    );
    // The lot's page gives the recording's time as officers read it (Việt Nam, dd/mm/yyyy).
    let page = qltt_testkit::page_client();
    t.page_login(&page, "qn.thukho").await;
    let html = page
        .get(t.url(&format!("/exhibits/{eid}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("05/03/2026 08:55 → 05/03/2026 09:05"),
        "{html}"
    );

    // Twenty boxes go out for examination: the lot splits, nothing appears or vanishes.
    let (s, part) = t
        .post(&keeper, &format!("/api/v1/exhibits/{eid}/moves"), json!({"kind": "check_out", "quantity": "20", "handed_over_by": "Phạm Thủ Kho", "received_by": "Viện Kiểm nghiệm"}))
        .await;
    assert_eq!(s, 201, "{part}");
    assert_eq!(part["status"], "checked_out");
    assert_eq!(part["quantity"], "20");
    assert_eq!(part["parent_id"], eid.as_str());
    assert_eq!(
        part["estimated_value"], 6000000,
        "value follows the quantity"
    );
    assert_eq!(part["lot_no"], "QN-D1-TV-2026-00002");
    let (_, rest) = t.get(&ksv, &format!("/api/v1/exhibits/{eid}")).await;
    assert_eq!(rest["quantity"], "100");
    assert_eq!(rest["estimated_value"], 30000000);
    assert_eq!(rest["status"], "in_custody");

    // The law and the ledger refuse: more than the lot holds, destroying what no decision
    // confiscated, confiscating before the decision, a keeper disposing of goods.
    for (token, body, status, want) in [
        (
            &keeper,
            json!({"kind": "transfer", "quantity": 101, "handed_over_by": "a", "received_by": "b", "to": {"warehouse_id": wid, "zone": "B"}}),
            422,
            "exhibit.quantity_exceeds_stock",
        ),
        (
            &head,
            json!({"kind": "destroy", "handed_over_by": "a", "received_by": "b", "council": ["A", "B"], "minutes_sha256": sha}),
            422,
            "exhibit.invalid_move",
        ),
        (
            &head,
            json!({"kind": "confiscate", "handed_over_by": "a", "received_by": "b"}),
            422,
            "exhibit.no_decision",
        ),
        (
            &keeper,
            json!({"kind": "destroy", "handed_over_by": "a", "received_by": "b"}),
            403,
            "auth.forbidden",
        ),
        (
            &keeper,
            json!({"kind": "handover", "handed_over_by": "a", "received_by": "b"}),
            400,
            "exhibit.counterparty_required",
        ),
        (
            &keeper,
            json!({"kind": "fly_away", "handed_over_by": "a", "received_by": "b"}),
            400,
            "exhibit.invalid_move",
        ),
        (
            &keeper,
            json!({"kind": "transfer", "handed_over_by": "a", "received_by": "b", "version": 0, "to": {"warehouse_id": wid, "zone": "B"}}),
            409,
            "exhibit.version_conflict",
        ),
    ] {
        let (s, b) = t
            .post(
                token,
                &format!("/api/v1/exhibits/{eid}/moves"),
                body.clone(),
            )
            .await;
        assert_eq!((s, code(&b)), (status, want), "{body}: {b}");
    }

    // The custody chain: seize → check-in → check-out (20 split off), recomputed on read.
    let (s, c) = t
        .get(&ksv, &format!("/api/v1/exhibits/{eid}/custody"))
        .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["chain_intact"], true, "{c}");
    let kinds: Vec<&str> = c["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["seize", "check_in", "check_out"]);
    assert_eq!(
        c["events"][1]["details_json"]["cameras"][0]["camera_code"],
        "CAM-03"
    );
    assert_eq!(c["children"][0]["id"], part["id"]);
    let (_, pc) = t
        .get(
            &ksv,
            &format!("/api/v1/exhibits/{}/custody", part["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(pc["chain_intact"], true, "{pc}");
    assert_eq!(
        pc["events"][0]["prev_hash"], c["events"][2]["hash"],
        "the split lot's chain starts at the split"
    );
    assert_eq!(pc["parent"]["id"], eid.as_str());

    // Someone edits the check-in in the database: the chain names the event.
    t.sql("UPDATE custody_events SET received_by = 'Người khác' WHERE kind = 'check_in'")
        .await;
    let (_, c) = t
        .get(&ksv, &format!("/api/v1/exhibits/{eid}/custody"))
        .await;
    assert_eq!(c["chain_intact"], false);
    assert_eq!(c["first_break"], 2);

    // Every change was audited.
    let (_, audit) = t
        .get(&head, &format!("/api/v1/audit?entity={eid}&limit=50"))
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        actions.contains(&"exhibit.seize") && actions.contains(&"exhibit.move"),
        "{audit}"
    );
}
on_both!(seizure_check_in_and_examination, seizure_to_examination);

async fn another_province_sees_nothing(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let head = t.login("qn.chicuctruong").await;
    let (wid, _) = warehouse(&t, &head).await;
    let case = case_with_violation(&t, &ksv).await;
    let (_, photo) = upload(&t, &ksv, png(7)).await;
    let sha = photo["sha256"].as_str().unwrap();
    let (s, e) = t
        .post(&ksv, "/api/v1/exhibits", json!({"case_id": case, "description": "Rượu ngoại", "quantity": 12.5, "unit_of_measure": "lít", "estimated_value": 5000000, "photos": [sha]}))
        .await;
    assert_eq!(s, 201, "{e}");
    assert_eq!(e["quantity"], "12,5");
    let eid = e["id"].as_str().unwrap();

    let bn = t.login("bn.ksv1").await;
    let bn_head = t.login("bn.chicuctruong").await;
    for path in [
        format!("/api/v1/exhibits/{eid}"),
        format!("/api/v1/exhibits/{eid}/custody"),
        format!("/api/v1/files/{sha}"),
        format!("/api/v1/warehouses/{wid}/cameras"),
    ] {
        let (s, b) = t.get(&bn, &path).await;
        assert_eq!(s, 404, "{path}: {b}");
    }
    let (s, list) = t.get(&bn, "/api/v1/exhibits").await;
    assert_eq!((s, list.as_array().map(Vec::len)), (200, Some(0)));
    let (_, ws) = t.get(&bn, "/api/v1/warehouses").await;
    assert_eq!(ws.as_array().map(Vec::len), Some(0));
    // Writing across the border: a move, a lot on a foreign case, a foreign photo, a foreign
    // warehouse as destination.
    let (s, _) = t
        .post(&bn_head, &format!("/api/v1/exhibits/{eid}/moves"), json!({"kind": "check_in", "handed_over_by": "a", "received_by": "b", "to": {"warehouse_id": wid}}))
        .await;
    assert_eq!(s, 404);
    let (s, b) = t
        .post(
            &bn,
            "/api/v1/exhibits",
            json!({"case_id": case, "description": "x", "quantity": 1, "unit_of_measure": "cái"}),
        )
        .await;
    assert_eq!((s, code(&b)), (404, "case.not_found"));
    let (s, b) = t
        .post(
            &bn_head,
            "/api/v1/warehouses",
            json!({"unit_id": t.unit_id("QN").await, "code": "X", "name": "x", "address": "y"}),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"));
    let (s, b) = t
        .post(&head, &format!("/api/v1/exhibits/{eid}/moves"), json!({"kind": "check_in", "handed_over_by": "a", "received_by": "b", "to": {"warehouse_id": wid}}))
        .await;
    assert_eq!(s, 201, "{b}");
}
on_both!(
    another_province_sees_and_touches_nothing,
    another_province_sees_nothing
);

async fn retries_and_overdue_queue(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let case = case_with_violation(&t, &ksv).await;
    let body = json!({"case_id": case, "description": "Thuốc lá điếu nhập lậu", "quantity": "340", "unit_of_measure": "bao", "estimated_value": 8500000});
    let send = || {
        t.http
            .post(t.url("/api/v1/exhibits"))
            .bearer_auth(&ksv)
            .header("idempotency-key", "lot-thuoc-la-1")
            .json(&body)
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let second = send().await.unwrap();
    assert_eq!(second.status(), 201);
    let second: Value = second.json().await.unwrap();
    assert_eq!(
        first["id"], second["id"],
        "a retried request is answered, not repeated"
    );
    assert_eq!(t.count("exhibits").await, 1);
    assert_eq!(t.count("custody_events").await, 1);

    let (_, q) = t.get(&ksv, "/api/v1/exhibits?overdue=true").await;
    assert_eq!(q.as_array().map(Vec::len), Some(0));
    // Twelve days later the case still has no decision: the lot is past its seizure period.
    t.clock.advance(chrono::Duration::days(12));
    let ksv = t.login("qn.ksv1").await;
    let (_, q) = t.get(&ksv, "/api/v1/exhibits?overdue=true").await;
    assert_eq!(q.as_array().map(Vec::len), Some(1), "{q}");
    assert_eq!(q[0]["seizure_overdue"], true);
}
on_both!(
    retried_registration_and_overdue_seizures,
    retries_and_overdue_queue
);
