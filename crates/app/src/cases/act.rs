//! Taking a step of a case: `POST /api/v1/cases/{id}/actions/{action}`. The order of checks is the
//! order an auditor would ask them in: may this officer act here at all (permission, scope), does
//! the case's state allow the step (state machine, 409), does the law allow it (competence,
//! limitation, frames, deadlines: 422 `law.*`), is the request well formed (400).

use chrono::{Datelike, NaiveDate};
use qltt_domain::case::{Action, CaseFacts, CaseState, DocumentKind, EnforcementStatus};
use qltt_domain::format::{format_date, legal_day};
use qltt_domain::law::OffenderKind;
use qltt_domain::law::competence::{self, SECTOR_MAX_COMMERCE, SECTOR_MAX_COUNTERFEIT};
use qltt_domain::law::deadlines::{self, DeadlineInput, Explanation};
use qltt_domain::law::{enforcement, period};
use qltt_domain::officer::Permission;
use qltt_domain::org::UnitKind;
use qltt_store::cases::{self, CaseRow, CaseUpdate, PaymentRow};
use qltt_store::documents::{self, NewDocument};
use qltt_store::{WriteTx, businesses, units, users};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::input::{self, *};
use super::{Case, DocumentRef, document_ref, not_found};
use crate::{Actor, App, AppError, AppResult, ErrorKind};

/// The case and what the step produced.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActOutcome {
    #[serde(flatten)]
    pub case: Case,
    /// The documents this step produced, numbered.
    pub produced: Vec<DocumentRef>,
}

pub(crate) fn facts_of(row: &CaseRow) -> AppResult<CaseFacts> {
    Ok(CaseFacts {
        state: CaseState::parse(&row.state)?,
        violation_found: row.violation_found.map(|v| v != 0),
        fine_total: row.fine_total,
        paid_total: row.paid_total,
        enforcement: EnforcementStatus::parse(&row.enforcement)?,
        decision_delivered: row.decision_delivered != 0,
    })
}

fn parse_body<T: DeserializeOwned>(body: Value) -> AppResult<T> {
    serde_json::from_value(body).map_err(|e| {
        AppError::bad_input(
            "case.invalid_body",
            format!("Nội dung yêu cầu không hợp lệ cho bước này: {e}"),
        )
    })
}

pub(super) fn refused(code: &'static str, message: impl Into<String>) -> AppError {
    AppError::new(ErrorKind::Refused, code, message)
}

pub(super) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Sector maximum for an individual (Decree 98/2020): 200M for counterfeit and prohibited goods,
/// 100M for commerce and consumer protection.
pub(super) fn sector_max(group: &str) -> i64 {
    match group {
        "counterfeit" | "prohibited" => SECTOR_MAX_COUNTERFEIT,
        _ => SECTOR_MAX_COMMERCE,
    }
}

/// Everything a step changes, gathered before one write.
pub(super) struct Effects {
    pub(super) data: Value,
    pub(super) violation_found: Option<i64>,
    pub(super) offender_kind: Option<String>,
    pub(super) fine_total: i64,
    pub(super) paid_total: i64,
    pub(super) decision_delivered: i64,
    /// The day the step's documents bear.
    pub(super) issued_on: NaiveDate,
    /// (kind, due, basis) to set; kinds to mark met.
    pub(super) set_deadlines: Vec<(&'static str, NaiveDate, String)>,
    pub(super) meet: Vec<&'static str>,
    pub(super) payment: Option<PaymentRow>,
    /// Lots the step's decision confiscates (moved once the decision has its number).
    pub(super) confiscation: crate::exhibits::Confiscation,
}

/// The draft of the document a step would issue (`POST …/actions/{action}/preview`).
#[derive(Debug, Clone)]
pub struct DocumentPreview {
    pub kind: DocumentKind,
    /// The PDF, marked "DỰ THẢO", without number, QR code or verification code.
    pub pdf: Vec<u8>,
}

/// What running a step gave: the step taken, or (a preview) the draft of its first document.
enum Ran {
    Taken(Box<ActOutcome>),
    Previewed(DocumentPreview),
}

impl App {
    #[tracing::instrument(skip(self, actor, body), fields(actor = %actor.id, case_id = %case_id))]
    pub async fn act_on_case(
        &self,
        actor: &Actor,
        case_id: &str,
        action: &str,
        body: Value,
    ) -> AppResult<ActOutcome> {
        match self.run_step(actor, case_id, action, body, None).await? {
            Ran::Taken(outcome) => Ok(*outcome),
            Ran::Previewed(_) => Err(AppError::internal("a step taken gave a preview")),
        }
    }

    /// The document a step would issue, from the same body, with nothing written (issue 5: a
    /// leader reads the decision before signing it). The step runs for real — the same checks
    /// in the same order, so the same refusal with the same code — in a write transaction that
    /// is rolled back: the number it took goes back to the register (numbers stay gap-free), and
    /// no blob, audit event, outbox entry or idempotency key is kept. A step that issues no
    /// document is refused (422 `document.no_preview`). When a step issues two documents (a
    /// seizure decision and its record), `kind` picks which one is previewed; without it, the
    /// first (the decision). Both are rendered in the same run, so the record's draft shows what
    /// it would show after the decision (the decision's number is left blank on both). A `kind`
    /// the step does not issue is 422 `document.no_preview` too.
    #[tracing::instrument(skip(self, actor, body), fields(actor = %actor.id, case_id = %case_id))]
    pub async fn preview_case_action(
        &self,
        actor: &Actor,
        case_id: &str,
        action: &str,
        body: Value,
        kind: Option<DocumentKind>,
    ) -> AppResult<DocumentPreview> {
        match self
            .run_step(actor, case_id, action, body, Some(kind))
            .await?
        {
            Ran::Previewed(p) => Ok(p),
            Ran::Taken(_) => Err(AppError::internal("a preview took its step")),
        }
    }

    async fn run_step(
        &self,
        actor: &Actor,
        case_id: &str,
        action: &str,
        body: Value,
        // `Some(kind)` for a preview: the document to return (`None`: the step's first).
        preview_of: Option<Option<DocumentKind>>,
    ) -> AppResult<Ran> {
        let preview = preview_of.is_some();
        let action = Action::parse(action)?;
        actor.require(if action == Action::RecordPayment {
            Permission::RecordPayments
        } else {
            Permission::HandleCases
        })?;
        let mut body = match body {
            Value::Object(m) => m,
            Value::Null => Map::new(),
            _ => {
                return Err(AppError::bad_input(
                    "case.invalid_body",
                    "Nội dung yêu cầu phải là một đối tượng JSON.",
                ));
            }
        };
        let expected_version = match body.remove("version") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_i64().ok_or_else(|| {
                AppError::bad_input("case.invalid_version", "Phiên bản không hợp lệ.")
            })?),
        };
        let mut tx = self.db.begin(self.now()).await?;
        let row = cases::get_in(tx.conn(), case_id)
            .await?
            .ok_or_else(not_found)?;
        if !units::in_subtree(tx.conn(), &actor.unit_id, &row.unit_id).await? {
            return Err(not_found());
        }
        if expected_version.is_some_and(|v| v != row.version) {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "case.version_conflict",
                format!(
                    "Vụ việc vừa được người khác cập nhật (trạng thái hiện tại: {}). Hãy tải lại.",
                    CaseState::parse(&row.state).map_or("?", |s| s.label())
                ),
            ));
        }
        let facts = facts_of(&row)?;
        // The state machine first: a step the state does not allow is a conflict (409) whatever
        // its body says.
        let payment_amount = if action == Action::RecordPayment {
            body.get("amount").and_then(Value::as_i64)
        } else {
            None
        };
        let transition = qltt_domain::case::transition(&facts, action, payment_amount)?;
        if preview && transition.documents.is_empty() {
            return Err(refused(
                "document.no_preview",
                format!(
                    "Bước \"{}\" không ban hành văn bản nào nên không có bản xem trước.",
                    action.label()
                ),
            ));
        }
        if let Some(Some(kind)) = preview_of
            && !transition.documents.contains(&kind)
        {
            return Err(refused(
                "document.no_preview",
                format!(
                    "Bước \"{}\" không ban hành «{}» nên không có bản xem trước của văn bản này.",
                    action.label(),
                    kind.label()
                ),
            ));
        }
        let unit = units::get_in(tx.conn(), &row.unit_id)
            .await?
            .ok_or_else(|| AppError::internal("case unit missing"))?;
        let fx = self
            .effects(&mut tx, actor, &row, &unit, action, Value::Object(body))
            .await?;
        let to = transition.to;
        let enforcement = transition.enforcement.unwrap_or(facts.enforcement);
        let data = fx.data.to_string();
        let updated = cases::update(
            &mut tx,
            &row.id,
            row.version,
            &CaseUpdate {
                state: to.as_str(),
                enforcement: enforcement.as_str(),
                violation_found: fx.violation_found,
                offender_kind: fx.offender_kind.as_deref(),
                fine_total: fx.fine_total,
                paid_total: fx.paid_total,
                decision_delivered: fx.decision_delivered,
                data: &data,
            },
        )
        .await?;
        if !updated {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "case.version_conflict",
                "Vụ việc vừa được người khác cập nhật. Hãy tải lại.",
            ));
        }
        let payload = fx.data.get(action.as_str()).cloned().unwrap_or(Value::Null);
        let seq = cases::append_step(
            &mut tx,
            &row.id,
            action.as_str(),
            &row.state,
            to.as_str(),
            &actor.id,
            &payload.to_string(),
        )
        .await?;
        for kind in &fx.meet {
            cases::meet_deadline(&mut tx, &row.id, kind).await?;
        }
        for (kind, due, basis) in &fx.set_deadlines {
            cases::set_deadline(&mut tx, &row.id, &row.unit_id, kind, &day(*due), basis).await?;
        }
        if let Some(p) = &fx.payment {
            cases::insert_payment(&mut tx, &row.id, p).await?;
        }
        let mut produced = Vec::new();
        let mut drafts = Vec::new();
        for kind in &transition.documents {
            let (d, draft) = self
                .issue_document(&mut tx, actor, &row, &unit, *kind, &fx, &payload, preview)
                .await?;
            produced.push(document_ref(&d));
            drafts.extend(draft.map(|pdf| DocumentPreview { kind: *kind, pdf }));
        }
        if !fx.confiscation.lots.is_empty() {
            let decision = produced
                .first()
                .ok_or_else(|| AppError::internal("a confiscating step without its decision"))?;
            let offender = fx
                .data
                .pointer("/record_violation/offender/name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            self.confiscate_by_decision(
                &mut tx,
                actor,
                &fx.confiscation,
                (&decision.id, &decision.number),
                &offender,
                &unit.name,
            )
            .await?;
        }
        if preview {
            // Everything the step would do has been checked and done in `tx`; none of it stays.
            tx.rollback().await?;
            let wanted = preview_of.flatten();
            return drafts
                .into_iter()
                .find(|d| wanted.is_none_or(|k| d.kind == k))
                .map(Ran::Previewed)
                .ok_or_else(|| AppError::internal("a previewed step without its document"));
        }
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "case.act",
                entity_type: "case",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "case.changed",
                details: json!({
                    "action": action.as_str(),
                    "step": seq,
                    "state": {"from": row.state, "to": to.as_str()},
                    "enforcement": enforcement.as_str(),
                    "documents": produced.iter().map(|d| json!({"id": d.id, "kind": d.kind, "number": d.number, "sha256": d.sha256})).collect::<Vec<_>>(),
                    "payload": payload,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        let _ = self.events.send(crate::CaseEvent {
            case_id: row.id.clone(),
            unit_id: row.unit_id.clone(),
            state: to.as_str().to_string(),
            action: action.as_str().to_string(),
        });
        let row = cases::get(self.db.pool(), &row.id)
            .await?
            .ok_or_else(not_found)?;
        Ok(Ran::Taken(Box::new(ActOutcome {
            case: self.case_view(row).await?,
            produced,
        })))
    }

    /// Numbers the document in its register (gapless: the counter moves in this transaction),
    /// stores its structured content and issues it (rendered, hashed, stored: `documents`).
    /// For a preview (`draft`), the same but rendered as a draft and not issued: its PDF is
    /// returned, nothing goes to the blob store (the caller rolls the transaction back).
    #[allow(clippy::too_many_arguments)]
    async fn issue_document(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        case: &CaseRow,
        unit: &units::UnitRow,
        kind: DocumentKind,
        fx: &Effects,
        payload: &Value,
        draft: bool,
    ) -> AppResult<(qltt_store::documents::DocumentRow, Option<Vec<u8>>)> {
        let issued_on = fx.issued_on;
        let register = qltt_domain::case::register_of(kind);
        let year = issued_on.year();
        let seq = documents::next_seq(tx, &unit.id, register, year).await?;
        let number = qltt_domain::case::DocumentNumber {
            seq: u32::try_from(seq).unwrap_or(u32::MAX),
            year,
            symbol: kind.symbol().to_string(),
        }
        .to_string();
        let business = match &case.business_id {
            Some(id) => businesses::get_in(tx.conn(), id).await?.map(|b| {
                json!({"id": b.id, "name": b.name, "tax_code": b.tax_code, "address": b.address,
                       "representative": b.representative})
            }),
            None => None,
        };
        let content = json!({
            "kind": kind.as_str(),
            "title": kind.label(),
            "form": kind.form_code(),
            "number": number,
            "issued_on": day(issued_on),
            "issued_on_text": qltt_domain::format::format_legal_date(issued_on),
            "unit": {"id": unit.id, "code": unit.code, "name": unit.name},
            "case": {"id": case.id, "summary": case.summary, "origin": case.origin},
            "business": business,
            "signer": {"id": actor.id, "name": actor.full_name},
            "body": payload,
        });
        let mut row = documents::insert(
            tx,
            &NewDocument {
                case_id: Some(&case.id),
                unit_id: &unit.id,
                kind: kind.as_str(),
                register,
                year,
                seq,
                number: &number,
                issued_on: &day(issued_on),
                content: &content.to_string(),
                created_by: &actor.id,
            },
        )
        .await?;
        if draft {
            let pdf = self
                .draft_document(tx, &row, &fx.data, fx.fine_total, fx.paid_total, unit)
                .await?;
            return Ok((row, Some(pdf)));
        }
        // Issuing freezes it: PDF in the blob store, its hash and verification code on the row.
        let frozen = self
            .freeze_document(tx, &row, &fx.data, fx.fine_total, fx.paid_total, unit)
            .await?;
        row.sha256 = Some(frozen.sha256);
        row.verify_code = Some(frozen.verify_code);
        Ok((row, None))
    }

    /// Validates the step's body against the law and works out what it changes.
    async fn effects(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        row: &CaseRow,
        unit: &units::UnitRow,
        action: Action,
        body: Value,
    ) -> AppResult<Effects> {
        let today = legal_day(self.now());
        let mut data: Value = serde_json::from_str(&row.data).unwrap_or_else(|_| json!({}));
        let mut fx = Effects {
            data: Value::Null,
            violation_found: row.violation_found,
            offender_kind: row.offender_kind.clone(),
            fine_total: row.fine_total,
            paid_total: row.paid_total,
            decision_delivered: row.decision_delivered,
            issued_on: today,
            set_deadlines: Vec::new(),
            meet: Vec::new(),
            payment: None,
            confiscation: Default::default(),
        };
        let unit_kind = UnitKind::parse(&unit.kind)?;
        let payload: Value = match action {
            Action::Propose => {
                let i: ProposeInput = parse_body(body)?;
                json!({
                    "content": input::text("content", &i.content, true)?,
                    "suspected_violation": input::text("suspected_violation", &i.suspected_violation, false)?,
                    "proposed_start_on": i.proposed_start_on.map(day),
                    "proposed_by": {"id": actor.id, "name": actor.full_name},
                })
            }
            Action::RejectProposal => {
                let i: ReasonInput = parse_body(body)?;
                json!({"reason": input::text("reason", &i.reason, true)?})
            }
            Action::DecideInspection => {
                let i: DecideInspectionInput = parse_body(body)?;
                self.check_inspection_decision(tx, actor, unit_kind, row, &i)
                    .await?
            }
            Action::RecordInspection => {
                let i: RecordInspectionInput = parse_body(body)?;
                check_not_future(i.inspected_at.date_naive(), today, "inspected_at")?;
                fx.issued_on = legal_day(i.inspected_at);
                fx.violation_found = Some(i64::from(i.violation_found));
                fx.meet.push("inspection");
                json!({
                    "inspected_at": i.inspected_at,
                    "place": input::line("place", &i.place, true)?,
                    "findings": input::text("findings", &i.findings, true)?,
                    "violation_found": i.violation_found,
                    "joint_agencies": check_agencies(&i.joint_agencies)?,
                })
            }
            Action::RecordViolation => {
                let i: RecordViolationInput = parse_body(body)?;
                self.record_violation(tx, row, &i, today, &mut fx).await?
            }
            Action::RequestExplanation => {
                let i: RequestExplanationInput = parse_body(body)?;
                let explanation = match i.mode.as_str() {
                    "oral" => Explanation::Oral,
                    "written" => Explanation::Written,
                    _ => {
                        return Err(AppError::bad_input(
                            "case.invalid_explanation_mode",
                            "Hình thức giải trình phải là oral (trực tiếp) hoặc written (bằng văn bản).",
                        ));
                    }
                };
                let recorded_on = recorded_on(&data)?;
                let cal = self.work_calendar_in(tx, recorded_on).await?;
                let d = deadlines::compute(
                    &cal,
                    &DeadlineInput {
                        recorded_on,
                        explanation,
                        verification: verification(&data),
                        extended: false,
                        decision_received_on: None,
                    },
                )?;
                if let Some(due) = d.explanation_due {
                    if i.requested_on > due {
                        return Err(refused(
                            "law.explanation_late",
                            format!(
                                "Yêu cầu giải trình đã quá hạn ({}; Luật XLVPHC, Điều 61).",
                                format_date(due)
                            ),
                        ));
                    }
                    fx.set_deadlines
                        .push(("explanation", due, "Luật XLVPHC, Điều 61".into()));
                }
                json!({"mode": i.mode, "requested_on": day(i.requested_on)})
            }
            Action::RecordExplanation => {
                let i: RecordExplanationInput = parse_body(body)?;
                check_not_future(i.received_on, today, "received_on")?;
                fx.issued_on = i.received_on;
                fx.meet.push("explanation");
                json!({"received_on": day(i.received_on), "content": input::text("content", &i.content, true)?})
            }
            Action::Seize => {
                let i: SeizeInput = parse_body(body)?;
                check_not_future(i.seized_on, today, "seized_on")?;
                if i.items.is_empty() {
                    return Err(AppError::bad_input(
                        "case.no_items",
                        "Cần ít nhất một tang vật, phương tiện.",
                    ));
                }
                let cal = self.work_calendar_in(tx, i.seized_on).await?;
                let due = deadlines::seizure_due(&cal, i.seized_on);
                fx.issued_on = i.seized_on;
                fx.set_deadlines
                    .push(("seizure", due, "Luật XLVPHC, Điều 125 khoản 8".into()));
                json!({
                    "seized_on": day(i.seized_on),
                    "items": check_exhibits(&i.items)?,
                    "reason": input::text("reason", &i.reason, true)?,
                    "due_on": day(due),
                })
            }
            Action::IssueSanction => {
                let i: IssueSanctionInput = parse_body(body)?;
                self.issue_sanction(tx, actor, row, unit_kind, &data, &i, today, &mut fx)
                    .await?
            }
            Action::DecideNoSanction => {
                let i: NoSanctionInput = parse_body(body)?;
                check_not_future(i.decided_on, today, "decided_on")?;
                fx.issued_on = i.decided_on;
                fx.meet.extend(["decision", "explanation"]);
                fx.confiscation = self
                    .lots_to_confiscate(tx, &row.id, &i.confiscated_exhibits)
                    .await?;
                json!({
                    "decided_on": day(i.decided_on),
                    "reason": input::text("reason", &i.reason, true)?,
                    "confiscation": input::lines("confiscation", &i.confiscation)?,
                    "confiscated_exhibits": fx.confiscation.summary()?,
                })
            }
            Action::DeliverDecision => {
                let i: DeliverInput = parse_body(body)?;
                check_not_future(i.delivered_on, today, "delivered_on")?;
                let issued = data
                    .pointer("/issue_sanction/issued_on")
                    .and_then(Value::as_str)
                    .and_then(qltt_domain::format::parse_date)
                    .ok_or_else(|| AppError::internal("sanctioned case without decision date"))?;
                if i.delivered_on < issued {
                    return Err(AppError::bad_input(
                        "case.delivered_before_issue",
                        "Ngày giao không thể trước ngày ra quyết định.",
                    ));
                }
                if i.refused && i.witnesses.is_empty() {
                    return Err(AppError::bad_input(
                        "case.refusal_needs_witness",
                        "Người vi phạm từ chối nhận: cần người chứng kiến hoặc xác nhận của chính quyền địa phương (Luật XLVPHC, Điều 70).",
                    ));
                }
                let days = data
                    .pointer("/issue_sanction/payment_days")
                    .and_then(Value::as_u64)
                    .and_then(|d| u32::try_from(d).ok())
                    .unwrap_or(10);
                let cal = self.work_calendar_in(tx, i.delivered_on).await?;
                // LHAV Art. 73: 10 days from receiving the decision (longer if it says so).
                let due = period::days_after(&cal, i.delivered_on, days);
                fx.decision_delivered = 1;
                fx.issued_on = i.delivered_on;
                fx.meet.push("delivery");
                fx.set_deadlines
                    .push(("payment", due, "Luật XLVPHC, Điều 73".into()));
                json!({
                    "delivered_on": day(i.delivered_on),
                    "refused": i.refused,
                    "witnesses": check_witnesses(&i.witnesses)?,
                    "payment_due": day(due),
                })
            }
            Action::RecordPayment => {
                let i: PaymentInput = parse_body(body)?;
                check_not_future(i.paid_on, today, "paid_on")?;
                let outstanding = row.fine_total - row.paid_total;
                if i.amount <= 0 || i.amount > outstanding {
                    return Err(AppError::bad_input(
                        "case.invalid_payment",
                        format!(
                            "Số tiền nộp phải lớn hơn 0 và không vượt số còn phải nộp ({}).",
                            qltt_domain::format::Vnd(outstanding)
                        ),
                    ));
                }
                let receipt_no = input::line("receipt_no", &i.receipt_no, true)?;
                let due = cases::deadlines_in(tx.conn(), &row.id)
                    .await?
                    .into_iter()
                    .find(|d| d.kind == "payment")
                    .and_then(|d| qltt_domain::format::parse_date(&d.due_on));
                // LHAV Art. 78(1): 0.05 % of the unpaid fine per day late.
                let late = due.map_or(0, |due| {
                    enforcement::late_charge(outstanding, due, i.paid_on)
                });
                fx.paid_total = row.paid_total + i.amount;
                fx.issued_on = i.paid_on;
                if fx.paid_total == row.fine_total {
                    fx.meet.extend(["payment", "execution"]);
                }
                fx.payment = Some(PaymentRow {
                    paid_on: day(i.paid_on),
                    amount: i.amount,
                    late_charge: late,
                    receipt_no: receipt_no.clone(),
                    recorded_by: actor.id.clone(),
                    recorded_at: qltt_store::ts(self.now()),
                });
                json!({"paid_on": day(i.paid_on), "amount": i.amount, "receipt_no": receipt_no,
                       "late_charge": late, "outstanding_after": row.fine_total - fx.paid_total})
            }
            Action::GrantInstalments => {
                let i: InstalmentsInput = parse_body(body)?;
                check_not_future(i.decided_on, today, "decided_on")?;
                input::capped("plan", &i.plan)?;
                let offender = offender_of(row)?;
                let plan: Vec<(NaiveDate, i64)> =
                    i.plan.iter().map(|p| (p.due_on, p.amount)).collect();
                enforcement::check_instalments(
                    offender,
                    row.fine_total - row.paid_total,
                    &plan,
                    i.decided_on,
                )?;
                fx.issued_on = i.decided_on;
                if let Some((last, _)) = plan.last() {
                    fx.set_deadlines
                        .push(("payment", *last, "Luật XLVPHC, Điều 79".into()));
                }
                json!({
                    "decided_on": day(i.decided_on),
                    "plan": i.plan.iter().map(|p| json!({"due_on": day(p.due_on), "amount": p.amount})).collect::<Vec<_>>(),
                    "hardship_certified_by": input::line("hardship_certified_by", &i.hardship_certified_by, true)?,
                })
            }
            Action::Postpone => {
                let i: PostponeInput = parse_body(body)?;
                check_not_future(i.decided_on, today, "decided_on")?;
                if i.until <= i.decided_on {
                    return Err(AppError::bad_input(
                        "case.invalid_period",
                        "Ngày hoãn đến phải sau ngày quyết định.",
                    ));
                }
                fx.issued_on = i.decided_on;
                fx.set_deadlines
                    .push(("payment", i.until, "Luật XLVPHC, Điều 76".into()));
                json!({"decided_on": day(i.decided_on), "until": day(i.until), "reason": input::text("reason", &i.reason, true)?})
            }
            Action::OrderCoercion => {
                let i: CoercionInput = parse_body(body)?;
                check_not_future(i.decided_on, today, "decided_on")?;
                fx.issued_on = i.decided_on;
                fx.meet.push("payment");
                json!({"decided_on": day(i.decided_on), "measure": input::line("measure", &i.measure, true)?,
                       "reason": input::text("reason", &i.reason, true)?})
            }
            Action::Transfer => {
                let i: TransferInput = parse_body(body)?;
                check_not_future(i.decided_on, today, "decided_on")?;
                fx.issued_on = i.decided_on;
                fx.meet.extend(OPEN_KINDS);
                json!({"decided_on": day(i.decided_on), "agency": input::line("agency", &i.agency, true)?,
                       "reason": input::text("reason", &i.reason, true)?})
            }
            Action::Close => {
                let i: CloseInput = parse_body(body)?;
                check_not_future(i.closed_on, today, "closed_on")?;
                fx.issued_on = i.closed_on;
                fx.meet.extend(OPEN_KINDS);
                json!({"closed_on": day(i.closed_on), "note": input::text("note", &i.note, false)?})
            }
        };
        if let Some(obj) = data.as_object_mut() {
            obj.insert(action.as_str().to_string(), payload);
        }
        fx.data = data;
        Ok(fx)
    }

    async fn check_inspection_decision(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        unit_kind: UnitKind,
        row: &CaseRow,
        i: &DecideInspectionInput,
    ) -> AppResult<Value> {
        // Decree 33/2022 Art. 4 (as amended by Decree 241/2025): only the heads (or a deputy
        // under a written delegation) sign an inspection decision.
        let title =
            super::title::acting_title(&actor.roles, unit_kind, i.delegation_no.as_deref())?;
        if !competence::may_sign_inspection_decision(title, i.delegation_no.is_some()) {
            return Err(refused(
                "law.competence_exceeded",
                format!(
                    "{} không có thẩm quyền ban hành quyết định kiểm tra (Nghị định 33/2022/NĐ-CP, Điều 4).",
                    title.label()
                ),
            ));
        }
        if i.end_on < i.start_on {
            return Err(AppError::bad_input(
                "case.invalid_period",
                "Ngày kết thúc phải sau ngày bắt đầu.",
            ));
        }
        if i.inspection_team.is_empty() {
            return Err(AppError::bad_input(
                "case.empty_team",
                "Đoàn kiểm tra cần ít nhất một công chức.",
            ));
        }
        input::capped("inspection_team", &i.inspection_team)?;
        let mut team = Vec::new();
        for id in &i.inspection_team {
            let u = users::get_in(tx.conn(), id).await?.ok_or_else(|| {
                AppError::bad_input(
                    "case.unknown_officer",
                    "Có công chức trong đoàn không tồn tại.",
                )
            })?;
            if u.active == 0 || !units::in_subtree(tx.conn(), &actor.unit_id, &u.unit_id).await? {
                return Err(AppError::bad_input(
                    "case.unknown_officer",
                    "Có công chức trong đoàn không tồn tại hoặc không thuộc phạm vi của bạn.",
                ));
            }
            team.push(json!({"id": u.id, "name": u.full_name, "rank": u.rank}));
        }
        let head = i
            .team_head
            .clone()
            .unwrap_or_else(|| i.inspection_team[0].clone());
        if !i.inspection_team.contains(&head) {
            return Err(AppError::bad_input(
                "case.head_not_in_team",
                "Trưởng đoàn phải là thành viên của đoàn.",
            ));
        }
        let _ = row;
        Ok(json!({
            "inspection_team": team,
            "team_head": head,
            "scope": input::text("scope", &i.scope, true)?,
            "start_on": day(i.start_on),
            "end_on": day(i.end_on),
            "signer_title": title.as_str(),
            "delegation_no": i.delegation_no,
            "joint_agencies": check_agencies(&i.joint_agencies)?,
        }))
    }
}

/// Deadline kinds a transfer or closing settles.
const OPEN_KINDS: [&str; 7] = [
    "inspection",
    "explanation",
    "decision",
    "delivery",
    "payment",
    "seizure",
    "execution",
];

pub(crate) fn check_not_future(
    d: NaiveDate,
    today: NaiveDate,
    field: &'static str,
) -> AppResult<()> {
    if d > today {
        return Err(AppError::bad_input(
            "case.date_in_future",
            format!(
                "Ngày ({field}) không thể sau hôm nay ({}).",
                format_date(today)
            ),
        ));
    }
    Ok(())
}

fn check_agencies(list: &[JointAgency]) -> AppResult<Value> {
    input::capped("joint_agencies", list)?;
    let mut out = Vec::new();
    for a in list {
        const AGENCIES: [&str; 7] = [
            "police",
            "customs",
            "tax",
            "health",
            "agriculture",
            "border_guard",
            "other",
        ];
        if !AGENCIES.contains(&a.agency.as_str()) {
            return Err(AppError::bad_input(
                "case.invalid_agency",
                "Cơ quan phối hợp không hợp lệ (police, customs, tax, health, agriculture, border_guard, other).",
            ));
        }
        out.push(
            json!({"agency": a.agency, "name": input::line("name", &a.name, false)?,
                        "officers": input::lines("officers", &a.officers)?}),
        );
    }
    Ok(Value::Array(out))
}

pub(super) fn check_exhibits(list: &[ExhibitInput]) -> AppResult<Value> {
    input::capped("exhibits", list)?;
    let mut out = Vec::new();
    for e in list {
        if e.estimated_value.is_some_and(|v| v < 0) {
            return Err(AppError::bad_input(
                "case.invalid_value",
                "Giá trị ước tính không được âm.",
            ));
        }
        out.push(json!({
            "description": input::line("description", &e.description, true)?,
            "quantity": input::line("quantity", &e.quantity, false)?,
            "unit_of_measure": input::line("unit_of_measure", &e.unit_of_measure, false)?,
            "estimated_value": e.estimated_value,
        }));
    }
    Ok(Value::Array(out))
}

pub(super) fn check_witnesses(list: &[Witness]) -> AppResult<Value> {
    input::capped("witnesses", list)?;
    let mut out = Vec::new();
    for w in list {
        out.push(json!({
            "name": input::line("name", &w.name, true)?,
            "id_number": input::line("id_number", &w.id_number, false)?,
            "address": input::line("address", &w.address, false)?,
        }));
    }
    Ok(Value::Array(out))
}

pub(super) fn recorded_on(data: &Value) -> AppResult<NaiveDate> {
    data.pointer("/record_violation/recorded_on")
        .and_then(Value::as_str)
        .and_then(qltt_domain::format::parse_date)
        .ok_or_else(|| AppError::internal("case without violation record date"))
}

pub(super) fn verification(data: &Value) -> bool {
    data.pointer("/record_violation/verification")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

pub(super) fn offender_of(row: &CaseRow) -> AppResult<OffenderKind> {
    match row.offender_kind.as_deref() {
        Some("organization") => Ok(OffenderKind::Organization),
        Some("individual") => Ok(OffenderKind::Individual),
        _ => Err(AppError::internal("case without offender")),
    }
}
