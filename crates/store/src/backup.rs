//! Database-level pieces of `qltt backup` / `qltt restore` (the archive itself is built by the
//! binary). SQLite's `VACUUM INTO` writes a consistent copy while the server keeps running.

use std::path::Path;

use crate::{Backend, Db, StoreError};

/// Writes a consistent copy of the SQLite database to `dest` (which must not exist).
pub async fn sqlite_snapshot(db: &Db, dest: &Path) -> Result<(), StoreError> {
    if db.backend() != Backend::Sqlite {
        return Err(StoreError::Other(
            "online snapshots are for SQLite; back up PostgreSQL with pg_dump (docs/operations.md)"
                .into(),
        ));
    }
    let dest = dest
        .to_str()
        .ok_or_else(|| StoreError::Other("backup path is not valid UTF-8".into()))?
        .to_string();
    sqlx::query("VACUUM INTO $1")
        .bind(dest)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// SQLite's own consistency check of the file (pages, indexes, constraints).
pub async fn sqlite_integrity(db: &Db) -> Result<(), StoreError> {
    let (result,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(db.pool())
        .await?;
    if result == "ok" {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!("integrity_check: {result}")))
    }
}
