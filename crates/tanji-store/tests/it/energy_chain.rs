//! The one chain in the store: a stored line's measured kWh per unit into a product model (primary data with its
//! meters), a facility's metered months into the inventory (replaced, not doubled, when handed over again); the
//! figures equal the pure handover's on the same files; denials and tenant isolation.

use jiff::civil::date;
use tanji_energy::analysis::DayRange;
use tanji_energy::handover::{line_intensity, monthly_energy};
use tanji_energy::model::MeterKind;
use tanji_energy::synthetic::{ExampleOptions, ruihe_paper_cups_example};
use tanji_footprint::DataKind;
use tanji_store::energy_chain::{MeasuredEnergyTarget, MeteredEnergyMethods, metered_electricity_key};
use tanji_store::energy_site::SiteImport;
use tanji_store::{NewProduct, Store, StoreError};
use tanji_tenancy::facility::{FacilityDetails, FacilityInput};
use tanji_tenancy::{Actor, FacilityId};
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::fixtures::World;

async fn facility(store: &Store, actor: &Actor) -> FacilityId {
    let details = FacilityDetails::parse(&FacilityInput {
        name: "瑞禾纸制品厂",
        kind: "factory",
        code: Some("RH-HY"),
        subdivision: Some("CN-ZJ"),
        ..FacilityInput::default()
    })
    .unwrap();
    store.create_facility(actor, &details).await.unwrap().id
}

/// 40 days from 2025-01-01, hourly, no faults: January and nine days of February.
fn files() -> tanji_energy::synthetic::ExampleFiles {
    ruihe_paper_cups_example(&ExampleOptions {
        seed: 11,
        first_day: date(2025, 1, 1),
        days: 40,
        interval_minutes: 60,
        heater_fixed_on: None,
        faults: false,
    })
}

type Parsed = (
    tanji_energy::Site,
    std::collections::HashMap<String, Vec<tanji_energy::RawReading>>,
    Vec<tanji_energy::ProductionRecord>,
);

fn parsed() -> Parsed {
    let files = files();
    let site = tanji_energy::file::read_site_file("site.toml", files.site_toml.as_bytes()).unwrap().site;
    let (readings, _) =
        tanji_energy::file::read_readings_csv("readings.csv", files.readings_csv.as_bytes(), &site).unwrap();
    let production =
        tanji_energy::file::read_production_csv("production.csv", files.production_csv.as_bytes(), &site).unwrap();
    (site, readings, production)
}

fn close(left: f64, right: f64) -> bool {
    (left - right).abs() <= 1e-9 * right.abs().max(1.0)
}

async fn cup(store: &Store, editor: &Actor) -> String {
    let file =
        tanji_footprint::parse_footprint_file(include_str!("../../../../examples/footprint/bamboo-fibre-cup.toml"))
            .unwrap();
    let model = file.model;
    let new = NewProduct {
        sku: model.product.sku.clone(),
        name_zh: model.product.name_zh.clone(),
        name_en: model.product.name_en.clone(),
    };
    let product = store.create_product(editor, &new).await.unwrap();
    store.save_model(editor, &product.id, &model, "typed").await.unwrap();
    product.id
}

on_both_databases!(a_lines_measured_kwh_per_cup_becomes_the_cups_primary_electricity);
async fn a_lines_measured_kwh_per_cup_becomes_the_cups_primary_electricity(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let facility_id = facility(store, editor).await;
    let (site, readings, production) = parsed();
    let import =
        SiteImport::from_files(site.clone(), &readings, &production, "readings.csv", "production.csv", "site.toml")
            .unwrap();
    store.import_energy_site(editor, facility_id, &import).await.unwrap();
    let product_id = cup(store, editor).await;
    let january = DayRange { first: date(2025, 1, 1), last: date(2025, 1, 31) };
    let target =
        MeasuredEnergyTarget { product_id: product_id.clone(), process_id: "cup-forming".into(), factor_index: None };

    let version = store.set_measured_energy(editor, &target, facility_id, "L1", january).await.unwrap();
    assert_eq!(version.version, 2);
    // The same figure as the pure handover on the stored analysis input (hourly roll-ups), and within 0.1 % of it on
    // the files the site was imported from (the roll-ups bucket register differences by hour).
    let input = store.energy_analysis_input(editor, facility_id, january).await.unwrap();
    let expected = line_intensity(&input.site, &input.readings, &input.production, "L1", january).unwrap();
    let kwh_per_cup = expected.kwh_per_unit_of(MeterKind::Electricity);
    let from_files = line_intensity(&site, &readings, &production, "L1", january).unwrap();
    let files_kwh_per_cup = from_files.kwh_per_unit_of(MeterKind::Electricity);
    assert!((kwh_per_cup / files_kwh_per_cup - 1.0).abs() < 1e-3, "{kwh_per_cup} vs {files_kwh_per_cup}");
    let process = version.model.processes.iter().find(|process| process.id == "cup-forming").unwrap();
    let usage = process.factors.iter().find(|usage| usage.measured.is_some()).expect("the measured input");
    let measured = usage.measured.as_ref().unwrap();
    assert!(close(measured.kwh_per_unit, kwh_per_cup), "{} vs {kwh_per_cup}", measured.kwh_per_unit);
    assert!(close(usage.amount, kwh_per_cup * 1000.0), "per run of 1000 cups: {}", usage.amount);
    assert_eq!(usage.unit, "kWh");
    assert!(usage.factor.starts_with("mee-nbs-2022-grid-cn-grid-east"));
    assert_eq!((measured.line.as_str(), measured.period_start.as_str(), measured.n_days), ("L1", "2025-01-01", 31));
    assert_eq!(measured.meters, vec!["L1-air", "L1-drive", "L1-heater"]);
    assert!(close(measured.production_units, expected.production_units));
    assert!(measured.n_readings >= 31 * 24 * 3, "{}", measured.n_readings);

    let footprint = store.compute_footprint(editor, &product_id, None, None).await.unwrap().footprint;
    let line = footprint.lines.iter().find(|line| line.measured.is_some()).expect("the measured line");
    assert_eq!(line.data, DataKind::Primary);
    assert_eq!(line.process, "cup-forming");
    // Per cup, in the grid factor's unit (MWh): the measured kWh per cup.
    assert_eq!(line.unit, "MWh");
    assert!(close(line.amount * 1000.0, kwh_per_cup), "{} MWh vs {kwh_per_cup} kWh", line.amount);

    // A process that is not a production stage, a line that does not exist, a period without data: refused.
    let wrong_stage = MeasuredEnergyTarget { process_id: "bamboo-board".into(), ..target.clone() };
    let refused = store.set_measured_energy(editor, &wrong_stage, facility_id, "L1", january).await.unwrap_err();
    assert!(matches!(refused, StoreError::Invalid(ref error) if error.field == "process"), "{refused:?}");
    let refused = store.set_measured_energy(editor, &target, facility_id, "L9", january).await.unwrap_err();
    assert!(matches!(refused, StoreError::NotFound), "{refused:?}");
    let later = DayRange { first: date(2025, 6, 1), last: date(2025, 6, 30) };
    let refused = store.set_measured_energy(editor, &target, facility_id, "L1", later).await.unwrap_err();
    assert!(matches!(refused, StoreError::Invalid(ref error) if error.field == "period"), "{refused:?}");

    // A viewer may not change the model; another organisation does not see the facility or the product.
    let denied = store.set_measured_energy(&world.brand_viewer, &target, facility_id, "L1", january).await.unwrap_err();
    assert!(matches!(denied, StoreError::Denied(_)), "{denied:?}");
    let hidden =
        store.set_measured_energy(&world.supplier_owner, &target, facility_id, "L1", january).await.unwrap_err();
    assert!(matches!(hidden, StoreError::NotFound), "{hidden:?}");
    assert_eq!(store.model_versions(editor, &product_id).await.unwrap().len(), 2, "nothing saved by a refusal");
}

on_both_databases!(a_facilitys_metered_months_become_inventory_records_once);
async fn a_facilitys_metered_months_become_inventory_records_once(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let facility_id = facility(store, editor).await;
    let (site, readings, production) = parsed();
    let import =
        SiteImport::from_files(site.clone(), &readings, &production, "readings.csv", "production.csv", "site.toml")
            .unwrap();
    store.import_energy_site(editor, facility_id, &import).await.unwrap();
    let period = DayRange { first: date(2025, 1, 1), last: date(2025, 2, 9) };

    let outcome =
        store.record_metered_energy(editor, facility_id, period, &MeteredEnergyMethods::default()).await.unwrap();
    assert_eq!((outcome.n_records, outcome.n_replaced), (2, 0));
    assert_eq!(
        outcome.keys,
        vec![metered_electricity_key("RH-HY", "2025-01"), metered_electricity_key("RH-HY", "2025-02")]
    );
    let stored = store.activities(editor, Some(2025)).await.unwrap();
    assert_eq!(stored.len(), 2);
    let input = store.energy_analysis_input(editor, facility_id, period).await.unwrap();
    let months = monthly_energy(&input.site, &input.readings);
    for (month, activity) in months.iter().zip(&stored) {
        let kwh: f64 = month.carriers.iter().filter_map(|carrier| carrier.energy_kwh).sum();
        assert!(close(activity.record.quantity.value, kwh), "{} vs {kwh}", activity.record.quantity.value);
        assert_eq!(activity.record.data_source, tanji_inventory::DataSourceKind::Meter);
        let evidence = activity.record.evidence.join("; ");
        assert!(evidence.contains("L1-heater") && evidence.contains("L2-heater"), "{evidence}");
        assert_eq!(activity.import_file.as_deref(), Some("meters:RH-HY:2025-01-01..2025-02-09"));
    }

    // Handed over again: the same two records, replaced, not doubled.
    let again =
        store.record_metered_energy(editor, facility_id, period, &MeteredEnergyMethods::default()).await.unwrap();
    assert_eq!((again.n_records, again.n_replaced), (2, 2));
    let after = store.activities(editor, Some(2025)).await.unwrap();
    assert_eq!(after.len(), 2);
    assert_eq!(
        after.iter().map(|activity| activity.record.quantity.value).collect::<Vec<_>>(),
        stored.iter().map(|activity| activity.record.quantity.value).collect::<Vec<_>>()
    );

    // A viewer may not write the inventory; another organisation does not see the facility.
    let denied = store
        .record_metered_energy(&world.brand_viewer, facility_id, period, &MeteredEnergyMethods::default())
        .await
        .unwrap_err();
    assert!(matches!(denied, StoreError::Denied(_)), "{denied:?}");
    let hidden = store
        .record_metered_energy(&world.supplier_owner, facility_id, period, &MeteredEnergyMethods::default())
        .await
        .unwrap_err();
    assert!(matches!(hidden, StoreError::NotFound), "{hidden:?}");
    assert_eq!(store.activities(editor, Some(2025)).await.unwrap().len(), 2);
}
