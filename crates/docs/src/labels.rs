//! Printable labels for exhibit lots: an A4 sheet of labels (two columns, cut along the
//! lines), each with the lot's QR code, number, goods, quantity, seizure date and seals. The QR
//! code holds the lot's address in the product (`/exhibits/lot/{lot_no}`), so a phone camera
//! opens the lot. Deterministic like the forms: the same lots give the same bytes.

use serde::{Deserialize, Serialize};
use typst::foundations::Smart;
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use crate::RenderError;

/// One lot's label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Label {
    /// The keeping unit ("CỤC QUẢN LÝ THỊ TRƯỜNG TỈNH QUẢNG NINH").
    pub unit: String,
    /// "QN-TV-2026-00001"
    pub lot_no: String,
    /// "Tang vật" or "Phương tiện".
    pub kind: String,
    pub description: String,
    /// "120 hộp"
    pub quantity: String,
    /// dd/mm/yyyy
    pub seized_on: String,
    pub seal_numbers: Vec<String>,
    /// The case the goods were seized in.
    pub case: String,
    /// The address the QR code holds.
    pub url: String,
}

#[derive(Serialize)]
struct Sheet<'a> {
    labels: Vec<Printed<'a>>,
}

#[derive(Serialize)]
struct Printed<'a> {
    #[serde(flatten)]
    label: &'a Label,
    /// The QR code as SVG text (the template turns it into an image).
    qr: String,
}

const TEMPLATE: &str = include_str!("../templates/labels.typ");

/// Renders the labels of `lots` on A4 sheets.
pub fn render_labels(lots: &[Label]) -> Result<Vec<u8>, RenderError> {
    if lots.is_empty() {
        return Err(RenderError::Data("no label to print".into()));
    }
    let mut labels = Vec::with_capacity(lots.len());
    for l in lots {
        labels.push(Printed {
            label: l,
            qr: crate::qr::svg(&l.url)?,
        });
    }
    let data =
        serde_json::to_vec(&Sheet { labels }).map_err(|e| RenderError::Data(e.to_string()))?;
    let world = crate::world::DocWorld::new(TEMPLATE, data, crate::qr::BLANK.to_string());
    let paged = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| RenderError::Typst(crate::describe(&errors)))?;
    let first = &lots[0].lot_no;
    let options = PdfOptions {
        ident: Smart::Custom(format!("qltt:labels:{first}:{}", lots.len())),
        creator: Smart::Custom(Some("QLTT".to_string())),
        timestamp: None,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&paged, &options)
        .map_err(|errors| RenderError::Typst(crate::describe(&errors)))?;
    comemo::evict(3);
    Ok(pdf)
}
