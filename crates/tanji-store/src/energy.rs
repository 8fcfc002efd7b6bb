//! Energy meters, their readings and the roll-ups dashboards read: the storage half of issue 9's "data in".
//!
//! Every way readings arrive — the REST batch endpoint, the live MQTT subscriber, a CSV import — goes through one
//! idempotent path, [`ReadingStore::ingest`]:
//!
//! 1. Every reading of the batch is checked first (the meter exists in the organisation); if any is wrong, nothing
//!    is written and every problem is returned with its position in the batch ([`IngestError::Rejected`]).
//! 2. In one transaction each reading is inserted unless the meter already has a reading at that instant. The same
//!    value again is a *duplicate* (counted, nothing written); a different value is a *conflict* (counted and
//!    listed, the stored value kept — raw data is never overwritten).
//! 3. In the same transaction the hourly, daily and monthly roll-ups of the meter are adjusted, so a committed
//!    reading is always already in its roll-ups and dashboards never scan raw rows.
//!
//! Roll-up rules (docs/energy-ingestion.md says the same to users):
//! - A reading at instant `t` counts in the bucket that contains `t`. Hours, days and months are cut in the meter's
//!   fixed UTC offset (`utc_offset_minutes`, +480 for China), so a "day" is a local day.
//! - Interval meters: the bucket's consumption is the sum of `value × multiplier`.
//! - Cumulative registers: the raw register values are stored; the consumption between two consecutive readings
//!   `a` (earlier) and `b` is `(b − a) × multiplier` and counts in `b`'s bucket. A reading that arrives between two
//!   stored ones replaces their delta by the two new ones. A delta that goes down (register reset or rollover) counts
//!   as zero and is counted in `n_negative_deltas`, for the cleaning step of the analysis to resolve; nothing is
//!   guessed here.
//!
//! The time series sits behind the [`ReadingStore`] trait, implemented here on the relational store (SQLite or
//! PostgreSQL), so that a column store can take it over at scale without changing the adapters.
//!
//! Isolation: methods taking an [`Actor`] check `ViewEnergy`/`EditEnergy` and stay in the actor's organisation.
//! [`ReadingStore`] itself takes an organisation id that its caller has authorised: the API through the actor, the
//! MQTT subscriber through the broker's topic ACLs (docs/energy-ingestion.md).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::Offset;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};
/// What can be wrong with a reading, as values the adapters render per language.
pub use tanji_energy::ingest::{IngestProblem, ReadingError, ReadingField};
use tanji_energy::ingest::{check_meter_code, read_instant};
use tanji_tenancy::audit::{AuditAction, FieldChange};
use tanji_tenancy::validation::{Problem, single_line_text};
use tanji_tenancy::{Actor, FacilityId, FieldError, OrganisationId, Permission};
use tanji_units::{Dimension, Unit};

use crate::audit::{self, ChangedBy, Entry};
use crate::database::{RowExt, stored_precision, time_to_db, violated_unique_index};
use crate::{Conflict, Store, StoreError, new_id};

/// The most readings one API request may carry; larger uploads are split by the sender. (A file import is one
/// transaction whatever its size: whole file or nothing.)
pub const MAX_READINGS_PER_BATCH: usize = 10_000;

/// What a meter measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeterKind {
    Electricity,
    NaturalGas,
    Steam,
    Water,
    CompressedAir,
}

impl MeterKind {
    const CHOICES: [(&'static str, MeterKind); 5] = [
        ("electricity", MeterKind::Electricity),
        ("natural_gas", MeterKind::NaturalGas),
        ("steam", MeterKind::Steam),
        ("water", MeterKind::Water),
        ("compressed_air", MeterKind::CompressedAir),
    ];

    /// Reads the stored or sent name (`natural_gas`).
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        tanji_tenancy::validation::one_of(field, raw, &Self::CHOICES)
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        Self::CHOICES.iter().find(|(_, kind)| *kind == self).map(|(name, _)| *name).expect("every kind is listed")
    }

    /// Whether a meter of this kind may count in a unit of `dimension`: energy, or the physical quantity the
    /// medium is metered in (gas volume, steam mass, water and air volume).
    fn accepts(self, dimension: Dimension) -> bool {
        use Dimension::{Energy, Mass, NormalGasVolume, StandardGasVolume, Volume};
        match self {
            MeterKind::Electricity => matches!(dimension, Energy),
            MeterKind::NaturalGas => matches!(dimension, Energy | Volume | NormalGasVolume | StandardGasVolume),
            MeterKind::Steam => matches!(dimension, Energy | Mass),
            MeterKind::Water => matches!(dimension, Volume | Mass),
            MeterKind::CompressedAir => matches!(dimension, Volume | NormalGasVolume | StandardGasVolume | Energy),
        }
    }
}

/// How a meter reports: the consumption of each interval, or the running total of a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegisterType {
    /// Each reading is the consumption since the previous one.
    Interval,
    /// Each reading is the register's running total; consumption is the difference between consecutive readings.
    Cumulative,
}

impl RegisterType {
    const CHOICES: [(&'static str, RegisterType); 2] =
        [("interval", RegisterType::Interval), ("cumulative", RegisterType::Cumulative)];

    /// Reads the stored or sent name.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        tanji_tenancy::validation::one_of(field, raw, &Self::CHOICES)
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            RegisterType::Interval => "interval",
            RegisterType::Cumulative => "cumulative",
        }
    }
}

/// Which way a reading arrived; stored with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadingSource {
    /// A CSV file (`tanji energy import`).
    Csv,
    /// A batch sent to `POST /api/v1/energy/readings`.
    Api,
    /// A message from the MQTT broker.
    Mqtt,
}

impl ReadingSource {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReadingSource::Csv => "csv",
            ReadingSource::Api => "api",
            ReadingSource::Mqtt => "mqtt",
        }
    }
}

/// The length of time a roll-up covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RollupGrain {
    Hour,
    Day,
    Month,
}

impl RollupGrain {
    /// Every grain, each kept up to date on every insert.
    pub const ALL: [RollupGrain; 3] = [RollupGrain::Hour, RollupGrain::Day, RollupGrain::Month];

    /// Reads `hour`, `day` or `month`.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        tanji_tenancy::validation::one_of(
            field,
            raw,
            &[("hour", RollupGrain::Hour), ("day", RollupGrain::Day), ("month", RollupGrain::Month)],
        )
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            RollupGrain::Hour => "hour",
            RollupGrain::Day => "day",
            RollupGrain::Month => "month",
        }
    }

    /// The start of the bucket of this grain that contains `time`, with days and months cut at local midnight of
    /// the fixed offset `utc_offset_minutes`.
    pub fn bucket_start(self, time: Timestamp, utc_offset_minutes: i32) -> Timestamp {
        let offset = Offset::from_seconds(utc_offset_minutes * 60).expect("meter offsets are checked to ±14 h");
        let local = offset.to_datetime(time);
        let start: DateTime = match self {
            RollupGrain::Hour => local.date().at(local.hour(), 0, 0, 0),
            RollupGrain::Day => local.date().to_datetime(jiff::civil::Time::midnight()),
            RollupGrain::Month => local.date().first_of_month().to_datetime(jiff::civil::Time::midnight()),
        };
        offset.to_timestamp(start).expect("a bucket start of a valid time is a valid time")
    }
}

/// A meter's code: what the sender names it by, in API bodies, CSV files and MQTT topics (`tanji/{org}/meters/{code}`).
/// 1–64 characters of `A–Z a–z 0–9 . _ -`, so that it is always one MQTT topic level and one URL path segment.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct MeterCode(String);

impl MeterCode {
    /// The longest code accepted.
    pub const MAX_CHARS: usize = 64;

    /// Checks a code.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        let code = raw.trim();
        if code.is_empty() {
            return Err(FieldError::new(field, Problem::Required));
        }
        if code.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::new(field, Problem::TooLong { max_chars: Self::MAX_CHARS }));
        }
        if !code.chars().all(|character| character.is_ascii_alphanumeric() || matches!(character, '.' | '_' | '-')) {
            return Err(FieldError::new(
                field,
                Problem::Malformed { expected: "letters A–Z, digits and . _ - only (e.g. L2-HEATER-01)" },
            ));
        }
        Ok(Self(code.to_owned()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What is sent to register a meter, as text, before checking.
#[derive(Clone, Debug, Default)]
pub struct MeterInput<'a> {
    pub facility_id: &'a str,
    pub code: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub unit: &'a str,
    pub register_type: &'a str,
    /// CT/PT ratio or pulse weight; 1 when absent.
    pub multiplier: Option<f64>,
    /// Minutes east of UTC where the meter is; +480 (China) when absent.
    pub utc_offset_minutes: Option<i64>,
}

/// A checked meter registration.
#[derive(Clone, Debug, PartialEq)]
pub struct NewMeter {
    pub facility_id: FacilityId,
    pub code: MeterCode,
    pub name: String,
    pub kind: MeterKind,
    pub unit: String,
    pub register_type: RegisterType,
    pub multiplier: f64,
    pub utc_offset_minutes: i32,
}

impl NewMeter {
    /// China Standard Time, the default offset for local days.
    pub const DEFAULT_UTC_OFFSET_MINUTES: i32 = 480;

    /// Checks every field, returning every problem at once.
    pub fn parse(input: &MeterInput<'_>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let facility_id = input
            .facility_id
            .trim()
            .parse::<FacilityId>()
            .map_err(|_| FieldError::new("facility_id", Problem::Malformed { expected: "a facility id (UUID)" }));
        let code = MeterCode::parse("code", input.code);
        let name = single_line_text("name", input.name, 200);
        let kind = MeterKind::parse("kind", input.kind);
        let unit = match (Unit::parse(input.unit.trim()), &kind) {
            (Err(_), _) => Err(FieldError::new(
                "unit",
                Problem::Malformed { expected: "a unit tanji knows, such as kWh, MWh, GJ, m3, Nm3, t or kg" },
            )),
            (Ok(unit), Ok(kind)) if !kind.accepts(unit.dimension()) => Err(FieldError::new(
                "unit",
                Problem::Malformed {
                    expected: "a unit that fits the meter's kind (electricity: energy; gas and air: volume or energy; \
                               steam: mass or energy; water: volume or mass)",
                },
            )),
            (Ok(_), _) => Ok(input.unit.trim().to_owned()),
        };
        let register_type = RegisterType::parse("register_type", input.register_type);
        let multiplier = match input.multiplier {
            None => Ok(1.0),
            Some(value) if value.is_finite() && value > 0.0 && value <= 1e9 => Ok(value),
            Some(_) => Err(FieldError::new("multiplier", Problem::OutOfRange { min: "more than 0", max: "1e9" })),
        };
        let utc_offset_minutes = match input.utc_offset_minutes {
            None => Ok(Self::DEFAULT_UTC_OFFSET_MINUTES),
            Some(minutes) if (-720..=840).contains(&minutes) => Ok(i32::try_from(minutes).expect("in range")),
            Some(_) => Err(FieldError::new("utc_offset_minutes", Problem::OutOfRange { min: "-720", max: "840" })),
        };
        macro_rules! take {
            ($result:expr) => {
                match $result {
                    Ok(value) => Some(value),
                    Err(error) => {
                        errors.push(error);
                        None
                    }
                }
            };
        }
        let parsed = (
            take!(facility_id),
            take!(code),
            take!(name),
            take!(kind),
            take!(unit),
            take!(register_type),
            take!(multiplier),
            take!(utc_offset_minutes),
        );
        match parsed {
            (
                Some(facility_id),
                Some(code),
                Some(name),
                Some(kind),
                Some(unit),
                Some(register_type),
                Some(multiplier),
                Some(utc_offset_minutes),
            ) => Ok(Self { facility_id, code, name, kind, unit, register_type, multiplier, utc_offset_minutes }),
            _ => Err(errors),
        }
    }
}

/// A registered meter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Meter {
    pub id: uuid::Uuid,
    pub facility_id: FacilityId,
    pub code: MeterCode,
    pub name: String,
    pub kind: MeterKind,
    pub unit: String,
    pub register_type: RegisterType,
    pub multiplier: f64,
    pub utc_offset_minutes: i32,
    /// Readings stored for this meter.
    pub n_readings: i64,
    /// The instant of its latest reading.
    pub last_reading_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

/// One reading to store: checked at the edge, its meter named by code.
#[derive(Clone, Debug, PartialEq)]
pub struct NewReading {
    pub meter_code: MeterCode,
    /// The instant, truncated to the microsecond it is stored with.
    pub reading_at: Timestamp,
    /// The meter's value as sent (before the multiplier): an interval's consumption or a register's total.
    pub value: f64,
    /// Where it came from, for provenance: a request id, an MQTT topic, a file and row.
    pub source_reference: String,
}

impl NewReading {
    /// The longest source reference kept.
    pub const MAX_SOURCE_REFERENCE_CHARS: usize = 300;

    /// Checks a reading as sent: a meter code, an RFC 3339 time with its UTC offset, a finite number. What is wrong
    /// is a value (`tanji_energy::ingest`) the adapters say in the reader's language.
    pub fn parse(meter: &str, timestamp: &str, value: f64, source_reference: &str) -> Result<Self, ReadingError> {
        let meter_code = MeterCode(check_meter_code(meter, MeterCode::MAX_CHARS)?.to_owned());
        let reading_at = read_instant(timestamp)?;
        if !value.is_finite() {
            return Err(ReadingError::new(ReadingField::Value, IngestProblem::NotFinite));
        }
        let source_reference: String = source_reference.chars().take(Self::MAX_SOURCE_REFERENCE_CHARS).collect();
        Ok(Self { meter_code, reading_at: stored_precision(reading_at), value, source_reference })
    }
}

/// A reading of a batch that could not be accepted, by its position (from 0) in the batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadingProblem {
    pub index: usize,
    pub error: ReadingError,
}

/// A reading whose meter already has a different value at that instant. The stored value is kept.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReadingConflict {
    pub index: usize,
    pub meter: MeterCode,
    pub reading_at: Timestamp,
    pub stored_value: f64,
    pub sent_value: f64,
}

/// What became of a batch.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct IngestOutcome {
    /// Readings stored now.
    pub n_accepted: usize,
    /// Readings already stored with the same value (nothing written).
    pub n_duplicates: usize,
    /// Readings already stored with a different value (nothing written; see `conflicts`).
    pub n_conflicts: usize,
    pub conflicts: Vec<ReadingConflict>,
}

/// Why a batch was not ingested. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// Readings of the batch are wrong; every one is listed, and no reading of the batch was stored.
    #[error("{} reading(s) refused; nothing was saved", .0.len())]
    Rejected(Vec<ReadingProblem>),
    /// The store refused (permission) or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for IngestError {
    fn from(error: sqlx::Error) -> Self {
        IngestError::Store(error.into())
    }
}

/// A meter's consumption over one bucket.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rollup {
    pub bucket_start: Timestamp,
    /// In the meter's unit, after the multiplier.
    pub consumption: f64,
    /// Readings whose instant falls in the bucket.
    pub n_readings: i64,
    /// Cumulative registers: deltas in the bucket that went down (reset or rollover), counted as zero.
    pub n_negative_deltas: i64,
}

/// The storage of meter readings and their roll-ups. The relational [`Store`] implements it; a column store may.
///
/// Callers have authorised the organisation: the `Store` methods that take an [`Actor`] do it by permission, the
/// MQTT subscriber by the broker's topic ACLs.
pub trait ReadingStore {
    /// Stores a batch idempotently; see the module documentation for the rules.
    fn ingest(
        &self,
        organisation_id: OrganisationId,
        source: ReadingSource,
        readings: &[NewReading],
    ) -> impl Future<Output = Result<IngestOutcome, IngestError>> + Send;

    /// A meter's roll-ups of one grain with `from <= bucket_start < to`, oldest first.
    fn rollups(
        &self,
        organisation_id: OrganisationId,
        meter: &MeterCode,
        grain: RollupGrain,
        from: Timestamp,
        to: Timestamp,
    ) -> impl Future<Output = Result<Vec<Rollup>, StoreError>> + Send;

    /// How many readings a meter has stored.
    fn count_readings(
        &self,
        organisation_id: OrganisationId,
        meter: &MeterCode,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
}

const METER_COLUMNS: &str = "id, facility_id, code, name, kind, unit, register_type, multiplier, utc_offset_minutes, \
     n_readings, last_reading_at, last_value, created_at";

fn meter_from_row(row: &AnyRow) -> anyhow::Result<Meter> {
    Ok(Meter {
        id: row.id("id")?,
        facility_id: row.id("facility_id")?,
        code: MeterCode::parse("code", &row.text("code")?)?,
        name: row.text("name")?,
        kind: MeterKind::parse("kind", &row.text("kind")?)?,
        unit: row.text("unit")?,
        register_type: RegisterType::parse("register_type", &row.text("register_type")?)?,
        multiplier: row.try_get::<f64, _>("multiplier")?,
        utc_offset_minutes: i32::try_from(row.integer("utc_offset_minutes")?)?,
        n_readings: row.integer("n_readings")?,
        last_reading_at: row.optional_time("last_reading_at")?,
        created_at: row.time("created_at")?,
    })
}

impl Store {
    /// The actor's organisation's meters, by code.
    pub async fn list_meters(&self, actor: &Actor) -> Result<Vec<Meter>, StoreError> {
        actor.require(Permission::ViewEnergy)?;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {METER_COLUMNS} FROM energy_meters WHERE organisation_id = $1 ORDER BY code"
        )))
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.iter().map(meter_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// One meter of the actor's organisation, by code.
    pub async fn meter(&self, actor: &Actor, code: &MeterCode) -> Result<Meter, StoreError> {
        actor.require(Permission::ViewEnergy)?;
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {METER_COLUMNS} FROM energy_meters WHERE organisation_id = $1 AND code = $2"
        )))
        .bind(actor.organisation_id.to_string())
        .bind(code.as_str())
        .fetch_optional(&self.pools.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(meter_from_row(&row)?)
    }

    /// Registers a meter at a facility of the actor's organisation (owners and editors).
    pub async fn register_meter(&self, actor: &Actor, new: &NewMeter) -> Result<Meter, StoreError> {
        actor.require(Permission::EditEnergy)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let id = insert_meter(&mut transaction, actor, now, new).await?;
        // A meter registered at the facility shows in its analysis (as left out until it is placed).
        crate::energy_site::bump_data_version(&mut transaction, new.facility_id).await?;
        transaction.commit().await?;
        Ok(Meter {
            id,
            facility_id: new.facility_id,
            code: new.code.clone(),
            name: new.name.clone(),
            kind: new.kind,
            unit: new.unit.clone(),
            register_type: new.register_type,
            multiplier: new.multiplier,
            utc_offset_minutes: new.utc_offset_minutes,
            n_readings: 0,
            last_reading_at: None,
            created_at: now,
        })
    }

    /// Stores a batch of readings for the actor's organisation (owners and editors; `write` scope).
    pub async fn record_readings(
        &self,
        actor: &Actor,
        source: ReadingSource,
        readings: &[NewReading],
    ) -> Result<IngestOutcome, IngestError> {
        actor.require(Permission::EditEnergy).map_err(StoreError::from)?;
        self.ingest(actor.organisation_id, source, readings).await
    }

    /// A meter's roll-ups, for the actor's organisation.
    pub async fn meter_rollups(
        &self,
        actor: &Actor,
        meter: &MeterCode,
        grain: RollupGrain,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Rollup>, StoreError> {
        actor.require(Permission::ViewEnergy)?;
        self.rollups(actor.organisation_id, meter, grain, from, to).await
    }

    /// Whether the organisation with this id exists (the MQTT subscriber asks before ingesting a topic's readings).
    pub async fn organisation_exists(&self, organisation_id: OrganisationId) -> Result<bool, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT id FROM organisations WHERE id = $1")
            .bind(organisation_id.to_string())
            .fetch_optional(&self.pools.reader)
            .await?;
        Ok(row.is_some())
    }
}

/// Registers a meter inside a transaction the caller commits (a whole-site import registers its meters with its
/// readings); checks the facility is the actor's and writes the audit entry.
pub(crate) async fn insert_meter(
    transaction: &mut Transaction<'static, Any>,
    actor: &Actor,
    now: Timestamp,
    new: &NewMeter,
) -> Result<uuid::Uuid, StoreError> {
    let id = new_id();
    // The facility must be the actor's; another tenant's facility reads as a wrong field, like a missing one.
    let facility: Option<(String,)> =
        sqlx::query_as("SELECT id FROM facilities WHERE id = $1 AND organisation_id = $2")
            .bind(new.facility_id.to_string())
            .bind(actor.organisation_id.to_string())
            .fetch_optional(&mut **transaction)
            .await?;
    if facility.is_none() {
        return Err(FieldError::new(
            "facility_id",
            Problem::Malformed { expected: "the id of a facility of your organisation (GET /api/v1/facilities)" },
        )
        .into());
    }
    sqlx::query(
        "INSERT INTO energy_meters (id, organisation_id, facility_id, code, name, kind, unit, register_type, \
             multiplier, utc_offset_minutes, n_readings, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12)",
    )
    .bind(id.to_string())
    .bind(actor.organisation_id.to_string())
    .bind(new.facility_id.to_string())
    .bind(new.code.as_str())
    .bind(&new.name)
    .bind(new.kind.as_str())
    .bind(&new.unit)
    .bind(new.register_type.as_str())
    .bind(new.multiplier)
    .bind(i64::from(new.utc_offset_minutes))
    .bind(time_to_db(now))
    .bind(actor.user_id.to_string())
    .execute(&mut **transaction)
    .await
    .map_err(|error| {
        match violated_unique_index(
            &error,
            &[("energy_meters_code_key", "energy_meters.organisation_id, energy_meters.code")],
        ) {
            Some(_) => StoreError::Conflict(Conflict::MeterCode),
            None => error.into(),
        }
    })?;
    let changes = [
        ("code", new.code.as_str().to_owned()),
        ("name", new.name.clone()),
        ("kind", new.kind.as_str().to_owned()),
        ("unit", new.unit.clone()),
        ("register_type", new.register_type.as_str().to_owned()),
        ("multiplier", new.multiplier.to_string()),
    ]
    .into_iter()
    .map(|(field, after)| FieldChange { field: field.to_owned(), before: None, after: Some(after) })
    .collect();
    audit::record(
        transaction,
        ChangedBy::Actor(actor),
        now,
        Entry {
            organisation_id: actor.organisation_id,
            action: AuditAction::EnergyMeterRegistered,
            object_id: Some(id.to_string()),
            object_label: new.code.as_str(),
            changes,
        },
    )
    .await?;
    Ok(id)
}

/// A meter as the ingestion needs it, with the state of its latest reading as the batch goes.
struct MeterState {
    id: String,
    facility_id: FacilityId,
    register_type: RegisterType,
    multiplier: f64,
    utc_offset_minutes: i32,
    last: Option<(Timestamp, f64)>,
    n_accepted: i64,
}

/// Changes to one roll-up bucket, summed over a batch before they are written.
#[derive(Clone, Copy, Default)]
struct RollupChange {
    consumption: f64,
    n_readings: i64,
    n_negative_deltas: i64,
}

/// The consumption between register values `earlier` and `later`, and whether it went down (counted as zero).
fn register_delta(earlier: f64, later: f64, multiplier: f64) -> (f64, i64) {
    let delta = (later - earlier) * multiplier;
    if delta < 0.0 { (0.0, 1) } else { (delta, 0) }
}

struct Changes {
    by_bucket: BTreeMap<(String, RollupGrain, Timestamp), RollupChange>,
}

impl Changes {
    fn add(&mut self, meter: &MeterState, time: Timestamp, change: RollupChange) {
        for grain in RollupGrain::ALL {
            let key = (meter.id.clone(), grain, grain.bucket_start(time, meter.utc_offset_minutes));
            let entry = self.by_bucket.entry(key).or_default();
            entry.consumption += change.consumption;
            entry.n_readings += change.n_readings;
            entry.n_negative_deltas += change.n_negative_deltas;
        }
    }
}

async fn neighbour(
    transaction: &mut Transaction<'static, Any>,
    meter_id: &str,
    time: Timestamp,
    before: bool,
) -> sqlx::Result<Option<(Timestamp, f64)>> {
    let sql = if before {
        "SELECT reading_at, value FROM energy_readings WHERE meter_id = $1 AND reading_at < $2 \
         ORDER BY reading_at DESC LIMIT 1"
    } else {
        "SELECT reading_at, value FROM energy_readings WHERE meter_id = $1 AND reading_at > $2 \
         ORDER BY reading_at ASC LIMIT 1"
    };
    let row = sqlx::query(sql).bind(meter_id).bind(time_to_db(time)).fetch_optional(&mut **transaction).await?;
    row.map(|row| reading_from_row(&row)).transpose()
}

fn reading_from_row(row: &AnyRow) -> sqlx::Result<(Timestamp, f64)> {
    let at = row.time("reading_at").map_err(|error| sqlx::Error::Decode(error.into()))?;
    Ok((at, row.try_get::<f64, _>("value")?))
}

/// Rows per multi-row statement. A reading row binds 7 parameters and a roll-up row 6, so 1,000 rows stay far below
/// SQLite's 32,766 and PostgreSQL's 65,535 bind parameters per statement, while a year of a meter's readings takes
/// a few dozen statements instead of one per reading (the round trips were most of the cost).
pub(crate) const ROWS_PER_STATEMENT: usize = 1_000;
const _: () = assert!(ROWS_PER_STATEMENT * 7 <= 32_766);

/// How the parameters of a multi-row statement are written.
///
/// SQLite finds a named parameter (`$7`) by a linear scan of the statement's parameter names, and sqlx asks for the
/// name of every parameter when it binds, so binding n `$N` parameters costs O(n²) there: with 7,000 per statement
/// that was most of the demo's start (`sqlite3_bind_parameter_name`). Plain `?` parameters have no name and bind in
/// order. PostgreSQL understands only `$N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Placeholders {
    /// `$1, $2, …` (PostgreSQL).
    Numbered,
    /// `?, ?, …`, bound in order (SQLite).
    Positional,
}

impl Placeholders {
    pub(crate) fn of(connection: &sqlx::AnyConnection) -> Self {
        if connection.backend_name().eq_ignore_ascii_case("sqlite") {
            Placeholders::Positional
        } else {
            Placeholders::Numbered
        }
    }

    /// `n` parameters separated by commas, numbered from `first`.
    pub(crate) fn list(self, first: usize, n: usize) -> String {
        let mut sql = String::with_capacity(n * 6);
        for number in first..first + n {
            if number > first {
                sql.push_str(", ");
            }
            match self {
                Placeholders::Numbered => {
                    sql.push('$');
                    sql.push_str(&number.to_string());
                }
                Placeholders::Positional => sql.push('?'),
            }
        }
        sql
    }

    /// `($1, $2, …), (…), …`: the placeholders of a multi-row `VALUES` list, numbered in row order.
    ///
    /// sqlx's `QueryBuilder` cannot serve here: with the `Any` driver it writes `?` placeholders, which PostgreSQL
    /// refuses. Every value bound into these lists is of one type per column and never NULL, so a statement cached
    /// by PostgreSQL with its first parameter types stays right for every later batch.
    pub(crate) fn rows(self, n_rows: usize, n_columns: usize) -> String {
        let mut sql = String::with_capacity(n_rows * n_columns * 6);
        for row in 0..n_rows {
            if row > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            sql.push_str(&self.list(row * n_columns + 1, n_columns));
            sql.push(')');
        }
        sql
    }
}

/// The ingestion of [`ReadingStore::ingest`] inside a transaction the caller commits, so that a whole-site import
/// stores its meters, readings and production in one transaction.
///
/// The readings are written in multi-row statements ([`ROWS_PER_STATEMENT`]): one `INSERT … ON CONFLICT DO NOTHING
/// RETURNING` tells which readings were new; the stored values of the others are read back in one `IN` query per
/// meter and chunk to tell a duplicate from a conflict. The roll-ups are then computed from the accepted readings and
/// written in multi-row upserts. The result is the same as storing the readings one by one in batch order.
pub(crate) async fn ingest_in(
    transaction: &mut Transaction<'static, Any>,
    now: &str,
    organisation_id: OrganisationId,
    source: ReadingSource,
    readings: &[NewReading],
) -> Result<IngestOutcome, IngestError> {
    let organisation = organisation_id.to_string();
    let placeholders = Placeholders::of(transaction);
    // Resolve every meter first, locking each (in a fixed order, so two batches cannot deadlock) so that on
    // PostgreSQL concurrent batches of one meter run one after the other: a cumulative register's deltas
    // depend on its neighbouring readings. On SQLite the write transaction already holds the only write lock.
    // The locking no-op update returns the meter's row, so each meter costs one statement.
    let mut codes: Vec<&MeterCode> = readings.iter().map(|reading| &reading.meter_code).collect();
    codes.sort();
    codes.dedup();
    let mut meters: HashMap<&MeterCode, MeterState> = HashMap::with_capacity(codes.len());
    for code in codes {
        let row = sqlx::query(AssertSqlSafe(format!(
            "UPDATE energy_meters SET n_readings = n_readings WHERE organisation_id = $1 AND code = $2 \
             RETURNING {METER_COLUMNS}"
        )))
        .bind(&organisation)
        .bind(code.as_str())
        .fetch_optional(&mut **transaction)
        .await?;
        let Some(row) = row else { continue };
        let meter = meter_from_row(&row).map_err(StoreError::from)?;
        let last_value: Option<f64> = row.try_get("last_value")?;
        meters.insert(
            code,
            MeterState {
                id: meter.id.to_string(),
                facility_id: meter.facility_id,
                register_type: meter.register_type,
                multiplier: meter.multiplier,
                utc_offset_minutes: meter.utc_offset_minutes,
                last: meter.last_reading_at.zip(last_value),
                n_accepted: 0,
            },
        );
    }
    let problems: Vec<ReadingProblem> = readings
        .iter()
        .enumerate()
        .filter(|(_, reading)| !meters.contains_key(&reading.meter_code))
        .map(|(index, reading)| ReadingProblem {
            index,
            error: ReadingError::new(
                ReadingField::Meter,
                IngestProblem::UnknownMeter { meter: reading.meter_code.as_str().to_owned() },
            ),
        })
        .collect();
    if !problems.is_empty() {
        return Err(IngestError::Rejected(problems));
    }

    // The first sending of each (meter, instant) in the batch is the one inserted; a later one in the same batch is
    // compared with what is then stored (the first, or an older reading), as if the batch were stored one by one.
    let times: Vec<String> = readings.iter().map(|reading| time_to_db(reading.reading_at)).collect();
    let meter_id_of = |index: usize| meters[&readings[index].meter_code].id.as_str();
    let mut first_sending: HashMap<(&str, &str), usize> = HashMap::with_capacity(readings.len());
    let mut candidates = Vec::with_capacity(readings.len());
    for (index, time) in times.iter().enumerate() {
        if let std::collections::hash_map::Entry::Vacant(slot) =
            first_sending.entry((meter_id_of(index), time.as_str()))
        {
            slot.insert(index);
            candidates.push(index);
        }
    }
    let mut inserted: HashSet<(String, String)> = HashSet::with_capacity(candidates.len());
    for chunk in candidates.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO energy_readings (organisation_id, meter_id, reading_at, value, source, source_reference, \
             received_at) VALUES {} ON CONFLICT (meter_id, reading_at) DO NOTHING RETURNING meter_id, reading_at",
            placeholders.rows(chunk.len(), 7)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for &index in chunk {
            let reading = &readings[index];
            query = query
                .bind(&organisation)
                .bind(meter_id_of(index))
                .bind(&times[index])
                .bind(reading.value)
                .bind(source.as_str())
                .bind(&reading.source_reference)
                .bind(now);
        }
        for row in query.fetch_all(&mut **transaction).await? {
            let key = (row.text("meter_id"), row.text("reading_at"));
            inserted.insert((key.0.map_err(StoreError::from)?, key.1.map_err(StoreError::from)?));
        }
    }
    // The values already stored at the instants that were not inserted, read per meter in chunks.
    let mut not_inserted: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for &index in &candidates {
        let (meter_id, at) = (meter_id_of(index), times[index].as_str());
        if !inserted.contains(&(meter_id.to_owned(), at.to_owned())) {
            not_inserted.entry(meter_id).or_default().push(at);
        }
    }
    let mut stored: HashMap<(String, String), f64> = HashMap::new();
    for (meter_id, instants) in &not_inserted {
        for chunk in instants.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "SELECT reading_at, value FROM energy_readings WHERE meter_id = {} AND reading_at IN ({})",
                placeholders.list(1, 1),
                placeholders.list(2, chunk.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(sql)).bind(*meter_id);
            for at in chunk {
                query = query.bind(*at);
            }
            for row in query.fetch_all(&mut **transaction).await? {
                let value: f64 = row.try_get("value")?;
                stored.insert(((*meter_id).to_owned(), row.text("reading_at").map_err(StoreError::from)?), value);
            }
        }
    }

    let mut outcome = IngestOutcome::default();
    let mut accepted: BTreeMap<&MeterCode, Vec<usize>> = BTreeMap::new();
    for (index, reading) in readings.iter().enumerate() {
        let key = (meter_id_of(index).to_owned(), times[index].clone());
        let first = first_sending[&(meter_id_of(index), times[index].as_str())];
        let stored_value = if first == index {
            if inserted.contains(&key) {
                outcome.n_accepted += 1;
                accepted.entry(&reading.meter_code).or_default().push(index);
                continue;
            }
            stored.get(&key).copied()
        } else if inserted.contains(&key) {
            Some(readings[first].value)
        } else {
            stored.get(&key).copied()
        };
        let stored_value = stored_value.ok_or_else(|| {
            StoreError::from(anyhow::anyhow!("reading {index} was neither inserted nor found stored"))
        })?;
        // Exact comparison on purpose: the same reading sent again carries the same number.
        if stored_value == reading.value {
            outcome.n_duplicates += 1;
        } else {
            outcome.n_conflicts += 1;
            outcome.conflicts.push(ReadingConflict {
                index,
                meter: reading.meter_code.clone(),
                reading_at: reading.reading_at,
                stored_value,
                sent_value: reading.value,
            });
        }
    }

    let mut changes = Changes { by_bucket: BTreeMap::new() };
    for (code, indices) in &accepted {
        let meter = meters.get_mut(*code).expect("every meter was resolved above");
        meter.n_accepted += indices.len() as i64;
        let counted = RollupChange { consumption: 0.0, n_readings: 1, n_negative_deltas: 0 };
        match meter.register_type {
            RegisterType::Interval => {
                for &index in indices {
                    let consumption = readings[index].value * meter.multiplier;
                    changes.add(meter, readings[index].reading_at, RollupChange { consumption, ..counted });
                }
            }
            RegisterType::Cumulative => {
                let mut new: Vec<(Timestamp, f64)> =
                    indices.iter().map(|&index| (readings[index].reading_at, readings[index].value)).collect();
                new.sort_by_key(|(at, _)| *at);
                for &(at, _) in &new {
                    changes.add(meter, at, counted);
                }
                let (first_new, last_new) = (new[0].0, new[new.len() - 1].0);
                let multiplier = meter.multiplier;
                // Consecutive register values whose consumption counts in the later one's bucket.
                let mut add_deltas = |sequence: &[(Timestamp, f64)], sign: f64, meter: &MeterState| {
                    for pair in sequence.windows(2) {
                        let (consumption, negative) = register_delta(pair[0].1, pair[1].1, multiplier);
                        let n_negative_deltas = if sign > 0.0 { negative } else { -negative };
                        let change = RollupChange { consumption: sign * consumption, n_readings: 0, n_negative_deltas };
                        changes.add(meter, pair[1].0, change);
                    }
                };
                match meter.last {
                    // Readings after the meter's latest, the usual case, need no lookup: the first one's
                    // predecessor is the meter's latest, and no stored reading follows them.
                    Some((last_at, last_value)) if last_at < first_new => {
                        let mut sequence = Vec::with_capacity(new.len() + 1);
                        sequence.push((last_at, last_value));
                        sequence.extend_from_slice(&new);
                        add_deltas(&sequence, 1.0, meter);
                    }
                    None => add_deltas(&new, 1.0, meter),
                    // Readings among stored ones: the deltas of the stored sequence between the readings' stored
                    // neighbours are replaced by those of the sequence with the new readings in it.
                    Some(_) => {
                        let before = neighbour(transaction, &meter.id, first_new, true).await?;
                        let after = neighbour(transaction, &meter.id, last_new, false).await?;
                        let from = before.map_or(first_new, |(at, _)| at);
                        let to = after.map_or(last_new, |(at, _)| at);
                        let rows = sqlx::query(
                            "SELECT reading_at, value FROM energy_readings WHERE meter_id = $1 \
                             AND reading_at >= $2 AND reading_at <= $3 ORDER BY reading_at",
                        )
                        .bind(&meter.id)
                        .bind(time_to_db(from))
                        .bind(time_to_db(to))
                        .fetch_all(&mut **transaction)
                        .await?;
                        let with_new = rows.iter().map(reading_from_row).collect::<sqlx::Result<Vec<_>>>()?;
                        let new_instants: HashSet<Timestamp> = new.iter().map(|(at, _)| *at).collect();
                        let without_new: Vec<(Timestamp, f64)> =
                            with_new.iter().copied().filter(|(at, _)| !new_instants.contains(at)).collect();
                        add_deltas(&without_new, -1.0, meter);
                        add_deltas(&with_new, 1.0, meter);
                    }
                }
                if meter.last.is_none_or(|(last_at, _)| last_at < last_new) {
                    meter.last = Some(new[new.len() - 1]);
                }
            }
        }
        if meter.register_type == RegisterType::Interval {
            for &index in indices {
                let time = readings[index].reading_at;
                if meter.last.is_none_or(|(last_at, _)| last_at < time) {
                    meter.last = Some((time, readings[index].value));
                }
            }
        }
    }

    let buckets: Vec<_> = changes.by_bucket.iter().collect();
    for chunk in buckets.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO energy_rollups (meter_id, grain, bucket_start, consumption, n_readings, n_negative_deltas) \
             VALUES {} ON CONFLICT (meter_id, grain, bucket_start) DO UPDATE SET \
             consumption = energy_rollups.consumption + excluded.consumption, \
             n_readings = energy_rollups.n_readings + excluded.n_readings, \
             n_negative_deltas = energy_rollups.n_negative_deltas + excluded.n_negative_deltas",
            placeholders.rows(chunk.len(), 6)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for ((meter_id, grain, bucket_start), change) in chunk {
            query = query
                .bind(meter_id.as_str())
                .bind(grain.as_str())
                .bind(time_to_db(*bucket_start))
                .bind(change.consumption)
                .bind(change.n_readings)
                .bind(change.n_negative_deltas);
        }
        query.execute(&mut **transaction).await?;
    }
    let mut changed_facilities = Vec::new();
    for meter in meters.values().filter(|meter| meter.n_accepted > 0) {
        let (last_at, last_value) = meter.last.expect("a meter with accepted readings has a last one");
        sqlx::query(
            "UPDATE energy_meters SET n_readings = n_readings + $1, last_reading_at = $2, last_value = $3 \
                 WHERE id = $4",
        )
        .bind(meter.n_accepted)
        .bind(time_to_db(last_at))
        .bind(last_value)
        .bind(&meter.id)
        .execute(&mut **transaction)
        .await?;
        changed_facilities.push(meter.facility_id);
    }
    changed_facilities.sort_by_key(|facility_id| facility_id.to_string());
    changed_facilities.dedup();
    for facility_id in changed_facilities {
        crate::energy_site::bump_data_version(transaction, facility_id).await?;
    }
    Ok(outcome)
}

impl ReadingStore for Store {
    async fn ingest(
        &self,
        organisation_id: OrganisationId,
        source: ReadingSource,
        readings: &[NewReading],
    ) -> Result<IngestOutcome, IngestError> {
        let now = time_to_db(self.now());
        let mut transaction = self.pools.begin_write().await?;
        let outcome = ingest_in(&mut transaction, &now, organisation_id, source, readings).await?;
        transaction.commit().await?;
        Ok(outcome)
    }

    async fn rollups(
        &self,
        organisation_id: OrganisationId,
        meter: &MeterCode,
        grain: RollupGrain,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Rollup>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.bucket_start, r.consumption, r.n_readings, r.n_negative_deltas FROM energy_rollups r \
             JOIN energy_meters m ON m.id = r.meter_id \
             WHERE m.organisation_id = $1 AND m.code = $2 AND r.grain = $3 AND r.bucket_start >= $4 \
             AND r.bucket_start < $5 ORDER BY r.bucket_start",
        )
        .bind(organisation_id.to_string())
        .bind(meter.as_str())
        .bind(grain.as_str())
        .bind(time_to_db(from))
        .bind(time_to_db(to))
        .fetch_all(&self.pools.reader)
        .await?;
        rows.iter()
            .map(|row| -> anyhow::Result<Rollup> {
                Ok(Rollup {
                    bucket_start: row.time("bucket_start")?,
                    consumption: row.try_get::<f64, _>("consumption")?,
                    n_readings: row.integer("n_readings")?,
                    n_negative_deltas: row.integer("n_negative_deltas")?,
                })
            })
            .collect::<anyhow::Result<_>>()
            .map_err(StoreError::from)
    }

    async fn count_readings(&self, organisation_id: OrganisationId, meter: &MeterCode) -> Result<i64, StoreError> {
        let (count,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM energy_readings r JOIN energy_meters m ON m.id = r.meter_id \
             WHERE m.organisation_id = $1 AND m.code = $2",
        )
        .bind(organisation_id.to_string())
        .bind(meter.as_str())
        .fetch_one(&self.pools.reader)
        .await?;
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_row_placeholders_are_numbered_for_postgresql_and_positional_for_sqlite() {
        assert_eq!(Placeholders::Numbered.rows(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(Placeholders::Positional.rows(2, 2), "(?, ?), (?, ?)");
        assert_eq!(Placeholders::Numbered.list(2, 3), "$2, $3, $4");
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn buckets_are_cut_at_local_midnight_of_the_meters_offset() {
        // 2026-03-31T23:30 in China is 15:30 UTC: hour 23:00 local, day 31 March local, month March local.
        let time = at("2026-03-31T15:30:00Z");
        assert_eq!(RollupGrain::Hour.bucket_start(time, 480), at("2026-03-31T15:00:00Z"));
        assert_eq!(RollupGrain::Day.bucket_start(time, 480), at("2026-03-30T16:00:00Z"));
        assert_eq!(RollupGrain::Month.bucket_start(time, 480), at("2026-02-28T16:00:00Z"));
        // Half an hour later it is April in China but still March in UTC.
        let later = at("2026-03-31T16:00:00Z");
        assert_eq!(RollupGrain::Month.bucket_start(later, 480), at("2026-03-31T16:00:00Z"));
        assert_eq!(RollupGrain::Month.bucket_start(later, 0), at("2026-03-01T00:00:00Z"));
        // India's half-hour offset: local hours start at :30 UTC.
        assert_eq!(RollupGrain::Hour.bucket_start(at("2026-03-02T10:10:00Z"), 330), at("2026-03-02T09:30:00Z"));
    }

    #[test]
    fn register_deltas_that_go_down_count_as_zero() {
        assert_eq!(register_delta(100.0, 112.5, 2.0), (25.0, 0));
        assert_eq!(register_delta(99_990.0, 5.0, 1.0), (0.0, 1));
    }

    #[test]
    fn readings_are_checked_at_the_edge() {
        let reading = NewReading::parse("L1-MAIN", "2026-03-02T08:15:00.1234567+08:00", 12.5, "test").unwrap();
        assert_eq!(reading.reading_at, at("2026-03-02T00:15:00.123456Z"));
        let no_offset = NewReading::parse("L1-MAIN", "2026-03-02T08:15:00", 1.0, "test").unwrap_err();
        assert_eq!(
            no_offset,
            ReadingError::new(
                ReadingField::Timestamp,
                IngestProblem::NoUtcOffset { value: "2026-03-02T08:15:00".into() }
            )
        );
        assert_eq!(
            NewReading::parse("L1/MAIN", "2026-03-02T08:15:00Z", 1.0, "").unwrap_err(),
            ReadingError::new(ReadingField::Meter, IngestProblem::MeterCodeCharacters { meter: "L1/MAIN".into() })
        );
        assert_eq!(
            NewReading::parse("L1", "2026-03-02T08:15:00Z", f64::NAN, "").unwrap_err(),
            ReadingError::new(ReadingField::Value, IngestProblem::NotFinite)
        );
    }

    #[test]
    fn a_meter_registration_reports_every_problem_at_once() {
        let errors = NewMeter::parse(&MeterInput {
            facility_id: "not-a-uuid",
            code: "L1 MAIN",
            name: "",
            kind: "electricity",
            unit: "m3",
            register_type: "sometimes",
            multiplier: Some(0.0),
            utc_offset_minutes: Some(900),
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|error| error.field).collect();
        assert_eq!(
            fields,
            ["facility_id", "code", "name", "unit", "register_type", "multiplier", "utc_offset_minutes"]
        );
    }
}
