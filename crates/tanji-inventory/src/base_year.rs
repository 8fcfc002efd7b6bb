//! Base year: fixed or a multi-year average, compared with the current year under today's boundary, and the rule
//! that decides when it must be recalculated (structural, method, factor changes and significant errors above a
//! stated significance threshold; never organic growth).

use serde::{Deserialize, Deserializer, Serialize};

use crate::engine::{Inventory, Reference, Totals, calculate};
use crate::message::Completeness;
use crate::model::InventoryInput;

/// How the base year is defined. People read it through `tanji-i18n` (`Localize`): "2024", "2022, 2023, 2024 年的平均值" /
/// "average of 2022, 2023, 2024".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseYearPolicy {
    Fixed(i16),
    /// The average of several years, to smooth unusual fluctuation.
    Average(Vec<i16>),
}

impl BaseYearPolicy {
    pub fn years(&self) -> Vec<i16> {
        match self {
            BaseYearPolicy::Fixed(year) => vec![*year],
            BaseYearPolicy::Average(years) => years.clone(),
        }
    }
}

/// What changed since the base year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Acquisition, divestment, merger, outsourcing or insourcing.
    Structural,
    /// A change in calculation method.
    Methodology,
    /// A corrected or updated emission factor.
    FactorChange,
    /// Discovery of a significant error or several cumulative errors.
    ErrorCorrection,
    /// More or less production, new or closed sites built or closed by the organisation itself: never a trigger.
    OrganicGrowth,
}

/// One change and its estimated effect on base-year emissions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaseYearChange {
    pub kind: ChangeKind,
    pub description: String,
    /// Effect on base-year emissions, kg CO2e (sign as it would change the base year).
    pub impact_kg: f64,
}

/// The decision on recalculation, with its reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecalculationAssessment {
    pub threshold_percent: f64,
    /// Sum of the absolute effects of the changes that can trigger recalculation.
    pub cumulative_impact_kg: f64,
    pub impact_percent: f64,
    pub recalculate: bool,
    /// The decision in words, as a message value.
    #[serde(deserialize_with = "explanation_or_legacy")]
    pub explanation: RecalculationMessage,
}

/// Why the base year is or is not recalculated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RecalculationMessage {
    /// Structural, method, factor and error changes move the base year by `impact_percent` against the threshold.
    Assessed { impact_percent: f64, threshold_percent: f64, recalculate: bool, n_organic_ignored: usize },
    /// A sentence stored by an earlier version.
    Legacy { text: String },
}

fn explanation_or_legacy<'de, D: Deserializer<'de>>(deserializer: D) -> Result<RecalculationMessage, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Coded(RecalculationMessage),
        Text(String),
    }
    Ok(match Stored::deserialize(deserializer)? {
        Stored::Coded(message) => message,
        Stored::Text(text) => RecalculationMessage::Legacy { text },
    })
}

/// Decide whether the base year must be recalculated.
pub fn assess_recalculation(
    base_total_kg: f64,
    threshold_percent: f64,
    changes: &[BaseYearChange],
) -> RecalculationAssessment {
    let cumulative_impact_kg: f64 = changes
        .iter()
        .filter(|change| change.kind != ChangeKind::OrganicGrowth)
        .map(|change| change.impact_kg.abs())
        .sum::<f64>()
        + 0.0; // An empty sum is -0.0.
    let n_organic = changes.iter().filter(|change| change.kind == ChangeKind::OrganicGrowth).count();
    let impact_percent = if base_total_kg > 0.0 { cumulative_impact_kg / base_total_kg * 100.0 } else { 0.0 };
    let recalculate = cumulative_impact_kg > 0.0 && impact_percent >= threshold_percent;
    let explanation =
        RecalculationMessage::Assessed { impact_percent, threshold_percent, recalculate, n_organic_ignored: n_organic };
    RecalculationAssessment { threshold_percent, cumulative_impact_kg, impact_percent, recalculate, explanation }
}

/// Base year against the current year, both under today's boundary and GWP set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaseYearComparison {
    pub policy: BaseYearPolicy,
    /// Each base year's inventory total (location-based), kg CO2e.
    pub years: Vec<(i16, f64)>,
    pub base_scope1_kg: f64,
    pub base_scope2_location_kg: f64,
    pub base_scope3_kg: f64,
    pub base_total_location_kg: f64,
    pub current_total_location_kg: f64,
    /// (current − base) / base × 100.
    pub change_percent: Option<f64>,
    /// Whether each base year's total counts every record (`None` in comparisons stored before this was kept).
    #[serde(default)]
    pub years_completeness: Option<Vec<(i16, Completeness)>>,
    /// Whether the current year's total counts every record (`None` likewise).
    #[serde(default)]
    pub current_completeness: Option<Completeness>,
}

impl BaseYearComparison {
    /// The base years whose totals leave records out, with their completeness.
    pub fn incomplete_base_years(&self) -> Vec<(i16, &Completeness)> {
        self.years_completeness
            .iter()
            .flatten()
            .filter(|(_, completeness)| !completeness.is_complete())
            .map(|(year, completeness)| (*year, completeness))
            .collect()
    }

    /// Whether both sides of "change since base year" count every record: `None` when that was not recorded.
    pub fn both_sides_complete(&self) -> Option<bool> {
        let current = self.current_completeness.as_ref()?.is_complete();
        let years = self.years_completeness.as_ref()?;
        Some(current && years.iter().all(|(_, completeness)| completeness.is_complete()))
    }
}

/// Recompute the base year(s) from the same records with today's facilities and boundary approach.
pub fn compare_with_base_year(
    current: &InventoryInput,
    current_inventory: &Inventory,
    policy: &BaseYearPolicy,
    reference: Reference<'_>,
) -> BaseYearComparison {
    let base_years: Vec<(i16, Totals)> = policy
        .years()
        .into_iter()
        .filter_map(|year| {
            let (start, end) = base_year_period(year)?;
            let input = InventoryInput { period_start: start, period_end: end, ..current.clone() };
            Some((year, calculate(&input, reference).totals))
        })
        .collect();
    compare_with_base_totals(policy, &base_years, &current_inventory.totals)
}

/// The first and last day of a base year (`None` for a year the calendar cannot hold).
pub fn base_year_period(year: i16) -> Option<(jiff::civil::Date, jiff::civil::Date)> {
    Some((jiff::civil::Date::new(year, 1, 1).ok()?, jiff::civil::Date::new(year, 12, 31).ok()?))
}

/// The comparison from the totals of each base year under today's boundary, however they were calculated (in
/// memory by [`compare_with_base_year`], or streamed beside the reporting year from a large file).
pub fn compare_with_base_totals(
    policy: &BaseYearPolicy,
    base_years: &[(i16, Totals)],
    current_totals: &Totals,
) -> BaseYearComparison {
    let mut years = Vec::new();
    let mut years_completeness = Vec::new();
    let (mut scope1, mut scope2, mut scope3) = (0.0, 0.0, 0.0);
    for (year, totals) in base_years {
        scope1 += totals.scope1_kg;
        scope2 += totals.scope2_location_kg;
        scope3 += totals.scope3_kg;
        years.push((*year, totals.total_location_kg));
        years_completeness.push((*year, totals.completeness.clone()));
    }
    let n_years = policy.years().len().max(1) as f64;
    let base_total = (scope1 + scope2 + scope3) / n_years;
    let current_total = current_totals.total_location_kg;
    BaseYearComparison {
        policy: policy.clone(),
        years,
        base_scope1_kg: scope1 / n_years,
        base_scope2_location_kg: scope2 / n_years,
        base_scope3_kg: scope3 / n_years,
        base_total_location_kg: base_total,
        current_total_location_kg: current_total,
        change_percent: (base_total > 0.0).then(|| (current_total - base_total) / base_total * 100.0),
        years_completeness: Some(years_completeness),
        current_completeness: Some(current_totals.completeness.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(kind: ChangeKind, impact_kg: f64) -> BaseYearChange {
        BaseYearChange { kind, description: String::new(), impact_kg }
    }

    #[test]
    fn organic_growth_never_triggers_recalculation() {
        let assessment = assess_recalculation(1000.0, 5.0, &[change(ChangeKind::OrganicGrowth, 500.0)]);
        assert!(!assessment.recalculate);
        assert!(matches!(assessment.explanation, RecalculationMessage::Assessed { n_organic_ignored: 1, .. }));
    }

    #[test]
    fn structural_change_above_threshold_triggers() {
        assert!(assess_recalculation(1000.0, 5.0, &[change(ChangeKind::Structural, -60.0)]).recalculate);
        assert!(!assess_recalculation(1000.0, 5.0, &[change(ChangeKind::FactorChange, 40.0)]).recalculate);
        // Cumulative: two small changes together cross the threshold.
        assert!(
            assess_recalculation(
                1000.0,
                5.0,
                &[change(ChangeKind::FactorChange, 30.0), change(ChangeKind::Methodology, 25.0)]
            )
            .recalculate
        );
    }
}
