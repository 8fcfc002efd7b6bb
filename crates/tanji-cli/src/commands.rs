//! `serve`, `migrate` and the operator commands.

use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use jiff::SignedDuration;
use serde_json::json;
use tanji_i18n::{Language, text};
use tanji_server::account::nats::{self as account_nats, NatsConfig};
use tanji_server::energy::mqtt::{self, MqttConfig};
use tanji_server::{AppState, ServerConfig, TlsFiles};
use tanji_store::{NewMember, NewToken, Store, StoreError, SystemClock, redact_url};
use tanji_tenancy::member::{DisplayName, Email, Password};
use tanji_tenancy::organisation::{Organisation, OrganisationProfile};
use tanji_tenancy::token::{TokenName, TokenScopes};
use tokio::net::TcpListener;

use crate::options::{
    DatabaseArgs, ListArgs, OrgAddArgs, OrgCommand, OutputFormat, ServeArgs, TokenCommand, UserCommand,
};
use crate::table::{Align, Table};

/// The database URL the arguments name: `--database`, or the SQLite file `file_name` in the data directory.
pub fn database_url(database: Option<&str>, data_dir: &Path, file_name: &str) -> anyhow::Result<String> {
    if let Some(url) = database {
        return Ok(url.to_owned());
    }
    std::fs::create_dir_all(data_dir).with_context(|| format!("creating the data directory {}", data_dir.display()))?;
    Ok(format!("sqlite://{}?mode=rwc", data_dir.join(file_name).display()))
}

/// Opens the store the arguments name and brings its schema up to date.
pub async fn open_store(args: &DatabaseArgs) -> anyhow::Result<Store> {
    let url = database_url(args.database.as_deref(), &args.data_dir, "tanji.sqlite")?;
    tracing::info!(database = %redact_url(&url), "opening the database");
    Store::open(&url, Arc::new(SystemClock)).await
}

/// The console's catalogue in `language`: the operator commands say the same things the console does.
fn words(language: Language) -> &'static tanji_server::i18n::Text {
    match language {
        Language::SimplifiedChinese => &tanji_server::i18n::ZH,
        Language::English => &tanji_server::i18n::EN,
    }
}

/// A refused value, named by its option: "--name is too long; …", "--name：太长，…".
pub(crate) fn field_problem(
    option: &str,
    problem: &tanji_tenancy::validation::Problem,
    language: Language,
) -> anyhow::Error {
    match language {
        Language::SimplifiedChinese => anyhow!("{option}：{}", words(language).problem(problem)),
        // The domain's own English sentence, as the command has always said it.
        Language::English => anyhow!("{option} {problem}"),
    }
}

/// Turns a store refusal into a message for the command line.
pub(crate) fn explain(error: StoreError, language: Language) -> anyhow::Error {
    match error {
        StoreError::Invalid(field_error) => {
            field_problem(&format!("--{}", field_error.field.replace('_', "-")), &field_error.problem, language)
        }
        StoreError::Conflict(conflict) => match language {
            Language::SimplifiedChinese => {
                anyhow!("{}", tanji_server::conflict_text(words(language), conflict).trim_end_matches('。'))
            }
            Language::English => anyhow!("{conflict}"),
        },
        StoreError::NotFound => anyhow!("{}", text!(language, zh: "未找到", en: "not found")),
        other => anyhow!(other),
    }
}

/// `tanji serve`.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let store = open_store(&args.database).await?;
    let tls = match (args.tls_cert, args.tls_key) {
        (Some(certificate), Some(private_key)) => Some(TlsFiles { certificate, private_key }),
        _ => None,
    };
    let public_url = args.public_url.map(|url| url.trim_end_matches('/').to_owned());
    let secure_cookies = tls.is_some() || public_url.as_deref().is_some_and(|url| url.starts_with("https://"));
    let listener = TcpListener::bind(args.listen).await.with_context(|| {
        format!("listening on {}\nhint: is another server using the port? Pick another with --listen", args.listen)
    })?;
    let listen_address = Some(listener.local_addr()?);
    let config = ServerConfig {
        secure_cookies,
        public_url,
        listen_address,
        demo_logins: None,
        trusted_proxies: args.trusted_proxies,
        live_session_recheck: None,
        pact_allow_plain_http_callbacks: false,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(address = %format!("{scheme}://{}", listener.local_addr()?), "serving the console and the API");
    // A log line, for operators: English, like the rest of the log.
    if let Some(warning) = unreachable_links_warning(&config, "tanji serve", Language::English) {
        tracing::warn!(links = %config.base_url(), "{warning}");
    } else if config.public_url.is_none() {
        tracing::warn!(
            links = %config.base_url(),
            "no --public-url: label QR codes and invitation links use the listen address; set --public-url before \
             printing labels"
        );
    }
    let state = AppState::new(store.clone(), config);
    let (stop_sender, stop_receiver) = tokio::sync::watch::channel(false);
    let mqtt_task = match args.mqtt {
        Some(url) => {
            let mqtt = MqttConfig { url, client_id: args.mqtt_client_id, topic_prefix: args.mqtt_topic_prefix };
            mqtt.check()?;
            tracing::info!(broker = %mqtt.url, topics = %mqtt.topic_filter(), "subscribing to meter readings");
            Some(mqtt::spawn(store.clone(), mqtt, Arc::default(), state.reading_hub().clone(), stop_receiver.clone()))
        }
        None => None,
    };
    let nats_task = match args.nats {
        Some(url) => {
            let nats = NatsConfig {
                url,
                stream: args.nats_stream,
                consumer: args.nats_consumer,
                subject_prefix: args.nats_subject_prefix,
            };
            nats.check()?;
            tracing::info!(server = %nats.url, subjects = %nats.subject_filter(), "consuming carbon-account events");
            Some(account_nats::spawn(store.clone(), nats, Arc::default(), stop_receiver))
        }
        None => None,
    };
    let app = tanji_server::app(state);
    let stop_on_signal = stop_sender.clone();
    let shutdown = async move {
        tanji_server::shutdown_signal().await;
        let _ = stop_on_signal.send(true);
    };
    let served = tanji_server::serve(app, listener, tls, shutdown).await;
    // Whatever ended serving, stop the subscriber; what it has not acknowledged stays with the broker.
    let _ = stop_sender.send(true);
    if let Some(task) = mqtt_task {
        let _ = task.await;
    }
    if let Some(task) = nats_task {
        let _ = task.await;
    }
    served?;
    store.close().await;
    Ok(())
}

/// The warning `tanji serve` and `tanji demo` give when the links they hand out (label QR codes, invitation links)
/// would point at this computer only, with how to set the public URL; `None` when the links are reachable.
pub fn unreachable_links_warning(config: &ServerConfig, command: &str, language: Language) -> Option<String> {
    let host = config.unreachable_link_host()?;
    let base_url = config.base_url();
    Some(match language {
        Language::SimplifiedChinese => format!(
            "标签二维码和邀请链接将打开 {base_url}，而 {host} 只指本机：手机扫描标签将无法打开。\n提示：用 \
             --public-url（或 TANJI_PUBLIC_URL）设置他人访问本服务器的地址，例如在同一网络中用手机试用标签：\
             `{command} --listen 0.0.0.0:8080 --public-url http://<本机局域网地址>:8080`；在反向代理之后则用 \
             --public-url https://<您的域名>。请在打印标签之前设置"
        ),
        Language::English => format!(
            "label QR codes and invitation links will open {base_url}, and {host} is this computer only: a phone \
             that scans a label gets nothing.\nhint: set the address people reach this server at with --public-url \
             (or TANJI_PUBLIC_URL), e.g. `{command} --listen 0.0.0.0:8080 --public-url http://<this computer's LAN \
             address>:8080` to try labels with a phone on the same network, or --public-url https://<your domain> \
             behind a reverse proxy; set it before printing labels"
        ),
    })
}

/// `tanji migrate`.
pub async fn migrate(args: DatabaseArgs, language: Language) -> anyhow::Result<()> {
    let store = open_store(&args).await?;
    let applied = store.applied_migrations().await?;
    for (version, description) in Store::known_migrations() {
        let state = if applied.contains(&version) {
            text!(language, zh: "已应用", en: "applied")
        } else {
            text!(language, zh: "缺失", en: "MISSING")
        };
        // The description is the migration's file name, a code: written as such in Chinese.
        let line = match language {
            Language::SimplifiedChinese => format!("{version:04}_{}：{state}", description.replace(' ', "_")),
            Language::English => format!("{version:04} {description}: {state}"),
        };
        println!("{line}");
    }
    store.close().await;
    Ok(())
}

fn organisation_json(organisation: &Organisation) -> serde_json::Value {
    json!({
        "id": organisation.id,
        "name": organisation.name,
        "kind": organisation.kind,
        "country": organisation.country,
        "credit_code": organisation.credit_code,
        "created_at": organisation.created_at,
    })
}

/// `tanji org …`.
pub async fn org(command: OrgCommand, language: Language) -> anyhow::Result<()> {
    match command {
        OrgCommand::Add(args) => org_add(args, language).await,
        OrgCommand::List(args) => org_list(args, language).await,
    }
}

async fn org_add(args: OrgAddArgs, language: Language) -> anyhow::Result<()> {
    let profile = OrganisationProfile::parse(&args.name, &args.country, args.credit_code.as_deref())
        .map_err(|error| field_problem(&format!("--{}", error.field.replace('_', "-")), &error.problem, language))?;
    let store = open_store(&args.database).await?;
    let organisation =
        store.operator_register_organisation(&profile, args.kind).await.map_err(|error| explain(error, language))?;
    match args.format {
        OutputFormat::Json => println!("{}", organisation_json(&organisation)),
        OutputFormat::Text => {
            let (name, id) = (organisation.name.as_str(), organisation.id);
            let kind = words(language).organisation_kind(&organisation.kind);
            println!(
                "{}",
                text!(language, zh: "已登记 {name}，类型：{kind}，编号 {id}", en: "registered {name} ({kind}) as {id}")
            );
        }
    }
    store.close().await;
    Ok(())
}

async fn org_list(args: ListArgs, language: Language) -> anyhow::Result<()> {
    let store = open_store(&args.database).await?;
    let organisations = store.operator_list_organisations().await.map_err(|error| explain(error, language))?;
    match args.format {
        OutputFormat::Json => {
            println!("{}", serde_json::Value::Array(organisations.iter().map(organisation_json).collect()));
        }
        OutputFormat::Text => {
            if organisations.is_empty() {
                eprintln!(
                    "{}",
                    text!(language,
                        zh: "还没有组织；用 `tanji org add --name 名称 --kind brand_retailer` 登记一个",
                        en: "no organisations yet; register one with `tanji org add --name NAME --kind brand_retailer`")
                );
            }
            // The kind's code in English (what `--kind` takes), its name in Chinese.
            let mut table = Table::new(0, &[Align::Left, Align::Left, Align::Left]);
            for organisation in &organisations {
                let kind = match language {
                    Language::SimplifiedChinese => words(language).organisation_kind(&organisation.kind),
                    Language::English => organisation.kind.as_str(),
                };
                table.row([organisation.id.to_string(), kind.to_owned(), organisation.name.as_str().to_owned()]);
            }
            print!("{}", table.render());
        }
    }
    store.close().await;
    Ok(())
}

pub(crate) async fn find_organisation(
    store: &Store,
    id_or_name: &str,
    language: Language,
) -> anyhow::Result<Organisation> {
    store.operator_find_organisation(id_or_name).await.map_err(|error| explain(error, language))?.ok_or_else(|| {
        anyhow!(
            "{}",
            text!(language,
                zh: "没有编号或名称为“{id_or_name}”的组织\n提示：`tanji org list` 会列出全部组织",
                en: "no organisation has the id or name {id_or_name:?}\nhint: `tanji org list` shows them")
        )
    })
}

/// `tanji user …`.
pub async fn user(command: UserCommand, language: Language) -> anyhow::Result<()> {
    let UserCommand::Add(args) = command;
    let email = Email::parse(&args.email).map_err(|error| field_problem("--email", &error.problem, language))?;
    let display_name = args
        .name
        .as_deref()
        .map(DisplayName::parse)
        .transpose()
        .map_err(|error| field_problem("--name", &error.problem, language))?;
    let store = open_store(&args.database).await?;
    let organisation = find_organisation(&store, &args.org, language).await?;
    let exists = store.operator_find_user(&email).await.map_err(|error| explain(error, language))?.is_some();
    let (password, generated) = if exists {
        (None, false)
    } else if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .with_context(|| text!(language, zh: "从标准输入读取密码", en: "reading the password from stdin"))?;
        let password = line.trim_end_matches(['\r', '\n']);
        let password = Password::parse_new(password).map_err(|error| match language {
            Language::SimplifiedChinese => anyhow!("密码{}", words(language).problem(&error.problem)),
            Language::English => anyhow!("the password {}", error.problem),
        })?;
        (Some(password), false)
    } else {
        (Some(Password::parse_new(&generate_password()).expect("generated passwords satisfy the policy")), true)
    };
    if !exists && display_name.is_none() {
        bail!(
            "{}",
            text!(language,
                zh: "{email} 还没有账户，需要用 --name 给出姓名来创建",
                en: "{email} has no account yet, so --name is needed to create one")
        );
    }
    let new_member = NewMember { email, display_name, role: args.role, initial_password: password.clone() };
    let member =
        store.operator_add_member(organisation.id, &new_member).await.map_err(|error| explain(error, language))?;
    let shown_password = password.filter(|_| generated).map(|password| password.expose().to_owned());
    match args.format {
        OutputFormat::Json => println!(
            "{}",
            json!({
                "user_id": member.user.id,
                "email": member.user.email,
                "organisation_id": organisation.id,
                "role": member.role,
                "generated_password": shown_password,
            })
        ),
        OutputFormat::Text => {
            let (email, organisation) = (&member.user.email, organisation.name.as_str());
            let role = words(language).role(&member.role);
            println!(
                "{}",
                text!(language, zh: "{email} 现为{organisation}的{role}", en: "{email} is now {role} of {organisation}")
            );
            if let Some(password) = shown_password {
                println!(
                    "{}",
                    text!(language,
                        zh: "初始密码（只显示这一次，请提醒其修改）：{password}",
                        en: "initial password (shown once; ask them to change it): {password}")
                );
            }
        }
    }
    store.close().await;
    Ok(())
}

/// A random 20-character password from an alphabet without look-alike characters.
fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let secret = tanji_store::credentials::new_secret("");
    secret.bytes().take(20).map(|byte| ALPHABET[usize::from(byte) % ALPHABET.len()] as char).collect()
}

/// `tanji token …`.
pub async fn token(command: TokenCommand, language: Language) -> anyhow::Result<()> {
    let TokenCommand::Create(args) = command;
    let new_token = NewToken {
        name: TokenName::parse(&args.name).map_err(|error| field_problem("--name", &error.problem, language))?,
        scopes: TokenScopes::parse(&args.scopes)
            .map_err(|error| field_problem("--scopes", &error.problem, language))?,
        expires_at: args
            .expires_in_days
            .map(|days| jiff::Timestamp::now() + SignedDuration::from_hours(24 * i64::from(days))),
    };
    let email = Email::parse(&args.user).map_err(|error| field_problem("--user", &error.problem, language))?;
    let store = open_store(&args.database).await?;
    let organisation = find_organisation(&store, &args.org, language).await?;
    let user = store.operator_find_user(&email).await.map_err(|error| explain(error, language))?.ok_or_else(|| {
        anyhow!(
            "{}",
            text!(language,
                zh: "没有以 {email} 登录的用户\n提示：用 `tanji user add` 添加",
                en: "no user logs in as {email}\nhint: add them with `tanji user add`")
        )
    })?;
    let (token, secret) =
        store.operator_create_token(organisation.id, user.id, &new_token).await.map_err(|error| match error {
            StoreError::NotFound => {
                let organisation = organisation.name.as_str();
                anyhow!("{}", text!(language, zh: "{email} 不是{organisation}的成员", en: "{email} is not a member of {organisation}"))
            }
            other => explain(other, language),
        })?;
    match args.format {
        OutputFormat::Json => println!(
            "{}",
            json!({ "token_id": token.id, "secret": secret, "scopes": token.scopes.to_string(), "expires_at": token.expires_at })
        ),
        OutputFormat::Text => {
            println!("{secret}");
            let (name, scopes) = (token.name.as_str(), &token.scopes);
            eprintln!(
                "{}",
                text!(language,
                    zh: "已创建令牌“{name}”（{scopes}）；上面的密钥只显示这一次",
                    en: "token {name:?} ({scopes}) created; the secret above is shown only once")
            );
        }
    }
    store.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_long_and_varied() {
        let first = generate_password();
        assert_eq!(first.chars().count(), 20);
        assert_ne!(first, generate_password());
        assert!(Password::parse_new(&first).is_ok());
    }

    #[test]
    fn the_default_database_is_a_file_in_the_data_directory() {
        let directory = tempfile::tempdir().unwrap();
        let url = database_url(None, &directory.path().join("nested"), "tanji.sqlite").unwrap();
        assert!(url.starts_with("sqlite://") && url.ends_with("nested/tanji.sqlite?mode=rwc"), "{url}");
        assert!(directory.path().join("nested").is_dir());
        assert_eq!(database_url(Some("postgres://h/d"), directory.path(), "x").unwrap(), "postgres://h/d");
    }
}
