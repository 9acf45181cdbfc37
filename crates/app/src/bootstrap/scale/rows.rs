//! The rows a walked case leaves: the payloads of its main steps (shaped as the use cases store
//! them, so the case pages and later real steps read generated cases like real ones), its
//! numbered documents, payments, acts, deadlines and seized lots with their custody chains.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use qltt_domain::audit::change_digest;
use qltt_domain::case::{Action, CaseState, DocumentKind, DocumentNumber, register_of};
use qltt_domain::exhibit::{CUSTODY_GENESIS, CustodyFields, custody_hash};
use qltt_domain::format::{amount_in_words, format_legal_date};
use qltt_domain::law::competence::Title;
use qltt_domain::law::{deadlines, enforcement, fine};
use qltt_store::bulk::{self, Table, Val};
use serde_json::{Value, json};

use super::cases::{Walk, day};
use super::law::{
    acts_for, fine_of, record_deadlines, sanction_deadlines, set_plan_deadline, signer_title,
};
use super::names;
use super::org::Officer;

/// The rows of a batch of cases, one list per table.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Batch {
    pub cases: Vec<Val>,
    pub steps: Vec<Val>,
    pub violations: Vec<Val>,
    pub deadlines: Vec<Val>,
    pub payments: Vec<Val>,
    pub documents: Vec<Val>,
    pub exhibits: Vec<Val>,
    pub custody: Vec<Val>,
}

impl Batch {
    /// The tables in an order that respects their foreign keys.
    pub fn tables(&self) -> [(&'static Table, &Vec<Val>); 8] {
        [
            (&bulk::CASES, &self.cases),
            (&bulk::CASE_STEPS, &self.steps),
            (&bulk::CASE_VIOLATIONS, &self.violations),
            (&bulk::CASE_DEADLINES, &self.deadlines),
            (&bulk::CASE_PAYMENTS, &self.payments),
            (&bulk::DOCUMENTS, &self.documents),
            (&bulk::EXHIBITS, &self.exhibits),
            (&bulk::CUSTODY_EVENTS, &self.custody),
        ]
    }
}

/// The register counters: the last number of each (unit, register, year), continued from what
/// the database had and written back at the end, so numbering stays gapless across the
/// generated and the real documents.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Registers(HashMap<(String, &'static str, i32), i64>);

/// The lot register of `exhibits::record` (lot numbers "QN-TV-2026-00012").
pub const LOT_REGISTER: &str = "TV";

impl Registers {
    /// Starts from the database's counters (`(unit_id, register, year, last_seq)`).
    pub fn new(existing: &[(String, String, i64, i64)]) -> Registers {
        let mut known: Vec<&'static str> =
            DocumentKind::ALL.iter().map(|k| register_of(*k)).collect();
        known.push(LOT_REGISTER);
        let mut map = HashMap::new();
        for (unit, register, year, last) in existing {
            if let Some(r) = known.iter().find(|r| **r == register.as_str()) {
                map.insert((unit.clone(), *r, i32::try_from(*year).unwrap_or(0)), *last);
            }
        }
        Registers(map)
    }

    pub fn next(&mut self, unit: &str, register: &'static str, year: i32) -> i64 {
        let n = self
            .0
            .entry((unit.to_string(), register, year))
            .or_insert(0);
        *n += 1;
        *n
    }

    pub fn rows(&self) -> Vec<(String, String, i64, i64)> {
        let mut v: Vec<_> = self
            .0
            .iter()
            .map(|((u, r, y), n)| (u.clone(), (*r).to_string(), i64::from(*y), *n))
            .collect();
        v.sort();
        v
    }
}

pub(super) fn record_violation(
    w: &mut Walk<'_, '_>,
    at: DateTime<Utc>,
    on: NaiveDate,
) -> Option<Value> {
    let acts = acts_for(w, on);
    if acts.is_empty() {
        return None;
    }
    let offender = w.offender();
    let explanation_right = acts
        .iter()
        .any(|a| fine::right_to_explain(a.vt.fine_max, offender, false));
    w.recorded_on = Some(on);
    record_deadlines(w, on, explanation_right);
    let payload = json!({
        "recorded_at": qltt_store::ts(at), "recorded_on": day(on), "place": w.biz.address,
        "offender": {
            "kind": if w.biz.is_organization() { "organization" } else { "individual" },
            "name": w.biz.name, "id_number": "", "address": w.biz.address,
            "representative": w.biz.representative,
        },
        "violations": acts.iter().map(|a| json!({
            "violation_type_id": a.vt.id, "code": a.vt.code, "description": a.vt.description,
            "legal_basis": a.vt.basis, "facts": a.facts, "mitigating": [], "aggravating": [],
            "ended_on": null,
        })).collect::<Vec<_>>(),
        "exhibits": [], "witnesses": [], "refused_to_sign": false, "signature": null,
        "location": null, "verification": false, "explanation_right": explanation_right,
        "offender_statement": "",
        "decision_due": w.deadline_text("decision"),
        "explanation_due": w.deadline_text("explanation"),
    });
    w.acts = acts;
    Some(payload)
}

pub(super) fn issue_sanction(w: &mut Walk<'_, '_>, on: NaiveDate) -> Value {
    let offender = w.offender();
    let mut lines = Vec::new();
    let mut total = 0;
    let mut worst = (0, String::new());
    for i in 0..w.acts.len() {
        let amount = fine_of(&w.acts[i], offender);
        w.acts[i].fine = Some(amount);
        total += amount;
        if amount > worst.0 {
            worst = (amount, w.acts[i].vt.group.clone());
        }
        lines.push(
            json!({"violation_type_id": w.acts[i].vt.id, "amount": amount,
            "amount_in_words": amount_in_words(amount), "reason": ""}),
        );
    }
    w.facts.fine_total = total;
    let title = signer_title(w, on, worst.0, &worst.1);
    let decision_due = w.deadline_text("decision");
    sanction_deadlines(w, on);
    json!({
        "issued_on": day(on), "fines": lines, "total": total,
        "total_in_words": amount_in_words(total),
        "additional_penalties": [], "remedial_measures": ["Buộc tiêu hủy hàng hóa vi phạm"],
        "payment_days": 10, "extension_approval_no": null, "delegation_no": null,
        "signer_title": title.as_str(), "decision_due": decision_due,
    })
}

pub(super) fn instalments(w: &mut Walk<'_, '_>, on: NaiveDate) -> Option<Value> {
    let outstanding = w.facts.outstanding();
    let parts = 3;
    let each = outstanding / parts;
    let plan: Vec<(NaiveDate, i64)> = (1..=parts)
        .map(|k| {
            let amount = if k == parts {
                outstanding - each * (parts - 1)
            } else {
                each
            };
            (on + Duration::days(30 * k), amount)
        })
        .collect();
    // LHAV Art. 79: the thresholds and counts are the domain's; a fine too small is not split.
    enforcement::check_instalments(w.offender(), outstanding, &plan, on).ok()?;
    let last = plan.last().map_or(on, |p| p.0);
    set_plan_deadline(w, last);
    let payload = json!({
        "decided_on": day(on),
        "plan": plan.iter().map(|p| json!({"due_on": day(p.0), "amount": p.1})).collect::<Vec<_>>(),
        "hardship_certified_by": format!("UBND {}", w.biz.commune),
    });
    w.payment_plan = plan;
    Some(payload)
}

pub(super) fn push_step(
    w: &mut Walk<'_, '_>,
    action: Action,
    from: CaseState,
    actor: &Officer,
    payload: &Value,
    out: &mut Batch,
) {
    out.steps.extend([
        Val::from(w.rng.uuid_at(w.opened_at)),
        w.id.as_str().into(),
        Val::from(i64::from(w.steps)),
        action.as_str().into(),
        from.as_str().into(),
        w.facts.state.as_str().into(),
        actor.id.as_str().into(),
        qltt_store::ts(w.at).into(),
        payload.to_string().into(),
    ]);
}

pub(super) fn push_payment(
    w: &mut Walk<'_, '_>,
    on: NaiveDate,
    amount: i64,
    late: i64,
    payload: &Value,
    actor: &Officer,
    out: &mut Batch,
) {
    out.payments.extend([
        Val::from(w.rng.uuid_at(w.opened_at)),
        w.id.as_str().into(),
        day(on).into(),
        Val::from(amount),
        Val::from(late),
        payload["receipt_no"].as_str().unwrap_or("").into(),
        actor.id.as_str().into(),
        qltt_store::ts(w.at).into(),
    ]);
}

pub(super) fn push_document(
    w: &mut Walk<'_, '_>,
    regs: &mut Registers,
    kind: DocumentKind,
    payload: &Value,
    leader: &Officer,
    out: &mut Batch,
) {
    let team = &w.g.world.teams[w.team];
    let province = &w.g.world.provinces[team.province];
    let register = register_of(kind);
    let year = w.on.year();
    let seq = regs.next(&team.id, register, year);
    let number =
        DocumentNumber::new(kind, year, u32::try_from(seq).unwrap_or(u32::MAX)).to_string();
    let signer = if payload["signer_title"] == json!(Title::ProvincialHead.as_str()) {
        province.staff.first().unwrap_or(leader)
    } else {
        leader
    };
    let id = w.rng.uuid_at(w.opened_at);
    let content = json!({
        "kind": kind.as_str(), "title": kind.label(), "form": kind.form_code(), "number": number,
        "issued_on": day(w.on), "issued_on_text": format_legal_date(w.on),
        "unit": {"id": team.id, "code": team.code, "name": team.name},
        "case": {"id": w.id, "summary": w.summary, "origin": w.origin},
        "business": {"id": w.biz.id, "name": w.biz.name, "tax_code": w.biz.tax_code,
                     "address": w.biz.address, "representative": w.biz.representative},
        "signer": {"id": signer.id, "name": signer.name},
        "body": payload,
    });
    out.documents.extend([
        Val::from(id.as_str()),
        w.id.as_str().into(),
        team.id.as_str().into(),
        kind.as_str().into(),
        register.into(),
        Val::from(i64::from(year)),
        Val::from(seq),
        number.into(),
        day(w.on).into(),
        "issued".into(),
        content.to_string().into(),
        signer.id.as_str().into(),
        qltt_store::ts(w.at).into(),
    ]);
    w.documents.push((id, kind.as_str().to_string()));
}

/// Takes the lot numbers of the seized goods now (the register's order is the seizure's); the
/// lots' rows and custody chains are written with the case, when their fate is known.
pub(super) fn number_lots(w: &mut Walk<'_, '_>, regs: &mut Registers) {
    let team = &w.g.world.teams[w.team];
    let year = w.on.year();
    for _ in 0..w.rng.range(1, 2) {
        let seq = regs.next(&team.id, LOT_REGISTER, year);
        let lot_no = format!("{}-TV-{year}-{seq:05}", team.code);
        let doc = w
            .documents
            .iter()
            .rev()
            .find(|d| d.1 == DocumentKind::SeizureDecision.as_str())
            .map(|d| d.0.clone());
        w.lots.push((lot_no, w.on, w.at, doc));
    }
}

pub(super) fn push_case(w: &mut Walk<'_, '_>, out: &mut Batch) {
    let team = &w.g.world.teams[w.team];
    let creator = team.officers.get(1).unwrap_or(&team.officers[0]);
    let offender = w.recorded_on.map(|_| {
        if w.biz.is_organization() {
            "organization"
        } else {
            "individual"
        }
        .to_string()
    });
    out.cases.extend([
        Val::from(w.id.as_str()),
        team.id.as_str().into(),
        Some(w.biz.id.clone()).into(),
        w.origin.into(),
        w.summary.as_str().into(),
        w.facts.state.as_str().into(),
        w.facts.enforcement.as_str().into(),
        w.facts.violation_found.map(i64::from).into(),
        offender.into(),
        Val::from(w.facts.fine_total),
        Val::from(w.facts.paid_total),
        Val::from(i64::from(w.facts.decision_delivered)),
        Value::Object(w.data.clone()).to_string().into(),
        Val::from(i64::from(w.steps) + 1),
        creator.id.as_str().into(),
        qltt_store::ts(w.opened_at).into(),
        qltt_store::ts(w.at).into(),
    ]);
    let recorded = w.recorded_on.map(day).unwrap_or_default();
    for (i, a) in w.acts.iter().enumerate() {
        out.violations.extend([
            Val::from(w.rng.uuid_at(w.opened_at)),
            w.id.as_str().into(),
            Val::from(i as i64 + 1),
            a.vt.id.as_str().into(),
            a.facts.as_str().into(),
            "[]".into(),
            "[]".into(),
            Val::from(a.vt.fine_min),
            Val::from(a.vt.fine_max),
            a.vt.group.as_str().into(),
            Val::from(i64::from(a.vt.limitation_years == 2)),
            Val::Text(None),
            recorded.as_str().into(),
            a.fine.into(),
        ]);
    }
    for (kind, due, basis, met) in w.deadlines.clone() {
        out.deadlines.extend([
            Val::from(w.rng.uuid_at(w.opened_at)),
            w.id.as_str().into(),
            team.id.as_str().into(),
            kind.into(),
            day(due).into(),
            basis.into(),
            met.into(),
        ]);
    }
    push_lots(w, out);
}

/// One custody event, chained to the lot's previous one.
struct Custody<'a> {
    kind: &'a str,
    at: DateTime<Utc>,
    from: &'a str,
    to: &'a str,
    details: Value,
}

fn push_lots(w: &mut Walk<'_, '_>, out: &mut Batch) {
    let team = &w.g.world.teams[w.team];
    let province = &w.g.world.provinces[team.province];
    let keeper = province
        .staff
        .get(2)
        .map_or("Thủ kho", |o| o.name.as_str())
        .to_string();
    let seizer = team.officers[0].name.clone();
    let line = names::LINES[w.biz.line];
    let sanctioned = w.data.contains_key("issue_sanction");
    let finished = matches!(w.facts.state, CaseState::Closed | CaseState::Executed);
    for (lot_no, seized_on, seized_at, doc) in std::mem::take(&mut w.lots) {
        let id = w.rng.uuid_at(w.opened_at);
        let qty = w.rng.range(5, 500);
        let value = qty * w.rng.range(20, 400) * 1_000;
        let brand = w
            .rng
            .chance(400)
            .then(|| (*w.rng.pick(names::BRANDS)).to_string());
        let description = format!(
            "{qty} {} {} không rõ nguồn gốc",
            line.3,
            line.2.to_lowercase()
        );
        let seals = json!([format!("NP-{:06}", w.rng.below(1_000_000))]);
        let mut events = vec![Custody {
            kind: "seize",
            at: seized_at,
            from: "",
            to: &seizer,
            details: json!({"lot_no": lot_no, "description": description, "unit_of_measure": line.3,
                "estimated_value": value, "seal_numbers": seals, "photos": [], "seized_on": day(seized_on)}),
        }];
        let checked_in = w.rng.chance(850);
        let shelf = format!("K-{:02}", w.rng.range(1, 40));
        if checked_in {
            events.push(Custody {
                kind: "check_in", at: seized_at + Duration::hours(3), from: &seizer, to: &keeper,
                details: json!({"warehouse_id": province.warehouse_id, "zone": "A", "shelf": shelf}),
            });
        }
        let end_at = w.at + Duration::minutes(30);
        let status = match (finished, sanctioned, checked_in) {
            (true, true, true) => {
                events.push(Custody {
                    kind: "destroy",
                    at: end_at,
                    from: &keeper,
                    to: "Hội đồng tiêu hủy",
                    details: json!({"note": "Tiêu hủy theo quyết định xử phạt"}),
                });
                "destroyed"
            }
            (true, false, true) => {
                events.push(Custody {
                    kind: "return",
                    at: end_at,
                    from: &keeper,
                    to: &w.biz.representative,
                    details: json!({"note": "Trả lại tang vật"}),
                });
                "returned"
            }
            (_, _, true) => "in_custody",
            _ => "seized",
        };
        let quantity_milli = qty * 1_000;
        let mut prev = CUSTODY_GENESIS.to_string();
        for (i, e) in events.iter().enumerate() {
            let details = e.details.to_string();
            let digest = change_digest(&details);
            let occurred = qltt_store::ts(e.at);
            let seq = i as i64 + 1;
            let hash = custody_hash(&CustodyFields {
                exhibit_id: &id,
                seq,
                kind: e.kind,
                quantity_milli,
                occurred_at: &occurred,
                handed_over_by: e.from,
                received_by: e.to,
                details_digest: &digest,
                prev_hash: &prev,
            });
            out.custody.extend([
                Val::from(w.rng.uuid_at(w.opened_at)),
                id.as_str().into(),
                Val::from(seq),
                e.kind.into(),
                Val::from(quantity_milli),
                occurred.as_str().into(),
                e.from.into(),
                e.to.into(),
                details.into(),
                digest.into(),
                prev.as_str().into(),
                hash.as_str().into(),
                team.officers[0].id.as_str().into(),
                occurred.into(),
            ]);
            prev = hash;
        }
        let in_store = checked_in && status == "in_custody";
        let last_at = events.last().map_or(seized_at, |e| e.at);
        out.exhibits.extend([
            Val::from(id.as_str()),
            w.id.as_str().into(),
            team.id.as_str().into(),
            lot_no.into(),
            Val::Text(None),
            "goods".into(),
            line.2.into(),
            description.into(),
            brand.into(),
            line.3.into(),
            Val::from(quantity_milli),
            Val::from(value),
            seals.to_string().into(),
            "[]".into(),
            status.into(),
            in_store.then(|| province.warehouse_id.clone()).into(),
            in_store.then(|| "A".to_string()).into(),
            in_store.then(|| shelf.clone()).into(),
            doc.into(),
            day(seized_on).into(),
            day(deadlines::seizure_due(w.g.cal, seized_on)).into(),
            Val::from(events.len() as i64),
            prev.into(),
            Val::from(events.len() as i64),
            team.officers[0].id.as_str().into(),
            qltt_store::ts(seized_at).into(),
            qltt_store::ts(last_at).into(),
        ]);
    }
}
