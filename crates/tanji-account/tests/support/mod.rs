//! A scheme for the tests: two approved methodologies (Shenzhen metro per person-km, a no-cutlery order with a test
//! figure) and rules an operator might set; and the replay properties (`replay`, `replay_held`), generic over the
//! ledger so that tanji-store's tests run them on SQLite and PostgreSQL (they include this directory by path).

#![allow(dead_code)]

pub mod replay;
pub mod replay_held;

use std::collections::BTreeMap;
use std::future::Future;

use jiff::Timestamp;
use jiff::civil::date;
use tanji_account::ledger::Ledger;
use tanji_account::ledger::memory::{MemoryLedger, ready};
use tanji_account::methodology::{
    Activity, ActivityUnit, Citation, Decision, Formula, MethodologyId, MethodologyRegistry, MethodologyVersion,
    MethodologyVersionKey, ReviewPolicy, ReviewStatus, WorkingCalendar, published,
};
use tanji_account::points::{Chart, PersonId};
use tanji_account::rules::{BehaviourCap, Event, Rules, open_scheme};

pub const METRO: MethodologyId = MethodologyId(1);
pub const NO_CUTLERY: MethodologyId = MethodologyId(2);
/// A test figure for one order without disposable cutlery (not a published value; operators enter their own).
pub const NO_CUTLERY_G_PER_ORDER: f64 = 40.0;

pub fn t(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn approve(mut version: MethodologyVersion) -> MethodologyVersion {
    let on = date(2026, 1, 5);
    let policy = ReviewPolicy { approvals_required: 2, public_notice_working_days: 7 };
    version.submit_for_review(on).unwrap();
    version.sign_off("expert-a", Decision::Approve, on).unwrap();
    version.sign_off("expert-b", Decision::Approve, on).unwrap();
    version.start_public_notice(on, &policy, &WorkingCalendar::default()).unwrap();
    let ReviewStatus::PublicNotice { until, .. } = version.status else { unreachable!() };
    version.approve(until.tomorrow().unwrap()).unwrap();
    version
}

pub fn registry() -> MethodologyRegistry {
    let mut registry = MethodologyRegistry::new();
    registry
        .add(approve(MethodologyVersion::draft(
            MethodologyVersionKey { methodology_id: METRO, version: 1 },
            "metro_trip",
            published::shenzhen_metro(),
            published::shenzhen_public_transport_citation(),
            "operator",
            80.0,
        )))
        .unwrap();
    registry
        .add(approve(MethodologyVersion::draft(
            MethodologyVersionKey { methodology_id: NO_CUTLERY, version: 1 },
            "no_cutlery_order",
            Formula::PerUnit { unit: ActivityUnit::Order, reduction_per_unit_g_co2e: NO_CUTLERY_G_PER_ORDER },
            Citation {
                title: "test methodology".into(),
                publisher: "tanji tests".into(),
                version: None,
                year: None,
                region: None,
                licence: None,
                url: None,
            },
            "operator",
            5.0,
        )))
        .unwrap();
    registry
}

pub fn rules() -> Rules {
    Rules {
        chart: Chart { ledger: 88 },
        utc_offset_seconds: 8 * 3600,
        points_per_kg_co2e: 1000,
        points_valid_days: Some(3),
        daily_cap_points: Some(2000),
        behaviour_caps: BTreeMap::from([
            ("metro_trip".to_owned(), BehaviourCap { daily_points: Some(1500), daily_events: Some(5) }),
            ("no_cutlery_order".to_owned(), BehaviourCap { daily_points: None, daily_events: Some(3) }),
        ]),
        claim_window_days: 7,
        issuance_delay_seconds: 0,
        collect_window_seconds: 0,
        velocity: None,
    }
}

pub fn ledger(rules: &Rules) -> MemoryLedger {
    let mut ledger = MemoryLedger::new();
    ready(open_scheme(&mut ledger, rules.chart, t("2026-01-01T00:00:00Z"))).unwrap();
    ledger
}

pub fn metro(event_id: &str, person: u64, occurred_at: Timestamp, person_km: f64) -> Event {
    Event {
        sub_platform: 3,
        event_id: event_id.to_owned(),
        person: PersonId(person),
        behaviour: "metro_trip".into(),
        occurred_at,
        activity: Activity::Distance { person_km },
    }
}

pub fn no_cutlery(event_id: &str, person: u64, occurred_at: Timestamp, orders: u32) -> Event {
    Event {
        sub_platform: 1,
        event_id: event_id.to_owned(),
        person: PersonId(person),
        behaviour: "no_cutlery_order".into(),
        occurred_at,
        activity: Activity::Count { unit: ActivityUnit::Order, units: orders },
    }
}

/// A ledger whose invariants a test can check from scratch after every step.
pub trait AuditedLedger: Ledger {
    /// Recomputes every invariant from what the ledger holds.
    ///
    /// # Panics
    /// If one does not hold.
    fn assert_invariants(&self) -> impl Future<Output = ()>;
}

impl AuditedLedger for MemoryLedger {
    async fn assert_invariants(&self) {
        MemoryLedger::assert_invariants(self);
    }
}
