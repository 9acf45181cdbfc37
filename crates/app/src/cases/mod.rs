//! The violation-handling case (vụ việc) from lead to closing. The state machine and the rules of
//! law live in `domain`; here each step is checked for permission, scope, competence and the law,
//! then the case, its journal, its acts, deadlines, payments and the step's numbered documents are
//! written with the audit event and the outbox message in one transaction.

pub mod act;
pub mod input;
pub mod queues;
pub mod sanction;
pub mod title;

use qltt_domain::case::{CaseState, Origin};
use qltt_domain::officer::Permission;
use qltt_store::cases::{self, CaseRow, CaseViolationRow, PaymentRow, StepRow};
use qltt_store::documents::{self, DocumentRow};
use qltt_store::{businesses, units};
use serde::Serialize;
use serde_json::{Value, json};

use crate::{Actor, App, AppError, AppResult, ErrorKind};
use input::NewCaseInput;

/// A case as the API and pages show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Case {
    #[serde(flatten)]
    pub row: CaseRow,
    pub state_label: String,
    /// What the case's state allows next (the buttons of the case page).
    pub allowed_actions: Vec<String>,
    pub deadlines: Vec<DeadlineView>,
    pub documents: Vec<DocumentRef>,
    pub violations: Vec<CaseViolationRow>,
    pub payments: Vec<PaymentRow>,
    /// What each step recorded, by action.
    #[schema(value_type = Object)]
    pub data: Value,
    /// The business had signed a commitment (cam kết) in force on the day of the act (the
    /// violation record's date, else today): a violation after committing.
    pub commitment: Option<crate::commitments::CommitmentFlag>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CasePage {
    pub items: Vec<Case>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeadlineView {
    pub kind: String,
    pub label: String,
    pub due_on: String,
    pub basis: String,
    pub met: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentRef {
    pub id: String,
    pub kind: String,
    pub number: String,
    pub issued_on: String,
    pub label: String,
    /// SHA-256 of the issued PDF.
    pub sha256: Option<String>,
    /// `issued`, `corrected` or `annulled`.
    pub status: String,
}

pub fn deadline_label(kind: &str) -> &'static str {
    match kind {
        "explanation" => "Hạn giải trình",
        "decision" => "Hạn ra quyết định xử phạt",
        "delivery" => "Hạn giao quyết định",
        "payment" => "Hạn tự nguyện chấp hành",
        "seizure" => "Hạn tạm giữ tang vật",
        "execution" => "Thời hiệu thi hành quyết định",
        "inspection" => "Hạn kết thúc kiểm tra",
        "instalment" => "Hạn nộp phạt theo kỳ",
        _ => "Thời hạn",
    }
}

pub(crate) fn document_ref(d: &DocumentRow) -> DocumentRef {
    let label = qltt_domain::case::DocumentKind::parse(&d.kind)
        .map(|k| k.label().to_string())
        .unwrap_or_else(|_| d.kind.clone());
    DocumentRef {
        id: d.id.clone(),
        kind: d.kind.clone(),
        number: d.number.clone(),
        issued_on: d.issued_on.clone(),
        label,
        sha256: d.sha256.clone(),
        status: d.status.clone(),
    }
}

pub(crate) fn not_found() -> AppError {
    AppError::not_found("case.not_found")
}

impl App {
    /// Opens a case on a business of the actor's scope (or without one, for an unregistered
    /// trader caught in the act), in the `lead` state.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id))]
    pub async fn open_case(&self, actor: &Actor, input: NewCaseInput) -> AppResult<Case> {
        actor.require(Permission::HandleCases)?;
        let origin = Origin::parse(input.origin.trim())?;
        let summary = input::text("summary", &input.summary, true)?;
        let mut tx = self.db.begin(self.now()).await?;
        let unit = units::get_in(tx.conn(), input.unit_id.trim())
            .await?
            .ok_or_else(|| AppError::bad_input("case.unknown_unit", "Đơn vị không tồn tại."))?;
        if !units::in_subtree(tx.conn(), &actor.unit_id, &unit.id).await? {
            return Err(AppError::forbidden_scope());
        }
        if !unit.active() {
            return Err(AppError::new(
                ErrorKind::Refused,
                "unit.inactive",
                "Đơn vị đã sáp nhập; hãy chọn đơn vị mới.",
            ));
        }
        let business_id = match input.business_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(id) => {
                let b = businesses::get_in(tx.conn(), id).await?.ok_or_else(|| {
                    AppError::bad_input("case.unknown_business", "Cơ sở kinh doanh không tồn tại.")
                })?;
                if !units::in_subtree(tx.conn(), &actor.unit_id, &b.unit_id).await? {
                    return Err(AppError::bad_input(
                        "case.unknown_business",
                        "Cơ sở kinh doanh không tồn tại.",
                    ));
                }
                // A duplicate merged away: the case goes to the record that stayed.
                Some(b.merged_into.unwrap_or(b.id))
            }
        };
        let row = cases::insert(
            &mut tx,
            &cases::NewCase {
                unit_id: &unit.id,
                business_id: business_id.as_deref(),
                origin: origin.as_str(),
                summary: &summary,
                state: CaseState::Lead.as_str(),
                created_by: &actor.id,
            },
        )
        .await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "case.open",
                entity_type: "case",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "case.changed",
                details: json!({"origin": row.origin, "business_id": row.business_id, "summary": row.summary, "state": row.state}),
            },
        )
        .await?;
        tx.commit().await?;
        let _ = self.events.send(crate::CaseEvent {
            case_id: row.id.clone(),
            unit_id: row.unit_id.clone(),
            state: row.state.clone(),
            action: "open".into(),
        });
        self.case_view(row).await
    }

    /// A case of the actor's scope (404 for one outside it: its existence is not revealed).
    pub async fn case(&self, actor: &Actor, id: &str) -> AppResult<Case> {
        actor.require(Permission::ViewCases)?;
        let row = cases::get(self.db.pool(), id)
            .await?
            .ok_or_else(not_found)?;
        if !self.in_scope(actor, &row.unit_id).await? {
            return Err(not_found());
        }
        self.case_view(row).await
    }

    pub async fn case_steps(&self, actor: &Actor, id: &str) -> AppResult<Vec<StepRow>> {
        let c = self.case(actor, id).await?;
        Ok(cases::steps(self.db.pool(), &c.row.id).await?)
    }

    pub async fn case_documents(&self, actor: &Actor, id: &str) -> AppResult<Vec<DocumentRow>> {
        let c = self.case(actor, id).await?;
        Ok(documents::of_case(self.db.pool(), &c.row.id).await?)
    }

    pub async fn document(&self, actor: &Actor, id: &str) -> AppResult<DocumentRow> {
        actor.require(Permission::ViewCases)?;
        let d = documents::get(self.db.pool(), id)
            .await?
            .ok_or_else(|| AppError::not_found("document.not_found"))?;
        if self.in_scope(actor, &d.unit_id).await? {
            return Ok(d);
        }
        // A document of a case of the actor's scope issued by a unit above it (a head's
        // annulment of a team's decision) is part of that case's file.
        if let Some(case_id) = &d.case_id
            && let Some(c) = cases::get(self.db.pool(), case_id).await?
            && self.in_scope(actor, &c.unit_id).await?
        {
            return Ok(d);
        }
        Err(AppError::not_found("document.not_found"))
    }

    /// Cases of the actor's scope, newest first; `cursor` is the last item's `created_at|id`.
    pub async fn list_cases(
        &self,
        actor: &Actor,
        state: Option<&str>,
        business_id: Option<&str>,
        cursor: Option<&str>,
        limit: i64,
    ) -> AppResult<CasePage> {
        actor.require(Permission::ViewCases)?;
        let state = match state.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(CaseState::parse(s)?.as_str()),
            None => None,
        };
        let limit = limit.clamp(1, 200);
        let before = cursor.and_then(|c| c.split_once('|'));
        let rows = cases::list(
            self.db.pool(),
            &actor.unit_id,
            state,
            business_id,
            before,
            limit + 1,
        )
        .await?;
        let more = rows.len() as i64 > limit;
        let items = self
            .case_views(rows.into_iter().take(limit as usize).collect())
            .await?;
        let next_cursor = if more {
            items
                .last()
                .map(|c| format!("{}|{}", c.row.created_at, c.row.id))
        } else {
            None
        };
        Ok(CasePage { items, next_cursor })
    }

    pub(crate) async fn case_view(&self, row: CaseRow) -> AppResult<Case> {
        self.case_views(vec![row])
            .await?
            .pop()
            .ok_or_else(|| AppError::internal("case view of one row gave none"))
    }

    /// The views of several cases, in the rows' order. Each child table (deadlines, documents,
    /// violations, payments, commitments) is read once for all rows: a list page of 20 cases
    /// made ~110 queries when each row was read on its own, and that was most of its time.
    pub(crate) async fn case_views(&self, rows: Vec<CaseRow>) -> AppResult<Vec<Case>> {
        use std::collections::HashMap;
        let pool = self.db.pool();
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let mut deadlines: HashMap<String, Vec<DeadlineView>> = HashMap::new();
        for d in cases::deadlines_of(pool, &ids).await? {
            deadlines
                .entry(d.case_id.clone())
                .or_default()
                .push(DeadlineView {
                    label: deadline_label(&d.kind).to_string(),
                    met: d.met_at.is_some(),
                    kind: d.kind,
                    due_on: d.due_on,
                    basis: d.basis,
                });
        }
        let mut docs: HashMap<String, Vec<DocumentRef>> = HashMap::new();
        for d in documents::of_cases(pool, &ids).await? {
            if let Some(case_id) = d.case_id.clone() {
                docs.entry(case_id).or_default().push(document_ref(&d));
            }
        }
        let mut violations: HashMap<String, Vec<CaseViolationRow>> = HashMap::new();
        for v in cases::violations_of(pool, &ids).await? {
            violations.entry(v.case_id).or_default().push(v.row);
        }
        let mut payments: HashMap<String, Vec<PaymentRow>> = HashMap::new();
        for p in cases::payments_of(pool, &ids).await? {
            payments.entry(p.case_id).or_default().push(p.row);
        }
        let mut business_ids: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.business_id.as_deref())
            .collect();
        business_ids.sort_unstable();
        business_ids.dedup();
        // Newest signature first within each business, as `commitment_flag` reads them.
        let mut commitments: HashMap<String, Vec<qltt_store::commitments::CommitmentRow>> =
            HashMap::new();
        for c in qltt_store::commitments::of_businesses(pool, &business_ids).await? {
            commitments.entry(c.for_business).or_default().push(c.row);
        }
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let facts = act::facts_of(&row)?;
            let allowed = qltt_domain::case::allowed_actions(&facts)
                .into_iter()
                .map(|a| a.as_str().to_string())
                .collect();
            let state_label = CaseState::parse(&row.state)
                .map(|s| s.label().to_string())
                .unwrap_or_else(|_| row.state.clone());
            let data = serde_json::from_str(&row.data).unwrap_or(Value::Null);
            let commitment = row.business_id.as_deref().and_then(|b| {
                let on = crate::commitments::act_day(&data, self.now());
                crate::commitments::flag_of(commitments.get(b)?, on)
            });
            out.push(Case {
                commitment,
                state_label,
                allowed_actions: allowed,
                deadlines: deadlines.remove(&row.id).unwrap_or_default(),
                documents: docs.remove(&row.id).unwrap_or_default(),
                violations: violations.remove(&row.id).unwrap_or_default(),
                payments: payments.remove(&row.id).unwrap_or_default(),
                data,
                row,
            });
        }
        Ok(out)
    }
}
