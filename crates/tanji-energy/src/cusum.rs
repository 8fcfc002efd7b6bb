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

/// Periods (days) the statistic may lapse between one alarm and the start of the next in the same direction for
/// both to be one episode. After an alarm the statistic restarts from zero, so a shift that lasts months (the weeks
/// after a measure) raises an alarm every few days; a week without a new start is a new episode.
pub const EPISODE_GAP_PERIODS: usize = 7;

/// The alarms of one sustained shift, in one direction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    /// Direction of the shift.
    pub direction: Direction,
    /// Where the first alarm's shift began.
    pub start_idx: usize,
    /// The period of the first alarm.
    pub first_alarm_idx: usize,
    /// The period of the last alarm.
    pub last_alarm_idx: usize,
    /// Alarms in the episode.
    pub n_alarms: usize,
    /// Σ of the alarms' excess (each alarm's Σ(actual − expected) from its start to its alarm), kWh.
    pub excess_kwh: f64,
}

/// Groups alarms (in the order `tabular_alarms` gives them) into episodes: an alarm whose shift began within
/// [`EPISODE_GAP_PERIODS`] of the previous alarm in the same direction continues that episode. Episodes are in the
/// order of their first alarm.
pub fn episodes(alarms: &[Alarm]) -> Vec<Episode> {
    let mut episodes: Vec<Episode> = Vec::new();
    for alarm in alarms {
        let open = episodes.iter_mut().rev().find(|episode| episode.direction == alarm.direction);
        match open {
            Some(episode) if alarm.start_idx <= episode.last_alarm_idx + 1 + EPISODE_GAP_PERIODS => {
                episode.last_alarm_idx = alarm.alarm_idx;
                episode.n_alarms += 1;
                episode.excess_kwh += alarm.excess_kwh;
            }
            _ => episodes.push(Episode {
                direction: alarm.direction,
                start_idx: alarm.start_idx,
                first_alarm_idx: alarm.alarm_idx,
                last_alarm_idx: alarm.alarm_idx,
                n_alarms: 1,
                excess_kwh: alarm.excess_kwh,
            }),
        }
    }
    episodes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_shift_is_one_episode_with_its_count_range_and_total() {
        // Ten quiet days, then 100 days two σ below: an alarm every four days, all one episode.
        let mut differences = vec![0.0; 10];
        differences.extend([-2.0; 100]);
        let alarms = tabular_alarms(&differences, 1.0);
        assert_eq!(alarms.len(), 25);
        let grouped = episodes(&alarms);
        assert_eq!(grouped.len(), 1);
        let episode = grouped[0];
        assert_eq!((episode.direction, episode.start_idx, episode.first_alarm_idx), (Direction::Decrease, 10, 13));
        assert_eq!((episode.last_alarm_idx, episode.n_alarms), (109, 25));
        assert_eq!(episode.excess_kwh, -200.0, "every day of the shift is in one alarm");
    }

    #[test]
    fn shifts_apart_or_in_the_other_direction_are_episodes_of_their_own() {
        let alarm = |direction, start_idx, alarm_idx| Alarm { direction, start_idx, alarm_idx, excess_kwh: 1.0 };
        let alarms = [
            alarm(Direction::Increase, 0, 3),
            alarm(Direction::Decrease, 2, 4),
            // Starts seven periods after the first alarm's next period: still the same episode.
            alarm(Direction::Increase, 11, 14),
            // Eight: a new one.
            alarm(Direction::Increase, 23, 25),
        ];
        let grouped = episodes(&alarms);
        let summary: Vec<_> = grouped
            .iter()
            .map(|episode| (episode.direction, episode.start_idx, episode.last_alarm_idx, episode.n_alarms))
            .collect();
        assert_eq!(
            summary,
            [(Direction::Increase, 0, 14, 2), (Direction::Decrease, 2, 4, 1), (Direction::Increase, 23, 25, 1)]
        );
        assert_eq!(episodes(&[]), []);
    }

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
