//! Counting time. LHAV Art. 8 sends us to the Civil Code 2015 (BLDS):
//! - Art. 147(1): a period fixed in days, weeks, months or years does not count its first day;
//!   it starts the day after the event ("kể từ ngày D" → the first day is D + 1).
//! - Art. 148(1), (3), (4): a period in days ends at the end of its last day; one in months ends
//!   on the same day-of-month of the last month, or on that month's last day when it has no such
//!   day; one in years on the same day and month of the last year.
//! - Art. 148(5): when the last day is a weekend day or a holiday, the period ends at the end of
//!   the next working day.
//!
//! "N ngày làm việc" (working days) counts only working days of the calendar, starting the day
//! after the event; LHAV uses it where it says so (Art. 61, 70, 125).

use chrono::{Months, NaiveDate};

use super::calendar::{WorkCalendar, plus_days};

/// The last day of a period of `n` calendar days from `from` (BLDS Art. 147(1), 148(1), 148(5)).
pub fn days_after(cal: &WorkCalendar, from: NaiveDate, n: u32) -> NaiveDate {
    cal.next_working_day(plus_days(from, u64::from(n)))
}

/// The last day of a period of `n` working days from `from`: the n-th working day after `from`.
/// With `n = 0` it is the first working day on or after `from`.
pub fn working_days_after(cal: &WorkCalendar, from: NaiveDate, n: u32) -> NaiveDate {
    if n == 0 {
        return cal.next_working_day(from);
    }
    let mut day = from;
    let mut counted = 0;
    while counted < n {
        let next = plus_days(day, 1);
        if next == day {
            return day; // end of representable time
        }
        day = next;
        if cal.is_working_day(day) {
            counted += 1;
        }
    }
    day
}

/// The last day of a period of `n` months from `from` (BLDS Art. 148(3), then 148(5)):
/// 31/01 + 1 month → 28/02 (29/02 in a leap year), then the next working day if needed.
pub fn months_after(cal: &WorkCalendar, from: NaiveDate, n: u32) -> NaiveDate {
    cal.next_working_day(add_months(from, n))
}

/// The same day-of-month `n` months later, or the last day of that month (BLDS Art. 148(3)),
/// without the working-day rule. Saturates at the last representable date.
pub fn add_months(from: NaiveDate, n: u32) -> NaiveDate {
    from.checked_add_months(Months::new(n))
        .unwrap_or(NaiveDate::MAX)
}

/// The same day and month `n` years later (BLDS Art. 148(4)); 29/02 becomes 28/02 in a common
/// year. Without the working-day rule.
pub fn add_years(from: NaiveDate, n: u32) -> NaiveDate {
    add_months(from, n.saturating_mul(12))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::law::calendar::DayKind;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn plain() -> WorkCalendar {
        WorkCalendar::default()
    }

    #[test]
    fn a_period_in_days_starts_the_day_after_the_event() {
        // Record on Thursday 15/10/2026: 7 days → Thursday 22/10/2026.
        assert_eq!(days_after(&plain(), d(2026, 10, 15), 7), d(2026, 10, 22));
    }

    #[test]
    fn a_period_ending_on_a_weekend_ends_on_monday() {
        // Monday 12/10/2026 + 5 days = Saturday 17/10 → Monday 19/10.
        assert_eq!(days_after(&plain(), d(2026, 10, 12), 5), d(2026, 10, 19));
    }

    #[test]
    fn a_period_ending_in_tet_ends_after_tet() {
        // 10/02/2026 + 7 days = Tuesday 17/02/2026, Mùng 1 Tết → Monday 23/02/2026.
        let cal = WorkCalendar::statutory([2026]);
        assert_eq!(days_after(&cal, d(2026, 2, 10), 7), d(2026, 2, 23));
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let cal = WorkCalendar::statutory([2026]);
        // Friday 28/08/2026 + 2 working days: 31/08–02/09 off → Thu 03/09, Fri 04/09.
        assert_eq!(working_days_after(&cal, d(2026, 8, 28), 2), d(2026, 9, 4));
        // Thursday 20/08/2026 + 2: Fri 21/08, Sat 22/08 (làm bù).
        assert_eq!(working_days_after(&cal, d(2026, 8, 20), 2), d(2026, 8, 22));
        // Thursday 15/10/2026 + 5 working days → Thursday 22/10/2026.
        assert_eq!(
            working_days_after(&cal, d(2026, 10, 15), 5),
            d(2026, 10, 22)
        );
    }

    #[test]
    fn a_make_up_saturday_counts_as_a_working_day() {
        let cal = WorkCalendar::statutory([2025]);
        // Thursday 24/04/2025 + 2 working days: Fri 25/04, Sat 26/04 (làm bù).
        assert_eq!(working_days_after(&cal, d(2025, 4, 24), 2), d(2025, 4, 26));
        assert_eq!(working_days_after(&cal, d(2025, 4, 24), 3), d(2025, 4, 28));
        // Tuesday 29/04/2025 + 1: 30/04–04/05 are off → Monday 05/05/2025.
        assert_eq!(working_days_after(&cal, d(2025, 4, 29), 1), d(2025, 5, 5));
    }

    #[test]
    fn one_month_from_31_january_ends_on_the_last_day_of_february() {
        // 28/02/2026 is a Saturday → Monday 02/03/2026.
        assert_eq!(add_months(d(2026, 1, 31), 1), d(2026, 2, 28));
        assert_eq!(months_after(&plain(), d(2026, 1, 31), 1), d(2026, 3, 2));
        // Leap year: 31/01/2028 + 1 month = Tuesday 29/02/2028.
        assert_eq!(months_after(&plain(), d(2028, 1, 31), 1), d(2028, 2, 29));
        // Same day-of-month otherwise: 15/10/2026 + 6 months = Thursday 15/04/2027.
        assert_eq!(months_after(&plain(), d(2026, 10, 15), 6), d(2027, 4, 15));
    }

    #[test]
    fn one_year_from_29_february_ends_on_28_february() {
        assert_eq!(add_years(d(2028, 2, 29), 1), d(2029, 2, 28));
        assert_eq!(add_years(d(2026, 3, 10), 2), d(2028, 3, 10));
    }

    #[test]
    fn zero_working_days_is_the_next_working_day() {
        assert_eq!(
            working_days_after(&plain(), d(2026, 10, 17), 0),
            d(2026, 10, 19)
        );
    }

    fn calendar() -> impl Strategy<Value = WorkCalendar> {
        proptest::collection::vec((0u32..120, any::<bool>()), 0..40).prop_map(|rows| {
            let base = d(2026, 1, 1);
            WorkCalendar::new(rows.into_iter().map(|(off, holiday)| {
                let kind = if holiday {
                    DayKind::Holiday
                } else {
                    DayKind::Working
                };
                (plus_days(base, u64::from(off)), kind)
            }))
        })
    }

    proptest! {
        #[test]
        fn a_deadline_never_ends_on_a_non_working_day(
            cal in calendar(), start in 0u64..120, n in 0u32..70
        ) {
            let from = plus_days(d(2026, 1, 1), start);
            prop_assert!(cal.is_working_day(days_after(&cal, from, n)));
            prop_assert!(cal.is_working_day(working_days_after(&cal, from, n)));
            prop_assert!(cal.is_working_day(months_after(&cal, from, n % 13)));
        }

        #[test]
        fn working_days_after_counts_exactly_n_working_days(
            cal in calendar(), start in 0u64..120, n in 1u32..40
        ) {
            let from = plus_days(d(2026, 1, 1), start);
            let end = working_days_after(&cal, from, n);
            prop_assert!(end > from);
            let counted = from
                .iter_days()
                .skip(1)
                .take_while(|x| *x <= end)
                .filter(|x| cal.is_working_day(*x))
                .count();
            prop_assert_eq!(counted, n as usize);
        }

        #[test]
        fn deadlines_are_monotonic_in_n(
            cal in calendar(), start in 0u64..120, n in 0u32..60
        ) {
            let from = plus_days(d(2026, 1, 1), start);
            prop_assert!(days_after(&cal, from, n) <= days_after(&cal, from, n + 1));
            prop_assert!(working_days_after(&cal, from, n) <= working_days_after(&cal, from, n + 1));
            prop_assert!(months_after(&cal, from, n % 24) <= months_after(&cal, from, n % 24 + 1));
            prop_assert!(days_after(&cal, from, n) >= plus_days(from, u64::from(n)));
        }
    }
}
