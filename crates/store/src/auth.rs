//! Sign-in records: hashed tokens (API sessions, page sessions, long-lived API tokens) and failed
//! attempts for throttling. Only SHA-256 digests of secrets are stored: a stolen database does not
//! yield a usable token.

use serde::Serialize;
use sqlx::AnyPool;

use crate::{StoreError, WriteTx, new_id, ts};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct TokenRow {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub name: String,
    #[serde(skip)]
    pub token_hash: String,
    #[serde(skip)]
    pub csrf_token: Option<String>,
    pub created_at: String,
    pub expires_at: String,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

const COLUMNS: &str = "id, user_id, kind, name, token_hash, csrf_token, created_at, expires_at, revoked_at, last_used_at";

pub struct NewToken<'a> {
    pub user_id: &'a str,
    pub kind: &'a str,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub csrf_token: Option<&'a str>,
    pub expires_at: &'a str,
}

pub async fn insert_token(tx: &mut WriteTx, t: NewToken<'_>) -> Result<TokenRow, StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    sqlx::query(
        "INSERT INTO auth_tokens (id, user_id, kind, name, token_hash, csrf_token, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(t.user_id)
    .bind(t.kind)
    .bind(t.name)
    .bind(t.token_hash)
    .bind(t.csrf_token)
    .bind(&now)
    .bind(t.expires_at)
    .execute(tx.conn())
    .await?;
    let sql = format!("SELECT {COLUMNS} FROM auth_tokens WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(&id).fetch_one(tx.conn()).await?)
}

pub async fn by_hash(pool: &AnyPool, token_hash: &str) -> Result<Option<TokenRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM auth_tokens WHERE token_hash = $1");
    Ok(sqlx::query_as(&sql)
        .bind(token_hash)
        .fetch_optional(pool)
        .await?)
}

pub async fn by_id(pool: &AnyPool, id: &str) -> Result<Option<TokenRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM auth_tokens WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

pub async fn list_for_user(pool: &AnyPool, user_id: &str) -> Result<Vec<TokenRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM auth_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC"
    );
    Ok(sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await?)
}

pub async fn revoke(tx: &mut WriteTx, token_id: &str) -> Result<(), StoreError> {
    let now = ts(tx.now());
    sqlx::query("UPDATE auth_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(&now)
        .bind(token_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Revokes every live token of an officer (on deactivation or password change).
pub async fn revoke_all_for_user(tx: &mut WriteTx, user_id: &str) -> Result<u64, StoreError> {
    let now = ts(tx.now());
    let r = sqlx::query(
        "UPDATE auth_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(&now)
    .bind(user_id)
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected())
}

/// Notes that a token was used, at most once a minute per token so reads do not become writes.
pub async fn touch(
    conn: &mut sqlx::AnyConnection,
    token_id: &str,
    now: &str,
    stale_before: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE auth_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(now)
    .bind(token_id)
    .bind(stale_before)
    .execute(conn)
    .await?;
    Ok(())
}

/// Written through the caller's write transaction (the write gate): on SQLite a sign-in that
/// wrote beside a long transaction would fail with "database is locked" after the busy timeout
/// instead of waiting its turn.
pub async fn record_failure(
    conn: &mut sqlx::AnyConnection,
    username: &str,
    address: &str,
    at: &str,
    forget_before: &str,
) -> Result<(), StoreError> {
    // Failures older than any throttle window are no longer needed; dropping them here keeps the
    // table small even under a sustained guessing attack.
    sqlx::query("DELETE FROM login_failures WHERE at < $1")
        .bind(forget_before)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO login_failures (id, username, address, at) VALUES ($1, $2, $3, $4)")
        .bind(new_id())
        .bind(username)
        .bind(address)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Failed attempts since `since` for this account and from this address.
pub async fn recent_failures(
    pool: &AnyPool,
    username: &str,
    address: &str,
    since: &str,
) -> Result<(i64, i64), StoreError> {
    let (by_user,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at >= $2")
            .bind(username)
            .bind(since)
            .fetch_one(pool)
            .await?;
    let (by_address,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM login_failures WHERE address = $1 AND at >= $2")
            .bind(address)
            .bind(since)
            .fetch_one(pool)
            .await?;
    Ok((by_user, by_address))
}

/// A successful sign-in clears the account's failures so a later typo is not punished.
pub async fn clear_failures(
    conn: &mut sqlx::AnyConnection,
    username: &str,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM login_failures WHERE username = $1")
        .bind(username)
        .execute(conn)
        .await?;
    Ok(())
}
