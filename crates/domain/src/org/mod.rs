//! The organisation of the force as a tree: national unit → provincial units (Chi cục QLTT) →
//! teams (Đội QLTT) → work groups (Tổ công tác). Units are never deleted: a rename or a move is a
//! new version with its own validity period, and a merge ends a unit's validity and names its
//! successor, so old records keep pointing at the unit they were made in (the 2025 reform merged
//! 63 provinces into 34 from 01/7/2025; the resolution's number is not confirmed, see docs/legal.md).

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::text::bounded;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    NationalUnit,
    ProvincialUnit,
    Team,
    WorkGroup,
}

impl UnitKind {
    pub const ALL: [UnitKind; 4] = [
        UnitKind::NationalUnit,
        UnitKind::ProvincialUnit,
        UnitKind::Team,
        UnitKind::WorkGroup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::NationalUnit => "national_unit",
            UnitKind::ProvincialUnit => "provincial_unit",
            UnitKind::Team => "team",
            UnitKind::WorkGroup => "work_group",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    "kind",
                    "unit.invalid_kind",
                    "Loại đơn vị không hợp lệ (national_unit, provincial_unit, team, work_group).",
                )
            })
    }

    pub fn label(self) -> &'static str {
        match self {
            UnitKind::NationalUnit => "Cơ quan trung ương",
            UnitKind::ProvincialUnit => "Chi cục QLTT",
            UnitKind::Team => "Đội QLTT",
            UnitKind::WorkGroup => "Tổ công tác",
        }
    }

    /// Which kinds may sit directly under this one. A work group is an ad-hoc group formed by a
    /// team or directly by the Chi cục (e.g. for an island), so it may hang under either.
    pub fn may_contain(self, child: UnitKind) -> bool {
        matches!(
            (self, child),
            (UnitKind::NationalUnit, UnitKind::ProvincialUnit)
                | (UnitKind::ProvincialUnit, UnitKind::Team)
                | (UnitKind::ProvincialUnit, UnitKind::WorkGroup)
                | (UnitKind::Team, UnitKind::WorkGroup)
        )
    }
}

/// A unit's code: short, upper-case, stable across renames, used in document symbols and URLs
/// ("QN", "QN-D1", "QN-CT").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let code = raw.trim().to_uppercase();
        let ok_len = (2..=32).contains(&code.len());
        let ok_chars = code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'));
        if !ok_len || !ok_chars {
            return Err(DomainError::invalid(
                "code",
                "unit.invalid_code",
                "Mã đơn vị gồm 2–32 ký tự: chữ cái không dấu, chữ số, '-', '_' hoặc '.'.",
            ));
        }
        Ok(UnitCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UnitCode {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        UnitCode::parse(&value)
    }
}

impl From<UnitCode> for String {
    fn from(value: UnitCode) -> Self {
        value.0
    }
}

pub fn unit_name(raw: &str) -> Result<String, DomainError> {
    bounded("name", raw, 200, true)
}

/// What the rules need to know about a unit to decide on a change of the tree.
#[derive(Debug, Clone)]
pub struct UnitFacts {
    pub id: String,
    pub kind: UnitKind,
    pub active: bool,
}

/// A new unit may be placed only under an active unit of a kind that can contain it; only the
/// national unit is a root.
pub fn check_placement(kind: UnitKind, parent: Option<&UnitFacts>) -> Result<(), DomainError> {
    match parent {
        None if kind == UnitKind::NationalUnit => Ok(()),
        None => Err(DomainError::refused(
            "unit.parent_required",
            "Đơn vị phải thuộc một đơn vị cấp trên.",
        )),
        Some(p) if !p.active => Err(DomainError::refused(
            "unit.inactive",
            "Đơn vị cấp trên đã giải thể hoặc sáp nhập; không thể thêm đơn vị mới vào đó.",
        )),
        Some(p) if !p.kind.may_contain(kind) => Err(DomainError::refused(
            "unit.invalid_parent",
            format!("{} không thể trực thuộc {}.", kind.label(), p.kind.label()),
        )),
        Some(_) => Ok(()),
    }
}

/// A move must keep the tree a tree: the new parent may not be the unit itself or one of its
/// descendants.
pub fn check_move(
    unit: &UnitFacts,
    new_parent: &UnitFacts,
    new_parent_is_descendant: bool,
) -> Result<(), DomainError> {
    if !unit.active {
        return Err(DomainError::refused(
            "unit.inactive",
            "Đơn vị đã sáp nhập hoặc giải thể; không thể điều chuyển.",
        ));
    }
    if unit.id == new_parent.id || new_parent_is_descendant {
        return Err(DomainError::refused(
            "unit.cycle",
            "Không thể chuyển đơn vị vào chính nó hoặc đơn vị cấp dưới của nó.",
        ));
    }
    check_placement(unit.kind, Some(new_parent))
}

/// A merge folds `source` into `target`: both must be active units of the same kind, and neither
/// may contain the other. After it, the source's validity ends, its children move to the target,
/// its officers belong to the target, and its records stay where they were made.
pub fn check_merge(
    source: &UnitFacts,
    target: &UnitFacts,
    related: bool,
) -> Result<(), DomainError> {
    if source.id == target.id {
        return Err(DomainError::refused(
            "unit.merge_into_self",
            "Không thể sáp nhập một đơn vị vào chính nó.",
        ));
    }
    if !source.active || !target.active {
        return Err(DomainError::refused(
            "unit.inactive",
            "Chỉ sáp nhập được giữa các đơn vị đang hoạt động.",
        ));
    }
    if source.kind != target.kind || source.kind == UnitKind::NationalUnit {
        return Err(DomainError::refused(
            "unit.merge_kind_mismatch",
            "Chỉ sáp nhập được các đơn vị cùng cấp (Chi cục với Chi cục, Đội với Đội...).",
        ));
    }
    if related {
        return Err(DomainError::refused(
            "unit.cycle",
            "Không thể sáp nhập đơn vị cấp trên với đơn vị cấp dưới của nó.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: &str, kind: UnitKind, active: bool) -> UnitFacts {
        UnitFacts {
            id: id.into(),
            kind,
            active,
        }
    }

    #[test]
    fn the_tree_has_four_levels_and_work_groups_may_hang_under_a_chi_cuc() {
        let nat = unit("n", UnitKind::NationalUnit, true);
        let prov = unit("p", UnitKind::ProvincialUnit, true);
        let team = unit("t", UnitKind::Team, true);
        assert!(check_placement(UnitKind::NationalUnit, None).is_ok());
        assert!(check_placement(UnitKind::ProvincialUnit, Some(&nat)).is_ok());
        assert!(check_placement(UnitKind::Team, Some(&prov)).is_ok());
        assert!(check_placement(UnitKind::WorkGroup, Some(&team)).is_ok());
        assert!(check_placement(UnitKind::WorkGroup, Some(&prov)).is_ok());
        assert_eq!(
            check_placement(UnitKind::Team, Some(&nat)).map_err(|e| e.code()),
            Err("unit.invalid_parent")
        );
        assert_eq!(
            check_placement(UnitKind::Team, None).map_err(|e| e.code()),
            Err("unit.parent_required")
        );
    }

    #[test]
    fn no_new_unit_under_a_merged_unit() {
        let merged = unit("p", UnitKind::ProvincialUnit, false);
        assert_eq!(
            check_placement(UnitKind::Team, Some(&merged)).map_err(|e| e.code()),
            Err("unit.inactive")
        );
    }

    #[test]
    fn merges_are_between_active_peers_only() {
        let a = unit("a", UnitKind::ProvincialUnit, true);
        let b = unit("b", UnitKind::ProvincialUnit, true);
        let t = unit("t", UnitKind::Team, true);
        assert!(check_merge(&a, &b, false).is_ok());
        assert_eq!(
            check_merge(&a, &a, false).map_err(|e| e.code()),
            Err("unit.merge_into_self")
        );
        assert_eq!(
            check_merge(&a, &t, false).map_err(|e| e.code()),
            Err("unit.merge_kind_mismatch")
        );
        assert_eq!(
            check_merge(&a, &b, true).map_err(|e| e.code()),
            Err("unit.cycle")
        );
        let gone = unit("g", UnitKind::ProvincialUnit, false);
        assert_eq!(
            check_merge(&gone, &b, false).map_err(|e| e.code()),
            Err("unit.inactive")
        );
    }

    #[test]
    fn a_unit_cannot_move_under_itself() {
        let p = unit("p", UnitKind::ProvincialUnit, true);
        let t = unit("t", UnitKind::Team, true);
        let g = unit("g", UnitKind::WorkGroup, true);
        assert!(check_move(&g, &p, false).is_ok());
        assert_eq!(
            check_move(&t, &t, false).map_err(|e| e.code()),
            Err("unit.cycle")
        );
        assert_eq!(
            check_move(&t, &g, true).map_err(|e| e.code()),
            Err("unit.cycle")
        );
    }

    #[test]
    fn codes_are_normalised_to_upper_case() {
        assert_eq!(UnitCode::parse(" qn-d1 ").map(|c| c.0), Ok("QN-D1".into()));
        assert!(UnitCode::parse("Q").is_err());
        assert!(UnitCode::parse("QN D1").is_err());
        assert!(UnitCode::parse("ĐỘI").is_err());
    }
}
