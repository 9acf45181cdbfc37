use axum::Json;
use axum::extract::State;
use qltt_app::ErrorKind;
use qltt_store::audit::AuditEvent;
use serde::Deserialize;

use super::ListOf;
use crate::AppState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiQuery, Authed};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only events about this entity id.
    pub entity: Option<String>,
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Audit events of the caller's scope, newest first (unit heads, deputies, administrators).
#[utoipa::path(operation_id = "audit_list", get, path = "/api/v1/audit", params(AuditQuery),
    responses((status = 200, body = ListOf<AuditEvent>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<ListOf<AuditEvent>>> {
    let before = match q.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(c.parse::<i64>().map_err(|_| {
            ApiError::new(
                ErrorKind::BadInput,
                "request.invalid_cursor",
                "Con trỏ phân trang không hợp lệ.",
            )
        })?),
    };
    let page = state
        .app
        .audit_events(&actor, q.entity.as_deref(), before, q.limit.unwrap_or(100))
        .await?;
    Ok(Json(ListOf {
        items: page.items,
        next_cursor: page.next_cursor.map(|s| s.to_string()),
    }))
}
