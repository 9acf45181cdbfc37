//! The business register's pages as a browser without JavaScript uses them: merge a duplicate
//! by finding the survivor and confirming; the address timeline on a business's page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qltt_testkit::{TestApp, on_both, page_client};
use serde_json::json;

async fn get_html(t: &TestApp, c: &reqwest::Client, path: &str) -> (u16, String) {
    let r = c.get(t.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn merging_on_pages(t: TestApp) {
    let token = t.login("qn.ksv1").await;
    let d1 = t.unit_id("QN-D1").await;
    let mut ids = Vec::new();
    for body in [
        json!({"name": "Nhà thuốc Minh Châu", "kind": "household", "address": "Số 4 Cao Xanh", "unit_id": d1}),
        json!({"name": "Nhà thuốc Minh Châu 2", "kind": "household", "address": "Số 4 Cao Xanh", "unit_id": d1, "phone": "0912345678"}),
    ] {
        let (s, b) = t.post(&token, "/api/v1/businesses", body).await;
        assert_eq!(s, 201, "{b}");
        ids.push(b["id"].as_str().unwrap().to_string());
    }
    let (keep, dup) = (&ids[0], &ids[1]);
    let c = page_client();
    let csrf = t.page_login(&c, "qn.ksv1").await;
    let (_, html) = get_html(&t, &c, &format!("/businesses/{dup}")).await;
    assert!(
        html.contains(&format!(
            r#"href="/businesses/{dup}/merge">Gộp hồ sơ trùng"#
        )),
        "{html}"
    );
    // The search starts from the duplicate's name and never offers the duplicate itself.
    let (s, html) = get_html(
        &t,
        &c,
        &format!("/businesses/{dup}/merge?q=nha thuoc minh chau"),
    )
    .await;
    assert_eq!(s, 200, "{html}");
    assert!(
        html.contains(&format!("/businesses/{dup}/merge?into={keep}")),
        "{html}"
    );
    assert!(!html.contains(&format!("?into={dup}")));
    // Choosing shows what will be filled in, then the officer confirms.
    let (_, html) = get_html(&t, &c, &format!("/businesses/{dup}/merge?into={keep}")).await;
    assert!(html.contains("Xác nhận gộp"), "{html}");
    assert!(html.contains("Điện thoại: 0912345678"), "{html}");
    let r = c
        .post(t.url(&format!("/businesses/{dup}/merge")))
        .form(&[("csrf", "sai"), ("into", keep.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(t.url(&format!("/businesses/{dup}/merge")))
        .form(&[("csrf", csrf.as_str()), ("into", keep.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("/businesses/{keep}?merged=1")
    );
    let (_, html) = get_html(&t, &c, &format!("/businesses/{keep}?merged=1")).await;
    assert!(html.contains("Đã gộp hồ sơ trùng vào hồ sơ này."));
    assert!(html.contains("Hồ sơ trùng đã gộp vào đây"));
    assert!(html.contains(&format!(
        r#"<a href="/businesses/{dup}">Nhà thuốc Minh Châu 2</a>"#
    )));
    assert!(
        html.contains("Nhận gộp hồ sơ trùng “Nhà thuốc Minh Châu 2”"),
        "{html}"
    );
    // The duplicate's page says where it went and offers no more changes.
    let (s, html) = get_html(&t, &c, &format!("/businesses/{dup}")).await;
    assert_eq!(s, 200);
    assert!(
        html.contains(&format!(
            r#"đã được gộp vào <a href="/businesses/{keep}">Nhà thuốc Minh Châu</a>"#
        )),
        "{html}"
    );
    assert!(!html.contains(&format!("/businesses/{dup}/edit")));
    // Merging it again is refused with the reason on the page.
    let r = c
        .post(t.url(&format!("/businesses/{keep}/merge")))
        .form(&[("csrf", csrf.as_str()), ("into", keep.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Không thể gộp một hồ sơ vào chính nó")
    );
}
on_both!(
    an_officer_merges_a_duplicate_on_the_business_page,
    merging_on_pages
);

async fn address_timeline(t: TestApp) {
    let token = t.login("qn.ksv1").await;
    let (_, b) = t
        .post(&token, "/api/v1/businesses", json!({"name": "Cửa hàng điện thoại Tuấn Phát", "kind": "household", "address": "Số 10 Lê Thánh Tông", "commune": "Hồng Gai", "unit_id": t.unit_id("QN-D1").await}))
        .await;
    let id = b["id"].as_str().unwrap().to_string();
    t.clock.advance(chrono::Duration::days(40));
    let token = t.login("qn.ksv1").await;
    let (s, _) = t
        .patch(
            &token,
            &format!("/api/v1/businesses/{id}"),
            json!({"phone": "0912345678"}),
        )
        .await;
    assert_eq!(s, 200);
    t.clock.advance(chrono::Duration::days(200));
    let token = t.login("qn.ksv1").await;
    let (s, _) = t
        .patch(
            &token,
            &format!("/api/v1/businesses/{id}"),
            json!({"address": "Số 88 Trần Hưng Đạo"}),
        )
        .await;
    assert_eq!(s, 200);
    let c = page_client();
    t.page_login(&c, "qn.ksv1").await;
    let (_, html) = get_html(&t, &c, &format!("/businesses/{id}")).await;
    let timeline = &html[html.find("Địa chỉ qua các thời kỳ").expect("timeline")..];
    let timeline = &timeline[..timeline.find("</ol>").unwrap()];
    let newest = timeline
        .find("Số 88 Trần Hưng Đạo, Hồng Gai")
        .expect("new address");
    let oldest = timeline
        .find("Số 10 Lê Thánh Tông, Hồng Gai")
        .expect("old address");
    assert!(newest < oldest, "newest first");
    assert_eq!(
        timeline.matches("<li").count(),
        2,
        "the phone change is not a move"
    );
    assert!(timeline[..oldest].contains("hiện tại"));
}
on_both!(a_business_page_shows_where_it_has_been, address_timeline);
