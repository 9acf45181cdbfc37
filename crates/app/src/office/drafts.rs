//! The outgoing workflow (issue 9, part 2): an officer drafts a document, a leader of the
//! drafting unit reviews it (approves it for signature or returns it with a comment), the head
//! or a deputy signs it, which numbers it in the unit's outgoing register, and the clerk sends it
//! (see [`super::delivery`]). The rules are `qltt_domain::office::drafting`.
//!
//! Who: drafting and editing (`DraftDocuments`) by officers whose scope holds the draft's unit
//! (the drafter, or a colleague who takes it over); review (`ReviewDrafts`) by a leader whose
//! scope holds it, never the drafter; signature (`SignDocuments`) by a head or deputy whose scope
//! holds it; sending (`RegisterDocuments`) by the clerk. Where: a draft is seen by its drafter and
//! the officers whose scope holds its unit; others get 404. Every step writes its journal line and
//! audit event in its own transaction.

use std::collections::HashMap;

use qltt_domain::format::{format_instant, legal_day};
use qltt_domain::office::drafting::{self as rules, DraftAction, DraftBy, DraftState};
use qltt_domain::office::{
    self as office_rules, Confidentiality, Direction, DocAction, DocState, DocType, Urgency,
};
use qltt_domain::officer::Permission;
use qltt_domain::text::{bounded, bounded_text};
use qltt_store::office::{self as docs, NewOfficeDoc};
use qltt_store::office_drafts::{self as store, DeliveryRow, DraftFields, DraftRow, StepChange};
use qltt_store::{StoreError, WriteTx, units};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::delivery::{ExternalRecipient, Recipients, recipients_required};
use super::{OfficeStep, OutgoingKind, next_outgoing, opt};
use crate::{Actor, App, AppError, AppResult, ErrorKind};

/// A draft's fields, on creation and on each edit (an edit replaces them all).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftInput {
    /// The unit whose register will number it: the caller's unit (default) or a unit above it
    /// (a team drafts a letter the province will send). Fixed on creation.
    #[serde(default)]
    pub unit_id: Option<String>,
    /// official_letter, decision, directive, notice, plan, report, submission, guidance,
    /// invitation, telegram, minutes
    pub doc_type: String,
    /// The issuer's abbreviation in the symbol (default "QLTT").
    #[serde(default)]
    pub issuer_abbr: Option<String>,
    /// An official letter's drafting division ("NV" in "125/QLTT-NV").
    #[serde(default)]
    pub division_abbr: Option<String>,
    /// Trích yếu.
    pub summary: String,
    /// The text of the draft.
    #[serde(default)]
    pub content: String,
    /// Nơi nhận, as it will be printed.
    pub recipients: String,
    /// normal (default), urgent, very_urgent, flash
    #[serde(default)]
    pub urgency: Option<String>,
    /// normal (default), confidential, secret, top_secret
    #[serde(default)]
    pub confidentiality: Option<String>,
    /// SHA-256 of uploaded files (`POST /api/v1/files`).
    #[serde(default)]
    pub attachments: Vec<String>,
    /// On an edit: the draft's `updated_at` as the editor last read it. If the draft changed
    /// since (a colleague's edit, a refusal), the edit is refused with 409
    /// `office.draft_changed` and nothing is written, so no one overwrites what they never
    /// saw. Without it the edit applies to the draft as it is now.
    #[serde(default)]
    pub base_updated_at: Option<String>,
}

/// A step: `reject` needs `comment`; `send` needs `recipient_unit_ids` and/or `external`;
/// `submit`, `approve` and `sign` take an optional `comment`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftActionInput {
    #[serde(default)]
    pub comment: Option<String>,
    /// Units of the product: each gets the document in its incoming register.
    #[serde(default)]
    pub recipient_unit_ids: Vec<String>,
    /// Recipients outside the product, marked as sent by a channel.
    #[serde(default)]
    pub external: Vec<ExternalRecipient>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Draft {
    #[serde(flatten)]
    pub row: DraftRow,
    pub attachment_shas: Vec<String>,
    pub unit_name: String,
    pub doc_type_label: String,
    pub urgency_label: String,
    pub confidentiality_label: String,
    pub state_label: String,
    pub drafter_name: String,
    pub reviewer_name: Option<String>,
    pub signer_name: Option<String>,
    /// The number given at signature ("125/QLTT-NV"); none before (a draft has no number).
    pub number: Option<String>,
    /// The steps the state allows (whether the caller may take them is checked on each).
    pub allowed_actions: Vec<String>,
    /// The journal (on a single draft's view; empty in lists).
    pub steps: Vec<OfficeStep>,
    /// Where the document went, once sent.
    pub deliveries: Vec<DeliveryRow>,
    /// The text status of its PDFs and scans, read so the draft is found by what they say (on a
    /// single draft's view; empty in lists).
    pub attachment_texts: Vec<super::text::AttachmentText>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DraftPage {
    pub items: Vec<Draft>,
    pub next_cursor: Option<String>,
}

impl Draft {
    pub fn may(&self, action: &str) -> bool {
        self.allowed_actions.iter().any(|a| a == action)
    }
    pub fn editable(&self) -> bool {
        self.row.state == DraftState::Drafting.as_str()
    }
    /// Some file is still queued or being read (the page's block then reloads itself).
    pub fn texts_pending(&self) -> bool {
        self.attachment_texts.iter().any(|t| t.pending())
    }
}

pub(crate) fn not_found() -> AppError {
    AppError::not_found("office.draft_not_found")
}

/// The checked fields of a draft.
struct Fields {
    doc_type: DocType,
    issuer: String,
    division: Option<String>,
    summary: String,
    content: String,
    recipients: String,
    urgency: Urgency,
    confidentiality: Confidentiality,
}

fn check(input: &DraftInput) -> AppResult<Fields> {
    Ok(Fields {
        doc_type: DocType::parse(input.doc_type.trim())?,
        issuer: office_rules::abbreviation(
            "issuer_abbr",
            opt(&input.issuer_abbr).unwrap_or("QLTT"),
        )?,
        division: opt(&input.division_abbr)
            .map(|d| office_rules::abbreviation("division_abbr", d))
            .transpose()?,
        summary: bounded_text("summary", &input.summary, 2000, true)?,
        content: bounded_text("content", &input.content, 100_000, false)?,
        recipients: bounded_text("recipients", &input.recipients, 1000, true)?,
        urgency: opt(&input.urgency)
            .map(Urgency::parse)
            .transpose()?
            .unwrap_or(Urgency::Normal),
        confidentiality: opt(&input.confidentiality)
            .map(Confidentiality::parse)
            .transpose()?
            .unwrap_or(Confidentiality::Normal),
    })
}

impl App {
    pub(crate) async fn sees_draft(
        &self,
        conn: &mut sqlx::AnyConnection,
        actor: &Actor,
        row: &DraftRow,
    ) -> AppResult<bool> {
        let named = row.drafted_by == actor.id
            || row.reviewed_by.as_deref() == Some(actor.id.as_str())
            || row.signed_by.as_deref() == Some(actor.id.as_str());
        if named {
            return Ok(true);
        }
        if !units::in_subtree(conn, &actor.unit_id, &row.unit_id).await? {
            return Ok(false);
        }
        // A draft with a secrecy level is protected while it is written (Decree 26/2020/NĐ-CP
        // Art. 2(1), English translation on english.luatvietnam.vn: the drafter "shall protect
        // the contents of state secrets in the process of drafting"): of its unit, only the
        // leaders and the secret-book clerk read it (see `secrecy`).
        let secret = qltt_domain::office::is_secret(Confidentiality::parse(&row.confidentiality)?);
        Ok(!secret || actor.may(Permission::ReadSecretDocuments))
    }

    async fn draft_view(&self, row: DraftRow, with_steps: bool) -> AppResult<Draft> {
        let state = DraftState::parse(&row.state)?;
        let pool = self.db.pool();
        let label = |r: Result<&'static str, qltt_domain::DomainError>| -> String {
            r.map(str::to_string).unwrap_or_default()
        };
        let number = match &row.document_id {
            Some(d) => docs::get(pool, d).await?.map(|d| d.number),
            None => None,
        };
        let reviewer_name = match &row.reviewed_by {
            Some(u) => Some(self.officer_label(u).await?),
            None => None,
        };
        let signer_name = match &row.signed_by {
            Some(u) => Some(self.officer_label(u).await?),
            None => None,
        };
        let mut steps = Vec::new();
        let mut deliveries = Vec::new();
        let mut attachment_texts = Vec::new();
        if with_steps {
            attachment_texts = self.attachment_texts(&row.attachment_list(), false).await?;
            let mut names: HashMap<String, String> = HashMap::new();
            for s in store::steps(pool, &row.id).await? {
                if !names.contains_key(&s.actor_id) {
                    let n = self.officer_label(&s.actor_id).await?;
                    names.insert(s.actor_id.clone(), n);
                }
                let action_label = match s.action.as_str() {
                    "create" => "Tạo dự thảo".to_string(),
                    "edit" => "Sửa dự thảo".to_string(),
                    a => label(DraftAction::parse(a).map(|a| a.label())),
                };
                steps.push(OfficeStep {
                    action_label,
                    actor_name: names.get(&s.actor_id).cloned().unwrap_or_default(),
                    action: s.action,
                    note: s.note,
                    at: s.at,
                });
            }
            if let Some(d) = &row.document_id {
                deliveries = store::deliveries(pool, d).await?;
            }
        }
        Ok(Draft {
            attachment_shas: row.attachment_list(),
            unit_name: self.unit_name(&row.unit_id).await?.unwrap_or_default(),
            doc_type_label: label(DocType::parse(&row.doc_type).map(|t| t.label())),
            urgency_label: label(Urgency::parse(&row.urgency).map(|t| t.label())),
            confidentiality_label: label(
                Confidentiality::parse(&row.confidentiality).map(|t| t.label()),
            ),
            state_label: state.label().to_string(),
            drafter_name: self.officer_label(&row.drafted_by).await?,
            reviewer_name,
            signer_name,
            number,
            allowed_actions: rules::allowed(state)
                .into_iter()
                .map(|a| a.as_str().to_string())
                .collect(),
            steps,
            deliveries,
            attachment_texts,
            row,
        })
    }

    /// Starts a draft. It has no number until it is signed.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id))]
    pub async fn create_draft(&self, actor: &Actor, input: DraftInput) -> AppResult<Draft> {
        actor.require(Permission::DraftDocuments)?;
        let f = check(&input)?;
        let unit_id = opt(&input.unit_id).unwrap_or(&actor.unit_id).to_string();
        let mut tx = self.db.begin(self.now()).await?;
        let unit = units::get_in(tx.conn(), &unit_id)
            .await?
            .ok_or_else(|| AppError::bad_input("office.unknown_unit", "Đơn vị không tồn tại."))?;
        // One's own unit or one above it (whose register a team's draft may go out in).
        let own_line = units::in_subtree(tx.conn(), &actor.unit_id, &unit.id).await?
            || units::in_subtree(tx.conn(), &unit.id, &actor.unit_id).await?;
        if !own_line {
            return Err(AppError::forbidden_scope());
        }
        if !unit.active() {
            return Err(AppError::new(
                ErrorKind::Refused,
                "unit.inactive",
                "Đơn vị đã sáp nhập; hãy soạn cho đơn vị mới.",
            ));
        }
        let attachments = self
            .require_files(&mut tx, actor, &input.attachments)
            .await?;
        let attachments_json = serde_json::to_string(&attachments).map_err(AppError::internal)?;
        let row = store::insert(
            &mut tx,
            &unit.id,
            &actor.id,
            DraftState::Drafting.as_str(),
            &fields(&f, &attachments_json),
        )
        .await?;
        let details = json!({"unit_id": row.unit_id, "doc_type": row.doc_type,
            "summary": super::secrecy::summary_for_log(f.confidentiality, &row.summary),
            "recipients": row.recipients, "attachments": attachments});
        store::add_step(&mut tx, &row.id, "create", &actor.id, "", &details).await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "office_draft.create",
                entity_type: "office_draft",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "office_draft.changed",
                details,
            },
        )
        .await?;
        tx.commit().await?;
        self.draft_view(row, true).await
    }

    /// Rewrites a draft being written (after a refusal, the drafter answers the comment here).
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, draft_id = %id))]
    pub async fn edit_draft(&self, actor: &Actor, id: &str, input: DraftInput) -> AppResult<Draft> {
        let mut tx = self.db.begin(self.now()).await?;
        let row = self.draft_for_step(&mut tx, actor, id).await?;
        if !self
            .may_take_draft(&mut tx, actor, &row, DraftBy::Drafter)
            .await?
        {
            return Err(AppError::forbidden());
        }
        let state = DraftState::parse(&row.state)?;
        if !rules::editable(state) {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "office.invalid_transition",
                format!(
                    "Dự thảo đang ở trạng thái “{}”, không sửa được.",
                    state.label()
                ),
            ));
        }
        if let Some(base) = super::opt(&input.base_updated_at)
            && base != row.updated_at
        {
            let when = qltt_store::parse_ts(&row.updated_at)
                .map(format_instant)
                .unwrap_or_default();
            return Err(AppError::new(
                ErrorKind::Conflict,
                "office.draft_changed",
                format!(
                    "Dự thảo đã được thay đổi lúc {when}, sau khi bạn mở nó. Nội dung bạn vừa sửa \
                     chưa được lưu: hãy xem bản mới rồi lưu lại."
                ),
            ));
        }
        let f = check(&input)?;
        let attachments = self
            .require_files(&mut tx, actor, &input.attachments)
            .await?;
        let attachments_json = serde_json::to_string(&attachments).map_err(AppError::internal)?;
        if !store::update_fields(
            &mut tx,
            &row.id,
            state.as_str(),
            &fields(&f, &attachments_json),
        )
        .await?
        {
            return Err(moved_meanwhile());
        }
        let details = json!({"doc_type": f.doc_type.as_str(),
            "summary": super::secrecy::summary_for_log(f.confidentiality, &f.summary),
            "recipients": f.recipients, "attachments": attachments});
        store::add_step(&mut tx, &row.id, "edit", &actor.id, "", &details).await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "office_draft.edit",
                entity_type: "office_draft",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "office_draft.changed",
                details,
            },
        )
        .await?;
        let after = store::get_in(tx.conn(), &row.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        self.draft_view(after, true).await
    }

    /// The drafts the actor sees, most recently changed first; the cursor is the last item's
    /// `updated_at|id`.
    pub async fn list_drafts(
        &self,
        actor: &Actor,
        state: Option<&str>,
        cursor: Option<&str>,
        limit: i64,
    ) -> AppResult<DraftPage> {
        actor.require(Permission::ViewOfficeDocuments)?;
        let state = state
            .filter(|s| !s.is_empty())
            .map(DraftState::parse)
            .transpose()?;
        let limit = limit.clamp(1, 200);
        let before = cursor.and_then(|c| c.split_once('|'));
        let rows = store::visible(
            self.db.pool(),
            &actor.unit_id,
            &actor.id,
            actor.may(Permission::ReadSecretDocuments),
            state.map(|s| s.as_str()),
            before,
            limit + 1,
        )
        .await?;
        let more = rows.len() as i64 > limit;
        let mut items = Vec::new();
        // The query lists a secret draft only to those who may read it (the same rule as
        // `sees_draft`), so the page is full and its cursor is its last row.
        for row in rows.into_iter().take(limit as usize) {
            items.push(self.draft_view(row, false).await?);
        }
        let next_cursor = if more {
            items
                .last()
                .map(|d| format!("{}|{}", d.row.updated_at, d.row.id))
        } else {
            None
        };
        Ok(DraftPage { items, next_cursor })
    }

    /// A draft with its journal, if the actor sees it (else 404).
    pub async fn draft(&self, actor: &Actor, id: &str) -> AppResult<Draft> {
        actor.require(Permission::ViewOfficeDocuments)?;
        let row = store::get(self.db.pool(), id)
            .await?
            .ok_or_else(not_found)?;
        let mut conn = self.db.pool().acquire().await.map_err(AppError::internal)?;
        if !self.sees_draft(&mut conn, actor, &row).await? {
            return Err(not_found());
        }
        drop(conn);
        self.draft_view(row, true).await
    }

    async fn draft_for_step(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        id: &str,
    ) -> AppResult<DraftRow> {
        let row = store::get_in(tx.conn(), id).await?.ok_or_else(not_found)?;
        if !self.sees_draft(tx.conn(), actor, &row).await? {
            return Err(not_found());
        }
        Ok(row)
    }

    /// Whether the actor may take a step given to `by`. Every step needs the draft's unit in the
    /// actor's scope (the drafter of a team's letter in the province's name may still edit it).
    async fn may_take_draft(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        row: &DraftRow,
        by: DraftBy,
    ) -> AppResult<bool> {
        let in_scope = units::in_subtree(tx.conn(), &actor.unit_id, &row.unit_id).await?;
        Ok(match by {
            DraftBy::Drafter => {
                actor.may(Permission::DraftDocuments) && (in_scope || row.drafted_by == actor.id)
            }
            // Art. 12(1): a leader checks another's draft; no one approves their own.
            DraftBy::Reviewer => {
                actor.may(Permission::ReviewDrafts) && in_scope && row.drafted_by != actor.id
            }
            DraftBy::Signer => actor.may(Permission::SignDocuments) && in_scope,
            DraftBy::Clerk => actor.may(Permission::RegisterDocuments) && in_scope,
        })
    }

    /// Takes a step of the outgoing workflow. Unknown step: 404 `office.unknown_action`; a step
    /// the actor may not take: 403; one the state does not allow: 409 `office.invalid_transition`.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, draft_id = %id))]
    pub async fn draft_act(
        &self,
        actor: &Actor,
        id: &str,
        action: &str,
        input: DraftActionInput,
    ) -> AppResult<Draft> {
        let action = DraftAction::parse(action).map_err(|_| {
            AppError::new(
                ErrorKind::NotFound,
                "office.unknown_action",
                "Không có thao tác này (submit, approve, reject, sign, send).",
            )
        })?;
        let comment = bounded_text(
            "comment",
            input.comment.as_deref().unwrap_or(""),
            2000,
            false,
        )?;
        let mut tx = self.db.begin(self.now()).await?;
        let row = self.draft_for_step(&mut tx, actor, id).await?;
        let state = DraftState::parse(&row.state)?;
        if !self
            .may_take_draft(&mut tx, actor, &row, rules::taken_by(state, action))
            .await?
        {
            return Err(AppError::forbidden());
        }
        let next = rules::transition(state, action)?;
        rules::check_comment(action, &comment)?;
        let mut change = StepChange::default();
        let mut details = json!({"comment": comment});
        let document_id;
        match action {
            DraftAction::Submit => change.comment = Some(""),
            DraftAction::Approve => change.reviewed_by = Some(&actor.id),
            DraftAction::Reject => change.comment = Some(&comment),
            DraftAction::Sign => {
                let doc = self.issue(&mut tx, actor, &row).await?;
                details["document_id"] = json!(doc.id);
                details["number"] = json!(doc.number);
                document_id = doc.id;
                change.signed_by = Some(&actor.id);
                change.document_id = Some(&document_id);
            }
            DraftAction::Send => {
                let to = Recipients {
                    unit_ids: input.recipient_unit_ids.clone(),
                    external: input.external.clone(),
                };
                if to.is_empty() {
                    return Err(recipients_required());
                }
                let doc_id = row.document_id.as_deref().ok_or(StoreError::NotFound)?;
                let doc = docs::get_in(tx.conn(), doc_id)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let sent = office_rules::transition(
                    Direction::Outgoing,
                    DocState::parse(&doc.state)?,
                    DocAction::Send,
                )?;
                if !docs::set_state(&mut tx, &doc.id, &doc.state, sent.as_str(), None).await? {
                    return Err(moved_meanwhile());
                }
                let delivered = self.deliver(&mut tx, actor, &doc, &to).await?;
                docs::add_step(&mut tx, &doc.id, "send", &actor.id, &comment, &delivered).await?;
                details["document_id"] = json!(doc.id);
                details["delivered"] = delivered;
            }
        }
        // `deliver` already marked the draft sent with its document; every other step moves it.
        if action != DraftAction::Send
            && !store::set_state(&mut tx, &row.id, state.as_str(), next.as_str(), &change).await?
        {
            return Err(moved_meanwhile());
        }
        store::add_step(
            &mut tx,
            &row.id,
            action.as_str(),
            &actor.id,
            &comment,
            &details,
        )
        .await?;
        let mut audit = details;
        audit["from"] = json!(state.as_str());
        audit["to"] = json!(next.as_str());
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: match action {
                    DraftAction::Submit => "office_draft.submit",
                    DraftAction::Approve => "office_draft.approve",
                    DraftAction::Reject => "office_draft.reject",
                    DraftAction::Sign => "office_draft.sign",
                    DraftAction::Send => "office_draft.send",
                },
                entity_type: "office_draft",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "office_draft.changed",
                details: audit,
            },
        )
        .await?;
        let after = store::get_in(tx.conn(), &row.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if after.state != next.as_str() {
            return Err(moved_meanwhile());
        }
        tx.commit().await?;
        self.draft_view(after, true).await
    }

    /// Signing: the document takes the next number of the unit's outgoing register (Decree
    /// 30/2020 Art. 15(2): numbered after the signature) and is entered in it as issued, dated
    /// the day it is signed.
    async fn issue(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        row: &DraftRow,
    ) -> AppResult<qltt_store::office::OfficeDocRow> {
        let today = legal_day(self.now());
        let year = chrono::Datelike::year(&today);
        let doc_type = DocType::parse(&row.doc_type)?;
        let n = next_outgoing(
            tx,
            &row.unit_id,
            year,
            OutgoingKind {
                doc_type,
                confidentiality: Confidentiality::parse(&row.confidentiality)?,
                issuer_abbr: &Some(row.issuer_abbr.clone()),
                division_abbr: &row.division_abbr,
            },
        )
        .await?;
        let today_s = today.format("%Y-%m-%d").to_string();
        let signer = bounded("signer", &actor.full_name, 200, false)?;
        let doc = docs::insert(
            tx,
            &NewOfficeDoc {
                unit_id: &row.unit_id,
                direction: Direction::Outgoing.as_str(),
                register: n.register.as_str(),
                year,
                seq: n.seq,
                number: &n.number,
                doc_type: doc_type.as_str(),
                document_date: &today_s,
                received_on: None,
                correspondent: &row.recipients,
                summary: &row.summary,
                signer: &signer,
                urgency: &row.urgency,
                confidentiality: &row.confidentiality,
                attachments: &row.attachments,
                state: DocState::Issued.as_str(),
                created_by: &actor.id,
            },
        )
        .await?;
        let details = json!({
            "direction": doc.direction, "register": doc.register, "year": doc.year,
            "seq": doc.seq, "number": doc.number,
            "doc_type": doc.doc_type, "correspondent": doc.correspondent,
            "summary": super::secrecy::summary_for_log(
                Confidentiality::parse(&doc.confidentiality)?, &doc.summary),
            "draft_id": row.id,
        });
        docs::add_step(tx, &doc.id, "register", &actor.id, "", &details).await?;
        crate::record(
            tx,
            actor,
            crate::Change {
                action: "office_document.register",
                entity_type: "office_document",
                entity_id: &doc.id,
                unit_id: &doc.unit_id,
                topic: "office_document.changed",
                details,
            },
        )
        .await?;
        Ok(doc)
    }
}

fn fields<'a>(f: &'a Fields, attachments: &'a str) -> DraftFields<'a> {
    DraftFields {
        doc_type: f.doc_type.as_str(),
        issuer_abbr: &f.issuer,
        division_abbr: f.division.as_deref(),
        summary: &f.summary,
        content: &f.content,
        recipients: &f.recipients,
        urgency: f.urgency.as_str(),
        confidentiality: f.confidentiality.as_str(),
        attachments,
    }
}

fn moved_meanwhile() -> AppError {
    AppError::new(
        ErrorKind::Conflict,
        "office.invalid_transition",
        "Dự thảo vừa được người khác xử lý; hãy tải lại.",
    )
}

impl App {
    /// The units a page offers as recipients of a draft's document: the units around the
    /// drafting unit (its parent's subtree: the parent, the sibling units and their teams), the
    /// drafting unit itself left out. The API accepts any active unit.
    pub async fn recipient_units(
        &self,
        actor: &Actor,
        draft: &Draft,
    ) -> AppResult<Vec<qltt_store::units::UnitRow>> {
        actor.require(Permission::ViewOfficeDocuments)?;
        let pool = self.db.pool();
        let unit = units::get(pool, &draft.row.unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let around = unit.parent_id.clone().unwrap_or_else(|| unit.id.clone());
        Ok(units::subtree(pool, &around)
            .await?
            .into_iter()
            .filter(|u| u.active() && u.id != unit.id)
            .collect())
    }
}
