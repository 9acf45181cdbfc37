//! The working-day calendar as a table admins edit: the statutory holidays are seeded once per
//! year, then the government's announced days off and make-up days are entered by hand. Every
//! deadline the product computes reads this table (LHAV Art. 8 → Civil Code Art. 144–148).

use chrono::{Datelike, NaiveDate};
use qltt_domain::format::parse_date;
use qltt_domain::law::{DayKind, WorkCalendar, statutory_days};
use qltt_domain::officer::Permission;
use qltt_domain::text::bounded;
use qltt_store::calendar::{self, CalendarDayRow};
use serde_json::json;

use crate::{Actor, App, AppError, AppResult, Change};

fn parse_day(raw: &str) -> AppResult<NaiveDate> {
    parse_date(raw).ok_or_else(|| {
        AppError::bad_input(
            "calendar.invalid_date",
            "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
        )
    })
}

/// The exceptions of the year before through two years after: enough for every period the law
/// sets from that date (the longest, one year for execution).
fn calendar_window(around: NaiveDate) -> (String, String) {
    (
        format!("{:04}-01-01", around.year() - 1),
        format!("{:04}-01-01", around.year() + 3),
    )
}

fn to_calendar(rows: Vec<CalendarDayRow>) -> WorkCalendar {
    WorkCalendar::new(
        rows.into_iter()
            .filter_map(|r| Some((parse_date(&r.day)?, DayKind::parse(&r.kind).ok()?))),
    )
}

impl App {
    /// The calendar around a date: the exceptions of the year before through two years after, enough
    /// for every period the law sets from that date (the longest, one year for execution).
    pub async fn work_calendar(&self, around: NaiveDate) -> AppResult<WorkCalendar> {
        let (from, to) = calendar_window(around);
        Ok(to_calendar(
            calendar::between(self.db.pool(), &from, &to).await?,
        ))
    }

    /// [`App::work_calendar`] read inside the use case's write transaction.
    pub async fn work_calendar_in(
        &self,
        tx: &mut qltt_store::WriteTx,
        around: NaiveDate,
    ) -> AppResult<WorkCalendar> {
        let (from, to) = calendar_window(around);
        Ok(to_calendar(
            calendar::between_in(tx.conn(), &from, &to).await?,
        ))
    }

    pub async fn calendar_year(&self, _actor: &Actor, year: i32) -> AppResult<Vec<CalendarDayRow>> {
        if !(1900..=2999).contains(&year) {
            return Err(AppError::bad_input(
                "calendar.invalid_year",
                "Năm không hợp lệ.",
            ));
        }
        let from = format!("{year:04}-01-01");
        let to = format!("{:04}-01-01", year + 1);
        Ok(calendar::between(self.db.pool(), &from, &to).await?)
    }

    /// Marks a day as a holiday/day off or as a make-up working day.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.id))]
    pub async fn set_calendar_day(
        &self,
        actor: &Actor,
        day: &str,
        kind: &str,
        name: &str,
    ) -> AppResult<CalendarDayRow> {
        actor.require(Permission::ManageCalendar)?;
        let date = parse_day(day)?;
        let kind = DayKind::parse(kind)?;
        let name = bounded("name", name, 200, true)?;
        let weekend = date.weekday().number_from_monday() >= 6;
        if kind == DayKind::Working && !weekend {
            return Err(AppError::bad_input(
                "calendar.not_a_weekend",
                "Ngày làm bù chỉ đặt được vào thứ Bảy hoặc Chủ nhật.",
            ));
        }
        let day = date.format("%Y-%m-%d").to_string();
        let root = self.root_unit().await?;
        let mut tx = self.db.begin(self.now()).await?;
        let before = calendar::get_in(tx.conn(), &day).await?;
        calendar::put(&mut tx, &day, kind.as_str(), &name).await?;
        crate::record(
            &mut tx,
            actor,
            Change {
                action: "calendar.set",
                entity_type: "calendar_day",
                entity_id: &day,
                unit_id: &root.id,
                topic: "calendar.changed",
                details: json!({
                    "day": day,
                    "kind": {"from": before.as_ref().map(|b| &b.kind), "to": kind.as_str()},
                    "name": {"from": before.as_ref().map(|b| &b.name), "to": name},
                }),
            },
        )
        .await?;
        let row = calendar::get_in(tx.conn(), &day)
            .await?
            .ok_or_else(|| AppError::internal("calendar day vanished"))?;
        tx.commit().await?;
        Ok(row)
    }

    /// Returns a day to the weekly rule.
    pub async fn clear_calendar_day(&self, actor: &Actor, day: &str) -> AppResult<()> {
        actor.require(Permission::ManageCalendar)?;
        let day = parse_day(day)?.format("%Y-%m-%d").to_string();
        let root = self.root_unit().await?;
        let mut tx = self.db.begin(self.now()).await?;
        let Some(before) = calendar::get_in(tx.conn(), &day).await? else {
            tx.rollback().await?;
            return Err(AppError::not_found("calendar.day_not_found"));
        };
        calendar::remove(&mut tx, &day).await?;
        crate::record(
            &mut tx,
            actor,
            Change {
                action: "calendar.clear",
                entity_type: "calendar_day",
                entity_id: &day,
                unit_id: &root.id,
                topic: "calendar.changed",
                details: json!({"day": day, "kind": {"from": before.kind, "to": null}, "name": {"from": before.name, "to": null}}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Seeds the statutory days of the given years, each year once (a day an admin removed later
    /// is not put back). Run at start-up for this year and the next.
    pub async fn seed_calendar(&self, years: &[i32]) -> AppResult<usize> {
        let actor = self.system_actor().await?;
        let root = self.root_unit().await?;
        let mut added = 0;
        for &year in years {
            let mut tx = self.db.begin(self.now()).await?;
            if calendar::year_seeded(tx.conn(), year).await? {
                tx.rollback().await?;
                continue;
            }
            let days = statutory_days(year);
            for d in &days {
                let day = d.date.format("%Y-%m-%d").to_string();
                if calendar::get_in(tx.conn(), &day).await?.is_none() {
                    calendar::put(&mut tx, &day, d.kind.as_str(), &d.name).await?;
                    added += 1;
                }
            }
            calendar::mark_year_seeded(&mut tx, year).await?;
            crate::record(
                &mut tx,
                &actor,
                Change {
                    action: "calendar.seed",
                    entity_type: "calendar_year",
                    entity_id: &year.to_string(),
                    unit_id: &root.id,
                    topic: "calendar.changed",
                    details: json!({"year": year, "days": days.len()}),
                },
            )
            .await?;
            tx.commit().await?;
        }
        Ok(added)
    }
}
