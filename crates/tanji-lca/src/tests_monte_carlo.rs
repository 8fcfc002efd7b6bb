//! Monte Carlo tests: analytic lognormal cases, the direct fallback against the iterative path, reproducibility
//! across thread counts, variance drivers, and refused inputs.

use std::num::NonZeroUsize;

use crate::monte_carlo::{MonteCarlo, MonteCarloError, MonteCarloSettings, UncertainEntry, UncertainSystem};
use crate::synthetic::{SyntheticParameters, generate};
use crate::uncertainty::{Distribution, UncertaintyError};
use crate::{CheckedSolver, MatrixName, MethodChoice, SolvePolicy};

fn exchange(row_idx: usize, col_idx: usize, amount: f64, distribution: Distribution) -> UncertainEntry {
    UncertainEntry { row_idx, col_idx, amount, distribution }
}

fn settings(iterations: usize, seed: u64) -> MonteCarloSettings {
    MonteCarloSettings { iterations, seed, ..MonteCarloSettings::default() }
}

/// The standard normal quantile of 0.975.
const Z_975: f64 = 1.959_963_984_540_054;

/// Check that the 2.5/50/97.5 percentiles of a lognormal score with median `median` and σ of ln `sigma` lie within
/// the order-statistic confidence intervals, and that the intervals are tight enough to mean something.
fn check_lognormal_percentiles(result: &crate::MonteCarloResult, median: f64, sigma: f64) {
    let expected = [median * (-Z_975 * sigma).exp(), median, median * (Z_975 * sigma).exp()];
    for (percentile, expected) in result.summary.percentiles.iter().zip(expected) {
        assert!(
            percentile.lower_95 <= expected && expected <= percentile.upper_95,
            "{} % percentile {} (95 % interval {}–{}) misses the analytic {expected}",
            percentile.percent,
            percentile.value,
            percentile.lower_95,
            percentile.upper_95
        );
        assert!((percentile.value / expected - 1.0).abs() < 0.05, "{percentile:?} vs {expected}");
    }
}

#[test]
fn one_uncertain_emission_gives_lognormal_percentiles() {
    // One process making one unit and emitting 2.5 kg with GSD 1.5: the score is that lognormal.
    let system = UncertainSystem::new(
        1,
        1,
        vec![exchange(0, 0, 1.0, Distribution::Fixed)],
        vec![exchange(0, 0, 2.5, Distribution::Lognormal { geometric_sd: 1.5 })],
        vec![1.0],
    )
    .expect("valid");
    let monte_carlo = MonteCarlo::new(&system, &[(0, 1.0)], 5).expect("solvable");
    assert_eq!(monte_carlo.deterministic_score(), 2.5);
    let result = monte_carlo.run(&settings(20_000, 11)).expect("runs");
    assert_eq!(result.scores.len(), 20_000);
    check_lognormal_percentiles(&result, 2.5, 1.5f64.ln());
    // The mean of a lognormal lies above its median: 2.5 · exp(σ²/2).
    let expected_mean = 2.5 * (1.5f64.ln().powi(2) / 2.0).exp();
    assert!((result.summary.mean / expected_mean - 1.0).abs() < 0.01, "{} vs {expected_mean}", result.summary.mean);
    assert_eq!(result.drivers.len(), 1);
    assert_eq!(result.drivers[0].matrix, MatrixName::Biosphere);
    assert!((result.drivers[0].first_order_share - 1.0).abs() < 1e-12);
    assert!(result.drivers[0].rank_correlation > 0.999, "{:?}", result.drivers[0]);
}

#[test]
fn an_uncertain_input_goes_through_the_iterative_solve() {
    // Product 0 needs 0.4 (GSD 1.3) units of product 1, which emits 2 kg per unit; product 0 emits nothing itself.
    // Score of product 0 = input · 2: lognormal with median 0.8 and σ = ln 1.3.
    let technosphere = vec![
        exchange(0, 0, 1.0, Distribution::Fixed),
        exchange(1, 1, 1.0, Distribution::Fixed),
        exchange(1, 0, -0.4, Distribution::Lognormal { geometric_sd: 1.3 }),
    ];
    let system = UncertainSystem::new(2, 1, technosphere, vec![exchange(0, 1, 2.0, Distribution::Fixed)], vec![1.0])
        .expect("valid");
    let monte_carlo = MonteCarlo::new(&system, &[(0, 1.0)], 5).expect("solvable");
    assert!((monte_carlo.deterministic_score() - 0.8).abs() < 1e-15);
    let result = monte_carlo.run(&settings(20_000, 5)).expect("runs");
    check_lognormal_percentiles(&result, 0.8, 1.3f64.ln());
    assert_eq!(result.solves.fallbacks, 0);
    assert!(result.solves.max_krylov_steps >= 1, "{:?}", result.solves);
    assert_eq!(result.drivers[0].matrix, MatrixName::Technosphere);
    // Inputs are negative in A: the more negative the sample (the larger the input), the larger the score.
    assert!(result.drivers[0].rank_correlation < -0.999, "{:?}", result.drivers[0]);
}

#[test]
fn every_stage_gives_the_scores_of_the_others() {
    let uncertain = generate(&SyntheticParameters::scaled(400, 9));
    let monte_carlo = MonteCarlo::new(&uncertain, &[(17, 1.0), (3, 2.5)], 10).expect("solvable");
    let check_same = |left: &[f64], right: &[f64]| {
        for (left, right) in left.iter().zip(right) {
            assert!((left - right).abs() <= 1e-9 * right.abs(), "{left} vs {right}");
        }
    };
    // Stage 1: Jacobi-preconditioned GMRES solves every sample of this well-conditioned system.
    let iterative = monte_carlo.run(&settings(40, 1)).expect("runs");
    assert_eq!(
        (iterative.solves.iterative, iterative.solves.mean_lu_preconditioned, iterative.solves.fallbacks),
        (40, 0, 0)
    );
    // Stage 2 alone: GMRES preconditioned by the mean system's LU.
    let mean_lu = monte_carlo.run(&MonteCarloSettings { max_krylov_steps: 0, ..settings(40, 1) }).expect("runs");
    assert_eq!((mean_lu.solves.iterative, mean_lu.solves.mean_lu_preconditioned), (0, 40));
    check_same(&mean_lu.scores, &iterative.scores);
    // Stage 3 alone: a fresh LU of every sample.
    let direct = monte_carlo
        .run(&MonteCarloSettings { max_krylov_steps: 0, max_preconditioned_steps: 0, ..settings(40, 1) })
        .expect("runs");
    assert_eq!(direct.solves.fallbacks, 40);
    check_same(&direct.scores, &iterative.scores);
    // A tolerance that 2 GMRES steps cannot reach falls back to the direct solve, iteration by iteration.
    let mixed = monte_carlo
        .run(&MonteCarloSettings {
            max_krylov_steps: 2,
            max_preconditioned_steps: 0,
            tolerance: 1e-13,
            ..settings(40, 1)
        })
        .expect("runs");
    assert_eq!(mixed.solves.fallbacks + mixed.solves.iterative, 40);
    assert!(mixed.solves.fallbacks > 0, "{:?}", mixed.solves);
    check_same(&mixed.scores, &iterative.scores);
}

#[test]
fn the_same_seed_gives_the_same_scores_whatever_the_thread_count() {
    let uncertain = generate(&SyntheticParameters::scaled(300, 4));
    let monte_carlo = MonteCarlo::new(&uncertain, &[(5, 1.0)], 10).expect("solvable");
    let one_thread = monte_carlo.run(&settings(30, 77)).expect("runs");
    let three_threads = monte_carlo
        .run(&MonteCarloSettings { threads: NonZeroUsize::new(3).unwrap(), ..settings(30, 77) })
        .expect("runs");
    assert_eq!(one_thread, three_threads);
    let other_seed = monte_carlo.run(&settings(30, 78)).expect("runs");
    assert_ne!(one_thread.scores, other_seed.scores);
}

#[test]
fn the_deterministic_score_is_the_solvers() {
    let uncertain = generate(&SyntheticParameters::scaled(500, 2));
    let lu_only = SolvePolicy { method: MethodChoice::Lu, ..SolvePolicy::default() };
    let solver = CheckedSolver::new(uncertain.system().clone(), lu_only).expect("solvable");
    let (expected, _) = solver.score(&[(42, 1.0)]).expect("solvable");
    let monte_carlo = MonteCarlo::new(&uncertain, &[(42, 1.0)], 10).expect("solvable");
    assert!((monte_carlo.deterministic_score() - expected).abs() <= 1e-12 * expected.abs());
    // Every product's score from the adjoint equals its own forward solve.
    let (all, _) = solver.all_scores().expect("solvable");
    assert!((all[42] - expected).abs() <= 1e-12 * expected.abs());
}

#[test]
fn the_widest_input_drives_the_variance() {
    // Product 0 buys 0.5 of product 1 (GSD 2, wide) and 0.5 of product 2 (GSD 1.05, narrow); 1 and 2 each emit 1.
    let technosphere = vec![
        exchange(0, 0, 1.0, Distribution::Fixed),
        exchange(1, 1, 1.0, Distribution::Fixed),
        exchange(2, 2, 1.0, Distribution::Fixed),
        exchange(1, 0, -0.5, Distribution::Lognormal { geometric_sd: 2.0 }),
        exchange(2, 0, -0.5, Distribution::Lognormal { geometric_sd: 1.05 }),
    ];
    let biosphere = vec![exchange(0, 1, 1.0, Distribution::Fixed), exchange(0, 2, 1.0, Distribution::Fixed)];
    let system = UncertainSystem::new(3, 1, technosphere, biosphere, vec![1.0]).expect("valid");
    let result = MonteCarlo::new(&system, &[(0, 1.0)], 5).unwrap().run(&settings(2_000, 3)).unwrap();
    let [wide, narrow] = &result.drivers[..] else { panic!("two drivers: {:?}", result.drivers) };
    assert_eq!((wide.row_idx, narrow.row_idx), (1, 2));
    assert!(wide.first_order_share > 0.95 && wide.rank_correlation < -0.9, "{wide:?}");
    assert!(narrow.rank_correlation.abs() < 0.2, "{narrow:?}");
}

#[test]
fn other_distributions_sample_around_their_amounts() {
    // Triangular, uniform and normal biosphere entries on three processes of a chain.
    let technosphere = vec![
        exchange(0, 0, 1.0, Distribution::Fixed),
        exchange(1, 1, 1.0, Distribution::Fixed),
        exchange(1, 0, -1.0, Distribution::Uniform { min: -1.2, max: -0.8 }),
    ];
    let biosphere = vec![
        exchange(0, 0, 1.0, Distribution::Triangular { min: 0.5, mode: 1.0, max: 1.5 }),
        exchange(0, 1, 1.0, Distribution::Normal { sd: 0.1 }),
    ];
    let system = UncertainSystem::new(2, 1, technosphere, biosphere, vec![1.0]).expect("valid");
    let result = MonteCarlo::new(&system, &[(0, 1.0)], 5).unwrap().run(&settings(20_000, 8)).unwrap();
    // score = t + u·n with E = 1 + 1·1 = 2 (independent factors).
    assert!((result.summary.mean - 2.0).abs() < 0.01, "{:?}", result.summary);
}

#[test]
fn bad_inputs_are_refused() {
    let technosphere = vec![exchange(0, 0, 1.0, Distribution::Fixed)];
    let error = UncertainSystem::new(
        1,
        1,
        technosphere.clone(),
        vec![exchange(0, 0, 0.0, Distribution::Lognormal { geometric_sd: 1.2 })],
        vec![1.0],
    )
    .unwrap_err();
    assert_eq!(
        error,
        MonteCarloError::Distribution {
            matrix: MatrixName::Biosphere,
            row_idx: 0,
            col_idx: 0,
            source: UncertaintyError::LognormalOfZero
        }
    );
    assert_eq!(
        error.to_string(),
        "the biosphere matrix B entry at 0-based (0, 0): a lognormal distribution needs a non-zero amount (its \
         median), but the amount is 0"
    );
    let system =
        UncertainSystem::new(1, 1, technosphere, vec![exchange(0, 0, 1.0, Distribution::Fixed)], vec![1.0]).unwrap();
    assert_eq!(
        MonteCarlo::new(&system, &[(1, 1.0)], 5).unwrap_err(),
        MonteCarloError::DemandOutOfRange { product_idx: 1, n_products: 1 }
    );
    assert_eq!(MonteCarlo::new(&system, &[(0, 0.0)], 5).unwrap_err(), MonteCarloError::EmptyDemand);
    assert_eq!(MonteCarlo::new(&system, &[], 5).unwrap_err(), MonteCarloError::EmptyDemand);
    let monte_carlo = MonteCarlo::new(&system, &[(0, 1.0)], 5).unwrap();
    assert_eq!(monte_carlo.run(&settings(0, 1)).unwrap_err(), MonteCarloError::NoIterations);
    // A system without uncertainty gives its deterministic score every time.
    let result = monte_carlo.run(&settings(10, 1)).unwrap();
    assert_eq!(result.scores, vec![1.0; 10]);
    assert!(result.drivers.is_empty());
    let deterministic = UncertainSystem::deterministic(system.system().clone());
    assert_eq!(MonteCarlo::new(&deterministic, &[(0, 2.0)], 5).unwrap().deterministic_score(), 2.0);
}
