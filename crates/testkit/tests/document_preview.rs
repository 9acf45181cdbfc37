//! Preview before issuing (issue 5): `POST /api/v1/cases/{id}/actions/{action}/preview` and the
//! case page's "Xem trước" give the draft PDF of the document the step would issue, from the same
//! body, with nothing written — and the same refusal as the step for a body the step refuses. On
//! SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};

use qltt_testkit::{TestApp, on_both, page_client};
use serde_json::{Value, json};

const SANCTION: &str = "issue_sanction";

fn sanction_body(amount: i64) -> Value {
    json!({"issued_on": "2026-03-05", "fines": [{"violation_type_id": "D98-15-1-e", "amount": amount}]})
}

/// A case of QN-D1 caught in the act, its violation recorded: next comes the sanction decision.
async fn recorded_case(t: &TestApp) -> String {
    let ksv = t.login("qn.ksv1").await;
    let d1 = t.unit_id("QN-D1").await;
    let (s, c) = t
        .post(
            &ksv,
            "/api/v1/cases",
            json!({"unit_id": d1, "origin": "caught_in_act", "summary": "Bán mỹ phẩm nhập lậu"}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let id = c["id"].as_str().unwrap().to_string();
    let (s, c) = t
        .post(
            &ksv,
            &format!("/api/v1/cases/{id}/actions/record_violation"),
            json!({
                "recorded_at": "2026-03-05T01:30:00Z",
                "place": "Số 1 đường Hạ Long, phường Bãi Cháy",
                "offender": {"kind": "individual", "name": "Nguyễn Văn A", "id_number": "022080000123", "address": "Hạ Long"},
                "violations": [{"violation_type_id": "D98-15-1-e", "facts": "Bày bán 120 hộp kem dưỡng da nhập lậu"}]
            }),
        )
        .await;
    assert_eq!(s, 200, "{c}");
    id
}

/// A raw POST: (status, content type, content disposition, bytes).
async fn post_raw(
    t: &TestApp,
    token: &str,
    path: &str,
    body: &Value,
    key: Option<&str>,
) -> (u16, String, String, Vec<u8>) {
    let mut r = t.http.post(t.url(path)).bearer_auth(token).json(body);
    if let Some(k) = key {
        r = r.header("Idempotency-Key", k);
    }
    let r = r.send().await.unwrap();
    let header = |name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (status, ct, cd) = (
        r.status().as_u16(),
        header("content-type"),
        header("content-disposition"),
    );
    (status, ct, cd, r.bytes().await.unwrap().to_vec())
}

/// (status, error code) of a refused request.
fn refusal(status: u16, bytes: &[u8]) -> (u16, String) {
    let v: Value = serde_json::from_slice(bytes).unwrap_or(Value::Null);
    (
        status,
        v["error"]["code"].as_str().unwrap_or_default().to_string(),
    )
}

async fn action_and_preview(
    t: &TestApp,
    token: &str,
    case: &str,
    action: &str,
    body: &Value,
) -> ((u16, String), (u16, String)) {
    let path = format!("/api/v1/cases/{case}/actions/{action}");
    let (ps, _, _, pb) = post_raw(t, token, &format!("{path}/preview"), body, None).await;
    let (s, _, _, b) = post_raw(t, token, &path, body, None).await;
    (refusal(s, &b), refusal(ps, &pb))
}

fn pdftotext(pdf: &[u8]) -> String {
    let mut child = Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (Debian poppler-utils)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a preview must leave as it was (read with `admin`, signed in beforehand: a sign-in is
/// itself an audit event).
async fn written(t: &TestApp, admin: &str, case: &str) -> (Vec<i64>, usize, Value) {
    let mut counts = Vec::new();
    for table in [
        "documents",
        "audit_events",
        "outbox",
        "idempotency_keys",
        "case_steps",
        "case_deadlines",
        "case_violations",
        "document_counters",
    ] {
        counts.push(t.count(table).await);
    }
    let blobs = t.app.blobs.list().await.unwrap().len();
    let (s, c) = t.get(admin, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(s, 200, "{c}");
    (
        counts,
        blobs,
        json!({"state": c["state"], "version": c["version"], "fine_total": c["fine_total"], "documents": c["documents"], "data": c["data"]}),
    )
}

async fn preview_is_the_draft_and_writes_nothing(t: TestApp) {
    let case = recorded_case(&t).await;
    let admin = t.login("admin").await;
    let leader = t.login("qn.doitruong1").await;
    let ksv = t.login("qn.ksv1").await;
    let ketoan = t.login("qn.ketoan").await;
    let bn = t.login("bn.chicuctruong").await;
    let path = format!("/api/v1/cases/{case}/actions/{SANCTION}");
    let body = sanction_body(15_000_000);
    let before = written(&t, &admin, &case).await;

    // The draft, asked with an idempotency key the step itself will use next.
    let (s, ct, cd, pdf) = post_raw(
        &t,
        &leader,
        &format!("{path}/preview"),
        &body,
        Some("sanction-1"),
    )
    .await;
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(ct, "application/pdf");
    assert!(cd.starts_with("inline;"), "{cd}");
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdftotext(&pdf);
    for expected in [
        "DỰ THẢO",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: ……/QĐ-XPHC",
        "QUYẾT ĐỊNH",
        "Căn cứ Nghị định số 98/2020/NĐ-CP",
        "15.000.000 đồng",
        "Mười lăm triệu đồng",
        "Nguyễn Văn A",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in: {text}");
    }
    for absent in ["Mã xác thực", "/verify/", "01/QĐ-XPHC"] {
        assert!(!text.contains(absent), "{absent:?} in a draft: {text}");
    }
    if let Ok(out) = std::env::var("QLTT_PREVIEW_PDF") {
        std::fs::write(out, &pdf).unwrap();
    }
    // Deterministic: the same body gives the same bytes.
    let (s, _, _, again) = post_raw(&t, &leader, &format!("{path}/preview"), &body, None).await;
    assert_eq!(s, 200);
    assert!(again == pdf, "two previews of one body differ");
    // Nothing written: no document, audit event, outbox entry, idempotency key, step, deadline
    // or file; the case as it was.
    assert_eq!(written(&t, &admin, &case).await, before);

    // The same refusal as the step, with the same code.
    for (who, token, bad) in [
        // The law engine: below the frame of D98-15-1-e.
        ("leader", &leader, sanction_body(1_000)),
        // A malformed body.
        ("leader", &leader, json!({"issued_on": "hôm nay"})),
        // No fine line at all.
        (
            "leader",
            &leader,
            json!({"issued_on": "2026-03-05", "fines": []}),
        ),
        // A stale version: the conflict the step gives.
        (
            "leader",
            &leader,
            json!({"version": 1, "issued_on": "2026-03-05", "fines": [{"violation_type_id": "D98-15-1-e", "amount": 15000000}]}),
        ),
        // An accountant may not take the step (403).
        ("accountant", &ketoan, sanction_body(15_000_000)),
        // Another province: the case does not exist for its head (404).
        ("other province", &bn, sanction_body(15_000_000)),
    ] {
        let (step, preview) = action_and_preview(&t, token, &case, SANCTION, &bad).await;
        assert!((400..500).contains(&step.0), "{who} {bad}: {step:?}");
        assert_eq!(preview, step, "{who} {bad}: preview and step differ");
    }
    let (_, p) = action_and_preview(&t, &ketoan, &case, SANCTION, &body).await;
    assert_eq!(p.0, 403, "{p:?}");
    let (_, p) = action_and_preview(&t, &bn, &case, SANCTION, &body).await;
    assert_eq!(p.0, 404, "{p:?}");
    // The inspector holds the permission to handle cases, but an inspector on duty may not
    // impose this fine: the law engine's refusal (422 law.*), the same for the step and its
    // preview.
    let (s, _, _, pb) = post_raw(&t, &ksv, &format!("{path}/preview"), &body, None).await;
    let (ss, _, _, sb) = post_raw(&t, &ksv, &path, &body, None).await;
    let (preview, step) = (refusal(s, &pb), refusal(ss, &sb));
    assert_eq!(preview, step);
    assert!(
        preview.0 == 422 && preview.1.starts_with("law."),
        "{preview:?}"
    );
    assert_eq!(
        written(&t, &admin, &case).await,
        before,
        "refusals wrote something"
    );

    // The step itself, with the key the preview was sent with: number 01, no gap.
    let (s, _, _, b) = post_raw(&t, &leader, &path, &body, Some("sanction-1")).await;
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&b));
    let outcome: Value = serde_json::from_slice(&b).unwrap();
    let number = outcome["produced"][0]["number"].as_str().unwrap();
    assert_eq!(number, "01/QĐ-XPHC", "{outcome}");
    assert!(t.count("documents").await == before.0[0] + 1);

    // A step that issues no document has no preview.
    let (s, _, _, b) = post_raw(
        &t,
        &ksv,
        &format!("/api/v1/cases/{case}/actions/deliver_decision/preview"),
        &json!({"delivered_on": "2026-03-05"}),
        None,
    )
    .await;
    assert_eq!(refusal(s, &b), (422, "document.no_preview".to_string()));
}

on_both!(
    preview_is_the_draft_and_writes_nothing_on,
    preview_is_the_draft_and_writes_nothing
);

async fn the_case_page_previews_in_a_new_tab(t: TestApp) {
    let case = recorded_case(&t).await;
    let admin = t.login("admin").await;
    let client = page_client();
    let csrf = t.page_login(&client, "qn.doitruong1").await;
    let html = client
        .get(t.url(&format!("/cases/{case}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("step-preview"), "no preview button");
    assert!(html.contains("Xem trước"));
    let before = written(&t, &admin, &case).await;
    let url = t.url(&format!("/cases/{case}/actions/{SANCTION}/preview"));
    let body = sanction_body(15_000_000).to_string();
    let r = client
        .post(&url)
        .form(&[("csrf", csrf.as_str()), ("body", body.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline;")
    );
    let text = pdftotext(&r.bytes().await.unwrap());
    assert!(text.contains("DỰ THẢO") && text.contains("15.000.000 đồng"));
    // Without the session's token: refused by the guard, nothing rendered.
    let r = client
        .post(&url)
        .form(&[("csrf", "sai"), ("body", body.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // A refusal of the law is the error page, with the step's status and code.
    let bad = sanction_body(1_000).to_string();
    let r = client
        .post(&url)
        .form(&[("csrf", csrf.as_str()), ("body", bad.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("law.fine_out_of_range"), "{html}");
    assert_eq!(written(&t, &admin, &case).await, before);
}

on_both!(
    the_case_page_previews_in_a_new_tab_on,
    the_case_page_previews_in_a_new_tab
);

/// A step that issues two documents (LHAV Art. 125: the seizure decision and the seizure record):
/// the preview gives the first by default, as before, and either one with `?kind=`; a kind the step
/// does not issue is the same 422 as a step without documents; the page offers a button for each.
async fn a_two_document_step_previews_either_document(t: TestApp) {
    let case = recorded_case(&t).await;
    let admin = t.login("admin").await;
    let leader = t.login("qn.doitruong1").await;
    let body = json!({
        "seized_on": "2026-03-05",
        "items": [{"description": "Kem dưỡng da nhập lậu", "quantity": "120", "unit_of_measure": "hộp"}],
        "reason": "Để xác minh tình tiết làm căn cứ ra quyết định xử phạt"
    });
    let path = format!("/api/v1/cases/{case}/actions/seize/preview");
    let before = written(&t, &admin, &case).await;
    let preview = |query: &'static str| {
        let (t, leader, path, body) = (&t, &leader, &path, &body);
        async move { post_raw(t, leader, &format!("{path}{query}"), body, None).await }
    };
    let (s, _, cd, default) = preview("").await;
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&default));
    assert!(cd.contains("du-thao-seizure-decision.pdf"), "{cd}");
    let (s, _, cd, decision) = preview("?kind=seizure_decision").await;
    assert_eq!(s, 200);
    assert!(cd.contains("du-thao-seizure-decision.pdf"), "{cd}");
    assert!(
        decision == default,
        "the default is no longer the first document"
    );
    let (s, _, cd, record) = preview("?kind=seizure_record").await;
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&record));
    assert!(cd.contains("du-thao-seizure-record.pdf"), "{cd}");
    let (decision_text, record_text) = (pdftotext(&decision), pdftotext(&record));
    assert!(
        decision_text.contains("Số: ……/QĐ-TGTVPT") && decision_text.contains("QUYẾT ĐỊNH"),
        "{decision_text}"
    );
    for expected in [
        "DỰ THẢO",
        "Số: ……/BB-TGTVPT",
        "BIÊN BẢN",
        "Kem dưỡng da nhập lậu",
    ] {
        assert!(
            record_text.contains(expected),
            "{expected:?} missing in: {record_text}"
        );
    }
    assert!(!record_text.contains("/verify/"), "{record_text}");
    // A kind the step does not issue, and a name that is no kind.
    let (s, _, _, b) = preview("?kind=sanction_decision").await;
    assert_eq!(refusal(s, &b), (422, "document.no_preview".to_string()));
    let (s, _, _, b) = preview("?kind=memo").await;
    assert_eq!(refusal(s, &b), (400, "document.invalid_kind".to_string()));
    assert_eq!(written(&t, &admin, &case).await, before, "a preview wrote");

    // The page: one button per document, and the record from the page's preview route.
    let client = page_client();
    let csrf = t.page_login(&client, "qn.doitruong1").await;
    let html = client
        .get(t.url(&format!("/cases/{case}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for button in [
        "data-kind=\"seizure_decision\"",
        "Xem trước quyết định",
        "data-kind=\"seizure_record\"",
        "Xem trước biên bản",
    ] {
        assert!(html.contains(button), "{button:?} missing");
    }
    let r = client
        .post(t.url(&format!("/cases/{case}/actions/seize/preview")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("body", body.to_string().as_str()),
            ("kind", "seizure_record"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let text = pdftotext(&r.bytes().await.unwrap());
    assert!(text.contains("Số: ……/BB-TGTVPT"), "{text}");

    // The step itself still issues both, numbered 01.
    let (s, c) = t
        .post(
            &leader,
            &format!("/api/v1/cases/{case}/actions/seize"),
            body.clone(),
        )
        .await;
    assert_eq!(s, 200, "{c}");
    let numbers: Vec<&str> = c["produced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["01/QĐ-TGTVPT", "01/BB-TGTVPT"]);
}

on_both!(
    a_two_document_step_previews_either_document_on,
    a_two_document_step_previews_either_document
);
