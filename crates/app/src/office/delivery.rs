//! Sending an issued outgoing document (phát hành, Decree 30/2020 Art. 18): to units of the
//! product, each of which gets it in its incoming register (a new arrival number, the journal
//! line, the audit event) in the sending transaction, or marked as sent to a recipient outside
//! the product by a channel. The document's state moves from `issued` to `sent` in the same
//! transaction with an optimistic check, so a document is delivered once: a retried request
//! (same `Idempotency-Key`) gets the first answer, a second send is 409.

use chrono::NaiveDate;
use qltt_domain::format::{format_instant, legal_day, parse_date};
use qltt_domain::office::drafting::Channel;
use qltt_domain::office::{self as rules, Confidentiality, Direction, DocState, Urgency, dispatch};
use qltt_domain::officer::Permission;
use qltt_domain::text::bounded;
use qltt_store::office::{self as store, NewOfficeDoc, OfficeDocRow};
use qltt_store::office_drafts::{self as drafts, DeliveryRow, NewDelivery};
use qltt_store::{WriteTx, documents, units};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::OfficeDocument;
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
            // A secret arrival goes in the unit's secret arrival book (`rules::register_of`).
            let book = rules::register_of(
                Direction::Incoming,
                Confidentiality::parse(&doc.confidentiality)?,
            );
            let counter = rules::register_name(Direction::Incoming, book);
            let seq = documents::next_seq(tx, &unit.id, counter, year).await?;
            let incoming = store::insert(
                tx,
                &NewOfficeDoc {
                    unit_id: &unit.id,
                    direction: Direction::Incoming.as_str(),
                    register: book.as_str(),
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
                "summary": super::secrecy::summary_for_log(
                    Confidentiality::parse(&doc.confidentiality)?, &doc.summary),
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

/// A delivery as the sender sees it (on the outgoing document) and as the recipient sees it
/// (on its incoming entry): where it went, when, and whether and when its receipt was
/// confirmed (Decree 30/2020 Art. 21(2)(c)).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Delivery {
    #[serde(flatten)]
    pub row: DeliveryRow,
    pub channel_label: String,
    /// The sender's register entry's unit (on an incoming entry).
    pub sender_unit_name: String,
    pub received_by_name: Option<String>,
    /// Internal, unconfirmed, and its day has passed.
    pub receipt_late: bool,
}

impl Delivery {
    pub fn sent_at_text(&self) -> String {
        qltt_store::parse_ts(&self.row.sent_at)
            .map(format_instant)
            .unwrap_or_default()
    }
    pub fn received_at_text(&self) -> Option<String> {
        self.row
            .received_at
            .as_deref()
            .and_then(|t| qltt_store::parse_ts(t).ok())
            .map(format_instant)
    }
    pub fn is_internal(&self) -> bool {
        self.row.incoming_id.is_some()
    }
}

impl App {
    pub(crate) async fn delivery_view(&self, row: DeliveryRow) -> AppResult<Delivery> {
        let pool = self.db.pool();
        let sender_unit_name = match store::get(pool, &row.document_id).await? {
            Some(doc) => self.unit_name(&doc.unit_id).await?.unwrap_or_default(),
            None => String::new(),
        };
        let received_by_name = match &row.received_by {
            Some(u) => Some(self.officer_label(u).await?),
            None => None,
        };
        let channel_label = match row.channel.as_str() {
            "internal" => "Trong hệ thống (vào sổ văn bản đến)".to_string(),
            c => Channel::parse(c)
                .map(|c| c.label().to_string())
                .unwrap_or_else(|_| c.to_string()),
        };
        let arrived = qltt_store::parse_ts(&row.sent_at).ok().map(legal_day);
        let receipt_late = row.incoming_id.is_some()
            && row.received_at.is_none()
            && arrived.is_some_and(|d| dispatch::receipt_is_late(d, legal_day(self.now())));
        Ok(Delivery {
            channel_label,
            sender_unit_name,
            received_by_name,
            receipt_late,
            row,
        })
    }

    /// The deliveries of an outgoing document, for its page.
    pub(crate) async fn deliveries_of(&self, document_id: &str) -> AppResult<Vec<Delivery>> {
        let mut out = Vec::new();
        for row in drafts::deliveries(self.db.pool(), document_id).await? {
            out.push(self.delivery_view(row).await?);
        }
        Ok(out)
    }

    /// The delivery behind an incoming entry, if it came from inside the product.
    pub(crate) async fn arrival_of(&self, incoming_id: &str) -> AppResult<Option<Delivery>> {
        let mut conn = self.db.pool().acquire().await.map_err(AppError::internal)?;
        let row = drafts::delivery_of_incoming(&mut conn, incoming_id).await?;
        drop(conn);
        match row {
            Some(r) => Ok(Some(self.delivery_view(r).await?)),
            None => Ok(None),
        }
    }

    /// Confirms that the unit received a document sent to it inside the product (Decree
    /// 30/2020 Art. 21(2)(c): "thông báo ngay trong ngày … về việc đã nhận văn bản"). Taken by
    /// the clerk or a leader of the receiving register's scope; the sender sees who confirmed
    /// and when. A second confirmation changes nothing and answers the document as it is. An
    /// entry not delivered from inside the product is 409 `office.not_delivered`.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.id, document_id = %id))]
    pub async fn confirm_receipt(&self, actor: &Actor, id: &str) -> AppResult<OfficeDocument> {
        actor.require(Permission::AcknowledgeDirectives)?;
        let mut tx = self.db.begin(self.now()).await?;
        let row = store::get_in(tx.conn(), id)
            .await?
            .ok_or_else(super::not_found)?;
        if !units::in_subtree(tx.conn(), &actor.unit_id, &row.unit_id).await? {
            return Err(super::not_found());
        }
        if super::secrecy::entitlement_in(tx.conn(), actor, &row)
            .await?
            .is_none()
        {
            return Err(super::secrecy::restricted());
        }
        if self
            .confirm_receipt_in(&mut tx, actor, &row)
            .await?
            .is_some()
        {
            tx.commit().await?;
        } else {
            // Nothing changed: already confirmed (answered as it is), or nothing to confirm.
            let exists = drafts::delivery_of_incoming(tx.conn(), &row.id).await?;
            tx.rollback().await?;
            if exists.is_none() {
                return Err(AppError::new(
                    crate::ErrorKind::Conflict,
                    "office.not_delivered",
                    "Văn bản này không được gửi đến qua hệ thống, không có nơi gửi để báo đã nhận.",
                ));
            }
        }
        self.office_document_unlogged(actor, id).await
    }

    /// Records the receipt of the delivery behind `row` in `tx`, with its journal line and
    /// audit event, if there is one still unconfirmed; the delivery's id when it did. Also
    /// called by the first step a receiving unit takes on the entry (routing it shows it
    /// arrived).
    pub(crate) async fn confirm_receipt_in(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        row: &OfficeDocRow,
    ) -> AppResult<Option<String>> {
        if row.direction != Direction::Incoming.as_str() {
            return Ok(None);
        }
        let Some(delivery) = drafts::delivery_of_incoming(tx.conn(), &row.id).await? else {
            return Ok(None);
        };
        if !drafts::confirm_receipt(tx, &row.id, &actor.id).await? {
            return Ok(None);
        }
        let details = json!({"delivery_id": delivery.id, "from_document_id": delivery.document_id,
            "sent_at": delivery.sent_at});
        store::add_step(tx, &row.id, "confirm_receipt", &actor.id, "", &details).await?;
        crate::record(
            tx,
            actor,
            crate::Change {
                action: "office_document.confirm_receipt",
                entity_type: "office_document",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "office_document.changed",
                details,
            },
        )
        .await?;
        Ok(Some(delivery.id))
    }

    /// The last day to send a signed outgoing document still unsent (Art. 18(1)), and whether
    /// it has passed; `None` for any other document.
    pub(crate) async fn send_deadline(
        &self,
        row: &OfficeDocRow,
    ) -> AppResult<Option<(NaiveDate, bool)>> {
        if row.direction != Direction::Outgoing.as_str() || row.state != DocState::Issued.as_str() {
            return Ok(None);
        }
        let Some(signed) = parse_date(&row.document_date) else {
            return Ok(None);
        };
        let urgency = Urgency::parse(&row.urgency).unwrap_or(Urgency::Normal);
        let cal = self.work_calendar(signed).await?;
        let by = dispatch::send_by(&cal, signed, urgency);
        Ok(Some((by, legal_day(self.now()) > by)))
    }
}
