//! `qltt demo --scale N`: a realistic data set for benchmarks and load tests — N cases and 6·N
//! businesses over the 34 provinces, with teams, officers, warehouses, the cases' journals, acts,
//! deadlines, numbered documents, payments and seized lots.
//!
//! The rows are generated here (pure functions of the seed, so the same seed gives the same set)
//! and written through `qltt_store::bulk` in large batches: the per-row use cases would take
//! hours for a million cases. Each batch commits with one `demo.generated` audit event per table
//! (row count, id range, SHA-256 of the rows), so the audit chain stays whole and verifiable
//! without millions of events. Nothing goes to the outbox: the search index is rebuilt afterwards
//! with `qltt search rebuild`. The register counters are continued from what the database holds
//! and written back, so the next real document of a register takes the next number.

mod businesses;
mod cases;
mod law;
mod names;
mod org;
mod rng;
mod rows;

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use qltt_domain::format::{legal_day, parse_date};
use qltt_store::bulk::{self, BatchSummary, Table, Val};
use qltt_store::{WriteTx, units};
use secrecy::SecretString;
use serde_json::json;

use crate::auth::password::hash_password;
use crate::{App, AppError, AppResult, ErrorKind};
use cases::{Gen, Vt};
use org::World;
use rows::{Batch, Registers};

pub use org::marker_code;

/// The seed when none is given: the same data set on every machine.
pub const DEFAULT_SEED: u64 = 20_260_101;
const BUSINESS_BATCH: u64 = 20_000;
const CASE_BATCH: u64 = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaleOptions {
    pub scale: u64,
    pub seed: u64,
}

/// Where the generator is, for a progress bar.
pub trait ScaleProgress: Send + Sync {
    fn phase(&self, name: &str, total: u64);
    fn advance(&self, n: u64);
    fn finish(&self);
}

/// No progress display (tests).
pub struct Quiet;

impl ScaleProgress for Quiet {
    fn phase(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScaleReport {
    pub units: u64,
    pub officers: u64,
    pub businesses: u64,
    pub cases: u64,
    /// Every row written, all tables.
    pub rows: u64,
    pub audit_events: u64,
    /// (phase, rows, seconds)
    pub phases: Vec<(String, u64, f64)>,
}

fn catalogue(rows: Vec<qltt_store::violation_types::ViolationTypeRow>) -> Vec<Vt> {
    rows.into_iter()
        .filter_map(|r| {
            Some(Vt {
                basis: crate::cases::sanction::legal_basis(&r),
                from: parse_date(&r.effective_from)?,
                to: r.effective_to.as_deref().and_then(parse_date),
                id: r.id,
                code: r.code,
                description: r.description,
                fine_min: r.fine_min,
                fine_max: r.fine_max,
                group: r.violation_group,
                limitation_years: r.limitation_years,
            })
        })
        .collect()
}

/// Writes `values` into `table` with the batch's audit event.
async fn write(
    tx: &mut WriteTx,
    world: &World,
    table: &Table,
    values: &[Val],
    report: &mut ScaleReport,
) -> AppResult<BatchSummary> {
    let summary = bulk::insert(tx, table, values).await?;
    if summary.rows > 0 {
        bulk::audit_batch(
            tx,
            "system",
            &world.root_id,
            &summary,
            json!({"seed": world.seed, "scale": world.scale}),
        )
        .await?;
        report.audit_events += 1;
    }
    report.rows += summary.rows as u64;
    Ok(summary)
}

impl App {
    /// Generates the data set of `qltt demo --scale N` into this database (see the module).
    /// Refused when the database already holds one (`demo.already_generated`).
    pub async fn generate_scale(
        &self,
        opts: ScaleOptions,
        progress: &dyn ScaleProgress,
    ) -> AppResult<ScaleReport> {
        if opts.scale == 0 {
            return Err(AppError::bad_input(
                "demo.invalid_scale",
                "Quy mô phải lớn hơn 0.",
            ));
        }
        let pool = self.db.pool();
        if units::get_by_code(pool, &marker_code()).await?.is_some() {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "demo.already_generated",
                format!(
                    "Cơ sở dữ liệu đã có bộ dữ liệu mẫu quy mô lớn (đơn vị {}). Hãy dùng một cơ sở dữ liệu mới.",
                    marker_code()
                ),
            ));
        }
        let root = self.root_unit().await?;
        let today = legal_day(self.now());
        let years: Vec<i32> = (2023..=today.year() + 1).collect();
        self.seed_calendar(&years).await?;
        let cal = self
            .work_calendar(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap_or(today))
            .await?;
        let mut existing = HashMap::new();
        for (code, ..) in names::PROVINCES {
            if let Some(u) = units::get_by_code(pool, code).await? {
                existing.insert((*code).to_string(), u.id);
            }
        }
        let world = World::build(opts.seed, opts.scale, &root.id, &existing, today);
        let catalogue = catalogue(qltt_store::violation_types::all(pool).await?);
        let taken: HashSet<String> = bulk::tax_codes(pool).await?.into_iter().collect();
        let mut report = ScaleReport::default();

        // Organisation: one transaction.
        let started = Instant::now();
        progress.phase("đơn vị, công chức", 1);
        // One hash for every generated officer: argon2 takes ~50 ms a hash, thousands of
        // officers would take minutes; they all sign in with the demo password.
        let hash =
            hash_password(SecretString::from(super::demo::DEMO_PASSWORD.to_string())).await?;
        let org_rows = world.org_rows(&hash);
        let mut tx = bulk::begin(&self.db, self.now()).await?;
        for (table, values) in [
            &bulk::UNITS,
            &bulk::UNIT_VERSIONS,
            &bulk::USERS,
            &bulk::USER_ROLES,
            &bulk::WAREHOUSES,
        ]
        .into_iter()
        .zip(&org_rows)
        {
            write(&mut tx, &world, table, values, &mut report).await?;
        }
        tx.commit().await?;
        report.units = (org_rows[0].len() / bulk::UNITS.columns.len()) as u64;
        report.officers = (org_rows[2].len() / bulk::USERS.columns.len()) as u64;
        progress.advance(1);
        progress.finish();
        report
            .phases
            .push(("org".into(), report.rows, started.elapsed().as_secs_f64()));

        // Businesses.
        let started = Instant::now();
        progress.phase("cơ sở kinh doanh", world.businesses);
        let mut start = 0;
        while start < world.businesses {
            let end = (start + BUSINESS_BATCH).min(world.businesses);
            let mut values = Vec::with_capacity((end - start) as usize * 22);
            for i in start..end {
                let mut b = businesses::business(&world, i);
                if b.tax_code.as_ref().is_some_and(|t| taken.contains(t)) {
                    b.tax_code = None;
                }
                businesses::push_row(&world, b, &mut values);
            }
            let mut tx = bulk::begin(&self.db, self.now()).await?;
            write(&mut tx, &world, &bulk::BUSINESSES, &values, &mut report).await?;
            tx.commit().await?;
            progress.advance(end - start);
            start = end;
        }
        progress.finish();
        report.businesses = world.businesses;
        report.phases.push((
            "businesses".into(),
            world.businesses,
            started.elapsed().as_secs_f64(),
        ));

        // Cases with everything they produced. The next batch is generated on a blocking thread
        // while the current one is written, so the two cores work at once.
        let started = Instant::now();
        let rows_before = report.rows;
        progress.phase("vụ việc", opts.scale);
        let generator = std::sync::Arc::new((world.clone(), catalogue, cal));
        let mut regs = Registers::default();
        let make = |regs: Registers, from: u64| {
            let generator = generator.clone();
            let to = (from + CASE_BATCH).min(opts.scale);
            tokio::task::spawn_blocking(move || {
                let (world, catalogue, cal) = &*generator;
                let g = Gen {
                    world,
                    catalogue,
                    cal,
                    rules: qltt_domain::law::competence::default_rules(),
                };
                let mut regs = regs;
                let mut batch = Batch::default();
                for j in from..to {
                    cases::case(&g, &mut regs, j, &mut batch);
                }
                (regs, batch, to)
            })
        };
        let mut pending = Some(make(Registers::new(&bulk::counters(pool).await?), 0));
        while let Some(job) = pending.take() {
            let (next_regs, batch, to) = job.await.map_err(AppError::internal)?;
            if to < opts.scale {
                pending = Some(make(next_regs, to));
            } else {
                regs = next_regs;
            }
            let mut tx = bulk::begin(&self.db, self.now()).await?;
            for (table, values) in batch.tables() {
                write(&mut tx, &world, table, values, &mut report).await?;
            }
            tx.commit().await?;
            progress.advance(batch.cases.len() as u64 / bulk::CASES.columns.len() as u64);
        }
        progress.finish();
        report.cases = opts.scale;
        report.phases.push((
            "cases".into(),
            report.rows - rows_before,
            started.elapsed().as_secs_f64(),
        ));

        // The registers continue from the generated numbers.
        let mut tx = bulk::begin(&self.db, self.now()).await?;
        let summary = bulk::set_counters(&mut tx, &regs.rows()).await?;
        bulk::audit_batch(
            &mut tx,
            "system",
            &world.root_id,
            &summary,
            json!({"seed": world.seed, "scale": world.scale}),
        )
        .await?;
        tx.commit().await?;
        report.audit_events += 1;
        Ok(report)
    }
}

#[cfg(test)]
mod tests;
