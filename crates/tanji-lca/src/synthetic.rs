//! Seeded generator of ecoinvent-sized product systems, for benchmarks and tests: nothing here is data about the
//! world.
//!
//! The shape imitates a background database such as ecoinvent 3 (about 20,000 activities, 13 technosphere entries
//! and 10 elementary flows per activity):
//! - providers are hub-heavy: every activity has a popularity rank, and an activity's inputs are drawn from
//!   Zipf's law over the ranks (probability ∝ rank^−`provider_exponent`, distinct providers, never itself), so a
//!   few hubs (electricity, transport, heat …) supply most activities and the rest are used rarely. With the
//!   default exponent 1.35 and 20,000 activities, the most popular 1 % of activities supply 81 % of all inputs,
//!   the most popular one 90 % of all activities, and half of the products are nobody's input. Popular activities
//!   buy from each other as everyone does, so the system is full of cycles (one large strongly connected
//!   component, as in ecoinvent);
//! - every activity makes one unit of its product (A's diagonal is 1) and needs between 0.1 and 0.6 units of
//!   inputs in total, so A is diagonally dominant by columns before units are changed: non-singular and well
//!   conditioned, and it stays so under sampling (a column's sum would have to pass 1 for dominance to fail, and
//!   the spectral radius of the input coefficients stays far below it);
//! - products get units: each row and column pair is rescaled by one factor (10^±`unit_decades`), the similarity
//!   transform a change of unit is, so entries span several orders of magnitude like real data while the
//!   eigenvalues, and the solvability, stay those of the dimensionless system;
//! - elementary flows are drawn by Zipf's law too (a few flows such as fossil CO2 appear in most activities);
//!   amounts are positive (emissions and resource uses) and lognormal over several orders of magnitude; a share
//!   of the flows is characterised, always including the most common one, with factors from 0.1 to 10⁴ like
//!   GWP-100, so every score is positive;
//! - every input and every elementary flow carries a lognormal uncertainty derived with ecoinvent's pedigree
//!   matrix from a basic uncertainty and random scores; the production amounts on A's diagonal are fixed, as
//!   ecoinvent's reference products are;
//! - the activities' columns are shuffled, so no tool benefits from the generation order.
//!
//! How hard this is for a direct solver depends steeply on the exponent: random sparse graphs fill in badly under
//! LU factorisation. At the default, PARDISO needs about 0.9 s to factorise Aᵀ on the 2-core benchmark machine,
//! between the 0.3 s Brightway reports for ecoinvent 3.10 on 4 cores and the 1.9 s of the issue's own random
//! anchor system; an exponent of 1.2 makes it ten times harder, 1.5 half as hard.
//!
//! The same parameters and seed always give the same system (Xoshiro256++ seeded from the seed).

use rand::{Rng as _, SeedableRng as _};
use rand_distr::{Distribution as _, Exp1, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::monte_carlo::{UncertainEntry, UncertainSystem};
use crate::uncertainty::{Distribution, PedigreeScores, lognormal_from_pedigree};

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntheticParameters {
    /// Activities (processes), each with one product.
    pub n_activities: usize,
    /// Mean number of inputs (off-diagonal entries of A) per activity; each activity has between 1 and twice this
    /// less one, uniformly.
    pub mean_inputs_per_activity: usize,
    /// Zipf exponent of provider popularity: larger means more hub-heavy (and easier to factorise).
    pub provider_exponent: f64,
    /// Elementary flows (rows of B).
    pub n_flows: usize,
    /// Mean number of elementary flows per activity.
    pub mean_flows_per_activity: usize,
    /// The share of elementary flows with a characterisation factor.
    pub characterized_share: f64,
    /// Units span 10^−d to 10^d.
    pub unit_decades: f64,
    pub seed: u64,
}

impl SyntheticParameters {
    /// The ecoinvent-sized benchmark system of issue 4: 20,000 activities with about 260,000 technosphere entries,
    /// 2,000 elementary flows with about 200,000 entries.
    pub fn ecoinvent_sized(seed: u64) -> Self {
        Self::scaled(20_000, seed)
    }

    /// The same shape with `n_activities` activities (and a tenth as many flows).
    pub fn scaled(n_activities: usize, seed: u64) -> Self {
        Self {
            n_activities,
            mean_inputs_per_activity: 12,
            provider_exponent: 1.35,
            n_flows: (n_activities / 10).max(1),
            mean_flows_per_activity: 10,
            characterized_share: 0.1,
            unit_decades: 1.0,
            seed,
        }
    }
}

/// Generate the system with lognormal uncertainty on every input and elementary flow.
///
/// # Panics
/// If there are fewer than two activities or no flows: programmer errors in a benchmark.
pub fn generate(parameters: &SyntheticParameters) -> UncertainSystem {
    let SyntheticParameters {
        n_activities,
        mean_inputs_per_activity,
        provider_exponent,
        n_flows,
        mean_flows_per_activity,
        characterized_share,
        unit_decades,
        seed,
    } = *parameters;
    assert!(n_activities > 1 && n_flows > 0, "bad parameters {parameters:?}");
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let provider_choice = Zipf::new(n_activities, provider_exponent);
    let flow_choice = Zipf::new(n_flows, 1.0);

    // Ranks are popularity (0 the most popular); `label[rank]` is the shuffled column the activity ends up in.
    let mut label: Vec<usize> = (0..n_activities).collect();
    shuffle(&mut label, &mut rng);
    let unit: Vec<f64> =
        (0..n_activities).map(|_| 10f64.powf(unit_decades * (2.0 * rng.random::<f64>() - 1.0))).collect();

    let mut technosphere = Vec::with_capacity(n_activities * (mean_inputs_per_activity + 1));
    let mut providers: Vec<usize> = Vec::with_capacity(4 * mean_inputs_per_activity);
    let mut weights: Vec<f64> = Vec::with_capacity(4 * mean_inputs_per_activity);
    for rank in 0..n_activities {
        let n_inputs = rng.random_range(1..=(2 * mean_inputs_per_activity).max(2) - 1).min(n_activities - 1);
        providers.clear();
        let mut attempts = 0;
        while providers.len() < n_inputs && attempts < 100 * n_inputs {
            attempts += 1;
            let provider = provider_choice.sample(&mut rng);
            if provider != rank && !providers.contains(&provider) {
                providers.push(provider);
            }
        }
        // Input amounts: shares of a total between 0.1 and 0.6 units per unit of product, split unevenly.
        let total = 0.1 + 0.5 * rng.random::<f64>();
        weights.clear();
        weights.extend(providers.iter().map(|_| {
            let weight: f64 = Exp1.sample(&mut rng);
            weight
        }));
        let weight_sum: f64 = weights.iter().sum();
        let column = label[rank];
        technosphere.push(UncertainEntry {
            row_idx: column,
            col_idx: column,
            amount: 1.0,
            distribution: Distribution::Fixed,
        });
        for (&provider, &weight) in providers.iter().zip(&weights) {
            let amount = -total * weight / weight_sum * unit[provider] / unit[rank];
            technosphere.push(UncertainEntry {
                row_idx: label[provider],
                col_idx: column,
                amount,
                distribution: random_pedigree_lognormal(&mut rng),
            });
        }
    }

    // Typical magnitude of each flow (kg of CO2 per unit are large, kg of a heavy metal tiny).
    let flow_magnitude: Vec<f64> = (0..n_flows).map(|_| -6.0 + 6.0 * rng.random::<f64>()).collect();
    let mut biosphere = Vec::with_capacity(n_activities * mean_flows_per_activity);
    let mut flows: Vec<usize> = Vec::with_capacity(4 * mean_flows_per_activity);
    for rank in 0..n_activities {
        let n_entries = rng.random_range(1..=(2 * mean_flows_per_activity).max(2) - 1).min(n_flows);
        flows.clear();
        let mut attempts = 0;
        while flows.len() < n_entries && attempts < 20 * n_entries {
            attempts += 1;
            let flow = flow_choice.sample(&mut rng);
            if !flows.contains(&flow) {
                flows.push(flow);
            }
        }
        for &flow in &flows {
            let z: f64 = StandardNormal.sample(&mut rng);
            let amount = 10f64.powf(flow_magnitude[flow] + 0.5 * z) / unit[rank];
            biosphere.push(UncertainEntry {
                row_idx: flow,
                col_idx: label[rank],
                amount,
                distribution: random_pedigree_lognormal(&mut rng),
            });
        }
    }

    let mut characterization = vec![0.0; n_flows];
    characterization[0] = 1.0;
    for factor in characterization.iter_mut().skip(1) {
        if rng.random::<f64>() < characterized_share {
            *factor = 10f64.powf(-1.0 + 5.0 * rng.random::<f64>());
        }
    }
    UncertainSystem::new(n_activities, n_flows, technosphere, biosphere, characterization)
        .expect("the generator makes valid entries and distributions")
}

/// A lognormal from a basic uncertainty and pedigree scores drawn as in a typical background database: most basic
/// uncertainties small (GSD 1.05), some larger (1.2, 1.5), scores mostly 1 to 3.
fn random_pedigree_lognormal(rng: &mut Xoshiro256PlusPlus) -> Distribution {
    let basic_gsd = match rng.random::<f64>() {
        draw if draw < 0.6 => 1.05,
        draw if draw < 0.85 => 1.2,
        _ => 1.5,
    };
    let mut score = || match rng.random::<f64>() {
        draw if draw < 0.3 => 1,
        draw if draw < 0.6 => 2,
        draw if draw < 0.8 => 3,
        draw if draw < 0.95 => 4,
        _ => 5,
    };
    let scores = PedigreeScores {
        reliability: score(),
        completeness: score(),
        temporal: score(),
        geographical: score(),
        further_technological: score(),
    };
    lognormal_from_pedigree(basic_gsd, scores).expect("scores 1 to 5 and a basic GSD ≥ 1 are valid")
}

/// Zipf's law over `n` ranks: rank k (0-based) with probability ∝ 1/(k+1)^exponent, by inverse transform.
struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, exponent: f64) -> Self {
        let mut total = 0.0;
        let mut cumulative: Vec<f64> = (0..n)
            .map(|rank| {
                total += ((rank + 1) as f64).powf(-exponent);
                total
            })
            .collect();
        for value in &mut cumulative {
            *value /= total;
        }
        Self { cumulative }
    }

    fn sample(&self, rng: &mut Xoshiro256PlusPlus) -> usize {
        let u: f64 = rng.random();
        self.cumulative.partition_point(|&cumulative| cumulative < u).min(self.cumulative.len() - 1)
    }
}

/// Fisher–Yates.
fn shuffle(values: &mut [usize], rng: &mut Xoshiro256PlusPlus) {
    for idx in (1..values.len()).rev() {
        let other = rng.random_range(0..=idx);
        values.swap(idx, other);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CheckedSolver, MethodChoice, SolvePolicy};

    #[test]
    fn the_same_seed_gives_the_same_system_and_another_seed_another() {
        let parameters = SyntheticParameters::scaled(500, 7);
        let first = generate(&parameters);
        assert_eq!(first, generate(&parameters));
        assert_ne!(first, generate(&SyntheticParameters { seed: 8, ..parameters }));
    }

    #[test]
    fn the_system_has_the_requested_size_and_uncertainty() {
        let parameters = SyntheticParameters::scaled(2_000, 1);
        let uncertain = generate(&parameters);
        let system = uncertain.system();
        assert_eq!((system.n_processes(), system.n_flows()), (2_000, 200));
        // 1 production entry plus about 12 inputs per activity; about 10 flows per activity.
        let n_technosphere = system.technosphere().len() as f64;
        assert!((n_technosphere / 2_000.0 - 13.0).abs() < 0.5, "{n_technosphere} technosphere entries");
        let n_biosphere = system.biosphere().len() as f64;
        assert!((n_biosphere / 2_000.0 - 10.0).abs() < 0.5, "{n_biosphere} biosphere entries");
        // Every input and flow is uncertain, every production fixed at 1.
        for entry in uncertain.technosphere() {
            if entry.row_idx == entry.col_idx {
                assert_eq!((entry.amount, entry.distribution), (1.0, Distribution::Fixed));
            } else {
                assert!(entry.amount < 0.0);
                assert!(matches!(entry.distribution, Distribution::Lognormal { geometric_sd } if geometric_sd > 1.0));
            }
        }
        assert!(uncertain.biosphere().iter().all(|entry| matches!(entry.distribution, Distribution::Lognormal { .. })));
        let n_characterized = system.characterization().iter().filter(|factor| **factor != 0.0).count();
        assert!(n_characterized > 10, "{n_characterized} characterised flows of 200");
        // Hub-heavy: the most popular 1 % of products supply most inputs, the most popular one a large share of
        // all activities.
        let mut uses = vec![0usize; 2_000];
        for entry in system.technosphere().iter().filter(|entry| entry.row_idx != entry.col_idx) {
            uses[entry.row_idx] += 1;
        }
        uses.sort_unstable_by(|left, right| right.cmp(left));
        let hub_share = uses[..20].iter().sum::<usize>() as f64 / uses.iter().sum::<usize>() as f64;
        assert!(hub_share > 0.4, "the top 1 % supply {hub_share} of the inputs");
        assert!(uses[0] > 1_000, "the largest hub supplies {} activities", uses[0]);
        assert!(system.biosphere().iter().all(|entry| entry.value > 0.0));
    }

    #[test]
    fn the_system_is_solvable_and_every_score_is_finite() {
        let uncertain = generate(&SyntheticParameters::scaled(3_000, 3));
        let lu_only = SolvePolicy { method: MethodChoice::Lu, ..SolvePolicy::default() };
        let solver = CheckedSolver::new(uncertain.system().clone(), lu_only).expect("non-singular");
        let (scores, _) = solver.all_scores().expect("well conditioned");
        assert!(scores.iter().all(|score| score.is_finite()));
        assert!(scores.iter().any(|score| *score != 0.0));
    }
}
