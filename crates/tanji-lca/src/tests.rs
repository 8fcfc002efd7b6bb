//! Solver tests: a hand-calculated system with a cycle, singular and ill-posed systems, and property tests against a
//! dense reference solve.

use proptest::prelude::*;

use crate::{CheckedSolver, Entry, MethodChoice, SolveError, SolvePolicy, System, SystemError};

/// The policy restricted to one method, with the per-product calls these tests make.
#[derive(Debug)]
struct Solver(CheckedSolver);

impl Solver {
    /// The LU only: these tests were written for the direct solver and keep checking it.
    fn new(system: System) -> Result<Self, SolveError> {
        Self::with(system, MethodChoice::Lu)
    }

    fn with(system: System, method: MethodChoice) -> Result<Self, SolveError> {
        CheckedSolver::new(system, SolvePolicy { method, ..SolvePolicy::default() }).map(Self)
    }

    fn supply(&self, product_idx: usize) -> Result<Vec<f64>, SolveError> {
        self.0.supply(&[(product_idx, 1.0)]).map(|(supply, _)| supply)
    }

    fn score(&self, product_idx: usize) -> Result<f64, SolveError> {
        self.0.score(&[(product_idx, 1.0)]).map(|(score, _)| score)
    }

    fn all_scores(&self) -> Result<Vec<f64>, SolveError> {
        self.0.all_scores().map(|(scores, _)| scores)
    }
}

fn entry(row_idx: usize, col_idx: usize, value: f64) -> Entry {
    Entry { row_idx, col_idx, value }
}

/// The example in examples/lca/README.md, worked by hand there:
/// product 0 is 1 kWh of electricity, made with 0.1 kWh of electricity (the cycle) and 0.3 kg of coal, emitting
/// 0.8 kg CO2; product 1 is 1 kg of coal, mined with 0.02 kWh of electricity, emitting 0.01 kg CO2 and 0.005 kg CH4.
/// GWP-100 (AR5): CO2 1, CH4 28.
fn hand_example() -> System {
    let technosphere = [
        entry(0, 0, 1.0),
        entry(0, 0, -0.1), // the electricity used to make electricity, summed with the production above
        entry(1, 0, -0.3),
        entry(1, 1, 1.0),
        entry(0, 1, -0.02),
    ];
    let biosphere = [entry(0, 0, 0.8), entry(0, 1, 0.01), entry(1, 1, 0.005)];
    System::new(2, 2, &technosphere, &biosphere, vec![1.0, 28.0]).expect("valid system")
}

fn assert_close(actual: f64, expected: f64) {
    assert!((actual - expected).abs() <= 1e-12 * expected.abs().max(1.0), "expected {expected}, got {actual}");
}

#[test]
fn hand_example_matches_the_hand_calculation() {
    let solver = Solver::new(hand_example()).expect("solvable");
    // A x = e_0: 0.9 x0 − 0.02 x1 = 1, −0.3 x0 + x1 = 0, so x0 = 1/0.894 and x1 = 0.3/0.894.
    let supply = solver.supply(0).expect("solvable");
    assert_close(supply[0], 1.0 / 0.894);
    assert_close(supply[1], 0.3 / 0.894);
    // Scores: electricity 845/894 = 0.945190… kg CO2e/kWh, coal 151/894 = 0.168903… kg CO2e/kg.
    assert_close(solver.score(0).expect("solvable"), 845.0 / 894.0);
    assert_close(solver.score(1).expect("solvable"), 151.0 / 894.0);
    let all = solver.all_scores().expect("solvable");
    assert_close(all[0], 845.0 / 894.0);
    assert_close(all[1], 151.0 / 894.0);
}

#[test]
fn a_process_without_its_reference_product_is_named() {
    // Process 1 (0-based) consumes electricity but produces nothing.
    let system = System::new(2, 1, &[entry(0, 0, 1.0), entry(0, 1, -0.5)], &[entry(0, 0, 1.0)], vec![1.0]).unwrap();
    let error = Solver::new(system).expect_err("singular");
    assert_eq!(error, SolveError::NoReferenceProduction { process_idxs: vec![1] });
    assert_eq!(
        error.to_string(),
        "the technosphere matrix A is singular: no reference product comes from the process in column 2 (1-based) \
         (zero on A's diagonal)"
    );
}

#[test]
fn production_cancelled_by_own_use_is_a_loop_of_one_process() {
    // 1 kWh produced, 1 kWh used by the same process: the diagonal sums to zero, and the loop is named as such.
    let system = System::new(1, 1, &[entry(0, 0, 1.0), entry(0, 0, -1.0)], &[], vec![1.0]).unwrap();
    let SolveError::UnproductiveLoop(found) = Solver::new(system).unwrap_err() else { panic!("a loop") };
    assert_eq!(found.process_idxs, [0]);
    assert_eq!(found.cycle, [crate::LoopStep { consumer_idx: 0, provider_idx: 0, units_per_unit: 1.0 }]);
}

#[test]
fn a_process_using_more_of_its_own_product_than_it_makes_is_refused() {
    // The self-loop: 1 unit made, 1.6 used by the same process. The diagonal sums to −0.6, which alone would solve to
    // a negative supply (a negative footprint).
    let technosphere = [entry(0, 0, 1.0), entry(0, 0, -1.6), entry(1, 1, 1.0), entry(0, 1, -1.0)];
    let system = System::new(2, 1, &technosphere, &[entry(0, 0, 1.0)], vec![1.0]).unwrap();
    let error = Solver::new(system).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the process in column 1 (1-based) uses at least as much of its own product as it makes: each unit of \
         product 1 needs 1.6 units of itself: there is no non-negative solution"
    );
}

#[test]
fn a_two_process_loop_with_gain_1_6_is_refused_naming_the_amounts() {
    // Each unit of product 1 needs 2 units of product 2, each of which needs 0.8 units of product 1: 1.6 units of 1
    // per unit of 1. The matrix is not singular (det = 1 − 1.6), so a plain solve would give negative supply.
    let technosphere = [entry(0, 0, 1.0), entry(1, 0, -2.0), entry(0, 1, -0.8), entry(1, 1, 1.0)];
    let system = System::new(2, 1, &technosphere, &[entry(0, 0, 1.0)], vec![1.0]).unwrap();
    let SolveError::UnproductiveLoop(found) = Solver::new(system.clone()).unwrap_err() else { panic!("a loop") };
    assert_eq!(found.process_idxs, [0, 1]);
    assert!((found.cycle_gain - 1.6).abs() < 1e-12);
    let text = SolveError::UnproductiveLoop(found).to_string();
    assert!(text.contains("needs 2 units of product 2") && text.contains("needs 0.8 units of product 1"), "{text}");
    assert!(text.contains("1.6 units of itself"), "{text}");
    assert!(matches!(CheckedSolver::new(system, SolvePolicy::default()), Err(SolveError::UnproductiveLoop(_))));
}

#[test]
fn a_loop_with_net_output_still_solves() {
    // Each unit of 1 needs 0.5 of 2, each unit of 2 needs 0.5 of 1: supply of 1 = 1/(1 − 0.25).
    let technosphere = [entry(0, 0, 1.0), entry(1, 0, -0.5), entry(0, 1, -0.5), entry(1, 1, 1.0)];
    let system = System::new(2, 1, &technosphere, &[entry(0, 0, 1.0)], vec![1.0]).unwrap();
    let solver = Solver::new(system).expect("a productive loop");
    let supply = solver.supply(0).unwrap();
    assert_close(supply[0], 4.0 / 3.0);
    assert_close(supply[1], 2.0 / 3.0);
}

#[test]
fn a_loop_producing_nothing_net_is_refused_before_the_solve() {
    // Each process needs one unit of the other's product per unit of its own: A = [[1, −1], [−1, 1]].
    let technosphere = [entry(0, 0, 1.0), entry(1, 0, -1.0), entry(0, 1, -1.0), entry(1, 1, 1.0)];
    let system = System::new(2, 1, &technosphere, &[entry(0, 0, 1.0)], vec![1.0]).unwrap();
    assert!(matches!(Solver::new(system), Err(SolveError::UnproductiveLoop(_))));
}

#[test]
fn a_loop_that_makes_next_to_nothing_net_is_refused_as_a_loop() {
    // Gain 1 − 1e-14: the loop makes 1e-14 units net per unit, which no model means.
    let technosphere = [entry(0, 0, 1.0), entry(1, 0, -1.0), entry(0, 1, -(1.0 - 1e-14)), entry(1, 1, 1.0)];
    let system = System::new(2, 1, &technosphere, &[entry(0, 0, 1.0)], vec![1.0]).unwrap();
    assert!(matches!(Solver::new(system), Err(SolveError::UnproductiveLoop(_))));
}

#[test]
fn a_nearly_singular_productive_loop_is_ill_conditioned() {
    // Each unit of 1 needs 1e7 units of 2, each of which needs (1 − 1e-11)/1e7 units of 1: the loop is productive
    // (gain 1 − 1e-11) but the supply is 1e11 and the answer has lost most of its digits.
    let technosphere = [entry(0, 0, 1.0), entry(1, 0, -1e7), entry(0, 1, -(1.0 - 1e-11) / 1e7), entry(1, 1, 1.0)];
    let system = System::new(2, 1, &technosphere, &[entry(0, 0, 1.0)], vec![1.0]).unwrap();
    let solver = Solver::new(system).unwrap();
    assert!(matches!(solver.score(0), Err(SolveError::IllConditioned { .. })), "{:?}", solver.score(0));
    assert!(matches!(solver.all_scores(), Err(SolveError::IllConditioned { .. })));
}

#[test]
fn an_unknown_product_is_an_error() {
    let solver = Solver::new(hand_example()).unwrap();
    assert_eq!(solver.score(2), Err(SolveError::ProductOutOfRange { product_idx: 2, n_products: 2 }));
    assert_eq!(solver.score(2).unwrap_err().to_string(), "there is no product 3 (the system has 2 products)");
}

#[test]
fn shape_errors_are_reported() {
    assert_eq!(
        System::new(2, 1, &[entry(2, 0, 1.0)], &[], vec![1.0]).unwrap_err().to_string(),
        "the technosphere matrix A has an entry at 0-based (2, 0), outside its 2×2 shape"
    );
    assert_eq!(
        System::new(2, 2, &[], &[], vec![1.0]).unwrap_err(),
        SystemError::CharacterizationLength { n_factors: 1, n_flows: 2 }
    );
}

/// Found by fuzzing (`lca_system`): a characterization size line of `9223372036854775807 1 0` made `from_matrices`
/// allocate a vector of that length before comparing it with B, and the process aborted on capacity overflow.
#[test]
fn a_huge_size_line_is_refused_before_anything_is_allocated() {
    use crate::CoordinateMatrix;
    let matrix = |n_rows, n_cols| CoordinateMatrix { n_rows, n_cols, entries: Vec::new() };
    assert_eq!(
        System::from_matrices(&matrix(3, 3), &matrix(1, 3), &matrix(usize::MAX >> 1, 1)).unwrap_err().to_string(),
        "the characterization vector c is 9223372036854775807×1, larger than the 10000000 rows and columns a product \
         system may have"
    );
    assert_eq!(
        System::from_matrices(&matrix(3, 3), &matrix(1, 3), &matrix(5, 1)).unwrap_err(),
        SystemError::CharacterizationLength { n_factors: 5, n_flows: 1 }
    );
    assert!(matches!(
        System::from_matrices(&matrix(1 << 40, 1 << 40), &matrix(0, 1 << 40), &matrix(0, 1)),
        Err(SystemError::TooLarge { n_rows: 1_099_511_627_776, .. })
    ));
    assert!(matches!(System::new(1 << 40, 0, &[], &[], vec![]), Err(SystemError::TooLarge { .. })));
}

#[test]
fn an_empty_system_has_no_scores() {
    let solver = Solver::new(System::new(0, 0, &[], &[], vec![]).unwrap()).unwrap();
    assert_eq!(solver.all_scores(), Ok(vec![]));
}

/// Dense Gaussian elimination with partial pivoting: the reference the sparse solver is checked against.
fn dense_solve(mut matrix: Vec<Vec<f64>>, mut rhs: Vec<f64>) -> Vec<f64> {
    let n = rhs.len();
    for pivot_idx in 0..n {
        let best =
            (pivot_idx..n).max_by(|&a, &b| matrix[a][pivot_idx].abs().total_cmp(&matrix[b][pivot_idx].abs())).unwrap();
        matrix.swap(pivot_idx, best);
        rhs.swap(pivot_idx, best);
        for row_idx in pivot_idx + 1..n {
            let (above, below) = matrix.split_at_mut(row_idx);
            let (pivot_row, row) = (&above[pivot_idx], &mut below[0]);
            let factor = row[pivot_idx] / pivot_row[pivot_idx];
            for (value, pivot_value) in row[pivot_idx..].iter_mut().zip(&pivot_row[pivot_idx..]) {
                *value -= factor * pivot_value;
            }
            rhs[row_idx] -= factor * rhs[pivot_idx];
        }
    }
    let mut solution = vec![0.0; n];
    for row_idx in (0..n).rev() {
        let known: f64 = (row_idx + 1..n).map(|col_idx| matrix[row_idx][col_idx] * solution[col_idx]).sum();
        solution[row_idx] = (rhs[row_idx] - known) / matrix[row_idx][row_idx];
    }
    solution
}

/// A random system with a strictly column-diagonally-dominant technosphere (so it is non-singular) whose inputs are
/// negative, as in real LCA data, including self-use on the diagonal and cycles between processes; B and c are
/// non-negative so scores are positive and a relative tolerance is meaningful.
fn random_system() -> impl Strategy<Value = (usize, usize, Vec<Entry>, Vec<Entry>, Vec<f64>)> {
    (1usize..=8, 1usize..=4).prop_flat_map(|(n, n_flows)| {
        (
            Just(n),
            Just(n_flows),
            proptest::collection::vec(proptest::option::weighted(0.5, 0.0f64..1.0), n * n),
            proptest::collection::vec(0.0f64..0.5, n),
            proptest::collection::vec(0.5f64..10.0, n),
            proptest::collection::vec(proptest::option::weighted(0.6, 0.0f64..5.0), n_flows * n),
            proptest::collection::vec(0.0f64..30.0, n_flows),
        )
            .prop_map(|(n, n_flows, inputs, self_use, production, interventions, factors)| {
                let mut technosphere = Vec::new();
                for col_idx in 0..n {
                    let column: Vec<(usize, f64)> = (0..n)
                        .filter(|&row_idx| row_idx != col_idx)
                        .filter_map(|row_idx| inputs[col_idx * n + row_idx].map(|share| (row_idx, share)))
                        .collect();
                    let total_share: f64 = column.iter().map(|(_, share)| share).sum::<f64>() + self_use[col_idx];
                    // Inputs add up to at most 90% of the net production, which keeps the column dominant.
                    let net_production = production[col_idx];
                    let scale = 0.9 * net_production / total_share.max(1.0);
                    technosphere.push(entry(col_idx, col_idx, net_production + self_use[col_idx] * scale));
                    technosphere.push(entry(col_idx, col_idx, -self_use[col_idx] * scale));
                    for (row_idx, share) in column {
                        technosphere.push(entry(row_idx, col_idx, -share * scale));
                    }
                }
                let biosphere: Vec<Entry> = (0..n_flows * n)
                    .filter_map(|idx| interventions[idx].map(|amount| entry(idx / n, idx % n, amount)))
                    .collect();
                (n, n_flows, technosphere, biosphere, factors)
            })
    })
}

/// Agreement to 1e-9 relative. A product with no emissions anywhere upstream scores exactly zero in one solve but may
/// pick up rounding noise of the size of the other scores in the other, so differences below 1e-13 of the largest
/// score count as agreement too.
fn agree(actual: f64, expected: f64, largest: f64) -> bool {
    (actual - expected).abs() <= 1e-9 * expected.abs().max(actual.abs()) || (actual - expected).abs() <= 1e-13 * largest
}

proptest! {
    #[test]
    fn sparse_scores_equal_a_dense_solve(
        (n, n_flows, technosphere, biosphere, factors) in random_system(),
        method in prop_oneof![Just(MethodChoice::Lu), Just(MethodChoice::Auto), Just(MethodChoice::Iterative)],
    ) {
        let system = System::new(n, n_flows, &technosphere, &biosphere, factors.clone()).unwrap();
        let solver = Solver::with(system, method).unwrap();
        let mut dense = vec![vec![0.0; n]; n];
        for entry in &technosphere {
            dense[entry.row_idx][entry.col_idx] += entry.value;
        }
        let mut direct_impact = vec![0.0; n];
        for entry in &biosphere {
            direct_impact[entry.col_idx] += entry.value * factors[entry.row_idx];
        }
        let all = solver.all_scores().unwrap();
        let largest = all.iter().fold(0.0f64, |max, score| max.max(score.abs()));
        for product_idx in 0..n {
            let mut demand = vec![0.0; n];
            demand[product_idx] = 1.0;
            let supply = dense_solve(dense.clone(), demand);
            let expected: f64 = supply.iter().zip(&direct_impact).map(|(runs, impact)| runs * impact).sum();
            let score = solver.score(product_idx).unwrap();
            prop_assert!(agree(score, expected, largest), "product {product_idx}: {score} vs dense {expected}");
            prop_assert!(
                agree(all[product_idx], score, largest),
                "product {product_idx}: adjoint {} vs demand {score}", all[product_idx]
            );
            let sparse_supply = solver.supply(product_idx).unwrap();
            for (sparse, dense) in sparse_supply.iter().zip(&supply) {
                prop_assert!(agree(*sparse, *dense, 1.0), "supply of {product_idx}: {sparse} vs dense {dense}");
            }
        }
    }
}
