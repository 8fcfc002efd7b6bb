//! The uncertainty file of `tanji lca monte-carlo`: which exchanges of A and B vary and how, one CSV line per
//! exchange, in the terms of Brightway's `stats_arrays` (the same numbers as a `bw_processing` datapackage's
//! `*.distributions.npy`), so that one tool's uncertainty can be handed to the other. The format is documented in
//! docs/lca-uncertainty.md; this module reads it from text (the adapter reads the file) and joins it to the matrices.
//!
//! ```text
//! matrix,row,col,uncertainty_type,loc,scale,shape,minimum,maximum,negative
//! technosphere,2,1,2,-2.302585092994046,0.2,,,,true
//! biosphere,1,1,3,0.8,0.05,,,,false
//! ```
//! Rows and columns are 1-based, as in the Matrix Market files. An exchange of the matrices with no line is fixed.
//! Where a Matrix Market file lists several entries at one position (a production and an own use on A's diagonal),
//! the k-th line naming that position describes the k-th of those entries.

use std::collections::HashMap;

use crate::matrix_market::CoordinateMatrix;
use crate::monte_carlo::{MonteCarloError, UncertainSystem, fixed_exchanges};
use crate::system::MatrixName;
use crate::uncertainty::{Distribution, UncertaintyError};

/// The columns of the file, in the order written; `matrix`, `row`, `col` and `uncertainty_type` are required, the
/// parameters may be left empty where a distribution does not use them.
pub const COLUMNS: [&str; 10] =
    ["matrix", "row", "col", "uncertainty_type", "loc", "scale", "shape", "minimum", "maximum", "negative"];

/// A column of the file, for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Matrix,
    Row,
    Col,
    UncertaintyType,
    Loc,
    Scale,
    Shape,
    Minimum,
    Maximum,
    Negative,
    /// The line as a whole (e.g. a CSV syntax error).
    Line,
}

impl Field {
    /// The column's name in the header.
    pub fn name(self) -> &'static str {
        match self {
            Self::Matrix => "matrix",
            Self::Row => "row",
            Self::Col => "col",
            Self::UncertaintyType => "uncertainty_type",
            Self::Loc => "loc",
            Self::Scale => "scale",
            Self::Shape => "shape",
            Self::Minimum => "minimum",
            Self::Maximum => "maximum",
            Self::Negative => "negative",
            Self::Line => "line",
        }
    }
}

/// What is wrong with one field of the file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
// Not `non_exhaustive`: tanji-i18n says every variant (with a fix), so a new one without its texts does not compile.
pub enum UncertaintyFileProblem {
    /// The header lacks a required column.
    #[error("the header has no `{}` column", .0.name())]
    MissingColumn(Field),
    /// The line has another number of cells than the header.
    #[error("the line has {found} cells where the header has {expected}")]
    CellCount { expected: u64, found: u64 },
    /// The line is not valid CSV for another reason.
    #[error("the line is not valid CSV")]
    Malformed,
    /// The matrix is neither technosphere (A) nor biosphere (B).
    #[error("unknown matrix “{found}”: expected technosphere (or A) or biosphere (or B)")]
    UnknownMatrix { found: String },
    /// A row or column is not a whole number from 1.
    #[error("“{found}” is not a 1-based index (a whole number from 1)")]
    NotAnIndex { found: String },
    /// A parameter is not a number.
    #[error("“{found}” is not a number")]
    NotANumber { found: String },
    /// `negative` is not true or false.
    #[error("“{found}” is not true or false")]
    NotABoolean { found: String },
    /// The row or column lies outside the matrix.
    #[error("{index} is outside the matrix, which has {size} (1-based)")]
    OutOfRange { index: usize, size: usize },
    /// The matrix has no entry at this position (or fewer entries there than lines name it).
    #[error("the matrix has no entry at ({row}, {col}) for this line")]
    NoEntry { row: usize, col: usize },
    /// A `stats_arrays` uncertainty type this version does not sample.
    #[error(
        "uncertainty type {found} is not supported: use 0 or 1 (none), 2 (lognormal), 3 (normal), 4 (uniform) \
             or 5 (triangular)"
    )]
    UnknownDistribution { found: String },
    /// A parameter the distribution needs is empty.
    #[error("the distribution needs this parameter, but it is empty")]
    MissingParameter,
    /// A lognormal's `loc` is not ln |amount| of its entry (tanji centres every distribution on the amount).
    #[error("a lognormal's loc must be ln |amount| = {expected}, but it is {found}")]
    LocNotLnAmount { found: f64, expected: f64 },
    /// A normal's or triangular's `loc` is not the amount of its entry.
    #[error("loc must be the amount of the entry, {expected}, but it is {found}")]
    LocNotAmount { found: f64, expected: f64 },
    /// The lognormal's `negative` flag contradicts the sign of the amount.
    #[error("negative is {found} but the amount is {amount}")]
    SignMismatch { found: bool, amount: f64 },
    /// The parameters do not fit the amount (e.g. a negative standard deviation).
    #[error("{0}")]
    Distribution(UncertaintyError),
}

/// An error in the uncertainty file: the line (1-based, the header is line 1), the column, and what is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}, column {}: {problem}", .field.name())]
pub struct UncertaintyFileError {
    pub line: usize,
    pub field: Field,
    pub problem: UncertaintyFileProblem,
}

/// One line of the file, parsed but not yet joined to the matrices.
#[derive(Clone, Debug, PartialEq)]
pub struct UncertaintyLine {
    /// 1-based line of the file.
    pub line: usize,
    pub matrix: MatrixName,
    /// 0-based.
    pub row_idx: usize,
    pub col_idx: usize,
    pub parameters: StatsArrays,
}

/// One distribution as `stats_arrays` stores it (empty fields are `None`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StatsArrays {
    pub uncertainty_type: u8,
    pub loc: Option<f64>,
    pub scale: Option<f64>,
    pub shape: Option<f64>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub negative: bool,
}

/// The largest relative difference accepted between `loc` and what tanji derives from the amount: the files other
/// tools write round ln |amount| to 15 or 16 digits.
const LOC_TOLERANCE: f64 = 1e-9;

impl StatsArrays {
    /// The `stats_arrays` parameters of a distribution around `amount` (the inverse of
    /// [`StatsArrays::distribution`]).
    pub fn of(distribution: Distribution, amount: f64) -> Self {
        let none = Self {
            uncertainty_type: 0,
            loc: None,
            scale: None,
            shape: None,
            minimum: None,
            maximum: None,
            negative: false,
        };
        match distribution {
            Distribution::Fixed => none,
            Distribution::Lognormal { geometric_sd } => Self {
                uncertainty_type: 2,
                loc: Some(amount.abs().ln()),
                scale: Some(geometric_sd.ln()),
                negative: amount < 0.0,
                ..none
            },
            Distribution::Normal { sd } => Self { uncertainty_type: 3, loc: Some(amount), scale: Some(sd), ..none },
            Distribution::Uniform { min, max } => {
                Self { uncertainty_type: 4, minimum: Some(min), maximum: Some(max), ..none }
            }
            Distribution::Triangular { min, mode, max } => {
                Self { uncertainty_type: 5, loc: Some(mode), minimum: Some(min), maximum: Some(max), ..none }
            }
        }
    }

    /// The distribution around `amount`, in tanji's terms; `Err` names the field at fault.
    pub fn distribution(&self, amount: f64) -> Result<Distribution, (Field, UncertaintyFileProblem)> {
        let needed = |value: Option<f64>, field: Field| value.ok_or((field, UncertaintyFileProblem::MissingParameter));
        let same = |found: f64, expected: f64| (found - expected).abs() <= LOC_TOLERANCE * expected.abs().max(1.0);
        let distribution = match self.uncertainty_type {
            0 | 1 => Distribution::Fixed,
            2 => {
                let scale = needed(self.scale, Field::Scale)?;
                if let Some(loc) = self.loc
                    && amount != 0.0
                    && !same(loc, amount.abs().ln())
                {
                    return Err((
                        Field::Loc,
                        UncertaintyFileProblem::LocNotLnAmount { found: loc, expected: amount.abs().ln() },
                    ));
                }
                if amount != 0.0 && self.negative != (amount < 0.0) {
                    return Err((
                        Field::Negative,
                        UncertaintyFileProblem::SignMismatch { found: self.negative, amount },
                    ));
                }
                Distribution::Lognormal { geometric_sd: scale.exp() }
            }
            3 => {
                self.loc_is_amount(amount)?;
                let sd = needed(self.scale, Field::Scale)?;
                Distribution::Normal { sd }
            }
            4 => Distribution::Uniform {
                min: needed(self.minimum, Field::Minimum)?,
                max: needed(self.maximum, Field::Maximum)?,
            },
            5 => Distribution::Triangular {
                min: needed(self.minimum, Field::Minimum)?,
                mode: self.loc.unwrap_or(amount),
                max: needed(self.maximum, Field::Maximum)?,
            },
            other => {
                return Err((
                    Field::UncertaintyType,
                    UncertaintyFileProblem::UnknownDistribution { found: other.to_string() },
                ));
            }
        };
        distribution.check(amount).map_err(|error| (blame(&error), UncertaintyFileProblem::Distribution(error)))?;
        Ok(distribution)
    }

    fn loc_is_amount(&self, amount: f64) -> Result<(), (Field, UncertaintyFileProblem)> {
        match self.loc {
            Some(loc) if (loc - amount).abs() > LOC_TOLERANCE * amount.abs().max(f64::MIN_POSITIVE) => {
                Err((Field::Loc, UncertaintyFileProblem::LocNotAmount { found: loc, expected: amount }))
            }
            _ => Ok(()),
        }
    }
}

/// The column a distribution's own check blames.
fn blame(error: &UncertaintyError) -> Field {
    match error {
        UncertaintyError::GeometricSdBelowOne { .. } | UncertaintyError::NegativeSd { .. } => Field::Scale,
        UncertaintyError::LognormalOfZero => Field::UncertaintyType,
        UncertaintyError::ModeOutsideRange { .. } => Field::Loc,
        _ => Field::Minimum,
    }
}

impl UncertaintyFileProblem {
    /// A line the CSV reader refused. The text is UTF-8 already, so a wrong number of cells is what remains.
    fn from_csv_error(error: &csv::Error) -> UncertaintyFileProblem {
        match error.kind() {
            csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                UncertaintyFileProblem::CellCount { expected: *expected_len, found: *len }
            }
            _ => UncertaintyFileProblem::Malformed,
        }
    }
}

/// Read the file's text into lines; nothing is joined to the matrices yet.
pub fn parse(text: &str) -> Result<Vec<UncertaintyLine>, UncertaintyFileError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|error| UncertaintyFileError {
            line: 1,
            field: Field::Line,
            problem: UncertaintyFileProblem::from_csv_error(&error),
        })?
        .clone();
    let position = |name: &str| header.iter().position(|column| column.eq_ignore_ascii_case(name));
    let required = |field: Field| {
        position(field.name()).ok_or(UncertaintyFileError {
            line: 1,
            field,
            problem: UncertaintyFileProblem::MissingColumn(field),
        })
    };
    let (matrix_at, row_at, col_at, type_at) =
        (required(Field::Matrix)?, required(Field::Row)?, required(Field::Col)?, required(Field::UncertaintyType)?);
    let optional =
        [Field::Loc, Field::Scale, Field::Shape, Field::Minimum, Field::Maximum].map(|field| position(field.name()));
    let negative_at = position(Field::Negative.name());

    // One record reused for every line: a system has hundreds of thousands of uncertain exchanges, and a record
    // allocated per line was most of the reading time.
    let mut lines = Vec::with_capacity(text.len() / 40);
    let mut record = csv::StringRecord::new();
    loop {
        let more = reader.read_record(&mut record).map_err(|error| UncertaintyFileError {
            line: error.position().map_or(0, |position| position.line() as usize),
            field: Field::Line,
            problem: UncertaintyFileProblem::from_csv_error(&error),
        })?;
        if !more {
            break;
        }
        let line = record.position().map_or(0, |position| position.line() as usize);
        let fail = |field: Field, problem: UncertaintyFileProblem| UncertaintyFileError { line, field, problem };
        let text_of = |at: Option<usize>| at.and_then(|at| record.get(at)).unwrap_or("");
        let matrix_text = text_of(Some(matrix_at));
        let is = |names: [&str; 3]| names.iter().any(|name| matrix_text.eq_ignore_ascii_case(name));
        let matrix = if is(["technosphere", "a", "technosphere_matrix"]) {
            MatrixName::Technosphere
        } else if is(["biosphere", "b", "biosphere_matrix"]) {
            MatrixName::Biosphere
        } else {
            let found = matrix_text.to_ascii_lowercase();
            return Err(fail(Field::Matrix, UncertaintyFileProblem::UnknownMatrix { found }));
        };
        let index = |field: Field, at: usize| -> Result<usize, UncertaintyFileError> {
            let found = text_of(Some(at));
            match found.parse::<usize>() {
                Ok(index) if index >= 1 => Ok(index - 1),
                _ => Err(fail(field, UncertaintyFileProblem::NotAnIndex { found: found.to_owned() })),
            }
        };
        let row_idx = index(Field::Row, row_at)?;
        let col_idx = index(Field::Col, col_at)?;
        let type_text = text_of(Some(type_at));
        let uncertainty_type = type_text.parse::<u8>().map_err(|_| {
            fail(Field::UncertaintyType, UncertaintyFileProblem::UnknownDistribution { found: type_text.to_owned() })
        })?;
        let number = |field: Field, at: Option<usize>| -> Result<Option<f64>, UncertaintyFileError> {
            let found = text_of(at);
            if found.is_empty() || found.eq_ignore_ascii_case("nan") {
                return Ok(None);
            }
            found
                .parse::<f64>()
                .map(Some)
                .map_err(|_| fail(field, UncertaintyFileProblem::NotANumber { found: found.to_owned() }))
        };
        let [loc, scale, shape, minimum, maximum] = optional;
        let negative_text = text_of(negative_at);
        let negative = if ["", "false", "0"].iter().any(|name| negative_text.eq_ignore_ascii_case(name)) {
            false
        } else if ["true", "1"].iter().any(|name| negative_text.eq_ignore_ascii_case(name)) {
            true
        } else {
            let found = negative_text.to_ascii_lowercase();
            return Err(fail(Field::Negative, UncertaintyFileProblem::NotABoolean { found }));
        };
        lines.push(UncertaintyLine {
            line,
            matrix,
            row_idx,
            col_idx,
            parameters: StatsArrays {
                uncertainty_type,
                loc: number(Field::Loc, loc)?,
                scale: number(Field::Scale, scale)?,
                shape: number(Field::Shape, shape)?,
                minimum: number(Field::Minimum, minimum)?,
                maximum: number(Field::Maximum, maximum)?,
                negative,
            },
        });
    }
    Ok(lines)
}

/// Why matrices and an uncertainty file do not make an uncertain system.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum JoinError {
    /// A line of the uncertainty file does not fit the matrices.
    #[error(transparent)]
    File(#[from] UncertaintyFileError),
    /// The matrices themselves do not make a system.
    #[error(transparent)]
    MonteCarlo(#[from] MonteCarloError),
}

/// The entries of a matrix by position, for lines to claim in file order: the first entry of each position that no
/// line has claimed yet, and for each entry the next one at the same position. A chain through one array rather
/// than a list per position, because nearly every position holds one entry and a system has hundreds of thousands.
struct Slots {
    next_unclaimed: HashMap<(usize, usize), Option<usize>>,
    next_at_same_position: Vec<Option<usize>>,
}

impl Slots {
    fn of(matrix: &CoordinateMatrix) -> Slots {
        let mut next_unclaimed = HashMap::with_capacity(matrix.entries.len());
        let mut next_at_same_position = vec![None; matrix.entries.len()];
        // From the last entry back, so that each position starts at its first entry in file order.
        for (entry_idx, entry) in matrix.entries.iter().enumerate().rev() {
            next_at_same_position[entry_idx] =
                next_unclaimed.insert((entry.row_idx, entry.col_idx), Some(entry_idx)).flatten();
        }
        Slots { next_unclaimed, next_at_same_position }
    }

    /// The first unclaimed entry at (`row_idx`, `col_idx`), now claimed; `None` if there is none (left).
    fn claim(&mut self, row_idx: usize, col_idx: usize) -> Option<usize> {
        let slot = self.next_unclaimed.get_mut(&(row_idx, col_idx))?;
        let entry_idx = (*slot)?;
        *slot = self.next_at_same_position[entry_idx];
        Some(entry_idx)
    }
}

/// Join the matrices (as read from Matrix Market files) and the uncertainty lines into an uncertain system.
pub fn uncertain_system(
    technosphere: &CoordinateMatrix,
    biosphere: &CoordinateMatrix,
    characterization: &CoordinateMatrix,
    lines: &[UncertaintyLine],
) -> Result<UncertainSystem, JoinError> {
    let mut exchanges = [fixed_exchanges(&technosphere.entries), fixed_exchanges(&biosphere.entries)];
    let sizes = [(technosphere.n_rows, technosphere.n_cols), (biosphere.n_rows, biosphere.n_cols)];
    let mut slots = [Slots::of(technosphere), Slots::of(biosphere)];
    for line in lines {
        let fail =
            |field: Field, problem: UncertaintyFileProblem| UncertaintyFileError { line: line.line, field, problem };
        let matrix_idx = match line.matrix {
            MatrixName::Technosphere => 0,
            _ => 1,
        };
        let (n_rows, n_cols) = sizes[matrix_idx];
        if line.row_idx >= n_rows {
            return Err(
                fail(Field::Row, UncertaintyFileProblem::OutOfRange { index: line.row_idx + 1, size: n_rows }).into()
            );
        }
        if line.col_idx >= n_cols {
            return Err(
                fail(Field::Col, UncertaintyFileProblem::OutOfRange { index: line.col_idx + 1, size: n_cols }).into()
            );
        }
        let no_entry =
            || fail(Field::Line, UncertaintyFileProblem::NoEntry { row: line.row_idx + 1, col: line.col_idx + 1 });
        let entry_idx = slots[matrix_idx].claim(line.row_idx, line.col_idx).ok_or_else(no_entry)?;
        let exchange = &mut exchanges[matrix_idx][entry_idx];
        exchange.distribution =
            line.parameters.distribution(exchange.amount).map_err(|(field, problem)| fail(field, problem))?;
    }
    let [technosphere_exchanges, biosphere_exchanges] = exchanges;
    let system =
        crate::System::from_matrices(technosphere, biosphere, characterization).map_err(MonteCarloError::from)?;
    Ok(UncertainSystem::new(
        system.n_processes(),
        system.n_flows(),
        technosphere_exchanges,
        biosphere_exchanges,
        system.characterization().to_vec(),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix_market::Entry;

    fn matrices() -> (CoordinateMatrix, CoordinateMatrix, CoordinateMatrix) {
        let entry = |row_idx, col_idx, value| Entry { row_idx, col_idx, value };
        let technosphere = CoordinateMatrix {
            n_rows: 2,
            n_cols: 2,
            entries: vec![entry(0, 0, 1.0), entry(0, 0, -0.1), entry(1, 0, -0.3), entry(1, 1, 1.0)],
        };
        let biosphere = CoordinateMatrix { n_rows: 1, n_cols: 2, entries: vec![entry(0, 0, 0.8), entry(0, 1, 0.01)] };
        let characterization = CoordinateMatrix { n_rows: 1, n_cols: 1, entries: vec![entry(0, 0, 1.0)] };
        (technosphere, biosphere, characterization)
    }

    fn join(text: &str) -> Result<UncertainSystem, JoinError> {
        let (technosphere, biosphere, characterization) = matrices();
        let lines = parse(text)?;
        uncertain_system(&technosphere, &biosphere, &characterization, &lines)
    }

    fn file_error(text: &str) -> UncertaintyFileError {
        match join(text) {
            Err(JoinError::File(error)) => error,
            other => panic!("expected a file error, got {other:?}"),
        }
    }

    const HEADER: &str = "matrix,row,col,uncertainty_type,loc,scale,shape,minimum,maximum,negative\n";

    #[test]
    fn lines_become_distributions_of_their_entries_in_file_order() {
        let text = format!(
            "{HEADER}technosphere,2,1,2,{},0.2,,,,true\nA,1,1,1,,,,,,\nA,1,1,3,-0.1,0.01,,,,false\nbiosphere,1,2,4,,,,0.005,0.02,\n",
            0.3_f64.ln()
        );
        let system = join(&text).expect("a valid file");
        let technosphere = system.technosphere();
        assert_eq!(technosphere[2].distribution, Distribution::Lognormal { geometric_sd: 0.2_f64.exp() });
        // The two diagonal entries of process 1: the first line naming (1, 1) is the production, the second its own use.
        assert_eq!(technosphere[0].distribution, Distribution::Fixed);
        assert_eq!(technosphere[1].distribution, Distribution::Normal { sd: 0.01 });
        assert_eq!(technosphere[3].distribution, Distribution::Fixed);
        assert_eq!(system.biosphere()[1].distribution, Distribution::Uniform { min: 0.005, max: 0.02 });
    }

    #[test]
    fn every_distribution_survives_the_round_trip_through_stats_arrays() {
        for (distribution, amount) in [
            (Distribution::Fixed, 2.0),
            (Distribution::Lognormal { geometric_sd: 1.5 }, -0.3),
            (Distribution::Normal { sd: 0.1 }, 1.0),
            (Distribution::Uniform { min: 0.5, max: 2.0 }, 1.0),
            (Distribution::Triangular { min: 0.5, mode: 1.0, max: 2.0 }, 1.0),
        ] {
            let round_trip = StatsArrays::of(distribution, amount).distribution(amount).expect("valid");
            match (distribution, round_trip) {
                (Distribution::Lognormal { geometric_sd: expected }, Distribution::Lognormal { geometric_sd }) => {
                    assert!((geometric_sd - expected).abs() <= 1e-15 * expected);
                }
                (expected, actual) => assert_eq!(actual, expected),
            }
        }
    }

    #[test]
    fn a_row_outside_the_matrix_names_the_line_and_the_field() {
        let error = file_error(&format!("{HEADER}technosphere,3,1,3,,0.1,,,,\n"));
        assert_eq!(
            error,
            UncertaintyFileError {
                line: 2,
                field: Field::Row,
                problem: UncertaintyFileProblem::OutOfRange { index: 3, size: 2 }
            }
        );
        let error = file_error(&format!("{HEADER}A,1,1,0,,,,,,\nB,1,1,0,,,,,,\nB,1,1,0,,,,,,\n"));
        assert_eq!((error.line, error.field), (4, Field::Line));
        assert_eq!(error.problem, UncertaintyFileProblem::NoEntry { row: 1, col: 1 });
        let error = file_error(&format!("{HEADER}A,2,2,3,,0.1,,,,\nA,1,2,3,,0.1,,,,\n"));
        assert_eq!((error.line, error.field), (3, Field::Line));
    }

    #[test]
    fn an_unknown_distribution_is_refused_naming_the_supported_ones() {
        let error = file_error(&format!("{HEADER}A,2,1,7,,0.1,,,,\n"));
        assert_eq!((error.line, error.field), (2, Field::UncertaintyType));
        assert_eq!(error.problem, UncertaintyFileProblem::UnknownDistribution { found: "7".into() });
        assert!(error.to_string().contains("2 (lognormal)"), "{error}");
        let error = file_error(&format!("{HEADER}A,2,1,lognormal,,0.1,,,,\n"));
        assert_eq!(error.field, Field::UncertaintyType);
    }

    #[test]
    fn a_negative_standard_deviation_is_refused_in_the_scale_column() {
        let error = file_error(&format!("{HEADER}B,1,1,3,0.8,-0.05,,,,\n"));
        assert_eq!((error.line, error.field), (2, Field::Scale));
        assert_eq!(error.problem, UncertaintyFileProblem::Distribution(UncertaintyError::NegativeSd { sd: -0.05 }));
    }

    #[test]
    fn parameters_that_contradict_the_amount_are_refused() {
        let error = file_error(&format!("{HEADER}A,2,1,2,0.0,0.2,,,,true\n"));
        assert_eq!(error.field, Field::Loc);
        let error = file_error(&format!("{HEADER}A,2,1,2,,0.2,,,,false\n"));
        assert_eq!(error.field, Field::Negative);
        let error = file_error(&format!("{HEADER}A,2,1,2,,,,,,true\n"));
        assert_eq!((error.field, error.problem), (Field::Scale, UncertaintyFileProblem::MissingParameter));
        let error = file_error(&format!("{HEADER}A,2,1,3,,abc,,,,\n"));
        assert_eq!(error.problem, UncertaintyFileProblem::NotANumber { found: "abc".into() });
        let error = file_error(&format!("{HEADER}C,2,1,3,,0.1,,,,\n"));
        assert_eq!(error.field, Field::Matrix);
        let error = file_error("matrix,row,uncertainty_type\n");
        assert_eq!((error.line, error.field), (1, Field::Col));
    }
}
