//! The upload page of the business register as a browser without JavaScript uses it: choose a
//! CSV or XLSX file, send it with the session's CSRF token, read the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, csrf_field, on_both, page_client};

const BOUNDARY: &str = "----qltt-test-boundary-7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body as a browser sends the upload form.
fn upload(csrf: &str, file_name: &str, content: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn post_upload(t: &TestApp, c: &reqwest::Client, body: Vec<u8>) -> (u16, String) {
    let r = c
        .post(t.url("/businesses/import"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn get_html(t: &TestApp, c: &reqwest::Client, path: &str) -> (u16, String) {
    let r = c.get(t.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

const CSV: &str = "ten,loai_hinh,ma_so_thue,dia_chi,ma_don_vi
Công ty TNHH Gốm sứ Quang Vinh,enterprise,0100233488,Số 2 đường Lê Lợi,QN-D1
Sai mã số thuế,enterprise,0100233480,Số 3,QN-D1
";

async fn uploading(t: TestApp) {
    let c = page_client();
    let csrf = t.page_login(&c, "qn.chicuctruong").await;
    let (_, html) = get_html(&t, &c, "/businesses").await;
    assert!(html.contains(r#"href="/businesses/import""#), "{html}");
    let (s, html) = get_html(&t, &c, "/businesses/import").await;
    assert_eq!(s, 200);
    assert!(html.contains(r#"enctype="multipart/form-data""#));
    assert!(html.contains(r#"type="file""#));
    assert!(html.contains(r#"name="viewport""#));
    assert_eq!(csrf_field(&html), csrf);

    // Without the session's token nothing is imported.
    let before = t.count("businesses").await;
    let (s, _) = post_upload(&t, &c, upload(&"0".repeat(64), "co-so.csv", CSV.as_bytes())).await;
    assert_eq!(s, 403);
    let (s, _) = post_upload(
        &t,
        &page_client(),
        upload(&csrf, "co-so.csv", CSV.as_bytes()),
    )
    .await;
    assert_eq!(s, 303, "no session: to the sign-in page");
    assert_eq!(t.count("businesses").await, before);

    // With it: the report, rejected rows by line, column and reason in Vietnamese.
    let (s, html) = post_upload(&t, &c, upload(&csrf, "co-so.csv", CSV.as_bytes())).await;
    assert_eq!(s, 200, "{html}");
    assert_eq!(t.count("businesses").await, before + 1);
    assert!(html.contains("Kết quả nhập tệp “co-so.csv”"), "{html}");
    assert!(
        html.contains("<dt>Số dòng đã đọc</dt><dd><strong>2</strong></dd>"),
        "{html}"
    );
    assert!(html.contains("<dt>Thêm mới</dt><dd>1</dd>"), "{html}");
    assert!(html.contains("Các dòng bị từ chối"));
    assert!(
        html.contains(
            r#"<td class="nowrap">3</td><td>Mã số thuế</td><td>Mã số thuế sai chữ số kiểm tra"#
        ),
        "{html}"
    );
    // Sent again (a reload): nothing new.
    let (_, html) = post_upload(&t, &c, upload(&csrf, "co-so.csv", CSV.as_bytes())).await;
    assert!(html.contains("<dt>Không thay đổi</dt><dd>1</dd>"), "{html}");
    assert_eq!(t.count("businesses").await, before + 1);

    // An Excel workbook through the same form.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, h) in ["Tên", "Loại hình", "Địa chỉ", "Mã đơn vị"]
        .into_iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, h).unwrap();
    }
    for (col, v) in ["Quán cà phê Hải Âu", "household", "Số 12 Bãi Cháy", "QN-D2"]
        .into_iter()
        .enumerate()
    {
        sheet.write_string(1, col as u16, v).unwrap();
    }
    let xlsx = book.save_to_buffer().unwrap();
    let (s, html) = post_upload(&t, &c, upload(&csrf, "danh-sach.xlsx", &xlsx)).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("<dt>Thêm mới</dt><dd>1</dd>"), "{html}");
    assert!(!html.contains("Các dòng bị từ chối"));

    // No file chosen, or a file without the columns: the form again, with the reason.
    let (s, html) = post_upload(&t, &c, upload(&csrf, "", b"")).await;
    assert_eq!(s, 400);
    assert!(html.contains("Hãy chọn một tệp CSV hoặc XLSX."), "{html}");
    let (s, html) = post_upload(&t, &c, upload(&csrf, "x.csv", b"ten,dia_chi\nA,B\n")).await;
    assert_eq!(s, 400);
    assert!(html.contains("Thiếu cột"), "{html}");
    assert!(html.contains(r#"type="file""#));

    // The accountant has neither the link nor the page.
    let acc = page_client();
    t.page_login(&acc, "qn.ketoan").await;
    let (_, html) = get_html(&t, &acc, "/businesses").await;
    assert!(!html.contains(r#"href="/businesses/import""#));
    let (s, _) = get_html(&t, &acc, "/businesses/import").await;
    assert_eq!(s, 403);
}
on_both!(
    an_officer_uploads_a_register_file_and_reads_the_report,
    uploading
);
