//! Commitment campaigns (cam kết) and the businesses' signed commitments. Rows are never deleted:
//! a withdrawal sets `withdrawn_at`.

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use crate::{StoreError, WriteTx, new_id, ts};

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct CampaignRow {
    pub id: String,
    /// The unit that runs the campaign; the units of its subtree take part.
    pub unit_id: String,
    pub name: String,
    /// The text the businesses sign.
    pub content: String,
    /// YYYY-MM-DD
    pub starts_on: String,
    /// YYYY-MM-DD, inclusive; none: open-ended.
    pub ends_on: Option<String>,
    pub created_by: String,
    pub created_at: String,
}

const CAMPAIGN_COLUMNS: &str =
    "id, unit_id, name, content, starts_on, ends_on, created_by, created_at";

/// A signed commitment with the names a reader needs (business, campaign).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct CommitmentRow {
    pub id: String,
    pub campaign_id: String,
    pub business_id: String,
    /// YYYY-MM-DD
    pub signed_on: String,
    /// The business's representative who signed.
    pub signed_by_name: String,
    /// The officer who collected the signature.
    pub officer_id: String,
    pub note: String,
    /// Set when the business withdrew (RFC 3339 instant); the commitment holds no more from that day.
    pub withdrawn_at: Option<String>,
    pub withdrawn_by: Option<String>,
    pub withdrawn_reason: Option<String>,
    pub created_at: String,
    pub business_name: String,
    /// The team whose area the business is in now.
    pub business_unit_id: String,
    pub campaign_name: String,
    pub campaign_starts_on: String,
    pub campaign_ends_on: Option<String>,
}

const COMMITMENT_SELECT: &str = "SELECT c.id, c.campaign_id, c.business_id, c.signed_on, \
    c.signed_by_name, c.officer_id, c.note, c.withdrawn_at, c.withdrawn_by, c.withdrawn_reason, \
    c.created_at, b.name AS business_name, b.unit_id AS business_unit_id, k.name AS campaign_name, \
    k.starts_on AS campaign_starts_on, k.ends_on AS campaign_ends_on \
    FROM commitments c JOIN businesses b ON b.id = c.business_id \
    JOIN commitment_campaigns k ON k.id = c.campaign_id";

pub struct NewCampaign<'a> {
    pub unit_id: &'a str,
    pub name: &'a str,
    pub content: &'a str,
    pub starts_on: &'a str,
    pub ends_on: Option<&'a str>,
    pub created_by: &'a str,
}

pub async fn insert_campaign(
    tx: &mut WriteTx,
    c: &NewCampaign<'_>,
) -> Result<CampaignRow, StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    let sql = format!(
        "INSERT INTO commitment_campaigns ({CAMPAIGN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    );
    sqlx::query(&sql)
        .bind(&id)
        .bind(c.unit_id)
        .bind(c.name)
        .bind(c.content)
        .bind(c.starts_on)
        .bind(c.ends_on)
        .bind(c.created_by)
        .bind(&now)
        .execute(tx.conn())
        .await?;
    campaign_in(tx.conn(), &id)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn campaign(pool: &AnyPool, id: &str) -> Result<Option<CampaignRow>, StoreError> {
    let sql = format!("SELECT {CAMPAIGN_COLUMNS} FROM commitment_campaigns WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

pub async fn campaign_in(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<CampaignRow>, StoreError> {
    let sql = format!("SELECT {CAMPAIGN_COLUMNS} FROM commitment_campaigns WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// The ids of `$1` and the units above it (its parents up to the root).
const ANCESTORS_SUBQUERY: &str = "WITH RECURSIVE up(id) AS (\
     SELECT id FROM units WHERE id = $1 \
     UNION SELECT u.parent_id FROM units u JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL\
     ) SELECT id FROM up";

/// The campaigns an officer of unit `home` sees: those run in the subtree of `home` and those run
/// by a unit above it (its unit takes part). Newest start first, after the cursor
/// `(starts_on, id)`.
pub async fn visible_campaigns(
    pool: &AnyPool,
    home: &str,
    before: Option<(&str, &str)>,
    limit: i64,
) -> Result<Vec<CampaignRow>, StoreError> {
    let sql = format!(
        "SELECT {CAMPAIGN_COLUMNS} FROM commitment_campaigns \
         WHERE (unit_id IN ({scope}) OR unit_id IN ({ANCESTORS_SUBQUERY})) \
         AND (starts_on < $2 OR (starts_on = $2 AND id < $3)) \
         ORDER BY starts_on DESC, id DESC LIMIT $4",
        scope = crate::units::SCOPE_SUBQUERY
    );
    let (starts_on, id) = before.unwrap_or(("9999-12-31", "~"));
    Ok(sqlx::query_as(&sql)
        .bind(home)
        .bind(starts_on)
        .bind(id)
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

pub struct NewCommitment<'a> {
    pub campaign_id: &'a str,
    pub business_id: &'a str,
    pub signed_on: &'a str,
    pub signed_by_name: &'a str,
    pub officer_id: &'a str,
    pub note: &'a str,
}

/// Inserts a signed commitment; a second one of the same business in the same campaign is a
/// [`StoreError::Conflict`].
pub async fn insert(tx: &mut WriteTx, c: &NewCommitment<'_>) -> Result<CommitmentRow, StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    sqlx::query(
        "INSERT INTO commitments (id, campaign_id, business_id, signed_on, signed_by_name, \
         officer_id, note, withdrawn_at, withdrawn_by, withdrawn_reason, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, NULL, $8)",
    )
    .bind(&id)
    .bind(c.campaign_id)
    .bind(c.business_id)
    .bind(c.signed_on)
    .bind(c.signed_by_name)
    .bind(c.officer_id)
    .bind(c.note)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    get_in(tx.conn(), &id).await?.ok_or(StoreError::NotFound)
}

pub async fn get(pool: &AnyPool, id: &str) -> Result<Option<CommitmentRow>, StoreError> {
    let sql = format!("{COMMITMENT_SELECT} WHERE c.id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

pub async fn get_in(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<CommitmentRow>, StoreError> {
    let sql = format!("{COMMITMENT_SELECT} WHERE c.id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// The commitment of a business in a campaign, if it signed one.
pub async fn of_business_in_campaign(
    conn: &mut AnyConnection,
    campaign_id: &str,
    business_id: &str,
) -> Result<Option<CommitmentRow>, StoreError> {
    let sql = format!("{COMMITMENT_SELECT} WHERE c.campaign_id = $1 AND c.business_id = $2");
    Ok(sqlx::query_as(&sql)
        .bind(campaign_id)
        .bind(business_id)
        .fetch_optional(conn)
        .await?)
}

/// Marks a commitment withdrawn if it is not yet; returns false when it already was.
pub async fn withdraw(
    tx: &mut WriteTx,
    id: &str,
    by: &str,
    reason: &str,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let r = sqlx::query(
        "UPDATE commitments SET withdrawn_at = $1, withdrawn_by = $2, withdrawn_reason = $3 \
         WHERE id = $4 AND withdrawn_at IS NULL",
    )
    .bind(&now)
    .bind(by)
    .bind(reason)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The commitments of a campaign whose business is in the subtree of `scope_root`, newest
/// signature first (at most `limit`).
pub async fn of_campaign(
    pool: &AnyPool,
    scope_root: &str,
    campaign_id: &str,
    limit: i64,
) -> Result<Vec<CommitmentRow>, StoreError> {
    let sql = format!(
        "{COMMITMENT_SELECT} WHERE c.campaign_id = $2 AND b.unit_id IN ({scope}) \
         ORDER BY c.signed_on DESC, c.id DESC LIMIT $3",
        scope = crate::units::SCOPE_SUBQUERY
    );
    Ok(sqlx::query_as(&sql)
        .bind(scope_root)
        .bind(campaign_id)
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

/// How many businesses of each team signed (and still hold) or withdrew, in a campaign.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct TeamCountRow {
    /// The business's unit (the team whose area it is in).
    pub unit_id: String,
    /// Commitments in force (not withdrawn).
    pub signed: i64,
    pub withdrawn: i64,
}

/// Counts per team of a campaign's commitments whose business is in the subtree of `scope_root`.
pub async fn team_counts(
    pool: &AnyPool,
    scope_root: &str,
    campaign_id: &str,
) -> Result<Vec<TeamCountRow>, StoreError> {
    let sql = format!(
        "SELECT b.unit_id AS unit_id, \
         SUM(CASE WHEN c.withdrawn_at IS NULL THEN 1 ELSE 0 END) AS signed, \
         SUM(CASE WHEN c.withdrawn_at IS NULL THEN 0 ELSE 1 END) AS withdrawn \
         FROM commitments c JOIN businesses b ON b.id = c.business_id \
         WHERE c.campaign_id = $2 AND b.unit_id IN ({scope}) \
         GROUP BY b.unit_id ORDER BY b.unit_id",
        scope = crate::units::SCOPE_SUBQUERY
    );
    Ok(sqlx::query_as(&sql)
        .bind(scope_root)
        .bind(campaign_id)
        .fetch_all(pool)
        .await?)
}

/// A commitment with the business it is read for (a business or a duplicate merged into it).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ForBusiness {
    pub for_business: String,
    #[sqlx(flatten)]
    pub row: CommitmentRow,
}

/// [`of_business`] for several businesses in one query (a page of cases), each business's
/// newest signature first.
pub async fn of_businesses(
    pool: &AnyPool,
    business_ids: &[&str],
) -> Result<Vec<ForBusiness>, StoreError> {
    if business_ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = COMMITMENT_SELECT.replacen("SELECT ", "SELECT m.root AS for_business, ", 1);
    let sql = format!(
        "WITH RECURSIVE m(root, id) AS (\
         SELECT id, id FROM businesses WHERE id IN ({}) \
         UNION SELECT m.root, x.id FROM businesses x JOIN m ON x.merged_into = m.id\
         ) {select} JOIN m ON m.id = c.business_id \
         ORDER BY m.root, c.signed_on DESC, c.id DESC",
        crate::placeholders(1, business_ids.len())
    );
    let mut q = sqlx::query_as(&sql);
    for id in business_ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(pool).await?)
}

/// Every commitment of a business and of the duplicates merged into it (a commitment signed on a
/// record later found to be a duplicate still binds the business), newest signature first.
pub async fn of_business(
    pool: &AnyPool,
    business_id: &str,
) -> Result<Vec<CommitmentRow>, StoreError> {
    let sql = format!(
        "{COMMITMENT_SELECT} WHERE c.business_id IN (WITH RECURSIVE m(id) AS (\
         SELECT id FROM businesses WHERE id = $1 \
         UNION SELECT x.id FROM businesses x JOIN m ON x.merged_into = m.id\
         ) SELECT id FROM m) ORDER BY c.signed_on DESC, c.id DESC LIMIT 200"
    );
    Ok(sqlx::query_as(&sql)
        .bind(business_id)
        .fetch_all(pool)
        .await?)
}
