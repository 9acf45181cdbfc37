//! CSRF protection for the pages. Page sessions carry a random token; every unsafe request made
//! with the session cookie must present it (form field `csrf` or header `X-CSRF-Token`). Before
//! sign-in, the login form uses a double-submit cookie. The cookie itself is SameSite=Lax and
//! HttpOnly, so this is the second line of defence, not the only one.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;

use crate::AppState;
use crate::extract::SESSION_COOKIE;

pub const PRELOGIN_COOKIE: &str = "qltt_csrf";

pub fn constant_time_eq(a: &str, b: &str) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.bytes()
        .zip(b.bytes())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// A multipart form's `csrf` field against the session's token (the guard cannot read
/// multipart bodies, so upload handlers call this before acting on anything they read).
pub fn multipart_token_ok(presented: Option<&str>, expected: Option<&str>) -> bool {
    match (presented, expected) {
        (Some(p), Some(e)) => !e.is_empty() && constant_time_eq(p, e),
        _ => false,
    }
}

/// Middleware for the page routes.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let jar = CookieJar::from_headers(req.headers());
    let expected = match jar.get(SESSION_COOKIE) {
        Some(c) => match state.app.authenticate(c.value()).await {
            Ok(actor) => actor.csrf.unwrap_or_default(),
            // An expired session: let the handler redirect to sign-in (it cannot act anyway).
            Err(_) => jar
                .get(PRELOGIN_COOKIE)
                .map(|c| c.value().to_string())
                .unwrap_or_default(),
        },
        None => jar
            .get(PRELOGIN_COOKIE)
            .map(|c| c.value().to_string())
            .unwrap_or_default(),
    };
    let header = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "Dữ liệu quá lớn.").into_response(),
    };
    // Form fields are stored as text; PostgreSQL refuses NUL in text, and no form needs it.
    if bytes.windows(3).any(|w| w.eq_ignore_ascii_case(b"%00")) {
        return (
            StatusCode::BAD_REQUEST,
            "Dữ liệu chứa ký tự NUL không hợp lệ.",
        )
            .into_response();
    }
    let presented = header.or_else(|| {
        form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned())
    });
    let ok = !expected.is_empty()
        && presented
            .as_deref()
            .is_some_and(|p| constant_time_eq(p, &expected));
    if !ok {
        tracing::warn!(path = %parts.uri.path(), "csrf check failed");
        return (
            StatusCode::FORBIDDEN,
            axum::response::Html(
                "<!doctype html><meta charset=utf-8><title>QLTT</title>\
                 <p>Phiên làm việc không hợp lệ hoặc đã hết hạn. <a href=\"/login\">Đăng nhập lại</a>.</p>",
            ),
        )
            .into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}
