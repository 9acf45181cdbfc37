//! Generated cases: each walks the real state machine (`qltt_domain::case::transition`) from
//! `lead` with dates that follow the law's periods, stopping where the calendar reaches today, where
//! the case stalled, or (for the first few) at a chosen state so that every state is present at
//! any scale. Every step leaves its journal row, its documents numbered in the team's registers,
//! its deadlines (computed by `qltt_domain::law`) and, for payments and seizures, their rows.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use qltt_domain::case::{Action, CaseFacts, CaseState, EnforcementStatus, transition};
use qltt_domain::law::competence::{CompetenceRule, Title};
use qltt_domain::law::deadlines;
use qltt_domain::law::{OffenderKind, WorkCalendar, enforcement, period};
use serde_json::{Map, Value, json};

use super::businesses::{Biz, business};
use super::names;
use super::org::{Officer, World};
use super::rng::{Rng, STREAM_CASE};
use super::rows::{Batch, Registers};

/// A violation type of the catalogue, as the generator needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Vt {
    pub id: String,
    pub code: String,
    pub description: String,
    pub basis: String,
    pub fine_min: i64,
    pub fine_max: i64,
    pub group: String,
    pub limitation_years: i64,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// What the generator reads but never changes.
pub struct Gen<'a> {
    pub world: &'a World,
    pub catalogue: &'a [Vt],
    pub cal: &'a WorkCalendar,
    pub rules: Vec<CompetenceRule>,
}

/// The first cases stop at these states, so that a set of any size has each of them.
pub const FORCED: &[CaseState] = &[
    CaseState::Lead,
    CaseState::Proposed,
    CaseState::Decided,
    CaseState::Inspected,
    CaseState::ViolationRecorded,
    CaseState::AwaitingExplanation,
    CaseState::Sanctioned,
    CaseState::NotSanctioned,
    CaseState::Executed,
    CaseState::Transferred,
    CaseState::Closed,
];

pub(super) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(super) struct Act {
    pub vt: Vt,
    pub fine: Option<i64>,
    pub facts: String,
}

/// One case being walked.
pub(super) struct Walk<'g, 'w> {
    pub g: &'g Gen<'w>,
    pub rng: Rng,
    pub id: String,
    pub team: usize,
    pub biz: Biz,
    pub origin: &'static str,
    pub summary: String,
    pub opened_at: DateTime<Utc>,
    pub at: DateTime<Utc>,
    pub on: NaiveDate,
    pub facts: CaseFacts,
    pub data: Map<String, Value>,
    pub steps: u32,
    pub acts: Vec<Act>,
    pub explained: bool,
    pub recorded_on: Option<NaiveDate>,
    pub seized: bool,
    pub payment_plan: Vec<(NaiveDate, i64)>,
    /// (kind, due, basis, met_at): the case's deadlines, one per kind as in `case_deadlines`.
    pub deadlines: Vec<(&'static str, NaiveDate, &'static str, Option<String>)>,
    /// (id, kind) of the documents issued so far.
    pub documents: Vec<(String, String)>,
    /// Seized lots: (lot number, seized on, at, seizure decision id).
    pub lots: Vec<(String, NaiveDate, DateTime<Utc>, Option<String>)>,
}

impl Walk<'_, '_> {
    pub fn officer(&mut self, leader: bool) -> Officer {
        let officers = &self.g.world.teams[self.team].officers;
        if leader || officers.len() < 2 {
            officers[0].clone()
        } else {
            officers[1 + self.rng.below(officers.len() as u64 - 1) as usize].clone()
        }
    }

    pub fn offender(&self) -> OffenderKind {
        if self.biz.is_organization() {
            OffenderKind::Organization
        } else {
            OffenderKind::Individual
        }
    }

    pub(super) fn set_deadline(&mut self, kind: &'static str, due: NaiveDate, basis: &'static str) {
        self.deadlines.retain(|d| d.0 != kind);
        self.deadlines.push((kind, due, basis, None));
    }

    pub(super) fn meet(&mut self, kinds: &[&str]) {
        let at = qltt_store::ts(self.at);
        for d in self.deadlines.iter_mut() {
            if kinds.contains(&d.0) && d.3.is_none() {
                d.3 = Some(at.clone());
            }
        }
    }

    pub(super) fn deadline(&self, kind: &str) -> Option<NaiveDate> {
        self.deadlines.iter().find(|d| d.0 == kind).map(|d| d.1)
    }

    pub fn deadline_text(&self, kind: &str) -> Option<String> {
        self.deadline(kind).map(day)
    }
}

const OPEN_KINDS: &[&str] = &[
    "inspection",
    "explanation",
    "decision",
    "delivery",
    "payment",
    "seizure",
    "execution",
];

/// Generates case `index` into `out`.
pub fn case(g: &Gen<'_>, regs: &mut Registers, index: u64, out: &mut Batch) {
    let w = g.world;
    let mut rng = Rng::new(w.seed, STREAM_CASE, index);
    // Volume grows over the period (density rising by half from start to end), and every case
    // opens on a day before today so that all its steps are in the past.
    let span = (w.today - w.start).num_days().max(2) - 1;
    let x = index as f64 / w.scale.max(1) as f64;
    let offset = ((x + 0.5 * x * x) / 1.5 * span as f64) as i64;
    let on = w.start + Duration::days(offset.clamp(0, span - 1));
    let at = on
        .and_hms_opt(1, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or_default()
        + Duration::seconds(rng.range(0, 8 * 3600));
    let biz = business(w, rng.below(w.businesses));
    let target = FORCED.get(index as usize).copied();
    // Forced cases take the shortest road to their state: caught in the act for the states
    // after the violation record (an inspection might find nothing).
    let origin = match target {
        Some(CaseState::Proposed) => "tip",
        Some(CaseState::Lead | CaseState::Decided | CaseState::Inspected) => "plan",
        Some(_) => "caught_in_act",
        None => *rng.pick(&[
            "plan",
            "plan",
            "plan",
            "plan",
            "plan",
            "plan",
            "plan",
            "signs",
            "signs",
            "signs",
            "signs",
            "tip",
            "tip",
            "tip",
            "caught_in_act",
            "caught_in_act",
            "caught_in_act",
            "caught_in_act",
            "ecommerce",
            "ecommerce",
        ]),
    };
    let goods = names::LINES[biz.line].1.to_lowercase();
    let summary = match origin {
        "plan" => format!("Kiểm tra theo kế hoạch năm {}: {}", on.year(), biz.name),
        "signs" => format!(
            "Dấu hiệu kinh doanh {goods} không rõ nguồn gốc tại {}",
            biz.name
        ),
        "tip" => format!("Tin báo: {} bán {goods} giả mạo nhãn hiệu", biz.name),
        "caught_in_act" => format!(
            "Phát hiện quả tang {} kinh doanh {goods} nhập lậu",
            biz.name
        ),
        _ => format!(
            "Gian hàng trực tuyến {} bán {goods} không rõ nguồn gốc",
            biz.name
        ),
    };
    let mut walk = Walk {
        g,
        id: rng.uuid_at(at),
        rng,
        team: biz.team,
        biz,
        origin,
        summary,
        opened_at: at,
        at,
        on,
        facts: CaseFacts::new(CaseState::Lead),
        data: Map::new(),
        steps: 0,
        acts: Vec::new(),
        explained: false,
        recorded_on: None,
        seized: false,
        payment_plan: Vec::new(),
        deadlines: Vec::new(),
        documents: Vec::new(),
        lots: Vec::new(),
    };
    loop {
        if Some(walk.facts.state) == target {
            break;
        }
        let Some((action, gap)) = choose(&mut walk, target) else {
            break;
        };
        let next = walk.on + Duration::days(gap);
        if next >= w.today {
            break;
        }
        // Some cases stall at any step (an offender who cannot be found, a file left waiting).
        if target.is_none() && walk.steps > 0 && walk.rng.chance(25) {
            break;
        }
        if !perform(&mut walk, regs, action, next, out) {
            break;
        }
    }
    super::rows::push_case(&mut walk, out);
}

/// The next step and the days until it, or `None` when the case is finished.
fn choose(w: &mut Walk<'_, '_>, target: Option<CaseState>) -> Option<(Action, i64)> {
    use CaseState as S;
    let f = &w.facts;
    let wants = |s: S| target == Some(s);
    Some(match f.state {
        S::Lead if w.origin == "caught_in_act" => (Action::RecordViolation, 0),
        S::Lead if w.origin == "plan" => (Action::DecideInspection, w.rng.range(0, 5)),
        S::Lead => (Action::Propose, w.rng.range(0, 2)),
        S::Proposed if target.is_none() && w.rng.chance(70) => {
            (Action::RejectProposal, w.rng.range(2, 7))
        }
        S::Proposed => (Action::DecideInspection, w.rng.range(1, 6)),
        S::Decided => (Action::RecordInspection, w.rng.range(1, 10)),
        S::Inspected if f.violation_found == Some(true) => (Action::RecordViolation, 0),
        S::Inspected => (Action::Close, w.rng.range(1, 7)),
        S::ViolationRecorded => {
            let explain_right = w.data["record_violation"]["explanation_right"] == json!(true);
            if !w.seized && (wants(S::Closed) || (target.is_none() && w.rng.chance(150))) {
                (Action::Seize, 0)
            } else if !w.explained
                && (wants(S::AwaitingExplanation)
                    || (explain_right && target.is_none() && w.rng.chance(300)))
            {
                (Action::RequestExplanation, w.rng.range(1, 2))
            } else if wants(S::Transferred) || (target.is_none() && w.rng.chance(20)) {
                (Action::Transfer, w.rng.range(2, 10))
            } else if wants(S::NotSanctioned) || (target.is_none() && w.rng.chance(50)) {
                (Action::DecideNoSanction, w.rng.range(2, 6))
            } else {
                (Action::IssueSanction, w.rng.range(1, 6))
            }
        }
        S::AwaitingExplanation => (Action::RecordExplanation, w.rng.range(2, 5)),
        S::Sanctioned if !f.decision_delivered => (Action::DeliverDecision, w.rng.range(0, 2)),
        S::Sanctioned => match f.enforcement {
            EnforcementStatus::None if target.is_none() && w.rng.chance(40) => {
                (Action::GrantInstalments, w.rng.range(1, 5))
            }
            EnforcementStatus::None if target.is_none() && w.rng.chance(30) => {
                (Action::Postpone, w.rng.range(1, 5))
            }
            EnforcementStatus::None if target.is_none() && w.rng.chance(80) => {
                (Action::OrderCoercion, w.rng.range(12, 40))
            }
            EnforcementStatus::Coercion if w.rng.chance(400) => return None,
            EnforcementStatus::Instalments => {
                let due = w.payment_plan.first().map_or(w.on, |p| p.0);
                let gap = (due - w.on).num_days() - w.rng.range(0, 3);
                (Action::RecordPayment, gap.max(0))
            }
            EnforcementStatus::Postponed => {
                let due = w.deadline("payment").unwrap_or(w.on);
                (Action::RecordPayment, (due - w.on).num_days().max(0))
            }
            // Most pay within the 10 days; some late (LHAV Art. 78 late charge applies).
            _ if w.rng.chance(120) => (Action::RecordPayment, w.rng.range(11, 40)),
            _ => (Action::RecordPayment, w.rng.range(1, 9)),
        },
        S::Executed | S::NotSanctioned | S::Transferred => (Action::Close, w.rng.range(3, 30)),
        S::Closed => return None,
    })
}

/// Takes `action` on day `on`: the state machine decides whether it is allowed and where it
/// leads; false when it is refused (then the case stays where it is).
fn perform(
    w: &mut Walk<'_, '_>,
    regs: &mut Registers,
    action: Action,
    on: NaiveDate,
    out: &mut Batch,
) -> bool {
    let team = &w.g.world.teams[w.team];
    let leader = team.officers[0].clone();
    let actor = w.officer(false);
    let next_at = on
        .and_hms_opt(1, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or_default()
        + Duration::seconds(w.rng.range(0, 8 * 3600));
    let at = next_at.max(w.at + Duration::minutes(1));
    let before = w.facts.clone();
    let mut payment = None;
    let outstanding = w.facts.outstanding();
    let amount = (action == Action::RecordPayment).then(|| match w.facts.enforcement {
        EnforcementStatus::Instalments if w.payment_plan.len() > 1 => {
            w.payment_plan[0].1.min(outstanding)
        }
        _ => outstanding,
    });
    // The state machine first, on the facts before the step.
    let Ok(t) = transition(&w.facts, action, amount) else {
        return false;
    };
    w.at = at;
    w.on = on;
    let payload = match action {
        Action::Propose => json!({
            "content": format!("Đề xuất kiểm tra đột xuất: {}", w.summary),
            "suspected_violation": "Kinh doanh hàng hóa không rõ nguồn gốc, xuất xứ",
            "proposed_start_on": day(on + Duration::days(3)),
            "proposed_by": {"id": actor.id, "name": actor.name},
        }),
        Action::RejectProposal => {
            json!({"reason": "Chưa đủ căn cứ xác định dấu hiệu vi phạm; tiếp tục theo dõi."})
        }
        Action::DecideInspection => {
            let member = w.officer(false);
            let end = on + Duration::days(w.rng.range(5, 20));
            w.set_deadline("inspection", end, "Thông tư 27/2020/TT-BCT");
            json!({
                "inspection_team": [
                    {"id": leader.id, "name": leader.name, "rank": leader.rank.map(|r| r.as_str())},
                    {"id": member.id, "name": member.name, "rank": member.rank.map(|r| r.as_str())},
                ],
                "team_head": leader.id,
                "scope": format!("Việc chấp hành pháp luật trong kinh doanh của {}", w.biz.name),
                "start_on": day(on), "end_on": day(end),
                "signer_title": Title::TeamLeader.as_str(),
                "delegation_no": null, "joint_agencies": [],
            })
        }
        Action::RecordInspection => {
            let found = w.rng.chance(if w.origin == "plan" { 450 } else { 750 });
            w.facts.violation_found = Some(found);
            w.meet(&["inspection"]);
            json!({
                "inspected_at": qltt_store::ts(at), "place": w.biz.address,
                "findings": if found { "Phát hiện hàng hóa không có hóa đơn, chứng từ chứng minh nguồn gốc." } else { "Không phát hiện vi phạm." },
                "violation_found": found, "joint_agencies": [],
            })
        }
        Action::RecordViolation => match super::rows::record_violation(w, at, on) {
            Some(p) => p,
            None => {
                w.facts = before;
                return false;
            }
        },
        Action::RequestExplanation => {
            // LHAV Art. 61(2): 5 working days from the record for a written explanation (the
            // request comes 1–2 days after it, always in time).
            if w.deadline("explanation").is_none() {
                let recorded = w.recorded_on.unwrap_or(on);
                w.set_deadline(
                    "explanation",
                    period::working_days_after(w.g.cal, recorded, 5),
                    "Luật XLVPHC, Điều 61",
                );
            }
            json!({"mode": "written", "requested_on": day(on)})
        }
        Action::RecordExplanation => {
            w.explained = true;
            w.meet(&["explanation"]);
            json!({"received_on": day(on), "content": "Tổ chức, cá nhân vi phạm trình bày hoàn cảnh và đề nghị giảm nhẹ."})
        }
        Action::Seize => {
            w.seized = true;
            let due = deadlines::seizure_due(w.g.cal, on);
            w.set_deadline("seizure", due, "Luật XLVPHC, Điều 125 khoản 8");
            json!({"seized_on": day(on), "items": [], "reason": "Để xác minh tình tiết làm căn cứ ra quyết định xử phạt.", "due_on": day(due)})
        }
        Action::IssueSanction => super::rows::issue_sanction(w, on),
        Action::DecideNoSanction => {
            w.meet(&["decision", "explanation"]);
            json!({"decided_on": day(on), "reason": "Vi phạm có tình tiết không xử phạt theo Luật XLVPHC, Điều 11.", "confiscation": []})
        }
        Action::DeliverDecision => {
            let days = 10;
            // LHAV Art. 73: 10 days from receiving the decision.
            let due = period::days_after(w.g.cal, on, days);
            w.facts.decision_delivered = true;
            w.meet(&["delivery"]);
            w.set_deadline("payment", due, "Luật XLVPHC, Điều 73");
            json!({"delivered_on": day(on), "refused": false, "witnesses": [], "payment_due": day(due)})
        }
        Action::RecordPayment => {
            let amount = amount.unwrap_or(outstanding);
            if w.facts.enforcement == EnforcementStatus::Instalments && w.payment_plan.len() > 1 {
                w.payment_plan.remove(0);
            }
            let late = w
                .deadline("payment")
                .map_or(0, |due| enforcement::late_charge(outstanding, due, on));
            payment = Some((amount, late));
            json!({"paid_on": day(on), "amount": amount,
                   "receipt_no": format!("{:07}", w.rng.below(10_000_000)),
                   "late_charge": late, "outstanding_after": outstanding - amount})
        }
        Action::GrantInstalments => match super::rows::instalments(w, on) {
            Some(p) => p,
            None => return false,
        },
        Action::Postpone => {
            let until = on + Duration::days(w.rng.range(30, 90));
            w.set_deadline("payment", until, "Luật XLVPHC, Điều 76");
            json!({"decided_on": day(on), "until": day(until), "reason": "Gặp khó khăn đặc biệt, đột xuất về kinh tế."})
        }
        Action::OrderCoercion => {
            w.meet(&["payment"]);
            json!({"decided_on": day(on), "measure": "Khấu trừ một phần lương hoặc thu nhập; khấu trừ tiền từ tài khoản",
                   "reason": "Không tự nguyện chấp hành quyết định xử phạt."})
        }
        Action::Transfer => {
            w.meet(OPEN_KINDS);
            json!({"decided_on": day(on), "agency": format!("Cơ quan Cảnh sát điều tra Công an {}", w.biz.province),
                   "reason": "Hành vi có dấu hiệu tội phạm (Luật XLVPHC, Điều 62)."})
        }
        Action::Close => {
            w.meet(OPEN_KINDS);
            json!({"closed_on": day(on), "note": ""})
        }
    };
    if let Some((amount, late)) = payment {
        w.facts.paid_total += amount;
        if w.facts.paid_total == w.facts.fine_total {
            w.meet(&["payment", "execution"]);
        }
        super::rows::push_payment(w, on, amount, late, &payload, &actor, out);
    }
    w.facts.state = t.to;
    if let Some(e) = t.enforcement {
        w.facts.enforcement = e;
    }
    w.data.insert(action.as_str().to_string(), payload.clone());
    w.steps += 1;
    super::rows::push_step(w, action, before.state, &actor, &payload, out);
    for kind in t.documents {
        super::rows::push_document(w, regs, kind, &payload, &leader, out);
    }
    if action == Action::Seize {
        super::rows::number_lots(w, regs);
    }
    true
}
