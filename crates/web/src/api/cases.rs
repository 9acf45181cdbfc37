//! Cases: `GET/POST /api/v1/cases`, `GET /api/v1/cases/{id}`, `POST /api/v1/cases/{id}/actions/{action}`,
//! the case's journal and documents, the work queues and the live event stream.

use std::convert::Infallible;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use qltt_app::cases::act::{ActOutcome, DocumentPreview};
use qltt_app::cases::input::NewCaseInput;
use qltt_app::cases::queues::Queues;
use qltt_app::cases::{Case, CasePage};
use qltt_app::{Actor, ErrorKind};
use qltt_domain::case::DocumentKind;
use qltt_store::cases::StepRow;
use serde::Deserialize;
use serde_json::Value;

use crate::AppState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Authed};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CaseQuery {
    /// One state (lead, proposed, decided, inspected, violation_recorded, awaiting_explanation,
    /// sanctioned, not_sanctioned, executed, transferred, closed).
    pub state: Option<String>,
    pub business_id: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Cases of the caller's scope, newest first.
#[utoipa::path(operation_id = "cases_list", get, path = "/api/v1/cases", params(CaseQuery),
    responses((status = 200, body = CasePage), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiQuery(q): ApiQuery<CaseQuery>,
) -> ApiResult<Json<CasePage>> {
    Ok(Json(
        state
            .app
            .list_cases(
                &actor,
                q.state.as_deref(),
                q.business_id.as_deref(),
                q.cursor.as_deref(),
                q.limit.unwrap_or(50),
            )
            .await?,
    ))
}

/// Opens a case (state `lead`).
#[utoipa::path(operation_id = "cases_create", post, path = "/api/v1/cases", request_body = NewCaseInput,
    responses((status = 201, body = Case), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiJson(input): ApiJson<NewCaseInput>,
) -> ApiResult<(StatusCode, Json<Case>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.open_case(&actor, input).await?),
    ))
}

/// A case with its state, allowed actions, deadlines and documents.
#[utoipa::path(operation_id = "cases_get_one", get, path = "/api/v1/cases/{id}", params(("id" = String, Path)),
    responses((status = 200, body = Case), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Case>> {
    Ok(Json(state.app.case(&actor, &id).await?))
}

/// Takes a step of the procedure. The body is the step's fields (see ins.md), plus an optional
/// `version` from your last read: when another officer acted first the answer is 409 with the
/// case as it is now in `details.case`. A step the state does not allow is 409
/// `case.invalid_transition`; a rule of law refusing it is 422 `law.*`.
#[utoipa::path(operation_id = "cases_act", post, path = "/api/v1/cases/{id}/actions/{action}",
    params(("id" = String, Path), ("action" = String, Path, description = "propose, reject_proposal, decide_inspection, record_inspection, record_violation, request_explanation, record_explanation, seize, issue_sanction, decide_no_sanction, deliver_decision, record_payment, grant_instalments, postpone, order_coercion, transfer, close")),
    request_body = Object,
    responses((status = 200, body = ActOutcome), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path((id, action)): Path<(String, String)>,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<Json<ActOutcome>> {
    match state.app.act_on_case(&actor, &id, &action, body).await {
        Ok(outcome) => Ok(Json(outcome)),
        Err(e) if e.kind == ErrorKind::Conflict => {
            let current = state.app.case(&actor, &id).await.ok();
            Err(ApiError::from(e).with_details(serde_json::json!({"case": current})))
        }
        Err(e) => Err(e.into()),
    }
}

/// The document a step would issue, as a PDF, without taking the step: the same body as
/// `POST /api/v1/cases/{id}/actions/{action}`, the same checks in the same order, so the same
/// refusal (status and code) the step would give; nothing is written (no number is used up, no
/// audit event, no stored file; an `Idempotency-Key` is not kept). The PDF is marked "DỰ THẢO"
/// (draft), its number is left blank ("Số: ……/QĐ-XPHC") and it has no QR or verification code.
/// A step that issues no document is 422 `document.no_preview`; a step issuing two (a seizure
/// decision and its record) previews the first, or the one named by `kind`
/// (`?kind=seizure_record`; a kind the step does not issue is 422 `document.no_preview`).
#[utoipa::path(operation_id = "cases_act_preview", post, path = "/api/v1/cases/{id}/actions/{action}/preview",
    params(("id" = String, Path), ("action" = String, Path, description = "a step that issues a document (see cases_act)"),
        ("kind" = Option<String>, Query, description = "which of the step's documents to preview (a document kind, e.g. seizure_record); default: the first")),
    request_body = Object,
    responses((status = 200, description = "application/pdf: the draft of the step's document", content_type = "application/pdf"),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn preview(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path((id, action)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<PreviewQuery>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Response, ApiError> {
    let kind = preview_kind(q.kind.as_deref())?;
    match state
        .app
        .preview_case_action(&actor, &id, &action, body, kind)
        .await
    {
        Ok(p) => Ok(preview_response(&p, true)),
        Err(e) if e.kind == ErrorKind::Conflict => {
            let current = state.app.case(&actor, &id).await.ok();
            Err(ApiError::from(e).with_details(serde_json::json!({"case": current})))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewQuery {
    kind: Option<String>,
}

/// The document kind a preview asks for (`None`, or an empty value: the step's first document);
/// 400 `document.invalid_kind` for a name that is no kind at all.
pub fn preview_kind(raw: Option<&str>) -> Result<Option<DocumentKind>, qltt_app::AppError> {
    match raw.map(str::trim).filter(|k| !k.is_empty()) {
        None => Ok(None),
        Some(k) => Ok(Some(DocumentKind::parse(k)?)),
    }
}

/// A draft PDF: never cached (the same body may give another draft once the case moves on).
pub fn preview_response(p: &DocumentPreview, inline: bool) -> Response {
    let disposition = format!(
        "{}; filename=\"du-thao-{}.pdf\"",
        if inline { "inline" } else { "attachment" },
        p.kind.as_str().replace('_', "-")
    );
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        p.pdf.clone(),
    )
        .into_response()
}

/// The case's journal: every step, who took it and what it recorded.
#[utoipa::path(operation_id = "cases_steps", get, path = "/api/v1/cases/{id}/steps", params(("id" = String, Path)),
    responses((status = 200, body = Vec<StepRow>), (status = 404, body = ErrorBody)))]
pub async fn steps(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<StepRow>>> {
    Ok(Json(state.app.case_steps(&actor, &id).await?))
}

/// The caller's work queues: due within 2 days, overdue, awaiting signature, awaiting
/// explanation, unpaid past due.
#[utoipa::path(operation_id = "queues_mine", get, path = "/api/v1/queues",
    responses((status = 200, body = Queues)))]
pub async fn queues(
    State(state): State<AppState>,
    Authed(actor): Authed,
) -> ApiResult<Json<Queues>> {
    Ok(Json(state.app.work_queues(&actor).await?))
}

/// Server-sent events: `case` events for changes of cases in the caller's scope.
#[utoipa::path(operation_id = "events_stream", get, path = "/api/v1/events",
    responses((status = 200, description = "text/event-stream")))]
pub async fn events(
    State(state): State<AppState>,
    Authed(actor): Authed,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    Sse::new(event_stream(state, actor)).keep_alive(KeepAlive::default())
}

pub(crate) fn event_stream(
    state: AppState,
    actor: Actor,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let rx = state.app.events.subscribe();
    futures_util::stream::unfold((rx, state, actor), |(mut rx, state, actor)| async move {
        loop {
            match rx.recv().await {
                Ok(ev) => {
                    // Scope is checked per event: a change outside the subtree is not sent.
                    if state
                        .app
                        .in_scope(&actor, &ev.unit_id)
                        .await
                        .unwrap_or(false)
                    {
                        let data = serde_json::to_string(&ev).unwrap_or_default();
                        let event = Event::default().event("case").data(data);
                        return Some((Ok(event), (rx, state, actor)));
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    // Missed events: tell the page to reload what it shows.
                    let event = Event::default().event("reload").data("{}");
                    return Some((Ok(event), (rx, state, actor)));
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}
