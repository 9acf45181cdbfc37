//! Reports (issue 8): an officer sees only the figures of their own scope (attacker test), the
//! dashboard page shows the figures, charts and exports, and each figure drills down to its cases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod report_support;

use std::collections::HashMap;

use qltt_testkit::{TestApp, on_both};
use report_support::*;
use serde_json::Value;

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

async fn an_officer_sees_only_their_scope(t: TestApp) {
    let leader = t.login("qn.doitruong1").await;
    let tokens: HashMap<&str, String> = [
        ("qn.doitruong1", leader.clone()),
        ("admin", t.login("admin").await),
    ]
    .into_iter()
    .collect();
    let p = Plan {
        unit: 0,
        origin: 1,
        violation: true,
        joint_police: false,
        acts: vec![1],
        back: 1,
        lot: None,
        outcome: 1,
        confiscate: false,
        correct: false,
    };
    drive(&t, &tokens, &p).await;
    let bn_head = t.login("bn.chicuctruong").await;
    let qn = t.unit_id("QN").await;
    let d1 = t.unit_id("QN-D1").await;
    // Another province's head: refused, whatever the spelling of the parameter or the format.
    for path in [
        format!("/api/v1/reports/summary?unit={qn}"),
        format!("/api/v1/reports/summary?unit_id={d1}&group_by=unit"),
        format!("/api/v1/reports/summary.csv?unit={d1}"),
        format!("/api/v1/reports/summary?unit={d1}&format=xlsx"),
    ] {
        let (s, b) = t.get(&bn_head, &path).await;
        assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"), "{path} {b}");
    }
    // Their own figures do not include Quảng Ninh's case.
    let (s, b) = t
        .get(&bn_head, "/api/v1/reports/summary?group_by=unit")
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["totals"]["fines_imposed"], 0, "{b}");
    // A team leader sees the team, not the province above it.
    let (s, b) = t
        .get(&leader, &format!("/api/v1/reports/summary?unit={qn}"))
        .await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden_scope"), "{b}");
    let (s, b) = t.get(&leader, "/api/v1/reports/summary").await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["unit_id"], d1.as_str());
    assert_eq!(b["totals"]["fines_imposed"], 2_000_000, "{b}");
    assert_eq!(b["totals"]["cases_with_violations"], 1);
    // An inspector has no report permission; a stranger is not signed in.
    let ksv = t.login("qn.ksv1").await;
    let (s, b) = t.get(&ksv, "/api/v1/reports/summary").await;
    assert_eq!((s, code(&b)), (403, "auth.forbidden"), "{b}");
    let r = t
        .http
        .get(t.url("/api/v1/reports/summary"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // Bad input.
    let (s, b) = t
        .get(
            &leader,
            "/api/v1/reports/summary?from=2026-03-05&to=2026-03-01",
        )
        .await;
    assert_eq!((s, code(&b)), (400, "report.invalid_period"), "{b}");
    let (s, b) = t
        .get(&leader, "/api/v1/reports/summary?group_by=week")
        .await;
    assert_eq!((s, code(&b)), (400, "report.invalid_group_by"), "{b}");
    let (s, b) = t.get(&leader, "/api/v1/reports/summary?format=docx").await;
    assert_eq!((s, code(&b)), (400, "report.invalid_format"), "{b}");
    // Exports: CSV with Vietnamese headers, XLSX a zip.
    let r = t
        .http
        .get(t.url("/api/v1/reports/summary.csv?group_by=unit"))
        .bearer_auth(&leader)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let csv = r.text().await.unwrap();
    assert!(csv.contains("Đơn vị,Vụ việc đã kiểm tra"), "{csv}");
    assert!(csv.contains("Tổng cộng"), "{csv}");
    let r = t
        .http
        .get(t.url("/api/v1/reports/summary.xlsx?group_by=month"))
        .bearer_auth(&leader)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
}
on_both!(report_scope_attacker, an_officer_sees_only_their_scope);

async fn dashboard_page_and_drill_down(t: TestApp) {
    let leader = t.login("qn.doitruong1").await;
    let tokens: HashMap<&str, String> = [
        ("qn.doitruong1", leader.clone()),
        ("admin", t.login("admin").await),
    ]
    .into_iter()
    .collect();
    let p = Plan {
        unit: 0,
        origin: 2,
        violation: true,
        joint_police: true,
        acts: vec![1, 0],
        back: 4,
        lot: Some(3_500_000),
        outcome: 2,
        confiscate: true,
        correct: false,
    };
    drive(&t, &tokens, &p).await;
    let client = qltt_testkit::page_client();
    t.page_login(&client, "qn.doitruong1").await;
    let home = client
        .get(t.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        home.contains("href=\"/reports\""),
        "the leader's menu has Báo cáo"
    );
    let r = client
        .get(t.url("/reports?from=2026-02-01&to=2026-03-05"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("<h1>Báo cáo</h1>"), "{html}");
    assert!(html.contains("từ 01/02/2026 đến 05/03/2026"), "{html}");
    // Fines 2.000.000 + 750.000, half paid; goods 3.500.000 seized and confiscated.
    assert!(html.contains("2.750.000 đồng"), "{html}");
    assert!(html.contains("1.375.000 đồng"), "{html}");
    assert!(html.contains("3.500.000 đồng"), "{html}");
    assert!(html.matches("<svg class=\"chart\"").count() >= 4, "{html}");
    assert!(html.contains("summary.xlsx?group_by=unit"), "{html}");
    let d1 = t.unit_id("QN-D1").await;
    let link =
        format!("/cases?report=fines_imposed&amp;from=2026-02-01&amp;to=2026-03-05&amp;unit={d1}");
    assert!(
        html.contains(&link) || html.contains(&link.replace("&amp;", "&")),
        "{html}"
    );
    let list = client
        .get(t.url(&format!(
            "/cases?report=fines_imposed&from=2026-02-01&to=2026-03-05&unit={d1}"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("Vụ việc thử"), "{list}");
    assert!(list.contains("Tiền phạt đã quyết định"), "{list}");
    // Outside the period: no case behind the figure.
    let list = client
        .get(t.url(&format!(
            "/cases?report=fines_imposed&from=2025-01-01&to=2025-12-31&unit={d1}"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!list.contains("Vụ việc thử"), "{list}");
    // The export links answer with the cookie session too.
    let r = client
        .get(t.url("/api/v1/reports/summary.xlsx?group_by=quarter"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // An inspector has no dashboard and no menu entry; another province cannot drill into QN-D1.
    let ksv = qltt_testkit::page_client();
    t.page_login(&ksv, "qn.ksv1").await;
    let home = ksv
        .get(t.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!home.contains("href=\"/reports\""));
    let r = ksv.get(t.url("/reports")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let bn = qltt_testkit::page_client();
    t.page_login(&bn, "bn.chicuctruong").await;
    let r = bn
        .get(t.url(&format!(
            "/cases?report=fines_imposed&from=2026-01-01&to=2026-03-05&unit={d1}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = bn
        .get(t.url(&format!("/reports?unit={d1}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
on_both!(
    dashboard_shows_figures_and_drills_down,
    dashboard_page_and_drill_down
);
