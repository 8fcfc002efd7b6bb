//! Energy baselines by linear regression (ISO 50006 statistical EnPI; IPMVP Options B and C), their fit statistics
//! and the ASHRAE Guideline 14-2014 criteria and savings uncertainty.
//!
//! A baseline is E = β0 + β1·P (+ β2·HDD + β3·CDD), or a change-point model whose weather term is the degrees below
//! (heating) or above (cooling) a balance-point temperature found by search. β0 is the non-production load: the
//! energy a line uses in a period when it makes nothing.
//!
//! Statistics (ASHRAE Guideline 14-2014, Annex B; REFERENCES.md §6), with n observations and p parameters:
//! - CV(RMSE) = sqrt(Σ(y − ŷ)² / (n − p)) / ȳ
//! - NMBE = Σ(y − ŷ) / ((n − p) · ȳ)
//! - R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²
//! - t-statistic of each coefficient = β / se(β), se from σ²·(XᵀX)⁻¹ with σ² = Σ(y − ŷ)²/(n − p)
//! - lag-1 autocorrelation ρ of the residuals and the effective number of observations n' = n(1 − ρ)/(1 + ρ)
//! - fractional savings uncertainty ΔS/S = 1.26 · t · CV · sqrt((n/n') · (1 + 2/n') · (1/m)) / F, with t the
//!   two-sided Student t quantile at the chosen confidence and n − p degrees of freedom, m the number of reporting
//!   periods and F the savings as a fraction of the baseline's prediction for the reporting period.

use faer::Mat;
use faer::Side;
use faer::linalg::solvers::{DenseSolveCore as _, SolveLstsq as _};
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF as _, StudentsT};

use crate::stats::lag1_autocorrelation;

/// ASHRAE Guideline 14's empirical factor in the savings-uncertainty approximation (Annex B).
pub const G14_UNCERTAINTY_FACTOR: f64 = 1.26;

/// The smallest |t| for which a term is taken to explain the energy (ISO 50006 and IPMVP practice: t ≥ 2, about
/// 95 % confidence for more than a handful of observations).
pub const MINIMUM_T_STATISTIC: f64 = 2.0;

/// One term of a baseline model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "term", rename_all = "snake_case")]
pub enum Term {
    /// The constant: the non-production load per period.
    Intercept,
    /// Units produced in the period.
    Production,
    /// Heating degree-days given with the data.
    HeatingDegreeDays,
    /// Cooling degree-days given with the data.
    CoolingDegreeDays,
    /// max(0, balance point − mean temperature): a heating change-point term.
    HeatingBelow {
        /// Balance-point temperature, °C.
        balance_point_c: f64,
    },
    /// max(0, mean temperature − balance point): a cooling change-point term.
    CoolingAbove {
        /// Balance-point temperature, °C.
        balance_point_c: f64,
    },
}

impl Term {
    /// The term's value for a period's conditions; `None` when the conditions lack what it needs.
    pub fn value(self, conditions: &Conditions) -> Option<f64> {
        match self {
            Term::Intercept => Some(1.0),
            Term::Production => Some(conditions.production_units),
            Term::HeatingDegreeDays => conditions.heating_degree_days,
            Term::CoolingDegreeDays => conditions.cooling_degree_days,
            Term::HeatingBelow { balance_point_c } => {
                conditions.mean_temperature_c.map(|temperature| (balance_point_c - temperature).max(0.0))
            }
            Term::CoolingAbove { balance_point_c } => {
                conditions.mean_temperature_c.map(|temperature| (temperature - balance_point_c).max(0.0))
            }
        }
    }
}

/// What drives energy in one period.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Conditions {
    /// Units produced.
    pub production_units: f64,
    /// Heating degree-days, when known.
    pub heating_degree_days: Option<f64>,
    /// Cooling degree-days, when known.
    pub cooling_degree_days: Option<f64>,
    /// Mean outdoor temperature, °C, when known.
    pub mean_temperature_c: Option<f64>,
}

/// One period of the baseline (or reporting) data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// Energy used in the period, kWh.
    pub energy_kwh: f64,
    /// What drove it.
    pub conditions: Conditions,
}

/// The length of the periods a baseline is fitted on, which decides the Guideline 14 limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Hours.
    Hourly,
    /// Days.
    Daily,
    /// Months (billing periods).
    Monthly,
}

impl Resolution {
    /// Guideline 14 limits (CV(RMSE), |NMBE|) as fractions.
    /// - Monthly: 15 % and 5 %, and hourly: 30 % and 10 %, the calibration limits (REFERENCES.md §6).
    /// - Daily: 25 % and 0.5 %, the Guideline 14-2014 limits for a whole-facility regression baseline as M&V
    ///   practice cites them (e.g. LBNL's assessments of automated M&V). These are the ones a daily model is held
    ///   to here, rather than the looser hourly calibration limits. A least-squares model with an intercept has an
    ///   NMBE of zero by construction, so the NMBE limit bites only on models without one.
    pub fn g14_limits(self) -> (f64, f64) {
        match self {
            Resolution::Monthly => (0.15, 0.05),
            Resolution::Daily => (0.25, 0.005),
            Resolution::Hourly => (0.30, 0.10),
        }
    }
}

/// A fitted coefficient.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coefficient {
    /// The term.
    pub term: Term,
    /// Its estimate (kWh per unit of the term).
    pub estimate: f64,
    /// Its standard error.
    pub standard_error: f64,
    /// estimate / standard error.
    pub t_statistic: f64,
}

/// Fit statistics of a baseline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FitStatistics {
    /// n.
    pub n_observations: usize,
    /// p.
    pub n_parameters: usize,
    /// Coefficient of determination.
    pub r_squared: f64,
    /// R² adjusted for the number of parameters: 1 − (1 − R²)(n − 1)/(n − p). Comparing models with different
    /// terms by it penalises a term that adds nothing (ASHRAE Guideline 14 Annex B; ISO 50006).
    pub adjusted_r_squared: f64,
    /// sqrt(Σ(y − ŷ)²/(n − p)), kWh per period.
    pub rmse_kwh: f64,
    /// CV(RMSE) as a fraction.
    pub cv_rmse: f64,
    /// NMBE as a fraction.
    pub nmbe: f64,
    /// Mean energy per period, kWh.
    pub mean_energy_kwh: f64,
    /// Lag-1 autocorrelation of the residuals.
    pub lag1_autocorrelation: f64,
    /// n' = n(1 − ρ)/(1 + ρ).
    pub effective_n: f64,
}

/// A fitted baseline model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// The period length it was fitted on.
    pub resolution: Resolution,
    /// Its coefficients, one per term.
    pub coefficients: Vec<Coefficient>,
    /// Its statistics.
    pub statistics: FitStatistics,
    /// Residuals y − ŷ of the baseline periods, in order.
    pub residuals_kwh: Vec<f64>,
}

/// Why a baseline could not be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code, so a new one without its texts does not compile.
pub enum FitError {
    /// Fewer observations than parameters plus one (no degrees of freedom left for the statistics).
    #[error("{n_observations} observations are too few for {n_parameters} parameters")]
    TooFewObservations {
        /// n.
        n_observations: usize,
        /// p.
        n_parameters: usize,
    },
    /// A term could not be evaluated for an observation (e.g. no temperature for a change-point model).
    #[error("observation {observation_idx} has no value for a term of the model")]
    MissingCondition {
        /// 0-based index of the observation.
        observation_idx: usize,
    },
    /// The terms are linearly dependent on these data (e.g. production never varies), so the coefficients are
    /// not determined.
    #[error("the model's terms are collinear on these data")]
    Collinear,
    /// The mean energy is zero or negative, so CV(RMSE) and NMBE are undefined.
    #[error("the mean energy is not positive")]
    NonPositiveMeanEnergy,
}

impl Baseline {
    /// The coefficient of a term, if the model has it.
    pub fn coefficient(&self, term_matches: impl Fn(&Term) -> bool) -> Option<&Coefficient> {
        self.coefficients.iter().find(|coefficient| term_matches(&coefficient.term))
    }

    /// β0, the non-production load per period, when the model has an intercept.
    pub fn non_production_load_kwh(&self) -> Option<f64> {
        self.coefficient(|term| matches!(term, Term::Intercept)).map(|coefficient| coefficient.estimate)
    }

    /// The model's prediction for a period, `None` when a term cannot be evaluated.
    pub fn predict(&self, conditions: &Conditions) -> Option<f64> {
        self.coefficients
            .iter()
            .map(|coefficient| coefficient.term.value(conditions).map(|value| value * coefficient.estimate))
            .sum()
    }
}

/// Fits `terms` to `observations` by ordinary least squares (faer's column-pivoted QR).
pub fn fit(terms: &[Term], observations: &[Observation], resolution: Resolution) -> Result<Baseline, FitError> {
    let n_observations = observations.len();
    let n_parameters = terms.len();
    if n_observations <= n_parameters {
        return Err(FitError::TooFewObservations { n_observations, n_parameters });
    }
    let mut design = Mat::<f64>::zeros(n_observations, n_parameters);
    for (observation_idx, observation) in observations.iter().enumerate() {
        for (term_idx, term) in terms.iter().enumerate() {
            design[(observation_idx, term_idx)] =
                term.value(&observation.conditions).ok_or(FitError::MissingCondition { observation_idx })?;
        }
    }
    let energy = Mat::<f64>::from_fn(n_observations, 1, |observation_idx, _| observations[observation_idx].energy_kwh);
    let mean_energy_kwh =
        observations.iter().map(|observation| observation.energy_kwh).sum::<f64>() / n_observations as f64;
    if mean_energy_kwh <= 0.0 || !mean_energy_kwh.is_finite() {
        return Err(FitError::NonPositiveMeanEnergy);
    }

    // XᵀX must be well conditioned for the coefficients (and their standard errors) to mean anything; a Cholesky
    // factorisation of it fails for collinear terms, which the QR solve alone would answer with arbitrary numbers.
    let gram = design.transpose() * design.as_ref();
    let scale = (0..n_parameters).map(|idx| gram[(idx, idx)]).fold(0.0_f64, f64::max);
    let cholesky = gram.llt(Side::Lower).map_err(|_| FitError::Collinear)?;
    let inverse_gram = cholesky.inverse();
    let condition_guard =
        (0..n_parameters).map(|idx| inverse_gram[(idx, idx)] * gram[(idx, idx)]).fold(0.0_f64, f64::max);
    if !condition_guard.is_finite() || condition_guard > 1e12 || scale == 0.0 {
        return Err(FitError::Collinear);
    }
    let solution = design.col_piv_qr().solve_lstsq(energy.as_ref());

    let estimates: Vec<f64> = (0..n_parameters).map(|term_idx| solution[(term_idx, 0)]).collect();
    let residuals_kwh: Vec<f64> = observations
        .iter()
        .enumerate()
        .map(|(observation_idx, observation)| {
            let predicted: f64 =
                (0..n_parameters).map(|term_idx| design[(observation_idx, term_idx)] * estimates[term_idx]).sum();
            observation.energy_kwh - predicted
        })
        .collect();
    let degrees_of_freedom = (n_observations - n_parameters) as f64;
    let sum_squared_residuals: f64 = residuals_kwh.iter().map(|residual| residual * residual).sum();
    let total_sum_squares: f64 =
        observations.iter().map(|observation| (observation.energy_kwh - mean_energy_kwh).powi(2)).sum();
    let residual_variance = sum_squared_residuals / degrees_of_freedom;
    let rmse_kwh = residual_variance.sqrt();
    let coefficients = terms
        .iter()
        .enumerate()
        .map(|(term_idx, term)| {
            let standard_error = (residual_variance * inverse_gram[(term_idx, term_idx)]).sqrt();
            let estimate = estimates[term_idx];
            let t_statistic =
                if standard_error > 0.0 { estimate / standard_error } else { f64::INFINITY.copysign(estimate) };
            Coefficient { term: *term, estimate, standard_error, t_statistic }
        })
        .collect();
    let rho = lag1_autocorrelation(&residuals_kwh);
    let r_squared = if total_sum_squares > 0.0 { 1.0 - sum_squared_residuals / total_sum_squares } else { 1.0 };
    let statistics = FitStatistics {
        n_observations,
        n_parameters,
        r_squared,
        adjusted_r_squared: 1.0 - (1.0 - r_squared) * (n_observations as f64 - 1.0) / degrees_of_freedom,
        rmse_kwh,
        cv_rmse: rmse_kwh / mean_energy_kwh,
        nmbe: residuals_kwh.iter().sum::<f64>() / (degrees_of_freedom * mean_energy_kwh),
        mean_energy_kwh,
        lag1_autocorrelation: rho,
        effective_n: effective_observations(n_observations, rho),
    };
    Ok(Baseline { resolution, coefficients, statistics, residuals_kwh })
}

/// One model tried in a baseline's model selection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateModel {
    /// Its terms.
    pub terms: Vec<Term>,
    /// Its adjusted R², when it could be fitted.
    pub adjusted_r_squared: Option<f64>,
    /// Whether it was eligible: fitted, and every weather term with |t| ≥ 2 and a positive slope (energy that falls
    /// as it gets colder, or hotter, is not what a heating or cooling term means).
    pub eligible: bool,
    /// Whether it was chosen.
    pub chosen: bool,
}

/// A baseline chosen among candidate models, with every candidate tried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSelection {
    /// The chosen model.
    pub baseline: Baseline,
    /// Every candidate, in the order tried (production only first).
    pub candidates: Vec<CandidateModel>,
}

/// Fits E = β0 + β1·P and, when every observation has them, the same plus HDD, plus CDD, and plus both, and keeps the
/// eligible model with the highest adjusted R² (ASHRAE Guideline 14: a term enters a baseline when it improves the
/// fit and is significant). The production-only model is always eligible when it fits; if it cannot be fitted its
/// error is returned, since a weather-only baseline would hide the line's production.
pub fn select_baseline(observations: &[Observation], resolution: Resolution) -> Result<ModelSelection, FitError> {
    let has = |value: fn(&Conditions) -> Option<f64>| {
        !observations.is_empty() && observations.iter().all(|observation| value(&observation.conditions).is_some())
    };
    let has_heating = has(|conditions| conditions.heating_degree_days);
    let has_cooling = has(|conditions| conditions.cooling_degree_days);
    let mut term_sets = vec![vec![Term::Intercept, Term::Production]];
    if has_heating {
        term_sets.push(vec![Term::Intercept, Term::Production, Term::HeatingDegreeDays]);
    }
    if has_cooling {
        term_sets.push(vec![Term::Intercept, Term::Production, Term::CoolingDegreeDays]);
    }
    if has_heating && has_cooling {
        term_sets.push(vec![Term::Intercept, Term::Production, Term::HeatingDegreeDays, Term::CoolingDegreeDays]);
    }
    let mut candidates = Vec::with_capacity(term_sets.len());
    let mut best: Option<(usize, Baseline)> = None;
    for (candidate_idx, terms) in term_sets.into_iter().enumerate() {
        let fitted = fit(&terms, observations, resolution);
        let base_error = match (&fitted, candidate_idx) {
            (Err(error), 0) => Some(error.clone()),
            _ => None,
        };
        if let Some(error) = base_error {
            return Err(error);
        }
        let eligible = fitted.as_ref().is_ok_and(|baseline| {
            baseline.coefficients.iter().all(|coefficient| match coefficient.term {
                Term::HeatingDegreeDays | Term::CoolingDegreeDays => {
                    coefficient.estimate > 0.0 && coefficient.t_statistic.abs() >= MINIMUM_T_STATISTIC
                }
                _ => true,
            })
        });
        let adjusted_r_squared = fitted.as_ref().ok().map(|baseline| baseline.statistics.adjusted_r_squared);
        if let Ok(baseline) = fitted
            && eligible
            && best
                .as_ref()
                .is_none_or(|(_, best)| baseline.statistics.adjusted_r_squared > best.statistics.adjusted_r_squared)
        {
            best = Some((candidate_idx, baseline));
        }
        candidates.push(CandidateModel { terms, adjusted_r_squared, eligible, chosen: false });
    }
    let (chosen_idx, baseline) = best.expect("the production-only model fitted, so one candidate is eligible");
    candidates[chosen_idx].chosen = true;
    Ok(ModelSelection { baseline, candidates })
}

/// n' = n(1 − ρ)/(1 + ρ); with negative ρ the data are taken at face value (n' = n), since anticorrelated residuals
/// do not add information.
pub fn effective_observations(n_observations: usize, rho: f64) -> f64 {
    let rho = rho.clamp(0.0, 0.999_999);
    n_observations as f64 * (1.0 - rho) / (1.0 + rho)
}

/// Which kind of change-point model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangePoint {
    /// Energy rises below the balance point.
    Heating,
    /// Energy rises above the balance point.
    Cooling,
}

/// A change-point baseline with its balance-point search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangePointFit {
    /// The best model.
    pub baseline: Baseline,
    /// The balance point chosen, °C.
    pub balance_point_c: f64,
    /// Every candidate tried, with its residual sum of squares (kWh²); candidates that could not be fitted are left
    /// out.
    pub search: Vec<(f64, f64)>,
}

/// Fits E = β0 + β1·P + β2·max(0, Tb − T) (heating) or β2·max(0, T − Tb) (cooling) for every candidate balance point
/// Tb and keeps the one with the smallest residual sum of squares (a grid search, as in ASHRAE RP-1050's inverse
/// models). `with_production` drops the production term for buildings.
pub fn fit_change_point(
    observations: &[Observation],
    kind: ChangePoint,
    candidates_c: &[f64],
    with_production: bool,
    resolution: Resolution,
) -> Result<ChangePointFit, FitError> {
    let mut best: Option<ChangePointFit> = None;
    let mut search = Vec::with_capacity(candidates_c.len());
    let mut last_error = FitError::TooFewObservations { n_observations: observations.len(), n_parameters: 3 };
    for &balance_point_c in candidates_c {
        let weather = match kind {
            ChangePoint::Heating => Term::HeatingBelow { balance_point_c },
            ChangePoint::Cooling => Term::CoolingAbove { balance_point_c },
        };
        let terms: Vec<Term> = if with_production {
            vec![Term::Intercept, Term::Production, weather]
        } else {
            vec![Term::Intercept, weather]
        };
        match fit(&terms, observations, resolution) {
            Ok(baseline) => {
                let sum_squares: f64 = baseline.residuals_kwh.iter().map(|residual| residual * residual).sum();
                search.push((balance_point_c, sum_squares));
                let better = best.as_ref().is_none_or(|best| {
                    sum_squares < best.baseline.residuals_kwh.iter().map(|residual| residual * residual).sum::<f64>()
                });
                if better {
                    best = Some(ChangePointFit { baseline, balance_point_c, search: Vec::new() });
                }
            }
            Err(error) => last_error = error,
        }
    }
    let mut best = best.ok_or(last_error)?;
    best.search = search;
    Ok(best)
}

/// A Guideline 14 (or ISO 50006) criterion a baseline misses.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code, so a new one without its texts does not compile.
pub enum BaselineCheck {
    /// CV(RMSE) above the limit for the resolution.
    CvRmseTooHigh {
        /// The model's CV(RMSE), fraction.
        cv_rmse: f64,
        /// The limit, fraction.
        limit: f64,
    },
    /// |NMBE| above the limit for the resolution.
    NmbeTooHigh {
        /// The model's NMBE, fraction.
        nmbe: f64,
        /// The limit, fraction.
        limit: f64,
    },
    /// A term whose |t| is below 2: its coefficient is not distinguishable from zero.
    TermNotSignificant {
        /// The term.
        term: Term,
        /// Its t-statistic.
        t_statistic: f64,
        /// The threshold.
        limit: f64,
    },
    /// The fractional savings uncertainty at 68 % confidence is above 50 % of the savings.
    SavingsUncertaintyTooHigh {
        /// ΔS/S at 68 % confidence.
        fractional_uncertainty: f64,
    },
}

/// The criteria a baseline misses (empty when it meets them all). The intercept is exempt from the t test: a zero
/// non-production load is a legitimate finding, not a defect of the model.
pub fn check_baseline(baseline: &Baseline) -> Vec<BaselineCheck> {
    let (cv_limit, nmbe_limit) = baseline.resolution.g14_limits();
    let statistics = &baseline.statistics;
    let mut failures = Vec::new();
    if statistics.cv_rmse > cv_limit {
        failures.push(BaselineCheck::CvRmseTooHigh { cv_rmse: statistics.cv_rmse, limit: cv_limit });
    }
    if statistics.nmbe.abs() > nmbe_limit {
        failures.push(BaselineCheck::NmbeTooHigh { nmbe: statistics.nmbe, limit: nmbe_limit });
    }
    for coefficient in &baseline.coefficients {
        if !matches!(coefficient.term, Term::Intercept) && coefficient.t_statistic.abs() < MINIMUM_T_STATISTIC {
            failures.push(BaselineCheck::TermNotSignificant {
                term: coefficient.term,
                t_statistic: coefficient.t_statistic,
                limit: MINIMUM_T_STATISTIC,
            });
        }
    }
    failures
}

/// The two-sided Student t quantile for `confidence` (e.g. 0.9) with `degrees_of_freedom`.
pub fn t_quantile(confidence: f64, degrees_of_freedom: f64) -> f64 {
    assert!(confidence > 0.0 && confidence < 1.0, "a confidence level is a fraction between 0 and 1");
    match StudentsT::new(0.0, 1.0, degrees_of_freedom.max(1.0)) {
        Ok(distribution) => distribution.inverse_cdf(0.5 + confidence / 2.0),
        Err(_) => f64::NAN,
    }
}

/// Savings over a reporting period and their uncertainty (IPMVP avoided energy use; ASHRAE Guideline 14 Annex B).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Savings {
    /// Σ baseline prediction at reporting conditions, kWh.
    pub adjusted_baseline_kwh: f64,
    /// Σ measured energy in the reporting period, kWh.
    pub reporting_kwh: f64,
    /// S = adjusted baseline − reporting, kWh (positive: energy saved).
    pub savings_kwh: f64,
    /// m, reporting periods.
    pub n_reporting_periods: usize,
    /// The confidence level of `uncertainty_kwh`.
    pub confidence: f64,
    /// ± ΔS at `confidence`, kWh.
    pub uncertainty_kwh: f64,
    /// ΔS/S at `confidence` (infinite when S is zero).
    pub fractional_uncertainty: f64,
    /// ΔS/S at 68 % confidence, the Guideline 14 criterion (must be below 50 %).
    pub fractional_uncertainty_68: f64,
}

/// S = f_baseline(X_reporting) − E_reporting with its Guideline 14 uncertainty; `None` when a reporting period lacks a
/// condition the model needs or there are no reporting periods.
pub fn normalised_savings(baseline: &Baseline, reporting: &[Observation], confidence: f64) -> Option<Savings> {
    if reporting.is_empty() {
        return None;
    }
    let adjusted_baseline_kwh: f64 =
        reporting.iter().map(|observation| baseline.predict(&observation.conditions)).sum::<Option<f64>>()?;
    let reporting_kwh: f64 = reporting.iter().map(|observation| observation.energy_kwh).sum();
    let savings_kwh = adjusted_baseline_kwh - reporting_kwh;
    let uncertainty_at =
        |confidence: f64| savings_uncertainty_kwh(baseline, reporting.len(), adjusted_baseline_kwh, confidence);
    let uncertainty_kwh = uncertainty_at(confidence);
    let fraction = |uncertainty: f64| if savings_kwh == 0.0 { f64::INFINITY } else { uncertainty / savings_kwh.abs() };
    Some(Savings {
        adjusted_baseline_kwh,
        reporting_kwh,
        savings_kwh,
        n_reporting_periods: reporting.len(),
        confidence,
        uncertainty_kwh,
        fractional_uncertainty: fraction(uncertainty_kwh),
        fractional_uncertainty_68: fraction(uncertainty_at(0.68)),
    })
}

/// ΔS = 1.26 · t · CV · sqrt((n/n')(1 + 2/n')(1/m)) · E_adjusted-baseline (Guideline 14 Annex B, the fractional form
/// multiplied by S = F · E_adjusted-baseline).
pub fn savings_uncertainty_kwh(
    baseline: &Baseline,
    n_reporting_periods: usize,
    adjusted_baseline_kwh: f64,
    confidence: f64,
) -> f64 {
    let statistics = &baseline.statistics;
    let n = statistics.n_observations as f64;
    let n_effective = statistics.effective_n.max(f64::MIN_POSITIVE);
    let t = t_quantile(confidence, n - statistics.n_parameters as f64);
    let bracket = (n / n_effective) * (1.0 + 2.0 / n_effective) * (1.0 / n_reporting_periods as f64);
    G14_UNCERTAINTY_FACTOR * t * statistics.cv_rmse * bracket.sqrt() * adjusted_baseline_kwh.abs()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observation(production_units: f64, energy_kwh: f64) -> Observation {
        Observation { energy_kwh, conditions: Conditions { production_units, ..Conditions::default() } }
    }

    fn close(actual: f64, expected: f64, tolerance: f64, what: &str) {
        assert!((actual - expected).abs() <= tolerance, "{what}: expected {expected}, got {actual}");
    }

    /// Golden case computed by hand. Data (P, E): (1, 3), (2, 5), (3, 8), (4, 9), (5, 11).
    /// x̄ = 3, ȳ = 7.2; Sxx = 10, Sxy = (−2)(−4.2) + (−1)(−2.2) + 0 + (1)(1.8) + (2)(3.8) = 20
    /// β1 = 20/10 = 2, β0 = 7.2 − 2·3 = 1.2; fitted 3.2, 5.2, 7.2, 9.2, 11.2; residuals −0.2, −0.2, 0.8, −0.2, −0.2.
    /// SSE = 4·0.04 + 0.64 = 0.8; SST = 17.64 + 4.84 + 0.64 + 3.24 + 14.44 = 40.8; R² = 1 − 0.8/40.8 = 0.980392…
    /// n − p = 3: RMSE = sqrt(0.8/3) = 0.516398…; CV(RMSE) = 0.516398/7.2 = 0.0717219…; NMBE = 0/(3·7.2) = 0.
    /// se(β1) = sqrt((0.8/3)/Sxx) = sqrt(0.0266667) = 0.163299…; t(β1) = 2/0.163299 = 12.2474…
    /// se(β0) = sqrt((0.8/3)·(1/5 + 9/10)) = sqrt(0.293333) = 0.541603…; t(β0) = 1.2/0.541603 = 2.21565…
    /// Residual ρ: Σ eₜeₜ₋₁ = 0.04 − 0.16 − 0.16 + 0.04 = −0.24; Σe² = 0.8; ρ = −0.3 → n' = n = 5 (ρ < 0 taken as 0).
    #[test]
    fn golden_simple_regression_by_hand() {
        let data = [
            observation(1.0, 3.0),
            observation(2.0, 5.0),
            observation(3.0, 8.0),
            observation(4.0, 9.0),
            observation(5.0, 11.0),
        ];
        let baseline = fit(&[Term::Intercept, Term::Production], &data, Resolution::Monthly).expect("fits");
        let statistics = baseline.statistics;
        close(baseline.coefficients[0].estimate, 1.2, 1e-12, "β0");
        close(baseline.coefficients[1].estimate, 2.0, 1e-12, "β1");
        close(statistics.r_squared, 1.0 - 0.8 / 40.8, 1e-12, "R²");
        close(statistics.rmse_kwh, (0.8_f64 / 3.0).sqrt(), 1e-12, "RMSE");
        close(statistics.cv_rmse, (0.8_f64 / 3.0).sqrt() / 7.2, 1e-12, "CV(RMSE)");
        close(statistics.nmbe, 0.0, 1e-12, "NMBE");
        close(baseline.coefficients[1].t_statistic, 2.0 / (0.8_f64 / 30.0).sqrt(), 1e-9, "t(β1)");
        close(baseline.coefficients[0].t_statistic, 1.2 / (0.8_f64 / 3.0 * 1.1).sqrt(), 1e-9, "t(β0)");
        close(statistics.lag1_autocorrelation, -0.3, 1e-12, "ρ");
        close(statistics.effective_n, 5.0, 1e-12, "n'");
        assert_eq!(check_baseline(&baseline), []);
    }

    /// NMBE is not zero for a model without an intercept. Data (P, E): (1, 2), (2, 5), (3, 5).
    /// β = ΣPE/ΣP² = (2 + 10 + 15)/14 = 27/14; fitted 27/14, 54/14, 81/14; residuals 1/14, 16/14, −11/14; Σ = 6/14.
    /// ȳ = 4, n − p = 2: NMBE = (6/14)/(2·4) = 0.0535714…; SSE = (1 + 256 + 121)/196 = 378/196;
    /// CV(RMSE) = sqrt(378/196/2)/4 = 0.245495…
    #[test]
    fn golden_nmbe_without_intercept() {
        let data = [observation(1.0, 2.0), observation(2.0, 5.0), observation(3.0, 5.0)];
        let baseline = fit(&[Term::Production], &data, Resolution::Monthly).expect("fits");
        close(baseline.statistics.nmbe, 6.0 / 14.0 / 8.0, 1e-12, "NMBE");
        close(baseline.statistics.cv_rmse, (378.0_f64 / 196.0 / 2.0).sqrt() / 4.0, 1e-12, "CV(RMSE)");
        let failures = check_baseline(&baseline);
        assert!(failures.iter().any(|failure| matches!(failure, BaselineCheck::CvRmseTooHigh { .. })), "{failures:?}");
        assert!(failures.iter().any(|failure| matches!(failure, BaselineCheck::NmbeTooHigh { .. })), "{failures:?}");
    }

    /// Savings and their uncertainty by hand on the golden model (β0 = 1.2, β1 = 2, CV = sqrt(0.8/3)/7.2, n = n' = 5,
    /// n − p = 3). Reporting (P, E): (2, 4), (4, 8): adjusted baseline = 5.2 + 9.2 = 14.4, S = 14.4 − 12 = 2.4.
    /// t(90 %, 3 dof) = 2.353363…; bracket = (5/5)(1 + 2/5)(1/2) = 0.7;
    /// ΔS = 1.26 · 2.353363 · 0.0717219 · sqrt(0.7) · 14.4 = 2.567688… kWh.
    #[test]
    fn golden_savings_uncertainty_by_hand() {
        let data = [
            observation(1.0, 3.0),
            observation(2.0, 5.0),
            observation(3.0, 8.0),
            observation(4.0, 9.0),
            observation(5.0, 11.0),
        ];
        let baseline = fit(&[Term::Intercept, Term::Production], &data, Resolution::Monthly).expect("fits");
        let savings =
            normalised_savings(&baseline, &[observation(2.0, 4.0), observation(4.0, 8.0)], 0.9).expect("savings");
        close(savings.adjusted_baseline_kwh, 14.4, 1e-12, "adjusted baseline");
        close(savings.savings_kwh, 2.4, 1e-12, "S");
        close(t_quantile(0.9, 3.0), 2.353363, 1e-6, "t");
        let expected = 1.26 * 2.353_363_434_8 * ((0.8_f64 / 3.0).sqrt() / 7.2) * 0.7_f64.sqrt() * 14.4;
        close(savings.uncertainty_kwh, expected, 1e-6, "ΔS");
        close(savings.fractional_uncertainty, expected / 2.4, 1e-6, "ΔS/S");
    }

    /// Adjusted R² of the golden model: 1 − (0.8/40.8)·(5 − 1)/(5 − 2).
    #[test]
    fn golden_adjusted_r_squared_by_hand() {
        let data = [
            observation(1.0, 3.0),
            observation(2.0, 5.0),
            observation(3.0, 8.0),
            observation(4.0, 9.0),
            observation(5.0, 11.0),
        ];
        let baseline = fit(&[Term::Intercept, Term::Production], &data, Resolution::Monthly).expect("fits");
        close(baseline.statistics.adjusted_r_squared, 1.0 - 0.8 / 40.8 * 4.0 / 3.0, 1e-12, "adjusted R²");
    }

    /// 120 days: production from a weekly pattern, a winter-to-spring temperature ramp (−2 to 17 °C, so no cooling
    /// degree-days) and a fixed ±3 % noise pattern. `weather_slope` kWh per HDD.
    fn weather_days(weather_slope: f64) -> Vec<Observation> {
        (0..120)
            .map(|day| {
                let production = 8000.0 + 600.0 * ((day * 3) % 7) as f64;
                let temperature = -2.0 + 19.0 * day as f64 / 119.0 + 2.0 * ((day * 5 % 9) as f64 - 4.0) / 4.0;
                let heating = (18.0 - temperature).max(0.0);
                let cooling = (temperature - 18.0).max(0.0);
                let noise = 1.0 + 0.03 * (((day * 37 + 11) % 23) as f64 - 11.0) / 11.0;
                Observation {
                    energy_kwh: (400.0 + 0.1 * production + weather_slope * heating) * noise,
                    conditions: Conditions {
                        production_units: production,
                        heating_degree_days: Some(heating),
                        cooling_degree_days: Some(cooling),
                        mean_temperature_c: Some(temperature),
                    },
                }
            })
            .collect()
    }

    #[test]
    fn heating_degree_days_enter_the_baseline_when_they_improve_the_fit() {
        let selection = select_baseline(&weather_days(20.0), Resolution::Daily).expect("fits");
        let terms: Vec<Term> = selection.baseline.coefficients.iter().map(|coefficient| coefficient.term).collect();
        assert_eq!(terms, [Term::Intercept, Term::Production, Term::HeatingDegreeDays], "{selection:?}");
        close(selection.baseline.coefficients[2].estimate, 20.0, 2.0, "kWh per HDD");
        // Production only, with HDD, with CDD (a few warm days at the end), with both.
        assert_eq!(selection.candidates.len(), 4);
        assert!(selection.candidates[1].chosen);
        assert!(!selection.candidates[2].chosen && !selection.candidates[3].chosen);
        let production_only = selection.candidates[0].adjusted_r_squared.expect("fitted");
        assert!(selection.candidates[1].adjusted_r_squared.expect("fitted") > production_only);
    }

    #[test]
    fn weather_that_explains_nothing_stays_out_of_the_baseline() {
        let selection = select_baseline(&weather_days(0.0), Resolution::Daily).expect("fits");
        let terms: Vec<Term> = selection.baseline.coefficients.iter().map(|coefficient| coefficient.term).collect();
        assert_eq!(terms, [Term::Intercept, Term::Production], "{selection:?}");
        assert!(selection.candidates[0].chosen);
    }

    #[test]
    fn without_degree_days_only_the_production_model_is_tried() {
        let mut days = weather_days(20.0);
        days[7].conditions.heating_degree_days = None;
        days[7].conditions.cooling_degree_days = None;
        let selection = select_baseline(&days, Resolution::Daily).expect("fits");
        assert_eq!(selection.candidates.len(), 1);
    }

    #[test]
    fn daily_models_are_held_to_the_daily_limits() {
        assert_eq!(Resolution::Daily.g14_limits(), (0.25, 0.005));
        assert_eq!(Resolution::Hourly.g14_limits(), (0.30, 0.10));
        assert_eq!(Resolution::Monthly.g14_limits(), (0.15, 0.05));
    }

    #[test]
    fn constant_production_is_collinear_with_the_intercept() {
        let data = [observation(2.0, 3.0), observation(2.0, 5.0), observation(2.0, 4.0)];
        assert_eq!(fit(&[Term::Intercept, Term::Production], &data, Resolution::Daily), Err(FitError::Collinear));
    }

    #[test]
    fn the_balance_point_search_finds_the_generating_balance_point() {
        // E = 100 + 0.5·P + 8·max(0, 15 − T), exactly.
        let observations: Vec<Observation> = (0..60)
            .map(|day| {
                let temperature = -5.0 + day as f64 * 0.5;
                let production = 100.0 + ((day * 37) % 50) as f64;
                Observation {
                    energy_kwh: 100.0 + 0.5 * production + 8.0 * (15.0 - temperature).max(0.0),
                    conditions: Conditions {
                        production_units: production,
                        mean_temperature_c: Some(temperature),
                        ..Conditions::default()
                    },
                }
            })
            .collect();
        let candidates: Vec<f64> = (0..=40).map(|step| 5.0 + step as f64 * 0.5).collect();
        let found =
            fit_change_point(&observations, ChangePoint::Heating, &candidates, true, Resolution::Daily).expect("fits");
        close(found.balance_point_c, 15.0, 1e-12, "balance point");
        close(found.baseline.coefficients[2].estimate, 8.0, 1e-9, "heating slope");
        assert_eq!(found.search.len(), candidates.len());
    }
}
