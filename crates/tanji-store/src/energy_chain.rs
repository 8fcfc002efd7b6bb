//! The one chain in the store (SPEC.md §3, issue 9): stored meter data handed over without re-typing a number.
//!
//! * [`Store::set_measured_energy`]: a product model's production-stage electricity input takes its amount from a
//!   stored line's measured kWh per unit for a period, with the line, meters and output as its provenance; the model
//!   is saved as a new version (the footprint computed from it then counts the exchange as primary data).
//! * [`Store::record_metered_energy`]: a facility's metered energy per month becomes inventory activity records
//!   (data source `meter`, the meter codes as evidence) through the one activity import; handing the same months over
//!   again replaces the metered records instead of adding to them.
//!
//! Both read the facility's analysis input (`Store::energy_analysis_input`, hourly roll-ups) and let the pure
//! `tanji_energy::handover` compute; nothing here does arithmetic on energy.

use tanji_energy::analysis::DayRange;
use tanji_energy::handover::{
    HandoverError, InventoryHandover, LineIntensity, activity_key, activity_rows, line_intensity, monthly_energy,
};
use tanji_energy::model::{MeterKind, MeterUnit};
use tanji_footprint::{MeasuredAmount, Stage};
use tanji_tenancy::validation::Problem;
use tanji_tenancy::{Actor, FacilityId, FieldError, Permission};

use crate::{ModelVersion, Store, StoreError};

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
    /// The record keys written.
    pub keys: Vec<String>,
}

/// How metered energy is calculated in the inventory, beyond the site's own grid factor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeteredEnergyMethods {
    /// The emission point the facility's meters sum to (default: the site's name).
    pub emission_point: Option<String>,
    /// Default fuel parameters for natural gas.
    pub natural_gas_parameters: Option<String>,
    /// The factor for purchased steam.
    pub steam_factor: Option<String>,
}

impl Default for MeteredEnergyMethods {
    fn default() -> Self {
        MeteredEnergyMethods {
            emission_point: None,
            natural_gas_parameters: Some("ipcc-2006-ncv-cc-natural-gas".to_owned()),
            steam_factor: None,
        }
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
        HandoverError::EmptyPeriod { .. } => StoreError::Invalid(FieldError::new(
            "period",
            Problem::Malformed { expected: "a period whose last day is not before its first" },
        )),
    }
}

/// The footprint's record of a line's measured electricity per unit.
pub fn measured_electricity(intensity: &LineIntensity, per_run_units: f64) -> MeasuredAmount {
    let electricity: Vec<_> =
        intensity.carriers.iter().filter(|carrier| carrier.carrier.kind == MeterKind::Electricity).collect();
    let meters: Vec<&tanji_energy::handover::MeterEvidence> =
        intensity.meters.iter().filter(|meter| meter.kind == MeterKind::Electricity).collect();
    let (n_intervals, n_estimated) =
        meters.iter().fold((0, 0), |sum, meter| (sum.0 + meter.n_intervals, sum.1 + meter.n_estimated));
    MeasuredAmount {
        facility: intensity.site.clone(),
        line: intensity.line.clone(),
        line_name: intensity.line_name.clone(),
        period_start: intensity.period.first.to_string(),
        period_end: intensity.period.last.to_string(),
        carriers: vec!["electricity".to_owned()],
        kwh_per_unit: intensity.kwh_per_unit_of(MeterKind::Electricity),
        output_unit: intensity.output_unit.clone(),
        per_run_units,
        production_units: intensity.production_units,
        energy_kwh: electricity.iter().filter_map(|carrier| carrier.carrier.energy_kwh).sum(),
        n_days: intensity.n_days_with_data,
        meters: meters.iter().map(|meter| meter.meter.clone()).collect(),
        n_readings: meters.iter().map(|meter| meter.n_readings).sum(),
        estimated_percent: if n_intervals > 0 { 100.0 * n_estimated as f64 / n_intervals as f64 } else { 0.0 },
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

    /// Sets a product model's production-stage electricity input from a stored line's measured kWh per unit over
    /// `period` and saves the model as a new version: the amount becomes kWh/unit × the process's reference output
    /// per run, and the factor use carries the line, period, meters and output as its measured origin (primary data).
    /// Needs permission to read energy data and to edit footprints.
    pub async fn set_measured_energy(
        &self,
        actor: &Actor,
        target: &MeasuredEnergyTarget,
        facility_id: FacilityId,
        line_code: &str,
        period: DayRange,
    ) -> Result<ModelVersion, StoreError> {
        actor.require(Permission::EditFootprints)?;
        actor.require(Permission::ViewEnergy)?;
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
        let intensity = self.line_intensity(actor, facility_id, line_code, period).await?;
        let measured = measured_electricity(&intensity, per_run_units);
        if measured.kwh_per_unit <= 0.0 {
            return Err(StoreError::Invalid(FieldError::new(
                "line",
                Problem::Malformed { expected: "a line with electricity meters" },
            )));
        }
        let usage = &mut process.factors[factor_index];
        usage.amount = measured.kwh_per_unit * per_run_units;
        usage.unit = "kWh".to_owned();
        usage.uncertainty = None;
        let note = format!(
            "用电量取自产线 {} 的计量数据（{} 至 {}，{} kWh/{}）· electricity from line {}'s meters",
            measured.line,
            measured.period_start,
            measured.period_end,
            tanji_footprint::figure(measured.kwh_per_unit),
            measured.output_unit,
            measured.line
        );
        usage.measured = Some(measured);
        self.save_model(actor, &target.product_id, &model, &note).await
    }

    /// Records a facility's metered energy per month over `period` as inventory activity records (data source
    /// `meter`, the meter codes as evidence, electricity with the site's grid factor), all or none in one
    /// transaction. The records' keys are stable per facility, carrier and month, so handing the same months over
    /// again replaces them rather than counting them twice; records from other sources for the same emission point
    /// compete with them by the inventory's data-source priority. Needs permission to read energy data and to edit
    /// the inventory.
    pub async fn record_metered_energy(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        period: DayRange,
        methods: &MeteredEnergyMethods,
    ) -> Result<MeteredEnergyOutcome, StoreError> {
        actor.require(Permission::EditInventory)?;
        actor.require(Permission::ViewEnergy)?;
        if period.last < period.first {
            return Err(handover_error(HandoverError::EmptyPeriod { first: period.first, last: period.last }));
        }
        let input = self.energy_analysis_input(actor, facility_id, period).await?;
        let facility = self
            .facility_boundaries(actor)
            .await?
            .into_iter()
            .find(|facility| facility.facility_id == facility_id && !facility.archived)
            .ok_or(StoreError::NotFound)?;
        let facility_key = facility.code.clone().unwrap_or_else(|| facility.name.clone());
        let Some(electricity_factor) = input.site.grid_factor.factor_id.clone() else {
            return Err(StoreError::Invalid(FieldError::new(
                "grid_factor",
                Problem::Malformed { expected: "the energy site's grid factor id from the factor library" },
            )));
        };
        let handover = InventoryHandover {
            facility: facility_key.clone(),
            emission_point: methods.emission_point.clone().unwrap_or_else(|| input.site.name.clone()),
            electricity_factor,
            natural_gas_parameters: methods.natural_gas_parameters.clone(),
            steam_factor: methods.steam_factor.clone(),
        };
        let months = monthly_energy(&input.site, &input.readings);
        let (rows, left_out) = activity_rows(&months, &handover);
        let keys: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
        let prefix = format!("meter:{facility_key}:");
        let file_name = format!("meters:{facility_key}:{}..{}", period.first, period.last);
        let (n_records, n_replaced) =
            self.record_activities_replacing(actor, Some(&file_name), rows, |key| key.starts_with(&prefix)).await?;
        Ok(MeteredEnergyOutcome { n_records, n_replaced, left_out, keys })
    }
}

/// The key a facility's metered electricity of `month` ("2025-03") is stored under.
pub fn metered_electricity_key(facility_key: &str, month: &str) -> String {
    activity_key(facility_key, MeterKind::Electricity, MeterUnit::KilowattHour, month)
}
