//! The one solver policy of every LCA solve (`tanji lca solve`, `tanji footprint compute`, the console's footprints,
//! `tanji bench lca`): Jacobi-preconditioned GMRES first, its answer accepted only when the true residual passes the
//! same check as a direct solve's; otherwise the sparse LU of Aᵀ ([`crate::solver`]). Small systems (a product
//! model's foreground) go to the LU directly ([`SolvePolicy::small_system_processes`]). Every answer says which method
//! gave it and, for the LU, why ([`SolveMethod`], [`LuReason`]): values, which tanji-i18n renders.
//!
//! Why this order: on LCA technosphere matrices GMRES with the production amounts as preconditioner converges in a
//! few dozen products with A (see [`crate::krylov`]), far cheaper than any factorisation; but nothing guarantees
//! convergence (a system whose loops nearly cancel their output converges slowly or not at all), and the LU answers
//! whenever the system is solvable at all.

use std::sync::OnceLock;

use crate::krylov::{CompressedColumns, Gmres, check_solution, dot, jacobi, norm};
use crate::solver::{SolveError, Solver};
use crate::system::System;

/// Which methods the policy may use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodChoice {
    /// GMRES, then the LU if GMRES's answer is not accepted.
    #[default]
    Auto,
    /// GMRES only: an answer it cannot give is an error ([`SolveError::NotConverged`]).
    Iterative,
    /// The LU only (to compare, or to time the fallback).
    Lu,
}

/// How the policy solves.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SolvePolicy {
    pub method: MethodChoice,
    /// Systems with fewer processes than this go to the LU directly under [`MethodChoice::Auto`]
    /// ([`LuReason::SmallSystem`]): a product model's foreground system (tens of processes) factorises in
    /// microseconds, and the LU keeps the exact figures a model's hand calculation gives (GMRES would leave rounding
    /// noise in the last digit, `0.0190574` becoming `0.019057400000000002`).
    pub small_system_processes: usize,
    /// The relative residual ‖b − A x‖₂/‖b‖₂ at which GMRES stops.
    pub tolerance: f64,
    /// GMRES steps (each one product with A) before the LU takes over.
    pub max_steps: usize,
}

/// The relative residual at which GMRES stops by default: close to what a direct solve leaves, so that its scores
/// agree with the LU's to about 1e-12.
pub const DEFAULT_TOLERANCE: f64 = 1e-14;

impl Default for SolvePolicy {
    fn default() -> Self {
        Self { method: MethodChoice::Auto, small_system_processes: 256, tolerance: DEFAULT_TOLERANCE, max_steps: 400 }
    }
}

/// Which method answered.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum SolveMethod {
    /// Jacobi-preconditioned GMRES, after this many steps.
    Iterative { steps: usize },
    /// The sparse LU of Aᵀ, for this reason.
    Lu { reason: LuReason },
}

/// Why the LU answered rather than GMRES.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum LuReason {
    /// The policy asked for the LU only ([`MethodChoice::Lu`]).
    Requested,
    /// The system has fewer processes than [`SolvePolicy::small_system_processes`].
    SmallSystem { n_processes: usize },
    /// GMRES did not reach the tolerance within its step limit; the relative residual ‖b − A x‖₂/‖b‖₂ it reached.
    NotConverged { steps: usize, relative_residual: f64 },
    /// GMRES reached the tolerance but its answer failed the acceptance check (not finite, backward error above
    /// 1e-9, or nearly singular): the LU's answer is checked the same way.
    Rejected { steps: usize },
}

/// A stage of a solve, reported as it begins so that an adapter can time it (the domain has no clock).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SolveStage {
    /// GMRES iterations.
    Iterate,
    /// The LU's symbolic analysis: the fill-reducing ordering and the elimination structure.
    Analyse,
    /// The LU's numeric factorisation.
    Factorise,
    /// Forward and back substitution with the LU factors, and the residual check.
    Substitute,
}

/// Scores products of a system by [`SolvePolicy`]: GMRES first, the sparse LU (factorised once, on first need, and
/// reused for every later solve) when GMRES's answer is not accepted. Same checks and errors whichever answers.
pub struct CheckedSolver {
    system: System,
    policy: SolvePolicy,
    pattern: CompressedColumns,
    values: Vec<f64>,
    inverse_diagonal: Vec<f64>,
    direct_impact: Vec<f64>,
    norm_inf: f64,
    norm_one: f64,
    lu: OnceLock<Result<Solver, SolveError>>,
}

impl std::fmt::Debug for CheckedSolver {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("CheckedSolver")
            .field("n_processes", &self.system.n_processes())
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl CheckedSolver {
    /// Check the system (every process makes its product, no loop consumes what it makes) and prepare; nothing is
    /// factorised yet.
    pub fn new(system: System, policy: SolvePolicy) -> Result<Self, SolveError> {
        let n = system.n_processes();
        let (production, consumptions) = system.production_and_consumptions();
        if let Some(found) = crate::loops::find_unproductive_loop(&production, &consumptions) {
            return Err(SolveError::UnproductiveLoop(found));
        }
        let pattern = CompressedColumns::from_sorted_positions(
            n,
            system.technosphere().iter().map(|entry| (entry.col_idx, entry.row_idx)),
        );
        let values: Vec<f64> = system.technosphere().iter().map(|entry| entry.value).collect();
        let diagonal_positions = pattern.diagonal_positions();
        let process_idxs: Vec<usize> =
            (0..n).filter(|&idx| diagonal_positions[idx].is_none_or(|position| values[position] == 0.0)).collect();
        if !process_idxs.is_empty() {
            return Err(SolveError::NoReferenceProduction { process_idxs });
        }
        let mut inverse_diagonal = vec![1.0; n];
        jacobi(&values, &diagonal_positions, &mut inverse_diagonal);
        let mut row_sums = vec![0.0; n];
        let mut col_sums = vec![0.0; n];
        for entry in system.technosphere() {
            row_sums[entry.row_idx] += entry.value.abs();
            col_sums[entry.col_idx] += entry.value.abs();
        }
        let direct_impact = system.direct_impact_per_process();
        Ok(Self {
            system,
            policy,
            pattern,
            values,
            inverse_diagonal,
            direct_impact,
            norm_inf: row_sums.into_iter().fold(0.0, f64::max),
            norm_one: col_sums.into_iter().fold(0.0, f64::max),
            lu: OnceLock::new(),
        })
    }

    /// The system this solver was built from.
    pub fn system(&self) -> &System {
        &self.system
    }

    /// Bᵀc: the characterised direct interventions of one run of each process.
    pub fn direct_impact(&self) -> &[f64] {
        &self.direct_impact
    }

    /// The supply vector for a demand (pairs of 0-based product and amount): A x = d.
    pub fn supply(&self, demand: &[(usize, f64)]) -> Result<(Vec<f64>, SolveMethod), SolveError> {
        self.supply_observed(demand, &mut |_| {})
    }

    /// [`CheckedSolver::supply`], calling `observer` as each stage begins.
    pub fn supply_observed(
        &self,
        demand: &[(usize, f64)],
        observer: &mut dyn FnMut(SolveStage),
    ) -> Result<(Vec<f64>, SolveMethod), SolveError> {
        let n = self.system.n_processes();
        let mut rhs = vec![0.0; n];
        for &(product_idx, amount) in demand {
            if product_idx >= n {
                return Err(SolveError::ProductOutOfRange { product_idx, n_products: n });
            }
            rhs[product_idx] += amount;
        }
        self.solve(&rhs, Orientation::Technosphere, observer)
    }

    /// The score of a demand: cᵀ B A⁻¹ d.
    pub fn score(&self, demand: &[(usize, f64)]) -> Result<(f64, SolveMethod), SolveError> {
        self.score_observed(demand, &mut |_| {})
    }

    /// [`CheckedSolver::score`], calling `observer` as each stage begins.
    pub fn score_observed(
        &self,
        demand: &[(usize, f64)],
        observer: &mut dyn FnMut(SolveStage),
    ) -> Result<(f64, SolveMethod), SolveError> {
        let (supply, method) = self.supply_observed(demand, observer)?;
        Ok((dot(&supply, &self.direct_impact), method))
    }

    /// The score of one unit of every product, from one adjoint solve Aᵀ y = Bᵀc.
    pub fn all_scores(&self) -> Result<(Vec<f64>, SolveMethod), SolveError> {
        self.all_scores_observed(&mut |_| {})
    }

    /// [`CheckedSolver::all_scores`], calling `observer` as each stage begins.
    pub fn all_scores_observed(
        &self,
        observer: &mut dyn FnMut(SolveStage),
    ) -> Result<(Vec<f64>, SolveMethod), SolveError> {
        self.solve(&self.direct_impact, Orientation::Transpose, observer)
    }

    fn solve(
        &self,
        rhs: &[f64],
        orientation: Orientation,
        observer: &mut dyn FnMut(SolveStage),
    ) -> Result<(Vec<f64>, SolveMethod), SolveError> {
        let n = rhs.len();
        let rhs_norm = norm(rhs);
        let apply = |z: &[f64], w: &mut [f64]| match orientation {
            Orientation::Technosphere => self.pattern.multiply(&self.values, z, w),
            Orientation::Transpose => self.pattern.multiply_transpose(&self.values, z, w),
        };
        let reason = match self.policy.method {
            MethodChoice::Lu => LuReason::Requested,
            MethodChoice::Auto if n < self.policy.small_system_processes => LuReason::SmallSystem { n_processes: n },
            MethodChoice::Auto | MethodChoice::Iterative => {
                if rhs_norm == 0.0 {
                    return Ok((vec![0.0; n], SolveMethod::Iterative { steps: 0 }));
                }
                observer(SolveStage::Iterate);
                // Start from the Jacobi step itself: x = D⁻¹ b.
                let mut x: Vec<f64> = rhs.iter().zip(&self.inverse_diagonal).map(|(b, inverse)| b * inverse).collect();
                let mut gmres = Gmres::new(n, self.policy.max_steps);
                let mut precondition = |v: &[f64], z: &mut [f64]| {
                    for ((z_value, v_value), inverse) in z.iter_mut().zip(v).zip(&self.inverse_diagonal) {
                        *z_value = v_value * inverse;
                    }
                };
                let target = self.policy.tolerance * rhs_norm;
                match gmres.solve(&apply, &mut precondition, rhs, &mut x, target, self.policy.max_steps) {
                    Some(steps) => match self.check(&x, rhs, gmres.residual(), orientation) {
                        Ok(()) => return Ok((x, SolveMethod::Iterative { steps })),
                        Err(error) if self.policy.method == MethodChoice::Iterative => return Err(error),
                        Err(_) => LuReason::Rejected { steps },
                    },
                    None => {
                        let mut residual = vec![0.0; n];
                        apply(&x, &mut residual);
                        let residual_norm = norm(&residual.iter().zip(rhs).map(|(ax, b)| b - ax).collect::<Vec<f64>>());
                        let relative_residual = residual_norm / rhs_norm;
                        let steps = self.policy.max_steps;
                        if self.policy.method == MethodChoice::Iterative {
                            return Err(SolveError::NotConverged { steps, relative_residual });
                        }
                        LuReason::NotConverged { steps, relative_residual }
                    }
                }
            }
        };
        let lu = self.lu.get_or_init(|| Solver::new_observed(self.system.clone(), observer)).as_ref();
        let lu = lu.map_err(Clone::clone)?;
        observer(SolveStage::Substitute);
        let solution = match orientation {
            Orientation::Technosphere => lu.solve_technosphere(rhs),
            Orientation::Transpose => lu.solve_transpose(rhs),
        };
        let mut residual = vec![0.0; n];
        apply(&solution, &mut residual);
        for (residual_value, b_value) in residual.iter_mut().zip(rhs) {
            *residual_value = b_value - *residual_value;
        }
        self.check(&solution, rhs, &residual, orientation)?;
        Ok((solution, SolveMethod::Lu { reason }))
    }

    /// The acceptance test: finite, a small backward error, not nearly singular.
    fn check(
        &self,
        solution: &[f64],
        rhs: &[f64],
        residual: &[f64],
        orientation: Orientation,
    ) -> Result<(), SolveError> {
        let norm = match orientation {
            Orientation::Technosphere => self.norm_inf,
            Orientation::Transpose => self.norm_one,
        };
        check_solution(solution, rhs, residual, norm)
    }
}

#[derive(Clone, Copy)]
enum Orientation {
    /// A x = b.
    Technosphere,
    /// Aᵀ y = b.
    Transpose,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Entry;
    use crate::synthetic::{SyntheticParameters, generate};

    fn policy(method: MethodChoice) -> SolvePolicy {
        SolvePolicy { method, ..SolvePolicy::default() }
    }

    fn assert_relatively_equal(actual: &[f64], expected: &[f64], tolerance: f64) {
        assert_eq!(actual.len(), expected.len());
        let largest = expected.iter().fold(0.0_f64, |max, value| max.max(value.abs()));
        for (idx, (actual, expected)) in actual.iter().zip(expected).enumerate() {
            let difference = (actual - expected).abs();
            assert!(
                difference <= tolerance * expected.abs() || difference <= 1e-14 * largest,
                "{idx}: {actual} vs {expected} (relative {:.1e})",
                difference / expected.abs()
            );
        }
    }

    /// A ring of `n` processes, each needing `gain` units of the next one's product per unit of its own; only
    /// process 0 emits (one unit of the one flow), so that no right-hand side is an eigenvector of the ring.
    /// Jacobi-GMRES(40) reduces the residual by about `gain`⁴⁰ per restart on such a cyclic shift, so with a gain of
    /// 0.999 it cannot reach 1e-14 within 400 steps; the loop still makes 1 − 0.999ⁿ net, so the system is well posed
    /// and the LU solves it at once.
    fn slow_ring(n: usize, gain: f64) -> System {
        let mut technosphere = Vec::new();
        for process_idx in 0..n {
            technosphere.push(Entry { row_idx: process_idx, col_idx: process_idx, value: 1.0 });
            technosphere.push(Entry { row_idx: (process_idx + 1) % n, col_idx: process_idx, value: -gain });
        }
        System::new(n, 1, &technosphere, &[Entry { row_idx: 0, col_idx: 0, value: 1.0 }], vec![1.0])
            .expect("a valid system")
    }

    #[test]
    fn the_lu_answers_where_gmres_does_not_converge_and_says_why() {
        let system = slow_ring(300, 0.999);
        let auto = CheckedSolver::new(system.clone(), SolvePolicy::default()).unwrap();
        let (scores, method) = auto.all_scores().expect("solvable");
        let SolveMethod::Lu { reason: LuReason::NotConverged { steps, relative_residual } } = method else {
            panic!("expected the LU after GMRES failed, got {method:?}")
        };
        assert_eq!(steps, 400);
        assert!(relative_residual > DEFAULT_TOLERANCE, "{relative_residual}");
        // One unit of product j runs process j 1 / (1 − 0.999³⁰⁰) times and each process after it 0.999 times as
        // often as the one before, around the ring: process 0, the only emitter, 0.999^((300 − j) mod 300) times.
        let expected: Vec<f64> = (0..300)
            .map(|product_idx: i32| 0.999_f64.powi((300 - product_idx) % 300) / (1.0 - 0.999_f64.powi(300)))
            .collect();
        assert_relatively_equal(&scores, &expected, 1e-12);
        let (supply, method) = auto.supply(&[(3, 2.0)]).expect("solvable");
        assert!(matches!(method, SolveMethod::Lu { reason: LuReason::NotConverged { .. } }), "{method:?}");
        let (lu_supply, lu_method) =
            CheckedSolver::new(system.clone(), policy(MethodChoice::Lu)).unwrap().supply(&[(3, 2.0)]).unwrap();
        assert_eq!(lu_method, SolveMethod::Lu { reason: LuReason::Requested });
        assert_relatively_equal(&supply, &lu_supply, 1e-12);

        let iterative_only = CheckedSolver::new(system, policy(MethodChoice::Iterative)).unwrap();
        assert!(matches!(
            iterative_only.all_scores(),
            Err(SolveError::NotConverged { steps: 400, relative_residual }) if relative_residual > 1e-14
        ));
    }

    #[test]
    fn gmres_answers_the_benchmark_like_systems_equal_to_the_lu() {
        for (n_activities, seed) in [(300, 1), (2_000, 5)] {
            let system = generate(&SyntheticParameters::scaled(n_activities, seed)).system().clone();
            let auto = CheckedSolver::new(system.clone(), SolvePolicy::default()).unwrap();
            let lu = CheckedSolver::new(system, policy(MethodChoice::Lu)).unwrap();
            let (scores, method) = auto.all_scores().unwrap();
            assert!(matches!(method, SolveMethod::Iterative { steps } if steps < 100), "{method:?}");
            let (lu_scores, lu_method) = lu.all_scores().unwrap();
            assert_eq!(lu_method, SolveMethod::Lu { reason: LuReason::Requested });
            // GMRES stops at a relative residual of 1e-14 in the 2-norm of the whole vector, so the smallest scores
            // (1e-6 of the largest) carry relative errors up to about 1e-11.
            assert_relatively_equal(&scores, &lu_scores, 1e-10);
            for product_idx in [0, 17, n_activities - 1] {
                let (supply, method) = auto.supply(&[(product_idx, 1.0)]).unwrap();
                assert!(matches!(method, SolveMethod::Iterative { .. }), "{method:?}");
                let (lu_supply, _) = lu.supply(&[(product_idx, 1.0)]).unwrap();
                assert_relatively_equal(&supply, &lu_supply, 1e-10);
            }
        }
    }

    #[test]
    fn the_stages_are_reported_in_order_and_the_lu_is_factorised_once() {
        let system = slow_ring(300, 0.999);
        let auto = CheckedSolver::new(system, SolvePolicy::default()).unwrap();
        let mut stages = Vec::new();
        auto.all_scores_observed(&mut |stage| stages.push(stage)).unwrap();
        assert_eq!(stages, [SolveStage::Iterate, SolveStage::Analyse, SolveStage::Factorise, SolveStage::Substitute]);
        stages.clear();
        auto.supply_observed(&[(0, 1.0)], &mut |stage| stages.push(stage)).unwrap();
        assert_eq!(stages, [SolveStage::Iterate, SolveStage::Substitute]);
    }

    #[test]
    fn a_small_system_goes_to_the_lu_with_its_size_as_the_reason() {
        let system = generate(&SyntheticParameters::scaled(200, 9)).system().clone();
        let (scores, method) =
            CheckedSolver::new(system.clone(), SolvePolicy::default()).unwrap().all_scores().unwrap();
        assert_eq!(method, SolveMethod::Lu { reason: LuReason::SmallSystem { n_processes: 200 } });
        let (iterative, method) =
            CheckedSolver::new(system, policy(MethodChoice::Iterative)).unwrap().all_scores().unwrap();
        assert!(matches!(method, SolveMethod::Iterative { .. }), "{method:?}");
        assert_relatively_equal(&iterative, &scores, 1e-10);
    }

    #[test]
    fn a_singular_loop_is_refused_before_any_solve() {
        let entry = |row_idx, col_idx, value| Entry { row_idx, col_idx, value };
        let technosphere = [entry(0, 0, 1.0), entry(1, 0, -1.0), entry(0, 1, -1.0), entry(1, 1, 1.0)];
        let system = System::new(2, 1, &technosphere, &[entry(0, 0, 1.0)], vec![1.0]).unwrap();
        assert!(matches!(CheckedSolver::new(system, SolvePolicy::default()), Err(SolveError::UnproductiveLoop(_))));
        let system = System::new(2, 1, &[entry(0, 0, 1.0), entry(0, 1, -0.5)], &[entry(0, 0, 1.0)], vec![1.0]).unwrap();
        assert_eq!(
            CheckedSolver::new(system, SolvePolicy::default()).unwrap_err(),
            SolveError::NoReferenceProduction { process_idxs: vec![1] }
        );
    }
}
