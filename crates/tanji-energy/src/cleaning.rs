//! Readings → interval quantities, with every cleaning step recorded as data.
//!
//! The raw readings are borrowed and never changed: cleaning returns a new series plus the list of what it did
//! (`CleaningEvent`s), so an auditor can replay any interval back to the rows it came from.
//!
//! Rules, in order (they are the usual practice of meter-data management, written down so that they can be
//! checked):
//! 1. Readings are put in time order. A second reading at the same timestamp is a duplicate: the first one counts;
//!    a duplicate with a different value is recorded as a conflict.
//! 2. A reading whose timestamp is not on the metering grid (a multiple of the interval in local time) is set aside.
//! 3. Cumulative registers: a fall in the register is explained, in this order, as a single high reading (the
//!    reading before the fall is above the one after it and the one before that is below it: the high one is set
//!    aside), a single low reading (the register recovers at the next reading: the low one is set aside), a
//!    rollover (the register was in the upper half of its range and the wrapped difference is positive), or else a
//!    reset to zero (the energy since the reset is counted; the energy between the last reading and the reset is
//!    unknown and said so). Interval meters: a negative interval is set aside.
//! 4. Missing intervals are estimated and flagged: a cumulative register's difference across a gap is spread evenly
//!    over the intervals it covers (so the register's energy is conserved exactly); an interval meter's missing
//!    values are interpolated linearly between the neighbouring intervals.
//! 5. Spikes: an interval whose robust z-score against its neighbourhood, z = 0.6745·(x − median)/MAD over the
//!    nine intervals centred on it (a Hampel filter), is above 3.5 in magnitude (Iglewicz & Hoaglin 1993), the MAD
//!    taken as at least 2 % of the local median (`SPIKE_MAD_FLOOR`). A centred
//!    window keeps a line starting or stopping from looking like a spike, which a median over the whole series
//!    would not. For an interval meter the spike (either way) is replaced by the local median and flagged as
//!    estimated. For a cumulative register only upward spikes are flagged, and not replaced: the register's total is
//!    still right and replacing one interval would create or destroy energy, and a register interval far *below* its
//!    neighbours is a stoppage of the line, not a fault of the meter (a meter that under-reads catches up at the next
//!    reading, which rule 3 handles).

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use serde::{Deserialize, Serialize};

use crate::model::Register;
use crate::stats::median;

/// The longest gap that is estimated: 31 days. Across a longer one the meter was not metering in any useful sense (and
/// a typing error in a year would otherwise ask for millions of estimated intervals): the series breaks there, the
/// difference across the gap is not counted, and a `LongGap` says so.
pub const MAX_ESTIMATED_GAP_S: i64 = 31 * 86_400;

/// Iglewicz & Hoaglin's threshold for a modified z-score that marks an outlier.
pub const SPIKE_ROBUST_Z: f64 = 3.5;

/// Intervals on each side of the one being tested for a spike (one hour each side at 15 minutes).
pub const SPIKE_HALF_WINDOW: usize = 4;

/// The smallest MAD used, as a fraction of the local median's magnitude. Nine values give a noisy MAD: on a steady
/// load with a percent of metering noise (or a register's last digit) it can be tiny, and ordinary noise would then
/// score above 3.5. With this floor a spike must also be more than about 10 % (3.5 / 0.6745 × 2 %) away from the
/// local median — a meter fault, not noise.
pub const SPIKE_MAD_FLOOR: f64 = 0.02;

/// One reading as it was received.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RawReading {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub time_s: i64,
    /// The register value, or the interval's quantity for an interval meter, in the meter's unit.
    pub value: f64,
    /// The row of the file (1-based, the header is row 1) or the record number it came from.
    pub row: usize,
}

/// Whether an interval's value was measured or estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    /// Taken from the meter's readings.
    Measured,
    /// Estimated by a cleaning rule (a gap spread or interpolated, a spike replaced).
    Estimated,
}

/// The quantity used in one metering interval, in the meter's register unit (before CT/PT ratio and multiplier).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IntervalValue {
    /// End of the interval, seconds since the Unix epoch.
    pub end_s: i64,
    /// Register units used in the interval.
    pub quantity: f64,
    /// Measured or estimated.
    pub quality: Quality,
    /// Flagged as a spike (the value is kept for a cumulative register, replaced for an interval meter).
    pub spike: bool,
}

/// What cleaning did, one entry per decision, with the rows concerned. Times are local to the site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code, so a new one without its texts does not compile.
pub enum CleaningEvent {
    /// A second reading with the same timestamp and value; the first one counts.
    Duplicate {
        /// The row set aside.
        row: usize,
        /// The row kept.
        kept_row: usize,
        /// The reading's time.
        at: DateTime,
    },
    /// A second reading with the same timestamp and a different value; the first one counts.
    ConflictingDuplicate {
        /// The row set aside.
        row: usize,
        /// The row kept.
        kept_row: usize,
        /// The reading's time.
        at: DateTime,
        /// The value set aside.
        value: f64,
        /// The value kept.
        kept_value: f64,
    },
    /// A reading whose time is not on the metering grid.
    OffGrid {
        /// The row set aside.
        row: usize,
        /// The reading's time.
        at: DateTime,
        /// The metering interval.
        interval_minutes: u32,
    },
    /// Intervals without a reading, estimated.
    Gap {
        /// End of the last interval before the gap.
        after: DateTime,
        /// End of the first interval after it.
        before: DateTime,
        /// Intervals estimated.
        n_missing_intervals: usize,
    },
    /// A gap longer than 31 days: not estimated, and a register's difference across it is not counted.
    LongGap {
        /// The last reading before the gap.
        after: DateTime,
        /// The first reading after it.
        before: DateTime,
        /// The register difference (or nothing, for an interval meter) left uncounted.
        uncounted: f64,
    },
    /// A register reading above the readings around it, set aside.
    HighReading {
        /// The row set aside.
        row: usize,
        /// The reading's time.
        at: DateTime,
        /// Its value.
        value: f64,
    },
    /// A register reading below the one before it while the register recovers at the next reading, set aside.
    LowReading {
        /// The row set aside.
        row: usize,
        /// The reading's time.
        at: DateTime,
        /// Its value.
        value: f64,
    },
    /// The register wrapped to zero after its rollover value; the wrapped difference counts.
    Rollover {
        /// The row after the wrap.
        row: usize,
        /// Its time.
        at: DateTime,
        /// The register's rollover value.
        rollover_value: f64,
    },
    /// The register fell without a rollover: it was reset (replaced, or cleared). The energy from zero to the new
    /// reading counts; the energy between the last reading and the reset is unknown.
    RegisterReset {
        /// The row after the reset.
        row: usize,
        /// Its time.
        at: DateTime,
        /// The register before.
        value_before: f64,
        /// The register after.
        value_after: f64,
    },
    /// An interval meter reported a negative quantity; it is treated as missing.
    NegativeInterval {
        /// The row set aside.
        row: usize,
        /// Its time.
        at: DateTime,
        /// Its value.
        value: f64,
    },
    /// An interval far from its neighbourhood (|robust z| > 3.5).
    Spike {
        /// End of the interval.
        at: DateTime,
        /// Its quantity.
        value: f64,
        /// The median of the nine intervals centred on it.
        local_median: f64,
        /// The robust z-score.
        robust_z: f64,
        /// Whether the value was replaced by the local median (interval meters) or only flagged (registers).
        replaced: bool,
    },
}

/// A meter's cleaned series and what was done to make it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CleanSeries {
    /// Contiguous intervals from the first to the last usable reading.
    pub intervals: Vec<IntervalValue>,
    /// Every cleaning decision.
    pub events: Vec<CleaningEvent>,
}

impl CleanSeries {
    /// Number of intervals whose value was estimated.
    pub fn n_estimated(&self) -> usize {
        self.intervals.iter().filter(|interval| interval.quality == Quality::Estimated).count()
    }
}

/// The metering grid and local time of a site, for cleaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grid {
    /// Metering interval, seconds.
    pub interval_s: i64,
    /// Offset of local time from UTC, seconds.
    pub utc_offset_s: i32,
}

impl Grid {
    /// Local civil time of a Unix timestamp (fixed offset: no time-zone database is read).
    pub fn local(&self, time_s: i64) -> DateTime {
        let offset = Offset::from_seconds(self.utc_offset_s).unwrap_or(Offset::UTC);
        Timestamp::from_second(time_s)
            .map(|instant| instant.to_zoned(TimeZone::fixed(offset)).datetime())
            .unwrap_or_default()
    }

    fn on_grid(&self, time_s: i64) -> bool {
        (time_s + i64::from(self.utc_offset_s)).rem_euclid(self.interval_s) == 0
    }
}

/// Cleans one meter's readings into interval quantities (see the module documentation for the rules).
pub fn clean(readings: &[RawReading], register: Register, grid: Grid) -> CleanSeries {
    assert!(grid.interval_s > 0, "the metering interval must be positive");
    let mut events = Vec::new();
    let usable = usable_readings(readings, grid, &mut events);
    let mut intervals = match register {
        Register::Cumulative { rollover_value } => register_intervals(&usable, rollover_value, grid, &mut events),
        Register::Interval => interval_meter_intervals(&usable, grid, &mut events),
    };
    flag_spikes(&mut intervals, matches!(register, Register::Interval), grid, &mut events);
    CleanSeries { intervals, events }
}

/// Readings in time order, without duplicates and off-grid readings.
fn usable_readings(readings: &[RawReading], grid: Grid, events: &mut Vec<CleaningEvent>) -> Vec<RawReading> {
    let mut sorted: Vec<RawReading> = readings.to_vec();
    // Stable: of two readings at one time, the one received first counts.
    sorted.sort_by_key(|reading| reading.time_s);
    let mut usable: Vec<RawReading> = Vec::with_capacity(sorted.len());
    for reading in sorted {
        if !grid.on_grid(reading.time_s) {
            events.push(CleaningEvent::OffGrid {
                row: reading.row,
                at: grid.local(reading.time_s),
                interval_minutes: u32::try_from(grid.interval_s / 60).unwrap_or(u32::MAX),
            });
            continue;
        }
        if let Some(kept) = usable.last()
            && kept.time_s == reading.time_s
        {
            let at = grid.local(reading.time_s);
            if kept.value == reading.value {
                events.push(CleaningEvent::Duplicate { row: reading.row, kept_row: kept.row, at });
            } else {
                events.push(CleaningEvent::ConflictingDuplicate {
                    row: reading.row,
                    kept_row: kept.row,
                    at,
                    value: reading.value,
                    kept_value: kept.value,
                });
            }
            continue;
        }
        usable.push(reading);
    }
    usable
}

/// How the difference to a kept register reading is to be read.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    Normal,
    Rollover(f64),
    Reset,
}

fn register_intervals(
    usable: &[RawReading],
    rollover_value: Option<f64>,
    grid: Grid,
    events: &mut Vec<CleaningEvent>,
) -> Vec<IntervalValue> {
    // Decide which readings are kept and how each difference is read, before any interval is made.
    let mut kept: Vec<(RawReading, Step)> = Vec::with_capacity(usable.len());
    let mut reading_idx = 0;
    while reading_idx < usable.len() {
        let reading = usable[reading_idx];
        reading_idx += 1;
        let Some(&(last, _)) = kept.last() else {
            kept.push((reading, Step::Normal));
            continue;
        };
        if reading.value >= last.value {
            kept.push((reading, Step::Normal));
            continue;
        }
        // The register fell. A single high reading before?
        if kept.len() >= 2 && reading.value >= kept[kept.len() - 2].0.value {
            events.push(CleaningEvent::HighReading { row: last.row, at: grid.local(last.time_s), value: last.value });
            kept.pop();
            kept.push((reading, Step::Normal));
            continue;
        }
        // A single low reading, the register recovering at the next one?
        if let Some(next) = usable.get(reading_idx)
            && next.value >= last.value
        {
            events.push(CleaningEvent::LowReading {
                row: reading.row,
                at: grid.local(reading.time_s),
                value: reading.value,
            });
            continue;
        }
        if let Some(rollover_value) = rollover_value
            && last.value >= rollover_value / 2.0
            && last.value <= rollover_value
        {
            events.push(CleaningEvent::Rollover { row: reading.row, at: grid.local(reading.time_s), rollover_value });
            kept.push((reading, Step::Rollover(rollover_value)));
            continue;
        }
        events.push(CleaningEvent::RegisterReset {
            row: reading.row,
            at: grid.local(reading.time_s),
            value_before: last.value,
            value_after: reading.value,
        });
        kept.push((reading, Step::Reset));
    }

    let mut intervals = Vec::with_capacity(kept.len());
    for pair in kept.windows(2) {
        let ((before, _), (after, step)) = (pair[0], pair[1]);
        let difference = match step {
            Step::Normal => after.value - before.value,
            Step::Rollover(rollover_value) => rollover_value - before.value + after.value,
            Step::Reset => after.value,
        };
        push_spread(&mut intervals, before.time_s, after.time_s, difference, grid, events);
    }
    intervals
}

/// The intervals from `before_s` to `after_s` sharing `difference` evenly; estimated when there is more than one.
fn push_spread(
    intervals: &mut Vec<IntervalValue>,
    before_s: i64,
    after_s: i64,
    difference: f64,
    grid: Grid,
    events: &mut Vec<CleaningEvent>,
) {
    if after_s - before_s > MAX_ESTIMATED_GAP_S {
        events.push(CleaningEvent::LongGap {
            after: grid.local(before_s),
            before: grid.local(after_s),
            uncounted: difference,
        });
        return;
    }
    let n_intervals = usize::try_from((after_s - before_s) / grid.interval_s).unwrap_or(0).max(1);
    let quality = if n_intervals > 1 { Quality::Estimated } else { Quality::Measured };
    if n_intervals > 1 {
        events.push(CleaningEvent::Gap {
            after: grid.local(before_s),
            before: grid.local(after_s),
            n_missing_intervals: n_intervals - 1,
        });
    }
    let share = difference / n_intervals as f64;
    for interval_idx in 1..=n_intervals {
        let end_s = before_s + grid.interval_s * interval_idx as i64;
        intervals.push(IntervalValue { end_s, quantity: share, quality, spike: false });
    }
}

fn interval_meter_intervals(usable: &[RawReading], grid: Grid, events: &mut Vec<CleaningEvent>) -> Vec<IntervalValue> {
    let mut good: Vec<RawReading> = Vec::with_capacity(usable.len());
    for reading in usable {
        if reading.value < 0.0 {
            events.push(CleaningEvent::NegativeInterval {
                row: reading.row,
                at: grid.local(reading.time_s),
                value: reading.value,
            });
        } else {
            good.push(*reading);
        }
    }
    let mut intervals = Vec::with_capacity(good.len());
    for (reading_idx, reading) in good.iter().enumerate() {
        if reading_idx > 0 {
            let before = good[reading_idx - 1];
            let n_steps = (reading.time_s - before.time_s) / grid.interval_s;
            if reading.time_s - before.time_s > MAX_ESTIMATED_GAP_S {
                events.push(CleaningEvent::LongGap {
                    after: grid.local(before.time_s),
                    before: grid.local(reading.time_s),
                    uncounted: 0.0,
                });
            } else if n_steps > 1 {
                events.push(CleaningEvent::Gap {
                    after: grid.local(before.time_s),
                    before: grid.local(reading.time_s),
                    n_missing_intervals: usize::try_from(n_steps - 1).unwrap_or(0),
                });
                for step_idx in 1..n_steps {
                    let fraction = step_idx as f64 / n_steps as f64;
                    intervals.push(IntervalValue {
                        end_s: before.time_s + grid.interval_s * step_idx,
                        quantity: before.value + (reading.value - before.value) * fraction,
                        quality: Quality::Estimated,
                        spike: false,
                    });
                }
            }
        }
        intervals.push(IntervalValue {
            end_s: reading.time_s,
            quantity: reading.value,
            quality: Quality::Measured,
            spike: false,
        });
    }
    intervals
}

fn flag_spikes(intervals: &mut [IntervalValue], replace: bool, grid: Grid, events: &mut Vec<CleaningEvent>) {
    let n_intervals = intervals.len();
    if n_intervals < 2 * SPIKE_HALF_WINDOW + 1 {
        return;
    }
    let quantities: Vec<f64> = intervals.iter().map(|interval| interval.quantity).collect();
    let mut window = Vec::with_capacity(2 * SPIKE_HALF_WINDOW + 1);
    let mut deviations = Vec::with_capacity(2 * SPIKE_HALF_WINDOW + 1);
    for interval_idx in 0..n_intervals {
        // Near either end the window is shifted inwards so that it always holds nine intervals.
        let start = interval_idx.saturating_sub(SPIKE_HALF_WINDOW).min(n_intervals - (2 * SPIKE_HALF_WINDOW + 1));
        window.clear();
        window.extend_from_slice(&quantities[start..start + 2 * SPIKE_HALF_WINDOW + 1]);
        let local_median = median(&mut window);
        deviations.clear();
        deviations.extend(window.iter().map(|quantity| (quantity - local_median).abs()));
        let mad = median(&mut deviations).max(SPIKE_MAD_FLOOR * local_median.abs());
        if mad <= 0.0 {
            continue;
        }
        let value = quantities[interval_idx];
        let robust_z = 0.6745 * (value - local_median) / mad;
        // A spike also stands out from both of its neighbours: the last interval of a shift whose window holds more
        // idle intervals than running ones (after a stoppage) is far from the window's median but not from the
        // interval before it, and is no spike.
        let before = quantities[interval_idx.saturating_sub(1)];
        let after = quantities[(interval_idx + 1).min(n_intervals - 1)];
        let above_neighbours = 0.6745 * (value - before.max(after)) / mad > SPIKE_ROBUST_Z;
        let below_neighbours = 0.6745 * (before.min(after) - value) / mad > SPIKE_ROBUST_Z;
        let is_spike = if replace {
            (robust_z > SPIKE_ROBUST_Z && above_neighbours) || (robust_z < -SPIKE_ROBUST_Z && below_neighbours)
        } else {
            robust_z > SPIKE_ROBUST_Z && above_neighbours
        };
        if is_spike {
            let interval = &mut intervals[interval_idx];
            interval.spike = true;
            if replace {
                interval.quantity = local_median;
                interval.quality = Quality::Estimated;
            }
            events.push(CleaningEvent::Spike {
                at: grid.local(interval.end_s),
                value,
                local_median,
                robust_z,
                replaced: replace,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRID: Grid = Grid { interval_s: 900, utc_offset_s: 8 * 3600 };
    const T0: i64 = 1_735_660_800; // 2025-01-01T00:00:00+08:00

    fn readings(values: &[(i64, f64)]) -> Vec<RawReading> {
        values
            .iter()
            .enumerate()
            .map(|(reading_idx, &(step, value))| RawReading { time_s: T0 + step * 900, value, row: reading_idx + 2 })
            .collect()
    }

    fn quantities(series: &CleanSeries) -> Vec<f64> {
        series.intervals.iter().map(|interval| interval.quantity).collect()
    }

    const REGISTER: Register = Register::Cumulative { rollover_value: Some(1000.0) };

    #[test]
    fn a_register_becomes_differences_and_a_gap_is_spread_and_flagged() {
        let raw = readings(&[(0, 10.0), (1, 12.0), (4, 18.0), (5, 19.0)]);
        let series = clean(&raw, REGISTER, GRID);
        assert_eq!(quantities(&series), [2.0, 2.0, 2.0, 2.0, 1.0]);
        assert_eq!(series.n_estimated(), 3);
        assert!(matches!(series.events[..], [CleaningEvent::Gap { n_missing_intervals: 2, .. }]));
    }

    #[test]
    fn duplicates_count_once_and_conflicts_are_recorded() {
        let raw = readings(&[(0, 10.0), (1, 12.0), (1, 12.0), (1, 13.0), (2, 14.0)]);
        let series = clean(&raw, REGISTER, GRID);
        assert_eq!(quantities(&series), [2.0, 2.0]);
        assert!(matches!(series.events[0], CleaningEvent::Duplicate { row: 4, kept_row: 3, .. }));
        assert!(matches!(series.events[1], CleaningEvent::ConflictingDuplicate { row: 5, kept_row: 3, .. }));
    }

    #[test]
    fn a_rollover_counts_the_wrapped_difference() {
        let raw = readings(&[(0, 990.0), (1, 998.0), (2, 3.0), (3, 9.0)]);
        let series = clean(&raw, REGISTER, GRID);
        assert_eq!(quantities(&series), [8.0, 5.0, 6.0]);
        assert!(matches!(series.events[..], [CleaningEvent::Rollover { row: 4, .. }]));
    }

    #[test]
    fn a_fall_without_rollover_is_a_reset_and_counts_from_zero() {
        let raw = readings(&[(0, 100.0), (1, 104.0), (2, 2.0), (3, 5.0)]);
        let series = clean(&raw, Register::Cumulative { rollover_value: None }, GRID);
        assert_eq!(quantities(&series), [4.0, 2.0, 3.0]);
        assert!(matches!(series.events[..], [CleaningEvent::RegisterReset { row: 4, .. }]));
    }

    #[test]
    fn single_high_and_low_readings_are_set_aside_and_energy_is_kept() {
        let high = clean(&readings(&[(0, 10.0), (1, 11.0), (2, 90.0), (3, 13.0), (4, 14.0)]), REGISTER, GRID);
        assert_eq!(quantities(&high), [1.0, 1.0, 1.0, 1.0]);
        assert!(matches!(high.events[..], [CleaningEvent::HighReading { row: 4, .. }, CleaningEvent::Gap { .. }]));
        let low = clean(&readings(&[(0, 10.0), (1, 11.0), (2, 3.0), (3, 13.0), (4, 14.0)]), REGISTER, GRID);
        assert_eq!(quantities(&low), [1.0, 1.0, 1.0, 1.0]);
        assert!(matches!(low.events[..], [CleaningEvent::LowReading { row: 4, .. }, CleaningEvent::Gap { .. }]));
    }

    #[test]
    fn a_gap_of_years_is_not_estimated() {
        // Regression: a year typed wrongly (2205 for 2025) asked for millions of estimated intervals.
        let raw = readings(&[(0, 10.0), (1, 11.0), (18_000_000, 12.0)]);
        let series = clean(&raw, REGISTER, GRID);
        assert_eq!(quantities(&series), [1.0]);
        assert!(matches!(series.events[..], [CleaningEvent::LongGap { uncounted: 1.0, .. }]));
    }

    #[test]
    fn off_grid_readings_are_set_aside() {
        let mut raw = readings(&[(0, 10.0), (1, 11.0)]);
        raw.push(RawReading { time_s: T0 + 600, value: 10.5, row: 9 });
        let series = clean(&raw, REGISTER, GRID);
        assert_eq!(quantities(&series), [1.0]);
        assert!(matches!(series.events[..], [CleaningEvent::OffGrid { row: 9, interval_minutes: 15, .. }]));
    }

    #[test]
    fn an_interval_meter_spike_is_replaced_and_a_gap_interpolated() {
        let values: Vec<(i64, f64)> = (0..12)
            .filter(|step| *step != 3)
            .map(|step| (step, if step == 8 { 100.0 } else { 10.0 + (step % 2) as f64 }))
            .collect();
        let series = clean(&readings(&values), Register::Interval, GRID);
        assert_eq!(series.intervals.len(), 12);
        assert_eq!(series.intervals[3].quality, Quality::Estimated);
        assert_eq!(series.intervals[3].quantity, 10.0);
        assert!(series.intervals[8].spike);
        assert_eq!(series.intervals[8].quality, Quality::Estimated);
        assert!(series.intervals[8].quantity < 12.0);
        assert!(series.events.iter().any(|event| matches!(event, CleaningEvent::Spike { replaced: true, .. })));
    }

    #[test]
    fn a_line_starting_up_is_not_a_spike() {
        let values: Vec<(i64, f64)> = (0..24)
            .map(|step| (step, if step < 12 { 1.0 + 0.1 * (step % 3) as f64 } else { 50.0 + (step % 3) as f64 }))
            .collect();
        let series = clean(&readings(&values), Register::Interval, GRID);
        assert!(!series.events.iter().any(|event| matches!(event, CleaningEvent::Spike { .. })), "{:?}", series.events);
    }
}
