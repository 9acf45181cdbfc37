//! Every form renders; its text (pdftotext) carries the national header, the number, the date in
//! words and the amount in words; the same input gives the same bytes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};

use qltt_docs::{
    Amount, Authority, Document, Field, KINDS, Party, Section, Signature, Verify, render_pdf,
};

fn sample(kind: &str) -> Document {
    let decision = kind.contains("decision");
    Document {
        kind: kind.to_string(),
        subject: "Xử phạt vi phạm hành chính".to_string(),
        form: Some("Mẫu MQĐ02 (NĐ 118/2021/NĐ-CP)".to_string()),
        authority: Authority {
            parent: "Cục Quản lý thị trường tỉnh Quảng Ninh".to_string(),
            unit: "Đội Quản lý thị trường số 1".to_string(),
        },
        number: "12/QĐ-XPHC".to_string(),
        place: "Hạ Long".to_string(),
        date_text: "ngày 05 tháng 3 năm 2026".to_string(),
        issuer: decision.then(|| "Đội trưởng Đội Quản lý thị trường số 1".to_string()),
        bases: vec![
            "Căn cứ Luật Xử lý vi phạm hành chính ngày 20 tháng 6 năm 2012; Luật sửa đổi, bổ sung một số điều của Luật Xử lý vi phạm hành chính ngày 13 tháng 11 năm 2020;".to_string(),
            "Căn cứ Biên bản vi phạm hành chính số 07/BB-VPHC lập ngày 02 tháng 3 năm 2026;".to_string(),
        ],
        opening: (!decision).then(|| "Hôm nay, hồi 09 giờ 30 phút ngày 05 tháng 3 năm 2026, tại số 12 đường Trần Hưng Đạo, phường Hồng Gai, tỉnh Quảng Ninh.".to_string()),
        parties: vec![Party {
            role: "Hộ kinh doanh".to_string(),
            fields: vec![
                Field::new("Tên", "Cửa hàng tạp hóa Hương Giang"),
                Field::new("Mã số thuế", "5701234567"),
                Field::new("Địa chỉ", "Số 12 đường Trần Hưng Đạo, phường Hồng Gai"),
            ],
        }],
        sections: vec![Section {
            heading: Some("Hành vi vi phạm".to_string()),
            fields: vec![Field::new("Quy định tại", "điểm a khoản 1 Điều 17 Nghị định 98/2020/NĐ-CP")],
            paragraphs: vec!["Kinh doanh 20 chai nước mắm không rõ nguồn gốc, xuất xứ.".to_string()],
        }],
        amounts: vec![Amount {
            label: "Phạt tiền".to_string(),
            figures: "2.500.000 đồng".to_string(),
            words: "Hai triệu năm trăm nghìn đồng".to_string(),
        }],
        signatures: vec![Signature {
            role: "Đội trưởng".to_string(),
            capacity: None,
            name: "Nguyễn Văn Bình".to_string(),
        }],
        recipients: vec!["Như Điều 3".to_string(), "Lưu: VT, hồ sơ".to_string()],
        verify: Some(Verify {
            url: "https://qltt.example.vn/verify/ABCDEFGHJK".to_string(),
            code: "ABCDEFGHJK".to_string(),
        }),
        watermark: None,
    }
}

fn pdftotext(pdf: &[u8]) -> String {
    let mut child = Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (Debian poppler-utils) must be installed");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// pdftotext -layout splits lines where columns sit side by side; compare on single spaces.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_form_carries_header_number_date_and_amount_in_words() {
    for kind in KINDS {
        let pdf = render_pdf(&sample(kind)).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(pdf.starts_with(b"%PDF-"), "{kind}");
        if let Ok(dir) = std::env::var("QLTT_DOCS_OUT") {
            std::fs::write(format!("{dir}/{kind}.pdf"), &pdf).unwrap();
        }
        let text = pdftotext(&pdf);
        let flat = squash(&text);
        for expected in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Số: 12/QĐ-XPHC",
            "Hạ Long, ngày 05 tháng 3 năm 2026",
            // The superior's name wraps in its column: its two lines.
            "CỤC QUẢN LÝ THỊ TRƯỜNG TỈNH",
            "QUẢNG NINH",
            "ĐỘI QUẢN LÝ THỊ TRƯỜNG SỐ 1",
            "Nguyễn Văn Bình",
            "ABCDEFGHJK",
        ] {
            assert!(
                flat.contains(expected),
                "{kind}: missing {expected:?} in\n{text}"
            );
        }
        let money = [
            "sanction_decision",
            "violation_record",
            "instalment_decision",
            "postponement_decision",
            "coercion_decision",
            "receipt",
        ];
        if money.contains(kind) {
            assert!(flat.contains("2.500.000 đồng"), "{kind}\n{text}");
            assert!(
                flat.contains("Hai triệu năm trăm nghìn đồng"),
                "{kind}\n{text}"
            );
        }
    }
}

#[test]
fn same_input_renders_byte_identical_pdf() {
    let doc = sample("sanction_decision");
    let a = render_pdf(&doc).unwrap();
    // Another document in between must not leak into the next render through Typst's caches.
    render_pdf(&sample("violation_record")).unwrap();
    let b = render_pdf(&doc).unwrap();
    assert!(a == b, "two renders of the same document differ");
}

#[test]
fn the_sanction_decision_reads_as_the_form() {
    let text = squash(&pdftotext(
        &render_pdf(&sample("sanction_decision")).unwrap(),
    ));
    for expected in [
        "QUYẾT ĐỊNH Xử phạt vi phạm hành chính",
        "QUYẾT ĐỊNH:",
        "Điều 1.",
        "Điều 3.",
        "Nơi nhận:",
        "trong thời hạn 10 ngày",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn a_different_number_changes_the_bytes_and_unknown_kinds_are_refused() {
    let a = render_pdf(&sample("receipt")).unwrap();
    let mut other = sample("receipt");
    other.number = "13/QĐ-XPHC".to_string();
    assert_ne!(a, render_pdf(&other).unwrap());
    let mut bad = sample("receipt");
    bad.kind = "memo".to_string();
    assert!(render_pdf(&bad).is_err());
}
