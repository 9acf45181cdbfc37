//! `GET /api/v1/reports/summary` (JSON, `?format=csv|xlsx|pdf`, or `/summary.csv`, `/summary.xlsx`,
//! `/summary.pdf`): the figures of a unit subtree over a period, for leaders; the PDF is the unit's
//! report of those figures (Decree 30/2020 layout).

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use qltt_app::reports::{Summary, SummaryQuery, export};
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiQuery, Authed};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SummaryParams {
    /// First day (YYYY-MM-DD; default: 1 January of `to`'s year).
    pub from: Option<NaiveDate>,
    /// Last day (YYYY-MM-DD; default: today).
    pub to: Option<NaiveDate>,
    /// The unit whose subtree is counted (default: the caller's unit). `unit_id` is accepted too.
    #[serde(alias = "unit_id")]
    pub unit: Option<String>,
    /// day | month (default) | quarter | year | unit | group | channel | agency
    pub group_by: Option<String>,
    /// json (default) | csv | xlsx | pdf
    pub format: Option<String>,
}

impl SummaryParams {
    fn query(&self) -> SummaryQuery {
        SummaryQuery {
            from: self.from,
            to: self.to,
            unit_id: self.unit.clone(),
            group_by: self.group_by.clone(),
        }
    }
}

/// The figures of a unit subtree (merged units included) over a period: cases inspected, with
/// violations, acts, fines imposed / collected / outstanding, value of goods seized, confiscated,
/// destroyed, cases transferred; with rows by period, unit, violation group, channel or agency.
#[utoipa::path(operation_id = "reports_summary", get, path = "/api/v1/reports/summary", params(SummaryParams),
    // One 200 with its three media types: three `status = 200` entries would each replace the
    // one before, leaving only the XLSX one in the document (found by schemathesis).
    responses((status = 200, description = "JSON; CSV with format=csv; XLSX with format=xlsx; PDF (the unit's report) with format=pdf", content(
            (Summary = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "application/pdf"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "`unit` is not a unit of the caller's scope")))]
pub async fn summary(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiQuery(p): ApiQuery<SummaryParams>,
) -> ApiResult<Response> {
    let format = p.format.clone().unwrap_or_else(|| "json".into());
    respond(&state, &actor, &p, &format).await
}

/// `/api/v1/reports/summary.csv`: the same as `?format=csv`.
pub async fn summary_csv(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiQuery(p): ApiQuery<SummaryParams>,
) -> ApiResult<Response> {
    respond(&state, &actor, &p, "csv").await
}

/// `/api/v1/reports/summary.xlsx`: the same as `?format=xlsx`.
pub async fn summary_xlsx(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiQuery(p): ApiQuery<SummaryParams>,
) -> ApiResult<Response> {
    respond(&state, &actor, &p, "xlsx").await
}

/// `/api/v1/reports/summary.pdf`: the same as `?format=pdf`.
pub async fn summary_pdf(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiQuery(p): ApiQuery<SummaryParams>,
) -> ApiResult<Response> {
    respond(&state, &actor, &p, "pdf").await
}

async fn respond(
    state: &AppState,
    actor: &qltt_app::Actor,
    p: &SummaryParams,
    format: &str,
) -> ApiResult<Response> {
    if !matches!(format, "json" | "csv" | "xlsx" | "pdf") {
        return Err(ApiError::from(qltt_app::AppError::bad_input(
            "report.invalid_format",
            "Định dạng không hợp lệ (json, csv, xlsx, pdf).",
        )));
    }
    if format == "pdf" {
        let (s, pdf) = state.app.report_summary_pdf(actor, &p.query()).await?;
        return Ok(download(&s, "pdf", "application/pdf", pdf));
    }
    let s = state.app.report_summary(actor, &p.query()).await?;
    Ok(file_response(&s, format)?)
}

/// The summary in `format` (json, csv or xlsx) with its download headers.
pub fn file_response(s: &Summary, format: &str) -> qltt_app::AppResult<Response> {
    let (bytes, mime) = match format {
        "csv" => (export::csv(s)?, "text/csv; charset=utf-8"),
        "xlsx" => (
            export::xlsx(s)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        _ => return Ok(Json(s).into_response()),
    };
    Ok(download(s, format, mime, bytes))
}

/// A file of the summary with its download headers.
fn download(s: &Summary, ext: &str, mime: &str, bytes: Vec<u8>) -> Response {
    let name = format!("bao-cao-tong-hop_{}_{}", s.from, s.to);
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{ext}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RiskParams {
    /// The unit whose subtree is counted (default: the caller's unit). `unit_id` is accepted too.
    #[serde(alias = "unit_id")]
    pub unit: Option<String>,
}

/// Deadlines at risk as of today: the open deadlines of a unit subtree overdue or due within 2
/// days, in total, by unit below it and by kind of deadline (the dashboard's panel).
#[utoipa::path(operation_id = "reports_deadlines", get, path = "/api/v1/reports/deadlines", params(RiskParams),
    responses((status = 200, body = qltt_app::reports::risk::DeadlineRisk), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn deadlines(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiQuery(p): ApiQuery<RiskParams>,
) -> ApiResult<Json<qltt_app::reports::risk::DeadlineRisk>> {
    Ok(Json(
        state
            .app
            .deadline_risk(&actor, p.unit.as_deref().filter(|u| !u.is_empty()))
            .await?,
    ))
}
