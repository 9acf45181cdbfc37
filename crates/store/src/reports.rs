//! The report roll-ups (migration 0010): each case's contribution (`report_facts`) and the sums
//! per unit, day and dimension (`report_daily`), plus the reads of the source rows they derive
//! from. The roll-ups are derived data: the job and the reconciliation rewrite them, never a user.

use sqlx::{AnyConnection, AnyPool};

use crate::{StoreError, WriteTx};

/// One contribution: a key of the roll-up besides the unit, and its value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, sqlx::FromRow)]
pub struct FactRow {
    pub day: String,
    pub measure: String,
    pub vgroup: String,
    pub channel: String,
    pub agency: String,
    pub value: i64,
}

/// A row of `report_daily`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, sqlx::FromRow)]
pub struct DailyRow {
    pub unit_id: String,
    pub day: String,
    pub measure: String,
    pub vgroup: String,
    pub channel: String,
    pub agency: String,
    pub value: i64,
}

/// The rows of one case that the figures derive from.
#[derive(Debug, Clone)]
pub struct CaseSourceRows {
    pub id: String,
    pub unit_id: String,
    pub origin: String,
    /// The JSON of what each step recorded (dates of the steps).
    pub data: String,
    /// (violation group, discovered on, fine) in the record's order.
    pub acts: Vec<(String, String, Option<i64>)>,
    /// (paid on, amount)
    pub payments: Vec<(String, i64)>,
    /// (seized on, estimated value, status, occurred_at of the last custody move)
    pub lots: Vec<(String, i64, String, String)>,
}

/// Reads a case's source rows (inside the job's transaction, so the facts match one state).
pub async fn source_in(
    conn: &mut AnyConnection,
    case_id: &str,
) -> Result<Option<CaseSourceRows>, StoreError> {
    let row: Option<(String, String, String, String)> =
        sqlx::query_as("SELECT id, unit_id, origin, data FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((id, unit_id, origin, data)) = row else {
        return Ok(None);
    };
    let acts = sqlx::query_as(
        "SELECT violation_group, discovered_on, fine FROM case_violations WHERE case_id = $1 \
         ORDER BY seq",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    let payments =
        sqlx::query_as("SELECT paid_on, amount FROM case_payments WHERE case_id = $1 ORDER BY id")
            .bind(case_id)
            .fetch_all(&mut *conn)
            .await?;
    let lots = sqlx::query_as(
        "SELECT e.seized_on, e.estimated_value, e.status, COALESCE(c.occurred_at, e.created_at) \
         FROM exhibits e LEFT JOIN custody_events c ON c.exhibit_id = e.id AND c.seq = e.head_seq \
         WHERE e.case_id = $1 ORDER BY e.id",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(CaseSourceRows {
        id,
        unit_id,
        origin,
        data,
        acts,
        payments,
        lots,
    }))
}

/// The source rows of every case a unit holds now, in id order: four queries for the whole unit
/// (the reconciliation's first reading at national scale; reading case by case made 4 queries a
/// case, 4 million at 1 M cases).
pub async fn sources_of_unit(
    conn: &mut AnyConnection,
    unit_id: &str,
) -> Result<Vec<CaseSourceRows>, StoreError> {
    sources_where(conn, "c.unit_id = $1", &[unit_id]).await
}

/// The source rows of the cases in `ids` that exist (in id order), in chunks of at most
/// [`IDS_PER_QUERY`] ids per query.
pub async fn sources_in_many(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<CaseSourceRows>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let list = crate::placeholders(1, chunk.len());
        let binds: Vec<&str> = chunk.iter().map(String::as_str).collect();
        out.extend(sources_where(conn, &format!("c.id IN ({list})"), &binds).await?);
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// Ids bound per `IN (…)` list: under the 250 parameters that keep sqlx's SQLite driver fast
/// (it finds each `$n` by a walk over all parameters; see docs/operations.md, demo data).
pub const IDS_PER_QUERY: usize = 200;

/// The source rows of the cases matching `cond` (over `cases c`), each child list in the order
/// [`source_in`] gives it.
async fn sources_where(
    conn: &mut AnyConnection,
    cond: &str,
    binds: &[&str],
) -> Result<Vec<CaseSourceRows>, StoreError> {
    use sqlx::Row;
    let sql =
        format!("SELECT c.id, c.unit_id, c.origin, c.data FROM cases c WHERE {cond} ORDER BY c.id");
    let cases = bound(&sql, binds).fetch_all(&mut *conn).await?;
    let mut out: Vec<CaseSourceRows> = Vec::with_capacity(cases.len());
    let mut at: std::collections::HashMap<String, usize> =
        std::collections::HashMap::with_capacity(cases.len());
    for r in cases {
        let id: String = r.try_get(0)?;
        at.insert(id.clone(), out.len());
        out.push(CaseSourceRows {
            id,
            unit_id: r.try_get(1)?,
            origin: r.try_get(2)?,
            data: r.try_get(3)?,
            acts: Vec::new(),
            payments: Vec::new(),
            lots: Vec::new(),
        });
    }
    if out.is_empty() {
        return Ok(out);
    }
    let sql = format!(
        "SELECT v.case_id, v.violation_group, v.discovered_on, v.fine FROM case_violations v \
         JOIN cases c ON c.id = v.case_id WHERE {cond} ORDER BY v.case_id, v.seq"
    );
    let acts = bound(&sql, binds).fetch_all(&mut *conn).await?;
    for r in acts {
        let case_id: String = r.try_get(0)?;
        if let Some(i) = at.get(&case_id) {
            out[*i]
                .acts
                .push((r.try_get(1)?, r.try_get(2)?, r.try_get(3)?));
        }
    }
    let sql = format!(
        "SELECT p.case_id, p.paid_on, p.amount FROM case_payments p \
         JOIN cases c ON c.id = p.case_id WHERE {cond} ORDER BY p.case_id, p.id"
    );
    let payments = bound(&sql, binds).fetch_all(&mut *conn).await?;
    for r in payments {
        let case_id: String = r.try_get(0)?;
        if let Some(i) = at.get(&case_id) {
            out[*i].payments.push((r.try_get(1)?, r.try_get(2)?));
        }
    }
    let sql = format!(
        "SELECT e.case_id, e.seized_on, e.estimated_value, e.status, \
         COALESCE(ce.occurred_at, e.created_at) FROM exhibits e JOIN cases c ON c.id = e.case_id \
         LEFT JOIN custody_events ce ON ce.exhibit_id = e.id AND ce.seq = e.head_seq \
         WHERE {cond} ORDER BY e.case_id, e.id"
    );
    let lots = bound(&sql, binds).fetch_all(&mut *conn).await?;
    for r in lots {
        let case_id: String = r.try_get(0)?;
        if let Some(i) = at.get(&case_id) {
            out[*i]
                .lots
                .push((r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?));
        }
    }
    Ok(out)
}

/// `sql` with each of `binds` bound in order.
fn bound<'q>(
    sql: &'q str,
    binds: &[&str],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(b.to_string());
    }
    q
}

/// The stored facts of the cases in `ids`, each with its case and the unit it was counted under.
pub async fn facts_of_cases(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<(String, String, FactRow)>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let list = crate::placeholders(1, chunk.len());
        let sql = format!(
            "SELECT case_id, unit_id, day, measure, vgroup, channel, agency, value \
             FROM report_facts WHERE case_id IN ({list})"
        );
        let mut q = sqlx::query_as::<
            _,
            (String, String, String, String, String, String, String, i64),
        >(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        for (case_id, unit_id, day, measure, vgroup, channel, agency, value) in
            q.fetch_all(&mut *conn).await?
        {
            out.push((
                case_id,
                unit_id,
                FactRow {
                    day,
                    measure,
                    vgroup,
                    channel,
                    agency,
                    value,
                },
            ));
        }
    }
    Ok(out)
}

/// The case an exhibit lot belongs to.
pub async fn case_of_exhibit(
    pool: &AnyPool,
    exhibit_id: &str,
) -> Result<Option<String>, StoreError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT case_id FROM exhibits WHERE id = $1")
        .bind(exhibit_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|r| r.0))
}

/// Adds each delta to its day row (unit, key) and the deltas summed by month to the month rows,
/// creating rows and deleting those that fall to zero. The two tables change in the same
/// transaction, so a month row always equals the sum of its day rows.
async fn add_sums(
    tx: &mut WriteTx,
    deltas: &std::collections::BTreeMap<(String, FactRow), i64>,
) -> Result<(), StoreError> {
    let mut months: std::collections::BTreeMap<(String, FactRow), i64> =
        std::collections::BTreeMap::new();
    for ((unit_id, f), delta) in deltas {
        if *delta == 0 {
            continue;
        }
        add_to(tx, "report_daily", "day", unit_id, &f.day, f, *delta).await?;
        let month = FactRow {
            day: f.day.get(..7).unwrap_or(&f.day).to_string(),
            ..f.clone()
        };
        *months.entry((unit_id.clone(), month)).or_insert(0) += delta;
    }
    for ((unit_id, f), delta) in &months {
        if *delta != 0 {
            add_to(tx, "report_monthly", "month", unit_id, &f.day, f, *delta).await?;
        }
    }
    Ok(())
}

/// A fact's key (its value zeroed), with the unit it counts under.
fn sum_key(unit_id: &str, f: &FactRow) -> (String, FactRow) {
    (
        unit_id.to_string(),
        FactRow {
            value: 0,
            ..f.clone()
        },
    )
}

/// Adds `delta` to the row of `table` (`report_daily` or `report_monthly`, whose period column
/// is `col`) at `at`; deletes it when it falls to zero.
async fn add_to(
    tx: &mut WriteTx,
    table: &str,
    col: &str,
    unit_id: &str,
    at: &str,
    f: &FactRow,
    delta: i64,
) -> Result<(), StoreError> {
    let (value,): (i64,) = sqlx::query_as(&format!(
        "INSERT INTO {table} (unit_id, {col}, measure, vgroup, channel, agency, value) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (unit_id, {col}, measure, vgroup, channel, agency) \
         DO UPDATE SET value = {table}.value + excluded.value RETURNING value"
    ))
    .bind(unit_id)
    .bind(at)
    .bind(&f.measure)
    .bind(&f.vgroup)
    .bind(&f.channel)
    .bind(&f.agency)
    .bind(delta)
    .fetch_one(tx.conn())
    .await?;
    if value == 0 {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE unit_id = $1 AND {col} = $2 AND measure = $3 \
             AND vgroup = $4 AND channel = $5 AND agency = $6"
        ))
        .bind(unit_id)
        .bind(at)
        .bind(&f.measure)
        .bind(&f.vgroup)
        .bind(&f.channel)
        .bind(&f.agency)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// Replaces what a case contributes: its old facts leave the sums, the new ones enter them.
/// Returns whether anything changed.
pub async fn replace_case(
    tx: &mut WriteTx,
    case_id: &str,
    unit_id: &str,
    facts: &[FactRow],
) -> Result<bool, StoreError> {
    let mut old: Vec<(String, FactRow)> =
        sqlx::query_as::<_, (String, String, String, String, String, String, i64)>(
            "SELECT unit_id, day, measure, vgroup, channel, agency, value FROM report_facts \
         WHERE case_id = $1",
        )
        .bind(case_id)
        .fetch_all(tx.conn())
        .await?
        .into_iter()
        .map(|(u, day, measure, vgroup, channel, agency, value)| {
            (
                u,
                FactRow {
                    day,
                    measure,
                    vgroup,
                    channel,
                    agency,
                    value,
                },
            )
        })
        .collect();
    old.sort();
    let mut new: Vec<(String, FactRow)> = facts
        .iter()
        .map(|f| (unit_id.to_string(), f.clone()))
        .collect();
    new.sort();
    if old == new {
        return Ok(false);
    }
    // Only the keys whose sums change are written: the old facts' values leave, the new ones
    // enter, per key.
    let mut deltas: std::collections::BTreeMap<(String, FactRow), i64> =
        std::collections::BTreeMap::new();
    for (u, f) in &old {
        *deltas.entry(sum_key(u, f)).or_insert(0) -= f.value;
    }
    for (u, f) in &new {
        *deltas.entry(sum_key(u, f)).or_insert(0) += f.value;
    }
    sqlx::query("DELETE FROM report_facts WHERE case_id = $1")
        .bind(case_id)
        .execute(tx.conn())
        .await?;
    for (u, f) in &new {
        sqlx::query(
            "INSERT INTO report_facts (case_id, unit_id, day, measure, vgroup, channel, agency, value) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(case_id)
        .bind(u)
        .bind(&f.day)
        .bind(&f.measure)
        .bind(&f.vgroup)
        .bind(&f.channel)
        .bind(&f.agency)
        .bind(f.value)
        .execute(tx.conn())
        .await?;
    }
    add_sums(tx, &deltas).await?;
    Ok(true)
}

/// How the sums are grouped: one SQL expression over `report_daily`, from this closed list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKey {
    Total,
    Unit,
    Group,
    Channel,
    Agency,
    Day,
    Month,
}

impl GroupKey {
    fn expr(self) -> &'static str {
        match self {
            GroupKey::Total => "''",
            GroupKey::Unit => "unit_id",
            GroupKey::Group => "vgroup",
            GroupKey::Channel => "channel",
            GroupKey::Agency => "agency",
            GroupKey::Day => "day",
            GroupKey::Month => "SUBSTR(day, 1, 7)",
        }
    }
}

/// Sums per (key, measure) over the subtree of `root` (merged units included), days in
/// `[from, to]` (`from` = None: since the beginning), from the day rows alone: for cuts by day
/// (at most a year); other reports read [`split_sums`].
pub async fn sums(
    pool: &AnyPool,
    root: &str,
    from: Option<&str>,
    to: &str,
    key: GroupKey,
) -> Result<Vec<(String, String, i64)>, StoreError> {
    let k = key.expr();
    // PostgreSQL refuses a constant in GROUP BY: the total groups by measure alone.
    let group = if key == GroupKey::Total {
        String::new()
    } else {
        format!("{k}, ")
    };
    let sql = format!(
        "SELECT CAST({k} AS TEXT) AS k, measure, CAST(SUM(value) AS BIGINT) FROM report_daily \
         WHERE unit_id IN ({}) AND day >= $2 AND day <= $3 GROUP BY {group}measure",
        crate::units::SCOPE_SUBQUERY
    );
    Ok(sqlx::query_as(&sql)
        .bind(root)
        .bind(from.unwrap_or(""))
        .bind(to)
        .fetch_all(pool)
        .await?)
}

/// One key's sums over a period: in the period, and everything up to its end (what outstanding
/// fines need); `rows_in_period` counts the roll-up rows in the period (a key with rows only
/// before it is not a row of the report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitSum {
    pub key: String,
    pub measure: String,
    pub in_period: i64,
    pub to_date: i64,
    pub rows_in_period: i64,
}

/// Sums per (key, measure) over the subtree of `root` (merged units included) up to `to`, split
/// at `from`, in one statement: whole months from `report_monthly`, the months cut by `from` or
/// `to` from `report_daily` (see [`RollupPlan`]). `key` may not be [`GroupKey::Day`] (a month
/// row has no day): cut by day with [`sums`].
pub async fn split_sums(
    pool: &AnyPool,
    root: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    key: GroupKey,
) -> Result<Vec<SplitSum>, StoreError> {
    use qltt_domain::report::RollupPlan;
    debug_assert!(key != GroupKey::Day, "split_sums cannot cut by day");
    let plan = RollupPlan::new(from, to);
    let (km, kd) = match key {
        GroupKey::Month => ("month", "SUBSTR(day, 1, 7)"),
        other => (other.expr(), other.expr()),
    };
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    // At most two day ranges; an absent one matches nothing.
    let range = |i: usize| {
        plan.day_ranges
            .get(i)
            .map_or(("9".to_string(), "0".to_string()), |(a, b)| {
                (day(*a), day(*b))
            })
    };
    let (a1, b1) = range(0);
    let (a2, b2) = range(1);
    let scope = crate::units::SCOPE_SUBQUERY;
    let sql = format!(
        "SELECT k, measure, CAST(SUM(p) AS BIGINT), CAST(SUM(v) AS BIGINT), \
         CAST(SUM(n) AS BIGINT) FROM (\
         SELECT CAST({km} AS TEXT) AS k, measure, \
           CASE WHEN month >= $2 THEN value ELSE 0 END AS p, value AS v, \
           CASE WHEN month >= $2 THEN 1 ELSE 0 END AS n \
         FROM report_monthly WHERE unit_id IN ({scope}) AND month <= $3 AND month <> $4 \
         UNION ALL \
         SELECT CAST({kd} AS TEXT) AS k, measure, \
           CASE WHEN day >= $5 THEN value ELSE 0 END AS p, value AS v, \
           CASE WHEN day >= $5 THEN 1 ELSE 0 END AS n \
         FROM report_daily WHERE unit_id IN ({scope}) \
           AND ((day >= $6 AND day <= $7) OR (day >= $8 AND day <= $9))\
         ) t GROUP BY k, measure"
    );
    let rows: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(&sql)
        .bind(root)
        .bind(&plan.period_month)
        .bind(&plan.months_to)
        .bind(plan.skip_month.as_deref().unwrap_or(""))
        .bind(day(from))
        .bind(a1)
        .bind(b1)
        .bind(a2)
        .bind(b2)
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(key, measure, in_period, to_date, rows_in_period)| SplitSum {
                key,
                measure,
                in_period,
                to_date,
                rows_in_period,
            },
        )
        .collect())
}

/// The cases behind a figure: those with a fact of `measure` in the subtree and days, newest
/// first, at most `limit`.
pub async fn cases_behind(
    pool: &AnyPool,
    root: &str,
    measure: &str,
    from: &str,
    to: &str,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    let sql = format!(
        "SELECT DISTINCT case_id FROM report_facts WHERE measure = $2 AND day >= $3 AND day <= $4 \
         AND unit_id IN ({}) ORDER BY case_id DESC LIMIT $5",
        crate::units::SCOPE_SUBQUERY
    );
    let rows: Vec<(String,)> = sqlx::query_as(&sql)
        .bind(root)
        .bind(measure)
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Every unit that may hold roll-up rows, in id order (the batches of the reconciliation).
pub async fn unit_ids(pool: &AnyPool) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM units UNION SELECT DISTINCT unit_id FROM report_daily ORDER BY 1",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// A unit's non-zero roll-up rows with days in `[from, to]`.
pub async fn daily_of_unit(
    conn: &mut AnyConnection,
    unit_id: &str,
    from: &str,
    to: &str,
) -> Result<Vec<DailyRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT unit_id, day, measure, vgroup, channel, agency, value FROM report_daily \
         WHERE unit_id = $1 AND day >= $2 AND day <= $3 AND value <> 0",
    )
    .bind(unit_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?)
}

/// The stored facts of a unit with days in `[from, to]`, with their case.
pub async fn facts_of_unit(
    conn: &mut AnyConnection,
    unit_id: &str,
    from: &str,
    to: &str,
) -> Result<Vec<(String, FactRow)>, StoreError> {
    let rows: Vec<KeyedFactRow> = sqlx::query_as(
        "SELECT case_id, day, measure, vgroup, channel, agency, value FROM report_facts \
         WHERE unit_id = $1 AND day >= $2 AND day <= $3",
    )
    .bind(unit_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    Ok(keyed_facts(rows))
}

/// The stored facts of one case, with the unit each was counted under.
pub async fn facts_of_case(
    conn: &mut AnyConnection,
    case_id: &str,
) -> Result<Vec<(String, FactRow)>, StoreError> {
    let rows: Vec<KeyedFactRow> = sqlx::query_as(
        "SELECT unit_id, day, measure, vgroup, channel, agency, value FROM report_facts \
         WHERE case_id = $1",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(keyed_facts(rows))
}

/// A fact row as read with its key first (the case, or the unit it was counted under).
type KeyedFactRow = (String, String, String, String, String, String, i64);

fn keyed_facts(rows: Vec<KeyedFactRow>) -> Vec<(String, FactRow)> {
    rows.into_iter()
        .map(|(key, day, measure, vgroup, channel, agency, value)| {
            (
                key,
                FactRow {
                    day,
                    measure,
                    vgroup,
                    channel,
                    agency,
                    value,
                },
            )
        })
        .collect()
}

/// The cases named by outbox entries the roll-up job has not taken yet (above `horizon`, not
/// marked in `report_marks`), directly or through one of their exhibit lots: their roll-ups lag
/// behind their rows until the job's next pass, which is no drift.
pub async fn pending_cases(
    conn: &mut AnyConnection,
    horizon: &str,
) -> Result<std::collections::BTreeSet<String>, StoreError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT o.topic, o.entity_id FROM outbox o WHERE o.id > $1 \
         AND (o.topic LIKE 'case.%' OR o.topic LIKE 'exhibit.%') \
         AND NOT EXISTS (SELECT 1 FROM report_marks m WHERE m.outbox_id = o.id)",
    )
    .bind(horizon)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = std::collections::BTreeSet::new();
    for (topic, entity) in rows {
        if topic.starts_with("case.") {
            out.insert(entity);
        } else {
            let case: Option<(String,)> =
                sqlx::query_as("SELECT case_id FROM exhibits WHERE id = $1")
                    .bind(&entity)
                    .fetch_optional(&mut *conn)
                    .await?;
            out.extend(case.map(|c| c.0));
        }
    }
    Ok(out)
}

/// Adds what `cases` contribute to `unit_id` (the first build of a unit's roll-ups): their facts
/// are inserted and their sums added to `report_daily` once per key, instead of once per fact. A
/// case that already has facts goes through [`replace_case`] instead, so the sums stay right
/// whatever the roll-ups held. Returns the cases written.
pub async fn add_cases(
    tx: &mut WriteTx,
    unit_id: &str,
    cases: &[(String, Vec<FactRow>)],
) -> Result<usize, StoreError> {
    let ids: Vec<String> = cases.iter().map(|(id, _)| id.clone()).collect();
    let mut known = std::collections::HashSet::new();
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let sql = format!(
            "SELECT DISTINCT case_id FROM report_facts WHERE case_id IN ({})",
            crate::placeholders(1, chunk.len())
        );
        let mut q = sqlx::query_as::<_, (String,)>(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        known.extend(q.fetch_all(tx.conn()).await?.into_iter().map(|r| r.0));
    }
    let mut written = 0;
    let mut sums: std::collections::BTreeMap<(String, FactRow), i64> =
        std::collections::BTreeMap::new();
    let mut rows: Vec<(&str, &FactRow)> = Vec::new();
    for (case_id, facts) in cases {
        if known.contains(case_id) {
            if replace_case(tx, case_id, unit_id, facts).await? {
                written += 1;
            }
            continue;
        }
        if facts.is_empty() {
            continue;
        }
        written += 1;
        for f in facts {
            rows.push((case_id, f));
            *sums.entry(sum_key(unit_id, f)).or_insert(0) += f.value;
        }
    }
    // 25 rows of 8 values a statement: under the 250 parameters that keep sqlx's SQLite driver
    // fast (see IDS_PER_QUERY).
    for chunk in rows.chunks(25) {
        let values = (0..chunk.len())
            .map(|i| format!("({})", crate::placeholders(i * 8 + 1, 8)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO report_facts (case_id, unit_id, day, measure, vgroup, channel, agency, value) \
             VALUES {values}"
        );
        let mut q = sqlx::query(&sql);
        for (case_id, f) in chunk {
            q = q
                .bind(case_id.to_string())
                .bind(unit_id.to_string())
                .bind(f.day.clone())
                .bind(f.measure.clone())
                .bind(f.vgroup.clone())
                .bind(f.channel.clone())
                .bind(f.agency.clone())
                .bind(f.value);
        }
        q.execute(tx.conn()).await?;
    }
    add_sums(tx, &sums).await?;
    Ok(written)
}

/// Sets what a case contributes to one unit in `report_facts` without touching `report_daily`
/// (the reconciliation sets the differing `report_daily` rows itself).
pub async fn set_case_facts(
    tx: &mut WriteTx,
    case_id: &str,
    unit_id: &str,
    facts: &[FactRow],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM report_facts WHERE case_id = $1 AND unit_id = $2")
        .bind(case_id)
        .bind(unit_id)
        .execute(tx.conn())
        .await?;
    for f in facts {
        sqlx::query(
            "INSERT INTO report_facts (case_id, unit_id, day, measure, vgroup, channel, agency, value) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (case_id, day, measure, vgroup, channel, agency) \
             DO UPDATE SET unit_id = excluded.unit_id, value = excluded.value",
        )
        .bind(case_id)
        .bind(unit_id)
        .bind(&f.day)
        .bind(&f.measure)
        .bind(&f.vgroup)
        .bind(&f.channel)
        .bind(&f.agency)
        .bind(f.value)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// Sets one day row to `value` (a zero row goes), leaving its month's row alone: the
/// reconciliation compares and repairs the month rows on their own, against the day rows.
pub async fn set_daily(tx: &mut WriteTx, row: &DailyRow) -> Result<(), StoreError> {
    let key = [&row.measure, &row.vgroup, &row.channel, &row.agency];
    set_row(
        tx,
        "report_daily",
        "day",
        &row.unit_id,
        &row.day,
        key,
        row.value,
    )
    .await
}

/// Sets the row of `table` (period column `col`) at (`unit_id`, `at`, `key`) to `value`; a zero
/// row goes.
async fn set_row(
    tx: &mut WriteTx,
    table: &str,
    col: &str,
    unit_id: &str,
    at: &str,
    [measure, vgroup, channel, agency]: [&String; 4],
    value: i64,
) -> Result<(), StoreError> {
    let sql = if value == 0 {
        format!(
            "DELETE FROM {table} WHERE unit_id = $1 AND {col} = $2 AND measure = $3 \
             AND vgroup = $4 AND channel = $5 AND agency = $6"
        )
    } else {
        format!(
            "INSERT INTO {table} (unit_id, {col}, measure, vgroup, channel, agency, value) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (unit_id, {col}, measure, vgroup, channel, agency) \
             DO UPDATE SET value = excluded.value"
        )
    };
    let mut q = sqlx::query(&sql)
        .bind(unit_id)
        .bind(at)
        .bind(measure)
        .bind(vgroup)
        .bind(channel)
        .bind(agency);
    if value != 0 {
        q = q.bind(value);
    }
    q.execute(tx.conn()).await?;
    Ok(())
}

/// A row of `report_monthly` (`month` is "YYYY-MM").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, sqlx::FromRow)]
pub struct MonthlyRow {
    pub unit_id: String,
    pub month: String,
    pub measure: String,
    pub vgroup: String,
    pub channel: String,
    pub agency: String,
    pub value: i64,
}

/// A unit's non-zero month rows.
pub async fn monthly_of_unit(
    conn: &mut AnyConnection,
    unit_id: &str,
) -> Result<Vec<MonthlyRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT unit_id, month, measure, vgroup, channel, agency, value FROM report_monthly \
         WHERE unit_id = $1 AND value <> 0",
    )
    .bind(unit_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The sums of a unit's day rows in the months `[first, last]`, as month rows.
pub async fn months_from_daily(
    conn: &mut AnyConnection,
    unit_id: &str,
    first: &str,
    last: &str,
) -> Result<Vec<MonthlyRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT unit_id, SUBSTR(day, 1, 7) AS month, measure, vgroup, channel, agency, \
         CAST(SUM(value) AS BIGINT) AS value FROM report_daily \
         WHERE unit_id = $1 AND day >= $2 AND day <= $3 \
         GROUP BY unit_id, SUBSTR(day, 1, 7), measure, vgroup, channel, agency",
    )
    .bind(unit_id)
    .bind(format!("{first}-01"))
    .bind(format!("{last}-31"))
    .fetch_all(&mut *conn)
    .await?)
}

/// Sets one month row to `value` (a zero row goes): the reconciliation's repair of a month row
/// that no longer equals the sum of its days.
pub async fn set_monthly(tx: &mut WriteTx, row: &MonthlyRow) -> Result<(), StoreError> {
    let key = [&row.measure, &row.vgroup, &row.channel, &row.agency];
    set_row(
        tx,
        "report_monthly",
        "month",
        &row.unit_id,
        &row.month,
        key,
        row.value,
    )
    .await
}
