//! Who reads a document that carries a secrecy level (độ mật: Mật, Tối mật, Tuyệt mật).
//!
//! The law the rule is written from (texts read with the search tool, on the pages named):
//! - Law on Protection of State Secrets 29/2018/QH14, Art. 2(3) (vkstuyenquang.gov.vn,
//!   thuvienphapluat.vn): "Lộ bí mật nhà nước là trường hợp người không có trách nhiệm biết được
//!   bí mật nhà nước" — a state secret leaks as soon as someone without the responsibility to
//!   know it knows it, so being in the unit is not enough. Law 117/2025/QH15, which replaced it
//!   from 01/03/2026 (pbgdpl.gov.vn), keeps the same definition (thuviennhadat.vn).
//! - Decree 26/2020/NĐ-CP Art. 4(1)(a) (luatlvn.com, laodongdongnai.vn): a "Tuyệt mật" document
//!   is entered in the outgoing secret book "chỉ ghi trích yếu khi người có thẩm quyền xác định bí
//!   mật nhà nước đồng ý" — the summary (trích yếu) of a secret is itself protected, so a
//!   placeholder never shows it.
//! - Decree 26/2020/NĐ-CP Art. 4(2)(b): a secret arrival marked "Chỉ người có tên mới được bóc
//!   bì" goes unopened to the person named — people named on the document read it.
//!
//! Who is entitled is then the product's reading of those texts (the decrees leave the list to
//! each agency's rules on protecting state secrets, which were not read here: UNCONFIRMED):
//! the leaders of the register's unit (or of the unit it was routed to) and the clerk who keeps
//! the secret books (`Permission::ReadSecretDocuments`), the people named on the document (who
//! registered or drafted it, reviewed or signed it, routed it, or had it routed to them), and
//! the officers a leader granted it to, one by one (an audited step). Others of the unit see at
//! most a placeholder line: the books are numbered without gaps (Decree 30/2020 Art. 15, 22(2)),
//! so the line's number and dates show the book is whole, but not what the document says.

use crate::DomainError;
use crate::text::bounded_text;

use super::Confidentiality;

/// Why an officer reads a document in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entitlement {
    /// It has no secrecy level: the ordinary scope rules decide.
    NotSecret,
    /// A leader or the secret-book clerk whose scope holds its register or the unit it was
    /// routed to.
    Office,
    /// Named on it: registered, drafted, reviewed, signed or routed it, or it was routed to them.
    Named,
    /// A leader granted it to them.
    Granted,
}

/// What is known about one officer and one document.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts {
    /// The officer holds `ReadSecretDocuments` and their scope holds the register's unit or the
    /// unit the document was routed to.
    pub office_in_scope: bool,
    pub named: bool,
    pub granted: bool,
}

/// Whether (and why) the officer reads the document in full; `None`: a placeholder at most.
pub fn entitlement(confidentiality: Confidentiality, facts: Facts) -> Option<Entitlement> {
    if !super::is_secret(confidentiality) {
        return Some(Entitlement::NotSecret);
    }
    if facts.office_in_scope {
        Some(Entitlement::Office)
    } else if facts.named {
        Some(Entitlement::Named)
    } else if facts.granted {
        Some(Entitlement::Granted)
    } else {
        None
    }
}

/// The words that stand for a secret document's summary in a list, for those not entitled.
pub const PLACEHOLDER: &str = "Văn bản mật";

/// Access is granted on secret documents only: an ordinary one is already read by its unit.
pub fn check_grantable(confidentiality: Confidentiality) -> Result<(), DomainError> {
    if super::is_secret(confidentiality) {
        Ok(())
    } else {
        Err(DomainError::refused(
            "office.not_secret",
            "Văn bản không có độ mật: mọi người trong đơn vị đã được xem, không cần cấp quyền.",
        ))
    }
}

/// Why the leader gives access (required: the grant is read later by whoever checks who knew).
pub fn grant_reason(raw: &str) -> Result<String, DomainError> {
    bounded_text("reason", raw, 500, true)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use Confidentiality as C;

    #[test]
    fn an_ordinary_document_is_read_by_its_unit() {
        assert_eq!(
            entitlement(C::Normal, Facts::default()),
            Some(Entitlement::NotSecret)
        );
    }

    #[test]
    fn a_secret_document_is_not_read_by_someone_without_the_responsibility_to_know_it() {
        // Law 29/2018 Art. 2(3): being in the unit is no responsibility to know.
        for c in [C::Confidential, C::Secret, C::TopSecret] {
            assert_eq!(entitlement(c, Facts::default()), None, "{c}");
        }
    }

    #[test]
    fn leaders_and_the_clerk_people_named_and_grantees_read_it() {
        let office = Facts {
            office_in_scope: true,
            ..Facts::default()
        };
        let named = Facts {
            named: true,
            ..Facts::default()
        };
        let granted = Facts {
            granted: true,
            ..Facts::default()
        };
        assert_eq!(entitlement(C::TopSecret, office), Some(Entitlement::Office));
        assert_eq!(entitlement(C::Secret, named), Some(Entitlement::Named));
        assert_eq!(
            entitlement(C::Confidential, granted),
            Some(Entitlement::Granted)
        );
    }

    #[test]
    fn access_is_granted_on_secret_documents_only_and_with_a_reason() {
        assert_eq!(
            check_grantable(C::Normal).unwrap_err().code(),
            "office.not_secret"
        );
        assert!(check_grantable(C::Secret).is_ok());
        assert!(grant_reason("  ").is_err());
        assert_eq!(
            grant_reason(" Phối hợp xác minh ").unwrap(),
            "Phối hợp xác minh"
        );
    }
}
