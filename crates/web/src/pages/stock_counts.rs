//! Stock count pages: open a count from the warehouses page, count each lot on the phone in the
//! aisle (one small form per lot), close, and — when something differs — the leader's
//! explanation of each difference. The same use cases as `/api/v1/stock-counts`.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qltt_app::exhibits::{
    CloseCountInput, CountLineInput, ExplainInput, LineExplanation, OpenCountInput, StockCount,
};
use qltt_app::{Actor, AppError};
use qltt_domain::format::format_instant;
use qltt_domain::officer::Permission;

use super::{Layout, PageActor, error_page, render};
use crate::AppState;

const TITLE: &str = "Kiểm kê kho";
const HREF: &str = "/exhibits";

#[derive(Template)]
#[template(path = "stock_count.html")]
struct CountPage {
    layout: Layout,
    c: StockCount,
    opened_at: String,
    may_count: bool,
    may_explain: bool,
    error: Option<String>,
}

async fn page(state: &AppState, actor: &Actor, id: &str, error: Option<AppError>) -> Response {
    let app = &state.app;
    let layout = Layout::for_actor(app, actor, TITLE, HREF).await;
    let c = match app.stock_count(actor, id).await {
        Ok(c) => c,
        Err(e) => return error_page(layout, &e),
    };
    let status = error
        .as_ref()
        .map_or(StatusCode::OK, |e| crate::error::status_of(e.kind));
    let p = CountPage {
        layout,
        opened_at: qltt_store::parse_ts(&c.row.opened_at)
            .map(format_instant)
            .unwrap_or_default(),
        may_count: c.row.status == "open" && actor.may(Permission::MoveExhibits),
        may_explain: c.row.status == "discrepancy" && actor.may(Permission::ManageWarehouses),
        c,
        error: error.map(|e| e.message),
    };
    (status, render(&p)).into_response()
}

pub async fn show(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Response {
    page(&state, &actor, &id, None).await
}

/// `op` = count (one lot: `exhibit_id`, `counted`, `note`), close, or explain
/// (`explanation_<exhibit id>` per differing lot).
pub async fn act(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let app = &state.app;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let version = get("version").parse::<i64>().ok();
    let result = match get("op").as_str() {
        "count" => app
            .record_stock_count_line(
                &actor,
                &id,
                CountLineInput {
                    exhibit_id: get("exhibit_id"),
                    counted: serde_json::Value::String(get("counted")),
                    note: Some(get("note")).filter(|n| !n.trim().is_empty()),
                },
            )
            .await
            .map(|_| ()),
        "close" => app
            .close_stock_count(&actor, &id, CloseCountInput { version })
            .await
            .map(|_| ()),
        "explain" => {
            let explanations = f
                .iter()
                .filter_map(|(k, v)| {
                    k.strip_prefix("explanation_").map(|lot| LineExplanation {
                        exhibit_id: lot.to_string(),
                        explanation: v.clone(),
                    })
                })
                .collect();
            app.explain_stock_count(
                &actor,
                &id,
                ExplainInput {
                    explanations,
                    version,
                },
            )
            .await
            .map(|_| ())
        }
        _ => Err(AppError::bad_input(
            "request.invalid_form",
            "Thao tác không hợp lệ.",
        )),
    };
    match result {
        // Back to the list of lots, at the next one to count.
        Ok(()) => Redirect::to(&format!("/stock-counts/{id}")).into_response(),
        Err(e) => page(&state, &actor, &id, Some(e)).await,
    }
}

/// Opens a count from the warehouses page.
pub async fn open(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(warehouse_id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let note = f.get("note").cloned().filter(|n| !n.trim().is_empty());
    match state
        .app
        .open_stock_count(&actor, &warehouse_id, OpenCountInput { note })
        .await
    {
        Ok(c) => Redirect::to(&format!("/stock-counts/{}", c.row.id)).into_response(),
        Err(e) => error_page(Layout::for_actor(&state.app, &actor, TITLE, HREF).await, &e),
    }
}
