//! `tanji footprint compute` and `tanji lca export` as a modeller uses them: the real binary on the paper-cup and
//! bagasse-plate examples (reproducible results), on broken files, and the exported matrices solved back.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn tanji(arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tanji"))
        .args(arguments)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("running tanji")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/footprint").join(name).display().to_string()
}

fn json(arguments: &[&str]) -> Value {
    let output = tanji(arguments);
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).expect("JSON output")
}

/// The cup's footprint as the shipped file and bundled factors give it. If a factor or the file changes, this
/// changes — on purpose: a published label must be reproducible from its file. (Version 2 of the IPCC natural-gas
/// factor added its N2O, 0.1 kg/TJ: the cup's 4.41e-8 TJ of natural gas × 0.1 × 273 (AR6) = 1.20393e-6 kg more.
/// Road freight moved from the EPA hub's truck per short ton-mile to DESNZ 2024 HGV average laden per tonne.km,
/// 0.09752 kg CO2e: the cup went from 0.0176680 to 0.0173352 kg, the plate from 0.0380670 to 0.0373747 kg.)
const CUP_TOTAL: f64 = 0.017_335_169_072_810_963;
const PLATE_TOTAL: f64 = 0.037_374_659_792_731;

#[test]
fn the_demo_footprints_are_reproducible_from_their_files() {
    for (file, total) in [("bamboo-fibre-cup.toml", CUP_TOTAL), ("bagasse-plate.toml", PLATE_TOTAL)] {
        let report = json(&["footprint", "compute", &example(file), "--format", "json"]);
        let computed = report["footprint"]["total_kg_co2e"].as_f64().unwrap();
        assert!((computed - total).abs() <= 1e-12 * total, "{file}: {computed} vs {total}");
        let reduction = report["comparison"]["reduction_percent"].as_f64().unwrap();
        assert!(reduction > 20.0, "{file}: the series is lower than its conventional baseline ({reduction} %)");
        let stages: f64 =
            report["footprint"]["by_stage"].as_array().unwrap().iter().map(|s| s["kg_co2e"].as_f64().unwrap()).sum();
        assert!((stages - computed).abs() < 1e-12);
    }
}

#[test]
fn monte_carlo_with_the_same_seed_gives_the_same_range() {
    let arguments = [
        "footprint",
        "compute",
        &example("bamboo-fibre-cup.toml"),
        "--monte-carlo",
        "500",
        "--seed",
        "9",
        "--format",
        "json",
    ];
    let first = json(&arguments);
    let second = json(&arguments);
    let spread = &first["footprint"]["uncertainty"];
    assert_eq!(spread, &second["footprint"]["uncertainty"]);
    let (low, high) = (spread["p2_5_kg_co2e"].as_f64().unwrap(), spread["p97_5_kg_co2e"].as_f64().unwrap());
    assert!(low < CUP_TOTAL && CUP_TOTAL < high, "{low} < {CUP_TOTAL} < {high}");
    assert!(!spread["drivers"].as_array().unwrap().is_empty());
}

#[test]
fn the_table_shows_stages_baseline_allocation_and_provenance() {
    let output = tanji(&["footprint", "compute", &example("bagasse-plate.toml")]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    for expected in [
        "甘蔗渣餐盘",
        "By life-cycle stage",
        "Compared with the baseline",
        "economic (departs from the hierarchy)",
        "× ",
        "mee-nbs-2022-grid-cn-grid-east@1",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn exported_matrices_solve_to_the_same_footprint() {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().display().to_string();
    let output = tanji(&["lca", "export", &example("bamboo-fibre-cup.toml"), "--out", &out]);
    assert!(output.status.success(), "{}", stderr(&output));
    let products = std::fs::read_to_string(directory.path().join("products.csv")).unwrap();
    let reference = products.lines().find(|line| line.ends_with(",yes")).expect("the reference product is marked");
    let column = reference.split(',').next().unwrap();
    let file = |name: &str| directory.path().join(name).display().to_string();
    let solved = tanji(&[
        "lca",
        "solve",
        "--technosphere",
        &file("A.mtx"),
        "--biosphere",
        &file("B.mtx"),
        "--characterization",
        &file("c.mtx"),
        "--demand",
        column,
    ]);
    assert!(solved.status.success(), "{}", stderr(&solved));
    let score: f64 = stdout(&solved).lines().nth(1).unwrap().split(',').nth(1).unwrap().parse().unwrap();
    assert!((score - CUP_TOTAL).abs() <= 1e-12 * CUP_TOTAL, "{score} vs {CUP_TOTAL}");
}

#[test]
fn broken_files_name_the_line_or_the_field_and_the_fix() {
    let directory = tempfile::tempdir().unwrap();
    let syntax = directory.path().join("syntax.toml");
    std::fs::write(&syntax, "gwp = \"AR6\"\nreference_process = \n").unwrap();
    let output = tanji(&["footprint", "compute", &syntax.display().to_string()]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("line 2"), "{}", stderr(&output));

    let text = std::fs::read_to_string(example("bamboo-fibre-cup.toml")).unwrap();
    let broken = directory.path().join("broken.toml");
    std::fs::write(&broken, text.replacen("mee-nbs-2022-grid-cn-grid-east", "mee-nbs-2099-grid", 1)).unwrap();
    let output = tanji(&["footprint", "compute", &broken.display().to_string()]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("processes[0].factors[0].factor") && message.contains("tanji factors search"),
        "{message}"
    );

    let output = tanji(&["footprint", "compute", "/nonexistent/cup.toml"]);
    assert!(!output.status.success() && stderr(&output).contains("cannot read"));
}

/// Six different mistakes in one file: all are reported in one run, each once, with its line and key, in words (no
/// Rust type names, no "row 0"), with "did you mean" where a name is close.
#[test]
fn a_file_with_six_mistakes_reports_all_of_them_at_once() {
    let broken = tanji_testkit::footprint_files::cup_with_six_mistakes();
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("six.toml");
    std::fs::write(&path, &broken).unwrap();
    let output = tanji(&["footprint", "compute", &path.display().to_string()]);
    assert!(!output.status.success());
    let message = stderr(&output);
    let line_of = |needle: &str| tanji_testkit::footprint_files::line_of(&broken, needle);
    for expected in [
        format!("line {}, processes[0].outputs[0].amount: “amount” must be a number, not \"one\"", line_of("amount = \"one\"")),
        "“stage” cannot be “producton” (did you mean “production”?)".to_owned(),
        "there is no field “reference_perod_end” (did you mean “reference_period_end”?)".to_owned(),
        "processes[0].factors[1].factor: no factor “ipcc-2006-stationary-manufacturing-natural-gas-t” in the library (did you mean “ipcc-2006-stationary-manufacturing-natural-gas-tj”?)".to_owned(),
        "processes[1].inputs[0].amount: an input cannot be negative (-10.5)".to_owned(),
        "if the process gives this product away, list it as an output instead".to_owned(),
        "processes[0].factors[2].unit: kWh cannot be used where m3 is expected".to_owned(),
    ] {
        assert!(message.contains(&expected), "missing {expected:?} in\n{message}");
    }
    for forbidden in ["f64", "row 0", "expected struct", "invalid type"] {
        assert!(!message.contains(forbidden), "{forbidden:?} in\n{message}");
    }
    // Each problem once.
    let lines: Vec<&str> = message
        .lines()
        .filter(|line| line.starts_with("  line") || line.starts_with("  processes") || line.starts_with("  product"))
        .collect();
    let mut unique = lines.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(lines.len(), unique.len(), "a problem printed twice:\n{message}");
    assert!(message.contains("6 problems") || message.contains("7 problems"), "{message}");

    let chinese = tanji(&["footprint", "compute", &path.display().to_string(), "--lang", "zh-CN"]);
    let message = stderr(&chinese);
    assert!(message.contains("“amount”应为数字") && message.contains("提示："), "{message}");
    assert!(!message.contains("must be") && !message.contains("hint:"), "{message}");
}

#[test]
fn a_loop_in_a_footprint_file_names_its_processes_and_inputs() {
    let text = std::fs::read_to_string(example("bamboo-fibre-cup.toml")).unwrap();
    // The board mill now needs 120 cups per tonne of board: each cup needs 10.5 g of board, each tonne of board
    // 120 cups — a loop, but one that makes plenty net (10.5 kg/1000 × 120 = 1.26 kg of board per tonne).
    let looped = text.replacen(
        "outputs = [{ product = \"bamboo-board\", amount = 1, unit = \"t\" }]",
        "outputs = [{ product = \"bamboo-board\", amount = 1, unit = \"t\" }]\ninputs = [{ product = \"cup\", amount = 120, unit = \"unit\" }]",
        1,
    );
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("loop.toml");
    std::fs::write(&path, &looped).unwrap();
    let output = tanji(&["footprint", "compute", &path.display().to_string()]);
    assert!(output.status.success(), "a productive loop solves: {}", stderr(&output));
    // 100,000 cups per tonne: each cup needs 0.0105 kg × 100 cups/kg … = 1.05 cups per cup.
    let unproductive = looped.replacen("amount = 120, unit = \"unit\"", "amount = 100000, unit = \"unit\"", 1);
    std::fs::write(&path, &unproductive).unwrap();
    let output = tanji(&["footprint", "compute", &path.display().to_string()]);
    assert!(!output.status.success());
    let message = stderr(&output);
    for expected in [
        "supply each other in a loop that produces nothing net",
        "units of “cup-forming” (processes[0].inputs[0])",
        "(processes[1].inputs[0])",
        "needs 1.05 units of",
    ] {
        assert!(message.contains(expected), "missing {expected:?} in\n{message}");
    }
    assert!(!message.contains("@"), "no emission factor is named as part of a loop:\n{message}");
}

#[test]
fn the_table_speaks_chinese_and_shows_masses_for_people() {
    let output = tanji(&["footprint", "compute", &example("bamboo-fibre-cup.toml"), "--lang", "zh-CN"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    for expected in ["产品碳足迹（ISO 14067）", "按生命周期阶段", "总计", "g CO2e", "初级数据占比"]
    {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    for forbidden in ["By life-cycle stage", "e-1", "e-2", "raw_material", "land_use_change"] {
        assert!(!text.contains(forbidden), "{forbidden:?} in\n{text}");
    }
    // Brackets are full-width in Chinese, as on the console: the gas table, the stage reductions, the header.
    let gases = text.split_once("按气体\n").unwrap().1;
    let gas_lines: Vec<&str> = gases.lines().take_while(|line| !line.is_empty()).collect();
    assert!(!gas_lines.is_empty());
    for line in &gas_lines {
        assert!(line.ends_with('）') && !line.contains('(') && !line.contains(')'), "{line}");
    }
    assert!(gas_lines.iter().any(|line| line.ends_with("（已特征化）")), "{gases}");
    assert!(text.contains("（减少 "), "{text}");
    assert!(text.lines().next().unwrap().ends_with("（RH-CUP-BF-250）"), "{text}");
    // The stage and the gas labels line up whatever their script.
    let stage_ends: Vec<usize> = text
        .split_once("按生命周期阶段\n")
        .unwrap()
        .1
        .lines()
        .take_while(|line| !line.is_empty())
        .map(|line| {
            let at = line.find(" CO2e").unwrap();
            // A Chinese or full-width character takes two terminal columns.
            line[..at].chars().map(|c| if ('\u{2E80}'..='\u{FFEF}').contains(&c) { 2 } else { 1 }).sum::<usize>()
        })
        .collect();
    assert_eq!(stage_ends, vec![stage_ends[0]; stage_ends.len()], "{text}");
    let english = stdout(&tanji(&["footprint", "compute", &example("bamboo-fibre-cup.toml")]));
    assert!(english.contains("17.3 g CO2e"), "the cup's 0.0173 kg reads in grams:\n{english}");
}
