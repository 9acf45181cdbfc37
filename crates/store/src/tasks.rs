//! Tasks (giao việc) and their journal (assignment, progress notes with files, completion,
//! acceptance, return). Who sees a task is decided in the queries: an officer of `home` sees the
//! tasks given by a unit of their subtree, given to a unit of their subtree, or given to them.

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use crate::units::SCOPE_SUBQUERY;
use crate::{StoreError, WriteTx, new_id, ts};

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct TaskRow {
    pub id: String,
    /// The unit of the officer who gave it.
    pub unit_id: String,
    pub title: String,
    pub description: String,
    /// The unit it was given to, or the unit of the officer it was given to.
    pub assignee_unit_id: String,
    pub assignee_officer_id: Option<String>,
    /// YYYY-MM-DD
    pub due_on: String,
    /// assigned | in_progress | submitted | done
    pub state: String,
    /// Percent, from the last note.
    pub progress: i64,
    #[serde(skip)]
    pub attachments: String,
    /// The office document the task follows up, if any.
    pub document_id: Option<String>,
    pub assigned_by: String,
    pub completed_at: Option<String>,
    pub reviewed_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl TaskRow {
    pub fn attachment_list(&self) -> Vec<String> {
        serde_json::from_str(&self.attachments).unwrap_or_default()
    }
}

const COLUMNS: &str = "id, unit_id, title, description, assignee_unit_id, assignee_officer_id, \
    due_on, state, progress, attachments, document_id, assigned_by, completed_at, reviewed_at, \
    created_at, updated_at";

/// Who sees a task, with `$1` the officer's home unit and `$2` the officer.
const VISIBLE: &str = "(assignee_officer_id = $2 OR unit_id IN (SCOPE) \
    OR assignee_unit_id IN (SCOPE))";

fn visible_clause() -> String {
    VISIBLE.replace("SCOPE", SCOPE_SUBQUERY)
}

pub struct NewTask<'a> {
    pub unit_id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub assignee_unit_id: &'a str,
    pub assignee_officer_id: Option<&'a str>,
    pub due_on: &'a str,
    pub state: &'a str,
    pub attachments: &'a str,
    pub document_id: Option<&'a str>,
    pub assigned_by: &'a str,
}

pub async fn insert(tx: &mut WriteTx, t: &NewTask<'_>) -> Result<TaskRow, StoreError> {
    let id = new_id();
    let now = ts(tx.now());
    sqlx::query(
        "INSERT INTO tasks (id, unit_id, title, description, assignee_unit_id, \
         assignee_officer_id, due_on, state, progress, attachments, document_id, assigned_by, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12, $12)",
    )
    .bind(&id)
    .bind(t.unit_id)
    .bind(t.title)
    .bind(t.description)
    .bind(t.assignee_unit_id)
    .bind(t.assignee_officer_id)
    .bind(t.due_on)
    .bind(t.state)
    .bind(t.attachments)
    .bind(t.document_id)
    .bind(t.assigned_by)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    get_in(tx.conn(), &id).await?.ok_or(StoreError::NotFound)
}

pub async fn get(pool: &AnyPool, id: &str) -> Result<Option<TaskRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM tasks WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

pub async fn get_in(conn: &mut AnyConnection, id: &str) -> Result<Option<TaskRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM tasks WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// Whether an officer of `home` sees the task.
pub async fn visible_to(
    conn: &mut AnyConnection,
    id: &str,
    home: &str,
    user_id: &str,
) -> Result<bool, StoreError> {
    let sql = format!(
        "SELECT COUNT(*) FROM tasks WHERE id = $3 AND {}",
        visible_clause()
    );
    let (n,): (i64,) = sqlx::query_as(&sql)
        .bind(home)
        .bind(user_id)
        .bind(id)
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}

/// A list's filters.
#[derive(Default)]
pub struct TaskFilter<'a> {
    pub state: Option<&'a str>,
    /// Only tasks still with their assignee and due before this day (the overdue queue).
    pub due_before: Option<&'a str>,
    /// Only tasks the officer must work on: given to them, or to a unit of their subtree (not
    /// those their subtree gave).
    pub to_me: bool,
}

/// The tasks an officer of `home` sees, earliest deadline first, after the cursor
/// `(due_on, id)`.
pub async fn visible(
    pool: &AnyPool,
    home: &str,
    user_id: &str,
    f: &TaskFilter<'_>,
    after: Option<(&str, &str)>,
    limit: i64,
) -> Result<Vec<TaskRow>, StoreError> {
    let who = if f.to_me {
        format!("(assignee_officer_id = $2 OR assignee_unit_id IN ({SCOPE_SUBQUERY}))")
    } else {
        visible_clause()
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM tasks WHERE {who} AND ($3 = '' OR state = $3) \
         AND ($4 = '' OR (state IN ('assigned', 'in_progress') AND due_on < $4)) \
         AND (due_on > $5 OR (due_on = $5 AND id > $6)) \
         ORDER BY due_on, id LIMIT $7"
    );
    let (at, id) = after.unwrap_or(("", ""));
    Ok(sqlx::query_as(&sql)
        .bind(home)
        .bind(user_id)
        .bind(f.state.unwrap_or(""))
        .bind(f.due_before.unwrap_or(""))
        .bind(at)
        .bind(id)
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

/// Moves a task from `from` to `to` with its progress; false when it was not in `from`.
pub async fn set_state(
    tx: &mut WriteTx,
    id: &str,
    from: &str,
    to: &str,
    progress: i64,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let done = sqlx::query(
        "UPDATE tasks SET state = $1, progress = $2, updated_at = $3, \
         completed_at = CASE WHEN $1 = 'submitted' THEN $3 ELSE completed_at END, \
         reviewed_at = CASE WHEN $1 = 'done' THEN $3 ELSE reviewed_at END \
         WHERE id = $4 AND state = $5",
    )
    .bind(to)
    .bind(progress)
    .bind(&now)
    .bind(id)
    .bind(from)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives a task still in `from` to another unit or officer and/or moves its deadline; it starts
/// again as `assigned` with its progress kept. False when it was no longer in `from`.
pub async fn reassign(
    tx: &mut WriteTx,
    id: &str,
    from: &str,
    assignee_unit_id: &str,
    assignee_officer_id: Option<&str>,
    due_on: &str,
) -> Result<bool, StoreError> {
    let now = ts(tx.now());
    let done = sqlx::query(
        "UPDATE tasks SET state = 'assigned', assignee_unit_id = $1, assignee_officer_id = $2, \
         due_on = $3, updated_at = $4 WHERE id = $5 AND state = $6",
    )
    .bind(assignee_unit_id)
    .bind(assignee_officer_id)
    .bind(due_on)
    .bind(&now)
    .bind(id)
    .bind(from)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct TaskNoteRow {
    pub id: String,
    pub task_id: String,
    /// assign | progress | complete | accept | return | reassign | cancel
    pub kind: String,
    pub actor_id: String,
    pub note: String,
    pub progress: Option<i64>,
    #[serde(skip)]
    pub attachments: String,
    pub at: String,
}

impl TaskNoteRow {
    pub fn attachment_list(&self) -> Vec<String> {
        serde_json::from_str(&self.attachments).unwrap_or_default()
    }
}

#[allow(clippy::too_many_arguments)]
pub async fn add_note(
    tx: &mut WriteTx,
    task_id: &str,
    kind: &str,
    actor_id: &str,
    note: &str,
    progress: Option<i64>,
    attachments: &str,
) -> Result<(), StoreError> {
    let at = ts(tx.now());
    sqlx::query(
        "INSERT INTO task_notes (id, task_id, kind, actor_id, note, progress, attachments, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(task_id)
    .bind(kind)
    .bind(actor_id)
    .bind(note)
    .bind(progress)
    .bind(attachments)
    .bind(&at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn notes(pool: &AnyPool, task_id: &str) -> Result<Vec<TaskNoteRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, task_id, kind, actor_id, note, progress, attachments, at FROM task_notes \
         WHERE task_id = $1 ORDER BY at, id",
    )
    .bind(task_id)
    .fetch_all(pool)
    .await?)
}

/// Whether a file is attached to a task, or to a note of a task, that an officer of `home` sees.
/// The assigner's annex must open for the assignee of another unit, and the assignee's report
/// for the assigner above them.
pub async fn file_reaches(
    conn: &mut AnyConnection,
    sha256: &str,
    home: &str,
    user_id: &str,
) -> Result<bool, StoreError> {
    let sql = format!(
        "SELECT COUNT(*) FROM tasks WHERE {} AND (attachments LIKE $3 OR EXISTS \
         (SELECT 1 FROM task_notes n WHERE n.task_id = tasks.id AND n.attachments LIKE $3))",
        visible_clause()
    );
    let (n,): (i64,) = sqlx::query_as(&sql)
        .bind(home)
        .bind(user_id)
        .bind(format!("%\"{sha256}\"%"))
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}
