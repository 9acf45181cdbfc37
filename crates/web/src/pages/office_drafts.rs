//! Drafts of outgoing documents: `/office/drafts` (the drafts of the officer's scope and the form
//! to start one) and `/office/drafts/{id}` (a draft, its journal, and the forms of the steps the
//! officer may take: edit, submit, approve or return, sign, send).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qltt_app::office::delivery::ExternalRecipient;
use qltt_app::office::draft_text::DraftTextRetryInput;
use qltt_app::office::drafts::{Draft, DraftActionInput, DraftInput};
use qltt_app::{Actor, AppError, ErrorKind};
use qltt_domain::office::drafting::{Channel, DraftState};
use qltt_domain::office::{Confidentiality, DocType, Urgency};
use qltt_domain::officer::Permission;
use serde::Deserialize;

use super::{Layout, PageActor, error_page, render};
use crate::AppState;

const TITLE: &str = "Dự thảo văn bản đi";
const HREF: &str = "/office";

fn pairs<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_string(), label(*v).to_string()))
        .collect()
}

#[derive(Deserialize, Default)]
pub struct DraftForm {
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    doc_type: String,
    #[serde(default)]
    issuer_abbr: String,
    #[serde(default)]
    division_abbr: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    recipients: String,
    #[serde(default)]
    urgency: String,
    #[serde(default)]
    confidentiality: String,
    /// The draft's `updated_at` when the edit form was shown (the version check).
    #[serde(default)]
    base_updated_at: String,
}

impl DraftForm {
    fn of(d: &Draft) -> DraftForm {
        DraftForm {
            unit_id: d.row.unit_id.clone(),
            doc_type: d.row.doc_type.clone(),
            issuer_abbr: d.row.issuer_abbr.clone(),
            division_abbr: d.row.division_abbr.clone().unwrap_or_default(),
            summary: d.row.summary.clone(),
            content: d.row.content.clone(),
            recipients: d.row.recipients.clone(),
            urgency: d.row.urgency.clone(),
            confidentiality: d.row.confidentiality.clone(),
            base_updated_at: d.row.updated_at.clone(),
        }
    }

    fn input(&self) -> DraftInput {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.to_string());
        DraftInput {
            unit_id: some(&self.unit_id),
            doc_type: self.doc_type.clone(),
            issuer_abbr: some(&self.issuer_abbr),
            division_abbr: some(&self.division_abbr),
            summary: self.summary.clone(),
            content: self.content.clone(),
            recipients: self.recipients.clone(),
            urgency: some(&self.urgency),
            confidentiality: some(&self.confidentiality),
            attachments: Vec::new(),
            base_updated_at: some(&self.base_updated_at),
        }
    }
}

/// The select options every draft form shows.
struct Choices {
    doc_types: Vec<(String, String)>,
    urgencies: Vec<(String, String)>,
    confidentialities: Vec<(String, String)>,
}

fn choices() -> Choices {
    Choices {
        doc_types: pairs(DocType::ALL, DocType::as_str, DocType::label),
        urgencies: pairs(Urgency::ALL, Urgency::as_str, Urgency::label),
        confidentialities: pairs(
            Confidentiality::ALL,
            Confidentiality::as_str,
            Confidentiality::label,
        ),
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    state: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "office_drafts.html")]
struct ListPage {
    layout: Layout,
    items: Vec<Draft>,
    next: Option<String>,
    state: String,
    states: Vec<(String, String)>,
    can_draft: bool,
    /// The units a draft may be written for: one's own and those above it.
    units: Vec<(String, String)>,
    form: DraftForm,
    c: Choices,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    actor: &Actor,
    q: ListQuery,
    mut form: DraftForm,
    error: Option<AppError>,
) -> Response {
    let app = &state.app;
    let layout = Layout::for_actor(app, actor, TITLE, HREF).await;
    let st = q.state.unwrap_or_default();
    let page = match app
        .list_drafts(actor, Some(&st), q.cursor.as_deref(), 50)
        .await
    {
        Ok(p) => p,
        Err(e) => return error_page(layout, &e),
    };
    let mut units = Vec::new();
    if let Ok(Some(own)) = app.unit_name(&actor.unit_id).await {
        units.push((actor.unit_id.clone(), own));
    }
    if let Ok(mut above) = app.ancestor_units(&actor.unit_id).await {
        units.append(&mut above);
    }
    if form.issuer_abbr.is_empty() {
        form.issuer_abbr = "QLTT".into();
    }
    let status = error
        .as_ref()
        .map(|e| crate::error::status_of(e.kind))
        .unwrap_or(StatusCode::OK);
    let p = ListPage {
        layout,
        items: page.items,
        next: page.next_cursor,
        state: st,
        states: pairs(DraftState::ALL, DraftState::as_str, DraftState::label),
        can_draft: actor.may(Permission::DraftDocuments),
        units,
        form,
        c: choices(),
        error: error.map(|e| e.message),
    };
    (status, render(&p)).into_response()
}

pub async fn list(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(q): Query<ListQuery>,
) -> Response {
    list_page(&state, &actor, q, DraftForm::default(), None).await
}

pub async fn create(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(f): Form<DraftForm>,
) -> Response {
    match state.app.create_draft(&actor, f.input()).await {
        Ok(d) => Redirect::to(&format!("/office/drafts/{}?done=1", d.row.id)).into_response(),
        Err(e) => list_page(&state, &actor, ListQuery::default(), f, Some(e)).await,
    }
}

#[derive(Template)]
#[template(path = "office_draft.html")]
struct DetailPage {
    layout: Layout,
    d: Draft,
    can_edit: bool,
    can_submit: bool,
    can_review: bool,
    can_sign: bool,
    can_send: bool,
    /// The drafter or a leader of the draft's scope may have a failed file read again.
    can_retry_text: bool,
    form: DraftForm,
    c: Choices,
    /// Units of the product the document may be sent to: (id, name).
    recipient_units: Vec<(String, String)>,
    channels: Vec<(String, String)>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct DetailQuery {
    done: Option<String>,
}

async fn detail_page(
    state: &AppState,
    actor: &Actor,
    id: &str,
    form: Option<DraftForm>,
    error: Option<AppError>,
    flash: bool,
) -> Response {
    let app = &state.app;
    let mut layout = Layout::for_actor(app, actor, TITLE, HREF).await;
    let d = match app.draft(actor, id).await {
        Ok(d) => d,
        Err(e) => return error_page(layout, &e),
    };
    layout.title = match &d.number {
        Some(n) => format!("{} {}", d.doc_type_label, n),
        None => format!("Dự thảo {}", d.doc_type_label.to_lowercase()),
    };
    if flash {
        layout.flash = Some("Đã ghi nhận.".into());
    }
    let own = d.row.drafted_by == actor.id;
    let can_edit = actor.may(Permission::DraftDocuments) && d.editable();
    let can_send = actor.may(Permission::RegisterDocuments) && d.may("send");
    let recipient_units = if can_send {
        app.recipient_units(actor, &d)
            .await
            .map(|us| us.into_iter().map(|u| (u.id, u.name)).collect())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let can_retry_text = (own && actor.may(Permission::DraftDocuments))
        || (actor.may(Permission::ReviewDrafts)
            && app.in_scope(actor, &d.row.unit_id).await.unwrap_or(false));
    let status = error
        .as_ref()
        .map(|e| crate::error::status_of(e.kind))
        .unwrap_or(StatusCode::OK);
    let page = DetailPage {
        can_retry_text,
        can_edit,
        can_submit: can_edit && d.may("submit"),
        can_review: actor.may(Permission::ReviewDrafts) && !own && d.may("approve"),
        can_sign: actor.may(Permission::SignDocuments) && d.may("sign"),
        can_send,
        form: form.unwrap_or_else(|| DraftForm::of(&d)),
        c: choices(),
        recipient_units,
        channels: pairs(Channel::ALL, Channel::as_str, Channel::label),
        error: error.map(|e| e.message),
        layout,
        d,
    };
    (status, render(&page)).into_response()
}

pub async fn detail(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Response {
    detail_page(&state, &actor, &id, None, None, q.done.is_some()).await
}

/// The step forms post `op` = edit | submit | approve | reject | sign | send | text_retry (with
/// `sha256`: a failed file read again); a send names its
/// units with repeated `recipient_unit_ids` fields and one outside recipient with
/// `external_name` and `external_channel`.
pub async fn act(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let op = get("op");
    let app = &state.app;
    let result = if op == "text_retry" {
        let input = DraftTextRetryInput {
            sha256: get("sha256"),
        };
        app.retry_draft_text(&actor, &id, input)
            .await
            .map(|_| ())
            .map_err(|e| (e, None))
    } else if op == "edit" {
        let f = DraftForm {
            unit_id: String::new(),
            doc_type: get("doc_type"),
            issuer_abbr: get("issuer_abbr"),
            division_abbr: get("division_abbr"),
            summary: get("summary"),
            content: get("content"),
            recipients: get("recipients"),
            urgency: get("urgency"),
            confidentiality: get("confidentiality"),
            base_updated_at: get("base_updated_at"),
        };
        match app.edit_draft(&actor, &id, f.input()).await {
            Ok(_) => Ok(()),
            Err(e) => Err((e, Some(f))),
        }
    } else {
        let comment = get("comment");
        let name = get("external_name");
        let external = if name.trim().is_empty() {
            Vec::new()
        } else {
            vec![ExternalRecipient {
                name,
                channel: get("external_channel"),
            }]
        };
        let input = DraftActionInput {
            comment: (!comment.trim().is_empty()).then_some(comment),
            recipient_unit_ids: fields
                .iter()
                .filter(|(n, v)| n == "recipient_unit_ids" && !v.is_empty())
                .map(|(_, v)| v.clone())
                .collect(),
            external,
        };
        app.draft_act(&actor, &id, &op, input)
            .await
            .map(|_| ())
            .map_err(|e| (e, None))
    };
    match result {
        Ok(()) => Redirect::to(&format!("/office/drafts/{id}?done=1")).into_response(),
        Err((e, _)) if matches!(e.kind, ErrorKind::NotFound) => {
            error_page(Layout::for_actor(app, &actor, TITLE, HREF).await, &e)
        }
        Err((e, form)) => detail_page(&state, &actor, &id, form, Some(e), false).await,
    }
}
