//! "Gộp hồ sơ trùng": from a business's page, find the record that stays, see what the merge
//! will fill in, confirm.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qltt_app::businesses::Business;
use qltt_app::{Actor, AppError, ErrorKind};
use qltt_domain::officer::Permission;
use serde::Deserialize;

use super::field_label;
use crate::AppState;
use crate::pages::{Layout, PageActor, error_page, render};

pub struct PreviewView {
    pub survivor: Business,
    pub filled: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "business_merge.html")]
struct MergePage {
    layout: Layout,
    b: Business,
    q: String,
    searched: bool,
    candidates: Vec<Business>,
    preview: Option<PreviewView>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct MergeQuery {
    q: Option<String>,
    into: Option<String>,
}

#[derive(Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    into: String,
}

const TITLE: &str = "Gộp hồ sơ trùng";

async fn page(
    state: &AppState,
    actor: &Actor,
    id: &str,
    q: Option<String>,
    into: Option<&str>,
    error: Option<AppError>,
) -> Response {
    let app = &state.app;
    let layout = Layout::for_actor(app, actor, TITLE, "/businesses").await;
    if !actor.may(Permission::ManageBusinesses) {
        return error_page(layout, &AppError::forbidden());
    }
    let b = match app.business(actor, id).await {
        Ok(b) => b,
        Err(e) => return error_page(layout, &e),
    };
    if b.row.merged_into.is_some() {
        let e = AppError::new(
            ErrorKind::Refused,
            "business.merged",
            "Hồ sơ này đã được gộp vào hồ sơ khác.",
        );
        return error_page(layout, &e);
    }
    let mut status = error
        .as_ref()
        .map(|e| crate::error::status_of(e.kind))
        .unwrap_or(StatusCode::OK);
    let mut error = error.map(|e| e.message);
    let mut preview = None;
    if let Some(into) = into.filter(|s| !s.is_empty()) {
        match app.merge_preview(actor, id, into).await {
            Ok(p) => {
                preview = Some(PreviewView {
                    survivor: p.survivor,
                    filled: p
                        .filled
                        .into_iter()
                        .map(|(f, v)| (field_label(f).to_string(), v))
                        .collect(),
                })
            }
            Err(e) => {
                if error.is_none() {
                    status = crate::error::status_of(e.kind);
                    error = Some(e.message);
                }
            }
        }
    }
    // The duplicate's own name is the likeliest search for the record it duplicates.
    let searched = q.is_some();
    let q = q.unwrap_or_else(|| b.row.name.clone());
    let mut candidates = Vec::new();
    if preview.is_none() && !q.trim().is_empty() {
        match app.search_businesses(actor, &q, None, 20).await {
            Ok(p) => candidates = p.items.into_iter().filter(|c| c.row.id != id).collect(),
            Err(e) => error = error.or(Some(e.message)),
        }
    }
    let p = MergePage {
        layout,
        b,
        q,
        searched,
        candidates,
        preview,
        error,
    };
    (status, render(&p)).into_response()
}

pub async fn form(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Query(q): Query<MergeQuery>,
) -> Response {
    page(&state, &actor, &id, q.q, q.into.as_deref(), None).await
}

pub async fn submit(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(f): Form<MergeForm>,
) -> Response {
    match state.app.merge_business(&actor, &id, &f.into).await {
        Ok(survivor) => {
            Redirect::to(&format!("/businesses/{}?merged=1", survivor.row.id)).into_response()
        }
        Err(e) => page(&state, &actor, &id, None, Some(&f.into), Some(e)).await,
    }
}
