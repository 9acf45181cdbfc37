//! The organisation of a generated set: the 34 provincial units (reusing those that exist, such
//! as the first-start demo's), their teams, officers and one exhibit warehouse each, and how the
//! businesses are shared out among the teams. Pure: built from the seed and the scale alone.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use qltt_domain::officer::{Rank, Role};
use qltt_store::bulk::Val;

use super::names::{self, PROVINCES};
use super::rng::{Rng, STREAM_ORG};

#[derive(Debug, Clone, PartialEq)]
pub struct Officer {
    pub id: String,
    pub username: String,
    pub name: String,
    pub rank: Option<Rank>,
    pub role: Role,
    pub unit: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub id: String,
    pub code: String,
    pub name: String,
    pub province: usize,
    /// Businesses `biz_start..biz_end` are in this team's area.
    pub biz_start: u64,
    pub biz_end: u64,
    /// The leader first, then the inspectors.
    pub officers: Vec<Officer>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Province {
    pub id: String,
    pub code: String,
    pub name: String,
    /// "thành phố Hà Nội", "tỉnh Quảng Ninh".
    pub place: String,
    pub tax_prefix: &'static str,
    /// The unit was already in the database (only its teams are added).
    pub existed: bool,
    pub teams: Vec<usize>,
    pub warehouse_id: String,
    pub biz_start: u64,
    pub staff: Vec<Officer>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct World {
    pub seed: u64,
    pub scale: u64,
    pub root_id: String,
    pub provinces: Vec<Province>,
    pub teams: Vec<Team>,
    pub businesses: u64,
    /// Cases are opened from this day to `today`.
    pub start: NaiveDate,
    pub today: NaiveDate,
    pub created_at: DateTime<Utc>,
}

/// The team whose code marks a database that already holds a generated set.
pub fn marker_code() -> String {
    format!("{}-T01", PROVINCES[0].0)
}

fn person(rng: &mut Rng) -> String {
    let weights: Vec<u64> = names::FAMILY.iter().map(|f| f.1).collect();
    let family = names::FAMILY[rng.weighted(&weights)].0;
    if rng.chance(500) {
        format!(
            "{family} {} {}",
            rng.pick(names::MIDDLE_MALE),
            rng.pick(names::GIVEN_MALE)
        )
    } else {
        format!(
            "{family} {} {}",
            rng.pick(names::MIDDLE_FEMALE),
            rng.pick(names::GIVEN_FEMALE)
        )
    }
}

pub fn person_name(rng: &mut Rng) -> String {
    person(rng)
}

impl World {
    /// `existing`: unit code → id of units already present (provinces found there are reused).
    pub fn build(
        seed: u64,
        scale: u64,
        root_id: &str,
        existing: &HashMap<String, String>,
        today: NaiveDate,
    ) -> World {
        let mut rng = Rng::new(seed, STREAM_ORG, 0);
        let created_at = Utc
            .with_ymd_and_hms(2023, 12, 1, 1, 0, 0)
            .single()
            .unwrap_or_default();
        let mut at = created_at;
        let mut tick = |rng: &mut Rng| {
            at += Duration::seconds(1);
            rng.uuid_at(at)
        };
        // About one team per 4,000 cases, between one per province and the force's ~270 teams;
        // 2 to 9 inspectors a team.
        let total_teams = (scale / 4_000).clamp(PROVINCES.len() as u64, 272);
        let total_weight: u64 = PROVINCES.iter().map(|p| p.4).sum();
        let businesses = scale * 6;
        let mut provinces = Vec::new();
        let mut teams = Vec::new();
        let mut biz_start = 0u64;
        for (pi, (code, place, city, prefix, weight)) in PROVINCES.iter().enumerate() {
            let place = if *city {
                format!("thành phố {place}")
            } else {
                format!("tỉnh {place}")
            };
            let (id, existed) = match existing.get(*code) {
                Some(id) => (id.clone(), true),
                None => (tick(&mut rng), false),
            };
            let share = if pi + 1 == PROVINCES.len() {
                businesses - biz_start
            } else {
                businesses * weight / total_weight
            };
            let n_teams = (total_teams * weight / total_weight).max(1);
            // Provincial staff, also where the province already existed (their usernames
            // differ from the first-start demo's "qn.chicuctruong").
            let mut staff = Vec::new();
            {
                let lc = code.to_lowercase();
                for (suffix, role, rank) in [
                    ("chicuc.truong", Role::UnitHead, Some(Rank::KsvCaoCap)),
                    ("chicuc.pho", Role::DeputyUnitHead, Some(Rank::KsvChinh)),
                    ("chicuc.thukho", Role::WarehouseKeeper, None),
                    ("chicuc.ketoan", Role::Accountant, None),
                ] {
                    staff.push(Officer {
                        id: tick(&mut rng),
                        username: format!("{lc}.{suffix}"),
                        name: person(&mut rng),
                        rank,
                        role,
                        unit: usize::MAX,
                    });
                }
            }
            let mut team_ids = Vec::new();
            let inspectors = (scale / (total_teams * 400)).clamp(2, 9);
            for t in 0..n_teams {
                let team_code = format!("{code}-T{:02}", t + 1);
                let lc = team_code.to_lowercase();
                let start = biz_start + share * t / n_teams;
                let end = biz_start + share * (t + 1) / n_teams;
                let mut officers = vec![Officer {
                    id: tick(&mut rng),
                    username: format!("{lc}.doitruong"),
                    name: person(&mut rng),
                    rank: Some(Rank::KsvChinh),
                    role: Role::TeamLeader,
                    unit: teams.len(),
                }];
                for k in 0..inspectors {
                    officers.push(Officer {
                        id: tick(&mut rng),
                        username: format!("{lc}.ksv{:02}", k + 1),
                        name: person(&mut rng),
                        rank: Some(if rng.chance(250) {
                            Rank::KsvChinh
                        } else {
                            Rank::Ksv
                        }),
                        role: Role::Inspector,
                        unit: teams.len(),
                    });
                }
                team_ids.push(teams.len());
                teams.push(Team {
                    id: tick(&mut rng),
                    code: team_code,
                    name: format!(
                        "Đội Quản lý thị trường số {} ({})",
                        t + 1,
                        place_short(&place)
                    ),
                    province: pi,
                    biz_start: start,
                    biz_end: end,
                    officers,
                });
            }
            provinces.push(Province {
                id,
                code: (*code).to_string(),
                name: format!("Chi cục Quản lý thị trường {place}"),
                place,
                tax_prefix: prefix,
                existed,
                teams: team_ids,
                warehouse_id: tick(&mut rng),
                biz_start,
                staff,
            });
            biz_start += share;
        }
        World {
            seed,
            scale,
            root_id: root_id.to_string(),
            provinces,
            teams,
            businesses,
            start: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
            today,
            created_at,
        }
    }

    /// The team whose area holds business `index`.
    pub fn team_of_business(&self, index: u64) -> usize {
        self.teams
            .partition_point(|t| t.biz_end <= index)
            .min(self.teams.len().saturating_sub(1))
    }

    pub fn officers(&self) -> impl Iterator<Item = (&Officer, &str)> {
        self.provinces
            .iter()
            .flat_map(|p| p.staff.iter().map(move |o| (o, p.id.as_str())))
            .chain(
                self.teams
                    .iter()
                    .flat_map(|t| t.officers.iter().map(move |o| (o, t.id.as_str()))),
            )
    }

    /// Rows of `units`, `unit_versions`, `users`, `user_roles` and `warehouses`.
    pub fn org_rows(&self, password_hash: &str) -> [Vec<Val>; 5] {
        let at = qltt_store::ts(self.created_at);
        let valid_from = "2023-12-01".to_string();
        let (mut units, mut versions, mut users, mut roles, mut warehouses) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut unit = |id: &str, code: &str, kind: &str, name: &str, parent: &str| {
            units.extend([
                Val::from(id),
                code.into(),
                kind.into(),
                name.into(),
                parent.into(),
                Val::Text(None),
                valid_from.as_str().into(),
                Val::Text(None),
                at.as_str().into(),
            ]);
            versions.extend([
                Val::from(sibling_id(id, 1)),
                id.into(),
                name.into(),
                parent.into(),
                valid_from.as_str().into(),
                Val::Text(None),
                "create".into(),
            ]);
        };
        for p in &self.provinces {
            if !p.existed {
                unit(&p.id, &p.code, "provincial_unit", &p.name, &self.root_id);
            }
        }
        for t in &self.teams {
            unit(
                &t.id,
                &t.code,
                "team",
                &t.name,
                &self.provinces[t.province].id,
            );
        }
        for (o, unit_id) in self.officers() {
            users.extend([
                Val::from(o.id.as_str()),
                o.username.as_str().into(),
                o.name.as_str().into(),
                password_hash.into(),
                unit_id.into(),
                o.rank.map(|r| r.as_str().to_string()).into(),
                Val::from(1),
                at.as_str().into(),
                at.as_str().into(),
            ]);
            roles.extend([Val::from(o.id.as_str()), o.role.as_str().into()]);
        }
        for p in &self.provinces {
            warehouses.extend([
                Val::from(p.warehouse_id.as_str()),
                p.id.as_str().into(),
                "KHO-TV".into(),
                format!("Kho tang vật Chi cục QLTT {}", place_short(&p.place)).into(),
                format!("Trụ sở Chi cục, {}", p.place).into(),
                "system".into(),
                at.as_str().into(),
            ]);
        }
        [units, versions, users, roles, warehouses]
    }
}

/// "Hà Nội" out of "thành phố Hà Nội".
pub fn place_short(place: &str) -> &str {
    place
        .strip_prefix("thành phố ")
        .or_else(|| place.strip_prefix("tỉnh "))
        .unwrap_or(place)
}

/// A second id derived from `id` (same time, other random bits) for a row that belongs to it.
pub fn sibling_id(id: &str, k: u8) -> String {
    let mut b = uuid::Uuid::parse_str(id)
        .map(|u| *u.as_bytes())
        .unwrap_or_default();
    b[15] ^= k;
    b[14] ^= 0x5a;
    uuid::Uuid::from_bytes(b).to_string()
}
