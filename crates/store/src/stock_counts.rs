//! Stock counts (kiểm kê) of a warehouse and their lines. The rules are
//! `qltt_domain::exhibit::count`; this module persists them.

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use crate::{StoreError, WriteTx, new_id, ts};

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct StockCountRow {
    pub id: String,
    pub warehouse_id: String,
    pub unit_id: String,
    pub status: String,
    pub note: String,
    pub opened_by: String,
    pub opened_at: String,
    pub closed_by: Option<String>,
    pub closed_at: Option<String>,
    pub explained_by: Option<String>,
    pub explained_at: Option<String>,
    pub version: i64,
}

const COLUMNS: &str = "id, warehouse_id, unit_id, status, note, opened_by, opened_at, closed_by, \
    closed_at, explained_by, explained_at, version";

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct StockCountLineRow {
    pub count_id: String,
    pub exhibit_id: String,
    pub lot_no: String,
    pub expected_milli: i64,
    pub counted_milli: Option<i64>,
    pub note: Option<String>,
    pub counted_by: Option<String>,
    pub counted_at: Option<String>,
    pub explanation: Option<String>,
}

const L_COLUMNS: &str = "count_id, exhibit_id, lot_no, expected_milli, counted_milli, note, \
    counted_by, counted_at, explanation";

/// Opens a count of `warehouse_id` and snapshots every lot on its shelves (in custody or
/// awaiting disposal) with the quantity the ledger gives now, in the same transaction.
/// A second open count of the same warehouse is refused by the schema (`Conflict`).
pub async fn open(
    tx: &mut WriteTx,
    warehouse_id: &str,
    unit_id: &str,
    note: &str,
    opened_by: &str,
) -> Result<String, StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    sqlx::query(
        "INSERT INTO stock_counts (id, warehouse_id, unit_id, status, note, opened_by, opened_at, \
         version) VALUES ($1, $2, $3, 'open', $4, $5, $6, 1)",
    )
    .bind(&id)
    .bind(warehouse_id)
    .bind(unit_id)
    .bind(note)
    .bind(opened_by)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "INSERT INTO stock_count_lines (count_id, exhibit_id, lot_no, expected_milli) \
         SELECT $1, id, lot_no, quantity_milli FROM exhibits \
         WHERE warehouse_id = $2 AND status IN ('in_custody', 'awaiting_disposal')",
    )
    .bind(&id)
    .bind(warehouse_id)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

pub async fn get(pool: &AnyPool, id: &str) -> Result<Option<StockCountRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM stock_counts WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

pub async fn get_in(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<StockCountRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM stock_counts WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// A warehouse's counts, newest first.
pub async fn of_warehouse(
    pool: &AnyPool,
    warehouse_id: &str,
) -> Result<Vec<StockCountRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM stock_counts WHERE warehouse_id = $1 \
         ORDER BY opened_at DESC, id DESC LIMIT 200"
    );
    Ok(sqlx::query_as(&sql)
        .bind(warehouse_id)
        .fetch_all(pool)
        .await?)
}

/// The lines of a count, by lot number.
pub async fn lines_in(
    conn: &mut AnyConnection,
    count_id: &str,
) -> Result<Vec<StockCountLineRow>, StoreError> {
    let sql =
        format!("SELECT {L_COLUMNS} FROM stock_count_lines WHERE count_id = $1 ORDER BY lot_no");
    Ok(sqlx::query_as(&sql).bind(count_id).fetch_all(conn).await?)
}

pub async fn lines(pool: &AnyPool, count_id: &str) -> Result<Vec<StockCountLineRow>, StoreError> {
    let mut conn = pool.acquire().await?;
    lines_in(&mut conn, count_id).await
}

/// Records what was found of one lot (a recount replaces the figure; the audit event keeps both).
pub async fn record_line(
    tx: &mut WriteTx,
    count_id: &str,
    exhibit_id: &str,
    counted_milli: i64,
    note: Option<&str>,
    counted_by: &str,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let r = sqlx::query(
        "UPDATE stock_count_lines SET counted_milli = $1, note = $2, counted_by = $3, \
         counted_at = $4 WHERE count_id = $5 AND exhibit_id = $6",
    )
    .bind(counted_milli)
    .bind(note)
    .bind(counted_by)
    .bind(&now)
    .bind(count_id)
    .bind(exhibit_id)
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn explain_line(
    tx: &mut WriteTx,
    count_id: &str,
    exhibit_id: &str,
    explanation: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE stock_count_lines SET explanation = $1 WHERE count_id = $2 AND exhibit_id = $3",
    )
    .bind(explanation)
    .bind(count_id)
    .bind(exhibit_id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Moves the count to `status` if nobody changed it since `version` was read; `closed` or
/// `explained` stamps who and when.
pub async fn set_status(
    tx: &mut WriteTx,
    id: &str,
    version: i64,
    status: &str,
    by: &str,
    stamp: Stamp,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let set = match stamp {
        Stamp::Closed => "closed_by = $3, closed_at = $4",
        Stamp::Explained => "explained_by = $3, explained_at = $4",
    };
    let sql = format!(
        "UPDATE stock_counts SET status = $1, version = version + 1, {set} \
         WHERE id = $2 AND version = $5"
    );
    let r = sqlx::query(&sql)
        .bind(status)
        .bind(id)
        .bind(by)
        .bind(&now)
        .bind(version)
        .execute(tx.conn())
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Which step a status change records.
#[derive(Debug, Clone, Copy)]
pub enum Stamp {
    Closed,
    Explained,
}
