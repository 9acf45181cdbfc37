//! The pure core of QLTT: types and rules of law, Vietnamese formats, the audit hash. No I/O, no
//! async, no database: everything here is a function of its inputs and is tested case by case.

#[macro_use]
mod macros;

pub mod audit;
pub mod business;
pub mod case;
pub mod clock;
pub mod error;
pub mod exhibit;
pub mod extraction;
pub mod format;
pub mod law;
pub mod office;
pub mod officer;
pub mod org;
pub mod periodic_report;
pub mod report;
pub mod task;
pub mod text;

pub use clock::Clock;
pub use error::DomainError;
