//! `tanji bench lca|energy` speaks the reader's language: every line it prints (stdout and stderr) is Chinese under
//! `--lang zh-CN`, and English otherwise. The figures themselves are checked in lca_cli.rs and energy_cli.rs.

use std::process::Output;

use tanji_testkit::cli::{stderr, stdout};

fn tanji(arguments: &[&str]) -> Output {
    tanji_testkit::cli::run(env!("CARGO_BIN_EXE_tanji"), arguments)
}

/// What a person reads of a run, with the file paths taken out (a temporary directory's name is not a sentence).
fn printed(output: &Output, directory: &str) -> String {
    format!("{}\n{}", stdout(output), stderr(output)).replace(directory, "DIR")
}

#[test]
fn the_lca_bench_prints_chinese_under_a_chinese_language() {
    let directory = tempfile::tempdir().expect("temp dir");
    let out = directory.path().display().to_string();
    let arguments =
        ["bench", "lca", "--activities", "60", "--iterations", "40", "--repeats", "1", "--threads", "1", "--out", &out];
    let chinese = tanji(&[&["--lang", "zh-CN"][..], &arguments].concat());
    assert!(chinese.status.success(), "{}", stderr(&chinese));
    let text = printed(&chinese, &out);
    assert_eq!(tanji_i18n::latin_sentences(&text), Vec::<String>::new(), "{text}");
    for expected in [
        "系统：60 个活动",
        "冷启动（1 次运行的中位数）",
        "全部产品（伴随求解），内存中",
        "蒙特卡洛，产品 1",
        "方差贡献最大的交换",
    ] {
        assert!(text.contains(expected), "missing {expected}:\n{text}");
    }
    assert!(!text.contains("Technosphere") && !text.contains("Biosphere"), "matrix names are not Rust names:\n{text}");

    let english = tanji(&arguments);
    assert!(english.status.success(), "{}", stderr(&english));
    let text = printed(&english, &out);
    assert!(text.contains("system: 60 activities") && text.contains("cold starts (median of 1 runs)"), "{text}");

    // A refusal too.
    let refused = tanji(&[&["--lang", "zh-CN"][..], &arguments, &["--demand", "61"]].concat());
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("--demand 61：系统只有 60 个产品"), "{}", stderr(&refused));
}

#[test]
fn the_energy_bench_prints_chinese_under_a_chinese_language() {
    let directory = tempfile::tempdir().expect("temp dir");
    let out = directory.path().display().to_string();
    let arguments = ["bench", "energy", "--factories", "1", "--lines", "2", "--days", "3", "--out", &out, "--store"];
    let chinese = tanji(&[&["--lang", "zh-CN"][..], &arguments].concat());
    assert!(chinese.status.success(), "{}", stderr(&chinese));
    let text = printed(&chinese, &out);
    assert_eq!(tanji_i18n::latin_sentences(&text), Vec::<String>::new(), "{text}");
    for expected in ["工作负载：1 家工厂 × 2 条产线", "从 CSV 载入", "能耗偏高的产线", "存储层：全年电量", "详细数据："]
    {
        assert!(text.contains(expected), "missing {expected}:\n{text}");
    }
    let refused = tanji(&["--lang", "zh-CN", "bench", "energy", "--lines", "1", "--out", &out]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("--lines 至少为 2"), "{}", stderr(&refused));
}
