//! SBTi near-term checks, performance against the straight line, and the share of suppliers with targets, by hand.

use tanji_supplier::target::{
    EmissionsProfile, NearTermTarget, Scope3Target, ShareBasis, SupplierTargetRow, TargetFinding, TargetStatus,
    check_performance, check_target, share_with_targets,
};

fn close(got: f64, expect: f64) {
    assert!((got - expect).abs() < 1e-9, "got {got}, expected {expect}");
}

fn target(base_year: i16, target_year: i16, reduction: f64) -> NearTermTarget {
    NearTermTarget {
        base_year,
        target_year,
        submitted_year: Some(2024),
        scope12_reduction_percent: reduction,
        scope12_coverage_percent: 100.0,
        scope3: None,
    }
}

/// Scope 3 at 30 % of the total: no scope 3 target required.
const FACTORY: EmissionsProfile =
    EmissionsProfile { scope1_kg_co2e: 4_000_000.0, scope2_kg_co2e: 3_000_000.0, scope3_kg_co2e: 3_000_000.0 };

#[test]
fn forty_two_percent_over_ten_years_meets_the_minimum_and_forty_does_not() {
    // 4.2 %/yr × (2030 − 2020) = 42 %.
    let check = check_target(&target(2020, 2030, 42.0), FACTORY);
    close(check.required_scope12_reduction_percent, 42.0);
    assert!(check.meets_criteria(), "{:?}", check.findings);
    close(check.scope3_share_percent, 30.0);
    assert!(!check.scope3_target_required);

    let check = check_target(&target(2020, 2030, 40.0), FACTORY);
    assert_eq!(
        check.findings,
        vec![TargetFinding::Scope12AmbitionTooLow { target_percent: 40.0, required_percent: 42.0 }]
    );
}

#[test]
fn coverage_timeframe_and_base_year_rules() {
    let mut narrow = target(2014, 2036, 100.0);
    narrow.scope12_coverage_percent = 90.0;
    let check = check_target(&narrow, FACTORY);
    assert_eq!(
        check.findings,
        vec![
            TargetFinding::BaseYearTooEarly { base_year: 2014, earliest: 2015 },
            TargetFinding::TimeframeOutOfRange { submitted_year: 2024, target_year: 2036, years: 12 },
            TargetFinding::Scope12CoverageTooLow { coverage_percent: 90.0, required_percent: 95.0 },
        ]
    );
    // 22 years × 4.2 % = 92.4 % required; the 100 % target meets it.
    close(check.required_scope12_reduction_percent, 92.4);
}

#[test]
fn scope3_of_forty_percent_or_more_needs_a_target_covering_two_thirds() {
    // Scope 3 = 8,000 of 12,000 t → 66.7 % ≥ 40 %.
    let retailer =
        EmissionsProfile { scope1_kg_co2e: 1_000_000.0, scope2_kg_co2e: 3_000_000.0, scope3_kg_co2e: 8_000_000.0 };
    let check = check_target(&target(2020, 2030, 42.0), retailer);
    assert!(check.scope3_target_required);
    assert!(matches!(check.findings.as_slice(), [TargetFinding::Scope3TargetMissing { .. }]));

    let mut with_scope3 = target(2020, 2030, 42.0);
    with_scope3.scope3 = Some(Scope3Target { reduction_percent: 20.0, coverage_percent: 60.0 });
    let check = check_target(&with_scope3, retailer);
    // Scope 3 minimum: 2.5 %/yr × 10 = 25 %.
    assert_eq!(
        check.findings,
        vec![
            TargetFinding::Scope3CoverageTooLow { coverage_percent: 60.0, required_percent: 67.0 },
            TargetFinding::Scope3AmbitionTooLow { target_percent: 20.0, required_percent: 25.0 },
        ]
    );
    with_scope3.scope3 = Some(Scope3Target { reduction_percent: 25.0, coverage_percent: 67.0 });
    assert!(check_target(&with_scope3, retailer).meets_criteria());
}

#[test]
fn performance_against_the_target_and_the_minimum_lines() {
    // Base 2020: 10,000 t. Target −50 % by 2030. In 2025 (5 of 10 years): target line 10,000 × (1 − 0.5 × 0.5) =
    // 7,500 t; SBTi minimum line 10,000 × (1 − 0.042 × 5) = 7,900 t. Actual 7,800 t: behind the target, ahead of
    // the minimum; reduction so far 22 %.
    let check = check_performance(&target(2020, 2030, 50.0), 10_000_000.0, 2025, 7_800_000.0).expect("checked");
    close(check.target_path_kg_co2e, 7_500_000.0);
    close(check.minimum_path_kg_co2e, 7_900_000.0);
    close(check.reduction_so_far_percent, 22.0);
    assert!(!check.on_target_path);
    assert!(check.on_minimum_path);
    assert!(check_performance(&target(2020, 2030, 50.0), 10_000_000.0, 2019, 1.0).is_none());
}

#[test]
fn share_of_suppliers_with_targets_by_spend_and_by_emissions() {
    // Spend 60 / 30 / 10; emissions 100 / 500 / 400 t. Targets: A validated, B set (not validated), C none.
    // By spend: with target (A + B) = 90 %, validated (A) = 60 %. By emissions: 60 % and 10 %.
    let rows = [
        SupplierTargetRow {
            supplier: "a".into(),
            spend: 60.0,
            kg_co2e: 100_000.0,
            status: TargetStatus::SbtiValidated,
        },
        SupplierTargetRow { supplier: "b".into(), spend: 30.0, kg_co2e: 500_000.0, status: TargetStatus::TargetSet },
        SupplierTargetRow { supplier: "c".into(), spend: 10.0, kg_co2e: 400_000.0, status: TargetStatus::Committed },
    ];
    let by_spend = share_with_targets(&rows, ShareBasis::Spend);
    close(by_spend.with_target_percent, 90.0);
    close(by_spend.sbti_validated_percent, 60.0);
    assert_eq!((by_spend.n_suppliers, by_spend.n_with_target, by_spend.n_sbti_validated), (3, 2, 1));
    let by_emissions = share_with_targets(&rows, ShareBasis::Emissions);
    close(by_emissions.with_target_percent, 60.0);
    close(by_emissions.sbti_validated_percent, 10.0);
    close(share_with_targets(&[], ShareBasis::Spend).with_target_percent, 0.0);
}
