//! The office (văn thư, issue 9): the registers of incoming and outgoing documents of each unit
//! and the workflow of an incoming document (the clerk registers it, a leader routes it with an
//! opinion to a unit or an officer with a deadline, they accept it, answer it with an outgoing
//! document or file it). Directives are in [`directives`].
//!
//! Who: the clerk and the unit's head or deputy register (`RegisterDocuments`) into a register
//! of their scope; leaders route (`RouteDocuments`) documents of their scope to units and officers
//! of their scope; the assignee processes (`ProcessDocuments`). Where: a document is seen by the
//! officers whose scope holds its register's unit or the unit it was routed to, and by the officer
//! it was routed to. Every step writes its journal line and audit event in its own transaction.

pub mod delivery;
pub mod directives;
pub mod draft_text;
pub mod drafts;
pub mod secrecy;
pub mod text;

use std::collections::HashMap;

use chrono::NaiveDate;
use qltt_domain::format::{format_date, legal_day, parse_date};
use qltt_domain::office::{
    self as rules, Confidentiality, Direction, DocAction, DocState, DocType, Register, StepBy,
    Urgency,
};
use qltt_domain::officer::Permission;
use qltt_domain::text::{bounded, bounded_text};
use qltt_store::office::{self as store, NewOfficeDoc, OfficeDocRow};
use qltt_store::{StoreError, WriteTx, documents, units, users};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{Actor, App, AppError, AppResult, ErrorKind};

/// A document entered in a register.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterInput {
    /// incoming | outgoing
    pub direction: String,
    /// The unit whose register it goes in (the caller's unit or one below it); default: the
    /// caller's unit.
    #[serde(default)]
    pub unit_id: Option<String>,
    /// official_letter, decision, directive, notice, plan, report, submission, guidance,
    /// invitation, telegram, minutes
    pub doc_type: String,
    /// Incoming: the sender's number and symbol as printed ("45/UBND-KT"). Outgoing: not given
    /// (the register numbers it).
    #[serde(default)]
    pub number: Option<String>,
    /// Outgoing: the issuer's abbreviation in the symbol (default "QLTT").
    #[serde(default)]
    pub issuer_abbr: Option<String>,
    /// Outgoing official letter: the drafting division's abbreviation ("NV" in "125/QLTT-NV").
    #[serde(default)]
    pub division_abbr: Option<String>,
    /// YYYY-MM-DD (or dd/mm/yyyy): the date printed on the document; not in the future.
    pub document_date: String,
    /// Incoming: the day it arrived (default today).
    #[serde(default)]
    pub received_on: Option<String>,
    /// Incoming: the sender; outgoing: the recipients (nơi nhận).
    pub correspondent: String,
    /// Trích yếu.
    pub summary: String,
    /// Who signed it.
    #[serde(default)]
    pub signer: String,
    /// normal (default), urgent, very_urgent, flash
    #[serde(default)]
    pub urgency: Option<String>,
    /// normal (default), confidential, secret, top_secret
    #[serde(default)]
    pub confidentiality: Option<String>,
    /// SHA-256 of uploaded files (`POST /api/v1/files`): the scan, annexes.
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// A step of the workflow: `route` takes `opinion`, one of `unit_id`/`officer_id` and an optional
/// `due_on`; `reply` takes `reply_id` (an outgoing document); `accept`, `file` and `send` take an
/// optional `note`; `send` may name its recipients (`recipient_unit_ids`, `external`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    #[serde(default)]
    pub opinion: Option<String>,
    #[serde(default)]
    pub unit_id: Option<String>,
    #[serde(default)]
    pub officer_id: Option<String>,
    /// YYYY-MM-DD (or dd/mm/yyyy), not in the past.
    #[serde(default)]
    pub due_on: Option<String>,
    #[serde(default)]
    pub reply_id: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// `send`: units of the product, each of which gets the document in its incoming register.
    #[serde(default)]
    pub recipient_unit_ids: Vec<String>,
    /// `send`: recipients outside the product, marked as sent by a channel.
    #[serde(default)]
    pub external: Vec<delivery::ExternalRecipient>,
}

/// Which documents of a register to list: the book (general by default, or secret) and one
/// state (all by default).
#[derive(Debug, Clone, Copy, Default)]
pub struct RegisterFilter<'a> {
    pub register: Option<&'a str>,
    pub state: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OfficeStep {
    pub action: String,
    pub action_label: String,
    pub actor_name: String,
    pub note: String,
    /// RFC 3339
    pub at: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OfficeDocument {
    #[serde(flatten)]
    pub row: OfficeDocRow,
    pub attachment_shas: Vec<String>,
    pub unit_name: String,
    pub direction_label: String,
    pub doc_type_label: String,
    pub urgency_label: String,
    pub confidentiality_label: String,
    pub state_label: String,
    pub assigned_unit_name: Option<String>,
    pub assigned_officer_name: Option<String>,
    /// Routed, not yet answered or filed, and past its deadline.
    pub overdue: bool,
    /// The steps the document allows now (whether the caller may take them is checked on each).
    pub allowed_actions: Vec<String>,
    /// The reply's number, when answered.
    pub reply_number: Option<String>,
    /// The journal (on a single document's view; empty in lists).
    pub steps: Vec<OfficeStep>,
    /// The text status of its PDFs and scans (on a single document's view; empty in lists).
    pub attachment_texts: Vec<text::AttachmentText>,
    /// Outgoing: where it went and whether each unit confirmed receipt (single view only).
    pub deliveries: Vec<delivery::Delivery>,
    /// Incoming from a unit of the product: that delivery and its receipt (single view only).
    pub arrival: Option<delivery::Delivery>,
    /// Outgoing, signed and not yet sent: the last day to send it (Decree 30/2020 Art. 18(1)),
    /// YYYY-MM-DD, and whether it has passed.
    pub send_by: Option<String>,
    pub send_late: bool,
    /// A document with a secrecy level shown to an officer not entitled to it: its number,
    /// dates, secrecy and state only; the summary reads "Văn bản mật" and the correspondent,
    /// signer, opinion and files are empty (see `secrecy`).
    pub restricted: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OfficePage {
    pub items: Vec<OfficeDocument>,
    pub next_cursor: Option<String>,
}

fn date_text(raw: &str) -> String {
    parse_date(raw)
        .map(format_date)
        .unwrap_or_else(|| raw.to_string())
}

impl OfficeDocument {
    pub fn document_date_text(&self) -> String {
        date_text(&self.row.document_date)
    }
    pub fn received_on_text(&self) -> String {
        self.row
            .received_on
            .as_deref()
            .map(date_text)
            .unwrap_or_default()
    }
    pub fn due_on_text(&self) -> String {
        self.row
            .due_on
            .as_deref()
            .map(date_text)
            .unwrap_or_default()
    }
    pub fn is_incoming(&self) -> bool {
        self.row.direction == Direction::Incoming.as_str()
    }
    pub fn send_by_text(&self) -> String {
        self.send_by.as_deref().map(date_text).unwrap_or_default()
    }
    /// An arrival from inside the product whose receipt is still to be confirmed.
    pub fn awaits_receipt(&self) -> bool {
        self.arrival
            .as_ref()
            .is_some_and(|a| a.row.received_at.is_none())
    }
    pub fn may(&self, action: &str) -> bool {
        self.allowed_actions.iter().any(|a| a == action)
    }
}

impl OfficeStep {
    pub fn at_text(&self) -> String {
        qltt_store::parse_ts(&self.at)
            .map(qltt_domain::format::format_instant)
            .unwrap_or_default()
    }
}

pub(crate) fn not_found() -> AppError {
    AppError::not_found("office.not_found")
}

fn parse_day(field: &'static str, raw: &str) -> AppResult<NaiveDate> {
    parse_date(raw.trim()).ok_or_else(|| {
        AppError::from(qltt_domain::DomainError::invalid(
            field,
            "office.invalid_date",
            "Ngày không hợp lệ (dd/mm/yyyy).",
        ))
    })
}

fn day_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn opt(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The fields both a registered document and a directive's document are made of, checked.
pub(crate) struct Checked {
    pub doc_type: DocType,
    pub urgency: Urgency,
    pub confidentiality: Confidentiality,
    pub summary: String,
    pub correspondent: String,
    pub signer: String,
}

pub(crate) fn check_common(
    doc_type: &str,
    urgency: &Option<String>,
    confidentiality: &Option<String>,
    summary: &str,
    correspondent: &str,
    signer: &str,
) -> AppResult<Checked> {
    Ok(Checked {
        doc_type: DocType::parse(doc_type.trim())?,
        urgency: opt(urgency)
            .map(Urgency::parse)
            .transpose()?
            .unwrap_or(Urgency::Normal),
        confidentiality: opt(confidentiality)
            .map(Confidentiality::parse)
            .transpose()?
            .unwrap_or(Confidentiality::Normal),
        summary: bounded_text("summary", summary, 2000, true)?,
        correspondent: bounded_text("correspondent", correspondent, 1000, true)?,
        signer: bounded("signer", signer, 200, false)?,
    })
}

/// The next number of an outgoing document of `unit_id`: what it is to be printed as, taken
/// in `tx` from the book its secrecy puts it in (Decree 30/2020 Art. 15(2)).
pub(crate) struct OutgoingNumber {
    pub seq: i64,
    pub number: String,
    pub register: Register,
}

/// What an outgoing document is: its kind, secrecy and the abbreviations of its symbol.
pub(crate) struct OutgoingKind<'a> {
    pub doc_type: DocType,
    pub confidentiality: Confidentiality,
    pub issuer_abbr: &'a Option<String>,
    pub division_abbr: &'a Option<String>,
}

pub(crate) async fn next_outgoing(
    tx: &mut WriteTx,
    unit_id: &str,
    year: i32,
    kind: OutgoingKind<'_>,
) -> AppResult<OutgoingNumber> {
    let issuer = rules::abbreviation("issuer_abbr", opt(kind.issuer_abbr).unwrap_or("QLTT"))?;
    let division = opt(kind.division_abbr)
        .map(|d| rules::abbreviation("division_abbr", d))
        .transpose()?;
    let symbol = rules::outgoing_symbol(kind.doc_type, &issuer, division.as_deref());
    let register = rules::register_of(Direction::Outgoing, kind.confidentiality);
    let counter = rules::register_name(Direction::Outgoing, register);
    let seq = documents::next_seq(tx, unit_id, counter, year).await?;
    let n = u32::try_from(seq).map_err(AppError::internal)?;
    Ok(OutgoingNumber {
        seq,
        number: rules::outgoing_number(n, &symbol),
        register,
    })
}

/// Whether the actor's subtree holds the document's register or the unit it was routed to.
pub(crate) async fn in_reach(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    row: &OfficeDocRow,
) -> AppResult<bool> {
    if units::in_subtree(conn, &actor.unit_id, &row.unit_id).await? {
        return Ok(true);
    }
    Ok(match &row.assigned_unit_id {
        Some(u) => units::in_subtree(conn, &actor.unit_id, u).await?,
        None => false,
    })
}

/// Whether the actor sees the document (see [`App::sees_document`]), on `conn`.
pub(crate) async fn sees_in(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    row: &OfficeDocRow,
) -> AppResult<bool> {
    if row.assigned_officer_id.as_deref() == Some(actor.id.as_str()) {
        return Ok(true);
    }
    if in_reach(conn, actor, row).await? {
        return Ok(true);
    }
    if rules::is_secret(Confidentiality::parse(&row.confidentiality)?) {
        return Ok(
            qltt_store::office_access::is_named(conn, &row.id, &actor.id).await?
                || qltt_store::office_access::is_granted(conn, &row.id, &actor.id).await?,
        );
    }
    Ok(false)
}

impl App {
    /// Whether the actor sees the document: its register or its assignee unit is in their
    /// scope, or it was routed to them; a secret one also when they are named on it or were
    /// granted it. Seeing is not reading a secret one in full (see `secrecy`).
    pub(crate) async fn sees_document(&self, actor: &Actor, row: &OfficeDocRow) -> AppResult<bool> {
        let mut conn = self.db.pool().acquire().await.map_err(AppError::internal)?;
        sees_in(&mut conn, actor, row).await
    }

    pub(crate) async fn office_view(
        &self,
        row: OfficeDocRow,
        with_steps: bool,
    ) -> AppResult<OfficeDocument> {
        let direction = Direction::parse(&row.direction)?;
        let state = DocState::parse(&row.state)?;
        let label = |r: Result<&'static str, _>| -> String {
            r.map(str::to_string)
                .unwrap_or_else(|_: qltt_domain::DomainError| String::new())
        };
        let today = legal_day(self.now());
        let due = row.due_on.as_deref().and_then(parse_date);
        let assigned_unit_name = match &row.assigned_unit_id {
            Some(u) => self.unit_name(u).await?,
            None => None,
        };
        let assigned_officer_name = match &row.assigned_officer_id {
            Some(o) => Some(self.officer_label(o).await?),
            None => None,
        };
        let reply_number = match &row.reply_id {
            Some(r) => store::get(self.db.pool(), r).await?.map(|d| d.number),
            None => None,
        };
        let mut steps = Vec::new();
        if with_steps {
            let mut names: HashMap<String, String> = HashMap::new();
            for s in store::steps(self.db.pool(), &row.id).await? {
                if !names.contains_key(&s.actor_id) {
                    let n = self.officer_label(&s.actor_id).await?;
                    names.insert(s.actor_id.clone(), n);
                }
                let action_label = match s.action.as_str() {
                    "register" => "Vào sổ".to_string(),
                    "confirm_receipt" => "Xác nhận đã nhận".to_string(),
                    a => label(DocAction::parse(a).map(|a| a.label())),
                };
                steps.push(OfficeStep {
                    action_label,
                    actor_name: names.get(&s.actor_id).cloned().unwrap_or_default(),
                    action: s.action,
                    note: s.note,
                    at: s.at,
                });
            }
        }
        let attachment_texts = if with_steps {
            self.attachment_texts(&row.attachment_list(), false).await?
        } else {
            Vec::new()
        };
        let (deliveries, arrival) = match (with_steps, direction) {
            (false, _) => (Vec::new(), None),
            (true, Direction::Outgoing) => (self.deliveries_of(&row.id).await?, None),
            (true, Direction::Incoming) => (Vec::new(), self.arrival_of(&row.id).await?),
        };
        // One calendar read per document: on its own page only, not per row of a list.
        let send = if with_steps {
            self.send_deadline(&row).await?
        } else {
            None
        };
        Ok(OfficeDocument {
            attachment_texts,
            deliveries,
            arrival,
            send_by: send.map(|(d, _)| day_text(d)),
            send_late: send.is_some_and(|(_, late)| late),
            attachment_shas: row.attachment_list(),
            unit_name: self.unit_name(&row.unit_id).await?.unwrap_or_default(),
            direction_label: direction.label().to_string(),
            doc_type_label: label(DocType::parse(&row.doc_type).map(|t| t.label())),
            urgency_label: label(Urgency::parse(&row.urgency).map(|t| t.label())),
            confidentiality_label: label(
                Confidentiality::parse(&row.confidentiality).map(|t| t.label()),
            ),
            state_label: state.label().to_string(),
            assigned_unit_name,
            assigned_officer_name,
            overdue: rules::is_overdue(state, due, today),
            allowed_actions: rules::allowed(direction, state)
                .into_iter()
                .map(|a| a.as_str().to_string())
                .collect(),
            reply_number,
            steps,
            row,
            restricted: false,
        })
    }

    /// Enters a document in a register: an incoming one gets the register's next arrival
    /// number, an outgoing one its number and symbol ("125/QLTT-NV"); both without a gap or a
    /// duplicate, in the transaction that stores the document.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id))]
    pub async fn register_office_document(
        &self,
        actor: &Actor,
        input: RegisterInput,
    ) -> AppResult<OfficeDocument> {
        actor.require(Permission::RegisterDocuments)?;
        let direction = Direction::parse(input.direction.trim())?;
        let c = check_common(
            &input.doc_type,
            &input.urgency,
            &input.confidentiality,
            &input.summary,
            &input.correspondent,
            &input.signer,
        )?;
        let today = legal_day(self.now());
        let document_date = parse_day("document_date", &input.document_date)?;
        let received_on = match direction {
            Direction::Incoming => Some(match opt(&input.received_on) {
                Some(r) => parse_day("received_on", r)?,
                None => today,
            }),
            Direction::Outgoing => None,
        };
        rules::check_dates(document_date, received_on, today)?;
        let sender_number = match direction {
            Direction::Incoming => Some(bounded(
                "number",
                input.number.as_deref().unwrap_or(""),
                100,
                true,
            )?),
            Direction::Outgoing => None,
        };
        // The register's year is the year of arrival (incoming) or of issue (outgoing).
        let year = chrono::Datelike::year(&received_on.unwrap_or(document_date));
        let unit_id = opt(&input.unit_id).unwrap_or(&actor.unit_id).to_string();
        let mut tx = self.db.begin(self.now()).await?;
        let unit = units::get_in(tx.conn(), &unit_id)
            .await?
            .ok_or_else(|| AppError::bad_input("office.unknown_unit", "Đơn vị không tồn tại."))?;
        if !units::in_subtree(tx.conn(), &actor.unit_id, &unit.id).await? {
            return Err(AppError::forbidden_scope());
        }
        if !unit.active() {
            return Err(AppError::new(
                ErrorKind::Refused,
                "unit.inactive",
                "Đơn vị đã sáp nhập; hãy vào sổ của đơn vị mới.",
            ));
        }
        let attachments = self
            .require_files(&mut tx, actor, &input.attachments)
            .await?;
        let attachments_json = serde_json::to_string(&attachments).map_err(AppError::internal)?;
        let (seq, number, register, state) = match direction {
            Direction::Incoming => {
                let register = rules::register_of(direction, c.confidentiality);
                let counter = rules::register_name(direction, register);
                let seq = documents::next_seq(&mut tx, &unit.id, counter, year).await?;
                (
                    seq,
                    sender_number.unwrap_or_default(),
                    register,
                    DocState::Registered,
                )
            }
            Direction::Outgoing => {
                let n = next_outgoing(
                    &mut tx,
                    &unit.id,
                    year,
                    OutgoingKind {
                        doc_type: c.doc_type,
                        confidentiality: c.confidentiality,
                        issuer_abbr: &input.issuer_abbr,
                        division_abbr: &input.division_abbr,
                    },
                )
                .await?;
                (n.seq, n.number, n.register, DocState::Issued)
            }
        };
        let document_date_s = day_text(document_date);
        let received_s = received_on.map(day_text);
        let row = store::insert(
            &mut tx,
            &NewOfficeDoc {
                unit_id: &unit.id,
                direction: direction.as_str(),
                register: register.as_str(),
                year,
                seq,
                number: &number,
                doc_type: c.doc_type.as_str(),
                document_date: &document_date_s,
                received_on: received_s.as_deref(),
                correspondent: &c.correspondent,
                summary: &c.summary,
                signer: &c.signer,
                urgency: c.urgency.as_str(),
                confidentiality: c.confidentiality.as_str(),
                attachments: &attachments_json,
                state: state.as_str(),
                created_by: &actor.id,
            },
        )
        .await?;
        let details = json!({
            "direction": row.direction, "register": row.register, "year": row.year,
            "seq": row.seq, "number": row.number, "doc_type": row.doc_type,
            "correspondent": row.correspondent,
            "summary": secrecy::summary_for_log(c.confidentiality, &row.summary),
            "confidentiality": row.confidentiality,
            "attachments": attachments,
        });
        store::add_step(&mut tx, &row.id, "register", &actor.id, "", &details).await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "office_document.register",
                entity_type: "office_document",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "office_document.changed",
                details,
            },
        )
        .await?;
        tx.commit().await?;
        self.office_view(row, true).await
    }

    /// One book of a register (unit, direction, general or secret book, year) of the actor's
    /// scope, highest number first; the cursor is the last item's number.
    #[allow(clippy::too_many_arguments)]
    pub async fn office_register(
        &self,
        actor: &Actor,
        direction: &str,
        unit_id: Option<&str>,
        year: Option<i32>,
        filter: RegisterFilter<'_>,
        cursor: Option<&str>,
        limit: i64,
    ) -> AppResult<OfficePage> {
        actor.require(Permission::ViewOfficeDocuments)?;
        let direction = Direction::parse(direction)?;
        let state = filter
            .state
            .filter(|s| !s.is_empty())
            .map(DocState::parse)
            .transpose()?;
        let register = filter
            .register
            .filter(|s| !s.is_empty())
            .map(Register::parse)
            .transpose()?
            .unwrap_or(Register::General);
        let unit_id = unit_id.filter(|u| !u.is_empty()).unwrap_or(&actor.unit_id);
        if !self.in_scope(actor, unit_id).await? {
            return Err(AppError::forbidden_scope());
        }
        let year = year.unwrap_or_else(|| chrono::Datelike::year(&legal_day(self.now())));
        let limit = limit.clamp(1, 200);
        let before = match cursor.filter(|c| !c.is_empty()) {
            Some(c) => Some(c.parse::<i64>().map_err(|_| {
                AppError::bad_input("request.invalid_cursor", "Con trỏ trang không hợp lệ.")
            })?),
            None => None,
        };
        let rows = store::register(
            self.db.pool(),
            &store::Book {
                unit_id,
                direction: direction.as_str(),
                register: register.as_str(),
                year,
            },
            state.map(|s| s.as_str()),
            before,
            limit + 1,
        )
        .await?;
        self.office_page(actor, rows, limit).await
    }

    /// A page of a book: a secret document the actor is not entitled to is a placeholder line
    /// (the book stays visibly whole, its content hidden).
    async fn office_page(
        &self,
        actor: &Actor,
        rows: Vec<OfficeDocRow>,
        limit: i64,
    ) -> AppResult<OfficePage> {
        let more = rows.len() as i64 > limit;
        let mut items = Vec::new();
        for row in rows.into_iter().take(limit as usize) {
            items.push(self.list_view(actor, row).await?);
        }
        let next_cursor = if more {
            items.last().map(|d| d.row.seq.to_string())
        } else {
            None
        };
        Ok(OfficePage { items, next_cursor })
    }

    /// Documents routed to the actor or to a unit of their scope and not yet answered or filed,
    /// earliest deadline first; `overdue_only` keeps those past their deadline.
    pub async fn office_assigned(
        &self,
        actor: &Actor,
        overdue_only: bool,
        limit: i64,
    ) -> AppResult<Vec<OfficeDocument>> {
        actor.require(Permission::ViewOfficeDocuments)?;
        let today = day_text(legal_day(self.now()));
        let rows = store::assigned(
            self.db.pool(),
            &actor.unit_id,
            &actor.id,
            overdue_only.then_some(today.as_str()),
            limit.clamp(1, 200),
        )
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            // A secret document routed to a unit is worked on by those entitled to it (the
            // unit's leaders route it on to an officer); the others' queue does not hold it.
            if self.secret_entitlement(actor, &row).await?.is_none() {
                continue;
            }
            out.push(self.office_view(row, false).await?);
        }
        Ok(out)
    }

    /// A document with its journal, if the actor sees it (else 404, as if it did not exist); a
    /// secret one only for those entitled to it (else 403 `office.secret_restricted`), and the
    /// opening is recorded (see `secrecy`).
    pub async fn office_document(&self, actor: &Actor, id: &str) -> AppResult<OfficeDocument> {
        let row = self.readable_document(actor, id).await?;
        self.record_secret_read(actor, &row, "office_document.secret_read", json!({}), false)
            .await?;
        self.office_view(row, true).await
    }

    /// A document as [`App::office_document`] without recording an opening (for the answers of
    /// steps, which the actor took on the document).
    pub(crate) async fn office_document_unlogged(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<OfficeDocument> {
        let row = self.readable_document(actor, id).await?;
        self.office_view(row, true).await
    }

    /// The row of a document the actor sees and reads in full: 404 when they do not see it, 403
    /// `office.secret_restricted` when it is secret and they are not entitled to it.
    pub(crate) async fn readable_document(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<OfficeDocRow> {
        actor.require(Permission::ViewOfficeDocuments)?;
        let row = store::get(self.db.pool(), id)
            .await?
            .ok_or_else(not_found)?;
        if !self.sees_document(actor, &row).await? {
            return Err(not_found());
        }
        if self.secret_entitlement(actor, &row).await?.is_none() {
            return Err(secrecy::restricted());
        }
        Ok(row)
    }

    /// Whether the actor may take a step that the document's state gives to `by`.
    async fn may_take(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        row: &OfficeDocRow,
        by: StepBy,
    ) -> AppResult<bool> {
        let register_in_scope = units::in_subtree(tx.conn(), &actor.unit_id, &row.unit_id).await?;
        let leader = actor.may(Permission::RouteDocuments) && register_in_scope;
        Ok(match by {
            StepBy::Leader => leader,
            StepBy::Clerk => actor.may(Permission::RegisterDocuments) && register_in_scope,
            StepBy::Assignee => {
                let assignee = row.assigned_officer_id.as_deref() == Some(actor.id.as_str())
                    || match &row.assigned_unit_id {
                        Some(u) => units::in_subtree(tx.conn(), &actor.unit_id, u).await?,
                        None => false,
                    };
                (assignee && actor.may(Permission::ProcessDocuments)) || leader
            }
        })
    }

    /// Takes a step of the workflow. A step the state does not allow is 409
    /// `office.invalid_transition`; one the actor may not take, 403.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, document_id = %id))]
    pub async fn office_act(
        &self,
        actor: &Actor,
        id: &str,
        action: &str,
        input: ActionInput,
    ) -> AppResult<OfficeDocument> {
        let action = DocAction::parse(action).map_err(|_| {
            AppError::new(
                ErrorKind::NotFound,
                "office.unknown_action",
                "Không có thao tác này (route, accept, reply, file, send).",
            )
        })?;
        let note = bounded_text("note", input.note.as_deref().unwrap_or(""), 2000, false)?;
        let today = legal_day(self.now());
        let mut tx = self.db.begin(self.now()).await?;
        let row = store::get_in(tx.conn(), id).await?.ok_or_else(not_found)?;
        if !sees_in(tx.conn(), actor, &row).await? {
            return Err(not_found());
        }
        // A secret document is acted on only by those who read it.
        if secrecy::entitlement_in(tx.conn(), actor, &row)
            .await?
            .is_none()
        {
            return Err(secrecy::restricted());
        }
        let direction = Direction::parse(&row.direction)?;
        let state = DocState::parse(&row.state)?;
        // Who may take the step first (403), then whether the state allows it (409).
        if !self
            .may_take(&mut tx, actor, &row, rules::taken_by(state, action))
            .await?
        {
            return Err(AppError::forbidden());
        }
        let next = rules::transition(direction, state, action)?;
        let (moved, step_note, details) = match action {
            DocAction::Route => {
                let opinion = bounded_text(
                    "opinion",
                    input.opinion.as_deref().unwrap_or(""),
                    2000,
                    true,
                )?;
                let due = opt(&input.due_on)
                    .map(|d| parse_day("due_on", d))
                    .transpose()?;
                if let Some(d) = due {
                    rules::check_due_on(d, today)?;
                }
                let (unit_id, officer_id) = self
                    .route_target(&mut tx, actor, opt(&input.unit_id), opt(&input.officer_id))
                    .await?;
                let due_s = due.map(day_text);
                let moved = store::route(
                    &mut tx,
                    &row.id,
                    state.as_str(),
                    &store::Routing {
                        opinion: &opinion,
                        routed_by: &actor.id,
                        unit_id: unit_id.as_deref(),
                        officer_id: officer_id.as_deref(),
                        due_on: due_s.as_deref(),
                    },
                )
                .await?;
                let details = json!({"opinion": opinion, "unit_id": unit_id,
                    "officer_id": officer_id, "due_on": due_s});
                (moved, opinion, details)
            }
            DocAction::Reply => {
                let reply_id = opt(&input.reply_id).ok_or_else(|| {
                    AppError::from(qltt_domain::DomainError::invalid(
                        "reply_id",
                        "validation.required",
                        "Chọn văn bản đi trả lời.",
                    ))
                })?;
                let reply = store::get_in(tx.conn(), reply_id).await?;
                let usable = match &reply {
                    Some(r) if r.direction == Direction::Outgoing.as_str() => {
                        r.unit_id == row.unit_id
                            || units::in_subtree(tx.conn(), &actor.unit_id, &r.unit_id).await?
                    }
                    _ => false,
                };
                let Some(reply) = reply.filter(|_| usable) else {
                    return Err(AppError::bad_input(
                        "office.unknown_reply",
                        "Văn bản trả lời phải là văn bản đi đã vào sổ (trong phạm vi của bạn).",
                    ));
                };
                let moved = store::set_state(
                    &mut tx,
                    &row.id,
                    state.as_str(),
                    next.as_str(),
                    Some(&reply.id),
                )
                .await?;
                (
                    moved,
                    note,
                    json!({"reply_id": reply.id, "reply_number": reply.number}),
                )
            }
            DocAction::Send => {
                let moved =
                    store::set_state(&mut tx, &row.id, state.as_str(), next.as_str(), None).await?;
                let to = delivery::Recipients {
                    unit_ids: input.recipient_unit_ids.clone(),
                    external: input.external.clone(),
                };
                let delivered = if !moved {
                    json!({})
                } else if to.is_empty() {
                    // Sent by hand outside the product, with only a note of how.
                    qltt_store::office_drafts::mark_sent(&mut tx, &row.id).await?;
                    json!({})
                } else {
                    self.deliver(&mut tx, actor, &row, &to).await?
                };
                (
                    moved,
                    note.clone(),
                    json!({"note": note, "delivered": delivered}),
                )
            }
            DocAction::Accept | DocAction::File => {
                let moved =
                    store::set_state(&mut tx, &row.id, state.as_str(), next.as_str(), None).await?;
                (moved, note.clone(), json!({"note": note}))
            }
        };
        if !moved {
            // Another officer moved it between our read and our write (PostgreSQL).
            return Err(AppError::new(
                ErrorKind::Conflict,
                "office.invalid_transition",
                "Văn bản vừa được người khác xử lý; hãy tải lại.",
            ));
        }
        // Routing (or any first step) by the receiving unit shows the document arrived: an
        // arrival from inside the product not yet confirmed is confirmed now, before the step,
        // so the sender is never left without the notice of Art. 21(2)(c).
        if units::in_subtree(tx.conn(), &actor.unit_id, &row.unit_id).await? {
            self.confirm_receipt_in(&mut tx, actor, &row).await?;
        }
        store::add_step(
            &mut tx,
            &row.id,
            action.as_str(),
            &actor.id,
            &step_note,
            &details,
        )
        .await?;
        let mut audit = details;
        audit["from"] = json!(state.as_str());
        audit["to"] = json!(next.as_str());
        // The log (read by auditors, and the outbox) keeps who did what to a secret document,
        // not the words of its opinion or notes, which may repeat the secret; its journal, read
        // only by those entitled, keeps them.
        if rules::is_secret(Confidentiality::parse(&row.confidentiality)?) {
            for key in ["opinion", "note"] {
                if audit.get(key).is_some() {
                    audit[key] = serde_json::Value::Null;
                }
            }
        }
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: match action {
                    DocAction::Route => "office_document.route",
                    DocAction::Accept => "office_document.accept",
                    DocAction::Reply => "office_document.reply",
                    DocAction::File => "office_document.file",
                    DocAction::Send => "office_document.send",
                },
                entity_type: "office_document",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "office_document.changed",
                details: audit,
            },
        )
        .await?;
        let after = store::get_in(tx.conn(), &row.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        self.office_view(after, true).await
    }

    /// Checks a routing target: exactly one of a unit or an officer, active and in the actor's
    /// scope.
    async fn route_target(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        unit_id: Option<&str>,
        officer_id: Option<&str>,
    ) -> AppResult<(Option<String>, Option<String>)> {
        let refused = |code: &'static str, message: &str| AppError::bad_input(code, message);
        match (unit_id, officer_id) {
            (Some(u), None) => {
                let unit = units::get_in(tx.conn(), u).await?;
                match unit {
                    Some(unit)
                        if unit.active()
                            && units::in_subtree(tx.conn(), &actor.unit_id, &unit.id).await? =>
                    {
                        Ok((Some(unit.id), None))
                    }
                    _ => Err(refused(
                        "office.unknown_assignee",
                        "Đơn vị xử lý không tồn tại hoặc ngoài phạm vi của bạn.",
                    )),
                }
            }
            (None, Some(o)) => {
                let officer = users::get_in(tx.conn(), o).await?;
                match officer {
                    Some(officer)
                        if officer.active != 0
                            && units::in_subtree(tx.conn(), &actor.unit_id, &officer.unit_id)
                                .await? =>
                    {
                        Ok((None, Some(officer.id)))
                    }
                    _ => Err(refused(
                        "office.unknown_assignee",
                        "Công chức xử lý không tồn tại hoặc ngoài phạm vi của bạn.",
                    )),
                }
            }
            _ => Err(refused(
                "office.assignee_required",
                "Chọn một đơn vị hoặc một công chức xử lý.",
            )),
        }
    }
}
