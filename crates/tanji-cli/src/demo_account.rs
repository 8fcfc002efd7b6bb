//! The demo's carbon-account schemes (issue 10): a city's carbon-inclusive scheme (碳普惠) run by the platform
//! operator, and the retailer's own 88碳账户 with its four sub-platforms, a few hundred demo people, a campaign week
//! with provincial leaderboards and badges.
//!
//! The city scheme approves only figures with a published source: Shenzhen's metro 46.7 and bus 26.9 g
//! CO2/person-km (《深圳市低碳公共出行碳普惠方法学（试行）》, cited in `tanji_account::methodology::published`),
//! reviewed by two expert members of the operator and publicly noticed for seven working days in January 2026
//! (entered as a review held on paper, with its dates).
//!
//! The retailer runs the scheme its four sub-platforms report to (the decision of issue 10: the scheme belongs to
//! whoever runs its points ledger). Three of their behaviours have no figure the project can cite yet, so their
//! methodologies stay drafts marked "source not verified": the reused box's 37 g is a courier's own statement (low
//! authority), the no-cutlery order and the second-hand item have no figure at all (0, which the domain refuses to
//! submit for review). The labelled product computes from each product's own published carbon label (baseline −
//! footprint), so it carries no figure of its own; it was reviewed and approved, and the retailer's own shop credits
//! purchases of the verified bamboo-fibre cup with it. The bagasse plate's label is self-declared and publishes no
//! comparison, so its purchases credit nothing.
//!
//! The people, their purchases and the campaign are illustrative (a seeded generator; names from common surnames
//! and given names): the campaign week is the last whole week (Monday 00:00 China time) before the demo was loaded,
//! so its boards are full whenever the demo is opened within the year the points stay valid.

use std::collections::BTreeMap;

use anyhow::Context;
use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp, ToSpan};
use tanji_account::board::BadgeRule;
use tanji_account::ledger::memory::{MemoryLedger, ready};
use tanji_account::ledger::{Ledger, NewAccount, NewTransfer};
use tanji_account::methodology::{
    Activity, ActivityUnit, Citation, Decision, Formula, Fraction, MethodologyId, MethodologyVersionKey, published,
};
use tanji_account::points::{Chart, PersonId, Spend};
use tanji_account::rules::{self, Event, Rules, event_transfer_id};
use tanji_store::NewMember;
use tanji_store::Store;
use tanji_store::account_campaigns::{BadgeInput, MilestoneBadge, NewCampaign};
use tanji_store::account_links::NewLink;
use tanji_store::account_methodologies::{Behaviour, MethodologyError, NewMethodology, ReviewStep, SourceCheck};
use tanji_store::account_sub_platforms::{AllowedBehaviour, CredentialScope, NewSubPlatform};
use tanji_tenancy::member::{DisplayName, Email, Password, Role};
use tanji_tenancy::organisation::Organisation;
use tanji_tenancy::{Actor, UserId};

/// How many illustrative people the retailer's scheme has (besides the three named ones).
pub const N_DEMO_PEOPLE: usize = 300;
/// The person whose own page the demo prints a link to: 王小明, the retailer's first account.
pub const DEMO_PERSON_NUMBER: u64 = 1;

fn methodology_error(error: MethodologyError) -> anyhow::Error {
    anyhow::anyhow!("loading the demo's methodologies: {error}")
}

fn store_error(error: tanji_store::StoreError) -> anyhow::Error {
    anyhow::anyhow!("loading the demo's carbon-account schemes: {error}")
}

fn no_source_yet() -> Citation {
    Citation {
        title: "尚无可引用的公开方法学（待补充）".to_owned(),
        publisher: "绿洲超市碳账户运营组".to_owned(),
        version: None,
        year: None,
        region: None,
        licence: None,
        url: None,
    }
}

struct Draft {
    behaviour: &'static str,
    title_zh: &'static str,
    title_en: &'static str,
    formula: Formula,
    citation: Citation,
    source_check: SourceCheck,
    max_quantity_per_event: f64,
}

/// Adds the expert committee (auditors of `organisation`, who may log in with the demo password).
async fn experts(
    store: &Store,
    organisation: &Organisation,
    people: [(&str, &str); 2],
    password: &str,
) -> anyhow::Result<Vec<UserId>> {
    let mut experts = Vec::new();
    for (email, name) in people {
        let new_member = NewMember {
            email: Email::parse(email).expect("demo e-mail addresses are valid"),
            display_name: Some(DisplayName::parse(name).expect("demo names are valid")),
            role: Role::Auditor,
            initial_password: Some(Password::parse_new(password).expect("the demo password is valid")),
        };
        experts.push(store.operator_add_member(organisation.id, &new_member).await.map_err(store_error)?.user.id);
    }
    Ok(experts)
}

/// Drafts every methodology (version 1) on 5 January 2026; their numbers by behaviour.
async fn draft_all(
    store: &Store,
    operator: &Organisation,
    author: UserId,
    drafts: Vec<Draft>,
) -> anyhow::Result<BTreeMap<&'static str, u32>> {
    let mut numbers = BTreeMap::new();
    for draft in drafts {
        let new = NewMethodology::parse(
            draft.behaviour,
            draft.title_zh,
            draft.title_en,
            draft.formula,
            draft.citation,
            draft.source_check,
            draft.max_quantity_per_event,
        )
        .expect("the demo's methodologies are well formed");
        let stored = store
            .operator_create_methodology(operator.id, author, &new, date(2026, 1, 5))
            .await
            .map_err(methodology_error)?;
        numbers.insert(draft.behaviour, stored.number());
    }
    Ok(numbers)
}

/// Takes review steps of version 1 of methodology `number`, each `(step, by, on)`.
async fn review(
    store: &Store,
    operator: &Organisation,
    number: u32,
    steps: &[(ReviewStep, UserId, Date)],
) -> anyhow::Result<()> {
    let key = MethodologyVersionKey { methodology_id: MethodologyId(number), version: 1 };
    for (step, by, on) in steps {
        store.operator_review_methodology(operator.id, key, *step, *by, *on).await.map_err(methodology_error)?;
    }
    Ok(())
}

/// The city's carbon-inclusive scheme, run by the platform operator: Shenzhen's public-transport methodologies,
/// approved, and three Shenzhen residents' parent accounts.
pub async fn load_city_scheme(
    store: &Store,
    operator: &Organisation,
    operator_owner: &Actor,
    password: &str,
) -> anyhow::Result<()> {
    let experts = experts(
        store,
        operator,
        [("expert.li@tanji.example", "李明（评审专家）"), ("expert.chen@tanji.example", "陈静（评审专家）")],
        password,
    )
    .await?;
    let author = operator_owner.user_id;
    let drafts = vec![
        Draft {
            behaviour: "metro_trip",
            title_zh: "地铁出行（深圳低碳公共出行方法学）",
            title_en: "Metro trip (Shenzhen low-carbon public-transport methodology)",
            formula: published::shenzhen_metro(),
            citation: published::shenzhen_public_transport_citation(),
            source_check: SourceCheck::Checked,
            max_quantity_per_event: 100.0,
        },
        Draft {
            behaviour: "bus_trip",
            title_zh: "纯电动公交出行（深圳低碳公共出行方法学）",
            title_en: "Battery-electric bus trip (Shenzhen low-carbon public-transport methodology)",
            formula: published::shenzhen_bus(),
            citation: published::shenzhen_public_transport_citation(),
            source_check: SourceCheck::Checked,
            max_quantity_per_event: 100.0,
        },
    ];
    let numbers = draft_all(store, operator, author, drafts).await?;
    // Submitted, approved by both experts, noticed from Friday 9 January for seven working days (to Monday 19
    // January), approved on the 20th.
    for behaviour in ["metro_trip", "bus_trip"] {
        let steps = [
            (ReviewStep::SubmitForReview, author, date(2026, 1, 5)),
            (ReviewStep::SignOff(Decision::Approve), experts[0], date(2026, 1, 8)),
            (ReviewStep::SignOff(Decision::Approve), experts[1], date(2026, 1, 8)),
            (ReviewStep::StartPublicNotice, author, date(2026, 1, 9)),
            (ReviewStep::Approve, author, date(2026, 1, 20)),
        ];
        review(store, operator, numbers[behaviour], &steps).await?;
    }
    for name in ["黄晓燕", "陈志强", "林嘉欣"] {
        store.open_parent_account(operator_owner, name, Some("CN-GD")).await.map_err(store_error)?;
    }
    Ok(())
}

/// The retailer's scheme: its methodologies and their review, its four sub-platforms, people with their links,
/// the cup purchases of a campaign week credited on its ledger, the campaign and the badges.
pub async fn load_retailer_scheme(
    store: &Store,
    retailer: &Organisation,
    retailer_owner: &Actor,
    food_delivery_organisation: &Organisation,
    cup_label: &CupLabel,
    password: &str,
) -> anyhow::Result<()> {
    let experts = experts(
        store,
        retailer,
        [("expert.wu@lvzhou.example", "吴磊（评审专家）"), ("expert.zhou@lvzhou.example", "周敏（评审专家）")],
        password,
    )
    .await?;
    let author = retailer_owner.user_id;
    let drafts = vec![
        Draft {
            behaviour: "no_cutlery_order",
            title_zh: "外卖订单不要一次性餐具",
            title_en: "Food-delivery order without disposable cutlery",
            formula: Formula::PerUnit { unit: ActivityUnit::Order, reduction_per_unit_g_co2e: 0.0 },
            citation: no_source_yet(),
            source_check: SourceCheck::Unverified,
            max_quantity_per_event: 10.0,
        },
        Draft {
            behaviour: "reused_express_box",
            title_zh: "快递驿站循环快递箱",
            title_en: "Reused express box at a parcel station",
            formula: Formula::PerUnit { unit: ActivityUnit::Reuse, reduction_per_unit_g_co2e: 37.0 },
            citation: Citation {
                title: "快递企业关于循环快递箱减排量的自述（低权威，REFERENCES.md §7）".to_owned(),
                publisher: "快递企业（未核实）".to_owned(),
                version: None,
                year: None,
                region: None,
                licence: None,
                url: None,
            },
            source_check: SourceCheck::Unverified,
            max_quantity_per_event: 20.0,
        },
        Draft {
            behaviour: "second_hand_item",
            title_zh: "二手商品交易",
            title_en: "Second-hand item traded",
            formula: Formula::SecondHand {
                substitution_rate: Fraction::parse(0.0).expect("0 is a fraction"),
                production_emissions_g_co2e_by_category: Default::default(),
            },
            citation: published::second_hand_citation(),
            source_check: SourceCheck::Unverified,
            max_quantity_per_event: 5.0,
        },
        Draft {
            behaviour: "labelled_product_purchase",
            title_zh: "购买带碳标签的低碳产品",
            title_en: "Purchase of a low-carbon labelled product",
            formula: Formula::LabelledProduct,
            citation: Citation {
                title: "ISO 14067:2018 产品碳足迹；碳迹碳标签公开的基线与足迹".to_owned(),
                publisher: "ISO；碳迹".to_owned(),
                version: Some("2018".to_owned()),
                year: Some(2018),
                region: None,
                licence: None,
                url: None,
            },
            source_check: SourceCheck::Checked,
            max_quantity_per_event: 10.0,
        },
    ];
    let numbers = draft_all(store, retailer, author, drafts).await?;
    // The labelled product: submitted, approved by both experts, noticed from Friday 6 February for seven working
    // days (to Tuesday 17 February), approved on the 24th.
    let steps = [
        (ReviewStep::SubmitForReview, author, date(2026, 2, 2)),
        (ReviewStep::SignOff(Decision::Approve), experts[0], date(2026, 2, 4)),
        (ReviewStep::SignOff(Decision::Approve), experts[1], date(2026, 2, 5)),
        (ReviewStep::StartPublicNotice, author, date(2026, 2, 6)),
        (ReviewStep::Approve, author, date(2026, 2, 24)),
    ];
    review(store, retailer, numbers["labelled_product_purchase"], &steps).await?;

    // The four sub-platforms of the issue.
    let behaviour = |name: &str| AllowedBehaviour {
        behaviour: Behaviour::parse(name).expect("demo behaviours are valid"),
        methodology_number: numbers[name],
    };
    let sub_platforms = [
        ("food_delivery", "绿行外卖", "Lüxing food delivery", Some(food_delivery_organisation.id), "no_cutlery_order"),
        ("parcel_station", "绿驿快递驿站", "Lüyi parcel stations", None, "reused_express_box"),
        ("second_hand", "循物二手", "Xunwu second-hand market", None, "second_hand_item"),
        ("own_shop", "绿洲超市自营商城", "Lüzhou supermarket's own shop", None, "labelled_product_purchase"),
    ];
    let mut registered = Vec::new();
    for (code, name_zh, name_en, organisation_id, allowed) in sub_platforms {
        let new = NewSubPlatform::parse(code, name_zh, name_en, organisation_id, vec![behaviour(allowed)])
            .expect("the demo's sub-platforms are well formed");
        registered.push(store.register_sub_platform(retailer_owner, &new).await.map_err(store_error)?);
    }
    // The food-delivery platform's event gateway credential (its secret is not kept: issue a new one to use it).
    store
        .issue_sub_platform_credential(
            retailer_owner,
            registered[0].id,
            "事件网关",
            &[CredentialScope::EventsWrite, CredentialScope::OutcomesRead],
        )
        .await
        .map_err(store_error)?;

    // Three named people, linked with their consent through the apps; one has since unlinked at the parcel station.
    for (name, province) in [("王小明", "CN-ZJ"), ("李华", "CN-ZJ"), ("张伟", "CN-SH")] {
        store.open_parent_account(retailer_owner, name, Some(province)).await.map_err(store_error)?;
    }
    let consent_at: Timestamp = "2026-02-10T02:30:00Z".parse().expect("a valid time");
    let links = [(0, "lx-rider-80231", 1), (0, "lx-rider-80777", 2), (1, "lvyi-55102", 1), (3, "lz-shop-31877", 3)];
    for (index, identity, person) in links {
        let new = NewLink::parse(registered[index].id, identity, person, consent_at, "2026-01", "app")
            .expect("the demo's links are well formed");
        let link = store.link_identity(retailer_owner, &new).await.map_err(store_error)?;
        if index == 1 {
            store.unlink_identity(retailer_owner, registered[index].id, link.id).await.map_err(store_error)?;
        }
    }
    // A few hundred illustrative people across the provinces the retailer sells in.
    let mut generator = SplitMix(20_260_601);
    let mut people = vec![(1, "CN-ZJ"), (2, "CN-ZJ"), (3, "CN-SH")];
    for number in 4..=(3 + N_DEMO_PEOPLE as u64) {
        let name = demo_name(&mut generator);
        let province = PROVINCES[generator.below(PROVINCES.len() as u64) as usize];
        store.open_parent_account(retailer_owner, &name, Some(province)).await.map_err(store_error)?;
        people.push((number, province));
    }

    let week = campaign_week(store.clock().now())?;
    credit_campaign_week(store, retailer, retailer_owner, &people, week, cup_label, &mut generator).await?;

    let campaign = NewCampaign::parse(
        "green_week",
        "长三角绿色消费周",
        "Yangtze River Delta green shopping week",
        week.0,
        week.1,
        &["CN-ZJ", "CN-SH", "CN-JS", "CN-AH"],
        Some(BadgeInput {
            code: "green_week_star",
            name_zh: "绿色消费周之星",
            name_en: "Green week star",
            points: 150,
        }),
    )
    .expect("the demo's campaign is well formed");
    store.create_campaign(retailer_owner, &campaign).await.map_err(store_error)?;
    let labelled = MethodologyId(numbers["labelled_product_purchase"]);
    for (code, name_zh, name_en, rule) in [
        ("first_reduction", "初次减排", "First reduction", BadgeRule::PointsMilestone { points: 1 }),
        ("points_300", "三百积分", "300 points", BadgeRule::PointsMilestone { points: 300 }),
        (
            "labelled_shopper_5",
            "低碳购物达人",
            "Low-carbon shopper",
            BadgeRule::BehaviourMilestone { methodology_id: labelled, activities: 5 },
        ),
    ] {
        let badge = MilestoneBadge::parse(code, name_zh, name_en, rule).expect("the demo's badges are well formed");
        store.create_badge(retailer_owner, &badge).await.map_err(store_error)?;
    }
    Ok(())
}

/// Provinces of the retailer's customers (Zhejiang-based; the campaign covers the first four).
const PROVINCES: [&str; 8] = ["CN-ZJ", "CN-ZJ", "CN-ZJ", "CN-SH", "CN-JS", "CN-AH", "CN-FJ", "CN-GD"];

/// The published per-cup figures of the verified bamboo-fibre cup's label: what a purchase credits from.
#[derive(Clone, Debug)]
pub struct CupLabel {
    pub code: String,
    pub footprint_g_co2e: f64,
    pub baseline_g_co2e: f64,
}

/// The verified cup's label as the public reads it: its footprint and the conventional cup's, per cup.
pub async fn cup_label(store: &Store, factory: &Organisation) -> anyhow::Result<CupLabel> {
    for code in store.public_label_codes(factory.id).await.map_err(store_error)? {
        let label = store.public_label(&code, None).await.map_err(store_error)?;
        let publication = &label.publication;
        let Some(summary) = publication.summary() else { continue };
        if let Some(baseline) = summary.public_comparison(publication.assurance()) {
            return Ok(CupLabel {
                code: code.display(),
                footprint_g_co2e: summary.total_kg_co2e * 1000.0,
                baseline_g_co2e: baseline.total_kg_co2e * 1000.0,
            });
        }
    }
    anyhow::bail!("the demo's verified cup label publishes no comparison")
}

/// The last whole week (Monday 00:00 China time to the next Monday) before `now`.
fn campaign_week(now: Timestamp) -> anyhow::Result<(Timestamp, Timestamp)> {
    let china = jiff::tz::Offset::constant(8).to_time_zone();
    let today = now.to_zoned(china.clone()).date();
    let this_monday = today - i64::from(today.weekday().to_monday_zero_offset()).days();
    let start = (this_monday - 7.days()).to_zoned(china.clone()).context("the campaign's start")?.timestamp();
    let end = this_monday.to_zoned(china).context("the campaign's end")?.timestamp();
    Ok((start, end))
}

/// The retailer's points rules: one point per gram CO2e, points valid for a year, 2,000 points a day at most.
fn retailer_rules() -> Rules {
    Rules {
        chart: Chart::SCHEME,
        utc_offset_seconds: 8 * 3600,
        points_per_kg_co2e: 1000,
        points_valid_days: Some(365),
        daily_cap_points: Some(2000),
        behaviour_caps: BTreeMap::new(),
        claim_window_days: 30,
        issuance_delay_seconds: 0,
        collect_window_seconds: 0,
        velocity: None,
    }
}

/// Cup purchases at the own shop during the campaign week (and a few the week before, which the campaign does not
/// count), decided one by one by the scheme's rules on an in-memory mirror of the ledger, then written to the
/// retailer's ledger in a few batches: one durable transaction per batch instead of two per event. A fraud review
/// reverses one purchase; two people redeem and donate.
async fn credit_campaign_week(
    store: &Store,
    retailer: &Organisation,
    retailer_owner: &Actor,
    people: &[(u64, &str)],
    week: (Timestamp, Timestamp),
    cup: &CupLabel,
    generator: &mut SplitMix,
) -> anyhow::Result<()> {
    let rules = retailer_rules();
    let registry = store.methodology_registry(retailer.id).await.map_err(store_error)?;
    let mut events = Vec::new();
    let week_seconds = week.1.duration_since(week.0).as_secs();
    for (number, _) in people {
        // About one in six people bought nothing; the others one to six times.
        let n_purchases = if *number == DEMO_PERSON_NUMBER { 4 } else { generator.below(7) };
        for purchase_idx in 0..n_purchases {
            let before_the_week = purchase_idx == 0 && generator.below(5) == 0;
            let offset = SignedDuration::from_secs(generator.below(week_seconds as u64) as i64);
            let occurred_at =
                if before_the_week { week.0 - SignedDuration::from_hours(30) + offset / 8 } else { week.0 + offset };
            events.push(Event {
                sub_platform: 4,
                event_id: format!("lz-order-{number}-{purchase_idx}"),
                person: PersonId(*number),
                behaviour: "labelled_product_purchase".to_owned(),
                occurred_at,
                activity: Activity::LabelledPurchase {
                    label_id: cup.code.clone(),
                    units: 1 + generator.below(6) as u32,
                    footprint_g_co2e: cup.footprint_g_co2e,
                    baseline_g_co2e: cup.baseline_g_co2e,
                },
            });
        }
    }
    events.sort_by_key(|event| (event.occurred_at, event.event_id.clone()));
    let first = events.first().map_or(week.0, |event| event.occurred_at);
    let mut mirror = MemoryLedger::new();
    let opened = ready(rules::open_scheme(&mut mirror, rules.chart, first));
    opened.expect("the in-memory ledger does not fail");
    let mut last = first;
    for event in &events {
        last = event.occurred_at + SignedDuration::from_mins(5);
        ready(rules::ingest(&mut mirror, &rules, &registry, event, last)).expect("the in-memory ledger does not fail");
    }
    let after = last + SignedDuration::from_mins(30);
    // A fraud review finds person 5's first purchase was a test order and reverses it.
    if let Some(event) = events.iter().find(|event| event.person == PersonId(5)) {
        let earn_id = event_transfer_id(event.sub_platform, &event.event_id);
        let reversed = ready(rules::reverse(&mut mirror, &rules, PersonId(5), earn_id, after));
        reversed.context("reversing the demo's test order")?;
    }
    // Person 2 redeems a discount and person 3 donates to tree planting (ids: the shop's request numbers).
    for (person, what, amount, request) in
        [(2, Spend::Redeem { offer: 1 }, 20, "lz-redeem-0001"), (3, Spend::Donate { project: 1 }, 15, "lz-donate-0001")]
    {
        let request_id = tanji_account::points::derive_id("tanji/demo-spend", &[request.as_bytes()]);
        let spent = ready(rules::spend(&mut mirror, &rules, PersonId(person), what, amount, request_id, after));
        // A person who bought nothing has nothing to spend: the demo leaves it at that.
        if let Err(rules::OperationError::Spend(_)) = spent {
            continue;
        }
        spent.context("the demo's redemption")?;
    }
    mirror.assert_invariants();

    // The mirror's accounts and transfers onto the retailer's ledger, in order; a linked chain is never split.
    let mut ledger = store.points_ledger(retailer_owner).await.map_err(store_error)?;
    let now = store.clock().now();
    let accounts: Vec<NewAccount> = mirror
        .accounts()
        .map(|account| NewAccount {
            id: account.id,
            ledger: account.ledger,
            code: account.code,
            flags: account.flags,
            user_data_128: account.user_data_128,
            user_data_64: account.user_data_64,
            user_data_32: account.user_data_32,
        })
        .collect();
    for result in ledger.create_accounts(&accounts, now).await.map_err(store_error)? {
        result.map_err(|error| anyhow::anyhow!("opening the demo's accounts: {error}"))?;
    }
    let transfers: Vec<NewTransfer> = mirror
        .transfers()
        .into_iter()
        .map(|transfer| NewTransfer {
            id: transfer.id,
            debit_account_id: transfer.debit_account_id,
            credit_account_id: transfer.credit_account_id,
            amount: transfer.amount,
            pending_id: transfer.pending_id,
            user_data_128: transfer.user_data_128,
            user_data_64: transfer.user_data_64,
            user_data_32: transfer.user_data_32,
            timeout_seconds: transfer.timeout_seconds,
            ledger: transfer.ledger,
            code: transfer.code,
            flags: transfer.flags,
        })
        .collect();
    let mut batch_start = 0;
    while batch_start < transfers.len() {
        let mut batch_end = (batch_start + 500).min(transfers.len());
        while batch_end < transfers.len() && transfers[batch_end - 1].flags.linked {
            batch_end += 1;
        }
        let results = ledger.create_transfers(&transfers[batch_start..batch_end], now).await.map_err(store_error)?;
        for result in results {
            result.map_err(|error| anyhow::anyhow!("writing the demo's points: {error}"))?;
        }
        batch_start = batch_end;
    }
    Ok(())
}

/// A small seeded generator (SplitMix64) for the illustrative people: the same demo every time.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 { 0 } else { self.next() % bound }
    }
}

/// An illustrative name: a common surname and one or two given-name characters.
fn demo_name(generator: &mut SplitMix) -> String {
    const SURNAMES: [&str; 20] = [
        "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林",
        "罗", "高",
    ];
    const GIVEN: [&str; 24] = [
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀",
        "霞", "平", "刚", "桂", "华", "婷",
    ];
    let mut name = SURNAMES[generator.below(SURNAMES.len() as u64) as usize].to_owned();
    for _ in 0..(1 + generator.below(2)) {
        name.push_str(GIVEN[generator.below(GIVEN.len() as u64) as usize]);
    }
    name
}
