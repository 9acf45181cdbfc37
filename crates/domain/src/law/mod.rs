//! The law in code: counting time on the working-day calendar, deadlines, fines, the right to
//! explain, competence per title, the statute of limitations, seizure and enforcement periods.
//! Each rule cites its article; everything is a pure function of its inputs (the calendar is
//! passed in, never read from a database here).

use serde::{Deserialize, Serialize};

/// Who committed the act. Decree 98/2020 Art. 4: the frames of Chapter II are for individuals;
/// an organisation's frame is twice an individual's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffenderKind {
    Individual,
    Organization,
}
