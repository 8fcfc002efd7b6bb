//! A facility's energy site in the store: the tree, production counts, measures and their verified savings, the
//! analysis input from the hourly roll-ups, the whole-site import (whole or nothing, idempotent), denials, isolation.

use jiff::civil::{Date, date};
use tanji_energy::analysis::{AnalysisOptions, DayRange};
use tanji_energy::synthetic::{ExampleOptions, ruihe_paper_cups_example};
use tanji_store::energy::{MeterCode, MeterInput, NewMeter, ReadingSource};
use tanji_store::energy_site::{
    AreaInput, LineInput, MeterPlacement, NewMeasure, NewProduction, ProductionError, RecordedGridFactor,
    RecordedTariff, SiteImport, SiteImportError, SiteSettings,
};
use tanji_store::{Store, StoreError};
use tanji_tenancy::facility::{FacilityDetails, FacilityInput};
use tanji_tenancy::{Actor, FacilityId};

use crate::fixtures::World;
use tanji_testkit::{TestDatabase, on_both_databases};

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

fn settings() -> SiteSettings {
    SiteSettings {
        name: "瑞禾纸制品厂".into(),
        utc_offset_minutes: 480,
        interval_minutes: 15,
        grid_factor: RecordedGridFactor {
            factor_id: Some("mee-nbs-2023-grid-cn-national".into()),
            t_co2e_per_mwh: 0.5306,
            source: "MEE & NBS 2023".into(),
        },
        tariff: Some(RecordedTariff { cny_per_kwh: 0.65, source: "contract".into() }),
    }
}

fn line(code: &str) -> LineInput {
    LineInput {
        code: code.into(),
        name: format!("纸杯{code}"),
        area_code: "forming".into(),
        product_sku: "CUP-9OZ-PE".into(),
        output_unit: "cup".into(),
        product_id: None,
    }
}

fn code(text: &str) -> MeterCode {
    MeterCode::parse("code", text).unwrap()
}

fn day(text: &str) -> Date {
    text.parse().unwrap()
}

/// 70 days from 2025-01-01, hourly, no faults; line 2's heater fixed on day 50 (2025-02-19).
fn example_import() -> SiteImport {
    let files = ruihe_paper_cups_example(&ExampleOptions {
        seed: 7,
        first_day: date(2025, 1, 1),
        days: 70,
        interval_minutes: 60,
        heater_fixed_on: Some(date(2025, 2, 19)),
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

on_both_databases!(a_site_tree_is_built_line_by_line_and_read_back);
async fn a_site_tree_is_built_line_by_line_and_read_back(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let facility_id = facility(store, editor).await;

    // Lines need a site and an area first; the errors name the field.
    let no_site = store.save_energy_line(editor, facility_id, &line("L1")).await.unwrap_err();
    assert!(matches!(no_site, StoreError::Invalid(ref error) if error.field == "facility_id"), "{no_site:?}");
    store.save_energy_site(editor, facility_id, &settings()).await.unwrap();
    let no_area = store.save_energy_line(editor, facility_id, &line("L1")).await.unwrap_err();
    assert!(matches!(no_area, StoreError::Invalid(ref error) if error.field == "area"), "{no_area:?}");
    store
        .save_energy_area(editor, facility_id, &AreaInput { code: "forming".into(), name: "成型车间".into() })
        .await
        .unwrap();
    store.save_energy_line(editor, facility_id, &line("L1")).await.unwrap();
    let mut renamed = line("L1");
    renamed.name = "纸杯一线".into();
    store.save_energy_line(editor, facility_id, &renamed).await.unwrap();

    let meter = NewMeter::parse(&MeterInput {
        facility_id: &facility_id.to_string(),
        code: "L1-heater",
        name: "一线加热器",
        kind: "electricity",
        unit: "kWh",
        register_type: "cumulative",
        multiplier: Some(40.0),
        utc_offset_minutes: None,
    })
    .unwrap();
    store.register_meter(editor, &meter).await.unwrap();
    let placement = MeterPlacement {
        meter_code: code("L1-heater"),
        area_code: "forming".into(),
        line_code: Some("L1".into()),
        equipment: tanji_energy::model::Equipment::Heater,
        served_product_sku: Some("CUP-9OZ-PE".into()),
        ct_ratio: 40.0,
        pt_ratio: 1.0,
        kwh_per_unit: None,
        rollover_value: Some(1_000_000.0),
    };
    store.place_energy_meter(editor, facility_id, &placement).await.unwrap();

    let tree = store.energy_site_tree(&world.brand_viewer, facility_id).await.unwrap();
    assert_eq!(tree.site.settings, settings());
    assert_eq!(tree.areas.len(), 1);
    assert_eq!(tree.lines.len(), 1, "saving by code again updates the line");
    assert_eq!(tree.lines[0].name, "纸杯一线");
    assert_eq!(tree.meters.len(), 1);
    assert_eq!(tree.meters[0].placement.as_ref(), Some(&placement));

    // Viewers read but do not change; another tenant sees nothing.
    let denied = store.save_energy_line(&world.brand_viewer, facility_id, &line("L2")).await.unwrap_err();
    assert!(matches!(denied, StoreError::Denied(_)), "{denied:?}");
    let denied = store.place_energy_meter(&world.brand_auditor, facility_id, &placement).await.unwrap_err();
    assert!(matches!(denied, StoreError::Denied(_)), "{denied:?}");
    let hidden = store.energy_site_tree(&world.supplier_owner, facility_id).await.unwrap_err();
    assert!(matches!(hidden, StoreError::NotFound), "{hidden:?}");
    let hidden = store.save_energy_site(&world.supplier_owner, facility_id, &settings()).await.unwrap_err();
    assert!(matches!(hidden, StoreError::NotFound), "{hidden:?}");

    // Each change is in the audit log.
    let log = store.list_audit_events(&world.brand_owner, &Default::default()).await.unwrap();
    let site_changes =
        log.iter().filter(|event| event.action == tanji_tenancy::audit::AuditAction::EnergySiteChanged).count();
    assert_eq!(site_changes, 5, "site, area, line twice, placement");
}

on_both_databases!(production_counts_are_stored_once_and_a_batch_with_an_unknown_line_stores_nothing);
async fn production_counts_are_stored_once_and_a_batch_with_an_unknown_line_stores_nothing(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let facility_id = facility(store, editor).await;
    store.save_energy_site(editor, facility_id, &settings()).await.unwrap();
    store
        .save_energy_area(editor, facility_id, &AreaInput { code: "forming".into(), name: "成型车间".into() })
        .await
        .unwrap();
    store.save_energy_line(editor, facility_id, &line("L1")).await.unwrap();
    let count = |line: &str, day: &str, units: f64| NewProduction::parse(line, day, "CUP-9OZ-PE", units, "t").unwrap();

    let first = store
        .record_production(
            editor,
            facility_id,
            ReadingSource::Api,
            &[count("L1", "2025-01-01", 300_000.0), count("L1", "2025-01-02", 310_000.0)],
        )
        .await
        .unwrap();
    assert_eq!((first.n_accepted, first.n_duplicates, first.n_conflicts), (2, 0, 0));
    let again = store
        .record_production(
            editor,
            facility_id,
            ReadingSource::Api,
            &[count("L1", "2025-01-01", 300_000.0), count("L1", "2025-01-02", 999.0)],
        )
        .await
        .unwrap();
    assert_eq!((again.n_accepted, again.n_duplicates, again.n_conflicts), (0, 1, 1));
    assert_eq!(again.conflicts[0].stored_units, 310_000.0);

    let refused = store
        .record_production(
            editor,
            facility_id,
            ReadingSource::Api,
            &[count("L1", "2025-01-03", 1.0), count("L9", "2025-01-03", 1.0)],
        )
        .await
        .unwrap_err();
    let ProductionError::Rejected(problems) = refused else { panic!("{refused:?}") };
    assert_eq!(problems.len(), 1);
    assert_eq!((problems[0].index, problems[0].error.field), (1, "line"));

    let period = DayRange { first: day("2025-01-01"), last: day("2025-01-31") };
    let stored = store.production_counts(&world.brand_viewer, facility_id, period).await.unwrap();
    let units: Vec<f64> = stored.iter().map(|count| count.units).collect();
    assert_eq!(units, [300_000.0, 310_000.0], "the refused batch stored nothing, the conflict kept the first count");

    let denied = store
        .record_production(&world.brand_viewer, facility_id, ReadingSource::Api, &[count("L1", "2025-01-05", 1.0)])
        .await
        .unwrap_err();
    assert!(matches!(denied, ProductionError::Store(StoreError::Denied(_))), "{denied:?}");
    let hidden = store.production_counts(&world.supplier_owner, facility_id, period).await.unwrap_err();
    assert!(matches!(hidden, StoreError::NotFound), "{hidden:?}");
}

on_both_databases!(a_whole_site_imports_at_once_again_without_change_and_its_measure_is_verified);
async fn a_whole_site_imports_at_once_again_without_change_and_its_measure_is_verified(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let facility_id = facility(store, editor).await;
    let import = example_import();
    let n_readings = import.readings.len();

    let first = store.import_energy_site(editor, facility_id, &import).await.unwrap();
    assert_eq!((first.n_areas, first.n_lines, first.n_meters, first.n_meters_registered), (1, 2, 6, 6));
    assert_eq!(first.readings.n_accepted, n_readings);
    assert_eq!(first.production.n_accepted, 140);
    let again = store.import_energy_site(editor, facility_id, &import).await.unwrap();
    assert_eq!(again.n_meters_registered, 0);
    assert_eq!((again.readings.n_accepted, again.readings.n_duplicates), (0, n_readings));
    assert_eq!((again.production.n_accepted, again.production.n_duplicates), (0, 140));

    let tree = store.energy_site_tree(editor, facility_id).await.unwrap();
    assert_eq!(tree.site.settings.grid_factor.t_co2e_per_mwh, 0.5306);
    assert_eq!(tree.site.settings.grid_factor.factor_id.as_deref(), Some("mee-nbs-2023-grid-cn-national"));
    let drive = tree.meters.iter().find(|placed| placed.meter.code.as_str() == "L1-drive").unwrap();
    assert_eq!(drive.meter.multiplier, 40.0, "the CT ratio is the stored multiplier");

    // The analysis of stored data (hourly roll-ups) agrees with the analysis of the files.
    let whole = DayRange { first: day("2025-01-01"), last: day("2025-02-18") };
    let input = store.energy_analysis_input(&world.brand_viewer, facility_id, whole).await.unwrap();
    assert_eq!(input.meters_left_out, Vec::<MeterCode>::new());
    let options = AnalysisOptions { baseline: Some(whole), reporting: None, confidence: 0.9 };
    let from_store = tanji_energy::analyze(&input.site, &input.readings, &input.production, &options);
    let site_file = tanji_energy::file::read_site_file(
        "site.toml",
        {
            let files = ruihe_paper_cups_example(&ExampleOptions {
                seed: 7,
                first_day: date(2025, 1, 1),
                days: 70,
                interval_minutes: 60,
                heater_fixed_on: Some(date(2025, 2, 19)),
                faults: false,
            });
            files.site_toml.into_bytes()
        }
        .as_slice(),
    )
    .unwrap();
    let readings_by_meter = {
        let mut map = std::collections::HashMap::<String, Vec<tanji_energy::RawReading>>::new();
        for reading in &import.readings {
            map.entry(reading.meter_code.as_str().to_owned()).or_default().push(tanji_energy::RawReading {
                time_s: reading.reading_at.as_second(),
                value: reading.value,
                row: 0,
            });
        }
        map
    };
    let from_files = tanji_energy::analyze(&site_file.site, &readings_by_meter, &input.production, &options);
    for (stored, filed) in from_store.lines.iter().zip(&from_files.lines) {
        let (stored_sec, filed_sec) = (stored.sec_kwh_per_unit.unwrap(), filed.sec_kwh_per_unit.unwrap());
        assert!((stored_sec / filed_sec - 1.0).abs() < 0.005, "{}: {stored_sec} vs {filed_sec}", stored.line);
    }
    let gap = from_store.peers.iter().find(|peer| peer.line == "L2").unwrap().gap_fraction;
    assert!((0.25..0.35).contains(&gap), "line 2's gap before the measure: {gap}");

    // The measure: recorded, then verified against the baseline on the line's stored data.
    let measure = NewMeasure {
        line_code: "L2".into(),
        meter_code: Some(code("L2-heater")),
        description: "二线加热器设定温度下调".into(),
        implemented_on: day("2025-02-19"),
        baseline: whole,
        reporting: DayRange { first: day("2025-02-19"), last: day("2025-03-11") },
        expected_saving_kwh_per_year: Some(300_000.0),
    };
    let denied = store.record_measure(&world.brand_viewer, facility_id, &measure).await.unwrap_err();
    assert!(matches!(denied, StoreError::Denied(_)), "{denied:?}");
    let recorded = store.record_measure(editor, facility_id, &measure).await.unwrap();
    assert_eq!(store.list_measures(&world.brand_viewer, facility_id).await.unwrap(), std::slice::from_ref(&recorded));
    let hidden = store.measure(&world.supplier_owner, &recorded.id).await.unwrap_err();
    assert!(matches!(hidden, StoreError::NotFound), "{hidden:?}");

    let verified = store.measure_with_saving(&world.brand_viewer, &recorded.id).await.unwrap();
    let verification = verified.verification.unwrap();
    assert_eq!(verification.savings.n_reporting_periods, 21);
    let per_year = verification.saving_kwh_per_year;
    assert!((250_000.0..340_000.0).contains(&per_year), "verified saving {per_year} kWh/yr");
    assert!(verification.uncertainty_kwh_per_year < per_year / 2.0, "{verification:?}");
    let expected_t = per_year / 1000.0 * 0.5306;
    assert!((verification.saving_t_co2e_per_year - expected_t).abs() < 1e-9);
}

on_both_databases!(an_import_that_would_redefine_a_meter_stores_nothing);
async fn an_import_that_would_redefine_a_meter_stores_nothing(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let facility_id = facility(store, editor).await;
    // L2-heater exists already as an interval meter: the file's cumulative register would make its roll-ups wrong.
    let meter = NewMeter::parse(&MeterInput {
        facility_id: &facility_id.to_string(),
        code: "L2-heater",
        name: "二线加热器",
        kind: "electricity",
        unit: "kWh",
        register_type: "interval",
        multiplier: None,
        utc_offset_minutes: None,
    })
    .unwrap();
    store.register_meter(editor, &meter).await.unwrap();
    let refused = store.import_energy_site(editor, facility_id, &example_import()).await.unwrap_err();
    assert!(
        matches!(refused, SiteImportError::MeterRedefined { ref meter, field: "register" } if meter == "L2-heater"),
        "{refused:?}"
    );
    let hidden = store.energy_site_tree(editor, facility_id).await.unwrap_err();
    assert!(matches!(hidden, StoreError::NotFound), "no site was saved: {hidden:?}");
    assert_eq!(store.list_meters(editor).await.unwrap().len(), 1, "no meter was registered");

    let denied = store.import_energy_site(&world.brand_viewer, facility_id, &example_import()).await.unwrap_err();
    assert!(matches!(denied, SiteImportError::Store(StoreError::Denied(_))), "{denied:?}");
    let other = store.import_energy_site(&world.supplier_owner, facility_id, &example_import()).await.unwrap_err();
    assert!(matches!(other, SiteImportError::Store(StoreError::NotFound)), "{other:?}");
}

on_both_databases!(a_site_files_chinese_citations_are_stored_beside_its_own_and_cleared_by_an_edit);
/// The site file gives its grid factor's and tariff's citations in both languages (`source`, `source_zh`); the store
/// used to keep one. Both are stored, each reader gets theirs, and an edit of the site (typed in one language)
/// clears the Chinese text that would no longer match.
async fn a_site_files_chinese_citations_are_stored_beside_its_own_and_cleared_by_an_edit(test: TestDatabase) {
    use tanji_tenancy::member::Language;
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let facility_id = facility(store, editor).await;
    let mut import = example_import();
    import.sources_zh = tanji_store::energy_site::ChineseSources {
        grid_factor: Some("生态环境部、国家统计局 2023 年全国电力平均二氧化碳排放因子".into()),
        tariff: Some("示意电价，非公布电价".into()),
    };
    store.import_energy_site(editor, facility_id, &import).await.unwrap();
    let site = store.energy_site(&world.brand_viewer, facility_id).await.unwrap();
    assert_eq!(site.sources_zh, import.sources_zh);
    assert_eq!(
        site.grid_factor_source(Language::SimplifiedChinese),
        "生态环境部、国家统计局 2023 年全国电力平均二氧化碳排放因子"
    );
    assert_eq!(site.grid_factor_source(Language::English), site.settings.grid_factor.source);
    assert_ne!(site.settings.grid_factor.source, site.grid_factor_source(Language::SimplifiedChinese));
    assert_eq!(site.tariff_source(Language::SimplifiedChinese), Some("示意电价，非公布电价"));

    // A Chinese citation is a single line of at most 300 characters, like the site's own.
    let mut too_long = example_import();
    too_long.sources_zh.grid_factor = Some("长".repeat(301));
    let refused = store.import_energy_site(editor, facility_id, &too_long).await.unwrap_err();
    assert!(format!("{refused:?}").contains("grid_factor.source_zh"), "{refused:?}");
    assert_eq!(store.energy_site(editor, facility_id).await.unwrap().sources_zh, import.sources_zh, "nothing changed");

    // An edit stores what was typed, in one language.
    let mut edited = site.settings.clone();
    edited.grid_factor.source = "MEE & NBS 2023 national average (announcement 2025 No. 47)".into();
    store.save_energy_site(editor, facility_id, &edited).await.unwrap();
    let site = store.energy_site(editor, facility_id).await.unwrap();
    assert_eq!(site.sources_zh, tanji_store::energy_site::ChineseSources::default());
    assert_eq!(site.grid_factor_source(Language::SimplifiedChinese), edited.grid_factor.source);
}

on_both_databases!(a_whole_site_import_stores_the_upstream_meters_its_file_states);
async fn a_whole_site_import_stores_the_upstream_meters_its_file_states(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let facility_id = facility(store, editor).await;
    let mut import = example_import();
    import.parents = std::collections::BTreeMap::from([("L1-heater".to_owned(), "L1-drive".to_owned())]);
    store.import_energy_site(editor, facility_id, &import).await.unwrap();
    let stored = store.meter_parents(&world.brand_viewer, facility_id).await.unwrap();
    assert_eq!(stored, import.parents);
    let in_totals = store.meters_in_totals(&world.brand_viewer, facility_id).await.unwrap();
    let heater = in_totals.iter().find(|meter| meter.meter == "L1-heater").unwrap();
    assert!(!heater.counts && heater.top == "L1-drive", "a sub-meter is not counted again");
    // Imported again without parents: the stored upstream meter stays.
    import.parents.clear();
    store.import_energy_site(editor, facility_id, &import).await.unwrap();
    assert_eq!(store.meter_parents(&world.brand_viewer, facility_id).await.unwrap().len(), 1);
}
