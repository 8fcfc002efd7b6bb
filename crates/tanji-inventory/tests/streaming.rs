//! A large generated inventory computed today gives the totals recorded in `data/generated-200k-expected.json`, to
//! the last digit. The expectations were written by the in-memory engine before the calculation was streamed
//! (commit "Record the totals of a generated 200,000-row inventory"), so any change of summation order, unit
//! conversion or rounding in the streamed pipeline shows here.
//!
//! The same file streamed — read row by row, calculated record by record without keeping lines — must give them
//! too, and on random small files streaming must equal the calculation in memory.
//!
//! Rewrite the expectations only for an intended change of results: `TANJI_WRITE_EXPECTED=1 cargo test -p
//! tanji-inventory --test streaming`.

use std::collections::BTreeMap;

use proptest::prelude::*;
use tanji_ghg::GwpSet;
use tanji_inventory::{
    ActivityCsvReader, BaseYearPolicy, ConsolidationApproach, DiagnosticKind, FacilityBoundary, Fraction, Inventory,
    InventoryInput, InventoryRun, LineStatus, RecordsSuperseded, RunOptions, SourceCompetition, Totals,
    base_year_period, bundled_reference, calculate, compare_with_base_totals, compare_with_base_year,
    parse_activity_csv,
};

mod generated;

use generated::{N_FACILITIES, generated_csv, with_one_data_source};

const N_ROWS: usize = 200_000;
const EXPECTED_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/generated-200k-expected.json");

pub fn generated_facilities() -> Vec<FacilityBoundary> {
    (0..N_FACILITIES)
        .map(|facility_idx| FacilityBoundary {
            key: format!("f{facility_idx}"),
            name: format!("Facility {facility_idx}"),
            equity_share: Fraction::from_percent([100.0, 60.0, 35.5, 0.0][facility_idx % 4]).expect("a percentage"),
            financial_control: facility_idx % 3 != 0,
            operational_control: facility_idx % 5 != 0,
        })
        .collect()
}

/// Every figure of an inventory's result that the streamed pipeline must reproduce, written with `{:?}` (the
/// shortest text that reads back to the same `f64`), so that equal text means equal bits.
fn figures(inventory: &Inventory) -> BTreeMap<String, String> {
    let totals = &inventory.totals;
    let mut figures = BTreeMap::new();
    let mut put = |name: String, value: String| {
        figures.insert(name, value);
    };
    for (name, value) in [
        ("scope1_kg", totals.scope1_kg),
        ("scope2_location_kg", totals.scope2_location_kg),
        ("scope2_market_kg", totals.scope2_market_kg),
        ("scope3_kg", totals.scope3_kg),
        ("total_location_kg", totals.total_location_kg),
        ("total_market_kg", totals.total_market_kg),
        ("biogenic_co2_kg", totals.biogenic_co2_kg),
        ("memo_co2e_kg", totals.memo_co2e_kg),
        ("china_guideline_net_kg", totals.china_guideline_net_kg),
    ] {
        put(format!("totals.{name}"), format!("{value:?}"));
    }
    put("totals.uncertainty_percent".into(), format!("{:?}", totals.uncertainty_percent));
    put("totals.n_lines_without_uncertainty".into(), totals.n_lines_without_uncertainty.to_string());
    for (category, kg) in &totals.by_scope3_category {
        put(format!("totals.by_scope3_category.{category}"), format!("{kg:?}"));
    }
    for (category, kg) in &totals.by_iso_category {
        put(format!("totals.by_iso_category.{category}"), format!("{kg:?}"));
    }
    for (gas, kg) in &totals.by_gas_group {
        put(format!("totals.by_gas_group.{gas}"), format!("{kg:?}"));
    }
    for (facility, kg) in &totals.by_facility {
        put(format!("totals.by_facility.{facility}"), format!("{kg:?}"));
    }
    for (month, kg) in &totals.by_month {
        put(format!("totals.by_month.{month}"), format!("{kg:?}"));
    }
    put("totals.completeness".into(), serde_json::to_string(&totals.completeness).expect("serialisable"));
    let factors: Vec<String> = inventory.factors_used.iter().map(ToString::to_string).collect();
    put("factors_used".into(), factors.join(" "));
    let mut n_by_status: BTreeMap<&str, usize> = BTreeMap::new();
    for line in &inventory.lines {
        let status = match line.status {
            LineStatus::Counted => "counted",
            LineStatus::Superseded { .. } => "superseded",
            LineStatus::Failed => "failed",
            LineStatus::Excluded { .. } => "excluded",
        };
        *n_by_status.entry(status).or_default() += 1;
    }
    put("n_lines_by_status".into(), format!("{n_by_status:?}"));
    let mut n_by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for diagnostic in &inventory.diagnostics {
        *n_by_kind.entry(format!("{:?}/{:?}", diagnostic.severity, diagnostic.kind)).or_default() += 1;
    }
    put("n_diagnostics_by_kind".into(), format!("{n_by_kind:?}"));
    figures
}

/// The generated organisation's 2025 inventory under `consolidation`, without records.
fn boundary(consolidation: ConsolidationApproach) -> InventoryInput {
    InventoryInput {
        organisation: "generated".into(),
        period_start: jiff::civil::Date::constant(2025, 1, 1),
        period_end: jiff::civil::Date::constant(2025, 12, 31),
        gwp_set: GwpSet::AR6,
        consolidation,
        facilities: generated_facilities(),
        records: Vec::new(),
    }
}

/// The same, with the records of `csv` read in memory.
fn input(csv: &str, consolidation: ConsolidationApproach) -> InventoryInput {
    let records = parse_activity_csv("generated.csv", csv, |_| {})
        .unwrap_or_else(|errors| panic!("{:?}", &errors[..3.min(errors.len())]));
    InventoryInput { records, ..boundary(consolidation) }
}

#[test]
fn a_generated_200k_row_inventory_gives_the_recorded_totals_to_the_last_digit() {
    let csv = generated_csv(N_ROWS, 20_261_207);
    let mut computed = BTreeMap::new();
    for consolidation in ConsolidationApproach::ALL {
        let inventory = calculate(&input(&csv, consolidation), bundled_reference());
        for (name, value) in figures(&inventory) {
            computed.insert(format!("{}.{name}", consolidation.key()), value);
        }
    }
    if std::env::var_os("TANJI_WRITE_EXPECTED").is_some() {
        std::fs::write(EXPECTED_PATH, serde_json::to_string_pretty(&computed).expect("serialisable") + "\n")
            .expect("writing the expectations");
    }
    let expected: BTreeMap<String, String> =
        serde_json::from_str(include_str!("data/generated-200k-expected.json")).expect("the expectations are JSON");
    for (name, value) in &expected {
        assert_eq!(computed.get(name), Some(value), "{name}");
    }
    assert_eq!(computed.len(), expected.len(), "the same figures are computed");
}

/// The streamed pipeline: the CSV read row by row (`ActivityCsvReader`), every record entered in the source
/// competition, then read again and each record calculated and dropped (`InventoryRun` with `options`).
fn streamed(csv: &str, input: &InventoryInput, options: RunOptions) -> Inventory {
    let mut competition = SourceCompetition::default();
    for (_, row) in ActivityCsvReader::new("generated.csv", csv.as_bytes()).expect("a good header") {
        competition.add(&row.expect("good rows"));
    }
    let mut run = InventoryRun::new(input, bundled_reference(), &competition, options);
    for (_, row) in ActivityCsvReader::new("generated.csv", csv.as_bytes()).expect("a good header") {
        run.add(&row.expect("good rows"));
    }
    run.finish()
}

#[test]
fn the_generated_inventory_streamed_gives_the_recorded_totals_to_the_last_digit() {
    let csv = generated_csv(N_ROWS, 20_261_207);
    let expected: BTreeMap<String, String> =
        serde_json::from_str(include_str!("data/generated-200k-expected.json")).expect("the expectations are JSON");
    for consolidation in ConsolidationApproach::ALL {
        let input = boundary(consolidation);
        // As `inventory compute` runs without `--lines`: each line summed and dropped, its words never written.
        let inventory = streamed(&csv, &input, RunOptions { keep_lines: false, max_diagnostics_per_kind: None });
        for (name, value) in figures(&inventory) {
            if name == "n_lines_by_status" {
                continue; // No lines are kept to count.
            }
            let name = format!("{}.{name}", consolidation.key());
            assert_eq!(expected.get(&name), Some(&value), "{name}");
        }
    }
}

/// The one-pass pipeline of `inventory compute`: the CSV read once, each record entered in the source competition
/// and calculated at once (`InventoryRun::before_competition`), the competition decided at the end.
fn one_pass(csv: &str, input: &InventoryInput, options: RunOptions) -> Result<Inventory, RecordsSuperseded> {
    let mut competition = SourceCompetition::default();
    let mut run = InventoryRun::before_competition(input, bundled_reference(), options);
    for (_, row) in ActivityCsvReader::new("generated.csv", csv.as_bytes()).expect("a good header") {
        let record = row.expect("good rows");
        competition.add(&record);
        run.add(&record);
    }
    run.finish_after(&competition)
}

#[test]
fn the_generated_inventory_in_one_pass_needs_the_second_for_its_superseded_records() {
    let csv = generated_csv(N_ROWS, 20_261_207);
    let input = boundary(ConsolidationApproach::EquityShare);
    let result = one_pass(&csv, &input, RunOptions::TOTALS);
    assert!(matches!(result, Err(RecordsSuperseded { n_records }) if n_records > 0), "{:?}", result.map(|_| ()));
}

#[test]
fn a_file_of_one_data_source_is_calculated_in_one_pass_with_its_possible_double_counts_first() {
    let csv = with_one_data_source(&generated_csv(2_000, 7));
    let input = boundary(ConsolidationApproach::OperationalControl);
    let inventory = one_pass(&csv, &input, RunOptions::TOTALS).expect("no record is superseded");
    let first_kinds: Vec<DiagnosticKind> =
        inventory.diagnostics.iter().take(3).map(|diagnostic| diagnostic.kind).collect();
    assert_eq!(first_kinds, [DiagnosticKind::PossibleDoubleCount; 3]);
    assert_eq!(inventory, streamed(&csv, &input, RunOptions::TOTALS));
}

fn gwp_sets() -> impl Strategy<Value = GwpSet> {
    prop_oneof![Just(GwpSet::AR4), Just(GwpSet::AR5), Just(GwpSet::AR6)]
}

fn consolidations() -> impl Strategy<Value = ConsolidationApproach> {
    prop_oneof![
        Just(ConsolidationApproach::EquityShare),
        Just(ConsolidationApproach::FinancialControl),
        Just(ConsolidationApproach::OperationalControl)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Streamed for its totals (no lines kept, no words written, diagnostics capped) or with every line, an inventory
    /// equals the one calculated in memory: the same totals to the bit, the same factors, the same diagnostics.
    #[test]
    fn streaming_equals_the_calculation_in_memory(
        n_rows in 1usize..120,
        seed in any::<u64>(),
        gwp_set in gwp_sets(),
        consolidation in consolidations(),
        max_per_kind in 0usize..4,
    ) {
        let csv = generated_csv(n_rows, seed);
        let mut input = input(&csv, consolidation);
        input.gwp_set = gwp_set;
        let in_memory = calculate(&input, bundled_reference());
        let records = std::mem::take(&mut input.records);

        let every_line = streamed(&csv, &input, RunOptions::EVERY_LINE);
        prop_assert_eq!(&every_line, &in_memory);

        let totals_only =
            streamed(&csv, &input, RunOptions { keep_lines: false, max_diagnostics_per_kind: Some(max_per_kind) });
        prop_assert!(totals_only.lines.is_empty());
        prop_assert_eq!(figures_of_totals(&totals_only.totals), figures_of_totals(&in_memory.totals));
        prop_assert_eq!(&totals_only.totals, &in_memory.totals);
        prop_assert_eq!(&totals_only.factors_used, &in_memory.factors_used);
        // The first `max_per_kind` diagnostics of each kind are kept, in order; the rest are counted.
        let mut n_by_kind: BTreeMap<DiagnosticKind, usize> = BTreeMap::new();
        let mut kept = Vec::new();
        let mut omitted: BTreeMap<DiagnosticKind, usize> = BTreeMap::new();
        for diagnostic in &in_memory.diagnostics {
            let n = n_by_kind.entry(diagnostic.kind).or_default();
            *n += 1;
            if *n <= max_per_kind {
                kept.push(diagnostic.clone());
            } else {
                *omitted.entry(diagnostic.kind).or_default() += 1;
            }
        }
        prop_assert_eq!(&totals_only.diagnostics, &kept);
        prop_assert_eq!(&totals_only.n_diagnostics_omitted, &omitted);

        // A base year streamed beside the reporting year compares as one calculated in memory.
        let policy = BaseYearPolicy::Average(vec![2024, 2025]);
        let input_with_records = InventoryInput { records, ..input.clone() };
        let expected = compare_with_base_year(&input_with_records, &in_memory, &policy, bundled_reference());
        let base_totals: Vec<(i16, Totals)> = policy
            .years()
            .into_iter()
            .map(|year| {
                let (period_start, period_end) = base_year_period(year).expect("a calendar year");
                let base_input = InventoryInput { period_start, period_end, ..input.clone() };
                (year, streamed(&csv, &base_input, RunOptions::TOTALS).totals)
            })
            .collect();
        prop_assert_eq!(compare_with_base_totals(&policy, &base_totals, &totals_only.totals), expected);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Read once, an inventory is the one read twice (competition first, then the lines) — to the bit, with the same
    /// diagnostics in the same order and the same counts of those left out — whenever no record is superseded; and
    /// when one is, the one pass says so and gives nothing.
    #[test]
    fn one_pass_equals_two_unless_a_record_is_superseded(
        n_rows in 1usize..120,
        seed in any::<u64>(),
        gwp_set in gwp_sets(),
        consolidation in consolidations(),
        max_per_kind in 0usize..4,
        one_data_source in any::<bool>(),
    ) {
        let mut csv = generated_csv(n_rows, seed);
        if one_data_source {
            csv = with_one_data_source(&csv);
        }
        let mut input = input(&csv, consolidation);
        input.gwp_set = gwp_set;
        let in_memory = calculate(&input, bundled_reference());
        input.records.clear();
        let n_superseded =
            in_memory.lines.iter().filter(|line| matches!(line.status, LineStatus::Superseded { .. })).count();
        for options in [RunOptions::EVERY_LINE, RunOptions { keep_lines: false, max_diagnostics_per_kind: Some(max_per_kind) }] {
            match one_pass(&csv, &input, options) {
                Ok(inventory) => {
                    prop_assert_eq!(n_superseded, 0);
                    let two_passes = streamed(&csv, &input, options);
                    prop_assert_eq!(figures_of_totals(&inventory.totals), figures_of_totals(&two_passes.totals));
                    prop_assert_eq!(&inventory, &two_passes);
                }
                Err(RecordsSuperseded { n_records }) => prop_assert_eq!(n_records, n_superseded),
            }
        }
    }
}

/// The totals written bit for bit, so that `0.0` and `-0.0` differ (`==` on `f64` would let them pass).
fn figures_of_totals(totals: &Totals) -> Vec<String> {
    let mut figures = vec![
        format!("{:?}", totals.scope1_kg),
        format!("{:?}", totals.scope2_location_kg),
        format!("{:?}", totals.scope2_market_kg),
        format!("{:?}", totals.scope3_kg),
        format!("{:?}", totals.total_location_kg),
        format!("{:?}", totals.total_market_kg),
        format!("{:?}", totals.biogenic_co2_kg),
        format!("{:?}", totals.memo_co2e_kg),
        format!("{:?}", totals.china_guideline_net_kg),
        format!("{:?}", totals.uncertainty_percent),
    ];
    figures.extend(totals.by_gas_group.iter().map(|(key, kg)| format!("{key} {kg:?}")));
    for map in [&totals.by_facility, &totals.by_month] {
        figures.extend(map.iter().map(|(key, kg)| format!("{key} {kg:?}")));
    }
    for map in [&totals.by_scope3_category, &totals.by_iso_category] {
        figures.extend(map.iter().map(|(key, kg)| format!("{key} {kg:?}")));
    }
    figures
}
