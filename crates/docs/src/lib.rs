//! Official documents of a case rendered to PDF.
//!
//! Layout follows Decree 30/2020/NĐ-CP (văn thư: national header, issuing authority, number and
//! symbol, place and date, recipients, signature) and the appendix forms of Decree 118/2021/NĐ-CP
//! and Circular 27/2020/TT-BCT for the body of each form (see `templates/`). Typst runs as a
//! library with its templates and fonts compiled in: rendering needs no external program, reads
//! no file and no clock, and the same [`Document`] always gives byte-identical PDF bytes.

mod labels;
mod model;
mod qr;
mod summary;
mod templates;
mod world;

pub use labels::{Label, render_labels};
pub use model::{Amount, Authority, Document, Field, Party, Section, Signature, Verify};
pub use summary::{SummaryLine, SummaryReport, render_summary};
pub use templates::{KINDS, has_template};

use typst::foundations::Smart;
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("no template for document kind {0}")]
    UnknownKind(String),
    #[error("document data: {0}")]
    Data(String),
    #[error("QR code: {0}")]
    Qr(String),
    #[error("typst: {0}")]
    Typst(String),
}

/// Renders a document to PDF bytes.
pub fn render_pdf(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let template =
        templates::source(&doc.kind).ok_or_else(|| RenderError::UnknownKind(doc.kind.clone()))?;
    let data = serde_json::to_vec(doc).map_err(|e| RenderError::Data(e.to_string()))?;
    let qr = match &doc.verify {
        Some(v) => qr::svg(&v.url)?,
        None => qr::BLANK.to_string(),
    };
    let world = world::DocWorld::new(template, data, qr);
    let compiled = typst::compile::<PagedDocument>(&world).output;
    let paged = compiled.map_err(|errors| RenderError::Typst(describe(&errors)))?;
    let options = PdfOptions {
        // A stable identifier: the PDF /ID is derived from it instead of from the title.
        ident: Smart::Custom(format!("qltt:{}:{}", doc.kind, doc.number)),
        // Not "Typst 0.15.1": the bytes of an issued document should not depend on the engine's
        // version string more than they must.
        creator: Smart::Custom(Some("QLTT".to_string())),
        timestamp: None,
        ..PdfOptions::default()
    };
    let pdf =
        typst_pdf::pdf(&paged, &options).map_err(|errors| RenderError::Typst(describe(&errors)))?;
    // Typst memoises across renders; drop what the last few renders did not reuse so a batch of
    // thousands of documents runs in bounded memory.
    comemo::evict(3);
    Ok(pdf)
}

fn describe(errors: &[typst::diag::SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}
