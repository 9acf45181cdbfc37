//! "Hủy bỏ quyết định": from the case page, a leader annuls an issued sanction decision in full
//! (Decree 118/2021/NĐ-CP Art. 13). The page names the decision, asks for the ground of Art. 13(1)
//! and the reason, and says what follows before the leader confirms; a refusal comes back on the
//! same page with what was typed.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qltt_app::documents::AnnulmentInput;
use qltt_app::{Actor, AppError, ErrorKind};
use qltt_domain::case::{AnnulmentGround, DocumentKind};
use qltt_domain::officer::Permission;
use qltt_store::documents::DocumentRow;
use serde::Deserialize;

use crate::AppState;
use crate::pages::{Layout, PageActor, error_page, render};

const TITLE: &str = "Hủy bỏ quyết định";

#[derive(Template)]
#[template(path = "document_annul.html")]
struct AnnulPage {
    layout: Layout,
    doc: DocumentRow,
    kind_label: String,
    issued_on: String,
    /// (code, label with its point of Art. 13(1))
    grounds: Vec<(&'static str, String)>,
    form: AnnulForm,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct AnnulForm {
    #[serde(default)]
    ground: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    delegation_no: String,
}

async fn page(
    state: &AppState,
    actor: &Actor,
    id: &str,
    form: AnnulForm,
    error: Option<AppError>,
) -> Response {
    let app = &state.app;
    let layout = Layout::for_actor(app, actor, TITLE, "/cases").await;
    if !actor.may(Permission::HandleCases) {
        return error_page(layout, &AppError::forbidden());
    }
    let doc = match app.document(actor, id).await {
        Ok(d) => d,
        Err(e) => return error_page(layout, &e),
    };
    let status = match &error {
        Some(e) if e.kind == ErrorKind::Conflict => StatusCode::CONFLICT,
        Some(e) if e.kind == ErrorKind::Refused => StatusCode::UNPROCESSABLE_ENTITY,
        Some(_) => StatusCode::BAD_REQUEST,
        None => StatusCode::OK,
    };
    let p = AnnulPage {
        layout,
        kind_label: DocumentKind::parse(&doc.kind)
            .map(|k| k.label().to_string())
            .unwrap_or_else(|_| doc.kind.clone()),
        issued_on: qltt_domain::format::parse_date(&doc.issued_on)
            .map(qltt_domain::format::format_date)
            .unwrap_or_else(|| doc.issued_on.clone()),
        grounds: AnnulmentGround::ALL
            .iter()
            .map(|g| (g.as_str(), format!("{} — {}", g.label(), g.basis())))
            .collect(),
        doc,
        form,
        error: error.map(|e| e.message),
    };
    (status, render(&p)).into_response()
}

pub async fn form(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Response {
    page(&state, &actor, &id, AnnulForm::default(), None).await
}

pub async fn submit(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(f): Form<AnnulForm>,
) -> Response {
    let input = AnnulmentInput {
        ground: f.ground.clone(),
        reason: f.reason.clone(),
        delegation_no: Some(f.delegation_no.clone()).filter(|d| !d.trim().is_empty()),
    };
    match state.app.annul_document(&actor, &id, input).await {
        Ok(row) => match row.case_id {
            Some(case_id) => Redirect::to(&format!("/cases/{case_id}")).into_response(),
            None => Redirect::to("/cases").into_response(),
        },
        Err(e) => page(&state, &actor, &id, f, Some(e)).await,
    }
}
