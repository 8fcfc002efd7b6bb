//! `tanji inventory compute` and `tanji factors …` as a carbon manager uses them: the real binary, the shipped
//! examples, output checked against numbers worked out by hand (see examples/inventory/golden-hand-check.toml).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use serde_json::Value;
use tanji_testkit::cli::{stderr, stdout};

fn tanji(arguments: &[&str]) -> Output {
    tanji_testkit::cli::run(env!("CARGO_BIN_EXE_tanji"), arguments)
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/inventory").join(name)
}

fn golden() -> String {
    example("golden-hand-check.toml").display().to_string()
}

/// Run `inventory compute … --format json --lines` and return the parsed report, every line in it.
fn compute_json(file: &str, extra: &[&str]) -> Value {
    let mut arguments = vec!["inventory", "compute", file, "--format", "json", "--lines"];
    arguments.extend_from_slice(extra);
    let output = tanji(&arguments);
    assert!(output.status.success(), "compute failed:\n{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).expect("compute --format json prints JSON")
}

/// Equal to within floating-point summation noise (values are kg, hand-checked to 0.001 kg).
fn assert_kg(actual: &Value, expected: f64, what: &str) {
    let actual = actual.as_f64().unwrap_or_else(|| panic!("{what} is not a number: {actual}"));
    assert!((actual - expected).abs() < 1e-6, "{what}: expected {expected} kg, got {actual} kg");
}

fn line<'a>(report: &'a Value, record_id: &str) -> &'a Value {
    report["inventory"]["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|line| line["record_id"] == record_id)
        .unwrap_or_else(|| panic!("no line {record_id}"))
}

#[test]
fn the_golden_inventory_gives_the_hand_checked_numbers() {
    let report = compute_json(&golden(), &[]);
    let inventory = &report["inventory"];
    assert_eq!(inventory["gwp_set"], "AR5");
    for (record, kg) in [
        ("ng-epa", 5449.534),
        ("diesel-desnz", 2512.79),
        ("anthracite-ipcc", 264_269.925),
        ("r410a", 19_235.0),
        ("grid-east", 561_700.0),
        ("ng-china", 213_936.228),
    ] {
        let line = line(&report, record);
        assert_eq!(line["status"]["status"], "counted", "{record}");
        assert_kg(&line["co2e_kg"], kg, record);
    }
    assert_kg(&line(&report, "grid-east")["market_based_co2e_kg"], 449_360.0, "grid-east market-based");

    let totals = &inventory["totals"];
    assert_kg(&totals["scope1_kg"], 505_403.477, "scope 1");
    assert_kg(&totals["scope2_location_kg"], 561_700.0, "scope 2 location");
    assert_kg(&totals["scope2_market_kg"], 449_360.0, "scope 2 market");
    assert_kg(&totals["scope3_kg"], 0.0, "scope 3");
    assert_kg(&totals["total_location_kg"], 1_067_103.477, "total location");
    assert_kg(&totals["total_market_kg"], 954_763.477, "total market");
    assert_kg(&totals["by_gas_group"]["CO2"], 1_046_020.828, "CO2");
    assert_kg(&totals["by_gas_group"]["CH4"], 750.484, "CH4");
    assert_kg(&totals["by_gas_group"]["N2O"], 1_063.975, "N2O");
    assert_kg(&totals["by_gas_group"]["HFCs"], 19_235.0, "HFCs");
    assert_kg(&totals["by_gas_group"]["non-CO2 (published CO2e)"], 33.19, "DESNZ non-CO2 remainder");
    assert_kg(&totals["by_iso_category"]["1"], 505_403.477, "ISO category 1");
    assert_kg(&totals["by_iso_category"]["2"], 561_700.0, "ISO category 2");
    assert_kg(
        &totals["by_month"]["2025-07"],
        561_700.0 * 31.0 / 365.0 + (505_403.477 - 19_235.0) * 31.0 / 365.0 + 19_235.0,
        "July",
    );

    let pinned: Vec<String> = inventory["factors_used"]
        .as_array()
        .unwrap()
        .iter()
        .map(|reference| format!("{}@{}", reference["id"].as_str().unwrap(), reference["version"]))
        .collect();
    assert_eq!(
        pinned,
        [
            "desnz-2024-diesel-average-biofuel-blend-l@1",
            "epa-hub-2025-natural-gas-scf@1",
            "ipcc-2006-stationary-manufacturing-anthracite-tj@1",
            "mee-nbs-2022-grid-cn-grid-east@1",
        ]
    );
    let errors: Vec<&Value> =
        inventory["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error").collect();
    assert!(errors.is_empty(), "no errors expected: {errors:?}");
}

#[test]
fn the_golden_table_shows_the_numbers_written_in_the_file() {
    let output = tanji(&["inventory", "compute", &golden(), "--lines"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    // Totals for people: six significant figures, trailing zeros dropped (the JSON report keeps every digit).
    for (label, tonnes) in [
        ("Scope 1", "505.403 t CO2e"),
        ("Scope 2 (location-based)", "561.7 t CO2e"),
        ("Scope 2 (market-based)", "449.36 t CO2e"),
        ("Total (location-based scope 2)", "1067.1 t CO2e"),
        ("Total (market-based scope 2)", "954.763 t CO2e"),
    ] {
        let row =
            table.lines().find(|row| row.trim_start().starts_with(label)).unwrap_or_else(|| panic!("no row {label}"));
        assert!(row.trim_end().ends_with(tonnes), "{label}: expected {tonnes} t, got “{row}”");
    }
    for formula in [
        "= 5449.534 kg CO2e",
        "= 2512.79 kg CO2e",
        "= 264269.925 kg CO2e",
        "= 19235 kg CO2e",
        "= 561700 kg CO2e",
        "= 449360 kg CO2e",
        "= 213936.228 kg",
    ] {
        assert!(table.contains(formula), "table lacks “{formula}”:\n{table}");
    }
}

#[test]
fn gwp_override_changes_only_the_non_co2_gases() {
    let ar5 = compute_json(&golden(), &[]);
    let ar4 = compute_json(&golden(), &["--gwp", "AR4"]);
    assert_eq!(ar4["inventory"]["gwp_set"], "AR4", "--gwp overrides the file's gwp = \"AR5\"");

    let (gases5, gases4) = (&ar5["inventory"]["totals"]["by_gas_group"], &ar4["inventory"]["totals"]["by_gas_group"]);
    assert_kg(&gases4["CO2"], gases5["CO2"].as_f64().unwrap(), "CO2 is the same under AR4");
    assert_kg(&gases4["CO2"], 1_046_020.828, "CO2 under AR4");
    assert_kg(&gases4["CH4"], 0.103 * 25.0 + 26.7 * 25.0, "CH4 under AR4");
    assert_kg(&gases4["N2O"], 0.01 * 298.0 + 4.005 * 298.0, "N2O under AR4");
    assert_kg(&gases4["HFCs"], 20_875.0, "R-410A under AR4 (GWP 2087.5)");
    // DESNZ publishes CO2e under AR5 only: the published figure is kept and a warning says so.
    assert_kg(&gases4["non-CO2 (published CO2e)"], 33.19, "DESNZ remainder");
    assert_kg(&line(&ar4, "diesel-desnz")["co2e_kg"], 2512.79, "diesel-desnz under AR4");
    assert!(
        ar4["inventory"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["kind"] == "gwp_set_differs" && d["record_id"] == "diesel-desnz"),
        "a gwp_set_differs warning names the DESNZ line"
    );

    // Lines with CO2 only do not move.
    for record in ["grid-east", "ng-china"] {
        assert_eq!(line(&ar4, record)["co2e_kg"], line(&ar5, record)["co2e_kg"], "{record}");
    }
    assert_kg(&line(&ar4, "ng-epa")["co2e_kg"], 5449.555, "ng-epa under AR4");
    assert_kg(&line(&ar4, "anthracite-ipcc")["co2e_kg"], 264_321.99, "anthracite under AR4");
    assert_kg(&ar4["inventory"]["totals"]["scope1_kg"], 507_095.563, "scope 1 under AR4");
    assert_kg(&ar4["inventory"]["totals"]["scope2_location_kg"], 561_700.0, "scope 2 under AR4");
}

#[test]
fn own_factors_are_used_at_their_latest_version() {
    let report = compute_json(&example("own-factors.toml").display().to_string(), &[]);
    let steam = line(&report, "steam-2025");
    assert_kg(&steam["co2e_kg"], 310_680.0, "steam");
    assert_eq!(steam["factors"][0]["reference"]["version"], 2);
    assert_kg(&line(&report, "paperboard-2025")["co2e_kg"], 1_003_000.0, "paperboard");
    assert_kg(&report["inventory"]["totals"]["total_location_kg"], 1_594_530.0, "total");
}

#[test]
fn a_bad_activity_csv_is_refused_with_file_row_column_and_hint() {
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(
        directory.path().join("inventory.toml"),
        "organisation = \"Test\"\nreporting_year = 2025\ngwp = \"AR5\"\nconsolidation = \"operational_control\"\n\
         activities_csv = \"activities.csv\"\n\n[[facilities]]\nkey = \"plant\"\n",
    )
    .unwrap();
    std::fs::write(
        directory.path().join("activities.csv"),
        "id,facility,period,source,quantity,unit,factor\n\
         elec-01,plant,2025-01,purchased_electricity,1000,kWh,mee-nbs-2022-grid-cn-grid-east\n\
         elec-02,plant,2025-02,purchased_electricity,12O0,kWh,mee-nbs-2022-grid-cn-grid-east\n",
    )
    .unwrap();
    let file = directory.path().join("inventory.toml").display().to_string();
    for format in ["table", "json"] {
        let output = tanji(&["inventory", "compute", &file, "--format", format]);
        assert_eq!(output.status.code(), Some(1), "a bad row fails with exit code 1");
        assert!(output.stdout.is_empty(), "nothing is printed to stdout: {}", stdout(&output));
        let message = stderr(&output);
        assert!(message.contains("activities.csv"), "stderr names the file: {message}");
        assert!(message.contains("row 3"), "stderr names the spreadsheet row (header is row 1): {message}");
        assert!(message.contains("column quantity"), "stderr names the column: {message}");
        assert!(message.contains("12O0"), "stderr quotes the bad cell: {message}");
        assert!(message.contains("hint:"), "stderr gives a hint: {message}");
        assert!(message.contains("nothing was computed"), "{message}");
    }
}

#[test]
fn factor_search_finds_the_east_china_grid() {
    let output = tanji(&["factors", "search", "电网", "--region", "CN", "--year", "2022"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("mee-nbs-2022-grid-cn-grid-east@1"), "{text}");
    assert!(text.contains("561.7 kg CO2e/MWh"), "{text}");
    assert!(text.contains("CN-GRID-EAST"), "{text}");
    assert!(!text.contains("mee-nbs-2021"), "--year 2022 leaves out the 2021 factor: {text}");

    let json = tanji(&["factors", "search", "电网", "华东", "--region", "CN", "--year", "2022", "--format", "json"]);
    assert!(json.status.success(), "{}", stderr(&json));
    let hits: Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(hits[0]["id"], "mee-nbs-2022-grid-cn-grid-east");
    assert_eq!(hits[0]["region"], "CN-GRID-EAST");
}

#[test]
fn showing_an_unknown_factor_fails_with_a_hint() {
    let output = tanji(&["factors", "show", "no-such-factor"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "{}", stdout(&output));
    let message = stderr(&output);
    assert!(message.contains("no-such-factor"), "{message}");
    assert!(message.contains("hint:"), "{message}");

    let known = tanji(&["factors", "show", "mee-nbs-2022-grid-cn-grid-east"]);
    assert!(known.status.success(), "{}", stderr(&known));
    assert!(stdout(&known).contains("verification secondary:"), "{}", stdout(&known));

    // DESNZ publishes each gas's share of its CO2e total; `show` prints them beside the total.
    let diesel = stdout(&tanji(&["factors", "show", "desnz-2024-diesel-average-biofuel-blend-l"]));
    assert!(diesel.contains("CO2e         2.51279 kg/L (AR5 as published)"), "{diesel}");
    assert!(diesel.contains("CH4          0.00029 kg CO2e/L (its share of the published CO2e)"), "{diesel}");
    assert!(diesel.contains("N2O          0.0329 kg CO2e/L (its share of the published CO2e)"), "{diesel}");
}

/// An inventory file with one good record and one that names a factor with a typo.
fn file_with_a_typo(directory: &Path) -> String {
    let file = directory.join("inventory.toml");
    std::fs::write(
        &file,
        "organisation = \"Test\"\nreporting_year = 2025\ngwp = \"AR5\"\nconsolidation = \"operational_control\"\n\n\
         [[facilities]]\nkey = \"plant\"\n\n\
         [[activities]]\nid = \"good\"\nfacility = \"plant\"\nperiod = \"2025\"\nsource = \"purchased_electricity\"\n\
         quantity = \"1000\"\nunit = \"kWh\"\nfactor = \"mee-nbs-2022-grid-cn-grid-east\"\n\n\
         [[activities]]\nid = \"typo\"\nfacility = \"plant\"\nperiod = \"2025\"\nsource = \"purchased_electricity\"\n\
         quantity = \"1\"\nunit = \"MWh\"\nfactor = \"mee-nbs-2022-grid-cn-grid-eats\"\n",
    )
    .unwrap();
    file.display().to_string()
}

#[test]
fn an_incomplete_inventory_exits_2_unless_allowed() {
    let directory = tempfile::tempdir().unwrap();
    let file = file_with_a_typo(directory.path());

    // By default the report is printed, marked incomplete, and the exit status is 2.
    let default = tanji(&["inventory", "compute", &file]);
    assert_eq!(default.status.code(), Some(2), "an incomplete result fails: {}", stderr(&default));
    let message = stderr(&default);
    assert!(message.contains("error: incomplete: 1 of 2 records could not be calculated"), "{message}");
    assert!(message.contains("--allow-incomplete"), "the way out is named: {message}");
    let report = stdout(&default);
    assert!(report.contains("Completeness: incomplete: 1 of 2 records"), "{report}");
    assert!(report.contains("Totals (incomplete)"), "{report}");
    assert!(report.contains("did you mean “mee-nbs-2022-grid-cn-grid-east”?"), "{report}");

    // The JSON report says so too, and also exits 2.
    let json = tanji(&["inventory", "compute", &file, "--format", "json", "--lines"]);
    assert_eq!(json.status.code(), Some(2));
    let report: Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(line(&report, "typo")["status"]["status"], "failed");
    assert_eq!(report["inventory"]["totals"]["completeness"]["status"], "incomplete");
    assert_eq!(report["inventory"]["totals"]["completeness"]["record_ids"][0], "typo");

    // --allow-incomplete gives the report and exit 0, with a warning.
    let allowed = tanji(&["inventory", "compute", &file, "--format", "json", "--allow-incomplete"]);
    assert!(allowed.status.success(), "{}", stderr(&allowed));
    assert!(stderr(&allowed).contains("warning: incomplete"), "{}", stderr(&allowed));
    let report: Value = serde_json::from_str(&stdout(&allowed)).unwrap();
    assert_kg(&report["inventory"]["totals"]["scope2_location_kg"], 561.7, "the good line is counted");
    assert!(
        report["inventory"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["kind"] == "missing_factor" && d["record_id"] == "typo" && d["severity"] == "error")
    );
    // --strict, the old way to ask for this, is still accepted and changes nothing.
    assert_eq!(tanji(&["inventory", "compute", &file, "--strict"]).status.code(), Some(2));
    // A complete inventory exits 0.
    let complete = tanji(&["inventory", "compute", &golden()]);
    assert!(complete.status.success(), "{}", stderr(&complete));
    assert!(stdout(&complete).contains("Completeness: complete"), "{}", stdout(&complete));
}

#[test]
fn the_report_speaks_chinese_with_lang_or_a_chinese_locale() {
    let directory = tempfile::tempdir().unwrap();
    let file = file_with_a_typo(directory.path());
    let by_option = tanji(&["--lang", "zh-CN", "inventory", "compute", &file, "--allow-incomplete"]);
    assert!(by_option.status.success(), "{}", stderr(&by_option));
    let report = stdout(&by_option);
    assert!(report.contains("完整性：不完整：2 条记录中有 1 条无法计算"), "{report}");
    assert!(report.contains("您是不是要找“mee-nbs-2022-grid-cn-grid-east”"), "{report}");
    assert!(report.contains("外购电力"), "sources are named in Chinese: {report}");
    assert!(report.contains("合并方法 运营控制法"), "no raw enum id for the consolidation approach: {report}");
    assert!(!report.contains("could not be calculated") && !report.contains("did you mean"), "{report}");
    let by_locale = tanji_testkit::cli::command(env!("CARGO_BIN_EXE_tanji"))
        .args(["inventory", "compute", &file])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert_eq!(by_locale.status.code(), Some(2));
    assert!(stderr(&by_locale).contains("错误：不完整"), "{}", stderr(&by_locale));
}

#[test]
fn figures_are_written_for_people() {
    let output = tanji(&["inventory", "compute", &example("ruihe-2025.toml").display().to_string()]);
    let report = stdout(&output);
    assert!(!report.contains("scope3_"), "no raw enum ids: {report}");
    let noise = report.as_bytes().windows(4).any(|window| {
        window[0].is_ascii_digit() && window[1] == b'e' && window[2] == b'-' && window[3].is_ascii_digit()
    });
    assert!(!noise, "no float noise such as 3.4694e-18: {report}");
    assert!(report.contains("t CO2e"), "{report}");
    if report.contains("Scope 3 category") {
        assert!(report.contains("Scope 3, category"), "scope-3 categories are named: {report}");
    }
}

#[test]
fn a_closed_pipe_does_not_panic() {
    let mut child = tanji_testkit::cli::command(env!("CARGO_BIN_EXE_tanji"))
        .args(["inventory", "compute", &example("ruihe-2025.toml").display().to_string(), "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting tanji");
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    assert_eq!(first.trim(), "{");
    // The reader is dropped here, like `| head -1`: tanji's further writes hit a closed pipe.
    let mut errors = String::new();
    child.stderr.take().unwrap().read_to_string(&mut errors).unwrap();
    let status = child.wait().unwrap();
    assert!(!errors.contains("panicked"), "{errors}");
    assert!(status.success(), "status {status}: {errors}");
}

#[test]
fn factor_search_filters_by_gas() {
    // The China grid factors publish CO2 only: every one is found for CO2, none for CH4.
    let co2 = tanji(&[
        "factors", "search", "电网", "--region", "CN", "--year", "2022", "--gas", "co2", "--limit", "100", "--format",
        "json",
    ]);
    assert!(co2.status.success(), "{}", stderr(&co2));
    let hits: Value = serde_json::from_str(&stdout(&co2)).unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 40, "all 40 grid factors of 2022 give CO2: {hits}");
    let ch4 =
        tanji(&["factors", "search", "电网", "--region", "CN", "--year", "2022", "--gas", "CH4", "--format", "json"]);
    assert!(ch4.status.success(), "{}", stderr(&ch4));
    let hits: Value = serde_json::from_str(&stdout(&ch4)).unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 0, "no grid factor gives CH4: {hits}");

    // IPCC anthracite gives N2O; the symbol is accepted as well as the key.
    let n2o = tanji(&["factors", "search", "anthracite", "--source", "IPCC", "--gas", "N2O", "--format", "json"]);
    assert!(n2o.status.success(), "{}", stderr(&n2o));
    let hits: Value = serde_json::from_str(&stdout(&n2o)).unwrap();
    assert!(!hits.as_array().unwrap().is_empty(), "{hits}");

    // An unknown gas is refused with the list of gases.
    let bad = tanji(&["factors", "search", "电网", "--gas", "sf6"]);
    assert_eq!(bad.status.code(), Some(1));
    let message = stderr(&bad);
    assert!(message.contains("--gas sf6: unknown gas"), "{message}");
    assert!(message.contains("hint: one of co2, ch4, n2o, co2e, biogenic_co2"), "{message}");
}

#[test]
fn the_summary_is_the_default_and_the_lines_come_with_a_flag() {
    let summary = tanji(&["inventory", "compute", &golden()]);
    assert!(summary.status.success(), "{}", stderr(&summary));
    let summary = stdout(&summary);
    assert!(summary.contains("Total (location-based scope 2)"), "{summary}");
    assert!(summary.contains("ISO 14064-1 category"), "{summary}");
    assert!(summary.contains("Completeness: complete"), "{summary}");
    assert!(!summary.contains("Lines (emissions; status; formula)"), "no line table by default: {summary}");
    assert!(!summary.contains("= 561700 kg CO2e"), "no formulas by default: {summary}");
    assert!(summary.contains("pass --lines"), "the summary says how to see the lines: {summary}");
    let with_lines = stdout(&tanji(&["inventory", "compute", &golden(), "--lines"]));
    assert!(with_lines.contains("Lines (emissions; status; formula)"), "{with_lines}");
    assert!(with_lines.contains("= 561700 kg CO2e"), "{with_lines}");

    // JSON: the same totals to the last digit; the lines and their count only with --lines.
    let json = tanji(&["inventory", "compute", &golden(), "--format", "json"]);
    assert!(json.status.success(), "{}", stderr(&json));
    let summary: Value = serde_json::from_str(&stdout(&json)).unwrap();
    let every_line = compute_json(&golden(), &[]);
    assert_eq!(summary["inventory"]["totals"], every_line["inventory"]["totals"]);
    assert_eq!(summary["inventory"]["factors_used"], every_line["inventory"]["factors_used"]);
    assert_eq!(summary["inventory"]["diagnostics"], every_line["inventory"]["diagnostics"]);
    assert_eq!(summary["base_year"], every_line["base_year"]);
    assert!(summary["inventory"].get("lines").is_none(), "no lines without --lines: {summary}");
    let n_lines = every_line["inventory"]["lines"].as_array().unwrap().len();
    assert_eq!(summary["inventory"]["n_lines"], n_lines);
    assert!(every_line["inventory"].get("n_lines").is_none(), "the shape with --lines is the one it always was");
}

#[test]
fn the_base_year_streamed_beside_the_reporting_year_compares_as_before() {
    // ruihe-2025.toml compares with its 2024 base year; its figures are checked by hand in docs/inventory-file.md.
    let file = example("ruihe-2025.toml").display().to_string();
    let summary: Value =
        serde_json::from_str(&stdout(&tanji(&["inventory", "compute", &file, "--format", "json"]))).unwrap();
    let every_line = compute_json(&file, &[]);
    assert!(summary["base_year"]["base_total_location_kg"].as_f64().unwrap() > 0.0, "{summary}");
    assert_eq!(summary["base_year"], every_line["base_year"]);
    assert_eq!(summary["recalculation"], every_line["recalculation"]);
}

#[test]
fn progress_names_each_stage_when_asked_and_is_silent_otherwise() {
    let with_progress = tanji(&["inventory", "compute", &golden(), "--progress"]);
    assert!(with_progress.status.success(), "{}", stderr(&with_progress));
    let messages = stderr(&with_progress);
    let stages: Vec<usize> = ["read, check & compute …", "write …"]
        .iter()
        .map(|stage| messages.find(stage).unwrap_or_else(|| panic!("no stage “{stage}” in {messages}")))
        .collect();
    assert!(stages.windows(2).all(|pair| pair[0] < pair[1]), "stages in order: {messages}");
    assert_eq!(stdout(&with_progress), stdout(&tanji(&["inventory", "compute", &golden()])), "progress is not data");
    // Not a terminal and not asked: nothing on stderr.
    assert_eq!(stderr(&tanji(&["inventory", "compute", &golden()])), "");
    let chinese = stderr(&tanji(&["--lang", "zh-CN", "inventory", "compute", &golden(), "--progress"]));
    assert!(chinese.contains("读取、检查并计算") && chinese.contains("写出"), "{chinese}");
    // The golden file has no superseded record, so it is read once.
    assert!(!messages.contains("compute again"), "{messages}");
}

#[test]
fn a_file_with_a_superseded_record_is_read_again_and_its_totals_do_not_count_it() {
    let ruihe = example("ruihe-2025.toml").display().to_string();
    let output = tanji(&["inventory", "compute", &ruihe, "--progress", "--format", "json", "--lines"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let messages = stderr(&output);
    let stages: Vec<usize> = ["read, check & compute …", "compute again: data-source priority …", "write …"]
        .iter()
        .map(|stage| messages.find(stage).unwrap_or_else(|| panic!("no stage “{stage}” in {messages}")))
        .collect();
    assert!(stages.windows(2).all(|pair| pair[0] < pair[1]), "stages in order: {messages}");
    let report: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let lines = report["inventory"]["lines"].as_array().expect("lines");
    let superseded: Vec<&Value> = lines.iter().filter(|line| line["status"]["status"] == "superseded").collect();
    assert_eq!(superseded.len(), 1, "{superseded:?}");
    let counted_kg: f64 = lines
        .iter()
        .filter(|line| line["status"]["status"] == "counted" && line["scope"] != "scope2")
        .map(|line| line["co2e_kg"].as_f64().expect("a number"))
        .sum();
    let scope1_and_3_kg = report["inventory"]["totals"]["scope1_kg"].as_f64().expect("a number")
        + report["inventory"]["totals"]["scope3_kg"].as_f64().expect("a number");
    assert!((counted_kg - scope1_and_3_kg).abs() <= 1e-9 * scope1_and_3_kg.abs(), "{counted_kg} {scope1_and_3_kg}");
}

#[test]
fn the_intensity_per_unit_of_output_is_reported_when_the_output_is_given() {
    let output = tanji(&["inventory", "compute", &golden(), "--output-quantity", "1000", "--output-unit", "t"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    let row = table.lines().find(|row| row.trim_start().starts_with("location-based")).expect("an intensity row");
    // 1 067 103.… kg CO2e (location-based total) over 1000 t.
    assert!(row.trim_end().ends_with("1067.1 kg CO2e/t"), "{row}");
    let json: Value = serde_json::from_str(&stdout(&tanji(&[
        "inventory",
        "compute",
        &golden(),
        "--format",
        "json",
        "--output-quantity",
        "1000",
        "--output-unit",
        "t",
    ])))
    .unwrap();
    let total = json["inventory"]["totals"]["total_location_kg"].as_f64().unwrap();
    assert_eq!(json["intensity"]["location_based_kg_per_unit"].as_f64().unwrap(), total / 1000.0);
    assert!(compute_json(&golden(), &[]).get("intensity").is_none(), "no intensity without an output");

    let refused = tanji(&["inventory", "compute", &golden(), "--output-quantity=-5", "--output-unit", "t"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("greater than 0"), "{}", stderr(&refused));
    let without_unit = tanji(&["inventory", "compute", &golden(), "--output-quantity", "5"]);
    assert_eq!(without_unit.status.code(), Some(2), "clap refuses a quantity without its unit");
}

/// An inventory file whose activity CSV is `csv_bytes`.
fn file_with_csv(directory: &Path, csv_bytes: &[u8]) -> String {
    std::fs::write(
        directory.join("inventory.toml"),
        "organisation = \"Test\"\nreporting_year = 2025\ngwp = \"AR5\"\nconsolidation = \"operational_control\"\n\
         activities_csv = \"activities.csv\"\n\n[[facilities]]\nkey = \"plant\"\n",
    )
    .unwrap();
    std::fs::write(directory.join("activities.csv"), csv_bytes).unwrap();
    directory.join("inventory.toml").display().to_string()
}

#[test]
fn csv_files_as_excel_saves_them_are_read_streamed_or_decoded() {
    let header = b"id,facility,period,source,quantity,unit,factor\n".to_vec();
    let good_row = b",plant,2025,purchased_electricity,1000,kWh,mee-nbs-2022-grid-cn-grid-east\n";
    // UTF-8 with the byte-order mark Excel writes: read as a stream, the mark skipped.
    let directory = tempfile::tempdir().unwrap();
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(&header);
    with_bom.extend_from_slice(&[b"e1".as_slice(), good_row].concat());
    let report = compute_json(&file_with_csv(directory.path(), &with_bom), &[]);
    assert_kg(&report["inventory"]["totals"]["scope2_location_kg"], 561.7, "UTF-8 with a byte-order mark");

    // GBK, as Chinese Excel saves “CSV (逗号分隔)”: the source written 外购电力 in GBK bytes.
    let directory = tempfile::tempdir().unwrap();
    let mut gbk = header.clone();
    gbk.extend_from_slice(b"e1,plant,2025,\xCD\xE2\xB9\xBA\xB5\xE7\xC1\xA6,1000,kWh,mee-nbs-2022-grid-cn-grid-east\n");
    let report = compute_json(&file_with_csv(directory.path(), &gbk), &[]);
    assert_kg(&report["inventory"]["totals"]["scope2_location_kg"], 561.7, "GBK");

    // A UTF-8 character cut by the reader's block boundary is still UTF-8: rows long enough to cross 1 MiB.
    let directory = tempfile::tempdir().unwrap();
    let mut long = header.clone();
    for row_idx in 0..16_000 {
        long.extend_from_slice(
            format!("电表-{row_idx:05},plant,2025-01,purchased_electricity,1,kWh,mee-nbs-2022-grid-cn-grid-east\n")
                .as_bytes(),
        );
    }
    assert!(long.len() > 1 << 20);
    let report: Value = serde_json::from_str(&stdout(&tanji(&[
        "inventory",
        "compute",
        &file_with_csv(directory.path(), &long),
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(report["inventory"]["n_lines"], 16_000);
}

#[test]
fn every_bad_row_of_a_streamed_file_is_reported_and_nothing_is_computed() {
    let directory = tempfile::tempdir().unwrap();
    let mut csv = b"id,facility,period,source,quantity,unit,factor\n".to_vec();
    for row_idx in 0..5_000 {
        // Rows 1001 and 4001 are bad; row 3001 repeats the id of row 2.
        let (id, quantity) = match row_idx {
            999 | 3999 => (format!("r{row_idx}"), "lots"),
            2999 => ("r0".to_owned(), "1"),
            _ => (format!("r{row_idx}"), "1"),
        };
        csv.extend_from_slice(
            format!("{id},plant,2025-01,purchased_electricity,{quantity},kWh,mee-nbs-2022-grid-cn-grid-east\n")
                .as_bytes(),
        );
    }
    let output = tanji(&["inventory", "compute", &file_with_csv(directory.path(), &csv)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "nothing computed, nothing printed: {}", stdout(&output));
    let message = stderr(&output);
    assert!(message.contains("3 problem(s); nothing was computed"), "{message}");
    assert!(message.contains("row 1001, column quantity"), "{message}");
    assert!(message.contains("row 4001, column quantity"), "{message}");
    assert!(message.contains("row 3001, column id"), "{message}");
}

/// An inventory file naming `activities.csv` with `csv` as its content, in `directory`.
fn file_with_activities(directory: &Path, csv: &str) -> String {
    file_with_csv(directory, csv.as_bytes())
}

/// Every line of `message` that names `row` and `column` of `file`, in Chinese.
fn chinese_problem<'a>(message: &'a str, file: &str, row: usize, column: &str) -> &'a str {
    let place = format!("{file}，第 {row} 行，{column} 列：");
    message.lines().find(|line| line.contains(&place)).unwrap_or_else(|| panic!("no {place} in\n{message}"))
}

#[test]
fn the_rarer_import_checks_speak_chinese_with_file_row_and_column() {
    let directory = tempfile::tempdir().unwrap();
    let long_id = "x".repeat(101);
    let csv = format!(
        "id,facility,period,source,quantity,unit,method,factor,ncv,ncv_unit,carbon_content,oxidation,\
         coal_quantity_basis,moisture_as_received,refrigerant,refrigerant_approach,quality,uncertainty_percent,\
         iso_category,notes\n\
         quality,plant,2025,purchased_electricity,1,MWh,,mee-nbs-2022-grid-cn-grid-east,,,,,,,,,\"9,9\",5000,9,\n\
         coal,plant,2025,stationary_combustion,100,t,fuel_combustion,,20,GJ/t,0.026,0.98,wet,120,,,,,,\n\
         fridge,plant,2025,fugitive,2,kg,,,,,,,,,R-410A,guess,,,,\n\
         {long_id},plant,2025,purchased_electricity,1,MWh,,mee-nbs-2022-grid-cn-grid-east,,,,,,,,,,,,a\u{7}b\n\
         ncv,plant,2025,stationary_combustion,100,t,fuel_combustion,,20,GJ,0.026,0.98,,,,,,,,\n"
    );
    let file = file_with_activities(directory.path(), &csv);
    let output = tanji(&["--lang", "zh-CN", "inventory", "compute", &file]);
    assert!(!output.status.success(), "bad rows are refused");
    let message = stderr(&output);
    let csv_name = directory.path().join("activities.csv").display().to_string();
    for (row, column, expected) in [
        (2, "quality", "“9,9”不是五项评分"),
        (2, "uncertainty_percent", "不能大于 1000%"),
        (2, "iso_category", "“9”不是 ISO 14064-1 类别"),
        (3, "coal_quantity_basis", "“wet”不是煤的基准"),
        (3, "moisture_as_received", "水分 120% 不在 0% 至 100%（不含）之间"),
        (4, "refrigerant_approach", "“guess”不是制冷剂核算方法"),
        (5, "id", "有 101 个字符，最多保留 100 个"),
        (5, "notes", "含有控制字符 U+0007"),
        (6, "ncv_unit", "“GJ”不是“能量/数量”形式的单位"),
    ] {
        let line = chinese_problem(&message, &csv_name, row, column);
        assert!(line.contains(expected), "row {row}, {column}: {line}");
    }
    assert!(message.contains("提示：ar（收到基）、ad（空气干燥基）或 d（干燥基）"), "{message}");
    // No English sentence anywhere in the Chinese output (the crawl's rule).
    assert_eq!(tanji_i18n::latin_sentences(&message), Vec::<String>::new(), "{message}");
    // The same rows in English.
    let english = stderr(&tanji(&["inventory", "compute", &file]));
    assert!(english.contains("row 3, column coal_quantity_basis: “wet” is not a coal basis"), "{english}");
}

#[test]
fn inventory_and_footprint_file_errors_speak_chinese() {
    let directory = tempfile::tempdir().unwrap();
    // Inventory TOML: broken syntax, an unknown key, text that is not UTF-8, no GWP set.
    let broken = directory.path().join("broken.toml");
    std::fs::write(&broken, "organisation = \"Test\nreporting_year = 2025\n").unwrap();
    let unknown = directory.path().join("unknown.toml");
    std::fs::write(
        &unknown,
        "organization = \"Test\"\norganisation = \"Test\"\nreporting_year = 2025\nconsolidation = \"operational_control\"\n",
    )
    .unwrap();
    let latin1 = directory.path().join("latin1.toml");
    std::fs::write(&latin1, b"organisation = \"Caf\xe9\"\n").unwrap();
    let no_gwp = directory.path().join("no-gwp.toml");
    std::fs::write(
        &no_gwp,
        "organisation = \"Test\"\nreporting_year = 2025\nconsolidation = \"operational_control\"\n\n[[facilities]]\nkey = \"plant\"\n",
    )
    .unwrap();
    for (path, expected) in [
        (&broken, "第 1 行：此处不是有效的 TOML，或值的类型不对"),
        (&unknown, "清单文件没有“organization”这一项"),
        (&latin1, "文件既不是 UTF-8 也不是 GBK 文本"),
        (&no_gwp, "gwp 列：未指定 GWP 值集"),
    ] {
        let message = stderr(&tanji(&["--lang", "zh-CN", "inventory", "compute", &path.display().to_string()]));
        assert!(message.contains(expected), "{expected} missing from\n{message}");
        assert_eq!(tanji_i18n::latin_sentences(&message), Vec::<String>::new(), "{message}");
    }
    // Footprint TOML: a string left open, an empty file, text that is not UTF-8.
    let open_string = directory.path().join("open.toml");
    std::fs::write(&open_string, "[product]\nname_zh = \"纸杯\nname_en = \"Cup\"\n").unwrap();
    let empty = directory.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    for (path, expected) in [
        (&open_string, "TOML 语法错误：字符串的引号没有闭合，或含有无效的转义"),
        (&empty, "缺少“product”"),
        (&latin1, "文件不是 UTF-8 文本"),
    ] {
        let message = stderr(&tanji(&["--lang", "zh-CN", "footprint", "compute", &path.display().to_string()]));
        assert!(message.contains(expected), "{expected} missing from\n{message}");
        assert!(message.contains("提示："), "{message}");
        assert_eq!(tanji_i18n::latin_sentences(&message), Vec::<String>::new(), "{message}");
    }
}

#[test]
fn the_factors_command_speaks_chinese() {
    let unknown = tanji(&["--lang", "zh-CN", "factors", "show", "mee-nbs-2022-grid-cn-grid-eats"]);
    assert_eq!(unknown.status.code(), Some(1));
    let message = stderr(&unknown);
    assert!(message.contains("没有因子“mee-nbs-2022-grid-cn-grid-eats”"), "{message}");
    assert!(message.contains("您是不是要找“mee-nbs-2022-grid-cn-grid-east”"), "{message}");
    assert!(message.contains("提示："), "{message}");
    assert_eq!(tanji_i18n::latin_sentences(&message), Vec::<String>::new(), "{message}");

    let bad_gas = tanji(&["--lang", "zh-CN", "factors", "search", "电网", "--gas", "sf6"]);
    assert_eq!(bad_gas.status.code(), Some(1));
    let message = stderr(&bad_gas);
    assert!(message.contains("--gas sf6：没有这种气体") && message.contains("提示：可选 co2, ch4"), "{message}");

    let nothing = tanji(&["--lang", "zh-CN", "factors", "search", "没有这种东西"]);
    assert!(nothing.status.success(), "{}", stderr(&nothing));
    assert!(stderr(&nothing).contains("没有匹配的因子"), "{}", stderr(&nothing));

    let diesel = tanji(&["--lang", "zh-CN", "factors", "show", "desnz-2024-diesel-average-biofuel-blend-l"]);
    let diesel = stdout(&diesel);
    assert!(diesel.contains("0.00029 kg CO2e/L（其在公布的 CO2e 中的份额）"), "{diesel}");
    for label in ["\n  类别", "\n  单位", "\n  年份/地区", "\n  来源", "\n  许可", "\n  核验状态"] {
        assert!(diesel.contains(label), "the field label {label:?} in Chinese: {diesel}");
    }
    for english in ["category", "licence", "verification", "year/region"] {
        assert!(!diesel.contains(&format!("  {english} ")), "no English field label {english}: {diesel}");
    }
}

#[test]
fn an_own_factor_file_error_names_file_row_column_and_fix_in_chinese() {
    let directory = tempfile::tempdir().expect("temporary directory");
    std::fs::write(
        directory.path().join("own.csv"),
        "id,version,name_en,name_zh,category,unit,co2,publisher,document,year,region,licence\n\
         own-steam,1,Steam,蒸汽,heat_steam,t,258.9%,Supplier,Certificate,2025,CN,own\n",
    )
    .unwrap();
    let file = directory.path().join("inventory.toml");
    std::fs::write(
        &file,
        "organisation = \"Test\"\nreporting_year = 2025\ngwp = \"AR5\"\nconsolidation = \"operational_control\"\n\
         factors_csv = \"own.csv\"\n\n[[facilities]]\nkey = \"plant\"\n",
    )
    .unwrap();
    let file = file.display().to_string();
    let output = tanji(&["--lang", "zh-CN", "inventory", "compute", &file]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let message = stderr(&output);
    assert!(message.contains("own.csv，第 2 行，co2 列：“258.9%”不是数字"), "{message}");
    assert!(message.contains("提示：用阿拉伯数字和小数点书写"), "{message}");
    assert_eq!(tanji_i18n::latin_sentences(&message), Vec::<String>::new(), "{message}");

    let english = tanji(&["inventory", "compute", &file]);
    let message = stderr(&english);
    assert!(message.contains("own.csv, row 2, column co2: “258.9%” is not a number"), "{message}");
    assert!(message.contains("hint: write digits with a dot for decimals"), "{message}");
}

/// Rows are read on a second thread and handed over in batches of 4,096; the calculation must still see them in the
/// file's order, so that each total is the sum of its lines in that order — to the bit, not approximately — with
/// the lines kept or not.
#[test]
fn totals_over_many_batches_are_the_lines_summed_in_file_order_to_the_bit() {
    let directory = tempfile::tempdir().unwrap();
    let mut csv = b"id,facility,period,source,quantity,unit,factor,uncertainty_percent\n".to_vec();
    let mut state: u64 = 17;
    for row_idx in 0..20_000 {
        // Quantities of very different sizes, so that another order of summation would change the last bits.
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let quantity = (state >> 11) as f64 / (1u64 << 53) as f64 * 10f64.powi(row_idx % 7);
        let (source, unit, factor) = if row_idx % 3 == 0 {
            ("mobile_combustion", "L", "desnz-2024-diesel-average-biofuel-blend-l")
        } else {
            ("purchased_electricity", "kWh", "mee-nbs-2022-grid-cn-grid-east")
        };
        let month = row_idx % 12 + 1;
        csv.extend_from_slice(
            format!("r{row_idx},plant,2025-{month:02},{source},{quantity:.6},{unit},{factor},5\n").as_bytes(),
        );
    }
    let file = file_with_csv(directory.path(), &csv);
    let with_lines = compute_json(&file, &[]);
    let lines = with_lines["inventory"]["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 20_000);
    let ids_in_order = lines.iter().enumerate().all(|(row_idx, line)| line["record_id"] == format!("r{row_idx}"));
    assert!(ids_in_order, "lines come in the file's order");
    let (mut scope1_kg, mut scope2_kg, mut january_kg) = (0.0_f64, 0.0_f64, 0.0_f64);
    for line in lines {
        let kg = line["co2e_kg"].as_f64().expect("a number");
        match line["scope"].as_str() {
            Some("scope1") => scope1_kg += kg,
            Some("scope2") => scope2_kg += kg,
            other => panic!("unexpected scope {other:?}"),
        }
        if let Some(month_kg) = line["monthly_co2e_kg"]["2025-01"].as_f64() {
            january_kg += month_kg;
        }
    }
    let totals = &with_lines["inventory"]["totals"];
    assert_eq!(totals["scope1_kg"].as_f64(), Some(scope1_kg + 0.0));
    assert_eq!(totals["scope2_location_kg"].as_f64(), Some(scope2_kg + 0.0));
    assert_eq!(totals["by_month"]["2025-01"].as_f64(), Some(january_kg));

    // The summary, without lines, sums the same lines by the other path of the engine: the same figures.
    let output = tanji(&["inventory", "compute", &file, "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let summary: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(summary["inventory"]["n_lines"], 20_000);
    assert_eq!(summary["inventory"]["totals"], *totals);
}

#[path = "../../tanji-inventory/tests/generated/mod.rs"]
mod generated;

/// A generated inventory's report as `inventory compute` writes it, recorded in `tests/data/` by the build before the
/// per-row work was made faster (issue 17): every later change must write the same bytes. Rewrite the recordings only
/// for an intended change of results: `TANJI_WRITE_EXPECTED=1 cargo test -p tanji-cli --test inventory_cli`.
fn assert_report_is_recorded(csv: &str, extra: &[&str], recorded: &str) {
    let directory = tempfile::tempdir().unwrap();
    let mut toml = String::from(
        "organisation = \"generated\"\nreporting_year = 2025\ngwp = \"AR6\"\nconsolidation = \"equity_share\"\n\
         activities_csv = \"activities.csv\"\n\n[base_year]\nyear = 2024\n",
    );
    for facility_idx in 0..generated::N_FACILITIES {
        let percent = [100.0, 60.0, 35.5, 0.0][facility_idx % 4];
        toml.push_str(&format!("\n[[facilities]]\nkey = \"f{facility_idx}\"\nequity_share_percent = {percent}\n"));
    }
    std::fs::write(directory.path().join("inventory.toml"), toml).unwrap();
    std::fs::write(directory.path().join("activities.csv"), csv).unwrap();
    let file = directory.path().join("inventory.toml").display().to_string();
    let mut arguments = vec!["inventory", "compute", &file, "--format", "json", "--allow-incomplete"];
    arguments.extend_from_slice(extra);
    let output = tanji(&arguments);
    assert!(output.status.success(), "compute failed:\n{}", stderr(&output));
    let report = stdout(&output);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(recorded);
    if std::env::var_os("TANJI_WRITE_EXPECTED").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &report).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    // Not `assert_eq!` on the whole text: a report of thousands of lines would drown the difference.
    if let Some((line_idx, (got, want))) =
        report.lines().zip(expected.lines()).enumerate().find(|(_, (got, want))| got != want)
    {
        panic!("{recorded}, line {}: got\n{got}\nrecorded\n{want}", line_idx + 1);
    }
    assert_eq!(report.len(), expected.len(), "{recorded}: the report's length differs from the recording");
}

/// Mixed data sources: records superseded by better ones (the file is read a second time), a base year beside the
/// reporting year, failures and partly covered periods.
#[test]
fn a_generated_inventory_with_superseded_records_writes_the_recorded_report() {
    assert_report_is_recorded(&generated::generated_csv(20_000, 11), &[], "generated-20k-superseded.json");
}

/// One data source on every row: the file is read once, with possible double counts.
#[test]
fn a_generated_inventory_of_one_data_source_writes_the_recorded_report() {
    let csv = generated::with_one_data_source(&generated::generated_csv(20_000, 12));
    assert_report_is_recorded(&csv, &[], "generated-20k-one-source.json");
}

/// Every line with its formula, parameters and factors.
#[test]
fn a_generated_inventory_with_its_lines_writes_the_recorded_report() {
    assert_report_is_recorded(&generated::generated_csv(40, 13), &["--lines"], "generated-40-lines.json");
}
