//! Solving a product system: one sparse LU factorisation of Aᵀ, reused for every demand and for the adjoint solve.
//!
//! Why Aᵀ: LCA technosphere matrices are close to triangular in supply-chain order with a few hub providers
//! (electricity, transport) whose rows are dense; factorising the transpose keeps those hubs in columns, where a
//! left-looking LU with partial row pivoting produces far less fill-in (the observation behind Brightway's use of
//! PARDISO on Aᵀ). The same factors give both solves we need:
//! - a demand of one unit of product j: A x = e_j, which is a *transpose* solve with the factors of Aᵀ;
//! - every product's score at once: Aᵀ y = Bᵀc, a plain solve, after which y_j is the score of one unit of j
//!   (because score_j = (Bᵀc)ᵀ A⁻¹ e_j = (A⁻ᵀ Bᵀc)_j).

use faer::Mat;
use faer::prelude::Solve as _;
use faer::sparse::linalg::LuError;
use faer::sparse::linalg::solvers::Lu;
use faer::sparse::{SparseColMat, Triplet};

use crate::system::System;

/// A condition number beyond which the answer may have lost most of its digits: 1/(1000 ε) ≈ 4.5e12.
const CONDITION_LIMIT: f64 = 1.0 / (1000.0 * f64::EPSILON);

/// A relative residual (backward error) beyond which the factorisation did not solve the system.
const RESIDUAL_LIMIT: f64 = 1e-9;

/// Why a system could not be solved. Process indices are 0-based; messages show 1-based columns, as Matrix Market does.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
// Not `non_exhaustive`: tanji-i18n says every variant, so a new one without its texts does not compile.
pub enum SolveError {
    /// Processes supply each other in a loop that consumes at least as much as it makes: no non-negative solution
    /// exists (the system is singular, or its solution has negative supply and would give a negative footprint).
    #[error("{}", unproductive_loop(.0))]
    UnproductiveLoop(crate::loops::UnproductiveLoop),
    /// Some processes do not produce their reference product: A's diagonal is zero (or the column is empty).
    #[error("the technosphere matrix A is singular: no reference product comes from {} (zero on A's diagonal)",
            columns(.process_idxs))]
    NoReferenceProduction { process_idxs: Vec<usize> },
    /// The sparse LU found no pivot at some step although the diagonal is full (cannot happen with a full diagonal,
    /// but the factorisation's own check is kept rather than trusted away).
    #[error("the technosphere matrix A is structurally singular (no pivot at elimination step {step})")]
    StructurallySingular { step: usize },
    /// The factorisation failed for a reason other than singularity, e.g. memory.
    #[error("the sparse LU factorisation failed: {reason}")]
    Factorisation { reason: String },
    /// A zero pivot appeared during elimination: the processes whose results came out infinite or NaN are listed.
    #[error("the technosphere matrix A is numerically singular: results for {} are not finite; \
             check for processes that only supply each other (a loop producing nothing net)",
            columns(.process_idxs))]
    NumericallySingular { process_idxs: Vec<usize> },
    /// The answer is finite but cannot be trusted: the system is too close to singular.
    #[error(
        "the technosphere matrix A is ill-conditioned (condition number at least {condition_lower_bound:.1e}); \
             the result would have lost most of its digits"
    )]
    IllConditioned { condition_lower_bound: f64 },
    /// The solution does not satisfy the system to working precision.
    #[error("the solve is inaccurate (relative residual {relative_residual:.1e}); the system is ill-posed")]
    Inaccurate { relative_residual: f64 },
    /// A demand names a product the system does not have.
    #[error("there is no product {} (the system has {n_products} products)", .product_idx + 1)]
    ProductOutOfRange { product_idx: usize, n_products: usize },
}

/// "columns 1, 4, 7 (1-based)", shortened when there are many.
fn columns(process_idxs: &[usize]) -> String {
    const SHOWN: usize = 20;
    let shown: Vec<String> = process_idxs.iter().take(SHOWN).map(|idx| (idx + 1).to_string()).collect();
    let more =
        if process_idxs.len() > SHOWN { format!(" and {} more", process_idxs.len() - SHOWN) } else { String::new() };
    let noun = if process_idxs.len() == 1 { "the process in column" } else { "the processes in columns" };
    format!("{noun} {}{more} (1-based)", shown.join(", "))
}

/// The English text of an unproductive loop, with 1-based process columns.
fn unproductive_loop(found: &crate::loops::UnproductiveLoop) -> String {
    use crate::loops::amount_text;
    let first = found.cycle.first().map_or(0, |step| step.consumer_idx) + 1;
    if let [step] = found.cycle.as_slice()
        && found.process_idxs.len() == 1
    {
        return format!(
            "the process in column {first} (1-based) uses at least as much of its own product as it makes: each unit \
             of product {first} needs {} units of itself: there is no non-negative solution",
            amount_text(step.units_per_unit)
        );
    }
    let steps: Vec<String> = found
        .cycle
        .iter()
        .map(|step| {
            format!(
                "each unit of product {} needs {} units of product {}",
                step.consumer_idx + 1,
                amount_text(step.units_per_unit),
                step.provider_idx + 1
            )
        })
        .collect();
    format!(
        "{} supply each other in a loop that produces nothing net: {}; so each unit of product {first} needs {} units \
         of itself through the loop (loop gain {}, at least 1): there is no non-negative solution",
        columns(&found.process_idxs),
        steps.join(", "),
        amount_text(found.cycle_gain),
        amount_text(found.loop_gain),
    )
}

/// A factorised product system, ready to answer any number of demands.
pub struct Solver {
    system: System,
    lu_of_transpose: Lu<usize, f64>,
    /// Bᵀc: characterised direct interventions per run of each process.
    direct_impact: Vec<f64>,
    /// ‖A‖∞ (largest absolute row sum) and ‖A‖₁ (largest absolute column sum), for the accuracy checks.
    norm_inf: f64,
    norm_one: f64,
}

impl std::fmt::Debug for Solver {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Solver")
            .field("n_processes", &self.system.n_processes())
            .field("n_flows", &self.system.n_flows())
            .finish_non_exhaustive()
    }
}

impl Solver {
    /// Check the system and factorise Aᵀ once.
    pub fn new(system: System) -> Result<Self, SolveError> {
        let n = system.n_processes();
        let mut diagonal = vec![0.0; n];
        let mut row_sums = vec![0.0; n];
        let mut col_sums = vec![0.0; n];
        let mut transpose_triplets = Vec::with_capacity(system.technosphere().len());
        for entry in system.technosphere() {
            if entry.row_idx == entry.col_idx {
                diagonal[entry.row_idx] = entry.value;
            }
            row_sums[entry.row_idx] += entry.value.abs();
            col_sums[entry.col_idx] += entry.value.abs();
            transpose_triplets.push(Triplet::new(entry.col_idx, entry.row_idx, entry.value));
        }
        let (production, consumptions) = system.production_and_consumptions();
        if let Some(found) = crate::loops::find_unproductive_loop(&production, &consumptions) {
            return Err(SolveError::UnproductiveLoop(found));
        }
        let process_idxs: Vec<usize> = (0..n).filter(|&idx| diagonal[idx] == 0.0).collect();
        if !process_idxs.is_empty() {
            return Err(SolveError::NoReferenceProduction { process_idxs });
        }
        let transpose = SparseColMat::<usize, f64>::try_new_from_triplets(n, n, &transpose_triplets)
            .map_err(|error| SolveError::Factorisation { reason: format!("{error:?}") })?;
        let lu_of_transpose = transpose.sp_lu().map_err(|error| match error {
            LuError::SymbolicSingular { index } => SolveError::StructurallySingular { step: index },
            LuError::Generic(error) => SolveError::Factorisation { reason: format!("{error:?}") },
        })?;
        let direct_impact = system.direct_impact_per_process();
        Ok(Self {
            system,
            lu_of_transpose,
            direct_impact,
            norm_inf: row_sums.into_iter().fold(0.0, f64::max),
            norm_one: col_sums.into_iter().fold(0.0, f64::max),
        })
    }

    /// The system this solver was built from.
    pub fn system(&self) -> &System {
        &self.system
    }

    /// The LU factors of Aᵀ: the Monte Carlo preconditioner.
    pub(crate) fn lu_of_transpose(&self) -> &Lu<usize, f64> {
        &self.lu_of_transpose
    }

    /// The supply (scaling) vector for one unit of product `product_idx`: how many runs of each process it takes,
    /// the solution of A x = e_j.
    pub fn supply(&self, product_idx: usize) -> Result<Vec<f64>, SolveError> {
        let n = self.system.n_processes();
        if product_idx >= n {
            return Err(SolveError::ProductOutOfRange { product_idx, n_products: n });
        }
        let mut rhs = Mat::<f64>::zeros(n, 1);
        rhs[(product_idx, 0)] = 1.0;
        self.lu_of_transpose.solve_transpose_in_place(&mut rhs);
        let supply: Vec<f64> = (0..n).map(|idx| rhs[(idx, 0)]).collect();
        let mut demand = vec![0.0; n];
        demand[product_idx] = 1.0;
        self.check(&supply, &demand, Orientation::Technosphere)?;
        Ok(supply)
    }

    /// The characterised score (e.g. kg CO2e) of one unit of product `product_idx`: cᵀ B A⁻¹ e_j.
    pub fn score(&self, product_idx: usize) -> Result<f64, SolveError> {
        let supply = self.supply(product_idx)?;
        Ok(supply.iter().zip(&self.direct_impact).map(|(runs, impact)| runs * impact).sum())
    }

    /// The score of one unit of every product, from one adjoint solve Aᵀ y = Bᵀc.
    pub fn all_scores(&self) -> Result<Vec<f64>, SolveError> {
        let n = self.system.n_processes();
        let mut rhs = Mat::<f64>::from_fn(n, 1, |row_idx, _| self.direct_impact[row_idx]);
        self.lu_of_transpose.solve_in_place(&mut rhs);
        let scores: Vec<f64> = (0..n).map(|idx| rhs[(idx, 0)]).collect();
        self.check(&scores, &self.direct_impact, Orientation::Transpose)?;
        Ok(scores)
    }

    /// Reject a solution that is not finite, does not satisfy its system, or comes from a nearly singular matrix.
    fn check(&self, solution: &[f64], rhs: &[f64], orientation: Orientation) -> Result<(), SolveError> {
        let process_idxs: Vec<usize> = (0..solution.len()).filter(|&idx| !solution[idx].is_finite()).collect();
        if !process_idxs.is_empty() {
            return Err(SolveError::NumericallySingular { process_idxs });
        }
        let mut residual = rhs.to_vec();
        for entry in self.system.technosphere() {
            match orientation {
                Orientation::Technosphere => residual[entry.row_idx] -= entry.value * solution[entry.col_idx],
                Orientation::Transpose => residual[entry.col_idx] -= entry.value * solution[entry.row_idx],
            }
        }
        let norm = match orientation {
            Orientation::Technosphere => self.norm_inf,
            Orientation::Transpose => self.norm_one,
        };
        let solution_norm = max_abs(solution);
        let rhs_norm = max_abs(rhs);
        if rhs_norm == 0.0 {
            // A zero right-hand side has the zero solution; nothing to measure.
            return Ok(());
        }
        let relative_residual = max_abs(&residual) / (norm * solution_norm + rhs_norm);
        if relative_residual > RESIDUAL_LIMIT {
            return Err(SolveError::Inaccurate { relative_residual });
        }
        // ‖A‖‖x‖/‖b‖ ≤ ‖A‖‖A⁻¹‖ = cond(A): a lower bound that costs nothing and catches near-singular systems whose
        // huge solutions still have small residuals.
        let condition_lower_bound = norm * solution_norm / rhs_norm;
        if condition_lower_bound > CONDITION_LIMIT {
            return Err(SolveError::IllConditioned { condition_lower_bound });
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Orientation {
    /// A x = b.
    Technosphere,
    /// Aᵀ y = b.
    Transpose,
}

fn max_abs(values: &[f64]) -> f64 {
    values.iter().fold(0.0, |max, value| f64::max(max, value.abs()))
}
