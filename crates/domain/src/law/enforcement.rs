//! After the decision: the late-payment charge and payment in instalments.

use chrono::NaiveDate;

use super::OffenderKind;
use super::period::add_months;
use crate::DomainError;
use crate::format::{Vnd, format_date};

/// LHAV Art. 78(1); Circular 18/2023/TT-BTC Art. 5: 0.05 % of the unpaid fine per day late.
/// Expressed in basis points per day (0.05 % = 5 / 10,000).
pub const LATE_CHARGE_BP_PER_DAY: i64 = 5;

/// LHAV Art. 79 (as amended by Law 67/2020): fines from which instalments may be granted.
pub const INSTALMENT_MIN_INDIVIDUAL: i64 = 15_000_000;
pub const INSTALMENT_MIN_ORGANIZATION: i64 = 150_000_000;
/// At most 3 instalments, within 6 months of the decision taking effect, the first ≥ 40 %.
pub const INSTALMENT_MAX_COUNT: usize = 3;
pub const INSTALMENT_MAX_MONTHS: u32 = 6;
pub const INSTALMENT_FIRST_MIN_PERCENT: i64 = 40;

/// The number of days charged: calendar days (holidays included) from the day after `due` to
/// the day before `paid_on` (Circular 18/2023/TT-BTC as summarised in legal-notes §2).
pub fn late_days(due: NaiveDate, paid_on: NaiveDate) -> i64 {
    ((paid_on - due).num_days() - 1).max(0)
}

/// The late-payment charge in whole đồng: `unpaid × 0.05 % × days`. Rounding: down to the
/// đồng (the law sets no rounding rule that we found; cash has no smaller unit and rounding
/// down never charges more than the law's figure). Negative `unpaid` counts as nothing owed.
pub fn late_charge(unpaid: i64, due: NaiveDate, paid_on: NaiveDate) -> i64 {
    let unpaid = i128::from(unpaid.max(0));
    let days = i128::from(late_days(due, paid_on));
    let charge = unpaid * i128::from(LATE_CHARGE_BP_PER_DAY) * days / 10_000;
    i64::try_from(charge).unwrap_or(i64::MAX)
}

fn refused(code: &'static str, message: String) -> DomainError {
    DomainError::refused(code, message)
}

/// Checks an instalment plan `[(due date, amount)]` against LHAV Art. 79 (as amended 2020):
/// the fine is ≥ 15,000,000 (individual) / ≥ 150,000,000 (organisation); 2 or 3 instalments
/// (one payment is not "nộp nhiều lần"); every date on or after the day the decision takes
/// effect, in order, and no later than 6 months after it (same day-of-month, BLDS Art. 148(3));
/// the first ≥ 40 % of the fine; amounts positive and adding up to the fine. The certified
/// economic hardship (Art. 79(1)(b)) is a document the caller checks.
pub fn check_instalments(
    offender: OffenderKind,
    fine_total: i64,
    plan: &[(NaiveDate, i64)],
    decision_effective_on: NaiveDate,
) -> Result<(), DomainError> {
    let threshold = match offender {
        OffenderKind::Individual => INSTALMENT_MIN_INDIVIDUAL,
        OffenderKind::Organization => INSTALMENT_MIN_ORGANIZATION,
    };
    if fine_total < threshold {
        return Err(refused(
            "law.instalments_not_allowed",
            format!(
                "Chỉ được nộp tiền phạt nhiều lần khi mức phạt từ {} trở lên đối với {}.",
                Vnd(threshold),
                offender.label()
            ),
        ));
    }
    if plan.len() < 2 || plan.len() > INSTALMENT_MAX_COUNT {
        return Err(refused(
            "law.instalments_count",
            "Nộp tiền phạt nhiều lần: từ 02 đến tối đa 03 lần.".to_string(),
        ));
    }
    if plan.iter().any(|(_, amount)| *amount <= 0) {
        return Err(refused(
            "law.instalments_amount",
            "Số tiền của mỗi lần nộp phải lớn hơn 0.".to_string(),
        ));
    }
    let in_order = plan.windows(2).all(|w| w[0].0 < w[1].0);
    if !in_order || plan[0].0 < decision_effective_on {
        return Err(refused(
            "law.instalments_dates",
            "Các lần nộp phải theo thứ tự ngày, không trước ngày quyết định có hiệu lực."
                .to_string(),
        ));
    }
    let last_allowed = add_months(decision_effective_on, INSTALMENT_MAX_MONTHS);
    if plan.iter().any(|(date, _)| *date > last_allowed) {
        return Err(refused(
            "law.instalments_too_late",
            format!(
                "Thời hạn nộp tiền phạt nhiều lần không quá 06 tháng kể từ ngày quyết định có \
                 hiệu lực ({}): lần nộp cuối chậm nhất {}.",
                format_date(decision_effective_on),
                format_date(last_allowed)
            ),
        ));
    }
    let sum: i128 = plan.iter().map(|(_, a)| i128::from(*a)).sum();
    if sum != i128::from(fine_total) {
        return Err(refused(
            "law.instalments_sum_mismatch",
            format!(
                "Tổng các lần nộp phải bằng số tiền phạt {}.",
                Vnd(fine_total)
            ),
        ));
    }
    let first = i128::from(plan[0].1);
    if first * 100 < i128::from(fine_total) * i128::from(INSTALMENT_FIRST_MIN_PERCENT) {
        return Err(refused(
            "law.instalments_first_too_small",
            "Mức nộp lần đầu tối thiểu là 40% tổng số tiền phạt.".to_string(),
        ));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use OffenderKind::{Individual as IND, Organization as ORG};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn late_charge_is_0_05_percent_per_calendar_day() {
        // Due 02/11/2026, paid 13/11/2026: late 03/11 … 12/11 = 10 days.
        // 10,000,000 × 0.05 % × 10 = 50,000.
        assert_eq!(late_days(d(2026, 11, 2), d(2026, 11, 13)), 10);
        assert_eq!(
            late_charge(10_000_000, d(2026, 11, 2), d(2026, 11, 13)),
            50_000
        );
    }

    #[test]
    fn paying_on_the_due_date_or_the_day_after_costs_nothing() {
        assert_eq!(late_charge(10_000_000, d(2026, 11, 2), d(2026, 11, 2)), 0);
        assert_eq!(late_charge(10_000_000, d(2026, 11, 2), d(2026, 11, 3)), 0);
        assert_eq!(late_charge(10_000_000, d(2026, 11, 2), d(2026, 10, 30)), 0);
    }

    #[test]
    fn late_charge_counts_holidays_and_rounds_down() {
        // Due 13/02/2026, paid 24/02/2026: 14/02 … 23/02 = 10 days, Tết included.
        // 1,234,567 × 5 × 10 / 10,000 = 6,172.835 → 6,172.
        assert_eq!(
            late_charge(1_234_567, d(2026, 2, 13), d(2026, 2, 24)),
            6_172
        );
    }

    #[test]
    fn instalments_need_15_million_for_an_individual() {
        let plan = [(d(2026, 11, 1), 6_000_000), (d(2027, 1, 1), 8_000_000)];
        let err = check_instalments(IND, 14_000_000, &plan, d(2026, 11, 1)).unwrap_err();
        assert_eq!(err.code(), "law.instalments_not_allowed");
        let plan = [(d(2026, 11, 1), 6_000_000), (d(2027, 1, 1), 9_000_000)];
        assert!(check_instalments(IND, 15_000_000, &plan, d(2026, 11, 1)).is_ok());
    }

    #[test]
    fn instalments_need_150_million_for_an_organisation() {
        let plan = [(d(2026, 11, 1), 40_000_000), (d(2027, 1, 1), 60_000_000)];
        let err = check_instalments(ORG, 100_000_000, &plan, d(2026, 11, 1)).unwrap_err();
        assert_eq!(err.code(), "law.instalments_not_allowed");
    }

    #[test]
    fn at_most_three_instalments() {
        let plan = [
            (d(2026, 11, 1), 8_000_000),
            (d(2026, 12, 1), 4_000_000),
            (d(2027, 1, 1), 4_000_000),
            (d(2027, 2, 1), 4_000_000),
        ];
        let err = check_instalments(IND, 20_000_000, &plan, d(2026, 11, 1)).unwrap_err();
        assert_eq!(err.code(), "law.instalments_count");
        let one = [(d(2026, 11, 1), 20_000_000)];
        assert!(check_instalments(IND, 20_000_000, &one, d(2026, 11, 1)).is_err());
    }

    #[test]
    fn instalments_within_six_months_of_the_decision_taking_effect() {
        // Effective 31/08/2026 → last day 28/02/2027.
        let ok = [(d(2026, 9, 1), 8_000_000), (d(2027, 2, 28), 12_000_000)];
        assert!(check_instalments(IND, 20_000_000, &ok, d(2026, 8, 31)).is_ok());
        let late = [(d(2026, 9, 1), 8_000_000), (d(2027, 3, 1), 12_000_000)];
        let err = check_instalments(IND, 20_000_000, &late, d(2026, 8, 31)).unwrap_err();
        assert_eq!(err.code(), "law.instalments_too_late");
    }

    #[test]
    fn first_instalment_at_least_40_percent() {
        let low = [(d(2026, 11, 1), 7_999_999), (d(2027, 1, 1), 12_000_001)];
        let err = check_instalments(IND, 20_000_000, &low, d(2026, 11, 1)).unwrap_err();
        assert_eq!(err.code(), "law.instalments_first_too_small");
    }

    #[test]
    fn instalments_add_up_to_the_fine_in_date_order() {
        let short = [(d(2026, 11, 1), 8_000_000), (d(2027, 1, 1), 11_000_000)];
        let err = check_instalments(IND, 20_000_000, &short, d(2026, 11, 1)).unwrap_err();
        assert_eq!(err.code(), "law.instalments_sum_mismatch");
        let unordered = [(d(2027, 1, 1), 8_000_000), (d(2026, 12, 1), 12_000_000)];
        let err = check_instalments(IND, 20_000_000, &unordered, d(2026, 11, 1)).unwrap_err();
        assert_eq!(err.code(), "law.instalments_dates");
        let zero = [(d(2026, 11, 1), 20_000_000), (d(2027, 1, 1), 0)];
        let err = check_instalments(IND, 20_000_000, &zero, d(2026, 11, 1)).unwrap_err();
        assert_eq!(err.code(), "law.instalments_amount");
    }
}
