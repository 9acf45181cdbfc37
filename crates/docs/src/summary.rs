//! The periodic summary report of a unit (báo cáo tổng hợp kết quả kiểm tra, xử lý vi phạm; issue
//! 8, "Exports"): the same figures as the XLSX and CSV exports, laid out as a unit's report under
//! Decree 30/2020/NĐ-CP (national header, issuing unit under its superior, place and date, the
//! title with the period, a table by unit with a totals row, the fine total in words, "Nơi nhận",
//! signature), on landscape A4 when the table is wide. Deterministic like the forms: the same
//! report gives the same bytes (its date is in the data, never read from a clock).

use serde::{Deserialize, Serialize};
use typst::foundations::Smart;
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use crate::{Amount, Authority, RenderError, Signature};

/// One row of the table: its label and its cells, already formatted ("2.500.000").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryLine {
    pub label: String,
    pub cells: Vec<String>,
}

/// A summary report, ready to lay out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryReport {
    /// The line under "BÁO CÁO" ("Tổng hợp kết quả kiểm tra, xử lý vi phạm hành chính").
    pub subject: String,
    /// The period under the subject ("Quý I năm 2026", "Từ ngày 01/01/2026 đến ngày 05/03/2026").
    pub period: String,
    pub authority: Authority,
    /// "      /BC-QLTT" (the number is given when the report is registered).
    pub number: String,
    pub place: String,
    /// "ngày 05 tháng 3 năm 2026".
    pub date_text: String,
    /// The opening paragraph.
    pub intro: String,
    /// The heading of the first column ("Đơn vị", "Kỳ" …).
    pub first_column: String,
    /// The headings of the figure columns.
    pub columns: Vec<String>,
    pub rows: Vec<SummaryLine>,
    pub total: SummaryLine,
    /// The money totals in figures and in words.
    pub amounts: Vec<Amount>,
    /// Closing paragraphs (what the figures count).
    pub notes: Vec<String>,
    pub signatures: Vec<Signature>,
    pub recipients: Vec<String>,
}

/// What the shared layout (`common.typ`) reads besides the report's own fields.
#[derive(Serialize)]
struct Data<'a> {
    #[serde(flatten)]
    report: &'a SummaryReport,
    form: Option<String>,
    watermark: Option<String>,
}

const TEMPLATE: &str = include_str!("../templates/summary_report.typ");

/// Renders a summary report to PDF bytes.
pub fn render_summary(report: &SummaryReport) -> Result<Vec<u8>, RenderError> {
    if report
        .rows
        .iter()
        .any(|r| r.cells.len() != report.columns.len())
        || report.total.cells.len() != report.columns.len()
    {
        return Err(RenderError::Data(
            "every row needs one cell per column".into(),
        ));
    }
    let data = serde_json::to_vec(&Data {
        report,
        form: None,
        watermark: None,
    })
    .map_err(|e| RenderError::Data(e.to_string()))?;
    let world = crate::world::DocWorld::new(TEMPLATE, data, crate::qr::BLANK.to_string());
    let paged = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| RenderError::Typst(crate::describe(&errors)))?;
    let options = PdfOptions {
        ident: Smart::Custom(format!(
            "qltt:summary_report:{}:{}",
            report.authority.unit, report.period
        )),
        creator: Smart::Custom(Some("QLTT".to_string())),
        timestamp: None,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&paged, &options)
        .map_err(|errors| RenderError::Typst(crate::describe(&errors)))?;
    comemo::evict(3);
    Ok(pdf)
}
