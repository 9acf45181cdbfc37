//! Random walks through the lifecycle.

#![allow(clippy::unwrap_used)]

use super::*;
use proptest::prelude::*;

/// One random step: which button (half the time one of the allowed ones, so walks reach the
/// late states; otherwise any action), the share of the outstanding fine a payment covers
/// (in thousandths, 1000 = all), what an inspection finds, the fine of a decision.
#[derive(Debug, Clone)]
struct Step {
    guided: bool,
    pick: usize,
    share: i64,
    found: bool,
    fine: i64,
}

impl Step {
    fn action(&self, f: &CaseFacts) -> Action {
        let allowed = allowed_actions(f);
        if self.guided && !allowed.is_empty() {
            allowed[self.pick % allowed.len()]
        } else {
            Action::ALL[self.pick % Action::ALL.len()]
        }
    }
}

fn step() -> impl Strategy<Value = Step> {
    (
        any::<bool>(),
        any::<usize>(),
        prop_oneof![Just(1000i64), 1i64..=1000],
        any::<bool>(),
        prop_oneof![Just(0i64), 1i64..=400_000_000],
    )
        .prop_map(|(guided, pick, share, found, fine)| Step {
            guided,
            pick,
            share,
            found,
            fine,
        })
}

/// What the use case stores after an accepted step.
fn apply(
    f: &CaseFacts,
    action: Action,
    s: &Step,
    amount: Option<i64>,
    t: &Transition,
) -> CaseFacts {
    let mut next = f.clone();
    next.state = t.to;
    if let Some(e) = t.enforcement {
        next.enforcement = e;
    }
    match action {
        A::RecordInspection => next.violation_found = Some(s.found),
        A::IssueSanction => {
            next.fine_total = s.fine;
            next.paid_total = 0;
            next.decision_delivered = false;
        }
        A::DeliverDecision => next.decision_delivered = true,
        A::RecordPayment => next.paid_total += amount.unwrap_or(0),
        _ => {}
    }
    next
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Random officers pressing random buttons: the case stays in a known state, a closed
    /// case stays closed, the buttons shown are exactly the steps accepted, each step makes
    /// exactly its documents, and money never goes wrong.
    #[test]
    fn random_steps_keep_the_case_consistent(steps in prop::collection::vec(step(), 0..60)) {
        let mut f = CaseFacts::new(S::Lead);
        for s in &steps {
            let allowed = allowed_actions(&f);
            for &a in Action::ALL {
                let valid_amount = (a == A::RecordPayment).then(|| f.outstanding());
                let r = transition(&f, a, valid_amount);
                prop_assert_eq!(allowed.contains(&a), r.is_ok(), "{:?} {}", f, a);
                if !allowed.contains(&a) {
                    prop_assert!(is_invalid_transition(&r));
                }
            }
            let action = s.action(&f);
            let amount = (action == A::RecordPayment)
                .then(|| (f.outstanding() * s.share / 1000).max(1));
            let was_closed = f.state == S::Closed;
            match transition(&f, action, amount) {
                Ok(t) => {
                    prop_assert!(!was_closed);
                    prop_assert!(CaseState::ALL.contains(&t.to));
                    prop_assert_eq!(&t.documents[..], action.documents());
                    for d in &t.documents {
                        prop_assert!(action.documents().contains(d));
                    }
                    f = apply(&f, action, s, amount, &t);
                }
                Err(e) => {
                    prop_assert!(
                        matches!(e.code(), "case.invalid_transition" | "case.invalid_payment"),
                        "{}", e.code()
                    );
                }
            }
            prop_assert!(f.paid_total <= f.fine_total);
            if f.state == S::Executed {
                prop_assert_eq!(f.paid_total, f.fine_total);
            }
            if was_closed {
                prop_assert_eq!(f.state, S::Closed);
            }
        }
    }
}

/// The walks above are only worth something if they get far: guided walks from a plain
/// pseudo-random sequence visit every state and take every action.
#[test]
fn guided_walks_reach_every_state_and_action() {
    let mut seed: u64 = 0x5eed;
    // SplitMix64: successive values are independent enough for small moduli.
    let mut next = move || {
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut states = std::collections::BTreeSet::new();
    let mut actions = std::collections::BTreeSet::new();
    for _ in 0..2000 {
        let mut f = CaseFacts::new(S::Lead);
        states.insert(f.state);
        for _ in 0..40 {
            let s = Step {
                guided: true,
                pick: next() as usize,
                share: [1000, 400, 1][next() as usize % 3],
                found: next() % 2 == 0,
                fine: [0, 10_000_000][next() as usize % 2],
            };
            let action = s.action(&f);
            let amount =
                (action == A::RecordPayment).then(|| (f.outstanding() * s.share / 1000).max(1));
            if let Ok(t) = transition(&f, action, amount) {
                actions.insert(action);
                f = apply(&f, action, &s, amount, &t);
            }
            states.insert(f.state);
        }
    }
    assert_eq!(states.len(), CaseState::ALL.len(), "{states:?}");
    assert_eq!(actions.len(), Action::ALL.len(), "{actions:?}");
}
