use chrono::NaiveDate;

use super::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn official_letter_symbol_names_issuer_and_division() {
    let s = outgoing_symbol(DocType::OfficialLetter, "QLTT", Some("NV"));
    assert_eq!(outgoing_number(125, &s), "125/QLTT-NV");
}

#[test]
fn other_kinds_put_their_abbreviation_before_the_issuer() {
    let s = outgoing_symbol(DocType::Decision, "QLTT", Some("NV"));
    assert_eq!(outgoing_number(12, &s), "12/QĐ-QLTT");
    assert_eq!(
        outgoing_number(3, &outgoing_symbol(DocType::Submission, "QLTT", None)),
        "03/TTr-QLTT"
    );
}

#[test]
fn every_kind_but_the_official_letter_has_an_abbreviation() {
    for k in DocType::ALL {
        assert_eq!(
            k.abbreviation().is_none(),
            *k == DocType::OfficialLetter,
            "{k}"
        );
    }
}

#[test]
fn abbreviations_are_upper_case_letters_or_digits() {
    assert_eq!(abbreviation("issuer", " QLTT ").unwrap(), "QLTT");
    assert_eq!(abbreviation("issuer", "ĐKT2").unwrap(), "ĐKT2");
    for bad in ["", "qltt", "QL TT", "QLTT-NV", "ABCDEFGHIJKLMNOPQRSTU"] {
        assert_eq!(
            abbreviation("issuer", bad).unwrap_err().code(),
            "office.invalid_abbreviation",
            "{bad:?}"
        );
    }
}

#[test]
fn registers_are_not_spelled_like_case_registers() {
    let mut names = Vec::new();
    for d in Direction::ALL {
        for r in Register::ALL {
            let name = register_name(*d, *r);
            assert!(name.starts_with("office:"));
            names.push(name);
        }
    }
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 4, "each book counts on its own");
    // The counters that existed before the secret book keep their names.
    assert_eq!(
        register_name(Direction::Outgoing, Register::General),
        "office:outgoing"
    );
    assert_eq!(
        register_name(Direction::Incoming, Register::General),
        "office:incoming"
    );
}

#[test]
fn secret_documents_have_their_own_number_sequence_both_ways() {
    use Confidentiality as C;
    for d in [Direction::Outgoing, Direction::Incoming] {
        assert_eq!(register_of(d, C::Normal), Register::General);
        for c in [C::Confidential, C::Secret, C::TopSecret] {
            assert_eq!(register_of(d, c), Register::Secret, "{d} {c}");
        }
    }
}

#[test]
fn incoming_goes_registered_routed_in_progress_replied() {
    use DocAction as A;
    use DocState as S;
    let i = Direction::Incoming;
    assert_eq!(transition(i, S::Registered, A::Route).unwrap(), S::Routed);
    assert_eq!(transition(i, S::Routed, A::Accept).unwrap(), S::InProgress);
    assert_eq!(transition(i, S::InProgress, A::Reply).unwrap(), S::Replied);
    assert_eq!(transition(i, S::Routed, A::Reply).unwrap(), S::Replied);
}

#[test]
fn a_leader_may_route_again_until_answered() {
    use DocAction as A;
    use DocState as S;
    let i = Direction::Incoming;
    assert_eq!(transition(i, S::Routed, A::Route).unwrap(), S::Routed);
    assert_eq!(transition(i, S::InProgress, A::Route).unwrap(), S::Routed);
    for done in [S::Replied, S::Filed] {
        assert_eq!(
            transition(i, done, A::Route).unwrap_err().code(),
            "office.invalid_transition"
        );
    }
}

#[test]
fn filing_is_possible_until_answered() {
    use DocAction as A;
    use DocState as S;
    let i = Direction::Incoming;
    for s in [S::Registered, S::Routed, S::InProgress] {
        assert_eq!(transition(i, s, A::File).unwrap(), S::Filed);
    }
    assert!(transition(i, S::Replied, A::File).is_err());
    assert!(transition(i, S::Filed, A::File).is_err());
}

#[test]
fn nothing_is_processed_before_it_is_routed() {
    use DocAction as A;
    use DocState as S;
    let i = Direction::Incoming;
    assert!(transition(i, S::Registered, A::Accept).is_err());
    assert!(transition(i, S::Registered, A::Reply).is_err());
    assert!(transition(i, S::InProgress, A::Accept).is_err());
}

#[test]
fn outgoing_documents_are_only_sent() {
    use DocAction as A;
    use DocState as S;
    let o = Direction::Outgoing;
    assert_eq!(transition(o, S::Issued, A::Send).unwrap(), S::Sent);
    assert!(transition(o, S::Sent, A::Send).is_err());
    for a in [A::Route, A::Accept, A::Reply, A::File] {
        assert!(transition(o, S::Issued, a).is_err(), "{a}");
    }
    // An incoming document is never "sent".
    assert!(transition(Direction::Incoming, S::Registered, A::Send).is_err());
    assert_eq!(allowed(o, S::Issued), vec![A::Send]);
    assert!(allowed(o, S::Sent).is_empty());
}

#[test]
fn allowed_steps_follow_the_state() {
    use DocAction as A;
    use DocState as S;
    let i = Direction::Incoming;
    assert_eq!(allowed(i, S::Registered), vec![A::Route, A::File]);
    assert_eq!(
        allowed(i, S::Routed),
        vec![A::Route, A::Accept, A::Reply, A::File]
    );
    assert!(allowed(i, S::Replied).is_empty());
}

#[test]
fn who_takes_each_step() {
    use DocAction as A;
    use DocState as S;
    assert_eq!(taken_by(S::Registered, A::Route), StepBy::Leader);
    assert_eq!(taken_by(S::Registered, A::File), StepBy::Leader);
    assert_eq!(taken_by(S::Routed, A::File), StepBy::Assignee);
    assert_eq!(taken_by(S::Routed, A::Accept), StepBy::Assignee);
    assert_eq!(taken_by(S::InProgress, A::Reply), StepBy::Assignee);
    assert_eq!(taken_by(S::Issued, A::Send), StepBy::Clerk);
}

#[test]
fn overdue_only_while_someone_must_act() {
    let today = day("2026-03-10");
    assert!(is_overdue(DocState::Routed, Some(day("2026-03-09")), today));
    assert!(is_overdue(
        DocState::InProgress,
        Some(day("2026-03-09")),
        today
    ));
    assert!(!is_overdue(
        DocState::Routed,
        Some(day("2026-03-10")),
        today
    ));
    assert!(!is_overdue(
        DocState::Replied,
        Some(day("2026-03-01")),
        today
    ));
    assert!(!is_overdue(DocState::Routed, None, today));
}

#[test]
fn dates_are_not_in_the_future_and_arrival_follows_dating() {
    let today = day("2026-03-10");
    assert!(check_dates(day("2026-03-09"), Some(day("2026-03-10")), today).is_ok());
    assert_eq!(
        check_dates(day("2026-03-11"), None, today)
            .unwrap_err()
            .code(),
        "office.date_in_future"
    );
    assert_eq!(
        check_dates(day("2026-03-09"), Some(day("2026-03-08")), today)
            .unwrap_err()
            .code(),
        "office.received_before_dated"
    );
    assert!(check_due_on(day("2026-03-10"), today).is_ok());
    assert_eq!(
        check_due_on(day("2026-03-09"), today).unwrap_err().code(),
        "office.due_in_past"
    );
}
