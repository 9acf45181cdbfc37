//! The reconciliation: recomputes every case's contribution from the source tables, sums it as
//! the roll-up would, and reports each key where the roll-up differs (`qltt reports reconcile`,
//! and the job once a night). With `repair`, the roll-ups are then rebuilt from the source.

use std::collections::BTreeMap;

use qltt_store::reports::{self, DailyRow};
use serde::Serialize;

use super::job::FOLLOWER;
use super::source::fact_rows;
use crate::{App, AppResult};

const PAGE: i64 = 500;

/// One key where the roll-up and the source disagree.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Difference {
    pub unit_id: String,
    pub day: String,
    pub measure: String,
    pub group: String,
    pub channel: String,
    pub agency: String,
    pub rollup: i64,
    pub source: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReconcileReport {
    /// Cases read from the source tables.
    pub cases: u64,
    /// Roll-up rows compared (non-zero on either side).
    pub keys: usize,
    pub differences: Vec<Difference>,
    /// Whether the roll-ups were rebuilt (asked for, and there was a difference).
    pub repaired: bool,
}

type Key = (String, String, String, String, String, String);

fn key_of(r: &DailyRow) -> Key {
    (
        r.unit_id.clone(),
        r.day.clone(),
        r.measure.clone(),
        r.vgroup.clone(),
        r.channel.clone(),
        r.agency.clone(),
    )
}

impl App {
    /// Compares the roll-ups with a recomputation from the source tables; with `repair`, rebuilds
    /// them when they differ. Pending outbox entries are taken first, so only real drift shows
    /// (a change committed while the source is read may show once and is gone at the next run).
    pub async fn reports_reconcile(&self, repair: bool) -> AppResult<ReconcileReport> {
        let _pass = self.report_gate.lock().await;
        self.reports_drain().await?;
        let pool = self.db.pool();
        let mut source: BTreeMap<Key, i64> = BTreeMap::new();
        let mut cases = 0u64;
        let mut after = String::new();
        loop {
            let ids = reports::case_ids_after(pool, &after, PAGE).await?;
            let Some(last) = ids.last() else { break };
            after = last.clone();
            let mut conn = pool.acquire().await.map_err(crate::AppError::internal)?;
            for id in &ids {
                let Some(rows) = reports::source_in(&mut conn, id).await? else {
                    continue;
                };
                cases += 1;
                for f in fact_rows(&rows) {
                    let k = (
                        rows.unit_id.clone(),
                        f.day,
                        f.measure,
                        f.vgroup,
                        f.channel,
                        f.agency,
                    );
                    *source.entry(k).or_insert(0) += f.value;
                }
            }
        }
        source.retain(|_, v| *v != 0);
        let rollup: BTreeMap<Key, i64> = reports::daily_all(pool)
            .await?
            .iter()
            .map(|r| (key_of(r), r.value))
            .collect();
        let mut keys: Vec<&Key> = source.keys().chain(rollup.keys()).collect();
        keys.sort();
        keys.dedup();
        let differences: Vec<Difference> = keys
            .iter()
            .filter_map(|k| {
                let s = source.get(*k).copied().unwrap_or(0);
                let r = rollup.get(*k).copied().unwrap_or(0);
                (s != r).then(|| Difference {
                    unit_id: k.0.clone(),
                    day: k.1.clone(),
                    measure: k.2.clone(),
                    group: k.3.clone(),
                    channel: k.4.clone(),
                    agency: k.5.clone(),
                    rollup: r,
                    source: s,
                })
            })
            .collect();
        let repaired = repair && !differences.is_empty();
        if repaired {
            self.reports_rebuild().await?;
        }
        let mut tx = self.db.begin(self.now()).await?;
        let today = qltt_domain::format::legal_day(self.now())
            .format("%Y-%m-%d")
            .to_string();
        FOLLOWER.set_state(&mut tx, "reconciled_on", &today).await?;
        FOLLOWER
            .set_state(
                &mut tx,
                "last_reconcile",
                &serde_json::json!({"at": qltt_store::ts(self.now()), "cases": cases,
                    "differences": differences.len(), "repaired": repaired})
                .to_string(),
            )
            .await?;
        tx.commit_bookkeeping().await?;
        Ok(ReconcileReport {
            cases,
            keys: keys.len(),
            differences,
            repaired,
        })
    }

    /// Rebuilds the roll-ups from the source tables in one transaction.
    async fn reports_rebuild(&self) -> AppResult<()> {
        let pool = self.db.pool();
        let mut tx = self.db.begin(self.now()).await?;
        reports::clear(&mut tx).await?;
        let mut after = String::new();
        loop {
            let ids = reports::case_ids_after(pool, &after, PAGE).await?;
            let Some(last) = ids.last() else { break };
            after = last.clone();
            for id in &ids {
                if let Some(rows) = reports::source_in(tx.conn(), id).await? {
                    reports::replace_case(&mut tx, &rows.id, &rows.unit_id, &fact_rows(&rows))
                        .await?;
                }
            }
        }
        tx.commit_bookkeeping().await?;
        Ok(())
    }
}
