use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use qltt_app::auth::{SignedIn, TokenKind, UserSummary};
use secrecy::SecretString;
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authed, ClientAddr};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    pub username: String,
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

/// Sign in: returns a bearer token (valid 12 hours) and the officer.
#[utoipa::path(operation_id = "session_login", post, path = "/api/v1/session", security(()), request_body = LoginInput,
    responses((status = 200, body = SignedIn), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(input): ApiJson<LoginInput>,
) -> ApiResult<Json<SignedIn>> {
    let signed = state
        .app
        .login(&input.username, input.password, &addr, TokenKind::Session)
        .await?;
    Ok(Json(signed))
}

/// Sign out: revokes the token of this request.
#[utoipa::path(operation_id = "session_logout", delete, path = "/api/v1/session", responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(State(state): State<AppState>, Authed(actor): Authed) -> ApiResult<StatusCode> {
    state.app.logout(&actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in officer, with unit and roles.
#[utoipa::path(operation_id = "session_me", get, path = "/api/v1/me", responses((status = 200, body = UserSummary), (status = 401, body = ErrorBody)))]
pub async fn me(
    State(state): State<AppState>,
    Authed(actor): Authed,
) -> ApiResult<Json<UserSummary>> {
    Ok(Json(state.app.user_summary(&actor.id).await?))
}
