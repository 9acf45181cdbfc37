//! Tasks (giao việc): `/tasks` (the tasks given to the officer or their scope, those their scope
//! gave, and the form to give one) and `/tasks/{id}` (a task, its journal and the forms of the
//! steps the officer may take).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qltt_app::tasks::{Task, TaskActionInput, TaskInput};
use qltt_app::{Actor, AppError, ErrorKind};
use qltt_domain::format::legal_day;
use qltt_domain::officer::Permission;
use serde::Deserialize;

use super::{Layout, PageActor, error_page, render};
use crate::AppState;

const TITLE: &str = "Giao việc";
const HREF: &str = "/tasks";

#[derive(Deserialize, Default)]
pub struct TaskForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    /// "unit:{id}" | "officer:{id}"
    #[serde(default)]
    target: String,
    #[serde(default)]
    due_on: String,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    /// "all": every task of the scope; otherwise those to work on.
    view: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct ListPage {
    layout: Layout,
    all: bool,
    items: Vec<Task>,
    next: Option<String>,
    can_assign: bool,
    targets: Vec<(String, String)>,
    form: TaskForm,
    today: String,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    actor: &Actor,
    q: ListQuery,
    form: TaskForm,
    error: Option<AppError>,
) -> Response {
    let app = &state.app;
    let layout = Layout::for_actor(app, actor, TITLE, HREF).await;
    let all = q.view.as_deref() == Some("all");
    let page = match app
        .list_tasks(actor, !all, None, false, q.cursor.as_deref(), 50)
        .await
    {
        Ok(p) => p,
        Err(e) => return error_page(layout, &e),
    };
    let can_assign = actor.may(Permission::AssignTasks);
    let targets = if can_assign {
        assign_targets(state, actor).await
    } else {
        Vec::new()
    };
    let status = error
        .as_ref()
        .map(|e| crate::error::status_of(e.kind))
        .unwrap_or(StatusCode::OK);
    let p = ListPage {
        layout,
        all,
        items: page.items,
        next: page.next_cursor,
        can_assign,
        targets,
        form,
        today: legal_day(app.now()).format("%Y-%m-%d").to_string(),
        error: error.map(|e| e.message),
    };
    (status, render(&p)).into_response()
}

/// The units and officers of the actor's scope a task can be given to ("unit:{id}" /
/// "officer:{id}" with a label).
async fn assign_targets(state: &AppState, actor: &Actor) -> Vec<(String, String)> {
    let app = &state.app;
    let mut targets = Vec::new();
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
    targets
}

/// "unit:{id}" | "officer:{id}" → (unit_id, officer_id); anything else is neither.
fn split_target(target: &str) -> (Option<String>, Option<String>) {
    match target.split_once(':') {
        Some(("unit", u)) => (Some(u.to_string()), None),
        Some(("officer", o)) => (None, Some(o.to_string())),
        _ => (None, None),
    }
}

pub async fn list(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(q): Query<ListQuery>,
) -> Response {
    list_page(&state, &actor, q, TaskForm::default(), None).await
}

pub async fn create(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(f): Form<TaskForm>,
) -> Response {
    let (unit_id, officer_id) = split_target(&f.target);
    let input = TaskInput {
        title: f.title.clone(),
        description: f.description.clone(),
        unit_id,
        officer_id,
        due_on: f.due_on.clone(),
        ..TaskInput::default()
    };
    match state.app.assign_task(&actor, input).await {
        Ok(t) => Redirect::to(&format!("/tasks/{}?done=1", t.row.id)).into_response(),
        Err(e) => {
            let q = ListQuery {
                view: Some("all".into()),
                cursor: None,
            };
            list_page(&state, &actor, q, f, Some(e)).await
        }
    }
}

#[derive(Template)]
#[template(path = "task.html")]
struct DetailPage {
    layout: Layout,
    t: Task,
    can_work: bool,
    can_review: bool,
    /// The giver's side may hand the task to another holder, move its deadline or cancel it.
    can_manage: bool,
    targets: Vec<(String, String)>,
    today: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct DetailQuery {
    done: Option<String>,
}

/// The step forms: `op` = progress | complete | accept | return | reassign | cancel.
#[derive(Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    op: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    progress: String,
    /// reassign: "" (same holder) | "unit:{id}" | "officer:{id}"
    #[serde(default)]
    target: String,
    /// reassign: "" (same deadline) | YYYY-MM-DD
    #[serde(default)]
    due_on: String,
}

async fn detail_page(
    state: &AppState,
    actor: &Actor,
    id: &str,
    flash: bool,
    error: Option<AppError>,
) -> Response {
    let app = &state.app;
    let mut layout = Layout::for_actor(app, actor, TITLE, HREF).await;
    let t = match app.task(actor, id).await {
        Ok(t) => t,
        Err(e) => return error_page(layout, &e),
    };
    layout.title = t.row.title.clone();
    if flash {
        layout.flash = Some("Đã ghi nhận.".into());
    }
    let mine = t.row.assignee_officer_id.as_deref() == Some(actor.id.as_str());
    // Only whoever has the task works on it: the officer it was given to, or for a task given
    // to a unit, the officers whose scope holds that unit (as `App::task_act` checks).
    let holds = match &t.row.assignee_officer_id {
        Some(o) => o == &actor.id,
        None => app
            .in_scope(actor, &t.row.assignee_unit_id)
            .await
            .unwrap_or(false),
    };
    let can_work =
        holds && actor.may(Permission::WorkOnTasks) && (t.may("progress") || t.may("complete"));
    let can_review = actor.may(Permission::AssignTasks) && !mine && t.may("accept");
    let can_manage =
        actor.may(Permission::AssignTasks) && !mine && (t.may("reassign") || t.may("cancel"));
    let targets = if can_manage && t.may("reassign") {
        assign_targets(state, actor).await
    } else {
        Vec::new()
    };
    let status = error
        .as_ref()
        .map(|e| crate::error::status_of(e.kind))
        .unwrap_or(StatusCode::OK);
    let page = DetailPage {
        layout,
        t,
        can_work,
        can_review,
        can_manage,
        targets,
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
    detail_page(&state, &actor, &id, q.done.is_some(), None).await
}

pub async fn act(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(f): Form<StepForm>,
) -> Response {
    let progress = match f.progress.trim() {
        "" => None,
        p => match p.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => Some(-1),
        },
    };
    let (unit_id, officer_id) = split_target(&f.target);
    let input = TaskActionInput {
        note: (!f.note.trim().is_empty()).then(|| f.note.clone()),
        progress,
        unit_id,
        officer_id,
        due_on: (!f.due_on.trim().is_empty()).then(|| f.due_on.clone()),
        ..TaskActionInput::default()
    };
    match state.app.task_act(&actor, &id, &f.op, input).await {
        Ok(_) => Redirect::to(&format!("/tasks/{id}?done=1")).into_response(),
        Err(e) if matches!(e.kind, ErrorKind::NotFound) => {
            error_page(Layout::for_actor(&state.app, &actor, TITLE, HREF).await, &e)
        }
        Err(e) => detail_page(&state, &actor, &id, false, Some(e)).await,
    }
}
