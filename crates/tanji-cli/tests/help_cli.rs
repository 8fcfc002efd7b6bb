//! The command line in Chinese: every `--help` of the command tree and clap's usage errors, run as a person would.

use std::process::Output;

use tanji_testkit::cli::{stderr, stdout};

/// Runs `tanji ARGUMENTS` in a Chinese locale (`LANG=zh_CN.UTF-8`, no `--lang`).
fn tanji_in_chinese(arguments: &[&str]) -> Output {
    tanji_testkit::cli::command(env!("CARGO_BIN_EXE_tanji"))
        .args(arguments)
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .expect("running tanji")
}

/// The subcommands a help text lists under 命令 (without `help`).
fn listed_subcommands(help: &str) -> Vec<String> {
    let Some((_, after)) = help.split_once("命令：\n") else {
        return Vec::new();
    };
    after
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .filter(|line| line.starts_with("  ") && !line[2..].starts_with(' '))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// English sentences in `text`, leaving out the usage line: command names and placeholders are what is typed.
fn english_sentences(text: &str) -> Vec<String> {
    let without_usage: Vec<&str> = text.lines().filter(|line| !line.starts_with("用法：")).collect();
    tanji_i18n::latin_sentences(&without_usage.join("\n"))
}

/// Checks one help text: Chinese headings, no English sentence, none of clap's English words.
fn check_chinese_help(path: &[&str], help: &str) {
    assert!(help.contains("用法：tanji"), "{path:?}:\n{help}");
    assert_eq!(english_sentences(help), Vec::<String>::new(), "{path:?}:\n{help}");
    for english in ["Usage:", "Options:", "Arguments:", "Commands:", "[default:", "[possible values", "[env:", "Print"]
    {
        assert!(!help.contains(english), "{path:?} says {english:?}:\n{help}");
    }
}

#[test]
fn every_help_in_the_command_tree_is_chinese_under_a_chinese_locale() {
    let mut to_visit: Vec<Vec<String>> = vec![Vec::new()];
    let mut n_visited = 0;
    while let Some(path) = to_visit.pop() {
        let words: Vec<&str> = path.iter().map(String::as_str).collect();
        for flag in ["--help", "-h"] {
            let output = tanji_in_chinese(&[words.as_slice(), &[flag]].concat());
            assert!(output.status.success(), "{words:?} {flag}: {}", stderr(&output));
            check_chinese_help(&words, &stdout(&output));
        }
        let help = stdout(&tanji_in_chinese(&[words.as_slice(), &["--help"]].concat()));
        for subcommand in listed_subcommands(&help) {
            let mut child = path.clone();
            child.push(subcommand);
            to_visit.push(child);
        }
        n_visited += 1;
    }
    // tanji, its 12 commands and their 16 subcommands.
    assert!(n_visited >= 29, "only {n_visited} commands were reached");

    // `tanji help SUBCOMMAND` and `--lang zh-CN` under an English locale say the same.
    let through_help = stdout(&tanji_in_chinese(&["help", "energy", "import"]));
    check_chinese_help(&["help", "energy", "import"], &through_help);
    let explicit =
        tanji_testkit::cli::run(env!("CARGO_BIN_EXE_tanji"), &["--lang", "zh-CN", "energy", "import", "--help"]);
    assert_eq!(stdout(&explicit), stdout(&tanji_in_chinese(&["energy", "import", "--help"])));
}

#[test]
fn the_chinese_help_describes_bench_and_states_defaults_choices_and_variables() {
    let root = stdout(&tanji_in_chinese(&["--help"]));
    let bench = root.lines().find(|line| line.trim_start().starts_with("bench")).expect("bench is listed");
    assert!(bench.contains("测量本机运行 tanji 繁重计算的速度"), "{bench}");
    // Help is wrapped to the terminal, Chinese between any two characters: compare with the white space removed.
    let unwrapped = |output: &Output| stdout(output).split_whitespace().collect::<String>();
    let solve = unwrapped(&tanji_in_chinese(&["lca", "solve", "--help"]));
    assert!(solve.contains("[默认值：csv][可选值：csv、json、table]"), "{solve}");
    let serve = unwrapped(&tanji_in_chinese(&["serve", "--help"]));
    assert!(serve.contains("[默认值：127.0.0.1:8080][环境变量：TANJI_LISTEN]"), "{serve}");
    // A switch has no default or choices to state.
    let demo = stdout(&tanji_in_chinese(&["demo", "--help"]));
    let reset = demo.lines().find(|line| line.contains("--reset")).unwrap();
    assert!(!reset.contains("默认值") && !reset.contains("可选值"), "{reset}");
}

#[test]
fn usage_errors_are_chinese_and_fail() {
    let cases: [(&[&str], &str); 7] = [
        (
            &["energy", "import", "--orgg", "x", "readings.csv"],
            "无法识别的参数 '--orgg'\n  提示：您是不是要用 '--org'？",
        ),
        (&["energy", "import"], "缺少必需的参数："),
        (&["enrgy"], "没有子命令 'enrgy'\n  提示：您是不是要用 'energy'？"),
        (
            &["lca", "solve", "--all-products", "--format", "xml"],
            "'xml' 不是 '--format <FORMAT>' 的可选值\n  可选值：csv、json、table",
        ),
        (&["bench", "lca", "--seed", "abc"], "'--seed <SEED>' 的值 'abc' 无效：需要一个整数"),
        (
            &["lca", "monte-carlo", "--datapackage", "p.zip", "--demand", "0"],
            "'--demand <J>' 的值 '0' 无效：必须大于零",
        ),
        (&["org", "add", "--name", "X", "--kind", "factory"], "'--kind <KIND>' 的值 'factory' 无效：必须是以下之一："),
    ];
    for (arguments, expected) in cases {
        let output = tanji_in_chinese(arguments);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{arguments:?}: {message}");
        assert!(message.starts_with("错误："), "{arguments:?}: {message}");
        assert!(message.contains(expected), "{arguments:?}:\n{message}");
        assert!(message.contains("用法：tanji"), "{arguments:?}:\n{message}");
        assert!(message.contains("更多信息请运行 `tanji"), "{arguments:?}:\n{message}");
        assert_eq!(english_sentences(&message), Vec::<String>::new(), "{arguments:?}:\n{message}");
    }
    // English stays clap's own.
    let english = tanji_testkit::cli::run(env!("CARGO_BIN_EXE_tanji"), &["energy", "import", "--orgg", "x"]);
    assert_eq!(english.status.code(), Some(2));
    assert!(stderr(&english).contains("error: unexpected argument '--orgg' found"), "{}", stderr(&english));
    assert!(stderr(&english).contains("For more information, try '--help'."), "{}", stderr(&english));
}

/// clap breaks lines only at spaces, so Chinese help ran past the terminal's edge. Every line of a Chinese help
/// now fits the width (`COLUMNS` when stdout is not a terminal), and a description's continuation lines start under
/// its first line's column.
#[test]
fn chinese_help_lines_fit_the_terminal_width() {
    use unicode_width::UnicodeWidthStr;
    for path in [&["serve"][..], &["demo"], &["inventory", "compute"], &["bench", "energy"], &[]] {
        let output = tanji_testkit::cli::command(env!("CARGO_BIN_EXE_tanji"))
            .args([path, &["--help"]].concat())
            .env("LANG", "zh_CN.UTF-8")
            .env("COLUMNS", "72")
            .output()
            .expect("running tanji");
        assert!(output.status.success(), "{path:?}: {}", stderr(&output));
        let help = stdout(&output);
        check_chinese_help(path, &help);
        let too_wide: Vec<&str> = help
            .lines()
            .filter(|line| UnicodeWidthStr::width(*line) > 72)
            // A single word wider than the room left (a long URL or code) cannot be broken.
            .filter(|line| line.split_whitespace().count() > 2 && !line.starts_with("用法："))
            .collect();
        assert_eq!(too_wide, Vec::<&str>::new(), "{path:?}: lines wider than 72 columns:\n{help}");
    }
    // The option's description (beside it in the short help) continues under its own column.
    let output = tanji_testkit::cli::command(env!("CARGO_BIN_EXE_tanji"))
        .args(["serve", "-h"])
        .env("LANG", "zh_CN.UTF-8")
        .env("COLUMNS", "72")
        .output()
        .expect("running tanji");
    let help = stdout(&output);
    let lines: Vec<&str> = help.lines().collect();
    let trusted = lines.iter().position(|line| line.contains("--trusted-proxy")).expect("the option is listed");
    let column = lines[trusted].find("一个反向代理").expect("its description");
    let next = lines[trusted + 1];
    assert_eq!(next.len() - next.trim_start().len(), UnicodeWidthStr::width(&lines[trusted][..column]), "{help}");
}
