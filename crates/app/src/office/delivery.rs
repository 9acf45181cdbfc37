//! Sending an issued outgoing document (phát hành, Decree 30/2020 Art. 18): to units of the
//! product, each of which gets it in its incoming register (a new arrival number, the journal
//! line, the audit event) in the sending transaction, or marked as sent to a recipient outside
//! the product by a channel. The document's state moves from `issued` to `sent` in the same
//! transaction with an optimistic check, so a document is delivered once: a retried request
//! (same `Idempotency-Key`) gets the first answer, a second send is 409.

use qltt_domain::format::legal_day;
use qltt_domain::office::drafting::Channel;
use qltt_domain::office::{self as rules, Direction, DocState};
use qltt_domain::text::bounded;
use qltt_store::office::{self as store, NewOfficeDoc, OfficeDocRow};
use qltt_store::office_drafts::{self as drafts, NewDelivery};
use qltt_store::{WriteTx, documents, units};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{Actor, App, AppError, AppResult};

/// A recipient outside the product (a People's Committee, an enterprise, another ministry).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExternalRecipient {
    pub name: String,
    /// post | email | hand | fax | axis (trục liên thông văn bản)
    pub channel: String,
}

/// Where a document goes.
#[derive(Debug, Clone, Default)]
pub struct Recipients {
    pub unit_ids: Vec<String>,
    pub external: Vec<ExternalRecipient>,
}

impl Recipients {
    pub fn is_empty(&self) -> bool {
        self.unit_ids.iter().all(|u| u.trim().is_empty()) && self.external.is_empty()
    }
}

pub(crate) fn recipients_required() -> AppError {
    AppError::bad_input(
        "office.recipients_required",
        "Chọn ít nhất một nơi nhận (đơn vị trong hệ thống hoặc nơi nhận bên ngoài).",
    )
}

impl App {
    /// Delivers `doc` (an issued outgoing document, already moved to `sent` by the caller in
    /// `tx`) to its recipients and returns what was done, for the journal and the audit event.
    pub(crate) async fn deliver(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        doc: &OfficeDocRow,
        to: &Recipients,
    ) -> AppResult<Value> {
        let today = legal_day(self.now());
        let today_s = today.format("%Y-%m-%d").to_string();
        // The recipient's register is that of the year it arrives (Art. 22(2)).
        let year = chrono::Datelike::year(&today);
        let sender_name = units::get_in(tx.conn(), &doc.unit_id)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        let mut unit_ids: Vec<String> = Vec::new();
        for u in &to.unit_ids {
            let u = u.trim();
            if !u.is_empty() && !unit_ids.iter().any(|x| x == u) {
                unit_ids.push(u.to_string());
            }
        }
        let mut delivered = Vec::new();
        for unit_id in &unit_ids {
            let unit = units::get_in(tx.conn(), unit_id)
                .await?
                .filter(|u| u.active() && u.id != doc.unit_id)
                .ok_or_else(|| {
                    AppError::bad_input(
                        "office.unknown_recipient",
                        "Đơn vị nhận không tồn tại, đã sáp nhập, hoặc là chính đơn vị gửi.",
                    )
                })?;
            let register = rules::register_name(Direction::Incoming);
            let seq = documents::next_seq(tx, &unit.id, register, year).await?;
            let incoming = store::insert(
                tx,
                &NewOfficeDoc {
                    unit_id: &unit.id,
                    direction: Direction::Incoming.as_str(),
                    year,
                    seq,
                    number: &doc.number,
                    doc_type: &doc.doc_type,
                    document_date: &doc.document_date,
                    received_on: Some(&today_s),
                    correspondent: &sender_name,
                    summary: &doc.summary,
                    signer: &doc.signer,
                    urgency: &doc.urgency,
                    confidentiality: &doc.confidentiality,
                    attachments: &doc.attachments,
                    state: DocState::Registered.as_str(),
                    created_by: &actor.id,
                },
            )
            .await?;
            let details = json!({
                "direction": "incoming", "year": year, "seq": seq, "number": doc.number,
                "from_document_id": doc.id, "from_unit_id": doc.unit_id,
                "summary": doc.summary,
            });
            store::add_step(tx, &incoming.id, "register", &actor.id, "", &details).await?;
            crate::record(
                tx,
                actor,
                crate::Change {
                    action: "office_document.receive",
                    entity_type: "office_document",
                    entity_id: &incoming.id,
                    unit_id: &unit.id,
                    topic: "office_document.changed",
                    details,
                },
            )
            .await?;
            drafts::add_delivery(
                tx,
                &NewDelivery {
                    document_id: &doc.id,
                    recipient_unit_id: Some(&unit.id),
                    incoming_id: Some(&incoming.id),
                    recipient_name: &unit.name,
                    channel: "internal",
                    sent_by: &actor.id,
                },
            )
            .await?;
            delivered.push(json!({"unit_id": unit.id, "incoming_id": incoming.id, "seq": seq}));
        }
        let mut outside = Vec::new();
        for r in &to.external {
            let name = bounded("recipient_name", &r.name, 300, true)?;
            let channel = Channel::parse(r.channel.trim())?;
            drafts::add_delivery(
                tx,
                &NewDelivery {
                    document_id: &doc.id,
                    recipient_unit_id: None,
                    incoming_id: None,
                    recipient_name: &name,
                    channel: channel.as_str(),
                    sent_by: &actor.id,
                },
            )
            .await?;
            outside.push(json!({"name": name, "channel": channel.as_str()}));
        }
        drafts::mark_sent(tx, &doc.id).await?;
        Ok(json!({"units": delivered, "external": outside}))
    }
}
