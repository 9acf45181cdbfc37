//! The numbers officers type or search for: a document's number ("12/QĐ-XPHC"), an exhibit
//! quantity ("1.200,5"), a date ("15/03/2026"), an issuer's abbreviation ("QLTT"). Parsing never
//! panics, and an accepted value prints as text that parses back to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qltt_domain::case::numbering::parse_number;
use qltt_domain::exhibit::Quantity;
use qltt_domain::format::{format_date, parse_date};
use qltt_domain::office::abbreviation;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(n) = parse_number(raw, 2026) {
        let printed = n.to_string();
        assert_eq!(parse_number(&printed, 2026), Ok(n), "{raw:?} printed as {printed:?}");
    }
    if let Ok(q) = Quantity::parse(raw) {
        let printed = q.to_string();
        assert_eq!(Quantity::parse(&printed), Ok(q), "{raw:?} printed as {printed:?}");
    }
    if let Some(d) = parse_date(raw) {
        let printed = format_date(d);
        assert_eq!(parse_date(&printed), Some(d), "{raw:?} printed as {printed:?}");
    }
    if let Ok(a) = abbreviation("issuer", raw) {
        assert_eq!(abbreviation("issuer", &a), Ok(a.clone()));
    }
});
