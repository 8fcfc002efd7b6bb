//! The demo's carbon-account scheme (issue 10, onboarding slice): the platform operator's methodologies, its four
//! sub-platforms, a few parent accounts and identity links.
//!
//! Only figures with a published source are approved: Shenzhen's metro 46.7 and bus 26.9 g CO2/person-km
//! (REFERENCES.md §7), reviewed by two expert members of the operator and publicly noticed for seven working days
//! in January 2026 (entered as a review held on paper, with its dates). The behaviours the four sub-platforms
//! report have no figure the project can cite yet, so their methodologies stay drafts marked "source not verified":
//! the reused box's 37 g is a courier's own statement (low authority), the no-cutlery order and the second-hand
//! item have no figure at all (0, which the domain refuses to submit for review), and the labelled product computes
//! from each product's own published carbon label, so it carries no figure and is under expert review.

use jiff::Timestamp;
use jiff::civil::{Date, date};
use tanji_account::methodology::{
    ActivityUnit, Citation, Decision, Formula, Fraction, MethodologyVersionKey, published,
};
use tanji_store::account_links::NewLink;
use tanji_store::account_methodologies::{Behaviour, MethodologyError, NewMethodology, ReviewStep, SourceCheck};
use tanji_store::account_sub_platforms::{AllowedBehaviour, CredentialScope, NewSubPlatform};
use tanji_store::{NewMember, Store};
use tanji_tenancy::member::{DisplayName, Email, Password, Role};
use tanji_tenancy::organisation::Organisation;
use tanji_tenancy::{Actor, UserId};

fn methodology_error(error: MethodologyError) -> anyhow::Error {
    anyhow::anyhow!("loading the demo's methodologies: {error}")
}

fn store_error(error: tanji_store::StoreError) -> anyhow::Error {
    anyhow::anyhow!("loading the demo's carbon-account scheme: {error}")
}

fn no_source_yet() -> Citation {
    Citation {
        title: "尚无可引用的公开方法学（待补充）".to_owned(),
        publisher: "碳迹平台运营中心".to_owned(),
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

/// Loads the scheme for `operator` (acting as `operator_owner`), binding the food-delivery sub-platform to the
/// demo's sub-platform organisation.
pub async fn load(
    store: &Store,
    operator: &Organisation,
    operator_owner: &Actor,
    food_delivery_organisation: &Organisation,
    password: &str,
) -> anyhow::Result<()> {
    // The expert committee: two reviewers (auditors of the operator), who may log in with the demo password.
    let mut experts: Vec<UserId> = Vec::new();
    for (email, name) in
        [("expert.li@tanji.example", "李明（评审专家）"), ("expert.chen@tanji.example", "陈静（评审专家）")]
    {
        let new_member = NewMember {
            email: Email::parse(email).expect("demo e-mail addresses are valid"),
            display_name: Some(DisplayName::parse(name).expect("demo names are valid")),
            role: Role::Auditor,
            initial_password: Some(Password::parse_new(password).expect("the demo password is valid")),
        };
        experts.push(store.operator_add_member(operator.id, &new_member).await.map_err(store_error)?.user.id);
    }
    let author = operator_owner.user_id;
    let drafts = [
        Draft {
            behaviour: "metro_trip",
            title_zh: "地铁出行（深圳公共交通方法学）",
            title_en: "Metro trip (Shenzhen public-transport methodology)",
            formula: published::shenzhen_metro(),
            citation: published::shenzhen_public_transport_citation(),
            source_check: SourceCheck::Checked,
            max_quantity_per_event: 100.0,
        },
        Draft {
            behaviour: "bus_trip",
            title_zh: "纯电动公交出行（深圳公共交通方法学）",
            title_en: "Battery-electric bus trip (Shenzhen public-transport methodology)",
            formula: published::shenzhen_bus(),
            citation: published::shenzhen_public_transport_citation(),
            source_check: SourceCheck::Checked,
            max_quantity_per_event: 100.0,
        },
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
    let drafted_on = date(2026, 1, 5);
    let mut numbers = std::collections::BTreeMap::new();
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
            .operator_create_methodology(operator.id, author, &new, drafted_on)
            .await
            .map_err(methodology_error)?;
        numbers.insert(draft.behaviour, stored.number());
    }

    let step = |number: u32, step: ReviewStep, by: UserId, on: Date| async move {
        let key =
            MethodologyVersionKey { methodology_id: tanji_account::methodology::MethodologyId(number), version: 1 };
        store.operator_review_methodology(operator.id, key, step, by, on).await.map_err(methodology_error)
    };
    // Shenzhen's figures: submitted, approved by both experts, noticed from Friday 9 January for seven working days
    // (to Monday 19 January), approved on the 20th.
    for behaviour in ["metro_trip", "bus_trip"] {
        let number = numbers[behaviour];
        step(number, ReviewStep::SubmitForReview, author, date(2026, 1, 5)).await?;
        step(number, ReviewStep::SignOff(Decision::Approve), experts[0], date(2026, 1, 8)).await?;
        step(number, ReviewStep::SignOff(Decision::Approve), experts[1], date(2026, 1, 8)).await?;
        step(number, ReviewStep::StartPublicNotice, author, date(2026, 1, 9)).await?;
        step(number, ReviewStep::Approve, author, date(2026, 1, 20)).await?;
    }
    // The labelled product: submitted, one expert has approved, the second has not signed yet.
    let labelled = numbers["labelled_product_purchase"];
    step(labelled, ReviewStep::SubmitForReview, author, date(2026, 2, 2)).await?;
    step(labelled, ReviewStep::SignOff(Decision::Approve), experts[0], date(2026, 2, 4)).await?;

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
        registered.push(store.register_sub_platform(operator_owner, &new).await.map_err(store_error)?);
    }
    // The food-delivery platform's event gateway credential (its secret is not kept: issue a new one to use it).
    store
        .issue_sub_platform_credential(
            operator_owner,
            registered[0].id,
            "事件网关",
            &[CredentialScope::EventsWrite, CredentialScope::OutcomesRead],
        )
        .await
        .map_err(store_error)?;

    // A few people, linked with their consent through the apps; one has since unlinked at the second-hand market.
    for (name, province) in [("王小明", "CN-GD"), ("李华", "CN-ZJ"), ("张伟", "CN-SH")] {
        store.open_parent_account(operator_owner, name, Some(province)).await.map_err(store_error)?;
    }
    let consent_at: Timestamp = "2026-02-10T02:30:00Z".parse().expect("a valid time");
    let links = [(0, "lx-rider-80231", 1), (0, "lx-rider-80777", 2), (1, "lvyi-55102", 1), (2, "xw-31877", 3)];
    for (index, identity, person) in links {
        let new = NewLink::parse(registered[index].id, identity, person, consent_at, "2026-01", "app")
            .expect("the demo's links are well formed");
        let link = store.link_identity(operator_owner, &new).await.map_err(store_error)?;
        if index == 2 {
            store.unlink_identity(operator_owner, registered[index].id, link.id).await.map_err(store_error)?;
        }
    }
    Ok(())
}
