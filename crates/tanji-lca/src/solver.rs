//! The sparse LU of Aᵀ: the direct solver behind [`crate::CheckedSolver`], for systems where GMRES does not answer,
//! and the Monte Carlo fallback; and [`SolveError`], why a system cannot be solved.
//!
//! Why Aᵀ: LCA technosphere matrices are close to triangular in supply-chain order with a few hub providers
//! (electricity, transport) whose rows are dense; factorising the transpose keeps those hubs in columns (the
//! observation behind Brightway's use of PARDISO on Aᵀ). The same factors give both solves we need:
//! - a demand d: A x = d, which is a *transpose* solve with the factors of Aᵀ;
//! - every product's score at once: Aᵀ y = Bᵀc, a plain solve, after which y_j is the score of one unit of j
//!   (because score_j = (Bᵀc)ᵀ A⁻¹ e_j = (A⁻ᵀ Bᵀc)_j).
//!
//! The ordering: faer's default sparse LU orders the columns by COLAMD, which on the hub-heavy 20,000-activity
//! benchmark system took 85 % of a solve (10 s of 11 s in a release build). The column order here is approximate
//! minimum degree on the pattern of Aᵀ + A instead (faer's AMD), the symmetric strategy of UMFPACK and PARDISO for
//! matrices with a full, dominant diagonal, which LCA technosphere matrices have (production on the diagonal); the
//! rest is faer's own supernodal LU (symbolic analysis by the column elimination tree, numeric factorisation with
//! partial pivoting by rows, so a large off-diagonal input cannot make it unstable and no pivot-growth check is
//! needed). The analysis depends on the pattern only and is reused across Monte Carlo samples ([`LuOrdering`]).

use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::perm::PermRef;
use faer::sparse::linalg::LuError;
use faer::sparse::linalg::lu::supernodal::{
    SupernodalLu, SymbolicSupernodalLu, factorize_supernodal_numeric_lu, factorize_supernodal_numeric_lu_scratch,
    factorize_supernodal_symbolic_lu, factorize_supernodal_symbolic_lu_scratch, solve_in_place_scratch,
};
use faer::sparse::linalg::{amd, qr};
use faer::sparse::{SparseColMat, SparseColMatRef, Triplet};
use faer::{Conj, Mat, MatMut, Par};

use crate::policy::SolveStage;
use crate::system::System;

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
    #[error("the sparse LU factorisation failed: {cause}")]
    Factorisation { cause: FactorisationCause },
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
    /// GMRES alone was asked for ([`crate::MethodChoice::Iterative`]) and did not reach its tolerance.
    #[error("the iterative solve did not converge: relative residual {relative_residual:.1e} after {steps} steps")]
    NotConverged { steps: usize, relative_residual: f64 },
    /// The solution does not satisfy the system to working precision.
    #[error("the solve is inaccurate (relative residual {relative_residual:.1e}); the system is ill-posed")]
    Inaccurate { relative_residual: f64 },
    /// A demand names a product the system does not have.
    #[error("there is no product {} (the system has {n_products} products)", .product_idx + 1)]
    ProductOutOfRange { product_idx: usize, n_products: usize },
}

/// Why the sparse factorisation failed on a system that is otherwise fine (faer's own reasons, as data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum FactorisationCause {
    /// Memory for the factors could not be allocated.
    #[error("out of memory")]
    OutOfMemory,
    /// The factors would have more entries than the index type counts.
    #[error("the factors are too large to index")]
    IndexOverflow,
    /// A reason faer added after this version (its errors are `non_exhaustive`).
    #[error("a reason the sparse library gives without a name")]
    Unnamed,
}

impl From<faer::sparse::FaerError> for FactorisationCause {
    fn from(error: faer::sparse::FaerError) -> Self {
        match error {
            faer::sparse::FaerError::OutOfMemory => Self::OutOfMemory,
            faer::sparse::FaerError::IndexOverflow => Self::IndexOverflow,
            _ => Self::Unnamed,
        }
    }
}

impl From<faer::sparse::CreationError> for FactorisationCause {
    fn from(error: faer::sparse::CreationError) -> Self {
        match error {
            faer::sparse::CreationError::Generic(error) => error.into(),
            // The system's entries were checked against its shape when it was made.
            faer::sparse::CreationError::OutOfBounds { .. } => Self::Unnamed,
        }
    }
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

/// The symbolic analysis of an LU of Aᵀ: the fill-reducing column order (approximate minimum degree on the pattern
/// of Aᵀ + A) and the supernodal structure that bounds the factors for any row pivoting. It depends on the pattern
/// only, so Monte Carlo computes it once for every sample of the same system.
#[derive(Clone, Debug)]
pub(crate) struct LuOrdering {
    perm: Vec<usize>,
    perm_inverse: Vec<usize>,
    symbolic: SymbolicSupernodalLu<usize>,
}

fn out_of_memory() -> SolveError {
    SolveError::Factorisation { cause: FactorisationCause::OutOfMemory }
}

impl LuOrdering {
    /// Analyse M = Aᵀ, given with its transpose A (both with the same pattern as every later matrix factorised with
    /// this analysis). The steps are faer's own symbolic LU (`factorize_symbolic_lu`) with AMD in place of COLAMD.
    pub(crate) fn of(
        transpose: SparseColMatRef<'_, usize, f64>,
        technosphere: SparseColMatRef<'_, usize, f64>,
    ) -> Result<Self, SolveError> {
        let n = transpose.ncols();
        let nnz = transpose.compute_nnz();
        let mut perm = vec![0usize; n];
        let mut perm_inverse = vec![0usize; n];
        let mut buffer = MemBuffer::try_new(StackReq::any_of(&[
            amd::order_maybe_unsorted_scratch::<usize>(n, nnz),
            qr::col_etree_scratch::<usize>(n, n),
            qr::postorder_scratch::<usize>(n),
            qr::column_counts_aat_scratch::<usize>(n, n),
            factorize_supernodal_symbolic_lu_scratch::<usize>(n, n),
        ]))
        .map_err(|_| out_of_memory())?;
        let stack = MemStack::new(&mut buffer);
        amd::order_maybe_unsorted(&mut perm, &mut perm_inverse, transpose.symbolic(), amd::Control::default(), stack)
            .map_err(|error| SolveError::Factorisation { cause: error.into() })?;
        let perm_ref = PermRef::new_checked(&perm, &perm_inverse, n);
        // The column elimination tree of M (the elimination tree of MᵀM) and the column counts bound the factors'
        // structure whatever rows partial pivoting picks (George and Ng).
        let mut etree = vec![0usize; n];
        let mut post = vec![0usize; n];
        let mut col_counts = vec![0usize; n];
        let mut min_col = vec![0usize; n];
        let etree_ref = qr::col_etree(transpose.symbolic(), Some(perm_ref), &mut etree, stack);
        qr::postorder(&mut post, etree_ref, stack);
        qr::column_counts_ata(
            &mut col_counts,
            &mut min_col,
            technosphere.symbolic(),
            Some(perm_ref),
            etree_ref,
            &post,
            stack,
        );
        let symbolic = factorize_supernodal_symbolic_lu(
            transpose.symbolic(),
            Some(perm_ref),
            &min_col,
            etree_ref,
            &col_counts,
            stack,
            Default::default(),
        )
        .map_err(|error| SolveError::Factorisation { cause: error.into() })?;
        Ok(Self { perm, perm_inverse, symbolic })
    }

    fn perm(&self) -> PermRef<'_, usize> {
        PermRef::new_checked(&self.perm, &self.perm_inverse, self.perm.len())
    }
}

/// The LU factors of Aᵀ (with its row and column permutations), ready to answer any number of right-hand sides.
pub(crate) struct Solver {
    ordering: LuOrdering,
    factors: SupernodalLu<usize, f64>,
    row_perm: Vec<usize>,
    row_perm_inverse: Vec<usize>,
}

impl std::fmt::Debug for Solver {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Solver").field("n_processes", &self.row_perm.len()).finish_non_exhaustive()
    }
}

/// Which system a substitution solves: A x = b or Aᵀ y = b.
#[derive(Clone, Copy)]
enum Orientation {
    Technosphere,
    Transpose,
}

/// A matrix in faer's compressed columns.
type Compressed = SparseColMat<usize, f64>;

/// Aᵀ and A in compressed columns, from a system's merged entries.
pub(crate) fn transpose_and_technosphere(system: &System) -> Result<(Compressed, Compressed), SolveError> {
    let n = system.n_processes();
    let entries = system.technosphere();
    let transpose_triplets: Vec<Triplet<usize, usize, f64>> =
        entries.iter().map(|entry| Triplet::new(entry.col_idx, entry.row_idx, entry.value)).collect();
    let technosphere_triplets: Vec<Triplet<usize, usize, f64>> =
        entries.iter().map(|entry| Triplet::new(entry.row_idx, entry.col_idx, entry.value)).collect();
    let matrix = |triplets: &[Triplet<usize, usize, f64>]| {
        SparseColMat::<usize, f64>::try_new_from_triplets(n, n, triplets)
            .map_err(|error| SolveError::Factorisation { cause: error.into() })
    };
    Ok((matrix(&transpose_triplets)?, matrix(&technosphere_triplets)?))
}

impl Solver {
    /// Analyse and factorise Aᵀ of a system whose checks ([`crate::CheckedSolver::new`]) passed, telling `observer`
    /// when the analysis and the factorisation begin.
    pub(crate) fn new_observed(system: System, observer: &mut dyn FnMut(SolveStage)) -> Result<Self, SolveError> {
        observer(SolveStage::Analyse);
        let (transpose, technosphere) = transpose_and_technosphere(&system)?;
        let ordering = LuOrdering::of(transpose.as_ref(), technosphere.as_ref())?;
        observer(SolveStage::Factorise);
        Self::factorise(ordering, transpose.as_ref(), technosphere.as_ref())
    }

    /// Factorise Aᵀ (`transpose`, with its transpose A) with the analysis given, with partial pivoting by rows.
    pub(crate) fn factorise(
        ordering: LuOrdering,
        transpose: SparseColMatRef<'_, usize, f64>,
        technosphere: SparseColMatRef<'_, usize, f64>,
    ) -> Result<Self, SolveError> {
        let n = transpose.ncols();
        let mut factors = SupernodalLu::new();
        let mut row_perm = vec![0usize; n];
        let mut row_perm_inverse = vec![0usize; n];
        let mut buffer = MemBuffer::try_new(factorize_supernodal_numeric_lu_scratch::<usize, f64>(
            &ordering.symbolic,
            Default::default(),
        ))
        .map_err(|_| out_of_memory())?;
        factorize_supernodal_numeric_lu(
            &mut row_perm,
            &mut row_perm_inverse,
            &mut factors,
            transpose,
            technosphere,
            ordering.perm(),
            &ordering.symbolic,
            Par::Seq,
            MemStack::new(&mut buffer),
            Default::default(),
        )
        .map_err(|error| match error {
            LuError::SymbolicSingular { index } => SolveError::StructurallySingular { step: index },
            LuError::Generic(error) => SolveError::Factorisation { cause: error.into() },
        })?;
        Ok(Self { ordering, factors, row_perm, row_perm_inverse })
    }

    fn row_perm(&self) -> PermRef<'_, usize> {
        PermRef::new_checked(&self.row_perm, &self.row_perm_inverse, self.row_perm.len())
    }

    /// Solve Aᵀ y = b.
    pub(crate) fn solve_transpose(&self, rhs: &[f64]) -> Vec<f64> {
        let mut column = Mat::<f64>::from_fn(rhs.len(), 1, |row_idx, _| rhs[row_idx]);
        self.solve_transpose_in_place(column.as_mut());
        (0..rhs.len()).map(|idx| column[(idx, 0)]).collect()
    }

    /// Solve A x = b.
    pub(crate) fn solve_technosphere(&self, rhs: &[f64]) -> Vec<f64> {
        let mut column = Mat::<f64>::from_fn(rhs.len(), 1, |row_idx, _| rhs[row_idx]);
        self.solve_technosphere_in_place(column.as_mut());
        (0..rhs.len()).map(|idx| column[(idx, 0)]).collect()
    }

    /// Overwrite `column` (b) with the solution of Aᵀ y = b.
    pub(crate) fn solve_transpose_in_place(&self, column: MatMut<'_, f64>) {
        self.substitute(column, Orientation::Transpose);
    }

    /// Overwrite `column` (b) with the solution of A x = b: a transpose solve with the factors of Aᵀ.
    pub(crate) fn solve_technosphere_in_place(&self, column: MatMut<'_, f64>) {
        self.substitute(column, Orientation::Technosphere);
    }

    fn substitute(&self, column: MatMut<'_, f64>, orientation: Orientation) {
        if self.row_perm.is_empty() {
            return;
        }
        let mut buffer = MemBuffer::new(solve_in_place_scratch::<usize, f64>(self.row_perm.len(), 1, Par::Seq));
        let stack = MemStack::new(&mut buffer);
        let (row_perm, col_perm) = (self.row_perm(), self.ordering.perm());
        match orientation {
            Orientation::Transpose => {
                self.factors.solve_in_place_with_conj(row_perm, col_perm, Conj::No, column, Par::Seq, stack);
            }
            Orientation::Technosphere => {
                self.factors.solve_transpose_in_place_with_conj(row_perm, col_perm, Conj::No, column, Par::Seq, stack);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use faer::prelude::Solve as _;

    use super::*;
    use crate::synthetic::{SyntheticParameters, generate};

    /// The LU tanji used before the AMD ordering: faer's default (COLAMD column order), on the same Aᵀ.
    fn colamd_lu(system: &System) -> faer::sparse::linalg::solvers::Lu<usize, f64> {
        let n = system.n_processes();
        let triplets: Vec<Triplet<usize, usize, f64>> =
            system.technosphere().iter().map(|entry| Triplet::new(entry.col_idx, entry.row_idx, entry.value)).collect();
        SparseColMat::<usize, f64>::try_new_from_triplets(n, n, &triplets).unwrap().sp_lu().unwrap()
    }

    #[test]
    fn the_amd_ordered_lu_gives_the_scores_of_the_colamd_one() {
        for (n_activities, seed) in [(500, 3), (3_000, 42)] {
            let system = generate(&SyntheticParameters::scaled(n_activities, seed)).system().clone();
            let direct_impact = system.direct_impact_per_process();
            let reference = colamd_lu(&system);
            let solver = Solver::new_observed(system.clone(), &mut |_| {}).unwrap();

            let scores = solver.solve_transpose(&direct_impact);
            let mut expected = Mat::<f64>::from_fn(direct_impact.len(), 1, |idx, _| direct_impact[idx]);
            reference.solve_in_place(expected.as_mut());
            // Equal within 1e-9 relative; a product without emissions upstream scores 0 in one and rounding noise
            // (1e-18) in the other, which counts as equal below 1e-14 of the largest score.
            let largest = scores.iter().fold(0.0_f64, |max, score| max.max(score.abs()));
            for (idx, score) in scores.iter().enumerate() {
                let expected = expected[(idx, 0)];
                let difference = (score - expected).abs();
                assert!(
                    difference <= 1e-9 * expected.abs() || difference <= 1e-14 * largest,
                    "{idx}: {score} vs {expected}"
                );
            }

            let mut demand = vec![0.0; direct_impact.len()];
            demand[7] = 1.0;
            let supply = solver.solve_technosphere(&demand);
            let mut expected = Mat::<f64>::from_fn(demand.len(), 1, |idx, _| demand[idx]);
            reference.solve_transpose_in_place(expected.as_mut());
            let largest = supply.iter().fold(0.0_f64, |max, runs| max.max(runs.abs()));
            for (idx, runs) in supply.iter().enumerate() {
                let expected = expected[(idx, 0)];
                let difference = (runs - expected).abs();
                assert!(
                    difference <= 1e-9 * expected.abs() || difference <= 1e-14 * largest,
                    "{idx}: {runs} vs {expected}"
                );
            }
        }
    }
}
