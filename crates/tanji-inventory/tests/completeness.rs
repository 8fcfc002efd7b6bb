//! Numbers you can trust: every total says whether it counts every record, the base-year comparison says when either
//! side is incomplete, implausible parameters are refused at import or warned about next to the figure, unknown names
//! get "did you mean", and results stored by earlier versions stay readable.

mod common;

use common::{inventory, row};
use tanji_ghg::GwpSet;
use tanji_ghg::bundled::{factor_library, fuel_parameters, gwp_table};
use tanji_inventory::import::{RowProblem, check_with_reference};
use tanji_inventory::{
    ActivityRow, BaseYearPolicy, Completeness, ConsolidationApproach, DiagnosticKind, DiagnosticMessage, Inventory,
    InventoryInput, LineStatus, Plausibility, ProductionOutput, bundled_reference, calculate, compare_with_base_year,
};
use tanji_units::Dimension;

fn electricity(id: &str, period: &str, quantity: &str, unit: &str) -> tanji_inventory::ActivityRecord {
    row(&[
        ("id", id),
        ("facility", "plant"),
        ("period", period),
        ("source", "purchased_electricity"),
        ("quantity", quantity),
        ("unit", unit),
        ("factor", "mee-nbs-2022-grid-cn-grid-east"),
    ])
}

fn parse_row(pairs: &[(&str, &str)]) -> Result<tanji_inventory::ActivityRecord, Vec<tanji_inventory::RowError>> {
    let mut value = serde_json::Map::new();
    for (key, text) in pairs {
        value.insert((*key).to_owned(), serde_json::Value::String((*text).to_owned()));
    }
    let row: ActivityRow = serde_json::from_value(serde_json::Value::Object(value)).expect("known columns");
    row.into_record("upload.csv", 7)
}

#[test]
fn a_complete_inventory_says_so() {
    let result = inventory(vec![electricity("jan", "2025-01", "1000", "kWh")], GwpSet::AR5);
    assert_eq!(result.totals.completeness, Completeness::Complete);
}

#[test]
fn electricity_in_kg_leaves_the_totals_incomplete_and_says_how_much_is_missing() {
    let result = inventory(
        vec![
            electricity("jan", "2025-01", "1000", "kWh"),
            electricity("feb", "2025-02", "3", "MWh"),
            electricity("mar-in-kg", "2025-03", "1200", "kg"),
        ],
        GwpSet::AR5,
    );
    let failed = result.lines.iter().find(|line| line.record_id == "mar-in-kg").unwrap();
    assert_eq!(failed.status, LineStatus::Failed);
    let Completeness::Incomplete { n_records_not_counted, n_records, record_ids, activity } =
        &result.totals.completeness
    else {
        panic!("the totals must be flagged incomplete: {:?}", result.totals.completeness)
    };
    assert_eq!((*n_records_not_counted, *n_records), (1, 3));
    assert_eq!(record_ids, &vec!["mar-in-kg".to_owned()]);
    // Amounts are only added where their units convert: the kg record is compared with mass activity of its source,
    // never with the kWh beside it.
    assert_eq!(activity.len(), 1);
    assert_eq!(activity[0].dimension, Dimension::Mass);
    assert_eq!(activity[0].unit, "kg");
    assert_eq!((activity[0].not_counted, activity[0].total), (1200.0, 1200.0));
    assert_eq!((activity[0].n_records_not_counted, activity[0].n_records), (1, 1), "records of that dimension");
}

#[test]
fn incomplete_activity_of_one_dimension_is_stated_against_the_rest_of_that_dimension() {
    let result = inventory(
        vec![
            electricity("jan", "2025-01", "1000", "kWh"),
            row(&[
                ("id", "feb-unknown-factor"),
                ("facility", "plant"),
                ("period", "2025-02"),
                ("source", "purchased_electricity"),
                ("quantity", "2"),
                ("unit", "MWh"),
                ("factor", "mee-nbs-2022-grid-cn-grid-eats"),
            ]),
        ],
        GwpSet::AR5,
    );
    let Completeness::Incomplete { activity, .. } = &result.totals.completeness else { panic!("incomplete") };
    assert_eq!(activity[0].unit, "MWh");
    assert!((activity[0].not_counted - 2.0).abs() < 1e-12);
    assert!((activity[0].total - 3.0).abs() < 1e-12, "1000 kWh + 2 MWh = 3 MWh: {:?}", activity[0]);
}

#[test]
fn a_superseded_record_that_fails_leaves_nothing_out() {
    let meter = electricity("meter", "2025-03", "1000", "kWh");
    let mut estimate = electricity("estimate", "2025-03", "1000", "kg");
    estimate.data_source = tanji_inventory::DataSourceKind::Estimate;
    let mut meter = meter;
    meter.data_source = tanji_inventory::DataSourceKind::Meter;
    let result = inventory(vec![meter, estimate], GwpSet::AR5);
    assert!(matches!(
        result.lines.iter().find(|line| line.record_id == "estimate").unwrap().status,
        LineStatus::Superseded { .. }
    ));
    assert_eq!(result.totals.completeness, Completeness::Complete);
}

#[test]
fn a_record_of_a_facility_outside_the_boundary_is_not_silently_dropped() {
    let mut record = electricity("elsewhere", "2025-01", "1000", "kWh");
    record.facility = "unknown-site".into();
    let result = inventory(vec![record], GwpSet::AR5);
    assert_eq!(result.lines[0].status, LineStatus::Failed);
    assert_eq!(result.totals.completeness.n_records_not_counted(), 1);
}

#[test]
fn unknown_factor_names_get_did_you_mean() {
    let result = inventory(
        vec![row(&[
            ("id", "typo"),
            ("facility", "plant"),
            ("period", "2025-01"),
            ("source", "purchased_electricity"),
            ("quantity", "1000"),
            ("unit", "kWh"),
            ("factor", "mee-nbs-2022-grid-cn-grid-eats"),
        ])],
        GwpSet::AR5,
    );
    let missing =
        result.diagnostics.iter().find(|diagnostic| diagnostic.kind == DiagnosticKind::MissingFactor).unwrap();
    assert_eq!(
        missing.message,
        DiagnosticMessage::FactorNotInLibrary {
            factor: "mee-nbs-2022-grid-cn-grid-eats".into(),
            version: None,
            suggestion: Some("mee-nbs-2022-grid-cn-grid-east".into()),
        }
    );
}

#[test]
fn unknown_refrigerants_get_did_you_mean_at_import_and_in_the_engine() {
    let record = row(&[
        ("id", "leak"),
        ("facility", "plant"),
        ("period", "2025"),
        ("source", "fugitive"),
        ("quantity", "2"),
        ("unit", "kg"),
        ("refrigerant", "R-41OA"),
    ]);
    let errors = check_with_reference("upload.csv", 4, &record, factor_library(), fuel_parameters(), gwp_table());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].row, errors[0].column.as_str()), (4, "refrigerant"));
    assert_eq!(
        errors[0].problem,
        RowProblem::RefrigerantUnknown { refrigerant: "R-41OA".into(), suggestion: Some("R-410A".into()) }
    );
    let result = inventory(vec![record], GwpSet::AR5);
    assert!(
        result.diagnostics.iter().any(|diagnostic| matches!(&diagnostic.message,
        DiagnosticMessage::GasUnknown { suggestion: Some(name), .. } if name == "R-410A")),
        "{:?}",
        result.diagnostics
    );
}

#[test]
fn the_import_refuses_electricity_in_kg_against_a_kwh_factor() {
    let record = electricity("mar", "2025-03", "1200", "kg");
    let errors = check_with_reference("upload.csv", 5, &record, factor_library(), fuel_parameters(), gwp_table());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].file.as_str(), errors[0].row, errors[0].column.as_str()), ("upload.csv", 5, "unit"));
    assert!(
        matches!(
            &errors[0].problem,
            RowProblem::UnitIncompatibleWithFactor { unit, factor_unit, dimension: Dimension::Mass, .. }
                if unit == "kg" && factor_unit == "MWh"
        ),
        "{errors:?}"
    );
    // The same record in kWh passes.
    let good = electricity("mar", "2025-03", "1200", "kWh");
    assert!(check_with_reference("upload.csv", 5, &good, factor_library(), fuel_parameters(), gwp_table()).is_empty());
}

#[test]
fn a_combustion_factor_on_purchased_electricity_is_refused_at_import_and_warned_about_in_the_engine() {
    let record = row(&[
        ("id", "wrong-kind"),
        ("facility", "plant"),
        ("period", "2025-01"),
        ("source", "purchased_electricity"),
        ("quantity", "10"),
        ("unit", "TJ"),
        ("factor", "ipcc-2006-stationary-manufacturing-anthracite-tj"),
    ]);
    let errors = check_with_reference("upload.csv", 3, &record, factor_library(), fuel_parameters(), gwp_table());
    assert!(
        errors
            .iter()
            .any(|error| matches!(&error.problem, RowProblem::Implausible(Plausibility::FactorKindMismatch { .. }))),
        "{errors:?}"
    );
    let result = inventory(vec![record], GwpSet::AR5);
    assert!(result.diagnostics.iter().any(|diagnostic| diagnostic.kind == DiagnosticKind::ImplausibleParameter
        && diagnostic.record_id.as_deref() == Some("wrong-kind")));
}

fn coal(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut pairs = vec![
        ("id", "coal"),
        ("facility", "plant"),
        ("period", "2025"),
        ("source", "stationary_combustion"),
        ("quantity", "100"),
        ("unit", "t"),
        ("ncv", "20.9"),
        ("ncv_unit", "GJ/t"),
        ("carbon_content", "0.02618"),
        ("oxidation", "0.98"),
    ];
    for (key, value) in extra {
        pairs.retain(|(existing, _)| existing != key);
        pairs.push((key, value));
    }
    pairs
}

fn refused_with(pairs: &[(&str, &str)]) -> (String, RowProblem) {
    let errors = parse_row(pairs).expect_err("the row must be refused");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].file.as_str(), errors[0].row), ("upload.csv", 7));
    (errors[0].column.clone(), errors[0].problem.clone())
}

#[test]
fn carbon_content_in_tc_per_tj_is_refused_at_import() {
    assert!(parse_row(&coal(&[])).is_ok());
    let (column, problem) = refused_with(&coal(&[("carbon_content", "26.18")]));
    assert_eq!(column, "carbon_content");
    assert_eq!(problem, RowProblem::Implausible(Plausibility::CarbonContentLooksPerTj { value: 26.18 }));
    let (column, problem) = refused_with(&coal(&[("carbon_content", "0.00002618")]));
    assert_eq!(column, "carbon_content");
    assert!(matches!(problem, RowProblem::Implausible(Plausibility::CarbonContentLooksTooSmall { .. })));
}

#[test]
fn carbon_content_outside_any_fuel_but_possible_is_a_warning_next_to_the_figure() {
    let result = inventory(vec![row(&coal(&[("carbon_content", "0.2")]))], GwpSet::AR5);
    assert_eq!(result.lines[0].status, LineStatus::Counted);
    assert!(result.diagnostics.iter().any(|diagnostic| diagnostic.message
        == DiagnosticMessage::Implausible(Plausibility::CarbonContentLooksPerTj { value: 0.2 })));
}

#[test]
fn an_oxidation_rate_above_100_percent_is_refused() {
    let (column, problem) = refused_with(&coal(&[("oxidation", "105")]));
    assert_eq!(column, "oxidation");
    assert!(
        matches!(problem, RowProblem::Implausible(Plausibility::OxidationAbove100 { percent }) if (percent - 105.0).abs() < 1e-9)
    );
    assert!(parse_row(&coal(&[("oxidation", "98")])).is_ok(), "98 means 98 %");
}

#[test]
fn an_ncv_on_a_mass_row_without_its_unit_is_refused() {
    let (column, problem) = refused_with(&coal(&[("ncv_unit", "")]));
    assert_eq!(column, "ncv_unit");
    assert_eq!(problem, RowProblem::Implausible(Plausibility::NcvWithoutUnit { quantity_unit: "t".into() }));
}

#[test]
fn certificates_covering_more_than_the_consumption_are_refused() {
    let pairs = [
        ("id", "green"),
        ("facility", "plant"),
        ("period", "2025-01"),
        ("source", "purchased_electricity"),
        ("quantity", "1000"),
        ("unit", "kWh"),
        ("factor", "mee-nbs-2022-grid-cn-grid-east"),
        ("covered_by_instruments", "1500"),
    ];
    let (column, problem) = refused_with(&pairs);
    assert_eq!(column, "covered_by_instruments");
    assert_eq!(
        problem,
        RowProblem::Implausible(Plausibility::CoverageAboveConsumption {
            covered: 1500.0,
            consumed: 1000.0,
            unit: "kWh".into()
        })
    );
}

fn two_years(base_march_unit: &str) -> (InventoryInput, Inventory) {
    let input = InventoryInput {
        organisation: "test".into(),
        period_start: jiff::civil::Date::constant(2025, 1, 1),
        period_end: jiff::civil::Date::constant(2025, 12, 31),
        gwp_set: GwpSet::AR5,
        consolidation: ConsolidationApproach::OperationalControl,
        facilities: vec![common::plant()],
        records: vec![
            electricity("base-jan", "2024-01", "1000", "kWh"),
            electricity("base-mar", "2024-03", "1000", base_march_unit),
            electricity("jan", "2025-01", "1000", "kWh"),
        ],
    };
    let current = calculate(&input, bundled_reference());
    (input, current)
}

#[test]
fn a_base_year_row_that_is_dropped_is_flagged_and_the_change_says_it_is_not_like_for_like() {
    let (input, current) = two_years("kWh");
    let comparison = compare_with_base_year(&input, &current, &BaseYearPolicy::Fixed(2024), bundled_reference());
    assert_eq!(comparison.both_sides_complete(), Some(true));
    assert!(comparison.incomplete_base_years().is_empty());

    let (input, current) = two_years("kg");
    let comparison = compare_with_base_year(&input, &current, &BaseYearPolicy::Fixed(2024), bundled_reference());
    assert_eq!(comparison.both_sides_complete(), Some(false));
    let incomplete = comparison.incomplete_base_years();
    assert_eq!(incomplete.len(), 1);
    assert_eq!(incomplete[0].0, 2024);
    assert!(
        matches!(incomplete[0].1, Completeness::Incomplete { record_ids, .. } if record_ids == &vec!["base-mar".to_owned()])
    );
}

#[test]
fn results_stored_before_messages_were_values_are_still_read() {
    let stored = serde_json::json!({
        "severity": "error",
        "kind": "unit_mismatch",
        "record_id": "r1",
        "message": "cannot convert kg (mass) to kWh (energy)"
    });
    let diagnostic: tanji_inventory::Diagnostic = serde_json::from_value(stored).unwrap();
    assert_eq!(
        diagnostic.message,
        DiagnosticMessage::Legacy { text: "cannot convert kg (mass) to kWh (energy)".into() }
    );
    let status: LineStatus =
        serde_json::from_value(serde_json::json!({"status": "excluded", "reason": "outside the reporting period"}))
            .unwrap();
    assert_eq!(
        status,
        LineStatus::Excluded {
            reason: tanji_inventory::ExclusionReason::Legacy { text: "outside the reporting period".into() }
        }
    );
    // A new result round-trips through JSON with its codes.
    let result = inventory(vec![electricity("mar-in-kg", "2025-03", "1200", "kg")], GwpSet::AR5);
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json["diagnostics"][0]["message"]["code"], "units_incompatible");
    assert_eq!(json["totals"]["completeness"]["status"], "incomplete");
    let back: Inventory = serde_json::from_value(json).unwrap();
    assert_eq!(back, result);
}

#[test]
fn the_intensity_is_emissions_per_unit_of_stated_output() {
    let output = ProductionOutput::parse("4,000", "万只", "纸杯").unwrap();
    let result = inventory(vec![electricity("jan", "2025-01", "1000", "kWh")], GwpSet::AR5);
    let (location, market) = output.intensity_kg_per_unit(&result.totals);
    assert!((location - result.totals.total_location_kg / 4000.0).abs() < 1e-12);
    assert!((market - result.totals.total_market_kg / 4000.0).abs() < 1e-12);
    assert!(ProductionOutput::parse("0", "t", "").is_err());
    assert!(ProductionOutput::parse("-5", "t", "").is_err());
    assert!(ProductionOutput::parse("5", "", "").is_err());
    assert!(ProductionOutput::parse("NaN", "t", "").is_err());
}
