//! Mã số thuế (MST). An organisation's code has 10 digits: two for the province where it was
//! first registered, seven sequential, and a check digit; a dependent unit (branch) adds "-" and
//! three digits. The check digit is 10 − (Σ dᵢ·wᵢ mod 11) over the first nine digits with weights
//! 31, 29, 23, 19, 17, 13, 7, 5, 3 (a result of 10 is never issued). Source: the algorithm as
//! implemented and tested in python-stdnum (`stdnum/vn/mst.py`, e.g. 0100233488 valid,
//! 0100233480 invalid); the tax authority's own circular was not found with the search tool, see
//! docs/legal.md.

use serde::{Deserialize, Serialize};

use crate::DomainError;

const WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TaxCode(String);

fn invalid(message: &str) -> DomainError {
    DomainError::invalid("tax_code", "business.invalid_tax_code", message.to_string())
}

/// The check digit of the first nine digits, or `None` when the rule yields 10.
pub fn check_digit(first_nine: &[u32; 9]) -> Option<u32> {
    let total: u32 = first_nine.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    let digit = 10 - (total % 11);
    (digit < 10).then_some(digit)
}

impl TaxCode {
    /// Accepts "0100233488", "0314409058-002", "0314409058002" and spaced or dotted forms such
    /// as "01.00.233.488"; stores "0100233488" or "0314409058-002".
    pub fn parse(raw: &str) -> Result<TaxCode, DomainError> {
        let digits: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid(
                "Mã số thuế chỉ gồm chữ số (và dấu '-' trước 3 số của chi nhánh).",
            ));
        }
        if digits.len() != 10 && digits.len() != 13 {
            return Err(invalid(
                "Mã số thuế có 10 số, hoặc 13 số đối với chi nhánh.",
            ));
        }
        let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
        if d[2..9].iter().all(|x| *x == 0) {
            return Err(invalid(
                "Mã số thuế không hợp lệ (phần số thứ tự toàn số 0).",
            ));
        }
        if digits.len() == 13 && d[10..].iter().all(|x| *x == 0) {
            return Err(invalid("Mã chi nhánh không được là 000."));
        }
        let mut first = [0u32; 9];
        first.copy_from_slice(&d[..9]);
        if check_digit(&first) != Some(d[9]) {
            return Err(invalid(
                "Mã số thuế sai chữ số kiểm tra; hãy xem lại từng chữ số.",
            ));
        }
        Ok(if digits.len() == 10 {
            TaxCode(digits)
        } else {
            TaxCode(format!("{}-{}", &digits[..10], &digits[10..]))
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_branch(&self) -> bool {
        self.0.len() == 14
    }

    /// The 10-digit code of the organisation a branch depends on (itself for a main code).
    pub fn parent(&self) -> &str {
        &self.0[..10]
    }
}

impl TryFrom<String> for TaxCode {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        TaxCode::parse(&value)
    }
}

impl From<TaxCode> for String {
    fn from(value: TaxCode) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_codes_pass_their_check_digit() {
        assert_eq!(
            TaxCode::parse("0100233488").map(|t| t.0),
            Ok("0100233488".into())
        );
        assert_eq!(
            TaxCode::parse("01.00.233.488").map(|t| t.0),
            Ok("0100233488".into())
        );
        let branch = TaxCode::parse("0314409058-002");
        assert_eq!(branch.as_ref().map(|t| t.as_str()), Ok("0314409058-002"));
        assert_eq!(branch.as_ref().map(|t| t.parent()), Ok("0314409058"));
        assert_eq!(
            TaxCode::parse("0314409058002").map(|t| t.0),
            Ok("0314409058-002".into())
        );
    }

    #[test]
    fn a_mistyped_digit_is_caught() {
        assert!(TaxCode::parse("0100233480").is_err());
        assert!(TaxCode::parse("0100233489").is_err());
        assert!(TaxCode::parse("12345").is_err());
        assert!(TaxCode::parse("01002334881").is_err());
        assert!(TaxCode::parse("01OO233488").is_err());
        assert!(TaxCode::parse("0100000000").is_err());
        assert!(TaxCode::parse("0314409058-000").is_err());
    }

    proptest::proptest! {
        /// Any 9 digits completed with their check digit parse; changing any single digit of a
        /// valid code is always caught (the weights are distinct and coprime with 11).
        #[test]
        fn one_wrong_digit_never_passes(first in proptest::array::uniform9(0u32..10), pos in 0usize..10, delta in 1u32..10) {
            proptest::prop_assume!(first[2..].iter().any(|d| *d != 0));
            if let Some(check) = check_digit(&first) {
                let mut digits: Vec<u32> = first.to_vec();
                digits.push(check);
                let good: String = digits.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect();
                proptest::prop_assert!(TaxCode::parse(&good).is_ok(), "{}", good);
                let mut bad = digits.clone();
                bad[pos] = (bad[pos] + delta) % 10;
                let bad: String = bad.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect();
                proptest::prop_assert!(TaxCode::parse(&bad).is_err(), "{}", bad);
            }
        }
    }
}
