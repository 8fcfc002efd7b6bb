//! Events as a sub-platform sends them (HTTP batch or NATS JetStream), before tanji knows whose they are.
//!
//! A sub-platform names the person by its own identity for them (`identity`), not by tanji's person number; the
//! adapter looks the identity up among the links in force and passes the person (or `None`) to `admit`, which also
//! checks that the sub-platform may report the behaviour. An admitted event goes on to `rules::decide`, whose
//! transfer id is `rules::event_transfer_id(sub-platform number, event id)`: the same for every delivery, so the
//! ledger applies one credit whatever the broker's duplicate window.
//!
//! Exactly once end to end also needs the outcome stored with the transfer (in the same transaction) and keyed by
//! (sub-platform, event id): a second delivery then reads the stored outcome instead of deciding again. `digest`
//! tells a faithful redelivery (same payload) from an event id reused for a different event, which is refused
//! (`DeliveryRefusal::EventIdReused`) rather than answered with the first event's outcome.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::methodology::{Activity, MethodologyRegistry};
use crate::points::PersonId;
use crate::rules::{Decision, Event, MAX_ID_CHARS, Outcome, PersonHistory, RejectReason, Rules, decide};

/// The most events one HTTP batch may carry.
pub const MAX_BATCH_EVENTS: usize = 1000;

/// An event as a sub-platform reports it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubPlatformEvent {
    /// The sub-platform's own id for the event, unique within the sub-platform (also NATS's `Nats-Msg-Id`).
    pub event_id: String,
    /// The person's identity at the sub-platform, as linked to their parent account.
    pub identity: String,
    /// The behaviour code (`metro_trip`, `no_cutlery_order`, …).
    pub behaviour: String,
    pub occurred_at: Timestamp,
    pub activity: Activity,
}

/// Why a delivery gets no outcome at all (it is refused, and nothing is stored for it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum DeliveryRefusal {
    /// The event id was used before for an event with a different payload; the first event's outcome stands.
    EventIdReused { event_id: String },
}

impl SubPlatformEvent {
    /// A fingerprint of the payload (SHA-256, hex): equal for a faithful redelivery, different when any field
    /// differs. Floating-point quantities are compared by their exact bits.
    pub fn digest(&self) -> String {
        let mut hasher = Sha256::new();
        let occurred = self.occurred_at.as_nanosecond().to_be_bytes();
        let activity = activity_bytes(&self.activity);
        for part in
            [self.event_id.as_bytes(), self.identity.as_bytes(), self.behaviour.as_bytes(), &occurred, &activity]
        {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part);
        }
        hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
    }

    /// The event in the rules' terms, if the sub-platform may report its behaviour and the identity is linked to a
    /// parent account (`person`); else the reason it earns nothing. A malformed event id or behaviour is named first.
    pub fn admit(
        &self,
        sub_platform: u32,
        allowed_behaviours: &[&str],
        person: Option<PersonId>,
    ) -> Result<Event, RejectReason> {
        let mut event = Event {
            sub_platform,
            event_id: self.event_id.clone(),
            person: PersonId(0),
            behaviour: self.behaviour.clone(),
            occurred_at: self.occurred_at,
            activity: self.activity.clone(),
        };
        if let Some(problem) = event.problem() {
            return Err(RejectReason::InvalidEvent { problem });
        }
        if !allowed_behaviours.contains(&self.behaviour.as_str()) {
            return Err(RejectReason::BehaviourNotAllowed { behaviour: self.behaviour.clone() });
        }
        let linked = !self.identity.trim().is_empty() && self.identity.chars().count() <= MAX_ID_CHARS;
        match person.filter(|_| linked) {
            Some(person) => {
                event.person = person;
                Ok(event)
            }
            None => Err(RejectReason::UnlinkedIdentity),
        }
    }
}

/// The bytes of an activity for the digest: its variant and fields in order, numbers as their exact bits.
fn activity_bytes(activity: &Activity) -> Vec<u8> {
    let mut bytes = Vec::new();
    let text = |bytes: &mut Vec<u8>, value: &str| {
        bytes.extend((value.len() as u64).to_be_bytes());
        bytes.extend(value.as_bytes());
    };
    match activity {
        Activity::Count { unit, units } => {
            bytes.push(1);
            text(&mut bytes, &format!("{unit:?}"));
            bytes.extend(units.to_be_bytes());
        }
        Activity::Distance { person_km } => {
            bytes.push(2);
            bytes.extend(person_km.to_bits().to_be_bytes());
        }
        Activity::SecondHandItems { category, items } => {
            bytes.push(3);
            text(&mut bytes, category);
            bytes.extend(items.to_be_bytes());
        }
        Activity::Electricity { baseline_kwh, metered_kwh } => {
            bytes.push(4);
            bytes.extend(baseline_kwh.to_bits().to_be_bytes());
            bytes.extend(metered_kwh.to_bits().to_be_bytes());
        }
        Activity::LabelledPurchase { label_id, units, footprint_g_co2e, baseline_g_co2e } => {
            bytes.push(5);
            text(&mut bytes, label_id);
            bytes.extend(units.to_be_bytes());
            bytes.extend(footprint_g_co2e.to_bits().to_be_bytes());
            bytes.extend(baseline_g_co2e.to_bits().to_be_bytes());
        }
    }
    bytes
}

/// What a first delivery of an event earns: rejected when `admit` refuses it, else `rules::decide` on the person's
/// history (replayed from their transfers at `now`).
pub fn decide_delivery(
    rules: &Rules,
    registry: &MethodologyRegistry,
    admitted: Result<&Event, RejectReason>,
    history: &PersonHistory,
    now: Timestamp,
) -> Decision {
    match admitted {
        Ok(event) => decide(rules, registry, event, history, now),
        Err(reason) => Decision { outcome: Outcome::Rejected { reason }, transfer: None },
    }
}

/// The points an outcome put on the person's account for good (credited, or capped with some credit); held
/// points are not counted until released.
pub fn credited_points(outcome: &Outcome) -> u128 {
    match outcome {
        Outcome::Credited { points, .. } => *points,
        Outcome::Capped { points_credited, .. } => *points_credited,
        Outcome::Held { .. } | Outcome::Rejected { .. } | Outcome::Duplicate { .. } => 0,
    }
}

/// A short code for an outcome (`credited`, `capped`, `held`, `rejected`, `duplicate`), for lists and filters.
pub fn outcome_code(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Credited { .. } => "credited",
        Outcome::Capped { .. } => "capped",
        Outcome::Held { .. } => "held",
        Outcome::Rejected { .. } => "rejected",
        Outcome::Duplicate { .. } => "duplicate",
    }
}

/// The ledger transfer an outcome names, if any.
pub fn outcome_transfer(outcome: &Outcome) -> Option<u128> {
    match outcome {
        Outcome::Credited { transfer_id, .. }
        | Outcome::Held { transfer_id, .. }
        | Outcome::Duplicate { transfer_id, .. } => Some(*transfer_id),
        Outcome::Capped { transfer_id, .. } => *transfer_id,
        Outcome::Rejected { .. } => None,
    }
}
