//! What decisions do to the goods, and the lots on the case page. A sanction decision names the
//! lots it confiscates: they move to "awaiting disposal" in the decision's own transaction, with
//! a custody event naming the decision's number, and the decision's PDF lists them; a lot of
//! another case, or beyond the signer's competence, refuses the whole decision and changes
//! nothing; the lots the decision left wait in the "to return" queue. An officer on the spot
//! registers a lot with a phone photo from the case page. On SQLite and PostgreSQL; the test
//! clock stands on Thu 05/03/2026, 09:00 in Việt Nam.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};

use qltt_testkit::{TestApp, csrf_field, on_both, page_client};
use serde_json::{Value, json};

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

/// A case caught in the act in team 1's area, at `violation_recorded`.
async fn case_with_violation(t: &TestApp, ksv: &str, summary: &str) -> String {
    let (_, b) = t.get(ksv, "/api/v1/businesses?limit=50").await;
    let d1 = t.unit_id("QN-D1").await;
    let business = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["unit_id"] == d1.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, c) = t
        .post(ksv, "/api/v1/cases", json!({"business_id": business, "unit_id": d1, "origin": "caught_in_act", "summary": summary}))
        .await;
    assert_eq!(s, 201, "{c}");
    let id = c["id"].as_str().unwrap().to_string();
    let (s, c) = t
        .post(ksv, &format!("/api/v1/cases/{id}/actions/record_violation"), json!({
            "recorded_at": "2026-03-05T01:30:00Z",
            "place": "Số 1 đường Hạ Long, phường Bãi Cháy",
            "offender": {"kind": "individual", "name": "Nguyễn Văn A", "id_number": "022080000123", "address": "Hạ Long"},
            "violations": [{"violation_type_id": "D98-15-1-e", "facts": "Bày bán hàng nhập lậu"}]
        }))
        .await;
    assert_eq!(s, 200, "{c}");
    id
}

async fn lot(t: &TestApp, ksv: &str, case: &str, what: &str, qty: i64, value: i64) -> Value {
    let (s, e) = t
        .post(ksv, "/api/v1/exhibits", json!({"case_id": case, "description": what, "quantity": qty, "unit_of_measure": "hộp", "estimated_value": value}))
        .await;
    assert_eq!(s, 201, "{e}");
    e
}

fn pdftotext(pdf: &[u8]) -> String {
    let mut child = Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (Debian poppler-utils)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
}

async fn the_decision_confiscates_what_it_names(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let leader = t.login("qn.doitruong1").await;
    let case = case_with_violation(&t, &ksv, "Bày bán mỹ phẩm nhập lậu").await;
    let cream = lot(&t, &ksv, &case, "Kem dưỡng da", 120, 36_000_000).await;
    let lipstick = lot(&t, &ksv, &case, "Son môi", 30, 4_500_000).await;
    let watch = lot(&t, &ksv, &case, "Đồng hồ đeo tay", 1, 10_000_000_000).await;
    let other_case = case_with_violation(&t, &ksv, "Vụ khác").await;
    let foreign = lot(&t, &ksv, &other_case, "Rượu ngoại", 12, 6_000_000).await;
    let id = |e: &Value| e["id"].as_str().unwrap().to_string();
    let decide = |lots: Vec<String>| {
        json!({"issued_on": "2026-03-05", "fines": [{"violation_type_id": "D98-15-1-e", "amount": 15000000}],
               "additional_penalties": ["Tịch thu tang vật vi phạm"], "confiscated_exhibits": lots})
    };
    let act = format!("/api/v1/cases/{case}/actions/issue_sanction");

    // A lot of another case: the decision is refused and nothing moves.
    let (s, b) = t
        .post(&leader, &act, decide(vec![id(&cream), id(&foreign)]))
        .await;
    assert_eq!((s, code(&b)), (400, "case.unknown_exhibit"), "{b}");
    // Goods worth more than a team leader may confiscate (Decree 189/2025 Art. 12).
    let (s, b) = t.post(&leader, &act, decide(vec![id(&watch)])).await;
    assert_eq!((s, code(&b)), (422, "law.competence_exceeded"), "{b}");
    let (_, c) = t
        .get(&ksv, &format!("/api/v1/exhibits/{}", id(&cream)))
        .await;
    assert_eq!(c["status"], "seized");

    // The decision confiscates the cream (named twice: once is enough).
    let (s, d) = t
        .post(&leader, &act, decide(vec![id(&cream), id(&cream)]))
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["state"], "sanctioned");
    // Refused attempts consumed no number.
    assert_eq!(d["produced"][0]["number"], "01/QĐ-XPHC");
    let decision = d["produced"][0]["id"].as_str().unwrap().to_string();

    let (_, c) = t
        .get(&ksv, &format!("/api/v1/exhibits/{}", id(&cream)))
        .await;
    assert_eq!(c["status"], "awaiting_disposal", "{c}");
    assert_eq!(c["quantity"], "120");
    let (_, custody) = t
        .get(&ksv, &format!("/api/v1/exhibits/{}/custody", id(&cream)))
        .await;
    assert_eq!(custody["chain_intact"], true, "{custody}");
    let last = custody["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], "confiscate");
    assert_eq!(last["details_json"]["decision"]["number"], "01/QĐ-XPHC");
    assert_eq!(last["details_json"]["decision"]["id"], decision.as_str());
    assert_eq!(last["handed_over_by"], "Nguyễn Văn A");
    // The other lots of the case are untouched, and wait to be returned.
    let (_, l) = t
        .get(&ksv, &format!("/api/v1/exhibits/{}", id(&lipstick)))
        .await;
    assert_eq!(l["status"], "seized");
    let (_, back) = t.get(&ksv, "/api/v1/exhibits?to_return=true").await;
    let ids: Vec<&str> = back
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&id(&lipstick).as_str()), "{back}");
    assert!(ids.contains(&id(&watch).as_str()), "{back}");
    assert!(!ids.contains(&id(&cream).as_str()), "{back}");
    // The other case has no decision: its lot is not waiting to be returned.
    assert!(!ids.contains(&id(&foreign).as_str()), "{back}");
    // Confiscated goods are destroyed by a council only: a plain return is refused now.
    let (s, b) = t
        .post(
            &ksv,
            &format!("/api/v1/exhibits/{}/moves", id(&cream)),
            json!({"kind": "return", "handed_over_by": "Thủ kho", "received_by": "Nguyễn Văn A"}),
        )
        .await;
    assert_eq!((s, code(&b)), (422, "exhibit.invalid_move"), "{b}");

    // The decision as issued lists what it confiscates.
    let pdf = t
        .http
        .get(t.url(&format!("/api/v1/documents/{decision}/pdf")))
        .bearer_auth(&ksv)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    let text = pdftotext(&pdf.bytes().await.unwrap());
    assert!(text.contains("Tang vật, phương tiện bị tịch thu"), "{text}");
    assert!(
        text.contains(cream["lot_no"].as_str().unwrap()),
        "lot number missing: {text}"
    );
    // The case's step and the lot's move are both in the audit chain.
    let head = t.login("qn.chicuctruong").await;
    let (_, audit) = t
        .get(&head, &format!("/api/v1/audit?entity={}", id(&cream)))
        .await;
    let last = &audit["items"][0];
    assert_eq!(last["action"], "exhibit.move", "{audit}");
    let details: Value = serde_json::from_str(last["details"].as_str().unwrap()).unwrap();
    assert_eq!(details["kind"], "confiscate", "{audit}");
    assert_eq!(details["decision"], "01/QĐ-XPHC", "{audit}");
}
on_both!(
    sanction_decision_confiscates_the_lots_it_names,
    the_decision_confiscates_what_it_names
);

/// A decision may take part of a lot: the part is split off as its own lot awaiting disposal,
/// with its share of the value, and the rest stays held and waits to be returned.
async fn the_decision_confiscates_part_of_a_lot(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let leader = t.login("qn.doitruong1").await;
    let case = case_with_violation(&t, &ksv, "Bày bán mỹ phẩm không rõ nguồn gốc").await;
    let cream = lot(&t, &ksv, &case, "Kem dưỡng da", 120, 36_000_000).await;
    let cream_id = cream["id"].as_str().unwrap().to_string();
    let decide = |lots: Value| {
        json!({"issued_on": "2026-03-05", "fines": [{"violation_type_id": "D98-15-1-e", "amount": 15000000}],
               "additional_penalties": ["Tịch thu tang vật vi phạm"], "confiscated_exhibits": lots})
    };
    let act = format!("/api/v1/cases/{case}/actions/issue_sanction");
    // More than the lot holds; two quantities for one lot; a bad quantity: refused, nothing moves.
    for (lots, want) in [
        (
            json!([{"id": cream_id, "quantity": "130"}]),
            (422, "case.exhibit_not_confiscable"),
        ),
        (
            json!([cream_id, {"id": cream_id, "quantity": 5}]),
            (400, "case.duplicate_exhibit"),
        ),
        (
            json!([{"id": cream_id, "quantity": "-2"}]),
            (400, "exhibit.invalid_quantity"),
        ),
    ] {
        let (s, b) = t.post(&leader, &act, decide(lots.clone())).await;
        assert_eq!((s, code(&b)), want, "{lots}: {b}");
    }
    let (_, c) = t.get(&ksv, &format!("/api/v1/exhibits/{cream_id}")).await;
    assert_eq!(
        (c["status"].as_str(), c["quantity"].as_str()),
        (Some("seized"), Some("120"))
    );

    let (s, d) = t
        .post(
            &leader,
            &act,
            decide(json!([{"id": cream_id, "quantity": "80"}])),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    let decision = d["produced"][0]["id"].as_str().unwrap().to_string();

    // The lot keeps 40 boxes and a third of the value, still seized…
    let (_, rest) = t.get(&ksv, &format!("/api/v1/exhibits/{cream_id}")).await;
    assert_eq!(rest["status"], "seized", "{rest}");
    assert_eq!(rest["quantity"], "40");
    assert_eq!(rest["estimated_value"], 12_000_000);
    // …and the 80 confiscated boxes are a new lot, split from it, awaiting disposal.
    let (_, all) = t.get(&ksv, "/api/v1/exhibits").await;
    let part = all
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["parent_id"] == cream_id.as_str())
        .unwrap_or_else(|| panic!("no lot split from the cream: {all}"))
        .clone();
    assert_eq!(part["status"], "awaiting_disposal", "{part}");
    assert_eq!(part["quantity"], "80");
    assert_eq!(part["estimated_value"], 24_000_000);
    let part_id = part["id"].as_str().unwrap();
    // Both chains are intact; the part's starts from the event that split it off and names the
    // decision.
    for id in [cream_id.as_str(), part_id] {
        let (_, custody) = t.get(&ksv, &format!("/api/v1/exhibits/{id}/custody")).await;
        assert_eq!(custody["chain_intact"], true, "{id}: {custody}");
    }
    let (_, custody) = t
        .get(&ksv, &format!("/api/v1/exhibits/{part_id}/custody"))
        .await;
    let last = custody["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], "confiscate");
    assert_eq!(last["details_json"]["split_from"], cream_id.as_str());
    assert_eq!(last["details_json"]["decision"]["id"], decision.as_str());
    // The remaining 40 boxes wait to be returned; the confiscated part does not.
    let (_, back) = t.get(&ksv, "/api/v1/exhibits?to_return=true").await;
    let ids: Vec<&str> = back
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&cream_id.as_str()), "{back}");
    assert!(!ids.contains(&part_id), "{back}");
    // The decision says how much of how much it takes.
    let pdf = t
        .http
        .get(t.url(&format!("/api/v1/documents/{decision}/pdf")))
        .bearer_auth(&ksv)
        .send()
        .await
        .unwrap();
    let text = pdftotext(&pdf.bytes().await.unwrap())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("80 hộp (trong tổng số 120 hộp)"),
        "partial quantity missing: {text}"
    );
    assert!(text.contains("24.000.000 đồng"), "{text}");
}
on_both!(
    sanction_decision_confiscates_part_of_a_lot,
    the_decision_confiscates_part_of_a_lot
);

const BOUNDARY: &str = "----qltt-test-boundary-lot-photo-91";

/// The smallest valid PNG (1×1).
const PNG: [u8; 45] = [
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE,
    0x42, 0x60, 0x82,
];

fn form(fields: &[(&str, &str)], photo: Option<&[u8]>) -> Vec<u8> {
    form_with_photos(fields, photo.map_or(0, |_| 1), photo.unwrap_or_default())
}

/// The form with `n` copies of one photo.
fn form_with_photos(fields: &[(&str, &str)], n: usize, photo: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for _ in 0..n {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"niem-phong.png\"\r\nContent-Type: image/png\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(photo);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn registering_a_lot_from_the_case_page(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let case = case_with_violation(&t, &ksv, "Bày bán mỹ phẩm nhập lậu").await;
    let c = page_client();
    let csrf = t.page_login(&c, "qn.ksv1").await;
    let html = c
        .get(t.url(&format!("/cases/{case}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Đăng ký lô tang vật"), "{html}");
    let r = c
        .get(t.url(&format!("/cases/{case}/exhibits/new")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"capture="environment""#));
    assert_eq!(csrf_field(&html), csrf);
    let post = |body: Vec<u8>| {
        c.post(t.url(&format!("/cases/{case}/exhibits/new")))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body)
            .send()
    };
    let fields = |token: &'static str| -> Vec<(&'static str, &'static str)> {
        vec![
            ("csrf", token),
            ("kind", "goods"),
            ("description", "Kem dưỡng da Hàn Quốc"),
            ("quantity", "12,5"),
            ("unit_of_measure", "kg"),
            ("estimated_value", "36.000.000"),
            ("seal_numbers", "NP-001\nNP-002"),
            ("seized_on", "2026-03-05"),
        ]
    };
    // Without the session's token nothing is stored.
    let r = post(form(&fields("forged"), Some(&PNG))).await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(t.count("exhibits").await, 0);
    assert_eq!(t.count("blobs").await, 0);
    // A refusal gives the form back with what was typed.
    let token: &'static str = Box::leak(csrf.clone().into_boxed_str());
    let mut bad = fields(token);
    bad[4] = ("unit_of_measure", "");
    let r = post(form(&bad, None)).await.unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("Kem dưỡng da Hàn Quốc"), "{html}");
    assert_eq!(t.count("exhibits").await, 0);
    // Eleven photos are one too many: refused before any is stored.
    let r = post(form_with_photos(&fields(token), 11, &PNG))
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Tối đa 10 ảnh"));
    assert_eq!(t.count("blobs").await, 0);
    // The lot with its photo: the browser goes to the lot's page.
    let r = post(form(&fields(token), Some(&PNG))).await.unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let lot_id = to.strip_prefix("/exhibits/").unwrap();
    let (_, e) = t.get(&ksv, &format!("/api/v1/exhibits/{lot_id}")).await;
    assert_eq!(e["quantity"], "12,5");
    assert_eq!(e["estimated_value"], 36_000_000);
    assert_eq!(e["seal_numbers_list"], json!(["NP-001", "NP-002"]));
    assert_eq!(e["photo_list"].as_array().unwrap().len(), 1);
    // The case page lists it.
    let html = c
        .get(t.url(&format!("/cases/{case}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(e["lot_no"].as_str().unwrap()), "{html}");
    // Its label: a PDF whose QR code and text name the lot.
    let r = c
        .get(t.url(&format!("/cases/{case}/labels.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let text = pdftotext(&r.bytes().await.unwrap());
    assert!(text.contains(e["lot_no"].as_str().unwrap()), "{text}");
    assert!(text.contains("NP-001, NP-002"), "{text}");
    // Scanning (or typing) the label's lot number opens the lot.
    let r = c.get(t.url("/exhibits/scan")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("/assets/scan.js"));
    let r = c
        .get(t.url(&format!(
            "/exhibits/scan?lot_no={}",
            e["lot_no"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], to.as_str());
    // Another province does not see the case, so not its form either.
    let bn = page_client();
    t.page_login(&bn, "bn.ksv1").await;
    let r = bn
        .get(t.url(&format!("/cases/{case}/exhibits/new")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = bn
        .get(t.url(&format!("/exhibits/{lot_id}/label.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
on_both!(
    an_officer_registers_a_lot_with_a_photo_from_the_case_page,
    registering_a_lot_from_the_case_page
);
