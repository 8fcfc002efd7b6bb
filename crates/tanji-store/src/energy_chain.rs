//! The one chain in the store (SPEC.md §3, issue 9): stored meter data handed over without re-typing a number.
//!
//! * [`Store::set_measured_energy`]: a product model's production-stage electricity input takes its amount from the
//!   measured kWh per unit of every stored line that made the SKU in a period (total kWh over total units, each line
//!   weighed by its output), with each line, its meters and output as its provenance; the model is saved as a new
//!   version (the footprint computed from it then counts the exchange as primary data).
//! * [`Store::record_metered_energy`]: a facility's metered energy per month becomes inventory activity records
//!   (data source `meter`, the meter codes as evidence) through the one activity import; handing the same months over
//!   again replaces the metered records instead of adding to them.
//!
//! * [`Store::set_parent_meter`]: the sub-metering tree: a meter's upstream meter (上级表), such as the main incomer
//!   above a line's meters. The facility's metered totals count only the meters at the top of each tree, so the
//!   inventory counts each kWh once while the sub-meters stay the evidence for lines and products.
//!
//! The intensities read the facility's analysis input (`Store::energy_analysis_input`, hourly roll-ups), the totals
//! the hourly roll-ups of the top meters, and the pure `tanji_energy::handover` computes; nothing here does
//! arithmetic on energy.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use tanji_energy::analysis::DayRange;
use tanji_energy::cleaning::RawReading;
use tanji_energy::handover::{
    HandoverError, InventoryHandover, LineIntensity, ParentProblem, ProductIntensity, activity_key, activity_rows,
    check_parent, complete_months, is_bought_energy, line_intensity, monthly_energy, product_intensity, top_meter,
};
use tanji_energy::model::{MeterKind, MeterUnit};
use tanji_energy::supersede::{ElectricityChoice, ElectricityMonth, settle_electricity};
use tanji_footprint::{MeasuredAmount, MeasuredLine, Stage};
use tanji_ghg::bundled::{fuel_parameters, gwp_table};
use tanji_inventory::import::check_with_reference;
use tanji_tenancy::validation::Problem;
use tanji_tenancy::{Actor, FacilityId, FieldError, Permission};

use crate::energy::{MeterCode, RollupGrain};
use crate::energy_site::{model_meter_kind, model_unit, record_change, require_site};
use crate::{ModelVersion, Store, StoreError};
use tanji_tenancy::audit::AuditAction;

/// Which energy input of which process takes the measured amount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeasuredEnergyTarget {
    /// The product.
    pub product_id: String,
    /// The id of a production-stage process of its model.
    pub process_id: String,
    /// The index of the process's electricity input among its `factors`; the first one in kWh or MWh when `None`.
    pub factor_index: Option<usize>,
}

/// What [`Store::record_metered_energy`] wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct MeteredEnergyOutcome {
    /// Activity records written (one per month and carrier).
    pub n_records: usize,
    /// Of them, records that replaced the same month's earlier metered record.
    pub n_replaced: usize,
    /// Months and carriers not written for want of a method (steam without a factor).
    pub left_out: Vec<(String, MeterKind)>,
    /// Months and carriers not written because a counted meter misses intervals of the month (or the period cuts
    /// it): a metered month outranks a monthly report in the inventory, so it must cover the whole month.
    pub incomplete: Vec<(String, MeterKind)>,
    /// The record keys written.
    pub keys: Vec<String>,
    /// Every metered month of electricity: the records it superseded and where its grid factor, market factor and
    /// instrument coverage came from (stated, inherited from which record, or the site's grid factor).
    pub electricity_months: Vec<ElectricityMonth>,
}

/// What a handover would write: the rows and what is said about them.
struct MeteredEnergyPlan {
    /// The key prefix of the facility's metered records (replaced, not refused, when written again).
    prefix: String,
    /// The "file" the rows are recorded as, which names them in row errors.
    file_name: String,
    rows: Vec<tanji_inventory::ActivityRow>,
    keys: Vec<String>,
    left_out: Vec<(String, MeterKind)>,
    incomplete: Vec<(String, MeterKind)>,
    electricity_months: Vec<ElectricityMonth>,
}

/// Emissions and electricity of an inventory, or of some of its lines: what a preview compares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct InventoryFigures {
    /// Purchased electricity counted, kWh (of the lines compared; of a whole inventory, every counted line's).
    pub electricity_kwh: f64,
    /// Location-based emissions, kg CO2e.
    pub location_kg: f64,
    /// Market-based emissions, kg CO2e.
    pub market_kg: f64,
}

impl InventoryFigures {
    fn of_totals(totals: &tanji_inventory::Totals) -> Self {
        InventoryFigures {
            electricity_kwh: 0.0,
            location_kg: totals.total_location_kg,
            market_kg: totals.total_market_kg,
        }
    }

    /// The counted lines of `records` (kWh of electricity only in kWh or MWh).
    fn of_lines(inventory: &tanji_inventory::Inventory, records: &[&str]) -> Self {
        let mut figures = InventoryFigures::default();
        for line in inventory.lines.iter().filter(|line| {
            line.status == tanji_inventory::LineStatus::Counted && records.contains(&line.record_id.as_str())
        }) {
            figures.location_kg += line.co2e_kg;
            figures.market_kg += line.market_based_co2e_kg.unwrap_or(line.co2e_kg);
            if let Some(quantity) = &line.quantity {
                figures.electricity_kwh += match quantity.unit.symbol() {
                    "kWh" => quantity.value * line.period_share,
                    "MWh" => quantity.value * 1000.0 * line.period_share,
                    _ => 0.0,
                };
            }
        }
        figures
    }
}

/// One metered month's effect on the inventory: its record and the records it supersedes, counted before and after.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonthEffect {
    /// The month, `2025-03`.
    pub month: String,
    /// Before the handover.
    pub before: InventoryFigures,
    /// After it.
    pub after: InventoryFigures,
}

/// The first and last day of a month written `2025-03`.
fn month_bounds(month: &str) -> Option<(jiff::civil::Date, jiff::civil::Date)> {
    let first: jiff::civil::Date = format!("{month}-01").parse().ok()?;
    Some((first, first.last_of_month()))
}

/// A superseded record whose period spans more than one metered month (a yearly report), before and after.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpanningEffect {
    /// The record's key.
    pub record: String,
    /// Its data source.
    pub data_source: tanji_inventory::DataSourceKind,
    /// Its first day.
    pub period_start: jiff::civil::Date,
    /// Its last day.
    pub period_end: jiff::civil::Date,
    /// Before the handover.
    pub before: InventoryFigures,
    /// After it.
    pub after: InventoryFigures,
}

/// A year's inventory totals before and after a handover.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct YearEffect {
    /// The reporting year.
    pub year: i16,
    /// The GWP set the totals are calculated with (that of the year's latest inventory version, else AR5).
    pub gwp_set: tanji_ghg::GwpSet,
    /// The consolidation approach (that of the year's latest version, else operational control).
    pub consolidation: tanji_inventory::ConsolidationApproach,
    /// Before the handover (electricity not summed: `electricity_kwh` is 0).
    pub before: InventoryFigures,
    /// After it.
    pub after: InventoryFigures,
}

/// What a handover would do, shown before the user confirms it: nothing is written.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MeteredEnergyPreview {
    /// Activity records it would write.
    pub n_records: usize,
    /// Of them, records that would replace the same month's earlier metered record.
    pub n_replacing: usize,
    /// Their keys.
    pub keys: Vec<String>,
    /// Months and carriers it would leave out for want of a method.
    pub left_out: Vec<(String, MeterKind)>,
    /// Months and carriers not fully metered.
    pub incomplete: Vec<(String, MeterKind)>,
    /// Every metered month of electricity, with what it supersedes and where its settings come from.
    pub electricity_months: Vec<ElectricityMonth>,
    /// Each electricity month's records before and after: the month's metered record and the records of that month
    /// alone it supersedes.
    pub months: Vec<MonthEffect>,
    /// Superseded records whose period is longer than a month (a yearly report): each is its own row, counted in no
    /// single month (its whole figure would otherwise show as the first month's).
    pub spanning: Vec<SpanningEffect>,
    /// Each year's inventory totals before and after.
    pub years: Vec<YearEffect>,
}

/// How metered energy is calculated in the inventory, beyond the site's own grid factor.
#[derive(Clone, Debug, PartialEq)]
pub struct MeteredEnergyMethods {
    /// The emission point the facility's meters sum to (default: the site's name).
    pub emission_point: Option<String>,
    /// Default fuel parameters for natural gas.
    pub natural_gas_parameters: Option<String>,
    /// The factor for purchased steam.
    pub steam_factor: Option<String>,
    /// Electricity's grid factor, market factor and instrument coverage; each one not stated is inherited from the
    /// record a metered month supersedes (see [`tanji_energy::supersede`]).
    pub electricity: ElectricityChoice,
}

impl Default for MeteredEnergyMethods {
    fn default() -> Self {
        MeteredEnergyMethods {
            emission_point: None,
            natural_gas_parameters: Some("ipcc-2006-ncv-cc-natural-gas".to_owned()),
            steam_factor: None,
            electricity: ElectricityChoice::default(),
        }
    }
}

/// A placed meter's part in the facility's metered totals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MeterInTotals {
    /// The meter's code.
    pub meter: String,
    /// What it measures.
    pub kind: MeterKind,
    /// Its upstream meter, when it is a sub-meter.
    pub parent: Option<String>,
    /// The meter at the top of its tree, whose energy includes it (itself at the top).
    pub top: String,
    /// Whether its energy counts in the facility's totals: at the top of its tree, and energy bought or burnt.
    pub counts: bool,
}

/// Why a meter's upstream meter was not recorded.
#[derive(Debug)]
pub enum ParentMeterError {
    /// Refused for the meter (`field` `meter`) or the upstream meter asked for (`parent`): a code with parameters,
    /// said in the reader's language by `tanji-i18n`.
    Refused {
        /// `meter` or `parent`.
        field: &'static str,
        /// What is wrong.
        problem: ParentProblem,
    },
    /// Denied, not found (another tenant's facility), or a storage failure.
    Store(StoreError),
}

impl From<StoreError> for ParentMeterError {
    fn from(error: StoreError) -> Self {
        ParentMeterError::Store(error)
    }
}

fn handover_error(error: HandoverError) -> StoreError {
    match error {
        // A line of another site (or of nobody) is as unknown as another tenant's object.
        HandoverError::UnknownLine { .. } => StoreError::NotFound,
        HandoverError::NoEnergyData { .. } => StoreError::Invalid(FieldError::new(
            "period",
            Problem::Malformed { expected: "a period in which the line's meters have readings" },
        )),
        HandoverError::NoOutput { .. } => StoreError::Invalid(FieldError::new(
            "period",
            Problem::Malformed { expected: "a period in which the line has recorded output" },
        )),
        HandoverError::NoMeteredOutput { .. } => StoreError::Invalid(FieldError::new(
            "sku",
            Problem::Malformed { expected: "a SKU that lines with meter readings made in the period" },
        )),
        HandoverError::EmptyPeriod { .. } => StoreError::Invalid(FieldError::new(
            "period",
            Problem::Malformed { expected: "a period whose last day is not before its first" },
        )),
    }
}

fn electricity_of(intensity: &LineIntensity) -> (f64, Vec<String>, usize, f64) {
    let meters: Vec<&tanji_energy::handover::MeterEvidence> =
        intensity.meters.iter().filter(|meter| meter.kind == MeterKind::Electricity).collect();
    let (n_intervals, n_estimated) =
        meters.iter().fold((0, 0), |sum, meter| (sum.0 + meter.n_intervals, sum.1 + meter.n_estimated));
    let energy_kwh = intensity
        .carriers
        .iter()
        .filter(|carrier| carrier.carrier.kind == MeterKind::Electricity)
        .filter_map(|carrier| carrier.carrier.energy_kwh)
        .sum();
    (
        energy_kwh,
        meters.iter().map(|meter| meter.meter.clone()).collect(),
        meters.iter().map(|meter| meter.n_readings).sum(),
        if n_intervals > 0 { 100.0 * n_estimated as f64 / n_intervals as f64 } else { 0.0 },
    )
}

/// The footprint's record of a product's measured electricity per unit, with each line's part.
pub fn measured_electricity(intensity: &ProductIntensity, per_run_units: f64) -> MeasuredAmount {
    let lines: Vec<MeasuredLine> = intensity
        .lines
        .iter()
        .map(|share| {
            let (energy_kwh, meters, n_readings, estimated_percent) = electricity_of(&share.intensity);
            MeasuredLine {
                line: share.intensity.line.clone(),
                line_name: share.intensity.line_name.clone(),
                production_units: share.intensity.production_units,
                energy_kwh,
                kwh_per_unit: share.intensity.kwh_per_unit_of(MeterKind::Electricity),
                output_share: share.output_share,
                allocated_share: share.allocated_share,
                n_days: share.intensity.n_days_with_data,
                meters,
                n_readings,
                estimated_percent,
            }
        })
        .collect();
    let (n_intervals, n_estimated) = intensity
        .lines
        .iter()
        .flat_map(|share| &share.intensity.meters)
        .filter(|meter| meter.kind == MeterKind::Electricity)
        .fold((0, 0), |sum, meter| (sum.0 + meter.n_intervals, sum.1 + meter.n_estimated));
    MeasuredAmount {
        facility: intensity.site.clone(),
        line: lines.iter().map(|line| line.line.as_str()).collect::<Vec<_>>().join(", "),
        line_name: String::new(),
        period_start: intensity.period.first.to_string(),
        period_end: intensity.period.last.to_string(),
        carriers: vec!["electricity".to_owned()],
        kwh_per_unit: intensity.kwh_per_unit_of(MeterKind::Electricity),
        output_unit: intensity.output_unit.clone(),
        per_run_units,
        production_units: intensity.production_units,
        energy_kwh: lines.iter().map(|line| line.energy_kwh).sum(),
        n_days: intensity.lines.iter().map(|share| share.intensity.n_days_with_data).max().unwrap_or(0),
        meters: lines.iter().flat_map(|line| line.meters.iter().cloned()).collect(),
        n_readings: lines.iter().map(|line| line.n_readings).sum(),
        estimated_percent: if n_intervals > 0 { 100.0 * n_estimated as f64 / n_intervals as f64 } else { 0.0 },
        sku: intensity.sku.clone(),
        lines,
        unmetered_lines: intensity.unmetered_lines.clone(),
    }
}

impl Store {
    /// A line's measured energy per unit of output over `period`, from the facility's stored meters and production.
    pub async fn line_intensity(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        line_code: &str,
        period: DayRange,
    ) -> Result<LineIntensity, StoreError> {
        actor.require(Permission::ViewEnergy)?;
        if period.last < period.first {
            return Err(handover_error(HandoverError::EmptyPeriod { first: period.first, last: period.last }));
        }
        let input = self.energy_analysis_input(actor, facility_id, period).await?;
        line_intensity(&input.site, &input.readings, &input.production, line_code, period).map_err(handover_error)
    }

    /// A product's (SKU's) measured energy per unit over `period`, over every stored line that made it, each line
    /// weighed by its output.
    pub async fn product_intensity(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        sku: &str,
        period: DayRange,
    ) -> Result<ProductIntensity, StoreError> {
        actor.require(Permission::ViewEnergy)?;
        if period.last < period.first {
            return Err(handover_error(HandoverError::EmptyPeriod { first: period.first, last: period.last }));
        }
        let input = self.energy_analysis_input(actor, facility_id, period).await?;
        product_intensity(&input.site, &input.readings, &input.production, sku, period).map_err(handover_error)
    }

    /// Sets a product model's production-stage electricity input from the measured kWh per unit of `sku` over
    /// `period` — every stored line that made it, weighed by output — and saves the model as a new version: the
    /// amount becomes kWh/unit × the process's reference output per run, and the factor use carries each line, the
    /// period, meters and output as its measured origin (primary data). Needs permission to read energy data and to
    /// edit footprints.
    ///
    /// Needs permission to edit energy data (the handover is the energy engineer's act) and to edit footprints.
    pub async fn set_measured_energy(
        &self,
        actor: &Actor,
        target: &MeasuredEnergyTarget,
        facility_id: FacilityId,
        sku: &str,
        period: DayRange,
    ) -> Result<ModelVersion, StoreError> {
        actor.require(Permission::EditFootprints)?;
        actor.require(Permission::EditEnergy)?;
        let current = self.model_version(actor, &target.product_id, None).await?;
        let mut model = current.model;
        let process = model.processes.iter_mut().find(|process| process.id == target.process_id).ok_or(
            StoreError::Invalid(FieldError::new(
                "process",
                Problem::Malformed { expected: "the id of a process of the product's model" },
            )),
        )?;
        if process.stage != Stage::Production {
            return Err(StoreError::Invalid(FieldError::new(
                "process",
                Problem::Malformed { expected: "a production-stage process (the line makes the product there)" },
            )));
        }
        let is_electricity_unit = |unit: &str| matches!(unit.trim(), "kWh" | "MWh" | "万kWh");
        let factor_index = match target.factor_index {
            Some(index) if process.factors.get(index).is_some_and(|usage| is_electricity_unit(&usage.unit)) => index,
            Some(_) => {
                return Err(StoreError::Invalid(FieldError::new(
                    "factor_index",
                    Problem::Malformed { expected: "the index of one of the process's inputs in kWh or MWh" },
                )));
            }
            None => process.factors.iter().position(|usage| is_electricity_unit(&usage.unit)).ok_or(
                StoreError::Invalid(FieldError::new(
                    "process",
                    Problem::Malformed { expected: "a process with an electricity input (a factor use in kWh)" },
                )),
            )?,
        };
        let per_run_units = process.outputs.first().map_or(1.0, |output| output.amount);
        let intensity = self.product_intensity(actor, facility_id, sku, period).await?;
        let measured = measured_electricity(&intensity, per_run_units);
        if measured.kwh_per_unit <= 0.0 {
            return Err(StoreError::Invalid(FieldError::new(
                "sku",
                Problem::Malformed { expected: "a SKU made on lines with electricity meters" },
            )));
        }
        let usage = &mut process.factors[factor_index];
        usage.amount = measured.kwh_per_unit * per_run_units;
        usage.unit = "kWh".to_owned();
        usage.uncertainty = None;
        let note = format!(
            "用电量取自生产 {} 的产线（{}）的计量数据，按产量加权（{} 至 {}，{} kWh/{}）· electricity from the meters of \
             the lines that made {} ({}), weighed by output",
            measured.sku,
            measured.line,
            measured.period_start,
            measured.period_end,
            tanji_footprint::figure(measured.kwh_per_unit),
            measured.output_unit,
            measured.sku,
            measured.line
        );
        usage.measured = Some(measured);
        self.save_model(actor, &target.product_id, &model, &note).await
    }

    /// Records a facility's metered energy per month over `period` as inventory activity records (data source
    /// `meter`, the meter codes as evidence), all or none in one transaction. The records' keys are stable per
    /// facility, carrier and month, so handing the same months over again replaces them rather than counting them
    /// twice; records from other sources for the same emission point compete with them by the inventory's
    /// data-source priority, where the meter ranks first. A metered month of electricity takes its grid factor,
    /// market factor and instrument coverage from `methods`, else from the record it supersedes, else the site's grid
    /// factor, and the outcome says which for every month; coverage above the metered consumption is refused as the
    /// inventory import refuses it. Needs permission to edit energy data and the inventory.
    pub async fn record_metered_energy(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        period: DayRange,
        methods: &MeteredEnergyMethods,
    ) -> Result<MeteredEnergyOutcome, StoreError> {
        let plan = self.plan_metered_energy(actor, facility_id, period, methods).await?;
        let prefix = plan.prefix.clone();
        let (n_records, n_replaced) = self
            .record_activities_replacing(actor, Some(&plan.file_name), plan.rows, |key| key.starts_with(&prefix))
            .await?;
        Ok(MeteredEnergyOutcome {
            n_records,
            n_replaced,
            left_out: plan.left_out,
            incomplete: plan.incomplete,
            keys: plan.keys,
            electricity_months: plan.electricity_months,
        })
    }

    /// What [`Store::record_metered_energy`] would write, and its effect on the inventory of every year it touches
    /// (per month and in total, location- and market-based, before → after), without writing anything. The rows are
    /// checked as the write checks them: a preview of a handover that would be refused is refused the same way.
    pub async fn preview_metered_energy(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        period: DayRange,
        methods: &MeteredEnergyMethods,
    ) -> Result<MeteredEnergyPreview, StoreError> {
        let plan = self.plan_metered_energy(actor, facility_id, period, methods).await?;
        let library = self.factor_library_for(actor).await?;
        let facility = facility_id.to_string();
        let mut new_records = Vec::with_capacity(plan.rows.len());
        let mut errors = Vec::new();
        for (row_idx, row) in plan.rows.iter().enumerate() {
            // Numbered as the write numbers them: the header is row 1 of the handover's "file".
            let row_number = row_idx + 2;
            match row.clone().into_record(&plan.file_name, row_number) {
                Ok(mut record) => {
                    errors.extend(check_with_reference(
                        &plan.file_name,
                        row_number,
                        &record,
                        &library,
                        fuel_parameters(),
                        gwp_table(),
                    ));
                    record.id = row.id.clone();
                    record.facility = facility.clone();
                    new_records.push(record);
                }
                Err(row_errors) => errors.extend(row_errors),
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Rejected(errors));
        }
        let stored = self.activities(actor, None).await?;
        let n_replacing = stored.iter().filter(|activity| plan.keys.contains(&activity.record.id)).count();
        let before: Vec<tanji_inventory::ActivityRecord> = stored.into_iter().map(|activity| activity.record).collect();
        let mut after: Vec<tanji_inventory::ActivityRecord> =
            before.iter().filter(|record| !plan.keys.contains(&record.id)).cloned().collect();
        after.extend(new_records);
        let mut years: Vec<i16> = plan.rows.iter().filter_map(|row| row.period.get(..4)?.parse().ok()).collect();
        years.sort_unstable();
        years.dedup();
        let mut year_effects = Vec::new();
        let mut month_effects = Vec::new();
        let mut spanning: Vec<SpanningEffect> = Vec::new();
        for year in years {
            let settings = self.inventory_settings_of(actor, year).await?;
            let before_inventory = self.calculate_inventory(actor, before.clone(), year, settings).await?;
            let after_inventory = self.calculate_inventory(actor, after.clone(), year, settings).await?;
            year_effects.push(YearEffect {
                year,
                gwp_set: settings.0,
                consolidation: settings.1,
                before: InventoryFigures::of_totals(&before_inventory.totals),
                after: InventoryFigures::of_totals(&after_inventory.totals),
            });
            for month in plan.electricity_months.iter().filter(|month| month.month.starts_with(&format!("{year:04}"))) {
                let bounds = month_bounds(&month.month);
                let (within, longer): (Vec<_>, Vec<_>) = month.supersedes.iter().partition(|record| {
                    bounds.is_some_and(|(first, last)| first <= record.period_start && record.period_end <= last)
                });
                for record in longer {
                    if spanning.iter().any(|effect| effect.record == record.record) {
                        continue;
                    }
                    let records = [record.record.as_str()];
                    spanning.push(SpanningEffect {
                        record: record.record.clone(),
                        data_source: record.data_source,
                        period_start: record.period_start,
                        period_end: record.period_end,
                        before: InventoryFigures::of_lines(&before_inventory, &records),
                        after: InventoryFigures::of_lines(&after_inventory, &records),
                    });
                }
                let mut records: Vec<&str> = within.iter().map(|record| record.record.as_str()).collect();
                records.push(&month.record);
                month_effects.push(MonthEffect {
                    month: month.month.clone(),
                    before: InventoryFigures::of_lines(&before_inventory, &records),
                    after: InventoryFigures::of_lines(&after_inventory, &records),
                });
            }
        }
        Ok(MeteredEnergyPreview {
            n_records: plan.rows.len(),
            n_replacing,
            keys: plan.keys,
            left_out: plan.left_out,
            incomplete: plan.incomplete,
            electricity_months: plan.electricity_months,
            months: month_effects,
            spanning,
            years: year_effects,
        })
    }

    /// The rows a handover of `period` writes, with the notices of its electricity months.
    async fn plan_metered_energy(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        period: DayRange,
        methods: &MeteredEnergyMethods,
    ) -> Result<MeteredEnergyPlan, StoreError> {
        actor.require(Permission::EditInventory)?;
        actor.require(Permission::EditEnergy)?;
        if period.last < period.first {
            return Err(handover_error(HandoverError::EmptyPeriod { first: period.first, last: period.last }));
        }
        let (site, readings) = self.counted_meters_data(actor, facility_id, period).await?;
        let facility = self
            .facility_boundaries(actor)
            .await?
            .into_iter()
            .find(|facility| facility.facility_id == facility_id && !facility.archived)
            .ok_or(StoreError::NotFound)?;
        let facility_key = facility.code.clone().unwrap_or_else(|| facility.name.clone());
        let electricity_factor = match (&methods.electricity.factor, site.grid_factor.factor_id.clone()) {
            (_, Some(factor)) => factor,
            // A stated factor stands in for a site without one; without either, a month that supersedes nothing
            // would have no factor at all.
            (Some(factor), None) => factor.clone(),
            (None, None) => {
                return Err(StoreError::Invalid(FieldError::new(
                    "grid_factor",
                    Problem::Malformed { expected: "the energy site's grid factor id from the factor library" },
                )));
            }
        };
        let handover = InventoryHandover {
            facility: facility_key.clone(),
            emission_point: methods.emission_point.clone().unwrap_or_else(|| site.name.clone()),
            electricity_factor,
            natural_gas_parameters: methods.natural_gas_parameters.clone(),
            steam_factor: methods.steam_factor.clone(),
        };
        let (months, incomplete) = complete_months(monthly_energy(&site, &readings), &site, site.interval_seconds());
        let (mut rows, left_out) = activity_rows(&months, &handover);
        let existing: Vec<(tanji_inventory::ActivityRow, tanji_inventory::ActivityRecord)> = self
            .activities(actor, None)
            .await?
            .into_iter()
            .filter(|activity| activity.facility_id == facility_id)
            .map(|activity| (activity.row, activity.record))
            .collect();
        let electricity_months =
            settle_electricity(&mut rows, &existing, &facility_id.to_string(), &methods.electricity);
        let keys: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
        Ok(MeteredEnergyPlan {
            prefix: format!("meter:{facility_key}:"),
            file_name: format!("meters:{facility_key}:{}..{}", period.first, period.last),
            rows,
            keys,
            left_out,
            incomplete,
            electricity_months,
        })
    }

    /// The upstream meter of each meter of the facility that has one (meter code → upstream meter code).
    pub async fn meter_parents(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
    ) -> Result<BTreeMap<String, String>, StoreError> {
        actor.require(Permission::ViewEnergy)?;
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT m.code, p.code FROM energy_meter_placements x JOIN energy_meters m ON m.id = x.meter_id \
             JOIN energy_meters p ON p.id = x.parent_meter_id WHERE x.organisation_id = $1 AND m.facility_id = $2",
        )
        .bind(actor.organisation_id.to_string())
        .bind(facility_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.into_iter().collect())
    }

    /// Places a meter of the facility's site under an upstream meter (上级表) whose energy already includes it, or
    /// at the top of its own tree (`None`). Both must be placed in the site and measure the same carrier, and the
    /// tree must not loop. The facility's metered totals then count the upstream meter and not this one. Audited.
    pub async fn set_parent_meter(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        meter: &MeterCode,
        parent: Option<&MeterCode>,
    ) -> Result<(), ParentMeterError> {
        actor.require(Permission::EditEnergy).map_err(StoreError::from)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await.map_err(StoreError::from)?;
        require_site(&mut transaction, actor.organisation_id, facility_id).await?;
        let placed: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT m.id, m.code, m.kind, p.code FROM energy_meter_placements x \
             JOIN energy_meters m ON m.id = x.meter_id LEFT JOIN energy_meters p ON p.id = x.parent_meter_id \
             WHERE x.organisation_id = $1 AND m.facility_id = $2",
        )
        .bind(actor.organisation_id.to_string())
        .bind(facility_id.to_string())
        .fetch_all(&mut *transaction)
        .await
        .map_err(StoreError::from)?;
        let id_of = |code: &MeterCode, field: &'static str| {
            placed.iter().find(|(_, known, _, _)| known == code.as_str()).map(|(id, ..)| id.clone()).ok_or(
                ParentMeterError::Refused {
                    field,
                    problem: ParentProblem::NotPlaced { meter: code.as_str().to_owned() },
                },
            )
        };
        let meter_id = id_of(meter, "meter")?;
        match parent {
            Some(parent) => {
                let parent_id = id_of(parent, "parent")?;
                let kinds: BTreeMap<String, MeterKind> = placed
                    .iter()
                    .filter_map(|(_, code, kind, _)| {
                        crate::energy::MeterKind::parse("kind", kind)
                            .ok()
                            .map(|kind| (code.clone(), model_meter_kind(kind)))
                    })
                    .collect();
                let parents: BTreeMap<String, String> = placed
                    .iter()
                    .filter_map(|(_, code, _, parent)| parent.clone().map(|parent| (code.clone(), parent)))
                    .collect();
                check_parent(&kinds, &parents, meter.as_str(), parent.as_str())
                    .map_err(|problem| ParentMeterError::Refused { field: "parent", problem })?;
                sqlx::query("UPDATE energy_meter_placements SET parent_meter_id = $1 WHERE meter_id = $2")
                    .bind(parent_id)
                    .bind(&meter_id)
                    .execute(&mut *transaction)
                    .await
                    .map_err(StoreError::from)?;
            }
            None => {
                sqlx::query("UPDATE energy_meter_placements SET parent_meter_id = NULL WHERE meter_id = $1")
                    .bind(&meter_id)
                    .execute(&mut *transaction)
                    .await
                    .map_err(StoreError::from)?;
            }
        }
        let code = meter.as_str();
        let changes = vec![
            ("code", code.to_owned()),
            ("parent_meter", parent.map_or_else(|| "—".to_owned(), |parent| parent.as_str().to_owned())),
        ];
        record_change(&mut transaction, actor, now, AuditAction::EnergySiteChanged, code, code, changes).await?;
        transaction.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Every placed meter of the facility with its part in the facility's metered totals: counted (the top of its
    /// sub-metering tree, energy bought or burnt) or included in the meter above it.
    pub async fn meters_in_totals(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
    ) -> Result<Vec<MeterInTotals>, StoreError> {
        let tree = self.energy_site_tree(actor, facility_id).await?;
        let parents = self.meter_parents(actor, facility_id).await?;
        Ok(tree
            .meters
            .iter()
            .filter(|placed| placed.placement.is_some())
            .map(|placed| {
                let code = placed.meter.code.as_str();
                let kind = model_meter_kind(placed.meter.kind);
                let parent = parents.get(code).cloned();
                MeterInTotals {
                    meter: code.to_owned(),
                    kind,
                    top: top_meter(&parents, code).to_owned(),
                    counts: parent.is_none() && is_bought_energy(kind),
                    parent,
                }
            })
            .collect())
    }

    /// The facility's counted meters (placed, at the top of their sub-metering tree, energy bought or burnt, in a
    /// unit with a kWh factor) as a site of registers rebuilt from their hourly roll-ups over `period`.
    async fn counted_meters_data(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        period: DayRange,
    ) -> Result<(tanji_energy::Site, HashMap<String, Vec<RawReading>>), StoreError> {
        let tree = self.energy_site_tree(actor, facility_id).await?;
        let parents = self.meter_parents(actor, facility_id).await?;
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
        let mut readings = HashMap::new();
        for placed in &tree.meters {
            let code = placed.meter.code.as_str();
            let kind = model_meter_kind(placed.meter.kind);
            let (Some(placement), Some(unit)) = (&placed.placement, model_unit(&placed.meter.unit)) else { continue };
            if parents.contains_key(code) || !is_bought_energy(kind) {
                continue;
            }
            let Some(kwh_per_unit) = unit.exact_kwh_per_unit().or(placement.kwh_per_unit) else { continue };
            let rollups = self.meter_rollups(actor, &placed.meter.code, RollupGrain::Hour, start, end).await?;
            // A register rebuilt from the hourly consumption, as `energy_analysis_input` does: cleaning then flags an
            // upward spike without changing the total (an interval series would have it replaced by an estimate), so
            // the months add up to the roll-ups, every metered kWh once.
            let mut series = Vec::with_capacity(rollups.len() + 1);
            let mut total = 0.0;
            for (row, rollup) in rollups.iter().enumerate() {
                let bucket_start = rollup.bucket_start.as_second();
                if row == 0 {
                    series.push(RawReading { time_s: bucket_start, value: 0.0, row: 0 });
                }
                total += rollup.consumption;
                series.push(RawReading { time_s: bucket_start + 3600, value: total, row: row + 1 });
            }
            readings.insert(code.to_owned(), series);
            meters.push(tanji_energy::model::Meter {
                id: code.to_owned(),
                line: placement.line_code.clone().unwrap_or_default(),
                kind,
                serves: placement.equipment,
                unit,
                register: tanji_energy::model::Register::Cumulative { rollover_value: None },
                ct_ratio: 1.0,
                pt_ratio: 1.0,
                multiplier: 1.0,
                kwh_per_unit: Some(kwh_per_unit),
            });
        }
        let site = tanji_energy::Site {
            name: settings.name.clone(),
            utc_offset_seconds: offset_seconds,
            interval_minutes: 60,
            areas: Vec::new(),
            lines: Vec::new(),
            meters,
            grid_factor: tanji_energy::model::GridFactor {
                t_co2e_per_mwh: settings.grid_factor.t_co2e_per_mwh,
                source: settings.grid_factor.source.clone(),
                factor_id: settings.grid_factor.factor_id.clone(),
            },
            tariff: None,
        };
        Ok((site, readings))
    }
}

/// The key a facility's metered electricity of `month` ("2025-03") is stored under.
pub fn metered_electricity_key(facility_key: &str, month: &str) -> String {
    activity_key(facility_key, MeterKind::Electricity, MeterUnit::KilowattHour, month)
}
