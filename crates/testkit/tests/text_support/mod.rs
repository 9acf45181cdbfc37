//! Shared by the tests of the text of documents: the letter the tests render, upload and find.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use qltt_docs::{Authority, Document, Section, Signature};
use qltt_testkit::TestApp;
use serde_json::{Value, json};

/// The letter's own paragraphs: what the scan must give back.
pub const PARAGRAPHS: &[&str] = &[
    "Thực hiện chỉ đạo của Cục Quản lý thị trường tỉnh Quảng Ninh về việc tăng cường kiểm tra, \
     kiểm soát hàng hóa nhập lậu, hàng giả trên địa bàn trong dịp cuối năm.",
    "Đề nghị các Đội Quản lý thị trường rà soát các cơ sở kinh doanh mỹ phẩm, thực phẩm chức \
     năng và đồ chơi trẻ em; xử lý nghiêm các trường hợp vi phạm theo quy định của pháp luật.",
    "Báo cáo kết quả thực hiện về Phòng Nghiệp vụ trước ngày 20 tháng 3 năm 2026.",
];

pub fn letter() -> Document {
    Document {
        kind: "inspection_proposal".into(),
        subject: "Tăng cường kiểm tra hàng nhập lậu".into(),
        form: None,
        authority: Authority {
            parent: "Ủy ban nhân dân tỉnh Quảng Ninh".into(),
            unit: "Cục Quản lý thị trường tỉnh Quảng Ninh".into(),
        },
        number: "45/QLTT-NV".into(),
        place: "Hạ Long".into(),
        date_text: "ngày 02 tháng 3 năm 2026".into(),
        issuer: None,
        bases: Vec::new(),
        opening: None,
        parties: Vec::new(),
        sections: vec![Section {
            heading: None,
            fields: Vec::new(),
            paragraphs: PARAGRAPHS.iter().map(|p| p.to_string()).collect(),
        }],
        amounts: Vec::new(),
        signatures: vec![Signature {
            role: "Cục trưởng".into(),
            capacity: None,
            name: "Nguyễn Văn Thành".into(),
        }],
        recipients: Vec::new(),
        verify: None,
        watermark: None,
    }
}

pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub async fn upload(t: &TestApp, token: &str, bytes: &[u8]) -> String {
    let r = t
        .http
        .post(t.url("/api/v1/files"))
        .bearer_auth(token)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let b: Value = r.json().await.unwrap();
    b["sha256"].as_str().unwrap().to_string()
}

/// An incoming letter of the Quảng Ninh register whose summary says nothing of its content.
pub async fn register(t: &TestApp, token: &str, number: &str, files: &[&str]) -> String {
    let (s, b) = t
        .post(
            token,
            "/api/v1/office-documents",
            json!({"direction": "incoming", "doc_type": "official_letter", "number": number,
                   "document_date": "2026-03-02", "received_on": "2026-03-04",
                   "correspondent": "Sở Công Thương", "summary": "Công văn gửi đơn vị",
                   "attachments": files}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_str().unwrap().to_string()
}

pub async fn text_of(t: &TestApp, token: &str, id: &str) -> Value {
    let (s, b) = t
        .get(token, &format!("/api/v1/office-documents/{id}/text"))
        .await;
    assert_eq!(s, 200, "{b}");
    b
}

pub async fn search_ids(t: &TestApp, token: &str, q: &str) -> Vec<String> {
    let (s, b) = t
        .get(
            token,
            &format!(
                "/api/v1/search?kind=office_document&q={}",
                q.replace(' ', "+")
            ),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}
