//! Problems in a bundled or supplied table (an own factor file, a fuel-parameter file, the GWP and blend tables) as
//! message values: where (file, row, column) and what, with its parameters. `tanji-i18n` renders them with their fix
//! in the reader's language; nothing here builds a sentence for people.

use serde::Serialize;
use tanji_units::{Dimension, UnitError};

/// A problem in a bundled or supplied table, with its location.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}, row {row}, column {column}: {problem:?}")]
pub struct TableError {
    pub file: String,
    /// 1-based line as a spreadsheet shows it (the header is row 1); 0 for the file as a whole.
    pub row: usize,
    /// The column the problem is in; empty for the row as a whole.
    pub column: String,
    pub problem: TableProblem,
}

impl TableError {
    /// The problem `problem` at `file`, `row`, `column`.
    pub fn new(file: &str, row: usize, column: &str, problem: TableProblem) -> TableError {
        TableError { file: file.to_owned(), row, column: column.to_owned(), problem }
    }
}

/// What is wrong in a cell, a row or a header of a table: a code with parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum TableProblem {
    /// The header lacks a column that every row needs (the error's column names it).
    MissingColumn,
    /// A row has another number of cells than the header.
    CellCount { expected: usize, found: usize },
    /// The CSV structure cannot be read (a quote left open, say).
    CsvUnreadable,
    /// A required cell is empty (the fix depends on the column).
    Required,
    /// The cell is not a number.
    NotANumber { text: String },
    /// The number is negative, infinite or NaN where a rate or amount is expected.
    NotNonNegative { text: String },
    /// The id is not a lowercase slug of a–z, 0–9 and '-'.
    NotASlug { text: String },
    /// The version is not a whole number of 1 or more.
    NotAVersion { text: String },
    /// The category is not one of `FactorCategory::ALL`.
    UnknownCategory { text: String },
    /// The unit is not one tanji knows.
    UnknownUnit { text: String, suggestion: Option<String> },
    /// Two units measure different things, so one cannot be converted to the other.
    IncompatibleUnits { from: String, to: String, from_dimension: Dimension, to_dimension: Dimension },
    /// A published CO2e value without the GWP set it was computed with.
    GwpSetRequired,
    /// The GWP set is not SAR, AR4, AR5 or AR6.
    UnknownGwpSet { text: String },
    /// A gas's share of the CO2e (`ch4_co2e`, `n2o_co2e`) without the CO2e total it is a share of.
    GasShareWithoutTotal,
    /// A factor with none of co2, ch4, n2o, co2e or biogenic_co2.
    NoGas,
    /// The year is not four digits.
    NotAYear { text: String },
    /// The NCV unit is not energy per quantity (`GJ/t`).
    NotEnergyPerQuantity { text: String },
    /// An oxidation fraction above 1: a percentage written where a fraction is expected.
    OxidationAsPercentage { value: f64 },
    /// A blend component that is not a species of the GWP table.
    NotASpecies { text: String },
    /// The mass percentages of a blend's components do not add up to 100.
    BlendNotWhole { blend: String, percent: f64 },
}

impl TableProblem {
    /// The stable code, as the API's `code`.
    pub fn code(&self) -> &'static str {
        match self {
            TableProblem::MissingColumn => "missing_column",
            TableProblem::CellCount { .. } => "cell_count",
            TableProblem::CsvUnreadable => "csv_unreadable",
            TableProblem::Required => "required",
            TableProblem::NotANumber { .. } => "not_a_number",
            TableProblem::NotNonNegative { .. } => "not_non_negative",
            TableProblem::NotASlug { .. } => "not_a_slug",
            TableProblem::NotAVersion { .. } => "not_a_version",
            TableProblem::UnknownCategory { .. } => "unknown_category",
            TableProblem::UnknownUnit { .. } => "unknown_unit",
            TableProblem::IncompatibleUnits { .. } => "incompatible_units",
            TableProblem::GwpSetRequired => "gwp_set_required",
            TableProblem::UnknownGwpSet { .. } => "unknown_gwp_set",
            TableProblem::GasShareWithoutTotal => "gas_share_without_total",
            TableProblem::NoGas => "no_gas",
            TableProblem::NotAYear { .. } => "not_a_year",
            TableProblem::NotEnergyPerQuantity { .. } => "not_energy_per_quantity",
            TableProblem::OxidationAsPercentage { .. } => "oxidation_as_percentage",
            TableProblem::NotASpecies { .. } => "not_a_species",
            TableProblem::BlendNotWhole { .. } => "blend_not_whole",
        }
    }

    /// A unit the units crate refused, as a table problem.
    pub fn from_unit_error(error: UnitError, text: &str) -> TableProblem {
        match error {
            UnitError::Unknown { text, suggestion } => TableProblem::UnknownUnit { text, suggestion },
            UnitError::Incompatible { from, to, from_dimension, to_dimension } => {
                TableProblem::IncompatibleUnits { from, to, from_dimension, to_dimension }
            }
            // Unit parsing and conversion give only the two above; a quantity's errors name the text as given.
            _ => TableProblem::UnknownUnit { text: text.to_owned(), suggestion: None },
        }
    }

    /// A row the CSV reader could not read, as a table problem and the column it is in (empty for the whole row).
    pub fn from_csv_error(error: &csv::Error, headers: &csv::StringRecord) -> (String, TableProblem) {
        match error.kind() {
            csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                (String::new(), TableProblem::CellCount { expected: *expected_len as usize, found: *len as usize })
            }
            // Every column is read as text and checked by the caller, so a deserialisation error is a cell the
            // reader could not take at all.
            csv::ErrorKind::Deserialize { err, .. } => {
                let column = err
                    .field()
                    .and_then(|field_idx| headers.get(field_idx as usize))
                    .map(str::to_owned)
                    .unwrap_or_default();
                (column, TableProblem::CsvUnreadable)
            }
            _ => (String::new(), TableProblem::CsvUnreadable),
        }
    }
}

/// The columns of `required` that `headers` lacks, as one error each at row 1. An empty file (no header at all) is
/// not checked here: it has no rows, which the caller reports.
pub fn missing_columns(file: &str, headers: &csv::StringRecord, required: &[&str]) -> Vec<TableError> {
    if headers.iter().all(|header| header.trim().is_empty()) {
        return Vec::new();
    }
    required
        .iter()
        .filter(|column| !headers.iter().any(|header| header.trim() == **column))
        .map(|column| TableError::new(file, 1, column, TableProblem::MissingColumn))
        .collect()
}
