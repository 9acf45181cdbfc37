//! Open data (issue 8, part 5): a leader publishes issued sanction decisions; the public dataset
//! (no sign-in) lists them anonymised — an organisation with its name and tax code, an individual
//! with nothing that names them — as JSON, CSV and a page, with a data dictionary; a withdrawal
//! takes a decision out and keeps the record; the statistics are the reports' own figures. Who may
//! publish, and where, is checked as an attacker would. On SQLite and PostgreSQL; the test clock
//! stands on Thu 05/03/2026.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both};
use serde_json::{Value, json};

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

/// A case caught in the act in team 1's area with its violation recorded against `offender`,
/// then decided by the team leader; returns (violation record id, decision id).
async fn decided_case(
    t: &TestApp,
    offender: Value,
    amount: i64,
    penalty: &str,
) -> (String, String) {
    let ksv = t.login("qn.ksv1").await;
    let leader = t.login("qn.doitruong1").await;
    let d1 = t.unit_id("QN-D1").await;
    let (s, c) = t
        .post(&ksv, "/api/v1/cases", json!({"unit_id": d1, "origin": "caught_in_act", "summary": "Bày bán mỹ phẩm nhập lậu"}))
        .await;
    assert_eq!(s, 201, "{c}");
    let id = c["id"].as_str().unwrap().to_string();
    let (s, r) = t
        .post(&ksv, &format!("/api/v1/cases/{id}/actions/record_violation"), json!({
            "recorded_at": "2026-03-05T01:30:00Z",
            "place": "Số 1 đường Hạ Long, phường Bãi Cháy",
            "offender": offender,
            "violations": [{"violation_type_id": "D98-15-1-e", "facts": "Ông Nguyễn Văn A bày bán 120 hộp kem nhập lậu tại nhà riêng"}]
        }))
        .await;
    assert_eq!(s, 200, "{r}");
    let record = r["produced"][0]["id"].as_str().unwrap().to_string();
    let (s, d) = t
        .post(&leader, &format!("/api/v1/cases/{id}/actions/issue_sanction"), json!({
            "issued_on": "2026-03-05", "fines": [{"violation_type_id": "D98-15-1-e", "amount": amount}],
            "additional_penalties": [penalty]
        }))
        .await;
    assert_eq!(s, 200, "{d}");
    (record, d["produced"][0]["id"].as_str().unwrap().to_string())
}

async fn count(t: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(t.app.db.pool())
        .await
        .unwrap();
    n
}

async fn public(t: &TestApp, path: &str) -> (u16, String) {
    let r = t.http.get(t.url(path)).send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.text().await.unwrap())
}

async fn published_decisions_are_open_and_anonymous(t: TestApp) {
    let (record, org_decision) = decided_case(
        &t,
        json!({"kind": "organization", "name": "Công ty TNHH Mỹ phẩm Hạ Long", "id_number": "5701234567",
               "address": "Số 9 Trần Hưng Đạo, Hạ Long", "representative": "Trần Thị B"}),
        30_000_000,
        "Tịch thu tang vật vi phạm",
    )
    .await;
    let (_, person_decision) = decided_case(
        &t,
        json!({"kind": "individual", "name": "Nguyễn Văn A", "id_number": "022080000123", "address": "Tổ 5 khu 3, Hạ Long"}),
        15_000_000,
        "Tịch thu hàng của ông Nguyễn Văn A",
    )
    .await;

    // Nothing is public before a leader publishes.
    let (s, body) = public(&t, "/public/open-data/decisions.json").await;
    assert_eq!((s, body.as_str()), (200, "[]"));

    // Who may publish: not the inspector, not the team leader; the province's head may.
    let basis = json!({"reason": "Điều 72 Luật XLVPHC: vi phạm gây ảnh hưởng xấu đến dư luận"});
    let publish = |d: &str| format!("/api/v1/documents/{d}/publish");
    for who in ["qn.ksv1", "qn.doitruong1"] {
        let tok = t.login(who).await;
        let (s, b) = t.post(&tok, &publish(&org_decision), basis.clone()).await;
        assert_eq!(s, 403, "{who}: {b}");
    }
    // Another province's head does not even see it.
    let bn = t.login("bn.chicuctruong").await;
    let (s, b) = t.post(&bn, &publish(&org_decision), basis.clone()).await;
    assert_eq!((s, code(&b)), (404, "document.not_found"), "{b}");
    let head = t.login("qn.chicuctruong").await;
    // A basis is required; a violation record is not a decision to publish.
    let (s, b) = t
        .post(&head, &publish(&org_decision), json!({"reason": " "}))
        .await;
    assert_eq!(s, 400, "{b}");
    let (s, b) = t.post(&head, &publish(&record), basis.clone()).await;
    assert_eq!((s, code(&b)), (422, "document.not_publishable"), "{b}");
    for d in [&org_decision, &person_decision] {
        let (s, b) = t.post(&head, &publish(d), basis.clone()).await;
        assert_eq!(s, 201, "{b}");
        assert_eq!(b["document_id"], d.as_str());
    }
    let (s, b) = t.post(&head, &publish(&org_decision), basis.clone()).await;
    assert_eq!((s, code(&b)), (409, "document.already_published"), "{b}");

    // The dataset, with no sign-in.
    let (s, body) = public(&t, "/public/open-data/decisions.json").await;
    assert_eq!(s, 200);
    let items: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(items.len(), 2, "{body}");
    let org = items
        .iter()
        .find(|i| i["offender_kind"] == "organization")
        .unwrap();
    assert_eq!(org["offender_name"], "Công ty TNHH Mỹ phẩm Hạ Long");
    assert_eq!(org["tax_code"], "5701234567");
    assert_eq!(org["fine_total"], 30_000_000);
    assert_eq!(
        org["additional_penalties"],
        json!(["Tịch thu tang vật vi phạm"])
    );
    assert_eq!(org["issued_on"], "2026-03-05");
    assert_eq!(org["published_on"], "2026-03-05");
    assert!(
        org["decision_number"]
            .as_str()
            .unwrap()
            .ends_with("/QĐ-XPHC"),
        "{org}"
    );
    assert!(
        org["verify_url"].as_str().unwrap().contains("/verify/"),
        "{org}"
    );
    let act = &org["violations"][0];
    assert_eq!(act["fine"], 30_000_000);
    assert!(!act["description"].as_str().unwrap().is_empty(), "{org}");
    assert!(!act["legal_basis"].as_str().unwrap().is_empty(), "{org}");
    let person = items
        .iter()
        .find(|i| i["offender_kind"] == "individual")
        .unwrap();
    assert_eq!(person["offender_name"], Value::Null);
    assert_eq!(person["tax_code"], Value::Null);
    assert_eq!(person["additional_penalties"], json!([]));
    assert_eq!(person["fine_total"], 15_000_000);
    // Nothing of the person anywhere in the dataset: name, identity number, address, the facts
    // as written, the representative of the company.
    let (_, csv) = public(&t, "/public/open-data/decisions.csv").await;
    let (_, page) = public(&t, "/public/open-data").await;
    for text in [&body, &csv, &page] {
        for secret in [
            "Nguyễn Văn A",
            "022080000123",
            "Tổ 5 khu 3",
            "nhà riêng",
            "Trần Thị B",
            "Trần Hưng Đạo",
        ] {
            assert!(!text.contains(secret), "{secret:?} is published: {text}");
        }
    }
    assert!(csv.starts_with('\u{feff}'), "CSV without BOM");
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert!(
        lines[0].starts_with("decision_number,issued_on,issuing_unit,offender_kind"),
        "{csv}"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(csv.contains("Công ty TNHH Mỹ phẩm Hạ Long"), "{csv}");
    assert!(page.contains("Công ty TNHH Mỹ phẩm Hạ Long"), "{page}");
    assert!(page.contains("Cá nhân (không công bố danh tính)"), "{page}");
    assert!(page.contains("30.000.000 đồng"), "{page}");

    // The dictionary names every field the dataset has.
    let (_, dict) = public(&t, "/public/open-data/dictionary.json").await;
    let dict: Vec<Value> = serde_json::from_str(&dict).unwrap();
    for key in org.as_object().unwrap().keys() {
        assert!(
            dict.iter()
                .any(|e| e["dataset"] == "decisions" && e["field"] == key.as_str()),
            "{key} is not in the dictionary"
        );
    }

    // Withdrawn: out of the dataset, the record stays and both steps are audited.
    let (s, b) = t
        .post(
            &head,
            &format!("/api/v1/documents/{person_decision}/unpublish"),
            json!({"reason": "Công bố nhầm"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["withdraw_reason"], "Công bố nhầm");
    let (s, b) = t
        .post(
            &head,
            &format!("/api/v1/documents/{person_decision}/unpublish"),
            json!({"reason": "Lần nữa"}),
        )
        .await;
    assert_eq!((s, code(&b)), (409, "document.not_published"), "{b}");
    let (_, body) = public(&t, "/public/open-data/decisions.json").await;
    let items: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(items.len(), 1, "{body}");
    assert_eq!(items[0]["offender_kind"], "organization");
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM document_publications").await,
        2
    );
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'document.publish'"
        )
        .await,
        2
    );
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'document.unpublish'"
        )
        .await,
        1
    );
    // Published again after the withdrawal: a new publication, the old one kept.
    let (s, b) = t
        .post(&head, &publish(&person_decision), basis.clone())
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM document_publications").await,
        3
    );
}
on_both!(open_decisions, published_decisions_are_open_and_anonymous);

async fn statistics_are_the_reports_figures(t: TestApp) {
    decided_case(
        &t,
        json!({"kind": "individual", "name": "Lê Văn C", "id_number": "022080000999", "address": "Cẩm Phả"}),
        15_000_000,
        "Tịch thu tang vật vi phạm",
    )
    .await;
    let (s, body) = public(&t, "/public/open-data/statistics.json?year=2026").await;
    assert_eq!(s, 200, "{body}");
    let stats: Vec<Value> = serde_json::from_str(&body).unwrap();
    let total = stats.iter().find(|r| r["dimension"] == "total").unwrap();
    // The national figures as a national leader reads them in the reports.
    let admin = t.login("admin").await;
    let root = t.unit_id("TW").await;
    let (s, summary) = t
        .get(
            &admin,
            &format!(
                "/api/v1/reports/summary?unit={root}&from=2026-01-01&to=2026-03-05&group_by=unit"
            ),
        )
        .await;
    assert_eq!(s, 200, "{summary}");
    for m in [
        "cases_inspected",
        "cases_with_violations",
        "violations",
        "fines_imposed",
        "fines_collected",
        "value_confiscated",
    ] {
        assert_eq!(total[m], summary["totals"][m], "{m}: {total} vs {summary}");
    }
    assert!(
        total["fines_imposed"].as_i64().unwrap() >= 12_000_000,
        "{total}"
    );
    // By unit: the rows of the reports by unit.
    let by_unit: Vec<&Value> = stats.iter().filter(|r| r["dimension"] == "unit").collect();
    assert_eq!(by_unit.len(), summary["rows"].as_array().unwrap().len());
    // Months of the year up to today, and the groups.
    assert!(
        stats
            .iter()
            .any(|r| r["dimension"] == "month" && r["key"] == "2026-03-01"),
        "{body}"
    );
    assert!(stats.iter().any(|r| r["dimension"] == "group"), "{body}");
    let (s, csv) = public(&t, "/public/open-data/statistics.csv?year=2026").await;
    assert_eq!(s, 200);
    assert!(
        csv.trim_start_matches('\u{feff}')
            .starts_with("year,dimension,key,label,cases_inspected"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), stats.len() + 1);
    // A year in the future or not a year: a clear refusal.
    for bad in ["2027", "hai-nghin"] {
        let (s, b) = public(&t, &format!("/public/open-data/statistics.json?year={bad}")).await;
        assert_eq!(s, 400, "{bad}: {b}");
        assert!(b.contains("open_data.invalid_year"), "{b}");
    }
}
on_both!(open_statistics, statistics_are_the_reports_figures);

/// `GET /public/open-data/search.json?q=` as anyone (no sign-in).
async fn public_search(t: &TestApp, q: &str) -> Value {
    let url = reqwest::Url::parse_with_params(&t.url("/public/open-data/search.json"), &[("q", q)])
        .unwrap();
    let r = t.http.get(url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

fn numbers(b: &Value) -> Vec<String> {
    b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["decision_number"].as_str().unwrap().to_string())
        .collect()
}

async fn decision_number(t: &TestApp, token: &str, id: &str) -> String {
    let (s, d) = t.get(token, &format!("/api/v1/documents/{id}")).await;
    assert_eq!(s, 200, "{d}");
    d["number"].as_str().unwrap().to_string()
}

/// The portal's search (issue 7): only the decisions published now, found with the officers'
/// Vietnamese analysis by number, organisation, tax code, act and issuing unit; never by anything
/// of an individual; following publication, withdrawal, a renamed unit and a rebuild.
async fn portal_search_sees_only_published_records(t: TestApp) {
    let (_, org_decision) = decided_case(
        &t,
        json!({"kind": "organization", "name": "Công ty TNHH Mỹ phẩm Hạ Long", "id_number": "5701234567",
               "address": "Số 9 Trần Hưng Đạo, Hạ Long", "representative": "Trần Thị B"}),
        30_000_000,
        "Tịch thu tang vật vi phạm",
    )
    .await;
    let (_, person_decision) = decided_case(
        &t,
        json!({"kind": "individual", "name": "Nguyễn Văn A", "id_number": "022080000123", "address": "Tổ 5 khu 3, Hạ Long"}),
        15_000_000,
        "Tịch thu hàng của ông Nguyễn Văn A",
    )
    .await;
    let (_, hidden_decision) = decided_case(
        &t,
        json!({"kind": "organization", "name": "Công ty Cổ phần Thực phẩm Bãi Cháy", "id_number": "0314409058",
               "address": "Bãi Cháy"}),
        30_000_000,
        "Tịch thu tang vật vi phạm",
    )
    .await;
    let head = t.login("qn.chicuctruong").await;
    let org_number = decision_number(&t, &head, &org_decision).await;
    let person_number = decision_number(&t, &head, &person_decision).await;
    let hidden_number = decision_number(&t, &head, &hidden_decision).await;
    t.app.search_catch_up().await.unwrap();

    // Nothing is public before a leader publishes, whatever one types.
    for q in [&org_number, "my pham ha long", "5701234567"] {
        let b = public_search(&t, q).await;
        assert_eq!(b["total"], 0, "{q}: {b}");
    }
    let basis = json!({"reason": "Điều 72 Luật XLVPHC: vi phạm gây ảnh hưởng xấu đến dư luận"});
    for d in [&org_decision, &person_decision] {
        let (s, b) = t
            .post(
                &head,
                &format!("/api/v1/documents/{d}/publish"),
                basis.clone(),
            )
            .await;
        assert_eq!(s, 201, "{b}");
    }
    t.app.search_catch_up().await.unwrap();

    // Found the way people type: the whole number (folded, lower case), the organisation's name
    // without diacritics or with a typo, its tax code or the start of it, an act, the unit.
    let folded_number = org_number.to_lowercase().replace('đ', "d");
    for q in [
        org_number.as_str(),
        folded_number.as_str(),
        "cong ty my pham ha long",
        "Mỹ phẩm Hạ Long",
        "my phamm ha long ",
        "5701234567",
        "570123",
    ] {
        let b = public_search(&t, q).await;
        assert_eq!(numbers(&b).first(), Some(&org_number), "{q}: {b}");
        assert_eq!(
            b["items"][0]["offender_name"],
            "Công ty TNHH Mỹ phẩm Hạ Long"
        );
        assert_eq!(b["items"][0]["tax_code"], "5701234567");
    }
    // The act as the catalogue names it, and the issuing unit: both decisions.
    let b = public_search(&t, "kinh doanh hang hoa nhap lau").await;
    assert_eq!(b["total"], 2, "{b}");
    let b = public_search(&t, "doi quan ly thi truong so 1").await;
    assert_eq!(b["total"], 2, "{b}");
    assert_eq!(b["items"][0]["issuing_unit"], "Đội Quản lý thị trường số 1");
    // The individual's decision is found by its number, anonymous.
    let b = public_search(&t, &person_number).await;
    assert_eq!(numbers(&b).first(), Some(&person_number), "{b}");
    assert_eq!(b["items"][0]["offender_kind"], "individual");
    assert_eq!(b["items"][0]["offender_name"], Value::Null);
    // ... but nothing of the person finds anything: name, identity number, address, facts, nor
    // the free-text penalty that names them.
    for q in [
        "Nguyễn Văn A",
        "nguyen van a",
        "022080000123",
        "022080",
        "to 5 khu 3",
        "tai nha rieng",
        "120 hop kem",
        "Trần Thị B",
    ] {
        let b = public_search(&t, q).await;
        assert_eq!(b["total"], 0, "{q}: {b}");
        assert_eq!(b["items"], json!([]), "{q}: {b}");
    }
    // Decided but never published: not found by its number, name or tax code.
    for q in [hidden_number.as_str(), "thuc pham bai chay", "0314409058"] {
        let b = public_search(&t, q).await;
        assert!(!numbers(&b).contains(&hidden_number), "{q}: {b}");
    }
    let b = public_search(&t, "0314409058").await;
    assert_eq!(b["total"], 0, "{b}");

    // The officers' search never returns the public copies, and may not ask for them.
    let (s, b) = t
        .get(&head, &format!("/api/v1/search?q={}", enc(&org_number)))
        .await;
    assert_eq!(s, 200, "{b}");
    assert!(
        b["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["kind"] != "public_decision"),
        "{b}"
    );
    let (s, b) = t
        .get(&head, "/api/v1/search?q=x&kind=public_decision")
        .await;
    assert_eq!((s, code(&b)), (400, "search.invalid_kind"), "{b}");

    // The page: a search box; htmx gets the list alone, a browser without script the page.
    let (s, page) = public(&t, "/public/open-data").await;
    assert_eq!(s, 200);
    assert!(
        page.contains("hx-get=\"/public/open-data/search\""),
        "{page}"
    );
    let r = t
        .http
        .get(t.url("/public/open-data/search?q=my%20pham%20ha%20long"))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["cache-control"].to_str().unwrap(),
        "public, max-age=60"
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("Công ty TNHH Mỹ phẩm Hạ Long"), "{html}");
    assert!(html.contains(&org_number), "{html}");
    assert!(!html.contains(&person_number), "{html}");
    assert!(!html.contains("<html"), "a fragment for htmx, not a page");
    let (s, full) = public(&t, "/public/open-data/search?q=nguyen%20van%20a").await;
    assert_eq!(s, 200);
    assert!(full.contains("<html"), "{full}");
    assert!(full.contains("Không tìm thấy quyết định nào"), "{full}");
    assert!(!full.contains("Nguyễn Văn A"), "{full}");
    // Bounds, as for the officers' search.
    let (s, b) = public(&t, "/public/open-data/search.json?q=x&offset=5000").await;
    assert_eq!(s, 400, "{b}");
    assert!(b.contains("search.offset_too_large"), "{b}");
    let (s, b) = public(&t, "/public/open-data/search.json?q=x&foo=1").await;
    assert_eq!(s, 400, "{b}");

    // A renamed unit: its decisions are found by the new name (the job follows the change).
    let admin = t.login("admin").await;
    let d1 = t.unit_id("QN-D1").await;
    let (s, b) = t
        .patch(
            &admin,
            &format!("/api/v1/units/{d1}"),
            json!({"name": "Đội Quản lý thị trường số 1 Hạ Long"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    t.app.search_catch_up().await.unwrap();
    let b = public_search(&t, "quan ly thi truong so 1 ha long").await;
    assert_eq!(b["total"], 2, "{b}");
    assert_eq!(
        b["items"][0]["issuing_unit"],
        "Đội Quản lý thị trường số 1 Hạ Long"
    );

    // Withdrawn: gone at once (each hit is read back from its live publication), then out of
    // the index when the job has passed.
    let (s, b) = t
        .post(
            &head,
            &format!("/api/v1/documents/{org_decision}/unpublish"),
            json!({"reason": "Công bố nhầm"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let b = public_search(&t, "my pham ha long").await;
    assert_eq!(b["items"], json!([]), "{b}");
    t.app.search_catch_up().await.unwrap();
    let b = public_search(&t, &org_number).await;
    assert!(!numbers(&b).contains(&org_number), "{b}");
    for q in ["my pham ha long", "5701234567"] {
        let b = public_search(&t, q).await;
        assert_eq!(b["total"], 0, "{q}: {b}");
    }

    // A rebuild from the rows gives the same answers.
    t.app.search_rebuild(&|_| {}).await.unwrap();
    let b = public_search(&t, "my pham ha long").await;
    assert_eq!(b["total"], 0, "{b}");
    let b = public_search(&t, &person_number).await;
    assert_eq!(numbers(&b).first(), Some(&person_number), "{b}");
    let b = public_search(&t, "nguyen van a").await;
    assert_eq!(b["total"], 0, "{b}");
    // Published again: back.
    let (s, b) = t
        .post(
            &head,
            &format!("/api/v1/documents/{org_decision}/publish"),
            basis.clone(),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    t.app.search_catch_up().await.unwrap();
    let b = public_search(&t, "5701234567").await;
    assert_eq!(numbers(&b), vec![org_number.clone()], "{b}");
}
on_both!(portal_search, portal_search_sees_only_published_records);

fn enc(s: &str) -> String {
    reqwest::Url::parse_with_params("http://x/", &[("q", s)])
        .unwrap()
        .query()
        .unwrap()
        .trim_start_matches("q=")
        .to_string()
}

/// One address may search the portal 120 times a minute; the next search is refused with a
/// stable code (the downloads are there to read the whole dataset).
async fn portal_search_is_rate_limited(t: TestApp) {
    for i in 0..120 {
        let (s, b) = public(&t, "/public/open-data/search.json?q=my%20pham").await;
        assert_eq!(s, 200, "search {i}: {b}");
    }
    let (s, b) = public(&t, "/public/open-data/search.json?q=my%20pham").await;
    assert_eq!(s, 429, "{b}");
    assert!(b.contains("open_data.search_throttled"), "{b}");
    // The page says it where the list would be, in Vietnamese.
    let r = t
        .http
        .get(t.url("/public/open-data/search?q=my%20pham"))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap();
    assert!(
        r.headers().get("cache-control").is_none(),
        "a refusal is not cached"
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("quá nhiều lần"), "{html}");
    // The dataset itself is not limited.
    let (s, _) = public(&t, "/public/open-data/decisions.json").await;
    assert_eq!(s, 200);
}
on_both!(portal_search_limit, portal_search_is_rate_limited);
