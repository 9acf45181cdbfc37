//! Numbers: a document's number in its register ("12/QĐ-XPHC") and the page numbers of the case
//! file (bút lục).

use std::fmt;

use chrono::NaiveDate;

use super::document::DocumentKind;
use crate::DomainError;

/// The register a kind is numbered in: one register per kind, named by its symbol. The key of a
/// sequence is (unit, register, year); numbers start at 1 each year and have no gaps.
///
/// Why one register per kind rather than one "QĐ" register for all decisions: Decree
/// 30/2020/NĐ-CP Art. 15(1) wants the number *and symbol* unique within the year (wording
/// UNCONFIRMED), which per-kind sequences give because the symbol differs; the sanction registers
/// are the ones inspectors and auditors look up ("the 12th sanction decision of the year"), and a
/// shared counter would make that number meaningless; and a kind's register can be checked for
/// gaps on its own ([`missing_numbers`]).
pub fn register_of(kind: DocumentKind) -> &'static str {
    kind.symbol()
}

/// A document's number as printed: "12/QĐ-XPHC". The year belongs to the register (and is
/// printed in the date line), not to the number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocumentNumber {
    pub seq: u32,
    pub year: i32,
    pub symbol: String,
}

impl DocumentNumber {
    /// The `seq`-th document of `kind`'s register for `year`.
    pub fn new(kind: DocumentKind, year: i32, seq: u32) -> DocumentNumber {
        DocumentNumber {
            seq,
            year,
            symbol: kind.symbol().to_string(),
        }
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Decree 30/2020 Art. 15(1): numbers run "from 01" each year, so numbers below 10 get a
        // leading zero (wording UNCONFIRMED).
        write!(f, "{:02}/{}", self.seq, self.symbol)
    }
}

/// Parses a printed number ("12/QĐ-XPHC", "05/BB-KT") of the register of `year` (for searches).
pub fn parse_number(raw: &str, year: i32) -> Result<DocumentNumber, DomainError> {
    let invalid = || {
        DomainError::invalid(
            "number",
            "document.invalid_number",
            "Số văn bản không hợp lệ (ví dụ 12/QĐ-XPHC).",
        )
    };
    let (n, symbol) = raw.trim().split_once('/').ok_or_else(invalid)?;
    let n = n.trim();
    let symbol = symbol.trim();
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) || symbol.is_empty() {
        return Err(invalid());
    }
    let seq: u32 = n.parse().map_err(|_| invalid())?;
    if seq == 0 || symbol.contains('/') || symbol.chars().any(char::is_whitespace) {
        return Err(invalid());
    }
    Ok(DocumentNumber {
        seq,
        year,
        symbol: symbol.to_string(),
    })
}

/// The numbers missing from a register whose highest number is the largest of `issued`: a
/// gapless register answers an empty list.
pub fn missing_numbers(issued: &[u32]) -> Vec<u32> {
    let mut sorted = issued.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut missing = Vec::new();
    let mut expected = 1u32;
    for n in sorted.into_iter().filter(|n| *n > 0) {
        missing.extend(expected..n);
        expected = n.saturating_add(1);
    }
    missing
}

/// A document of the case file (hồ sơ) to be given its page number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry<'a> {
    pub id: &'a str,
    /// When the document came into the file (received, or made by the unit).
    pub received_on: NaiveDate,
    pub issued_on: NaiveDate,
}

/// The case file's page numbers (bút lục), TT 27/2020/TT-BCT Art. 26(3): documents numbered
/// consecutively from 01 in the order they came into the file, documents received the same day
/// by their issue date, each number used once. Documents equal on both dates keep the order they
/// are given in, so the caller passes them in a stable order (e.g. by creation). Returns
/// `(id, "01")` pairs in page order.
pub fn file_numbers<'a>(entries: &[FileEntry<'a>]) -> Vec<(&'a str, String)> {
    let mut sorted: Vec<&FileEntry<'a>> = entries.iter().collect();
    sorted.sort_by_key(|e| (e.received_on, e.issued_on));
    sorted
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id, format!("{:02}", i + 1)))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_sanction_decision_is_numbered_number_slash_symbol_without_the_year() {
        let n = DocumentNumber::new(DocumentKind::SanctionDecision, 2026, 12);
        assert_eq!(n.to_string(), "12/QĐ-XPHC");
        assert_eq!(
            DocumentNumber::new(DocumentKind::InspectionRecord, 2026, 5).to_string(),
            "05/BB-KT"
        );
        assert_eq!(
            DocumentNumber::new(DocumentKind::ViolationRecord, 2026, 1234).to_string(),
            "1234/BB-VPHC"
        );
    }

    #[test]
    fn a_printed_number_reads_back() {
        for kind in DocumentKind::ALL {
            for seq in [1, 9, 10, 12, 999, 10_000] {
                let n = DocumentNumber::new(*kind, 2026, seq);
                assert_eq!(parse_number(&n.to_string(), 2026), Ok(n));
            }
        }
        assert_eq!(
            parse_number(" 7 / QĐ-KT ", 2025).map(|n| (n.seq, n.symbol)),
            Ok((7, "QĐ-KT".to_string()))
        );
        for bad in [
            "",
            "12",
            "/QĐ-KT",
            "0/QĐ-KT",
            "-1/QĐ-KT",
            "12/",
            "a/QĐ",
            "1/2/QĐ",
            "+3/QĐ",
        ] {
            assert!(parse_number(bad, 2026).is_err(), "{bad}");
        }
    }

    #[test]
    fn each_kind_has_its_own_register_and_symbols_are_distinct() {
        let mut registers: Vec<&str> = DocumentKind::ALL.iter().map(|k| register_of(*k)).collect();
        registers.sort_unstable();
        registers.dedup();
        assert_eq!(registers.len(), DocumentKind::ALL.len());
    }

    #[test]
    fn a_gap_in_a_register_is_found() {
        assert_eq!(missing_numbers(&[]), Vec::<u32>::new());
        assert_eq!(missing_numbers(&[3, 1, 2]), Vec::<u32>::new());
        assert_eq!(missing_numbers(&[1, 4, 2]), vec![3]);
        assert_eq!(missing_numbers(&[5]), vec![1, 2, 3, 4]);
    }

    #[test]
    fn case_file_pages_follow_receipt_then_issue_date() {
        // TT 27/2020 Art. 26(3): the decision came in first; the record and the proposal the
        // same day, the proposal issued earlier; a late letter last.
        let entries = [
            FileEntry {
                id: "letter",
                received_on: d(2026, 3, 9),
                issued_on: d(2026, 3, 1),
            },
            FileEntry {
                id: "record",
                received_on: d(2026, 3, 5),
                issued_on: d(2026, 3, 5),
            },
            FileEntry {
                id: "decision",
                received_on: d(2026, 3, 2),
                issued_on: d(2026, 3, 2),
            },
            FileEntry {
                id: "proposal",
                received_on: d(2026, 3, 5),
                issued_on: d(2026, 2, 27),
            },
        ];
        let pages = file_numbers(&entries);
        assert_eq!(
            pages,
            vec![
                ("decision", "01".to_string()),
                ("proposal", "02".to_string()),
                ("record", "03".to_string()),
                ("letter", "04".to_string()),
            ]
        );
    }

    proptest::proptest! {
        /// Every document gets exactly one page number, the numbers are 01..n, and the pages
        /// never go back in time (receipt date, then issue date).
        #[test]
        fn case_file_numbers_are_01_to_n_each_once_in_receipt_order(
            dates in proptest::collection::vec((0i64..60, 0i64..60), 0..40)
        ) {
            let base = d(2026, 1, 1);
            let ids: Vec<String> = (0..dates.len()).map(|i| format!("doc{i}")).collect();
            let entries: Vec<FileEntry> = dates
                .iter()
                .zip(&ids)
                .map(|((r, i), id)| FileEntry {
                    id,
                    received_on: base + chrono::Duration::days(*r),
                    issued_on: base + chrono::Duration::days(*i),
                })
                .collect();
            let pages = file_numbers(&entries);
            proptest::prop_assert_eq!(pages.len(), entries.len());
            for (i, (_, page)) in pages.iter().enumerate() {
                proptest::prop_assert_eq!(page.parse::<usize>().unwrap(), i + 1);
                proptest::prop_assert!(page.len() >= 2);
            }
            let mut seen: Vec<&str> = pages.iter().map(|(id, _)| *id).collect();
            seen.sort_unstable();
            seen.dedup();
            proptest::prop_assert_eq!(seen.len(), entries.len());
            let key = |id: &str| {
                let e = entries.iter().find(|e| e.id == id).unwrap();
                (e.received_on, e.issued_on)
            };
            for w in pages.windows(2) {
                proptest::prop_assert!(key(w[0].0) <= key(w[1].0));
            }
        }
    }
}
