//! Official documents over HTTP: every step's document is issued as a PDF whose SHA-256 is on the
//! document and in the step's audit event; officers of the case's scope download it; anyone can
//! verify it at `/verify/{code}` (no personal data shown) and check a file against it. On SQLite
//! and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};

use qltt_testkit::{TestApp, on_both, page_client};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const BOUNDARY: &str = "----qltt-test-boundary-docs-93Kd0";

async fn act(t: &TestApp, token: &str, id: &str, action: &str, body: Value) -> Value {
    let (s, c) = t
        .post(token, &format!("/api/v1/cases/{id}/actions/{action}"), body)
        .await;
    assert_eq!(s, 200, "{action}: {c}");
    c
}

/// A case caught in the act and sanctioned: violation record, sanction decision, receipt.
async fn sanctioned_case(t: &TestApp) -> (String, Vec<Value>) {
    let ksv = t.login("qn.ksv1").await;
    let leader = t.login("qn.doitruong1").await;
    let accountant = t.login("qn.ketoan").await;
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
    let mut produced = Vec::new();
    let c = act(t, &ksv, &id, "record_violation", json!({
        "recorded_at": "2026-03-05T02:30:00Z",
        "place": "Số 1 đường Hạ Long, phường Bãi Cháy",
        "offender": {"kind": "individual", "name": "Nguyễn Văn A", "id_number": "022080000123", "address": "Hạ Long"},
        "violations": [{"violation_type_id": "D98-15-1-e", "facts": "Bày bán 120 hộp kem dưỡng da nhập lậu"}],
        "exhibits": [{"description": "Kem dưỡng da", "quantity": "120", "unit_of_measure": "hộp", "estimated_value": 35000000}],
        "witnesses": [{"name": "Trần Thị B"}]
    })).await;
    produced.extend(c["produced"].as_array().unwrap().clone());
    let c = act(t, &leader, &id, "issue_sanction", json!({"issued_on": "2026-03-05", "fines": [{"violation_type_id": "D98-15-1-e", "amount": 15000000}]})).await;
    produced.extend(c["produced"].as_array().unwrap().clone());
    act(
        t,
        &ksv,
        &id,
        "deliver_decision",
        json!({"delivered_on": "2026-03-05"}),
    )
    .await;
    let c = act(
        t,
        &accountant,
        &id,
        "record_payment",
        json!({"paid_on": "2026-03-05", "amount": 15000000, "receipt_no": "0001"}),
    )
    .await;
    produced.extend(c["produced"].as_array().unwrap().clone());
    (id, produced)
}

async fn get_bytes(t: &TestApp, token: Option<&str>, path: &str) -> (u16, String, Vec<u8>) {
    let mut r = t.http.get(t.url(path));
    if let Some(token) = token {
        r = r.bearer_auth(token);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, ct, r.bytes().await.unwrap().to_vec())
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

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn issued_documents_are_frozen_and_downloadable(t: TestApp) {
    let (case_id, produced) = sanctioned_case(&t).await;
    let kinds: Vec<&str> = produced
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["violation_record", "sanction_decision", "receipt"]);
    let ksv = t.login("qn.ksv1").await;
    let head = t.login("qn.chicuctruong").await;
    for d in &produced {
        let id = d["id"].as_str().unwrap();
        let (s, doc) = t.get(&ksv, &format!("/api/v1/documents/{id}")).await;
        assert_eq!(s, 200, "{doc}");
        let hash = doc["sha256"].as_str().unwrap();
        assert_eq!(hash.len(), 64);
        assert_eq!(d["sha256"], hash, "the case's step lists the same hash");
        let code = doc["verify_code"].as_str().unwrap();
        assert_eq!(code.len(), 10);
        assert!(
            doc["verify_url"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/verify/{code}"))
        );
        let (s, ct, pdf) = get_bytes(&t, Some(&ksv), &format!("/api/v1/documents/{id}/pdf")).await;
        assert_eq!((s, ct.as_str()), (200, "application/pdf"));
        assert_eq!(sha256(&pdf), hash, "the served PDF is the issued one");
        let text = pdftotext(&pdf);
        for expected in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            &format!("Số: {}", doc["number"].as_str().unwrap()),
            "Quảng Ninh, ngày 05 tháng 3 năm 2026",
            code,
        ] {
            assert!(
                text.contains(expected),
                "{}: missing {expected:?} in {text}",
                doc["kind"]
            );
        }
        if doc["kind"] != "violation_record" {
            assert!(text.contains("15.000.000 đồng"), "{text}");
            assert!(text.contains("Mười lăm triệu đồng"), "{text}");
        }
        // The step's audit event carries the hash (the audit chain freezes it).
        let (s, events) = t
            .get(&head, &format!("/api/v1/audit?entity={case_id}&limit=50"))
            .await;
        assert_eq!(s, 200, "{events}");
        assert!(
            events.to_string().contains(hash),
            "no audit event carries {hash}: {events}"
        );
    }
    let sanction = produced[1]["id"].as_str().unwrap();
    // Another province's officer does not see it; without a session, nothing.
    let bn = t.login("bn.ksv1").await;
    let (s, _, _) = get_bytes(&t, Some(&bn), &format!("/api/v1/documents/{sanction}/pdf")).await;
    assert_eq!(s, 404);
    let (s, _, _) = get_bytes(&t, None, &format!("/api/v1/documents/{sanction}/pdf")).await;
    assert_eq!(s, 401);
}
on_both!(
    issued_documents_are_frozen_and_downloadable,
    issued_documents_are_frozen_and_downloadable
);

fn upload(content: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"qd.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn check_upload(t: &TestApp, code: &str, content: &[u8]) -> (u16, String) {
    let r = t
        .http
        .post(t.url(&format!("/verify/{code}")))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(upload(content))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn anyone_verifies_a_document_by_its_code(t: TestApp) {
    let (case_id, produced) = sanctioned_case(&t).await;
    let ksv = t.login("qn.ksv1").await;
    let id = produced[1]["id"].as_str().unwrap();
    let (_, doc) = t.get(&ksv, &format!("/api/v1/documents/{id}")).await;
    let code = doc["verify_code"].as_str().unwrap();
    let hash = doc["sha256"].as_str().unwrap();
    // No sign-in: the page shows the header facts, the status and the hash, no personal data.
    let r = t
        .http
        .get(t.url(&format!("/verify/{code}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    for expected in [
        "01/QĐ-XPHC",
        "05/03/2026",
        "Quyết định xử phạt vi phạm hành chính",
        "Có hiệu lực",
        hash,
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
    for private in ["Nguyễn Văn A", "022080000123", "Bãi Cháy", "Trần Thị B"] {
        assert!(!html.contains(private), "the public page shows {private:?}");
    }
    // Typed in lower case it is the same code.
    let r = t
        .http
        .get(t.url(&format!("/verify/{}", code.to_lowercase())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    for unknown in ["ZZZZZZZZZZ", "nope", "0000000000"] {
        let r = t
            .http
            .get(t.url(&format!("/verify/{unknown}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404, "{unknown}");
        assert!(r.text().await.unwrap().contains("document.unknown_code"));
    }
    // A visitor checks a file against the issued one.
    let (_, _, pdf) = get_bytes(&t, Some(&ksv), &format!("/api/v1/documents/{id}/pdf")).await;
    let (s, html) = check_upload(&t, code, &pdf).await;
    assert_eq!(s, 200);
    assert!(html.contains("Tệp trùng khớp"), "{html}");
    let mut forged = pdf.clone();
    forged.extend_from_slice(b"%%EOF\n");
    let (s, html) = check_upload(&t, code, &forged).await;
    assert_eq!(s, 200);
    assert!(html.contains("KHÔNG trùng khớp"), "{html}");
    assert!(html.contains(&sha256(&forged)));

    // The case page lists its documents with preview, download and print links.
    let c = page_client();
    t.page_login(&c, "qn.ksv1").await;
    let html = c
        .get(t.url(&format!("/cases/{case_id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("/documents/{id}/pdf?inline=1")),
        "{html}"
    );
    let r = c
        .get(t.url(&format!("/documents/{id}/pdf?inline=1")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline")
    );
    assert_eq!(sha256(&r.bytes().await.unwrap()), hash);
}
on_both!(
    anyone_verifies_a_document_by_its_code,
    anyone_verifies_a_document_by_its_code
);

async fn a_correction_is_a_new_document_and_the_old_one_stays(t: TestApp) {
    let (_, produced) = sanctioned_case(&t).await;
    let leader = t.login("qn.doitruong1").await;
    let old = produced[1]["id"].as_str().unwrap();
    let (_, before) = t.get(&leader, &format!("/api/v1/documents/{old}")).await;
    let (s, new) = t
        .post(
            &leader,
            &format!("/api/v1/documents/{old}/corrections"),
            json!({"reason": "Ghi sai địa chỉ của người vi phạm"}),
        )
        .await;
    assert_eq!(s, 201, "{new}");
    assert_eq!(new["number"], "02/QĐ-XPHC");
    assert_eq!(new["corrects_id"], old);
    assert_ne!(new["sha256"], before["sha256"]);
    let (_, after) = t.get(&leader, &format!("/api/v1/documents/{old}")).await;
    assert_eq!(after["status"], "corrected");
    assert_eq!(
        after["sha256"], before["sha256"],
        "the old PDF is never rewritten"
    );
    let new_id = new["id"].as_str().unwrap();
    let (_, _, pdf) = get_bytes(
        &t,
        Some(&leader),
        &format!("/api/v1/documents/{new_id}/pdf"),
    )
    .await;
    let text = pdftotext(&pdf);
    assert!(
        text.contains("đính chính và thay thế văn bản số 01/QĐ-XPHC"),
        "{text}"
    );
    assert!(text.contains("Ghi sai địa chỉ của người vi phạm"), "{text}");
    // The old one's public page says it was corrected, and by which number.
    let code = before["verify_code"].as_str().unwrap();
    let html = t
        .http
        .get(t.url(&format!("/verify/{code}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Đã được đính chính") && html.contains("02/QĐ-XPHC"),
        "{html}"
    );
    let (s, b) = t
        .post(
            &leader,
            &format!("/api/v1/documents/{old}/corrections"),
            json!({"reason": "Lần nữa"}),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str().unwrap()),
        (409, "document.not_correctable")
    );
    let bn = t.login("bn.chicuctruong").await;
    let (s, _) = t
        .post(
            &bn,
            &format!("/api/v1/documents/{new_id}/corrections"),
            json!({"reason": "x"}),
        )
        .await;
    assert_eq!(s, 404);
}
on_both!(
    a_correction_is_a_new_document_and_the_old_one_stays,
    a_correction_is_a_new_document_and_the_old_one_stays
);
