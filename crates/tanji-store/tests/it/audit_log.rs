//! The audit log: who may read it, paging, filtering, isolation.

use tanji_store::{AuditQuery, StoreError};
use tanji_tenancy::audit::AuditAction;
use tanji_tenancy::facility::{FacilityDetails, FacilityInput};

use crate::fixtures::World;
use tanji_testkit::{TestDatabase, on_both_databases};

fn details(name: &str) -> FacilityDetails {
    FacilityDetails::parse(&FacilityInput { name, kind: "warehouse", ..FacilityInput::default() }).unwrap()
}

on_both_databases!(owners_and_auditors_page_through_the_log);
async fn owners_and_auditors_page_through_the_log(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    for facility_idx in 0..7 {
        store.create_facility(&world.brand_editor, &details(&format!("Store {facility_idx}"))).await.unwrap();
    }
    let only_facilities = AuditQuery { action: Some(AuditAction::FacilityCreated), limit: 3, ..Default::default() };
    let mut seen = Vec::new();
    let mut query = only_facilities.clone();
    loop {
        let page = store.list_audit_events(&world.brand_auditor, &query).await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 3);
        query.before = Some(page.last().unwrap().id);
        seen.extend(page.into_iter().map(|event| event.object_label));
    }
    let expected: Vec<String> = (0..7).rev().map(|facility_idx| format!("Store {facility_idx}")).collect();
    assert_eq!(seen, expected, "newest first, every entry exactly once");

    // The whole log also holds the registration, the members and their logins.
    let everything =
        store.list_audit_events(&world.brand_owner, &AuditQuery { limit: 200, ..Default::default() }).await;
    let actions: Vec<&str> = everything.as_ref().unwrap().iter().map(|event| event.action.as_str()).collect();
    assert!(actions.contains(&"organisation.registered"));
    assert!(actions.contains(&"member.added"));
    assert!(actions.contains(&"user.logged_in"));

    for actor in [&world.brand_editor, &world.brand_viewer] {
        assert!(matches!(store.list_audit_events(actor, &only_facilities).await, Err(StoreError::Denied(_))));
    }
}

on_both_databases!(the_log_of_another_organisation_is_invisible);
async fn the_log_of_another_organisation_is_invisible(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    store.create_facility(&world.supplier_owner, &details("Their store")).await.unwrap();
    let theirs = store.list_audit_events(&world.supplier_owner, &AuditQuery { limit: 1, ..Default::default() }).await;
    let their_newest = theirs.unwrap().remove(0);
    assert_eq!(their_newest.object_label, "Their store");

    let ours = store.list_audit_events(&world.brand_owner, &AuditQuery { limit: 200, ..Default::default() }).await;
    assert!(ours.unwrap().iter().all(|event| event.organisation_id == world.brand.id));
    // Using their entry as a cursor reveals nothing.
    let probe = AuditQuery { before: Some(their_newest.id), limit: 200, ..Default::default() };
    assert!(store.list_audit_events(&world.brand_owner, &probe).await.unwrap().is_empty());
}

on_both_databases!(the_dashboard_counts_what_exists);
async fn the_dashboard_counts_what_exists(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    store.create_facility(&world.brand_owner, &details("A")).await.unwrap();
    store.create_facility(&world.brand_owner, &details("B")).await.unwrap();
    let overview = store.overview(&world.brand_owner).await.unwrap();
    assert_eq!(overview.n_facilities(), 2);
    assert_eq!(overview.n_members(), 4);
    let activity = overview.activity_by_day.expect("owners see activity");
    assert_eq!(activity.len(), 30);
    assert_eq!(activity.last().unwrap().date, "2026-03-02");
    assert!(activity.last().unwrap().count >= 2 + 4 + 4, "two facilities, four members added and logged in");
    assert_eq!(activity.first().unwrap().count, 0);
    // A viewer sees the counts but not the activity, which comes from the audit log.
    assert!(store.overview(&world.brand_viewer).await.unwrap().activity_by_day.is_none());
}

on_both_databases!(every_energy_entry_s_object_is_found_in_its_facility_and_only_by_its_own_tenant);
async fn every_energy_entry_s_object_is_found_in_its_facility_and_only_by_its_own_tenant(test: TestDatabase) {
    use tanji_store::energy::{MeterInput, NewMeter, ReadingSource};
    use tanji_store::energy_site::{
        AreaInput, LineInput, MeterPlacement, NewMeasure, NewProduction, RecordedGridFactor, SiteSettings,
    };
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let facility = store.create_facility(editor, &details("瑞禾纸制品厂")).await.unwrap().id;
    let settings = SiteSettings {
        name: "瑞禾纸制品厂".into(),
        utc_offset_minutes: 480,
        interval_minutes: 60,
        grid_factor: RecordedGridFactor { factor_id: None, t_co2e_per_mwh: 0.4974, source: "MEE & NBS 2023".into() },
        tariff: None,
    };
    store.save_energy_site(editor, facility, &settings).await.unwrap();
    store
        .save_energy_area(editor, facility, &AreaInput { code: "forming".into(), name: "成型车间".into() })
        .await
        .unwrap();
    let line = LineInput {
        code: "L1".into(),
        name: "纸杯一线".into(),
        area_code: "forming".into(),
        product_sku: "CUP".into(),
        output_unit: "cup".into(),
        product_id: None,
    };
    store.save_energy_line(editor, facility, &line).await.unwrap();
    let meter = NewMeter::parse(&MeterInput {
        facility_id: &facility.to_string(),
        code: "L1-main",
        name: "一线总表",
        kind: "electricity",
        unit: "kWh",
        register_type: "interval",
        multiplier: None,
        utc_offset_minutes: None,
    })
    .unwrap();
    store.register_meter(editor, &meter).await.unwrap();
    let placement = MeterPlacement {
        meter_code: tanji_store::energy::MeterCode::parse("code", "L1-main").unwrap(),
        area_code: "forming".into(),
        line_code: Some("L1".into()),
        equipment: tanji_energy::model::Equipment::WholeLine,
        served_product_sku: None,
        ct_ratio: 1.0,
        pt_ratio: 1.0,
        kwh_per_unit: None,
        rollover_value: None,
    };
    store.place_energy_meter(editor, facility, &placement).await.unwrap();
    let count = NewProduction::parse("L1", "2025-01-01", "CUP", 1000.0, "test").unwrap();
    store.record_production(editor, facility, ReadingSource::Api, &[count]).await.unwrap();
    let day = |text: &str| text.parse::<jiff::civil::Date>().unwrap();
    let measure = NewMeasure {
        line_code: "L1".into(),
        meter_code: None,
        description: "加热器设定温度下调".into(),
        implemented_on: day("2025-02-01"),
        baseline: tanji_energy::DayRange { first: day("2025-01-01"), last: day("2025-01-31") },
        reporting: tanji_energy::DayRange { first: day("2025-02-01"), last: day("2025-02-28") },
        expected_saving_kwh_per_year: None,
    };
    store.record_measure(editor, facility, &measure).await.unwrap();

    // Every energy entry (site, area, line, meter, placement, production, measure) resolves to the facility.
    let log =
        store.list_audit_events(&world.brand_owner, &AuditQuery { limit: 200, ..Default::default() }).await.unwrap();
    let energy: Vec<_> = log.iter().filter(|event| event.action.as_str().starts_with("energy_")).collect();
    assert_eq!(energy.len(), 7, "{energy:#?}");
    let found = store.energy_object_facilities(&world.brand_auditor).await.unwrap();
    for event in &energy {
        let object = event.object_id.as_deref().unwrap();
        let place = found.get(object).unwrap_or_else(|| panic!("{:?} {object} has no facility", event.action));
        assert_eq!(place.facility_id, facility);
        assert_eq!(place.name, "瑞禾纸制品厂");
    }

    // Another tenant finds none of them; people who may not read the log are refused.
    let other = store.energy_object_facilities(&world.supplier_owner).await.unwrap();
    assert!(energy.iter().all(|event| !other.contains_key(event.object_id.as_deref().unwrap())));
    let denied = store.energy_object_facilities(&world.brand_viewer).await.unwrap_err();
    assert!(matches!(denied, StoreError::Denied(_)), "{denied:?}");
}
