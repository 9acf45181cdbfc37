//! Who finds an office record by search beyond their unit subtree (issue 9), tested as an
//! attacker: the read rules say an officer opens a document routed to them wherever its register
//! is, and a drafter opens their own draft wherever its unit is; search finds exactly those, and
//! nothing else of the same registers, for them alone. Drafts' files are read by the text job and
//! the draft is found by what they say, the new file's words replacing the old after an edit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod text_support;

use qltt_docs::{Section, render_pdf};
use qltt_testkit::{TestApp, on_both};
use serde_json::{Value, json};
use text_support::*;

/// Ids found by `q` among records of `kind`, and the total the index counted.
async fn find(t: &TestApp, token: &str, kind: &str, q: &str) -> (Vec<String>, i64) {
    let (s, b) = t
        .get(
            token,
            &format!("/api/v1/search?kind={kind}&q={}", q.replace(' ', "+")),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let mut ids: Vec<String> = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    (ids, b["total"].as_i64().unwrap())
}

async fn documents_found(t: &TestApp, token: &str, q: &str) -> Vec<String> {
    let (ids, total) = find(t, token, "office_document", q).await;
    // The count is the index's, with the same clause: pages and "n kết quả" agree.
    assert_eq!(total as usize, ids.len(), "{q}");
    ids
}

async fn route_to(t: &TestApp, token: &str, id: &str, body: Value) {
    let (s, b) = t
        .post(
            token,
            &format!("/api/v1/office-documents/{id}/actions/route"),
            body,
        )
        .await;
    assert_eq!(s, 200, "{b}");
}

async fn routed_officer_finds_the_document_and_no_other(t: TestApp) {
    let clerk = t.login("qn.vanthu").await;
    let head = t.login("qn.chicuctruong").await;
    let ksv = t.login("qn.ksv1").await;
    let colleague = t.login("qn.doitruong1").await;
    let foreign = t.login("bn.chicuctruong").await;
    // Two letters in the province's register (QN); a team officer's subtree (QN-D1) holds
    // neither.
    let routed = register(&t, &clerk, "31/SCT-QLTM", &[]).await;
    let other = register(&t, &clerk, "32/SCT-QLTM", &[]).await;
    t.app.search_catch_up().await.unwrap();
    let mut both = vec![routed.clone(), other.clone()];
    both.sort();
    assert_eq!(documents_found(&t, &head, "so cong thuong").await, both);
    assert!(documents_found(&t, &ksv, "so cong thuong").await.is_empty());

    // The head routes one of them to qn.ksv1 in person.
    let ksv_id = t.user_id("qn.ksv1").await;
    route_to(
        &t,
        &head,
        &routed,
        json!({"opinion": "Đồng chí Mai nghiên cứu, tham mưu trả lời", "officer_id": ksv_id,
               "due_on": "2026-03-12"}),
    )
    .await;
    t.app.search_catch_up().await.unwrap();
    // The officer opens it, and now finds it: by its sender, its number, the leader's opinion.
    let (s, _) = t
        .get(&ksv, &format!("/api/v1/office-documents/{routed}"))
        .await;
    assert_eq!(s, 200);
    for q in ["so cong thuong", "31/SCT-QLTM", "tham muu tra loi"] {
        assert_eq!(
            documents_found(&t, &ksv, q).await,
            vec![routed.clone()],
            "{q}"
        );
    }
    // Searching every kind finds it too, and only it among office documents.
    let (s, b) = t.get(&ksv, "/api/v1/search?q=so+cong+thuong").await;
    assert_eq!(s, 200, "{b}");
    let office: Vec<&str> = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "office_document")
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(office, vec![routed.as_str()]);
    // The other letter of the same register stays out of reach: not found, not opened.
    assert!(documents_found(&t, &ksv, "32/SCT-QLTM").await.is_empty());
    let (s, _) = t
        .get(&ksv, &format!("/api/v1/office-documents/{other}"))
        .await;
    assert_eq!(s, 404);
    // A colleague of the same team finds neither and opens neither; nor does another province.
    for who in [&colleague, &foreign] {
        assert!(documents_found(&t, who, "so cong thuong").await.is_empty());
        assert!(documents_found(&t, who, "31/SCT-QLTM").await.is_empty());
        let (s, _) = t
            .get(who, &format!("/api/v1/office-documents/{routed}"))
            .await;
        assert_eq!(s, 404);
    }
    // The province still finds both.
    assert_eq!(documents_found(&t, &head, "so cong thuong").await, both);
    // The same after the index is rebuilt from the rows.
    t.app.search_rebuild(&|_| {}).await.unwrap();
    assert_eq!(
        documents_found(&t, &ksv, "so cong thuong").await,
        vec![routed.clone()]
    );
    assert!(
        documents_found(&t, &colleague, "so cong thuong")
            .await
            .is_empty()
    );
}
on_both!(
    a_document_routed_to_one_officer_is_found_by_them_alone,
    routed_officer_finds_the_document_and_no_other
);

/// The letter with other words: what an edited draft's new file says.
fn other_letter() -> qltt_docs::Document {
    let mut d = letter();
    d.sections = vec![Section {
        heading: None,
        fields: Vec::new(),
        paragraphs: vec![
            "Kiểm tra việc kinh doanh xăng dầu tại khu vực cửa khẩu Móng Cái trong quý hai.".into(),
        ],
    }];
    d
}

async fn draft(t: &TestApp, token: &str, unit_id: &str, files: &[&str]) -> Value {
    let (s, b) = t
        .post(
            token,
            "/api/v1/office-documents/drafts",
            json!({"unit_id": unit_id, "doc_type": "official_letter", "division_abbr": "NV",
                   "summary": "Về việc phối hợp kiểm tra", "recipients": "Như trên",
                   "attachments": files}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    b
}

async fn drafts_found(t: &TestApp, token: &str, q: &str) -> Vec<String> {
    let (ids, total) = find(t, token, "office_draft", q).await;
    assert_eq!(total as usize, ids.len(), "{q}");
    ids
}

async fn drafts_attachments_are_read_and_found(t: TestApp) {
    let ksv = t.login("qn.ksv1").await;
    let colleague = t.login("qn.doitruong1").await;
    let head = t.login("qn.chicuctruong").await;
    let foreign = t.login("bn.chicuctruong").await;
    let qn = t.unit_id("QN").await;
    let first = upload(&t, &ksv, &render_pdf(&letter()).unwrap()).await;
    // qn.ksv1 (team QN-D1) drafts a letter the province (QN) will send: theirs to see and the
    // province's, not their team's.
    let d = draft(&t, &ksv, &qn, &[&first]).await;
    let id = d["id"].as_str().unwrap().to_string();
    assert_eq!(d["attachment_texts"][0]["state"], "queued", "{d}");
    // Read by the same job as the registers' files.
    assert_eq!(t.app.text_catch_up().await.unwrap(), 1);
    let (s, d) = t
        .get(&ksv, &format!("/api/v1/office-documents/drafts/{id}"))
        .await;
    assert_eq!(s, 200);
    assert_eq!(d["attachment_texts"][0]["state"], "done", "{d}");
    assert!(
        d["attachment_texts"][0]["excerpt"]
            .as_str()
            .unwrap()
            .contains("Quản lý thị trường")
    );
    t.app.search_catch_up().await.unwrap();
    for who in [&ksv, &head] {
        assert_eq!(
            drafts_found(&t, who, "nhap lau hang gia").await,
            vec![id.clone()]
        );
    }
    // A team colleague and another province: not found (and not opened).
    for who in [&colleague, &foreign] {
        assert!(drafts_found(&t, who, "nhap lau hang gia").await.is_empty());
        let (s, _) = t
            .get(who, &format!("/api/v1/office-documents/drafts/{id}"))
            .await;
        assert_eq!(s, 404);
    }
    // The search result opens the draft's page.
    let (_, b) = t
        .get(&ksv, "/api/v1/search?kind=office_draft&q=nhap+lau")
        .await;
    assert_eq!(
        b["items"][0]["url"].as_str(),
        Some(format!("/office/drafts/{id}").as_str())
    );
    assert_eq!(b["items"][0]["kind_label"], "Dự thảo văn bản đi");

    // The drafter replaces the file: the new one is read, the old one's words no longer find it.
    let second = upload(&t, &ksv, &render_pdf(&other_letter()).unwrap()).await;
    let (s, b) = t
        .patch(
            &ksv,
            &format!("/api/v1/office-documents/drafts/{id}"),
            json!({"doc_type": "official_letter", "division_abbr": "NV",
                   "summary": "Về việc phối hợp kiểm tra", "recipients": "Như trên",
                   "attachments": [second], "base_updated_at": d["updated_at"]}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["attachment_texts"][0]["state"], "queued", "{b}");
    t.app.search_catch_up().await.unwrap();
    assert!(drafts_found(&t, &ksv, "nhap lau hang gia").await.is_empty());
    assert!(drafts_found(&t, &ksv, "xang dau mong cai").await.is_empty());
    assert_eq!(t.app.text_catch_up().await.unwrap(), 1);
    t.app.search_catch_up().await.unwrap();
    assert_eq!(
        drafts_found(&t, &ksv, "xang dau mong cai").await,
        vec![id.clone()]
    );
    assert_eq!(
        drafts_found(&t, &head, "xang dau mong cai").await,
        vec![id.clone()]
    );
    assert!(
        drafts_found(&t, &colleague, "xang dau mong cai")
            .await
            .is_empty()
    );
    assert!(
        drafts_found(&t, &foreign, "xang dau mong cai")
            .await
            .is_empty()
    );
    // Office documents are another kind: the draft is not among them.
    assert!(
        documents_found(&t, &head, "xang dau mong cai")
            .await
            .is_empty()
    );
    // The same after the index is rebuilt from the rows.
    t.app.search_rebuild(&|_| {}).await.unwrap();
    assert_eq!(
        drafts_found(&t, &ksv, "xang dau mong cai").await,
        vec![id.clone()]
    );
    assert!(
        drafts_found(&t, &colleague, "xang dau mong cai")
            .await
            .is_empty()
    );
}
on_both!(
    a_drafts_files_are_read_and_it_is_found_by_those_who_see_it,
    drafts_attachments_are_read_and_found
);
