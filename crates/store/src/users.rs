//! Officers (users of the system) and their roles.

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use crate::{StoreError, WriteTx, new_id, ts};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub full_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub unit_id: String,
    pub rank: Option<String>,
    /// 1 active, 0 deactivated (an integer: sqlx's Any driver has no boolean for SQLite).
    pub active: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl UserRow {
    pub fn is_active(&self) -> bool {
        self.active != 0
    }
}

const COLUMNS: &str =
    "id, username, full_name, password_hash, unit_id, rank, active, created_at, updated_at";

pub async fn get(pool: &AnyPool, id: &str) -> Result<Option<UserRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

pub async fn get_in(conn: &mut AnyConnection, id: &str) -> Result<Option<UserRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

pub async fn get_by_username(
    pool: &AnyPool,
    username: &str,
) -> Result<Option<UserRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE username = $1");
    Ok(sqlx::query_as(&sql)
        .bind(username)
        .fetch_optional(pool)
        .await?)
}

pub async fn count(pool: &AnyPool) -> Result<i64, StoreError> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(pool)
        .await?;
    Ok(n)
}

/// Officers whose home unit is in the subtree of `scope_root`, by username, after `after`
/// (cursor pagination on the unique username).
pub async fn list_in_scope(
    pool: &AnyPool,
    scope_root: &str,
    unit_filter: Option<&str>,
    after: &str,
    limit: i64,
) -> Result<Vec<UserRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM users WHERE unit_id IN ({scope}) AND ($2 = '' OR unit_id = $2) \
         AND username > $3 ORDER BY username LIMIT $4",
        scope = crate::units::SCOPE_SUBQUERY
    );
    Ok(sqlx::query_as(&sql)
        .bind(scope_root)
        .bind(unit_filter.unwrap_or(""))
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

/// How many officers have their home unit in the subtree of `scope_root`.
pub async fn count_in_scope(pool: &AnyPool, scope_root: &str) -> Result<i64, StoreError> {
    let sql = format!(
        "SELECT COUNT(*) FROM users WHERE unit_id IN ({scope})",
        scope = crate::units::SCOPE_SUBQUERY
    );
    let (n,): (i64,) = sqlx::query_as(&sql)
        .bind(scope_root)
        .fetch_one(pool)
        .await?;
    Ok(n)
}

pub async fn roles(pool: &AnyPool, user_id: &str) -> Result<Vec<String>, StoreError> {
    let mut conn = pool.acquire().await?;
    roles_in(&mut conn, user_id).await
}

/// Roles read on the caller's connection, so a use case holding a write transaction never waits
/// for a second pooled connection (with SQLite's single writer that could starve the pool).
pub async fn roles_in(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
            .bind(user_id)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(r,)| r).collect())
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub full_name: &'a str,
    pub password_hash: &'a str,
    pub unit_id: &'a str,
    pub rank: Option<&'a str>,
    pub roles: &'a [&'a str],
}

pub async fn insert(tx: &mut WriteTx, u: NewUser<'_>) -> Result<UserRow, StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    sqlx::query(
        "INSERT INTO users (id, username, full_name, password_hash, unit_id, rank, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(&id)
    .bind(u.username)
    .bind(u.full_name)
    .bind(u.password_hash)
    .bind(u.unit_id)
    .bind(u.rank)
    .bind(1i64)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    for role in u.roles {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(&id)
            .bind(*role)
            .execute(tx.conn())
            .await?;
    }
    get_in(tx.conn(), &id).await?.ok_or(StoreError::NotFound)
}

pub async fn set_active(tx: &mut WriteTx, user_id: &str, active: bool) -> Result<(), StoreError> {
    let now = ts(tx.now());
    sqlx::query("UPDATE users SET active = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(active))
        .bind(&now)
        .bind(user_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn set_password(tx: &mut WriteTx, user_id: &str, hash: &str) -> Result<(), StoreError> {
    let now = ts(tx.now());
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(&now)
        .bind(user_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}
