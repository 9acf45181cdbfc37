//! Which sanctioning title (chức danh có thẩm quyền) an officer acts under: from their roles and
//! the kind of their unit. A deputy acts under the head's title only with a written delegation
//! (giao quyền, LHAV Art. 54; Ordinance on Market Surveillance Art. 21(2)–(3)).

use qltt_domain::law::competence::Title;
use qltt_domain::officer::Role;
use qltt_domain::org::UnitKind;

use crate::{AppError, AppResult, ErrorKind};

/// The head's title of a unit kind.
fn head_title(kind: UnitKind) -> Option<Title> {
    match kind {
        UnitKind::NationalUnit => Some(Title::NationalDepartmentHead),
        UnitKind::ProvincialUnit => Some(Title::ProvincialHead),
        UnitKind::Team => Some(Title::TeamLeader),
        UnitKind::WorkGroup => None,
    }
}

/// The highest title the officer holds in their unit. `delegation_no` is the number of the
/// written delegation a deputy signs under.
pub fn acting_title(
    roles: &[Role],
    unit_kind: UnitKind,
    delegation_no: Option<&str>,
) -> AppResult<Title> {
    let mut titles = Vec::new();
    for role in roles {
        match role {
            Role::UnitHead => titles.extend(head_title(unit_kind)),
            Role::TeamLeader => titles.push(Title::TeamLeader),
            Role::DeputyUnitHead if delegation_no.is_some_and(|n| !n.trim().is_empty()) => {
                titles.extend(head_title(unit_kind))
            }
            Role::Inspector => titles.push(Title::InspectorOnDuty),
            _ => {}
        }
    }
    if let Some(t) = titles.into_iter().max() {
        return Ok(t);
    }
    if roles.contains(&Role::DeputyUnitHead) {
        return Err(AppError::new(
            ErrorKind::Refused,
            "law.delegation_required",
            "Cấp phó chỉ được ký khi có quyết định giao quyền; hãy ghi số quyết định giao quyền.",
        ));
    }
    Err(AppError::new(
        ErrorKind::Refused,
        "law.no_competence",
        "Chức danh của bạn không có thẩm quyền ký văn bản này.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_head_of_a_province_acts_as_chi_cuc_truong() {
        let t = acting_title(&[Role::UnitHead], UnitKind::ProvincialUnit, None);
        assert_eq!(t.ok(), Some(Title::ProvincialHead));
    }

    #[test]
    fn deputy_without_delegation_is_refused_and_with_it_acts_as_head() {
        let refused = acting_title(&[Role::DeputyUnitHead], UnitKind::ProvincialUnit, None);
        assert_eq!(
            refused.err().map(|e| e.code),
            Some("law.delegation_required")
        );
        let t = acting_title(
            &[Role::DeputyUnitHead],
            UnitKind::ProvincialUnit,
            Some("05/QĐ-GQ"),
        );
        assert_eq!(t.ok(), Some(Title::ProvincialHead));
    }

    #[test]
    fn the_highest_title_wins_and_clerks_have_none() {
        let t = acting_title(&[Role::Inspector, Role::TeamLeader], UnitKind::Team, None);
        assert_eq!(t.ok(), Some(Title::TeamLeader));
        let none = acting_title(&[Role::Clerk], UnitKind::Team, None);
        assert_eq!(none.err().map(|e| e.code), Some("law.no_competence"));
    }
}
