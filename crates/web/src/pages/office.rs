//! Office pages (văn thư): `/office` (a register per unit and year, documents waiting for the
//! officer, the form to enter a document), `/office/{id}` (a document, its journal and the forms of
//! the steps it allows), `/directives` (sent and received directives, the form to send one) and
//! `/directives/{id}` (a directive: opening it records the reading; acknowledgement; who has not
//! read it, refreshed live).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::sse::{KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use qltt_app::office::directives::{Directive, DirectiveInput, Receipts};
use qltt_app::office::secrecy::{AccessList, GrantInput};
use qltt_app::office::text::AttachmentText;
use qltt_app::office::{ActionInput, OfficeDocument, RegisterFilter, RegisterInput};
use qltt_app::{Actor, AppError, ErrorKind};
use qltt_domain::format::legal_day;
use qltt_domain::office::{Confidentiality, DocState, DocType, Urgency};
use qltt_domain::officer::Permission;
use serde::Deserialize;

use super::{Layout, PageActor, error_page, render};
use crate::AppState;

const TITLE: &str = "Văn bản";
const HREF: &str = "/office";
const DIRECTIVES: &str = "/directives";

/// (code, label) pairs for a select.
fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_string(), label(*v).to_string()))
        .collect()
}

fn doc_types() -> Vec<(String, String)> {
    options(DocType::ALL, DocType::as_str, DocType::label)
}
fn urgencies() -> Vec<(String, String)> {
    options(Urgency::ALL, Urgency::as_str, Urgency::label)
}
fn confidentialities() -> Vec<(String, String)> {
    options(
        Confidentiality::ALL,
        Confidentiality::as_str,
        Confidentiality::label,
    )
}

#[derive(Deserialize, Default)]
pub struct RegisterForm {
    #[serde(default)]
    direction: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    doc_type: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    issuer_abbr: String,
    #[serde(default)]
    division_abbr: String,
    #[serde(default)]
    document_date: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    correspondent: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    signer: String,
    #[serde(default)]
    urgency: String,
    #[serde(default)]
    confidentiality: String,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    direction: Option<String>,
    /// "secret": the book of outgoing documents with a secrecy level.
    register: Option<String>,
    unit_id: Option<String>,
    year: Option<i32>,
    state: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "office.html")]
struct ListPage {
    layout: Layout,
    incoming: bool,
    /// The secret book of outgoing documents (Decree 30/2020 Art. 15(2)).
    secret: bool,
    unit_id: String,
    year: i32,
    state: String,
    items: Vec<OfficeDocument>,
    next: Option<String>,
    waiting: Vec<OfficeDocument>,
    units: Vec<(String, String)>,
    states: Vec<(String, String)>,
    can_register: bool,
    form: RegisterForm,
    doc_types: Vec<(String, String)>,
    urgencies: Vec<(String, String)>,
    confidentialities: Vec<(String, String)>,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    actor: &Actor,
    q: ListQuery,
    mut form: RegisterForm,
    error: Option<AppError>,
) -> Response {
    let app = &state.app;
    let mut layout = Layout::for_actor(app, actor, TITLE, HREF).await;
    let direction = q
        .direction
        .filter(|d| d == "outgoing")
        .unwrap_or_else(|| "incoming".to_string());
    let unit_id = q
        .unit_id
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| actor.unit_id.clone());
    let today = legal_day(app.now());
    let year = q.year.unwrap_or(today.year());
    let st = q.state.unwrap_or_default();
    let secret = q.register.as_deref() == Some("secret");
    let page = match app
        .office_register(
            actor,
            &direction,
            Some(&unit_id),
            Some(year),
            RegisterFilter {
                register: Some(if secret { "secret" } else { "general" }),
                state: Some(&st),
            },
            q.cursor.as_deref(),
            50,
        )
        .await
    {
        Ok(p) => p,
        Err(e) => return error_page(layout, &e),
    };
    let waiting = match app.office_assigned(actor, false, 50).await {
        Ok(w) => w,
        Err(e) => return error_page(layout, &e),
    };
    let units = match app.units_in_scope(actor).await {
        Ok(u) => u
            .into_iter()
            .filter(|u| u.active())
            .map(|u| (u.id, u.name))
            .collect(),
        Err(e) => return error_page(layout, &e),
    };
    if form.direction.is_empty() {
        form.direction = direction.clone();
    }
    if form.document_date.is_empty() {
        form.document_date = today.format("%Y-%m-%d").to_string();
    }
    // On the secret book's page a new entry is secret unless the clerk says otherwise.
    if secret && form.confidentiality.is_empty() {
        form.confidentiality = "confidential".into();
    }
    if form.received_on.is_empty() {
        form.received_on = today.format("%Y-%m-%d").to_string();
    }
    if form.issuer_abbr.is_empty() {
        form.issuer_abbr = "QLTT".into();
    }
    if form.unit_id.is_empty() {
        form.unit_id = unit_id.clone();
    }
    let incoming = direction == "incoming";
    layout.title = match (incoming, secret) {
        (true, false) => "Sổ văn bản đến".into(),
        (true, true) => "Sổ văn bản mật đến".into(),
        (false, false) => "Sổ văn bản đi".into(),
        (false, true) => "Sổ văn bản mật đi".into(),
    };
    let states = DocState::ALL
        .iter()
        .filter(|s| {
            let outgoing_state = matches!(s, DocState::Issued | DocState::Sent);
            outgoing_state != incoming
        })
        .map(|s| (s.as_str().to_string(), s.label().to_string()))
        .collect();
    let status = error
        .as_ref()
        .map(|e| crate::error::status_of(e.kind))
        .unwrap_or(StatusCode::OK);
    let p = ListPage {
        layout,
        incoming,
        secret,
        unit_id,
        year,
        state: st,
        items: page.items,
        next: page.next_cursor,
        waiting,
        units,
        states,
        can_register: actor.may(Permission::RegisterDocuments),
        form,
        doc_types: doc_types(),
        urgencies: urgencies(),
        confidentialities: confidentialities(),
        error: error.map(|e| e.message),
    };
    (status, render(&p)).into_response()
}

pub async fn list(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(q): Query<ListQuery>,
) -> Response {
    list_page(&state, &actor, q, RegisterForm::default(), None).await
}

pub async fn register(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(f): Form<RegisterForm>,
) -> Response {
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.to_string());
    let input = RegisterInput {
        direction: f.direction.clone(),
        unit_id: some(&f.unit_id),
        doc_type: f.doc_type.clone(),
        number: some(&f.number),
        issuer_abbr: some(&f.issuer_abbr),
        division_abbr: some(&f.division_abbr),
        document_date: f.document_date.clone(),
        received_on: some(&f.received_on),
        correspondent: f.correspondent.clone(),
        summary: f.summary.clone(),
        signer: f.signer.clone(),
        urgency: some(&f.urgency),
        confidentiality: some(&f.confidentiality),
        attachments: Vec::new(),
    };
    match state.app.register_office_document(&actor, input).await {
        Ok(d) => Redirect::to(&format!("/office/{}?created=1", d.row.id)).into_response(),
        Err(e) => {
            let q = ListQuery {
                direction: Some(f.direction.clone()),
                unit_id: Some(f.unit_id.clone()),
                ..ListQuery::default()
            };
            list_page(&state, &actor, q, f, Some(e)).await
        }
    }
}

#[derive(Template)]
#[template(path = "office_document.html")]
struct DetailPage {
    layout: Layout,
    d: OfficeDocument,
    can_route: bool,
    can_process: bool,
    can_send: bool,
    /// Routing targets: ("unit:{id}" | "officer:{id}", label).
    targets: Vec<(String, String)>,
    /// Outgoing documents that may answer it: (id, "number — summary").
    replies: Vec<(String, String)>,
    /// The text of its PDFs and scans, file by file (with the whole text).
    texts: Vec<AttachmentText>,
    /// Some file is still queued or being read: the block reloads itself.
    texts_pending: bool,
    /// A leader of the register's scope may have the files read again.
    can_retry_text: bool,
    /// The clerk or a leader of the receiving register's scope may confirm its receipt.
    can_confirm_receipt: bool,
    /// A secret document: who reads it (its grant form for a head or deputy).
    access: Option<AccessList>,
    /// Officers a leader may grant it to: (id, "name (unit)").
    grantees: Vec<(String, String)>,
    today: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct DetailQuery {
    created: Option<String>,
    done: Option<String>,
}

/// The step forms: `op` = route | accept | reply | file | send.
#[derive(Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    op: String,
    #[serde(default)]
    opinion: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    reply_id: String,
    #[serde(default)]
    note: String,
    /// `grant_access` / `revoke_access`: the officer.
    #[serde(default)]
    user_id: String,
    /// `grant_access`: why.
    #[serde(default)]
    reason: String,
}

async fn detail_page(
    state: &AppState,
    actor: &Actor,
    id: &str,
    q: DetailQuery,
    error: Option<AppError>,
) -> Response {
    let app = &state.app;
    let mut layout = Layout::for_actor(app, actor, TITLE, HREF).await;
    // One opening of a secret document is recorded (the page and the text of its files).
    let (d, text) = match app.office_document_with_text(actor, id).await {
        Ok(x) => x,
        Err(e) => return error_page(layout, &e),
    };
    layout.title = format!("{} {}", d.doc_type_label, d.row.number);
    layout.flash = if q.created.is_some() {
        Some(if d.is_incoming() {
            format!("Đã vào sổ văn bản đến, số đến {}.", d.row.seq)
        } else {
            format!("Đã vào sổ văn bản đi, số {}.", d.row.number)
        })
    } else if q.done.is_some() {
        Some("Đã ghi nhận.".into())
    } else {
        None
    };
    let can_route = actor.may(Permission::RouteDocuments) && d.may("route");
    let mut targets = Vec::new();
    if can_route {
        if let Ok(units) = app.units_in_scope(actor).await {
            targets.extend(
                units
                    .into_iter()
                    .filter(|u| u.active())
                    .map(|u| (format!("unit:{}", u.id), format!("Đơn vị: {}", u.name))),
            );
        }
        if let Ok(officers) = app.officers(actor, None, None, 200).await {
            targets.extend(officers.items.into_iter().filter(|o| o.active).map(|o| {
                (
                    format!("officer:{}", o.id),
                    format!("Công chức: {} ({})", o.full_name, o.unit_name),
                )
            }));
        }
    }
    let can_process = actor.may(Permission::ProcessDocuments)
        && (d.may("accept") || d.may("reply") || d.may("file"));
    let mut replies = Vec::new();
    if can_process && d.may("reply") {
        let year = legal_day(app.now()).year();
        for unit in [d.row.unit_id.as_str(), actor.unit_id.as_str()] {
            if let Ok(p) = app
                .office_register(
                    actor,
                    "outgoing",
                    Some(unit),
                    Some(year),
                    RegisterFilter::default(),
                    None,
                    100,
                )
                .await
            {
                for o in p.items {
                    if !replies.iter().any(|(id, _)| id == &o.row.id) {
                        replies.push((
                            o.row.id.clone(),
                            format!("{} — {}", o.row.number, o.row.summary),
                        ));
                    }
                }
            }
        }
    }
    let can_send = actor.may(Permission::RegisterDocuments) && d.may("send");
    let texts = text.files;
    let access = if d.row.confidentiality != "normal" {
        app.office_access(actor, id).await.ok()
    } else {
        None
    };
    let mut grantees = Vec::new();
    if access.as_ref().is_some_and(|a| a.may_grant)
        && let Ok(officers) = app.officers(actor, None, None, 200).await
    {
        let holders: Vec<&str> = access
            .iter()
            .flat_map(|a| {
                a.named.iter().map(|r| r.user_id.as_str()).chain(
                    a.grants
                        .iter()
                        .filter(|g| g.row.revoked_at.is_none())
                        .map(|g| g.row.user_id.as_str()),
                )
            })
            .collect();
        grantees.extend(
            officers
                .items
                .into_iter()
                .filter(|o| o.active && !holders.contains(&o.id.as_str()))
                .map(|o| (o.id, format!("{} ({})", o.full_name, o.unit_name))),
        );
    }
    let texts_pending = texts.iter().any(AttachmentText::pending);
    let can_retry_text = actor.may(Permission::RouteDocuments)
        && app.in_scope(actor, &d.row.unit_id).await.unwrap_or(false)
        && texts.iter().any(|t| !t.pending());
    let can_confirm_receipt = d.awaits_receipt()
        && actor.may(Permission::AcknowledgeDirectives)
        && app.in_scope(actor, &d.row.unit_id).await.unwrap_or(false);
    let status = error
        .as_ref()
        .map(|e| crate::error::status_of(e.kind))
        .unwrap_or(StatusCode::OK);
    let page = DetailPage {
        can_confirm_receipt,
        access,
        grantees,
        layout,
        d,
        can_route,
        can_process,
        can_send,
        targets,
        replies,
        texts,
        texts_pending,
        can_retry_text,
        today: legal_day(app.now()).format("%Y-%m-%d").to_string(),
        error: error.map(|e| e.message),
    };
    (status, render(&page)).into_response()
}

pub async fn detail(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Response {
    detail_page(&state, &actor, &id, q, None).await
}

pub async fn act(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(f): Form<StepForm>,
) -> Response {
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.to_string());
    let (unit_id, officer_id) = match f.target.split_once(':') {
        Some(("unit", u)) => (Some(u.to_string()), None),
        Some(("officer", o)) => (None, Some(o.to_string())),
        _ => (None, None),
    };
    let input = ActionInput {
        opinion: some(&f.opinion),
        unit_id,
        officer_id,
        due_on: some(&f.due_on),
        reply_id: some(&f.reply_id),
        note: some(&f.note),
        ..ActionInput::default()
    };
    let done = if f.op == "text_retry" {
        state
            .app
            .retry_office_document_text(&actor, &id)
            .await
            .map(|_| ())
    } else if f.op == "confirm_receipt" {
        state.app.confirm_receipt(&actor, &id).await.map(|_| ())
    } else if f.op == "grant_access" {
        let input = GrantInput {
            user_id: f.user_id.clone(),
            reason: f.reason.clone(),
        };
        state
            .app
            .grant_secret_access(&actor, &id, input)
            .await
            .map(|_| ())
    } else if f.op == "revoke_access" {
        state
            .app
            .revoke_secret_access(&actor, &id, &f.user_id)
            .await
            .map(|_| ())
    } else {
        state
            .app
            .office_act(&actor, &id, &f.op, input)
            .await
            .map(|_| ())
    };
    match done {
        Ok(()) => Redirect::to(&format!("/office/{id}?done=1")).into_response(),
        Err(e) if matches!(e.kind, ErrorKind::NotFound) => {
            error_page(Layout::for_actor(&state.app, &actor, TITLE, HREF).await, &e)
        }
        Err(e) => detail_page(&state, &actor, &id, DetailQuery::default(), Some(e)).await,
    }
}

// ---------------------------------------------------------------------------------------------
// Directives

#[derive(Deserialize, Default)]
pub struct DirectiveForm {
    #[serde(default)]
    root_unit_id: String,
    #[serde(default)]
    doc_type: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    signer: String,
    #[serde(default)]
    urgency: String,
}

#[derive(Template)]
#[template(path = "directives.html")]
struct DirectivesPage {
    layout: Layout,
    items: Vec<Directive>,
    next: Option<String>,
    can_send: bool,
    units: Vec<(String, String)>,
    doc_types: Vec<(String, String)>,
    urgencies: Vec<(String, String)>,
    form: DirectiveForm,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct DirectivesQuery {
    cursor: Option<String>,
}

async fn directives_page(
    state: &AppState,
    actor: &Actor,
    cursor: Option<&str>,
    mut form: DirectiveForm,
    error: Option<AppError>,
) -> Response {
    let app = &state.app;
    let layout = Layout::for_actor(app, actor, "Chỉ đạo điều hành", DIRECTIVES).await;
    let page = match app.list_directives(actor, cursor, 20).await {
        Ok(p) => p,
        Err(e) => return error_page(layout, &e),
    };
    let can_send = actor.may(Permission::IssueDirectives);
    let units = if can_send {
        match app.units_in_scope(actor).await {
            Ok(u) => u
                .into_iter()
                .filter(|u| u.active())
                .map(|u| (u.id, u.name))
                .collect(),
            Err(e) => return error_page(layout, &e),
        }
    } else {
        Vec::new()
    };
    if form.root_unit_id.is_empty() {
        form.root_unit_id = actor.unit_id.clone();
    }
    if form.doc_type.is_empty() {
        form.doc_type = DocType::Directive.as_str().into();
    }
    let status = error
        .as_ref()
        .map(|e| crate::error::status_of(e.kind))
        .unwrap_or(StatusCode::OK);
    let p = DirectivesPage {
        layout,
        items: page.items,
        next: page.next_cursor,
        can_send,
        units,
        doc_types: doc_types(),
        urgencies: urgencies(),
        form,
        error: error.map(|e| e.message),
    };
    (status, render(&p)).into_response()
}

pub async fn directives(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(q): Query<DirectivesQuery>,
) -> Response {
    directives_page(
        &state,
        &actor,
        q.cursor.as_deref(),
        DirectiveForm::default(),
        None,
    )
    .await
}

pub async fn send(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(f): Form<DirectiveForm>,
) -> Response {
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.to_string());
    let input = DirectiveInput {
        root_unit_id: f.root_unit_id.clone(),
        message: f.message.clone(),
        doc_type: some(&f.doc_type),
        issuer_abbr: None,
        division_abbr: None,
        summary: f.summary.clone(),
        signer: f.signer.clone(),
        urgency: some(&f.urgency),
        confidentiality: None,
        attachments: Vec::new(),
    };
    match state.app.send_directive(&actor, input).await {
        Ok(d) => Redirect::to(&format!("/directives/{}?sent=1", d.row.id)).into_response(),
        Err(e) => directives_page(&state, &actor, None, f, Some(e)).await,
    }
}

#[derive(Template)]
#[template(path = "directive.html")]
struct DirectivePage {
    layout: Layout,
    d: Directive,
    r: Receipts,
    /// Officers not read who are not listed (beyond the list's limit).
    unread_more: i64,
    can_acknowledge: bool,
}

#[derive(Deserialize, Default)]
pub struct DirectiveQuery {
    sent: Option<String>,
    acknowledged: Option<String>,
}

/// Opening a directive received by one's unit records the reading (once).
pub async fn directive(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Query(q): Query<DirectiveQuery>,
) -> Response {
    let app = &state.app;
    let mut layout = Layout::for_actor(app, &actor, "Chỉ đạo điều hành", DIRECTIVES).await;
    let first = match app.directive(&actor, &id).await {
        Ok(d) => d,
        Err(e) => return error_page(layout, &e),
    };
    if first.my_unit_received
        && first.my_read_at.is_none()
        && let Err(e) = app.read_directive(&actor, &id).await
    {
        return error_page(layout, &e);
    }
    let (d, r) = match (
        app.directive(&actor, &id).await,
        app.directive_receipts(&actor, &id).await,
    ) {
        (Ok(d), Ok(r)) => (d, r),
        (Err(e), _) | (_, Err(e)) => return error_page(layout, &e),
    };
    layout.title = format!("Chỉ đạo {}", d.document.row.number);
    layout.flash = if q.sent.is_some() {
        Some(format!("Đã gửi tới {} đơn vị.", d.recipients))
    } else if q.acknowledged.is_some() {
        Some("Đơn vị đã xác nhận nhận chỉ đạo.".into())
    } else {
        None
    };
    let can_acknowledge = actor.may(Permission::AcknowledgeDirectives)
        && d.my_unit_received
        && !d.my_unit_acknowledged;
    let unread_more = (r.unread_total - r.unread.len() as i64).max(0);
    render(&DirectivePage {
        layout,
        d,
        r,
        unread_more,
        can_acknowledge,
    })
}

pub async fn acknowledge(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Response {
    match state.app.acknowledge_directive(&actor, &id).await {
        Ok(_) => Redirect::to(&format!("/directives/{id}?acknowledged=1")).into_response(),
        Err(e) => error_page(
            Layout::for_actor(&state.app, &actor, "Chỉ đạo điều hành", DIRECTIVES).await,
            &e,
        ),
    }
}

/// `GET /directives/{id}/events`: the page session's receipt stream.
pub async fn events(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Response {
    match state.app.watch_directive(&actor, &id).await {
        Ok(rx) => Sse::new(crate::api::office::receipt_stream(rx, id))
            .keep_alive(KeepAlive::default())
            .into_response(),
        Err(e) => (crate::error::status_of(e.kind), e.message).into_response(),
    }
}
