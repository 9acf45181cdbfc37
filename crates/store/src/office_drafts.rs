//! Drafts of outgoing documents (dự thảo) with their journal, and the deliveries of a sent
//! document (to units of the product, each entered in its incoming register by the caller in the
//! same transaction, or to recipients outside it).

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use crate::units::SCOPE_SUBQUERY;
use crate::{StoreError, WriteTx, new_id, ts};

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct DraftRow {
    pub id: String,
    /// The unit whose outgoing register numbers it at signature.
    pub unit_id: String,
    pub doc_type: String,
    pub issuer_abbr: String,
    pub division_abbr: Option<String>,
    /// Trích yếu.
    pub summary: String,
    /// The draft's text.
    pub content: String,
    /// Nơi nhận, as printed.
    pub recipients: String,
    pub urgency: String,
    pub confidentiality: String,
    #[serde(skip)]
    pub attachments: String,
    /// drafting | in_review | awaiting_signature | issued | sent
    pub state: String,
    pub drafted_by: String,
    pub reviewed_by: Option<String>,
    pub signed_by: Option<String>,
    /// The comment of the last refusal (trả lại để sửa).
    pub comment: Option<String>,
    /// The numbered document in the register, from signing on.
    pub document_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl DraftRow {
    pub fn attachment_list(&self) -> Vec<String> {
        serde_json::from_str(&self.attachments).unwrap_or_default()
    }
}

pub(crate) const COLUMNS: &str = "id, unit_id, doc_type, issuer_abbr, division_abbr, summary, content, \
    recipients, urgency, confidentiality, attachments, state, drafted_by, reviewed_by, signed_by, \
    comment, document_id, created_at, updated_at";

/// The fields a drafter writes (on creation and on each edit).
pub struct DraftFields<'a> {
    pub doc_type: &'a str,
    pub issuer_abbr: &'a str,
    pub division_abbr: Option<&'a str>,
    pub summary: &'a str,
    pub content: &'a str,
    pub recipients: &'a str,
    pub urgency: &'a str,
    pub confidentiality: &'a str,
    pub attachments: &'a str,
}

pub async fn insert(
    tx: &mut WriteTx,
    unit_id: &str,
    drafted_by: &str,
    state: &str,
    f: &DraftFields<'_>,
) -> Result<DraftRow, StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    sqlx::query(
        "INSERT INTO office_drafts (id, unit_id, doc_type, issuer_abbr, division_abbr, summary, \
         content, recipients, urgency, confidentiality, attachments, state, drafted_by, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
    )
    .bind(&id)
    .bind(unit_id)
    .bind(f.doc_type)
    .bind(f.issuer_abbr)
    .bind(f.division_abbr)
    .bind(f.summary)
    .bind(f.content)
    .bind(f.recipients)
    .bind(f.urgency)
    .bind(f.confidentiality)
    .bind(f.attachments)
    .bind(state)
    .bind(drafted_by)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    let row = get_in(tx.conn(), &id).await?.ok_or(StoreError::NotFound)?;
    // Its PDFs and scans are read by the text job (as a register's files are, see
    // office::insert): queued in this transaction, so the draft is found by what they say.
    crate::document_texts::enqueue(tx, &row.attachment_list()).await?;
    Ok(row)
}

/// Rewrites a draft still in `state` (false when someone moved it first).
pub async fn update_fields(
    tx: &mut WriteTx,
    id: &str,
    state: &str,
    f: &DraftFields<'_>,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let done = sqlx::query(
        "UPDATE office_drafts SET doc_type = $1, issuer_abbr = $2, division_abbr = $3, \
         summary = $4, content = $5, recipients = $6, urgency = $7, confidentiality = $8, \
         attachments = $9, updated_at = $10 WHERE id = $11 AND state = $12",
    )
    .bind(f.doc_type)
    .bind(f.issuer_abbr)
    .bind(f.division_abbr)
    .bind(f.summary)
    .bind(f.content)
    .bind(f.recipients)
    .bind(f.urgency)
    .bind(f.confidentiality)
    .bind(f.attachments)
    .bind(&now)
    .bind(id)
    .bind(state)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    // A file added by the edit is read too (one already read keeps its row: read once).
    let files: Vec<String> = serde_json::from_str(f.attachments).unwrap_or_default();
    crate::document_texts::enqueue(tx, &files).await?;
    Ok(true)
}

/// What a step changes besides the state.
#[derive(Default)]
pub struct StepChange<'a> {
    pub reviewed_by: Option<&'a str>,
    pub signed_by: Option<&'a str>,
    /// `Some` replaces the refusal comment (an empty string clears it).
    pub comment: Option<&'a str>,
    pub document_id: Option<&'a str>,
}

/// Moves a draft from `from` to `to`; false when it was not in `from` any more.
pub async fn set_state(
    tx: &mut WriteTx,
    id: &str,
    from: &str,
    to: &str,
    c: &StepChange<'_>,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let done = sqlx::query(
        "UPDATE office_drafts SET state = $1, reviewed_by = COALESCE($2, reviewed_by), \
         signed_by = COALESCE($3, signed_by), comment = COALESCE($4, comment), \
         document_id = COALESCE($5, document_id), updated_at = $6 WHERE id = $7 AND state = $8",
    )
    .bind(to)
    .bind(c.reviewed_by)
    .bind(c.signed_by)
    .bind(c.comment)
    .bind(c.document_id)
    .bind(&now)
    .bind(id)
    .bind(from)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks the draft of a document sent when the register's document is sent.
pub async fn mark_sent(tx: &mut WriteTx, document_id: &str) -> Result<(), StoreError> {
    let now = ts(tx.now());
    sqlx::query(
        "UPDATE office_drafts SET state = 'sent', updated_at = $1 \
         WHERE document_id = $2 AND state = 'issued'",
    )
    .bind(&now)
    .bind(document_id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn get(pool: &AnyPool, id: &str) -> Result<Option<DraftRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM office_drafts WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

pub async fn get_in(conn: &mut AnyConnection, id: &str) -> Result<Option<DraftRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM office_drafts WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// The draft a register's document was signed from, if any.
pub async fn of_document(
    conn: &mut AnyConnection,
    document_id: &str,
) -> Result<Option<DraftRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM office_drafts WHERE document_id = $1");
    Ok(sqlx::query_as(&sql)
        .bind(document_id)
        .fetch_optional(conn)
        .await?)
}

/// Drafts an officer of `home` sees (of a unit of the subtree, or their own), most recently
/// changed first, before the cursor `(updated_at, id)`.
pub async fn visible(
    pool: &AnyPool,
    home: &str,
    user_id: &str,
    reads_secrets: bool,
    state: Option<&str>,
    before: Option<(&str, &str)>,
    limit: i64,
) -> Result<Vec<DraftRow>, StoreError> {
    // A draft with a secrecy level is listed only to those who read secrets or are named on it,
    // inside the query so that a page is never short and its cursor never skips a row.
    let sql = format!(
        "SELECT {COLUMNS} FROM office_drafts WHERE (drafted_by = $2 OR unit_id IN ({SCOPE_SUBQUERY})) \
         AND ($3 = '' OR state = $3) \
         AND (updated_at < $4 OR (updated_at = $4 AND id < $5)) \
         AND ($7 = 1 OR confidentiality = 'normal' OR drafted_by = $2 OR reviewed_by = $2 \
              OR signed_by = $2) \
         ORDER BY updated_at DESC, id DESC LIMIT $6"
    );
    let (at, id) = before.unwrap_or(("9999", "~"));
    Ok(sqlx::query_as(&sql)
        .bind(home)
        .bind(user_id)
        .bind(state.unwrap_or(""))
        .bind(at)
        .bind(id)
        .bind(limit)
        .bind(i64::from(reads_secrets))
        .fetch_all(pool)
        .await?)
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct DraftStepRow {
    pub id: String,
    pub draft_id: String,
    pub action: String,
    pub actor_id: String,
    pub note: String,
    /// JSON
    pub details: String,
    pub at: String,
}

pub async fn add_step(
    tx: &mut WriteTx,
    draft_id: &str,
    action: &str,
    actor_id: &str,
    note: &str,
    details: &serde_json::Value,
) -> Result<(), StoreError> {
    let at = ts(tx.now());
    sqlx::query(
        "INSERT INTO office_draft_steps (id, draft_id, action, actor_id, note, details, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(draft_id)
    .bind(action)
    .bind(actor_id)
    .bind(note)
    .bind(details.to_string())
    .bind(&at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn steps(pool: &AnyPool, draft_id: &str) -> Result<Vec<DraftStepRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, draft_id, action, actor_id, note, details, at FROM office_draft_steps \
         WHERE draft_id = $1 ORDER BY at, id",
    )
    .bind(draft_id)
    .fetch_all(pool)
    .await?)
}

// ---------------------------------------------------------------------------------------------
// Deliveries

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: String,
    pub document_id: String,
    /// A unit of the product, which got the document in its incoming register.
    pub recipient_unit_id: Option<String>,
    /// Its entry in that register.
    pub incoming_id: Option<String>,
    pub recipient_name: String,
    /// internal | post | email | hand | fax | axis
    pub channel: String,
    pub sent_by: String,
    pub sent_at: String,
    /// When the recipient unit confirmed it received the document (internal deliveries).
    pub received_at: Option<String>,
    pub received_by: Option<String>,
}

const DELIVERY_COLUMNS: &str = "id, document_id, recipient_unit_id, incoming_id, recipient_name, \
    channel, sent_by, sent_at, received_at, received_by";

pub struct NewDelivery<'a> {
    pub document_id: &'a str,
    pub recipient_unit_id: Option<&'a str>,
    pub incoming_id: Option<&'a str>,
    pub recipient_name: &'a str,
    pub channel: &'a str,
    pub sent_by: &'a str,
}

pub async fn add_delivery(tx: &mut WriteTx, d: &NewDelivery<'_>) -> Result<(), StoreError> {
    let at = ts(tx.now());
    sqlx::query(
        "INSERT INTO office_deliveries (id, document_id, recipient_unit_id, incoming_id, \
         recipient_name, channel, sent_by, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(d.document_id)
    .bind(d.recipient_unit_id)
    .bind(d.incoming_id)
    .bind(d.recipient_name)
    .bind(d.channel)
    .bind(d.sent_by)
    .bind(&at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn deliveries(pool: &AnyPool, document_id: &str) -> Result<Vec<DeliveryRow>, StoreError> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM office_deliveries WHERE document_id = $1 \
         ORDER BY sent_at, id"
    );
    Ok(sqlx::query_as(&sql)
        .bind(document_id)
        .fetch_all(pool)
        .await?)
}

/// The delivery that put an incoming register entry there, if it came from inside the product.
pub async fn delivery_of_incoming(
    conn: &mut AnyConnection,
    incoming_id: &str,
) -> Result<Option<DeliveryRow>, StoreError> {
    let sql = format!("SELECT {DELIVERY_COLUMNS} FROM office_deliveries WHERE incoming_id = $1");
    Ok(sqlx::query_as(&sql)
        .bind(incoming_id)
        .fetch_optional(conn)
        .await?)
}

/// Records the receipt of the delivery behind an incoming entry; false when there is none or
/// it was already confirmed (the first confirmation stands).
pub async fn confirm_receipt(
    tx: &mut WriteTx,
    incoming_id: &str,
    by: &str,
) -> Result<bool, StoreError> {
    let at = ts(tx.now());
    let done = sqlx::query(
        "UPDATE office_deliveries SET received_at = $1, received_by = $2 \
         WHERE incoming_id = $3 AND received_at IS NULL",
    )
    .bind(&at)
    .bind(by)
    .bind(incoming_id)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Arrivals from inside the product in the registers of the subtree of `home` whose receipt is
/// not yet confirmed, oldest first: (incoming entry id, sender's delivery).
pub async fn unconfirmed_arrivals(
    pool: &AnyPool,
    home: &str,
    limit: i64,
) -> Result<Vec<DeliveryRow>, StoreError> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM office_deliveries WHERE received_at IS NULL \
         AND incoming_id IS NOT NULL AND recipient_unit_id IN ({SCOPE_SUBQUERY}) \
         ORDER BY sent_at, id LIMIT $2"
    );
    Ok(sqlx::query_as(&sql)
        .bind(home)
        .bind(limit)
        .fetch_all(pool)
        .await?)
}
