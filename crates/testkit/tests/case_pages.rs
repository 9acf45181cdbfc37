//! The case pages over HTTP: the demo week of cases, the list and case page (forms only for
//! who may act), a step taken with the page session through the API (as the page's script does),
//! the business page's case history, the home page's work queues and the live event stream.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures_util::StreamExt;
use qltt_testkit::{TestApp, on_both, page_client};
use serde_json::json;

async fn html(c: &reqwest::Client, t: &TestApp, path: &str) -> (u16, String) {
    let r = c.get(t.url(path)).send().await.expect("GET");
    let s = r.status().as_u16();
    (s, r.text().await.expect("html"))
}

async fn pages(t: TestApp) {
    t.app.load_demo_cases().await.unwrap();
    let leader = page_client();
    let csrf = t.page_login(&leader, "qn.doitruong1").await;
    let (s, list) = html(&leader, &t, "/cases").await;
    assert_eq!(s, 200);
    assert!(
        list.contains("Quả tang bày bán rượu ngoại nhập lậu"),
        "{list}"
    );
    assert!(list.contains("Đã lập biên bản vi phạm"));
    let (_, filtered) = html(&leader, &t, "/cases?state=closed").await;
    assert!(
        filtered.contains("Kiểm tra định kỳ cửa hàng tạp hóa") && !filtered.contains("rượu ngoại")
    );

    // The case waiting for the sanction decision: the leader sees the step's form.
    let (_, api) = t
        .get(
            &t.login("qn.doitruong1").await,
            "/api/v1/cases?state=violation_recorded",
        )
        .await;
    let id = api["items"][0]["id"].as_str().unwrap().to_string();
    let (s, page) = html(&leader, &t, &format!("/cases/{id}")).await;
    assert_eq!(s, 200);
    assert!(
        page.contains("Ra quyết định xử phạt") && page.contains("data-action=\"issue_sanction\""),
        "{page}"
    );
    assert!(
        page.contains("/BB-VPHC"),
        "the violation record is listed with its number"
    );
    assert!(page.contains("Hạn ra quyết định xử phạt"));
    // The shop signed the province's commitment this year: the case says so.
    assert!(page.contains("vi phạm sau khi cam kết"), "{page}");
    // A viewer reads the case but gets no forms.
    let viewer = page_client();
    t.page_login(&viewer, "qn.xem").await;
    let (s, page) = html(&viewer, &t, &format!("/cases/{id}")).await;
    assert_eq!(s, 200);
    assert!(
        !page.contains("data-action="),
        "viewer must not get step forms"
    );
    // Another province: not found.
    let other = page_client();
    t.page_login(&other, "bn.ksv1").await;
    let (s, _) = html(&other, &t, &format!("/cases/{id}")).await;
    assert_eq!(s, 404);

    // The page's script posts to the API with the session cookie and the CSRF header.
    let body = json!({"issued_on": "2026-03-05", "fines": [{"violation_type_id": "D98-15-1-b", "amount": 1500000}]});
    let r = leader
        .post(t.url(&format!("/api/v1/cases/{id}/actions/issue_sanction")))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        403,
        "without the CSRF header the cookie is not enough"
    );
    let r = leader
        .post(t.url(&format!("/api/v1/cases/{id}/actions/issue_sanction")))
        .header("X-CSRF-Token", &csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let (_, page) = html(&leader, &t, &format!("/cases/{id}")).await;
    assert!(
        page.contains("/QĐ-XPHC") && page.contains("1.500.000 đồng"),
        "{page}"
    );

    // The business page lists its cases; the home page shows the queues.
    let business = api["items"][0]["business_id"].as_str().unwrap().to_string();
    let (_, bpage) = html(&leader, &t, &format!("/businesses/{business}")).await;
    assert!(bpage.contains(&format!("/cases/{id}")), "{bpage}");
    let (_, home) = html(&leader, &t, "/").await;
    assert!(
        home.contains("Việc cần làm") && home.contains("Chờ tôi ký"),
        "{home}"
    );
    let (s, fragment) = html(&leader, &t, "/queues").await;
    assert_eq!(s, 200);
    assert!(fragment.contains("id=\"queues\""));
}
on_both!(case_pages_show_the_week_and_let_leaders_act, pages);

async fn live_events(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let bn = t.login("bn.ksv1").await;
    let stream_for = |token: String| {
        let url = t.url("/api/v1/events");
        async move {
            reqwest::Client::new()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .bytes_stream()
        }
    };
    let mut mine = stream_for(ksv.clone()).await;
    let mut theirs = stream_for(bn).await;
    let (s, c) = t
        .post(
            &ksv,
            "/api/v1/cases",
            json!({"unit_id": t.unit_id("QN-D1").await, "origin": "tip", "summary": "Tin báo"}),
        )
        .await;
    assert_eq!(s, 201);
    let id = c["id"].as_str().unwrap();
    // The officer in scope hears of it…
    let mut got = String::new();
    while !got.contains(id) {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(5), mine.next())
            .await
            .expect("an event within 5 s")
            .unwrap()
            .unwrap();
        got.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(got.contains("event: case"), "{got}");
    // …the other province does not.
    let silent = tokio::time::timeout(std::time::Duration::from_millis(700), async {
        loop {
            let chunk = theirs.next().await.unwrap().unwrap();
            let text = String::from_utf8_lossy(&chunk).to_string();
            if text.contains(id) {
                return text;
            }
        }
    })
    .await;
    assert!(
        silent.is_err(),
        "an out-of-scope officer received {silent:?}"
    );
}
on_both!(live_events_reach_only_officers_in_scope, live_events);

async fn calendar_page(t: TestApp) {
    let admin = page_client();
    let csrf = t.page_login(&admin, "admin").await;
    let (s, page) = html(&admin, &t, "/calendar?year=2026").await;
    assert_eq!(s, 200);
    assert!(
        page.contains("17/02/2026") && page.contains("Tết"),
        "statutory days are listed"
    );
    let r = admin
        .post(t.url("/calendar"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("op", "set"),
            ("day", "2026-10-16"),
            ("kind", "holiday"),
            ("name", "Nghỉ bù (thử)"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, page) = html(&admin, &t, "/calendar?year=2026").await;
    assert!(page.contains("16/10/2026") && page.contains("Nghỉ bù (thử)"));
    // A weekday cannot be a make-up working day: the page says why and keeps the year.
    let r = admin
        .post(t.url("/calendar"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("op", "set"),
            ("day", "2026-10-19"),
            ("kind", "working"),
            ("name", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("thứ Bảy hoặc Chủ nhật"));
    // An inspector reads the calendar but may not change it.
    let ksv = page_client();
    let csrf = t.page_login(&ksv, "qn.ksv1").await;
    let (_, page) = html(&ksv, &t, "/calendar?year=2026").await;
    assert!(page.contains("16/10/2026") && !page.contains("name=\"op\""));
    let r = ksv
        .post(t.url("/calendar"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("op", "clear"),
            ("day", "2026-10-16"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
on_both!(calendar_page_lists_and_admins_edit, calendar_page);
