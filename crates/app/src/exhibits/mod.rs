//! Exhibits (tang vật) and means (phương tiện) seized in a case, kept in a unit's warehouse, and
//! every move of them as a hash-linked custody event.
//!
//! Who: the officers who seized goods register the lot on the case (`RecordExhibits`); the keeper
//! and the case officers record moves (`MoveExhibits`); only leaders destroy or sell what a
//! decision confiscated (`DisposeExhibits`); leaders open warehouses and register cameras
//! (`ManageWarehouses`). Where: a lot belongs to its case's unit; outside the actor's subtree it
//! does not exist (404), as for cases.

mod counts;
mod decision;
mod labels;
mod moves;
mod record;
mod warehouses;

use chrono::NaiveDate;
use qltt_domain::exhibit::{ExhibitKind, ExhibitStatus, MoveKind, Quantity};
use qltt_domain::format::{Vnd, format_date, format_instant, legal_day, parse_date};
use qltt_domain::officer::Permission;
use qltt_store::exhibits::{self as store, CustodyEventRow, ExhibitFilter, ExhibitRow};
use serde::{Deserialize, Serialize};

use crate::{Actor, App, AppError, AppResult};

pub use counts::{
    CloseCountInput, CountLineInput, ExplainInput, LineExplanation, OpenCountInput, StockCount,
    StockCountLine,
};
pub(crate) use decision::Confiscation;
pub use moves::{CameraRefInput, LocationInput, MoveInput};
pub use record::ExhibitInput;
pub use warehouses::{CameraInput, WarehouseInput};

/// A lot as pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Exhibit {
    #[serde(flatten)]
    pub row: ExhibitRow,
    /// "12,5" — the quantity written the Vietnamese way, in `unit_of_measure`.
    pub quantity: String,
    pub kind_label: String,
    pub status_label: String,
    pub seal_numbers_list: Vec<String>,
    pub photo_list: Vec<String>,
    pub case_summary: Option<String>,
    pub warehouse_name: Option<String>,
    /// Still held under seizure after the legal period (LHAV Art. 125(8)) with no decision yet.
    pub seizure_overdue: bool,
    /// Moves the lot may take now (the state machine's answer, before permissions).
    pub allowed_moves: Vec<String>,
    /// dd/mm/yyyy
    pub seized_on_text: String,
    pub seizure_due_text: String,
    /// "36.000.000 đồng"
    pub estimated_value_text: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CustodyEvent {
    #[serde(flatten)]
    pub row: CustodyEventRow,
    pub kind_label: String,
    pub quantity: String,
    #[schema(value_type = Object)]
    pub details_json: serde_json::Value,
    pub recorded_by_name: String,
    /// dd/mm/yyyy HH:MM, Việt Nam time
    pub occurred_at_text: String,
}

/// A lot's whole custody: its events, whether the chain holds, and the lots split from it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Custody {
    pub exhibit: Exhibit,
    pub events: Vec<CustodyEvent>,
    /// True when every event's hash and link recomputes from the stored fields.
    pub chain_intact: bool,
    /// The first event (seq) that does not recompute, when the chain is broken.
    pub first_break: Option<i64>,
    pub parent: Option<Exhibit>,
    pub children: Vec<Exhibit>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExhibitQuery {
    pub case_id: Option<String>,
    pub status: Option<String>,
    pub warehouse_id: Option<String>,
    /// `true`: only lots held past their seizure period with no decision yet.
    pub overdue: Option<bool>,
    /// `true`: only lots still held although their case was decided without confiscating
    /// them (to be returned to the owner, LHAV Art. 126).
    pub to_return: Option<bool>,
    pub limit: Option<i64>,
}

fn not_found() -> AppError {
    AppError::not_found("exhibit.not_found")
}

fn list_of(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

impl App {
    pub(crate) async fn exhibit_view(&self, row: ExhibitRow) -> AppResult<Exhibit> {
        let pool = self.db.pool();
        let status = ExhibitStatus::parse(&row.status)?;
        let kind = ExhibitKind::parse(&row.kind)?;
        let case = qltt_store::cases::get(pool, &row.case_id).await?;
        let warehouse_name = match &row.warehouse_id {
            Some(w) => qltt_store::warehouses::get(pool, w).await?.map(|w| w.name),
            None => None,
        };
        let today = legal_day(self.now());
        let overdue = seizure_overdue(&row, case.as_ref().map(|c| c.state.as_str()), today);
        let probe = qltt_domain::exhibit::Lot {
            status,
            quantity: Quantity::from_milli(row.quantity_milli)?,
            location: None,
        };
        let allowed_moves = MoveKind::ALL
            .iter()
            .filter(|k| moves::may_start(**k, &probe))
            .map(|k| k.as_str().to_string())
            .collect();
        Ok(Exhibit {
            quantity: Quantity::from_milli(row.quantity_milli)?.to_string(),
            kind_label: kind.label().to_string(),
            status_label: status.label().to_string(),
            seal_numbers_list: list_of(&row.seal_numbers),
            photo_list: list_of(&row.photos),
            case_summary: case.map(|c| c.summary),
            warehouse_name,
            seizure_overdue: overdue,
            allowed_moves,
            seized_on_text: day_text(&row.seized_on),
            seizure_due_text: day_text(&row.seizure_due),
            estimated_value_text: Vnd(row.estimated_value).display(),
            row,
        })
    }

    /// The lot, if the actor's scope covers its unit.
    pub async fn exhibit(&self, actor: &Actor, id: &str) -> AppResult<Exhibit> {
        let row = self.visible_exhibit(actor, id).await?;
        self.exhibit_view(row).await
    }

    /// The lot a label's QR code names (its lot number), within the actor's scope.
    pub async fn exhibit_by_lot_no(&self, actor: &Actor, lot_no: &str) -> AppResult<Exhibit> {
        actor.require(Permission::ViewExhibits)?;
        let row = store::by_lot_no(self.db.pool(), lot_no.trim())
            .await?
            .ok_or_else(not_found)?;
        if !self.in_scope(actor, &row.unit_id).await? {
            return Err(not_found());
        }
        self.exhibit_view(row).await
    }

    pub(crate) async fn visible_exhibit(&self, actor: &Actor, id: &str) -> AppResult<ExhibitRow> {
        actor.require(Permission::ViewExhibits)?;
        let row = store::get(self.db.pool(), id)
            .await?
            .ok_or_else(not_found)?;
        if !self.in_scope(actor, &row.unit_id).await? {
            return Err(not_found());
        }
        Ok(row)
    }

    /// Lots in the actor's scope, newest first, filtered.
    pub async fn list_exhibits(&self, actor: &Actor, q: &ExhibitQuery) -> AppResult<Vec<Exhibit>> {
        actor.require(Permission::ViewExhibits)?;
        if let Some(s) = q.status.as_deref().filter(|s| !s.is_empty()) {
            ExhibitStatus::parse(s)?;
        }
        let today = legal_day(self.now()).format("%Y-%m-%d").to_string();
        let rows = store::list(
            self.db.pool(),
            &actor.unit_id,
            &ExhibitFilter {
                case_id: q.case_id.as_deref().filter(|s| !s.is_empty()),
                status: q.status.as_deref().filter(|s| !s.is_empty()),
                warehouse_id: q.warehouse_id.as_deref().filter(|s| !s.is_empty()),
                seizure_overdue_on: q.overdue.unwrap_or(false).then_some(today.as_str()),
                to_return: q.to_return.unwrap_or(false),
            },
            q.limit.unwrap_or(100).clamp(1, 500),
        )
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.exhibit_view(r).await?);
        }
        Ok(out)
    }

    /// Walks every lot's custody chain (operator command, like the audit chain's walk).
    pub async fn verify_custody_chains(&self) -> AppResult<store::ChainsCheck> {
        Ok(store::verify_chains(self.db.pool()).await?)
    }

    /// The lot's custody events, checked: the chain is recomputed on every read, so a page that
    /// says "intact" has just verified it.
    pub async fn custody(&self, actor: &Actor, id: &str) -> AppResult<Custody> {
        let row = self.visible_exhibit(actor, id).await?;
        let pool = self.db.pool();
        let (first_break, rows) = store::check_lot(pool, &row).await?;
        let mut events = Vec::with_capacity(rows.len());
        for e in rows {
            let kind_label = MoveKind::parse(&e.kind)
                .map(|k| k.label().to_string())
                .unwrap_or_else(|_| e.kind.clone());
            events.push(CustodyEvent {
                kind_label,
                quantity: Quantity::from_milli(e.quantity_milli)?.to_string(),
                details_json: serde_json::from_str(&e.details).unwrap_or_default(),
                recorded_by_name: self.officer_label(&e.recorded_by).await?,
                occurred_at_text: qltt_store::parse_ts(&e.occurred_at)
                    .map(format_instant)
                    .unwrap_or_else(|_| e.occurred_at.clone()),
                row: e,
            });
        }
        let parent = match &row.parent_id {
            Some(p) => match store::get(pool, p).await? {
                Some(p) => Some(self.exhibit_view(p).await?),
                None => None,
            },
            None => None,
        };
        let child_rows = store::list(
            pool,
            &actor.unit_id,
            &ExhibitFilter {
                case_id: Some(&row.case_id),
                ..Default::default()
            },
            500,
        )
        .await?;
        let mut children = Vec::new();
        for c in child_rows
            .into_iter()
            .filter(|c| c.parent_id.as_deref() == Some(&row.id))
        {
            children.push(self.exhibit_view(c).await?);
        }
        Ok(Custody {
            exhibit: self.exhibit_view(row).await?,
            chain_intact: first_break.is_none(),
            first_break,
            events,
            parent,
            children,
        })
    }
}

/// Held under seizure past its period, while the case still waits for a decision.
fn seizure_overdue(row: &ExhibitRow, case_state: Option<&str>, today: NaiveDate) -> bool {
    let held = matches!(row.status.as_str(), "seized" | "in_custody" | "checked_out");
    let undecided = matches!(
        case_state,
        Some("decided" | "inspected" | "violation_recorded" | "awaiting_explanation")
    );
    let due = NaiveDate::parse_from_str(&row.seizure_due, "%Y-%m-%d").ok();
    held && undecided && due.is_some_and(|d| d < today)
}

fn day_text(d: &str) -> String {
    parse_date(d)
        .map(format_date)
        .unwrap_or_else(|| d.to_string())
}
