//! What a supplier shares with a linked customer: granted and revoked by the supplier's owner, audited on both sides,
//! and read by the customer only through a link in force and a share in force — never by anyone else.

use tanji_footprint::parse_footprint_file;
use tanji_ghg::GwpSet;
use tanji_inventory::{ActivityRow, BaseYearPolicy, ConsolidationApproach};
use tanji_store::{AuditQuery, Conflict, InventoryRequest, NewProduct, Store, StoreError};
use tanji_tenancy::audit::AuditAction;
use tanji_tenancy::facility::{FacilityDetails, FacilityInput};
use tanji_tenancy::member::Role;
use tanji_tenancy::organisation::OrganisationKind;
use tanji_tenancy::supplier_link::{InvitationDetails, SupplierLink};
use tanji_tenancy::supplier_share::ShareKind;
use tanji_tenancy::{Actor, SupplierLinkId};

use crate::fixtures::{World, log_in, member, organisation};
use tanji_testkit::{TestDatabase, on_both_databases};

const CUP: &str = include_str!("../../../../examples/footprint/bamboo-fibre-cup.toml");

const ACTIVITIES: &str = "id,facility,period,source,quantity,unit,factor,data_source\n\
    e-2024-01,TZ-01,2024-01,purchased_electricity,150,MWh,mee-nbs-2022-grid-cn-grid-east,meter\n\
    e-2025-01,TZ-01,2025-01,purchased_electricity,100,MWh,mee-nbs-2022-grid-cn-grid-east,meter\n";

async fn link(store: &Store, customer: &Actor, supplier_owner: &Actor) -> SupplierLink {
    let details = InvitationDetails::parse("Factory 工厂", None).unwrap();
    let (_, code) = store.create_invitation(customer, &details).await.unwrap();
    store.accept_invitation(supplier_owner, &code).await.unwrap()
}

/// The supplier's facility and its 2024 and 2025 activity data.
async fn supplier_activities(store: &Store, world: &World) {
    let owner = &world.supplier_owner;
    let facility = FacilityDetails::parse(&FacilityInput {
        name: "台州工厂",
        code: Some("TZ-01"),
        kind: "factory",
        subdivision: Some("CN-ZJ"),
        ..FacilityInput::default()
    })
    .unwrap();
    store.create_facility(owner, &facility).await.unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(ACTIVITIES.as_bytes());
    let rows: Vec<ActivityRow> = reader.deserialize().map(Result::unwrap).collect();
    store.record_activities(owner, Some("activities.csv"), rows).await.unwrap();
}

fn request(year: i16) -> InventoryRequest {
    InventoryRequest {
        reporting_year: year,
        gwp_set: GwpSet::AR6,
        consolidation: ConsolidationApproach::OperationalControl,
        base_year: Some(BaseYearPolicy::Fixed(2024)),
        significance_threshold_percent: 5.0,
        base_year_changes: Vec::new(),
        output: None,
    }
}

/// The supplier engages a verification body; returns the body's verifier acting in the supplier.
async fn engaged_verifier(store: &Store, world: &World) -> Actor {
    let body = organisation(store, "核查机构 Verifier", OrganisationKind::VerificationBody).await;
    member(store, &body, "verifier@body.example", Role::Auditor).await;
    store.engage_verification_body(&world.supplier_owner, body.id).await.unwrap();
    log_in(store, &world.supplier, "verifier@body.example").await
}

/// The supplier publishes the cup's label (verified first) and has a 2025 inventory against base year 2024 verified
/// by an engaged body (version 1), a newer one reviewed by its own auditor only (version 2) and a newer one not
/// signed off at all (version 3).
async fn supplier_with_data(store: &Store, world: &World) {
    let owner = &world.supplier_owner;
    let auditor = member(store, &world.supplier, "auditor@factory.example", Role::Auditor).await;
    let model = parse_footprint_file(CUP).unwrap().model;
    let new = NewProduct {
        sku: model.product.sku.clone(),
        name_zh: model.product.name_zh.clone(),
        name_en: model.product.name_en.clone(),
    };
    let product = store.create_product(owner, &new).await.unwrap();
    store.save_model(owner, &product.id, &model, "first model").await.unwrap();
    let footprint = store.compute_footprint(owner, &product.id, None, None).await.unwrap();
    store
        .verify_footprint(&auditor, &footprint.id, "核查机构 Verifier", "ISO 14067:2018, limited assurance")
        .await
        .unwrap();
    store.publish_footprint(owner, &footprint.id).await.unwrap();

    supplier_activities(store, world).await;
    let verifier = engaged_verifier(store, world).await;
    store.compute_inventory(owner, &request(2024)).await.unwrap();
    let current = store.compute_inventory(owner, &request(2025)).await.unwrap();
    store.verify_inventory(&verifier, &current.id, "ISO 14064-3 reasonable assurance", None).await.unwrap();
    // Newer versions, reviewed internally or not at all, must not be what the customer sees as verified.
    let reviewed = store.compute_inventory(owner, &request(2025)).await.unwrap();
    store.verify_inventory(&auditor, &reviewed.id, "Internal review", None).await.unwrap();
    store.compute_inventory(owner, &request(2025)).await.unwrap();
}

on_both_databases!(a_customer_sees_what_its_supplier_shares_and_nothing_more);
async fn a_customer_sees_what_its_supplier_shares_and_nothing_more(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    supplier_with_data(store, &world).await;
    let link = link(store, &world.brand_editor, &world.supplier_owner).await;

    // Linked, but nothing shared yet: the customer sees the supplier's name and no data.
    let view = store.supplier_view(&world.brand_viewer, link.id).await.unwrap();
    assert!(view.shares.is_empty());
    assert!(view.footprints.is_empty());
    assert!(view.inventory.is_none());
    assert!(store.shared_footprints(&world.brand_editor).await.unwrap().is_empty());

    store.grant_supplier_share(&world.supplier_owner, link.id, ShareKind::PublishedFootprints).await.unwrap();
    let shared = store.shared_footprints(&world.brand_viewer).await.unwrap();
    assert_eq!(shared.len(), 1);
    assert_eq!(shared[0].summary.sku, "RH-CUP-BF-250");
    assert_eq!(shared[0].supplier_name, "Factory 工厂");
    assert_eq!(shared[0].link_id, link.id);
    assert!(shared[0].sign_off.is_some(), "the verification travels with the label");
    let view = store.supplier_view(&world.brand_editor, link.id).await.unwrap();
    assert_eq!(view.footprints, shared);
    assert!(view.inventory.is_none(), "the inventory is not shared yet");

    store.grant_supplier_share(&world.supplier_owner, link.id, ShareKind::VerifiedInventorySummary).await.unwrap();
    let view = store.supplier_view(&world.brand_auditor, link.id).await.unwrap();
    let inventory = view.inventory.expect("the latest verified inventory");
    let listed = store.shared_inventories(&world.brand_viewer).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].link_id, &listed[0].summary), (link.id, &inventory));
    assert_eq!((inventory.reporting_year, inventory.version), (2025, 1), "the verified version, not the newer ones");
    assert_eq!(inventory.verification_body_name, "核查机构 Verifier");
    assert_eq!(inventory.base_years, vec![2024]);
    assert!(inventory.base_year_change_percent.unwrap() < 0.0, "100 MWh against 150 MWh");
    assert!(
        (inventory.total_location_kg - inventory.scope2_location_kg - inventory.scope1_kg - inventory.scope3_kg).abs()
            < 1e-6
    );

    // Both sides' logs say who shared what.
    for actor in [&world.brand_owner, &world.supplier_owner] {
        let log = store.list_audit_events(actor, &AuditQuery::default()).await.unwrap();
        assert_eq!(log[0].action, AuditAction::SupplierShareGranted);
        assert_eq!(log[0].changes[0].after.as_deref(), Some("verified_inventory_summary"));
        assert_eq!(log[0].object_id.as_deref(), Some(link.id.to_string().as_str()));
    }

    // Revoked: gone at once, and logged.
    store.revoke_supplier_share(&world.supplier_owner, link.id, ShareKind::VerifiedInventorySummary).await.unwrap();
    assert!(store.shared_inventories(&world.brand_editor).await.unwrap().is_empty());
    store.grant_supplier_share(&world.supplier_owner, link.id, ShareKind::VerifiedInventorySummary).await.unwrap();
    store.revoke_supplier_share(&world.supplier_owner, link.id, ShareKind::PublishedFootprints).await.unwrap();
    assert!(store.shared_footprints(&world.brand_editor).await.unwrap().is_empty());
    let view = store.supplier_view(&world.brand_editor, link.id).await.unwrap();
    assert!(view.footprints.is_empty());
    assert!(view.inventory.is_some());
    let log = store.list_audit_events(&world.brand_owner, &AuditQuery::default()).await.unwrap();
    assert_eq!(log[0].action, AuditAction::SupplierShareRevoked);
    // Revoking twice, or granting twice, changes nothing.
    let again = store.revoke_supplier_share(&world.supplier_owner, link.id, ShareKind::PublishedFootprints).await;
    assert!(matches!(again, Err(StoreError::Conflict(Conflict::AlreadyDone))), "{again:?}");
    let again = store.grant_supplier_share(&world.supplier_owner, link.id, ShareKind::VerifiedInventorySummary).await;
    assert!(matches!(again, Err(StoreError::Conflict(Conflict::AlreadyDone))), "{again:?}");

    // Ending the link ends every share with it, and a new link starts with nothing shared.
    store.end_supplier_link(&world.brand_owner, link.id).await.unwrap();
    assert!(matches!(store.supplier_view(&world.brand_editor, link.id).await, Err(StoreError::NotFound)));
    let relinked = crate::supplier_shares::link(store, &world.brand_editor, &world.supplier_owner).await;
    let view = store.supplier_view(&world.brand_editor, relinked.id).await.unwrap();
    assert!(view.shares.is_empty() && view.footprints.is_empty() && view.inventory.is_none());
}

on_both_databases!(an_internally_reviewed_inventory_is_never_shown_to_a_customer_as_verified);
async fn an_internally_reviewed_inventory_is_never_shown_to_a_customer_as_verified(test: TestDatabase) {
    use tanji_footprint::Assurance;
    let store = &test.store;
    let world = World::build(store).await;
    let owner = &world.supplier_owner;
    supplier_activities(store, &world).await;
    let auditor = member(store, &world.supplier, "auditor@factory.example", Role::Auditor).await;
    let link = link(store, &world.brand_editor, owner).await;
    store.grant_supplier_share(owner, link.id, ShareKind::VerifiedInventorySummary).await.unwrap();

    // Signed off by the supplier's own auditor: internal review, which the customer does not see as verified.
    let reviewed = store.compute_inventory(owner, &request(2025)).await.unwrap();
    let reviewed = store.verify_inventory(&auditor, &reviewed.id, "Internal review", None).await.unwrap();
    assert_eq!((reviewed.assurance(), reviewed.verification_body_id), (Assurance::InternalReview, None));
    assert!(store.supplier_view(&world.brand_editor, link.id).await.unwrap().inventory.is_none());
    assert!(store.shared_inventories(&world.brand_editor).await.unwrap().is_empty());

    // Signed off by the engaged body's verifier: verified, and shown with the body's name.
    let verifier = engaged_verifier(store, &world).await;
    let verified = store.compute_inventory(owner, &request(2025)).await.unwrap();
    let verified = store.verify_inventory(&verifier, &verified.id, "ISO 14064-3", None).await.unwrap();
    assert_eq!(verified.assurance(), Assurance::Verified);
    assert_eq!(verified.verification_body_name.as_deref(), Some("核查机构 Verifier"));
    let shown = store.supplier_view(&world.brand_editor, link.id).await.unwrap().inventory.expect("verified");
    assert_eq!((shown.version, shown.verification_body_name.as_str()), (verified.version, "核查机构 Verifier"));
    let summaries = store.inventory_versions(owner).await.unwrap();
    let assurances: Vec<(i64, Assurance)> =
        summaries.iter().map(|summary| (summary.version, summary.assurance())).collect();
    assert_eq!(assurances, [(2, Assurance::Verified), (1, Assurance::InternalReview)]);
}

on_both_databases!(only_the_linked_customer_reads_and_only_the_supplier_owner_shares);
async fn only_the_linked_customer_reads_and_only_the_supplier_owner_shares(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    supplier_with_data(store, &world).await;
    let link = link(store, &world.brand_editor, &world.supplier_owner).await;
    for kind in ShareKind::ALL {
        store.grant_supplier_share(&world.supplier_owner, link.id, kind).await.unwrap();
    }

    // Another customer of the platform, not linked: nothing, and the link id is as good as unknown.
    let stranger = crate::fixtures::organisation(
        store,
        "Stranger 陌生品牌",
        tanji_tenancy::organisation::OrganisationKind::BrandRetailer,
    )
    .await;
    let stranger_owner = member(store, &stranger, "owner@stranger.example", Role::Owner).await;
    assert!(matches!(store.supplier_view(&stranger_owner, link.id).await, Err(StoreError::NotFound)));
    assert!(store.shared_footprints(&stranger_owner).await.unwrap().is_empty());
    assert!(store.shared_inventories(&stranger_owner).await.unwrap().is_empty());
    assert!(matches!(store.supplier_shares(&stranger_owner, link.id).await, Err(StoreError::NotFound)));
    // Another supplier cannot share on someone else's link, nor read through it.
    let other = &world.other_supplier_owner;
    assert!(matches!(
        store.grant_supplier_share(other, link.id, ShareKind::PublishedFootprints).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(store.supplier_view(other, link.id).await, Err(StoreError::NotFound)));
    // A customer linked to another supplier sees only that supplier's shares (none here).
    let other_link = crate::supplier_shares::link(store, &stranger_owner, other).await;
    assert!(store.shared_footprints(&stranger_owner).await.unwrap().is_empty());
    assert!(matches!(store.supplier_view(&stranger_owner, link.id).await, Err(StoreError::NotFound)));
    assert!(store.supplier_view(&stranger_owner, other_link.id).await.unwrap().footprints.is_empty());

    // The customer side cannot share the supplier's data, nor revoke its shares.
    for actor in [&world.brand_owner, &world.brand_editor] {
        assert!(matches!(
            store.revoke_supplier_share(actor, link.id, ShareKind::PublishedFootprints).await,
            Err(StoreError::Denied(_))
        ));
    }
    // On the supplier side only owners decide.
    let supplier_editor = member(store, &world.supplier, "editor@factory.example", Role::Editor).await;
    assert!(matches!(
        store.revoke_supplier_share(&supplier_editor, link.id, ShareKind::PublishedFootprints).await,
        Err(StoreError::Denied(_))
    ));
    // The supplier sees what it shares; the customer's reader sees the same list.
    assert_eq!(store.supplier_shares(&supplier_editor, link.id).await.unwrap().len(), 2);
    assert_eq!(store.supplier_shares(&world.brand_viewer, link.id).await.unwrap().len(), 2);
    // The supplier is no customer of its customer: it has no supplier view of the link.
    assert!(matches!(store.supplier_view(&world.supplier_owner, link.id).await, Err(StoreError::NotFound)));
    // An unknown link is not found, for everyone.
    let unknown: SupplierLinkId = "00000000-0000-7000-8000-00000000002a".parse().unwrap();
    assert!(matches!(store.supplier_view(&world.brand_owner, unknown).await, Err(StoreError::NotFound)));

    // A withdrawn label is no longer shared.
    let publications = store.publications(&world.supplier_owner).await.unwrap();
    store.withdraw_publication(&world.supplier_owner, &publications[0].id, "recalled").await.unwrap();
    assert!(store.shared_footprints(&world.brand_viewer).await.unwrap().is_empty());
}
