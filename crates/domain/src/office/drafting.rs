//! The outgoing workflow (dự thảo → trình duyệt → ký ban hành → cấp số → phát hành): how a
//! unit's own document is drafted, checked by the leader of the drafting unit, signed by the
//! competent head, numbered in the unit's outgoing register and sent. Pure rules; the register's
//! counter and the delivery to other units live in `store`.
//!
//! Sources, Decree 30/2020/NĐ-CP (text checked against a published copy of the decree):
//! - Art. 10(3): when a draft must be amended, the competent person writes an opinion on it and
//!   sends it back to the drafting unit's leader for the drafter → a refusal returns the draft to
//!   `drafting` with a comment.
//! - Art. 11(1): a draft is approved by the person competent to sign it; Art. 12(1): the head of
//!   the drafting unit checks the content before signature → `approve` (the unit's leader), then
//!   `sign` (the head).
//! - Art. 13(1): the head signs every document of the body and may have a deputy sign on their
//!   behalf (ký thay) → signing is the unit head's and the deputies'.
//! - Art. 15(1)–(2): numbers follow the order of issue within the year, from 01 on 1 January,
//!   and are given after the competent person's signature → a draft has no number; `sign` takes
//!   the register's next one.
//! - Art. 18(1): an issued document goes out on the day it is signed, at the latest the next
//!   working day; an urgent one right after signature.

use crate::DomainError;

labelled_enum!(
    /// Where a draft is. A refused draft is back in `drafting` (with the refusal's comment).
    DraftState, "state", "office.invalid_draft_state", "Trạng thái dự thảo không hợp lệ.", {
    Drafting => "drafting", "Đang soạn thảo",
    InReview => "in_review", "Chờ lãnh đạo đơn vị duyệt",
    AwaitingSignature => "awaiting_signature", "Chờ ký ban hành",
    Issued => "issued", "Đã ký, đã cấp số",
    Sent => "sent", "Đã phát hành",
});

labelled_enum!(
    /// The steps of the outgoing workflow.
    DraftAction, "action", "office.unknown_action", "Không có thao tác này (submit, approve, reject, sign, send).", {
    Submit => "submit", "Trình duyệt",
    Approve => "approve", "Duyệt, trình ký",
    Reject => "reject", "Trả lại để sửa",
    Sign => "sign", "Ký ban hành, cấp số",
    Send => "send", "Phát hành",
});

/// Who takes a step (the roles and scope are checked by the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftBy {
    /// An officer of the drafting unit (the drafter or a colleague who takes the draft over).
    Drafter,
    /// A leader of the drafting unit who checks the content (Art. 12(1)); never the drafter.
    Reviewer,
    /// The head or a deputy who signs (Art. 13(1)).
    Signer,
    /// The clerk (văn thư) who sends it (Art. 18).
    Clerk,
}

/// The state a step leads to, or `office.invalid_transition` (409).
pub fn transition(state: DraftState, action: DraftAction) -> Result<DraftState, DomainError> {
    use DraftAction as A;
    use DraftState as S;
    let next = match (state, action) {
        (S::Drafting, A::Submit) => Some(S::InReview),
        (S::InReview, A::Approve) => Some(S::AwaitingSignature),
        // Art. 10(3): refused by the reviewer or by the signer, back to the drafter.
        (S::InReview | S::AwaitingSignature, A::Reject) => Some(S::Drafting),
        (S::AwaitingSignature, A::Sign) => Some(S::Issued),
        (S::Issued, A::Send) => Some(S::Sent),
        _ => None,
    };
    next.ok_or_else(|| {
        DomainError::refused(
            "office.invalid_transition",
            format!(
                "Dự thảo đang ở trạng thái “{}”, không thể “{}”.",
                state.label(),
                action.label().to_lowercase()
            ),
        )
    })
}

/// Who takes `action` in `state`: a refusal is the reviewer's while in review and the signer's
/// while awaiting signature.
pub fn taken_by(state: DraftState, action: DraftAction) -> DraftBy {
    match (state, action) {
        (_, DraftAction::Submit) => DraftBy::Drafter,
        (_, DraftAction::Approve) => DraftBy::Reviewer,
        (DraftState::InReview, DraftAction::Reject) => DraftBy::Reviewer,
        (_, DraftAction::Reject) => DraftBy::Signer,
        (_, DraftAction::Sign) => DraftBy::Signer,
        (_, DraftAction::Send) => DraftBy::Clerk,
    }
}

/// Only a draft being written can be edited (a submitted one is frozen for its reviewer).
pub fn editable(state: DraftState) -> bool {
    state == DraftState::Drafting
}

/// The steps a draft allows now.
pub fn allowed(state: DraftState) -> Vec<DraftAction> {
    DraftAction::ALL
        .iter()
        .copied()
        .filter(|a| transition(state, *a).is_ok())
        .collect()
}

/// A refusal must say what to change (Art. 10(3): "cho ý kiến vào bản thảo").
pub fn check_comment(action: DraftAction, comment: &str) -> Result<(), DomainError> {
    if action == DraftAction::Reject && comment.trim().is_empty() {
        Err(DomainError::invalid(
            "comment",
            "validation.required",
            "Ghi rõ nội dung cần sửa khi trả lại dự thảo.",
        ))
    } else {
        Ok(())
    }
}

labelled_enum!(
    /// How a document goes to a recipient outside the product.
    Channel, "channel", "office.invalid_channel",
    "Hình thức gửi không hợp lệ (post, email, hand, fax, axis).", {
    Post => "post", "Bưu chính",
    Email => "email", "Thư điện tử",
    Hand => "hand", "Giao trực tiếp",
    Fax => "fax", "Fax",
    Axis => "axis", "Trục liên thông văn bản",
});

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use DraftAction as A;
    use DraftState as S;

    #[test]
    fn a_draft_goes_drafting_review_signature_issued_sent() {
        assert_eq!(transition(S::Drafting, A::Submit).unwrap(), S::InReview);
        assert_eq!(
            transition(S::InReview, A::Approve).unwrap(),
            S::AwaitingSignature
        );
        assert_eq!(
            transition(S::AwaitingSignature, A::Sign).unwrap(),
            S::Issued
        );
        assert_eq!(transition(S::Issued, A::Send).unwrap(), S::Sent);
    }

    #[test]
    fn art_10_3_a_refused_draft_returns_to_the_drafter() {
        assert_eq!(transition(S::InReview, A::Reject).unwrap(), S::Drafting);
        assert_eq!(
            transition(S::AwaitingSignature, A::Reject).unwrap(),
            S::Drafting
        );
        assert!(editable(S::Drafting));
        assert_eq!(
            check_comment(A::Reject, "  ").unwrap_err().code(),
            "validation.required"
        );
        assert!(check_comment(A::Reject, "Sửa trích yếu").is_ok());
        assert!(check_comment(A::Approve, "").is_ok());
    }

    #[test]
    fn art_12_1_nothing_is_signed_before_the_drafting_unit_checked_it() {
        for s in [S::Drafting, S::InReview, S::Issued, S::Sent] {
            assert_eq!(
                transition(s, A::Sign).unwrap_err().code(),
                "office.invalid_transition",
                "{s}"
            );
        }
    }

    #[test]
    fn nothing_is_sent_before_it_is_signed_and_numbered() {
        for s in [S::Drafting, S::InReview, S::AwaitingSignature, S::Sent] {
            assert!(transition(s, A::Send).is_err(), "{s}");
        }
    }

    #[test]
    fn a_signed_document_can_no_longer_be_refused_or_edited() {
        for s in [S::Issued, S::Sent] {
            assert!(transition(s, A::Reject).is_err());
            assert!(transition(s, A::Submit).is_err());
            assert!(!editable(s));
        }
        assert!(!editable(S::InReview));
        assert!(transition(S::Drafting, A::Reject).is_err());
        assert!(transition(S::Drafting, A::Approve).is_err());
        assert!(transition(S::InReview, A::Submit).is_err());
    }

    #[test]
    fn allowed_steps_follow_the_state() {
        assert_eq!(allowed(S::Drafting), vec![A::Submit]);
        assert_eq!(allowed(S::InReview), vec![A::Approve, A::Reject]);
        assert_eq!(allowed(S::AwaitingSignature), vec![A::Reject, A::Sign]);
        assert_eq!(allowed(S::Issued), vec![A::Send]);
        assert!(allowed(S::Sent).is_empty());
    }

    #[test]
    fn who_takes_each_step() {
        assert_eq!(taken_by(S::Drafting, A::Submit), DraftBy::Drafter);
        assert_eq!(taken_by(S::InReview, A::Approve), DraftBy::Reviewer);
        assert_eq!(taken_by(S::InReview, A::Reject), DraftBy::Reviewer);
        // Art. 11(2), 13(1): once reviewed, only the one who signs may send it back.
        assert_eq!(taken_by(S::AwaitingSignature, A::Reject), DraftBy::Signer);
        assert_eq!(taken_by(S::AwaitingSignature, A::Sign), DraftBy::Signer);
        assert_eq!(taken_by(S::Issued, A::Send), DraftBy::Clerk);
    }

    #[test]
    fn channels_parse_from_their_codes() {
        assert_eq!(Channel::parse("post").unwrap(), Channel::Post);
        assert_eq!(
            Channel::parse("pigeon").unwrap_err().code(),
            "office.invalid_channel"
        );
    }
}
