//! From a numbered document (its row and structured content), its case and its unit to what the
//! form prints ([`qltt_docs::Document`]): every field in words, in the order the form has it.

mod parts;

use qltt_docs::{Authority, Document, Field, Section, Verify};
use qltt_domain::case::DocumentKind;
use qltt_domain::law::competence::Title;
use serde_json::Value;

use parts::*;

/// Law texts named in the "Căn cứ" lines. Numbers and dates of promulgation are those in the
/// texts' own titles (LHAV No. 15/2012/QH13 of 20/6/2012; Law No. 67/2020/QH14 of 13/11/2020;
/// Decree 118/2021/NĐ-CP of 23/12/2021; Decree 98/2020/NĐ-CP of 26/8/2020; Ordinance on Market
/// Surveillance No. 11/2016/UBTVQH13 of 08/3/2016). Decree 17/2022 and Circular 27/2020 are named
/// without a date: their dates were not confirmed in this project's research.
const LHAV: &str = "Căn cứ Luật Xử lý vi phạm hành chính ngày 20 tháng 6 năm 2012; Luật sửa đổi, bổ sung một số điều của Luật Xử lý vi phạm hành chính ngày 13 tháng 11 năm 2020;";
const D118: &str = "Căn cứ Nghị định số 118/2021/NĐ-CP ngày 23 tháng 12 năm 2021 của Chính phủ quy định chi tiết một số điều và biện pháp thi hành Luật Xử lý vi phạm hành chính;";
const D98: &str = "Căn cứ Nghị định số 98/2020/NĐ-CP ngày 26 tháng 8 năm 2020 của Chính phủ quy định xử phạt vi phạm hành chính trong hoạt động thương mại, sản xuất, buôn bán hàng giả, hàng cấm và bảo vệ quyền lợi người tiêu dùng, được sửa đổi, bổ sung bởi Nghị định số 17/2022/NĐ-CP;";
const ORDINANCE: &str = "Căn cứ Pháp lệnh Quản lý thị trường ngày 08 tháng 3 năm 2016;";
const TT27: &str = "Căn cứ Thông tư số 27/2020/TT-BCT của Bộ trưởng Bộ Công Thương quy định nội dung, trình tự, thủ tục hoạt động kiểm tra, xử lý vi phạm hành chính và thực hiện các biện pháp nghiệp vụ của lực lượng Quản lý thị trường (đã được sửa đổi, bổ sung);";

/// What the form is built from.
pub struct FormInput<'a> {
    pub kind: DocumentKind,
    pub number: &'a str,
    /// The document's structured content (`documents.content`).
    pub content: &'a Value,
    /// The case's data as the step left it (each step's payload under its action's name).
    pub case_data: &'a Value,
    /// The case's fine total and paid total (for enforcement decisions).
    pub fine_total: i64,
    pub paid_total: i64,
    /// The issuing unit's name and its superior's.
    pub unit_name: &'a str,
    pub parent_name: Option<&'a str>,
    /// The place name of the date line.
    pub place: &'a str,
    /// Numbers of the case's earlier documents by kind (for "Căn cứ Biên bản … số …").
    pub earlier: &'a [(String, String, String)],
    pub verify: Option<Verify>,
    /// A preview: printed with the "DỰ THẢO" (draft) mark.
    pub draft: bool,
}

/// The mark printed across a draft and at its top.
pub const DRAFT_MARK: &str = "DỰ THẢO";

/// Builds the form.
pub fn build(i: &FormInput<'_>) -> Document {
    use DocumentKind as K;
    let c = i.content;
    let body = c.get("body").unwrap_or(&Value::Null);
    let data = i.case_data;
    let date_text = s(c, "/issued_on_text").unwrap_or("").to_string();
    let signer = s(c, "/signer/name").unwrap_or("").to_string();
    let title = s(body, "/signer_title").and_then(|t| Title::parse(t).ok());
    let role = signer_role(title);
    let decision = i.kind.is_decision();
    let mut parties = Vec::new();
    let mut sections = Vec::new();
    let mut amounts = Vec::new();
    let mut bases = Vec::new();
    let mut opening_line = None;
    let offender = offender_party(data, c);
    let fields = |pairs: &[(&str, Option<String>)]| -> Section {
        Section {
            heading: None,
            fields: pairs
                .iter()
                .filter_map(|(l, v)| v.clone().map(|v| Field::new(*l, v)))
                .collect(),
            paragraphs: vec![],
        }
    };
    let violation_record =
        earlier_basis(i.earlier, "violation_record", "Biên bản vi phạm hành chính");
    let sanction_decision = earlier_basis(
        i.earlier,
        "sanction_decision",
        "Quyết định xử phạt vi phạm hành chính",
    )
    .map(|b| b.replace(" lập ", " ngày ").replace("ngày ngày", "ngày"));
    if decision {
        bases.push(LHAV.to_string());
        bases.push(D118.to_string());
    }
    match i.kind {
        K::InspectionProposal => {
            parties.extend(offender);
            sections.push(fields(&[(
                "Thời gian dự kiến kiểm tra",
                short_date(body, "/proposed_start_on"),
            )]));
            sections.extend(text_section("Nội dung đề xuất", s(body, "/content")));
            sections.extend(text_section(
                "Dấu hiệu vi phạm",
                s(body, "/suspected_violation"),
            ));
        }
        K::InspectionDecision => {
            bases = vec![ORDINANCE.to_string(), TT27.to_string()];
            if let Some(n) = s(body, "/delegation_no") {
                bases.push(format!("Căn cứ Quyết định giao quyền số {n};"));
            }
            parties.extend(offender);
            parties.extend(people(body.get("inspection_team"), "Đoàn kiểm tra gồm"));
            sections.push(fields(&[(
                "Thời gian kiểm tra",
                match (short_date(body, "/start_on"), short_date(body, "/end_on")) {
                    (Some(a), Some(b)) => Some(format!("từ ngày {a} đến ngày {b}")),
                    _ => None,
                },
            )]));
            sections.extend(text_section("Nội dung kiểm tra", s(body, "/scope")));
        }
        K::InspectionRecord => {
            opening_line = Some(opening(
                s(body, "/inspected_at"),
                s(body, "/place"),
                &date_text,
            ));
            parties.extend(offender);
            sections.extend(text_section("Kết quả kiểm tra", s(body, "/findings")));
            let found = body
                .get("violation_found")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            sections.push(fields(&[(
                "Kết luận",
                Some(if found {
                    "Phát hiện dấu hiệu vi phạm hành chính.".to_string()
                } else {
                    "Không phát hiện vi phạm.".to_string()
                }),
            )]));
        }
        K::ViolationRecord => {
            opening_line = Some(opening(
                s(body, "/recorded_at"),
                s(body, "/place"),
                &date_text,
            ));
            parties.extend(offender);
            parties.extend(people(body.get("witnesses"), "Người chứng kiến"));
            sections.extend(acts(data, None));
            let exhibits: Vec<String> = body
                .get("exhibits")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(exhibit_line).collect())
                .unwrap_or_default();
            if !exhibits.is_empty() {
                sections.push(Section {
                    heading: Some("Tang vật, phương tiện vi phạm".into()),
                    fields: vec![],
                    paragraphs: exhibits,
                });
            }
            sections.extend(text_section(
                "Ý kiến trình bày của cá nhân/tổ chức vi phạm",
                s(body, "/offender_statement"),
            ));
            if body.get("explanation_right").and_then(Value::as_bool) == Some(true) {
                sections.push(Section { heading: None, fields: vec![], paragraphs: vec![format!(
                    "Cá nhân/tổ chức vi phạm có quyền giải trình (Luật Xử lý vi phạm hành chính, Điều 61){}.",
                    short_date(body, "/explanation_due").map(|d| format!("; hạn giải trình: {d}")).unwrap_or_default()
                )] });
            }
            if body.get("refused_to_sign").and_then(Value::as_bool) == Some(true) {
                sections.push(Section {
                    heading: None,
                    fields: vec![],
                    paragraphs: vec!["Cá nhân/tổ chức vi phạm từ chối ký biên bản.".into()],
                });
            }
        }
        K::ExplanationRecord => {
            opening_line = Some(opening(None, None, &date_text));
            parties.extend(offender);
            if let Some(v) = violation_record.clone() {
                sections.push(Section {
                    heading: None,
                    fields: vec![],
                    paragraphs: vec![v.replace("Căn cứ ", "Theo ").replace(';', ".")],
                });
            }
            sections.extend(text_section("Nội dung giải trình", s(body, "/content")));
        }
        K::SeizureDecision | K::SeizureRecord => {
            if i.kind == K::SeizureRecord {
                opening_line = Some(opening(None, None, &date_text));
            } else {
                bases.extend(violation_record.clone());
            }
            parties.extend(offender);
            let items: Vec<String> = body
                .get("items")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(exhibit_line).collect())
                .unwrap_or_default();
            sections.push(Section {
                heading: Some("Tang vật, phương tiện bị tạm giữ".into()),
                fields: vec![],
                paragraphs: items,
            });
            sections.extend(text_section("Lý do tạm giữ", s(body, "/reason")));
            sections.push(fields(&[(
                "Thời hạn tạm giữ đến hết ngày",
                short_date(body, "/due_on"),
            )]));
        }
        K::SanctionDecision => {
            bases.insert(1, D98.to_string());
            bases.extend(violation_record.clone());
            if let Some(n) = s(body, "/delegation_no") {
                bases.push(format!("Căn cứ Quyết định giao quyền số {n};"));
            }
            parties.extend(offender);
            sections.extend(acts(data, body.get("fines")));
            let extra = lines(body.get("additional_penalties"));
            if !extra.is_empty() {
                sections.push(Section {
                    heading: Some("Hình thức xử phạt bổ sung".into()),
                    fields: vec![],
                    paragraphs: extra,
                });
            }
            sections.extend(confiscated_lots(body.get("confiscated_exhibits")));
            let remedial = lines(body.get("remedial_measures"));
            if !remedial.is_empty() {
                sections.push(Section {
                    heading: Some("Biện pháp khắc phục hậu quả".into()),
                    fields: vec![],
                    paragraphs: remedial,
                });
            }
            if let Some(total) = body.get("total").and_then(Value::as_i64) {
                amounts.push(money("Tổng số tiền phạt", total));
            }
        }
        K::NoSanctionDecision => {
            bases.extend(violation_record.clone());
            parties.extend(offender);
            sections.extend(text_section(
                "Lý do không ra quyết định xử phạt",
                s(body, "/reason"),
            ));
            let conf = lines(body.get("confiscation"));
            if !conf.is_empty() {
                sections.push(Section {
                    heading: Some("Tịch thu tang vật, phương tiện".into()),
                    fields: vec![],
                    paragraphs: conf,
                });
            }
            sections.extend(confiscated_lots(body.get("confiscated_exhibits")));
        }
        K::InstalmentDecision | K::PostponementDecision | K::CoercionDecision => {
            bases.extend(sanction_decision.clone());
            parties.extend(offender);
            if i.kind == K::InstalmentDecision {
                sections.push(fields(&[(
                    "Xác nhận hoàn cảnh kinh tế khó khăn",
                    s(body, "/hardship_certified_by").map(str::to_string),
                )]));
                for (n, p) in body
                    .get("plan")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    let amount = p.get("amount").and_then(Value::as_i64).unwrap_or(0);
                    let due = short_date(p, "/due_on").unwrap_or_default();
                    amounts.push(money(&format!("Lần {} (hạn nộp {due})", n + 1), amount));
                }
            } else {
                sections.push(fields(&[
                    ("Hoãn đến ngày", short_date(body, "/until")),
                    (
                        "Biện pháp cưỡng chế",
                        s(body, "/measure").map(str::to_string),
                    ),
                ]));
                sections.extend(text_section("Lý do", s(body, "/reason")));
                amounts.push(money(
                    "Số tiền phạt còn phải nộp",
                    i.fine_total - i.paid_total,
                ));
            }
        }
        K::TransferDecision => {
            bases.extend(violation_record.clone());
            parties.extend(offender);
            sections.push(fields(&[(
                "Cơ quan tiếp nhận hồ sơ",
                s(body, "/agency").map(str::to_string),
            )]));
            sections.extend(text_section("Dấu hiệu tội phạm", s(body, "/reason")));
        }
        K::Receipt => {
            parties.extend(offender);
            sections.push(fields(&[
                ("Số biên lai", s(body, "/receipt_no").map(str::to_string)),
                ("Ngày nộp", short_date(body, "/paid_on")),
                (
                    "Theo",
                    sanction_decision.clone().map(|b| {
                        b.trim_start_matches("Căn cứ ")
                            .trim_end_matches(';')
                            .to_string()
                    }),
                ),
            ]));
            if let Some(a) = body.get("amount").and_then(Value::as_i64) {
                amounts.push(money("Số tiền đã nộp", a));
            }
            if let Some(l) = body
                .get("late_charge")
                .and_then(Value::as_i64)
                .filter(|l| *l > 0)
            {
                amounts.push(money("Tiền chậm nộp", l));
            }
        }
        K::AnnulmentDecision => {
            // Decree 118/2021 Art. 13: the decision annulled, the ground and the reason.
            let annuls = body.get("annuls").unwrap_or(&Value::Null);
            let named = format!(
                "{} số {} ngày {}",
                s(annuls, "/title").unwrap_or("Quyết định"),
                s(annuls, "/number").unwrap_or(""),
                short_date(annuls, "/issued_on").unwrap_or_default()
            );
            bases.push(format!("Căn cứ {named};"));
            if let Some(n) = s(body, "/delegation_no") {
                bases.push(format!("Căn cứ Quyết định giao quyền số {n};"));
            }
            parties.extend(offender);
            sections.push(fields(&[
                ("Quyết định bị hủy bỏ", Some(named)),
                (
                    "Căn cứ hủy bỏ",
                    match (s(body, "/ground_label"), s(body, "/ground_basis")) {
                        (Some(l), Some(b)) => Some(format!("{l} ({b})")),
                        (Some(l), None) => Some(l.to_string()),
                        _ => None,
                    },
                ),
            ]));
            sections.extend(text_section("Lý do", s(body, "/reason")));
            sections.extend(text_section("Hướng xử lý tiếp theo", s(body, "/next_step")));
        }
        K::ClosingNote => {
            parties.extend(offender);
            sections.push(fields(&[("Ngày kết thúc", short_date(body, "/closed_on"))]));
            sections.extend(text_section("Ghi chú", s(body, "/note")));
        }
    }
    if let Some(old) = c.get("corrects").filter(|o| !o.is_null()) {
        sections.insert(
            0,
            Section {
                heading: Some("Đính chính".into()),
                fields: vec![],
                paragraphs: vec![format!(
                    "Văn bản này đính chính và thay thế văn bản số {} ngày {}. Lý do: {}",
                    s(old, "/number").unwrap_or(""),
                    short_date(old, "/issued_on").unwrap_or_default(),
                    s(old, "/reason").unwrap_or(""),
                )],
            },
        );
    }
    let signatures = signatures(
        i.kind,
        decision,
        role,
        title.is_some() && s(body, "/delegation_no").is_some(),
        &signer,
        data,
        c,
    );
    let recipients = if decision {
        vec![
            "Như Điều 3".to_string(),
            "Cá nhân/tổ chức có tên tại Điều 1".to_string(),
            "Lưu: VT, hồ sơ vụ việc".to_string(),
        ]
    } else {
        vec![]
    };
    Document {
        kind: i.kind.as_str().to_string(),
        subject: subject(i.kind),
        form: i.kind.form_code().map(|f| {
            if f.starts_with("Mẫu") {
                f.to_string()
            } else {
                format!("Mẫu {f}")
            }
        }),
        authority: Authority {
            parent: i.parent_name.unwrap_or("").to_string(),
            unit: i.unit_name.to_string(),
        },
        number: i.number.to_string(),
        place: i.place.to_string(),
        date_text,
        issuer: decision.then(|| format!("{role} {}", i.unit_name)),
        bases,
        opening: opening_line,
        parties,
        sections,
        amounts,
        signatures,
        recipients,
        verify: i.verify.clone(),
        watermark: i.draft.then(|| DRAFT_MARK.to_string()),
    }
}
