use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use qltt_app::auth::SignedIn;
use qltt_store::auth::TokenRow;
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authed};

/// The caller's live tokens (sessions and API keys), without secrets.
#[utoipa::path(operation_id = "tokens_list", get, path = "/api/v1/tokens", responses((status = 200, body = Vec<TokenRow>)))]
pub async fn list(
    State(state): State<AppState>,
    Authed(actor): Authed,
) -> ApiResult<Json<Vec<TokenRow>>> {
    Ok(Json(state.app.list_tokens(&actor).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    pub name: String,
    /// 1–365
    pub expires_in_days: i64,
}

/// Creates a named API token for scripts and other agencies' systems; the secret is shown once.
#[utoipa::path(operation_id = "tokens_create", post, path = "/api/v1/tokens", request_body = NewTokenBody,
    responses((status = 201, body = SignedIn), (status = 400, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiJson(b): ApiJson<NewTokenBody>,
) -> ApiResult<(StatusCode, Json<SignedIn>)> {
    let t = state
        .app
        .create_api_token(&actor, &b.name, b.expires_in_days)
        .await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// Revokes one of the caller's tokens.
#[utoipa::path(operation_id = "tokens_revoke", delete, path = "/api/v1/tokens/{id}", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.app.revoke_token(&actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
