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
