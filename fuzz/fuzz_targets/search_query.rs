//! The search box: any text an officer types (with the kind filter and a page offset) gives a
//! page of results or an error, never a panic, and a page never holds more than was asked.
//! The index holds a few records like the demo register's, so the query reaches term lookups,
//! fuzzy and prefix matching and scoring over real postings.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use qltt_search::{Kind, SearchDoc, SearchIndex, SearchQuery, TantivyIndex, analysis};

fn index() -> &'static TantivyIndex {
    static INDEX: OnceLock<TantivyIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let index = TantivyIndex::in_ram().expect("index in RAM");
        let docs = [
            ("b1", Kind::Business, "QN-D1", "Công ty TNHH Mỹ phẩm Hàn Quốc", "0100233488",
             "Số 12 đường Trần Hưng Đạo, Hạ Long; mỹ phẩm, nước hoa; 0912.345.678", vec!["0100233488", "0912345678"]),
            ("b2", Kind::Business, "QN-D2", "Hộ kinh doanh Đặng Thị Hoa", "",
             "chợ Cẩm Phả; quần áo, giày dép", vec![]),
            ("c1", Kind::Case, "QN-D1", "Vụ việc QN-D1-2026-00012", "kinh doanh hàng giả",
             "Công ty TNHH Mỹ phẩm Hàn Quốc; 12/QĐ-XPHC", vec!["12/QĐ-XPHC", "QN-D1-2026-00012"]),
            ("d1", Kind::Document, "QN", "12/QĐ-XPHC", "Quyết định xử phạt",
             "phạt tiền 15.000.000 đồng", vec!["12/QĐ-XPHC"]),
        ];
        for (id, kind, unit, title, subtitle, body, idents) in docs {
            index
                .upsert(&SearchDoc {
                    id: id.into(),
                    kind,
                    unit_id: unit.into(),
                    scope: vec!["QN".into(), unit.into()],
                    title: title.into(),
                    subtitle: subtitle.into(),
                    body: body.into(),
                    identifiers: idents.into_iter().map(String::from).collect(),
                })
                .expect("upsert");
        }
        index.commit(None).expect("commit");
        index
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let kind = match selector % 4 {
        0 => None,
        1 => Some(Kind::Business),
        2 => Some(Kind::Case),
        _ => Some(Kind::Document),
    };
    let scope = if selector & 0x10 == 0 { Some("QN") } else { Some("QN-D2") };
    let limit = 1 + usize::from(selector >> 5);
    let q = SearchQuery {
        text,
        kind,
        scope,
        offset: usize::from(selector & 0x0c),
        limit,
    };
    let _ = analysis::index_terms(text, true, true);
    if let Ok(page) = index().search(&q) {
        assert!(page.hits.len() <= limit);
        // The page holds matches counted in the total, after those skipped by the offset.
        assert!(page.hits.len() <= page.total.saturating_sub(q.offset), "{q:?}: {page:?}");
    }
});
