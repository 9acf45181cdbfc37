#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use qltt_domain::business::TaxCode;
use qltt_domain::law::WorkCalendar;
use qltt_store::bulk::{self, Val};

use super::businesses::{business, push_row};
use super::cases::{FORCED, Gen, Vt, case};
use super::org::World;
use super::rows::{Batch, Registers};

fn catalogue() -> Vec<Vt> {
    let from = NaiveDate::from_ymd_opt(2020, 8, 15).unwrap();
    [
        ("D98-15-1", 500_000, 1_000_000, "smuggled"),
        ("D98-9-6", 20_000_000, 30_000_000, "counterfeit"),
    ]
    .iter()
    .map(|(code, min, max, group)| Vt {
        id: format!("{code}@2020-08-15"),
        code: (*code).into(),
        description: "Kinh doanh hàng hóa vi phạm".into(),
        basis: "Khoản 1 Điều 15 Nghị định 98/2020/NĐ-CP".into(),
        fine_min: *min,
        fine_max: *max,
        group: (*group).into(),
        limitation_years: 2,
        from,
        to: None,
    })
    .collect()
}

fn generate(seed: u64, scale: u64) -> (World, Vec<Val>, Batch, Registers) {
    let today = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
    let world = World::build(seed, scale, "root", &HashMap::new(), today);
    let mut businesses = Vec::new();
    for i in 0..world.businesses.min(300) {
        push_row(&world, business(&world, i), &mut businesses);
    }
    let cal = WorkCalendar::statutory(2023..=2028);
    let cat = catalogue();
    let g = Gen {
        world: &world,
        catalogue: &cat,
        cal: &cal,
        rules: qltt_domain::law::competence::default_rules(),
    };
    let mut regs = Registers::default();
    let mut batch = Batch::default();
    for j in 0..scale {
        case(&g, &mut regs, j, &mut batch);
    }
    (world.clone(), businesses, batch, regs)
}

fn column(values: &[Val], table: &bulk::Table, name: &str) -> Vec<Val> {
    let n = table.columns.len();
    let c = table.columns.iter().position(|x| *x == name).unwrap();
    values.chunks(n).map(|row| row[c].clone()).collect()
}

#[test]
fn the_same_seed_generates_the_same_rows() {
    let a = generate(7, 200);
    let b = generate(7, 200);
    assert_eq!(a.1, b.1, "businesses differ");
    assert_eq!(a.2, b.2, "cases differ");
    assert_eq!(a.3, b.3, "registers differ");
    let c = generate(8, 200);
    assert_ne!(a.2.cases, c.2.cases, "another seed gives another set");
}

#[test]
fn a_small_set_has_every_state_valid_tax_codes_and_gapless_registers() {
    let (world, businesses, batch, regs) = generate(1, 200);
    let states: BTreeSet<String> = column(&batch.cases, &bulk::CASES, "state")
        .into_iter()
        .map(|v| match v {
            Val::Text(Some(s)) => s,
            _ => String::new(),
        })
        .collect();
    for s in FORCED {
        assert!(
            states.contains(s.as_str()),
            "no case in state {s:?}: {states:?}"
        );
    }
    for v in column(&businesses, &bulk::BUSINESSES, "tax_code") {
        if let Val::Text(Some(t)) = v {
            assert!(TaxCode::parse(&t).is_ok(), "invalid tax code {t}");
        }
    }
    // Every register runs 1..=last without a gap.
    let units = column(&batch.documents, &bulk::DOCUMENTS, "unit_id");
    let registers = column(&batch.documents, &bulk::DOCUMENTS, "register");
    let years = column(&batch.documents, &bulk::DOCUMENTS, "year");
    let seqs = column(&batch.documents, &bulk::DOCUMENTS, "seq");
    let mut by_register: HashMap<String, Vec<i64>> = HashMap::new();
    for i in 0..seqs.len() {
        let key = format!("{:?}{:?}{:?}", units[i], registers[i], years[i]);
        if let Val::Int(Some(n)) = seqs[i] {
            by_register.entry(key).or_default().push(n);
        }
    }
    for (k, mut v) in by_register {
        v.sort_unstable();
        assert_eq!(v, (1..=v.len() as i64).collect::<Vec<_>>(), "register {k}");
    }
    assert!(!regs.rows().is_empty());
    assert_eq!(world.businesses, 1_200);
    assert!(!batch.payments.is_empty() && !batch.exhibits.is_empty());
}
