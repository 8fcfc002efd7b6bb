//! Verified savings of an energy-saving measure (IPMVP Option B, retrofit isolation on the line's meters): the
//! line's daily baseline model E = β0 + β1·P, fitted on the baseline period, predicts the energy the line would have
//! used at the reporting period's production; the verified saving is that adjusted baseline minus the measured
//! energy, with the ASHRAE Guideline 14 (Annex B) uncertainty and its autocorrelation correction. Everything is what
//! `analysis::analyze` computes for the line; this module picks it out, annualises it, and says in t CO2e and ¥ what
//! it is worth at the site's recorded grid factor and tariff.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::analysis::{AnalysisOptions, DayRange, ProductionRecord, analyze_with_weather};
use crate::cleaning::RawReading;
use crate::model::{GridFactor, Site, Tariff};
use crate::regression::{Baseline, BaselineCheck, FitError, Savings};
use crate::weather::Weather;

/// Days of the year a saving is annualised to.
pub const DAYS_PER_YEAR: f64 = 365.0;

/// A measure's verified saving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    /// The line.
    pub line: String,
    /// The baseline period.
    pub baseline_period: DayRange,
    /// The reporting period.
    pub reporting_period: DayRange,
    /// The model fitted on the baseline period.
    pub baseline: Baseline,
    /// Guideline 14 criteria the model or the saving misses (empty: all met).
    pub baseline_checks: Vec<BaselineCheck>,
    /// Adjusted baseline, measured energy, saving and uncertainty over the reporting days with data.
    pub savings: Savings,
    /// The saving scaled to a year: S × 365 / reporting days.
    pub saving_kwh_per_year: f64,
    /// ± its uncertainty at `savings.confidence`, scaled the same way.
    pub uncertainty_kwh_per_year: f64,
    /// The yearly saving in t CO2e at the recorded grid factor.
    pub saving_t_co2e_per_year: f64,
    /// The grid factor used, with its citation.
    pub grid_factor: GridFactor,
    /// The yearly saving in ¥, when the site records a tariff.
    pub saving_cny_per_year: Option<f64>,
    /// The tariff used.
    pub tariff: Option<Tariff>,
}

/// Why a measure's saving cannot be verified (yet).
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code.
pub enum VerificationError {
    /// The line is not in the site.
    #[error("line {line} is not in the site")]
    UnknownLine {
        /// The line asked for.
        line: String,
    },
    /// No baseline model could be fitted on the baseline period.
    #[error("no baseline could be fitted: {error}")]
    NoBaseline {
        /// Why.
        error: FitError,
    },
    /// The reporting period has no day with energy data yet.
    #[error("the reporting period has no data yet")]
    NoReportingData,
}

/// Verifies the saving of a measure on `line` with the baseline and reporting periods of `options`, without weather.
pub fn verify(
    site: &Site,
    readings: &HashMap<String, Vec<RawReading>>,
    production: &[ProductionRecord],
    line: &str,
    options: &AnalysisOptions,
) -> Result<Verification, VerificationError> {
    verify_with_weather(site, readings, production, None, line, options)
}

/// Verifies the saving of a measure on `line`; with `weather`, the baseline takes degree-days when they improve its
/// fit, and the reporting period is adjusted to its own weather (IPMVP routine adjustments).
pub fn verify_with_weather(
    site: &Site,
    readings: &HashMap<String, Vec<RawReading>>,
    production: &[ProductionRecord],
    weather: Option<&Weather>,
    line: &str,
    options: &AnalysisOptions,
) -> Result<Verification, VerificationError> {
    if site.line(line).is_none() {
        return Err(VerificationError::UnknownLine { line: line.to_owned() });
    }
    // Only the line's own meters and production matter; analysing the others would only cost time.
    let mut line_site = site.clone();
    line_site.lines.retain(|candidate| candidate.id == line);
    line_site.meters.retain(|meter| meter.line == line);
    let line_production: Vec<ProductionRecord> =
        production.iter().filter(|record| record.line == line).cloned().collect();
    let analysis = analyze_with_weather(&line_site, readings, &line_production, weather, options);
    let result = analysis.lines.into_iter().next().ok_or(VerificationError::UnknownLine { line: line.to_owned() })?;
    let baseline = match (result.baseline, result.baseline_error) {
        (Some(baseline), _) => baseline,
        (None, Some(error)) => return Err(VerificationError::NoBaseline { error }),
        (None, None) => {
            return Err(VerificationError::NoBaseline {
                error: FitError::TooFewObservations { n_observations: 0, n_parameters: 2 },
            });
        }
    };
    let savings = result.savings.ok_or(VerificationError::NoReportingData)?;
    let scale = DAYS_PER_YEAR / savings.n_reporting_periods as f64;
    let saving_kwh_per_year = savings.savings_kwh * scale;
    Ok(Verification {
        line: line.to_owned(),
        baseline_period: options
            .baseline
            .or(analysis.baseline_period)
            .unwrap_or(DayRange { first: jiff::civil::date(1970, 1, 1), last: jiff::civil::date(1970, 1, 1) }),
        reporting_period: options.reporting.ok_or(VerificationError::NoReportingData)?,
        baseline,
        baseline_checks: result.baseline_checks,
        savings,
        saving_kwh_per_year,
        uncertainty_kwh_per_year: savings.uncertainty_kwh * scale,
        saving_t_co2e_per_year: saving_kwh_per_year / 1000.0 * site.grid_factor.t_co2e_per_mwh,
        grid_factor: site.grid_factor.clone(),
        saving_cny_per_year: site.tariff.as_ref().map(|tariff| saving_kwh_per_year * tariff.cny_per_kwh),
        tariff: site.tariff.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Area, Equipment, Line, Meter, MeterKind, MeterUnit, Register};
    use jiff::civil::{Date, date};

    fn site() -> Site {
        Site {
            name: "golden".into(),
            utc_offset_seconds: 0,
            interval_minutes: 60,
            areas: vec![Area { id: "A".into(), name: "A".into() }],
            lines: vec![Line {
                id: "L".into(),
                name: "L".into(),
                area: "A".into(),
                product_sku: "CUP".into(),
                output_unit: "cup".into(),
            }],
            meters: vec![Meter {
                id: "M".into(),
                line: "L".into(),
                kind: MeterKind::Electricity,
                serves: Equipment::WholeLine,
                unit: MeterUnit::KilowattHour,
                register: Register::Interval,
                ct_ratio: 1.0,
                pt_ratio: 1.0,
                multiplier: 1.0,
                kwh_per_unit: Some(1.0),
            }],
            grid_factor: GridFactor { t_co2e_per_mwh: 0.5, source: "test".into(), factor_id: None },
            tariff: Some(Tariff { cny_per_kwh: 0.5, source: "test".into() }),
        }
    }

    /// Each day's energy spread evenly over its 24 hours (so no hour is a gap or a spike).
    fn day_readings(days: &[(Date, f64)]) -> Vec<RawReading> {
        let mut readings = Vec::new();
        for (day, energy) in days {
            let midnight = (*day - date(1970, 1, 1)).get_days() as i64 * 86_400;
            for hour in 1..=24 {
                readings.push(RawReading { time_s: midnight + hour * 3600, value: energy / 24.0, row: 0 });
            }
        }
        readings
    }

    /// Golden case by hand. Baseline days (P, E): (1, 3), (2, 5), (3, 8), (4, 9), (5, 11): the regression module's
    /// hand-computed case, β0 = 1.2, β1 = 2, CV(RMSE) = sqrt(0.8/3)/7.2 = 0.0717219, ρ = −0.3 → n' = n = 5.
    /// Reporting days (P, E): (2, 4), (4, 8): adjusted baseline 5.2 + 9.2 = 14.4, measured 12, S = 2.4 kWh.
    /// ΔS at 90 % = 1.26 · t(0.95; 3) · CV · sqrt((n/n')(1 + 2/n')(1/m)) · 14.4
    ///            = 1.26 · 2.353363 · 0.0717219 · sqrt(1 · 1.4 · 0.5) · 14.4 = 2.56226…
    /// Per year: 2.4 · 365/2 = 438 kWh; at 0.5 t/MWh 0.219 t CO2e; at ¥0.5/kWh ¥219.
    #[test]
    fn golden_verified_saving_by_hand() {
        let baseline_days = [(1.0, 3.0), (2.0, 5.0), (3.0, 8.0), (4.0, 9.0), (5.0, 11.0)];
        let reporting_days = [(2.0, 4.0), (4.0, 8.0)];
        let first = date(2026, 1, 1);
        let mut energy = Vec::new();
        let mut production = Vec::new();
        for (index, (units, kwh)) in baseline_days.iter().chain(reporting_days.iter()).enumerate() {
            let day = first.checked_add(jiff::Span::new().days(index as i64)).unwrap();
            energy.push((day, *kwh));
            production.push(ProductionRecord { line: "L".into(), sku: "CUP".into(), day, units: *units, row: index });
        }
        let readings = HashMap::from([("M".to_owned(), day_readings(&energy))]);
        let options = AnalysisOptions {
            baseline: Some(DayRange { first, last: date(2026, 1, 5) }),
            reporting: Some(DayRange { first: date(2026, 1, 6), last: date(2026, 1, 7) }),
            confidence: 0.9,
        };
        let verification = verify(&site(), &readings, &production, "L", &options).unwrap();
        let close = |actual: f64, expected: f64, tolerance: f64, what: &str| {
            assert!((actual - expected).abs() <= tolerance, "{what}: expected {expected}, got {actual}");
        };
        close(verification.baseline.coefficients[0].estimate, 1.2, 1e-9, "β0");
        close(verification.baseline.coefficients[1].estimate, 2.0, 1e-9, "β1");
        close(verification.savings.adjusted_baseline_kwh, 14.4, 1e-9, "adjusted baseline");
        close(verification.savings.reporting_kwh, 12.0, 1e-9, "reporting energy");
        close(verification.savings.savings_kwh, 2.4, 1e-9, "S");
        let cv = (0.8_f64 / 3.0).sqrt() / 7.2;
        let expected_uncertainty = 1.26 * 2.353_363_4 * cv * (1.4_f64 * 0.5).sqrt() * 14.4;
        close(verification.savings.uncertainty_kwh, expected_uncertainty, 1e-4, "ΔS");
        close(verification.saving_kwh_per_year, 438.0, 1e-9, "S per year");
        close(verification.saving_t_co2e_per_year, 0.219, 1e-12, "t CO2e per year");
        close(verification.saving_cny_per_year.unwrap(), 219.0, 1e-9, "¥ per year");
        close(verification.uncertainty_kwh_per_year, expected_uncertainty * 182.5, 1e-2, "ΔS per year");
    }

    #[test]
    fn an_unknown_line_or_an_empty_reporting_period_is_said() {
        let readings = HashMap::new();
        let options = AnalysisOptions::default();
        assert_eq!(
            verify(&site(), &readings, &[], "L9", &options).unwrap_err(),
            VerificationError::UnknownLine { line: "L9".into() }
        );
        assert!(matches!(verify(&site(), &readings, &[], "L", &options), Err(VerificationError::NoBaseline { .. })));
    }
}
