//! Campaigns, badges and leaderboards of a carbon-account scheme (migration 0019), recomputed from the ledger, and
//! the person's own account through a pass — with who is refused. A property: the store's boards equal the domain's
//! recomputation from an in-memory ledger fed the same credits.

use crate::account_ledger::account_support;

use std::collections::BTreeMap;

use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use tanji_account::board::{BadgeRule, CampaignWindow, Entry, Leaderboards, campaign_score};
use tanji_account::ledger::Ledger;
use tanji_account::ledger::memory::{MemoryLedger, ready};
use tanji_account::methodology::{Decision, MethodologyId, MethodologyVersionKey};
use tanji_account::points::{Lots, PersonId, Spend, SpendError};
use tanji_account::rules::{self, Event};
use tanji_store::account_campaigns::{
    BadgeInput, HistoryKind, MilestoneBadge, NewCampaign, PersonSpendError, SchemeLots,
};
use tanji_store::account_methodologies::{NewMethodology, ReviewStep, SourceCheck};
use tanji_store::{NewMember, Store, StoreError};
use tanji_tenancy::access::Credential;
use tanji_tenancy::member::{Email, Role};
use tanji_tenancy::organisation::{Organisation, OrganisationKind};
use tanji_tenancy::{Actor, Permission};

use crate::fixtures::{member, organisation};
use tanji_testkit::{TestDatabase, on_both_databases};

fn t(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// A retailer running its own scheme, with its owner, a viewer and two experts; the Shenzhen metro methodology
/// approved in it (number 1, as the domain's test registry numbers it).
struct Scheme {
    retailer: Organisation,
    owner: Actor,
    viewer: Actor,
}

impl Scheme {
    async fn build(store: &Store) -> Self {
        let retailer = organisation(store, "Retailer 零售商", OrganisationKind::BrandRetailer).await;
        let owner = member(store, &retailer, "owner@retailer.example", Role::Owner).await;
        let viewer = member(store, &retailer, "viewer@retailer.example", Role::Viewer).await;
        let expert_one = member(store, &retailer, "expert1@retailer.example", Role::Auditor).await;
        let expert_two = member(store, &retailer, "expert2@retailer.example", Role::Auditor).await;
        let metro = NewMethodology::parse(
            "metro_trip",
            "地铁出行",
            "Metro trip",
            tanji_account::methodology::published::shenzhen_metro(),
            tanji_account::methodology::published::shenzhen_public_transport_citation(),
            SourceCheck::Checked,
            80.0,
        )
        .unwrap();
        store.operator_create_methodology(retailer.id, owner.user_id, &metro, date(2026, 1, 5)).await.unwrap();
        let key = MethodologyVersionKey { methodology_id: MethodologyId(1), version: 1 };
        for (step, by, on) in [
            (ReviewStep::SubmitForReview, owner.user_id, date(2026, 1, 5)),
            (ReviewStep::SignOff(Decision::Approve), expert_one.user_id, date(2026, 1, 8)),
            (ReviewStep::SignOff(Decision::Approve), expert_two.user_id, date(2026, 1, 8)),
            (ReviewStep::StartPublicNotice, owner.user_id, date(2026, 1, 9)),
            (ReviewStep::Approve, owner.user_id, date(2026, 1, 20)),
        ] {
            store.operator_review_methodology(retailer.id, key, step, by, on).await.unwrap();
        }
        Scheme { retailer, owner, viewer }
    }
}

/// Credits a metro trip of `km` to `person` at `at` through the scheme's rules, on the store's ledger.
async fn ride(store: &Store, owner: &Actor, person: u64, event_id: &str, at: Timestamp, km: f64) {
    let rules = account_support::rules();
    let registry = store.methodology_registry(owner.organisation_id).await.unwrap();
    let mut ledger = store.points_ledger(owner).await.unwrap();
    rules::open_scheme(&mut ledger, rules.chart, at).await.unwrap();
    let outcome = rules::ingest(&mut ledger, &rules, &registry, &account_support::metro(event_id, person, at, km), at)
        .await
        .unwrap();
    assert!(matches!(outcome, rules::Outcome::Credited { .. }), "{outcome:?}");
}

fn week() -> CampaignWindow {
    CampaignWindow { start: t("2026-06-01T00:00:00+08:00"), end: t("2026-06-08T00:00:00+08:00") }
}

fn green_week(provinces: &[&str]) -> NewCampaign {
    NewCampaign::parse(
        "green_week",
        "绿色出行周",
        "Green travel week",
        week().start,
        week().end,
        provinces,
        Some(BadgeInput { code: "green_star", name_zh: "绿色之星", name_en: "Green star", points: 900 }),
    )
    .unwrap()
}

fn ranks(board: &tanji_account::board::Leaderboard) -> Vec<(usize, u64, u128)> {
    board.top(usize::MAX).iter().map(|row| (row.rank, row.entry.person.0, row.entry.score.points)).collect()
}

on_both_databases!(campaign_boards_rank_by_province_from_the_ledger_and_never_count_expired_points);
async fn campaign_boards_rank_by_province_from_the_ledger_and_never_count_expired_points(test: TestDatabase) {
    let store = &test.store;
    let scheme = Scheme::build(store).await;
    for (name, province) in
        [("甲", Some("CN-ZJ")), ("乙", Some("CN-ZJ")), ("丙", Some("CN-SH")), ("丁", None), ("戊", Some("CN-GD"))]
    {
        store.open_parent_account(&scheme.owner, name, province).await.unwrap();
    }
    let at = |hours: i64| week().start + SignedDuration::from_hours(hours);
    // 10 km of metro = 467 points. Persons 2 and 3 tie on 934; 3 got there first. Person 1's first ride expires
    // (three days' validity in the test rules) before the ranking; person 4 has no province; person 5 is in
    // Guangdong, outside the campaign; person 2's ride before the week does not count.
    for (person, event_id, hour, km) in [
        (2, "b-before", -30, 10.0),
        (1, "a1", 1, 10.0),
        (3, "c1", 60, 10.0),
        (3, "c2", 100, 10.0),
        (2, "b1", 101, 10.0),
        (2, "b2", 102, 10.0),
        (1, "a2", 103, 5.0),
        (4, "d1", 104, 25.0),
        (5, "e1", 105, 30.0),
    ] {
        ride(store, &scheme.owner, person, event_id, at(hour), km).await;
    }

    let campaign = store.create_campaign(&scheme.owner, &green_week(&["CN-SH", "CN-ZJ"])).await.unwrap();
    assert_eq!(campaign.provinces, vec!["CN-SH".to_owned(), "CN-ZJ".to_owned()]);
    let boards = store.campaign_boards(&scheme.viewer, campaign.id, at(110)).await.unwrap();
    // Person 1: a1 (credited at hour 1) lapsed at hour 73, unswept; a2 counts 233 (5 km).
    assert_eq!(ranks(&boards.boards.national), vec![(1, 3, 934), (2, 2, 934), (3, 1, 233)]);
    assert_eq!(ranks(&boards.boards.by_province["CN-ZJ"]), vec![(1, 2, 934), (2, 1, 233)]);
    assert_eq!(ranks(&boards.boards.by_province["CN-SH"]), vec![(1, 3, 934)]);
    assert!(!boards.boards.by_province.contains_key("CN-GD"));
    assert_eq!(boards.total_points, 934 + 934 + 233);
    assert_eq!(boards.name_of(PersonId(3)), "丙");
    // The board as it stood at hour 50: only person 1's first ride was credited, and it had not lapsed yet.
    let early = store.campaign_boards(&scheme.owner, campaign.id, at(50)).await.unwrap();
    assert_eq!(ranks(&early.boards.national), vec![(1, 1, 467)]);

    // A nationwide campaign ranks the person without a province nationally only.
    let nationwide =
        NewCampaign::parse("all_week", "全国周", "National week", week().start, week().end, &[], None).unwrap();
    let nationwide = store.create_campaign(&scheme.owner, &nationwide).await.unwrap();
    let boards = store.campaign_boards(&scheme.owner, nationwide.id, at(110)).await.unwrap();
    assert_eq!(boards.boards.national.rank_of(PersonId(5)), Some(1), "1,401 points in Guangdong");
    assert_eq!(boards.boards.national.rank_of(PersonId(4)), Some(2), "1,167 points, no province");
    assert!(boards.boards.by_province.values().all(|board| board.rank_of(PersonId(4)).is_none()));

    // Codes are the operator's, once; a window that ends before it starts is refused with its field.
    let again = store.create_campaign(&scheme.owner, &green_week(&[])).await;
    assert!(matches!(again, Err(StoreError::Invalid(ref error)) if error.field == "code"), "{again:?}");
    let backwards = NewCampaign::parse("x_week", "周", "Week", week().end, week().start, &[], None);
    assert_eq!(backwards.unwrap_err().field, "ends_at");
    let province = NewCampaign::parse("x_week", "周", "Week", week().start, week().end, &["Guangdong"], None);
    assert_eq!(province.unwrap_err().field, "provinces");

    // Who is refused: a viewer cannot create; another scheme's operator does not find it; a supplier cannot look.
    assert!(matches!(store.create_campaign(&scheme.viewer, &green_week(&[])).await, Err(StoreError::Denied(_))));
    let other = organisation(store, "Other operator 另一运营方", OrganisationKind::PlatformOperator).await;
    let other_owner = member(store, &other, "owner@other.example", Role::Owner).await;
    assert!(matches!(store.campaign(&other_owner, campaign.id).await, Err(StoreError::NotFound)));
    assert!(matches!(store.campaign_boards(&other_owner, campaign.id, at(110)).await, Err(StoreError::NotFound)));
    assert!(store.list_campaigns(&other_owner).await.unwrap().is_empty());
    let supplier = organisation(store, "Supplier 供应商", OrganisationKind::Supplier).await;
    let supplier_owner = member(store, &supplier, "owner@supplier.example", Role::Owner).await;
    assert!(matches!(store.list_campaigns(&supplier_owner).await, Err(StoreError::Denied(_))));
    assert!(matches!(store.campaign(&supplier_owner, campaign.id).await, Err(StoreError::Denied(_))));
}

on_both_databases!(a_person_reads_only_their_own_account_and_spends_within_their_balance);
async fn a_person_reads_only_their_own_account_and_spends_within_their_balance(test: TestDatabase) {
    let store = &test.store;
    let scheme = Scheme::build(store).await;
    for name in ["甲", "乙"] {
        store.open_parent_account(&scheme.owner, name, Some("CN-ZJ")).await.unwrap();
    }
    let now = store.clock().now();
    ride(store, &scheme.owner, 1, "a1", now, 10.0).await;
    ride(store, &scheme.owner, 1, "a2", now + SignedDuration::from_mins(1), 10.0).await;
    ride(store, &scheme.owner, 2, "b1", now + SignedDuration::from_mins(2), 30.0).await;
    let badge = MilestoneBadge::parse("first", "初次减排", "First reduction", BadgeRule::PointsMilestone { points: 1 });
    store.create_badge(&scheme.owner, &badge.unwrap()).await.unwrap();
    let window_start = now - SignedDuration::from_hours(1);
    let campaign =
        NewCampaign::parse("week", "周", "Week", window_start, now + SignedDuration::from_hours(100), &[], None);
    store.create_campaign(&scheme.owner, &campaign.unwrap()).await.unwrap();

    // Only owners and editors of the scheme issue passes; a pass names one account of the issuer's scheme.
    assert!(matches!(store.issue_person_pass(&scheme.viewer, 1, 30).await, Err(StoreError::Denied(_))));
    assert!(matches!(store.issue_person_pass(&scheme.owner, 99, 30).await, Err(StoreError::NotFound)));
    let too_long = store.issue_person_pass(&scheme.owner, 1, 400).await;
    assert!(matches!(too_long, Err(StoreError::Invalid(ref error)) if error.field == "valid_days"));
    let issued = store.issue_person_pass(&scheme.owner, 1, 30).await.unwrap();
    assert!(issued.secret.starts_with("tanji_person_"));
    let session = store.person_session(&issued.secret).await.unwrap().expect("a fresh pass signs in");
    assert_eq!((session.person.number, session.operator_id), (1, scheme.retailer.id));
    // An API token, a made-up pass or a pass with one character changed sign nobody in.
    for wrong in ["tanji_pat_x", "tanji_person_x", &format!("{}A", issued.secret)] {
        assert!(store.person_session(wrong).await.unwrap().is_none(), "{wrong}");
    }

    let at = now + SignedDuration::from_mins(10);
    let account = store.person_account(&session, at).await.unwrap();
    assert_eq!((account.available, account.earned), (934, 934));
    assert_eq!(account.history.len(), 2);
    let credit = account.history[0].methodology.as_ref().expect("the methodology behind the credit");
    assert_eq!((credit.key.methodology_id.0, credit.key.version, credit.title_en.as_str()), (1, 1, "Metro trip"));
    assert_eq!(credit.citation.year, Some(2021));
    assert_eq!(account.badges.iter().map(|badge| badge.code.as_str()).collect::<Vec<_>>(), ["first"]);
    // My rank and my neighbours: person 2 leads with 1,401.
    let standing = &account.campaigns[0];
    assert_eq!((standing.national_rank, standing.province_rank, standing.points), (Some(2), Some(2), 934));
    assert_eq!(standing.neighbours.iter().map(|(row, _)| row.entry.person.0).collect::<Vec<_>>(), [2, 1]);

    // Spending: within the balance, once per request; beyond it refused with what is available.
    store.person_spend(&session, Spend::Redeem { offer: 1 }, 300, "req-1", at).await.unwrap();
    store.person_spend(&session, Spend::Redeem { offer: 1 }, 300, "req-1", at).await.unwrap();
    let refused = store.person_spend(&session, Spend::Donate { project: 1 }, 700, "req-2", at).await;
    assert!(
        matches!(
            refused,
            Err(PersonSpendError::Refused(SpendError::InsufficientPoints { available: 634, requested: 700 }))
        ),
        "{refused:?}"
    );
    let zero = store.person_spend(&session, Spend::Donate { project: 1 }, 0, "req-3", at).await;
    assert!(matches!(zero, Err(PersonSpendError::Refused(SpendError::AmountMustBePositive))));
    let account = store.person_account(&session, at).await.unwrap();
    assert_eq!((account.available, account.earned), (634, 934), "spent points still count as earned");
    assert_eq!(account.history[0].kind, HistoryKind::Redeemed);
    // The other person's balance is untouched, and the ledger still balances.
    let other_pass = store.issue_person_pass(&scheme.owner, 2, 1).await.unwrap();
    let other_session = store.person_session(&other_pass.secret).await.unwrap().unwrap();
    let other = store.person_account(&other_session, at).await.unwrap();
    assert_eq!(other.available, 1401);
    store.points_ledger(&scheme.owner).await.unwrap().check().await.unwrap().unwrap();

    // Revoking ends the pass at once; an expired pass signs in nobody.
    assert_eq!(store.revoke_person_passes(&scheme.owner, 1).await.unwrap(), 1);
    assert!(store.person_session(&issued.secret).await.unwrap().is_none());
    let short = store.issue_person_pass(&scheme.owner, 1, 1).await.unwrap();
    test.clock.advance(SignedDuration::from_hours(25));
    assert!(store.person_session(&short.secret).await.unwrap().is_none());
}

/// A case of the property: people with provinces (or none) and metro rides (person, hour, km).
type Credits = (Vec<Option<usize>>, Vec<(usize, i64, u8)>);

/// The strategy drawing [`Credits`].
fn credits() -> impl Strategy<Value = Credits> {
    prop::collection::vec(prop::option::of(0usize..3), 1..8).prop_flat_map(|people| {
        let n_people = people.len();
        (Just(people), prop::collection::vec((0..n_people, -40i64..200, 1u8..40), 0..25))
    })
}

const PROVINCES: [&str; 3] = ["CN-ZJ", "CN-SH", "CN-GD"];

on_both_databases!(the_stores_boards_equal_the_domains_recomputation);
async fn the_stores_boards_equal_the_domains_recomputation(test: TestDatabase) {
    let store = &test.store;
    let owner = member(
        store,
        &organisation(store, "Scheme 0", OrganisationKind::BrandRetailer).await,
        "owner@scheme.example",
        Role::Owner,
    )
    .await;
    let owner_email = Email::parse("owner@scheme.example").unwrap();
    let registry = account_support::registry();
    let rules = account_support::rules();
    let mut runner = TestRunner::new(Config { cases: 12, failure_persistence: None, ..Config::default() });
    let case = std::sync::atomic::AtomicUsize::new(0);
    let handle = tokio::runtime::Handle::current();
    let result = tokio::task::block_in_place(|| {
        runner.run(&credits(), |(people, rides)| {
            let case = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            handle.block_on(async {
                // A fresh scheme per case, operated by the same person (no password hashing per case).
                let retailer =
                    organisation(store, &format!("Scheme {}", case + 1), OrganisationKind::BrandRetailer).await;
                let new = NewMember {
                    email: owner_email.clone(),
                    display_name: None,
                    role: Role::Owner,
                    initial_password: None,
                };
                store.operator_add_member(retailer.id, &new).await.unwrap();
                let actor = Actor { organisation_id: retailer.id, credential: Credential::Session, ..owner.clone() };
                prop_assert!(actor.may(Permission::ManageCampaigns));
                let mut provinces = BTreeMap::new();
                for (person_idx, province) in people.iter().enumerate() {
                    let province = province.map(|idx| PROVINCES[idx]);
                    store.open_parent_account(&actor, &format!("人{person_idx}"), province).await.unwrap();
                    provinces.insert(PersonId(person_idx as u64 + 1), province);
                }
                let mut ledger = store.points_ledger(&actor).await.unwrap();
                let mut mirror = MemoryLedger::new();
                let start = week().start;
                rules::open_scheme(&mut ledger, rules.chart, start - SignedDuration::from_hours(50)).await.unwrap();
                ready(rules::open_scheme(&mut mirror, rules.chart, start - SignedDuration::from_hours(50))).unwrap();
                let mut sorted = rides.clone();
                sorted.sort_by_key(|(_, hour, _)| *hour);
                for (ride_idx, (person_idx, hour, km)) in sorted.iter().enumerate() {
                    let at = start + SignedDuration::from_hours(*hour);
                    let event: Event =
                        account_support::metro(&format!("r{ride_idx}"), *person_idx as u64 + 1, at, f64::from(*km));
                    let stored = rules::ingest(&mut ledger, &rules, &registry, &event, at).await.unwrap();
                    let expected = ready(rules::ingest(&mut mirror, &rules, &registry, &event, at)).unwrap();
                    prop_assert_eq!(stored, expected);
                }
                let campaign = store.create_campaign(&actor, &green_week(&[])).await.unwrap();
                let at = start + SignedDuration::from_hours(120);
                let boards = store.campaign_boards(&actor, campaign.id, at).await.unwrap();
                // The domain's recomputation: every person's lots from the in-memory ledger.
                let mut entries = Vec::new();
                for (person, province) in &provinces {
                    let account_id = rules.chart.person(*person);
                    let lots = Lots::replay(account_id, &ready(mirror.account_transfers(account_id)).unwrap()).unwrap();
                    entries.push(Entry {
                        person: *person,
                        province: province.unwrap_or_default().to_owned(),
                        score: campaign_score(&lots, &week(), at),
                    });
                }
                let mut expected = Leaderboards::rank(entries);
                expected.by_province.remove("");
                prop_assert_eq!(&boards.boards, &expected);
                // And the store's grouping of a ledger's transfers is the domain's, person by person.
                let people_only = SchemeLots::replay(BTreeMap::new(), &mirror.transfers()).unwrap();
                for (person, lots) in &people_only.lots {
                    let account_id = rules.chart.person(*person);
                    let replayed =
                        Lots::replay(account_id, &ready(mirror.account_transfers(account_id)).unwrap()).unwrap();
                    prop_assert_eq!(lots, &replayed);
                }
                Ok(())
            })
        })
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
