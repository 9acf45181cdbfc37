//! The deadline calculator of the case page and of `POST /api/v1/law/deadlines`, and the
//! periods the case machine tracks (delivery of the decision, temporary seizure, execution).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Basis;
use super::calendar::WorkCalendar;
use super::period::{add_years, days_after, working_days_after};
use crate::DomainError;
use crate::format::format_date;

/// How the offender exercises the right to explain (LHAV Art. 61).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Explanation {
    /// No right to explain, or not used.
    #[default]
    None,
    /// Asked to explain in person (a hearing).
    Oral,
    /// Explains in writing.
    Written,
}

impl Explanation {
    pub fn as_str(self) -> &'static str {
        match self {
            Explanation::None => "none",
            Explanation::Oral => "oral",
            Explanation::Written => "written",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineInput {
    /// The day the violation record (biên bản vi phạm hành chính) was made.
    pub recorded_on: NaiveDate,
    #[serde(default)]
    pub explanation: Explanation,
    /// The case is complex / facts must be verified.
    #[serde(default)]
    pub verification: bool,
    /// The direct superior approved in writing an extension (LHAV Art. 66(1)).
    #[serde(default)]
    pub extended: bool,
    /// The day the offender received the sanction decision.
    #[serde(default)]
    pub decision_received_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadlines {
    /// Last day to submit the written explanation, or to ask for an oral hearing.
    pub explanation_due: Option<NaiveDate>,
    /// Last day to issue the sanction decision.
    pub decision_due: NaiveDate,
    /// Last day to pay voluntarily, when the decision's receipt date is known.
    pub payment_due: Option<NaiveDate>,
    pub basis: Vec<Basis>,
}

const ART_66: &str = "Luật XLVPHC, Điều 66 khoản 1";

/// Computes the deadlines of a case from its violation record (see the module's rules).
pub fn compute(cal: &WorkCalendar, input: &DeadlineInput) -> Result<Deadlines, DomainError> {
    let recorded = format_date(input.recorded_on);
    let long = input.explanation != Explanation::None || input.verification;
    if input.extended && !long {
        // LHAV Art. 66(1): the extension exists only for cases that already have 30 days
        // (explanation, or especially serious/complex cases needing verification).
        return Err(DomainError::refused(
            "law.extension_not_allowed",
            "Chỉ được gia hạn thời hạn ra quyết định xử phạt đối với vụ việc có giải trình hoặc \
             phải xác minh (thời hạn 30 ngày); vụ việc thời hạn 7 ngày không được gia hạn.",
        ));
    }
    let mut basis = Vec::new();

    // LHAV Art. 61(2): written explanation within 5 working days of the record (Law 67/2020
    // wording; the extension of +5 working days on request is not modelled here).
    // LHAV Art. 61(3): a request for a hearing within 2 working days of the record.
    let explanation_due = match input.explanation {
        Explanation::None => None,
        Explanation::Written => {
            let due = working_days_after(cal, input.recorded_on, 5);
            basis.push(Basis::new(
                "lhav.61.2",
                "Luật XLVPHC, Điều 61 khoản 2",
                format!(
                    "Giải trình bằng văn bản trong 05 ngày làm việc kể từ ngày lập biên bản \
                     ({recorded}): hạn cuối {}.",
                    format_date(due)
                ),
            ));
            Some(due)
        }
        Explanation::Oral => {
            let due = working_days_after(cal, input.recorded_on, 2);
            basis.push(Basis::new(
                "lhav.61.3",
                "Luật XLVPHC, Điều 61 khoản 3",
                format!(
                    "Yêu cầu giải trình trực tiếp trong 02 ngày làm việc kể từ ngày lập biên bản \
                     ({recorded}): hạn cuối {}.",
                    format_date(due)
                ),
            ));
            Some(due)
        }
    };

    // LHAV Art. 66(1): 7 days from the record; 30 days with an explanation or verification;
    // + at most 30 days with the superior's written approval. The extension runs on from the
    // nominal end of the 30 days (day 30), so the whole is counted as 60 days from the record.
    let decision_due = if !long {
        let due = days_after(cal, input.recorded_on, 7);
        basis.push(Basis::new(
            "lhav.66.1",
            ART_66,
            format!(
                "Ra quyết định xử phạt trong 07 ngày kể từ ngày lập biên bản ({recorded}): hạn \
                 cuối {}.",
                format_date(due)
            ),
        ));
        due
    } else if !input.extended {
        let due = days_after(cal, input.recorded_on, 30);
        basis.push(Basis::new(
            "lhav.66.1",
            ART_66,
            format!(
                "Vụ việc có giải trình hoặc phải xác minh: ra quyết định xử phạt trong 30 ngày kể \
                 từ ngày lập biên bản ({recorded}): hạn cuối {}.",
                format_date(due)
            ),
        ));
        due
    } else {
        let due = days_after(cal, input.recorded_on, 60);
        basis.push(Basis::new(
            "lhav.66.1.extension",
            ART_66,
            format!(
                "Đã được thủ trưởng trực tiếp đồng ý gia hạn bằng văn bản (không quá 30 ngày): \
                 hạn cuối ra quyết định xử phạt {}.",
                format_date(due)
            ),
        ));
        due
    };

    // LHAV Art. 73: execute within 10 days of receiving the decision (a longer period written
    // in the decision prevails; the caller then uses it instead).
    let payment_due = input.decision_received_on.map(|received| {
        let due = days_after(cal, received, 10);
        basis.push(Basis::new(
            "lhav.73",
            "Luật XLVPHC, Điều 73",
            format!(
                "Chấp hành quyết định xử phạt trong 10 ngày kể từ ngày nhận quyết định ({}): hạn \
                 cuối {}.",
                format_date(received),
                format_date(due)
            ),
        ));
        due
    });

    Ok(Deadlines {
        explanation_due,
        decision_due,
        payment_due,
        basis,
    })
}

/// LHAV Art. 70: the decision is sent to the offender within 2 working days of issuing it.
pub fn decision_delivery_due(cal: &WorkCalendar, issued_on: NaiveDate) -> NaiveDate {
    working_days_after(cal, issued_on, 2)
}

/// LHAV Art. 125(8) as amended 2020: exhibits are held at most 7 working days from the actual
/// seizure. The extensions (for verification, explanation cases) are UNCONFIRMED in length and
/// not modelled: an extension is a separate written decision the case machine records.
pub fn seizure_due(cal: &WorkCalendar, seized_on: NaiveDate) -> NaiveDate {
    working_days_after(cal, seized_on, 7)
}

/// LHAV Art. 74(1): a sanction decision is no longer executed after 1 year from its issue
/// (unless the offender evaded it). Returns the last day it can be executed. A limitation
/// (thời hiệu, BLDS Art. 151) ends at the end of its last day and is not moved off a weekend.
pub fn execution_expires_on(issued_on: NaiveDate) -> NaiveDate {
    add_years(issued_on, 1)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn input(recorded_on: NaiveDate) -> DeadlineInput {
        DeadlineInput {
            recorded_on,
            explanation: Explanation::None,
            verification: false,
            extended: false,
            decision_received_on: None,
        }
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::statutory([2025, 2026, 2027])
    }

    #[test]
    fn decision_due_is_7_days_after_record() {
        let out = compute(&cal(), &input(d(2026, 10, 15))).unwrap();
        assert_eq!(out.decision_due, d(2026, 10, 22));
        assert_eq!(out.explanation_due, None);
        assert_eq!(out.payment_due, None);
        assert_eq!(out.basis[0].rule, "lhav.66.1");
        assert!(out.basis[0].text.contains("22/10/2026"));
    }

    #[test]
    fn decision_due_on_a_sunday_moves_to_monday() {
        // Sunday 11/10/2026 + 7 = Sunday 18/10/2026 → Monday 19/10/2026.
        let out = compute(&cal(), &input(d(2026, 10, 11))).unwrap();
        assert_eq!(out.decision_due, d(2026, 10, 19));
    }

    #[test]
    fn written_explanation_due_5_working_days_and_decision_30_days() {
        let mut i = input(d(2026, 10, 15));
        i.explanation = Explanation::Written;
        let out = compute(&cal(), &i).unwrap();
        assert_eq!(out.explanation_due, Some(d(2026, 10, 22)));
        // 15/10 + 30 = Saturday 14/11/2026 → Monday 16/11/2026.
        assert_eq!(out.decision_due, d(2026, 11, 16));
    }

    #[test]
    fn oral_explanation_must_be_asked_within_2_working_days() {
        let mut i = input(d(2026, 10, 15));
        i.explanation = Explanation::Oral;
        let out = compute(&cal(), &i).unwrap();
        // Thursday 15/10 → Friday 16, Monday 19.
        assert_eq!(out.explanation_due, Some(d(2026, 10, 19)));
        assert_eq!(out.basis[0].rule, "lhav.61.3");
    }

    #[test]
    fn verification_alone_gives_30_days() {
        let mut i = input(d(2026, 1, 20));
        i.verification = true;
        let out = compute(&cal(), &i).unwrap();
        // 20/01/2026 + 30 = Thursday 19/02/2026, Tết → Monday 23/02/2026.
        assert_eq!(out.decision_due, d(2026, 2, 23));
    }

    #[test]
    fn extension_adds_at_most_30_days() {
        let mut i = input(d(2026, 10, 15));
        i.verification = true;
        i.extended = true;
        let out = compute(&cal(), &i).unwrap();
        // 15/10/2026 + 60 = Monday 14/12/2026.
        assert_eq!(out.decision_due, d(2026, 12, 14));
        assert!(out.basis.iter().any(|b| b.rule == "lhav.66.1.extension"));
    }

    #[test]
    fn extension_of_a_7_day_case_is_refused() {
        let mut i = input(d(2026, 10, 15));
        i.extended = true;
        let err = compute(&cal(), &i).unwrap_err();
        assert_eq!(err.code(), "law.extension_not_allowed");
    }

    #[test]
    fn payment_due_10_days_after_receipt() {
        let mut i = input(d(2026, 10, 15));
        i.decision_received_on = Some(d(2026, 10, 23));
        let out = compute(&cal(), &i).unwrap();
        // 23/10 + 10 = Monday 02/11/2026.
        assert_eq!(out.payment_due, Some(d(2026, 11, 2)));
        assert!(out.basis.iter().any(|b| b.rule == "lhav.73"));
    }

    #[test]
    fn decision_is_delivered_within_2_working_days() {
        // Friday 28/08/2026: 31/08–02/09 off → Thursday 03/09, Friday 04/09/2026.
        assert_eq!(decision_delivery_due(&cal(), d(2026, 8, 28)), d(2026, 9, 4));
    }

    #[test]
    fn seizure_lasts_7_working_days() {
        // Thursday 15/10/2026 → Monday 26/10/2026.
        assert_eq!(seizure_due(&cal(), d(2026, 10, 15)), d(2026, 10, 26));
        // Seized Thursday 12/02/2026: Fri 13, then Tết to 22/02, Mon 23 … Thu 26, Fri 27, Mon 02/03.
        assert_eq!(seizure_due(&cal(), d(2026, 2, 12)), d(2026, 3, 2));
    }

    #[test]
    fn execution_limitation_is_one_year_from_issue() {
        assert_eq!(execution_expires_on(d(2026, 10, 15)), d(2027, 10, 15));
        assert_eq!(execution_expires_on(d(2028, 2, 29)), d(2029, 2, 28));
    }
}
