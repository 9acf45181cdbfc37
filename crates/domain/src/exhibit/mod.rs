//! Exhibits (tang vật) and means (phương tiện) seized in a case, and their chain of custody.
//! Pure rules: quantities, the moves a lot may take, and the hash that links a lot's custody
//! events so that a court can check none was edited, removed or reordered.

mod chain;
pub mod count;
mod custody;
mod quantity;

pub use chain::{CUSTODY_GENESIS, CustodyFields, custody_hash};
pub use custody::{ExhibitStatus, Location, Lot, Move, MoveKind, Outcome, apply};
pub use quantity::Quantity;

labelled_enum!(
    /// Goods (tang vật) or the means used in the violation (phương tiện: vehicles, tools).
    ExhibitKind, "kind", "exhibit.invalid_kind", "Loại phải là tang vật (goods) hoặc phương tiện (means).", {
    Goods => "goods", "Tang vật",
    Means => "means", "Phương tiện",
});
