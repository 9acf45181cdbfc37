//! Quantities of exhibits. Goods are counted in whatever the record says ("12,5 kg", "340 chai",
//! "2 chiếc"), so a quantity is a decimal with at most three places, kept as an integer number of
//! thousandths: sums and splits are exact (no floating point drift in a custody ledger that a
//! court may add up by hand).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A non-negative quantity in thousandths of its unit of measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Quantity(i64);

/// Larger than any real lot (a billion units) yet far from overflow when lots are summed.
const MAX_MILLI: i64 = 1_000_000_000_000;

impl Quantity {
    pub const ZERO: Quantity = Quantity(0);

    pub fn from_milli(milli: i64) -> Result<Quantity, DomainError> {
        if !(0..=MAX_MILLI).contains(&milli) {
            return Err(invalid());
        }
        Ok(Quantity(milli))
    }

    pub fn whole(units: i64) -> Result<Quantity, DomainError> {
        units
            .checked_mul(1000)
            .ok_or_else(invalid)
            .and_then(Quantity::from_milli)
    }

    pub fn milli(self) -> i64 {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Parses what an officer types: "12", "12,5", "12.5", "1.200,5" (Vietnamese thousands
    /// separator) — at most three decimals, never negative.
    pub fn parse(text: &str) -> Result<Quantity, DomainError> {
        let t: String = text.trim().chars().filter(|c| !c.is_whitespace()).collect();
        if t.is_empty() {
            return Err(invalid());
        }
        // With both separators the last one is the decimal mark; with only a comma, it is the
        // decimal mark (Vietnamese); with only dots, a single dot followed by 1–3 digits is read
        // as decimal ("12.5") unless there are several dots ("1.200.000").
        let (int_raw, frac_part, group) = match (t.rfind(','), t.rfind('.')) {
            (Some(c), Some(d)) if c > d => (&t[..c], &t[c + 1..], Some('.')),
            (Some(c), Some(d)) if d > c => (&t[..d], &t[d + 1..], Some(',')),
            (Some(c), None) if t.matches(',').count() == 1 => (&t[..c], &t[c + 1..], None),
            (None, Some(d)) if t.matches('.').count() == 1 && t.len() - d - 1 != 3 => {
                (&t[..d], &t[d + 1..], None)
            }
            (None, Some(_)) => (t.as_str(), "", Some('.')),
            (Some(_), None) => (t.as_str(), "", Some(',')),
            _ => (t.as_str(), "", None),
        };
        // Grouped thousands must really be groups of three ("1.200.000", not "1..2" or "12.34.5").
        let int_part = match group {
            Some(sep) => {
                let groups: Vec<&str> = int_raw.split(sep).collect();
                let well_formed = groups.iter().enumerate().all(|(i, g)| {
                    if i == 0 {
                        (1..=3).contains(&g.len())
                    } else {
                        g.len() == 3
                    }
                });
                if !well_formed {
                    return Err(invalid());
                }
                groups.concat()
            }
            None => int_raw.to_string(),
        };
        if int_part.is_empty()
            || !int_part.bytes().all(|b| b.is_ascii_digit())
            || frac_part.len() > 3
            || !frac_part.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(invalid());
        }
        let units: i64 = int_part.parse().map_err(|_| invalid())?;
        let mut frac: i64 = if frac_part.is_empty() {
            0
        } else {
            frac_part.parse().map_err(|_| invalid())?
        };
        for _ in frac_part.len()..3 {
            frac *= 10;
        }
        units
            .checked_mul(1000)
            .and_then(|m| m.checked_add(frac))
            .ok_or_else(invalid)
            .and_then(Quantity::from_milli)
    }

    pub fn checked_sub(self, other: Quantity) -> Option<Quantity> {
        self.0
            .checked_sub(other.0)
            .filter(|v| *v >= 0)
            .map(Quantity)
    }

    pub fn checked_add(self, other: Quantity) -> Option<Quantity> {
        self.0
            .checked_add(other.0)
            .filter(|v| *v <= MAX_MILLI)
            .map(Quantity)
    }
}

fn invalid() -> DomainError {
    DomainError::invalid(
        "quantity",
        "exhibit.invalid_quantity",
        "Số lượng phải là số không âm, tối đa 3 chữ số thập phân (ví dụ 12 hoặc 12,5).",
    )
}

/// Vietnamese writing: "1.200,5" (dot for thousands, comma for decimals, no trailing zeros).
impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = self.0 / 1000;
        let frac = self.0 % 1000;
        let digits = units.to_string();
        let mut grouped = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push('.');
            }
            grouped.push(ch);
        }
        if frac == 0 {
            f.write_str(&grouped)
        } else {
            let frac = format!("{frac:03}");
            write!(f, "{grouped},{}", frac.trim_end_matches('0'))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn q(s: &str) -> i64 {
        Quantity::parse(s).map(Quantity::milli).unwrap_or(-1)
    }

    #[test]
    fn reads_what_officers_type() {
        assert_eq!(q("12"), 12_000);
        assert_eq!(q("12,5"), 12_500);
        assert_eq!(q("12.5"), 12_500);
        assert_eq!(q("0,125"), 125);
        assert_eq!(
            q("1.200"),
            1_200_000,
            "a dot before three digits groups thousands"
        );
        assert_eq!(q("1.200.000"), 1_200_000_000);
        assert_eq!(q("1.200,5"), 1_200_500);
        assert_eq!(q("1,200.5"), 1_200_500);
        assert_eq!(q(" 340 "), 340_000);
    }

    #[test]
    fn refuses_what_is_not_a_quantity() {
        for bad in [
            "", "-1", "abc", "1,2345", "1..2", ",5", "1e3", "12 kg", "12.34.5", "1.2,5",
        ] {
            assert_eq!(q(bad), -1, "{bad:?}");
        }
        assert!(Quantity::whole(2_000_000_000).is_err());
    }

    #[test]
    fn writes_the_vietnamese_way() {
        assert_eq!(Quantity::parse("1200,5").unwrap().to_string(), "1.200,5");
        assert_eq!(Quantity::parse("340").unwrap().to_string(), "340");
        assert_eq!(Quantity::parse("0,125").unwrap().to_string(), "0,125");
        assert_eq!(Quantity::parse("1234567").unwrap().to_string(), "1.234.567");
    }

    proptest::proptest! {
        #[test]
        fn display_then_parse_is_identity(milli in 0i64..MAX_MILLI) {
            let q = Quantity::from_milli(milli).unwrap();
            proptest::prop_assert_eq!(Quantity::parse(&q.to_string()).unwrap(), q);
        }
    }
}
