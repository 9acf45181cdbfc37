//! Stock counts (kiểm kê) over HTTP: the keeper opens a count of a warehouse and finds two boxes
//! missing; the count waits for the head's explanation, which closes it; the lots themselves are
//! untouched; one count at a time; another province sees nothing; every step is audited.
//! On SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both, page_client};
use serde_json::{Value, json};

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

/// A warehouse of the province with two lots checked in from a case caught in the act.
async fn stocked_warehouse(t: &TestApp) -> (String, Vec<String>) {
    let ksv = t.login("qn.ksv1").await;
    let head = t.login("qn.chicuctruong").await;
    let keeper = t.login("qn.thukho").await;
    let d1 = t.unit_id("QN-D1").await;
    let (_, c) = t
        .post(
            &ksv,
            "/api/v1/cases",
            json!({"unit_id": d1, "origin": "caught_in_act", "summary": "Bắt quả tang"}),
        )
        .await;
    let case = c["id"].as_str().unwrap().to_string();
    let (s, b) = t
        .post(
            &ksv,
            &format!("/api/v1/cases/{case}/actions/record_violation"),
            json!({
                "recorded_at": "2026-03-05T01:30:00Z", "place": "Hạ Long",
                "offender": {"kind": "individual", "name": "Nguyễn Văn A"},
                "violations": [{"violation_type_id": "D98-15-1-e", "facts": "Hàng nhập lậu"}]
            }),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, w) = t
        .post(&head, "/api/v1/warehouses", json!({"unit_id": t.unit_id("QN").await, "code": "KHO-01", "name": "Kho Chi cục", "address": "Hạ Long"}))
        .await;
    assert_eq!(s, 201, "{w}");
    let wid = w["id"].as_str().unwrap().to_string();
    let mut lots = Vec::new();
    for (what, qty) in [("Kem dưỡng da", "120"), ("Rượu vang", "12,5")] {
        let (s, e) = t
            .post(&ksv, "/api/v1/exhibits", json!({"case_id": case, "description": what, "quantity": qty, "unit_of_measure": "hộp"}))
            .await;
        assert_eq!(s, 201, "{e}");
        let id = e["id"].as_str().unwrap().to_string();
        let (s, b) = t
            .post(&keeper, &format!("/api/v1/exhibits/{id}/moves"), json!({"kind": "check_in", "handed_over_by": "KSV Lê Văn Ba", "received_by": "Thủ kho", "to": {"warehouse_id": wid, "zone": "A", "shelf": "A-01"}}))
            .await;
        assert_eq!(s, 201, "{b}");
        lots.push(id);
    }
    (wid, lots)
}

fn line<'a>(count: &'a Value, lot: &str) -> &'a Value {
    count["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["exhibit_id"] == lot)
        .unwrap()
}

async fn a_count_with_a_difference(t: TestApp) {
    let (wid, lots) = stocked_warehouse(&t).await;
    let keeper = t.login("qn.thukho").await;
    let head = t.login("qn.chicuctruong").await;
    let (s, count) = t
        .post(
            &keeper,
            &format!("/api/v1/warehouses/{wid}/counts"),
            json!({"note": "Kiểm kê quý I/2026"}),
        )
        .await;
    assert_eq!(s, 201, "{count}");
    assert_eq!(count["status"], "open");
    assert_eq!(count["lines"].as_array().unwrap().len(), 2);
    assert_eq!(line(&count, &lots[1])["expected"], "12,5");
    let id = count["id"].as_str().unwrap().to_string();
    // One count at a time per warehouse.
    let (s, b) = t
        .post(
            &keeper,
            &format!("/api/v1/warehouses/{wid}/counts"),
            json!({}),
        )
        .await;
    assert_eq!((s, code(&b)), (409, "stock_count.already_open"), "{b}");
    // Closing before every lot is counted is refused.
    let (s, b) = t
        .post(
            &keeper,
            &format!("/api/v1/stock-counts/{id}/close"),
            json!({}),
        )
        .await;
    assert_eq!((s, code(&b)), (422, "stock_count.uncounted"), "{b}");
    // 118 boxes found of 120; the wine matches.
    let lines = format!("/api/v1/stock-counts/{id}/lines");
    let (s, c) = t
        .post(
            &keeper,
            &lines,
            json!({"exhibit_id": lots[0], "counted": 118, "note": "Thiếu 2 hộp"}),
        )
        .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(line(&c, &lots[0])["difference"], "-2");
    let (_, c) = t
        .post(
            &keeper,
            &lines,
            json!({"exhibit_id": lots[1], "counted": "12,5"}),
        )
        .await;
    assert_eq!(line(&c, &lots[1])["difference"], "0");
    assert_eq!(c["differences"], 1);
    let (s, b) = t
        .post(
            &keeper,
            &lines,
            json!({"exhibit_id": "not-a-lot", "counted": 1}),
        )
        .await;
    assert_eq!((s, code(&b)), (400, "stock_count.unknown_lot"), "{b}");
    let (s, c) = t
        .post(
            &keeper,
            &format!("/api/v1/stock-counts/{id}/close"),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["status"], "discrepancy");
    // Counting after closing is refused.
    let (s, b) = t
        .post(
            &keeper,
            &lines,
            json!({"exhibit_id": lots[0], "counted": 120}),
        )
        .await;
    assert_eq!((s, code(&b)), (422, "stock_count.not_open"), "{b}");
    // Only a leader explains, and every difference needs words.
    let explain = format!("/api/v1/stock-counts/{id}/explain");
    let (s, b) = t
        .post(
            &keeper,
            &explain,
            json!({"explanations": [{"exhibit_id": lots[0], "explanation": "x"}]}),
        )
        .await;
    assert_eq!(s, 403, "{b}");
    let (s, b) = t
        .post(
            &head,
            &explain,
            json!({"explanations": [{"exhibit_id": lots[1], "explanation": "Khớp"}]}),
        )
        .await;
    assert_eq!(
        (s, code(&b)),
        (400, "stock_count.explanation_required"),
        "{b}"
    );
    let (s, c) = t
        .post(&head, &explain, json!({"explanations": [{"exhibit_id": lots[0], "explanation": "Hai hộp vỡ khi nhập kho, có biên bản ngày 06/3"}]}))
        .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["status"], "closed");
    assert_eq!(
        line(&c, &lots[0])["explanation"],
        "Hai hộp vỡ khi nhập kho, có biên bản ngày 06/3"
    );
    // The count changed no lot: the ledger still says 120.
    let (_, e) = t
        .get(&keeper, &format!("/api/v1/exhibits/{}", lots[0]))
        .await;
    assert_eq!(e["quantity"], "120");
    // The warehouse lists it; a new count may start.
    let (_, list) = t
        .get(&keeper, &format!("/api/v1/warehouses/{wid}/counts"))
        .await;
    assert_eq!(list[0]["id"], id.as_str());
    let (s, _) = t
        .post(
            &keeper,
            &format!("/api/v1/warehouses/{wid}/counts"),
            json!({}),
        )
        .await;
    assert_eq!(s, 201);
    // Every step is in the audit chain, which holds.
    let (_, audit) = t
        .get(&head, &format!("/api/v1/audit?entity={id}&limit=50"))
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for a in [
        "stock_count.open",
        "stock_count.count",
        "stock_count.close",
        "stock_count.explain",
    ] {
        assert!(actions.contains(&a), "{a} missing: {actions:?}");
    }
    assert!(matches!(
        t.app.verify_audit().await.unwrap(),
        qltt_store::audit::Verification::Intact { .. }
    ));

    // Another province: nothing to see, nothing to touch.
    let bn = t.login("bn.chicuctruong").await;
    for path in [
        format!("/api/v1/stock-counts/{id}"),
        format!("/api/v1/warehouses/{wid}/counts"),
    ] {
        let (s, b) = t.get(&bn, &path).await;
        assert_eq!(s, 404, "{path}: {b}");
    }
    let (s, b) = t
        .post(&bn, &format!("/api/v1/warehouses/{wid}/counts"), json!({}))
        .await;
    assert_eq!(s, 404, "{b}");
}
on_both!(
    a_count_with_a_difference_waits_for_the_leaders_explanation,
    a_count_with_a_difference
);

async fn counting_on_the_pages(t: TestApp) {
    let (wid, lots) = stocked_warehouse(&t).await;
    let keeper = page_client();
    let csrf = t.page_login(&keeper, "qn.thukho").await;
    let html = keeper
        .get(t.url("/warehouses"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Mở phiên kiểm kê"), "{html}");
    let r = keeper
        .post(t.url(&format!("/warehouses/{wid}/counts")))
        .form(&[("csrf", csrf.as_str()), ("note", "Kiểm kê đột xuất")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = r.headers()["location"].to_str().unwrap().to_string();
    let html = keeper
        .get(t.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Kiểm kê đột xuất"), "{html}");
    assert!(html.contains("chưa đếm"), "{html}");
    for (lot, counted) in [(&lots[0], "118"), (&lots[1], "12,5")] {
        let r = keeper
            .post(t.url(&page))
            .form(&[
                ("csrf", csrf.as_str()),
                ("op", "count"),
                ("exhibit_id", lot),
                ("counted", counted),
                ("note", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
    }
    let r = keeper
        .post(t.url(&page))
        .form(&[("csrf", csrf.as_str()), ("op", "close")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = keeper
        .get(t.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Có chênh lệch, chờ giải trình"), "{html}");
    assert!(html.contains("-2"), "{html}");
    // The keeper cannot explain; the head can, from the page.
    assert!(!html.contains("Giải trình chênh lệch"), "{html}");
    let head = page_client();
    let hcsrf = t.page_login(&head, "qn.chicuctruong").await;
    let html = head
        .get(t.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Giải trình chênh lệch"), "{html}");
    let field = format!("explanation_{}", lots[0]);
    let r = head
        .post(t.url(&page))
        .form(&[
            ("csrf", hcsrf.as_str()),
            ("op", "explain"),
            (field.as_str(), "Hai hộp vỡ, có biên bản"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = head
        .get(t.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Đã kết thúc"), "{html}");
    assert!(
        html.contains("Giải trình: Hai hộp vỡ, có biên bản"),
        "{html}"
    );
    // Without the session's token nothing happens.
    let r = keeper
        .post(t.url(&format!("/warehouses/{wid}/counts")))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
on_both!(
    a_keeper_counts_and_the_head_explains_on_the_pages,
    counting_on_the_pages
);
