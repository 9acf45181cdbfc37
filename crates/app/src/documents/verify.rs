//! The public verification of an issued document (`/verify/{code}`, no sign-in). It shows what the
//! paper itself shows in its header — kind, number, date, issuing unit — with its status and hash,
//! never the people named in its body.

use qltt_domain::case::DocumentKind;
use qltt_store::{documents, units};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::normalise_code;
use crate::{App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicDocument {
    pub code: String,
    pub kind: String,
    pub kind_label: String,
    pub number: String,
    pub issued_on: String,
    pub unit_name: String,
    /// `valid`, `corrected` or `annulled`.
    pub status: String,
    pub status_label: String,
    pub sha256: String,
    /// The number of the document that corrects this one, when corrected.
    pub corrected_by: Option<String>,
    /// The number of the decision that annulled this one, when annulled.
    pub annulled_by: Option<String>,
    /// The date of that decision (dd/mm/yyyy).
    pub annulled_on: Option<String>,
}

/// The outcome of checking a file against an issued document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PdfCheck {
    pub document: PublicDocument,
    pub sha256: String,
    /// Whether the file is byte for byte the issued PDF.
    pub matches: bool,
}

fn unknown() -> AppError {
    AppError::new(
        crate::ErrorKind::NotFound,
        "document.unknown_code",
        "Không có văn bản nào mang mã xác thực này.",
    )
}

impl App {
    /// The public facts of the document behind `code` (404 `document.unknown_code` otherwise).
    pub async fn verify_document(&self, code: &str) -> AppResult<PublicDocument> {
        let code = normalise_code(code).ok_or_else(unknown)?;
        let pool = self.db.pool();
        let doc = documents::by_verify_code(pool, &code)
            .await?
            .ok_or_else(unknown)?;
        let sha256 = doc.sha256.clone().ok_or_else(unknown)?;
        let unit_name = units::get(pool, &doc.unit_id)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        let corrected_by = documents::corrections_of(pool, &doc.id)
            .await?
            .pop()
            .map(|d| d.number);
        let (annulled_by, annulled_on) = match documents::annulments_of(pool, &doc.id).await?.pop()
        {
            Some(d) => (
                Some(d.number),
                Some(
                    qltt_domain::format::parse_date(&d.issued_on)
                        .map(qltt_domain::format::format_date)
                        .unwrap_or(d.issued_on),
                ),
            ),
            None => (None, None),
        };
        let (status, status_label) = match doc.status.as_str() {
            "corrected" => ("corrected", "Đã được đính chính, thay thế"),
            "annulled" => ("annulled", "Đã bị hủy bỏ"),
            _ => ("valid", "Có hiệu lực"),
        };
        Ok(PublicDocument {
            code,
            kind_label: DocumentKind::parse(&doc.kind)
                .map(|k| k.label().to_string())
                .unwrap_or_else(|_| doc.kind.clone()),
            kind: doc.kind,
            number: doc.number,
            issued_on: doc.issued_on,
            unit_name,
            status: status.to_string(),
            status_label: status_label.to_string(),
            sha256,
            corrected_by,
            annulled_by,
            annulled_on,
        })
    }

    /// Compares an uploaded file with the issued PDF by SHA-256.
    pub async fn check_document_pdf(&self, code: &str, bytes: &[u8]) -> AppResult<PdfCheck> {
        let document = self.verify_document(code).await?;
        let sha256 = hex::encode(Sha256::digest(bytes));
        Ok(PdfCheck {
            matches: sha256 == document.sha256,
            sha256,
            document,
        })
    }
}
