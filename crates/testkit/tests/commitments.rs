//! Commitments (cam kết): campaigns, signatures (idempotent), withdrawal, scope, dates, the flag
//! on a case whose business had committed, and the pages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both, page_client};
use serde_json::{Value, json};

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

async fn business(t: &TestApp, token: &str, q: &str) -> String {
    let (s, b) = t
        .get(
            token,
            &format!("/api/v1/businesses?q={}", q.replace(' ', "%20")),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    b["items"][0]["id"]
        .as_str()
        .expect("a business")
        .to_string()
}

async fn campaign(t: &TestApp, token: &str, unit: &str, name: &str) -> String {
    let (s, c) = t
        .post(
            token,
            "/api/v1/commitment-campaigns",
            json!({"unit_id": t.unit_id(unit).await, "name": name,
                   "content": "Không kinh doanh hàng giả, hàng nhập lậu, hàng không rõ nguồn gốc.",
                   "starts_on": "2026-02-01", "ends_on": "2026-12-31"}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    c["id"].as_str().unwrap().to_string()
}

async fn sign(t: &TestApp, token: &str, campaign: &str, business: &str, on: &str) -> (u16, Value) {
    t.post(
        token,
        &format!("/api/v1/commitment-campaigns/{campaign}/commitments"),
        json!({"business_id": business, "signed_on": on, "signed_by_name": "Trần Minh Anh", "note": ""}),
    )
    .await
}

async fn campaigns_and_signatures(t: TestApp) {
    let head = t.login("qn.chicuctruong").await;
    let ksv = t.login("qn.ksv1").await;
    let qn = t.unit_id("QN").await;
    // Who may open a campaign, for which unit, over which dates.
    let body = |unit: &str, starts: &str, ends: Value| json!({"unit_id": unit, "name": "Tết 2026", "content": "Cam kết", "starts_on": starts, "ends_on": ends});
    for (token, b, status, want) in [
        (
            &ksv,
            body(&qn, "2026-02-01", Value::Null),
            403,
            "auth.forbidden",
        ),
        (
            &head,
            body(&qn, "2026-02-01", json!("2026-01-31")),
            400,
            "commitment.invalid_period",
        ),
        (
            &head,
            body(&qn, "30/02/2026", Value::Null),
            400,
            "commitment.invalid_date",
        ),
        (
            &head,
            body(&t.unit_id("BN").await, "2026-02-01", Value::Null),
            403,
            "auth.forbidden_scope",
        ),
        (
            &head,
            body("khong-co", "2026-02-01", Value::Null),
            400,
            "commitment.unknown_unit",
        ),
    ] {
        let (s, r) = t
            .post(token, "/api/v1/commitment-campaigns", b.clone())
            .await;
        assert_eq!((s, code(&r)), (status, want), "{b}: {r}");
    }
    let k = campaign(&t, &head, "QN", "Cam kết không kinh doanh hàng giả dịp Tết").await;

    // An inspector of a team below records a signature; recording it again changes nothing.
    let shop = business(&t, &ksv, "tap hoa minh anh").await;
    let (s, c) = sign(&t, &ksv, &k, &shop, "2026-03-02").await;
    assert_eq!(s, 201, "{c}");
    assert_eq!(c["active"], true);
    assert_eq!(c["unit_name"], "Đội Quản lý thị trường số 1");
    assert_eq!(c["business_name"], "Cửa hàng tạp hóa Minh Anh");
    let events = t.count("audit_events").await;
    let (s, again) = sign(&t, &ksv, &k, &shop, "2026-03-04").await;
    assert_eq!(s, 200, "{again}");
    assert_eq!(again["id"], c["id"]);
    assert_eq!(again["signed_on"], "2026-03-02", "the first record stands");
    assert_eq!(t.count("commitments").await, 1);
    assert_eq!(t.count("audit_events").await, events, "nothing new audited");
    // A duplicate record merged into the shop: its signature is the shop's, already recorded.
    let (s, dup) = t
        .post(
            &ksv,
            "/api/v1/businesses",
            json!({"name": "Tạp hóa Minh Anh (trùng)", "kind": "household", "address": "Số 8 Cao Thắng", "unit_id": t.unit_id("QN-D1").await}),
        )
        .await;
    assert_eq!(s, 201, "{dup}");
    let dup = dup["id"].as_str().unwrap();
    let (s, m) = t
        .post(
            &ksv,
            &format!("/api/v1/businesses/{dup}/merge"),
            json!({"into": shop}),
        )
        .await;
    assert_eq!(s, 200, "{m}");
    let (s, via_dup) = sign(&t, &ksv, &k, dup, "2026-03-03").await;
    assert_eq!(s, 200, "{via_dup}");
    assert_eq!(
        (&via_dup["id"], &via_dup["business_id"]),
        (&c["id"], &json!(shop))
    );

    // Dates: a real date, not after today (5/3/2026), within the campaign.
    let other = business(&t, &ksv, "thu trang").await;
    for (on, status, want) in [
        ("2026-03-06", 400, "commitment.date_in_future"),
        ("2026-01-31", 422, "commitment.outside_campaign"),
        ("5/3", 400, "commitment.invalid_date"),
    ] {
        let (s, r) = sign(&t, &ksv, &k, &other, on).await;
        assert_eq!((s, code(&r)), (status, want), "{on}: {r}");
    }
    let (s, r) = sign(&t, &ksv, &k, "khong-co", "2026-03-01").await;
    assert_eq!((s, code(&r)), (400, "commitment.unknown_business"), "{r}");
    // A viewer reads but does not record.
    let viewer = t.login("qn.xem").await;
    let (s, _) = sign(&t, &viewer, &k, &other, "2026-03-01").await;
    assert_eq!(s, 403);
    let (s, _) = t
        .get(&viewer, &format!("/api/v1/commitment-campaigns/{k}"))
        .await;
    assert_eq!(s, 200);

    // A team's campaign takes in only the team's area.
    let leader = t.login("qn.doitruong1").await;
    let team_k = campaign(&t, &leader, "QN-D1", "Chợ Hạ Long I").await;
    let elsewhere = business(&t, &head, "thuong mai cam pha").await;
    let (s, r) = sign(&t, &head, &team_k, &elsewhere, "2026-03-01").await;
    assert_eq!(
        (s, code(&r)),
        (422, "commitment.business_outside_campaign"),
        "{r}"
    );

    // The campaign with its count per team; the list with the count in the caller's scope.
    let (s, d) = t
        .get(&head, &format!("/api/v1/commitment-campaigns/{k}"))
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["signed"], 1);
    assert_eq!(d["teams"][0]["unit_name"], "Đội Quản lý thị trường số 1");
    assert_eq!(d["teams"][0]["signed"], 1);
    assert_eq!(d["commitments"].as_array().unwrap().len(), 1);
    let (_, list) = t.get(&ksv, "/api/v1/commitment-campaigns").await;
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "the province's and the team's campaigns: {list}"
    );
    // The other team sees the province's campaign but not the first team's signatures.
    let coto = t.login("qn.coto").await;
    let (_, d2) = t
        .get(&coto, &format!("/api/v1/commitment-campaigns/{k}"))
        .await;
    assert_eq!(d2["signed"], 0, "{d2}");
    assert!(d2["commitments"].as_array().unwrap().is_empty());
    let (s, _) = t
        .get(&coto, &format!("/api/v1/commitment-campaigns/{team_k}"))
        .await;
    assert_eq!(s, 404, "a sibling team's campaign is not theirs");

    // Another province neither sees nor records nor withdraws.
    let bn = t.login("bn.ksv1").await;
    let (s, r) = t
        .get(&bn, &format!("/api/v1/commitment-campaigns/{k}"))
        .await;
    assert_eq!((s, code(&r)), (404, "commitment.campaign_not_found"));
    let (s, r) = sign(&t, &bn, &k, &shop, "2026-03-01").await;
    assert_eq!((s, code(&r)), (404, "commitment.campaign_not_found"));
    let (_, list) = t.get(&bn, "/api/v1/commitment-campaigns").await;
    assert!(list["items"].as_array().unwrap().is_empty(), "{list}");
    let cid = c["id"].as_str().unwrap();
    let (s, r) = t
        .post(
            &bn,
            &format!("/api/v1/commitments/{cid}/withdraw"),
            json!({"reason": "x"}),
        )
        .await;
    assert_eq!((s, code(&r)), (404, "commitment.not_found"));

    // Withdrawal: kept, marked, counted; once only; no second signature in the same campaign.
    let (s, r) = t
        .post(
            &ksv,
            &format!("/api/v1/commitments/{cid}/withdraw"),
            json!({"reason": ""}),
        )
        .await;
    assert_eq!((s, code(&r)), (400, "validation.required"));
    let (s, w) = t
        .post(
            &ksv,
            &format!("/api/v1/commitments/{cid}/withdraw"),
            json!({"reason": "Chủ cơ sở đề nghị rút"}),
        )
        .await;
    assert_eq!(s, 200, "{w}");
    assert_eq!(w["active"], false);
    assert_eq!(w["withdrawn_reason"], "Chủ cơ sở đề nghị rút");
    let (s, r) = t
        .post(
            &ksv,
            &format!("/api/v1/commitments/{cid}/withdraw"),
            json!({"reason": "lần nữa"}),
        )
        .await;
    assert_eq!((s, code(&r)), (409, "commitment.already_withdrawn"));
    let (s, r) = sign(&t, &ksv, &k, &shop, "2026-03-05").await;
    assert_eq!((s, code(&r)), (409, "commitment.withdrawn"));
    assert_eq!(t.count("commitments").await, 1);
    let (_, d) = t
        .get(&head, &format!("/api/v1/commitment-campaigns/{k}"))
        .await;
    assert_eq!(
        (
            d["teams"][0]["signed"].clone(),
            d["teams"][0]["withdrawn"].clone()
        ),
        (json!(0), json!(1))
    );
    let (_, audit) = t.get(&head, &format!("/api/v1/audit?entity={cid}")).await;
    assert!(audit.to_string().contains("commitment.withdraw"), "{audit}");
}
on_both!(
    campaigns_signatures_withdrawal_scope_and_dates,
    campaigns_and_signatures
);

async fn open_case(t: &TestApp, token: &str, business: &str) -> Value {
    let (s, c) = t
        .post(
            token,
            "/api/v1/cases",
            json!({"unit_id": t.unit_id("QN-D1").await, "business_id": business, "origin": "tip", "summary": "Tin báo bán hàng không rõ nguồn gốc"}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    c
}

async fn cases_are_flagged(t: TestApp) {
    let head = t.login("qn.chicuctruong").await;
    let ksv = t.login("qn.ksv1").await;
    let k = campaign(&t, &head, "QN", "Cam kết dịp Tết Bính Ngọ").await;
    let committed = business(&t, &ksv, "tap hoa minh anh").await;
    let withdrew = business(&t, &ksv, "thu trang").await;
    let never = business(&t, &ksv, "my pham ha long").await;
    let (s, _) = sign(&t, &ksv, &k, &committed, "2026-03-01").await;
    assert_eq!(s, 201);
    let (s, w) = sign(&t, &ksv, &k, &withdrew, "2026-03-01").await;
    assert_eq!(s, 201);
    let (s, _) = t
        .post(
            &ksv,
            &format!("/api/v1/commitments/{}/withdraw", w["id"].as_str().unwrap()),
            json!({"reason": "Ngừng kinh doanh mặt hàng"}),
        )
        .await;
    assert_eq!(s, 200);

    // The API: the case of a committed business carries the flag; the others do not.
    let flagged = open_case(&t, &ksv, &committed).await;
    assert_eq!(
        flagged["commitment"]["campaign_name"],
        "Cam kết dịp Tết Bính Ngọ"
    );
    assert_eq!(flagged["commitment"]["signed_on"], "2026-03-01");
    let id = flagged["id"].as_str().unwrap();
    let (_, again) = t.get(&ksv, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(again["commitment"]["campaign_id"], k.as_str());
    let plain = open_case(&t, &ksv, &withdrew).await;
    assert!(plain["commitment"].is_null(), "withdrawn: {plain}");
    let none = open_case(&t, &ksv, &never).await;
    assert!(none["commitment"].is_null(), "{none}");

    // The case page warns; the business page lists the commitments.
    let c = page_client();
    t.page_login(&c, "qn.ksv1").await;
    let page = c.get(t.url(&format!("/cases/{id}"))).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(
        page.contains("Cơ sở đã ký cam kết")
            && page.contains("01/03/2026")
            && page.contains("vi phạm sau khi cam kết"),
        "{page}"
    );
    let other = plain["id"].as_str().unwrap();
    let page = c
        .get(t.url(&format!("/cases/{other}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Cơ sở đã ký cam kết"));
    let page = c
        .get(t.url(&format!("/businesses/{withdrew}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Cam kết dịp Tết Bính Ngọ") && page.contains("đã rút"),
        "{page}"
    );
}
on_both!(a_case_on_a_committed_business_is_flagged, cases_are_flagged);

async fn form(
    c: &reqwest::Client,
    t: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let r = c.post(t.url(path)).form(fields).send().await.unwrap();
    let s = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    (s, location.unwrap_or(r.text().await.unwrap()))
}

async fn text(c: &reqwest::Client, t: &TestApp, path: &str) -> (u16, String) {
    let r = c.get(t.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn pages(t: TestApp) {
    let head = page_client();
    let csrf = t.page_login(&head, "qn.chicuctruong").await;
    let (s, list) = text(&head, &t, "/commitments").await;
    assert_eq!(s, 200);
    assert!(list.contains("Tạo đợt cam kết") && list.contains("href=\"/commitments\""));
    let fields = [
        ("unit_id", t.unit_id("QN").await),
        ("name", "Cam kết tháng cao điểm".to_string()),
        ("content", "Không kinh doanh hàng giả.".to_string()),
        ("starts_on", "2026-02-01".to_string()),
        ("ends_on", String::new()),
    ];
    let mut with_csrf: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, _) = form(&head, &t, "/commitments", &with_csrf).await;
    assert_eq!(s, 403, "no CSRF token, no campaign");
    with_csrf.push(("csrf", &csrf));
    let (s, to) = form(&head, &t, "/commitments", &with_csrf).await;
    assert_eq!(s, 303, "{to}");
    let campaign = to
        .trim_start_matches("/commitments/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let path = format!("/commitments/{campaign}");
    let (_, page) = text(&head, &t, &format!("{path}?created=1")).await;
    assert!(page.contains("Cam kết tháng cao điểm") && page.contains("từ 01/02/2026"));

    // An inspector: no campaign form; finds the shop, records, records again, withdraws.
    let ksv = page_client();
    let csrf = t.page_login(&ksv, "qn.ksv1").await;
    let (_, list) = text(&ksv, &t, "/commitments").await;
    assert!(!list.contains("Tạo đợt cam kết") && list.contains("Cam kết tháng cao điểm"));
    let (_, found) = text(&ksv, &t, &format!("{path}?q=minh%20anh")).await;
    assert!(found.contains("Cửa hàng tạp hóa Minh Anh"), "{found}");
    let shop = business(&t, &t.login("qn.ksv1").await, "tap hoa minh anh").await;
    let (_, chosen) = text(&ksv, &t, &format!("{path}?business_id={shop}")).await;
    assert!(
        chosen.contains("name=\"signed_by_name\"") && chosen.contains("Trần Minh Anh"),
        "the owner is proposed as signer"
    );
    let sign = |on: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("op", "sign".into()),
            ("business_id", shop.clone()),
            ("signed_on", on.into()),
            ("signed_by_name", "Trần Minh Anh".into()),
            ("note", String::new()),
        ]
    };
    let r = ksv
        .post(t.url(&path))
        .form(&sign("2026-03-09"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("không được sau ngày hôm nay")
    );
    let r = ksv
        .post(t.url(&path))
        .form(&sign("2026-03-03"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("saved=1")
    );
    let r = ksv
        .post(t.url(&path))
        .form(&sign("2026-03-04"))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("existing=1")
    );
    let (_, page) = text(&ksv, &t, &path).await;
    assert!(
        page.contains("Đội Quản lý thị trường số 1")
            && page.contains("Ký ngày 03/03/2026")
            && page.contains("Rút cam kết"),
        "{page}"
    );
    let (_, api) = t
        .get(
            &t.login("qn.ksv1").await,
            &format!("/api/v1/commitment-campaigns/{campaign}"),
        )
        .await;
    let cid = api["commitments"][0]["id"].as_str().unwrap().to_string();
    let r = ksv
        .post(t.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("op", "withdraw"),
            ("commitment_id", &cid),
            ("reason", "Đề nghị của chủ cơ sở"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, page) = text(&ksv, &t, &path).await;
    assert!(page.contains("Đã rút ngày 05/03/2026"), "{page}");

    // Another province: not found.
    let bn = page_client();
    t.page_login(&bn, "bn.ksv1").await;
    let (s, _) = text(&bn, &t, &path).await;
    assert_eq!(s, 404);
}
on_both!(commitment_pages_for_leaders_and_inspectors, pages);
