//! Generated businesses: any one of them can be rebuilt from (seed, index), so cases refer to
//! their business without the generator holding six million in memory.

use chrono::{Duration, NaiveDate};
use qltt_domain::business::{fold, tax_code::check_digit};
use qltt_store::bulk::Val;

use super::names;
use super::org::{World, person_name};
use super::rng::{Rng, STREAM_BUSINESS};

#[derive(Debug, Clone, PartialEq)]
pub struct Biz {
    pub id: String,
    pub team: usize,
    pub kind: &'static str,
    pub name: String,
    pub tax_code: Option<String>,
    pub registration_no: String,
    pub registration_date: String,
    pub registration_issuer: String,
    pub representative: String,
    pub address: String,
    pub province: String,
    pub commune: String,
    /// Index into [`names::LINES`].
    pub line: usize,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub risk_note: String,
    pub created_at: String,
}

impl Biz {
    /// Organisations are sanctioned with the doubled frame (LHAV Art. 24(2)).
    pub fn is_organization(&self) -> bool {
        matches!(self.kind, "enterprise" | "branch" | "cooperative")
    }
}

/// The 10-digit code of the `local`-th business of a province: its prefix, seven digits and the
/// check digit. Of the pair 2k+1, 2k+2 at most one yields the check value 10 that is never
/// issued (they differ by one in the last digit, weight 3), so the first valid one is taken and
/// codes stay unique for up to 4,999,999 businesses a province.
pub fn tax_code(prefix: &str, local: u64) -> String {
    let base = 2 * (local + 1);
    for seven in [base, base + 1] {
        let text = format!("{prefix}{seven:07}");
        let mut first = [0u32; 9];
        for (d, c) in first.iter_mut().zip(text.chars()) {
            *d = c.to_digit(10).unwrap_or(0);
        }
        if let Some(check) = check_digit(&first) {
            return format!("{text}{check}");
        }
    }
    String::new()
}

const KINDS: &[(&str, u64)] = &[
    ("household", 550),
    ("enterprise", 220),
    ("individual", 100),
    ("online_store", 60),
    ("branch", 50),
    ("cooperative", 20),
];

pub fn business(world: &World, index: u64) -> Biz {
    let mut rng = Rng::new(world.seed, STREAM_BUSINESS, index);
    let team = world.team_of_business(index);
    let province = &world.provinces[world.teams[team].province];
    let local = index - province.biz_start;
    let weights: Vec<u64> = KINDS.iter().map(|k| k.1).collect();
    let kind = KINDS[rng.weighted(&weights)].0;
    let line = rng.below(names::LINES.len() as u64) as usize;
    let goods = names::LINES[line].1;
    let word = *rng.pick(names::SHOP_WORDS);
    let representative = person_name(&mut rng);
    let given = representative.rsplit(' ').next().unwrap_or("").to_string();
    let place = super::org::place_short(&province.place).to_string();
    let name = match kind {
        "enterprise" if rng.chance(700) => format!("Công ty TNHH {goods} {word}"),
        "enterprise" => format!("Công ty Cổ phần {word} {place}"),
        "branch" => format!("Chi nhánh Công ty TNHH {word} tại {place}"),
        "cooperative" => format!("Hợp tác xã {goods} {word}"),
        "online_store" => format!("Shop {goods} {given} Online"),
        "individual" => representative.clone(),
        _ if rng.chance(500) => format!("Hộ kinh doanh {goods} {given}"),
        _ => format!("Cửa hàng {goods} {word}"),
    };
    let code = tax_code(province.tax_prefix, local);
    let tax = match kind {
        "enterprise" | "cooperative" => Some(code),
        "branch" => Some(format!("{code}-{:03}", rng.range(1, 9))),
        "household" if rng.chance(800) => Some(code),
        "online_store" if rng.chance(500) => Some(code),
        _ => None,
    };
    let commune = (*rng.pick(names::COMMUNES)).to_string();
    let address = format!(
        "Số {} {}, {}, {}",
        rng.range(1, 399),
        rng.pick(names::STREETS),
        commune,
        province.place
    );
    let registered = NaiveDate::from_ymd_opt(1995, 1, 1).unwrap_or_default()
        + Duration::days(rng.range(0, 10_500));
    let (registration_no, issuer) = match (kind, &tax) {
        // An enterprise's registration number is its tax code (Law on Enterprises 2020, Art. 29).
        ("enterprise" | "cooperative" | "branch", Some(t)) => {
            (t.clone(), format!("Sở Tài chính {}", province.place))
        }
        ("household", _) => (
            format!("{}.{:06}/HKD", province.tax_prefix, local % 1_000_000),
            format!("UBND {commune}"),
        ),
        _ => (String::new(), String::new()),
    };
    let phone = format!("09{:08}", rng.below(100_000_000));
    let website = if kind == "online_store" {
        format!("https://shop.example.vn/{index}")
    } else {
        String::new()
    };
    let email = if matches!(kind, "enterprise" | "branch") {
        format!("lienhe{index}@example.vn")
    } else {
        String::new()
    };
    let risk_note = match rng.below(100) {
        0..=2 => "Đã bị xử phạt về hàng không rõ nguồn gốc.".to_string(),
        3..=4 => "Có tin báo bán hàng giả nhãn hiệu.".to_string(),
        _ => String::new(),
    };
    // The register was imported during December 2023, in index order (ids then grow with it).
    let created = world.created_at + Duration::milliseconds((index * 300) as i64 / 1000 + 60_000);
    Biz {
        id: rng.uuid_at(created),
        team,
        kind,
        name,
        tax_code: tax,
        registration_no,
        registration_date: registered.format("%Y-%m-%d").to_string(),
        registration_issuer: issuer,
        representative,
        address,
        province: province.place.clone(),
        commune,
        line,
        phone,
        email,
        website,
        risk_note,
        created_at: qltt_store::ts(created),
    }
}

/// Appends business `b`'s row of `qltt_store::bulk::BUSINESSES`.
pub fn push_row(world: &World, b: Biz, out: &mut Vec<Val>) {
    let lines = names::LINES[b.line].0;
    let search_text = fold(&format!(
        "{} {} {} {} {} {} {}",
        b.name,
        b.tax_code.as_deref().unwrap_or(""),
        b.address,
        b.representative,
        b.registration_no,
        b.phone,
        lines
    ));
    out.extend([
        Val::from(b.id),
        world.teams[b.team].id.as_str().into(),
        b.kind.into(),
        b.name.into(),
        b.tax_code.into(),
        b.registration_no.into(),
        Some(b.registration_date).into(),
        b.registration_issuer.into(),
        b.representative.into(),
        b.address.into(),
        b.province.into(),
        b.commune.into(),
        lines.into(),
        b.phone.into(),
        b.email.into(),
        b.website.into(),
        b.risk_note.into(),
        search_text.into(),
        Val::Text(None),
        Val::from(1),
        b.created_at.as_str().into(),
        b.created_at.into(),
    ]);
}
