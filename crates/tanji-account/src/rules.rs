//! Issuance rules: what an event reported by a sub-platform earns, exactly once.
//!
//! `decide` is pure: an `Event`, the scheme's `Rules`, the `MethodologyRegistry` and the person's history (replayed
//! from their ledger transfers) give an `Outcome` — credited, capped, held (fraud review, delayed issuance, waiting
//! to be collected) or rejected with a reason — and at most one ledger transfer. The transfer's id is
//! `event_transfer_id(sub-platform, event id)`, so however often the broker or the sub-platform delivers the event,
//! the ledger applies its credit once and answers `Exists` afterwards. Every figure the checks need (points per day,
//! per behaviour, recent events) is derived from the ledger's transfers, so a crash between two steps loses no
//! state: the next delivery sees what the ledger holds.
//!
//! The `async` functions (`ingest`, `collect`, `review`, `release_due`, `spend`, `reverse`) run these plans
//! against any `Ledger`. Each reads the person's transfers, plans, and submits one batch; two of them running at
//! once for the same person could both pass a cap or both spend the same unexpired lot before either is applied
//! (the ledger's `debits_must_not_exceed_credits` still stops an overdraft, not an over-cap credit). Adapters
//! therefore run one person's operations one at a time — a lock on the person's account row, or one writer per
//! partition of people — which is also how the ledger is sharded at scale.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::ledger::{Amount, Created, Ledger, NewTransfer, Transfer, TransferError, TransferId};
use crate::methodology::{Activity, MethodologyRegistry, MethodologyVersionKey, ReductionError};
use crate::points::{
    Chart, EarnData, Lots, PersonId, Reversal, Spend, SpendError, TransferCode, derive_id, lot_expiry, plan_resolution,
    to_seconds,
};

/// A behaviour a sub-platform reports for a person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The sub-platform's number in the operator's registry.
    pub sub_platform: u32,
    /// The sub-platform's own id for the event, unique within the sub-platform.
    pub event_id: String,
    pub person: PersonId,
    /// The behaviour code (`metro_trip`, `no_cutlery_order`, …).
    pub behaviour: String,
    pub occurred_at: Timestamp,
    pub activity: Activity,
}

/// The longest event id or behaviour code a sub-platform may send, in characters.
pub const MAX_ID_CHARS: usize = 128;

/// What is wrong with an event as sent, before any rule looks at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum EventProblem {
    EventIdEmpty,
    EventIdTooLong {
        max_chars: usize,
    },
    /// Control characters (line breaks, NUL) in the event id: ids are compared byte for byte and shown in reports.
    EventIdHasControlCharacters,
    BehaviourEmpty,
    BehaviourTooLong {
        max_chars: usize,
    },
}

impl Event {
    /// The first problem of the event as sent, if any.
    pub fn problem(&self) -> Option<EventProblem> {
        if self.event_id.trim().is_empty() {
            Some(EventProblem::EventIdEmpty)
        } else if self.event_id.chars().count() > MAX_ID_CHARS {
            Some(EventProblem::EventIdTooLong { max_chars: MAX_ID_CHARS })
        } else if self.event_id.chars().any(char::is_control) {
            Some(EventProblem::EventIdHasControlCharacters)
        } else if self.behaviour.trim().is_empty() {
            Some(EventProblem::BehaviourEmpty)
        } else if self.behaviour.chars().count() > MAX_ID_CHARS {
            Some(EventProblem::BehaviourTooLong { max_chars: MAX_ID_CHARS })
        } else {
            None
        }
    }
}

/// The ledger transfer id of an event: a hash of (sub-platform, event id), the same for every delivery.
pub fn event_transfer_id(sub_platform: u32, event_id: &str) -> TransferId {
    derive_id("tanji/event", &[&sub_platform.to_be_bytes(), event_id.as_bytes()])
}

/// Limits on one behaviour per person per day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BehaviourCap {
    pub daily_points: Option<Amount>,
    pub daily_events: Option<u32>,
}

/// More than `max_events` events of one person within `window_seconds` of arrival sends the next one to review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Velocity {
    pub max_events: u32,
    pub window_seconds: u32,
}

/// A scheme's issuance rules, set by its operator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    pub chart: Chart,
    /// The scheme's civil time for "per day", in seconds east of UTC (China: 28,800 for +08:00).
    pub utc_offset_seconds: i32,
    /// Points per kg CO2e of reduction (1,000: one point per gram); fractions of a point are not credited.
    pub points_per_kg_co2e: u32,
    /// Days a lot stays spendable after it is credited; None: never expires.
    pub points_valid_days: Option<u32>,
    /// Points per person per day over all behaviours.
    pub daily_cap_points: Option<Amount>,
    pub behaviour_caps: BTreeMap<String, BehaviourCap>,
    /// Days after the activity within which its event must arrive.
    pub claim_window_days: u32,
    /// Seconds a credit stays pending before it is released (0: none).
    pub issuance_delay_seconds: u32,
    /// Seconds the person has to collect a credit before it lapses (0: credited without collecting).
    pub collect_window_seconds: u32,
    pub velocity: Option<Velocity>,
}

impl Rules {
    /// The fixed offset of the scheme's days (an offset, not a zone name: a domain crate reads no tz database).
    pub fn time_zone(&self) -> jiff::tz::TimeZone {
        Offset::from_seconds(self.utc_offset_seconds).unwrap_or(Offset::UTC).to_time_zone()
    }
}

/// Events may be stamped up to this far ahead of the ingesting server's clock (phones' clocks drift).
pub const CLOCK_SKEW_ALLOWANCE: SignedDuration = SignedDuration::from_mins(5);

/// What became of an event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// All the points the methodology gives were credited.
    Credited {
        #[serde(with = "crate::wire::id_text")]
        transfer_id: TransferId,
        #[serde(with = "crate::wire::points")]
        points: Amount,
        reduction_g_co2e: f64,
        methodology: MethodologyVersionKey,
    },
    /// A cap allowed fewer points (possibly none, then no transfer).
    Capped {
        #[serde(with = "crate::wire::id_text_option")]
        transfer_id: Option<TransferId>,
        #[serde(with = "crate::wire::points")]
        points_credited: Amount,
        #[serde(with = "crate::wire::points")]
        points_requested: Amount,
        cap: CapKind,
        reduction_g_co2e: f64,
        methodology: MethodologyVersionKey,
    },
    /// Points reserved but not yet spendable.
    Held {
        #[serde(with = "crate::wire::id_text")]
        transfer_id: TransferId,
        #[serde(with = "crate::wire::points")]
        points: Amount,
        reason: HoldReason,
        reduction_g_co2e: f64,
        methodology: MethodologyVersionKey,
    },
    /// No points.
    Rejected { reason: RejectReason },
    /// This event was processed before (a redelivery or retry); nothing was credited again.
    Duplicate {
        #[serde(with = "crate::wire::id_text")]
        transfer_id: TransferId,
        #[serde(with = "crate::wire::points")]
        points: Amount,
        methodology: MethodologyVersionKey,
    },
}

/// Which cap limited a credit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapKind {
    DailyPoints,
    BehaviourDailyPoints,
    BehaviourDailyEvents,
}

/// Why points are held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum HoldReason {
    /// Too many events in a short time.
    Velocity,
    /// A quantity above the methodology's plausible maximum per event.
    LargeQuantity,
    /// Released at `release_at` unless reversed before.
    DelayedIssuance { release_at: Timestamp },
    /// The person must collect the points by `collect_by`.
    AwaitingCollection { collect_by: Timestamp },
}

/// Why an event earns nothing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RejectReason {
    /// The event as sent is malformed.
    InvalidEvent { problem: EventProblem },
    /// No approved methodology credits the behaviour on the activity's day.
    NoApprovedMethodology { behaviour: String, on: Date },
    /// The activity does not fit the methodology.
    InvalidActivity { problem: ReductionError },
    /// The activity gives no reduction, or less than one point.
    NoReduction,
    /// The event arrived after the claim window closed.
    ClaimWindowClosed { occurred_on: Date, window_days: u32 },
    /// The activity is dated in the future.
    OccurredInTheFuture,
    /// The same activity (sub-platform, behaviour, time) was already credited under another event id.
    DuplicateActivity {
        #[serde(with = "crate::wire::id_text")]
        original: TransferId,
    },
    /// The ledger refused the transfer (a code of `TransferError`).
    LedgerRefused { error: TransferError },
    /// The sub-platform is not registered to report this behaviour.
    BehaviourNotAllowed { behaviour: String },
    /// The person's identity at the sub-platform is not linked to a parent account (never linked, or unlinked).
    UnlinkedIdentity,
}

impl RejectReason {
    pub fn code(&self) -> &'static str {
        match self {
            RejectReason::InvalidEvent { .. } => "invalid_event",
            RejectReason::NoApprovedMethodology { .. } => "no_approved_methodology",
            RejectReason::InvalidActivity { .. } => "invalid_activity",
            RejectReason::NoReduction => "no_reduction",
            RejectReason::ClaimWindowClosed { .. } => "claim_window_closed",
            RejectReason::OccurredInTheFuture => "occurred_in_the_future",
            RejectReason::DuplicateActivity { .. } => "duplicate_activity",
            RejectReason::LedgerRefused { .. } => "ledger_refused",
            RejectReason::BehaviourNotAllowed { .. } => "behaviour_not_allowed",
            RejectReason::UnlinkedIdentity => "unlinked_identity",
        }
    }
}

/// One earning in a person's history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Earning {
    /// The earning (for a two-phase earning, the pending) transfer.
    pub transfer_id: TransferId,
    pub code: TransferCode,
    /// Points credited or still reserved.
    pub points: Amount,
    pub status: EarningStatus,
    pub arrived_at: Timestamp,
    /// For a delayed credit, when it is due.
    pub release_at: Option<Timestamp>,
    pub earn: EarnData,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EarningStatus {
    Credited,
    Pending,
    /// Voided, lapsed or expired before being credited: does not count.
    Lapsed,
}

/// A person's earnings, replayed from their transfers at `now`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonHistory {
    pub earnings: Vec<Earning>,
}

impl PersonHistory {
    pub fn replay(rules: &Rules, person: PersonId, transfers: &[Transfer], now: Timestamp) -> Self {
        let account_id = rules.chart.person(person);
        let mut earnings: Vec<Earning> = Vec::new();
        let mut index: BTreeMap<TransferId, usize> = BTreeMap::new();
        for transfer in transfers {
            if transfer.credit_account_id != account_id {
                continue;
            }
            let Some(code) = TransferCode::from_code(transfer.code).filter(|code| code.is_earn()) else {
                continue;
            };
            if transfer.flags.post_pending_transfer || transfer.flags.void_pending_transfer {
                if let Some(&earning_idx) = index.get(&transfer.pending_id) {
                    let earning = &mut earnings[earning_idx];
                    if transfer.flags.post_pending_transfer {
                        earning.status = EarningStatus::Credited;
                        earning.points = transfer.amount;
                    } else {
                        earning.status = EarningStatus::Lapsed;
                    }
                }
                continue;
            }
            let status = if transfer.flags.pending {
                let lapsed = transfer.timeout_seconds != 0
                    && transfer.timestamp + SignedDuration::from_secs(i64::from(transfer.timeout_seconds)) <= now;
                if lapsed { EarningStatus::Lapsed } else { EarningStatus::Pending }
            } else {
                EarningStatus::Credited
            };
            index.insert(transfer.id, earnings.len());
            earnings.push(Earning {
                transfer_id: transfer.id,
                code,
                points: transfer.amount,
                status,
                arrived_at: transfer.timestamp,
                release_at: if code == TransferCode::EarnDelayed {
                    crate::points::seconds(transfer.user_data_64)
                } else {
                    None
                },
                earn: EarnData::from_transfer(transfer),
            });
        }
        PersonHistory { earnings }
    }

    fn live(&self) -> impl Iterator<Item = &Earning> {
        self.earnings.iter().filter(|earning| earning.status != EarningStatus::Lapsed)
    }

    /// Earnings waiting for a fraud review.
    pub fn held_for_review(&self) -> impl Iterator<Item = &Earning> {
        self.earnings
            .iter()
            .filter(|earning| earning.code == TransferCode::EarnHeld && earning.status == EarningStatus::Pending)
    }
}

/// The activity's quantity in its own unit, compared with the methodology's plausible maximum.
fn quantity(activity: &Activity) -> f64 {
    match activity {
        Activity::Count { units, .. } => f64::from(*units),
        Activity::Distance { person_km } => *person_km,
        Activity::SecondHandItems { items, .. } => f64::from(*items),
        Activity::Electricity { baseline_kwh, metered_kwh } => baseline_kwh - metered_kwh,
        Activity::LabelledPurchase { units, .. } => f64::from(*units),
    }
}

/// An outcome and the transfer that carries it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub outcome: Outcome,
    pub transfer: Option<NewTransfer>,
}

fn rejected(reason: RejectReason) -> Decision {
    Decision { outcome: Outcome::Rejected { reason }, transfer: None }
}

/// Decides what an event earns. `history` is the person's earnings replayed at `now`; `now` is when the event
/// arrives.
pub fn decide(
    rules: &Rules,
    registry: &MethodologyRegistry,
    event: &Event,
    history: &PersonHistory,
    now: Timestamp,
) -> Decision {
    if let Some(problem) = event.problem() {
        return rejected(RejectReason::InvalidEvent { problem });
    }
    let occurred_on = event.occurred_at.to_zoned(rules.time_zone()).date();
    if event.occurred_at > now + CLOCK_SKEW_ALLOWANCE {
        return rejected(RejectReason::OccurredInTheFuture);
    }
    let arrived_on = now.to_zoned(rules.time_zone()).date();
    let window_closes =
        occurred_on.checked_add(jiff::Span::new().days(i64::from(rules.claim_window_days))).unwrap_or(Date::MAX);
    if arrived_on > window_closes {
        return rejected(RejectReason::ClaimWindowClosed { occurred_on, window_days: rules.claim_window_days });
    }
    let Some(methodology) = registry.crediting_version(&event.behaviour, occurred_on) else {
        return rejected(RejectReason::NoApprovedMethodology { behaviour: event.behaviour.clone(), on: occurred_on });
    };
    let reduction_g_co2e = match methodology.formula.reduction_g_co2e(&event.activity) {
        Ok(reduction) => reduction,
        Err(problem) => return rejected(RejectReason::InvalidActivity { problem }),
    };
    // Points are whole: the fraction below one point is not credited (never rounded up).
    let points_exact = reduction_g_co2e * f64::from(rules.points_per_kg_co2e) / 1000.0;
    let points_requested =
        if points_exact.is_finite() && points_exact >= 1.0 { points_exact.floor() as Amount } else { 0 };
    if points_requested == 0 {
        return rejected(RejectReason::NoReduction);
    }
    let key = methodology.key;
    if let Some(original) = history.live().find(|earning| {
        earning.earn.sub_platform == event.sub_platform
            && earning.earn.methodology.methodology_id == key.methodology_id
            && earning.earn.occurred_at.as_second() == event.occurred_at.as_second()
    }) {
        return rejected(RejectReason::DuplicateActivity { original: original.transfer_id });
    }

    // Caps count what was credited or reserved for activities on the same civil day.
    let same_day = |earning: &&Earning| earning.earn.occurred_at.to_zoned(rules.time_zone()).date() == occurred_on;
    let day_points: Amount = history.live().filter(same_day).map(|earning| earning.points).sum();
    let behaviour_day: Vec<&Earning> = history
        .live()
        .filter(same_day)
        .filter(|earning| earning.earn.methodology.methodology_id == key.methodology_id)
        .collect();
    let mut room = points_requested;
    let mut cap = None;
    if let Some(limit) = rules.daily_cap_points {
        let left = limit.saturating_sub(day_points);
        if left < room {
            room = left;
            cap = Some(CapKind::DailyPoints);
        }
    }
    if let Some(behaviour_cap) = rules.behaviour_caps.get(&event.behaviour) {
        if let Some(limit) = behaviour_cap.daily_points {
            let left = limit.saturating_sub(behaviour_day.iter().map(|earning| earning.points).sum());
            if left < room {
                room = left;
                cap = Some(CapKind::BehaviourDailyPoints);
            }
        }
        if let Some(limit) = behaviour_cap.daily_events
            && behaviour_day.len() as u64 >= u64::from(limit)
        {
            room = 0;
            cap = Some(CapKind::BehaviourDailyEvents);
        }
    }
    let transfer_id = event_transfer_id(event.sub_platform, &event.event_id);
    if room == 0 {
        let cap = cap.expect("room is only zero under a cap");
        return Decision {
            outcome: Outcome::Capped {
                transfer_id: None,
                points_credited: 0,
                points_requested,
                cap,
                reduction_g_co2e,
                methodology: key,
            },
            transfer: None,
        };
    }

    let chart = rules.chart;
    let earn = EarnData { methodology: key, occurred_at: event.occurred_at, sub_platform: event.sub_platform };
    let mut transfer =
        chart.transfer(transfer_id, chart.issuance(), chart.person(event.person), room, TransferCode::Earn);
    transfer.user_data_128 = earn.user_data_128();
    transfer.user_data_32 = event.sub_platform;

    let recent_events = rules.velocity.map(|velocity| {
        let since = now - SignedDuration::from_secs(i64::from(velocity.window_seconds));
        (history.live().filter(|earning| earning.arrived_at > since).count(), velocity.max_events)
    });
    let hold = if recent_events.is_some_and(|(recent, max)| recent as u64 >= u64::from(max)) {
        Some(HoldReason::Velocity)
    } else if quantity(&event.activity) > methodology.max_quantity_per_event {
        Some(HoldReason::LargeQuantity)
    } else if rules.issuance_delay_seconds > 0 {
        Some(HoldReason::DelayedIssuance {
            release_at: now + SignedDuration::from_secs(i64::from(rules.issuance_delay_seconds)),
        })
    } else if rules.collect_window_seconds > 0 {
        Some(HoldReason::AwaitingCollection {
            collect_by: now + SignedDuration::from_secs(i64::from(rules.collect_window_seconds)),
        })
    } else {
        None
    };
    let outcome = match hold {
        Some(reason) => {
            transfer.flags.pending = true;
            match reason {
                HoldReason::Velocity | HoldReason::LargeQuantity => transfer.code = TransferCode::EarnHeld as u16,
                HoldReason::DelayedIssuance { release_at } => {
                    transfer.code = TransferCode::EarnDelayed as u16;
                    transfer.user_data_64 = to_seconds(Some(release_at));
                }
                HoldReason::AwaitingCollection { .. } => {
                    transfer.code = TransferCode::EarnToCollect as u16;
                    transfer.timeout_seconds = rules.collect_window_seconds;
                }
            }
            Outcome::Held { transfer_id, points: room, reason, reduction_g_co2e, methodology: key }
        }
        None => {
            transfer.user_data_64 = to_seconds(lot_expiry(now, rules.points_valid_days));
            match cap {
                Some(cap) => Outcome::Capped {
                    transfer_id: Some(transfer_id),
                    points_credited: room,
                    points_requested,
                    cap,
                    reduction_g_co2e,
                    methodology: key,
                },
                None => Outcome::Credited { transfer_id, points: room, reduction_g_co2e, methodology: key },
            }
        }
    };
    Decision { outcome, transfer: Some(transfer) }
}

/// Why an operation on a person's points failed.
#[derive(Debug, thiserror::Error)]
pub enum OperationError<E: std::error::Error + 'static> {
    /// The ledger's storage failed; nothing was applied.
    #[error("ledger storage: {0}")]
    Storage(#[source] E),
    /// The ledger refused the transfers.
    #[error("ledger refused: {0}")]
    Refused(TransferError),
    #[error(transparent)]
    Spend(#[from] SpendError),
    /// The named pending earning does not exist, is not the person's, or is not of the kind the step resolves.
    #[error("no such pending earning")]
    NoSuchPending,
}

/// Creates a scheme's own accounts (idempotent).
pub async fn open_scheme<L: Ledger>(ledger: &mut L, chart: Chart, now: Timestamp) -> Result<(), L::Error> {
    ledger.create_accounts(&chart.scheme_accounts(), now).await?;
    Ok(())
}

/// Processes one event at `now`: the whole exactly-once path. A redelivered event answers `Duplicate`.
pub async fn ingest<L: Ledger>(
    ledger: &mut L,
    rules: &Rules,
    registry: &MethodologyRegistry,
    event: &Event,
    now: Timestamp,
) -> Result<Outcome, L::Error> {
    let transfer_id = event_transfer_id(event.sub_platform, &event.event_id);
    if let Some(existing) = ledger.lookup_transfers(&[transfer_id]).await?.first() {
        return Ok(duplicate(existing));
    }
    ledger.create_accounts(&[rules.chart.person_account(event.person)], now).await?;
    let transfers = ledger.account_transfers(rules.chart.person(event.person)).await?;
    let history = PersonHistory::replay(rules, event.person, &transfers, now);
    let decision = decide(rules, registry, event, &history, now);
    let Some(transfer) = decision.transfer else {
        return Ok(decision.outcome);
    };
    let results = ledger.create_transfers(&[transfer], now).await?;
    Ok(match results[0] {
        Ok(Created::Created) => decision.outcome,
        Ok(Created::Exists) => {
            let existing = ledger.lookup_transfers(&[transfer_id]).await?;
            duplicate(&existing[0])
        }
        Err(error) => Outcome::Rejected { reason: RejectReason::LedgerRefused { error } },
    })
}

fn duplicate(existing: &Transfer) -> Outcome {
    Outcome::Duplicate {
        transfer_id: existing.id,
        points: existing.amount,
        methodology: EarnData::from_transfer(existing).methodology,
    }
}

async fn submit<L: Ledger>(
    ledger: &mut L,
    transfers: &[NewTransfer],
    now: Timestamp,
) -> Result<(), OperationError<L::Error>> {
    let results = ledger.create_transfers(transfers, now).await.map_err(OperationError::Storage)?;
    match results.into_iter().find_map(Result::err) {
        Some(error) => Err(OperationError::Refused(error)),
        None => Ok(()),
    }
}

async fn person_lots<L: Ledger>(
    ledger: &L,
    chart: Chart,
    person: PersonId,
) -> Result<(Vec<Transfer>, Lots), OperationError<L::Error>> {
    let account_id = chart.person(person);
    let transfers = ledger.account_transfers(account_id).await.map_err(OperationError::Storage)?;
    let lots = Lots::replay(account_id, &transfers)
        .expect("a ledger written only through this module replays into valid lots");
    Ok((transfers, lots))
}

/// The person collects a credit that waits for collection (before it lapses).
pub async fn collect<L: Ledger>(
    ledger: &mut L,
    rules: &Rules,
    person: PersonId,
    pending_id: TransferId,
    now: Timestamp,
) -> Result<(), OperationError<L::Error>> {
    resolve(ledger, rules, person, pending_id, TransferCode::EarnToCollect, true, now).await
}

/// A fraud reviewer's decision on a held credit: release it, or reverse (void) it.
pub async fn review<L: Ledger>(
    ledger: &mut L,
    rules: &Rules,
    person: PersonId,
    pending_id: TransferId,
    release: bool,
    now: Timestamp,
) -> Result<(), OperationError<L::Error>> {
    resolve(ledger, rules, person, pending_id, TransferCode::EarnHeld, release, now).await
}

async fn resolve<L: Ledger>(
    ledger: &mut L,
    rules: &Rules,
    person: PersonId,
    pending_id: TransferId,
    code: TransferCode,
    release: bool,
    now: Timestamp,
) -> Result<(), OperationError<L::Error>> {
    let pending = ledger.lookup_transfers(&[pending_id]).await.map_err(OperationError::Storage)?;
    let pending = pending
        .first()
        .filter(|pending| {
            pending.flags.pending
                && pending.code == code as u16
                && pending.credit_account_id == rules.chart.person(person)
        })
        .ok_or(OperationError::NoSuchPending)?;
    let resolution = plan_resolution(pending, release, lot_expiry(now, rules.points_valid_days));
    // The same decision retried later: its transfer exists (with the expiry computed then), so nothing is done.
    // Comparing bodies would refuse the retry, since the lot's expiry depends on when the decision was taken.
    let taken = ledger.lookup_transfers(&[resolution.id]).await.map_err(OperationError::Storage)?;
    if !taken.is_empty() {
        return Ok(());
    }
    submit(ledger, &[resolution], now).await
}

/// Releases the person's delayed credits that are due at `now` (a scheduler calls this; running it twice releases
/// nothing twice).
pub async fn release_due<L: Ledger>(
    ledger: &mut L,
    rules: &Rules,
    person: PersonId,
    now: Timestamp,
) -> Result<usize, OperationError<L::Error>> {
    let transfers = ledger.account_transfers(rules.chart.person(person)).await.map_err(OperationError::Storage)?;
    let history = PersonHistory::replay(rules, person, &transfers, now);
    let due: Vec<NewTransfer> = history
        .earnings
        .iter()
        .filter(|earning| {
            earning.code == TransferCode::EarnDelayed
                && earning.status == EarningStatus::Pending
                && earning.release_at.is_some_and(|release_at| release_at <= now)
        })
        .filter_map(|earning| transfers.iter().find(|transfer| transfer.id == earning.transfer_id))
        .map(|pending| plan_resolution(pending, true, lot_expiry(now, rules.points_valid_days)))
        .collect();
    let n_due = due.len();
    if n_due > 0 {
        let results = ledger.create_transfers(&due, now).await.map_err(OperationError::Storage)?;
        // A release planned twice answers `Exists`; a credit reversed meanwhile answers already voided: both fine.
        for result in results {
            match result {
                Ok(_)
                | Err(TransferError::PendingTransferAlreadyVoided | TransferError::PendingTransferAlreadyPosted) => {}
                Err(error) => return Err(OperationError::Refused(error)),
            }
        }
    }
    Ok(n_due)
}

/// Expires the person's lots that are past their expiry (also done before every spend).
pub async fn expire_due<L: Ledger>(
    ledger: &mut L,
    rules: &Rules,
    person: PersonId,
    now: Timestamp,
) -> Result<Amount, OperationError<L::Error>> {
    let (_, lots) = person_lots(ledger, rules.chart, person).await?;
    let plan = lots.plan_expiry(rules.chart, person, now);
    let amount = plan.iter().map(|transfer| transfer.amount).sum();
    if !plan.is_empty() {
        submit(ledger, &plan, now).await?;
    }
    Ok(amount)
}

/// Redeems or donates `amount` points with the client's `request_id` (retrying with the same id spends once).
pub async fn spend<L: Ledger>(
    ledger: &mut L,
    rules: &Rules,
    person: PersonId,
    what: Spend,
    amount: Amount,
    request_id: TransferId,
    now: Timestamp,
) -> Result<(), OperationError<L::Error>> {
    let retry = !ledger.lookup_transfers(&[request_id]).await.map_err(OperationError::Storage)?.is_empty();
    if !retry {
        let (_, lots) = person_lots(ledger, rules.chart, person).await?;
        let plan = lots.plan_spend(rules.chart, person, what, amount, request_id, now)?;
        return submit(ledger, &plan, now).await;
    }
    // A retry of a spend already applied: submitting the same body answers `Exists` (nothing spent again); a
    // different body under the same id is refused by the ledger.
    let (sink, code) = match what {
        Spend::Redeem { .. } => (rules.chart.redeemed(), TransferCode::Redeem),
        Spend::Donate { .. } => (rules.chart.donated(), TransferCode::Donate),
    };
    let mut retry = rules.chart.transfer(request_id, rules.chart.person(person), sink, amount, code);
    retry.user_data_128 = match what {
        Spend::Redeem { offer } => offer,
        Spend::Donate { project } => project,
    };
    submit(ledger, &[retry], now).await
}

/// Takes back a credit after a fraud finding: a pending credit is voided; a credited one loses what is left of its
/// lot (the spent part is the `shortfall`).
pub async fn reverse<L: Ledger>(
    ledger: &mut L,
    rules: &Rules,
    person: PersonId,
    earn_id: TransferId,
    now: Timestamp,
) -> Result<Reversal, OperationError<L::Error>> {
    let (transfers, lots) = person_lots(ledger, rules.chart, person).await?;
    if let Some(pending) = transfers.iter().find(|transfer| transfer.id == earn_id && transfer.flags.pending)
        && !lots.lots.iter().any(|lot| lot.earn_id == earn_id)
    {
        let void = plan_resolution(pending, false, None);
        let results = ledger.create_transfers(&[void], now).await.map_err(OperationError::Storage)?;
        return match results[0] {
            Ok(_) | Err(TransferError::PendingTransferExpired | TransferError::PendingTransferAlreadyVoided) => {
                Ok(Reversal { transfer: Some(void), reversed: 0, shortfall: 0 })
            }
            Err(error) => Err(OperationError::Refused(error)),
        };
    }
    let reversal = lots.plan_reverse(rules.chart, person, earn_id)?;
    if let Some(transfer) = reversal.transfer {
        submit(ledger, &[transfer], now).await?;
    }
    Ok(reversal)
}
