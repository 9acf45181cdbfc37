//! Import of the business register from CSV or XLSX (the first worksheet): every row is validated; valid rows are committed
//! (in batches, each business with its own audit event); rejected rows are reported with the
//! row number, the field and the reason. Importing the same file again changes nothing: a row
//! is matched to the existing business by tax code, or, without one, by unit, name and address.

use std::collections::HashMap;
use std::io::Read;

use qltt_domain::officer::Permission;
use qltt_store::businesses::{self, BusinessFields, BusinessRow};
use qltt_store::units;
use serde::Serialize;
use serde_json::json;

use super::{BusinessInput, diff, validate};
use crate::{Actor, App, AppError, AppResult, ErrorKind};

/// Rows committed per transaction: large enough to amortise the commit, small enough that a
/// failure loses little work and other writers are not held up for long.
const BATCH: usize = 500;

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: Vec<RejectedRow>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RejectedRow {
    /// Line number in the file (the header is line 1).
    pub line: usize,
    pub field: Option<String>,
    pub code: String,
    pub reason: String,
}

/// Column names accepted in the header, English or Vietnamese without diacritics.
fn column(header: &str) -> Option<&'static str> {
    let h = qltt_domain::business::fold(header).replace([' ', '-'], "_");
    Some(match h.as_str() {
        "name" | "ten" | "ten_co_so" => "name",
        "kind" | "loai_hinh" => "kind",
        "tax_code" | "ma_so_thue" | "mst" => "tax_code",
        "address" | "dia_chi" => "address",
        "unit_code" | "don_vi" | "ma_don_vi" => "unit_code",
        "registration_no" | "so_gcn" | "so_dang_ky" => "registration_no",
        "registration_date" | "ngay_cap" => "registration_date",
        "registration_issuer" | "noi_cap" => "registration_issuer",
        "representative" | "chu_co_so" | "nguoi_dai_dien" => "representative",
        "province" | "tinh" => "province",
        "commune" | "xa_phuong" | "xa" => "commune",
        "business_lines" | "nganh_nghe" => "business_lines",
        "phone" | "dien_thoai" => "phone",
        "email" => "email",
        "website" => "website",
        "risk_note" | "ghi_chu_rui_ro" => "risk_note",
        _ => return None,
    })
}

struct Row {
    line: usize,
    input: BusinessInput,
    unit_code: String,
}

/// The file formats an import reads, told apart by their first bytes, not their name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    /// Office Open XML workbook: a ZIP archive ("PK\x03\x04").
    Xlsx,
    /// Excel 97–2003 (.xls, an OLE compound file): refused with advice to save as .xlsx.
    Xls,
}

pub fn detect(bytes: &[u8]) -> Format {
    if bytes.starts_with(b"PK\x03\x04") {
        Format::Xlsx
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Format::Xls
    } else {
        Format::Csv
    }
}

fn bad_file(message: impl Into<String>) -> AppError {
    AppError::bad_input("import.bad_file", message)
}

/// The column of each header cell, after checking the required ones are there.
fn columns_of<S: AsRef<str>>(headers: &[S]) -> AppResult<Vec<Option<&'static str>>> {
    let columns: Vec<Option<&str>> = headers
        .iter()
        .map(|h| column(h.as_ref().trim().trim_start_matches('\u{feff}')))
        .collect();
    if let Some(missing) = missing_column(&columns) {
        return Err(AppError::bad_input(
            "import.missing_column",
            format!("Thiếu cột {missing} trong dòng tiêu đề."),
        ));
    }
    Ok(columns)
}

fn missing_column(columns: &[Option<&'static str>]) -> Option<&'static str> {
    ["name", "kind", "address", "unit_code"]
        .into_iter()
        .find(|required| !columns.contains(&Some(*required)))
}

/// One data row, its values taken by the header's columns (unknown columns are ignored).
fn row_from<'a>(
    line: usize,
    columns: &[Option<&'static str>],
    values: impl IntoIterator<Item = &'a str>,
) -> Row {
    let mut map: HashMap<&str, String> = HashMap::new();
    for (col, value) in columns.iter().zip(values) {
        if let Some(c) = col {
            map.insert(c, value.trim().to_string());
        }
    }
    let mut take = |k: &str| map.remove(k).unwrap_or_default();
    let input = BusinessInput {
        name: take("name"),
        kind: take("kind"),
        tax_code: Some(take("tax_code")),
        address: take("address"),
        unit_id: String::new(),
        registration_no: take("registration_no"),
        registration_date: Some(take("registration_date")),
        registration_issuer: take("registration_issuer"),
        representative: take("representative"),
        province: take("province"),
        commune: take("commune"),
        business_lines: take("business_lines"),
        phone: take("phone"),
        email: take("email"),
        website: take("website"),
        risk_note: take("risk_note"),
    };
    Row {
        line,
        unit_code: take("unit_code").to_uppercase(),
        input,
    }
}

/// The rows of a CSV file, read a batch at a time so that a million-row file is never held as
/// parsed rows in memory (only its bytes are).
struct CsvRows<'a> {
    records: csv::StringRecordsIntoIter<&'a [u8]>,
    columns: Vec<Option<&'static str>>,
    bytes: &'a [u8],
    /// Lines counted so far: the line (1-based) of byte `counted_to`.
    line: usize,
    counted_to: usize,
}

impl<'a> CsvRows<'a> {
    fn new(bytes: &'a [u8]) -> AppResult<CsvRows<'a>> {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let headers = rdr
            .headers()
            .map_err(|e| bad_file(format!("Không đọc được dòng tiêu đề: {e}")))?
            .clone();
        let headers: Vec<&str> = headers.iter().collect();
        let columns = columns_of(&headers)?;
        Ok(CsvRows {
            records: rdr.into_records(),
            columns,
            bytes,
            line: 1,
            counted_to: 0,
        })
    }

    /// The file's line on which the record found at byte `at` starts. The csv crate's own line
    /// numbers run one short after a CRLF line end (the LF is counted only once the next record
    /// is read), and registers saved by Excel on Windows end every line so: every rejected row
    /// was reported one line too high (found by the `import_csv` fuzz target). Lines are counted
    /// here from the bytes instead; records come in order, so each byte is counted once.
    fn line_at(&mut self, at: usize) -> usize {
        let mut at = at.min(self.bytes.len());
        // The position may point at the end of the previous line (its LF, or blank lines).
        while at < self.bytes.len() && matches!(self.bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        if at > self.counted_to {
            // A line ends with LF, CRLF or a lone CR, as the csv crate reads them (a file with CR
            // alone, from an old Mac program, was reported all on line 1). `at` never splits a
            // CRLF: it stops on a byte that is neither.
            let range = &self.bytes[self.counted_to..at];
            self.line += range
                .iter()
                .enumerate()
                .filter(|(i, b)| match b {
                    b'\n' => true,
                    b'\r' => range.get(i + 1) != Some(&b'\n'),
                    _ => false,
                })
                .count();
            self.counted_to = at;
        }
        self.line
    }

    /// Up to `n` rows (and the unreadable lines met on the way); empty at the end.
    fn next_batch(&mut self, n: usize, rejected: &mut Vec<RejectedRow>) -> Vec<Row> {
        let mut rows = Vec::with_capacity(n);
        while rows.len() < n {
            let Some(result) = self.records.next() else {
                break;
            };
            // Lines are the file's own (where the record starts), so a blank line or a quoted
            // line break does not shift the numbers the officer looks up.
            match result {
                Ok(record) => {
                    let at = record
                        .position()
                        .map_or(self.counted_to, |p| p.byte() as usize);
                    let line = self.line_at(at);
                    rows.push(row_from(line, &self.columns, record.iter()));
                }
                Err(e) => {
                    let at = e.position().map_or(self.counted_to, |p| p.byte() as usize);
                    let line = self.line_at(at);
                    rejected.push(RejectedRow {
                        line,
                        field: None,
                        code: "import.bad_row".into(),
                        reason: format!("Dòng không đọc được (mã hóa phải là UTF-8): {e}"),
                    });
                }
            }
        }
        rows
    }
}

mod xlsx;

/// The report line of a row that validation refused.
fn refused_row(line: usize, e: qltt_domain::DomainError) -> RejectedRow {
    let (field, code, reason) = match e {
        qltt_domain::DomainError::Invalid {
            field,
            code,
            message,
        } => (Some(field.to_string()), code, message),
        qltt_domain::DomainError::Refused { code, message } => (None, code, message),
    };
    RejectedRow {
        line,
        field,
        code: code.into(),
        reason,
    }
}

/// Reads every row of `bytes` as [`App::import_businesses`] reads it (the same CSV reader and
/// workbook parser) and validates it, without a database: every row is taken to belong to one
/// unit, so unit codes, duplicates and the rows already registered are not checked. Returns the
/// number of valid rows and the rejected ones. The fuzz targets (`fuzz/`) drive it: a file an
/// officer uploads must give a report or a refusal, never a panic.
pub fn check_file(bytes: &[u8]) -> AppResult<(usize, Vec<RejectedRow>)> {
    let mut rejected = Vec::new();
    let rows = match detect(bytes) {
        Format::Csv => {
            let mut csv = CsvRows::new(bytes)?;
            let mut rows = Vec::new();
            loop {
                let batch = csv.next_batch(BATCH, &mut rejected);
                if batch.is_empty() {
                    break;
                }
                rows.extend(batch);
            }
            rows
        }
        Format::Xlsx => {
            let (rows, bad) = xlsx::parse(bytes)?;
            rejected.extend(bad);
            rows
        }
        Format::Xls => return Err(bad_file("Tệp Excel 97–2003 (.xls) chưa được hỗ trợ.")),
    };
    let mut valid = 0;
    for mut row in rows {
        row.input.unit_id = "unit".into();
        match validate(&row.input) {
            Ok(_) => valid += 1,
            Err(e) => rejected.push(refused_row(row.line, e)),
        }
    }
    Ok((valid, rejected))
}

/// Where the rows come from: a CSV file read as it goes, or a parsed workbook.
enum Source<'a> {
    Csv(CsvRows<'a>),
    Rows(std::vec::IntoIter<Row>),
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
}

impl App {
    /// Imports businesses from a CSV or XLSX file (told apart by content) into units of the
    /// actor's scope.
    #[tracing::instrument(skip(self, actor, reader), fields(actor = %actor.id))]
    pub async fn import_businesses(
        &self,
        actor: &Actor,
        reader: impl Read,
    ) -> AppResult<ImportReport> {
        actor.require(Permission::ManageBusinesses)?;
        let mut bytes = Vec::new();
        let mut reader = reader;
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| bad_file(format!("Không đọc được tệp: {e}")))?;
        let mut rejected: Vec<RejectedRow> = Vec::new();
        // A CSV file is read a batch at a time; a workbook is parsed whole (off the async
        // workers: it is CPU work), its size being bounded by the upload limit.
        let mut source = match detect(&bytes) {
            Format::Csv => Source::Csv(CsvRows::new(&bytes)?),
            Format::Xlsx => {
                let owned = bytes.clone();
                let (rows, bad) = tokio::task::spawn_blocking(move || xlsx::parse(&owned))
                    .await
                    .map_err(AppError::internal)??;
                rejected.extend(bad);
                Source::Rows(rows.into_iter())
            }
            Format::Xls => {
                return Err(bad_file(
                    "Tệp Excel 97–2003 (.xls) chưa được hỗ trợ; hãy lưu lại thành .xlsx hoặc CSV (UTF-8).",
                ));
            }
        };
        let mut report = ImportReport::default();
        // Units by code, resolved once and checked against the actor's scope.
        let scope = self.units_in_scope(actor).await?;
        let units_by_code: HashMap<String, (String, bool)> = scope
            .into_iter()
            .map(|u| (u.code.clone(), (u.id.clone(), u.active())))
            .collect();
        let reject = |line: usize, field: Option<&str>, code: &str, reason: String| RejectedRow {
            line,
            field: field.map(String::from),
            code: code.into(),
            reason,
        };
        // Tax codes seen so far in the file (a second row with the same code is refused).
        let mut seen_tax_codes: HashMap<String, usize> = HashMap::new();
        loop {
            let rows = match &mut source {
                Source::Csv(csv) => csv.next_batch(BATCH, &mut rejected),
                Source::Rows(it) => it.by_ref().take(BATCH).collect(),
            };
            if rows.is_empty() {
                break;
            }
            report.rows += rows.len();
            // Validate the batch; only valid rows reach the database.
            let mut valid: Vec<(usize, BusinessFields)> = Vec::with_capacity(rows.len());
            for mut row in rows {
                let Some((unit_id, active)) = units_by_code.get(&row.unit_code).cloned() else {
                    rejected.push(reject(
                        row.line,
                        Some("unit_code"),
                        "import.unknown_unit",
                        format!(
                            "Không có đơn vị mã “{}” trong phạm vi của bạn.",
                            row.unit_code
                        ),
                    ));
                    continue;
                };
                if !active {
                    rejected.push(reject(
                        row.line,
                        Some("unit_code"),
                        "unit.inactive",
                        "Đơn vị đã sáp nhập.".into(),
                    ));
                    continue;
                }
                row.input.unit_id = unit_id;
                match validate(&row.input) {
                    Ok((fields, _)) => {
                        if let Some(t) = &fields.tax_code
                            && let Some(&first) = seen_tax_codes.get(t)
                        {
                            rejected.push(reject(
                                row.line,
                                Some("tax_code"),
                                "import.duplicate_in_file",
                                format!("Mã số thuế {t} đã có ở dòng {first} của tệp."),
                            ));
                            continue;
                        }
                        if let Some(t) = &fields.tax_code {
                            seen_tax_codes.insert(t.clone(), row.line);
                        }
                        valid.push((row.line, fields));
                    }
                    Err(e) => rejected.push(refused_row(row.line, e)),
                }
            }
            self.write_import_batch(actor, &valid, &mut report, &mut rejected)
                .await?;
        }
        report.rows += rejected
            .iter()
            .filter(|r| r.code == "import.bad_row" || r.code == "import.bad_cell")
            .count();
        rejected.sort_by_key(|r| r.line);
        report.rejected = rejected;
        Ok(report)
    }

    /// Writes one batch of valid rows in one transaction: each new business with its own audit
    /// event, each changed one through the same correction path as a page edit.
    async fn write_import_batch(
        &self,
        actor: &Actor,
        chunk: &[(usize, BusinessFields)],
        report: &mut ImportReport,
        rejected: &mut Vec<RejectedRow>,
    ) -> AppResult<()> {
        let reject = |line: usize, field: Option<&str>, code: &str, reason: String| RejectedRow {
            line,
            field: field.map(String::from),
            code: code.into(),
            reason,
        };
        {
            let mut tx = self.db.begin(self.now()).await?;
            let mut wrote = false;
            let mut outcomes = Vec::with_capacity(chunk.len());
            for (line, fields) in chunk {
                let existing = match &fields.tax_code {
                    Some(t) => businesses::by_tax_code_in(tx.conn(), t).await?,
                    None => {
                        businesses::by_identity_in(
                            tx.conn(),
                            &fields.unit_id,
                            &fields.name,
                            &fields.address,
                        )
                        .await?
                    }
                };
                let outcome = match existing {
                    // Known, and merged into another record since: nothing to do.
                    Some(before) if before.merged_into.is_some() => Outcome::Unchanged,
                    Some(before) => {
                        if !units::in_subtree(tx.conn(), &actor.unit_id, &before.unit_id).await? {
                            rejected.push(reject(
                                *line,
                                Some("tax_code"),
                                "business.tax_code_taken",
                                "Mã số thuế đã được đăng ký ở đơn vị khác ngoài phạm vi của bạn."
                                    .into(),
                            ));
                            continue;
                        }
                        self.import_update(&mut tx, actor, &before, fields).await?
                    }
                    None => {
                        let row = businesses::insert(&mut tx, fields).await?;
                        let mut details = json!(row);
                        if let Some(obj) = details.as_object_mut() {
                            obj.remove("version");
                            obj.insert("imported".into(), json!(true));
                        }
                        crate::record(
                            &mut tx,
                            actor,
                            crate::Change {
                                action: "business.create",
                                entity_type: "business",
                                entity_id: &row.id,
                                unit_id: &row.unit_id,
                                topic: "business.changed",
                                details,
                            },
                        )
                        .await?;
                        Outcome::Created
                    }
                };
                wrote |= !matches!(outcome, Outcome::Unchanged);
                outcomes.push(outcome);
            }
            if wrote {
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            for o in outcomes {
                match o {
                    Outcome::Created => report.created += 1,
                    Outcome::Updated => report.updated += 1,
                    Outcome::Unchanged => report.unchanged += 1,
                }
            }
        }
        Ok(())
    }

    async fn import_update(
        &self,
        tx: &mut qltt_store::WriteTx,
        actor: &Actor,
        before: &BusinessRow,
        fields: &BusinessFields,
    ) -> AppResult<Outcome> {
        // Fields the file leaves empty keep what the register already knows.
        let mut merged = fields.clone();
        macro_rules! keep {
            ($($f:ident),*) => { $( if merged.$f.is_empty() { merged.$f = before.$f.clone(); } )* };
        }
        keep!(
            registration_no,
            registration_issuer,
            representative,
            province,
            commune,
            business_lines,
            phone,
            email,
            website,
            risk_note
        );
        if merged.registration_date.is_none() {
            merged.registration_date = before.registration_date.clone();
        }
        let unchanged = merged.unit_id == before.unit_id
            && merged.kind == before.kind
            && merged.name == before.name
            && merged.address == before.address
            && merged.registration_no == before.registration_no
            && merged.registration_date == before.registration_date
            && merged.registration_issuer == before.registration_issuer
            && merged.representative == before.representative
            && merged.province == before.province
            && merged.commune == before.commune
            && merged.business_lines == before.business_lines
            && merged.phone == before.phone
            && merged.email == before.email
            && merged.website == before.website
            && merged.risk_note == before.risk_note;
        if unchanged {
            return Ok(Outcome::Unchanged);
        }
        let input = BusinessInput {
            name: merged.name.clone(),
            kind: merged.kind.clone(),
            tax_code: merged.tax_code.clone(),
            address: merged.address.clone(),
            unit_id: merged.unit_id.clone(),
            registration_no: merged.registration_no.clone(),
            registration_date: merged.registration_date.clone(),
            registration_issuer: merged.registration_issuer.clone(),
            representative: merged.representative.clone(),
            province: merged.province.clone(),
            commune: merged.commune.clone(),
            business_lines: merged.business_lines.clone(),
            phone: merged.phone.clone(),
            email: merged.email.clone(),
            website: merged.website.clone(),
            risk_note: merged.risk_note.clone(),
        };
        let (merged, _) = validate(&input)?;
        if !businesses::update(tx, &before.id, before.version, &merged).await? {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "business.version_conflict",
                "Hồ sơ vừa được người khác cập nhật trong lúc nhập.",
            ));
        }
        let after = businesses::get_in(tx.conn(), &before.id)
            .await?
            .ok_or_else(|| AppError::internal("business vanished during import"))?;
        let mut changes = diff(before, &after);
        if let Some(obj) = changes.as_object_mut() {
            obj.insert("imported".into(), json!(true));
        }
        crate::record(
            tx,
            actor,
            crate::Change {
                action: "business.update",
                entity_type: "business",
                entity_id: &before.id,
                unit_id: &after.unit_id,
                topic: "business.changed",
                details: changes,
            },
        )
        .await?;
        Ok(Outcome::Updated)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_checked_row_by_row_without_a_database() {
        let csv = "ten,loai_hinh,ma_so_thue,dia_chi,ma_don_vi\n\
                   Công ty A,enterprise,0100233488,Số 1,QN-D1\n\
                   Sai,enterprise,0100233480,Số 2,QN-D1\n";
        let (valid, rejected) = check_file(csv.as_bytes()).unwrap();
        assert_eq!(valid, 1);
        assert_eq!(rejected.len(), 1);
        assert_eq!(rejected[0].line, 3);
        assert_eq!(rejected[0].field.as_deref(), Some("tax_code"));
        assert_eq!(rejected[0].code, "business.invalid_tax_code");
        let missing = check_file(b"name,kind\nx,enterprise\n").unwrap_err();
        assert_eq!(missing.code, "import.missing_column");
    }

    /// Found by the `import_csv` fuzz target: with CRLF line ends (Excel on Windows) every
    /// rejected row was reported one line too high, the first data row as the header's line 1;
    /// with CR alone, every row on line 1.
    #[test]
    fn rejected_rows_name_their_own_line_whatever_the_line_ends() {
        for end in ["\n", "\r\n", "\r"] {
            let csv = [
                // An unknown column ("ghi_chu") is ignored, line break and all.
                "\u{feff}ten,loai_hinh,ma_so_thue,dia_chi,ma_don_vi,ghi_chu",
                "Sai 1,enterprise,0100233480,Số 1,QN-D1",
                "",
                "Đúng,enterprise,0100233488,Số 2,QN-D1,\"hai",
                "dòng\"",
                "Sai 2,enterprise,0100233481,Số 3,QN-D1",
                "",
            ]
            .join(end);
            let (valid, rejected) = check_file(csv.as_bytes()).unwrap();
            assert_eq!(valid, 1, "{end:?}");
            let lines: Vec<usize> = rejected.iter().map(|r| r.line).collect();
            assert_eq!(lines, [2, 6], "{end:?}");
        }
    }
}
