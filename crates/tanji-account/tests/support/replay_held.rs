//! The replay property with holds: every credit is delayed (released by a scheduler) or held for fraud review (too
//! many events in ten minutes, or an implausible quantity); reviewers release or reverse, the scheduler runs at
//! random times and twice after a crash. Held or unreleased points are never spendable, every release happens
//! once, and balances equal an independent recomputation.

use std::collections::BTreeMap;

use super::{AuditedLedger, metro, no_cutlery, registry, rules, t};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use tanji_account::ledger::{TransferError, TransferId};
use tanji_account::methodology::{Activity, MethodologyRegistry};
use tanji_account::points::{Lots, PersonId};
use tanji_account::rules::{
    Event, HoldReason, OperationError, Outcome, Rules, Velocity, event_transfer_id, ingest, open_scheme, release_due,
    reverse, review,
};

const DELAY_SECONDS: i64 = 3600;
/// Odd, while every step moves the clock by an even number of seconds: no arrival sits exactly on the window's edge.
const VELOCITY_WINDOW_SECONDS: i64 = 601;
const VELOCITY_MAX_EVENTS: usize = 3;

fn held_rules() -> Rules {
    Rules {
        issuance_delay_seconds: DELAY_SECONDS as u32,
        velocity: Some(Velocity {
            max_events: VELOCITY_MAX_EVENTS as u32,
            window_seconds: VELOCITY_WINDOW_SECONDS as u32,
        }),
        ..rules()
    }
}

#[derive(Clone, Debug)]
pub enum Action {
    Event { person: u64, metro: bool, back_seconds: i64, size: u32 },
    Redeliver { pick: usize },
    ReleaseDue { person: u64 },
    Review { pick: usize, release: bool },
    Reverse { pick: usize },
    Advance { half_seconds: i64 },
    Crash { replay_last: usize },
}

pub fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        8 => (0u64..3, any::<bool>(), 0i64..86_400, 1u32..100)
            .prop_map(|(person, metro, back_seconds, size)| Action::Event { person, metro, back_seconds, size }),
        2 => any::<usize>().prop_map(|pick| Action::Redeliver { pick }),
        3 => (0u64..3).prop_map(|person| Action::ReleaseDue { person }),
        3 => (any::<usize>(), any::<bool>()).prop_map(|(pick, release)| Action::Review { pick, release }),
        1 => any::<usize>().prop_map(|pick| Action::Reverse { pick }),
        3 => (0i64..3600).prop_map(|half_seconds| Action::Advance { half_seconds }),
        2 => (1usize..5).prop_map(|replay_last| Action::Crash { replay_last }),
    ]
}

#[derive(Clone, Debug)]
enum Step {
    Ingest(Event),
    ReleaseDue(u64),
    Review { person: u64, earn_id: TransferId, release: bool },
    Reverse { person: u64, earn_id: TransferId },
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Status {
    Delayed { release_at: Timestamp },
    Held,
    Credited { remaining: u128, expires_at: Timestamp },
    Lapsed,
}

#[derive(Clone, Debug)]
struct Earning {
    person: u64,
    points: u128,
    day: Date,
    sub_platform: u32,
    occurred_second: i64,
    arrived_at: Timestamp,
    status: Status,
    /// For a credit held for review: the decision taken on it (release, or void — a reversal voids too).
    decided: Option<bool>,
}

/// The plain recomputation: `support::rules()` plus a one-hour delay on every credit and the velocity hold.
#[derive(Default)]
struct Model {
    earnings: BTreeMap<TransferId, Earning>,
}

fn china_date(at: Timestamp) -> Date {
    at.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8))).date()
}

#[derive(Debug, PartialEq)]
enum Expect {
    Delayed(u128),
    Held(u128),
    Nothing,
    Duplicate,
}

impl Model {
    fn live(&self) -> impl Iterator<Item = &Earning> {
        self.earnings.values().filter(|earning| earning.status != Status::Lapsed)
    }

    fn event(&mut self, event: &Event, now: Timestamp) -> Expect {
        let id = event_transfer_id(event.sub_platform, &event.event_id);
        if self.earnings.contains_key(&id) {
            return Expect::Duplicate;
        }
        let person = event.person.0;
        let day = china_date(event.occurred_at);
        let (points, quantity, max_quantity, behaviour_points, behaviour_events) = match &event.activity {
            Activity::Distance { person_km } => {
                ((467 * (*person_km as u128)) / 10, *person_km, 80.0, Some(1500u128), 5usize)
            }
            Activity::Count { units, .. } => (40 * u128::from(*units), f64::from(*units), 5.0, None, 3usize),
            _ => unreachable!(),
        };
        let occurred_second = event.occurred_at.as_second();
        if self.live().any(|earning| {
            earning.person == person
                && earning.sub_platform == event.sub_platform
                && earning.occurred_second == occurred_second
        }) {
            return Expect::Nothing;
        }
        let same_day: Vec<&Earning> =
            self.live().filter(|earning| earning.person == person && earning.day == day).collect();
        let day_points: u128 = same_day.iter().map(|earning| earning.points).sum();
        let behaviour: Vec<&&Earning> =
            same_day.iter().filter(|earning| earning.sub_platform == event.sub_platform).collect();
        let mut room = points.min(2000u128.saturating_sub(day_points));
        if let Some(limit) = behaviour_points {
            room = room.min(limit.saturating_sub(behaviour.iter().map(|earning| earning.points).sum()));
        }
        if behaviour.len() >= behaviour_events {
            room = 0;
        }
        if room == 0 {
            return Expect::Nothing;
        }
        let since = now - SignedDuration::from_secs(VELOCITY_WINDOW_SECONDS);
        let recent = self.live().filter(|earning| earning.person == person && earning.arrived_at > since).count();
        let held = recent >= VELOCITY_MAX_EVENTS || quantity > max_quantity;
        let status = if held {
            Status::Held
        } else {
            Status::Delayed { release_at: now + SignedDuration::from_secs(DELAY_SECONDS) }
        };
        self.earnings.insert(
            id,
            Earning {
                person,
                points: room,
                day,
                sub_platform: event.sub_platform,
                occurred_second,
                arrived_at: now,
                status,
                decided: None,
            },
        );
        if held { Expect::Held(room) } else { Expect::Delayed(room) }
    }

    fn credit(earning: &mut Earning, now: Timestamp) {
        earning.status = Status::Credited {
            remaining: earning.points,
            expires_at: Timestamp::from_second(now.as_second() + 3 * 86_400).unwrap(),
        };
    }

    fn release_due(&mut self, person: u64, now: Timestamp) -> usize {
        let mut released = 0;
        for earning in self.earnings.values_mut() {
            if let Status::Delayed { release_at } = earning.status
                && earning.person == person
                && release_at <= now
            {
                Self::credit(earning, now);
                released += 1;
            }
        }
        released
    }

    /// Whether the reviewer's decision succeeds: it applies to a held credit still pending, and repeating the
    /// decision already taken is an idempotent retry; the opposite decision is refused.
    fn review(&mut self, earn_id: TransferId, release: bool, now: Timestamp) -> bool {
        match self.earnings.get_mut(&earn_id) {
            Some(earning) if earning.status == Status::Held => {
                if release {
                    Self::credit(earning, now);
                } else {
                    earning.status = Status::Lapsed;
                }
                earning.decided = Some(release);
                true
            }
            Some(earning) => earning.decided == Some(release),
            None => false,
        }
    }

    fn reverse(&mut self, earn_id: TransferId) -> Option<u128> {
        let earning = self.earnings.get_mut(&earn_id)?;
        match earning.status {
            Status::Delayed { .. } => {
                earning.status = Status::Lapsed;
                Some(0)
            }
            Status::Held => {
                earning.status = Status::Lapsed;
                earning.decided = Some(false);
                Some(0)
            }
            Status::Credited { remaining, expires_at } => {
                earning.status = Status::Credited { remaining: 0, expires_at };
                Some(remaining)
            }
            Status::Lapsed => Some(0),
        }
    }

    fn available(&self, person: u64, now: Timestamp) -> u128 {
        self.earnings
            .values()
            .filter(|earning| earning.person == person)
            .map(|earning| match earning.status {
                Status::Credited { remaining, expires_at } if now < expires_at => remaining,
                _ => 0,
            })
            .sum()
    }
}

struct World<L> {
    rules: Rules,
    registry: MethodologyRegistry,
    ledger: L,
    model: Model,
    now: Timestamp,
}

impl<L: AuditedLedger> World<L> {
    async fn apply(&mut self, step: &Step) -> Result<(), TestCaseError> {
        match step {
            Step::Ingest(event) => {
                let expect = self.model.event(event, self.now);
                let outcome = ingest(&mut self.ledger, &self.rules, &self.registry, event, self.now).await.unwrap();
                let got = match outcome {
                    Outcome::Held { points, reason: HoldReason::DelayedIssuance { .. }, .. } => Expect::Delayed(points),
                    Outcome::Held { points, reason: HoldReason::Velocity | HoldReason::LargeQuantity, .. } => {
                        Expect::Held(points)
                    }
                    Outcome::Capped { transfer_id: None, .. } | Outcome::Rejected { .. } => Expect::Nothing,
                    Outcome::Duplicate { .. } => Expect::Duplicate,
                    other => panic!("every credit is held here: {other:?}"),
                };
                prop_assert_eq!(got, expect, "event {:?}", event);
            }
            Step::ReleaseDue(person) => {
                let expect = self.model.release_due(*person, self.now);
                let got = release_due(&mut self.ledger, &self.rules, PersonId(*person), self.now).await.unwrap();
                prop_assert_eq!(got, expect, "released for person {}", person);
            }
            Step::Review { person, earn_id, release } => {
                let applies = self.model.review(*earn_id, *release, self.now);
                let result =
                    review(&mut self.ledger, &self.rules, PersonId(*person), *earn_id, *release, self.now).await;
                match result {
                    Ok(()) => prop_assert!(applies, "review applied to {}", earn_id),
                    Err(OperationError::NoSuchPending)
                    | Err(OperationError::Refused(
                        TransferError::PendingTransferAlreadyPosted | TransferError::PendingTransferAlreadyVoided,
                    )) => prop_assert!(!applies, "review refused for {}", earn_id),
                    Err(other) => prop_assert!(false, "unexpected {:?}", other),
                }
            }
            Step::Reverse { person, earn_id } => {
                let expect = self.model.reverse(*earn_id);
                let result = reverse(&mut self.ledger, &self.rules, PersonId(*person), *earn_id, self.now).await;
                match (result, expect) {
                    (Ok(reversal), Some(taken)) => prop_assert_eq!(reversal.reversed, taken),
                    (Err(OperationError::Spend(_)), None) => {}
                    (got, expect) => prop_assert!(false, "reverse: {:?} vs model {:?}", got, expect),
                }
            }
        }
        Ok(())
    }

    async fn check(&self) -> Result<(), TestCaseError> {
        self.ledger.assert_invariants().await;
        for person in 0..3u64 {
            let account_id = self.rules.chart.person(PersonId(person));
            let transfers = self.ledger.account_transfers(account_id).await.unwrap();
            let lots = Lots::replay(account_id, &transfers);
            prop_assert!(lots.is_ok(), "person {}: {:?}", person, lots);
            prop_assert_eq!(
                lots.unwrap().available(self.now),
                self.model.available(person, self.now),
                "available, person {}",
                person
            );
        }
        Ok(())
    }
}

/// Runs one random stream of `actions` against `ledger` (fresh, with nothing on it), checking after every step.
pub async fn run<L: AuditedLedger>(mut ledger: L, actions: Vec<Action>) -> Result<(), TestCaseError> {
    let rules = held_rules();
    open_scheme(&mut ledger, rules.chart, t("2026-01-01T00:00:00Z")).await.unwrap();
    let mut world =
        World { ledger, registry: registry(), rules, model: Model::default(), now: t("2026-06-01T00:00:00Z") };
    let mut done: Vec<Step> = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    for (action_idx, action) in actions.into_iter().enumerate() {
        world.now += SignedDuration::from_secs(2);
        let pick = |pick: usize| events.get(pick % events.len().max(1)).cloned();
        let steps = match action {
            Action::Event { person, metro: is_metro, back_seconds, size } => {
                let occurred_at = world.now - SignedDuration::from_secs(back_seconds);
                let id = format!("e{action_idx}");
                let event = if is_metro {
                    metro(&id, person, occurred_at, f64::from(size))
                } else {
                    no_cutlery(&id, person, occurred_at, 1 + size % 7)
                };
                events.push(event.clone());
                vec![Step::Ingest(event)]
            }
            Action::Redeliver { pick: index } => pick(index).map(Step::Ingest).into_iter().collect(),
            Action::ReleaseDue { person } => vec![Step::ReleaseDue(person)],
            Action::Review { pick: index, release } => pick(index)
                .map(|event| Step::Review {
                    person: event.person.0,
                    earn_id: event_transfer_id(event.sub_platform, &event.event_id),
                    release,
                })
                .into_iter()
                .collect(),
            Action::Reverse { pick: index } => pick(index)
                .map(|event| Step::Reverse {
                    person: event.person.0,
                    earn_id: event_transfer_id(event.sub_platform, &event.event_id),
                })
                .into_iter()
                .collect(),
            Action::Advance { half_seconds } => {
                world.now += SignedDuration::from_secs(2 * half_seconds);
                Vec::new()
            }
            Action::Crash { replay_last } => done.iter().rev().take(replay_last).rev().cloned().collect(),
        };
        for step in &steps {
            world.apply(step).await?;
            world.check().await?;
        }
        if !matches!(action, Action::Crash { .. }) {
            done.extend(steps);
        }
    }
    Ok(())
}
