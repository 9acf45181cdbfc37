//! The law in code: counting time on the working-day calendar, deadlines, fines, the right to
//! explain, competence per title, the statute of limitations, seizure and enforcement periods.
//! Each rule cites its article; everything is a pure function of its inputs (the calendar is
//! passed in, never read from a database here).
//!
//! Abbreviations in comments: LHAV = Luật Xử lý vi phạm hành chính 15/2012/QH13 as amended by
//! Law 67/2020/QH14 and Law 88/2025/QH15; D98 = Decree 98/2020/NĐ-CP as amended by Decree
//! 17/2022/NĐ-CP; BLDS = Civil Code 2015 (Bộ luật Dân sự); BLLĐ = Labour Code 2019.

use serde::{Deserialize, Serialize};

pub mod calendar;
pub mod competence;
pub mod deadlines;
pub mod enforcement;
pub mod fine;
pub mod limitation;
pub mod period;

pub use calendar::{CalendarDay, DayKind, WorkCalendar, statutory_days};

/// Who committed the act. Decree 98/2020 Art. 4: the frames of Chapter II are for individuals;
/// an organisation's frame is twice an individual's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffenderKind {
    Individual,
    Organization,
}

impl OffenderKind {
    /// The multiplier applied to an individual's figure (frames, competence caps): LHAV Art.
    /// 24(2) and D98 Art. 4 — an organisation pays twice what an individual pays for the same act.
    pub fn multiplier(self) -> i64 {
        match self {
            OffenderKind::Individual => 1,
            OffenderKind::Organization => 2,
        }
    }

    /// "cá nhân" / "tổ chức", as the forms write it.
    pub fn label(self) -> &'static str {
        match self {
            OffenderKind::Individual => "cá nhân",
            OffenderKind::Organization => "tổ chức",
        }
    }
}

/// One legal ground of a computed result, shown next to it on the case page and returned by the
/// calculator endpoints: a stable id, the citation and a Vietnamese sentence with the figure or
/// date that was computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Basis {
    /// Stable id such as "lhav.66.1".
    pub rule: &'static str,
    /// "Luật XLVPHC, Điều 66 khoản 1".
    pub citation: &'static str,
    /// The sentence for people, with dates as dd/mm/yyyy and money as "15.000.000 đồng".
    pub text: String,
}

impl Basis {
    pub fn new(rule: &'static str, citation: &'static str, text: impl Into<String>) -> Basis {
        Basis {
            rule,
            citation,
            text: text.into(),
        }
    }
}
