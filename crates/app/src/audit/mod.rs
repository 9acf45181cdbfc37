//! The audit log for auditors: events in the actor's scope, newest first.

use qltt_domain::officer::Permission;
use qltt_store::audit::{self, AuditEvent, Verification};

use crate::{Actor, App, AppResult};

pub struct AuditPage {
    pub items: Vec<AuditEvent>,
    pub next_cursor: Option<i64>,
}

impl App {
    pub async fn audit_events(
        &self,
        actor: &Actor,
        entity_id: Option<&str>,
        before: Option<i64>,
        limit: i64,
    ) -> AppResult<AuditPage> {
        actor.require(Permission::ViewAudit)?;
        let limit = limit.clamp(1, 500);
        let mut items = audit::list(
            self.db.pool(),
            &actor.unit_id,
            entity_id.filter(|e| !e.is_empty()),
            before,
            limit + 1,
        )
        .await?;
        let more = items.len() as i64 > limit;
        items.truncate(limit as usize);
        let next_cursor = if more {
            items.last().map(|e| e.seq)
        } else {
            None
        };
        Ok(AuditPage { items, next_cursor })
    }

    /// Walks the whole chain (operator command; no actor: it reads only hashes).
    pub async fn verify_audit(&self) -> AppResult<Verification> {
        Ok(audit::verify(self.db.pool()).await?)
    }
}
