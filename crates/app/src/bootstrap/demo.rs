//! Demo organisation for a first start: Chi cục QLTT Quảng Ninh with its teams (one of them with a
//! work group on Cô Tô island), Chi cục QLTT Bắc Ninh, and Chi cục QLTT Bắc Giang merged into Bắc
//! Ninh as in the 2025 reform, with one officer per role. The names are illustrative.

use qltt_domain::officer::{Rank, Role, Username};
use qltt_store::units;
use secrecy::SecretString;

use crate::auth::password::hash_password;
use crate::officers::NewOfficerInput;
use crate::org::NewUnitInput;
use crate::{App, AppError, AppResult};

/// Every demo account signs in with this password (printed at start-up).
pub const DEMO_PASSWORD: &str = "qltt-demo-2026";

/// (code, parent code, kind, name)
const UNITS: &[(&str, &str, &str, &str)] = &[
    (
        "QN",
        "TW",
        "provincial_unit",
        "Chi cục Quản lý thị trường tỉnh Quảng Ninh",
    ),
    ("QN-D1", "QN", "team", "Đội Quản lý thị trường số 1"),
    ("QN-D2", "QN", "team", "Đội Quản lý thị trường số 2"),
    ("QN-D3", "QN", "team", "Đội Quản lý thị trường số 3"),
    ("QN-D4", "QN", "team", "Đội Quản lý thị trường số 4"),
    ("QN-CD", "QN", "team", "Đội Quản lý thị trường cơ động"),
    ("QN-D4-CT", "QN-D4", "work_group", "Tổ công tác đảo Cô Tô"),
    (
        "BN",
        "TW",
        "provincial_unit",
        "Chi cục Quản lý thị trường tỉnh Bắc Ninh",
    ),
    (
        "BN-D1",
        "BN",
        "team",
        "Đội Quản lý thị trường số 1 (Bắc Ninh)",
    ),
    (
        "BN-D2",
        "BN",
        "team",
        "Đội Quản lý thị trường số 2 (Bắc Ninh)",
    ),
    (
        "BG",
        "TW",
        "provincial_unit",
        "Chi cục Quản lý thị trường tỉnh Bắc Giang",
    ),
    (
        "BG-D1",
        "BG",
        "team",
        "Đội Quản lý thị trường số 1 (Bắc Giang)",
    ),
];

/// (username, full name, unit code, role, rank)
const OFFICERS: &[(&str, &str, &str, Role, Option<Rank>)] = &[
    ("qn.quantri", "Phạm Quốc Huy", "QN", Role::Admin, None),
    (
        "qn.chicuctruong",
        "Nguyễn Văn Thành",
        "QN",
        Role::UnitHead,
        Some(Rank::KsvCaoCap),
    ),
    (
        "qn.phochicuc",
        "Trần Thị Lan",
        "QN",
        Role::DeputyUnitHead,
        Some(Rank::KsvChinh),
    ),
    (
        "qn.doitruong1",
        "Lê Minh Tuấn",
        "QN-D1",
        Role::TeamLeader,
        Some(Rank::KsvChinh),
    ),
    (
        "qn.ksv1",
        "Hoàng Thị Mai",
        "QN-D1",
        Role::Inspector,
        Some(Rank::Ksv),
    ),
    (
        "qn.coto",
        "Vũ Đức Hải",
        "QN-D4-CT",
        Role::Inspector,
        Some(Rank::Ksv),
    ),
    (
        "qn.thukho",
        "Đặng Văn Bình",
        "QN",
        Role::WarehouseKeeper,
        None,
    ),
    ("qn.vanthu", "Bùi Thị Hoa", "QN", Role::Clerk, None),
    ("qn.ketoan", "Đỗ Thị Hằng", "QN", Role::Accountant, None),
    ("qn.tochuc", "Ngô Văn Long", "QN", Role::HrOfficer, None),
    ("qn.xem", "Lý Thị Thu", "QN", Role::Viewer, None),
    (
        "bn.chicuctruong",
        "Trịnh Văn Nam",
        "BN",
        Role::UnitHead,
        Some(Rank::KsvCaoCap),
    ),
    (
        "bn.ksv1",
        "Phan Thị Ngọc",
        "BN-D1",
        Role::Inspector,
        Some(Rank::Ksv),
    ),
    (
        "bg.ksv1",
        "Cao Văn Sơn",
        "BG-D1",
        Role::Inspector,
        Some(Rank::Ksv),
    ),
];

/// One line of the start-up banner.
pub struct DemoLogin {
    pub username: &'static str,
    pub role: Role,
    pub unit_code: &'static str,
}

impl App {
    /// Loads the demo organisation. Idempotent: does nothing if unit QN exists.
    pub async fn load_demo(&self) -> AppResult<Vec<DemoLogin>> {
        let system = self.system_actor().await?;
        if units::get_by_code(self.db.pool(), "QN").await?.is_some() {
            return Ok(Vec::new());
        }
        for (code, parent, kind, name) in UNITS {
            let parent_id = units::get_by_code(self.db.pool(), parent)
                .await?
                .ok_or_else(|| AppError::internal(format!("demo parent {parent} missing")))?
                .id;
            self.create_unit(
                &system,
                NewUnitInput {
                    name: (*name).into(),
                    code: (*code).into(),
                    kind: (*kind).into(),
                    parent_id: Some(parent_id),
                },
            )
            .await?;
        }
        let hash = hash_password(SecretString::from(DEMO_PASSWORD)).await?;
        let mut logins = Vec::new();
        for (username, full_name, unit_code, role, rank) in OFFICERS {
            let unit = units::get_by_code(self.db.pool(), unit_code)
                .await?
                .ok_or_else(|| AppError::internal(format!("demo unit {unit_code} missing")))?;
            let input = NewOfficerInput {
                username: (*username).into(),
                full_name: (*full_name).into(),
                password: SecretString::from(DEMO_PASSWORD),
                unit_id: unit.id,
                roles: vec![role.as_str().into()],
                rank: rank.map(|r| r.as_str().into()),
            };
            self.insert_officer(
                &system,
                &input,
                Username::parse(username)?,
                (*full_name).into(),
                vec![*role],
                *rank,
                &hash,
            )
            .await?;
            logins.push(DemoLogin {
                username,
                role: *role,
                unit_code,
            });
        }
        // The 2025 reform: Bắc Giang's Chi cục folds into Bắc Ninh's. Its team and officer move to
        // Bắc Ninh; records made before stay Bắc Giang's.
        let bg = units::get_by_code(self.db.pool(), "BG").await?;
        let bn = units::get_by_code(self.db.pool(), "BN").await?;
        if let (Some(bg), Some(bn)) = (bg, bn) {
            self.merge_unit(&system, &bg.id, &bn.id).await?;
        }
        Ok(logins)
    }
}
