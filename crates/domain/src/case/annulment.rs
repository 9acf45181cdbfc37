//! Annulling (hủy bỏ toàn bộ) a decision of the sanction stage, and where the case stands after.
//!
//! Sources read with the search tool (see docs/legal.md):
//! - Decree 118/2021/NĐ-CP Art. 13 ("cancellation and promulgation of new decisions"): clause 1 —
//!   the person who issued the decision, on their own or at the request of the persons of LHAV
//!   Art. 18(3), must issue a decision cancelling *all* of it in eight cases, points a–h
//!   ([`AnnulmentGround`]); clause 2 — the persons of LHAV Art. 18(3) cancel it within their
//!   competence when the issuer does not; clause 3 — in the cases of points a, b, c, đ and e a
//!   new decision is made where there are grounds for one (the rest of clause 3 was not read).
//! - LHAV Art. 18(3) as amended by Law 67/2020/QH14 Art. 1(7): heads of the agencies and units
//!   of the persons competent to handle violations find the erroneous decisions they or their
//!   subordinates issued and correct, amend or cancel them and issue new ones "theo thẩm quyền".
//! - Decree 118/2021 Art. 15(1)(b): no time limit for cancelling in full in the cases of Art. 13(1).
//! - Decree 118/2021 appendix: form MQĐ40, "Quyết định hủy bỏ quyết định trong xử phạt vi phạm
//!   hành chính" ([`super::DocumentKind::AnnulmentDecision`]).

use super::document::DocumentKind;
use super::state::CaseState;
use crate::DomainError;
use crate::law::competence::Title;

labelled_enum!(
    /// Why a decision is annulled in full: the points of Decree 118/2021 Art. 13(1).
    AnnulmentGround, "ground", "annulment.invalid_ground",
    "Căn cứ hủy bỏ không hợp lệ (một trong các điểm a–h khoản 1 Điều 13 Nghị định 118/2021/NĐ-CP).", {
    WrongOffender => "wrong_offender", "Không đúng đối tượng vi phạm",
    NoCompetence => "no_competence", "Vi phạm quy định về thẩm quyền ban hành quyết định",
    WrongProcedure => "wrong_procedure", "Vi phạm quy định về thủ tục ban hành quyết định",
    CrimeKept => "crime_kept", "Giữ lại vụ vi phạm có dấu hiệu tội phạm để xử lý vi phạm hành chính",
    WrongActOrPenalty => "wrong_act_or_penalty", "Xác định hành vi vi phạm không đúng; áp dụng hình thức, mức xử phạt, biện pháp khắc phục hậu quả không đúng, không đầy đủ",
    FalsifiedFile => "falsified_file", "Giả mạo, làm sai lệch hồ sơ xử phạt vi phạm hành chính",
    CriminalProceedings => "criminal_proceedings", "Có quyết định khởi tố vụ án đối với vụ việc vi phạm có dấu hiệu tội phạm",
    NoSanctionCase => "no_sanction_case", "Thuộc trường hợp không ra quyết định xử phạt",
});

impl AnnulmentGround {
    /// The point of Decree 118/2021 Art. 13(1) and, where it refers on, the provision of LHAV.
    pub fn basis(self) -> &'static str {
        use AnnulmentGround as G;
        match self {
            G::WrongOffender => "điểm a khoản 1 Điều 13 Nghị định số 118/2021/NĐ-CP",
            G::NoCompetence => "điểm b khoản 1 Điều 13 Nghị định số 118/2021/NĐ-CP",
            G::WrongProcedure => "điểm c khoản 1 Điều 13 Nghị định số 118/2021/NĐ-CP",
            G::CrimeKept => {
                "điểm d khoản 1 Điều 13 Nghị định số 118/2021/NĐ-CP (khoản 1 Điều 12 Luật Xử lý vi phạm hành chính)"
            }
            G::WrongActOrPenalty => {
                "điểm đ khoản 1 Điều 13 Nghị định số 118/2021/NĐ-CP (khoản 6 Điều 12 Luật Xử lý vi phạm hành chính)"
            }
            G::FalsifiedFile => {
                "điểm e khoản 1 Điều 13 Nghị định số 118/2021/NĐ-CP (khoản 10 Điều 12 Luật Xử lý vi phạm hành chính)"
            }
            G::CriminalProceedings => {
                "điểm g khoản 1 Điều 13 Nghị định số 118/2021/NĐ-CP (khoản 3 Điều 62 Luật Xử lý vi phạm hành chính)"
            }
            G::NoSanctionCase => {
                "điểm h khoản 1 Điều 13 Nghị định số 118/2021/NĐ-CP (khoản 1 Điều 65 Luật Xử lý vi phạm hành chính)"
            }
        }
    }

    /// What the case needs next, printed on the annulment and shown on the case page. Art. 13(3)
    /// names a new decision for points a, b, c, đ and e (where there are grounds for one); a
    /// case kept despite signs of a crime, or one the police have opened proceedings on, goes to
    /// the investigation agency (LHAV Art. 62); point h is a case where no sanction decision is
    /// made (LHAV Art. 65).
    pub fn next_step(self) -> &'static str {
        use AnnulmentGround as G;
        match self {
            G::WrongOffender
            | G::NoCompetence
            | G::WrongProcedure
            | G::WrongActOrPenalty
            | G::FalsifiedFile => {
                "Người có thẩm quyền ban hành quyết định mới nếu có căn cứ (khoản 3 Điều 13 Nghị định số 118/2021/NĐ-CP)."
            }
            G::CrimeKept | G::CriminalProceedings => {
                "Chuyển hồ sơ vụ vi phạm cho cơ quan tiến hành tố tụng hình sự (Điều 62 Luật Xử lý vi phạm hành chính)."
            }
            G::NoSanctionCase => {
                "Không ra quyết định xử phạt; áp dụng biện pháp theo Điều 65 Luật Xử lý vi phạm hành chính nếu có."
            }
        }
    }
}

/// The case's state once `kind` is annulled in full, or why it cannot be annulled here.
///
/// Only the sanction decision is annulled by this path (while it is being enforced or once
/// executed). The decision not to sanction records no signer's title to weigh the annulling
/// officer's competence against, so it is not annulled here yet. The
/// violation record stands — Art. 13 cancels the decision, not the record — so the case goes back
/// to `violation_recorded`, the one state from which every outcome Art. 13(3) and LHAV Art. 62 and
/// 65 lead to can be taken: a new sanction decision, a decision not to sanction, or the transfer.
/// A closed or transferred case is refused: reopening a closed file is not built (Decree 118/2021
/// Art. 15(1)(b) sets no time limit, so it may be needed later).
pub fn annulment_target(kind: DocumentKind, state: CaseState) -> Result<CaseState, DomainError> {
    use CaseState as S;
    use DocumentKind as K;
    let ok = match kind {
        K::SanctionDecision => matches!(state, S::Sanctioned | S::Executed),
        _ => {
            return Err(DomainError::refused(
                "document.not_annullable",
                format!(
                    "Chỉ hủy bỏ được quyết định xử phạt vi phạm hành chính; «{}» không hủy bỏ theo cách này.",
                    kind.label()
                ),
            ));
        }
    };
    if ok {
        Ok(S::ViolationRecorded)
    } else {
        Err(DomainError::refused(
            "document.not_annullable",
            format!(
                "Không hủy bỏ được «{}» khi vụ việc đang ở trạng thái «{}».",
                kind.label(),
                state.label()
            ),
        ))
    }
}

/// Whether an officer acting under `annulling` may annul a decision signed under `signed`: the
/// issuer (the same title) or a head above them (a higher title) — Decree 118/2021 Art. 13(1)–(2)
/// with LHAV Art. 18(3) ("theo thẩm quyền"). A lower title may not undo a superior's decision.
pub fn check_annulment_competence(annulling: Title, signed: Title) -> Result<(), DomainError> {
    if annulling >= signed {
        Ok(())
    } else {
        Err(DomainError::refused(
            "law.no_competence",
            format!(
                "Quyết định do {} ký; chức danh {} không có thẩm quyền hủy bỏ (khoản 1, 2 Điều 13 Nghị định số 118/2021/NĐ-CP).",
                signed.label(),
                annulling.label()
            ),
        ))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn art13_1_lists_eight_grounds_each_with_its_point() {
        let points: Vec<&str> = AnnulmentGround::ALL
            .iter()
            .map(|g| g.basis().split(' ').nth(1).unwrap_or(""))
            .collect();
        assert_eq!(points, ["a", "b", "c", "d", "đ", "e", "g", "h"]);
        for g in AnnulmentGround::ALL {
            assert_eq!(AnnulmentGround::parse(g.as_str()), Ok(*g));
            assert!(g.basis().contains("Điều 13 Nghị định số 118/2021/NĐ-CP"));
        }
        assert_eq!(
            AnnulmentGround::parse("changed_mind").unwrap_err().code(),
            "annulment.invalid_ground"
        );
    }

    #[test]
    fn art13_3_new_decision_for_points_a_b_c_dd_e_transfer_for_crimes() {
        use AnnulmentGround as G;
        for g in [
            G::WrongOffender,
            G::NoCompetence,
            G::WrongProcedure,
            G::WrongActOrPenalty,
            G::FalsifiedFile,
        ] {
            assert!(g.next_step().contains("quyết định mới"), "{g}");
        }
        for g in [G::CrimeKept, G::CriminalProceedings] {
            assert!(g.next_step().contains("Điều 62"), "{g}");
        }
        assert!(G::NoSanctionCase.next_step().contains("Điều 65"));
    }

    #[test]
    fn annulled_sanction_decision_sends_the_case_back_to_its_violation_record() {
        for s in [CaseState::Sanctioned, CaseState::Executed] {
            assert_eq!(
                annulment_target(DocumentKind::SanctionDecision, s),
                Ok(CaseState::ViolationRecorded)
            );
        }
    }

    #[test]
    fn annulment_is_refused_for_other_documents_and_for_cases_moved_on() {
        for s in CaseState::ALL {
            if !matches!(s, CaseState::Sanctioned | CaseState::Executed) {
                let e = annulment_target(DocumentKind::SanctionDecision, *s).unwrap_err();
                assert_eq!(e.code(), "document.not_annullable", "{s}");
            }
        }
        for k in DocumentKind::ALL {
            if *k != DocumentKind::SanctionDecision {
                for s in CaseState::ALL {
                    assert_eq!(
                        annulment_target(*k, *s).unwrap_err().code(),
                        "document.not_annullable"
                    );
                }
            }
        }
    }

    #[test]
    fn art13_2_the_issuer_or_a_higher_head_may_annul_a_lower_title_may_not() {
        use Title as T;
        assert!(check_annulment_competence(T::TeamLeader, T::TeamLeader).is_ok());
        assert!(check_annulment_competence(T::ProvincialHead, T::TeamLeader).is_ok());
        assert_eq!(
            check_annulment_competence(T::TeamLeader, T::ProvincialHead)
                .unwrap_err()
                .code(),
            "law.no_competence"
        );
        assert!(check_annulment_competence(T::InspectorOnDuty, T::TeamLeader).is_err());
    }
}
