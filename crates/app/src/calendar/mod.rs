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

impl App {
    /// The calendar around a date: the exceptions of the year before through two years after, enough
    /// for every period the law sets from that date (the longest, one year for execution).
    pub async fn work_calendar(&self, around: NaiveDate) -> AppResult<WorkCalendar> {
        let from = format!("{:04}-01-01", around.year() - 1);
        let to = format!("{:04}-01-01", around.year() + 3);
        let rows = calendar::between(self.db.pool(), &from, &to).await?;
        let mut days = Vec::with_capacity(rows.len());
        for r in rows {
            if let (Some(d), Ok(k)) = (parse_date(&r.day), DayKind::parse(&r.kind)) {
                days.push((d, k));
            }
        }
        Ok(WorkCalendar::new(days))
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
        let mut tx = self.db.begin(self.now()).await?;
        let before = calendar::get_in(tx.conn(), &day).await?;
        calendar::put(&mut tx, &day, kind.as_str(), &name).await?;
        let root = self.root_unit().await?;
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
        let mut tx = self.db.begin(self.now()).await?;
        let Some(before) = calendar::get_in(tx.conn(), &day).await? else {
            tx.rollback().await?;
            return Err(AppError::not_found("calendar.day_not_found"));
        };
        calendar::remove(&mut tx, &day).await?;
        let root = self.root_unit().await?;
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
