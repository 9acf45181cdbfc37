//! Fines: the offender's frame, the amount the circumstances allow, the right to explain and
//! the sanction without a record. `POST /api/v1/law/fine` returns `assess`.
//!
//! Rules:
//! - D98 Art. 4, LHAV Art. 24(2): the decree's frames are for individuals; an organisation's
//!   frame is twice (both ends).
//! - LHAV Art. 23(4): the fine for one act is the average of the frame; mitigating
//!   circumstances may bring it down but not below the minimum, aggravating ones up but not
//!   above the maximum.
//! - Decree 118/2021 Art. 9 as amended by Decree 68/2025/NĐ-CP of 18/03/2025 (read from the
//!   government portal's summary, a secondary source; its effective date was not found, so the
//!   rule is applied to every decision — chưa xác nhận for decisions before it took effect): one mitigating circumstance → above the minimum and below the average;
//!   two or more → the minimum; one aggravating → above the average and below the maximum; two
//!   or more → the maximum; with both kinds, one aggravating cancels one mitigating. A sector
//!   decree with its own rule prevails (none known in D98).

use serde::{Deserialize, Serialize};

use super::{Basis, OffenderKind};
use crate::DomainError;
use crate::format::{Vnd, amount_in_words};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FineInput {
    /// The frame's minimum as written in the decree (for an individual).
    pub frame_min: i64,
    /// The frame's maximum as written in the decree (for an individual).
    pub frame_max: i64,
    pub offender: OffenderKind,
    #[serde(default)]
    pub mitigating: u32,
    #[serde(default)]
    pub aggravating: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FineAssessment {
    /// The suggested fine: the average of the offender's frame without (net) circumstances,
    /// otherwise the middle of the allowed range or the end the decree fixes.
    pub amount: i64,
    pub allowed_min: i64,
    pub allowed_max: i64,
    /// True when the range is open at that end ("trên mức tối thiểu", "dưới mức trung bình").
    pub min_exclusive: bool,
    pub max_exclusive: bool,
    pub amount_in_words: String,
    /// The right to explain from the frame alone (LHAV Art. 61(1)); the caller adds the case
    /// of a possible licence/activity suspension with `right_to_explain`.
    pub explanation_right: bool,
    pub basis: Vec<Basis>,
}

/// LHAV Art. 61(1): the frame maximum from which the offender may explain — 15,000,000 for an
/// individual, 30,000,000 for an organisation.
pub const EXPLAIN_THRESHOLD_INDIVIDUAL: i64 = 15_000_000;
/// LHAV Art. 56(1): fine without a record up to 250,000 for an individual (500,000 organisation).
pub const ON_THE_SPOT_MAX_INDIVIDUAL: i64 = 250_000;

/// The offender's frame: (min, max) doubled for an organisation.
pub fn offender_frame(input: &FineInput) -> Result<(i64, i64), DomainError> {
    if input.frame_min < 0 || input.frame_min > input.frame_max {
        return Err(DomainError::invalid(
            "frame_min",
            "law.invalid_frame",
            "Khung tiền phạt không hợp lệ: mức tối thiểu phải từ 0 và không lớn hơn mức tối đa.",
        ));
    }
    let k = input.offender.multiplier();
    match (
        input.frame_min.checked_mul(k),
        input.frame_max.checked_mul(k),
    ) {
        (Some(min), Some(max)) => Ok((min, max)),
        _ => Err(DomainError::invalid(
            "frame_max",
            "law.invalid_frame",
            "Khung tiền phạt quá lớn.",
        )),
    }
}

/// The fine the frame and the circumstances allow (see the module's rules).
pub fn assess(input: &FineInput) -> Result<FineAssessment, DomainError> {
    let (min, max) = offender_frame(input)?;
    // The average, rounded down to the đồng when the sum is odd (never the case for D98's
    // round figures; rounding down favours the offender).
    let avg = min + (max - min) / 2;
    let net = i64::from(input.aggravating) - i64::from(input.mitigating);
    let (lo, hi, open) = match net {
        0 => (avg, avg, false),
        -1 => (min, avg, true),
        1 => (avg, max, true),
        n if n < 0 => (min, min, false),
        _ => (max, max, false),
    };
    // An open range needs a whole đồng strictly inside it; a degenerate frame has none, and
    // then its ends are allowed.
    let open = open && hi - lo >= 2;
    let amount = if open { lo + (hi - lo) / 2 } else { lo };

    let mut basis = Vec::new();
    if input.offender == OffenderKind::Organization {
        basis.push(Basis::new(
            "nd98.4",
            "Nghị định 98/2020/NĐ-CP, Điều 4; Luật XLVPHC, Điều 24 khoản 2",
            format!(
                "Tổ chức bị phạt gấp 2 lần cá nhân: khung {} – {}.",
                Vnd(min),
                Vnd(max)
            ),
        ));
    }
    basis.push(Basis::new(
        "lhav.23.4",
        "Luật XLVPHC, Điều 23 khoản 4",
        format!("Mức phạt cụ thể là mức trung bình của khung: {}.", Vnd(avg)),
    ));
    if input.mitigating > 0 || input.aggravating > 0 {
        let range = if lo == hi {
            format!("áp dụng mức {}", Vnd(lo))
        } else if open {
            format!("trên {} và dưới {}", Vnd(lo), Vnd(hi))
        } else {
            format!("từ {} đến {}", Vnd(lo), Vnd(hi))
        };
        basis.push(Basis::new(
            "nd118.9",
            "Nghị định 118/2021/NĐ-CP, Điều 9 (sửa đổi bởi Nghị định 68/2025/NĐ-CP)",
            format!(
                "{} tình tiết giảm nhẹ, {} tình tiết tăng nặng (giảm trừ từng cặp): {range}. \
                 Người có thẩm quyền ghi rõ lý do chọn mức phạt.",
                input.mitigating, input.aggravating
            ),
        ));
    }
    let explanation_right = right_to_explain(input.frame_max, input.offender, false);
    if explanation_right {
        basis.push(Basis::new(
            "lhav.61.1",
            "Luật XLVPHC, Điều 61 khoản 1",
            format!(
                "Mức tối đa của khung ({}) từ {} trở lên: người vi phạm có quyền giải trình.",
                Vnd(max),
                Vnd(EXPLAIN_THRESHOLD_INDIVIDUAL * input.offender.multiplier())
            ),
        ));
    }
    Ok(FineAssessment {
        amount,
        allowed_min: lo,
        allowed_max: hi,
        min_exclusive: open,
        max_exclusive: open,
        amount_in_words: amount_in_words(amount),
        explanation_right,
        basis,
    })
}

/// Refuses an amount outside what the circumstances allow ("law.fine_out_of_range").
pub fn check_amount(input: &FineInput, amount: i64) -> Result<(), DomainError> {
    let a = assess(input)?;
    let above_min = if a.min_exclusive {
        amount > a.allowed_min
    } else {
        amount >= a.allowed_min
    };
    let below_max = if a.max_exclusive {
        amount < a.allowed_max
    } else {
        amount <= a.allowed_max
    };
    if above_min && below_max {
        return Ok(());
    }
    let range = if a.allowed_min == a.allowed_max {
        format!("đúng {}", Vnd(a.allowed_min))
    } else if a.min_exclusive {
        format!("trên {} và dưới {}", Vnd(a.allowed_min), Vnd(a.allowed_max))
    } else {
        format!("từ {} đến {}", Vnd(a.allowed_min), Vnd(a.allowed_max))
    };
    Err(DomainError::refused(
        "law.fine_out_of_range",
        format!(
            "Mức phạt {} không phù hợp: với các tình tiết đã nêu, mức phạt phải {range}.",
            Vnd(amount)
        ),
    ))
}

/// LHAV Art. 61(1): the offender may explain when a licence/activity suspension is possible,
/// or when the frame's MAXIMUM for the act is ≥ 15,000,000 for an individual / ≥ 30,000,000 for
/// an organisation. We compare the offender's own frame (doubled for an organisation) with its
/// own threshold; since both double, the answer is the same for both kinds — which is the
/// law's intent (legal-notes §2: "test the frame maximum, not the fine actually imposed").
pub fn right_to_explain(
    frame_max_individual: i64,
    offender: OffenderKind,
    suspension_possible: bool,
) -> bool {
    let k = offender.multiplier();
    suspension_possible
        || frame_max_individual.saturating_mul(k) >= EXPLAIN_THRESHOLD_INDIVIDUAL * k
}

/// LHAV Art. 56(1): a warning, or a fine up to 250,000 (individual) / 500,000 (organisation),
/// may be decided on the spot without a record. `amount` is the fine to impose (0 = warning).
/// Whether the test is on the fine or on the frame's maximum is debated: callers pass the
/// fine, as the brief and ins.md state it (chưa xác nhận).
pub fn on_the_spot_allowed(offender: OffenderKind, amount: i64) -> bool {
    (0..=ON_THE_SPOT_MAX_INDIVIDUAL * offender.multiplier()).contains(&amount)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fine(min: i64, max: i64, offender: OffenderKind, m: u32, a: u32) -> FineInput {
        FineInput {
            frame_min: min,
            frame_max: max,
            offender,
            mitigating: m,
            aggravating: a,
        }
    }

    const IND: OffenderKind = OffenderKind::Individual;
    const ORG: OffenderKind = OffenderKind::Organization;

    #[test]
    fn the_fine_is_the_average_of_the_frame() {
        // ins.md: frame 10–20M, individual, no circumstances.
        let a = assess(&fine(10_000_000, 20_000_000, IND, 0, 0)).unwrap();
        assert_eq!(a.amount, 15_000_000);
        assert_eq!((a.allowed_min, a.allowed_max), (15_000_000, 15_000_000));
        assert_eq!(a.amount_in_words, "Mười lăm triệu đồng");
        assert!(a.explanation_right);
        assert!(a.basis.iter().any(|b| b.rule == "lhav.23.4"));
    }

    #[test]
    fn an_organisation_pays_twice() {
        let a = assess(&fine(10_000_000, 20_000_000, ORG, 0, 0)).unwrap();
        assert_eq!(a.amount, 30_000_000);
        assert!(a.basis.iter().any(|b| b.rule == "nd98.4"));
    }

    #[test]
    fn one_mitigating_circumstance_goes_below_the_average() {
        let input = fine(10_000_000, 20_000_000, IND, 1, 0);
        let a = assess(&input).unwrap();
        assert_eq!((a.allowed_min, a.allowed_max), (10_000_000, 15_000_000));
        assert!(a.min_exclusive && a.max_exclusive);
        assert_eq!(a.amount, 12_500_000);
        assert!(check_amount(&input, 11_000_000).is_ok());
        assert_eq!(
            check_amount(&input, 15_000_000).unwrap_err().code(),
            "law.fine_out_of_range"
        );
        assert!(check_amount(&input, 10_000_000).is_err());
    }

    #[test]
    fn two_mitigating_circumstances_give_the_minimum() {
        let a = assess(&fine(10_000_000, 20_000_000, IND, 2, 0)).unwrap();
        assert_eq!(
            (a.amount, a.allowed_min, a.allowed_max),
            (10_000_000, 10_000_000, 10_000_000)
        );
    }

    #[test]
    fn aggravating_circumstances_go_up_to_the_maximum() {
        let one = assess(&fine(10_000_000, 20_000_000, IND, 0, 1)).unwrap();
        assert_eq!((one.allowed_min, one.allowed_max), (15_000_000, 20_000_000));
        assert_eq!(one.amount, 17_500_000);
        let two = assess(&fine(10_000_000, 20_000_000, IND, 0, 3)).unwrap();
        assert_eq!(two.amount, 20_000_000);
    }

    #[test]
    fn one_aggravating_cancels_one_mitigating() {
        let a = assess(&fine(10_000_000, 20_000_000, IND, 1, 1)).unwrap();
        assert_eq!((a.allowed_min, a.allowed_max), (15_000_000, 15_000_000));
        let b = assess(&fine(10_000_000, 20_000_000, IND, 3, 1)).unwrap();
        assert_eq!(b.amount, 10_000_000);
    }

    #[test]
    fn an_invalid_frame_is_refused() {
        for f in [
            fine(-1, 10, IND, 0, 0),
            fine(20, 10, IND, 0, 0),
            fine(0, i64::MAX, ORG, 0, 0),
        ] {
            assert_eq!(assess(&f).unwrap_err().code(), "law.invalid_frame");
        }
    }

    #[test]
    fn right_to_explain_tests_the_frame_maximum() {
        assert!(right_to_explain(15_000_000, IND, false));
        assert!(!right_to_explain(14_999_999, IND, false));
        // Organisation: its frame 2 × 15M = 30M reaches its threshold of 30M.
        assert!(right_to_explain(15_000_000, ORG, false));
        assert!(!right_to_explain(10_000_000, ORG, false));
        assert!(right_to_explain(1_000_000, IND, true));
        let small = assess(&fine(500_000, 1_000_000, IND, 0, 0)).unwrap();
        assert!(!small.explanation_right);
    }

    #[test]
    fn sanction_without_record_up_to_250_000_or_500_000() {
        assert!(on_the_spot_allowed(IND, 250_000));
        assert!(!on_the_spot_allowed(IND, 250_001));
        assert!(on_the_spot_allowed(ORG, 500_000));
        assert!(!on_the_spot_allowed(ORG, 500_001));
        assert!(on_the_spot_allowed(IND, 0));
        assert!(!on_the_spot_allowed(IND, -1));
    }

    #[test]
    fn a_single_value_frame_allows_that_value() {
        let input = fine(1_000_000, 1_000_000, IND, 1, 0);
        assert!(check_amount(&input, 1_000_000).is_ok());
    }

    proptest! {
        #[test]
        fn the_fine_stays_within_the_offenders_frame(
            min in 0i64..500_000_000, span in 0i64..500_000_000, org in any::<bool>(),
            m in 0u32..4, a in 0u32..4
        ) {
            let offender = if org { ORG } else { IND };
            let input = fine(min, min + span, offender, m, a);
            let out = assess(&input).unwrap();
            let (lo, hi) = offender_frame(&input).unwrap();
            prop_assert!(lo <= out.allowed_min && out.allowed_max <= hi);
            prop_assert!(out.allowed_min <= out.amount && out.amount <= out.allowed_max);
            prop_assert!(check_amount(&input, out.amount).is_ok());
        }

        #[test]
        fn an_organisations_frame_is_twice_an_individuals(
            min in 0i64..1_000_000_000, span in 0i64..1_000_000_000
        ) {
            let ind = offender_frame(&fine(min, min + span, IND, 0, 0)).unwrap();
            let org = offender_frame(&fine(min, min + span, ORG, 0, 0)).unwrap();
            prop_assert_eq!(org, (ind.0 * 2, ind.1 * 2));
        }
    }
}
