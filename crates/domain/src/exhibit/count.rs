//! Stock counts (kiểm kê) of a warehouse as pure rules. A count snapshots what the ledger says
//! each lot on the shelves holds; the counters record what they find. A count never changes a
//! lot's quantity: a difference is an incident to be explained by a leader (goods missing or
//! found are then handled by moves of their own, each in the custody chain), so the ledger and
//! the count stay two independent witnesses.

use super::Quantity;
use crate::DomainError;

labelled_enum!(
    /// Where a count is. `Discrepancy` waits for a leader's explanation of every difference.
    CountStatus, "status", "stock_count.invalid_status", "Trạng thái kiểm kê không hợp lệ.", {
    Open => "open", "Đang kiểm kê",
    Discrepancy => "discrepancy", "Có chênh lệch, chờ giải trình",
    Closed => "closed", "Đã kết thúc",
});

/// One lot in a count: what the ledger said when the count opened, what was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountLine {
    pub expected: Quantity,
    pub counted: Option<Quantity>,
}

impl CountLine {
    /// Found minus expected, in thousandths (negative: missing). `None` until counted.
    pub fn difference_milli(&self) -> Option<i64> {
        self.counted
            .map(|c| c.milli().saturating_sub(self.expected.milli()))
    }
}

/// Whether the counters may still record on this count.
pub fn check_open(status: CountStatus) -> Result<(), DomainError> {
    if status == CountStatus::Open {
        Ok(())
    } else {
        Err(DomainError::refused(
            "stock_count.not_open",
            format!("Phiên kiểm kê đã {}.", status.label().to_lowercase()),
        ))
    }
}

/// Ends the counting: every lot must have been counted; any difference leaves the count
/// waiting for a leader's explanation.
pub fn close(status: CountStatus, lines: &[CountLine]) -> Result<CountStatus, DomainError> {
    check_open(status)?;
    let uncounted = lines.iter().filter(|l| l.counted.is_none()).count();
    if uncounted > 0 {
        return Err(DomainError::refused(
            "stock_count.uncounted",
            format!("Còn {uncounted} lô chưa kiểm đếm."),
        ));
    }
    if lines.iter().any(|l| l.difference_milli() != Some(0)) {
        Ok(CountStatus::Discrepancy)
    } else {
        Ok(CountStatus::Closed)
    }
}

/// A leader's explanation closes a count with differences; each line with a difference needs
/// its own explanation (`explained[i]` for `lines[i]`).
pub fn explain(
    status: CountStatus,
    lines: &[CountLine],
    explained: &[bool],
) -> Result<CountStatus, DomainError> {
    if status != CountStatus::Discrepancy {
        return Err(DomainError::refused(
            "stock_count.nothing_to_explain",
            "Chỉ giải trình phiên kiểm kê có chênh lệch.",
        ));
    }
    let missing = lines
        .iter()
        .zip(explained.iter().chain(std::iter::repeat(&false)))
        .filter(|(l, e)| l.difference_milli() != Some(0) && !**e)
        .count();
    if missing > 0 {
        return Err(DomainError::invalid(
            "explanations",
            "stock_count.explanation_required",
            format!("Còn {missing} lô chênh lệch chưa được giải trình."),
        ));
    }
    Ok(CountStatus::Closed)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(units: i64) -> Quantity {
        Quantity::whole(units).unwrap()
    }

    fn line(expected: i64, counted: Option<i64>) -> CountLine {
        CountLine {
            expected: q(expected),
            counted: counted.map(q),
        }
    }

    #[test]
    fn a_count_that_matches_the_ledger_closes() {
        let lines = [line(120, Some(120)), line(5, Some(5))];
        assert_eq!(
            close(CountStatus::Open, &lines).unwrap(),
            CountStatus::Closed
        );
    }

    #[test]
    fn a_difference_waits_for_a_leaders_explanation() {
        let lines = [line(120, Some(118)), line(5, Some(5))];
        assert_eq!(lines[0].difference_milli(), Some(-2000));
        let s = close(CountStatus::Open, &lines).unwrap();
        assert_eq!(s, CountStatus::Discrepancy);
        // The line that matches needs no words; the one that differs does.
        let e = explain(s, &lines, &[false, true]).unwrap_err();
        assert_eq!(e.code(), "stock_count.explanation_required");
        assert_eq!(explain(s, &lines, &[true]).unwrap(), CountStatus::Closed);
    }

    #[test]
    fn every_lot_must_be_counted_before_closing() {
        let e = close(CountStatus::Open, &[line(1, None)]).unwrap_err();
        assert_eq!(e.code(), "stock_count.uncounted");
    }

    #[test]
    fn a_closed_count_takes_no_more_counting() {
        assert_eq!(
            check_open(CountStatus::Closed).unwrap_err().code(),
            "stock_count.not_open"
        );
        assert!(close(CountStatus::Discrepancy, &[]).is_err());
        assert_eq!(
            explain(CountStatus::Closed, &[], &[]).unwrap_err().code(),
            "stock_count.nothing_to_explain"
        );
    }

    proptest! {
        /// Closing says "discrepancy" exactly when some lot's count differs from the ledger.
        #[test]
        fn discrepancy_iff_some_line_differs(pairs in proptest::collection::vec((0i64..1000, 0i64..1000), 0..20)) {
            let lines: Vec<CountLine> = pairs.iter().map(|(e, c)| line(*e, Some(*c))).collect();
            let differs = pairs.iter().any(|(e, c)| e != c);
            let s = close(CountStatus::Open, &lines).unwrap();
            prop_assert_eq!(s == CountStatus::Discrepancy, differs);
            let all = vec![true; lines.len()];
            if differs {
                prop_assert_eq!(explain(s, &lines, &all).unwrap(), CountStatus::Closed);
            }
        }
    }
}
