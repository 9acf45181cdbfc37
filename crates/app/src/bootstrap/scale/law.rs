//! The rules of law a generated case follows, taken from `qltt_domain::law` as the use cases
//! take them: acts in force on the day, the suggested fine, the competent signer, and the
//! deadlines of the violation record and the sanction decision.

use chrono::NaiveDate;
use qltt_domain::law::OffenderKind;
use qltt_domain::law::competence::{
    SECTOR_MAX_COMMERCE, SECTOR_MAX_COUNTERFEIT, Title, lowest_competent_title,
};
use qltt_domain::law::deadlines::{self, DeadlineInput, Explanation};
use qltt_domain::law::fine::{self, FineInput};

use super::cases::{Act, Vt, Walk};

/// Sector maximum for an individual (Decree 98/2020), as `cases::act` uses it.
fn sector_max(group: &str) -> i64 {
    match group {
        "counterfeit" | "prohibited" => SECTOR_MAX_COUNTERFEIT,
        _ => SECTOR_MAX_COMMERCE,
    }
}

pub(super) fn acts_for(w: &mut Walk<'_, '_>, on: NaiveDate) -> Vec<Act> {
    let in_force: Vec<&Vt> =
        w.g.catalogue
            .iter()
            .filter(|v| v.from <= on && v.to.is_none_or(|t| t > on))
            .collect();
    if in_force.is_empty() {
        return Vec::new();
    }
    let n = match w.rng.below(100) {
        0..=74 => 1,
        75..=94 => 2,
        _ => 3,
    };
    let mut acts: Vec<Act> = Vec::new();
    for _ in 0..n {
        let vt = *w.rng.pick(&in_force);
        if acts.iter().any(|a| a.vt.code == vt.code) {
            continue;
        }
        acts.push(Act {
            vt: vt.clone(),
            fine: None,
            facts: format!(
                "{} tại địa điểm kinh doanh của {}",
                vt.description, w.biz.name
            ),
        });
    }
    acts
}

/// The suggested fine of an act (the frame's average, LHAV Art. 23(4)), within the offender's
/// frame by construction.
pub(super) fn fine_of(act: &Act, offender: OffenderKind) -> i64 {
    fine::assess(&FineInput {
        frame_min: act.vt.fine_min,
        frame_max: act.vt.fine_max,
        offender,
        mitigating: 0,
        aggravating: 0,
    })
    .map_or(act.vt.fine_min, |a| a.amount)
}

/// Who signs the sanction decision: the team leader within their competence, else the
/// provincial head.
pub(super) fn signer_title(w: &Walk<'_, '_>, on: NaiveDate, max_fine: i64, group: &str) -> Title {
    match lowest_competent_title(&w.g.rules, on, w.offender(), max_fine, sector_max(group)) {
        Some(Title::InspectorOnDuty | Title::TeamLeader) => Title::TeamLeader,
        Some(t) => t,
        None => Title::ProvincialHead,
    }
}

/// Deadlines of the violation record (LHAV Art. 61, 66), from the domain's rules.
pub(super) fn record_deadlines(w: &mut Walk<'_, '_>, on: NaiveDate, explanation: bool) {
    if let Ok(d) = deadlines::compute(
        w.g.cal,
        &DeadlineInput {
            recorded_on: on,
            explanation: if explanation {
                Explanation::Written
            } else {
                Explanation::None
            },
            verification: false,
            extended: false,
            decision_received_on: None,
        },
    ) {
        w.set_deadline("decision", d.decision_due, "Luật XLVPHC, Điều 66 khoản 1");
        if let Some(due) = d.explanation_due {
            w.set_deadline("explanation", due, "Luật XLVPHC, Điều 61");
        }
    }
}

pub(super) fn sanction_deadlines(w: &mut Walk<'_, '_>, on: NaiveDate) {
    w.meet(&["decision", "explanation"]);
    w.set_deadline(
        "delivery",
        deadlines::decision_delivery_due(w.g.cal, on),
        "Luật XLVPHC, Điều 70",
    );
    w.set_deadline(
        "execution",
        deadlines::execution_expires_on(on),
        "Luật XLVPHC, Điều 74",
    );
}

pub(super) fn set_plan_deadline(w: &mut Walk<'_, '_>, last: NaiveDate) {
    w.set_deadline("payment", last, "Luật XLVPHC, Điều 79");
}
