//! The seed of the calendar table: public holidays of Labour Code 2019 (BLLĐ) Art. 112(1) —
//! Tết Dương lịch 1/1; Tết Âm lịch 5 days; Giỗ Tổ Hùng Vương 10/3 lunar; 30/4; 1/5; Quốc khánh
//! 2/9 and one adjacent day (1/9 or 3/9) — plus the days off and make-up days the government
//! announced, where found. Admins correct the table; these rows only seed it.
//!
//! Lunar dates (Vietnamese calendar, UTC+07:00), computed with Hồ Ngọc Đức's published
//! algorithm and matching python-holidays' Vietnam data:
//! - Ất Tỵ: Mùng 1 = 29/01/2025, 10/3 = 07/04/2025; the month Chạp before it has 29 days.
//! - Bính Ngọ: Mùng 1 = 17/02/2026, 10/3 = 26/04/2026; Chạp has 29 days.
//! - Đinh Mùi: Mùng 1 = 06/02/2027, 10/3 = 16/04/2027; Chạp has 29 days.
//!
//! Announced schedules, as quoted in legal Q&A texts and provincial notices (secondary sources,
//! not the Official Gazette):
//! - Tết 2025: the 5 days are 2 before and 3 after Mùng 1 — Mon 27/01 – Fri 31/01/2025 — so
//!   civil servants were off Sat 25/01 – Sun 02/02/2025 with no make-up day.
//! - 30/4–1/5/2025: Fri 02/05 swapped with Sat 26/04/2025, off Wed 30/04 – Sun 04/05/2025.
//! - Quốc khánh 2025: 01/09 and 02/09, off Sat 30/08 – Tue 02/09/2025.
//! - Tết Dương lịch 2026: 01/01/2026 only.
//! - Tết 2026 (Thông báo 9441/TB-BNV of 16/10/2025, following Công văn 9859/VPCP-KGVX):
//!   Mon 16/02 (29 Chạp) – Fri 20/02/2026 (mùng 4), i.e. off Sat 14/02 – Sun 22/02/2026.
//! - Quốc khánh 2026 (same notice, as applied by Lai Châu's Công văn 6620/UBND-VX): 01/09 and
//!   02/09/2026, Mon 31/08 off in exchange for working Sat 22/08/2026.
//! - 2027: no announcement found (chưa xác nhận). Tết = the day before Mùng 1 and four days
//!   after; 2/9 with 3/9 as the adjacent day; and BLLĐ Art. 111(3): a holiday falling on the
//!   weekly rest day (Sat/Sun for state bodies) gives a day off on the next working day (nghỉ bù).
//!
//! Years outside `SEEDED_YEARS` return nothing: their lunar dates and announcements are not
//! stated here.

use chrono::NaiveDate;

use super::{CalendarDay, DayKind, is_weekend, plus_days};

/// The years `statutory_days` can state.
pub const SEEDED_YEARS: &[i32] = &[2025, 2026, 2027];

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// (month, day, kind, name) rows of one year.
type Row = (u32, u32, DayKind, &'static str);

use DayKind::{Holiday as H, Working as W};

const Y2025: &[Row] = &[
    (1, 1, H, "Tết Dương lịch"),
    (1, 27, H, "Nghỉ Tết Nguyên đán (28 tháng Chạp Giáp Thìn)"),
    (1, 28, H, "Tết Nguyên đán (29 tháng Chạp, giao thừa)"),
    (1, 29, H, "Mùng 1 Tết Nguyên đán Ất Tỵ"),
    (1, 30, H, "Mùng 2 Tết Nguyên đán Ất Tỵ"),
    (1, 31, H, "Mùng 3 Tết Nguyên đán Ất Tỵ"),
    (4, 7, H, "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
    (4, 26, W, "Làm bù cho ngày nghỉ 02/5/2025"),
    (4, 30, H, "Ngày Chiến thắng (30/4)"),
    (5, 1, H, "Ngày Quốc tế Lao động (1/5)"),
    (5, 2, H, "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)"),
    (9, 1, H, "Nghỉ Quốc khánh (ngày liền kề)"),
    (9, 2, H, "Quốc khánh (2/9)"),
];

const Y2026: &[Row] = &[
    (1, 1, H, "Tết Dương lịch"),
    (2, 16, H, "Tết Nguyên đán (29 tháng Chạp, giao thừa)"),
    (2, 17, H, "Mùng 1 Tết Nguyên đán Bính Ngọ"),
    (2, 18, H, "Mùng 2 Tết Nguyên đán Bính Ngọ"),
    (2, 19, H, "Mùng 3 Tết Nguyên đán Bính Ngọ"),
    (2, 20, H, "Mùng 4 Tết Nguyên đán Bính Ngọ"),
    (4, 26, H, "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
    (4, 27, H, "Nghỉ bù Giỗ Tổ Hùng Vương (trùng Chủ nhật)"),
    (4, 30, H, "Ngày Chiến thắng (30/4)"),
    (5, 1, H, "Ngày Quốc tế Lao động (1/5)"),
    (8, 22, W, "Làm bù cho ngày nghỉ 31/8/2026"),
    (8, 31, H, "Nghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)"),
    (9, 1, H, "Nghỉ Quốc khánh (ngày liền kề)"),
    (9, 2, H, "Quốc khánh (2/9)"),
];

/// Statutory days of 2027 before the weekend rule (no announcement found: chưa xác nhận).
const Y2027: &[Row] = &[
    (1, 1, H, "Tết Dương lịch"),
    (2, 5, H, "Tết Nguyên đán (29 tháng Chạp, giao thừa)"),
    (2, 6, H, "Mùng 1 Tết Nguyên đán Đinh Mùi"),
    (2, 7, H, "Mùng 2 Tết Nguyên đán Đinh Mùi"),
    (2, 8, H, "Mùng 3 Tết Nguyên đán Đinh Mùi"),
    (2, 9, H, "Mùng 4 Tết Nguyên đán Đinh Mùi"),
    (4, 16, H, "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
    (4, 30, H, "Ngày Chiến thắng (30/4)"),
    (5, 1, H, "Ngày Quốc tế Lao động (1/5)"),
    (9, 2, H, "Quốc khánh (2/9)"),
    (9, 3, H, "Nghỉ Quốc khánh (ngày liền kề)"),
];

/// The public holidays, announced days off and make-up days of `year`, sorted by date; empty
/// for a year this module cannot state (see the module comment for sources and what is
/// unconfirmed).
pub fn statutory_days(year: i32) -> Vec<CalendarDay> {
    let (rows, add_nghi_bu) = match year {
        2025 => (Y2025, false),
        2026 => (Y2026, false),
        2027 => (Y2027, true),
        _ => return Vec::new(),
    };
    let mut days: Vec<CalendarDay> = rows
        .iter()
        .filter_map(|(m, d, kind, name)| {
            date(year, *m, *d).map(|date| CalendarDay {
                date,
                kind: *kind,
                name: (*name).to_string(),
            })
        })
        .collect();
    if add_nghi_bu {
        add_compensatory_days(&mut days);
    }
    days.sort_by_key(|d| d.date);
    days
}

/// BLLĐ 2019 Art. 111(3): when a public holiday falls on the weekly rest day, the worker takes
/// the next working day off instead. Applied in date order, so two weekend holidays in a row
/// give two consecutive days off after them.
fn add_compensatory_days(days: &mut Vec<CalendarDay>) {
    days.sort_by_key(|d| d.date);
    let weekend_holidays: Vec<NaiveDate> = days
        .iter()
        .filter(|d| d.kind == DayKind::Holiday && is_weekend(d.date))
        .map(|d| d.date)
        .collect();
    for holiday in weekend_holidays {
        let mut day = plus_days(holiday, 1);
        while is_weekend(day) || days.iter().any(|d| d.date == day) {
            day = plus_days(day, 1);
        }
        days.push(CalendarDay {
            date: day,
            kind: DayKind::Holiday,
            name: format!(
                "Nghỉ bù ngày lễ {} (trùng ngày nghỉ hằng tuần)",
                crate::format::format_date(holiday)
            ),
        });
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::law::WorkCalendar;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn has(days: &[CalendarDay], date: NaiveDate, kind: DayKind) -> bool {
        days.iter().any(|x| x.date == date && x.kind == kind)
    }

    #[test]
    fn labour_code_art_112_fixed_holidays_are_seeded_every_seeded_year() {
        for &y in SEEDED_YEARS {
            let days = statutory_days(y);
            for (m, day) in [(1, 1), (4, 30), (5, 1), (9, 2)] {
                assert!(has(&days, d(y, m, day), DayKind::Holiday), "{day}/{m}/{y}");
            }
            // One day adjacent to 2/9.
            assert!(
                has(&days, d(y, 9, 1), DayKind::Holiday)
                    || has(&days, d(y, 9, 3), DayKind::Holiday)
            );
            assert!(
                days.windows(2).all(|w| w[0].date < w[1].date),
                "sorted, unique"
            );
            assert!(days.iter().all(|x| !x.name.is_empty()));
        }
    }

    #[test]
    fn tet_mung_1_and_gio_to_follow_the_lunar_calendar() {
        assert!(has(&statutory_days(2025), d(2025, 1, 29), DayKind::Holiday));
        assert!(has(&statutory_days(2025), d(2025, 4, 7), DayKind::Holiday));
        assert!(has(&statutory_days(2026), d(2026, 2, 17), DayKind::Holiday));
        assert!(has(&statutory_days(2026), d(2026, 4, 26), DayKind::Holiday));
        assert!(has(&statutory_days(2027), d(2027, 2, 6), DayKind::Holiday));
        assert!(has(&statutory_days(2027), d(2027, 4, 16), DayKind::Holiday));
    }

    #[test]
    fn tet_gives_five_weekdays_off() {
        for (y, from, to) in [
            (2025, d(2025, 1, 20), d(2025, 2, 10)),
            (2026, d(2026, 2, 9), d(2026, 3, 1)),
            (2027, d(2027, 1, 30), d(2027, 2, 20)),
        ] {
            let cal = WorkCalendar::statutory([y]);
            let off = from
                .iter_days()
                .take_while(|x| *x <= to)
                .filter(|x| !is_weekend(*x) && !cal.is_working_day(*x))
                .count();
            // 2027: 3 weekdays of Tết + 2 nghỉ bù for Mùng 1 and Mùng 2 on the weekend.
            assert_eq!(off, 5, "{y}");
        }
    }

    #[test]
    fn gio_to_2026_on_a_sunday_gives_monday_off() {
        let cal = WorkCalendar::statutory([2026]);
        assert!(!cal.is_working_day(d(2026, 4, 27)));
        assert!(cal.is_working_day(d(2026, 4, 28)));
    }

    #[test]
    fn weekend_holidays_of_2027_give_the_next_working_days_off() {
        let days = statutory_days(2027);
        // Mùng 1 (Sat 06/02) and Mùng 2 (Sun 07/02) → Wed 10/02 and Thu 11/02, after Tết.
        assert!(has(&days, d(2027, 2, 10), DayKind::Holiday));
        assert!(has(&days, d(2027, 2, 11), DayKind::Holiday));
        // 1/5/2027 is a Saturday → Monday 03/05.
        assert!(has(&days, d(2027, 5, 3), DayKind::Holiday));
        assert!(!has(&days, d(2027, 2, 12), DayKind::Holiday));
    }

    #[test]
    fn national_day_2026_swaps_monday_31_august_with_saturday_22_august() {
        let cal = WorkCalendar::statutory([2026]);
        assert!(cal.is_working_day(d(2026, 8, 22)));
        for day in [d(2026, 8, 31), d(2026, 9, 1), d(2026, 9, 2)] {
            assert!(!cal.is_working_day(day));
        }
        assert!(cal.is_working_day(d(2026, 9, 3)));
    }

    #[test]
    fn years_not_stated_return_nothing() {
        assert!(statutory_days(2024).is_empty());
        assert!(statutory_days(2028).is_empty());
    }
}
