//! Connection, migrations and the write transaction.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, ConnectOptions, Executor, Transaction};

use crate::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Other(format!(
                "unsupported database URL (use sqlite://… or postgres://…): {}",
                redact_url(url)
            )))
        }
    }
}

/// A URL without its password, for logs and messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..scheme], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer at a time. Writers queue here, in the process, *before* taking a
    /// pool connection: otherwise up to 8 writers each hold a connection waiting in BEGIN
    /// IMMEDIATE while the one that has the lock cannot get a connection for a read, and they all
    /// time out ("database is locked"; found by `qltt bench cases` at 16 clients).
    write_gate: Option<std::sync::Arc<tokio::sync::Semaphore>>,
}

impl Db {
    /// Opens the database (creating a SQLite file and its folder if needed) without migrating.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite => sqlite_url(url)?,
            Backend::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)?
            .log_statements(tracing::log::LevelFilter::Trace)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500));
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                // One writer at a time anyway; a few readers alongside it under WAL.
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets pages read while a write commits; foreign keys are off by default
                        // in SQLite; the busy timeout makes a second writer wait instead of failing.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        // Temporary B-trees (sorts, the bulk generator's index builds) stay in
                        // memory. Set here, before the connection first uses temporary
                        // storage: SQLite refuses to change it later inside a transaction.
                        conn.execute("PRAGMA temp_store = MEMORY").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let write_gate = (backend == Backend::Sqlite)
            .then(|| std::sync::Arc::new(tokio::sync::Semaphore::new(1)));
        Ok(Db {
            pool,
            backend,
            write_gate,
        })
    }

    /// Opens and brings the schema up to date.
    pub async fn open(url: &str) -> Result<Db, StoreError> {
        let db = Db::connect(url).await?;
        db.migrate().await?;
        Ok(db)
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => {
                // SQLite cannot drop a constraint, so a migration that changes one rebuilds the
                // table (new table, copy, drop, rename: sqlite.org/lang_altertable.html,
                // "Making Other Kinds Of Table Schema Changes"), which needs foreign key
                // enforcement off — a no-op inside the migration's own transaction. It is
                // switched off on the migrating connection, and every reference is checked
                // before that connection goes back to the pool with enforcement on again.
                let mut conn = self.pool.acquire().await?;
                conn.execute("PRAGMA foreign_keys = OFF").await?;
                let run = sqlx::migrate!("./migrations/sqlite").run(&mut *conn).await;
                let broken = sqlx::query("PRAGMA foreign_key_check")
                    .fetch_all(&mut *conn)
                    .await;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                // The migrating connection is not reused: a rebuild leaves it with temporary
                // storage open and settings changed; a fresh one is made on demand.
                let _ = conn.close().await;
                run?;
                let broken = broken?.len();
                if broken > 0 {
                    return Err(StoreError::Corrupt(format!(
                        "after the migrations {broken} rows reference a row that does not exist"
                    )));
                }
            }
            Backend::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts the one transaction a use case writes through. On SQLite it takes the write lock at
    /// once (BEGIN IMMEDIATE): a deferred transaction that reads first and writes later can fail
    /// with SQLITE_BUSY when another writer got in between, and no timeout helps then.
    pub async fn begin(&self, now: DateTime<Utc>) -> Result<WriteTx, StoreError> {
        let permit = match &self.write_gate {
            Some(gate) => Some(
                gate.clone()
                    .acquire_owned()
                    .await
                    .map_err(|e| StoreError::Other(e.to_string()))?,
            ),
            None => None,
        };
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx {
            tx,
            backend: self.backend,
            now,
            audited: 0,
            last_entity: None,
            _permit: permit,
        })
    }

    /// Whether any business data exists (used to refuse restoring over a live database and to
    /// decide on demo data).
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM units")
            .fetch_one(&self.pool)
            .await?;
        Ok(n == 0)
    }
}

fn sqlite_url(url: &str) -> Result<String, StoreError> {
    // Accept sqlite://path, sqlite:path and sqlite::memory:; create the parent folder and the file.
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    if path != ":memory:"
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)?;
    }
    let mut out = format!("sqlite://{path}");
    match query {
        Some(q) if q.contains("mode=") => out.push_str(&format!("?{q}")),
        Some(q) => out.push_str(&format!("?{q}&mode=rwc")),
        None => out.push_str("?mode=rwc"),
    }
    Ok(out)
}

/// The single transaction of a use case: the change, its audit event(s) and its outbox entries
/// commit together or not at all.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    backend: Backend,
    now: DateTime<Utc>,
    audited: usize,
    /// The record of the last audit event (entity type, id): what an idempotency key says the
    /// request made (a step's documents are audited before the case's own event).
    last_entity: Option<(String, String)>,
    /// Held until the transaction ends (declared last: dropped after the transaction).
    _permit: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl WriteTx {
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The instant of this change, taken once from the use case's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub(crate) fn mark_audited(&mut self, entity_type: &str, entity_id: &str) {
        self.audited += 1;
        self.last_entity = Some((entity_type.to_string(), entity_id.to_string()));
    }

    /// Commits a business change. A change without an audit event is a bug, so it is refused
    /// here, where no use case can forget it.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        if self.audited == 0 {
            return Err(StoreError::Other(
                "refusing to commit a change without an audit event".into(),
            ));
        }
        // The request's idempotency key commits with its change (see crate::idempotency).
        crate::idempotency::record_in(&mut self.tx, self.now, self.last_entity.as_ref()).await?;
        self.tx.commit().await?;
        crate::idempotency::mark_recorded();
        Ok(())
    }

    /// Commits bookkeeping that is not a change of business data (a failed sign-in attempt,
    /// an idempotency reservation, a token's last-use time).
    pub async fn commit_bookkeeping(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_appear_in_printed_urls() {
        assert_eq!(
            redact_url("postgres://qltt:secret@db:5432/qltt"),
            "postgres://qltt:***@db:5432/qltt"
        );
        assert_eq!(redact_url("sqlite://data/qltt.db"), "sqlite://data/qltt.db");
    }

    #[test]
    fn sqlite_urls_create_the_file() {
        assert_eq!(
            sqlite_url("sqlite::memory:").ok(),
            Some("sqlite://:memory:?mode=rwc".into())
        );
    }
}
