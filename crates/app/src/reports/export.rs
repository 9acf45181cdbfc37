//! The periodic summary as files (issue 8, "Exports"): one row per unit (or period, group…),
//! one column per figure, Vietnamese headers; XLSX with number formats, CSV (UTF-8 with BOM so
//! that spreadsheet programs read the diacritics) with plain integers.

use qltt_domain::format::{format_date, parse_date};
use qltt_domain::report::Measure;
use rust_xlsxwriter::{Format, Workbook};

use super::{Figures, Summary};
use crate::{AppError, AppResult};

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
