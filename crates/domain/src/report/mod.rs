//! The figures leaders report (issue 8): which event of a case counts toward which measure, and on
//! which day. Pure: the app reads a case's rows into a [`CaseSource`], [`facts`] says what the case
//! contributes, and both the roll-up job and the reconciliation use this one definition.
//!
//! Dates (ins.md, "Lifecycle" and "Forms produced"; the legal day in Vietnam, +07:00):
//! - a case is **inspected** on the day of its inspection record (Circular 27/2020 form 06); a case
//!   caught in the act starts at the violation record, which is then its inspection;
//! - a case **with violations** counts on the day of its violation record (LHAV Art. 58), and each
//!   act in it counts as one **violation** on that day, in the act's own group;
//! - a fine is **imposed** on the sanction decision's date (LHAV Art. 68: the decision states the
//!   fine of each act), per act and in the act's group;
//! - a fine is **collected** on the day paid (LHAV Art. 78; the late-payment charge is not a fine
//!   and is not counted); **outstanding** at a day is imposed minus collected up to that day;
//! - goods are **seized** on the day they were seized (LHAV Art. 125), at their estimated value;
//!   **confiscated** goods count on the day of the decision that confiscates them (LHAV Art. 26
//!   and 65: confiscation is a penalty of the decision), once their lot is in a confiscated status;
//!   **destroyed** goods count on the day of the destruction (the lot's last custody move);
//! - a case is **transferred** on the day of the transfer decision (LHAV Art. 62).
//!
//! Case-level measures fall in the group of the case's first act, so that a breakdown by group
//! adds up to the total; act-level measures (violations, fines imposed) fall in each act's group.

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

labelled_enum!(
    /// A figure kept in the roll-up, summed over days. Outstanding fines are derived (imposed
    /// minus collected up to a day), not stored.
    Measure, "measure", "report.invalid_measure", "Chỉ tiêu báo cáo không hợp lệ.", {
    CasesInspected => "cases_inspected", "Vụ việc đã kiểm tra",
    CasesWithViolations => "cases_with_violations", "Vụ việc có vi phạm",
    Violations => "violations", "Hành vi vi phạm",
    FinesImposed => "fines_imposed", "Tiền phạt đã quyết định",
    FinesCollected => "fines_collected", "Tiền phạt đã thu",
    ValueSeized => "value_seized", "Giá trị hàng tạm giữ",
    ValueConfiscated => "value_confiscated", "Giá trị hàng tịch thu",
    ValueDestroyed => "value_destroyed", "Giá trị hàng tiêu hủy",
    CasesTransferred => "cases_transferred", "Vụ việc chuyển cơ quan điều tra",
});

impl Measure {
    /// Whether the figure is an amount of money (đồng) rather than a count.
    pub fn is_money(self) -> bool {
        matches!(
            self,
            Measure::FinesImposed
                | Measure::FinesCollected
                | Measure::ValueSeized
                | Measure::ValueConfiscated
                | Measure::ValueDestroyed
        )
    }
}

labelled_enum!(
    /// E-commerce or not: a case opened from e-commerce monitoring, or with an act of the
    /// e-commerce group, is online.
    Channel, "channel", "report.invalid_channel", "Kênh không hợp lệ (online, offline).", {
    Online => "online", "Thương mại điện tử",
    Offline => "offline", "Kinh doanh truyền thống",
});

/// Lot statuses reached only through confiscation (a handed-over lot may or may not have been
/// confiscated first; the lot row does not say, so it is not counted).
const CONFISCATED: [&str; 3] = ["awaiting_disposal", "destroyed", "sold"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActSource {
    pub group: String,
    pub discovered_on: NaiveDate,
    /// Set by the sanction decision.
    pub fine: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotSource {
    pub seized_on: NaiveDate,
    /// The lot's share of the value seized (splits move value pro rata, so lots add up).
    pub value: i64,
    pub status: String,
    /// The legal day of the lot's last custody move.
    pub last_moved_on: NaiveDate,
}

/// What the reports need to know about one case, read from its rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseSource {
    pub origin: String,
    pub inspected_on: Option<NaiveDate>,
    pub violation_recorded_on: Option<NaiveDate>,
    /// The sanction decision's date.
    pub sanctioned_on: Option<NaiveDate>,
    /// The decision that confiscates: the sanction decision, or the decision not to sanction.
    pub decided_on: Option<NaiveDate>,
    pub transferred_on: Option<NaiveDate>,
    /// The first agency named as joint in the inspection ("police", "customs", …).
    pub joint_agency: Option<String>,
    /// In the record's order.
    pub acts: Vec<ActSource>,
    /// (paid on, amount)
    pub payments: Vec<(NaiveDate, i64)>,
    pub lots: Vec<LotSource>,
}

/// The roll-up's key besides the unit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FactKey {
    pub day: NaiveDate,
    pub measure: Measure,
    /// A violation group of ins.md, or "" when the case has no act.
    pub group: String,
    pub channel: Channel,
    /// A joint agency, or "" when the case had none.
    pub agency: String,
}

impl CaseSource {
    fn main_group(&self) -> String {
        self.acts
            .first()
            .map(|a| a.group.clone())
            .unwrap_or_default()
    }

    pub fn channel(&self) -> Channel {
        if self.origin == "ecommerce" || self.acts.iter().any(|a| a.group == "ecommerce") {
            Channel::Online
        } else {
            Channel::Offline
        }
    }
}

/// What one case contributes to each key (zero contributions left out).
pub fn facts(case: &CaseSource) -> BTreeMap<FactKey, i64> {
    let channel = case.channel();
    let agency = case.joint_agency.clone().unwrap_or_default();
    let main = case.main_group();
    let mut out: BTreeMap<FactKey, i64> = BTreeMap::new();
    let mut add = |day: NaiveDate, measure: Measure, group: &str, value: i64| {
        if value == 0 {
            return;
        }
        let key = FactKey {
            day,
            measure,
            group: group.to_string(),
            channel,
            agency: agency.clone(),
        };
        *out.entry(key).or_insert(0) += value;
    };
    // Caught in the act: the violation record is the inspection.
    if let Some(d) = case.inspected_on.or(case.violation_recorded_on) {
        add(d, Measure::CasesInspected, &main, 1);
    }
    if let Some(d) = case.violation_recorded_on
        && !case.acts.is_empty()
    {
        add(d, Measure::CasesWithViolations, &main, 1);
    }
    for act in &case.acts {
        add(act.discovered_on, Measure::Violations, &act.group, 1);
        if let (Some(d), Some(fine)) = (case.sanctioned_on, act.fine) {
            add(d, Measure::FinesImposed, &act.group, fine);
        }
    }
    for (d, amount) in &case.payments {
        add(*d, Measure::FinesCollected, &main, *amount);
    }
    for lot in &case.lots {
        add(lot.seized_on, Measure::ValueSeized, &main, lot.value);
        if CONFISCATED.contains(&lot.status.as_str()) {
            let d = case.decided_on.unwrap_or(lot.last_moved_on);
            add(d, Measure::ValueConfiscated, &main, lot.value);
        }
        if lot.status == "destroyed" {
            add(lot.last_moved_on, Measure::ValueDestroyed, &main, lot.value);
        }
    }
    if let Some(d) = case.transferred_on {
        add(d, Measure::CasesTransferred, &main, 1);
    }
    out
}

labelled_enum!(
    /// How a trend is cut into periods.
    Period, "period", "report.invalid_period", "Kỳ báo cáo không hợp lệ (day, month, quarter, year).", {
    Day => "day", "Ngày",
    Month => "month", "Tháng",
    Quarter => "quarter", "Quý",
    Year => "year", "Năm",
});

impl Period {
    /// The first day of the period holding `d`.
    pub fn start_of(self, d: NaiveDate) -> NaiveDate {
        let first = |m: u32| NaiveDate::from_ymd_opt(d.year(), m, 1).unwrap_or(d);
        match self {
            Period::Day => d,
            Period::Month => first(d.month()),
            Period::Quarter => first((d.month() - 1) / 3 * 3 + 1),
            Period::Year => first(1),
        }
    }

    /// The first day of the next period.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        let months = match self {
            Period::Day => return start.succ_opt().unwrap_or(start),
            Period::Month => 1,
            Period::Quarter => 3,
            Period::Year => 12,
        };
        start
            .checked_add_months(chrono::Months::new(months))
            .unwrap_or(start)
    }

    /// "05/03/2026", "03/2026", "Quý I/2026", "2026".
    pub fn period_label(self, start: NaiveDate) -> String {
        match self {
            Period::Day => crate::format::format_date(start),
            Period::Month => start.format("%m/%Y").to_string(),
            Period::Quarter => {
                let q = ["I", "II", "III", "IV"][((start.month() - 1) / 3) as usize];
                format!("Quý {q}/{}", start.year())
            }
            Period::Year => start.year().to_string(),
        }
    }
}

/// Outstanding fines at the end of a day: imposed minus collected up to it (a decision not
/// enforced after a year, LHAV Art. 74, still counts: the reports show it until closed by law).
pub fn outstanding(imposed_to_date: i64, collected_to_date: i64) -> i64 {
    imposed_to_date.saturating_sub(collected_to_date)
}

/// Which roll-up rows answer "up to `to`, and of those, which fall in `[from, to]`": whole
/// months come from the month roll-up (about a tenth of the day rows at national scale), and only
/// the months cut by `from` or `to` are read day by day. Every day up to `to` is counted exactly
/// once, and counted in the period exactly when it is in `[from, to]` (property-tested).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupPlan {
    /// Months ("YYYY-MM") up to and including this one are read from the month roll-up…
    pub months_to: String,
    /// …except this one (the month cut by `from`, read by day instead).
    pub skip_month: Option<String>,
    /// Months from this one on are in the period.
    pub period_month: String,
    /// Day ranges (inclusive) read from the day roll-up: at most the month cut by `from` and
    /// the month cut by `to`. Days on or after `from` are in the period.
    pub day_ranges: Vec<(NaiveDate, NaiveDate)>,
}

/// "2026-03" for any day of March 2026.
pub fn month_key(d: NaiveDate) -> String {
    d.format("%Y-%m").to_string()
}

impl RollupPlan {
    /// The plan for a period `[from, to]` (`from` ≤ `to`; the caller checks).
    pub fn new(from: NaiveDate, to: NaiveDate) -> RollupPlan {
        let first_of = |d: NaiveDate| Period::Month.start_of(d);
        let last_of = |d: NaiveDate| Period::Month.next(first_of(d)).pred_opt().unwrap_or(d);
        let from_cut = from.day() != 1;
        let to_cut = to != last_of(to);
        let same_month = first_of(from) == first_of(to);
        let months_to = if to_cut {
            // The month before `to`'s; before the calendar's first month, none.
            first_of(to)
                .pred_opt()
                .map_or_else(|| "0000-00".to_string(), month_key)
        } else {
            month_key(to)
        };
        let mut day_ranges = Vec::new();
        if from_cut {
            day_ranges.push((first_of(from), last_of(from).min(to)));
        }
        if to_cut && !(from_cut && same_month) {
            day_ranges.push((first_of(to), to));
        }
        RollupPlan {
            months_to,
            skip_month: from_cut.then(|| month_key(from)),
            period_month: month_key(from),
            day_ranges,
        }
    }
}
