//! Work queues (hàng việc) of an officer and their team: what is due within 2 days, what is
//! overdue, what awaits the officer's signature, what awaits the offender's explanation, and
//! fines unpaid past their due date. All read inside the officer's scope, in the query.

use chrono::Duration;
use qltt_domain::case::CaseState;
use qltt_domain::format::{legal_day, parse_date};
use qltt_domain::office::{Urgency, dispatch};
use qltt_domain::officer::{Permission, Role};
use qltt_store::cases::{self, CaseRow};
use qltt_store::{office, office_drafts};
use serde::Serialize;

use super::deadline_label;
use crate::{Actor, App, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QueueItem {
    pub case_id: String,
    pub summary: String,
    pub state: String,
    pub state_label: String,
    /// The deadline this item is about, when it is one.
    pub deadline_kind: Option<String>,
    pub deadline_label: Option<String>,
    pub due_on: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Queues {
    pub today: String,
    pub due_soon: Vec<QueueItem>,
    pub overdue: Vec<QueueItem>,
    pub awaiting_signature: Vec<QueueItem>,
    pub awaiting_explanation: Vec<QueueItem>,
    pub unpaid_past_due: Vec<QueueItem>,
    /// Incoming documents routed to the officer or a unit of their scope, past their deadline
    /// and not yet answered or filed.
    pub overdue_documents: Vec<DocumentQueueItem>,
    /// Tasks given to the officer or a unit of their scope, still with them past the deadline.
    pub overdue_tasks: Vec<TaskQueueItem>,
    /// Periodic reports a unit of the officer's scope must still send (or correct after a
    /// return): due within 2 days, or overdue.
    pub periodic_reports_due: Vec<crate::periodic_reports::PeriodicReportDue>,
    /// Outgoing documents of the scope signed and numbered but not yet sent, with the last day
    /// to send them (Decree 30/2020 Art. 18(1)); for clerks and those who sign.
    pub to_send: Vec<DocumentQueueItem>,
    /// Documents that units of the product sent to the scope and whose receipt is not yet
    /// confirmed to the sender (Art. 21(2)(c)); for clerks and leaders. `due_on` is the day it
    /// arrived, which is the day to confirm it.
    pub unconfirmed_arrivals: Vec<DocumentQueueItem>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskQueueItem {
    pub task_id: String,
    pub title: String,
    /// Who has it: the officer, or the unit.
    pub assignee: String,
    pub due_on: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentQueueItem {
    pub document_id: String,
    /// The sender's number and the arrival number: "45/UBND-KT (số đến 12)".
    pub number: String,
    pub summary: String,
    pub due_on: String,
}

/// Each queue shows at most this many items (the list pages page through the rest).
const QUEUE_LIMIT: i64 = 50;

fn item(case_id: &str, summary: &str, state: &str, deadline: Option<(&str, &str)>) -> QueueItem {
    QueueItem {
        case_id: case_id.to_string(),
        summary: summary.to_string(),
        state: state.to_string(),
        state_label: CaseState::parse(state)
            .map(|s| s.label().to_string())
            .unwrap_or_default(),
        deadline_kind: deadline.map(|(kind, _)| kind.to_string()),
        deadline_label: deadline.map(|(kind, _)| deadline_label(kind).to_string()),
        due_on: deadline.map(|(_, due)| due.to_string()),
    }
}

fn case_item(row: &CaseRow) -> QueueItem {
    item(&row.id, &row.summary, &row.state, None)
}

impl App {
    pub async fn work_queues(&self, actor: &Actor) -> AppResult<Queues> {
        actor.require(Permission::ViewCases)?;
        let pool = self.db.pool();
        let today = legal_day(self.now());
        let soon = today + Duration::days(2);
        let today_s = today.format("%Y-%m-%d").to_string();
        let soon_s = soon.format("%Y-%m-%d").to_string();
        let mut q = Queues {
            today: today_s.clone(),
            ..Queues::default()
        };
        let open = cases::open_deadlines(pool, &actor.unit_id, &soon_s, QUEUE_LIMIT * 4).await?;
        for d in &open {
            let it = item(&d.case_id, &d.summary, &d.state, Some((&d.kind, &d.due_on)));
            if d.due_on < today_s {
                if d.kind == "payment" {
                    q.unpaid_past_due.push(it.clone());
                }
                q.overdue.push(it);
            } else {
                q.due_soon.push(it);
            }
        }
        q.overdue.truncate(QUEUE_LIMIT as usize);
        q.due_soon.truncate(QUEUE_LIMIT as usize);
        for row in cases::list(
            pool,
            &actor.unit_id,
            Some("awaiting_explanation"),
            None,
            None,
            QUEUE_LIMIT,
        )
        .await?
        {
            q.awaiting_explanation.push(case_item(&row));
        }
        // What waits for a leader's signature: proposals (inspection decision) and violation
        // records (sanction decision).
        let signs = actor
            .roles
            .iter()
            .any(|r| matches!(r, Role::UnitHead | Role::DeputyUnitHead | Role::TeamLeader));
        if signs {
            for state in ["proposed", "violation_recorded"] {
                for row in
                    cases::list(pool, &actor.unit_id, Some(state), None, None, QUEUE_LIMIT).await?
                {
                    q.awaiting_signature.push(case_item(&row));
                }
            }
        }
        for d in self.office_assigned(actor, true, QUEUE_LIMIT).await? {
            q.overdue_documents.push(DocumentQueueItem {
                number: format!("{} (số đến {})", d.row.number, d.row.seq),
                due_on: d.row.due_on.clone().unwrap_or_default(),
                summary: d.row.summary,
                document_id: d.row.id,
            });
        }
        for t in self
            .list_tasks(actor, true, None, true, None, QUEUE_LIMIT)
            .await?
            .items
        {
            q.overdue_tasks.push(TaskQueueItem {
                assignee: t.assignee_officer_name.unwrap_or(t.assignee_unit_name),
                due_on: t.row.due_on,
                title: t.row.title,
                task_id: t.row.id,
            });
        }
        q.periodic_reports_due = self
            .periodic_reports_due(actor, QUEUE_LIMIT as usize)
            .await?;
        if actor.may(Permission::RegisterDocuments) || actor.may(Permission::SignDocuments) {
            let cal = self.work_calendar(today).await?;
            for d in office::awaiting_send(pool, &actor.unit_id, QUEUE_LIMIT).await? {
                let Some(signed) = parse_date(&d.document_date) else {
                    continue;
                };
                let urgency = Urgency::parse(&d.urgency).unwrap_or(Urgency::Normal);
                // A secret document's summary only for those entitled to it.
                let summary = self.summary_for(actor, &d).await?;
                q.to_send.push(DocumentQueueItem {
                    due_on: dispatch::send_by(&cal, signed, urgency)
                        .format("%Y-%m-%d")
                        .to_string(),
                    number: d.number,
                    summary,
                    document_id: d.id,
                });
            }
        }
        // The most pressing first: an urgent document signed today before an ordinary one
        // signed yesterday (stable, so the register's order breaks ties).
        q.to_send.sort_by(|a, b| a.due_on.cmp(&b.due_on));
        if actor.may(Permission::AcknowledgeDirectives) {
            for x in office_drafts::unconfirmed_arrivals(pool, &actor.unit_id, QUEUE_LIMIT).await? {
                let Some(incoming_id) = x.incoming_id else {
                    continue;
                };
                let Some(d) = office::get(pool, &incoming_id).await? else {
                    continue;
                };
                let summary = self.summary_for(actor, &d).await?;
                q.unconfirmed_arrivals.push(DocumentQueueItem {
                    number: format!("{} (số đến {})", d.number, d.seq),
                    due_on: d.received_on.clone().unwrap_or_default(),
                    summary,
                    document_id: d.id,
                });
            }
        }
        Ok(q)
    }
}
