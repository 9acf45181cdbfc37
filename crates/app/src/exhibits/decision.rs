//! What a decision does to the goods. The sanction decision (or the decision not to sanction
//! that still confiscates, LHAV Art. 65) names the lots it confiscates; they move to "awaiting
//! disposal" in the same transaction as the decision, with a custody event that names the
//! decision's number. Lots of the case that no decision confiscated are to be returned to their
//! owner (LHAV Art. 126) and wait in the "to return" queue until the keeper records the return.

use qltt_domain::exhibit::{self, ExhibitStatus, Lot, Move, MoveKind, Quantity};
use qltt_store::WriteTx;
use qltt_store::exhibits::{self as store, ExhibitRow, LotUpdate, NewCustodyEvent};
use serde_json::{Value, json};

use crate::{Actor, App, AppError, AppResult, ErrorKind};

/// The lots a decision confiscates, read and checked in the decision's transaction.
#[derive(Debug, Clone, Default)]
pub(crate) struct Confiscation {
    pub lots: Vec<ExhibitRow>,
    /// Their estimated value together (VND): the signer's confiscation competence is weighed
    /// against it (LHAV Art. 45, Decree 189/2025 Art. 12).
    pub value: i64,
}

impl Confiscation {
    /// The lots as the decision's content lists them (and its PDF prints them).
    pub fn summary(&self) -> AppResult<Value> {
        let mut out = Vec::with_capacity(self.lots.len());
        for l in &self.lots {
            out.push(json!({
                "id": l.id,
                "lot_no": l.lot_no,
                "description": l.description,
                "quantity": Quantity::from_milli(l.quantity_milli)?.to_string(),
                "unit_of_measure": l.unit_of_measure,
                "estimated_value": l.estimated_value,
            }));
        }
        Ok(Value::Array(out))
    }
}

fn not_confiscable(message: String) -> AppError {
    AppError::new(ErrorKind::Refused, "case.exhibit_not_confiscable", message)
}

impl App {
    /// Reads the lots named by a decision: each of this case, named once, still held (seized,
    /// in custody or out for examination). A lot of another case, or one already returned,
    /// confiscated or disposed of, is refused with its lot number.
    pub(crate) async fn lots_to_confiscate(
        &self,
        tx: &mut WriteTx,
        case_id: &str,
        ids: &[String],
    ) -> AppResult<Confiscation> {
        crate::cases::input::capped("confiscated_exhibits", ids)?;
        let mut c = Confiscation::default();
        for id in ids {
            let id = id.trim();
            if c.lots.iter().any(|l| l.id == id) {
                continue;
            }
            let row = store::get_in(tx.conn(), id)
                .await?
                .filter(|r| r.case_id == case_id)
                .ok_or_else(|| {
                    AppError::bad_input(
                        "case.unknown_exhibit",
                        format!("Tang vật {id:?} không thuộc vụ việc này."),
                    )
                })?;
            let status = ExhibitStatus::parse(&row.status)?;
            if !matches!(
                status,
                ExhibitStatus::Seized | ExhibitStatus::InCustody | ExhibitStatus::CheckedOut
            ) {
                return Err(not_confiscable(format!(
                    "Lô {} đang ở trạng thái \"{}\": không thể tịch thu.",
                    row.lot_no,
                    status.label()
                )));
            }
            c.value = c.value.saturating_add(row.estimated_value);
            c.lots.push(row);
        }
        Ok(c)
    }

    /// Moves each confiscated lot to "awaiting disposal": the goods stay on their shelf, their
    /// owner changes. `decision` is the numbered document ("12/QĐ-XPHC") and its id.
    pub(crate) async fn confiscate_by_decision(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        c: &Confiscation,
        decision: (&str, &str),
        offender: &str,
        unit_name: &str,
    ) -> AppResult<()> {
        let (document_id, number) = decision;
        let occurred = qltt_store::ts(self.now());
        for row in &c.lots {
            let lot = Lot {
                status: ExhibitStatus::parse(&row.status)?,
                quantity: Quantity::from_milli(row.quantity_milli)?,
                location: super::moves::location_of(row),
            };
            // The same state machine as a move from the page: a decision cannot confiscate what
            // the ledger would not let go.
            let outcome = exhibit::apply(
                &lot,
                &Move {
                    kind: MoveKind::Confiscate,
                    quantity: lot.quantity,
                    to: None,
                    council: vec![],
                    minutes_sha256: None,
                    counterparty: None,
                },
            )?;
            let details = json!({
                "decision": {"id": document_id, "number": number},
                "from": lot.location,
                "to": outcome.lot.location,
            });
            let event = store::append_event(
                tx,
                &NewCustodyEvent {
                    exhibit_id: &row.id,
                    kind: MoveKind::Confiscate.as_str(),
                    quantity_milli: row.quantity_milli,
                    occurred_at: &occurred,
                    handed_over_by: offender,
                    received_by: unit_name,
                    details: &details,
                    recorded_by: &actor.id,
                    follows: None,
                },
            )
            .await?;
            let loc = outcome.lot.location.as_ref();
            let updated = store::update(
                tx,
                &row.id,
                row.version,
                &LotUpdate {
                    status: outcome.lot.status.as_str(),
                    quantity_milli: row.quantity_milli,
                    estimated_value: row.estimated_value,
                    warehouse_id: loc.map(|l| l.warehouse_id.as_str()),
                    zone: loc.and_then(|l| l.zone.as_deref()),
                    shelf: loc.and_then(|l| l.shelf.as_deref()),
                },
            )
            .await?;
            if !updated {
                return Err(super::moves::conflict());
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
                    details: json!({
                        "kind": MoveKind::Confiscate.as_str(),
                        "quantity_milli": row.quantity_milli,
                        "decision": number,
                        "custody_hash": event.hash,
                    }),
                },
            )
            .await?;
        }
        Ok(())
    }
}
