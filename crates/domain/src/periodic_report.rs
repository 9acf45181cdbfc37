//! Periodic reports (báo cáo định kỳ, issue 9 part 5): a leader defines a report that each unit
//! it targets must send every week, month, quarter or year (a form of figures, or a file); the
//! defining unit sees who sent it on time, late, or not yet. Pure rules; who and where are
//! checked by `app`.
//!
//! The period of a date (a week runs Monday–Sunday and is numbered as in ISO 8601, so "Tuần
//! 01/2027" may start on 28/12/2026), its key and Vietnamese label, the deadline of a period
//! (N days after its last day; a deadline on a non-working day moves to the next working day of
//! the calendar, as periods in days do in `law::period::days_after`), and the states of one
//! unit's submission for one period. No decree prescribes this reporting cycle: the deadline
//! offset is the defining leader's choice, so nothing here cites a law.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::law::WorkCalendar;
use crate::law::period::days_after;
use crate::report::Measure;

labelled_enum!(
    /// How often a report is due.
    Recurrence, "recurrence", "periodic_report.invalid_recurrence",
    "Chu kỳ báo cáo không hợp lệ (weekly, monthly, quarterly, yearly).", {
    Weekly => "weekly", "Hằng tuần",
    Monthly => "monthly", "Hằng tháng",
    Quarterly => "quarterly", "Hằng quý",
    Yearly => "yearly", "Hằng năm",
});

labelled_enum!(
    /// What a unit sends: figures in a form (optionally with a file), or a file.
    ReportKind, "kind", "periodic_report.invalid_kind",
    "Hình thức báo cáo không hợp lệ (form hoặc file).", {
    Form => "form", "Biểu mẫu số liệu",
    File => "file", "Tệp báo cáo",
});

labelled_enum!(
    /// Where one unit's submission for one period is. "Not yet sent" is the absence of a
    /// submission (see [`BoardStatus`]).
    SubmissionState, "state", "periodic_report.invalid_state",
    "Trạng thái báo cáo không hợp lệ.", {
    Submitted => "submitted", "Đã nộp",
    Returned => "returned", "Bị trả lại để sửa",
    Resubmitted => "resubmitted", "Đã nộp lại",
    Accepted => "accepted", "Đã chấp nhận",
});

labelled_enum!(
    /// The steps of a submission.
    SubmissionAction, "action", "periodic_report.unknown_action",
    "Không có thao tác này (submit, accept, return).", {
    Submit => "submit", "Nộp báo cáo",
    Accept => "accept", "Chấp nhận",
    Return => "return", "Trả lại để sửa",
});

labelled_enum!(
    /// A target unit's line on the status board for one period.
    BoardStatus, "status", "periodic_report.invalid_status",
    "Tình trạng không hợp lệ (on_time, late, overdue, pending).", {
    OnTime => "on_time", "Nộp đúng hạn",
    Late => "late", "Nộp muộn",
    Overdue => "overdue", "Quá hạn, chưa nộp",
    Pending => "pending", "Chưa đến hạn, chưa nộp",
});

labelled_enum!(
    /// The type of a form field.
    FieldKind, "kind", "periodic_report.invalid_field_kind",
    "Loại ô số liệu không hợp lệ (number hoặc text).", {
    Number => "number", "Số",
    Text => "text", "Chữ",
});

/// The longest deadline offset a definition may set (days after the period's end).
pub const MAX_DEADLINE_DAYS: u32 = 60;
/// The most fields a form may have.
pub const MAX_FIELDS: usize = 40;
/// The longest text a text field may hold.
pub const MAX_TEXT_FIGURE: usize = 2000;

/// One reporting period: its recurrence and its first and last day (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReportPeriod {
    pub recurrence: Recurrence,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

fn first_of_month(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
}

fn invalid_key() -> DomainError {
    DomainError::invalid(
        "period",
        "periodic_report.invalid_period",
        "Kỳ báo cáo không hợp lệ (ví dụ 2026-W12, 2026-03, 2026-Q1, 2026).",
    )
}

fn roman(quarter: u32) -> &'static str {
    match quarter {
        1 => "I",
        2 => "II",
        3 => "III",
        _ => "IV",
    }
}

impl ReportPeriod {
    /// The period of `recurrence` that holds `d`.
    pub fn containing(recurrence: Recurrence, d: NaiveDate) -> ReportPeriod {
        let start = match recurrence {
            Recurrence::Weekly => d
                .week(Weekday::Mon)
                .checked_first_day()
                .unwrap_or(NaiveDate::MIN),
            Recurrence::Monthly => first_of_month(d.year(), d.month()),
            Recurrence::Quarterly => first_of_month(d.year(), (d.month() - 1) / 3 * 3 + 1),
            Recurrence::Yearly => first_of_month(d.year(), 1),
        };
        let end = match recurrence {
            Recurrence::Weekly => d.week(Weekday::Mon).checked_last_day(),
            Recurrence::Monthly => start.checked_add_months(Months::new(1)),
            Recurrence::Quarterly => start.checked_add_months(Months::new(3)),
            Recurrence::Yearly => start.checked_add_months(Months::new(12)),
        };
        let end = match recurrence {
            Recurrence::Weekly => end,
            _ => end.and_then(|next| next.pred_opt()),
        }
        .unwrap_or(NaiveDate::MAX);
        ReportPeriod {
            recurrence,
            start,
            end,
        }
    }

    /// The period after this one (itself at the end of the calendar).
    pub fn next(&self) -> ReportPeriod {
        match self.end.succ_opt() {
            Some(d) => ReportPeriod::containing(self.recurrence, d),
            None => *self,
        }
    }

    /// The period before this one (itself at the start of the calendar).
    pub fn prev(&self) -> ReportPeriod {
        match self.start.pred_opt() {
            Some(d) => ReportPeriod::containing(self.recurrence, d),
            None => *self,
        }
    }

    /// The stable key: "2026-W12", "2026-03", "2026-Q1", "2026".
    pub fn key(&self) -> String {
        let s = self.start;
        match self.recurrence {
            Recurrence::Weekly => {
                let w = s.iso_week();
                format!("{:04}-W{:02}", w.year(), w.week())
            }
            Recurrence::Monthly => format!("{:04}-{:02}", s.year(), s.month()),
            Recurrence::Quarterly => format!("{:04}-Q{}", s.year(), (s.month() - 1) / 3 + 1),
            Recurrence::Yearly => format!("{:04}", s.year()),
        }
    }

    /// The Vietnamese name: "Tuần 12/2026", "Tháng 03/2026", "Quý I/2026", "Năm 2026".
    pub fn label(&self) -> String {
        let s = self.start;
        match self.recurrence {
            Recurrence::Weekly => {
                let w = s.iso_week();
                format!("Tuần {:02}/{}", w.week(), w.year())
            }
            Recurrence::Monthly => format!("Tháng {:02}/{}", s.month(), s.year()),
            Recurrence::Quarterly => {
                format!("Quý {}/{}", roman((s.month() - 1) / 3 + 1), s.year())
            }
            Recurrence::Yearly => format!("Năm {}", s.year()),
        }
    }

    /// The days it covers, "16/03/2026 – 22/03/2026".
    pub fn range_text(&self) -> String {
        format!(
            "{} – {}",
            crate::format::format_date(self.start),
            crate::format::format_date(self.end)
        )
    }

    /// Reads a key back (the inverse of [`ReportPeriod::key`]).
    pub fn parse_key(recurrence: Recurrence, key: &str) -> Result<ReportPeriod, DomainError> {
        let key = key.trim();
        let num = |s: &str| -> Result<u32, DomainError> {
            if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid_key());
            }
            s.parse::<u32>().map_err(|_| invalid_key())
        };
        let year = |s: &str| -> Result<i32, DomainError> {
            let y = num(s)?;
            if s.len() != 4 || !(1900..=2999).contains(&y) {
                return Err(invalid_key());
            }
            Ok(y as i32)
        };
        let start = match recurrence {
            Recurrence::Weekly => {
                let (y, w) = key.split_once("-W").ok_or_else(invalid_key)?;
                NaiveDate::from_isoywd_opt(year(y)?, num(w)?, Weekday::Mon)
            }
            Recurrence::Monthly => {
                let (y, m) = key.split_once('-').ok_or_else(invalid_key)?;
                if m.len() != 2 {
                    return Err(invalid_key());
                }
                NaiveDate::from_ymd_opt(year(y)?, num(m)?, 1)
            }
            Recurrence::Quarterly => {
                let (y, q) = key.split_once("-Q").ok_or_else(invalid_key)?;
                match num(q)? {
                    q @ 1..=4 => NaiveDate::from_ymd_opt(year(y)?, (q - 1) * 3 + 1, 1),
                    _ => None,
                }
            }
            Recurrence::Yearly => NaiveDate::from_ymd_opt(year(key)?, 1, 1),
        }
        .ok_or_else(invalid_key)?;
        let p = ReportPeriod::containing(recurrence, start);
        if p.key() != key {
            return Err(invalid_key());
        }
        Ok(p)
    }

    /// The last day to send the report: `offset_days` after the period's last day, moved to the
    /// next working day when it is not one.
    pub fn deadline(&self, cal: &WorkCalendar, offset_days: u32) -> NaiveDate {
        days_after(cal, self.end, offset_days)
    }
}

/// The periods a unit may send a report for on `today`: from the one holding the definition's
/// first day up to the one holding today (a report is sent during or after its period, never
/// for a future one), the latest `max` of them, latest first.
pub fn open_periods(
    recurrence: Recurrence,
    first_day: NaiveDate,
    today: NaiveDate,
    max: usize,
) -> Vec<ReportPeriod> {
    let first = ReportPeriod::containing(recurrence, first_day);
    let mut p = ReportPeriod::containing(recurrence, today);
    let mut out = Vec::new();
    while out.len() < max && p.start >= first.start {
        out.push(p);
        let before = p.prev();
        if before == p {
            break;
        }
        p = before;
    }
    out
}

/// Whether a unit may send a report for `period` on `today`.
pub fn check_period_open(
    period: &ReportPeriod,
    first_day: NaiveDate,
    today: NaiveDate,
) -> Result<(), DomainError> {
    let first = ReportPeriod::containing(period.recurrence, first_day);
    if period.start > today {
        return Err(DomainError::refused(
            "periodic_report.period_not_started",
            format!("{} chưa bắt đầu, chưa thể nộp báo cáo.", period.label()),
        ));
    }
    if period.start < first.start {
        return Err(DomainError::refused(
            "periodic_report.period_before_start",
            format!(
                "Báo cáo áp dụng từ {}; không có kỳ {}.",
                first.label(),
                period.label()
            ),
        ));
    }
    Ok(())
}

/// The state a step leads to from the current one (`None`: nothing sent yet), or
/// `periodic_report.invalid_transition` (409).
pub fn transition(
    state: Option<SubmissionState>,
    action: SubmissionAction,
) -> Result<SubmissionState, DomainError> {
    use SubmissionAction as A;
    use SubmissionState as S;
    let next = match (state, action) {
        (None, A::Submit) => Some(S::Submitted),
        (Some(S::Returned), A::Submit) => Some(S::Resubmitted),
        (Some(S::Submitted | S::Resubmitted), A::Accept) => Some(S::Accepted),
        (Some(S::Submitted | S::Resubmitted), A::Return) => Some(S::Returned),
        _ => None,
    };
    next.ok_or_else(|| {
        let now = state.map_or("Chưa nộp", |s| s.label());
        DomainError::refused(
            "periodic_report.invalid_transition",
            format!(
                "Báo cáo đang ở trạng thái “{now}”, không thể “{}”.",
                action.label().to_lowercase()
            ),
        )
    })
}

/// The steps a submission allows now.
pub fn allowed(state: Option<SubmissionState>) -> Vec<SubmissionAction> {
    SubmissionAction::ALL
        .iter()
        .copied()
        .filter(|a| transition(state, *a).is_ok())
        .collect()
}

/// A return says what to correct.
pub fn check_note(action: SubmissionAction, note: &str) -> Result<(), DomainError> {
    if action == SubmissionAction::Return && note.trim().is_empty() {
        Err(DomainError::invalid(
            "note",
            "validation.required",
            "Ghi rõ cần sửa gì trong báo cáo.",
        ))
    } else {
        Ok(())
    }
}

/// A unit's line on the board: judged by the day it first sent the report (a correction after
/// a return does not make an on-time report late), against the deadline and today.
pub fn board_status(
    first_submitted_on: Option<NaiveDate>,
    deadline: NaiveDate,
    today: NaiveDate,
) -> BoardStatus {
    match first_submitted_on {
        Some(d) if d <= deadline => BoardStatus::OnTime,
        Some(_) => BoardStatus::Late,
        None if today > deadline => BoardStatus::Overdue,
        None => BoardStatus::Pending,
    }
}

/// Whether a unit must still act on a period: nothing sent (or sent back for correction) and the
/// deadline within `soon_days` of today, or past.
pub fn needs_action(
    state: Option<SubmissionState>,
    deadline: NaiveDate,
    today: NaiveDate,
    soon_days: u64,
) -> bool {
    let waiting = matches!(state, None | Some(SubmissionState::Returned));
    let soon = today
        .checked_add_days(chrono::Days::new(soon_days))
        .unwrap_or(NaiveDate::MAX);
    waiting && deadline <= soon
}

/// One field of a report's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    /// a-z, 0-9 and `_`, 1–40 characters; a key named like an INS measure
    /// (`cases_inspected`, `fines_imposed`…) is pre-filled when the definition asks for it.
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
}

/// The INS figures a form can be pre-filled with, as fields (the default form of a report with
/// pre-filling and no fields of its own).
pub fn measure_fields() -> Vec<FormField> {
    Measure::ALL
        .iter()
        .map(|m| FormField {
            key: m.as_str().to_string(),
            label: m.label().to_string(),
            kind: FieldKind::Number,
        })
        .collect()
}

/// Checks a definition's form: a form report has 1–40 fields with distinct, well-formed keys
/// and a label; a file report may add fields too.
pub fn check_fields(kind: ReportKind, fields: &[FormField]) -> Result<(), DomainError> {
    let bad = |m: String| DomainError::invalid("fields", "periodic_report.invalid_fields", m);
    if kind == ReportKind::Form && fields.is_empty() {
        return Err(bad(
            "Báo cáo theo biểu mẫu cần ít nhất một ô số liệu.".into()
        ));
    }
    if fields.len() > MAX_FIELDS {
        return Err(bad(format!("Biểu mẫu có tối đa {MAX_FIELDS} ô.")));
    }
    let mut seen = std::collections::BTreeSet::new();
    for f in fields {
        let ok = !f.key.is_empty()
            && f.key.len() <= 40
            && f.key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !ok {
            return Err(bad(format!(
                "Mã ô “{}” chỉ gồm chữ thường không dấu, số và dấu gạch dưới (tối đa 40).",
                f.key
            )));
        }
        if f.label.trim().is_empty() || f.label.chars().count() > 200 {
            return Err(bad(format!("Ô “{}” cần tên (tối đa 200 ký tự).", f.key)));
        }
        if !seen.insert(f.key.as_str()) {
            return Err(bad(format!("Mã ô “{}” bị trùng.", f.key)));
        }
    }
    Ok(())
}

/// A change of a report's form once defined. Before anything was sent, any valid form will do.
/// Once a unit has sent the report, what it sent must stay readable as it was: every field of the
/// old form stays, with its kind (a label may be reworded, fields may be added, and the order may
/// change), or 422 `periodic_report.field_in_use`.
pub fn check_field_change(
    kind: ReportKind,
    old: &[FormField],
    new: &[FormField],
    anything_sent: bool,
) -> Result<(), DomainError> {
    check_fields(kind, new)?;
    if !anything_sent {
        return Ok(());
    }
    for f in old {
        match new.iter().find(|n| n.key == f.key) {
            Some(n) if n.kind == f.kind => {}
            Some(_) => {
                return Err(DomainError::refused(
                    "periodic_report.field_in_use",
                    format!(
                        "Ô “{}” đã có số liệu các đơn vị gửi: không đổi được kiểu ô (có thể đổi tên ô hoặc thêm ô mới).",
                        f.label
                    ),
                ));
            }
            None => {
                return Err(DomainError::refused(
                    "periodic_report.field_in_use",
                    format!(
                        "Ô “{}” đã có số liệu các đơn vị gửi: không bỏ được (có thể đổi tên ô hoặc thêm ô mới).",
                        f.label
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// A value sent for a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Figure {
    Number(i64),
    Text(String),
}

/// Checks the figures sent against the form: every field given, a whole number ≥ 0 for a
/// number field, at most 2,000 characters for a text field, no other key.
pub fn check_figures(
    fields: &[FormField],
    given: &BTreeMap<String, Figure>,
) -> Result<(), DomainError> {
    let bad = |m: String| DomainError::invalid("figures", "periodic_report.invalid_figures", m);
    for key in given.keys() {
        if !fields.iter().any(|f| &f.key == key) {
            return Err(bad(format!("Biểu mẫu không có ô “{key}”.")));
        }
    }
    for f in fields {
        match (f.kind, given.get(&f.key)) {
            (_, None) => return Err(bad(format!("Chưa nhập “{}”.", f.label))),
            (FieldKind::Number, Some(Figure::Number(n))) if *n >= 0 => {}
            (FieldKind::Number, Some(_)) => {
                return Err(bad(format!("“{}” phải là số nguyên không âm.", f.label)));
            }
            (FieldKind::Text, Some(Figure::Text(t))) if t.chars().count() <= MAX_TEXT_FIGURE => {}
            (FieldKind::Text, Some(_)) => {
                return Err(bad(format!(
                    "“{}” là chữ, tối đa {MAX_TEXT_FIGURE} ký tự.",
                    f.label
                )));
            }
        }
    }
    Ok(())
}

/// The deadline offset a definition may set.
pub fn check_deadline_days(days: i64) -> Result<u32, DomainError> {
    u32::try_from(days)
        .ok()
        .filter(|d| *d <= MAX_DEADLINE_DAYS)
        .ok_or_else(|| {
            DomainError::invalid(
                "deadline_days",
                "periodic_report.invalid_deadline",
                format!("Hạn nộp là từ 0 đến {MAX_DEADLINE_DAYS} ngày sau khi hết kỳ."),
            )
        })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
