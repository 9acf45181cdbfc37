//! The transition function: which step a case allows now, and where it leads.

use super::action::Action;
use super::document::DocumentKind;
use super::state::{CaseState, EnforcementStatus};
use crate::DomainError;

/// What the rules of the procedure need to know about a case (the use case reads them from the
/// stored case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    pub state: CaseState,
    /// From the inspection record (`record_inspection`); `None` before it.
    pub violation_found: Option<bool>,
    /// The fines of the sanction decision, whole đồng (0 before the decision).
    pub fine_total: i64,
    /// What has been paid towards those fines (late-payment charges not included).
    pub paid_total: i64,
    pub enforcement: EnforcementStatus,
    /// The sanction decision was delivered to the offender, or their refusal recorded (LHAV
    /// Art. 70).
    pub decision_delivered: bool,
}

impl CaseFacts {
    /// A case in `state` with nothing else known (a new case is `CaseFacts::new(CaseState::Lead)`).
    pub fn new(state: CaseState) -> CaseFacts {
        CaseFacts {
            state,
            violation_found: None,
            fine_total: 0,
            paid_total: 0,
            enforcement: EnforcementStatus::None,
            decision_delivered: false,
        }
    }

    /// The part of the fines still to pay.
    pub fn outstanding(&self) -> i64 {
        self.fine_total.saturating_sub(self.paid_total).max(0)
    }
}

/// The result of an allowed step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub to: CaseState,
    /// The documents the step produces, in order (always `action.documents()`).
    pub documents: Vec<DocumentKind>,
    /// The new enforcement status, when the step sets one (`issue_sanction` sets `none`).
    pub enforcement: Option<EnforcementStatus>,
}

/// Why a step is refused in this state: `None` when the state never allows it, or the reason a
/// fact of the case stands in the way.
type Refusal = Option<&'static str>;

const NO_FINDING: &str = "biên bản kiểm tra chưa ghi kết luận có hay không có vi phạm";
const NOT_DELIVERED: &str = "quyết định xử phạt chưa được giao cho người vi phạm";

/// The state the step leads to, or why it is refused. For `record_payment` the state is
/// `Sanctioned`; the amount decides in [`transition`] whether it becomes `Executed`.
fn target(f: &CaseFacts, action: Action) -> Result<CaseState, Refusal> {
    use Action as A;
    use CaseState as S;
    use EnforcementStatus as E;
    let allow =
        |ok: bool, to: CaseState, why: &'static str| if ok { Ok(to) } else { Err(Some(why)) };
    match (f.state, action) {
        // TT 27/2020 form 09: an officer with signs of a violation proposes an ad-hoc inspection.
        (S::Lead, A::Propose) => Ok(S::Proposed),
        (S::Proposed, A::RejectProposal) => Ok(S::Closed),
        // A planned inspection, or an ad-hoc one the competent leader decides at once (ins.md:
        // "a case may start at decided"); Decree 33/2022 Art. 4 says who may sign (use case).
        (S::Lead | S::Proposed, A::DecideInspection) => Ok(S::Decided),
        // TT 27/2020 form 06: an inspection under a decision ends with its record at the premises.
        (S::Decided, A::RecordInspection) => Ok(S::Inspected),
        // LHAV Art. 58: a violation caught in the act is recorded at once (ins.md: "a case may
        // start at violation_recorded"). Under an inspection decision the inspection record comes
        // first (it carries `violation_found`), so `decided` does not jump to the violation record.
        (S::Lead, A::RecordViolation) => Ok(S::ViolationRecorded),
        (S::Inspected, A::RecordViolation) => match f.violation_found {
            Some(true) => Ok(S::ViolationRecorded),
            Some(false) => Err(Some("biên bản kiểm tra không ghi nhận vi phạm")),
            None => Err(Some(NO_FINDING)),
        },
        (S::Inspected, A::Close) => match f.violation_found {
            Some(false) => Ok(S::Closed),
            Some(true) => Err(Some(
                "biên bản kiểm tra đã ghi nhận vi phạm, cần lập biên bản vi phạm hành chính",
            )),
            None => Err(Some(NO_FINDING)),
        },
        // LHAV Art. 61: the offender asks to explain (in writing or at a hearing) and the
        // decision waits; once the explanation is in, the case is ready for the decision again.
        (S::ViolationRecorded, A::RequestExplanation) => Ok(S::AwaitingExplanation),
        (S::AwaitingExplanation, A::RecordExplanation) => Ok(S::ViolationRecorded),
        // LHAV Art. 125(1): temporary seizure to establish the facts, while they are being
        // established; not after an inspection that found nothing.
        (S::Decided | S::ViolationRecorded | S::AwaitingExplanation, A::Seize) => Ok(f.state),
        (S::Inspected, A::Seize) => allow(
            f.violation_found != Some(false),
            f.state,
            "biên bản kiểm tra không ghi nhận vi phạm",
        ),
        // LHAV Art. 66, 65: the decision follows the violation record (and the explanation).
        (S::ViolationRecorded | S::AwaitingExplanation, A::IssueSanction) => Ok(S::Sanctioned),
        (S::ViolationRecorded | S::AwaitingExplanation, A::DecideNoSanction) => {
            Ok(S::NotSanctioned)
        }
        // LHAV Art. 70: delivered once (a recorded refusal counts as delivered).
        (S::Sanctioned, A::DeliverDecision) => allow(
            !f.decision_delivered,
            f.state,
            "quyết định xử phạt đã được giao",
        ),
        // Everything about paying follows the delivery: the fine is paid as the decision says
        // (LHAV Art. 78(1)), the 10 days run from its receipt (Art. 73), and the payment
        // deadline and late-payment charge are counted from that date — a payment recorded
        // before the delivery would leave them uncounted.
        (S::Sanctioned, A::RecordPayment | A::GrantInstalments | A::Postpone)
            if !f.decision_delivered =>
        {
            Err(Some(NOT_DELIVERED))
        }
        (S::Sanctioned, A::RecordPayment) => allow(
            f.outstanding() > 0,
            S::Sanctioned,
            "không còn số tiền phạt phải nộp",
        ),
        // LHAV Art. 79 / Art. 76: one arrangement for paying the fine, granted before any
        // coercion and only while some of the fine is unpaid; the thresholds are `law::enforcement`.
        (S::Sanctioned, A::GrantInstalments | A::Postpone) => {
            if f.outstanding() <= 0 {
                Err(Some("không còn số tiền phạt phải nộp"))
            } else if f.enforcement != E::None {
                Err(Some("quyết định đang được thi hành theo hình thức khác"))
            } else {
                Ok(S::Sanctioned)
            }
        }
        // LHAV Art. 86(1)(a): coercion when the decision is not executed voluntarily — so it must
        // have been received; not while execution is postponed; once. It may enforce remedial
        // measures as well as the fine, so it does not need an unpaid fine.
        (S::Sanctioned, A::OrderCoercion) => {
            if !f.decision_delivered {
                Err(Some(NOT_DELIVERED))
            } else if matches!(f.enforcement, E::Postponed | E::Coercion) {
                Err(Some(
                    "quyết định đang được hoãn thi hành hoặc đã có quyết định cưỡng chế",
                ))
            } else {
                Ok(S::Sanctioned)
            }
        }
        (S::NotSanctioned | S::Executed | S::Transferred, A::Close) => Ok(S::Closed),
        // LHAV Art. 62: signs of a crime at any stage → the file goes to the investigation agency.
        (s, A::Transfer) if s.is_open() && s != S::Transferred => Ok(S::Transferred),
        _ => Err(None),
    }
}

fn refusal(facts: &CaseFacts, action: Action, why: Refusal) -> DomainError {
    let base = format!(
        "Không thể «{}» khi vụ việc đang ở trạng thái «{}»",
        action.label(),
        facts.state.label()
    );
    DomainError::refused(
        "case.invalid_transition",
        match why {
            Some(why) => format!("{base}: {why}."),
            None => format!("{base}."),
        },
    )
}

/// Applies `action` to a case. A step the case's state (or one of its facts) does not allow is
/// refused with `case.invalid_transition` whatever else is wrong with it. `payment` is the amount
/// of a `record_payment` (ignored otherwise): positive and at most the outstanding fine
/// (`case.invalid_payment`); the full outstanding amount executes the decision, a part keeps it
/// `sanctioned`.
pub fn transition(
    facts: &CaseFacts,
    action: Action,
    payment: Option<i64>,
) -> Result<Transition, DomainError> {
    let mut to = target(facts, action).map_err(|why| refusal(facts, action, why))?;
    if action == Action::RecordPayment {
        let outstanding = facts.outstanding();
        match payment {
            Some(amount) if amount > 0 && amount <= outstanding => {
                if amount == outstanding {
                    to = CaseState::Executed;
                }
            }
            _ => {
                return Err(DomainError::invalid(
                    "amount",
                    "case.invalid_payment",
                    format!(
                        "Số tiền nộp phải lớn hơn 0 và không vượt quá số tiền phạt còn phải nộp ({}).",
                        crate::format::Vnd(outstanding)
                    ),
                ));
            }
        }
    }
    let enforcement = match action {
        Action::IssueSanction => Some(EnforcementStatus::None),
        Action::GrantInstalments => Some(EnforcementStatus::Instalments),
        Action::Postpone => Some(EnforcementStatus::Postponed),
        Action::OrderCoercion => Some(EnforcementStatus::Coercion),
        _ => None,
    };
    Ok(Transition {
        to,
        documents: action.documents().to_vec(),
        enforcement,
    })
}

/// The steps the case allows now (the buttons of the case page), in `Action::ALL` order. An
/// action is listed exactly when [`transition`] accepts it with valid data.
pub fn allowed_actions(facts: &CaseFacts) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|a| target(facts, *a).is_ok())
        .collect()
}
