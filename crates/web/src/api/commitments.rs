//! Commitments (cam kết): `GET/POST /api/v1/commitment-campaigns`,
//! `GET /api/v1/commitment-campaigns/{id}`, `POST /api/v1/commitment-campaigns/{id}/commitments`,
//! `POST /api/v1/commitments/{id}/withdraw`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use qltt_app::commitments::{
    Campaign, CampaignDetail, CampaignInput, CampaignPage, Commitment, CommitmentInput,
    WithdrawInput,
};
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Authed};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CampaignQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The campaigns the caller sees (run by their unit, a unit below it or a unit above it), newest
/// start first; `signed` counts the commitments in force of the caller's scope.
#[utoipa::path(operation_id = "commitment_campaigns_list", get, path = "/api/v1/commitment-campaigns", params(CampaignQuery),
    responses((status = 200, body = CampaignPage), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiQuery(q): ApiQuery<CampaignQuery>,
) -> ApiResult<Json<CampaignPage>> {
    Ok(Json(
        state
            .app
            .list_commitment_campaigns(&actor, q.cursor.as_deref(), q.limit.unwrap_or(50))
            .await?,
    ))
}

/// Opens a campaign for the caller's unit or a unit below it (admin, unit head, deputy, team
/// leader).
#[utoipa::path(operation_id = "commitment_campaigns_create", post, path = "/api/v1/commitment-campaigns", request_body = CampaignInput,
    responses((status = 201, body = Campaign), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiJson(input): ApiJson<CampaignInput>,
) -> ApiResult<(StatusCode, Json<Campaign>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.create_commitment_campaign(&actor, input).await?),
    ))
}

/// A campaign with the counts per team and the commitments (latest 500) of the caller's scope.
#[utoipa::path(operation_id = "commitment_campaigns_get_one", get, path = "/api/v1/commitment-campaigns/{id}", params(("id" = String, Path)),
    responses((status = 200, body = CampaignDetail), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<CampaignDetail>> {
    Ok(Json(state.app.commitment_campaign(&actor, &id).await?))
}

/// Records a business's signed commitment: 201 when new, 200 with the existing one when the
/// business had already signed in this campaign (409 `commitment.withdrawn` if it withdrew). A
/// merged record's commitment goes to the record that stayed.
#[utoipa::path(operation_id = "commitments_record", post, path = "/api/v1/commitment-campaigns/{id}/commitments", params(("id" = String, Path)), request_body = CommitmentInput,
    responses((status = 201, body = Commitment), (status = 200, body = Commitment, description = "already recorded"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CommitmentInput>,
) -> ApiResult<(StatusCode, Json<Commitment>)> {
    let (c, created) = state.app.record_commitment(&actor, &id, input).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(c)))
}

/// Records that the business withdrew its commitment; it no longer holds from today.
#[utoipa::path(operation_id = "commitments_withdraw", post, path = "/api/v1/commitments/{id}/withdraw", params(("id" = String, Path)), request_body = WithdrawInput,
    responses((status = 200, body = Commitment), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<WithdrawInput>,
) -> ApiResult<Json<Commitment>> {
    Ok(Json(
        state.app.withdraw_commitment(&actor, &id, input).await?,
    ))
}
