//! The pages over HTTP: sign-in, home, org, officers, audit, sign-out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both, page_client};

async fn an_officers_pages(t: TestApp) {
    let client = page_client();
    let r = client.get(t.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login?next=%2F");
    let csrf = t.page_login(&client, "qn.ksv1").await;
    assert!(!csrf.is_empty());
    let home = client
        .get(t.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("Hoàng Thị Mai"));
    assert!(home.contains("Đội Quản lý thị trường số 1"));
    assert!(
        home.contains("Chi cục Quản lý thị trường tỉnh Quảng Ninh"),
        "parent chain"
    );
    assert!(
        home.contains("05/03/2026"),
        "today in dd/mm/yyyy (frozen clock)"
    );
    assert!(
        !home.contains("href=\"/audit\""),
        "an inspector has no audit menu"
    );
    let r = client.get(t.url("/audit")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    // Sign out, then the home page asks for sign-in again.
    let r = client
        .post(t.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = client.get(t.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 303);
}
on_both!(
    an_inspector_signs_in_sees_home_and_signs_out,
    an_officers_pages
);

async fn hr_creates_an_officer_on_a_page(t: TestApp) {
    let client = page_client();
    let csrf = t.page_login(&client, "qn.tochuc").await;
    let org = client
        .get(t.url("/org"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(org.contains("Tổ công tác đảo Cô Tô"));
    let form = client
        .get(t.url("/officers/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !form.contains("value=\"admin\""),
        "an HR officer is not offered the admin role"
    );
    let d1 = t.unit_id("QN-D1").await;
    // Too short a password: the form comes back with what was typed, except the password.
    let r = client
        .post(t.url("/officers"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("full_name", "Lương Thị Cúc"),
            ("username", "qn.cuc"),
            ("password", "ngan"),
            ("unit_id", &d1),
            ("role", "inspector"),
            ("rank", "ksv"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("Lương Thị Cúc") && html.contains("qn.cuc"));
    assert!(html.contains("ít nhất 10 ký tự"));
    assert!(!html.contains("value=\"ngan\""));
    // Without the CSRF field: refused before anything happens.
    let r = client
        .post(t.url("/officers"))
        .form(&[
            ("full_name", "Lương Thị Cúc"),
            ("username", "qn.cuc"),
            ("password", "mat-khau-du-dai"),
            ("unit_id", &d1),
            ("role", "inspector"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = client
        .post(t.url("/officers"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("full_name", "Lương Thị Cúc"),
            ("username", "qn.cuc"),
            ("password", "mat-khau-du-dai"),
            ("unit_id", &d1),
            ("role", "inspector"),
            ("rank", "ksv"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/officers/") && location.ends_with("?created=1"));
    let page = client
        .get(t.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Lương Thị Cúc") && page.contains("Đã tạo tài khoản"));
    // Deactivate from the page.
    let id = location
        .trim_start_matches("/officers/")
        .trim_end_matches("?created=1");
    let r = client
        .post(t.url(&format!("/officers/{id}/active")))
        .form(&[("csrf", csrf.as_str()), ("active", "0")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let u = qltt_store::users::get_by_username(t.app.db.pool(), "qn.cuc")
        .await
        .unwrap()
        .unwrap();
    assert!(!u.is_active());
}
on_both!(
    an_hr_officer_creates_and_deactivates_an_officer_on_pages,
    hr_creates_an_officer_on_a_page
);

async fn heads_read_the_audit_log(t: TestApp) {
    let client = page_client();
    t.page_login(&client, "qn.chicuctruong").await;
    let r = client.get(t.url("/audit")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Thành lập đơn vị"));
    assert!(html.contains("Hệ thống"));
    let bad = client
        .post(t.url("/login"))
        .form(&[("username", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 403);
}
on_both!(
    a_provincial_head_reads_the_audit_log_page,
    heads_read_the_audit_log
);

async fn wrong_password_on_the_page(t: TestApp) {
    let client = page_client();
    let html = client
        .get(t.url("/login?next=/org"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = qltt_testkit::csrf_field(&html);
    let r = client
        .post(t.url("/login"))
        .form(&[
            ("username", "qn.ksv1"),
            ("password", "sai-mat-khau"),
            ("csrf", csrf.as_str()),
            ("next", "/org"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let html = r.text().await.unwrap();
    assert!(html.contains("Tên đăng nhập hoặc mật khẩu không đúng"));
    assert!(html.contains("value=\"qn.ksv1\""), "the username is kept");
    // An open redirect to another site is not followed after sign-in.
    let r = client
        .post(t.url("/login"))
        .form(&[
            ("username", "qn.ksv1"),
            ("password", qltt_testkit::DEMO_PASSWORD),
            ("csrf", csrf.as_str()),
            ("next", "//evil.example/x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/");
}
on_both!(
    a_wrong_password_on_the_page_keeps_the_username,
    wrong_password_on_the_page
);

#[tokio::test]
async fn assets_are_served_from_the_binary() {
    let t = TestApp::spawn(qltt_testkit::Backend::Sqlite).await.unwrap();
    let r = t.http.get(t.url("/assets/qltt.css")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let r = t
        .http
        .get(t.url("/assets/vendor/htmx.min.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = t
        .http
        .get(t.url("/assets/../Cargo.toml"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

async fn admin_changes_units_on_pages(t: TestApp) {
    let client = page_client();
    let csrf = t.page_login(&client, "qn.quantri").await;
    let d3 = t.unit_id("QN-D3").await;
    let d2 = t.unit_id("QN-D2").await;
    let page = client
        .get(t.url(&format!("/org/{d3}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Sáp nhập vào"));
    let r = client
        .post(t.url(&format!("/org/{d3}")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "rename"),
            ("name", "Đội QLTT số 3 (Cẩm Phả)"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // Merging into itself is refused with the rule's message and status, on the same page.
    let r = client
        .post(t.url(&format!("/org/{d3}")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "merge"),
            ("target_id", d3.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("chính nó"));
    let r = client
        .post(t.url(&format!("/org/{d3}")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "merge"),
            ("target_id", d2.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = client
        .get(t.url(&format!("/org/{d3}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Đã sáp nhập") && page.contains("Đội QLTT số 3 (Cẩm Phả)"));
    assert!(
        !page.contains("Sáp nhập vào"),
        "a merged unit offers no more changes"
    );
    // An inspector sees the unit but no change forms.
    let other = page_client();
    t.page_login(&other, "qn.ksv1").await;
    let page = other
        .get(t.url(&format!("/org/{d2}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Thay đổi đơn vị"));
}
on_both!(
    an_administrator_renames_and_merges_a_team_on_its_page,
    admin_changes_units_on_pages
);
