//! Documents with a secrecy level (độ mật): who reads them in full, the placeholder the others
//! of the unit see, the grants a leader gives one officer at a time, and the record of every
//! opening. The rule and its legal sources: `qltt_domain::office::secrecy`.
//!
//! Where it is enforced: every read path of a document goes through [`App::secret_entitlement`]
//! — a document's page and API (403 `office.secret_restricted` to an officer of the unit who is
//! not entitled), its steps, its text, its files (`App::file_meta`: 404 as for a file out of
//! scope), the registers' lists and the work queues (a placeholder line without the summary, or
//! nothing), directives, and the search index (the document is indexed with a scope only the
//! entitled match: `SearchDoc::secret_scope` and `officers`).
//!
//! Opening a secret document (its page, its text, a download of one of its files) writes an
//! audit event (`office_document.secret_read`, `.secret_text_read`, `.secret_file_read`). This is
//! a product decision: the texts read here do not say in so many words that reading must be
//! logged (UNCONFIRMED), but Decree 26/2020/NĐ-CP Art. 3 has every copy of a secret entered in a
//! "Sổ quản lý sao, chụp bí mật nhà nước" (sct.daknong.gov.vn), and a download is a copy. An
//! opening of the page is recorded once per officer and document in [`READ_LOG_WINDOW`] (the page
//! reloads itself while a scan is read); every download is recorded.

use std::time::Duration;

use qltt_domain::office::secrecy::{self as rules, Entitlement, Facts};
use qltt_domain::office::{Confidentiality, is_secret};
use qltt_domain::officer::Permission;
use qltt_store::office::{self as store, OfficeDocRow};
use qltt_store::office_access::{self as access, GrantRow, OpeningRow};
use qltt_store::{units, users};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;

use super::{OfficeDocument, not_found};
use crate::{Actor, App, AppError, AppResult, ErrorKind};

/// A page opened again within this time by the same officer is not recorded again.
pub const READ_LOG_WINDOW: Duration = Duration::from_secs(10 * 60);

/// `POST /api/v1/office-documents/{id}/access`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantInput {
    /// The officer given access.
    pub user_id: String,
    /// Why (required; read later by whoever checks who knew the secret).
    pub reason: String,
}

/// Someone who reads the document by name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Reader {
    pub user_id: String,
    pub name: String,
}

/// A grant, with its times as people read them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Grant {
    #[serde(flatten)]
    pub row: GrantRow,
    /// dd/mm/yyyy hh:mm
    pub granted_at_text: String,
    pub revoked_at_text: Option<String>,
}

fn instant_text(raw: &str) -> String {
    qltt_store::parse_ts(raw)
        .map(qltt_domain::format::format_instant)
        .unwrap_or_default()
}

/// Who reads a secret document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccessList {
    pub document_id: String,
    /// "Mật", "Tối mật", "Tuyệt mật"
    pub confidentiality_label: String,
    /// Who reads it by their office, in words ("Lãnh đạo và văn thư sổ mật của …").
    pub by_office: String,
    /// Named on the document (registered, routed, drafted, reviewed, signed it, or routed to).
    pub named: Vec<Reader>,
    /// Grants by a leader, current ones first (with those taken back, and when).
    pub grants: Vec<Grant>,
    /// Whether the caller may grant and take back access.
    pub may_grant: bool,
    /// The latest recorded openings (page, text, file), newest first: for those who read the
    /// audit log (`ViewAudit`); empty for others.
    pub openings: Vec<Opening>,
}

/// A recorded opening of the document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Opening {
    #[serde(flatten)]
    pub row: OpeningRow,
    /// "Mở văn bản", "Đọc nội dung chữ", "Tải tệp"
    pub action_label: String,
    /// dd/mm/yyyy hh:mm
    pub at_text: String,
}

/// How many openings the access list shows.
const OPENINGS_SHOWN: i64 = 20;

/// Whether `actor` is a leader or the secret-book clerk of the document's register, or of the
/// unit it was routed to.
async fn office_in_scope(
    conn: &mut AnyConnection,
    actor: &Actor,
    row: &OfficeDocRow,
) -> AppResult<bool> {
    Ok(actor.may(Permission::ReadSecretDocuments) && super::in_reach(conn, actor, row).await?)
}

/// Whether (and why) the actor reads the document in full; `None`: a placeholder at most.
pub(crate) async fn entitlement_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    row: &OfficeDocRow,
) -> AppResult<Option<Entitlement>> {
    let confidentiality = Confidentiality::parse(&row.confidentiality)?;
    if !is_secret(confidentiality) {
        return Ok(Some(Entitlement::NotSecret));
    }
    let facts = Facts {
        office_in_scope: office_in_scope(conn, actor, row).await?,
        named: access::is_named(conn, &row.id, &actor.id).await?,
        granted: access::is_granted(conn, &row.id, &actor.id).await?,
    };
    Ok(rules::entitlement(confidentiality, facts))
}

/// 403 for an officer who sees that a secret document exists but is not entitled to it.
pub(crate) fn restricted() -> AppError {
    AppError::new(
        ErrorKind::Forbidden,
        "office.secret_restricted",
        "Văn bản mật: chỉ lãnh đạo, văn thư sổ mật, người có tên trên văn bản và người được lãnh \
         đạo cho phép mới được xem.",
    )
}

/// The line of a list that an officer not entitled to the document sees: its book, number,
/// dates, secrecy, urgency and state; not its summary, correspondent, signer, routing opinion
/// or files.
pub(crate) fn placeholder(mut d: OfficeDocument) -> OfficeDocument {
    d.restricted = true;
    d.row.summary = rules::PLACEHOLDER.to_string();
    d.row.correspondent = String::new();
    d.row.signer = String::new();
    d.row.route_opinion = None;
    d.row.attachments = "[]".to_string();
    d.attachment_shas = Vec::new();
    d.attachment_texts = Vec::new();
    d.steps = Vec::new();
    d.deliveries = Vec::new();
    d.arrival = None;
    d.allowed_actions = Vec::new();
    d
}

/// What the audit log keeps of a document's summary: nothing for a secret one (the log is read
/// by auditors who need not know the secret; its number identifies it).
pub(crate) fn summary_for_log(
    confidentiality: Confidentiality,
    summary: &str,
) -> serde_json::Value {
    if is_secret(confidentiality) {
        serde_json::Value::Null
    } else {
        json!(summary)
    }
}

impl App {
    /// Whether (and why) the actor reads the document in full; `None`: a placeholder at most.
    pub(crate) async fn secret_entitlement(
        &self,
        actor: &Actor,
        row: &OfficeDocRow,
    ) -> AppResult<Option<Entitlement>> {
        if !is_secret(Confidentiality::parse(&row.confidentiality)?) {
            return Ok(Some(Entitlement::NotSecret));
        }
        let mut conn = self.db.pool().acquire().await.map_err(AppError::internal)?;
        entitlement_in(&mut conn, actor, row).await
    }

    /// The view of a list's row: in full for the entitled, else the placeholder.
    pub(crate) async fn list_view(
        &self,
        actor: &Actor,
        row: OfficeDocRow,
    ) -> AppResult<OfficeDocument> {
        let entitled = self.secret_entitlement(actor, &row).await?.is_some();
        let view = self.office_view(row, false).await?;
        Ok(if entitled { view } else { placeholder(view) })
    }

    /// The summary a queue shows of a document.
    pub(crate) async fn summary_for(&self, actor: &Actor, row: &OfficeDocRow) -> AppResult<String> {
        Ok(match self.secret_entitlement(actor, row).await? {
            Some(_) => row.summary.clone(),
            None => rules::PLACEHOLDER.to_string(),
        })
    }

    /// Records that the actor opened (`action`) a secret document; an ordinary one is not
    /// recorded. `every_time`: a download (each one is a copy); otherwise once per
    /// [`READ_LOG_WINDOW`].
    pub(crate) async fn record_secret_read(
        &self,
        actor: &Actor,
        row: &OfficeDocRow,
        action: &str,
        details: serde_json::Value,
        every_time: bool,
    ) -> AppResult<()> {
        let confidentiality = Confidentiality::parse(&row.confidentiality)?;
        if !is_secret(confidentiality) {
            return Ok(());
        }
        if !every_time {
            let window = chrono::Duration::from_std(READ_LOG_WINDOW).map_err(AppError::internal)?;
            let since = qltt_store::ts(self.now() - window);
            if access::read_recorded_since(self.db.pool(), &row.id, &actor.id, action, &since)
                .await?
            {
                return Ok(());
            }
        }
        let mut details = details;
        details["number"] = json!(row.number);
        details["seq"] = json!(row.seq);
        details["confidentiality"] = json!(row.confidentiality);
        let mut tx = self.db.begin(self.now()).await?;
        // A read changes nothing downstream (no outbox entry): the event is the record.
        qltt_store::audit::append(
            &mut tx,
            qltt_store::audit::AuditEntry {
                actor_id: &actor.id,
                action,
                entity_type: "office_document",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                details,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A secret document's row, if the actor sees it and may manage its access (a head or
    /// deputy of its register's scope), else 404 / 403 / 422.
    async fn grantable(&self, actor: &Actor, id: &str) -> AppResult<OfficeDocRow> {
        let row = store::get(self.db.pool(), id)
            .await?
            .ok_or_else(not_found)?;
        if !self.sees_document(actor, &row).await? {
            return Err(not_found());
        }
        if !actor.may(Permission::GrantSecretAccess) || !self.in_scope(actor, &row.unit_id).await? {
            return Err(AppError::forbidden());
        }
        rules::check_grantable(Confidentiality::parse(&row.confidentiality)?)?;
        Ok(row)
    }

    /// Who reads a secret document: for those who read it themselves.
    pub async fn office_access(&self, actor: &Actor, id: &str) -> AppResult<AccessList> {
        actor.require(Permission::ViewOfficeDocuments)?;
        let row = store::get(self.db.pool(), id)
            .await?
            .ok_or_else(not_found)?;
        if !self.sees_document(actor, &row).await? {
            return Err(not_found());
        }
        if self.secret_entitlement(actor, &row).await?.is_none() {
            return Err(restricted());
        }
        self.access_list(actor, &row).await
    }

    async fn access_list(&self, actor: &Actor, row: &OfficeDocRow) -> AppResult<AccessList> {
        let confidentiality = Confidentiality::parse(&row.confidentiality)?;
        rules::check_grantable(confidentiality)?;
        let pool = self.db.pool();
        let grants: Vec<Grant> = access::grants(pool, &row.id)
            .await?
            .into_iter()
            .map(|row| Grant {
                granted_at_text: instant_text(&row.granted_at),
                revoked_at_text: row.revoked_at.as_deref().map(instant_text),
                row,
            })
            .collect();
        let mut named = Vec::new();
        for user_id in access::readers(pool, &row.id).await? {
            if grants
                .iter()
                .any(|g| g.row.user_id == user_id && g.row.revoked_at.is_none())
            {
                continue;
            }
            named.push(Reader {
                name: self.officer_label(&user_id).await?,
                user_id,
            });
        }
        let unit = self.unit_name(&row.unit_id).await?.unwrap_or_default();
        let mut by_office = format!("Lãnh đạo và văn thư sổ mật của {unit} và các cấp trên");
        if let Some(u) = &row.assigned_unit_id {
            let name = self.unit_name(u).await?.unwrap_or_default();
            by_office.push_str(&format!("; lãnh đạo của {name} (đơn vị được giao xử lý)"));
        }
        let may_grant =
            actor.may(Permission::GrantSecretAccess) && self.in_scope(actor, &row.unit_id).await?;
        let openings =
            if actor.may(Permission::ViewAudit) && self.in_scope(actor, &row.unit_id).await? {
                access::openings(pool, &row.id, OPENINGS_SHOWN)
                    .await?
                    .into_iter()
                    .map(|o| Opening {
                        action_label: match o.action.as_str() {
                            "office_document.secret_text_read" => "Đọc nội dung chữ",
                            "office_document.secret_file_read" => "Tải tệp",
                            _ => "Mở văn bản",
                        }
                        .to_string(),
                        at_text: instant_text(&o.at),
                        row: o,
                    })
                    .collect()
            } else {
                Vec::new()
            };
        Ok(AccessList {
            document_id: row.id.clone(),
            confidentiality_label: confidentiality.label().to_string(),
            by_office,
            named,
            grants,
            may_grant,
            openings,
        })
    }

    /// Gives one officer of the leader's scope access to one secret document (a head or deputy
    /// of its register's scope). Audited; the document is indexed again so they find it.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id, document_id = %id))]
    pub async fn grant_secret_access(
        &self,
        actor: &Actor,
        id: &str,
        input: GrantInput,
    ) -> AppResult<AccessList> {
        let row = self.grantable(actor, id).await?;
        let reason = rules::grant_reason(&input.reason)?;
        let mut tx = self.db.begin(self.now()).await?;
        let grantee = users::get_in(tx.conn(), input.user_id.trim()).await?;
        let grantee = match grantee {
            Some(u)
                if u.active != 0
                    && units::in_subtree(tx.conn(), &actor.unit_id, &u.unit_id).await? =>
            {
                u
            }
            _ => {
                return Err(AppError::bad_input(
                    "office.unknown_officer",
                    "Công chức không tồn tại, đã nghỉ, hoặc ngoài phạm vi của bạn.",
                ));
            }
        };
        if !access::grant(&mut tx, &row.id, &grantee.id, &reason, &actor.id).await? {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "office.already_granted",
                "Công chức này đã được cho phép xem văn bản.",
            ));
        }
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "office_document.grant_access",
                entity_type: "office_document",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "office_document.changed",
                details: json!({"user_id": grantee.id, "reason": reason, "number": row.number,
                    "confidentiality": row.confidentiality}),
            },
        )
        .await?;
        tx.commit().await?;
        self.access_list(actor, &row).await
    }

    /// Takes back an officer's access (same leaders as a grant). Audited.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.id, document_id = %id))]
    pub async fn revoke_secret_access(
        &self,
        actor: &Actor,
        id: &str,
        user_id: &str,
    ) -> AppResult<AccessList> {
        let row = self.grantable(actor, id).await?;
        let mut tx = self.db.begin(self.now()).await?;
        if !access::revoke(&mut tx, &row.id, user_id.trim(), &actor.id).await? {
            return Err(AppError::not_found("office.grant_not_found"));
        }
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "office_document.revoke_access",
                entity_type: "office_document",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "office_document.changed",
                details: json!({"user_id": user_id.trim(), "number": row.number}),
            },
        )
        .await?;
        tx.commit().await?;
        self.access_list(actor, &row).await
    }
}
