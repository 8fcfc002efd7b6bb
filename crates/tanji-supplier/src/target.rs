//! Target checks against the SBTi's near-term criteria, a supplier's performance against its target, and the share
//! of a brand's suppliers (by spend or by emissions) that have targets.
//!
//! Criteria as applied here, from *SBTi Corporate Near-Term Criteria*, version 5.2 (March 2024); see
//! `docs/suppliers.md` for what was verified and how:
//! - scope 1 + 2 absolute contraction of at least 4.2 % a year, linear from the base year (1.5 °C);
//! - the scope 1 + 2 target covers at least 95 % of company-wide scope 1 + 2 emissions;
//! - when scope 3 is 40 % or more of scope 1 + 2 + 3, a scope 3 target is required, covering at least 67 % of
//!   scope 3, with at least 2.5 % a year linear (well below 2 °C);
//! - the target year is 5 to 10 years after the submission year;
//! - the base year is no earlier than 2015 (unverified against the criteria text: see the docs).

use serde::{Deserialize, Serialize};

/// SBTi 1.5 °C minimum for absolute scope 1 + 2 contraction, % per year, linear.
pub const SCOPE12_MINIMUM_PERCENT_PER_YEAR: f64 = 4.2;
/// SBTi well-below 2 °C minimum for absolute scope 3 contraction, % per year, linear.
pub const SCOPE3_MINIMUM_PERCENT_PER_YEAR: f64 = 2.5;
pub const SCOPE12_MINIMUM_COVERAGE_PERCENT: f64 = 95.0;
pub const SCOPE3_MINIMUM_COVERAGE_PERCENT: f64 = 67.0;
/// Scope 3's share of the total at and above which a scope 3 target is required, %.
pub const SCOPE3_MATERIALITY_PERCENT: f64 = 40.0;
pub const EARLIEST_BASE_YEAR: i16 = 2015;
pub const TIMEFRAME_YEARS: std::ops::RangeInclusive<i16> = 5..=10;

/// A company's base-year emissions by scope, kg CO2e.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EmissionsProfile {
    pub scope1_kg_co2e: f64,
    pub scope2_kg_co2e: f64,
    pub scope3_kg_co2e: f64,
}

impl EmissionsProfile {
    pub fn scope12_kg_co2e(self) -> f64 {
        self.scope1_kg_co2e + self.scope2_kg_co2e
    }

    /// Scope 3 as % of scope 1 + 2 + 3; 0 when there are no emissions.
    pub fn scope3_share_percent(self) -> f64 {
        let total = self.scope12_kg_co2e() + self.scope3_kg_co2e;
        if total > 0.0 { self.scope3_kg_co2e / total * 100.0 } else { 0.0 }
    }
}

/// A near-term absolute target as the supplier states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NearTermTarget {
    pub base_year: i16,
    pub target_year: i16,
    /// The year the target was (or will be) submitted for validation; the timeframe counts from it.
    pub submitted_year: Option<i16>,
    /// Reduction of scope 1 + 2 from the base year by the target year, %.
    pub scope12_reduction_percent: f64,
    /// Share of company-wide scope 1 + 2 the target covers, %.
    pub scope12_coverage_percent: f64,
    pub scope3: Option<Scope3Target>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scope3Target {
    pub reduction_percent: f64,
    pub coverage_percent: f64,
}

/// One criterion not met, with the figures that show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code, so a new one without its texts does not compile.
pub enum TargetFinding {
    /// The target year is not after the base year.
    TargetYearNotAfterBaseYear {
        base_year: i16,
        target_year: i16,
    },
    BaseYearTooEarly {
        base_year: i16,
        earliest: i16,
    },
    TimeframeOutOfRange {
        submitted_year: i16,
        target_year: i16,
        years: i16,
    },
    /// The scope 1 + 2 reduction is less than 4.2 % × years.
    Scope12AmbitionTooLow {
        target_percent: f64,
        required_percent: f64,
    },
    Scope12CoverageTooLow {
        coverage_percent: f64,
        required_percent: f64,
    },
    /// Scope 3 is 40 % or more of the total and there is no scope 3 target.
    Scope3TargetMissing {
        scope3_share_percent: f64,
    },
    Scope3CoverageTooLow {
        coverage_percent: f64,
        required_percent: f64,
    },
    Scope3AmbitionTooLow {
        target_percent: f64,
        required_percent: f64,
    },
    /// A percentage is outside 0..=100 or not a number.
    PercentInvalid {
        value: f64,
    },
}

/// What the target check found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetCheck {
    /// 4.2 × (target year − base year), capped at 100.
    pub required_scope12_reduction_percent: f64,
    pub scope3_share_percent: f64,
    pub scope3_target_required: bool,
    pub findings: Vec<TargetFinding>,
}

impl TargetCheck {
    /// Meets every criterion checked here (not an SBTi validation: only the SBTi validates).
    pub fn meets_criteria(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Checks a target against the criteria with the base year's emissions.
pub fn check_target(target: &NearTermTarget, base_year: EmissionsProfile) -> TargetCheck {
    let mut findings = Vec::new();
    for value in [target.scope12_reduction_percent, target.scope12_coverage_percent]
        .into_iter()
        .chain(target.scope3.iter().flat_map(|scope3| [scope3.reduction_percent, scope3.coverage_percent]))
    {
        if !(value.is_finite() && (0.0..=100.0).contains(&value)) {
            findings.push(TargetFinding::PercentInvalid { value });
        }
    }
    let years = target.target_year - target.base_year;
    if years <= 0 {
        findings.push(TargetFinding::TargetYearNotAfterBaseYear {
            base_year: target.base_year,
            target_year: target.target_year,
        });
    }
    if target.base_year < EARLIEST_BASE_YEAR {
        findings.push(TargetFinding::BaseYearTooEarly { base_year: target.base_year, earliest: EARLIEST_BASE_YEAR });
    }
    if let Some(submitted_year) = target.submitted_year {
        let timeframe = target.target_year - submitted_year;
        if !TIMEFRAME_YEARS.contains(&timeframe) {
            findings.push(TargetFinding::TimeframeOutOfRange {
                submitted_year,
                target_year: target.target_year,
                years: timeframe,
            });
        }
    }
    let required_scope12 = required_reduction_percent(SCOPE12_MINIMUM_PERCENT_PER_YEAR, years);
    // Compared with a small tolerance: 42 % over 10 years is exactly the minimum, however it was rounded.
    if target.scope12_reduction_percent + 1e-9 < required_scope12 {
        findings.push(TargetFinding::Scope12AmbitionTooLow {
            target_percent: target.scope12_reduction_percent,
            required_percent: required_scope12,
        });
    }
    if target.scope12_coverage_percent + 1e-9 < SCOPE12_MINIMUM_COVERAGE_PERCENT {
        findings.push(TargetFinding::Scope12CoverageTooLow {
            coverage_percent: target.scope12_coverage_percent,
            required_percent: SCOPE12_MINIMUM_COVERAGE_PERCENT,
        });
    }
    let scope3_share_percent = base_year.scope3_share_percent();
    let scope3_target_required = scope3_share_percent >= SCOPE3_MATERIALITY_PERCENT;
    match (&target.scope3, scope3_target_required) {
        (None, true) => findings.push(TargetFinding::Scope3TargetMissing { scope3_share_percent }),
        (Some(scope3), _) => {
            if scope3_target_required && scope3.coverage_percent + 1e-9 < SCOPE3_MINIMUM_COVERAGE_PERCENT {
                findings.push(TargetFinding::Scope3CoverageTooLow {
                    coverage_percent: scope3.coverage_percent,
                    required_percent: SCOPE3_MINIMUM_COVERAGE_PERCENT,
                });
            }
            let required = required_reduction_percent(SCOPE3_MINIMUM_PERCENT_PER_YEAR, years);
            if scope3.reduction_percent + 1e-9 < required {
                findings.push(TargetFinding::Scope3AmbitionTooLow {
                    target_percent: scope3.reduction_percent,
                    required_percent: required,
                });
            }
        }
        (None, false) => {}
    }
    TargetCheck {
        required_scope12_reduction_percent: required_scope12,
        scope3_share_percent,
        scope3_target_required,
        findings,
    }
}

/// Linear reduction: rate × years, capped at 100 % (0 for a non-positive span).
pub fn required_reduction_percent(percent_per_year: f64, years: i16) -> f64 {
    (percent_per_year * f64::from(years.max(0))).min(100.0)
}

/// Where a supplier stands in a year between base and target year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PerformanceCheck {
    pub year: i16,
    pub actual_kg_co2e: f64,
    /// The target's own straight line: base × (1 − reduction × elapsed / span).
    pub target_path_kg_co2e: f64,
    /// The SBTi minimum's straight line: base × (1 − 4.2 % × elapsed).
    pub minimum_path_kg_co2e: f64,
    /// (base − actual) / base, %; negative when emissions grew.
    pub reduction_so_far_percent: f64,
    pub on_target_path: bool,
    pub on_minimum_path: bool,
}

/// Compares a year's scope 1 + 2 with the straight lines from the base year. `None` when the year is before the
/// base year or the base is not positive.
pub fn check_performance(
    target: &NearTermTarget,
    base_scope12_kg_co2e: f64,
    year: i16,
    actual_scope12_kg_co2e: f64,
) -> Option<PerformanceCheck> {
    let span = target.target_year - target.base_year;
    let elapsed = year - target.base_year;
    if elapsed < 0 || span <= 0 || !(base_scope12_kg_co2e.is_finite() && base_scope12_kg_co2e > 0.0) {
        return None;
    }
    let elapsed_share = (f64::from(elapsed) / f64::from(span)).min(1.0);
    let target_path = base_scope12_kg_co2e * (1.0 - target.scope12_reduction_percent / 100.0 * elapsed_share);
    let minimum_path =
        base_scope12_kg_co2e * (1.0 - required_reduction_percent(SCOPE12_MINIMUM_PERCENT_PER_YEAR, elapsed) / 100.0);
    Some(PerformanceCheck {
        year,
        actual_kg_co2e: actual_scope12_kg_co2e,
        target_path_kg_co2e: target_path,
        minimum_path_kg_co2e: minimum_path,
        reduction_so_far_percent: (base_scope12_kg_co2e - actual_scope12_kg_co2e) / base_scope12_kg_co2e * 100.0,
        on_target_path: actual_scope12_kg_co2e <= target_path * (1.0 + 1e-12),
        on_minimum_path: actual_scope12_kg_co2e <= minimum_path * (1.0 + 1e-12),
    })
}

/// A supplier's target status as the brand knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    NoTarget,
    /// Committed to set a science-based target, none set yet.
    Committed,
    /// A target set by the supplier, not validated by the SBTi.
    TargetSet,
    /// Validated by the SBTi.
    SbtiValidated,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupplierTargetRow {
    pub supplier: String,
    /// The brand's spend with the supplier in the period (one currency for all rows).
    pub spend: f64,
    /// The supplier's emissions attributed to the brand (category 1/2 lines), kg CO2e.
    pub kg_co2e: f64,
    pub status: TargetStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareBasis {
    Spend,
    Emissions,
}

/// Shares of suppliers with targets, weighted by spend or emissions (the two ways an SBTi supplier-engagement
/// target is stated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetShare {
    pub basis: ShareBasis,
    pub n_suppliers: usize,
    pub n_with_target: usize,
    pub n_sbti_validated: usize,
    /// Weight of suppliers with a target (set or validated) over all, %; 0 when the total weight is 0.
    pub with_target_percent: f64,
    pub sbti_validated_percent: f64,
}

/// Rows with a negative or non-finite weight count as 0.
pub fn share_with_targets(rows: &[SupplierTargetRow], basis: ShareBasis) -> TargetShare {
    let weight = |row: &SupplierTargetRow| {
        let value = match basis {
            ShareBasis::Spend => row.spend,
            ShareBasis::Emissions => row.kg_co2e,
        };
        if value.is_finite() && value > 0.0 { value } else { 0.0 }
    };
    let total: f64 = rows.iter().map(weight).sum();
    let has_target =
        |row: &&SupplierTargetRow| matches!(row.status, TargetStatus::TargetSet | TargetStatus::SbtiValidated);
    let validated = |row: &&SupplierTargetRow| row.status == TargetStatus::SbtiValidated;
    let percent = |part: f64| if total > 0.0 { part / total * 100.0 } else { 0.0 };
    TargetShare {
        basis,
        n_suppliers: rows.len(),
        n_with_target: rows.iter().filter(has_target).count(),
        n_sbti_validated: rows.iter().filter(validated).count(),
        with_target_percent: percent(rows.iter().filter(has_target).map(weight).sum()),
        sbti_validated_percent: percent(rows.iter().filter(validated).map(weight).sum()),
    }
}
