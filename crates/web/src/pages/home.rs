//! Home: who the officer is and what their unit is.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use qltt_domain::format::{format_date, legal_day};
use qltt_domain::officer::Rank;
use qltt_domain::org::UnitKind;

use super::{Layout, PageActor, error_page, render};
use crate::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    today: String,
    full_name: String,
    username: String,
    roles: Vec<String>,
    rank: String,
    unit_name: String,
    unit_kind: String,
    /// Parents of the home unit, nearest first.
    chain: Vec<String>,
    units_in_scope: usize,
    officers_in_scope: i64,
    merged_in: Vec<String>,
    /// The work queues fragment (also served alone at `/queues` for live refresh).
    queues_html: String,
}

pub async fn home(State(state): State<AppState>, PageActor(actor): PageActor) -> Response {
    let app = &state.app;
    let layout = Layout::for_actor(app, &actor, "Trang chủ", "/").await;
    let result: Result<HomePage, qltt_app::AppError> = async {
        let me = app.officer(&actor, &actor.id).await?;
        let scope = app.units_in_scope(&actor).await?;
        let unit = app.unit(&actor, &actor.unit_id).await?.unit;
        // Parent chain for context ("Tổ công tác đảo Cô Tô › Đội số 4 › Chi cục Quảng Ninh").
        let chain = app.ancestor_names(&unit.id).await?;
        let officers_in_scope = app.officer_count(&actor).await?;
        let merged_in = scope
            .iter()
            .filter(|u| u.merged_into.as_deref() == Some(actor.unit_id.as_str()))
            .map(|u| u.name.clone())
            .collect();
        Ok(HomePage {
            layout: Layout::anonymous(""),
            today: format_date(legal_day(app.now())),
            full_name: me.full_name,
            username: me.username,
            roles: me.roles.iter().map(|r| r.label().to_string()).collect(),
            rank: me
                .rank
                .as_deref()
                .and_then(|r| Rank::parse(r).ok())
                .map(|r| r.label().to_string())
                .unwrap_or_else(|| "—".into()),
            unit_kind: UnitKind::parse(&unit.kind)
                .map(|k| k.label())
                .unwrap_or("")
                .to_string(),
            unit_name: unit.name,
            chain,
            units_in_scope: scope.iter().filter(|u| u.active()).count(),
            officers_in_scope,
            merged_in,
            queues_html: {
                use askama::Template;
                let q = app.work_queues(&actor).await?;
                super::cases::queues::fragment(&q)
                    .render()
                    .map_err(qltt_app::AppError::internal)?
            },
        })
    }
    .await;
    match result {
        Ok(mut page) => {
            page.layout = layout;
            render(&page)
        }
        Err(e) => error_page(layout, &e),
    }
}
