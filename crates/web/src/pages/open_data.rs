//! Open data (issue 8, part 5): the public page `/public/open-data` and its downloads — the
//! published sanction decisions (anonymised) and the force's statistics, as CSV and JSON, with a
//! data dictionary. No sign-in; nothing here changes anything.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Datelike;
use qltt_app::open_data::{self, OpenDecision};
use serde::Deserialize;

use super::{Layout, error_page, render};
use crate::AppState;
use crate::extract::{ApiQuery, ClientAddr};
use crate::routes::{RouteRow, routes};

const TITLE: &str = "Dữ liệu mở";

pub fn routes() -> (Router<AppState>, Vec<RouteRow>) {
    routes! {
        "/public/open-data" => get(page),
        "/public/open-data/decisions.csv" => get(decisions_csv),
        "/public/open-data/decisions.json" => get(decisions_json),
        "/public/open-data/statistics.csv" => get(statistics_csv),
        "/public/open-data/statistics.json" => get(statistics_json),
        "/public/open-data/dictionary.json" => get(dictionary),
        "/public/open-data/search" => get(search_page),
        "/public/open-data/search.json" => get(search_json),
    }
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

#[derive(Template)]
#[template(path = "open_data.html")]
struct OpenDataPage {
    layout: Layout,
    decisions: Vec<OpenDecision>,
    year: i32,
    years: Vec<i32>,
    totals: Option<qltt_app::reports::Figures>,
    q: String,
    total: usize,
    next_offset: Option<usize>,
    notice: Option<String>,
}

/// The list of decisions alone, for the search box (htmx).
#[derive(Template)]
#[template(path = "open_data_decisions.html")]
struct DecisionList {
    decisions: Vec<OpenDecision>,
    q: String,
    total: usize,
    next_offset: Option<usize>,
    notice: Option<String>,
}

fn money(v: i64) -> String {
    qltt_domain::format::Vnd(v).display()
}

fn date(d: &str) -> String {
    qltt_domain::format::parse_date(d)
        .map(qltt_domain::format::format_date)
        .unwrap_or_else(|| d.to_string())
}

impl OpenDataPage {
    fn money(&self, v: &i64) -> String {
        money(*v)
    }
    fn date(&self, d: &str) -> String {
        date(d)
    }
}

impl DecisionList {
    fn money(&self, v: &i64) -> String {
        money(*v)
    }
    fn date(&self, d: &str) -> String {
        date(d)
    }
}

fn parse_year(q: &YearQuery) -> Result<Option<i32>, qltt_app::AppError> {
    match q.year.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(y) => y.parse::<i32>().map(Some).map_err(|_| {
            qltt_app::AppError::bad_input("open_data.invalid_year", "Năm không hợp lệ.")
        }),
    }
}

async fn page(State(state): State<AppState>, Query(q): Query<YearQuery>) -> Response {
    let year = match parse_year(&q) {
        Ok(y) => y,
        Err(e) => return error_page(Layout::anonymous(TITLE), &e),
    };
    let found = state.app.open_decisions().await.map(|decisions| Found {
        total: decisions.len(),
        decisions,
        next_offset: None,
    });
    whole_page(&state, year, String::new(), found).await
}

/// Decisions to list: all of them, or a page of search results.
struct Found {
    decisions: Vec<OpenDecision>,
    total: usize,
    next_offset: Option<usize>,
}

/// The page with the year's figures and `found` (or, when the search was refused, the reason in
/// place of the list).
async fn whole_page(
    state: &AppState,
    year: Option<i32>,
    q: String,
    found: Result<Found, qltt_app::AppError>,
) -> Response {
    let app = &state.app;
    let this_year = qltt_domain::format::legal_day(app.now()).year();
    let year = year.unwrap_or(this_year);
    let (found, notice) = match found {
        Ok(f) => (f, None),
        // Too many searches or a bad query: said where the list would be, the rest still shown.
        Err(e) if e.kind != qltt_app::ErrorKind::Internal => (
            Found {
                decisions: Vec::new(),
                total: 0,
                next_offset: None,
            },
            Some(e.message),
        ),
        Err(e) => return error_page(Layout::anonymous(TITLE), &e),
    };
    let totals = match app.open_statistics(Some(year)).await {
        Ok(stats) => stats
            .into_iter()
            .find(|s| s.dimension == "total")
            .map(|s| s.figures),
        Err(e) => return error_page(Layout::anonymous(TITLE), &e),
    };
    render(&OpenDataPage {
        layout: Layout::anonymous(TITLE),
        decisions: found.decisions,
        year,
        years: (this_year - 4..=this_year).rev().collect(),
        totals,
        q,
        total: found.total,
        next_offset: found.next_offset,
        notice,
    })
}

#[derive(Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    offset: usize,
}

/// Decisions per page of the portal's search.
const PAGE: usize = 20;

/// `GET /public/open-data/search?q=`: the published decisions matching `q`. The search box asks
/// through htmx and gets the list alone; without script it is the whole page. An empty `q` lists
/// every published decision, as the page does.
async fn search_page(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Query(f): Query<SearchForm>,
) -> Response {
    let found = if f.q.trim().is_empty() {
        state.app.open_decisions().await.map(|decisions| Found {
            total: decisions.len(),
            decisions,
            next_offset: None,
        })
    } else {
        state
            .app
            .search_open_decisions(&client, &f.q, f.offset, PAGE)
            .await
            .map(|r| Found {
                decisions: r.items,
                total: r.total,
                next_offset: r.next_offset,
            })
    };
    // A refusal (too many searches) is shown in a page with status 200: not to be kept.
    let answered = found.is_ok();
    let response = if headers.contains_key("HX-Request") {
        let (found, notice) = match found {
            Ok(f) => (f, None),
            Err(e) => (
                Found {
                    decisions: Vec::new(),
                    total: 0,
                    next_offset: None,
                },
                Some(format!("{} ({})", e.message, e.code)),
            ),
        };
        render(&DecisionList {
            decisions: found.decisions,
            q: f.q,
            total: found.total,
            next_offset: found.next_offset,
            notice,
        })
    } else {
        whole_page(&state, None, f.q, found).await
    };
    if answered { cached(response) } else { response }
}

/// `GET /public/open-data/search.json?q=&offset=&limit=`: the same search for programs.
async fn search_json(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Response {
    match state
        .app
        .search_open_decisions(
            &client,
            p.q.as_deref().unwrap_or(""),
            p.offset.unwrap_or(0),
            p.limit.unwrap_or(PAGE),
        )
        .await
    {
        Ok(r) => cached(Json(r).into_response()),
        Err(e) => api_error(e),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    q: Option<String>,
    offset: Option<usize>,
    limit: Option<usize>,
}

/// A search result may be kept a minute by a browser or a proxy (shorter than the downloads: it
/// is what someone checks right after a decision is published or withdrawn). The page and its
/// htmx fragment differ by the `HX-Request` header.
fn cached(mut response: Response) -> Response {
    if response.status().is_success() {
        let h = response.headers_mut();
        h.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("public, max-age=60"),
        );
        h.insert(header::VARY, header::HeaderValue::from_static("HX-Request"));
    }
    response
}

fn download(bytes: Vec<u8>, content_type: &str, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            // Public, and it changes when a leader publishes: a short cache only.
            (header::CACHE_CONTROL, "public, max-age=300".to_string()),
        ],
        bytes,
    )
        .into_response()
}

fn api_error(e: qltt_app::AppError) -> Response {
    crate::error::ApiError::from(e).into_response()
}

async fn decisions_csv(State(state): State<AppState>) -> Response {
    match state
        .app
        .open_decisions()
        .await
        .and_then(|d| open_data::decisions_csv(&d))
    {
        Ok(b) => download(b, "text/csv; charset=utf-8", "qltt-quyet-dinh-xu-phat.csv"),
        Err(e) => api_error(e),
    }
}

async fn decisions_json(State(state): State<AppState>) -> Response {
    match state.app.open_decisions().await {
        Ok(d) => Json(d).into_response(),
        Err(e) => api_error(e),
    }
}

async fn statistics_csv(State(state): State<AppState>, Query(q): Query<YearQuery>) -> Response {
    let result = async {
        let year = parse_year(&q)?;
        let stats = state.app.open_statistics(year).await?;
        open_data::statistics_csv(&stats)
    }
    .await;
    match result {
        Ok(b) => download(b, "text/csv; charset=utf-8", "qltt-thong-ke.csv"),
        Err(e) => api_error(e),
    }
}

async fn statistics_json(State(state): State<AppState>, Query(q): Query<YearQuery>) -> Response {
    let result = async {
        let year = parse_year(&q)?;
        state.app.open_statistics(year).await
    }
    .await;
    match result {
        Ok(s) => Json(s).into_response(),
        Err(e) => api_error(e),
    }
}

async fn dictionary() -> Response {
    Json(open_data::dictionary()).into_response()
}
