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

/// A register kept in Excel: a title above the header, Vietnamese headers with diacritics, tax
/// codes and phones typed as numbers (their leading zero gone), a date cell and a bare date
/// serial, a blank row. Rejected rows carry Excel's row numbers.
fn workbook() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    let s = book.add_worksheet();
    s.set_name("Cơ sở").unwrap();
    s.write_string(0, 0, "DANH SÁCH CƠ SỞ KINH DOANH TRÊN ĐỊA BÀN")
        .unwrap();
    for (c, h) in [
        "Tên cơ sở",
        "Loại hình",
        "Mã số thuế",
        "Địa chỉ",
        "Mã đơn vị",
        "Điện thoại",
        "Ngày cấp",
        "Cột không dùng",
    ]
    .into_iter()
    .enumerate()
    {
        s.write_string(1, c as u16, h).unwrap();
    }
    // Row 3: everything a number can be.
    s.write_string(2, 0, "Công ty TNHH Gốm sứ Quang Vinh")
        .unwrap();
    s.write_string(2, 1, "enterprise").unwrap();
    s.write_number(2, 2, 100233488.0).unwrap();
    s.write_string(2, 3, "Số 2 đường Lê Lợi").unwrap();
    s.write_string(2, 4, "QN-D1").unwrap();
    s.write_number(2, 5, 2033812345.0).unwrap();
    s.write_datetime_with_format(
        2,
        6,
        ExcelDateTime::from_ymd(2024, 3, 15).unwrap(),
        &date_format,
    )
    .unwrap();
    s.write_number(2, 7, 42.0).unwrap();
    // Row 4: a household without tax code, its date a bare serial number.
    s.write_string(3, 0, "Hộ kinh doanh Bánh cuốn Bà Hằng")
        .unwrap();
    s.write_string(3, 1, "household").unwrap();
    s.write_string(3, 3, "Chợ Cái Dăm").unwrap();
    s.write_string(3, 4, "qn-d1").unwrap();
    s.write_number(3, 6, 45366.0).unwrap();
    // Row 5: a branch code typed as a 12-digit number.
    s.write_string(4, 0, "Chi nhánh Gốm sứ Quang Vinh").unwrap();
    s.write_string(4, 1, "branch").unwrap();
    s.write_number(4, 2, 314409058002.0).unwrap();
    s.write_string(4, 3, "Số 7 Bãi Cháy").unwrap();
    s.write_string(4, 4, "QN-D2").unwrap();
    // Row 6: a mistyped code stays refused once its zero is back.
    s.write_string(5, 0, "Sai mã số thuế").unwrap();
    s.write_string(5, 1, "enterprise").unwrap();
    s.write_number(5, 2, 100233480.0).unwrap();
    s.write_string(5, 3, "Số 3").unwrap();
    s.write_string(5, 4, "QN-D1").unwrap();
    // Row 7 blank; row 8: a unit of another province.
    s.write_string(7, 0, "Đơn vị tỉnh khác").unwrap();
    s.write_string(7, 1, "household").unwrap();
    s.write_string(7, 3, "Số 5").unwrap();
    s.write_string(7, 4, "BN-D1").unwrap();
    // A second sheet is not read.
    let other = book.add_worksheet();
    other.write_string(0, 0, "name").unwrap();
    book.save_to_buffer().unwrap()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn import_bytes(t: &TestApp, token: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let r = t
        .http
        .post(t.url("/api/v1/businesses/import"))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap())
}

fn rejects(report: &Value) -> Vec<(u64, String, String)> {
    report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["field"].as_str().unwrap_or("").to_string(),
                r["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn importing_xlsx(t: TestApp) {
    let head = t.login("qn.chicuctruong").await;
    let before_events = t.count("audit_events").await;
    let (s, report) = import_bytes(&t, &head, XLSX, workbook()).await;
    assert_eq!(s, 200, "{report}");
    assert_eq!(
        (report["rows"].clone(), report["created"].clone()),
        (5.into(), 3.into()),
        "{report}"
    );
    assert_eq!(
        rejects(&report),
        vec![
            (6, "tax_code".into(), "business.invalid_tax_code".into()),
            (8, "unit_code".into(), "import.unknown_unit".into()),
        ]
    );
    assert_eq!(t.count("audit_events").await, before_events + 3);
    // The zero Excel dropped is back, in the tax code and the phone; dates are dates.
    let (_, found) = t.get(&head, "/api/v1/businesses?q=0100233488").await;
    let b = &found["items"][0];
    assert_eq!(b["name"], "Công ty TNHH Gốm sứ Quang Vinh", "{found}");
    assert_eq!(b["phone"], "02033812345");
    assert_eq!(b["registration_date"], "2024-03-15");
    let (_, found) = t.get(&head, "/api/v1/businesses?q=banh cuon ba hang").await;
    assert_eq!(found["items"][0]["registration_date"], "2024-03-15");
    assert_eq!(found["items"][0]["tax_code"], Value::Null);
    let (_, found) = t.get(&head, "/api/v1/businesses?q=0314409058-002").await;
    assert_eq!(found["items"][0]["kind"], "branch", "{found}");
    // The same workbook again changes nothing, whatever content type it is sent with.
    let (s, again) = import_bytes(&t, &head, "application/octet-stream", workbook()).await;
    assert_eq!(s, 200, "{again}");
    assert_eq!(
        (
            again["created"].clone(),
            again["updated"].clone(),
            again["unchanged"].clone()
        ),
        (0.into(), 0.into(), 3.into())
    );
    assert_eq!(rejects(&again).len(), 2);
    assert_eq!(t.count("audit_events").await, before_events + 3);
    // The CSV export of the same register is the same register.
    let csv = "ten,loai_hinh,ma_so_thue,dia_chi,ma_don_vi,dien_thoai,ngay_cap\n\
        Công ty TNHH Gốm sứ Quang Vinh,enterprise,0100233488,Số 2 đường Lê Lợi,QN-D1,02033812345,15/03/2024\n";
    let (_, r) = import(&t, &head, csv).await;
    assert_eq!(
        (r["created"].clone(), r["unchanged"].clone()),
        (0.into(), 1.into()),
        "{r}"
    );
    // A file that is neither: a ZIP that is no workbook, and an old .xls.
    let (s, b) = import_bytes(&t, &head, XLSX, b"PK\x03\x04garbage".to_vec()).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("import.bad_file"))
    );
    let mut xls = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    xls.extend_from_slice(&[0; 64]);
    let (s, b) = import_bytes(&t, &head, "application/vnd.ms-excel", xls).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("import.bad_file"))
    );
    assert!(b["error"]["message"].as_str().unwrap().contains(".xlsx"));
    // A workbook without the required columns names the missing one.
    let mut book = rust_xlsxwriter::Workbook::new();
    let s = book.add_worksheet();
    s.write_string(0, 0, "ten").unwrap();
    s.write_string(0, 1, "dia_chi").unwrap();
    let (s, b) = import_bytes(&t, &head, XLSX, book.save_to_buffer().unwrap()).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("import.missing_column"))
    );
    assert_eq!(t.count("audit_events").await, before_events + 3);
}
on_both!(
    an_xlsx_import_reads_numbers_and_dates_reports_rejects_and_is_idempotent,
    importing_xlsx
);

/// A tax code with a valid check digit from nine digits (province 22 = Quảng Ninh).
fn tax_code(n: u32) -> String {
    let nine = format!("22{n:07}");
    let digits: Vec<u32> = nine.chars().filter_map(|c| c.to_digit(10)).collect();
    let arr: [u32; 9] = digits.try_into().unwrap();
    match qltt_domain::business::tax_code::check_digit(&arr) {
        Some(d) => format!("{nine}{d}"),
        None => tax_code(n + 1),
    }
}

/// A file of several batches (the importer reads and writes 500 rows at a time): a duplicate
/// tax code is caught across batches, lines keep their numbers, every valid row is written once.
async fn several_batches(t: TestApp) {
    let head = t.login("qn.chicuctruong").await;
    let mut file = String::from("name,kind,tax_code,address,unit_code\n");
    let mut codes: Vec<String> = Vec::new();
    for i in 0..1203u32 {
        let code = if i == 1100 {
            codes[10].clone()
        } else {
            tax_code(1000 + i * 3)
        };
        file.push_str(&format!(
            "Công ty số {i},enterprise,{code},Số {i} Hạ Long,QN-D1\n"
        ));
        codes.push(code);
    }
    let unique: std::collections::HashSet<&String> = codes.iter().collect();
    let (s, report) = import(&t, &head, &file).await;
    assert_eq!(s, 200, "{report}");
    assert_eq!(report["rows"], 1203);
    assert_eq!(report["created"].as_u64().unwrap() as usize, unique.len());
    let rejected = report["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1203 - unique.len(), "{rejected:?}");
    // Row 1100 of the data is line 1102 of the file (header is line 1).
    assert!(
        rejected
            .iter()
            .any(|r| r["line"] == 1102 && r["code"] == "import.duplicate_in_file"),
        "{rejected:?}"
    );
    let (_, again) = import(&t, &head, &file).await;
    assert_eq!(again["created"], 0);
    assert_eq!(again["unchanged"].as_u64().unwrap() as usize, unique.len());
}
on_both!(a_file_of_several_batches_is_imported_once, several_batches);
