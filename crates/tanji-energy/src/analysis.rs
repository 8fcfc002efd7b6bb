//! The analysis pipeline: readings → cleaned intervals → daily kWh per meter and line → SEC per line and month →
//! peer benchmarking → daily baselines, CUSUM and savings → ranked findings.
//!
//! One way through, each stage a value the next consumes; nothing here reads a file or a clock.

use std::collections::{BTreeMap, HashMap};

use jiff::Span;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::cleaning::{CleanSeries, CleaningEvent, Grid, RawReading, clean};
use crate::cusum::{self, Alarm};
use crate::finding::{ChartKind, Evidence, ExpectedSaving, Finding, FindingKind, Recommendation, rank};
use crate::model::{Equipment, GridFactor, MeterKind, Site, Tariff};
use crate::regression::{
    Baseline, BaselineCheck, CandidateModel, Conditions, FitError, Observation, Resolution, Savings, Term,
    check_baseline, normalised_savings, select_baseline,
};
use crate::stats::median_of;
use crate::weather::{DayWeather, Weather};

const SECONDS_PER_DAY: i64 = 86_400;

/// Units produced by a line on a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductionRecord {
    /// The line.
    pub line: String,
    /// The SKU made.
    pub sku: String,
    /// The local day.
    pub day: Date,
    /// Units produced.
    pub units: f64,
    /// The file row it came from.
    pub row: usize,
}

/// An inclusive range of local days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayRange {
    /// First day.
    pub first: Date,
    /// Last day (inclusive).
    pub last: Date,
}

impl DayRange {
    /// Whether `day` is in the range.
    pub fn contains(self, day: Date) -> bool {
        self.first <= day && day <= self.last
    }
}

/// What to analyse.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AnalysisOptions {
    /// The baseline period; all days with data when `None`.
    pub baseline: Option<DayRange>,
    /// The reporting period (after a measure), for verified savings.
    pub reporting: Option<DayRange>,
    /// Confidence level of savings uncertainties (e.g. 0.9).
    pub confidence: f64,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions { baseline: None, reporting: None, confidence: 0.9 }
    }
}

/// A meter's cleaned data in summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeterSummary {
    /// The meter.
    pub meter: String,
    /// Its line.
    pub line: String,
    /// What it measures.
    pub kind: MeterKind,
    /// What it serves.
    pub serves: Equipment,
    /// Energy over all its intervals, kWh (`None` for water).
    pub energy_kwh: Option<f64>,
    /// Quantity in its own unit after CT/PT ratio and multiplier.
    pub quantity: f64,
    /// Intervals.
    pub n_intervals: usize,
    /// Intervals estimated.
    pub n_estimated: usize,
    /// Intervals flagged as spikes.
    pub n_spikes: usize,
    /// Every cleaning decision.
    pub events: Vec<CleaningEvent>,
}

/// One day of a line.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DailyPoint {
    /// The day.
    pub day: Date,
    /// Energy, kWh.
    pub energy_kwh: f64,
    /// Output, units.
    pub production_units: f64,
    /// The baseline's prediction, kWh.
    pub expected_kwh: Option<f64>,
    /// Running Σ(actual − expected), kWh.
    pub cusum_kwh: Option<f64>,
    /// Mean outdoor temperature, °C, when the site has weather for the day.
    pub mean_temperature_c: Option<f64>,
}

/// A line's SEC in a month beside its peers'.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthlySec {
    /// "2025-03".
    pub month: String,
    /// Energy, kWh.
    pub energy_kwh: f64,
    /// Output, units.
    pub production_units: f64,
    /// kWh per unit (`None` without output).
    pub sec_kwh_per_unit: Option<f64>,
    /// Median SEC of the other lines making the same SKU that month.
    pub peer_median_kwh_per_unit: Option<f64>,
}

/// A line's energy by equipment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EquipmentEnergy {
    /// The equipment.
    pub equipment: Equipment,
    /// Energy, kWh.
    pub energy_kwh: f64,
    /// kWh per unit of the line's output.
    pub kwh_per_unit: Option<f64>,
}

/// Everything found about one line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineResult {
    /// The line's id.
    pub line: String,
    /// Its name.
    pub name: String,
    /// The SKU it makes.
    pub sku: String,
    /// Unit of output.
    pub output_unit: String,
    /// Energy in the baseline period, kWh.
    pub energy_kwh: f64,
    /// Output in the baseline period, units.
    pub production_units: f64,
    /// SEC in the baseline period, kWh per unit.
    pub sec_kwh_per_unit: Option<f64>,
    /// Energy by equipment in the baseline period.
    pub by_equipment: Vec<EquipmentEnergy>,
    /// SEC by month, all data.
    pub monthly: Vec<MonthlySec>,
    /// Days, all data.
    pub daily: Vec<DailyPoint>,
    /// The daily baseline E = β0 + β1·P (+ β2·HDD + β3·CDD when the weather improves the fit), when it could be
    /// fitted.
    pub baseline: Option<Baseline>,
    /// The models tried for the baseline, with their adjusted R² and which was chosen.
    pub model_candidates: Vec<CandidateModel>,
    /// Why not.
    pub baseline_error: Option<FitError>,
    /// Guideline 14 criteria it misses.
    pub baseline_checks: Vec<BaselineCheck>,
    /// Tabular CUSUM alarms.
    pub alarms: Vec<Alarm>,
    /// Days the baseline does not explain (production-aware spikes), largest |z| first.
    pub unexplained_days: Vec<UnexplainedDay>,
    /// Savings in the reporting period.
    pub savings: Option<Savings>,
}

/// A day whose energy the baseline does not explain: the robust z-score of its residual, 0.6745·(r − median)/MAD
/// with the median and MAD of the baseline period's residuals, is above [`UNEXPLAINED_DAY_Z`] in size. Unlike the
/// cleaning's interval spike test, this one knows the day's output (and weather): a day that used more energy
/// because it made more cups is no spike.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct UnexplainedDay {
    /// The day.
    pub day: Date,
    /// Measured energy, kWh.
    pub energy_kwh: f64,
    /// The baseline's prediction, kWh.
    pub expected_kwh: f64,
    /// The robust z-score of energy − prediction.
    pub robust_z: f64,
}

/// The robust z-score above which a day's residual is an outlier (Iglewicz and Hoaglin's 3.5, as the cleaning uses).
pub const UNEXPLAINED_DAY_Z: f64 = 3.5;

/// The days of `daily` whose residual's robust z-score, against the median and MAD of `baseline_residuals`, is above
/// [`UNEXPLAINED_DAY_Z`] in size; largest first.
fn unexplained_days(daily: &[DailyPoint], baseline_residuals: &[f64]) -> Vec<UnexplainedDay> {
    if baseline_residuals.len() < 8 {
        return Vec::new();
    }
    let median = median_of(baseline_residuals);
    let deviations: Vec<f64> = baseline_residuals.iter().map(|residual| (residual - median).abs()).collect();
    let mad = median_of(&deviations);
    if mad <= 0.0 || !mad.is_finite() {
        return Vec::new();
    }
    let mut days: Vec<UnexplainedDay> = daily
        .iter()
        .filter_map(|point| {
            let expected_kwh = point.expected_kwh?;
            let robust_z = 0.6745 * (point.energy_kwh - expected_kwh - median) / mad;
            (robust_z.abs() > UNEXPLAINED_DAY_Z).then_some(UnexplainedDay {
                day: point.day,
                energy_kwh: point.energy_kwh,
                expected_kwh,
                robust_z,
            })
        })
        .collect();
    days.sort_by(|left, right| right.robust_z.abs().total_cmp(&left.robust_z.abs()));
    days
}

/// The σ the tabular CUSUM's allowance and decision interval are scaled by: the baseline's RMSE widened for the
/// residuals' lag-1 autocorrelation ρ to the long-run standard deviation of an AR(1) series, σ·sqrt((1 + ρ)/(1 − ρ)).
/// Daily energy residuals are autocorrelated (a warm week, a batch of slower material), and a CUSUM scaled by the
/// plain RMSE would raise an alarm on every such run; ρ is taken as 0 when negative and at most 0.9.
pub fn cusum_sigma_kwh(statistics: &crate::regression::FitStatistics) -> f64 {
    let rho = statistics.lag1_autocorrelation.clamp(0.0, 0.9);
    statistics.rmse_kwh * ((1.0 + rho) / (1.0 - rho)).sqrt()
}

/// A line against its peers (the other lines making the same SKU).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeerComparison {
    /// The line.
    pub line: String,
    /// The SKU.
    pub sku: String,
    /// Its SEC.
    pub sec_kwh_per_unit: f64,
    /// Median SEC of its peers.
    pub peer_median_kwh_per_unit: f64,
    /// SEC / peer median − 1.
    pub gap_fraction: f64,
    /// The best line making the SKU.
    pub target_line: String,
    /// Its SEC.
    pub target_kwh_per_unit: f64,
    /// (SEC − target) × output in the period, scaled to 365 days, kWh per year.
    pub saving_kwh_per_year: f64,
}

/// The result of an analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// The site.
    pub site: String,
    /// The grid factor every t CO2e figure uses.
    pub grid_factor: GridFactor,
    /// The tariff every ¥ figure uses.
    pub tariff: Option<Tariff>,
    /// The weather station and source the degree-days came from, with their bases; `None` without weather.
    pub weather: Option<WeatherUsed>,
    /// The days analysed for SEC and the baseline.
    pub baseline_period: Option<DayRange>,
    /// Days in it with data.
    pub n_baseline_days: usize,
    /// The reporting period.
    pub reporting_period: Option<DayRange>,
    /// Meters.
    pub meters: Vec<MeterSummary>,
    /// Lines.
    pub lines: Vec<LineResult>,
    /// Peer comparisons.
    pub peers: Vec<PeerComparison>,
    /// Ranked findings.
    pub findings: Vec<Finding>,
}

/// The weather an analysis used, without its days.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeatherUsed {
    /// The station.
    pub station: String,
    /// The source.
    pub source: String,
    /// The station in Chinese, when the site gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station_zh: Option<String>,
    /// The source in Chinese, when the site gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_zh: Option<String>,
    /// The degree-day bases.
    pub bases: crate::weather::DegreeDayBases,
    /// Days with a temperature.
    pub n_days: usize,
}

/// Share of estimated intervals above which a meter's data earn a finding.
pub const ESTIMATED_SHARE_FINDING: f64 = 0.01;

/// Runs the analysis without weather. `readings` maps meter ids to their readings (meters without readings have no
/// data).
pub fn analyze(
    site: &Site,
    readings: &HashMap<String, Vec<RawReading>>,
    production: &[ProductionRecord],
    options: &AnalysisOptions,
) -> Analysis {
    analyze_with_weather(site, readings, production, None, options)
}

/// Runs the analysis. With `weather`, each day's heating and cooling degree-days are offered to the baseline, which
/// takes them when they improve its adjusted R² (`regression::select_baseline`); a day without a temperature then
/// has no degree-days, and a model with a weather term makes no prediction for it.
pub fn analyze_with_weather(
    site: &Site,
    readings: &HashMap<String, Vec<RawReading>>,
    production: &[ProductionRecord],
    weather: Option<&Weather>,
    options: &AnalysisOptions,
) -> Analysis {
    let weather_by_day: HashMap<Date, DayWeather> = weather.map(Weather::by_day).unwrap_or_default();
    let grid = Grid { interval_s: site.interval_seconds(), utc_offset_s: site.utc_offset_seconds };
    let epoch = jiff::civil::date(1970, 1, 1);

    // 1. Clean every meter and sum its intervals by local day (the day its interval starts in).
    let mut meters = Vec::with_capacity(site.meters.len());
    // line → day index → kWh; line → equipment → day index → kWh.
    let mut line_days: HashMap<&str, BTreeMap<i64, f64>> = HashMap::new();
    let mut equipment_days: HashMap<(&str, Equipment), BTreeMap<i64, f64>> = HashMap::new();
    for meter in &site.meters {
        let empty = Vec::new();
        let series: CleanSeries = clean(readings.get(&meter.id).unwrap_or(&empty), meter.register, grid);
        let factor = meter.register_factor();
        let kwh_factor = meter.kwh_per_register_unit();
        let mut quantity = 0.0;
        for interval in &series.intervals {
            quantity += interval.quantity * factor;
            if let Some(kwh_factor) = kwh_factor {
                let day = (interval.end_s - grid.interval_s + i64::from(grid.utc_offset_s)).div_euclid(SECONDS_PER_DAY);
                let kwh = interval.quantity * kwh_factor;
                *line_days.entry(meter.line.as_str()).or_default().entry(day).or_default() += kwh;
                *equipment_days.entry((meter.line.as_str(), meter.serves)).or_default().entry(day).or_default() += kwh;
            }
        }
        meters.push(MeterSummary {
            meter: meter.id.clone(),
            line: meter.line.clone(),
            kind: meter.kind,
            serves: meter.serves,
            energy_kwh: meter
                .kwh_per_unit
                .filter(|_| meter.kind.is_energy())
                .map(|kwh_per_unit| quantity * kwh_per_unit),
            quantity,
            n_intervals: series.intervals.len(),
            n_estimated: series.n_estimated(),
            n_spikes: series.intervals.iter().filter(|interval| interval.spike).count(),
            events: series.events,
        });
    }
    let day_index = |day: Date| (day - epoch).get_days() as i64;
    let day_of = |day_idx: i64| epoch.checked_add(Span::new().days(day_idx)).unwrap_or(epoch);

    // 2. Output by line and day.
    let mut production_days: HashMap<&str, BTreeMap<i64, f64>> = HashMap::new();
    for record in production {
        *production_days.entry(record.line.as_str()).or_default().entry(day_index(record.day)).or_default() +=
            record.units;
    }

    let in_baseline = |day_idx: i64| options.baseline.is_none_or(|range| range.contains(day_of(day_idx)));
    let in_reporting = |day_idx: i64| options.reporting.is_some_and(|range| range.contains(day_of(day_idx)));

    // 3. Per line: SEC, equipment split, monthly SEC, daily baseline, CUSUM, savings.
    let mut lines = Vec::with_capacity(site.lines.len());
    let mut baseline_days: BTreeMap<i64, ()> = BTreeMap::new();
    for line in &site.lines {
        let energy = line_days.get(line.id.as_str()).cloned().unwrap_or_default();
        let output = production_days.get(line.id.as_str()).cloned().unwrap_or_default();
        // A day counts when the line has energy data for it; output missing on such a day is zero output.
        let days: Vec<i64> = energy.keys().copied().collect();
        let baseline_day_idxs: Vec<i64> =
            days.iter().copied().filter(|day_idx| in_baseline(*day_idx) && !in_reporting(*day_idx)).collect();
        for day_idx in &baseline_day_idxs {
            baseline_days.insert(*day_idx, ());
        }
        let energy_kwh: f64 = baseline_day_idxs.iter().map(|day_idx| energy[day_idx]).sum();
        let production_units: f64 =
            baseline_day_idxs.iter().map(|day_idx| output.get(day_idx).copied().unwrap_or(0.0)).sum();
        let per_unit = |kwh: f64| (production_units > 0.0).then(|| kwh / production_units);
        let by_equipment: Vec<EquipmentEnergy> = Equipment::ALL
            .iter()
            .filter_map(|equipment| {
                let days = equipment_days.get(&(line.id.as_str(), *equipment))?;
                let kwh: f64 = baseline_day_idxs.iter().filter_map(|day_idx| days.get(day_idx)).sum();
                Some(EquipmentEnergy { equipment: *equipment, energy_kwh: kwh, kwh_per_unit: per_unit(kwh) })
            })
            .collect();

        let observation = |day_idx: i64| {
            let day_weather = weather_by_day.get(&day_of(day_idx));
            Observation {
                energy_kwh: energy[&day_idx],
                conditions: Conditions {
                    production_units: output.get(&day_idx).copied().unwrap_or(0.0),
                    heating_degree_days: day_weather.map(|weather| weather.heating_degree_days),
                    cooling_degree_days: day_weather.map(|weather| weather.cooling_degree_days),
                    mean_temperature_c: day_weather.map(|weather| weather.mean_temperature_c),
                },
            }
        };
        let baseline_observations: Vec<Observation> =
            baseline_day_idxs.iter().map(|day_idx| observation(*day_idx)).collect();
        let (baseline, baseline_error, model_candidates) =
            match select_baseline(&baseline_observations, Resolution::Daily) {
                Ok(selection) => (Some(selection.baseline), None, selection.candidates),
                Err(error) => (None, Some(error), Vec::new()),
            };
        let mut baseline_checks = baseline.as_ref().map(check_baseline).unwrap_or_default();

        let mut daily = Vec::with_capacity(days.len());
        let mut differences = Vec::with_capacity(days.len());
        for day_idx in &days {
            let observation = observation(*day_idx);
            let expected_kwh = baseline.as_ref().and_then(|baseline| baseline.predict(&observation.conditions));
            if let Some(expected) = expected_kwh {
                differences.push(observation.energy_kwh - expected);
            }
            daily.push(DailyPoint {
                day: day_of(*day_idx),
                energy_kwh: observation.energy_kwh,
                production_units: observation.conditions.production_units,
                expected_kwh,
                cusum_kwh: None,
                mean_temperature_c: observation.conditions.mean_temperature_c,
            });
        }
        if differences.len() == daily.len() {
            for (point, sum) in daily.iter_mut().zip(cusum::cumulative_sum(&differences)) {
                point.cusum_kwh = Some(sum);
            }
        }
        let alarms = match &baseline {
            Some(baseline) if differences.len() == daily.len() => {
                cusum::tabular_alarms(&differences, cusum_sigma_kwh(&baseline.statistics))
            }
            _ => Vec::new(),
        };
        let unexplained_days = match &baseline {
            Some(baseline) => unexplained_days(&daily, &baseline.residuals_kwh),
            None => Vec::new(),
        };
        let savings = baseline.as_ref().and_then(|baseline| {
            let reporting: Vec<Observation> =
                days.iter().copied().filter(|day_idx| in_reporting(*day_idx)).map(observation).collect();
            normalised_savings(baseline, &reporting, options.confidence)
        });

        // Guideline 14: savings are reported only when their uncertainty at 68 % confidence is below half of them.
        if let Some(savings) = savings
            && savings.fractional_uncertainty_68 > 0.5
        {
            baseline_checks.push(BaselineCheck::SavingsUncertaintyTooHigh {
                fractional_uncertainty: savings.fractional_uncertainty_68,
            });
        }

        let mut months: BTreeMap<String, (f64, f64)> = BTreeMap::new();
        for day_idx in &days {
            let day = day_of(*day_idx);
            let month = format!("{:04}-{:02}", day.year(), day.month());
            let entry = months.entry(month).or_default();
            entry.0 += energy[day_idx];
            entry.1 += output.get(day_idx).copied().unwrap_or(0.0);
        }
        let monthly = months
            .into_iter()
            .map(|(month, (energy_kwh, production_units))| MonthlySec {
                month,
                energy_kwh,
                production_units,
                sec_kwh_per_unit: (production_units > 0.0).then(|| energy_kwh / production_units),
                peer_median_kwh_per_unit: None,
            })
            .collect();

        lines.push(LineResult {
            line: line.id.clone(),
            name: line.name.clone(),
            sku: line.product_sku.clone(),
            output_unit: line.output_unit.clone(),
            energy_kwh,
            production_units,
            sec_kwh_per_unit: per_unit(energy_kwh),
            by_equipment,
            monthly,
            daily,
            baseline,
            model_candidates,
            baseline_error,
            baseline_checks,
            alarms,
            unexplained_days,
            savings,
        });
    }
    let n_baseline_days = baseline_days.len();
    let baseline_period = options.baseline.or_else(|| {
        let first = baseline_days.keys().next()?;
        let last = baseline_days.keys().next_back()?;
        Some(DayRange { first: day_of(*first), last: day_of(*last) })
    });

    fill_monthly_peer_medians(&mut lines);
    let peers = compare_peers(&lines, n_baseline_days);
    let findings = findings(site, &meters, &lines, &peers, n_baseline_days, options.reporting);
    Analysis {
        site: site.name.clone(),
        grid_factor: site.grid_factor.clone(),
        tariff: site.tariff.clone(),
        weather: weather.map(|weather| WeatherUsed {
            station: weather.station.clone(),
            source: weather.source.clone(),
            station_zh: weather.station_zh.clone(),
            source_zh: weather.source_zh.clone(),
            bases: weather.bases,
            n_days: weather.days.len(),
        }),
        baseline_period,
        n_baseline_days,
        reporting_period: options.reporting,
        meters,
        lines,
        peers,
        findings,
    }
}

/// gap_i = SEC_i / median(SEC of the other lines making the same SKU) − 1; the target is the best line's SEC.
fn compare_peers(lines: &[LineResult], n_days: usize) -> Vec<PeerComparison> {
    let mut comparisons = Vec::new();
    for line in lines {
        let Some(sec) = line.sec_kwh_per_unit else { continue };
        let peers: Vec<&LineResult> = lines
            .iter()
            .filter(|other| other.line != line.line && other.sku == line.sku && other.sec_kwh_per_unit.is_some())
            .collect();
        if peers.is_empty() {
            continue;
        }
        let peer_secs: Vec<f64> = peers.iter().filter_map(|peer| peer.sec_kwh_per_unit).collect();
        let peer_median = median_of(&peer_secs);
        let best = peers
            .iter()
            .copied()
            .chain(std::iter::once(line))
            .min_by(|left, right| {
                left.sec_kwh_per_unit
                    .unwrap_or(f64::INFINITY)
                    .total_cmp(&right.sec_kwh_per_unit.unwrap_or(f64::INFINITY))
            })
            .unwrap_or(line);
        let target = best.sec_kwh_per_unit.unwrap_or(sec);
        let per_year = if n_days > 0 { 365.0 / n_days as f64 } else { 0.0 };
        comparisons.push(PeerComparison {
            line: line.line.clone(),
            sku: line.sku.clone(),
            sec_kwh_per_unit: sec,
            peer_median_kwh_per_unit: peer_median,
            gap_fraction: sec / peer_median - 1.0,
            target_line: best.line.clone(),
            target_kwh_per_unit: target,
            saving_kwh_per_year: (sec - target) * line.production_units * per_year,
        });
    }
    comparisons
}

fn fill_monthly_peer_medians(lines: &mut [LineResult]) {
    let mut by_sku_month: HashMap<(String, String), Vec<(String, f64)>> = HashMap::new();
    for line in lines.iter() {
        for month in &line.monthly {
            if let Some(sec) = month.sec_kwh_per_unit {
                by_sku_month.entry((line.sku.clone(), month.month.clone())).or_default().push((line.line.clone(), sec));
            }
        }
    }
    for line in lines.iter_mut() {
        for month in &mut line.monthly {
            let Some(all) = by_sku_month.get(&(line.sku.clone(), month.month.clone())) else { continue };
            let peers: Vec<f64> = all.iter().filter(|(other, _)| *other != line.line).map(|(_, sec)| *sec).collect();
            if !peers.is_empty() {
                month.peer_median_kwh_per_unit = Some(median_of(&peers));
            }
        }
    }
}

fn findings(
    site: &Site,
    meters: &[MeterSummary],
    lines: &[LineResult],
    peers: &[PeerComparison],
    n_days: usize,
    reporting: Option<DayRange>,
) -> Vec<Finding> {
    let grid_factor = site.grid_factor.t_co2e_per_mwh;
    let price = site.tariff.as_ref().map(|tariff| tariff.cny_per_kwh);
    let saving = |kwh_per_year: f64| ExpectedSaving::of(kwh_per_year, grid_factor, price);
    let line_of = |line_id: &str| lines.iter().find(|line| line.line == line_id);
    let line_sec = |line: &LineResult| Evidence::LineSec {
        line: line.line.clone(),
        energy_kwh: line.energy_kwh,
        production_units: line.production_units,
        sec_kwh_per_unit: line.sec_kwh_per_unit.unwrap_or(f64::NAN),
    };
    let mut findings = Vec::new();

    for comparison in
        peers.iter().filter(|comparison| comparison.gap_fraction > 0.0 && comparison.target_line != comparison.line)
    {
        let (Some(line), Some(target)) = (line_of(&comparison.line), line_of(&comparison.target_line)) else {
            continue;
        };
        let per_year = if n_days > 0 { 365.0 / n_days as f64 } else { 0.0 };
        findings.push(Finding {
            rank: 0,
            kind: FindingKind::SecGap {
                line: line.line.clone(),
                sku: line.sku.clone(),
                output_unit: line.output_unit.clone(),
                sec_kwh_per_unit: comparison.sec_kwh_per_unit,
                peer_median_kwh_per_unit: comparison.peer_median_kwh_per_unit,
                gap_fraction: comparison.gap_fraction,
                target_line: target.line.clone(),
                target_kwh_per_unit: comparison.target_kwh_per_unit,
            },
            evidence: vec![
                line_sec(line),
                line_sec(target),
                Evidence::SavingArithmetic {
                    sec_difference_kwh_per_unit: comparison.sec_kwh_per_unit - comparison.target_kwh_per_unit,
                    production_units: line.production_units,
                    n_days,
                    grid_factor_t_co2e_per_mwh: grid_factor,
                    grid_factor_source: site.grid_factor.source.clone(),
                },
                Evidence::Chart { chart: ChartKind::MonthlySec, line: line.line.clone() },
            ],
            saving: Some(saving(comparison.saving_kwh_per_year)),
        });

        // Where does the gap appear? The equipment whose kWh per unit exceeds the target line's the most.
        let sec_difference = comparison.sec_kwh_per_unit - comparison.target_kwh_per_unit;
        let worst = line
            .by_equipment
            .iter()
            .filter_map(|equipment| {
                let here = equipment.kwh_per_unit?;
                let there = target
                    .by_equipment
                    .iter()
                    .find(|other| other.equipment == equipment.equipment)
                    .and_then(|other| other.kwh_per_unit)?;
                Some((equipment, here, there, here - there))
            })
            .max_by(|left, right| left.3.total_cmp(&right.3));
        if let Some((equipment, here, there, difference)) = worst
            && difference > 0.0
            && sec_difference > 0.0
        {
            let target_equipment = target.by_equipment.iter().find(|other| other.equipment == equipment.equipment);
            findings.push(Finding {
                rank: 0,
                kind: FindingKind::GapAtEquipment {
                    line: line.line.clone(),
                    equipment: equipment.equipment,
                    meters: site
                        .meters_of_line(&line.line)
                        .filter(|meter| meter.serves == equipment.equipment)
                        .map(|meter| meter.id.clone())
                        .collect(),
                    kwh_per_unit: here,
                    target_kwh_per_unit: there,
                    target_line: target.line.clone(),
                    share_of_gap: difference / sec_difference,
                    recommendation: Recommendation::for_equipment(equipment.equipment),
                },
                evidence: vec![
                    Evidence::EquipmentSec {
                        line: line.line.clone(),
                        equipment: equipment.equipment,
                        energy_kwh: equipment.energy_kwh,
                        kwh_per_unit: here,
                    },
                    Evidence::EquipmentSec {
                        line: target.line.clone(),
                        equipment: equipment.equipment,
                        energy_kwh: target_equipment.map_or(0.0, |other| other.energy_kwh),
                        kwh_per_unit: there,
                    },
                ],
                saving: Some(saving(difference * line.production_units * per_year)),
            });
        }
    }

    for line in lines {
        let fit_evidence = |baseline: &Baseline| Evidence::BaselineFit {
            line: line.line.clone(),
            intercept_kwh: baseline.non_production_load_kwh().unwrap_or(0.0),
            slope_kwh_per_unit: baseline
                .coefficient(|term| matches!(term, Term::Production))
                .map_or(0.0, |coefficient| coefficient.estimate),
            r_squared: baseline.statistics.r_squared,
            cv_rmse: baseline.statistics.cv_rmse,
            nmbe: baseline.statistics.nmbe,
            n_observations: baseline.statistics.n_observations,
        };
        if let Some(error) = &line.baseline_error {
            findings.push(Finding {
                rank: 0,
                kind: FindingKind::BaselineNotFitted { line: line.line.clone(), error: error.clone() },
                evidence: vec![line_sec(line)],
                saving: None,
            });
        }
        let Some(baseline) = &line.baseline else { continue };
        if !line.baseline_checks.is_empty() {
            findings.push(Finding {
                rank: 0,
                kind: FindingKind::BaselineCriteriaMissed {
                    line: line.line.clone(),
                    checks: line.baseline_checks.clone(),
                },
                evidence: vec![
                    fit_evidence(baseline),
                    Evidence::Chart { chart: ChartKind::BaselineFit, line: line.line.clone() },
                ],
                saving: None,
            });
        }
        if let Some(savings) = line.savings {
            findings.push(Finding {
                rank: 0,
                kind: FindingKind::VerifiedSavings { line: line.line.clone(), savings },
                evidence: vec![
                    fit_evidence(baseline),
                    Evidence::Chart { chart: ChartKind::Cusum, line: line.line.clone() },
                ],
                saving: None,
            });
        }
        // One finding per episode: after a measure the shift lasts for months and alarms every few days.
        for episode in crate::cusum::episodes(&line.alarms) {
            let (Some(from), Some(alarm_on), Some(last_alarm_on)) = (
                line.daily.get(episode.start_idx),
                line.daily.get(episode.first_alarm_idx),
                line.daily.get(episode.last_alarm_idx),
            ) else {
                continue;
            };
            findings.push(Finding {
                rank: 0,
                kind: FindingKind::CusumAlarm {
                    line: line.line.clone(),
                    direction: episode.direction,
                    from: from.day,
                    alarm_on: alarm_on.day,
                    last_alarm_on: last_alarm_on.day,
                    n_alarms: episode.n_alarms,
                    excess_kwh: episode.excess_kwh,
                },
                evidence: vec![
                    fit_evidence(baseline),
                    Evidence::Chart { chart: ChartKind::Cusum, line: line.line.clone() },
                ],
                saving: None,
            });
        }
        // Days in the reporting period are left out: after a measure they are meant to differ from the baseline.
        let unexplained: Vec<&UnexplainedDay> =
            line.unexplained_days.iter().filter(|day| reporting.is_none_or(|range| !range.contains(day.day))).collect();
        if let Some(worst) = unexplained.first() {
            findings.push(Finding {
                rank: 0,
                kind: FindingKind::UnexplainedDays {
                    line: line.line.clone(),
                    n_days: unexplained.len(),
                    worst_day: worst.day,
                    worst_excess_kwh: worst.energy_kwh - worst.expected_kwh,
                    worst_robust_z: worst.robust_z,
                },
                evidence: vec![
                    fit_evidence(baseline),
                    Evidence::Chart { chart: ChartKind::BaselineFit, line: line.line.clone() },
                ],
                saving: None,
            });
        }
        if let Some(intercept) = baseline.non_production_load_kwh()
            && intercept > 0.0
            && line.energy_kwh > 0.0
        {
            findings.push(Finding {
                rank: 0,
                kind: FindingKind::NonProductionLoad {
                    line: line.line.clone(),
                    kwh_per_day: intercept,
                    share_of_energy: intercept * baseline.statistics.n_observations as f64 / line.energy_kwh,
                },
                evidence: vec![
                    fit_evidence(baseline),
                    Evidence::Chart { chart: ChartKind::BaselineFit, line: line.line.clone() },
                ],
                saving: None,
            });
        }
    }

    for meter in meters {
        if meter.n_intervals > 0 && meter.n_estimated as f64 / meter.n_intervals as f64 > ESTIMATED_SHARE_FINDING {
            findings.push(Finding {
                rank: 0,
                kind: FindingKind::EstimatedData {
                    meter: meter.meter.clone(),
                    n_estimated: meter.n_estimated,
                    n_intervals: meter.n_intervals,
                    n_events: meter.events.len(),
                },
                evidence: Vec::new(),
                saving: None,
            });
        }
    }
    rank(findings)
}

impl Equipment {
    /// Every equipment kind, in a fixed order.
    pub const ALL: [Equipment; 8] = [
        Equipment::WholeLine,
        Equipment::Heater,
        Equipment::Drive,
        Equipment::CompressedAir,
        Equipment::Cooling,
        Equipment::Hvac,
        Equipment::Lighting,
        Equipment::Other,
    ];
}

#[cfg(test)]
mod tests {
    use jiff::ToSpan as _;

    use super::*;
    use crate::model::{Area, Line, Meter, MeterUnit, Register};

    fn site() -> Site {
        let meter = |id: &str, line: &str, serves: Equipment| Meter {
            id: id.into(),
            line: line.into(),
            kind: MeterKind::Electricity,
            serves,
            unit: MeterUnit::KilowattHour,
            register: Register::Cumulative { rollover_value: None },
            ct_ratio: 1.0,
            pt_ratio: 1.0,
            multiplier: 1.0,
            kwh_per_unit: Some(1.0),
        };
        let line = |id: &str| Line {
            id: id.into(),
            name: id.into(),
            area: "A".into(),
            product_sku: "CUP".into(),
            output_unit: "cup".into(),
        };
        Site {
            name: "test".into(),
            utc_offset_seconds: 8 * 3600,
            interval_minutes: 60,
            areas: vec![Area { id: "A".into(), name: "A".into() }],
            lines: vec![line("L1"), line("L2")],
            meters: vec![
                meter("L1-heater", "L1", Equipment::Heater),
                meter("L1-drive", "L1", Equipment::Drive),
                meter("L2-heater", "L2", Equipment::Heater),
                meter("L2-drive", "L2", Equipment::Drive),
            ],
            grid_factor: GridFactor { t_co2e_per_mwh: 0.5, source: "test".into(), factor_id: None },
            tariff: None,
        }
    }

    /// Two lines, 20 days, hourly registers. Day d makes P = 1000 + 10·(d mod 7) cups on both lines; line 1 uses
    /// 24 kWh standby + 0.1 kWh/cup (heater 0.05, drive 0.05); line 2 the same plus 0.05 kWh/cup more at the heater.
    #[test]
    fn the_hot_heater_is_found_with_its_gap_and_saving() {
        let site = site();
        let t0: i64 = 1_735_660_800; // 2025-01-01T00:00+08:00
        let mut readings: HashMap<String, Vec<RawReading>> = HashMap::new();
        let mut production = Vec::new();
        let start = jiff::civil::date(2025, 1, 1);
        let mut registers = [0.0_f64; 4];
        for meter_idx in 0..4 {
            readings.entry(site.meters[meter_idx].id.clone()).or_default().push(RawReading {
                time_s: t0,
                value: 0.0,
                row: 2,
            });
        }
        for day in 0..20_i64 {
            let units = 1000.0 + 10.0 * (day % 7) as f64;
            for line in ["L1", "L2"] {
                production.push(ProductionRecord {
                    line: line.into(),
                    sku: "CUP".into(),
                    day: start + day.days(),
                    units,
                    row: 0,
                });
            }
            for hour in 0..24_i64 {
                let hourly_units = units / 24.0;
                let per_meter = [
                    0.5 + 0.05 * hourly_units,
                    0.5 + 0.05 * hourly_units,
                    0.5 + 0.10 * hourly_units,
                    0.5 + 0.05 * hourly_units,
                ];
                for meter_idx in 0..4 {
                    registers[meter_idx] += per_meter[meter_idx];
                    readings.get_mut(&site.meters[meter_idx].id).unwrap().push(RawReading {
                        time_s: t0 + (day * 24 + hour + 1) * 3600,
                        value: registers[meter_idx],
                        row: 0,
                    });
                }
            }
        }
        let analysis = analyze(&site, &readings, &production, &AnalysisOptions::default());
        assert_eq!(analysis.n_baseline_days, 20);
        let line_2 = &analysis.peers.iter().find(|peer| peer.line == "L2").expect("L2 has a peer");
        let total_units: f64 = (0..20).map(|day| 1000.0 + 10.0 * (day % 7) as f64).sum();
        let sec_1 = (24.0 * 20.0 + 0.1 * total_units) / total_units;
        let sec_2 = (24.0 * 20.0 + 0.15 * total_units) / total_units;
        assert!((line_2.gap_fraction - (sec_2 / sec_1 - 1.0)).abs() < 1e-9, "{line_2:?}");
        assert!((line_2.saving_kwh_per_year - 0.05 * total_units * 365.0 / 20.0).abs() < 1e-6);
        assert!(matches!(analysis.findings[0].kind, FindingKind::SecGap { ref line, .. } if line == "L2"));
        let FindingKind::GapAtEquipment { equipment, share_of_gap, recommendation, .. } = &analysis.findings[1].kind
        else {
            panic!("second finding: {:?}", analysis.findings[1]);
        };
        assert_eq!(*equipment, Equipment::Heater);
        assert!((share_of_gap - 1.0).abs() < 1e-9);
        assert_eq!(*recommendation, Recommendation::ReviewHeaterSetPoint);
        let saving = analysis.findings[0].saving.expect("saving");
        assert!((saving.t_co2e_per_year - saving.kwh_per_year / 1000.0 * 0.5).abs() < 1e-9);
        // β0 = 24 kWh/day of standby on each line (0.5 kWh per hour on two meters... per line: 2 meters × 12).
        let baseline = analysis.lines[0].baseline.as_ref().expect("baseline");
        assert!((baseline.non_production_load_kwh().unwrap() - 24.0).abs() < 1e-6);
    }

    /// A production-aware spike test: a day that used 40 % more because it made 40 % more cups is explained; a day
    /// that used 25 % more for the same output is not, and becomes a finding naming it.
    #[test]
    fn only_days_the_output_does_not_explain_are_flagged() {
        let mut site = site();
        site.lines.truncate(1);
        site.meters.truncate(1);
        let t0: i64 = 1_735_660_800;
        let start = jiff::civil::date(2025, 1, 1);
        let mut register = 0.0;
        let mut readings = vec![RawReading { time_s: t0, value: 0.0, row: 2 }];
        let mut production = Vec::new();
        for day in 0..60_i64 {
            let busy = if day == 20 { 1.4 } else { 1.0 };
            let units = (1000.0 + 50.0 * (day % 7) as f64) * busy;
            production.push(ProductionRecord {
                line: "L1".into(),
                sku: "CUP".into(),
                day: start + day.days(),
                units,
                row: 0,
            });
            let noise = 1.0 + 0.01 * (((day * 37) % 11) as f64 - 5.0) / 5.0;
            let waste = if day == 40 { 1.25 } else { 1.0 };
            let daily_kwh = (24.0 + 0.1 * units) * noise * waste;
            for hour in 0..24_i64 {
                register += daily_kwh / 24.0;
                readings.push(RawReading { time_s: t0 + (day * 24 + hour + 1) * 3600, value: register, row: 0 });
            }
        }
        let readings = HashMap::from([("L1-heater".to_owned(), readings)]);
        let analysis = analyze(&site, &readings, &production, &AnalysisOptions::default());
        let flagged: Vec<Date> = analysis.lines[0].unexplained_days.iter().map(|day| day.day).collect();
        assert_eq!(flagged, [start + 40.days()]);
        assert!(analysis.findings.iter().any(|finding| matches!(
            finding.kind,
            FindingKind::UnexplainedDays { n_days: 1, worst_day, .. } if worst_day == start + 40.days()
        )));
    }

    /// A measure on day 60 cuts line 1's energy per cup by 10 %; with days 0–59 as the baseline and 60–89 as the
    /// reporting period, the verified saving is 10 % of the variable energy, within its uncertainty.
    #[test]
    fn a_measure_is_verified_against_the_baseline() {
        let mut site = site();
        site.lines.truncate(1);
        site.meters.truncate(1);
        let t0: i64 = 1_735_660_800;
        let start = jiff::civil::date(2025, 1, 1);
        let mut register = 0.0;
        let mut readings = vec![RawReading { time_s: t0, value: 0.0, row: 2 }];
        let mut production = Vec::new();
        let mut expected_saving = 0.0;
        for day in 0..90_i64 {
            // Output varies by weekday and a slow cycle; ±1 % noise from a fixed pattern keeps the fit imperfect.
            let units = 1000.0 + 50.0 * (day % 7) as f64 + 30.0 * ((day / 7) % 3) as f64;
            let per_cup = if day >= 60 { 0.09 } else { 0.1 };
            if day >= 60 {
                expected_saving += 0.01 * units;
            }
            production.push(ProductionRecord {
                line: "L1".into(),
                sku: "CUP".into(),
                day: start + day.days(),
                units,
                row: 0,
            });
            let noise = 1.0 + 0.01 * (((day * 37) % 11) as f64 - 5.0) / 5.0;
            let daily_kwh = (24.0 + per_cup * units) * noise;
            for hour in 0..24_i64 {
                register += daily_kwh / 24.0;
                readings.push(RawReading { time_s: t0 + (day * 24 + hour + 1) * 3600, value: register, row: 0 });
            }
        }
        let readings = HashMap::from([("L1-heater".to_owned(), readings)]);
        let options = AnalysisOptions {
            baseline: Some(DayRange { first: start, last: start + 59.days() }),
            reporting: Some(DayRange { first: start + 60.days(), last: start + 89.days() }),
            confidence: 0.9,
        };
        let analysis = analyze(&site, &readings, &production, &options);
        let line = &analysis.lines[0];
        assert_eq!(line.baseline.as_ref().expect("baseline").statistics.n_observations, 60);
        let savings = line.savings.expect("savings");
        assert_eq!(savings.n_reporting_periods, 30);
        assert!(
            (savings.savings_kwh - expected_saving).abs() < savings.uncertainty_kwh,
            "saved {} ± {}, expected {expected_saving}",
            savings.savings_kwh,
            savings.uncertainty_kwh
        );
        assert!(savings.fractional_uncertainty_68 < 0.5, "{savings:?}");
        assert!(analysis.findings.iter().any(|finding| matches!(finding.kind, FindingKind::VerifiedSavings { .. })));
        // The CUSUM turns down after the measure and the tabular CUSUM says so.
        assert!(
            line.alarms
                .iter()
                .any(|alarm| alarm.direction == crate::cusum::Direction::Decrease && alarm.start_idx >= 60)
        );
        // Every alarm of the month after the measure is one finding, with their count, days and total.
        let decreases: Vec<&crate::cusum::Alarm> =
            line.alarms.iter().filter(|alarm| alarm.direction == crate::cusum::Direction::Decrease).collect();
        assert!(decreases.len() > 1, "{decreases:?}");
        let alarm_findings: Vec<&FindingKind> = analysis
            .findings
            .iter()
            .map(|finding| &finding.kind)
            .filter(|kind| matches!(kind, FindingKind::CusumAlarm { .. }))
            .collect();
        assert_eq!(alarm_findings.len(), 1, "{alarm_findings:?}");
        let FindingKind::CusumAlarm { n_alarms, alarm_on, last_alarm_on, excess_kwh, .. } = alarm_findings[0] else {
            unreachable!()
        };
        assert_eq!(*n_alarms, decreases.len());
        assert_eq!(*alarm_on, line.daily[decreases[0].alarm_idx].day);
        assert_eq!(*last_alarm_on, line.daily[decreases[decreases.len() - 1].alarm_idx].day);
        let total: f64 = decreases.iter().map(|alarm| alarm.excess_kwh).sum();
        assert!((excess_kwh - total).abs() < 1e-9, "{excess_kwh} against {total}");
    }
}
