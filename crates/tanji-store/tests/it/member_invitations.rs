//! Member invitations: owners invite, the invited person accepts (logged in, or by registering), nobody else can;
//! the answer to an owner never depends on whether an address has an account; expiry, withdrawal, isolation.

use jiff::SignedDuration;
use tanji_store::{AuditQuery, Clock, Conflict, LoginOutcome, NewInvitedAccount, Store, StoreError};
use tanji_tenancy::Actor;
use tanji_tenancy::audit::{AuditAction, AuditEvent};
use tanji_tenancy::member::{DisplayName, Email, Password, Role};
use tanji_tenancy::member_invitation::{JoinRefused, MemberInvitationState};

use crate::fixtures::{PASSWORD, World, log_in};
use tanji_testkit::{TestDatabase, on_both_databases};

fn email(raw: &str) -> Email {
    Email::parse(raw).unwrap()
}

fn account(password: &str) -> NewInvitedAccount {
    NewInvitedAccount {
        display_name: DisplayName::parse("钱晓燕").unwrap(),
        password: Password::parse_new(password).unwrap(),
    }
}

fn refused(result: Result<impl std::fmt::Debug, StoreError>) -> JoinRefused {
    match result {
        Err(StoreError::Conflict(Conflict::JoinRefused(refusal))) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn log_entries(store: &Store, actor: &Actor, action: AuditAction) -> Vec<AuditEvent> {
    let query = AuditQuery { action: Some(action), limit: 200, ..AuditQuery::default() };
    store.list_audit_events(actor, &query).await.unwrap()
}

async fn n_memberships(store: &Store, actor: &Actor) -> usize {
    store.memberships(actor.user_id).await.unwrap().len()
}

on_both_databases!(inviting_answers_the_same_for_known_and_unknown_addresses);
async fn inviting_answers_the_same_for_known_and_unknown_addresses(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    // One address has an account (the supplier's owner), the other none.
    let (known, known_code) =
        store.invite_member(&world.brand_owner, &email("owner@factory.example"), Role::Editor).await.unwrap();
    let (unknown, unknown_code) =
        store.invite_member(&world.brand_owner, &email("nobody@elsewhere.example"), Role::Editor).await.unwrap();
    assert!(known_code.starts_with("tanji_join_") && unknown_code.starts_with("tanji_join_"));
    assert_ne!(known_code, unknown_code);
    let now = test.clock.now();
    for invitation in [&known, &unknown] {
        assert_eq!(invitation.state(now), MemberInvitationState::Open);
        assert_eq!((invitation.role, invitation.organisation_id), (Role::Editor, world.brand.id));
        assert_eq!(invitation.expires_at, now + SignedDuration::from_hours(7 * 24));
        assert_eq!((invitation.accepted_at, invitation.accepted_by, invitation.revoked_at), (None, None, None));
    }
    // The audit entries have the same shape: the address as label, the role as the only change.
    let entries = log_entries(store, &world.brand_owner, AuditAction::MemberInvitationCreated).await;
    assert_eq!(entries.len(), 2);
    let shape = |event: &AuditEvent| (event.actor_label.clone(), event.changes.clone(), event.object_id.is_some());
    assert_eq!(shape(&entries[0]), shape(&entries[1]));
    assert_eq!(entries[0].object_label, "nobody@elsewhere.example");
    assert_eq!(entries[1].object_label, "owner@factory.example");

    // Nothing happened to the person who has an account: they are not a member until they accept.
    assert_eq!(n_memberships(store, &world.supplier_owner).await, 1);
    assert_eq!(store.list_members(&world.brand_owner).await.unwrap().len(), 4);
    let outcome = store.login("owner@factory.example", &Password::for_login(PASSWORD), Some(world.brand.id)).await;
    let Ok(LoginOutcome::LoggedIn(session)) = outcome else { panic!("{outcome:?}") };
    let session = store.session(&session.secret).await.unwrap().unwrap();
    assert_eq!(session.actor.organisation_id, world.supplier.id, "the brand is not among their organisations");
}

on_both_databases!(the_invited_person_accepts_once_and_becomes_a_member);
async fn the_invited_person_accepts_once_and_becomes_a_member(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    // Invited with capitals; logins and invitations are case-insensitive.
    let (invitation, code) =
        store.invite_member(&world.brand_owner, &email("Owner@Factory.EXAMPLE"), Role::Auditor).await.unwrap();
    let seen = store.member_invitation_by_code(&code).await.unwrap().expect("the code finds its invitation");
    assert_eq!(seen.organisation_name.as_str(), "Brand 品牌");
    assert_eq!((seen.role, seen.state), (Role::Auditor, MemberInvitationState::Open));
    assert_eq!(seen.masked_email, "o***@factory.example");
    assert!(seen.is_addressed_to(&email("owner@factory.example")));
    assert!(!seen.is_addressed_to(&email("owner@other.example")));

    let accepted = store.accept_member_invitation(world.supplier_owner.user_id, &code).await.unwrap();
    assert_eq!((accepted.accepted_by, accepted.role), (Some(world.supplier_owner.user_id), Role::Auditor));
    assert_eq!(accepted.state(test.clock.now()), MemberInvitationState::Accepted);
    assert_eq!(n_memberships(store, &world.supplier_owner).await, 2);
    assert_eq!(log_in(store, &world.brand, "owner@factory.example").await.role, Role::Auditor);
    let listed = store.list_member_invitations(&world.brand_owner).await.unwrap();
    assert_eq!(listed[0].id, invitation.id);
    assert_eq!(listed[0].state(test.clock.now()), MemberInvitationState::Accepted);
    assert_eq!(listed[0].accepted_by, Some(world.supplier_owner.user_id));
    assert_eq!(store.member_invitation_by_code(&code).await.unwrap().unwrap().state, MemberInvitationState::Accepted);
    // The brand's log says who accepted and who joined.
    let accepted = log_entries(store, &world.brand_owner, AuditAction::MemberInvitationAccepted).await;
    assert_eq!((accepted.len(), accepted[0].actor_user_id), (1, Some(world.supplier_owner.user_id)));
    assert_eq!(accepted[0].object_id, Some(invitation.id.to_string()));
    let added = log_entries(store, &world.brand_owner, AuditAction::MemberAdded).await;
    assert_eq!(added[0].object_label, "owner@factory.example");

    // A used link cannot be used again, by the same person or anyone else.
    let twice = store.accept_member_invitation(world.supplier_owner.user_id, &code).await;
    assert_eq!(refused(twice), JoinRefused::NotOpen(MemberInvitationState::Accepted));
    let registered = store.register_from_member_invitation(&code, &account("a long enough password")).await;
    assert_eq!(refused(registered), JoinRefused::NotOpen(MemberInvitationState::Accepted));
    assert_eq!(log_entries(store, &world.brand_owner, AuditAction::MemberInvitationAccepted).await.len(), 1);
}

on_both_databases!(only_the_invited_address_may_accept);
async fn only_the_invited_address_may_accept(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let (_, code) =
        store.invite_member(&world.brand_owner, &email("owner@factory.example"), Role::Owner).await.unwrap();
    let wrong = store.accept_member_invitation(world.other_supplier_owner.user_id, &code).await;
    assert_eq!(refused(wrong), JoinRefused::NotTheInvitee);
    assert_eq!(n_memberships(store, &world.other_supplier_owner).await, 1);
    // A member of the organisation cannot take it either, even to change their own role.
    let member = store.accept_member_invitation(world.brand_viewer.user_id, &code).await;
    assert_eq!(refused(member), JoinRefused::NotTheInvitee);
    // The invitation is still open for the right person.
    store.accept_member_invitation(world.supplier_owner.user_id, &code).await.unwrap();

    // Someone who is already a member gets a clear refusal, and keeps their role.
    let (_, code) = store.invite_member(&world.brand_owner, &email("viewer@brand.example"), Role::Owner).await.unwrap();
    let already = store.accept_member_invitation(world.brand_viewer.user_id, &code).await;
    assert_eq!(refused(already), JoinRefused::AlreadyMember);
    assert_eq!(store.member(&world.brand_owner, world.brand_viewer.user_id).await.unwrap().role, Role::Viewer);

    for made_up in ["tanji_join_made_up", "tanji_inv_made_up", ""] {
        assert!(store.member_invitation_by_code(made_up).await.unwrap().is_none());
        let attempt = store.accept_member_invitation(world.supplier_owner.user_id, made_up).await;
        assert!(matches!(attempt, Err(StoreError::NotFound)), "{made_up}: {attempt:?}");
    }
}

on_both_databases!(invitations_expire_after_seven_days);
async fn invitations_expire_after_seven_days(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let (_, known) =
        store.invite_member(&world.brand_owner, &email("owner@factory.example"), Role::Editor).await.unwrap();
    let (_, unknown) =
        store.invite_member(&world.brand_owner, &email("new@person.example"), Role::Editor).await.unwrap();
    test.clock.advance(SignedDuration::from_hours(7 * 24) - SignedDuration::from_secs(1));
    assert_eq!(store.member_invitation_by_code(&known).await.unwrap().unwrap().state, MemberInvitationState::Open);
    test.clock.advance(SignedDuration::from_secs(1));
    let expired = JoinRefused::NotOpen(MemberInvitationState::Expired);
    assert_eq!(store.member_invitation_by_code(&known).await.unwrap().unwrap().state, MemberInvitationState::Expired);
    assert_eq!(refused(store.accept_member_invitation(world.supplier_owner.user_id, &known).await), expired);
    assert_eq!(
        refused(store.register_from_member_invitation(&unknown, &account("a long enough password")).await),
        expired
    );
    assert!(store.operator_find_user(&email("new@person.example")).await.unwrap().is_none());
    // An expired invitation is no longer open, so there is nothing to withdraw.
    let id = store.list_member_invitations(&world.brand_owner).await.unwrap()[0].id;
    let withdraw = store.revoke_member_invitation(&world.brand_owner, id).await;
    assert!(matches!(withdraw, Err(StoreError::Conflict(Conflict::AlreadyDone))), "{withdraw:?}");
}

on_both_databases!(a_withdrawn_invitation_cannot_be_used);
async fn a_withdrawn_invitation_cannot_be_used(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let (invitation, code) =
        store.invite_member(&world.brand_owner, &email("owner@factory.example"), Role::Editor).await.unwrap();
    let revoked = store.revoke_member_invitation(&world.brand_owner, invitation.id).await.unwrap();
    assert_eq!(revoked.state(test.clock.now()), MemberInvitationState::Revoked);
    let revoked_state = JoinRefused::NotOpen(MemberInvitationState::Revoked);
    assert_eq!(refused(store.accept_member_invitation(world.supplier_owner.user_id, &code).await), revoked_state);
    assert_eq!(n_memberships(store, &world.supplier_owner).await, 1);
    let again = store.revoke_member_invitation(&world.brand_owner, invitation.id).await;
    assert!(matches!(again, Err(StoreError::Conflict(Conflict::AlreadyDone))), "{again:?}");
    let entries = log_entries(store, &world.brand_owner, AuditAction::MemberInvitationRevoked).await;
    assert_eq!((entries.len(), entries[0].object_id.clone()), (1, Some(invitation.id.to_string())));
}

on_both_databases!(only_owners_invite_list_and_withdraw);
async fn only_owners_invite_list_and_withdraw(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let (invitation, _) =
        store.invite_member(&world.brand_owner, &email("x@person.example"), Role::Viewer).await.unwrap();
    for actor in [&world.brand_editor, &world.brand_auditor, &world.brand_viewer] {
        let invite = store.invite_member(actor, &email("y@person.example"), Role::Owner).await;
        assert!(matches!(invite, Err(StoreError::Denied(_))), "{invite:?}");
        assert!(matches!(store.list_member_invitations(actor).await, Err(StoreError::Denied(_))));
        let revoke = store.revoke_member_invitation(actor, invitation.id).await;
        assert!(matches!(revoke, Err(StoreError::Denied(_))), "{revoke:?}");
    }
    assert_eq!(store.list_member_invitations(&world.brand_owner).await.unwrap().len(), 1);
    assert_eq!(log_entries(store, &world.brand_owner, AuditAction::MemberInvitationCreated).await.len(), 1);
}

on_both_databases!(another_organisation_cannot_see_or_withdraw_invitations);
async fn another_organisation_cannot_see_or_withdraw_invitations(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let (invitation, code) =
        store.invite_member(&world.brand_owner, &email("x@person.example"), Role::Viewer).await.unwrap();
    let intruder = &world.other_supplier_owner;
    assert!(matches!(store.revoke_member_invitation(intruder, invitation.id).await, Err(StoreError::NotFound)));
    assert!(store.list_member_invitations(intruder).await.unwrap().is_empty());
    assert_eq!(store.member_invitation_by_code(&code).await.unwrap().unwrap().state, MemberInvitationState::Open);
    assert!(log_entries(store, intruder, AuditAction::MemberInvitationCreated).await.is_empty());
}

on_both_databases!(a_new_person_registers_from_an_invitation);
async fn a_new_person_registers_from_an_invitation(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let (_, code) = store.invite_member(&world.brand_owner, &email("qian@brand.example"), Role::Editor).await.unwrap();
    let member = store.register_from_member_invitation(&code, &account("qian's own pass phrase")).await.unwrap();
    assert_eq!(member.user.email.as_str(), "qian@brand.example");
    assert_eq!((member.role, member.user.display_name.as_str()), (Role::Editor, "钱晓燕"));
    let outcome = store.login("qian@brand.example", &Password::for_login("qian's own pass phrase"), None).await;
    assert!(matches!(outcome, Ok(LoginOutcome::LoggedIn(_))), "{outcome:?}");
    assert_eq!(store.list_members(&world.brand_owner).await.unwrap().len(), 5);
    let accepted = log_entries(store, &world.brand_owner, AuditAction::MemberInvitationAccepted).await;
    assert_eq!(accepted[0].actor_user_id, Some(member.user.id));
}

on_both_databases!(registering_an_address_that_has_an_account_creates_nothing);
async fn registering_an_address_that_has_an_account_creates_nothing(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let (_, code) =
        store.invite_member(&world.brand_owner, &email("owner@factory.example"), Role::Owner).await.unwrap();
    let attempt = store.register_from_member_invitation(&code, &account("the owner's takeover")).await;
    assert_eq!(refused(attempt), JoinRefused::AccountExists);
    // The account is untouched: its password works, the attempted one does not, and it joined nothing.
    let old = store.login("owner@factory.example", &Password::for_login(PASSWORD), None).await.unwrap();
    assert!(matches!(old, LoginOutcome::LoggedIn(_)));
    let new = store.login("owner@factory.example", &Password::for_login("the owner's takeover"), None).await.unwrap();
    assert!(matches!(new, LoginOutcome::WrongCredentials));
    assert_eq!(n_memberships(store, &world.supplier_owner).await, 1);
    assert!(log_entries(store, &world.brand_owner, AuditAction::MemberInvitationAccepted).await.is_empty());
    // The invitation stays open for its holder to log in and accept.
    assert_eq!(store.member_invitation_by_code(&code).await.unwrap().unwrap().state, MemberInvitationState::Open);
    store.accept_member_invitation(world.supplier_owner.user_id, &code).await.unwrap();
}
