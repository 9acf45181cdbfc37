//! Periodic reports (báo cáo định kỳ): `GET/POST /api/v1/periodic-reports`,
//! `GET /api/v1/periodic-reports/{id}`, the status board of a period
//! `GET /api/v1/periodic-reports/{id}/board`, the INS figures to pre-fill
//! `GET /api/v1/periodic-reports/{id}/prefill`, sending a unit's report
//! `POST /api/v1/periodic-reports/{id}/submissions`, and a submission with its history and review
//! `GET /api/v1/periodic-reports/submissions/{id}`,
//! `POST /api/v1/periodic-reports/submissions/{id}/actions/{action}` (accept, return),
//! `PATCH /api/v1/periodic-reports/{id}` (change), `GET /api/v1/periodic-reports/{id}/events`
//! (the board, live) and `POST /api/v1/periodic-reports/{id}/deactivate`.

use std::convert::Infallible;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use qltt_app::periodic_reports::{
    Board, DeactivateInput, PeriodicReport, PeriodicReportEdit, PeriodicReportInput, Prefill,
    ReportEvent, ReviewInput, Submission, SubmissionInput,
};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Authed};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PeriodicReportList {
    pub items: Vec<PeriodicReport>,
}

/// The reports defined by a unit of the caller's scope or targeting one, newest first.
#[utoipa::path(operation_id = "periodic_reports_list", get, path = "/api/v1/periodic-reports", params(ListQuery),
    responses((status = 200, body = PeriodicReportList), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<PeriodicReportList>> {
    Ok(Json(PeriodicReportList {
        items: state
            .app
            .list_periodic_reports(&actor, q.limit.unwrap_or(100))
            .await?,
    }))
}

/// Defines a recurring report (leaders) that units below the defining unit must send: weekly,
/// monthly, quarterly or yearly, as a form of figures (optionally pre-filled from INS) or a file,
/// due `deadline_days` after each period (then the next working day).
#[utoipa::path(operation_id = "periodic_reports_define", post, path = "/api/v1/periodic-reports", request_body = PeriodicReportInput,
    responses((status = 201, body = PeriodicReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiJson(input): ApiJson<PeriodicReportInput>,
) -> ApiResult<(StatusCode, Json<PeriodicReport>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.define_periodic_report(&actor, input).await?),
    ))
}

/// A report definition with its target units and its current and last periods.
#[utoipa::path(operation_id = "periodic_reports_get_one", get, path = "/api/v1/periodic-reports/{id}", params(("id" = String, Path)),
    responses((status = 200, body = PeriodicReport), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<PeriodicReport>> {
    Ok(Json(state.app.periodic_report(&actor, &id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    /// The period's key (2026-W12, 2026-03, 2026-Q1, 2026); default the period just ended.
    pub period: Option<String>,
    /// The unit the report is sent for (prefill; default the caller's).
    pub unit_id: Option<String>,
}

/// Who sent the report of a period on time, late, or not yet (overdue or still pending).
#[utoipa::path(operation_id = "periodic_reports_board", get, path = "/api/v1/periodic-reports/{id}/board",
    params(("id" = String, Path), PeriodQuery),
    responses((status = 200, body = Board), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn board(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<Board>> {
    Ok(Json(
        state
            .app
            .periodic_report_board(&actor, &id, q.period.as_deref())
            .await?,
    ))
}

/// The INS figures of the period for the unit's subtree (the totals of
/// `GET /api/v1/reports/summary` for that unit and period), for the fields named like them.
#[utoipa::path(operation_id = "periodic_reports_prefill", get, path = "/api/v1/periodic-reports/{id}/prefill",
    params(("id" = String, Path), PeriodQuery),
    responses((status = 200, body = Prefill), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn prefill(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<Prefill>> {
    Ok(Json(
        state
            .app
            .periodic_report_prefill(&actor, &id, q.period.as_deref(), q.unit_id.as_deref())
            .await?,
    ))
}

/// Sends a unit's report for a period (201), or its corrected version after a return (200).
/// 409 `periodic_report.invalid_transition` when it was already sent; a retry with the same
/// `Idempotency-Key` gets the first answer.
#[utoipa::path(operation_id = "periodic_reports_submit", post, path = "/api/v1/periodic-reports/{id}/submissions",
    params(("id" = String, Path)), request_body = SubmissionInput,
    responses((status = 201, body = Submission), (status = 200, body = Submission), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<SubmissionInput>,
) -> ApiResult<(StatusCode, Json<Submission>)> {
    let s = state.app.submit_periodic_report(&actor, &id, input).await?;
    let status = if s.row.version == 1 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(s)))
}

/// A submission with every version sent and every review.
#[utoipa::path(operation_id = "periodic_reports_submission", get, path = "/api/v1/periodic-reports/submissions/{id}",
    params(("id" = String, Path)),
    responses((status = 200, body = Submission), (status = 404, body = ErrorBody)))]
pub async fn submission(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Submission>> {
    Ok(Json(
        state.app.periodic_report_submission(&actor, &id).await?.0,
    ))
}

/// A review by a leader of the defining unit: `accept`, or `return` with what to correct (the
/// unit then sends a new version). 409 `periodic_report.invalid_transition` when the state does
/// not allow it.
#[utoipa::path(operation_id = "periodic_reports_review", post, path = "/api/v1/periodic-reports/submissions/{id}/actions/{action}",
    params(("id" = String, Path), ("action" = String, Path)), request_body = ReviewInput,
    responses((status = 200, body = Submission), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn review(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path((id, action)): Path<(String, String)>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> ApiResult<Json<Submission>> {
    Ok(Json(
        state
            .app
            .review_periodic_report(&actor, &id, &action, input)
            .await?,
    ))
}

/// Changes what a report says and its form (a leader whose scope holds the defining unit), with
/// the reason; audited before and after. Once a unit has sent it, every field stays with its kind
/// (422 `periodic_report.field_in_use`); `base_updated_at` older than the report is 409
/// `periodic_report.changed`; no change is 400 `periodic_report.nothing_changed`.
#[utoipa::path(operation_id = "periodic_reports_edit", patch, path = "/api/v1/periodic-reports/{id}",
    params(("id" = String, Path)), request_body = PeriodicReportEdit,
    responses((status = 200, body = PeriodicReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PeriodicReportEdit>,
) -> ApiResult<Json<PeriodicReport>> {
    Ok(Json(
        state.app.edit_periodic_report(&actor, &id, input).await?,
    ))
}

/// Server-sent events: a `report` event each time a unit of the report sends it (again) or a
/// leader accepts or returns it, for the board; `reload` when the stream fell behind. 404 for a
/// report the caller does not see.
#[utoipa::path(operation_id = "periodic_reports_events", get, path = "/api/v1/periodic-reports/{id}/events",
    params(("id" = String, Path)),
    responses((status = 200, description = "text/event-stream"), (status = 404, body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let rx = state.app.watch_periodic_report(&actor, &id).await?;
    Ok(Sse::new(report_stream(rx, id)).keep_alive(KeepAlive::default()))
}

pub(crate) fn report_stream(
    rx: tokio::sync::broadcast::Receiver<ReportEvent>,
    id: String,
) -> impl Stream<Item = Result<Event, Infallible>> {
    super::sse::entity_stream(
        rx,
        move |ev: &ReportEvent| ev.report_id == id,
        "report",
        "reload",
    )
}

/// Stops collecting a report (a leader whose scope holds the defining unit), with the reason:
/// it leaves the home queues and takes no new submission; what was sent stays. 422
/// `periodic_report.inactive` when it was stopped already.
#[utoipa::path(operation_id = "periodic_reports_deactivate", post, path = "/api/v1/periodic-reports/{id}/deactivate",
    params(("id" = String, Path)), request_body = DeactivateInput,
    responses((status = 200, body = PeriodicReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn deactivate(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<DeactivateInput>,
) -> ApiResult<Json<PeriodicReport>> {
    Ok(Json(
        state
            .app
            .deactivate_periodic_report(&actor, &id, input)
            .await?,
    ))
}
