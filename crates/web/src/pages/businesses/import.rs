//! The upload page of the business register: a CSV or XLSX file in, a report out (rows read,
//! created, updated, unchanged, and each rejected row with its line, column and reason).
//!
//! The form is `multipart/form-data`, which the pages' CSRF guard (reading urlencoded forms of at
//! most 1 MiB) cannot read; these two routes are mounted outside it and the handler checks the
//! same session token, sent in the form's `csrf` field, before it reads anything else.

use crate::routes::{RouteRow, routes};
use askama::Template;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use qltt_app::businesses::import::ImportReport;
use qltt_app::{Actor, AppError, ErrorKind};
use qltt_domain::officer::Permission;

use super::field_label;
use crate::AppState;
use crate::csrf::multipart_token_ok;
use crate::pages::{Layout, PageActor, error_page, render};

pub fn routes() -> (Router<AppState>, Vec<RouteRow>) {
    routes! {
        "/businesses/import" => get(form)
            .post(submit)
            .layer(DefaultBodyLimit::max(crate::MAX_IMPORT_BODY as usize)),
    }
}

pub struct RejectLine {
    pub line: usize,
    pub field: String,
    pub reason: String,
    pub code: String,
}

#[derive(Template)]
#[template(path = "business_import.html")]
struct ImportPage {
    layout: Layout,
    error: Option<String>,
    file_name: String,
    report: Option<ImportReport>,
    rejected: Vec<RejectLine>,
}

const TITLE: &str = "Nhập danh sách cơ sở từ tệp";

async fn page(
    state: &AppState,
    actor: &Actor,
    file_name: String,
    outcome: Result<Option<ImportReport>, AppError>,
) -> Response {
    let layout = Layout::for_actor(&state.app, actor, TITLE, "/businesses").await;
    if !actor.may(Permission::ManageBusinesses) {
        return error_page(layout, &AppError::forbidden());
    }
    let (status, error, report) = match outcome {
        Ok(r) => (StatusCode::OK, None, r),
        Err(e) => (crate::error::status_of(e.kind), Some(e.message), None),
    };
    let rejected = report
        .as_ref()
        .map(|r| {
            r.rejected
                .iter()
                .map(|x| RejectLine {
                    line: x.line,
                    field: x.field.as_deref().map(field_label).unwrap_or("—").into(),
                    reason: x.reason.clone(),
                    code: x.code.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let p = ImportPage {
        layout,
        error,
        file_name,
        report,
        rejected,
    };
    (status, render(&p)).into_response()
}

pub async fn form(State(state): State<AppState>, PageActor(actor): PageActor) -> Response {
    page(&state, &actor, String::new(), Ok(None)).await
}

fn refused(code: &'static str, message: &str) -> AppError {
    AppError::new(ErrorKind::BadInput, code, message)
}

pub async fn submit(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let read = read_form(multipart).await;
    // The session's token first: without it nothing of the request is acted on.
    let presented = match &read {
        Ok((token, _)) => token.as_deref(),
        Err(_) => None,
    };
    let token_ok = multipart_token_ok(presented, actor.csrf.as_deref());
    if !token_ok && !matches!(read, Err(ref e) if e.code == "request.too_large") {
        tracing::warn!(path = "/businesses/import", "csrf check failed");
        let layout = Layout::for_actor(&state.app, &actor, TITLE, "/businesses").await;
        return error_page(
            layout,
            &AppError::new(
                ErrorKind::Forbidden,
                "auth.csrf",
                "Phiên làm việc không hợp lệ hoặc đã hết hạn; hãy tải lại trang rồi gửi lại tệp.",
            ),
        );
    }
    let (name, bytes) = match read {
        Ok((_, Some(file))) => file,
        Ok((_, None)) => {
            let e = refused("import.no_file", "Hãy chọn một tệp CSV hoặc XLSX.");
            return page(&state, &actor, String::new(), Err(e)).await;
        }
        Err(e) => return page(&state, &actor, String::new(), Err(e)).await,
    };
    // Importing the same file twice changes nothing, so a reload that posts again is harmless.
    let outcome = state
        .app
        .import_businesses(&actor, bytes.as_ref())
        .await
        .map(Some);
    page(&state, &actor, name, outcome).await
}

type Upload = (Option<String>, Option<(String, axum::body::Bytes)>);

/// The form's `csrf` field and its file (name and content).
async fn read_form(multipart: Result<Multipart, MultipartRejection>) -> Result<Upload, AppError> {
    let bad = || {
        refused(
            "import.bad_upload",
            "Không đọc được tệp gửi lên; hãy chọn tệp rồi gửi lại.",
        )
    };
    let mut multipart = multipart.map_err(|_| bad())?;
    let mut csrf = None;
    let mut file = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(_) => return Err(bad()),
        };
        match field.name() {
            Some("csrf") => csrf = field.text().await.ok(),
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        too_large()
                    } else {
                        bad()
                    }
                })?;
                // A browser sends an empty part when no file was chosen.
                if !(name.is_empty() && bytes.is_empty()) {
                    file = Some((name, bytes));
                }
            }
            _ => {}
        }
    }
    Ok((csrf, file))
}

fn too_large() -> AppError {
    AppError::new(
        ErrorKind::BadInput,
        "request.too_large",
        format!(
            "Tệp quá lớn (tối đa {} MB); hãy chia thành nhiều tệp.",
            crate::MAX_IMPORT_BODY / (1024 * 1024)
        ),
    )
}
