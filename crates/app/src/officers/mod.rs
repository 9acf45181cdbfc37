//! Use cases for officers: list, view, create, deactivate and reactivate.

use qltt_domain::officer::{
    Permission, Rank, Role, Username, check_password, check_role_grant, full_name, parse_roles,
};
use qltt_store::users::{self, UserRow};
use qltt_store::{StoreError, auth, units};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::password::hash_password;
use crate::{Actor, App, AppError, AppResult, ErrorKind};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOfficerInput {
    pub username: String,
    pub full_name: String,
    pub password: SecretString,
    pub unit_id: String,
    pub roles: Vec<String>,
    pub rank: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Officer {
    pub id: String,
    pub username: String,
    pub full_name: String,
    pub unit_id: String,
    pub unit_name: String,
    #[schema(value_type = Vec<String>)]
    pub roles: Vec<Role>,
    pub rank: Option<String>,
    pub active: bool,
    pub created_at: String,
}

pub struct OfficerPage {
    pub items: Vec<Officer>,
    /// Pass back as `cursor` to get the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

impl App {
    async fn officer_view(&self, u: UserRow) -> AppResult<Officer> {
        let unit_name = units::get(self.db.pool(), &u.unit_id)
            .await?
            .map(|x| x.name)
            .unwrap_or_default();
        let roles = users::roles(self.db.pool(), &u.id)
            .await?
            .iter()
            .filter_map(|r| Role::parse(r).ok())
            .collect();
        Ok(Officer {
            id: u.id,
            username: u.username,
            full_name: u.full_name,
            unit_id: u.unit_id,
            unit_name,
            roles,
            rank: u.rank,
            active: u.active != 0,
            created_at: u.created_at,
        })
    }

    pub async fn officers(
        &self,
        actor: &Actor,
        unit_filter: Option<&str>,
        cursor: Option<&str>,
        limit: i64,
    ) -> AppResult<OfficerPage> {
        actor.require(Permission::ViewOfficers)?;
        let limit = limit.clamp(1, 200);
        let rows = users::list_in_scope(
            self.db.pool(),
            &actor.unit_id,
            unit_filter,
            cursor.unwrap_or(""),
            limit + 1,
        )
        .await?;
        let more = rows.len() as i64 > limit;
        let mut items = Vec::new();
        for u in rows.into_iter().take(limit as usize) {
            items.push(self.officer_view(u).await?);
        }
        let next_cursor = if more {
            items.last().map(|o| o.username.clone())
        } else {
            None
        };
        Ok(OfficerPage { items, next_cursor })
    }

    pub async fn officer_count(&self, actor: &Actor) -> AppResult<i64> {
        actor.require(Permission::ViewOfficers)?;
        Ok(users::count_in_scope(self.db.pool(), &actor.unit_id).await?)
    }

    /// One officer; outside the actor's scope it is "not found".
    pub async fn officer(&self, actor: &Actor, id: &str) -> AppResult<Officer> {
        if id != actor.id {
            actor.require(Permission::ViewOfficers)?;
        }
        let u = users::get(self.db.pool(), id)
            .await?
            .ok_or_else(|| AppError::not_found("officer.not_found"))?;
        if !self.in_scope(actor, &u.unit_id).await? {
            return Err(AppError::not_found("officer.not_found"));
        }
        self.officer_view(u).await
    }

    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id))]
    pub async fn create_officer(
        &self,
        actor: &Actor,
        input: NewOfficerInput,
    ) -> AppResult<Officer> {
        actor.require(Permission::ManageOfficers)?;
        let username = Username::parse(&input.username)?;
        let name = full_name(&input.full_name)?;
        let roles = parse_roles(&input.roles)?;
        check_role_grant(&actor.roles, &roles)?;
        let rank = match input.rank.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(r) => Some(Rank::parse(r)?),
        };
        {
            use secrecy::ExposeSecret;
            check_password(input.password.expose_secret())?;
        }
        let hash = hash_password(input.password.clone()).await?;
        self.insert_officer(actor, &input, username, name, roles, rank, &hash)
            .await
    }

    /// The write half of [`App::create_officer`], for callers that already hold a hash (demo data
    /// shares one hash among its officers so start-up stays fast).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn insert_officer(
        &self,
        actor: &Actor,
        input: &NewOfficerInput,
        username: Username,
        name: String,
        roles: Vec<Role>,
        rank: Option<Rank>,
        hash: &str,
    ) -> AppResult<Officer> {
        let mut tx = self.db.begin(self.now()).await?;
        let unit = units::get_in(tx.conn(), &input.unit_id)
            .await?
            .ok_or_else(|| AppError::bad_input("officer.unknown_unit", "Đơn vị không tồn tại."))?;
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
        let role_names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        let user = users::insert(
            &mut tx,
            users::NewUser {
                username: username.as_str(),
                full_name: &name,
                password_hash: hash,
                unit_id: &unit.id,
                rank: rank.map(|r| r.as_str()),
                roles: &role_names,
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => AppError::new(
                ErrorKind::Conflict,
                "officer.username_taken",
                format!("Tên đăng nhập {} đã được dùng.", username.as_str()),
            ),
            other => other.into(),
        })?;
        let details = json!({
            "username": user.username, "full_name": user.full_name, "unit_id": user.unit_id,
            "roles": role_names, "rank": user.rank,
        });
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "officer.create",
                entity_type: "officer",
                entity_id: &user.id,
                unit_id: &user.unit_id,
                topic: "officer.changed",
                details,
            },
        )
        .await?;
        tx.commit().await?;
        self.officer_view(user).await
    }

    /// Deactivates (or reactivates) an officer. Nothing is deleted: their records and audit trail
    /// stay; their tokens are revoked at once.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.id))]
    pub async fn set_officer_active(
        &self,
        actor: &Actor,
        id: &str,
        active: bool,
    ) -> AppResult<Officer> {
        actor.require(Permission::ManageOfficers)?;
        if id == actor.id {
            return Err(AppError::new(
                ErrorKind::Refused,
                "officer.self_deactivation",
                "Không thể tự khóa tài khoản của mình.",
            ));
        }
        let mut tx = self.db.begin(self.now()).await?;
        let user = users::get_in(tx.conn(), id)
            .await?
            .ok_or_else(|| AppError::not_found("officer.not_found"))?;
        if !units::in_subtree(tx.conn(), &actor.unit_id, &user.unit_id).await? {
            return Err(AppError::not_found("officer.not_found"));
        }
        let target_roles = users::roles_in(tx.conn(), &user.id).await?;
        let target_roles: Vec<Role> = target_roles
            .iter()
            .filter_map(|r| Role::parse(r).ok())
            .collect();
        // Nobody locks out (or lets back in) an officer with oversight powers they lack themselves.
        if !qltt_domain::officer::covers(&actor.roles, &target_roles) {
            return Err(AppError::forbidden());
        }
        if user.is_active() == active {
            tx.rollback().await?;
            return self.officer_view(user).await;
        }
        users::set_active(&mut tx, &user.id, active).await?;
        let revoked = if active {
            0
        } else {
            auth::revoke_all_for_user(&mut tx, &user.id).await?
        };
        let details = json!({"active": active, "revoked_tokens": revoked});
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: if active {
                    "officer.reactivate"
                } else {
                    "officer.deactivate"
                },
                entity_type: "officer",
                entity_id: &user.id,
                unit_id: &user.unit_id,
                topic: "officer.changed",
                details,
            },
        )
        .await?;
        let updated = users::get_in(tx.conn(), &user.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        self.officer_view(updated).await
    }
}
