//! The violation-handling case (vụ việc) as a pure state machine: states, actions, the documents
//! each action produces and their numbering.
//!
//! ```text
//! lead ──propose──▶ proposed ──decide_inspection──▶ decided ──record_inspection──▶ inspected
//!   │                  └─reject_proposal─▶ closed
//!   ├──decide_inspection──▶ decided            (ad-hoc inspection on signs of violation)
//!   └──record_violation──▶ violation_recorded  (caught in the act)
//! inspected (no violation) ──close──▶ closed
//! inspected (violation) ──record_violation──▶ violation_recorded
//! violation_recorded ──request_explanation──▶ awaiting_explanation ──record_explanation──▶ violation_recorded
//! violation_recorded | awaiting_explanation ──issue_sanction──▶ sanctioned ──record_payment (full)──▶ executed ──close──▶ closed
//!                                           ──decide_no_sanction──▶ not_sanctioned ──close──▶ closed
//! sanctioned ──grant_instalments | postpone | order_coercion──▶ sanctioned (enforcement status;
//!             these and record_payment only once the decision was delivered)
//! decided … awaiting_explanation ──seize──▶ (same state)    sanctioned ──deliver_decision──▶ sanctioned
//! any open state but transferred ──transfer──▶ transferred ──close──▶ closed
//! ```
//!
//! Only the *order* of the procedure lives here. The rules of law that refuse a step for its
//! content (deadlines, competence, the right to explain, instalment thresholds) are in
//! [`crate::law`] and are checked by the use case.

pub mod action;
pub mod annulment;
pub mod document;
pub mod numbering;
pub mod state;
pub mod transition;

#[cfg(test)]
mod tests;

pub use action::Action;
pub use annulment::{AnnulmentGround, annulment_target, check_annulment_competence};
pub use document::DocumentKind;
pub use numbering::{DocumentNumber, FileEntry, file_numbers, parse_number, register_of};
pub use state::{CaseState, EnforcementStatus, Origin};
pub use transition::{CaseFacts, Transition, allowed_actions, transition};
