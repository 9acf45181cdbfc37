//! Numbered documents (văn bản, biên bản) and their registers. A number is taken from the
//! register's counter inside the same transaction that stores the document, so numbers are
//! unique and gapless per unit, register and year: a rolled-back step gives its number back.

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use crate::{StoreError, WriteTx, new_id, ts};

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: String,
    pub case_id: Option<String>,
    pub unit_id: String,
    pub kind: String,
    pub register: String,
    pub year: i64,
    pub seq: i64,
    pub number: String,
    pub issued_on: String,
    pub status: String,
    #[serde(skip)]
    pub content: String,
    pub created_by: String,
    pub created_at: String,
    /// SHA-256 of the issued PDF (its bytes are in the blob store under this hash).
    pub sha256: Option<String>,
    /// The short code of its public verification page (`/verify/{code}`).
    pub verify_code: Option<String>,
    /// The document this one corrects.
    pub corrects_id: Option<String>,
    /// The decision this one annuls (an annulment decision, MQĐ40).
    pub annuls_id: Option<String>,
}

const INSERT_COLUMNS: &str = "id, case_id, unit_id, kind, register, year, seq, number, issued_on, status, content, created_by, created_at";
const COLUMNS: &str = "id, case_id, unit_id, kind, register, year, seq, number, issued_on, status, content, created_by, created_at, sha256, verify_code, corrects_id, annuls_id";

/// Takes the next number of a register. Must run inside the transaction that stores the document.
pub async fn next_seq(
    tx: &mut WriteTx,
    unit_id: &str,
    register: &str,
    year: i32,
) -> Result<i64, StoreError> {
    // Create the counter on first use, then bump it; the UPDATE takes the row lock on PostgreSQL
    // (SQLite's write transaction is already exclusive), so two steps never get the same number.
    sqlx::query(
        "INSERT INTO document_counters (unit_id, register, year, last_seq) VALUES ($1, $2, $3, 0) \
         ON CONFLICT (unit_id, register, year) DO NOTHING",
    )
    .bind(unit_id)
    .bind(register)
    .bind(i64::from(year))
    .execute(tx.conn())
    .await?;
    let seq: i64 = sqlx::query_scalar(
        "UPDATE document_counters SET last_seq = last_seq + 1 \
         WHERE unit_id = $1 AND register = $2 AND year = $3 RETURNING last_seq",
    )
    .bind(unit_id)
    .bind(register)
    .bind(i64::from(year))
    .fetch_one(tx.conn())
    .await?;
    Ok(seq)
}

pub struct NewDocument<'a> {
    pub case_id: Option<&'a str>,
    pub unit_id: &'a str,
    pub kind: &'a str,
    pub register: &'a str,
    pub year: i32,
    pub seq: i64,
    pub number: &'a str,
    pub issued_on: &'a str,
    pub content: &'a str,
    pub created_by: &'a str,
}

pub async fn insert(tx: &mut WriteTx, d: &NewDocument<'_>) -> Result<DocumentRow, StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    let sql = format!(
        "INSERT INTO documents ({INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'issued', $10, $11, $12)"
    );
    sqlx::query(&sql)
        .bind(&id)
        .bind(d.case_id)
        .bind(d.unit_id)
        .bind(d.kind)
        .bind(d.register)
        .bind(i64::from(d.year))
        .bind(d.seq)
        .bind(d.number)
        .bind(d.issued_on)
        .bind(d.content)
        .bind(d.created_by)
        .bind(&now)
        .execute(tx.conn())
        .await?;
    get_in(tx.conn(), &id).await?.ok_or(StoreError::NotFound)
}

pub async fn get(pool: &AnyPool, id: &str) -> Result<Option<DocumentRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM documents WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

pub async fn get_in(conn: &mut AnyConnection, id: &str) -> Result<Option<DocumentRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM documents WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// A case's documents in the order they were made (the case file's order).
pub async fn of_case(pool: &AnyPool, case_id: &str) -> Result<Vec<DocumentRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM documents WHERE case_id = $1 ORDER BY created_at, id");
    Ok(sqlx::query_as(&sql).bind(case_id).fetch_all(pool).await?)
}

/// The documents of several cases in one query, each case's in order of creation.
pub async fn of_cases(pool: &AnyPool, ids: &[&str]) -> Result<Vec<DocumentRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM documents WHERE case_id IN ({}) ORDER BY case_id, created_at, id",
        crate::placeholders(1, ids.len())
    );
    let mut q = sqlx::query_as(&sql);
    for id in ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(pool).await?)
}

/// A case's documents, read inside a write transaction.
pub async fn of_case_in(
    conn: &mut AnyConnection,
    case_id: &str,
) -> Result<Vec<DocumentRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM documents WHERE case_id = $1 ORDER BY created_at, id");
    Ok(sqlx::query_as(&sql).bind(case_id).fetch_all(conn).await?)
}

/// All numbers of one register, in order (tests check they are gapless).
pub async fn register_seqs(
    pool: &AnyPool,
    unit_id: &str,
    register: &str,
    year: i32,
) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT seq FROM documents WHERE unit_id = $1 AND register = $2 AND year = $3 ORDER BY seq",
    )
    .bind(unit_id)
    .bind(register)
    .bind(i64::from(year))
    .fetch_all(pool)
    .await?)
}

/// Freezes an issued document: the hash of its PDF and its verification code. Set once, in the
/// transaction that issued it.
pub async fn set_issued(
    tx: &mut WriteTx,
    id: &str,
    sha256: &str,
    verify_code: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE documents SET sha256 = $1, verify_code = $2 WHERE id = $3 AND sha256 IS NULL",
    )
    .bind(sha256)
    .bind(verify_code)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The document behind a public verification code.
pub async fn by_verify_code(pool: &AnyPool, code: &str) -> Result<Option<DocumentRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM documents WHERE verify_code = $1");
    Ok(sqlx::query_as(&sql).bind(code).fetch_optional(pool).await?)
}

/// The corrections of a document (newest last).
pub async fn corrections_of(pool: &AnyPool, id: &str) -> Result<Vec<DocumentRow>, StoreError> {
    let sql =
        format!("SELECT {COLUMNS} FROM documents WHERE corrects_id = $1 ORDER BY created_at, id");
    Ok(sqlx::query_as(&sql).bind(id).fetch_all(pool).await?)
}

/// Marks a document corrected by another (the correction names it; the old row keeps its hash).
pub async fn mark_corrected(
    tx: &mut WriteTx,
    id: &str,
    correction_id: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE documents SET corrects_id = $1 WHERE id = $2")
        .bind(id)
        .bind(correction_id)
        .execute(tx.conn())
        .await?;
    sqlx::query("UPDATE documents SET status = 'corrected' WHERE id = $1")
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The annulment decisions of a document (at most one in practice; newest last).
pub async fn annulments_of(pool: &AnyPool, id: &str) -> Result<Vec<DocumentRow>, StoreError> {
    let sql =
        format!("SELECT {COLUMNS} FROM documents WHERE annuls_id = $1 ORDER BY created_at, id");
    Ok(sqlx::query_as(&sql).bind(id).fetch_all(pool).await?)
}

/// Marks a decision annulled by another (the annulment names it; the old row keeps its bytes and
/// hash). Only an issued document changes: returns `false` when it was not `issued` any more (a
/// concurrent annulment or correction), so the caller can refuse instead of annulling twice.
pub async fn mark_annulled(
    tx: &mut WriteTx,
    id: &str,
    annulment_id: &str,
) -> Result<bool, StoreError> {
    sqlx::query("UPDATE documents SET annuls_id = $1 WHERE id = $2")
        .bind(id)
        .bind(annulment_id)
        .execute(tx.conn())
        .await?;
    let r =
        sqlx::query("UPDATE documents SET status = 'annulled' WHERE id = $1 AND status = 'issued'")
            .bind(id)
            .execute(tx.conn())
            .await?;
    Ok(r.rows_affected() == 1)
}
