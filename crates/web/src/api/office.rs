//! The office (văn thư): `GET/POST /api/v1/office-documents`, `GET /api/v1/office-documents/{id}`,
//! `POST /api/v1/office-documents/{id}/actions/{action}`, the text of its files
//! `GET /api/v1/office-documents/{id}/text` and `POST …/text/retry`, who reads a secret document
//! `GET/POST /api/v1/office-documents/{id}/access` and `DELETE …/access/{user_id}`, `GET/POST /api/v1/directives`,
//! `GET /api/v1/directives/{id}`, `GET /api/v1/directives/{id}/receipts`,
//! `POST /api/v1/directives/{id}/read`, `POST /api/v1/directives/{id}/acknowledge` and the
//! receipts' live stream `GET /api/v1/directives/{id}/events`.

use std::convert::Infallible;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use qltt_app::office::directives::{
    Directive, DirectiveEvent, DirectiveInput, DirectivePage, ReadReceipt, Receipts,
};
use qltt_app::office::secrecy::{AccessList, GrantInput};
use qltt_app::office::text::DocumentText;
use qltt_app::office::{ActionInput, OfficeDocument, OfficePage, RegisterFilter, RegisterInput};
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Authed};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RegisterQuery {
    /// incoming (default) | outgoing
    pub direction: Option<String>,
    /// The register's unit (default: the caller's).
    pub unit_id: Option<String>,
    /// The register's year (default: this year).
    pub year: Option<i32>,
    /// One state (registered, routed, in_progress, replied, filed, issued, sent).
    pub state: Option<String>,
    /// The book: general (default) or secret (documents with a secrecy level, which have their
    /// own numbers: outgoing, Decree 30/2020 Art. 15(2); incoming, Decree 26/2020 Art. 4(2)(a)).
    /// A secret document the caller is not entitled to is listed as a placeholder
    /// (`restricted: true`, summary "Văn bản mật").
    pub register: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// One register of the caller's scope (incoming or outgoing, per unit and year), highest number
/// first.
#[utoipa::path(operation_id = "office_documents_list", get, path = "/api/v1/office-documents", params(RegisterQuery),
    responses((status = 200, body = OfficePage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiQuery(q): ApiQuery<RegisterQuery>,
) -> ApiResult<Json<OfficePage>> {
    Ok(Json(
        state
            .app
            .office_register(
                &actor,
                q.direction.as_deref().unwrap_or("incoming"),
                q.unit_id.as_deref(),
                q.year,
                RegisterFilter {
                    register: q.register.as_deref(),
                    state: q.state.as_deref(),
                },
                q.cursor.as_deref(),
                q.limit.unwrap_or(50),
            )
            .await?,
    ))
}

/// Enters a document in a register (clerk, unit head, deputy): an incoming one gets the next
/// arrival number, an outgoing one its number and symbol ("125/QLTT-NV").
#[utoipa::path(operation_id = "office_documents_register", post, path = "/api/v1/office-documents", request_body = RegisterInput,
    responses((status = 201, body = OfficeDocument), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiJson(input): ApiJson<RegisterInput>,
) -> ApiResult<(StatusCode, Json<OfficeDocument>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.register_office_document(&actor, input).await?),
    ))
}

/// A document with its journal and the steps it allows.
#[utoipa::path(operation_id = "office_documents_get_one", get, path = "/api/v1/office-documents/{id}", params(("id" = String, Path)),
    responses((status = 200, body = OfficeDocument), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<OfficeDocument>> {
    Ok(Json(state.app.office_document(&actor, &id).await?))
}

/// A step: `route` (leader: opinion, unit_id or officer_id, due_on), `accept`, `reply`
/// (reply_id), `file` (assignee, or a leader), `send` (outgoing; clerk). 409
/// `office.invalid_transition` when the state does not allow it.
#[utoipa::path(operation_id = "office_documents_act", post, path = "/api/v1/office-documents/{id}/actions/{action}",
    params(("id" = String, Path), ("action" = String, Path)), request_body = ActionInput,
    responses((status = 200, body = OfficeDocument), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path((id, action)): Path<(String, String)>,
    ApiJson(input): ApiJson<ActionInput>,
) -> ApiResult<Json<OfficeDocument>> {
    Ok(Json(
        state.app.office_act(&actor, &id, &action, input).await?,
    ))
}

/// The text read from the document's PDFs and scans (text layer or Vietnamese OCR), file by file
/// with each one's state and progress; `pending` while a file is still queued or being read.
#[utoipa::path(operation_id = "office_documents_text", get, path = "/api/v1/office-documents/{id}/text", params(("id" = String, Path)),
    responses((status = 200, body = DocumentText), (status = 404, body = ErrorBody)))]
pub async fn text(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<DocumentText>> {
    Ok(Json(state.app.office_document_text(&actor, &id).await?))
}

/// Reads the document's files again (a leader of the register's scope or an administrator), e.g.
/// after the operator installed tesseract. 409 `text.in_progress` when every file is still queued
/// or being read.
#[utoipa::path(operation_id = "office_documents_text_retry", post, path = "/api/v1/office-documents/{id}/text/retry", params(("id" = String, Path)),
    responses((status = 200, body = DocumentText), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn text_retry(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<DocumentText>> {
    Ok(Json(
        state.app.retry_office_document_text(&actor, &id).await?,
    ))
}

/// Confirms that the unit received a document another unit of the product sent it (Decree
/// 30/2020 Art. 21(2)(c)): the clerk or a leader of the receiving register's scope. The sender's
/// document then shows who confirmed and when. Confirming again changes nothing. 409
/// `office.not_delivered` for an entry that did not come from inside the product.
#[utoipa::path(operation_id = "office_documents_confirm_receipt", post, path = "/api/v1/office-documents/{id}/receipt", params(("id" = String, Path)),
    responses((status = 200, body = OfficeDocument), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn confirm_receipt(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<OfficeDocument>> {
    Ok(Json(state.app.confirm_receipt(&actor, &id).await?))
}

/// Who reads a document with a secrecy level: its unit's leaders and secret-book clerk (in words),
/// the people named on it, and the grants (with those taken back). For those who read it
/// themselves (403 `office.secret_restricted` otherwise); 422 `office.not_secret` for an ordinary
/// document.
#[utoipa::path(operation_id = "office_documents_access", get, path = "/api/v1/office-documents/{id}/access", params(("id" = String, Path)),
    responses((status = 200, body = AccessList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn access(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<AccessList>> {
    Ok(Json(state.app.office_access(&actor, &id).await?))
}

/// Gives one officer of the caller's scope access to a secret document (the head of its
/// register's unit or a deputy), with a reason; audited (`office_document.grant_access`). 409
/// `office.already_granted`; 400 `office.unknown_officer`; 422 `office.not_secret`.
#[utoipa::path(operation_id = "office_documents_grant_access", post, path = "/api/v1/office-documents/{id}/access", params(("id" = String, Path)),
    request_body = GrantInput,
    responses((status = 201, body = AccessList), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn grant_access(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<GrantInput>,
) -> ApiResult<(StatusCode, Json<AccessList>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.grant_secret_access(&actor, &id, input).await?),
    ))
}

/// Takes back an officer's access to a secret document (same leaders as a grant); audited
/// (`office_document.revoke_access`). 404 `office.grant_not_found` when they had none.
#[utoipa::path(operation_id = "office_documents_revoke_access", delete, path = "/api/v1/office-documents/{id}/access/{user_id}",
    params(("id" = String, Path), ("user_id" = String, Path)),
    responses((status = 200, body = AccessList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn revoke_access(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path((id, user_id)): Path<(String, String)>,
) -> ApiResult<Json<AccessList>> {
    Ok(Json(
        state
            .app
            .revoke_secret_access(&actor, &id, &user_id)
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DirectiveQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Directives sent by the caller's scope or received by it, newest first.
#[utoipa::path(operation_id = "directives_list", get, path = "/api/v1/directives", params(DirectiveQuery),
    responses((status = 200, body = DirectivePage)))]
pub async fn directives(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiQuery(q): ApiQuery<DirectiveQuery>,
) -> ApiResult<Json<DirectivePage>> {
    Ok(Json(
        state
            .app
            .list_directives(&actor, q.cursor.as_deref(), q.limit.unwrap_or(20))
            .await?,
    ))
}

/// Sends a directive to every active unit of a subtree in one transaction (admin, unit head,
/// deputy); the document is numbered in the sender unit's outgoing register.
#[utoipa::path(operation_id = "directives_send", post, path = "/api/v1/directives", request_body = DirectiveInput,
    responses((status = 201, body = Directive), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn send(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiJson(input): ApiJson<DirectiveInput>,
) -> ApiResult<(StatusCode, Json<Directive>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.send_directive(&actor, input).await?),
    ))
}

/// A directive with its document and the counts of acknowledgements and readers.
#[utoipa::path(operation_id = "directives_get_one", get, path = "/api/v1/directives/{id}", params(("id" = String, Path)),
    responses((status = 200, body = Directive), (status = 404, body = ErrorBody)))]
pub async fn directive(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Directive>> {
    Ok(Json(state.app.directive(&actor, &id).await?))
}

/// Per recipient unit: acknowledged or not, officers and readers; and the officers who have not
/// read it yet (the sender's side sees every unit; a recipient its own scope).
#[utoipa::path(operation_id = "directives_receipts", get, path = "/api/v1/directives/{id}/receipts", params(("id" = String, Path)),
    responses((status = 200, body = Receipts), (status = 404, body = ErrorBody)))]
pub async fn receipts(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Receipts>> {
    Ok(Json(state.app.directive_receipts(&actor, &id).await?))
}

/// Records the caller's reading (once; a repeated reading returns the first, `first: false`).
#[utoipa::path(operation_id = "directives_read", post, path = "/api/v1/directives/{id}/read", params(("id" = String, Path)),
    responses((status = 200, body = ReadReceipt), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<ReadReceipt>> {
    Ok(Json(state.app.read_directive(&actor, &id).await?))
}

/// Acknowledges the directive for the caller's unit (its leaders or clerk; once).
#[utoipa::path(operation_id = "directives_acknowledge", post, path = "/api/v1/directives/{id}/acknowledge", params(("id" = String, Path)),
    responses((status = 200, body = Directive), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Directive>> {
    Ok(Json(state.app.acknowledge_directive(&actor, &id).await?))
}

/// Server-sent events: a `receipt` event each time an officer reads the directive or a unit
/// acknowledges it.
#[utoipa::path(operation_id = "directives_events", get, path = "/api/v1/directives/{id}/events", params(("id" = String, Path)),
    responses((status = 200, description = "text/event-stream"), (status = 404, body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let rx = state.app.watch_directive(&actor, &id).await?;
    Ok(Sse::new(receipt_stream(rx, id)).keep_alive(KeepAlive::default()))
}

pub(crate) fn receipt_stream(
    rx: tokio::sync::broadcast::Receiver<DirectiveEvent>,
    id: String,
) -> impl Stream<Item = Result<Event, Infallible>> {
    super::sse::entity_stream(
        rx,
        move |ev: &DirectiveEvent| ev.directive_id == id,
        "receipt",
        "receipt",
    )
}
