//! The business register's pages: find, register, view with history, correct, import a file,
//! merge a duplicate.

pub mod import;
pub mod merge;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qltt_app::businesses::timeline::address_timeline;
use qltt_app::businesses::{Business, BusinessInput, BusinessPatch, HistoryEntry};
use qltt_app::{Actor, AppError};
use qltt_domain::business::BusinessKind;
use qltt_domain::format::{format_date, format_instant, parse_date};
use qltt_domain::officer::Permission;
use qltt_store::businesses::BusinessRow;
use qltt_store::parse_ts;
use serde::Deserialize;

use super::{Layout, PageActor, cases, error_page, render};
use crate::AppState;

#[derive(Template)]
#[template(path = "businesses.html")]
struct ListPage {
    layout: Layout,
    q: String,
    items: Vec<Business>,
    next: Option<String>,
    can_manage: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    cursor: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(q): Query<ListQuery>,
) -> Response {
    let layout = Layout::for_actor(&state.app, &actor, "Cơ sở kinh doanh", "/businesses").await;
    match state
        .app
        .search_businesses(&actor, &q.q, q.cursor.as_deref(), 50)
        .await
    {
        Ok(page) => render(&ListPage {
            layout,
            q: q.q,
            items: page.items,
            next: page.next_cursor,
            can_manage: actor.may(Permission::ManageBusinesses),
        }),
        Err(e) => error_page(layout, &e),
    }
}

/// The form's fields, as typed (kept on error so nothing is lost).
#[derive(Deserialize, Default, Clone)]
pub struct BusinessForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub tax_code: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub registration_no: String,
    #[serde(default)]
    pub registration_date: String,
    #[serde(default)]
    pub registration_issuer: String,
    #[serde(default)]
    pub representative: String,
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub commune: String,
    #[serde(default)]
    pub business_lines: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub risk_note: String,
    #[serde(default)]
    pub version: String,
}

impl BusinessForm {
    fn from_business(b: &Business) -> BusinessForm {
        let r = &b.row;
        BusinessForm {
            name: r.name.clone(),
            kind: r.kind.clone(),
            tax_code: r.tax_code.clone().unwrap_or_default(),
            address: r.address.clone(),
            unit_id: r.unit_id.clone(),
            registration_no: r.registration_no.clone(),
            registration_date: r
                .registration_date
                .as_deref()
                .and_then(parse_date)
                .map(format_date)
                .unwrap_or_default(),
            registration_issuer: r.registration_issuer.clone(),
            representative: r.representative.clone(),
            province: r.province.clone(),
            commune: r.commune.clone(),
            business_lines: r.business_lines.clone(),
            phone: r.phone.clone(),
            email: r.email.clone(),
            website: r.website.clone(),
            risk_note: r.risk_note.clone(),
            version: r.version.to_string(),
        }
    }

    fn input(&self) -> BusinessInput {
        BusinessInput {
            name: self.name.clone(),
            kind: self.kind.clone(),
            tax_code: Some(self.tax_code.clone()),
            address: self.address.clone(),
            unit_id: self.unit_id.clone(),
            registration_no: self.registration_no.clone(),
            registration_date: Some(self.registration_date.clone()),
            registration_issuer: self.registration_issuer.clone(),
            representative: self.representative.clone(),
            province: self.province.clone(),
            commune: self.commune.clone(),
            business_lines: self.business_lines.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            website: self.website.clone(),
            risk_note: self.risk_note.clone(),
        }
    }

    fn patch(&self) -> BusinessPatch {
        let i = self.input();
        BusinessPatch {
            version: self.version.parse().ok(),
            name: Some(i.name),
            kind: Some(i.kind),
            tax_code: i.tax_code,
            address: Some(i.address),
            unit_id: Some(i.unit_id),
            registration_no: Some(i.registration_no),
            registration_date: i.registration_date,
            registration_issuer: Some(i.registration_issuer),
            representative: Some(i.representative),
            province: Some(i.province),
            commune: Some(i.commune),
            business_lines: Some(i.business_lines),
            phone: Some(i.phone),
            email: Some(i.email),
            website: Some(i.website),
            risk_note: Some(i.risk_note),
        }
    }
}

#[derive(Template)]
#[template(path = "business_form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    heading: String,
    form: BusinessForm,
    units: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    error_field: String,
}

async fn form_page(
    state: &AppState,
    actor: &Actor,
    action: String,
    heading: &str,
    form: BusinessForm,
    error: Option<AppError>,
) -> Response {
    let layout = Layout::for_actor(&state.app, actor, heading, "/businesses").await;
    if !actor.may(Permission::ManageBusinesses) {
        return error_page(layout, &AppError::forbidden());
    }
    let units = match state.app.units_in_scope(actor).await {
        Ok(u) => u
            .into_iter()
            .filter(|u| u.active())
            .map(|u| (u.id, format!("{} ({})", u.name, u.code)))
            .collect(),
        Err(e) => return error_page(layout, &e),
    };
    let status = error
        .as_ref()
        .map(|e| crate::error::status_of(e.kind))
        .unwrap_or(StatusCode::OK);
    let page = FormPage {
        layout,
        action,
        heading: heading.to_string(),
        form,
        units,
        kinds: BusinessKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        error_field: error
            .as_ref()
            .and_then(|e| e.field)
            .unwrap_or("")
            .to_string(),
        error: error.map(|e| e.message),
    };
    (status, render(&page)).into_response()
}

pub async fn new_form(State(state): State<AppState>, PageActor(actor): PageActor) -> Response {
    // The officer's own unit is the usual area; households are the usual kind.
    let form = BusinessForm {
        unit_id: actor.unit_id.clone(),
        kind: "household".into(),
        ..BusinessForm::default()
    };
    form_page(
        &state,
        &actor,
        "/businesses".into(),
        "Đăng ký cơ sở kinh doanh",
        form,
        None,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(f): Form<BusinessForm>,
) -> Response {
    match state.app.register_business(&actor, f.input()).await {
        Ok(b) => Redirect::to(&format!("/businesses/{}?saved=1", b.row.id)).into_response(),
        Err(e) => {
            form_page(
                &state,
                &actor,
                "/businesses".into(),
                "Đăng ký cơ sở kinh doanh",
                f,
                Some(e),
            )
            .await
        }
    }
}

pub struct HistoryLine {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub changes: Vec<(String, String, String)>,
}

fn field_label(field: &str) -> &str {
    match field {
        "name" => "Tên",
        "kind" => "Loại hình",
        "tax_code" => "Mã số thuế",
        "address" => "Địa chỉ",
        "unit_id" => "Đơn vị quản lý địa bàn",
        "registration_no" => "Số GCN đăng ký",
        "registration_date" => "Ngày cấp",
        "registration_issuer" => "Nơi cấp",
        "representative" => "Chủ cơ sở / người đại diện",
        "province" => "Tỉnh/thành phố",
        "commune" => "Xã/phường",
        "business_lines" => "Ngành nghề",
        "phone" => "Điện thoại",
        "email" => "Thư điện tử",
        "website" => "Trang web",
        "risk_note" => "Ghi chú rủi ro",
        "unit_code" => "Mã đơn vị",
        other => other,
    }
}

fn show(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::String(s) if s.is_empty() => "—".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One address in the business's timeline, newest first.
pub struct AddressLine {
    pub since: String,
    pub address: String,
    pub how: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "business.html")]
struct DetailPage {
    layout: Layout,
    b: Business,
    registration_date: String,
    history: Vec<HistoryLine>,
    addresses: Vec<AddressLine>,
    /// For a merged record: the live record it stands for now (id, name).
    survivor: Option<(String, String)>,
    /// Records merged into this one.
    duplicates: Vec<BusinessRow>,
    can_manage: bool,
    /// The business's cases over time (inspections, violations, decisions): id, summary, state,
    /// opened on.
    cases: Vec<cases::Row>,
    can_open_case: bool,
    /// The commitments (cam kết) the business signed.
    commitments: Vec<qltt_app::commitments::Commitment>,
}

#[derive(Deserialize)]
pub struct DetailQuery {
    saved: Option<String>,
    merged: Option<String>,
}

/// What an audit event did, in words, and the field changes to list under it.
fn describe(h: &HistoryEntry) -> (String, Vec<(String, String, String)>) {
    let changes = |m: &serde_json::Value| -> Vec<(String, String, String)> {
        m.as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "search_text" | "imported"))
                    .map(|(k, v)| (field_label(k).to_string(), show(&v["from"]), show(&v["to"])))
                    .collect()
            })
            .unwrap_or_default()
    };
    let name = |who: &str| show(&h.changes[who]["name"]);
    match h.action.as_str() {
        "business.create" if h.changes["imported"] == serde_json::Value::Bool(true) => {
            ("Đăng ký vào sổ (nhập từ tệp)".into(), Vec::new())
        }
        "business.create" => ("Đăng ký vào sổ".into(), Vec::new()),
        "business.update" if h.changes["imported"] == serde_json::Value::Bool(true) => {
            ("Cập nhật (nhập từ tệp)".into(), changes(&h.changes))
        }
        "business.update" => ("Cập nhật".into(), changes(&h.changes)),
        "business.merge" => (
            format!("Gộp vào hồ sơ “{}” (hồ sơ trùng)", name("survivor")),
            Vec::new(),
        ),
        "business.merge_in" => (
            format!("Nhận gộp hồ sơ trùng “{}”", name("duplicate")),
            changes(&h.changes["filled"]),
        ),
        other => (other.to_string(), Vec::new()),
    }
}

pub async fn detail(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Response {
    let app = &state.app;
    let mut layout = Layout::for_actor(app, &actor, "Cơ sở kinh doanh", "/businesses").await;
    let result: Result<DetailPage, AppError> = async {
        let b = app.business(&actor, &id).await?;
        let entries = app.business_history(&actor, &id).await?;
        let mut history = Vec::new();
        for h in &entries {
            let (action, changes) = describe(h);
            history.push(HistoryLine {
                at: when(&h.at),
                actor: app.officer_label(&h.actor_id).await?,
                action,
                changes,
            });
        }
        let steps = address_timeline(&entries);
        let last = steps.len().saturating_sub(1);
        let mut addresses = Vec::new();
        for (i, s) in steps.into_iter().enumerate().rev() {
            let verb = match s.action.as_str() {
                "business.create" if i == 0 => "đăng ký",
                "business.merge_in" => "bổ sung khi gộp hồ sơ",
                _ => "cập nhật",
            };
            let source = if s.imported {
                ", nhập từ tệp"
            } else {
                ""
            };
            addresses.push(AddressLine {
                since: when(&s.at),
                how: format!("{verb}{source} — {}", app.officer_label(&s.actor_id).await?),
                address: s.address,
                current: i == last,
            });
        }
        let survivor = match &b.survivor_id {
            Some(sid) => Some((sid.clone(), app.business(&actor, sid).await?.row.name)),
            None => None,
        };
        let duplicates = app.merged_duplicates(&actor, &id).await?;
        let case_page = app.list_cases(&actor, None, Some(&id), None, 100).await?;
        let commitments = app.commitments_of_business(&actor, &id).await?;
        Ok(DetailPage {
            commitments,
            cases: case_page.items.iter().map(cases::row).collect(),
            can_open_case: actor.may(Permission::HandleCases),
            layout: Layout::anonymous(""),
            registration_date: b
                .row
                .registration_date
                .as_deref()
                .and_then(parse_date)
                .map(format_date)
                .unwrap_or_default(),
            b,
            history,
            addresses,
            survivor,
            duplicates,
            can_manage: actor.may(Permission::ManageBusinesses),
        })
    }
    .await;
    match result {
        Ok(mut p) => {
            if q.saved.is_some() {
                layout.flash = Some("Đã lưu.".into());
            }
            if q.merged.is_some() {
                layout.flash = Some("Đã gộp hồ sơ trùng vào hồ sơ này.".into());
            }
            layout.title = p.b.row.name.clone();
            p.layout = layout;
            render(&p)
        }
        Err(e) => error_page(layout, &e),
    }
}

fn when(at: &str) -> String {
    parse_ts(at)
        .map(format_instant)
        .unwrap_or_else(|_| at.to_string())
}

pub async fn edit_form(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Response {
    match state.app.business(&actor, &id).await {
        Ok(b) => {
            let form = BusinessForm::from_business(&b);
            form_page(
                &state,
                &actor,
                format!("/businesses/{id}/edit"),
                "Sửa hồ sơ cơ sở",
                form,
                None,
            )
            .await
        }
        Err(e) => error_page(
            Layout::for_actor(&state.app, &actor, "Cơ sở kinh doanh", "/businesses").await,
            &e,
        ),
    }
}

pub async fn update(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(f): Form<BusinessForm>,
) -> Response {
    match state.app.correct_business(&actor, &id, f.patch()).await {
        Ok(_) => Redirect::to(&format!("/businesses/{id}?saved=1")).into_response(),
        Err(e) => {
            form_page(
                &state,
                &actor,
                format!("/businesses/{id}/edit"),
                "Sửa hồ sơ cơ sở",
                f,
                Some(e),
            )
            .await
        }
    }
}
