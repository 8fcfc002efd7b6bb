//! Events to outcomes: every outcome a sub-platform can read back, and the points operations after them.

mod support;

use jiff::{SignedDuration, Timestamp};
use support::*;
use tanji_account::ledger::memory::{MemoryLedger, ready};
use tanji_account::ledger::{Ledger, TransferError};
use tanji_account::methodology::{MethodologyVersionKey, ReductionError};
use tanji_account::points::{Lots, PersonId, Spend, SpendError};
use tanji_account::rules::{
    CapKind, Event, HoldReason, OperationError, Outcome, RejectReason, Rules, Velocity, collect, event_transfer_id,
    expire_due, ingest, release_due, reverse, review, spend,
};

const METRO_V1: MethodologyVersionKey = MethodologyVersionKey { methodology_id: METRO, version: 1 };
const NO_CUTLERY_V1: MethodologyVersionKey = MethodologyVersionKey { methodology_id: NO_CUTLERY, version: 1 };

/// Ingests `events` in order, each at its arrival time, and checks each outcome.
fn check(rules: &Rules, events: &[(Timestamp, Event, Outcome)]) -> MemoryLedger {
    let registry = registry();
    let mut ledger = ledger(rules);
    for (event_idx, (now, event, expect)) in events.iter().enumerate() {
        let outcome = ready(ingest(&mut ledger, rules, &registry, event, *now)).unwrap();
        assert_eq!(&outcome, expect, "event {event_idx} ({})", event.event_id);
        ledger.assert_invariants();
    }
    ledger
}

fn credited(event: &Event, points: u128, reduction_g_co2e: f64, methodology: MethodologyVersionKey) -> Outcome {
    Outcome::Credited {
        transfer_id: event_transfer_id(event.sub_platform, &event.event_id),
        points,
        reduction_g_co2e,
        methodology,
    }
}

fn available(ledger: &MemoryLedger, rules: &Rules, person: u64, now: Timestamp) -> u128 {
    let account_id = rules.chart.person(PersonId(person));
    let transfers = ready(ledger.account_transfers(account_id)).unwrap();
    Lots::replay(account_id, &transfers).unwrap().available(now)
}

#[test]
fn a_metro_trip_credits_its_reduction_once_however_often_it_is_delivered() {
    let rules = rules();
    let now = t("2026-06-01T02:00:00Z");
    let trip = metro("m-1", 7, t("2026-06-01T01:30:00Z"), 10.0);
    let ledger = check(
        &rules,
        &[
            // 10 person-km × 46.7 g = 467 g → 467 points at one point per gram.
            (now, trip.clone(), credited(&trip, 467, 467.0, METRO_V1)),
            (
                now + SignedDuration::from_secs(60),
                trip.clone(),
                Outcome::Duplicate { transfer_id: event_transfer_id(3, "m-1"), points: 467, methodology: METRO_V1 },
            ),
        ],
    );
    assert_eq!(available(&ledger, &rules, 7, now), 467);
}

#[test]
fn the_same_event_id_from_another_sub_platform_is_another_event() {
    assert_ne!(event_transfer_id(1, "e-1"), event_transfer_id(2, "e-1"));
    assert_ne!(event_transfer_id(1, "e-1"), event_transfer_id(1, "e-2"));
    // Length prefixes keep (1, "2e") and (12, "e") apart even though their bytes would concatenate alike.
    assert_ne!(event_transfer_id(1, "1"), event_transfer_id(0, "11"));
}

#[test]
fn caps_limit_a_day_per_behaviour_and_overall() {
    let rules = rules();
    let now = t("2026-06-01T12:00:00Z");
    let at = t("2026-06-01T03:00:00Z");
    let second = |n: i64| at + SignedDuration::from_secs(n);
    let trip = |id: &str, n: i64, km: f64| metro(id, 7, second(n), km);
    let events = [
        (now, trip("a", 0, 20.0), credited(&trip("a", 0, 20.0), 934, 934.0, METRO_V1)),
        // The metro cap is 1,500 points a day: 566 left of the 934 asked.
        (
            now,
            trip("b", 1, 20.0),
            Outcome::Capped {
                transfer_id: Some(event_transfer_id(3, "b")),
                points_credited: 566,
                points_requested: 934,
                cap: CapKind::BehaviourDailyPoints,
                reduction_g_co2e: 934.0,
                methodology: METRO_V1,
            },
        ),
        (
            now,
            trip("c", 2, 1.0),
            Outcome::Capped {
                transfer_id: None,
                points_credited: 0,
                points_requested: 46,
                cap: CapKind::BehaviourDailyPoints,
                reduction_g_co2e: 46.7,
                methodology: METRO_V1,
            },
        ),
        (
            now,
            no_cutlery("o1", 7, second(3), 5),
            credited(&no_cutlery("o1", 7, second(3), 5), 200, 200.0, NO_CUTLERY_V1),
        ),
        (
            now,
            no_cutlery("o2", 7, second(4), 5),
            credited(&no_cutlery("o2", 7, second(4), 5), 200, 200.0, NO_CUTLERY_V1),
        ),
        // The daily cap over all behaviours is 2,000: 1,500 + 400 so far, 100 left.
        (
            now,
            no_cutlery("o3", 7, second(5), 5),
            Outcome::Capped {
                transfer_id: Some(event_transfer_id(1, "o3")),
                points_credited: 100,
                points_requested: 200,
                cap: CapKind::DailyPoints,
                reduction_g_co2e: 200.0,
                methodology: NO_CUTLERY_V1,
            },
        ),
        // The fourth no-cutlery order of the day is over the behaviour's event cap.
        (
            now,
            no_cutlery("o4", 7, second(6), 1),
            Outcome::Capped {
                transfer_id: None,
                points_credited: 0,
                points_requested: 40,
                cap: CapKind::BehaviourDailyEvents,
                reduction_g_co2e: 40.0,
                methodology: NO_CUTLERY_V1,
            },
        ),
        // The next day (in +08:00) starts afresh; 16:00 UTC on 1 June is 00:00 on 2 June in China.
        (
            now + SignedDuration::from_hours(5),
            trip("d", 13 * 3600, 2.0),
            credited(&trip("d", 13 * 3600, 2.0), 93, 93.4, METRO_V1),
        ),
    ];
    let ledger = check(&rules, &events);
    assert_eq!(available(&ledger, &rules, 7, now + SignedDuration::from_hours(5)), 2000 + 93);
}

#[test]
fn rejections_carry_their_reason() {
    let rules = rules();
    let now = t("2026-06-10T02:00:00Z");
    let mut unknown = metro("u", 7, t("2026-06-10T01:00:00Z"), 1.0);
    unknown.behaviour = "cycling".into();
    let mut wrong_activity = metro("w", 7, t("2026-06-10T01:00:01Z"), 1.0);
    wrong_activity.activity = no_cutlery("x", 7, now, 1).activity;
    check(
        &rules,
        &[
            (
                now,
                unknown,
                Outcome::Rejected {
                    reason: RejectReason::NoApprovedMethodology {
                        behaviour: "cycling".into(),
                        on: jiff::civil::date(2026, 6, 10),
                    },
                },
            ),
            (
                now,
                metro("late", 7, t("2026-06-02T01:00:00Z"), 5.0),
                Outcome::Rejected {
                    reason: RejectReason::ClaimWindowClosed {
                        occurred_on: jiff::civil::date(2026, 6, 2),
                        window_days: 7,
                    },
                },
            ),
            (
                now,
                metro("future", 7, t("2026-06-10T02:06:00Z"), 5.0),
                Outcome::Rejected { reason: RejectReason::OccurredInTheFuture },
            ),
            (
                now,
                wrong_activity,
                Outcome::Rejected {
                    reason: RejectReason::InvalidActivity { problem: ReductionError::ActivityDoesNotFitFormula },
                },
            ),
            (
                now,
                metro("tiny", 7, t("2026-06-10T01:00:02Z"), 0.01),
                Outcome::Rejected { reason: RejectReason::NoReduction },
            ),
            (
                now,
                metro("first", 7, t("2026-06-10T01:00:03Z"), 1.0),
                credited(&metro("first", 7, t("2026-06-10T01:00:03Z"), 1.0), 46, 46.7, METRO_V1),
            ),
            // The same trip sent again under a new event id.
            (
                now,
                metro("again", 7, t("2026-06-10T01:00:03Z"), 1.0),
                Outcome::Rejected {
                    reason: RejectReason::DuplicateActivity { original: event_transfer_id(3, "first") },
                },
            ),
        ],
    );
}

#[test]
fn a_trip_before_the_methodology_was_approved_earns_nothing() {
    let rules = Rules { claim_window_days: 400, ..rules() };
    check(
        &rules,
        &[(
            t("2026-01-06T02:00:00Z"),
            metro("old", 7, t("2026-01-05T01:00:00Z"), 3.0),
            Outcome::Rejected {
                reason: RejectReason::NoApprovedMethodology {
                    behaviour: "metro_trip".into(),
                    on: jiff::civil::date(2026, 1, 5),
                },
            },
        )],
    );
}

#[test]
fn fast_or_implausible_events_are_held_and_a_reviewer_releases_or_reverses_them() {
    let rules = Rules { velocity: Some(Velocity { max_events: 2, window_seconds: 600 }), ..rules() };
    let registry = registry();
    let mut ledger = ledger(&rules);
    let now = t("2026-06-01T02:00:00Z");
    let mut outcomes = Vec::new();
    for (event_idx, event) in [
        metro("a", 7, t("2026-06-01T01:00:00Z"), 2.0),
        metro("b", 7, t("2026-06-01T01:10:00Z"), 2.0),
        metro("c", 7, t("2026-06-01T01:20:00Z"), 2.0),
        metro("d", 9, t("2026-06-01T01:20:00Z"), 120.0),
    ]
    .iter()
    .enumerate()
    {
        let at = now + SignedDuration::from_secs(event_idx as i64);
        outcomes.push(ready(ingest(&mut ledger, &rules, &registry, event, at)).unwrap());
    }
    assert!(matches!(outcomes[1], Outcome::Credited { .. }));
    let Outcome::Held { transfer_id: held_c, reason: HoldReason::Velocity, points: 93, .. } = outcomes[2] else {
        panic!("{:?}", outcomes[2]);
    };
    // 120 km is above the methodology's plausible 80 km per trip; 1,500 is the metro cap.
    let Outcome::Held { transfer_id: held_d, reason: HoldReason::LargeQuantity, points: 1500, .. } = outcomes[3] else {
        panic!("{:?}", outcomes[3]);
    };
    let later = now + SignedDuration::from_hours(1);
    assert_eq!(available(&ledger, &rules, 7, later), 93 * 2, "held points are not spendable");
    ready(review(&mut ledger, &rules, PersonId(7), held_c, true, later)).unwrap();
    assert_eq!(available(&ledger, &rules, 7, later), 93 * 3);
    ready(review(&mut ledger, &rules, PersonId(9), held_d, false, later)).unwrap();
    assert_eq!(available(&ledger, &rules, 9, later), 0);
    // A second decision on the same credit is refused by the ledger; the wrong person's review finds nothing.
    let again = ready(review(&mut ledger, &rules, PersonId(9), held_d, true, later));
    assert!(matches!(again, Err(OperationError::Refused(TransferError::PendingTransferAlreadyVoided))));
    let wrong_person = ready(review(&mut ledger, &rules, PersonId(9), held_c, true, later));
    assert!(matches!(wrong_person, Err(OperationError::NoSuchPending)));
    ledger.assert_invariants();
}

#[test]
fn delayed_issuance_releases_when_due_and_only_once() {
    let rules = Rules { issuance_delay_seconds: 3600, ..rules() };
    let registry = registry();
    let mut ledger = ledger(&rules);
    let now = t("2026-06-01T02:00:00Z");
    let outcome = ready(ingest(&mut ledger, &rules, &registry, &metro("a", 7, now, 10.0), now)).unwrap();
    assert!(matches!(outcome, Outcome::Held { reason: HoldReason::DelayedIssuance { .. }, points: 467, .. }));
    let early = now + SignedDuration::from_secs(3599);
    assert_eq!(ready(release_due(&mut ledger, &rules, PersonId(7), early)).unwrap(), 0);
    assert_eq!(available(&ledger, &rules, 7, early), 0);
    let due = now + SignedDuration::from_secs(3600);
    assert_eq!(ready(release_due(&mut ledger, &rules, PersonId(7), due)).unwrap(), 1);
    assert_eq!(ready(release_due(&mut ledger, &rules, PersonId(7), due)).unwrap(), 0);
    assert_eq!(available(&ledger, &rules, 7, due), 467);
    ledger.assert_invariants();
}

#[test]
fn points_not_collected_within_the_window_lapse() {
    // Ant Forest's practice (REFERENCES.md §7): energy not collected within 3 days is lost.
    let rules = Rules { collect_window_seconds: 3 * 86_400, ..rules() };
    let registry = registry();
    let mut ledger = ledger(&rules);
    let now = t("2026-06-01T02:00:00Z");
    let Outcome::Held { transfer_id: first, .. } =
        ready(ingest(&mut ledger, &rules, &registry, &metro("a", 7, now, 10.0), now)).unwrap()
    else {
        panic!()
    };
    let Outcome::Held { transfer_id: second, .. } =
        ready(ingest(&mut ledger, &rules, &registry, &metro("b", 7, now + SignedDuration::from_secs(1), 10.0), now))
            .unwrap()
    else {
        panic!()
    };
    let day_2 = now + SignedDuration::from_hours(48);
    ready(collect(&mut ledger, &rules, PersonId(7), first, day_2)).unwrap();
    let day_4 = now + SignedDuration::from_hours(96);
    let late = ready(collect(&mut ledger, &rules, PersonId(7), second, day_4));
    assert!(matches!(late, Err(OperationError::Refused(TransferError::PendingTransferExpired))));
    assert_eq!(available(&ledger, &rules, 7, day_2), 467);
    ledger.assert_invariants();
}

#[test]
fn expired_points_are_swept_before_a_spend_and_never_spent() {
    let rules = rules();
    let registry = registry();
    let mut ledger = ledger(&rules);
    let day_1 = t("2026-06-01T02:00:00Z");
    let day_3 = t("2026-06-03T02:00:00Z");
    ready(ingest(&mut ledger, &rules, &registry, &metro("a", 7, day_1, 10.0), day_1)).unwrap();
    ready(ingest(&mut ledger, &rules, &registry, &metro("b", 7, day_3, 10.0), day_3)).unwrap();
    // Lots last 3 days: on 4 June 02:00 the first lot (467) has expired.
    let day_4 = t("2026-06-04T02:00:00Z");
    assert_eq!(available(&ledger, &rules, 7, day_4), 467);
    let too_much = ready(spend(&mut ledger, &rules, PersonId(7), Spend::Redeem { offer: 5 }, 468, 900, day_4));
    assert!(matches!(
        too_much,
        Err(OperationError::Spend(SpendError::InsufficientPoints { available: 467, requested: 468 }))
    ));
    ready(spend(&mut ledger, &rules, PersonId(7), Spend::Redeem { offer: 5 }, 400, 901, day_4)).unwrap();
    // A retry of the same request spends nothing more.
    ready(spend(&mut ledger, &rules, PersonId(7), Spend::Redeem { offer: 5 }, 400, 901, day_4)).unwrap();
    assert_eq!(available(&ledger, &rules, 7, day_4), 67);
    ready(spend(&mut ledger, &rules, PersonId(7), Spend::Donate { project: 2 }, 67, 902, day_4)).unwrap();
    let account = ready(ledger.lookup_accounts(&[rules.chart.person(PersonId(7))])).unwrap()[0];
    assert_eq!(account.credit_balance_posted(), 0);
    let expired = ready(ledger.lookup_accounts(&[rules.chart.expired()])).unwrap()[0];
    assert_eq!(expired.credits_posted, 467);
    assert_eq!(ready(expire_due(&mut ledger, &rules, PersonId(7), day_4)).unwrap(), 0);
    ledger.assert_invariants();
}

#[test]
fn a_reversal_takes_back_what_is_left_of_a_credit() {
    let rules = rules();
    let registry = registry();
    let mut ledger = ledger(&rules);
    let now = t("2026-06-01T02:00:00Z");
    ready(ingest(&mut ledger, &rules, &registry, &metro("a", 7, now, 10.0), now)).unwrap();
    ready(ingest(&mut ledger, &rules, &registry, &metro("b", 7, now + SignedDuration::from_secs(1), 10.0), now))
        .unwrap();
    // FIFO: the spend takes 300 from lot "a" (same expiry, credited first).
    ready(spend(&mut ledger, &rules, PersonId(7), Spend::Redeem { offer: 1 }, 300, 77, now)).unwrap();
    let reversal = ready(reverse(&mut ledger, &rules, PersonId(7), event_transfer_id(3, "a"), now)).unwrap();
    assert_eq!((reversal.reversed, reversal.shortfall), (167, 300));
    let again = ready(reverse(&mut ledger, &rules, PersonId(7), event_transfer_id(3, "a"), now)).unwrap();
    assert_eq!(again.reversed, 0, "reversing twice takes nothing more");
    assert_eq!(available(&ledger, &rules, 7, now), 467);
    ledger.assert_invariants();
}

#[test]
fn a_release_retried_later_succeeds_without_crediting_again() {
    // Regression: the release's lot expiry depends on when it is decided, so a retry an hour later had a different
    // body and the ledger refused it (exists with a different user_data_64).
    let rules = Rules { collect_window_seconds: 86_400, ..rules() };
    let registry = registry();
    let mut ledger = ledger(&rules);
    let now = t("2026-06-01T02:00:00Z");
    let Outcome::Held { transfer_id, .. } =
        ready(ingest(&mut ledger, &rules, &registry, &metro("a", 7, now, 10.0), now)).unwrap()
    else {
        panic!()
    };
    ready(collect(&mut ledger, &rules, PersonId(7), transfer_id, now)).unwrap();
    let later = now + SignedDuration::from_hours(1);
    ready(collect(&mut ledger, &rules, PersonId(7), transfer_id, later)).unwrap();
    assert_eq!(available(&ledger, &rules, 7, later), 467);
    // A fraud finding after the release takes the points back from the lot.
    let void = ready(reverse(&mut ledger, &rules, PersonId(7), transfer_id, later)).unwrap();
    assert_eq!((void.reversed, void.shortfall), (467, 0), "a released credit is reversed from its lot");
    ledger.assert_invariants();
}

#[test]
fn malformed_events_are_rejected_naming_the_problem() {
    use tanji_account::rules::{EventProblem, MAX_ID_CHARS};
    let rules = rules();
    let now = t("2026-06-01T02:00:00Z");
    let at = t("2026-06-01T01:00:00Z");
    let mut no_behaviour = metro("nb", 7, at, 1.0);
    no_behaviour.behaviour = " ".into();
    let invalid = |problem| Outcome::Rejected { reason: RejectReason::InvalidEvent { problem } };
    check(
        &rules,
        &[
            (now, metro("", 7, at, 1.0), invalid(EventProblem::EventIdEmpty)),
            (
                now,
                metro(&"x".repeat(MAX_ID_CHARS + 1), 7, at, 1.0),
                invalid(EventProblem::EventIdTooLong { max_chars: MAX_ID_CHARS }),
            ),
            (now, metro("a\nb", 7, at, 1.0), invalid(EventProblem::EventIdHasControlCharacters)),
            (now, no_behaviour, invalid(EventProblem::BehaviourEmpty)),
            // 128 characters, Chinese included, are fine.
            (
                now,
                metro(&"订".repeat(MAX_ID_CHARS), 7, at, 1.0),
                credited(&metro(&"订".repeat(MAX_ID_CHARS), 7, at, 1.0), 46, 46.7, METRO_V1),
            ),
        ],
    );
}

#[test]
fn outcomes_are_stored_as_json_with_their_codes_as_tags() {
    use tanji_account::rules::EventProblem;
    let reasons = [
        RejectReason::InvalidEvent { problem: EventProblem::EventIdEmpty },
        RejectReason::NoApprovedMethodology { behaviour: "metro_trip".into(), on: jiff::civil::date(2026, 6, 1) },
        RejectReason::InvalidActivity { problem: ReductionError::InvalidQuantity { value: -1.0 } },
        RejectReason::NoReduction,
        RejectReason::ClaimWindowClosed { occurred_on: jiff::civil::date(2026, 6, 1), window_days: 7 },
        RejectReason::OccurredInTheFuture,
        RejectReason::DuplicateActivity { original: 9 },
        RejectReason::LedgerRefused { error: TransferError::ExceedsCredits },
    ];
    for reason in reasons {
        let json = serde_json::to_value(&reason).unwrap();
        assert_eq!(json["code"], reason.code(), "{json}");
        let outcome = Outcome::Rejected { reason };
        let text = serde_json::to_string(&outcome).unwrap();
        assert_eq!(serde_json::from_str::<Outcome>(&text).unwrap(), outcome, "{text}");
    }
    let held = Outcome::Held {
        transfer_id: u128::MAX - 1,
        points: 5,
        reason: HoldReason::DelayedIssuance { release_at: t("2026-06-01T03:00:00Z") },
        reduction_g_co2e: 5.5,
        methodology: METRO_V1,
    };
    let text = serde_json::to_string(&held).unwrap();
    assert!(text.contains(&format!("\"transfer_id\":\"{}\"", u128::MAX - 1)), "ids travel as decimal text: {text}");
    assert_eq!(serde_json::from_str::<Outcome>(&text).unwrap(), held, "{text}");
    let capped = Outcome::Capped {
        transfer_id: None,
        points_credited: 0,
        points_requested: 40,
        cap: CapKind::DailyPoints,
        reduction_g_co2e: 40.0,
        methodology: METRO_V1,
    };
    let text = serde_json::to_string(&capped).unwrap();
    assert_eq!(serde_json::from_str::<Outcome>(&text).unwrap(), capped, "{text}");
    let problem = SpendError::InsufficientPoints { available: 3, requested: 4 };
    let text = serde_json::to_string(&problem).unwrap();
    assert_eq!(text, r#"{"code":"insufficient_points","available":3,"requested":4}"#);
    assert_eq!(serde_json::from_str::<SpendError>(&text).unwrap(), problem);
}
