//! The pages over HTTP, as a browser without JavaScript would use them: sign in through the form,
//! read the home and organisation pages, create an officer through the form (and get it back
//! intact when it is refused), the CSRF guard, the audit page's permission, and signing out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{DEMO_PASSWORD, TestApp, csrf_field, on_both, page_client};
use reqwest::header::{LOCATION, SET_COOKIE};

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// The value of cookie `name` among the response's Set-Cookie headers, with its attributes.
fn set_cookie(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_string())
        .unwrap_or_default()
}

async fn get_html(c: &reqwest::Client, t: &TestApp, path: &str) -> (u16, String) {
    let r = c.get(t.url(path)).send().await.expect("GET");
    let status = r.status().as_u16();
    (status, r.text().await.expect("html"))
}

async fn anonymous_visitor_is_sent_to_sign_in_case(t: TestApp) {
    let c = page_client();
    for (path, next) in [
        ("/", "/login?next=%2F"),
        ("/org", "/login?next=%2Forg"),
        ("/officers/new", "/login?next=%2Fofficers%2Fnew"),
        ("/audit", "/login?next=%2Faudit"),
    ] {
        let r = c.get(t.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 303, "{path}");
        assert_eq!(location(&r), next, "{path}");
        assert!(set_cookie(&r, "qltt_session").is_none());
    }
    // A form posted without any session is refused by the CSRF guard, not run.
    let users_before = t.count("users").await;
    let r = c
        .post(t.url("/officers"))
        .form(&[("full_name", "Ai Đó"), ("username", "ai.do")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(t.count("users").await, users_before);
}
on_both!(
    anonymous_visitor_is_sent_to_sign_in,
    anonymous_visitor_is_sent_to_sign_in_case
);

async fn inspector_signs_in_through_the_form_and_sees_her_home_page_case(t: TestApp) {
    let c = page_client();
    let r = c.get(t.url("/login?next=%2Forg")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let pre = set_cookie(&r, "qltt_csrf").expect("qltt_csrf cookie");
    assert!(pre.contains("HttpOnly"), "{pre}");
    assert!(pre.contains("SameSite=Lax"), "{pre}");
    let html = r.text().await.unwrap();
    let csrf = csrf_field(&html);
    assert_eq!(csrf.len(), 64, "{html}");
    assert_eq!(csrf, cookie_value(&pre));
    assert!(html.contains(r#"name="next" value="/org""#), "{html}");

    let r = c
        .post(t.url("/login"))
        .form(&[
            ("username", "qn.ksv1"),
            ("password", DEMO_PASSWORD),
            ("csrf", csrf.as_str()),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/");
    let session = set_cookie(&r, "qltt_session").expect("qltt_session cookie");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Lax"), "{session}");
    assert!(session.contains("Path=/"), "{session}");
    assert!(!cookie_value(&session).is_empty());

    let (s, html) = get_html(&c, &t, "/").await;
    assert_eq!(s, 200);
    assert!(html.contains("Hoàng Thị Mai"), "{html}");
    assert!(html.contains("qn.ksv1"));
    assert!(html.contains("Đội Quản lý thị trường số 1"));
    assert!(html.contains("Chi cục Quản lý thị trường tỉnh Quảng Ninh"));
    assert!(html.contains("Kiểm soát viên"));
    // The page carries the session's CSRF token for its forms (sign-out at least).
    let page_csrf = csrf_field(&html);
    assert!(!page_csrf.is_empty());
    assert_ne!(page_csrf, csrf, "the pre-login token must not live on");
    // An inspector's menu has no audit log.
    assert!(!html.contains(r#"href="/audit""#));
}
on_both!(
    inspector_signs_in_through_the_form_and_sees_her_home_page,
    inspector_signs_in_through_the_form_and_sees_her_home_page_case
);

async fn sign_in_form_follows_only_local_next_and_keeps_the_username_case(t: TestApp) {
    // `next` is followed when it is a local path ...
    let c = page_client();
    let (_, html) = get_html(&c, &t, "/login").await;
    let csrf = csrf_field(&html);
    let r = c
        .post(t.url("/login"))
        .form(&[
            ("username", "qn.chicuctruong"),
            ("password", DEMO_PASSWORD),
            ("csrf", csrf.as_str()),
            ("next", "/org"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/org");
    // ... and never to another site, however disguised: browsers drop tabs and line breaks from a
    // URL, so "/<tab>/evil.example" is "//evil.example" to them.
    for evil in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "/\t/evil.example/x",
        "/\r\n/evil.example",
        "/\n/evil.example",
    ] {
        let c = page_client();
        let (_, html) = get_html(&c, &t, "/login").await;
        let csrf = csrf_field(&html);
        let r = c
            .post(t.url("/login"))
            .form(&[
                ("username", "qn.chicuctruong"),
                ("password", DEMO_PASSWORD),
                ("csrf", csrf.as_str()),
                ("next", evil),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{evil:?}");
        assert_eq!(location(&r), "/", "{evil:?}");
    }
    // A wrong password: the form comes back with the username, never the password, no session.
    let c = page_client();
    let (_, html) = get_html(&c, &t, "/login").await;
    let csrf = csrf_field(&html);
    let r = c
        .post(t.url("/login"))
        .form(&[
            ("username", "qn.ksv1"),
            ("password", "sai-mat-khau-Zq81"),
            ("csrf", csrf.as_str()),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(set_cookie(&r, "qltt_session").is_none());
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"value="qn.ksv1""#), "{html}");
    assert!(!html.contains("sai-mat-khau-Zq81"));
    assert!(html.contains("Tên đăng nhập hoặc mật khẩu không đúng."));
    // Signing in with a token that does not match the cookie: refused before any password check.
    let c = page_client();
    let _ = get_html(&c, &t, "/login").await;
    let r = c
        .post(t.url("/login"))
        .form(&[
            ("username", "qn.ksv1"),
            ("password", DEMO_PASSWORD),
            ("csrf", "0".repeat(64).as_str()),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(set_cookie(&r, "qltt_session").is_none());
}
on_both!(
    sign_in_form_follows_only_local_next_and_keeps_the_username,
    sign_in_form_follows_only_local_next_and_keeps_the_username_case
);

async fn head_of_quang_ninh_sees_the_co_to_work_group_on_the_org_page_case(t: TestApp) {
    let c = page_client();
    t.page_login(&c, "qn.chicuctruong").await;
    let (s, html) = get_html(&c, &t, "/org").await;
    assert_eq!(s, 200);
    for name in [
        "Chi cục Quản lý thị trường tỉnh Quảng Ninh",
        "Đội Quản lý thị trường số 1",
        "Đội Quản lý thị trường số 4",
        "Đội Quản lý thị trường cơ động",
        "Tổ công tác đảo Cô Tô",
    ] {
        assert!(html.contains(name), "/org lacks {name}");
    }
    assert!(!html.contains("Bắc Ninh") && !html.contains("Bắc Giang"));
    let co_to = t.unit_id("QN-D4-CT").await;
    assert!(html.contains(&format!("/org/{co_to}")), "no link to Cô Tô");

    // The work group's own page: its parent team and its officer.
    let (s, html) = get_html(&c, &t, &format!("/org/{co_to}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("Tổ công tác đảo Cô Tô"));
    assert!(html.contains("QN-D4-CT"));
    assert!(html.contains("Đội Quản lý thị trường số 4"));
    assert!(html.contains("Vũ Đức Hải"));
    // The head is not an administrator: no forms to rename, move or merge.
    assert!(!html.contains(r#"name="action""#), "{html}");
}
on_both!(
    head_of_quang_ninh_sees_the_co_to_work_group_on_the_org_page,
    head_of_quang_ninh_sees_the_co_to_work_group_on_the_org_page_case
);

async fn hr_officer_creates_an_officer_through_the_form_case(t: TestApp) {
    let c = page_client();
    t.page_login(&c, "qn.tochuc").await;
    let (s, html) = get_html(&c, &t, "/officers/new").await;
    assert_eq!(s, 200);
    let csrf = csrf_field(&html);
    assert!(!csrf.is_empty());
    let qn_d2 = t.unit_id("QN-D2").await;
    assert!(html.contains(&qn_d2));
    // An HR officer is not offered the administrator role.
    assert!(!html.contains(r#"value="admin""#), "{html}");

    let r = c
        .post(t.url("/officers"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("full_name", "Trương Thị Nhung"),
            ("username", "QN.Ksv2"),
            ("password", "mat-khau-du-dai-2026"),
            ("unit_id", qn_d2.as_str()),
            ("role", "inspector"),
            ("rank", "ksv_chinh"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let id = t.user_id("qn.ksv2").await;
    assert_eq!(location(&r), format!("/officers/{id}?created=1"));

    let (s, html) = get_html(&c, &t, &format!("/officers/{id}?created=1")).await;
    assert_eq!(s, 200);
    assert!(html.contains("Trương Thị Nhung"));
    assert!(html.contains("Đã tạo tài khoản công chức."));
    assert!(html.contains("Đội Quản lý thị trường số 2"));

    let admin = t.login("admin").await;
    let (s, o) = t.get(&admin, &format!("/api/v1/users/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(o["username"], "qn.ksv2");
    assert_eq!(o["unit_id"], qn_d2.as_str());
    assert_eq!(o["roles"], serde_json::json!(["inspector"]));
    assert_eq!(o["rank"], "ksv_chinh");
    assert_eq!(o["active"], true);
    // The new officer can sign in with the password that was set.
    let c2 = page_client();
    let (_, html) = get_html(&c2, &t, "/login").await;
    let pre = csrf_field(&html);
    let r = c2
        .post(t.url("/login"))
        .form(&[
            ("username", "qn.ksv2"),
            ("password", "mat-khau-du-dai-2026"),
            ("csrf", pre.as_str()),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, html) = get_html(&c2, &t, "/").await;
    assert!(html.contains("Trương Thị Nhung"));
}
on_both!(
    hr_officer_creates_an_officer_through_the_form,
    hr_officer_creates_an_officer_through_the_form_case
);

async fn short_password_brings_the_form_back_without_losing_what_was_typed_case(t: TestApp) {
    let c = page_client();
    let csrf = t.page_login(&c, "qn.tochuc").await;
    let qn_d2 = t.unit_id("QN-D2").await;
    let users_before = t.count("users").await;
    let r = c
        .post(t.url("/officers"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("full_name", "Trương Thị Nhung"),
            ("username", "qn.ksv2"),
            ("password", "Xk7Qz2w"),
            ("unit_id", qn_d2.as_str()),
            ("role", "clerk"),
            ("rank", "ksv_chinh"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    // Nothing typed is lost ...
    assert!(html.contains(r#"value="Trương Thị Nhung""#), "{html}");
    assert!(html.contains(r#"value="qn.ksv2""#));
    assert!(
        html.contains(&format!(r#"<option value="{qn_d2}" selected>"#)),
        "unit not kept"
    );
    assert!(
        html.contains(r#"<option value="clerk" selected>"#),
        "role not kept"
    );
    assert!(
        html.contains(r#"<option value="ksv_chinh" selected>"#),
        "rank not kept"
    );
    // ... the reason is said ...
    assert!(html.contains("Mật khẩu phải có ít nhất 10 ký tự."));
    // ... the password never comes back, and the form can be sent again.
    assert!(!html.contains("Xk7Qz2w"));
    assert_eq!(csrf_field(&html), csrf);
    assert_eq!(t.count("users").await, users_before);

    // Another refusal (a taken username) keeps the form the same way, with its own status.
    let r = c
        .post(t.url("/officers"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("full_name", "Trương Thị Nhung"),
            ("username", "qn.ksv1"),
            ("password", "mat-khau-du-dai-2026"),
            ("unit_id", qn_d2.as_str()),
            ("role", "inspector"),
            ("rank", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"value="Trương Thị Nhung""#));
    assert!(!html.contains("mat-khau-du-dai-2026"));
    assert_eq!(t.count("users").await, users_before);
}
on_both!(
    short_password_brings_the_form_back_without_losing_what_was_typed,
    short_password_brings_the_form_back_without_losing_what_was_typed_case
);

async fn form_without_the_csrf_field_is_refused_case(t: TestApp) {
    let c = page_client();
    let csrf = t.page_login(&c, "qn.tochuc").await;
    let other = page_client();
    let other_csrf = t.page_login(&other, "qn.chicuctruong").await;
    assert_ne!(csrf, other_csrf);
    let qn_d2 = t.unit_id("QN-D2").await;
    let users_before = t.count("users").await;
    let fields = |token: Option<&str>| {
        let mut f = vec![
            ("full_name", "Trương Thị Nhung".to_string()),
            ("username", "qn.ksv2".to_string()),
            ("password", "mat-khau-du-dai-2026".to_string()),
            ("unit_id", qn_d2.clone()),
            ("role", "inspector".to_string()),
            ("rank", "ksv".to_string()),
        ];
        if let Some(tk) = token {
            f.push(("csrf", tk.to_string()));
        }
        f
    };
    // No token, a made-up token, another session's token: all refused, nothing created.
    for token in [None, Some("0".repeat(43)), Some(other_csrf.clone())] {
        let r = c
            .post(t.url("/officers"))
            .form(&fields(token.as_deref()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "token {token:?}");
    }
    assert_eq!(t.count("users").await, users_before);
    // Signing out needs the token too (a foreign page cannot sign the officer out).
    let r = c.post(t.url("/logout")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let (s, _) = get_html(&c, &t, "/").await;
    assert_eq!(s, 200, "signed out without a token");
    // With the token, the same form goes through.
    let r = c
        .post(t.url("/officers"))
        .form(&fields(Some(&csrf)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(t.count("users").await, users_before + 1);
}
on_both!(
    form_without_the_csrf_field_is_refused,
    form_without_the_csrf_field_is_refused_case
);

async fn audit_page_is_for_the_head_and_not_for_an_inspector_case(t: TestApp) {
    let head = page_client();
    t.page_login(&head, "qn.chicuctruong").await;
    let (s, html) = get_html(&head, &t, "/audit").await;
    assert_eq!(s, 200);
    assert!(html.contains("Nhật ký hệ thống"));
    assert!(html.contains("Thành lập đơn vị (unit.create)"), "{html}");
    assert!(!html.contains("Không có sự kiện."));
    let (s, html) = get_html(&head, &t, "/").await;
    assert_eq!(s, 200);
    assert!(html.contains(r#"href="/audit""#));
    // Filtered by one unit.
    let co_to = t.unit_id("QN-D4-CT").await;
    let (s, html) = get_html(&head, &t, &format!("/audit?entity={co_to}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("Thành lập đơn vị (unit.create)"));
    assert!(!html.contains("Tạo tài khoản công chức"));

    let ksv = page_client();
    t.page_login(&ksv, "qn.ksv1").await;
    let (s, html) = get_html(&ksv, &t, "/audit").await;
    assert_eq!(s, 403);
    assert!(html.contains("auth.forbidden"));
    assert!(!html.contains("unit.create"));
}
on_both!(
    audit_page_is_for_the_head_and_not_for_an_inspector,
    audit_page_is_for_the_head_and_not_for_an_inspector_case
);

async fn officer_signs_out_and_is_sent_back_to_sign_in_case(t: TestApp) {
    let c = page_client();
    let (_, html) = get_html(&c, &t, "/login").await;
    let pre = csrf_field(&html);
    let r = c
        .post(t.url("/login"))
        .form(&[
            ("username", "qn.ksv1"),
            ("password", DEMO_PASSWORD),
            ("csrf", pre.as_str()),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let session = cookie_value(&set_cookie(&r, "qltt_session").unwrap());
    let (s, html) = get_html(&c, &t, "/").await;
    assert_eq!(s, 200);
    let csrf = csrf_field(&html);

    let r = c
        .post(t.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login");
    let r = c.get(t.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login?next=%2F");

    // The old cookie, replayed by hand (as if copied before sign-out), is dead on the server too.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = replay
        .get(t.url("/"))
        .header("cookie", format!("qltt_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login?next=%2F");
    let r = replay
        .get(t.url("/api/v1/me"))
        .header("cookie", format!("qltt_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}
on_both!(
    officer_signs_out_and_is_sent_back_to_sign_in,
    officer_signs_out_and_is_sent_back_to_sign_in_case
);
