//! The kinds of document a case produces (ins.md "Forms produced"), their titles, the symbol
//! printed after their number and the official form they follow.
//!
//! Sources and their status (see /work/shared/domain/legal-notes.md):
//! - Inspection stage: forms of Circular 27/2020/TT-BCT. Codes and symbols (01 QĐ-KT, 06 BB-KT,
//!   09 ĐX) come from a third-party reproduction of the circular's appendix: UNCONFIRMED (§1.5).
//! - Sanction stage: forms of Decree 118/2021/NĐ-CP. Only MQĐ01 (decision without a record) is
//!   confirmed (§2.1); MBB01 and MQĐ02 are UNCONFIRMED; the other codes are unknown (`None`).
//! - The sanction-stage symbols below (BB-VPHC, QĐ-XPHC, …) are the project's convention for the
//!   unit's registers until the official appendix is read: UNCONFIRMED, each marked.

labelled_enum!(
    /// A document of a case. `label` is its title as printed.
    DocumentKind, "kind", "document.invalid_kind", "Loại văn bản không hợp lệ.", {
    InspectionProposal => "inspection_proposal", "Đề xuất kiểm tra đột xuất",
    InspectionDecision => "inspection_decision", "Quyết định kiểm tra việc chấp hành pháp luật trong sản xuất, kinh doanh hàng hóa, dịch vụ",
    InspectionRecord => "inspection_record", "Biên bản kiểm tra việc chấp hành pháp luật trong sản xuất, kinh doanh hàng hóa, dịch vụ",
    ViolationRecord => "violation_record", "Biên bản vi phạm hành chính",
    ExplanationRecord => "explanation_record", "Biên bản phiên giải trình trực tiếp",
    SeizureDecision => "seizure_decision", "Quyết định tạm giữ tang vật, phương tiện vi phạm hành chính",
    SeizureRecord => "seizure_record", "Biên bản tạm giữ tang vật, phương tiện vi phạm hành chính",
    SanctionDecision => "sanction_decision", "Quyết định xử phạt vi phạm hành chính",
    NoSanctionDecision => "no_sanction_decision", "Quyết định không xử phạt vi phạm hành chính",
    InstalmentDecision => "instalment_decision", "Quyết định về việc nộp tiền phạt nhiều lần",
    PostponementDecision => "postponement_decision", "Quyết định hoãn thi hành quyết định phạt tiền",
    CoercionDecision => "coercion_decision", "Quyết định cưỡng chế thi hành quyết định xử phạt vi phạm hành chính",
    TransferDecision => "transfer_decision", "Quyết định chuyển hồ sơ vụ vi phạm có dấu hiệu tội phạm",
    Receipt => "receipt", "Biên lai thu tiền phạt",
    ClosingNote => "closing_note", "Phiếu kết thúc hồ sơ vụ việc",
    // Decree 118/2021 appendix, form MQĐ40 (see `form_code`); issued by `annul_document`, not by
    // a step of the procedure.
    AnnulmentDecision => "annulment_decision", "Quyết định hủy bỏ quyết định trong xử phạt vi phạm hành chính",
});

impl DocumentKind {
    /// The symbol printed after the number ("12/QĐ-XPHC"), Decree 30/2020/NĐ-CP style: the
    /// abbreviation of the kind of document. It also names the register the kind is numbered in
    /// ([`super::register_of`]).
    pub fn symbol(self) -> &'static str {
        use DocumentKind::*;
        match self {
            // TT 27/2020 form 09 — UNCONFIRMED (legal-notes §1.5).
            InspectionProposal => "ĐX",
            // TT 27/2020 form 01 — UNCONFIRMED (legal-notes §1.5).
            InspectionDecision => "QĐ-KT",
            // TT 27/2020 form 06 — UNCONFIRMED (legal-notes §1.5).
            InspectionRecord => "BB-KT",
            // Decree 118/2021 forms: every symbol below is the project's convention, UNCONFIRMED.
            ViolationRecord => "BB-VPHC",
            ExplanationRecord => "BB-GT",
            SeizureDecision => "QĐ-TGTVPT",
            SeizureRecord => "BB-TGTVPT",
            SanctionDecision => "QĐ-XPHC",
            NoSanctionDecision => "QĐ-KXPHC",
            InstalmentDecision => "QĐ-NPNL",
            PostponementDecision => "QĐ-HTH",
            CoercionDecision => "QĐ-CC",
            TransferDecision => "QĐ-CHS",
            // The unit's own log of receipts recorded on cases. The receipt's printed series and
            // number come from the receipt book / e-receipt system and are entered with the
            // payment (`receipt_no`); this number only orders the unit's entries.
            Receipt => "BL",
            // An internal note of the project, not a form of law.
            ClosingNote => "PKT",
            // The project's convention ("hủy bỏ"), UNCONFIRMED like the other sanction-stage
            // symbols; the form itself is MQĐ40.
            AnnulmentDecision => "QĐ-HB",
        }
    }

    /// The official form the document follows, where one is known. Every code here is still
    /// UNCONFIRMED against the official appendix (legal-notes §1.5, §2.1) except that MQĐ01 is
    /// confirmed as the decision *without* a record — not the one this case issues after a
    /// violation record, which is MQĐ02 (UNCONFIRMED).
    pub fn form_code(self) -> Option<&'static str> {
        use DocumentKind::*;
        match self {
            InspectionProposal => Some("Mẫu 09 (TT 27/2020/TT-BCT)"),
            InspectionDecision => Some("Mẫu 01 (TT 27/2020/TT-BCT)"),
            InspectionRecord => Some("Mẫu 06 (TT 27/2020/TT-BCT)"),
            ViolationRecord => Some("MBB01 (NĐ 118/2021/NĐ-CP)"),
            SanctionDecision => Some("MQĐ02 (NĐ 118/2021/NĐ-CP)"),
            // The appendix list of Decree 118/2021 as quoted by thuvienphapluat.vn (copy in the
            // GitHub repository tnt305/tai_lieu_noi_bo, src/etl/dataset/f397a2afdca63807.md):
            // "MQĐ40 | Quyết định hủy bỏ quyết định trong xử phạt vi phạm hành chính". The code
            // is read from that list; the form's own layout was not retrieved.
            AnnulmentDecision => Some("MQĐ40 (NĐ 118/2021/NĐ-CP)"),
            // Decree 118/2021 has forms for these; their codes were not retrieved.
            ExplanationRecord | SeizureDecision | SeizureRecord | NoSanctionDecision
            | InstalmentDecision | PostponementDecision | CoercionDecision | TransferDecision => {
                None
            }
            Receipt | ClosingNote => None,
        }
    }

    /// Whether the document is a decision (quyết định), signed by a competent person, rather than
    /// a record (biên bản) or a note.
    pub fn is_decision(self) -> bool {
        self.symbol().starts_with("QĐ")
    }
}
