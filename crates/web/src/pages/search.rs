//! The search page and the header's instant results (htmx asks for a fragment).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use qltt_app::search::SearchItem;
use serde::Deserialize;

use super::{Layout, PageActor, error_page, render};
use crate::AppState;

#[derive(Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    offset: usize,
}

#[derive(Template)]
#[template(path = "search_results.html")]
struct Results {
    q: String,
    items: Vec<SearchItem>,
    total: usize,
    fragment: bool,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    kind: String,
    items: Vec<SearchItem>,
    total: usize,
    fragment: bool,
    next_offset: Option<usize>,
}

pub async fn search(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    headers: HeaderMap,
    Query(f): Query<SearchForm>,
) -> Response {
    // The header box asks through htmx and gets the list only, a few results to pick from.
    let fragment = headers.contains_key("HX-Request");
    let limit = if fragment { 8 } else { 20 };
    let kind = Some(f.kind.as_str()).filter(|k| !k.is_empty());
    let found = state.app.search(&actor, &f.q, kind, f.offset, limit).await;
    if fragment {
        return match found {
            Ok(r) => render(&Results {
                q: f.q,
                items: r.items,
                total: r.total,
                fragment,
            }),
            Err(e) => render(&Results {
                q: format!("{} ({})", e.message, e.code),
                items: Vec::new(),
                total: 0,
                fragment,
            }),
        };
    }
    let layout = Layout::for_actor(&state.app, &actor, "Tìm kiếm", "/search").await;
    match found {
        Ok(r) => render(&SearchPage {
            layout,
            q: f.q,
            kind: f.kind,
            items: r.items,
            total: r.total,
            fragment,
            next_offset: r.next_offset,
        }),
        Err(e) => error_page(layout, &e),
    }
}
