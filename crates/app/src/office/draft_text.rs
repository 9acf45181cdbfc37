//! Reading a draft's file again by hand ("Thử lại"): the text job tries a failure that may pass
//! on its own three times by itself (`qltt_domain::extraction`); a failure that waits for a
//! person (a missing program, an unreadable scan after those tries) is queued again from the
//! draft's page by its drafter or a leader of its unit's scope. Audited
//! (`office_draft.text_retry`).

use qltt_domain::officer::Permission;
use qltt_store::document_texts as texts;
use qltt_store::office_drafts as store;
use qltt_store::units;
use serde::Deserialize;
use serde_json::json;

use super::drafts::{Draft, not_found};
use crate::{Actor, App, AppError, AppResult, ErrorKind};

/// `POST /api/v1/office-documents/drafts/{id}/text/retry`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftTextRetryInput {
    /// The file to read again (one of the draft's files whose reading failed).
    pub sha256: String,
}

impl App {
    /// Queues a failed file of a draft to be read again. 400 `text.unknown_file` for a file the
    /// draft does not hold; 409 `text.not_failed` for one that is queued, being read or read.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, draft_id = %id))]
    pub async fn retry_draft_text(
        &self,
        actor: &Actor,
        id: &str,
        input: DraftTextRetryInput,
    ) -> AppResult<Draft> {
        actor.require(Permission::ViewOfficeDocuments)?;
        let sha = input.sha256.trim().to_ascii_lowercase();
        let mut tx = self.db.begin(self.now()).await?;
        let row = store::get_in(tx.conn(), id).await?.ok_or_else(not_found)?;
        if !self.sees_draft(tx.conn(), actor, &row).await? {
            return Err(not_found());
        }
        let in_scope = units::in_subtree(tx.conn(), &actor.unit_id, &row.unit_id).await?;
        let drafter = row.drafted_by == actor.id && actor.may(Permission::DraftDocuments);
        let leader = actor.may(Permission::ReviewDrafts) && in_scope;
        if !(drafter || leader) {
            return Err(AppError::forbidden());
        }
        if !row.attachment_list().contains(&sha) {
            return Err(AppError::bad_input(
                "text.unknown_file",
                "Tệp này không thuộc dự thảo.",
            ));
        }
        let failed = texts::get_in(tx.conn(), &sha)
            .await?
            .is_some_and(|t| t.state == "failed");
        if !failed || !texts::requeue(&mut tx, &sha).await? {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "text.not_failed",
                "Tệp đang chờ, đang được đọc hoặc đã đọc xong; chỉ thử lại tệp bị lỗi.",
            ));
        }
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "office_draft.text_retry",
                entity_type: "office_draft",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "office_draft.changed",
                details: json!({"sha256": sha}),
            },
        )
        .await?;
        tx.commit().await?;
        super::text::wake();
        self.draft(actor, id).await
    }
}
