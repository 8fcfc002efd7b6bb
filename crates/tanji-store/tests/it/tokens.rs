//! API tokens: scopes bounded by role, revocation, expiry, and isolation.

use jiff::SignedDuration;
use tanji_store::{Clock, Conflict, NewToken, StoreError};
use tanji_tenancy::Permission;
use tanji_tenancy::access::Credential;
use tanji_tenancy::member::Role;
use tanji_tenancy::token::{TokenName, TokenScopes};

use crate::fixtures::World;
use tanji_testkit::{TestDatabase, on_both_databases};

fn new_token(scopes: &str, expires_at: Option<jiff::Timestamp>) -> NewToken {
    NewToken { name: TokenName::parse("ERP export").unwrap(), scopes: TokenScopes::parse(scopes).unwrap(), expires_at }
}

on_both_databases!(a_token_acts_for_its_creator_within_its_scopes);
async fn a_token_acts_for_its_creator_within_its_scopes(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let (token, secret) = store.create_token(&world.brand_editor, &new_token("read", None)).await.unwrap();
    assert!(secret.starts_with("tanji_pat_"));
    assert!(secret.starts_with(&token.secret_prefix));
    assert_ne!(secret, token.secret_prefix);

    let actor = store.token_actor(&secret).await.unwrap().expect("a fresh token works");
    assert_eq!(actor.organisation_id, world.brand.id);
    assert_eq!(actor.user_id, world.brand_editor.user_id);
    assert!(matches!(actor.credential, Credential::ApiToken { token_id, .. } if token_id == token.id));
    assert!(actor.may(Permission::ViewFacilities));
    assert!(!actor.may(Permission::EditFacilities), "read scope only");
    assert_eq!(actor.label, "token \"ERP export\" of editor@brand.example");

    // A demoted creator's token loses what the new role lacks, immediately.
    let (_, write_secret) = store.create_token(&world.brand_editor, &new_token("read,write", None)).await.unwrap();
    assert!(store.token_actor(&write_secret).await.unwrap().unwrap().may(Permission::EditFacilities));
    store.change_member_role(&world.brand_owner, world.brand_editor.user_id, Role::Viewer).await.unwrap();
    assert!(!store.token_actor(&write_secret).await.unwrap().unwrap().may(Permission::EditFacilities));

    for unknown in ["tanji_pat_nope", "", "Bearer x", &secret[..secret.len() - 1]] {
        assert!(store.token_actor(unknown).await.unwrap().is_none(), "{unknown:?}");
    }
}

on_both_databases!(scopes_cannot_exceed_the_creators_role);
async fn scopes_cannot_exceed_the_creators_role(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let attempt = store.create_token(&world.brand_editor, &new_token("read,admin", None)).await.unwrap_err();
    assert!(matches!(attempt, StoreError::Invalid(ref error) if error.field == "scopes"), "{attempt:?}");
    // Auditors may hold write tokens (for sign-offs); their role still keeps them from changing data.
    let attempt = store.create_token(&world.brand_auditor, &new_token("read,admin", None)).await.unwrap_err();
    assert!(matches!(attempt, StoreError::Invalid(_)));
    store.create_token(&world.brand_auditor, &new_token("read", None)).await.unwrap();
    let (_, auditor_secret) = store.create_token(&world.brand_auditor, &new_token("read,write", None)).await.unwrap();
    let auditor_actor = store.token_actor(&auditor_secret).await.unwrap().unwrap();
    assert!(!auditor_actor.may(tanji_tenancy::Permission::EditFacilities));
    assert!(auditor_actor.may(tanji_tenancy::Permission::VerifyInventory));
    // Viewers have no tokens at all.
    assert!(matches!(
        store.create_token(&world.brand_viewer, &new_token("read", None)).await,
        Err(StoreError::Denied(_))
    ));
    // A token without the admin scope cannot mint tokens, even for an owner.
    let (_, secret) = store.create_token(&world.brand_owner, &new_token("read,write", None)).await.unwrap();
    let token_actor = store.token_actor(&secret).await.unwrap().unwrap();
    assert!(matches!(store.create_token(&token_actor, &new_token("read", None)).await, Err(StoreError::Denied(_))));
}

on_both_databases!(revoked_and_expired_tokens_stop_working);
async fn revoked_and_expired_tokens_stop_working(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let (token, secret) = store.create_token(&world.brand_editor, &new_token("read", None)).await.unwrap();
    let revoked = store.revoke_token(&world.brand_editor, token.id).await.unwrap();
    assert!(revoked.revoked_at.is_some());
    assert!(store.token_actor(&secret).await.unwrap().is_none());
    let again = store.revoke_token(&world.brand_editor, token.id).await;
    assert!(matches!(again, Err(StoreError::Conflict(Conflict::AlreadyDone))));

    let expires_at = test.clock.now() + SignedDuration::from_hours(1);
    let (_, secret) = store.create_token(&world.brand_editor, &new_token("read", Some(expires_at))).await.unwrap();
    assert!(store.token_actor(&secret).await.unwrap().is_some());
    test.clock.advance(SignedDuration::from_hours(1));
    assert!(store.token_actor(&secret).await.unwrap().is_none());

    let past = test.clock.now() - SignedDuration::from_hours(1);
    let refused = store.create_token(&world.brand_editor, &new_token("read", Some(past))).await.unwrap_err();
    assert!(matches!(refused, StoreError::Invalid(ref error) if error.field == "expires_at"));
}

on_both_databases!(owners_see_all_tokens_others_only_their_own);
async fn owners_see_all_tokens_others_only_their_own(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let (editor_token, _) = store.create_token(&world.brand_editor, &new_token("read", None)).await.unwrap();
    let (auditor_token, _) = store.create_token(&world.brand_auditor, &new_token("read", None)).await.unwrap();
    assert_eq!(store.list_tokens(&world.brand_owner).await.unwrap().len(), 2);
    let editor_sees: Vec<_> = store.list_tokens(&world.brand_editor).await.unwrap().into_iter().map(|t| t.id).collect();
    assert_eq!(editor_sees, [editor_token.id]);
    // An editor cannot revoke the auditor's token; the owner can.
    let attempt = store.revoke_token(&world.brand_editor, auditor_token.id).await;
    assert!(matches!(attempt, Err(StoreError::NotFound)));
    store.revoke_token(&world.brand_owner, auditor_token.id).await.unwrap();
}

on_both_databases!(tokens_of_another_organisation_are_not_found);
async fn tokens_of_another_organisation_are_not_found(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let (theirs, secret) = store.create_token(&world.supplier_owner, &new_token("read", None)).await.unwrap();
    assert!(store.list_tokens(&world.brand_owner).await.unwrap().is_empty());
    assert!(matches!(store.revoke_token(&world.brand_owner, theirs.id).await, Err(StoreError::NotFound)));
    let actor = store.token_actor(&secret).await.unwrap().unwrap();
    assert_eq!(actor.organisation_id, world.supplier.id, "a token only ever acts in its own organisation");
}
