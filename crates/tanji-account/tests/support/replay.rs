//! The judging property of issue 10: random event streams with duplicates, redeliveries, reordering (activities
//! reported out of time order) and crashes between steps (the last steps re-applied, as an at-least-once broker or
//! a client retry would) — after every step the ledger's balances equal an independent recomputation, no event is
//! credited twice, and expired points are never spent.

use std::collections::{BTreeMap, BTreeSet};

use super::{AuditedLedger, metro, no_cutlery, registry, rules, t};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use tanji_account::ledger::TransferId;
use tanji_account::methodology::MethodologyRegistry;
use tanji_account::points::{Lots, PersonId, Spend, SpendError, TransferCode};
use tanji_account::rules::{
    Event, OperationError, Outcome, Rules, event_transfer_id, ingest, open_scheme, reverse, spend,
};

#[derive(Clone, Debug)]
pub enum Action {
    Event { person: u64, metro: bool, back_seconds: i64, size: u32 },
    Redeliver { pick: usize },
    Spend { person: u64, amount: u128, donate: bool },
    Reverse { pick: usize },
    Advance { seconds: i64 },
    Crash { replay_last: usize },
}

pub fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        8 => (0u64..4, any::<bool>(), 0i64..9 * 86_400, 1u32..30)
            .prop_map(|(person, metro, back_seconds, size)| Action::Event { person, metro, back_seconds, size }),
        3 => any::<usize>().prop_map(|pick| Action::Redeliver { pick }),
        3 => (0u64..4, 1u128..1200, any::<bool>()).prop_map(|(person, amount, donate)| Action::Spend { person, amount, donate }),
        1 => any::<usize>().prop_map(|pick| Action::Reverse { pick }),
        3 => (0i64..2 * 86_400).prop_map(|seconds| Action::Advance { seconds }),
        2 => (1usize..6).prop_map(|replay_last| Action::Crash { replay_last }),
    ]
}

/// A step that reached the ledger or was answered, and can be re-applied after a "crash".
#[derive(Clone, Debug)]
enum Step {
    Ingest(Event),
    Spend { person: u64, what: Spend, amount: u128, request_id: TransferId },
    Reverse { person: u64, earn_id: TransferId },
}

/// What the model says an event earns.
#[derive(Clone, Debug, PartialEq)]
enum Expect {
    Credit(u128),
    Nothing,
    Duplicate,
}

#[derive(Clone, Debug)]
struct ModelLot {
    earn_id: TransferId,
    remaining: u128,
    expires_at: Timestamp,
    sequence: usize,
}

/// An independent, deliberately plain recomputation of the scheme in `support::rules()`: one point per gram,
/// 2,000 points a day, metro 1,500 points and 5 trips a day, 3 no-cutlery orders a day, lots valid 3 days,
/// claims within 7 days.
#[derive(Default)]
struct Model {
    lots: BTreeMap<u64, Vec<ModelLot>>,
    credited: BTreeSet<TransferId>,
    activities: BTreeSet<(u64, u32, i64)>,
    day_points: BTreeMap<(u64, Date), u128>,
    behaviour_points: BTreeMap<(u64, u32, Date), u128>,
    behaviour_events: BTreeMap<(u64, u32, Date), u32>,
    spends: BTreeSet<TransferId>,
    sequence: usize,
}

fn china_date(at: Timestamp) -> Date {
    at.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8))).date()
}

impl Model {
    fn event(&mut self, event: &Event, now: Timestamp) -> Expect {
        let id = event_transfer_id(event.sub_platform, &event.event_id);
        if self.credited.contains(&id) {
            return Expect::Duplicate;
        }
        let day = china_date(event.occurred_at);
        if china_date(now) > day.checked_add(jiff::Span::new().days(7)).unwrap() {
            return Expect::Nothing;
        }
        let person = event.person.0;
        let (points, behaviour_limit_points, behaviour_limit_events) = match &event.activity {
            // Integer arithmetic: 46.7 g per km is 467 decigrams.
            tanji_account::methodology::Activity::Distance { person_km } => {
                ((467 * (*person_km as u128)) / 10, Some(1500u128), 5u32)
            }
            tanji_account::methodology::Activity::Count { units, .. } => (40 * u128::from(*units), None, 3u32),
            _ => unreachable!(),
        };
        let activity_key = (person, event.sub_platform, event.occurred_at.as_second());
        if self.activities.contains(&activity_key) {
            return Expect::Nothing;
        }
        let day_key = (person, day);
        let behaviour_key = (person, event.sub_platform, day);
        let mut room = points.min(2000u128.saturating_sub(*self.day_points.get(&day_key).unwrap_or(&0)));
        if let Some(limit) = behaviour_limit_points {
            room = room.min(limit.saturating_sub(*self.behaviour_points.get(&behaviour_key).unwrap_or(&0)));
        }
        if *self.behaviour_events.get(&behaviour_key).unwrap_or(&0) >= behaviour_limit_events {
            room = 0;
        }
        if room == 0 {
            return Expect::Nothing;
        }
        self.credited.insert(id);
        self.activities.insert(activity_key);
        *self.day_points.entry(day_key).or_default() += room;
        *self.behaviour_points.entry(behaviour_key).or_default() += room;
        *self.behaviour_events.entry(behaviour_key).or_default() += 1;
        self.sequence += 1;
        self.lots.entry(person).or_default().push(ModelLot {
            earn_id: id,
            remaining: room,
            expires_at: Timestamp::from_second(now.as_second() + 3 * 86_400).unwrap(),
            sequence: self.sequence,
        });
        Expect::Credit(room)
    }

    fn available(&self, person: u64, now: Timestamp) -> u128 {
        self.lots
            .get(&person)
            .map_or(0, |lots| lots.iter().filter(|lot| now < lot.expires_at).map(|lot| lot.remaining).sum())
    }

    fn held(&self, person: u64) -> u128 {
        self.lots.get(&person).map_or(0, |lots| lots.iter().map(|lot| lot.remaining).sum())
    }

    /// Whether the spend succeeds.
    fn spend(&mut self, person: u64, amount: u128, request_id: TransferId, now: Timestamp) -> bool {
        if self.spends.contains(&request_id) {
            return true;
        }
        if self.available(person, now) < amount {
            return false;
        }
        self.spends.insert(request_id);
        let lots = self.lots.entry(person).or_default();
        for lot in lots.iter_mut().filter(|lot| lot.expires_at <= now) {
            lot.remaining = 0;
        }
        lots.sort_by_key(|lot| (lot.expires_at, lot.sequence));
        let mut left = amount;
        for lot in lots.iter_mut() {
            let take = left.min(lot.remaining);
            lot.remaining -= take;
            left -= take;
        }
        assert_eq!(left, 0);
        true
    }

    /// Points taken back.
    fn reverse(&mut self, person: u64, earn_id: TransferId) -> Option<u128> {
        let lot = self.lots.get_mut(&person)?.iter_mut().find(|lot| lot.earn_id == earn_id)?;
        let taken = lot.remaining;
        lot.remaining = 0;
        Some(taken)
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
                    Outcome::Credited { points, .. } => Expect::Credit(points),
                    Outcome::Capped { points_credited, transfer_id: Some(_), .. } => Expect::Credit(points_credited),
                    Outcome::Capped { transfer_id: None, .. } | Outcome::Rejected { .. } => Expect::Nothing,
                    Outcome::Duplicate { .. } => Expect::Duplicate,
                    Outcome::Held { .. } => panic!("this scheme holds nothing"),
                };
                prop_assert_eq!(got, expect, "event {:?}", event);
            }
            Step::Spend { person, what, amount, request_id } => {
                let expect = self.model.spend(*person, *amount, *request_id, self.now);
                let result =
                    spend(&mut self.ledger, &self.rules, PersonId(*person), *what, *amount, *request_id, self.now)
                        .await;
                match result {
                    Ok(()) => prop_assert!(expect, "spent {} for person {}", amount, person),
                    Err(OperationError::Spend(SpendError::InsufficientPoints { .. })) => prop_assert!(!expect),
                    Err(other) => prop_assert!(false, "unexpected {:?}", other),
                }
            }
            Step::Reverse { person, earn_id } => {
                let expect = self.model.reverse(*person, *earn_id);
                let result = reverse(&mut self.ledger, &self.rules, PersonId(*person), *earn_id, self.now).await;
                match (result, expect) {
                    (Ok(reversal), Some(taken)) => prop_assert_eq!(reversal.reversed, taken),
                    (Err(OperationError::Spend(SpendError::NoSuchLot { .. })), None) => {}
                    (got, expect) => prop_assert!(false, "reverse: {:?} vs model {:?}", got, expect),
                }
            }
        }
        Ok(())
    }

    async fn check(&self) -> Result<(), TestCaseError> {
        self.ledger.assert_invariants().await;
        for person in 0..4u64 {
            let account_id = self.rules.chart.person(PersonId(person));
            let transfers = self.ledger.account_transfers(account_id).await.unwrap();
            // Replaying fails if any spend took points from a lot past its expiry.
            let lots = Lots::replay(account_id, &transfers);
            prop_assert!(lots.is_ok(), "person {}: {:?}", person, lots);
            let lots = lots.unwrap();
            prop_assert_eq!(
                lots.available(self.now),
                self.model.available(person, self.now),
                "available, person {}",
                person
            );
            let balance = self
                .ledger
                .lookup_accounts(&[account_id])
                .await
                .unwrap()
                .first()
                .map_or(0, |account| account.credit_balance_posted());
            prop_assert_eq!(balance, self.model.held(person) as i128, "posted balance, person {}", person);
            prop_assert_eq!(lots.held() as i128, balance);
        }
        // Every earning credits one person's account, so counting over the persons' histories counts each once.
        let mut earnings = 0;
        for person in 0..4u64 {
            let account_id = self.rules.chart.person(PersonId(person));
            let transfers = self.ledger.account_transfers(account_id).await.unwrap();
            earnings += transfers
                .iter()
                .filter(|transfer| TransferCode::from_code(transfer.code).is_some_and(TransferCode::is_earn))
                .count();
        }
        prop_assert_eq!(earnings, self.model.credited.len(), "each credited event is one earning");
        Ok(())
    }
}

/// Runs one random stream of `actions` against `ledger` (fresh, with nothing on it), checking after every step.
pub async fn run<L: AuditedLedger>(mut ledger: L, actions: Vec<Action>) -> Result<(), TestCaseError> {
    let rules = rules();
    open_scheme(&mut ledger, rules.chart, t("2026-01-01T00:00:00Z")).await.unwrap();
    let mut world =
        World { ledger, registry: registry(), rules, model: Model::default(), now: t("2026-06-01T00:00:00Z") };
    let mut done: Vec<Step> = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    let mut next_request = 1u128;
    for (action_idx, action) in actions.into_iter().enumerate() {
        world.now += SignedDuration::from_secs(1);
        let steps = match action {
            Action::Event { person, metro: is_metro, back_seconds, size } => {
                let occurred_at = world.now - SignedDuration::from_secs(back_seconds);
                let id = format!("e{action_idx}");
                let event = if is_metro {
                    metro(&id, person, occurred_at, f64::from(size))
                } else {
                    no_cutlery(&id, person, occurred_at, 1 + size % 5)
                };
                events.push(event.clone());
                vec![Step::Ingest(event)]
            }
            Action::Redeliver { pick } if !events.is_empty() => {
                vec![Step::Ingest(events[pick % events.len()].clone())]
            }
            Action::Spend { person, amount, donate } => {
                next_request += 1;
                let what = if donate { Spend::Donate { project: 1 } } else { Spend::Redeem { offer: 1 } };
                vec![Step::Spend { person, what, amount, request_id: next_request << 64 }]
            }
            Action::Reverse { pick } if !events.is_empty() => {
                let event = &events[pick % events.len()];
                vec![Step::Reverse {
                    person: event.person.0,
                    earn_id: event_transfer_id(event.sub_platform, &event.event_id),
                }]
            }
            Action::Advance { seconds } => {
                world.now += SignedDuration::from_secs(seconds);
                Vec::new()
            }
            // A crash after the last steps reached the ledger: they are delivered and applied again.
            Action::Crash { replay_last } => done.iter().rev().take(replay_last).rev().cloned().collect(),
            _ => Vec::new(),
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
