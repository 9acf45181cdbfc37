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

/// (unit code, kind, name, tax code prefix (9 digits, check digit added), address, commune, owner,
/// business lines, risk note). Illustrative shops; the tax codes are well-formed but invented.
type DemoBusiness = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const BUSINESSES: &[DemoBusiness] = &[
    (
        "QN-D1",
        "enterprise",
        "Công ty TNHH Mỹ phẩm Hạ Long",
        "570123456",
        "Số 12 đường Trần Hưng Đạo",
        "Phường Hồng Gai",
        "Nguyễn Thị Hạnh",
        "Bán buôn mỹ phẩm",
        "Nguồn tin về mỹ phẩm không rõ nguồn gốc (2025)",
    ),
    (
        "QN-D1",
        "household",
        "Cửa hàng tạp hóa Minh Anh",
        "570234567",
        "Số 8 phố Cao Thắng",
        "Phường Hạ Long",
        "Trần Minh Anh",
        "Bán lẻ thực phẩm, đồ uống",
        "",
    ),
    (
        "QN-D1",
        "household",
        "Shop quần áo Thu Trang",
        "570345678",
        "Chợ Hạ Long I, ki-ốt 45",
        "Phường Hồng Gai",
        "Lê Thu Trang",
        "Bán lẻ quần áo, giày dép",
        "",
    ),
    (
        "QN-D2",
        "enterprise",
        "Công ty CP Thương mại Cẩm Phả",
        "570456789",
        "Số 210 đường Trần Phú",
        "Phường Cẩm Phả",
        "Phạm Văn Đức",
        "Bán buôn đồ điện gia dụng",
        "",
    ),
    (
        "QN-D3",
        "household",
        "Đại lý thuốc lá Uông Bí",
        "570567890",
        "Số 3 đường Quang Trung",
        "Phường Uông Bí",
        "Vũ Thị Lan",
        "Bán lẻ thuốc lá",
        "Từng bị xử phạt về thuốc lá nhập lậu",
    ),
    (
        "QN-D4",
        "household",
        "Cửa hàng hải sản khô Vân Đồn",
        "570678901",
        "Khu 3, đặc khu Vân Đồn",
        "Đặc khu Vân Đồn",
        "Đỗ Văn Hải",
        "Bán lẻ hải sản khô",
        "",
    ),
    (
        "QN-D4-CT",
        "household",
        "Tạp hóa Cô Tô Xanh",
        "570789012",
        "Thôn 1, đặc khu Cô Tô",
        "Đặc khu Cô Tô",
        "Nguyễn Văn Biển",
        "Bán lẻ tạp hóa, nhiên liệu",
        "",
    ),
    (
        "QN-D4-CT",
        "individual",
        "Quầy lưu niệm bãi Hồng Vàn",
        "",
        "Bãi tắm Hồng Vàn, đặc khu Cô Tô",
        "Đặc khu Cô Tô",
        "Hoàng Thị Sen",
        "Bán hàng lưu niệm",
        "",
    ),
    (
        "QN-CD",
        "online_store",
        "Gian hàng Mỹ phẩm Hàn Quốc chính hãng (Shopee)",
        "",
        "Kinh doanh trực tuyến, kho tại Móng Cái",
        "Phường Móng Cái 1",
        "Không rõ",
        "Bán mỹ phẩm qua sàn thương mại điện tử",
        "Nghi bán mỹ phẩm giả nhãn hiệu",
    ),
    (
        "BN-D1",
        "enterprise",
        "Công ty TNHH Điện tử Kinh Bắc",
        "230123456",
        "Lô C5, KCN Quế Võ",
        "Phường Quế Võ",
        "Ngô Văn Kiên",
        "Sản xuất, bán buôn linh kiện điện tử",
        "",
    ),
    (
        "BN-D2",
        "household",
        "Cửa hàng đồ gỗ Đồng Kỵ",
        "230234567",
        "Làng nghề Đồng Kỵ",
        "Phường Đồng Nguyên",
        "Trịnh Văn Gỗ",
        "Bán lẻ đồ gỗ",
        "",
    ),
];

/// Completes 9 digits with the tax code check digit, stepping the sequence until the rule yields a
/// digit (a result of 10 is never issued).
fn demo_tax_code(prefix: &str) -> Option<String> {
    let start: u64 = prefix.parse().ok()?;
    for n in start..start + 20 {
        let s = format!("{n:09}");
        let mut d = [0u32; 9];
        for (i, c) in s.chars().enumerate() {
            d[i] = c.to_digit(10)?;
        }
        if let Some(check) = qltt_domain::business::tax_code::check_digit(&d) {
            return Some(format!("{s}{check}"));
        }
    }
    None
}

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
        for (unit, kind, name, prefix, address, commune, owner, lines, risk) in BUSINESSES {
            let unit_id = units::get_by_code(self.db.pool(), unit)
                .await?
                .ok_or_else(|| AppError::internal(format!("demo unit {unit} missing")))?
                .id;
            let input = crate::businesses::BusinessInput {
                name: (*name).into(),
                kind: (*kind).into(),
                tax_code: if prefix.is_empty() {
                    None
                } else {
                    demo_tax_code(prefix)
                },
                address: (*address).into(),
                unit_id,
                province: if unit.starts_with("QN") {
                    "Quảng Ninh"
                } else {
                    "Bắc Ninh"
                }
                .into(),
                commune: (*commune).into(),
                representative: (*owner).into(),
                business_lines: (*lines).into(),
                risk_note: (*risk).into(),
                ..Default::default()
            };
            self.register_business(&system, input).await?;
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
