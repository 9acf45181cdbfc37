//! `Idempotency-Key` on creating requests (api.md): a retry with the same key and body gets the
//! first response again (with `Idempotent-Replayed: true`) and creates nothing; the same key with
//! another body is a 409. Keys are per officer, so two officers cannot collide or read each
//! other's responses. The key commits in the same transaction as the change it asked for (see
//! `qltt_store::idempotency`), so a server killed at any instant never runs a request twice and
//! never leaves a retry waiting forever.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use qltt_app::ErrorKind;
use qltt_store::idempotency::{self, KeyContext, Lookup};
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
    // A file upload needs no key: its result is the file's SHA-256, so sending the same bytes
    // again returns the same record and stores nothing twice; and its body (gigabytes) streams
    // to the blob store instead of being read here to hash the request.
    // A preview (`…/preview`) writes nothing: running it twice is harmless, and keeping its
    // key would make the step itself, sent with the same key, a "key reused" conflict.
    if req.method() != Method::POST
        || req.uri().path() == crate::FILES_PATH
        || req.uri().path().ends_with("/preview")
    {
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
    let ctx = KeyContext::new(&actor.id, &key, "POST", &path, &request_hash);
    if let Some(answer) = earlier_answer(&state, &ctx).await {
        return answer;
    }
    // The work runs on its own task: when a phone on a weak link gives up and closes the
    // connection, the request still finishes and its answer is stored, so the retry gets that
    // answer. The key is in scope while it runs, so the change's transaction records it.
    let app = state.app.clone();
    let work = tokio::spawn(async move {
        let resp = idempotency::CURRENT
            .scope(
                ctx.clone(),
                next.run(Request::from_parts(parts, Body::from(bytes))),
            )
            .await;
        let status = resp.status();
        let (rparts, rbody) = resp.into_parts();
        let rbytes = to_bytes(rbody, MAX_BODY).await.unwrap_or_default();
        if status.is_server_error() && !ctx.recorded() {
            // A crash before any change is not an answer: nothing is kept, the retry runs again
            // — unless a copy of this request committed meanwhile (this one then failed at its
            // commit), whose answer is the right one.
            let twin = idempotency::lookup(
                app.db.pool(),
                &ctx.actor_id,
                &ctx.key,
                &ctx.method,
                &ctx.path,
                &ctx.request_hash,
            )
            .await;
            if matches!(twin, Ok(Lookup::New) | Err(_)) {
                return Ok(Response::from_parts(rparts, Body::from(rbytes)));
            }
            return Err(ctx);
        }
        if status.is_server_error() {
            // The change committed, then something failed: the key keeps the record it made
            // and the retry is told so; a 5xx is never replayed.
            return Ok(Response::from_parts(rparts, Body::from(rbytes)));
        }
        let text = redact_secrets(&rbytes);
        match idempotency::complete(&app.db, &ctx, status.as_u16(), &text, app.now()).await {
            Ok(true) => Ok(Response::from_parts(rparts, Body::from(rbytes))),
            // A copy of this request committed first (this one was rolled back at its commit,
            // or was refused because of the copy's change): answer with the copy's result.
            Ok(false) => Err(ctx),
            Err(e) => {
                tracing::error!(error = %e, "could not store idempotent response");
                Ok(Response::from_parts(rparts, Body::from(rbytes)))
            }
        }
    });
    match work.await {
        Ok(Ok(resp)) => resp,
        Ok(Err(ctx)) => earlier_answer(&state, &ctx)
            .await
            .unwrap_or_else(in_progress),
        Err(e) => ApiError::from(qltt_app::AppError::internal(e)).into_response(),
    }
}

fn in_progress() -> Response {
    ApiError::new(
        ErrorKind::Conflict,
        "idempotency.in_progress",
        "Yêu cầu với Idempotency-Key này đang được xử lý.",
    )
    .into_response()
}

/// The answer owed to a request whose key was seen before, or `None` when it is new. A change
/// that committed but whose answer is not stored yet is waited for a moment (its answer is being
/// written); if none comes (the server stopped in between), the client learns which record the
/// request made.
async fn earlier_answer(state: &AppState, ctx: &KeyContext) -> Option<Response> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    loop {
        let found = idempotency::lookup(
            state.app.db.pool(),
            &ctx.actor_id,
            &ctx.key,
            &ctx.method,
            &ctx.path,
            &ctx.request_hash,
        )
        .await;
        return match found {
            Err(e) => Some(ApiError::from(qltt_app::AppError::from(e)).into_response()),
            Ok(Lookup::New) => None,
            Ok(Lookup::Mismatch) => Some(
                ApiError::new(
                    ErrorKind::Conflict,
                    "idempotency.key_reused",
                    "Idempotency-Key này đã được dùng cho một yêu cầu khác.",
                )
                .into_response(),
            ),
            Ok(Lookup::Replay { status, body }) => {
                let mut resp = (
                    StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    body,
                )
                    .into_response();
                resp.headers_mut()
                    .insert("idempotent-replayed", HeaderValue::from_static("true"));
                Some(resp)
            }
            Ok(Lookup::AppliedWithoutAnswer { .. }) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
            Ok(Lookup::AppliedWithoutAnswer {
                entity_type,
                entity_id,
            }) => Some(
                ApiError::new(
                    ErrorKind::Conflict,
                    "idempotency.applied_without_answer",
                    "Yêu cầu này đã được thực hiện nhưng máy chủ chưa kịp trả lời; \
                     không thực hiện lại. Xem bản ghi đã tạo.",
                )
                .with_details(serde_json::json!({
                    "entity_type": entity_type,
                    "entity_id": entity_id,
                }))
                .into_response(),
            ),
        };
    }
}
