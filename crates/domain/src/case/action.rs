//! The steps of the procedure: `POST /api/v1/cases/{id}/actions/{action}`.

use super::document::DocumentKind;

labelled_enum!(
    /// A step of the procedure. `as_str` is the URL segment, `label` the button text.
    Action, "action", "case.unknown_action", "Bước xử lý không tồn tại.", {
    Propose => "propose", "Đề xuất kiểm tra",
    RejectProposal => "reject_proposal", "Không chấp thuận đề xuất",
    DecideInspection => "decide_inspection", "Ra quyết định kiểm tra",
    RecordInspection => "record_inspection", "Lập biên bản kiểm tra",
    RecordViolation => "record_violation", "Lập biên bản vi phạm hành chính",
    RequestExplanation => "request_explanation", "Ghi nhận yêu cầu giải trình",
    RecordExplanation => "record_explanation", "Ghi nhận nội dung giải trình",
    Seize => "seize", "Tạm giữ tang vật, phương tiện",
    IssueSanction => "issue_sanction", "Ra quyết định xử phạt",
    DecideNoSanction => "decide_no_sanction", "Quyết định không xử phạt",
    DeliverDecision => "deliver_decision", "Ghi nhận giao quyết định",
    RecordPayment => "record_payment", "Ghi nhận nộp tiền phạt",
    GrantInstalments => "grant_instalments", "Cho nộp tiền phạt nhiều lần",
    Postpone => "postpone", "Hoãn thi hành quyết định phạt tiền",
    OrderCoercion => "order_coercion", "Cưỡng chế thi hành",
    Transfer => "transfer", "Chuyển hồ sơ cơ quan điều tra",
    Close => "close", "Kết thúc vụ việc",
});

impl Action {
    /// The documents this step produces, in the order they are issued. Every route into `Closed`
    /// leaves a closing note in the file, so a closed file always says why it was closed.
    pub fn documents(self) -> &'static [DocumentKind] {
        use Action as A;
        use DocumentKind as D;
        match self {
            // TT 27/2020 form 09 (ĐX), the officer's proposal for an ad-hoc inspection.
            A::Propose => &[D::InspectionProposal],
            A::RejectProposal => &[D::ClosingNote],
            // TT 27/2020 form 01 (QĐ-KT).
            A::DecideInspection => &[D::InspectionDecision],
            // TT 27/2020 form 06 (BB-KT), made at the premises.
            A::RecordInspection => &[D::InspectionRecord],
            // LHAV Art. 58.
            A::RecordViolation => &[D::ViolationRecord],
            // The request itself is the offender's letter (an incoming document), not ours.
            A::RequestExplanation => &[],
            // LHAV Art. 61(3): the oral hearing is minuted; a written explanation is filed.
            A::RecordExplanation => &[D::ExplanationRecord],
            // LHAV Art. 125: a written seizure decision, and a record of what was seized.
            A::Seize => &[D::SeizureDecision, D::SeizureRecord],
            // LHAV Art. 67–68.
            A::IssueSanction => &[D::SanctionDecision],
            // LHAV Art. 65: no sanction, with confiscation / remedial measures where due.
            A::DecideNoSanction => &[D::NoSanctionDecision],
            // LHAV Art. 70: the delivery (or the record of refusal) is noted on the case; the
            // refusal record is attached by the use case, it is not numbered in a register.
            A::DeliverDecision => &[],
            A::RecordPayment => &[D::Receipt],
            // LHAV Art. 79.
            A::GrantInstalments => &[D::InstalmentDecision],
            // LHAV Art. 76.
            A::Postpone => &[D::PostponementDecision],
            // LHAV Art. 86–87.
            A::OrderCoercion => &[D::CoercionDecision],
            // LHAV Art. 62.
            A::Transfer => &[D::TransferDecision],
            A::Close => &[D::ClosingNote],
        }
    }
}
