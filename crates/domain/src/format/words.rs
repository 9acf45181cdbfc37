//! Amounts in words ("bằng chữ"), required next to the figure on every sanction decision and
//! receipt so that a figure cannot be altered unnoticed (the forms of Decree 118/2021 carry
//! "Số tiền bằng chữ"). The reading follows standard Vietnamese number reading:
//! - groups of three digits named nghìn, triệu, tỷ, and for larger amounts "nghìn tỷ", "triệu tỷ";
//! - inside a group that is not the first one, an empty hundreds place is read "không trăm";
//! - an empty tens place before a non-zero unit is read "linh" (105 → "một trăm linh năm");
//! - 1 after a tens digit ≥ 2 is "mốt", 5 after any tens digit is "lăm", 4 after a tens digit ≥ 2 is "tư";
//! - 10..19 use "mười", 20+ use "mươi".

const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// "Hai triệu năm trăm nghìn đồng" for 2.500.000. Capitalised, as forms write it.
pub fn amount_in_words(amount: i64) -> String {
    let mut words = number_in_words(amount.unsigned_abs());
    if amount < 0 {
        words = format!("âm {words}");
    }
    let mut out = capitalise(&words);
    out.push_str(" đồng");
    out
}

/// The reading of a non-negative whole number, lower case ("một trăm linh năm").
pub fn number_in_words(n: u64) -> String {
    if n == 0 {
        return DIGITS[0].to_string();
    }
    // Split into groups of 3 digits, least significant first.
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push((rest % 1000) as u16);
        rest /= 1000;
    }
    let mut parts: Vec<String> = Vec::new();
    let top = groups.len() - 1;
    for (i, &g) in groups.iter().enumerate().rev() {
        if g == 0 {
            continue;
        }
        let reading = read_group(g, i != top);
        let scale = scale_name(i);
        if scale.is_empty() {
            parts.push(reading);
        } else {
            parts.push(format!("{reading} {scale}"));
        }
    }
    parts.join(" ")
}

/// Name of the i-th group of three digits: 10^(3i). The scale cycles nghìn, triệu, tỷ, and every
/// third group repeats with "tỷ" appended (10^12 = "nghìn tỷ", 10^18 = "tỷ tỷ").
fn scale_name(i: usize) -> String {
    if i == 0 {
        return String::new();
    }
    let base = match i % 3 {
        1 => "nghìn",
        2 => "triệu",
        _ => "",
    };
    let billions = i / 3;
    let mut name = base.to_string();
    for _ in 0..billions {
        if !name.is_empty() {
            name.push(' ');
        }
        name.push_str("tỷ");
    }
    name
}

/// Reads one group of three digits. `full` is true when a more significant group precedes it,
/// so that an empty hundreds place must be spoken ("không trăm").
fn read_group(g: u16, full: bool) -> String {
    let hundreds = (g / 100) as usize;
    let tens = ((g / 10) % 10) as usize;
    let units = (g % 10) as usize;
    let mut words: Vec<&str> = Vec::new();
    if hundreds > 0 || full {
        words.push(DIGITS[hundreds]);
        words.push("trăm");
    }
    match tens {
        0 => {
            if units > 0 && !words.is_empty() {
                words.push("linh");
            }
        }
        1 => words.push("mười"),
        t => {
            words.push(DIGITS[t]);
            words.push("mươi");
        }
    }
    if units > 0 {
        let unit_word = match (tens, units) {
            (t, 1) if t >= 2 => "mốt",
            (t, 5) if t >= 1 => "lăm",
            (t, 4) if t >= 2 => "tư",
            (_, u) => DIGITS[u],
        };
        words.push(unit_word);
    }
    words.join(" ")
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_the_forms_write_them() {
        let cases: &[(i64, &str)] = &[
            (0, "Không đồng"),
            (1, "Một đồng"),
            (5, "Năm đồng"),
            (10, "Mười đồng"),
            (11, "Mười một đồng"),
            (14, "Mười bốn đồng"),
            (15, "Mười lăm đồng"),
            (20, "Hai mươi đồng"),
            (21, "Hai mươi mốt đồng"),
            (24, "Hai mươi tư đồng"),
            (25, "Hai mươi lăm đồng"),
            (100, "Một trăm đồng"),
            (101, "Một trăm linh một đồng"),
            (105, "Một trăm linh năm đồng"),
            (110, "Một trăm mười đồng"),
            (115, "Một trăm mười lăm đồng"),
            (1_000, "Một nghìn đồng"),
            (1_005, "Một nghìn không trăm linh năm đồng"),
            (1_050, "Một nghìn không trăm năm mươi đồng"),
            (250_000, "Hai trăm năm mươi nghìn đồng"),
            (2_500_000, "Hai triệu năm trăm nghìn đồng"),
            (1_000_005, "Một triệu không trăm linh năm đồng"),
            (15_000_000, "Mười lăm triệu đồng"),
            (1_000_000_000, "Một tỷ đồng"),
            (
                22_150_000_000,
                "Hai mươi hai tỷ một trăm năm mươi triệu đồng",
            ),
            (1_000_000_000_000, "Một nghìn tỷ đồng"),
            (1_000_000_000_001, "Một nghìn tỷ không trăm linh một đồng"),
            (-5, "Âm năm đồng"),
        ];
        for (n, want) in cases {
            assert_eq!(amount_in_words(*n), *want, "{n}");
        }
    }

    #[test]
    fn scales_beyond_a_thousand_billion() {
        assert_eq!(number_in_words(1_000_000_000_000_000), "một triệu tỷ");
        assert_eq!(number_in_words(1_000_000_000_000_000_000), "một tỷ tỷ");
        // u64::MAX must not panic.
        assert!(!number_in_words(u64::MAX).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn every_amount_has_a_reading_without_double_spaces(n in 0u64..=u64::MAX) {
            let w = number_in_words(n);
            proptest::prop_assert!(!w.contains("  "));
            proptest::prop_assert!(!w.starts_with(' ') && !w.ends_with(' '));
            // The first word is never a spoken zero unless the number is zero.
            proptest::prop_assert_eq!(w.starts_with("không"), n == 0);
        }
    }
}
