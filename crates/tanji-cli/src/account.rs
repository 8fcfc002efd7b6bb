//! `tanji account …`: the platform operator's carbon-account scheme at the command line, over the store — the
//! methodologies and their review, the working calendar of the public notice, and the sub-platforms with their
//! credentials. Every command acts as a named member of the operator (`--as`), so the store checks that member's
//! permissions and audits the change as theirs, exactly as in the console.

use anyhow::anyhow;
use jiff::civil::Date;
use tanji_account::methodology::Decision;
use tanji_i18n::account::onboarding::OnboardingText;
use tanji_i18n::{Language, Localize, text};
use tanji_store::Store;
use tanji_store::account_methodologies::{CalendarDayKind, MethodologyError, ReviewStep};
use tanji_store::account_sub_platforms::CredentialScope;
use tanji_tenancy::Actor;

use crate::commands::{explain, find_organisation, open_store};
use crate::options::{AccountCommand, AccountMemberArgs, OutputFormat, ReviewStepName};
use crate::table::{Align, Table};

pub async fn account(command: AccountCommand, language: Language) -> anyhow::Result<()> {
    let member = match &command {
        AccountCommand::Methodologies(args) => &args.member,
        AccountCommand::Review(args) => &args.member,
        AccountCommand::Calendar(args) => &args.member,
        AccountCommand::SubPlatforms(args) => &args.member,
        AccountCommand::IssueCredential(args) => &args.member,
    };
    let store = open_store(&member.database).await?;
    let actor = member_actor(&store, member, language).await;
    let result = match actor {
        Ok(actor) => run(&store, &actor, command, language).await,
        Err(error) => Err(error),
    };
    store.close().await;
    result
}

async fn member_actor(store: &Store, member: &AccountMemberArgs, language: Language) -> anyhow::Result<Actor> {
    let organisation = find_organisation(store, &member.org, language).await?;
    let (email, org) = (&member.as_member, &member.org);
    store.operator_member_actor(&organisation, email).await.map_err(|_| {
        anyhow!(
            "{}",
            text!(language,
                zh: "{email} 不是{org}的成员\n  提示：用 --as 指定该平台运营方的成员",
                en: "{email} is not a member of {org}\nhint: name a member of the platform operator with --as")
        )
    })
}

fn review_error(error: MethodologyError, language: Language) -> anyhow::Error {
    let words = OnboardingText::of(language);
    match error {
        MethodologyError::Store(error) => explain(error, language),
        MethodologyError::Review(error) => anyhow!("{}{}", words.review_refused, error.localize(language)),
        MethodologyError::Registry(error) => anyhow!("{}{}", words.version_refused, error.localize(language)),
    }
}

async fn run(store: &Store, actor: &Actor, command: AccountCommand, language: Language) -> anyhow::Result<()> {
    let words = OnboardingText::of(language);
    let english = language == Language::English;
    match command {
        AccountCommand::Methodologies(args) => {
            let methodologies = store.list_methodologies(actor).await.map_err(|error| explain(error, language))?;
            if let OutputFormat::Json = args.format {
                let rows: Vec<serde_json::Value> = methodologies
                    .iter()
                    .map(|stored| {
                        serde_json::json!({
                            "number": stored.number(),
                            "version": stored.version_number(),
                            "behaviour": stored.version.behaviour,
                            "title_zh": stored.title_zh,
                            "title_en": stored.title_en,
                            "status": stored.version.status.code(),
                            "source_check": stored.source_check.as_str(),
                            "formula": stored.version.formula,
                        })
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(rows));
                return Ok(());
            }
            if methodologies.is_empty() {
                eprintln!("{}", words.methodologies_empty);
                return Ok(());
            }
            let mut table =
                Table::new(0, &[Align::Right, Align::Right, Align::Left, Align::Left, Align::Left, Align::Left]);
            table.row([words.number, words.version, words.behaviour, words.title, words.status, words.formula]);
            for stored in &methodologies {
                let mut status = stored.version.status.stage().localize(language);
                if stored.source_check == tanji_store::account_methodologies::SourceCheck::Unverified {
                    status = format!("{status}（{}）", words.source_unverified);
                }
                table.row([
                    stored.number().to_string(),
                    stored.version_number().to_string(),
                    stored.version.behaviour.clone(),
                    stored.title(english).to_owned(),
                    status,
                    words.formula_with_parameters(&stored.version.formula),
                ]);
            }
            print!("{}", table.render());
        }
        AccountCommand::Review(args) => {
            let step = match args.step {
                ReviewStepName::Submit => ReviewStep::SubmitForReview,
                ReviewStepName::SignApprove => ReviewStep::SignOff(Decision::Approve),
                ReviewStepName::SignRequestChanges => ReviewStep::SignOff(Decision::RequestChanges),
                ReviewStepName::StartNotice => ReviewStep::StartPublicNotice,
                ReviewStepName::Approve => ReviewStep::Approve,
                ReviewStepName::Retire => ReviewStep::Retire,
            };
            let stored = store
                .review_methodology(actor, args.number, args.version_number, step)
                .await
                .map_err(|error| review_error(error, language))?;
            let status = stored.version.status.stage().localize(language);
            let (number, version) = (stored.number(), stored.version_number());
            println!(
                "{}",
                text!(language, zh: "方法学 {number} 第 {version} 版：{status}", en: "methodology {number} version {version}: {status}")
            );
        }
        AccountCommand::Calendar(args) => {
            let day: Date = args.day.parse().map_err(|_| {
                let day = &args.day;
                anyhow!("{}", text!(language, zh: "--day：{day} 不是日期\n  提示：写作 2026-10-01", en: "--day: {day} is not a date\nhint: write it as 2026-10-01"))
            })?;
            let kind = match args.kind.as_str() {
                "holiday" => Some(CalendarDayKind::Holiday),
                "make-up" => Some(CalendarDayKind::MakeUpWorkingDay),
                "clear" => None,
                other => {
                    return Err(anyhow!(
                        "{}",
                        text!(language,
                            zh: "--kind：不认识 {other}\n  提示：holiday（节假日）、make-up（调休上班日）或 clear（恢复按星期）",
                            en: "--kind: unknown {other}\nhint: holiday, make-up (a make-up working day) or clear")
                    ));
                }
            };
            store.set_calendar_day(actor, day, kind).await.map_err(|error| explain(error, language))?;
            println!(
                "{}",
                text!(language, zh: "{day} 已记入运营方日历", en: "{day} recorded in the operator's calendar")
            );
        }
        AccountCommand::SubPlatforms(args) => {
            let sub_platforms = store.list_sub_platforms(actor).await.map_err(|error| explain(error, language))?;
            if let OutputFormat::Json = args.format {
                let rows: Vec<serde_json::Value> = sub_platforms
                    .iter()
                    .map(|sub_platform| {
                        serde_json::json!({
                            "id": sub_platform.id,
                            "code": sub_platform.code.as_str(),
                            "name_zh": sub_platform.name_zh,
                            "name_en": sub_platform.name_en,
                            "status": sub_platform.status.as_str(),
                            "behaviours": sub_platform.behaviours.iter().map(|allowed| serde_json::json!({
                                "behaviour": allowed.behaviour.as_str(),
                                "methodology_number": allowed.methodology_number,
                            })).collect::<Vec<_>>(),
                            "n_links_in_force": sub_platform.n_links_in_force,
                            "n_active_credentials": sub_platform.n_active_credentials,
                        })
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(rows));
                return Ok(());
            }
            if sub_platforms.is_empty() {
                eprintln!("{}", words.sub_platforms_empty);
                return Ok(());
            }
            let mut table = Table::new(0, &[Align::Left, Align::Left, Align::Left, Align::Right, Align::Right]);
            table.row([words.code, words.name, words.behaviours, words.links_in_force, words.credentials_active]);
            for sub_platform in &sub_platforms {
                table.row([
                    sub_platform.code.as_str().to_owned(),
                    sub_platform.name(english).to_owned(),
                    sub_platform
                        .behaviours
                        .iter()
                        .map(|allowed| format!("{}={}", allowed.behaviour.as_str(), allowed.methodology_number))
                        .collect::<Vec<_>>()
                        .join(", "),
                    sub_platform.n_links_in_force.to_string(),
                    sub_platform.n_active_credentials.to_string(),
                ]);
            }
            print!("{}", table.render());
        }
        AccountCommand::IssueCredential(args) => {
            let sub_platforms = store.list_sub_platforms(actor).await.map_err(|error| explain(error, language))?;
            let code = &args.sub_platform;
            let sub_platform = sub_platforms
                .iter()
                .find(|candidate| candidate.code.as_str() == code || candidate.id.to_string() == *code)
                .ok_or_else(|| {
                    anyhow!(
                        "{}",
                        text!(language,
                        zh: "没有子平台“{code}”\n  提示：用 `tanji account sub-platforms` 查看代码",
                        en: "no sub-platform {code:?}\nhint: `tanji account sub-platforms` lists their codes")
                    )
                })?;
            let scopes = CredentialScope::parse_list(&args.scopes)
                .map_err(|error| crate::commands::field_problem("--scopes", &error.problem, language))?;
            let (_, secret) = store
                .issue_sub_platform_credential(actor, sub_platform.id, &args.name, &scopes)
                .await
                .map_err(|error| explain(error, language))?;
            eprintln!("{}", words.secret_once);
            println!("{secret}");
        }
    }
    Ok(())
}
