//! From a case's rows to what the reports count ([`qltt_domain::report::CaseSource`]).

use chrono::NaiveDate;
use qltt_domain::format::{legal_day, parse_date};
use qltt_domain::report::{ActSource, CaseSource, LotSource, facts};
use qltt_store::reports::{CaseSourceRows, FactRow};
use serde_json::Value;

fn date_at(data: &Value, pointer: &str) -> Option<NaiveDate> {
    data.pointer(pointer)
        .and_then(Value::as_str)
        .and_then(parse_date)
}

fn instant_day(s: &str) -> Option<NaiveDate> {
    qltt_store::parse_ts(s).ok().map(legal_day)
}

pub(crate) fn case_source(rows: &CaseSourceRows) -> CaseSource {
    let data: Value = serde_json::from_str(&rows.data).unwrap_or(Value::Null);
    let sanctioned_on = date_at(&data, "/issue_sanction/issued_on");
    let agency = [
        "/record_inspection/joint_agencies",
        "/decide_inspection/joint_agencies",
    ]
    .iter()
    .find_map(|p| {
        data.pointer(p)
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(|a| a.get("agency"))
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    CaseSource {
        origin: rows.origin.clone(),
        inspected_on: data
            .pointer("/record_inspection/inspected_at")
            .and_then(Value::as_str)
            .and_then(instant_day),
        violation_recorded_on: date_at(&data, "/record_violation/recorded_on"),
        sanctioned_on,
        decided_on: sanctioned_on.or_else(|| date_at(&data, "/decide_no_sanction/decided_on")),
        transferred_on: date_at(&data, "/transfer/decided_on"),
        joint_agency: agency,
        acts: rows
            .acts
            .iter()
            .filter_map(|(group, discovered, fine)| {
                Some(ActSource {
                    group: group.clone(),
                    discovered_on: parse_date(discovered)?,
                    fine: *fine,
                })
            })
            .collect(),
        payments: rows
            .payments
            .iter()
            .filter_map(|(d, amount)| Some((parse_date(d)?, *amount)))
            .collect(),
        lots: rows
            .lots
            .iter()
            .filter_map(|(seized, value, status, last)| {
                let seized_on = parse_date(seized)?;
                Some(LotSource {
                    seized_on,
                    value: *value,
                    status: status.clone(),
                    last_moved_on: instant_day(last).unwrap_or(seized_on),
                })
            })
            .collect(),
    }
}

/// What the case contributes, as roll-up rows.
pub(crate) fn fact_rows(rows: &CaseSourceRows) -> Vec<FactRow> {
    facts(&case_source(rows))
        .into_iter()
        .map(|(k, value)| FactRow {
            day: k.day.format("%Y-%m-%d").to_string(),
            measure: k.measure.as_str().to_string(),
            vgroup: k.group,
            channel: k.channel.as_str().to_string(),
            agency: k.agency,
            value,
        })
        .collect()
}
