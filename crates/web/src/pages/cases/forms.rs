//! The form of each step, described once: the page renders it and `assets/cases.js` turns it into
//! the JSON body of `POST /api/v1/cases/{id}/actions/{action}` (the same contract the API has),
//! saving a draft on the phone as the officer types.

use qltt_domain::case::Action;

/// One input. `key` is the JSON path ("offender.name"); group kinds hold rows of sub-fields.
#[derive(Debug, Clone)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    /// text | textarea | date | datetime | money | bool | select | lines | officers | checks | lots |
    /// group | signature | location | fines (`officers` and `checks` are lists of checkboxes whose
    /// ticked values make an array; `lots` adds a quantity per lot for a partial confiscation)
    pub kind: &'static str,
    pub required: bool,
    pub hint: &'static str,
    pub options: Vec<(String, String)>,
    /// For `group`: the fields of one row.
    pub row: Vec<Field>,
}

fn f(key: &'static str, label: &'static str, kind: &'static str, required: bool) -> Field {
    Field {
        key,
        label,
        kind,
        required,
        hint: "",
        options: Vec::new(),
        row: Vec::new(),
    }
}

fn hint(mut field: Field, hint: &'static str) -> Field {
    field.hint = hint;
    field
}

fn select(key: &'static str, label: &'static str, options: &[(&str, &str)]) -> Field {
    let mut field = f(key, label, "select", true);
    field.options = options
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect();
    field
}

fn group(key: &'static str, label: &'static str, row: Vec<Field>) -> Field {
    let mut field = f(key, label, "group", false);
    field.row = row;
    field
}

const AGENCIES: &[(&str, &str)] = &[
    ("police", "Công an"),
    ("customs", "Hải quan"),
    ("tax", "Thuế"),
    ("health", "Y tế"),
    ("agriculture", "Nông nghiệp"),
    ("border_guard", "Biên phòng"),
    ("other", "Khác"),
];

fn agencies() -> Field {
    group(
        "joint_agencies",
        "Cơ quan phối hợp",
        vec![
            select("agency", "Cơ quan", AGENCIES),
            f("name", "Tên đơn vị", "text", false),
            f("officers", "Cán bộ (mỗi dòng một người)", "lines", false),
        ],
    )
}

fn exhibits(key: &'static str, label: &'static str) -> Field {
    group(
        key,
        label,
        vec![
            f("description", "Tên tang vật, phương tiện", "text", true),
            f("quantity", "Số lượng", "text", false),
            f("unit_of_measure", "Đơn vị tính", "text", false),
            f("estimated_value", "Giá trị ước tính (đồng)", "money", false),
        ],
    )
}

fn witnesses() -> Field {
    group(
        "witnesses",
        "Người chứng kiến",
        vec![
            f("name", "Họ và tên", "text", true),
            f("id_number", "Số CCCD", "text", false),
            f("address", "Địa chỉ", "text", false),
        ],
    )
}

/// The fields of a step. `violation_types` feeds the act picker; `officers` the team picker;
/// `acts` the fine lines of a sanction decision (code, label); `lots` the case's exhibit lots
/// still held, which a decision may confiscate (id, label).
pub fn fields(
    action: Action,
    violation_types: &[(String, String)],
    officers: &[(String, String)],
    acts: &[(String, String)],
    lots: &[(String, String)],
) -> Vec<Field> {
    let mut out = step_fields(action, violation_types, officers, acts);
    if matches!(action, Action::IssueSanction | Action::DecideNoSanction) && !lots.is_empty() {
        let mut pick = hint(
            f(
                "confiscated_exhibits",
                "Tịch thu lô tang vật, phương tiện",
                "lots",
                false,
            ),
            "Lô được đánh dấu chuyển sang \"chờ xử lý\" cùng quyết định; ghi số lượng nếu chỉ tịch thu một phần (phần đó tách thành lô riêng). Phần không tịch thu sẽ phải trả lại.",
        );
        pick.options = lots.to_vec();
        out.push(pick);
    }
    out
}

fn step_fields(
    action: Action,
    violation_types: &[(String, String)],
    officers: &[(String, String)],
    acts: &[(String, String)],
) -> Vec<Field> {
    use Action::*;
    match action {
        Propose => vec![
            f(
                "content",
                "Nội dung, phạm vi đề nghị kiểm tra",
                "textarea",
                true,
            ),
            f("suspected_violation", "Dấu hiệu vi phạm", "textarea", false),
            f("proposed_start_on", "Dự kiến bắt đầu", "date", false),
        ],
        RejectProposal => vec![f("reason", "Lý do không chấp thuận", "textarea", true)],
        DecideInspection => {
            let mut team = f(
                "inspection_team",
                "Đoàn kiểm tra (người đầu tiên là trưởng đoàn)",
                "officers",
                true,
            );
            team.options = officers.to_vec();
            vec![
                team,
                f("scope", "Nội dung kiểm tra", "textarea", true),
                f("start_on", "Từ ngày", "date", true),
                f("end_on", "Đến ngày", "date", true),
                hint(
                    f("delegation_no", "Số quyết định giao quyền", "text", false),
                    "Chỉ khi cấp phó ký thay theo giao quyền.",
                ),
                agencies(),
            ]
        }
        RecordInspection => vec![
            f("inspected_at", "Thời điểm kiểm tra", "datetime", true),
            f("place", "Địa điểm", "text", true),
            f("findings", "Kết quả kiểm tra", "textarea", true),
            f("violation_found", "Phát hiện vi phạm", "bool", false),
            agencies(),
        ],
        RecordViolation => {
            let mut kind = select(
                "offender.kind",
                "Đối tượng vi phạm là",
                &[("individual", "Cá nhân"), ("organization", "Tổ chức")],
            );
            kind.required = true;
            let mut vt = select("violation_type_id", "Hành vi vi phạm", &[]);
            vt.options = violation_types.to_vec();
            vec![
                f("recorded_at", "Thời điểm lập biên bản", "datetime", true),
                f("place", "Địa điểm lập biên bản", "text", true),
                f("location", "Vị trí (GPS)", "location", false),
                kind,
                f("offender.name", "Họ tên / tên tổ chức", "text", true),
                f("offender.id_number", "Số CCCD / mã số thuế", "text", false),
                f("offender.address", "Địa chỉ", "text", false),
                f(
                    "offender.representative",
                    "Người đại diện theo pháp luật (tổ chức)",
                    "text",
                    false,
                ),
                group(
                    "violations",
                    "Hành vi vi phạm",
                    vec![
                        vt,
                        f(
                            "facts",
                            "Mô tả hành vi, số lượng, giá trị",
                            "textarea",
                            true,
                        ),
                        f(
                            "mitigating",
                            "Tình tiết giảm nhẹ (mỗi dòng một tình tiết)",
                            "lines",
                            false,
                        ),
                        f(
                            "aggravating",
                            "Tình tiết tăng nặng (mỗi dòng một tình tiết)",
                            "lines",
                            false,
                        ),
                        hint(
                            f("ended_on", "Ngày chấm dứt hành vi", "date", false),
                            "Để trống nếu hành vi đang diễn ra khi phát hiện.",
                        ),
                    ],
                ),
                exhibits("exhibits", "Tang vật, phương tiện"),
                witnesses(),
                f(
                    "offender_statement",
                    "Ý kiến của người vi phạm",
                    "textarea",
                    false,
                ),
                f("verification", "Cần xác minh thêm tình tiết", "bool", false),
                f("refused_to_sign", "Người vi phạm từ chối ký", "bool", false),
                f("signature", "Chữ ký của người vi phạm", "signature", false),
            ]
        }
        RequestExplanation => vec![
            select(
                "mode",
                "Hình thức giải trình",
                &[("written", "Bằng văn bản"), ("oral", "Trực tiếp")],
            ),
            f("requested_on", "Ngày yêu cầu", "date", true),
        ],
        RecordExplanation => vec![
            f("received_on", "Ngày nhận giải trình", "date", true),
            f("content", "Nội dung giải trình", "textarea", true),
        ],
        Seize => vec![
            f("seized_on", "Ngày tạm giữ", "date", true),
            exhibits("items", "Tang vật, phương tiện tạm giữ"),
            f("reason", "Lý do tạm giữ", "textarea", true),
        ],
        IssueSanction => {
            let mut fines = f("fines", "Mức phạt từng hành vi", "fines", true);
            fines.options = acts.to_vec();
            vec![
                f("issued_on", "Ngày ra quyết định", "date", true),
                fines,
                f(
                    "additional_penalties",
                    "Hình thức phạt bổ sung (mỗi dòng một)",
                    "lines",
                    false,
                ),
                f(
                    "remedial_measures",
                    "Biện pháp khắc phục hậu quả (mỗi dòng một)",
                    "lines",
                    false,
                ),
                hint(
                    f(
                        "extension_approval_no",
                        "Số văn bản cho gia hạn",
                        "text",
                        false,
                    ),
                    "Chỉ khi thủ trưởng cấp trên đã đồng ý gia hạn bằng văn bản.",
                ),
                f(
                    "delegation_no",
                    "Số quyết định giao quyền (cấp phó)",
                    "text",
                    false,
                ),
            ]
        }
        DecideNoSanction => vec![
            f("decided_on", "Ngày quyết định", "date", true),
            f("reason", "Lý do không xử phạt", "textarea", true),
            f(
                "confiscation",
                "Tang vật bị tịch thu (mỗi dòng một)",
                "lines",
                false,
            ),
        ],
        DeliverDecision => vec![
            f("delivered_on", "Ngày giao", "date", true),
            f("refused", "Người vi phạm từ chối nhận", "bool", false),
            witnesses(),
        ],
        RecordPayment => vec![
            f("paid_on", "Ngày nộp", "date", true),
            f("amount", "Số tiền (đồng)", "money", true),
            f("receipt_no", "Số biên lai", "text", true),
        ],
        GrantInstalments => vec![
            f("decided_on", "Ngày quyết định", "date", true),
            group(
                "plan",
                "Các kỳ nộp",
                vec![
                    f("due_on", "Hạn nộp", "date", true),
                    f("amount", "Số tiền", "money", true),
                ],
            ),
            f(
                "hardship_certified_by",
                "Cơ quan xác nhận hoàn cảnh khó khăn",
                "text",
                true,
            ),
        ],
        Postpone => vec![
            f("decided_on", "Ngày quyết định", "date", true),
            f("until", "Hoãn đến ngày", "date", true),
            f("reason", "Lý do", "textarea", true),
        ],
        OrderCoercion => vec![
            f("decided_on", "Ngày quyết định", "date", true),
            f("measure", "Biện pháp cưỡng chế", "text", true),
            f("reason", "Lý do", "textarea", true),
        ],
        Transfer => vec![
            f("decided_on", "Ngày quyết định", "date", true),
            f(
                "agency",
                "Cơ quan tiến hành tố tụng nhận hồ sơ",
                "text",
                true,
            ),
            f("reason", "Dấu hiệu tội phạm", "textarea", true),
        ],
        Close => vec![
            f("closed_on", "Ngày kết thúc", "date", true),
            f("note", "Ghi chú", "textarea", false),
        ],
    }
}
