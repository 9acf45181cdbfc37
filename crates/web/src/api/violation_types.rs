//! The violation catalogue: `GET /api/v1/violation-types?q=&group=`, `GET /api/v1/violation-types/{id}`.

use axum::Json;
use axum::extract::{Path, State};
use qltt_store::violation_types::ViolationTypeRow;
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiQuery, Authed};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ViolationTypeQuery {
    /// Words of the description or the article ("nhap lau", "điều 15"); diacritics optional.
    pub q: Option<String>,
    /// counterfeit, smuggled, prohibited, unknown_origin, ip, prices, ecommerce, food_safety, other.
    pub group: Option<String>,
    pub limit: Option<i64>,
}

/// The violation types in force, with their legal basis and frame.
#[utoipa::path(operation_id = "violation_types_list", get, path = "/api/v1/violation-types", params(ViolationTypeQuery),
    responses((status = 200, body = Vec<ViolationTypeRow>), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiQuery(q): ApiQuery<ViolationTypeQuery>,
) -> ApiResult<Json<Vec<ViolationTypeRow>>> {
    Ok(Json(
        state
            .app
            .search_violation_types(
                &actor,
                q.q.as_deref().unwrap_or(""),
                q.group.as_deref(),
                q.limit.unwrap_or(50),
            )
            .await?,
    ))
}

/// One version of a violation type (`code@effective_from`).
#[utoipa::path(operation_id = "violation_types_get_one", get, path = "/api/v1/violation-types/{id}", params(("id" = String, Path)),
    responses((status = 200, body = ViolationTypeRow), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<ViolationTypeRow>> {
    Ok(Json(state.app.violation_type(&actor, &id).await?))
}
