//! The pieces a form is made of: parties, acts, amounts, the opening line of a record, the
//! signature blocks.

use chrono::{DateTime, Utc};
use qltt_docs::{Amount, Field, Party, Section, Signature};
use qltt_domain::case::DocumentKind;
use qltt_domain::format::{
    Vnd, amount_in_words, format_date, format_legal_date, parse_date, to_local,
};
use qltt_domain::law::competence::Title;
use serde_json::Value;

pub(super) fn s<'v>(v: &'v Value, pointer: &str) -> Option<&'v str> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
}

pub(super) fn short_date(v: &Value, pointer: &str) -> Option<String> {
    s(v, pointer).and_then(parse_date).map(format_date)
}

/// The subject printed under "QUYẾT ĐỊNH" / "BIÊN BẢN": the title without its document-type word.
pub(super) fn subject(kind: DocumentKind) -> String {
    let label = kind.label();
    for word in [
        "Quyết định ",
        "Biên bản ",
        "Biên lai ",
        "Phiếu ",
        "Đề xuất ",
    ] {
        if let Some(rest) = label.strip_prefix(word) {
            let mut c = rest.chars();
            return match c.next() {
                Some(first) => first.to_uppercase().chain(c).collect(),
                None => String::new(),
            };
        }
    }
    label.to_string()
}

/// The short title of the signer ("Đội trưởng") and who signs for whom.
pub(super) fn signer_role(title: Option<Title>) -> &'static str {
    match title {
        Some(Title::InspectorOnDuty) => "Kiểm soát viên thị trường",
        Some(Title::TeamLeader) => "Đội trưởng",
        Some(Title::ProvincialHead) => "Chi cục trưởng",
        Some(Title::NationalDepartmentHead) => "Cục trưởng",
        None => "Người ra quyết định",
    }
}

/// "Hôm nay, hồi 09 giờ 30 phút ngày 05 tháng 3 năm 2026, tại …" for a record made at an instant.
pub(super) fn opening(at: Option<&str>, place: Option<&str>, date_text: &str) -> String {
    let when = at
        .and_then(|t| t.parse::<DateTime<Utc>>().ok())
        .map(|t| {
            let local = to_local(t);
            format!(
                "hồi {} giờ {} phút {}",
                local.format("%H"),
                local.format("%M"),
                format_legal_date(local.date_naive())
            )
        })
        .unwrap_or_else(|| date_text.to_string());
    match place {
        Some(p) => format!("Hôm nay, {when}, tại {p}."),
        None => format!("Hôm nay, {when}."),
    }
}

pub(super) fn offender_party(data: &Value, content: &Value) -> Option<Party> {
    if let Some(o) = data.pointer("/record_violation/offender") {
        let organisation = s(o, "/kind") == Some("organization");
        let mut fields = vec![Field::new(
            if organisation {
                "Tên tổ chức"
            } else {
                "Họ và tên"
            },
            s(o, "/name").unwrap_or(""),
        )];
        if let Some(r) = s(o, "/representative") {
            fields.push(Field::new("Người đại diện theo pháp luật", r));
        }
        if let Some(id) = s(o, "/id_number") {
            fields.push(Field::new(
                if organisation {
                    "Mã số doanh nghiệp"
                } else {
                    "Số định danh cá nhân"
                },
                id,
            ));
        }
        if let Some(a) = s(o, "/address") {
            fields.push(Field::new("Địa chỉ", a));
        }
        let role = if organisation {
            "Tổ chức vi phạm"
        } else {
            "Cá nhân vi phạm"
        };
        return Some(Party {
            role: role.into(),
            fields,
        });
    }
    let b = content.get("business").filter(|b| !b.is_null())?;
    let mut fields = vec![Field::new("Tên cơ sở", s(b, "/name").unwrap_or(""))];
    if let Some(t) = s(b, "/tax_code") {
        fields.push(Field::new("Mã số thuế", t));
    }
    if let Some(a) = s(b, "/address") {
        fields.push(Field::new("Địa chỉ", a));
    }
    if let Some(r) = s(b, "/representative") {
        fields.push(Field::new("Người đại diện", r));
    }
    Some(Party {
        role: "Cơ sở".into(),
        fields,
    })
}

pub(super) fn people(list: Option<&Value>, role: &str) -> Option<Party> {
    let fields: Vec<Field> = list?
        .as_array()?
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let name = s(p, "/name").unwrap_or("");
            let extra = s(p, "/rank").or_else(|| s(p, "/address")).unwrap_or("");
            let value = if extra.is_empty() {
                name.to_string()
            } else {
                format!("{name} — {extra}")
            };
            Field::new(format!("{}", i + 1), value)
        })
        .collect();
    (!fields.is_empty()).then(|| Party {
        role: role.into(),
        fields,
    })
}

pub(super) fn lines(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The lots a decision confiscates, one line each: "Lô QN-TV-2026-00001: Kem dưỡng da — 120
/// hộp, trị giá 36.000.000 đồng".
pub(super) fn confiscated_lots(v: Option<&Value>) -> Option<Section> {
    let lots = v.and_then(Value::as_array).filter(|a| !a.is_empty())?;
    let paragraphs = lots
        .iter()
        .map(|l| {
            let s = |k: &str| l.get(k).and_then(Value::as_str).unwrap_or_default();
            let value = l
                .get("estimated_value")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            // Part of a lot: the decision says how much of how much it takes.
            let of = if l.get("part").and_then(Value::as_bool) == Some(true) {
                format!(
                    " (trong tổng số {} {})",
                    s("lot_quantity"),
                    s("unit_of_measure")
                )
            } else {
                String::new()
            };
            format!(
                "Lô {}: {} — {} {}{of}, trị giá {}",
                s("lot_no"),
                s("description"),
                s("quantity"),
                s("unit_of_measure"),
                qltt_domain::format::Vnd(value).display()
            )
        })
        .collect();
    Some(Section {
        heading: Some("Tang vật, phương tiện bị tịch thu".into()),
        fields: vec![],
        paragraphs,
    })
}

pub(super) fn text_section(heading: &str, text: Option<&str>) -> Option<Section> {
    text.map(|t| Section {
        heading: Some(heading.into()),
        fields: vec![],
        paragraphs: t
            .lines()
            .map(str::to_string)
            .filter(|l| !l.trim().is_empty())
            .collect(),
    })
}

pub(super) fn money(label: &str, amount: i64) -> Amount {
    Amount {
        label: label.into(),
        figures: Vnd(amount).display(),
        words: amount_in_words(amount),
    }
}

/// The acts of the violation record, each with its basis, facts and (on a decision) its fine.
pub(super) fn acts(data: &Value, fines: Option<&Value>) -> Vec<Section> {
    let list = data
        .pointer("/record_violation/violations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    list.iter()
        .enumerate()
        .map(|(i, a)| {
            let mut fields = Vec::new();
            if let Some(d) = s(a, "/description") {
                fields.push(Field::new("Hành vi", d));
            }
            if let Some(b) = s(a, "/legal_basis") {
                fields.push(Field::new("Quy định tại", b));
            }
            let circumstances = |key: &str| lines(a.get(key)).join("; ");
            let m = circumstances("mitigating");
            if !m.is_empty() {
                fields.push(Field::new("Tình tiết giảm nhẹ", m));
            }
            let g = circumstances("aggravating");
            if !g.is_empty() {
                fields.push(Field::new("Tình tiết tăng nặng", g));
            }
            let fine = fines.and_then(Value::as_array).and_then(|f| {
                f.iter()
                    .find(|l| l.get("violation_type_id") == a.get("violation_type_id"))
            });
            if let Some(amount) = fine.and_then(|l| l.get("amount")).and_then(Value::as_i64) {
                fields.push(Field::new(
                    "Mức phạt",
                    format!("{} ({})", Vnd(amount).display(), amount_in_words(amount)),
                ));
            }
            Section {
                heading: Some(format!("Hành vi vi phạm thứ {}", i + 1)),
                fields,
                paragraphs: s(a, "/facts")
                    .map(|f| vec![f.to_string()])
                    .unwrap_or_default(),
            }
        })
        .collect()
}

pub(super) fn earlier_basis(
    earlier: &[(String, String, String)],
    kind: &str,
    label: &str,
) -> Option<String> {
    earlier
        .iter()
        .rev()
        .find(|(k, _, _)| k == kind)
        .map(|(_, number, on)| {
            let on = parse_date(on).map(format_legal_date).unwrap_or_default();
            format!("Căn cứ {label} số {number} lập {on};")
        })
}

pub(super) fn exhibit_line(e: &Value) -> String {
    let name = s(e, "/name").or_else(|| s(e, "/description")).unwrap_or("");
    let qty = s(e, "/quantity");
    let unit = s(e, "/unit_of_measure").unwrap_or("");
    match qty {
        Some(q) => format!("{name}: {q} {unit}").trim_end().to_string(),
        None => name.to_string(),
    }
}

pub(super) fn signatures(
    kind: DocumentKind,
    decision: bool,
    role: &str,
    delegated: bool,
    signer: &str,
    data: &Value,
    content: &Value,
) -> Vec<Signature> {
    if decision {
        return vec![Signature {
            role: if delegated {
                format!("KT. {role}")
            } else {
                role.to_string()
            },
            capacity: None,
            name: signer.to_string(),
        }];
    }
    let maker = Signature {
        role: match kind {
            DocumentKind::InspectionProposal => "Người đề xuất".into(),
            DocumentKind::Receipt => "Người thu tiền".into(),
            DocumentKind::ClosingNote => "Người lập phiếu".into(),
            _ => "Người lập biên bản".into(),
        },
        capacity: None,
        name: signer.to_string(),
    };
    let other_name = s(data, "/record_violation/offender/name")
        .or_else(|| s(content, "/business/representative"))
        .or_else(|| s(content, "/business/name"));
    let other_role = match kind {
        DocumentKind::InspectionRecord => "Đại diện cơ sở được kiểm tra",
        DocumentKind::Receipt => "Người nộp tiền",
        DocumentKind::InspectionProposal | DocumentKind::ClosingNote => return vec![maker],
        _ => "Cá nhân/tổ chức vi phạm",
    };
    vec![
        Signature {
            role: other_role.into(),
            capacity: Some("(Ký, ghi rõ họ tên)".into()),
            name: other_name.unwrap_or("").to_string(),
        },
        maker,
    ]
}
