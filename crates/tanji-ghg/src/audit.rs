//! The audit of a bundled factor table against its source: every value of every gas the published table gives,
//! transcribed with its location in `data/sources/<table>.values.csv`, must be in the bundled record with the same
//! value, and the record must hold no gas the source does not give.
//!
//! A values file has one row per published value:
//!
//! | column | meaning |
//! |---|---|
//! | `id` | the bundled factor id (its latest version is audited) |
//! | `gas` | `CO2`, `CH4`, `N2O` (gas masses), `CO2e` (published total), `biogenic_CO2`, `CO2e_CH4`, `CO2e_N2O` (a gas's CO2e share of the total) |
//! | `published` | the number exactly as the source prints it |
//! | `published_unit` | the source's unit, e.g. `g CH4 per mmBtu` |
//! | `to_bundled` | the factor from the published unit to the bundled column's unit (`0.001` for g → kg) |
//! | `location` | where the number is: document, table or sheet, row, cell |

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Deserialize;

use crate::factor::EmissionFactor;
use crate::gas::Gas;

/// Which value of a factor a source row gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceGas {
    Co2,
    Ch4,
    N2o,
    Co2e,
    BiogenicCo2,
    Co2eOfCh4,
    Co2eOfN2o,
}

impl SourceGas {
    pub const ALL: [SourceGas; 7] = [
        SourceGas::Co2,
        SourceGas::Ch4,
        SourceGas::N2o,
        SourceGas::Co2e,
        SourceGas::BiogenicCo2,
        SourceGas::Co2eOfCh4,
        SourceGas::Co2eOfN2o,
    ];

    /// The name used in values files.
    pub fn key(self) -> &'static str {
        match self {
            SourceGas::Co2 => "CO2",
            SourceGas::Ch4 => "CH4",
            SourceGas::N2o => "N2O",
            SourceGas::Co2e => "CO2e",
            SourceGas::BiogenicCo2 => "biogenic_CO2",
            SourceGas::Co2eOfCh4 => "CO2e_CH4",
            SourceGas::Co2eOfN2o => "CO2e_N2O",
        }
    }

    pub fn parse(text: &str) -> Option<SourceGas> {
        SourceGas::ALL.into_iter().find(|gas| gas.key() == text.trim())
    }

    /// The factor's value for this gas, in the bundled unit, if it has one.
    pub fn value_in(self, factor: &EmissionFactor) -> Option<f64> {
        let share = |gas: &str| factor.published_co2e.as_ref().and_then(|published| published.of(gas));
        match self {
            SourceGas::Co2 => factor.rate_of(Gas::CO2),
            SourceGas::Ch4 => factor.rate_of(Gas::CH4),
            SourceGas::N2o => factor.rate_of(Gas::N2O),
            SourceGas::Co2e => factor.published_co2e.as_ref().map(|published| published.kg_per_unit),
            SourceGas::BiogenicCo2 => factor.biogenic_co2_kg_per_unit,
            SourceGas::Co2eOfCh4 => share(Gas::CH4),
            SourceGas::Co2eOfN2o => share(Gas::N2O),
        }
    }
}

impl fmt::Display for SourceGas {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.key())
    }
}

/// One published value, as transcribed.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceValue {
    pub id: String,
    pub gas: SourceGas,
    pub published: f64,
    pub published_unit: String,
    pub to_bundled: f64,
    pub location: String,
    /// The row in the values file (header = 1).
    pub row: usize,
}

impl SourceValue {
    /// The value in the bundled column's unit.
    pub fn expected(&self) -> f64 {
        self.published * self.to_bundled
    }
}

/// What the audit found wrong. These are for the people who maintain the data (test output), not for users.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AuditProblem {
    #[error("{file} row {row}: {problem}")]
    BadRow { file: String, row: usize, problem: String },
    #[error("{file} row {row}: no bundled factor {id} in the audited table")]
    UnknownFactor { file: String, row: usize, id: String },
    #[error("{id}: no source values listed, so the record is not audited")]
    NotAudited { id: String },
    #[error("{id}: the source gives {gas} ({location}) but the bundled record has none")]
    MissingGas { id: String, gas: SourceGas, location: String },
    #[error("{id}: the bundled record has {gas} = {bundled}, which the source values do not list")]
    UnlistedGas { id: String, gas: SourceGas, bundled: f64 },
    #[error("{id}: {gas} is {bundled} in the bundle but {expected} from the source ({location})")]
    ValueDiffers { id: String, gas: SourceGas, bundled: f64, expected: f64, location: String },
    #[error("{file} row {row}: {id} {gas} is listed twice")]
    Duplicate { file: String, row: usize, id: String, gas: SourceGas },
}

#[derive(Debug, Deserialize)]
struct ValueRow {
    id: String,
    gas: String,
    published: String,
    published_unit: String,
    to_bundled: String,
    location: String,
}

/// Parses a values file. Every row is checked; all problems are returned together.
pub fn parse_source_values(file: &str, text: &str) -> Result<Vec<SourceValue>, Vec<AuditProblem>> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut values = Vec::new();
    let mut problems = Vec::new();
    for (index, row) in reader.deserialize::<ValueRow>().enumerate() {
        let row_number = index + 2;
        let bad = |problem: String| AuditProblem::BadRow { file: file.to_owned(), row: row_number, problem };
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                problems.push(bad(error.to_string()));
                continue;
            }
        };
        let Some(gas) = SourceGas::parse(&row.gas) else {
            problems.push(bad(format!("unknown gas “{}”", row.gas)));
            continue;
        };
        let (Ok(published), Ok(to_bundled)) = (row.published.parse::<f64>(), row.to_bundled.parse::<f64>()) else {
            problems.push(bad("published and to_bundled must be numbers".to_owned()));
            continue;
        };
        if row.location.is_empty() || row.published_unit.is_empty() {
            problems.push(bad("every value needs its published unit and its location in the source".to_owned()));
            continue;
        }
        values.push(SourceValue {
            id: row.id,
            gas,
            published,
            published_unit: row.published_unit,
            to_bundled,
            location: row.location,
            row: row_number,
        });
    }
    if problems.is_empty() { Ok(values) } else { Err(problems) }
}

/// Audits the latest version of every factor in `factors` (one bundled table) against `values`: every record is
/// listed, every listed gas is present with the listed value (relative tolerance 1e-9, for the decimal point moves),
/// and no record holds a gas the source does not give.
pub fn audit_table(values_file: &str, factors: &[EmissionFactor], values: &[SourceValue]) -> Vec<AuditProblem> {
    let mut latest: BTreeMap<&str, &EmissionFactor> = BTreeMap::new();
    for factor in factors {
        let entry = latest.entry(factor.id.as_str()).or_insert(factor);
        if factor.version > entry.version {
            *entry = factor;
        }
    }
    let mut problems = Vec::new();
    let mut listed: BTreeMap<&str, BTreeSet<SourceGas>> = BTreeMap::new();
    for value in values {
        let Some(factor) = latest.get(value.id.as_str()) else {
            problems.push(AuditProblem::UnknownFactor {
                file: values_file.to_owned(),
                row: value.row,
                id: value.id.clone(),
            });
            continue;
        };
        if !listed.entry(factor.id.as_str()).or_default().insert(value.gas) {
            problems.push(AuditProblem::Duplicate {
                file: values_file.to_owned(),
                row: value.row,
                id: value.id.clone(),
                gas: value.gas,
            });
            continue;
        }
        let expected = value.expected();
        match value.gas.value_in(factor) {
            None => problems.push(AuditProblem::MissingGas {
                id: factor.id.clone(),
                gas: value.gas,
                location: value.location.clone(),
            }),
            Some(bundled) if (bundled - expected).abs() > 1e-9 * expected.abs().max(1e-12) => {
                problems.push(AuditProblem::ValueDiffers {
                    id: factor.id.clone(),
                    gas: value.gas,
                    bundled,
                    expected,
                    location: value.location.clone(),
                });
            }
            Some(_) => {}
        }
    }
    for (id, factor) in &latest {
        let Some(gases) = listed.get(id) else {
            problems.push(AuditProblem::NotAudited { id: (*id).to_owned() });
            continue;
        };
        for gas in SourceGas::ALL {
            if let Some(bundled) = gas.value_in(factor).filter(|_| !gases.contains(&gas)) {
                problems.push(AuditProblem::UnlistedGas { id: (*id).to_owned(), gas, bundled });
            }
        }
    }
    problems
}
