//! Tasks (giao việc): `GET/POST /api/v1/tasks`, `GET /api/v1/tasks/{id}` and
//! `POST /api/v1/tasks/{id}/actions/{action}` (progress, complete, accept, return).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use qltt_app::tasks::{Task, TaskActionInput, TaskInput, TaskPage};
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Authed};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TaskQuery {
    /// `true`: only the tasks given to me or to a unit of my scope (not those my scope gave).
    pub to_me: Option<bool>,
    /// One state (assigned, in_progress, submitted, done).
    pub state: Option<String>,
    /// `true`: only those still with their assignee past the deadline.
    pub overdue: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The tasks given by or to the caller's scope and those given to them, earliest deadline first.
#[utoipa::path(operation_id = "tasks_list", get, path = "/api/v1/tasks", params(TaskQuery),
    responses((status = 200, body = TaskPage), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiQuery(q): ApiQuery<TaskQuery>,
) -> ApiResult<Json<TaskPage>> {
    Ok(Json(
        state
            .app
            .list_tasks(
                &actor,
                q.to_me.unwrap_or(false),
                q.state.as_deref(),
                q.overdue.unwrap_or(false),
                q.cursor.as_deref(),
                q.limit.unwrap_or(50),
            )
            .await?,
    ))
}

/// Gives a task to a unit or an officer of the caller's scope (leaders), with a deadline.
#[utoipa::path(operation_id = "tasks_assign", post, path = "/api/v1/tasks", request_body = TaskInput,
    responses((status = 201, body = Task), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Authed(actor): Authed,
    ApiJson(input): ApiJson<TaskInput>,
) -> ApiResult<(StatusCode, Json<Task>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.assign_task(&actor, input).await?),
    ))
}

/// A task with its journal (progress notes, files, completion, review).
#[utoipa::path(operation_id = "tasks_get_one", get, path = "/api/v1/tasks/{id}", params(("id" = String, Path)),
    responses((status = 200, body = Task), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Task>> {
    Ok(Json(state.app.task(&actor, &id).await?))
}

/// A step: `progress` (assignee: note, progress 0–100, attachments), `complete` (assignee),
/// `accept` or `return` with a note (a leader of the giving unit). 409 `task.invalid_transition`
/// when the state does not allow it.
#[utoipa::path(operation_id = "tasks_act", post, path = "/api/v1/tasks/{id}/actions/{action}",
    params(("id" = String, Path), ("action" = String, Path)), request_body = TaskActionInput,
    responses((status = 200, body = Task), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Path((id, action)): Path<(String, String)>,
    ApiJson(input): ApiJson<TaskActionInput>,
) -> ApiResult<Json<Task>> {
    Ok(Json(state.app.task_act(&actor, &id, &action, input).await?))
}
