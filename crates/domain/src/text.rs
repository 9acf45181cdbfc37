//! Bounded, trimmed text: every free-text field has a maximum length so that a pasted novel or a
//! malicious megabyte is refused with a clear message instead of filling the database.

use crate::DomainError;

/// Trims `raw` and checks it is non-empty (when `required`), at most `max` characters and free of
/// control characters (which have no place in a name and break printed forms).
pub fn bounded(
    field: &'static str,
    raw: &str,
    max: usize,
    required: bool,
) -> Result<String, DomainError> {
    let value = raw.trim();
    if required && value.is_empty() {
        return Err(DomainError::invalid(
            field,
            "validation.required",
            "Trường này không được để trống.",
        ));
    }
    let len = value.chars().count();
    if len > max {
        return Err(DomainError::invalid(
            field,
            "validation.too_long",
            format!("Dài quá {max} ký tự (hiện có {len})."),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            field,
            "validation.control_characters",
            "Có ký tự điều khiển không hợp lệ.",
        ));
    }
    Ok(value.to_string())
}

/// Like [`bounded`] for multi-line text (facts, findings, explanations): line breaks and tabs are
/// kept (Windows line ends become `\n`), other control characters are refused.
pub fn bounded_text(
    field: &'static str,
    raw: &str,
    max: usize,
    required: bool,
) -> Result<String, DomainError> {
    let normalised = raw.replace("\r\n", "\n");
    let placeholder: String = normalised
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect();
    bounded(field, &placeholder, max, required)?;
    Ok(normalised.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded_by_characters_not_bytes() {
        assert_eq!(
            bounded("name", "  Đội số 1 ", 10, true),
            Ok("Đội số 1".into())
        );
        // 10 Vietnamese letters are 10 characters even though they take more bytes.
        assert!(bounded("name", "ĐĐĐĐĐĐĐĐĐĐ", 10, true).is_ok());
        assert_eq!(
            bounded("name", "ĐĐĐĐĐĐĐĐĐĐĐ", 10, true).map_err(|e| e.code()),
            Err("validation.too_long")
        );
        assert_eq!(
            bounded("name", "   ", 10, true).map_err(|e| e.code()),
            Err("validation.required")
        );
        assert_eq!(bounded("name", "", 10, false), Ok(String::new()));
        assert_eq!(
            bounded("name", "a\u{0}b", 10, true).map_err(|e| e.code()),
            Err("validation.control_characters")
        );
    }
}

/// Text read out of a file (a PDF's text layer, OCR): NFC (a PDF may carry decomposed
/// diacritics, which would neither display nor search like typed text), no page breaks or control
/// characters, no trailing spaces, at most one blank line in a row, trimmed.
pub fn clean_extracted(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let nfc: String = text
        .nfc()
        .map(|c| if c == '\u{c}' { '\n' } else { c })
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    let mut out = String::with_capacity(nfc.len());
    let mut blank = 0;
    for line in nfc.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim().to_string()
}

/// The first `max` characters of `text` on one line (for a list or a status), with "…" when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let mut cut: String = flat.chars().take(max).collect();
    if let Some(space) = cut.rfind(' ') {
        cut.truncate(space);
    }
    cut.push('…');
    cut
}

#[cfg(test)]
mod extracted_tests {
    use super::*;

    #[test]
    fn extracted_text_is_nfc_without_page_breaks() {
        // "Quản" with the hook above as a combining mark (U+0309), as some PDFs carry it.
        let decomposed = "Qua\u{309}n ly\u{301}  \n\u{c}\n\n\nthi\u{323} trươ\u{300}ng\r";
        assert_eq!(clean_extracted(decomposed), "Quản lý\n\nthị trường");
    }

    #[test]
    fn excerpts_cut_at_a_word() {
        assert_eq!(excerpt("Quản lý\nthị trường", 100), "Quản lý thị trường");
        assert_eq!(excerpt("Quản lý thị trường", 10), "Quản lý…");
    }
}
