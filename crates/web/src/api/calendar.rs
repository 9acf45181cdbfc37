//! The working-day calendar: `GET /api/v1/calendar/{year}`, `PUT/DELETE /api/v1/calendar/days/{date}`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use qltt_store::calendar::CalendarDayRow;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authed};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalendarYear {
    pub year: i32,
    /// The exceptions to the weekly rule (Mon–Fri working), by date.
    pub days: Vec<CalendarDayRow>,
}

/// The holidays, days off and make-up working days of a year.
#[utoipa::path(operation_id = "calendar_year", get, path = "/api/v1/calendar/{year}", params(("year" = i32, Path)),
    responses((status = 200, body = CalendarYear), (status = 400, body = ErrorBody)))]
pub async fn year(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(year): Path<String>,
) -> ApiResult<Json<CalendarYear>> {
    let year: i32 = year
        .parse()
        .map_err(|_| qltt_app::AppError::bad_input("calendar.invalid_year", "Năm không hợp lệ."))?;
    let days = state.app.calendar_year(&actor, year).await?;
    Ok(Json(CalendarYear { year, days }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayInput {
    /// `holiday` (a non-working day) or `working` (a make-up working day on a weekend).
    pub kind: String,
    pub name: String,
}

/// Sets a day's exception (admin).
#[utoipa::path(operation_id = "calendar_set_day", put, path = "/api/v1/calendar/days/{date}", params(("date" = String, Path)), request_body = DayInput,
    responses((status = 200, body = CalendarDayRow), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn set_day(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(date): Path<String>,
    ApiJson(input): ApiJson<DayInput>,
) -> ApiResult<Json<CalendarDayRow>> {
    Ok(Json(
        state
            .app
            .set_calendar_day(&actor, &date, &input.kind, &input.name)
            .await?,
    ))
}

/// Returns a day to the weekly rule (admin).
#[utoipa::path(operation_id = "calendar_clear_day", delete, path = "/api/v1/calendar/days/{date}", params(("date" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn clear_day(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(date): Path<String>,
) -> ApiResult<StatusCode> {
    state.app.clear_calendar_day(&actor, &date).await?;
    Ok(StatusCode::NO_CONTENT)
}
