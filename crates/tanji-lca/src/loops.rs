//! Supply loops that produce nothing net.
//!
//! Processes that supply each other (electricity used to make coal used to make electricity) form a loop. A loop is
//! fine while each trip round it consumes less than it makes: then the supply is the sum of a shrinking series and
//! every process runs a non-negative number of times. When a trip round the loop consumes as much as it makes or more,
//! there is no non-negative solution: the linear system either is singular or has a solution with negative supply,
//! which would turn into a negative (and meaningless) footprint. That is refused here, before any solve, with the
//! processes and exchange amounts that close the loop, so that the modeller sees *which* amounts to check.
//!
//! The test is the Leontief productivity condition. Let `M[i][j]` be the units of product `i` that one unit of
//! product `j` needs (process j's input of i divided by its production of j). The system has a non-negative
//! solution for every non-negative demand iff the spectral radius ρ(M) < 1. M is non-negative, so ρ(M) is the Perron
//! root; it is decided per strongly connected component of the supply graph (a process outside every loop cannot make
//! ρ ≥ 1), by the Collatz–Wielandt bounds min (Mv)ᵢ/vᵢ ≤ ρ ≤ max (Mv)ᵢ/vᵢ along a power iteration on M + I (the
//! shift makes the iteration converge on periodic loops too).
//!
//! Only consumption counts: an off-diagonal entry that is positive (a co-product or an avoided product in
//! Brightway's convention) is not an input, and a component holding one between its members is left to the solver,
//! since such credits can make a loop productive again. Columns whose product is made in negative amounts (the waste
//! treatment convention) are left out for the same reason.

use std::collections::BTreeSet;

/// One consumption: a run of process `consumer_idx` uses `amount` of the product of process `provider_idx`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Consumption {
    pub provider_idx: usize,
    pub consumer_idx: usize,
    pub amount: f64,
}

/// One step round a loop: each unit of the product of `consumer_idx` needs `units_per_unit` units of the product of
/// `provider_idx`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LoopStep {
    pub consumer_idx: usize,
    pub provider_idx: usize,
    pub units_per_unit: f64,
}

/// A loop of processes that consumes at least as much as it produces.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UnproductiveLoop {
    /// Every process of the loop (a strongly connected component of the supply graph), 0-based, ascending.
    pub process_idxs: Vec<usize>,
    /// One cycle through the loop, the steps in order: the first step's consumer is the last step's provider. A
    /// process that uses its own product is a cycle of one step.
    pub cycle: Vec<LoopStep>,
    /// The product of the cycle's steps: units of the first consumer's product needed, through the cycle, per unit of
    /// it (1.6: each unit needs 1.6 units of itself).
    pub cycle_gain: f64,
    /// The loop gain of the whole component, the spectral radius of its normalised inputs: at least 1 here. It
    /// equals the cycle gain for a one-cycle loop of one step, and its n-th root for a single cycle of n steps.
    pub loop_gain: f64,
}

/// Values this close to 1 count as 1: a loop that consumes exactly what it makes, up to rounding, is unproductive.
const TOLERANCE: f64 = 1e-12;
/// Power iterations before an undecided component is judged by its best estimate.
const MAX_ITERATIONS: usize = 1000;

/// Find a loop that produces nothing net, if there is one. `production[j]` is how much one run of process j makes of
/// its own product (its gross output, before any use of its own product); `consumptions` are the uses of products,
/// including a process's use of its own product (`provider_idx == consumer_idx`). Negative amounts are credits and
/// are not consumptions; see the module documentation.
pub fn find_unproductive_loop(production: &[f64], consumptions: &[Consumption]) -> Option<UnproductiveLoop> {
    let n = production.len();
    let takes_part = |idx: usize| production[idx] > 0.0 && production[idx].is_finite();
    // Normalised inputs per consumer column: (provider, units per unit), summed per pair.
    let mut columns: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut credits: Vec<(usize, usize)> = Vec::new();
    for consumption in consumptions {
        let (provider, consumer) = (consumption.provider_idx, consumption.consumer_idx);
        if provider >= n || consumer >= n || !takes_part(provider) || !takes_part(consumer) {
            continue;
        }
        if consumption.amount < 0.0 {
            credits.push((provider, consumer));
            continue;
        }
        if consumption.amount == 0.0 || !consumption.amount.is_finite() {
            continue;
        }
        let units = consumption.amount / production[consumer];
        match columns[consumer].iter_mut().find(|(known, _)| *known == provider) {
            Some((_, known_units)) => *known_units += units,
            None => columns[consumer].push((provider, units)),
        }
    }
    let components = strongly_connected_components(&columns);
    let mut component_of = vec![usize::MAX; n];
    for (component_idx, members) in components.iter().enumerate() {
        for &member in members {
            component_of[member] = component_idx;
        }
    }
    let with_credits: BTreeSet<usize> = credits
        .iter()
        .filter(|(provider, consumer)| component_of[*provider] == component_of[*consumer])
        .map(|(_, consumer)| component_of[*consumer])
        .collect();
    let mut found: Option<UnproductiveLoop> = None;
    for (component_idx, members) in components.iter().enumerate() {
        let is_loop = members.len() > 1 || columns[members[0]].iter().any(|(provider, _)| *provider == members[0]);
        if !is_loop || with_credits.contains(&component_idx) {
            continue;
        }
        if let Some(unproductive) = check_component(members, &columns, &component_of, component_idx) {
            // Report the loop that fails worst; ties go to the first (lowest process index).
            if found.as_ref().is_none_or(|known| unproductive.loop_gain > known.loop_gain) {
                found = Some(unproductive);
            }
        }
    }
    found
}

/// Decide one component with the Collatz–Wielandt bounds; if it is unproductive, describe its dominant cycle.
fn check_component(
    members: &[usize],
    columns: &[Vec<(usize, f64)>],
    component_of: &[usize],
    component_idx: usize,
) -> Option<UnproductiveLoop> {
    let local: std::collections::HashMap<usize, usize> =
        members.iter().enumerate().map(|(local_idx, &global)| (global, local_idx)).collect();
    // Edges inside the component, by consumer (local indices): (provider, units per unit).
    let inner: Vec<Vec<(usize, f64)>> = members
        .iter()
        .map(|&consumer| {
            columns[consumer]
                .iter()
                .filter(|(provider, _)| component_of[*provider] == component_idx)
                .map(|(provider, units)| (local[provider], *units))
                .collect()
        })
        .collect();
    let k = members.len();
    let mut vector = vec![1.0; k];
    let mut estimate = 0.0;
    let mut unproductive = false;
    for _ in 0..MAX_ITERATIONS {
        // (M v)_i = Σ_j M[i][j] v_j: provider rows, consumer columns.
        let mut image = vec![0.0; k];
        for (consumer, edges) in inner.iter().enumerate() {
            for &(provider, units) in edges {
                image[provider] += units * vector[consumer];
            }
        }
        let ratios = image.iter().zip(&vector).map(|(image, value)| image / value);
        let (lower, upper) =
            ratios.fold((f64::INFINITY, 0.0_f64), |(lower, upper), ratio| (lower.min(ratio), upper.max(ratio)));
        estimate = 0.5 * (lower + upper);
        if upper < 1.0 - TOLERANCE {
            return None;
        }
        if lower >= 1.0 - TOLERANCE {
            unproductive = true;
            if upper - lower <= 1e-9 * upper {
                break;
            }
        }
        let norm = image.iter().zip(&vector).map(|(image, value)| image + value).fold(0.0, f64::max);
        for (value, image) in vector.iter_mut().zip(&image) {
            *value = (*value + image) / norm;
        }
    }
    if !unproductive && estimate < 1.0 - TOLERANCE {
        return None;
    }
    // Walk from the process with the largest Perron weight along the input that carries the most of it.
    let start = (0..k).max_by(|a, b| vector[*a].total_cmp(&vector[*b])).unwrap_or(0);
    let mut walk = vec![start];
    let mut steps: Vec<LoopStep> = Vec::new();
    let mut current = start;
    while let Some(&(provider, units)) = inner[current]
        .iter()
        .max_by(|(a, units_a), (b, units_b)| (units_a * vector[*a]).total_cmp(&(units_b * vector[*b])))
    {
        steps.push(LoopStep { consumer_idx: members[current], provider_idx: members[provider], units_per_unit: units });
        if let Some(position) = walk.iter().position(|&seen| seen == provider) {
            steps.drain(..position);
            break;
        }
        walk.push(provider);
        current = provider;
    }
    let cycle_gain = steps.iter().map(|step| step.units_per_unit).product();
    let mut process_idxs = members.to_vec();
    process_idxs.sort_unstable();
    Some(UnproductiveLoop { process_idxs, cycle: steps, cycle_gain, loop_gain: estimate })
}

/// An amount for a sentence: four significant figures, no float noise (1.6, 0.8, 1.265).
pub fn amount_text(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return if value.is_finite() { "0".to_owned() } else { value.to_string() };
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (3 - magnitude).clamp(0, 12) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text }
}

/// Tarjan's strongly connected components, iterative (supply chains can be deeper than the call stack). Edges go from
/// a consumer to its providers. Components come out with their members in discovery order.
fn strongly_connected_components(columns: &[Vec<(usize, f64)>]) -> Vec<Vec<usize>> {
    let n = columns.len();
    let mut index = vec![usize::MAX; n];
    let mut low_link = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut next_index = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, next edge to look at)
        let mut call_stack = vec![(root, 0_usize)];
        index[root] = next_index;
        low_link[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut edge_idx)) = call_stack.last_mut() {
            if let Some(&(next, _)) = columns[node].get(*edge_idx) {
                *edge_idx += 1;
                if index[next] == usize::MAX {
                    index[next] = next_index;
                    low_link[next] = next_index;
                    next_index += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    call_stack.push((next, 0));
                } else if on_stack[next] {
                    low_link[node] = low_link[node].min(index[next]);
                }
                continue;
            }
            call_stack.pop();
            if let Some(&(parent, _)) = call_stack.last() {
                low_link[parent] = low_link[parent].min(low_link[node]);
            }
            if low_link[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                component.reverse();
                components.push(component);
            }
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consumption(provider_idx: usize, consumer_idx: usize, amount: f64) -> Consumption {
        Consumption { provider_idx, consumer_idx, amount }
    }

    #[test]
    fn a_two_process_loop_with_gain_1_6_is_refused_with_its_amounts() {
        // Each unit of 0 needs 2 units of 1; each unit of 1 needs 0.8 units of 0: 1.6 units of 0 per unit of 0.
        let found =
            find_unproductive_loop(&[1.0, 1.0], &[consumption(1, 0, 2.0), consumption(0, 1, 0.8)]).expect("loop");
        assert_eq!(found.process_idxs, [0, 1]);
        assert_eq!(found.cycle.len(), 2);
        assert!((found.cycle_gain - 1.6).abs() < 1e-12, "{found:?}");
        assert!((found.loop_gain - 1.6_f64.sqrt()).abs() < 1e-6, "{found:?}");
        let amounts: Vec<f64> = found.cycle.iter().map(|step| step.units_per_unit).collect();
        assert!(amounts.contains(&2.0) && amounts.contains(&0.8), "{amounts:?}");
        assert_eq!(found.cycle[0].consumer_idx, found.cycle[1].provider_idx);
    }

    #[test]
    fn amounts_are_per_unit_of_product_not_per_run() {
        // Process 0 makes 10 units per run and uses 4 units of 1; process 1 makes 1 unit and uses 3 of 0:
        // 0.4 × 3 = 1.2 per unit.
        let found =
            find_unproductive_loop(&[10.0, 1.0], &[consumption(1, 0, 4.0), consumption(0, 1, 3.0)]).expect("loop");
        assert!((found.cycle_gain - 1.2).abs() < 1e-12, "{found:?}");
    }

    #[test]
    fn a_process_using_more_of_its_own_product_than_it_makes_is_a_loop_of_one_step() {
        let found =
            find_unproductive_loop(&[1.0, 1.0], &[consumption(0, 0, 1.6), consumption(0, 1, 0.5)]).expect("self-loop");
        assert_eq!(found.process_idxs, [0]);
        assert_eq!(found.cycle, [LoopStep { consumer_idx: 0, provider_idx: 0, units_per_unit: 1.6 }]);
        assert!((found.loop_gain - 1.6).abs() < 1e-9);
    }

    #[test]
    fn a_loop_that_consumes_exactly_what_it_makes_is_refused() {
        let found = find_unproductive_loop(&[1.0, 2.0], &[consumption(1, 0, 2.0), consumption(0, 1, 1.0)]);
        assert!(found.is_some_and(|found| (found.cycle_gain - 1.0).abs() < 1e-12));
    }

    #[test]
    fn a_loop_with_net_output_passes() {
        let consumptions =
            [consumption(1, 0, 0.5), consumption(0, 1, 0.5), consumption(2, 1, 1.0), consumption(1, 1, 0.2)];
        assert_eq!(find_unproductive_loop(&[1.0, 1.0, 1.0], &consumptions), None);
    }

    #[test]
    fn two_cycles_each_below_one_can_together_make_the_loop_unproductive() {
        // 0 → 1 → 0 gains 0.6 and 0 → 2 → 0 gains 0.6: together ρ² = 1.2.
        let consumptions =
            [consumption(1, 0, 1.0), consumption(0, 1, 0.6), consumption(2, 0, 1.0), consumption(0, 2, 0.6)];
        let found = find_unproductive_loop(&[1.0, 1.0, 1.0], &consumptions).expect("loop");
        assert_eq!(found.process_idxs, [0, 1, 2]);
        assert!((found.loop_gain - 1.2_f64.sqrt()).abs() < 1e-6, "{found:?}");
    }

    #[test]
    fn a_credit_inside_a_loop_leaves_the_decision_to_the_solver() {
        let consumptions = [consumption(1, 0, 2.0), consumption(0, 1, 0.8), consumption(0, 1, -0.5)];
        assert_eq!(find_unproductive_loop(&[1.0, 1.0], &consumptions), None);
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        let n = 200_000;
        let production = vec![1.0; n];
        let consumptions: Vec<Consumption> = (1..n).map(|idx| consumption(idx, idx - 1, 1.0)).collect();
        assert_eq!(find_unproductive_loop(&production, &consumptions), None);
    }
}
