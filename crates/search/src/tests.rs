//! Vietnamese queries against a small register, each with the record that must come first.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use unicode_normalization::UnicodeNormalization;

use super::*;

const ROOT: &str = "u-root";
const HN: &str = "u-hn";
const HN_TEAM: &str = "u-hn-1";
const HCM: &str = "u-hcm";

fn doc(
    id: &str,
    kind: Kind,
    unit: &str,
    title: &str,
    subtitle: &str,
    body: &str,
    identifiers: &[&str],
) -> SearchDoc {
    let scope = match unit {
        HN_TEAM => vec![ROOT, HN, HN_TEAM],
        HN => vec![ROOT, HN],
        HCM => vec![ROOT, HCM],
        _ => vec![ROOT],
    };
    SearchDoc {
        id: id.into(),
        kind,
        unit_id: unit.into(),
        scope: scope.into_iter().map(String::from).collect(),
        officers: Vec::new(),
        secret_scope: Vec::new(),
        title: title.into(),
        subtitle: subtitle.into(),
        body: body.into(),
        identifiers: identifiers.iter().map(|s| s.to_string()).collect(),
    }
}

fn register() -> TantivyIndex {
    let ix = TantivyIndex::in_ram().unwrap();
    let docs = [
        doc(
            "b-mypham",
            Kind::Business,
            HN_TEAM,
            "Công ty TNHH Mỹ phẩm Hàn Quốc Đông Á",
            "12 Đinh Tiên Hoàng, Hoàn Kiếm, Hà Nội",
            "Nguyễn Thị Lan; bán lẻ mỹ phẩm nhập khẩu",
            &["0101234567", "0912345678"],
        ),
        doc(
            "b-mypham-branch",
            Kind::Business,
            HN_TEAM,
            "Chi nhánh Công ty TNHH Mỹ phẩm Hàn Quốc Đông Á tại Cầu Giấy",
            "88 Xuân Thủy, Cầu Giấy, Hà Nội",
            "Trần Văn Minh",
            &["0101234567-001"],
        ),
        doc(
            "b-pho-duong",
            Kind::Business,
            HN_TEAM,
            "Quán Phở Đường",
            "5 Hàng Bông, Hoàn Kiếm, Hà Nội",
            "Lê Văn Tú",
            &[],
        ),
        doc(
            "b-pho-duong2",
            Kind::Business,
            HN_TEAM,
            "Quán Phở Dương",
            "7 Hàng Bông, Hoàn Kiếm, Hà Nội",
            "Lê Thị Hoa",
            &[],
        ),
        doc(
            "b-dienthoai",
            Kind::Business,
            HCM,
            "Đại lý Điện thoại Di động Đức Dũng",
            "201 Nguyễn Trãi, Quận 1, TP Hồ Chí Minh",
            "Phạm Đức Dũng; điện thoại, phụ kiện",
            &["0312345678", "0283456789"],
        ),
        doc(
            "c-mypham",
            Kind::Case,
            HN_TEAM,
            "Kinh doanh mỹ phẩm không rõ nguồn gốc xuất xứ",
            "Công ty TNHH Mỹ phẩm Hàn Quốc Đông Á",
            "đã ra quyết định xử phạt",
            &["12/QĐ-XPHC", "7/BB-VPHC"],
        ),
        doc(
            "d-qd",
            Kind::Document,
            HN_TEAM,
            "Quyết định xử phạt vi phạm hành chính 12/QĐ-XPHC",
            "Công ty TNHH Mỹ phẩm Hàn Quốc Đông Á",
            "",
            &["12/QĐ-XPHC"],
        ),
        doc(
            "d-bb",
            Kind::Document,
            HN_TEAM,
            "Biên bản vi phạm hành chính 7/BB-VPHC",
            "Công ty TNHH Mỹ phẩm Hàn Quốc Đông Á",
            "",
            &["7/BB-VPHC"],
        ),
    ];
    for d in &docs {
        ix.upsert(d).unwrap();
    }
    ix.commit(None).unwrap();
    ix
}

fn top(ix: &TantivyIndex, text: &str, kind: Option<Kind>, scope: Option<&str>) -> Option<String> {
    let page = ix
        .search(&SearchQuery {
            text,
            kind,
            scope,
            officer: None,
            reads_secrets: false,
            offset: 0,
            limit: 10,
        })
        .unwrap();
    page.hits.first().map(|h| h.id.clone())
}

#[test]
fn vietnamese_queries_find_the_expected_record_first() {
    let ix = register();
    let nfd: String = "Mỹ phẩm Hàn Quốc".nfd().collect();
    let nfd_duong: String = "Phở Đường ".nfd().collect();
    #[rustfmt::skip]
    let table: &[(&str, &str, Option<Kind>, &str)] = &[
        ("with diacritics",            "Mỹ phẩm Hàn Quốc",      None, "b-mypham"),
        ("without diacritics",         "my pham han quoc",      None, "b-mypham"),
        ("NFD input",                  &nfd,                    None, "b-mypham"),
        ("mixed case",                 "MỸ PHẨM hàn QUỐC",      None, "b-mypham"),
        ("đ typed as d",               "dai ly dien thoai",     None, "b-dienthoai"),
        ("đ typed as đ, upper case",   "ĐỨC DŨNG",              None, "b-dienthoai"),
        ("exact diacritics first: đ",  "phở đường ",            None, "b-pho-duong"),
        ("exact diacritics first: d",  "phở dương ",            None, "b-pho-duong2"),
        ("exact diacritics, NFD",      &nfd_duong,              None, "b-pho-duong"),
        ("typo in a long word",        "dien thaoi duc dung ",  None, "b-dienthoai"),
        ("typo: doubled letter",       "Đinh Tiên Hoangg ",     None, "b-mypham"),
        ("typo: missing letter",       "khong ro nguoon goc ",  None, "c-mypham"),
        ("tax code exact",             "0101234567",            None, "b-mypham"),
        ("branch tax code exact",      "0101234567-001",        None, "b-mypham-branch"),
        ("tax code prefix as typed",   "031234",                None, "b-dienthoai"),
        ("phone digits",               "0912345678",            None, "b-mypham"),
        ("phone with dots",            "0912.345.678",          None, "b-mypham"),
        ("decision number",            "12/QĐ-XPHC",            None, "d-qd"),
        ("decision number folded",     "12/qd-xphc",            None, "d-qd"),
        ("decision number lower",      "12/qđ-xphc",            None, "d-qd"),
        ("decision number as typed",   "12/QĐ-XP",              None, "d-qd"),
        ("record number",              "7/bb-vphc",             None, "d-bb"),
        ("register without its number", "BB-VPHC",              None, "d-bb"),
        ("number within cases",        "12/QĐ-XPHC",            Some(Kind::Case), "c-mypham"),
        ("address",                    "88 xuan thuy cau giay", None, "b-mypham-branch"),
        ("owner, as-you-type",         "nguyen thi la",         None, "b-mypham"),
        ("goods",                      "mỹ phẩm không rõ nguồn gốc", None, "c-mypham"),
    ];
    let mut failures = Vec::new();
    for (what, q, kind, want) in table {
        let got = top(&ix, q, *kind, Some(ROOT));
        if got.as_deref() != Some(*want) {
            failures.push(format!("{what}: {q:?} → {got:?}, want {want}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn scope_is_part_of_the_query() {
    let ix = register();
    // A Hồ Chí Minh officer asking for a Hà Nội tax code gets nothing, not a hidden hit.
    assert_eq!(top(&ix, "0101234567", None, Some(HCM)), None);
    assert_eq!(
        top(&ix, "0312345678", None, Some(HCM)).as_deref(),
        Some("b-dienthoai")
    );
    assert_eq!(top(&ix, "0312345678", None, Some(HN)), None);
    // Counts and pages are those of the scope: HN sees the two cosmetics businesses, the case
    // and two documents that name them.
    let page = |offset| {
        ix.search(&SearchQuery {
            text: "my pham",
            kind: None,
            scope: Some(HN),
            officer: None,
            reads_secrets: false,
            offset,
            limit: 2,
        })
        .unwrap()
    };
    let (p1, p2, p3) = (page(0), page(2), page(4));
    assert_eq!(p1.total, 5);
    let ids: std::collections::BTreeSet<String> = [p1.hits, p2.hits, p3.hits]
        .concat()
        .into_iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(ids.len(), 5);
    assert!(!ids.contains("b-dienthoai"));
}

#[test]
fn public_records_and_officer_records_never_mix() {
    let ix = register();
    ix.upsert(&SearchDoc {
        id: "pub:d-qd".into(),
        kind: Kind::PublicDecision,
        unit_id: HN_TEAM.into(),
        scope: vec![PUBLIC_SCOPE.into()],
        officers: Vec::new(),
        secret_scope: Vec::new(),
        title: "Quyết định 12/QĐ-XPHC — Công ty TNHH Mỹ phẩm Hàn Quốc Đông Á".into(),
        subtitle: "Đội QLTT số 1".into(),
        body: String::new(),
        identifiers: vec!["12/QĐ-XPHC".into(), "0101234567".into()],
    })
    .unwrap();
    ix.commit(None).unwrap();
    let public = |q| {
        ix.search(&SearchQuery {
            text: q,
            kind: Some(Kind::PublicDecision),
            scope: Some(PUBLIC_SCOPE),
            officer: None,
            reads_secrets: false,
            offset: 0,
            limit: 10,
        })
        .unwrap()
    };
    // The public finds the published decision by number, name without diacritics, tax code...
    for q in ["12/qd-xphc", "my pham han quoc dong a", "0101234567"] {
        let page = public(q);
        assert_eq!(page.total, 1, "{q}");
        assert_eq!(page.hits[0].id, "pub:d-qd", "{q}");
    }
    // ... and nothing of the officers' records (the owner's name is only in those).
    assert_eq!(public("nguyen thi lan").total, 0);
    // Officers, whatever their scope (the root included), never see the public copy.
    for scope in [ROOT, HN, HN_TEAM] {
        let page = ix
            .search(&SearchQuery {
                text: "12/QĐ-XPHC",
                kind: None,
                scope: Some(scope),
                officer: None,
                reads_secrets: false,
                offset: 0,
                limit: 50,
            })
            .unwrap();
        assert!(page.hits.iter().all(|h| h.kind != Kind::PublicDecision));
    }
}

#[test]
fn upsert_replaces_and_delete_removes() {
    let ix = register();
    let before = ix.doc_count().unwrap();
    let mut d = doc(
        "b-pho-duong",
        Kind::Business,
        HN_TEAM,
        "Quán Bún Chả Hương Liên",
        "24 Lê Văn Hưu",
        "",
        &[],
    );
    ix.upsert(&d).unwrap();
    ix.commit(None).unwrap();
    assert_eq!(ix.doc_count().unwrap(), before);
    assert_eq!(
        top(&ix, "phở đường", None, None).as_deref(),
        Some("b-pho-duong2")
    );
    assert_eq!(
        top(&ix, "bun cha", None, None).as_deref(),
        Some("b-pho-duong")
    );
    d.id = "b-mypham".into();
    ix.delete(&d.id).unwrap();
    ix.commit(Some("gen-1")).unwrap();
    assert_eq!(ix.doc_count().unwrap(), before - 1);
    assert_eq!(ix.marker().unwrap().as_deref(), Some("gen-1"));
    assert_eq!(top(&ix, "   ", None, None), None);
}

#[test]
fn a_folder_index_keeps_docs_and_marker_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let ix = TantivyIndex::open_dir(dir.path()).unwrap();
        assert_eq!(ix.marker().unwrap(), None);
        ix.upsert(&doc(
            "b1",
            Kind::Business,
            HN,
            "Nhà thuốc Đức Minh",
            "",
            "",
            &[],
        ))
        .unwrap();
        ix.commit(Some("gen-7")).unwrap();
        ix.upsert(&doc(
            "b2",
            Kind::Business,
            HN,
            "Nhà thuốc An Khang",
            "",
            "",
            &[],
        ))
        .unwrap();
        ix.commit(None).unwrap();
    }
    let ix = TantivyIndex::open_dir(dir.path()).unwrap();
    assert_eq!(ix.marker().unwrap().as_deref(), Some("gen-7"));
    assert_eq!(ix.doc_count().unwrap(), 2);
    assert_eq!(top(&ix, "duc minh", None, Some(HN)).as_deref(), Some("b1"));
}

#[test]
fn a_record_naming_an_officer_is_found_by_that_officer_alone() {
    let ix = TantivyIndex::in_ram().unwrap();
    // Two letters of the Hà Nội register (scope HN and above); the first routed to officer "o-1"
    // of the team HN_TEAM, whose subtree does not hold the register.
    let mut routed = doc(
        "od-routed",
        Kind::OfficeDocument,
        HN,
        "Công văn 31/SCT-QLTM — kiểm tra mỹ phẩm",
        "Sở Công Thương",
        "",
        &["31/SCT-QLTM"],
    );
    routed.officers = vec!["o-1".into()];
    let other = doc(
        "od-other",
        Kind::OfficeDocument,
        HN,
        "Công văn 32/SCT-QLTM — kiểm tra mỹ phẩm",
        "Sở Công Thương",
        "",
        &["32/SCT-QLTM"],
    );
    for d in [&routed, &other] {
        ix.upsert(d).unwrap();
    }
    ix.commit(None).unwrap();
    let ask = |scope: &str, officer: Option<&str>, offset: usize| {
        ix.search(&SearchQuery {
            text: "kiem tra my pham",
            kind: Some(Kind::OfficeDocument),
            scope: Some(scope),
            officer,
            reads_secrets: false,
            offset,
            limit: 1,
        })
        .unwrap()
    };
    // The routed officer: the one routed to them, counted once, on one page.
    let p = ask(HN_TEAM, Some("o-1"), 0);
    assert_eq!(p.total, 1);
    assert_eq!(p.hits[0].id, "od-routed");
    assert!(ask(HN_TEAM, Some("o-1"), 1).hits.is_empty());
    // A colleague of the same team, or the team without an officer: nothing.
    assert_eq!(ask(HN_TEAM, Some("o-2"), 0).total, 0);
    assert_eq!(ask(HN_TEAM, None, 0).total, 0);
    // An officer id is not a unit id: a unit scope named like the officer finds nothing.
    assert_eq!(ask("o-1", None, 0).total, 0);
    // The register's scope sees both, whoever asks; naming the officer adds nothing twice.
    assert_eq!(ask(HN, None, 0).total, 2);
    assert_eq!(ask(HN, Some("o-1"), 0).total, 2);
    assert_eq!(ask(HCM, Some("o-2"), 0).total, 0);
}

#[test]
fn a_secret_record_is_found_by_who_reads_secrets_in_scope_and_by_who_is_named_only() {
    let ix = TantivyIndex::in_ram().unwrap();
    // A secret letter of the Hà Nội register: no ordinary scope; its units are the secret
    // scope; the officer "o-granted" of the team was granted it.
    let mut secret = doc(
        "od-secret",
        Kind::OfficeDocument,
        HN,
        "Công văn 7/CAT-PC03 — phương án phối hợp kiểm tra",
        "Công an tỉnh",
        "",
        &["7/CAT-PC03"],
    );
    secret.secret_scope = std::mem::take(&mut secret.scope);
    secret.officers = vec!["o-granted".into()];
    let open = doc(
        "od-open",
        Kind::OfficeDocument,
        HN,
        "Công văn 8/CAT-PC03 — phương án phối hợp kiểm tra",
        "Công an tỉnh",
        "",
        &["8/CAT-PC03"],
    );
    for d in [&secret, &open] {
        ix.upsert(d).unwrap();
    }
    ix.commit(None).unwrap();
    let ask = |scope: &str, officer: Option<&str>, reads_secrets: bool| {
        let p = ix
            .search(&SearchQuery {
                text: "phuong an phoi hop",
                kind: None,
                scope: Some(scope),
                officer,
                reads_secrets,
                offset: 0,
                limit: 10,
            })
            .unwrap();
        let mut ids: Vec<String> = p.hits.into_iter().map(|h| h.id).collect();
        ids.sort();
        (p.total, ids)
    };
    // An officer of the unit who does not read secrets: the open one only, counted so.
    assert_eq!(ask(HN, Some("o-clerk"), false), (1, vec!["od-open".into()]));
    // Its leaders (and those above): both.
    assert_eq!(
        ask(ROOT, Some("o-head"), true),
        (2, vec!["od-open".into(), "od-secret".into()])
    );
    // A leader of another province reads secrets, not this one's.
    assert_eq!(ask(HCM, Some("o-hcm"), true).0, 0);
    // The granted officer of the team finds it by name, not the open one of the province.
    assert_eq!(
        ask(HN_TEAM, Some("o-granted"), false),
        (1, vec!["od-secret".into()])
    );
    // Asked by the number: still nothing for who may not read it.
    let by_number = ix
        .search(&SearchQuery {
            text: "7/CAT-PC03",
            kind: None,
            scope: Some(HN),
            officer: Some("o-clerk"),
            reads_secrets: false,
            offset: 0,
            limit: 10,
        })
        .unwrap();
    assert_eq!(by_number.total, 0);
}
