//! The statute of limitations for sanctioning (thời hiệu xử phạt), LHAV Art. 6(1):
//! - (a) 1 year; 2 years in the listed fields, among them production and trading of
//!   prohibited and counterfeit goods, production/import/export/trading of goods, prices,
//!   intellectual property (the violation type's `two_year_field` flag says which applies);
//! - (b) counted from the day a finished act ended, or from the day an ongoing act was
//!   discovered.
//!
//! Counting: LHAV Art. 8 → BLDS. The day of the event is not counted (BLDS Art. 147(1)); a
//! limitation ends at the end of its last day (BLDS Art. 151), the same day and month N years
//! later (Art. 148(4); 29/02 → 28/02). So an act ended on 10/03/2025 with a 1-year limitation
//! may still be sanctioned on 10/03/2026, not on 11/03/2026. A limitation is not moved off a
//! weekend (Art. 148(5) is for periods — "thời hạn" — not limitations): our reading, chưa xác
//! nhận by a court or guidance. An offender who evades the sanction restarts the count (Art.
//! 6(1)(c)); the caller then passes the day the evasion ended as `ended_on`.

use chrono::NaiveDate;

use super::period::add_years;
use crate::DomainError;
use crate::format::format_date;

/// LHAV Art. 6(1)(a): 1 year, or 2 years in the listed fields.
pub fn limitation_years(two_year_field: bool) -> u32 {
    if two_year_field { 2 } else { 1 }
}

/// The last day a sanction may be decided. `ended_on`: the day a finished act ended; `None`
/// for an act still going on when discovered, counted from `discovered_on`.
pub fn limitation_ends_on(
    ended_on: Option<NaiveDate>,
    discovered_on: NaiveDate,
    two_year_field: bool,
) -> NaiveDate {
    let start = ended_on.unwrap_or(discovered_on);
    add_years(start, limitation_years(two_year_field))
}

/// Refuses a sanction decided after the limitation ("law.limitation_expired").
pub fn check_limitation(
    ended_on: Option<NaiveDate>,
    discovered_on: NaiveDate,
    two_year_field: bool,
    decided_on: NaiveDate,
) -> Result<(), DomainError> {
    let last = limitation_ends_on(ended_on, discovered_on, two_year_field);
    if decided_on <= last {
        return Ok(());
    }
    let from = match ended_on {
        Some(d) => format!("ngày chấm dứt hành vi {}", format_date(d)),
        None => format!(
            "ngày phát hiện hành vi đang thực hiện {}",
            format_date(discovered_on)
        ),
    };
    Err(DomainError::refused(
        "law.limitation_expired",
        format!(
            "Đã hết thời hiệu xử phạt ({:02} năm kể từ {from}; hết ngày {}). Không được ra quyết \
             định xử phạt (Luật XLVPHC, Điều 6).",
            limitation_years(two_year_field),
            format_date(last)
        ),
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn one_year_in_general_two_years_in_listed_fields() {
        assert_eq!(limitation_years(false), 1);
        assert_eq!(limitation_years(true), 2);
    }

    #[test]
    fn a_finished_act_counts_from_its_end_and_the_last_day_counts() {
        let ended = Some(d(2025, 3, 10));
        assert!(check_limitation(ended, d(2026, 1, 5), false, d(2026, 3, 10)).is_ok());
        let err = check_limitation(ended, d(2026, 1, 5), false, d(2026, 3, 11)).unwrap_err();
        assert_eq!(err.code(), "law.limitation_expired");
        assert!(err.to_string().contains("10/03/2026"));
    }

    #[test]
    fn counterfeit_goods_have_two_years() {
        let ended = Some(d(2025, 3, 10));
        assert!(check_limitation(ended, d(2026, 1, 5), true, d(2027, 3, 10)).is_ok());
        assert!(check_limitation(ended, d(2026, 1, 5), true, d(2027, 3, 11)).is_err());
    }

    #[test]
    fn an_ongoing_act_counts_from_discovery() {
        assert!(check_limitation(None, d(2026, 10, 15), false, d(2027, 10, 15)).is_ok());
        assert!(check_limitation(None, d(2026, 10, 15), false, d(2027, 10, 16)).is_err());
    }

    #[test]
    fn an_act_ended_on_29_february_expires_on_28_february() {
        assert_eq!(
            limitation_ends_on(Some(d(2028, 2, 29)), d(2028, 3, 1), false),
            d(2029, 2, 28)
        );
    }

    #[test]
    fn a_limitation_ending_on_a_sunday_is_not_extended() {
        // 18/10/2026 + 1 year = Monday 18/10/2027; 17/10/2027 is a Sunday: no shift either way.
        assert_eq!(
            limitation_ends_on(None, d(2026, 10, 17), false),
            d(2027, 10, 17)
        );
    }
}
