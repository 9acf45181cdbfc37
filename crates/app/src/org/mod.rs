//! Use cases of the organisation tree: list, create, rename/move, merge.

use qltt_domain::officer::Permission;
use qltt_domain::org::{
    UnitCode, UnitFacts, UnitKind, check_merge, check_move, check_placement, unit_name,
};
use qltt_store::WriteTx;
use qltt_store::units::{self, UnitRow, UnitVersionRow};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUnitInput {
    pub name: String,
    pub code: String,
    pub kind: String,
    pub parent_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitChange {
    pub name: Option<String>,
    pub parent_id: Option<String>,
}

/// One node of the tree as the API and the pages show it. A merged unit hangs under its
/// successor (with `merged_into` set), not under its former parent.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitNode {
    #[serde(flatten)]
    pub unit: UnitRow,
    pub active: bool,
    #[schema(no_recursion)]
    pub children: Vec<UnitNode>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitDetail {
    #[serde(flatten)]
    pub unit: UnitRow,
    pub active: bool,
    pub versions: Vec<UnitVersionRow>,
}

fn facts(u: &UnitRow) -> AppResult<UnitFacts> {
    Ok(UnitFacts {
        id: u.id.clone(),
        kind: UnitKind::parse(&u.kind)?,
        active: u.active(),
    })
}

/// Builds the nested tree of `rows` from the actor's home unit down.
pub fn build_tree(rows: &[UnitRow], root_id: &str) -> Option<UnitNode> {
    fn node(rows: &[UnitRow], unit: &UnitRow, depth: usize) -> UnitNode {
        let mut children: Vec<UnitNode> = if depth > 64 {
            Vec::new()
        } else {
            rows.iter()
                .filter(|c| match &c.merged_into {
                    Some(successor) => successor == &unit.id,
                    None => c.parent_id.as_deref() == Some(unit.id.as_str()),
                })
                .map(|c| node(rows, c, depth + 1))
                .collect()
        };
        // Active units first, then merged ones; by code within each.
        children.sort_by(|a, b| (!a.active, &a.unit.code).cmp(&(!b.active, &b.unit.code)));
        UnitNode {
            active: unit.active(),
            unit: unit.clone(),
            children,
        }
    }
    rows.iter()
        .find(|u| u.id == root_id)
        .map(|root| node(rows, root, 0))
}

async fn load_in(tx: &mut WriteTx, id: &str) -> AppResult<UnitRow> {
    units::get_in(tx.conn(), id)
        .await?
        .ok_or_else(|| AppError::not_found("unit.not_found"))
}

/// In a transaction: the unit must exist and lie in the actor's scope; otherwise it is "not found"
/// (an officer must not learn what exists in another province).
async fn load_scoped(tx: &mut WriteTx, actor: &Actor, id: &str) -> AppResult<UnitRow> {
    let unit = load_in(tx, id).await?;
    if !units::in_subtree(tx.conn(), &actor.unit_id, &unit.id).await? {
        return Err(AppError::not_found("unit.not_found"));
    }
    Ok(unit)
}

impl App {
    pub async fn unit_tree(&self, actor: &Actor) -> AppResult<Option<UnitNode>> {
        actor.require(Permission::ViewOrg)?;
        let rows = units::subtree(self.db.pool(), &actor.unit_id).await?;
        Ok(build_tree(&rows, &actor.unit_id))
    }

    /// Flat list of the units in scope (for pickers).
    pub async fn units_in_scope(&self, actor: &Actor) -> AppResult<Vec<UnitRow>> {
        actor.require(Permission::ViewOrg)?;
        Ok(units::subtree(self.db.pool(), &actor.unit_id).await?)
    }

    pub async fn unit(&self, actor: &Actor, id: &str) -> AppResult<UnitDetail> {
        actor.require(Permission::ViewOrg)?;
        if !self.in_scope(actor, id).await? {
            return Err(AppError::not_found("unit.not_found"));
        }
        let unit = units::get(self.db.pool(), id)
            .await?
            .ok_or_else(|| AppError::not_found("unit.not_found"))?;
        let versions = units::versions(self.db.pool(), id).await?;
        Ok(UnitDetail {
            active: unit.active(),
            unit,
            versions,
        })
    }

    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id))]
    pub async fn create_unit(&self, actor: &Actor, input: NewUnitInput) -> AppResult<UnitRow> {
        actor.require(Permission::ManageUnits)?;
        let name = unit_name(&input.name)?;
        let code = UnitCode::parse(&input.code)?;
        let kind = UnitKind::parse(&input.kind)?;
        let mut tx = self.db.begin(self.now()).await?;
        let parent = match input.parent_id.as_deref() {
            Some(pid) => {
                let parent = load_in(&mut tx, pid).await?;
                if !units::in_subtree(tx.conn(), &actor.unit_id, &parent.id).await? {
                    return Err(AppError::forbidden_scope());
                }
                Some(parent)
            }
            // Only the system creates a root (the national unit), at bootstrap.
            None if actor.id != "system" => {
                return Err(AppError::bad_input(
                    "unit.parent_required",
                    "Cần chọn đơn vị cấp trên.",
                ));
            }
            None => None,
        };
        let parent_facts = parent.as_ref().map(facts).transpose()?;
        check_placement(kind, parent_facts.as_ref())?;
        let unit = units::insert(
            &mut tx,
            units::NewUnit {
                code: code.as_str(),
                kind: kind.as_str(),
                name: &name,
                parent_id: parent.as_ref().map(|p| p.id.as_str()),
            },
        )
        .await
        .map_err(|e| match e {
            qltt_store::StoreError::Conflict(_) => AppError::new(
                crate::ErrorKind::Conflict,
                "unit.code_taken",
                format!("Mã đơn vị {} đã được dùng.", code.as_str()),
            ),
            other => other.into(),
        })?;
        let details = json!({"code": unit.code, "kind": unit.kind, "name": unit.name, "parent_id": unit.parent_id});
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "unit.create",
                entity_type: "unit",
                entity_id: &unit.id,
                unit_id: &unit.id,
                topic: "unit.changed",
                details,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(unit)
    }

    /// Renames and/or moves a unit (a new version; records keep the unit id).
    #[tracing::instrument(skip(self, actor, change), fields(actor = %actor.id))]
    pub async fn change_unit(
        &self,
        actor: &Actor,
        id: &str,
        change: UnitChange,
    ) -> AppResult<UnitRow> {
        actor.require(Permission::ManageUnits)?;
        let mut tx = self.db.begin(self.now()).await?;
        let unit = load_scoped(&mut tx, actor, id).await?;
        if !unit.active() {
            return Err(AppError::new(
                crate::ErrorKind::Refused,
                "unit.inactive",
                "Đơn vị đã sáp nhập; không thể sửa.",
            ));
        }
        if unit.id == actor.unit_id && change.parent_id.is_some() {
            // Moving one's own root would move it out of one's own scope.
            return Err(AppError::forbidden());
        }
        let name = match change.name.as_deref() {
            Some(n) => unit_name(n)?,
            None => unit.name.clone(),
        };
        let mut reason = Vec::new();
        if name != unit.name {
            reason.push("rename");
        }
        let parent_id = match change.parent_id.as_deref() {
            Some(pid) if Some(pid) != unit.parent_id.as_deref() => {
                let parent = load_in(&mut tx, pid).await?;
                if !units::in_subtree(tx.conn(), &actor.unit_id, &parent.id).await? {
                    return Err(AppError::forbidden_scope());
                }
                let below = units::in_subtree(tx.conn(), &unit.id, &parent.id).await?;
                check_move(&facts(&unit)?, &facts(&parent)?, below)?;
                reason.push("move");
                Some(parent.id)
            }
            _ => unit.parent_id.clone(),
        };
        if reason.is_empty() {
            tx.rollback().await?;
            return Ok(unit);
        }
        let reason = reason.join("+");
        units::update(&mut tx, &unit.id, &name, parent_id.as_deref(), &reason).await?;
        let details = json!({
            "name": {"from": unit.name, "to": name},
            "parent_id": {"from": unit.parent_id, "to": parent_id},
        });
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: if reason == "rename" {
                    "unit.rename"
                } else {
                    "unit.move"
                },
                entity_type: "unit",
                entity_id: &unit.id,
                unit_id: &unit.id,
                // A rename changes only what shows the unit's name; a move changes the scope of
                // everything under it (the search job re-reads the whole subtree for that).
                topic: if reason == "rename" {
                    "unit.renamed"
                } else {
                    "unit.changed"
                },
                details,
            },
        )
        .await?;
        let updated = load_in(&mut tx, &unit.id).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Merges `source_id` into `into_id`: from now on new work belongs to the target; old records
    /// keep the source; officers of the target see both histories.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.id))]
    pub async fn merge_unit(
        &self,
        actor: &Actor,
        source_id: &str,
        into_id: &str,
    ) -> AppResult<UnitRow> {
        actor.require(Permission::ManageUnits)?;
        let mut tx = self.db.begin(self.now()).await?;
        let source = load_scoped(&mut tx, actor, source_id).await?;
        let target = load_scoped(&mut tx, actor, into_id).await?;
        if source.id == actor.unit_id {
            return Err(AppError::forbidden());
        }
        let related = units::in_subtree(tx.conn(), &source.id, &target.id).await?
            || units::in_subtree(tx.conn(), &target.id, &source.id).await?;
        check_merge(&facts(&source)?, &facts(&target)?, related)?;
        let (children, officers) = units::merge(&mut tx, &source, &target.id).await?;
        let details = json!({
            "into": target.id,
            "into_code": target.code,
            "moved_units": children,
            "moved_officers": officers,
        });
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "unit.merge",
                entity_type: "unit",
                entity_id: &source.id,
                unit_id: &target.id,
                topic: "unit.merged",
                details,
            },
        )
        .await?;
        let merged = load_in(&mut tx, &source.id).await?;
        tx.commit().await?;
        Ok(merged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, parent: Option<&str>, merged: Option<&str>) -> UnitRow {
        UnitRow {
            id: id.into(),
            code: id.to_uppercase(),
            kind: "team".into(),
            name: id.into(),
            parent_id: parent.map(Into::into),
            merged_into: merged.map(Into::into),
            valid_from: String::new(),
            valid_to: merged.map(|_| "2025-07-01".to_string()),
            created_at: String::new(),
        }
    }

    #[test]
    fn a_merged_unit_hangs_under_its_successor_only() {
        let rows = vec![
            row("n", None, None),
            row("bn", Some("n"), None),
            row("bg", Some("n"), Some("bn")),
        ];
        let tree = build_tree(&rows, "n").map(|t| {
            t.children
                .iter()
                .map(|c| c.unit.id.clone())
                .collect::<Vec<_>>()
        });
        assert_eq!(tree, Some(vec!["bn".to_string()]));
        let bn = build_tree(&rows, "bn").map(|t| t.children.len());
        assert_eq!(bn, Some(1));
    }
}
