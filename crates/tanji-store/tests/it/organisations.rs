//! Organisation profiles and tenant registration.

use tanji_store::{AuditQuery, Clock, Conflict, StoreError};
use tanji_tenancy::Permission;
use tanji_tenancy::member::{Email, Role};
use tanji_tenancy::member_invitation::MemberInvitationState;
use tanji_tenancy::organisation::{OrganisationKind, OrganisationProfile};

use crate::fixtures::{World, log_in, member, organisation, profile};
use tanji_testkit::{TestDatabase, on_both_databases};

on_both_databases!(owners_edit_their_profile_and_the_change_is_audited);
async fn owners_edit_their_profile_and_the_change_is_audited(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let new_profile = OrganisationProfile::parse("Brand 品牌 (Group)", "cn", Some("91350100M000100Y43")).unwrap();
    let updated = store.update_organisation(&world.brand_owner, &new_profile).await.unwrap();
    assert_eq!(updated.name.as_str(), "Brand 品牌 (Group)");
    assert_eq!(store.organisation(&world.brand_viewer).await.unwrap(), updated);

    let log = store.list_audit_events(&world.brand_auditor, &Default::default()).await.unwrap();
    let entry = &log[0];
    assert_eq!(entry.action.as_str(), "organisation.updated");
    assert_eq!(entry.actor_label, "owner@brand.example");
    let changed: Vec<&str> = entry.changes.iter().map(|change| change.field.as_str()).collect();
    assert_eq!(changed, ["name", "credit_code"]);

    // Editors may not.
    let denied = store.update_organisation(&world.brand_editor, &profile("Renamed")).await.unwrap_err();
    assert!(matches!(denied, StoreError::Denied(d) if d.permission == Permission::EditOrganisation));
}

on_both_databases!(organisation_names_and_credit_codes_are_unique);
async fn organisation_names_and_credit_codes_are_unique(test: TestDatabase) {
    let store = &test.store;
    let first = OrganisationProfile::parse("Acme", "CN", Some("91350100M000100Y43")).unwrap();
    store.operator_register_organisation(&first, OrganisationKind::Supplier).await.unwrap();
    let same_name = store.operator_register_organisation(&profile("Acme"), OrganisationKind::Supplier).await;
    assert!(matches!(same_name, Err(StoreError::Conflict(Conflict::OrganisationName))), "{same_name:?}");
    let same_code = OrganisationProfile::parse("Acme Two", "CN", Some("91350100M000100Y43")).unwrap();
    let same_code = store.operator_register_organisation(&same_code, OrganisationKind::Supplier).await;
    assert!(matches!(same_code, Err(StoreError::Conflict(Conflict::CreditCode))), "{same_code:?}");
    // Organisations without a code do not clash with each other.
    store.operator_register_organisation(&profile("Beta"), OrganisationKind::Supplier).await.unwrap();
    store.operator_register_organisation(&profile("Gamma"), OrganisationKind::Supplier).await.unwrap();
}

on_both_databases!(only_platform_operators_register_and_list_tenants);
async fn only_platform_operators_register_and_list_tenants(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let platform = organisation(store, "Platform", OrganisationKind::PlatformOperator).await;
    let operator = member(store, &platform, "ops@platform.example", Role::Owner).await;

    let (registered, no_owner) = store
        .register_organisation(&operator, &profile("New Supplier"), OrganisationKind::Supplier, None)
        .await
        .unwrap();
    assert!(no_owner.is_none());
    let tenants = store.list_tenants(&operator).await.unwrap();
    assert_eq!(tenants.len(), 5);
    let brand = tenants.iter().find(|tenant| tenant.organisation.id == world.brand.id).unwrap();
    assert_eq!(brand.n_members, 4);
    assert!(tenants.iter().any(|tenant| tenant.organisation.id == registered.id));

    for actor in [&world.brand_owner, &world.supplier_owner] {
        assert!(matches!(store.list_tenants(actor).await, Err(StoreError::Denied(_))));
        let attempt = store.register_organisation(actor, &profile("Sneaky"), OrganisationKind::Supplier, None).await;
        assert!(matches!(attempt, Err(StoreError::Denied(_))));
    }
}

on_both_databases!(a_registered_organisation_invites_its_first_owner_who_joins_only_by_accepting);
async fn a_registered_organisation_invites_its_first_owner_who_joins_only_by_accepting(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let platform = organisation(store, "Platform", OrganisationKind::PlatformOperator).await;
    let operator = member(store, &platform, "ops@platform.example", Role::Owner).await;

    // The supplier's owner has an account; registering a tenant for them attaches nothing.
    let existing = Email::parse("owner@factory.example").unwrap();
    let (registered, invitation) = store
        .register_organisation(&operator, &profile("绿洲超市"), OrganisationKind::BrandRetailer, Some(&existing))
        .await
        .unwrap();
    let (invitation, code) = invitation.expect("an owner invitation");
    assert!(code.starts_with("tanji_join_"));
    assert_eq!((invitation.organisation_id, invitation.role), (registered.id, Role::Owner));
    assert_eq!(invitation.email, existing);
    assert_eq!(invitation.created_by, operator.user_id);
    assert_eq!(invitation.state(test.clock.now()), MemberInvitationState::Open);
    let tenant = |tenants: Vec<tanji_store::TenantSummary>| {
        tenants.into_iter().find(|tenant| tenant.organisation.id == registered.id).unwrap()
    };
    assert_eq!(tenant(store.list_tenants(&operator).await.unwrap()).n_members, 0);
    assert_eq!(store.memberships(world.supplier_owner.user_id).await.unwrap().len(), 1);

    // Accepting makes them its owner, although the organisation has no owner yet.
    store.accept_member_invitation(world.supplier_owner.user_id, &code).await.unwrap();
    let owner = log_in(store, &registered, "owner@factory.example").await;
    assert_eq!(owner.role, Role::Owner);
    assert!(owner.may(Permission::ManageMembers));
    assert_eq!(tenant(store.list_tenants(&operator).await.unwrap()).n_members, 1);

    // The new organisation's log: registered, invited (both by the operator), accepted, added; then the login above.
    let log = store.list_audit_events(&owner, &AuditQuery::default()).await.unwrap();
    let actions: Vec<(&str, &str)> =
        log.iter().rev().map(|entry| (entry.action.as_str(), entry.actor_label.as_str())).collect();
    assert_eq!(
        actions[..4],
        [
            ("organisation.registered", "ops@platform.example"),
            ("member_invitation.created", "ops@platform.example"),
            ("member_invitation.accepted", "owner@factory.example"),
            ("member.added", "owner@factory.example"),
        ]
    );
}
