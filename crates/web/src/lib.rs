//! HTTP: the JSON API under `/api/v1` (documented by OpenAPI), the server-rendered pages, health
//! and static assets. Handlers are thin: extract → call `app` → render.

pub mod api;
pub mod assets;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod pages;
pub mod routes;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use qltt_app::App;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnRequest, DefaultOnResponse, TraceLayer};
use tracing::Level;

#[derive(Clone)]
pub struct AppState {
    pub app: Arc<App>,
    /// Set the `Secure` attribute on cookies (when served over HTTPS).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_forwarded: bool,
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A NUL character (`%00`) in a path or query is refused up front: no identifier or search has a
/// use for it, and PostgreSQL would refuse it deep inside a query.
async fn reject_nul_in_uri(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let uri = req.uri().to_string();
    if uri.to_ascii_lowercase().contains("%00") {
        return extract::nul_character().into_response();
    }
    next.run(req).await
}

/// The largest request body accepted (photos go through their own upload route later).
pub const MAX_BODY: u64 = 2 * 1024 * 1024;

/// Imports of registers are files of tens of thousands of rows.
pub const MAX_IMPORT_BODY: u64 = 64 * 1024 * 1024;

/// The file upload route: its body streams to the blob store (up to `max_upload_bytes`, gigabytes
/// for camera clips), so it is exempt from the body limits and the request time limit below.
pub const FILES_PATH: &str = "/api/v1/files";

/// How long a request may take ([`time_limit`]); an upload instead may not stall this long.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Every request gets [`REQUEST_TIMEOUT`] (408 after it), except a file upload: a 2 GB clip from
/// an island on a weak link takes far longer, so it is cut off only when no byte arrives for that
/// long (see `api::exhibits::upload`).
async fn time_limit(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if req.method() == axum::http::Method::POST && req.uri().path() == FILES_PATH {
        return next.run(req).await;
    }
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => axum::http::StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

/// A body announced as larger than [`MAX_BODY`] gets a clean 413. The body is read and thrown
/// away first (up to a bound): answering while the client is still sending makes the connection
/// close under it, and a phone on a weak link would see a broken connection instead of a reason.
async fn refuse_oversized_bodies(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use futures_util::StreamExt;
    let announced = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if req.uri().path() == FILES_PATH {
        // Checked by the upload itself against the configured limit, as the bytes stream.
        return next.run(req).await;
    }
    let limit = if req.uri().path().ends_with("/import") {
        MAX_IMPORT_BODY
    } else {
        MAX_BODY
    };
    let Some(len) = announced.filter(|len| *len > limit) else {
        return next.run(req).await;
    };
    if len <= 16 * MAX_BODY {
        let mut stream = req.into_body().into_data_stream();
        while let Some(Ok(_)) = stream.next().await {}
    }
    let mut resp = error::ApiError::new(
        qltt_app::ErrorKind::BadInput,
        "request.too_large",
        "Dữ liệu gửi lên quá lớn (tối đa 2 MB).",
    )
    .into_response();
    *resp.status_mut() = axum::http::StatusCode::PAYLOAD_TOO_LARGE;
    resp
}

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    let api = api::router(state.clone());
    let pages = pages::router(state.clone());
    Router::new()
        .merge(api)
        .merge(pages)
        .merge(assets::routes().0)
        .layer(axum::middleware::from_fn(reject_nul_in_uri))
        .layer(axum::middleware::from_fn(refuse_oversized_bodies))
        .layer(DefaultBodyLimit::max(MAX_BODY as usize))
        .layer(axum::middleware::from_fn(time_limit))
        // Request IDs: taken from the client or made here, logged with every line of the request,
        // and returned so an officer can quote it when reporting a problem.
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get(REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                // Only method, path and id: never the query string (it may carry a search for a
                // person's ID number) nor headers (tokens).
                tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
            })
            // One access-log line per request at INFO: status and latency, inside the span above.
            .on_request(DefaultOnRequest::new().level(Level::DEBUG))
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}
