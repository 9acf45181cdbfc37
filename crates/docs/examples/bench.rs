//! Render time and memory of the forms:
//! `cargo run --release -p qltt-docs --example bench -- 1000 [out-dir]`
//! renders every form once (ms each), then N sanction decisions with distinct numbers (ms per
//! page, peak RSS), and with an out-dir writes one PDF per form there.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use qltt_docs::{
    Amount, Authority, Document, Field, KINDS, Party, Section, Signature, Verify, render_pdf,
};

fn sample(kind: &str, n: usize) -> Document {
    Document {
        kind: kind.into(),
        subject: "Xử phạt vi phạm hành chính".into(),
        form: Some("Mẫu MQĐ02 (NĐ 118/2021/NĐ-CP)".into()),
        authority: Authority {
            parent: "Chi cục Quản lý thị trường tỉnh Quảng Ninh".into(),
            unit: "Đội Quản lý thị trường số 1".into(),
        },
        number: format!("{n}/QĐ-XPHC"),
        place: "Quảng Ninh".into(),
        date_text: "ngày 05 tháng 3 năm 2026".into(),
        issuer: Some("Đội trưởng Đội Quản lý thị trường số 1".into()),
        bases: vec![
            "Căn cứ Luật Xử lý vi phạm hành chính ngày 20 tháng 6 năm 2012; Luật sửa đổi, bổ sung một số điều của Luật Xử lý vi phạm hành chính ngày 13 tháng 11 năm 2020;".into(),
            "Căn cứ Nghị định số 118/2021/NĐ-CP ngày 23 tháng 12 năm 2021 của Chính phủ quy định chi tiết một số điều và biện pháp thi hành Luật Xử lý vi phạm hành chính;".into(),
            "Căn cứ Biên bản vi phạm hành chính số 07/BB-VPHC lập ngày 02 tháng 3 năm 2026;".into(),
        ],
        opening: Some("Hôm nay, hồi 09 giờ 30 phút ngày 05 tháng 3 năm 2026, tại số 12 đường Trần Hưng Đạo, phường Hồng Gai.".into()),
        parties: vec![Party {
            role: "Cá nhân vi phạm".into(),
            fields: vec![
                Field::new("Họ và tên", "Nguyễn Thị Hương Giang"),
                Field::new("Số định danh cá nhân", "022180001234"),
                Field::new("Địa chỉ", "Số 12 đường Trần Hưng Đạo, phường Hồng Gai, tỉnh Quảng Ninh"),
            ],
        }],
        sections: vec![Section {
            heading: Some("Hành vi vi phạm thứ 1".into()),
            fields: vec![
                Field::new("Hành vi", "Kinh doanh hàng hóa nhập lậu có giá trị từ 30.000.000 đồng đến dưới 50.000.000 đồng"),
                Field::new("Quy định tại", "điểm e khoản 1 Điều 15 Nghị định 98/2020/NĐ-CP"),
                Field::new("Mức phạt", "15.000.000 đồng (Mười lăm triệu đồng)"),
            ],
            paragraphs: vec!["Bày bán 120 hộp kem dưỡng da nhập lậu, trị giá 35.000.000 đồng.".into()],
        }],
        amounts: vec![Amount {
            label: "Tổng số tiền phạt".into(),
            figures: "15.000.000 đồng".into(),
            words: "Mười lăm triệu đồng".into(),
        }],
        signatures: vec![Signature { role: "Đội trưởng".into(), capacity: None, name: "Phạm Văn Dũng".into() }],
        recipients: vec!["Như Điều 3".into(), "Lưu: VT, hồ sơ vụ việc".into()],
        verify: Some(Verify {
            url: format!("https://qltt.example.vn/verify/ABCDEFGH{:02}", n % 100),
            code: format!("ABCDEFGH{:02}", n % 100),
        }),
        watermark: None,
    }
}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// Page objects ("/Type/Page", not the "/Type/Pages" tree).
fn pages(pdf: &[u8]) -> usize {
    pdf.windows(11)
        .filter(|w| &w[..10] == b"/Type/Page" && w[10] != b's')
        .count()
        .max(1)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let out = args.next();
    let t = Instant::now();
    render_pdf(&sample("sanction_decision", 0)).unwrap();
    println!(
        "first render (fonts, library): {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    for kind in KINDS {
        let t = Instant::now();
        let pdf = render_pdf(&sample(kind, 1)).unwrap();
        println!(
            "{kind:<24} {:>7.1} ms  {:>6} bytes",
            t.elapsed().as_secs_f64() * 1e3,
            pdf.len()
        );
        if let Some(dir) = &out {
            std::fs::write(format!("{dir}/{kind}.pdf"), &pdf).unwrap();
        }
    }
    let t = Instant::now();
    let mut total_pages = 0;
    for i in 0..n {
        let pdf = render_pdf(&sample("sanction_decision", i + 2)).unwrap();
        total_pages += pages(&pdf);
        if (i + 1) % 1000 == 0 {
            println!("  {} rendered, peak RSS {} MB", i + 1, rss_kb() / 1024);
        }
    }
    let ms = t.elapsed().as_secs_f64() * 1e3;
    println!(
        "{n} sanction decisions: {:.1} ms each, {:.1} ms/page ({total_pages} pages), peak RSS {} MB",
        ms / n as f64,
        ms / total_pages as f64,
        rss_kb() / 1024
    );
}
