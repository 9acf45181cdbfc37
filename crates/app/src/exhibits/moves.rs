//! Recording a custody move. Order of checks: permission → scope → version → the state machine
//! and quantities (domain) → places, files, cameras → write the lot(s), the event(s) on each
//! lot's chain, the audit event and the outbox entry in one transaction.

use chrono::{DateTime, Utc};
use qltt_domain::exhibit::{self, ExhibitStatus, Location, Lot, Move, MoveKind, Quantity};
use qltt_domain::officer::Permission;
use qltt_domain::text::{bounded, bounded_text};
use qltt_store::exhibits::{self as store, LotUpdate, NewCustodyEvent, NewExhibit};
use serde::Deserialize;
use serde_json::json;

use super::{Exhibit, record::quantity_of};
use crate::{Actor, App, AppError, AppResult, ErrorKind};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    pub warehouse_id: String,
    #[serde(default)]
    pub zone: Option<String>,
    #[serde(default)]
    pub shelf: Option<String>,
}

/// A camera recording that shows the move: a clip uploaded to the product, or a link to the
/// recorder with the clip's hash as exported.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CameraRefInput {
    pub camera_id: String,
    /// RFC 3339 instants of the recording shown.
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub clip_sha256: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    /// SHA-256 of the exported clip behind `url`, as the recorder gave it.
    #[serde(default)]
    pub url_sha256: Option<String>,
}

/// A move (`POST /api/v1/exhibits/{id}/moves`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveInput {
    pub kind: String,
    /// Absent: the whole lot.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub quantity: Option<serde_json::Value>,
    /// When the goods changed hands (RFC 3339); default now. Not in the future.
    #[serde(default)]
    pub occurred_at: Option<String>,
    pub handed_over_by: String,
    pub received_by: String,
    #[serde(default)]
    pub to: Option<LocationInput>,
    /// Condition of the goods as seen at the handover.
    #[serde(default)]
    pub condition: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub photos: Vec<String>,
    #[serde(default)]
    pub cameras: Vec<CameraRefInput>,
    /// Destruction: the council's members.
    #[serde(default)]
    pub council: Vec<String>,
    /// Destruction: the minutes (an uploaded file).
    #[serde(default)]
    pub minutes_sha256: Option<String>,
    /// Handover: the receiving agency; return: the person who took the goods back.
    #[serde(default)]
    pub counterparty: Option<String>,
    /// The lot's version the officer saw; a stale one is refused (409).
    #[serde(default)]
    pub version: Option<i64>,
}

/// Whether a move kind can start from the lot's state at all (for the page's buttons).
pub(super) fn may_start(kind: MoveKind, lot: &Lot) -> bool {
    let probe = Move {
        kind,
        quantity: lot.quantity,
        to: Some(Location {
            warehouse_id: "\u{0}probe".into(),
            zone: None,
            shelf: None,
        }),
        council: vec!["a".into(), "b".into()],
        minutes_sha256: Some(String::new()),
        counterparty: Some("x".into()),
    };
    exhibit::apply(lot, &probe).is_ok()
}

fn permission_for(kind: MoveKind) -> Permission {
    match kind {
        MoveKind::Destroy | MoveKind::Sell => Permission::DisposeExhibits,
        _ => Permission::MoveExhibits,
    }
}

pub(super) fn location_of(row: &store::ExhibitRow) -> Option<Location> {
    row.warehouse_id.as_ref().map(|w| Location {
        warehouse_id: w.clone(),
        zone: row.zone.clone(),
        shelf: row.shelf.clone(),
    })
}

fn opt_text(field: &'static str, v: &Option<String>, max: usize) -> AppResult<Option<String>> {
    match v.as_deref() {
        Some(s) if !s.trim().is_empty() => Ok(Some(bounded(field, s, max, false)?)),
        _ => Ok(None),
    }
}

fn instant(field: &'static str, s: &str) -> AppResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            AppError::bad_input(
                "exhibit.invalid_time",
                format!("{field}: thời điểm không hợp lệ (RFC 3339)."),
            )
        })
}

impl App {
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, exhibit_id = %id))]
    pub async fn move_exhibit(
        &self,
        actor: &Actor,
        id: &str,
        input: MoveInput,
    ) -> AppResult<Exhibit> {
        let kind = MoveKind::parse(input.kind.trim())?;
        if kind == MoveKind::Seize {
            return Err(AppError::bad_input(
                "exhibit.invalid_move",
                "Lô tang vật được lập khi đăng ký, không qua giao nhận.",
            ));
        }
        actor.require(permission_for(kind))?;
        let handed_over_by = bounded("handed_over_by", &input.handed_over_by, 200, true)?;
        let received_by = bounded("received_by", &input.received_by, 200, true)?;
        let condition = opt_text("condition", &input.condition, 1000)?;
        let note = match input.note.as_deref() {
            Some(n) if !n.trim().is_empty() => Some(bounded_text("note", n, 2000, false)?),
            _ => None,
        };
        let counterparty = opt_text("counterparty", &input.counterparty, 300)?;
        let mut council = Vec::new();
        for m in &input.council {
            let m = bounded("council", m, 200, false)?;
            if !m.is_empty() && !council.contains(&m) {
                council.push(m);
            }
        }
        let now = self.now();
        let occurred_at = match input
            .occurred_at
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        {
            Some(s) => instant("occurred_at", s)?,
            None => now,
        };
        if occurred_at > now + chrono::Duration::minutes(5) {
            return Err(AppError::bad_input(
                "exhibit.future_time",
                "Thời điểm giao nhận không được ở tương lai.",
            ));
        }

        let mut tx = self.db.begin(now).await?;
        let row = store::get_in(tx.conn(), id)
            .await?
            .ok_or_else(|| AppError::not_found("exhibit.not_found"))?;
        if !qltt_store::units::in_subtree(tx.conn(), &actor.unit_id, &row.unit_id).await? {
            return Err(AppError::not_found("exhibit.not_found"));
        }
        if input.version.is_some_and(|v| v != row.version) {
            return Err(conflict());
        }
        let lot = Lot {
            status: ExhibitStatus::parse(&row.status)?,
            quantity: Quantity::from_milli(row.quantity_milli)?,
            location: location_of(&row),
        };
        let quantity = match &input.quantity {
            Some(q) if !q.is_null() => quantity_of(q)?,
            _ => lot.quantity,
        };
        let to = match &input.to {
            Some(l) => {
                let w = qltt_store::warehouses::get_in(tx.conn(), l.warehouse_id.trim())
                    .await?
                    .ok_or_else(|| {
                        AppError::bad_input("exhibit.unknown_warehouse", "Kho không tồn tại.")
                    })?;
                if !qltt_store::units::in_subtree(tx.conn(), &actor.unit_id, &w.unit_id).await? {
                    return Err(AppError::bad_input(
                        "exhibit.unknown_warehouse",
                        "Kho không tồn tại.",
                    ));
                }
                Some(Location {
                    warehouse_id: w.id,
                    zone: opt_text("zone", &l.zone, 50)?,
                    shelf: opt_text("shelf", &l.shelf, 50)?,
                })
            }
            None => None,
        };
        let photos = self.require_files(&mut tx, actor, &input.photos).await?;
        let minutes = match input.minutes_sha256.as_deref().filter(|s| !s.is_empty()) {
            Some(m) => self
                .require_files(&mut tx, actor, &[m.to_string()])
                .await?
                .pop(),
            None => None,
        };
        if kind == MoveKind::Confiscate {
            // Confiscation follows a decision (LHAV Art. 26): a sanction decision, or a decision
            // not to sanction that still confiscates (LHAV Art. 65).
            let case = qltt_store::cases::get_in(tx.conn(), &row.case_id)
                .await?
                .ok_or_else(|| AppError::internal("case missing"))?;
            if !matches!(
                case.state.as_str(),
                "sanctioned" | "not_sanctioned" | "executed" | "closed"
            ) {
                return Err(AppError::new(
                    ErrorKind::Refused,
                    "exhibit.no_decision",
                    "Chỉ tịch thu khi vụ việc đã có quyết định xử lý.",
                ));
            }
        }
        let outcome = exhibit::apply(
            &lot,
            &Move {
                kind,
                quantity,
                to: to.clone(),
                council: council.clone(),
                minutes_sha256: minutes.clone(),
                counterparty: counterparty.clone(),
            },
        )?;
        let cameras = self
            .camera_refs(&mut tx, &input.cameras, &lot.location, &to)
            .await?;

        let details = json!({
            "from": lot.location,
            "to": to,
            "condition": condition,
            "note": note,
            "photos": photos,
            "cameras": cameras,
            "council": council,
            "minutes_sha256": minutes,
            "counterparty": counterparty,
        });
        let (moved_id, _) = self
            .write_move(
                &mut tx,
                actor,
                &MoveWrite {
                    row: &row,
                    kind,
                    quantity,
                    outcome: &outcome,
                    details,
                    handed_over_by: &handed_over_by,
                    received_by: &received_by,
                    occurred_at,
                    audit: json!({}),
                },
            )
            .await?;
        tx.commit().await?;
        // The answer is the lot that moved (the new one after a split).
        let moved = store::get(self.db.pool(), &moved_id)
            .await?
            .ok_or_else(|| AppError::internal("exhibit vanished"))?;
        self.exhibit_view(moved).await
    }

    /// Validates camera references: the camera watches the place the goods left or reached.
    async fn camera_refs(
        &self,
        tx: &mut qltt_store::WriteTx,
        refs: &[CameraRefInput],
        from: &Option<Location>,
        to: &Option<Location>,
    ) -> AppResult<Vec<serde_json::Value>> {
        let mut out = Vec::new();
        for r in refs {
            let cam = qltt_store::warehouses::camera_in(tx.conn(), r.camera_id.trim())
                .await?
                .ok_or_else(|| {
                    AppError::bad_input("exhibit.unknown_camera", "Camera không tồn tại.")
                })?;
            let watches = [from, to].iter().any(|l| {
                l.as_ref()
                    .is_some_and(|l| l.warehouse_id == cam.warehouse_id)
            });
            if !watches {
                return Err(AppError::bad_input(
                    "exhibit.camera_elsewhere",
                    format!("Camera {} không thuộc kho nơi giao nhận.", cam.code),
                ));
            }
            let start = instant("cameras.from", &r.from)?;
            let end = instant("cameras.to", &r.to)?;
            if end < start {
                return Err(AppError::bad_input(
                    "exhibit.invalid_time",
                    "Thời điểm kết thúc đoạn ghi hình trước thời điểm bắt đầu.",
                ));
            }
            let clip = r
                .clip_sha256
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| s.trim().to_ascii_lowercase());
            let url = r.url.as_deref().map(str::trim).filter(|s| !s.is_empty());
            match (&clip, url) {
                (Some(c), None) => {
                    let found = qltt_store::blobs::get_in(tx.conn(), c).await?;
                    if found.is_none() {
                        return Err(AppError::bad_input(
                            "file.unknown",
                            format!("Tệp {c} chưa được tải lên."),
                        ));
                    }
                }
                (None, Some(u)) if u.starts_with("https://") || u.starts_with("http://") => {}
                _ => {
                    return Err(AppError::bad_input(
                        "exhibit.invalid_clip",
                        "Ghi hình: cần tệp đã tải lên hoặc một đường dẫn http(s), không cả hai.",
                    ));
                }
            }
            let url_sha = r
                .url_sha256
                .as_deref()
                .map(|s| s.trim().to_ascii_lowercase())
                .filter(|s| !s.is_empty());
            if url_sha
                .as_deref()
                .is_some_and(|s| !qltt_blobs::is_sha256(s))
            {
                return Err(AppError::bad_input(
                    "exhibit.invalid_clip",
                    "Mã băm đoạn ghi hình phải là SHA-256 (64 ký tự hex).",
                ));
            }
            out.push(json!({
                "camera_id": cam.id,
                "camera_code": cam.code,
                "from": qltt_store::ts(start),
                "to": qltt_store::ts(end),
                "clip_sha256": clip,
                "url": url,
                "url_sha256": url_sha,
            }));
        }
        Ok(out)
    }
}

pub(super) fn conflict() -> AppError {
    AppError::new(
        ErrorKind::Conflict,
        "exhibit.version_conflict",
        "Lô tang vật vừa được người khác cập nhật; hãy tải lại.",
    )
}

/// A move checked by the domain, ready to be written.
pub(super) struct MoveWrite<'a> {
    pub row: &'a store::ExhibitRow,
    pub kind: MoveKind,
    pub quantity: Quantity,
    pub outcome: &'a exhibit::Outcome,
    /// The custody event's details (places, photos, cameras, decision…).
    pub details: serde_json::Value,
    pub handed_over_by: &'a str,
    pub received_by: &'a str,
    pub occurred_at: DateTime<Utc>,
    /// More fields for the audit event (e.g. the decision that confiscated).
    pub audit: serde_json::Value,
}

impl App {
    /// Writes a move in the caller's transaction: the lot's new state (and, when only part
    /// moved, the split-off lot with its share of the value), the event on each lot's chain and
    /// the audit event. Returns the id of the lot that moved and the hash of the lot's event.
    pub(super) async fn write_move(
        &self,
        tx: &mut qltt_store::WriteTx,
        actor: &Actor,
        m: &MoveWrite<'_>,
    ) -> AppResult<(String, String)> {
        let MoveWrite {
            row,
            kind,
            quantity,
            outcome,
            handed_over_by,
            received_by,
            occurred_at,
            ..
        } = *m;
        let details = &m.details;
        let occurred = qltt_store::ts(occurred_at);
        // Value moves with the quantity, pro rata, in whole đồng (the remainder stays on the lot
        // that stays, so the total never changes).
        let moved_value = if outcome.split.is_some() {
            ((row.estimated_value as i128 * quantity.milli() as i128)
                / row.quantity_milli.max(1) as i128) as i64
        } else {
            row.estimated_value
        };
        let (stays, moved_id) = match &outcome.split {
            None => (&outcome.lot, row.id.clone()),
            Some(part) => {
                let year = chrono::Datelike::year(&occurred_at);
                let unit = qltt_store::units::get_in(tx.conn(), &row.unit_id)
                    .await?
                    .ok_or_else(|| AppError::internal("unit missing"))?;
                let seq = qltt_store::documents::next_seq(tx, &unit.id, "TV", year).await?;
                let lot_no = format!("{}-TV-{year}-{seq:05}", unit.code);
                let child = store::insert(
                    tx,
                    &NewExhibit {
                        case_id: &row.case_id,
                        unit_id: &row.unit_id,
                        lot_no: &lot_no,
                        parent_id: Some(&row.id),
                        kind: &row.kind,
                        category: &row.category,
                        description: &row.description,
                        brand: row.brand.as_deref(),
                        unit_of_measure: &row.unit_of_measure,
                        quantity_milli: part.quantity.milli(),
                        estimated_value: moved_value,
                        seal_numbers: &row.seal_numbers,
                        photos: &row.photos,
                        status: part.status.as_str(),
                        warehouse_id: part.location.as_ref().map(|l| l.warehouse_id.as_str()),
                        zone: part.location.as_ref().and_then(|l| l.zone.as_deref()),
                        shelf: part.location.as_ref().and_then(|l| l.shelf.as_deref()),
                        seizure_document_id: row.seizure_document_id.as_deref(),
                        seized_on: &row.seized_on,
                        seizure_due: &row.seizure_due,
                        created_by: &actor.id,
                    },
                )
                .await?;
                (&outcome.lot, child)
            }
        };
        // The event on the lot the move was made on (for a split: "this much left for lot X").
        let mut parent_details = details.clone();
        if outcome.split.is_some() {
            parent_details["split_into"] = json!(moved_id);
        }
        let event = store::append_event(
            tx,
            &NewCustodyEvent {
                exhibit_id: &row.id,
                kind: kind.as_str(),
                quantity_milli: quantity.milli(),
                occurred_at: &occurred,
                handed_over_by,
                received_by,
                details: &parent_details,
                recorded_by: &actor.id,
                follows: None,
            },
        )
        .await?;
        let updated = store::update(
            tx,
            &row.id,
            row.version,
            &LotUpdate {
                status: stays.status.as_str(),
                quantity_milli: stays.quantity.milli(),
                estimated_value: row.estimated_value
                    - if outcome.split.is_some() {
                        moved_value
                    } else {
                        0
                    },
                warehouse_id: stays.location.as_ref().map(|l| l.warehouse_id.as_str()),
                zone: stays.location.as_ref().and_then(|l| l.zone.as_deref()),
                shelf: stays.location.as_ref().and_then(|l| l.shelf.as_deref()),
            },
        )
        .await?;
        if !updated {
            return Err(conflict());
        }
        if outcome.split.is_some() {
            // The split-off lot's chain starts from the parent's event that split it.
            let mut child_details = details.clone();
            child_details["split_from"] = json!(row.id);
            store::append_event(
                tx,
                &NewCustodyEvent {
                    exhibit_id: &moved_id,
                    kind: kind.as_str(),
                    quantity_milli: quantity.milli(),
                    occurred_at: &occurred,
                    handed_over_by,
                    received_by,
                    details: &child_details,
                    recorded_by: &actor.id,
                    follows: Some(&event.hash),
                },
            )
            .await?;
        }
        crate::record(
            tx,
            actor,
            crate::Change {
                action: "exhibit.move",
                entity_type: "exhibit",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "exhibit.changed",
                details: {
                    let mut d = json!({
                        "kind": kind.as_str(),
                        "quantity_milli": quantity.milli(),
                        "split_into": outcome.split.as_ref().map(|_| moved_id.clone()),
                        "custody_hash": event.hash,
                    });
                    if let (Some(d), Some(extra)) = (d.as_object_mut(), m.audit.as_object()) {
                        d.extend(extra.clone());
                    }
                    d
                },
            },
        )
        .await?;
        Ok((moved_id, event.hash))
    }
}
