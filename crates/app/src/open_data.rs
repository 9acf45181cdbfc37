//! Open data (issue 8, part 5): a public, anonymised dataset of the sanction decisions leaders
//! published (see `documents::publish`) and the force's aggregate statistics, as CSV and JSON with
//! a data dictionary. No personal data of individuals: for an individual offender the dataset
//! gives the kind, the acts (from the catalogue), the fines and the issuing unit — never a name,
//! an identity number, an address, the facts as written, nor the free-text penalty lines (which
//! may name the person). An organisation is named with its tax code, as the public business
//! register names it. The statistics are the reports module's own figures for the national tree.

use chrono::Datelike;
use qltt_domain::format::legal_day;
use qltt_domain::report::Measure;
use qltt_store::publications;
use serde::Serialize;
use serde_json::Value;

use crate::reports::{Figures, SummaryQuery};
use crate::{Actor, App, AppError, AppResult};

/// One act of a published decision, as the catalogue names it, with its fine.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OpenViolation {
    pub code: String,
    pub description: String,
    pub legal_basis: String,
    /// VND.
    pub fine: i64,
}

/// A published sanction decision, anonymised.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OpenDecision {
    pub decision_number: String,
    /// YYYY-MM-DD.
    pub issued_on: String,
    pub issuing_unit: String,
    /// `organization` or `individual`.
    pub offender_kind: String,
    /// Organisations only.
    pub offender_name: Option<String>,
    /// Organisations only.
    pub tax_code: Option<String>,
    pub violations: Vec<OpenViolation>,
    /// VND.
    pub fine_total: i64,
    /// Organisations only (free text that may name a person).
    pub additional_penalties: Vec<String>,
    /// Organisations only.
    pub remedial_measures: Vec<String>,
    /// `issued`, `corrected` or `annulled`.
    pub status: String,
    /// Where anyone checks the decision's PDF.
    pub verify_url: Option<String>,
    /// YYYY-MM-DD.
    pub published_on: String,
}

/// One line of the statistics: a dimension (`total`, `month`, `unit`, `group`), its key and
/// label, and the figures.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OpenStat {
    pub year: i32,
    pub dimension: String,
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// A field of a dataset, for the data dictionary.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DictionaryEntry {
    pub dataset: &'static str,
    pub field: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub description: &'static str,
}

fn s(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A published decision as the public sees it: anonymised (see the module's comment). The
/// open dataset, the open-data page and the public search index are all built by this one
/// function, so what is searchable is exactly what is published.
pub(crate) fn open_decision(r: publications::PublishedDecision, base: &str) -> OpenDecision {
    let content: Value = serde_json::from_str(&r.content).unwrap_or(Value::Null);
    let data: Value = r
        .case_data
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or(Value::Null);
    let kind = match s(&data, "/record_violation/offender/kind").as_str() {
        "organization" => "organization",
        // Unknown is treated as a person: nothing identifying is published.
        _ => "individual",
    };
    let org = kind == "organization";
    let acts = data
        .pointer("/record_violation/violations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let violations = content
        .pointer("/body/fines")
        .and_then(Value::as_array)
        .map(|lines| {
            lines
                .iter()
                .map(|l| {
                    let vt = s(l, "/violation_type_id");
                    let act = acts
                        .iter()
                        .find(|a| s(a, "/violation_type_id") == vt)
                        .cloned()
                        .unwrap_or(Value::Null);
                    OpenViolation {
                        code: Some(s(&act, "/code"))
                            .filter(|c| !c.is_empty())
                            .unwrap_or_else(|| {
                                vt.split('@').next().unwrap_or_default().to_string()
                            }),
                        description: s(&act, "/description"),
                        legal_basis: s(&act, "/legal_basis"),
                        fine: l.get("amount").and_then(Value::as_i64).unwrap_or(0),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    OpenDecision {
        decision_number: r.number,
        issued_on: r.issued_on,
        issuing_unit: r.unit_name,
        offender_kind: kind.to_string(),
        offender_name: org
            .then(|| s(&data, "/record_violation/offender/name"))
            .filter(|n| !n.is_empty())
            .or_else(|| org.then(|| s(&content, "/business/name")))
            .filter(|n| !n.is_empty()),
        // The organisation's tax code as the record gives it, else the register's.
        tax_code: org
            .then(|| s(&data, "/record_violation/offender/id_number"))
            .filter(|t| !t.is_empty())
            .or_else(|| org.then(|| s(&content, "/business/tax_code")))
            .filter(|t| !t.is_empty()),
        violations,
        fine_total: content
            .pointer("/body/total")
            .and_then(Value::as_i64)
            .unwrap_or(0),
        additional_penalties: if org {
            strings(content.pointer("/body/additional_penalties"))
        } else {
            Vec::new()
        },
        remedial_measures: if org {
            strings(content.pointer("/body/remedial_measures"))
        } else {
            Vec::new()
        },
        status: r.status,
        verify_url: r.verify_code.map(|c| format!("{base}/verify/{c}")),
        // The day in Việt Nam (the instant is stored in UTC).
        published_on: qltt_store::parse_ts(&r.published_at)
            .map(|t| legal_day(t).format("%Y-%m-%d").to_string())
            .unwrap_or_else(|_| r.published_at.chars().take(10).collect()),
    }
}

impl App {
    /// Every published decision, anonymised, newest first.
    pub async fn open_decisions(&self) -> AppResult<Vec<OpenDecision>> {
        let rows = publications::published(self.db.pool()).await?;
        let base = self.public_base();
        Ok(rows.into_iter().map(|r| open_decision(r, &base)).collect())
    }

    /// The address of the public site, without a trailing slash (for verification links).
    pub(crate) fn public_base(&self) -> String {
        self.settings.public_url.trim_end_matches('/').to_string()
    }

    /// The force's figures for a year (up to today): the total, by month, by province-level unit
    /// and by violation group — the reports module's figures for the national tree.
    pub async fn open_statistics(&self, year: Option<i32>) -> AppResult<Vec<OpenStat>> {
        let today = legal_day(self.now());
        let year = year.unwrap_or(today.year());
        let from = chrono::NaiveDate::from_ymd_opt(year, 1, 1)
            .filter(|d| *d <= today)
            .ok_or_else(|| {
                AppError::bad_input(
                    "open_data.invalid_year",
                    "Năm không hợp lệ (không được ở tương lai).",
                )
            })?;
        let to = chrono::NaiveDate::from_ymd_opt(year, 12, 31)
            .unwrap_or(today)
            .min(today);
        let Some(root) = qltt_store::units::root(self.db.pool()).await? else {
            return Ok(Vec::new());
        };
        let system = Actor::system(&root.id);
        let mut out = Vec::new();
        for group_by in ["month", "unit", "group"] {
            let summary = self
                .report_summary(
                    &system,
                    &SummaryQuery {
                        from: Some(from),
                        to: Some(to),
                        unit_id: Some(root.id.clone()),
                        group_by: Some(group_by.into()),
                    },
                )
                .await?;
            if group_by == "month" {
                out.push(OpenStat {
                    year,
                    dimension: "total".into(),
                    key: String::new(),
                    label: summary.unit_name.clone(),
                    figures: summary.totals.clone(),
                });
            }
            for row in summary.rows {
                out.push(OpenStat {
                    year,
                    dimension: group_by.into(),
                    key: row.key,
                    label: row.label,
                    figures: row.figures,
                });
            }
        }
        Ok(out)
    }
}

/// The fields of the two datasets, in Vietnamese for the people who read them.
pub fn dictionary() -> Vec<DictionaryEntry> {
    let d = |field, kind, description| DictionaryEntry {
        dataset: "decisions",
        field,
        kind,
        description,
    };
    let mut out = vec![
        d(
            "decision_number",
            "string",
            "Số quyết định xử phạt, ví dụ 12/QĐ-XPHC.",
        ),
        d("issued_on", "date", "Ngày ban hành (YYYY-MM-DD)."),
        d("issuing_unit", "string", "Đơn vị ban hành."),
        d(
            "offender_kind",
            "string",
            "organization (tổ chức) hoặc individual (cá nhân).",
        ),
        d(
            "offender_name",
            "string",
            "Tên tổ chức vi phạm; để trống với cá nhân (không công bố dữ liệu cá nhân).",
        ),
        d(
            "tax_code",
            "string",
            "Mã số thuế của tổ chức; để trống với cá nhân.",
        ),
        d(
            "violations",
            "list",
            "Các hành vi vi phạm: mã, mô tả và căn cứ pháp lý theo danh mục, số tiền phạt (đồng). Trong CSV: các hành vi nối bằng \" | \".",
        ),
        d("fine_total", "integer", "Tổng số tiền phạt (đồng)."),
        d(
            "additional_penalties",
            "list",
            "Hình thức xử phạt bổ sung; chỉ với tổ chức (nội dung tự do có thể nêu tên người).",
        ),
        d(
            "remedial_measures",
            "list",
            "Biện pháp khắc phục hậu quả; chỉ với tổ chức.",
        ),
        d(
            "status",
            "string",
            "issued (có hiệu lực), corrected (đã đính chính), annulled (đã hủy).",
        ),
        d(
            "verify_url",
            "string",
            "Trang kiểm tra tính xác thực của bản PDF.",
        ),
        d("published_on", "date", "Ngày công bố."),
    ];
    let st = |field, kind, description| DictionaryEntry {
        dataset: "statistics",
        field,
        kind,
        description,
    };
    out.extend([
        st("year", "integer", "Năm số liệu (đến ngày hiện tại với năm đang diễn ra)."),
        st("dimension", "string", "total (toàn lực lượng), month (theo tháng), unit (theo đơn vị cấp dưới trực tiếp của Cục), group (theo nhóm hành vi)."),
        st("key", "string", "Ngày đầu tháng, mã đơn vị hoặc mã nhóm hành vi."),
        st("label", "string", "Tên tháng, đơn vị hoặc nhóm hành vi."),
    ]);
    for m in Measure::ALL {
        out.push(st(m.as_str(), "integer", m.label()));
    }
    out.push(st(
        "fines_outstanding",
        "integer",
        "Tiền phạt còn phải thu đến cuối kỳ (đồng).",
    ));
    out
}

/// The decisions as CSV (UTF-8 with a BOM, so Excel reads the Vietnamese letters): one row per
/// decision, the acts joined by " | ".
pub fn decisions_csv(items: &[OpenDecision]) -> AppResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::from(&b"\xEF\xBB\xBF"[..]));
    let header = [
        "decision_number",
        "issued_on",
        "issuing_unit",
        "offender_kind",
        "offender_name",
        "tax_code",
        "violations",
        "fine_total",
        "additional_penalties",
        "remedial_measures",
        "status",
        "verify_url",
        "published_on",
    ];
    w.write_record(header).map_err(AppError::internal)?;
    for d in items {
        let acts = d
            .violations
            .iter()
            .map(|v| {
                format!(
                    "{} {} ({}): {}",
                    v.code, v.description, v.legal_basis, v.fine
                )
            })
            .collect::<Vec<_>>()
            .join(" | ");
        w.write_record([
            d.decision_number.as_str(),
            &d.issued_on,
            &d.issuing_unit,
            &d.offender_kind,
            d.offender_name.as_deref().unwrap_or_default(),
            d.tax_code.as_deref().unwrap_or_default(),
            &acts,
            &d.fine_total.to_string(),
            &d.additional_penalties.join(" | "),
            &d.remedial_measures.join(" | "),
            &d.status,
            d.verify_url.as_deref().unwrap_or_default(),
            &d.published_on,
        ])
        .map_err(AppError::internal)?;
    }
    w.into_inner().map_err(AppError::internal)
}

/// The statistics as CSV, one row per dimension and key.
pub fn statistics_csv(items: &[OpenStat]) -> AppResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::from(&b"\xEF\xBB\xBF"[..]));
    let mut header = vec!["year", "dimension", "key", "label"];
    header.extend(Measure::ALL.iter().map(|m| m.as_str()));
    header.push("fines_outstanding");
    w.write_record(&header).map_err(AppError::internal)?;
    for s in items {
        let mut row = vec![
            s.year.to_string(),
            s.dimension.clone(),
            s.key.clone(),
            s.label.clone(),
        ];
        row.extend(Measure::ALL.iter().map(|m| s.figures.get(*m).to_string()));
        row.push(s.figures.fines_outstanding.to_string());
        w.write_record(&row).map_err(AppError::internal)?;
    }
    w.into_inner().map_err(AppError::internal)
}
