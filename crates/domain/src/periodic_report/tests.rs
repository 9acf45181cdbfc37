use super::*;
use crate::law::{DayKind, WorkCalendar};
use BoardStatus as B;
use SubmissionAction as A;
use SubmissionState as S;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn period(r: Recurrence, day: &str) -> ReportPeriod {
    ReportPeriod::containing(r, d(day))
}

fn field(key: &str, label: &str, kind: FieldKind) -> FormField {
    FormField {
        key: key.into(),
        label: label.into(),
        kind,
    }
}

#[test]
fn a_form_already_sent_keeps_its_fields_and_their_kinds() {
    let old = vec![
        field("so_vu", "Số vụ", FieldKind::Number),
        field("ghi_chu", "Ghi chú", FieldKind::Text),
    ];
    // Reworded, reordered, one field added: fine even after units sent it.
    let grown = vec![
        field("ghi_chu", "Kiến nghị, đề xuất", FieldKind::Text),
        field("so_vu", "Số vụ kiểm tra", FieldKind::Number),
        field("so_tien", "Số tiền phạt", FieldKind::Number),
    ];
    assert!(check_field_change(ReportKind::Form, &old, &grown, true).is_ok());
    // Dropping a field or changing its kind would hide or garble what was sent.
    let dropped = vec![field("so_vu", "Số vụ", FieldKind::Number)];
    let retyped = vec![
        field("so_vu", "Số vụ", FieldKind::Text),
        field("ghi_chu", "Ghi chú", FieldKind::Text),
    ];
    for new in [&dropped, &retyped] {
        assert_eq!(
            check_field_change(ReportKind::Form, &old, new, true)
                .unwrap_err()
                .code(),
            "periodic_report.field_in_use"
        );
        // Before anything was sent, any valid form will do.
        assert!(check_field_change(ReportKind::Form, &old, new, false).is_ok());
    }
    // The new form is still checked as a form.
    let duplicate = vec![
        field("so_vu", "Số vụ", FieldKind::Number),
        field("so_vu", "Lần nữa", FieldKind::Number),
    ];
    assert_eq!(
        check_field_change(ReportKind::Form, &old, &duplicate, false)
            .unwrap_err()
            .code(),
        "periodic_report.invalid_fields"
    );
}

#[test]
fn a_week_runs_monday_to_sunday_with_its_iso_number() {
    // Thursday 19/03/2026 is in ISO week 12.
    let p = period(Recurrence::Weekly, "2026-03-19");
    assert_eq!((p.start, p.end), (d("2026-03-16"), d("2026-03-22")));
    assert_eq!(p.key(), "2026-W12");
    assert_eq!(p.label(), "Tuần 12/2026");
    assert_eq!(p.range_text(), "16/03/2026 – 22/03/2026");
    // A Sunday belongs to the week that started the Monday before.
    assert_eq!(period(Recurrence::Weekly, "2026-03-22"), p);
    assert_eq!(period(Recurrence::Weekly, "2026-03-16"), p);
}

#[test]
fn a_week_across_new_year_takes_the_iso_year() {
    // Monday 28/12/2026 opens ISO week 53 of 2026; Monday 04/01/2027 opens week 1 of 2027.
    let p = period(Recurrence::Weekly, "2027-01-01");
    assert_eq!(p.start, d("2026-12-28"));
    assert_eq!(p.key(), "2026-W53");
    assert_eq!(p.label(), "Tuần 53/2026");
    assert_eq!(p.next().key(), "2027-W01");
    assert_eq!(p.next().start, d("2027-01-04"));
}

#[test]
fn months_quarters_and_years_have_their_keys_and_labels() {
    let m = period(Recurrence::Monthly, "2026-02-14");
    assert_eq!((m.start, m.end), (d("2026-02-01"), d("2026-02-28")));
    assert_eq!(
        (m.key().as_str(), m.label().as_str()),
        ("2026-02", "Tháng 02/2026")
    );
    let q = period(Recurrence::Quarterly, "2026-03-31");
    assert_eq!((q.start, q.end), (d("2026-01-01"), d("2026-03-31")));
    assert_eq!(
        (q.key().as_str(), q.label().as_str()),
        ("2026-Q1", "Quý I/2026")
    );
    let q4 = period(Recurrence::Quarterly, "2026-11-02");
    assert_eq!((q4.start, q4.end), (d("2026-10-01"), d("2026-12-31")));
    assert_eq!(q4.label(), "Quý IV/2026");
    let y = period(Recurrence::Yearly, "2026-07-01");
    assert_eq!((y.start, y.end), (d("2026-01-01"), d("2026-12-31")));
    assert_eq!((y.key().as_str(), y.label().as_str()), ("2026", "Năm 2026"));
    // A leap February.
    assert_eq!(
        period(Recurrence::Monthly, "2028-02-10").end,
        d("2028-02-29")
    );
}

#[test]
fn keys_read_back_and_bad_keys_are_refused() {
    for (r, key) in [
        (Recurrence::Weekly, "2026-W12"),
        (Recurrence::Weekly, "2026-W53"),
        (Recurrence::Monthly, "2026-03"),
        (Recurrence::Quarterly, "2026-Q4"),
        (Recurrence::Yearly, "2026"),
    ] {
        assert_eq!(ReportPeriod::parse_key(r, key).unwrap().key(), key);
    }
    for (r, key) in [
        (Recurrence::Weekly, "2027-W53"), // 2027 has 52 ISO weeks
        (Recurrence::Weekly, "2026-W00"),
        (Recurrence::Weekly, "2026-03"),
        (Recurrence::Monthly, "2026-13"),
        (Recurrence::Monthly, "2026-3"),
        (Recurrence::Quarterly, "2026-Q5"),
        (Recurrence::Yearly, "26"),
        (Recurrence::Yearly, "+2026"),
        (Recurrence::Monthly, ""),
    ] {
        assert_eq!(
            ReportPeriod::parse_key(r, key).unwrap_err().code(),
            "periodic_report.invalid_period",
            "{key}"
        );
    }
}

#[test]
fn the_deadline_is_n_days_after_the_period_and_skips_non_working_days() {
    let cal = WorkCalendar::statutory([2026]);
    // March 2026 ends Tuesday 31/03; 5 days later is Sunday 05/04 → Monday 06/04.
    let m = period(Recurrence::Monthly, "2026-03-10");
    assert_eq!(m.deadline(&cal, 5), d("2026-04-06"));
    assert_eq!(m.deadline(&cal, 3), d("2026-04-03"));
    // Week 12 ends Sunday 22/03: with no offset the deadline is Monday 23/03.
    assert_eq!(
        period(Recurrence::Weekly, "2026-03-19").deadline(&cal, 0),
        d("2026-03-23")
    );
    // A holiday declared on the day moves it on.
    let cal = WorkCalendar::new([(d("2026-04-03"), DayKind::Holiday)]);
    assert_eq!(m.deadline(&cal, 3), d("2026-04-06"));
    // January 2026 + 20 days = Friday 20/02, inside Tết (14–22/02) → Monday 23/02.
    let cal = WorkCalendar::statutory([2026]);
    assert_eq!(
        period(Recurrence::Monthly, "2026-01-05").deadline(&cal, 20),
        d("2026-02-23")
    );
}

#[test]
fn a_submission_goes_submitted_returned_resubmitted_accepted() {
    assert_eq!(transition(None, A::Submit).unwrap(), S::Submitted);
    assert_eq!(
        transition(Some(S::Submitted), A::Return).unwrap(),
        S::Returned
    );
    assert_eq!(
        transition(Some(S::Returned), A::Submit).unwrap(),
        S::Resubmitted
    );
    assert_eq!(
        transition(Some(S::Resubmitted), A::Return).unwrap(),
        S::Returned
    );
    assert_eq!(
        transition(Some(S::Resubmitted), A::Accept).unwrap(),
        S::Accepted
    );
    assert_eq!(
        transition(Some(S::Submitted), A::Accept).unwrap(),
        S::Accepted
    );
    for (s, a) in [
        (None, A::Accept),
        (None, A::Return),
        (Some(S::Submitted), A::Submit),
        (Some(S::Resubmitted), A::Submit),
        (Some(S::Returned), A::Accept),
        (Some(S::Accepted), A::Submit),
        (Some(S::Accepted), A::Return),
    ] {
        assert_eq!(
            transition(s, a).unwrap_err().code(),
            "periodic_report.invalid_transition",
            "{s:?} {a:?}"
        );
    }
    assert_eq!(allowed(None), vec![A::Submit]);
    assert_eq!(allowed(Some(S::Submitted)), vec![A::Accept, A::Return]);
    assert!(allowed(Some(S::Accepted)).is_empty());
}

#[test]
fn a_return_says_what_to_correct() {
    assert_eq!(
        check_note(A::Return, " ").unwrap_err().code(),
        "validation.required"
    );
    check_note(A::Return, "Thiếu số liệu tháng").unwrap();
    check_note(A::Accept, "").unwrap();
}

#[test]
fn the_board_judges_by_the_first_sending_day() {
    let deadline = d("2026-04-06");
    assert_eq!(
        board_status(Some(d("2026-04-06")), deadline, d("2026-04-20")),
        B::OnTime
    );
    assert_eq!(
        board_status(Some(d("2026-04-07")), deadline, d("2026-04-07")),
        B::Late
    );
    assert_eq!(board_status(None, deadline, d("2026-04-06")), B::Pending);
    assert_eq!(board_status(None, deadline, d("2026-04-07")), B::Overdue);
}

#[test]
fn what_needs_action_is_unsent_or_returned_and_due_within_the_window() {
    let deadline = d("2026-04-06");
    assert!(needs_action(None, deadline, d("2026-04-04"), 2));
    assert!(!needs_action(None, deadline, d("2026-04-03"), 2));
    assert!(needs_action(None, deadline, d("2026-04-30"), 2));
    assert!(needs_action(
        Some(S::Returned),
        deadline,
        d("2026-04-10"),
        2
    ));
    assert!(!needs_action(
        Some(S::Submitted),
        deadline,
        d("2026-04-10"),
        2
    ));
    assert!(!needs_action(
        Some(S::Accepted),
        deadline,
        d("2026-04-10"),
        2
    ));
}

#[test]
fn open_periods_run_from_the_first_to_today() {
    let ps = open_periods(Recurrence::Monthly, d("2026-02-10"), d("2026-04-02"), 6);
    let keys: Vec<String> = ps.iter().map(ReportPeriod::key).collect();
    assert_eq!(keys, ["2026-04", "2026-03", "2026-02"]);
    assert_eq!(
        open_periods(Recurrence::Monthly, d("2026-02-10"), d("2026-04-02"), 2).len(),
        2
    );
    let march = period(Recurrence::Monthly, "2026-03-01");
    check_period_open(&march, d("2026-02-10"), d("2026-03-01")).unwrap();
    assert_eq!(
        check_period_open(&march, d("2026-02-10"), d("2026-02-28"))
            .unwrap_err()
            .code(),
        "periodic_report.period_not_started"
    );
    assert_eq!(
        check_period_open(&march, d("2026-04-10"), d("2026-05-01"))
            .unwrap_err()
            .code(),
        "periodic_report.period_before_start"
    );
}

#[test]
fn forms_and_figures_are_checked() {
    let fields = vec![
        FormField {
            key: "cases_inspected".into(),
            label: "Vụ kiểm tra".into(),
            kind: FieldKind::Number,
        },
        FormField {
            key: "remarks".into(),
            label: "Nhận xét".into(),
            kind: FieldKind::Text,
        },
    ];
    check_fields(ReportKind::Form, &fields).unwrap();
    check_fields(ReportKind::File, &[]).unwrap();
    assert_eq!(
        check_fields(ReportKind::Form, &[]).unwrap_err().code(),
        "periodic_report.invalid_fields"
    );
    let mut twice = fields.clone();
    twice.push(fields[0].clone());
    assert_eq!(
        check_fields(ReportKind::Form, &twice).unwrap_err().code(),
        "periodic_report.invalid_fields"
    );
    let mut bad = fields.clone();
    bad[0].key = "Số vụ".into();
    assert_eq!(
        check_fields(ReportKind::Form, &bad).unwrap_err().code(),
        "periodic_report.invalid_fields"
    );
    assert_eq!(measure_fields().len(), Measure::ALL.len());
    check_fields(ReportKind::Form, &measure_fields()).unwrap();

    let mut given = BTreeMap::new();
    given.insert("cases_inspected".to_string(), Figure::Number(12));
    given.insert("remarks".to_string(), Figure::Text("Ổn định".into()));
    check_figures(&fields, &given).unwrap();
    let code = |g: &BTreeMap<String, Figure>| check_figures(&fields, g).unwrap_err().code();
    let mut neg = given.clone();
    neg.insert("cases_inspected".into(), Figure::Number(-1));
    assert_eq!(code(&neg), "periodic_report.invalid_figures");
    let mut text = given.clone();
    text.insert("cases_inspected".into(), Figure::Text("mười hai".into()));
    assert_eq!(code(&text), "periodic_report.invalid_figures");
    let mut missing = given.clone();
    missing.remove("remarks");
    assert_eq!(code(&missing), "periodic_report.invalid_figures");
    let mut extra = given.clone();
    extra.insert("other".into(), Figure::Number(1));
    assert_eq!(code(&extra), "periodic_report.invalid_figures");
}

#[test]
fn the_deadline_offset_is_bounded() {
    assert_eq!(check_deadline_days(0).unwrap(), 0);
    assert_eq!(check_deadline_days(60).unwrap(), 60);
    assert_eq!(
        check_deadline_days(61).unwrap_err().code(),
        "periodic_report.invalid_deadline"
    );
    assert_eq!(
        check_deadline_days(-1).unwrap_err().code(),
        "periodic_report.invalid_deadline"
    );
}

#[test]
fn codes_round_trip() {
    for r in Recurrence::ALL {
        assert_eq!(Recurrence::parse(r.as_str()).unwrap(), *r);
    }
    for s in SubmissionState::ALL {
        assert_eq!(SubmissionState::parse(s.as_str()).unwrap(), *s);
    }
}

fn any_recurrence() -> impl Strategy<Value = Recurrence> {
    prop::sample::select(Recurrence::ALL.to_vec())
}

fn any_day() -> impl Strategy<Value = NaiveDate> {
    // 2000-01-01 .. about 2060.
    (0u64..22_000).prop_map(|n| d("2000-01-01") + chrono::Days::new(n))
}

proptest! {
    /// Periods tile the timeline: each day is in exactly the period `containing` gives, the next
    /// period starts the day after this one ends, and the previous one ends the day before.
    #[test]
    fn periods_tile_the_timeline(r in any_recurrence(), day in any_day(), steps in 1usize..30) {
        let mut p = ReportPeriod::containing(r, day);
        prop_assert!(p.start <= day && day <= p.end);
        for _ in 0..steps {
            let next = p.next();
            prop_assert_eq!(next.start, p.end.succ_opt().unwrap());
            prop_assert!(next.start <= next.end);
            prop_assert_eq!(next.prev(), p);
            prop_assert_eq!(ReportPeriod::containing(r, next.start), next);
            prop_assert_eq!(ReportPeriod::containing(r, next.end), next);
            prop_assert!(next.key() > p.key() || r == Recurrence::Weekly);
            prop_assert_eq!(ReportPeriod::parse_key(r, &next.key()).unwrap(), next);
            p = next;
        }
    }

    /// A deadline is never a non-working day, never before the period's end plus the offset,
    /// and every day between them is a non-working day.
    #[test]
    fn a_deadline_never_falls_on_a_non_working_day(
        r in any_recurrence(),
        day in any_day(),
        offset in 0u32..=MAX_DEADLINE_DAYS,
        holidays in prop::collection::vec(any_day(), 0..40),
    ) {
        let cal = WorkCalendar::new(
            crate::law::statutory_days(2025)
                .into_iter()
                .chain(crate::law::statutory_days(2026))
                .map(|c| (c.date, c.kind))
                .chain(holidays.into_iter().map(|h| (h, DayKind::Holiday))),
        );
        let p = ReportPeriod::containing(r, day);
        let due = p.deadline(&cal, offset);
        prop_assert!(cal.is_working_day(due));
        let earliest = p.end + chrono::Days::new(u64::from(offset));
        prop_assert!(due >= earliest);
        let mut x = earliest;
        while x < due {
            prop_assert!(!cal.is_working_day(x));
            x = x.succ_opt().unwrap();
        }
    }
}
