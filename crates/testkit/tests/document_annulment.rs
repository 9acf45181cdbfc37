//! Annulling a sanction decision in full (Decree 118/2021/NĐ-CP Art. 13, form MQĐ40): who may,
//! what is refused and with which code, the new numbered annulment decision and its PDF, the old
//! decision kept with its hash and shown annulled on its public page and in the open dataset, the
//! case back at its violation record without the decision's fines (so the report roll-ups, equal
//! to a recomputation, no longer count them) and a new decision possible; the audit chain whole.
//! On SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};

use qltt_testkit::{TestApp, on_both, page_client};
use serde_json::{Value, json};

const FINE: i64 = 15_000_000;

async fn act(t: &TestApp, token: &str, id: &str, action: &str, body: Value) -> Value {
    let (s, c) = t
        .post(token, &format!("/api/v1/cases/{id}/actions/{action}"), body)
        .await;
    assert_eq!(s, 200, "{action}: {c}");
    c
}

/// A case of QN-D1 caught in the act, sanctioned by the team leader and delivered:
/// (case id, violation record id, sanction decision id).
async fn sanctioned_case(t: &TestApp) -> (String, String, String) {
    let ksv = t.login("qn.ksv1").await;
    let leader = t.login("qn.doitruong1").await;
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
    let c = act(t, &ksv, &id, "record_violation", json!({
        "recorded_at": "2026-03-05T02:30:00Z",
        "place": "Số 1 đường Hạ Long, phường Bãi Cháy",
        "offender": {"kind": "organization", "name": "Công ty TNHH Mỹ phẩm Hạ Long", "id_number": "5701234567", "address": "Hạ Long", "representative": "Trần Thị B"},
        "violations": [{"violation_type_id": "D98-15-1-e", "facts": "Bày bán 120 hộp kem dưỡng da nhập lậu"}]
    })).await;
    let record = c["produced"][0]["id"].as_str().unwrap().to_string();
    let c = act(t, &leader, &id, "issue_sanction", json!({"issued_on": "2026-03-05", "fines": [{"violation_type_id": "D98-15-1-e", "amount": FINE * 2}]})).await;
    let decision = c["produced"][0]["id"].as_str().unwrap().to_string();
    act(
        t,
        &ksv,
        &id,
        "deliver_decision",
        json!({"delivered_on": "2026-03-05"}),
    )
    .await;
    (id, record, decision)
}

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or_default()
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

/// The fines imposed in QN this year, as the report roll-ups give them after a pass of the job.
async fn fines_imposed(t: &TestApp, head: &str) -> i64 {
    t.app.reports_catch_up().await.unwrap();
    let qn = t.unit_id("QN").await;
    let (s, b) = t
        .get(
            head,
            &format!("/api/v1/reports/summary?unit={qn}&from=2026-01-01&to=2026-03-05"),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    b["totals"]["fines_imposed"].as_i64().unwrap()
}

async fn annul_post(
    t: &TestApp,
    token: &str,
    doc: &str,
    body: &Value,
    key: Option<&str>,
) -> (u16, Value) {
    let mut r = t
        .http
        .post(t.url(&format!("/api/v1/documents/{doc}/annul")))
        .bearer_auth(token)
        .json(body);
    if let Some(k) = key {
        r = r.header("Idempotency-Key", k);
    }
    let r = r.send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn a_sanction_decision_is_annulled_by_a_new_decision_and_kept(t: TestApp) {
    let (case, record, decision) = sanctioned_case(&t).await;
    let ksv = t.login("qn.ksv1").await;
    let leader = t.login("qn.doitruong1").await;
    let head = t.login("qn.chicuctruong").await;
    let ketoan = t.login("qn.ketoan").await;
    let bn = t.login("bn.chicuctruong").await;
    assert_eq!(fines_imposed(&t, &head).await, FINE * 2);
    // Published before it was found wrong (LHAV Art. 72): the open dataset lists it as issued.
    let (s, b) = t
        .post(
            &head,
            &format!("/api/v1/documents/{decision}/publish"),
            json!({"reason": "Điều 72 Luật XLVPHC"}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let (_, before) = t.get(&head, &format!("/api/v1/documents/{decision}")).await;
    let ok = json!({"ground": "wrong_procedure", "reason": "Quyết định ban hành khi chưa xác minh giá trị tang vật theo quy định"});
    let documents_before = t.count("documents").await;

    // Refused, each with its stable code, and nothing written.
    for (who, token, body, want) in [
        ("accountant", &ketoan, ok.clone(), (403, "auth.forbidden")),
        (
            "other province",
            &bn,
            ok.clone(),
            (404, "document.not_found"),
        ),
        // An inspector holds handle_cases but no title to undo a team leader's decision.
        ("inspector", &ksv, ok.clone(), (422, "law.no_competence")),
        (
            "no reason",
            &leader,
            json!({"ground": "wrong_procedure", "reason": "  "}),
            (400, "validation.required"),
        ),
        (
            "no ground",
            &leader,
            json!({"ground": "changed_mind", "reason": "x"}),
            (400, "annulment.invalid_ground"),
        ),
    ] {
        let (s, b) = annul_post(&t, token, &decision, &body, None).await;
        assert_eq!((s, code(&b)), want, "{who}: {b}");
    }
    // A record is not a decision annulled this way.
    let (s, b) = annul_post(&t, &leader, &record, &ok, None).await;
    assert_eq!((s, code(&b)), (422, "document.not_annullable"), "{b}");
    assert_eq!(t.count("documents").await, documents_before);

    // The province's head (above the team leader who signed) annuls it; a retry with the same
    // key answers the same and creates nothing.
    let (s, annulment) = annul_post(&t, &head, &decision, &ok, Some("annul-1")).await;
    assert_eq!(s, 201, "{annulment}");
    let (s, again) = annul_post(&t, &head, &decision, &ok, Some("annul-1")).await;
    assert_eq!((s, &again), (201, &annulment));
    assert_eq!(t.count("documents").await, documents_before + 1);
    assert_eq!(annulment["kind"], "annulment_decision");
    assert_eq!(annulment["number"], "01/QĐ-HB");
    assert_eq!(annulment["annuls_id"], decision.as_str());
    assert_eq!(annulment["status"], "issued");
    // Already annulled: a stable 409.
    let (s, b) = annul_post(&t, &head, &decision, &ok, None).await;
    assert_eq!((s, code(&b)), (409, "document.already_annulled"), "{b}");

    // The old decision stays, with its bytes and hash, annulled.
    let (_, after) = t.get(&head, &format!("/api/v1/documents/{decision}")).await;
    assert_eq!(after["status"], "annulled");
    assert_eq!(after["sha256"], before["sha256"]);
    // The annulment's PDF: MQĐ40, the decision it annuls, the ground and the reason.
    let annulment_id = annulment["id"].as_str().unwrap();
    let r = t
        .http
        .get(t.url(&format!("/api/v1/documents/{annulment_id}/pdf")))
        .bearer_auth(&head)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let pdf = r.bytes().await.unwrap();
    // Issued by the province (the head's authority), it is still part of the team's case file:
    // the team's inspector opens it.
    assert_eq!(annulment["unit_id"], t.unit_id("QN").await.as_str());
    let r = t
        .http
        .get(t.url(&format!("/api/v1/documents/{annulment_id}/pdf")))
        .bearer_auth(&ksv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.bytes().await.unwrap() == pdf);
    if let Ok(out) = std::env::var("QLTT_ANNULMENT_PDF") {
        std::fs::write(out, &pdf).unwrap();
    }
    let text = pdftotext(&pdf);
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "CHI CỤC TRƯỞNG CHI CỤC QUẢN LÝ THỊ TRƯỜNG",
        "Mẫu MQĐ40",
        "Số: 01/QĐ-HB",
        "QUYẾT ĐỊNH",
        "Hủy bỏ toàn bộ nội dung quyết định",
        "Quyết định xử phạt vi phạm hành chính số 01/QĐ-XPHC ngày 05/03/2026",
        "điểm c khoản 1 Điều 13 Nghị định số 118/2021/NĐ-CP",
        "chưa xác minh giá trị tang vật",
        "Công ty TNHH Mỹ phẩm Hạ Long",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in: {text}");
    }

    // The public page and the open dataset say it was annulled, and by which decision.
    let code_ = before["verify_code"].as_str().unwrap();
    let html = t
        .http
        .get(t.url(&format!("/verify/{code_}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Đã bị hủy bỏ") && html.contains("01/QĐ-HB"),
        "{html}"
    );
    let open: Vec<Value> = t
        .http
        .get(t.url("/public/open-data/decisions.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["status"], "annulled", "{open:?}");

    // The case is back at its violation record, without the decision's fines or enforcement.
    let (_, c) = t.get(&head, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(c["state"], "violation_recorded", "{c}");
    assert_eq!(c["fine_total"], 0);
    assert_eq!(c["decision_delivered"], 0);
    assert_eq!(c["violations"][0]["fine"], Value::Null);
    assert!(c["data"].get("issue_sanction").is_none(), "{c}");
    assert_eq!(
        c["data"]["annulled_decisions"][0]["document"]["number"],
        "01/QĐ-XPHC"
    );
    let allowed: Vec<&str> = c["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    for a in ["issue_sanction", "decide_no_sanction", "transfer"] {
        assert!(allowed.contains(&a), "{a} not allowed: {allowed:?}");
    }
    let (_, steps) = t.get(&head, &format!("/api/v1/cases/{case}/steps")).await;
    let last = steps.as_array().unwrap().last().unwrap();
    assert_eq!(last["action"], "annul_decision");
    assert_eq!(last["to_state"], "violation_recorded");

    // Audited in the chain, which stays whole.
    let (s, events) = t
        .get(
            &t.login("admin").await,
            &format!("/api/v1/audit?entity={decision}"),
        )
        .await;
    assert_eq!(s, 200, "{events}");
    assert!(
        events["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "document.annul"),
        "{events}"
    );
    assert!(matches!(
        t.app.verify_audit().await.unwrap(),
        qltt_store::audit::Verification::Intact { .. }
    ));

    // The roll-ups no longer count its fine and equal a recomputation from the source tables.
    assert_eq!(fines_imposed(&t, &head).await, 0);
    let r = t.app.reports_reconcile(false).await.unwrap();
    assert!(r.differences.is_empty(), "{:?}", r.differences);

    // A new decision is made (Art. 13(3)), numbered next in the sanction register, and counted.
    let c = act(&t, &leader, &case, "issue_sanction", json!({"issued_on": "2026-03-05", "fines": [{"violation_type_id": "D98-15-1-e", "amount": FINE * 2}]})).await;
    assert_eq!(c["produced"][0]["number"], "02/QĐ-XPHC");
    assert_eq!(c["state"], "sanctioned");
    assert_eq!(fines_imposed(&t, &head).await, FINE * 2);
    let r = t.app.reports_reconcile(false).await.unwrap();
    assert!(r.differences.is_empty(), "{:?}", r.differences);
}

on_both!(
    a_sanction_decision_is_annulled_by_a_new_decision_and_kept_on,
    a_sanction_decision_is_annulled_by_a_new_decision_and_kept
);

/// The case page offers "Hủy bỏ" next to a sanction decision in force; the confirmation page asks
/// for the ground and the reason, gives a refusal back in Vietnamese with what was typed, and
/// after the annulment the case page shows the decision annulled.
async fn the_case_page_annuls_with_a_confirmation(t: TestApp) {
    let (case, _, decision) = sanctioned_case(&t).await;
    let client = page_client();
    let csrf = t.page_login(&client, "qn.doitruong1").await;
    let get = |path: String| {
        let client = client.clone();
        let url = t.url(&path);
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = get(format!("/cases/{case}")).await;
    assert!(
        html.contains(&format!("/documents/{decision}/annul")),
        "no annul link"
    );
    let form = get(format!("/documents/{decision}/annul")).await;
    for expected in [
        "Hủy bỏ quyết định",
        "01/QĐ-XPHC",
        "khoản 1 Điều 13 Nghị định số 118/2021/NĐ-CP",
        "value=\"wrong_offender\"",
        "Xác nhận hủy bỏ quyết định",
    ] {
        assert!(form.contains(expected), "{expected:?} missing");
    }
    let url = t.url(&format!("/documents/{decision}/annul"));
    // No reason: the page again, with the message and the ground kept.
    let r = client
        .post(&url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("ground", "wrong_offender"),
            ("reason", " "),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("role=\"alert\""), "{html}");
    assert!(html.contains("value=\"wrong_offender\" selected"), "{html}");
    // Without the session's token: the guard refuses.
    let r = client
        .post(&url)
        .form(&[
            ("csrf", "sai"),
            ("ground", "wrong_offender"),
            ("reason", "Nhầm người"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = client
        .post(&url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("ground", "wrong_offender"),
            ("reason", "Lập nhầm tên cơ sở vi phạm"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "redirected to the case");
    assert_eq!(r.headers()["location"], format!("/cases/{case}").as_str());
    let html = get(format!("/cases/{case}")).await;
    assert!(html.contains("đã bị hủy bỏ"), "{html}");
    assert!(html.contains("01/QĐ-HB"), "{html}");
    assert!(
        html.contains("Hủy bỏ quyết định xử phạt"),
        "journal: {html}"
    );
    assert!(!html.contains(&format!("/documents/{decision}/annul")));
    // The confirmation page of an annulled decision offers nothing to confirm.
    let form = get(format!("/documents/{decision}/annul")).await;
    assert!(form.contains("Đã bị hủy bỏ"));
    assert!(!form.contains("Xác nhận hủy bỏ quyết định"));
}

on_both!(
    the_case_page_annuls_with_a_confirmation_on,
    the_case_page_annuls_with_a_confirmation
);
