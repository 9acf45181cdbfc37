//! Commitments (cam kết): campaigns in which businesses sign a commitment not to trade counterfeit,
//! smuggled or unknown-origin goods; the signatures per team; the flag on a case whose business
//! had a commitment in force on the day of the act.
//!
//! Who: leaders (admin, unit head, deputy, team leader: `RunCommitmentCampaigns`) open a campaign
//! for their unit or a unit below it; those and the inspectors (`ManageCommitments`) record a
//! signature or a withdrawal. Where: a campaign is seen by the officers of the unit that runs it,
//! of the units above (they oversee it) and of the units below (they take part); each sees only
//! the commitments of businesses of its own scope. A commitment holds from the day it was signed
//! until the campaign's last day (none: open-ended) or the day it was withdrawn.

pub mod rules;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use qltt_domain::format::legal_day;
use qltt_domain::officer::Permission;
use qltt_domain::text::{bounded, bounded_text};
use qltt_store::commitments::{self as store, CampaignRow, CommitmentRow};
use qltt_store::{StoreError, businesses, units};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::{Actor, App, AppError, AppResult, ErrorKind};
pub use rules::in_force_on;

/// A new campaign.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    /// The unit that runs it (the caller's unit or one below it); its subtree takes part.
    pub unit_id: String,
    pub name: String,
    /// The text of the commitment the businesses sign.
    pub content: String,
    /// YYYY-MM-DD (or dd/mm/yyyy)
    pub starts_on: String,
    /// YYYY-MM-DD (or dd/mm/yyyy), inclusive; absent: open-ended.
    pub ends_on: Option<String>,
}

/// A business's signed commitment, as the officer who collected it records it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentInput {
    pub business_id: String,
    /// YYYY-MM-DD (or dd/mm/yyyy): not in the future, within the campaign's period.
    pub signed_on: String,
    /// The business's representative who signed.
    pub signed_by_name: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawInput {
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Campaign {
    #[serde(flatten)]
    pub row: CampaignRow,
    pub unit_name: String,
    /// Businesses of the caller's scope whose commitment is in force (not withdrawn).
    pub signed: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CampaignPage {
    pub items: Vec<Campaign>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Commitment {
    #[serde(flatten)]
    pub row: CommitmentRow,
    /// The name of the business's unit (its team).
    pub unit_name: String,
    pub officer_name: String,
    /// Not withdrawn.
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TeamCount {
    pub unit_id: String,
    pub unit_name: String,
    /// Commitments in force.
    pub signed: i64,
    pub withdrawn: i64,
}

/// A campaign with the commitments of the caller's scope (the latest
/// [`MAX_LISTED`], newest signature first) and the counts per team (all of them).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CampaignDetail {
    #[serde(flatten)]
    pub campaign: Campaign,
    pub teams: Vec<TeamCount>,
    pub commitments: Vec<Commitment>,
}

/// On a case: the business had signed a commitment in force on the day of the act.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CommitmentFlag {
    pub commitment_id: String,
    pub campaign_id: String,
    pub campaign_name: String,
    /// YYYY-MM-DD
    pub signed_on: String,
}

/// How many commitments a campaign's page lists.
pub const MAX_LISTED: i64 = 500;

fn date_text(raw: &str) -> String {
    qltt_domain::format::parse_date(raw)
        .map(qltt_domain::format::format_date)
        .unwrap_or_else(|| raw.to_string())
}

impl Campaign {
    /// "01/03/2026 – 31/03/2026", or "từ 01/03/2026" when open-ended (for pages).
    pub fn period_text(&self) -> String {
        match &self.row.ends_on {
            Some(e) => format!("{} – {}", date_text(&self.row.starts_on), date_text(e)),
            None => format!("từ {}", date_text(&self.row.starts_on)),
        }
    }
}

impl Commitment {
    /// The day of signing as dd/mm/yyyy (for pages).
    pub fn signed_on_text(&self) -> String {
        date_text(&self.row.signed_on)
    }

    /// The day of the withdrawal in Vietnam as dd/mm/yyyy, if withdrawn (for pages).
    pub fn withdrawn_on_text(&self) -> String {
        self.row
            .withdrawn_at
            .as_deref()
            .and_then(|w| qltt_store::parse_ts(w).ok())
            .map(|t| qltt_domain::format::format_date(legal_day(t)))
            .unwrap_or_default()
    }
}

impl CommitmentFlag {
    /// The day of signing as dd/mm/yyyy (for pages).
    pub fn signed_on_text(&self) -> String {
        date_text(&self.signed_on)
    }
}

fn campaign_not_found() -> AppError {
    AppError::not_found("commitment.campaign_not_found")
}

fn not_found() -> AppError {
    AppError::not_found("commitment.not_found")
}

fn unknown_business() -> AppError {
    AppError::bad_input(
        "commitment.unknown_business",
        "Cơ sở kinh doanh không tồn tại (hoặc ngoài phạm vi của bạn).",
    )
}

/// The day a case's act is judged on: the violation record's date if one was made, else today.
/// The flag from a business's commitments, newest signature first: the first in force on `on`.
pub fn flag_of(commitments: &[CommitmentRow], on: NaiveDate) -> Option<CommitmentFlag> {
    commitments
        .iter()
        .find(|c| in_force_on(c, on))
        .map(|c| CommitmentFlag {
            commitment_id: c.id.clone(),
            campaign_id: c.campaign_id.clone(),
            campaign_name: c.campaign_name.clone(),
            signed_on: c.signed_on.clone(),
        })
}

pub fn act_day(data: &Value, now: DateTime<Utc>) -> NaiveDate {
    data.pointer("/record_violation/recorded_on")
        .and_then(Value::as_str)
        .and_then(qltt_domain::format::parse_date)
        .unwrap_or_else(|| legal_day(now))
}

impl App {
    /// Whether the actor sees the campaign: it is run in their subtree, or by a unit above theirs.
    async fn sees_campaign(&self, actor: &Actor, c: &CampaignRow) -> AppResult<bool> {
        let mut conn = self.db.pool().acquire().await.map_err(AppError::internal)?;
        Ok(
            units::in_subtree(&mut conn, &actor.unit_id, &c.unit_id).await?
                || units::in_subtree(&mut conn, &c.unit_id, &actor.unit_id).await?,
        )
    }

    async fn visible_campaign(&self, actor: &Actor, id: &str) -> AppResult<CampaignRow> {
        actor.require(Permission::ViewBusinesses)?;
        let c = store::campaign(self.db.pool(), id)
            .await?
            .ok_or_else(campaign_not_found)?;
        if !self.sees_campaign(actor, &c).await? {
            return Err(campaign_not_found());
        }
        Ok(c)
    }

    async fn campaign_view(&self, actor: &Actor, row: CampaignRow) -> AppResult<Campaign> {
        let unit_name = self.unit_name(&row.unit_id).await?.unwrap_or_default();
        let signed = store::team_counts(self.db.pool(), &actor.unit_id, &row.id)
            .await?
            .iter()
            .map(|t| t.signed)
            .sum();
        Ok(Campaign {
            row,
            unit_name,
            signed,
        })
    }

    async fn commitment_views(&self, rows: Vec<CommitmentRow>) -> AppResult<Vec<Commitment>> {
        let mut units: HashMap<String, String> = HashMap::new();
        let mut officers: HashMap<String, String> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            if !units.contains_key(&row.business_unit_id) {
                let name = self
                    .unit_name(&row.business_unit_id)
                    .await?
                    .unwrap_or_default();
                units.insert(row.business_unit_id.clone(), name);
            }
            if !officers.contains_key(&row.officer_id) {
                let name = self.officer_label(&row.officer_id).await?;
                officers.insert(row.officer_id.clone(), name);
            }
            out.push(Commitment {
                unit_name: units
                    .get(&row.business_unit_id)
                    .cloned()
                    .unwrap_or_default(),
                officer_name: officers.get(&row.officer_id).cloned().unwrap_or_default(),
                active: row.withdrawn_at.is_none(),
                row,
            });
        }
        Ok(out)
    }

    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id))]
    pub async fn create_commitment_campaign(
        &self,
        actor: &Actor,
        input: CampaignInput,
    ) -> AppResult<Campaign> {
        actor.require(Permission::RunCommitmentCampaigns)?;
        let name = bounded("name", &input.name, 300, true)?;
        let content = bounded_text("content", &input.content, 5000, true)?;
        let (starts_on, ends_on) = rules::period(&input.starts_on, input.ends_on.as_deref())?;
        let mut tx = self.db.begin(self.now()).await?;
        let unit = units::get_in(tx.conn(), input.unit_id.trim())
            .await?
            .ok_or_else(|| {
                AppError::bad_input("commitment.unknown_unit", "Đơn vị không tồn tại.")
            })?;
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
        let starts = rules::day(starts_on);
        let ends = ends_on.map(rules::day);
        let row = store::insert_campaign(
            &mut tx,
            &store::NewCampaign {
                unit_id: &unit.id,
                name: &name,
                content: &content,
                starts_on: &starts,
                ends_on: ends.as_deref(),
                created_by: &actor.id,
            },
        )
        .await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "commitment_campaign.create",
                entity_type: "commitment_campaign",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "commitment.changed",
                details: json!({"name": row.name, "starts_on": row.starts_on, "ends_on": row.ends_on}),
            },
        )
        .await?;
        tx.commit().await?;
        self.campaign_view(actor, row).await
    }

    /// The campaigns the actor sees, newest start first; `cursor` is the last item's
    /// `starts_on|id`.
    pub async fn list_commitment_campaigns(
        &self,
        actor: &Actor,
        cursor: Option<&str>,
        limit: i64,
    ) -> AppResult<CampaignPage> {
        actor.require(Permission::ViewBusinesses)?;
        let limit = limit.clamp(1, 200);
        let before = cursor.and_then(|c| c.split_once('|'));
        let rows =
            store::visible_campaigns(self.db.pool(), &actor.unit_id, before, limit + 1).await?;
        let more = rows.len() as i64 > limit;
        let mut items = Vec::new();
        for row in rows.into_iter().take(limit as usize) {
            items.push(self.campaign_view(actor, row).await?);
        }
        let next_cursor = if more {
            items
                .last()
                .map(|c| format!("{}|{}", c.row.starts_on, c.row.id))
        } else {
            None
        };
        Ok(CampaignPage { items, next_cursor })
    }

    /// A campaign with its commitments and counts per team, both limited to the actor's scope.
    pub async fn commitment_campaign(&self, actor: &Actor, id: &str) -> AppResult<CampaignDetail> {
        let row = self.visible_campaign(actor, id).await?;
        let pool = self.db.pool();
        let counts = store::team_counts(pool, &actor.unit_id, &row.id).await?;
        let mut teams = Vec::with_capacity(counts.len());
        for t in counts {
            teams.push(TeamCount {
                unit_name: self.unit_name(&t.unit_id).await?.unwrap_or_default(),
                unit_id: t.unit_id,
                signed: t.signed,
                withdrawn: t.withdrawn,
            });
        }
        teams.sort_by(|a, b| a.unit_name.cmp(&b.unit_name));
        let rows = store::of_campaign(pool, &actor.unit_id, &row.id, MAX_LISTED).await?;
        let commitments = self.commitment_views(rows).await?;
        let campaign = Campaign {
            unit_name: self.unit_name(&row.unit_id).await?.unwrap_or_default(),
            signed: teams.iter().map(|t| t.signed).sum(),
            row,
        };
        Ok(CampaignDetail {
            campaign,
            teams,
            commitments,
        })
    }

    /// Records a business's signed commitment in a campaign. A merged record's commitment goes to
    /// the record that stayed. Recording again a business that already signed returns its
    /// commitment unchanged (`false`: nothing new); one that withdrew cannot sign again in the
    /// same campaign (`commitment.withdrawn`).
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id))]
    pub async fn record_commitment(
        &self,
        actor: &Actor,
        campaign_id: &str,
        input: CommitmentInput,
    ) -> AppResult<(Commitment, bool)> {
        actor.require(Permission::ManageCommitments)?;
        let campaign = self.visible_campaign(actor, campaign_id).await?;
        let signed_by_name = bounded("signed_by_name", &input.signed_by_name, 120, true)?;
        let note = bounded_text("note", &input.note, 2000, false)?;
        let today = legal_day(self.now());
        let signed_on = rules::signed_on(&input.signed_on, today, &campaign)?;
        let mut tx = self.db.begin(self.now()).await?;
        let live = businesses::survivor_of_in(tx.conn(), input.business_id.trim())
            .await?
            .ok_or_else(unknown_business)?;
        let business = businesses::get_in(tx.conn(), &live)
            .await?
            .ok_or_else(unknown_business)?;
        if !units::in_subtree(tx.conn(), &actor.unit_id, &business.unit_id).await? {
            return Err(unknown_business());
        }
        if !units::in_subtree(tx.conn(), &campaign.unit_id, &business.unit_id).await? {
            return Err(AppError::new(
                ErrorKind::Refused,
                "commitment.business_outside_campaign",
                "Cơ sở này không thuộc địa bàn tham gia đợt ký cam kết (đơn vị tổ chức và các đơn vị trực thuộc).",
            ));
        }
        if let Some(existing) =
            store::of_business_in_campaign(tx.conn(), &campaign.id, &business.id).await?
        {
            tx.rollback().await?;
            return self.existing(existing).await;
        }
        let day = rules::day(signed_on);
        let inserted = store::insert(
            &mut tx,
            &store::NewCommitment {
                campaign_id: &campaign.id,
                business_id: &business.id,
                signed_on: &day,
                signed_by_name: &signed_by_name,
                officer_id: &actor.id,
                note: &note,
            },
        )
        .await;
        let row = match inserted {
            Ok(row) => row,
            // Another officer recorded the same signature a moment ago.
            Err(StoreError::Conflict(_)) => {
                drop(tx);
                let mut conn = self.db.pool().acquire().await.map_err(AppError::internal)?;
                let existing =
                    store::of_business_in_campaign(&mut conn, &campaign.id, &business.id)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                drop(conn);
                return self.existing(existing).await;
            }
            Err(e) => return Err(e.into()),
        };
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "commitment.sign",
                entity_type: "commitment",
                entity_id: &row.id,
                unit_id: &business.unit_id,
                topic: "commitment.changed",
                details: json!({
                    "campaign_id": campaign.id,
                    "campaign_name": campaign.name,
                    "business_id": business.id,
                    "business_name": business.name,
                    "signed_on": row.signed_on,
                    "signed_by_name": row.signed_by_name,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        let view = self.commitment_views(vec![row]).await?;
        view.into_iter()
            .next()
            .map(|c| (c, true))
            .ok_or_else(|| StoreError::NotFound.into())
    }

    async fn existing(&self, row: CommitmentRow) -> AppResult<(Commitment, bool)> {
        if row.withdrawn_at.is_some() {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "commitment.withdrawn",
                "Cơ sở đã rút cam kết trong đợt này; không ghi nhận ký lại trong cùng đợt.",
            ));
        }
        let view = self.commitment_views(vec![row]).await?;
        view.into_iter()
            .next()
            .map(|c| (c, false))
            .ok_or_else(|| StoreError::NotFound.into())
    }

    /// Records that a business withdrew its commitment (the row is kept, marked withdrawn).
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id))]
    pub async fn withdraw_commitment(
        &self,
        actor: &Actor,
        id: &str,
        input: WithdrawInput,
    ) -> AppResult<Commitment> {
        actor.require(Permission::ManageCommitments)?;
        let reason = bounded_text("reason", &input.reason, 2000, true)?;
        let mut tx = self.db.begin(self.now()).await?;
        let row = store::get_in(tx.conn(), id).await?.ok_or_else(not_found)?;
        if !units::in_subtree(tx.conn(), &actor.unit_id, &row.business_unit_id).await? {
            return Err(not_found());
        }
        if !store::withdraw(&mut tx, id, &actor.id, &reason).await? {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "commitment.already_withdrawn",
                "Cam kết này đã được ghi nhận rút trước đó.",
            ));
        }
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "commitment.withdraw",
                entity_type: "commitment",
                entity_id: &row.id,
                unit_id: &row.business_unit_id,
                topic: "commitment.changed",
                details: json!({
                    "campaign_id": row.campaign_id,
                    "business_id": row.business_id,
                    "business_name": row.business_name,
                    "reason": reason,
                }),
            },
        )
        .await?;
        let after = store::get_in(tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        let view = self.commitment_views(vec![after]).await?;
        view.into_iter()
            .next()
            .ok_or_else(|| StoreError::NotFound.into())
    }

    /// A business's commitments (incl. those signed on duplicates merged into it), for its page.
    pub async fn commitments_of_business(
        &self,
        actor: &Actor,
        business_id: &str,
    ) -> AppResult<Vec<Commitment>> {
        let b = self.business(actor, business_id).await?;
        let rows = store::of_business(self.db.pool(), &b.row.id).await?;
        self.commitment_views(rows).await
    }
}
