//! The dates of a commitment: the campaign's period, the day of signing, the days it holds.

use chrono::NaiveDate;
use qltt_domain::DomainError;
use qltt_domain::format::{format_date, legal_day, parse_date};
use qltt_store::commitments::{CampaignRow, CommitmentRow};
use qltt_store::parse_ts;

pub(crate) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn date(field: &'static str, raw: &str) -> Result<NaiveDate, DomainError> {
    parse_date(raw).ok_or_else(|| {
        DomainError::invalid(
            field,
            "commitment.invalid_date",
            "Ngày không hợp lệ (dd/mm/yyyy).",
        )
    })
}

/// A campaign's first and (optional, inclusive) last day; the last may not precede the first.
pub fn period(
    starts_on: &str,
    ends_on: Option<&str>,
) -> Result<(NaiveDate, Option<NaiveDate>), DomainError> {
    let starts = date("starts_on", starts_on)?;
    let ends = match ends_on.map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(date("ends_on", raw)?),
    };
    if ends.is_some_and(|e| e < starts) {
        return Err(DomainError::invalid(
            "ends_on",
            "commitment.invalid_period",
            "Ngày kết thúc đợt cam kết phải từ ngày bắt đầu trở đi.",
        ));
    }
    Ok((starts, ends))
}

/// The day a commitment was signed: a real date, not after today, within the campaign's period.
pub fn signed_on(
    raw: &str,
    today: NaiveDate,
    campaign: &CampaignRow,
) -> Result<NaiveDate, DomainError> {
    let signed = date("signed_on", raw)?;
    if signed > today {
        return Err(DomainError::invalid(
            "signed_on",
            "commitment.date_in_future",
            "Ngày ký cam kết không được sau ngày hôm nay.",
        ));
    }
    let starts = parse_date(&campaign.starts_on);
    let ends = campaign.ends_on.as_deref().and_then(parse_date);
    if starts.is_some_and(|s| signed < s) || ends.is_some_and(|e| signed > e) {
        let period = match (starts, ends) {
            (Some(s), Some(e)) => format!("từ {} đến {}", format_date(s), format_date(e)),
            (Some(s), None) => format!("từ {}", format_date(s)),
            _ => String::new(),
        };
        return Err(DomainError::refused(
            "commitment.outside_campaign",
            format!("Ngày ký nằm ngoài thời gian của đợt cam kết ({period})."),
        ));
    }
    Ok(signed)
}

/// Whether a commitment holds on `on`: signed by then, the campaign not over, not withdrawn on or
/// before that day (a withdrawal takes effect on the day it is recorded).
pub fn in_force_on(c: &CommitmentRow, on: NaiveDate) -> bool {
    let signed = parse_date(&c.signed_on).is_some_and(|s| s <= on);
    let open = c
        .campaign_ends_on
        .as_deref()
        .and_then(parse_date)
        .is_none_or(|e| on <= e);
    let withdrawn = c
        .withdrawn_at
        .as_deref()
        .is_some_and(|w| parse_ts(w).map_or(true, |t| legal_day(t) <= on));
    signed && open && !withdrawn
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn campaign(starts: &str, ends: Option<&str>) -> CampaignRow {
        CampaignRow {
            id: "k".into(),
            unit_id: "u".into(),
            name: "Tháng cao điểm".into(),
            content: "Cam kết".into(),
            starts_on: starts.into(),
            ends_on: ends.map(String::from),
            created_by: "o".into(),
            created_at: "2026-01-01T00:00:00.000000Z".into(),
        }
    }

    fn commitment(signed: &str, ends: Option<&str>, withdrawn: Option<&str>) -> CommitmentRow {
        CommitmentRow {
            id: "c".into(),
            campaign_id: "k".into(),
            business_id: "b".into(),
            signed_on: signed.into(),
            signed_by_name: "Nguyễn Văn A".into(),
            officer_id: "o".into(),
            note: String::new(),
            withdrawn_at: withdrawn.map(String::from),
            withdrawn_by: None,
            withdrawn_reason: None,
            created_at: "2026-01-01T00:00:00.000000Z".into(),
            business_name: "Cửa hàng".into(),
            business_unit_id: "u".into(),
            campaign_name: "Tháng cao điểm".into(),
            campaign_starts_on: "2026-01-01".into(),
            campaign_ends_on: ends.map(String::from),
        }
    }

    fn code<T>(r: Result<T, DomainError>) -> Option<&'static str> {
        r.err().map(|e| e.code())
    }

    #[test]
    fn a_campaign_cannot_end_before_it_starts() {
        assert_eq!(
            period("2026-03-01", Some("2026-03-31")).unwrap(),
            (d("2026-03-01"), Some(d("2026-03-31")))
        );
        assert_eq!(period("01/03/2026", Some("")).unwrap().1, None);
        assert_eq!(
            code(period("2026-03-01", Some("2026-02-28"))),
            Some("commitment.invalid_period")
        );
        assert_eq!(
            code(period("31/02/2026", None)),
            Some("commitment.invalid_date")
        );
    }

    #[test]
    fn a_signature_is_dated_within_the_campaign_and_not_in_the_future() {
        let k = campaign("2026-02-01", Some("2026-02-28"));
        let today = d("2026-03-05");
        assert_eq!(signed_on("2026-02-10", today, &k).unwrap(), d("2026-02-10"));
        assert_eq!(
            code(signed_on("2026-03-01", today, &k)),
            Some("commitment.outside_campaign")
        );
        assert_eq!(
            code(signed_on("2026-01-31", today, &k)),
            Some("commitment.outside_campaign")
        );
        let open = campaign("2026-02-01", None);
        assert_eq!(
            code(signed_on("2026-03-06", today, &open)),
            Some("commitment.date_in_future")
        );
        assert_eq!(
            code(signed_on("hôm qua", today, &open)),
            Some("commitment.invalid_date")
        );
    }

    #[test]
    fn a_case_is_judged_on_the_violation_record_day_else_today() {
        use chrono::TimeZone;
        let now = chrono::Utc.with_ymd_and_hms(2026, 3, 5, 2, 0, 0).unwrap();
        let recorded = serde_json::json!({"record_violation": {"recorded_on": "2026-02-20"}});
        assert_eq!(super::super::act_day(&recorded, now), d("2026-02-20"));
        assert_eq!(
            super::super::act_day(&serde_json::json!({}), now),
            d("2026-03-05")
        );
    }

    #[test]
    fn a_commitment_holds_from_signing_to_the_campaign_end_or_withdrawal() {
        let c = commitment("2026-02-10", Some("2026-12-31"), None);
        assert!(!in_force_on(&c, d("2026-02-09")));
        assert!(in_force_on(&c, d("2026-02-10")));
        assert!(in_force_on(&c, d("2026-12-31")));
        assert!(!in_force_on(&c, d("2027-01-01")));
        // Withdrawn at 18:00 UTC on 1/3 = 01:00 on 2/3 in Hanoi: it held on 1/3, not on 2/3.
        let w = commitment("2026-02-10", None, Some("2026-03-01T18:00:00.000000Z"));
        assert!(in_force_on(&w, d("2026-03-01")));
        assert!(!in_force_on(&w, d("2026-03-02")));
    }
}
