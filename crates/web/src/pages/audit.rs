//! The audit log page for leaders and auditors.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use qltt_domain::format::format_instant;
use qltt_store::parse_ts;
use serde::Deserialize;

use super::{Layout, PageActor, error_page, render};
use crate::AppState;

pub struct Line {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub details: String,
    pub hash: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    lines: Vec<Line>,
    entity: String,
    next: Option<i64>,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    entity: Option<String>,
    cursor: Option<i64>,
}

/// Vietnamese names of the actions, for people; the code stays visible for auditors.
fn action_label(action: &str) -> String {
    let label = match action {
        "unit.create" => "Thành lập đơn vị",
        "unit.rename" => "Đổi tên đơn vị",
        "unit.move" => "Điều chuyển đơn vị",
        "unit.merge" => "Sáp nhập đơn vị",
        "officer.create" => "Tạo tài khoản công chức",
        "officer.deactivate" => "Khóa tài khoản",
        "officer.reactivate" => "Mở khóa tài khoản",
        "auth.login" => "Đăng nhập",
        "auth.logout" => "Đăng xuất",
        "auth.token_create" => "Tạo khóa API",
        "auth.token_revoke" => "Thu hồi khóa API",
        _ => "",
    };
    if label.is_empty() {
        action.to_string()
    } else {
        format!("{label} ({action})")
    }
}

pub async fn log(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(q): Query<AuditQuery>,
) -> Response {
    let layout = Layout::for_actor(&state.app, &actor, "Nhật ký hệ thống", "/audit").await;
    let entity = q.entity.unwrap_or_default();
    let page = match state
        .app
        .audit_events(&actor, Some(&entity), q.cursor, 100)
        .await
    {
        Ok(p) => p,
        Err(e) => return error_page(layout, &e),
    };
    let mut names = std::collections::HashMap::new();
    let mut lines = Vec::new();
    for e in page.items {
        if !names.contains_key(&e.actor_id) {
            let name = state
                .app
                .officer_label(&e.actor_id)
                .await
                .unwrap_or_else(|_| e.actor_id.clone());
            names.insert(e.actor_id.clone(), name);
        }
        lines.push(Line {
            seq: e.seq,
            at: parse_ts(&e.at).map(format_instant).unwrap_or(e.at.clone()),
            actor: names.get(&e.actor_id).cloned().unwrap_or_default(),
            action: action_label(&e.action),
            entity: e.entity_type,
            entity_id: e.entity_id,
            details: e.details,
            hash: e.hash.chars().take(12).collect(),
        });
    }
    render(&AuditPage {
        layout,
        lines,
        entity,
        next: page.next_cursor,
    })
}
