//! Directives (chỉ đạo điều hành): a leader sends a document to every unit of a subtree (a
//! province with its teams, or the whole force) in one action. The outgoing document is numbered
//! in the sender unit's register and one recipient row per active unit of the subtree is written
//! in the same transaction, so a directive reaches every unit exactly once or not at all (a
//! retried request with the same `Idempotency-Key` gets the first answer). Each unit's leader or
//! clerk acknowledges it for the unit; each officer's first reading is recorded; the sender's
//! side sees, live, who has not read it yet.
//!
//! Who sees what: the officers of the sender's scope see every recipient; an officer of a
//! recipient unit sees the directive and the receipts of the recipients in their own scope.

use qltt_domain::format::legal_day;
use qltt_domain::office::{self as rules, Direction, DocState, DocType};
use qltt_domain::officer::Permission;
use qltt_domain::text::bounded_text;
use qltt_store::office::{self as store, DirectiveRow, NewOfficeDoc, RecipientRow, UnreadRow};
use qltt_store::{StoreError, units};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{OfficeDocument, OutgoingKind, check_common, next_outgoing};
use crate::{Actor, App, AppError, AppResult, ErrorKind};

/// A directive: the document sent and the subtree it goes to.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectiveInput {
    /// Every active unit of this unit's subtree receives it (the caller's unit or one below).
    pub root_unit_id: String,
    /// The instruction that goes with it (shown to every recipient).
    pub message: String,
    /// The document's kind (default `directive`, Chỉ thị); see the registers.
    #[serde(default)]
    pub doc_type: Option<String>,
    #[serde(default)]
    pub issuer_abbr: Option<String>,
    #[serde(default)]
    pub division_abbr: Option<String>,
    /// Trích yếu.
    pub summary: String,
    /// Who signed it.
    #[serde(default)]
    pub signer: String,
    #[serde(default)]
    pub urgency: Option<String>,
    #[serde(default)]
    pub confidentiality: Option<String>,
    /// SHA-256 of uploaded files.
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// A receipt change, sent after its commit to the pages that watch the directive (SSE).
#[derive(Debug, Clone, Serialize)]
pub struct DirectiveEvent {
    pub directive_id: String,
    pub unit_id: String,
    /// read | acknowledged
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Directive {
    #[serde(flatten)]
    pub row: DirectiveRow,
    pub document: OfficeDocument,
    pub sender_unit_name: String,
    pub root_unit_name: String,
    pub sender_name: String,
    /// Recipient units the caller sees (all of them on the sender's side).
    pub recipients: i64,
    pub acknowledged: i64,
    /// Officers of those units, and how many of them have read it.
    pub officers: i64,
    pub readers: i64,
    /// Whether the caller's own unit received it (then they may read and acknowledge it).
    pub my_unit_received: bool,
    pub my_unit_acknowledged: bool,
    /// When the caller first read it (RFC 3339).
    pub my_read_at: Option<String>,
    /// The caller is on the sender's side (sees every recipient).
    pub sender_side: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DirectivePage {
    pub items: Vec<Directive>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Receipts {
    pub directive_id: String,
    pub recipients: Vec<RecipientRow>,
    /// Officers of those units who have not read it yet (at most [`MAX_UNREAD`]).
    pub unread: Vec<UnreadRow>,
    pub unread_total: i64,
}

/// The read receipt of one officer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReadReceipt {
    pub directive_id: String,
    /// RFC 3339, the first reading.
    pub read_at: String,
    /// False when the officer had read it before (nothing was recorded again).
    pub first: bool,
}

pub const MAX_UNREAD: i64 = 500;

fn not_found() -> AppError {
    AppError::not_found("directive.not_found")
}

fn not_recipient() -> AppError {
    AppError::new(
        ErrorKind::Refused,
        "directive.not_recipient",
        "Đơn vị của bạn không thuộc nơi nhận chỉ đạo này.",
    )
}

impl Directive {
    pub fn created_at_text(&self) -> String {
        qltt_store::parse_ts(&self.row.created_at)
            .map(qltt_domain::format::format_instant)
            .unwrap_or_default()
    }
}

impl App {
    /// The directive and which side the actor is on (`true`: the sender's), or 404.
    async fn visible_directive(&self, actor: &Actor, id: &str) -> AppResult<(DirectiveRow, bool)> {
        actor.require(Permission::ViewOfficeDocuments)?;
        let row = store::directive(self.db.pool(), id)
            .await?
            .ok_or_else(not_found)?;
        let mut conn = self.db.pool().acquire().await.map_err(AppError::internal)?;
        let sender_side = units::in_subtree(&mut conn, &actor.unit_id, &row.sender_unit_id).await?;
        if !sender_side && !store::reaches_scope(&mut conn, &row.id, &actor.unit_id).await? {
            return Err(not_found());
        }
        Ok((row, sender_side))
    }

    async fn directive_view(
        &self,
        actor: &Actor,
        row: DirectiveRow,
        sender_side: bool,
    ) -> AppResult<Directive> {
        let pool = self.db.pool();
        let scope = if sender_side {
            row.root_unit_id.clone()
        } else {
            actor.unit_id.clone()
        };
        let recipients = store::recipients(pool, &scope, &row.id).await?;
        let doc = store::get(pool, &row.document_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mine = recipients.iter().find(|r| r.unit_id == actor.unit_id);
        // A directive sent before secret directives were refused may carry a secrecy level: its
        // document and message are then a placeholder for those not entitled to it.
        let mut row = row;
        let entitled = self.secret_entitlement(actor, &doc).await?.is_some();
        if !entitled {
            row.message = String::new();
        }
        let document = if entitled {
            self.office_view(doc, false).await?
        } else {
            super::secrecy::placeholder(self.office_view(doc, false).await?)
        };
        Ok(Directive {
            document,
            sender_unit_name: self
                .unit_name(&row.sender_unit_id)
                .await?
                .unwrap_or_default(),
            root_unit_name: self.unit_name(&row.root_unit_id).await?.unwrap_or_default(),
            sender_name: self.officer_label(&row.created_by).await?,
            recipients: recipients.len() as i64,
            acknowledged: recipients
                .iter()
                .filter(|r| r.acknowledged_at.is_some())
                .count() as i64,
            officers: recipients.iter().map(|r| r.officers).sum(),
            readers: recipients.iter().map(|r| r.readers).sum(),
            my_unit_received: mine.is_some(),
            my_unit_acknowledged: mine.is_some_and(|r| r.acknowledged_at.is_some()),
            my_read_at: store::read_at(pool, &row.id, &actor.id).await?,
            sender_side,
            row,
        })
    }

    /// Sends a directive to every active unit of a subtree in one transaction.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id))]
    pub async fn send_directive(
        &self,
        actor: &Actor,
        input: DirectiveInput,
    ) -> AppResult<Directive> {
        actor.require(Permission::IssueDirectives)?;
        let doc_type = input
            .doc_type
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| DocType::Directive.as_str().to_string());
        let message = bounded_text("message", &input.message, 5000, true)?;
        let today = legal_day(self.now());
        let year = chrono::Datelike::year(&today);
        let mut tx = self.db.begin(self.now()).await?;
        let root = units::get_in(tx.conn(), input.root_unit_id.trim())
            .await?
            .ok_or_else(|| {
                AppError::bad_input("directive.unknown_unit", "Đơn vị nhận không tồn tại.")
            })?;
        if !units::in_subtree(tx.conn(), &actor.unit_id, &root.id).await? {
            return Err(AppError::forbidden_scope());
        }
        if !root.active() {
            return Err(AppError::new(
                ErrorKind::Refused,
                "unit.inactive",
                "Đơn vị đã sáp nhập; hãy chọn đơn vị mới.",
            ));
        }
        let correspondent = format!("Các đơn vị thuộc {}", root.name);
        let c = check_common(
            &doc_type,
            &input.urgency,
            &input.confidentiality,
            &input.summary,
            &correspondent,
            &input.signer,
        )?;
        // A directive is read by every officer of every recipient unit; a state secret is known
        // only by those with the responsibility to know it (Law 29/2018/QH14 Art. 2(3)). A secret
        // document goes out as an outgoing document sent to the units that need it, where each
        // unit's secret arrival book and its leaders take it (see `secrecy`).
        if qltt_domain::office::is_secret(c.confidentiality) {
            return Err(AppError::new(
                ErrorKind::Refused,
                "directive.secret",
                "Văn bản mật không gửi theo hình thức chỉ đạo tới mọi công chức; hãy vào sổ văn \
                 bản mật đi và gửi tới từng đơn vị nhận.",
            ));
        }
        let attachments = self
            .require_files(&mut tx, actor, &input.attachments)
            .await?;
        let attachments_json = serde_json::to_string(&attachments).map_err(AppError::internal)?;
        let n = next_outgoing(
            &mut tx,
            &actor.unit_id,
            year,
            OutgoingKind {
                doc_type: c.doc_type,
                confidentiality: c.confidentiality,
                issuer_abbr: &input.issuer_abbr,
                division_abbr: &input.division_abbr,
            },
        )
        .await?;
        let today_s = today.format("%Y-%m-%d").to_string();
        let doc = store::insert(
            &mut tx,
            &NewOfficeDoc {
                unit_id: &actor.unit_id,
                direction: Direction::Outgoing.as_str(),
                register: n.register.as_str(),
                year,
                seq: n.seq,
                number: &n.number,
                doc_type: c.doc_type.as_str(),
                document_date: &today_s,
                received_on: None,
                correspondent: &c.correspondent,
                summary: &c.summary,
                signer: &c.signer,
                urgency: c.urgency.as_str(),
                confidentiality: c.confidentiality.as_str(),
                attachments: &attachments_json,
                // Sent in the same action: `rules::transition(Outgoing, Issued, Send)`.
                state: rules::transition(
                    Direction::Outgoing,
                    DocState::Issued,
                    rules::DocAction::Send,
                )?
                .as_str(),
                created_by: &actor.id,
            },
        )
        .await?;
        let (row, delivered) = store::insert_directive(
            &mut tx,
            &doc.id,
            &actor.unit_id,
            &root.id,
            &message,
            &actor.id,
        )
        .await?;
        let details = json!({
            "directive_id": row.id, "number": doc.number, "root_unit_id": root.id,
            "recipients": delivered, "summary": doc.summary,
        });
        store::add_step(&mut tx, &doc.id, "send", &actor.id, &message, &details).await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "directive.send",
                entity_type: "directive",
                entity_id: &row.id,
                unit_id: &actor.unit_id,
                topic: "directive.sent",
                details,
            },
        )
        .await?;
        tx.commit().await?;
        tracing::info!(directive_id = %row.id, recipients = delivered, "directive sent");
        self.directive_view(actor, row, true).await
    }

    /// The directives the actor sees (sent by their scope or received by it), newest first; the
    /// cursor is the last item's `created_at|id`.
    pub async fn list_directives(
        &self,
        actor: &Actor,
        cursor: Option<&str>,
        limit: i64,
    ) -> AppResult<DirectivePage> {
        actor.require(Permission::ViewOfficeDocuments)?;
        let limit = limit.clamp(1, 100);
        let before = cursor.and_then(|c| c.split_once('|'));
        let rows =
            store::visible_directives(self.db.pool(), &actor.unit_id, before, limit + 1).await?;
        let more = rows.len() as i64 > limit;
        let mut items = Vec::new();
        let mut conn = self.db.pool().acquire().await.map_err(AppError::internal)?;
        let mut sides = Vec::new();
        for row in rows.into_iter().take(limit as usize) {
            let side = units::in_subtree(&mut conn, &actor.unit_id, &row.sender_unit_id).await?;
            sides.push((row, side));
        }
        drop(conn);
        for (row, side) in sides {
            items.push(self.directive_view(actor, row, side).await?);
        }
        let next_cursor = if more {
            items
                .last()
                .map(|d| format!("{}|{}", d.row.created_at, d.row.id))
        } else {
            None
        };
        Ok(DirectivePage { items, next_cursor })
    }

    pub async fn directive(&self, actor: &Actor, id: &str) -> AppResult<Directive> {
        let (row, side) = self.visible_directive(actor, id).await?;
        self.directive_view(actor, row, side).await
    }

    /// Per recipient unit: acknowledged or not, officers and readers; and who has not read it.
    pub async fn directive_receipts(&self, actor: &Actor, id: &str) -> AppResult<Receipts> {
        let (row, side) = self.visible_directive(actor, id).await?;
        let scope = if side {
            row.root_unit_id.clone()
        } else {
            actor.unit_id.clone()
        };
        let pool = self.db.pool();
        let recipients = store::recipients(pool, &scope, &row.id).await?;
        let unread_total = recipients
            .iter()
            .map(|r| (r.officers - r.readers).max(0))
            .sum();
        let unread = store::unread(pool, &scope, &row.id, MAX_UNREAD).await?;
        Ok(Receipts {
            directive_id: row.id,
            recipients,
            unread,
            unread_total,
        })
    }

    /// Records that the actor read the directive (their unit must have received it). A second
    /// reading returns the first one's time and writes nothing.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.id, directive_id = %id))]
    pub async fn read_directive(&self, actor: &Actor, id: &str) -> AppResult<ReadReceipt> {
        let (row, _) = self.visible_directive(actor, id).await?;
        let mut tx = self.db.begin(self.now()).await?;
        if !store::is_recipient(tx.conn(), &row.id, &actor.unit_id).await? {
            return Err(not_recipient());
        }
        let first = store::record_read(&mut tx, &row.id, &actor.id, &actor.unit_id).await?;
        if first {
            crate::record(
                &mut tx,
                actor,
                crate::Change {
                    action: "directive.read",
                    entity_type: "directive",
                    entity_id: &row.id,
                    unit_id: &actor.unit_id,
                    topic: "directive.receipt",
                    details: json!({"directive_id": row.id, "user_id": actor.id}),
                },
            )
            .await?;
            tx.commit().await?;
            self.directive_changed(&row.id, &actor.unit_id, "read");
        } else {
            tx.rollback().await?;
        }
        let read_at = store::read_at(self.db.pool(), &row.id, &actor.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(ReadReceipt {
            directive_id: row.id,
            read_at,
            first,
        })
    }

    /// Acknowledges the directive for the actor's unit (its leaders or clerk); once.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.id, directive_id = %id))]
    pub async fn acknowledge_directive(&self, actor: &Actor, id: &str) -> AppResult<Directive> {
        actor.require(Permission::AcknowledgeDirectives)?;
        let (row, side) = self.visible_directive(actor, id).await?;
        let mut tx = self.db.begin(self.now()).await?;
        if !store::is_recipient(tx.conn(), &row.id, &actor.unit_id).await? {
            return Err(not_recipient());
        }
        if store::acknowledge(&mut tx, &row.id, &actor.unit_id, &actor.id).await? {
            crate::record(
                &mut tx,
                actor,
                crate::Change {
                    action: "directive.acknowledge",
                    entity_type: "directive",
                    entity_id: &row.id,
                    unit_id: &actor.unit_id,
                    topic: "directive.receipt",
                    details: json!({"directive_id": row.id, "unit_id": actor.unit_id}),
                },
            )
            .await?;
            tx.commit().await?;
            self.directive_changed(&row.id, &actor.unit_id, "acknowledged");
        } else {
            tx.rollback().await?;
        }
        self.directive_view(actor, row, side).await
    }

    fn directive_changed(&self, directive_id: &str, unit_id: &str, kind: &str) {
        // No page listening is not an error.
        let _ = self.directive_events.send(DirectiveEvent {
            directive_id: directive_id.to_string(),
            unit_id: unit_id.to_string(),
            kind: kind.to_string(),
        });
    }

    /// Subscribes to receipt changes after checking the actor sees the directive.
    pub async fn watch_directive(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<tokio::sync::broadcast::Receiver<DirectiveEvent>> {
        self.visible_directive(actor, id).await?;
        Ok(self.directive_events.subscribe())
    }
}
