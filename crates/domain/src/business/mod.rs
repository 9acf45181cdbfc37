//! The business register (tổ chức, cá nhân kinh doanh trên địa bàn): kinds, tax codes, and the
//! folding used to find a shop typed without diacritics on a phone.

use serde::{Deserialize, Serialize};

use crate::DomainError;

pub mod tax_code;

pub use tax_code::TaxCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusinessKind {
    /// Doanh nghiệp.
    Enterprise,
    /// Hộ kinh doanh.
    Household,
    /// Cá nhân kinh doanh.
    Individual,
    /// Hợp tác xã.
    Cooperative,
    /// Chi nhánh, văn phòng đại diện, địa điểm kinh doanh.
    Branch,
    /// Gian hàng trên sàn thương mại điện tử, mạng xã hội, website bán hàng.
    OnlineStore,
}

impl BusinessKind {
    pub const ALL: [BusinessKind; 6] = [
        BusinessKind::Enterprise,
        BusinessKind::Household,
        BusinessKind::Individual,
        BusinessKind::Cooperative,
        BusinessKind::Branch,
        BusinessKind::OnlineStore,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BusinessKind::Enterprise => "enterprise",
            BusinessKind::Household => "household",
            BusinessKind::Individual => "individual",
            BusinessKind::Cooperative => "cooperative",
            BusinessKind::Branch => "branch",
            BusinessKind::OnlineStore => "online_store",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BusinessKind::Enterprise => "Doanh nghiệp",
            BusinessKind::Household => "Hộ kinh doanh",
            BusinessKind::Individual => "Cá nhân kinh doanh",
            BusinessKind::Cooperative => "Hợp tác xã",
            BusinessKind::Branch => "Chi nhánh / địa điểm kinh doanh",
            BusinessKind::OnlineStore => "Gian hàng trực tuyến",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::invalid(
                    "kind",
                    "business.invalid_kind",
                    "Loại hình không hợp lệ (enterprise, household, individual, cooperative, branch, online_store).",
                )
            })
    }

    /// Registered organisations always have a tax code: enterprises and cooperatives receive it
    /// with their registration, branches a dependent code with a 3-digit suffix. Households,
    /// individuals and online sellers may be recorded before their code is known.
    pub fn requires_tax_code(self) -> bool {
        matches!(
            self,
            BusinessKind::Enterprise | BusinessKind::Cooperative | BusinessKind::Branch
        )
    }
}

/// Checks the kind and the tax code together.
pub fn check_tax_code_for_kind(
    kind: BusinessKind,
    tax_code: Option<&TaxCode>,
) -> Result<(), DomainError> {
    match (kind, tax_code) {
        (k, None) if k.requires_tax_code() => Err(DomainError::invalid(
            "tax_code",
            "business.tax_code_required",
            format!("{} phải có mã số thuế.", k.label()),
        )),
        (BusinessKind::Branch, Some(t)) if !t.is_branch() => Err(DomainError::invalid(
            "tax_code",
            "business.branch_tax_code",
            "Chi nhánh dùng mã số thuế 13 số (10 số của đơn vị chủ quản, dấu '-', 3 số).",
        )),
        _ => Ok(()),
    }
}

/// Lower case without diacritics, "đ" read as "d": "Mỹ phẩm Hàn Quốc" → "my pham han quoc".
/// Works on both precomposed (NFC) and decomposed (NFD) input, since phones send either.
pub fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Contact details are optional, but what is typed must look like what it claims to be.
pub fn check_phone(raw: &str) -> Result<String, DomainError> {
    let v = crate::text::bounded("phone", raw, 30, false)?;
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let ok = v.is_empty()
        || (v
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '.' | '-' | '(' | ')'))
            && (8..=15).contains(&digits));
    if ok {
        Ok(v)
    } else {
        Err(DomainError::invalid(
            "phone",
            "business.invalid_phone",
            "Số điện thoại gồm 8–15 chữ số (có thể có +, dấu cách, dấu chấm).",
        ))
    }
}

pub fn check_email(raw: &str) -> Result<String, DomainError> {
    let v = crate::text::bounded("email", raw, 200, false)?;
    let ok = v.is_empty()
        || (v.split('@').count() == 2
            && v.split('@').all(|p| !p.is_empty())
            && v.rsplit('@').next().is_some_and(|d| d.contains('.'))
            && !v.contains(' '));
    if ok {
        Ok(v)
    } else {
        Err(DomainError::invalid(
            "email",
            "business.invalid_email",
            "Địa chỉ thư điện tử không hợp lệ.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_diacritics_and_reads_d_bar_as_d() {
        assert_eq!(fold("Mỹ phẩm Hàn Quốc"), "my pham han quoc");
        assert_eq!(fold("ĐỒNG HỒ  Đông   Hải"), "dong ho dong hai");
        // Decomposed input (NFD) folds the same as precomposed.
        let nfd: String = {
            use unicode_normalization::UnicodeNormalization;
            "Cửa hàng Tạp hóa".nfd().collect()
        };
        assert_eq!(fold(&nfd), fold("Cửa hàng Tạp hóa"));
        assert_eq!(fold("0100233488"), "0100233488");
    }

    #[test]
    fn organisations_need_a_tax_code_and_branches_a_dependent_one() {
        let main = TaxCode::parse("0100233488").ok();
        let branch = TaxCode::parse("0314409058-002").ok();
        assert!(check_tax_code_for_kind(BusinessKind::Enterprise, main.as_ref()).is_ok());
        assert_eq!(
            check_tax_code_for_kind(BusinessKind::Enterprise, None).map_err(|e| e.code()),
            Err("business.tax_code_required")
        );
        assert!(check_tax_code_for_kind(BusinessKind::Household, None).is_ok());
        assert!(check_tax_code_for_kind(BusinessKind::Branch, branch.as_ref()).is_ok());
        assert_eq!(
            check_tax_code_for_kind(BusinessKind::Branch, main.as_ref()).map_err(|e| e.code()),
            Err("business.branch_tax_code")
        );
    }
}
