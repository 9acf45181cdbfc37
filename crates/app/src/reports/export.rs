//! The periodic summary as files (issue 8, "Exports"): one row per unit (or period, group…),
//! one column per figure, Vietnamese headers; XLSX with number formats, CSV (UTF-8 with BOM so
//! that spreadsheet programs read the diacritics) with plain integers, and PDF: the unit's report
//! laid out under Decree 30/2020 by the documents crate, with the same figures.

use chrono::{Datelike, NaiveDate};
use qltt_docs::{Amount, Authority, Signature, SummaryLine, SummaryReport};
use qltt_domain::format::{
    Vnd, amount_in_words, format_date, format_legal_date, legal_day, parse_date,
};
use qltt_domain::report::Measure;
use qltt_store::units::{self, UnitRow};
use rust_xlsxwriter::{Format, Workbook};

use super::{Figures, Summary, SummaryQuery};
use crate::{Actor, App, AppError, AppResult};

/// The columns after the row label: the stored measures, then outstanding fines.
fn columns() -> Vec<(&'static str, bool)> {
    let mut out: Vec<(&'static str, bool)> = Measure::ALL
        .iter()
        .map(|m| (m.label(), m.is_money()))
        .collect();
    out.push(("Tiền phạt chưa thu (cuối kỳ)", true));
    out
}

fn values(f: &Figures) -> Vec<i64> {
    let mut out: Vec<i64> = Measure::ALL.iter().map(|m| f.get(*m)).collect();
    out.push(f.fines_outstanding);
    out
}

fn title(s: &Summary) -> String {
    let d = |x: &str| parse_date(x).map_or(x.to_string(), format_date);
    format!(
        "Báo cáo tổng hợp kết quả kiểm tra, xử lý vi phạm — {} — từ ngày {} đến ngày {}",
        s.unit_name,
        d(&s.from),
        d(&s.to)
    )
}

fn header(money: bool, label: &str) -> String {
    if money {
        format!("{label} (đồng)")
    } else {
        label.to_string()
    }
}

fn first_column(s: &Summary) -> &'static str {
    match s.group_by.as_str() {
        "unit" => "Đơn vị",
        "group" => "Nhóm hành vi",
        "channel" => "Kênh",
        "agency" => "Cơ quan phối hợp",
        _ => "Kỳ",
    }
}

pub fn csv(s: &Summary) -> AppResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::from(&b"\xEF\xBB\xBF"[..]));
    let mut head = vec![first_column(s).to_string()];
    head.extend(columns().iter().map(|(l, m)| header(*m, l)));
    w.write_record(&head).map_err(AppError::internal)?;
    let rows = s
        .rows
        .iter()
        .map(|r| (r.label.clone(), &r.figures))
        .chain(std::iter::once(("Tổng cộng".to_string(), &s.totals)));
    for (label, f) in rows {
        let mut rec = vec![label];
        rec.extend(values(f).iter().map(i64::to_string));
        w.write_record(&rec).map_err(AppError::internal)?;
    }
    w.into_inner().map_err(AppError::internal)
}

pub fn xlsx(s: &Summary) -> AppResult<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let money = Format::new()
        .set_num_format("#,##0")
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let count = Format::new()
        .set_num_format("0")
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let cell = Format::new().set_border(rust_xlsxwriter::FormatBorder::Thin);
    let x = |e: rust_xlsxwriter::XlsxError| AppError::internal(e);
    sheet.set_name("Tổng hợp").map_err(x)?;
    sheet
        .write_string_with_format(0, 0, title(s), &bold)
        .map_err(x)?;
    sheet.set_column_width(0, 42).map_err(x)?;
    let cols = columns();
    sheet
        .write_string_with_format(2, 0, first_column(s), &head)
        .map_err(x)?;
    for (i, (label, m)) in cols.iter().enumerate() {
        let c = (i + 1) as u16;
        sheet.set_column_width(c, 18).map_err(x)?;
        sheet
            .write_string_with_format(2, c, header(*m, label), &head)
            .map_err(x)?;
    }
    let rows = s
        .rows
        .iter()
        .map(|r| (r.label.as_str(), &r.figures))
        .chain(std::iter::once(("Tổng cộng", &s.totals)));
    for (n, (label, f)) in rows.enumerate() {
        let r = (n + 3) as u32;
        sheet
            .write_string_with_format(r, 0, label, &cell)
            .map_err(x)?;
        for (i, v) in values(f).iter().enumerate() {
            let fmt = if cols[i].1 { &money } else { &count };
            sheet
                .write_number_with_format(r, (i + 1) as u16, *v as f64, fmt)
                .map_err(x)?;
        }
    }
    book.save_to_buffer().map_err(x)
}

/// The period a report covers, as its title names it: a whole month, quarter or year by its name,
/// any other span by its first and last day.
pub fn period_text(from: NaiveDate, to: NaiveDate) -> String {
    let first_of =
        |d: NaiveDate, months: u32| d.day() == 1 && (d.month() - 1).is_multiple_of(months);
    let last_of = |d: NaiveDate| d.succ_opt().is_none_or(|n| n.day() == 1);
    let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32 + 1;
    if last_of(to) && from.year() == to.year() {
        if months == 1 && first_of(from, 1) {
            return format!("Tháng {} năm {}", from.month(), from.year());
        }
        if months == 3 && first_of(from, 3) {
            let q = ["I", "II", "III", "IV"][((from.month() - 1) / 3) as usize];
            return format!("Quý {q} năm {}", from.year());
        }
        if months == 12 && first_of(from, 12) {
            return format!("Năm {}", from.year());
        }
    }
    format!("Từ ngày {} đến ngày {}", format_date(from), format_date(to))
}

/// "Quý I năm 2026" → "quý I năm 2026" (inside a sentence).
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// What the PDF needs besides the summary: the unit's superior, the place and day of the report.
pub struct PdfContext {
    pub parent_name: Option<String>,
    pub place: String,
    pub today: NaiveDate,
}

/// The figures of a row as the report prints them: "2.500.000" for money and counts alike.
fn cells(f: &Figures) -> Vec<String> {
    values(f).into_iter().map(|v| Vnd(v).grouped()).collect()
}

fn money(label: &str, v: i64) -> Amount {
    Amount {
        label: label.to_string(),
        figures: Vnd(v).display(),
        words: amount_in_words(v),
    }
}

/// The summary as the unit's report (what [`qltt_docs::render_summary`] lays out).
pub fn pdf_report(s: &Summary, ctx: &PdfContext) -> SummaryReport {
    let from = parse_date(&s.from);
    let to = parse_date(&s.to);
    let period = match (from, to) {
        (Some(f), Some(t)) => period_text(f, t),
        _ => format!("Từ ngày {} đến ngày {}", s.from, s.to),
    };
    let to_text = to.map_or(s.to.clone(), format_date);
    let cut = match s.group_by.as_str() {
        "unit" => "theo đơn vị",
        "group" => "theo nhóm hành vi",
        "channel" => "theo kênh kinh doanh",
        "agency" => "theo cơ quan phối hợp",
        _ => "theo kỳ",
    };
    let t = &s.totals;
    let mut recipients = Vec::new();
    if let Some(p) = &ctx.parent_name {
        recipients.push(format!("{p} (để báo cáo)"));
    }
    recipients.push("Lưu: VT".to_string());
    SummaryReport {
        subject: "Tổng hợp kết quả kiểm tra, xử lý vi phạm hành chính".to_string(),
        period: period.clone(),
        authority: Authority {
            parent: ctx.parent_name.clone().unwrap_or_default(),
            unit: s.unit_name.clone(),
        },
        number: format!("{}/BC", "\u{a0}".repeat(8)),
        place: ctx.place.clone(),
        date_text: format_legal_date(ctx.today),
        intro: format!(
            "Thực hiện chế độ báo cáo định kỳ, {} báo cáo kết quả kiểm tra, xử lý vi phạm hành \
             chính của đơn vị và các đơn vị trực thuộc ({}), tổng hợp {cut}, như sau:",
            s.unit_name,
            lower_first(&period)
        ),
        first_column: first_column(s).to_string(),
        columns: columns().iter().map(|(l, m)| header(*m, l)).collect(),
        rows: s
            .rows
            .iter()
            .map(|r| SummaryLine {
                label: r.label.clone(),
                cells: cells(&r.figures),
            })
            .collect(),
        total: SummaryLine {
            label: "Tổng cộng".to_string(),
            cells: cells(t),
        },
        amounts: vec![
            money(
                "Tổng số tiền phạt vi phạm hành chính đã quyết định trong kỳ",
                t.fines_imposed,
            ),
            money("Tổng số tiền phạt đã thu trong kỳ", t.fines_collected),
            money(
                &format!("Tiền phạt chưa thu đến ngày {to_text}"),
                t.fines_outstanding,
            ),
            money(
                "Tổng giá trị hàng hóa, tang vật bị tạm giữ trong kỳ",
                t.value_seized,
            ),
        ],
        notes: vec![format!(
            "Ghi chú: tiền và giá trị hàng hóa tính bằng đồng; tiền phạt chưa thu tính đến ngày \
             cuối kỳ. Số liệu lấy từ hệ thống QLTT ngày {}.",
            format_date(ctx.today)
        )],
        signatures: vec![Signature {
            role: "Thủ trưởng đơn vị".to_string(),
            capacity: Some("(Ký, ghi rõ họ tên, đóng dấu)".to_string()),
            name: String::new(),
        }],
        recipients,
    }
}

impl App {
    /// The summary (`GET /api/v1/reports/summary?format=pdf`) as the unit's report in PDF, with
    /// the summary it shows. The same checks as the summary (permission, scope, period).
    pub async fn report_summary_pdf(
        &self,
        actor: &Actor,
        q: &SummaryQuery,
    ) -> AppResult<(Summary, Vec<u8>)> {
        let s = self.report_summary(actor, q).await?;
        let pool = self.db.pool();
        let mut chain: Vec<UnitRow> = Vec::new();
        let mut next = Some(s.unit_id.clone());
        while let Some(id) = next.take()
            && chain.len() < 6
        {
            if let Some(u) = units::get(pool, &id).await? {
                next = u.parent_id.clone();
                chain.push(u);
            }
        }
        let ctx = PdfContext {
            parent_name: chain.get(1).map(|p| p.name.clone()),
            place: crate::documents::place_of(&chain),
            today: legal_day(self.now()),
        };
        let report = pdf_report(&s, &ctx);
        // Layout is CPU work: keep it off the async workers.
        let pdf = tokio::task::spawn_blocking(move || qltt_docs::render_summary(&report))
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)?;
        Ok((s, pdf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap_or_default()
    }

    #[test]
    fn whole_periods_are_named() {
        let cases = [
            ("2026-03-01", "2026-03-31", "Tháng 3 năm 2026"),
            ("2026-02-01", "2026-02-28", "Tháng 2 năm 2026"),
            ("2026-04-01", "2026-06-30", "Quý II năm 2026"),
            ("2026-01-01", "2026-12-31", "Năm 2026"),
            (
                "2026-01-01",
                "2026-03-05",
                "Từ ngày 01/01/2026 đến ngày 05/03/2026",
            ),
            (
                "2026-02-01",
                "2026-04-30",
                "Từ ngày 01/02/2026 đến ngày 30/04/2026",
            ),
            (
                "2025-12-01",
                "2026-01-31",
                "Từ ngày 01/12/2025 đến ngày 31/01/2026",
            ),
        ];
        for (f, t, want) in cases {
            assert_eq!(period_text(d(f), d(t)), want, "{f}..{t}");
        }
    }
}
