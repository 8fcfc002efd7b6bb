//! The one chain in the store: a stored line's measured kWh per unit into a product model (primary data with its
//! meters), a facility's metered months into the inventory (replaced, not doubled, when handed over again); the
//! figures equal the pure handover's on the same files; denials and tenant isolation.

use jiff::civil::date;
use tanji_energy::analysis::DayRange;
use tanji_energy::handover::ParentProblem;
use tanji_energy::handover::{line_intensity, monthly_energy, product_intensity};
use tanji_energy::model::MeterKind;
use tanji_energy::supersede::{ElectricityChoice, SettingOrigin};
use tanji_energy::synthetic::{ExampleOptions, ruihe_paper_cups_example};
use tanji_footprint::DataKind;
use tanji_store::energy_chain::{
    MeasuredEnergyTarget, MeteredEnergyMethods, ParentMeterError, metered_electricity_key,
};
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

on_both_databases!(the_cup_lines_output_weighted_kwh_per_cup_becomes_the_cups_primary_electricity);
async fn the_cup_lines_output_weighted_kwh_per_cup_becomes_the_cups_primary_electricity(test: TestDatabase) {
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

    let version = store.set_measured_energy(editor, &target, facility_id, "CUP-9OZ-PE", january).await.unwrap();
    assert_eq!(version.version, 2);
    // The same figure as the pure handover on the stored analysis input (hourly roll-ups), and within 0.1 % of it on
    // the files the site was imported from (the roll-ups bucket register differences by hour).
    let input = store.energy_analysis_input(editor, facility_id, january).await.unwrap();
    let expected = product_intensity(&input.site, &input.readings, &input.production, "CUP-9OZ-PE", january).unwrap();
    let kwh_per_cup = expected.kwh_per_unit_of(MeterKind::Electricity);
    let from_files = product_intensity(&site, &readings, &production, "CUP-9OZ-PE", january).unwrap();
    let files_kwh_per_cup = from_files.kwh_per_unit_of(MeterKind::Electricity);
    assert!((kwh_per_cup / files_kwh_per_cup - 1.0).abs() < 1e-3, "{kwh_per_cup} vs {files_kwh_per_cup}");
    // Both cup lines, each weighed by its output: the figure lies between the lines' own, above the efficient L1's.
    let l1 = line_intensity(&input.site, &input.readings, &input.production, "L1", january).unwrap();
    let l2 = line_intensity(&input.site, &input.readings, &input.production, "L2", january).unwrap();
    let (l1_kwh, l2_kwh) = (l1.kwh_per_unit_of(MeterKind::Electricity), l2.kwh_per_unit_of(MeterKind::Electricity));
    assert!(l1_kwh < kwh_per_cup && kwh_per_cup < l2_kwh, "{l1_kwh} < {kwh_per_cup} < {l2_kwh}");
    let weighted =
        (l1_kwh * l1.production_units + l2_kwh * l2.production_units) / (l1.production_units + l2.production_units);
    assert!(close(kwh_per_cup, weighted), "{kwh_per_cup} vs {weighted}");

    let process = version.model.processes.iter().find(|process| process.id == "cup-forming").unwrap();
    let usage = process.factors.iter().find(|usage| usage.measured.is_some()).expect("the measured input");
    let measured = usage.measured.as_ref().unwrap();
    assert!(close(measured.kwh_per_unit, kwh_per_cup), "{} vs {kwh_per_cup}", measured.kwh_per_unit);
    assert!(close(usage.amount, kwh_per_cup * 1000.0), "per run of 1000 cups: {}", usage.amount);
    assert_eq!(usage.unit, "kWh");
    assert!(usage.factor.starts_with("mee-nbs-2022-grid-cn-grid-east"));
    assert_eq!(
        (measured.sku.as_str(), measured.line.as_str(), measured.period_start.as_str()),
        ("CUP-9OZ-PE", "L1, L2", "2025-01-01")
    );
    assert_eq!(measured.n_days, 31);
    assert_eq!(measured.meters, vec!["L1-air", "L1-drive", "L1-heater", "L2-air", "L2-drive", "L2-heater"]);
    assert!(close(measured.production_units, l1.production_units + l2.production_units));
    assert!(measured.n_readings >= 31 * 24 * 6, "{}", measured.n_readings);
    let lines: Vec<(&str, f64, f64)> =
        measured.lines.iter().map(|line| (line.line.as_str(), line.output_share, line.kwh_per_unit)).collect();
    assert_eq!((lines[0].0, lines[1].0), ("L1", "L2"));
    assert!(close(lines[0].1, l1.production_units / measured.production_units), "{lines:?}");
    assert!(close(lines[0].1 + lines[1].1, 1.0));
    assert!(close(lines[0].2, l1_kwh) && close(lines[1].2, l2_kwh), "{lines:?}");
    assert!(measured.unmetered_lines.is_empty());

    let footprint = store.compute_footprint(editor, &product_id, None, None).await.unwrap().footprint;
    let line = footprint.lines.iter().find(|line| line.measured.is_some()).expect("the measured line");
    assert_eq!(line.data, DataKind::Primary);
    assert_eq!(line.process, "cup-forming");
    // Per cup, in the grid factor's unit (MWh): the measured kWh per cup.
    assert_eq!(line.unit, "MWh");
    assert!(close(line.amount * 1000.0, kwh_per_cup), "{} MWh vs {kwh_per_cup} kWh", line.amount);

    // A process that is not a production stage, a line that does not exist, a period without data: refused.
    let wrong_stage = MeasuredEnergyTarget { process_id: "bamboo-board".into(), ..target.clone() };
    let refused =
        store.set_measured_energy(editor, &wrong_stage, facility_id, "CUP-9OZ-PE", january).await.unwrap_err();
    assert!(matches!(refused, StoreError::Invalid(ref error) if error.field == "process"), "{refused:?}");
    let refused = store.set_measured_energy(editor, &target, facility_id, "PLATE-9", january).await.unwrap_err();
    assert!(matches!(refused, StoreError::Invalid(ref error) if error.field == "sku"), "{refused:?}");
    let later = DayRange { first: date(2025, 6, 1), last: date(2025, 6, 30) };
    let refused = store.set_measured_energy(editor, &target, facility_id, "CUP-9OZ-PE", later).await.unwrap_err();
    assert!(matches!(refused, StoreError::Invalid(ref error) if error.field == "sku"), "{refused:?}");

    // A viewer may not change the model; another organisation does not see the facility or the product.
    let denied =
        store.set_measured_energy(&world.brand_viewer, &target, facility_id, "CUP-9OZ-PE", january).await.unwrap_err();
    assert!(matches!(denied, StoreError::Denied(_)), "{denied:?}");
    let hidden = store
        .set_measured_energy(&world.supplier_owner, &target, facility_id, "CUP-9OZ-PE", january)
        .await
        .unwrap_err();
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
    // January is whole; the period stops on 9 February, so February is not handed over as a month (a metered month
    // outranks the monthly report and must cover the whole month).
    assert_eq!((outcome.n_records, outcome.n_replaced), (1, 0));
    assert_eq!(outcome.keys, vec![metered_electricity_key("RH-HY", "2025-01")]);
    assert_eq!(outcome.incomplete, vec![("2025-02".to_owned(), MeterKind::Electricity)]);
    let stored = store.activities(editor, Some(2025)).await.unwrap();
    assert_eq!(stored.len(), 1);
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

    // Handed over again: the same record, replaced, not doubled.
    let again =
        store.record_metered_energy(editor, facility_id, period, &MeteredEnergyMethods::default()).await.unwrap();
    assert_eq!((again.n_records, again.n_replaced), (1, 1));
    let after = store.activities(editor, Some(2025)).await.unwrap();
    assert_eq!(after.len(), 1);
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
    assert_eq!(store.activities(editor, Some(2025)).await.unwrap().len(), 1);
}

/// The site of `parsed()` with a main incomer `MAIN` (an interval kWh meter in area `substation`, on no line) that
/// reads 100 kWh every hour of January 2025 (local), 74,400 kWh in all.
async fn site_with_main_incomer(store: &Store, editor: &Actor) -> FacilityId {
    use tanji_store::energy::{MeterInput, NewMeter, NewReading, ReadingSource};
    use tanji_store::energy_site::{AreaInput, MeterPlacement};
    let facility_id = facility(store, editor).await;
    let (site, readings, production) = parsed();
    let import =
        SiteImport::from_files(site, &readings, &production, "readings.csv", "production.csv", "site.toml").unwrap();
    store.import_energy_site(editor, facility_id, &import).await.unwrap();
    let facility = facility_id.to_string();
    let meter = NewMeter::parse(&MeterInput {
        facility_id: &facility,
        code: "MAIN",
        name: "10 kV main incomer",
        kind: "electricity",
        unit: "kWh",
        register_type: "interval",
        multiplier: None,
        utc_offset_minutes: Some(480),
    })
    .unwrap();
    store.register_meter(editor, &meter).await.unwrap();
    let area = AreaInput { code: "substation".into(), name: "配电房".into() };
    store.save_energy_area(editor, facility_id, &area).await.unwrap();
    let placement = MeterPlacement {
        meter_code: meter.code.clone(),
        area_code: "substation".into(),
        line_code: None,
        equipment: tanji_energy::Equipment::Other,
        served_product_sku: None,
        ct_ratio: 1.0,
        pt_ratio: 1.0,
        kwh_per_unit: None,
        rollover_value: None,
    };
    store.place_energy_meter(editor, facility_id, &placement).await.unwrap();
    let readings: Vec<NewReading> = (0..31 * 24)
        .map(|hour| {
            let (day, hour) = (1 + hour / 24, hour % 24);
            NewReading::parse("MAIN", &format!("2025-01-{day:02}T{hour:02}:00:00+08:00"), 100.0, "test").unwrap()
        })
        .collect();
    store.record_readings(editor, ReadingSource::Api, &readings).await.unwrap();
    facility_id
}

const LINE_METERS: [&str; 6] = ["L1-air", "L1-drive", "L1-heater", "L2-air", "L2-drive", "L2-heater"];

on_both_databases!(a_main_incomer_counts_once_and_its_sub_meters_are_never_added_to_it);
async fn a_main_incomer_counts_once_and_its_sub_meters_are_never_added_to_it(test: TestDatabase) {
    use tanji_store::energy::MeterCode;
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let facility_id = site_with_main_incomer(store, editor).await;
    let main = MeterCode::parse("meter", "MAIN").unwrap();
    let code = |text: &str| MeterCode::parse("meter", text).unwrap();
    for line_meter in LINE_METERS {
        store.set_parent_meter(editor, facility_id, &code(line_meter), Some(&main)).await.unwrap();
    }
    let parents = store.meter_parents(editor, facility_id).await.unwrap();
    assert_eq!(parents.len(), 6);
    assert!(parents.values().all(|parent| parent == "MAIN"));
    let in_totals = store.meters_in_totals(editor, facility_id).await.unwrap();
    let counted: Vec<&str> = in_totals.iter().filter(|meter| meter.counts).map(|meter| meter.meter.as_str()).collect();
    assert_eq!(counted, vec!["MAIN"]);
    let heater = in_totals.iter().find(|meter| meter.meter == "L2-heater").unwrap();
    assert_eq!((heater.parent.as_deref(), heater.top.as_str(), heater.counts), (Some("MAIN"), "MAIN", false));

    // The tree must not loop, a meter is not its own parent, and the carriers must match (a water meter is not
    // under an electricity meter); nothing changes on a refusal.
    let refused = store.set_parent_meter(editor, facility_id, &main, Some(&code("L1-drive"))).await.unwrap_err();
    assert!(
        matches!(refused, ParentMeterError::Refused { field: "parent", problem: ParentProblem::Loop { .. } }),
        "{refused:?}"
    );
    let refused = store.set_parent_meter(editor, facility_id, &main, Some(&main)).await.unwrap_err();
    assert!(
        matches!(refused, ParentMeterError::Refused { field: "parent", problem: ParentProblem::SameMeter { .. } }),
        "{refused:?}"
    );
    let refused = store.set_parent_meter(editor, facility_id, &code("NO-SUCH"), Some(&main)).await.unwrap_err();
    assert!(
        matches!(refused, ParentMeterError::Refused { field: "meter", problem: ParentProblem::NotPlaced { ref meter } }
            if meter == "NO-SUCH"),
        "{refused:?}"
    );
    // A viewer may not change the tree; another organisation does not see the facility.
    let denied = store.set_parent_meter(&world.brand_viewer, facility_id, &code("L1-drive"), None).await.unwrap_err();
    assert!(matches!(denied, ParentMeterError::Store(StoreError::Denied(_))), "{denied:?}");
    let hidden = store.set_parent_meter(&world.supplier_owner, facility_id, &code("L1-drive"), None).await.unwrap_err();
    assert!(matches!(hidden, ParentMeterError::Store(StoreError::NotFound)), "{hidden:?}");
    assert!(matches!(store.meter_parents(&world.supplier_owner, facility_id).await, Ok(parents) if parents.is_empty()));
    assert_eq!(store.meter_parents(editor, facility_id).await.unwrap(), parents);

    // January in the inventory: the incomer's 74,400 kWh, not the incomer plus the line meters.
    let january = DayRange { first: date(2025, 1, 1), last: date(2025, 1, 31) };
    let methods =
        MeteredEnergyMethods { emission_point: Some("主变 10kV 进线".into()), ..MeteredEnergyMethods::default() };
    let outcome = store.record_metered_energy(editor, facility_id, january, &methods).await.unwrap();
    assert_eq!(outcome.n_records, 1);
    let stored = store.activities(editor, Some(2025)).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(close(stored[0].record.quantity.value, 74_400.0), "{}", stored[0].record.quantity.value);
    assert_eq!(stored[0].record.evidence, vec!["MAIN".to_owned()]);

    // The production monthly report's row for the same point, activity and factor: the metered month outranks it,
    // so the inventory counts January's electricity once, as metered.
    let factor = store.energy_site(editor, facility_id).await.unwrap().settings.grid_factor.factor_id.unwrap();
    let report = tanji_inventory::ActivityRow {
        id: "elec-2025-01".into(),
        facility: "RH-HY".into(),
        period: "2025-01".into(),
        source: "purchased_electricity".into(),
        emission_point: "主变 10kV 进线".into(),
        activity: "电网购电".into(),
        quantity: "75000".into(),
        unit: "kWh".into(),
        data_source: "production_monthly_report".into(),
        factor,
        ..tanji_inventory::ActivityRow::default()
    };
    store.record_activities(editor, Some("report.csv"), vec![report]).await.unwrap();
    let inventory = store
        .compute_inventory(
            editor,
            &tanji_store::InventoryRequest {
                reporting_year: 2025,
                gwp_set: tanji_ghg::GwpSet::AR5,
                consolidation: tanji_inventory::ConsolidationApproach::OperationalControl,
                base_year: None,
                significance_threshold_percent: 5.0,
                base_year_changes: Vec::new(),
                output: None,
            },
        )
        .await
        .unwrap()
        .inventory;
    let status = |id: &str| inventory.lines.iter().find(|line| line.record_id == id).unwrap().status.clone();
    assert_eq!(status(&metered_electricity_key("RH-HY", "2025-01")), tanji_inventory::LineStatus::Counted);
    assert!(matches!(
        status("elec-2025-01"),
        tanji_inventory::LineStatus::Superseded { by_source: tanji_inventory::DataSourceKind::Meter, .. }
    ));
    let counted_kwh: f64 = inventory
        .lines
        .iter()
        .filter(|line| line.status == tanji_inventory::LineStatus::Counted)
        .filter_map(|line| line.quantity.as_ref())
        .map(|quantity| quantity.value)
        .sum();
    assert!(close(counted_kwh, 74_400.0), "each kWh once: {counted_kwh}");

    // Without its upstream meter a line meter counts again, beside the incomer: the tree is what prevents it.
    store.set_parent_meter(editor, facility_id, &code("L1-heater"), None).await.unwrap();
    let outcome = store.record_metered_energy(editor, facility_id, january, &methods).await.unwrap();
    assert_eq!((outcome.n_records, outcome.n_replaced), (1, 1));
    let stored = store.activities(editor, Some(2025)).await.unwrap();
    let metered =
        stored.iter().find(|activity| activity.record.id == metered_electricity_key("RH-HY", "2025-01")).unwrap();
    assert!(metered.record.quantity.value > 74_400.0, "{}", metered.record.quantity.value);
    assert_eq!(metered.record.evidence, vec!["L1-heater".to_owned(), "MAIN".to_owned()]);
}

const EAST: &str = "mee-nbs-2022-grid-cn-grid-east";
const MARKET: &str = "mee-nbs-2022-grid-cn-ah";

/// The incomer's site with its line meters below it, and January's production monthly report for the incomer's
/// point: 75,000 kWh with the East China grid factor, a market factor and 20,000 kWh of green certificates.
async fn incomer_and_report(store: &Store, editor: &Actor) -> FacilityId {
    let facility_id = incomer(store, editor).await;
    store.record_activities(editor, Some("report.csv"), vec![report_row()]).await.unwrap();
    facility_id
}

/// The incomer's site with its line meters below it, and no activity data yet.
async fn incomer(store: &Store, editor: &Actor) -> FacilityId {
    use tanji_store::energy::MeterCode;
    let facility_id = site_with_main_incomer(store, editor).await;
    let main = MeterCode::parse("meter", "MAIN").unwrap();
    for line_meter in LINE_METERS {
        let meter = MeterCode::parse("meter", line_meter).unwrap();
        store.set_parent_meter(editor, facility_id, &meter, Some(&main)).await.unwrap();
    }
    facility_id
}

/// January's production monthly report for the incomer's point.
fn report_row() -> tanji_inventory::ActivityRow {
    tanji_inventory::ActivityRow {
        id: "elec-2025-01".into(),
        facility: "RH-HY".into(),
        period: "2025-01".into(),
        source: "purchased_electricity".into(),
        emission_point: "主变 10kV 进线".into(),
        activity: "电网购电".into(),
        quantity: "75000".into(),
        unit: "kWh".into(),
        data_source: "production_monthly_report".into(),
        factor: EAST.into(),
        market_factor: MARKET.into(),
        covered_by_instruments: "20000".into(),
        ..tanji_inventory::ActivityRow::default()
    }
}

fn at_the_incomer() -> MeteredEnergyMethods {
    MeteredEnergyMethods { emission_point: Some("主变 10kV 进线".into()), ..MeteredEnergyMethods::default() }
}

async fn inventory_2025(store: &Store, editor: &Actor) -> tanji_inventory::Inventory {
    let request = tanji_store::InventoryRequest {
        reporting_year: 2025,
        gwp_set: tanji_ghg::GwpSet::AR5,
        consolidation: tanji_inventory::ConsolidationApproach::OperationalControl,
        base_year: None,
        significance_threshold_percent: 5.0,
        base_year_changes: Vec::new(),
        output: None,
    };
    store.compute_inventory(editor, &request).await.unwrap().inventory
}

on_both_databases!(a_metered_month_that_supersedes_a_report_keeps_its_certificates_and_factors);
async fn a_metered_month_that_supersedes_a_report_keeps_its_certificates_and_factors(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let facility_id = incomer_and_report(store, editor).await;
    let january = DayRange { first: date(2025, 1, 1), last: date(2025, 1, 31) };
    let before = inventory_2025(store, editor).await;
    assert!(before.totals.total_market_kg < before.totals.total_location_kg, "the certificates count before");

    // The preview says what the handover would do and writes nothing.
    let newest_audit = || async {
        let query = tanji_store::AuditQuery { limit: 1, ..Default::default() };
        store.list_audit_events(&world.brand_owner, &query).await.unwrap().first().map(|event| event.id)
    };
    let audited = newest_audit().await;
    let preview = store.preview_metered_energy(editor, facility_id, january, &at_the_incomer()).await.unwrap();
    assert_eq!(store.activities(editor, Some(2025)).await.unwrap().len(), 1, "a preview writes nothing");
    assert_eq!(newest_audit().await, audited, "nor audits anything");
    assert_eq!((preview.n_records, preview.n_replacing), (1, 0));
    let month = &preview.electricity_months[0];
    let inherited = SettingOrigin::Inherited { record: "elec-2025-01".into() };
    assert_eq!(month.supersedes.iter().map(|record| record.record.as_str()).collect::<Vec<_>>(), ["elec-2025-01"]);
    assert_eq!((month.factor.as_str(), &month.factor_origin), (EAST, &inherited));
    assert_eq!((month.market_factor.as_deref(), &month.market_factor_origin), (Some(MARKET), &inherited));
    assert_eq!((month.covered_by_instruments_kwh, &month.coverage_origin), (20_000.0, &inherited));
    let effect = &preview.months[0];
    assert_eq!(effect.month, "2025-01");
    assert!(close(effect.before.electricity_kwh, 75_000.0) && close(effect.after.electricity_kwh, 74_400.0));
    // The same factors and certificates: only the metered 600 kWh less moves the figures.
    assert!(close(effect.before.location_kg * 74_400.0 / 75_000.0, effect.after.location_kg), "{effect:?}");
    assert!(
        close(effect.before.market_kg * (74_400.0 - 20_000.0) / (75_000.0 - 20_000.0), effect.after.market_kg),
        "{effect:?}"
    );
    let year = &preview.years[0];
    assert_eq!(year.year, 2025);
    assert!(close(year.before.location_kg, before.totals.total_location_kg));
    assert!(close(year.before.market_kg, before.totals.total_market_kg));
    assert!(close(
        year.after.location_kg - year.before.location_kg,
        effect.after.location_kg - effect.before.location_kg
    ));

    // Recorded: the month says what it took over, and the inventory's market-based total still has the certificates.
    let outcome = store.record_metered_energy(editor, facility_id, january, &at_the_incomer()).await.unwrap();
    assert_eq!(outcome.electricity_months, preview.electricity_months);
    let key = metered_electricity_key("RH-HY", "2025-01");
    let stored = store.activity(editor, &key).await.unwrap();
    assert_eq!(
        (stored.row.factor.as_str(), stored.row.market_factor.as_str(), stored.row.covered_by_instruments.as_str()),
        (EAST, MARKET, "20000")
    );
    let after = inventory_2025(store, editor).await;
    let line = |id: &str| after.lines.iter().find(|line| line.record_id == id).unwrap();
    assert_eq!(line(&key).status, tanji_inventory::LineStatus::Counted);
    assert!(matches!(line("elec-2025-01").status, tanji_inventory::LineStatus::Superseded { .. }));
    assert!(close(after.totals.total_location_kg, year.after.location_kg), "the preview's figure");
    assert!(close(after.totals.total_market_kg, year.after.market_kg), "the preview's figure");
    assert!(after.totals.total_market_kg < after.totals.total_location_kg, "the certificates still count");

    // A stated factor wins over the inherited one, and the notice says it was stated.
    let stated = MeteredEnergyMethods {
        electricity: ElectricityChoice {
            factor: Some("mee-nbs-2022-grid-cn-zj".into()),
            ..ElectricityChoice::default()
        },
        ..at_the_incomer()
    };
    let outcome = store.record_metered_energy(editor, facility_id, january, &stated).await.unwrap();
    let month = &outcome.electricity_months[0];
    assert_eq!((month.factor.as_str(), &month.factor_origin), ("mee-nbs-2022-grid-cn-zj", &SettingOrigin::Stated));
    assert_eq!(&month.coverage_origin, &inherited);
    assert_eq!(store.activity(editor, &key).await.unwrap().row.factor, "mee-nbs-2022-grid-cn-zj");
}

on_both_databases!(a_yearly_record_has_its_own_row_in_the_preview_not_januarys);
async fn a_yearly_record_has_its_own_row_in_the_preview_not_januarys(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let facility_id = incomer(store, editor).await;
    // The year's invoice total for the incomer's point, and no monthly record: the metered month supersedes it whole.
    let yearly = tanji_inventory::ActivityRow {
        id: "elec-2025".into(),
        period: "2025".into(),
        quantity: "900000".into(),
        data_source: "finance".into(),
        market_factor: String::new(),
        covered_by_instruments: String::new(),
        ..report_row()
    };
    store.record_activities(editor, Some("invoices.csv"), vec![yearly]).await.unwrap();
    let january = DayRange { first: date(2025, 1, 1), last: date(2025, 1, 31) };
    let preview = store.preview_metered_energy(editor, facility_id, january, &at_the_incomer()).await.unwrap();
    // January's row holds January's records only (none before; the metered month after), not the year's 900,000 kWh.
    let effect = &preview.months[0];
    assert!(close(effect.before.electricity_kwh, 0.0), "{effect:?}");
    assert!(close(effect.after.electricity_kwh, 74_400.0), "{effect:?}");
    // The yearly record is a row of its own, with its period.
    assert_eq!(preview.spanning.len(), 1, "{:?}", preview.spanning);
    let spanning = &preview.spanning[0];
    assert_eq!(spanning.record, "elec-2025");
    assert_eq!((spanning.period_start, spanning.period_end), (date(2025, 1, 1), date(2025, 12, 31)));
    assert!(close(spanning.before.electricity_kwh, 900_000.0), "{spanning:?}");
    assert!(close(spanning.after.electricity_kwh, 0.0), "superseded whole: {spanning:?}");
    // The month and the yearly row add up to the year's change.
    let year = &preview.years[0];
    assert!(close(
        year.after.location_kg - year.before.location_kg,
        effect.after.location_kg - effect.before.location_kg + spanning.after.location_kg - spanning.before.location_kg
    ));
}

on_both_databases!(coverage_above_the_metered_month_is_refused_and_previews_are_denied_as_handovers_are);
async fn coverage_above_the_metered_month_is_refused_and_previews_are_denied_as_handovers_are(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let facility_id = incomer_and_report(store, editor).await;
    let january = DayRange { first: date(2025, 1, 1), last: date(2025, 1, 31) };
    // 80,000 kWh of certificates for a month the incomer metered 74,400 kWh: refused by the import's rule, naming
    // the field, in the preview and in the write alike; nothing is written.
    let too_much = MeteredEnergyMethods {
        electricity: ElectricityChoice { covered_by_instruments_kwh: Some(80_000.0), ..ElectricityChoice::default() },
        ..at_the_incomer()
    };
    for refused in [
        store.preview_metered_energy(editor, facility_id, january, &too_much).await.unwrap_err(),
        store.record_metered_energy(editor, facility_id, january, &too_much).await.map(|_| ()).unwrap_err(),
    ] {
        let StoreError::Rejected(errors) = refused else { panic!("{refused:?}") };
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].column, "covered_by_instruments", "{errors:?}");
    }
    assert_eq!(store.activities(editor, Some(2025)).await.unwrap().len(), 1);

    // A viewer may not preview a handover it may not make; another organisation does not see the facility.
    let denied =
        store.preview_metered_energy(&world.brand_viewer, facility_id, january, &at_the_incomer()).await.unwrap_err();
    assert!(matches!(denied, StoreError::Denied(_)), "{denied:?}");
    let hidden =
        store.preview_metered_energy(&world.supplier_owner, facility_id, january, &at_the_incomer()).await.unwrap_err();
    assert!(matches!(hidden, StoreError::NotFound), "{hidden:?}");
}
