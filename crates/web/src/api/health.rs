use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// "ok" when the database answers.
    pub status: &'static str,
    /// "sqlite" or "postgres".
    pub database: &'static str,
    pub version: &'static str,
}

/// Liveness and readiness: answers 200 only when the database answers.
#[utoipa::path(operation_id = "health_healthz", get, path = "/healthz", security(()), responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let ok = state.app.ping().await.is_ok();
    let body = Health {
        status: if ok { "ok" } else { "unavailable" },
        database: state.app.backend(),
        version: env!("CARGO_PKG_VERSION"),
    };
    let code = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(body))
}
