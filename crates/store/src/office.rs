//! The office registers (sổ văn bản đến/đi), the journal of each document, and directives with
//! their recipients and read receipts. Numbers come from `documents::next_seq` inside the
//! transaction that enters the document, so a register has no gap and no duplicate.

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use crate::units::SCOPE_SUBQUERY;
use crate::{StoreError, WriteTx, new_id, ts};

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct OfficeDocRow {
    pub id: String,
    /// The unit whose register holds the document.
    pub unit_id: String,
    /// incoming | outgoing
    pub direction: String,
    /// The book it is numbered in: general | secret (outgoing documents with a secrecy level
    /// have a sequence of their own, Decree 30/2020 Art. 15(2)).
    pub register: String,
    pub year: i64,
    /// The arrival number (incoming) or the document's own number (outgoing) in the register.
    pub seq: i64,
    /// As printed: "125/QLTT-NV" (for an incoming document, the sender's number).
    pub number: String,
    pub doc_type: String,
    /// YYYY-MM-DD, the date printed on the document.
    pub document_date: String,
    /// YYYY-MM-DD, the day an incoming document arrived.
    pub received_on: Option<String>,
    /// Incoming: who sent it; outgoing: where it goes (nơi nhận).
    pub correspondent: String,
    /// Trích yếu.
    pub summary: String,
    pub signer: String,
    pub urgency: String,
    pub confidentiality: String,
    /// JSON array of the attached files' SHA-256 (see `attachment_list`).
    #[serde(skip)]
    pub attachments: String,
    pub state: String,
    /// Ý kiến chỉ đạo of the leader who routed it last.
    pub route_opinion: Option<String>,
    pub routed_by: Option<String>,
    pub assigned_unit_id: Option<String>,
    pub assigned_officer_id: Option<String>,
    /// YYYY-MM-DD, the deadline set when routed.
    pub due_on: Option<String>,
    /// The outgoing document that answered it.
    pub reply_id: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

impl OfficeDocRow {
    pub fn attachment_list(&self) -> Vec<String> {
        serde_json::from_str(&self.attachments).unwrap_or_default()
    }
}

pub(crate) const COLUMNS: &str = "id, unit_id, direction, register, year, seq, number, doc_type, document_date, \
    received_on, correspondent, summary, signer, urgency, confidentiality, attachments, state, \
    route_opinion, routed_by, assigned_unit_id, assigned_officer_id, due_on, reply_id, created_by, \
    created_at, updated_at";

pub struct NewOfficeDoc<'a> {
    pub unit_id: &'a str,
    pub direction: &'a str,
    pub register: &'a str,
    pub year: i32,
    pub seq: i64,
    pub number: &'a str,
    pub doc_type: &'a str,
    pub document_date: &'a str,
    pub received_on: Option<&'a str>,
    pub correspondent: &'a str,
    pub summary: &'a str,
    pub signer: &'a str,
    pub urgency: &'a str,
    pub confidentiality: &'a str,
    pub attachments: &'a str,
    pub state: &'a str,
    pub created_by: &'a str,
}

pub async fn insert(tx: &mut WriteTx, d: &NewOfficeDoc<'_>) -> Result<OfficeDocRow, StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    sqlx::query(
        "INSERT INTO office_documents (id, unit_id, direction, year, seq, number, doc_type, \
         document_date, received_on, correspondent, summary, signer, urgency, confidentiality, \
         attachments, state, created_by, created_at, updated_at, register) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19)",
    )
    .bind(&id)
    .bind(d.unit_id)
    .bind(d.direction)
    .bind(i64::from(d.year))
    .bind(d.seq)
    .bind(d.number)
    .bind(d.doc_type)
    .bind(d.document_date)
    .bind(d.received_on)
    .bind(d.correspondent)
    .bind(d.summary)
    .bind(d.signer)
    .bind(d.urgency)
    .bind(d.confidentiality)
    .bind(d.attachments)
    .bind(d.state)
    .bind(d.created_by)
    .bind(&now)
    .bind(d.register)
    .execute(tx.conn())
    .await?;
    let row = get_in(tx.conn(), &id).await?.ok_or(StoreError::NotFound)?;
    // Its PDFs and scans are read (text layer or OCR) by the text job: queued in this
    // transaction, so a committed document never misses its job.
    crate::document_texts::enqueue(tx, &row.attachment_list()).await?;
    // Every way into a register (registration, a delivery, a directive, a signed draft) gets the
    // document into the search index.
    crate::outbox::push(
        tx,
        "office_document.registered",
        &row.id,
        &serde_json::json!({"unit_id": row.unit_id}),
    )
    .await?;
    Ok(row)
}

pub async fn get(pool: &AnyPool, id: &str) -> Result<Option<OfficeDocRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM office_documents WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

pub async fn get_in(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<OfficeDocRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM office_documents WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// Which book of a unit's registers: (unit, direction, register, year).
pub struct Book<'a> {
    pub unit_id: &'a str,
    pub direction: &'a str,
    pub register: &'a str,
    pub year: i32,
}

/// One book, highest number first, below `before_seq`.
pub async fn register(
    pool: &AnyPool,
    book: &Book<'_>,
    state: Option<&str>,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<OfficeDocRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM office_documents WHERE unit_id = $1 AND direction = $2 AND year = $3 \
         AND register = $7 AND ($4 = '' OR state = $4) AND seq < $5 ORDER BY seq DESC LIMIT $6"
    );
    Ok(sqlx::query_as(&sql)
        .bind(book.unit_id)
        .bind(book.direction)
        .bind(i64::from(book.year))
        .bind(state.unwrap_or(""))
        .bind(before_seq.unwrap_or(i64::MAX))
        .bind(limit)
        .bind(book.register)
        .fetch_all(pool)
        .await?)
}

/// Documents waiting for an officer: routed to them, or to a unit of the subtree of `home`, and
/// not yet answered or filed. Earliest deadline first (none last); `due_before` keeps only those
/// due before that day (the overdue queue).
pub async fn assigned(
    pool: &AnyPool,
    home: &str,
    user_id: &str,
    due_before: Option<&str>,
    limit: i64,
) -> Result<Vec<OfficeDocRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM office_documents WHERE state IN ('routed', 'in_progress') \
         AND (assigned_officer_id = $2 OR assigned_unit_id IN ({SCOPE_SUBQUERY})) \
         AND ($3 = '' OR (due_on IS NOT NULL AND due_on < $3)) \
         ORDER BY CASE WHEN due_on IS NULL THEN 1 ELSE 0 END, due_on, seq LIMIT $4"
    );
    Ok(sqlx::query_as(&sql)
        .bind(home)
        .bind(user_id)
        .bind(due_before.unwrap_or(""))
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

/// Outgoing documents of the registers of the subtree of `home` that are signed and numbered
/// but not yet sent, oldest first.
pub async fn awaiting_send(
    pool: &AnyPool,
    home: &str,
    limit: i64,
) -> Result<Vec<OfficeDocRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM office_documents WHERE direction = 'outgoing' \
         AND state = 'issued' AND unit_id IN ({SCOPE_SUBQUERY}) \
         ORDER BY document_date, seq LIMIT $2"
    );
    Ok(sqlx::query_as(&sql)
        .bind(home)
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

/// Sets the routing of a document that is still in `from` (an optimistic check: false when
/// another officer moved it first).
pub struct Routing<'a> {
    pub opinion: &'a str,
    pub routed_by: &'a str,
    pub unit_id: Option<&'a str>,
    pub officer_id: Option<&'a str>,
    pub due_on: Option<&'a str>,
}

pub async fn route(
    tx: &mut WriteTx,
    id: &str,
    from: &str,
    r: &Routing<'_>,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let done = sqlx::query(
        "UPDATE office_documents SET state = 'routed', route_opinion = $1, routed_by = $2, \
         assigned_unit_id = $3, assigned_officer_id = $4, due_on = $5, updated_at = $6 \
         WHERE id = $7 AND state = $8",
    )
    .bind(r.opinion)
    .bind(r.routed_by)
    .bind(r.unit_id)
    .bind(r.officer_id)
    .bind(r.due_on)
    .bind(&now)
    .bind(id)
    .bind(from)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves a document from `from` to `to` (and records its reply); false when it was not in `from`.
pub async fn set_state(
    tx: &mut WriteTx,
    id: &str,
    from: &str,
    to: &str,
    reply_id: Option<&str>,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let done = sqlx::query(
        "UPDATE office_documents SET state = $1, reply_id = COALESCE($2, reply_id), updated_at = $3 \
         WHERE id = $4 AND state = $5",
    )
    .bind(to)
    .bind(reply_id)
    .bind(&now)
    .bind(id)
    .bind(from)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct StepRow {
    pub id: String,
    pub document_id: String,
    pub action: String,
    pub actor_id: String,
    pub note: String,
    /// JSON
    pub details: String,
    pub at: String,
}

pub async fn add_step(
    tx: &mut WriteTx,
    document_id: &str,
    action: &str,
    actor_id: &str,
    note: &str,
    details: &serde_json::Value,
) -> Result<(), StoreError> {
    let at = ts(tx.now());
    sqlx::query(
        "INSERT INTO office_document_steps (id, document_id, action, actor_id, note, details, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(document_id)
    .bind(action)
    .bind(actor_id)
    .bind(note)
    .bind(details.to_string())
    .bind(&at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn steps(pool: &AnyPool, document_id: &str) -> Result<Vec<StepRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, document_id, action, actor_id, note, details, at FROM office_document_steps \
         WHERE document_id = $1 ORDER BY at, id",
    )
    .bind(document_id)
    .fetch_all(pool)
    .await?)
}

/// All numbers of one book, in order (tests check they are 1..n).
pub async fn register_seqs(pool: &AnyPool, book: &Book<'_>) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT seq FROM office_documents WHERE unit_id = $1 AND direction = $2 AND year = $3 \
         AND register = $4 ORDER BY seq",
    )
    .bind(book.unit_id)
    .bind(book.direction)
    .bind(i64::from(book.year))
    .bind(book.register)
    .fetch_all(pool)
    .await?)
}

// ---------------------------------------------------------------------------------------------
// Directives

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct DirectiveRow {
    pub id: String,
    /// The outgoing document sent (numbered in the sender unit's register).
    pub document_id: String,
    pub sender_unit_id: String,
    /// Every active unit of this unit's subtree received it.
    pub root_unit_id: String,
    /// The leader's instruction that goes with it.
    pub message: String,
    pub created_by: String,
    pub created_at: String,
}

const DIRECTIVE_COLUMNS: &str =
    "id, document_id, sender_unit_id, root_unit_id, message, created_by, created_at";

/// Stores a directive and delivers it, in the caller's transaction, to every active unit of the
/// subtree of `root_unit_id` (one row each; merged units, which have ended, are left out).
/// Returns the directive and the number of recipient units.
pub async fn insert_directive(
    tx: &mut WriteTx,
    document_id: &str,
    sender_unit_id: &str,
    root_unit_id: &str,
    message: &str,
    created_by: &str,
) -> Result<(DirectiveRow, u64), StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    sqlx::query(&format!(
        "INSERT INTO directives ({DIRECTIVE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ))
    .bind(&id)
    .bind(document_id)
    .bind(sender_unit_id)
    .bind(root_unit_id)
    .bind(message)
    .bind(created_by)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    let delivered = sqlx::query(&format!(
        "INSERT INTO directive_recipients (directive_id, unit_id, acknowledged_at, acknowledged_by) \
         SELECT $2, id, NULL, NULL FROM units WHERE valid_to IS NULL AND id IN ({SCOPE_SUBQUERY})"
    ))
    .bind(root_unit_id)
    .bind(&id)
    .execute(tx.conn())
    .await?
    .rows_affected();
    let row = directive_in(tx.conn(), &id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((row, delivered))
}

pub async fn directive(pool: &AnyPool, id: &str) -> Result<Option<DirectiveRow>, StoreError> {
    let sql = format!("SELECT {DIRECTIVE_COLUMNS} FROM directives WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

pub async fn directive_in(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<DirectiveRow>, StoreError> {
    let sql = format!("SELECT {DIRECTIVE_COLUMNS} FROM directives WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// The directives an officer of `home` sees: sent by a unit of the subtree, or received by one;
/// newest first, before the cursor `(created_at, id)`.
pub async fn visible_directives(
    pool: &AnyPool,
    home: &str,
    before: Option<(&str, &str)>,
    limit: i64,
) -> Result<Vec<DirectiveRow>, StoreError> {
    let sql = format!(
        "SELECT {DIRECTIVE_COLUMNS} FROM directives d \
         WHERE (d.sender_unit_id IN ({SCOPE_SUBQUERY}) OR EXISTS (SELECT 1 FROM directive_recipients r \
         WHERE r.directive_id = d.id AND r.unit_id IN ({SCOPE_SUBQUERY}))) \
         AND (d.created_at < $2 OR (d.created_at = $2 AND d.id < $3)) \
         ORDER BY d.created_at DESC, d.id DESC LIMIT $4"
    );
    let (at, id) = before.unwrap_or(("9999", "~"));
    Ok(sqlx::query_as(&sql)
        .bind(home)
        .bind(at)
        .bind(id)
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct RecipientRow {
    pub unit_id: String,
    pub unit_code: String,
    pub unit_name: String,
    /// When a leader or the clerk acknowledged it for the unit (RFC 3339).
    pub acknowledged_at: Option<String>,
    pub acknowledged_by: Option<String>,
    /// Active officers of the unit.
    pub officers: i64,
    /// Officers of the unit who have read it.
    pub readers: i64,
}

/// The recipient units of a directive that lie in the subtree of `scope_root`, by code.
pub async fn recipients(
    pool: &AnyPool,
    scope_root: &str,
    directive_id: &str,
) -> Result<Vec<RecipientRow>, StoreError> {
    let sql = format!(
        "SELECT r.unit_id, u.code AS unit_code, u.name AS unit_name, r.acknowledged_at, \
         r.acknowledged_by, \
         (SELECT COUNT(*) FROM users x WHERE x.unit_id = r.unit_id AND x.active = 1) AS officers, \
         (SELECT COUNT(*) FROM directive_reads d WHERE d.directive_id = r.directive_id \
          AND d.unit_id = r.unit_id) AS readers \
         FROM directive_recipients r JOIN units u ON u.id = r.unit_id \
         WHERE r.directive_id = $2 AND r.unit_id IN ({SCOPE_SUBQUERY}) ORDER BY u.code"
    );
    Ok(sqlx::query_as(&sql)
        .bind(scope_root)
        .bind(directive_id)
        .fetch_all(pool)
        .await?)
}

/// Whether `unit_id` received the directive.
pub async fn is_recipient(
    conn: &mut AnyConnection,
    directive_id: &str,
    unit_id: &str,
) -> Result<bool, StoreError> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM directive_recipients WHERE directive_id = $1 AND unit_id = $2",
    )
    .bind(directive_id)
    .bind(unit_id)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// Whether any unit of the subtree of `scope_root` received the directive.
pub async fn reaches_scope(
    conn: &mut AnyConnection,
    directive_id: &str,
    scope_root: &str,
) -> Result<bool, StoreError> {
    let sql = format!(
        "SELECT COUNT(*) FROM directive_recipients WHERE directive_id = $2 \
         AND unit_id IN ({SCOPE_SUBQUERY})"
    );
    let (n,): (i64,) = sqlx::query_as(&sql)
        .bind(scope_root)
        .bind(directive_id)
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}

/// Records the unit's acknowledgement once; false when it had already been acknowledged.
pub async fn acknowledge(
    tx: &mut WriteTx,
    directive_id: &str,
    unit_id: &str,
    by: &str,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let done = sqlx::query(
        "UPDATE directive_recipients SET acknowledged_at = $1, acknowledged_by = $2 \
         WHERE directive_id = $3 AND unit_id = $4 AND acknowledged_at IS NULL",
    )
    .bind(&now)
    .bind(by)
    .bind(directive_id)
    .bind(unit_id)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records an officer's first reading; false (and nothing written) when they had read it before.
pub async fn record_read(
    tx: &mut WriteTx,
    directive_id: &str,
    user_id: &str,
    unit_id: &str,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let done = sqlx::query(
        "INSERT INTO directive_reads (directive_id, user_id, unit_id, read_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (directive_id, user_id) DO NOTHING",
    )
    .bind(directive_id)
    .bind(user_id)
    .bind(unit_id)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// When the officer first read the directive, if they have.
pub async fn read_at(
    pool: &AnyPool,
    directive_id: &str,
    user_id: &str,
) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT read_at FROM directive_reads WHERE directive_id = $1 AND user_id = $2",
    )
    .bind(directive_id)
    .bind(user_id)
    .fetch_optional(pool)
    .await?)
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct UnreadRow {
    pub user_id: String,
    pub username: String,
    pub full_name: String,
    pub unit_id: String,
    pub unit_name: String,
}

/// Active officers of recipient units in the subtree of `scope_root` who have not read the
/// directive yet (by unit, then username; at most `limit`).
pub async fn unread(
    pool: &AnyPool,
    scope_root: &str,
    directive_id: &str,
    limit: i64,
) -> Result<Vec<UnreadRow>, StoreError> {
    let sql = format!(
        "SELECT x.id AS user_id, x.username, x.full_name, x.unit_id, u.name AS unit_name \
         FROM users x JOIN units u ON u.id = x.unit_id \
         JOIN directive_recipients r ON r.unit_id = x.unit_id AND r.directive_id = $2 \
         WHERE x.active = 1 AND x.unit_id IN ({SCOPE_SUBQUERY}) \
         AND NOT EXISTS (SELECT 1 FROM directive_reads d WHERE d.directive_id = $2 AND d.user_id = x.id) \
         ORDER BY u.code, x.username LIMIT $3"
    );
    Ok(sqlx::query_as(&sql)
        .bind(scope_root)
        .bind(directive_id)
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

/// Whether a file is attached to an office document that reaches an officer of `home` (`$1`):
/// held in a register of their subtree (a document another unit sent them lands in their incoming
/// register), routed to them (`$2`) or to a unit of their subtree, or sent to their subtree as a
/// directive. The file's uploader is usually the clerk of another unit, so the uploader's scope
/// alone would hide the scan from the very officers asked to act on it.
pub async fn file_reaches(
    conn: &mut AnyConnection,
    sha256: &str,
    home: &str,
    user_id: &str,
) -> Result<bool, StoreError> {
    let sql = format!(
        "SELECT COUNT(*) FROM office_documents o WHERE o.attachments LIKE $3 \
         AND (o.assigned_officer_id = $2 OR o.assigned_unit_id IN ({SCOPE_SUBQUERY}) \
         OR o.unit_id IN ({SCOPE_SUBQUERY}) \
         OR EXISTS (SELECT 1 FROM directives d JOIN directive_recipients r ON r.directive_id = d.id \
         WHERE d.document_id = o.id AND r.unit_id IN ({SCOPE_SUBQUERY})))"
    );
    let (n,): (i64,) = sqlx::query_as(&sql)
        .bind(home)
        .bind(user_id)
        .bind(format!("%\"{sha256}\"%"))
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}
