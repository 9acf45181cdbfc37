//! The only crate that talks SQL. One set of queries runs on SQLite (the embedded default) and
//! PostgreSQL (the national shape) through sqlx's `Any` driver; placeholders are `$1, $2…`, which
//! both accept. Where a statement must differ (row locks), the difference lives in one function here.

pub mod audit;
pub mod auth;
pub mod backup;
pub mod blobs;
pub mod bulk;
pub mod businesses;
pub mod calendar;
pub mod cases;
pub mod commitments;
pub mod db;
pub mod document_texts;
pub mod documents;
pub mod error;
pub mod exhibits;
pub mod idempotency;
pub mod office;
pub mod office_access;
pub mod office_drafts;
pub mod outbox;
pub mod periodic_reports;
pub mod publications;
pub mod reports;
pub mod stock_counts;
pub mod tasks;
pub mod units;
pub mod users;
pub mod violation_types;
pub mod warehouses;

pub use db::{Backend, Db, WriteTx};
pub use error::StoreError;

use chrono::{DateTime, SecondsFormat, Utc};

/// A new sortable identifier (UUIDv7: time-ordered, so primary-key indexes stay append-mostly).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Instants are stored as fixed-width RFC 3339 UTC text so they sort the same on both databases.
pub fn ts(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Reads back an instant written by [`ts`].
pub fn parse_ts(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(format!("bad timestamp {text:?}")))
}

/// `$from, $from+1, …` for `n` bound values: the list of an `IN (…)` over ids (a page of a list
/// reads each child table once for all its rows instead of once per row).
pub fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
