//! Problems in a product model, each with where it is and what is wrong, as message values: the variant is the
//! message code, the fields its parameters. `tanji-i18n` (module `footprint`) says each in 简体中文 or English with its
//! fix; nothing here is a sentence for people.

use serde::{Deserialize, Serialize};

/// One thing wrong with a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Where in the model, e.g. `processes[2].factors[0].unit` (0-based, as the console's form fields are named).
    pub path: String,
    /// The line of the footprint file, when the problem comes from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// What is wrong, with its parameters.
    #[serde(flatten)]
    pub kind: ProblemKind,
}

impl Problem {
    pub fn new(path: impl Into<String>, kind: ProblemKind) -> Self {
        Self { path: path.into(), line: None, kind }
    }

    /// A problem whose text the caller has already put in the reader's language (the console's form reader, whose
    /// messages come from the console catalogue).
    pub fn text(path: impl Into<String>, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(path, ProblemKind::Text { message: message.into(), hint: hint.into() })
    }

    /// The stable code of the problem (the variant's name in snake_case).
    pub fn code(&self) -> String {
        serde_json::to_value(&self.kind)
            .ok()
            .and_then(|value| value.get("code").and_then(|code| code.as_str().map(str::to_owned)))
            .unwrap_or_default()
    }
}

impl std::fmt::Display for Problem {
    /// The path and the code only: the sentence is `tanji_i18n`'s to make, in the reader's language.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(formatter, "line {line}, {}: {}", self.path, self.code()),
            None => write!(formatter, "{}: {}", self.path, self.code()),
        }
    }
}

/// Which amount of a process a negative number was given for: the fix differs for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmountOf {
    /// An input of a product made by another process or bought from a supplier.
    Input,
    /// The activity behind a library emission factor (kWh, kg of fuel …).
    FactorActivity,
    /// The mass carried on a transport leg.
    TransportMass,
    /// The distance of a transport leg.
    TransportDistance,
    /// Material sent to recycling.
    Recycling,
    /// An output's mass, energy or revenue, used as an allocation key.
    AllocationKey,
}

/// Which pre-characterised amount of a supplier footprint is negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupplierAmount {
    Fossil,
    BiogenicEmissions,
    LandUseChange,
}

/// What is wrong. Numbers are the values found; names are as written in the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code, so a new one without its texts does not compile.
pub enum ProblemKind {
    // The file.
    /// The TOML itself is malformed: `syntax` says how, as a value; `detail` is the parser's own description
    /// (English, for English readers and logs).
    TomlSyntax {
        #[serde(default)]
        syntax: TomlSyntax,
        detail: String,
    },
    /// A value has the wrong type, e.g. text where a number belongs.
    WrongType {
        key: String,
        expected: Expected,
        found: String,
    },
    /// A required key is missing.
    MissingKey {
        key: String,
    },
    /// A key the format does not have (often a typing mistake).
    UnknownKey {
        key: String,
        suggestion: Option<String>,
        allowed: Vec<String>,
    },
    /// A value that is not one of the allowed words.
    UnknownValue {
        key: String,
        value: String,
        suggestion: Option<String>,
        allowed: Vec<String>,
    },
    /// Another problem the TOML reader found with a value, in its own words (English, for English readers and logs;
    /// the path and line say where).
    TomlOther {
        detail: String,
    },
    /// The file is not UTF-8 text.
    NotUtf8,

    // The model.
    UnknownGwpSet {
        given: String,
    },
    DuplicateProcessId {
        id: String,
    },
    ProcessMakesNothing {
        id: String,
    },
    OutputAmountNotPositive {
        amount: f64,
    },
    UnknownUnit {
        unit: String,
        suggestion: Option<String>,
    },
    /// A negative amount where only zero or more makes sense; `of` says which kind, for the fix.
    NegativeAmount {
        amount: f64,
        of: AmountOf,
    },
    ProductMadeTwice {
        product: String,
    },
    DuplicateSupplierId {
        id: String,
    },
    UnknownProduct {
        product: String,
        suggestion: Option<String>,
    },
    UnknownFactor {
        factor: String,
        suggestion: Option<String>,
    },
    /// An amount in a unit of another kind than the one expected (kg where kWh is expected).
    UnitMismatch {
        from: String,
        to: String,
    },
    EmissionNotANumber,
    UnknownGas {
        gas: String,
        suggestion: Option<String>,
    },
    /// Only biogenic CO2 may be negative (an uptake).
    NegativeEmission {
        gas: String,
        kg: f64,
    },
    UnknownReferenceProcess {
        process: String,
        suggestion: Option<String>,
    },
    InvalidUncertainty {
        reason: UncertaintyReason,
    },
    /// The GWP table has no value for `gas` under the chosen set `set` (`None`: no set knows the gas).
    GwpUnavailable {
        gas: String,
        set: Option<String>,
    },
    /// A library factor cannot be characterised under the chosen set: `gas` has no GWP in `set`, or (both `None`)
    /// the factor has no values.
    FactorNotCharacterised {
        factor: String,
        gas: Option<String>,
        set: Option<String>,
    },
    /// The matrices could not be formed (an internal inconsistency, or amounts too large).
    SystemInvalid {
        error: tanji_lca::SystemError,
    },
    InvalidSku {
        problem: TextProblem,
        max_chars: usize,
    },
    InvalidName {
        field: String,
        problem: TextProblem,
        max_chars: usize,
    },
    DeclaredUnitNotPositive {
        amount: f64,
    },
    MassNegative {
        mass_kg: f64,
    },
    NotADate {
        field: String,
        value: String,
    },
    PeriodEndsBeforeStart,
    TreeThresholdOutOfRange {
        percent: f64,
    },
    ExemptedLimitOutOfRange {
        percent: f64,
    },
    ExemptionEstimateNegative {
        estimate_kg_co2e: f64,
    },
    ExemptionWithoutReason,
    QualityRatingOutOfRange {
        rating: u8,
    },
    SupplierEmissionNegative {
        amount: SupplierAmount,
        value: f64,
    },
    SupplierRemovalPositive {
        value: f64,
    },
    SupplierWithoutSource,
    AllocationOnSingleOutput,
    NoAllocationData {
        process: String,
        n_outputs: usize,
    },
    AllocationPropertyMissing {
        method: String,
    },
    AllocationSkipsHierarchy {
        method: String,
        preferred: String,
    },
    AllocationValuesNotPositive {
        method: String,
    },

    // The comparison with a baseline.
    DeclaredUnitsDiffer {
        product_amount: f64,
        product_unit: String,
        baseline_amount: f64,
        baseline_unit: String,
    },
    GwpSetsDiffer {
        product: String,
        baseline: String,
    },

    // The product system.
    /// Processes supply each other in a loop that consumes at least what it makes; `steps` go round one cycle.
    UnproductiveLoop {
        processes: Vec<String>,
        steps: Vec<LoopStepNamed>,
        cycle_gain: f64,
        loop_gain: f64,
    },
    /// The solver found no (accurate) solution; the processes involved, when known.
    Unsolvable {
        processes: Vec<String>,
        reason: UnsolvableReason,
    },
    /// A process would run a negative number of times.
    NegativeSupply {
        processes: Vec<String>,
    },

    /// A message already in the reader's language (see [`Problem::text`]).
    Text {
        message: String,
        hint: String,
    },
}

/// How a TOML document is malformed, read from the TOML parser's description (`toml_parser`'s messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TomlSyntax {
    /// A quoted string is not closed, or holds an invalid escape.
    InvalidString,
    /// Text that should be quoted is not (`unit = kg`).
    UnquotedText,
    /// A `[`, `[[` or `{` is not closed.
    UnclosedBracket,
    /// Array or inline-table elements without a comma between them.
    MissingComma,
    /// A comma too many in an array or inline table.
    ExtraComma,
    /// A key without `=` and a value.
    MissingValue,
    /// A key that is empty, badly quoted or has characters a bare key cannot have.
    InvalidKey,
    /// The same key twice in one table.
    DuplicateKey,
    /// A number written in a way TOML does not allow (leading zero, misplaced `_` or sign).
    InvalidNumber,
    /// Anything else.
    #[default]
    Other,
}

impl TomlSyntax {
    /// The kind of a TOML parser description such as "missing comma between array elements, expected `,`".
    pub fn of_description(description: &str) -> TomlSyntax {
        let description = description.trim();
        let has = |word: &str| description.contains(word);
        if description.starts_with("duplicate key") {
            TomlSyntax::DuplicateKey
        } else if has("string values must be quoted") {
            TomlSyntax::UnquotedText
        } else if has("string") || has("escape") || has("unicode value") || has("carriage return") {
            TomlSyntax::InvalidString
        } else if description.starts_with("unclosed") || has("opening") || has("table open") {
            TomlSyntax::UnclosedBracket
        } else if has("missing comma") {
            TomlSyntax::MissingComma
        } else if has("extra comma") {
            TomlSyntax::ExtraComma
        } else if has("no value") || has("missing value") || has("missing assignment") || has("extra `=`") {
            TomlSyntax::MissingValue
        } else if has("key") {
            TomlSyntax::InvalidKey
        } else if has("integer")
            || has("float")
            || has("radix")
            || has("leading zero")
            || has("sign")
            || has("`_`")
            || has("number")
        {
            TomlSyntax::InvalidNumber
        } else {
            TomlSyntax::Other
        }
    }
}

/// Why the solver found no solution (`tanji_lca::SolveError` as data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum UnsolvableReason {
    /// No reference product comes from these processes (a zero on the diagonal).
    NoReferenceProduction,
    /// The matrix is structurally singular.
    StructurallySingular,
    /// The results of these processes are not finite.
    NumericallySingular,
    /// The system is too ill-conditioned for a trustworthy answer.
    IllConditioned { condition_lower_bound: f64 },
    /// The solution does not satisfy the system closely enough.
    Inaccurate { relative_residual: f64 },
    /// The sparse factorisation failed on a system that is otherwise fine (memory, say).
    Factorisation { cause: tanji_lca::FactorisationCause },
    /// The iterative solver alone was asked for and did not converge.
    NotConverged { steps: usize, relative_residual: f64 },
    /// Processes supply each other in a loop that produces nothing net (named elsewhere when the model solves; here
    /// for a Monte Carlo sample, whose loop has no names).
    UnproductiveLoop { loop_gain: f64 },
    /// The demand names a product the system does not have (an internal inconsistency).
    ProductOutOfRange { product: usize, n_products: usize },
    /// A Monte Carlo sample drawn far out could not be solved even by a direct factorisation.
    SampleNotSolvable { iteration: usize },
    /// A Monte Carlo analysis was asked for with zero iterations.
    NoIterations,
    /// The Monte Carlo demand is empty or zero (an internal inconsistency: the reference amount is checked).
    EmptyDemand,
}

impl From<&tanji_lca::SolveError> for UnsolvableReason {
    fn from(error: &tanji_lca::SolveError) -> Self {
        use tanji_lca::SolveError as E;
        match error {
            E::NoReferenceProduction { .. } => Self::NoReferenceProduction,
            E::StructurallySingular { .. } => Self::StructurallySingular,
            E::NumericallySingular { .. } => Self::NumericallySingular,
            E::IllConditioned { condition_lower_bound } => {
                Self::IllConditioned { condition_lower_bound: *condition_lower_bound }
            }
            E::Inaccurate { relative_residual } => Self::Inaccurate { relative_residual: *relative_residual },
            E::Factorisation { cause } => Self::Factorisation { cause: *cause },
            E::NotConverged { steps, relative_residual } => {
                Self::NotConverged { steps: *steps, relative_residual: *relative_residual }
            }
            E::UnproductiveLoop(found) => Self::UnproductiveLoop { loop_gain: found.loop_gain },
            E::ProductOutOfRange { product_idx, n_products } => {
                Self::ProductOutOfRange { product: product_idx + 1, n_products: *n_products }
            }
        }
    }
}

/// One step of a loop, named: each unit of `consumer`'s product needs `units_per_unit` units of `provider`'s product,
/// written at `path` (the input, as entered per run: `amount_per_run` `unit`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoopStepNamed {
    pub consumer: String,
    pub provider: String,
    pub units_per_unit: f64,
    pub path: String,
}

/// What is wrong with a text field (SKU, names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextProblem {
    Required,
    TooLong,
    ForbiddenCharacters,
    Malformed,
}

impl From<&tanji_tenancy::validation::Problem> for TextProblem {
    fn from(problem: &tanji_tenancy::validation::Problem) -> Self {
        use tanji_tenancy::validation::Problem;
        match problem {
            Problem::Required => Self::Required,
            Problem::TooLong { .. } => Self::TooLong,
            Problem::ForbiddenCharacters => Self::ForbiddenCharacters,
            _ => Self::Malformed,
        }
    }
}

/// Why an exchange's uncertainty does not fit its amount (`tanji_lca::UncertaintyError` as data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum UncertaintyReason {
    NonFinite { parameter: String },
    GeometricSdBelowOne { geometric_sd: f64 },
    LognormalOfZero,
    NegativeSd { sd: f64 },
    EmptyRange { min: f64, max: f64 },
    ModeOutsideRange { min: f64, mode: f64, max: f64 },
    AmountOutsideRange { amount: f64, min: f64, max: f64 },
    PedigreeScore { indicator: String, score: u8 },
    DataQualityRating { indicator: String, rating: f64 },
}

impl From<&tanji_lca::UncertaintyError> for UncertaintyReason {
    fn from(error: &tanji_lca::UncertaintyError) -> Self {
        use tanji_lca::UncertaintyError as E;
        match *error {
            E::NonFinite { parameter } => Self::NonFinite { parameter: parameter.to_owned() },
            E::GeometricSdBelowOne { geometric_sd } => Self::GeometricSdBelowOne { geometric_sd },
            E::LognormalOfZero => Self::LognormalOfZero,
            E::NegativeSd { sd } => Self::NegativeSd { sd },
            E::EmptyRange { min, max } => Self::EmptyRange { min, max },
            E::ModeOutsideRange { min, mode, max } => Self::ModeOutsideRange { min, mode, max },
            E::AmountOutsideRange { amount, min, max } => Self::AmountOutsideRange { amount, min, max },
            E::PedigreeScore { indicator, score } => Self::PedigreeScore { indicator: indicator.to_owned(), score },
            E::DataQualityRating { indicator, rating } => {
                Self::DataQualityRating { indicator: indicator.to_owned(), rating }
            }
        }
    }
}

/// The type a key needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expected {
    Number,
    WholeNumber,
    Text,
    TrueOrFalse,
    Table,
    List,
    Other,
}

/// Every problem found in a model; a model with problems is not computed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, thiserror::Error)]
#[error("{}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct Problems {
    pub problems: Vec<Problem>,
}

impl Problems {
    pub fn one(problem: Problem) -> Self {
        Self { problems: vec![problem] }
    }

    /// Add a problem, unless the same one (same place, same kind) is already there.
    pub fn push(&mut self, problem: Problem) {
        if !self.problems.contains(&problem) {
            self.problems.push(problem);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn into_result(self) -> Result<(), Problems> {
        if self.problems.is_empty() { Ok(()) } else { Err(self) }
    }
}

/// The known name closest to `given`, if one is close enough to be a typing mistake.
pub fn closest<'a>(given: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let given_lower = given.trim().to_lowercase();
    if given_lower.is_empty() {
        return None;
    }
    known
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(&given_lower, &candidate.to_lowercase()), candidate))
        .filter(|(score, candidate)| *score >= 0.85 && !candidate.eq_ignore_ascii_case(given))
        .max_by(|(a, _), (b, _)| a.total_cmp(b))
        .map(|(_, candidate)| candidate.to_owned())
}
