//! The business register's storage.

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use crate::{StoreError, WriteTx, new_id, ts};

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct BusinessRow {
    pub id: String,
    pub unit_id: String,
    pub kind: String,
    pub name: String,
    pub tax_code: Option<String>,
    pub registration_no: String,
    pub registration_date: Option<String>,
    pub registration_issuer: String,
    pub representative: String,
    pub address: String,
    pub province: String,
    pub commune: String,
    pub business_lines: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub risk_note: String,
    #[serde(skip)]
    pub search_text: String,
    pub merged_into: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

const COLUMNS: &str = "id, unit_id, kind, name, tax_code, registration_no, registration_date, \
    registration_issuer, representative, address, province, commune, business_lines, phone, email, \
    website, risk_note, search_text, merged_into, version, created_at, updated_at";

/// The editable fields, already validated by the use case.
#[derive(Debug, Clone, Default)]
pub struct BusinessFields {
    pub unit_id: String,
    pub kind: String,
    pub name: String,
    pub tax_code: Option<String>,
    pub registration_no: String,
    pub registration_date: Option<String>,
    pub registration_issuer: String,
    pub representative: String,
    pub address: String,
    pub province: String,
    pub commune: String,
    pub business_lines: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub risk_note: String,
    pub search_text: String,
}

pub async fn get(pool: &AnyPool, id: &str) -> Result<Option<BusinessRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM businesses WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

pub async fn get_in(conn: &mut AnyConnection, id: &str) -> Result<Option<BusinessRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM businesses WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// Live businesses in the subtree of `scope_root` whose folded text contains every folded word
/// of `q`, by name then id, after the cursor `(name, id)`.
pub async fn search(
    pool: &AnyPool,
    scope_root: &str,
    words: &[String],
    after: Option<(&str, &str)>,
    limit: i64,
) -> Result<Vec<BusinessRow>, StoreError> {
    // One LIKE per word, bound as parameters $5.. (the word count is capped by the caller).
    let mut conditions = String::new();
    for i in 0..words.len() {
        conditions.push_str(&format!(" AND search_text LIKE ${}", i + 5));
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM businesses WHERE merged_into IS NULL AND unit_id IN ({scope}) \
         AND (name > $2 OR (name = $2 AND id > $3)){conditions} ORDER BY name, id LIMIT $4",
        scope = crate::units::SCOPE_SUBQUERY
    );
    let (after_name, after_id) = after.unwrap_or(("", ""));
    let mut q = sqlx::query_as::<_, BusinessRow>(&sql)
        .bind(scope_root)
        .bind(after_name)
        .bind(after_id)
        .bind(limit);
    for w in words {
        q = q.bind(format!("%{}%", w.replace(['\\', '%', '_'], "")));
    }
    Ok(q.fetch_all(pool).await?)
}

pub async fn insert(tx: &mut WriteTx, f: &BusinessFields) -> Result<BusinessRow, StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    let sql = format!(
        "INSERT INTO businesses ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
         $12, $13, $14, $15, $16, $17, $18, NULL, 1, $19, $19)"
    );
    sqlx::query(&sql)
        .bind(&id)
        .bind(&f.unit_id)
        .bind(&f.kind)
        .bind(&f.name)
        .bind(&f.tax_code)
        .bind(&f.registration_no)
        .bind(&f.registration_date)
        .bind(&f.registration_issuer)
        .bind(&f.representative)
        .bind(&f.address)
        .bind(&f.province)
        .bind(&f.commune)
        .bind(&f.business_lines)
        .bind(&f.phone)
        .bind(&f.email)
        .bind(&f.website)
        .bind(&f.risk_note)
        .bind(&f.search_text)
        .bind(&now)
        .execute(tx.conn())
        .await?;
    get_in(tx.conn(), &id).await?.ok_or(StoreError::NotFound)
}

/// Writes new values if the row is still at `expected_version`; returns false when another
/// officer changed it first (the caller answers 409 with the current state).
pub async fn update(
    tx: &mut WriteTx,
    id: &str,
    expected_version: i64,
    f: &BusinessFields,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let r = sqlx::query(
        "UPDATE businesses SET unit_id = $1, kind = $2, name = $3, tax_code = $4, registration_no = $5, \
         registration_date = $6, registration_issuer = $7, representative = $8, address = $9, \
         province = $10, commune = $11, business_lines = $12, phone = $13, email = $14, website = $15, \
         risk_note = $16, search_text = $17, version = version + 1, updated_at = $18 \
         WHERE id = $19 AND version = $20",
    )
    .bind(&f.unit_id)
    .bind(&f.kind)
    .bind(&f.name)
    .bind(&f.tax_code)
    .bind(&f.registration_no)
    .bind(&f.registration_date)
    .bind(&f.registration_issuer)
    .bind(&f.representative)
    .bind(&f.address)
    .bind(&f.province)
    .bind(&f.commune)
    .bind(&f.business_lines)
    .bind(&f.phone)
    .bind(&f.email)
    .bind(&f.website)
    .bind(&f.risk_note)
    .bind(&f.search_text)
    .bind(&now)
    .bind(id)
    .bind(expected_version)
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The live business holding this tax code, if any.
pub async fn by_tax_code_in(
    conn: &mut AnyConnection,
    tax_code: &str,
) -> Result<Option<BusinessRow>, StoreError> {
    let sql =
        format!("SELECT {COLUMNS} FROM businesses WHERE tax_code = $1 AND merged_into IS NULL");
    Ok(sqlx::query_as(&sql)
        .bind(tax_code)
        .fetch_optional(conn)
        .await?)
}

/// A business without tax code with the same name and address in the same unit: the same row of
/// a file imported again. A live one first; else one merged since into another record (the row
/// is known, and must not come back as a new duplicate).
pub async fn by_identity_in(
    conn: &mut AnyConnection,
    unit_id: &str,
    name: &str,
    address: &str,
) -> Result<Option<BusinessRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM businesses WHERE unit_id = $1 AND name = $2 AND address = $3 \
         AND tax_code IS NULL \
         ORDER BY CASE WHEN merged_into IS NULL THEN 0 ELSE 1 END, created_at LIMIT 1"
    );
    Ok(sqlx::query_as(&sql)
        .bind(unit_id)
        .bind(name)
        .bind(address)
        .fetch_optional(conn)
        .await?)
}

/// Marks `id` as a duplicate of `into` if it is still live and at `expected_version`; returns
/// false when another officer changed or merged it first. The row is kept, never deleted.
pub async fn mark_merged(
    tx: &mut WriteTx,
    id: &str,
    into: &str,
    expected_version: i64,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let r = sqlx::query(
        "UPDATE businesses SET merged_into = $1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND version = $4 AND merged_into IS NULL",
    )
    .bind(into)
    .bind(&now)
    .bind(id)
    .bind(expected_version)
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The longest chain of merges followed; merging is refused into a merged record, so a chain
/// only grows when a survivor is itself merged later, and never loops.
const MAX_MERGE_CHAIN: usize = 64;

/// The live business a record now stands for: itself when live, else the end of its chain of
/// merges (a duplicate merged into a record that was later merged too). `None` when there is no
/// such business. For other modules holding a `business_id` (cases re-point theirs).
pub async fn survivor_of_in(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<String>, StoreError> {
    let mut current = id.to_string();
    for _ in 0..MAX_MERGE_CHAIN {
        let next: Option<(Option<String>,)> =
            sqlx::query_as("SELECT merged_into FROM businesses WHERE id = $1")
                .bind(&current)
                .fetch_optional(&mut *conn)
                .await?;
        match next {
            None => return Ok(None),
            Some((None,)) => return Ok(Some(current)),
            Some((Some(into),)) => current = into,
        }
    }
    Err(StoreError::Corrupt(format!(
        "merge chain of business {id} longer than {MAX_MERGE_CHAIN}"
    )))
}

/// [`survivor_of_in`] outside a transaction.
pub async fn survivor_of(pool: &AnyPool, id: &str) -> Result<Option<String>, StoreError> {
    let mut conn = pool.acquire().await?;
    survivor_of_in(&mut conn, id).await
}

/// The records merged directly into `id`, oldest first.
pub async fn merged_into(pool: &AnyPool, id: &str) -> Result<Vec<BusinessRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM businesses WHERE merged_into = $1 ORDER BY updated_at, id LIMIT 200"
    );
    Ok(sqlx::query_as(&sql).bind(id).fetch_all(pool).await?)
}
