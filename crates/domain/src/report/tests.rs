use super::*;

fn d(s: &str) -> NaiveDate {
    crate::format::parse_date(s).unwrap_or_default()
}

fn sanctioned_case() -> CaseSource {
    CaseSource {
        origin: "tip".into(),
        inspected_on: Some(d("2026-03-02")),
        violation_recorded_on: Some(d("2026-03-02")),
        sanctioned_on: Some(d("2026-03-06")),
        decided_on: Some(d("2026-03-06")),
        transferred_on: None,
        joint_agency: Some("police".into()),
        acts: vec![
            ActSource {
                group: "counterfeit".into(),
                discovered_on: d("2026-03-02"),
                fine: Some(15_000_000),
            },
            ActSource {
                group: "prices".into(),
                discovered_on: d("2026-03-02"),
                fine: Some(2_000_000),
            },
        ],
        payments: vec![(d("2026-03-20"), 10_000_000)],
        lots: vec![
            LotSource {
                seized_on: d("2026-03-02"),
                value: 4_000_000,
                status: "destroyed".into(),
                last_moved_on: d("2026-04-01"),
            },
            LotSource {
                seized_on: d("2026-03-02"),
                value: 1_000_000,
                status: "returned".into(),
                last_moved_on: d("2026-03-10"),
            },
        ],
    }
}

fn get(f: &BTreeMap<FactKey, i64>, day: &str, m: Measure, group: &str) -> i64 {
    f.iter()
        .filter(|(k, _)| k.day == d(day) && k.measure == m && k.group == group)
        .map(|(_, v)| *v)
        .sum()
}

#[test]
fn a_fine_is_imposed_on_the_sanction_decisions_date_in_each_acts_group() {
    let f = facts(&sanctioned_case());
    assert_eq!(
        get(&f, "2026-03-06", Measure::FinesImposed, "counterfeit"),
        15_000_000
    );
    assert_eq!(
        get(&f, "2026-03-06", Measure::FinesImposed, "prices"),
        2_000_000
    );
    assert_eq!(get(&f, "2026-03-02", Measure::Violations, "counterfeit"), 1);
    assert_eq!(get(&f, "2026-03-02", Measure::Violations, "prices"), 1);
}

#[test]
fn case_level_figures_fall_in_the_first_acts_group() {
    let f = facts(&sanctioned_case());
    assert_eq!(
        get(&f, "2026-03-02", Measure::CasesInspected, "counterfeit"),
        1
    );
    assert_eq!(
        get(
            &f,
            "2026-03-02",
            Measure::CasesWithViolations,
            "counterfeit"
        ),
        1
    );
    assert_eq!(
        get(&f, "2026-03-20", Measure::FinesCollected, "counterfeit"),
        10_000_000
    );
    assert!(
        f.keys()
            .all(|k| k.agency == "police" && k.channel == Channel::Offline)
    );
}

#[test]
fn goods_count_when_seized_confiscated_by_the_decision_and_destroyed_on_the_move() {
    let f = facts(&sanctioned_case());
    assert_eq!(
        get(&f, "2026-03-02", Measure::ValueSeized, "counterfeit"),
        5_000_000
    );
    // The returned lot was not confiscated.
    assert_eq!(
        get(&f, "2026-03-06", Measure::ValueConfiscated, "counterfeit"),
        4_000_000
    );
    assert_eq!(
        get(&f, "2026-04-01", Measure::ValueDestroyed, "counterfeit"),
        4_000_000
    );
}

#[test]
fn a_case_caught_in_the_act_is_inspected_at_its_violation_record() {
    let mut c = sanctioned_case();
    c.inspected_on = None;
    c.origin = "ecommerce".into();
    let f = facts(&c);
    assert_eq!(
        get(&f, "2026-03-02", Measure::CasesInspected, "counterfeit"),
        1
    );
    assert!(f.keys().all(|k| k.channel == Channel::Online));
}

#[test]
fn a_lead_counts_nothing() {
    assert!(facts(&CaseSource::default()).is_empty());
}

#[test]
fn outstanding_is_imposed_minus_collected() {
    assert_eq!(outstanding(17_000_000, 10_000_000), 7_000_000);
}

#[test]
fn periods_start_and_follow_each_other() {
    let day = d("2026-08-17");
    assert_eq!(Period::Month.start_of(day), d("2026-08-01"));
    assert_eq!(Period::Quarter.start_of(day), d("2026-07-01"));
    assert_eq!(Period::Year.start_of(day), d("2026-01-01"));
    assert_eq!(Period::Quarter.next(d("2026-10-01")), d("2027-01-01"));
    assert_eq!(
        Period::Quarter.period_label(d("2026-07-01")),
        "Quý III/2026"
    );
    assert_eq!(Period::Month.period_label(d("2026-07-01")), "07/2026");
}
