//! Officers: list, create, view, deactivate/reactivate.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qltt_app::officers::{NewOfficerInput, Officer};
use qltt_app::{Actor, AppError};
use qltt_domain::format::format_instant;
use qltt_domain::officer::{Permission, Rank, Role};
use qltt_store::parse_ts;
use secrecy::SecretString;
use serde::Deserialize;

use super::{Layout, PageActor, error_page, render};
use crate::AppState;

pub struct Row {
    pub id: String,
    pub username: String,
    pub full_name: String,
    pub unit_name: String,
    pub roles: String,
    pub rank: String,
    pub active: bool,
}

fn rank_label(rank: Option<&str>) -> String {
    rank.and_then(|r| Rank::parse(r).ok())
        .map(|r| r.label().to_string())
        .unwrap_or_default()
}

fn row(o: Officer) -> Row {
    Row {
        rank: rank_label(o.rank.as_deref()),
        roles: o
            .roles
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join(", "),
        id: o.id,
        username: o.username,
        full_name: o.full_name,
        unit_name: o.unit_name,
        active: o.active,
    }
}

#[derive(Template)]
#[template(path = "officers.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    can_manage: bool,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(q): Query<ListQuery>,
) -> Response {
    let layout = Layout::for_actor(&state.app, &actor, "Công chức", "/officers").await;
    match state
        .app
        .officers(&actor, None, q.cursor.as_deref(), 50)
        .await
    {
        Ok(page) => render(&ListPage {
            layout,
            rows: page.items.into_iter().map(row).collect(),
            can_manage: actor.may(Permission::ManageOfficers),
            next: page.next_cursor,
        }),
        Err(e) => error_page(layout, &e),
    }
}

#[derive(Deserialize, Default)]
pub struct OfficerForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    rank: String,
}

#[derive(Template)]
#[template(path = "officer_new.html")]
struct NewPage {
    layout: Layout,
    units: Vec<(String, String)>,
    roles: Vec<(&'static str, &'static str)>,
    ranks: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    form: OfficerForm,
}

async fn new_page(
    state: &AppState,
    actor: &Actor,
    error: Option<AppError>,
    form: OfficerForm,
) -> Response {
    let layout = Layout::for_actor(&state.app, actor, "Thêm công chức", "/officers").await;
    if !actor.may(Permission::ManageOfficers) {
        return error_page(layout, &AppError::forbidden());
    }
    let units = match state.app.units_in_scope(actor).await {
        Ok(u) => u
            .into_iter()
            .filter(|u| u.active())
            .map(|u| (u.id, format!("{} ({})", u.name, u.code)))
            .collect(),
        Err(e) => return error_page(layout, &e),
    };
    let roles = Role::ALL
        .iter()
        // Only the roles this officer may hand out.
        .filter(|r| qltt_domain::officer::check_role_grant(&actor.roles, &[**r]).is_ok())
        .map(|r| (r.as_str(), r.label()))
        .collect();
    let ranks = Rank::ALL.iter().map(|r| (r.as_str(), r.label())).collect();
    let status = error
        .as_ref()
        .map(|e| crate::error::status_of(e.kind))
        .unwrap_or(StatusCode::OK);
    let page = NewPage {
        layout,
        units,
        roles,
        ranks,
        error: error.map(|e| e.message),
        // The password is never sent back to the browser.
        form: OfficerForm {
            password: String::new(),
            ..form
        },
    };
    (status, render(&page)).into_response()
}

pub async fn new_form(State(state): State<AppState>, PageActor(actor): PageActor) -> Response {
    // Most accounts created are inspectors' accounts.
    let form = OfficerForm {
        role: Role::Inspector.as_str().into(),
        ..OfficerForm::default()
    };
    new_page(&state, &actor, None, form).await
}

pub async fn create(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(f): Form<OfficerForm>,
) -> Response {
    let input = NewOfficerInput {
        username: f.username.clone(),
        full_name: f.full_name.clone(),
        password: SecretString::from(f.password.clone()),
        unit_id: f.unit_id.clone(),
        roles: vec![f.role.clone()],
        rank: Some(f.rank.clone()),
    };
    match state.app.create_officer(&actor, input).await {
        Ok(o) => Redirect::to(&format!("/officers/{}?created=1", o.id)).into_response(),
        Err(e) => new_page(&state, &actor, Some(e), f).await,
    }
}

#[derive(Template)]
#[template(path = "officer.html")]
struct DetailPage {
    layout: Layout,
    o: Row,
    unit_id: String,
    created: String,
    can_manage: bool,
    is_self: bool,
}

#[derive(Deserialize)]
pub struct DetailQuery {
    created: Option<String>,
    changed: Option<String>,
}

pub async fn detail(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Response {
    let mut layout = Layout::for_actor(&state.app, &actor, "Công chức", "/officers").await;
    match state.app.officer(&actor, &id).await {
        Ok(o) => {
            if q.created.is_some() {
                layout.flash = Some("Đã tạo tài khoản công chức.".into());
            }
            if q.changed.is_some() {
                layout.flash = Some("Đã cập nhật trạng thái tài khoản.".into());
            }
            layout.title = o.full_name.clone();
            let created = parse_ts(&o.created_at)
                .map(format_instant)
                .unwrap_or_default();
            let unit_id = o.unit_id.clone();
            render(&DetailPage {
                layout,
                is_self: o.id == actor.id,
                o: row(o),
                unit_id,
                created,
                can_manage: actor.may(Permission::ManageOfficers),
            })
        }
        Err(e) => error_page(layout, &e),
    }
}

#[derive(Deserialize)]
pub struct ActiveForm {
    active: String,
}

pub async fn set_active(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(f): Form<ActiveForm>,
) -> Response {
    match state
        .app
        .set_officer_active(&actor, &id, f.active == "1")
        .await
    {
        Ok(_) => Redirect::to(&format!("/officers/{id}?changed=1")).into_response(),
        Err(e) => {
            let layout = Layout::for_actor(&state.app, &actor, "Công chức", "/officers").await;
            error_page(layout, &e)
        }
    }
}
