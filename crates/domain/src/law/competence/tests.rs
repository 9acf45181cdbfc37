//! Tests of the competence table, one per rule of the module.
#![allow(clippy::unwrap_used)]

use super::*;
use OffenderKind::{Individual as IND, Organization as ORG};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn before() -> NaiveDate {
    d(2025, 6, 30)
}

#[test]
fn team_leader_fines_up_to_25_million_an_individual() {
    let rules = default_rules();
    let t = Title::TeamLeader;
    assert!(
        check_fine_competence(&rules, t, before(), IND, 25_000_000, SECTOR_MAX_COMMERCE).is_ok()
    );
    let err = check_fine_competence(&rules, t, before(), IND, 25_000_001, SECTOR_MAX_COMMERCE)
        .unwrap_err();
    assert_eq!(err.code(), "law.competence_exceeded");
    assert!(err.to_string().contains("25.000.000 đồng"));
}

#[test]
fn caps_are_doubled_for_an_organisation() {
    let rules = default_rules();
    let t = Title::TeamLeader;
    assert!(
        check_fine_competence(&rules, t, before(), ORG, 50_000_000, SECTOR_MAX_COMMERCE).is_ok()
    );
    assert!(
        check_fine_competence(&rules, t, before(), ORG, 50_000_001, SECTOR_MAX_COMMERCE).is_err()
    );
    let ksv = Title::InspectorOnDuty;
    assert_eq!(
        fine_cap(&rules, ksv, before(), ORG, SECTOR_MAX_COMMERCE).unwrap(),
        1_000_000
    );
}

#[test]
fn national_head_fines_up_to_the_sector_maximum() {
    let rules = default_rules();
    let t = Title::NationalDepartmentHead;
    assert_eq!(
        fine_cap(&rules, t, before(), IND, SECTOR_MAX_COUNTERFEIT).unwrap(),
        200_000_000
    );
    assert_eq!(
        fine_cap(&rules, t, before(), ORG, SECTOR_MAX_COMMERCE).unwrap(),
        200_000_000
    );
    assert!(
        check_fine_competence(&rules, t, before(), IND, 100_000_001, SECTOR_MAX_COMMERCE).is_err()
    );
}

#[test]
fn from_1_july_2025_decree_189_caps_are_percentages_of_the_sector_maximum() {
    let rules = default_rules();
    let on = d(2025, 7, 1);
    let cap = |t, max| fine_cap(&rules, t, on, IND, max).unwrap();
    // D189 Art. 12: 10 % / 30 % / 50 % / 100 %.
    assert_eq!(cap(Title::InspectorOnDuty, SECTOR_MAX_COMMERCE), 10_000_000);
    assert_eq!(cap(Title::TeamLeader, SECTOR_MAX_COMMERCE), 30_000_000);
    assert_eq!(cap(Title::ProvincialHead, SECTOR_MAX_COMMERCE), 50_000_000);
    assert_eq!(
        cap(Title::NationalDepartmentHead, SECTOR_MAX_COMMERCE),
        100_000_000
    );
    assert_eq!(
        cap(Title::InspectorOnDuty, SECTOR_MAX_COUNTERFEIT),
        20_000_000
    );
    assert_eq!(cap(Title::TeamLeader, SECTOR_MAX_COUNTERFEIT), 60_000_000);
    assert_eq!(
        cap(Title::ProvincialHead, SECTOR_MAX_COUNTERFEIT),
        100_000_000
    );
    // The day before, the old absolute caps.
    assert_eq!(
        fine_cap(
            &rules,
            Title::TeamLeader,
            before(),
            IND,
            SECTOR_MAX_COUNTERFEIT
        )
        .unwrap(),
        25_000_000
    );
    let new = rule_on(&rules, Title::ProvincialHead, on).unwrap();
    assert!(new.citation.contains("189/2025") && new.may_suspend);
}

#[test]
fn team_leader_after_1_july_2025_fines_an_organisation_up_to_60_million() {
    let rules = default_rules();
    let on = d(2026, 1, 1);
    let t = Title::TeamLeader;
    assert!(check_fine_competence(&rules, t, on, ORG, 60_000_000, SECTOR_MAX_COMMERCE).is_ok());
    let err =
        check_fine_competence(&rules, t, on, ORG, 60_000_001, SECTOR_MAX_COMMERCE).unwrap_err();
    assert!(err.to_string().contains("60.000.000 đồng"));
}

#[test]
fn no_rule_before_the_table_starts() {
    let rules = default_rules();
    assert!(rule_on(&rules, Title::TeamLeader, d(2013, 6, 30)).is_none());
    let err = check_fine_competence(
        &rules,
        Title::TeamLeader,
        d(2010, 1, 1),
        IND,
        1,
        SECTOR_MAX_COMMERCE,
    )
    .unwrap_err();
    assert_eq!(err.code(), "law.competence_unknown");
}

#[test]
fn an_admin_rule_appended_with_the_same_start_wins() {
    let mut rules = default_rules();
    rules.push(CompetenceRule {
        title: Title::TeamLeader,
        effective_from: d(2025, 7, 1),
        effective_to: None,
        fine_cap_individual: Some(35_000_000),
        fine_cap_percent: None,
        confiscation_cap_multiple: None,
        may_suspend: false,
        may_confiscate: true,
        confirmed: true,
        citation: "test",
    });
    let cap = fine_cap(
        &rules,
        Title::TeamLeader,
        d(2026, 1, 1),
        IND,
        SECTOR_MAX_COMMERCE,
    );
    assert_eq!(cap.unwrap(), 35_000_000);
}

#[test]
fn confiscation_before_july_2025_up_to_the_fining_cap() {
    let rules = default_rules();
    let on = before();
    let check = |t, v| check_confiscation_competence(&rules, t, on, v, SECTOR_MAX_COMMERCE);
    assert!(check(Title::InspectorOnDuty, 1).is_err());
    assert!(check(Title::TeamLeader, 25_000_000).is_ok());
    assert!(check(Title::TeamLeader, 25_000_001).is_err());
    assert!(check(Title::ProvincialHead, 50_000_001).is_err());
    assert!(check(Title::NationalDepartmentHead, i64::MAX).is_ok());
}

#[test]
fn confiscation_under_decree_189_up_to_twice_the_fining_cap() {
    let rules = default_rules();
    let on = d(2026, 1, 1);
    let check = |t, v| check_confiscation_competence(&rules, t, on, v, SECTOR_MAX_COMMERCE);
    assert!(check(Title::InspectorOnDuty, 20_000_000).is_ok());
    assert!(check(Title::InspectorOnDuty, 20_000_001).is_err());
    assert!(check(Title::TeamLeader, 60_000_000).is_ok());
    let err = check(Title::TeamLeader, 60_000_001).unwrap_err();
    assert_eq!(err.code(), "law.competence_exceeded");
    assert!(check(Title::ProvincialHead, i64::MAX).is_ok());
}

#[test]
fn the_lowest_competent_title_signs() {
    let rules = default_rules();
    let on = d(2026, 1, 1);
    let lowest = |o, fine| lowest_competent_title(&rules, on, o, fine, SECTOR_MAX_COMMERCE);
    assert_eq!(lowest(IND, 10_000_000), Some(Title::InspectorOnDuty));
    assert_eq!(lowest(IND, 30_000_000), Some(Title::TeamLeader));
    assert_eq!(lowest(IND, 30_000_001), Some(Title::ProvincialHead));
    assert_eq!(
        lowest(ORG, 100_000_001),
        Some(Title::NationalDepartmentHead)
    );
    assert_eq!(lowest(IND, 100_000_001), None);
    let old = lowest_competent_title(&rules, before(), IND, 400_000, SECTOR_MAX_COMMERCE);
    assert_eq!(old, Some(Title::InspectorOnDuty));
}

#[test]
fn inspection_decisions_are_signed_by_heads_or_delegated_deputies_never_an_inspector() {
    assert!(may_sign_inspection_decision(Title::TeamLeader, false));
    assert!(may_sign_inspection_decision(Title::ProvincialHead, true));
    assert!(may_sign_inspection_decision(
        Title::NationalDepartmentHead,
        false
    ));
    assert!(!may_sign_inspection_decision(Title::InspectorOnDuty, true));
    assert!(deputy_may_sign_inspection_decision(Title::TeamLeader, true));
    assert!(!deputy_may_sign_inspection_decision(
        Title::TeamLeader,
        false
    ));
    assert!(!deputy_may_sign_inspection_decision(
        Title::InspectorOnDuty,
        true
    ));
}

#[test]
fn titles_round_trip_and_have_vietnamese_labels() {
    for t in Title::ALL {
        assert_eq!(Title::parse(t.as_str()).unwrap(), *t);
        assert!(!t.label().is_empty());
    }
    assert_eq!(
        Title::parse("chief").unwrap_err().code(),
        "law.invalid_title"
    );
}
