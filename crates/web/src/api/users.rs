use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use qltt_app::officers::{NewOfficerInput, Officer};
use serde::Deserialize;

use super::ListOf;
use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Authed};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Only officers whose home unit is this one.
    pub unit_id: Option<String>,
}

/// Officers of the caller's scope, by username.
#[utoipa::path(operation_id = "users_list", get, path = "/api/v1/users", params(UserQuery),
    responses((status = 200, body = ListOf<Officer>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiQuery(q): ApiQuery<UserQuery>,
) -> ApiResult<Json<ListOf<Officer>>> {
    let page = state
        .app
        .officers(
            &actor,
            q.unit_id.as_deref(),
            q.cursor.as_deref(),
            q.limit.unwrap_or(50),
        )
        .await?;
    Ok(Json(ListOf {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    pub username: String,
    pub full_name: String,
    #[schema(value_type = String, format = Password)]
    pub password: secrecy::SecretString,
    pub unit_id: String,
    /// admin, unit_head, deputy_unit_head, team_leader, inspector, warehouse_keeper, clerk,
    /// accountant, hr_officer, viewer
    pub roles: Vec<String>,
    /// ksv | ksv_chinh | ksv_cao_cap
    pub rank: Option<String>,
}

/// Creates an officer in a unit of the caller's scope (admin, unit head, HR officer).
#[utoipa::path(operation_id = "users_create", post, path = "/api/v1/users", request_body = NewUserBody,
    responses((status = 201, body = Officer), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiJson(b): ApiJson<NewUserBody>,
) -> ApiResult<(StatusCode, Json<Officer>)> {
    let input = NewOfficerInput {
        username: b.username,
        full_name: b.full_name,
        password: b.password,
        unit_id: b.unit_id,
        roles: b.roles,
        rank: b.rank,
    };
    Ok((
        StatusCode::CREATED,
        Json(state.app.create_officer(&actor, input).await?),
    ))
}

#[utoipa::path(operation_id = "users_get_one", get, path = "/api/v1/users/{id}", params(("id" = String, Path)),
    responses((status = 200, body = Officer), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Officer>> {
    Ok(Json(state.app.officer(&actor, &id).await?))
}

/// Deactivates an officer: signs them out everywhere; records stay.
#[utoipa::path(operation_id = "users_deactivate", post, path = "/api/v1/users/{id}/deactivate", params(("id" = String, Path)),
    responses((status = 200, body = Officer), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn deactivate(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Officer>> {
    Ok(Json(
        state.app.set_officer_active(&actor, &id, false).await?,
    ))
}

#[utoipa::path(operation_id = "users_reactivate", post, path = "/api/v1/users/{id}/reactivate", params(("id" = String, Path)),
    responses((status = 200, body = Officer), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reactivate(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Officer>> {
    Ok(Json(state.app.set_officer_active(&actor, &id, true).await?))
}
