//! The GHG inventory in storage: imports apply whole or not at all, inventories compute from stored data and freeze
//! when verified, own factors stay private, and every role and tenant sees only what it may.

use tanji_ghg::GwpSet;
use tanji_inventory::import::RowProblem;
use tanji_inventory::{ActivityRow, BaseYearPolicy, Completeness, ConsolidationApproach, parse_activity_csv};
use tanji_store::{AuditQuery, Conflict, InventoryRequest, StoreError};
use tanji_tenancy::audit::AuditAction;
use tanji_tenancy::facility::{FacilityDetails, FacilityInput};

use crate::fixtures::World;
use tanji_testkit::{TestDatabase, on_both_databases};

fn details(name: &str, code: &str) -> FacilityDetails {
    FacilityDetails::parse(&FacilityInput {
        name,
        code: Some(code),
        kind: "factory",
        subdivision: Some("CN-ZJ"),
        ..FacilityInput::default()
    })
    .unwrap()
}

fn rows(csv: &str) -> Vec<ActivityRow> {
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    reader.deserialize::<ActivityRow>().map(Result::unwrap).collect()
}

const GOOD: &str = "id,facility,period,source,quantity,unit,factor,data_source\n\
    e-2025-01,TZ-01,2025-01,purchased_electricity,100,MWh,mee-nbs-2022-grid-cn-grid-east,production_monthly_report\n\
    e-2025-02,TZ-01,2025-02,purchased_electricity,120,MWh,mee-nbs-2022-grid-cn-grid-east,production_monthly_report\n\
    e-2024-01,TZ-01,2024-01,purchased_electricity,150,MWh,mee-nbs-2022-grid-cn-grid-east,production_monthly_report\n\
    jv-2025-01,JV-01,2025-01,purchased_electricity,100,MWh,mee-nbs-2022-grid-cn-grid-east,meter\n";

fn request(year: i16) -> InventoryRequest {
    InventoryRequest {
        reporting_year: year,
        gwp_set: GwpSet::AR6,
        consolidation: ConsolidationApproach::EquityShare,
        base_year: Some(BaseYearPolicy::Fixed(2024)),
        significance_threshold_percent: 5.0,
        base_year_changes: Vec::new(),
        output: None,
    }
}

on_both_databases!(imports_apply_whole_or_not_at_all);
async fn imports_apply_whole_or_not_at_all(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    store.create_facility(editor, &details("台州工厂", "TZ-01")).await.unwrap();
    // One bad row (unknown facility, bad unit) among good ones: nothing is saved, every problem is named.
    let bad = format!("{GOOD}bad-1,NOPE,2025-03,purchased_electricity,5,kWhh,mee-nbs-2022-grid-cn-grid-east,meter\n");
    let Err(StoreError::Rejected(errors)) = store.record_activities(editor, Some("activities.csv"), rows(&bad)).await
    else {
        panic!("a bad row must reject the import")
    };
    let cells: Vec<(usize, &str)> = errors.iter().map(|error| (error.row, error.column.as_str())).collect();
    assert!(cells.contains(&(6, "facility")) && cells.contains(&(6, "unit")), "{cells:?}");
    assert!(cells.contains(&(5, "facility")), "JV-01 does not exist yet: {cells:?}");
    assert!(store.activities(editor, None).await.unwrap().is_empty());

    store.create_facility(editor, &details("合资仓库", "JV-01")).await.unwrap();
    assert_eq!(store.record_activities(editor, Some("activities.csv"), rows(GOOD)).await.unwrap(), 4);
    assert_eq!(store.activities(editor, Some(2025)).await.unwrap().len(), 3);
    // Importing the same ids again is refused whole, naming the rows.
    let Err(StoreError::Rejected(errors)) = store.record_activities(editor, Some("again.csv"), rows(GOOD)).await else {
        panic!("duplicate ids must be refused")
    };
    assert_eq!(errors.iter().map(|error| error.row).collect::<Vec<_>>(), vec![2, 3, 4, 5]);
    assert_eq!(store.activities(editor, None).await.unwrap().len(), 4);
    // The rows parse the same way the CLI reads a CSV.
    assert_eq!(parse_activity_csv("a.csv", GOOD, |_| {}).unwrap().len(), 4);
}

on_both_databases!(inventories_compute_from_stored_data_and_freeze_when_verified);
async fn inventories_compute_from_stored_data_and_freeze_when_verified(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    store.create_facility(editor, &details("台州工厂", "TZ-01")).await.unwrap();
    let joint_venture = store.create_facility(editor, &details("合资仓库", "JV-01")).await.unwrap();
    store.set_facility_boundary(editor, joint_venture.id, 40.0, false, true).await.unwrap();
    store.record_activities(editor, Some("activities.csv"), rows(GOOD)).await.unwrap();

    let first = store.compute_inventory(editor, &request(2025)).await.unwrap();
    assert_eq!(first.version, 1);
    // 220 MWh × 561.7 kg + 40 % × 100 MWh × 561.7 kg under equity share.
    let expected = 220.0 * 561.7 + 0.4 * 100.0 * 561.7;
    assert!(
        (first.inventory.totals.total_location_kg - expected).abs() < 1e-6,
        "{}",
        first.inventory.totals.total_location_kg
    );
    assert_eq!(first.inventory.factors_used.len(), 1);
    let base = first.base_year.as_ref().unwrap();
    assert!((base.base_total_location_kg - 150.0 * 561.7).abs() < 1e-6);

    // Operational control takes the whole joint venture.
    let operational = store
        .compute_inventory(
            editor,
            &InventoryRequest { consolidation: ConsolidationApproach::OperationalControl, ..request(2025) },
        )
        .await
        .unwrap();
    assert_eq!(operational.version, 2);
    assert!((operational.inventory.totals.total_location_kg - 320.0 * 561.7).abs() < 1e-6);

    // Editors and owners cannot verify; the auditor can, once.
    for actor in [editor, &world.brand_owner, &world.brand_viewer] {
        assert!(matches!(store.verify_inventory(actor, &first.id, "ok", None).await, Err(StoreError::Denied(_))));
    }
    assert!(matches!(
        store.verify_inventory(&world.brand_auditor, &first.id, " ", None).await,
        Err(StoreError::Invalid(_))
    ));
    let verified = store
        .verify_inventory(&world.brand_auditor, &first.id, "Reasonable assurance, ISO 14064-3", None)
        .await
        .unwrap();
    assert_eq!(verified.verified_by.as_deref(), Some(world.brand_auditor.label.as_str()));
    // The brand's own auditor is a member: internal review, not third-party verification.
    assert_eq!(verified.assurance(), tanji_footprint::Assurance::InternalReview);
    assert_eq!((verified.verification_body_id, verified.verification_body_name), (None, None));
    assert!(matches!(
        store.verify_inventory(&world.brand_auditor, &first.id, "again", None).await,
        Err(StoreError::Conflict(Conflict::AlreadyDone))
    ));
    // New data does not change the verified version; recomputing makes a new one.
    store.record_activities(editor, None, rows("facility,period,source,quantity,unit,factor\nTZ-01,2025-03,purchased_electricity,10,MWh,mee-nbs-2022-grid-cn-grid-east\n")).await.unwrap();
    let reread = store.inventory_version(&world.brand_viewer, &first.id).await.unwrap();
    assert_eq!(reread.inventory, first.inventory);
    assert!(reread.verified_at.is_some());
    let third = store.compute_inventory(editor, &request(2025)).await.unwrap();
    assert_eq!(third.version, 3);
    assert!(third.inventory.totals.total_location_kg > first.inventory.totals.total_location_kg);
    assert_eq!(store.inventory_versions(&world.brand_viewer).await.unwrap().len(), 3);
}

on_both_databases!(inventory_data_is_private_to_the_tenant_and_guarded_by_role);
async fn inventory_data_is_private_to_the_tenant_and_guarded_by_role(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    store.create_facility(editor, &details("台州工厂", "TZ-01")).await.unwrap();
    store.record_activities(editor, Some("activities.csv"), rows(GOOD).into_iter().take(1).collect()).await.unwrap();
    let version = store.compute_inventory(editor, &request(2025)).await.unwrap();
    let activity = store.activities(editor, None).await.unwrap().remove(0);

    // Viewers and auditors read but do not write.
    for actor in [&world.brand_viewer, &world.brand_auditor] {
        assert_eq!(store.activities(actor, None).await.unwrap().len(), 1);
        assert!(matches!(store.record_activities(actor, None, rows(GOOD)).await, Err(StoreError::Denied(_))));
        assert!(matches!(store.compute_inventory(actor, &request(2025)).await, Err(StoreError::Denied(_))));
        assert!(matches!(store.delete_activity(actor, &activity.id).await, Err(StoreError::Denied(_))));
    }
    // Another tenant sees none of it.
    let other = &world.supplier_owner;
    assert!(store.activities(other, None).await.unwrap().is_empty());
    assert!(matches!(store.activity(other, &activity.id).await, Err(StoreError::NotFound)));
    assert!(matches!(store.inventory_version(other, &version.id).await, Err(StoreError::NotFound)));
    assert!(matches!(store.delete_activity(other, &activity.id).await, Err(StoreError::NotFound)));
    assert!(store.inventory_versions(other).await.unwrap().is_empty());
    // Own factors are private, versioned, and cannot shadow bundled ones.
    let own = "id,version,name_en,name_zh,category,unit,co2e,gwp_set,publisher,document,year,region,licence,verification\n\
               brand-pulp-supplier-x,1,Bamboo pulp (supplier X),竹浆（供应商X）,material,t,812.5,AR6,Supplier X,EPD 2025,2025,CN-ZJ,own data,primary: supplier EPD\n";
    assert_eq!(store.add_own_factors(editor, "own.csv", own).await.unwrap(), 1);
    assert!(store.factor_library_for(editor).await.unwrap().latest("brand-pulp-supplier-x").is_some());
    assert!(store.factor_library_for(other).await.unwrap().latest("brand-pulp-supplier-x").is_none());
    let Err(StoreError::Rejected(errors)) = store.add_own_factors(editor, "own.csv", own).await else {
        panic!("same version twice")
    };
    assert_eq!(errors[0].column, "version");
    let shadow = own.replace("brand-pulp-supplier-x,1", "mee-nbs-2022-grid-cn-grid-east,2");
    let Err(StoreError::Rejected(errors)) = store.add_own_factors(editor, "own.csv", &shadow).await else {
        panic!("bundled id")
    };
    assert_eq!(errors[0].column, "id");
    let corrected = own.replace("brand-pulp-supplier-x,1", "brand-pulp-supplier-x,2").replace("812.5", "798.0");
    store.add_own_factors(editor, "own.csv", &corrected).await.unwrap();
    assert_eq!(store.own_factors(editor).await.unwrap().len(), 2);
}

on_both_databases!(concurrent_imports_of_the_same_id_keep_one_and_refuse_the_other);
async fn concurrent_imports_of_the_same_id_keep_one_and_refuse_the_other(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    store.create_facility(editor, &details("台州工厂", "TZ-01")).await.unwrap();
    let one_row = || rows(GOOD).into_iter().take(1).collect::<Vec<_>>();
    let (first, second) = tokio::join!(
        store.record_activities(editor, Some("a.csv"), one_row()),
        store.record_activities(editor, Some("b.csv"), one_row()),
    );
    let outcomes = [first, second];
    assert_eq!(outcomes.iter().filter(|outcome| outcome.is_ok()).count(), 1, "{outcomes:?}");
    assert!(
        outcomes.iter().any(|outcome| matches!(outcome, Err(StoreError::Rejected(errors)) if errors[0].column == "id")),
        "{outcomes:?}"
    );
    assert_eq!(store.activities(editor, None).await.unwrap().len(), 1);
}

/// A row whose result is beyond any real emission (10³⁰ MWh): it passes the import (a quantity is not checked against
/// a ceiling there) and cannot be calculated, so the version that holds it is incomplete.
const IMPLAUSIBLE: &str = "id,facility,period,source,quantity,unit,factor\n\
    huge-2025-03,TZ-01,2025-03,purchased_electricity,1e30,MWh,mee-nbs-2022-grid-cn-grid-east\n";

on_both_databases!(an_incomplete_version_says_so_and_is_signed_off_only_with_a_written_reason);
async fn an_incomplete_version_says_so_and_is_signed_off_only_with_a_written_reason(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    store.create_facility(editor, &details("台州工厂", "TZ-01")).await.unwrap();
    store.create_facility(editor, &details("合资仓库", "JV-01")).await.unwrap();
    store.record_activities(editor, Some("activities.csv"), rows(GOOD)).await.unwrap();
    let complete = store.compute_inventory(editor, &request(2025)).await.unwrap();
    assert_eq!(complete.completeness(), &Completeness::Complete);

    store.record_activities(editor, Some("huge.csv"), rows(IMPLAUSIBLE)).await.unwrap();
    let incomplete = store.compute_inventory(editor, &request(2025)).await.unwrap();
    let Completeness::Incomplete { n_records_not_counted: 1, record_ids, .. } = incomplete.completeness() else {
        panic!("{:?}", incomplete.completeness())
    };
    assert_eq!(record_ids, &vec!["huge-2025-03".to_owned()]);
    // The list of versions carries the flag too.
    let summaries = store.inventory_versions(&world.brand_viewer).await.unwrap();
    let counts: Vec<(i64, i64)> =
        summaries.iter().map(|summary| (summary.version, summary.n_records_not_counted)).collect();
    assert_eq!(counts, vec![(2, 1), (1, 0)]);

    // Sign-off without a reason is refused, and nothing is written.
    let auditor = &world.brand_auditor;
    for reason in [None, Some("  ")] {
        assert!(matches!(
            store.verify_inventory(auditor, &incomplete.id, "Limited assurance", reason).await,
            Err(StoreError::Conflict(Conflict::IncompleteSignOff))
        ));
    }
    assert!(store.inventory_version(auditor, &incomplete.id).await.unwrap().verified_at.is_none());
    // Permission is checked before completeness: an editor is denied, not told about the reason.
    assert!(matches!(
        store.verify_inventory(editor, &incomplete.id, "ok", Some("reason")).await,
        Err(StoreError::Denied(_))
    ));
    // With a written reason it is signed off; the reason is stored and audited.
    let reason =
        "记录 huge-2025-03 为录入错误，金额不重大；合格意见 Qualified: the record is a typing error, immaterial.";
    let verified = store.verify_inventory(auditor, &incomplete.id, "Limited assurance", Some(reason)).await.unwrap();
    assert_eq!(verified.incomplete_sign_off_reason.as_deref(), Some(reason));
    assert_eq!(
        store
            .inventory_version(&world.brand_viewer, &incomplete.id)
            .await
            .unwrap()
            .incomplete_sign_off_reason
            .as_deref(),
        Some(reason)
    );
    let events = store
        .list_audit_events(
            auditor,
            &AuditQuery { action: Some(AuditAction::InventoryVerified), limit: 10, ..Default::default() },
        )
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert!(
        events[0].changes.iter().any(|change| change.field == "incomplete_sign_off_reason"
            && change.after.as_deref().is_some_and(|after| after.contains(reason) && after.contains("1 records"))),
        "{:?}",
        events[0].changes
    );

    // A complete version takes no such reason: it is not stored.
    let verified =
        store.verify_inventory(auditor, &complete.id, "Reasonable assurance", Some("not needed")).await.unwrap();
    assert_eq!(verified.incomplete_sign_off_reason, None);
}

on_both_databases!(the_import_refuses_rows_that_could_never_be_calculated);
async fn the_import_refuses_rows_that_could_never_be_calculated(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    store.create_facility(editor, &details("台州工厂", "TZ-01")).await.unwrap();
    let csv = "id,facility,period,source,quantity,unit,factor\n\
        ok-01,TZ-01,2025-01,purchased_electricity,100,MWh,mee-nbs-2022-grid-cn-grid-east\n\
        kg-02,TZ-01,2025-02,purchased_electricity,1200,kg,mee-nbs-2022-grid-cn-grid-east\n\
        typo-03,TZ-01,2025-03,purchased_electricity,100,MWh,mee-nbs-2022-grid-cn-grid-eats\n";
    let Err(StoreError::Rejected(errors)) = store.record_activities(editor, Some("upload.csv"), rows(csv)).await else {
        panic!("rows that cannot compute must be refused")
    };
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!((errors[0].file.as_str(), errors[0].row, errors[0].column.as_str()), ("upload.csv", 3, "unit"));
    assert!(matches!(&errors[0].problem, RowProblem::UnitIncompatibleWithFactor { unit, factor_unit, .. }
        if unit == "kg" && factor_unit == "MWh"));
    assert_eq!((errors[1].row, errors[1].column.as_str()), (4, "factor"));
    assert!(matches!(&errors[1].problem, RowProblem::FactorNotFound { suggestion: Some(suggestion), .. }
        if suggestion == "mee-nbs-2022-grid-cn-grid-east"));
    assert!(store.activities(editor, None).await.unwrap().is_empty(), "nothing is saved");
}
