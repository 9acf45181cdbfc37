//! The roll-up job: follows the outbox (the same marks-and-horizon follower as the search
//! indexer, `qltt_store::outbox::Follower`) and, for each case an entry names (directly, or
//! through one of its exhibit lots), recomputes what the case contributes and replaces its facts.
//! Recomputing from the rows instead of applying the entry's payload makes a pass idempotent: an
//! entry seen twice changes nothing, and the facts always match the committed rows.
//!
//! Not audited: the roll-ups are derived data, recomputable at any time from audited rows
//! (cases, acts, payments, exhibits); auditing them would double the audit chain for nothing a
//! reader could not recompute. Their writes are committed as bookkeeping, like the search marks.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use qltt_store::outbox::{Follower, HORIZON_LAG, id_at};
use qltt_store::reports;

use super::source::fact_rows;
use crate::{App, AppResult};

/// The job's marks and horizon over the outbox (migration 0010).
pub(super) const FOLLOWER: Follower = Follower {
    marks: "report_marks",
    mark_column: "processed_at",
    state: "report_state",
    topics: "(o.topic LIKE 'case.%' OR o.topic LIKE 'exhibit.%')",
};

/// Outbox entries per pass (one transaction).
const BATCH: i64 = 500;

impl App {
    /// Brings the roll-ups up to every committed change. Returns the number of entries taken.
    pub async fn reports_catch_up(&self) -> AppResult<usize> {
        // Passes and reconciliations never overlap in a process (`report_gate`); across nodes the
        // first write of a pass (the `last_pass` state row) serialises them on PostgreSQL, as
        // BEGIN IMMEDIATE does on SQLite.
        let _pass = self.report_gate.lock().await;
        self.reports_drain().await
    }

    /// As [`App::reports_catch_up`], unless a pass or a reconciliation is running (then the
    /// figures are served as the roll-ups stand: a dashboard never waits for a nightly run).
    pub(super) async fn reports_catch_up_if_idle(&self) -> AppResult<()> {
        if let Ok(_pass) = self.report_gate.try_lock() {
            self.reports_drain().await?;
        }
        Ok(())
    }

    pub(super) async fn reports_drain(&self) -> AppResult<usize> {
        let pool = self.db.pool();
        let horizon = FOLLOWER
            .state_value(pool, "horizon")
            .await?
            .unwrap_or_default();
        let mut taken = 0;
        loop {
            let entries = FOLLOWER.pending(pool, &horizon, BATCH).await?;
            if entries.is_empty() {
                break;
            }
            let mut cases = BTreeSet::new();
            for (_, topic, entity) in &entries {
                if topic.starts_with("case.") {
                    cases.insert(entity.clone());
                } else if let Some(case_id) = reports::case_of_exhibit(pool, entity).await? {
                    cases.insert(case_id);
                }
            }
            let mut tx = self.db.begin(self.now()).await?;
            FOLLOWER
                .set_state(&mut tx, "last_pass", &qltt_store::ts(self.now()))
                .await?;
            for case_id in &cases {
                if let Some(rows) = reports::source_in(tx.conn(), case_id).await? {
                    reports::replace_case(&mut tx, &rows.id, &rows.unit_id, &fact_rows(&rows))
                        .await?;
                }
            }
            FOLLOWER.mark(&mut tx, &entries).await?;
            tx.commit_bookkeeping().await?;
            taken += entries.len();
        }
        let next = id_at(
            SystemTime::now()
                .checked_sub(HORIZON_LAG)
                .unwrap_or(UNIX_EPOCH),
        );
        if next > horizon {
            let mut tx = self.db.begin(self.now()).await?;
            FOLLOWER.advance(&mut tx, &next).await?;
            tx.commit_bookkeeping().await?;
        }
        Ok(taken)
    }

    /// Runs the job until the process ends: a pass every `tick` and after each committed change,
    /// and the reconciliation once a night (after 01:00 Vietnam time), repairing what it finds.
    pub fn spawn_reports_job(self: &Arc<App>, tick: Duration) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = app.reports_catch_up().await {
                    tracing::warn!(code = e.code, error = %e.message, "report roll-up failed; retrying");
                }
                if let Err(e) = app.nightly_reconcile().await {
                    tracing::warn!(code = e.code, error = %e.message, "report reconciliation failed");
                }
                tokio::select! {
                    _ = super::WAKE.notified() => {
                        tokio::time::sleep(Duration::from_millis(30)).await;
                    }
                    _ = tokio::time::sleep(tick) => {}
                }
            }
        })
    }

    async fn nightly_reconcile(&self) -> AppResult<()> {
        let local = qltt_domain::format::to_local(self.now());
        if chrono::Timelike::hour(&local) < 1 {
            return Ok(());
        }
        let today = local.date_naive().format("%Y-%m-%d").to_string();
        let done = FOLLOWER
            .state_value(self.db.pool(), "reconciled_on")
            .await?;
        if done.as_deref() == Some(today.as_str()) {
            return Ok(());
        }
        let report = self.reports_reconcile(true).await?;
        if report.differences.is_empty() {
            tracing::info!(
                cases = report.cases,
                "report roll-ups reconciled: no difference"
            );
        } else {
            tracing::warn!(
                cases = report.cases,
                differences = report.differences.len(),
                "report roll-ups differed from the source tables; the differing rows were repaired"
            );
        }
        Ok(())
    }
}
