//! Storage of violation-handling cases: the case row (current state), its journal of steps, the
//! acts of its violation record, its legal deadlines and its payments.

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use crate::{StoreError, WriteTx, new_id, ts};

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct CaseRow {
    pub id: String,
    pub unit_id: String,
    pub business_id: Option<String>,
    pub origin: String,
    pub summary: String,
    pub state: String,
    pub enforcement: String,
    pub violation_found: Option<i64>,
    pub offender_kind: Option<String>,
    pub fine_total: i64,
    pub paid_total: i64,
    pub decision_delivered: i64,
    #[serde(skip)]
    pub data: String,
    pub version: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

const COLUMNS: &str = "id, unit_id, business_id, origin, summary, state, enforcement, violation_found, \
    offender_kind, fine_total, paid_total, decision_delivered, data, version, created_by, created_at, \
    updated_at";

pub struct NewCase<'a> {
    pub unit_id: &'a str,
    pub business_id: Option<&'a str>,
    pub origin: &'a str,
    pub summary: &'a str,
    pub state: &'a str,
    pub created_by: &'a str,
}

pub async fn insert(tx: &mut WriteTx, c: &NewCase<'_>) -> Result<CaseRow, StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    let sql = format!(
        "INSERT INTO cases ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, 'none', NULL, NULL, 0, 0, 0, \
         '{{}}', 1, $7, $8, $8)"
    );
    sqlx::query(&sql)
        .bind(&id)
        .bind(c.unit_id)
        .bind(c.business_id)
        .bind(c.origin)
        .bind(c.summary)
        .bind(c.state)
        .bind(c.created_by)
        .bind(&now)
        .execute(tx.conn())
        .await?;
    get_in(tx.conn(), &id).await?.ok_or(StoreError::NotFound)
}

pub async fn get(pool: &AnyPool, id: &str) -> Result<Option<CaseRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM cases WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

pub async fn get_in(conn: &mut AnyConnection, id: &str) -> Result<Option<CaseRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM cases WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// The new current values of a case after an action.
pub struct CaseUpdate<'a> {
    pub state: &'a str,
    pub enforcement: &'a str,
    pub violation_found: Option<i64>,
    pub offender_kind: Option<&'a str>,
    pub fine_total: i64,
    pub paid_total: i64,
    pub decision_delivered: i64,
    pub data: &'a str,
}

/// Writes the case if it is still at `expected_version`; false when another officer acted first.
pub async fn update(
    tx: &mut WriteTx,
    id: &str,
    expected_version: i64,
    u: &CaseUpdate<'_>,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let r = sqlx::query(
        "UPDATE cases SET state = $1, enforcement = $2, violation_found = $3, offender_kind = $4, \
         fine_total = $5, paid_total = $6, decision_delivered = $7, data = $8, version = version + 1, \
         updated_at = $9 WHERE id = $10 AND version = $11",
    )
    .bind(u.state)
    .bind(u.enforcement)
    .bind(u.violation_found)
    .bind(u.offender_kind)
    .bind(u.fine_total)
    .bind(u.paid_total)
    .bind(u.decision_delivered)
    .bind(u.data)
    .bind(&now)
    .bind(id)
    .bind(expected_version)
    .execute(tx.conn())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Cases in the subtree of `scope_root`, newest first, optionally in one state or of one business,
/// after the cursor `(created_at, id)`.
pub async fn list(
    pool: &AnyPool,
    scope_root: &str,
    state: Option<&str>,
    business_id: Option<&str>,
    before: Option<(&str, &str)>,
    limit: i64,
) -> Result<Vec<CaseRow>, StoreError> {
    // The scope's units first: a team's scope is one unit, a province's a dozen. Each unit's
    // newest cases are then read by walking the (unit_id[, state], created_at, id) index
    // backwards for at most `limit` rows, and the pieces merged. `unit_id IN (scope)` instead
    // fetched every case of the scope and sorted them all for every page (617 rows per team at
    // N = 20,000, 30 times that at 1 M). Past `MAX_MERGED_UNITS` (the whole country's tree) one
    // statement over the scope is used.
    const MAX_MERGED_UNITS: usize = 100;
    let unit_ids: Vec<String> = sqlx::query_scalar(crate::units::SCOPE_SUBQUERY)
        .bind(scope_root)
        .fetch_all(pool)
        .await?;
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    // Only the filters given are in the statement (a few distinct statements, each prepared
    // once): `($2 = '' OR state = $2)` kept the planners from using the index ranges.
    let filters = |n: &mut usize| {
        let mut f = String::new();
        if state.is_some() {
            *n += 1;
            f.push_str(&format!(" AND state = ${n}"));
        }
        if business_id.is_some() {
            *n += 1;
            f.push_str(&format!(" AND business_id = ${n}"));
        }
        if before.is_some() {
            f.push_str(&format!(
                " AND (created_at, id) < (${}, ${})",
                *n + 1,
                *n + 2
            ));
            *n += 2;
        }
        f
    };
    let order = "ORDER BY created_at DESC, id DESC";
    let mut n = 0;
    let merged = (2..=MAX_MERGED_UNITS).contains(&unit_ids.len());
    let (sql, units) = if unit_ids.len() == 1 {
        // A team: its own index range, in order, nothing to merge.
        n += 1;
        let f = filters(&mut n);
        n += 1;
        let sql = format!("SELECT {COLUMNS} FROM cases WHERE unit_id = $1{f} {order} LIMIT ${n}");
        (sql, unit_ids.clone())
    } else if merged {
        let mut parts = Vec::with_capacity(unit_ids.len());
        for (i, _) in unit_ids.iter().enumerate() {
            n += 1;
            let unit = n;
            let f = filters(&mut n);
            n += 1;
            parts.push(format!(
                "SELECT * FROM (SELECT {COLUMNS} FROM cases WHERE unit_id = ${unit}{f} {order} \
                 LIMIT ${n}) AS u{i}"
            ));
        }
        n += 1;
        let sql = format!(
            "SELECT {COLUMNS} FROM ({}) AS page {order} LIMIT ${n}",
            parts.join(" UNION ALL ")
        );
        (sql, unit_ids.clone())
    } else {
        n += 1;
        let f = filters(&mut n);
        n += 1;
        let sql = format!(
            "SELECT {COLUMNS} FROM cases WHERE unit_id IN ({scope}){f} {order} LIMIT ${n}",
            scope = crate::units::SCOPE_SUBQUERY
        );
        (sql, vec![scope_root.to_string()])
    };
    let mut q = sqlx::query_as(&sql);
    for unit in units {
        q = q.bind(unit);
        if let Some(state) = state {
            q = q.bind(state);
        }
        if let Some(b) = business_id {
            q = q.bind(b);
        }
        if let Some((at, id)) = before {
            q = q.bind(at).bind(id);
        }
        q = q.bind(limit);
    }
    if merged {
        q = q.bind(limit);
    }
    Ok(q.fetch_all(pool).await?)
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct StepRow {
    pub seq: i64,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub actor_id: String,
    pub at: String,
    /// The step's input as recorded. Kept as JSON text in the table and sent as the object it
    /// is: sent as text it contradicted the documented `object` (found by schemathesis).
    #[schema(value_type = Object)]
    #[serde(serialize_with = "json_text_as_value")]
    pub payload: String,
}

/// Serializes a column that holds JSON text as that JSON value. Text that does not parse (the
/// store never writes any) is sent as it is rather than failing the whole response.
fn json_text_as_value<S: serde::Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => serde::Serialize::serialize(&v, s),
        Err(_) => s.serialize_str(text),
    }
}

pub async fn append_step(
    tx: &mut WriteTx,
    case_id: &str,
    action: &str,
    from_state: &str,
    to_state: &str,
    actor_id: &str,
    payload: &str,
) -> Result<i64, StoreError> {
    let seq: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM case_steps WHERE case_id = $1")
            .bind(case_id)
            .fetch_one(tx.conn())
            .await?;
    let now = ts(tx.now());
    sqlx::query(
        "INSERT INTO case_steps (id, case_id, seq, action, from_state, to_state, actor_id, at, payload) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(case_id)
    .bind(seq)
    .bind(action)
    .bind(from_state)
    .bind(to_state)
    .bind(actor_id)
    .bind(&now)
    .bind(payload)
    .execute(tx.conn())
    .await?;
    Ok(seq)
}

pub async fn steps(pool: &AnyPool, case_id: &str) -> Result<Vec<StepRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT seq, action, from_state, to_state, actor_id, at, payload FROM case_steps \
         WHERE case_id = $1 ORDER BY seq",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?)
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct CaseViolationRow {
    pub seq: i64,
    pub violation_type_id: String,
    pub facts: String,
    /// JSON array of strings.
    pub mitigating: String,
    pub aggravating: String,
    pub frame_min: i64,
    pub frame_max: i64,
    pub violation_group: String,
    pub two_year_limit: i64,
    pub ended_on: Option<String>,
    pub discovered_on: String,
    pub fine: Option<i64>,
}

pub struct NewCaseViolation<'a> {
    pub seq: i64,
    pub violation_type_id: &'a str,
    pub facts: &'a str,
    pub mitigating: &'a str,
    pub aggravating: &'a str,
    pub frame_min: i64,
    pub frame_max: i64,
    pub violation_group: &'a str,
    pub two_year_limit: bool,
    pub ended_on: Option<&'a str>,
    pub discovered_on: &'a str,
}

pub async fn insert_violation(
    tx: &mut WriteTx,
    case_id: &str,
    v: &NewCaseViolation<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO case_violations (id, case_id, seq, violation_type_id, facts, mitigating, \
         aggravating, frame_min, frame_max, violation_group, two_year_limit, ended_on, discovered_on, \
         fine) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL)",
    )
    .bind(new_id())
    .bind(case_id)
    .bind(v.seq)
    .bind(v.violation_type_id)
    .bind(v.facts)
    .bind(v.mitigating)
    .bind(v.aggravating)
    .bind(v.frame_min)
    .bind(v.frame_max)
    .bind(v.violation_group)
    .bind(i64::from(v.two_year_limit))
    .bind(v.ended_on)
    .bind(v.discovered_on)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A child row of a case with the case it belongs to (the batched reads of a list page).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfCase<T> {
    pub case_id: String,
    #[sqlx(flatten)]
    pub row: T,
}

/// Runs `SELECT case_id, {columns} FROM {table} WHERE case_id IN (ids) ORDER BY case_id, {order}`.
async fn of_cases<T>(
    pool: &AnyPool,
    table: &str,
    columns: &str,
    order: &str,
    ids: &[&str],
) -> Result<Vec<OfCase<T>>, StoreError>
where
    T: Send + Unpin + for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT case_id, {columns} FROM {table} WHERE case_id IN ({}) ORDER BY case_id, {order}",
        crate::placeholders(1, ids.len())
    );
    let mut q = sqlx::query_as::<_, OfCase<T>>(&sql);
    for id in ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(pool).await?)
}

const VIOLATION_COLUMNS: &str = "seq, violation_type_id, facts, mitigating, aggravating, \
    frame_min, frame_max, violation_group, two_year_limit, ended_on, discovered_on, fine";
const DEADLINE_COLUMNS: &str = "case_id, unit_id, kind, due_on, basis, met_at";
const PAYMENT_COLUMNS: &str = "paid_on, amount, late_charge, receipt_no, recorded_by, recorded_at";

/// The violations of several cases in one query, each case's in order.
pub async fn violations_of(
    pool: &AnyPool,
    ids: &[&str],
) -> Result<Vec<OfCase<CaseViolationRow>>, StoreError> {
    of_cases(pool, "case_violations", VIOLATION_COLUMNS, "seq", ids).await
}

/// The payments of several cases in one query, each case's in order.
pub async fn payments_of(
    pool: &AnyPool,
    ids: &[&str],
) -> Result<Vec<OfCase<PaymentRow>>, StoreError> {
    of_cases(
        pool,
        "case_payments",
        PAYMENT_COLUMNS,
        "paid_on, recorded_at",
        ids,
    )
    .await
}

/// The deadlines of several cases in one query, each case's soonest first.
pub async fn deadlines_of(pool: &AnyPool, ids: &[&str]) -> Result<Vec<DeadlineRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {DEADLINE_COLUMNS} FROM case_deadlines WHERE case_id IN ({}) \
         ORDER BY case_id, due_on, kind",
        crate::placeholders(1, ids.len())
    );
    let mut q = sqlx::query_as(&sql);
    for id in ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(pool).await?)
}

pub async fn violations_in(
    conn: &mut AnyConnection,
    case_id: &str,
) -> Result<Vec<CaseViolationRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT seq, violation_type_id, facts, mitigating, aggravating, frame_min, frame_max, \
         violation_group, two_year_limit, ended_on, discovered_on, fine FROM case_violations WHERE case_id = $1 ORDER BY seq",
    )
    .bind(case_id)
    .fetch_all(conn)
    .await?)
}

/// Takes the fines of an annulled sanction decision off the case's acts (the acts stay: the
/// violation record is not annulled with the decision).
pub async fn clear_fines(tx: &mut WriteTx, case_id: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE case_violations SET fine = NULL WHERE case_id = $1")
        .bind(case_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn set_fine(
    tx: &mut WriteTx,
    case_id: &str,
    seq: i64,
    fine: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE case_violations SET fine = $1 WHERE case_id = $2 AND seq = $3")
        .bind(fine)
        .bind(case_id)
        .bind(seq)
        .execute(tx.conn())
        .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct DeadlineRow {
    pub case_id: String,
    pub unit_id: String,
    pub kind: String,
    pub due_on: String,
    pub basis: String,
    pub met_at: Option<String>,
}

/// Sets (or moves) a deadline of the case; a moved deadline is open again.
pub async fn set_deadline(
    tx: &mut WriteTx,
    case_id: &str,
    unit_id: &str,
    kind: &str,
    due_on: &str,
    basis: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO case_deadlines (id, case_id, unit_id, kind, due_on, basis, met_at) \
         VALUES ($1, $2, $3, $4, $5, $6, NULL) ON CONFLICT (case_id, kind) DO UPDATE \
         SET due_on = excluded.due_on, basis = excluded.basis, met_at = NULL",
    )
    .bind(new_id())
    .bind(case_id)
    .bind(unit_id)
    .bind(kind)
    .bind(due_on)
    .bind(basis)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Marks a deadline met (the step it waited for was taken).
pub async fn meet_deadline(tx: &mut WriteTx, case_id: &str, kind: &str) -> Result<(), StoreError> {
    let now = ts(tx.now());
    sqlx::query(
        "UPDATE case_deadlines SET met_at = $1 WHERE case_id = $2 AND kind = $3 AND met_at IS NULL",
    )
    .bind(&now)
    .bind(case_id)
    .bind(kind)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn deadlines(pool: &AnyPool, case_id: &str) -> Result<Vec<DeadlineRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT case_id, unit_id, kind, due_on, basis, met_at FROM case_deadlines \
         WHERE case_id = $1 ORDER BY due_on, kind",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?)
}

/// A case's deadlines, inside a write transaction.
pub async fn deadlines_in(
    conn: &mut AnyConnection,
    case_id: &str,
) -> Result<Vec<DeadlineRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT case_id, unit_id, kind, due_on, basis, met_at FROM case_deadlines \
         WHERE case_id = $1 ORDER BY due_on, kind",
    )
    .bind(case_id)
    .fetch_all(conn)
    .await?)
}

/// An open deadline with what a work queue shows of its case.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct OpenDeadlineRow {
    pub case_id: String,
    pub kind: String,
    pub due_on: String,
    pub summary: String,
    pub state: String,
}

/// Open deadlines of cases in scope due on or before `until` ("YYYY-MM-DD"), soonest first, with
/// their case's summary and state in the same query (the home page reads this on every case
/// change an officer hears of).
pub async fn open_deadlines(
    pool: &AnyPool,
    scope_root: &str,
    until: &str,
    limit: i64,
) -> Result<Vec<OpenDeadlineRow>, StoreError> {
    let sql = format!(
        "SELECT d.case_id, d.kind, d.due_on, c.summary, c.state FROM case_deadlines d \
         JOIN cases c ON c.id = d.case_id \
         WHERE d.met_at IS NULL AND d.due_on <= $2 AND d.unit_id IN ({scope}) \
         ORDER BY d.due_on, d.case_id LIMIT $3",
        scope = crate::units::SCOPE_SUBQUERY
    );
    Ok(sqlx::query_as(&sql)
        .bind(scope_root)
        .bind(until)
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

/// Open deadlines of a subtree due by `until`, counted per unit and kind, overdue (before
/// `today`) apart from the rest (the dashboard's deadlines at risk).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeadlineRiskRow {
    pub unit_id: String,
    pub kind: String,
    pub overdue: i64,
    pub n: i64,
}

pub async fn deadline_risk(
    pool: &AnyPool,
    scope_root: &str,
    today: &str,
    until: &str,
) -> Result<Vec<DeadlineRiskRow>, StoreError> {
    let sql = format!(
        "SELECT d.unit_id, d.kind, CASE WHEN d.due_on < $2 THEN 1 ELSE 0 END AS overdue, \
                COUNT(*) AS n \
         FROM case_deadlines d \
         WHERE d.met_at IS NULL AND d.due_on <= $3 AND d.unit_id IN ({scope}) \
         GROUP BY d.unit_id, d.kind, CASE WHEN d.due_on < $2 THEN 1 ELSE 0 END",
        scope = crate::units::SCOPE_SUBQUERY
    );
    Ok(sqlx::query_as(&sql)
        .bind(scope_root)
        .bind(today)
        .bind(until)
        .fetch_all(pool)
        .await?)
}

/// The cases of a subtree with an open deadline due in `[from, until]` (`from` empty: any time
/// before), soonest first: the cases behind a "deadlines at risk" figure.
pub async fn cases_with_open_deadlines(
    pool: &AnyPool,
    scope_root: &str,
    from: &str,
    until: &str,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    let sql = format!(
        "SELECT d.case_id, MIN(d.due_on) AS due FROM case_deadlines d \
         WHERE d.met_at IS NULL AND d.due_on >= $2 AND d.due_on <= $3 AND d.unit_id IN ({scope}) \
         GROUP BY d.case_id ORDER BY due, d.case_id LIMIT $4",
        scope = crate::units::SCOPE_SUBQUERY
    );
    let rows: Vec<(String, String)> = sqlx::query_as(&sql)
        .bind(scope_root)
        .bind(from)
        .bind(until)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(|(id, _)| id).collect())
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct PaymentRow {
    pub paid_on: String,
    pub amount: i64,
    pub late_charge: i64,
    pub receipt_no: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

pub async fn insert_payment(
    tx: &mut WriteTx,
    case_id: &str,
    p: &PaymentRow,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO case_payments (id, case_id, paid_on, amount, late_charge, receipt_no, \
         recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(case_id)
    .bind(&p.paid_on)
    .bind(p.amount)
    .bind(p.late_charge)
    .bind(&p.receipt_no)
    .bind(&p.recorded_by)
    .bind(&p.recorded_at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn payments(pool: &AnyPool, case_id: &str) -> Result<Vec<PaymentRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT paid_on, amount, late_charge, receipt_no, recorded_by, recorded_at FROM case_payments \
         WHERE case_id = $1 ORDER BY paid_on, recorded_at",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?)
}
