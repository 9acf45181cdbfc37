//! Idempotency keys: the first request with a key reserves it; its response is stored; a retry with
//! the same key and body gets the stored response, with a different body a conflict.

use sqlx::AnyPool;

use crate::{StoreError, ts};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// The key is new: run the request, then call [`complete`].
    Fresh,
    /// The same request ran before: this is its response.
    Replay { status: u16, body: String },
    /// The key was used with another request.
    Mismatch,
    /// The first request with this key is still running (or crashed before answering).
    InProgress,
}

pub async fn reserve(
    pool: &AnyPool,
    actor_id: &str,
    key: &str,
    method: &str,
    path: &str,
    request_hash: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Reservation, StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (actor_id, key, method, path, request_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(actor_id)
    .bind(key)
    .bind(method)
    .bind(path)
    .bind(request_hash)
    .bind(ts(now))
    .execute(pool)
    .await;
    match inserted {
        Ok(_) => return Ok(Reservation::Fresh),
        Err(e) => match StoreError::from(e) {
            StoreError::Conflict(_) => {}
            other => return Err(other),
        },
    }
    let row: (String, String, String, Option<i64>, Option<String>) = sqlx::query_as(
        "SELECT method, path, request_hash, status_code, response_body FROM idempotency_keys \
         WHERE actor_id = $1 AND key = $2",
    )
    .bind(actor_id)
    .bind(key)
    .fetch_one(pool)
    .await?;
    let (m, p, h, status, body) = row;
    if m != method || p != path || h != request_hash {
        return Ok(Reservation::Mismatch);
    }
    match (status, body) {
        (Some(s), Some(b)) => Ok(Reservation::Replay {
            status: u16::try_from(s).unwrap_or(500),
            body: b,
        }),
        _ => Ok(Reservation::InProgress),
    }
}

pub async fn complete(
    pool: &AnyPool,
    actor_id: &str,
    key: &str,
    status: u16,
    body: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE idempotency_keys SET status_code = $1, response_body = $2 WHERE actor_id = $3 AND key = $4",
    )
    .bind(i64::from(status))
    .bind(body)
    .bind(actor_id)
    .bind(key)
    .execute(pool)
    .await?;
    Ok(())
}

/// A request that crashed (5xx) releases its key so the retry runs again; every other answer,
/// refusals included, is kept and replayed (a corrected request needs a new key).
pub async fn release(pool: &AnyPool, actor_id: &str, key: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM idempotency_keys WHERE actor_id = $1 AND key = $2")
        .bind(actor_id)
        .bind(key)
        .execute(pool)
        .await?;
    Ok(())
}
