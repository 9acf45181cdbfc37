//! Render time and memory of the forms:
//! `cargo run --release -p qltt-docs --example bench -- 1000 [out-dir] [--libreoffice K]`
//! renders every form once (ms each), then N sanction decisions with distinct numbers (ms per
//! page, peak RSS), and with an out-dir writes one PDF per form there.
//!
//! With `--libreoffice K` (issue 5's baseline, Debian package `libreoffice-writer-nogui`), the
//! same sanction decision is written as an equivalent OpenDocument text (flat XML, `.fodt`: the
//! same text, A4 with the margins of Decree 30/2020, Liberation Serif 13 pt, the two-column
//! heading, bases, body, amounts, signature and recipients) and converted to PDF by
//! `libreoffice --headless --convert-to pdf`: once alone (a process per document, as a server
//! shelling out would), and K documents in one process (its start-up shared). Printed in the same
//! run: ms per page of each, and the ratios to this renderer.
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

/// XML text with its five special characters escaped.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The document as an equivalent flat OpenDocument text: what an office template of the same
/// form holds once filled in.
fn fodt(d: &Document) -> String {
    let p = |style: &str, text: &str| {
        format!("<text:p text:style-name=\"{style}\">{}</text:p>", esc(text))
    };
    let cell = |body: String| {
        format!("<table:table-cell office:value-type=\"string\">{body}</table:table-cell>")
    };
    let mut body = String::new();
    // Heading: the issuing unit under its superior (left), the national motto (right).
    body.push_str("<table:table table:name=\"head\"><table:table-column table:number-columns-repeated=\"2\"/><table:table-row>");
    body.push_str(&cell(format!(
        "{}{}{}",
        p("C", &d.authority.parent.to_uppercase()),
        p("CB", &d.authority.unit.to_uppercase()),
        p("C", &format!("Số: {}", d.number))
    )));
    body.push_str(&cell(format!(
        "{}{}{}",
        p("CB", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        p("CB", "Độc lập - Tự do - Hạnh phúc"),
        p("CI", &format!("{}, {}", d.place, d.date_text))
    )));
    body.push_str("</table:table-row></table:table>");
    body.push_str(&p("T", "QUYẾT ĐỊNH"));
    body.push_str(&p("CB", &d.subject));
    if let Some(issuer) = &d.issuer {
        body.push_str(&p("CB", &issuer.to_uppercase()));
    }
    for b in &d.bases {
        body.push_str(&p("I", b));
    }
    if let Some(o) = &d.opening {
        body.push_str(&p("J", o));
    }
    body.push_str(&p("CB", "QUYẾT ĐỊNH:"));
    for party in &d.parties {
        body.push_str(&p("B", &party.role));
        for f in &party.fields {
            body.push_str(&p("J", &format!("{}: {}", f.label, f.value)));
        }
    }
    for s in &d.sections {
        if let Some(h) = &s.heading {
            body.push_str(&p("B", h));
        }
        for f in &s.fields {
            body.push_str(&p("J", &format!("{}: {}", f.label, f.value)));
        }
        for para in &s.paragraphs {
            body.push_str(&p("J", para));
        }
    }
    for a in &d.amounts {
        body.push_str(&p(
            "J",
            &format!("{}: {} (Bằng chữ: {}).", a.label, a.figures, a.words),
        ));
    }
    // Recipients (left) and the signature (right).
    body.push_str("<table:table table:name=\"sign\"><table:table-column table:number-columns-repeated=\"2\"/><table:table-row>");
    let mut left = p("BI", "Nơi nhận:");
    for r in &d.recipients {
        left.push_str(&p("S", &format!("- {r}")));
    }
    body.push_str(&cell(left));
    let mut right = String::new();
    for s in &d.signatures {
        right.push_str(&p("CB", &s.role.to_uppercase()));
        right.push_str(&p("C", "(Ký, ghi rõ họ tên)"));
        right.push_str(&p("CB", &s.name));
    }
    if let Some(v) = &d.verify {
        right.push_str(&p("C", &format!("Mã xác thực: {} — {}", v.code, v.url)));
    }
    body.push_str(&cell(right));
    body.push_str("</table:table-row></table:table>");
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls><style:font-face style:name="Liberation Serif" style:font-family-generic="roman"/></office:font-face-decls>
<office:styles>
<style:default-style style:family="paragraph"><style:paragraph-properties fo:margin-bottom="0.1cm"/><style:text-properties style:font-name="Liberation Serif" fo:font-size="13pt" fo:language="vi" fo:country="VN"/></style:default-style>
<style:style style:name="J" style:family="paragraph"><style:paragraph-properties fo:text-align="justify" fo:text-indent="1cm"/></style:style>
<style:style style:name="I" style:family="paragraph"><style:paragraph-properties fo:text-align="justify" fo:text-indent="1cm"/><style:text-properties fo:font-style="italic"/></style:style>
<style:style style:name="B" style:family="paragraph"><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="BI" style:family="paragraph"><style:text-properties fo:font-weight="bold" fo:font-style="italic" fo:font-size="12pt"/></style:style>
<style:style style:name="S" style:family="paragraph"><style:text-properties fo:font-size="11pt"/></style:style>
<style:style style:name="C" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/></style:style>
<style:style style:name="CI" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-style="italic"/></style:style>
<style:style style:name="CB" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="T" style:family="paragraph"><style:paragraph-properties fo:text-align="center" fo:margin-top="0.4cm"/><style:text-properties fo:font-weight="bold" fo:font-size="14pt"/></style:style>
</office:styles>
<office:automatic-styles><style:page-layout style:name="A4"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="3cm" fo:margin-right="1.5cm"/></style:page-layout></office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="A4"/></office:master-styles>
<office:body><office:text>{body}</office:text></office:body>
</office:document>
"#
    )
}

/// Converts the `.fodt` files to PDF in one LibreOffice process; returns (seconds, pages).
fn libreoffice(files: &[std::path::PathBuf], out: &std::path::Path, profile: &str) -> (f64, usize) {
    let t = Instant::now();
    let status = std::process::Command::new("libreoffice")
        .arg(format!("-env:UserInstallation=file://{profile}"))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(out)
        .args(files)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("libreoffice (Debian package libreoffice-writer-nogui) must be installed");
    let secs = t.elapsed().as_secs_f64();
    assert!(status.success(), "libreoffice failed: {status}");
    let mut total = 0;
    for f in files {
        let pdf = out.join(f.file_stem().unwrap()).with_extension("pdf");
        let bytes = std::fs::read(&pdf).unwrap_or_else(|e| panic!("{}: {e}", pdf.display()));
        total += pages(&bytes);
    }
    (secs, total)
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let lo_docs: Option<usize> = argv
        .iter()
        .position(|a| a == "--libreoffice")
        .and_then(|i| argv.get(i + 1))
        .and_then(|k| k.parse().ok());
    let mut args = argv.iter().take_while(|a| *a != "--libreoffice").cloned();
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
    let ours = ms / total_pages as f64;
    println!(
        "{n} sanction decisions: {:.1} ms each, {ours:.2} ms/page ({total_pages} pages), peak RSS {} MB",
        ms / n as f64,
        rss_kb() / 1024
    );
    let Some(k) = lo_docs else { return };
    let dir = std::env::temp_dir().join(format!("qltt-lo-bench-{}", std::process::id()));
    let (src, pdfs) = (dir.join("src"), dir.join("pdf"));
    std::fs::create_dir_all(&src).unwrap();
    std::fs::create_dir_all(&pdfs).unwrap();
    let profile = dir.join("profile").display().to_string();
    let files: Vec<std::path::PathBuf> = (0..k.max(1))
        .map(|i| {
            let f = src.join(format!("qd-{i:05}.fodt"));
            std::fs::write(&f, fodt(&sample("sanction_decision", i + 2))).unwrap();
            f
        })
        .collect();
    // The first start makes LibreOffice's profile: not counted.
    libreoffice(&files[..1], &pdfs, &profile);
    let (one_s, one_pages) = libreoffice(&files[..1], &pdfs, &profile);
    let one = one_s * 1e3 / one_pages as f64;
    let (all_s, all_pages) = libreoffice(&files, &pdfs, &profile);
    let batch = all_s * 1e3 / all_pages as f64;
    println!(
        "LibreOffice (same decision as .fodt), one document per process: {one:.1} ms/page ({one_pages} page)"
    );
    println!(
        "LibreOffice, {} documents in one process: {batch:.1} ms/page ({all_pages} pages)",
        files.len()
    );
    println!(
        "ratio LibreOffice / this renderer: {:.0}× (one per process), {:.0}× (batch); goal ≥ 50×, ≤ 20 ms/page",
        one / ours,
        batch / ours
    );
    if let Some(dir_out) = &out {
        std::fs::copy(
            pdfs.join("qd-00000.pdf"),
            format!("{dir_out}/libreoffice-sanction_decision.pdf"),
        )
        .unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
}
