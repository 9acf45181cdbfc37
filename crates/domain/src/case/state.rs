//! Where a case stands (ins.md "Lifecycle"), where it came from, and how its sanction decision is
//! being enforced.

labelled_enum!(
    /// The state of a case. A case is created in `Lead`; `Closed` is the only terminal state.
    CaseState, "state", "case.invalid_state", "Trạng thái vụ việc không hợp lệ.", {
    Lead => "lead", "Nguồn tin",
    Proposed => "proposed", "Đã đề xuất kiểm tra",
    Decided => "decided", "Đã có quyết định kiểm tra",
    Inspected => "inspected", "Đã kiểm tra",
    ViolationRecorded => "violation_recorded", "Đã lập biên bản vi phạm",
    AwaitingExplanation => "awaiting_explanation", "Chờ giải trình",
    Sanctioned => "sanctioned", "Đã ra quyết định xử phạt",
    NotSanctioned => "not_sanctioned", "Đã quyết định không xử phạt",
    Executed => "executed", "Đã chấp hành xong",
    Transferred => "transferred", "Đã chuyển cơ quan điều tra",
    Closed => "closed", "Đã kết thúc",
});

impl CaseState {
    /// Every state but `Closed`: the case still has a step to take (even `Executed`, `NotSanctioned`
    /// and `Transferred` wait for their closing note).
    pub fn is_open(self) -> bool {
        self != CaseState::Closed
    }
}

labelled_enum!(
    /// How the case came to the unit. Informative: it does not restrict the first step (an
    /// officer may open a `tip` and catch the act in the field).
    Origin, "origin", "case.invalid_origin",
    "Nguồn vụ việc không hợp lệ (plan, signs, tip, caught_in_act, ecommerce).", {
    Plan => "plan", "Kiểm tra theo kế hoạch",
    Signs => "signs", "Có dấu hiệu vi phạm",
    Tip => "tip", "Tin báo, đơn thư, tố giác",
    CaughtInAct => "caught_in_act", "Phát hiện vi phạm quả tang",
    Ecommerce => "ecommerce", "Thương mại điện tử",
});

labelled_enum!(
    /// How a sanction decision is being enforced (set by `grant_instalments`, `postpone`,
    /// `order_coercion`; `none` after `issue_sanction`).
    EnforcementStatus, "enforcement", "case.invalid_enforcement",
    "Tình trạng thi hành không hợp lệ (none, instalments, postponed, coercion).", {
    None => "none", "Tự nguyện chấp hành",
    Instalments => "instalments", "Nộp tiền phạt nhiều lần",
    Postponed => "postponed", "Hoãn thi hành quyết định phạt tiền",
    Coercion => "coercion", "Cưỡng chế thi hành",
});
