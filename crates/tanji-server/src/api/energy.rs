//! `/api/v1/energy`: energy meters, batches of readings, and the meters' roll-ups.
//!
//! Readings are idempotent: a meter keeps one reading per instant, so a batch sent twice (a retry after a lost
//! answer) stores nothing the second time. A batch is checked whole first; if any reading is wrong nothing is stored
//! and the answer lists each wrong reading by its index and field. docs/energy-ingestion.md is the user's guide.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tanji_i18n::Language;
use tanji_store::energy::{
    IngestError, IngestOutcome, IngestProblem, MAX_READINGS_PER_BATCH, Meter, MeterCode, MeterInput, NewMeter,
    NewReading, ReadingConflict, ReadingError, ReadingField, ReadingProblem, ReadingSource, Rollup, RollupGrain,
};
use tanji_tenancy::{FieldError, Problem};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::auth::ApiActor;
use super::extract::{ApiJson, ApiQuery};
use super::inventory::ApiLanguage;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// A registered energy meter.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeterView {
    pub id: Uuid,
    pub facility_id: Uuid,
    /// What readings name the meter by (API bodies, CSV files, MQTT topics).
    #[schema(example = "L2-HEATER")]
    pub code: String,
    pub name: String,
    /// `electricity`, `natural_gas`, `steam`, `water` or `compressed_air`.
    #[schema(example = "electricity")]
    pub kind: String,
    #[schema(example = "kWh")]
    pub unit: String,
    /// `interval` (each reading is the consumption since the previous) or `cumulative` (a register's total).
    #[schema(example = "cumulative")]
    pub register_type: String,
    /// CT/PT ratio or pulse weight: roll-ups are `value × multiplier`.
    pub multiplier: f64,
    /// Days and months of the roll-ups are cut at midnight of this offset from UTC (480 = UTC+8).
    pub utc_offset_minutes: i32,
    pub n_readings: i64,
    pub last_reading_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

impl From<Meter> for MeterView {
    fn from(meter: Meter) -> Self {
        Self {
            id: meter.id,
            facility_id: meter.facility_id.as_uuid(),
            code: meter.code.as_str().to_owned(),
            name: meter.name,
            kind: meter.kind.as_str().to_owned(),
            unit: meter.unit,
            register_type: meter.register_type.as_str().to_owned(),
            multiplier: meter.multiplier,
            utc_offset_minutes: meter.utc_offset_minutes,
            n_readings: meter.n_readings,
            last_reading_at: meter.last_reading_at,
            created_at: meter.created_at,
        }
    }
}

/// A meter to register.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MeterBody {
    pub facility_id: String,
    #[schema(example = "L2-HEATER")]
    pub code: String,
    pub name: String,
    #[schema(example = "electricity")]
    pub kind: String,
    #[schema(example = "kWh")]
    pub unit: String,
    #[schema(example = "cumulative")]
    pub register_type: String,
    /// 1 when absent.
    pub multiplier: Option<f64>,
    /// 480 (UTC+8) when absent.
    pub utc_offset_minutes: Option<i64>,
}

/// One reading as sent. Fields are read leniently so that a wrong one is reported with its index, not as a
/// malformed body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReadingItem {
    /// The meter's code.
    #[schema(value_type = String, example = "L2-HEATER")]
    pub meter: Option<Value>,
    /// RFC 3339 with the offset from UTC.
    #[schema(value_type = String, example = "2026-03-02T08:15:00+08:00")]
    pub ts: Option<Value>,
    /// The meter's value before the multiplier: an interval's consumption, or the register's total.
    #[schema(value_type = f64, example = 1523.75)]
    pub value: Option<Value>,
}

/// A batch of readings.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReadingsBody {
    /// At most 10,000 readings.
    pub readings: Vec<ReadingItem>,
}

/// A reading that was already stored with a different value; the stored value was kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictView {
    pub index: usize,
    pub meter: String,
    pub ts: Timestamp,
    pub stored_value: f64,
    pub sent_value: f64,
}

impl From<ReadingConflict> for ConflictView {
    fn from(conflict: ReadingConflict) -> Self {
        Self {
            index: conflict.index,
            meter: conflict.meter.as_str().to_owned(),
            ts: conflict.reading_at,
            stored_value: conflict.stored_value,
            sent_value: conflict.sent_value,
        }
    }
}

/// What became of a batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct IngestView {
    /// Readings stored now.
    pub accepted: usize,
    /// Readings already stored with the same value; nothing was written for them.
    pub duplicates: usize,
    /// Readings already stored with a different value; nothing was written for them (see `conflict_items`).
    pub conflicts: usize,
    pub conflict_items: Vec<ConflictView>,
}

impl From<IngestOutcome> for IngestView {
    fn from(outcome: IngestOutcome) -> Self {
        Self {
            accepted: outcome.n_accepted,
            duplicates: outcome.n_duplicates,
            conflicts: outcome.n_conflicts,
            conflict_items: outcome.conflicts.into_iter().map(Into::into).collect(),
        }
    }
}

/// One wrong reading of a refused batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadingProblemView {
    /// Position in `readings`, from 0.
    pub index: usize,
    /// `meter`, `ts` or `value`.
    pub field: &'static str,
    /// What is wrong, as a stable code for programs: `required`, `not_a_string`, `not_a_number`, `quoted_number`,
    /// `not_finite`,
    /// `meter_code_too_long`, `meter_code_characters`, `not_a_time`, `no_utc_offset`, `unknown_meter`.
    #[schema(example = "no_utc_offset")]
    pub code: &'static str,
    /// What is wrong and what to send instead, in the request's language (`Accept-Language: zh-CN` for Chinese).
    #[schema(
        example = "readings[3].ts: “2026-03-02 08:15” has no offset from UTC; write the offset in the time, e.g. 2026-03-02T08:15:00+08:00; …"
    )]
    pub message: String,
}

/// The answer to a refused batch (422 `readings_rejected`): nothing was stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadingsRejectedBody {
    #[schema(example = "readings_rejected")]
    pub code: &'static str,
    pub message: String,
    pub items: Vec<ReadingProblemView>,
}

/// A refused batch, or any other API error.
#[derive(Debug)]
pub enum ReadingsError {
    /// The wrong readings, said in the request's language.
    Rejected(Vec<ReadingProblem>, Language),
    Api(ApiError),
}

impl ReadingsError {
    fn of(error: IngestError, language: Language) -> Self {
        match error {
            IngestError::Rejected(problems) => ReadingsError::Rejected(problems, language),
            IngestError::Store(error) => ReadingsError::Api(error.into()),
        }
    }
}

impl IntoResponse for ReadingsError {
    fn into_response(self) -> Response {
        match self {
            ReadingsError::Api(error) => error.into_response(),
            ReadingsError::Rejected(problems, language) => {
                let body = ReadingsRejectedBody {
                    code: "readings_rejected",
                    message: tanji_i18n::energy::batch_refused_text(problems.len(), language),
                    items: problems
                        .into_iter()
                        .map(|problem| ReadingProblemView {
                            index: problem.index,
                            field: problem.error.field.api_name(),
                            code: problem.error.problem.code(),
                            message: tanji_i18n::energy::batch_item_text(
                                problem.index,
                                problem.error.field,
                                &problem.error.problem,
                                language,
                            ),
                        })
                        .collect(),
                };
                (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
            }
        }
    }
}

/// Reads one item, or says which field is wrong.
fn parse_item(item: &ReadingItem, source_reference: &str) -> Result<NewReading, ReadingError> {
    let text = |field, value: &Option<Value>| match value {
        Some(Value::String(text)) => Ok(text.clone()),
        Some(_) => Err(ReadingError::new(field, IngestProblem::NotAString)),
        None => Err(ReadingError::new(field, IngestProblem::Required)),
    };
    let meter = text(ReadingField::Meter, &item.meter)?;
    let ts = text(ReadingField::Timestamp, &item.ts)?;
    let value = match &item.value {
        Some(Value::Number(number)) => number.as_f64().unwrap_or(f64::NAN),
        Some(Value::String(text)) => {
            return Err(ReadingError::new(ReadingField::Value, IngestProblem::QuotedNumber { value: text.clone() }));
        }
        Some(other) => {
            return Err(ReadingError::new(ReadingField::Value, IngestProblem::NotANumber { value: other.to_string() }));
        }
        None => return Err(ReadingError::new(ReadingField::Value, IngestProblem::Required)),
    };
    NewReading::parse(&meter, &ts, value, source_reference)
}

/// Stores a batch of readings, idempotently (owners and editors, `write` scope).
#[utoipa::path(post, path = "/api/v1/energy/readings", tag = "energy", request_body = ReadingsBody,
    responses((status = 200, body = IngestView, description = "Stored; counts of accepted, duplicate and conflicting readings"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ReadingsRejectedBody, description = "Refused whole; every wrong reading by index and field")))]
pub async fn post_readings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    ApiJson(body): ApiJson<ReadingsBody>,
) -> Result<Json<IngestView>, ReadingsError> {
    if body.readings.len() > MAX_READINGS_PER_BATCH {
        return Err(ReadingsError::Api(
            FieldError::new("readings", Problem::TooLong { max_chars: MAX_READINGS_PER_BATCH }).into(),
        ));
    }
    // Provenance: which token sent it, and where in the batch.
    let sender = actor.token_id().map(|id| id.to_string()).unwrap_or_else(|| actor.user_id.to_string());
    let mut readings = Vec::with_capacity(body.readings.len());
    let mut problems = Vec::new();
    for (index, item) in body.readings.iter().enumerate() {
        match parse_item(item, &format!("api:{sender}#{index}")) {
            Ok(reading) => readings.push(reading),
            Err(error) => problems.push(ReadingProblem { index, error }),
        }
    }
    if !problems.is_empty() {
        return Err(ReadingsError::Rejected(problems, language));
    }
    let outcome = state
        .store()
        .record_readings(&actor, ReadingSource::Api, &readings)
        .await
        .map_err(|error| ReadingsError::of(error, language))?;
    // Committed: tell the live view.
    state.reading_hub().publish(actor.organisation_id, ReadingSource::Api, &readings, &outcome);
    Ok(Json(outcome.into()))
}

/// The organisation's energy meters, by code.
#[utoipa::path(get, path = "/api/v1/energy/meters", tag = "energy",
    responses((status = 200, body = Vec<MeterView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_meters(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<MeterView>>, ApiError> {
    Ok(Json(state.store().list_meters(&actor).await?.into_iter().map(Into::into).collect()))
}

/// Registers an energy meter at a facility (owners and editors, `write` scope).
#[utoipa::path(post, path = "/api/v1/energy/meters", tag = "energy", request_body = MeterBody,
    responses((status = 201, body = MeterView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_meter(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<MeterBody>,
) -> Result<(StatusCode, Json<MeterView>), ApiError> {
    let new = NewMeter::parse(&MeterInput {
        facility_id: &body.facility_id,
        code: &body.code,
        name: &body.name,
        kind: &body.kind,
        unit: &body.unit,
        register_type: &body.register_type,
        multiplier: body.multiplier,
        utc_offset_minutes: body.utc_offset_minutes,
    })
    // The API's error names one field; the first problem is it (the console lists them all).
    .map_err(|errors| ApiError::validation(&errors[0]))?;
    let meter = state.store().register_meter(&actor, &new).await?;
    Ok((StatusCode::CREATED, Json(meter.into())))
}

/// Which roll-ups to read.
#[derive(Debug, Deserialize, IntoParams)]
pub struct RollupQuery {
    /// `hour`, `day` or `month`.
    pub grain: String,
    /// Start of the window (RFC 3339), inclusive. Default: `to` minus 7 days (hour), 92 days (day), 3 years (month).
    pub from: Option<String>,
    /// End of the window (RFC 3339), exclusive. Default: now.
    pub to: Option<String>,
}

/// One bucket of a meter's consumption.
#[derive(Debug, Serialize, ToSchema)]
pub struct RollupView {
    pub bucket_start: Timestamp,
    /// In the meter's unit, after the multiplier.
    pub consumption: f64,
    pub n_readings: i64,
    /// Cumulative registers: deltas that went down (reset or rollover), counted as zero.
    pub n_negative_deltas: i64,
}

impl From<Rollup> for RollupView {
    fn from(rollup: Rollup) -> Self {
        Self {
            bucket_start: rollup.bucket_start,
            consumption: rollup.consumption,
            n_readings: rollup.n_readings,
            n_negative_deltas: rollup.n_negative_deltas,
        }
    }
}

/// A meter's roll-ups.
#[derive(Debug, Serialize, ToSchema)]
pub struct RollupsView {
    pub meter: String,
    pub unit: String,
    #[schema(example = "day")]
    pub grain: String,
    pub from: Timestamp,
    pub to: Timestamp,
    pub rollups: Vec<RollupView>,
}

fn parse_time(field: &'static str, raw: &str) -> Result<Timestamp, FieldError> {
    raw.trim().parse().map_err(|_| {
        FieldError::new(
            field,
            Problem::Malformed { expected: "an RFC 3339 time with its offset, e.g. 2026-03-01T00:00:00+08:00" },
        )
    })
}

/// A meter's hourly, daily or monthly consumption over a window (read from roll-ups, never from raw readings).
#[utoipa::path(get, path = "/api/v1/energy/meters/{code}/rollups", tag = "energy",
    params(("code" = String, Path, description = "The meter's code"), RollupQuery),
    responses((status = 200, body = RollupsView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_rollups(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    ApiQuery(query): ApiQuery<RollupQuery>,
) -> Result<Json<RollupsView>, ApiError> {
    // A code that cannot exist names nothing: 404 like any unknown meter.
    let code = MeterCode::parse("code", &code).map_err(|_| ApiError::not_found())?;
    let grain = RollupGrain::parse("grain", &query.grain)?;
    let to = match &query.to {
        Some(raw) => parse_time("to", raw)?,
        None => state.store().clock().now(),
    };
    let (default_span, longest_span) = match grain {
        RollupGrain::Hour => (SignedDuration::from_hours(24 * 7), SignedDuration::from_hours(24 * 366)),
        RollupGrain::Day => (SignedDuration::from_hours(24 * 92), SignedDuration::from_hours(24 * 366 * 10)),
        RollupGrain::Month => (SignedDuration::from_hours(24 * 366 * 3), SignedDuration::from_hours(24 * 366 * 50)),
    };
    let from = match &query.from {
        Some(raw) => parse_time("from", raw)?,
        None => to - default_span,
    };
    if from >= to {
        return Err(FieldError::new("from", Problem::Malformed { expected: "a time before `to`" }).into());
    }
    if to.duration_since(from) > longest_span {
        return Err(FieldError::new(
            "from",
            Problem::Malformed {
                expected: "within 366 days of `to` for hours, 10 years for days, 50 years for months; \
                           ask for a coarser grain or a shorter window",
            },
        )
        .into());
    }
    let meter = state.store().meter(&actor, &code).await?;
    let rollups = state.store().meter_rollups(&actor, &code, grain, from, to).await?;
    Ok(Json(RollupsView {
        meter: meter.code.as_str().to_owned(),
        unit: meter.unit,
        grain: grain.as_str().to_owned(),
        from,
        to,
        rollups: rollups.into_iter().map(Into::into).collect(),
    }))
}
