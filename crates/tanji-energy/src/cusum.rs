//! CUSUM of (actual − expected) energy and the tabular CUSUM alarm (Page 1954; Montgomery, *Introduction to
//! Statistical Quality Control*, §9.1): C⁺ₜ = max(0, C⁺ₜ₋₁ + dₜ − k), C⁻ₜ = max(0, C⁻ₜ₋₁ − dₜ − k), an alarm when either
//! passes h. With σ the baseline's RMSE, k = 0.5σ and h = 5σ detect a sustained shift of one σ quickly while a
//! model that still fits raises a false alarm about once in 465 periods.

use serde::{Deserialize, Serialize};

/// Allowance k in units of σ.
pub const ALLOWANCE_SIGMAS: f64 = 0.5;
/// Decision interval h in units of σ.
pub const DECISION_SIGMAS: f64 = 5.0;

/// Which way energy moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// More energy than the baseline expects.
    Increase,
    /// Less energy than the baseline expects.
    Decrease,
}

/// A tabular CUSUM alarm: a sustained shift that started at `start_idx` and passed the decision interval at
/// `alarm_idx` (indices into the series).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    /// Direction of the shift.
    pub direction: Direction,
    /// The period after the last one at which the statistic was zero: where the shift began.
    pub start_idx: usize,
    /// The period at which the statistic passed h.
    pub alarm_idx: usize,
    /// Σ(actual − expected) from `start_idx` to `alarm_idx`, kWh (positive for an increase).
    pub excess_kwh: f64,
}

/// The running sum Σ(actual − expected).
pub fn cumulative_sum(differences_kwh: &[f64]) -> Vec<f64> {
    differences_kwh
        .iter()
        .scan(0.0, |sum, difference| {
            *sum += difference;
            Some(*sum)
        })
        .collect()
}

/// Tabular CUSUM alarms on the differences (actual − expected), with σ the baseline's RMSE. After an alarm the
/// statistic restarts from zero, so a long shift raises one alarm per h it accumulates.
pub fn tabular_alarms(differences_kwh: &[f64], sigma_kwh: f64) -> Vec<Alarm> {
    if sigma_kwh <= 0.0 || !sigma_kwh.is_finite() {
        return Vec::new();
    }
    let allowance = ALLOWANCE_SIGMAS * sigma_kwh;
    let decision = DECISION_SIGMAS * sigma_kwh;
    let mut alarms = Vec::new();
    let (mut upper, mut lower) = (0.0_f64, 0.0_f64);
    let (mut upper_start, mut lower_start) = (0, 0);
    for (period_idx, difference) in differences_kwh.iter().enumerate() {
        if upper == 0.0 {
            upper_start = period_idx;
        }
        if lower == 0.0 {
            lower_start = period_idx;
        }
        upper = (upper + difference - allowance).max(0.0);
        lower = (lower - difference - allowance).max(0.0);
        if upper > decision {
            let excess_kwh = differences_kwh[upper_start..=period_idx].iter().sum();
            alarms.push(Alarm {
                direction: Direction::Increase,
                start_idx: upper_start,
                alarm_idx: period_idx,
                excess_kwh,
            });
            upper = 0.0;
        }
        if lower > decision {
            let excess_kwh = differences_kwh[lower_start..=period_idx].iter().sum();
            alarms.push(Alarm {
                direction: Direction::Decrease,
                start_idx: lower_start,
                alarm_idx: period_idx,
                excess_kwh,
            });
            lower = 0.0;
        }
    }
    alarms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_within_the_allowance_never_alarms() {
        let differences: Vec<f64> = (0..1000).map(|idx| if idx % 2 == 0 { 0.4 } else { -0.4 }).collect();
        assert_eq!(tabular_alarms(&differences, 1.0), []);
    }

    #[test]
    fn a_shift_of_two_sigma_alarms_on_the_fourth_period() {
        // C⁺: 1.5, 3.0, 4.5, 6.0 > 5 at index 13 (the shift starts at index 10).
        let mut differences = vec![0.0; 10];
        differences.extend([2.0; 10]);
        let alarms = tabular_alarms(&differences, 1.0);
        assert_eq!(alarms[0], Alarm { direction: Direction::Increase, start_idx: 10, alarm_idx: 13, excess_kwh: 8.0 });
        assert_eq!(cumulative_sum(&[1.0, -2.0, 3.0]), [1.0, -1.0, 2.0]);
    }
}
