//! Periodic reports (báo cáo định kỳ, issue 9 part 5): a leader defines a report that units of
//! their scope must send every week, month, quarter or year (a form of figures, or a file); each
//! target unit sends its report for a period, pre-filled with the INS figures of its subtree when
//! the definition asks for it; the defining unit sees on a board who sent it on time, late, or
//! not yet, and accepts each report or returns it for correction. The rules are
//! `qltt_domain::periodic_report`.
//!
//! Who: defining and reviewing (`DefinePeriodicReports`) by leaders whose scope holds the
//! defining unit (never a report they sent themselves); sending (`SubmitPeriodicReports`) by the
//! officers whose scope holds the target unit. Where: an officer sees the reports defined by a
//! unit of their subtree and those targeting a unit of it; the board and the submissions of a
//! report defined above them show only their own subtree's units; others get 404. Every change
//! writes its journal line and audit event in its own transaction.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};
use qltt_domain::format::{format_date, legal_day, parse_date};
use qltt_domain::officer::Permission;
use qltt_domain::periodic_report::{
    self as rules, BoardStatus, FieldKind, Figure, FormField, Recurrence, ReportKind, ReportPeriod,
    SubmissionAction, SubmissionState,
};
use qltt_domain::report::Measure;
use qltt_domain::text::{bounded, bounded_text};
use qltt_store::periodic_reports::{
    self as store, NewPeriodicReport, NewSubmission, PeriodicReportRow, SubmissionRow,
};
use qltt_store::{StoreError, units};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{Actor, App, AppError, AppResult, ErrorKind};

/// One field of a report's form.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldInput {
    /// a-z, 0-9 and `_`; a key named like an INS figure (`cases_inspected`,
    /// `cases_with_violations`, `violations`, `fines_imposed`, `fines_collected`,
    /// `fines_outstanding`, `value_seized`, `value_confiscated`, `value_destroyed`,
    /// `cases_transferred`) is pre-filled when the report asks for it.
    pub key: String,
    pub label: String,
    /// number | text
    #[serde(default = "number_kind")]
    pub kind: String,
}

fn number_kind() -> String {
    "number".into()
}

/// A report to define.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodicReportInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// weekly | monthly | quarterly | yearly
    pub recurrence: String,
    /// Days after the period's last day (0–60); a deadline on a non-working day moves to the
    /// next working day.
    pub deadline_days: i64,
    /// form (figures, default) | file (a file of `POST /api/v1/files`)
    #[serde(default)]
    pub kind: Option<String>,
    /// The form; with `prefill` and no fields, the INS figures.
    #[serde(default)]
    pub fields: Vec<FieldInput>,
    /// Pre-fill fields named like INS figures with the figures of the period.
    #[serde(default)]
    pub prefill: bool,
    /// The units that must send it (below the defining unit); empty: every active unit below it.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// The defining unit (one of your scope); default your own.
    #[serde(default)]
    pub unit_id: Option<String>,
    /// The first period holds this day (YYYY-MM-DD or dd/mm/yyyy); default today.
    #[serde(default)]
    pub starts_on: Option<String>,
}

/// A change of a report's definition: what it says and its form. The recurrence, the kind, the
/// deadline and the target units are not changed here: they decide every period's deadline and
/// who was late, and changing them would rewrite past boards.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodicReportEdit {
    /// Unchanged when absent.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The whole new form, unchanged when absent. Once a unit has sent the report, every field
    /// stays with its kind (labels may change, fields may be added): 422
    /// `periodic_report.field_in_use` otherwise.
    #[serde(default)]
    pub fields: Option<Vec<FieldInput>>,
    /// Why (kept in the audit).
    pub reason: String,
    /// The report's `updated_at` as the editor read it: a report changed since is 409
    /// `periodic_report.changed` and nothing is written.
    #[serde(default)]
    pub base_updated_at: Option<String>,
}

/// A committed change of a unit's submission (sent, resent, accepted, returned), for the boards
/// that watch the report live (SSE). Sent after the commit, in this process; a board that misses
/// one (a restart, a lagging reader) reloads on the next.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportEvent {
    pub report_id: String,
    pub unit_id: String,
    pub period_key: String,
    /// submit | resubmit | accept | return
    pub kind: String,
}

/// A period of a report with its deadline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PeriodView {
    /// 2026-W12 | 2026-03 | 2026-Q1 | 2026
    pub key: String,
    /// "Tuần 12/2026", "Tháng 03/2026", "Quý I/2026", "Năm 2026"
    pub label: String,
    /// YYYY-MM-DD
    pub start: String,
    pub end: String,
    /// The last day to send it (YYYY-MM-DD).
    pub deadline: String,
}

impl PeriodView {
    pub fn deadline_text(&self) -> String {
        parse_date(&self.deadline)
            .map(format_date)
            .unwrap_or_else(|| self.deadline.clone())
    }
    pub fn range_text(&self) -> String {
        match (parse_date(&self.start), parse_date(&self.end)) {
            (Some(s), Some(e)) => format!("{} – {}", format_date(s), format_date(e)),
            _ => String::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PeriodicReport {
    #[serde(flatten)]
    pub row: PeriodicReportRow,
    pub fields: Vec<FieldInput>,
    pub recipients: Vec<UnitRef>,
    pub unit_name: String,
    pub recurrence_label: String,
    pub kind_label: String,
    /// The period just ended (the one the board shows first).
    pub last_period: PeriodView,
    /// The period holding today.
    pub current_period: PeriodView,
}

impl PeriodicReport {
    pub fn is_file(&self) -> bool {
        self.row.kind == ReportKind::File.as_str()
    }
}

/// One target unit's line on the board.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoardLine {
    pub unit_id: String,
    pub unit_name: String,
    /// on_time | late | overdue | pending
    pub status: String,
    pub status_label: String,
    pub submission_id: Option<String>,
    /// submitted | returned | resubmitted | accepted
    pub state: Option<String>,
    pub state_label: Option<String>,
    /// RFC 3339 of the first sending.
    pub first_submitted_at: Option<String>,
    pub version: Option<i64>,
}

impl BoardLine {
    pub fn sent_text(&self) -> String {
        self.first_submitted_at
            .as_deref()
            .and_then(|t| qltt_store::parse_ts(t).ok())
            .map(qltt_domain::format::format_instant)
            .unwrap_or_default()
    }
}

/// Who sent a report of a period, who is late, who has not.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Board {
    pub report_id: String,
    pub title: String,
    pub period: PeriodView,
    pub previous_key: String,
    /// Whether the previous period is one the report applies to (it starts on `starts_on`).
    pub has_previous: bool,
    /// None when the next period has not started.
    pub next_key: Option<String>,
    /// False for a period before the one holding the report's first day: nobody owes it, and
    /// `lines` is empty.
    pub owed: bool,
    pub lines: Vec<BoardLine>,
    pub on_time: usize,
    pub late: usize,
    pub overdue: usize,
    pub pending: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SubmissionEvent {
    /// submit | return | accept
    pub kind: String,
    pub kind_label: String,
    pub version: i64,
    pub actor_name: String,
    pub note: String,
    /// The figures of the version sent (on `submit`).
    #[schema(value_type = Object)]
    pub figures: serde_json::Value,
    pub file_sha256: Option<String>,
    /// RFC 3339
    pub at: String,
}

impl SubmissionEvent {
    pub fn at_text(&self) -> String {
        qltt_store::parse_ts(&self.at)
            .map(qltt_domain::format::format_instant)
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Submission {
    #[serde(flatten)]
    pub row: SubmissionRow,
    #[schema(value_type = Object)]
    pub figures: serde_json::Value,
    pub report_title: String,
    pub unit_name: String,
    pub submitted_by_name: String,
    pub state_label: String,
    pub period: PeriodView,
    /// on_time | late
    pub status: String,
    pub status_label: String,
    /// The steps the state allows (whether the caller may take them is checked on each).
    pub allowed_actions: Vec<String>,
    /// Every version sent and every review, oldest first.
    pub events: Vec<SubmissionEvent>,
}

impl Submission {
    pub fn may(&self, action: &str) -> bool {
        self.allowed_actions.iter().any(|a| a == action)
    }
    /// (label, value) of the figures in the form's order.
    pub fn figure_lines(&self, fields: &[FieldInput]) -> Vec<(String, String)> {
        fields
            .iter()
            .map(|f| {
                let v = match self.figures.get(&f.key) {
                    Some(serde_json::Value::Number(n)) => n
                        .as_i64()
                        .map(|n| qltt_domain::format::Vnd(n).grouped())
                        .unwrap_or_default(),
                    Some(serde_json::Value::String(s)) => s.clone(),
                    _ => String::new(),
                };
                (f.label.clone(), v)
            })
            .collect()
    }
}

/// A report to send for a period.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionInput {
    /// The period's key (2026-W12, 2026-03, 2026-Q1, 2026).
    pub period: String,
    /// The unit it is sent for (one of your scope that the report targets); default your own.
    #[serde(default)]
    pub unit_id: Option<String>,
    /// The form's values: a whole number ≥ 0 for a number field, text for a text field.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub figures: serde_json::Map<String, serde_json::Value>,
    /// SHA-256 of a file of `POST /api/v1/files` (required for a file report).
    #[serde(default)]
    pub file_sha256: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// Why a report is no longer collected.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeactivateInput {
    pub reason: String,
}

/// A review: `accept` with an optional note, `return` with what to correct.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    #[serde(default)]
    pub note: Option<String>,
}

/// The INS figures of a period for a unit's subtree, for the fields named like them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Prefill {
    pub report_id: String,
    pub unit_id: String,
    pub period: PeriodView,
    pub figures: BTreeMap<String, i64>,
}

/// A report a unit of the officer's scope must still send: due within 2 days, or overdue.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PeriodicReportDue {
    pub report_id: String,
    pub title: String,
    pub unit_id: String,
    pub unit_name: String,
    pub period_key: String,
    pub period_label: String,
    /// YYYY-MM-DD
    pub due_on: String,
    pub overdue: bool,
    /// Sent back for correction.
    pub returned: bool,
}

fn not_found() -> AppError {
    AppError::not_found("periodic_report.not_found")
}

fn submission_not_found() -> AppError {
    AppError::not_found("periodic_report.submission_not_found")
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn opt(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn parse_fields(raw: &str) -> Vec<FormField> {
    serde_json::from_str(raw).unwrap_or_default()
}

fn field_inputs(fields: &[FormField]) -> Vec<FieldInput> {
    fields
        .iter()
        .map(|f| FieldInput {
            key: f.key.clone(),
            label: f.label.clone(),
            kind: f.kind.as_str().to_string(),
        })
        .collect()
}

fn recurrence_of(row: &PeriodicReportRow) -> AppResult<Recurrence> {
    Ok(Recurrence::parse(&row.recurrence)?)
}

fn starts_on(row: &PeriodicReportRow) -> AppResult<NaiveDate> {
    parse_date(&row.starts_on).ok_or_else(|| AppError::internal("bad starts_on"))
}

/// The figure of an INS measure (or the derived outstanding fines) by its key.
fn figure_by_key(f: &crate::reports::Figures, key: &str) -> Option<i64> {
    if key == "fines_outstanding" {
        return Some(f.fines_outstanding);
    }
    Measure::parse(key).ok().map(|m| f.get(m))
}

/// The values sent, read as numbers or text.
fn read_figures(
    given: &serde_json::Map<String, serde_json::Value>,
) -> AppResult<BTreeMap<String, Figure>> {
    let mut out = BTreeMap::new();
    for (k, v) in given {
        let f = match v {
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(n) => Figure::Number(n),
                None => {
                    return Err(AppError::bad_input(
                        "periodic_report.invalid_figures",
                        format!("“{k}” phải là số nguyên không âm."),
                    ));
                }
            },
            serde_json::Value::String(s) => Figure::Text(s.clone()),
            _ => {
                return Err(AppError::bad_input(
                    "periodic_report.invalid_figures",
                    format!("“{k}” phải là số hoặc chữ."),
                ));
            }
        };
        out.insert(k.clone(), f);
    }
    Ok(out)
}

impl App {
    async fn period_view(&self, p: &ReportPeriod, deadline_days: i64) -> AppResult<PeriodView> {
        let cal = self.work_calendar(p.end).await?;
        let offset = u32::try_from(deadline_days).unwrap_or(0);
        Ok(PeriodView {
            key: p.key(),
            label: p.label(),
            start: day(p.start),
            end: day(p.end),
            deadline: day(p.deadline(&cal, offset)),
        })
    }

    async fn periodic_report_view(&self, row: PeriodicReportRow) -> AppResult<PeriodicReport> {
        let recurrence = recurrence_of(&row)?;
        let kind = ReportKind::parse(&row.kind)?;
        let today = legal_day(self.now());
        let current = ReportPeriod::containing(recurrence, today);
        let mut conn = self.db.pool().acquire().await.map_err(AppError::internal)?;
        let ids = store::recipients(&mut conn, &row.id).await?;
        drop(conn);
        let mut recipients = Vec::new();
        for id in ids {
            let name = self.unit_name(&id).await?.unwrap_or_default();
            recipients.push(UnitRef { id, name });
        }
        recipients.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(PeriodicReport {
            fields: field_inputs(&parse_fields(&row.fields)),
            recipients,
            unit_name: self.unit_name(&row.unit_id).await?.unwrap_or_default(),
            recurrence_label: recurrence.label().to_string(),
            kind_label: kind.label().to_string(),
            last_period: self.period_view(&current.prev(), row.deadline_days).await?,
            current_period: self.period_view(&current, row.deadline_days).await?,
            row,
        })
    }

    /// Defines a report that units below the defining unit must send every period.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id))]
    pub async fn define_periodic_report(
        &self,
        actor: &Actor,
        input: PeriodicReportInput,
    ) -> AppResult<PeriodicReport> {
        actor.require(Permission::DefinePeriodicReports)?;
        let title = bounded("title", &input.title, 300, true)?;
        let description = bounded_text("description", &input.description, 10_000, false)?;
        let recurrence = Recurrence::parse(input.recurrence.trim())?;
        let deadline_days = rules::check_deadline_days(input.deadline_days)?;
        let kind = ReportKind::parse(opt(&input.kind).unwrap_or("form"))?;
        let mut fields = Vec::new();
        for f in &input.fields {
            fields.push(FormField {
                key: f.key.trim().to_string(),
                label: f.label.trim().to_string(),
                kind: FieldKind::parse(f.kind.trim())?,
            });
        }
        if fields.is_empty() && input.prefill && kind == ReportKind::Form {
            fields = rules::measure_fields();
        }
        rules::check_fields(kind, &fields)?;
        let today = legal_day(self.now());
        let starts = match opt(&input.starts_on) {
            Some(raw) => parse_date(raw).ok_or_else(|| {
                AppError::bad_input(
                    "periodic_report.invalid_date",
                    "Ngày bắt đầu không hợp lệ (dd/mm/yyyy).",
                )
            })?,
            None => today,
        };
        let fields_json = serde_json::to_string(&fields).map_err(AppError::internal)?;
        let mut tx = self.db.begin(self.now()).await?;
        let unit_id = opt(&input.unit_id)
            .unwrap_or(actor.unit_id.as_str())
            .to_string();
        let unit = units::get_in(tx.conn(), &unit_id)
            .await?
            .filter(|u| u.active())
            .ok_or_else(|| {
                AppError::bad_input(
                    "periodic_report.unknown_unit",
                    "Đơn vị giao báo cáo không tồn tại hoặc đã sáp nhập.",
                )
            })?;
        if !units::in_subtree(tx.conn(), &actor.unit_id, &unit.id).await? {
            return Err(AppError::forbidden_scope());
        }
        let mut recipients: Vec<String> = Vec::new();
        if input.recipients.is_empty() {
            recipients = store::active_below(tx.conn(), &unit.id).await?;
        } else {
            for r in &input.recipients {
                let r = r.trim();
                let target = units::get_in(tx.conn(), r).await?.filter(|u| u.active());
                let Some(target) = target else {
                    return Err(AppError::bad_input(
                        "periodic_report.invalid_recipient",
                        "Đơn vị nhận yêu cầu báo cáo không tồn tại hoặc đã sáp nhập.",
                    ));
                };
                if !units::in_subtree(tx.conn(), &actor.unit_id, &target.id).await? {
                    return Err(AppError::forbidden_scope());
                }
                if target.id == unit.id
                    || !units::in_subtree(tx.conn(), &unit.id, &target.id).await?
                {
                    return Err(AppError::bad_input(
                        "periodic_report.invalid_recipient",
                        format!("{} không trực thuộc đơn vị giao báo cáo.", target.name),
                    ));
                }
                if !recipients.contains(&target.id) {
                    recipients.push(target.id);
                }
            }
        }
        if recipients.is_empty() {
            return Err(AppError::bad_input(
                "periodic_report.invalid_recipient",
                "Đơn vị này không có đơn vị trực thuộc nào để yêu cầu báo cáo.",
            ));
        }
        let row = store::insert(
            &mut tx,
            &NewPeriodicReport {
                unit_id: &unit.id,
                title: &title,
                description: &description,
                recurrence: recurrence.as_str(),
                deadline_days: i64::from(deadline_days),
                kind: kind.as_str(),
                fields: &fields_json,
                prefill: input.prefill,
                starts_on: &day(starts),
                created_by: &actor.id,
            },
            &recipients,
        )
        .await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "periodic_report.define",
                entity_type: "periodic_report",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "periodic_report.changed",
                details: json!({"title": row.title, "recurrence": row.recurrence,
                    "deadline_days": row.deadline_days, "kind": row.kind, "fields": fields,
                    "prefill": input.prefill, "recipients": recipients,
                    "starts_on": row.starts_on}),
            },
        )
        .await?;
        tx.commit().await?;
        self.periodic_report_view(row).await
    }

    /// The reports the actor sees (defined by or for their scope), newest first.
    pub async fn list_periodic_reports(
        &self,
        actor: &Actor,
        limit: i64,
    ) -> AppResult<Vec<PeriodicReport>> {
        actor.require(Permission::ViewPeriodicReports)?;
        let rows =
            store::visible(self.db.pool(), &actor.unit_id, false, limit.clamp(1, 200)).await?;
        let mut out = Vec::new();
        for row in rows {
            out.push(self.periodic_report_view(row).await?);
        }
        Ok(out)
    }

    async fn visible_report(&self, actor: &Actor, id: &str) -> AppResult<PeriodicReportRow> {
        actor.require(Permission::ViewPeriodicReports)?;
        let mut conn = self.db.pool().acquire().await.map_err(AppError::internal)?;
        if !store::visible_to(&mut conn, id, &actor.unit_id).await? {
            return Err(not_found());
        }
        store::get_in(&mut conn, id).await?.ok_or_else(not_found)
    }

    /// A report definition, if the actor sees it (else 404).
    pub async fn periodic_report(&self, actor: &Actor, id: &str) -> AppResult<PeriodicReport> {
        let row = self.visible_report(actor, id).await?;
        self.periodic_report_view(row).await
    }

    fn parse_period(
        row: &PeriodicReportRow,
        key: Option<&str>,
        today: NaiveDate,
    ) -> AppResult<ReportPeriod> {
        let recurrence = recurrence_of(row)?;
        Ok(match key.map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) => ReportPeriod::parse_key(recurrence, k)?,
            // The period whose deadline runs now (the last one ended), unless the report
            // started after it: then the current one. A report asked for from today is not owed
            // for last month.
            None => {
                let current = ReportPeriod::containing(recurrence, today);
                let first = ReportPeriod::containing(recurrence, starts_on(row)?);
                if current.prev().start >= first.start {
                    current.prev()
                } else {
                    current
                }
            }
        })
    }

    /// Changes what a report says and its form (a leader whose scope holds the defining unit),
    /// while it is active. Audited with the definition before and after.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, report_id = %id))]
    pub async fn edit_periodic_report(
        &self,
        actor: &Actor,
        id: &str,
        input: PeriodicReportEdit,
    ) -> AppResult<PeriodicReport> {
        actor.require(Permission::DefinePeriodicReports)?;
        let reason = bounded_text("reason", &input.reason, 2000, true)?;
        let mut tx = self.db.begin(self.now()).await?;
        if !store::visible_to(tx.conn(), id, &actor.unit_id).await? {
            return Err(not_found());
        }
        let row = store::get_in(tx.conn(), id).await?.ok_or_else(not_found)?;
        if !units::in_subtree(tx.conn(), &actor.unit_id, &row.unit_id).await? {
            return Err(AppError::forbidden_scope());
        }
        if row.active == 0 {
            return Err(AppError::new(
                ErrorKind::Refused,
                "periodic_report.inactive",
                "Báo cáo này đã thôi áp dụng.",
            ));
        }
        let changed_meanwhile = || {
            AppError::new(
                ErrorKind::Conflict,
                "periodic_report.changed",
                "Báo cáo vừa được người khác sửa sau khi bạn mở; hãy xem bản mới rồi sửa lại.",
            )
        };
        if opt(&input.base_updated_at).is_some_and(|b| b != row.updated_at) {
            return Err(changed_meanwhile());
        }
        let title = match &input.title {
            Some(t) => bounded("title", t, 300, true)?,
            None => row.title.clone(),
        };
        let description = match &input.description {
            Some(d) => bounded_text("description", d, 10_000, false)?,
            None => row.description.clone(),
        };
        let kind = ReportKind::parse(&row.kind)?;
        let old_fields = parse_fields(&row.fields);
        let fields = match &input.fields {
            Some(given) => {
                let mut fields = Vec::new();
                for f in given {
                    fields.push(FormField {
                        key: f.key.trim().to_string(),
                        label: f.label.trim().to_string(),
                        kind: FieldKind::parse(f.kind.trim())?,
                    });
                }
                let sent = store::anything_sent(tx.conn(), &row.id).await?;
                rules::check_field_change(kind, &old_fields, &fields, sent)?;
                fields
            }
            None => old_fields.clone(),
        };
        let fields_json = serde_json::to_string(&fields).map_err(AppError::internal)?;
        if title == row.title && description == row.description && fields_json == row.fields {
            return Err(AppError::bad_input(
                "periodic_report.nothing_changed",
                "Không có gì thay đổi so với báo cáo hiện tại.",
            ));
        }
        if !store::update_definition(
            &mut tx,
            &row.id,
            &row.updated_at,
            &title,
            &description,
            &fields_json,
        )
        .await?
        {
            return Err(changed_meanwhile());
        }
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "periodic_report.edit",
                entity_type: "periodic_report",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "periodic_report.changed",
                details: json!({"reason": reason,
                    "before": {"title": row.title, "description": row.description,
                        "fields": old_fields},
                    "after": {"title": title, "description": description, "fields": fields}}),
            },
        )
        .await?;
        let after = store::get_in(tx.conn(), &row.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        self.periodic_report_view(after).await
    }

    /// Stops collecting a report (a leader whose scope holds the defining unit): it leaves the
    /// home queues and takes no new submission; what was sent stays.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, report_id = %id))]
    pub async fn deactivate_periodic_report(
        &self,
        actor: &Actor,
        id: &str,
        input: DeactivateInput,
    ) -> AppResult<PeriodicReport> {
        actor.require(Permission::DefinePeriodicReports)?;
        let reason = bounded_text("reason", &input.reason, 2000, true)?;
        let mut tx = self.db.begin(self.now()).await?;
        if !store::visible_to(tx.conn(), id, &actor.unit_id).await? {
            return Err(not_found());
        }
        let row = store::get_in(tx.conn(), id).await?.ok_or_else(not_found)?;
        if !units::in_subtree(tx.conn(), &actor.unit_id, &row.unit_id).await? {
            return Err(AppError::forbidden_scope());
        }
        if !store::deactivate(&mut tx, &row.id).await? {
            return Err(AppError::new(
                ErrorKind::Refused,
                "periodic_report.inactive",
                "Báo cáo này đã thôi áp dụng.",
            ));
        }
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "periodic_report.deactivate",
                entity_type: "periodic_report",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "periodic_report.changed",
                details: json!({"reason": reason}),
            },
        )
        .await?;
        let after = store::get_in(tx.conn(), &row.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        self.periodic_report_view(after).await
    }

    /// Who sent the report of a period (default: the period just ended), who is late, who has
    /// not sent it: every target unit for the defining unit's officers, the units of their own
    /// subtree for officers below.
    pub async fn periodic_report_board(
        &self,
        actor: &Actor,
        id: &str,
        period: Option<&str>,
    ) -> AppResult<Board> {
        let row = self.visible_report(actor, id).await?;
        let today = legal_day(self.now());
        let p = Self::parse_period(&row, period, today)?;
        let first = ReportPeriod::containing(recurrence_of(&row)?, starts_on(&row)?);
        let owed = p.start >= first.start;
        let view = self.period_view(&p, row.deadline_days).await?;
        let deadline = parse_date(&view.deadline).unwrap_or(p.end);
        let mut conn = self.db.pool().acquire().await.map_err(AppError::internal)?;
        let all = units::in_subtree(&mut conn, &actor.unit_id, &row.unit_id).await?;
        let mut targets = Vec::new();
        let recipients = if owed {
            store::recipients(&mut conn, &row.id).await?
        } else {
            Vec::new()
        };
        for u in recipients {
            if all || units::in_subtree(&mut conn, &actor.unit_id, &u).await? {
                targets.push(u);
            }
        }
        drop(conn);
        let subs: HashMap<String, SubmissionRow> =
            store::submissions_for_period(self.db.pool(), &row.id, &p.key())
                .await?
                .into_iter()
                .map(|s| (s.unit_id.clone(), s))
                .collect();
        let mut lines = Vec::new();
        for u in targets {
            let sub = subs.get(&u);
            let first = sub
                .and_then(|s| qltt_store::parse_ts(&s.first_submitted_at).ok())
                .map(legal_day);
            let status = rules::board_status(first, deadline, today);
            let state = sub.and_then(|s| SubmissionState::parse(&s.state).ok());
            lines.push(BoardLine {
                unit_name: self.unit_name(&u).await?.unwrap_or_default(),
                unit_id: u,
                status: status.as_str().to_string(),
                status_label: status.label().to_string(),
                submission_id: sub.map(|s| s.id.clone()),
                state: state.map(|s| s.as_str().to_string()),
                state_label: state.map(|s| s.label().to_string()),
                first_submitted_at: sub.map(|s| s.first_submitted_at.clone()),
                version: sub.map(|s| s.version),
            });
        }
        lines.sort_by(|a, b| a.unit_name.cmp(&b.unit_name));
        let count = |s: BoardStatus| lines.iter().filter(|l| l.status == s.as_str()).count();
        let next = p.next();
        Ok(Board {
            report_id: row.id.clone(),
            title: row.title.clone(),
            period: view,
            previous_key: p.prev().key(),
            has_previous: p.prev().start >= first.start,
            next_key: (next.start <= today).then(|| next.key()),
            owed,
            on_time: count(BoardStatus::OnTime),
            late: count(BoardStatus::Late),
            overdue: count(BoardStatus::Overdue),
            pending: count(BoardStatus::Pending),
            lines,
        })
    }

    /// The unit a report is sent for: the asked one (default the actor's), in the actor's scope
    /// (403) and a target of the report (400).
    async fn target_unit(
        &self,
        conn: &mut sqlx::AnyConnection,
        actor: &Actor,
        row: &PeriodicReportRow,
        unit_id: Option<&str>,
    ) -> AppResult<String> {
        let unit = unit_id.unwrap_or(&actor.unit_id).to_string();
        if !units::in_subtree(conn, &actor.unit_id, &unit).await? {
            return Err(AppError::forbidden_scope());
        }
        if !store::recipients(conn, &row.id).await?.contains(&unit) {
            return Err(AppError::bad_input(
                "periodic_report.not_recipient",
                "Đơn vị này không thuộc diện phải gửi báo cáo này.",
            ));
        }
        Ok(unit)
    }

    async fn prefill_figures(
        &self,
        row: &PeriodicReportRow,
        unit_id: &str,
        p: &ReportPeriod,
    ) -> AppResult<BTreeMap<String, i64>> {
        let mut out = BTreeMap::new();
        if row.prefill == 0 {
            return Ok(out);
        }
        let fields = parse_fields(&row.fields);
        if !fields
            .iter()
            .any(|f| figure_by_key(&Default::default(), &f.key).is_some())
        {
            return Ok(out);
        }
        let totals = self.report_totals(unit_id, p.start, p.end).await?;
        for f in fields.iter().filter(|f| f.kind == FieldKind::Number) {
            if let Some(v) = figure_by_key(&totals, &f.key) {
                out.insert(f.key.clone(), v);
            }
        }
        Ok(out)
    }

    /// The INS figures of a period for the subtree of a unit the report targets (the same
    /// totals as `GET /api/v1/reports/summary` for that unit and period).
    pub async fn periodic_report_prefill(
        &self,
        actor: &Actor,
        id: &str,
        period: Option<&str>,
        unit_id: Option<&str>,
    ) -> AppResult<Prefill> {
        let row = self.visible_report(actor, id).await?;
        let today = legal_day(self.now());
        let p = Self::parse_period(&row, period, today)?;
        let mut conn = self.db.pool().acquire().await.map_err(AppError::internal)?;
        let asked = match unit_id.map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => u.to_string(),
            // Unasked: the actor's own unit when it must send the report, else the first target
            // of their scope (a leader looking at a team's figures).
            None => {
                let targets = store::recipients(&mut conn, &row.id).await?;
                let mut pick = None;
                if !targets.contains(&actor.unit_id) {
                    for u in &targets {
                        if units::in_subtree(&mut conn, &actor.unit_id, u).await? {
                            pick = Some(u.clone());
                            break;
                        }
                    }
                }
                pick.unwrap_or_else(|| actor.unit_id.clone())
            }
        };
        let unit = self
            .target_unit(&mut conn, actor, &row, Some(&asked))
            .await?;
        drop(conn);
        Ok(Prefill {
            report_id: row.id.clone(),
            figures: self.prefill_figures(&row, &unit, &p).await?,
            period: self.period_view(&p, row.deadline_days).await?,
            unit_id: unit,
        })
    }

    /// Sends a unit's report for a period, or a corrected version after a return. 409
    /// `periodic_report.invalid_transition` when it was already sent and not returned.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, report_id = %id))]
    pub async fn submit_periodic_report(
        &self,
        actor: &Actor,
        id: &str,
        input: SubmissionInput,
    ) -> AppResult<Submission> {
        actor.require(Permission::SubmitPeriodicReports)?;
        let note = bounded_text("note", &input.note, 5000, false)?;
        let figures = read_figures(&input.figures)?;
        let today = legal_day(self.now());
        let mut tx = self.db.begin(self.now()).await?;
        if !store::visible_to(tx.conn(), id, &actor.unit_id).await? {
            return Err(not_found());
        }
        let row = store::get_in(tx.conn(), id).await?.ok_or_else(not_found)?;
        if row.active == 0 {
            return Err(AppError::new(
                ErrorKind::Refused,
                "periodic_report.inactive",
                "Báo cáo này đã thôi áp dụng.",
            ));
        }
        let p = ReportPeriod::parse_key(recurrence_of(&row)?, &input.period)?;
        let unit = self
            .target_unit(tx.conn(), actor, &row, opt(&input.unit_id))
            .await?;
        rules::check_period_open(&p, starts_on(&row)?, today)?;
        let kind = ReportKind::parse(&row.kind)?;
        let fields = parse_fields(&row.fields);
        if kind == ReportKind::Form || !fields.is_empty() || !figures.is_empty() {
            rules::check_figures(&fields, &figures)?;
        }
        let file = match opt(&input.file_sha256) {
            Some(sha) => self
                .require_files(&mut tx, actor, &[sha.to_string()])
                .await?
                .into_iter()
                .next(),
            None => None,
        };
        if kind == ReportKind::File && file.is_none() {
            return Err(AppError::bad_input(
                "periodic_report.file_required",
                "Báo cáo này gửi bằng tệp: hãy đính kèm tệp báo cáo.",
            ));
        }
        let figures_json = serde_json::to_string(&figures).map_err(AppError::internal)?;
        let key = p.key();
        let existing = store::submission_of(tx.conn(), &row.id, &key, &unit).await?;
        let state = existing
            .as_ref()
            .map(|s| SubmissionState::parse(&s.state))
            .transpose()?;
        let next = rules::transition(state, SubmissionAction::Submit)?;
        let stale = || {
            AppError::new(
                ErrorKind::Conflict,
                "periodic_report.invalid_transition",
                "Báo cáo của kỳ này vừa được gửi; hãy tải lại.",
            )
        };
        let sub = match existing {
            None => store::insert_submission(
                &mut tx,
                &NewSubmission {
                    report_id: &row.id,
                    period_key: &key,
                    unit_id: &unit,
                    state: next.as_str(),
                    figures: &figures_json,
                    file_sha256: file.as_deref(),
                    note: &note,
                    submitted_by: &actor.id,
                },
            )
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => stale(),
                other => other.into(),
            })?,
            Some(s) => {
                if !store::resubmit(
                    &mut tx,
                    &s.id,
                    &s.state,
                    next.as_str(),
                    &figures_json,
                    file.as_deref(),
                    &note,
                    &actor.id,
                )
                .await?
                {
                    return Err(stale());
                }
                store::submission_in(tx.conn(), &s.id)
                    .await?
                    .ok_or(StoreError::NotFound)?
            }
        };
        store::add_event(
            &mut tx,
            &sub.id,
            SubmissionAction::Submit.as_str(),
            sub.version,
            &actor.id,
            &note,
            &figures_json,
            file.as_deref(),
        )
        .await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: if sub.version == 1 {
                    "periodic_report.submit"
                } else {
                    "periodic_report.resubmit"
                },
                entity_type: "periodic_report_submission",
                entity_id: &sub.id,
                unit_id: &sub.unit_id,
                topic: "periodic_report.changed",
                details: json!({"report_id": row.id, "period": key, "version": sub.version,
                    "figures": figures, "file_sha256": file, "note": note}),
            },
        )
        .await?;
        tx.commit().await?;
        let kind = if sub.version == 1 {
            "submit"
        } else {
            "resubmit"
        };
        self.report_changed(&row.id, &sub.unit_id, &key, kind);
        self.submission_view(sub, &row).await
    }

    fn report_changed(&self, report_id: &str, unit_id: &str, period_key: &str, kind: &str) {
        // No board listening is not an error.
        let _ = self.report_events.send(ReportEvent {
            report_id: report_id.to_string(),
            unit_id: unit_id.to_string(),
            period_key: period_key.to_string(),
            kind: kind.to_string(),
        });
    }

    /// Subscribes to the submissions of a report after checking the actor sees it (else 404).
    pub async fn watch_periodic_report(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<tokio::sync::broadcast::Receiver<ReportEvent>> {
        self.visible_report(actor, id).await?;
        Ok(self.report_events.subscribe())
    }

    async fn submission_view(
        &self,
        sub: SubmissionRow,
        report: &PeriodicReportRow,
    ) -> AppResult<Submission> {
        let state = SubmissionState::parse(&sub.state)?;
        let p = ReportPeriod::parse_key(recurrence_of(report)?, &sub.period_key)?;
        let period = self.period_view(&p, report.deadline_days).await?;
        let deadline = parse_date(&period.deadline).unwrap_or(p.end);
        let first = qltt_store::parse_ts(&sub.first_submitted_at)
            .ok()
            .map(legal_day);
        let status = rules::board_status(first, deadline, legal_day(self.now()));
        let mut names: HashMap<String, String> = HashMap::new();
        let mut events = Vec::new();
        for e in store::events(self.db.pool(), &sub.id).await? {
            if !names.contains_key(&e.actor_id) {
                let label = self.officer_label(&e.actor_id).await?;
                names.insert(e.actor_id.clone(), label);
            }
            let kind_label = match SubmissionAction::parse(&e.kind) {
                Ok(SubmissionAction::Submit) if e.version > 1 => "Nộp lại".to_string(),
                Ok(a) => a.label().to_string(),
                Err(_) => String::new(),
            };
            events.push(SubmissionEvent {
                kind_label,
                actor_name: names.get(&e.actor_id).cloned().unwrap_or_default(),
                figures: serde_json::from_str(&e.figures).unwrap_or_else(|_| json!({})),
                kind: e.kind,
                version: e.version,
                note: e.note,
                file_sha256: e.file_sha256,
                at: e.at,
            });
        }
        Ok(Submission {
            figures: serde_json::from_str(&sub.figures).unwrap_or_else(|_| json!({})),
            report_title: report.title.clone(),
            unit_name: self.unit_name(&sub.unit_id).await?.unwrap_or_default(),
            submitted_by_name: self.officer_label(&sub.submitted_by).await?,
            state_label: state.label().to_string(),
            period,
            status: status.as_str().to_string(),
            status_label: status.label().to_string(),
            allowed_actions: rules::allowed(Some(state))
                .into_iter()
                .map(|a| a.as_str().to_string())
                .collect(),
            events,
            row: sub,
        })
    }

    /// Whether an officer of `home` sees a submission: the report's defining unit, or the
    /// submitting unit, is in their subtree.
    async fn sees_submission(
        &self,
        conn: &mut sqlx::AnyConnection,
        actor: &Actor,
        sub: &SubmissionRow,
        report: &PeriodicReportRow,
    ) -> AppResult<bool> {
        Ok(
            units::in_subtree(conn, &actor.unit_id, &report.unit_id).await?
                || units::in_subtree(conn, &actor.unit_id, &sub.unit_id).await?,
        )
    }

    /// A submission with its history, if the actor sees it (else 404).
    pub async fn periodic_report_submission(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(Submission, PeriodicReport)> {
        actor.require(Permission::ViewPeriodicReports)?;
        let mut conn = self.db.pool().acquire().await.map_err(AppError::internal)?;
        let sub = store::submission_in(&mut conn, id)
            .await?
            .ok_or_else(submission_not_found)?;
        let report = store::get_in(&mut conn, &sub.report_id)
            .await?
            .ok_or_else(submission_not_found)?;
        if !self
            .sees_submission(&mut conn, actor, &sub, &report)
            .await?
        {
            return Err(submission_not_found());
        }
        drop(conn);
        let view = self.submission_view(sub, &report).await?;
        Ok((view, self.periodic_report_view(report).await?))
    }

    /// Accepts a submission or returns it for correction (a leader of the defining unit's
    /// scope). Unknown step: 404 `periodic_report.unknown_action`; one the state does not allow:
    /// 409 `periodic_report.invalid_transition`.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, submission_id = %id))]
    pub async fn review_periodic_report(
        &self,
        actor: &Actor,
        id: &str,
        action: &str,
        input: ReviewInput,
    ) -> AppResult<Submission> {
        let action = match SubmissionAction::parse(action) {
            Ok(a @ (SubmissionAction::Accept | SubmissionAction::Return)) => a,
            _ => {
                return Err(AppError::new(
                    ErrorKind::NotFound,
                    "periodic_report.unknown_action",
                    "Không có thao tác này (accept, return).",
                ));
            }
        };
        let note = bounded_text("note", input.note.as_deref().unwrap_or(""), 5000, false)?;
        let mut tx = self.db.begin(self.now()).await?;
        let sub = store::submission_in(tx.conn(), id)
            .await?
            .ok_or_else(submission_not_found)?;
        let report = store::get_in(tx.conn(), &sub.report_id)
            .await?
            .ok_or_else(submission_not_found)?;
        if !self
            .sees_submission(tx.conn(), actor, &sub, &report)
            .await?
        {
            return Err(submission_not_found());
        }
        // The defining unit's leaders review; no one reviews a report they sent themselves.
        let may = actor.may(Permission::DefinePeriodicReports)
            && sub.submitted_by != actor.id
            && units::in_subtree(tx.conn(), &actor.unit_id, &report.unit_id).await?;
        if !may {
            return Err(AppError::forbidden());
        }
        let state = SubmissionState::parse(&sub.state)?;
        let next = rules::transition(Some(state), action)?;
        rules::check_note(action, &note)?;
        if !store::review(
            &mut tx,
            &sub.id,
            state.as_str(),
            next.as_str(),
            &actor.id,
            &note,
        )
        .await?
        {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "periodic_report.invalid_transition",
                "Báo cáo vừa được người khác cập nhật; hãy tải lại.",
            ));
        }
        store::add_event(
            &mut tx,
            &sub.id,
            action.as_str(),
            sub.version,
            &actor.id,
            &note,
            "{}",
            None,
        )
        .await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: match action {
                    SubmissionAction::Accept => "periodic_report.accept",
                    _ => "periodic_report.return",
                },
                entity_type: "periodic_report_submission",
                entity_id: &sub.id,
                unit_id: &sub.unit_id,
                topic: "periodic_report.changed",
                details: json!({"report_id": report.id, "period": sub.period_key,
                    "from": state.as_str(), "to": next.as_str(), "version": sub.version,
                    "note": note}),
            },
        )
        .await?;
        let after = store::submission_in(tx.conn(), &sub.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        self.report_changed(
            &report.id,
            &after.unit_id,
            &after.period_key,
            action.as_str(),
        );
        self.submission_view(after, &report).await
    }

    /// The reports units of the actor's scope must still send (or correct): due within 2 days
    /// or overdue, over the last few periods of each report, earliest deadline first.
    pub async fn periodic_reports_due(
        &self,
        actor: &Actor,
        limit: usize,
    ) -> AppResult<Vec<PeriodicReportDue>> {
        if !actor.may(Permission::SubmitPeriodicReports) {
            return Ok(Vec::new());
        }
        const PERIODS_BACK: usize = 3;
        let today = legal_day(self.now());
        let pairs = store::targeting(self.db.pool(), &actor.unit_id).await?;
        if pairs.is_empty() {
            return Ok(Vec::new());
        }
        let cal = self.work_calendar(today).await?;
        let mut candidates = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        let mut unit_ids: Vec<String> = Vec::new();
        for (report, unit) in &pairs {
            let (Ok(r), Ok(first)) = (recurrence_of(report), starts_on(report)) else {
                continue;
            };
            let offset = u32::try_from(report.deadline_days).unwrap_or(0);
            for p in rules::open_periods(r, first, today, PERIODS_BACK) {
                let due = p.deadline(&cal, offset);
                if due <= today + Duration::days(2) {
                    if !keys.contains(&p.key()) {
                        keys.push(p.key());
                    }
                    if !unit_ids.contains(unit) {
                        unit_ids.push(unit.clone());
                    }
                    candidates.push((report, unit, p, due));
                }
            }
        }
        let subs: HashMap<(String, String, String), SubmissionRow> =
            store::submissions_of_units(self.db.pool(), &unit_ids, &keys)
                .await?
                .into_iter()
                .map(|s| {
                    (
                        (s.report_id.clone(), s.period_key.clone(), s.unit_id.clone()),
                        s,
                    )
                })
                .collect();
        let mut out = Vec::new();
        for (report, unit, p, due) in candidates {
            let state = subs
                .get(&(report.id.clone(), p.key(), unit.clone()))
                .and_then(|s| SubmissionState::parse(&s.state).ok());
            if !rules::needs_action(state, due, today, 2) {
                continue;
            }
            out.push(PeriodicReportDue {
                report_id: report.id.clone(),
                title: report.title.clone(),
                unit_id: unit.clone(),
                unit_name: self.unit_name(unit).await?.unwrap_or_default(),
                period_key: p.key(),
                period_label: p.label(),
                due_on: day(due),
                overdue: due < today,
                returned: state == Some(SubmissionState::Returned),
            });
        }
        out.sort_by(|a, b| {
            (&a.due_on, &a.title, &a.unit_name).cmp(&(&b.due_on, &b.title, &b.unit_name))
        });
        out.truncate(limit);
        Ok(out)
    }
}
