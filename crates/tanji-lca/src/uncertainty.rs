//! How uncertain an exchange amount is: the probability distributions of Monte Carlo analysis, their checks and
//! seeded sampling, and the pedigree-matrix route from data-quality scores to a lognormal spread.
//!
//! Parameters follow Brightway's `stats_arrays` semantics with the deterministic amount as the centre, so files can
//! move between the two tools: a lognormal's median is the amount and its spread is the geometric standard deviation
//! (σ of ln = ln GSD, `stats_arrays` type 2 with `loc = ln |amount|`, `scale = σ`); negative amounts keep their sign.
//!
//! Randomness is never taken from the environment here: every sampler takes a random-number generator that the caller
//! seeded, so a result is reproducible from its seed.

use rand::Rng;
use rand_distr::{Distribution as _, Open01, StandardNormal};

/// How an exchange amount varies. Parameters follow Brightway/stats_arrays semantics, with the deterministic amount as
/// the centre.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Distribution {
    /// No uncertainty: always the amount.
    Fixed,
    /// Median = the amount; geometric standard deviation (GSD, > 1; σ of ln = ln GSD). Negative amounts keep their
    /// sign.
    ///
    /// A GSD of exactly 1 is accepted and means no spread, because the pedigree route gives exactly 1 for perfect
    /// scores and a zero basic uncertainty; below 1 is refused (it would be the spread of 1/GSD written upside down).
    /// The amount must not be zero: a lognormal cannot have a median of zero.
    Lognormal { geometric_sd: f64 },
    /// Mean = the amount; standard deviation in the amount's unit (0 means no spread). Samples can change sign.
    Normal { sd: f64 },
    /// Minimum, mode and maximum in the amount's unit (mode is normally the amount). The amount must lie within
    /// [min, max].
    Triangular { min: f64, mode: f64, max: f64 },
    /// Minimum and maximum in the amount's unit. The amount must lie within [min, max].
    Uniform { min: f64, max: f64 },
}

/// Why a distribution does not fit its amount.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
// Not `non_exhaustive`: tanji-footprint's `UncertaintyReason` names every variant, so a new one without its texts
// does not compile.
pub enum UncertaintyError {
    /// A parameter or the amount is NaN or infinite.
    #[error("the {parameter} is not a finite number")]
    NonFinite { parameter: &'static str },
    /// A lognormal's geometric standard deviation is below 1.
    #[error(
        "the geometric standard deviation must be at least 1 (1 means no spread), but it is {geometric_sd}; \
         a GSD below 1 is usually 1/GSD or σ given instead of GSD = exp(σ)"
    )]
    GeometricSdBelowOne { geometric_sd: f64 },
    /// A lognormal was given for an amount of zero.
    #[error("a lognormal distribution needs a non-zero amount (its median), but the amount is 0")]
    LognormalOfZero,
    /// A normal distribution's standard deviation is negative.
    #[error("the standard deviation must not be negative, but it is {sd}")]
    NegativeSd { sd: f64 },
    /// The minimum is not below the maximum.
    #[error("the minimum ({min}) must be below the maximum ({max})")]
    EmptyRange { min: f64, max: f64 },
    /// A triangular distribution's mode lies outside [min, max].
    #[error("the mode ({mode}) must lie between the minimum ({min}) and the maximum ({max})")]
    ModeOutsideRange { min: f64, mode: f64, max: f64 },
    /// The deterministic amount lies outside the distribution's range.
    #[error("the amount ({amount}) lies outside the distribution's range [{min}, {max}]")]
    AmountOutsideRange { amount: f64, min: f64, max: f64 },
    /// A pedigree score is not a whole number from 1 to 5.
    #[error("the {indicator} score must be 1, 2, 3, 4 or 5, but it is {score}")]
    PedigreeScore { indicator: &'static str, score: u8 },
    /// A data-quality rating lies outside 1 to 5.
    #[error("the {indicator} data-quality rating must be from 1 to 5, but it is {rating}")]
    DataQualityRating { indicator: &'static str, rating: f64 },
}

impl Distribution {
    /// Check the parameters against the deterministic amount.
    pub fn check(&self, amount: f64) -> Result<(), UncertaintyError> {
        finite("amount", amount)?;
        match *self {
            Self::Fixed => Ok(()),
            Self::Lognormal { geometric_sd } => {
                finite("geometric standard deviation", geometric_sd)?;
                if geometric_sd < 1.0 {
                    return Err(UncertaintyError::GeometricSdBelowOne { geometric_sd });
                }
                if amount == 0.0 {
                    return Err(UncertaintyError::LognormalOfZero);
                }
                Ok(())
            }
            Self::Normal { sd } => {
                finite("standard deviation", sd)?;
                if sd < 0.0 { Err(UncertaintyError::NegativeSd { sd }) } else { Ok(()) }
            }
            Self::Triangular { min, mode, max } => {
                finite("minimum", min)?;
                finite("mode", mode)?;
                finite("maximum", max)?;
                if min >= max {
                    return Err(UncertaintyError::EmptyRange { min, max });
                }
                if !(min..=max).contains(&mode) {
                    return Err(UncertaintyError::ModeOutsideRange { min, mode, max });
                }
                within(amount, min, max)
            }
            Self::Uniform { min, max } => {
                finite("minimum", min)?;
                finite("maximum", max)?;
                if min >= max {
                    return Err(UncertaintyError::EmptyRange { min, max });
                }
                within(amount, min, max)
            }
        }
    }

    /// Whether every sample equals the amount (fixed, a GSD of 1 or a standard deviation of 0).
    pub fn is_fixed(&self) -> bool {
        match *self {
            Self::Fixed => true,
            Self::Lognormal { geometric_sd } => geometric_sd == 1.0,
            Self::Normal { sd } => sd == 0.0,
            Self::Triangular { .. } | Self::Uniform { .. } => false,
        }
    }

    /// The mean of the distribution around `amount` (for a lognormal: amount · exp(σ²/2), above the median).
    pub fn mean(&self, amount: f64) -> f64 {
        match *self {
            Self::Fixed | Self::Normal { .. } => amount,
            Self::Lognormal { geometric_sd } => amount * (geometric_sd.ln().powi(2) / 2.0).exp(),
            Self::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Self::Uniform { min, max } => (min + max) / 2.0,
        }
    }

    /// One sample. The distribution must have passed [`Distribution::check`] for this amount; otherwise the sample
    /// is meaningless (but never a panic).
    pub fn sample<R: Rng + ?Sized>(&self, amount: f64, rng: &mut R) -> f64 {
        Sampler::new(*self, amount).sample(rng)
    }
}

fn finite(parameter: &'static str, value: f64) -> Result<(), UncertaintyError> {
    if value.is_finite() { Ok(()) } else { Err(UncertaintyError::NonFinite { parameter }) }
}

fn within(amount: f64, min: f64, max: f64) -> Result<(), UncertaintyError> {
    if (min..=max).contains(&amount) { Ok(()) } else { Err(UncertaintyError::AmountOutsideRange { amount, min, max }) }
}

/// A distribution with its amount and everything the inner loop of Monte Carlo would otherwise recompute per draw
/// (σ = ln GSD, the triangular's split point).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Sampler {
    Fixed { amount: f64 },
    Lognormal { median: f64, sigma: f64 },
    Normal { mean: f64, sd: f64 },
    Triangular { min: f64, mode: f64, max: f64, mode_quantile: f64 },
    Uniform { min: f64, width: f64 },
}

impl Sampler {
    pub(crate) fn new(distribution: Distribution, amount: f64) -> Self {
        match distribution {
            _ if distribution.is_fixed() => Self::Fixed { amount },
            Distribution::Fixed => Self::Fixed { amount },
            Distribution::Lognormal { geometric_sd } => Self::Lognormal { median: amount, sigma: geometric_sd.ln() },
            Distribution::Normal { sd } => Self::Normal { mean: amount, sd },
            Distribution::Triangular { min, mode, max } => {
                Self::Triangular { min, mode, max, mode_quantile: (mode - min) / (max - min) }
            }
            Distribution::Uniform { min, max } => Self::Uniform { min, width: max - min },
        }
    }

    #[inline]
    pub(crate) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match *self {
            Self::Fixed { amount } => amount,
            Self::Lognormal { median, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                median * (sigma * z).exp()
            }
            Self::Normal { mean, sd } => {
                let z: f64 = StandardNormal.sample(rng);
                mean + sd * z
            }
            Self::Triangular { min, mode, max, mode_quantile } => {
                // Inverse of the cumulative distribution function.
                let u: f64 = Open01.sample(rng);
                if u < mode_quantile {
                    min + (u * (max - min) * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * (max - min) * (max - mode)).sqrt()
                }
            }
            Self::Uniform { min, width } => {
                let u: f64 = Open01.sample(rng);
                min + u * width
            }
        }
    }
}

/// The five indicators of the ecoinvent pedigree matrix, each scored 1 (best) to 5 (worst).
///
/// The sixth indicator of ecoinvent version 2, sample size, was dropped in version 3 and is not used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PedigreeScores {
    /// 1 verified measurements … 5 non-qualified estimate.
    pub reliability: u8,
    /// 1 representative data from all relevant sites … 5 representativeness unknown.
    pub completeness: u8,
    /// 1 less than 3 years from the reference year … 5 age unknown or more than 15 years.
    pub temporal: u8,
    /// 1 data from the area under study … 5 unknown or distinctly different area.
    pub geographical: u8,
    /// 1 from the enterprises, processes and materials under study … 5 related processes on laboratory scale or from
    /// a different technology.
    pub further_technological: u8,
}

/// Variance of the underlying normal distribution (σ² of ln) added by each pedigree score, scores 1 to 5, as in the
/// ecoinvent version 3 data quality guideline: Weidema, B. P. et al. (2013), *Overview and methodology. Data quality
/// guideline for the ecoinvent database version 3*, ecoinvent report 1 (v3), St. Gallen, table 10.5 (p. 77 of the
/// 2013-05-06 edition).
///
/// The guideline itself could not be opened from this workplace. The numbers were checked against three public
/// transcriptions that agree digit for digit (an openLCA patch script for ecoinvent 3 uncertainty data citing p. 77,
/// the `PEDIGREE_MATRIX_VALUES["original"]` table of the Brightway ecosystem, and a Python uncertainty module
/// citing table 10.5), and against Brightway's `pedigree_matrix` package, whose version-1 uncertainty factors U
/// (ecoinvent v2, Frischknecht et al. 2007) give these variances as (ln U)²/4 to the rounding used in the guideline.
const PEDIGREE_VARIANCES: [(&str, [f64; 5]); 5] = [
    ("reliability", [0.0, 0.0006, 0.002, 0.008, 0.04]),
    ("completeness", [0.0, 0.0001, 0.0006, 0.002, 0.008]),
    ("temporal correlation", [0.0, 0.0002, 0.002, 0.008, 0.04]),
    ("geographical correlation", [0.0, 0.000025, 0.0001, 0.0006, 0.002]),
    ("further technological correlation", [0.0, 0.0006, 0.008, 0.04, 0.12]),
];

impl PedigreeScores {
    /// The scores in the order of the pedigree matrix (reliability, completeness, temporal, geographical, further
    /// technological).
    pub fn as_array(&self) -> [u8; 5] {
        [self.reliability, self.completeness, self.temporal, self.geographical, self.further_technological]
    }

    /// Check that every score is a whole number from 1 to 5.
    pub fn check(&self) -> Result<(), UncertaintyError> {
        for ((indicator, _), score) in PEDIGREE_VARIANCES.iter().zip(self.as_array()) {
            if !(1..=5).contains(&score) {
                return Err(UncertaintyError::PedigreeScore { indicator, score });
            }
        }
        Ok(())
    }

    /// The variance of ln the scores add (σ² of the underlying normal), the sum of the five indicators' variances.
    pub fn added_variance(&self) -> Result<f64, UncertaintyError> {
        self.check()?;
        Ok(PEDIGREE_VARIANCES
            .iter()
            .zip(self.as_array())
            .map(|((_, variances), score)| variances[score as usize - 1])
            .sum())
    }

    /// Pedigree scores from the three data-quality ratings (DQR) that the PACT Pathfinder Framework and the
    /// Environmental Footprint method ask of a product footprint: technological, temporal and geographical
    /// representativeness, each from 1 (best) to 5 (worst).
    ///
    /// The mapping is one to one where the indicators mean the same thing: technological → further technological
    /// correlation, temporal → temporal correlation, geographical → geographical correlation. A fractional rating
    /// (an average of several) is rounded *up*, so the spread is never understated. PACT's own ratings run from 1 to
    /// 3; convert them to this scale first if they are on it. Reliability and completeness have no DQR
    /// counterpart; they are set to 3, the middle of their scales ("non-verified data partly based on
    /// assumptions", "data from a smaller number of sites"), an assumption the caller should replace by
    /// changing those fields when it knows better.
    pub fn from_data_quality_ratings(
        technological: f64,
        temporal: f64,
        geographical: f64,
    ) -> Result<Self, UncertaintyError> {
        let score = |indicator: &'static str, rating: f64| {
            if (1.0..=5.0).contains(&rating) {
                Ok(rating.ceil() as u8)
            } else {
                Err(UncertaintyError::DataQualityRating { indicator, rating })
            }
        };
        Ok(Self {
            reliability: 3,
            completeness: 3,
            temporal: score("temporal", temporal)?,
            geographical: score("geographical", geographical)?,
            further_technological: score("technological", technological)?,
        })
    }
}

/// The lognormal of an exchange from its basic uncertainty and pedigree scores, as ecoinvent version 3 computes it:
/// σ² = (ln basic GSD)² + the variance each score adds (see [`PedigreeScores::added_variance`]); GSD = exp(σ).
///
/// `basic_gsd` is the geometric standard deviation of the basic uncertainty (exp σ, at least 1), *not* ecoinvent
/// version 2's "SD95" (which is GSD²): a basic uncertainty of SD95 = 1.05 is `basic_gsd = 1.05f64.sqrt()`.
pub fn lognormal_from_pedigree(basic_gsd: f64, scores: PedigreeScores) -> Result<Distribution, UncertaintyError> {
    finite("basic geometric standard deviation", basic_gsd)?;
    if basic_gsd < 1.0 {
        return Err(UncertaintyError::GeometricSdBelowOne { geometric_sd: basic_gsd });
    }
    let variance = basic_gsd.ln().powi(2) + scores.added_variance()?;
    Ok(Distribution::Lognormal { geometric_sd: variance.sqrt().exp() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng as _;
    use rand_xoshiro::Xoshiro256PlusPlus;

    const N_SAMPLES: usize = 200_000;

    fn samples(distribution: Distribution, amount: f64, seed: u64) -> Vec<f64> {
        distribution.check(amount).expect("valid distribution");
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        (0..N_SAMPLES).map(|_| distribution.sample(amount, &mut rng)).collect()
    }

    fn mean(values: &[f64]) -> f64 {
        values.iter().sum::<f64>() / values.len() as f64
    }

    fn sd(values: &[f64]) -> f64 {
        let mean = mean(values);
        (values.iter().map(|value| (value - mean).powi(2)).sum::<f64>() / (values.len() - 1) as f64).sqrt()
    }

    fn median(values: &[f64]) -> f64 {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        sorted[sorted.len() / 2]
    }

    /// `actual` within `sigmas` standard errors (`standard_error`) of `expected`.
    fn check_close(what: &str, actual: f64, expected: f64, standard_error: f64) {
        assert!(
            (actual - expected).abs() <= 5.0 * standard_error,
            "{what}: expected {expected} ± {}, got {actual}",
            5.0 * standard_error
        );
    }

    #[test]
    fn lognormal_median_is_the_amount_and_ln_sd_is_ln_gsd() {
        for amount in [2.5, -2.5] {
            let values = samples(Distribution::Lognormal { geometric_sd: 1.5 }, amount, 1);
            assert!(values.iter().all(|value| value.signum() == amount.signum()), "negative amounts keep their sign");
            let sigma = 1.5f64.ln();
            // The median's standard error is about 1.2533 σ_x /√n; in log space σ/√n · 1.2533.
            check_close("median", median(&values).abs().ln(), 2.5f64.ln(), 1.2533 * sigma / (N_SAMPLES as f64).sqrt());
            let logs: Vec<f64> = values.iter().map(|value| value.abs().ln()).collect();
            check_close("σ of ln", sd(&logs), sigma, sigma / (2.0 * N_SAMPLES as f64).sqrt());
            let expected_mean = Distribution::Lognormal { geometric_sd: 1.5 }.mean(amount);
            check_close("mean", mean(&values), expected_mean, sd(&values) / (N_SAMPLES as f64).sqrt());
        }
    }

    #[test]
    fn normal_triangular_and_uniform_have_their_textbook_moments() {
        let values = samples(Distribution::Normal { sd: 0.3 }, 2.0, 2);
        check_close("normal mean", mean(&values), 2.0, 0.3 / (N_SAMPLES as f64).sqrt());
        check_close("normal sd", sd(&values), 0.3, 0.3 / (2.0 * N_SAMPLES as f64).sqrt());

        let (min, mode, max) = (1.0, 2.0, 5.0);
        let values = samples(Distribution::Triangular { min, mode, max }, 2.0, 3);
        assert!(values.iter().all(|value| (min..=max).contains(value)));
        let variance = (min * min + mode * mode + max * max - min * mode - min * max - mode * max) / 18.0;
        check_close("triangular mean", mean(&values), (min + mode + max) / 3.0, (variance / N_SAMPLES as f64).sqrt());
        check_close("triangular sd", sd(&values), variance.sqrt(), variance.sqrt() / (N_SAMPLES as f64).sqrt());
        // Median of this triangular: below the mode? F(mode) = (mode − min)/(max − min) = 0.25, so the median lies
        // above the mode, at max − √((max − min)(max − mode)/2).
        let expected_median = max - ((max - min) * (max - mode) / 2.0).sqrt();
        check_close("triangular median", median(&values), expected_median, 0.01);

        let values = samples(Distribution::Uniform { min: -1.0, max: 3.0 }, 0.0, 4);
        assert!(values.iter().all(|value| (-1.0..=3.0).contains(value)));
        check_close("uniform mean", mean(&values), 1.0, 4.0 / 12f64.sqrt() / (N_SAMPLES as f64).sqrt());
        check_close("uniform sd", sd(&values), 4.0 / 12f64.sqrt(), 0.01);
    }

    #[test]
    fn the_same_seed_gives_the_same_samples() {
        let distribution = Distribution::Lognormal { geometric_sd: 1.2 };
        assert_eq!(samples(distribution, 3.0, 42), samples(distribution, 3.0, 42));
        assert_ne!(samples(distribution, 3.0, 42), samples(distribution, 3.0, 43));
        assert_eq!(samples(Distribution::Fixed, 3.0, 42), vec![3.0; N_SAMPLES]);
        assert_eq!(samples(Distribution::Lognormal { geometric_sd: 1.0 }, 3.0, 42), vec![3.0; N_SAMPLES]);
    }

    fn check_error(distribution: Distribution, amount: f64, expect: &str) {
        assert_eq!(distribution.check(amount).expect_err("invalid").to_string(), expect);
    }

    #[test]
    fn bad_parameters_are_refused_with_a_reason() {
        check_error(
            Distribution::Lognormal { geometric_sd: 0.5 },
            1.0,
            "the geometric standard deviation must be at least 1 (1 means no spread), but it is 0.5; a GSD below 1 \
             is usually 1/GSD or σ given instead of GSD = exp(σ)",
        );
        check_error(
            Distribution::Lognormal { geometric_sd: 1.5 },
            0.0,
            "a lognormal distribution needs a non-zero amount (its median), but the amount is 0",
        );
        check_error(
            Distribution::Lognormal { geometric_sd: f64::NAN },
            1.0,
            "the geometric standard deviation is not a finite number",
        );
        check_error(Distribution::Fixed, f64::INFINITY, "the amount is not a finite number");
        check_error(
            Distribution::Normal { sd: -1.0 },
            1.0,
            "the standard deviation must not be negative, but it is -1",
        );
        check_error(Distribution::Uniform { min: 2.0, max: 2.0 }, 2.0, "the minimum (2) must be below the maximum (2)");
        check_error(
            Distribution::Uniform { min: 0.0, max: 1.0 },
            2.0,
            "the amount (2) lies outside the distribution's range [0, 1]",
        );
        check_error(
            Distribution::Triangular { min: 0.0, mode: 3.0, max: 2.0 },
            1.0,
            "the mode (3) must lie between the minimum (0) and the maximum (2)",
        );
        assert_eq!(Distribution::Lognormal { geometric_sd: 1.0 }.check(-2.0), Ok(()));
        assert_eq!(Distribution::Normal { sd: 0.0 }.check(0.0), Ok(()));
    }

    #[test]
    fn distributions_read_and_write_as_tagged_json() {
        let distribution = Distribution::Lognormal { geometric_sd: 1.5 };
        let json = serde_json::to_string(&distribution).unwrap();
        assert_eq!(json, r#"{"kind":"lognormal","geometric_sd":1.5}"#);
        assert_eq!(serde_json::from_str::<Distribution>(&json).unwrap(), distribution);
        assert_eq!(serde_json::from_str::<Distribution>(r#"{"kind":"fixed"}"#).unwrap(), Distribution::Fixed);
    }

    fn scores(scores: [u8; 5]) -> PedigreeScores {
        let [reliability, completeness, temporal, geographical, further_technological] = scores;
        PedigreeScores { reliability, completeness, temporal, geographical, further_technological }
    }

    #[test]
    fn pedigree_scores_add_the_ecoinvent_3_variances() {
        // Perfect scores and no basic uncertainty: no spread at all.
        assert_eq!(lognormal_from_pedigree(1.0, scores([1; 5])), Ok(Distribution::Lognormal { geometric_sd: 1.0 }));
        // The worst scores: σ² = 0.04 + 0.008 + 0.04 + 0.002 + 0.12 = 0.21.
        assert_eq!(scores([5; 5]).added_variance(), Ok(0.21));
        // (2,3,1,4,2) with basic GSD 1.05: σ² = ln²1.05 + 0.0006 + 0.0006 + 0 + 0.0006 + 0.0006.
        let Ok(Distribution::Lognormal { geometric_sd }) = lognormal_from_pedigree(1.05, scores([2, 3, 1, 4, 2]))
        else {
            panic!("a lognormal");
        };
        let expected = (1.05f64.ln().powi(2) + 0.0024).sqrt().exp();
        assert!((geometric_sd - expected).abs() < 1e-15, "{geometric_sd} vs {expected}");
        assert_eq!(
            scores([1, 1, 6, 1, 1]).check().unwrap_err().to_string(),
            "the temporal correlation score must be 1, 2, 3, 4 or 5, but it is 6"
        );
        assert_eq!(
            lognormal_from_pedigree(0.9, scores([1; 5])),
            Err(UncertaintyError::GeometricSdBelowOne { geometric_sd: 0.9 })
        );
    }

    #[test]
    fn data_quality_ratings_map_to_pedigree_scores_rounding_up() {
        let pedigree = PedigreeScores::from_data_quality_ratings(2.0, 1.4, 5.0).expect("valid ratings");
        assert_eq!(pedigree, scores([3, 3, 2, 5, 2]));
        assert_eq!(
            PedigreeScores::from_data_quality_ratings(0.5, 1.0, 1.0).unwrap_err().to_string(),
            "the technological data-quality rating must be from 1 to 5, but it is 0.5"
        );
    }
}
