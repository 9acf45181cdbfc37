//! A business register uploaded as an XLSX workbook: whatever the archive holds (its seeds are
//! real workbooks, mutated), the workbook reader and row validation give a report or a refusal,
//! never a panic, and every rejected row names a line below the header. Inputs that are not a
//! ZIP archive are left to the `import_csv` target.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qltt_app::businesses::import::{Format, check_file, detect};

fuzz_target!(|data: &[u8]| {
    // The importer catches a panic of the workbook reader (a dependency) and refuses the file;
    // libfuzzer-sys's panic hook would abort on it all the same, so the default hook is put
    // back. A panic anywhere else still fails the run: libfuzzer-sys aborts on any panic that
    // leaves this closure.
    static DEFAULT_HOOK: std::sync::Once = std::sync::Once::new();
    DEFAULT_HOOK.call_once(|| drop(std::panic::take_hook()));
    if detect(data) != Format::Xlsx {
        return;
    }
    if let Ok((_valid, rejected)) = check_file(data) {
        for r in &rejected {
            assert!(r.line >= 2, "{r:?}");
        }
    }
});
