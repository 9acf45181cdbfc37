//! Correcting an issued document (đính chính). An issued document is never rewritten: the
//! correction is a new document of the same kind, numbered next in the same register, that names
//! the one it corrects and why; the old one keeps its bytes and hash, and its status becomes
//! `corrected`, which its public verification page then shows with the new number.

use chrono::Datelike;
use qltt_domain::case::{DocumentKind, DocumentNumber};
use qltt_domain::format::{format_legal_date, legal_day};
use qltt_domain::officer::Permission;
use qltt_store::documents::{self, DocumentRow, NewDocument};
use qltt_store::{cases, units};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::cases::input;
use crate::{Actor, App, AppError, AppResult, ErrorKind};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput {
    /// Why the document is corrected (printed on the correction).
    pub reason: String,
}

fn not_found() -> AppError {
    AppError::not_found("document.not_found")
}

impl App {
    /// Issues the correction of document `id` and marks `id` corrected, in one transaction.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, document_id = %id))]
    pub async fn correct_document(
        &self,
        actor: &Actor,
        id: &str,
        input: CorrectionInput,
    ) -> AppResult<DocumentRow> {
        actor.require(Permission::HandleCases)?;
        let reason = input::text("reason", &input.reason, true)?;
        let mut tx = self.db.begin(self.now()).await?;
        let old = documents::get_in(tx.conn(), id)
            .await?
            .ok_or_else(not_found)?;
        if !units::in_subtree(tx.conn(), &actor.unit_id, &old.unit_id).await? {
            return Err(not_found());
        }
        if old.status != "issued" {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "document.not_correctable",
                "Chỉ đính chính được văn bản đang có hiệu lực (văn bản này đã được đính chính hoặc đã bị hủy).",
            ));
        }
        let kind = DocumentKind::parse(&old.kind)?;
        let unit = units::get_in(tx.conn(), &old.unit_id)
            .await?
            .ok_or_else(|| AppError::internal("document unit missing"))?;
        let issued_on = legal_day(self.now());
        let year = issued_on.year();
        let seq = documents::next_seq(&mut tx, &old.unit_id, &old.register, year).await?;
        let number = DocumentNumber {
            seq: u32::try_from(seq).unwrap_or(u32::MAX),
            year,
            symbol: kind.symbol().to_string(),
        }
        .to_string();
        let day = issued_on.format("%Y-%m-%d").to_string();
        let mut content: Value = serde_json::from_str(&old.content).unwrap_or_else(|_| json!({}));
        if let Some(c) = content.as_object_mut() {
            c.insert("number".into(), json!(number));
            c.insert("issued_on".into(), json!(day));
            c.insert("issued_on_text".into(), json!(format_legal_date(issued_on)));
            c.insert(
                "signer".into(),
                json!({"id": actor.id, "name": actor.full_name}),
            );
            c.insert(
                "corrects".into(),
                json!({"id": old.id, "number": old.number, "issued_on": old.issued_on, "reason": reason}),
            );
        }
        let mut row = documents::insert(
            &mut tx,
            &NewDocument {
                case_id: old.case_id.as_deref(),
                unit_id: &old.unit_id,
                kind: &old.kind,
                register: &old.register,
                year,
                seq,
                number: &number,
                issued_on: &day,
                content: &content.to_string(),
                created_by: &actor.id,
            },
        )
        .await?;
        documents::mark_corrected(&mut tx, &old.id, &row.id).await?;
        let (data, fine_total, paid_total) = match &old.case_id {
            Some(case_id) => match cases::get_in(tx.conn(), case_id).await? {
                Some(c) => (
                    serde_json::from_str(&c.data).unwrap_or(Value::Null),
                    c.fine_total,
                    c.paid_total,
                ),
                None => (Value::Null, 0, 0),
            },
            None => (Value::Null, 0, 0),
        };
        let frozen = self
            .freeze_document(&mut tx, &row, &data, fine_total, paid_total, &unit)
            .await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "document.correct",
                entity_type: "document",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "document.corrected",
                details: json!({
                    "corrects": {"id": old.id, "number": old.number, "sha256": old.sha256},
                    "document": {"id": row.id, "kind": row.kind, "number": row.number, "sha256": frozen.sha256},
                    "reason": reason,
                    "case_id": row.case_id,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        row.sha256 = Some(frozen.sha256);
        row.verify_code = Some(frozen.verify_code);
        row.corrects_id = Some(old.id);
        Ok(row)
    }
}
