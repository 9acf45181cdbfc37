//! Warehouses (kho tang vật) of a unit and the cameras that watch their zones.

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use crate::{StoreError, WriteTx, new_id, ts};

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct WarehouseRow {
    pub id: String,
    pub unit_id: String,
    pub code: String,
    pub name: String,
    pub address: String,
    pub created_by: String,
    pub created_at: String,
}

const W_COLUMNS: &str = "id, unit_id, code, name, address, created_by, created_at";

pub struct NewWarehouse<'a> {
    pub unit_id: &'a str,
    pub code: &'a str,
    pub name: &'a str,
    pub address: &'a str,
    pub created_by: &'a str,
}

pub async fn insert(tx: &mut WriteTx, w: &NewWarehouse<'_>) -> Result<WarehouseRow, StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    sqlx::query(
        "INSERT INTO warehouses (id, unit_id, code, name, address, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(w.unit_id)
    .bind(w.code)
    .bind(w.name)
    .bind(w.address)
    .bind(w.created_by)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    get_in(tx.conn(), &id).await?.ok_or(StoreError::NotFound)
}

pub async fn get(pool: &AnyPool, id: &str) -> Result<Option<WarehouseRow>, StoreError> {
    let sql = format!("SELECT {W_COLUMNS} FROM warehouses WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

pub async fn get_in(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<WarehouseRow>, StoreError> {
    let sql = format!("SELECT {W_COLUMNS} FROM warehouses WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// Warehouses of the units in the subtree of `scope_root`, by unit and code.
pub async fn list(pool: &AnyPool, scope_root: &str) -> Result<Vec<WarehouseRow>, StoreError> {
    let sql = format!(
        "SELECT {W_COLUMNS} FROM warehouses WHERE unit_id IN ({scope}) ORDER BY unit_id, code",
        scope = crate::units::SCOPE_SUBQUERY
    );
    Ok(sqlx::query_as(&sql)
        .bind(scope_root)
        .fetch_all(pool)
        .await?)
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct CameraRow {
    pub id: String,
    pub warehouse_id: String,
    pub code: String,
    pub zone: Option<String>,
    pub description: String,
    pub created_by: String,
    pub created_at: String,
}

const C_COLUMNS: &str = "id, warehouse_id, code, zone, description, created_by, created_at";

pub struct NewCamera<'a> {
    pub warehouse_id: &'a str,
    pub code: &'a str,
    pub zone: Option<&'a str>,
    pub description: &'a str,
    pub created_by: &'a str,
}

pub async fn insert_camera(tx: &mut WriteTx, c: &NewCamera<'_>) -> Result<CameraRow, StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    sqlx::query(
        "INSERT INTO cameras (id, warehouse_id, code, zone, description, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(c.warehouse_id)
    .bind(c.code)
    .bind(c.zone)
    .bind(c.description)
    .bind(c.created_by)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    let sql = format!("SELECT {C_COLUMNS} FROM cameras WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(&id).fetch_one(tx.conn()).await?)
}

pub async fn cameras(pool: &AnyPool, warehouse_id: &str) -> Result<Vec<CameraRow>, StoreError> {
    let sql = format!("SELECT {C_COLUMNS} FROM cameras WHERE warehouse_id = $1 ORDER BY code");
    Ok(sqlx::query_as(&sql)
        .bind(warehouse_id)
        .fetch_all(pool)
        .await?)
}

pub async fn camera_in(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<CameraRow>, StoreError> {
    let sql = format!("SELECT {C_COLUMNS} FROM cameras WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}
