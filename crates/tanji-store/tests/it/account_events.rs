//! Exactly-once ingestion of sub-platforms' events: one outcome per (sub-platform, event id), stored with its ledger
//! transfer; redeliveries answered from the stored outcome; a reused id refused; other sub-platforms denied; and a
//! replay of random streams with duplicates, reordering and crashes (futures dropped mid-way) against a recount.

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use tanji_account::ingestion::{DeliveryRefusal, SubPlatformEvent};
use tanji_account::ledger::Ledger;
use tanji_account::methodology::Activity;
use tanji_account::points::PersonId;
use tanji_account::rules::{Outcome, RejectReason};
use tanji_store::account_events::{Delivery, scheme_rules};
use tanji_store::account_sub_platforms::SubPlatformCaller;
use tanji_store::{Store, StoreError};
use tanji_testkit::account::{MetroScheme, metro_scheme};
use tanji_testkit::{TestDatabase, on_both_databases, start_time};

fn trip(event_id: &str, identity: &str, km: f64, occurred_at: Timestamp) -> SubPlatformEvent {
    SubPlatformEvent {
        event_id: event_id.to_owned(),
        identity: identity.to_owned(),
        behaviour: "metro_trip".to_owned(),
        occurred_at,
        activity: Activity::Distance { person_km: km },
    }
}

async fn caller(store: &Store, secret: &str) -> SubPlatformCaller {
    store.sub_platform_caller(secret).await.unwrap().expect("a valid credential")
}

async fn balance(store: &Store, scheme: &MetroScheme, person: u64) -> u128 {
    let ledger = store.points_ledger(&scheme.owner).await.unwrap();
    let account = scheme_rules().chart.person(PersonId(person));
    ledger.lookup_accounts(&[account]).await.unwrap().first().map_or(0, |account| account.credits_posted)
}

on_both_databases!(an_event_is_credited_once_and_redeliveries_read_its_outcome);
async fn an_event_is_credited_once_and_redeliveries_read_its_outcome(test: TestDatabase) {
    let store = &test.store;
    let scheme = metro_scheme(store, "Metro operator", 2).await;
    let caller = caller(store, &scheme.secret).await;
    let at = start_time() - SignedDuration::from_hours(1);
    let (identity, person) = scheme.people[0].clone();
    // 10 person-km × 46.7 g = 467 g: 467 points at one point per gram.
    let first = trip("e-1", &identity, 10.0, at);
    let answers = store.ingest_events(&caller, scheme.sub_platform_id, std::slice::from_ref(&first)).await.unwrap();
    let Delivery::Recorded(recorded) = &answers[0] else { panic!("{answers:?}") };
    let Outcome::Credited { points, methodology, .. } = recorded.outcome else { panic!("{recorded:?}") };
    assert_eq!((points, methodology.version), (467, 1));
    assert_eq!((recorded.points_credited, recorded.person_number), (467, Some(person)));

    // The same event again (a retry, a redelivery): the stored outcome, nothing credited again.
    for _ in 0..3 {
        let again = store.ingest_events(&caller, scheme.sub_platform_id, std::slice::from_ref(&first)).await.unwrap();
        assert_eq!(again, vec![Delivery::Replayed(recorded.clone())]);
    }
    assert_eq!(balance(store, &scheme, person).await, 467);

    // The same id with another payload is refused, and the first outcome stands.
    let reused = trip("e-1", &identity, 20.0, at);
    let answers = store.ingest_events(&caller, scheme.sub_platform_id, &[reused]).await.unwrap();
    assert_eq!(answers, vec![Delivery::Refused(DeliveryRefusal::EventIdReused { event_id: "e-1".into() })]);

    // Rejections are outcomes too: an unlinked identity, a behaviour the sub-platform may not report.
    let unlinked = trip("e-2", "nobody", 5.0, at);
    let mut bus = trip("e-3", &identity, 5.0, at + SignedDuration::from_mins(5));
    bus.behaviour = "bus_trip".into();
    let answers = store.ingest_events(&caller, scheme.sub_platform_id, &[unlinked, bus]).await.unwrap();
    let reasons: Vec<RejectReason> = answers
        .iter()
        .map(|answer| match answer {
            Delivery::Recorded(recorded) => match &recorded.outcome {
                Outcome::Rejected { reason } => reason.clone(),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        reasons,
        vec![RejectReason::UnlinkedIdentity, RejectReason::BehaviourNotAllowed { behaviour: "bus_trip".into() }]
    );

    // Reconciliation reads every outcome back, in the order recorded.
    let outcomes = store.event_outcomes(&caller, scheme.sub_platform_id, None).await.unwrap();
    let ids: Vec<&str> = outcomes.iter().map(|outcome| outcome.event_id.as_str()).collect();
    assert_eq!(ids.iter().copied().collect::<BTreeSet<_>>(), BTreeSet::from(["e-1", "e-2", "e-3"]));
    assert_eq!(store.event_outcome(&caller, scheme.sub_platform_id, "e-1").await.unwrap(), recorded.clone());
    let later =
        store.event_outcomes(&caller, scheme.sub_platform_id, Some(start_time() + SignedDuration::from_hours(1)));
    assert!(later.await.unwrap().is_empty());
    assert!(matches!(store.event_outcome(&caller, scheme.sub_platform_id, "e-9").await, Err(StoreError::NotFound)));
    store.points_ledger(&scheme.owner).await.unwrap().check().await.unwrap().expect("the ledger's invariants hold");
}

on_both_databases!(a_sub_platform_acts_for_itself_only);
async fn a_sub_platform_acts_for_itself_only(test: TestDatabase) {
    let store = &test.store;
    let scheme = metro_scheme(store, "Metro operator", 1).await;
    let other_tenant = metro_scheme(store, "Other operator", 1).await;
    let at = start_time() - SignedDuration::from_hours(1);
    let event = trip("e-1", &scheme.people[0].0, 10.0, at);
    let own = caller(store, &scheme.secret).await;
    store.ingest_events(&own, scheme.sub_platform_id, std::slice::from_ref(&event)).await.unwrap();
    for secret in [&scheme.other_secret, &other_tenant.secret] {
        let stranger = caller(store, secret).await;
        let posted = store.ingest_events(&stranger, scheme.sub_platform_id, std::slice::from_ref(&event)).await;
        assert!(matches!(posted, Err(StoreError::NotFound)), "{posted:?}");
        let read = store.event_outcomes(&stranger, scheme.sub_platform_id, None).await;
        assert!(matches!(read, Err(StoreError::NotFound)), "{read:?}");
        let one = store.event_outcome(&stranger, scheme.sub_platform_id, "e-1").await;
        assert!(matches!(one, Err(StoreError::NotFound)), "{one:?}");
    }
    // The other sub-platform's own event with the same id is its own: a different transfer, no conflict.
    let other = caller(store, &scheme.other_secret).await;
    let answers = store.ingest_events(&other, scheme.other_sub_platform_id, &[event]).await.unwrap();
    let Delivery::Recorded(recorded) = &answers[0] else { panic!("{answers:?}") };
    assert_eq!(recorded.outcome, Outcome::Rejected { reason: RejectReason::UnlinkedIdentity });
}

/// One step of a delivery stream: deliver event `index`, possibly crashing (dropping the ingestion) after `yields`
/// scheduler yields.
#[derive(Clone, Debug)]
struct Step {
    index: usize,
    crash_after_yields: Option<u8>,
}

fn stream(n_events: usize) -> impl Strategy<Value = Vec<Step>> {
    let step = (0..n_events, proptest::option::weighted(0.3, 0u8..40))
        .prop_map(|(index, crash_after_yields)| Step { index, crash_after_yields });
    proptest::collection::vec(step, 1..40)
}

/// Delivers `event`, dropping the ingestion mid-way after `yields` yields when given (a crash: the transaction is
/// rolled back, nothing is acknowledged). Whether it crashed before the ingestion finished.
async fn deliver(
    store: &Store,
    scheme: &MetroScheme,
    event: &SubPlatformEvent,
    crash_after_yields: Option<u8>,
) -> bool {
    let ingest = store.ingest_nats_event(scheme.sub_platform_id, event);
    match crash_after_yields {
        None => {
            ingest.await.unwrap().expect("an active sub-platform");
            false
        }
        Some(yields) => {
            let crash = async {
                for _ in 0..yields {
                    tokio::task::yield_now().await;
                }
            };
            tokio::select! {
                biased;
                done = ingest => { done.unwrap(); false }
                () = crash => true,
            }
        }
    }
}

on_both_databases!(random_streams_with_duplicates_reordering_and_crashes_credit_each_event_once);
async fn random_streams_with_duplicates_reordering_and_crashes_credit_each_event_once(test: TestDatabase) {
    let store = &test.store;
    let mut runner = TestRunner::deterministic();
    let cases = if test.url.starts_with("postgres") { 4 } else { 6 };
    let mut n_crashes = 0;
    for case in 0..cases {
        let scheme = metro_scheme(store, &format!("Operator {case}"), 3).await;
        let n_events = 8;
        let at = start_time() - SignedDuration::from_hours(2);
        let events: Vec<SubPlatformEvent> = (0..n_events)
            .map(|index| {
                let identity = &scheme.people[index % 3].0;
                trip(
                    &format!("c{case}-e{index}"),
                    identity,
                    1.0 + index as f64,
                    at + SignedDuration::from_mins(index as i64),
                )
            })
            .collect();
        let steps = stream(n_events).new_tree(&mut runner).unwrap().current();
        for step in &steps {
            n_crashes += usize::from(deliver(store, &scheme, &events[step.index], step.crash_after_yields).await);
        }
        // The broker redelivers whatever was not acknowledged: every event, once more, without a crash.
        for event in &events {
            deliver(store, &scheme, event, None).await;
        }
        let caller = caller(store, &scheme.secret).await;
        let outcomes = store.event_outcomes(&caller, scheme.sub_platform_id, None).await.unwrap();
        let ids: BTreeSet<&str> = outcomes.iter().map(|outcome| outcome.event_id.as_str()).collect();
        assert_eq!((outcomes.len(), ids.len()), (n_events, n_events), "one outcome per event: {steps:?}");
        let mut expected: BTreeMap<u64, u128> = BTreeMap::new();
        for outcome in &outcomes {
            *expected.entry(outcome.person_number.expect("linked")).or_default() += u128::from(outcome.points_credited);
        }
        for (_, person) in &scheme.people {
            let credited = expected.get(person).copied().unwrap_or(0);
            assert_eq!(balance(store, &scheme, *person).await, credited, "person {person}: {steps:?}");
        }
        let check = store.points_ledger(&scheme.owner).await.unwrap().check().await.unwrap();
        let check = check.expect("the ledger's invariants hold");
        let n_with_transfer = outcomes.iter().filter(|outcome| outcome.points_credited > 0).count() as u64;
        assert_eq!(check.n_transfers, n_with_transfer, "one transfer per credited event: {steps:?}");
    }
    assert!(n_crashes > 0, "some deliveries were dropped mid-way");
}
