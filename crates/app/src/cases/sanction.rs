//! The two steps where the law weighs most: the violation record (acts against the catalogue
//! version in force, the statute of limitations, the right to explain and the decision period)
//! and the sanction decision (fines within the frame, the signer's competence, the deadline).

use chrono::NaiveDate;
use qltt_domain::format::{Vnd, format_date, legal_day};
use qltt_domain::law::competence::{self, default_rules};
use qltt_domain::law::deadlines::{self, DeadlineInput, Explanation};
use qltt_domain::law::fine::{self, FineInput};
use qltt_domain::law::{OffenderKind, limitation};
use qltt_domain::org::UnitKind;
use qltt_store::cases::{self, CaseRow, NewCaseViolation};
use qltt_store::{WriteTx, violation_types};
use serde_json::{Value, json};

use super::act::{Effects, check_not_future, day, offender_of, refused, sector_max, verification};
use super::input::{self, IssueSanctionInput, RecordViolationInput};
use crate::{Actor, App, AppError, AppResult};

impl App {
    pub(super) async fn record_violation(
        &self,
        tx: &mut WriteTx,
        row: &CaseRow,
        i: &RecordViolationInput,
        today: NaiveDate,
        fx: &mut Effects,
    ) -> AppResult<Value> {
        let recorded_on = legal_day(i.recorded_at);
        check_not_future(recorded_on, today, "recorded_at")?;
        if i.violations.is_empty() {
            return Err(AppError::bad_input(
                "case.no_violations",
                "Biên bản cần ít nhất một hành vi vi phạm.",
            ));
        }
        input::capped("violations", &i.violations)?;
        if i.refused_to_sign && i.witnesses.is_empty() {
            // LHAV Art. 58(3)–(4) (as amended): a record the offender refuses to sign is signed by
            // a witness or the local authority's representative.
            return Err(AppError::bad_input(
                "case.refusal_needs_witness",
                "Người vi phạm từ chối ký: cần ghi người chứng kiến hoặc đại diện chính quyền địa phương.",
            ));
        }
        if let Some(sig) = &i.signature
            && (!sig.starts_with("data:image/png;base64,") || sig.len() > 200_000)
        {
            return Err(AppError::bad_input(
                "case.invalid_signature",
                "Chữ ký phải là ảnh PNG (tối đa 200 KB).",
            ));
        }
        if let Some(p) = &i.location
            && (!(-90.0..=90.0).contains(&p.lat) || !(-180.0..=180.0).contains(&p.lon))
        {
            return Err(AppError::bad_input(
                "case.invalid_location",
                "Toạ độ không hợp lệ.",
            ));
        }
        let offender = i.offender.kind;
        let mut acts = Vec::new();
        let mut explanation_right = false;
        for (n, a) in i.violations.iter().enumerate() {
            let facts = input::text("facts", &a.facts, true)?;
            let mitigating = input::lines("mitigating", &a.mitigating)?;
            let aggravating = input::lines("aggravating", &a.aggravating)?;
            if a.ended_on.is_some_and(|d| d > recorded_on) {
                return Err(AppError::bad_input(
                    "case.invalid_act_date",
                    "Ngày chấm dứt hành vi không thể sau ngày lập biên bản.",
                ));
            }
            // The rule in force when the act was committed (its end, or the record for an act
            // still going on).
            let act_day = day(a.ended_on.unwrap_or(recorded_on));
            let code = a.violation_type_id.split('@').next().unwrap_or("").trim();
            let vt = violation_types::in_force_in(tx.conn(), code, &act_day)
                .await?
                .ok_or_else(|| {
                    AppError::bad_input(
                        "case.unknown_violation_type",
                        format!("Không có hành vi mã {code:?} có hiệu lực vào ngày {act_day}."),
                    )
                })?;
            let two_year = vt.limitation_years == 2;
            // LHAV Art. 6: a record after the limitation has run leads nowhere; refuse it now.
            limitation::check_limitation(a.ended_on, recorded_on, two_year, recorded_on)?;
            explanation_right |= fine::right_to_explain(vt.fine_max, offender, false);
            cases::insert_violation(
                tx,
                &row.id,
                &NewCaseViolation {
                    seq: n as i64 + 1,
                    violation_type_id: &vt.id,
                    facts: &facts,
                    mitigating: &json!(mitigating).to_string(),
                    aggravating: &json!(aggravating).to_string(),
                    frame_min: vt.fine_min,
                    frame_max: vt.fine_max,
                    violation_group: &vt.violation_group,
                    two_year_limit: two_year,
                    ended_on: a.ended_on.map(day).as_deref(),
                    discovered_on: &day(recorded_on),
                },
            )
            .await?;
            acts.push(json!({
                "violation_type_id": vt.id, "code": vt.code, "description": vt.description,
                "legal_basis": legal_basis(&vt),
                "facts": facts, "mitigating": mitigating, "aggravating": aggravating,
                "ended_on": a.ended_on.map(day),
            }));
        }
        let cal = self.work_calendar_in(tx, recorded_on).await?;
        let d = deadlines::compute(
            &cal,
            &DeadlineInput {
                recorded_on,
                explanation: if explanation_right {
                    Explanation::Written
                } else {
                    Explanation::None
                },
                verification: i.verification,
                extended: false,
                decision_received_on: None,
            },
        )?;
        fx.issued_on = recorded_on;
        fx.offender_kind = Some(offender_str(offender).into());
        fx.set_deadlines.push((
            "decision",
            d.decision_due,
            "Luật XLVPHC, Điều 66 khoản 1".into(),
        ));
        if let Some(due) = d.explanation_due {
            fx.set_deadlines
                .push(("explanation", due, "Luật XLVPHC, Điều 61".into()));
        }
        Ok(json!({
            "recorded_at": i.recorded_at,
            "recorded_on": day(recorded_on),
            "place": input::line("place", &i.place, true)?,
            "offender": {
                "kind": offender_str(offender),
                "name": input::line("name", &i.offender.name, true)?,
                "id_number": input::line("id_number", &i.offender.id_number, false)?,
                "address": input::line("address", &i.offender.address, false)?,
                "representative": input::line("representative", &i.offender.representative, false)?,
            },
            "violations": acts,
            "exhibits": super::act::check_exhibits(&i.exhibits)?,
            "witnesses": super::act::check_witnesses(&i.witnesses)?,
            "refused_to_sign": i.refused_to_sign,
            "signature": i.signature,
            "location": i.location,
            "verification": i.verification,
            "explanation_right": explanation_right,
            "offender_statement": input::text("offender_statement", &i.offender_statement, false)?,
            "decision_due": day(d.decision_due),
            "explanation_due": d.explanation_due.map(day),
        }))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) async fn issue_sanction(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        row: &CaseRow,
        unit_kind: UnitKind,
        data: &Value,
        i: &IssueSanctionInput,
        today: NaiveDate,
        fx: &mut Effects,
    ) -> AppResult<Value> {
        check_not_future(i.issued_on, today, "issued_on")?;
        let offender = offender_of(row)?;
        let title =
            super::title::acting_title(&actor.roles, unit_kind, i.delegation_no.as_deref())?;
        let acts = cases::violations_in(tx.conn(), &row.id).await?;
        let recorded_on = super::act::recorded_on(data)?;
        if i.issued_on < recorded_on {
            return Err(AppError::bad_input(
                "case.issued_before_record",
                "Ngày ra quyết định không thể trước ngày lập biên bản.",
            ));
        }
        // LHAV Art. 66(1): 7 days, 30 when explanation or verification, +30 with the superior's
        // written approval.
        let explanation =
            if data.pointer("/record_violation/explanation_right") == Some(&json!(true)) {
                Explanation::Written
            } else {
                Explanation::None
            };
        let extended = i
            .extension_approval_no
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty());
        let cal = self.work_calendar_in(tx, recorded_on).await?;
        let d = deadlines::compute(
            &cal,
            &DeadlineInput {
                recorded_on,
                explanation,
                verification: verification(data),
                extended,
                decision_received_on: None,
            },
        )?;
        if i.issued_on > d.decision_due {
            return Err(refused(
                "law.decision_overdue",
                format!(
                    "Đã quá thời hạn ra quyết định xử phạt ({}; Luật XLVPHC, Điều 66 khoản 1).",
                    format_date(d.decision_due)
                ),
            ));
        }
        input::capped("fines", &i.fines)?;
        let rules = default_rules();
        let mut lines = Vec::new();
        let mut total: i64 = 0;
        for act in &acts {
            let code = act.violation_type_id.split('@').next().unwrap_or("");
            let line = i
                .fines
                .iter()
                .find(|f| {
                    f.violation_type_id == act.violation_type_id || f.violation_type_id == code
                })
                .ok_or_else(|| {
                    AppError::bad_input(
                        "case.fine_missing",
                        format!("Thiếu mức phạt cho hành vi {code} (mỗi hành vi bị phạt riêng)."),
                    )
                })?;
            let mitigating: Vec<String> = serde_json::from_str(&act.mitigating).unwrap_or_default();
            let aggravating: Vec<String> =
                serde_json::from_str(&act.aggravating).unwrap_or_default();
            let fi = FineInput {
                frame_min: act.frame_min,
                frame_max: act.frame_max,
                offender,
                mitigating: mitigating.len() as u32,
                aggravating: aggravating.len() as u32,
            };
            let assessment = fine::assess(&fi)?;
            fine::check_amount(&fi, line.amount)?;
            let reason = input::text("reason", &line.reason, false)?;
            if line.amount != assessment.amount && reason.is_empty() {
                return Err(AppError::bad_input(
                    "case.fine_reason_required",
                    format!(
                        "Mức phạt {} khác mức trung bình {}: cần nêu lý do.",
                        Vnd(line.amount),
                        Vnd(assessment.amount)
                    ),
                ));
            }
            competence::check_fine_competence(
                &rules,
                title,
                i.issued_on,
                offender,
                line.amount,
                sector_max(&act.violation_group),
            )?;
            let ended_on = act
                .ended_on
                .as_deref()
                .and_then(qltt_domain::format::parse_date);
            let discovered_on =
                qltt_domain::format::parse_date(&act.discovered_on).unwrap_or(recorded_on);
            limitation::check_limitation(
                ended_on,
                discovered_on,
                act.two_year_limit != 0,
                i.issued_on,
            )?;
            cases::set_fine(tx, &row.id, act.seq, line.amount).await?;
            total = total.saturating_add(line.amount);
            lines.push(
                json!({"violation_type_id": act.violation_type_id, "amount": line.amount,
                              "amount_in_words": qltt_domain::format::amount_in_words(line.amount),
                              "reason": reason}),
            );
        }
        if i.fines.len() != acts.len() {
            return Err(AppError::bad_input(
                "case.fine_unknown_act",
                "Có mức phạt cho hành vi không có trong biên bản.",
            ));
        }
        if i.payment_days.is_some_and(|d| d < 10) {
            return Err(AppError::bad_input(
                "case.invalid_payment_days",
                "Thời hạn chấp hành không được ngắn hơn 10 ngày (Luật XLVPHC, Điều 73).",
            ));
        }
        // What the decision confiscates: the case's own lots, still held, within the signer's
        // competence for their value (the sector of the gravest act).
        fx.confiscation = self
            .lots_to_confiscate(tx, &row.id, &i.confiscated_exhibits)
            .await?;
        if !fx.confiscation.lots.is_empty() {
            let sector = acts
                .iter()
                .map(|a| sector_max(&a.violation_group))
                .max()
                .unwrap_or(competence::SECTOR_MAX_COMMERCE);
            competence::check_confiscation_competence(
                &rules,
                title,
                i.issued_on,
                fx.confiscation.value,
                sector,
            )?;
        }
        fx.fine_total = total;
        fx.issued_on = i.issued_on;
        fx.meet.extend(["decision", "explanation"]);
        let cal = self.work_calendar_in(tx, i.issued_on).await?;
        fx.set_deadlines.push((
            "delivery",
            deadlines::decision_delivery_due(&cal, i.issued_on),
            "Luật XLVPHC, Điều 70".into(),
        ));
        fx.set_deadlines.push((
            "execution",
            deadlines::execution_expires_on(i.issued_on),
            "Luật XLVPHC, Điều 74".into(),
        ));
        Ok(json!({
            "issued_on": day(i.issued_on),
            "fines": lines,
            "total": total,
            "total_in_words": qltt_domain::format::amount_in_words(total),
            "additional_penalties": input::lines("additional_penalties", &i.additional_penalties)?,
            "remedial_measures": input::lines("remedial_measures", &i.remedial_measures)?,
            "confiscated_exhibits": fx.confiscation.summary()?,
            "payment_days": i.payment_days.unwrap_or(10),
            "extension_approval_no": i.extension_approval_no,
            "delegation_no": i.delegation_no,
            "signer_title": title.as_str(),
            "decision_due": day(d.decision_due),
        }))
    }
}

/// "Điểm a khoản 1 Điều 17 Nghị định 98/2020/NĐ-CP" (the point only when there is one).
pub(crate) fn legal_basis(vt: &qltt_store::violation_types::ViolationTypeRow) -> String {
    let point = if vt.point.is_empty() {
        String::new()
    } else {
        format!("điểm {} ", vt.point)
    };
    let text = format!(
        "{point}khoản {} Điều {} Nghị định {}",
        vt.clause, vt.article, vt.decree
    );
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

pub(crate) fn offender_str(k: OffenderKind) -> &'static str {
    match k {
        OffenderKind::Individual => "individual",
        OffenderKind::Organization => "organization",
    }
}
