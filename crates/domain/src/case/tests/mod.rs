//! The lifecycle against an explicit table, the conditional rules one by one, and random walks.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::DomainError;
use Action as A;
use CaseState as S;

/// A typical case in each state: inspected cases found a violation, a sanctioned one owes
/// 10,000,000 đồng and has received its decision, an executed one paid in full.
fn typical(state: CaseState) -> CaseFacts {
    let mut f = CaseFacts::new(state);
    if matches!(
        state,
        S::Inspected | S::ViolationRecorded | S::AwaitingExplanation
    ) {
        f.violation_found = Some(true);
    }
    if matches!(state, S::Sanctioned | S::Executed) {
        f.fine_total = 10_000_000;
        f.decision_delivered = true;
    }
    if state == S::Executed {
        f.paid_total = 10_000_000;
    }
    f
}

/// Every allowed (state, action) pair for the typical case and where it leads — written from
/// ins.md "Lifecycle", not from the code. Every pair not listed must be refused.
const EXPECTED: &[(CaseState, Action, CaseState)] = &[
    (S::Lead, A::Propose, S::Proposed),
    (S::Lead, A::DecideInspection, S::Decided),
    (S::Lead, A::RecordViolation, S::ViolationRecorded),
    (S::Lead, A::Transfer, S::Transferred),
    (S::Proposed, A::RejectProposal, S::Closed),
    (S::Proposed, A::DecideInspection, S::Decided),
    (S::Proposed, A::Transfer, S::Transferred),
    (S::Decided, A::RecordInspection, S::Inspected),
    (S::Decided, A::Seize, S::Decided),
    (S::Decided, A::Transfer, S::Transferred),
    (S::Inspected, A::RecordViolation, S::ViolationRecorded),
    (S::Inspected, A::Seize, S::Inspected),
    (S::Inspected, A::Transfer, S::Transferred),
    (
        S::ViolationRecorded,
        A::RequestExplanation,
        S::AwaitingExplanation,
    ),
    (S::ViolationRecorded, A::Seize, S::ViolationRecorded),
    (S::ViolationRecorded, A::IssueSanction, S::Sanctioned),
    (S::ViolationRecorded, A::DecideNoSanction, S::NotSanctioned),
    (S::ViolationRecorded, A::Transfer, S::Transferred),
    (
        S::AwaitingExplanation,
        A::RecordExplanation,
        S::ViolationRecorded,
    ),
    (S::AwaitingExplanation, A::Seize, S::AwaitingExplanation),
    (S::AwaitingExplanation, A::IssueSanction, S::Sanctioned),
    (
        S::AwaitingExplanation,
        A::DecideNoSanction,
        S::NotSanctioned,
    ),
    (S::AwaitingExplanation, A::Transfer, S::Transferred),
    // The full outstanding amount (the table test pays it all).
    (S::Sanctioned, A::RecordPayment, S::Executed),
    (S::Sanctioned, A::GrantInstalments, S::Sanctioned),
    (S::Sanctioned, A::Postpone, S::Sanctioned),
    (S::Sanctioned, A::OrderCoercion, S::Sanctioned),
    (S::Sanctioned, A::Transfer, S::Transferred),
    (S::NotSanctioned, A::Close, S::Closed),
    (S::NotSanctioned, A::Transfer, S::Transferred),
    (S::Executed, A::Close, S::Closed),
    (S::Executed, A::Transfer, S::Transferred),
    (S::Transferred, A::Close, S::Closed),
];

fn pay_all(f: &CaseFacts) -> Option<i64> {
    Some(f.outstanding())
}

fn is_invalid_transition(r: &Result<Transition, DomainError>) -> bool {
    matches!(r, Err(e) if e.code() == "case.invalid_transition")
}

#[test]
fn every_state_and_action_pair_matches_the_table() {
    let mut checked = 0;
    for &state in CaseState::ALL {
        let f = typical(state);
        for &action in Action::ALL {
            let got = transition(&f, action, pay_all(&f));
            let want = EXPECTED
                .iter()
                .find(|(s, a, _)| *s == state && *a == action)
                .map(|(_, _, to)| *to);
            match want {
                Some(to) => {
                    let t = got.unwrap_or_else(|e| panic!("{state} {action}: {e}"));
                    assert_eq!(t.to, to, "{state} --{action}-->");
                    assert_eq!(t.documents, action.documents(), "{state} {action}");
                }
                None => assert!(is_invalid_transition(&got), "{state} {action}: {got:?}"),
            }
            assert_eq!(
                allowed_actions(&f).contains(&action),
                want.is_some(),
                "allowed_actions of {state} about {action}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 11 * 17);
}

#[test]
fn a_refusal_names_the_step_and_the_state_in_vietnamese() {
    let err = transition(&CaseFacts::new(S::Lead), A::IssueSanction, None).unwrap_err();
    assert_eq!(err.code(), "case.invalid_transition");
    assert_eq!(
        err.to_string(),
        "Không thể «Ra quyết định xử phạt» khi vụ việc đang ở trạng thái «Nguồn tin»."
    );
}

#[test]
fn an_inspection_that_found_nothing_closes_the_case() {
    let mut f = CaseFacts::new(S::Inspected);
    f.violation_found = Some(false);
    assert_eq!(transition(&f, A::Close, None).unwrap().to, S::Closed);
    assert_eq!(
        transition(&f, A::Close, None).unwrap().documents,
        vec![DocumentKind::ClosingNote]
    );
    assert!(is_invalid_transition(&transition(
        &f,
        A::RecordViolation,
        None
    )));
    assert!(is_invalid_transition(&transition(&f, A::Seize, None)));
    assert_eq!(allowed_actions(&f), vec![A::Transfer, A::Close]);
}

#[test]
fn an_inspection_that_found_a_violation_cannot_be_closed_without_the_violation_record() {
    let f = typical(S::Inspected);
    let err = transition(&f, A::Close, None).unwrap_err();
    assert_eq!(err.code(), "case.invalid_transition");
    assert!(
        err.to_string().contains("biên bản vi phạm hành chính"),
        "{err}"
    );
    assert_eq!(
        transition(&f, A::RecordViolation, None).unwrap().to,
        S::ViolationRecorded
    );
}

#[test]
fn an_inspected_case_without_its_finding_neither_closes_nor_records_a_violation() {
    let f = CaseFacts::new(S::Inspected);
    let err = transition(&f, A::Close, None).unwrap_err();
    assert!(err.to_string().contains("chưa ghi kết luận"), "{err}");
    assert!(is_invalid_transition(&transition(
        &f,
        A::RecordViolation,
        None
    )));
}

#[test]
fn the_inspection_record_comes_before_the_violation_record_under_a_decision() {
    // TT 27/2020 form 06: the team records the inspection; only then the violation.
    assert!(is_invalid_transition(&transition(
        &CaseFacts::new(S::Decided),
        A::RecordViolation,
        None
    )));
}

/// A sanction decision delivered to the offender, `paid` of `fine` paid.
fn sanctioned(fine: i64, paid: i64) -> CaseFacts {
    let mut f = CaseFacts::new(S::Sanctioned);
    f.fine_total = fine;
    f.paid_total = paid;
    f.decision_delivered = true;
    f
}

#[test]
fn paying_the_whole_fine_executes_the_decision() {
    let t = transition(
        &sanctioned(10_000_000, 0),
        A::RecordPayment,
        Some(10_000_000),
    )
    .unwrap();
    assert_eq!(t.to, S::Executed);
    assert_eq!(t.documents, vec![DocumentKind::Receipt]);
    // The last instalment executes it too.
    let t = transition(
        &sanctioned(10_000_000, 4_000_000),
        A::RecordPayment,
        Some(6_000_000),
    );
    assert_eq!(t.unwrap().to, S::Executed);
}

#[test]
fn a_partial_payment_keeps_the_decision_in_force() {
    let t = transition(
        &sanctioned(10_000_000, 0),
        A::RecordPayment,
        Some(4_000_000),
    )
    .unwrap();
    assert_eq!(t.to, S::Sanctioned);
    assert_eq!(t.documents, vec![DocumentKind::Receipt]);
    assert_eq!(t.enforcement, None);
}

#[test]
fn a_payment_must_be_positive_and_within_what_is_owed() {
    let f = sanctioned(10_000_000, 4_000_000);
    for bad in [None, Some(0), Some(-1), Some(6_000_001)] {
        let err = transition(&f, A::RecordPayment, bad).unwrap_err();
        assert_eq!(err.code(), "case.invalid_payment", "{bad:?}");
        assert!(err.to_string().contains("6.000.000"), "{err}");
    }
    // Outside `sanctioned` the state answers first, whatever the amount.
    for amount in [None, Some(0), Some(5)] {
        let r = transition(&typical(S::Executed), A::RecordPayment, amount);
        assert!(is_invalid_transition(&r));
    }
}

#[test]
fn a_sanction_without_an_outstanding_fine_takes_no_payment_nor_payment_arrangement() {
    let f = sanctioned(0, 0);
    for a in [A::RecordPayment, A::GrantInstalments, A::Postpone] {
        assert!(is_invalid_transition(&transition(&f, a, Some(1))), "{a}");
    }
}

#[test]
fn issuing_the_decision_starts_voluntary_execution() {
    let t = transition(&typical(S::AwaitingExplanation), A::IssueSanction, None).unwrap();
    assert_eq!(t.enforcement, Some(EnforcementStatus::None));
}

#[test]
fn instalments_postponement_and_coercion_keep_the_case_sanctioned() {
    let mut f = sanctioned(200_000_000, 0);
    f.decision_delivered = true;
    for (a, e, d) in [
        (
            A::GrantInstalments,
            EnforcementStatus::Instalments,
            DocumentKind::InstalmentDecision,
        ),
        (
            A::Postpone,
            EnforcementStatus::Postponed,
            DocumentKind::PostponementDecision,
        ),
        (
            A::OrderCoercion,
            EnforcementStatus::Coercion,
            DocumentKind::CoercionDecision,
        ),
    ] {
        let t = transition(&f, a, None).unwrap();
        assert_eq!(
            (t.to, t.enforcement, t.documents),
            (S::Sanctioned, Some(e), vec![d])
        );
    }
}

#[test]
fn only_one_payment_arrangement_is_granted() {
    for status in [
        EnforcementStatus::Instalments,
        EnforcementStatus::Postponed,
        EnforcementStatus::Coercion,
    ] {
        let mut f = sanctioned(200_000_000, 0);
        f.enforcement = status;
        assert!(is_invalid_transition(&transition(
            &f,
            A::GrantInstalments,
            None
        )));
        assert!(is_invalid_transition(&transition(&f, A::Postpone, None)));
        // Paying stays possible whatever the arrangement.
        assert!(transition(&f, A::RecordPayment, Some(1)).is_ok());
    }
}

#[test]
fn coercion_needs_a_delivered_decision_that_is_not_postponed() {
    // LHAV Art. 86(1)(a): not executed voluntarily within the period counted from receipt.
    let mut f = sanctioned(10_000_000, 0);
    f.decision_delivered = false;
    assert!(is_invalid_transition(&transition(
        &f,
        A::OrderCoercion,
        None
    )));
    f.decision_delivered = true;
    assert!(transition(&f, A::OrderCoercion, None).is_ok());
    // Missed instalments lead to coercion; a postponement or an earlier coercion do not.
    f.enforcement = EnforcementStatus::Instalments;
    assert!(transition(&f, A::OrderCoercion, None).is_ok());
    for status in [EnforcementStatus::Postponed, EnforcementStatus::Coercion] {
        f.enforcement = status;
        assert!(is_invalid_transition(&transition(
            &f,
            A::OrderCoercion,
            None
        )));
    }
    // Remedial measures may need coercion after the fine is paid.
    let f = sanctioned(0, 0);
    assert!(transition(&f, A::OrderCoercion, None).is_ok());
}

#[test]
fn nothing_is_paid_before_the_decision_is_delivered() {
    // LHAV Art. 70, 73: the decision is delivered first; the 10 days run from its receipt.
    let mut f = sanctioned(10_000_000, 0);
    f.decision_delivered = false;
    assert_eq!(allowed_actions(&f), vec![A::DeliverDecision, A::Transfer]);
    for a in [
        A::RecordPayment,
        A::GrantInstalments,
        A::Postpone,
        A::OrderCoercion,
    ] {
        let err = transition(&f, a, Some(10_000_000)).unwrap_err();
        assert_eq!(err.code(), "case.invalid_transition", "{a}");
        assert!(err.to_string().contains("chưa được giao"), "{err}");
    }
    let t = transition(&f, A::DeliverDecision, None).unwrap();
    assert_eq!(
        (t.to, t.documents, t.enforcement),
        (S::Sanctioned, vec![], None)
    );
}

#[test]
fn a_decision_is_delivered_once() {
    let f = sanctioned(1, 0);
    assert!(is_invalid_transition(&transition(
        &f,
        A::DeliverDecision,
        None
    )));
    assert!(is_invalid_transition(&transition(
        &typical(S::Executed),
        A::DeliverDecision,
        None
    )));
}

#[test]
fn a_seizure_keeps_the_state_and_makes_a_decision_and_a_record() {
    for s in [
        S::Decided,
        S::Inspected,
        S::ViolationRecorded,
        S::AwaitingExplanation,
    ] {
        let t = transition(&typical(s), A::Seize, None).unwrap();
        assert_eq!(t.to, s);
        assert_eq!(
            t.documents,
            vec![DocumentKind::SeizureDecision, DocumentKind::SeizureRecord]
        );
    }
}

#[test]
fn transfer_is_possible_from_every_open_state_but_transferred() {
    for &s in CaseState::ALL {
        let t = transition(&typical(s), A::Transfer, None);
        if s.is_open() && s != S::Transferred {
            let t = t.unwrap();
            assert_eq!(t.to, S::Transferred, "{s}");
            assert_eq!(t.documents, vec![DocumentKind::TransferDecision]);
        } else {
            assert!(is_invalid_transition(&t), "{s}");
        }
    }
}

#[test]
fn nothing_happens_to_a_closed_case() {
    let mut f = typical(S::Closed);
    f.fine_total = 5;
    for &a in Action::ALL {
        assert!(is_invalid_transition(&transition(&f, a, Some(5))), "{a}");
    }
    assert!(allowed_actions(&f).is_empty());
    assert!(!S::Closed.is_open());
    assert!(CaseState::ALL.iter().filter(|s| !s.is_open()).count() == 1);
}

#[test]
fn every_road_into_closed_leaves_a_closing_note() {
    for &(_, a, to) in EXPECTED {
        if to == S::Closed {
            assert_eq!(a.documents(), &[DocumentKind::ClosingNote], "{a}");
        }
    }
}

#[test]
fn codes_are_the_ones_of_ins_md_and_read_back() {
    let states: Vec<&str> = CaseState::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        states,
        [
            "lead",
            "proposed",
            "decided",
            "inspected",
            "violation_recorded",
            "awaiting_explanation",
            "sanctioned",
            "not_sanctioned",
            "executed",
            "transferred",
            "closed"
        ]
    );
    let actions: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "propose",
            "reject_proposal",
            "decide_inspection",
            "record_inspection",
            "record_violation",
            "request_explanation",
            "record_explanation",
            "seize",
            "issue_sanction",
            "decide_no_sanction",
            "deliver_decision",
            "record_payment",
            "grant_instalments",
            "postpone",
            "order_coercion",
            "transfer",
            "close"
        ]
    );
    let origins: Vec<&str> = Origin::ALL.iter().map(|o| o.as_str()).collect();
    assert_eq!(
        origins,
        ["plan", "signs", "tip", "caught_in_act", "ecommerce"]
    );
    let kinds: Vec<&str> = DocumentKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "inspection_proposal",
            "inspection_decision",
            "inspection_record",
            "violation_record",
            "explanation_record",
            "seizure_decision",
            "seizure_record",
            "sanction_decision",
            "no_sanction_decision",
            "instalment_decision",
            "postponement_decision",
            "coercion_decision",
            "transfer_decision",
            "receipt",
            "closing_note",
            "annulment_decision"
        ]
    );
    for s in CaseState::ALL {
        assert_eq!(CaseState::parse(s.as_str()), Ok(*s));
        assert_eq!(serde_name(s), s.as_str());
    }
    for a in Action::ALL {
        assert_eq!(Action::parse(a.as_str()), Ok(*a));
        assert_eq!(serde_name(a), a.as_str());
    }
    for k in DocumentKind::ALL {
        assert_eq!(DocumentKind::parse(k.as_str()), Ok(*k));
        assert_eq!(serde_name(k), k.as_str());
    }
    for e in EnforcementStatus::ALL {
        assert_eq!(EnforcementStatus::parse(e.as_str()), Ok(*e));
        assert_eq!(serde_name(e), e.as_str());
    }
    for o in Origin::ALL {
        assert_eq!(Origin::parse(o.as_str()), Ok(*o));
        assert_eq!(serde_name(o), o.as_str());
    }
    assert_eq!(
        CaseState::parse("open").unwrap_err().code(),
        "case.invalid_state"
    );
    assert_eq!(
        Origin::parse("rumour").unwrap_err().code(),
        "case.invalid_origin"
    );
    assert_eq!(
        Action::parse("sanction").unwrap_err().code(),
        "case.unknown_action"
    );
    assert_eq!(
        DocumentKind::parse("memo").unwrap_err().code(),
        "document.invalid_kind"
    );
}

/// What `#[serde(rename_all = "snake_case")]` makes of a variant (its Debug name).
fn serde_name(variant: &impl std::fmt::Debug) -> String {
    let mut out = String::new();
    for (i, c) in format!("{variant:?}").chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn every_label_is_vietnamese_text() {
    let labels = CaseState::ALL
        .iter()
        .map(|s| s.label())
        .chain(Action::ALL.iter().map(|a| a.label()))
        .chain(Origin::ALL.iter().map(|o| o.label()))
        .chain(EnforcementStatus::ALL.iter().map(|e| e.label()))
        .chain(DocumentKind::ALL.iter().map(|k| k.label()));
    for l in labels {
        assert!(!l.is_empty() && !l.contains('_'), "{l}");
    }
    assert_eq!(
        DocumentKind::SanctionDecision.label(),
        "Quyết định xử phạt vi phạm hành chính"
    );
}

mod walks;
