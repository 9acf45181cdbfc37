//! Metadata of the files in the blob store (the bytes live in `qltt-blobs`, by SHA-256).

use serde::Serialize;
use sqlx::AnyPool;

use crate::{StoreError, WriteTx, ts};

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct BlobRow {
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub file_name: Option<String>,
    pub unit_id: String,
    pub created_by: String,
    pub created_at: String,
}

const COLUMNS: &str = "sha256, size, content_type, file_name, unit_id, created_by, created_at";

pub struct NewBlob<'a> {
    pub sha256: &'a str,
    pub size: i64,
    pub content_type: &'a str,
    pub file_name: Option<&'a str>,
    pub unit_id: &'a str,
    pub created_by: &'a str,
}

/// Records a stored file; the same file registered again keeps its first row (who brought it
/// first and when is evidence too). Returns the row as stored.
pub async fn register(tx: &mut WriteTx, b: &NewBlob<'_>) -> Result<BlobRow, StoreError> {
    let now = ts(tx.now());
    sqlx::query(
        "INSERT INTO blobs (sha256, size, content_type, file_name, unit_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(b.sha256)
    .bind(b.size)
    .bind(b.content_type)
    .bind(b.file_name)
    .bind(b.unit_id)
    .bind(b.created_by)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    let sql = format!("SELECT {COLUMNS} FROM blobs WHERE sha256 = $1");
    Ok(sqlx::query_as(&sql)
        .bind(b.sha256)
        .fetch_one(tx.conn())
        .await?)
}

pub async fn get(pool: &AnyPool, sha256: &str) -> Result<Option<BlobRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM blobs WHERE sha256 = $1");
    Ok(sqlx::query_as(&sql)
        .bind(sha256)
        .fetch_optional(pool)
        .await?)
}

pub async fn get_in(
    conn: &mut sqlx::AnyConnection,
    sha256: &str,
) -> Result<Option<BlobRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM blobs WHERE sha256 = $1");
    Ok(sqlx::query_as(&sql)
        .bind(sha256)
        .fetch_optional(conn)
        .await?)
}
