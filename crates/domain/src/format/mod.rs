//! Vietnamese formats for money, amounts in words and dates.
pub mod date;
pub mod money;
pub mod words;

pub use date::{format_date, format_instant, format_legal_date, legal_day, parse_date, to_local};
pub use money::Vnd;
pub use words::{amount_in_words, number_in_words};
