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

mod rollup_plan {
    use super::super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        crate::format::parse_date(s).unwrap_or_default()
    }

    /// How many times the plan counts day `x` up to `to`, and how many of those in the period.
    fn counted(plan: &RollupPlan, x: NaiveDate, from: NaiveDate) -> (u32, u32) {
        let m = month_key(x);
        let mut times = 0;
        let mut in_period = 0;
        if m <= plan.months_to && plan.skip_month.as_deref() != Some(m.as_str()) {
            times += 1;
            in_period += u32::from(m >= plan.period_month);
        }
        for (a, b) in &plan.day_ranges {
            if *a <= x && x <= *b {
                times += 1;
                in_period += u32::from(x >= from);
            }
        }
        (times, in_period)
    }

    #[test]
    fn whole_months_come_from_the_month_roll_up() {
        let p = RollupPlan::new(d("2026-01-01"), d("2026-03-31"));
        assert_eq!(p.months_to, "2026-03");
        assert_eq!(p.skip_month, None);
        assert_eq!(p.period_month, "2026-01");
        assert!(p.day_ranges.is_empty());
    }

    #[test]
    fn cut_months_are_read_by_day() {
        // A year to date, on 05/03/2026: March so far by day, the rest by month.
        let p = RollupPlan::new(d("2026-01-01"), d("2026-03-05"));
        assert_eq!(p.months_to, "2026-02");
        assert_eq!(p.day_ranges, vec![(d("2026-03-01"), d("2026-03-05"))]);
        // Both ends cut, in one month: one range, the month skipped.
        let p = RollupPlan::new(d("2026-03-02"), d("2026-03-05"));
        assert_eq!(p.skip_month.as_deref(), Some("2026-03"));
        assert_eq!(p.day_ranges, vec![(d("2026-03-01"), d("2026-03-05"))]);
        // Both ends cut, in different months: two ranges.
        let p = RollupPlan::new(d("2025-12-15"), d("2026-02-10"));
        assert_eq!(p.months_to, "2026-01");
        assert_eq!(p.skip_month.as_deref(), Some("2025-12"));
        assert_eq!(
            p.day_ranges,
            vec![
                (d("2025-12-01"), d("2025-12-31")),
                (d("2026-02-01"), d("2026-02-10"))
            ]
        );
    }

    proptest! {
        /// Every day up to `to` is counted exactly once, in the period exactly when it is in
        /// `[from, to]`; no day after `to` is counted.
        #[test]
        fn every_day_counted_once(start in 0i64..2000, len in 0i64..800, probe in 0i64..3200) {
            let base = d("2022-01-01");
            let from = base + chrono::Duration::days(start);
            let to = from + chrono::Duration::days(len);
            let x = base + chrono::Duration::days(probe);
            let plan = RollupPlan::new(from, to);
            let (times, in_period) = counted(&plan, x, from);
            if x <= to {
                prop_assert_eq!(times, 1, "{} in plan {:?}", x, plan);
                prop_assert_eq!(in_period, u32::from(x >= from), "{} in plan {:?}", x, plan);
            } else {
                prop_assert_eq!(times, 0, "{} after {} in plan {:?}", x, to, plan);
            }
        }
    }
}
