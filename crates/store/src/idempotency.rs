//! Idempotency keys (api.md: a retry with the same key and body returns the first response).
//!
//! A key is written by the commit of the change it asked for, inside the same transaction
//! ([`record_in`], called by `WriteTx::commit` while the request's [`KeyContext`] is in scope),
//! and the answer is stored right after ([`complete`]). So the database can never hold a change
//! without its key, nor a key without its change:
//!
//! - killed before the commit: no change, no key; the retry runs afresh;
//! - killed after the commit, before the answer is stored: the key names the record the
//!   request made ([`Lookup::AppliedWithoutAnswer`]); the retry is told so instead of running
//!   twice or waiting forever;
//! - two copies of one request at once: both may run, but only one commit can write the key;
//!   the other fails at its commit (a unique key), rolls back, and gets the first one's answer.
//!
//! A request that changes nothing (a refusal) keeps only its stored answer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use sqlx::AnyPool;

use crate::{StoreError, ts};

/// The idempotency key of the request being served, in scope (a task-local) while its handler
/// runs, so that the change's own transaction records it.
#[derive(Debug, Clone)]
pub struct KeyContext {
    pub actor_id: String,
    pub key: String,
    pub method: String,
    pub path: String,
    pub request_hash: String,
    /// Set by the first commit that recorded the key: a use case that commits twice records
    /// it once (with the first change's record).
    recorded: Arc<AtomicBool>,
}

impl KeyContext {
    pub fn new(actor_id: &str, key: &str, method: &str, path: &str, request_hash: &str) -> Self {
        KeyContext {
            actor_id: actor_id.to_string(),
            key: key.to_string(),
            method: method.to_string(),
            path: path.to_string(),
            request_hash: request_hash.to_string(),
            recorded: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Whether a commit of this request recorded the key (its change is in the database).
    pub fn recorded(&self) -> bool {
        self.recorded.load(Ordering::SeqCst)
    }
}

tokio::task_local! {
    pub static CURRENT: KeyContext;
}

/// What the database knows of a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Never seen: run the request.
    New,
    /// The same request ran before: this is its response.
    Replay { status: u16, body: String },
    /// The key was used with another request.
    Mismatch,
    /// The same request's change committed (it made this record) but its answer is not stored:
    /// it is being sent right now, or the server stopped before it could be.
    AppliedWithoutAnswer {
        entity_type: String,
        entity_id: String,
    },
}

pub async fn lookup(
    pool: &AnyPool,
    actor_id: &str,
    key: &str,
    method: &str,
    path: &str,
    request_hash: &str,
) -> Result<Lookup, StoreError> {
    type Row = (
        String,
        String,
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT method, path, request_hash, status_code, response_body, applied_entity_type, \
         applied_entity_id FROM idempotency_keys WHERE actor_id = $1 AND key = $2",
    )
    .bind(actor_id)
    .bind(key)
    .fetch_optional(pool)
    .await?;
    let Some((m, p, h, status, body, entity_type, entity_id)) = row else {
        return Ok(Lookup::New);
    };
    if m != method || p != path || h != request_hash {
        return Ok(Lookup::Mismatch);
    }
    Ok(match (status, body) {
        (Some(s), Some(b)) => Lookup::Replay {
            status: u16::try_from(s).unwrap_or(500),
            body: b,
        },
        _ => Lookup::AppliedWithoutAnswer {
            entity_type: entity_type.unwrap_or_default(),
            entity_id: entity_id.unwrap_or_default(),
        },
    })
}

/// Records the key of the request in scope inside a committing transaction (once per request).
/// Fails with [`StoreError::Conflict`] when the key is already recorded: a copy of the same
/// request committed first, and this transaction must roll back.
pub(crate) async fn record_in(
    conn: &mut sqlx::AnyConnection,
    now: chrono::DateTime<chrono::Utc>,
    entity: Option<&(String, String)>,
) -> Result<(), StoreError> {
    let Ok(ctx) = CURRENT.try_with(|c| c.clone()) else {
        return Ok(());
    };
    if ctx.recorded() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO idempotency_keys (actor_id, key, method, path, request_hash, created_at, \
         applied_entity_type, applied_entity_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&ctx.actor_id)
    .bind(&ctx.key)
    .bind(&ctx.method)
    .bind(&ctx.path)
    .bind(&ctx.request_hash)
    .bind(ts(now))
    .bind(entity.map(|e| e.0.as_str()))
    .bind(entity.map(|e| e.1.as_str()))
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks the request in scope as recorded, once its transaction has committed.
pub(crate) fn mark_recorded() {
    let _ = CURRENT.try_with(|c| c.recorded.store(true, Ordering::SeqCst));
}

/// Stores the answer of a request. After a recorded change it fills the key's row; for a request
/// that changed nothing it writes the row (unless a copy of the request got there first:
/// returns `false`, and the caller answers with that copy's result instead).
///
/// It is a write: it goes through the write gate like any other (`Db::begin`). On SQLite an
/// ungated write beside the gated ones waits for the lock in SQLite's busy handler, which polls
/// with sleeps of up to 100 ms; under load (`qltt bench http`) every case action paid that.
pub async fn complete(
    db: &crate::Db,
    ctx: &KeyContext,
    status: u16,
    body: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    let mut tx = db.begin(now).await?;
    if ctx.recorded() {
        sqlx::query(
            "UPDATE idempotency_keys SET status_code = $1, response_body = $2 \
             WHERE actor_id = $3 AND key = $4",
        )
        .bind(i64::from(status))
        .bind(body)
        .bind(&ctx.actor_id)
        .bind(&ctx.key)
        .execute(tx.conn())
        .await?;
        tx.commit_bookkeeping().await?;
        return Ok(true);
    }
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (actor_id, key, method, path, request_hash, created_at, \
         status_code, response_body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (actor_id, key) DO NOTHING",
    )
    .bind(&ctx.actor_id)
    .bind(&ctx.key)
    .bind(&ctx.method)
    .bind(&ctx.path)
    .bind(&ctx.request_hash)
    .bind(ts(now))
    .bind(i64::from(status))
    .bind(body)
    .execute(tx.conn())
    .await?;
    tx.commit_bookkeeping().await?;
    Ok(inserted.rows_affected() == 1)
}
