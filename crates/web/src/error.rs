//! One place maps errors to HTTP: status from the error's kind, body
//! `{"error":{"code","message","details"}}` (api.md).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qltt_app::{AppError, ErrorKind};
use serde::Serialize;
use serde_json::json;

#[derive(Debug)]
pub struct ApiError(pub AppError, pub Option<serde_json::Value>);

impl ApiError {
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<String>) -> Self {
        ApiError(AppError::new(kind, code, message), None)
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.1 = Some(details);
        self
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e, None)
    }
}

pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::BadInput => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Refused => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The documented error body.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, `area.reason`.
    pub code: String,
    /// For people, in Vietnamese.
    pub message: String,
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let ApiError(e, details) = self;
        let details = match (details, e.field) {
            (Some(d), _) => Some(d),
            (None, Some(field)) => Some(json!({"field": field})),
            (None, None) => None,
        };
        let status = status_of(e.kind);
        let mut resp = (
            status,
            Json(ErrorBody {
                error: ErrorDetail {
                    code: e.code.to_string(),
                    message: e.message,
                    details,
                },
            }),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        resp
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
