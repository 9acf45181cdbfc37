//! Official documents (issue 5): issuing freezes a numbered document — its PDF is rendered
//! ([`qltt_docs`]), stored in the blob store under its SHA-256, and the hash and a short public
//! verification code go on the row and into the step's audit event — and anyone can check a paper
//! or a file against the issued one at `/verify/{code}`.

mod annul;
mod correct;
pub mod form;
pub mod publish;
mod verify;

use qltt_domain::case::DocumentKind;
use qltt_store::WriteTx;
use qltt_store::documents::{self, DocumentRow};
use qltt_store::units::{self, UnitRow};
use rand::Rng;
use serde_json::Value;

pub use annul::{ANNUL_STEP, ANNUL_STEP_LABEL, AnnulmentInput};
pub use correct::CorrectionInput;
pub use verify::{PdfCheck, PublicDocument};

use crate::{App, AppError, AppResult};

/// Crockford's base32 alphabet: no I, L, O, U, so a code read off paper cannot be mistyped into
/// another valid one by confusing 1/I/L or 0/O.
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 10 characters = 50 random bits: guessing one of even a billion issued codes takes ~10^6 tries,
/// and the page reveals no personal data anyway.
pub const CODE_LEN: usize = 10;

fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LEN)
        .map(|_| char::from(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())]))
        .collect()
}

/// A code as typed: upper case, Crockford's look-alikes mapped back; `None` if it cannot be one.
pub fn normalise_code(code: &str) -> Option<String> {
    let out: String = code
        .trim()
        .chars()
        .filter(|c| *c != '-' && *c != ' ')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    (out.len() == CODE_LEN && out.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(out)
}

/// The place name of a document's date line: the province of the issuing unit's chain ("Chi cục
/// Quản lý thị trường tỉnh Quảng Ninh" → "Quảng Ninh"). Decree 30/2020 wants the name of the
/// locality where the authority sits; units carry no address yet, so the province stands in.
pub(crate) fn place_of(chain: &[UnitRow]) -> String {
    for u in chain {
        for marker in ["thành phố ", "tỉnh ", "Thành phố ", "Tỉnh "] {
            if let Some((_, rest)) = u.name.rsplit_once(marker) {
                return rest.trim().to_string();
            }
        }
    }
    "Hà Nội".to_string()
}

/// How a document is printed: issued (its number, QR code and verification code) or as a draft.
enum Print {
    Issued(qltt_docs::Verify),
    Draft,
}

/// The number line of a draft: the register's symbol with the place of the number left blank
/// ("01/QĐ-XPHC" → "……/QĐ-XPHC"), as drafts are presented before a number is given.
pub fn draft_number(number: &str) -> String {
    match number.split_once('/') {
        Some((_, symbol)) => format!("……/{symbol}"),
        None => "……".to_string(),
    }
}

/// What freezing a document produced.
#[derive(Debug, Clone)]
pub struct Frozen {
    pub sha256: String,
    pub verify_code: String,
}

impl App {
    /// The public address of a document's verification page, printed in its QR code.
    pub fn verify_url(&self, code: &str) -> String {
        format!(
            "{}/verify/{code}",
            self.settings.public_url.trim_end_matches('/')
        )
    }

    /// Renders the document just numbered in `tx`, stores the PDF in the blob store (before the
    /// transaction commits: content-addressed and idempotent, so a rolled-back step leaves at most
    /// an orphan blob, which is harmless) and freezes its hash and verification code on the row.
    pub(crate) async fn freeze_document(
        &self,
        tx: &mut WriteTx,
        doc: &DocumentRow,
        case_data: &Value,
        fine_total: i64,
        paid_total: i64,
        unit: &UnitRow,
    ) -> AppResult<Frozen> {
        let code = new_code();
        let verify = qltt_docs::Verify {
            url: self.verify_url(&code),
            code: code.clone(),
        };
        let pdf = self
            .render_document(
                tx,
                doc,
                (case_data, fine_total, paid_total),
                unit,
                Print::Issued(verify),
            )
            .await?;
        let blob = self.blobs.put(pdf).await.map_err(AppError::internal)?;
        documents::set_issued(tx, &doc.id, &blob.sha256, &code).await?;
        Ok(Frozen {
            sha256: blob.sha256,
            verify_code: code,
        })
    }

    /// The draft of the document just numbered in `tx` (a preview, issue 5): rendered from the
    /// same row, case and unit as [`Self::freeze_document`] would, but marked "DỰ THẢO", without
    /// its number (the transaction that took it is rolled back) and without a QR or verification
    /// code (nothing is issued, so nothing can be verified). Nothing is stored.
    pub(crate) async fn draft_document(
        &self,
        tx: &mut WriteTx,
        doc: &DocumentRow,
        case_data: &Value,
        fine_total: i64,
        paid_total: i64,
        unit: &UnitRow,
    ) -> AppResult<Vec<u8>> {
        self.render_document(
            tx,
            doc,
            (case_data, fine_total, paid_total),
            unit,
            Print::Draft,
        )
        .await
    }

    async fn render_document(
        &self,
        tx: &mut WriteTx,
        doc: &DocumentRow,
        (case_data, fine_total, paid_total): (&Value, i64, i64),
        unit: &UnitRow,
        print: Print,
    ) -> AppResult<Vec<u8>> {
        let kind = DocumentKind::parse(&doc.kind)?;
        let mut chain = vec![unit.clone()];
        while chain.len() < 6 {
            let Some(parent_id) = chain.last().and_then(|u| u.parent_id.clone()) else {
                break;
            };
            match units::get_in(tx.conn(), &parent_id).await? {
                Some(p) => chain.push(p),
                None => break,
            }
        }
        let earlier: Vec<(String, String, String)> = match &doc.case_id {
            Some(case_id) => documents::of_case_in(tx.conn(), case_id)
                .await?
                .into_iter()
                // An annulled decision is no basis for what follows it.
                .filter(|d| d.id != doc.id && d.status != "annulled")
                .map(|d| (d.kind, d.number, d.issued_on))
                .collect(),
            None => Vec::new(),
        };
        let content: Value = serde_json::from_str(&doc.content).unwrap_or(Value::Null);
        let place = place_of(&chain);
        let (number, verify, draft) = match print {
            Print::Issued(v) => (doc.number.clone(), Some(v), false),
            Print::Draft => (draft_number(&doc.number), None, true),
        };
        let input = form::FormInput {
            kind,
            number: &number,
            content: &content,
            case_data,
            fine_total,
            paid_total,
            unit_name: &unit.name,
            parent_name: chain.get(1).map(|p| p.name.as_str()),
            place: &place,
            earlier: &earlier,
            verify,
            draft,
        };
        let form = form::build(&input);
        let started = std::time::Instant::now();
        // Layout is CPU work (tens of milliseconds): keep it off the async workers.
        let pdf = tokio::task::spawn_blocking(move || qltt_docs::render_pdf(&form))
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)?;
        tracing::debug!(kind = %doc.kind, ms = started.elapsed().as_millis() as u64, bytes = pdf.len(), draft, "document rendered");
        Ok(pdf)
    }

    /// The issued PDF of a document of the actor's scope.
    pub async fn document_pdf(
        &self,
        actor: &crate::Actor,
        id: &str,
    ) -> AppResult<(DocumentRow, Vec<u8>)> {
        let doc = self.document(actor, id).await?;
        let bytes = match &doc.sha256 {
            Some(sha) => self.blobs.get(sha).await.map_err(AppError::internal)?,
            None => None,
        };
        let bytes = bytes.ok_or_else(|| {
            AppError::new(
                crate::ErrorKind::NotFound,
                "document.pdf_missing",
                "Văn bản này chưa có bản PDF đã ban hành.",
            )
        })?;
        Ok((doc, bytes))
    }
}
