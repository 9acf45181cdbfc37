//! Persisting and verifying the audit chain (the hash rule itself is in `qltt_domain::audit`).

use qltt_domain::audit::{AuditFields, GENESIS_HASH, change_digest, event_hash};
use serde::Serialize;
use sqlx::{AnyPool, Row};

use crate::{Backend, StoreError, WriteTx, new_id, ts};

/// What a use case says about its change.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub actor_id: &'a str,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    /// The unit the entity belongs to; decides who may read the event.
    pub unit_id: &'a str,
    /// The change itself (after-values, never secrets or personal ID numbers).
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct AuditEvent {
    pub seq: i64,
    pub id: String,
    pub at: String,
    pub actor_id: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub unit_id: String,
    pub details: String,
    pub digest: String,
    pub prev_hash: String,
    pub hash: String,
}

fn lock_head_sql(backend: Backend) -> &'static str {
    match backend {
        // SQLite has no row locks; BEGIN IMMEDIATE already holds the database's write lock.
        Backend::Sqlite => "SELECT seq, hash FROM audit_head WHERE id = 1",
        Backend::Postgres => "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
    }
}

/// Appends one event to the chain inside the caller's transaction.
pub async fn append(tx: &mut WriteTx, entry: AuditEntry<'_>) -> Result<i64, StoreError> {
    let sql = lock_head_sql(tx.backend());
    let head = sqlx::query(sql).fetch_one(tx.conn()).await?;
    let prev_seq: i64 = head.try_get("seq")?;
    let prev_hash: String = head.try_get("hash")?;
    let seq = prev_seq + 1;
    let id = new_id();
    let at = ts(tx.now());
    // serde_json's Value keeps object keys sorted (no preserve_order feature), so the text is
    // canonical and the digest can be recomputed from the stored details.
    let details = entry.details.to_string();
    let digest = change_digest(&details);
    let hash = event_hash(&AuditFields {
        seq,
        id: &id,
        at: &at,
        actor_id: entry.actor_id,
        action: entry.action,
        entity_type: entry.entity_type,
        entity_id: entry.entity_id,
        unit_id: entry.unit_id,
        digest: &digest,
        prev_hash: &prev_hash,
    });
    sqlx::query(
        "INSERT INTO audit_events (seq, id, at, actor_id, action, entity_type, entity_id, unit_id, \
         details, digest, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(seq)
    .bind(&id)
    .bind(&at)
    .bind(entry.actor_id)
    .bind(entry.action)
    .bind(entry.entity_type)
    .bind(entry.entity_id)
    .bind(entry.unit_id)
    .bind(&details)
    .bind(&digest)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(tx.conn())
    .await?;
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(&hash)
        .execute(tx.conn())
        .await?;
    tx.mark_audited(entry.entity_type, entry.entity_id);
    Ok(seq)
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Intact {
        events: i64,
    },
    Broken {
        seq: i64,
        id: String,
        reason: String,
    },
}

/// Walks every event in order and recomputes digests and hashes. Catches an edited event (its
/// hash no longer matches), a deleted one (a gap in the sequence, or the head pointing past the
/// end) and a reordering (an event whose `prev_hash` is not its predecessor's hash).
pub async fn verify(pool: &AnyPool) -> Result<Verification, StoreError> {
    use futures_util::TryStreamExt;
    let mut rows = sqlx::query_as::<_, AuditEvent>(
        "SELECT seq, id, at, actor_id, action, entity_type, entity_id, unit_id, details, digest, \
         prev_hash, hash FROM audit_events ORDER BY seq",
    )
    .fetch(pool);
    let mut expected_seq = 1i64;
    let mut prev_hash = GENESIS_HASH.to_string();
    let mut count = 0i64;
    let broken = |e: &AuditEvent, reason: String| Verification::Broken {
        seq: e.seq,
        id: e.id.clone(),
        reason,
    };
    while let Some(e) = rows.try_next().await? {
        if e.seq != expected_seq {
            return Ok(broken(
                &e,
                format!("expected event #{expected_seq}: an event is missing or was renumbered"),
            ));
        }
        if e.prev_hash != prev_hash {
            return Ok(broken(
                &e,
                "prev_hash does not match the previous event: events were removed or reordered"
                    .into(),
            ));
        }
        if change_digest(&e.details) != e.digest {
            return Ok(broken(&e, "details were edited (digest mismatch)".into()));
        }
        let recomputed = event_hash(&AuditFields {
            seq: e.seq,
            id: &e.id,
            at: &e.at,
            actor_id: &e.actor_id,
            action: &e.action,
            entity_type: &e.entity_type,
            entity_id: &e.entity_id,
            unit_id: &e.unit_id,
            digest: &e.digest,
            prev_hash: &e.prev_hash,
        });
        if recomputed != e.hash {
            return Ok(broken(&e, "event was edited (hash mismatch)".into()));
        }
        prev_hash = e.hash.clone();
        expected_seq += 1;
        count += 1;
    }
    drop(rows);
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(pool)
        .await?;
    let head_seq: i64 = head.try_get("seq")?;
    let head_hash: String = head.try_get("hash")?;
    if head_seq != count || head_hash != prev_hash {
        return Ok(Verification::Broken {
            seq: count + 1,
            id: String::new(),
            reason: format!(
                "the chain ends at event #{count} but its head records #{head_seq}: the last events were deleted"
            ),
        });
    }
    Ok(Verification::Intact { events: count })
}

/// Events for auditors: newest first, limited to units in `scope_sql` (a sub-select of unit ids
/// built by `units::scope_subquery`), optionally for one entity.
pub async fn list(
    pool: &AnyPool,
    scope_root: &str,
    entity_id: Option<&str>,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditEvent>, StoreError> {
    let sql = format!(
        "SELECT seq, id, at, actor_id, action, entity_type, entity_id, unit_id, details, digest, \
         prev_hash, hash FROM audit_events \
         WHERE unit_id IN ({scope}) AND ($2 = '' OR entity_id = $2) AND seq < $3 \
         ORDER BY seq DESC LIMIT $4",
        scope = crate::units::SCOPE_SUBQUERY
    );
    let rows = sqlx::query_as::<_, AuditEvent>(&sql)
        .bind(scope_root)
        .bind(entity_id.unwrap_or(""))
        .bind(before_seq.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(pool)
        .await?;
    Ok(rows)
}
