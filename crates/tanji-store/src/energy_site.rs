//! A facility's energy site in the store: the meter tree (site → area → line → meter), the daily production counters
//! of each line, the recorded grid factor and tariff, energy-saving measures, and the loader that turns stored data
//! into the inputs of `tanji_energy::analyze` (issue 9, "the energy engine's data in the store").
//!
//! Every method takes the [`Actor`], checks `ViewEnergy` (reads) or `EditEnergy` (changes) and stays inside the actor's
//! organisation: another tenant's facility, line or measure reads as not found. Changes write an audit entry in the
//! transaction that makes them.
//!
//! **Analysis from the hourly roll-ups.** [`Store::energy_analysis_input`] builds the analysis input from the hourly
//! roll-ups (`energy_rollups`, grain `hour`), never from raw readings: a year of one meter is 8,760 roll-up rows
//! against 35,040 raw rows at 15 minutes, the roll-ups already carry the multiplier and the cumulative registers'
//! deltas, and they are kept up to date in the readings' own transaction, so a dashboard's analysis costs the same
//! whatever the metering interval. The site handed to the analysis has a 60-minute interval and every meter a
//! register factor of 1 (the roll-ups already carry the multiplier). An interval meter's hour becomes one interval
//! reading of the hour's consumption that ends at the end of the hour; a cumulative register becomes a register
//! again, the running sum of its hourly consumption read at the end of each hour, so that the cleaning treats it as
//! it treats a register from a file (an hour holding the consumption of hours without readings is spread over them;
//! upward spikes are flagged, never changed). What is lost: the roll-up puts a reading at instant `t` into the hour
//! that contains `t`, so a reading ending an interval at `t` counts up to one interval late (at most one hour), and
//! a register's reset or rollover counts as zero consumption for that step (the roll-up's `n_negative_deltas`, summed
//! in [`AnalysisInput::n_negative_deltas`], says how often) instead of being resolved by the file cleaning's rules.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use tanji_energy::analysis::{AnalysisOptions, DayRange, ProductionRecord};
use tanji_energy::cleaning::RawReading;
use tanji_energy::model as site_model;
use tanji_tenancy::audit::{AuditAction, FieldChange};
use tanji_tenancy::validation::{Problem, single_line_text};
use tanji_tenancy::{Actor, FacilityId, FieldError, OrganisationId, Permission};

use crate::audit::{self, ChangedBy, Entry};
use crate::database::{RowExt, time_to_db};
use crate::energy::{
    IngestError, IngestOutcome, Meter, MeterCode, MeterKind, NewMeter, NewReading, ReadingSource, RegisterType,
    RollupGrain, ingest_in,
};
use crate::{Store, StoreError, new_id};

/// Reads a code of an area or line: the same rule as meter codes (1–64 of `A–Z a–z 0–9 . _ -`).
pub fn parse_code(field: &'static str, raw: &str) -> Result<String, FieldError> {
    MeterCode::parse(field, raw).map(|code| code.as_str().to_owned())
}

/// The grid emission factor a site's t CO2e figures use: chosen and recorded, never implicit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RecordedGridFactor {
    /// The id of the factor in the bundled library (`tanji factors`), when it is one of them.
    pub factor_id: Option<String>,
    /// t CO2e per MWh (= kg per kWh).
    pub t_co2e_per_mwh: f64,
    /// The citation: publication and year.
    pub source: String,
}

/// An electricity price with its source.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RecordedTariff {
    pub cny_per_kwh: f64,
    pub source: String,
}

/// A site's settings, as saved.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SiteSettings {
    pub name: String,
    /// Local days and months are cut at midnight of this offset (China: +480).
    pub utc_offset_minutes: i32,
    /// The meters' interval: 15 or 60 minutes (5, 10, 30 also accepted).
    pub interval_minutes: u32,
    pub grid_factor: RecordedGridFactor,
    pub tariff: Option<RecordedTariff>,
}

impl SiteSettings {
    /// Checks every field; every problem at once.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Err(error) = single_line_text("name", &self.name, 200) {
            errors.push(error);
        }
        if !(-14 * 60..=14 * 60).contains(&self.utc_offset_minutes) {
            errors.push(FieldError::new("utc_offset_minutes", Problem::OutOfRange { min: "-840", max: "840" }));
        }
        if ![5, 10, 15, 30, 60].contains(&self.interval_minutes) {
            errors.push(FieldError::new(
                "interval_minutes",
                Problem::NotOneOf { choices: vec!["5", "10", "15", "30", "60"] },
            ));
        }
        let factor = self.grid_factor.t_co2e_per_mwh;
        if !(factor.is_finite() && factor > 0.0 && factor < 5.0) {
            errors.push(FieldError::new(
                "grid_factor.t_co2e_per_mwh",
                Problem::OutOfRange { min: "more than 0", max: "5" },
            ));
        }
        if let Err(error) = single_line_text("grid_factor.source", &self.grid_factor.source, 300) {
            errors.push(error);
        }
        if let Some(tariff) = &self.tariff {
            if !(tariff.cny_per_kwh.is_finite() && tariff.cny_per_kwh >= 0.0 && tariff.cny_per_kwh < 100.0) {
                errors.push(FieldError::new("tariff.cny_per_kwh", Problem::OutOfRange { min: "0", max: "100" }));
            }
            if let Err(error) = single_line_text("tariff.source", &tariff.source, 300) {
                errors.push(error);
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// The citations of a site's grid factor and tariff in Chinese, where the site file gave them (`source_zh`) beside
/// the text of `SiteSettings` (migration 0017).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ChineseSources {
    pub grid_factor: Option<String>,
    pub tariff: Option<String>,
}

/// A facility's energy site.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnergySite {
    pub facility_id: FacilityId,
    #[serde(flatten)]
    pub settings: SiteSettings,
    /// The citations in Chinese, when the site was imported from a file that gave them.
    pub sources_zh: ChineseSources,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl EnergySite {
    /// The grid factor's citation for a reader of `language`: the Chinese text where one was given, else the
    /// text as stored.
    pub fn grid_factor_source(&self, language: tanji_tenancy::member::Language) -> &str {
        match (&self.sources_zh.grid_factor, language) {
            (Some(chinese), tanji_tenancy::member::Language::SimplifiedChinese) => chinese,
            _ => &self.settings.grid_factor.source,
        }
    }

    /// The tariff's source for a reader of `language`, when the site records a tariff.
    pub fn tariff_source(&self, language: tanji_tenancy::member::Language) -> Option<&str> {
        let tariff = self.settings.tariff.as_ref()?;
        Some(match (&self.sources_zh.tariff, language) {
            (Some(chinese), tanji_tenancy::member::Language::SimplifiedChinese) => chinese,
            _ => &tariff.source,
        })
    }
}

/// An area (building, workshop) to save.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AreaInput {
    pub code: String,
    pub name: String,
}

/// A stored area.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Area {
    pub id: String,
    pub code: String,
    pub name: String,
}

/// A production line to save (created, or updated by its code).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LineInput {
    pub code: String,
    pub name: String,
    /// The code of the area it stands in.
    pub area_code: String,
    /// The SKU it makes; lines with the same SKU are peers.
    pub product_sku: String,
    /// What its production counter counts ("cup").
    pub output_unit: String,
    /// The tanji product it makes (an id from `GET /api/v1/products`), for the footprint chain.
    pub product_id: Option<String>,
}

impl LineInput {
    /// Checks every field; every problem at once.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let errors: Vec<FieldError> = [
            parse_code("code", &self.code).err(),
            single_line_text("name", &self.name, 200).err(),
            parse_code("area", &self.area_code).err(),
            single_line_text("product_sku", &self.product_sku, 100).err(),
            single_line_text("output_unit", &self.output_unit, 40).err(),
        ]
        .into_iter()
        .flatten()
        .collect();
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// A stored production line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnergyLine {
    pub id: String,
    pub code: String,
    pub name: String,
    pub area_code: String,
    pub product_sku: String,
    pub output_unit: String,
    pub product_id: Option<String>,
}

/// What a meter serves on its line (the analysis places a gap in energy per unit at it).
pub type Equipment = site_model::Equipment;

/// Reads an equipment name (`heater`).
pub fn parse_equipment(field: &'static str, raw: &str) -> Result<Equipment, FieldError> {
    let choices: Vec<(&'static str, Equipment)> =
        Equipment::NAMES.iter().copied().zip(EQUIPMENT_IN_NAME_ORDER).collect();
    tanji_tenancy::validation::one_of(field, raw, &choices)
}

const EQUIPMENT_IN_NAME_ORDER: [Equipment; 8] = [
    Equipment::WholeLine,
    Equipment::Heater,
    Equipment::Drive,
    Equipment::CompressedAir,
    Equipment::Cooling,
    Equipment::Hvac,
    Equipment::Lighting,
    Equipment::Other,
];

/// The stored name of an equipment.
pub fn equipment_name(equipment: Equipment) -> &'static str {
    let position = EQUIPMENT_IN_NAME_ORDER.iter().position(|candidate| *candidate == equipment).unwrap_or(7);
    Equipment::NAMES[position]
}

/// Where a registered meter sits in the tree.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MeterPlacement {
    pub meter_code: MeterCode,
    pub area_code: String,
    /// `None` for a meter of a whole area.
    pub line_code: Option<String>,
    pub equipment: Equipment,
    /// The product the meter's line makes when it serves one product only.
    pub served_product_sku: Option<String>,
    /// For people: the CT and PT ratios the meter's multiplier is made of (the roll-ups apply the meter's
    /// `multiplier`, which is the whole register factor).
    pub ct_ratio: f64,
    pub pt_ratio: f64,
    /// kWh per metered unit for volume and mass units (stated NCV, steam enthalpy); ignored for energy units.
    pub kwh_per_unit: Option<f64>,
    /// The value at which the register shows zero again.
    pub rollover_value: Option<f64>,
}

impl MeterPlacement {
    /// Checks the numbers; every problem at once.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Err(error) = parse_code("area", &self.area_code) {
            errors.push(error);
        }
        if let Some(line) = &self.line_code
            && let Err(error) = parse_code("line", line)
        {
            errors.push(error);
        }
        let positive = |value: f64| value.is_finite() && value > 0.0 && value <= 1e9;
        if !positive(self.ct_ratio) {
            errors.push(FieldError::new("ct_ratio", Problem::OutOfRange { min: "more than 0", max: "1e9" }));
        }
        if !positive(self.pt_ratio) {
            errors.push(FieldError::new("pt_ratio", Problem::OutOfRange { min: "more than 0", max: "1e9" }));
        }
        if self.kwh_per_unit.is_some_and(|value| !positive(value)) {
            errors.push(FieldError::new("kwh_per_unit", Problem::OutOfRange { min: "more than 0", max: "1e9" }));
        }
        if self.rollover_value.is_some_and(|value| !positive(value)) {
            errors.push(FieldError::new("rollover_value", Problem::OutOfRange { min: "more than 0", max: "1e9" }));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// A meter of the site with its place in the tree (`None`: registered for readings, not placed yet).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlacedMeter {
    #[serde(flatten)]
    pub meter: Meter,
    pub placement: Option<MeterPlacement>,
}

/// The whole tree of a facility's energy site.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SiteTree {
    pub site: EnergySite,
    pub areas: Vec<Area>,
    pub lines: Vec<EnergyLine>,
    /// Every meter registered at the facility, by code.
    pub meters: Vec<PlacedMeter>,
}

/// One production count to record: units a line made on a local day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewProduction {
    pub line_code: String,
    pub day: Date,
    pub sku: String,
    pub units: f64,
    /// Where it came from: a request id, a file and row.
    pub source_reference: String,
}

impl NewProduction {
    /// Checks a count as sent.
    pub fn parse(line: &str, day: &str, sku: &str, units: f64, source_reference: &str) -> Result<Self, FieldError> {
        let line_code = parse_code("line", line)?;
        let day = day
            .trim()
            .parse::<Date>()
            .map_err(|_| FieldError::new("day", Problem::Malformed { expected: "a date such as 2026-03-02" }))?;
        let sku = single_line_text("sku", sku, 100)?;
        if !(units.is_finite() && units >= 0.0) {
            return Err(FieldError::new("units", Problem::OutOfRange { min: "0", max: "a finite number" }));
        }
        Ok(Self { line_code, day, sku, units, source_reference: source_reference.chars().take(300).collect() })
    }
}

/// A production count of a batch that could not be accepted, by its position (from 0).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductionProblem {
    pub index: usize,
    pub error: FieldError,
}

/// A count already stored with a different number of units; the stored count is kept.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProductionConflict {
    pub index: usize,
    pub line: String,
    pub day: Date,
    pub sku: String,
    pub stored_units: f64,
    pub sent_units: f64,
}

/// What became of a batch of production counts.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ProductionOutcome {
    pub n_accepted: usize,
    pub n_duplicates: usize,
    pub n_conflicts: usize,
    pub conflicts: Vec<ProductionConflict>,
}

/// Why a production batch was not stored. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ProductionError {
    /// Counts of the batch are wrong (an unknown line); every one is listed.
    #[error("{} production count(s) refused; nothing was saved", .0.len())]
    Rejected(Vec<ProductionProblem>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ProductionError {
    fn from(error: sqlx::Error) -> Self {
        ProductionError::Store(error.into())
    }
}

/// A stored production count.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProductionCount {
    pub line_code: String,
    pub day: Date,
    pub sku: String,
    pub units: f64,
    pub source: String,
    pub source_reference: String,
}

/// An energy-saving measure to record (IPMVP): what was done on which line, when, and the periods its saving is
/// verified over: the baseline ends before the measure, the reporting period starts on or after it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewMeasure {
    pub line_code: String,
    /// The meter the measure acts on, when one (e.g. the heater's).
    pub meter_code: Option<MeterCode>,
    pub description: String,
    pub implemented_on: Date,
    pub baseline: DayRange,
    pub reporting: DayRange,
    /// The saving expected before verification, kWh a year.
    pub expected_saving_kwh_per_year: Option<f64>,
}

impl NewMeasure {
    /// Checks the fields and the order of the periods; every problem at once.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Err(error) = parse_code("line", &self.line_code) {
            errors.push(error);
        }
        if let Err(error) = single_line_text("description", &self.description, 500) {
            errors.push(error);
        }
        if self.baseline.first > self.baseline.last {
            errors.push(FieldError::new(
                "baseline_last",
                Problem::Malformed { expected: "a day on or after the baseline's first day" },
            ));
        }
        if self.baseline.last >= self.implemented_on {
            errors.push(FieldError::new(
                "baseline_last",
                Problem::Malformed { expected: "a day before the measure was implemented" },
            ));
        }
        if self.reporting.first < self.implemented_on {
            errors.push(FieldError::new(
                "reporting_first",
                Problem::Malformed { expected: "a day on or after the measure was implemented" },
            ));
        }
        if self.reporting.first > self.reporting.last {
            errors.push(FieldError::new(
                "reporting_last",
                Problem::Malformed { expected: "a day on or after the reporting period's first day" },
            ));
        }
        if self.expected_saving_kwh_per_year.is_some_and(|value| !value.is_finite()) {
            errors.push(FieldError::new("expected_saving_kwh_per_year", Problem::Malformed { expected: "a number" }));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// A recorded measure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measure {
    pub id: String,
    pub facility_id: FacilityId,
    pub line_code: String,
    pub meter_code: Option<MeterCode>,
    pub description: String,
    pub implemented_on: Date,
    pub baseline: DayRange,
    pub reporting: DayRange,
    pub expected_saving_kwh_per_year: Option<f64>,
    pub recorded_at: Timestamp,
    pub recorded_by: String,
}

/// The inputs of `tanji_energy::analyze` for a facility and a period, built from stored data (hourly roll-ups and
/// production counts; see the module documentation).
#[derive(Clone, Debug, PartialEq)]
pub struct AnalysisInput {
    /// The site as the analysis sees it: 60-minute interval, each placed meter an interval meter of factor 1.
    pub site: site_model::Site,
    /// Hourly consumption per meter code, as interval readings ending at the end of each hour.
    pub readings: HashMap<String, Vec<RawReading>>,
    /// Production per line code and day.
    pub production: Vec<ProductionRecord>,
    /// The days loaded.
    pub period: DayRange,
    /// Hourly roll-ups read.
    pub n_hourly_rollups: usize,
    /// Register resets and rollovers in the period that the roll-ups counted as zero consumption.
    pub n_negative_deltas: i64,
    /// Meters of the facility left out of the analysis: not placed on a line, or in a unit without a kWh factor.
    pub meters_left_out: Vec<MeterCode>,
    /// The site's weather in the period, when it records a station (`energy_weather`, migration 0012).
    pub weather: Option<tanji_energy::weather::Weather>,
}

/// A measure with its verified saving, or why it cannot be verified yet.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MeasureWithSaving {
    pub measure: Measure,
    pub verification: Result<tanji_energy::measure::Verification, tanji_energy::measure::VerificationError>,
}

const SITE_COLUMNS: &str = "facility_id, name, utc_offset_minutes, interval_minutes, grid_factor_id, \
    grid_factor_t_co2e_per_mwh, grid_factor_source, tariff_cny_per_kwh, tariff_source, grid_factor_source_zh, \
    tariff_source_zh, created_at, updated_at";

fn site_from_row(row: &AnyRow) -> anyhow::Result<EnergySite> {
    let tariff_cny_per_kwh: Option<f64> = row.try_get("tariff_cny_per_kwh")?;
    let tariff_source = row.optional_text("tariff_source")?;
    Ok(EnergySite {
        facility_id: row.id("facility_id")?,
        settings: SiteSettings {
            name: row.text("name")?,
            utc_offset_minutes: i32::try_from(row.integer("utc_offset_minutes")?)?,
            interval_minutes: u32::try_from(row.integer("interval_minutes")?)?,
            grid_factor: RecordedGridFactor {
                factor_id: row.optional_text("grid_factor_id")?,
                t_co2e_per_mwh: row.try_get("grid_factor_t_co2e_per_mwh")?,
                source: row.text("grid_factor_source")?,
            },
            tariff: tariff_cny_per_kwh
                .zip(tariff_source)
                .map(|(cny_per_kwh, source)| RecordedTariff { cny_per_kwh, source }),
        },
        sources_zh: ChineseSources {
            grid_factor: row.optional_text("grid_factor_source_zh")?,
            tariff: row.optional_text("tariff_source_zh")?,
        },
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

fn date_from_db(text: &str) -> anyhow::Result<Date> {
    Ok(text.parse::<Date>()?)
}

fn measure_from_row(row: &AnyRow) -> anyhow::Result<Measure> {
    let meter_code = row.optional_text("meter_code")?.map(|code| MeterCode::parse("meter", &code)).transpose()?;
    Ok(Measure {
        id: row.text("id")?,
        facility_id: row.id("facility_id")?,
        line_code: row.text("line_code")?,
        meter_code,
        description: row.text("description")?,
        implemented_on: date_from_db(&row.text("implemented_on")?)?,
        baseline: DayRange {
            first: date_from_db(&row.text("baseline_first")?)?,
            last: date_from_db(&row.text("baseline_last")?)?,
        },
        reporting: DayRange {
            first: date_from_db(&row.text("reporting_first")?)?,
            last: date_from_db(&row.text("reporting_last")?)?,
        },
        expected_saving_kwh_per_year: row.try_get("expected_saving_kwh_per_year")?,
        recorded_at: row.time("recorded_at")?,
        recorded_by: row.text("recorded_by")?,
    })
}

const MEASURE_SELECT: &str = "SELECT x.id, x.facility_id, l.code AS line_code, m.code AS meter_code, x.description, \
    x.implemented_on, x.baseline_first, x.baseline_last, x.reporting_first, x.reporting_last, \
    x.expected_saving_kwh_per_year, x.recorded_at, x.recorded_by FROM energy_measures x \
    JOIN energy_lines l ON l.id = x.line_id LEFT JOIN energy_meters m ON m.id = x.meter_id";

fn invalid(field: &'static str, expected: &'static str) -> StoreError {
    FieldError::new(field, Problem::Malformed { expected }).into()
}

fn first_error(errors: Vec<FieldError>) -> StoreError {
    errors.into_iter().next().map(StoreError::from).unwrap_or(StoreError::NotFound)
}

pub(crate) async fn record_change(
    transaction: &mut Transaction<'static, Any>,
    actor: &Actor,
    now: Timestamp,
    action: AuditAction,
    object_id: &str,
    label: &str,
    changes: Vec<(&str, String)>,
) -> Result<(), StoreError> {
    audit::record(
        transaction,
        ChangedBy::Actor(actor),
        now,
        Entry {
            organisation_id: actor.organisation_id,
            action,
            object_id: Some(object_id.to_owned()),
            object_label: label,
            changes: changes
                .into_iter()
                .map(|(field, after)| FieldChange { field: field.to_owned(), before: None, after: Some(after) })
                .collect(),
        },
    )
    .await?;
    Ok(())
}

/// The id (first column) of the one row a lookup by text keys finds, if any: every "does this exist here, and what
/// is its id" question of this module goes through it, with the keys bound in the order of `$1, $2, …` in `sql`.
async fn lookup_id(
    transaction: &mut Transaction<'static, Any>,
    sql: &'static str,
    keys: &[&str],
) -> Result<Option<String>, StoreError> {
    let mut query = sqlx::query_as::<_, (String,)>(sql);
    for key in keys {
        query = query.bind((*key).to_owned());
    }
    Ok(query.fetch_optional(&mut **transaction).await?.map(|(id,)| id))
}

/// Whether the facility is the organisation's (another tenant's reads as not found).
async fn require_facility(
    transaction: &mut Transaction<'static, Any>,
    organisation_id: OrganisationId,
    facility_id: FacilityId,
) -> Result<(), StoreError> {
    let keys = [facility_id.to_string(), organisation_id.to_string()];
    let sql = "SELECT id FROM facilities WHERE id = $1 AND organisation_id = $2";
    let found = lookup_id(transaction, sql, &[&keys[0], &keys[1]]).await?;
    found.map(|_| ()).ok_or(StoreError::NotFound)
}

pub(crate) async fn require_site(
    transaction: &mut Transaction<'static, Any>,
    organisation_id: OrganisationId,
    facility_id: FacilityId,
) -> Result<(), StoreError> {
    let keys = [facility_id.to_string(), organisation_id.to_string()];
    let sql = "SELECT facility_id FROM energy_sites WHERE facility_id = $1 AND organisation_id = $2";
    match lookup_id(transaction, sql, &[&keys[0], &keys[1]]).await? {
        Some(_) => Ok(()),
        None => {
            require_facility(transaction, organisation_id, facility_id).await?;
            Err(invalid(
                "facility_id",
                "a facility whose energy site is set up (PUT /api/v1/energy/sites/{facility_id})",
            ))
        }
    }
}

/// Marks the site's data as changed, in the transaction that changes it: the analysis cache recomputes on the next
/// request (see `energy_analysis`). A facility without an energy site has nothing to mark.
pub(crate) async fn bump_data_version(
    transaction: &mut Transaction<'static, Any>,
    facility_id: FacilityId,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE energy_sites SET data_version = $1 WHERE facility_id = $2")
        .bind(new_id().to_string())
        .bind(facility_id.to_string())
        .execute(&mut **transaction)
        .await?;
    Ok(())
}

async fn upsert_site(
    transaction: &mut Transaction<'static, Any>,
    actor: &Actor,
    now: Timestamp,
    facility_id: FacilityId,
    settings: &SiteSettings,
    sources_zh: &ChineseSources,
) -> Result<(), StoreError> {
    let grid = &settings.grid_factor;
    let tariff = settings.tariff.as_ref();
    // An absent tariff, and absent Chinese citations, are written as NULL, not bound (see `upsert_placement`).
    let tariff_slot = if tariff.is_some() { "$13" } else { "NULL" };
    let mut free_slots = (if tariff.is_some() { 14 } else { 13 }..).map(|slot| format!("${slot}"));
    let mut slot_of = |present: bool| {
        if present { free_slots.next().unwrap_or_default() } else { "NULL".to_owned() }
    };
    let grid_zh_slot = slot_of(sources_zh.grid_factor.is_some());
    let tariff_zh_slot = slot_of(sources_zh.tariff.is_some() && tariff.is_some());
    let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO energy_sites (facility_id, organisation_id, name, utc_offset_minutes, interval_minutes, \
         grid_factor_id, grid_factor_t_co2e_per_mwh, grid_factor_source, tariff_cny_per_kwh, tariff_source, \
         created_at, created_by, updated_at, data_version, grid_factor_source_zh, tariff_source_zh) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, {tariff_slot}, $9, $10, $11, $10, $12, {grid_zh_slot}, {tariff_zh_slot}) \
         ON CONFLICT (facility_id) DO UPDATE SET name = excluded.name, \
         utc_offset_minutes = excluded.utc_offset_minutes, interval_minutes = excluded.interval_minutes, \
         grid_factor_id = excluded.grid_factor_id, grid_factor_t_co2e_per_mwh = excluded.grid_factor_t_co2e_per_mwh, \
         grid_factor_source = excluded.grid_factor_source, tariff_cny_per_kwh = excluded.tariff_cny_per_kwh, \
         tariff_source = excluded.tariff_source, updated_at = excluded.updated_at, data_version = excluded.data_version, \
         grid_factor_source_zh = excluded.grid_factor_source_zh, tariff_source_zh = excluded.tariff_source_zh"
    )))
    .bind(facility_id.to_string())
    .bind(actor.organisation_id.to_string())
    .bind(&settings.name)
    .bind(i64::from(settings.utc_offset_minutes))
    .bind(i64::from(settings.interval_minutes))
    .bind(grid.factor_id.clone())
    .bind(grid.t_co2e_per_mwh)
    .bind(&grid.source)
    .bind(tariff.map(|tariff| tariff.source.clone()))
    .bind(time_to_db(now))
    .bind(actor.user_id.to_string())
    .bind(new_id().to_string());
    if let Some(tariff) = tariff {
        query = query.bind(tariff.cny_per_kwh);
    }
    if let Some(source) = &sources_zh.grid_factor {
        query = query.bind(source.clone());
    }
    if let (Some(source), Some(_)) = (&sources_zh.tariff, tariff) {
        query = query.bind(source.clone());
    }
    query.execute(&mut **transaction).await?;
    Ok(())
}

async fn upsert_area(
    transaction: &mut Transaction<'static, Any>,
    organisation_id: OrganisationId,
    facility_id: FacilityId,
    area: &AreaInput,
) -> Result<String, StoreError> {
    if let Some(id) = find_part(transaction, SitePart::Area, facility_id, &area.code).await? {
        sqlx::query("UPDATE energy_areas SET name = $1 WHERE id = $2")
            .bind(&area.name)
            .bind(&id)
            .execute(&mut **transaction)
            .await?;
        return Ok(id);
    }
    let id = new_id().to_string();
    sqlx::query("INSERT INTO energy_areas (id, organisation_id, facility_id, code, name) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(organisation_id.to_string())
        .bind(facility_id.to_string())
        .bind(&area.code)
        .bind(&area.name)
        .execute(&mut **transaction)
        .await?;
    Ok(id)
}

/// A part of a site found by its code.
#[derive(Clone, Copy, Debug)]
enum SitePart {
    Area,
    Line,
}

impl SitePart {
    fn lookup_sql(self) -> &'static str {
        match self {
            SitePart::Area => "SELECT id FROM energy_areas WHERE facility_id = $1 AND code = $2",
            SitePart::Line => "SELECT id FROM energy_lines WHERE facility_id = $1 AND code = $2",
        }
    }

    /// What a code that names no such part should have been.
    fn expected(self) -> &'static str {
        match self {
            SitePart::Area => "the code of an area of this site (save the area first)",
            SitePart::Line => "the code of a production line of this site",
        }
    }
}

/// The id of the site's area or line with this code, if there is one.
async fn find_part(
    transaction: &mut Transaction<'static, Any>,
    part: SitePart,
    facility_id: FacilityId,
    code: &str,
) -> Result<Option<String>, StoreError> {
    lookup_id(transaction, part.lookup_sql(), &[&facility_id.to_string(), code]).await
}

/// The id of the site's area or line with this code; a code naming none is refused as `field`.
async fn require_part(
    transaction: &mut Transaction<'static, Any>,
    part: SitePart,
    facility_id: FacilityId,
    code: &str,
    field: &'static str,
) -> Result<String, StoreError> {
    find_part(transaction, part, facility_id, code).await?.ok_or_else(|| invalid(field, part.expected()))
}

async fn upsert_line(
    transaction: &mut Transaction<'static, Any>,
    organisation_id: OrganisationId,
    facility_id: FacilityId,
    line: &LineInput,
) -> Result<String, StoreError> {
    let area = require_part(transaction, SitePart::Area, facility_id, &line.area_code, "area").await?;
    if let Some(product_id) = &line.product_id {
        let organisation = organisation_id.to_string();
        let sql = "SELECT id FROM products WHERE id = $1 AND organisation_id = $2";
        if lookup_id(transaction, sql, &[product_id, &organisation]).await?.is_none() {
            return Err(invalid("product_id", "the id of a product of your organisation (GET /api/v1/products)"));
        }
    }
    if let Some(id) = find_part(transaction, SitePart::Line, facility_id, &line.code).await? {
        sqlx::query(
            "UPDATE energy_lines SET name = $1, area_id = $2, product_sku = $3, output_unit = $4, product_id = $5 \
             WHERE id = $6",
        )
        .bind(&line.name)
        .bind(&area)
        .bind(&line.product_sku)
        .bind(&line.output_unit)
        .bind(line.product_id.clone())
        .bind(&id)
        .execute(&mut **transaction)
        .await?;
        return Ok(id);
    }
    let id = new_id().to_string();
    sqlx::query(
        "INSERT INTO energy_lines (id, organisation_id, facility_id, code, name, area_id, product_sku, output_unit, \
         product_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(organisation_id.to_string())
    .bind(facility_id.to_string())
    .bind(&line.code)
    .bind(&line.name)
    .bind(&area)
    .bind(&line.product_sku)
    .bind(&line.output_unit)
    .bind(line.product_id.clone())
    .execute(&mut **transaction)
    .await?;
    Ok(id)
}

async fn upsert_placement(
    transaction: &mut Transaction<'static, Any>,
    organisation_id: OrganisationId,
    facility_id: FacilityId,
    placement: &MeterPlacement,
) -> Result<(), StoreError> {
    let keys = [organisation_id.to_string(), facility_id.to_string()];
    let sql = "SELECT id FROM energy_meters WHERE organisation_id = $1 AND facility_id = $2 AND code = $3";
    let Some(meter_id) = lookup_id(transaction, sql, &[&keys[0], &keys[1], placement.meter_code.as_str()]).await?
    else {
        return Err(invalid("meter", "the code of a meter registered at this facility (POST /api/v1/energy/meters)"));
    };
    let area = require_part(transaction, SitePart::Area, facility_id, &placement.area_code, "area").await?;
    let line = match &placement.line_code {
        Some(code) => {
            let id = require_part(transaction, SitePart::Line, facility_id, code, "line").await?;
            let (line_area,): (String,) = sqlx::query_as("SELECT area_id FROM energy_lines WHERE id = $1")
                .bind(&id)
                .fetch_one(&mut **transaction)
                .await?;
            if line_area != area {
                return Err(invalid("area", "the area the meter's line stands in"));
            }
            Some(id)
        }
        None => None,
    };
    // Absent numbers are written as NULL in the statement rather than bound: PostgreSQL keeps the parameter types of
    // a statement's first execution, and sqlx 0.9's `Any` driver binds an absent `f64` as a `float4` NULL
    // (sqlx-core `any/arguments.rs` maps a `Double` NULL to `Option<f32>`), so a later present `f64` would not fit.
    let mut next_parameter = 9;
    let mut slot = |value: Option<f64>| match value {
        Some(_) => {
            let placeholder = format!("${next_parameter}");
            next_parameter += 1;
            placeholder
        }
        None => "NULL".to_owned(),
    };
    let (kwh_slot, rollover_slot) = (slot(placement.kwh_per_unit), slot(placement.rollover_value));
    let sql = format!(
        "INSERT INTO energy_meter_placements (meter_id, organisation_id, area_id, line_id, equipment, \
         served_product_sku, ct_ratio, pt_ratio, kwh_per_unit, rollover_value) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, {kwh_slot}, {rollover_slot}) ON CONFLICT (meter_id) DO UPDATE SET \
         area_id = excluded.area_id, line_id = excluded.line_id, equipment = excluded.equipment, \
         served_product_sku = excluded.served_product_sku, ct_ratio = excluded.ct_ratio, \
         pt_ratio = excluded.pt_ratio, kwh_per_unit = excluded.kwh_per_unit, rollover_value = excluded.rollover_value"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(meter_id.clone())
        .bind(organisation_id.to_string())
        .bind(area.clone())
        .bind(line)
        .bind(equipment_name(placement.equipment))
        .bind(placement.served_product_sku.clone())
        .bind(placement.ct_ratio)
        .bind(placement.pt_ratio);
    for value in [placement.kwh_per_unit, placement.rollover_value].into_iter().flatten() {
        query = query.bind(value);
    }
    query.execute(&mut **transaction).await?;
    Ok(())
}

async fn insert_production(
    transaction: &mut Transaction<'static, Any>,
    organisation_id: OrganisationId,
    facility_id: FacilityId,
    source: ReadingSource,
    now: Timestamp,
    counts: &[NewProduction],
) -> Result<ProductionOutcome, ProductionError> {
    let mut lines: HashMap<&str, String> = HashMap::new();
    let mut problems = Vec::new();
    for (index, count) in counts.iter().enumerate() {
        if lines.contains_key(count.line_code.as_str()) {
            continue;
        }
        match require_part(transaction, SitePart::Line, facility_id, &count.line_code, "line").await {
            Ok(id) => {
                lines.insert(count.line_code.as_str(), id);
            }
            Err(StoreError::Invalid(error)) => problems.push(ProductionProblem { index, error }),
            Err(other) => return Err(other.into()),
        }
    }
    let problems: Vec<ProductionProblem> = counts
        .iter()
        .enumerate()
        .filter(|(_, count)| !lines.contains_key(count.line_code.as_str()))
        .map(|(index, _)| ProductionProblem {
            index,
            error: problems.first().map(|problem| problem.error.clone()).unwrap_or_else(|| {
                FieldError::new("line", Problem::Malformed { expected: "the code of a production line of this site" })
            }),
        })
        .collect();
    if !problems.is_empty() {
        return Err(ProductionError::Rejected(problems));
    }
    let mut outcome = ProductionOutcome::default();
    let recorded_at = time_to_db(now);
    for (index, count) in counts.iter().enumerate() {
        let line = &lines[count.line_code.as_str()];
        let day = count.day.to_string();
        let inserted = sqlx::query(
            "INSERT INTO energy_production (line_id, organisation_id, day, sku, units, source, source_reference, \
             recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (line_id, day, sku) DO NOTHING",
        )
        .bind(line)
        .bind(organisation_id.to_string())
        .bind(&day)
        .bind(&count.sku)
        .bind(count.units)
        .bind(source.as_str())
        .bind(&count.source_reference)
        .bind(&recorded_at)
        .execute(&mut **transaction)
        .await?;
        if inserted.rows_affected() == 1 {
            outcome.n_accepted += 1;
            continue;
        }
        let (stored_units,): (f64,) =
            sqlx::query_as("SELECT units FROM energy_production WHERE line_id = $1 AND day = $2 AND sku = $3")
                .bind(line)
                .bind(&day)
                .bind(&count.sku)
                .fetch_one(&mut **transaction)
                .await?;
        // Exact on purpose: the same count sent again carries the same number.
        if stored_units == count.units {
            outcome.n_duplicates += 1;
        } else {
            outcome.n_conflicts += 1;
            outcome.conflicts.push(ProductionConflict {
                index,
                line: count.line_code.clone(),
                day: count.day,
                sku: count.sku.clone(),
                stored_units,
                sent_units: count.units,
            });
        }
    }
    Ok(outcome)
}

/// A whole site to import in one transaction: the tree, its meters, their readings and the production counts.
#[derive(Clone, Debug)]
pub struct SiteImport {
    /// The site as `tanji_energy::file::read_site_file` read it.
    pub site: site_model::Site,
    pub readings: Vec<NewReading>,
    pub production: Vec<NewProduction>,
    /// The site's weather and the file it came from, when the site file names one (stored in the same transaction).
    pub weather: Option<(tanji_energy::weather::Weather, String)>,
    /// Upstream meters the site file states (meter code → upstream meter code, `SiteFile::parents`, checked by the
    /// reader); meters it states none for keep what is stored.
    pub parents: std::collections::BTreeMap<String, String>,
    /// The file it came from, for the audit log.
    pub file: String,
    /// The citations in Chinese the site file gave (`source_zh`), stored beside the site's own.
    pub sources_zh: ChineseSources,
}

/// The Chinese citations are single lines of at most 300 characters, as the site's own.
fn check_chinese_sources(sources: &ChineseSources) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    for (field, text) in [("grid_factor.source_zh", &sources.grid_factor), ("tariff.source_zh", &sources.tariff)] {
        if let Some(text) = text
            && let Err(error) = single_line_text(field, text, 300)
        {
            errors.push(error);
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

impl SiteImport {
    /// The import of a site as `tanji_energy`'s file readers read it (`read_site_file`, `read_readings_csv`,
    /// `read_production_csv`): each reading keeps its file and row as its source reference.
    pub fn from_files(
        site: site_model::Site,
        readings: &HashMap<String, Vec<RawReading>>,
        production: &[ProductionRecord],
        readings_file: &str,
        production_file: &str,
        file: &str,
    ) -> Result<Self, FieldError> {
        let mut new_readings = Vec::with_capacity(readings.values().map(Vec::len).sum());
        let mut meters: Vec<&String> = readings.keys().collect();
        meters.sort();
        for meter in meters {
            let meter_code = MeterCode::parse("meter", meter)?;
            for reading in &readings[meter] {
                let reading_at = Timestamp::from_second(reading.time_s).map_err(|_| {
                    FieldError::new("timestamp", Problem::OutOfRange { min: "year -9999", max: "year 9999" })
                })?;
                new_readings.push(NewReading {
                    meter_code: meter_code.clone(),
                    reading_at,
                    value: reading.value,
                    source_reference: format!("{readings_file}:{}", reading.row),
                });
            }
        }
        // In time order, the order the store ingests fastest (no neighbour look-ups).
        new_readings.sort_by_key(|reading| reading.reading_at);
        let production = production
            .iter()
            .map(|record| NewProduction {
                line_code: record.line.clone(),
                day: record.day,
                sku: record.sku.clone(),
                units: record.units,
                source_reference: format!("{production_file}:{}", record.row),
            })
            .collect();
        Ok(Self {
            site,
            readings: new_readings,
            production,
            weather: None,
            parents: std::collections::BTreeMap::new(),
            file: file.to_owned(),
            sources_zh: ChineseSources::default(),
        })
    }
}

/// What a whole-site import did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SiteImportOutcome {
    pub n_areas: usize,
    pub n_lines: usize,
    /// Meters registered now (the others existed already, with the same definition).
    pub n_meters_registered: usize,
    pub n_meters: usize,
    pub readings: IngestOutcome,
    pub production: ProductionOutcome,
    /// What the weather did, when the import had weather.
    pub weather: Option<crate::energy_weather::WeatherOutcome>,
}

/// Why a whole-site import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum SiteImportError {
    #[error(transparent)]
    Readings(IngestError),
    #[error(transparent)]
    Production(ProductionError),
    /// A meter of the file exists with another definition (kind, unit, register, multiplier or facility); changing
    /// it would make its stored roll-ups wrong.
    #[error("meter {meter} is already registered with another {field}; give the new meter another id")]
    MeterRedefined { meter: String, field: &'static str },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<FieldError> for SiteImportError {
    fn from(error: FieldError) -> Self {
        SiteImportError::Store(error.into())
    }
}

impl From<sqlx::Error> for SiteImportError {
    fn from(error: sqlx::Error) -> Self {
        SiteImportError::Store(error.into())
    }
}

fn store_meter_kind(kind: site_model::MeterKind) -> MeterKind {
    match kind {
        site_model::MeterKind::Electricity => MeterKind::Electricity,
        site_model::MeterKind::NaturalGas => MeterKind::NaturalGas,
        site_model::MeterKind::Steam => MeterKind::Steam,
        site_model::MeterKind::Water => MeterKind::Water,
        site_model::MeterKind::CompressedAir => MeterKind::CompressedAir,
    }
}

pub(crate) fn model_meter_kind(kind: MeterKind) -> site_model::MeterKind {
    match kind {
        MeterKind::Electricity => site_model::MeterKind::Electricity,
        MeterKind::NaturalGas => site_model::MeterKind::NaturalGas,
        MeterKind::Steam => site_model::MeterKind::Steam,
        MeterKind::Water => site_model::MeterKind::Water,
        MeterKind::CompressedAir => site_model::MeterKind::CompressedAir,
    }
}

pub(crate) fn model_unit(unit: &str) -> Option<site_model::MeterUnit> {
    site_model::MeterUnit::NAMES.iter().position(|name| *name == unit).map(|position| {
        [
            site_model::MeterUnit::KilowattHour,
            site_model::MeterUnit::MegawattHour,
            site_model::MeterUnit::Gigajoule,
            site_model::MeterUnit::CubicMetre,
            site_model::MeterUnit::NormalCubicMetre,
            site_model::MeterUnit::Tonne,
        ][position]
    })
}

impl Store {
    /// The actor a command-line operator acts as when a command names a member (`tanji energy import --as EMAIL`):
    /// that member, with their role in the organisation, as if logged in. `NotFound` when they are not a member.
    pub async fn operator_member_actor(
        &self,
        organisation: &tanji_tenancy::organisation::Organisation,
        email: &str,
    ) -> Result<Actor, StoreError> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT u.id, m.role FROM users u JOIN memberships m ON m.user_id = u.id \
             WHERE m.organisation_id = $1 AND lower(u.email) = lower($2)",
        )
        .bind(organisation.id.to_string())
        .bind(email.trim())
        .fetch_optional(&self.pools.reader)
        .await?;
        let (user_id, role) = row.ok_or(StoreError::NotFound)?;
        Ok(Actor {
            user_id: user_id.parse().map_err(anyhow::Error::from)?,
            label: format!("{} (command line)", email.trim()),
            organisation_id: organisation.id,
            organisation_kind: organisation.kind,
            role: tanji_tenancy::member::Role::parse("role", &role)?,
            credential: tanji_tenancy::access::Credential::Session,
        })
    }

    /// Creates or updates a facility's energy site settings (owners and editors).
    pub async fn save_energy_site(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        settings: &SiteSettings,
    ) -> Result<EnergySite, StoreError> {
        actor.require(Permission::EditEnergy)?;
        settings.check().map_err(first_error)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        require_facility(&mut transaction, actor.organisation_id, facility_id).await?;
        // What was typed replaces the site's citations in both languages: a Chinese text from an earlier import would
        // no longer match it.
        upsert_site(&mut transaction, actor, now, facility_id, settings, &ChineseSources::default()).await?;
        let mut changes = vec![
            ("name", settings.name.clone()),
            ("grid_factor", format!("{} t/MWh ({})", settings.grid_factor.t_co2e_per_mwh, settings.grid_factor.source)),
        ];
        if let Some(tariff) = &settings.tariff {
            changes.push(("tariff", format!("{} CNY/kWh ({})", tariff.cny_per_kwh, tariff.source)));
        }
        let facility = facility_id.to_string();
        record_change(&mut transaction, actor, now, AuditAction::EnergySiteChanged, &facility, &settings.name, changes)
            .await?;
        transaction.commit().await?;
        self.energy_site(actor, facility_id).await
    }

    /// A facility's energy site settings.
    pub async fn energy_site(&self, actor: &Actor, facility_id: FacilityId) -> Result<EnergySite, StoreError> {
        actor.require(Permission::ViewEnergy)?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SITE_COLUMNS} FROM energy_sites WHERE facility_id = $1 AND organisation_id = $2"
        )))
        .bind(facility_id.to_string())
        .bind(actor.organisation_id.to_string())
        .fetch_optional(&self.pools.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(site_from_row(&row)?)
    }

    /// The energy sites of the actor's organisation.
    pub async fn list_energy_sites(&self, actor: &Actor) -> Result<Vec<EnergySite>, StoreError> {
        actor.require(Permission::ViewEnergy)?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SITE_COLUMNS} FROM energy_sites WHERE organisation_id = $1 ORDER BY name"
        )))
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.iter().map(site_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// Creates or renames an area of a site, by its code.
    pub async fn save_energy_area(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        area: &AreaInput,
    ) -> Result<Area, StoreError> {
        actor.require(Permission::EditEnergy)?;
        parse_code("code", &area.code)?;
        single_line_text("name", &area.name, 200)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        require_site(&mut transaction, actor.organisation_id, facility_id).await?;
        let id = upsert_area(&mut transaction, actor.organisation_id, facility_id, area).await?;
        bump_data_version(&mut transaction, facility_id).await?;
        let changes = vec![("code", area.code.clone()), ("name", area.name.clone())];
        record_change(&mut transaction, actor, now, AuditAction::EnergySiteChanged, &id, &area.code, changes).await?;
        transaction.commit().await?;
        Ok(Area { id, code: area.code.clone(), name: area.name.clone() })
    }

    /// Creates or updates a production line of a site, by its code.
    pub async fn save_energy_line(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        line: &LineInput,
    ) -> Result<EnergyLine, StoreError> {
        actor.require(Permission::EditEnergy)?;
        line.check().map_err(first_error)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        require_site(&mut transaction, actor.organisation_id, facility_id).await?;
        let id = upsert_line(&mut transaction, actor.organisation_id, facility_id, line).await?;
        bump_data_version(&mut transaction, facility_id).await?;
        let changes = vec![("code", line.code.clone()), ("name", line.name.clone()), ("sku", line.product_sku.clone())];
        record_change(&mut transaction, actor, now, AuditAction::EnergySiteChanged, &id, &line.code, changes).await?;
        transaction.commit().await?;
        Ok(EnergyLine {
            id,
            code: line.code.clone(),
            name: line.name.clone(),
            area_code: line.area_code.clone(),
            product_sku: line.product_sku.clone(),
            output_unit: line.output_unit.clone(),
            product_id: line.product_id.clone(),
        })
    }

    /// Places a registered meter of the facility in the tree (or moves it).
    pub async fn place_energy_meter(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        placement: &MeterPlacement,
    ) -> Result<(), StoreError> {
        actor.require(Permission::EditEnergy)?;
        placement.check().map_err(first_error)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        require_site(&mut transaction, actor.organisation_id, facility_id).await?;
        upsert_placement(&mut transaction, actor.organisation_id, facility_id, placement).await?;
        bump_data_version(&mut transaction, facility_id).await?;
        let place = match &placement.line_code {
            Some(line) => format!("{}/{} ({})", placement.area_code, line, equipment_name(placement.equipment)),
            None => format!("{} ({})", placement.area_code, equipment_name(placement.equipment)),
        };
        let code = placement.meter_code.as_str();
        let changes = vec![("code", code.to_owned()), ("placement", place)];
        record_change(&mut transaction, actor, now, AuditAction::EnergySiteChanged, code, code, changes).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// A facility's whole energy site: settings, areas, lines, and every meter with its place.
    pub async fn energy_site_tree(&self, actor: &Actor, facility_id: FacilityId) -> Result<SiteTree, StoreError> {
        let site = self.energy_site(actor, facility_id).await?;
        let facility = facility_id.to_string();
        let organisation = actor.organisation_id.to_string();
        let area_rows = sqlx::query(
            "SELECT id, code, name FROM energy_areas WHERE facility_id = $1 AND organisation_id = $2 ORDER BY code",
        )
        .bind(&facility)
        .bind(&organisation)
        .fetch_all(&self.pools.reader)
        .await?;
        let areas = area_rows
            .iter()
            .map(|row| -> anyhow::Result<Area> {
                Ok(Area { id: row.text("id")?, code: row.text("code")?, name: row.text("name")? })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let line_rows = sqlx::query(
            "SELECT l.id, l.code, l.name, a.code AS area_code, l.product_sku, l.output_unit, l.product_id \
             FROM energy_lines l JOIN energy_areas a ON a.id = l.area_id \
             WHERE l.facility_id = $1 AND l.organisation_id = $2 ORDER BY l.code",
        )
        .bind(&facility)
        .bind(&organisation)
        .fetch_all(&self.pools.reader)
        .await?;
        let lines = line_rows
            .iter()
            .map(|row| -> anyhow::Result<EnergyLine> {
                Ok(EnergyLine {
                    id: row.text("id")?,
                    code: row.text("code")?,
                    name: row.text("name")?,
                    area_code: row.text("area_code")?,
                    product_sku: row.text("product_sku")?,
                    output_unit: row.text("output_unit")?,
                    product_id: row.optional_text("product_id")?,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let placement_rows = sqlx::query(
            "SELECT m.code AS meter_code, a.code AS area_code, l.code AS line_code, p.equipment, \
             p.served_product_sku, p.ct_ratio, p.pt_ratio, p.kwh_per_unit, p.rollover_value \
             FROM energy_meter_placements p JOIN energy_meters m ON m.id = p.meter_id \
             JOIN energy_areas a ON a.id = p.area_id LEFT JOIN energy_lines l ON l.id = p.line_id \
             WHERE m.facility_id = $1 AND p.organisation_id = $2",
        )
        .bind(&facility)
        .bind(&organisation)
        .fetch_all(&self.pools.reader)
        .await?;
        let mut placements: HashMap<String, MeterPlacement> = HashMap::new();
        for row in &placement_rows {
            let placement = placement_from_row(row)?;
            placements.insert(placement.meter_code.as_str().to_owned(), placement);
        }
        let meters = self
            .list_meters(actor)
            .await?
            .into_iter()
            .filter(|meter| meter.facility_id == facility_id)
            .map(|meter| {
                let placement = placements.remove(meter.code.as_str());
                PlacedMeter { meter, placement }
            })
            .collect();
        Ok(SiteTree { site, areas, lines, meters })
    }

    /// Stores production counts of a site's lines, idempotently: a count already stored with the same units is a
    /// duplicate, with other units a conflict (the stored count is kept). A count naming an unknown line refuses the
    /// whole batch.
    pub async fn record_production(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        source: ReadingSource,
        counts: &[NewProduction],
    ) -> Result<ProductionOutcome, ProductionError> {
        actor.require(Permission::EditEnergy).map_err(StoreError::from)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        require_site(&mut transaction, actor.organisation_id, facility_id).await?;
        let outcome =
            insert_production(&mut transaction, actor.organisation_id, facility_id, source, now, counts).await?;
        if outcome.n_accepted > 0 {
            bump_data_version(&mut transaction, facility_id).await?;
            let facility = facility_id.to_string();
            let changes = vec![("rows", outcome.n_accepted.to_string())];
            record_change(
                &mut transaction,
                actor,
                now,
                AuditAction::EnergyProductionRecorded,
                &facility,
                &facility,
                changes,
            )
            .await?;
        }
        transaction.commit().await?;
        Ok(outcome)
    }

    /// A site's production counts with `first <= day <= last`, by line and day.
    pub async fn production_counts(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        period: DayRange,
    ) -> Result<Vec<ProductionCount>, StoreError> {
        // Another tenant's facility, or one without a site, is not found.
        self.energy_site(actor, facility_id).await?;
        let rows = sqlx::query(
            "SELECT l.code AS line_code, p.day, p.sku, p.units, p.source, p.source_reference \
             FROM energy_production p JOIN energy_lines l ON l.id = p.line_id \
             WHERE l.facility_id = $1 AND p.organisation_id = $2 AND p.day >= $3 AND p.day <= $4 \
             ORDER BY l.code, p.day, p.sku",
        )
        .bind(facility_id.to_string())
        .bind(actor.organisation_id.to_string())
        .bind(period.first.to_string())
        .bind(period.last.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        rows.iter()
            .map(|row| -> anyhow::Result<ProductionCount> {
                Ok(ProductionCount {
                    line_code: row.text("line_code")?,
                    day: date_from_db(&row.text("day")?)?,
                    sku: row.text("sku")?,
                    units: row.try_get("units")?,
                    source: row.text("source")?,
                    source_reference: row.text("source_reference")?,
                })
            })
            .collect::<anyhow::Result<_>>()
            .map_err(StoreError::from)
    }

    /// Records an energy-saving measure on a line of a site.
    pub async fn record_measure(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        measure: &NewMeasure,
    ) -> Result<Measure, StoreError> {
        actor.require(Permission::EditEnergy)?;
        measure.check().map_err(first_error)?;
        let now = self.now();
        let id = new_id().to_string();
        let mut transaction = self.pools.begin_write().await?;
        require_site(&mut transaction, actor.organisation_id, facility_id).await?;
        let line = require_part(&mut transaction, SitePart::Line, facility_id, &measure.line_code, "line").await?;
        let meter = match &measure.meter_code {
            Some(code) => {
                let facility = facility_id.to_string();
                let sql = "SELECT id FROM energy_meters WHERE facility_id = $1 AND code = $2";
                let found = lookup_id(&mut transaction, sql, &[&facility, code.as_str()]).await?;
                Some(found.ok_or_else(|| invalid("meter", "the code of a meter of this site"))?)
            }
            None => None,
        };
        // An absent expected saving is written as NULL, not bound: sqlx's `Any` driver binds an absent `f64` as a
        // PostgreSQL `float4` NULL, and PostgreSQL keeps the parameter types of a statement's first execution, so a
        // later present saving would be sent to a `float4` parameter (see `upsert_placement`).
        let saving_slot = if measure.expected_saving_kwh_per_year.is_some() { "$14" } else { "NULL" };
        let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO energy_measures (id, organisation_id, facility_id, line_id, meter_id, description, \
             implemented_on, baseline_first, baseline_last, reporting_first, reporting_last, \
             recorded_at, recorded_by, expected_saving_kwh_per_year) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, {saving_slot})"
        )))
        .bind(&id)
        .bind(actor.organisation_id.to_string())
        .bind(facility_id.to_string())
        .bind(&line)
        .bind(meter)
        .bind(&measure.description)
        .bind(measure.implemented_on.to_string())
        .bind(measure.baseline.first.to_string())
        .bind(measure.baseline.last.to_string())
        .bind(measure.reporting.first.to_string())
        .bind(measure.reporting.last.to_string())
        .bind(time_to_db(now))
        .bind(actor.user_id.to_string());
        if let Some(saving) = measure.expected_saving_kwh_per_year {
            query = query.bind(saving);
        }
        query.execute(&mut *transaction).await?;
        let changes = vec![
            ("code", measure.line_code.clone()),
            ("reason", measure.description.clone()),
            ("implemented_on", measure.implemented_on.to_string()),
        ];
        record_change(
            &mut transaction,
            actor,
            now,
            AuditAction::EnergyMeasureRecorded,
            &id,
            &measure.line_code,
            changes,
        )
        .await?;
        transaction.commit().await?;
        self.measure(actor, &id).await
    }

    /// One measure of the actor's organisation.
    pub async fn measure(&self, actor: &Actor, measure_id: &str) -> Result<Measure, StoreError> {
        actor.require(Permission::ViewEnergy)?;
        let row =
            sqlx::query(sqlx::AssertSqlSafe(format!("{MEASURE_SELECT} WHERE x.id = $1 AND x.organisation_id = $2")))
                .bind(measure_id)
                .bind(actor.organisation_id.to_string())
                .fetch_optional(&self.pools.reader)
                .await?
                .ok_or(StoreError::NotFound)?;
        Ok(measure_from_row(&row)?)
    }

    /// A site's measures, newest implementation first.
    pub async fn list_measures(&self, actor: &Actor, facility_id: FacilityId) -> Result<Vec<Measure>, StoreError> {
        // Another tenant's facility, or one without a site, is not found.
        self.energy_site(actor, facility_id).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{MEASURE_SELECT} WHERE x.facility_id = $1 AND x.organisation_id = $2 \
             ORDER BY x.implemented_on DESC, x.recorded_at DESC"
        )))
        .bind(facility_id.to_string())
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.iter().map(measure_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// A measure with its verified saving (IPMVP Option B on the line's stored data: the baseline model fitted on
    /// the baseline period, applied to the reporting period's production, minus the measured energy, with the
    /// ASHRAE Guideline 14 uncertainty at 90 % confidence).
    pub async fn measure_with_saving(&self, actor: &Actor, measure_id: &str) -> Result<MeasureWithSaving, StoreError> {
        let measure = self.measure(actor, measure_id).await?;
        let period = DayRange { first: measure.baseline.first, last: measure.reporting.last };
        let input = self.energy_analysis_input(actor, measure.facility_id, period).await?;
        let verification = tanji_energy::measure::verify_with_weather(
            &input.site,
            &input.readings,
            &input.production,
            input.weather.as_ref(),
            &measure.line_code,
            &AnalysisOptions { baseline: Some(measure.baseline), reporting: Some(measure.reporting), confidence: 0.9 },
        );
        Ok(MeasureWithSaving { measure, verification })
    }

    /// The inputs of `tanji_energy::analyze` for a facility's site over `period` (local days, inclusive), built
    /// from the hourly roll-ups and the production counts (see the module documentation for why roll-ups).
    pub async fn energy_analysis_input(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        period: DayRange,
    ) -> Result<AnalysisInput, StoreError> {
        let tree = self.energy_site_tree(actor, facility_id).await?;
        let settings = &tree.site.settings;
        let offset_seconds = settings.utc_offset_minutes * 60;
        let offset = jiff::tz::Offset::from_seconds(offset_seconds).map_err(anyhow::Error::from)?;
        let start = offset
            .to_timestamp(period.first.to_datetime(jiff::civil::Time::midnight()))
            .map_err(anyhow::Error::from)?;
        let end_day = period.last.tomorrow().map_err(anyhow::Error::from)?;
        let end =
            offset.to_timestamp(end_day.to_datetime(jiff::civil::Time::midnight())).map_err(anyhow::Error::from)?;

        let mut meters = Vec::new();
        let mut meters_left_out = Vec::new();
        let mut analysed: HashMap<String, RegisterType> = HashMap::new();
        for placed in &tree.meters {
            let (Some(placement), Some(unit)) = (&placed.placement, model_unit(&placed.meter.unit)) else {
                meters_left_out.push(placed.meter.code.clone());
                continue;
            };
            let Some(line) = &placement.line_code else {
                meters_left_out.push(placed.meter.code.clone());
                continue;
            };
            let kind = model_meter_kind(placed.meter.kind);
            let kwh_per_unit =
                if kind.is_energy() { unit.exact_kwh_per_unit().or(placement.kwh_per_unit) } else { None };
            if kind.is_energy() && kwh_per_unit.is_none() {
                meters_left_out.push(placed.meter.code.clone());
                continue;
            }
            analysed.insert(placed.meter.code.as_str().to_owned(), placed.meter.register_type);
            meters.push(site_model::Meter {
                id: placed.meter.code.as_str().to_owned(),
                line: line.clone(),
                kind,
                serves: placement.equipment,
                unit,
                register: match placed.meter.register_type {
                    RegisterType::Interval => site_model::Register::Interval,
                    RegisterType::Cumulative => site_model::Register::Cumulative { rollover_value: None },
                },
                ct_ratio: 1.0,
                pt_ratio: 1.0,
                multiplier: 1.0,
                kwh_per_unit,
            });
        }
        let site = site_model::Site {
            name: settings.name.clone(),
            utc_offset_seconds: offset_seconds,
            interval_minutes: 60,
            areas: tree
                .areas
                .iter()
                .map(|area| site_model::Area { id: area.code.clone(), name: area.name.clone() })
                .collect(),
            lines: tree
                .lines
                .iter()
                .map(|line| site_model::Line {
                    id: line.code.clone(),
                    name: line.name.clone(),
                    area: line.area_code.clone(),
                    product_sku: line.product_sku.clone(),
                    output_unit: line.output_unit.clone(),
                })
                .collect(),
            meters,
            grid_factor: site_model::GridFactor {
                t_co2e_per_mwh: settings.grid_factor.t_co2e_per_mwh,
                source: settings.grid_factor.source.clone(),
                factor_id: settings.grid_factor.factor_id.clone(),
            },
            tariff: settings
                .tariff
                .as_ref()
                .map(|tariff| site_model::Tariff { cny_per_kwh: tariff.cny_per_kwh, source: tariff.source.clone() }),
        };

        // One query for every meter of the facility: hourly roll-ups in the period, by meter and hour.
        let rows = sqlx::query(
            "SELECT m.code, r.bucket_start, r.consumption, r.n_negative_deltas FROM energy_rollups r \
             JOIN energy_meters m ON m.id = r.meter_id \
             WHERE m.organisation_id = $1 AND m.facility_id = $2 AND r.grain = $3 \
             AND r.bucket_start >= $4 AND r.bucket_start < $5 ORDER BY m.code, r.bucket_start",
        )
        .bind(actor.organisation_id.to_string())
        .bind(facility_id.to_string())
        .bind(RollupGrain::Hour.as_str())
        .bind(time_to_db(start))
        .bind(time_to_db(end))
        .fetch_all(&self.pools.reader)
        .await?;
        let n_hourly_rollups = rows.len();
        let mut n_negative_deltas = 0;
        let mut hourly: BTreeMap<String, Vec<(i64, f64)>> = BTreeMap::new();
        for row in &rows {
            let code = row.text("code")?;
            if !analysed.contains_key(&code) {
                continue;
            }
            n_negative_deltas += row.integer("n_negative_deltas")?;
            let bucket_start = row.time("bucket_start")?.as_second();
            hourly.entry(code).or_default().push((bucket_start, row.try_get::<f64, _>("consumption")?));
        }
        let mut readings: HashMap<String, Vec<RawReading>> = HashMap::with_capacity(hourly.len());
        for (code, hours) in hourly {
            let cumulative = analysed.get(&code) == Some(&RegisterType::Cumulative);
            let mut series = Vec::with_capacity(hours.len() + 1);
            let mut total = 0.0;
            for (row, (bucket_start, consumption)) in hours.into_iter().enumerate() {
                if cumulative {
                    // A register again, rebuilt from the hourly consumption: the cleaning spreads an hour that holds
                    // several hours' consumption (readings missing before it) over the gap, and flags upward spikes
                    // without changing the total — as it treats a register read from a file.
                    if row == 0 {
                        series.push(RawReading { time_s: bucket_start, value: 0.0, row: 0 });
                    }
                    total += consumption;
                    series.push(RawReading { time_s: bucket_start + 3600, value: total, row: row + 1 });
                } else {
                    series.push(RawReading { time_s: bucket_start + 3600, value: consumption, row: row + 1 });
                }
            }
            readings.insert(code, series);
        }
        let production = self
            .production_counts(actor, facility_id, period)
            .await?
            .into_iter()
            .enumerate()
            .map(|(row, count)| ProductionRecord {
                line: count.line_code,
                sku: count.sku,
                day: count.day,
                units: count.units,
                row: row + 1,
            })
            .collect();
        let weather = self.energy_weather(actor, facility_id, period).await?;
        Ok(AnalysisInput {
            site,
            readings,
            production,
            period,
            n_hourly_rollups,
            n_negative_deltas,
            meters_left_out,
            weather,
        })
    }

    /// Imports a whole site — settings, areas, lines, meters and their places, readings, production — into a
    /// facility in ONE transaction: all of it or nothing. Re-importing the same files changes nothing (every
    /// reading and count is then a duplicate).
    pub async fn import_energy_site(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        import: &SiteImport,
    ) -> Result<SiteImportOutcome, SiteImportError> {
        actor.require(Permission::EditEnergy).map_err(StoreError::from)?;
        let site = &import.site;
        let settings = SiteSettings {
            name: site.name.clone(),
            utc_offset_minutes: site.utc_offset_seconds / 60,
            interval_minutes: site.interval_minutes,
            grid_factor: RecordedGridFactor {
                factor_id: site.grid_factor.factor_id.clone(),
                t_co2e_per_mwh: site.grid_factor.t_co2e_per_mwh,
                source: site.grid_factor.source.clone(),
            },
            tariff: site
                .tariff
                .as_ref()
                .map(|tariff| RecordedTariff { cny_per_kwh: tariff.cny_per_kwh, source: tariff.source.clone() }),
        };
        settings.check().map_err(first_error)?;
        let now = self.now();
        let now_text = time_to_db(now);
        let mut transaction = self.pools.begin_write().await?;
        require_facility(&mut transaction, actor.organisation_id, facility_id).await?;
        check_chinese_sources(&import.sources_zh).map_err(first_error)?;
        upsert_site(&mut transaction, actor, now, facility_id, &settings, &import.sources_zh).await?;
        let mut outcome = SiteImportOutcome::default();
        for area in &site.areas {
            let input = AreaInput {
                code: parse_code("areas.id", &area.id)?,
                name: single_line_text("areas.name", &area.name, 200)?,
            };
            upsert_area(&mut transaction, actor.organisation_id, facility_id, &input).await?;
            outcome.n_areas += 1;
        }
        for line in &site.lines {
            let input = LineInput {
                code: line.id.clone(),
                name: line.name.clone(),
                area_code: line.area.clone(),
                product_sku: line.product_sku.clone(),
                output_unit: line.output_unit.clone(),
                product_id: None,
            };
            input.check().map_err(first_error)?;
            upsert_line(&mut transaction, actor.organisation_id, facility_id, &input).await?;
            outcome.n_lines += 1;
        }
        let area_of_line: HashMap<&str, &str> =
            site.lines.iter().map(|line| (line.id.as_str(), line.area.as_str())).collect();
        for meter in &site.meters {
            let (register_type, rollover_value) = match meter.register {
                site_model::Register::Interval => (RegisterType::Interval, None),
                site_model::Register::Cumulative { rollover_value } => (RegisterType::Cumulative, rollover_value),
            };
            let new = NewMeter {
                facility_id,
                code: MeterCode::parse("meters.id", &meter.id)?,
                name: meter.id.clone(),
                kind: store_meter_kind(meter.kind),
                unit: meter.unit.symbol().to_owned(),
                register_type,
                multiplier: meter.register_factor(),
                utc_offset_minutes: settings.utc_offset_minutes,
            };
            let existing = sqlx::query(
                "SELECT facility_id, kind, unit, register_type, multiplier, utc_offset_minutes FROM energy_meters \
                 WHERE organisation_id = $1 AND code = $2",
            )
            .bind(actor.organisation_id.to_string())
            .bind(new.code.as_str())
            .fetch_optional(&mut *transaction)
            .await?;
            match existing {
                Some(row) => {
                    let differs = |field: &'static str, same: bool| {
                        if same {
                            Ok(())
                        } else {
                            Err(SiteImportError::MeterRedefined { meter: meter.id.clone(), field })
                        }
                    };
                    let row_facility: String = row.try_get("facility_id")?;
                    differs("facility", row_facility == facility_id.to_string())?;
                    differs("kind", row.try_get::<String, _>("kind")? == new.kind.as_str())?;
                    differs("unit", row.try_get::<String, _>("unit")? == new.unit)?;
                    differs("register", row.try_get::<String, _>("register_type")? == new.register_type.as_str())?;
                    let multiplier: f64 = row.try_get("multiplier")?;
                    differs("multiplier", (multiplier - new.multiplier).abs() <= 1e-12 * new.multiplier.abs())?;
                    let offset: i64 = row.try_get("utc_offset_minutes")?;
                    differs("utc_offset", offset == i64::from(new.utc_offset_minutes))?;
                }
                None => {
                    crate::energy::insert_meter(&mut transaction, actor, now, &new).await?;
                    outcome.n_meters_registered += 1;
                }
            }
            let placement = MeterPlacement {
                meter_code: new.code.clone(),
                area_code: area_of_line.get(meter.line.as_str()).map(|area| (*area).to_owned()).unwrap_or_default(),
                line_code: Some(meter.line.clone()),
                equipment: meter.serves,
                served_product_sku: None,
                ct_ratio: meter.ct_ratio,
                pt_ratio: meter.pt_ratio,
                kwh_per_unit: meter.kwh_per_unit,
                rollover_value,
            };
            upsert_placement(&mut transaction, actor.organisation_id, facility_id, &placement).await?;
            outcome.n_meters += 1;
        }
        for (meter, parent) in &import.parents {
            // Both are meters of the file, registered and placed above; the reader checked carrier and loops.
            sqlx::query(
                "UPDATE energy_meter_placements SET parent_meter_id = \
                 (SELECT id FROM energy_meters WHERE organisation_id = $1 AND code = $2) \
                 WHERE meter_id = (SELECT id FROM energy_meters WHERE organisation_id = $1 AND code = $3)",
            )
            .bind(actor.organisation_id.to_string())
            .bind(parent)
            .bind(meter)
            .execute(&mut *transaction)
            .await?;
        }
        outcome.readings =
            ingest_in(&mut transaction, &now_text, actor.organisation_id, ReadingSource::Csv, &import.readings)
                .await
                .map_err(SiteImportError::Readings)?;
        outcome.production = insert_production(
            &mut transaction,
            actor.organisation_id,
            facility_id,
            ReadingSource::Csv,
            now,
            &import.production,
        )
        .await
        .map_err(SiteImportError::Production)?;
        if let Some((weather, weather_file)) = &import.weather {
            crate::energy_weather::check_weather(weather)?;
            outcome.weather = Some(
                crate::energy_weather::save_weather_in(
                    &mut transaction,
                    actor,
                    now,
                    facility_id,
                    weather,
                    weather_file,
                )
                .await?,
            );
        }
        let facility = facility_id.to_string();
        let changes = vec![
            ("file", import.file.clone()),
            ("rows", (outcome.readings.n_accepted + outcome.production.n_accepted).to_string()),
        ];
        record_change(&mut transaction, actor, now, AuditAction::EnergySiteChanged, &facility, &site.name, changes)
            .await?;
        bump_data_version(&mut transaction, facility_id).await?;
        transaction.commit().await?;
        Ok(outcome)
    }
}

fn placement_from_row(row: &AnyRow) -> anyhow::Result<MeterPlacement> {
    Ok(MeterPlacement {
        meter_code: MeterCode::parse("meter", &row.text("meter_code")?)?,
        area_code: row.text("area_code")?,
        line_code: row.optional_text("line_code")?,
        equipment: parse_equipment("equipment", &row.text("equipment")?)?,
        served_product_sku: row.optional_text("served_product_sku")?,
        ct_ratio: row.try_get("ct_ratio")?,
        pt_ratio: row.try_get("pt_ratio")?,
        kwh_per_unit: row.try_get("kwh_per_unit")?,
        rollover_value: row.try_get("rollover_value")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equipment_names_round_trip() {
        for name in Equipment::NAMES {
            assert_eq!(equipment_name(parse_equipment("equipment", name).unwrap()), name);
        }
        assert_eq!(parse_equipment("equipment", "toaster").unwrap_err().field, "equipment");
    }

    #[test]
    fn a_measure_s_periods_must_surround_its_day() {
        let day = |text: &str| text.parse::<Date>().unwrap();
        let measure = NewMeasure {
            line_code: "L2".into(),
            meter_code: None,
            description: "Heater set-point lowered".into(),
            implemented_on: day("2026-01-01"),
            baseline: DayRange { first: day("2025-01-01"), last: day("2026-01-01") },
            reporting: DayRange { first: day("2025-12-01"), last: day("2026-03-31") },
            expected_saving_kwh_per_year: None,
        };
        let fields: Vec<&str> = measure.check().unwrap_err().iter().map(|error| error.field).collect();
        assert_eq!(fields, ["baseline_last", "reporting_first"]);
    }
}
