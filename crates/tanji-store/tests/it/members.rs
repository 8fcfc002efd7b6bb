//! Members and roles: the operator adding people, changing roles, the last-owner rule, removal, isolation.
//! Owners invite people instead of adding them: see `member_invitations.rs`.

use tanji_store::{Conflict, LoginOutcome, NewToken, StoreError};
use tanji_tenancy::member::{Email, Password, Role};
use tanji_tenancy::token::{TokenName, TokenScopes};

use crate::fixtures::{PASSWORD, World, log_in, new_member, session_secret_and_actor};
use tanji_testkit::{TestDatabase, on_both_databases};

on_both_databases!(the_operator_adds_new_and_existing_people);
async fn the_operator_adds_new_and_existing_people(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let added =
        store.operator_add_member(world.brand.id, &new_member("new@brand.example", Role::Editor)).await.unwrap();
    assert_eq!(added.role, Role::Editor);
    assert_eq!(store.list_members(&world.brand_viewer).await.unwrap().len(), 5);

    // The supplier's owner joins the brand as a viewer: same person, second membership, old password.
    let mut existing = new_member("owner@factory.example", Role::Viewer);
    existing.initial_password = None;
    existing.display_name = None;
    store.operator_add_member(world.brand.id, &existing).await.unwrap();
    let memberships = store.memberships(world.supplier_owner.user_id).await.unwrap();
    assert_eq!(memberships.len(), 2);
    let as_brand_viewer = log_in(store, &world.brand, "owner@factory.example").await;
    assert_eq!(as_brand_viewer.role, Role::Viewer);

    let again = store.operator_add_member(world.brand.id, &existing).await;
    assert!(matches!(again, Err(StoreError::Conflict(Conflict::AlreadyMember))), "{again:?}");

    // A new person needs a password.
    let mut no_password = new_member("nopass@brand.example", Role::Viewer);
    no_password.initial_password = None;
    let refused = store.operator_add_member(world.brand.id, &no_password).await.unwrap_err();
    assert!(matches!(refused, StoreError::Invalid(ref error) if error.field == "password"), "{refused:?}");
    assert!(store.operator_find_user(&Email::parse("nopass@brand.example").unwrap()).await.unwrap().is_none());
}

on_both_databases!(an_organisation_always_keeps_an_owner);
async fn an_organisation_always_keeps_an_owner(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let owner = &world.brand_owner;
    let demote_self = store.change_member_role(owner, owner.user_id, Role::Editor).await;
    assert!(matches!(demote_self, Err(StoreError::Conflict(Conflict::LastOwner))), "{demote_self:?}");
    let remove_self = store.remove_member(owner, owner.user_id).await;
    assert!(matches!(remove_self, Err(StoreError::Conflict(Conflict::LastOwner))));

    store.change_member_role(owner, world.brand_editor.user_id, Role::Owner).await.unwrap();
    store.change_member_role(owner, owner.user_id, Role::Editor).await.unwrap();
    let members = store.list_members(&world.brand_viewer).await.unwrap();
    let owners: Vec<&str> =
        members.iter().filter(|member| member.role == Role::Owner).map(|member| member.user.email.as_str()).collect();
    assert_eq!(owners, ["editor@brand.example"]);
}

on_both_databases!(removing_a_member_ends_their_sessions_and_tokens);
async fn removing_a_member_ends_their_sessions_and_tokens(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let (session_secret, editor) = session_secret_and_actor(store, &world.brand, "editor@brand.example").await;
    let new_token = NewToken {
        name: TokenName::parse("ERP").unwrap(),
        scopes: TokenScopes::parse("read,write").unwrap(),
        expires_at: None,
    };
    let (_, token_secret) = store.create_token(&editor, &new_token).await.unwrap();
    assert!(store.token_actor(&token_secret).await.unwrap().is_some());

    store.remove_member(&world.brand_owner, editor.user_id).await.unwrap();
    assert!(store.session(&session_secret).await.unwrap().is_none());
    assert!(store.token_actor(&token_secret).await.unwrap().is_none());
    // They can still log in, but belong to no organisation now.
    let outcome = store.login("editor@brand.example", &Password::for_login(PASSWORD), None).await.unwrap();
    assert!(matches!(outcome, LoginOutcome::NoOrganisation), "{outcome:?}");
}

on_both_databases!(members_of_another_organisation_are_not_found);
async fn members_of_another_organisation_are_not_found(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let intruder = &world.supplier_owner;
    let victim = world.brand_owner.user_id;
    assert!(matches!(store.member(intruder, victim).await, Err(StoreError::NotFound)));
    assert!(matches!(store.change_member_role(intruder, victim, Role::Viewer).await, Err(StoreError::NotFound)));
    assert!(matches!(store.remove_member(intruder, victim).await, Err(StoreError::NotFound)));
    let listed = store.list_members(intruder).await.unwrap();
    assert!(listed.iter().all(|member| member.user.id != victim));
    assert_eq!(store.member(&world.brand_viewer, victim).await.unwrap().role, Role::Owner);
}

on_both_databases!(people_change_their_own_password);
async fn people_change_their_own_password(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let (other_session, _) = session_secret_and_actor(store, &world.brand, "viewer@brand.example").await;
    let user_id = world.brand_viewer.user_id;
    let wrong = store
        .change_password(
            user_id,
            &Password::for_login("not my password"),
            &Password::parse_new("a new pass phrase").unwrap(),
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(wrong, StoreError::Invalid(ref error) if error.field == "current_password"));
    store
        .change_password(
            user_id,
            &Password::for_login(PASSWORD),
            &Password::parse_new("a new pass phrase").unwrap(),
            None,
        )
        .await
        .unwrap();
    assert!(store.session(&other_session).await.unwrap().is_none(), "other sessions end");
    let old = store.login("viewer@brand.example", &Password::for_login(PASSWORD), None).await.unwrap();
    assert!(matches!(old, LoginOutcome::WrongCredentials));
    let new = store.login("viewer@brand.example", &Password::for_login("a new pass phrase"), None).await.unwrap();
    assert!(matches!(new, LoginOutcome::LoggedIn(_)));
}

on_both_databases!(two_owners_demoting_each_other_at_once_leave_one_owner);
async fn two_owners_demoting_each_other_at_once_leave_one_owner(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    store.change_member_role(&world.brand_owner, world.brand_editor.user_id, Role::Owner).await.unwrap();
    let second_owner = crate::fixtures::log_in(store, &world.brand, "editor@brand.example").await;
    let first = {
        let store = store.clone();
        let actor = world.brand_owner.clone();
        let target = second_owner.user_id;
        tokio::spawn(async move { store.change_member_role(&actor, target, Role::Viewer).await })
    };
    let second = {
        let store = store.clone();
        let actor = second_owner.clone();
        let target = world.brand_owner.user_id;
        tokio::spawn(async move { store.change_member_role(&actor, target, Role::Viewer).await })
    };
    let results = [first.await.unwrap(), second.await.unwrap()];
    let n_owners =
        store.list_members(&world.brand_viewer).await.unwrap().iter().filter(|m| m.role == Role::Owner).count();
    assert_eq!(n_owners, 1, "{results:?}");
    assert_eq!(results.iter().filter(|result| result.is_ok()).count(), 1, "{results:?}");
    // The loser is refused either because it is no longer an owner or because it would remove the last one.
    assert!(
        results.iter().any(|result| matches!(
            result,
            Err(StoreError::Denied(_)) | Err(StoreError::Conflict(Conflict::LastOwner))
        ))
    );
}

on_both_databases!(a_member_demoted_mid_request_can_no_longer_manage_members);
async fn a_member_demoted_mid_request_can_no_longer_manage_members(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    store.change_member_role(&world.brand_owner, world.brand_editor.user_id, Role::Owner).await.unwrap();
    // Their request began while they were an owner...
    let stale = crate::fixtures::log_in(store, &world.brand, "editor@brand.example").await;
    assert_eq!(stale.role, Role::Owner);
    // ...and they were demoted before it reached the store.
    store.change_member_role(&world.brand_owner, stale.user_id, Role::Viewer).await.unwrap();
    let attempt = store.invite_member(&stale, &Email::parse("sneaky@brand.example").unwrap(), Role::Owner).await;
    assert!(matches!(attempt, Err(StoreError::Denied(_))), "{attempt:?}");
    let attempt = store.change_member_role(&stale, stale.user_id, Role::Owner).await;
    assert!(matches!(attempt, Err(StoreError::Denied(_))), "{attempt:?}");
}
