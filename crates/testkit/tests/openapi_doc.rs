//! The OpenAPI document is generated from the code, is valid, and documents every route.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both};
use serde_json::Value;

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "$ref" {
                    if let Some(s) = x.as_str() {
                        out.push(s.to_string());
                    }
                } else {
                    refs(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

async fn document_is_valid_and_complete(t: TestApp) {
    let r = t
        .http
        .get(t.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    let spec = oas3::from_json(&text).expect("a valid OpenAPI 3.1 document");
    assert!(spec.openapi.starts_with("3."));
    let doc: Value = serde_json::from_str(&text).unwrap();
    // Every reference resolves.
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .expect("local schema ref");
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling $ref {r}"
        );
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    // The contract's routes are documented…
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/healthz",
        "/api/v1/session",
        "/api/v1/me",
        "/api/v1/units",
        "/api/v1/units/{id}",
        "/api/v1/units/{id}/merge",
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/api/v1/audit",
        "/api/v1/tokens",
        "/api/v1/businesses",
        "/api/v1/businesses/{id}",
        "/api/v1/businesses/{id}/history",
    ] {
        assert!(paths.contains_key(p), "{p} is not documented");
    }
    // …every route of the router's table is documented (the same path and method)…
    let undocumented: Vec<String> = qltt_web::routes::table()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/v1/") || r.path == "/healthz")
        // The document itself, and the file forms of the summary (`?format=` is documented).
        .filter(|r| {
            !matches!(
                r.path.as_str(),
                "/api/v1/openapi.json"
                    | "/api/v1/reports/summary.csv"
                    | "/api/v1/reports/summary.xlsx"
                    | "/api/v1/reports/summary.pdf"
            )
        })
        .filter(|r| {
            paths
                .get(&r.path)
                .and_then(|item| item.get(r.method.to_ascii_lowercase()))
                .is_none()
        })
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        undocumented.is_empty(),
        "undocumented routes: {undocumented:?}"
    );
    // …and every documented GET answers (no route is documented that does not exist).
    let admin = t.login("admin").await;
    let unit = t.unit_id("QN").await;
    let user = t.user_id("qn.ksv1").await;
    let (_, found) = t.get(&admin, "/api/v1/businesses?limit=1").await;
    let business = found["items"][0]["id"].as_str().unwrap().to_string();
    let (_, types) = t.get(&admin, "/api/v1/violation-types?limit=1").await;
    let violation_type = types[0]["id"].as_str().unwrap().to_string();
    let (_, case) = t
        .post(&admin, "/api/v1/cases", serde_json::json!({"unit_id": t.unit_id("QN-D1").await, "origin": "tip", "summary": "Tin báo"}))
        .await;
    let case_id = case["id"].as_str().unwrap().to_string();
    let (_, proposed) = t
        .post(
            &admin,
            &format!("/api/v1/cases/{case_id}/actions/propose"),
            serde_json::json!({"content": "Đề xuất"}),
        )
        .await;
    let document = proposed["produced"][0]["id"].as_str().unwrap().to_string();
    let (_, campaign) = t
        .post(&admin, "/api/v1/commitment-campaigns", serde_json::json!({"unit_id": unit, "name": "Cam kết", "content": "Cam kết", "starts_on": "2026-03-01"}))
        .await;
    let campaign = campaign["id"].as_str().unwrap().to_string();
    // An exhibit needs a case with its violation record; a warehouse and a file are their own.
    let d1 = t.unit_id("QN-D1").await;
    let (_, seized) = t
        .post(&admin, "/api/v1/cases", serde_json::json!({"business_id": business, "unit_id": d1, "origin": "caught_in_act", "summary": "Bắt quả tang"}))
        .await;
    let seized = seized["id"].as_str().unwrap().to_string();
    let (s, b) = t
        .post(&admin, &format!("/api/v1/cases/{seized}/actions/record_violation"), serde_json::json!({
            "recorded_at": "2026-03-05T01:30:00Z",
            "place": "Hạ Long",
            "offender": {"kind": "individual", "name": "Nguyễn Văn A", "id_number": "022080000123", "address": "Hạ Long"},
            "violations": [{"violation_type_id": "D98-15-1-e", "facts": "Bày bán hàng nhập lậu"}]
        }))
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, exhibit) = t
        .post(&admin, "/api/v1/exhibits", serde_json::json!({"case_id": seized, "description": "Kem dưỡng da", "quantity": 12, "unit_of_measure": "hộp"}))
        .await;
    assert_eq!(s, 201, "{exhibit}");
    let exhibit = exhibit["id"].as_str().unwrap().to_string();
    let (s, warehouse) = t
        .post(&admin, "/api/v1/warehouses", serde_json::json!({"unit_id": unit, "code": "KHO-01", "name": "Kho", "address": "Hạ Long"}))
        .await;
    assert_eq!(s, 201, "{warehouse}");
    let warehouse = warehouse["id"].as_str().unwrap().to_string();
    let (s, count) = t
        .post(
            &admin,
            &format!("/api/v1/warehouses/{warehouse}/counts"),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(s, 201, "{count}");
    let count = count["id"].as_str().unwrap().to_string();
    let file = t
        .http
        .post(t.url("/api/v1/files"))
        .bearer_auth(&admin)
        .body(&b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"[..])
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 201);
    let file: Value = file.json().await.unwrap();
    let file = file["sha256"].as_str().unwrap().to_string();
    let (s, office) = t
        .post(&admin, "/api/v1/office-documents", serde_json::json!({"direction": "incoming", "doc_type": "official_letter", "number": "1/UBND", "document_date": "2026-03-05", "correspondent": "UBND", "summary": "Công văn"}))
        .await;
    assert_eq!(s, 201, "{office}");
    let office = office["id"].as_str().unwrap().to_string();
    // Who reads a secret document is asked of a secret one (its registrar reads it).
    let (s, secret) = t
        .post(&admin, "/api/v1/office-documents", serde_json::json!({"direction": "incoming", "doc_type": "official_letter", "number": "2/CAT", "document_date": "2026-03-05", "correspondent": "Công an", "summary": "Công văn mật", "confidentiality": "confidential"}))
        .await;
    assert_eq!(s, 201, "{secret}");
    let secret = secret["id"].as_str().unwrap().to_string();
    let (s, directive) = t
        .post(
            &admin,
            "/api/v1/directives",
            serde_json::json!({"root_unit_id": unit, "summary": "Chỉ đạo", "message": "Thực hiện"}),
        )
        .await;
    assert_eq!(s, 201, "{directive}");
    let directive = directive["id"].as_str().unwrap().to_string();
    let (s, draft) = t
        .post(
            &admin,
            "/api/v1/office-documents/drafts",
            serde_json::json!({"doc_type": "report", "summary": "Báo cáo", "recipients": "Cục"}),
        )
        .await;
    assert_eq!(s, 201, "{draft}");
    let draft = draft["id"].as_str().unwrap().to_string();
    let (s, task) = t
        .post(
            &admin,
            "/api/v1/tasks",
            serde_json::json!({"title": "Việc", "unit_id": unit, "due_on": "2026-03-20"}),
        )
        .await;
    assert_eq!(s, 201, "{task}");
    let task = task["id"].as_str().unwrap().to_string();
    let (s, report) = t
        .post(
            &admin,
            "/api/v1/periodic-reports",
            serde_json::json!({"title": "Báo cáo tháng", "unit_id": unit, "recurrence": "monthly",
                               "deadline_days": 5, "prefill": true, "starts_on": "2026-02-01"}),
        )
        .await;
    assert_eq!(s, 201, "{report}");
    let report = report["id"].as_str().unwrap().to_string();
    let (_, pre) = t
        .get(
            &admin,
            &format!("/api/v1/periodic-reports/{report}/prefill?period=2026-02&unit_id={d1}"),
        )
        .await;
    let (s, sent) = t
        .post(
            &admin,
            &format!("/api/v1/periodic-reports/{report}/submissions"),
            serde_json::json!({"period": "2026-02", "unit_id": d1, "figures": pre["figures"]}),
        )
        .await;
    assert_eq!(s, 201, "{sent}");
    let sent = sent["id"].as_str().unwrap().to_string();
    for (path, item) in paths {
        // The event streams (every `…/events`) never end; they have their own tests.
        if item.get("get").is_none() || path.ends_with("/events") {
            continue;
        }
        let url = path
            .replace("/users/{id}", &format!("/users/{user}"))
            .replace("/businesses/{id}", &format!("/businesses/{business}"))
            .replace(
                "/violation-types/{id}",
                &format!("/violation-types/{violation_type}"),
            )
            .replace("/cases/{id}", &format!("/cases/{case_id}"))
            .replace("/documents/{id}", &format!("/documents/{document}"))
            .replace(
                "/commitment-campaigns/{id}",
                &format!("/commitment-campaigns/{campaign}"),
            )
            .replace("/exhibits/{id}", &format!("/exhibits/{exhibit}"))
            .replace("/warehouses/{id}", &format!("/warehouses/{warehouse}"))
            .replace("/files/{id}", &format!("/files/{file}"))
            .replace("/stock-counts/{id}", &format!("/stock-counts/{count}"))
            .replace(
                "/office-documents/{id}/access",
                &format!("/office-documents/{secret}/access"),
            )
            .replace(
                "/office-documents/{id}",
                &format!("/office-documents/{office}"),
            )
            .replace("/directives/{id}", &format!("/directives/{directive}"))
            .replace("/drafts/{id}", &format!("/drafts/{draft}"))
            .replace("/tasks/{id}", &format!("/tasks/{task}"))
            .replace(
                "/periodic-reports/submissions/{id}",
                &format!("/periodic-reports/submissions/{sent}"),
            )
            .replace(
                "/periodic-reports/{id}",
                &format!("/periodic-reports/{report}"),
            )
            .replace("{year}", "2026")
            .replace("{id}", &unit);
        let (s, b) = t.get(&admin, &url).await;
        assert!(s == 200, "{path} → {s} {b}");
    }
}
on_both!(
    openapi_document_is_valid_and_lists_every_route,
    document_is_valid_and_complete
);
