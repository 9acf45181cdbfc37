//! Stock counts of a warehouse: `GET/POST /api/v1/warehouses/{id}/counts`,
//! `GET /api/v1/stock-counts/{id}`, `POST /api/v1/stock-counts/{id}/lines`, `…/close`,
//! `…/explain`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use qltt_app::exhibits::{
    CloseCountInput, CountLineInput, ExplainInput, OpenCountInput, StockCount,
};
use qltt_store::stock_counts::StockCountRow;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authed};

/// The warehouse's counts, newest first.
#[utoipa::path(operation_id = "stock_counts_list", get, path = "/api/v1/warehouses/{id}/counts", params(("id" = String, Path)),
    responses((status = 200, body = [StockCountRow]), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<StockCountRow>>> {
    Ok(Json(state.app.stock_counts(&actor, &id).await?))
}

/// Opens a count: every lot on the warehouse's shelves is listed with the ledger's quantity.
#[utoipa::path(operation_id = "stock_counts_open", post, path = "/api/v1/warehouses/{id}/counts", params(("id" = String, Path)), request_body = OpenCountInput,
    responses((status = 201, body = StockCount), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn open(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<OpenCountInput>,
) -> ApiResult<(StatusCode, Json<StockCount>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.open_stock_count(&actor, &id, input).await?),
    ))
}

#[utoipa::path(operation_id = "stock_counts_get_one", get, path = "/api/v1/stock-counts/{id}", params(("id" = String, Path)),
    responses((status = 200, body = StockCount), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<StockCount>> {
    Ok(Json(state.app.stock_count(&actor, &id).await?))
}

/// Records what was found of one lot (again to correct a miscount, while the count is open).
#[utoipa::path(operation_id = "stock_counts_record_line", post, path = "/api/v1/stock-counts/{id}/lines", params(("id" = String, Path)), request_body = CountLineInput,
    responses((status = 200, body = StockCount), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_line(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CountLineInput>,
) -> ApiResult<Json<StockCount>> {
    Ok(Json(
        state
            .app
            .record_stock_count_line(&actor, &id, input)
            .await?,
    ))
}

/// Ends the counting: `closed` when every lot matches, `discrepancy` otherwise.
#[utoipa::path(operation_id = "stock_counts_close", post, path = "/api/v1/stock-counts/{id}/close", params(("id" = String, Path)), request_body = CloseCountInput,
    responses((status = 200, body = StockCount), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CloseCountInput>,
) -> ApiResult<Json<StockCount>> {
    Ok(Json(state.app.close_stock_count(&actor, &id, input).await?))
}

/// A leader explains every difference; the count is closed.
#[utoipa::path(operation_id = "stock_counts_explain", post, path = "/api/v1/stock-counts/{id}/explain", params(("id" = String, Path)), request_body = ExplainInput,
    responses((status = 200, body = StockCount), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn explain(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ExplainInput>,
) -> ApiResult<Json<StockCount>> {
    Ok(Json(
        state.app.explain_stock_count(&actor, &id, input).await?,
    ))
}
