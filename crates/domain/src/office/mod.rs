//! The office (văn thư): the registers of incoming and outgoing documents (sổ văn bản đến/đi),
//! their numbers and symbols, and the workflow of an incoming document from the clerk's desk to
//! the officer who answers it. Pure rules; the registers' counters live in `store`.
//!
//! Sources: Decree 30/2020/NĐ-CP on clerical work (công tác văn thư). Where a detail below is
//! written from memory of the decree and its Appendix I–III and was not checked against the
//! text here, the comment says UNCONFIRMED.

pub mod dispatch;
pub mod drafting;
pub mod secrecy;

use chrono::NaiveDate;

use crate::DomainError;

labelled_enum!(
    /// Glossary: "văn bản đến / văn bản đi" = `document` with `direction`.
    Direction, "direction", "office.invalid_direction",
    "Loại sổ không hợp lệ (incoming, outgoing).", {
    Incoming => "incoming", "Văn bản đến",
    Outgoing => "outgoing", "Văn bản đi",
});

labelled_enum!(
    /// Mức độ khẩn. Decree 30/2020 Appendix I names three levels of urgency, "Khẩn", "Thượng
    /// khẩn" and "Hỏa tốc" (UNCONFIRMED wording); a document without one is ordinary ("thường").
    Urgency, "urgency", "office.invalid_urgency",
    "Mức độ khẩn không hợp lệ (normal, urgent, very_urgent, flash).", {
    Normal => "normal", "Thường",
    Urgent => "urgent", "Khẩn",
    VeryUrgent => "very_urgent", "Thượng khẩn",
    Flash => "flash", "Hỏa tốc",
});

labelled_enum!(
    /// Độ mật. Law on Protection of State Secrets 2018 Art. 8: "Tuyệt mật", "Tối mật", "Mật".
    Confidentiality, "confidentiality", "office.invalid_confidentiality",
    "Độ mật không hợp lệ (normal, confidential, secret, top_secret).", {
    Normal => "normal", "Thường",
    Confidential => "confidential", "Mật",
    Secret => "secret", "Tối mật",
    TopSecret => "top_secret", "Tuyệt mật",
});

labelled_enum!(
    /// Kinds of administrative documents (thể loại văn bản hành chính) that a market surveillance
    /// unit sends and receives most. Abbreviations per Decree 30/2020 Appendix III (UNCONFIRMED:
    /// written from memory of the appendix's table; "Công văn" has no abbreviation).
    DocType, "doc_type", "office.invalid_doc_type", "Loại văn bản không hợp lệ.", {
    OfficialLetter => "official_letter", "Công văn",
    Decision => "decision", "Quyết định",
    Directive => "directive", "Chỉ thị",
    Notice => "notice", "Thông báo",
    Plan => "plan", "Kế hoạch",
    Report => "report", "Báo cáo",
    Submission => "submission", "Tờ trình",
    Guidance => "guidance", "Hướng dẫn",
    Invitation => "invitation", "Giấy mời",
    Telegram => "telegram", "Công điện",
    Minutes => "minutes", "Biên bản",
});

impl DocType {
    /// The abbreviation printed before the issuer's in the symbol ("QĐ" in "12/QĐ-QLTT"); none
    /// for an official letter, whose symbol names the issuer and the drafting division instead.
    pub fn abbreviation(self) -> Option<&'static str> {
        use DocType::*;
        match self {
            OfficialLetter => None,
            Decision => Some("QĐ"),
            Directive => Some("CT"),
            Notice => Some("TB"),
            Plan => Some("KH"),
            Report => Some("BC"),
            Submission => Some("TTr"),
            Guidance => Some("HD"),
            Invitation => Some("GM"),
            Telegram => Some("CĐ"),
            Minutes => Some("BB"),
        }
    }
}

labelled_enum!(
    /// Which book of a unit's registers a document is numbered in. Decree 30/2020 Art. 15(2),
    /// text checked against a published copy of the decree: "Văn bản mật được cấp hệ thống số
    /// riêng" — outgoing documents that carry a secrecy level (Mật, Tối mật, Tuyệt mật) take
    /// their numbers from a sequence of their own, from 01 each year like the others.
    Register, "register", "office.invalid_register",
    "Sổ không hợp lệ (general, secret).", {
    General => "general", "Sổ thường",
    Secret => "secret", "Sổ văn bản mật",
});

/// The book a document is numbered in: a document with a secrecy level has a book of its own in
/// both directions.
///
/// - Outgoing: Decree 30/2020 Art. 15(2), "Văn bản mật được cấp hệ thống số riêng".
/// - Incoming: Decree 30/2020 Art. 22(4) sends secret arrivals to the law on protecting state
///   secrets, and Decree 26/2020/NĐ-CP Art. 4(2)(a) says "Sau khi nhận, tài liệu, vật chứa bí mật
///   nhà nước phải đăng ký vào “Sổ đăng ký bí mật nhà nước đến”" (text read on a legal Q&A page
///   quoting the decree, thuviennhadat.vn, and the same sentence in Circular 104/2021/TT-BCA
///   Art. 6(3)(a) for the police); Circular 24/2020/TT-BCA Art. 2 gives that book its form,
///   "Sổ đăng ký bí mật nhà nước đến: Mẫu số 15" (and "đi: Mẫu số 14"), read on
///   thuvienphapluat.vn. Law 117/2025/QH15 replaced Law 29/2018/QH14 from 01/03/2026 and Decree
///   63/2026/NĐ-CP has secret electronic documents registered in a "Hệ thống quản lý văn bản điện
///   tử bí mật nhà nước" (news reports of the decree); whether that decree keeps the paper book's
///   name for arrivals was not read here (UNCONFIRMED), but every text found keeps secret
///   arrivals out of the ordinary arrival book.
pub fn register_of(_direction: Direction, confidentiality: Confidentiality) -> Register {
    if is_secret(confidentiality) {
        Register::Secret
    } else {
        Register::General
    }
}

/// Whether a document carries a secrecy level (Mật, Tối mật, Tuyệt mật) and so is read only by
/// the people entitled to it (see [`secrecy`]).
pub fn is_secret(confidentiality: Confidentiality) -> bool {
    confidentiality != Confidentiality::Normal
}

/// The counter of a unit's register in `document_counters`. Distinct from the case registers,
/// which are named by their form's symbol ("QĐ-XPHC") and can never be spelled like these.
pub fn register_name(direction: Direction, register: Register) -> &'static str {
    match (direction, register) {
        (Direction::Incoming, Register::General) => "office:incoming",
        (Direction::Incoming, Register::Secret) => "office:incoming:secret",
        (Direction::Outgoing, Register::General) => "office:outgoing",
        (Direction::Outgoing, Register::Secret) => "office:outgoing:secret",
    }
}

/// An abbreviation of an issuing body or division in a symbol ("QLTT", "NV"): 1–20 upper-case
/// letters (Vietnamese ones included) or digits, as Decree 30/2020 Appendix I writes them
/// (UNCONFIRMED detail: the decree leaves the abbreviations to each body).
pub fn abbreviation(field: &'static str, raw: &str) -> Result<String, DomainError> {
    let value = raw.trim();
    let ok = !value.is_empty()
        && value.chars().count() <= 20
        && value
            .chars()
            .all(|c| c.is_alphanumeric() && !c.is_lowercase());
    if ok {
        Ok(value.to_string())
    } else {
        Err(DomainError::invalid(
            field,
            "office.invalid_abbreviation",
            "Chữ viết tắt gồm 1–20 chữ in hoa hoặc chữ số (ví dụ QLTT, NV).",
        ))
    }
}

/// The symbol (ký hiệu) of an outgoing document. Decree 30/2020 Appendix I, part on "Số, ký
/// hiệu" (UNCONFIRMED wording): an official letter is "{issuer}-{drafting division}"
/// ("125/QLTT-NV"); any other kind is "{kind}-{issuer}" ("12/QĐ-QLTT").
pub fn outgoing_symbol(doc_type: DocType, issuer: &str, division: Option<&str>) -> String {
    match (doc_type.abbreviation(), division) {
        (Some(kind), _) => format!("{kind}-{issuer}"),
        (None, Some(d)) => format!("{issuer}-{d}"),
        (None, None) => issuer.to_string(),
    }
}

/// The printed number of the `seq`-th outgoing document: "125/QLTT-NV", with numbers below 10
/// written "01"… (Decree 30/2020 Art. 15(1): numbers follow the order of issue within the year,
/// "bắt đầu liên tiếp từ số 01 vào ngày 01 tháng 01"; text checked against a published copy of
/// the decree).
pub fn outgoing_number(seq: u32, symbol: &str) -> String {
    format!("{seq:02}/{symbol}")
}

labelled_enum!(
    /// Where a document is in its register's workflow. Incoming: registered → routed (a leader's
    /// opinion, an assignee, a deadline) → in progress → replied or filed. Outgoing: issued (signed
    /// and numbered) → sent.
    DocState, "state", "office.invalid_state", "Trạng thái văn bản không hợp lệ.", {
    Registered => "registered", "Đã vào sổ, chờ phân phối",
    Routed => "routed", "Đã chuyển xử lý",
    InProgress => "in_progress", "Đang xử lý",
    Replied => "replied", "Đã trả lời",
    Filed => "filed", "Đã lưu hồ sơ",
    Issued => "issued", "Đã ban hành",
    Sent => "sent", "Đã gửi",
});

labelled_enum!(
    /// The steps of the workflow.
    DocAction, "action", "office.invalid_action", "Thao tác không hợp lệ.", {
    Route => "route", "Phân phối, cho ý kiến chỉ đạo",
    Accept => "accept", "Nhận xử lý",
    Reply => "reply", "Trả lời bằng văn bản đi",
    File => "file", "Lưu hồ sơ",
    Send => "send", "Gửi đi",
});

/// Who takes a step, as far as the document says (the roles are checked by the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepBy {
    /// A leader of the register's unit (phân phối, ý kiến chỉ đạo).
    Leader,
    /// The officer or unit the document was routed to.
    Assignee,
    /// The clerk (văn thư) who keeps the register.
    Clerk,
}

/// The state a step leads to, or `office.invalid_transition` (409: the page or client acted on a
/// stale view). A leader may route again (change of assignee or deadline) until it is answered,
/// and file a registered document that needs no action (for information).
pub fn transition(
    direction: Direction,
    state: DocState,
    action: DocAction,
) -> Result<DocState, DomainError> {
    use DocAction as A;
    use DocState as S;
    let next = match (direction, state, action) {
        (Direction::Incoming, S::Registered | S::Routed | S::InProgress, A::Route) => {
            Some(S::Routed)
        }
        (Direction::Incoming, S::Routed, A::Accept) => Some(S::InProgress),
        (Direction::Incoming, S::Routed | S::InProgress, A::Reply) => Some(S::Replied),
        (Direction::Incoming, S::Registered | S::Routed | S::InProgress, A::File) => Some(S::Filed),
        (Direction::Outgoing, S::Issued, A::Send) => Some(S::Sent),
        _ => None,
    };
    next.ok_or_else(|| {
        DomainError::refused(
            "office.invalid_transition",
            format!(
                "Văn bản đang ở trạng thái “{}”, không thể “{}”.",
                state.label(),
                action.label().to_lowercase()
            ),
        )
    })
}

/// Who may take a step in a state: routing is the leader's, processing the assignee's; filing
/// a document no one was asked to handle is the leader's, filing one under way the assignee's;
/// sending is the clerk's.
pub fn taken_by(state: DocState, action: DocAction) -> StepBy {
    match (state, action) {
        (_, DocAction::Route) => StepBy::Leader,
        (DocState::Registered, DocAction::File) => StepBy::Leader,
        (_, DocAction::Send) => StepBy::Clerk,
        _ => StepBy::Assignee,
    }
}

/// The steps a document allows now (for pages and the API's `allowed_actions`).
pub fn allowed(direction: Direction, state: DocState) -> Vec<DocAction> {
    DocAction::ALL
        .iter()
        .copied()
        .filter(|a| transition(direction, state, *a).is_ok())
        .collect()
}

/// Whether an incoming document still waits for its assignee past its deadline.
pub fn is_overdue(state: DocState, due_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    matches!(state, DocState::Routed | DocState::InProgress) && due_on.is_some_and(|d| d < today)
}

/// A routing deadline must not lie in the past.
pub fn check_due_on(due_on: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
    if due_on < today {
        Err(DomainError::invalid(
            "due_on",
            "office.due_in_past",
            "Hạn xử lý không được trước ngày hôm nay.",
        ))
    } else {
        Ok(())
    }
}

/// The date printed on a document and the day it arrived: neither in the future, and a
/// document cannot arrive before it was dated.
pub fn check_dates(
    document_date: NaiveDate,
    received_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), DomainError> {
    if document_date > today {
        return Err(DomainError::invalid(
            "document_date",
            "office.date_in_future",
            "Ngày văn bản không được sau ngày hôm nay.",
        ));
    }
    if let Some(r) = received_on {
        if r > today {
            return Err(DomainError::invalid(
                "received_on",
                "office.date_in_future",
                "Ngày đến không được sau ngày hôm nay.",
            ));
        }
        if r < document_date {
            return Err(DomainError::invalid(
                "received_on",
                "office.received_before_dated",
                "Ngày đến không được trước ngày của văn bản.",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
