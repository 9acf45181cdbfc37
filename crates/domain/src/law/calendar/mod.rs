//! The working-day calendar. The week is Monday–Friday (Decision 188/1999/QĐ-TTg: the 40-hour
//! week of state bodies); the exceptions are kept as data in an editable table: public holidays
//! and official days off (Holiday), and official make-up working days on a Saturday or Sunday
//! (Working). `statutory_days` seeds that table for the years we can state.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::DomainError;

mod statutory;

pub use statutory::{SEEDED_YEARS, statutory_days};

/// An exception to the weekly rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A non-working day: public holiday, Tết, official day off, nghỉ bù.
    Holiday,
    /// An official make-up working day (làm bù) that falls on a Saturday or Sunday.
    Working,
}

impl DayKind {
    pub const ALL: &'static [DayKind] = &[DayKind::Holiday, DayKind::Working];

    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Working => "working",
        }
    }

    /// The Vietnamese name shown on the admin page.
    pub fn label(self) -> &'static str {
        match self {
            DayKind::Holiday => "Ngày nghỉ",
            DayKind::Working => "Ngày làm bù",
        }
    }

    pub fn parse(s: &str) -> Result<DayKind, DomainError> {
        DayKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    "kind",
                    "law.invalid_day_kind",
                    "Loại ngày không hợp lệ (holiday hoặc working).",
                )
            })
    }
}

/// One row of the calendar table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// Vietnamese name, e.g. "Mùng 1 Tết Nguyên đán Bính Ngọ".
    pub name: String,
}

/// The calendar the deadline rules count on: the weekly rule plus the exceptions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    exceptions: HashMap<NaiveDate, DayKind>,
}

impl WorkCalendar {
    /// Builds the calendar from its exceptions. When a date appears twice the last entry wins.
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> WorkCalendar {
        WorkCalendar {
            exceptions: days.into_iter().collect(),
        }
    }

    /// The calendar of the table's rows.
    pub fn from_days<'a>(days: impl IntoIterator<Item = &'a CalendarDay>) -> WorkCalendar {
        WorkCalendar::new(days.into_iter().map(|d| (d.date, d.kind)))
    }

    /// The seeded statutory days of the given years (see `statutory_days`).
    pub fn statutory(years: impl IntoIterator<Item = i32>) -> WorkCalendar {
        let days: Vec<CalendarDay> = years.into_iter().flat_map(statutory_days).collect();
        WorkCalendar::from_days(&days)
    }

    /// The exception recorded for a date, if any.
    pub fn exception(&self, d: NaiveDate) -> Option<DayKind> {
        self.exceptions.get(&d).copied()
    }

    /// Monday–Friday are working days unless declared a holiday; Saturday and Sunday are not,
    /// unless declared a make-up working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.exception(d) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Working) => true,
            None => !is_weekend(d),
        }
    }

    /// The first working day on or after `d`. Terminates: only finitely many days are
    /// exceptions, and every plain weekday after them is a working day.
    pub fn next_working_day(&self, d: NaiveDate) -> NaiveDate {
        let mut day = d;
        while !self.is_working_day(day) {
            match day.succ_opt() {
                Some(next) => day = next,
                None => return day,
            }
        }
        day
    }
}

pub(crate) fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// `d + n` days, saturating at the last representable date instead of panicking.
pub(crate) fn plus_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekdays_work_and_weekends_rest_by_default() {
        let cal = WorkCalendar::default();
        assert!(cal.is_working_day(d(2026, 10, 16))); // Friday
        assert!(!cal.is_working_day(d(2026, 10, 17))); // Saturday
        assert!(!cal.is_working_day(d(2026, 10, 18))); // Sunday
        assert_eq!(cal.next_working_day(d(2026, 10, 17)), d(2026, 10, 19));
        assert_eq!(cal.next_working_day(d(2026, 10, 16)), d(2026, 10, 16));
    }

    #[test]
    fn a_holiday_on_a_weekday_is_not_worked() {
        let cal = WorkCalendar::new([(d(2026, 9, 2), DayKind::Holiday)]);
        assert!(!cal.is_working_day(d(2026, 9, 2)));
        assert_eq!(cal.next_working_day(d(2026, 9, 2)), d(2026, 9, 3));
    }

    #[test]
    fn a_make_up_saturday_is_worked() {
        // 26/04/2025: civil servants worked this Saturday in exchange for Friday 02/05/2025.
        let cal = WorkCalendar::statutory([2025]);
        assert!(cal.is_working_day(d(2025, 4, 26)));
        assert!(!cal.is_working_day(d(2025, 5, 2)));
        assert_eq!(cal.next_working_day(d(2025, 4, 26)), d(2025, 4, 26));
    }

    #[test]
    fn tet_2026_runs_from_saturday_14_to_sunday_22_february() {
        let cal = WorkCalendar::statutory([2026]);
        assert!(cal.is_working_day(d(2026, 2, 13)));
        for day in 14..=22 {
            assert!(!cal.is_working_day(d(2026, 2, day)), "{day}/02/2026");
        }
        assert_eq!(cal.next_working_day(d(2026, 2, 14)), d(2026, 2, 23));
    }

    #[test]
    fn day_kind_round_trips_through_its_code() {
        for k in DayKind::ALL {
            assert_eq!(DayKind::parse(k.as_str()).unwrap(), *k);
        }
        assert_eq!(
            DayKind::parse("weekend").unwrap_err().code(),
            "law.invalid_day_kind"
        );
    }
}
