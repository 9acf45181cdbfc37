//! Commitment pages (cam kết): the campaigns the officer sees with a form to open one, and a
//! campaign's page with how many businesses of each team signed, the signatures, a form to record
//! one (find the business first) and a withdraw button.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qltt_app::businesses::Business;
use qltt_app::commitments::{
    Campaign, CampaignDetail, CampaignInput, CommitmentInput, WithdrawInput,
};
use qltt_app::{Actor, AppError, ErrorKind};
use qltt_domain::format::legal_day;
use qltt_domain::officer::Permission;
use serde::Deserialize;

use super::{Layout, PageActor, error_page, render};
use crate::AppState;

const TITLE: &str = "Cam kết";
const HREF: &str = "/commitments";

fn status_of(e: &Option<AppError>) -> StatusCode {
    e.as_ref()
        .map(|e| crate::error::status_of(e.kind))
        .unwrap_or(StatusCode::OK)
}

#[derive(Deserialize, Default)]
pub struct CampaignForm {
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
}

#[derive(Template)]
#[template(path = "commitments.html")]
struct ListPage {
    layout: Layout,
    items: Vec<Campaign>,
    next: Option<String>,
    can_create: bool,
    units: Vec<(String, String)>,
    form: CampaignForm,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
}

async fn list_page(
    state: &AppState,
    actor: &Actor,
    cursor: Option<&str>,
    form: CampaignForm,
    error: Option<AppError>,
) -> Response {
    let app = &state.app;
    let layout = Layout::for_actor(app, actor, TITLE, HREF).await;
    let page = match app.list_commitment_campaigns(actor, cursor, 50).await {
        Ok(p) => p,
        Err(e) => return error_page(layout, &e),
    };
    let can_create = actor.may(Permission::RunCommitmentCampaigns);
    let units = if can_create {
        match app.units_in_scope(actor).await {
            Ok(u) => u
                .into_iter()
                .filter(|u| u.active())
                .map(|u| (u.id, u.name))
                .collect(),
            Err(e) => return error_page(layout, &e),
        }
    } else {
        Vec::new()
    };
    let status = status_of(&error);
    let p = ListPage {
        layout,
        items: page.items,
        next: page.next_cursor,
        can_create,
        units,
        form,
        error: error.map(|e| e.message),
    };
    (status, render(&p)).into_response()
}

pub async fn list(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(q): Query<ListQuery>,
) -> Response {
    let form = CampaignForm {
        unit_id: actor.unit_id.clone(),
        starts_on: legal_day(state.app.now()).format("%Y-%m-%d").to_string(),
        ..CampaignForm::default()
    };
    list_page(&state, &actor, q.cursor.as_deref(), form, None).await
}

pub async fn create(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(f): Form<CampaignForm>,
) -> Response {
    let input = CampaignInput {
        unit_id: f.unit_id.clone(),
        name: f.name.clone(),
        content: f.content.clone(),
        starts_on: f.starts_on.clone(),
        ends_on: Some(f.ends_on.clone()),
    };
    match state.app.create_commitment_campaign(&actor, input).await {
        Ok(c) => Redirect::to(&format!("/commitments/{}?created=1", c.row.id)).into_response(),
        Err(e) => list_page(&state, &actor, None, f, Some(e)).await,
    }
}

#[derive(Template)]
#[template(path = "commitment.html")]
struct DetailPage {
    layout: Layout,
    d: CampaignDetail,
    can_record: bool,
    /// The search for a business to record.
    q: String,
    searched: bool,
    candidates: Vec<Business>,
    /// The business chosen for the signature form (id, name).
    chosen: Option<(String, String)>,
    form: SignForm,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct DetailQuery {
    q: Option<String>,
    business_id: Option<String>,
    created: Option<String>,
    saved: Option<String>,
    existing: Option<String>,
    withdrawn: Option<String>,
}

/// The campaign page's forms: `op` = `sign` (record a signature) or `withdraw`.
#[derive(Deserialize, Default)]
pub struct SignForm {
    #[serde(default)]
    op: String,
    #[serde(default)]
    business_id: String,
    #[serde(default)]
    signed_on: String,
    #[serde(default)]
    signed_by_name: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    commitment_id: String,
    #[serde(default)]
    reason: String,
}

async fn detail_page(
    state: &AppState,
    actor: &Actor,
    id: &str,
    q: DetailQuery,
    mut form: SignForm,
    error: Option<AppError>,
) -> Response {
    let app = &state.app;
    let mut layout = Layout::for_actor(app, actor, TITLE, HREF).await;
    let d = match app.commitment_campaign(actor, id).await {
        Ok(d) => d,
        Err(e) => return error_page(layout, &e),
    };
    layout.title = d.campaign.row.name.clone();
    layout.flash = if q.created.is_some() {
        Some("Đã tạo đợt cam kết.".into())
    } else if q.saved.is_some() {
        Some("Đã ghi nhận cơ sở ký cam kết.".into())
    } else if q.existing.is_some() {
        Some("Cơ sở này đã ký cam kết trong đợt; không ghi thêm.".into())
    } else if q.withdrawn.is_some() {
        Some("Đã ghi nhận cơ sở rút cam kết.".into())
    } else {
        None
    };
    let can_record = actor.may(Permission::ManageCommitments);
    let mut error = error.map(|e| e.message);
    let mut candidates = Vec::new();
    let mut chosen = None;
    let searched = q.q.is_some();
    let query = q.q.unwrap_or_default();
    if can_record {
        let business_id = q
            .business_id
            .filter(|b| !b.is_empty())
            .or_else(|| (!form.business_id.is_empty()).then(|| form.business_id.clone()));
        if let Some(bid) = business_id {
            match app.business(actor, &bid).await {
                Ok(b) => {
                    if form.signed_by_name.is_empty() {
                        form.signed_by_name = b.row.representative.clone();
                    }
                    chosen = Some((b.row.id, b.row.name));
                }
                Err(e) => error = error.or(Some(e.message)),
            }
        } else if !query.trim().is_empty() {
            match app.search_businesses(actor, &query, None, 20).await {
                Ok(p) => candidates = p.items,
                Err(e) => error = error.or(Some(e.message)),
            }
        }
        if form.signed_on.is_empty() {
            form.signed_on = legal_day(app.now()).format("%Y-%m-%d").to_string();
        }
    }
    render(&DetailPage {
        layout,
        d,
        can_record,
        q: query,
        searched,
        candidates,
        chosen,
        form,
        error,
    })
}

pub async fn detail(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Response {
    detail_page(&state, &actor, &id, q, SignForm::default(), None).await
}

pub async fn act(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(f): Form<SignForm>,
) -> Response {
    let app = &state.app;
    let result = match f.op.as_str() {
        "withdraw" => app
            .withdraw_commitment(
                &actor,
                &f.commitment_id,
                WithdrawInput {
                    reason: f.reason.clone(),
                },
            )
            .await
            .map(|_| "withdrawn"),
        "sign" => app
            .record_commitment(
                &actor,
                &id,
                CommitmentInput {
                    business_id: f.business_id.clone(),
                    signed_on: f.signed_on.clone(),
                    signed_by_name: f.signed_by_name.clone(),
                    note: f.note.clone(),
                },
            )
            .await
            .map(|(_, created)| if created { "saved" } else { "existing" }),
        _ => Err(AppError::bad_input(
            "request.invalid_body",
            "Thao tác không hợp lệ.",
        )),
    };
    match result {
        Ok(flag) => Redirect::to(&format!("/commitments/{id}?{flag}=1")).into_response(),
        Err(e) if matches!(e.kind, ErrorKind::Forbidden | ErrorKind::NotFound) => {
            error_page(Layout::for_actor(app, &actor, TITLE, HREF).await, &e)
        }
        Err(e) => {
            let status = crate::error::status_of(e.kind);
            let q = DetailQuery::default();
            let mut resp = detail_page(&state, &actor, &id, q, f, Some(e)).await;
            if resp.status() == StatusCode::OK {
                *resp.status_mut() = status;
            }
            resp
        }
    }
}
