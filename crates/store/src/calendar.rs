//! The working-day calendar table: exceptions to the weekly rule, edited by admins.

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use crate::{StoreError, WriteTx, ts};

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct CalendarDayRow {
    /// "YYYY-MM-DD".
    pub day: String,
    /// `holiday` (a non-working day) or `working` (a make-up working day on a weekend).
    pub kind: String,
    pub name: String,
    pub updated_at: String,
}

/// Exceptions between two dates ("YYYY-MM-DD", `from` inclusive, `to` exclusive).
pub async fn between(
    pool: &AnyPool,
    from: &str,
    to: &str,
) -> Result<Vec<CalendarDayRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT day, kind, name, updated_at FROM calendar_days WHERE day >= $1 AND day < $2 ORDER BY day",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?)
}

/// [`between`] inside a write transaction (a use case must not read through the pool while it
/// holds the write transaction: with every connection taken, it would wait for itself).
pub async fn between_in(
    conn: &mut AnyConnection,
    from: &str,
    to: &str,
) -> Result<Vec<CalendarDayRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT day, kind, name, updated_at FROM calendar_days WHERE day >= $1 AND day < $2 ORDER BY day",
    )
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

pub async fn get_in(
    conn: &mut AnyConnection,
    day: &str,
) -> Result<Option<CalendarDayRow>, StoreError> {
    Ok(
        sqlx::query_as("SELECT day, kind, name, updated_at FROM calendar_days WHERE day = $1")
            .bind(day)
            .fetch_optional(conn)
            .await?,
    )
}

/// Sets the exception for a day (insert or replace).
pub async fn put(tx: &mut WriteTx, day: &str, kind: &str, name: &str) -> Result<(), StoreError> {
    let now = ts(tx.now());
    sqlx::query(
        "INSERT INTO calendar_days (day, kind, name, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, \
         updated_at = excluded.updated_at",
    )
    .bind(day)
    .bind(kind)
    .bind(name)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Removes the exception (the day follows the weekly rule again). Returns whether one existed.
pub async fn remove(tx: &mut WriteTx, day: &str) -> Result<bool, StoreError> {
    let r = sqlx::query("DELETE FROM calendar_days WHERE day = $1")
        .bind(day)
        .execute(tx.conn())
        .await?;
    Ok(r.rows_affected() > 0)
}

pub async fn year_seeded(conn: &mut AnyConnection, year: i32) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM calendar_years WHERE year = $1")
        .bind(i64::from(year))
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}

pub async fn mark_year_seeded(tx: &mut WriteTx, year: i32) -> Result<(), StoreError> {
    let now = ts(tx.now());
    sqlx::query("INSERT INTO calendar_years (year, seeded_at) VALUES ($1, $2)")
        .bind(i64::from(year))
        .bind(&now)
        .execute(tx.conn())
        .await?;
    Ok(())
}
