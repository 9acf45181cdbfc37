use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use qltt_app::businesses::import::ImportReport;
use qltt_app::businesses::merge::MergeInput;
use qltt_app::businesses::{Business, BusinessInput, BusinessPatch, HistoryEntry};
use serde::Deserialize;

use super::ListOf;
use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Authed};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BusinessQuery {
    /// Words of the name, tax code, address, owner, phone or business lines; diacritics optional.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Finds businesses in the caller's scope.
#[utoipa::path(operation_id = "businesses_list", get, path = "/api/v1/businesses", params(BusinessQuery),
    responses((status = 200, body = ListOf<Business>), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiQuery(q): ApiQuery<BusinessQuery>,
) -> ApiResult<Json<ListOf<Business>>> {
    let page = state
        .app
        .search_businesses(
            &actor,
            q.q.as_deref().unwrap_or(""),
            q.cursor.as_deref(),
            q.limit.unwrap_or(50),
        )
        .await?;
    Ok(Json(ListOf {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Registers a business in the area of a team of the caller's scope.
#[utoipa::path(operation_id = "businesses_create", post, path = "/api/v1/businesses", request_body = BusinessInput,
    responses((status = 201, body = Business), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiJson(input): ApiJson<BusinessInput>,
) -> ApiResult<(StatusCode, Json<Business>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.register_business(&actor, input).await?),
    ))
}

#[utoipa::path(operation_id = "businesses_get_one", get, path = "/api/v1/businesses/{id}", params(("id" = String, Path)),
    responses((status = 200, body = Business), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Business>> {
    Ok(Json(state.app.business(&actor, &id).await?))
}

/// Corrects a business record; give `version` from your last read to be told (409) when someone
/// else changed it meanwhile.
#[utoipa::path(operation_id = "businesses_change", patch, path = "/api/v1/businesses/{id}", params(("id" = String, Path)), request_body = BusinessPatch,
    responses((status = 200, body = Business), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn change(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<BusinessPatch>,
) -> ApiResult<Json<Business>> {
    Ok(Json(state.app.correct_business(&actor, &id, patch).await?))
}

/// Who changed what, oldest first.
#[utoipa::path(operation_id = "businesses_history", get, path = "/api/v1/businesses/{id}/history", params(("id" = String, Path)),
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    Ok(Json(state.app.business_history(&actor, &id).await?))
}

/// Merges the duplicate record `id` into the record `into`, which stays: it keeps its values and
/// takes from the duplicate only the fields it lacks. The duplicate is kept, marked with
/// `merged_into` (its GET still answers, with `survivor_id`), and leaves lists and search. Both
/// must be in the caller's scope (404 otherwise); merging into itself, into a merged record, a
/// merged record, or two records with different tax codes is refused (422).
#[utoipa::path(operation_id = "businesses_merge", post, path = "/api/v1/businesses/{id}/merge",
    params(("id" = String, Path, description = "the duplicate")), request_body = MergeInput,
    responses((status = 200, body = Business, description = "the survivor after the merge"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn merge(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MergeInput>,
) -> ApiResult<Json<Business>> {
    Ok(Json(
        state.app.merge_business(&actor, &id, &input.into).await?,
    ))
}

/// Imports businesses from a CSV file (UTF-8, header row) or an XLSX workbook (its first
/// worksheet, header row, possibly under a title). Columns name, kind, tax_code, address,
/// unit_code and the optional ones, in English or Vietnamese without diacritics. The format is
/// told by the content (an XLSX file is a ZIP archive), not by the content type. Valid rows are
/// committed, rejected rows are reported with line, field and reason; importing the same file
/// again changes nothing.
#[utoipa::path(operation_id = "businesses_import", post, path = "/api/v1/businesses/import",
    request_body(content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses((status = 200, body = ImportReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    Authed(actor): Authed,
    body: axum::body::Bytes,
) -> ApiResult<Json<ImportReport>> {
    Ok(Json(
        state.app.import_businesses(&actor, body.as_ref()).await?,
    ))
}
