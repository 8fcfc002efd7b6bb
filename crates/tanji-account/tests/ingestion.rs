//! Events as sub-platforms send them: admission (behaviour registered, identity linked, event id well formed) and the
//! payload digest that tells a faithful redelivery from a reused event id.

use jiff::Timestamp;
use proptest::prelude::*;
use tanji_account::ingestion::{SubPlatformEvent, credited_points, outcome_code};
use tanji_account::methodology::{Activity, ActivityUnit};
use tanji_account::points::PersonId;
use tanji_account::rules::{EventProblem, Outcome, RejectReason, event_transfer_id};

fn trip(km: f64) -> SubPlatformEvent {
    SubPlatformEvent {
        event_id: "trip-1".into(),
        identity: "rider-1".into(),
        behaviour: "metro_trip".into(),
        occurred_at: "2026-03-02T08:00:00Z".parse::<Timestamp>().unwrap(),
        activity: Activity::Distance { person_km: km },
    }
}

#[test]
fn an_event_is_admitted_only_for_a_registered_behaviour_and_a_linked_identity() {
    let event = trip(10.0);
    let admitted = event.admit(3, &["metro_trip"], Some(PersonId(7))).unwrap();
    assert_eq!((admitted.sub_platform, admitted.person, admitted.event_id.as_str()), (3, PersonId(7), "trip-1"));
    assert_eq!(event.admit(3, &["metro_trip"], None), Err(RejectReason::UnlinkedIdentity));
    assert_eq!(
        event.admit(3, &["bus_trip"], Some(PersonId(7))),
        Err(RejectReason::BehaviourNotAllowed { behaviour: "metro_trip".into() })
    );
    // A malformed event id is named first, whatever else is wrong.
    let mut broken = trip(10.0);
    broken.event_id = "trip\n1".into();
    assert_eq!(
        broken.admit(3, &["bus_trip"], None),
        Err(RejectReason::InvalidEvent { problem: EventProblem::EventIdHasControlCharacters })
    );
    // An empty identity is never linked, even if the adapter found something.
    let mut anonymous = trip(10.0);
    anonymous.identity = " ".into();
    assert_eq!(anonymous.admit(3, &["metro_trip"], Some(PersonId(7))), Err(RejectReason::UnlinkedIdentity));
}

#[test]
fn the_same_event_id_of_two_sub_platforms_is_two_transfers() {
    assert_ne!(event_transfer_id(1, "trip-1"), event_transfer_id(2, "trip-1"));
    assert_eq!(event_transfer_id(1, "trip-1"), event_transfer_id(1, "trip-1"));
}

#[test]
fn outcome_codes_and_credited_points() {
    let rejected = Outcome::Rejected { reason: RejectReason::UnlinkedIdentity };
    assert_eq!((outcome_code(&rejected), credited_points(&rejected)), ("rejected", 0));
}

fn activity() -> impl Strategy<Value = Activity> {
    prop_oneof![
        (0.0f64..500.0).prop_map(|person_km| Activity::Distance { person_km }),
        (0u32..20).prop_map(|units| Activity::Count { unit: ActivityUnit::Order, units }),
        ("[a-z]{1,6}", 0u32..5).prop_map(|(category, items)| Activity::SecondHandItems { category, items }),
    ]
}

fn event() -> impl Strategy<Value = SubPlatformEvent> {
    ("[a-z0-9-]{1,12}", "[a-z0-9-]{0,8}", "(metro|bus)_trip", 0i64..1_000_000, activity()).prop_map(
        |(event_id, identity, behaviour, seconds, activity)| SubPlatformEvent {
            event_id,
            identity,
            behaviour,
            occurred_at: Timestamp::from_second(1_772_000_000 + seconds).unwrap(),
            activity,
        },
    )
}

proptest! {
    /// A redelivery (the same payload) has the same digest; any change of any field changes it.
    #[test]
    fn the_digest_is_equal_exactly_for_equal_payloads(first in event(), second in event()) {
        prop_assert_eq!(first.digest(), first.clone().digest());
        prop_assert_eq!(first == second, first.digest() == second.digest());
    }
}
