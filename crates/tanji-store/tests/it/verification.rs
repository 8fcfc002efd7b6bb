//! Verification bodies: an organisation engages one, the body's auditors verify there as auditors without being
//! members, and lose access when the engagement ends. Every refusal is tested.

use tanji_store::{Conflict, LoginOutcome, StoreError};
use tanji_tenancy::member::{Password, Role};
use tanji_tenancy::organisation::OrganisationKind;
use tanji_tenancy::{OrganisationId, Permission};

use crate::fixtures::{PASSWORD, World, member, organisation, session_secret_and_actor};
use tanji_testkit::{TestDatabase, on_both_databases};

/// A world with a verification body that has an owner and an auditor (the verifier).
async fn with_body(store: &tanji_store::Store) -> (World, tanji_tenancy::organisation::Organisation) {
    let world = World::build(store).await;
    let body = organisation(store, "Verifier 核查机构", OrganisationKind::VerificationBody).await;
    member(store, &body, "owner@body.example", Role::Owner).await;
    member(store, &body, "verifier@body.example", Role::Auditor).await;
    (world, body)
}

async fn login_to(store: &tanji_store::Store, email: &str, organisation: OrganisationId) -> Option<OrganisationId> {
    let outcome = store.login(email, &Password::for_login(PASSWORD), Some(organisation)).await.unwrap();
    let LoginOutcome::LoggedIn(session) = outcome else { panic!("{email}: {outcome:?}") };
    store.session(&session.secret).await.unwrap().map(|context| context.actor.organisation_id)
}

on_both_databases!(an_engaged_verifier_acts_as_an_auditor_without_being_a_member);
async fn an_engaged_verifier_acts_as_an_auditor_without_being_a_member(test: TestDatabase) {
    let store = &test.store;
    let (world, body) = with_body(store).await;

    // Before the engagement, the verifier cannot act in the supplier.
    assert_eq!(login_to(store, "verifier@body.example", world.supplier.id).await, Some(body.id));

    let engagement = store.engage_verification_body(&world.supplier_owner, body.id).await.unwrap();
    assert!(engagement.is_open());
    assert_eq!(engagement.verification_body_name, "Verifier 核查机构");

    let (secret, verifier) = session_secret_and_actor(store, &world.supplier, "verifier@body.example").await;
    assert_eq!(verifier.role, Role::Auditor);
    assert_eq!(verifier.organisation_kind, OrganisationKind::Supplier);
    assert!(verifier.may(Permission::VerifyInventory) && verifier.may(Permission::VerifyFootprints));
    assert!(!verifier.may(Permission::EditInventory) && !verifier.may(Permission::PublishLabels));
    // It is not a membership: the supplier's member list does not show the verifier.
    let members = store.list_members(&world.supplier_owner).await.unwrap();
    assert!(members.iter().all(|member| member.user.email.as_str() != "verifier@body.example"));
    // The switcher offers both: the body (membership) and the supplier (engagement).
    let context = store.session(&secret).await.unwrap().unwrap();
    let reachable: Vec<OrganisationId> =
        context.memberships.iter().map(|membership| membership.organisation_id).collect();
    assert!(reachable.contains(&body.id) && reachable.contains(&world.supplier.id), "{reachable:?}");
    assert!(!reachable.contains(&world.brand.id), "only the engaging organisation: {reachable:?}");
    store.switch_organisation(&secret, body.id).await.unwrap();
    store.switch_organisation(&secret, world.supplier.id).await.unwrap();
    assert!(matches!(store.switch_organisation(&secret, world.brand.id).await, Err(StoreError::NotFound)));

    // Both sides see the engagement, and its start is in both audit logs.
    let body_owner = session_secret_and_actor(store, &body, "owner@body.example").await.1;
    assert_eq!(store.verification_engagements(&body_owner).await.unwrap().len(), 1);
    let started = tanji_store::AuditQuery {
        action: Some(tanji_tenancy::audit::AuditAction::VerificationEngagementStarted),
        limit: 10,
        ..Default::default()
    };
    for owner in [&world.supplier_owner, &body_owner] {
        assert_eq!(store.list_audit_events(owner, &started).await.unwrap().len(), 1, "in both audit logs");
    }
    assert_eq!(store.verification_engagements(&world.supplier_owner).await.unwrap()[0].id, engagement.id);
    assert!(store.verification_engagements(&world.brand_owner).await.unwrap().is_empty(), "others see nothing");

    // Ending it takes the access away at once, from the live session too.
    store.end_verification_engagement(&world.supplier_owner, &engagement.id).await.unwrap();
    assert!(store.session(&secret).await.unwrap().is_none(), "the session in the supplier ends with the engagement");
    assert_eq!(login_to(store, "verifier@body.example", world.supplier.id).await, Some(body.id));
    assert!(matches!(
        store.end_verification_engagement(&world.supplier_owner, &engagement.id).await,
        Err(StoreError::Conflict(Conflict::AlreadyDone))
    ));
}

on_both_databases!(only_owners_engage_only_verification_bodies_and_only_their_auditors_get_in);
async fn only_owners_engage_only_verification_bodies_and_only_their_auditors_get_in(test: TestDatabase) {
    let store = &test.store;
    let (world, body) = with_body(store).await;

    for actor in [&world.brand_editor, &world.brand_auditor, &world.brand_viewer] {
        assert!(
            matches!(store.engage_verification_body(actor, body.id).await, Err(StoreError::Denied(_))),
            "{:?}",
            actor.role
        );
    }
    // Only a verification body can be engaged, and not by itself; an unknown id is not found either.
    for not_a_body in [world.supplier.id, world.brand.id, OrganisationId::from_uuid(uuid::Uuid::nil())] {
        assert!(matches!(
            store.engage_verification_body(&world.brand_owner, not_a_body).await,
            Err(StoreError::NotFound)
        ));
    }
    let body_owner = session_secret_and_actor(store, &body, "owner@body.example").await.1;
    assert!(matches!(store.engage_verification_body(&body_owner, body.id).await, Err(StoreError::Denied(_))));
    assert!(matches!(store.verification_bodies(&world.brand_editor).await, Err(StoreError::Denied(_))));
    let bodies = store.verification_bodies(&world.brand_owner).await.unwrap();
    assert_eq!(bodies.iter().map(|body| body.name.as_str()).collect::<Vec<_>>(), ["Verifier 核查机构"]);

    let engagement = store.engage_verification_body(&world.brand_owner, body.id).await.unwrap();
    assert!(matches!(
        store.engage_verification_body(&world.brand_owner, body.id).await,
        Err(StoreError::Conflict(Conflict::AlreadyDone))
    ));
    // The body's owner runs the body; only its auditors act in the engaging organisation.
    assert_eq!(login_to(store, "owner@body.example", world.brand.id).await, Some(body.id));
    assert_eq!(login_to(store, "verifier@body.example", world.brand.id).await, Some(world.brand.id));
    // Another organisation cannot end the brand's engagement, nor can the brand's editor.
    assert!(matches!(
        store.end_verification_engagement(&world.supplier_owner, &engagement.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.end_verification_engagement(&world.brand_editor, &engagement.id).await,
        Err(StoreError::Denied(_))
    ));
}

on_both_databases!(an_engaged_verifier_signs_for_the_body_as_registered);
async fn an_engaged_verifier_signs_for_the_body_as_registered(test: TestDatabase) {
    let store = &test.store;
    let (world, body) = with_body(store).await;
    store.engage_verification_body(&world.supplier_owner, body.id).await.unwrap();
    let verifier = session_secret_and_actor(store, &world.supplier, "verifier@body.example").await.1;
    let editor = member(store, &world.supplier, "editor@factory.example", Role::Editor).await;
    let product = crate::products::cup_with_footprint(store, &editor).await;
    let signed = store.verify_footprint(&verifier, &product, "Someone Else Ltd", "Verified.").await.unwrap();
    let sign_off = signed.sign_off.expect("signed");
    assert_eq!(sign_off.verifier_organisation, "Verifier 核查机构", "the registered body, not the typed name");
}

fn token(scopes: &str) -> tanji_store::NewToken {
    tanji_store::NewToken {
        name: tanji_tenancy::token::TokenName::parse("verification").unwrap(),
        scopes: tanji_tenancy::token::TokenScopes::parse(scopes).unwrap(),
        expires_at: None,
    }
}

on_both_databases!(an_engaged_verifiers_token_acts_as_its_auditor_until_the_engagement_ends);
async fn an_engaged_verifiers_token_acts_as_its_auditor_until_the_engagement_ends(test: TestDatabase) {
    let store = &test.store;
    let (world, body) = with_body(store).await;
    let engagement = store.engage_verification_body(&world.supplier_owner, body.id).await.unwrap();
    let verifier = session_secret_and_actor(store, &world.supplier, "verifier@body.example").await.1;

    // What the engagement grants, nothing more: an auditor may not make an admin token.
    assert!(matches!(store.create_token(&verifier, &token("read,admin")).await, Err(StoreError::Invalid(_))));
    let (made, secret) = store.create_token(&verifier, &token("read,write")).await.unwrap();
    assert_eq!(made.organisation_id, world.supplier.id, "the token acts in the engaging organisation");
    let actor = store.token_actor(&secret).await.unwrap().expect("the token works while engaged");
    assert_eq!((actor.organisation_id, actor.role), (world.supplier.id, Role::Auditor));
    assert_eq!(actor.organisation_kind, OrganisationKind::Supplier);
    assert!(actor.may(Permission::VerifyFootprints) && actor.may(Permission::VerifyInventory));
    assert!(!actor.may(Permission::EditInventory) && !actor.may(Permission::ManageAllTokens));
    // The supplier's owner sees the token among the organisation's and may revoke it.
    assert!(store.list_tokens(&world.supplier_owner).await.unwrap().iter().any(|listed| listed.id == made.id));
    // The operator's command line follows the same rule.
    let verifier_user = store
        .operator_find_user(&tanji_tenancy::member::Email::parse("verifier@body.example").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(store.operator_create_token(world.supplier.id, verifier_user.id, &token("read")).await.is_ok());
    assert!(matches!(
        store.operator_create_token(world.brand.id, verifier_user.id, &token("read")).await,
        Err(StoreError::NotFound)
    ));

    let (session_secret, _) = session_secret_and_actor(store, &world.supplier, "verifier@body.example").await;
    let (own_token, own_secret) = store.create_token(&world.supplier_owner, &token("read")).await.unwrap();

    store.end_verification_engagement(&world.supplier_owner, &engagement.id).await.unwrap();
    assert!(store.token_actor(&secret).await.unwrap().is_none(), "the token ends with the engagement");
    assert!(matches!(
        store.operator_create_token(world.supplier.id, verifier_user.id, &token("read")).await,
        Err(StoreError::NotFound)
    ));
    // Revoked, not just refused: the supplier's owner sees every token the verifier made there as revoked, while
    // the supplier's own tokens are untouched.
    let listed = store.list_tokens(&world.supplier_owner).await.unwrap();
    let verifiers: Vec<_> = listed.iter().filter(|listed| listed.created_by == verifier_user.id).collect();
    assert_eq!(verifiers.len(), 2);
    assert!(verifiers.iter().all(|listed| listed.revoked_at.is_some()), "{verifiers:?}");
    assert!(listed.iter().any(|listed| listed.id == own_token.id && listed.revoked_at.is_none()));
    assert!(store.token_actor(&own_secret).await.unwrap().is_some());

    // Engaging the body again does not bring the old token or session back: the verifier starts afresh.
    store.engage_verification_body(&world.supplier_owner, body.id).await.unwrap();
    assert!(store.token_actor(&secret).await.unwrap().is_none(), "a revoked token stays revoked");
    assert!(store.session(&session_secret).await.unwrap().is_none(), "the old session stays ended");
    let verifier = session_secret_and_actor(store, &world.supplier, "verifier@body.example").await.1;
    let (_, fresh) = store.create_token(&verifier, &token("read")).await.unwrap();
    assert!(store.token_actor(&fresh).await.unwrap().is_some(), "a new token works under the new engagement");
}

on_both_databases!(a_verifier_who_leaves_the_body_or_stops_being_its_auditor_loses_tokens_everywhere);
async fn a_verifier_who_leaves_the_body_or_stops_being_its_auditor_loses_tokens_everywhere(test: TestDatabase) {
    let store = &test.store;
    let (world, body) = with_body(store).await;
    store.engage_verification_body(&world.supplier_owner, body.id).await.unwrap();
    store.engage_verification_body(&world.brand_owner, body.id).await.unwrap();
    let body_owner = session_secret_and_actor(store, &body, "owner@body.example").await.1;
    let second = member(store, &body, "second@body.example", Role::Auditor).await;

    // The verifier has a token in each engaging organisation and one in the body itself.
    let in_supplier = session_secret_and_actor(store, &world.supplier, "verifier@body.example").await.1;
    let in_brand = session_secret_and_actor(store, &world.brand, "verifier@body.example").await.1;
    let in_body = session_secret_and_actor(store, &body, "verifier@body.example").await.1;
    let (_, supplier_secret) = store.create_token(&in_supplier, &token("read")).await.unwrap();
    let (_, brand_secret) = store.create_token(&in_brand, &token("read")).await.unwrap();
    let (_, body_secret) = store.create_token(&in_body, &token("read")).await.unwrap();
    let (brand_session, _) = session_secret_and_actor(store, &world.brand, "verifier@body.example").await;
    let (_, brand_own_secret) = store.create_token(&world.brand_editor, &token("read")).await.unwrap();

    // Made the body's viewer, the verifier no longer acts where it is engaged: those tokens are revoked; the token
    // in the body narrows with the role as any member's does.
    store.change_member_role(&body_owner, in_body.user_id, Role::Viewer).await.unwrap();
    for secret in [&supplier_secret, &brand_secret] {
        assert!(store.token_actor(secret).await.unwrap().is_none());
    }
    assert!(store.session(&brand_session).await.unwrap().is_none());
    let in_body_now = store.token_actor(&body_secret).await.unwrap().expect("still a member of the body");
    assert_eq!(in_body_now.role, Role::Viewer);
    store.change_member_role(&body_owner, in_body.user_id, Role::Auditor).await.unwrap();
    assert!(store.token_actor(&brand_secret).await.unwrap().is_none(), "made auditor again, nothing revives");
    let brand_tokens = store.list_tokens(&world.brand_owner).await.unwrap();
    assert!(brand_tokens.iter().filter(|listed| listed.created_by == in_body.user_id).all(|t| t.revoked_at.is_some()));

    // Removed from the body, the other auditor's tokens in the engaging organisations are revoked too; the
    // brand's own member keeps theirs.
    let second_in_brand = session_secret_and_actor(store, &world.brand, "second@body.example").await.1;
    let (_, second_secret) = store.create_token(&second_in_brand, &token("read")).await.unwrap();
    store.remove_member(&body_owner, second.user_id).await.unwrap();
    assert!(store.token_actor(&second_secret).await.unwrap().is_none());
    let listed = store.list_tokens(&world.brand_owner).await.unwrap();
    assert!(listed.iter().filter(|t| t.created_by == second.user_id).all(|t| t.revoked_at.is_some()));
    assert!(store.token_actor(&brand_own_secret).await.unwrap().is_some(), "members' tokens are untouched");
}

on_both_databases!(only_a_sign_off_for_an_engaged_body_is_verification_that_may_compare_in_public);
async fn only_a_sign_off_for_an_engaged_body_is_verification_that_may_compare_in_public(test: TestDatabase) {
    use tanji_footprint::{Assurance, ComparisonWithheld};
    let store = &test.store;
    let (world, body) = with_body(store).await;
    store.engage_verification_body(&world.supplier_owner, body.id).await.unwrap();
    let editor = member(store, &world.supplier, "editor@factory.example", Role::Editor).await;
    let own_auditor = member(store, &world.supplier, "auditor@factory.example", Role::Auditor).await;
    let verifier = session_secret_and_actor(store, &world.supplier, "verifier@body.example").await.1;

    // The supplier's own auditor signs off: internal review. The published summary leaves the comparison out.
    let reviewed = crate::products::cup_with_footprint(store, &editor).await;
    let signed = store.verify_footprint(&own_auditor, &reviewed, "谨衡碳核查中心", "Reviewed.").await.unwrap();
    assert_eq!(signed.verification_body_id, None);
    assert_eq!(signed.assurance(), Assurance::InternalReview);
    let published = store.publish_footprint(&editor, &reviewed).await.unwrap();
    assert_eq!(published.assurance(), Assurance::InternalReview);
    let summary = published.summary().unwrap();
    assert_eq!(summary.baseline, None, "a member's sign-off, whatever body it names, does not compare");
    assert_eq!(summary.comparison_withheld, Some(ComparisonWithheld::InternalReviewOnly));

    // The engaged body's verifier signs off the next footprint: third-party verification, the comparison goes out.
    let next = store.compute_footprint(&editor, &signed.product_id, None, None).await.unwrap();
    let signed = store.verify_footprint(&verifier, &next.id, "typed name", "Verified.").await.unwrap();
    assert_eq!(signed.verification_body_id, Some(body.id));
    assert_eq!(signed.assurance(), Assurance::Verified);
    let published = store.publish_footprint(&editor, &next.id).await.unwrap();
    assert_eq!(published.assurance(), Assurance::Verified);
    assert!(published.summary().unwrap().baseline.is_some(), "an independent verification compares");
    let public = store.public_label(&published.record.code, None).await.unwrap();
    assert_eq!(public.publication.assurance(), Assurance::Verified);
    let first = store.public_label(&published.record.code, Some(1)).await.unwrap();
    assert_eq!(first.publication.assurance(), Assurance::InternalReview, "each version keeps its own");
}
