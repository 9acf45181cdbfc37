//! Deadlines at risk on the leader's dashboard (issue 8, part 3): the open deadlines of a
//! subtree (explanation, decision, delivery, payment…) overdue or due within 2 days, by unit
//! below the chosen one and by kind of deadline, as the work queues count them (the same
//! `case_deadlines` rows, the same 2 days), each figure drilling down to the cases behind it.

use std::collections::BTreeMap;

use chrono::Duration;
use qltt_domain::format::legal_day;
use qltt_store::{cases, units};
use serde::Serialize;

use super::Buckets;
use crate::cases::deadline_label;
use crate::{Actor, App, AppResult};

/// The drill-down keys of the two figures.
pub const OVERDUE: &str = "deadlines_overdue";
pub const DUE_SOON: &str = "deadlines_due_soon";

/// What a drill-down key asks: `Some(true)` overdue, `Some(false)` due soon, `None` a measure.
pub fn drill(key: &str) -> Option<bool> {
    match key {
        OVERDUE => Some(true),
        DUE_SOON => Some(false),
        _ => None,
    }
}

/// How a drill-down key reads on the case list.
pub fn drill_label(key: &str) -> Option<&'static str> {
    match key {
        OVERDUE => Some("Thời hạn đã quá"),
        DUE_SOON => Some("Thời hạn đến trong 2 ngày"),
        _ => None,
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RiskRow {
    /// A unit id, or a deadline kind.
    pub key: String,
    pub label: String,
    pub overdue: i64,
    pub due_soon: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeadlineRisk {
    pub unit_id: String,
    /// YYYY-MM-DD: overdue means due before this day.
    pub today: String,
    /// YYYY-MM-DD: due soon means due from today up to this day.
    pub until: String,
    pub overdue: i64,
    pub due_soon: i64,
    pub by_unit: Vec<RiskRow>,
    pub by_kind: Vec<RiskRow>,
}

/// Within how many days a deadline is "due soon" (the work queues' horizon).
const SOON_DAYS: i64 = 2;

impl App {
    /// The deadlines at risk of a unit of the actor's report scope (the actor's own unit if none).
    pub async fn deadline_risk(
        &self,
        actor: &Actor,
        unit_id: Option<&str>,
    ) -> AppResult<DeadlineRisk> {
        let unit = self.report_unit(actor, unit_id).await?;
        let pool = self.db.pool();
        let today = legal_day(self.now());
        let (t, u) = (
            today.format("%Y-%m-%d").to_string(),
            (today + Duration::days(SOON_DAYS))
                .format("%Y-%m-%d")
                .to_string(),
        );
        let rows = cases::deadline_risk(pool, &unit.id, &t, &u).await?;
        let tree = units::subtree(pool, &unit.id).await?;
        let buckets = Buckets::new(&tree, &unit.id);
        let names: BTreeMap<&str, &str> = tree
            .iter()
            .map(|x| (x.id.as_str(), x.name.as_str()))
            .collect();
        let mut by_unit: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        let mut by_kind: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        let (mut overdue, mut due_soon) = (0, 0);
        for r in rows {
            let add = |slot: &mut (i64, i64)| {
                if r.overdue == 1 {
                    slot.0 += r.n;
                } else {
                    slot.1 += r.n;
                }
            };
            add(by_unit.entry(buckets.of(&r.unit_id)).or_default());
            add(by_kind.entry(r.kind.clone()).or_default());
            if r.overdue == 1 {
                overdue += r.n;
            } else {
                due_soon += r.n;
            }
        }
        let mut units_out: Vec<RiskRow> = by_unit
            .into_iter()
            .map(|(k, (o, s))| RiskRow {
                label: names
                    .get(k.as_str())
                    .copied()
                    .unwrap_or_default()
                    .to_string(),
                key: k,
                overdue: o,
                due_soon: s,
            })
            .collect();
        // The worst first: most overdue, then most due soon.
        units_out.sort_by(|a, b| {
            (b.overdue, b.due_soon, &a.label).cmp(&(a.overdue, a.due_soon, &b.label))
        });
        let kinds_out = by_kind
            .into_iter()
            .map(|(k, (o, s))| RiskRow {
                label: deadline_label(&k).to_string(),
                key: k,
                overdue: o,
                due_soon: s,
            })
            .collect();
        Ok(DeadlineRisk {
            unit_id: unit.id,
            today: t,
            until: u,
            overdue,
            due_soon,
            by_unit: units_out,
            by_kind: kinds_out,
        })
    }

    pub(super) async fn risk_cases(
        &self,
        unit_id: &str,
        overdue: bool,
        limit: i64,
    ) -> AppResult<Vec<String>> {
        let today = legal_day(self.now());
        let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
        let (from, until) = if overdue {
            // Everything due before today: from the beginning of time.
            (String::new(), day(today - Duration::days(1)))
        } else {
            (day(today), day(today + Duration::days(SOON_DAYS)))
        };
        Ok(cases::cases_with_open_deadlines(self.db.pool(), unit_id, &from, &until, limit).await?)
    }
}
