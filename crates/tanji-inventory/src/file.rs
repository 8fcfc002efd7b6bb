//! The inventory file (`docs/inventory-file.md`): a TOML document that states the organisation, reporting year,
//! GWP set, boundary and facilities, and holds activity rows inline or names a CSV of them. Parsing is pure; the
//! caller reads the files the document names.

use serde::{Deserialize, Serialize};
use tanji_ghg::GwpSet;

use crate::base_year::{BaseYearChange, BaseYearPolicy};
use crate::import::{ActivityRow, RowError, RowProblem};
use crate::model::{ConsolidationApproach, FacilityBoundary, Fraction};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct FileDocument {
    organisation: String,
    reporting_year: i16,
    #[serde(default)]
    gwp: Option<String>,
    consolidation: String,
    #[serde(default)]
    base_year: Option<BaseYearSection>,
    #[serde(default)]
    facilities: Vec<FacilitySection>,
    #[serde(default)]
    activities_csv: Option<String>,
    #[serde(default)]
    factors_csv: Option<String>,
    #[serde(default)]
    activities: Vec<ActivityRow>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct BaseYearSection {
    #[serde(default)]
    year: Option<i16>,
    #[serde(default)]
    years: Vec<i16>,
    #[serde(default = "default_threshold")]
    significance_threshold_percent: f64,
    #[serde(default)]
    changes: Vec<BaseYearChange>,
}

fn default_threshold() -> f64 {
    5.0
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct FacilitySection {
    key: String,
    #[serde(default)]
    name: String,
    #[serde(default = "hundred")]
    equity_share_percent: f64,
    #[serde(default = "yes")]
    financial_control: bool,
    #[serde(default = "yes")]
    operational_control: bool,
}

fn hundred() -> f64 {
    100.0
}

fn yes() -> bool {
    true
}

/// A parsed inventory file, before its activity CSV (if any) is read.
#[derive(Debug, Clone, PartialEq)]
pub struct InventoryFile {
    pub organisation: String,
    pub reporting_year: i16,
    /// The set stated in the file; `None` when the file leaves it to the caller (`--gwp`).
    pub gwp_set: Option<GwpSet>,
    pub consolidation: ConsolidationApproach,
    pub base_year: Option<BaseYearPolicy>,
    pub significance_threshold_percent: f64,
    pub base_year_changes: Vec<BaseYearChange>,
    pub facilities: Vec<FacilityBoundary>,
    /// Path (relative to the file) of an activity CSV.
    pub activities_csv: Option<String>,
    /// Path (relative to the file) of the organisation's own factors (the bundled factor-file format).
    pub factors_csv: Option<String>,
    /// Inline `[[activities]]` rows with their 1-based position.
    pub inline_activities: Vec<ActivityRow>,
}

impl InventoryFile {
    /// Parse the TOML text. Errors name the file and, for TOML syntax errors, the line.
    pub fn parse(file: &str, text: &str) -> Result<InventoryFile, Vec<RowError>> {
        let document: FileDocument = toml::from_str(text).map_err(|error| {
            let row = error.span().map(|span| text[..span.start].matches('\n').count() + 1).unwrap_or(0);
            vec![RowError::of(file, row, "", toml_problem(error.message()))]
        })?;
        let mut errors = Vec::new();
        let mut error = |column: &str, problem: RowProblem| errors.push(RowError::of(file, 0, column, problem));
        let gwp_set = match &document.gwp {
            Some(text) => match text.parse::<GwpSet>() {
                Ok(set) => Some(set),
                Err(_) => {
                    error("gwp", RowProblem::UnknownGwpSet { text: text.clone() });
                    None
                }
            },
            None => None,
        };
        let consolidation = ConsolidationApproach::parse(&document.consolidation);
        if consolidation.is_none() {
            error("consolidation", RowProblem::NotAConsolidationApproach { text: document.consolidation.clone() });
        }
        let mut facilities = Vec::new();
        for facility in &document.facilities {
            match Fraction::from_percent(facility.equity_share_percent) {
                Some(equity_share) => facilities.push(FacilityBoundary {
                    key: facility.key.clone(),
                    name: if facility.name.is_empty() { facility.key.clone() } else { facility.name.clone() },
                    equity_share,
                    financial_control: facility.financial_control,
                    operational_control: facility.operational_control,
                }),
                None => error(
                    "facilities.equity_share_percent",
                    RowProblem::NotAPercentage { facility: facility.key.clone(), value: facility.equity_share_percent },
                ),
            }
        }
        if document.facilities.is_empty() {
            error("facilities", RowProblem::NoFacilities);
        }
        let (base_year, significance_threshold_percent, base_year_changes) = match document.base_year {
            Some(section) => {
                let policy = match (section.year, section.years.is_empty()) {
                    (Some(year), true) => Some(BaseYearPolicy::Fixed(year)),
                    (None, false) => Some(BaseYearPolicy::Average(section.years)),
                    _ => {
                        error("base_year", RowProblem::BaseYearAmbiguous);
                        None
                    }
                };
                (policy, section.significance_threshold_percent, section.changes)
            }
            None => (None, default_threshold(), Vec::new()),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(InventoryFile {
            organisation: document.organisation,
            reporting_year: document.reporting_year,
            gwp_set,
            consolidation: consolidation.expect("checked above"),
            base_year,
            significance_threshold_percent,
            base_year_changes,
            facilities,
            activities_csv: document.activities_csv,
            factors_csv: document.factors_csv,
            inline_activities: document.activities,
        })
    }
}

/// The TOML reader's problem as a message value. Its messages are English sentences of a few known shapes (serde's
/// "missing field `x`", "unknown field `x`, expected one of …", "invalid type: …"); the key is kept, the words are not.
fn toml_problem(message: &str) -> RowProblem {
    let quoted = |text: &str| text.split('`').nth(1).map(str::to_owned);
    let message = message.trim();
    if message.starts_with("missing field")
        && let Some(key) = quoted(message)
    {
        return RowProblem::TomlMissingKey { key };
    }
    if message.starts_with("unknown field")
        && let Some(key) = quoted(message)
    {
        return RowProblem::TomlUnknownKey { key };
    }
    RowProblem::TomlInvalid
}
