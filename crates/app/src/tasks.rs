//! Tasks (giao việc, issue 9 part 4): a leader gives a unit of their scope, or one officer of it,
//! a piece of work with a deadline and files; the assignee notes progress (with files) and
//! reports it done; a leader of the giving unit accepts it or returns it with a comment. Overdue
//! tasks are in the home page's queues. The rules are `qltt_domain::task`.
//!
//! Who: giving and reviewing (`AssignTasks`) by leaders whose scope holds the giving unit (never
//! the task's own assignee); working (`WorkOnTasks`) by the officer it was given to, or, for a
//! task given to a unit, by the officers whose scope holds that unit. Where: an officer sees the
//! tasks given by or to a unit of their subtree and those given to them; others get 404. Every
//! step writes its journal line and audit event in its own transaction.

use std::collections::HashMap;

use chrono::NaiveDate;
use qltt_domain::format::{format_date, legal_day, parse_date};
use qltt_domain::officer::Permission;
use qltt_domain::task::{self as rules, TaskAction, TaskBy, TaskState};
use qltt_domain::text::{bounded, bounded_text};
use qltt_store::tasks::{self as store, NewTask, TaskFilter, TaskRow};
use qltt_store::{StoreError, WriteTx, units, users};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{Actor, App, AppError, AppResult, ErrorKind};

/// A task to give.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Give it to a unit of your scope…
    #[serde(default)]
    pub unit_id: Option<String>,
    /// …or to one officer of your scope (exactly one of the two).
    #[serde(default)]
    pub officer_id: Option<String>,
    /// YYYY-MM-DD (or dd/mm/yyyy), not in the past.
    pub due_on: String,
    /// SHA-256 of uploaded files (`POST /api/v1/files`).
    #[serde(default)]
    pub attachments: Vec<String>,
    /// An office document the task follows up (one you see).
    #[serde(default)]
    pub document_id: Option<String>,
}

/// A step: `progress` takes `note` and an optional `progress` (0–100) and `attachments`;
/// `complete` an optional `note` and `attachments`; `accept` an optional `note`; `return` a `note`;
/// `reassign` a `note` (why) and a new `unit_id` or `officer_id` and/or a new `due_on`; `cancel`
/// a `note` (why).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskActionInput {
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub progress: Option<i64>,
    #[serde(default)]
    pub attachments: Vec<String>,
    /// `reassign` only: the unit of your scope that takes the task over…
    #[serde(default)]
    pub unit_id: Option<String>,
    /// …or the officer of your scope (at most one of the two; neither keeps the assignee).
    #[serde(default)]
    pub officer_id: Option<String>,
    /// `reassign` only: the new deadline, YYYY-MM-DD (or dd/mm/yyyy), not in the past.
    #[serde(default)]
    pub due_on: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskNote {
    pub kind: String,
    pub kind_label: String,
    pub actor_name: String,
    pub note: String,
    pub progress: Option<i64>,
    pub attachment_shas: Vec<String>,
    /// RFC 3339
    pub at: String,
}

impl TaskNote {
    pub fn at_text(&self) -> String {
        qltt_store::parse_ts(&self.at)
            .map(qltt_domain::format::format_instant)
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Task {
    #[serde(flatten)]
    pub row: TaskRow,
    pub attachment_shas: Vec<String>,
    pub state_label: String,
    pub unit_name: String,
    pub assignee_unit_name: String,
    pub assignee_officer_name: Option<String>,
    pub assigned_by_name: String,
    /// Still with its assignee past its deadline.
    pub overdue: bool,
    /// The steps the state allows (whether the caller may take them is checked on each).
    pub allowed_actions: Vec<String>,
    /// The journal (on a single task's view; empty in lists).
    pub notes: Vec<TaskNote>,
}

impl Task {
    pub fn due_on_text(&self) -> String {
        parse_date(&self.row.due_on)
            .map(format_date)
            .unwrap_or_else(|| self.row.due_on.clone())
    }
    pub fn may(&self, action: &str) -> bool {
        self.allowed_actions.iter().any(|a| a == action)
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskPage {
    pub items: Vec<Task>,
    pub next_cursor: Option<String>,
}

/// Who holds a reassigned task and until when, with the journal's line and the audit's record.
struct Reassignment {
    unit_id: String,
    officer_id: Option<String>,
    due_on: String,
    summary: String,
    details: serde_json::Value,
}

fn not_found() -> AppError {
    AppError::not_found("task.not_found")
}

fn parse_day(raw: &str) -> AppResult<NaiveDate> {
    parse_date(raw.trim()).ok_or_else(|| {
        AppError::from(qltt_domain::DomainError::invalid(
            "due_on",
            "task.invalid_date",
            "Ngày không hợp lệ (dd/mm/yyyy).",
        ))
    })
}

fn opt(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl App {
    async fn task_view(&self, row: TaskRow, with_notes: bool) -> AppResult<Task> {
        let state = TaskState::parse(&row.state)?;
        let today = legal_day(self.now());
        let due = parse_date(&row.due_on);
        let mut notes = Vec::new();
        if with_notes {
            let mut names: HashMap<String, String> = HashMap::new();
            for n in store::notes(self.db.pool(), &row.id).await? {
                if !names.contains_key(&n.actor_id) {
                    let label = self.officer_label(&n.actor_id).await?;
                    names.insert(n.actor_id.clone(), label);
                }
                let kind_label = match n.kind.as_str() {
                    "assign" => "Giao việc".to_string(),
                    k => TaskAction::parse(k)
                        .map(|a| a.label().to_string())
                        .unwrap_or_default(),
                };
                notes.push(TaskNote {
                    kind_label,
                    actor_name: names.get(&n.actor_id).cloned().unwrap_or_default(),
                    attachment_shas: n.attachment_list(),
                    kind: n.kind,
                    note: n.note,
                    progress: n.progress,
                    at: n.at,
                });
            }
        }
        let assignee_officer_name = match &row.assignee_officer_id {
            Some(o) => Some(self.officer_label(o).await?),
            None => None,
        };
        Ok(Task {
            attachment_shas: row.attachment_list(),
            state_label: state.label().to_string(),
            unit_name: self.unit_name(&row.unit_id).await?.unwrap_or_default(),
            assignee_unit_name: self
                .unit_name(&row.assignee_unit_id)
                .await?
                .unwrap_or_default(),
            assignee_officer_name,
            assigned_by_name: self.officer_label(&row.assigned_by).await?,
            overdue: due.is_some_and(|d| rules::is_overdue(state, d, today)),
            allowed_actions: rules::allowed(state)
                .into_iter()
                .map(|a| a.as_str().to_string())
                .collect(),
            notes,
            row,
        })
    }

    /// Gives a task to a unit or an officer of the actor's scope.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id))]
    pub async fn assign_task(&self, actor: &Actor, input: TaskInput) -> AppResult<Task> {
        actor.require(Permission::AssignTasks)?;
        let title = bounded("title", &input.title, 300, true)?;
        let description = bounded_text("description", &input.description, 10_000, false)?;
        let due = parse_day(&input.due_on)?;
        rules::check_due_on(due, legal_day(self.now()))?;
        if let Some(doc) = opt(&input.document_id) {
            // The document must be one the actor sees (404 otherwise, as for any unseen record).
            self.readable_document(actor, doc).await?;
        }
        let mut tx = self.db.begin(self.now()).await?;
        let (unit_id, officer_id) = self
            .task_assignee(&mut tx, actor, opt(&input.unit_id), opt(&input.officer_id))
            .await?;
        let attachments = self
            .require_files(&mut tx, actor, &input.attachments)
            .await?;
        let attachments_json = serde_json::to_string(&attachments).map_err(AppError::internal)?;
        let due_s = due.format("%Y-%m-%d").to_string();
        let row = store::insert(
            &mut tx,
            &NewTask {
                unit_id: &actor.unit_id,
                title: &title,
                description: &description,
                assignee_unit_id: &unit_id,
                assignee_officer_id: officer_id.as_deref(),
                due_on: &due_s,
                state: TaskState::Assigned.as_str(),
                attachments: &attachments_json,
                document_id: opt(&input.document_id),
                assigned_by: &actor.id,
            },
        )
        .await?;
        store::add_note(
            &mut tx,
            &row.id,
            "assign",
            &actor.id,
            &row.description,
            None,
            &attachments_json,
        )
        .await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "task.assign",
                entity_type: "task",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "task.changed",
                details: json!({"title": row.title, "assignee_unit_id": row.assignee_unit_id,
                    "assignee_officer_id": row.assignee_officer_id, "due_on": row.due_on,
                    "attachments": attachments, "document_id": row.document_id}),
            },
        )
        .await?;
        tx.commit().await?;
        self.task_view(row, true).await
    }

    /// Exactly one of a unit or an officer, active (else 400) and in the actor's scope (else
    /// 403). A task given to an officer belongs to their unit too (so its leaders follow it).
    async fn task_assignee(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        unit_id: Option<&str>,
        officer_id: Option<&str>,
    ) -> AppResult<(String, Option<String>)> {
        let unknown = |message: &str| AppError::bad_input("task.unknown_assignee", message);
        let (unit, officer) = match (unit_id, officer_id) {
            (Some(u), None) => match units::get_in(tx.conn(), u).await? {
                Some(unit) if unit.active() => (unit.id, None),
                _ => return Err(unknown("Đơn vị nhận việc không tồn tại hoặc đã sáp nhập.")),
            },
            (None, Some(o)) => match users::get_in(tx.conn(), o).await? {
                Some(officer) if officer.active != 0 => (officer.unit_id, Some(officer.id)),
                _ => return Err(unknown("Công chức nhận việc không tồn tại hoặc đã nghỉ.")),
            },
            _ => {
                return Err(AppError::bad_input(
                    "task.assignee_required",
                    "Chọn một đơn vị hoặc một công chức nhận việc.",
                ));
            }
        };
        if !units::in_subtree(tx.conn(), &actor.unit_id, &unit).await? {
            return Err(AppError::forbidden_scope());
        }
        Ok((unit, officer))
    }

    /// Tasks the actor sees, earliest deadline first. `to_me` keeps those they must work on;
    /// `overdue_only` those still with their assignee past the deadline. The cursor is the last
    /// item's `due_on|id`.
    #[allow(clippy::too_many_arguments)]
    pub async fn list_tasks(
        &self,
        actor: &Actor,
        to_me: bool,
        state: Option<&str>,
        overdue_only: bool,
        cursor: Option<&str>,
        limit: i64,
    ) -> AppResult<TaskPage> {
        actor.require(Permission::ViewTasks)?;
        let state = state
            .filter(|s| !s.is_empty())
            .map(TaskState::parse)
            .transpose()?;
        let limit = limit.clamp(1, 200);
        let today = legal_day(self.now()).format("%Y-%m-%d").to_string();
        let rows = store::visible(
            self.db.pool(),
            &actor.unit_id,
            &actor.id,
            &TaskFilter {
                state: state.map(|s| s.as_str()),
                due_before: overdue_only.then_some(today.as_str()),
                to_me,
            },
            cursor.and_then(|c| c.split_once('|')),
            limit + 1,
        )
        .await?;
        let more = rows.len() as i64 > limit;
        let mut items = Vec::new();
        for row in rows.into_iter().take(limit as usize) {
            items.push(self.task_view(row, false).await?);
        }
        let next_cursor = if more {
            items
                .last()
                .map(|t| format!("{}|{}", t.row.due_on, t.row.id))
        } else {
            None
        };
        Ok(TaskPage { items, next_cursor })
    }

    /// A task with its journal, if the actor sees it (else 404).
    pub async fn task(&self, actor: &Actor, id: &str) -> AppResult<Task> {
        actor.require(Permission::ViewTasks)?;
        let mut conn = self.db.pool().acquire().await.map_err(AppError::internal)?;
        if !store::visible_to(&mut conn, id, &actor.unit_id, &actor.id).await? {
            return Err(not_found());
        }
        let row = store::get_in(&mut conn, id).await?.ok_or_else(not_found)?;
        drop(conn);
        self.task_view(row, true).await
    }

    async fn may_take_task(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        row: &TaskRow,
        by: TaskBy,
    ) -> AppResult<bool> {
        let is_assignee = match &row.assignee_officer_id {
            Some(o) => o == &actor.id,
            None => units::in_subtree(tx.conn(), &actor.unit_id, &row.assignee_unit_id).await?,
        };
        Ok(match by {
            TaskBy::Assignee => actor.may(Permission::WorkOnTasks) && is_assignee,
            // The giving unit's leaders review; no one reviews work they were given themselves.
            TaskBy::Assigner => {
                actor.may(Permission::AssignTasks)
                    && row.assignee_officer_id.as_deref() != Some(actor.id.as_str())
                    && units::in_subtree(tx.conn(), &actor.unit_id, &row.unit_id).await?
            }
        })
    }

    /// The new holder and deadline of a reassigned task: a unit or officer of the actor's scope
    /// (else 403) or the present one, and a deadline not in the past or the present one; the
    /// same holder and deadline again is 400 `task.nothing_changed`.
    async fn task_reassignment(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        row: &TaskRow,
        input: &TaskActionInput,
    ) -> AppResult<Reassignment> {
        let (unit_id, officer_id) = match (opt(&input.unit_id), opt(&input.officer_id)) {
            (None, None) => (
                row.assignee_unit_id.clone(),
                row.assignee_officer_id.clone(),
            ),
            (unit, officer) => self.task_assignee(tx, actor, unit, officer).await?,
        };
        let due_on = match opt(&input.due_on) {
            Some(raw) => {
                let due = parse_day(raw)?;
                rules::check_due_on(due, legal_day(self.now()))?;
                due.format("%Y-%m-%d").to_string()
            }
            None => row.due_on.clone(),
        };
        if unit_id == row.assignee_unit_id
            && officer_id == row.assignee_officer_id
            && due_on == row.due_on
        {
            return Err(AppError::bad_input(
                "task.nothing_changed",
                "Chọn đơn vị hoặc công chức khác, hoặc hạn hoàn thành mới.",
            ));
        }
        let holder = match &officer_id {
            Some(o) => self.officer_label(o).await?,
            None => self.unit_name(&unit_id).await?.unwrap_or_default(),
        };
        let due_text = parse_date(&due_on)
            .map(format_date)
            .unwrap_or_else(|| due_on.clone());
        Ok(Reassignment {
            summary: format!("Giao cho {holder}, hạn {due_text}"),
            details: json!({
                "from": {"unit_id": row.assignee_unit_id, "officer_id": row.assignee_officer_id,
                    "due_on": row.due_on},
                "to": {"unit_id": unit_id, "officer_id": officer_id, "due_on": due_on},
            }),
            unit_id,
            officer_id,
            due_on,
        })
    }

    /// Takes a step. Unknown step: 404 `task.unknown_action`; a step the actor may not take:
    /// 403; one the state does not allow: 409 `task.invalid_transition`.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, task_id = %id))]
    pub async fn task_act(
        &self,
        actor: &Actor,
        id: &str,
        action: &str,
        input: TaskActionInput,
    ) -> AppResult<Task> {
        let action = TaskAction::parse(action).map_err(|_| {
            AppError::new(
                ErrorKind::NotFound,
                "task.unknown_action",
                "Không có thao tác này (progress, complete, accept, return, reassign, cancel).",
            )
        })?;
        let note = bounded_text("note", input.note.as_deref().unwrap_or(""), 5000, false)?;
        let reassigning = action == TaskAction::Reassign;
        if !reassigning
            && (opt(&input.unit_id).is_some()
                || opt(&input.officer_id).is_some()
                || opt(&input.due_on).is_some())
        {
            // Said so rather than ignored: a client must not believe it moved a deadline.
            return Err(AppError::bad_input(
                "task.reassign_only",
                "Người nhận và hạn mới chỉ đổi được bằng thao tác giao lại (reassign).",
            ));
        }
        let mut tx = self.db.begin(self.now()).await?;
        if !store::visible_to(tx.conn(), id, &actor.unit_id, &actor.id).await? {
            return Err(not_found());
        }
        let row = store::get_in(tx.conn(), id).await?.ok_or_else(not_found)?;
        let state = TaskState::parse(&row.state)?;
        if !self
            .may_take_task(&mut tx, actor, &row, rules::taken_by(action))
            .await?
        {
            return Err(AppError::forbidden());
        }
        let next = rules::transition(state, action)?;
        rules::check_note(action, &note)?;
        let progress = rules::progress_after(action, input.progress, row.progress)?;
        let attachments = self
            .require_files(&mut tx, actor, &input.attachments)
            .await?;
        let attachments_json = serde_json::to_string(&attachments).map_err(AppError::internal)?;
        let mut extra = serde_json::Value::Null;
        let mut journal_note = note.clone();
        let moved = if reassigning {
            let change = self.task_reassignment(&mut tx, actor, &row, &input).await?;
            journal_note = format!("{note}\n→ {}", change.summary);
            extra = change.details;
            store::reassign(
                &mut tx,
                &row.id,
                state.as_str(),
                &change.unit_id,
                change.officer_id.as_deref(),
                &change.due_on,
            )
            .await?
        } else {
            store::set_state(&mut tx, &row.id, state.as_str(), next.as_str(), progress).await?
        };
        if !moved {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "task.invalid_transition",
                "Công việc vừa được người khác cập nhật; hãy tải lại.",
            ));
        }
        let noted_progress =
            matches!(action, TaskAction::Progress | TaskAction::Complete).then_some(progress);
        store::add_note(
            &mut tx,
            &row.id,
            action.as_str(),
            &actor.id,
            &journal_note,
            noted_progress,
            &attachments_json,
        )
        .await?;
        let mut details = json!({"from": state.as_str(), "to": next.as_str(), "note": note,
            "progress": progress, "attachments": attachments});
        if reassigning {
            details["reassigned"] = extra;
        }
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: match action {
                    TaskAction::Progress => "task.progress",
                    TaskAction::Complete => "task.complete",
                    TaskAction::Accept => "task.accept",
                    TaskAction::Return => "task.return",
                    TaskAction::Reassign => "task.reassign",
                    TaskAction::Cancel => "task.cancel",
                },
                entity_type: "task",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "task.changed",
                details,
            },
        )
        .await?;
        let after = store::get_in(tx.conn(), &row.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        self.task_view(after, true).await
    }
}
