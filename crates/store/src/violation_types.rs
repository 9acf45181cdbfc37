//! The violation catalogue: one row per version of a violation type (code@effective_from).

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use crate::StoreError;

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct ViolationTypeRow {
    pub id: String,
    pub code: String,
    pub decree: String,
    pub article: String,
    pub clause: String,
    pub point: String,
    pub description: String,
    pub fine_min: i64,
    pub fine_max: i64,
    pub violation_group: String,
    pub limitation_years: i64,
    pub additional_penalties: String,
    pub remedial_measures: String,
    pub effective_from: String,
    pub effective_to: Option<String>,
    pub status: String,
    pub source: String,
    #[serde(skip)]
    pub search_text: String,
}

const COLUMNS: &str = "id, code, decree, article, clause, point, description, fine_min, fine_max, \
    violation_group, limitation_years, additional_penalties, remedial_measures, effective_from, \
    effective_to, status, source, search_text";

pub async fn get(pool: &AnyPool, id: &str) -> Result<Option<ViolationTypeRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM violation_types WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

pub async fn get_in(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<ViolationTypeRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM violation_types WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// The version of `code` in force on `on` ("YYYY-MM-DD"): the latest that started on or before
/// that day and had not ended.
pub async fn in_force_in(
    conn: &mut AnyConnection,
    code: &str,
    on: &str,
) -> Result<Option<ViolationTypeRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM violation_types WHERE code = $1 AND effective_from <= $2 \
         AND (effective_to IS NULL OR effective_to > $2) ORDER BY effective_from DESC LIMIT 1"
    );
    Ok(sqlx::query_as(&sql)
        .bind(code)
        .bind(on)
        .fetch_optional(conn)
        .await?)
}

/// Current versions whose folded text contains every folded word, by code.
pub async fn search(
    pool: &AnyPool,
    words: &[String],
    group: Option<&str>,
    limit: i64,
) -> Result<Vec<ViolationTypeRow>, StoreError> {
    let mut conditions = String::new();
    for i in 0..words.len() {
        conditions.push_str(&format!(" AND search_text LIKE ${}", i + 3));
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM violation_types WHERE effective_to IS NULL \
         AND ($1 = '' OR violation_group = $1){conditions} ORDER BY code LIMIT $2"
    );
    let mut q = sqlx::query_as::<_, ViolationTypeRow>(&sql)
        .bind(group.unwrap_or(""))
        .bind(limit);
    for w in words {
        q = q.bind(format!("%{}%", w.replace(['\\', '%', '_'], "")));
    }
    Ok(q.fetch_all(pool).await?)
}

pub async fn count(pool: &AnyPool) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM violation_types")
        .fetch_one(pool)
        .await?)
}

/// Inserts a version, or rewrites it when the seed file corrected it. Returns what happened.
pub async fn upsert(
    conn: &mut AnyConnection,
    row: &ViolationTypeRow,
) -> Result<Upsert, StoreError> {
    match get_in(conn, &row.id).await? {
        Some(existing) if &existing == row => Ok(Upsert::Unchanged),
        Some(_) => {
            let sql = "UPDATE violation_types SET code = $2, decree = $3, article = $4, clause = $5, \
                 point = $6, description = $7, fine_min = $8, fine_max = $9, violation_group = $10, \
                 limitation_years = $11, additional_penalties = $12, remedial_measures = $13, \
                 effective_from = $14, effective_to = $15, status = $16, source = $17, \
                 search_text = $18 WHERE id = $1";
            bind_all(sqlx::query(sql), row).execute(conn).await?;
            Ok(Upsert::Updated)
        }
        None => {
            let sql = format!(
                "INSERT INTO violation_types ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
                 $10, $11, $12, $13, $14, $15, $16, $17, $18)"
            );
            bind_all(sqlx::query(&sql), row).execute(conn).await?;
            Ok(Upsert::Inserted)
        }
    }
}

/// Binds every column of `row` as `$1…$18` in the order of [`COLUMNS`] (both statements of
/// [`upsert`] use that numbering).
fn bind_all<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    row: &'q ViolationTypeRow,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    q.bind(&row.id)
        .bind(&row.code)
        .bind(&row.decree)
        .bind(&row.article)
        .bind(&row.clause)
        .bind(&row.point)
        .bind(&row.description)
        .bind(row.fine_min)
        .bind(row.fine_max)
        .bind(&row.violation_group)
        .bind(row.limitation_years)
        .bind(&row.additional_penalties)
        .bind(&row.remedial_measures)
        .bind(&row.effective_from)
        .bind(&row.effective_to)
        .bind(&row.status)
        .bind(&row.source)
        .bind(&row.search_text)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    Inserted,
    Updated,
    Unchanged,
}

/// Every version of every violation type (the catalogue is small: tens of rows).
pub async fn all(pool: &AnyPool) -> Result<Vec<ViolationTypeRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM violation_types ORDER BY code, effective_from");
    Ok(sqlx::query_as(&sql).fetch_all(pool).await?)
}
