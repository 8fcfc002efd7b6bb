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
/// factor added its N2O, 0.1 kg/TJ: the cup's 4.41e-8 TJ of natural gas × 0.1 × 273 (AR6) = 1.20393e-6 kg more.)
const CUP_TOTAL: f64 = 0.017_668_038_299_253_2;
const PLATE_TOTAL: f64 = 0.038_066_989_442_934_7;

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
