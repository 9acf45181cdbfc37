//! The periodic summary report renders on landscape A4 with its header, table, totals and the
//! fine total in words (pdftotext); the same input gives the same bytes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};

use qltt_docs::{Amount, Authority, Signature, SummaryLine, SummaryReport, render_summary};

fn line(label: &str, first: &str) -> SummaryLine {
    let mut cells = vec![first.to_string()];
    cells.extend((1..10).map(|i| format!("{}.500.000", i * 11)));
    SummaryLine {
        label: label.to_string(),
        cells,
    }
}

fn sample(rows: usize) -> SummaryReport {
    SummaryReport {
        subject: "Tổng hợp kết quả kiểm tra, xử lý vi phạm hành chính".into(),
        period: "Quý I năm 2026".into(),
        authority: Authority {
            parent: "Cục Quản lý thị trường".into(),
            unit: "Cục Quản lý thị trường tỉnh Quảng Ninh".into(),
        },
        number: "\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}/BC".into(),
        place: "Hạ Long".into(),
        date_text: "ngày 05 tháng 3 năm 2026".into(),
        intro: "Thực hiện chế độ báo cáo định kỳ, Cục Quản lý thị trường tỉnh Quảng Ninh báo cáo \
                kết quả kiểm tra, xử lý vi phạm hành chính như sau:"
            .into(),
        first_column: "Đơn vị".into(),
        columns: (1..=10)
            .map(|i| format!("Chỉ tiêu số {i} (đồng)"))
            .collect(),
        rows: (0..rows)
            .map(|i| line(&format!("Đội Quản lý thị trường số {}", i + 1), "12"))
            .collect(),
        total: line("Tổng cộng", "1.234"),
        amounts: vec![Amount {
            label: "Tổng số tiền phạt vi phạm hành chính đã quyết định trong kỳ".into(),
            figures: "2.500.000 đồng".into(),
            words: "Hai triệu năm trăm nghìn đồng".into(),
        }],
        notes: vec!["Ghi chú: số liệu lấy từ hệ thống QLTT.".into()],
        signatures: vec![Signature {
            role: "Thủ trưởng đơn vị".into(),
            capacity: Some("(Ký, ghi rõ họ tên, đóng dấu)".into()),
            name: String::new(),
        }],
        recipients: vec![
            "Cục Quản lý thị trường (để báo cáo)".into(),
            "Lưu: VT".into(),
        ],
    }
}

fn pdftotext(pdf: &[u8]) -> String {
    let mut child = Command::new("pdftotext")
        .args(["-layout", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (Debian poppler-utils) must be installed");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_report_carries_header_table_totals_and_words() {
    let pdf = render_summary(&sample(4)).unwrap();
    if let Ok(dir) = std::env::var("QLTT_DOCS_OUT") {
        std::fs::write(format!("{dir}/summary_report.pdf"), &pdf).unwrap();
    }
    let text = pdftotext(&pdf);
    let flat = squash(&text);
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hạ Long, ngày 05 tháng 3 năm 2026",
        "BÁO CÁO",
        "Tổng hợp kết quả kiểm tra, xử lý vi phạm hành chính",
        "Quý I năm 2026",
        "Đội Quản lý thị trường số 4",
        "Tổng cộng",
        "1.234",
        "99.500.000",
        "Hai triệu năm trăm nghìn đồng",
        "Nơi nhận:",
        "Lưu: VT",
        "THỦ TRƯỞNG ĐƠN VỊ",
    ] {
        assert!(flat.contains(expected), "missing {expected:?} in\n{text}");
    }
    // One table row per line of text: the label and its ten figures side by side (landscape).
    let row = text
        .lines()
        .find(|l| l.contains("Đội Quản lý thị trường số 2"))
        .unwrap();
    assert!(
        row.contains("12") && row.contains("99.500.000"),
        "a row's figures are on its line: {row}"
    );
    // Landscape A4: 842 × 595 points.
    let raw = String::from_utf8_lossy(&pdf);
    assert!(
        raw.contains("MediaBox[0 0 841.8898 595.2756]"),
        "landscape A4"
    );
}

#[test]
fn same_report_renders_byte_identical_pdf_and_a_long_table_breaks_pages() {
    let a = render_summary(&sample(3)).unwrap();
    // Another render in between must not leak into the next one through Typst's caches.
    render_summary(&sample(60)).unwrap();
    let b = render_summary(&sample(3)).unwrap();
    assert!(a == b, "two renders of the same report differ");
    let text = pdftotext(&render_summary(&sample(60)).unwrap());
    // The header row repeats on every page; every row is there.
    assert!(text.contains('\u{c}'), "more than one page");
    assert!(squash(&text).contains("Đội Quản lý thị trường số 60"));
}

#[test]
fn a_row_with_a_missing_cell_is_refused() {
    let mut r = sample(2);
    r.rows[1].cells.pop();
    assert!(render_summary(&r).is_err());
}
