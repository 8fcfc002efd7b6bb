//! PACT exchange storage: partners' clients and tokens, and which footprints each partner sees — a customer client
//! only through a link in force with a published-footprints share in force, a public one every publication, and
//! nobody another organisation's.

use jiff::SignedDuration;
use tanji_footprint::parse_footprint_file;
use tanji_pact::Decimal;
use tanji_pact::mapping::CarbonContent;
use tanji_store::pact::{NewPactClient, PactSharing, PactTokenRefusal};
use tanji_store::{NewProduct, Store, StoreError};
use tanji_tenancy::Actor;
use tanji_tenancy::supplier_link::{InvitationDetails, SupplierLink};
use tanji_tenancy::supplier_share::ShareKind;

use crate::fixtures::World;
use tanji_testkit::{TestDatabase, on_both_databases};

const CUP: &str = include_str!("../../../../examples/footprint/bamboo-fibre-cup.toml");
const DOMAIN: &str = "factory.example";

async fn link(store: &Store, customer: &Actor, supplier_owner: &Actor) -> SupplierLink {
    let details = InvitationDetails::parse("Factory 工厂", None).unwrap();
    let (_, code) = store.create_invitation(customer, &details).await.unwrap();
    store.accept_invitation(supplier_owner, &code).await.unwrap()
}

/// Publishes the cup under `owner` twice (version 1, then 2), declaring the carbon contents of both; returns the
/// publication ids.
async fn publish_cup_twice(store: &Store, owner: &Actor) -> [String; 2] {
    let model = parse_footprint_file(CUP).unwrap().model;
    let new = NewProduct {
        sku: model.product.sku.clone(),
        name_zh: model.product.name_zh.clone(),
        name_en: model.product.name_en.clone(),
    };
    let product = store.create_product(owner, &new).await.unwrap();
    store.save_model(owner, &product.id, &model, "first model").await.unwrap();
    let mut ids = Vec::new();
    for _ in 0..2 {
        let footprint = store.compute_footprint(owner, &product.id, None, None).await.unwrap();
        let publication = store.publish_footprint(owner, &footprint.id).await.unwrap();
        // Test data, not a published figure.
        let content = CarbonContent { fossil_kg_c: Decimal::parse("0.0004").unwrap(), biogenic_kg_c: None };
        store.declare_pact_carbon_content(owner, &publication.id, &content).await.unwrap();
        ids.push(publication.id);
    }
    [ids[0].clone(), ids[1].clone()]
}

async fn token(store: &Store, client_id: &str, secret: &str) -> String {
    store.issue_pact_token(client_id, secret, &[]).await.unwrap().expect("a token").access_token
}

on_both_databases!(a_customer_partner_sees_the_suppliers_footprints_only_while_shared);
async fn a_customer_partner_sees_the_suppliers_footprints_only_while_shared(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let [first, second] = publish_cup_twice(store, &world.supplier_owner).await;
    let link = link(store, &world.brand_editor, &world.supplier_owner).await;
    let new =
        NewPactClient {
            name: "Brand 品牌 ERP".to_owned(), sharing: PactSharing::Customer(link.id), events_url: None
        };
    let (client, secret) = store.create_pact_client(&world.supplier_owner, &new).await.unwrap();
    assert_eq!(client.partner_name.as_deref(), Some("Brand 品牌"));
    let listed = store.pact_clients(&world.supplier_owner).await.unwrap();
    assert_eq!(listed, vec![client.clone()]);

    // Wrong secret, unknown client: no token, and no telling which.
    assert!(store.issue_pact_token(&client.client_id, "wrong", &[]).await.unwrap().is_none());
    assert!(store.issue_pact_token("tanji_pact_client_nobody", &secret, &[]).await.unwrap().is_none());
    let access = token(store, &client.client_id, &secret).await;
    let caller = store.pact_caller(&access).await.unwrap().unwrap();
    assert_eq!(caller.organisation_id, world.supplier.id);

    // Linked but nothing shared: nothing.
    assert!(store.pact_footprints(&caller, DOMAIN).await.unwrap().is_empty());
    store.grant_supplier_share(&world.supplier_owner, link.id, ShareKind::PublishedFootprints).await.unwrap();
    let footprints = store.pact_footprints(&caller, DOMAIN).await.unwrap();
    assert_eq!(
        footprints.iter().map(|footprint| footprint.id.clone()).collect::<Vec<_>>(),
        [first.clone(), second.clone()]
    );
    assert_eq!(footprints[0].status, "Deprecated", "republished");
    assert_eq!(footprints[1].status, "Active");
    assert_eq!(footprints[1].preceding_pf_ids.as_deref(), Some(&[first.clone()][..]));
    assert_eq!(footprints[1].company_ids, [format!("urn:uuid:{}", world.supplier.id)]);
    assert_eq!(footprints[1].product_ids, ["urn:pact:factory.example:supplier-id:RH-CUP-BF-250"]);

    // Share revoked: nothing again; the link ended: nothing even when shared.
    store.revoke_supplier_share(&world.supplier_owner, link.id, ShareKind::PublishedFootprints).await.unwrap();
    assert!(store.pact_footprints(&caller, DOMAIN).await.unwrap().is_empty());
    store.grant_supplier_share(&world.supplier_owner, link.id, ShareKind::PublishedFootprints).await.unwrap();
    store.end_supplier_link(&world.supplier_owner, link.id).await.unwrap();
    assert!(store.pact_footprints(&caller, DOMAIN).await.unwrap().is_empty());
    assert!(store.pact_footprint_exists_for_owner(&caller, &first).await.unwrap(), "then 403, not 404");
}

on_both_databases!(revoked_clients_and_expired_tokens_stop_working);
async fn revoked_clients_and_expired_tokens_stop_working(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    publish_cup_twice(store, &world.supplier_owner).await;
    let new = NewPactClient { name: "Public".to_owned(), sharing: PactSharing::Public, events_url: None };
    let (client, secret) = store.create_pact_client(&world.supplier_owner, &new).await.unwrap();
    let access = token(store, &client.client_id, &secret).await;
    let caller = store.pact_caller(&access).await.unwrap().unwrap();
    assert_eq!(store.pact_footprints(&caller, DOMAIN).await.unwrap().len(), 2, "public: every publication");

    test.clock.advance(SignedDuration::from_secs(3601));
    assert_eq!(store.pact_caller(&access).await.unwrap(), Err(PactTokenRefusal::Expired));
    assert_eq!(store.pact_caller("tanji_pact_at_made_up").await.unwrap(), Err(PactTokenRefusal::Invalid));

    let fresh = token(store, &client.client_id, &secret).await;
    let caller = store.pact_caller(&fresh).await.unwrap().unwrap();
    store.revoke_pact_client(&world.supplier_owner, &client.id).await.unwrap();
    assert_eq!(store.pact_caller(&fresh).await.unwrap(), Err(PactTokenRefusal::Invalid));
    assert!(store.issue_pact_token(&client.client_id, &secret, &[]).await.unwrap().is_none());
    assert!(store.pact_footprints(&caller, DOMAIN).await.unwrap().is_empty(), "the client is checked in the read too");
    assert!(matches!(store.revoke_pact_client(&world.supplier_owner, &client.id).await, Err(StoreError::NotFound)));
}

on_both_databases!(only_the_data_owners_publishers_manage_partners_and_never_another_tenants);
async fn only_the_data_owners_publishers_manage_partners_and_never_another_tenants(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let new = NewPactClient { name: "Public".to_owned(), sharing: PactSharing::Public, events_url: None };
    assert!(matches!(store.create_pact_client(&world.brand_viewer, &new).await, Err(StoreError::Denied(_))));
    let (client, _) = store.create_pact_client(&world.supplier_owner, &new).await.unwrap();
    assert!(store.pact_clients(&world.other_supplier_owner).await.unwrap().is_empty());
    assert!(matches!(
        store.revoke_pact_client(&world.other_supplier_owner, &client.id).await,
        Err(StoreError::NotFound)
    ));
    // A customer client needs a link of this supplier.
    let link = link(store, &world.brand_editor, &world.supplier_owner).await;
    let theirs = NewPactClient { name: "x".to_owned(), sharing: PactSharing::Customer(link.id), events_url: None };
    assert!(matches!(store.create_pact_client(&world.other_supplier_owner, &theirs).await, Err(StoreError::NotFound)));
    let plain =
        NewPactClient { name: "x".to_owned(), sharing: PactSharing::Public, events_url: Some("http://x".to_owned()) };
    assert!(matches!(store.create_pact_client(&world.supplier_owner, &plain).await, Err(StoreError::Invalid(_))));

    // Carbon contents are declared once, by the owner, for its own publication.
    let [first, _] = publish_cup_twice(store, &world.supplier_owner).await;
    let content = CarbonContent { fossil_kg_c: Decimal::parse("1").unwrap(), biogenic_kg_c: None };
    assert!(matches!(
        store.declare_pact_carbon_content(&world.other_supplier_owner, &first, &content).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.declare_pact_carbon_content(&world.supplier_owner, &first, &content).await,
        Err(StoreError::Conflict(_))
    ));
    let offers = store.pact_offers(&world.supplier_owner, DOMAIN).await.unwrap();
    assert_eq!(offers.len(), 2);
    assert!(offers.iter().all(|offer| offer.mapped.is_ok()), "{offers:?}");
    assert!(store.pact_offers(&world.other_supplier_owner, DOMAIN).await.unwrap().is_empty());
}
