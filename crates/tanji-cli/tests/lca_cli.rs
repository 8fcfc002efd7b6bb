//! `tanji lca solve` as someone cross-checking another LCA tool uses it: the real binary on the hand-checked example in
//! examples/lca (worked out in its README.md) and on malformed files.

use std::path::{Path, PathBuf};
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
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/lca").join(name).display().to_string()
}

/// `lca solve` on the given files plus extra arguments.
fn solve(technosphere: &str, biosphere: &str, characterization: &str, extra: &[&str]) -> Output {
    let mut arguments = vec![
        "lca",
        "solve",
        "--technosphere",
        technosphere,
        "--biosphere",
        biosphere,
        "--characterization",
        characterization,
    ];
    arguments.extend_from_slice(extra);
    tanji(&arguments)
}

fn solve_example(extra: &[&str]) -> Output {
    solve(&example("A.mtx"), &example("B.mtx"), &example("c.mtx"), extra)
}

/// The `product,score` lines after the header, parsed.
fn csv_scores(output: &Output) -> Vec<(usize, f64)> {
    assert!(output.status.success(), "lca solve failed:\n{}", stderr(output));
    let text = stdout(output);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("product,score"));
    lines
        .map(|line| {
            let (product, score) = line.split_once(',').expect("product,score");
            (product.parse().expect("product number"), score.parse().expect("score"))
        })
        .collect()
}

fn assert_score(actual: f64, expected: f64) {
    assert!((actual - expected).abs() <= 1e-12 * expected.abs(), "expected {expected}, got {actual}");
}

/// A file in a fresh temporary directory, which lives as long as the returned guard.
fn write_temp(directory: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path: PathBuf = directory.path().join(name);
    std::fs::write(&path, text).expect("writing a test file");
    path.display().to_string()
}

/// Exit code 1, nothing on stdout, and stderr containing every expected piece.
fn assert_fails_with(output: &Output, expected: &[&str]) {
    assert_eq!(output.status.code(), Some(1), "stdout:\n{}\nstderr:\n{}", stdout(output), stderr(output));
    assert_eq!(stdout(output), "", "errors print nothing on stdout");
    let message = stderr(output);
    for piece in expected {
        assert!(message.contains(piece), "stderr lacks “{piece}”:\n{message}");
    }
}

#[test]
fn one_kwh_of_electricity_scores_as_worked_by_hand() {
    let scores = csv_scores(&solve_example(&["--demand", "1"]));
    assert_eq!(scores.len(), 1);
    assert_eq!(scores[0].0, 1);
    assert_score(scores[0].1, 845.0 / 894.0);
}

#[test]
fn all_products_score_as_worked_by_hand() {
    let scores = csv_scores(&solve_example(&["--all-products"]));
    assert_eq!(scores.iter().map(|(product, _)| *product).collect::<Vec<_>>(), vec![1, 2]);
    assert_score(scores[0].1, 845.0 / 894.0);
    assert_score(scores[1].1, 151.0 / 894.0);
}

#[test]
fn every_demand_agrees_with_all_products() {
    let all = csv_scores(&solve_example(&["--all-products"]));
    for (product, score) in all {
        let one = csv_scores(&solve_example(&["--demand", &product.to_string()]));
        assert_score(one[0].1, score);
    }
}

#[test]
fn json_lists_products_and_scores() {
    let output = solve_example(&["--all-products", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let lines = report.as_array().expect("an array");
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["product"], 2);
    assert_score(lines[1]["score"].as_f64().expect("a number"), 151.0 / 894.0);
}

#[test]
fn demand_or_all_products_is_required_but_not_both() {
    let neither = solve_example(&[]);
    assert_eq!(neither.status.code(), Some(2), "clap usage errors exit with 2");
    assert!(stderr(&neither).contains("--demand"), "{}", stderr(&neither));
    let both = solve_example(&["--demand", "1", "--all-products"]);
    assert_eq!(both.status.code(), Some(2));
    let zero = solve_example(&["--demand", "0"]);
    assert_eq!(zero.status.code(), Some(2), "products are 1-based");
}

#[test]
fn a_demand_beyond_the_last_product_names_the_range() {
    let output = solve_example(&["--demand", "3"]);
    assert_fails_with(&output, &["--demand 3", "A.mtx has 2 products", "hint: give a column number from 1 to 2"]);
}

#[test]
fn a_malformed_entry_names_the_file_and_line() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let broken = write_temp(
        &directory,
        "B.mtx",
        "%%MatrixMarket matrix coordinate real general\n% CO2\n2 2 3\n1 1 0.8\n1 2 0,01\n2 2 0.005\n",
    );
    let output = solve(&example("A.mtx"), &broken, &example("c.mtx"), &["--all-products"]);
    assert_fails_with(&output, &["B.mtx: line 5:", "“1 2 0,01”", "the value is not a number", "hint:"]);
}

#[test]
fn a_missing_header_is_explained() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let broken = write_temp(&directory, "A.mtx", "2 2 1\n1 1 1\n");
    let output = solve(&broken, &example("B.mtx"), &example("c.mtx"), &["--demand", "1"]);
    assert_fails_with(&output, &["A.mtx: line 1:", "header", "hint: start the file with `%%MatrixMarket"]);
}

#[test]
fn a_symmetric_file_is_refused_rather_than_half_read() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let broken =
        write_temp(&directory, "A.mtx", "%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n1 1 1\n2 2 1\n");
    let output = solve(&broken, &example("B.mtx"), &example("c.mtx"), &["--all-products"]);
    assert_fails_with(&output, &["A.mtx: line 1: unsupported Matrix Market header", "hint:"]);
}

#[test]
fn a_missing_file_is_named() {
    let output = solve("no-such-A.mtx", &example("B.mtx"), &example("c.mtx"), &["--all-products"]);
    assert_fails_with(&output, &["no-such-A.mtx: cannot read the file", "hint: check the path"]);
}

#[test]
fn mismatched_sizes_blame_the_file_that_disagrees() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let three_flows =
        write_temp(&directory, "c.mtx", "%%MatrixMarket matrix coordinate real general\n3 1 2\n1 1 1\n2 1 28\n");
    let output = solve(&example("A.mtx"), &example("B.mtx"), &three_flows, &["--all-products"]);
    assert_fails_with(
        &output,
        &["c.mtx: the characterization vector c has 3 factors but the biosphere has 2 flows", "hint:"],
    );

    let wide_b = write_temp(&directory, "B.mtx", "%%MatrixMarket matrix coordinate real general\n2 3 1\n1 1 0.8\n");
    let output = solve(&example("A.mtx"), &wide_b, &example("c.mtx"), &["--all-products"]);
    assert_fails_with(&output, &["B.mtx: the biosphere matrix B has 3 columns but the technosphere has 2 processes"]);
}

#[test]
fn a_process_that_makes_nothing_is_named() {
    let directory = tempfile::tempdir().expect("temporary directory");
    // The coal mine's production (2 2 1.0) is missing: column 2 has only an input.
    let broken = write_temp(
        &directory,
        "A.mtx",
        "%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 0.9\n2 1 -0.3\n1 2 -0.02\n",
    );
    let output = solve(&broken, &example("B.mtx"), &example("c.mtx"), &["--all-products"]);
    assert_fails_with(
        &output,
        &["A.mtx: the technosphere matrix A is singular", "the process in column 2 (1-based)", "hint:"],
    );
}

#[test]
fn a_loop_that_makes_nothing_net_is_refused_naming_the_loop() {
    let directory = tempfile::tempdir().expect("temporary directory");
    // Each process needs exactly one unit of the other's product per unit of its own.
    let broken = write_temp(
        &directory,
        "A.mtx",
        "%%MatrixMarket matrix coordinate real general\n2 2 4\n1 1 1\n2 1 -1\n1 2 -1\n2 2 1\n",
    );
    let output = solve(&broken, &example("B.mtx"), &example("c.mtx"), &["--demand", "1"]);
    assert_fails_with(
        &output,
        &[
            "A.mtx: the processes in columns 1, 2 (1-based) supply each other in a loop that produces nothing net",
            "hint:",
        ],
    );
}

#[test]
fn a_loop_with_gain_1_6_is_refused_with_its_amounts_never_a_negative_score() {
    let directory = tempfile::tempdir().expect("temporary directory");
    // Each unit of product 1 needs 2 units of product 2, each of which needs 0.8 units of product 1: a plain solve
    // of this non-singular matrix gives negative supply and a negative score.
    let broken = write_temp(
        &directory,
        "A.mtx",
        "%%MatrixMarket matrix coordinate real general\n2 2 4\n1 1 1\n2 1 -2\n1 2 -0.8\n2 2 1\n",
    );
    let output = solve(&broken, &example("B.mtx"), &example("c.mtx"), &["--all-products"]);
    assert_fails_with(
        &output,
        &[
            "each unit of product 1 needs 2 units of product 2",
            "each unit of product 2 needs 0.8 units of product 1",
            "needs 1.6 units of itself through the loop",
            "hint: check the inputs in the loop",
        ],
    );
    let chinese = solve(&broken, &example("B.mtx"), &example("c.mtx"), &["--all-products", "--lang", "zh-CN"]);
    assert_fails_with(&chinese, &["每单位产品 1 需要 2 单位产品 2", "没有非负解", "提示："]);
}

#[test]
fn a_process_using_more_of_its_own_product_than_it_makes_is_a_loop_of_one_step() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let broken = write_temp(
        &directory,
        "A.mtx",
        "%%MatrixMarket matrix coordinate real general\n2 2 4\n1 1 1\n1 1 -1.6\n2 2 1\n1 2 -1\n",
    );
    let output = solve(&broken, &example("B.mtx"), &example("c.mtx"), &["--demand", "2"]);
    assert_fails_with(
        &output,
        &["the process in column 1 (1-based) uses at least as much of its own product", "1.6 units of itself"],
    );
}

#[test]
fn float_noise_is_printed_as_zero_and_the_table_is_for_people() {
    let directory = tempfile::tempdir().expect("temporary directory");
    // Product 2 has no emissions of its own and needs none of product 1; its exact score is 0, but the solve may
    // leave 1e-18 behind. Product 1 emits 1 kg per unit.
    let technosphere = write_temp(
        &directory,
        "A.mtx",
        "%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 0.3\n2 2 0.7\n2 1 -0.1\n",
    );
    let biosphere =
        write_temp(&directory, "B.mtx", "%%MatrixMarket matrix coordinate real general\n1 2 2\n1 1 0.1\n1 2 1e-30\n");
    let characterization =
        write_temp(&directory, "c.mtx", "%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 3\n");
    let scores = csv_scores(&solve(&technosphere, &biosphere, &characterization, &["--all-products"]));
    assert_eq!(scores[1], (2, 0.0), "{scores:?}");
    let table = solve(&technosphere, &biosphere, &characterization, &["--all-products", "--format", "table"]);
    assert!(table.status.success(), "{}", stderr(&table));
    let text = stdout(&table);
    assert!(text.contains("score per unit") && !text.contains("e-"), "{text}");
}
