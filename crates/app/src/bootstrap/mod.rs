//! First start: the national unit and the `admin` account on an empty database, then (unless
//! `--no-demo`) a demo organisation with one officer per role.

pub mod demo;
mod demo_cases;
pub mod scale;

use qltt_domain::officer::{Role, Username};
use qltt_store::units;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

use crate::officers::NewOfficerInput;
use crate::org::NewUnitInput;
use crate::{Actor, App, AppError, AppResult};

/// Code and name of the root unit created on an empty database. Since 2025 the national role of
/// the former Tổng cục QLTT belongs to a department of the Ministry of Industry and Trade.
pub const ROOT_CODE: &str = "TW";
pub const ROOT_NAME: &str = "Cục Quản lý và Phát triển thị trường trong nước";

pub struct Bootstrap {
    /// Set when this start created the `admin` account.
    pub admin_created: bool,
    /// A generated password, to print once (when `QLTT_ADMIN_PASSWORD` was not given).
    pub generated_password: Option<String>,
}

fn random_password() -> String {
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

impl App {
    /// The root unit, or an error if the database was never bootstrapped.
    pub async fn root_unit(&self) -> AppResult<units::UnitRow> {
        units::root(self.db.pool())
            .await?
            .ok_or_else(|| AppError::internal("database has no root unit"))
    }

    /// The system actor (full scope) for operator commands and start-up work.
    pub async fn system_actor(&self) -> AppResult<Actor> {
        Ok(Actor::system(&self.root_unit().await?.id))
    }

    /// Creates the root unit and the `admin` account when the database has none.
    pub async fn bootstrap(&self, admin_password: Option<SecretString>) -> AppResult<Bootstrap> {
        if units::root(self.db.pool()).await?.is_none() {
            let system = Actor::system("");
            self.create_unit(
                &system,
                NewUnitInput {
                    name: ROOT_NAME.into(),
                    code: ROOT_CODE.into(),
                    kind: "national_unit".into(),
                    parent_id: None,
                },
            )
            .await?;
        }
        self.load_reference_data().await?;
        if qltt_store::users::count(self.db.pool()).await? > 0 {
            return Ok(Bootstrap {
                admin_created: false,
                generated_password: None,
            });
        }
        let (password, generated) = match admin_password {
            Some(p) if !p.expose_secret().is_empty() => (p, None),
            _ => {
                let p = random_password();
                (SecretString::from(p.clone()), Some(p))
            }
        };
        let system = self.system_actor().await?;
        let root = self.root_unit().await?;
        let input = NewOfficerInput {
            username: "admin".into(),
            full_name: "Quản trị hệ thống".into(),
            password,
            unit_id: root.id,
            roles: vec![Role::Admin.as_str().into()],
            rank: None,
        };
        // The operator chose this password; the length rule applies to it like to any other.
        self.create_officer(&system, input).await?;
        Ok(Bootstrap {
            admin_created: true,
            generated_password: generated,
        })
    }

    /// The law's reference data every start brings up to date: the violation catalogue of this
    /// release and the statutory holidays of this year and the next (each year seeded once).
    pub async fn load_reference_data(&self) -> AppResult<()> {
        use chrono::Datelike;
        let sync = self.sync_violation_catalogue().await?;
        if sync.inserted + sync.updated > 0 {
            tracing::info!(
                inserted = sync.inserted,
                updated = sync.updated,
                "violation catalogue updated"
            );
        }
        let year = qltt_domain::format::legal_day(self.now()).year();
        self.seed_calendar(&[year, year + 1]).await?;
        Ok(())
    }

    /// Operator bootstrap: `qltt user create`.
    pub async fn create_user_by_operator(
        &self,
        username: &str,
        unit_code: &str,
        role: &str,
        full_name: Option<&str>,
        password: SecretString,
    ) -> AppResult<crate::officers::Officer> {
        let unit = units::get_by_code(self.db.pool(), &unit_code.trim().to_uppercase())
            .await?
            .ok_or_else(|| {
                AppError::bad_input(
                    "officer.unknown_unit",
                    format!("Không có đơn vị mã {unit_code}."),
                )
            })?;
        let system = self.system_actor().await?;
        let username = Username::parse(username)?;
        let input = NewOfficerInput {
            full_name: full_name.unwrap_or(username.as_str()).to_string(),
            username: username.as_str().to_string(),
            password,
            unit_id: unit.id,
            roles: vec![role.to_string()],
            rank: None,
        };
        self.create_officer(&system, input).await
    }
}
