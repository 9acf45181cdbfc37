//! Reading the first worksheet of an XLSX workbook. Cells may be numbers and dates, not text:
//! each is turned into the text the CSV importer would have read, column by column.

use std::io::Cursor;

use calamine::{Data, ExcelDateTime, ExcelDateTimeType, Reader, Xlsx};

use super::{RejectedRow, Row, bad_file, columns_of, missing_column, row_from};
use crate::AppResult;

/// A title or a blank line often stands above the header in a register kept in Excel; the
/// header is the first of these rows that names the required columns.
const HEADER_SEARCH_ROWS: usize = 10;

pub(super) fn parse(bytes: &[u8]) -> AppResult<(Vec<Row>, Vec<RejectedRow>)> {
    // The workbook reader is a dependency's: a file it cannot cope with must be refused like any
    // broken file, not end the request in a panic (a 500, or a dead worker). The `import_xlsx`
    // fuzz target found such a file: a cell reference whose column overflows calamine's
    // arithmetic (calamine 0.38, `get_row_and_optional_column`; a panic with overflow checks on,
    // a silently wrong column without). Nothing is shared with the caller while it runs, so
    // unwinding out of it leaves no broken state behind.
    std::panic::catch_unwind(|| parse_unguarded(bytes)).unwrap_or_else(|_| {
        Err(bad_file(
            "Tệp XLSX bị hỏng hoặc có nội dung không đọc được; hãy mở và lưu lại bằng Excel.",
        ))
    })
}

fn parse_unguarded(bytes: &[u8]) -> AppResult<(Vec<Row>, Vec<RejectedRow>)> {
    let mut book = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| bad_file(format!("Không mở được tệp XLSX: {e}")))?;
    let range = match book.worksheet_range_at(0) {
        Some(Ok(r)) => r,
        Some(Err(e)) => {
            return Err(bad_file(format!("Không đọc được trang tính đầu tiên: {e}")));
        }
        None => return Err(bad_file("Tệp XLSX không có trang tính nào.")),
    };
    // Excel's row numbers (1-based) of the range's rows.
    let first_row = range.start().map(|(r, _)| r as usize + 1).unwrap_or(1);
    let texts = |cells: &[Data]| -> Vec<String> {
        cells
            .iter()
            .map(|c| text(None, c).unwrap_or_default())
            .collect()
    };
    let mut header = None;
    for (i, cells) in range.rows().take(HEADER_SEARCH_ROWS).enumerate() {
        let names = texts(cells);
        let columns: Vec<Option<&'static str>> =
            names.iter().map(|h| super::column(h.trim())).collect();
        if missing_column(&columns).is_none() {
            header = Some((i, columns));
            break;
        }
    }
    let (header_index, columns) = match header {
        Some(h) => h,
        // Report what is missing from the first row.
        None => {
            let first = range.rows().next().map(texts).unwrap_or_default();
            (0, columns_of(&first)?)
        }
    };
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    for (i, cells) in range.rows().enumerate().skip(header_index + 1) {
        if cells.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        let line = first_row + i;
        let mut values = Vec::with_capacity(cells.len());
        let mut fault = None;
        for (col, cell) in columns.iter().zip(cells) {
            match text(*col, cell) {
                Ok(v) => values.push(v),
                Err(reason) => {
                    if fault.is_none() {
                        fault = Some((*col, reason));
                    }
                    values.push(String::new());
                }
            }
        }
        match fault {
            // A cell that holds an error (#N/A, #REF!…) is not guessed at.
            Some((col, reason)) if col.is_some() => rejected.push(RejectedRow {
                line,
                field: col.map(String::from),
                code: "import.bad_cell".into(),
                reason,
            }),
            _ => rows.push(row_from(line, &columns, values.iter().map(String::as_str))),
        }
    }
    Ok((rows, rejected))
}

/// Whole numbers without ".0"; others as Rust prints them (no exponent below 1e16).
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn date(dt: &ExcelDateTime) -> String {
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    format!("{y:04}-{m:02}-{d:02}")
}

/// The text of a cell as the column wants it.
///
/// * Tax code typed as a number: Excel drops the leading zero, and about half of all codes
///   start with one (the first two digits are the province of first registration, 01 Hà Nội
///   … 09). A code has 10 digits (13 for a branch), and province numbers start at 01, so a
///   number of 9 (or 12) digits is a code that lost exactly one zero: it is put back. The
///   check digit then confirms or refuses the result, so a wrong guess is reported, never
///   stored. Other lengths are left as they are and refused with the usual reason.
/// * Phone typed as a number: a domestic number starts with 0 (10 digits for a mobile, 11
///   for a landline), so 9 or 10 digits get their 0 back.
/// * Registration date: a date cell, or a bare Excel serial number, becomes YYYY-MM-DD
///   (1900 or 1904 date system as the workbook says).
pub(super) fn text(column: Option<&str>, cell: &Data) -> Result<String, String> {
    let digits = |s: String, lengths: [usize; 2]| {
        if lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            format!("0{s}")
        } else {
            s
        }
    };
    Ok(match (column, cell) {
        (_, Data::Empty) => String::new(),
        (_, Data::String(s)) => s.clone(),
        (_, Data::Error(e)) => return Err(format!("Ô có lỗi công thức ({e}).")),
        (Some("registration_date"), Data::DateTime(dt)) => date(dt),
        (Some("registration_date"), Data::DateTimeIso(s)) => s.chars().take(10).collect(),
        (Some("registration_date"), Data::Int(_) | Data::Float(_)) => {
            let serial = match cell {
                Data::Int(i) => *i as f64,
                Data::Float(f) => *f,
                _ => 0.0,
            };
            // Excel's dates run from serial 1 (1900-01-01) to 2958465 (9999-12-31); other
            // numbers (20240315) are left for the date check to refuse.
            if (1.0..2_958_466.0).contains(&serial) {
                date(&ExcelDateTime::new(
                    serial,
                    ExcelDateTimeType::DateTime,
                    false,
                ))
            } else {
                number(serial)
            }
        }
        (col, Data::Int(_) | Data::Float(_) | Data::DateTime(_)) => {
            let n = match cell {
                Data::Int(i) => i.to_string(),
                Data::Float(f) => number(*f),
                Data::DateTime(dt) => number(dt.as_f64()),
                _ => String::new(),
            };
            match col {
                Some("tax_code") => digits(n, [9, 12]),
                Some("phone") => digits(n, [9, 10]),
                _ => n,
            }
        }
        (_, Data::Bool(b)) => b.to_string(),
        (_, Data::DateTimeIso(s) | Data::DurationIso(s)) => s.clone(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_back_what_excel_dropped() {
        let tax = |c: Data| text(Some("tax_code"), &c).unwrap();
        assert_eq!(tax(Data::Float(100233488.0)), "0100233488");
        assert_eq!(tax(Data::Int(100233488)), "0100233488");
        assert_eq!(tax(Data::Float(314409058002.0)), "0314409058002");
        // A full code is left alone, and so is a number of no known length.
        assert_eq!(tax(Data::Float(1234567897.0)), "1234567897");
        assert_eq!(tax(Data::Float(12345.0)), "12345");
        assert_eq!(tax(Data::String("0100233488".into())), "0100233488");
        let phone = |c: Data| text(Some("phone"), &c).unwrap();
        assert_eq!(phone(Data::Float(912345678.0)), "0912345678");
        assert_eq!(phone(Data::Float(2033812345.0)), "02033812345");
        assert_eq!(phone(Data::Float(84912345678.0)), "84912345678");
        assert_eq!(
            text(Some("registration_no"), &Data::Float(5700101.0)).unwrap(),
            "5700101"
        );
    }

    #[test]
    fn dates_come_from_serials() {
        let d = |c: Data| text(Some("registration_date"), &c).unwrap();
        // 45366 is 2024-03-15 in the 1900 date system.
        assert_eq!(d(Data::Float(45366.0)), "2024-03-15");
        assert_eq!(
            d(Data::DateTime(ExcelDateTime::new(
                45366.0,
                ExcelDateTimeType::DateTime,
                false
            ))),
            "2024-03-15"
        );
        assert_eq!(
            d(Data::DateTime(ExcelDateTime::new(
                43904.0,
                ExcelDateTimeType::DateTime,
                true
            ))),
            "2024-03-15"
        );
        assert_eq!(d(Data::Float(20240315.0)), "20240315");
        assert_eq!(d(Data::String("15/03/2024".into())), "15/03/2024");
    }

    #[test]
    fn a_workbook_that_makes_the_reader_panic_is_refused_as_a_bad_file() {
        // Found by the `import_xlsx` fuzz target (a mutated workbook, minimized).
        let bytes = include_bytes!("testdata/overflowing_cell_reference.xlsx");
        let err = parse(bytes).map(|_| ()).unwrap_err();
        assert_eq!(err.code, "import.bad_file");
    }

    #[test]
    fn error_cells_are_refused() {
        assert!(text(Some("name"), &Data::Error(calamine::CellErrorType::NA)).is_err());
    }
}
