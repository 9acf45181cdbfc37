//! Document pages: the issued PDF for officers (preview in the browser, download, print) and the
//! public verification page `/verify/{code}`, which needs no sign-in and shows only what the
//! document's header shows, its status and its hash. A visitor may upload a PDF to check that it is
//! the issued one; the upload changes nothing, so it needs no CSRF token and sits outside the
//! pages' guard.

use crate::routes::{RouteRow, routes};
use askama::Template;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use qltt_app::AppError;
use qltt_app::documents::PublicDocument;
use serde::Deserialize;

use super::{Layout, PageActor, error_page, render};
use crate::AppState;

/// An issued PDF is ~100 kB; 20 MB leaves room for a scan someone wants to check.
const MAX_CHECK_BODY: usize = 20 * 1024 * 1024;

pub fn routes() -> (Router<AppState>, Vec<RouteRow>) {
    routes! {
        "/documents/{id}/pdf" => get(pdf),
        "/verify/{code}" => get(verify)
            .post(check)
            .layer(DefaultBodyLimit::max(MAX_CHECK_BODY)),
    }
}

#[derive(Deserialize)]
pub struct PdfQuery {
    /// `1`: open in the browser (preview, print) instead of downloading.
    inline: Option<String>,
}

async fn pdf(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Query(q): Query<PdfQuery>,
) -> Response {
    match state.app.document_pdf(&actor, &id).await {
        Ok((doc, bytes)) => {
            crate::api::documents::pdf_response(&doc, bytes, q.inline.as_deref() == Some("1"))
        }
        Err(e) => error_page(Layout::anonymous("Văn bản"), &e),
    }
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    layout: Layout,
    doc: PublicDocument,
    issued_on: String,
    /// After an upload: whether the file is the issued PDF, and the file's hash.
    checked: Option<(bool, String)>,
    error: Option<String>,
}

fn page(doc: PublicDocument, checked: Option<(bool, String)>, error: Option<String>) -> Response {
    let issued_on = qltt_domain::format::parse_date(&doc.issued_on)
        .map(qltt_domain::format::format_date)
        .unwrap_or_else(|| doc.issued_on.clone());
    render(&VerifyPage {
        layout: Layout::anonymous("Xác thực văn bản"),
        doc,
        issued_on,
        checked,
        error,
    })
}

async fn verify(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    match state.app.verify_document(&code).await {
        Ok(doc) => page(doc, None, None),
        Err(e) => error_page(Layout::anonymous("Xác thực văn bản"), &e),
    }
}

async fn check(
    State(state): State<AppState>,
    Path(code): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let doc = match state.app.verify_document(&code).await {
        Ok(d) => d,
        Err(e) => return error_page(Layout::anonymous("Xác thực văn bản"), &e),
    };
    match read_file(multipart).await {
        Ok(bytes) => match state.app.check_document_pdf(&code, &bytes).await {
            Ok(c) => page(c.document, Some((c.matches, c.sha256)), None),
            Err(e) => error_page(Layout::anonymous("Xác thực văn bản"), &e),
        },
        Err(e) => page(doc, None, Some(e.message)),
    }
}

async fn read_file(multipart: Result<Multipart, MultipartRejection>) -> Result<Vec<u8>, AppError> {
    let invalid = || {
        AppError::bad_input(
            "document.invalid_upload",
            "Hãy chọn một tệp PDF (tối đa 20 MB) để kiểm tra.",
        )
    };
    let mut multipart = multipart.map_err(|_| invalid())?;
    while let Some(field) = multipart.next_field().await.map_err(|_| invalid())? {
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(|_| invalid())?;
            if bytes.is_empty() {
                return Err(invalid());
            }
            return Ok(bytes.to_vec());
        }
    }
    Err(invalid())
}
