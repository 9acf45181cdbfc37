//! Search (issue 7) over HTTP on both databases: Vietnamese queries, scope as an attacker would
//! probe it, the indexing job following the outbox, and repair after a crash between a commit and
//! its indexing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use qltt_app::search::SearchHandle;
use qltt_testkit::{TestApp, on_both, page_client};
use serde_json::{Value, json};

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

fn ids(b: &Value) -> Vec<String> {
    b["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| i["id"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn register(t: &TestApp, token: &str, unit: &str, body: Value) -> String {
    let mut body = body;
    body["unit_id"] = json!(t.unit_id(unit).await);
    let (s, b) = t.post(token, "/api/v1/businesses", body).await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_str().unwrap().to_string()
}

async fn search(t: &TestApp, token: &str, query: &str) -> (u16, Value) {
    let url = reqwest::Url::parse_with_params(&t.url("/api/v1/search"), &[("q", query)]).unwrap();
    let path = format!("{}?{}", url.path(), url.query().unwrap_or_default());
    t.get(token, &path).await
}

async fn vietnamese_queries_in_scope(t: TestApp) {
    let qn = t.login("qn.ksv1").await;
    let bn = t.login("bn.ksv1").await;
    let shop = register(
        &t,
        &qn,
        "QN-D1",
        json!({"name": "Cửa hàng Mỹ phẩm Hàn Quốc Đức Dũng", "kind": "enterprise", "tax_code": "0100233488",
               "address": "15 Đường Trần Hưng Đạo, Hạ Long", "representative": "Phạm Đức Dũng", "phone": "0912.345.678"}),
    )
    .await;
    let foreign = register(
        &t,
        &bn,
        "BN-D1",
        json!({"name": "Đại lý Điện thoại Bắc Ninh", "kind": "enterprise", "tax_code": "0314409058",
               "address": "3 Lý Thái Tổ, Bắc Ninh"}),
    )
    .await;
    t.app.search_catch_up().await.unwrap();

    let nfd: String = "Mỹ phẩm Hàn Quốc".chars().flat_map(decompose).collect();
    for q in [
        "my pham han quoc",
        "Mỹ phẩm Hàn Quốc",
        nfd.as_str(),
        "MỸ PHẨM đức dũng",
        "duc dung",
        "my pham han quocc ",
        "0100233488",
        "0100-233-488",
        "01002334",
        "0912345678",
        "15 tran hung dao",
    ] {
        let (s, b) = search(&t, &qn, q).await;
        assert_eq!(s, 200, "{q}: {b}");
        assert_eq!(ids(&b).first(), Some(&shop), "{q}: {b}");
        assert_eq!(b["items"][0]["url"], format!("/businesses/{shop}"));
        assert_eq!(b["items"][0]["kind"], "business");
    }

    // An attacker in Quảng Ninh who knows a Bắc Ninh tax code learns nothing: no hit, no count.
    for q in ["0314409058", "dai ly dien thoai bac ninh", "031440"] {
        let (s, b) = search(&t, &qn, q).await;
        assert_eq!(s, 200);
        assert!(!ids(&b).contains(&foreign), "{q}: {b}");
        assert_eq!(b["total"], 0, "{q}: {b}");
    }
    // ... while Bắc Ninh finds its own and not Quảng Ninh's.
    let (_, b) = search(&t, &bn, "0314409058").await;
    assert_eq!(ids(&b).first(), Some(&foreign));
    let (_, b) = search(&t, &bn, "0100233488").await;
    assert_eq!(b["total"], 0, "{b}");
    // The province head above the team sees the team's records.
    let head = t.login("qn.chicuctruong").await;
    let (_, b) = search(&t, &head, "0100233488").await;
    assert_eq!(ids(&b).first(), Some(&shop));

    // Kinds and refusals with stable codes.
    let (s, b) = t.get(&qn, "/api/v1/search?q=0100233488&kind=case").await;
    assert_eq!(s, 200);
    assert!(!ids(&b).contains(&shop));
    let (s, b) = t.get(&qn, "/api/v1/search?q=x&kind=shop").await;
    assert_eq!((s, code(&b)), (400, "search.invalid_kind"), "{b}");
    let (s, b) = t.get(&qn, "/api/v1/search?q=x&offset=5000").await;
    assert_eq!((s, code(&b)), (400, "search.offset_too_large"), "{b}");
    let long = "a".repeat(201);
    let (s, b) = t.get(&qn, &format!("/api/v1/search?q={long}")).await;
    assert_eq!((s, code(&b)), (400, "validation.too_long"), "{b}");
    let (s, _) = t.get("not-a-token", "/api/v1/search?q=x").await;
    assert_eq!(s, 401);
    let (s, b) = t.get(&qn, "/api/v1/search?q=").await;
    assert_eq!((s, b["total"].as_u64()), (200, Some(0)));
}

/// NFD without a Unicode table: enough for the letters of the test.
fn decompose(c: char) -> Vec<char> {
    match c {
        'ỹ' => vec!['y', '\u{303}'],
        'ẩ' => vec!['a', '\u{302}', '\u{309}'],
        'à' => vec!['a', '\u{300}'],
        'ố' => vec!['o', '\u{302}', '\u{301}'],
        other => vec![other],
    }
}

async fn cases_and_documents_are_found_by_number(t: TestApp) {
    // The demo week of cases has decisions with numbers such as "…/QĐ-XPHC".
    t.app.load_demo_cases().await.unwrap();
    t.app.search_catch_up().await.unwrap();
    let head = t.login("qn.chicuctruong").await;
    let (s, b) = search(&t, &head, "QĐ-XPHC").await;
    assert_eq!(s, 200, "{b}");
    let first = &b["items"][0];
    let number_hit = first["title"].as_str().unwrap_or_default().to_string();
    assert!(number_hit.contains("QĐ-XPHC"), "{b}");
    // The exact number, typed without diacritics and in lower case, finds that document first.
    let number = number_hit.rsplit(' ').next().unwrap().to_string();
    let folded = number.to_lowercase().replace('đ', "d");
    let (_, b) = t
        .get(
            &head,
            &format!("/api/v1/search?kind=document&q={}", urlencode(&folded)),
        )
        .await;
    assert_eq!(b["items"][0]["kind"], "document", "{b}");
    assert!(
        b["items"][0]["title"].as_str().unwrap().ends_with(&number),
        "{b}"
    );
    assert!(
        b["items"][0]["url"]
            .as_str()
            .unwrap()
            .starts_with("/cases/"),
        "{b}"
    );
    // The case that holds it is found by the same number.
    let (_, b) = t
        .get(
            &head,
            &format!("/api/v1/search?kind=case&q={}", urlencode(&number)),
        )
        .await;
    assert_eq!(b["items"][0]["kind"], "case", "{b}");
    // Another province sees none of it.
    let bn = t.login("bn.chicuctruong").await;
    let (_, b) = search(&t, &bn, &number).await;
    assert_eq!(b["total"], 0, "{b}");
}

fn urlencode(s: &str) -> String {
    reqwest::Url::parse_with_params("http://x/", &[("q", s)])
        .unwrap()
        .query()
        .unwrap()
        .trim_start_matches("q=")
        .to_string()
}

/// The job runs beside the server: a write wakes it and the record is found moments later,
/// without any request waiting for the index (the tick here is far longer than the wait).
async fn the_job_follows_writes(t: TestApp) {
    let _job = t.app.spawn_search_job(Duration::from_secs(3600));
    let qn = t.login("qn.ksv1").await;
    let id = register(
        &t,
        &qn,
        "QN-D1",
        json!({"name": "Nhà thuốc Tâm Đức Hạ Long", "kind": "household", "address": "9 Cột Đồng Hồ"}),
    )
    .await;
    let mut found = false;
    for _ in 0..100 {
        let (_, b) = search(&t, &qn, "nha thuoc tam duc").await;
        if ids(&b).first() == Some(&id) {
            found = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(found, "not indexed within 10 s");
    // A correction is followed too: the old name no longer finds it, the new one does.
    let (_, b) = t.get(&qn, &format!("/api/v1/businesses/{id}")).await;
    let (s, b) = t
        .patch(
            &qn,
            &format!("/api/v1/businesses/{id}"),
            json!({"version": b["version"], "name": "Quầy thuốc Bình An"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let mut moved = false;
    for _ in 0..100 {
        let (_, old) = search(&t, &qn, "tam duc ").await;
        let (_, new) = search(&t, &qn, "quay thuoc binh an").await;
        if !ids(&old).contains(&id) && ids(&new).first() == Some(&id) {
            moved = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(moved, "correction not indexed within 10 s");
}

/// A crash after the commit and before indexing: the entry stays unmarked in the outbox and the
/// job, restarted over the same index folder, indexes it without a rebuild.
async fn a_crash_before_indexing_is_repaired_on_restart(t: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let system = |app: &qltt_app::App, q: &str| {
        app.search
            .index
            .search(&qltt_search::SearchQuery {
                text: q,
                kind: None,
                scope: None,
                officer: None,
                reads_secrets: false,
                offset: 0,
                limit: 5,
            })
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect::<Vec<_>>()
    };
    {
        let first = (*t.app)
            .clone()
            .with_search(SearchHandle::open_dir(dir.path()).unwrap());
        first.search_catch_up().await.unwrap(); // a fresh folder: rebuilt from the rows
        assert!(first.search.index.doc_count().unwrap() > 0);
    } // the process "dies" here: the index writer is gone

    let qn = t.login("qn.ksv1").await;
    let id = register(
        &t,
        &qn,
        "QN-D1",
        json!({"name": "Tạp hóa Hồng Gai Sau Sự Cố", "kind": "household", "address": "1 Hồng Gai"}),
    )
    .await;

    let restarted = (*t.app)
        .clone()
        .with_search(SearchHandle::open_dir(dir.path()).unwrap());
    let before = restarted.search.index.doc_count().unwrap();
    assert!(system(&restarted, "hong gai sau su co").is_empty());
    let indexed = restarted.search_catch_up().await.unwrap();
    assert!(indexed >= 1);
    // Not a rebuild: one record more, found.
    assert_eq!(restarted.search.index.doc_count().unwrap(), before + 1);
    assert_eq!(system(&restarted, "hong gai sau su co").first(), Some(&id));
    // A second pass has nothing left to do.
    assert_eq!(restarted.search_catch_up().await.unwrap(), 0);
}

/// The header's search box: instant results as HTML for htmx, links to the pages, scope kept.
async fn header_search_box(t: TestApp) {
    let qn = t.login("qn.ksv1").await;
    let shop = register(
        &t,
        &qn,
        "QN-D1",
        json!({"name": "Cửa hàng Giày dép Móng Cái", "kind": "household", "address": "2 Móng Cái"}),
    )
    .await;
    t.app.search_catch_up().await.unwrap();
    let c = page_client();
    t.page_login(&c, "qn.ksv1").await;
    let home = c
        .get(t.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        home.contains("hx-get=\"/search\""),
        "no search box in the header"
    );
    let r = c
        .get(t.url("/search?q=giay%20dep%20mong%20cai"))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!("href=\"/businesses/{shop}\"")),
        "{html}"
    );
    assert!(html.contains("Cửa hàng Giày dép Móng Cái"), "{html}");
    assert!(!html.contains("<html"), "a fragment for htmx, not a page");
    // Without htmx (no script, or opened in a new tab) it is a whole page.
    let full = c
        .get(t.url("/search?q=giay%20dep"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(full.contains("<html") && full.contains(&shop), "{full}");
    // Nothing found is said in Vietnamese.
    let none = c
        .get(t.url("/search?q=khongtontai"))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(none.contains("Không tìm thấy"), "{none}");
}

/// A case of `business` in team 1's area with its violation recorded (a document that names the
/// business); returns (case id, violation record id).
async fn case_of(t: &TestApp, token: &str, business: &str, summary: &str) -> (String, String) {
    let d1 = t.unit_id("QN-D1").await;
    let (s, c) = t
        .post(
            token,
            "/api/v1/cases",
            json!({"unit_id": d1, "origin": "caught_in_act", "summary": summary, "business_id": business}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let id = c["id"].as_str().unwrap().to_string();
    let (s, r) = t
        .post(
            token,
            &format!("/api/v1/cases/{id}/actions/record_violation"),
            json!({
                "recorded_at": "2026-03-05T01:30:00Z",
                "place": "Tại cơ sở",
                "offender": {"kind": "organization", "name": "Người đại diện cơ sở", "id_number": "0100233488"},
                "violations": [{"violation_type_id": "D98-15-1-e", "facts": "Bày bán hàng nhập lậu"}]
            }),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    (id, r["produced"][0]["id"].as_str().unwrap().to_string())
}

async fn search_kind(t: &TestApp, token: &str, query: &str, kind: &str) -> Vec<String> {
    let url =
        reqwest::Url::parse_with_params(&t.url("/api/v1/search"), &[("q", query), ("kind", kind)])
            .unwrap();
    let path = format!("{}?{}", url.path(), url.query().unwrap_or_default());
    let (s, b) = t.get(token, &path).await;
    assert_eq!(s, 200, "{query}: {b}");
    ids(&b)
}

/// A business renamed or merged: the cases and documents that show its name follow, indexed by
/// the job (the write only commits its outbox entry). The new name finds them; the old one no
/// longer does.
async fn renames_reach_the_records_that_show_the_name(t: TestApp) {
    let qn = t.login("qn.ksv1").await;
    let shop = register(
        &t,
        &qn,
        "QN-D1",
        json!({"name": "Cửa hàng Điện máy Xanh Hạ Long", "kind": "household", "address": "7 Bến Đoan"}),
    )
    .await;
    let (case, record) = case_of(&t, &qn, &shop, "Kiểm tra đột xuất theo tin báo").await;
    t.app.search_catch_up().await.unwrap();
    assert_eq!(
        search_kind(&t, &qn, "dien may xanh", "case").await.first(),
        Some(&case)
    );
    assert_eq!(
        search_kind(&t, &qn, "dien may xanh", "document")
            .await
            .first(),
        Some(&record)
    );

    // Renamed: nothing is indexed by the write itself...
    let (_, b) = t.get(&qn, &format!("/api/v1/businesses/{shop}")).await;
    let (s, b) = t
        .patch(
            &qn,
            &format!("/api/v1/businesses/{shop}"),
            json!({"version": b["version"], "name": "Siêu thị Điện tử Ánh Dương"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert!(
        search_kind(&t, &qn, "sieu thi dien tu anh duong", "case")
            .await
            .is_empty()
    );
    // ... the job's pass reindexes the business, its case and the case's documents.
    t.app.search_catch_up().await.unwrap();
    for kind in ["case", "document", "business"] {
        let found = search_kind(&t, &qn, "sieu thi dien tu anh duong", kind).await;
        let want = match kind {
            "case" => &case,
            "document" => &record,
            _ => &shop,
        };
        assert_eq!(found.first(), Some(want), "{kind}: {found:?}");
        let old = search_kind(&t, &qn, "dien may xanh", kind).await;
        assert!(
            !old.contains(want),
            "{kind} still found by the old name: {old:?}"
        );
    }

    // Merged: the duplicate's case now shows the record that stayed, and is found by its name.
    let dup = register(
        &t,
        &qn,
        "QN-D1",
        json!({"name": "Điện tử Ánh Dương cũ Bến Đoan", "kind": "household", "address": "7 Bến Đoan"}),
    )
    .await;
    let (dup_case, _) = case_of(&t, &qn, &dup, "Tin báo bán hàng lậu").await;
    t.app.search_catch_up().await.unwrap();
    assert_eq!(
        search_kind(&t, &qn, "anh duong cu ben doan", "case")
            .await
            .first(),
        Some(&dup_case)
    );
    let (s, b) = t
        .post(
            &qn,
            &format!("/api/v1/businesses/{dup}/merge"),
            json!({"into": shop}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    t.app.search_catch_up().await.unwrap();
    let found = search_kind(&t, &qn, "sieu thi dien tu anh duong", "case").await;
    assert!(
        found.contains(&case) && found.contains(&dup_case),
        "{found:?}"
    );
    let old = search_kind(&t, &qn, "anh duong cu ben doan", "case").await;
    assert!(!old.contains(&dup_case), "{old:?}");
    let old = search_kind(&t, &qn, "anh duong cu ben doan", "business").await;
    assert!(!old.contains(&dup), "{old:?}");

    // A rebuild from the rows agrees.
    t.app.search_rebuild(&|_| {}).await.unwrap();
    let found = search_kind(&t, &qn, "sieu thi dien tu anh duong", "case").await;
    assert!(
        found.contains(&case) && found.contains(&dup_case),
        "{found:?}"
    );
    assert!(
        !search_kind(&t, &qn, "dien may xanh", "case")
            .await
            .contains(&case)
    );
}

/// A unit moved to another province takes its records' scope with it (the job re-reads its
/// subtree); a rename alone is a lighter entry (`unit.renamed`: nothing's scope changed).
async fn a_moved_unit_takes_its_records_to_the_new_scope(t: TestApp) {
    let qn = t.login("qn.ksv1").await;
    let qn_head = t.login("qn.chicuctruong").await;
    let bn_head = t.login("bn.chicuctruong").await;
    let admin = t.login("admin").await;
    let id = register(
        &t,
        &qn,
        "QN-D1",
        json!({"name": "Tạp hóa Vân Đồn Biển Xanh", "kind": "household", "address": "2 Cái Rồng, Vân Đồn"}),
    )
    .await;
    t.app.search_catch_up().await.unwrap();
    let (_, b) = search(&t, &qn_head, "tap hoa van don bien xanh").await;
    assert_eq!(ids(&b).first(), Some(&id), "{b}");
    let (_, b) = search(&t, &bn_head, "tap hoa van don bien xanh").await;
    assert!(!ids(&b).contains(&id), "{b}");

    let d1 = t.unit_id("QN-D1").await;
    let (s, b) = t
        .patch(
            &admin,
            &format!("/api/v1/units/{d1}"),
            json!({"name": "Đội QLTT số 1 (Vân Đồn)"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = t
        .patch(
            &admin,
            &format!("/api/v1/units/{d1}"),
            json!({"parent_id": t.unit_id("BN").await}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let topics: Vec<(String,)> = sqlx::query_as(
        "SELECT topic FROM outbox WHERE entity_id = $1 AND topic LIKE 'unit.%' ORDER BY id",
    )
    .bind(&d1)
    .fetch_all(t.app.db.pool())
    .await
    .unwrap();
    let topics: Vec<&str> = topics.iter().map(|r| r.0.as_str()).collect();
    // After the entry of the unit's creation: the rename, then the move.
    assert_eq!(topics[topics.len() - 2..], ["unit.renamed", "unit.changed"]);
    t.app.search_catch_up().await.unwrap();
    let (_, b) = search(&t, &bn_head, "tap hoa van don bien xanh").await;
    assert_eq!(ids(&b).first(), Some(&id), "{b}");
    let (_, b) = search(&t, &qn_head, "tap hoa van don bien xanh").await;
    assert!(!ids(&b).contains(&id), "{b}");
}

on_both!(queries_and_scope, vietnamese_queries_in_scope);
on_both!(unit_moves, a_moved_unit_takes_its_records_to_the_new_scope);
on_both!(renames, renames_reach_the_records_that_show_the_name);
on_both!(numbers, cases_and_documents_are_found_by_number);
on_both!(job, the_job_follows_writes);
on_both!(crash_repair, a_crash_before_indexing_is_repaired_on_restart);
on_both!(header_box, header_search_box);
