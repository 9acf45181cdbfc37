//! Exhibit labels: every lot's number, goods and seals readable on the sheet, the QR code
//! present, and the same lots giving the same bytes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};

use qltt_docs::{Label, render_labels};

fn pdftotext(pdf: &[u8]) -> String {
    let mut child = Command::new("pdftotext")
        .args(["-layout", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (Debian poppler-utils) must be installed");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
}

fn lot(n: u32) -> Label {
    Label {
        unit: "Cục Quản lý thị trường tỉnh Quảng Ninh".into(),
        lot_no: format!("QN-TV-2026-{n:05}"),
        kind: "Tang vật".into(),
        description: "Kem dưỡng da Hàn Quốc nhập lậu".into(),
        quantity: "12,5 kg".into(),
        seized_on: "05/03/2026".into(),
        seal_numbers: vec!["NP-001".into(), "NP-002".into()],
        case: "Bày bán mỹ phẩm nhập lậu".into(),
        url: format!("https://qltt.example.gov.vn/exhibits/lot/QN-TV-2026-{n:05}"),
    }
}

#[test]
fn a_sheet_of_labels_reads_back_and_is_deterministic() {
    let lots: Vec<Label> = (1..=11).map(lot).collect();
    let pdf = render_labels(&lots).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let text = pdftotext(&pdf);
    for l in &lots {
        assert!(text.contains(&l.lot_no), "{} missing:\n{text}", l.lot_no);
    }
    assert!(text.contains("TANG VẬT TẠM GIỮ"), "{text}");
    assert!(text.contains("Kem dưỡng da Hàn Quốc nhập lậu"), "{text}");
    assert!(text.contains("NP-001, NP-002"), "{text}");
    assert!(text.contains("12,5 kg"), "{text}");
    // Eleven 55 mm labels in two columns take two A4 pages.
    assert_eq!(text.matches('\u{c}').count(), 2, "pages");
    assert_eq!(render_labels(&lots).unwrap(), pdf, "same lots, same bytes");
    assert!(render_labels(&[]).is_err());
}
