//! `Idempotency-Key` on creating requests (api.md): the first request with a key runs and its
//! response is kept; a retry with the same key and body gets that response again (with
//! `Idempotent-Replayed: true`) and creates nothing; the same key with another body is a 409.
//! Keys are per officer, so two officers cannot collide or read each other's responses.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use qltt_app::ErrorKind;
use qltt_store::idempotency::{self, Reservation};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::ApiError;
use crate::extract::bearer;

const MAX_BODY: usize = 2 * 1024 * 1024;

/// The stored copy of a response never holds a secret shown once (an API token): the secret is
/// blanked, so a replay tells the client the token exists (its `token_id`, to revoke it) without
/// the database ever holding it in clear.
fn redact_secrets(body: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut v) => {
            if let Some(obj) = v.as_object_mut()
                && obj.contains_key("token")
            {
                obj.insert("token".into(), serde_json::Value::Null);
                obj.insert("token_redacted".into(), serde_json::Value::Bool(true));
            }
            v.to_string()
        }
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    }
}

pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(key) = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
    else {
        return next.run(req).await;
    };
    if key.is_empty() || key.len() > 200 {
        return ApiError::new(
            ErrorKind::BadInput,
            "idempotency.invalid_key",
            "Idempotency-Key phải có từ 1 đến 200 ký tự.",
        )
        .into_response();
    }
    let (parts, body) = req.into_parts();
    // Only authenticated requests have an owner for the key; others run as usual.
    let actor = match bearer(&parts) {
        Some(token) => match state.app.authenticate(&token).await {
            Ok(a) => a,
            Err(e) => return ApiError::from(e).into_response(),
        },
        None => return next.run(Request::from_parts(parts, body)).await,
    };
    let bytes = match to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return ApiError::new(
                ErrorKind::BadInput,
                "request.too_large",
                "Dữ liệu gửi lên quá lớn.",
            )
            .into_response();
        }
    };
    let request_hash = hex::encode(Sha256::digest(&bytes));
    let path = parts.uri.path().to_string();
    let reservation = idempotency::reserve(
        state.app.db.pool(),
        &actor.id,
        &key,
        "POST",
        &path,
        &request_hash,
        state.app.now(),
    )
    .await;
    match reservation {
        Err(e) => ApiError::from(qltt_app::AppError::from(e)).into_response(),
        Ok(Reservation::Mismatch) => ApiError::new(
            ErrorKind::Conflict,
            "idempotency.key_reused",
            "Idempotency-Key này đã được dùng cho một yêu cầu khác.",
        )
        .into_response(),
        Ok(Reservation::InProgress) => ApiError::new(
            ErrorKind::Conflict,
            "idempotency.in_progress",
            "Yêu cầu với Idempotency-Key này đang được xử lý.",
        )
        .into_response(),
        Ok(Reservation::Replay { status, body }) => {
            let mut resp = (
                StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                body,
            )
                .into_response();
            resp.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            resp
        }
        Ok(Reservation::Fresh) => {
            // The work runs on its own task: when a phone on a weak link gives up and closes the
            // connection, the request still finishes and its answer is stored, so the retry gets
            // that answer instead of "in progress" forever (or a half-done change).
            let app = state.app.clone();
            let work = tokio::spawn(async move {
                let resp = next
                    .run(Request::from_parts(parts, Body::from(bytes)))
                    .await;
                let status = resp.status();
                let (rparts, rbody) = resp.into_parts();
                let rbytes = to_bytes(rbody, MAX_BODY).await.unwrap_or_default();
                let stored = if status.is_server_error() {
                    // A crash is not an answer: free the key so the retry runs again.
                    idempotency::release(app.db.pool(), &actor.id, &key).await
                } else {
                    let text = redact_secrets(&rbytes);
                    idempotency::complete(app.db.pool(), &actor.id, &key, status.as_u16(), &text)
                        .await
                };
                if let Err(e) = stored {
                    tracing::error!(error = %e, "could not store idempotent response");
                }
                Response::from_parts(rparts, Body::from(rbytes))
            });
            match work.await {
                Ok(resp) => resp,
                Err(e) => ApiError::from(qltt_app::AppError::internal(e)).into_response(),
            }
        }
    }
}
