//! What a form prints, already in words: the caller (the app's documents module) turns a document
//! row, its case and its unit into this; the templates only lay it out. It travels to Typst as
//! JSON (a virtual file), so no text is ever escaped by hand or spliced into markup.

use serde::{Deserialize, Serialize};

/// One official document, ready to lay out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// `DocumentKind` code (`sanction_decision`…): picks the template.
    pub kind: String,
    /// The subject under the document-type word, e.g. "Xử phạt vi phạm hành chính" under
    /// "QUYẾT ĐỊNH".
    pub subject: String,
    /// The official form followed, printed small at the top right ("Mẫu MQĐ02 …"), when known.
    pub form: Option<String>,
    pub authority: Authority,
    /// "12/QĐ-XPHC" (printed as "Số: 12/QĐ-XPHC").
    pub number: String,
    /// The place name of the place-and-date line ("Hạ Long").
    pub place: String,
    /// "ngày 05 tháng 3 năm 2026".
    pub date_text: String,
    /// For a decision: the signer's capacity printed above the bases
    /// ("ĐỘI TRƯỞNG ĐỘI QUẢN LÝ THỊ TRƯỜNG SỐ 1").
    pub issuer: Option<String>,
    /// "Căn cứ …" lines of a decision.
    pub bases: Vec<String>,
    /// The opening line of a record ("Hôm nay, hồi 09 giờ 30 phút ngày …, tại …").
    pub opening: Option<String>,
    /// People and organisations the document is about (offender, team, witnesses).
    pub parties: Vec<Party>,
    /// The body: labelled facts and paragraphs, in order.
    pub sections: Vec<Section>,
    /// Money, in figures and in words.
    pub amounts: Vec<Amount>,
    pub signatures: Vec<Signature>,
    /// "Nơi nhận" of a decision.
    pub recipients: Vec<String>,
    /// The verification block (QR code + short code); `None` for a preview.
    pub verify: Option<Verify>,
    /// Printed across a preview ("DỰ THẢO"); `None` on the issued document.
    pub watermark: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Authority {
    /// The superior body, printed above the unit ("CỤC QUẢN LÝ THỊ TRƯỜNG TỈNH QUẢNG NINH");
    /// empty for a unit without one.
    pub parent: String,
    /// The issuing unit ("ĐỘI QUẢN LÝ THỊ TRƯỜNG SỐ 1").
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub label: String,
    pub value: String,
}

impl Field {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            value: value.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Party {
    /// "Cá nhân/tổ chức vi phạm", "Đoàn kiểm tra gồm", "Người chứng kiến".
    pub role: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Section {
    /// Printed bold before the section ("Điều 1." is added by decision templates themselves).
    pub heading: Option<String>,
    pub fields: Vec<Field>,
    pub paragraphs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    pub label: String,
    /// "2.500.000 đồng".
    pub figures: String,
    /// "Hai triệu năm trăm nghìn đồng".
    pub words: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    /// "NGƯỜI LẬP BIÊN BẢN", "KT. CHI CỤC TRƯỞNG" …
    pub role: String,
    /// A second line under the role ("PHÓ CHI CỤC TRƯỞNG"), or a note ("(Ký, ghi rõ họ tên)").
    pub capacity: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verify {
    /// The public page the QR code leads to (`https://…/verify/{code}`).
    pub url: String,
    /// The short code printed under the QR code, for typing by hand.
    pub code: String,
}
