//! Exactly-once ingestion of sub-platforms' events (migration 0018): every event gets one outcome — credited,
//! capped, held for review, or rejected with a reason — stored under (sub-platform, event id) in the same
//! transaction as the ledger transfer that carries it (`PointsLedger::begin_transfers`).
//!
//! A delivery first looks for the event's stored outcome. Found with the same payload digest, it is answered as
//! stored (`Delivery::Replayed`: nothing decided or credited again); found with another payload, it is refused
//! (`DeliveryRefusal::EventIdReused`). Not found, the event is admitted (behaviour registered for the sub-platform,
//! identity linked in force), decided by `tanji_account::rules::decide` on the person's history, and its transfer
//! (id derived from (sub-platform number, event id)) and outcome row are committed together. A crash before that
//! commit leaves neither, so the broker's redelivery starts afresh; a crash after it leaves both, so the
//! redelivery reads the outcome. Should two processes decide the same event at once, the ledger answers the second
//! `Exists` (or the outcome's primary key refuses its row) and it reads the first one's outcome instead.
//!
//! Events are decided one at a time within a process (`INGESTION`): the caps and velocity checks read the person's
//! history before the batch takes the ledger's lock, and two events of one person decided at once could both pass
//! a cap (see `tanji_account::rules`). Several ingesting processes on one database should partition sub-platforms or
//! people between them.
//!
//! Who may ingest: a sub-platform credential (`SubPlatformCaller`) for its own sub-platform only, and the NATS
//! consumer, whose broker's permissions confine each sub-platform to its own subject.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};
use tanji_account::ingestion::{
    DeliveryRefusal, SubPlatformEvent, credited_points, decide_delivery, outcome_code, outcome_transfer,
};
use tanji_account::ledger::{Created, Ledger};
use tanji_account::methodology::MethodologyRegistry;
use tanji_account::points::{Chart, PersonId};
use tanji_account::rules::{Outcome, PersonHistory, RejectReason, Rules, Velocity};
use tanji_tenancy::access::Credential;
use tanji_tenancy::member::Role;
use tanji_tenancy::organisation::OrganisationKind;
use tanji_tenancy::{Actor, OrganisationId, UserId};
use uuid::Uuid;

use crate::account_ledger::PointsLedger;
use crate::account_sub_platforms::{CredentialScope, SubPlatformCaller};
use crate::database::{RowExt, time_to_db};
use crate::{Store, StoreError};

/// The scheme's issuance rules, on the scheme's chart (ledger 88). Every operator's scheme uses these until rules
/// can be set per scheme: one point per gram of CO2e, days in China's civil time (+08:00), lots valid 365 days, at
/// most 2,000 points per person per day, claims within 30 days of the activity, and more than 30 events of one person
/// within an hour held for review. These are the operator's policy, not published figures.
pub fn scheme_rules() -> Rules {
    Rules {
        chart: Chart::SCHEME,
        utc_offset_seconds: 8 * 3600,
        points_per_kg_co2e: 1000,
        points_valid_days: Some(365),
        daily_cap_points: Some(2000),
        behaviour_caps: BTreeMap::new(),
        claim_window_days: 30,
        issuance_delay_seconds: 0,
        collect_window_seconds: 0,
        velocity: Some(Velocity { max_events: 30, window_seconds: 3600 }),
    }
}

/// The most outcomes one reconciliation read returns.
pub const MAX_OUTCOMES_PER_READ: usize = 1000;

/// How an event arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Http,
    Nats,
}

impl Channel {
    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::Http => "http",
            Channel::Nats => "nats",
        }
    }
}

/// An event's stored outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedOutcome {
    pub event_id: String,
    pub identity: String,
    pub behaviour: String,
    pub occurred_at: Timestamp,
    /// The parent account the identity was linked to when the event was decided.
    pub person_number: Option<u64>,
    pub outcome: Outcome,
    /// Points credited for good (0 for held and rejected).
    pub points_credited: u64,
    pub received_via: Channel,
    pub recorded_at: Timestamp,
}

/// What one delivery of an event came to.
#[derive(Clone, Debug, PartialEq)]
pub enum Delivery {
    /// Decided now, and stored.
    Recorded(RecordedOutcome),
    /// Delivered before with the same payload: the stored outcome, nothing done again.
    Replayed(RecordedOutcome),
    /// Refused; nothing stored.
    Refused(DeliveryRefusal),
}

impl Delivery {
    /// The outcome, decided now or before.
    pub fn outcome(&self) -> Option<&RecordedOutcome> {
        match self {
            Delivery::Recorded(outcome) | Delivery::Replayed(outcome) => Some(outcome),
            Delivery::Refused(_) => None,
        }
    }
}

/// A sub-platform that reports events, as ingestion needs it.
struct Ingesting {
    sub_platform_id: Uuid,
    operator_id: OrganisationId,
    number: u32,
    behaviours: Vec<String>,
}

/// Serialises the decisions of this process (see the module's notes).
fn ingestion_lock() -> &'static tokio::sync::Mutex<()> {
    static LOCK: OnceLock<tokio::sync::Mutex<()>> = OnceLock::new();
    LOCK.get_or_init(|| tokio::sync::Mutex::new(()))
}

const OUTCOME_COLUMNS: &str = "event_id, payload_digest, external_identity, behaviour, occurred_at, person_number, \
     outcome_json, points_credited, received_via, recorded_at";

impl Store {
    /// Ingests a batch reported over HTTP by `caller`, for its own sub-platform `sub_platform_id` only (another
    /// sub-platform's reads as not found). One answer per event, in order; each event commits on its own.
    pub async fn ingest_events(
        &self,
        caller: &SubPlatformCaller,
        sub_platform_id: Uuid,
        events: &[SubPlatformEvent],
    ) -> Result<Vec<Delivery>, StoreError> {
        require_caller(caller, sub_platform_id, CredentialScope::EventsWrite)?;
        let ingesting = self.ingesting(sub_platform_id).await?.ok_or(StoreError::NotFound)?;
        self.ingest_all(&ingesting, events, Channel::Http).await
    }

    /// Ingests one event received from NATS on the subject of `sub_platform_id`. `None` when no active
    /// sub-platform has that id (the message cannot be for this deployment).
    pub async fn ingest_nats_event(
        &self,
        sub_platform_id: Uuid,
        event: &SubPlatformEvent,
    ) -> Result<Option<Delivery>, StoreError> {
        let Some(ingesting) = self.ingesting(sub_platform_id).await? else { return Ok(None) };
        let mut deliveries = self.ingest_all(&ingesting, std::slice::from_ref(event), Channel::Nats).await?;
        Ok(deliveries.pop())
    }

    async fn ingest_all(
        &self,
        ingesting: &Ingesting,
        events: &[SubPlatformEvent],
        via: Channel,
    ) -> Result<Vec<Delivery>, StoreError> {
        let rules = scheme_rules();
        let registry = self.methodology_registry(ingesting.operator_id).await?;
        let mut ledger = self.operator_points_ledger(ingesting.operator_id).await?;
        let mut deliveries = Vec::with_capacity(events.len());
        for event in events {
            deliveries.push(self.ingest_one(ingesting, &mut ledger, &rules, &registry, event, via).await?);
        }
        Ok(deliveries)
    }

    async fn ingest_one(
        &self,
        ingesting: &Ingesting,
        ledger: &mut PointsLedger,
        rules: &Rules,
        registry: &MethodologyRegistry,
        event: &SubPlatformEvent,
        via: Channel,
    ) -> Result<Delivery, StoreError> {
        let _one_at_a_time = ingestion_lock().lock().await;
        let digest = event.digest();
        if let Some(answer) = self.stored_delivery(ingesting.sub_platform_id, &event.event_id, &digest).await? {
            return Ok(answer);
        }
        let now = self.now();
        let person = if event.identity.trim().is_empty() {
            None
        } else {
            self.linked_parent_account(ingesting.sub_platform_id, &event.identity)
                .await?
                .filter(|account| account.operator_id == ingesting.operator_id)
                .map(|account| PersonId(account.person_number))
        };
        let behaviours: Vec<&str> = ingesting.behaviours.iter().map(String::as_str).collect();
        let admitted = event.admit(ingesting.number, &behaviours, person);
        let history = match &admitted {
            Ok(admitted) => {
                let chart = rules.chart;
                let person_account = chart.person(admitted.person);
                if ledger.lookup_accounts(&[chart.issuance(), person_account]).await?.len() < 2 {
                    let mut accounts = chart.scheme_accounts();
                    accounts.push(chart.person_account(admitted.person));
                    ledger.create_accounts(&accounts, now).await?;
                }
                let transfers = ledger.account_transfers(person_account).await?;
                PersonHistory::replay(rules, admitted.person, &transfers, now)
            }
            Err(_) => PersonHistory::default(),
        };
        let decision = decide_delivery(rules, registry, admitted.as_ref().map_err(Clone::clone), &history, now);
        let mut outcome = decision.outcome;
        let mut transaction = match decision.transfer {
            Some(transfer) => {
                let (results, batch) = ledger.begin_transfers(&[transfer], now).await?;
                match results[0] {
                    Ok(Created::Created) => {}
                    // Another process credited this event meanwhile: its outcome is (or is about to be) stored.
                    Ok(Created::Exists) => {
                        drop(batch);
                        return self.delivery_decided_elsewhere(ingesting, &event.event_id, &digest).await;
                    }
                    Err(error) => outcome = Outcome::Rejected { reason: RejectReason::LedgerRefused { error } },
                }
                batch.into_transaction()
            }
            None => self.pools.begin_write().await?,
        };
        let recorded = RecordedOutcome {
            event_id: event.event_id.clone(),
            identity: event.identity.clone(),
            behaviour: event.behaviour.clone(),
            occurred_at: event.occurred_at,
            person_number: person.map(|person| person.0),
            points_credited: u64::try_from(credited_points(&outcome)).unwrap_or(u64::MAX),
            outcome,
            received_via: via,
            recorded_at: now,
        };
        if !insert_outcome(&mut transaction, ingesting, &digest, &recorded).await? {
            transaction.rollback().await?;
            return self.delivery_decided_elsewhere(ingesting, &event.event_id, &digest).await;
        }
        transaction.commit().await?;
        Ok(Delivery::Recorded(recorded))
    }

    async fn delivery_decided_elsewhere(
        &self,
        ingesting: &Ingesting,
        event_id: &str,
        digest: &str,
    ) -> Result<Delivery, StoreError> {
        self.stored_delivery(ingesting.sub_platform_id, event_id, digest).await?.ok_or_else(|| {
            StoreError::Internal(anyhow::anyhow!(
                "event {event_id:?} of sub-platform {} has a ledger transfer but no stored outcome",
                ingesting.sub_platform_id
            ))
        })
    }

    /// The stored answer for a delivery of an event, if it was decided before.
    async fn stored_delivery(
        &self,
        sub_platform_id: Uuid,
        event_id: &str,
        digest: &str,
    ) -> Result<Option<Delivery>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {OUTCOME_COLUMNS} FROM account_event_outcomes WHERE sub_platform_id = $1 AND event_id = $2"
        )))
        .bind(sub_platform_id.to_string())
        .bind(event_id)
        .fetch_optional(&self.pools.reader)
        .await?;
        let Some(row) = row else { return Ok(None) };
        if row.text("payload_digest")? != digest {
            return Ok(Some(Delivery::Refused(DeliveryRefusal::EventIdReused { event_id: event_id.to_owned() })));
        }
        Ok(Some(Delivery::Replayed(outcome_from_row(&row)?)))
    }

    /// The sub-platform's outcomes recorded at or after `since` (all without it), oldest first, at most
    /// `MAX_OUTCOMES_PER_READ`: reconciliation with the `outcomes:read` scope, for its own sub-platform only.
    pub async fn event_outcomes(
        &self,
        caller: &SubPlatformCaller,
        sub_platform_id: Uuid,
        since: Option<Timestamp>,
    ) -> Result<Vec<RecordedOutcome>, StoreError> {
        require_caller(caller, sub_platform_id, CredentialScope::OutcomesRead)?;
        let since = since.map(time_to_db).unwrap_or_default();
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {OUTCOME_COLUMNS} FROM account_event_outcomes WHERE sub_platform_id = $1 AND recorded_at >= $2 \
             ORDER BY recorded_at, event_id LIMIT {MAX_OUTCOMES_PER_READ}"
        )))
        .bind(sub_platform_id.to_string())
        .bind(since)
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.iter().map(outcome_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// One event's outcome (`outcomes:read`, own sub-platform only); `NotFound` when it was never decided.
    pub async fn event_outcome(
        &self,
        caller: &SubPlatformCaller,
        sub_platform_id: Uuid,
        event_id: &str,
    ) -> Result<RecordedOutcome, StoreError> {
        require_caller(caller, sub_platform_id, CredentialScope::OutcomesRead)?;
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {OUTCOME_COLUMNS} FROM account_event_outcomes WHERE sub_platform_id = $1 AND event_id = $2"
        )))
        .bind(sub_platform_id.to_string())
        .bind(event_id)
        .fetch_optional(&self.pools.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(outcome_from_row(&row)?)
    }

    /// The active sub-platform with `id`, its number (given now at its first event) and its behaviours.
    async fn ingesting(&self, id: Uuid) -> Result<Option<Ingesting>, StoreError> {
        let row = sqlx::query("SELECT operator_id FROM account_sub_platforms WHERE id = $1 AND status = 'active'")
            .bind(id.to_string())
            .fetch_optional(&self.pools.reader)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let operator_id: OrganisationId = row.id("operator_id")?;
        let behaviours =
            sqlx::query("SELECT DISTINCT behaviour FROM account_sub_platform_behaviours WHERE sub_platform_id = $1")
                .bind(id.to_string())
                .fetch_all(&self.pools.reader)
                .await?
                .iter()
                .map(|row| row.text("behaviour"))
                .collect::<anyhow::Result<Vec<_>>>()?;
        let number = self.sub_platform_number(id, operator_id).await?;
        Ok(Some(Ingesting { sub_platform_id: id, operator_id, number, behaviours }))
    }

    /// The sub-platform's number in its operator's scheme, given at the first call (one after the operator's last).
    async fn sub_platform_number(&self, id: Uuid, operator_id: OrganisationId) -> Result<u32, StoreError> {
        let select = "SELECT number FROM account_sub_platform_numbers WHERE sub_platform_id = $1";
        if let Some((number,)) =
            sqlx::query_as::<_, (i64,)>(select).bind(id.to_string()).fetch_optional(&self.pools.reader).await?
        {
            return Ok(u32::try_from(number).map_err(anyhow::Error::from)?);
        }
        let mut transaction = self.pools.begin_write().await?;
        let number = match sqlx::query_as::<_, (i64,)>(select)
            .bind(id.to_string())
            .fetch_optional(&mut *transaction)
            .await?
        {
            Some((number,)) => number,
            None => {
                let (number,): (i64,) = sqlx::query_as(
                    "SELECT COALESCE(MAX(number), 0) + 1 FROM account_sub_platform_numbers WHERE operator_id = $1",
                )
                .bind(operator_id.to_string())
                .fetch_one(&mut *transaction)
                .await?;
                sqlx::query(
                    "INSERT INTO account_sub_platform_numbers (sub_platform_id, operator_id, number) VALUES ($1, $2, $3)",
                )
                .bind(id.to_string())
                .bind(operator_id.to_string())
                .bind(number)
                .execute(&mut *transaction)
                .await?;
                number
            }
        };
        transaction.commit().await?;
        Ok(u32::try_from(number).map_err(anyhow::Error::from)?)
    }

    /// The operator's points ledger, opened for ingestion (which acts for a sub-platform, not a member).
    async fn operator_points_ledger(&self, operator_id: OrganisationId) -> Result<PointsLedger, StoreError> {
        let ingestion = Actor {
            user_id: UserId::from_uuid(Uuid::nil()),
            label: "event ingestion".to_owned(),
            organisation_id: operator_id,
            organisation_kind: OrganisationKind::PlatformOperator,
            role: Role::Owner,
            credential: Credential::Session,
        };
        self.points_ledger(&ingestion).await
    }
}

/// A caller may act on its own sub-platform only (another's reads as not found), with the scope the step needs.
fn require_caller(caller: &SubPlatformCaller, sub_platform_id: Uuid, scope: CredentialScope) -> Result<(), StoreError> {
    if caller.sub_platform_id != sub_platform_id {
        return Err(StoreError::NotFound);
    }
    if !caller.scopes.contains(&scope) {
        return Err(StoreError::Denied(tanji_tenancy::access::Denied {
            permission: tanji_tenancy::Permission::ViewAccountScheme,
        }));
    }
    Ok(())
}

/// Inserts the outcome row; `false` when the event already has one (decided by another process meanwhile).
async fn insert_outcome(
    transaction: &mut Transaction<'static, Any>,
    ingesting: &Ingesting,
    digest: &str,
    recorded: &RecordedOutcome,
) -> Result<bool, StoreError> {
    let outcome_json = serde_json::to_string(&recorded.outcome).map_err(anyhow::Error::from)?;
    let inserted = sqlx::query(
        "INSERT INTO account_event_outcomes (sub_platform_id, event_id, operator_id, payload_digest, \
         external_identity, behaviour, occurred_at, person_number, outcome, outcome_json, points_credited, transfer_id, \
         received_via, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (sub_platform_id, event_id) DO NOTHING",
    )
    .bind(ingesting.sub_platform_id.to_string())
    .bind(&recorded.event_id)
    .bind(ingesting.operator_id.to_string())
    .bind(digest)
    .bind(&recorded.identity)
    .bind(&recorded.behaviour)
    .bind(time_to_db(recorded.occurred_at))
    .bind(recorded.person_number.map(|number| i64::try_from(number).unwrap_or(i64::MAX)))
    .bind(outcome_code(&recorded.outcome))
    .bind(outcome_json)
    .bind(i64::try_from(recorded.points_credited).unwrap_or(i64::MAX))
    .bind(outcome_transfer(&recorded.outcome).map(|id| id.to_string()))
    .bind(recorded.received_via.as_str())
    .bind(time_to_db(recorded.recorded_at))
    .execute(&mut **transaction)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

fn outcome_from_row(row: &AnyRow) -> anyhow::Result<RecordedOutcome> {
    Ok(RecordedOutcome {
        event_id: row.text("event_id")?,
        identity: row.text("external_identity")?,
        behaviour: row.text("behaviour")?,
        occurred_at: row.time("occurred_at")?,
        person_number: row.try_get::<Option<i64>, _>("person_number")?.map(u64::try_from).transpose()?,
        outcome: serde_json::from_str(&row.text("outcome_json")?)?,
        points_credited: u64::try_from(row.integer("points_credited")?)?,
        received_via: if row.text("received_via")? == "nats" { Channel::Nats } else { Channel::Http },
        recorded_at: row.time("recorded_at")?,
    })
}
