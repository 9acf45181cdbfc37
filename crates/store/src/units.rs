//! The organisation tree. The current shape lives on `units` (name, parent, successor); every
//! rename, move and merge also closes one row of `unit_versions` and opens the next, so the name and
//! place of a unit at any date can be shown on old records.

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use crate::{StoreError, WriteTx, new_id, ts};

/// Ids of the units in the subtree of `$1`: its descendants through the current parent links,
/// and every unit merged into one of them (with their own former subtrees), so that officers of a
/// merged unit see both histories. UNION (not UNION ALL) stops on any accidental cycle.
pub const SCOPE_SUBQUERY: &str = "WITH RECURSIVE scope(id) AS (\
     SELECT id FROM units WHERE id = $1 \
     UNION SELECT u.id FROM units u JOIN scope s ON u.parent_id = s.id OR u.merged_into = s.id\
     ) SELECT id FROM scope";

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct UnitRow {
    pub id: String,
    pub code: String,
    pub kind: String,
    pub name: String,
    pub parent_id: Option<String>,
    pub merged_into: Option<String>,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub created_at: String,
}

impl UnitRow {
    pub fn active(&self) -> bool {
        self.valid_to.is_none()
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct UnitVersionRow {
    pub id: String,
    pub unit_id: String,
    pub name: String,
    pub parent_id: Option<String>,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub reason: String,
}

const COLUMNS: &str =
    "id, code, kind, name, parent_id, merged_into, valid_from, valid_to, created_at";

pub async fn get(pool: &AnyPool, id: &str) -> Result<Option<UnitRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM units WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

pub async fn get_in(conn: &mut AnyConnection, id: &str) -> Result<Option<UnitRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM units WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

pub async fn get_by_code(pool: &AnyPool, code: &str) -> Result<Option<UnitRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM units WHERE code = $1");
    Ok(sqlx::query_as(&sql).bind(code).fetch_optional(pool).await?)
}

/// Every unit in the subtree of `root` (see [`SCOPE_SUBQUERY`]), ordered by code.
pub async fn subtree(pool: &AnyPool, root: &str) -> Result<Vec<UnitRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM units WHERE id IN ({SCOPE_SUBQUERY}) ORDER BY code");
    Ok(sqlx::query_as(&sql).bind(root).fetch_all(pool).await?)
}

/// Whether `unit_id` lies in the subtree of `root`.
pub async fn in_subtree(
    conn: &mut AnyConnection,
    root: &str,
    unit_id: &str,
) -> Result<bool, StoreError> {
    let sql = format!("SELECT COUNT(*) FROM units WHERE id = $2 AND id IN ({SCOPE_SUBQUERY})");
    let (n,): (i64,) = sqlx::query_as(&sql)
        .bind(root)
        .bind(unit_id)
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}

pub async fn versions(pool: &AnyPool, unit_id: &str) -> Result<Vec<UnitVersionRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, unit_id, name, parent_id, valid_from, valid_to, reason FROM unit_versions \
         WHERE unit_id = $1 ORDER BY valid_from, id",
    )
    .bind(unit_id)
    .fetch_all(pool)
    .await?)
}

pub struct NewUnit<'a> {
    pub code: &'a str,
    pub kind: &'a str,
    pub name: &'a str,
    pub parent_id: Option<&'a str>,
}

pub async fn insert(tx: &mut WriteTx, unit: NewUnit<'_>) -> Result<UnitRow, StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    sqlx::query(
        "INSERT INTO units (id, code, kind, name, parent_id, merged_into, valid_from, valid_to, created_at) \
         VALUES ($1, $2, $3, $4, $5, NULL, $6, NULL, $6)",
    )
    .bind(&id)
    .bind(unit.code)
    .bind(unit.kind)
    .bind(unit.name)
    .bind(unit.parent_id)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    open_version(tx, &id, unit.name, unit.parent_id, "create").await?;
    get_in(tx.conn(), &id).await?.ok_or(StoreError::NotFound)
}

async fn open_version(
    tx: &mut WriteTx,
    unit_id: &str,
    name: &str,
    parent_id: Option<&str>,
    reason: &str,
) -> Result<(), StoreError> {
    let now = ts(tx.now());
    sqlx::query("UPDATE unit_versions SET valid_to = $1 WHERE unit_id = $2 AND valid_to IS NULL")
        .bind(&now)
        .bind(unit_id)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO unit_versions (id, unit_id, name, parent_id, valid_from, valid_to, reason) \
         VALUES ($1, $2, $3, $4, $5, NULL, $6)",
    )
    .bind(new_id())
    .bind(unit_id)
    .bind(name)
    .bind(parent_id)
    .bind(&now)
    .bind(reason)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Renames and/or moves a unit, recording a new version.
pub async fn update(
    tx: &mut WriteTx,
    unit_id: &str,
    name: &str,
    parent_id: Option<&str>,
    reason: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE units SET name = $1, parent_id = $2 WHERE id = $3")
        .bind(name)
        .bind(parent_id)
        .bind(unit_id)
        .execute(tx.conn())
        .await?;
    open_version(tx, unit_id, name, parent_id, reason).await
}

/// Folds `source` into `target`: ends the source's validity and names its successor, moves its
/// active child units and its officers to the target. Records made in the source keep pointing at
/// it; the scope query makes them visible from the target. Returns the moved children and officers.
pub async fn merge(
    tx: &mut WriteTx,
    source: &UnitRow,
    target_id: &str,
) -> Result<(Vec<String>, Vec<String>), StoreError> {
    let now = ts(tx.now());
    let children: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, name FROM units WHERE parent_id = $1 AND valid_to IS NULL ORDER BY code",
    )
    .bind(&source.id)
    .fetch_all(tx.conn())
    .await?;
    for (child_id, child_name) in &children {
        update(tx, child_id, child_name, Some(target_id), "merge").await?;
    }
    let officers: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM users WHERE unit_id = $1 ORDER BY username")
            .bind(&source.id)
            .fetch_all(tx.conn())
            .await?;
    sqlx::query("UPDATE users SET unit_id = $1, updated_at = $2 WHERE unit_id = $3")
        .bind(target_id)
        .bind(&now)
        .bind(&source.id)
        .execute(tx.conn())
        .await?;
    sqlx::query("UPDATE units SET merged_into = $1, valid_to = $2 WHERE id = $3")
        .bind(target_id)
        .bind(&now)
        .bind(&source.id)
        .execute(tx.conn())
        .await?;
    sqlx::query("UPDATE unit_versions SET valid_to = $1 WHERE unit_id = $2 AND valid_to IS NULL")
        .bind(&now)
        .bind(&source.id)
        .execute(tx.conn())
        .await?;
    Ok((
        children.into_iter().map(|(id, _)| id).collect(),
        officers.into_iter().map(|(id,)| id).collect(),
    ))
}

/// The root of the tree (the national unit), if the database has one.
pub async fn root(pool: &AnyPool) -> Result<Option<UnitRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM units WHERE parent_id IS NULL AND merged_into IS NULL ORDER BY created_at LIMIT 1"
    );
    Ok(sqlx::query_as(&sql).fetch_optional(pool).await?)
}
