//! Findings: what the analysis tells the energy engineer, as data (codes with parameters, evidence and the expected
//! saving), ranked. `tanji-i18n::energy` turns them into 中文 or English.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::cusum::Direction;
use crate::model::Equipment;
use crate::regression::{BaselineCheck, FitError, Savings};

/// A finding with its rank (1 is the most important), evidence and expected saving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// 1-based rank: findings with an expected saving first, largest saving first.
    pub rank: usize,
    /// What was found.
    pub kind: FindingKind,
    /// The figures that support it.
    pub evidence: Vec<Evidence>,
    /// What acting on it is expected to save, when that can be estimated.
    pub saving: Option<ExpectedSaving>,
}

/// What was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code, so a new one without its texts does not compile.
pub enum FindingKind {
    /// A line uses more energy per unit than its peers making the same product.
    SecGap {
        /// The line.
        line: String,
        /// The product SKU.
        sku: String,
        /// The unit of output.
        output_unit: String,
        /// The line's SEC, kWh per unit.
        sec_kwh_per_unit: f64,
        /// Median SEC of the other lines making the SKU.
        peer_median_kwh_per_unit: f64,
        /// SEC / peer median − 1.
        gap_fraction: f64,
        /// The best line (lowest SEC), the target.
        target_line: String,
        /// Its SEC.
        target_kwh_per_unit: f64,
    },
    /// Where on the line the gap appears: the equipment whose energy per unit differs most from the target line's.
    GapAtEquipment {
        /// The line.
        line: String,
        /// The equipment.
        equipment: Equipment,
        /// Its meters on the line.
        meters: Vec<String>,
        /// Its kWh per unit on the line.
        kwh_per_unit: f64,
        /// Its kWh per unit on the target line.
        target_kwh_per_unit: f64,
        /// The target line.
        target_line: String,
        /// Its part of the line's SEC gap to the target, fraction.
        share_of_gap: f64,
        /// What to do about it.
        recommendation: Recommendation,
    },
    /// The line's non-production load (β0 of its daily baseline).
    NonProductionLoad {
        /// The line.
        line: String,
        /// β0, kWh per day.
        kwh_per_day: f64,
        /// β0 · days / the line's energy, fraction.
        share_of_energy: f64,
    },
    /// The tabular CUSUM raised alarms: the line's energy shifted away from its baseline. One finding per episode
    /// (`cusum::episodes`): a shift lasting weeks raises an alarm every few days, which are counted here.
    CusumAlarm {
        /// The line.
        line: String,
        /// Which way.
        direction: Direction,
        /// The day the shift began.
        from: Date,
        /// The day it first passed the decision interval.
        alarm_on: Date,
        /// The day of the episode's last alarm (the same as `alarm_on` for a single alarm).
        last_alarm_on: Date,
        /// Alarms in the episode.
        n_alarms: usize,
        /// Σ(actual − expected) over the alarms' days, kWh.
        excess_kwh: f64,
    },
    /// Days whose energy the line's baseline does not explain: their output (and weather) predict far less, or far
    /// more, than was measured. A production-aware spike test: a day that used more because it made more is no
    /// spike.
    UnexplainedDays {
        /// The line.
        line: String,
        /// How many days.
        n_days: usize,
        /// The day furthest from its prediction.
        worst_day: Date,
        /// Its measured minus predicted energy, kWh.
        worst_excess_kwh: f64,
        /// Its robust z-score.
        worst_robust_z: f64,
    },
    /// The line's baseline misses Guideline 14 criteria; savings computed with it are not reliable.
    BaselineCriteriaMissed {
        /// The line.
        line: String,
        /// The criteria missed.
        checks: Vec<BaselineCheck>,
    },
    /// No baseline could be fitted for the line.
    BaselineNotFitted {
        /// The line.
        line: String,
        /// Why.
        error: FitError,
    },
    /// Savings in the reporting period against the baseline (IPMVP), with their uncertainty.
    VerifiedSavings {
        /// The line.
        line: String,
        /// The savings.
        savings: Savings,
    },
    /// A meter's data needed cleaning: some intervals are estimated.
    EstimatedData {
        /// The meter.
        meter: String,
        /// Intervals estimated.
        n_estimated: usize,
        /// Intervals in all.
        n_intervals: usize,
        /// Cleaning decisions recorded.
        n_events: usize,
    },
}

/// A recommendation, by the equipment where a gap appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    /// Check the heater's set-point against what the product needs, and its control and insulation.
    ReviewHeaterSetPoint,
    /// Check drives: idling, speed control, mechanical losses.
    ReviewDrives,
    /// Find compressed-air leaks, lower the pressure set-point.
    ReviewCompressedAir,
    /// Check chiller and cooling set-points.
    ReviewCooling,
    /// Check HVAC schedules and set-points.
    ReviewHvac,
    /// Check lighting schedules.
    ReviewLighting,
    /// Sub-meter the line to find where the difference is.
    SubMeterLine,
    /// Inspect the equipment on that meter.
    InspectEquipment,
}

impl Recommendation {
    /// The recommendation for a gap at this equipment.
    pub fn for_equipment(equipment: Equipment) -> Recommendation {
        match equipment {
            Equipment::Heater => Recommendation::ReviewHeaterSetPoint,
            Equipment::Drive => Recommendation::ReviewDrives,
            Equipment::CompressedAir => Recommendation::ReviewCompressedAir,
            Equipment::Cooling => Recommendation::ReviewCooling,
            Equipment::Hvac => Recommendation::ReviewHvac,
            Equipment::Lighting => Recommendation::ReviewLighting,
            Equipment::WholeLine => Recommendation::SubMeterLine,
            Equipment::Other => Recommendation::InspectEquipment,
        }
    }
}

/// A figure supporting a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "evidence", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code, so a new one without its texts does not compile.
pub enum Evidence {
    /// A line's energy, output and SEC over the analysis period.
    LineSec {
        /// The line.
        line: String,
        /// Energy, kWh.
        energy_kwh: f64,
        /// Output, units.
        production_units: f64,
        /// kWh per unit.
        sec_kwh_per_unit: f64,
    },
    /// One equipment's energy per unit on a line.
    EquipmentSec {
        /// The line.
        line: String,
        /// The equipment.
        equipment: Equipment,
        /// Energy, kWh.
        energy_kwh: f64,
        /// kWh per unit.
        kwh_per_unit: f64,
    },
    /// A line's baseline fit.
    BaselineFit {
        /// The line.
        line: String,
        /// β0, kWh per day.
        intercept_kwh: f64,
        /// β1, kWh per unit.
        slope_kwh_per_unit: f64,
        /// R².
        r_squared: f64,
        /// CV(RMSE), fraction.
        cv_rmse: f64,
        /// NMBE, fraction.
        nmbe: f64,
        /// Observations (days).
        n_observations: usize,
    },
    /// The saving's arithmetic: (SEC − target) × output, scaled to a year.
    SavingArithmetic {
        /// SEC − target SEC, kWh per unit.
        sec_difference_kwh_per_unit: f64,
        /// Output in the analysis period, units.
        production_units: f64,
        /// Days in the analysis period.
        n_days: usize,
        /// The grid factor used, t CO2e per MWh.
        grid_factor_t_co2e_per_mwh: f64,
        /// Its source, as recorded.
        grid_factor_source: String,
    },
    /// A chart in the analysis's series: daily energy, SEC by month, or the CUSUM of a line.
    Chart {
        /// Which chart.
        chart: ChartKind,
        /// The line.
        line: String,
    },
}

/// Charts an adapter can draw from the analysis's series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// SEC by month beside the peer median.
    MonthlySec,
    /// Daily energy against output, with the baseline line.
    BaselineFit,
    /// CUSUM of (actual − expected).
    Cusum,
}

/// An expected saving per year, in kWh, t CO2e (from the recorded grid factor) and ¥ (when a tariff is given).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExpectedSaving {
    /// kWh per year.
    pub kwh_per_year: f64,
    /// t CO2e per year: kWh / 1000 × the grid factor in t CO2e per MWh.
    pub t_co2e_per_year: f64,
    /// ¥ per year, when the site gives a tariff.
    pub cny_per_year: Option<f64>,
}

impl ExpectedSaving {
    /// The saving of `kwh_per_year` at a grid factor (t CO2e/MWh) and an optional tariff (¥/kWh).
    pub fn of(kwh_per_year: f64, grid_factor_t_co2e_per_mwh: f64, cny_per_kwh: Option<f64>) -> ExpectedSaving {
        ExpectedSaving {
            kwh_per_year,
            t_co2e_per_year: kwh_per_year / 1000.0 * grid_factor_t_co2e_per_mwh,
            cny_per_year: cny_per_kwh.map(|price| price * kwh_per_year),
        }
    }
}

/// Puts findings in order and numbers them: those with a saving first (largest kWh first), each line's "where the
/// gap appears" right after its gap, then the rest in the order of their kinds (baseline problems, alarms, loads,
/// data), each group in the order found.
pub fn rank(findings: Vec<Finding>) -> Vec<Finding> {
    fn group(kind: &FindingKind) -> u8 {
        match kind {
            FindingKind::SecGap { .. } | FindingKind::GapAtEquipment { .. } => 0,
            FindingKind::VerifiedSavings { .. } => 1,
            FindingKind::BaselineNotFitted { .. } | FindingKind::BaselineCriteriaMissed { .. } => 2,
            FindingKind::CusumAlarm { .. } | FindingKind::UnexplainedDays { .. } => 3,
            FindingKind::NonProductionLoad { .. } => 4,
            FindingKind::EstimatedData { .. } => 5,
        }
    }
    let (mut explanations, mut findings): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(|finding| matches!(finding.kind, FindingKind::GapAtEquipment { .. }));
    findings.sort_by(|left, right| {
        let saving = |finding: &Finding| finding.saving.map_or(f64::NEG_INFINITY, |saving| saving.kwh_per_year);
        saving(right).total_cmp(&saving(left)).then(group(&left.kind).cmp(&group(&right.kind)))
    });
    let mut ordered = Vec::with_capacity(findings.len() + explanations.len());
    for finding in findings {
        let gap_line = match &finding.kind {
            FindingKind::SecGap { line, .. } => Some(line.clone()),
            _ => None,
        };
        ordered.push(finding);
        if let Some(gap_line) = gap_line {
            let (of_line, others): (Vec<Finding>, Vec<Finding>) = explanations
                .into_iter()
                .partition(|explanation| matches!(&explanation.kind, FindingKind::GapAtEquipment { line, .. } if *line == gap_line));
            ordered.extend(of_line);
            explanations = others;
        }
    }
    ordered.extend(explanations);
    let mut findings = ordered;
    for (finding_idx, finding) in findings.iter_mut().enumerate() {
        finding.rank = finding_idx + 1;
    }
    findings
}
