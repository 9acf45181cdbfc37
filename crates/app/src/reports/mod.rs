//! Reports for leaders (issue 8): the figures of a unit subtree over a period, from the roll-ups
//! the job keeps (see `job`), broken down by period, unit, violation group, channel or joint
//! agency; the cases behind a figure; the reconciliation against the source tables.

pub mod export;
mod job;
mod reconcile;
pub mod risk;
mod source;

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use chrono::NaiveDate;
use qltt_domain::format::legal_day;
use qltt_domain::officer::Permission;
use qltt_domain::report::{Channel, Measure, Period, outstanding};
use qltt_store::reports::{self, GroupKey};
use qltt_store::units;
use serde::Serialize;
use tokio::sync::Notify;

pub use reconcile::{Difference, ReconcileProgress, ReconcileReport};

use crate::{Actor, App, AppError, AppResult};

/// Woken after a use case writes an outbox entry (besides the search job's own wake-up).
pub(crate) static WAKE: LazyLock<Notify> = LazyLock::new(Notify::new);

pub(crate) fn outbox_written() {
    WAKE.notify_one();
}

/// Which child of a chosen unit each unit of its subtree lies under (a merged unit under its
/// successor); the chosen unit's own records form their own bucket (its id).
pub(crate) struct Buckets {
    up: HashMap<String, Option<String>>,
    root: String,
}

impl Buckets {
    pub(crate) fn new(tree: &[units::UnitRow], root: &str) -> Buckets {
        Buckets {
            up: tree
                .iter()
                .map(|u| {
                    let up = u.merged_into.clone().or_else(|| u.parent_id.clone());
                    (u.id.clone(), up)
                })
                .collect(),
            root: root.to_string(),
        }
    }

    pub(crate) fn of(&self, id: &str) -> String {
        let mut cur = id.to_string();
        for _ in 0..64 {
            let Some(up) = self.up.get(&cur) else { break };
            match up {
                Some(up) if *up == self.root => return cur,
                Some(up) if cur != self.root => cur = up.clone(),
                _ => break,
            }
        }
        self.root.clone()
    }
}

/// The figures of one row (or the total). Money in đồng.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub cases_inspected: i64,
    pub cases_with_violations: i64,
    pub violations: i64,
    pub fines_imposed: i64,
    pub fines_collected: i64,
    /// Imposed minus collected up to the end of the period (of the row, for a trend).
    pub fines_outstanding: i64,
    pub value_seized: i64,
    pub value_confiscated: i64,
    pub value_destroyed: i64,
    pub cases_transferred: i64,
}

impl Figures {
    fn add(&mut self, measure: Measure, v: i64) {
        let slot = match measure {
            Measure::CasesInspected => &mut self.cases_inspected,
            Measure::CasesWithViolations => &mut self.cases_with_violations,
            Measure::Violations => &mut self.violations,
            Measure::FinesImposed => &mut self.fines_imposed,
            Measure::FinesCollected => &mut self.fines_collected,
            Measure::ValueSeized => &mut self.value_seized,
            Measure::ValueConfiscated => &mut self.value_confiscated,
            Measure::ValueDestroyed => &mut self.value_destroyed,
            Measure::CasesTransferred => &mut self.cases_transferred,
        };
        *slot += v;
    }

    /// The value of a stored measure (for pages and exports that walk [`Measure::ALL`]).
    pub fn get(&self, measure: Measure) -> i64 {
        match measure {
            Measure::CasesInspected => self.cases_inspected,
            Measure::CasesWithViolations => self.cases_with_violations,
            Measure::Violations => self.violations,
            Measure::FinesImposed => self.fines_imposed,
            Measure::FinesCollected => self.fines_collected,
            Measure::ValueSeized => self.value_seized,
            Measure::ValueConfiscated => self.value_confiscated,
            Measure::ValueDestroyed => self.value_destroyed,
            Measure::CasesTransferred => self.cases_transferred,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SummaryRow {
    /// The unit id, group, channel, agency, or the first day of the period.
    pub key: String,
    pub label: String,
    pub figures: Figures,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub from: String,
    pub to: String,
    pub unit_id: String,
    pub unit_name: String,
    pub group_by: String,
    pub totals: Figures,
    pub rows: Vec<SummaryRow>,
}

/// What a summary is asked for (all optional: the actor's unit, this year up to today, by month).
#[derive(Debug, Clone, Default)]
pub struct SummaryQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub unit_id: Option<String>,
    pub group_by: Option<String>,
}

/// How rows are cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Period(Period),
    Unit,
    Group,
    Channel,
    Agency,
}

impl GroupBy {
    pub fn parse(s: &str) -> AppResult<GroupBy> {
        Ok(match s {
            "unit" => GroupBy::Unit,
            "group" => GroupBy::Group,
            "channel" => GroupBy::Channel,
            "agency" => GroupBy::Agency,
            other => GroupBy::Period(Period::parse(other).map_err(|_| {
                AppError::bad_input(
                    "report.invalid_group_by",
                    "Cách chia không hợp lệ (day, month, quarter, year, unit, group, channel, agency).",
                )
            })?),
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Period(p) => p.as_str(),
            GroupBy::Unit => "unit",
            GroupBy::Group => "group",
            GroupBy::Channel => "channel",
            GroupBy::Agency => "agency",
        }
    }
}

/// A day span longer than this cannot be cut by day (a page of a year of days is no report).
const MAX_DAYS_BY_DAY: i64 = 366;

pub fn agency_label(agency: &str) -> &'static str {
    match agency {
        "" => "Không phối hợp",
        "police" => "Công an",
        "customs" => "Hải quan",
        "tax" => "Thuế",
        "health" => "Y tế",
        "agriculture" => "Nông nghiệp",
        "border_guard" => "Bộ đội Biên phòng",
        _ => "Cơ quan khác",
    }
}

pub fn group_label(group: &str) -> &'static str {
    if group.is_empty() {
        "Không có hành vi vi phạm"
    } else {
        crate::violations::group_label(group)
    }
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn fold(rows: &[(String, String, i64)]) -> BTreeMap<String, Figures> {
    let mut out: BTreeMap<String, Figures> = BTreeMap::new();
    for (k, m, v) in rows {
        if let Ok(m) = Measure::parse(m) {
            out.entry(k.clone()).or_default().add(m, *v);
        }
    }
    out
}

/// Split sums per key: the figures in the period (only keys with rows in it) and up to its end.
struct Split {
    in_period: BTreeMap<String, Figures>,
    to_date: BTreeMap<String, Figures>,
}

fn fold_split(rows: &[reports::SplitSum]) -> Split {
    let mut out = Split {
        in_period: BTreeMap::new(),
        to_date: BTreeMap::new(),
    };
    for r in rows {
        let Ok(m) = Measure::parse(&r.measure) else {
            continue;
        };
        if r.rows_in_period > 0 {
            out.in_period
                .entry(r.key.clone())
                .or_default()
                .add(m, r.in_period);
        }
        out.to_date
            .entry(r.key.clone())
            .or_default()
            .add(m, r.to_date);
    }
    out
}

/// The sum of figures over keys.
fn sum_of<'a>(figures: impl IntoIterator<Item = &'a Figures>) -> Figures {
    let mut total = Figures::default();
    for f in figures {
        for m in Measure::ALL {
            total.add(*m, f.get(*m));
        }
    }
    total
}

impl Split {
    /// The totals of the period, with the fines outstanding at its end.
    fn totals(&self) -> Figures {
        let mut totals = sum_of(self.in_period.values());
        let to_date = sum_of(self.to_date.values());
        totals.fines_outstanding = outstanding(to_date.fines_imposed, to_date.fines_collected);
        totals
    }

    /// What was imposed and collected before the period (to date minus in the period).
    fn before(&self) -> Figures {
        let in_period = sum_of(self.in_period.values());
        let mut before = sum_of(self.to_date.values());
        for m in Measure::ALL {
            before.add(*m, -in_period.get(*m));
        }
        before
    }
}

impl App {
    /// The unit a report covers: the asked one if in the actor's scope (403 otherwise), else the
    /// actor's own.
    pub async fn report_unit(
        &self,
        actor: &Actor,
        unit_id: Option<&str>,
    ) -> AppResult<units::UnitRow> {
        actor.require(Permission::ViewReports)?;
        let id = unit_id
            .filter(|s| !s.trim().is_empty())
            .unwrap_or(&actor.unit_id);
        let unit = units::get(self.db.pool(), id.trim())
            .await?
            .ok_or_else(|| AppError::not_found("unit.not_found"))?;
        self.require_scope(actor, &unit.id).await?;
        Ok(unit)
    }

    /// The figures of a unit subtree over a period (`GET /api/v1/reports/summary`).
    #[tracing::instrument(skip(self, actor, q), fields(actor = %actor.id))]
    pub async fn report_summary(&self, actor: &Actor, q: &SummaryQuery) -> AppResult<Summary> {
        let unit = self.report_unit(actor, q.unit_id.as_deref()).await?;
        let today = legal_day(self.now());
        let to = q.to.unwrap_or(today);
        let from = q.from.unwrap_or_else(|| Period::Year.start_of(to));
        if from > to {
            return Err(AppError::bad_input(
                "report.invalid_period",
                "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.",
            ));
        }
        let group_by = GroupBy::parse(q.group_by.as_deref().unwrap_or("month"))?;
        if group_by == GroupBy::Period(Period::Day) && (to - from).num_days() >= MAX_DAYS_BY_DAY {
            return Err(AppError::bad_input(
                "report.range_too_long",
                "Chia theo ngày chỉ cho khoảng tối đa một năm; hãy chia theo tháng.",
            ));
        }
        // Figures are as fresh as the last committed change.
        self.reports_catch_up_if_idle().await?;
        let (f, t) = (day(from), day(to));
        // One statement per view (two for a cut by day): its rows and its totals.
        let (totals, rows) = match group_by {
            GroupBy::Period(p) => self.period_rows(&unit.id, from, to, p).await?,
            other => self.dimension_rows(&unit, from, to, other).await?,
        };
        Ok(Summary {
            from: f,
            to: t,
            unit_id: unit.id.clone(),
            unit_name: unit.name.clone(),
            group_by: group_by.as_str().into(),
            totals,
            rows,
        })
    }

    /// The totals of a unit subtree over a period, as the summary shows them (its `totals`):
    /// what periodic reports pre-fill. No permission check: the caller has checked who asks.
    pub(crate) async fn report_totals(
        &self,
        unit_id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<Figures> {
        // Figures are as fresh as the last committed change.
        self.reports_catch_up_if_idle().await?;
        let split = reports::split_sums(self.db.pool(), unit_id, from, to, GroupKey::Total).await?;
        Ok(fold_split(&split).totals())
    }

    /// The rows of a trend (and the totals): by day from the day rows of the period, by month,
    /// quarter or year from the month rows (the months cut by the period's ends by day).
    async fn period_rows(
        &self,
        root: &str,
        from: NaiveDate,
        to: NaiveDate,
        p: Period,
    ) -> AppResult<(Figures, Vec<SummaryRow>)> {
        let pool = self.db.pool();
        let (by_key, totals, before) = if p == Period::Day {
            let by_day =
                fold(&reports::sums(pool, root, Some(&day(from)), &day(to), GroupKey::Day).await?);
            let split =
                fold_split(&reports::split_sums(pool, root, from, to, GroupKey::Total).await?);
            (by_day, split.totals(), split.before())
        } else {
            let split =
                fold_split(&reports::split_sums(pool, root, from, to, GroupKey::Month).await?);
            let (totals, before) = (split.totals(), split.before());
            // Month keys ("2026-03") become the month's first day, so that periods are day
            // ranges.
            let by_month = split
                .in_period
                .into_iter()
                .map(|(k, f)| (format!("{k}-01"), f))
                .collect();
            (by_month, totals, before)
        };
        // Outstanding at the end of each period: what was outstanding before `from`, then each
        // period's imposed minus collected.
        let mut running = outstanding(before.fines_imposed, before.fines_collected);
        let mut rows = Vec::new();
        let mut start = p.start_of(from);
        while start <= to {
            let next = p.next(start);
            let mut figures = sum_of(by_key.range(day(start)..day(next)).map(|(_, f)| f));
            running += figures.fines_imposed - figures.fines_collected;
            figures.fines_outstanding = running;
            rows.push(SummaryRow {
                key: day(start),
                label: p.period_label(start),
                figures,
            });
            if next <= start {
                break;
            }
            start = next;
        }
        Ok((totals, rows))
    }

    async fn dimension_rows(
        &self,
        unit: &units::UnitRow,
        from: NaiveDate,
        to: NaiveDate,
        by: GroupBy,
    ) -> AppResult<(Figures, Vec<SummaryRow>)> {
        let pool = self.db.pool();
        let key = match by {
            GroupBy::Unit => GroupKey::Unit,
            GroupBy::Group => GroupKey::Group,
            GroupBy::Channel => GroupKey::Channel,
            _ => GroupKey::Agency,
        };
        let split = fold_split(&reports::split_sums(pool, &unit.id, from, to, key).await?);
        let totals = split.totals();
        let Split {
            mut in_period,
            mut to_date,
        } = split;
        let mut labels: HashMap<String, String> = HashMap::new();
        if by == GroupBy::Unit {
            // Each unit's figures go to the child of the chosen unit it lies under (a merged
            // unit under its successor); the chosen unit's own cases form their own row.
            let tree = units::subtree(pool, &unit.id).await?;
            let buckets = Buckets::new(&tree, &unit.id);
            let bucket = |id: &str| buckets.of(id);
            for u in &tree {
                labels.insert(u.id.clone(), u.name.clone());
            }
            let regroup = |m: BTreeMap<String, Figures>| {
                let mut out: BTreeMap<String, Figures> = BTreeMap::new();
                for (k, f) in m {
                    let slot = out.entry(bucket(&k)).or_default();
                    for ms in Measure::ALL {
                        slot.add(*ms, f.get(*ms));
                    }
                }
                out
            };
            in_period = regroup(in_period);
            to_date = regroup(to_date);
        }
        let mut rows: Vec<SummaryRow> = in_period
            .into_iter()
            .map(|(k, mut figures)| {
                let upto = to_date.get(&k).cloned().unwrap_or_default();
                figures.fines_outstanding = outstanding(upto.fines_imposed, upto.fines_collected);
                let label = match by {
                    GroupBy::Unit => labels.get(&k).cloned().unwrap_or_else(|| k.clone()),
                    GroupBy::Group => group_label(&k).to_string(),
                    GroupBy::Channel => Channel::parse(&k).map_or("?", |c| c.label()).to_string(),
                    _ => agency_label(&k).to_string(),
                };
                SummaryRow {
                    key: k,
                    label,
                    figures,
                }
            })
            .collect();
        rows.sort_by(|a, b| a.label.cmp(&b.label));
        Ok((totals, rows))
    }

    /// The ids of the cases behind a figure (drill-down), at most `limit`. Besides the measures,
    /// `deadlines_overdue` and `deadlines_due_soon` give the cases behind the deadlines at risk
    /// (as of today; `from` and `to` do not apply).
    pub async fn report_cases(
        &self,
        actor: &Actor,
        unit_id: Option<&str>,
        measure: &str,
        from: NaiveDate,
        to: NaiveDate,
        limit: i64,
    ) -> AppResult<Vec<String>> {
        let unit = self.report_unit(actor, unit_id).await?;
        if let Some(overdue) = risk::drill(measure) {
            return self.risk_cases(&unit.id, overdue, limit).await;
        }
        let measure = Measure::parse(measure)?;
        self.reports_catch_up_if_idle().await?;
        Ok(reports::cases_behind(
            self.db.pool(),
            &unit.id,
            measure.as_str(),
            &day(from),
            &day(to),
            limit,
        )
        .await?)
    }
}

impl App {
    /// The units a leader may pick on the report page: their subtree's current units.
    pub async fn report_units(&self, actor: &Actor) -> AppResult<Vec<(String, String)>> {
        actor.require(Permission::ViewReports)?;
        Ok(units::subtree(self.db.pool(), &actor.unit_id)
            .await?
            .into_iter()
            .filter(|u| u.active())
            .map(|u| (u.id, u.name))
            .collect())
    }
}
