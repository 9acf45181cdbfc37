//! The case pages: the list of the officer's cases, opening a case, and the case page with its
//! deadlines, documents, journal and a form for each step the state allows (usable on a phone at
//! the premises: large inputs, GPS, signature pad, drafts kept on the device).

pub mod forms;
pub mod queues;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use qltt_app::cases::input::NewCaseInput;
use qltt_app::cases::{Case, deadline_label};
use qltt_app::{Actor, AppError};
use qltt_domain::case::{Action, CaseState, Origin};
use qltt_domain::format::{Vnd, format_date, format_instant, legal_day, parse_date};
use qltt_domain::officer::Permission;
use qltt_store::cases::StepRow;
use qltt_store::parse_ts;
use serde::Deserialize;

use super::{Layout, PageActor, error_page, render};
use crate::AppState;
use forms::Field;

fn day_text(raw: &str) -> String {
    parse_date(raw)
        .map(format_date)
        .unwrap_or_else(|| raw.to_string())
}

pub fn money(v: i64) -> String {
    Vnd(v).to_string()
}

pub struct Row {
    pub id: String,
    pub summary: String,
    pub state: String,
    pub state_label: String,
    pub created: String,
    pub next_due: String,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct ListPage {
    layout: Layout,
    state: String,
    states: Vec<(&'static str, &'static str)>,
    items: Vec<Row>,
    next: Option<String>,
    can_open: bool,
    /// Set when the list shows the cases behind a report figure.
    report_note: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    state: String,
    cursor: Option<String>,
    /// Drill-down from a report: the figure, its period and unit.
    #[serde(default)]
    report: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    unit: String,
}

pub fn row(c: &Case) -> Row {
    let next_due = c
        .deadlines
        .iter()
        .filter(|d| !d.met)
        .min_by(|a, b| a.due_on.cmp(&b.due_on))
        .map(|d| format!("{}: {}", d.label, day_text(&d.due_on)))
        .unwrap_or_default();
    Row {
        id: c.row.id.clone(),
        summary: c.row.summary.clone(),
        state: c.row.state.clone(),
        state_label: c.state_label.clone(),
        created: parse_ts(&c.row.created_at)
            .map(format_instant)
            .unwrap_or_default(),
        next_due,
    }
}

pub async fn list(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(q): Query<ListQuery>,
) -> Response {
    let layout = Layout::for_actor(&state.app, &actor, "Vụ việc", "/cases").await;
    if !q.report.is_empty() {
        return report_list(&state, &actor, layout, &q).await;
    }
    let filter = (!q.state.is_empty()).then_some(q.state.as_str());
    match state
        .app
        .list_cases(&actor, filter, None, q.cursor.as_deref(), 50)
        .await
    {
        Ok(page) => render(&ListPage {
            layout,
            states: CaseState::ALL
                .iter()
                .map(|s| (s.as_str(), s.label()))
                .collect(),
            state: q.state,
            items: page.items.iter().map(row).collect(),
            next: page.next_cursor,
            can_open: actor.may(Permission::HandleCases),
            report_note: None,
        }),
        Err(e) => error_page(layout, &e),
    }
}

/// The cases behind a report figure (at most 200, newest first).
async fn report_list(state: &AppState, actor: &Actor, layout: Layout, q: &ListQuery) -> Response {
    let dates = (parse_date(q.from.trim()), parse_date(q.to.trim()));
    let (Some(from), Some(to)) = dates else {
        let e = AppError::bad_input("validation.invalid_date", "Ngày không hợp lệ.");
        return error_page(layout, &e);
    };
    let unit = Some(q.unit.as_str()).filter(|u| !u.is_empty());
    let ids = match state
        .app
        .report_cases(actor, unit, &q.report, from, to, 200)
        .await
    {
        Ok(ids) => ids,
        Err(e) => return error_page(layout, &e),
    };
    let mut items = Vec::new();
    for id in &ids {
        match state.app.case(actor, id).await {
            Ok(c) => items.push(row(&c)),
            Err(e) => return error_page(layout, &e),
        }
    }
    let more = if ids.len() == 200 {
        " (200 vụ việc đầu)"
    } else {
        ""
    };
    let note = match qltt_app::reports::risk::drill_label(&q.report) {
        // Deadlines at risk are as of today, not over a period.
        Some(label) => format!("Các vụ việc có «{label}» (tính đến hôm nay){more}."),
        None => {
            let label = qltt_domain::report::Measure::parse(&q.report).map_or("", |m| m.label());
            format!(
                "Các vụ việc được tính vào chỉ tiêu «{label}» từ {} đến {}{more}.",
                format_date(from),
                format_date(to),
            )
        }
    };
    render(&ListPage {
        layout,
        states: CaseState::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        state: String::new(),
        report_note: Some(note),
        items,
        next: None,
        can_open: false,
    })
}

#[derive(Template)]
#[template(path = "case_new.html")]
struct NewPage {
    layout: Layout,
    form: NewForm,
    business_name: String,
    units: Vec<(String, String)>,
    origins: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct NewForm {
    #[serde(default)]
    pub business_id: String,
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub origin: String,
    #[serde(default)]
    pub summary: String,
}

async fn new_page(
    state: &AppState,
    actor: &Actor,
    form: NewForm,
    error: Option<AppError>,
) -> Response {
    let layout = Layout::for_actor(&state.app, actor, "Mở vụ việc", "/cases").await;
    if !actor.may(Permission::HandleCases) {
        return error_page(layout, &AppError::forbidden());
    }
    let units = match state.app.units_in_scope(actor).await {
        Ok(u) => u
            .into_iter()
            .filter(|u| u.active())
            .map(|u| (u.id, u.name))
            .collect(),
        Err(e) => return error_page(layout, &e),
    };
    let business_name = if form.business_id.is_empty() {
        String::new()
    } else {
        state
            .app
            .business(actor, &form.business_id)
            .await
            .map(|b| b.row.name)
            .unwrap_or_default()
    };
    // A refused form comes back with what was typed, and with the refusal's status (a 200
    // would tell a script, or a proxy's log, that the case was opened).
    let status = error.as_ref().map(|e| crate::error::status_of(e.kind));
    let mut resp = render(&NewPage {
        layout,
        business_name,
        units,
        origins: Origin::ALL
            .iter()
            .map(|o| (o.as_str(), o.label()))
            .collect(),
        error: error.map(|e| e.message),
        form,
    });
    if let Some(status) = status {
        *resp.status_mut() = status;
    }
    resp
}

pub async fn new_form(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(mut form): Query<NewForm>,
) -> Response {
    if form.unit_id.is_empty() {
        form.unit_id = actor.unit_id.clone();
    }
    new_page(&state, &actor, form, None).await
}

pub async fn create(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(form): Form<NewForm>,
) -> Response {
    let input = NewCaseInput {
        business_id: (!form.business_id.is_empty()).then(|| form.business_id.clone()),
        unit_id: form.unit_id.clone(),
        origin: form.origin.clone(),
        summary: form.summary.clone(),
    };
    match state.app.open_case(&actor, input).await {
        Ok(c) => Redirect::to(&format!("/cases/{}", c.row.id)).into_response(),
        Err(e) => new_page(&state, &actor, form, Some(e)).await,
    }
}

pub struct StepForm {
    pub action: &'static str,
    pub label: &'static str,
    pub fields: Vec<Field>,
    /// The documents the step issues, each with its "Xem trước" (preview) button: (kind, button
    /// text). A step issuing two (a seizure decision and its record) offers both.
    pub previews: Vec<(&'static str, String)>,
}

/// The preview buttons of a step: "Xem trước" for its one document, or one per document named by
/// its type word ("Xem trước quyết định", "Xem trước biên bản").
pub fn preview_buttons(action: Action) -> Vec<(&'static str, String)> {
    let kinds = action.documents();
    kinds
        .iter()
        .map(|k| {
            let text = if kinds.len() == 1 {
                "Xem trước".to_string()
            } else {
                let word = k.label().split(' ').take(2).collect::<Vec<_>>().join(" ");
                format!("Xem trước {}", word.to_lowercase())
            };
            (k.as_str(), text)
        })
        .collect()
}

/// The preview form: the step's JSON body as built by `assets/cases.js` (the CSRF token is
/// checked by the pages' guard).
#[derive(Deserialize)]
pub struct PreviewForm {
    #[serde(default)]
    body: String,
    /// Which of the step's documents (a step issuing two offers both); empty: the first.
    #[serde(default)]
    kind: String,
}

/// `POST /cases/{id}/actions/{action}/preview`: the draft PDF of the document the step would
/// issue, opened in a new tab (inline), or the refusal the step would give as the error page.
pub async fn preview(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<PreviewForm>,
) -> Response {
    let layout = Layout::for_actor(&state.app, &actor, "Xem trước văn bản", "/cases").await;
    let body = if form.body.trim().is_empty() {
        serde_json::Value::Null
    } else {
        match serde_json::from_str(&form.body) {
            Ok(v) => v,
            Err(_) => {
                let e = AppError::bad_input(
                    "case.invalid_body",
                    "Nội dung biểu mẫu không đọc được. Hãy tải lại trang và thử lại.",
                );
                return error_page(layout, &e);
            }
        }
    };
    let kind = match crate::api::cases::preview_kind(Some(&form.kind)) {
        Ok(k) => k,
        Err(e) => return error_page(layout, &e),
    };
    match state
        .app
        .preview_case_action(&actor, &id, &action, body, kind)
        .await
    {
        Ok(p) => crate::api::cases::preview_response(&p, true),
        Err(e) => error_page(layout, &e),
    }
}

pub struct DeadlineRow {
    pub label: String,
    pub due: String,
    pub basis: String,
    /// met | overdue | soon | open
    pub status: &'static str,
}

pub struct StepView {
    pub when: String,
    pub label: String,
    pub who: String,
    pub to: String,
}

#[derive(Template)]
#[template(path = "case.html")]
struct DetailPage {
    layout: Layout,
    c: Case,
    business: Option<(String, String)>,
    unit_name: String,
    origin_label: String,
    deadlines: Vec<DeadlineRow>,
    /// (number, title, date dd/mm/yyyy, id, status note, whether this officer may annul it)
    documents: Vec<(String, String, String, String, &'static str, bool)>,
    /// code, facts, fine (formatted, empty before the decision)
    violations: Vec<(String, String, String)>,
    steps: Vec<StepView>,
    forms: Vec<StepForm>,
    fine_total: String,
    paid_total: String,
    today: String,
    /// The case's exhibit lots (for officers who may see them).
    lots: Vec<qltt_app::exhibits::Exhibit>,
    /// Whether this officer may register a lot on the case now.
    may_record_lot: bool,
}

pub async fn detail(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Response {
    let layout = Layout::for_actor(&state.app, &actor, "Vụ việc", "/cases").await;
    let app = &state.app;
    let c = match app.case(&actor, &id).await {
        Ok(c) => c,
        Err(e) => return error_page(layout, &e),
    };
    let today = legal_day(app.now());
    let today_s = today.format("%Y-%m-%d").to_string();
    let soon_s = (today + chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let deadlines = c
        .deadlines
        .iter()
        .map(|d| DeadlineRow {
            label: deadline_label(&d.kind).to_string(),
            due: day_text(&d.due_on),
            basis: d.basis.clone(),
            status: if d.met {
                "met"
            } else if d.due_on < today_s {
                "overdue"
            } else if d.due_on <= soon_s {
                "soon"
            } else {
                "open"
            },
        })
        .collect();
    let steps_raw: Vec<StepRow> = app.case_steps(&actor, &id).await.unwrap_or_default();
    let mut steps = Vec::new();
    for s in steps_raw {
        steps.push(StepView {
            when: parse_ts(&s.at).map(format_instant).unwrap_or_default(),
            label: match Action::parse(&s.action) {
                Ok(a) => a.label().to_string(),
                Err(_) if s.action == qltt_app::documents::ANNUL_STEP => {
                    qltt_app::documents::ANNUL_STEP_LABEL.to_string()
                }
                Err(_) => s.action.clone(),
            },
            who: app.officer_label(&s.actor_id).await.unwrap_or_default(),
            to: CaseState::parse(&s.to_state)
                .map(|x| x.label().to_string())
                .unwrap_or_default(),
        });
    }
    let business = match &c.row.business_id {
        Some(b) => app
            .business(&actor, b)
            .await
            .ok()
            .map(|b| (b.row.id, b.row.name)),
        None => None,
    };
    let lots = if actor.may(Permission::ViewExhibits) {
        app.list_exhibits(
            &actor,
            &qltt_app::exhibits::ExhibitQuery {
                case_id: Some(c.row.id.clone()),
                limit: Some(500),
                ..Default::default()
            },
        )
        .await
        .unwrap_or_default()
    } else {
        Vec::new()
    };
    // What a decision may confiscate: the lots still held.
    let held: Vec<(String, String)> = lots
        .iter()
        .filter(|e| {
            matches!(
                e.row.status.as_str(),
                "seized" | "in_custody" | "checked_out"
            )
        })
        .map(|e| {
            (
                e.row.id.clone(),
                format!(
                    "{} — {} — {} {} ({})",
                    e.row.lot_no,
                    e.row.description,
                    e.quantity,
                    e.row.unit_of_measure,
                    e.estimated_value_text
                ),
            )
        })
        .collect();
    let may_record_lot = actor.may(Permission::RecordExhibits)
        && !matches!(c.row.state.as_str(), "lead" | "proposed" | "closed");
    // The pickers of the forms: catalogue, officers of the scope, acts of this case.
    let may_act = actor.may(Permission::HandleCases) || actor.may(Permission::RecordPayments);
    let mut forms = Vec::new();
    if may_act && !c.allowed_actions.is_empty() {
        let vts: Vec<(String, String)> = app
            .search_violation_types(&actor, "", None, 200)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|v| {
                let label = format!(
                    "{} — {} ({}–{})",
                    v.code,
                    v.description,
                    money(v.fine_min),
                    money(v.fine_max)
                );
                (v.code, label)
            })
            .collect();
        let officers: Vec<(String, String)> = app
            .officers(&actor, None, None, 200)
            .await
            .map(|p| {
                p.items
                    .into_iter()
                    .filter(|o| o.active)
                    .map(|o| (o.id, format!("{} — {}", o.full_name, o.unit_name)))
                    .collect()
            })
            .unwrap_or_default();
        let acts: Vec<(String, String)> = c
            .violations
            .iter()
            .map(|v| {
                (
                    v.violation_type_id.clone(),
                    format!(
                        "{} (khung {}–{})",
                        v.violation_type_id.split('@').next().unwrap_or(""),
                        money(v.frame_min),
                        money(v.frame_max)
                    ),
                )
            })
            .collect();
        for a in &c.allowed_actions {
            if let Ok(action) = Action::parse(a) {
                let allowed_here = if action == Action::RecordPayment {
                    actor.may(Permission::RecordPayments)
                } else {
                    actor.may(Permission::HandleCases)
                };
                if allowed_here {
                    forms.push(StepForm {
                        action: action.as_str(),
                        label: action.label(),
                        fields: forms::fields(action, &vts, &officers, &acts, &held),
                        previews: preview_buttons(action),
                    });
                }
            }
        }
    }
    let unit_name = app
        .unit_name(&c.row.unit_id)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    let origin_label = Origin::parse(&c.row.origin)
        .map(|o| o.label().to_string())
        .unwrap_or_default();
    let documents = c
        .documents
        .iter()
        .map(|d| {
            (
                d.number.clone(),
                d.label.clone(),
                day_text(&d.issued_on),
                d.id.clone(),
                match d.status.as_str() {
                    "annulled" => "đã bị hủy bỏ",
                    "corrected" => "đã được đính chính",
                    _ => "",
                },
                // Decree 118/2021 Art. 13: a sanction decision in force may be annulled (the
                // use case checks the signer's competence and the case's state).
                d.kind == "sanction_decision"
                    && d.status == "issued"
                    && actor.may(Permission::HandleCases),
            )
        })
        .collect();
    let violations = c
        .violations
        .iter()
        .map(|v| {
            (
                v.violation_type_id
                    .split('@')
                    .next()
                    .unwrap_or("")
                    .to_string(),
                v.facts.clone(),
                v.fine.map(money).unwrap_or_default(),
            )
        })
        .collect();
    render(&DetailPage {
        layout,
        documents,
        violations,
        business,
        unit_name,
        origin_label,
        deadlines,
        steps,
        forms,
        fine_total: money(c.row.fine_total),
        paid_total: money(c.row.paid_total),
        today: today_s,
        lots,
        may_record_lot,
        c,
    })
}
