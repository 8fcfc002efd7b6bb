//! The cached analysis of a facility's stored energy data: the same answer again without recomputing, a new answer
//! after any change to the site's data (also when another process makes it), and never another tenant's analysis.

use std::sync::Arc;

use jiff::civil::{Date, date};
use tanji_energy::analysis::{AnalysisOptions, DayRange};
use tanji_energy::synthetic::{ExampleOptions, ruihe_paper_cups_example};
use tanji_store::energy::{NewReading, ReadingSource};
use tanji_store::energy_site::{NewMeasure, NewProduction, SiteImport};
use tanji_store::{ManualClock, Store, StoreError};
use tanji_tenancy::facility::{FacilityDetails, FacilityInput};
use tanji_tenancy::{Actor, FacilityId};

use crate::fixtures::World;
use tanji_testkit::{TestDatabase, on_both_databases, start_time};

async fn facility(store: &Store, actor: &Actor) -> FacilityId {
    let details = FacilityDetails::parse(&FacilityInput {
        name: "瑞禾纸制品厂",
        kind: "factory",
        subdivision: Some("CN-ZJ"),
        ..FacilityInput::default()
    })
    .unwrap();
    store.create_facility(actor, &details).await.unwrap().id
}

/// An analysis as JSON, to compare analyses whose figures may be NaN.
fn json(analysis: &tanji_energy::analysis::Analysis) -> String {
    serde_json::to_string(analysis).unwrap()
}

fn day(text: &str) -> Date {
    text.parse().unwrap()
}

/// 21 days of the 瑞禾 cup lines from 2025-01-01, hourly, no faults.
fn small_import() -> SiteImport {
    let files = ruihe_paper_cups_example(&ExampleOptions {
        seed: 11,
        first_day: date(2025, 1, 1),
        days: 21,
        interval_minutes: 60,
        heater_fixed_on: None,
        faults: false,
    });
    let site_file = tanji_energy::file::read_site_file("site.toml", files.site_toml.as_bytes()).unwrap();
    let (readings, _) =
        tanji_energy::file::read_readings_csv("readings.csv", files.readings_csv.as_bytes(), &site_file.site).unwrap();
    let production =
        tanji_energy::file::read_production_csv("production.csv", files.production_csv.as_bytes(), &site_file.site)
            .unwrap();
    SiteImport::from_files(site_file.site, &readings, &production, "readings.csv", "production.csv", "site.toml")
        .unwrap()
}

const PERIOD: DayRange = DayRange { first: date(2025, 1, 1), last: date(2025, 1, 21) };

on_both_databases!(an_analysis_is_cached_until_the_site_s_data_changes);
async fn an_analysis_is_cached_until_the_site_s_data_changes(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let viewer = &world.brand_viewer;
    let facility_id = facility(store, editor).await;
    let import = small_import();
    store.import_energy_site(editor, facility_id, &import).await.unwrap();
    let options = AnalysisOptions::default();

    let first = store.energy_analysis(viewer, facility_id, PERIOD, &options).await.unwrap();
    assert!(first.has_data);
    let again = store.energy_analysis(viewer, facility_id, PERIOD, &options).await.unwrap();
    assert!(Arc::ptr_eq(&first, &again), "nothing changed: the same analysis, not recomputed");
    // Other parameters are another analysis.
    let other_period = DayRange { first: day("2025-01-01"), last: day("2025-01-14") };
    let shorter = store.energy_analysis(viewer, facility_id, other_period, &options).await.unwrap();
    assert!(!Arc::ptr_eq(&first, &shorter));
    assert!(shorter.n_hourly_rollups < first.n_hourly_rollups);

    // A new reading (an hour after the last one) makes the next analysis differ.
    let meter = &import.readings.last().unwrap().meter_code;
    let last = import.readings.iter().filter(|reading| &reading.meter_code == meter).map(|r| r.reading_at).max();
    let later = last.unwrap() + jiff::SignedDuration::from_hours(1);
    let reading = NewReading::parse(meter.as_str(), &later.to_string(), 1.0e9, "test").unwrap();
    // The period ends at the end of 2025-01-21 local time; the last reading of the import ends there, so the new one
    // falls on 2025-01-22: analyse a period that includes it.
    let longer = DayRange { first: PERIOD.first, last: day("2025-01-22") };
    let before = store.energy_analysis(viewer, facility_id, longer, &options).await.unwrap();
    store.record_readings(editor, ReadingSource::Api, &[reading]).await.unwrap();
    let after = store.energy_analysis(viewer, facility_id, longer, &options).await.unwrap();
    assert_ne!(before.data_version, after.data_version);
    assert_eq!(after.n_hourly_rollups, before.n_hourly_rollups + 1, "the new reading's hour is read");
    assert_ne!(json(&before.analysis), json(&after.analysis));
    // And the earlier period's cached analysis is recomputed too: any change of the site's data counts.
    let recomputed = store.energy_analysis(viewer, facility_id, PERIOD, &options).await.unwrap();
    assert!(!Arc::ptr_eq(&first, &recomputed));
    assert_eq!(json(&recomputed.analysis), json(&first.analysis), "the change was outside this period");

    // A duplicate reading changes nothing and keeps the cache.
    let duplicate = NewReading::parse(meter.as_str(), &later.to_string(), 1.0e9, "test").unwrap();
    store.record_readings(editor, ReadingSource::Api, &[duplicate]).await.unwrap();
    let kept = store.energy_analysis(viewer, facility_id, longer, &options).await.unwrap();
    assert!(Arc::ptr_eq(&after, &kept));

    // Production counts change it too.
    let count = NewProduction::parse("L1", "2025-01-22", "CUP-9OZ-PE", 1_000.0, "test").unwrap();
    store.record_production(editor, facility_id, ReadingSource::Api, &[count]).await.unwrap();
    let with_count = store.energy_analysis(viewer, facility_id, longer, &options).await.unwrap();
    assert_ne!(with_count.data_version, kept.data_version);

    // A measure does not change the data analysed.
    let measure = NewMeasure {
        line_code: "L2".into(),
        meter_code: None,
        description: "heater".into(),
        implemented_on: day("2025-01-15"),
        baseline: DayRange { first: day("2025-01-01"), last: day("2025-01-14") },
        reporting: DayRange { first: day("2025-01-15"), last: day("2025-01-21") },
        expected_saving_kwh_per_year: None,
    };
    store.record_measure(editor, facility_id, &measure).await.unwrap();
    let unchanged = store.energy_analysis(viewer, facility_id, longer, &options).await.unwrap();
    assert!(Arc::ptr_eq(&with_count, &unchanged));
}

on_both_databases!(a_change_made_by_another_process_invalidates_the_cache);
async fn a_change_made_by_another_process_invalidates_the_cache(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let facility_id = facility(store, editor).await;
    let import = small_import();
    store.import_energy_site(editor, facility_id, &import).await.unwrap();
    let options = AnalysisOptions::default();
    let cached = store.energy_analysis(editor, facility_id, PERIOD, &options).await.unwrap();

    // Another process: its own store (and cache) on the same database changes the tariff.
    let other = Store::connect(&test.url, Arc::new(ManualClock::new(start_time()))).await.unwrap();
    let mut settings = other.energy_site(editor, facility_id).await.unwrap().settings;
    let tariff = settings.tariff.as_mut().unwrap();
    tariff.cny_per_kwh *= 2.0;
    other.save_energy_site(editor, facility_id, &settings).await.unwrap();
    other.close().await;

    let fresh = store.energy_analysis(editor, facility_id, PERIOD, &options).await.unwrap();
    assert!(!Arc::ptr_eq(&cached, &fresh));
    assert_eq!(fresh.analysis.tariff.as_ref().unwrap().cny_per_kwh, settings.tariff.unwrap().cny_per_kwh);
}

on_both_databases!(another_tenant_never_gets_a_cached_analysis);
async fn another_tenant_never_gets_a_cached_analysis(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let facility_id = facility(store, editor).await;
    store.import_energy_site(editor, facility_id, &small_import()).await.unwrap();
    let options = AnalysisOptions::default();
    store.energy_analysis(editor, facility_id, PERIOD, &options).await.unwrap();

    for outsider in [&world.supplier_owner, &world.other_supplier_owner] {
        let hidden = store.energy_analysis(outsider, facility_id, PERIOD, &options).await.unwrap_err();
        assert!(matches!(hidden, StoreError::NotFound), "{hidden:?}");
    }
    let (hits, misses) = store.energy_analysis_cache_hits_and_misses();
    assert_eq!((hits, misses), (0, 1), "the outsiders were refused before the cache was consulted");
}

on_both_databases!(a_measure_without_an_expected_saving_then_one_with_both_store);
async fn a_measure_without_an_expected_saving_then_one_with_both_store(test: TestDatabase) {
    // Regression: on PostgreSQL an absent saving bound as a parameter typed the cached statement's parameter as
    // `float4`, and a present saving recorded next failed.
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let facility_id = facility(store, editor).await;
    store.import_energy_site(editor, facility_id, &small_import()).await.unwrap();
    let mut measure = NewMeasure {
        line_code: "L2".into(),
        meter_code: None,
        description: "heater".into(),
        implemented_on: day("2025-01-15"),
        baseline: DayRange { first: day("2025-01-01"), last: day("2025-01-14") },
        reporting: DayRange { first: day("2025-01-15"), last: day("2025-01-21") },
        expected_saving_kwh_per_year: None,
    };
    let without = store.record_measure(editor, facility_id, &measure).await.unwrap();
    assert_eq!(without.expected_saving_kwh_per_year, None);
    measure.expected_saving_kwh_per_year = Some(300_000.5);
    let with = store.record_measure(editor, facility_id, &measure).await.unwrap();
    assert_eq!(with.expected_saving_kwh_per_year, Some(300_000.5));
    measure.expected_saving_kwh_per_year = None;
    let again = store.record_measure(editor, facility_id, &measure).await.unwrap();
    assert_eq!(again.expected_saving_kwh_per_year, None);
}
