//! Registering a lot seized in a case from the case page, as an officer on the spot would: what
//! the goods are, how many, their seals, and photos taken with the phone's camera, in one form.
//!
//! The form is `multipart/form-data` (photos), which the pages' CSRF guard cannot read; the
//! route is mounted outside it and the handler checks the session token in the form's `csrf`
//! field before it acts on anything. Each photo goes to the blob store first (content-addressed:
//! sending the same photo twice stores it once), then the lot is registered with their hashes.
//! After success the browser is sent to the lot's page (a reload cannot post the form twice).

use crate::routes::{RouteRow, routes};
use askama::Template;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use qltt_app::exhibits::ExhibitInput;
use qltt_app::{Actor, AppError, ErrorKind};
use qltt_domain::officer::Permission;
use std::collections::HashMap;

use super::multipart::{FileInput, FormRead, read_form};
use super::{Layout, PageActor, error_page, render};
use crate::AppState;
use crate::csrf::multipart_token_ok;

pub fn routes() -> (Router<AppState>, Vec<RouteRow>) {
    routes! {
        "/cases/{id}/exhibits/new" => get(form)
            .post(submit)
            .layer(DefaultBodyLimit::max(crate::MAX_IMPORT_BODY as usize)),
    }
}

#[derive(Template)]
#[template(path = "exhibit_register.html")]
struct RegisterPage {
    layout: Layout,
    case_id: String,
    case_summary: String,
    error: Option<String>,
    /// The values typed, given back after a refusal so nothing is lost.
    v: HashMap<String, String>,
    today: String,
}

impl RegisterPage {
    fn val(&self, k: &str) -> &str {
        self.v.get(k).map(String::as_str).unwrap_or("")
    }
}

async fn page(
    state: &AppState,
    actor: &Actor,
    case_id: &str,
    v: HashMap<String, String>,
    error: Option<AppError>,
) -> Response {
    let app = &state.app;
    let layout = Layout::for_actor(app, actor, "Đăng ký lô tang vật", "/cases").await;
    if !actor.may(Permission::RecordExhibits) {
        return error_page(layout, &AppError::forbidden());
    }
    let case = match app.case(actor, case_id).await {
        Ok(c) => c,
        Err(e) => return error_page(layout, &e),
    };
    let status = error
        .as_ref()
        .map_or(StatusCode::OK, |e| crate::error::status_of(e.kind));
    let p = RegisterPage {
        layout,
        case_id: case.row.id.clone(),
        case_summary: case.row.summary.clone(),
        error: error.map(|e| e.message),
        v,
        today: qltt_domain::format::legal_day(app.now())
            .format("%Y-%m-%d")
            .to_string(),
    };
    (status, render(&p)).into_response()
}

pub async fn form(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Response {
    page(&state, &actor, &id, HashMap::new(), None).await
}

pub async fn submit(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let read = read_form(multipart, &PHOTOS).await;
    if !multipart_token_ok(read.csrf(), actor.csrf.as_deref()) {
        tracing::warn!(path = "/cases/{id}/exhibits/new", "csrf check failed");
        let layout = Layout::for_actor(&state.app, &actor, "Đăng ký lô tang vật", "/cases").await;
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
        mut fields,
        files: photos,
        error,
    } = read;
    fields.remove("csrf");
    if let Some(e) = error {
        // Given back with what was typed; no photo of a refused form is stored.
        return page(&state, &actor, &id, fields, Some(e)).await;
    }
    let app = &state.app;
    let mut hashes = Vec::new();
    for (name, bytes) in photos {
        match app.upload_file(&actor, bytes.to_vec(), Some(&name)).await {
            Ok(b) => hashes.push(b.sha256),
            Err(e) => return page(&state, &actor, &id, fields, Some(e)).await,
        }
    }
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let opt = |k: &str| Some(get(k)).filter(|s| !s.trim().is_empty());
    let value = get("estimated_value");
    // "36.000.000" as typed on a Vietnamese keyboard: dots group thousands.
    let digits: String = value.chars().filter(|c| c.is_ascii_digit()).collect();
    let estimated_value = if value.trim().is_empty() {
        0
    } else if digits.is_empty() || value.trim().starts_with('-') {
        let e = AppError::bad_input(
            "exhibit.invalid_value",
            "Giá trị ước tính phải là số tiền (đồng), không âm.",
        );
        return page(&state, &actor, &id, fields, Some(e)).await;
    } else {
        digits.parse::<i64>().unwrap_or(i64::MAX)
    };
    let input = ExhibitInput {
        case_id: id.clone(),
        kind: opt("kind"),
        category: opt("category"),
        description: get("description"),
        brand: opt("brand"),
        quantity: serde_json::Value::String(get("quantity")),
        unit_of_measure: get("unit_of_measure"),
        estimated_value,
        seal_numbers: get("seal_numbers")
            .lines()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        photos: hashes,
        seized_on: opt("seized_on"),
        seizure_document_id: None,
    };
    match app.register_exhibit(&actor, input).await {
        Ok(e) => Redirect::to(&format!("/exhibits/{}", e.row.id)).into_response(),
        Err(e) => page(&state, &actor, &id, fields, Some(e)).await,
    }
}

/// The lot form's photos: at most 10 in one form (each one a blob of its own; the message says
/// the same number).
const PHOTOS: FileInput = FileInput {
    field: "photos",
    max_files: 10,
    bad_code: "exhibit.bad_upload",
    too_many_code: "exhibit.too_many_photos",
    too_many_message: "Tối đa 10 ảnh cho một lô.",
    noun: "Ảnh",
};
