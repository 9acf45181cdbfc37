//! Text of documents (issue 9): a PDF rendered by our own documents crate gives its text layer
//! with every Vietnamese diacritic; a scan made here (the same letter rendered, rasterised at
//! 300 dpi) attached as a PNG and as an image-only PDF is read by tesseract in Vietnamese and the
//! document is then found by words typed without diacritics, in its scope only; a job left
//! behind by a dead process is taken up again; without tesseract the file fails with
//! `ocr.unavailable` and a leader has it read again.
//!
//! The OCR tests need `tesseract` with its Vietnamese data (Debian `tesseract-ocr`,
//! `tesseract-ocr-vie`): under CI=true they fail without it, elsewhere they say why and skip.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::Instant;

mod text_support;

use qltt_docs::render_pdf;
use qltt_search::analysis::query_terms;
use qltt_testkit::{TestApp, on_both};
use serde_json::json;
use text_support::*;

/// Whether tesseract can read Vietnamese here. Under CI=true a missing tesseract fails the test
/// (CI installs it); elsewhere the test says why and skips.
fn ocr_ready() -> bool {
    let langs = Command::new("tesseract").arg("--list-langs").output();
    let ok = langs.is_ok_and(|o| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .any(|l| l.trim() == "vie")
    });
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "tesseract with Vietnamese data is required under CI \
                 (apt-get install tesseract-ocr tesseract-ocr-vie)"
            );
        }
        eprintln!(
            "skipped: tesseract with Vietnamese data is not installed \
             (apt-get install tesseract-ocr tesseract-ocr-vie)"
        );
    }
    ok
}

/// Page 1 of the PDF as a 300 dpi grey image ("png" or "jpeg"): a scan made by the test.
fn rasterise(pdf: &[u8], format: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf).unwrap();
    let base = dir.path().join("scan");
    let st = Command::new("pdftoppm")
        .args(["-r", "300", "-gray", "-singlefile", "-f", "1", "-l", "1"])
        .arg(format!("-{format}"))
        .arg(&input)
        .arg(&base)
        .status()
        .expect("pdftoppm (Debian poppler-utils)");
    assert!(st.success());
    let ext = if format == "png" { "png" } else { "jpg" };
    std::fs::read(base.with_extension(ext)).unwrap()
}

/// Width, height and components of a JPEG (from its start-of-frame segment).
fn jpeg_size(jpeg: &[u8]) -> (u32, u32, u8) {
    let mut i = 2;
    while i + 9 < jpeg.len() {
        assert_eq!(jpeg[i], 0xFF, "JPEG segment");
        let marker = jpeg[i + 1];
        let len = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        if (0xC0..=0xC2).contains(&marker) {
            let h = u32::from(u16::from_be_bytes([jpeg[i + 5], jpeg[i + 6]]));
            let w = u32::from(u16::from_be_bytes([jpeg[i + 7], jpeg[i + 8]]));
            return (w, h, jpeg[i + 9]);
        }
        i += 2 + len;
    }
    panic!("no JPEG frame");
}

/// A PDF of one A4 page holding only the JPEG: no text layer, as a scanner makes it.
fn image_only_pdf(jpeg: &[u8]) -> Vec<u8> {
    let (w, h, components) = jpeg_size(jpeg);
    let space = if components == 1 {
        "/DeviceGray"
    } else {
        "/DeviceRGB"
    };
    let content = b"q 595 0 0 842 0 0 cm /Im0 Do Q\n";
    let mut pdf: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    let mut obj = |pdf: &mut Vec<u8>, head: String, stream: Option<&[u8]>| {
        offsets.push(pdf.len());
        pdf.extend_from_slice(head.as_bytes());
        if let Some(s) = stream {
            pdf.extend_from_slice(b"stream\n");
            pdf.extend_from_slice(s);
            pdf.extend_from_slice(b"\nendstream\n");
        }
        pdf.extend_from_slice(b"endobj\n");
    };
    obj(
        &mut pdf,
        "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\n".into(),
        None,
    );
    obj(
        &mut pdf,
        "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\n".into(),
        None,
    );
    obj(
        &mut pdf,
        "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>\n"
            .into(),
        None,
    );
    obj(
        &mut pdf,
        format!(
            "4 0 obj\n<< /Type /XObject /Subtype /Image /Width {w} /Height {h} \
             /ColorSpace {space} /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\n",
            jpeg.len()
        ),
        Some(jpeg),
    );
    obj(
        &mut pdf,
        format!("5 0 obj\n<< /Length {} >>\n", content.len()),
        Some(content),
    );
    let xref = pdf.len();
    let mut tail = format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
    for o in &offsets {
        tail.push_str(&format!("{o:010} 00000 n \n"));
    }
    tail.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        offsets.len() + 1
    ));
    pdf.extend_from_slice(tail.as_bytes());
    pdf
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg(&input)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The share of the letter's words (case and diacritics folded) that the text gives back.
fn recall(text: &str) -> f64 {
    let got: std::collections::HashSet<String> = query_terms(text, true).into_iter().collect();
    let want: Vec<String> = PARAGRAPHS
        .iter()
        .flat_map(|p| query_terms(p, true))
        .collect();
    let found = want.iter().filter(|w| got.contains(*w)).count();
    found as f64 / want.len() as f64
}

/// (1) A text-layer PDF rendered by crates/docs: read with pdftotext, exact Vietnamese words.
async fn text_layer_pdf_gives_its_exact_words(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    let reader = t.login("qn.chicuctruong").await;
    let pdf = render_pdf(&letter()).unwrap();
    let sha = upload(&t, &clerk, &pdf).await;
    let id = register(&t, &clerk, "45/QLTT-NV", &[&sha]).await;
    // Queued with the registration, in its transaction.
    let (s, view) = t
        .get(&reader, &format!("/api/v1/office-documents/{id}"))
        .await;
    assert_eq!(s, 200);
    assert_eq!(view["attachment_texts"][0]["state"], "queued", "{view}");
    assert!(search_ids(&t, &reader, "nhap lau").await.is_empty());

    assert_eq!(t.app.text_catch_up().await.unwrap(), 1);
    let b = text_of(&t, &reader, &id).await;
    let f = &b["files"][0];
    assert_eq!(f["state"], "done", "{b}");
    assert_eq!(f["method"], "text_layer");
    assert_eq!(
        (f["pages_done"].as_i64(), f["pages_total"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(b["pending"], false);
    let flat = squash(b["text"].as_str().unwrap());
    for p in PARAGRAPHS {
        assert!(flat.contains(p), "missing {p:?} in\n{flat}");
    }
    assert!(flat.contains("Nguyễn Văn Thành"), "{flat}");
    assert!(!f["excerpt"].as_str().unwrap().is_empty());
    // Found by words of its file typed without diacritics, by an officer of the province.
    t.app.search_catch_up().await.unwrap();
    assert_eq!(search_ids(&t, &reader, "nhap lau").await, vec![id.clone()]);
    assert_eq!(
        search_ids(&t, &reader, "do choi tre em").await,
        vec![id.clone()]
    );
    // The same file attached to a second document is not read twice.
    let again = register(&t, &clerk, "46/QLTT-NV", &[&sha]).await;
    assert_eq!(t.app.text_catch_up().await.unwrap(), 0);
    let b2 = text_of(&t, &reader, &again).await;
    assert_eq!(b2["files"][0]["state"], "done");
    assert_eq!(b2["text"], b["text"]);
    t.app.search_catch_up().await.unwrap();
    let mut both = search_ids(&t, &reader, "nhap lau").await;
    both.sort();
    let mut want = vec![id.clone(), again];
    want.sort();
    assert_eq!(both, want);
}
on_both!(
    a_text_layer_pdf_gives_its_exact_words,
    text_layer_pdf_gives_its_exact_words
);

/// (2)+(3) The issue's test: a Vietnamese scan made here, as a PNG and as an image-only PDF, read
/// by OCR; the document is found by words without diacritics, in its scope only.
async fn scans_are_read_by_ocr_and_found(t: TestApp) {
    if !ocr_ready() {
        return;
    }
    let clerk = t.login("qn.vanthu").await;
    let reader = t.login("qn.chicuctruong").await;
    let bn = t.login("bn.chicuctruong").await;
    let team = t.login("qn.ksv1").await;
    let pdf = render_pdf(&letter()).unwrap();
    let png = rasterise(&pdf, "png");
    let jpeg = rasterise(&pdf, "jpeg");
    let scan_pdf = image_only_pdf(&jpeg);
    // The scanned PDF has no text layer at all.
    assert!(
        pdftotext(&scan_pdf).trim().is_empty(),
        "the scan must have no text layer"
    );
    let png_sha = upload(&t, &clerk, &png).await;
    let pdf_sha = upload(&t, &clerk, &scan_pdf).await;
    let photo = register(&t, &clerk, "7/SCT-QLTM", &[&png_sha]).await;
    let scanned = register(&t, &clerk, "8/SCT-QLTM", &[&pdf_sha]).await;
    t.app.search_catch_up().await.unwrap();
    assert!(search_ids(&t, &reader, "nhap lau").await.is_empty());

    let started = Instant::now();
    assert_eq!(t.app.text_catch_up().await.unwrap(), 2);
    let elapsed = started.elapsed();
    eprintln!(
        "{:?}: OCR of 2 scanned A4 pages at 300 dpi (PNG, image-only PDF) in {elapsed:?} ({:?} per page)",
        t.db.backend,
        elapsed / 2
    );
    for id in [&photo, &scanned] {
        let b = text_of(&t, &reader, id).await;
        let f = &b["files"][0];
        assert_eq!(f["state"], "done", "{b}");
        assert_eq!(f["method"], "ocr", "{b}");
        assert_eq!(
            (f["pages_done"].as_i64(), f["pages_total"].as_i64()),
            (Some(1), Some(1))
        );
        let text = b["text"].as_str().unwrap();
        let r = recall(text);
        eprintln!("{id}: {:.1} % of the letter's words recognised", r * 100.0);
        assert!(r >= 0.9, "only {:.1} % of the words in\n{text}", r * 100.0);
        let lower = squash(&text.to_lowercase());
        for key in [
            "quản lý thị trường",
            "quảng ninh",
            "hàng giả",
            "kinh doanh mỹ phẩm",
        ] {
            assert!(lower.contains(key), "missing {key:?} in\n{text}");
        }
    }
    // Typed without diacritics, by an officer of the province: both found.
    t.app.search_catch_up().await.unwrap();
    for q in [
        "nhap lau hang gia",
        "my pham thuc pham chuc nang",
        "quan ly thi truong",
    ] {
        let mut got = search_ids(&t, &reader, q).await;
        got.sort();
        let mut want = vec![photo.clone(), scanned.clone()];
        want.sort();
        assert_eq!(got, want, "{q}");
    }
    // An officer of a team below the province's register finds nothing (not routed to them).
    assert!(search_ids(&t, &team, "nhap lau hang gia").await.is_empty());
    // The head of another province finds nothing and cannot read the text.
    assert!(search_ids(&t, &bn, "nhap lau hang gia").await.is_empty());
    let (s, b) = t
        .get(&bn, &format!("/api/v1/office-documents/{photo}/text"))
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (404, Some("office.not_found"))
    );
    let (s, _) = t
        .post(
            &bn,
            &format!("/api/v1/office-documents/{photo}/text/retry"),
            json!({}),
        )
        .await;
    assert_eq!(s, 404);
    // The page shows the text in a collapsible block.
    let client = qltt_testkit::page_client();
    t.page_login(&client, "qn.chicuctruong").await;
    let html = client
        .get(t.url(&format!("/office/{scanned}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Nội dung chữ của tệp đính kèm"), "{html}");
    assert!(html.contains("<details>"), "{html}");
    assert!(html.contains("nhận dạng chữ (OCR)"), "{html}");
}
on_both!(
    a_vietnamese_scan_is_read_by_ocr_and_found,
    scans_are_read_by_ocr_and_found
);

/// (4) A job left queued or running by a process that died is taken up again; one another live
/// process is running is left to it.
async fn left_jobs_are_taken_up_again(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    let reader = t.login("qn.chicuctruong").await;
    let pdf = render_pdf(&letter()).unwrap();
    let sha = upload(&t, &clerk, &pdf).await;
    let id = register(&t, &clerk, "45/QLTT-NV", &[&sha]).await;
    // Running, with a fresh heartbeat (the test clock's now): another process is at it.
    t.sql(&format!(
        "UPDATE document_texts SET state = 'running', attempts = 1, \
         heartbeat_at = '2026-03-05T01:59:00.000000Z' WHERE sha256 = '{sha}'"
    ))
    .await;
    assert_eq!(t.app.text_catch_up().await.unwrap(), 0);
    let b = text_of(&t, &reader, &id).await;
    assert_eq!(b["files"][0]["state"], "running");
    assert_eq!(b["pending"], true);
    // Its progress, as the page shows it while it polls.
    t.sql(&format!(
        "UPDATE document_texts SET method = 'ocr', pages_done = 2, pages_total = 5 \
         WHERE sha256 = '{sha}'"
    ))
    .await;
    let client = qltt_testkit::page_client();
    t.page_login(&client, "qn.chicuctruong").await;
    let page = |client: reqwest::Client| {
        let url = t.url(&format!("/office/{id}"));
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = page(client.clone()).await;
    assert!(html.contains("Đang nhận dạng chữ… 2/5 trang"), "{html}");
    assert!(html.contains(r#"hx-trigger="every 3s""#), "{html}");
    // That process died: its heartbeat grows old. A restarted server takes the job up again.
    t.clock.advance(chrono::Duration::minutes(11));
    let restarted = (*t.app).clone();
    assert_eq!(restarted.text_catch_up().await.unwrap(), 1);
    let b = text_of(&t, &reader, &id).await;
    assert_eq!(b["files"][0]["state"], "done", "{b}");
    assert_eq!(b["files"][0]["method"], "text_layer");
    assert!(squash(b["text"].as_str().unwrap()).contains(PARAGRAPHS[2]));
    let (attempts,): (i64,) =
        sqlx::query_as("SELECT attempts FROM document_texts WHERE sha256 = $1")
            .bind(&sha)
            .fetch_one(t.app.db.pool())
            .await
            .unwrap();
    assert_eq!(attempts, 2);
    // Read: the page stops polling and shows the text.
    let html = page(client).await;
    assert!(!html.contains(r#"hx-trigger="every 3s""#), "{html}");
    assert!(html.contains("lớp chữ của PDF"), "{html}");
    // The outbox entry written with the text makes the document findable.
    restarted.search_catch_up().await.unwrap();
    assert_eq!(search_ids(&t, &reader, "phong nghiep vu").await, vec![id]);
}
on_both!(
    jobs_left_by_a_dead_process_are_taken_up,
    left_jobs_are_taken_up_again
);

/// Without tesseract a scan fails with `ocr.unavailable` (a text-layer PDF of the same document
/// is still read) and a leader has it read again once tesseract is there.
async fn missing_tesseract_fails_clearly_and_is_retried(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    let reader = t.login("qn.chicuctruong").await;
    let head = reader.clone();
    let pdf = render_pdf(&letter()).unwrap();
    let png = rasterise(&pdf, "png");
    let pdf_sha = upload(&t, &clerk, &pdf).await;
    let png_sha = upload(&t, &clerk, &png).await;
    let id = register(&t, &clerk, "9/SCT-QLTM", &[&pdf_sha, &png_sha]).await;
    let mut without = (*t.app).clone();
    without.text_settings.tesseract = "qltt-test-no-tesseract".into();
    assert_eq!(without.text_catch_up().await.unwrap(), 2);
    let b = text_of(&t, &reader, &id).await;
    assert_eq!(b["files"][0]["state"], "done", "{b}");
    assert_eq!(b["files"][0]["method"], "text_layer");
    let f = &b["files"][1];
    assert_eq!(f["state"], "failed", "{b}");
    assert_eq!(f["error_code"], "ocr.unavailable");
    let message = f["error"].as_str().unwrap();
    assert!(
        message.contains("qltt-test-no-tesseract") && message.contains("tesseract-ocr"),
        "{message}"
    );
    // The page says so.
    let (s, view) = t
        .get(&reader, &format!("/api/v1/office-documents/{id}"))
        .await;
    assert_eq!(s, 200);
    assert_eq!(view["attachment_texts"][1]["error_code"], "ocr.unavailable");
    // The clerk (who sees it) may not have it read again; the head of the province may.
    let retry = format!("/api/v1/office-documents/{id}/text/retry");
    let (s, b) = t.post(&clerk, &retry, json!({})).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (403, Some("auth.forbidden"))
    );
    let (s, b) = t.post(&head, &retry, json!({})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["pending"], true);
    assert_eq!(b["files"][1]["state"], "queued");
    // Asked again while queued: nothing to do.
    let (s, b) = t.post(&head, &retry, json!({})).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (409, Some("text.in_progress"))
    );
    // Audited.
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'office_document.text_retry'",
    )
    .fetch_one(t.app.db.pool())
    .await
    .unwrap();
    assert_eq!(n, 1);
    if !ocr_ready() {
        return;
    }
    assert_eq!(t.app.text_catch_up().await.unwrap(), 2);
    let b = text_of(&t, &reader, &id).await;
    assert_eq!(b["files"][1]["state"], "done", "{b}");
    assert_eq!(b["files"][1]["method"], "ocr");
    assert!(recall(b["files"][1]["text"].as_str().unwrap()) >= 0.9);
}
on_both!(
    a_missing_tesseract_fails_clearly_and_is_retried,
    missing_tesseract_fails_clearly_and_is_retried
);
