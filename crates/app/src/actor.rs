//! Who is acting: the signed-in officer, their roles and their scope (home unit subtree).

use qltt_domain::officer::{Permission, Role, roles_grant};
use qltt_store::units;
use serde::Serialize;

use crate::{App, AppError, AppResult};

#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub id: String,
    pub username: String,
    pub full_name: String,
    pub unit_id: String,
    pub roles: Vec<Role>,
    /// The token this request was authenticated with (to sign out exactly this session).
    #[serde(skip)]
    pub token_id: String,
    /// Page sessions carry a CSRF token; bearer tokens do not need one.
    #[serde(skip)]
    pub csrf: Option<String>,
}

impl Actor {
    pub fn may(&self, permission: Permission) -> bool {
        roles_grant(&self.roles, permission)
    }

    pub fn require(&self, permission: Permission) -> AppResult<()> {
        if self.may(permission) {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }

    /// The system itself (bootstrap, demo data, migrations of data). Never authenticated by a
    /// request.
    pub fn system(root_unit_id: &str) -> Actor {
        Actor {
            id: "system".into(),
            username: "system".into(),
            full_name: "Hệ thống".into(),
            unit_id: root_unit_id.into(),
            roles: vec![Role::Admin],
            token_id: String::new(),
            csrf: None,
        }
    }
}

impl App {
    /// Whether `unit_id` is in the actor's scope (the subtree of their home unit, including units
    /// merged into it).
    pub async fn in_scope(&self, actor: &Actor, unit_id: &str) -> AppResult<bool> {
        let mut conn = self.db.pool().acquire().await.map_err(AppError::internal)?;
        Ok(units::in_subtree(&mut conn, &actor.unit_id, unit_id).await?)
    }

    /// Refuses (403) a write aimed at a unit outside the actor's scope.
    pub async fn require_scope(&self, actor: &Actor, unit_id: &str) -> AppResult<()> {
        if self.in_scope(actor, unit_id).await? {
            Ok(())
        } else {
            Err(AppError::forbidden_scope())
        }
    }
}
