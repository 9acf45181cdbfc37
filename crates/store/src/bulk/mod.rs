//! Bulk writing for generated data sets (`qltt demo --scale N`): millions of rows through
//! multi-row INSERTs in large transactions, each batch with one audit event that names the table,
//! the number of rows, their id range and the SHA-256 of the rows as written.
//!
//! Why not the per-row repositories: a use case writes one row at a time with a read-back and an
//! audit event each (~2,000 rows/s); a million-case set is ~20 million rows. Here one prepared
//! statement inserts up to [`MAX_ROWS_PER_STATEMENT`] rows, and a transaction holds a whole batch.
//! One function serves both databases: placeholders `$n` are accepted by SQLite and PostgreSQL
//! alike, and the only difference (SQLite's per-connection cache settings) is in [`begin`].

use sha2::{Digest, Sha256};
use sqlx::AnyPool;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

use crate::audit::{self, AuditEntry};
use crate::{Backend, Db, StoreError, WriteTx};

mod tables;

/// One value of a generated row. Integers and texts keep their type when NULL so PostgreSQL
/// gets a typed parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    Int(Option<i64>),
    Text(Option<String>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::Int(Some(v))
    }
}
impl From<String> for Val {
    fn from(v: String) -> Val {
        Val::Text(Some(v))
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Val {
        Val::Text(Some(v.to_string()))
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Val {
        Val::Text(v)
    }
}
impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Val {
        Val::Int(v)
    }
}

pub use tables::*;

/// Rows per INSERT statement, at most. Every full chunk reuses the same prepared statement.
pub const MAX_ROWS_PER_STATEMENT: usize = 500;
/// Parameters per INSERT statement, at most. SQLite (3.32+) would take 32,766 and PostgreSQL
/// 65,535, but sqlx's SQLite driver looks each `$n` up by name with
/// `sqlite3_bind_parameter_name`, a walk over the statement's parameters, so binding costs grow
/// with the square of their number: at 32,000 that lookup was 69 % of `qltt demo --scale`'s
/// time (perf, N = 100,000: 535 s). At 250 it vanishes from the profile (83 s), and a
/// statement of 250 values is already long enough that round trips do not matter on PostgreSQL.
const MAX_PARAMS: usize = 250;

/// What a batch wrote to one table: reported in its audit event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchSummary {
    pub table: &'static str,
    pub rows: usize,
    pub first_id: String,
    pub last_id: String,
    /// SHA-256 over every value of every row, in order, each with a type tag and its length.
    pub sha256: String,
}

/// Starts a bulk batch's transaction. On SQLite the page cache of the writing connection is
/// raised to 512 MiB: the unique indexes (tax codes, document numbers) take keys in random order,
/// and a cache that holds their upper levels avoids re-reading pages from disk for every row.
/// Temporary B-trees stay in memory (every SQLite connection is opened so, see `Db::connect`).
/// Journal mode (WAL) and `synchronous = NORMAL` stay as the server sets them: a commit does not
/// fsync, and a crash loses at most the last batches, never the database's integrity.
/// PostgreSQL needs no setting for this.
pub async fn begin(db: &Db, now: chrono::DateTime<chrono::Utc>) -> Result<WriteTx, StoreError> {
    let mut tx = db.begin(now).await?;
    if tx.backend() == Backend::Sqlite {
        sqlx::query("PRAGMA cache_size = -524288")
            .execute(tx.conn())
            .await?;
    }
    Ok(tx)
}

fn hash_val(h: &mut Sha256, v: &Val) {
    match v {
        Val::Int(None) | Val::Text(None) => h.update([0u8]),
        Val::Int(Some(i)) => {
            h.update([1u8]);
            h.update(i.to_be_bytes());
        }
        Val::Text(Some(s)) => {
            h.update([2u8]);
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        }
    }
}

fn bind_val<'q>(
    q: Query<'q, sqlx::Any, AnyArguments<'q>>,
    v: &'q Val,
) -> Query<'q, sqlx::Any, AnyArguments<'q>> {
    match v {
        Val::Int(i) => q.bind(*i),
        Val::Text(s) => q.bind(s.as_deref()),
    }
}

fn insert_sql(table: &Table, rows: usize, suffix: &str) -> String {
    let n = table.columns.len();
    let mut sql = format!(
        "INSERT INTO {} ({}) VALUES ",
        table.name,
        table.columns.join(", ")
    );
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..n {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(r * n + c + 1).to_string());
        }
        sql.push(')');
    }
    sql.push_str(suffix);
    sql
}

fn text_of(v: Option<&Val>) -> String {
    match v {
        Some(Val::Text(Some(s))) => s.clone(),
        Some(Val::Int(Some(i))) => i.to_string(),
        _ => String::new(),
    }
}

async fn insert_with(
    tx: &mut WriteTx,
    table: &Table,
    values: &[Val],
    suffix: &str,
) -> Result<BatchSummary, StoreError> {
    let n = table.columns.len();
    if n == 0 || !values.len().is_multiple_of(n) {
        return Err(StoreError::Other(format!(
            "bulk insert into {}: {} values for {} columns",
            table.name,
            values.len(),
            n
        )));
    }
    let rows = values.len() / n;
    let mut hasher = Sha256::new();
    let per_statement = MAX_ROWS_PER_STATEMENT.min(MAX_PARAMS / n).max(1);
    for chunk in values.chunks(per_statement * n) {
        let sql = insert_sql(table, chunk.len() / n, suffix);
        let mut q = sqlx::query(&sql);
        for v in chunk {
            hash_val(&mut hasher, v);
            q = bind_val(q, v);
        }
        q.execute(tx.conn()).await?;
    }
    Ok(BatchSummary {
        table: table.name,
        rows,
        first_id: text_of(values.first()),
        last_id: text_of(values.get(values.len().saturating_sub(n))),
        sha256: hex::encode(hasher.finalize()),
    })
}

/// Inserts `values` (row after row, `table.columns.len()` values each) into `table`.
pub async fn insert(
    tx: &mut WriteTx,
    table: &Table,
    values: &[Val],
) -> Result<BatchSummary, StoreError> {
    insert_with(tx, table, values, "").await
}

/// The register counters a generated set ends with: set to the last number it used, so the next
/// real document of that register continues without a gap. Rows: (unit_id, register, year,
/// last_seq).
pub async fn set_counters(
    tx: &mut WriteTx,
    counters: &[(String, String, i64, i64)],
) -> Result<BatchSummary, StoreError> {
    const COUNTERS: Table = Table {
        name: "document_counters",
        columns: &["unit_id", "register", "year", "last_seq"],
    };
    let mut values = Vec::with_capacity(counters.len() * 4);
    for (unit, register, year, last) in counters {
        values.extend([
            Val::from(unit.as_str()),
            Val::from(register.as_str()),
            Val::from(*year),
            Val::from(*last),
        ]);
    }
    insert_with(
        tx,
        &COUNTERS,
        &values,
        " ON CONFLICT (unit_id, register, year) DO UPDATE SET last_seq = excluded.last_seq",
    )
    .await
}

/// The current register counters: (unit_id, register, year, last_seq).
pub async fn counters(pool: &AnyPool) -> Result<Vec<(String, String, i64, i64)>, StoreError> {
    Ok(
        sqlx::query_as("SELECT unit_id, register, year, last_seq FROM document_counters")
            .fetch_all(pool)
            .await?,
    )
}

/// Tax codes already in the register (a generated code must not take one of them).
pub async fn tax_codes(pool: &AnyPool) -> Result<Vec<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT tax_code FROM businesses WHERE tax_code IS NOT NULL")
            .fetch_all(pool)
            .await?,
    )
}

/// Writes the audit event of one batch's rows in `table`, in the batch's transaction.
pub async fn audit_batch(
    tx: &mut WriteTx,
    actor_id: &str,
    unit_id: &str,
    summary: &BatchSummary,
    extra: serde_json::Value,
) -> Result<(), StoreError> {
    if summary.rows == 0 {
        return Ok(());
    }
    audit::append(
        tx,
        AuditEntry {
            actor_id,
            action: "demo.generated",
            entity_type: summary.table,
            entity_id: &summary.first_id,
            unit_id,
            details: serde_json::json!({
                "table": summary.table,
                "rows": summary.rows,
                "first_id": summary.first_id,
                "last_id": summary.last_id,
                "sha256": summary.sha256,
                "generator": extra,
            }),
        },
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_number_their_placeholders_row_after_row() {
        let t = Table {
            name: "t",
            columns: &["a", "b"],
        };
        assert_eq!(
            insert_sql(&t, 2, ""),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
    }
}
