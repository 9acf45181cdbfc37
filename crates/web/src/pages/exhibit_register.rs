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

/// At most this many photos in one form (each one a blob of its own).
const MAX_PHOTOS: usize = 10;

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
    let read = read_form(multipart).await;
    let presented = match &read {
        Ok((fields, _)) => fields.get("csrf").map(String::as_str),
        Err(_) => None,
    };
    if !multipart_token_ok(presented, actor.csrf.as_deref()) {
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
    let (mut fields, photos) = match read {
        Ok(x) => x,
        Err(e) => return page(&state, &actor, &id, HashMap::new(), Some(e)).await,
    };
    fields.remove("csrf");
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

type Photos = Vec<(String, axum::body::Bytes)>;

/// The form's text fields and its photos (name and content; empty parts skipped).
async fn read_form(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(HashMap<String, String>, Photos), AppError> {
    let bad = || {
        AppError::bad_input(
            "exhibit.bad_upload",
            "Không đọc được nội dung gửi lên; hãy gửi lại.",
        )
    };
    let too_large = || {
        AppError::bad_input(
            "request.too_large",
            format!(
                "Ảnh quá lớn (tổng tối đa {} MB).",
                crate::MAX_IMPORT_BODY / (1024 * 1024)
            ),
        )
    };
    let mut multipart = multipart.map_err(|_| bad())?;
    let mut fields = HashMap::new();
    let mut photos = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(_) => return Err(bad()),
        };
        let Some(name) = field.name().map(str::to_string) else {
            continue;
        };
        if name == "photos" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_large()
                } else {
                    bad()
                }
            })?;
            if bytes.is_empty() {
                continue;
            }
            if photos.len() == MAX_PHOTOS {
                return Err(AppError::bad_input(
                    "exhibit.too_many_photos",
                    format!("Tối đa {MAX_PHOTOS} ảnh cho một lô."),
                ));
            }
            photos.push((file_name, bytes));
        } else if let Ok(text) = field.text().await {
            fields.insert(name, text);
        }
    }
    Ok((fields, photos))
}
