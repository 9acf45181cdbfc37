//! The violation catalogue (danh mục hành vi vi phạm): loaded from the seed file kept in the
//! repository (`seed/violation_types.csv`, each row with its legal basis and whether it was
//! confirmed against the text), versioned by effective date so that a case keeps the rule in force
//! on the day of the act.

use qltt_domain::business::fold;
use qltt_domain::officer::Permission;
use qltt_store::violation_types::{self, Upsert, ViolationTypeRow};
use serde::Deserialize;
use serde_json::json;

use crate::{Actor, App, AppError, AppResult, Change};

/// The catalogue shipped with this version of the product.
pub const SEED_CSV: &str = include_str!("../../seed/violation_types.csv");

/// The groups of ins.md (reports break figures down by them).
pub const GROUPS: &[(&str, &str)] = &[
    ("counterfeit", "Hàng giả"),
    ("smuggled", "Hàng nhập lậu"),
    ("prohibited", "Hàng cấm"),
    ("unknown_origin", "Hàng không rõ nguồn gốc, xuất xứ"),
    ("ip", "Sở hữu trí tuệ"),
    ("prices", "Giá"),
    ("ecommerce", "Thương mại điện tử"),
    ("food_safety", "An toàn thực phẩm"),
    ("other", "Khác"),
];

pub fn group_label(group: &str) -> &'static str {
    GROUPS
        .iter()
        .find(|(g, _)| *g == group)
        .map_or("Khác", |(_, l)| l)
}

#[derive(Debug, Deserialize)]
struct SeedRow {
    code: String,
    decree: String,
    article: String,
    clause: String,
    #[serde(default)]
    point: String,
    description_vi: String,
    fine_min: i64,
    fine_max: i64,
    group: String,
    limitation_years: i64,
    #[serde(default)]
    additional_penalties: String,
    #[serde(default)]
    remedial_measures: String,
    effective_from: String,
    #[serde(default)]
    effective_to: String,
    status: String,
    #[serde(default)]
    source: String,
}

/// Parses and checks the seed file: a broken row is a bug of this release, reported with its line.
pub fn parse_seed(text: &str) -> Result<Vec<ViolationTypeRow>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.deserialize::<SeedRow>().enumerate() {
        let line = i + 2;
        let r = record.map_err(|e| format!("violation_types.csv line {line}: {e}"))?;
        if r.fine_min < 0 || r.fine_min > r.fine_max {
            return Err(format!(
                "violation_types.csv line {line}: fine frame {}–{}",
                r.fine_min, r.fine_max
            ));
        }
        if !GROUPS.iter().any(|(g, _)| *g == r.group) {
            return Err(format!(
                "violation_types.csv line {line}: unknown group {:?}",
                r.group
            ));
        }
        if !(r.limitation_years == 1 || r.limitation_years == 2) {
            return Err(format!(
                "violation_types.csv line {line}: limitation {}",
                r.limitation_years
            ));
        }
        if qltt_domain::format::parse_date(&r.effective_from).is_none() {
            return Err(format!(
                "violation_types.csv line {line}: effective_from {:?}",
                r.effective_from
            ));
        }
        let search_text = fold(&format!(
            "{} {} điều {} khoản {} {}",
            r.code, r.description_vi, r.article, r.clause, r.point
        ));
        rows.push(ViolationTypeRow {
            id: format!("{}@{}", r.code, r.effective_from),
            code: r.code,
            decree: r.decree,
            article: r.article,
            clause: r.clause,
            point: r.point,
            description: r.description_vi,
            fine_min: r.fine_min,
            fine_max: r.fine_max,
            violation_group: r.group,
            limitation_years: r.limitation_years,
            additional_penalties: r.additional_penalties,
            remedial_measures: r.remedial_measures,
            effective_from: r.effective_from,
            effective_to: (!r.effective_to.is_empty()).then_some(r.effective_to),
            status: r.status,
            source: r.source,
            search_text,
        });
    }
    let mut ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("violation_types.csv: {} appears twice", w[0]));
    }
    Ok(rows)
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CatalogueSync {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl App {
    /// Brings the catalogue table up to the seed file of this release, in one audited transaction
    /// (nothing is written, and no event, when nothing changed). Versions are never deleted: a
    /// case refers to the version it was decided under.
    pub async fn sync_violation_catalogue(&self) -> AppResult<CatalogueSync> {
        let rows = parse_seed(SEED_CSV).map_err(AppError::internal)?;
        let actor = self.system_actor().await?;
        let root = self.root_unit().await?;
        let mut tx = self.db.begin(self.now()).await?;
        let mut sync = CatalogueSync::default();
        let mut changed = Vec::new();
        for row in &rows {
            match violation_types::upsert(tx.conn(), row).await? {
                Upsert::Inserted => {
                    sync.inserted += 1;
                    changed.push(row.id.clone());
                }
                Upsert::Updated => {
                    sync.updated += 1;
                    changed.push(row.id.clone());
                }
                Upsert::Unchanged => sync.unchanged += 1,
            }
        }
        if changed.is_empty() {
            tx.rollback().await?;
            return Ok(sync);
        }
        crate::record(
            &mut tx,
            &actor,
            Change {
                action: "violation_catalogue.sync",
                entity_type: "violation_catalogue",
                entity_id: "seed",
                unit_id: &root.id,
                topic: "violation_catalogue.changed",
                details: json!({"inserted": sync.inserted, "updated": sync.updated, "versions": changed}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(sync)
    }

    /// Current violation types matching the words (without diacritics too), optionally of a group.
    pub async fn search_violation_types(
        &self,
        actor: &Actor,
        q: &str,
        group: Option<&str>,
        limit: i64,
    ) -> AppResult<Vec<ViolationTypeRow>> {
        actor.require(Permission::ViewCases)?;
        let words: Vec<String> = fold(q)
            .split_whitespace()
            .take(8)
            .map(str::to_string)
            .collect();
        let group = group.filter(|g| !g.is_empty());
        if let Some(g) = group
            && !GROUPS.iter().any(|(k, _)| *k == g)
        {
            return Err(AppError::bad_input(
                "violation_type.invalid_group",
                "Nhóm hành vi không hợp lệ.",
            ));
        }
        Ok(violation_types::search(self.db.pool(), &words, group, limit.clamp(1, 200)).await?)
    }

    pub async fn violation_type(&self, actor: &Actor, id: &str) -> AppResult<ViolationTypeRow> {
        actor.require(Permission::ViewCases)?;
        violation_types::get(self.db.pool(), id)
            .await?
            .ok_or_else(|| AppError::not_found("violation_type.not_found"))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalogue_parses_and_every_frame_is_sane() {
        let rows = parse_seed(SEED_CSV).unwrap_or_else(|e| panic!("{e}"));
        assert!(!rows.is_empty());
        for r in &rows {
            assert!(r.fine_min <= r.fine_max, "{}", r.code);
            assert!(r.id.starts_with(&r.code));
        }
    }

    #[test]
    fn a_broken_seed_row_is_reported_with_its_line() {
        let text = "code,decree,article,clause,point,description_vi,fine_min,fine_max,group,limitation_years,additional_penalties,remedial_measures,effective_from,effective_to,status,source\n\
                    X-1,98/2020/NĐ-CP,15,1,,mô tả,2000,1000,smuggled,2,,,2020-10-15,,confirmed,\n";
        let err = parse_seed(text).unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }
}
