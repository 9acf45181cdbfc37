//! The summary report as PDF (issue 8, "Exports"): its text (pdftotext) carries the national
//! header, the units, the same figures as the summary formatted "2.500.000", the totals and the
//! fine total in words; two downloads are byte-identical; another province and an inspector are
//! refused as for the other formats (both databases).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod report_support;

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};

use qltt_domain::format::{Vnd, amount_in_words};
use qltt_testkit::{TestApp, on_both};
use report_support::*;
use serde_json::Value;

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

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn download(t: &TestApp, token: &str, path: &str) -> (u16, String, Vec<u8>) {
    let r = t
        .http
        .get(t.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let mime = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, mime, r.bytes().await.unwrap().to_vec())
}

async fn the_pdf_carries_the_summary(t: TestApp) {
    let tokens: HashMap<&str, String> = [
        ("qn.doitruong1", t.login("qn.doitruong1").await),
        ("qn.chicuctruong", t.login("qn.chicuctruong").await),
        ("admin", t.login("admin").await),
    ]
    .into_iter()
    .collect();
    let head = tokens["qn.chicuctruong"].clone();
    for (unit, outcome, lot) in [(0, 3, Some(2_500_000)), (1, 2, None), (0, 1, None)] {
        let p = Plan {
            unit,
            origin: 0,
            violation: true,
            joint_police: false,
            acts: vec![1, 0],
            back: 6,
            lot,
            outcome,
            confiscate: false,
            correct: false,
        };
        drive(&t, &tokens, &p).await;
    }
    let query = "group_by=unit&from=2026-01-01&to=2026-03-31";
    let (s, summary) = t
        .get(&head, &format!("/api/v1/reports/summary?{query}"))
        .await;
    assert_eq!(s, 200, "{summary}");
    let (s, mime, pdf) = download(&t, &head, &format!("/api/v1/reports/summary.pdf?{query}")).await;
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(mime, "application/pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    if let Ok(dir) = std::env::var("QLTT_DOCS_OUT") {
        std::fs::write(format!("{dir}/summary_{:?}.pdf", t.db.backend), &pdf).unwrap();
    }
    let text = pdftotext(&pdf);
    let flat = squash(&text);
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        // The place is the province of the unit's chain, as on the case documents.
        "Quảng Ninh, ngày 05 tháng 3 năm 2026",
        "BÁO CÁO",
        "Tổng hợp kết quả kiểm tra, xử lý vi phạm hành chính",
        "Quý I năm 2026",
        "Tổng cộng",
        "Nơi nhận:",
    ] {
        assert!(flat.contains(expected), "missing {expected:?} in\n{text}");
    }
    // The province's name in capitals in the issuing-unit block.
    let unit_name = summary["unit_name"].as_str().unwrap();
    assert!(
        flat.contains(&unit_name.to_uppercase()) || text.contains("QUẢNG NINH"),
        "{text}"
    );
    // Every unit row and every figure of the summary, as the report formats them.
    let rows = summary["rows"].as_array().unwrap();
    assert!(rows.len() >= 2, "{summary}");
    for r in rows {
        let label = r["label"].as_str().unwrap();
        assert!(flat.contains(label), "missing unit {label:?} in\n{text}");
        for m in [
            "fines_imposed",
            "fines_collected",
            "fines_outstanding",
            "value_seized",
        ] {
            let v = r["figures"][m].as_i64().unwrap();
            assert!(
                flat.contains(&Vnd(v).grouped()),
                "{label} {m} = {v} missing in\n{text}"
            );
        }
    }
    let totals = &summary["totals"];
    let imposed = totals["fines_imposed"].as_i64().unwrap();
    assert_eq!(imposed, 2 * (2_000_000 + 750_000) + 2_750_000, "{summary}");
    for v in [
        Vnd(imposed).display(),
        Vnd(totals["fines_collected"].as_i64().unwrap()).display(),
        Vnd(totals["value_seized"].as_i64().unwrap()).grouped(),
        amount_in_words(imposed),
    ] {
        assert!(flat.contains(&v), "missing {v:?} in\n{text}");
    }
    // The same report twice, and through `?format=pdf`: the same bytes.
    let (_, _, again) = download(&t, &head, &format!("/api/v1/reports/summary.pdf?{query}")).await;
    assert!(again == pdf, "two downloads of the same report differ");
    let (s, _, via_format) = download(
        &t,
        &head,
        &format!("/api/v1/reports/summary?{query}&format=pdf"),
    )
    .await;
    assert_eq!(s, 200);
    assert!(via_format == pdf, "format=pdf gives another file");
    // A team leader's report covers the team: the other team's figures are not in it.
    let (s, _, team) = download(
        &t,
        &tokens["qn.doitruong1"],
        &format!("/api/v1/reports/summary.pdf?{query}"),
    )
    .await;
    assert_eq!(s, 200);
    let team = squash(&pdftotext(&team));
    assert!(team.contains(&amount_in_words(2 * 2_750_000)), "{team}");
    // Refused as the other formats: another province's head (scope), a team leader asking for
    // the province (scope), an inspector (permission), a stranger.
    let qn = t.unit_id("QN").await;
    let bn_head = t.login("bn.chicuctruong").await;
    for (token, path, want) in [
        (
            &bn_head,
            format!("/api/v1/reports/summary.pdf?unit={qn}"),
            403,
        ),
        (
            &bn_head,
            format!("/api/v1/reports/summary?unit={qn}&format=pdf"),
            403,
        ),
        (
            &tokens["qn.doitruong1"],
            format!("/api/v1/reports/summary.pdf?unit={qn}"),
            403,
        ),
        (
            &head,
            "/api/v1/reports/summary.pdf?unit=no-such-unit".to_string(),
            404,
        ),
    ] {
        let (s, b) = t.get(token, &path).await;
        assert_eq!(s, want, "{path} {b}");
        let code = b["error"]["code"].as_str().unwrap_or("");
        assert!(code.starts_with("auth.") || code == "unit.not_found", "{b}");
    }
    let ksv = t.login("qn.ksv1").await;
    let (s, b) = t.get(&ksv, "/api/v1/reports/summary.pdf").await;
    assert_eq!(
        (s, b["error"]["code"].clone()),
        (403, Value::from("auth.forbidden"))
    );
    let r = t
        .http
        .get(t.url("/api/v1/reports/summary.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // The page links the PDF next to XLSX and CSV.
    let client = qltt_testkit::page_client();
    t.page_login(&client, "qn.chicuctruong").await;
    let page = client
        .get(t.url("/reports"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("/api/v1/reports/summary.pdf?group_by=unit&amp;") && page.contains("Tải PDF"),
        "{page}"
    );
}
on_both!(summary_report_pdf, the_pdf_carries_the_summary);
