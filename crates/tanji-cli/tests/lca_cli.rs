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

/// The demo's footprint files, exported as matrices (`lca export`) into `directory`.
fn export_demo(directory: &tempfile::TempDir, name: &str) -> [String; 3] {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/footprint").join(name);
    let out = directory.path().join(name);
    let output = tanji(&["lca", "export", &file.display().to_string(), "--out", &out.display().to_string()]);
    assert!(output.status.success(), "lca export failed:\n{}", stderr(&output));
    ["A.mtx", "B.mtx", "c.mtx"].map(|matrix| out.join(matrix).display().to_string())
}

#[test]
fn the_policy_and_the_lu_alone_give_the_same_scores_on_the_demo_systems() {
    let directory = tempfile::tempdir().unwrap();
    for name in ["bamboo-fibre-cup.toml", "bagasse-plate.toml"] {
        let [technosphere, biosphere, characterization] = export_demo(&directory, name);
        let scores = |extra: &[&str]| csv_scores(&solve(&technosphere, &biosphere, &characterization, extra));
        let policy = scores(&["--all-products"]);
        let lu = scores(&["--all-products", "--method", "lu"]);
        let iterative = scores(&["--all-products", "--method", "iterative"]);
        assert_eq!(policy.len(), lu.len());
        for ((product, score), (_, lu_score)) in policy.iter().zip(&lu) {
            assert!(
                (score - lu_score).abs() <= 1e-12 * lu_score.abs(),
                "{name} product {product}: {score} vs {lu_score}"
            );
        }
        for ((product, score), (_, iterative_score)) in iterative.iter().zip(&lu) {
            assert!(
                (score - iterative_score).abs() <= 1e-12 * iterative_score.abs(),
                "{name} product {product}: GMRES {score} vs LU {iterative_score}"
            );
        }
        assert_eq!(policy, lu, "{name}: a product model's system is small, so the policy answers by the LU");
    }
}

#[test]
fn timings_name_every_stage_and_the_method_on_stderr() {
    let output = solve_example(&["--all-products", "--timings"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let message = stderr(&output);
    for stage in ["parse", "analyse", "factorise", "solve", "write", "total"] {
        assert!(message.contains(stage), "no {stage} in {message}");
    }
    assert!(message.contains("solved by the sparse LU of Aᵀ: a small system (2 processes)"), "{message}");
    assert_eq!(stdout(&output).lines().next(), Some("product,score"), "timings stay off stdout");
    let output = solve_example(&["--all-products", "--timings", "--method", "iterative"]);
    assert!(stderr(&output).contains("solved by Jacobi-preconditioned GMRES ("), "{}", stderr(&output));
    let output = solve_example(&["--demand", "1", "--timings", "--method", "lu"]);
    assert!(stderr(&output).contains("solved by the sparse LU of Aᵀ: as asked (--method lu)"), "{}", stderr(&output));
    let output = tanji(&[
        "lca",
        "solve",
        "--technosphere",
        &example("A.mtx"),
        "--biosphere",
        &example("B.mtx"),
        "--characterization",
        &example("c.mtx"),
        "--demand",
        "1",
        "--timings",
        "--method",
        "lu",
        "--lang",
        "zh-CN",
    ]);
    assert!(stderr(&output).contains("用时：解析"), "{}", stderr(&output));
    assert!(stderr(&output).contains("由 Aᵀ 的稀疏 LU 求解"), "{}", stderr(&output));
}

/// `lca monte-carlo` on the hand-checked example with the given uncertainty file.
fn monte_carlo(uncertainty: &str, extra: &[&str]) -> Output {
    let (technosphere, biosphere, characterization) = (example("A.mtx"), example("B.mtx"), example("c.mtx"));
    let mut arguments = vec![
        "lca",
        "monte-carlo",
        "--technosphere",
        &technosphere,
        "--biosphere",
        &biosphere,
        "--characterization",
        &characterization,
        "--uncertainty",
        uncertainty,
        "--demand",
        "1",
    ];
    arguments.extend_from_slice(extra);
    tanji(&arguments)
}

const UNCERTAINTY_HEADER: &str = "matrix,row,col,uncertainty_type,loc,scale,shape,minimum,maximum,negative\n";

#[test]
fn monte_carlo_from_files_is_reproducible_and_agrees_with_the_engine() {
    use tanji_lca::monte_carlo::{MonteCarlo, MonteCarloSettings};
    let directory = tempfile::tempdir().unwrap();
    // Coal per kWh (row 2, column 1 of A: −0.3) lognormal with GSD 1.2; the CO2 of electricity (B row 1, column 1:
    // 0.8) normal with sd 0.05.
    let text =
        format!("{UNCERTAINTY_HEADER}A,2,1,2,{},{},,,,true\nB,1,1,3,,0.05,,,,false\n", 0.3_f64.ln(), 1.2_f64.ln());
    let uncertainty = write_temp(&directory, "uncertainty.csv", &text);
    let run = |extra: &[&str]| {
        let output = monte_carlo(&uncertainty, extra);
        assert!(output.status.success(), "{}", stderr(&output));
        serde_json::from_str::<Value>(&stdout(&output)).expect("JSON")
    };
    let first = run(&["--iterations", "300", "--seed", "7"]);
    assert_eq!(first, run(&["--iterations", "300", "--seed", "7", "--threads", "3"]), "same seed, same result");
    assert_eq!(first["summary"], run(&["--iterations", "300", "--seed", "7", "--resample-all"])["summary"]);
    assert_ne!(first["summary"], run(&["--iterations", "300", "--seed", "8"])["summary"]);
    let bins = first["histogram"].as_array().expect("bins");
    assert_eq!(bins.len(), 20);
    assert_eq!(bins.iter().map(|bin| bin["count"].as_u64().unwrap()).sum::<u64>(), 300);

    // The same analysis in memory: the same scores' summary.
    let read = |name: &str| tanji_lca::matrix_market::parse(&std::fs::read_to_string(example(name)).unwrap()).unwrap();
    let lines = tanji_lca::uncertainty_file::parse(&text).unwrap();
    let uncertain =
        tanji_lca::uncertainty_file::uncertain_system(&read("A.mtx"), &read("B.mtx"), &read("c.mtx"), &lines).unwrap();
    let result = MonteCarlo::new(&uncertain, &[(0, 1.0)], 20)
        .unwrap()
        .run(&MonteCarloSettings { iterations: 300, seed: 7, ..MonteCarloSettings::default() })
        .unwrap();
    assert_eq!(first["summary"]["mean"].as_f64().unwrap(), result.summary.mean);
    assert_eq!(first["summary"]["percentiles"][1]["value"].as_f64().unwrap(), result.summary.percentiles[1].value);
    assert_eq!(first["deterministic_score"].as_f64().unwrap(), result.deterministic_score);

    let output = monte_carlo(&uncertainty, &["--iterations", "50", "--format", "csv"]);
    let text = stdout(&output);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("statistic,value,lower,upper,count"));
    assert!(lines.next().is_some_and(|line| line.starts_with("deterministic,")), "{text}");
    assert_eq!(text.lines().filter(|line| line.starts_with("bin,")).count(), 20);
}

#[test]
fn bad_uncertainty_files_name_the_file_line_field_and_fix() {
    let directory = tempfile::tempdir().unwrap();
    let cases = [
        (
            "wrong-row.csv",
            format!("{UNCERTAINTY_HEADER}A,3,1,3,,0.1,,,,\n"),
            "line 2, column row: 3 is outside the matrix",
        ),
        (
            "unknown.csv",
            format!("{UNCERTAINTY_HEADER}A,2,1,7,,0.1,,,,\n"),
            "line 2, column uncertainty_type: uncertainty type 7",
        ),
        (
            "negative-sd.csv",
            format!("{UNCERTAINTY_HEADER}B,1,1,3,,-0.05,,,,\n"),
            "line 2, column scale: the standard deviation must not be negative",
        ),
        (
            "no-col.csv",
            "matrix,row,uncertainty_type\n".to_owned(),
            "line 1, column col: the header has no `col` column",
        ),
    ];
    for (name, text, expected) in cases {
        let path = write_temp(&directory, name, &text);
        assert_fails_with(&monte_carlo(&path, &["--iterations", "10"]), &[&path, expected, "hint: "]);
    }
    let path = write_temp(&directory, "negative-sd-zh.csv", &format!("{UNCERTAINTY_HEADER}B,1,1,3,,-0.05,,,,\n"));
    let (technosphere, biosphere, characterization) = (example("A.mtx"), example("B.mtx"), example("c.mtx"));
    let output = tanji(&[
        "lca",
        "monte-carlo",
        "--technosphere",
        &technosphere,
        "--biosphere",
        &biosphere,
        "--characterization",
        &characterization,
        "--uncertainty",
        &path,
        "--demand",
        "1",
        "--lang",
        "zh-CN",
    ]);
    assert_fails_with(&output, &["第 2 行，scale 列：标准差不能为负", "提示："]);
}

#[test]
fn matrix_market_errors_are_in_the_readers_language() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let broken = write_temp(
        &directory,
        "B.mtx",
        "%%MatrixMarket matrix coordinate real general\n% CO2\n2 2 3\n1 1 0.8\n1 2 0,01\n2 2 0.005\n",
    );
    let mut arguments = vec!["--lang", "zh-CN", "lca", "solve", "--technosphere"];
    let (technosphere, characterization) = (example("A.mtx"), example("c.mtx"));
    arguments.extend([technosphere.as_str(), "--biosphere", &broken, "--characterization", &characterization]);
    arguments.push("--all-products");
    let output = tanji(&arguments);
    assert_fails_with(&output, &["B.mtx：第 5 行：", "“1 2 0,01”", "值不是数字", "提示：每项为以空格分隔的"]);
    let message = stderr(&output);
    assert_eq!(tanji_i18n::latin_sentences(&message), Vec::<String>::new(), "{message}");
}

/// The hand example as Brightway stores it (scripts/make-lca-datapackage-example.py): ids 101 and 205 for the two
/// activities, inputs flipped, the own use a second entry on the diagonal, a factor for a flow the system lacks.
fn datapackage_example(name: &str) -> String {
    example(name)
}

#[test]
fn a_brightway_datapackage_scores_exactly_as_the_matrix_market_files() {
    let from_files = csv_scores(&solve_example(&["--all-products", "--format", "csv"]));
    for package in ["datapackage.zip", "datapackage"] {
        let package = datapackage_example(package);
        let output = tanji(&["lca", "solve", "--datapackage", &package, "--all-products", "--format", "csv"]);
        let from_package = csv_scores(&output);
        // Products are the activities' ids, in the order of the columns.
        assert_eq!(from_package.iter().map(|(product, _)| *product).collect::<Vec<_>>(), [101, 205]);
        for ((_, expected), (_, actual)) in from_files.iter().zip(&from_package) {
            assert_eq!(actual, expected, "{package}");
        }
        let output = tanji(&["lca", "solve", "--datapackage", &package, "--demand", "205", "--format", "csv"]);
        let one_from_files = csv_scores(&solve_example(&["--demand", "2", "--format", "csv"]));
        assert_eq!(csv_scores(&output), [(205, one_from_files[0].1)]);
    }
    assert_score(from_files[0].1, 845.0 / 894.0);
}

#[test]
fn a_datapackage_demand_names_an_activity_id() {
    let package = datapackage_example("datapackage.zip");
    let output = tanji(&["lca", "solve", "--datapackage", &package, "--demand", "1"]);
    assert_fails_with(&output, &[&package, "no activity with id 1", "from 101 to 205"]);
    let output =
        tanji(&["lca", "solve", "--datapackage", &package, "--technosphere", &example("A.mtx"), "--demand", "101"]);
    assert_eq!(output.status.code(), Some(2), "--datapackage and the .mtx files exclude each other");
}

#[test]
fn monte_carlo_from_a_datapackage_matches_the_same_distributions_from_an_uncertainty_file() {
    let directory = tempfile::tempdir().unwrap();
    // The distributions the package stores (for unflipped amounts, as 32-bit floats), written for the .mtx files:
    // coal into electricity lognormal GSD 1.2, electricity into coal uniform on [−0.025, −0.015], the plant's CO2
    // normal with sd 0.05.
    let text = format!(
        "{UNCERTAINTY_HEADER}A,2,1,2,,{},,,,true\nA,1,2,4,,,,-0.025,-0.015,\nB,1,1,3,,0.05,,,,false\n",
        f64::from(1.2_f64.ln() as f32)
    );
    let uncertainty = write_temp(&directory, "uncertainty.csv", &text);
    let summary = |output: Output| {
        assert!(output.status.success(), "{}", stderr(&output));
        serde_json::from_str::<Value>(&stdout(&output)).expect("JSON")
    };
    let from_files = summary(monte_carlo(&uncertainty, &["--iterations", "400", "--seed", "3"]));
    let package = datapackage_example("datapackage.zip");
    let from_package = summary(tanji(&[
        "lca",
        "monte-carlo",
        "--datapackage",
        &package,
        "--demand",
        "101",
        "--iterations",
        "400",
        "--seed",
        "3",
    ]));
    assert_eq!(from_package["product"], 101);
    assert_eq!(from_package["deterministic_score"], from_files["deterministic_score"]);
    assert_eq!(from_package["drawn_technosphere"], 2);
    assert_eq!(from_package["drawn_biosphere"], 1);
    // 0.05 and the uniform's bounds are 32-bit floats in the package: the same draws up to that rounding.
    for (left, right) in [
        (&from_package["summary"]["mean"], &from_files["summary"]["mean"]),
        (&from_package["summary"]["percentiles"][0]["value"], &from_files["summary"]["percentiles"][0]["value"]),
        (&from_package["summary"]["percentiles"][2]["value"], &from_files["summary"]["percentiles"][2]["value"]),
    ] {
        let (left, right) = (left.as_f64().unwrap(), right.as_f64().unwrap());
        assert!((left - right).abs() <= 1e-6 * right.abs(), "{left} vs {right}");
    }
    assert_ne!(from_package["summary"]["sd"], 0.0);
}

/// A copy of the example package's directory, for tests that break one of its files.
fn package_copy(directory: &tempfile::TempDir) -> PathBuf {
    let copy = directory.path().join("package");
    std::fs::create_dir(&copy).unwrap();
    for entry in std::fs::read_dir(datapackage_example("datapackage")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), copy.join(entry.file_name())).unwrap();
    }
    copy
}

#[test]
fn a_broken_datapackage_names_the_package_the_array_the_element_and_the_fix() {
    let directory = tempfile::tempdir().unwrap();
    let package = package_copy(&directory);
    let package_text = package.display().to_string();
    let solve_package =
        |language: &str| tanji(&["lca", "solve", "--datapackage", &package_text, "--all-products", "--lang", language]);
    // A data array cut short.
    let data = package.join("biosphere.data.npy");
    let bytes = std::fs::read(&data).unwrap();
    std::fs::write(&data, &bytes[..bytes.len() - 8]).unwrap();
    assert_fails_with(&solve_package("en"), &[&package_text, "biosphere.data.npy", "bytes of data", "hint: "]);
    assert_fails_with(&solve_package("zh-CN"), &[&package_text, "biosphere.data.npy", "字节", "提示："]);
    std::fs::write(&data, &bytes).unwrap();

    // A missing array.
    std::fs::remove_file(package.join("technosphere.flip.npy")).unwrap();
    assert_fails_with(&solve_package("en"), &["technosphere.flip.npy", "missing from the package", "hint: "]);
    std::fs::copy(
        Path::new(&datapackage_example("datapackage")).join("technosphere.flip.npy"),
        package.join("technosphere.flip.npy"),
    )
    .unwrap();

    // A NaN amount: element 1 of the technosphere's data (a float64 array of 5 after a 128-byte header).
    let data = package.join("technosphere.data.npy");
    let mut bytes = std::fs::read(&data).unwrap();
    let start = bytes.len() - 5 * 8 + 8;
    bytes[start..start + 8].copy_from_slice(&f64::NAN.to_le_bytes());
    std::fs::write(&data, &bytes).unwrap();
    assert_fails_with(&solve_package("en"), &["technosphere.data.npy, element 1 (0-based)", "not a finite number"]);
    assert_fails_with(&solve_package("zh-CN"), &["technosphere.data.npy，第 1 个元素（从 0 计）", "不是有限数"]);
    std::fs::copy(Path::new(&datapackage_example("datapackage")).join("technosphere.data.npy"), &data).unwrap();

    // A distribution whose parameters do not fit: the coal input's scale (ln GSD) made negative.
    let distributions = package.join("technosphere.distributions.npy");
    let mut bytes = std::fs::read(&distributions).unwrap();
    // Records of 1 + 5 × 4 + 1 = 22 bytes; element 2's scale is at 1 + 4 bytes into its record.
    let start = bytes.len() - 5 * 22 + 2 * 22 + 5;
    bytes[start..start + 4].copy_from_slice(&(-0.2_f32).to_le_bytes());
    std::fs::write(&distributions, &bytes).unwrap();
    let output =
        tanji(&["lca", "monte-carlo", "--datapackage", &package_text, "--demand", "101", "--iterations", "10"]);
    assert_fails_with(&output, &["technosphere.distributions.npy, element 2 (0-based)", "field scale", "hint: "]);

    // Not a package at all.
    let not_a_package = write_temp(&directory, "A.zip", "not a zip");
    let output = tanji(&["lca", "solve", "--datapackage", &not_a_package, "--demand", "1"]);
    assert_fails_with(&output, &[&not_a_package, "cannot read", "hint: "]);
}
