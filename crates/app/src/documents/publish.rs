//! Publishing a sanction decision in the open dataset (issue 8, part 5). The law asks that some
//! sanctions be made public (LHAV Art. 72 as amended in 2020 — the article's list of cases is
//! UNCONFIRMED here, see docs/legal.md), so the product does not decide by itself which decisions
//! are public: a leader of the issuing unit publishes an issued decision with the basis for it,
//! and may withdraw it with a reason. Both are audited; a withdrawal keeps the row.

use qltt_domain::officer::Permission;
use qltt_store::{documents, publications, units};
use serde::Deserialize;
use serde_json::json;

use crate::cases::input;
use crate::{Actor, App, AppError, AppResult, ErrorKind};

/// `POST /api/v1/documents/{id}/publish` and `/unpublish`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicationInput {
    /// Publishing: the basis ("Điều 72 Luật XLVPHC; vi phạm gây ảnh hưởng xấu đến dư luận");
    /// withdrawing: the reason.
    pub reason: String,
}

/// The kinds of decision that may be published: the sanction decision and its corrections.
pub(crate) const PUBLISHABLE: &[&str] = &["sanction_decision"];

fn not_found() -> AppError {
    AppError::not_found("document.not_found")
}

impl App {
    /// Publishes an issued sanction decision of the actor's scope.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, document_id = %id))]
    pub async fn publish_decision(
        &self,
        actor: &Actor,
        id: &str,
        input: PublicationInput,
    ) -> AppResult<publications::PublicationRow> {
        actor.require(Permission::PublishDecisions)?;
        let mut tx = self.db.begin(self.now()).await?;
        let doc = documents::get_in(tx.conn(), id)
            .await?
            .ok_or_else(not_found)?;
        if !units::in_subtree(tx.conn(), &actor.unit_id, &doc.unit_id).await? {
            return Err(not_found());
        }
        let basis = input::text("reason", &input.reason, true)?;
        if !PUBLISHABLE.contains(&doc.kind.as_str()) {
            return Err(AppError::new(
                ErrorKind::Refused,
                "document.not_publishable",
                "Chỉ công bố được quyết định xử phạt vi phạm hành chính.",
            ));
        }
        if doc.status != "issued" {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "document.not_publishable",
                "Chỉ công bố được quyết định đang có hiệu lực (quyết định này đã được đính chính hoặc đã bị hủy).",
            ));
        }
        if publications::live_in(tx.conn(), &doc.id).await?.is_some() {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "document.already_published",
                "Quyết định này đã được công bố.",
            ));
        }
        let row = publications::publish(&mut tx, &doc.id, &basis, &actor.id).await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "document.publish",
                entity_type: "document",
                entity_id: &doc.id,
                unit_id: &doc.unit_id,
                topic: "document.published",
                details: json!({"number": doc.number, "basis": basis, "publication_id": row.id}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Withdraws a decision from the open dataset (the publication row keeps who, when, why).
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, document_id = %id))]
    pub async fn unpublish_decision(
        &self,
        actor: &Actor,
        id: &str,
        input: PublicationInput,
    ) -> AppResult<publications::PublicationRow> {
        actor.require(Permission::PublishDecisions)?;
        let mut tx = self.db.begin(self.now()).await?;
        let doc = documents::get_in(tx.conn(), id)
            .await?
            .ok_or_else(not_found)?;
        if !units::in_subtree(tx.conn(), &actor.unit_id, &doc.unit_id).await? {
            return Err(not_found());
        }
        let reason = input::text("reason", &input.reason, true)?;
        let live = publications::live_in(tx.conn(), &doc.id)
            .await?
            .ok_or_else(|| {
                AppError::new(
                    ErrorKind::Conflict,
                    "document.not_published",
                    "Quyết định này chưa được công bố.",
                )
            })?;
        publications::withdraw(&mut tx, &doc.id, &actor.id, &reason).await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "document.unpublish",
                entity_type: "document",
                entity_id: &doc.id,
                unit_id: &doc.unit_id,
                topic: "document.unpublished",
                details: json!({"number": doc.number, "reason": reason, "publication_id": live.id}),
            },
        )
        .await?;
        tx.commit().await?;
        let mut row = live;
        row.withdrawn_at = Some(qltt_store::ts(self.now()));
        row.withdrawn_by = Some(actor.id.clone());
        row.withdraw_reason = Some(reason);
        Ok(row)
    }
}
