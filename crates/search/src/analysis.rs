//! Vietnamese-aware text analysis shared by indexing and querying, so both sides cut and fold text
//! the same way.
//!
//! Two spellings of every token are kept: *exact* (NFC, lowercase: "mỹ phẩm") and *folded*
//! (diacritics removed, đ→d: "my pham"). Officers type on phones without diacritics, so the folded
//! spelling is what must match; the exact one only lifts results whose diacritics agree.
//!
//! Identifiers stay whole: a run of letters and digits joined by `-`, `/`, `.`, `_` or `@` is one
//! token ("0101234567-001", "12/qđ-xphc", "0912.345.678"), so a query for the whole identifier
//! hits it exactly. For indexing, the joined parts are emitted too ("12", "qđ", "xphc"), and a
//! phone or code written with dots also gets its digits run together ("0912345678").

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Characters that join two word characters into one identifier token.
fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '/' | '.' | '_' | '@')
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Lowercase NFC text, or with `fold` also without diacritics and with đ→d. Decomposed (NFD)
/// input, as some phone keyboards and copied PDFs produce, ends up the same as precomposed.
pub fn normalize(text: &str, fold: bool) -> String {
    if fold {
        // Decompose so every tone and vowel mark becomes a separate combining mark, then drop them.
        // đ/Đ is a letter of its own (no decomposition), hence the explicit mapping.
        text.nfd()
            .filter(|c| !is_combining_mark(*c))
            .map(|c| match c {
                'đ' | 'Đ' => 'd',
                _ => c,
            })
            .flat_map(char::to_lowercase)
            .collect()
    } else {
        text.nfc().flat_map(char::to_lowercase).collect()
    }
}

/// Whole tokens of already normalized text, with their byte offsets.
fn whole_tokens(norm: &str) -> Vec<(usize, &str)> {
    let chars: Vec<(usize, char)> = norm.char_indices().collect();
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, &(at, c)) in chars.iter().enumerate() {
        let joins = is_joiner(c)
            && start.is_some()
            && chars.get(i + 1).is_some_and(|&(_, next)| is_word(next));
        if is_word(c) || joins {
            if start.is_none() {
                start = Some(at);
            }
        } else if let Some(s) = start.take() {
            out.push((s, &norm[s..at]));
        }
    }
    if let Some(s) = start {
        out.push((s, &norm[s..]));
    }
    out
}

/// The words of a query: whole tokens only (a query for "12/qd-xphc" must not turn into "12").
pub fn query_terms(text: &str, fold: bool) -> Vec<String> {
    let norm = normalize(text, fold);
    whole_tokens(&norm)
        .into_iter()
        .map(|(_, t)| t.to_string())
        .collect()
}

/// Every term indexed for `text`: each whole token, then (for identifiers) its parts and, when all
/// parts are digits, the digits run together.
pub fn index_terms(text: &str, fold: bool, parts: bool) -> Vec<Token> {
    let norm = normalize(text, fold);
    let mut out = Vec::new();
    for (position, (at, tok)) in whole_tokens(&norm).into_iter().enumerate() {
        let mut push = |text: &str, from: usize, to: usize| {
            out.push(Token {
                offset_from: from,
                offset_to: to,
                position,
                text: text.to_string(),
                position_length: 1,
            });
        };
        push(tok, at, at + tok.len());
        if parts && tok.contains(is_joiner) {
            let pieces: Vec<&str> = tok.split(is_joiner).filter(|p| !p.is_empty()).collect();
            for p in &pieces {
                push(p, at, at + tok.len());
            }
            if pieces.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())) {
                push(&pieces.concat(), at, at + tok.len());
            }
        }
    }
    out
}

/// The tantivy side of [`index_terms`]: registered under a name per field flavour.
#[derive(Clone)]
pub struct VnTokenizer {
    pub fold: bool,
    pub parts: bool,
}

pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        // `advance` returned true before any call, so next >= 1 and in range.
        &self.tokens[self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1))]
    }

    fn token_mut(&mut self) -> &mut Token {
        let i = self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1));
        &mut self.tokens[i]
    }
}

impl Tokenizer for VnTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream {
            tokens: index_terms(text, self.fold, self.parts),
            next: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, fold: bool) -> Vec<String> {
        index_terms(text, fold, true)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn nfc_and_nfd_fold_alike() {
        let nfc = "Mỹ phẩm Đà Nẵng";
        let nfd: String = nfc.nfd().collect();
        assert_ne!(nfc, nfd);
        assert_eq!(normalize(nfc, true), "my pham da nang");
        assert_eq!(normalize(&nfd, true), "my pham da nang");
        assert_eq!(normalize(&nfd, false), normalize(nfc, false));
        assert_eq!(normalize(nfc, false), "mỹ phẩm đà nẵng");
    }

    #[test]
    fn identifiers_stay_whole_and_give_their_parts() {
        assert_eq!(
            texts("QĐ số 12/QĐ-XPHC.", true),
            ["qd", "so", "12/qd-xphc", "12", "qd", "xphc"]
        );
        assert_eq!(
            texts("MST 0101234567-001", true),
            [
                "mst",
                "0101234567-001",
                "0101234567",
                "001",
                "0101234567001"
            ]
        );
        assert_eq!(
            texts("ĐT: 0912.345.678", true),
            ["dt", "0912.345.678", "0912", "345", "678", "0912345678"]
        );
        assert_eq!(query_terms("12/QĐ-XPHC", true), ["12/qd-xphc"]);
        assert_eq!(query_terms("  - / ", true), Vec::<String>::new());
    }
}
