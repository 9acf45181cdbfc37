//! Exhibit lots and their custody events. The hash rule is `qltt_domain::exhibit::custody_hash`;
//! this module persists a lot's head (last seq and hash) with the lot so that appending an event
//! is one read and two writes in the caller's transaction.

use qltt_domain::audit::change_digest;
use qltt_domain::exhibit::{CUSTODY_GENESIS, CustodyFields, custody_hash};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use crate::{StoreError, WriteTx, new_id, ts};

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct ExhibitRow {
    pub id: String,
    pub case_id: String,
    pub unit_id: String,
    pub lot_no: String,
    pub parent_id: Option<String>,
    pub kind: String,
    pub category: String,
    pub description: String,
    pub brand: Option<String>,
    pub unit_of_measure: String,
    pub quantity_milli: i64,
    pub estimated_value: i64,
    pub seal_numbers: String,
    pub photos: String,
    pub status: String,
    pub warehouse_id: Option<String>,
    pub zone: Option<String>,
    pub shelf: Option<String>,
    pub seizure_document_id: Option<String>,
    pub seized_on: String,
    pub seizure_due: String,
    pub head_seq: i64,
    pub head_hash: String,
    pub version: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

const COLUMNS: &str = "id, case_id, unit_id, lot_no, parent_id, kind, category, description, brand, \
    unit_of_measure, quantity_milli, estimated_value, seal_numbers, photos, status, warehouse_id, \
    zone, shelf, seizure_document_id, seized_on, seizure_due, head_seq, head_hash, version, \
    created_by, created_at, updated_at";

pub struct NewExhibit<'a> {
    pub case_id: &'a str,
    pub unit_id: &'a str,
    pub lot_no: &'a str,
    pub parent_id: Option<&'a str>,
    pub kind: &'a str,
    pub category: &'a str,
    pub description: &'a str,
    pub brand: Option<&'a str>,
    pub unit_of_measure: &'a str,
    pub quantity_milli: i64,
    pub estimated_value: i64,
    pub seal_numbers: &'a str,
    pub photos: &'a str,
    pub status: &'a str,
    pub warehouse_id: Option<&'a str>,
    pub zone: Option<&'a str>,
    pub shelf: Option<&'a str>,
    pub seizure_document_id: Option<&'a str>,
    pub seized_on: &'a str,
    pub seizure_due: &'a str,
    pub created_by: &'a str,
}

/// Inserts a lot with an empty chain (head = genesis); its first event follows in the same
/// transaction.
pub async fn insert(tx: &mut WriteTx, e: &NewExhibit<'_>) -> Result<String, StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    let sql = format!(
        "INSERT INTO exhibits ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
         $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, 0, $22, 0, $23, $24, $24)"
    );
    sqlx::query(&sql)
        .bind(&id)
        .bind(e.case_id)
        .bind(e.unit_id)
        .bind(e.lot_no)
        .bind(e.parent_id)
        .bind(e.kind)
        .bind(e.category)
        .bind(e.description)
        .bind(e.brand)
        .bind(e.unit_of_measure)
        .bind(e.quantity_milli)
        .bind(e.estimated_value)
        .bind(e.seal_numbers)
        .bind(e.photos)
        .bind(e.status)
        .bind(e.warehouse_id)
        .bind(e.zone)
        .bind(e.shelf)
        .bind(e.seizure_document_id)
        .bind(e.seized_on)
        .bind(e.seizure_due)
        .bind(CUSTODY_GENESIS)
        .bind(e.created_by)
        .bind(&now)
        .execute(tx.conn())
        .await?;
    Ok(id)
}

pub async fn get(pool: &AnyPool, id: &str) -> Result<Option<ExhibitRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM exhibits WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

pub async fn get_in(conn: &mut AnyConnection, id: &str) -> Result<Option<ExhibitRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM exhibits WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// The lot by the number printed on its label (what the phone reads from the QR code).
pub async fn by_lot_no(pool: &AnyPool, lot_no: &str) -> Result<Option<ExhibitRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM exhibits WHERE lot_no = $1");
    Ok(sqlx::query_as(&sql)
        .bind(lot_no)
        .fetch_optional(pool)
        .await?)
}

/// What a move changes on a lot.
pub struct LotUpdate<'a> {
    pub status: &'a str,
    pub quantity_milli: i64,
    pub estimated_value: i64,
    pub warehouse_id: Option<&'a str>,
    pub zone: Option<&'a str>,
    pub shelf: Option<&'a str>,
}

/// Writes the lot if it is still at `expected_version`; false when someone moved it first.
pub async fn update(
    tx: &mut WriteTx,
    id: &str,
    expected_version: i64,
    u: &LotUpdate<'_>,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let r = sqlx::query(
        "UPDATE exhibits SET status = $1, quantity_milli = $2, estimated_value = $3, \
         warehouse_id = $4, zone = $5, shelf = $6, version = version + 1, updated_at = $7 \
         WHERE id = $8 AND version = $9",
    )
    .bind(u.status)
    .bind(u.quantity_milli)
    .bind(u.estimated_value)
    .bind(u.warehouse_id)
    .bind(u.zone)
    .bind(u.shelf)
    .bind(&now)
    .bind(id)
    .bind(expected_version)
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() == 1)
}

#[derive(Debug, Clone, Default)]
pub struct ExhibitFilter<'a> {
    pub case_id: Option<&'a str>,
    pub status: Option<&'a str>,
    pub warehouse_id: Option<&'a str>,
    /// Only lots still held under seizure (seized or in custody, not yet decided on) whose
    /// seizure period ended before this date ("YYYY-MM-DD").
    pub seizure_overdue_on: Option<&'a str>,
    /// Only lots still held although their case was decided without confiscating them: to be
    /// returned to the owner (LHAV Art. 126).
    pub to_return: bool,
}

/// Lots of the units in the subtree of `scope_root`, newest first.
pub async fn list(
    pool: &AnyPool,
    scope_root: &str,
    f: &ExhibitFilter<'_>,
    limit: i64,
) -> Result<Vec<ExhibitRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM exhibits WHERE unit_id IN ({scope}) \
         AND ($2 = '' OR case_id = $2) AND ($3 = '' OR status = $3) \
         AND ($4 = '' OR warehouse_id = $4) \
         AND ($5 = '' OR (status IN ('seized', 'in_custody', 'checked_out') AND seizure_due < $5 \
              AND case_id IN (SELECT id FROM cases WHERE state IN \
                  ('decided', 'inspected', 'violation_recorded', 'awaiting_explanation')))) \
         AND ($7 = 0 OR (status IN ('seized', 'in_custody', 'checked_out') \
              AND case_id IN (SELECT id FROM cases WHERE state IN \
                  ('sanctioned', 'not_sanctioned', 'executed', 'closed')))) \
         ORDER BY created_at DESC, id DESC LIMIT $6",
        scope = crate::units::SCOPE_SUBQUERY
    );
    Ok(sqlx::query_as(&sql)
        .bind(scope_root)
        .bind(f.case_id.unwrap_or(""))
        .bind(f.status.unwrap_or(""))
        .bind(f.warehouse_id.unwrap_or(""))
        .bind(f.seizure_overdue_on.unwrap_or(""))
        .bind(limit)
        .bind(i64::from(f.to_return))
        .fetch_all(pool)
        .await?)
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct CustodyEventRow {
    pub id: String,
    pub exhibit_id: String,
    pub seq: i64,
    pub kind: String,
    pub quantity_milli: i64,
    pub occurred_at: String,
    pub handed_over_by: String,
    pub received_by: String,
    pub details: String,
    pub details_digest: String,
    pub prev_hash: String,
    pub hash: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

const E_COLUMNS: &str = "id, exhibit_id, seq, kind, quantity_milli, occurred_at, handed_over_by, \
    received_by, details, details_digest, prev_hash, hash, recorded_by, recorded_at";

pub struct NewCustodyEvent<'a> {
    pub exhibit_id: &'a str,
    pub kind: &'a str,
    pub quantity_milli: i64,
    pub occurred_at: &'a str,
    pub handed_over_by: &'a str,
    pub received_by: &'a str,
    /// Canonical JSON (serde_json's sorted keys).
    pub details: &'a serde_json::Value,
    pub recorded_by: &'a str,
    /// The hash this event follows when it is not the lot's own head: a split-off lot's first
    /// event follows the parent's event that split it.
    pub follows: Option<&'a str>,
}

/// Appends an event to a lot's chain and moves the lot's head to it. The lot row must have been
/// read in this transaction (its version is checked by [`update`] on the same row).
pub async fn append_event(
    tx: &mut WriteTx,
    e: &NewCustodyEvent<'_>,
) -> Result<CustodyEventRow, StoreError> {
    let (head_seq, head_hash): (i64, String) =
        sqlx::query_as("SELECT head_seq, head_hash FROM exhibits WHERE id = $1")
            .bind(e.exhibit_id)
            .fetch_one(tx.conn())
            .await?;
    let seq = head_seq + 1;
    let prev_hash = match e.follows {
        Some(h) if head_seq == 0 => h.to_string(),
        _ => head_hash,
    };
    let details = e.details.to_string();
    let digest = change_digest(&details);
    let hash = custody_hash(&CustodyFields {
        exhibit_id: e.exhibit_id,
        seq,
        kind: e.kind,
        quantity_milli: e.quantity_milli,
        occurred_at: e.occurred_at,
        handed_over_by: e.handed_over_by,
        received_by: e.received_by,
        details_digest: &digest,
        prev_hash: &prev_hash,
    });
    let id = new_id();
    let now = ts(tx.now());
    let sql = format!(
        "INSERT INTO custody_events ({E_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
         $10, $11, $12, $13, $14)"
    );
    sqlx::query(&sql)
        .bind(&id)
        .bind(e.exhibit_id)
        .bind(seq)
        .bind(e.kind)
        .bind(e.quantity_milli)
        .bind(e.occurred_at)
        .bind(e.handed_over_by)
        .bind(e.received_by)
        .bind(&details)
        .bind(&digest)
        .bind(&prev_hash)
        .bind(&hash)
        .bind(e.recorded_by)
        .bind(&now)
        .execute(tx.conn())
        .await?;
    sqlx::query("UPDATE exhibits SET head_seq = $1, head_hash = $2 WHERE id = $3")
        .bind(seq)
        .bind(&hash)
        .bind(e.exhibit_id)
        .execute(tx.conn())
        .await?;
    let sql = format!("SELECT {E_COLUMNS} FROM custody_events WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(&id).fetch_one(tx.conn()).await?)
}

/// A lot's custody events in order.
pub async fn events(pool: &AnyPool, exhibit_id: &str) -> Result<Vec<CustodyEventRow>, StoreError> {
    let sql = format!("SELECT {E_COLUMNS} FROM custody_events WHERE exhibit_id = $1 ORDER BY seq");
    Ok(sqlx::query_as(&sql)
        .bind(exhibit_id)
        .fetch_all(pool)
        .await?)
}

/// The event a split-off lot's chain starts from (the parent's event whose hash it follows).
pub async fn event_by_hash(
    pool: &AnyPool,
    hash: &str,
) -> Result<Option<CustodyEventRow>, StoreError> {
    let sql = format!("SELECT {E_COLUMNS} FROM custody_events WHERE hash = $1");
    Ok(sqlx::query_as(&sql).bind(hash).fetch_optional(pool).await?)
}

/// Recomputes a lot's chain from its stored events; returns the first event (seq) that breaks
/// it, or `None` when every hash and link holds and the lot's head is the last event.
pub fn first_break(
    exhibit: &ExhibitRow,
    events: &[CustodyEventRow],
    first_prev: &str,
) -> Option<i64> {
    let mut prev = first_prev.to_string();
    for (i, e) in events.iter().enumerate() {
        let digest = change_digest(&e.details);
        let hash = custody_hash(&CustodyFields {
            exhibit_id: &e.exhibit_id,
            seq: e.seq,
            kind: &e.kind,
            quantity_milli: e.quantity_milli,
            occurred_at: &e.occurred_at,
            handed_over_by: &e.handed_over_by,
            received_by: &e.received_by,
            details_digest: &digest,
            prev_hash: &e.prev_hash,
        });
        if e.seq != i as i64 + 1
            || e.prev_hash != prev
            || digest != e.details_digest
            || hash != e.hash
        {
            return Some(e.seq);
        }
        prev = hash;
    }
    if exhibit.head_hash != prev || exhibit.head_seq != events.len() as i64 {
        return Some(events.len() as i64 + 1);
    }
    None
}

/// Checks one lot's whole chain as stored: every event recomputes, links to the one before and
/// the lot's head is the last; a split-off lot's first event must follow an event of its parent.
/// Returns the first event (seq) that breaks it.
pub async fn check_lot(
    pool: &AnyPool,
    row: &ExhibitRow,
) -> Result<(Option<i64>, Vec<CustodyEventRow>), StoreError> {
    let rows = events(pool, &row.id).await?;
    let first_prev = rows
        .first()
        .map(|e| e.prev_hash.clone())
        .filter(|_| row.parent_id.is_some())
        .unwrap_or_else(|| CUSTODY_GENESIS.to_string());
    let mut broken = first_break(row, &rows, &first_prev);
    if broken.is_none()
        && row.parent_id.is_some()
        && let Some(first) = rows.first()
    {
        let linked = event_by_hash(pool, &first.prev_hash).await?;
        if linked.is_none_or(|e| Some(e.exhibit_id) != row.parent_id) {
            broken = Some(1);
        }
    }
    Ok((broken, rows))
}

/// What walking every lot's chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainsCheck {
    pub lots: i64,
    pub events: i64,
    /// The first broken lot (its number) and event, if any.
    pub broken: Option<(String, i64)>,
}

/// Walks every lot's custody chain (the operator's `qltt audit verify`), a page of lots at a
/// time so memory stays flat on a national database.
pub async fn verify_chains(pool: &AnyPool) -> Result<ChainsCheck, StoreError> {
    let mut check = ChainsCheck {
        lots: 0,
        events: 0,
        broken: None,
    };
    let mut after = String::new();
    loop {
        let sql = format!("SELECT {COLUMNS} FROM exhibits WHERE id > $1 ORDER BY id LIMIT 500");
        let page: Vec<ExhibitRow> = sqlx::query_as(&sql).bind(&after).fetch_all(pool).await?;
        let Some(last) = page.last() else { break };
        after = last.id.clone();
        for row in &page {
            let (broken, rows) = check_lot(pool, row).await?;
            check.lots += 1;
            check.events += rows.len() as i64;
            if let Some(seq) = broken {
                check.broken = Some((row.lot_no.clone(), seq));
                return Ok(check);
            }
        }
    }
    Ok(check)
}
