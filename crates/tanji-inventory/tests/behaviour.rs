//! Behaviour of the engine and the import: data-source priority, boundary, diagnostics instead of failure,
//! row-level import errors and all-or-nothing imports.

mod common;

use common::{inventory, row};
use tanji_ghg::GwpSet;
use tanji_inventory::{DiagnosticKind, DiagnosticMessage, LineStatus, Severity, parse_activity_csv};
use tanji_units::Dimension;

#[test]
fn the_higher_priority_source_is_used_and_the_choice_is_shown() {
    let monthly = row(&[
        ("id", "monthly"),
        ("facility", "plant"),
        ("period", "2025-03"),
        ("source", "purchased_electricity"),
        ("quantity", "1000"),
        ("unit", "kWh"),
        ("factor", "mee-nbs-2021-grid-cn-national"),
        ("data_source", "production_monthly_report"),
    ]);
    let invoice = row(&[
        ("id", "invoice"),
        ("facility", "plant"),
        ("period", "2025-03"),
        ("source", "purchased_electricity"),
        ("quantity", "1100"),
        ("unit", "kWh"),
        ("factor", "mee-nbs-2021-grid-cn-national"),
        ("data_source", "finance"),
    ]);
    let result = inventory(vec![invoice, monthly], GwpSet::AR5);
    let invoice_line = result.lines.iter().find(|line| line.record_id == "invoice").unwrap();
    assert!(matches!(&invoice_line.status, LineStatus::Superseded { by_record, .. } if by_record == "monthly"));
    assert!((result.totals.scope2_location_kg - 556.8).abs() < 1e-9);
    assert!(result.diagnostics.iter().any(|diagnostic| diagnostic.kind == DiagnosticKind::SourceChosen
        && diagnostic.record_id.as_deref() == Some("invoice")));
}

/// Issue 9: a row metered by hand (`data_source = meter`) supersedes the report row that held the month's green
/// certificates; the market-based figure then counts none, and the user is told which record lost what.
#[test]
fn a_superseded_record_whose_certificates_are_not_carried_over_is_named() {
    let report = |id: &str, covered: &str| {
        row(&[
            ("id", id),
            ("facility", "plant"),
            ("period", "2025-03"),
            ("source", "purchased_electricity"),
            ("quantity", "1000"),
            ("unit", "kWh"),
            ("factor", "mee-nbs-2021-grid-cn-national"),
            ("covered_by_instruments", covered),
            ("data_source", "production_monthly_report"),
        ])
    };
    let metered = |covered: &str| {
        row(&[
            ("id", "metered"),
            ("facility", "plant"),
            ("period", "2025-03"),
            ("source", "purchased_electricity"),
            ("quantity", "1010"),
            ("unit", "kWh"),
            ("factor", "mee-nbs-2021-grid-cn-national"),
            ("covered_by_instruments", covered),
            ("data_source", "meter"),
        ])
    };
    let result = inventory(vec![report("report", "400"), metered("")], GwpSet::AR5);
    let lost: Vec<_> = result
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.kind == DiagnosticKind::InstrumentsNotCarried)
        .collect();
    assert_eq!(lost.len(), 1, "{:?}", result.diagnostics);
    assert_eq!(lost[0].severity, Severity::Warning);
    assert_eq!(lost[0].record_id.as_deref(), Some("report"));
    assert!(
        matches!(&lost[0].message, DiagnosticMessage::InstrumentsNotCarried { by_record, covered_by_instruments, .. }
        if by_record == "metered" && *covered_by_instruments == 400.0)
    );
    // The metered row carries them (as the energy handover writes it): nothing to say.
    let carried = inventory(vec![report("report", "400"), metered("400")], GwpSet::AR5);
    assert!(!carried.diagnostics.iter().any(|diagnostic| diagnostic.kind == DiagnosticKind::InstrumentsNotCarried));
    // A superseded record without instruments loses nothing.
    let plain = inventory(vec![report("report", "0"), metered("")], GwpSet::AR5);
    assert!(!plain.diagnostics.iter().any(|diagnostic| diagnostic.kind == DiagnosticKind::InstrumentsNotCarried));
}

#[test]
fn a_record_with_problems_is_diagnosed_and_the_rest_is_still_calculated() {
    let good = row(&[
        ("id", "good"),
        ("facility", "plant"),
        ("period", "2025"),
        ("source", "stationary_combustion"),
        ("quantity", "10"),
        ("unit", "TJ"),
        ("factor", "ipcc-2006-stationary-manufacturing-anthracite-tj"),
    ]);
    let missing = row(&[
        ("id", "missing"),
        ("facility", "plant"),
        ("period", "2025"),
        ("source", "stationary_combustion"),
        ("quantity", "10"),
        ("unit", "t"),
        ("factor", "no-such-factor"),
    ]);
    let mismatch = row(&[
        ("id", "mismatch"),
        ("facility", "plant"),
        ("period", "2025"),
        ("source", "stationary_combustion"),
        ("quantity", "10"),
        ("unit", "kg"),
        ("factor", "ipcc-2006-stationary-manufacturing-anthracite-tj"),
    ]);
    let result = inventory(vec![good, missing, mismatch], GwpSet::AR5);
    assert_eq!(result.lines.iter().filter(|line| line.status == LineStatus::Failed).count(), 2);
    assert!(result.totals.scope1_kg > 0.0);
    let kinds: Vec<_> = result
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.severity == Severity::Error)
        .map(|diagnostic| (diagnostic.record_id.clone().unwrap(), diagnostic.kind))
        .collect();
    assert!(kinds.contains(&("missing".into(), DiagnosticKind::MissingFactor)));
    assert!(kinds.contains(&("mismatch".into(), DiagnosticKind::UnitMismatch)));
    let message =
        &result.diagnostics.iter().find(|diagnostic| diagnostic.kind == DiagnosticKind::UnitMismatch).unwrap().message;
    assert_eq!(
        message,
        &DiagnosticMessage::UnitsIncompatible {
            from: "kg".into(),
            to: "TJ".into(),
            from_dimension: Dimension::Mass,
            to_dimension: Dimension::Energy
        }
    );
}

#[test]
fn period_gaps_are_reported() {
    let january = row(&[
        ("facility", "plant"),
        ("period", "2025-01"),
        ("source", "purchased_electricity"),
        ("quantity", "1"),
        ("unit", "MWh"),
        ("factor", "mee-nbs-2021-grid-cn-national"),
    ]);
    let march = row(&[
        ("id", "march"),
        ("facility", "plant"),
        ("period", "2025-03"),
        ("source", "purchased_electricity"),
        ("quantity", "1"),
        ("unit", "MWh"),
        ("factor", "mee-nbs-2021-grid-cn-national"),
    ]);
    let result = inventory(vec![january, march], GwpSet::AR5);
    let gap = result.diagnostics.iter().find(|diagnostic| diagnostic.kind == DiagnosticKind::PeriodGap).unwrap();
    let DiagnosticMessage::PeriodGap { months, .. } = &gap.message else { panic!("{:?}", gap.message) };
    assert!(months.contains(&"2025-02".to_owned()) && months.contains(&"2025-12".to_owned()), "{months:?}");
    assert!(!months.contains(&"2025-01".to_owned()) && !months.contains(&"2025-03".to_owned()), "{months:?}");
}

#[test]
fn biogenic_co2_is_reported_apart() {
    let wood = row(&[
        ("facility", "plant"),
        ("period", "2025"),
        ("source", "stationary_combustion"),
        ("quantity", "10"),
        ("unit", "short_ton"),
        ("factor", "epa-hub-2025-wood-and-wood-residuals-short-ton"),
    ]);
    let result = inventory(vec![wood], GwpSet::AR5);
    assert!(result.totals.biogenic_co2_kg > 0.0);
    // Only CH4 and N2O count: 10 × (0.126 × 28 + 0.063 × 265).
    assert!(
        (result.totals.scope1_kg - 10.0 * (0.126 * 28.0 + 0.063 * 265.0)).abs() < 1e-9,
        "{}",
        result.totals.scope1_kg
    );
}

#[test]
fn csv_import_reports_every_bad_cell_with_row_column_and_hint_and_applies_nothing() {
    let csv = "id,facility,period,source,quantity,unit,factor\n\
               ok-1,plant,2025-01,purchased_electricity,1000,kWh,mee-nbs-2021-grid-cn-national\n\
               bad-1,plant,2025-13,purchased_electricity,12x,kWhh,mee-nbs-2021-grid-cn-national\n\
               bad-2,,2025-02,fossil,5,t,\n";
    let errors = parse_activity_csv("activities.csv", csv, |_| {}).unwrap_err();
    let cells: Vec<(usize, &str)> = errors.iter().map(|error| (error.row, error.column.as_str())).collect();
    for expected in [(3, "period"), (3, "quantity"), (3, "unit"), (4, "facility"), (4, "source")] {
        assert!(cells.contains(&expected), "{expected:?} missing from {cells:?}");
    }
    let unit_error = errors.iter().find(|error| error.column == "unit").unwrap();
    assert_eq!(
        unit_error.problem,
        tanji_inventory::import::RowProblem::UnknownUnit { text: "kWhh".into(), suggestion: Some("kWh".into()) }
    );
    assert_eq!(unit_error.to_string(), "activities.csv, row 3, column unit: unknown_unit");
}

#[test]
fn free_text_cells_are_bounded_and_free_of_control_characters() {
    let long_id = "x".repeat(101);
    let csv = format!(
        "id,facility,period,source,quantity,unit,factor,evidence,notes\n\
         {long_id},plant,2025-01,purchased_electricity,1,MWh,mee-nbs-2021-grid-cn-national,ok,ok\n\
         bell,pla\u{7}nt,2025-02,purchased_electricity,1,MWh,mee-nbs-2021-grid-cn-national,ok,ok\n\
         lines,plant,2025-03,purchased_electricity,1,MWh,mee-nbs-2021-grid-cn-national,\"bill\nscan\",\"a\u{1b}[2J\"\n"
    );
    let errors = parse_activity_csv("a.csv", &csv, |_| {}).unwrap_err();
    let cells: Vec<(usize, &str)> = errors.iter().map(|error| (error.row, error.column.as_str())).collect();
    assert_eq!(cells, [(2, "id"), (3, "facility"), (4, "notes")], "{errors:?}");
    use tanji_inventory::import::RowProblem;
    assert_eq!(errors[0].problem, RowProblem::TooLong { n_chars: 101, max_chars: 100 });
    assert_eq!(errors[1].problem, RowProblem::ControlCharacter { code_point: 7, multi_line: false });
    assert_eq!(errors[2].problem, RowProblem::ControlCharacter { code_point: 0x1b, multi_line: true });
}

#[test]
fn csv_import_rejects_unknown_columns_and_duplicate_ids() {
    let unknown = parse_activity_csv("a.csv", "id,facility,colour\n1,plant,red\n", |_| {}).unwrap_err();
    assert_eq!((unknown[0].row, unknown[0].column.as_str()), (1, "colour"));
    let csv = "id,facility,period,source,quantity,unit,factor\n\
               same,plant,2025-01,purchased_electricity,1,MWh,mee-nbs-2021-grid-cn-national\n\
               same,plant,2025-02,purchased_electricity,1,MWh,mee-nbs-2021-grid-cn-national\n";
    let duplicate = parse_activity_csv("a.csv", csv, |_| {}).unwrap_err();
    assert_eq!((duplicate[0].row, duplicate[0].column.as_str()), (3, "id"));
}

#[test]
fn csv_import_accepts_excel_bom_and_chinese_units() {
    let csv = "\u{feff}facility,period,source,quantity,unit,factor,data_source\n\
               plant,2025-01,purchased_electricity,\"1,200\",万千瓦时,mee-nbs-2021-grid-cn-national,生产月报\n";
    let records = parse_activity_csv("a.csv", csv, |_| {}).unwrap();
    assert_eq!(records[0].quantity.value, 1200.0);
    assert_eq!(records[0].quantity.unit.symbol(), "万kWh");
    assert_eq!(records[0].id, "a.csv:2");
}

#[test]
fn csv_files_from_chinese_excel_in_gbk_are_read() {
    let text = "facility,period,source,quantity,unit,factor,activity\nplant,2025-01,purchased_electricity,1,MWh,mee-nbs-2021-grid-cn-national,电网购电\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    assert!(std::str::from_utf8(&gbk).is_err(), "the sample must not be UTF-8");
    let rows = tanji_inventory::read_activity_rows("gbk.csv", &gbk).unwrap();
    assert_eq!(rows[0].activity, "电网购电");
    // Bytes that are neither UTF-8 nor GBK are refused (with a hint, in tanji-i18n), not garbled.
    let error = tanji_inventory::decode_csv("bad.csv", &[0xff, 0xff, 0xff]).unwrap_err();
    assert_eq!(error.problem, tanji_inventory::import::RowProblem::NotText);
}

#[test]
fn reading_rows_leaves_cell_checks_to_the_caller_but_refuses_unknown_columns() {
    let with_bad_cell = "facility,period,source,quantity,unit\nplant,2025-13,purchased_electricity,x,kWh\n";
    assert_eq!(tanji_inventory::read_activity_rows("a.csv", with_bad_cell.as_bytes()).unwrap().len(), 1);
    let errors = tanji_inventory::read_activity_rows("a.csv", b"facility,colour\nplant,red\n").unwrap_err();
    assert_eq!((errors[0].row, errors[0].column.as_str()), (1, "colour"));
}

/// Found by fuzzing (`inventory_toml`): a mass-balance row with `disposed_kg = "-1e308"` is a finite number, but its
/// emissions overflowed to infinity, which made the scope-1 total infinite (and its stored JSON `null`, unreadable).
#[test]
fn a_result_beyond_any_real_emission_is_an_error_not_infinity() {
    let overflowing = row(&[
        ("id", "leak"),
        ("facility", "plant"),
        ("period", "2025"),
        ("source", "fugitive"),
        ("refrigerant", "R-410A"),
        ("refrigerant_approach", "mass_balance"),
        ("disposed_kg", "-1e308"),
        ("unit", "kg"),
    ]);
    let fine = row(&[
        ("id", "grid"),
        ("facility", "plant"),
        ("period", "2025"),
        ("source", "purchased_electricity"),
        ("quantity", "1000"),
        ("unit", "kWh"),
        ("factor", "mee-nbs-2021-grid-cn-national"),
    ]);
    let result = inventory(vec![overflowing, fine], GwpSet::AR5);
    let leak = result.lines.iter().find(|line| line.record_id == "leak").unwrap();
    assert_eq!(leak.status, LineStatus::Failed);
    assert!(leak.gases.is_empty() && leak.co2e_kg == 0.0);
    assert!(result.diagnostics.iter().any(|diagnostic| diagnostic.kind == DiagnosticKind::ImplausibleResult
        && diagnostic.severity == Severity::Error
        && diagnostic.record_id.as_deref() == Some("leak")));
    assert_eq!(result.totals.scope1_kg, 0.0);
    assert!(result.totals.total_location_kg.is_finite() && result.totals.total_location_kg > 0.0);
    let json = serde_json::to_string(&result).unwrap();
    assert_eq!(serde_json::from_str::<tanji_inventory::Inventory>(&json).unwrap(), result);
}

/// Found by fuzzing (`inventory_toml`, after the fix above): 1e308 万kWh of grid electricity overflowed in the
/// location-based half, then the market-based half failed, and the failed line kept its infinite gas amounts — which
/// the stored result's JSON wrote as `null` and could not read back.
#[test]
fn a_failed_line_keeps_no_infinite_amounts() {
    let overflowing = row(&[
        ("id", "grid"),
        ("facility", "plant"),
        ("period", "2025"),
        ("source", "purchased_electricity"),
        ("quantity", "1e308"),
        ("unit", "万kWh"),
        ("covered_by_instruments", "20"),
        ("factor", "mee-nbs-2022-grid-cn-grid-east"),
    ]);
    let result = inventory(vec![overflowing], GwpSet::AR5);
    let line = &result.lines[0];
    assert_eq!(line.status, LineStatus::Failed);
    assert!(line.gases.is_empty() && line.market_based_co2e_kg.is_none());
    assert!(result.diagnostics.iter().any(|diagnostic| diagnostic.kind == DiagnosticKind::ImplausibleResult));
    let json = serde_json::to_string(&result).unwrap();
    assert!(serde_json::from_str::<tanji_inventory::Inventory>(&json).is_ok(), "{json}");
}

/// Found while fixing the overflow above (issue 15): `uncertainty_percent = 1e300` was accepted, and the total's
/// uncertainty (a root of summed squares) overflowed.
#[test]
fn an_uncertainty_above_1000_percent_is_refused_with_its_row_and_column() {
    let text = "id,facility,period,source,quantity,unit,factor,uncertainty_percent\n\
                a,plant,2025,purchased_electricity,1,kWh,mee-nbs-2021-grid-cn-national,1e300\n";
    let errors = parse_activity_csv("upload.csv", text, |_| {}).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].row, errors[0].column.as_str()), (2, "uncertainty_percent"));
    assert_eq!(errors[0].problem, tanji_inventory::import::RowProblem::UncertaintyTooLarge { max_percent: 1000.0 });
}
