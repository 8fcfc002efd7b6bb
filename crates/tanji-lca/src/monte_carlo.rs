//! Monte Carlo uncertainty analysis on matrix level: every uncertain entry of A and B is resampled in every
//! iteration, the sampled system is solved and scored, and the scores are summarised (mean, standard deviation,
//! percentiles) with the inputs that drive their variance.
//!
//! # Speed
//! A direct solve per iteration would refactorise A every time, and on hub-heavy cyclic systems the fill-in makes a
//! factorisation cost as much as hundreds of products with A (see [`crate::krylov`]). Each iteration therefore
//! solves its sampled system iteratively, in up to three stages:
//! 1. GMRES preconditioned by the sample's own diagonal (Jacobi), started from the deterministic supply vector,
//!    until the relative residual ‖d − A x‖₂ / ‖d‖₂ is at most [`MonteCarloSettings::tolerance`] (1e-10 unless
//!    changed), for at most [`MonteCarloSettings::max_krylov_steps`] steps;
//! 2. if that fails, GMRES preconditioned by the LU factors of the *mean* system (deterministic amounts), which
//!    converges in a few steps whenever the sample is close to the mean (factorised once, on first need);
//! 3. if that fails too, a fresh sparse LU of the sample (same pattern, so the symbolic analysis is done once).
//!
//! [`SolveStatistics`] counts the iterations each stage solved. Iterations run on [`MonteCarloSettings::threads`]
//! threads.
//!
//! Entries of B whose flow has no characterisation factor cannot change the score, so they are not drawn, unless
//! [`MonteCarloSettings::resample_all`] asks for every exchange to be drawn (the work Brightway's Monte Carlo does,
//! for comparisons of equal work); they are drawn last in each iteration, so the scores are the same either way.
//!
//! # Reproducibility
//! Iteration k draws from its own Xoshiro256++ stream, seeded from (seed, k), and starts from the same vector, so
//! the same seed and the same system give bit-for-bit the same scores in the same order whatever the number of
//! threads.
//!
//! # Variance drivers
//! A first-order (linear) analysis at the deterministic solution ranks every uncertain entry by the variance it
//! would add on its own: (∂score/∂entry)² · variance(entry), with ∂score/∂a_ij = −λ_i x_j and ∂score/∂b_fj = c_f x_j
//! (x the supply, λ the adjoint Aᵀλ = Bᵀc). This costs one extra solve. The leading candidates' samples are kept,
//! and their Spearman rank correlation with the score is measured on the Monte Carlo samples, which also catches
//! non-linear effects the first-order shares miss.

use std::num::NonZeroUsize;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use faer::Mat;
use faer::sparse::{SparseColMat, SymbolicSparseColMat};
use rand::SeedableRng as _;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::krylov::{CompressedColumns, Gmres, dot, jacobi, norm};
use crate::matrix_market::Entry;
use crate::policy::{CheckedSolver, SolvePolicy};
use crate::solver::{LuOrdering, SolveError, Solver};
use crate::system::{MatrixName, System, SystemError};
use crate::uncertainty::{Distribution, Sampler, UncertaintyError};

/// One exchange of a system with its uncertainty: where it goes (0-based), its deterministic amount, how it varies.
///
/// Several exchanges may share a position (a process's production and its own use on A's diagonal): each is drawn
/// on its own and the draws are summed, as Brightway does.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UncertainEntry {
    pub row_idx: usize,
    pub col_idx: usize,
    pub amount: f64,
    pub distribution: Distribution,
}

/// A product system whose exchanges carry distributions.
#[derive(Clone, Debug, PartialEq)]
pub struct UncertainSystem {
    /// The deterministic system: every exchange at its amount.
    system: System,
    technosphere: Vec<UncertainEntry>,
    biosphere: Vec<UncertainEntry>,
}

/// Why a Monte Carlo analysis cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
// Not `non_exhaustive`: tanji-i18n says every variant, so a new one without its texts does not compile.
pub enum MonteCarloError {
    /// The deterministic matrices do not make a system (shapes, ranges, non-finite amounts).
    #[error(transparent)]
    System(#[from] SystemError),
    /// An exchange's distribution does not fit its amount.
    #[error("the {matrix} entry at 0-based ({row_idx}, {col_idx}): {source}")]
    Distribution { matrix: MatrixName, row_idx: usize, col_idx: usize, source: UncertaintyError },
    /// The deterministic system cannot be solved.
    #[error(transparent)]
    Solve(#[from] SolveError),
    /// The demand names a product the system does not have.
    #[error("the demand names product {} but the system has {n_products} products", .product_idx + 1)]
    DemandOutOfRange { product_idx: usize, n_products: usize },
    /// The demand is empty, all zero, or has an amount that is not finite.
    #[error("the demand must have at least one non-zero, finite amount")]
    EmptyDemand,
    /// Zero iterations were asked for.
    #[error("a Monte Carlo analysis needs at least one iteration")]
    NoIterations,
    /// A sampled system could not be solved even by a direct factorisation.
    #[error("iteration {iteration}: the sampled technosphere matrix cannot be solved ({reason})")]
    SampleNotSolvable { iteration: usize, reason: SampleFailure },
}

/// Why one Monte Carlo sample has no answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SampleFailure {
    /// The direct factorisation of the sampled matrix failed.
    #[error("{0}")]
    Solve(SolveError),
    /// The solution has an infinite or NaN supply: the sample is singular.
    #[error("the solution is not finite: the sample is singular")]
    SolutionNotFinite,
    /// The supplies are finite but the score is not (an overflow).
    #[error("the score is not finite")]
    ScoreNotFinite,
}

impl UncertainSystem {
    /// A system from exchanges with distributions (0-based indices; exchanges at the same position are summed).
    pub fn new(
        n_processes: usize,
        n_flows: usize,
        technosphere: Vec<UncertainEntry>,
        biosphere: Vec<UncertainEntry>,
        characterization: Vec<f64>,
    ) -> Result<Self, MonteCarloError> {
        let entries = |exchanges: &[UncertainEntry]| -> Vec<Entry> {
            exchanges
                .iter()
                .map(|exchange| Entry { row_idx: exchange.row_idx, col_idx: exchange.col_idx, value: exchange.amount })
                .collect()
        };
        let system =
            System::new(n_processes, n_flows, &entries(&technosphere), &entries(&biosphere), characterization)?;
        for (matrix, exchanges) in [(MatrixName::Technosphere, &technosphere), (MatrixName::Biosphere, &biosphere)] {
            for exchange in exchanges {
                exchange.distribution.check(exchange.amount).map_err(|source| MonteCarloError::Distribution {
                    matrix,
                    row_idx: exchange.row_idx,
                    col_idx: exchange.col_idx,
                    source,
                })?;
            }
        }
        Ok(Self { system, technosphere, biosphere })
    }

    /// A system without uncertainty: every entry fixed.
    pub fn deterministic(system: System) -> Self {
        let technosphere = fixed_exchanges(system.technosphere());
        let biosphere = fixed_exchanges(system.biosphere());
        Self { system, technosphere, biosphere }
    }

    /// The deterministic system (every exchange at its amount, duplicates summed).
    pub fn system(&self) -> &System {
        &self.system
    }

    /// The technosphere exchanges as given.
    pub fn technosphere(&self) -> &[UncertainEntry] {
        &self.technosphere
    }

    /// The biosphere exchanges as given.
    pub fn biosphere(&self) -> &[UncertainEntry] {
        &self.biosphere
    }
}

/// Every entry as an exchange without uncertainty.
pub(crate) fn fixed_exchanges(entries: &[Entry]) -> Vec<UncertainEntry> {
    entries
        .iter()
        .map(|entry| UncertainEntry {
            row_idx: entry.row_idx,
            col_idx: entry.col_idx,
            amount: entry.value,
            distribution: Distribution::Fixed,
        })
        .collect()
}

/// How to run an analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct MonteCarloSettings {
    /// Number of iterations (samples of the score).
    pub iterations: usize,
    /// The seed; the same seed gives the same samples.
    pub seed: u64,
    /// Worker threads. The results do not depend on it.
    pub threads: NonZeroUsize,
    /// Relative residual ‖d − A x‖₂ / ‖d‖₂ at which an iterative solve stops.
    pub tolerance: f64,
    /// Jacobi-preconditioned GMRES steps (each one product with the sampled A) before an iteration moves on to the
    /// mean-LU-preconditioned stage. 0 skips the first stage.
    pub max_krylov_steps: usize,
    /// Mean-LU-preconditioned GMRES steps before an iteration falls back to a fresh direct LU. 0 skips the stage;
    /// with `max_krylov_steps` also 0, every iteration is a direct solve.
    pub max_preconditioned_steps: usize,
    /// How many uncertain entries (those with the largest first-order variance) to follow for rank correlations.
    pub n_driver_candidates: usize,
    /// Draw every uncertain exchange of A and B in every iteration, also those of flows without a characterisation
    /// factor (which cannot change the score): the same work as Brightway's Monte Carlo. The scores do not change.
    pub resample_all: bool,
}

impl Default for MonteCarloSettings {
    fn default() -> Self {
        Self {
            iterations: 1_000,
            seed: 0,
            threads: NonZeroUsize::MIN,
            tolerance: 1e-10,
            max_krylov_steps: 100,
            max_preconditioned_steps: 20,
            n_driver_candidates: 20,
            resample_all: false,
        }
    }
}

/// The outcome of an analysis.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MonteCarloResult {
    /// The score with every exchange at its amount.
    pub deterministic_score: f64,
    /// The score of each iteration, in iteration order.
    pub scores: Vec<f64>,
    pub summary: ScoreSummary,
    /// Uncertain entries by decreasing first-order variance share (at most `n_driver_candidates`).
    pub drivers: Vec<VarianceDriver>,
    pub solves: SolveStatistics,
}

/// Mean, spread and percentiles of the sampled scores.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ScoreSummary {
    pub mean: f64,
    /// Sample standard deviation (n − 1).
    pub sd: f64,
    /// The 2.5th, 50th and 97.5th percentiles.
    pub percentiles: [Percentile; 3],
}

/// One percentile, interpolated linearly between order statistics (NumPy's default), with a distribution-free 95 %
/// confidence interval from the order statistics around it (binomial, normal approximation).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Percentile {
    /// In per cent, e.g. 2.5.
    pub percent: f64,
    pub value: f64,
    pub lower_95: f64,
    pub upper_95: f64,
}

/// An uncertain entry and how much of the score's variance it explains.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct VarianceDriver {
    /// Technosphere or biosphere.
    #[serde(serialize_with = "serialize_matrix_name")]
    pub matrix: MatrixName,
    pub row_idx: usize,
    pub col_idx: usize,
    pub amount: f64,
    pub distribution: Distribution,
    /// Its share of the first-order (linearised) variance of the score, over all uncertain entries.
    pub first_order_share: f64,
    /// Spearman rank correlation between its samples and the score's (NaN with fewer than 3 iterations). Inputs
    /// are negative in A, so an input whose growth raises the score correlates negatively.
    pub rank_correlation: f64,
}

fn serialize_matrix_name<S: serde::Serializer>(matrix: &MatrixName, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(match matrix {
        MatrixName::Technosphere => "technosphere",
        MatrixName::Biosphere => "biosphere",
        MatrixName::Characterization => "characterization",
    })
}

/// How the iterations were solved.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct SolveStatistics {
    /// Iterations solved by Jacobi-preconditioned GMRES (stage 1).
    pub iterative: usize,
    /// Iterations solved by GMRES preconditioned with the mean system's LU (stage 2).
    pub mean_lu_preconditioned: usize,
    /// Iterations that fell back to a fresh direct sparse LU (stage 3).
    pub fallbacks: usize,
    /// Stage-1 GMRES steps over the iterations it solved (mean = total / iterative).
    pub krylov_steps: usize,
    /// The largest stage-1 step count of one iteration.
    pub max_krylov_steps: usize,
    /// The tolerance the solves met.
    pub tolerance: f64,
}

/// A prepared analysis: the mean system factorised, the samplers laid out for the inner loop.
pub struct MonteCarlo {
    /// The deterministic system, factorised only if an iteration needs the mean-LU stage.
    mean_system: System,
    mean_lu: OnceLock<Result<Solver, SolveError>>,
    n: usize,
    demand: Vec<f64>,
    demand_norm: f64,
    mean_supply: Vec<f64>,
    deterministic_score: f64,
    /// The sampled A in compressed columns: the pattern, the fixed part of each value, and the uncertain exchanges
    /// (position, sampler), the driver candidates first.
    pattern: CompressedColumns,
    diagonal_positions: Vec<Option<usize>>,
    a_fixed: Vec<f64>,
    a_uncertain: Vec<(u32, Sampler)>,
    /// h = Bᵀc: its fixed part, and the uncertain biosphere exchanges of characterised flows as (process, factor,
    /// sampler), the driver candidates first.
    h_fixed: Vec<f64>,
    b_uncertain: Vec<(u32, f64, Sampler)>,
    /// The uncertain biosphere exchanges of flows without a factor: drawn only with `resample_all`.
    b_unscored: Vec<Sampler>,
    n_a_candidates: usize,
    n_b_candidates: usize,
    /// The candidates in the order their samples are recorded (A's first, then B's), with their first-order share.
    candidates: Vec<(MatrixName, UncertainEntry, f64)>,
    /// For the direct fallback: Aᵀ's and A's patterns, where each A position lands in Aᵀ, and the LU's symbolic
    /// analysis, done once for every sample.
    transpose_template: SparseColMat<usize, f64>,
    technosphere_template: SparseColMat<usize, f64>,
    a_to_transpose: Vec<usize>,
    lu_ordering: OnceLock<Result<LuOrdering, SolveError>>,
}

impl std::fmt::Debug for MonteCarlo {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("MonteCarlo")
            .field("n_processes", &self.n)
            .field("n_uncertain_technosphere", &self.a_uncertain.len())
            .field("n_uncertain_biosphere", &self.b_uncertain.len())
            .finish_non_exhaustive()
    }
}

/// What the inner loop of one thread reuses between iterations.
struct Workspace {
    values: Vec<f64>,
    inverse_diagonal: Vec<f64>,
    h: Vec<f64>,
    x: Vec<f64>,
    jacobi_gmres: Gmres,
    lu_gmres: Gmres,
    column: Mat<f64>,
    candidate_samples: Vec<f64>,
}

/// Which stage solved an iteration.
#[derive(Clone, Copy)]
enum Stage {
    Jacobi { steps: usize },
    MeanLu,
    Direct,
}

/// One iteration's outcome, before the merge.
struct Sample {
    iteration: usize,
    score: f64,
    stage: Stage,
    candidate_values: Vec<f64>,
}

impl MonteCarlo {
    /// Factorise the deterministic system, solve it for `demand` (pairs of 0-based product and amount), and prepare
    /// the samplers.
    pub fn new(
        uncertain: &UncertainSystem,
        demand: &[(usize, f64)],
        n_driver_candidates: usize,
    ) -> Result<Self, MonteCarloError> {
        let system = uncertain.system();
        let n = system.n_processes();
        let mut demand_vector = vec![0.0; n];
        for &(product_idx, amount) in demand {
            if product_idx >= n {
                return Err(MonteCarloError::DemandOutOfRange { product_idx, n_products: n });
            }
            if !amount.is_finite() {
                return Err(MonteCarloError::EmptyDemand);
            }
            demand_vector[product_idx] += amount;
        }
        let demand_norm = norm(&demand_vector);
        if demand_norm == 0.0 || !demand_norm.is_finite() {
            return Err(MonteCarloError::EmptyDemand);
        }

        // The deterministic solution: supply x (A x = d) and adjoint λ (Aᵀ λ = Bᵀc), both checked.
        let deterministic = CheckedSolver::new(system.clone(), SolvePolicy::default())?;
        let (adjoint, _) = deterministic.all_scores()?;
        let (mean_supply, _) = deterministic.supply(demand)?;
        let direct_impact = system.direct_impact_per_process();
        let deterministic_score = dot(&direct_impact, &mean_supply);

        // A's pattern: the union of every exchange's position, in compressed columns.
        let mut positions: Vec<(usize, usize)> =
            uncertain.technosphere().iter().map(|exchange| (exchange.col_idx, exchange.row_idx)).collect();
        positions.sort_unstable();
        positions.dedup();
        let pattern = CompressedColumns::from_sorted_positions(n, positions.iter().copied());
        let position_of = |row_idx: usize, col_idx: usize| -> usize {
            let column = &pattern.row_idx[pattern.col_ptr[col_idx]..pattern.col_ptr[col_idx + 1]];
            pattern.col_ptr[col_idx]
                + column.binary_search(&(row_idx as u32)).expect("every exchange is in the pattern")
        };

        // First-order variance of each uncertain exchange, to rank the driver candidates.
        let mut a_fixed = vec![0.0; positions.len()];
        let mut ranked: Vec<(f64, MatrixName, usize)> = Vec::new();
        for (exchange_idx, exchange) in uncertain.technosphere().iter().enumerate() {
            if exchange.distribution.is_fixed() {
                a_fixed[position_of(exchange.row_idx, exchange.col_idx)] += exchange.amount;
            } else {
                let gradient = -adjoint[exchange.row_idx] * mean_supply[exchange.col_idx];
                let variance = gradient * gradient * variance_of(exchange.distribution, exchange.amount);
                ranked.push((variance, MatrixName::Technosphere, exchange_idx));
            }
        }
        let characterization = system.characterization();
        let mut h_fixed = vec![0.0; n];
        let mut b_unscored = Vec::new();
        for (exchange_idx, exchange) in uncertain.biosphere().iter().enumerate() {
            let factor = characterization[exchange.row_idx];
            if factor == 0.0 {
                if !exchange.distribution.is_fixed() {
                    b_unscored.push(Sampler::new(exchange.distribution, exchange.amount));
                }
                continue;
            }
            if exchange.distribution.is_fixed() {
                h_fixed[exchange.col_idx] += factor * exchange.amount;
            } else {
                let gradient = factor * mean_supply[exchange.col_idx];
                let variance = gradient * gradient * variance_of(exchange.distribution, exchange.amount);
                ranked.push((variance, MatrixName::Biosphere, exchange_idx));
            }
        }
        let total_variance: f64 = ranked.iter().map(|(variance, ..)| variance).sum();
        let mut order: Vec<usize> = (0..ranked.len()).collect();
        order.sort_by(|&left, &right| ranked[right].0.total_cmp(&ranked[left].0));
        let candidate_set: Vec<usize> = order.iter().copied().take(n_driver_candidates).collect();
        let is_candidate = {
            let mut flags = vec![false; ranked.len()];
            for &ranked_idx in &candidate_set {
                flags[ranked_idx] = true;
            }
            flags
        };

        // Lay the samplers out: candidates first (their samples are recorded), then the rest in storage order.
        let mut candidates = Vec::new();
        let mut a_uncertain = Vec::new();
        let mut b_uncertain = Vec::new();
        for pass_candidates in [true, false] {
            for (ranked_idx, &(variance, matrix, exchange_idx)) in ranked.iter().enumerate() {
                if is_candidate[ranked_idx] != pass_candidates || matrix != MatrixName::Technosphere {
                    continue;
                }
                let exchange = uncertain.technosphere()[exchange_idx];
                let position = position_of(exchange.row_idx, exchange.col_idx) as u32;
                a_uncertain.push((position, Sampler::new(exchange.distribution, exchange.amount)));
                if pass_candidates {
                    candidates.push((matrix, exchange, share(variance, total_variance)));
                }
            }
        }
        let n_a_candidates = candidates.len();
        for pass_candidates in [true, false] {
            for (ranked_idx, &(variance, matrix, exchange_idx)) in ranked.iter().enumerate() {
                if is_candidate[ranked_idx] != pass_candidates || matrix != MatrixName::Biosphere {
                    continue;
                }
                let exchange = uncertain.biosphere()[exchange_idx];
                let factor = characterization[exchange.row_idx];
                b_uncertain.push((
                    exchange.col_idx as u32,
                    factor,
                    Sampler::new(exchange.distribution, exchange.amount),
                ));
                if pass_candidates {
                    candidates.push((matrix, exchange, share(variance, total_variance)));
                }
            }
        }
        let n_b_candidates = candidates.len() - n_a_candidates;

        // Aᵀ in compressed columns is A by rows.
        let (a_col_ptr, a_row_idx) = (&pattern.col_ptr, &pattern.row_idx);
        let mut t_col_ptr = vec![0usize; n + 1];
        for &row_idx in a_row_idx {
            t_col_ptr[row_idx as usize + 1] += 1;
        }
        for row_idx in 0..n {
            t_col_ptr[row_idx + 1] += t_col_ptr[row_idx];
        }
        let mut next = t_col_ptr.clone();
        let mut t_row_idx = vec![0usize; a_row_idx.len()];
        let mut a_to_transpose = vec![0usize; a_row_idx.len()];
        for col_idx in 0..n {
            for position in a_col_ptr[col_idx]..a_col_ptr[col_idx + 1] {
                let row_idx = a_row_idx[position] as usize;
                t_row_idx[next[row_idx]] = col_idx;
                a_to_transpose[position] = next[row_idx];
                next[row_idx] += 1;
            }
        }
        let n_entries = t_row_idx.len();
        let transpose_template = SparseColMat::new(
            SymbolicSparseColMat::new_checked(n, n, t_col_ptr, None, t_row_idx),
            vec![0.0; n_entries],
        );

        let technosphere_template = SparseColMat::new(
            SymbolicSparseColMat::new_checked(
                n,
                n,
                pattern.col_ptr.clone(),
                None,
                pattern.row_idx.iter().map(|row_idx| *row_idx as usize).collect(),
            ),
            vec![0.0; n_entries],
        );
        let diagonal_positions = pattern.diagonal_positions();
        Ok(Self {
            mean_system: system.clone(),
            mean_lu: OnceLock::new(),
            n,
            demand: demand_vector,
            demand_norm,
            mean_supply,
            deterministic_score,
            pattern,
            diagonal_positions,
            a_fixed,
            a_uncertain,
            h_fixed,
            b_uncertain,
            b_unscored,
            n_a_candidates,
            n_b_candidates,
            candidates,
            transpose_template,
            technosphere_template,
            a_to_transpose,
            lu_ordering: OnceLock::new(),
        })
    }

    /// The score with every exchange at its amount.
    pub fn deterministic_score(&self) -> f64 {
        self.deterministic_score
    }

    /// How many exchanges each iteration draws: (technosphere, biosphere of characterised flows).
    pub fn n_sampled(&self) -> (usize, usize) {
        (self.a_uncertain.len(), self.b_uncertain.len())
    }

    /// How many more biosphere exchanges [`MonteCarloSettings::resample_all`] draws (those of flows without a
    /// characterisation factor).
    pub fn n_unscored(&self) -> usize {
        self.b_unscored.len()
    }

    /// Run the iterations.
    pub fn run(&self, settings: &MonteCarloSettings) -> Result<MonteCarloResult, MonteCarloError> {
        self.run_with_progress(settings, &|| {})
    }

    /// Run the iterations, calling `on_iteration` (from any worker thread) after each one.
    pub fn run_with_progress(
        &self,
        settings: &MonteCarloSettings,
        on_iteration: &(dyn Fn() + Sync),
    ) -> Result<MonteCarloResult, MonteCarloError> {
        if settings.iterations == 0 {
            return Err(MonteCarloError::NoIterations);
        }
        let next_iteration = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        let worker = || -> Result<Vec<Sample>, MonteCarloError> {
            let mut workspace = self.workspace(settings);
            let mut samples = Vec::new();
            loop {
                let iteration = next_iteration.fetch_add(1, Ordering::Relaxed);
                if iteration >= settings.iterations || failed.load(Ordering::Relaxed) {
                    return Ok(samples);
                }
                match self.iterate(iteration, settings, &mut workspace) {
                    Ok(sample) => samples.push(sample),
                    Err(error) => {
                        failed.store(true, Ordering::Relaxed);
                        return Err(error);
                    }
                }
                on_iteration();
            }
        };
        let n_threads = settings.threads.get().min(settings.iterations);
        let per_thread: Vec<Result<Vec<Sample>, MonteCarloError>> = if n_threads == 1 {
            vec![worker()]
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..n_threads).map(|_| scope.spawn(worker)).collect();
                handles.into_iter().map(|handle| handle.join().expect("a Monte Carlo worker panicked")).collect()
            })
        };
        let mut samples = Vec::with_capacity(settings.iterations);
        for result in per_thread {
            samples.extend(result?);
        }
        samples.sort_unstable_by_key(|sample| sample.iteration);
        Ok(self.summarise(samples, settings.tolerance))
    }

    fn workspace(&self, settings: &MonteCarloSettings) -> Workspace {
        let n = self.n;
        Workspace {
            values: vec![0.0; self.a_fixed.len()],
            inverse_diagonal: vec![1.0; n],
            h: vec![0.0; n],
            x: vec![0.0; n],
            jacobi_gmres: Gmres::new(n, settings.max_krylov_steps),
            lu_gmres: Gmres::new(n, settings.max_preconditioned_steps),
            column: Mat::zeros(n, 1),
            candidate_samples: vec![0.0; self.n_a_candidates + self.n_b_candidates],
        }
    }

    /// Draw one sample of A and h, solve, score.
    fn iterate(
        &self,
        iteration: usize,
        settings: &MonteCarloSettings,
        workspace: &mut Workspace,
    ) -> Result<Sample, MonteCarloError> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(stream_seed(settings.seed, iteration));
        workspace.values.copy_from_slice(&self.a_fixed);
        for (idx, (position, sampler)) in self.a_uncertain.iter().enumerate() {
            let value = sampler.sample(&mut rng);
            workspace.values[*position as usize] += value;
            if idx < self.n_a_candidates {
                workspace.candidate_samples[idx] = value;
            }
        }
        workspace.h.copy_from_slice(&self.h_fixed);
        for (idx, (process, factor, sampler)) in self.b_uncertain.iter().enumerate() {
            let value = sampler.sample(&mut rng);
            workspace.h[*process as usize] += factor * value;
            if idx < self.n_b_candidates {
                workspace.candidate_samples[self.n_a_candidates + idx] = value;
            }
        }

        if settings.resample_all {
            // Drawn after everything that counts, so that the scores are the same with or without them.
            let mut sum = 0.0;
            for sampler in &self.b_unscored {
                sum += sampler.sample(&mut rng);
            }
            std::hint::black_box(sum);
        }
        let stage = self.solve_sample(iteration, settings, workspace)?;
        let score = dot(&workspace.h, &workspace.x);
        if !score.is_finite() {
            return Err(MonteCarloError::SampleNotSolvable { iteration, reason: SampleFailure::ScoreNotFinite });
        }
        Ok(Sample { iteration, score, stage, candidate_values: workspace.candidate_samples.clone() })
    }

    /// Solve the sampled A x = d (A's values in `workspace.values`) into `workspace.x`, stage by stage.
    fn solve_sample(
        &self,
        iteration: usize,
        settings: &MonteCarloSettings,
        workspace: &mut Workspace,
    ) -> Result<Stage, MonteCarloError> {
        let Workspace { values, inverse_diagonal, x, jacobi_gmres, lu_gmres, column, .. } = workspace;
        let target = settings.tolerance * self.demand_norm;
        let apply = |z: &[f64], w: &mut [f64]| self.pattern.multiply(values, z, w);
        if settings.max_krylov_steps > 0 {
            jacobi(values, &self.diagonal_positions, inverse_diagonal);
            let mut precondition = |v: &[f64], z: &mut [f64]| {
                for ((z_value, v_value), inverse) in z.iter_mut().zip(v).zip(inverse_diagonal.iter()) {
                    *z_value = v_value * inverse;
                }
            };
            x.copy_from_slice(&self.mean_supply);
            if let Some(steps) =
                jacobi_gmres.solve(&apply, &mut precondition, &self.demand, x, target, settings.max_krylov_steps)
            {
                return Ok(Stage::Jacobi { steps });
            }
        }
        if settings.max_preconditioned_steps > 0
            && let Ok(mean_lu) =
                self.mean_lu.get_or_init(|| Solver::new_observed(self.mean_system.clone(), &mut |_| {}))
        {
            let mut precondition = |v: &[f64], z: &mut [f64]| {
                for (row_idx, value) in v.iter().enumerate() {
                    column[(row_idx, 0)] = *value;
                }
                mean_lu.solve_technosphere_in_place(column.as_mut());
                for (row_idx, value) in z.iter_mut().enumerate() {
                    *value = column[(row_idx, 0)];
                }
            };
            x.copy_from_slice(&self.mean_supply);
            if lu_gmres
                .solve(&apply, &mut precondition, &self.demand, x, target, settings.max_preconditioned_steps)
                .is_some()
            {
                return Ok(Stage::MeanLu);
            }
        }
        self.direct_solve(iteration, workspace)?;
        Ok(Stage::Direct)
    }

    /// Factorise the sampled Aᵀ afresh and solve A x = d.
    fn direct_solve(&self, iteration: usize, workspace: &mut Workspace) -> Result<(), MonteCarloError> {
        let not_solvable = |reason: SampleFailure| MonteCarloError::SampleNotSolvable { iteration, reason };
        let mut transpose = self.transpose_template.clone();
        let mut technosphere = self.technosphere_template.clone();
        {
            let transpose_values = transpose.val_mut();
            for (position, value) in workspace.values.iter().enumerate() {
                transpose_values[self.a_to_transpose[position]] = *value;
            }
            technosphere.val_mut().copy_from_slice(&workspace.values);
        }
        let ordering = self
            .lu_ordering
            // The samples' pattern (every exchange's position), which may hold positions the mean system merged
            // away, so the mean LU's analysis is not reused.
            .get_or_init(|| LuOrdering::of(transpose.as_ref(), technosphere.as_ref()))
            .clone()
            .map_err(|error| not_solvable(SampleFailure::Solve(error)))?;
        let lu = Solver::factorise(ordering, transpose.as_ref(), technosphere.as_ref())
            .map_err(|error| not_solvable(SampleFailure::Solve(error)))?;
        let column = &mut workspace.column;
        for (row_idx, value) in self.demand.iter().enumerate() {
            column[(row_idx, 0)] = *value;
        }
        lu.solve_technosphere_in_place(column.as_mut());
        for (row_idx, value) in workspace.x.iter_mut().enumerate() {
            *value = column[(row_idx, 0)];
        }
        if workspace.x.iter().any(|value| !value.is_finite()) {
            return Err(not_solvable(SampleFailure::SolutionNotFinite));
        }
        Ok(())
    }

    fn summarise(&self, samples: Vec<Sample>, tolerance: f64) -> MonteCarloResult {
        let scores: Vec<f64> = samples.iter().map(|sample| sample.score).collect();
        let mut solves = SolveStatistics { tolerance, ..SolveStatistics::default() };
        for sample in &samples {
            match sample.stage {
                Stage::Jacobi { steps } => {
                    solves.iterative += 1;
                    solves.krylov_steps += steps;
                    solves.max_krylov_steps = solves.max_krylov_steps.max(steps);
                }
                Stage::MeanLu => solves.mean_lu_preconditioned += 1,
                Stage::Direct => solves.fallbacks += 1,
            }
        }
        let score_ranks = ranks(&scores);
        let drivers = self
            .candidates
            .iter()
            .enumerate()
            .map(|(candidate_idx, &(matrix, exchange, first_order_share))| {
                let values: Vec<f64> = samples.iter().map(|sample| sample.candidate_values[candidate_idx]).collect();
                VarianceDriver {
                    matrix,
                    row_idx: exchange.row_idx,
                    col_idx: exchange.col_idx,
                    amount: exchange.amount,
                    distribution: exchange.distribution,
                    first_order_share,
                    rank_correlation: if samples.len() < 3 { f64::NAN } else { pearson(&ranks(&values), &score_ranks) },
                }
            })
            .collect::<Vec<_>>();
        let mut drivers = drivers;
        drivers.sort_by(|left, right| right.first_order_share.total_cmp(&left.first_order_share));
        MonteCarloResult {
            deterministic_score: self.deterministic_score,
            summary: summarise(&scores),
            scores,
            drivers,
            solves,
        }
    }
}

/// The seed of iteration k's stream: SplitMix64 of the seed and k, so neighbouring iterations and neighbouring seeds
/// get unrelated streams.
fn stream_seed(seed: u64, iteration: usize) -> u64 {
    let mut z = seed ^ (iteration as u64).wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The variance of one exchange (exact for each family).
fn variance_of(distribution: Distribution, amount: f64) -> f64 {
    match distribution {
        Distribution::Fixed => 0.0,
        Distribution::Lognormal { geometric_sd } => {
            let sigma_squared = geometric_sd.ln().powi(2);
            amount * amount * sigma_squared.exp() * sigma_squared.exp_m1()
        }
        Distribution::Normal { sd } => sd * sd,
        Distribution::Triangular { min, mode, max } => {
            (min * min + mode * mode + max * max - min * mode - min * max - mode * max) / 18.0
        }
        Distribution::Uniform { min, max } => (max - min).powi(2) / 12.0,
    }
}

fn share(part: f64, total: f64) -> f64 {
    if total > 0.0 { part / total } else { 0.0 }
}

/// One bar of a histogram: the scores in [lower, upper) (the last bar includes its upper edge).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct HistogramBin {
    pub lower: f64,
    pub upper: f64,
    pub count: usize,
}

/// `n_bins` equal-width bars from the smallest to the largest score (one bar when every score is the same).
pub fn histogram(scores: &[f64], n_bins: usize) -> Vec<HistogramBin> {
    let (low, high) = scores
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), score| (low.min(*score), high.max(*score)));
    if scores.is_empty() || n_bins == 0 {
        return Vec::new();
    }
    if low == high {
        return vec![HistogramBin { lower: low, upper: high, count: scores.len() }];
    }
    let width = (high - low) / n_bins as f64;
    let mut bins: Vec<HistogramBin> = (0..n_bins)
        .map(|bin_idx| HistogramBin {
            lower: low + width * bin_idx as f64,
            upper: if bin_idx + 1 == n_bins { high } else { low + width * (bin_idx + 1) as f64 },
            count: 0,
        })
        .collect();
    for score in scores {
        let bin_idx = (((score - low) / width) as usize).min(n_bins - 1);
        bins[bin_idx].count += 1;
    }
    bins
}

/// Mean, sample standard deviation and the 2.5/50/97.5 percentiles.
pub fn summarise(scores: &[f64]) -> ScoreSummary {
    let n = scores.len();
    let mean = scores.iter().sum::<f64>() / n as f64;
    let sd = if n > 1 {
        (scores.iter().map(|score| (score - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    let mut sorted = scores.to_vec();
    sorted.sort_by(f64::total_cmp);
    let percentile = |percent: f64| {
        let probability = percent / 100.0;
        // The order statistics that bound the percentile with 95 % confidence: n p ± 1.96 √(n p (1 − p)).
        let half_width = 1.96 * (n as f64 * probability * (1.0 - probability)).sqrt();
        let lower_rank = (n as f64 * probability - half_width).floor().max(0.0) as usize;
        let upper_rank = ((n as f64 * probability + half_width).ceil() as usize).min(n - 1);
        Percentile {
            percent,
            value: interpolate(&sorted, probability),
            lower_95: sorted[lower_rank.min(n - 1)],
            upper_95: sorted[upper_rank],
        }
    };
    ScoreSummary { mean, sd, percentiles: [percentile(2.5), percentile(50.0), percentile(97.5)] }
}

/// NumPy's default ("linear") percentile of sorted values.
fn interpolate(sorted: &[f64], probability: f64) -> f64 {
    let position = probability * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    sorted[below] + (position - below as f64) * (sorted[above] - sorted[below])
}

/// Ranks 1..n with ties averaged.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&left, &right| values[left].total_cmp(&values[right]));
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        let rank = (start + end + 1) as f64 / 2.0;
        for &idx in &order[start..end] {
            ranks[idx] = rank;
        }
        start = end;
    }
    ranks
}

fn pearson(left: &[f64], right: &[f64]) -> f64 {
    let n = left.len() as f64;
    let (left_mean, right_mean) = (left.iter().sum::<f64>() / n, right.iter().sum::<f64>() / n);
    let (mut covariance, mut left_variance, mut right_variance) = (0.0, 0.0, 0.0);
    for (left, right) in left.iter().zip(right) {
        covariance += (left - left_mean) * (right - right_mean);
        left_variance += (left - left_mean).powi(2);
        right_variance += (right - right_mean).powi(2);
    }
    if left_variance == 0.0 || right_variance == 0.0 {
        0.0
    } else {
        covariance / (left_variance * right_variance).sqrt()
    }
}
