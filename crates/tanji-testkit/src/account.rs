//! A carbon-account scheme ready to ingest events, for the event tests of the store, the server and the CLI: an
//! operator whose Shenzhen metro methodology (the published 46.7 g CO2/person-km) was approved after its expert
//! review and public notice in January 2026, two green-travel sub-platforms reporting metro trips, each with a
//! credential (`events:write`, `outcomes:read`), and people whose identities at the first one are linked.

use jiff::civil::{Date, date};
use tanji_account::methodology::{Decision, MethodologyId, MethodologyVersionKey, published};
use tanji_store::account_links::NewLink;
use tanji_store::account_methodologies::{Behaviour, NewMethodology, ReviewStep, SourceCheck};
use tanji_store::account_sub_platforms::{AllowedBehaviour, CredentialScope, NewSubPlatform};
use tanji_store::{NewMember, Store};
use tanji_tenancy::member::{DisplayName, Email, Password, Role};
use tanji_tenancy::organisation::{Organisation, OrganisationKind, OrganisationProfile};
use tanji_tenancy::{Actor, UserId};
use uuid::Uuid;

/// What [`metro_scheme`] built.
pub struct MetroScheme {
    pub operator: Organisation,
    pub owner: Actor,
    /// The sub-platform the people are linked at.
    pub sub_platform_id: Uuid,
    pub secret: String,
    /// A second sub-platform of the same operator (no links).
    pub other_sub_platform_id: Uuid,
    pub other_secret: String,
    /// Each person's identity at the first sub-platform and their person number.
    pub people: Vec<(String, u64)>,
}

async fn add_member(store: &Store, operator: &Organisation, email: &str, role: Role) -> UserId {
    let new = NewMember {
        email: Email::parse(email).expect("a valid e-mail address"),
        display_name: Some(DisplayName::parse(email.split('@').next().unwrap_or(email)).expect("a valid name")),
        role,
        initial_password: Some(Password::parse_new("correct horse battery staple").expect("a valid password")),
    };
    store.operator_add_member(operator.id, &new).await.expect("adding a member").user.id
}

/// Builds the scheme with `n_people` linked people (identities `rider-1`, `rider-2`, …), under an operator named
/// `name`.
pub async fn metro_scheme(store: &Store, name: &str, n_people: usize) -> MetroScheme {
    let profile = OrganisationProfile::parse(name, "CN", None).expect("a valid profile");
    let operator = store
        .operator_register_organisation(&profile, OrganisationKind::PlatformOperator)
        .await
        .expect("registering the operator");
    let slug: String = name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase();
    let owner_email = format!("owner@{slug}.example");
    let author = add_member(store, &operator, &owner_email, Role::Owner).await;
    let owner = store.operator_member_actor(&operator, &owner_email).await.expect("the owner as an actor");
    let expert_one = add_member(store, &operator, &format!("expert1@{slug}.example"), Role::Auditor).await;
    let expert_two = add_member(store, &operator, &format!("expert2@{slug}.example"), Role::Auditor).await;
    let metro = NewMethodology::parse(
        "metro_trip",
        "地铁出行",
        "Metro trip",
        published::shenzhen_metro(),
        published::shenzhen_public_transport_citation(),
        SourceCheck::Checked,
        100.0,
    )
    .expect("a valid methodology");
    let drafted = store
        .operator_create_methodology(operator.id, author, &metro, date(2026, 1, 5))
        .await
        .expect("drafting the methodology");
    let number = drafted.number();
    let key = MethodologyVersionKey { methodology_id: MethodologyId(number), version: 1 };
    let steps: [(ReviewStep, UserId, Date); 5] = [
        (ReviewStep::SubmitForReview, author, date(2026, 1, 5)),
        (ReviewStep::SignOff(Decision::Approve), expert_one, date(2026, 1, 8)),
        (ReviewStep::SignOff(Decision::Approve), expert_two, date(2026, 1, 8)),
        (ReviewStep::StartPublicNotice, author, date(2026, 1, 9)),
        (ReviewStep::Approve, author, date(2026, 1, 20)),
    ];
    for (step, by, on) in steps {
        store.operator_review_methodology(operator.id, key, step, by, on).await.expect("a review step");
    }
    let behaviour =
        AllowedBehaviour { behaviour: Behaviour::parse("metro_trip").expect("valid"), methodology_number: number };
    let mut sub_platforms = Vec::new();
    for (code, name_zh, name_en) in
        [("green_travel", "绿色出行", "Green travel"), ("metro_app", "地铁乘车码", "Metro app")]
    {
        let new = NewSubPlatform::parse(code, name_zh, name_en, None, vec![behaviour.clone()]).expect("valid");
        let registered = store.register_sub_platform(&owner, &new).await.expect("registering a sub-platform");
        let (_, secret) = store
            .issue_sub_platform_credential(
                &owner,
                registered.id,
                "gateway",
                &[CredentialScope::EventsWrite, CredentialScope::OutcomesRead],
            )
            .await
            .expect("issuing a credential");
        sub_platforms.push((registered.id, secret));
    }
    let consent_at = "2026-02-10T02:30:00Z".parse().expect("a valid time");
    let mut people = Vec::new();
    for index in 1..=n_people {
        let account =
            store.open_parent_account(&owner, &format!("person {index}"), Some("CN-GD")).await.expect("opening");
        let identity = format!("rider-{index}");
        let link = NewLink::parse(sub_platforms[0].0, &identity, account.person_number, consent_at, "2026-01", "app")
            .expect("a valid link");
        store.link_identity(&owner, &link).await.expect("linking");
        people.push((identity, account.person_number));
    }
    let (other_sub_platform_id, other_secret) = sub_platforms.pop().expect("two sub-platforms");
    let (sub_platform_id, secret) = sub_platforms.pop().expect("two sub-platforms");
    MetroScheme { operator, owner, sub_platform_id, secret, other_sub_platform_id, other_secret, people }
}
