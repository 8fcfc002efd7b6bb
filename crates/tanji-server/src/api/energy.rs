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

use tanji_energy::supersede::{ElectricityChoice, ElectricityMonth};
use tanji_store::energy_chain::{MeasuredEnergyTarget, MeteredEnergyMethods, ParentMeterError};

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

// ---------------------------------------------------------------------------------------------------------------------
// A facility's energy site: the tree, production, analysis of stored data, measures with verified savings.

use tanji_energy::analysis::{AnalysisOptions, DayRange};
use tanji_i18n::Localize as _;
use tanji_store::energy_site::{
    AreaInput, LineInput, MeterPlacement, NewMeasure, NewProduction, ProductionError, RecordedGridFactor,
    RecordedTariff, SiteSettings, parse_equipment,
};
use tanji_tenancy::FacilityId;

/// The longest period one analysis request may cover (two years and a day, for a baseline year and a reporting
/// year across a leap day).
pub const MAX_ANALYSIS_DAYS: i64 = 732;

fn facility_id(raw: &str) -> Result<FacilityId, ApiError> {
    raw.parse::<FacilityId>().map_err(|_| ApiError::from(tanji_store::StoreError::NotFound))
}

fn day(field: &'static str, raw: &str) -> Result<jiff::civil::Date, ApiError> {
    raw.trim().parse().map_err(|_| {
        ApiError::validation(&FieldError::new(field, Problem::Malformed { expected: "a date such as 2025-01-31" }))
    })
}

fn first_problem(errors: Vec<FieldError>) -> ApiError {
    errors.first().map(ApiError::validation).unwrap_or_else(|| ApiError::bad_request("invalid"))
}

/// A site's settings; the grid factor every t CO2e figure uses is always stated.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SiteBody {
    #[schema(example = "黄岩工厂 纸杯车间")]
    pub name: String,
    /// Minutes east of UTC; 480 (China) when absent.
    pub utc_offset_minutes: Option<i32>,
    /// The meters' interval in minutes (5, 10, 15, 30 or 60).
    #[schema(example = 15)]
    pub interval_minutes: u32,
    /// The id of a factor of the library (`GET /api/v1/factors`), when it is one.
    #[schema(example = "mee-nbs-2023-grid-cn-zj")]
    pub grid_factor_id: Option<String>,
    #[schema(example = 0.4974)]
    pub grid_factor_t_co2e_per_mwh: f64,
    pub grid_factor_source: String,
    pub tariff_cny_per_kwh: Option<f64>,
    pub tariff_source: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/energy/sites/{facility_id}", tag = "energy",
    params(("facility_id" = String, Path, description = "The facility")),
    responses((status = 200, body = Object, description = "The site: settings, areas, lines, meters with their place"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_site(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(facility): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let tree = state.store().energy_site_tree(&actor, facility_id(&facility)?).await?;
    Ok(Json(
        serde_json::to_value(&tree)
            .map_err(|error| ApiError::from(tanji_store::StoreError::from(anyhow::Error::from(error))))?,
    ))
}

#[utoipa::path(put, path = "/api/v1/energy/sites/{facility_id}", tag = "energy", request_body = SiteBody,
    params(("facility_id" = String, Path, description = "The facility")),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_site(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(facility): Path<String>,
    ApiJson(body): ApiJson<SiteBody>,
) -> Result<Json<Value>, ApiError> {
    let settings = SiteSettings {
        name: body.name,
        utc_offset_minutes: body.utc_offset_minutes.unwrap_or(480),
        interval_minutes: body.interval_minutes,
        grid_factor: RecordedGridFactor {
            factor_id: body.grid_factor_id,
            t_co2e_per_mwh: body.grid_factor_t_co2e_per_mwh,
            source: body.grid_factor_source,
        },
        tariff: body
            .tariff_cny_per_kwh
            .map(|cny_per_kwh| RecordedTariff { cny_per_kwh, source: body.tariff_source.unwrap_or_default() }),
    };
    settings.check().map_err(first_problem)?;
    let site = state.store().save_energy_site(&actor, facility_id(&facility)?, &settings).await?;
    Ok(Json(serde_json::json!(site)))
}

/// An area to create or rename.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AreaBody {
    #[schema(example = "成型车间")]
    pub name: String,
}

#[utoipa::path(put, path = "/api/v1/energy/sites/{facility_id}/areas/{code}", tag = "energy", request_body = AreaBody,
    params(("facility_id" = String, Path), ("code" = String, Path)),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_area(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((facility, code)): Path<(String, String)>,
    ApiJson(body): ApiJson<AreaBody>,
) -> Result<Json<Value>, ApiError> {
    let area = AreaInput { code, name: body.name };
    let saved = state.store().save_energy_area(&actor, facility_id(&facility)?, &area).await?;
    Ok(Json(serde_json::json!(saved)))
}

/// A production line to create or update, by its code in the path.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LineBody {
    #[schema(example = "纸杯二线")]
    pub name: String,
    #[schema(example = "forming")]
    pub area: String,
    #[schema(example = "CUP-9OZ-PE")]
    pub product_sku: String,
    #[schema(example = "cup")]
    pub output_unit: String,
    /// A product of the organisation (`GET /api/v1/products`), for the footprint chain.
    pub product_id: Option<String>,
}

#[utoipa::path(put, path = "/api/v1/energy/sites/{facility_id}/lines/{code}", tag = "energy", request_body = LineBody,
    params(("facility_id" = String, Path), ("code" = String, Path)),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_line(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((facility, code)): Path<(String, String)>,
    ApiJson(body): ApiJson<LineBody>,
) -> Result<Json<Value>, ApiError> {
    let line = LineInput {
        code,
        name: body.name,
        area_code: body.area,
        product_sku: body.product_sku,
        output_unit: body.output_unit,
        product_id: body.product_id,
    };
    line.check().map_err(first_problem)?;
    let saved = state.store().save_energy_line(&actor, facility_id(&facility)?, &line).await?;
    Ok(Json(serde_json::json!(saved)))
}

/// Where a registered meter sits: its area, its line (none for a whole area's meter) and what it serves.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlacementBody {
    #[schema(example = "forming")]
    pub area: String,
    #[schema(example = "L2")]
    pub line: Option<String>,
    /// `whole_line`, `heater`, `drive`, `compressed_air`, `cooling`, `hvac`, `lighting` or `other`.
    #[schema(example = "heater")]
    pub equipment: String,
    pub served_product_sku: Option<String>,
    pub ct_ratio: Option<f64>,
    pub pt_ratio: Option<f64>,
    pub kwh_per_unit: Option<f64>,
    pub rollover_value: Option<f64>,
}

#[utoipa::path(put, path = "/api/v1/energy/sites/{facility_id}/meters/{code}/placement", tag = "energy",
    request_body = PlacementBody, params(("facility_id" = String, Path), ("code" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_placement(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((facility, code)): Path<(String, String)>,
    ApiJson(body): ApiJson<PlacementBody>,
) -> Result<StatusCode, ApiError> {
    let placement = MeterPlacement {
        meter_code: MeterCode::parse("meter", &code).map_err(|error| ApiError::validation(&error))?,
        area_code: body.area,
        line_code: body.line,
        equipment: parse_equipment("equipment", &body.equipment).map_err(|error| ApiError::validation(&error))?,
        served_product_sku: body.served_product_sku,
        ct_ratio: body.ct_ratio.unwrap_or(1.0),
        pt_ratio: body.pt_ratio.unwrap_or(1.0),
        kwh_per_unit: body.kwh_per_unit,
        rollover_value: body.rollover_value,
    };
    placement.check().map_err(first_problem)?;
    state.store().place_energy_meter(&actor, facility_id(&facility)?, &placement).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One production count: units a line made on a local day.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProductionItem {
    #[schema(example = "L2")]
    pub line: String,
    #[schema(example = "2025-03-02")]
    pub day: String,
    #[schema(example = "CUP-9OZ-PE")]
    pub sku: String,
    #[schema(example = 312000.0)]
    pub units: f64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ProductionBody {
    pub counts: Vec<ProductionItem>,
}

#[utoipa::path(post, path = "/api/v1/energy/sites/{facility_id}/production", tag = "energy",
    request_body = ProductionBody, params(("facility_id" = String, Path)),
    responses((status = 200, body = Object, description = "Counts of accepted, duplicate and conflicting counts"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ReadingsRejectedBody, description = "Refused whole; every wrong count by index and field")))]
pub async fn post_production(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(facility): Path<String>,
    ApiLanguage(language): ApiLanguage,
    ApiJson(body): ApiJson<ProductionBody>,
) -> Result<Json<Value>, Response> {
    if body.counts.len() > MAX_READINGS_PER_BATCH {
        return Err(ApiError::validation(&FieldError::new(
            "counts",
            Problem::TooLong { max_chars: MAX_READINGS_PER_BATCH },
        ))
        .into_response());
    }
    /// A stable code for programs, as the readings batch gives one per refused item.
    fn production_problem_code(problem: &Problem) -> &'static str {
        match problem {
            Problem::Required => "required",
            Problem::TooLong { .. } => "too_long",
            Problem::TooShort { .. } => "too_short",
            Problem::NotOneOf { .. } => "not_one_of",
            Problem::Malformed { .. } => "malformed",
            Problem::ForbiddenCharacters => "forbidden_characters",
            Problem::Incorrect => "incorrect",
            Problem::OutOfRange { .. } => "out_of_range",
            _ => "invalid",
        }
    }
    let rejected = |problems: Vec<(usize, FieldError)>| {
        let body = ReadingsRejectedBody {
            code: "production_rejected",
            message: tanji_i18n::energy::production_batch_refused_text(problems.len(), language),
            // The item's message in the request's language, after the code programs read.
            items: problems
                .into_iter()
                .map(|(index, error)| ReadingProblemView {
                    index,
                    field: error.field,
                    code: production_problem_code(&error.problem),
                    message: match language {
                        Language::SimplifiedChinese => {
                            format!("counts[{index}].{}：{}", error.field, crate::i18n::ZH.problem(&error.problem))
                        }
                        Language::English => format!("counts[{index}].{error}"),
                    },
                })
                .collect(),
        };
        (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
    };
    let sender = actor.token_id().map(|id| id.to_string()).unwrap_or_else(|| actor.user_id.to_string());
    let mut counts = Vec::with_capacity(body.counts.len());
    let mut problems = Vec::new();
    for (index, item) in body.counts.iter().enumerate() {
        match NewProduction::parse(&item.line, &item.day, &item.sku, item.units, &format!("api:{sender}#{index}")) {
            Ok(count) => counts.push(count),
            Err(error) => problems.push((index, error)),
        }
    }
    if !problems.is_empty() {
        return Err(rejected(problems));
    }
    let facility = facility_id(&facility).map_err(IntoResponse::into_response)?;
    match state.store().record_production(&actor, facility, ReadingSource::Api, &counts).await {
        Ok(outcome) => Ok(Json(serde_json::json!({
            "accepted": outcome.n_accepted,
            "duplicates": outcome.n_duplicates,
            "conflicts": outcome.n_conflicts,
            "conflict_items": outcome.conflicts,
        }))),
        Err(ProductionError::Rejected(problems)) => {
            Err(rejected(problems.into_iter().map(|problem| (problem.index, problem.error)).collect()))
        }
        Err(ProductionError::Store(error)) => Err(ApiError::from(error).into_response()),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AnalysisQuery {
    /// First local day (inclusive).
    pub from: String,
    /// Last local day (inclusive).
    pub to: String,
    /// The baseline period's first and last day; the whole period when absent.
    pub baseline_from: Option<String>,
    pub baseline_to: Option<String>,
    /// The reporting period, for normalised savings.
    pub reporting_from: Option<String>,
    pub reporting_to: Option<String>,
}

fn range(first: Option<&String>, last: Option<&String>, field: &'static str) -> Result<Option<DayRange>, ApiError> {
    match (first, last) {
        (Some(first), Some(last)) => Ok(Some(DayRange { first: day(field, first)?, last: day(field, last)? })),
        (None, None) => Ok(None),
        _ => Err(ApiError::validation(&FieldError::new(field, Problem::Required))),
    }
}

#[utoipa::path(get, path = "/api/v1/energy/sites/{facility_id}/analysis", tag = "energy",
    params(("facility_id" = String, Path), AnalysisQuery),
    responses((status = 200, body = Object, description = "The analysis of the stored data (hourly roll-ups): lines, \
        SEC, peers, baselines, CUSUM, findings as codes with parameters, and `findings_text` in the request's language \
        (Accept-Language)"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn get_analysis(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    Path(facility): Path<String>,
    ApiQuery(query): ApiQuery<AnalysisQuery>,
) -> Result<Json<Value>, ApiError> {
    let period = DayRange { first: day("from", &query.from)?, last: day("to", &query.to)? };
    let n_days = (period.last - period.first).get_days() as i64 + 1;
    if !(1..=MAX_ANALYSIS_DAYS).contains(&n_days) {
        return Err(ApiError::validation(&FieldError::new(
            "to",
            Problem::OutOfRange { min: "from", max: "from + 731 days" },
        )));
    }
    let options = AnalysisOptions {
        baseline: range(query.baseline_from.as_ref(), query.baseline_to.as_ref(), "baseline_from")?,
        reporting: range(query.reporting_from.as_ref(), query.reporting_to.as_ref(), "reporting_from")?,
        confidence: 0.9,
    };
    let stored = state.store().energy_analysis(&actor, facility_id(&facility)?, period, &options).await?;
    let analysis = &stored.analysis;
    let findings_text: Vec<Value> = analysis
        .findings
        .iter()
        .map(|finding| {
            serde_json::json!({
                "rank": finding.rank,
                "text": finding.kind.localize(language),
                "evidence": finding.evidence.iter().map(|evidence| evidence.localize(language)).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(serde_json::json!({
        "language": if language == tanji_i18n::Language::SimplifiedChinese { "zh-CN" } else { "en" },
        "period": period,
        "source": {
            "hourly_rollups": stored.n_hourly_rollups,
            "negative_deltas_counted_as_zero": stored.n_negative_deltas,
            "meters_left_out": stored.meters_left_out,
        },
        "findings_text": findings_text,
        "analysis": analysis,
    })))
}

/// An energy-saving measure to record.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MeasureBody {
    #[schema(example = "L2")]
    pub line: String,
    #[schema(example = "L2-heater")]
    pub meter: Option<String>,
    pub description: String,
    #[schema(example = "2026-01-01")]
    pub implemented_on: String,
    pub baseline_from: String,
    pub baseline_to: String,
    pub reporting_from: String,
    pub reporting_to: String,
    pub expected_saving_kwh_per_year: Option<f64>,
}

fn measure_json(with_saving: tanji_store::energy_site::MeasureWithSaving, language: tanji_i18n::Language) -> Value {
    let (verification, problem) = match &with_saving.verification {
        Ok(verification) => (serde_json::json!(verification), Value::Null),
        Err(error) => (Value::Null, serde_json::json!({ "code": error, "message": error.localize(language) })),
    };
    serde_json::json!({ "measure": with_saving.measure, "verification": verification, "not_verified": problem })
}

#[utoipa::path(get, path = "/api/v1/energy/sites/{facility_id}/measures", tag = "energy",
    params(("facility_id" = String, Path)),
    responses((status = 200, body = Object, description = "Measures, newest first, each with its verified saving \
        (IPMVP Option B: adjusted baseline − measured energy, ASHRAE Guideline 14 uncertainty at 90 %) or why not yet"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_measures(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    Path(facility): Path<String>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let store = state.store();
    let mut measures = Vec::new();
    for measure in store.list_measures(&actor, facility_id(&facility)?).await? {
        measures.push(measure_json(store.measure_with_saving(&actor, &measure.id).await?, language));
    }
    Ok(Json(measures))
}

#[utoipa::path(post, path = "/api/v1/energy/sites/{facility_id}/measures", tag = "energy", request_body = MeasureBody,
    params(("facility_id" = String, Path)),
    responses((status = 201, body = Object, description = "The measure with its verified saving"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_measure(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    Path(facility): Path<String>,
    ApiJson(body): ApiJson<MeasureBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let measure = NewMeasure {
        line_code: body.line,
        meter_code: body
            .meter
            .map(|meter| MeterCode::parse("meter", &meter))
            .transpose()
            .map_err(|error| ApiError::validation(&error))?,
        description: body.description,
        implemented_on: day("implemented_on", &body.implemented_on)?,
        baseline: DayRange {
            first: day("baseline_from", &body.baseline_from)?,
            last: day("baseline_to", &body.baseline_to)?,
        },
        reporting: DayRange {
            first: day("reporting_from", &body.reporting_from)?,
            last: day("reporting_to", &body.reporting_to)?,
        },
        expected_saving_kwh_per_year: body.expected_saving_kwh_per_year,
    };
    measure.check().map_err(first_problem)?;
    let store = state.store();
    let recorded = store.record_measure(&actor, facility_id(&facility)?, &measure).await?;
    let with_saving = store.measure_with_saving(&actor, &recorded.id).await?;
    Ok((StatusCode::CREATED, Json(measure_json(with_saving, language))))
}

/// Which product model input takes the measured energy, and over which SKU and days.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MeasuredEnergyBody {
    /// The product whose model takes the figure (`GET /api/v1/products`).
    pub product_id: String,
    /// A production-stage process of its model.
    #[schema(example = "cup-forming")]
    pub process_id: String,
    /// The index of the process's electricity input among its factor uses; the first in kWh or MWh when absent.
    pub factor_index: Option<usize>,
    /// The SKU the site's lines count: every line that made it in the period is weighed by its output.
    #[schema(example = "CUP-9OZ-PE")]
    pub sku: String,
    #[schema(example = "2025-01-01")]
    pub from: String,
    #[schema(example = "2025-12-31")]
    pub to: String,
}

#[utoipa::path(post, path = "/api/v1/energy/sites/{facility_id}/footprint", tag = "energy",
    request_body = MeasuredEnergyBody, params(("facility_id" = String, Path)),
    responses((status = 201, body = Object, description = "The product model's new version, with the measured \
        electricity per unit (every line that made the SKU, weighed by output) as primary data"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "Needs energy and footprint editing"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_measured_energy(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(facility): Path<String>,
    ApiJson(body): ApiJson<MeasuredEnergyBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let period = DayRange { first: day("from", &body.from)?, last: day("to", &body.to)? };
    let target = MeasuredEnergyTarget {
        product_id: body.product_id,
        process_id: body.process_id,
        factor_index: body.factor_index,
    };
    let version =
        state.store().set_measured_energy(&actor, &target, facility_id(&facility)?, body.sku.trim(), period).await?;
    let measured = version
        .model
        .processes
        .iter()
        .filter(|process| process.id == target.process_id)
        .flat_map(|process| &process.factors)
        .find_map(|usage| usage.measured.clone());
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({
            "product_id": target.product_id,
            "version": version.version,
            "process_id": target.process_id,
            "measured": measured,
        })),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct IntensityQuery {
    /// The SKU the site's lines count.
    pub sku: String,
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD`.
    pub to: String,
}

#[utoipa::path(get, path = "/api/v1/energy/sites/{facility_id}/intensity", tag = "energy",
    params(("facility_id" = String, Path), IntensityQuery),
    responses((status = 200, body = Object, description = "A SKU's measured energy per unit over every line that \
        made it (Σ kWh / Σ units), each line with its output share, meters, readings and estimated share"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn get_intensity(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(facility): Path<String>,
    ApiQuery(query): ApiQuery<IntensityQuery>,
) -> Result<Json<Value>, ApiError> {
    let period = DayRange { first: day("from", &query.from)?, last: day("to", &query.to)? };
    let intensity = state.store().product_intensity(&actor, facility_id(&facility)?, query.sku.trim(), period).await?;
    Ok(Json(serde_json::json!(intensity)))
}

/// Which months of metered energy go into the inventory, and how they are calculated.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MeteredEnergyBody {
    #[schema(example = "2025-01-01")]
    pub from: String,
    #[schema(example = "2025-12-31")]
    pub to: String,
    /// The emission point the counted meters measure (default: the site's name); a monthly report's row for the
    /// same point, activity and factor is then superseded by the metered month.
    #[schema(example = "主变 10kV 进线")]
    pub emission_point: Option<String>,
    /// Fuel parameters for natural gas (default `ipcc-2006-ncv-cc-natural-gas`).
    pub natural_gas_parameters: Option<String>,
    /// The factor for purchased steam; steam months are left out without one.
    pub steam_factor: Option<String>,
    /// The location-based grid factor of every metered month of electricity (a factor library id). When absent,
    /// each month inherits the factor of the record it supersedes, else takes the site's grid factor.
    #[schema(example = "mee-nbs-2022-grid-cn-grid-east")]
    pub electricity_factor: Option<String>,
    /// The market-based factor of every metered month of electricity; when absent, inherited from the record it
    /// supersedes, else none.
    pub market_factor: Option<String>,
    /// kWh covered by contractual instruments (green certificates, green-power trading) in every metered month;
    /// when absent, inherited from a superseded record of the same month, else none. More than the month's metered
    /// kWh is refused (`rows_rejected`, column `covered_by_instruments`).
    pub covered_by_instruments_kwh: Option<f64>,
    /// `true`: write nothing and answer the preview — each month's records and the year's inventory totals,
    /// location- and market-based, before and after.
    #[serde(default)]
    pub dry_run: bool,
}

/// A metered month of electricity with its notice in the request's language.
fn electricity_months_json(months: &[ElectricityMonth], language: Language) -> Vec<Value> {
    months
        .iter()
        .map(|month| {
            let mut value = serde_json::json!(month);
            value["message"] = Value::String(month.localize(language));
            value
        })
        .collect()
}

#[utoipa::path(post, path = "/api/v1/energy/sites/{facility_id}/inventory", tag = "energy",
    request_body = MeteredEnergyBody, params(("facility_id" = String, Path)),
    responses((status = 200, body = Object, description = "Activity records written (one per whole month and \
        carrier, counted meters only, replacing earlier metered records), the months left out or incomplete, and \
        `electricity_months`: per month the records it superseded and where its grid factor, market factor and \
        instrument coverage came from (`stated`, `inherited` with the record, `site_grid_factor`, `not_set`), with a \
        `message` in the request's language. With `dry_run`, nothing is written and `months`/`years` give the \
        inventory's figures before and after"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "Needs energy and inventory editing"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_metered_energy(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    Path(facility): Path<String>,
    ApiJson(body): ApiJson<MeteredEnergyBody>,
) -> Result<Json<Value>, ApiError> {
    let period = DayRange { first: day("from", &body.from)?, last: day("to", &body.to)? };
    let defaults = MeteredEnergyMethods::default();
    let stated = |text: Option<String>| text.map(|text| text.trim().to_owned()).filter(|text| !text.is_empty());
    let methods = MeteredEnergyMethods {
        emission_point: stated(body.emission_point),
        natural_gas_parameters: body.natural_gas_parameters.or(defaults.natural_gas_parameters),
        steam_factor: body.steam_factor,
        electricity: ElectricityChoice {
            factor: stated(body.electricity_factor),
            market_factor: stated(body.market_factor),
            covered_by_instruments_kwh: body.covered_by_instruments_kwh,
        },
    };
    let months = |list: &[(String, tanji_energy::MeterKind)]| {
        list.iter().map(|(month, kind)| serde_json::json!({ "month": month, "carrier": kind })).collect::<Vec<_>>()
    };
    let facility_id = facility_id(&facility)?;
    if body.dry_run {
        let preview = state.store().preview_metered_energy(&actor, facility_id, period, &methods).await?;
        return Ok(Json(serde_json::json!({
            "dry_run": true,
            "n_records": preview.n_records,
            "n_replacing": preview.n_replacing,
            "keys": preview.keys,
            "left_out": months(&preview.left_out),
            "incomplete": months(&preview.incomplete),
            "electricity_months": electricity_months_json(&preview.electricity_months, language),
            "months": preview.months,
            "spanning": preview.spanning,
            "years": preview.years,
        })));
    }
    let outcome = state.store().record_metered_energy(&actor, facility_id, period, &methods).await?;
    Ok(Json(serde_json::json!({
        "n_records": outcome.n_records,
        "n_replaced": outcome.n_replaced,
        "keys": outcome.keys,
        "left_out": months(&outcome.left_out),
        "incomplete": months(&outcome.incomplete),
        "electricity_months": electricity_months_json(&outcome.electricity_months, language),
    })))
}

/// A meter's upstream meter (上级表), or none to put it at the top of its own tree.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ParentBody {
    #[schema(example = "RH-HY-main")]
    pub parent: Option<String>,
}

#[utoipa::path(put, path = "/api/v1/energy/sites/{facility_id}/meters/{code}/parent", tag = "energy",
    request_body = ParentBody, params(("facility_id" = String, Path), ("code" = String, Path)),
    responses((status = 204, description = "Recorded: the facility's totals count the top meter, not this one"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "Refused, with its code: `meter_not_placed`, \
        `parent_same_meter`, `parent_other_carrier` or `parent_loop`, the message in the request's language \
        (Accept-Language)")))]
pub async fn put_parent(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    Path((facility, code)): Path<(String, String)>,
    ApiJson(body): ApiJson<ParentBody>,
) -> Result<StatusCode, ApiError> {
    let meter = MeterCode::parse("meter", &code).map_err(|error| ApiError::validation(&error))?;
    let parent = body
        .parent
        .filter(|parent| !parent.trim().is_empty())
        .map(|parent| MeterCode::parse("parent", &parent))
        .transpose()
        .map_err(|error| ApiError::validation(&error))?;
    match state.store().set_parent_meter(&actor, facility_id(&facility)?, &meter, parent.as_ref()).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(ParentMeterError::Refused { field, problem }) => {
            Err(ApiError::refused(problem.code(), field, problem.localize(language)))
        }
        Err(ParentMeterError::Store(error)) => Err(error.into()),
    }
}

#[utoipa::path(get, path = "/api/v1/energy/sites/{facility_id}/totals", tag = "energy",
    params(("facility_id" = String, Path)),
    responses((status = 200, body = Object, description = "Every placed meter with its upstream meter, the top of its \
        tree, and whether it counts in the facility's metered totals (the inventory)"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_totals(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(facility): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let meters = state.store().meters_in_totals(&actor, facility_id(&facility)?).await?;
    Ok(Json(serde_json::json!({ "meters": meters })))
}
