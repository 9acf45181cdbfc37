//! What a decision does to the goods. The sanction decision (or the decision not to sanction
//! that still confiscates, LHAV Art. 65) names the lots it confiscates; they move to "awaiting
//! disposal" in the same transaction as the decision, with a custody event that names the
//! decision's number. Lots of the case that no decision confiscated are to be returned to their
//! owner (LHAV Art. 126) and wait in the "to return" queue until the keeper records the return.

use qltt_domain::exhibit::{self, ExhibitStatus, Lot, Move, MoveKind, Quantity};
use qltt_store::WriteTx;
use qltt_store::exhibits::{self as store, ExhibitRow};
use serde_json::{Value, json};

use super::moves::MoveWrite;
use crate::cases::input::LotPick;
use crate::{Actor, App, AppError, AppResult, ErrorKind};

/// A lot a decision confiscates, and how much of it.
#[derive(Debug, Clone)]
pub(crate) struct ConfiscatedLot {
    pub row: ExhibitRow,
    /// The whole lot's quantity, or the part taken (then split off as its own lot).
    pub quantity: Quantity,
    /// The value of what is taken: the lot's, or its share pro rata in whole đồng (as a split
    /// move computes it, so the books and the competence check agree).
    pub value: i64,
}

impl ConfiscatedLot {
    fn whole(&self) -> bool {
        self.quantity.milli() == self.row.quantity_milli
    }
}

/// The lots a decision confiscates, read and checked in the decision's transaction.
#[derive(Debug, Clone, Default)]
pub(crate) struct Confiscation {
    pub lots: Vec<ConfiscatedLot>,
    /// The estimated value of what is taken (VND): the signer's confiscation competence is
    /// weighed against it (LHAV Art. 45, Decree 189/2025 Art. 12).
    pub value: i64,
}

impl Confiscation {
    /// The lots as the decision's content lists them (and its PDF prints them).
    pub fn summary(&self) -> AppResult<Value> {
        let mut out = Vec::with_capacity(self.lots.len());
        for l in &self.lots {
            out.push(json!({
                "id": l.row.id,
                "lot_no": l.row.lot_no,
                "description": l.row.description,
                "quantity": l.quantity.to_string(),
                "lot_quantity": Quantity::from_milli(l.row.quantity_milli)?.to_string(),
                "part": !l.whole(),
                "unit_of_measure": l.row.unit_of_measure,
                "estimated_value": l.value,
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
    /// in custody or out for examination), and, when a quantity is given, no more than the lot
    /// holds. A lot of another case, or one already returned, confiscated or disposed of, is
    /// refused with its lot number.
    pub(crate) async fn lots_to_confiscate(
        &self,
        tx: &mut WriteTx,
        case_id: &str,
        picks: &[LotPick],
    ) -> AppResult<Confiscation> {
        crate::cases::input::capped("confiscated_exhibits", picks)?;
        let mut c = Confiscation::default();
        for pick in picks {
            let id = pick.id().trim();
            if let Some(seen) = c.lots.iter().find(|l| l.row.id == id) {
                // The same whole lot ticked twice is the same decision; two quantities for one
                // lot are a contradiction the signer must resolve.
                if seen.whole() && matches!(pick, LotPick::Whole(_)) {
                    continue;
                }
                return Err(AppError::bad_input(
                    "case.duplicate_exhibit",
                    format!("Lô tang vật {id:?} được ghi hai lần."),
                ));
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
            let held = Quantity::from_milli(row.quantity_milli)?;
            let quantity = match pick {
                LotPick::Whole(_) => held,
                LotPick::Part(p) => super::record::quantity_of(&p.quantity)?,
            };
            if quantity.milli() > held.milli() {
                return Err(not_confiscable(format!(
                    "Lô {} chỉ còn {held} {}: không thể tịch thu {quantity}.",
                    row.lot_no, row.unit_of_measure
                )));
            }
            let value = if quantity.milli() == held.milli() {
                row.estimated_value
            } else {
                ((row.estimated_value as i128 * quantity.milli() as i128)
                    / row.quantity_milli.max(1) as i128) as i64
            };
            c.value = c.value.saturating_add(value);
            c.lots.push(ConfiscatedLot {
                row,
                quantity,
                value,
            });
        }
        Ok(c)
    }

    /// Moves what a decision confiscates to "awaiting disposal": the goods stay on their shelf,
    /// their owner changes; part of a lot is split off as its own lot, and the rest stays held
    /// (to be returned unless another decision takes it). `decision` is the numbered document
    /// ("12/QĐ-XPHC") and its id.
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
        let occurred_at = self.now();
        for l in &c.lots {
            let row = &l.row;
            let lot = Lot {
                status: ExhibitStatus::parse(&row.status)?,
                quantity: Quantity::from_milli(row.quantity_milli)?,
                location: super::moves::location_of(row),
            };
            // The same state machine and the same ledger writes as a move from the page: a
            // decision cannot confiscate what the ledger would not let go.
            let outcome = exhibit::apply(
                &lot,
                &Move {
                    kind: MoveKind::Confiscate,
                    quantity: l.quantity,
                    to: None,
                    council: vec![],
                    minutes_sha256: None,
                    counterparty: None,
                },
            )?;
            let moved_to = outcome
                .split
                .as_ref()
                .map_or(&outcome.lot.location, |p| &p.location);
            let details = json!({
                "decision": {"id": document_id, "number": number},
                "from": lot.location,
                "to": moved_to,
            });
            self.write_move(
                tx,
                actor,
                &MoveWrite {
                    row,
                    kind: MoveKind::Confiscate,
                    quantity: l.quantity,
                    outcome: &outcome,
                    details,
                    handed_over_by: offender,
                    received_by: unit_name,
                    occurred_at,
                    audit: json!({"decision": number}),
                },
            )
            .await?;
        }
        Ok(())
    }
}
