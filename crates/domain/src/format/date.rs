//! Dates as officers and the law see them. Storage keeps instants in UTC; a legal day is the
//! calendar day in Vietnam (Asia/Ho_Chi_Minh, UTC+07:00 without daylight saving since 1975), so an
//! act at 23:30 local time on 04/03 belongs to 04/03 even though it is 16:30 UTC on the same day, and
//! an act at 06:30 local time on 05/03 is 23:30 UTC on 04/03 but counts for 05/03.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};

/// Vietnam's offset from UTC. A fixed offset is exact for every date this product handles
/// (the zone has kept +07:00 since 13/06/1975).
pub const fn vietnam_offset() -> FixedOffset {
    VIETNAM
}

const VIETNAM: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(offset) => offset,
    None => panic!("+07:00 is a valid offset"),
};

/// The instant as local Vietnamese time.
pub fn to_local(instant: DateTime<Utc>) -> DateTime<FixedOffset> {
    instant.with_timezone(&vietnam_offset())
}

/// The legal (calendar) day of an instant in Vietnam.
pub fn legal_day(instant: DateTime<Utc>) -> NaiveDate {
    to_local(instant).date_naive()
}

/// "05/03/2026" — the dd/mm/yyyy form used in tables and lists.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// "05/03/2026 14:07" in Vietnamese local time.
pub fn format_instant(instant: DateTime<Utc>) -> String {
    to_local(instant).format("%d/%m/%Y %H:%M").to_string()
}

/// "ngày 05 tháng 3 năm 2026" — the place-and-date line of a document. Days below 10 and the months
/// 1 and 2 take a leading zero ("ngày 05 tháng 01"), the clerical convention of Decree 30/2020's
/// appendix on document layout. UNCONFIRMED against the decree's text in this repository's research:
/// see docs/legal.md.
pub fn format_legal_date(date: NaiveDate) -> String {
    let month = date.month();
    let month_text = if month < 3 {
        format!("{month:02}")
    } else {
        month.to_string()
    };
    format!(
        "ngày {:02} tháng {} năm {}",
        date.day(),
        month_text,
        date.year()
    )
}

/// Parses "dd/mm/yyyy" as typed on a form (also accepts the ISO form "yyyy-mm-dd" of the API).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap_or_default()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn the_legal_day_turns_at_midnight_in_vietnam_not_utc() {
        // 16:59 UTC = 23:59 in Hanoi: still the 4th.
        assert_eq!(legal_day(utc(2026, 3, 4, 16, 59)), date(2026, 3, 4));
        // 17:00 UTC = 00:00 on the 5th in Hanoi.
        assert_eq!(legal_day(utc(2026, 3, 4, 17, 0)), date(2026, 3, 5));
        // New year's eve: 31/12 17:30 UTC is already 01/01 next year.
        assert_eq!(legal_day(utc(2025, 12, 31, 17, 30)), date(2026, 1, 1));
    }

    #[test]
    fn dates_print_day_first() {
        assert_eq!(format_date(date(2026, 3, 5)), "05/03/2026");
        assert_eq!(format_date(date(2026, 12, 31)), "31/12/2026");
        assert_eq!(format_instant(utc(2026, 3, 4, 17, 7)), "05/03/2026 00:07");
    }

    #[test]
    fn the_date_line_of_a_document_pads_day_and_first_two_months() {
        assert_eq!(
            format_legal_date(date(2026, 3, 5)),
            "ngày 05 tháng 3 năm 2026"
        );
        assert_eq!(
            format_legal_date(date(2026, 1, 15)),
            "ngày 15 tháng 01 năm 2026"
        );
        assert_eq!(
            format_legal_date(date(2026, 2, 9)),
            "ngày 09 tháng 02 năm 2026"
        );
        assert_eq!(
            format_legal_date(date(2026, 11, 23)),
            "ngày 23 tháng 11 năm 2026"
        );
    }

    #[test]
    fn typed_dates_parse_in_both_forms() {
        assert_eq!(parse_date("05/03/2026"), Some(date(2026, 3, 5)));
        assert_eq!(parse_date(" 2026-03-05 "), Some(date(2026, 3, 5)));
        assert_eq!(parse_date("31/02/2026"), None);
        assert_eq!(parse_date("tomorrow"), None);
    }
}
