//! `tanji demo`: the story of SPEC.md §1 as far as tanji can tell it today, on its own embedded database.
//!
//! A retailer (绿洲超市) launches a "carbon footprint" series under its private brand 绿选. It links the two factories
//! that passed its carbon-reduction assessment — 瑞禾, which makes bamboo-fibre paper cups and bagasse plates in
//! Taizhou, and 竹韵, which makes bamboo chopsticks in Anji — and still has an invitation open to a third. An
//! independent verification body, 谨衡, verifies 瑞禾's inventory and cup footprint: its verifier belongs to neither
//! the retailer nor the factory, and acts there only because each engaged the body. A food-delivery sub-platform and
//! the platform operator complete the cast.
//! Every organisation, person and code here is fictional.
//!
//! Later capabilities add their part of the story here (energy data, inventories, footprints, labels, points).

use std::sync::Arc;

use anyhow::{Context, anyhow};
use tanji_server::{AppState, DemoAccount, DemoLogins, ServerConfig};
use tanji_store::{LoginOutcome, NewMember, Store, StoreError, SystemClock};
use tanji_tenancy::Actor;
use tanji_tenancy::facility::{FacilityDetails, FacilityInput};
use tanji_tenancy::member::{DisplayName, Email, Password, Role};
use tanji_tenancy::organisation::{Organisation, OrganisationKind, OrganisationProfile};
use tanji_tenancy::supplier_link::InvitationDetails;
use tanji_tenancy::supplier_share::ShareKind;
use tokio::net::TcpListener;

use tanji_i18n::{Language, text};

use crate::commands::database_url;
use crate::options::DemoArgs;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "tanji-demo-2026";

/// The retailer's name; its presence means the demo data is already loaded.
const RETAILER: &str = "绿洲超市有限公司";
const FACTORY_CUPS: &str = "台州瑞禾日用品科技有限公司";
const FACTORY_CHOPSTICKS: &str = "安吉竹韵竹木制品有限公司";
const SUB_PLATFORM: &str = "绿行外卖";
const OPERATOR: &str = "碳迹平台运营中心";
const VERIFICATION_BODY: &str = "谨衡碳核查中心有限公司";

struct Person {
    email: &'static str,
    name: &'static str,
    organisation: &'static str,
    role: Role,
    zh: &'static str,
    en: &'static str,
}

const PEOPLE: [Person; 10] = [
    Person {
        email: "owner@lvzhou.example",
        name: "林晓",
        organisation: RETAILER,
        role: Role::Owner,
        zh: "绿洲超市 · 所有者（绿色供应链负责人）",
        en: "Retailer · owner (head of green supply chain)",
    },
    Person {
        email: "carbon@lvzhou.example",
        name: "周敏",
        organisation: RETAILER,
        role: Role::Editor,
        zh: "绿洲超市 · 编辑（碳管理专员）",
        en: "Retailer · editor (carbon manager)",
    },
    // The login keeps its historic address (documented and used by the browser tests); the person belongs to the
    // verification body only.
    Person {
        email: "verifier@jinheng.example",
        name: "陈静",
        organisation: VERIFICATION_BODY,
        role: Role::Auditor,
        zh: "谨衡碳核查中心 · 核查员（受绿洲超市与瑞禾工厂委托）",
        en: "谨衡 verification body · verifier (engaged by the retailer and 瑞禾)",
    },
    Person {
        email: "viewer@lvzhou.example",
        name: "王磊",
        organisation: RETAILER,
        role: Role::Viewer,
        zh: "绿洲超市 · 查看者（采购）",
        en: "Retailer · viewer (buyer)",
    },
    Person {
        email: "zhao@ruihe.example",
        name: "赵永",
        organisation: FACTORY_CUPS,
        role: Role::Owner,
        zh: "瑞禾工厂 · 所有者（厂长）",
        en: "瑞禾 factory · owner (plant manager)",
    },
    Person {
        email: "energy@ruihe.example",
        name: "李工",
        organisation: FACTORY_CUPS,
        role: Role::Editor,
        zh: "瑞禾工厂 · 编辑（能源工程师）",
        en: "瑞禾 factory · editor (energy engineer)",
    },
    Person {
        email: "owner@zhuyun.example",
        name: "吴竹",
        organisation: FACTORY_CHOPSTICKS,
        role: Role::Owner,
        zh: "竹韵工厂 · 所有者",
        en: "竹韵 factory · owner",
    },
    Person {
        email: "owner@lvxing.example",
        name: "孙悦",
        organisation: SUB_PLATFORM,
        role: Role::Owner,
        zh: "绿行外卖 · 所有者（子平台）",
        en: "Food-delivery sub-platform · owner",
    },
    Person {
        email: "owner@jinheng.example",
        name: "郑衡",
        organisation: VERIFICATION_BODY,
        role: Role::Owner,
        zh: "谨衡碳核查中心 · 所有者（核查机构负责人）",
        en: "谨衡 verification body · owner (head of the body)",
    },
    Person {
        email: "ops@tanji.example",
        name: "平台运营",
        organisation: OPERATOR,
        role: Role::Owner,
        zh: "平台运营方 · 所有者",
        en: "Platform operator · owner",
    },
];

/// The English name of a demo organisation, shown on English pages.
fn english_name(name: &str) -> Option<&'static str> {
    match name {
        RETAILER => Some("Lüzhou Supermarkets Co., Ltd."),
        FACTORY_CUPS => Some("Taizhou Ruihe Daily Products Technology Co., Ltd."),
        FACTORY_CHOPSTICKS => Some("Anji Zhuyun Bamboo Products Co., Ltd."),
        SUB_PLATFORM => Some("Lüxing Food Delivery"),
        OPERATOR => Some("tanji Platform Operations"),
        _ => None,
    }
}

/// `tanji demo`.
pub async fn run(args: DemoArgs, language: Language) -> anyhow::Result<()> {
    let database_file = args.data_dir.join("demo.sqlite");
    if args.reset {
        for suffix in ["", "-wal", "-shm"] {
            let path = format!("{}{suffix}", database_file.display());
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(error).with_context(|| format!("removing {path}")),
            }
        }
    }
    let url = database_url(None, &args.data_dir, "demo.sqlite")?;
    let store = Store::open(&url, Arc::new(SystemClock)).await?;
    if store.operator_find_organisation(RETAILER).await.map_err(store_error)?.is_some() {
        let file = database_file.display();
        eprintln!("{}", text!(language, zh: "沿用 {file} 中的演示数据", en: "reusing the demo data in {file}"));
    } else {
        let file = database_file.display();
        eprintln!("{}", text!(language, zh: "正在把演示数据载入 {file} …", en: "loading the demo data into {file} …"));
        load(&store).await?;
    }

    let listener = TcpListener::bind(args.listen).await.with_context(|| {
        format!("listening on {}\nhint: is another server using the port? Pick another with --listen", args.listen)
    })?;
    let address = listener.local_addr()?;
    let public_url = args.public_url.map(|url| url.trim_end_matches('/').to_owned());
    let links =
        ServerConfig { listen_address: Some(address), public_url: public_url.clone(), ..ServerConfig::default() };
    let labels = published_labels(&store).await?;
    let person_link = demo_person_link(&store).await?;
    print_welcome(&format!("http://{address}"), &links.base_url(), &labels, &person_link, language);
    if let Some(warning) = crate::commands::unreachable_links_warning(&links, "tanji demo", language) {
        eprintln!("{}", text!(language, zh: "警告：{warning}", en: "warning: {warning}"));
    }
    let demo_logins = DemoLogins {
        password: DEMO_PASSWORD.to_owned(),
        accounts: PEOPLE
            .iter()
            .map(|person| DemoAccount {
                email: person.email.to_owned(),
                description_zh: person.zh.to_owned(),
                description_en: person.en.to_owned(),
            })
            .collect(),
    };
    let config = ServerConfig {
        listen_address: Some(address),
        public_url,
        demo_logins: Some(demo_logins),
        ..ServerConfig::default()
    };
    let app = tanji_server::app(AppState::new(store.clone(), config));
    tanji_server::serve(app, listener, None, tanji_server::shutdown_signal()).await?;
    store.close().await;
    Ok(())
}

/// A published label of the demo: the product's names and the label's code as printed.
struct DemoLabel {
    name_zh: String,
    name_en: String,
    code: String,
    assurance: tanji_footprint::Assurance,
}

/// The labels the demo publishes (each code's newest version), for the welcome text. Read as the public reads them,
/// without logging anyone in (a login would be an audit-log entry at every start).
async fn published_labels(store: &Store) -> anyhow::Result<Vec<DemoLabel>> {
    let factory =
        store.operator_find_organisation(FACTORY_CUPS).await.map_err(store_error)?.context("the demo factory")?;
    let mut labels: Vec<DemoLabel> = Vec::new();
    for code in store.public_label_codes(factory.id).await.map_err(store_error)? {
        let label = store.public_label(&code, None).await.map_err(store_error)?;
        let publication = &label.publication;
        let Some(summary) = publication.summary().filter(|_| publication.withdrawn_at.is_none()) else { continue };
        labels.push(DemoLabel {
            name_zh: summary.name_zh,
            name_en: summary.name_en,
            code: code.display(),
            assurance: publication.assurance(),
        });
    }
    labels.sort_by(|a, b| a.name_en.cmp(&b.name_en));
    Ok(labels)
}

/// Prints the address, the logins and the public label pages. Write errors are ignored: a server must not stop
/// because whoever started it stopped reading its output (`tanji demo | head`, a closed terminal).
fn print_welcome(url: &str, links_base: &str, labels: &[DemoLabel], person_link: &str, language: Language) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let text = welcome_text(url, links_base, labels, person_link, language);
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// A fresh pass to the demo person's own page (valid 30 days), as the sign-in link to print. Issued at every start:
/// only the pass's digest is stored, so an earlier one cannot be shown again.
async fn demo_person_link(store: &Store) -> anyhow::Result<String> {
    let retailer =
        store.operator_find_organisation(RETAILER).await.map_err(store_error)?.context("the demo retailer")?;
    let owner = store.operator_member_actor(&retailer, "owner@lvzhou.example").await.map_err(store_error)?;
    let issued =
        store.issue_person_pass(&owner, crate::demo_account::DEMO_PERSON_NUMBER, 30).await.map_err(store_error)?;
    Ok(format!("/me/login?pass={}", issued.secret))
}

fn welcome_text(url: &str, links_base: &str, labels: &[DemoLabel], person_link: &str, language: Language) -> String {
    let mut text = text!(language,
        zh: "\n  碳迹（tanji）演示已在 {url} 运行\n\n  可用以下任一账号登录（密码：{DEMO_PASSWORD}）：\n",
        en: "\n  tanji (碳迹) demo is running at {url}\n\n  Log in as any of these (password: {DEMO_PASSWORD}):\n");
    for person in &PEOPLE {
        let who = match language {
            Language::SimplifiedChinese => person.zh,
            Language::English => person.en,
        };
        text.push_str(&format!("    {:<26} {who}\n", person.email));
    }
    if !labels.is_empty() {
        text.push_str(&text!(language,
            zh: "\n  公开的碳标签页面（二维码打开的页面，无需登录）：\n",
            en: "\n  Public carbon label pages (what the QR codes open; no login):\n"));
        for label in labels {
            let assurance = match (label.assurance, language) {
                (tanji_footprint::Assurance::Verified, Language::SimplifiedChinese) => "已核查",
                (tanji_footprint::Assurance::Verified, Language::English) => "verified",
                (tanji_footprint::Assurance::InternalReview, Language::SimplifiedChinese) => "内部审核",
                (tanji_footprint::Assurance::InternalReview, Language::English) => "internal review",
                (tanji_footprint::Assurance::SelfDeclared, Language::SimplifiedChinese) => "自我声明",
                (tanji_footprint::Assurance::SelfDeclared, Language::English) => "self-declared",
            };
            let name = match language {
                Language::SimplifiedChinese => label.name_zh.clone(),
                Language::English => format!("{} {}", label.name_zh, label.name_en),
            };
            let (open, close) = match language {
                Language::SimplifiedChinese => ("（", "）"),
                Language::English => (" (", ")"),
            };
            text.push_str(&format!("    {links_base}/l/{}   {name}{open}{assurance}{close}\n", label.code));
        }
    }
    text.push_str(&text!(language,
        zh: "\n  演示个人（王小明，绿洲超市碳账户）的“我的碳账户”手机页面（打开后点“登录”）：\n    {url}{person_link}\n",
        en: "\n  The demo person's own mobile page (王小明, the retailer's carbon account; open it, then confirm):\n    {url}{person_link}\n"));
    text.push_str(&text!(language,
        zh: "\n  按 Ctrl-C 停止。运行 `tanji demo --reset` 可重新开始。\n\n",
        en: "\n  Press Ctrl-C to stop. Run `tanji demo --reset` to start over.\n\n"));
    text
}

fn store_error(error: StoreError) -> anyhow::Error {
    anyhow!("loading the demo data: {error}")
}

async fn actor(store: &Store, email: &str, organisation: &Organisation) -> anyhow::Result<Actor> {
    let outcome =
        store.login(email, &Password::for_login(DEMO_PASSWORD), Some(organisation.id)).await.map_err(store_error)?;
    let LoginOutcome::LoggedIn(session) = outcome else { return Err(anyhow!("demo user {email} cannot log in")) };
    let context = store.session(&session.secret).await.map_err(store_error)?.context("a fresh demo session")?;
    store.logout(&session.secret).await.map_err(store_error)?;
    Ok(context.actor)
}

fn facility(
    name: &str,
    name_en: &str,
    code: Option<&str>,
    kind: &str,
    subdivision: &str,
    city: &str,
    address: &str,
) -> FacilityDetails {
    FacilityDetails::parse(&FacilityInput {
        name,
        code,
        kind,
        country: Some("CN"),
        subdivision: Some(subdivision),
        city: Some(city),
        address: Some(address),
        name_en: Some(name_en),
    })
    .expect("demo facilities are valid")
}

/// Loads the demo data set. Each step is its own transaction; the retailer is registered first, so an interrupted
/// load is noticed on the next start only if it got that far — `--reset` starts over cleanly.
async fn load(store: &Store) -> anyhow::Result<()> {
    let register = |name: &'static str, kind| async move {
        let profile = OrganisationProfile::parse(name, "CN", None)
            .and_then(|profile| profile.with_name_en(english_name(name)))
            .expect("demo names are valid");
        store.operator_register_organisation(&profile, kind).await.map_err(store_error)
    };
    let operator = register(OPERATOR, OrganisationKind::PlatformOperator).await?;
    let factory_cups = register(FACTORY_CUPS, OrganisationKind::Supplier).await?;
    let factory_chopsticks = register(FACTORY_CHOPSTICKS, OrganisationKind::Supplier).await?;
    let sub_platform = register(SUB_PLATFORM, OrganisationKind::SubPlatform).await?;
    let retailer = register(RETAILER, OrganisationKind::BrandRetailer).await?;
    let verification_body = register(VERIFICATION_BODY, OrganisationKind::VerificationBody).await?;
    let organisation_named = |name: &str| {
        [&operator, &factory_cups, &factory_chopsticks, &sub_platform, &retailer, &verification_body]
            .into_iter()
            .find(|organisation| organisation.name.as_str() == name)
            .expect("every demo person belongs to a demo organisation")
    };

    for person in &PEOPLE {
        let new_member = NewMember {
            email: Email::parse(person.email).expect("demo e-mail addresses are valid"),
            display_name: Some(DisplayName::parse(person.name).expect("demo names are valid")),
            role: person.role,
            initial_password: Some(Password::parse_new(DEMO_PASSWORD).expect("the demo password is valid")),
        };
        store
            .operator_add_member(organisation_named(person.organisation).id, &new_member)
            .await
            .map_err(store_error)?;
    }
    // The retailer and the cup factory each engage the verification body; its verifier then switches between them
    // without being a member of either.
    for (owner, organisation) in [("owner@lvzhou.example", &retailer), ("zhao@ruihe.example", &factory_cups)] {
        let owner = actor(store, owner, organisation).await?;
        store.engage_verification_body(&owner, verification_body.id).await.map_err(store_error)?;
    }

    let carbon_manager = actor(store, "carbon@lvzhou.example", &retailer).await?;
    for details in [
        facility("杭州总部", "Hangzhou head office", Some("LZ-HQ"), "office", "CN-ZJ", "杭州", "西湖区文三路 100 号"),
        facility(
            "嘉兴区域配送中心",
            "Jiaxing regional distribution centre",
            Some("LZ-DC-JX"),
            "warehouse",
            "CN-ZJ",
            "嘉兴",
            "南湖区物流园 8 号",
        ),
        facility(
            "上海徐汇门店",
            "Shanghai Xuhui store",
            Some("LZ-SH-XH"),
            "store",
            "CN-SH",
            "上海",
            "徐汇区漕溪北路 200 号",
        ),
    ] {
        store.create_facility(&carbon_manager, &details).await.map_err(store_error)?;
    }
    let energy_engineer = actor(store, "energy@ruihe.example", &factory_cups).await?;
    for details in [
        facility("黄岩工厂", "Huangyan factory", Some("RH-HY"), "factory", "CN-ZJ", "台州", "黄岩区经济开发区 18 号"),
        facility(
            "黄岩成品仓",
            "Huangyan finished-goods warehouse",
            Some("RH-HY-W"),
            "warehouse",
            "CN-ZJ",
            "台州",
            "黄岩区经济开发区 20 号",
        ),
    ] {
        store.create_facility(&energy_engineer, &details).await.map_err(store_error)?;
    }
    // Story step 3 (issue 9): the factory's meters and production first, then the chain: the meters feed the
    // inventory and the cup's footprint below without a number typed again.
    record_factory_energy(store, &energy_engineer).await?;
    let metered = metered_line(store, &energy_engineer).await?;
    record_factory_inventory(store, &energy_engineer, &factory_cups).await?;
    record_factory_footprints(store, &energy_engineer, &factory_cups, metered.as_ref()).await?;
    let bamboo_owner = actor(store, "owner@zhuyun.example", &factory_chopsticks).await?;
    for details in [
        facility(
            "安吉竹筷工厂",
            "Anji chopstick factory",
            Some("ZY-AJ"),
            "factory",
            "CN-ZJ",
            "湖州",
            "安吉县递铺街道竹海路 6 号",
        ),
        facility(
            "宜春原竹初加工点",
            "Yichun raw-bamboo processing site",
            Some("ZY-YC"),
            "factory",
            "CN-JX",
            "宜春",
            "袁州区竹产业园 3 号",
        ),
    ] {
        store.create_facility(&bamboo_owner, &details).await.map_err(store_error)?;
    }

    // The retailer invites the two factories that passed its assessment; both accept. A third stays open.
    // 瑞禾, the maker of the private brand's series, shares its published footprints and its verified inventory
    // summary with the retailer, whose carbon manager so sees the series in her console; 竹韵 shares nothing yet.
    let message = "绿选“碳足迹”系列：请加入绿洲超市绿色供应链，共享碳数据。";
    let mut factory_links = Vec::new();
    for (supplier_name, supplier_owner, organisation, shares) in [
        (FACTORY_CUPS, "zhao@ruihe.example", &factory_cups, &ShareKind::ALL[..]),
        (FACTORY_CHOPSTICKS, "owner@zhuyun.example", &factory_chopsticks, &[][..]),
    ] {
        let details = InvitationDetails::parse(supplier_name, Some(message)).expect("valid");
        let (_, code) = store.create_invitation(&carbon_manager, &details).await.map_err(store_error)?;
        let owner = actor(store, supplier_owner, organisation).await?;
        let link = store.accept_invitation(&owner, &code).await.map_err(store_error)?;
        for kind in shares {
            store.grant_supplier_share(&owner, link.id, *kind).await.map_err(store_error)?;
        }
        factory_links.push((owner, link.id));
    }
    // Story step 2 (issue 12): the assessment of 21 factories that 瑞禾 passed.
    let [(ruihe_owner, ruihe_link), (zhuyun_owner, zhuyun_link)] = &factory_links[..] else {
        return Err(anyhow!("the demo links two factories"));
    };
    let participants = crate::demo_supplier::Participants {
        carbon_manager: &carbon_manager,
        ruihe_owner,
        ruihe_link: *ruihe_link,
        zhuyun_owner,
        zhuyun_link: *zhuyun_link,
    };
    crate::demo_supplier::load(store, participants, DEMO_PASSWORD).await?;
    let pending = InvitationDetails::parse("温州青禾纸制品有限公司", Some(message)).expect("valid");
    store.create_invitation(&carbon_manager, &pending).await.map_err(store_error)?;

    // The carbon-account schemes (issue 10): the city's carbon-inclusive scheme, run by the platform operator, and
    // the retailer's own 88碳账户 with its four sub-platforms, a few hundred people and a campaign week.
    let operator_owner = actor(store, "ops@tanji.example", &operator).await?;
    crate::demo_account::load_city_scheme(store, &operator, &operator_owner, DEMO_PASSWORD).await?;
    let retailer_owner = actor(store, "owner@lvzhou.example", &retailer).await?;
    let cup = crate::demo_account::cup_label(store, &factory_cups).await?;
    crate::demo_account::load_retailer_scheme(store, &retailer, &retailer_owner, &sub_platform, &cup, DEMO_PASSWORD)
        .await?;
    Ok(())
}

/// The cup factory's activity data (the file's facility keys are the demo facilities' codes: it imports as shipped).
const ACTIVITIES: &str = include_str!("../../../examples/inventory/ruihe-activities.csv");

/// The cup factory's activity data for 2024 and 2025 (the file shipped as `examples/inventory/ruihe-activities.csv`,
/// whose facility keys are the demo's facility codes): grid electricity with green certificates from June
/// 2025, rooftop PV, the coal steam boiler, natural gas for the dryer, diesel trucks, refrigerant top-ups and inbound
/// freight. The warehouse is a joint venture (40 % equity, operated by 瑞禾). The 2025 inventory is computed against
/// base year 2024 and signed off by the verifier; 2024 is computed too, for the year-on-year view.
async fn record_factory_inventory(
    store: &Store,
    energy_engineer: &tanji_tenancy::Actor,
    factory: &tanji_tenancy::organisation::Organisation,
) -> anyhow::Result<()> {
    let rows =
        tanji_inventory::read_activity_rows("ruihe-activities.csv", ACTIVITIES.as_bytes()).map_err(|errors| {
            anyhow!(
                "the demo's activity file: {}",
                errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
            )
        })?;
    store.record_activities(energy_engineer, Some("ruihe-activities.csv"), rows).await.map_err(store_error)?;
    let warehouse = store
        .facility_boundaries(energy_engineer)
        .await
        .map_err(store_error)?
        .into_iter()
        .find(|facility| facility.code.as_deref() == Some("RH-HY-W"))
        .context("the demo warehouse exists")?;
    store
        .set_facility_boundary(energy_engineer, warehouse.facility_id, 40.0, false, true)
        .await
        .map_err(store_error)?;
    let request = |year: i16| tanji_store::InventoryRequest {
        reporting_year: year,
        gwp_set: tanji_ghg::GwpSet::AR5,
        consolidation: tanji_inventory::ConsolidationApproach::OperationalControl,
        base_year: Some(tanji_inventory::BaseYearPolicy::Fixed(2024)),
        significance_threshold_percent: 5.0,
        base_year_changes: vec![tanji_inventory::BaseYearChange {
            kind: tanji_inventory::ChangeKind::OrganicGrowth,
            description: "第二条纸杯生产线全年运行 Second paper-cup line ran a full year".into(),
            impact_kg: 180_000.0,
        }],
        // The demo factory's stated output, for the emission intensity per unit of output (illustrative figures,
        // like the rest of the demo's activity data).
        output: Some(tanji_inventory::ProductionOutput {
            quantity: if year == 2024 { 3_650.0 } else { 4_120.0 },
            unit: "万只".into(),
            description: "纸杯与餐盘 paper cups and plates".into(),
        }),
    };
    store.compute_inventory(energy_engineer, &request(2024)).await.map_err(store_error)?;
    let current = store.compute_inventory(energy_engineer, &request(2025)).await.map_err(store_error)?;
    let verifier = actor(store, "verifier@jinheng.example", factory).await?;
    store
        .verify_inventory(
            &verifier,
            &current.id,
            "ISO 14064-3 合理保证：2025 年范围一、二排放在所有重大方面按 ISO 14064-1 量化。Reasonable assurance: scope 1 \
             and 2 emissions for 2025 are quantified in all material respects in accordance with ISO 14064-1.",
            None,
        )
        .await
        .map_err(store_error)?;
    hand_over_metered_months(store, energy_engineer, &request(2025)).await
}

/// Story step 3 into the inventory (issue 9): the main incomer's twelve metered months of 2025 are handed over after
/// the verifier signed off version 1, and a second 2025 version is computed from them, a draft for the verifier; the
/// verified version keeps its figures. Each metered month supersedes the monthly report's row for the incomer and
/// takes over that row's East China grid factor and, from June, its 100,000 kWh of green certificates, so the change
/// is only the meter's reading against the settlement (within ±0.3 % a month, illustrative).
async fn hand_over_metered_months(
    store: &Store,
    energy_engineer: &Actor,
    request: &tanji_store::InventoryRequest,
) -> anyhow::Result<()> {
    use tanji_energy::supersede::SettingOrigin;
    let factory = store
        .facility_boundaries(energy_engineer)
        .await
        .map_err(store_error)?
        .into_iter()
        .find(|facility| facility.code.as_deref() == Some("RH-HY"))
        .context("the demo factory exists")?;
    let year = tanji_energy::DayRange { first: jiff::civil::date(2025, 1, 1), last: jiff::civil::date(2025, 12, 31) };
    let methods = tanji_store::energy_chain::MeteredEnergyMethods {
        emission_point: Some("主变 10kV 进线".into()),
        ..tanji_store::energy_chain::MeteredEnergyMethods::default()
    };
    let outcome =
        store.record_metered_energy(energy_engineer, factory.facility_id, year, &methods).await.map_err(store_error)?;
    // The demo's data must tell the story it claims: twelve months, each superseding its report row and inheriting
    // its factor, and the certificates from June.
    anyhow::ensure!(outcome.electricity_months.len() == 12, "the incomer's twelve months of 2025 are handed over");
    for month in &outcome.electricity_months {
        let report = format!("elec-{}", month.month);
        let inherited = SettingOrigin::Inherited { record: report.clone() };
        anyhow::ensure!(
            month.supersedes.first().is_some_and(|superseded| superseded.record == report)
                && month.factor_origin == inherited,
            "the metered {} supersedes {report} and takes its grid factor",
            month.month
        );
        let certified = month.month.as_str() >= "2025-06";
        anyhow::ensure!(
            (month.coverage_origin == inherited) == certified,
            "the metered {} takes the report's green certificates from June",
            month.month
        );
    }
    store.compute_inventory(energy_engineer, request).await.map_err(store_error)?;
    Ok(())
}

/// The retailer's private-brand "carbon footprint" series made by 瑞禾: the bamboo-fibre cup and the bagasse plate
/// (the files shipped as `examples/footprint/*.toml`), each with its conventional baseline product. Both are computed
/// with Monte Carlo and published as carbon labels; the cup's footprint is signed off by the verifier first, the
/// plate's is self-declared.
/// The factory's energy site and the SKU the demo's cup is made as: the SKU of the line linked to the cup's product
/// in the site tree, else of the site's first line. `None` when no energy site is loaded.
struct MeteredLine {
    facility_id: tanji_tenancy::FacilityId,
    sku: String,
}

async fn metered_line(store: &Store, energy_engineer: &Actor) -> anyhow::Result<Option<MeteredLine>> {
    let sites = store.list_energy_sites(energy_engineer).await.map_err(store_error)?;
    let Some(site) = sites.first() else { return Ok(None) };
    let tree = store.energy_site_tree(energy_engineer, site.facility_id).await.map_err(store_error)?;
    let mut lines = tree.lines;
    lines
        .sort_by(|left, right| (left.product_id.is_none(), &left.code).cmp(&(right.product_id.is_none(), &right.code)));
    Ok(lines.into_iter().next().map(|line| MeteredLine { facility_id: site.facility_id, sku: line.product_sku }))
}

async fn record_factory_footprints(
    store: &Store,
    energy_engineer: &tanji_tenancy::Actor,
    factory: &tanji_tenancy::organisation::Organisation,
    metered: Option<&MeteredLine>,
) -> anyhow::Result<()> {
    const FILES: [(&str, &str, bool); 2] = [
        ("bamboo-fibre-cup.toml", include_str!("../../../examples/footprint/bamboo-fibre-cup.toml"), true),
        ("bagasse-plate.toml", include_str!("../../../examples/footprint/bagasse-plate.toml"), false),
    ];
    let verifier = actor(store, "verifier@jinheng.example", factory).await?;
    let monte_carlo = tanji_footprint::MonteCarloRequest {
        iterations: 2_000,
        seed: 42,
        threads: std::thread::available_parallelism().unwrap_or(std::num::NonZeroUsize::MIN),
    };
    for (name, text, verified) in FILES {
        let file = tanji_footprint::parse_footprint_file(text)
            .map_err(|problems| anyhow!("the demo's footprint file {name}: {problems}"))?;
        let baseline_model = file.baseline.context("the demo's footprint files have a baseline")?;
        let mut baseline_id = None;
        for (model, baseline) in [(baseline_model, None), (file.model, Some(()))] {
            let new = tanji_store::NewProduct {
                sku: model.product.sku.clone(),
                name_zh: model.product.name_zh.clone(),
                name_en: model.product.name_en.clone(),
            };
            let product = store.create_product(energy_engineer, &new).await.map_err(store_error)?;
            if baseline.is_some() {
                store.set_baseline(energy_engineer, &product.id, baseline_id.as_deref()).await.map_err(store_error)?;
            }
            store
                .save_model(energy_engineer, &product.id, &model, &format!("导入自示例文件 examples/footprint/{name}"))
                .await
                .map_err(store_error)?;
            // The cup's forming electricity: the measured kWh per cup of both cup lines over the footprint's reference
            // period, each line weighed by its output.
            if let (Some(metered), Some(()), "bamboo-fibre-cup.toml") = (metered, baseline, name) {
                let period = tanji_energy::DayRange {
                    first: model.product.reference_period_start.parse().context("the cup's reference period")?,
                    last: model.product.reference_period_end.parse().context("the cup's reference period")?,
                };
                let target = tanji_store::energy_chain::MeasuredEnergyTarget {
                    product_id: product.id.clone(),
                    process_id: "cup-forming".to_owned(),
                    factor_index: None,
                };
                store
                    .set_measured_energy(energy_engineer, &target, metered.facility_id, &metered.sku, period)
                    .await
                    .map_err(store_error)?;
            }
            let footprint = store
                .compute_footprint(energy_engineer, &product.id, None, Some(monte_carlo))
                .await
                .map_err(store_error)?;
            if baseline.is_none() {
                baseline_id = Some(product.id);
                continue;
            }
            if verified {
                // The sign-off names the engaged body as registered (the store fills it in for an engaged verifier).
                store
                    .verify_footprint(
                        &verifier,
                        &footprint.id,
                        VERIFICATION_BODY,
                        "依据 ISO 14067:2018 核查，有限保证。Verified against ISO 14067:2018, limited assurance.",
                    )
                    .await
                    .map_err(store_error)?;
            }
            store.publish_footprint(energy_engineer, &footprint.id).await.map_err(store_error)?;
        }
    }
    Ok(())
}

/// Story step 3: the factory's two paper-cup lines in the energy engine. A baseline year (2025) and a quarter after
/// the measure (2026 Q1) of generated meter data (ILLUSTRATIVE, seeded: `tanji_energy::synthetic`, no measurements)
/// go into 黄岩工厂 through the same path as `tanji energy import DIR`; line 2's heater runs hot through 2025 and its
/// set-point is lowered on 2026-01-01, recorded as a measure whose verified saving comes out near 300,000 kWh a year.
/// The grid factor is the factory's province's (Zhejiang 2023, from the bundled factor library), recorded with the
/// site. Hourly data, not 15-minute: a year and a quarter of 15-minute data for six meters is 262,080 readings, too
/// slow to ingest in a debug build for a demo that CI and the browser test load; the analysis reads hourly roll-ups
/// either way.
async fn record_factory_energy(store: &Store, energy_engineer: &tanji_tenancy::Actor) -> anyhow::Result<()> {
    use tanji_energy::analysis::DayRange;
    use tanji_energy::synthetic::{ExampleOptions, ruihe_paper_cups_example};
    use tanji_store::energy_site::{NewMeasure, RecordedGridFactor};

    const GRID_FACTOR_ID: &str = "mee-nbs-2023-grid-cn-zj";
    let heater_fixed_on = jiff::civil::date(2026, 1, 1);
    let files = ruihe_paper_cups_example(&ExampleOptions {
        seed: 2025,
        first_day: jiff::civil::date(2025, 1, 1),
        days: 365 + 90,
        interval_minutes: 60,
        heater_fixed_on: Some(heater_fixed_on),
        faults: false,
    });
    let by_name = |path: &std::path::Path| -> anyhow::Result<Vec<u8>> {
        match path.file_name().and_then(|name| name.to_str()) {
            Some("readings.csv") => Ok(files.readings_csv.clone().into_bytes()),
            Some("production.csv") => Ok(files.production_csv.clone().into_bytes()),
            Some("weather.csv") => Ok(files.weather_csv.clone().into_bytes()),
            _ => Err(anyhow!("the demo's energy site names no file {}", path.display())),
        }
    };
    let (mut import, options) = crate::energy_import::site_import_from_bytes(
        "site.toml",
        files.site_toml.as_bytes(),
        std::path::Path::new(""),
        by_name,
        tanji_i18n::Language::English,
    )?;
    let factor = tanji_ghg::bundled::factor_library().latest(GRID_FACTOR_ID).context("the Zhejiang grid factor")?;
    let kg_co2_per_mwh: f64 = factor.gas_rates.iter().map(|rate| rate.kg_per_unit).sum();
    let grid_factor = RecordedGridFactor {
        factor_id: Some(GRID_FACTOR_ID.to_owned()),
        t_co2e_per_mwh: kg_co2_per_mwh / 1000.0,
        source: format!("{} {}", factor.citation.publisher, factor.citation.document),
    };
    // The site's name is Chinese, and so is its marker (an English "(illustrative data)" showed on Chinese pages).
    import.site.name = "黄岩工厂 纸杯车间（示意数据）".into();
    import.site.grid_factor = tanji_energy::GridFactor {
        t_co2e_per_mwh: grid_factor.t_co2e_per_mwh,
        source: grid_factor.source.clone(),
        factor_id: grid_factor.factor_id.clone(),
    };
    // The example file's Chinese citation is of the national factor this replaces: the library's citation is the one
    // source of the Zhejiang factor, so no Chinese text of the file's may stand beside it.
    import.sources_zh.grid_factor = None;
    let factory = store
        .list_facilities(energy_engineer, false)
        .await
        .map_err(store_error)?
        .into_iter()
        .find(|facility| facility.details.code.as_deref() == Some("RH-HY"))
        .context("the demo factory exists")?;
    store.import_energy_site(energy_engineer, factory.id, &import).await.map_err(|error| anyhow!("{error}"))?;
    let baseline = options.baseline.context("the demo's site file states its baseline")?;
    let reporting = options.reporting.context("the demo's site file states its reporting period")?;
    let measure = NewMeasure {
        line_code: "L2".into(),
        meter_code: Some(
            tanji_store::energy::MeterCode::parse("meter", "L2-heater").map_err(|error| anyhow!("{error}"))?,
        ),
        description:
            "二线热风加热器设定温度下调至与一线相同 Line 2 hot-air heater set-point lowered to line 1's heater".into(),
        implemented_on: heater_fixed_on,
        baseline: DayRange { first: baseline.first, last: baseline.last },
        reporting,
        expected_saving_kwh_per_year: Some(300_000.0),
    };
    store.record_measure(energy_engineer, factory.id, &measure).await.map_err(store_error)?;
    record_main_incomer(store, energy_engineer, factory.id).await
}

/// The factory's 10 kV main incomer (主变 10kV 进线), the meter of everything the factory buys, placed above the cup
/// lines' six meters as their upstream meter, so that the inventory counts the factory's electricity once, at the
/// incomer, and the line meters stay the evidence for the lines and the cup. ILLUSTRATIVE, like the rest of the
/// demo's meter data: each hour is the cup lines' metered hour plus the rest of the factory, whose month is what the
/// production monthly report's 2025 figure leaves after the cup lines, read within a few tenths of a percent of the
/// report (the settlement's cut-off is not the meter's midnight), spread over the day with a day-shift profile; 2026's
/// months repeat 2025's rest of the factory.
async fn record_main_incomer(
    store: &Store,
    energy_engineer: &Actor,
    facility_id: tanji_tenancy::FacilityId,
) -> anyhow::Result<()> {
    use std::collections::BTreeMap;
    use tanji_store::energy::{MeterCode, MeterInput, NewMeter, NewReading, ReadingSource, RollupGrain};
    use tanji_store::energy_site::{AreaInput, MeterPlacement};

    const INCOMER: &str = "RH-HY-main";
    let rows = tanji_inventory::read_activity_rows("ruihe-activities.csv", ACTIVITIES.as_bytes())
        .map_err(|_| anyhow!("the demo's activity file"))?;
    // The monthly report's 2025 electricity at the incomer, by month number.
    let mut reported: BTreeMap<i8, f64> = BTreeMap::new();
    for row in
        rows.iter().filter(|row| row.id.starts_with("elec-2025-") && row.data_source == "production_monthly_report")
    {
        let month: i8 = row.period[5..7].parse().context("the report's month")?;
        reported.insert(month, row.quantity.parse().context("the report's kWh")?);
    }
    let offset = jiff::tz::Offset::constant(8);
    let from = offset.to_timestamp(jiff::civil::date(2025, 1, 1).at(0, 0, 0, 0))?;
    let to = offset.to_timestamp(jiff::civil::date(2026, 4, 1).at(0, 0, 0, 0))?;
    let tree = store.energy_site_tree(energy_engineer, facility_id).await.map_err(store_error)?;
    let line_meters: Vec<MeterCode> = tree
        .meters
        .iter()
        .filter(|placed| placed.placement.as_ref().is_some_and(|placement| placement.line_code.is_some()))
        .map(|placed| placed.meter.code.clone())
        .collect();
    // The cup lines' electricity by hour, and by (year, month).
    let mut lines_by_hour: BTreeMap<i64, f64> = BTreeMap::new();
    for code in &line_meters {
        for rollup in
            store.meter_rollups(energy_engineer, code, RollupGrain::Hour, from, to).await.map_err(store_error)?
        {
            *lines_by_hour.entry(rollup.bucket_start.as_second()).or_default() += rollup.consumption;
        }
    }
    let local = |second: i64| -> anyhow::Result<jiff::civil::DateTime> {
        Ok(offset.to_datetime(jiff::Timestamp::from_second(second)?))
    };
    // Day shift 08:00–20:00 draws twice the night's load.
    let weight = |hour: i8| if (8..20).contains(&hour) { 2.0 } else { 1.0 };
    let mut lines_by_month: BTreeMap<i8, f64> = BTreeMap::new();
    let mut weights_by_month: BTreeMap<(i16, i8), f64> = BTreeMap::new();
    let mut hour_start = from.as_second();
    while hour_start < to.as_second() {
        let time = local(hour_start)?;
        if time.year() == 2025 {
            *lines_by_month.entry(time.month()).or_default() += lines_by_hour.get(&hour_start).copied().unwrap_or(0.0);
        }
        *weights_by_month.entry((time.year(), time.month())).or_default() += weight(time.hour());
        hour_start += 3600;
    }
    let mut readings = Vec::new();
    let mut hour_start = from.as_second();
    while hour_start < to.as_second() {
        let time = local(hour_start)?;
        let month = time.month();
        let report = reported.get(&month).copied().context("a monthly report row for every month of 2025")?;
        // The meter reads within ±0.3 % of the settled figure (illustrative).
        let metered_month = report * (1.0 + 0.003 * f64::from(month).sin());
        let rest_of_factory = (metered_month - lines_by_month.get(&month).copied().unwrap_or(0.0)).max(0.0);
        let share = weight(time.hour()) / weights_by_month[&(2025, month)];
        let value = lines_by_hour.get(&hour_start).copied().unwrap_or(0.0) + rest_of_factory * share;
        let timestamp = jiff::Timestamp::from_second(hour_start)?.to_zoned(jiff::tz::TimeZone::fixed(offset));
        let reading = NewReading::parse(
            INCOMER,
            &timestamp.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            (value * 1000.0).round() / 1000.0,
            "tanji demo: generated main incomer (illustrative)",
        )
        .map_err(|error| anyhow!("{error:?}"))?;
        readings.push(reading);
        hour_start += 3600;
    }
    let facility = facility_id.to_string();
    let meter = NewMeter::parse(&MeterInput {
        facility_id: &facility,
        code: INCOMER,
        name: "主变 10kV 进线总表 10 kV main incomer",
        kind: "electricity",
        unit: "kWh",
        register_type: "interval",
        multiplier: None,
        utc_offset_minutes: Some(480),
    })
    .map_err(|errors| anyhow!("{errors:?}"))?;
    store.register_meter(energy_engineer, &meter).await.map_err(store_error)?;
    let area = AreaInput { code: "substation".into(), name: "10kV 配电房 Substation".into() };
    store.save_energy_area(energy_engineer, facility_id, &area).await.map_err(store_error)?;
    let placement = MeterPlacement {
        meter_code: meter.code.clone(),
        area_code: area.code.clone(),
        line_code: None,
        equipment: tanji_energy::Equipment::Other,
        served_product_sku: None,
        ct_ratio: 1.0,
        pt_ratio: 1.0,
        kwh_per_unit: None,
        rollover_value: None,
    };
    store.place_energy_meter(energy_engineer, facility_id, &placement).await.map_err(store_error)?;
    for code in &line_meters {
        store
            .set_parent_meter(energy_engineer, facility_id, code, Some(&meter.code))
            .await
            .map_err(|error| anyhow!("the demo's upstream meter of {}: {error:?}", code.as_str()))?;
    }
    store
        .record_readings(energy_engineer, ReadingSource::Csv, &readings)
        .await
        .map_err(|error| anyhow!("the demo's main incomer readings: {error:?}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_welcome_and_the_loopback_warning_speak_the_readers_language() {
        let labels = [DemoLabel {
            name_zh: "双层纸杯".into(),
            name_en: "Double-wall paper cup".into(),
            code: "VWXT-FA1G".into(),
            assurance: tanji_footprint::Assurance::Verified,
        }];
        let person = "/me/login?pass=tanji_person_x";
        let chinese = welcome_text(
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080",
            &labels,
            person,
            Language::SimplifiedChinese,
        );
        assert!(chinese.contains("http://127.0.0.1:8080/me/login?pass=tanji_person_x"), "{chinese}");
        assert!(chinese.contains("碳迹（tanji）演示已在 http://127.0.0.1:8080 运行"), "{chinese}");
        assert!(chinese.contains("http://127.0.0.1:8080/l/VWXT-FA1G   双层纸杯（已核查）"), "{chinese}");
        assert_eq!(tanji_i18n::latin_sentences(&chinese), Vec::<String>::new(), "{chinese}");
        let english =
            welcome_text("http://127.0.0.1:8080", "http://127.0.0.1:8080", &labels, person, Language::English);
        assert!(english.contains("own mobile page") && english.contains("/me/login?pass=tanji_person_x"), "{english}");
        assert!(english.contains("/l/VWXT-FA1G   双层纸杯 Double-wall paper cup (verified)"), "{english}");

        let links = ServerConfig { listen_address: Some("127.0.0.1:8080".parse().unwrap()), ..ServerConfig::default() };
        let warning =
            crate::commands::unreachable_links_warning(&links, "tanji demo", Language::SimplifiedChinese).unwrap();
        assert!(warning.contains("手机扫描标签将无法打开") && warning.contains("--public-url"), "{warning}");
        assert_eq!(tanji_i18n::latin_sentences(&warning), Vec::<String>::new(), "{warning}");
    }
}
