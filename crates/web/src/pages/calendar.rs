//! The working-day calendar page: the year's holidays, days off and make-up working days, which
//! every legal deadline counts on. Everyone reads it; administrators edit it when the government
//! announces the year's days off.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use qltt_domain::format::{format_date, legal_day, parse_date};
use qltt_domain::officer::Permission;
use serde::Deserialize;

use super::{Layout, PageActor, error_page, render};
use crate::AppState;

pub struct DayView {
    pub day: String,
    pub date: String,
    pub weekday: &'static str,
    pub kind: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    layout: Layout,
    year: i32,
    days: Vec<DayView>,
    can_edit: bool,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
    saved: Option<String>,
}

fn weekday(d: chrono::NaiveDate) -> &'static str {
    match d.weekday().number_from_monday() {
        1 => "Thứ Hai",
        2 => "Thứ Ba",
        3 => "Thứ Tư",
        4 => "Thứ Năm",
        5 => "Thứ Sáu",
        6 => "Thứ Bảy",
        _ => "Chủ nhật",
    }
}

async fn page(
    state: &AppState,
    actor: &qltt_app::Actor,
    year: i32,
    error: Option<String>,
    flash: Option<String>,
) -> Response {
    let mut layout = Layout::for_actor(&state.app, actor, "Lịch làm việc", "/calendar").await;
    layout.flash = flash;
    match state.app.calendar_year(actor, year).await {
        Ok(rows) => render(&CalendarPage {
            layout,
            year,
            days: rows
                .into_iter()
                .filter_map(|r| {
                    let d = parse_date(&r.day)?;
                    Some(DayView {
                        date: format_date(d),
                        weekday: weekday(d),
                        day: r.day,
                        kind: r.kind,
                        name: r.name,
                    })
                })
                .collect(),
            can_edit: actor.may(Permission::ManageCalendar),
            error,
        }),
        Err(e) => error_page(layout, &e),
    }
}

pub async fn show(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(q): Query<YearQuery>,
) -> Response {
    let year = q.year.unwrap_or_else(|| legal_day(state.app.now()).year());
    let flash = q.saved.map(|_| "Đã lưu lịch.".to_string());
    page(&state, &actor, year, None, flash).await
}

#[derive(Deserialize)]
pub struct DayForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    /// "set" or "clear"
    #[serde(default)]
    op: String,
}

pub async fn change(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(f): Form<DayForm>,
) -> Response {
    let year = parse_date(&f.day).map_or_else(|| legal_day(state.app.now()).year(), |d| d.year());
    let result = if f.op == "clear" {
        state
            .app
            .clear_calendar_day(&actor, &f.day)
            .await
            .map(|_| ())
    } else {
        state
            .app
            .set_calendar_day(&actor, &f.day, &f.kind, &f.name)
            .await
            .map(|_| ())
    };
    match result {
        Ok(()) => Redirect::to(&format!("/calendar?year={year}&saved=1")).into_response(),
        Err(e) if e.kind == qltt_app::ErrorKind::Forbidden => {
            let layout = Layout::for_actor(&state.app, &actor, "Lịch làm việc", "/calendar").await;
            error_page(layout, &e)
        }
        Err(e) => page(&state, &actor, year, Some(e.message), None).await,
    }
}
