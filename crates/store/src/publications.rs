//! Publications of sanction decisions (open data, issue 8): who published which issued decision,
//! on what basis, and its withdrawal. A live publication has no `withdrawn_at`; the partial
//! unique index keeps one live publication per decision.

use serde::Serialize;
use sqlx::AnyPool;

use crate::{StoreError, WriteTx, new_id, ts};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PublicationRow {
    pub id: String,
    pub document_id: String,
    pub basis: String,
    pub published_by: String,
    pub published_at: String,
    pub withdrawn_by: Option<String>,
    pub withdrawn_at: Option<String>,
    pub withdraw_reason: Option<String>,
}

const COLUMNS: &str = "id, document_id, basis, published_by, published_at, withdrawn_by, \
                       withdrawn_at, withdraw_reason";

/// Publishes a decision; `Conflict` if it is already published (the unique index decides, so
/// two leaders at once cannot both publish it).
pub async fn publish(
    tx: &mut WriteTx,
    document_id: &str,
    basis: &str,
    by: &str,
) -> Result<PublicationRow, StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    sqlx::query(
        "INSERT INTO document_publications (id, document_id, basis, published_by, published_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(document_id)
    .bind(basis)
    .bind(by)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    let sql = format!("SELECT {COLUMNS} FROM document_publications WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(&id).fetch_one(tx.conn()).await?)
}

/// The live publication of a decision, if any.
pub async fn live_in(
    conn: &mut sqlx::AnyConnection,
    document_id: &str,
) -> Result<Option<PublicationRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM document_publications WHERE document_id = $1 AND withdrawn_at IS NULL"
    );
    Ok(sqlx::query_as(&sql)
        .bind(document_id)
        .fetch_optional(conn)
        .await?)
}

/// Ends a live publication; false when there was none.
pub async fn withdraw(
    tx: &mut WriteTx,
    document_id: &str,
    by: &str,
    reason: &str,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let done = sqlx::query(
        "UPDATE document_publications SET withdrawn_by = $1, withdrawn_at = $2, withdraw_reason = $3 \
         WHERE document_id = $4 AND withdrawn_at IS NULL",
    )
    .bind(by)
    .bind(&now)
    .bind(reason)
    .bind(document_id)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A published decision as the open dataset reads it: the document, its issuing unit, the case's
/// data (for the offender's kind and the acts) and when it was published.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PublishedDecision {
    pub document_id: String,
    pub number: String,
    pub issued_on: String,
    pub status: String,
    pub verify_code: Option<String>,
    pub content: String,
    pub unit_name: String,
    pub case_data: Option<String>,
    pub published_at: String,
}

const PUBLISHED_SELECT: &str = "SELECT d.id AS document_id, d.number, d.issued_on, d.status, d.verify_code, d.content, \
            u.name AS unit_name, c.data AS case_data, p.published_at \
     FROM document_publications p \
     JOIN documents d ON d.id = p.document_id \
     JOIN units u ON u.id = d.unit_id \
     LEFT JOIN cases c ON c.id = d.case_id \
     WHERE p.withdrawn_at IS NULL";

/// Every live publication, newest decision first.
pub async fn published(pool: &AnyPool) -> Result<Vec<PublishedDecision>, StoreError> {
    let sql = format!("{PUBLISHED_SELECT} ORDER BY d.issued_on DESC, d.number");
    Ok(sqlx::query_as(&sql).fetch_all(pool).await?)
}

/// The decision `document_id` if it is published now (its live publication), else `None`.
pub async fn published_of(
    pool: &AnyPool,
    document_id: &str,
) -> Result<Option<PublishedDecision>, StoreError> {
    let sql = format!("{PUBLISHED_SELECT} AND p.document_id = $1");
    Ok(sqlx::query_as(&sql)
        .bind(document_id)
        .fetch_optional(pool)
        .await?)
}

/// Those of `document_ids` that are published now, in no particular order (a page of search
/// results: the ids withdrawn since they were indexed are left out).
pub async fn published_among(
    pool: &AnyPool,
    document_ids: &[&str],
) -> Result<Vec<PublishedDecision>, StoreError> {
    if document_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{PUBLISHED_SELECT} AND p.document_id IN ({})",
        crate::placeholders(1, document_ids.len())
    );
    let mut q = sqlx::query_as(&sql);
    for id in document_ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(pool).await?)
}

/// A page of the decisions published now, by document id after `after` (a rebuild of the
/// search index).
pub async fn published_ids_after(
    pool: &AnyPool,
    after: &str,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT document_id FROM document_publications \
         WHERE withdrawn_at IS NULL AND document_id > $1 ORDER BY document_id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
