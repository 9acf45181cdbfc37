use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use qltt_app::org::{NewUnitInput, UnitChange, UnitDetail, UnitNode};
use qltt_store::units::UnitRow;
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authed};

/// The organisation tree from the officer's home unit down (merged units under their successor).
#[utoipa::path(operation_id = "units_list", get, path = "/api/v1/units", responses((status = 200, body = UnitNode), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Authed(actor): Authed,
) -> ApiResult<Json<Option<UnitNode>>> {
    Ok(Json(state.app.unit_tree(&actor).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUnitBody {
    pub name: String,
    pub code: String,
    /// national_unit | provincial_unit | team | work_group
    pub kind: String,
    pub parent_id: String,
}

/// Creates a unit under a parent in the officer's scope (administrators).
#[utoipa::path(operation_id = "units_create", post, path = "/api/v1/units", request_body = NewUnitBody,
    responses((status = 201, body = UnitRow), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiJson(body): ApiJson<NewUnitBody>,
) -> ApiResult<(StatusCode, Json<UnitRow>)> {
    let unit = state
        .app
        .create_unit(
            &actor,
            NewUnitInput {
                name: body.name,
                code: body.code,
                kind: body.kind,
                parent_id: Some(body.parent_id),
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(unit)))
}

/// One unit with its history of names and places.
#[utoipa::path(operation_id = "units_get_one", get, path = "/api/v1/units/{id}", params(("id" = String, Path)),
    responses((status = 200, body = UnitDetail), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<UnitDetail>> {
    Ok(Json(state.app.unit(&actor, &id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitChangeBody {
    pub name: Option<String>,
    pub parent_id: Option<String>,
}

/// Renames and/or moves a unit; a new version is recorded, old records keep the unit.
#[utoipa::path(operation_id = "units_change", patch, path = "/api/v1/units/{id}", params(("id" = String, Path)), request_body = UnitChangeBody,
    responses((status = 200, body = UnitRow), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UnitChangeBody>,
) -> ApiResult<Json<UnitRow>> {
    let change = UnitChange {
        name: body.name,
        parent_id: body.parent_id,
    };
    Ok(Json(state.app.change_unit(&actor, &id, change).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// The unit that absorbs this one.
    pub into_unit_id: String,
}

/// Merges unit `{id}` into `into_unit_id`: the unit's validity ends, its sub-units and officers
/// move to the target, its records stay its own and become visible to the target's officers.
#[utoipa::path(operation_id = "units_merge", post, path = "/api/v1/units/{id}/merge", params(("id" = String, Path)), request_body = MergeBody,
    responses((status = 200, body = UnitRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn merge(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MergeBody>,
) -> ApiResult<Json<UnitRow>> {
    Ok(Json(
        state
            .app
            .merge_unit(&actor, &id, &body.into_unit_id)
            .await?,
    ))
}
