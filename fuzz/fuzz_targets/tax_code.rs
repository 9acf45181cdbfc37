//! Tax codes (mã số thuế) and phones as typed on a form or in an imported register: parsing never
//! panics, and what it accepts is a stored form that parses to itself (a tax code passing its own
//! check digit).
#![no_main]

use libfuzzer_sys::fuzz_target;
use qltt_domain::business::tax_code::check_digit;
use qltt_domain::business::{
    BusinessKind, TaxCode, check_email, check_phone, check_tax_code_for_kind, fold,
};

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    // The other identifiers of a business row go through the same checks on import.
    if let Ok(phone) = check_phone(raw) {
        assert_eq!(check_phone(&phone).as_ref(), Ok(&phone), "{raw:?}");
    }
    let _ = check_email(raw);
    let _ = fold(raw);
    let Ok(code) = TaxCode::parse(raw) else {
        return;
    };
    let s = code.as_str();
    // Stored as "0100233488" or "0314409058-002", and stable under a second parse.
    assert!(s.len() == 10 || (s.len() == 14 && &s[10..11] == "-"), "{s:?}");
    assert_eq!(TaxCode::parse(s).as_ref(), Ok(&code), "{s:?} does not parse to itself");
    let d: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    let mut first = [0u32; 9];
    first.copy_from_slice(&d[..9]);
    assert_eq!(check_digit(&first), Some(d[9]));
    assert_eq!(code.parent().len(), 10);
    assert_eq!(code.is_branch(), s.len() == 14);
    for kind in BusinessKind::ALL {
        let _ = check_tax_code_for_kind(kind, Some(&code));
    }
});
