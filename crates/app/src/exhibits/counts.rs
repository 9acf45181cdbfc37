//! Stock counts (kiểm kê) of a warehouse: a keeper opens one (the lots on the shelves are
//! snapshotted with the ledger's quantities), counts each lot, and closes it; differences leave
//! it waiting until a leader explains each one. Every step is audited; a count never changes a
//! lot (see `qltt_domain::exhibit::count`).

use qltt_domain::exhibit::Quantity;
use qltt_domain::exhibit::count::{self, CountLine, CountStatus};
use qltt_domain::officer::Permission;
use qltt_domain::text::bounded_text;
use qltt_store::StoreError;
use qltt_store::stock_counts::{self as store, Stamp, StockCountLineRow, StockCountRow};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::record::quantity_of;
use crate::{Actor, App, AppError, AppResult, ErrorKind};

/// A count as pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StockCount {
    #[serde(flatten)]
    pub row: StockCountRow,
    pub status_label: String,
    pub warehouse_name: String,
    pub lines: Vec<StockCountLine>,
    /// Lines counted with a result different from the ledger.
    pub differences: usize,
    pub uncounted: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StockCountLine {
    #[serde(flatten)]
    pub row: StockCountLineRow,
    /// "120" — the ledger's quantity when the count opened, written the Vietnamese way.
    pub expected: String,
    pub counted: Option<String>,
    /// "-2" / "+0,5"; absent until counted.
    pub difference: Option<String>,
    pub differs: bool,
    pub description: String,
    pub unit_of_measure: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCountInput {
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CountLineInput {
    pub exhibit_id: String,
    /// A number (118) or the text typed ("12,5"); zero when nothing was found.
    #[schema(value_type = Object)]
    pub counted: serde_json::Value,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainInput {
    pub explanations: Vec<LineExplanation>,
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineExplanation {
    pub exhibit_id: String,
    pub explanation: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseCountInput {
    #[serde(default)]
    pub version: Option<i64>,
}

fn not_found() -> AppError {
    AppError::not_found("stock_count.not_found")
}

fn conflict() -> AppError {
    AppError::new(
        ErrorKind::Conflict,
        "stock_count.version_conflict",
        "Phiên kiểm kê vừa được người khác cập nhật; hãy tải lại.",
    )
}

/// Zero is a count too ("nothing found"), unlike a move's quantity.
fn counted_of(v: &serde_json::Value) -> AppResult<Quantity> {
    let zero = match v {
        serde_json::Value::Number(n) => n.as_f64() == Some(0.0),
        serde_json::Value::String(s) => s.trim() == "0",
        _ => false,
    };
    if zero {
        return Ok(Quantity::from_milli(0)?);
    }
    quantity_of(v)
}

fn signed(milli: i64) -> AppResult<String> {
    let q = Quantity::from_milli(milli.abs())?;
    Ok(match milli.signum() {
        -1 => format!("-{q}"),
        1 => format!("+{q}"),
        _ => "0".into(),
    })
}

fn domain_lines(rows: &[StockCountLineRow]) -> AppResult<Vec<CountLine>> {
    rows.iter()
        .map(|l| {
            Ok(CountLine {
                expected: Quantity::from_milli(l.expected_milli)?,
                counted: l.counted_milli.map(Quantity::from_milli).transpose()?,
            })
        })
        .collect()
}

impl App {
    async fn count_view(&self, row: StockCountRow) -> AppResult<StockCount> {
        let pool = self.db.pool();
        let warehouse_name = qltt_store::warehouses::get(pool, &row.warehouse_id)
            .await?
            .map(|w| w.name)
            .unwrap_or_default();
        let rows = store::lines(pool, &row.id).await?;
        let mut lines = Vec::with_capacity(rows.len());
        for (l, d) in rows.iter().zip(domain_lines(&rows)?) {
            let lot = qltt_store::exhibits::get(pool, &l.exhibit_id).await?;
            let diff = d.difference_milli();
            lines.push(StockCountLine {
                expected: d.expected.to_string(),
                counted: d.counted.map(|c| c.to_string()),
                difference: diff.map(signed).transpose()?,
                differs: diff.is_some_and(|x| x != 0),
                description: lot
                    .as_ref()
                    .map(|e| e.description.clone())
                    .unwrap_or_default(),
                unit_of_measure: lot.map(|e| e.unit_of_measure).unwrap_or_default(),
                row: l.clone(),
            });
        }
        Ok(StockCount {
            status_label: CountStatus::parse(&row.status)?.label().to_string(),
            warehouse_name,
            differences: lines.iter().filter(|l| l.differs).count(),
            uncounted: lines
                .iter()
                .filter(|l| l.row.counted_milli.is_none())
                .count(),
            lines,
            row,
        })
    }

    /// The count, if the actor may see exhibits and the warehouse's unit is in scope.
    pub async fn stock_count(&self, actor: &Actor, id: &str) -> AppResult<StockCount> {
        actor.require(Permission::ViewExhibits)?;
        let row = store::get(self.db.pool(), id)
            .await?
            .ok_or_else(not_found)?;
        if !self.in_scope(actor, &row.unit_id).await? {
            return Err(not_found());
        }
        self.count_view(row).await
    }

    /// A warehouse's counts, newest first.
    pub async fn stock_counts(
        &self,
        actor: &Actor,
        warehouse_id: &str,
    ) -> AppResult<Vec<StockCountRow>> {
        actor.require(Permission::ViewExhibits)?;
        let w = qltt_store::warehouses::get(self.db.pool(), warehouse_id)
            .await?
            .ok_or_else(|| AppError::not_found("warehouse.not_found"))?;
        if !self.in_scope(actor, &w.unit_id).await? {
            return Err(AppError::not_found("warehouse.not_found"));
        }
        Ok(store::of_warehouse(self.db.pool(), &w.id).await?)
    }

    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, warehouse_id = %warehouse_id))]
    pub async fn open_stock_count(
        &self,
        actor: &Actor,
        warehouse_id: &str,
        input: OpenCountInput,
    ) -> AppResult<StockCount> {
        actor.require(Permission::MoveExhibits)?;
        let note = match input.note.as_deref() {
            Some(n) => bounded_text("note", n, 2000, false)?,
            None => String::new(),
        };
        let mut tx = self.db.begin(self.now()).await?;
        let w = qltt_store::warehouses::get_in(tx.conn(), warehouse_id.trim())
            .await?
            .ok_or_else(|| AppError::not_found("warehouse.not_found"))?;
        if !qltt_store::units::in_subtree(tx.conn(), &actor.unit_id, &w.unit_id).await? {
            return Err(AppError::not_found("warehouse.not_found"));
        }
        let id = match store::open(&mut tx, &w.id, &w.unit_id, &note, &actor.id).await {
            Ok(id) => id,
            Err(StoreError::Conflict(_)) => {
                return Err(AppError::new(
                    ErrorKind::Conflict,
                    "stock_count.already_open",
                    "Kho đang có một phiên kiểm kê chưa kết thúc.",
                ));
            }
            Err(e) => return Err(e.into()),
        };
        let lots = store::lines_in(tx.conn(), &id).await?.len();
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "stock_count.open",
                entity_type: "stock_count",
                entity_id: &id,
                unit_id: &w.unit_id,
                topic: "stock_count.changed",
                details: json!({"warehouse_id": w.id, "lots": lots, "note": note}),
            },
        )
        .await?;
        tx.commit().await?;
        self.stock_count(actor, &id).await
    }

    /// Records what was found of one lot of the count (again, to correct a miscount).
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, count_id = %id))]
    pub async fn record_stock_count_line(
        &self,
        actor: &Actor,
        id: &str,
        input: CountLineInput,
    ) -> AppResult<StockCount> {
        actor.require(Permission::MoveExhibits)?;
        let counted = counted_of(&input.counted)?;
        let note = match input.note.as_deref() {
            Some(n) if !n.trim().is_empty() => Some(bounded_text("note", n, 1000, false)?),
            _ => None,
        };
        let mut tx = self.db.begin(self.now()).await?;
        let row = self.count_in_scope(&mut tx, actor, id).await?;
        count::check_open(CountStatus::parse(&row.status)?)?;
        let before = store::lines_in(tx.conn(), &row.id)
            .await?
            .into_iter()
            .find(|l| l.exhibit_id == input.exhibit_id.trim())
            .ok_or_else(|| {
                AppError::bad_input(
                    "stock_count.unknown_lot",
                    "Lô này không có trong danh sách kiểm kê của kho.",
                )
            })?;
        store::record_line(
            &mut tx,
            &row.id,
            &before.exhibit_id,
            counted.milli(),
            note.as_deref(),
            &actor.id,
        )
        .await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "stock_count.count",
                entity_type: "stock_count",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "stock_count.changed",
                details: json!({"exhibit_id": before.exhibit_id, "lot_no": before.lot_no,
                    "expected_milli": before.expected_milli, "counted_milli": counted.milli(),
                    "previous_milli": before.counted_milli, "note": note}),
            },
        )
        .await?;
        tx.commit().await?;
        self.stock_count(actor, id).await
    }

    /// Ends the counting: closed when everything matches, otherwise waiting for a leader.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, count_id = %id))]
    pub async fn close_stock_count(
        &self,
        actor: &Actor,
        id: &str,
        input: CloseCountInput,
    ) -> AppResult<StockCount> {
        actor.require(Permission::MoveExhibits)?;
        let mut tx = self.db.begin(self.now()).await?;
        let row = self.count_in_scope(&mut tx, actor, id).await?;
        if input.version.is_some_and(|v| v != row.version) {
            return Err(conflict());
        }
        let rows = store::lines_in(tx.conn(), &row.id).await?;
        let lines = domain_lines(&rows)?;
        let to = count::close(CountStatus::parse(&row.status)?, &lines)?;
        if !store::set_status(
            &mut tx,
            &row.id,
            row.version,
            to.as_str(),
            &actor.id,
            Stamp::Closed,
        )
        .await?
        {
            return Err(conflict());
        }
        let differences: Vec<_> = rows
            .iter()
            .zip(&lines)
            .filter(|(_, d)| d.difference_milli() != Some(0))
            .map(|(l, d)| json!({"lot_no": l.lot_no, "difference_milli": d.difference_milli()}))
            .collect();
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "stock_count.close",
                entity_type: "stock_count",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "stock_count.changed",
                details: json!({"status": to.as_str(), "lots": rows.len(), "differences": differences}),
            },
        )
        .await?;
        tx.commit().await?;
        self.stock_count(actor, id).await
    }

    /// A leader explains every difference of a count; the count is then closed.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, count_id = %id))]
    pub async fn explain_stock_count(
        &self,
        actor: &Actor,
        id: &str,
        input: ExplainInput,
    ) -> AppResult<StockCount> {
        actor.require(Permission::ManageWarehouses)?;
        crate::cases::input::capped("explanations", &input.explanations)?;
        let mut tx = self.db.begin(self.now()).await?;
        let row = self.count_in_scope(&mut tx, actor, id).await?;
        if input.version.is_some_and(|v| v != row.version) {
            return Err(conflict());
        }
        let rows = store::lines_in(tx.conn(), &row.id).await?;
        let mut explained = vec![false; rows.len()];
        let mut texts = Vec::new();
        for e in &input.explanations {
            let text = bounded_text("explanation", &e.explanation, 2000, false)?;
            let Some(i) = rows
                .iter()
                .position(|l| l.exhibit_id == e.exhibit_id.trim())
            else {
                return Err(AppError::bad_input(
                    "stock_count.unknown_lot",
                    "Lô này không có trong danh sách kiểm kê của kho.",
                ));
            };
            explained[i] = !text.trim().is_empty();
            texts.push((i, text));
        }
        let to = count::explain(
            CountStatus::parse(&row.status)?,
            &domain_lines(&rows)?,
            &explained,
        )?;
        for (i, text) in &texts {
            store::explain_line(&mut tx, &row.id, &rows[*i].exhibit_id, text).await?;
        }
        if !store::set_status(
            &mut tx,
            &row.id,
            row.version,
            to.as_str(),
            &actor.id,
            Stamp::Explained,
        )
        .await?
        {
            return Err(conflict());
        }
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "stock_count.explain",
                entity_type: "stock_count",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "stock_count.changed",
                details: json!({"explanations": texts.iter().map(|(i, t)| json!({"lot_no": rows[*i].lot_no, "explanation": t})).collect::<Vec<_>>()}),
            },
        )
        .await?;
        tx.commit().await?;
        self.stock_count(actor, id).await
    }

    async fn count_in_scope(
        &self,
        tx: &mut qltt_store::WriteTx,
        actor: &Actor,
        id: &str,
    ) -> AppResult<StockCountRow> {
        let row = store::get_in(tx.conn(), id).await?.ok_or_else(not_found)?;
        if !qltt_store::units::in_subtree(tx.conn(), &actor.unit_id, &row.unit_id).await? {
            return Err(not_found());
        }
        Ok(row)
    }
}
