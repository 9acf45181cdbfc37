//! Open data (issue 8, part 5): the public page `/public/open-data` and its downloads — the
//! published sanction decisions (anonymised) and the force's statistics, as CSV and JSON, with a
//! data dictionary. No sign-in; nothing here changes anything.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Datelike;
use qltt_app::open_data::{self, OpenDecision};
use serde::Deserialize;

use super::{Layout, error_page, render};
use crate::AppState;
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
}

impl OpenDataPage {
    fn money(&self, v: &i64) -> String {
        qltt_domain::format::Vnd(*v).display()
    }
    fn date(&self, d: &str) -> String {
        qltt_domain::format::parse_date(d)
            .map(qltt_domain::format::format_date)
            .unwrap_or_else(|| d.to_string())
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
    let app = &state.app;
    let this_year = qltt_domain::format::legal_day(app.now()).year();
    let result = async {
        let year = parse_year(&q)?.unwrap_or(this_year);
        let decisions = app.open_decisions().await?;
        let stats = app.open_statistics(Some(year)).await?;
        let totals = stats
            .into_iter()
            .find(|s| s.dimension == "total")
            .map(|s| s.figures);
        Ok::<_, qltt_app::AppError>((year, decisions, totals))
    }
    .await;
    match result {
        Ok((year, decisions, totals)) => render(&OpenDataPage {
            layout: Layout::anonymous(TITLE),
            decisions,
            year,
            years: (this_year - 4..=this_year).rev().collect(),
            totals,
        }),
        Err(e) => error_page(Layout::anonymous(TITLE), &e),
    }
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
