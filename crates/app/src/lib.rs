//! Use cases. Each takes an [`Actor`], checks permission and scope, applies the rules of `domain`
//! and writes through `store` in one transaction (change + audit event + outbox). Handlers call
//! these and nothing else, so no handler can forget a check.

pub mod actor;
pub mod audit;
pub mod auth;
pub mod bootstrap;
pub mod businesses;
pub mod calendar;
pub mod cases;
pub mod commitments;
pub mod documents;
pub mod error;
pub mod exhibits;
pub mod files;
pub mod law;
pub mod lookup;
pub mod office;
pub mod officers;
pub mod open_data;
pub mod org;
pub mod periodic_reports;
pub mod reports;
pub mod search;
pub mod tasks;
pub mod violations;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use qltt_domain::Clock;
use qltt_store::Db;

pub use actor::Actor;
pub use error::{AppError, AppResult, ErrorKind};

/// The real clock; the only place outside `main` that reads the system time.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Settings that shape behaviour (not wiring).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Lifetime of a sign-in (API session token or page cookie).
    pub session_hours: i64,
    /// Failed sign-ins tolerated per account / per address within `throttle_minutes`.
    pub max_failures_per_account: i64,
    pub max_failures_per_address: i64,
    pub throttle_minutes: i64,
    /// The address the public reaches this server at, printed in documents' QR codes
    /// (`{public_url}/verify/{code}`).
    pub public_url: String,
    /// The largest file an upload may bring (camera clips run to gigabytes; uploads stream).
    pub max_upload_bytes: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            session_hours: 12,
            max_failures_per_account: 5,
            max_failures_per_address: 20,
            throttle_minutes: 15,
            public_url: "http://127.0.0.1:8080".to_string(),
            max_upload_bytes: 2 * 1024 * 1024 * 1024,
        }
    }
}

/// A committed change of a case, for live pages (SSE). Sent after the commit, in this process;
/// pages that miss one (a restart, a lagging reader) reload the queues on reconnect.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CaseEvent {
    pub case_id: String,
    pub unit_id: String,
    pub state: String,
    pub action: String,
}

#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
    pub events: tokio::sync::broadcast::Sender<CaseEvent>,
    /// Read receipts and acknowledgements of directives, for the pages that watch them (SSE).
    pub directive_events: tokio::sync::broadcast::Sender<office::directives::DirectiveEvent>,
    /// Submissions and reviews of periodic reports, for the boards that watch them (SSE).
    pub report_events: tokio::sync::broadcast::Sender<periodic_reports::ReportEvent>,
    /// Files by SHA-256 (in memory unless [`App::with_blobs`] gives a folder or a bucket).
    pub blobs: qltt_blobs::BlobStore,
    /// The search index (in memory unless [`App::with_search`] gives another).
    pub search: search::SearchHandle,
    /// Held by a pass of the report roll-up job or a reconciliation (see `reports::job`).
    pub(crate) report_gate: Arc<tokio::sync::Mutex<()>>,
    /// The programs that read the text of attached files (pdftotext, tesseract).
    pub text_settings: office::text::TextSettings,
    /// Held while the text job reads a file: one at a time in the process.
    pub(crate) text_gate: Arc<tokio::sync::Mutex<()>>,
}

impl App {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> App {
        App {
            db,
            clock,
            settings: Settings::default(),
            events: tokio::sync::broadcast::channel(1024).0,
            directive_events: tokio::sync::broadcast::channel(1024).0,
            report_events: tokio::sync::broadcast::channel(1024).0,
            blobs: qltt_blobs::BlobStore::memory(),
            search: search::SearchHandle::in_ram(),
            report_gate: Arc::default(),
            text_settings: office::text::TextSettings::default(),
            text_gate: Arc::default(),
        }
    }

    /// Keeps files in `blobs` (the folder or bucket of `QLTT_BLOBS`) instead of memory.
    pub fn with_blobs(mut self, blobs: qltt_blobs::BlobStore) -> App {
        self.blobs = blobs;
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn backend(&self) -> &'static str {
        self.db.backend().as_str()
    }

    /// A cheap round trip to the database for health checks.
    pub async fn ping(&self) -> AppResult<()> {
        sqlx_ping(&self.db).await
    }
}

async fn sqlx_ping(db: &Db) -> AppResult<()> {
    qltt_store::outbox::pending_count(db.pool())
        .await
        .map(|_| ())
        .map_err(AppError::from)
}

/// What a use case records about its change, in the change's own transaction: the audit event
/// (for auditors) and the outbox message (for background jobs: search, notifications, roll-ups).
pub(crate) struct Change<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub unit_id: &'a str,
    pub topic: &'a str,
    pub details: serde_json::Value,
}

pub(crate) async fn record(
    tx: &mut qltt_store::WriteTx,
    actor: &Actor,
    change: Change<'_>,
) -> AppResult<()> {
    qltt_store::audit::append(
        tx,
        qltt_store::audit::AuditEntry {
            actor_id: &actor.id,
            action: change.action,
            entity_type: change.entity_type,
            entity_id: change.entity_id,
            unit_id: change.unit_id,
            details: change.details.clone(),
        },
    )
    .await?;
    qltt_store::outbox::push(tx, change.topic, change.entity_id, &change.details).await?;
    search::outbox_written();
    reports::outbox_written();
    Ok(())
}
