//! The business register: register, find (with or without diacritics), correct with history,
//! optimistic concurrency, scope.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both, page_client};
use serde_json::{Value, json};

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

async fn registering(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let d1 = t.unit_id("QN-D1").await;
    let (s, b) = t
        .post(&ksv, "/api/v1/businesses", json!({"name": "Công ty TNHH Thương mại Bãi Cháy", "kind": "enterprise", "tax_code": "01.00.233.488", "address": "Số 1 Hạ Long", "unit_id": d1}))
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["tax_code"], "0100233488");
    assert_eq!(b["version"], 1);
    assert_eq!(b["unit_name"], "Đội Quản lý thị trường số 1");
    for (body, status, want) in [
        (
            json!({"name": "X", "kind": "enterprise", "tax_code": "0100233480", "address": "A", "unit_id": d1}),
            400,
            "business.invalid_tax_code",
        ),
        (
            json!({"name": "X", "kind": "enterprise", "address": "A", "unit_id": d1}),
            400,
            "business.tax_code_required",
        ),
        (
            json!({"name": "X", "kind": "branch", "tax_code": "0100233488", "address": "A", "unit_id": d1}),
            400,
            "business.branch_tax_code",
        ),
        (
            json!({"name": "Trùng", "kind": "enterprise", "tax_code": "0100233488", "address": "A", "unit_id": d1}),
            409,
            "business.tax_code_taken",
        ),
        (
            json!({"name": "X", "kind": "shop", "address": "A", "unit_id": d1}),
            400,
            "business.invalid_kind",
        ),
        (
            json!({"name": "X", "kind": "household", "address": "A", "unit_id": d1, "phone": "abc"}),
            400,
            "business.invalid_phone",
        ),
        (
            json!({"name": "X", "kind": "household", "address": "", "unit_id": d1}),
            400,
            "validation.required",
        ),
        (
            json!({"name": "X", "kind": "household", "address": "A", "unit_id": t.unit_id("BN-D1").await}),
            403,
            "auth.forbidden_scope",
        ),
    ] {
        let (s, b) = t.post(&ksv, "/api/v1/businesses", body.clone()).await;
        assert_eq!((s, code(&b)), (status, want), "{body}: {b}");
    }
    // A branch takes the 13-digit form; a household may come without a tax code.
    let (s, b) = t
        .post(&ksv, "/api/v1/businesses", json!({"name": "Chi nhánh Bãi Cháy", "kind": "branch", "tax_code": "0314409058-002", "address": "B", "unit_id": d1}))
        .await;
    assert_eq!(s, 201, "{b}");
    let (s, _) = t.post(&ksv, "/api/v1/businesses", json!({"name": "Quán nước chè bà Tư", "kind": "household", "address": "C", "unit_id": d1})).await;
    assert_eq!(s, 201);
    // The accountant does not register businesses.
    let acc = t.login("qn.ketoan").await;
    let (s, b) = t
        .post(
            &acc,
            "/api/v1/businesses",
            json!({"name": "Y", "kind": "household", "address": "D", "unit_id": d1}),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"));
}
on_both!(businesses_are_registered_with_valid_tax_codes, registering);

async fn finding(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let names = |b: &Value| -> Vec<String> {
        b["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["name"].as_str().unwrap().to_string())
            .collect()
    };
    let (s, b) = t
        .get(&ksv, "/api/v1/businesses?q=my%20pham%20ha%20long")
        .await;
    assert_eq!(s, 200);
    assert_eq!(names(&b), vec!["Công ty TNHH Mỹ phẩm Hạ Long"]);
    let (_, b) = t
        .get(&ksv, "/api/v1/businesses?q=M%E1%BB%B9%20PH%E1%BA%A8M")
        .await; // "Mỹ PHẨM"
    assert!(names(&b).contains(&"Công ty TNHH Mỹ phẩm Hạ Long".to_string()));
    // By tax code, typed with dots.
    let tax = b["items"][0]["tax_code"].as_str().unwrap().to_string();
    let dotted = format!("{}.{}.{}", &tax[..2], &tax[2..5], &tax[5..]);
    let (_, b) = t.get(&ksv, &format!("/api/v1/businesses?q={dotted}")).await;
    assert_eq!(names(&b), vec!["Công ty TNHH Mỹ phẩm Hạ Long"]);
    // The Chi cục sees Cô Tô's shops; the Cô Tô inspector sees only Cô Tô's.
    let head = t.login("qn.chicuctruong").await;
    let (_, all) = t.get(&head, "/api/v1/businesses?limit=200").await;
    assert!(names(&all).iter().any(|n| n == "Tạp hóa Cô Tô Xanh"));
    let coto = t.login("qn.coto").await;
    let (_, mine) = t.get(&coto, "/api/v1/businesses").await;
    let mut got = names(&mine);
    got.sort();
    assert_eq!(
        got,
        vec!["Quầy lưu niệm bãi Hồng Vàn", "Tạp hóa Cô Tô Xanh"]
    );
    // Bắc Ninh finds nothing of Quảng Ninh.
    let bn = t.login("bn.ksv1").await;
    let (_, b) = t.get(&bn, "/api/v1/businesses?q=my%20pham").await;
    assert!(names(&b).is_empty());
    // Paging walks everything once.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let (_, b) = t
            .get(
                &head,
                &format!("/api/v1/businesses?limit=3&cursor={}", urlencode(&cursor)),
            )
            .await;
        seen.extend(names(&b));
        match b["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
    }
    assert_eq!(seen.len(), names(&all).len());
}
on_both!(
    businesses_are_found_without_diacritics_within_scope,
    finding
);

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn correcting(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let (_, found) = t
        .get(&ksv, "/api/v1/businesses?q=tap%20hoa%20minh%20anh")
        .await;
    let id = found["items"][0]["id"].as_str().unwrap().to_string();
    let (s, b) = t
        .patch(
            &ksv,
            &format!("/api/v1/businesses/{id}"),
            json!({"version": 1, "address": "Số 10 phố Cao Thắng", "phone": "0912 345 678"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["version"], 2);
    assert_eq!(b["address"], "Số 10 phố Cao Thắng");
    // Another officer still holding version 1 is told, and nothing of theirs is written.
    let leader = t.login("qn.doitruong1").await;
    let (s, b) = t
        .patch(
            &leader,
            &format!("/api/v1/businesses/{id}"),
            json!({"version": 1, "address": "Sai"}),
        )
        .await;
    assert_eq!((s, code(&b)), (409, "business.version_conflict"));
    let (_, now) = t.get(&leader, &format!("/api/v1/businesses/{id}")).await;
    assert_eq!(now["address"], "Số 10 phố Cao Thắng");
    // A team leader cannot hand a business to another team (outside their scope); the Chi cục
    // head can, and then it leaves team 1's view.
    let d2 = t.unit_id("QN-D2").await;
    let (s, b) = t
        .patch(
            &leader,
            &format!("/api/v1/businesses/{id}"),
            json!({"unit_id": d2}),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"));
    let head = t.login("qn.chicuctruong").await;
    let (s, b) = t
        .patch(
            &head,
            &format!("/api/v1/businesses/{id}"),
            json!({"unit_id": d2}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = t.get(&leader, &format!("/api/v1/businesses/{id}")).await;
    assert_eq!((s, code(&b)), (404, "business.not_found"));
    let (s, b) = t
        .patch(
            &head,
            &format!("/api/v1/businesses/{id}"),
            json!({"unit_id": t.unit_id("BN-D1").await}),
        )
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"));
    let (s, history) = t
        .get(&head, &format!("/api/v1/businesses/{id}/history"))
        .await;
    assert_eq!(s, 200);
    let actions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec!["business.create", "business.update", "business.update"]
    );
    let first_change = &history[1]["changes"];
    assert_eq!(first_change["address"]["from"], "Số 8 phố Cao Thắng");
    assert_eq!(first_change["address"]["to"], "Số 10 phố Cao Thắng");
    assert_eq!(history[1]["actor_id"], t.user_id("qn.ksv1").await.as_str());
    assert!(first_change.get("version").is_none());
    // Unknown fields and bad values are refused without a write.
    let (s, b) = t
        .patch(
            &head,
            &format!("/api/v1/businesses/{id}"),
            json!({"owner": "x"}),
        )
        .await;
    assert_eq!((s, code(&b)), (400, "request.invalid_body"));
    let (s, b) = t
        .patch(
            &head,
            &format!("/api/v1/businesses/{id}"),
            json!({"email": "khong-hop-le"}),
        )
        .await;
    assert_eq!((s, code(&b)), (400, "business.invalid_email"));
    // Another province cannot read, correct or see the history.
    let bn = t.login("bn.chicuctruong").await;
    for (s, b) in [
        t.get(&bn, &format!("/api/v1/businesses/{id}")).await,
        t.patch(
            &bn,
            &format!("/api/v1/businesses/{id}"),
            json!({"name": "x"}),
        )
        .await,
        t.get(&bn, &format!("/api/v1/businesses/{id}/history"))
            .await,
    ] {
        assert_eq!((s, code(&b)), (404, "business.not_found"));
    }
}
on_both!(
    corrections_keep_who_changed_what_and_refuse_stale_writes,
    correcting
);

async fn business_pages(t: TestApp) {
    let client = page_client();
    let csrf = t.page_login(&client, "qn.ksv1").await;
    let html = client
        .get(t.url("/businesses?q=cua%20hang"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Cửa hàng tạp hóa Minh Anh"));
    assert!(!html.contains("Đồng Kỵ"));
    let d1 = t.unit_id("QN-D1").await;
    // A wrong check digit: the form comes back with everything typed.
    let r = client
        .post(t.url("/businesses"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "Tiệm vàng Kim Long"),
            ("kind", "enterprise"),
            ("tax_code", "0100233480"),
            ("address", "Số 9 Lê Thánh Tông"),
            ("unit_id", &d1),
            ("phone", "0203 3999 888"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Tiệm vàng Kim Long")
            && html.contains("Số 9 Lê Thánh Tông")
            && html.contains("0203 3999 888")
    );
    assert!(html.contains("chữ số kiểm tra"));
    let r = client
        .post(t.url("/businesses"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "Tiệm vàng Kim Long"),
            ("kind", "enterprise"),
            ("tax_code", "0100233488"),
            ("address", "Số 9 Lê Thánh Tông"),
            ("unit_id", &d1),
            ("registration_date", "05/03/2020"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let html = client
        .get(t.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Tiệm vàng Kim Long")
            && html.contains("0100233488")
            && html.contains("Đăng ký vào sổ")
    );
    // Correct it on the edit page; the history shows the change.
    let id = location
        .trim_start_matches("/businesses/")
        .trim_end_matches("?saved=1")
        .to_string();
    let edit = client
        .get(t.url(&format!("/businesses/{id}/edit")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(edit.contains("05/03/2020"), "dates are shown dd/mm/yyyy");
    let r = client
        .post(t.url(&format!("/businesses/{id}/edit")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", "1"),
            ("name", "Tiệm vàng Kim Long"),
            ("kind", "enterprise"),
            ("tax_code", "0100233488"),
            ("address", "Số 11 Lê Thánh Tông"),
            ("unit_id", &d1),
            ("registration_date", "05/03/2020"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = client
        .get(t.url(&format!("/businesses/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Số 9 Lê Thánh Tông")
            && html.contains("Số 11 Lê Thánh Tông")
            && html.contains("Hoàng Thị Mai")
    );
}
on_both!(
    an_inspector_registers_and_corrects_a_business_on_pages,
    business_pages
);
