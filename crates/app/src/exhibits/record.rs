//! Registering a lot seized in a case: the goods as sealed on the spot, with their seal numbers
//! and photos. The lot's chain opens with a `seize` event in the same transaction.

use chrono::Datelike;
use qltt_domain::exhibit::{ExhibitKind, ExhibitStatus, MoveKind, Quantity};
use qltt_domain::format::{legal_day, parse_date};
use qltt_domain::law::deadlines::seizure_due;
use qltt_domain::officer::Permission;
use qltt_domain::text::{bounded, bounded_text};
use qltt_store::exhibits::{self as store, NewCustodyEvent, NewExhibit};
use serde::Deserialize;
use serde_json::json;

use super::Exhibit;
use crate::{Actor, App, AppError, AppResult, ErrorKind};

/// A lot to register (`POST /api/v1/exhibits`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExhibitInput {
    pub case_id: String,
    /// `goods` (tang vật, the default) or `means` (phương tiện).
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    pub description: String,
    #[serde(default)]
    pub brand: Option<String>,
    /// A number (12.5) or the text an officer types ("12,5").
    #[schema(value_type = Object)]
    pub quantity: serde_json::Value,
    pub unit_of_measure: String,
    /// VND for the whole lot.
    #[serde(default)]
    pub estimated_value: i64,
    #[serde(default)]
    pub seal_numbers: Vec<String>,
    /// SHA-256 of uploaded photos (`POST /api/v1/files`).
    #[serde(default)]
    pub photos: Vec<String>,
    /// The day the goods were seized (YYYY-MM-DD or dd/mm/yyyy); default today.
    #[serde(default)]
    pub seized_on: Option<String>,
    /// The seizure decision, when one was issued on the case.
    #[serde(default)]
    pub seizure_document_id: Option<String>,
}

/// Reads a quantity from JSON: a number is taken exactly to three decimals, text as typed.
pub(crate) fn quantity_of(v: &serde_json::Value) -> AppResult<Quantity> {
    let bad = || {
        AppError::bad_input(
            "exhibit.invalid_quantity",
            "Số lượng phải là số dương, tối đa 3 chữ số thập phân.",
        )
    };
    let q = match v {
        serde_json::Value::Number(n) => {
            let f = n.as_f64().ok_or_else(bad)?;
            let milli = (f * 1000.0).round();
            if !(0.0..=1e12).contains(&milli) || ((f * 1000.0) - milli).abs() > 1e-6 {
                return Err(bad());
            }
            Quantity::from_milli(milli as i64)?
        }
        serde_json::Value::String(s) => Quantity::parse(s)?,
        _ => return Err(bad()),
    };
    if q.is_zero() {
        return Err(bad());
    }
    Ok(q)
}

impl App {
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, case_id = %input.case_id))]
    pub async fn register_exhibit(&self, actor: &Actor, input: ExhibitInput) -> AppResult<Exhibit> {
        actor.require(Permission::RecordExhibits)?;
        let kind = match input.kind.as_deref() {
            None | Some("") => ExhibitKind::Goods,
            Some(k) => ExhibitKind::parse(k)?,
        };
        let description = bounded_text("description", &input.description, 2000, true)?;
        let category = bounded(
            "category",
            input.category.as_deref().unwrap_or(kind.label()),
            200,
            true,
        )?;
        let brand = match input.brand.as_deref() {
            Some(b) if !b.trim().is_empty() => Some(bounded("brand", b, 200, false)?),
            _ => None,
        };
        let unit_of_measure = bounded("unit_of_measure", &input.unit_of_measure, 50, true)?;
        let quantity = quantity_of(&input.quantity)?;
        if input.estimated_value < 0 {
            return Err(AppError::bad_input(
                "exhibit.invalid_value",
                "Giá trị ước tính không được âm.",
            ));
        }
        let mut seals = Vec::new();
        for s in &input.seal_numbers {
            let s = bounded("seal_numbers", s, 100, false)?;
            if !s.is_empty() && !seals.contains(&s) {
                seals.push(s);
            }
        }
        let today = legal_day(self.now());
        let seized_on = match input.seized_on.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => parse_date(s).ok_or_else(|| {
                AppError::bad_input("exhibit.invalid_date", "Ngày tạm giữ không hợp lệ.")
            })?,
            None => today,
        };
        if seized_on > today {
            return Err(AppError::bad_input(
                "exhibit.future_date",
                "Ngày tạm giữ không được sau hôm nay.",
            ));
        }

        let mut tx = self.db.begin(self.now()).await?;
        let case = qltt_store::cases::get_in(tx.conn(), input.case_id.trim())
            .await?
            .ok_or_else(|| AppError::not_found("case.not_found"))?;
        if !qltt_store::units::in_subtree(tx.conn(), &actor.unit_id, &case.unit_id).await? {
            return Err(AppError::not_found("case.not_found"));
        }
        if matches!(case.state.as_str(), "lead" | "proposed" | "closed") {
            return Err(AppError::new(
                ErrorKind::Refused,
                "exhibit.case_not_open",
                "Chỉ tạm giữ tang vật khi vụ việc đang kiểm tra hoặc xử lý.",
            ));
        }
        if let Some(doc_id) = input
            .seizure_document_id
            .as_deref()
            .filter(|s| !s.is_empty())
        {
            let doc = qltt_store::documents::get_in(tx.conn(), doc_id).await?;
            if doc.is_none_or(|d| d.case_id.as_deref() != Some(case.id.as_str())) {
                return Err(AppError::bad_input(
                    "exhibit.unknown_document",
                    "Quyết định tạm giữ không thuộc vụ việc này.",
                ));
            }
        }
        let photos = self.require_files(&mut tx, actor, &input.photos).await?;
        let cal = self.work_calendar_in(&mut tx, seized_on).await?;
        let due = seizure_due(&cal, seized_on);
        let unit = qltt_store::units::get_in(tx.conn(), &case.unit_id)
            .await?
            .ok_or_else(|| AppError::internal("case unit missing"))?;
        // The lot number comes from the unit's own gapless register, like document numbers.
        let year = seized_on.year();
        let seq = qltt_store::documents::next_seq(&mut tx, &unit.id, "TV", year).await?;
        let lot_no = format!("{}-TV-{year}-{seq:05}", unit.code);
        let seals_json = serde_json::to_string(&seals).map_err(AppError::internal)?;
        let photos_json = serde_json::to_string(&photos).map_err(AppError::internal)?;
        let seized_text = seized_on.format("%Y-%m-%d").to_string();
        let due_text = due.format("%Y-%m-%d").to_string();
        let id = store::insert(
            &mut tx,
            &NewExhibit {
                case_id: &case.id,
                unit_id: &case.unit_id,
                lot_no: &lot_no,
                parent_id: None,
                kind: kind.as_str(),
                category: &category,
                description: &description,
                brand: brand.as_deref(),
                unit_of_measure: &unit_of_measure,
                quantity_milli: quantity.milli(),
                estimated_value: input.estimated_value,
                seal_numbers: &seals_json,
                photos: &photos_json,
                status: ExhibitStatus::Seized.as_str(),
                warehouse_id: None,
                zone: None,
                shelf: None,
                seizure_document_id: input
                    .seizure_document_id
                    .as_deref()
                    .filter(|s| !s.is_empty()),
                seized_on: &seized_text,
                seizure_due: &due_text,
                created_by: &actor.id,
            },
        )
        .await?;
        let details = json!({
            "lot_no": lot_no,
            "description": description,
            "unit_of_measure": unit_of_measure,
            "estimated_value": input.estimated_value,
            "seal_numbers": seals,
            "photos": photos,
            "seized_on": seized_text,
        });
        let event = store::append_event(
            &mut tx,
            &NewCustodyEvent {
                exhibit_id: &id,
                kind: MoveKind::Seize.as_str(),
                quantity_milli: quantity.milli(),
                occurred_at: &qltt_store::ts(self.now()),
                handed_over_by: "",
                received_by: &actor.full_name,
                details: &details,
                recorded_by: &actor.id,
                follows: None,
            },
        )
        .await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "exhibit.seize",
                entity_type: "exhibit",
                entity_id: &id,
                unit_id: &case.unit_id,
                topic: "exhibit.changed",
                details: json!({"case_id": case.id, "lot_no": lot_no, "quantity_milli": quantity.milli(), "custody_hash": event.hash}),
            },
        )
        .await?;
        tx.commit().await?;
        let row = store::get(self.db.pool(), &id)
            .await?
            .ok_or_else(|| AppError::internal("exhibit vanished"))?;
        self.exhibit_view(row).await
    }
}
