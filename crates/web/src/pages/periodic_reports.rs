//! Periodic reports (báo cáo định kỳ): `/periodic-reports` (the reports of the officer's scope,
//! what their units must still send, and the form to define one), `/periodic-reports/{id}` (the
//! status board of a period — who sent it on time, late, not yet — and the form to send a unit's
//! report, pre-filled with the INS figures, with a file) and `/periodic-reports/submissions/{id}`
//! (a report sent, its versions, and the leader's review).
//!
//! Sending carries a file, so its form is `multipart/form-data`, which the pages' CSRF guard
//! cannot read; that route is mounted outside the guard and its handler checks the session token
//! in the form's `csrf` field before it acts on anything (as the lot registration does).

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use qltt_app::periodic_reports::{
    Board, DeactivateInput, FieldInput, PeriodicReport, PeriodicReportDue, PeriodicReportEdit,
    PeriodicReportInput, ReviewInput, Submission, SubmissionInput, UnitRef,
};
use qltt_app::{Actor, AppError, ErrorKind};
use qltt_domain::format::{format_date, legal_day, parse_date};
use qltt_domain::officer::Permission;
use qltt_domain::periodic_report::{Recurrence, ReportKind, open_periods};
use serde::Deserialize;

use super::multipart::{FileInput, FormRead, read_form};
use super::{Layout, PageActor, error_page, render};
use crate::AppState;
use crate::csrf::multipart_token_ok;
use crate::routes::{RouteRow, routes};

const TITLE: &str = "Báo cáo định kỳ";
const HREF: &str = "/periodic-reports";

/// The sending form (multipart, outside the CSRF guard; see the module's note).
pub fn routes() -> (Router<AppState>, Vec<RouteRow>) {
    routes! {
        "/periodic-reports/{id}" => get(detail)
            .post(submit)
            .layer(DefaultBodyLimit::max(crate::MAX_IMPORT_BODY as usize)),
    }
}

fn status_of(e: &Option<AppError>) -> StatusCode {
    e.as_ref()
        .map_or(StatusCode::OK, |e| crate::error::status_of(e.kind))
}

fn date_text(d: &str) -> String {
    parse_date(d)
        .map(format_date)
        .unwrap_or_else(|| d.to_string())
}

// ---------- the list and the definition form ----------

#[derive(Template)]
#[template(path = "periodic_reports.html")]
struct ListPage {
    layout: Layout,
    items: Vec<PeriodicReport>,
    due: Vec<PeriodicReportDue>,
    can_define: bool,
    /// (id, name) of the active units of the scope.
    units: Vec<(String, String)>,
    /// The form's values, given back after a refusal.
    v: HashMap<String, String>,
    chosen: Vec<String>,
    own_unit: String,
    today: String,
    error: Option<String>,
}

impl ListPage {
    fn val<'a>(&'a self, k: &str, default: &'a str) -> &'a str {
        self.v.get(k).map(String::as_str).unwrap_or(default)
    }
    fn recurrences(&self) -> Vec<(&'static str, &'static str)> {
        Recurrence::ALL
            .iter()
            .map(|r| (r.as_str(), r.label()))
            .collect()
    }
    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        ReportKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect()
    }
    fn is_chosen(&self, id: &str) -> bool {
        self.chosen.iter().any(|c| c == id)
    }
    fn due_text(&self, d: &PeriodicReportDue) -> String {
        date_text(&d.due_on)
    }
}

async fn list_page(
    state: &AppState,
    actor: &Actor,
    v: HashMap<String, String>,
    chosen: Vec<String>,
    error: Option<AppError>,
) -> Response {
    let app = &state.app;
    let layout = Layout::for_actor(app, actor, TITLE, HREF).await;
    let items = match app.list_periodic_reports(actor, 100).await {
        Ok(i) => i,
        Err(e) => return error_page(layout, &e),
    };
    let due = app
        .periodic_reports_due(actor, 50)
        .await
        .unwrap_or_default();
    let can_define = actor.may(Permission::DefinePeriodicReports);
    let units = if can_define {
        app.units_in_scope(actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|u| u.active())
            .map(|u| (u.id, u.name))
            .collect()
    } else {
        Vec::new()
    };
    let status = status_of(&error);
    let p = ListPage {
        layout,
        items,
        due,
        can_define,
        units,
        v,
        chosen,
        own_unit: actor.unit_id.clone(),
        today: legal_day(app.now()).format("%Y-%m-%d").to_string(),
        error: error.map(|e| e.message),
    };
    (status, render(&p)).into_response()
}

pub async fn list(State(state): State<AppState>, PageActor(actor): PageActor) -> Response {
    list_page(&state, &actor, HashMap::new(), Vec::new(), None).await
}

/// Reads the form's lines "mã | tên | number" (or "text"); the kind may be left out.
fn parse_field_lines(raw: &str) -> Result<Vec<FieldInput>, AppError> {
    let mut out = Vec::new();
    for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let (key, label, kind) = match parts.as_slice() {
            [k, l] => (*k, *l, "number"),
            [k, l, kind] => (*k, *l, *kind),
            _ => {
                return Err(AppError::bad_input(
                    "periodic_report.invalid_fields",
                    format!("Dòng “{line}”: viết “mã | tên ô | number hoặc text”."),
                ));
            }
        };
        out.push(FieldInput {
            key: key.to_string(),
            label: label.to_string(),
            kind: kind.to_string(),
        });
    }
    Ok(out)
}

pub async fn define(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let mut v: HashMap<String, String> = HashMap::new();
    let mut chosen = Vec::new();
    for (k, val) in pairs {
        if k == "recipients" {
            chosen.push(val);
        } else {
            v.insert(k, val);
        }
    }
    let get = |k: &str| v.get(k).cloned().unwrap_or_default();
    let fields = match parse_field_lines(&get("fields")) {
        Ok(f) => f,
        Err(e) => return list_page(&state, &actor, v, chosen, Some(e)).await,
    };
    let deadline_days = get("deadline_days").trim().parse::<i64>().unwrap_or(-1);
    let input = PeriodicReportInput {
        title: get("title"),
        description: get("description"),
        recurrence: get("recurrence"),
        deadline_days,
        kind: Some(get("kind")).filter(|k| !k.is_empty()),
        fields,
        prefill: v.contains_key("prefill"),
        recipients: chosen.clone(),
        unit_id: Some(get("unit_id")).filter(|u| !u.is_empty()),
        starts_on: Some(get("starts_on")).filter(|u| !u.is_empty()),
    };
    match state.app.define_periodic_report(&actor, input).await {
        Ok(r) => Redirect::to(&format!("/periodic-reports/{}?done=1", r.row.id)).into_response(),
        Err(e) => list_page(&state, &actor, v, chosen, Some(e)).await,
    }
}

// ---------- a report: its board and the sending form ----------

#[derive(Template)]
#[template(path = "periodic_report.html")]
struct DetailPage {
    layout: Layout,
    r: PeriodicReport,
    board: Board,
    /// The sending form, when the officer may send for a unit of their scope.
    form: Option<SendForm>,
    /// A leader of the defining unit's scope may change it or stop collecting it.
    can_deactivate: bool,
    /// The change form's values: the report's own, or what was typed when a change was refused.
    edit: EditValues,
    error: Option<String>,
}

/// The change form (inputs `edit_*`, so a refused change comes back in `typed`).
struct EditValues {
    title: String,
    description: String,
    /// One line per field: "mã | tên ô | number|text".
    fields: String,
    reason: String,
    base_updated_at: String,
}

impl EditValues {
    fn of(r: &PeriodicReport, typed: &HashMap<String, String>) -> EditValues {
        let get = |k: &str, default: String| typed.get(k).cloned().unwrap_or(default);
        let lines = r
            .fields
            .iter()
            .map(|f| format!("{} | {} | {}", f.key, f.label, f.kind))
            .collect::<Vec<_>>()
            .join("\n");
        EditValues {
            title: get("edit_title", r.row.title.clone()),
            description: get("edit_description", r.row.description.clone()),
            fields: get("edit_fields", lines),
            reason: get("edit_reason", String::new()),
            base_updated_at: get("base_updated_at", r.row.updated_at.clone()),
        }
    }
}

struct SendForm {
    /// (key, label) of the periods open for sending, latest first.
    periods: Vec<(String, String)>,
    period: String,
    units: Vec<UnitRef>,
    unit: String,
    /// (key, label, kind, value) of each field, pre-filled.
    fields: Vec<(String, String, String, String)>,
    prefilled: bool,
    file_required: bool,
    note: String,
}

impl DetailPage {
    /// The report's first day, "08/12/2026".
    fn starts_text(&self) -> String {
        qltt_domain::format::parse_date(&self.r.row.starts_on)
            .map(qltt_domain::format::format_date)
            .unwrap_or_else(|| self.r.row.starts_on.clone())
    }
    fn deadline_rule(&self) -> String {
        match self.r.row.deadline_days {
            0 => "ngày cuối kỳ".to_string(),
            n => format!("{n} ngày sau khi hết kỳ"),
        }
    }
    fn badge(&self, status: &str) -> &'static str {
        match status {
            "on_time" => "ok",
            "late" => "warn",
            "overdue" => "danger",
            _ => "muted",
        }
    }
}

#[derive(Deserialize, Default)]
pub struct DetailQuery {
    period: Option<String>,
    unit: Option<String>,
    done: Option<String>,
}

async fn detail_page(
    state: &AppState,
    actor: &Actor,
    id: &str,
    q: DetailQuery,
    typed: HashMap<String, String>,
    error: Option<AppError>,
) -> Response {
    let app = &state.app;
    let mut layout = Layout::for_actor(app, actor, TITLE, HREF).await;
    let r = match app.periodic_report(actor, id).await {
        Ok(r) => r,
        Err(e) => return error_page(layout, &e),
    };
    let board = match app
        .periodic_report_board(actor, id, q.period.as_deref())
        .await
    {
        Ok(b) => b,
        Err(e) if matches!(e.kind, ErrorKind::BadInput) => {
            match app.periodic_report_board(actor, id, None).await {
                Ok(b) => b,
                Err(e) => return error_page(layout, &e),
            }
        }
        Err(e) => return error_page(layout, &e),
    };
    layout.title = r.row.title.clone();
    if q.done.is_some() {
        layout.flash = Some("Đã ghi nhận.".into());
    }
    let form = if actor.may(Permission::SubmitPeriodicReports) && r.row.active == 1 {
        send_form(state, actor, &r, &board, &q, &typed).await
    } else {
        None
    };
    let can_deactivate = actor.may(Permission::DefinePeriodicReports)
        && r.row.active == 1
        && app.in_scope(actor, &r.row.unit_id).await.unwrap_or(false);
    let status = status_of(&error);
    let edit = EditValues::of(&r, &typed);
    let p = DetailPage {
        layout,
        edit,
        r,
        board,
        form,
        can_deactivate,
        error: error.map(|e| e.message),
    };
    (status, render(&p)).into_response()
}

async fn send_form(
    state: &AppState,
    actor: &Actor,
    r: &PeriodicReport,
    board: &Board,
    q: &DetailQuery,
    typed: &HashMap<String, String>,
) -> Option<SendForm> {
    let app = &state.app;
    let mut units = Vec::new();
    for u in &r.recipients {
        if app.in_scope(actor, &u.id).await.unwrap_or(false) {
            units.push(u.clone());
        }
    }
    if units.is_empty() {
        return None;
    }
    let recurrence = Recurrence::parse(&r.row.recurrence).ok()?;
    let first = parse_date(&r.row.starts_on)?;
    let periods: Vec<(String, String)> = open_periods(recurrence, first, legal_day(app.now()), 6)
        .into_iter()
        .map(|p| (p.key(), p.label()))
        .collect();
    if periods.is_empty() {
        return None;
    }
    let wanted = typed
        .get("period")
        .cloned()
        .or_else(|| q.period.clone())
        .unwrap_or_else(|| board.period.key.clone());
    let period = periods
        .iter()
        .find(|(k, _)| *k == wanted)
        .map(|(k, _)| k.clone())
        .unwrap_or_else(|| periods[0].0.clone());
    let wanted_unit = typed.get("unit_id").cloned().or_else(|| q.unit.clone());
    let unit = units
        .iter()
        .find(|u| Some(&u.id) == wanted_unit.as_ref())
        .or_else(|| units.iter().find(|u| u.id == actor.unit_id))
        .unwrap_or(&units[0])
        .id
        .clone();
    let prefill = if r.row.prefill == 1 {
        app.periodic_report_prefill(actor, &r.row.id, Some(&period), Some(&unit))
            .await
            .map(|p| p.figures)
            .unwrap_or_default()
    } else {
        BTreeMap::new()
    };
    let fields = r
        .fields
        .iter()
        .map(|f| {
            let value = typed
                .get(&format!("f_{}", f.key))
                .cloned()
                .or_else(|| prefill.get(&f.key).map(|n| n.to_string()))
                .unwrap_or_default();
            (f.key.clone(), f.label.clone(), f.kind.clone(), value)
        })
        .collect();
    Some(SendForm {
        periods,
        period,
        units,
        unit,
        fields,
        prefilled: !prefill.is_empty(),
        file_required: r.is_file(),
        note: typed.get("note").cloned().unwrap_or_default(),
    })
}

pub async fn detail(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Response {
    detail_page(&state, &actor, &id, q, HashMap::new(), None).await
}

pub async fn submit(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let read = read_form(multipart, &REPORT_FILE).await;
    if !multipart_token_ok(read.csrf(), actor.csrf.as_deref()) {
        tracing::warn!(path = "/periodic-reports/{id}", "csrf check failed");
        let layout = Layout::for_actor(&state.app, &actor, TITLE, HREF).await;
        return error_page(
            layout,
            &AppError::new(
                ErrorKind::Forbidden,
                "auth.csrf",
                "Phiên làm việc không hợp lệ hoặc đã hết hạn; hãy tải lại trang rồi gửi lại.",
            ),
        );
    }
    let FormRead {
        fields: mut typed,
        files,
        error,
    } = read;
    typed.remove("csrf");
    let file = files.into_iter().next();
    let app = &state.app;
    let back = |typed: HashMap<String, String>, e: AppError| {
        let state = state.clone();
        let actor = actor.clone();
        let id = id.clone();
        async move {
            if matches!(e.kind, ErrorKind::NotFound) {
                let layout = Layout::for_actor(&state.app, &actor, TITLE, HREF).await;
                return error_page(layout, &e);
            }
            detail_page(&state, &actor, &id, DetailQuery::default(), typed, Some(e)).await
        }
    };
    // The permission first: an officer who may not send learns nothing more.
    if !actor.may(Permission::SubmitPeriodicReports) {
        return back(typed, AppError::forbidden()).await;
    }
    if let Some(e) = error {
        // Given back with what was typed; the file of a refused form is not stored.
        return back(typed, e).await;
    }
    let file_sha256 = match file {
        Some((name, bytes)) => match app.upload_file(&actor, bytes.to_vec(), Some(&name)).await {
            Ok(b) => Some(b.sha256),
            Err(e) => return back(typed, e).await,
        },
        None => None,
    };
    // The form's fields as the report defines them: numbers as typed with dots grouping
    // thousands ("2.500.000"), text as typed.
    let report = match app.periodic_report(&actor, &id).await {
        Ok(r) => r,
        Err(e) => return back(typed, e).await,
    };
    let mut figures = serde_json::Map::new();
    for f in &report.fields {
        let raw = typed
            .get(&format!("f_{}", f.key))
            .cloned()
            .unwrap_or_default();
        let value = if f.kind == "number" {
            let t = raw.trim();
            if t.is_empty() {
                continue;
            }
            let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
            if digits.is_empty() || t.starts_with('-') || digits.len() > 18 {
                let e = AppError::bad_input(
                    "periodic_report.invalid_figures",
                    format!("“{}” phải là số nguyên không âm.", f.label),
                );
                return back(typed, e).await;
            }
            serde_json::json!(digits.parse::<i64>().unwrap_or(0))
        } else {
            serde_json::Value::String(raw)
        };
        figures.insert(f.key.clone(), value);
    }
    let input = SubmissionInput {
        period: typed.get("period").cloned().unwrap_or_default(),
        unit_id: typed.get("unit_id").cloned(),
        figures,
        file_sha256,
        note: typed.get("note").cloned().unwrap_or_default(),
    };
    match app.submit_periodic_report(&actor, &id, input).await {
        Ok(s) => Redirect::to(&format!(
            "/periodic-reports/submissions/{}?done=1",
            s.row.id
        ))
        .into_response(),
        Err(e) => back(typed, e).await,
    }
}

/// The submission form's one file (a report written elsewhere).
const REPORT_FILE: FileInput = FileInput {
    field: "file",
    max_files: 1,
    bad_code: "periodic_report.bad_upload",
    too_many_code: "periodic_report.bad_upload",
    too_many_message: "Chỉ gửi kèm một tệp báo cáo.",
    noun: "Tệp",
};

// ---------- a submission and its review ----------

#[derive(Template)]
#[template(path = "periodic_submission.html")]
struct SubmissionPage {
    layout: Layout,
    s: Submission,
    r: PeriodicReport,
    figures: Vec<(String, String)>,
    can_review: bool,
    can_resend: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SubmissionQuery {
    done: Option<String>,
}

async fn submission_page(
    state: &AppState,
    actor: &Actor,
    id: &str,
    flash: bool,
    error: Option<AppError>,
) -> Response {
    let app = &state.app;
    let mut layout = Layout::for_actor(app, actor, TITLE, HREF).await;
    let (s, r) = match app.periodic_report_submission(actor, id).await {
        Ok(x) => x,
        Err(e) => return error_page(layout, &e),
    };
    layout.title = format!("{} — {}", r.row.title, s.period.label);
    if flash {
        layout.flash = Some("Đã ghi nhận.".into());
    }
    let can_review = actor.may(Permission::DefinePeriodicReports)
        && s.row.submitted_by != actor.id
        && s.may("accept")
        && app.in_scope(actor, &r.row.unit_id).await.unwrap_or(false);
    let can_resend = actor.may(Permission::SubmitPeriodicReports)
        && s.may("submit")
        && app.in_scope(actor, &s.row.unit_id).await.unwrap_or(false);
    let status = status_of(&error);
    let p = SubmissionPage {
        layout,
        figures: s.figure_lines(&r.fields),
        s,
        r,
        can_review,
        can_resend,
        error: error.map(|e| e.message),
    };
    (status, render(&p)).into_response()
}

pub async fn submission(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Query(q): Query<SubmissionQuery>,
) -> Response {
    submission_page(&state, &actor, &id, q.done.is_some(), None).await
}

/// The review form: `op` = accept | return, with a note.
#[derive(Deserialize, Default)]
pub struct ReviewForm {
    #[serde(default)]
    op: String,
    #[serde(default)]
    note: String,
}

pub async fn review(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(f): Form<ReviewForm>,
) -> Response {
    let input = ReviewInput {
        note: (!f.note.trim().is_empty()).then(|| f.note.clone()),
    };
    match state
        .app
        .review_periodic_report(&actor, &id, &f.op, input)
        .await
    {
        Ok(_) => {
            Redirect::to(&format!("/periodic-reports/submissions/{id}?done=1")).into_response()
        }
        Err(e) if matches!(e.kind, ErrorKind::NotFound) => {
            error_page(Layout::for_actor(&state.app, &actor, TITLE, HREF).await, &e)
        }
        Err(e) => submission_page(&state, &actor, &id, false, Some(e)).await,
    }
}

/// `POST /periodic-reports/{id}/deactivate`: stop collecting a report, with the reason.
/// `GET /periodic-reports/{id}/events`: the page session's stream of the board's changes.
pub async fn events(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Response {
    match state.app.watch_periodic_report(&actor, &id).await {
        Ok(rx) => {
            axum::response::sse::Sse::new(crate::api::periodic_reports::report_stream(rx, id))
                .keep_alive(axum::response::sse::KeepAlive::default())
                .into_response()
        }
        Err(e) => (crate::error::status_of(e.kind), e.message).into_response(),
    }
}

/// `POST /periodic-reports/{id}/edit`: the change form (title, description, the form's lines,
/// the reason). A refusal gives the page back with what was typed.
pub async fn edit(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(typed): Form<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let back = |typed: HashMap<String, String>, e: AppError| {
        let state = state.clone();
        let actor = actor.clone();
        let id = id.clone();
        async move {
            if matches!(e.kind, ErrorKind::NotFound) {
                let layout = Layout::for_actor(&state.app, &actor, TITLE, HREF).await;
                return error_page(layout, &e);
            }
            detail_page(&state, &actor, &id, DetailQuery::default(), typed, Some(e)).await
        }
    };
    let fields = match parse_field_lines(&get("edit_fields")) {
        Ok(f) => f,
        Err(e) => return back(typed, e).await,
    };
    let base = get("base_updated_at");
    let input = PeriodicReportEdit {
        title: Some(get("edit_title")),
        description: Some(get("edit_description")),
        fields: Some(fields),
        reason: get("edit_reason"),
        base_updated_at: (!base.is_empty()).then_some(base),
    };
    match state.app.edit_periodic_report(&actor, &id, input).await {
        Ok(_) => Redirect::to(&format!("/periodic-reports/{id}?done=1")).into_response(),
        Err(e) => back(typed, e).await,
    }
}

#[derive(Deserialize, Default)]
pub struct DeactivateForm {
    #[serde(default)]
    reason: String,
}

pub async fn deactivate(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(f): Form<DeactivateForm>,
) -> Response {
    let input = DeactivateInput { reason: f.reason };
    match state
        .app
        .deactivate_periodic_report(&actor, &id, input)
        .await
    {
        Ok(_) => Redirect::to(&format!("/periodic-reports/{id}?done=1")).into_response(),
        Err(e) if matches!(e.kind, ErrorKind::NotFound) => {
            error_page(Layout::for_actor(&state.app, &actor, TITLE, HREF).await, &e)
        }
        Err(e) => {
            detail_page(
                &state,
                &actor,
                &id,
                DetailQuery::default(),
                HashMap::new(),
                Some(e),
            )
            .await
        }
    }
}
