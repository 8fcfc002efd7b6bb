//! Facilities: their life cycle, uniqueness, permissions and isolation between organisations.

use tanji_store::{Conflict, StoreError};
use tanji_tenancy::facility::{FacilityDetails, FacilityInput};

use crate::fixtures::World;
use tanji_testkit::{TestDatabase, on_both_databases};

fn details(name: &str, code: Option<&str>) -> FacilityDetails {
    FacilityDetails::parse(&FacilityInput {
        name,
        code,
        kind: "factory",
        subdivision: Some("CN-ZJ"),
        city: Some("台州"),
        ..FacilityInput::default()
    })
    .unwrap()
}

on_both_databases!(facility_life_cycle);
async fn facility_life_cycle(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;

    let created = store.create_facility(editor, &details("黄岩工厂", Some("HY-01"))).await.unwrap();
    assert_eq!(store.facility(&world.brand_viewer, created.id).await.unwrap(), created);

    test.clock.advance(jiff::SignedDuration::from_mins(5));
    let renamed = store.update_facility(editor, created.id, &details("黄岩一厂", Some("HY-01"))).await.unwrap();
    assert_eq!(renamed.details.name, "黄岩一厂");
    assert!(renamed.updated_at > created.updated_at);
    assert_eq!(renamed.created_at, created.created_at);

    let archived = store.set_facility_archived(editor, created.id, true).await.unwrap();
    assert!(archived.archived);
    assert!(store.list_facilities(editor, false).await.unwrap().is_empty());
    assert_eq!(store.list_facilities(editor, true).await.unwrap(), vec![archived.clone()]);
    let again = store.set_facility_archived(editor, created.id, true).await;
    assert!(matches!(again, Err(StoreError::Conflict(Conflict::AlreadyDone))));
    let restored = store.set_facility_archived(editor, created.id, false).await.unwrap();
    assert!(!restored.archived);

    // The history, newest first, says exactly what happened.
    let query = tanji_store::AuditQuery { object_id: Some(created.id.to_string()), limit: 50, ..Default::default() };
    let history = store.list_audit_events(&world.brand_auditor, &query).await.unwrap();
    let actions: Vec<&str> = history.iter().map(|event| event.action.as_str()).collect();
    assert_eq!(actions, ["facility.restored", "facility.archived", "facility.updated", "facility.created"]);
    let rename = &history[2].changes;
    assert_eq!(rename.len(), 1);
    assert_eq!(rename[0].field, "name");
    assert_eq!(rename[0].before.as_deref(), Some("黄岩工厂"));
    assert_eq!(rename[0].after.as_deref(), Some("黄岩一厂"));
    assert!(history.iter().all(|event| event.actor_label == "editor@brand.example"));
}

on_both_databases!(facility_names_and_codes_are_unique_within_an_organisation);
async fn facility_names_and_codes_are_unique_within_an_organisation(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    store.create_facility(&world.brand_owner, &details("Plant", Some("P1"))).await.unwrap();
    let same_name = store.create_facility(&world.brand_owner, &details("Plant", Some("P2"))).await;
    assert!(matches!(same_name, Err(StoreError::Conflict(Conflict::FacilityName))), "{same_name:?}");
    let same_code = store.create_facility(&world.brand_owner, &details("Plant 2", Some("P1"))).await;
    assert!(matches!(same_code, Err(StoreError::Conflict(Conflict::FacilityCode))), "{same_code:?}");
    // Facilities without a code do not clash, and another organisation may reuse both name and code.
    store.create_facility(&world.brand_owner, &details("Warehouse", None)).await.unwrap();
    store.create_facility(&world.brand_owner, &details("Office", None)).await.unwrap();
    store.create_facility(&world.supplier_owner, &details("Plant", Some("P1"))).await.unwrap();
    // A failed insert leaves nothing behind, not even an audit entry.
    let facilities = store.list_facilities(&world.brand_owner, true).await.unwrap();
    assert_eq!(facilities.len(), 3);
    let log = store.list_audit_events(&world.brand_owner, &Default::default()).await.unwrap();
    assert_eq!(log.iter().filter(|event| event.action.as_str() == "facility.created").count(), 3);
}

on_both_databases!(read_only_roles_cannot_change_facilities);
async fn read_only_roles_cannot_change_facilities(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let facility = store.create_facility(&world.brand_owner, &details("Plant", None)).await.unwrap();
    for actor in [&world.brand_auditor, &world.brand_viewer] {
        assert!(matches!(store.create_facility(actor, &details("New", None)).await, Err(StoreError::Denied(_))));
        let update = store.update_facility(actor, facility.id, &details("Renamed", None)).await;
        assert!(matches!(update, Err(StoreError::Denied(_))));
        assert!(matches!(store.set_facility_archived(actor, facility.id, true).await, Err(StoreError::Denied(_))));
        // Reading is fine.
        assert_eq!(store.list_facilities(actor, false).await.unwrap().len(), 1);
    }
}

on_both_databases!(facilities_of_another_organisation_are_not_found);
async fn facilities_of_another_organisation_are_not_found(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let theirs = store.create_facility(&world.supplier_owner, &details("Secret plant", None)).await.unwrap();
    let intruder = &world.brand_owner;
    assert!(matches!(store.facility(intruder, theirs.id).await, Err(StoreError::NotFound)));
    let update = store.update_facility(intruder, theirs.id, &details("Hijacked", None)).await;
    assert!(matches!(update, Err(StoreError::NotFound)));
    assert!(matches!(store.set_facility_archived(intruder, theirs.id, true).await, Err(StoreError::NotFound)));
    assert!(store.list_facilities(intruder, true).await.unwrap().is_empty());
    // Untouched.
    assert_eq!(store.facility(&world.supplier_owner, theirs.id).await.unwrap(), theirs);
    let query = tanji_store::AuditQuery { object_id: Some(theirs.id.to_string()), limit: 10, ..Default::default() };
    assert!(store.list_audit_events(intruder, &query).await.unwrap().is_empty());
}

on_both_databases!(concurrent_writes_all_succeed);
async fn concurrent_writes_all_succeed(test: TestDatabase) {
    // SQLite allows one writer; the store queues writers instead of failing with "database is locked".
    let store = &test.store;
    let world = World::build(store).await;
    let mut tasks = tokio::task::JoinSet::new();
    for facility_idx in 0..40 {
        let store = store.clone();
        let actor = world.brand_editor.clone();
        tasks.spawn(
            async move { store.create_facility(&actor, &details(&format!("Plant {facility_idx}"), None)).await },
        );
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }
    assert_eq!(store.list_facilities(&world.brand_viewer, false).await.unwrap().len(), 40);
}
