//! Documents: a numbered document with its hash and verification address, and its issued PDF.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use qltt_app::documents::publish::PublicationInput;
use qltt_app::documents::{AnnulmentInput, CorrectionInput};
use qltt_store::documents::DocumentRow;
use qltt_store::publications::PublicationRow;
use serde::Serialize;
use serde_json::Value;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authed};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DocumentView {
    #[serde(flatten)]
    pub row: DocumentRow,
    /// The structured content the form was rendered from.
    #[schema(value_type = Object)]
    pub content: Value,
    /// The public page that verifies the document (printed in its QR code).
    pub verify_url: Option<String>,
}

impl DocumentView {
    /// The view of a stored document: its content parsed (null if it is not JSON, which no
    /// writer produces) and its verification address from the server's public base.
    fn from_row(state: &AppState, row: DocumentRow) -> DocumentView {
        let content = serde_json::from_str(&row.content).unwrap_or(Value::Null);
        let verify_url = row.verify_code.as_deref().map(|c| state.app.verify_url(c));
        DocumentView {
            row,
            content,
            verify_url,
        }
    }
}

/// A numbered document: kind, number, date, status, the SHA-256 of its issued PDF and the address
/// of its public verification page.
#[utoipa::path(operation_id = "documents_get_one", get, path = "/api/v1/documents/{id}", params(("id" = String, Path)),
    responses((status = 200, body = DocumentView), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<DocumentView>> {
    let row = state.app.document(&actor, &id).await?;
    Ok(Json(DocumentView::from_row(&state, row)))
}

/// The issued PDF, byte for byte (its SHA-256 is the document's `sha256`).
#[utoipa::path(operation_id = "documents_pdf", get, path = "/api/v1/documents/{id}/pdf", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn pdf(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (doc, bytes) = state.app.document_pdf(&actor, &id).await?;
    Ok(pdf_response(&doc, bytes, false))
}

/// `inline` opens the PDF in the browser (preview, print); otherwise it downloads.
pub fn pdf_response(doc: &DocumentRow, bytes: Vec<u8>, inline: bool) -> Response {
    // "12/QĐ-XPHC" → "12-QD-XPHC.pdf": the slash cannot be in a file name, and an ASCII name
    // needs no RFC 5987 encoding.
    let name: String = qltt_domain::business::fold(&doc.number)
        .to_uppercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let disposition = format!(
        "{}; filename=\"{}.pdf\"",
        if inline { "inline" } else { "attachment" },
        name
    );
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// Corrects an issued document: a new document of the same kind, numbered next in its register,
/// names the old one and the reason; the old one's status becomes `corrected` (its PDF and hash
/// stay as issued).
#[utoipa::path(operation_id = "documents_correct", post, path = "/api/v1/documents/{id}/corrections", params(("id" = String, Path)),
    request_body = CorrectionInput,
    responses((status = 201, body = DocumentView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn correct(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CorrectionInput>,
) -> ApiResult<(StatusCode, Json<DocumentView>)> {
    let row = state.app.correct_document(&actor, &id, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(DocumentView::from_row(&state, row)),
    ))
}

/// Annuls an issued sanction decision in full (Decree 118/2021/NĐ-CP Art. 13): a new numbered
/// annulment decision (form MQĐ40) names it, the ground of Art. 13(1) and the reason; the old one's
/// status becomes `annulled` (its PDF and hash stay as issued) and its case goes back to
/// `violation_recorded` without the decision's fines, so a new decision, a decision not to
/// sanction or the transfer can follow. Signed by the issuer's title or a higher one, in scope.
#[utoipa::path(operation_id = "documents_annul", post, path = "/api/v1/documents/{id}/annul", params(("id" = String, Path)),
    request_body = AnnulmentInput,
    responses((status = 201, body = DocumentView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn annul(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AnnulmentInput>,
) -> ApiResult<(StatusCode, Json<DocumentView>)> {
    let row = state.app.annul_document(&actor, &id, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(DocumentView::from_row(&state, row)),
    ))
}

/// Publishes an issued sanction decision in the public open dataset (anonymised: no personal data
/// of individuals), with the basis for publishing it; leaders of the issuing unit's scope.
#[utoipa::path(operation_id = "documents_publish", post, path = "/api/v1/documents/{id}/publish", params(("id" = String, Path)),
    request_body = PublicationInput,
    responses((status = 201, body = PublicationRow), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PublicationInput>,
) -> ApiResult<(StatusCode, Json<PublicationRow>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.publish_decision(&actor, &id, input).await?),
    ))
}

/// Withdraws a published decision from the open dataset, with the reason (the publication keeps
/// who withdrew it, when and why).
#[utoipa::path(operation_id = "documents_unpublish", post, path = "/api/v1/documents/{id}/unpublish", params(("id" = String, Path)),
    request_body = PublicationInput,
    responses((status = 200, body = PublicationRow), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn unpublish(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PublicationInput>,
) -> ApiResult<Json<PublicationRow>> {
    Ok(Json(
        state.app.unpublish_decision(&actor, &id, input).await?,
    ))
}
