//! Properties of cleaning: a register's energy is conserved through gaps, duplicates and rollovers, and the raw
//! readings are never changed.

use proptest::prelude::*;
use tanji_energy::cleaning::{Grid, Quality, RawReading, clean};
use tanji_energy::model::Register;

const GRID: Grid = Grid { interval_s: 900, utc_offset_s: 8 * 3600 };
const T0: i64 = 1_735_660_800; // 2025-01-01T00:00:00+08:00

/// A monotone register: increments (kWh per interval, 0 to 50), which intervals have a reading, and which readings
/// arrive twice.
fn register() -> impl Strategy<Value = (f64, Vec<(f64, bool, bool)>)> {
    (0.0..1000.0f64, prop::collection::vec((0.0..50.0f64, any::<bool>(), prop::bool::weighted(0.05)), 2..200))
}

fn readings(start: f64, steps: &[(f64, bool, bool)], rollover: Option<f64>) -> (Vec<RawReading>, f64) {
    let mut readings = vec![RawReading { time_s: T0, value: start, row: 2 }];
    let mut value = start;
    let mut total = 0.0;
    let mut last_kept_total = 0.0;
    for (step_idx, (increment, kept, repeated)) in steps.iter().enumerate() {
        value += increment;
        total += increment;
        if let Some(rollover) = rollover
            && value >= rollover
        {
            value -= rollover;
        }
        // The last reading is always kept, so the register's whole difference is known.
        if *kept || step_idx + 1 == steps.len() {
            let reading = RawReading { time_s: T0 + 900 * (step_idx as i64 + 1), value, row: readings.len() + 2 };
            readings.push(reading);
            if *repeated {
                readings.push(RawReading { row: readings.len() + 2, ..reading });
            }
            last_kept_total = total;
        }
    }
    (readings, last_kept_total)
}

proptest! {
    #[test]
    fn register_to_interval_conserves_energy((start, steps) in register()) {
        let (raw, total) = readings(start, &steps, None);
        let series = clean(&raw, Register::Cumulative { rollover_value: None }, GRID);
        let sum: f64 = series.intervals.iter().map(|interval| interval.quantity).sum();
        prop_assert!((sum - total).abs() <= 1e-9 * total.max(1.0), "sum {} total {}", sum, total);
        // One interval per metering period from the first reading to the last, none twice.
        prop_assert_eq!(series.intervals.len(), steps.len());
        for pair in series.intervals.windows(2) {
            prop_assert_eq!(pair[1].end_s - pair[0].end_s, 900);
        }
    }

    #[test]
    fn a_rolling_register_conserves_energy((start, steps) in register()) {
        // A register of 0..2000 that wraps; increments of at most 50 per interval never wrap twice between readings
        // unless many readings are missing, so keep at least every tenth.
        let steps: Vec<(f64, bool, bool)> =
            steps.iter().enumerate().map(|(idx, (increment, kept, repeated))| (*increment, *kept || idx % 10 == 0, *repeated)).collect();
        let (raw, total) = readings(start, &steps, Some(2000.0));
        let series = clean(&raw, Register::Cumulative { rollover_value: Some(2000.0) }, GRID);
        let sum: f64 = series.intervals.iter().map(|interval| interval.quantity).sum();
        prop_assert!((sum - total).abs() <= 1e-6 * total.max(1.0), "sum {} total {}", sum, total);
    }

    #[test]
    fn cleaning_never_changes_the_raw_readings(
        values in prop::collection::vec((0i64..400, -100.0..1000.0f64), 0..200),
        interval_meter in any::<bool>(),
    ) {
        let raw: Vec<RawReading> = values
            .iter()
            .enumerate()
            .map(|(idx, (step, value))| RawReading { time_s: T0 + step * 300, value: *value, row: idx + 2 })
            .collect();
        let before = raw.clone();
        let register = if interval_meter { Register::Interval } else { Register::Cumulative { rollover_value: Some(1000.0) } };
        let series = clean(&raw, register, GRID);
        prop_assert_eq!(&raw, &before);
        // Every measured interval's end is a reading's time; estimated ones are flagged as such.
        for interval in &series.intervals {
            if interval.quality == Quality::Measured && !interval.spike {
                prop_assert!(raw.iter().any(|reading| reading.time_s == interval.end_s));
            }
        }
    }
}
