//! The carbon-account scheme's onboarding: methodologies through their review, sub-platforms with behaviours and
//! credentials, parent accounts and identity links — and who is refused.

use jiff::SignedDuration;
use jiff::civil::date;
use tanji_account::methodology::{
    ActivityUnit, Citation, Decision, Formula, RegistryError, ReviewAction, ReviewError, ReviewStage, published,
};
use tanji_store::account_links::NewLink;
use tanji_store::account_methodologies::Behaviour;
use tanji_store::account_methodologies::{
    CalendarDayKind, MethodologyError, NewMethodology, ReviewStep, SourceCheck, StoredMethodology,
};
use tanji_store::account_sub_platforms::{AllowedBehaviour, CredentialScope, NewSubPlatform};
use tanji_store::{Clock, Conflict, StoreError};
use tanji_tenancy::Actor;
use tanji_tenancy::member::Role;
use tanji_tenancy::organisation::{Organisation, OrganisationKind};

use crate::fixtures::{member, organisation};
use tanji_testkit::{TestDatabase, on_both_databases};

/// An operator with an editor (the author), two expert reviewers (auditors) and a viewer; its food-delivery
/// sub-platform's organisation; a second operator; a retailer running a scheme of its own; a supplier, who runs none.
struct Scheme {
    operator: Organisation,
    editor: Actor,
    expert_one: Actor,
    expert_two: Actor,
    viewer: Actor,
    owner: Actor,
    sub_platform_organisation: Organisation,
    sub_platform_owner: Actor,
    other_operator_owner: Actor,
    other_sub_platform_owner: Actor,
    retailer_owner: Actor,
    supplier_owner: Actor,
}

impl Scheme {
    async fn build(test: &TestDatabase) -> Self {
        let store = &test.store;
        let operator = organisation(store, "Operator 运营方", OrganisationKind::PlatformOperator).await;
        let other_operator = organisation(store, "Other operator 另一运营方", OrganisationKind::PlatformOperator).await;
        let sub_platform_organisation = organisation(store, "Delivery 外卖", OrganisationKind::SubPlatform).await;
        let other_sub_platform = organisation(store, "Other delivery 另一外卖", OrganisationKind::SubPlatform).await;
        let retailer = organisation(store, "Retailer 零售商", OrganisationKind::BrandRetailer).await;
        let supplier = organisation(store, "Supplier 供应商", OrganisationKind::Supplier).await;
        Self {
            owner: member(store, &operator, "owner@operator.example", Role::Owner).await,
            editor: member(store, &operator, "editor@operator.example", Role::Editor).await,
            expert_one: member(store, &operator, "expert1@operator.example", Role::Auditor).await,
            expert_two: member(store, &operator, "expert2@operator.example", Role::Auditor).await,
            viewer: member(store, &operator, "viewer@operator.example", Role::Viewer).await,
            sub_platform_owner: member(store, &sub_platform_organisation, "owner@delivery.example", Role::Owner).await,
            other_operator_owner: member(store, &other_operator, "owner@other-operator.example", Role::Owner).await,
            other_sub_platform_owner: member(store, &other_sub_platform, "owner@other-delivery.example", Role::Owner)
                .await,
            retailer_owner: member(store, &retailer, "owner@retailer.example", Role::Owner).await,
            supplier_owner: member(store, &supplier, "owner@supplier.example", Role::Owner).await,
            operator,
            sub_platform_organisation,
        }
    }
}

fn metro() -> NewMethodology {
    NewMethodology::parse(
        "metro_trip",
        "地铁出行",
        "Metro trip",
        published::shenzhen_metro(),
        published::shenzhen_public_transport_citation(),
        SourceCheck::Checked,
        200.0,
    )
    .unwrap()
}

fn no_cutlery(figure: f64) -> NewMethodology {
    NewMethodology::parse(
        "no_cutlery_order",
        "无需餐具订单",
        "Order without cutlery",
        Formula::PerUnit { unit: ActivityUnit::Order, reduction_per_unit_g_co2e: figure },
        Citation {
            title: "Test methodology".into(),
            publisher: "Test publisher".into(),
            version: None,
            year: None,
            region: None,
            licence: None,
            url: None,
        },
        SourceCheck::Unverified,
        20.0,
    )
    .unwrap()
}

fn review_error(result: Result<StoredMethodology, MethodologyError>) -> ReviewError {
    match result {
        Err(MethodologyError::Review(error)) => error,
        other => panic!("expected a review refusal, got {other:?}"),
    }
}

fn store_error(result: Result<StoredMethodology, MethodologyError>) -> StoreError {
    match result {
        Err(MethodologyError::Store(error)) => error,
        other => panic!("expected a store refusal, got {other:?}"),
    }
}

on_both_databases!(a_methodology_goes_through_review_to_approval_and_retirement);
async fn a_methodology_goes_through_review_to_approval_and_retirement(test: TestDatabase) {
    let store = &test.store;
    let scheme = Scheme::build(&test).await;
    let drafted = store.create_methodology(&scheme.editor, &metro()).await.unwrap();
    assert_eq!((drafted.number(), drafted.version_number()), (1, 1));
    assert_eq!(drafted.version.status.stage(), ReviewStage::Draft);
    assert_eq!(drafted.version.formula, published::shenzhen_metro());
    assert_eq!(drafted.steps.len(), 1);

    // Experts cannot sign off a draft; the author cannot review; a viewer may do nothing.
    let early = store.review_methodology(&scheme.expert_one, 1, 1, ReviewStep::SignOff(Decision::Approve)).await;
    assert_eq!(
        review_error(early),
        ReviewError::NotAllowed { action: ReviewAction::SignOff, status: ReviewStage::Draft }
    );
    let denied = store.review_methodology(&scheme.viewer, 1, 1, ReviewStep::SubmitForReview).await;
    assert!(matches!(store_error(denied), StoreError::Denied(_)));
    let editor_signs = store.review_methodology(&scheme.editor, 1, 1, ReviewStep::SignOff(Decision::Approve)).await;
    assert!(matches!(store_error(editor_signs), StoreError::Denied(_)), "editors are not on the committee");

    store.review_methodology(&scheme.editor, 1, 1, ReviewStep::SubmitForReview).await.unwrap();
    store.review_methodology(&scheme.expert_one, 1, 1, ReviewStep::SignOff(Decision::Approve)).await.unwrap();
    let twice = store.review_methodology(&scheme.expert_one, 1, 1, ReviewStep::SignOff(Decision::Approve)).await;
    assert!(matches!(review_error(twice), ReviewError::AlreadySignedOff { .. }));
    let too_few = store.review_methodology(&scheme.editor, 1, 1, ReviewStep::StartPublicNotice).await;
    assert_eq!(review_error(too_few), ReviewError::NotEnoughApprovals { have: 1, need: 2 });
    store.review_methodology(&scheme.expert_two, 1, 1, ReviewStep::SignOff(Decision::Approve)).await.unwrap();

    // The test clock starts on Monday 2026-03-02 (16:00 in China). A holiday on Wednesday the 4th and a make-up
    // working day on Saturday the 7th: seven working days are 2, 3, 5, 6, 7, 9, 10 March.
    store.set_calendar_day(&scheme.editor, date(2026, 3, 4), Some(CalendarDayKind::Holiday)).await.unwrap();
    store.set_calendar_day(&scheme.editor, date(2026, 3, 7), Some(CalendarDayKind::MakeUpWorkingDay)).await.unwrap();
    let notice = store.review_methodology(&scheme.editor, 1, 1, ReviewStep::StartPublicNotice).await.unwrap();
    assert_eq!(notice.version.status.code(), "public_notice");
    assert_eq!(
        notice.version.status,
        tanji_account::methodology::ReviewStatus::PublicNotice { from: date(2026, 3, 2), until: date(2026, 3, 10) }
    );
    let too_soon = store.review_methodology(&scheme.editor, 1, 1, ReviewStep::Approve).await;
    assert_eq!(review_error(too_soon), ReviewError::NoticeNotOver { until: date(2026, 3, 10) });

    test.clock.advance(SignedDuration::from_hours(24 * 9));
    let approved = store.review_methodology(&scheme.editor, 1, 1, ReviewStep::Approve).await.unwrap();
    assert_eq!(
        approved.version.status,
        tanji_account::methodology::ReviewStatus::Approved { effective_from: date(2026, 3, 11) }
    );
    let actions: Vec<&str> = approved.steps.iter().map(|step| step.action.as_str()).collect();
    assert_eq!(actions, ["draft", "submit_for_review", "sign_off", "sign_off", "start_public_notice", "approve"]);
    assert_eq!(approved.steps[2].by_user_id, Some(scheme.expert_one.user_id));
    assert_eq!(approved.steps[2].decision, Some(Decision::Approve));
    assert_eq!(approved.steps[3].by_label, "expert2@operator.example");

    // The registry rebuilt from the store credits the approved version from its effective day.
    let registry = store.methodology_registry(scheme.operator.id).await.unwrap();
    assert!(registry.crediting_version("metro_trip", date(2026, 3, 10)).is_none());
    assert_eq!(registry.crediting_version("metro_trip", date(2026, 3, 11)).unwrap().key.version, 1);

    test.clock.advance(SignedDuration::from_hours(24));
    let retired = store.review_methodology(&scheme.editor, 1, 1, ReviewStep::Retire).await.unwrap();
    assert_eq!(retired.version.status.code(), "retired");
    let registry = store.methodology_registry(scheme.operator.id).await.unwrap();
    assert!(registry.crediting_version("metro_trip", date(2026, 3, 12)).is_none());
    assert!(registry.crediting_version("metro_trip", date(2026, 3, 11)).is_some(), "earlier days keep their version");

    // Every step is in the audit log.
    let entries = store.list_audit_events(&scheme.owner, &Default::default()).await.unwrap();
    let methodology_entries = entries.iter().filter(|entry| entry.action.as_str().starts_with("methodology.")).count();
    assert_eq!(methodology_entries, 7);
}

on_both_databases!(versions_are_numbered_and_a_behaviour_has_one_methodology);
async fn versions_are_numbered_and_a_behaviour_has_one_methodology(test: TestDatabase) {
    let store = &test.store;
    let scheme = Scheme::build(&test).await;
    store.create_methodology(&scheme.editor, &metro()).await.unwrap();
    let second = store.create_methodology(&scheme.editor, &no_cutlery(1.0)).await.unwrap();
    assert_eq!(second.number(), 2);
    assert_eq!(second.source_check, SourceCheck::Unverified);
    let revision = store.create_methodology_version(&scheme.editor, 1, &metro()).await.unwrap();
    assert_eq!((revision.number(), revision.version_number()), (1, 2));
    // Another methodology cannot credit metro trips.
    match store.create_methodology(&scheme.editor, &metro()).await {
        Err(MethodologyError::Registry(RegistryError::BehaviourTaken { behaviour })) => {
            assert_eq!(behaviour, "metro_trip")
        }
        other => panic!("{other:?}"),
    }
    // A draft with an impossible figure is saved, but the domain refuses to submit it.
    store.create_methodology_version(&scheme.editor, 2, &no_cutlery(-3.0)).await.unwrap();
    let refused = store.review_methodology(&scheme.editor, 2, 2, ReviewStep::SubmitForReview).await;
    assert!(matches!(review_error(refused), ReviewError::InvalidParameter(_)));
    let listed = store.list_methodologies(&scheme.viewer).await.unwrap();
    let keys: Vec<(u32, u32)> = listed.iter().map(|stored| (stored.number(), stored.version_number())).collect();
    assert_eq!(keys, [(1, 1), (1, 2), (2, 1), (2, 2)]);
}

on_both_databases!(methodologies_are_the_operators_own);
async fn methodologies_are_the_operators_own(test: TestDatabase) {
    let store = &test.store;
    let scheme = Scheme::build(&test).await;
    store.create_methodology(&scheme.editor, &metro()).await.unwrap();
    // Another operator: its registry is empty, and ours reads as missing.
    assert!(store.list_methodologies(&scheme.other_operator_owner).await.unwrap().is_empty());
    assert!(matches!(store.methodology(&scheme.other_operator_owner, 1, 1).await, Err(StoreError::NotFound)));
    let step = store.review_methodology(&scheme.other_operator_owner, 1, 1, ReviewStep::SubmitForReview).await;
    assert!(matches!(store_error(step), StoreError::NotFound));
    // A sub-platform and a supplier run no scheme.
    for outsider in [&scheme.sub_platform_owner, &scheme.supplier_owner] {
        let drafted = store.create_methodology(outsider, &metro()).await;
        assert!(matches!(store_error(drafted), StoreError::Denied(_)));
    }
    assert!(matches!(store.list_methodologies(&scheme.supplier_owner).await, Err(StoreError::Denied(_))));
    // A retailer runs a scheme of its own (its 88碳账户): its registry starts empty and ours reads as missing.
    assert!(store.list_methodologies(&scheme.retailer_owner).await.unwrap().is_empty());
    assert!(matches!(store.methodology(&scheme.retailer_owner, 1, 1).await, Err(StoreError::NotFound)));
    let own = store.create_methodology(&scheme.retailer_owner, &metro()).await.unwrap();
    assert_eq!(own.number(), 1);
    assert_eq!(store.list_methodologies(&scheme.retailer_owner).await.unwrap().len(), 1);
    assert!(store.list_methodologies(&scheme.sub_platform_owner).await.unwrap().is_empty());
}

fn food_delivery(scheme: &Scheme, code: &str) -> NewSubPlatform {
    NewSubPlatform::parse(
        code,
        "绿行外卖",
        "Green-ride food delivery",
        Some(scheme.sub_platform_organisation.id),
        vec![AllowedBehaviour { behaviour: Behaviour::parse("metro_trip").unwrap(), methodology_number: 1 }],
    )
    .unwrap()
}

on_both_databases!(sub_platforms_are_registered_with_behaviours_and_credentials);
async fn sub_platforms_are_registered_with_behaviours_and_credentials(test: TestDatabase) {
    let store = &test.store;
    let scheme = Scheme::build(&test).await;
    store.create_methodology(&scheme.editor, &metro()).await.unwrap();
    // A behaviour that its methodology does not credit is refused, and so is an unknown methodology.
    let wrong = NewSubPlatform::parse(
        "food_delivery",
        "绿行外卖",
        "Food delivery",
        None,
        vec![AllowedBehaviour { behaviour: Behaviour::parse("no_cutlery_order").unwrap(), methodology_number: 1 }],
    )
    .unwrap();
    assert!(matches!(
        store.register_sub_platform(&scheme.owner, &wrong).await,
        Err(StoreError::Invalid(ref error)) if error.field == "behaviours"
    ));
    // Only the operator's owner registers; editors and sub-platforms are refused.
    for refused in [&scheme.editor, &scheme.sub_platform_owner] {
        assert!(matches!(
            store.register_sub_platform(refused, &food_delivery(&scheme, "food_delivery")).await,
            Err(StoreError::Denied(_))
        ));
    }
    let registered =
        store.register_sub_platform(&scheme.owner, &food_delivery(&scheme, "food_delivery")).await.unwrap();
    assert_eq!(registered.behaviours.len(), 1);
    assert_eq!(registered.organisation_name.as_deref(), Some("Delivery 外卖"));
    assert!(matches!(
        store.register_sub_platform(&scheme.owner, &food_delivery(&scheme, "food_delivery")).await,
        Err(StoreError::Conflict(Conflict::SubPlatformCode))
    ));

    let (credential, secret) = store
        .issue_sub_platform_credential(&scheme.owner, registered.id, "events", &[CredentialScope::EventsWrite])
        .await
        .unwrap();
    assert!(secret.starts_with("tanji_sub_") && secret.starts_with(&credential.secret_prefix));
    let caller = store.sub_platform_caller(&secret).await.unwrap().expect("a fresh credential works");
    assert_eq!((caller.sub_platform_id, caller.operator_id), (registered.id, scheme.operator.id));
    assert_eq!(caller.scopes, [CredentialScope::EventsWrite]);
    for wrong in ["tanji_sub_nope", "", &secret[..secret.len() - 1]] {
        assert!(store.sub_platform_caller(wrong).await.unwrap().is_none(), "{wrong:?}");
    }
    assert_eq!(store.sub_platform(&scheme.viewer, registered.id).await.unwrap().n_active_credentials, 1);
    // Another operator cannot revoke it; the owner can, once.
    assert!(matches!(
        store.revoke_sub_platform_credential(&scheme.other_operator_owner, registered.id, credential.id).await,
        Err(StoreError::NotFound)
    ));
    store.revoke_sub_platform_credential(&scheme.owner, registered.id, credential.id).await.unwrap();
    assert!(store.sub_platform_caller(&secret).await.unwrap().is_none(), "revoked at once");
    assert!(matches!(
        store.revoke_sub_platform_credential(&scheme.owner, registered.id, credential.id).await,
        Err(StoreError::Conflict(Conflict::AlreadyDone))
    ));
    let credentials = store.list_sub_platform_credentials(&scheme.owner, registered.id).await.unwrap();
    assert!(credentials[0].revoked_at.is_some());

    // Who sees the registration: the operator and the bound sub-platform; nobody else.
    assert_eq!(store.list_sub_platforms(&scheme.viewer).await.unwrap().len(), 1);
    assert_eq!(store.list_sub_platforms(&scheme.sub_platform_owner).await.unwrap().len(), 1);
    store.sub_platform(&scheme.sub_platform_owner, registered.id).await.unwrap();
    assert!(store.list_sub_platforms(&scheme.other_sub_platform_owner).await.unwrap().is_empty());
    assert!(store.list_sub_platforms(&scheme.other_operator_owner).await.unwrap().is_empty());
    for outsider in [&scheme.other_sub_platform_owner, &scheme.other_operator_owner] {
        assert!(matches!(store.sub_platform(outsider, registered.id).await, Err(StoreError::NotFound)));
    }
    assert!(matches!(store.sub_platform(&scheme.supplier_owner, registered.id).await, Err(StoreError::Denied(_))));
    assert!(matches!(store.sub_platform(&scheme.retailer_owner, registered.id).await, Err(StoreError::NotFound)));
    // The sub-platform does not manage its own credentials.
    assert!(matches!(
        store.list_sub_platform_credentials(&scheme.sub_platform_owner, registered.id).await,
        Err(StoreError::Denied(_))
    ));
}

on_both_databases!(identities_link_with_consent_and_unlinking_keeps_the_history);
async fn identities_link_with_consent_and_unlinking_keeps_the_history(test: TestDatabase) {
    let store = &test.store;
    let scheme = Scheme::build(&test).await;
    store.create_methodology(&scheme.editor, &metro()).await.unwrap();
    let sub_platform =
        store.register_sub_platform(&scheme.owner, &food_delivery(&scheme, "food_delivery")).await.unwrap();
    let person = store.open_parent_account(&scheme.editor, "王小明", Some("CN-GD")).await.unwrap();
    assert_eq!(person.person_number, 1);
    assert_eq!(store.open_parent_account(&scheme.editor, "李华", None).await.unwrap().person_number, 2);
    assert!(matches!(
        store.open_parent_account(&scheme.editor, "张三", Some("CN-XX")).await,
        Err(StoreError::Invalid(ref error)) if error.field == "province"
    ));
    let consent_at = test.clock.now() - SignedDuration::from_mins(5);
    let new_link = NewLink::parse(sub_platform.id, "rider-8841", 1, consent_at, "2026-01", "app").unwrap();
    assert!(
        matches!(NewLink::parse(sub_platform.id, "x", 1, consent_at, "2026-01", "fax"), Err(ref error) if error.field == "consent_channel")
    );

    // Only the operator's owners and editors link; the sub-platform itself and viewers may not.
    for refused in [&scheme.viewer, &scheme.sub_platform_owner] {
        assert!(matches!(store.link_identity(refused, &new_link).await, Err(StoreError::Denied(_))));
    }
    assert!(matches!(store.link_identity(&scheme.other_operator_owner, &new_link).await, Err(StoreError::NotFound)));
    let future = NewLink {
        consent: tanji_store::account_links::Consent {
            given_at: test.clock.now() + SignedDuration::from_hours(1),
            ..new_link.consent.clone()
        },
        ..new_link.clone()
    };
    assert!(matches!(store.link_identity(&scheme.editor, &future).await, Err(StoreError::Invalid(_))));

    let link = store.link_identity(&scheme.editor, &new_link).await.unwrap();
    assert_eq!(link.consent.wording_version, "2026-01");
    assert_eq!(link.consent.given_at, consent_at);
    assert!(matches!(
        store.link_identity(&scheme.editor, &new_link).await,
        Err(StoreError::Conflict(Conflict::IdentityLinked))
    ));
    assert_eq!(store.linked_parent_account(sub_platform.id, "rider-8841").await.unwrap().unwrap().person_number, 1);
    assert_eq!(store.sub_platform(&scheme.owner, sub_platform.id).await.unwrap().n_links_in_force, 1);

    // The sub-platform reads its links; another sub-platform and another operator read nothing.
    assert_eq!(store.list_identity_links(&scheme.sub_platform_owner, sub_platform.id).await.unwrap().len(), 1);
    for outsider in [&scheme.other_sub_platform_owner, &scheme.other_operator_owner] {
        assert!(matches!(store.list_identity_links(outsider, sub_platform.id).await, Err(StoreError::NotFound)));
    }
    assert!(matches!(
        store.unlink_identity(&scheme.sub_platform_owner, sub_platform.id, link.id).await,
        Err(StoreError::Denied(_))
    ));

    let unlinked = store.unlink_identity(&scheme.editor, sub_platform.id, link.id).await.unwrap();
    assert!(unlinked.unlinked_at.is_some());
    assert!(
        store.linked_parent_account(sub_platform.id, "rider-8841").await.unwrap().is_none(),
        "no credit after unlinking"
    );
    assert!(matches!(
        store.unlink_identity(&scheme.editor, sub_platform.id, link.id).await,
        Err(StoreError::Conflict(Conflict::AlreadyDone))
    ));
    // Linking again is a new link; the ended one stays in the history.
    let second = NewLink { person_number: 2, ..new_link };
    store.link_identity(&scheme.editor, &second).await.unwrap();
    let history = store.list_identity_links(&scheme.owner, sub_platform.id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history.iter().filter(|link| link.unlinked_at.is_none()).count(), 1);
    assert_eq!(store.linked_parent_account(sub_platform.id, "rider-8841").await.unwrap().unwrap().person_number, 2);
    let accounts = store.list_parent_accounts(&scheme.owner).await.unwrap();
    assert_eq!(accounts.iter().map(|account| account.n_links_in_force).collect::<Vec<_>>(), [0, 1]);
    assert!(matches!(store.list_parent_accounts(&scheme.sub_platform_owner).await, Err(StoreError::Denied(_))));
    assert!(store.list_parent_accounts(&scheme.other_operator_owner).await.unwrap().is_empty());
}
