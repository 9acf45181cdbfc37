//! When the reading of a file's text (pdftotext, OCR) that failed is tried again by itself.
//!
//! Not a rule of law but of operation: a failure that may pass on its own (a program that timed
//! out or crashed on a loaded server, the blob store briefly unreachable) is retried by the job
//! after a growing pause, a few times; a failure that will happen again on every try (a damaged
//! PDF, a file type that is not read, a file gone from the store, a program not installed) waits
//! for a person. A missing program (`ocr.unavailable`) counts as permanent: it does not install
//! itself, and once the operator has installed it they requeue every such failure at once
//! (`qltt text retry --code ocr.unavailable`), which the message on the file tells them to do.

use chrono::{DateTime, Duration, Utc};

/// The pauses before the automatic tries, in order: 1 minute, 10 minutes, 1 hour. Their number is
/// the number of automatic tries after the first failure.
pub const BACKOFF_MINUTES: [i64; 3] = [1, 10, 60];

/// How many times a file is tried again by itself before it waits for a person.
pub const MAX_AUTOMATIC_RETRIES: i64 = BACKOFF_MINUTES.len() as i64;

/// Whether a failure with this code may pass on its own.
pub fn is_transient(code: &str) -> bool {
    match code {
        // One page took too long (a loaded server, a slow disk).
        "ocr.timeout"
        // A program ended with an error or was killed (out of memory, a crash), or a temporary
        // file could not be written (a full temporary folder).
        | "ocr.failed"
        // The blob store did not answer (a network share, S3 unreachable for a moment).
        | "ocr.file_unreadable" => true,
        // ocr.unavailable, ocr.bad_file, ocr.file_missing, ocr.file_corrupt,
        // ocr.unsupported_type, and any code not known here: a person must act.
        _ => false,
    }
}

/// When a file that failed with `code` at `failed_at` is tried again by itself, given how many
/// automatic tries it already had since a person last queued it; `None` when it is not (a
/// permanent failure, or the tries are used up).
pub fn next_attempt(
    code: &str,
    automatic_retries_so_far: i64,
    failed_at: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if !is_transient(code) {
        return None;
    }
    let i = usize::try_from(automatic_retries_so_far).ok()?;
    BACKOFF_MINUTES
        .get(i)
        .map(|m| failed_at + Duration::minutes(*m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 5, 2, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn transient_failures_are_retried_after_1_min_10_min_1_hour_then_left() {
        let t = at();
        assert_eq!(
            next_attempt("ocr.timeout", 0, t),
            Some(t + Duration::minutes(1))
        );
        assert_eq!(
            next_attempt("ocr.failed", 1, t),
            Some(t + Duration::minutes(10))
        );
        assert_eq!(
            next_attempt("ocr.file_unreadable", 2, t),
            Some(t + Duration::hours(1))
        );
        assert_eq!(next_attempt("ocr.failed", 3, t), None);
        assert_eq!(next_attempt("ocr.failed", 99, t), None);
        assert_eq!(next_attempt("ocr.failed", -1, t), None);
    }

    #[test]
    fn permanent_failures_wait_for_a_person() {
        for code in [
            "ocr.unavailable",
            "ocr.bad_file",
            "ocr.file_missing",
            "ocr.file_corrupt",
            "ocr.unsupported_type",
            "something.new",
        ] {
            assert!(!is_transient(code), "{code}");
            assert_eq!(next_attempt(code, 0, at()), None, "{code}");
        }
    }

    #[test]
    fn the_pauses_grow() {
        assert!(BACKOFF_MINUTES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(MAX_AUTOMATIC_RETRIES, 3);
    }
}
