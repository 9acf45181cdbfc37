//! The text of attached files (migration 0017): one row per blob, which is both the extraction
//! job (queued → running → done | failed, with its progress) and its result.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use crate::{StoreError, WriteTx, placeholders, ts};

/// Files whose text is read: PDFs (text layer, or OCR of their pages) and images (OCR).
pub const READABLE: &[&str] = &["application/pdf", "image/jpeg", "image/png"];

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct DocumentTextRow {
    pub sha256: String,
    pub content_type: String,
    /// queued | running | done | failed
    pub state: String,
    /// text_layer | ocr
    pub method: Option<String>,
    pub pages_done: i64,
    pub pages_total: Option<i64>,
    #[serde(skip)]
    pub text: Option<String>,
    pub error_code: Option<String>,
    pub error: Option<String>,
    pub attempts: i64,
    pub queued_at: String,
    pub started_at: Option<String>,
    pub heartbeat_at: Option<String>,
    pub finished_at: Option<String>,
    pub updated_at: String,
    /// A failed row that the job tries again by itself: when (RFC 3339); none when it waits for
    /// a person.
    pub next_attempt_at: Option<String>,
    /// Automatic tries since a person (or an attachment) last queued it.
    pub auto_retries: i64,
}

const COLUMNS: &str = "sha256, content_type, state, method, pages_done, pages_total, text, \
    error_code, error, attempts, queued_at, started_at, heartbeat_at, finished_at, updated_at, \
    next_attempt_at, auto_retries";

/// Queues the readable files among `shas` that have no row yet, in the transaction that attaches
/// them (so a committed attachment always has its job).
pub async fn enqueue(tx: &mut WriteTx, shas: &[String]) -> Result<(), StoreError> {
    let now = ts(tx.now());
    for sha in shas {
        let sql = format!(
            "INSERT INTO document_texts (sha256, content_type, state, pages_done, attempts, \
             queued_at, updated_at) \
             SELECT sha256, content_type, 'queued', 0, 0, $2, $2 FROM blobs \
             WHERE sha256 = $1 AND content_type IN ({}) \
             ON CONFLICT (sha256) DO NOTHING",
            placeholders(3, READABLE.len())
        );
        let mut q = sqlx::query(&sql).bind(sha).bind(&now);
        for t in READABLE {
            q = q.bind(*t);
        }
        q.execute(tx.conn()).await?;
    }
    Ok(())
}

pub async fn get(pool: &AnyPool, sha256: &str) -> Result<Option<DocumentTextRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM document_texts WHERE sha256 = $1");
    Ok(sqlx::query_as(&sql)
        .bind(sha256)
        .fetch_optional(pool)
        .await?)
}

pub async fn get_in(
    conn: &mut AnyConnection,
    sha256: &str,
) -> Result<Option<DocumentTextRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM document_texts WHERE sha256 = $1");
    Ok(sqlx::query_as(&sql)
        .bind(sha256)
        .fetch_optional(conn)
        .await?)
}

/// The rows of these files (those that have one), in no particular order.
pub async fn of_files(pool: &AnyPool, shas: &[String]) -> Result<Vec<DocumentTextRow>, StoreError> {
    if shas.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM document_texts WHERE sha256 IN ({})",
        placeholders(1, shas.len())
    );
    let mut q = sqlx::query_as(&sql);
    for s in shas {
        q = q.bind(s);
    }
    Ok(q.fetch_all(pool).await?)
}

/// Claims the next row to read: a queued one, a failed one whose automatic retry is due
/// (`next_attempt_at` reached), or a running one whose heartbeat is older than `stale_before` (its
/// process died), the one waiting longest first. Marks it running and counts the attempt. `None`
/// when there is nothing to do.
pub async fn claim(
    tx: &mut WriteTx,
    stale_before: DateTime<Utc>,
) -> Result<Option<DocumentTextRow>, StoreError> {
    let stale = ts(stale_before);
    let now = ts(tx.now());
    const DUE: &str = "(state = 'queued' \
        OR (state = 'failed' AND next_attempt_at IS NOT NULL AND next_attempt_at <= $NOW) \
        OR (state = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < $STALE)))";
    let sql = format!(
        "SELECT sha256, state FROM document_texts WHERE {} \
         ORDER BY COALESCE(next_attempt_at, queued_at), sha256 LIMIT 1",
        DUE.replace("$NOW", "$1").replace("$STALE", "$2")
    );
    let candidate: Option<(String, String)> = sqlx::query_as(&sql)
        .bind(&now)
        .bind(&stale)
        .fetch_optional(tx.conn())
        .await?;
    let Some((sha, state)) = candidate else {
        return Ok(None);
    };
    // Guarded by the state read: on PostgreSQL two processes may pick the same row, one wins.
    let sql = format!(
        "UPDATE document_texts SET state = 'running', attempts = attempts + 1, started_at = $1, \
         heartbeat_at = $1, updated_at = $1, pages_done = 0, error_code = NULL, error = NULL, \
         next_attempt_at = NULL WHERE sha256 = $3 AND state = $4 AND {}",
        DUE.replace("$NOW", "$1").replace("$STALE", "$2")
    );
    let done = sqlx::query(&sql)
        .bind(&now)
        .bind(&stale)
        .bind(&sha)
        .bind(&state)
        .execute(tx.conn())
        .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    get_in(tx.conn(), &sha).await
}

/// Records progress of a running job (and refreshes its heartbeat).
pub async fn progress(
    tx: &mut WriteTx,
    sha256: &str,
    method: &str,
    pages_done: i64,
    pages_total: i64,
) -> Result<(), StoreError> {
    let now = ts(tx.now());
    sqlx::query(
        "UPDATE document_texts SET method = $2, pages_done = $3, pages_total = $4, \
         heartbeat_at = $5, updated_at = $5 WHERE sha256 = $1 AND state = 'running'",
    )
    .bind(sha256)
    .bind(method)
    .bind(pages_done)
    .bind(pages_total)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Ends a running job with its text. Returns whether the row was still running.
pub async fn finish(
    tx: &mut WriteTx,
    sha256: &str,
    method: &str,
    pages: i64,
    text: &str,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let r = sqlx::query(
        "UPDATE document_texts SET state = 'done', method = $2, pages_done = $3, pages_total = $3, \
         text = $4, error_code = NULL, error = NULL, finished_at = $5, heartbeat_at = NULL, \
         next_attempt_at = NULL, auto_retries = 0, updated_at = $5 \
         WHERE sha256 = $1 AND state = 'running'",
    )
    .bind(sha256)
    .bind(method)
    .bind(pages)
    .bind(text)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Ends a running job with an error (code and message as shown). With `retry_at` the job tries
/// it again by itself then (an automatic try is counted); without, it waits for a person.
pub async fn fail(
    tx: &mut WriteTx,
    sha256: &str,
    code: &str,
    message: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let r = sqlx::query(
        "UPDATE document_texts SET state = 'failed', error_code = $2, error = $3, \
         finished_at = $4, heartbeat_at = NULL, updated_at = $4, next_attempt_at = $5, \
         auto_retries = auto_retries + $6 \
         WHERE sha256 = $1 AND state = 'running'",
    )
    .bind(sha256)
    .bind(code)
    .bind(message)
    .bind(&now)
    .bind(retry_at.map(ts))
    .bind(i64::from(retry_at.is_some()))
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Puts a finished or failed row back in the queue (a person's retry: the automatic tries start
/// over). A queued or running row is left as it is; returns whether it was requeued.
pub async fn requeue(tx: &mut WriteTx, sha256: &str) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let r = sqlx::query(
        "UPDATE document_texts SET state = 'queued', pages_done = 0, error_code = NULL, \
         error = NULL, queued_at = $2, started_at = NULL, finished_at = NULL, \
         heartbeat_at = NULL, updated_at = $2, next_attempt_at = NULL, auto_retries = 0 \
         WHERE sha256 = $1 AND state IN ('done', 'failed')",
    )
    .bind(sha256)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Puts every failed row with this error code back in the queue (`qltt` operator command after
/// installing tesseract). Returns how many.
pub async fn requeue_failed(tx: &mut WriteTx, code: Option<&str>) -> Result<u64, StoreError> {
    let now = ts(tx.now());
    let r = sqlx::query(
        "UPDATE document_texts SET state = 'queued', pages_done = 0, error_code = NULL, \
         error = NULL, queued_at = $1, started_at = NULL, finished_at = NULL, \
         heartbeat_at = NULL, updated_at = $1, next_attempt_at = NULL, auto_retries = 0 \
         WHERE state = 'failed' AND ($2 = '' OR error_code = $2)",
    )
    .bind(&now)
    .bind(code.unwrap_or(""))
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected())
}

/// The office documents that have this file attached (their text in the index changes with it).
pub async fn documents_with_file(
    conn: &mut AnyConnection,
    sha256: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    // Attachments are a JSON array of lower-case hex hashes: a quoted hash matches only itself.
    let pattern = format!("%\"{sha256}\"%");
    Ok(sqlx::query_as(
        "SELECT id, unit_id FROM office_documents WHERE attachments LIKE $1 ORDER BY id",
    )
    .bind(pattern)
    .fetch_all(conn)
    .await?)
}

/// How many rows are in each state (for the operator's view and metrics); a failed row the job
/// will try again by itself counts as `retrying`, apart from those that wait for a person.
pub async fn counts(pool: &AnyPool) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT CASE WHEN state = 'failed' AND next_attempt_at IS NOT NULL THEN 'retrying' \
         ELSE state END AS s, COUNT(*) FROM document_texts GROUP BY 1 ORDER BY 1",
    )
    .fetch_all(pool)
    .await?)
}

/// Failed rows, those the job will try again first (soonest first), then those waiting for a
/// person (most recent first); at most `limit` (`qltt text status`).
pub async fn failures(pool: &AnyPool, limit: i64) -> Result<Vec<DocumentTextRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM document_texts WHERE state = 'failed' \
         ORDER BY CASE WHEN next_attempt_at IS NULL THEN 1 ELSE 0 END, next_attempt_at, \
         finished_at DESC, sha256 LIMIT $1"
    );
    Ok(sqlx::query_as(&sql).bind(limit).fetch_all(pool).await?)
}

/// The drafts of outgoing documents that have this file attached (their index entry shows it).
pub async fn drafts_with_file(
    conn: &mut AnyConnection,
    sha256: &str,
) -> Result<Vec<String>, StoreError> {
    // As in documents_with_file: a quoted hash in the JSON array matches only itself.
    let pattern = format!("%\"{sha256}\"%");
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM office_drafts WHERE attachments LIKE $1 ORDER BY id")
            .bind(pattern)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
