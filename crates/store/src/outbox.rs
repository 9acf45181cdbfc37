//! The outbox: messages for background jobs (search indexing, notifications, roll-ups), written in
//! the same transaction as the change that causes them, so a job never misses a committed change
//! and never sees a rolled-back one.

use crate::{StoreError, WriteTx, new_id, ts};

pub async fn push(
    tx: &mut WriteTx,
    topic: &str,
    entity_id: &str,
    payload: &serde_json::Value,
) -> Result<(), StoreError> {
    let now = ts(tx.now());
    sqlx::query(
        "INSERT INTO outbox (id, topic, entity_id, payload, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new_id())
    .bind(topic)
    .bind(entity_id)
    .bind(payload.to_string())
    .bind(&now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn pending_count(pool: &sqlx::AnyPool) -> Result<i64, StoreError> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE processed_at IS NULL")
        .fetch_one(pool)
        .await?;
    Ok(n)
}

/// How long a transaction may stay open between writing its outbox entry and committing, and
/// still be seen by a follower's normal pass.
pub const HORIZON_LAG: std::time::Duration = std::time::Duration::from_secs(600);

/// The smallest UUIDv7 text of the instant `t`: outbox ids at or after `t` sort above it.
pub fn id_at(t: std::time::SystemTime) -> String {
    let ms = t
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as u64;
    format!(
        "{:08x}-{:04x}-0000-0000-000000000000",
        (ms >> 16) & 0xffff_ffff,
        ms & 0xffff
    )
}

/// A background job that follows the outbox (the search indexer, the report roll-ups): its own
/// per-entry marks and a key/value state table holding its `horizon`. Per-entry marks rather than
/// one cursor, because on PostgreSQL transactions commit out of id order: an entry with a smaller
/// id can become visible after a larger one was processed, and "id > cursor" would skip it for
/// good. The horizon only moves past entries older than [`HORIZON_LAG`], whose transactions have
/// ended; marks below it are pruned.
pub struct Follower {
    /// Table `(outbox_id TEXT PRIMARY KEY, <mark_column> TEXT NOT NULL)`.
    pub marks: &'static str,
    pub mark_column: &'static str,
    /// Table `(key TEXT PRIMARY KEY, value TEXT NOT NULL)`.
    pub state: &'static str,
    /// SQL condition on `o.topic` selecting the entries this job takes.
    pub topics: &'static str,
}

/// An outbox entry: (id, topic, entity id).
pub type Entry = (String, String, String);

impl Follower {
    pub async fn state_value(
        &self,
        pool: &sqlx::AnyPool,
        key: &str,
    ) -> Result<Option<String>, StoreError> {
        let sql = format!("SELECT value FROM {} WHERE key = $1", self.state);
        let row: Option<(String,)> = sqlx::query_as(&sql).bind(key).fetch_optional(pool).await?;
        Ok(row.map(|r| r.0))
    }

    pub async fn set_state(
        &self,
        tx: &mut WriteTx,
        key: &str,
        value: &str,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO {} (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            self.state
        );
        sqlx::query(&sql)
            .bind(key)
            .bind(value)
            .execute(tx.conn())
            .await?;
        Ok(())
    }

    /// Up to `limit` entries above the horizon that this job has not marked, oldest first.
    pub async fn pending(
        &self,
        pool: &sqlx::AnyPool,
        horizon: &str,
        limit: i64,
    ) -> Result<Vec<Entry>, StoreError> {
        let sql = format!(
            "SELECT o.id, o.topic, o.entity_id FROM outbox o \
             WHERE o.id > $1 AND {} \
             AND NOT EXISTS (SELECT 1 FROM {} m WHERE m.outbox_id = o.id) \
             ORDER BY o.id LIMIT $2",
            self.topics, self.marks
        );
        Ok(sqlx::query_as(&sql)
            .bind(horizon)
            .bind(limit)
            .fetch_all(pool)
            .await?)
    }

    pub async fn mark(&self, tx: &mut WriteTx, entries: &[Entry]) -> Result<(), StoreError> {
        let at = ts(tx.now());
        let sql = format!(
            "INSERT INTO {} (outbox_id, {}) VALUES ($1, $2) ON CONFLICT (outbox_id) DO NOTHING",
            self.marks, self.mark_column
        );
        for (id, _, _) in entries {
            sqlx::query(&sql)
                .bind(id)
                .bind(&at)
                .execute(tx.conn())
                .await?;
        }
        Ok(())
    }

    /// Records `horizon` and forgets the marks at or below it.
    pub async fn advance(&self, tx: &mut WriteTx, horizon: &str) -> Result<(), StoreError> {
        self.set_state(tx, "horizon", horizon).await?;
        let sql = format!("DELETE FROM {} WHERE outbox_id <= $1", self.marks);
        sqlx::query(&sql).bind(horizon).execute(tx.conn()).await?;
        Ok(())
    }
}
