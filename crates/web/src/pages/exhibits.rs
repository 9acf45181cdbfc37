//! Exhibit pages: the lots of the officer's scope (with the overdue-seizure queue), a lot's page
//! with its custody timeline beside the camera recordings that show each move and a form for the
//! next move, the warehouses with their cameras, and the files (photos) behind the records.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qltt_app::exhibits::{
    CameraInput, Custody, Exhibit, ExhibitQuery, LocationInput, MoveInput, WarehouseInput,
};
use qltt_app::{Actor, AppError, ErrorKind};
use qltt_domain::exhibit::MoveKind;
use qltt_domain::officer::Permission;
use qltt_store::warehouses::{CameraRow, WarehouseRow};
use serde::Deserialize;

use super::{Layout, PageActor, error_page, render};
use crate::AppState;

const TITLE: &str = "Tang vật";
const HREF: &str = "/exhibits";

#[derive(Template)]
#[template(path = "exhibits.html")]
struct ListPage {
    layout: Layout,
    items: Vec<Exhibit>,
    /// "" (all), "overdue", "to_return", or a status code.
    filter: String,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    filter: String,
}

pub async fn list(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(q): Query<ListQuery>,
) -> Response {
    let app = &state.app;
    let layout = Layout::for_actor(app, &actor, TITLE, HREF).await;
    let query = match q.filter.as_str() {
        "" => ExhibitQuery::default(),
        "overdue" => ExhibitQuery {
            overdue: Some(true),
            ..Default::default()
        },
        "to_return" => ExhibitQuery {
            to_return: Some(true),
            ..Default::default()
        },
        s => ExhibitQuery {
            status: Some(s.to_string()),
            ..Default::default()
        },
    };
    match app.list_exhibits(&actor, &query).await {
        Ok(items) => render(&ListPage {
            layout,
            items,
            filter: q.filter,
        }),
        Err(e) => error_page(layout, &e),
    }
}

#[derive(Template)]
#[template(path = "exhibit.html")]
struct DetailPage {
    layout: Layout,
    c: Custody,
    /// Moves this officer may record now: (code, label).
    moves: Vec<(&'static str, &'static str)>,
    warehouses: Vec<WarehouseRow>,
    cameras: Vec<CameraRow>,
    form: MoveForm,
    error: Option<String>,
}

impl DetailPage {
    /// A camera recording's bound ("2026-03-05T07:10:00Z" in the event) as officers read it:
    /// "05/03/2026 14:10", Vietnamese local time; left as stored when it is not a timestamp.
    fn when(&self, stored: &str) -> String {
        qltt_store::parse_ts(stored)
            .map(qltt_domain::format::format_instant)
            .unwrap_or_else(|_| stored.to_string())
    }
}

/// The move form (all text, as a phone sends it).
#[derive(Deserialize, Default, Clone)]
pub struct MoveForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    handed_over_by: String,
    #[serde(default)]
    received_by: String,
    #[serde(default)]
    warehouse_id: String,
    #[serde(default)]
    zone: String,
    #[serde(default)]
    shelf: String,
    #[serde(default)]
    condition: String,
    #[serde(default)]
    counterparty: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    camera_id: String,
    #[serde(default)]
    camera_from: String,
    #[serde(default)]
    camera_to: String,
    #[serde(default)]
    camera_url: String,
    #[serde(default)]
    version: String,
}

#[derive(Deserialize, Default)]
pub struct DetailQuery {
    moved: Option<String>,
}

async fn detail_page(
    state: &AppState,
    actor: &Actor,
    id: &str,
    flash: Option<String>,
    mut form: MoveForm,
    error: Option<AppError>,
) -> Response {
    let app = &state.app;
    let mut layout = Layout::for_actor(app, actor, TITLE, HREF).await;
    let c = match app.custody(actor, id).await {
        Ok(c) => c,
        Err(e) => return error_page(layout, &e),
    };
    layout.title = format!("Lô {}", c.exhibit.row.lot_no);
    layout.flash = flash;
    let moves = c
        .exhibit
        .allowed_moves
        .iter()
        .filter_map(|m| MoveKind::parse(m).ok())
        .filter(|k| {
            actor.may(match k {
                MoveKind::Destroy | MoveKind::Sell => Permission::DisposeExhibits,
                _ => Permission::MoveExhibits,
            })
        })
        .map(|k| (k.as_str(), k.label()))
        .collect();
    let warehouses = app.list_warehouses(actor).await.unwrap_or_default();
    let mut cameras = Vec::new();
    for w in &warehouses {
        cameras.extend(
            app.warehouse_cameras(actor, &w.id)
                .await
                .unwrap_or_default(),
        );
    }
    if form.handed_over_by.is_empty() && form.received_by.is_empty() {
        form.received_by = actor.full_name.clone();
    }
    form.version = c.exhibit.row.version.to_string();
    let status = error
        .as_ref()
        .map(|e| crate::error::status_of(e.kind))
        .unwrap_or(StatusCode::OK);
    let page = DetailPage {
        layout,
        c,
        moves,
        warehouses,
        cameras,
        form,
        error: error.map(|e| e.message),
    };
    (status, render(&page)).into_response()
}

pub async fn detail(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Response {
    let flash = q.moved.map(|_| "Đã ghi nhận giao nhận.".to_string());
    detail_page(&state, &actor, &id, flash, MoveForm::default(), None).await
}

/// The lot a label's QR code names.
pub async fn by_lot(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(lot_no): Path<String>,
) -> Response {
    match state.app.exhibit_by_lot_no(&actor, &lot_no).await {
        Ok(e) => Redirect::to(&format!("/exhibits/{}", e.row.id)).into_response(),
        Err(e) => error_page(Layout::for_actor(&state.app, &actor, TITLE, HREF).await, &e),
    }
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A `datetime-local` value (Việt Nam time) as RFC 3339.
fn local_instant(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let with_seconds = if t.len() == 16 {
        format!("{t}:00")
    } else {
        t.to_string()
    };
    Some(format!("{with_seconds}+07:00"))
}

pub async fn record_move(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(f): Form<MoveForm>,
) -> Response {
    let cameras = match (non_empty(&f.camera_id), local_instant(&f.camera_from)) {
        (Some(camera_id), Some(from)) => vec![qltt_app::exhibits::CameraRefInput {
            camera_id,
            to: local_instant(&f.camera_to).unwrap_or_else(|| from.clone()),
            from,
            url: non_empty(&f.camera_url),
            ..Default::default()
        }],
        _ => Vec::new(),
    };
    let input = MoveInput {
        kind: f.kind.clone(),
        quantity: non_empty(&f.quantity).map(serde_json::Value::String),
        occurred_at: None,
        handed_over_by: f.handed_over_by.clone(),
        received_by: f.received_by.clone(),
        to: non_empty(&f.warehouse_id).map(|w| LocationInput {
            warehouse_id: w,
            zone: non_empty(&f.zone),
            shelf: non_empty(&f.shelf),
        }),
        condition: non_empty(&f.condition),
        note: non_empty(&f.note),
        photos: Vec::new(),
        cameras,
        council: Vec::new(),
        minutes_sha256: None,
        counterparty: non_empty(&f.counterparty),
        version: f.version.trim().parse().ok(),
    };
    match state.app.move_exhibit(&actor, &id, input).await {
        Ok(e) => Redirect::to(&format!("/exhibits/{}?moved=1", e.row.id)).into_response(),
        Err(e) if matches!(e.kind, ErrorKind::Forbidden | ErrorKind::NotFound) => {
            error_page(Layout::for_actor(&state.app, &actor, TITLE, HREF).await, &e)
        }
        Err(e) => detail_page(&state, &actor, &id, None, f, Some(e)).await,
    }
}

#[derive(Template)]
#[template(path = "warehouses.html")]
struct WarehousesPage {
    layout: Layout,
    /// A warehouse, its cameras, its recent counts, whether one of them is still open.
    items: Vec<(WarehouseRow, Vec<CameraRow>, Vec<CountRef>, bool)>,
    can_manage: bool,
    /// Keepers and case officers open and record counts.
    can_count: bool,
    units: Vec<(String, String)>,
    error: Option<String>,
}

/// A recent count of a warehouse: id, when it opened (dd/mm/yyyy HH:MM), status label.
pub struct CountRef {
    id: String,
    opened: String,
    status: String,
    open: bool,
}

#[derive(Deserialize, Default)]
pub struct WarehouseForm {
    #[serde(default)]
    op: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    warehouse_id: String,
    #[serde(default)]
    zone: String,
    #[serde(default)]
    description: String,
}

async fn warehouses_page(state: &AppState, actor: &Actor, error: Option<AppError>) -> Response {
    let app = &state.app;
    let layout = Layout::for_actor(app, actor, "Kho tang vật", HREF).await;
    let rows = match app.list_warehouses(actor).await {
        Ok(r) => r,
        Err(e) => return error_page(layout, &e),
    };
    let mut items = Vec::new();
    for w in rows {
        let cams = app
            .warehouse_cameras(actor, &w.id)
            .await
            .unwrap_or_default();
        let counts = app
            .stock_counts(actor, &w.id)
            .await
            .unwrap_or_default()
            .into_iter()
            .take(5)
            .map(|c| CountRef {
                opened: qltt_store::parse_ts(&c.opened_at)
                    .map(qltt_domain::format::format_instant)
                    .unwrap_or_default(),
                status: qltt_domain::exhibit::count::CountStatus::parse(&c.status)
                    .map(|s| s.label().to_string())
                    .unwrap_or_default(),
                open: c.status == "open",
                id: c.id,
            })
            .collect::<Vec<_>>();
        let counting = counts.iter().any(|c| c.open);
        items.push((w, cams, counts, counting));
    }
    let can_manage = actor.may(Permission::ManageWarehouses);
    let can_count = actor.may(Permission::MoveExhibits);
    let units = if can_manage {
        app.units_in_scope(actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|u| u.active())
            .map(|u| (u.id, u.name))
            .collect()
    } else {
        Vec::new()
    };
    let status = error
        .as_ref()
        .map(|e| crate::error::status_of(e.kind))
        .unwrap_or(StatusCode::OK);
    let page = WarehousesPage {
        layout,
        items,
        can_manage,
        can_count,
        units,
        error: error.map(|e| e.message),
    };
    (status, render(&page)).into_response()
}

pub async fn warehouses(State(state): State<AppState>, PageActor(actor): PageActor) -> Response {
    warehouses_page(&state, &actor, None).await
}

pub async fn warehouses_act(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(f): Form<WarehouseForm>,
) -> Response {
    let app = &state.app;
    let result = if f.op == "camera" {
        app.register_camera(
            &actor,
            &f.warehouse_id,
            CameraInput {
                code: f.code.clone(),
                zone: non_empty(&f.zone),
                description: f.description.clone(),
            },
        )
        .await
        .map(|_| ())
    } else {
        app.create_warehouse(
            &actor,
            WarehouseInput {
                unit_id: f.unit_id.clone(),
                code: f.code.clone(),
                name: f.name.clone(),
                address: f.address.clone(),
            },
        )
        .await
        .map(|_| ())
    };
    match result {
        Ok(()) => Redirect::to("/warehouses").into_response(),
        Err(e) => warehouses_page(&state, &actor, Some(e)).await,
    }
}

/// A file behind a record, for the signed-in officer (photos on the lot's page).
pub async fn file(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(sha256): Path<String>,
) -> Response {
    match state.app.file_stream(&actor, &sha256).await {
        Ok((row, bytes)) => crate::api::exhibits::file_response(&row, bytes),
        Err(e) => error_page(Layout::for_actor(&state.app, &actor, TITLE, HREF).await, &e),
    }
}

fn pdf_response(bytes: Vec<u8>, file_name: &str) -> Response {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file_name}\""),
            ),
            (
                axum::http::header::CACHE_CONTROL,
                "private, no-store".to_string(),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The printable label of one lot (A4 sheet, QR code to the lot).
pub async fn label(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Response {
    match state.app.exhibit_labels(&actor, Some(&id), None).await {
        Ok(pdf) => pdf_response(pdf, "nhan-tang-vat.pdf"),
        Err(e) => error_page(Layout::for_actor(&state.app, &actor, TITLE, HREF).await, &e),
    }
}

/// The labels of every lot of a case still held.
pub async fn case_labels(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Response {
    match state.app.exhibit_labels(&actor, None, Some(&id)).await {
        Ok(pdf) => pdf_response(pdf, "nhan-tang-vat.pdf"),
        Err(e) => error_page(Layout::for_actor(&state.app, &actor, TITLE, HREF).await, &e),
    }
}

#[derive(Template)]
#[template(path = "exhibits_scan.html")]
struct ScanPage {
    layout: Layout,
}

#[derive(Deserialize, Default)]
pub struct ScanQuery {
    #[serde(default)]
    lot_no: String,
}

/// Scanning a label with the phone's camera, or typing its lot number.
pub async fn scan(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(q): Query<ScanQuery>,
) -> Response {
    let lot_no = q.lot_no.trim();
    if !lot_no.is_empty() {
        return match state.app.exhibit_by_lot_no(&actor, lot_no).await {
            Ok(e) => Redirect::to(&format!("/exhibits/{}", e.row.id)).into_response(),
            Err(e) => error_page(Layout::for_actor(&state.app, &actor, TITLE, HREF).await, &e),
        };
    }
    let layout = Layout::for_actor(&state.app, &actor, TITLE, HREF).await;
    render(&ScanPage { layout })
}
