//! Extractors: the acting officer (from a bearer token or the page cookie), JSON bodies whose
//! every rejection becomes a 400 with a clear code, and the client's address.

use std::net::SocketAddr;

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::Method;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use qltt_app::{Actor, AppError, ErrorKind};
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::AppState;
use crate::csrf::constant_time_eq;
use crate::error::ApiError;

pub const SESSION_COOKIE: &str = "qltt_session";

/// The officer behind an API request. With a bearer token no CSRF check is needed (a browser never
/// attaches it on its own); with the page cookie, unsafe methods must carry `X-CSRF-Token`.
pub struct Authed(pub Actor);

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(token) = bearer(parts) {
            return Ok(Authed(state.app.authenticate(&token).await?));
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(cookie) = jar.get(SESSION_COOKIE) else {
            return Err(AppError::unauthenticated().into());
        };
        let actor = state.app.authenticate(cookie.value()).await?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let presented = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let expected = actor.csrf.as_deref().unwrap_or("");
            if expected.is_empty() || !constant_time_eq(presented, expected) {
                return Err(ApiError::new(
                    ErrorKind::Forbidden,
                    "auth.csrf",
                    "Phiên làm việc không hợp lệ, vui lòng tải lại trang.",
                ));
            }
        }
        Ok(Authed(actor))
    }
}

pub fn bearer(parts: &Parts) -> Option<String> {
    let value = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// A JSON body. Malformed JSON, invalid UTF-8, unknown fields, wrong types and a missing content
/// type all become 400 with a code, never 500.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|ct| {
                ct.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .is_some_and(|ct| ct == "application/json" || ct.ends_with("+json"));
        if !is_json {
            return Err(ApiError(
                AppError::new(
                    ErrorKind::BadInput,
                    "request.content_type",
                    "Cần gửi dữ liệu với Content-Type: application/json.",
                ),
                None,
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                ApiError(
                    AppError::new(
                        ErrorKind::BadInput,
                        "request.too_large",
                        "Dữ liệu gửi lên quá lớn hoặc không đọc được.",
                    ),
                    None,
                )
                .with_details(json!({"reason": e.body_text()}))
            })?;
        // PostgreSQL cannot store U+0000 in text, and no field of ours has a use for it: refuse it
        // here, naming the field, before it reaches any query (ids included).
        if contains_escaped_nul(&bytes)
            && let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes)
            && let Some(field) = field_with_nul(&value, "")
        {
            return Err(ApiError(
                AppError::new(
                    ErrorKind::BadInput,
                    "validation.control_characters",
                    "Có ký tự điều khiển không hợp lệ.",
                ),
                None,
            )
            .with_details(json!({"field": field})));
        }
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

/// `\u0000` anywhere in a JSON text (the only way JSON can carry a NUL character).
fn contains_escaped_nul(bytes: &[u8]) -> bool {
    bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"))
}

/// The name of the first field (by key, at any depth) whose string value holds a NUL.
fn field_with_nul(v: &serde_json::Value, key: &str) -> Option<String> {
    match v {
        serde_json::Value::String(s) if s.contains('\0') => Some(key.to_string()),
        serde_json::Value::Array(items) => items.iter().find_map(|x| field_with_nul(x, key)),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, x)| {
            if k.contains('\0') {
                Some(k.replace('\0', ""))
            } else {
                field_with_nul(x, k)
            }
        }),
        _ => None,
    }
}

pub fn nul_character() -> ApiError {
    ApiError(
        AppError::new(
            ErrorKind::BadInput,
            "request.nul_character",
            "Dữ liệu chứa ký tự NUL không hợp lệ.",
        ),
        None,
    )
}

fn json_rejection(r: JsonRejection) -> ApiError {
    let detail = r.body_text();
    let (code, message) = match &r {
        JsonRejection::JsonDataError(_) => (
            "request.invalid_body",
            "Dữ liệu gửi lên không đúng cấu trúc (thiếu trường, thừa trường hoặc sai kiểu).",
        ),
        JsonRejection::JsonSyntaxError(_) => (
            "request.malformed_json",
            "Dữ liệu gửi lên không phải JSON hợp lệ (hoặc không phải UTF-8).",
        ),
        JsonRejection::MissingJsonContentType(_) => (
            "request.content_type",
            "Cần gửi dữ liệu với Content-Type: application/json.",
        ),
        JsonRejection::BytesRejection(_) => (
            "request.too_large",
            "Dữ liệu gửi lên quá lớn hoặc không đọc được.",
        ),
        _ => ("request.invalid_body", "Dữ liệu gửi lên không hợp lệ."),
    };
    ApiError(AppError::new(ErrorKind::BadInput, code, message), None)
        .with_details(json!({"reason": detail}))
}

/// The client's address, for throttling sign-in attempts. Behind a reverse proxy every request
/// comes from the proxy, so with `QLTT_TRUST_FORWARDED` the first address of `X-Forwarded-For`
/// (set by that proxy) is used instead; without it the header is ignored, since any client could
/// forge it to dodge the throttle.
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.trust_forwarded
            && let Some(first) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        {
            return Ok(ClientAddr(first.chars().take(64).collect()));
        }
        let addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ci| ci.0.ip().to_string())
            .unwrap_or_else(|| "unknown".into());
        Ok(ClientAddr(addr))
    }
}

/// Query parameters; a bad value (`?limit=abc`, an unknown parameter) is a 400 with a code.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(r) => Err(ApiError(
                AppError::new(
                    ErrorKind::BadInput,
                    "request.invalid_query",
                    "Tham số truy vấn không hợp lệ.",
                ),
                None,
            )
            .with_details(json!({"reason": r.body_text()}))),
        }
    }
}
