//! The chain of custody of one exhibit lot as a pure state machine.
//!
//! A lot is a quantity of one kind of goods (or one means) from one case. Every move names who
//! handed over, who received, the quantity and the condition; the rules here decide whether the
//! move is possible and what the lot becomes. A move of part of a lot splits it: the moved part
//! becomes a new lot (a child, with its own chain starting from the parent's head), the rest
//! stays where it was. So a quantity can never go negative and never appear from nowhere: the
//! sum of a lot and its children is always the quantity seized (property-tested below).

use serde::{Deserialize, Serialize};

use super::Quantity;
use crate::DomainError;

labelled_enum!(
    /// Where a lot is in its life. `Seized` is the state at the violation record (goods sealed on
    /// the spot, not yet in a warehouse); the last four are terminal.
    ExhibitStatus, "status", "exhibit.invalid_status", "Trạng thái tang vật không hợp lệ.", {
    Seized => "seized", "Đã tạm giữ, chưa nhập kho",
    InCustody => "in_custody", "Đang lưu kho",
    CheckedOut => "checked_out", "Đã xuất kho để giám định",
    AwaitingDisposal => "awaiting_disposal", "Chờ xử lý (đã tịch thu)",
    Returned => "returned", "Đã trả lại",
    Destroyed => "destroyed", "Đã tiêu hủy",
    Sold => "sold", "Đã bán đấu giá",
    HandedOver => "handed_over", "Đã bàn giao cơ quan khác",
});

impl ExhibitStatus {
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ExhibitStatus::Returned
                | ExhibitStatus::Destroyed
                | ExhibitStatus::Sold
                | ExhibitStatus::HandedOver
        )
    }

    /// Whether the lot sits in a warehouse (so it has a location and counts in stock).
    pub fn in_warehouse(self) -> bool {
        matches!(
            self,
            ExhibitStatus::InCustody | ExhibitStatus::AwaitingDisposal
        )
    }
}

labelled_enum!(
    /// A custody event. `seize` opens a lot's chain (the goods as sealed at the record); the next
    /// seven are the moves of the API (`POST /exhibits/{id}/moves`); `confiscate` is written when
    /// the sanction decision confiscates the goods (LHAV Art. 26), moving them to awaiting
    /// disposal.
    MoveKind, "kind", "exhibit.invalid_move",
    "Loại giao nhận không hợp lệ (check_in, transfer, check_out, return, destroy, sell, handover, confiscate).", {
    Seize => "seize", "Tạm giữ, niêm phong",
    CheckIn => "check_in", "Nhập kho",
    Transfer => "transfer", "Chuyển kho",
    CheckOut => "check_out", "Xuất kho để giám định",
    Return => "return", "Trả lại",
    Destroy => "destroy", "Tiêu hủy",
    Sell => "sell", "Bán đấu giá",
    Handover => "handover", "Bàn giao cơ quan khác",
    Confiscate => "confiscate", "Tịch thu theo quyết định xử phạt",
});

/// Where a lot is kept: store, zone, shelf.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub warehouse_id: String,
    pub zone: Option<String>,
    pub shelf: Option<String>,
}

/// What the state machine needs to know about a lot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lot {
    pub status: ExhibitStatus,
    pub quantity: Quantity,
    pub location: Option<Location>,
}

/// A requested move, already parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub kind: MoveKind,
    pub quantity: Quantity,
    /// Where the goods go (check-in, transfer).
    pub to: Option<Location>,
    /// Destruction needs the council's minutes (a stored file) and at least two members.
    pub council: Vec<String>,
    pub minutes_sha256: Option<String>,
    /// Handover: the receiving agency; return: the person who took the goods back.
    pub counterparty: Option<String>,
}

/// What a move does: the lot as it stays, and the split-off part if only part moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The lot the move was made on, after it (the whole lot when nothing was split).
    pub lot: Lot,
    /// The part moved, as a new lot, when the move took less than the whole quantity.
    pub split: Option<Lot>,
}

/// The state a move leads to, from the states it may start in.
fn target(kind: MoveKind, from: ExhibitStatus) -> Result<ExhibitStatus, DomainError> {
    use ExhibitStatus as S;
    use MoveKind as M;
    let to = match (kind, from) {
        // Goods sealed on the spot, or back from examination, go into a warehouse.
        (M::CheckIn, S::Seized | S::CheckedOut) => S::InCustody,
        // Moving between stores keeps the status (awaiting disposal stays awaiting disposal).
        (M::Transfer, S::InCustody | S::AwaitingDisposal) => from,
        (M::CheckOut, S::InCustody) => S::CheckedOut,
        // Items not confiscated go back to the owner (LHAV Art. 126).
        (M::Return, S::Seized | S::InCustody | S::CheckedOut) => S::Returned,
        (M::Confiscate, S::Seized | S::InCustody | S::CheckedOut) => S::AwaitingDisposal,
        // Disposal happens only to what a decision confiscated.
        (M::Destroy, S::AwaitingDisposal) => S::Destroyed,
        (M::Sell, S::AwaitingDisposal) => S::Sold,
        // Handing the dossier to an investigation agency takes the goods along (LHAV Art. 62).
        (M::Handover, S::Seized | S::InCustody | S::CheckedOut | S::AwaitingDisposal) => {
            S::HandedOver
        }
        _ => {
            return Err(DomainError::refused(
                "exhibit.invalid_move",
                format!(
                    "Không thể {} tang vật đang ở trạng thái \"{}\".",
                    kind.label().to_lowercase(),
                    from.label()
                ),
            ));
        }
    };
    Ok(to)
}

/// Applies a move to a lot, or says why the law or the ledger refuses it.
pub fn apply(lot: &Lot, mv: &Move) -> Result<Outcome, DomainError> {
    if lot.status.is_terminal() {
        return Err(DomainError::refused(
            "exhibit.closed",
            format!(
                "Tang vật đã kết thúc ({}); không thể giao nhận thêm.",
                lot.status.label()
            ),
        ));
    }
    let to_status = target(mv.kind, lot.status)?;
    if mv.quantity.is_zero() {
        return Err(DomainError::invalid(
            "quantity",
            "exhibit.invalid_quantity",
            "Số lượng giao nhận phải lớn hơn 0.",
        ));
    }
    let Some(rest) = lot.quantity.checked_sub(mv.quantity) else {
        return Err(DomainError::refused(
            "exhibit.quantity_exceeds_stock",
            format!(
                "Số lượng giao nhận ({}) lớn hơn số lượng của lô ({}).",
                mv.quantity, lot.quantity
            ),
        ));
    };
    let to_location = match mv.kind {
        MoveKind::CheckIn | MoveKind::Transfer => {
            let Some(to) = &mv.to else {
                return Err(DomainError::invalid(
                    "to",
                    "exhibit.location_required",
                    "Cần ghi kho, khu, kệ nơi để tang vật.",
                ));
            };
            if mv.kind == MoveKind::Transfer && lot.location.as_ref() == Some(to) {
                return Err(DomainError::refused(
                    "exhibit.same_location",
                    "Nơi chuyển đến trùng với nơi đang để.",
                ));
            }
            Some(to.clone())
        }
        // Confiscation changes the legal status, not the shelf.
        MoveKind::Confiscate => lot.location.clone(),
        _ => None,
    };
    if mv.kind == MoveKind::Destroy {
        // Confiscated goods are disposed of under LHAV Art. 82; destruction is done by a council
        // and recorded in minutes. (The decree article that sets the council's make-up is
        // UNCONFIRMED — docs/legal.md; two members is our floor, not a legal number.)
        if mv.council.len() < 2 {
            return Err(DomainError::invalid(
                "council",
                "exhibit.council_required",
                "Tiêu hủy phải do hội đồng (ít nhất 2 thành viên) thực hiện.",
            ));
        }
        if mv.minutes_sha256.is_none() {
            return Err(DomainError::invalid(
                "minutes",
                "exhibit.minutes_required",
                "Tiêu hủy phải kèm biên bản tiêu hủy.",
            ));
        }
    }
    if matches!(mv.kind, MoveKind::Handover | MoveKind::Return)
        && mv
            .counterparty
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
    {
        return Err(DomainError::invalid(
            "counterparty",
            "exhibit.counterparty_required",
            "Cần ghi người hoặc cơ quan nhận.",
        ));
    }
    let moved = Lot {
        status: to_status,
        quantity: mv.quantity,
        location: to_location,
    };
    if rest.is_zero() {
        Ok(Outcome {
            lot: moved,
            split: None,
        })
    } else {
        Ok(Outcome {
            lot: Lot {
                status: lot.status,
                quantity: rest,
                location: lot.location.clone(),
            },
            split: Some(moved),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn loc(w: &str) -> Location {
        Location {
            warehouse_id: w.into(),
            zone: Some("A".into()),
            shelf: Some("1".into()),
        }
    }

    fn lot(status: ExhibitStatus, units: i64) -> Lot {
        Lot {
            status,
            quantity: Quantity::whole(units).unwrap(),
            location: status.in_warehouse().then(|| loc("kho-1")),
        }
    }

    fn mv(kind: MoveKind, units: i64) -> Move {
        Move {
            kind,
            quantity: Quantity::whole(units).unwrap(),
            to: matches!(kind, MoveKind::CheckIn | MoveKind::Transfer).then(|| loc("kho-2")),
            council: vec!["Nguyễn Văn A".into(), "Trần Thị B".into()],
            minutes_sha256: Some("ab".repeat(32)),
            counterparty: Some("Công an tỉnh Quảng Ninh".into()),
        }
    }

    fn code(r: Result<Outcome, DomainError>) -> &'static str {
        r.err().map(|e| e.code()).unwrap_or("ok")
    }

    #[test]
    fn sealed_goods_are_checked_into_a_warehouse_whole() {
        let out = apply(
            &lot(ExhibitStatus::Seized, 340),
            &mv(MoveKind::CheckIn, 340),
        )
        .unwrap();
        assert_eq!(out.lot.status, ExhibitStatus::InCustody);
        assert_eq!(out.lot.location, Some(loc("kho-2")));
        assert_eq!(out.split, None);
    }

    #[test]
    fn taking_part_of_a_lot_splits_it() {
        let out = apply(
            &lot(ExhibitStatus::InCustody, 340),
            &mv(MoveKind::CheckOut, 40),
        )
        .unwrap();
        assert_eq!(out.lot.status, ExhibitStatus::InCustody);
        assert_eq!(out.lot.quantity, Quantity::whole(300).unwrap());
        let part = out.split.unwrap();
        assert_eq!(part.status, ExhibitStatus::CheckedOut);
        assert_eq!(part.quantity, Quantity::whole(40).unwrap());
        assert_eq!(part.location, None);
    }

    #[test]
    fn more_than_the_lot_holds_is_refused() {
        assert_eq!(
            code(apply(
                &lot(ExhibitStatus::InCustody, 10),
                &mv(MoveKind::Transfer, 11)
            )),
            "exhibit.quantity_exceeds_stock"
        );
        assert_eq!(
            code(apply(
                &lot(ExhibitStatus::InCustody, 10),
                &mv(MoveKind::Transfer, 0)
            )),
            "exhibit.invalid_quantity"
        );
    }

    #[test]
    fn only_confiscated_goods_are_destroyed_or_sold() {
        for kind in [MoveKind::Destroy, MoveKind::Sell] {
            assert_eq!(
                code(apply(&lot(ExhibitStatus::InCustody, 5), &mv(kind, 5))),
                "exhibit.invalid_move"
            );
            assert_eq!(
                code(apply(
                    &lot(ExhibitStatus::AwaitingDisposal, 5),
                    &mv(kind, 5)
                )),
                "ok"
            );
        }
    }

    #[test]
    fn destruction_needs_a_council_and_minutes() {
        let awaiting = lot(ExhibitStatus::AwaitingDisposal, 5);
        let mut m = mv(MoveKind::Destroy, 5);
        m.council = vec!["Nguyễn Văn A".into()];
        assert_eq!(code(apply(&awaiting, &m)), "exhibit.council_required");
        let mut m = mv(MoveKind::Destroy, 5);
        m.minutes_sha256 = None;
        assert_eq!(code(apply(&awaiting, &m)), "exhibit.minutes_required");
    }

    #[test]
    fn a_finished_lot_takes_no_more_moves() {
        for status in [
            ExhibitStatus::Returned,
            ExhibitStatus::Destroyed,
            ExhibitStatus::Sold,
            ExhibitStatus::HandedOver,
        ] {
            for kind in MoveKind::ALL {
                assert_eq!(
                    code(apply(&lot(status, 1), &mv(*kind, 1))),
                    "exhibit.closed"
                );
            }
        }
    }

    #[test]
    fn check_in_and_transfer_need_a_place_and_transfer_a_new_one() {
        let mut m = mv(MoveKind::CheckIn, 1);
        m.to = None;
        assert_eq!(
            code(apply(&lot(ExhibitStatus::Seized, 1), &m)),
            "exhibit.location_required"
        );
        let mut m = mv(MoveKind::Transfer, 1);
        m.to = Some(loc("kho-1"));
        assert_eq!(
            code(apply(&lot(ExhibitStatus::InCustody, 1), &m)),
            "exhibit.same_location"
        );
    }

    #[test]
    fn handover_and_return_name_who_received() {
        let mut m = mv(MoveKind::Handover, 1);
        m.counterparty = Some("  ".into());
        assert_eq!(
            code(apply(&lot(ExhibitStatus::InCustody, 1), &m)),
            "exhibit.counterparty_required"
        );
    }

    #[test]
    fn confiscation_keeps_the_shelf() {
        let out = apply(
            &lot(ExhibitStatus::InCustody, 3),
            &mv(MoveKind::Confiscate, 3),
        )
        .unwrap();
        assert_eq!(out.lot.status, ExhibitStatus::AwaitingDisposal);
        assert_eq!(out.lot.location, Some(loc("kho-1")));
    }

    fn any_kind() -> impl Strategy<Value = MoveKind> {
        proptest::sample::select(MoveKind::ALL.to_vec())
    }

    proptest! {
        /// Whatever sequence of moves is tried on a seized lot and its splits, the quantities of
        /// all lots always add up to what was seized, and none is ever negative or zero.
        #[test]
        fn quantity_never_appears_or_vanishes(
            seized in 1i64..10_000,
            moves in proptest::collection::vec((0usize..8, any_kind(), 0i64..12_000), 0..40),
        ) {
            let mut lots = vec![lot(ExhibitStatus::Seized, seized)];
            for (pick, kind, units) in moves {
                let i = pick % lots.len();
                let m = mv(kind, units);
                if let Ok(out) = apply(&lots[i], &m) {
                    lots[i] = out.lot;
                    if let Some(part) = out.split {
                        lots.push(part);
                    }
                }
                let total: i64 = lots.iter().map(|l| l.quantity.milli()).sum();
                prop_assert_eq!(total, seized * 1000);
                prop_assert!(lots.iter().all(|l| l.quantity.milli() > 0));
            }
        }
    }
}
