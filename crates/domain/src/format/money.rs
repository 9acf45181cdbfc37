//! Money as the law writes it: VND has no fractional unit in circulation, so amounts are whole
//! `i64` dong, and a form prints them with "." as the thousands separator ("2.500.000 đồng"),
//! the Vietnamese convention (TCVN 6909 / Decree 30/2020 forms use it throughout).

use serde::{Deserialize, Serialize};

/// An amount of Vietnamese dong. Negative amounts exist only as corrections (refunds) and are
/// printed with a leading minus sign.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct Vnd(pub i64);

impl Vnd {
    /// "2.500.000" — digits grouped by three with dots.
    pub fn grouped(self) -> String {
        group_digits(self.0)
    }

    /// "2.500.000 đồng" — how an amount appears in the body of a form.
    pub fn display(self) -> String {
        format!("{} đồng", self.grouped())
    }
}

impl std::fmt::Display for Vnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
    }
}

fn group_digits(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_with_dots() {
        let cases = [
            (0, "0 đồng"),
            (5, "5 đồng"),
            (999, "999 đồng"),
            (1_000, "1.000 đồng"),
            (2_500_000, "2.500.000 đồng"),
            (1_000_005, "1.000.005 đồng"),
            (1_000_000_000_000, "1.000.000.000.000 đồng"),
            (-150_000, "-150.000 đồng"),
            (i64::MIN, "-9.223.372.036.854.775.808 đồng"),
        ];
        for (n, want) in cases {
            assert_eq!(Vnd(n).display(), want, "{n}");
        }
    }

    proptest::proptest! {
        #[test]
        fn grouping_reads_back_to_the_same_amount(n in proptest::num::i64::ANY) {
            let grouped = Vnd(n).grouped();
            let digits: String = grouped.chars().filter(|c| *c != '.').collect();
            proptest::prop_assert_eq!(digits.parse::<i128>().ok(), Some(i128::from(n)));
            // Every group after the first has exactly three digits.
            let body = grouped.trim_start_matches('-');
            for (i, g) in body.split('.').enumerate() {
                let ok = if i == 0 { (1..=3).contains(&g.len()) } else { g.len() == 3 };
                proptest::prop_assert!(ok, "group {} of {}", i, grouped);
            }
        }
    }
}
