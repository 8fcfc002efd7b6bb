//! The demo's supplier assessment (story step 2, issue 12): before choosing the maker of its private-brand series,
//! the retailer scored 21 supplier factories on the factory carbon management framework, and one passed — 瑞禾.
//!
//! 瑞禾's answers rest on what tanji holds for it: its inventory verified by the engaged verification body (谨衡) and
//! its published cup footprint; each piece of evidence is a short text naming those records, and the retailer's
//! carbon manager accepts them. 竹韵 answers a little and has one item rejected. The other 19 factories are
//! **generated and illustrative** — names, answers and evidence files made from a fixed seed, so every demo is the
//! same — and the campaign, the factories' names and every generated file say so. None of them reaches grade B: a
//! generated factory claims the full tier of at most a few indicators and some of its evidence is rejected.

use anyhow::{Context, anyhow};
use tanji_store::Store;
use tanji_store::supplier_assessment::{NewCampaign, evidence_kind_code};
use tanji_store::{LoginOutcome, NewMember};
use tanji_supplier::framework::{Framework, TierLevel};
use tanji_supplier::scoring::Verdict;
use tanji_tenancy::member::{DisplayName, Email, Password, Role};
use tanji_tenancy::organisation::{OrganisationKind, OrganisationProfile};
use tanji_tenancy::supplier_link::InvitationDetails;
use tanji_tenancy::{Actor, SupplierLinkId};
use uuid::Uuid;

/// How many generated factories join 瑞禾 and 竹韵: 21 in all, as in the retailer's assessment.
const GENERATED_FACTORIES: usize = 19;
/// The seed of the generated answers.
const SEED: u64 = 0x2025_1211;
/// The generated factories' contact, a member of each of them.
const RESPONDENT: &str = "factories@demo.example";

/// The note every page of the campaign shows: Chinese, then English after " / " (the pages show the reader's half).
const ILLUSTRATIVE_NOTE: &str = "演示数据：除瑞禾与竹韵外，19 家工厂及其答案、证据均由固定种子生成，仅作示意 / Demo data: apart from 瑞禾 and 竹韵, the 19 factories, their answers and evidence are generated from a fixed seed and illustrative only";

/// SplitMix64: a few lines of seeded randomness, so the demo needs no random-number crate.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut mixed = self.0;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        mixed ^ (mixed >> 31)
    }

    /// A number in 0..bound.
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
}

/// The organisations and people the assessment builds on, made by `demo::load`.
pub struct Participants<'a> {
    pub carbon_manager: &'a Actor,
    pub ruihe_owner: &'a Actor,
    pub ruihe_link: SupplierLinkId,
    pub zhuyun_owner: &'a Actor,
    pub zhuyun_link: SupplierLinkId,
}

/// 瑞禾's answers: (indicator, tier, the record behind it).
const RUIHE_ANSWERS: [(&str, &str, &str); 14] = [
    (
        "management-structure",
        "accountable-leader-and-team",
        "厂长任碳管理小组组长的任命文件 / appointment of the plant manager as head of the carbon team",
    ),
    (
        "management-system",
        "documented",
        "能源与碳管理制度（未认证）/ energy and carbon management procedure (not certified)",
    ),
    (
        "inventory-completeness",
        "all-facilities",
        "tanji 中 2025 年温室气体清单，覆盖黄岩工厂与成品仓 / the 2025 GHG inventory in tanji covering the Huangyan factory and warehouse",
    ),
    (
        "third-party-verification",
        "verified-latest-year",
        "谨衡碳核查中心对 2025 年清单的核查签署（tanji 中的核查记录）/ 谨衡's verification sign-off of the 2025 inventory (tanji's record)",
    ),
    ("scope3-inventory", "some-categories", "清单中的上游运输类别 / the inventory's inbound freight category"),
    (
        "customer-allocation",
        "product-footprints",
        "已发布并经核查的竹纤维纸杯碳足迹 / the published, verified bamboo-fibre cup footprint",
    ),
    (
        "absolute-target",
        "meets-4-2-percent",
        "管理层批准的绝对减排目标（示意）/ absolute reduction target approved by management (illustrative)",
    ),
    (
        "sbti-status",
        "committed",
        "管理层批准的 SBTi 承诺意向（示意）/ management's intent to commit to SBTi (illustrative)",
    ),
    ("performance-vs-target", "reduced-but-behind", "2024→2025 清单对比 / the 2024→2025 inventories compared"),
    (
        "renewable-electricity",
        "ten-to-half",
        "屋顶光伏与 2025 年 6 月起的绿证（清单中的电力记录）/ rooftop PV and green certificates from June 2025 (the inventory's electricity records)",
    ),
    ("carbon-trading", "none", ""),
    (
        "reduction-projects",
        "measured-savings",
        "tanji 能源模块中的计量节能发现 / the measured savings in tanji's energy module",
    ),
    (
        "environmental-compliance",
        "no-violations",
        "排污许可与公开违法记录查询（示意）/ discharge permit and a search of public violation records (illustrative)",
    ),
    ("disclosure", "customers-only", "向绿洲超市共享的碳数据 / the carbon data shared with the retailer"),
];

fn demo_error(error: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("loading the demo's supplier assessment: {error}")
}

/// Answers `tier` of `indicator`, attaches one text evidence item per kind the tier requires, and returns the ids.
async fn answer_with_evidence(
    store: &Store,
    supplier: &Actor,
    participant: Uuid,
    framework: &Framework,
    indicator: &str,
    tier: &str,
    evidence_text: &str,
) -> anyhow::Result<Vec<Uuid>> {
    store.answer_indicator(supplier, participant, indicator, tier, None).await.map_err(demo_error)?;
    let kinds = framework.indicator(indicator).and_then(|found| found.tier(tier)).map(|found| found.evidence.clone());
    let mut evidence_ids = Vec::new();
    for kind in kinds.unwrap_or_default() {
        let code = evidence_kind_code(kind);
        let content = format!("{evidence_text}\n{indicator} · {code}\n");
        let stored = store
            .upload_evidence(
                supplier,
                participant,
                indicator,
                &code,
                &format!("{indicator}-{code}.txt"),
                content.as_bytes(),
            )
            .await
            .map_err(demo_error)?;
        evidence_ids.push(stored.id);
    }
    Ok(evidence_ids)
}

/// Registers the generated factories with one contact, and returns each as an actor there.
async fn generated_factories(store: &Store, password: &str) -> anyhow::Result<Vec<(String, Actor)>> {
    let mut organisations = Vec::new();
    for factory_idx in 1..=GENERATED_FACTORIES {
        let name = format!("示意工厂 {factory_idx:02} 号（演示生成）");
        let profile = OrganisationProfile::parse(&name, "CN", None)
            .and_then(|profile| {
                profile.with_name_en(Some(&format!("Illustrative factory {factory_idx:02} (generated)")))
            })
            .map_err(demo_error)?;
        let organisation =
            store.operator_register_organisation(&profile, OrganisationKind::Supplier).await.map_err(demo_error)?;
        let member = NewMember {
            email: Email::parse(RESPONDENT).map_err(demo_error)?,
            display_name: Some(DisplayName::parse("示意工厂联系人").map_err(demo_error)?),
            role: Role::Owner,
            // The contact's password is set once, with the first factory; later memberships reuse the account.
            initial_password: (factory_idx == 1)
                .then(|| Password::parse_new(password))
                .transpose()
                .map_err(demo_error)?,
        };
        store.operator_add_member(organisation.id, &member).await.map_err(demo_error)?;
        organisations.push((name, organisation));
    }
    // One login, then the session switches between the factories: no password hash per factory.
    let first = &organisations.first().context("generated factories")?.1;
    let outcome = store.login(RESPONDENT, &Password::for_login(password), Some(first.id)).await.map_err(demo_error)?;
    let LoginOutcome::LoggedIn(session) = outcome else {
        return Err(anyhow!("the demo's factory contact cannot log in"));
    };
    let mut actors = Vec::new();
    for (name, organisation) in organisations {
        store.switch_organisation(&session.secret, organisation.id).await.map_err(demo_error)?;
        let context = store.session(&session.secret).await.map_err(demo_error)?.context("a demo session")?;
        actors.push((name, context.actor));
    }
    store.logout(&session.secret).await.map_err(demo_error)?;
    Ok(actors)
}

/// Loads the assessment: links, campaign, answers with evidence, decisions.
pub async fn load(store: &Store, people: Participants<'_>, password: &str) -> anyhow::Result<()> {
    let framework = tanji_supplier::bundled::factory_carbon_management();
    let generated = generated_factories(store, password).await?;
    let mut links = vec![people.ruihe_link, people.zhuyun_link];
    for (name, owner) in &generated {
        let details = InvitationDetails::parse(name, None).map_err(demo_error)?;
        let (_, code) = store.create_invitation(people.carbon_manager, &details).await.map_err(demo_error)?;
        links.push(store.accept_invitation(owner, &code).await.map_err(demo_error)?.id);
    }
    let today = jiff::Zoned::now().date();
    let campaign = NewCampaign {
        name: "绿选系列代工厂碳管理评估".into(),
        framework_id: framework.id.clone(),
        framework_version: framework.version,
        due_on: today.checked_add(jiff::Span::new().days(60)).map_err(demo_error)?,
        supplier_link_ids: links,
        invite: Vec::new(),
        illustrative_note: Some(ILLUSTRATIVE_NOTE.into()),
    };
    let launched = store.launch_campaign(people.carbon_manager, &campaign).await.map_err(demo_error)?;
    let participant_of = |organisation| {
        launched
            .participants
            .iter()
            .find(|participant| participant.supplier_organisation_id == Some(organisation))
            .map(|participant| participant.id)
            .context("every demo factory is asked")
    };
    let reviewer = people.carbon_manager;

    // 瑞禾: every claim backed by its records in tanji, every item accepted.
    let ruihe = participant_of(people.ruihe_owner.organisation_id)?;
    let mut ruihe_evidence = Vec::new();
    for (indicator, tier, record) in RUIHE_ANSWERS {
        ruihe_evidence
            .extend(answer_with_evidence(store, people.ruihe_owner, ruihe, &framework, indicator, tier, record).await?);
    }
    store.submit_questionnaire(people.ruihe_owner, ruihe).await.map_err(demo_error)?;
    for evidence_id in ruihe_evidence {
        store.review_evidence(reviewer, ruihe, evidence_id, Verdict::Accepted).await.map_err(demo_error)?;
    }

    // 竹韵: a few answers; its target document is rejected.
    let zhuyun = participant_of(people.zhuyun_owner.organisation_id)?;
    let mut accepted = Vec::new();
    for (indicator, tier) in [("management-structure", "named-person"), ("inventory-completeness", "main-facility")] {
        accepted.extend(
            answer_with_evidence(
                store,
                people.zhuyun_owner,
                zhuyun,
                &framework,
                indicator,
                tier,
                "竹韵提交 / from 竹韵",
            )
            .await?,
        );
    }
    let rejected = answer_with_evidence(
        store,
        people.zhuyun_owner,
        zhuyun,
        &framework,
        "absolute-target",
        "meets-4-2-percent",
        "竹韵提交 / from 竹韵",
    )
    .await?;
    store.submit_questionnaire(people.zhuyun_owner, zhuyun).await.map_err(demo_error)?;
    for evidence_id in accepted {
        store.review_evidence(reviewer, zhuyun, evidence_id, Verdict::Accepted).await.map_err(demo_error)?;
    }
    for evidence_id in rejected {
        let comment = "目标文件未写明基准年与覆盖范围，请补充";
        store
            .review_evidence(reviewer, zhuyun, evidence_id, Verdict::Rejected { comment: comment.into() })
            .await
            .map_err(demo_error)?;
    }

    // The generated factories: seeded answers; at most three full tiers each; one item in four rejected.
    let mut random = SplitMix64(SEED);
    for (name, owner) in &generated {
        let participant = participant_of(owner.organisation_id)?;
        let mut full_left = random.below(4);
        let mut evidence_ids = Vec::new();
        for (_, indicator) in framework.indicators() {
            let roll = random.below(10);
            let level = if roll < 3 {
                TierLevel::None
            } else if roll < 8 || full_left == 0 {
                TierLevel::Partial
            } else {
                full_left -= 1;
                TierLevel::Full
            };
            let Some(tier) = indicator.tiers.iter().find(|tier| tier.level == level) else { continue };
            let text = format!(
                "示意证据（演示生成，非真实文件）/ illustrative evidence (generated for the demo, not a real document): {name}"
            );
            evidence_ids.extend(
                answer_with_evidence(store, owner, participant, &framework, &indicator.id, &tier.id, &text).await?,
            );
        }
        store.submit_questionnaire(owner, participant).await.map_err(demo_error)?;
        for evidence_id in evidence_ids {
            let verdict = if random.below(4) == 0 {
                Verdict::Rejected {
                    comment: "示意：证据与所答档次不符 / illustrative: the evidence does not support the tier".into(),
                }
            } else {
                Verdict::Accepted
            };
            store.review_evidence(reviewer, participant, evidence_id, verdict).await.map_err(demo_error)?;
        }
    }

    // The story's outcome, checked: 瑞禾 ranks first and is the only factory at grade B or better.
    let results = store.campaign_results(people.carbon_manager, launched.campaign.id).await.map_err(demo_error)?;
    let passing: Vec<Uuid> = results
        .rows
        .iter()
        .filter(|row| matches!(row.grade.as_str(), "A" | "B"))
        .map(|row| row.participant.id)
        .collect();
    anyhow::ensure!(passing == [ruihe], "the demo assessment should pass 瑞禾 alone, passed {passing:?}");
    Ok(())
}
