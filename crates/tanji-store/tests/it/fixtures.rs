//! Building blocks for storage tests: organisations, and members logged in as actors.

use tanji_store::{LoginOutcome, NewMember, Store};
use tanji_tenancy::Actor;
use tanji_tenancy::member::{DisplayName, Email, Password, Role};
use tanji_tenancy::organisation::{Organisation, OrganisationKind, OrganisationProfile};

/// Every test user's password.
pub const PASSWORD: &str = "correct horse battery staple";

pub fn profile(name: &str) -> OrganisationProfile {
    OrganisationProfile::parse(name, "CN", None).unwrap()
}

pub async fn organisation(store: &Store, name: &str, kind: OrganisationKind) -> Organisation {
    store.operator_register_organisation(&profile(name), kind).await.unwrap()
}

pub fn new_member(email: &str, role: Role) -> NewMember {
    NewMember {
        email: Email::parse(email).unwrap(),
        display_name: Some(DisplayName::parse(email.split('@').next().unwrap()).unwrap()),
        role,
        initial_password: Some(Password::parse_new(PASSWORD).unwrap()),
    }
}

/// Adds a member to `organisation` and returns them as an actor there, through a real login and session lookup.
pub async fn member(store: &Store, organisation: &Organisation, email: &str, role: Role) -> Actor {
    store.operator_add_member(organisation.id, &new_member(email, role)).await.unwrap();
    log_in(store, organisation, email).await
}

/// Logs an existing member in to `organisation` and returns them as an actor there.
pub async fn log_in(store: &Store, organisation: &Organisation, email: &str) -> Actor {
    session_secret_and_actor(store, organisation, email).await.1
}

pub async fn session_secret_and_actor(store: &Store, organisation: &Organisation, email: &str) -> (String, Actor) {
    let outcome = store.login(email, &Password::for_login(PASSWORD), Some(organisation.id)).await.unwrap();
    let LoginOutcome::LoggedIn(session) = outcome else { panic!("{email} could not log in: {outcome:?}") };
    let context = store.session(&session.secret).await.unwrap().expect("a fresh session is valid");
    assert_eq!(context.actor.organisation_id, organisation.id);
    (session.secret, context.actor)
}

/// A brand with one member of each role, and two suppliers each with an owner.
pub struct World {
    pub brand: Organisation,
    pub brand_owner: Actor,
    pub brand_editor: Actor,
    pub brand_auditor: Actor,
    pub brand_viewer: Actor,
    pub supplier: Organisation,
    pub supplier_owner: Actor,
    pub other_supplier: Organisation,
    pub other_supplier_owner: Actor,
}

impl World {
    pub async fn build(store: &Store) -> Self {
        let brand = organisation(store, "Brand 品牌", OrganisationKind::BrandRetailer).await;
        let supplier = organisation(store, "Factory 工厂", OrganisationKind::Supplier).await;
        let other_supplier = organisation(store, "Other Factory 另一工厂", OrganisationKind::Supplier).await;
        Self {
            brand_owner: member(store, &brand, "owner@brand.example", Role::Owner).await,
            brand_editor: member(store, &brand, "editor@brand.example", Role::Editor).await,
            brand_auditor: member(store, &brand, "auditor@brand.example", Role::Auditor).await,
            brand_viewer: member(store, &brand, "viewer@brand.example", Role::Viewer).await,
            supplier_owner: member(store, &supplier, "owner@factory.example", Role::Owner).await,
            other_supplier_owner: member(store, &other_supplier, "owner@other.example", Role::Owner).await,
            brand,
            supplier,
            other_supplier,
        }
    }
}
