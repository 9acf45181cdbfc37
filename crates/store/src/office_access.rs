//! Who reads a document with a secrecy level besides its unit's leaders and clerk: the people
//! named on it and the officers a leader granted it to (`office_secret_grants`). The rule itself
//! is `qltt_domain::office::secrecy`; the checks are in `app::office::secrecy`.

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use crate::office::OfficeDocRow;
use crate::{StoreError, WriteTx, ts};

/// The officers named on a document (`$1`): who registered it, routed it, had it routed to them,
/// and, for an outgoing document signed from a draft, who drafted, reviewed and signed it.
const NAMED: &str = "SELECT o.created_by AS user_id FROM office_documents o WHERE o.id = $1 \
    UNION SELECT o.routed_by FROM office_documents o WHERE o.id = $1 AND o.routed_by IS NOT NULL \
    UNION SELECT o.assigned_officer_id FROM office_documents o \
      WHERE o.id = $1 AND o.assigned_officer_id IS NOT NULL \
    UNION SELECT d.drafted_by FROM office_drafts d WHERE d.document_id = $1 \
    UNION SELECT d.reviewed_by FROM office_drafts d WHERE d.document_id = $1 AND d.reviewed_by IS NOT NULL \
    UNION SELECT d.signed_by FROM office_drafts d WHERE d.document_id = $1 AND d.signed_by IS NOT NULL";

/// Whether the officer is named on the document.
pub async fn is_named(
    conn: &mut AnyConnection,
    document_id: &str,
    user_id: &str,
) -> Result<bool, StoreError> {
    let sql = format!("SELECT COUNT(*) FROM ({NAMED}) n WHERE n.user_id = $2");
    let (n,): (i64,) = sqlx::query_as(&sql)
        .bind(document_id)
        .bind(user_id)
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}

/// Whether the officer holds a grant on the document that was not taken back.
pub async fn is_granted(
    conn: &mut AnyConnection,
    document_id: &str,
    user_id: &str,
) -> Result<bool, StoreError> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM office_secret_grants WHERE document_id = $1 AND user_id = $2 \
         AND revoked_at IS NULL",
    )
    .bind(document_id)
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// Everyone who reads the document by name: named on it or granted it (the search index lets
/// them find it wherever their unit is).
pub async fn readers(pool: &AnyPool, document_id: &str) -> Result<Vec<String>, StoreError> {
    let sql = format!(
        "SELECT user_id FROM ({NAMED}) n \
         UNION SELECT user_id FROM office_secret_grants WHERE document_id = $1 AND revoked_at IS NULL \
         ORDER BY 1"
    );
    Ok(sqlx::query_scalar(&sql)
        .bind(document_id)
        .fetch_all(pool)
        .await?)
}

/// Gives the officer access (again, after a revocation); false when they already had it.
pub async fn grant(
    tx: &mut WriteTx,
    document_id: &str,
    user_id: &str,
    reason: &str,
    by: &str,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let done = sqlx::query(
        "INSERT INTO office_secret_grants (document_id, user_id, reason, granted_by, granted_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (document_id, user_id) DO UPDATE SET \
         reason = excluded.reason, granted_by = excluded.granted_by, \
         granted_at = excluded.granted_at, revoked_by = NULL, revoked_at = NULL \
         WHERE office_secret_grants.revoked_at IS NOT NULL",
    )
    .bind(document_id)
    .bind(user_id)
    .bind(reason)
    .bind(by)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes the access back; false when there was none.
pub async fn revoke(
    tx: &mut WriteTx,
    document_id: &str,
    user_id: &str,
    by: &str,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let done = sqlx::query(
        "UPDATE office_secret_grants SET revoked_by = $1, revoked_at = $2 \
         WHERE document_id = $3 AND user_id = $4 AND revoked_at IS NULL",
    )
    .bind(by)
    .bind(&now)
    .bind(document_id)
    .bind(user_id)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct GrantRow {
    pub user_id: String,
    pub username: String,
    pub full_name: String,
    pub unit_name: String,
    pub reason: String,
    pub granted_by: String,
    pub granted_by_name: String,
    /// RFC 3339
    pub granted_at: String,
    pub revoked_by: Option<String>,
    /// RFC 3339, when taken back.
    pub revoked_at: Option<String>,
}

/// Every grant of the document, current ones first, then by when they were given.
pub async fn grants(pool: &AnyPool, document_id: &str) -> Result<Vec<GrantRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT g.user_id, x.username, x.full_name, u.name AS unit_name, g.reason, g.granted_by, \
         b.full_name AS granted_by_name, g.granted_at, g.revoked_by, g.revoked_at \
         FROM office_secret_grants g JOIN users x ON x.id = g.user_id \
         JOIN units u ON u.id = x.unit_id JOIN users b ON b.id = g.granted_by \
         WHERE g.document_id = $1 \
         ORDER BY CASE WHEN g.revoked_at IS NULL THEN 0 ELSE 1 END, g.granted_at, x.username",
    )
    .bind(document_id)
    .fetch_all(pool)
    .await?)
}

/// The documents with a secrecy level that hold a file.
pub async fn secret_documents_with_file(
    conn: &mut AnyConnection,
    sha256: &str,
) -> Result<Vec<OfficeDocRow>, StoreError> {
    let sql = format!(
        "SELECT {} FROM office_documents WHERE confidentiality <> 'normal' AND attachments LIKE $1 \
         ORDER BY created_at, id",
        crate::office::COLUMNS
    );
    Ok(sqlx::query_as(&sql)
        .bind(format!("%\"{sha256}\"%"))
        .fetch_all(conn)
        .await?)
}

/// Whether the officer's `action` on the document was recorded in the audit log since `since`
/// (RFC 3339): an opening is recorded once in a while, not on every reload of the page.
pub async fn read_recorded_since(
    pool: &AnyPool,
    document_id: &str,
    user_id: &str,
    action: &str,
    since: &str,
) -> Result<bool, StoreError> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE entity_type = 'office_document' \
         AND entity_id = $1 AND actor_id = $2 AND action = $3 AND at >= $4",
    )
    .bind(document_id)
    .bind(user_id)
    .bind(action)
    .bind(since)
    .fetch_one(pool)
    .await?;
    Ok(n > 0)
}

/// The drafts with a secrecy level that hold a file (as their current files).
pub async fn secret_drafts_with_file(
    conn: &mut AnyConnection,
    sha256: &str,
) -> Result<Vec<crate::office_drafts::DraftRow>, StoreError> {
    let sql = format!(
        "SELECT {} FROM office_drafts WHERE confidentiality <> 'normal' AND attachments LIKE $1 \
         ORDER BY created_at, id",
        crate::office_drafts::COLUMNS
    );
    Ok(sqlx::query_as(&sql)
        .bind(format!("%\"{sha256}\"%"))
        .fetch_all(conn)
        .await?)
}

/// One recorded opening of a secret document (its page, its text, a file).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct OpeningRow {
    pub actor_id: String,
    pub full_name: String,
    /// office_document.secret_read | .secret_text_read | .secret_file_read
    pub action: String,
    /// RFC 3339
    pub at: String,
}

/// The latest recorded openings of a document, newest first.
pub async fn openings(
    pool: &AnyPool,
    document_id: &str,
    limit: i64,
) -> Result<Vec<OpeningRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT a.actor_id, u.full_name, a.action, a.at FROM audit_events a \
         JOIN users u ON u.id = a.actor_id \
         WHERE a.entity_type = 'office_document' AND a.entity_id = $1 \
         AND a.action IN ('office_document.secret_read', 'office_document.secret_text_read', \
         'office_document.secret_file_read') \
         ORDER BY a.seq DESC LIMIT $2",
    )
    .bind(document_id)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}
