//! The outgoing workflow: `GET/POST /api/v1/office-documents/drafts`,
//! `GET/PATCH /api/v1/office-documents/drafts/{id}` and
//! `POST /api/v1/office-documents/drafts/{id}/actions/{action}` (submit, approve, reject, sign,
//! send) and `POST /api/v1/office-documents/drafts/{id}/text/retry` (read a failed file again).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use qltt_app::office::draft_text::DraftTextRetryInput;
use qltt_app::office::drafts::{Draft, DraftActionInput, DraftInput, DraftPage};
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Authed};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DraftQuery {
    /// One state (drafting, in_review, awaiting_signature, issued, sent).
    pub state: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Drafts of the caller's scope and their own, most recently changed first.
#[utoipa::path(operation_id = "office_drafts_list", get, path = "/api/v1/office-documents/drafts", params(DraftQuery),
    responses((status = 200, body = DraftPage), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiQuery(q): ApiQuery<DraftQuery>,
) -> ApiResult<Json<DraftPage>> {
    Ok(Json(
        state
            .app
            .list_drafts(
                &actor,
                q.state.as_deref(),
                q.cursor.as_deref(),
                q.limit.unwrap_or(50),
            )
            .await?,
    ))
}

/// Starts a draft of an outgoing document (no number until it is signed).
#[utoipa::path(operation_id = "office_drafts_create", post, path = "/api/v1/office-documents/drafts", request_body = DraftInput,
    responses((status = 201, body = Draft), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiJson(input): ApiJson<DraftInput>,
) -> ApiResult<(StatusCode, Json<Draft>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.create_draft(&actor, input).await?),
    ))
}

/// A draft with its journal, its number once signed and where it was sent.
#[utoipa::path(operation_id = "office_drafts_get_one", get, path = "/api/v1/office-documents/drafts/{id}", params(("id" = String, Path)),
    responses((status = 200, body = Draft), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Draft>> {
    Ok(Json(state.app.draft(&actor, &id).await?))
}

/// Rewrites a draft being written (all its fields; the unit is fixed). 409 once submitted.
#[utoipa::path(operation_id = "office_drafts_edit", patch, path = "/api/v1/office-documents/drafts/{id}", params(("id" = String, Path)), request_body = DraftInput,
    responses((status = 200, body = Draft), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn edit(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<DraftInput>,
) -> ApiResult<Json<Draft>> {
    Ok(Json(state.app.edit_draft(&actor, &id, input).await?))
}

/// A step: `submit` (drafter), `approve` / `reject` with `comment` (a leader of the unit, not
/// the drafter), `sign` (head or deputy: numbers it in the unit's outgoing register), `reject`
/// with `comment` (the signer), `send` (clerk: `recipient_unit_ids` and/or `external`). 409
/// `office.invalid_transition` when the state does not allow it.
#[utoipa::path(operation_id = "office_drafts_act", post, path = "/api/v1/office-documents/drafts/{id}/actions/{action}",
    params(("id" = String, Path), ("action" = String, Path)), request_body = DraftActionInput,
    responses((status = 200, body = Draft), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path((id, action)): Path<(String, String)>,
    ApiJson(input): ApiJson<DraftActionInput>,
) -> ApiResult<Json<Draft>> {
    Ok(Json(
        state.app.draft_act(&actor, &id, &action, input).await?,
    ))
}

/// Reads a draft's failed file again (its drafter, or a leader of the draft's unit's scope):
/// the manual retry beside the text job's own. Audited (`office_draft.text_retry`). 400
/// `text.unknown_file` for a file the draft does not hold; 409 `text.not_failed` for a file
/// queued, being read or read.
#[utoipa::path(operation_id = "office_drafts_text_retry", post, path = "/api/v1/office-documents/drafts/{id}/text/retry",
    params(("id" = String, Path)), request_body = DraftTextRetryInput,
    responses((status = 200, body = Draft), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn text_retry(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<DraftTextRetryInput>,
) -> ApiResult<Json<Draft>> {
    Ok(Json(state.app.retry_draft_text(&actor, &id, input).await?))
}
