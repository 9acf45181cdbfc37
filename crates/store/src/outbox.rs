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
