//! Names for display. Pages show the names of a unit's parents and of the officers who acted on
//! records in scope; those names are needed to read the records, even when the parent (e.g. the
//! national unit) or the actor (e.g. a provincial head acting on a team) lies outside the viewer's
//! subtree. Only names are returned, never the records themselves.

use qltt_store::{units, users};

use crate::{App, AppResult};

impl App {
    pub async fn unit_name(&self, unit_id: &str) -> AppResult<Option<String>> {
        Ok(units::get(self.db.pool(), unit_id).await?.map(|u| u.name))
    }

    /// "Nguyễn Văn Thành (qn.chicuctruong)", or "Hệ thống" for the system itself.
    pub async fn officer_label(&self, user_id: &str) -> AppResult<String> {
        if user_id == "system" {
            return Ok("Hệ thống".into());
        }
        Ok(users::get(self.db.pool(), user_id)
            .await?
            .map(|u| format!("{} ({})", u.full_name, u.username))
            .unwrap_or_else(|| user_id.to_string()))
    }

    /// Names of the parents of a unit, nearest first (bounded, in case of a corrupt cycle).
    pub async fn ancestor_names(&self, unit_id: &str) -> AppResult<Vec<String>> {
        Ok(self
            .ancestor_units(unit_id)
            .await?
            .into_iter()
            .map(|(_, name)| name)
            .collect())
    }

    /// (id, name) of the parents of a unit, nearest first (bounded, in case of a corrupt cycle).
    pub async fn ancestor_units(&self, unit_id: &str) -> AppResult<Vec<(String, String)>> {
        let mut out = Vec::new();
        let mut next = units::get(self.db.pool(), unit_id)
            .await?
            .and_then(|u| u.parent_id);
        while let Some(id) = next {
            if out.len() >= 8 {
                break;
            }
            match units::get(self.db.pool(), &id).await? {
                Some(p) => {
                    out.push((p.id, p.name));
                    next = p.parent_id;
                }
                None => break,
            }
        }
        Ok(out)
    }
}
