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
fn rules_from_1_july_2025_are_carried_forward_and_marked_unconfirmed() {
    let rules = default_rules();
    let old = rule_on(&rules, Title::ProvincialHead, before()).unwrap();
    let new = rule_on(&rules, Title::ProvincialHead, d(2025, 7, 1)).unwrap();
    assert!(old.confirmed);
    assert!(!new.confirmed);
    assert_eq!(new.fine_cap_individual, Some(50_000_000));
    assert!(new.citation.contains("189/2025"));
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
fn an_admin_rule_replaces_the_carried_forward_one() {
    let mut rules = default_rules();
    rules.push(CompetenceRule {
        title: Title::TeamLeader,
        effective_from: d(2025, 7, 1),
        effective_to: None,
        fine_cap_individual: Some(30_000_000),
        may_suspend: false,
        may_confiscate: true,
        confirmed: true,
        citation: "test",
    });
    assert!(
        check_fine_competence(
            &rules,
            Title::TeamLeader,
            d(2026, 1, 1),
            IND,
            30_000_000,
            SECTOR_MAX_COMMERCE
        )
        .is_ok()
    );
}

#[test]
fn confiscation_only_by_titles_that_may_and_up_to_their_cap() {
    let rules = default_rules();
    let on = d(2026, 1, 1);
    assert!(
        check_confiscation_competence(&rules, Title::InspectorOnDuty, on, 1, SECTOR_MAX_COMMERCE)
            .is_err()
    );
    assert!(
        check_confiscation_competence(
            &rules,
            Title::TeamLeader,
            on,
            25_000_000,
            SECTOR_MAX_COMMERCE
        )
        .is_ok()
    );
    assert!(
        check_confiscation_competence(
            &rules,
            Title::TeamLeader,
            on,
            25_000_001,
            SECTOR_MAX_COMMERCE
        )
        .is_err()
    );
    assert!(
        check_confiscation_competence(
            &rules,
            Title::NationalDepartmentHead,
            on,
            i64::MAX,
            SECTOR_MAX_COMMERCE
        )
        .is_ok()
    );
}

#[test]
fn the_lowest_competent_title_signs() {
    let rules = default_rules();
    let on = d(2026, 1, 1);
    assert_eq!(
        lowest_competent_title(&rules, on, IND, 400_000, SECTOR_MAX_COMMERCE),
        Some(Title::InspectorOnDuty)
    );
    assert_eq!(
        lowest_competent_title(&rules, on, IND, 30_000_000, SECTOR_MAX_COMMERCE),
        Some(Title::ProvincialHead)
    );
    assert_eq!(
        lowest_competent_title(&rules, on, ORG, 60_000_000, SECTOR_MAX_COMMERCE),
        Some(Title::ProvincialHead)
    );
    assert_eq!(
        lowest_competent_title(&rules, on, IND, 100_000_001, SECTOR_MAX_COMMERCE),
        None
    );
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
