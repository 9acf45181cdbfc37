//! Importing the business register from CSV: every row validated, rejects reported with line and
//! reason, valid rows committed, and a second import of the same file changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both};
use serde_json::Value;

const FILE: &str = "\u{feff}ten,loai_hinh,ma_so_thue,dia_chi,ma_don_vi,chu_co_so,dien_thoai
Công ty TNHH Gốm sứ Quang Vinh,enterprise,0100233488,Số 2 đường Lê Lợi,QN-D1,Phạm Quang Vinh,0203 3812 345
Hộ kinh doanh Bánh cuốn Bà Hằng,household,,Chợ Cái Dăm,QN-D1,Lê Thị Hằng,
Sai mã số thuế,enterprise,0100233480,Số 3,QN-D1,,
Thiếu địa chỉ,household,,,QN-D1,,
Đơn vị lạ,household,,Số 4,XX-D9,,
Đơn vị tỉnh khác,household,,Số 5,BN-D1,,
Trùng trong tệp,enterprise,01.00.233.488,Số 6,QN-D1,,
Chi nhánh Gốm sứ Quang Vinh,branch,0314409058-002,Số 7 Bãi Cháy,QN-D2,,
";

async fn import(t: &TestApp, token: &str, body: &str) -> (u16, Value) {
    let r = t
        .http
        .post(t.url("/api/v1/businesses/import"))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap())
}

async fn importing(t: TestApp) {
    let head = t.login("qn.chicuctruong").await;
    let before_events = t.count("audit_events").await;
    let (s, report) = import(&t, &head, FILE).await;
    assert_eq!(s, 200, "{report}");
    assert_eq!(report["rows"], 8);
    assert_eq!(report["created"], 3);
    let rejected: Vec<(u64, String)> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rejected,
        vec![
            (4, "business.invalid_tax_code".to_string()),
            (5, "validation.required".to_string()),
            (6, "import.unknown_unit".to_string()),
            (7, "import.unknown_unit".to_string()),
            (8, "import.duplicate_in_file".to_string()),
        ]
    );
    assert_eq!(report["rejected"][0]["field"], "tax_code");
    // One audit event per business created, nothing for the rejects.
    assert_eq!(t.count("audit_events").await, before_events + 3);
    // The same file again: nothing new, nothing changed, the same rejects.
    let (_, again) = import(&t, &head, FILE).await;
    assert_eq!(
        (
            again["created"].clone(),
            again["updated"].clone(),
            again["unchanged"].clone()
        ),
        (0.into(), 0.into(), 3.into())
    );
    assert_eq!(t.count("audit_events").await, before_events + 3);
    // A corrected file updates what changed and records it in the history.
    let changed = FILE.replace("0203 3812 345", "0203 3999 000");
    let (_, third) = import(&t, &head, &changed).await;
    assert_eq!(
        (third["created"].clone(), third["updated"].clone()),
        (0.into(), 1.into())
    );
    let (_, found) = t.get(&head, "/api/v1/businesses?q=0100233488").await;
    let id = found["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(found["items"][0]["phone"], "0203 3999 000");
    let (_, history) = t
        .get(&head, &format!("/api/v1/businesses/{id}/history"))
        .await;
    assert_eq!(history[1]["changes"]["phone"]["to"], "0203 3999 000");
    // Someone without the right to register gets 403; a file without required columns 400.
    let acc = t.login("qn.ketoan").await;
    let (s, b) = import(&t, &acc, FILE).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (403, Some("auth.forbidden"))
    );
    let (s, b) = import(&t, &head, "ten,dia_chi\nA,B\n").await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("import.missing_column"))
    );
}
on_both!(
    a_csv_import_commits_valid_rows_reports_the_rest_and_is_idempotent,
    importing
);

/// An officer of Bắc Ninh importing a row whose tax code belongs to a Quảng Ninh business gets a
/// rejected row, not a change to another province's record.
async fn import_respects_scope(t: TestApp) {
    let qn = t.login("qn.chicuctruong").await;
    let (_, r) = import(
        &t,
        &qn,
        "name,kind,tax_code,address,unit_code\nCông ty A,enterprise,0100233488,Số 1,QN-D1\n",
    )
    .await;
    assert_eq!(r["created"], 1);
    let bn = t.login("bn.chicuctruong").await;
    let (_, r) = import(
        &t,
        &bn,
        "name,kind,tax_code,address,unit_code\nCông ty A giả,enterprise,0100233488,Số 9,BN-D1\n",
    )
    .await;
    assert_eq!(r["created"], 0);
    assert_eq!(r["rejected"][0]["code"], "business.tax_code_taken");
    let (_, found) = t.get(&qn, "/api/v1/businesses?q=0100233488").await;
    assert_eq!(found["items"][0]["name"], "Công ty A");
}
on_both!(
    an_import_cannot_touch_another_provinces_business,
    import_respects_scope
);
