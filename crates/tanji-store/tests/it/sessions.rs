//! Console sessions: logging in, expiry, switching organisation, logging out.

use jiff::SignedDuration;
use tanji_store::{LoginOutcome, StoreError};
use tanji_tenancy::member::{Password, Role};
use tanji_tenancy::organisation::OrganisationKind;

use crate::fixtures::{PASSWORD, World, new_member, organisation, session_secret_and_actor};
use tanji_testkit::{TestDatabase, on_both_databases};

on_both_databases!(wrong_logins_are_indistinguishable);
async fn wrong_logins_are_indistinguishable(test: TestDatabase) {
    let store = &test.store;
    World::build(store).await;
    for (email, password) in [
        ("owner@brand.example", "wrong password"),
        ("nobody@brand.example", PASSWORD),
        ("not an email", PASSWORD),
        ("", ""),
    ] {
        let outcome = store.login(email, &Password::for_login(password), None).await.unwrap();
        assert!(matches!(outcome, LoginOutcome::WrongCredentials), "{email:?}: {outcome:?}");
    }
    // Logins are case-insensitive in the e-mail address.
    let outcome = store.login(" OWNER@Brand.Example ", &Password::for_login(PASSWORD), None).await.unwrap();
    assert!(matches!(outcome, LoginOutcome::LoggedIn(_)));
}

on_both_databases!(sessions_expire_after_twelve_hours_and_end_at_logout);
async fn sessions_expire_after_twelve_hours_and_end_at_logout(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let (secret, _) = session_secret_and_actor(store, &world.brand, "viewer@brand.example").await;
    let context = store.session(&secret).await.unwrap().unwrap();
    assert_eq!(context.user.email.as_str(), "viewer@brand.example");
    assert_eq!(context.csrf_token.len(), 43);
    test.clock.advance(SignedDuration::from_hours(12) - SignedDuration::from_secs(1));
    assert!(store.session(&secret).await.unwrap().is_some());
    test.clock.advance(SignedDuration::from_secs(1));
    assert!(store.session(&secret).await.unwrap().is_none());

    let (secret, _) = session_secret_and_actor(store, &world.brand, "viewer@brand.example").await;
    store.logout(&secret).await.unwrap();
    assert!(store.session(&secret).await.unwrap().is_none());
    store.logout(&secret).await.unwrap();
    assert!(store.session("made-up").await.unwrap().is_none());
}

on_both_databases!(members_of_several_organisations_switch_between_them);
async fn members_of_several_organisations_switch_between_them(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let mut consultant = new_member("consultant@verifier.example", Role::Auditor);
    store.operator_add_member(world.brand.id, &consultant).await.unwrap();
    consultant.initial_password = None;
    store.operator_add_member(world.supplier.id, &consultant).await.unwrap();

    let (secret, actor) = session_secret_and_actor(store, &world.brand, "consultant@verifier.example").await;
    assert_eq!(actor.organisation_id, world.brand.id);
    let context = store.session(&secret).await.unwrap().unwrap();
    assert_eq!(context.memberships.len(), 2);

    store.switch_organisation(&secret, world.supplier.id).await.unwrap();
    let context = store.session(&secret).await.unwrap().unwrap();
    assert_eq!(context.actor.organisation_id, world.supplier.id);
    assert_eq!(context.actor.organisation_kind, OrganisationKind::Supplier);

    // Not a member there: refused, and the session stays where it was.
    let refused = store.switch_organisation(&secret, world.other_supplier.id).await;
    assert!(matches!(refused, Err(StoreError::NotFound)));
    assert_eq!(store.session(&secret).await.unwrap().unwrap().actor.organisation_id, world.supplier.id);
}

on_both_databases!(people_without_an_organisation_cannot_open_a_session);
async fn people_without_an_organisation_cannot_open_a_session(test: TestDatabase) {
    let store = &test.store;
    let lonely = organisation(store, "Temporary", OrganisationKind::Supplier).await;
    let owner = crate::fixtures::member(store, &lonely, "a@temp.example", Role::Owner).await;
    store.operator_add_member(lonely.id, &new_member("b@temp.example", Role::Owner)).await.unwrap();
    store.remove_member(&owner, owner.user_id).await.unwrap();
    let outcome = store.login("a@temp.example", &Password::for_login(PASSWORD), None).await.unwrap();
    assert!(matches!(outcome, LoginOutcome::NoOrganisation), "{outcome:?}");
}
