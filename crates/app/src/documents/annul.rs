//! Annulling an issued sanction decision in full (hủy bỏ, Decree 118/2021/NĐ-CP Art. 13; the
//! rules are `qltt_domain::case::annulment`). Like a correction, nothing issued is rewritten: the
//! annulment is a new numbered decision (form MQĐ40, its own register) that names the decision,
//! its ground under Art. 13(1) and the reason; the annulled decision keeps its bytes and hash and
//! its status becomes `annulled`, which its public page and the open dataset then show.
//!
//! What falls with the decision, in the same transaction: the fines it set on the acts, its
//! enforcement (delivery, instalments, postponement, coercion) and its pending deadlines; the case
//! goes back to `violation_recorded` so that the next step Art. 13(3) and LHAV Art. 62 and 65 lead
//! to — a new decision, a decision not to sanction, or the transfer — can be taken. The annulled
//! decision's step data moves to `data.annulled_decisions`, so the case file keeps it and the
//! report roll-ups (which read the case's live decision) stop counting its fine.

use chrono::Datelike;
use qltt_domain::case::{
    AnnulmentGround, CaseState, DocumentKind, DocumentNumber, EnforcementStatus, annulment_target,
    check_annulment_competence,
};
use qltt_domain::format::{format_legal_date, legal_day};
use qltt_domain::law::competence::Title;
use qltt_domain::officer::Permission;
use qltt_domain::org::UnitKind;
use qltt_store::cases::{self, CaseUpdate};
use qltt_store::documents::{self, DocumentRow, NewDocument};
use qltt_store::{businesses, units};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::cases::input;
use crate::{Actor, App, AppError, AppResult, ErrorKind};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnulmentInput {
    /// The ground of Decree 118/2021 Art. 13(1): `wrong_offender` (a), `no_competence` (b),
    /// `wrong_procedure` (c), `crime_kept` (d), `wrong_act_or_penalty` (đ), `falsified_file` (e),
    /// `criminal_proceedings` (g), `no_sanction_case` (h).
    pub ground: String,
    /// What was wrong, in the annulling officer's words (printed on the decision).
    pub reason: String,
    /// The written delegation a deputy signs under (giao quyền).
    #[serde(default)]
    pub delegation_no: Option<String>,
}

/// The step data of the sanction decision and of its enforcement: they fall with the decision.
const DECISION_STEPS: [&str; 5] = [
    "issue_sanction",
    "deliver_decision",
    "grant_instalments",
    "postpone",
    "order_coercion",
];

/// Deadlines that ran from the annulled decision.
const DECISION_DEADLINES: [&str; 4] = ["delivery", "payment", "execution", "instalment"];

fn not_found() -> AppError {
    AppError::not_found("document.not_found")
}

fn conflict(code: &'static str, message: impl Into<String>) -> AppError {
    AppError::new(ErrorKind::Conflict, code, message)
}

impl App {
    /// Annuls document `id` in full by a new numbered annulment decision, in one transaction.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, document_id = %id))]
    pub async fn annul_document(
        &self,
        actor: &Actor,
        id: &str,
        input: AnnulmentInput,
    ) -> AppResult<DocumentRow> {
        actor.require(Permission::HandleCases)?;
        let ground = AnnulmentGround::parse(input.ground.trim())?;
        let reason = input::text("reason", &input.reason, true)?;
        let delegation_no = input::line(
            "delegation_no",
            input.delegation_no.as_deref().unwrap_or(""),
            false,
        )?;
        let mut tx = self.db.begin(self.now()).await?;
        let old = documents::get_in(tx.conn(), id)
            .await?
            .ok_or_else(not_found)?;
        if !units::in_subtree(tx.conn(), &actor.unit_id, &old.unit_id).await? {
            return Err(not_found());
        }
        match old.status.as_str() {
            "issued" => {}
            "annulled" => {
                return Err(conflict(
                    "document.already_annulled",
                    format!("Quyết định số {} đã bị hủy bỏ.", old.number),
                ));
            }
            _ => {
                return Err(conflict(
                    "document.not_annullable",
                    "Văn bản này đã được đính chính; hãy hủy bỏ văn bản đính chính đang có hiệu lực.",
                ));
            }
        }
        let kind = DocumentKind::parse(&old.kind)?;
        let case_id = old
            .case_id
            .clone()
            .ok_or_else(|| AppError::internal("a sanction decision without its case"))?;
        let case = cases::get_in(tx.conn(), &case_id)
            .await?
            .ok_or_else(|| AppError::internal("document case missing"))?;
        let to = annulment_target(kind, CaseState::parse(&case.state)?)?;
        let content: Value = serde_json::from_str(&old.content).unwrap_or_else(|_| json!({}));
        let body = content.get("body").cloned().unwrap_or(Value::Null);
        // Lots the decision confiscated have moved in the custody ledger; moving them back is
        // not built, so such a decision is refused rather than leaving the ledger wrong.
        if body
            .get("confiscated_exhibits")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
        {
            return Err(conflict(
                "document.annul_confiscated",
                "Quyết định này đã tịch thu tang vật; chưa hỗ trợ hủy bỏ quyết định có tịch thu trên hệ thống.",
            ));
        }
        // Competence: the signer's title as the decision records it, against the title the
        // annulling officer holds in their own unit.
        let signed = body
            .get("signer_title")
            .and_then(Value::as_str)
            .map(Title::parse)
            .transpose()?
            .ok_or_else(|| AppError::internal("sanction decision without signer title"))?;
        let home = units::get_in(tx.conn(), &actor.unit_id)
            .await?
            .ok_or_else(|| AppError::internal("actor unit missing"))?;
        let title = crate::cases::title::acting_title(
            &actor.roles,
            UnitKind::parse(&home.kind)?,
            (!delegation_no.is_empty()).then_some(delegation_no.as_str()),
        )?;
        check_annulment_competence(title, signed)?;

        // The annulment is issued by the annulling officer's authority (the issuer's own unit,
        // or the head's unit above it: Art. 13(2)), numbered in that unit's register.
        let unit = home;
        let issued_on = legal_day(self.now());
        let year = issued_on.year();
        let new_kind = DocumentKind::AnnulmentDecision;
        let register = qltt_domain::case::register_of(new_kind);
        let seq = documents::next_seq(&mut tx, &unit.id, register, year).await?;
        let number =
            DocumentNumber::new(new_kind, year, u32::try_from(seq).unwrap_or(u32::MAX)).to_string();
        let day = issued_on.format("%Y-%m-%d").to_string();
        let business = match &case.business_id {
            Some(b) => businesses::get_in(tx.conn(), b).await?.map(|b| {
                json!({"id": b.id, "name": b.name, "tax_code": b.tax_code, "address": b.address,
                       "representative": b.representative})
            }),
            None => None,
        };
        let annuls = json!({
            "id": old.id, "kind": old.kind, "title": kind.label(), "number": old.number,
            "issued_on": old.issued_on, "sha256": old.sha256,
        });
        let new_content = json!({
            "kind": new_kind.as_str(),
            "title": new_kind.label(),
            "form": new_kind.form_code(),
            "number": number,
            "issued_on": day,
            "issued_on_text": format_legal_date(issued_on),
            "unit": {"id": unit.id, "code": unit.code, "name": unit.name},
            "case": {"id": case.id, "summary": case.summary, "origin": case.origin},
            "business": business,
            "signer": {"id": actor.id, "name": actor.full_name},
            "body": {
                "annuls": annuls,
                "ground": ground.as_str(),
                "ground_label": ground.label(),
                "ground_basis": ground.basis(),
                "reason": reason,
                "next_step": ground.next_step(),
                "signer_title": title.as_str(),
                "delegation_no": (!delegation_no.is_empty()).then_some(&delegation_no),
            },
        });
        let mut row = documents::insert(
            &mut tx,
            &NewDocument {
                case_id: Some(&case.id),
                unit_id: &unit.id,
                kind: new_kind.as_str(),
                register,
                year,
                seq,
                number: &number,
                issued_on: &day,
                content: &new_content.to_string(),
                created_by: &actor.id,
            },
        )
        .await?;
        if !documents::mark_annulled(&mut tx, &old.id, &row.id).await? {
            return Err(conflict(
                "document.already_annulled",
                format!(
                    "Quyết định số {} vừa bị hủy bỏ hoặc đính chính.",
                    old.number
                ),
            ));
        }

        // The case without the decision: its step data kept aside, its fines and enforcement
        // gone, back to the violation record.
        let mut data: Value = serde_json::from_str(&case.data).unwrap_or_else(|_| json!({}));
        let mut fallen = serde_json::Map::new();
        if let Some(obj) = data.as_object_mut() {
            for step in DECISION_STEPS {
                if let Some(v) = obj.remove(step) {
                    fallen.insert(step.to_string(), v);
                }
            }
            let entry = json!({
                "document": {"id": old.id, "number": old.number, "issued_on": old.issued_on},
                "annulled_by": {"id": row.id, "number": number, "issued_on": day},
                "ground": ground.as_str(),
                "reason": reason,
                "steps": fallen,
            });
            let list = obj.entry("annulled_decisions").or_insert_with(|| json!([]));
            if let Some(list) = list.as_array_mut() {
                list.push(entry);
            }
        }
        let data_text = data.to_string();
        let updated = cases::update(
            &mut tx,
            &case.id,
            case.version,
            &CaseUpdate {
                state: to.as_str(),
                enforcement: EnforcementStatus::None.as_str(),
                violation_found: case.violation_found,
                offender_kind: case.offender_kind.as_deref(),
                fine_total: 0,
                // Payments stay recorded (money received is never erased); refunding them is
                // not built (see docs/legal.md).
                paid_total: case.paid_total,
                decision_delivered: 0,
                data: &data_text,
            },
        )
        .await?;
        if !updated {
            return Err(conflict(
                "case.version_conflict",
                "Vụ việc vừa được người khác cập nhật. Hãy tải lại.",
            ));
        }
        cases::clear_fines(&mut tx, &case.id).await?;
        for kind in DECISION_DEADLINES {
            cases::meet_deadline(&mut tx, &case.id, kind).await?;
        }
        let payload = json!({
            "annuls": {"id": old.id, "number": old.number},
            "annulment": {"id": row.id, "number": number},
            "ground": ground.as_str(),
            "reason": reason,
        });
        let step = cases::append_step(
            &mut tx,
            &case.id,
            ANNUL_STEP,
            &case.state,
            to.as_str(),
            &actor.id,
            &payload.to_string(),
        )
        .await?;
        let frozen = self
            .freeze_document(&mut tx, &row, &data, 0, case.paid_total, &unit)
            .await?;
        let details = json!({
            "annuls": {"id": old.id, "number": old.number, "sha256": old.sha256},
            "document": {"id": row.id, "kind": row.kind, "number": row.number, "sha256": frozen.sha256},
            "ground": ground.as_str(),
            "reason": reason,
            "case_id": case.id,
            "step": step,
            "state": {"from": case.state, "to": to.as_str()},
            "fine_total_before": case.fine_total,
        });
        // The audit event names the annulled decision; the outbox tells the report roll-ups (the
        // case changed) and the search index (both documents changed).
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "document.annul",
                entity_type: "document",
                entity_id: &old.id,
                unit_id: &old.unit_id,
                topic: "document.annulled",
                details: details.clone(),
            },
        )
        .await?;
        qltt_store::outbox::push(&mut tx, "document.annulled", &row.id, &details).await?;
        qltt_store::outbox::push(&mut tx, "case.changed", &case.id, &details).await?;
        tx.commit().await?;
        let _ = self.events.send(crate::CaseEvent {
            case_id: case.id.clone(),
            unit_id: case.unit_id.clone(),
            state: to.as_str().to_string(),
            action: ANNUL_STEP.to_string(),
        });
        row.sha256 = Some(frozen.sha256);
        row.verify_code = Some(frozen.verify_code);
        row.annuls_id = Some(old.id);
        Ok(row)
    }
}

/// The case journal's name for the annulment (not a step of `Action`: it is not offered by the
/// state machine but taken on a document).
pub const ANNUL_STEP: &str = "annul_decision";

/// The journal label of [`ANNUL_STEP`].
pub const ANNUL_STEP_LABEL: &str = "Hủy bỏ quyết định xử phạt";
