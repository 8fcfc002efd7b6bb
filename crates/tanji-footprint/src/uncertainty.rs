//! Monte Carlo uncertainty of a product footprint: every model exchange varies by its own distribution, or — where
//! only data-quality ratings are known — by the lognormal spread the ecoinvent pedigree matrix derives from them.

use std::num::NonZeroUsize;

use serde::{Deserialize, Serialize};
use tanji_ghg::{FactorLibrary, GwpTable};
use tanji_lca::monte_carlo::{MonteCarlo, MonteCarloSettings, UncertainEntry, UncertainSystem};
use tanji_lca::uncertainty::{PedigreeScores, lognormal_from_pedigree};
use tanji_lca::{Distribution, MatrixName};

use crate::build::{Built, Item, ItemKind, build};
use crate::compute::FootprintError;
use crate::model::{DataQuality, ProductModel};
use crate::problem::{Problem, ProblemKind, Problems};

/// How a Monte Carlo run was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonteCarloRequest {
    pub iterations: usize,
    pub seed: u64,
    pub threads: NonZeroUsize,
}

/// The spread of a footprint per declared unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UncertaintyResult {
    pub iterations: usize,
    pub seed: u64,
    pub mean_kg_co2e: f64,
    pub sd_kg_co2e: f64,
    pub p2_5_kg_co2e: f64,
    pub p50_kg_co2e: f64,
    pub p97_5_kg_co2e: f64,
    /// Exchanges by decreasing share of the (first-order) variance.
    pub drivers: Vec<Driver>,
    /// How many exchanges varied, and how many of those by a spread derived from data-quality ratings.
    pub uncertain_exchanges: usize,
    pub pedigree_derived: usize,
    /// Iterations solved iteratively (warm-started GMRES, Jacobi- or mean-LU-preconditioned) and by direct fall-back.
    pub iterative_solves: usize,
    pub direct_fallbacks: usize,
    pub tolerance: f64,
    /// The sampled footprints in equal-width bins, for the histogram (absent in results stored before it existed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub histogram: Vec<HistogramBin>,
}

/// One bin of the Monte Carlo histogram: how many iterations gave a footprint in [from, to) (the last bin includes
/// its upper edge).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HistogramBin {
    pub from_kg_co2e: f64,
    pub to_kg_co2e: f64,
    pub count: usize,
}

/// Equal-width bins over the samples' range. The number of bins follows the Freedman–Diaconis rule (width 2·IQR/∛n),
/// kept between 10 and 60 so that a phone can still show the bars.
pub fn histogram(scores: &[f64]) -> Vec<HistogramBin> {
    let mut sorted: Vec<f64> = scores.iter().copied().filter(|score| score.is_finite()).collect();
    if sorted.is_empty() {
        return Vec::new();
    }
    sorted.sort_by(f64::total_cmp);
    let (min, max) = (sorted[0], sorted[sorted.len() - 1]);
    if max - min <= f64::EPSILON * max.abs().max(min.abs()) {
        return vec![HistogramBin { from_kg_co2e: min, to_kg_co2e: max, count: sorted.len() }];
    }
    let quantile = |fraction: f64| sorted[((sorted.len() - 1) as f64 * fraction).round() as usize];
    let iqr = quantile(0.75) - quantile(0.25);
    let n = sorted.len() as f64;
    let n_bins = if iqr > 0.0 { ((max - min) / (2.0 * iqr / n.cbrt())).ceil() as usize } else { 10 };
    let n_bins = n_bins.clamp(10, 60);
    let width = (max - min) / n_bins as f64;
    let mut counts = vec![0_usize; n_bins];
    for score in &sorted {
        let idx = (((score - min) / width) as usize).min(n_bins - 1);
        counts[idx] += 1;
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(idx, count)| HistogramBin {
            from_kg_co2e: min + width * idx as f64,
            to_kg_co2e: if idx + 1 == n_bins { max } else { min + width * (idx + 1) as f64 },
            count,
        })
        .collect()
}

/// An exchange that drives the variance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Driver {
    pub path: String,
    pub process: String,
    pub description: String,
    pub distribution: Distribution,
    /// Share of the first-order variance, 0–1.
    pub variance_share: f64,
    /// Spearman rank correlation of the exchange's samples with the footprint's.
    pub rank_correlation: f64,
}

/// Scale a distribution given for an amount `a` to the amount `a × factor` (unit conversion, allocation, sign).
fn scaled(distribution: Distribution, factor: f64) -> Distribution {
    let low = |a: f64, b: f64| if factor >= 0.0 { (a * factor, b * factor) } else { (b * factor, a * factor) };
    match distribution {
        Distribution::Fixed | Distribution::Lognormal { .. } => distribution,
        Distribution::Normal { sd } => Distribution::Normal { sd: sd * factor.abs() },
        Distribution::Triangular { min, mode, max } => {
            let (min, max) = low(min, max);
            Distribution::Triangular { min, mode: mode * factor, max }
        }
        Distribution::Uniform { min, max } => {
            let (min, max) = low(min, max);
            Distribution::Uniform { min, max }
        }
    }
}

/// The pedigree-derived lognormal for an exchange of a process with ratings (basic uncertainty not included).
fn from_ratings(quality: &DataQuality) -> Option<Distribution> {
    let mut scores = PedigreeScores::from_data_quality_ratings(
        f64::from(quality.technological),
        f64::from(quality.temporal),
        f64::from(quality.geographical),
    )
    .ok()?;
    if let Some(completeness) = quality.completeness {
        scores.completeness = completeness;
    }
    if let Some(reliability) = quality.reliability {
        scores.reliability = reliability;
    }
    lognormal_from_pedigree(1.0, scores).ok()
}

/// Where an item sits in the matrices: (matrix, row, column, amount in the matrix).
fn position(built: &Built, item: &Item) -> (MatrixName, usize, f64) {
    match &item.kind {
        ItemKind::Emission { gas, origin, kg_per_run } => {
            let flow = built
                .flows
                .iter()
                .position(|flow| flow.gas == *gas && flow.origin == *origin)
                .expect("every emission has its flow");
            (MatrixName::Biosphere, flow, *kg_per_run)
        }
        ItemKind::Factor { factor, amount_per_run, .. } => {
            let row = built
                .columns
                .iter()
                .position(|column| matches!(column, crate::build::Column::Factor { factor: known } if known == factor))
                .expect("factor column");
            (MatrixName::Technosphere, row, -amount_per_run)
        }
        ItemKind::Supplier { supplier_idx, amount_per_run, .. } => {
            let row = built
                .columns
                .iter()
                .position(|column| *column == crate::build::Column::Supplier { supplier_idx: *supplier_idx })
                .expect("supplier column");
            (MatrixName::Technosphere, row, -amount_per_run)
        }
        ItemKind::Product { provider_column, amount_per_run, .. } => {
            (MatrixName::Technosphere, *provider_column, -amount_per_run)
        }
    }
}

/// Run a Monte Carlo analysis of a model's footprint per declared unit.
pub fn monte_carlo(
    model: &ProductModel,
    library: &FactorLibrary,
    gwp_table: &GwpTable,
    request: MonteCarloRequest,
) -> Result<UncertaintyResult, FootprintError> {
    let built = build(model, library, gwp_table)?;
    let mut technosphere: Vec<UncertainEntry> = Vec::new();
    let mut biosphere: Vec<UncertainEntry> = Vec::new();
    // Every entry that is not a model exchange (production on the diagonal, the factors' and suppliers' own
    // emissions) is fixed.
    for entry in built.system.technosphere() {
        if entry.row_idx == entry.col_idx {
            technosphere.push(UncertainEntry {
                row_idx: entry.row_idx,
                col_idx: entry.col_idx,
                amount: entry.value,
                distribution: Distribution::Fixed,
            });
        }
    }
    for entry in built.system.biosphere() {
        if built.process_of(entry.col_idx).is_none() {
            biosphere.push(UncertainEntry {
                row_idx: entry.row_idx,
                col_idx: entry.col_idx,
                amount: entry.value,
                distribution: Distribution::Fixed,
            });
        }
    }
    let mut positions = Vec::with_capacity(built.items.len());
    let mut pedigree_derived = 0;
    let mut uncertain_exchanges = 0;
    for item in &built.items {
        let (matrix, row_idx, amount) = position(&built, item);
        let process = &model.processes[built.process_of(item.column).expect("items are foreground")];
        let entered = item.entered_amount;
        // Ratings say how well an amount of activity or emission is known; a product passed from one foreground
        // process to the next (1,000 cups packed from 1,000 cups made) is structure, not a measurement, so it only
        // varies when the model says how.
        let rated = match item.kind {
            ItemKind::Product { .. } => None,
            _ => process.quality.as_ref().and_then(from_ratings),
        };
        let distribution = match (item.uncertainty, rated) {
            (Some(given), _) => scaled(given, if entered != 0.0 { amount / entered } else { 0.0 }),
            (None, Some(derived)) => {
                pedigree_derived += 1;
                derived
            }
            (None, None) => Distribution::Fixed,
        };
        if !distribution.is_fixed() {
            uncertain_exchanges += 1;
        }
        let entry = UncertainEntry { row_idx, col_idx: item.column, amount, distribution };
        match matrix {
            MatrixName::Biosphere => biosphere.push(entry),
            _ => technosphere.push(entry),
        }
        positions.push((matrix, row_idx, item.column));
    }
    let uncertain = UncertainSystem::new(
        built.system.n_processes(),
        built.system.n_flows(),
        technosphere,
        biosphere,
        built.system.characterization().to_vec(),
    )
    .map_err(|error| Problems::one(monte_carlo_problem(error)))?;
    let settings = MonteCarloSettings {
        iterations: request.iterations,
        seed: request.seed,
        threads: request.threads,
        ..MonteCarloSettings::default()
    };
    let analysis =
        MonteCarlo::new(&uncertain, &[(built.reference_column, built.reference_amount)], settings.n_driver_candidates)
            .map_err(unsolvable)?;
    let result = analysis.run(&settings).map_err(unsolvable)?;
    let drivers = result
        .drivers
        .iter()
        .filter_map(|driver| {
            let item_idx = positions.iter().position(|&(matrix, row, col)| {
                matrix == driver.matrix && row == driver.row_idx && col == driver.col_idx
            })?;
            let item = &built.items[item_idx];
            let process = &model.processes[built.process_of(item.column)?];
            Some(Driver {
                path: item.path.clone(),
                process: process.id.clone(),
                description: item.description.clone(),
                distribution: driver.distribution,
                variance_share: driver.first_order_share,
                rank_correlation: driver.rank_correlation,
            })
        })
        .collect();
    let [p2_5, p50, p97_5] = result.summary.percentiles;
    Ok(UncertaintyResult {
        iterations: request.iterations,
        seed: request.seed,
        mean_kg_co2e: result.summary.mean,
        sd_kg_co2e: result.summary.sd,
        p2_5_kg_co2e: p2_5.value,
        p50_kg_co2e: p50.value,
        p97_5_kg_co2e: p97_5.value,
        drivers,
        uncertain_exchanges,
        pedigree_derived,
        iterative_solves: result.solves.iterative + result.solves.mean_lu_preconditioned,
        direct_fallbacks: result.solves.fallbacks,
        tolerance: result.solves.tolerance,
        histogram: histogram(&result.scores),
    })
}

/// A Monte Carlo run that could not solve (the deterministic model solved, so this is rare: a sample far out).
fn unsolvable(error: tanji_lca::MonteCarloError) -> FootprintError {
    FootprintError::Model(Problems::one(monte_carlo_problem(error)))
}

/// Why a Monte Carlo analysis could not run, as a model problem.
fn monte_carlo_problem(error: tanji_lca::MonteCarloError) -> Problem {
    use crate::problem::UnsolvableReason as Reason;
    use tanji_lca::MonteCarloError as E;
    let reason = match error {
        E::Solve(solve) => Reason::from(&solve),
        E::SampleNotSolvable { iteration, .. } => Reason::SampleNotSolvable { iteration },
        E::NoIterations => Reason::NoIterations,
        E::EmptyDemand => Reason::EmptyDemand,
        E::DemandOutOfRange { product_idx, n_products } => {
            Reason::ProductOutOfRange { product: product_idx + 1, n_products }
        }
        // The model check refuses these first; said as what they are should one get through.
        E::System(error) => return Problem::new("processes", ProblemKind::SystemInvalid { error }),
        E::Distribution { source, .. } => {
            let reason = crate::problem::UncertaintyReason::from(&source);
            return Problem::new("processes", ProblemKind::InvalidUncertainty { reason });
        }
    };
    Problem::new("processes", ProblemKind::Unsolvable { processes: Vec::new(), reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_counts_every_sample_once_in_equal_bins() {
        let scores: Vec<f64> = (0..1000).map(|idx| 1.0 + f64::from(idx) / 999.0).collect();
        let bins = histogram(&scores);
        assert!((10..=60).contains(&bins.len()), "{}", bins.len());
        assert_eq!(bins.iter().map(|bin| bin.count).sum::<usize>(), 1000);
        assert_eq!(bins[0].from_kg_co2e, 1.0);
        assert_eq!(bins.last().unwrap().to_kg_co2e, 2.0);
        let width = bins[0].to_kg_co2e - bins[0].from_kg_co2e;
        assert!(bins.iter().all(|bin| ((bin.to_kg_co2e - bin.from_kg_co2e) - width).abs() < 1e-12));
        assert_eq!(histogram(&[3.0, 3.0]), [HistogramBin { from_kg_co2e: 3.0, to_kg_co2e: 3.0, count: 2 }]);
        assert!(histogram(&[]).is_empty());
    }
}
