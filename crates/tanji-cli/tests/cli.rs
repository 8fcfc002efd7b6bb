//! The `tanji` command as an operator uses it: real processes, a temporary data directory, output checked.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Output, Stdio};

use serde_json::Value;
use tanji_testkit::cli::{stderr, stdout};

fn tanji(data_dir: &Path, arguments: &[&str]) -> Output {
    tanji_testkit::cli::command(env!("CARGO_BIN_EXE_tanji"))
        .args(arguments)
        .env("TANJI_DATA_DIR", data_dir)
        .output()
        .expect("running tanji")
}

#[test]
fn help_explains_every_command() {
    let directory = tempfile::tempdir().unwrap();
    let help = stdout(&tanji(directory.path(), &["--help"]));
    for command in ["serve", "demo", "migrate", "org", "user", "token"] {
        assert!(help.contains(command), "--help does not mention {command}:\n{help}");
    }
    // `bench` says what it does for the person running it, not which issue asked for it.
    let bench_line = help.lines().find(|line| line.trim_start().starts_with("bench")).expect("bench is listed");
    assert!(bench_line.contains("Measure how fast this machine"), "{bench_line}");
    assert!(!help.contains("issues name"), "{help}");
    let demo_help = stdout(&tanji(directory.path(), &["demo", "--help"]));
    assert!(demo_help.contains("--public-url"), "demo --help lacks --public-url");
    let serve_help = stdout(&tanji(directory.path(), &["serve", "--help"]));
    for option in ["--database", "--listen", "--data-dir", "--tls-cert", "--tls-key", "--public-url"] {
        assert!(serve_help.contains(option), "serve --help lacks {option}");
    }
}

#[test]
fn an_operator_registers_a_tenant_adds_its_owner_and_creates_a_token() {
    let directory = tempfile::tempdir().unwrap();
    let data = directory.path();

    let migrated = tanji(data, &["migrate"]);
    assert!(migrated.status.success(), "{}", stderr(&migrated));
    assert!(stdout(&migrated).contains("0001 foundation: applied"));
    assert!(data.join("tanji.sqlite").is_file());

    let added =
        tanji(data, &["org", "add", "--name", "台州瑞禾日用品科技有限公司", "--kind", "supplier", "--format", "json"]);
    assert!(added.status.success(), "{}", stderr(&added));
    let organisation: Value = serde_json::from_str(&stdout(&added)).unwrap();
    assert_eq!(organisation["kind"], "supplier");
    assert_eq!(organisation["country"], "CN");

    let user = tanji(
        data,
        &[
            "user",
            "add",
            "--email",
            "zhao@ruihe.example",
            "--name",
            "赵永",
            "--org",
            "台州瑞禾日用品科技有限公司",
            "--role",
            "owner",
            "--format",
            "json",
        ],
    );
    assert!(user.status.success(), "{}", stderr(&user));
    let user: Value = serde_json::from_str(&stdout(&user)).unwrap();
    assert_eq!(user["role"], "owner");
    assert_eq!(user["organisation_id"], organisation["id"]);
    assert_eq!(user["generated_password"].as_str().unwrap().len(), 20, "a generated password is printed once");

    let organisation_id = organisation["id"].as_str().unwrap();
    let token = tanji(
        data,
        &[
            "token",
            "create",
            "--org",
            organisation_id,
            "--user",
            "zhao@ruihe.example",
            "--name",
            "ERP",
            "--scopes",
            "read,write",
            "--format",
            "json",
        ],
    );
    assert!(token.status.success(), "{}", stderr(&token));
    let token: Value = serde_json::from_str(&stdout(&token)).unwrap();
    assert!(token["secret"].as_str().unwrap().starts_with("tanji_pat_"));
    assert_eq!(token["scopes"], "read,write");

    let listed = tanji(data, &["org", "list", "--format", "json"]);
    let listed: Value = serde_json::from_str(&stdout(&listed)).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

#[test]
fn mistakes_are_explained_with_the_flag_and_a_hint() {
    let directory = tempfile::tempdir().unwrap();
    let data = directory.path();
    let cases: [(&[&str], &str); 6] = [
        (
            &["org", "add", "--name", "X", "--kind", "factory"],
            "kind must be one of: brand_retailer, supplier, sub_platform, verification_body, platform_operator",
        ),
        (
            &["org", "add", "--name", "X", "--kind", "supplier", "--credit-code", "12345"],
            "--credit-code must be an 18-character",
        ),
        (
            &["user", "add", "--email", "a@b.example", "--name", "A", "--org", "Nobody", "--role", "owner"],
            "hint: `tanji org list` shows them",
        ),
        (
            &["user", "add", "--email", "not-an-email", "--name", "A", "--org", "X", "--role", "owner"],
            "--email must be an e-mail address",
        ),
        (
            &["token", "create", "--org", "X", "--user", "a@b.example", "--name", "T", "--scopes", "everything"],
            "--scopes must be one of: read, write, admin",
        ),
        (&["serve", "--database", "mysql://localhost/x"], "unsupported database URL"),
    ];
    for (arguments, expected) in cases {
        let output = tanji(data, arguments);
        assert!(!output.status.success(), "{arguments:?} should fail");
        assert!(stderr(&output).contains(expected), "{arguments:?}: {}", stderr(&output));
    }
    // A duplicate organisation is refused and the first one is kept.
    assert!(tanji(data, &["org", "add", "--name", "Acme", "--kind", "supplier"]).status.success());
    let duplicate = tanji(data, &["org", "add", "--name", "Acme", "--kind", "brand_retailer"]);
    assert!(stderr(&duplicate).contains("already registered"), "{}", stderr(&duplicate));
    // A password from stdin must satisfy the policy.
    let mut child = tanji_testkit::cli::command(env!("CARGO_BIN_EXE_tanji"))
        .args([
            "user",
            "add",
            "--email",
            "a@acme.example",
            "--name",
            "A",
            "--org",
            "Acme",
            "--role",
            "owner",
            "--password-stdin",
        ])
        .env("TANJI_DATA_DIR", data)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(stderr(&output).contains("the password must be at least 10 characters"), "{}", stderr(&output));
}

/// Kills the demo server when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_demo(data: &Path) -> (Running, String) {
    let (running, url, _) = start_demo_with(data, &[]);
    (running, url)
}

/// Starts the demo with extra arguments: the process, its URL, and the lines it printed after the URL.
fn start_demo_with(data: &Path, extra: &[&str]) -> (Running, String, Vec<String>) {
    let mut child = tanji_testkit::cli::command(env!("CARGO_BIN_EXE_tanji"))
        .args(["demo", "--listen", "127.0.0.1:0"])
        .args(extra)
        .env("TANJI_DATA_DIR", data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting tanji demo");
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines.next().expect("the demo prints its URL").unwrap();
        if let Some(start) = line.find("http://") {
            break line[start..].trim().to_owned();
        }
    };
    // Up to the last line of the welcome ("Press Ctrl-C …").
    let mut rest: Vec<String> = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let last = line.contains("Ctrl-C");
        rest.push(line);
        if last {
            break;
        }
    }
    assert!(rest.iter().any(|line| line.contains("owner@lvzhou.example")), "the demo prints its logins: {rest:?}");
    assert!(rest.iter().any(|line| line.contains("password: tanji-demo-2026")));
    // Keep reading whatever else it prints, as a terminal would.
    std::thread::spawn(move || lines.for_each(drop));
    (running, url, rest)
}

/// Regression: the demo used to die with "failed printing to stdout" when its reader went away.
#[test]
fn the_demo_keeps_serving_when_nobody_reads_its_output() {
    let directory = tempfile::tempdir().unwrap();
    let mut child = tanji_testkit::cli::command(env!("CARGO_BIN_EXE_tanji"))
        .args(["demo", "--listen", "127.0.0.1:0"])
        .env("TANJI_DATA_DIR", directory.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    std::thread::sleep(std::time::Duration::from_secs(3));
    let still_running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    assert!(still_running, "the demo exited when its stdout was closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_serves_the_story_and_reuses_its_database() {
    let directory = tempfile::tempdir().unwrap();
    let data = directory.path().to_owned();
    let (demo, url) = tokio::task::spawn_blocking({
        let data = data.clone();
        move || start_demo(&data)
    })
    .await
    .unwrap();
    let client = reqwest::Client::new();
    let ready = client.get(format!("{url}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    let login =
        client.get(format!("{url}/login")).header("accept-language", "en").send().await.unwrap().text().await.unwrap();
    assert!(login.contains("Demo accounts") && login.contains("verifier@jinheng.example"));
    drop(demo);
    assert!(data.join("demo.sqlite").is_file());

    // Started again, it reuses the data instead of loading it twice.
    let (_demo, url) = tokio::task::spawn_blocking({
        let data = data.clone();
        move || start_demo(&data)
    })
    .await
    .unwrap();
    let store = tanji_store::Store::open(
        &format!("sqlite://{}", data.join("demo.sqlite").display()),
        std::sync::Arc::new(tanji_store::SystemClock),
    )
    .await
    .unwrap();
    let organisations = store.operator_list_organisations().await.unwrap();
    let names: Vec<&str> = organisations.iter().map(|organisation| organisation.name.as_str()).collect();
    // Six organisations of the story and the 19 generated, illustrative factories of the supplier assessment.
    assert_eq!(names.len(), 25, "{names:?}");
    for name in ["绿洲超市有限公司", "台州瑞禾日用品科技有限公司", "安吉竹韵竹木制品有限公司", "谨衡碳核查中心有限公司"]
    {
        assert!(names.contains(&name), "{name} is missing: {names:?}");
    }
    assert_eq!(client.get(format!("{url}/healthz")).send().await.unwrap().status(), 200);

    // The verifier belongs to the verification body only, and reaches the retailer and the factory through their
    // engagements of it.
    let outcome = store
        .login("verifier@jinheng.example", &tanji_tenancy::member::Password::for_login("tanji-demo-2026"), None)
        .await
        .unwrap();
    let tanji_store::LoginOutcome::LoggedIn(session) = outcome else { panic!("{outcome:?}") };
    let verifier = store.session(&session.secret).await.unwrap().unwrap();
    let memberships = store.memberships(verifier.user.id).await.unwrap();
    let member_of: Vec<&str> = memberships.iter().map(|membership| membership.organisation_name.as_str()).collect();
    assert_eq!(member_of, ["谨衡碳核查中心有限公司"], "a member of the body only");
    let reachable: Vec<&str> =
        verifier.memberships.iter().map(|membership| membership.organisation_name.as_str()).collect();
    for name in ["绿洲超市有限公司", "台州瑞禾日用品科技有限公司"] {
        assert!(reachable.contains(&name), "{name} engaged the body: {reachable:?}");
    }

    // The example activity file of the first-run tour imports into the demo's own factory as shipped.
    let factory = store.operator_find_organisation("台州瑞禾日用品科技有限公司").await.unwrap().unwrap();
    let outcome = store
        .login("energy@ruihe.example", &tanji_tenancy::member::Password::for_login("tanji-demo-2026"), Some(factory.id))
        .await
        .unwrap();
    let tanji_store::LoginOutcome::LoggedIn(session) = outcome else { panic!("{outcome:?}") };
    let engineer = store.session(&session.secret).await.unwrap().unwrap().actor;

    // Story step 3's chain. The cup's forming electricity is both cup lines' metered kWh per cup, each weighed by
    // its output (line 2's hot heater included), not the efficient line 1's alone.
    let products = store.products(&engineer).await.unwrap();
    let cup = products.iter().find(|product| product.sku == "RH-CUP-BF-250").expect("the demo's cup");
    let model = store.model_version(&engineer, &cup.id, None).await.unwrap().model;
    let measured = model
        .processes
        .iter()
        .flat_map(|process| &process.factors)
        .find_map(|usage| usage.measured.clone())
        .expect("the cup's measured electricity");
    assert_eq!(measured.lines.iter().map(|line| line.line.as_str()).collect::<Vec<_>>(), ["L1", "L2"]);
    let (l1, l2) = (&measured.lines[0], &measured.lines[1]);
    assert!(l1.kwh_per_unit < measured.kwh_per_unit && measured.kwh_per_unit < l2.kwh_per_unit, "{measured:?}");
    let weighted = l1.output_share * l1.kwh_per_unit + l2.output_share * l2.kwh_per_unit;
    assert!((weighted / measured.kwh_per_unit - 1.0).abs() < 1e-9, "{weighted} vs {}", measured.kwh_per_unit);
    // The verified 2025 version (v1) counts the monthly report's rows. After its sign-off the demo hands the main
    // incomer's metered months over, and the draft v2 counts them instead: each metered month supersedes its report
    // row and inherits that row's grid factor, market factor and certificate coverage, so both totals move only by the
    // meter's difference from the settlement (well under 0.1 %), and the certificates still count.
    let summaries = store.inventory_versions(&engineer).await.unwrap();
    let version_2025 = |version: i64| {
        let summary = summaries.iter().find(|summary| summary.reporting_year == 2025 && summary.version == version);
        summary.unwrap_or_else(|| panic!("2025 v{version}")).id.clone()
    };
    let verified = store.inventory_version(&engineer, &version_2025(1)).await.unwrap().inventory;
    let metered = store.inventory_version(&engineer, &version_2025(2)).await.unwrap().inventory;
    let line_of = |inventory: &tanji_inventory::Inventory, id: &str| {
        inventory.lines.iter().find(|line| line.record_id == id).unwrap_or_else(|| panic!("{id}")).status.clone()
    };
    for month in 1..=12 {
        let report_row = format!("elec-2025-{month:02}");
        let meter_row = format!("meter:RH-HY:electricity:kWh:2025-{month:02}");
        assert_eq!(line_of(&verified, &report_row), tanji_inventory::LineStatus::Counted, "{month}");
        assert_eq!(
            line_of(&metered, &report_row),
            tanji_inventory::LineStatus::Superseded {
                by_record: meter_row.clone(),
                by_source: tanji_inventory::DataSourceKind::Meter
            },
            "{month}"
        );
        assert_eq!(line_of(&metered, &meter_row), tanji_inventory::LineStatus::Counted, "{month}");
    }
    assert!(!verified.lines.iter().any(|line| line.record_id.starts_with("meter:")));
    let (before, after) = (&verified.totals, &metered.totals);
    assert!((after.total_location_kg / before.total_location_kg - 1.0).abs() < 1e-3, "{before:?} {after:?}");
    assert!((after.total_market_kg / before.total_market_kg - 1.0).abs() < 1e-3, "{before:?} {after:?}");
    assert!(
        after.total_market_kg < after.total_location_kg - 100_000.0,
        "the certificates still lower the market-based total: {after:?}"
    );
    let file = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/inventory/ruihe-2026-q1.csv"))
        .unwrap();
    let rows = tanji_inventory::read_activity_rows("ruihe-2026-q1.csv", &file).expect("the example file parses");
    assert_eq!(rows.len(), 12);
    store
        .record_activities(&engineer, Some("ruihe-2026-q1.csv"), rows)
        .await
        .expect("it imports into the demo factory");
    store.close().await;
}

/// The label lines of the demo's welcome: (URL, rest of the line).
fn label_lines(printed: &[String]) -> Vec<(String, String)> {
    printed
        .iter()
        .filter(|line| line.contains("/l/"))
        .map(|line| {
            let line = line.trim();
            let (url, rest) = line.split_once(' ').unwrap_or((line, ""));
            (url.to_owned(), rest.trim().to_owned())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_prints_its_label_pages_and_warns_about_loopback_links() {
    let directory = tempfile::tempdir().unwrap();
    let data = directory.path().to_owned();
    // On the default loopback address: the label URLs, printed as the codes are printed, and a warning with the fix.
    let mut child = tanji_testkit::cli::command(env!("CARGO_BIN_EXE_tanji"))
        .args(["demo", "--listen", "127.0.0.1:0"])
        .env("TANJI_DATA_DIR", &data)
        .env_remove("TANJI_PUBLIC_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr_lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let stdout_lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let running = Running(child);
    let printed: Vec<String> = stdout_lines.map(Result::unwrap).take_while(|line| !line.contains("Ctrl-C")).collect();
    let mut stderr_lines = stderr_lines.map(Result::unwrap);
    let warning = stderr_lines.by_ref().find(|line| line.starts_with("warning:")).expect("a warning");
    let hint = stderr_lines.next().unwrap_or_default();
    assert!(warning.contains("127.0.0.1") && warning.contains("this computer only"), "{warning}");
    assert!(hint.starts_with("hint:") && hint.contains("--public-url"), "{hint}");
    let url =
        printed.iter().find_map(|line| line.split_once("running at ").map(|(_, url)| url.trim().to_owned())).unwrap();
    let labels = label_lines(&printed);
    assert_eq!(labels.len(), 2, "the cup and the plate: {printed:?}");
    let client = reqwest::Client::new();
    for (label_url, description) in &labels {
        let code = label_url.rsplit('/').next().unwrap();
        assert!(label_url.starts_with(&format!("{url}/l/")), "{label_url}");
        assert!(code.len() == 9 && code.as_bytes()[4] == b'-', "printed as on the pages: {code}");
        let page = client.get(label_url).header("accept-language", "en").send().await.unwrap();
        assert_eq!(page.status(), 200, "{label_url}");
        let body = page.text().await.unwrap();
        if description.contains("self-declared") {
            assert!(body.contains("comparison-not-verified"), "the plate's page says why it does not compare");
        } else {
            assert!(description.contains("(verified)"), "{description}");
            assert!(body.contains("谨衡碳核查中心有限公司"), "the cup is verified by the body, as registered");
            // The body's sign-off is third-party verification: the comparison is shown, no "internal review".
            assert!(body.contains("badge-reduction"), "the verified cup shows its comparison");
            assert!(!body.contains("internal-review") && !body.contains("comparison-not-verified"));
        }
    }
    drop(running);

    // With a public URL, the labels use it and nothing is said.
    let (_demo, _, printed) = tokio::task::spawn_blocking({
        let data = data.clone();
        move || start_demo_with(&data, &["--public-url", "http://192.0.2.10:8080/"])
    })
    .await
    .unwrap();
    let labels = label_lines(&printed);
    assert_eq!(labels.len(), 2);
    assert!(labels.iter().all(|(url, _)| url.starts_with("http://192.0.2.10:8080/l/")), "{labels:?}");
}

/// Runs `tanji ARGUMENTS` with `--lang zh-CN`.
fn tanji_in_chinese(data_dir: &Path, arguments: &[&str]) -> Output {
    tanji(data_dir, &[&["--lang", "zh-CN"], arguments].concat())
}

#[test]
fn the_operator_commands_speak_chinese() {
    let directory = tempfile::tempdir().unwrap();
    let data = directory.path();
    // Log lines ("INFO tanji_cli::commands: opening the database") are English for operators' log tools.
    let no_english = |output: &Output| {
        let text = format!("{}{}", stdout(output), stderr(output));
        let text: String = text
            .lines()
            .filter(|line| !line.contains(" INFO ") && !line.contains(" WARN "))
            .map(|line| format!("{line}\n"))
            .collect();
        assert_eq!(tanji_i18n::latin_sentences(&text), Vec::<String>::new(), "{text}");
        text
    };

    let migrated = tanji_in_chinese(data, &["migrate"]);
    assert!(migrated.status.success(), "{}", stderr(&migrated));
    assert!(no_english(&migrated).contains("0001_foundation：已应用"));

    let empty = tanji_in_chinese(data, &["org", "list"]);
    assert!(no_english(&empty).contains("还没有组织"));

    let added = tanji_in_chinese(data, &["org", "add", "--name", "台州瑞禾日用品科技有限公司", "--kind", "supplier"]);
    assert!(added.status.success(), "{}", stderr(&added));
    assert!(
        no_english(&added).starts_with("已登记 台州瑞禾日用品科技有限公司，类型：供应商（工厂），编号 "),
        "{}",
        stdout(&added)
    );
    assert!(tanji(data, &["org", "add", "--name", "Acme", "--kind", "brand_retailer"]).status.success());

    // The list lines up whatever the script of the kind: the names start in one column.
    let listed = tanji_in_chinese(data, &["org", "list"]);
    let listed = no_english(&listed);
    let name_columns: Vec<usize> = listed
        .lines()
        .map(|line| {
            let name_at = line.find("台州").or_else(|| line.find("Acme")).unwrap();
            line[..name_at].chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
        })
        .collect();
    assert_eq!(name_columns.len(), 2, "{listed}");
    assert_eq!(name_columns[0], name_columns[1], "{listed}");

    let user = tanji_in_chinese(
        data,
        &["user", "add", "--email", "zhao@ruihe.example", "--name", "赵永", "--org", "Acme", "--role", "owner"],
    );
    assert!(user.status.success(), "{}", stderr(&user));
    let user = no_english(&user);
    assert!(user.contains("zhao@ruihe.example 现为Acme的所有者"), "{user}");
    assert!(user.contains("初始密码（只显示这一次，请提醒其修改）："), "{user}");

    let token = tanji_in_chinese(
        data,
        &["token", "create", "--org", "Acme", "--user", "zhao@ruihe.example", "--name", "ERP", "--scopes", "read"],
    );
    assert!(token.status.success(), "{}", stderr(&token));
    assert!(no_english(&token).contains("已创建令牌“ERP”（read）；上面的密钥只显示这一次"));

    // Refusals: a taken name, a malformed e-mail, an unknown organisation, a stranger, a short password.
    let refusals: [(&[&str], &str); 5] = [
        (&["org", "add", "--name", "Acme", "--kind", "supplier"], "已有同名组织"),
        (
            &["user", "add", "--email", "not-an-email", "--name", "A", "--org", "Acme", "--role", "owner"],
            "--email：格式不正确",
        ),
        (
            &["user", "add", "--email", "a@b.example", "--name", "A", "--org", "Nobody", "--role", "owner"],
            "没有编号或名称为“Nobody”的组织",
        ),
        (
            &["token", "create", "--org", "Acme", "--user", "nobody@b.example", "--name", "T"],
            "没有以 nobody@b.example 登录的用户",
        ),
        (
            &["token", "create", "--org", "Acme", "--user", "zhao@ruihe.example", "--name", "T", "--scopes", "all"],
            "--scopes：必须是以下之一：",
        ),
    ];
    for (arguments, expected) in refusals {
        let output = tanji_in_chinese(data, arguments);
        assert!(!output.status.success(), "{arguments:?} should fail");
        let text = no_english(&output);
        assert!(text.starts_with("错误："), "{arguments:?}: {text}");
        assert!(text.contains(expected), "{arguments:?}: {text}");
    }
}
