//! Periodic reports (báo cáo định kỳ): definitions, their target units, each unit's submission
//! for a period (one row per report, period and unit) and the journal of every version sent,
//! returned and accepted. Who sees a definition is decided in the query: an officer of `home`
//! sees the reports defined by a unit of their subtree and those targeting a unit of it.

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use crate::units::SCOPE_SUBQUERY;
use crate::{StoreError, WriteTx, new_id, placeholders, ts};

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct PeriodicReportRow {
    pub id: String,
    /// The defining unit.
    pub unit_id: String,
    pub title: String,
    pub description: String,
    /// weekly | monthly | quarterly | yearly
    pub recurrence: String,
    /// Days after the period's end (then the next working day).
    pub deadline_days: i64,
    /// form | file
    pub kind: String,
    #[serde(skip)]
    pub fields: String,
    /// 1: the form is pre-filled with the INS figures of the period.
    pub prefill: i64,
    /// YYYY-MM-DD: the first period holds this day.
    pub starts_on: String,
    pub active: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

const COLUMNS: &str = "id, unit_id, title, description, recurrence, deadline_days, kind, fields, \
    prefill, starts_on, active, created_by, created_at, updated_at";

/// Who sees a report, with `$1` the officer's home unit.
fn visible_clause() -> String {
    format!(
        "(unit_id IN ({SCOPE_SUBQUERY}) OR EXISTS (SELECT 1 FROM periodic_report_recipients r \
         WHERE r.report_id = periodic_reports.id AND r.unit_id IN ({SCOPE_SUBQUERY})))"
    )
}

pub struct NewPeriodicReport<'a> {
    pub unit_id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub recurrence: &'a str,
    pub deadline_days: i64,
    pub kind: &'a str,
    pub fields: &'a str,
    pub prefill: bool,
    pub starts_on: &'a str,
    pub created_by: &'a str,
}

pub async fn insert(
    tx: &mut WriteTx,
    r: &NewPeriodicReport<'_>,
    recipients: &[String],
) -> Result<PeriodicReportRow, StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    sqlx::query(
        "INSERT INTO periodic_reports (id, unit_id, title, description, recurrence, \
         deadline_days, kind, fields, prefill, starts_on, active, created_by, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $12, $12)",
    )
    .bind(&id)
    .bind(r.unit_id)
    .bind(r.title)
    .bind(r.description)
    .bind(r.recurrence)
    .bind(r.deadline_days)
    .bind(r.kind)
    .bind(r.fields)
    .bind(i64::from(r.prefill))
    .bind(r.starts_on)
    .bind(r.created_by)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    for unit in recipients {
        sqlx::query("INSERT INTO periodic_report_recipients (report_id, unit_id) VALUES ($1, $2)")
            .bind(&id)
            .bind(unit)
            .execute(tx.conn())
            .await?;
    }
    get_in(tx.conn(), &id).await?.ok_or(StoreError::NotFound)
}

pub async fn get_in(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<PeriodicReportRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM periodic_reports WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// Whether an officer of `home` sees the report.
pub async fn visible_to(
    conn: &mut AnyConnection,
    id: &str,
    home: &str,
) -> Result<bool, StoreError> {
    let sql = format!(
        "SELECT COUNT(*) FROM periodic_reports WHERE id = $2 AND {}",
        visible_clause()
    );
    let (n,): (i64,) = sqlx::query_as(&sql)
        .bind(home)
        .bind(id)
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}

/// The reports an officer of `home` sees, newest first (at most `limit`); `active_only` keeps
/// those still collected.
pub async fn visible(
    pool: &AnyPool,
    home: &str,
    active_only: bool,
    limit: i64,
) -> Result<Vec<PeriodicReportRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM periodic_reports WHERE {} AND ($2 = 0 OR active = 1) \
         ORDER BY created_at DESC, id DESC LIMIT $3",
        visible_clause()
    );
    Ok(sqlx::query_as(&sql)
        .bind(home)
        .bind(i64::from(active_only))
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

/// The active reports that target a unit of `home`'s subtree, with that unit: (report, unit id).
pub async fn targeting(
    pool: &AnyPool,
    home: &str,
) -> Result<Vec<(PeriodicReportRow, String)>, StoreError> {
    let cols = COLUMNS
        .split(", ")
        .map(|c| format!("p.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {cols}, r.unit_id AS target_unit FROM periodic_reports p \
         JOIN periodic_report_recipients r ON r.report_id = p.id \
         WHERE p.active = 1 AND r.unit_id IN ({SCOPE_SUBQUERY}) ORDER BY p.created_at, p.id, r.unit_id"
    );
    #[derive(sqlx::FromRow)]
    struct Joined {
        #[sqlx(flatten)]
        report: PeriodicReportRow,
        target_unit: String,
    }
    let rows: Vec<Joined> = sqlx::query_as(&sql).bind(home).fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|j| (j.report, j.target_unit))
        .collect())
}

/// The active units below `root` (its subtree without itself), by code: the default targets.
pub async fn active_below(conn: &mut AnyConnection, root: &str) -> Result<Vec<String>, StoreError> {
    let sql = format!(
        "SELECT id FROM units WHERE id IN ({SCOPE_SUBQUERY}) AND id <> $1 \
         AND valid_to IS NULL AND merged_into IS NULL ORDER BY code"
    );
    let rows: Vec<(String,)> = sqlx::query_as(&sql).bind(root).fetch_all(conn).await?;
    Ok(rows.into_iter().map(|(u,)| u).collect())
}

/// Stops collecting a report: false when it was not active any more.
pub async fn deactivate(tx: &mut WriteTx, id: &str) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let done = sqlx::query(
        "UPDATE periodic_reports SET active = 0, updated_at = $1 WHERE id = $2 AND active = 1",
    )
    .bind(&now)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Rewrites what a definition says (title, description, form) while it is active and unchanged
/// since `updated_at` was read; false otherwise.
pub async fn update_definition(
    tx: &mut WriteTx,
    id: &str,
    read_at: &str,
    title: &str,
    description: &str,
    fields: &str,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let done = sqlx::query(
        "UPDATE periodic_reports SET title = $1, description = $2, fields = $3, updated_at = $4 \
         WHERE id = $5 AND active = 1 AND updated_at = $6",
    )
    .bind(title)
    .bind(description)
    .bind(fields)
    .bind(&now)
    .bind(id)
    .bind(read_at)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether any unit has sent the report (any period, any state).
pub async fn anything_sent(conn: &mut AnyConnection, report_id: &str) -> Result<bool, StoreError> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM periodic_report_submissions WHERE report_id = $1")
            .bind(report_id)
            .fetch_one(conn)
            .await?;
    Ok(n > 0)
}

/// The target units of a report.
pub async fn recipients(
    conn: &mut AnyConnection,
    report_id: &str,
) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT unit_id FROM periodic_report_recipients WHERE report_id = $1 ORDER BY unit_id",
    )
    .bind(report_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(u,)| u).collect())
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct SubmissionRow {
    pub id: String,
    pub report_id: String,
    /// 2026-W12 | 2026-03 | 2026-Q1 | 2026
    pub period_key: String,
    /// The submitting unit.
    pub unit_id: String,
    /// submitted | returned | resubmitted | accepted
    pub state: String,
    #[serde(skip)]
    pub figures: String,
    pub file_sha256: Option<String>,
    pub note: String,
    pub submitted_by: String,
    /// RFC 3339; on time or late is judged on this.
    pub first_submitted_at: String,
    /// RFC 3339: the last version.
    pub submitted_at: String,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<String>,
    pub review_note: String,
    pub version: i64,
    pub updated_at: String,
}

const SUB_COLUMNS: &str = "id, report_id, period_key, unit_id, state, figures, file_sha256, note, \
    submitted_by, first_submitted_at, submitted_at, reviewed_by, reviewed_at, review_note, \
    version, updated_at";

pub async fn submission_in(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<SubmissionRow>, StoreError> {
    let sql = format!("SELECT {SUB_COLUMNS} FROM periodic_report_submissions WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// The submission of a unit for a period, if any.
pub async fn submission_of(
    conn: &mut AnyConnection,
    report_id: &str,
    period_key: &str,
    unit_id: &str,
) -> Result<Option<SubmissionRow>, StoreError> {
    let sql = format!(
        "SELECT {SUB_COLUMNS} FROM periodic_report_submissions \
         WHERE report_id = $1 AND period_key = $2 AND unit_id = $3"
    );
    Ok(sqlx::query_as(&sql)
        .bind(report_id)
        .bind(period_key)
        .bind(unit_id)
        .fetch_optional(conn)
        .await?)
}

/// The submissions of a report for one period (every unit).
pub async fn submissions_for_period(
    pool: &AnyPool,
    report_id: &str,
    period_key: &str,
) -> Result<Vec<SubmissionRow>, StoreError> {
    let sql = format!(
        "SELECT {SUB_COLUMNS} FROM periodic_report_submissions \
         WHERE report_id = $1 AND period_key = $2 ORDER BY unit_id"
    );
    Ok(sqlx::query_as(&sql)
        .bind(report_id)
        .bind(period_key)
        .fetch_all(pool)
        .await?)
}

/// The submissions of some units for some reports and periods (the home queue): every row of
/// `(report_id, unit_id)` pairs whose period is one of `periods`.
pub async fn submissions_of_units(
    pool: &AnyPool,
    unit_ids: &[String],
    periods: &[String],
) -> Result<Vec<SubmissionRow>, StoreError> {
    if unit_ids.is_empty() || periods.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {SUB_COLUMNS} FROM periodic_report_submissions WHERE unit_id IN ({}) \
         AND period_key IN ({})",
        placeholders(1, unit_ids.len()),
        placeholders(unit_ids.len() + 1, periods.len())
    );
    let mut q = sqlx::query_as::<_, SubmissionRow>(&sql);
    for u in unit_ids {
        q = q.bind(u);
    }
    for p in periods {
        q = q.bind(p);
    }
    Ok(q.fetch_all(pool).await?)
}

pub struct NewSubmission<'a> {
    pub report_id: &'a str,
    pub period_key: &'a str,
    pub unit_id: &'a str,
    pub state: &'a str,
    pub figures: &'a str,
    pub file_sha256: Option<&'a str>,
    pub note: &'a str,
    pub submitted_by: &'a str,
}

/// The first submission of a unit for a period. A second one for the same report, period and
/// unit is refused by the schema (`StoreError::Conflict`).
pub async fn insert_submission(
    tx: &mut WriteTx,
    s: &NewSubmission<'_>,
) -> Result<SubmissionRow, StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    sqlx::query(
        "INSERT INTO periodic_report_submissions (id, report_id, period_key, unit_id, state, \
         figures, file_sha256, note, submitted_by, first_submitted_at, submitted_at, \
         review_note, version, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, '', 1, $10)",
    )
    .bind(&id)
    .bind(s.report_id)
    .bind(s.period_key)
    .bind(s.unit_id)
    .bind(s.state)
    .bind(s.figures)
    .bind(s.file_sha256)
    .bind(s.note)
    .bind(s.submitted_by)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    submission_in(tx.conn(), &id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// A new version after a return: false when the submission was not in `from` any more.
#[allow(clippy::too_many_arguments)]
pub async fn resubmit(
    tx: &mut WriteTx,
    id: &str,
    from: &str,
    to: &str,
    figures: &str,
    file_sha256: Option<&str>,
    note: &str,
    submitted_by: &str,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let done = sqlx::query(
        "UPDATE periodic_report_submissions SET state = $1, figures = $2, file_sha256 = $3, \
         note = $4, submitted_by = $5, submitted_at = $6, updated_at = $6, \
         version = version + 1 WHERE id = $7 AND state = $8",
    )
    .bind(to)
    .bind(figures)
    .bind(file_sha256)
    .bind(note)
    .bind(submitted_by)
    .bind(&now)
    .bind(id)
    .bind(from)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A review (accept or return): false when the submission was not in `from` any more.
pub async fn review(
    tx: &mut WriteTx,
    id: &str,
    from: &str,
    to: &str,
    reviewer: &str,
    note: &str,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let done = sqlx::query(
        "UPDATE periodic_report_submissions SET state = $1, reviewed_by = $2, reviewed_at = $3, \
         review_note = $4, updated_at = $3 WHERE id = $5 AND state = $6",
    )
    .bind(to)
    .bind(reviewer)
    .bind(&now)
    .bind(note)
    .bind(id)
    .bind(from)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct SubmissionEventRow {
    pub id: String,
    pub submission_id: String,
    /// submit | return | accept
    pub kind: String,
    pub version: i64,
    pub actor_id: String,
    pub note: String,
    #[serde(skip)]
    pub figures: String,
    pub file_sha256: Option<String>,
    pub at: String,
}

#[allow(clippy::too_many_arguments)]
pub async fn add_event(
    tx: &mut WriteTx,
    submission_id: &str,
    kind: &str,
    version: i64,
    actor_id: &str,
    note: &str,
    figures: &str,
    file_sha256: Option<&str>,
) -> Result<(), StoreError> {
    let at = ts(tx.now());
    sqlx::query(
        "INSERT INTO periodic_report_events (id, submission_id, kind, version, actor_id, note, \
         figures, file_sha256, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(submission_id)
    .bind(kind)
    .bind(version)
    .bind(actor_id)
    .bind(note)
    .bind(figures)
    .bind(file_sha256)
    .bind(&at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn events(
    pool: &AnyPool,
    submission_id: &str,
) -> Result<Vec<SubmissionEventRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, submission_id, kind, version, actor_id, note, figures, file_sha256, at \
         FROM periodic_report_events WHERE submission_id = $1 ORDER BY at, id",
    )
    .bind(submission_id)
    .fetch_all(pool)
    .await?)
}
