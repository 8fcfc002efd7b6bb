//! Energy meters and readings: idempotent ingestion, conflicts kept out, roll-ups kept right, isolation.

use jiff::Timestamp;
use tanji_store::energy::{
    IngestError, IngestProblem, MeterCode, MeterInput, NewMeter, NewReading, ReadingError, ReadingField, ReadingSource,
    ReadingStore, Rollup, RollupGrain,
};
use tanji_store::{Conflict, Store, StoreError};
use tanji_tenancy::Actor;
use tanji_tenancy::facility::{FacilityDetails, FacilityInput};

use crate::fixtures::World;
use tanji_testkit::{TestDatabase, on_both_databases};

async fn facility_id(store: &Store, actor: &Actor) -> String {
    let details = FacilityDetails::parse(&FacilityInput {
        name: "杯厂",
        kind: "factory",
        subdivision: Some("CN-ZJ"),
        ..FacilityInput::default()
    })
    .unwrap();
    store.create_facility(actor, &details).await.unwrap().id.to_string()
}

async fn register(store: &Store, actor: &Actor, facility_id: &str, code: &str, register_type: &str, multiplier: f64) {
    let meter = NewMeter::parse(&MeterInput {
        facility_id,
        code,
        name: "Line meter",
        kind: "electricity",
        unit: "kWh",
        register_type,
        multiplier: Some(multiplier),
        utc_offset_minutes: None,
    })
    .unwrap();
    store.register_meter(actor, &meter).await.unwrap();
}

/// The setup every test here starts from: the demo-like world, a factory of the brand's, and its meters registered
/// by the brand's editor as (code, register type, multiplier). Returns the world and the factory's id.
async fn world_with_meters(store: &Store, meters: &[(&str, &str, f64)]) -> (World, String) {
    let world = World::build(store).await;
    let facility = facility_id(store, &world.brand_editor).await;
    for (code, register_type, multiplier) in meters {
        register(store, &world.brand_editor, &facility, code, register_type, *multiplier).await;
    }
    (world, facility)
}

fn reading(meter: &str, ts: &str, value: f64) -> NewReading {
    NewReading::parse(meter, ts, value, "test").unwrap()
}

fn code(text: &str) -> MeterCode {
    MeterCode::parse("code", text).unwrap()
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// (bucket start, consumption, readings, negative deltas) for easy comparison.
fn summary(rollups: &[Rollup]) -> Vec<(String, f64, i64, i64)> {
    rollups
        .iter()
        .map(|rollup| {
            (rollup.bucket_start.to_string(), rollup.consumption, rollup.n_readings, rollup.n_negative_deltas)
        })
        .collect()
}

async fn rollups(store: &Store, actor: &Actor, meter: &str, grain: RollupGrain) -> Vec<(String, f64, i64, i64)> {
    let all = store
        .meter_rollups(actor, &code(meter), grain, at("2000-01-01T00:00:00Z"), at("2100-01-01T00:00:00Z"))
        .await
        .unwrap();
    summary(&all)
}

on_both_databases!(the_same_reading_twice_is_stored_once_and_a_different_value_is_a_conflict);
async fn the_same_reading_twice_is_stored_once_and_a_different_value_is_a_conflict(test: TestDatabase) {
    let store = &test.store;
    let (world, _) = world_with_meters(store, &[("L1-MAIN", "interval", 1.0)]).await;
    let editor = &world.brand_editor;

    let batch = [
        reading("L1-MAIN", "2026-03-02T08:00:00+08:00", 10.0),
        reading("L1-MAIN", "2026-03-02T08:15:00+08:00", 12.0),
        // The same reading twice within a batch, written with another offset.
        reading("L1-MAIN", "2026-03-02T00:15:00Z", 12.0),
    ];
    let first = store.record_readings(editor, ReadingSource::Api, &batch).await.unwrap();
    assert_eq!((first.n_accepted, first.n_duplicates, first.n_conflicts), (2, 1, 0));

    // Sent again (a retry after a lost answer): nothing new, and the roll-ups do not double.
    let again = store.record_readings(editor, ReadingSource::Api, &batch).await.unwrap();
    assert_eq!((again.n_accepted, again.n_duplicates, again.n_conflicts), (0, 3, 0));

    let changed = [reading("L1-MAIN", "2026-03-02T08:15:00+08:00", 99.0)];
    let conflict = store.record_readings(editor, ReadingSource::Mqtt, &changed).await.unwrap();
    assert_eq!((conflict.n_accepted, conflict.n_duplicates, conflict.n_conflicts), (0, 0, 1));
    assert_eq!(conflict.conflicts[0].stored_value, 12.0);
    assert_eq!(conflict.conflicts[0].sent_value, 99.0);

    assert_eq!(store.count_readings(world.brand.id, &code("L1-MAIN")).await.unwrap(), 2);
    assert_eq!(
        rollups(store, editor, "L1-MAIN", RollupGrain::Hour).await,
        [("2026-03-02T00:00:00Z".to_owned(), 22.0, 2, 0)]
    );
    let meter = store.meter(&world.brand_viewer, &code("L1-MAIN")).await.unwrap();
    assert_eq!(meter.n_readings, 2);
    assert_eq!(meter.last_reading_at, Some(at("2026-03-02T00:15:00Z")));
}

on_both_databases!(a_batch_with_an_unknown_meter_is_refused_whole);
async fn a_batch_with_an_unknown_meter_is_refused_whole(test: TestDatabase) {
    let store = &test.store;
    let (world, _) = world_with_meters(store, &[("L1-MAIN", "interval", 1.0)]).await;
    let editor = &world.brand_editor;

    let batch = [
        reading("L1-MAIN", "2026-03-02T08:00:00+08:00", 10.0),
        reading("L9-NOPE", "2026-03-02T08:00:00+08:00", 10.0),
        reading("L1-MAIN", "2026-03-02T08:15:00+08:00", 10.0),
        reading("L9-NOPE", "2026-03-02T08:15:00+08:00", 10.0),
    ];
    let Err(IngestError::Rejected(problems)) = store.record_readings(editor, ReadingSource::Api, &batch).await else {
        panic!("an unknown meter must refuse the batch");
    };
    let positions: Vec<(usize, ReadingError)> =
        problems.iter().map(|problem| (problem.index, problem.error.clone())).collect();
    let unknown = ReadingError::new(ReadingField::Meter, IngestProblem::UnknownMeter { meter: "L9-NOPE".into() });
    assert_eq!(positions, [(1, unknown.clone()), (3, unknown)]);
    assert_eq!(store.count_readings(world.brand.id, &code("L1-MAIN")).await.unwrap(), 0);
    assert!(rollups(store, editor, "L1-MAIN", RollupGrain::Day).await.is_empty());
}

on_both_databases!(interval_rollups_sum_in_local_days_and_months);
async fn interval_rollups_sum_in_local_days_and_months(test: TestDatabase) {
    let store = &test.store;
    // A CT ratio of 40: the meter counts 1/40 of the energy.
    let (world, _) = world_with_meters(store, &[("L2-HEATER", "interval", 40.0)]).await;
    let editor = &world.brand_editor;

    let batch = [
        reading("L2-HEATER", "2026-03-31T23:00:00+08:00", 1.0),
        reading("L2-HEATER", "2026-03-31T23:45:00+08:00", 2.0),
        // Local April, still March in UTC.
        reading("L2-HEATER", "2026-04-01T00:00:00+08:00", 4.0),
    ];
    store.record_readings(editor, ReadingSource::Csv, &batch).await.unwrap();
    assert_eq!(
        rollups(store, editor, "L2-HEATER", RollupGrain::Hour).await,
        [("2026-03-31T15:00:00Z".to_owned(), 120.0, 2, 0), ("2026-03-31T16:00:00Z".to_owned(), 160.0, 1, 0)]
    );
    assert_eq!(
        rollups(store, editor, "L2-HEATER", RollupGrain::Day).await,
        [("2026-03-30T16:00:00Z".to_owned(), 120.0, 2, 0), ("2026-03-31T16:00:00Z".to_owned(), 160.0, 1, 0)]
    );
    assert_eq!(
        rollups(store, editor, "L2-HEATER", RollupGrain::Month).await,
        [("2026-02-28T16:00:00Z".to_owned(), 120.0, 2, 0), ("2026-03-31T16:00:00Z".to_owned(), 160.0, 1, 0)]
    );
    // The window is half-open: from <= bucket_start < to.
    let window = store
        .meter_rollups(
            editor,
            &code("L2-HEATER"),
            RollupGrain::Hour,
            at("2026-03-31T15:00:00Z"),
            at("2026-03-31T16:00:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(window.len(), 1);
}

on_both_databases!(cumulative_rollups_are_deltas_whatever_the_arrival_order);
async fn cumulative_rollups_are_deltas_whatever_the_arrival_order(test: TestDatabase) {
    let store = &test.store;
    let (world, _) =
        world_with_meters(store, &[("IN-ORDER", "cumulative", 2.0), ("SHUFFLED", "cumulative", 2.0)]).await;
    let editor = &world.brand_editor;

    // A register over three hours, with a reset to 0 at 11:00 (a meter exchange).
    let series = [
        ("2026-03-02T08:00:00Z", 1000.0),
        ("2026-03-02T08:30:00Z", 1010.0),
        ("2026-03-02T09:00:00Z", 1025.0),
        ("2026-03-02T09:30:00Z", 1030.0),
        ("2026-03-02T10:00:00Z", 1050.0),
        ("2026-03-02T11:00:00Z", 0.0),
        ("2026-03-02T11:30:00Z", 5.0),
    ];
    let in_order: Vec<NewReading> = series.iter().map(|(ts, value)| reading("IN-ORDER", ts, *value)).collect();
    store.record_readings(editor, ReadingSource::Api, &in_order).await.unwrap();

    // The same series in four batches, out of order, with repeats: the roll-ups must come out the same.
    let order: [&[usize]; 4] = [&[4, 0], &[2, 6], &[1, 5, 4], &[3, 0]];
    for indices in order {
        let batch: Vec<NewReading> =
            indices.iter().map(|index| reading("SHUFFLED", series[*index].0, series[*index].1)).collect();
        store.record_readings(editor, ReadingSource::Mqtt, &batch).await.unwrap();
    }

    // Deltas ×2 counted in the later reading's hour: 08:30 +20; 09:00 +30, 09:30 +10; 10:00 +40; 11:00 reset
    // (counted as zero), 11:30 +10. The first reading has no predecessor and adds nothing.
    let expected = vec![
        ("2026-03-02T08:00:00Z".to_owned(), 20.0, 2, 0),
        ("2026-03-02T09:00:00Z".to_owned(), 40.0, 2, 0),
        ("2026-03-02T10:00:00Z".to_owned(), 40.0, 1, 0),
        ("2026-03-02T11:00:00Z".to_owned(), 10.0, 2, 1),
    ];
    assert_eq!(rollups(store, editor, "IN-ORDER", RollupGrain::Hour).await, expected);
    assert_eq!(rollups(store, editor, "SHUFFLED", RollupGrain::Hour).await, expected);
    assert_eq!(
        rollups(store, editor, "SHUFFLED", RollupGrain::Day).await,
        [("2026-03-01T16:00:00Z".to_owned(), 110.0, 7, 1)]
    );
    assert_eq!(store.count_readings(world.brand.id, &code("SHUFFLED")).await.unwrap(), 7);
}

on_both_databases!(meters_and_readings_stay_in_their_organisation);
async fn meters_and_readings_stay_in_their_organisation(test: TestDatabase) {
    let store = &test.store;
    let (world, facility) = world_with_meters(store, &[("L1-MAIN", "interval", 1.0)]).await;
    let editor = &world.brand_editor;

    // Another tenant sees no such meter and cannot send readings to it.
    let other = &world.supplier_owner;
    assert!(store.list_meters(other).await.unwrap().is_empty());
    assert!(matches!(store.meter(other, &code("L1-MAIN")).await, Err(StoreError::NotFound)));
    let batch = [reading("L1-MAIN", "2026-03-02T08:00:00+08:00", 10.0)];
    assert!(matches!(store.record_readings(other, ReadingSource::Api, &batch).await, Err(IngestError::Rejected(_))));
    // Nor register a meter at this tenant's facility.
    let at_foreign_facility = NewMeter::parse(&MeterInput {
        facility_id: &facility,
        code: "X",
        name: "x",
        kind: "water",
        unit: "m3",
        register_type: "interval",
        ..MeterInput::default()
    })
    .unwrap();
    let refused = store.register_meter(other, &at_foreign_facility).await;
    assert!(matches!(refused, Err(StoreError::Invalid(error)) if error.field == "facility_id"));

    // Viewers and auditors read but do not write.
    assert_eq!(store.list_meters(&world.brand_viewer).await.unwrap().len(), 1);
    for reader in [&world.brand_viewer, &world.brand_auditor] {
        assert!(matches!(
            store.record_readings(reader, ReadingSource::Api, &batch).await,
            Err(IngestError::Store(StoreError::Denied(_)))
        ));
    }

    // A code is unique within an organisation, not across them.
    let duplicate = NewMeter::parse(&MeterInput {
        facility_id: &facility,
        code: "L1-MAIN",
        name: "again",
        kind: "electricity",
        unit: "MWh",
        register_type: "cumulative",
        ..MeterInput::default()
    })
    .unwrap();
    assert!(matches!(store.register_meter(editor, &duplicate).await, Err(StoreError::Conflict(Conflict::MeterCode))));
    let other_facility = facility_id(store, other).await;
    register(store, other, &other_facility, "L1-MAIN", "interval", 1.0).await;
    assert_eq!(store.list_meters(other).await.unwrap().len(), 1);
}

/// A cumulative register over `n` quarter-hours from 2026-03-02 00:00 UTC, with a reset to 0 at step `n / 2`; values
/// are whole numbers, so every sum of deltas is exact in floating point.
fn register_series(n: usize) -> Vec<(String, f64)> {
    let start = at("2026-03-02T00:00:00Z");
    let mut value = 5_000.0;
    (0..n)
        .map(|step| {
            value = if step == n / 2 { 0.0 } else { value + (step % 7) as f64 };
            let time = start + jiff::SignedDuration::from_mins(15 * step as i64);
            (time.to_string(), value)
        })
        .collect()
}

on_both_databases!(batches_larger_than_one_statement_give_the_rollups_of_readings_stored_one_by_one);
async fn batches_larger_than_one_statement_give_the_rollups_of_readings_stored_one_by_one(test: TestDatabase) {
    let store = &test.store;
    let (world, _) = world_with_meters(
        store,
        &[("WHOLE", "cumulative", 2.0), ("PIECES", "cumulative", 2.0), ("INTERVAL", "interval", 3.0)],
    )
    .await;
    let editor = &world.brand_editor;
    // 2,600 readings: three multi-row statements of readings, and more than 1,000 roll-up buckets.
    let series = register_series(2_600);

    // One batch, with every 100th reading sent twice in it.
    let mut whole: Vec<NewReading> = series.iter().map(|(ts, value)| reading("WHOLE", ts, *value)).collect();
    whole.extend(series.iter().step_by(100).map(|(ts, value)| reading("WHOLE", ts, *value)));
    whole.extend(series.iter().map(|(ts, value)| reading("INTERVAL", ts, *value)));
    let outcome = store.record_readings(editor, ReadingSource::Csv, &whole).await.unwrap();
    assert_eq!((outcome.n_accepted, outcome.n_duplicates, outcome.n_conflicts), (5_200, 26, 0));

    // The same register in pieces out of order: the second half first, then every third reading of the first half,
    // then the rest of it together with repeats and one changed value (a conflict).
    let half = series.len() / 2;
    let pieces: [Vec<usize>; 3] = [
        (half..series.len()).collect(),
        (0..half).step_by(3).collect(),
        (0..half).filter(|index| index % 3 != 0).chain([0, 1, half]).collect(),
    ];
    let mut n_accepted = 0;
    for piece in &pieces {
        let batch: Vec<NewReading> =
            piece.iter().map(|&index| reading("PIECES", &series[index].0, series[index].1)).collect();
        n_accepted += store.record_readings(editor, ReadingSource::Mqtt, &batch).await.unwrap().n_accepted;
    }
    assert_eq!(n_accepted, series.len());
    let changed =
        [reading("PIECES", &series[10].0, series[10].1 + 1.0), reading("PIECES", &series[11].0, series[11].1)];
    let conflict = store.record_readings(editor, ReadingSource::Api, &changed).await.unwrap();
    assert_eq!((conflict.n_accepted, conflict.n_duplicates, conflict.n_conflicts), (0, 1, 1));
    assert_eq!((conflict.conflicts[0].index, conflict.conflicts[0].stored_value), (0, series[10].1));

    // Expected by hand: each delta ×2 in the later reading's hour; the reset counts as zero and once.
    let mut expected: std::collections::BTreeMap<String, (f64, i64, i64)> = Default::default();
    for (index, (ts, value)) in series.iter().enumerate() {
        let time: Timestamp = ts.parse().unwrap();
        let hour = Timestamp::from_second(time.as_second().div_euclid(3600) * 3600).unwrap().to_string();
        let entry = expected.entry(hour).or_default();
        entry.1 += 1;
        if index > 0 {
            let delta = (value - series[index - 1].1) * 2.0;
            if delta < 0.0 { entry.2 += 1 } else { entry.0 += delta }
        }
    }
    let expected: Vec<(String, f64, i64, i64)> =
        expected.into_iter().map(|(hour, (consumption, n, negative))| (hour, consumption, n, negative)).collect();
    assert_eq!(rollups(store, editor, "WHOLE", RollupGrain::Hour).await, expected);
    assert_eq!(rollups(store, editor, "PIECES", RollupGrain::Hour).await, expected);
    assert_eq!(
        rollups(store, editor, "PIECES", RollupGrain::Day).await,
        rollups(store, editor, "WHOLE", RollupGrain::Day).await
    );
    let interval_total: f64 = series.iter().map(|(_, value)| value * 3.0).sum();
    let interval_days = rollups(store, editor, "INTERVAL", RollupGrain::Month).await;
    assert_eq!(interval_days.iter().map(|(_, consumption, _, _)| consumption).sum::<f64>(), interval_total);
    assert_eq!(interval_days.iter().map(|(_, _, n, _)| n).sum::<i64>(), 2_600);

    for meter in ["WHOLE", "PIECES"] {
        let stored = store.meter(editor, &code(meter)).await.unwrap();
        assert_eq!(stored.n_readings, 2_600, "{meter}");
        assert_eq!(stored.last_reading_at, Some(series[series.len() - 1].0.parse().unwrap()), "{meter}");
    }
    assert_eq!(store.count_readings(world.brand.id, &code("PIECES")).await.unwrap(), 2_600);
}
