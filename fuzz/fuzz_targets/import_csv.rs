//! A business register uploaded as CSV (`POST /api/v1/businesses/import`, `qltt import
//! businesses`): whatever the bytes, the importer's reader and row validation give a report or
//! a refusal, never a panic, and every rejected row names a line of the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qltt_app::businesses::import::check_file;

fuzz_target!(|data: &[u8]| {
    if let Ok((_valid, rejected)) = check_file(data) {
        // The header is line 1; a rejected row is a data line after it.
        for r in &rejected {
            assert!(r.line >= 2, "{r:?}");
        }
    }
});
