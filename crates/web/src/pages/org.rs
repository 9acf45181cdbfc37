//! The organisation tree and a unit's page with its history.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use qltt_app::org::{NewUnitInput, UnitNode};
use qltt_domain::format::format_instant;
use qltt_domain::officer::Permission;
use qltt_domain::org::UnitKind;
use qltt_store::parse_ts;
use serde::Deserialize;

use super::{Layout, PageActor, error_page, render};
use crate::AppState;

/// A tree node flattened for the template (askama has no recursion over our types).
pub struct TreeLine {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub active: bool,
    pub depth: usize,
    /// Markup hints: how many lists open before this line and close after it.
    pub open: usize,
    pub close: usize,
}

fn flatten<'a>(node: &'a UnitNode, depth: usize, out: &mut Vec<(usize, &'a UnitNode)>) {
    out.push((depth, node));
    for c in &node.children {
        flatten(c, depth + 1, out);
    }
}

fn tree_lines(root: &UnitNode) -> Vec<TreeLine> {
    let mut flat = Vec::new();
    flatten(root, 0, &mut flat);
    let mut lines = Vec::new();
    for (i, (depth, node)) in flat.iter().enumerate() {
        let next_depth = flat.get(i + 1).map(|(d, _)| *d).unwrap_or(0);
        lines.push(TreeLine {
            id: node.unit.id.clone(),
            code: node.unit.code.clone(),
            name: node.unit.name.clone(),
            kind: UnitKind::parse(&node.unit.kind)
                .map(|k| k.label())
                .unwrap_or("")
                .into(),
            active: node.active,
            depth: *depth,
            open: usize::from(next_depth > *depth),
            close: depth.saturating_sub(next_depth),
        });
    }
    lines
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage {
    layout: Layout,
    lines: Vec<TreeLine>,
    can_manage: bool,
    parents: Vec<(String, String)>,
    error: Option<String>,
    form: UnitForm,
}

#[derive(Deserialize, Default, Clone)]
pub struct UnitForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent_id: String,
}

async fn org_page(
    state: &AppState,
    actor: &qltt_app::Actor,
    error: Option<qltt_app::AppError>,
    form: UnitForm,
) -> Response {
    let app = &state.app;
    let layout = Layout::for_actor(app, actor, "Tổ chức", "/org").await;
    let tree = match app.unit_tree(actor).await {
        Ok(t) => t,
        Err(e) => return error_page(layout, &e),
    };
    let lines = tree.as_ref().map(tree_lines).unwrap_or_default();
    let parents = lines
        .iter()
        .filter(|l| l.active)
        .map(|l| {
            (
                l.id.clone(),
                format!("{}{} ({})", "— ".repeat(l.depth), l.name, l.code),
            )
        })
        .collect();
    let status = error
        .as_ref()
        .map(|e| crate::error::status_of(e.kind))
        .unwrap_or(axum::http::StatusCode::OK);
    let error = error.map(|e| e.message);
    let page = OrgPage {
        layout,
        lines,
        can_manage: actor.may(Permission::ManageUnits),
        parents,
        error,
        form,
    };
    (status, render(&page)).into_response()
}

pub async fn tree(State(state): State<AppState>, PageActor(actor): PageActor) -> Response {
    org_page(&state, &actor, None, UnitForm::default()).await
}

pub async fn create(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(f): Form<UnitForm>,
) -> Response {
    let input = NewUnitInput {
        name: f.name.clone(),
        code: f.code.clone(),
        kind: f.kind.clone(),
        parent_id: Some(f.parent_id.clone()),
    };
    match state.app.create_unit(&actor, input).await {
        Ok(unit) => Redirect::to(&format!("/org/{}", unit.id)).into_response(),
        // The form comes back filled in: nothing the officer typed is lost.
        Err(e) => org_page(&state, &actor, Some(e), f).await,
    }
}

pub struct VersionLine {
    pub name: String,
    pub parent: String,
    pub from: String,
    pub to: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    layout: Layout,
    id: String,
    parent_id: String,
    can_manage: bool,
    /// Units this one may be moved under, and merged into (active, in scope, not itself).
    move_targets: Vec<(String, String)>,
    merge_targets: Vec<(String, String)>,
    error: Option<String>,
    name: String,
    code: String,
    kind: String,
    active: bool,
    parent: Option<(String, String)>,
    merged_into: Option<(String, String)>,
    versions: Vec<VersionLine>,
    officers: Vec<(String, String, String)>,
}

fn when(ts: &str) -> String {
    parse_ts(ts)
        .map(format_instant)
        .unwrap_or_else(|_| ts.to_string())
}

pub async fn detail(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Response {
    unit_page(&state, &actor, &id, None).await
}

async fn unit_page(
    state: &AppState,
    actor: &qltt_app::Actor,
    id: &str,
    error: Option<qltt_app::AppError>,
) -> Response {
    let app = &state.app;
    let (actor, id) = (actor.clone(), id.to_string());
    let layout = Layout::for_actor(app, &actor, "Đơn vị", "/org").await;
    let result: Result<UnitPage, qltt_app::AppError> = async {
        let d = app.unit(&actor, &id).await?;
        let name_of = |id: Option<String>| async move {
            match id {
                Some(id) => app
                    .unit_name(&id)
                    .await
                    .ok()
                    .flatten()
                    .map(|name| (id, name)),
                None => None,
            }
        };
        let mut versions = Vec::new();
        for v in &d.versions {
            versions.push(VersionLine {
                name: v.name.clone(),
                parent: name_of(v.parent_id.clone())
                    .await
                    .map(|p| p.1)
                    .unwrap_or_else(|| "—".into()),
                from: when(&v.valid_from),
                to: v
                    .valid_to
                    .as_deref()
                    .map(when)
                    .unwrap_or_else(|| "nay".into()),
                reason: match v.reason.as_str() {
                    "create" => "Thành lập",
                    "rename" => "Đổi tên",
                    "move" => "Điều chuyển",
                    "rename+move" => "Đổi tên và điều chuyển",
                    "merge" => "Theo sáp nhập",
                    other => other,
                }
                .to_string(),
            });
        }
        let officers = app
            .officers(&actor, Some(&d.unit.id), None, 200)
            .await?
            .items
            .into_iter()
            .map(|o| {
                (
                    o.id,
                    o.full_name,
                    o.roles
                        .iter()
                        .map(|r| r.label())
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            })
            .collect();
        // Offer only what the rules could accept: a new parent of a kind that may contain this
        // unit, and merge targets of the same kind.
        let kind = UnitKind::parse(&d.unit.kind)?;
        let candidates: Vec<_> = app
            .units_in_scope(&actor)
            .await?
            .into_iter()
            .filter(|u| u.active() && u.id != d.unit.id)
            .collect();
        let label =
            |u: &qltt_store::units::UnitRow| (u.id.clone(), format!("{} ({})", u.name, u.code));
        let move_targets = candidates
            .iter()
            .filter(|u| UnitKind::parse(&u.kind).is_ok_and(|k| k.may_contain(kind)))
            .map(label)
            .collect();
        let merge_targets = candidates
            .iter()
            .filter(|u| u.kind == d.unit.kind)
            .map(label)
            .collect();
        Ok(UnitPage {
            layout: Layout::anonymous(""),
            id: d.unit.id.clone(),
            parent_id: d.unit.parent_id.clone().unwrap_or_default(),
            can_manage: actor.may(Permission::ManageUnits)
                && d.active
                && d.unit.id != actor.unit_id,
            move_targets,
            merge_targets,
            error: None,
            kind: UnitKind::parse(&d.unit.kind)
                .map(|k| k.label())
                .unwrap_or("")
                .into(),
            active: d.active,
            parent: name_of(d.unit.parent_id.clone()).await,
            merged_into: name_of(d.unit.merged_into.clone()).await,
            name: d.unit.name,
            code: d.unit.code,
            versions,
            officers,
        })
    }
    .await;
    match result {
        Ok(mut p) => {
            p.layout = layout;
            p.layout.title = p.name.clone();
            let status = error
                .as_ref()
                .map(|e| crate::error::status_of(e.kind))
                .unwrap_or(axum::http::StatusCode::OK);
            p.error = error.map(|e| e.message);
            (status, render(&p)).into_response()
        }
        Err(e) => error_page(layout, &e),
    }
}

#[derive(Deserialize)]
pub struct UnitActionForm {
    action: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    target_id: String,
}

/// Rename, move or merge from the unit's page (administrators).
pub async fn act(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(f): Form<UnitActionForm>,
) -> Response {
    let result = match f.action.as_str() {
        "rename" => {
            let change = qltt_app::org::UnitChange {
                name: Some(f.name),
                parent_id: None,
            };
            state.app.change_unit(&actor, &id, change).await.map(|_| ())
        }
        "move" => {
            let change = qltt_app::org::UnitChange {
                name: None,
                parent_id: Some(f.target_id),
            };
            state.app.change_unit(&actor, &id, change).await.map(|_| ())
        }
        "merge" => state
            .app
            .merge_unit(&actor, &id, &f.target_id)
            .await
            .map(|_| ()),
        _ => Err(qltt_app::AppError::bad_input(
            "request.invalid_action",
            "Thao tác không hợp lệ.",
        )),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/org/{id}")).into_response(),
        Err(e) => unit_page(&state, &actor, &id, Some(e)).await,
    }
}
