//! Activity rows as people write them (CSV exported from Excel, or `[[activities]]` tables in an inventory file),
//! turned into activity records. Every problem is reported with its file, row, column, reason and a hint; one bad
//! row rejects the whole import, so an import applies whole or not at all.

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tanji_ghg::{CoalBasis, CoalMoisture, FactorLibrary, Gas, GwpTable};
use tanji_units::{Dimension, Quantity, Unit};

use crate::classification::{DataSourceKind, EmissionSource, IsoCategory};
use crate::engine::{closest, closest_factor_id, closest_refrigerant, plausibility_findings};
use crate::message::{CARBON_CONTENT_T_C_PER_GJ_POSSIBLE, Plausibility};
use crate::model::{
    ActivityRecord, CoalBases, DataQuality, FactorChoice, FuelCombustion, MarketBasis, Method, RefrigerantApproach,
};

/// One activity row. Every field is text so that each problem can be reported against its column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ActivityRow {
    pub id: String,
    pub facility: String,
    /// `2025-03` (a month), `2025` (a year) or `2025-03-01` (a day); or use period_start/period_end.
    pub period: String,
    pub period_start: String,
    pub period_end: String,
    pub source: String,
    pub emission_point: String,
    pub activity: String,
    pub quantity: String,
    pub unit: String,
    pub data_source: String,
    /// `factor`, `electricity`, `fuel_combustion`, `direct`, `refrigerant`, `none`; inferred when empty.
    pub method: String,
    pub factor: String,
    pub market_factor: String,
    pub covered_by_instruments: String,
    pub ncv: String,
    pub ncv_unit: String,
    pub carbon_content: String,
    pub oxidation: String,
    pub fuel_parameters: String,
    pub biomass: String,
    pub coal_quantity_basis: String,
    pub coal_carbon_basis: String,
    pub carbon_percent: String,
    pub moisture_as_received: String,
    pub moisture_air_dried: String,
    pub gas: String,
    pub refrigerant: String,
    pub refrigerant_approach: String,
    pub leak_rate_percent: String,
    pub inventory_decrease_kg: String,
    pub purchased_kg: String,
    pub disposed_kg: String,
    pub capacity_increase_kg: String,
    pub scope3_method: String,
    pub iso_category: String,
    pub quality: String,
    pub uncertainty_percent: String,
    pub evidence: String,
    pub notes: String,
}

/// The largest uncertainty a row may state, in percent.
pub const MAX_UNCERTAINTY_PERCENT: f64 = 1000.0;

/// The columns of an activity CSV, in the order of the documented template.
pub const ACTIVITY_COLUMNS: &[&str] = &[
    "id",
    "facility",
    "period",
    "period_start",
    "period_end",
    "source",
    "emission_point",
    "activity",
    "quantity",
    "unit",
    "data_source",
    "method",
    "factor",
    "market_factor",
    "covered_by_instruments",
    "ncv",
    "ncv_unit",
    "carbon_content",
    "oxidation",
    "fuel_parameters",
    "biomass",
    "coal_quantity_basis",
    "coal_carbon_basis",
    "carbon_percent",
    "moisture_as_received",
    "moisture_air_dried",
    "gas",
    "refrigerant",
    "refrigerant_approach",
    "leak_rate_percent",
    "inventory_decrease_kg",
    "purchased_kg",
    "disposed_kg",
    "capacity_increase_kg",
    "scope3_method",
    "iso_category",
    "quality",
    "uncertainty_percent",
    "evidence",
    "notes",
];

/// A problem in one cell (or row) of an import: where, and what as a message value (rendered with its fix in the
/// reader's language by `tanji-i18n`). Import problems are never stored, so there is no older English form to read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowError {
    pub file: String,
    /// 1-based line number as a spreadsheet shows it (the header is row 1); 0 for the file as a whole.
    pub row: usize,
    pub column: String,
    pub problem: RowProblem,
}

/// Row problems as message values: a code with parameters, rendered with the fix in the reader's language.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RowProblem {
    /// The quantity's unit measures something else than the unit of the factor the row names, so the row could
    /// never be calculated (electricity in kg against a kWh factor).
    UnitIncompatibleWithFactor {
        unit: String,
        dimension: tanji_units::Dimension,
        factor: String,
        factor_unit: String,
        factor_dimension: tanji_units::Dimension,
    },
    /// The row names a factor the library does not hold.
    FactorNotFound { factor: String, version: Option<u32>, suggestion: Option<String> },
    /// The row names default fuel parameters the library does not hold.
    FuelParametersNotFound { id: String, suggestion: Option<String> },
    /// The refrigerant (or gas) has no GWP in the table.
    RefrigerantUnknown { refrigerant: String, suggestion: Option<String> },
    /// A parameter that cannot be right (see [`Plausibility`]).
    Implausible(Plausibility),
    /// A required cell is empty (the hint depends on the column).
    Required,
    /// The cell is not a number.
    NotANumber { text: String },
    /// The unit is not one tanji knows.
    UnknownUnit { text: String, suggestion: Option<String> },
    /// The period is not a year, month or day.
    NotAPeriod { text: String },
    /// Neither `period` nor `period_start` and `period_end` is given.
    NoPeriod,
    /// `period_end` is before `period_start`.
    PeriodEndBeforeStart,
    /// The source is not an emission source.
    NotASource { text: String },
    /// The data source is not one of the kinds.
    NotADataSource { text: String },
    /// The method is not one of the methods.
    NotAMethod { text: String },
    /// A quantity or coverage is negative.
    Negative,
    /// No active facility has this code or name.
    FacilityNotFound { facility: String },
    /// Another row of the same import has this id.
    DuplicateId { id: String, first_row: usize },
    /// A stored record already has this id.
    IdExists { id: String },
    /// The header has a column that is not an activity column.
    UnknownColumn { column: String },
    /// The file has no data rows.
    NoRows,
    /// The file is neither UTF-8 nor GB 18030/GBK text.
    NotText,
    /// A row has another number of cells than the header.
    CellCount { expected: usize, found: usize },
    /// The CSV structure cannot be read (a quote left open, say).
    CsvUnreadable,
    /// A free-text cell is longer than what is kept.
    TooLong { n_chars: usize, max_chars: usize },
    /// A free-text cell holds a control character; `multi_line` cells may hold line breaks and tabs.
    ControlCharacter { code_point: u32, multi_line: bool },
    /// The data quality is not five scores from 1 to 5.
    NotQualityScores { text: String },
    /// The uncertainty is above [`MAX_UNCERTAINTY_PERCENT`].
    UncertaintyTooLarge { max_percent: f64 },
    /// The ISO 14064-1 category is not a number from 1 to 6.
    NotAnIsoCategory { text: String },
    /// The refrigerant approach is not one of top_up, mass_balance, screening.
    NotARefrigerantApproach { text: String },
    /// The NCV unit is not energy per quantity (`GJ/t`).
    NotEnergyPerQuantity { text: String },
    /// The NCV unit cannot apply to the record's quantity (GJ/t on a quantity in kWh).
    NcvUnitMismatch { ncv_unit: String, quantity_unit: String },
    /// The coal basis is not as received, air-dried or dry.
    NotACoalBasis { text: String },
    /// A coal moisture outside 0 % to 100 % (100 excluded).
    MoistureOutOfRange { percent: f64 },
    /// The inventory file is not valid TOML, or a value there has the wrong type (the row is the file line).
    TomlInvalid,
    /// A key the inventory file does not have.
    TomlUnknownKey { key: String },
    /// A key the inventory file must have.
    TomlMissingKey { key: String },
    /// The GWP set is not SAR, AR4, AR5 or AR6.
    UnknownGwpSet { text: String },
    /// The consolidation approach is not one of the three.
    NotAConsolidationApproach { text: String },
    /// A facility's equity share is not a percentage.
    NotAPercentage { facility: String, value: f64 },
    /// The inventory file lists no facility.
    NoFacilities,
    /// The base year gives both or neither of `year` and `years`.
    BaseYearAmbiguous,
    /// Neither the inventory file nor the command names a GWP set.
    GwpSetMissing,
    /// Someone else saved a record with the same id while this import ran.
    IdSavedConcurrently { id: String },
    /// An own factor reuses the id of a bundled factor.
    BundledFactorId { id: String },
    /// An own factor's version is already held: history is never rewritten.
    FactorVersionExists { factor: String },
    /// An own factor's version does not follow the latest version held.
    FactorVersionGap { id: String, version: u32, latest: u32 },
    /// A row (or the header) of an own factor file that the factor-file reader refused, and why.
    FactorFileRow { problem: tanji_ghg::TableProblem },
}

impl RowProblem {
    /// The stable code, as the API's `code`.
    pub fn code(&self) -> &'static str {
        match self {
            RowProblem::UnitIncompatibleWithFactor { .. } => "unit_incompatible_with_factor",
            RowProblem::FactorNotFound { .. } => "factor_not_found",
            RowProblem::FuelParametersNotFound { .. } => "fuel_parameters_not_found",
            RowProblem::RefrigerantUnknown { .. } => "refrigerant_unknown",
            RowProblem::Implausible(finding) => match finding {
                Plausibility::CarbonContentLooksPerTj { .. } => "carbon_content_looks_per_tj",
                Plausibility::CarbonContentLooksTooSmall { .. } => "carbon_content_looks_too_small",
                Plausibility::OxidationAbove100 { .. } => "oxidation_above_100",
                Plausibility::NcvWithoutUnit { .. } => "ncv_without_unit",
                Plausibility::FactorKindMismatch { .. } => "factor_kind_mismatch",
                Plausibility::CoverageAboveConsumption { .. } => "coverage_above_consumption",
            },
            RowProblem::Required => "required",
            RowProblem::NotANumber { .. } => "not_a_number",
            RowProblem::UnknownUnit { .. } => "unknown_unit",
            RowProblem::NotAPeriod { .. } => "not_a_period",
            RowProblem::NoPeriod => "no_period",
            RowProblem::PeriodEndBeforeStart => "period_end_before_start",
            RowProblem::NotASource { .. } => "not_a_source",
            RowProblem::NotADataSource { .. } => "not_a_data_source",
            RowProblem::NotAMethod { .. } => "not_a_method",
            RowProblem::Negative => "negative",
            RowProblem::FacilityNotFound { .. } => "facility_not_found",
            RowProblem::DuplicateId { .. } => "duplicate_id",
            RowProblem::IdExists { .. } => "id_exists",
            RowProblem::UnknownColumn { .. } => "unknown_column",
            RowProblem::NoRows => "no_rows",
            RowProblem::NotText => "not_text",
            RowProblem::CellCount { .. } => "cell_count",
            RowProblem::CsvUnreadable => "csv_unreadable",
            RowProblem::TooLong { .. } => "too_long",
            RowProblem::ControlCharacter { .. } => "control_character",
            RowProblem::NotQualityScores { .. } => "not_quality_scores",
            RowProblem::UncertaintyTooLarge { .. } => "uncertainty_too_large",
            RowProblem::NotAnIsoCategory { .. } => "not_an_iso_category",
            RowProblem::NotARefrigerantApproach { .. } => "not_a_refrigerant_approach",
            RowProblem::NotEnergyPerQuantity { .. } => "not_energy_per_quantity",
            RowProblem::NcvUnitMismatch { .. } => "ncv_unit_mismatch",
            RowProblem::NotACoalBasis { .. } => "not_a_coal_basis",
            RowProblem::MoistureOutOfRange { .. } => "moisture_out_of_range",
            RowProblem::TomlInvalid => "toml_invalid",
            RowProblem::TomlUnknownKey { .. } => "toml_unknown_key",
            RowProblem::TomlMissingKey { .. } => "toml_missing_key",
            RowProblem::UnknownGwpSet { .. } => "unknown_gwp_set",
            RowProblem::NotAConsolidationApproach { .. } => "not_a_consolidation_approach",
            RowProblem::NotAPercentage { .. } => "not_a_percentage",
            RowProblem::NoFacilities => "no_facilities",
            RowProblem::BaseYearAmbiguous => "base_year_ambiguous",
            RowProblem::GwpSetMissing => "gwp_set_missing",
            RowProblem::IdSavedConcurrently { .. } => "id_saved_concurrently",
            RowProblem::BundledFactorId { .. } => "bundled_factor_id",
            RowProblem::FactorVersionExists { .. } => "factor_version_exists",
            RowProblem::FactorVersionGap { .. } => "factor_version_gap",
            RowProblem::FactorFileRow { .. } => "factor_file_row",
        }
    }
}

impl RowProblem {
    /// An own factor the library refused, as a row problem.
    pub fn from_library_error(error: tanji_ghg::LibraryError) -> RowProblem {
        match error {
            tanji_ghg::LibraryError::DuplicateVersion(factor) => {
                RowProblem::FactorVersionExists { factor: factor.to_string() }
            }
            tanji_ghg::LibraryError::VersionGap { id, version, latest } => {
                RowProblem::FactorVersionGap { id, version, latest }
            }
        }
    }
}

impl From<tanji_ghg::TableError> for RowError {
    /// A row of an own factor file that the factor-file reader refused.
    fn from(error: tanji_ghg::TableError) -> RowError {
        RowError::of(error.file, error.row, error.column, RowProblem::FactorFileRow { problem: error.problem })
    }
}

impl RowError {
    /// The problem `problem` at `file`, `row`, `column`.
    pub fn of(file: impl Into<String>, row: usize, column: impl Into<String>, problem: RowProblem) -> Self {
        Self { file: file.into(), row, column: column.into(), problem }
    }
}

/// Problems of a parsed row that only the reference data can show, found at import so that a row that could never be
/// calculated is refused with its fix instead of leaving a hole in every total later: a factor, fuel parameters or a
/// refrigerant the library does not know ("did you mean …"), a quantity whose unit cannot convert to its factor's
/// unit, a combustion factor on purchased electricity.
pub fn check_with_reference(
    file: &str,
    row: usize,
    record: &ActivityRecord,
    factors: &FactorLibrary,
    fuel_parameters: &[tanji_ghg::FuelParameters],
    gwp: &GwpTable,
) -> Vec<RowError> {
    let mut errors = Vec::new();
    let check_factor = |column: &str, choice: &FactorChoice, errors: &mut Vec<RowError>| -> Option<()> {
        let factor = match choice.version {
            Some(version) => factors.get(&choice.id, version),
            None => factors.latest(&choice.id),
        };
        let Some(factor) = factor else {
            errors.push(RowError::of(
                file,
                row,
                column,
                RowProblem::FactorNotFound {
                    factor: choice.id.clone(),
                    version: choice.version,
                    suggestion: closest_factor_id(factors, &choice.id),
                },
            ));
            return None;
        };
        if column == "factor" && record.quantity.unit.conversion_factor_to(&factor.unit).is_err() {
            errors.push(RowError::of(
                file,
                row,
                "unit",
                RowProblem::UnitIncompatibleWithFactor {
                    unit: record.quantity.unit.symbol().to_owned(),
                    dimension: record.quantity.unit.dimension(),
                    factor: factor.reference().to_string(),
                    factor_unit: factor.unit.symbol().to_owned(),
                    factor_dimension: factor.unit.dimension(),
                },
            ));
        }
        Some(())
    };
    match &record.method {
        Method::Factor { factor } => {
            check_factor("factor", factor, &mut errors);
        }
        Method::Electricity { location_factor, market } => {
            check_factor("factor", location_factor, &mut errors);
            if let Some(market_factor) = &market.market_factor {
                check_factor("market_factor", market_factor, &mut errors);
            }
        }
        Method::FuelCombustion(fuel) => {
            if let Some(id) = &fuel.default_parameters
                && !fuel_parameters.iter().any(|parameters| &parameters.id == id)
            {
                let suggestion = closest(fuel_parameters.iter().map(|parameters| parameters.id.as_str()), id);
                errors.push(RowError::of(
                    file,
                    row,
                    "fuel_parameters",
                    RowProblem::FuelParametersNotFound { id: id.clone(), suggestion },
                ));
            }
        }
        Method::Refrigerant { refrigerant, .. } => {
            if gwp.blend(refrigerant).is_none() && !gwp.knows(&Gas::parse(refrigerant)) {
                errors.push(RowError::of(
                    file,
                    row,
                    "refrigerant",
                    RowProblem::RefrigerantUnknown {
                        refrigerant: refrigerant.clone(),
                        suggestion: closest_refrigerant(gwp, refrigerant),
                    },
                ));
            }
        }
        Method::DirectEmission { gas } => {
            if !gwp.knows(gas) {
                errors.push(RowError::of(
                    file,
                    row,
                    "gas",
                    RowProblem::RefrigerantUnknown {
                        refrigerant: gas.name().to_owned(),
                        suggestion: closest_refrigerant(gwp, gas.name()),
                    },
                ));
            }
        }
        Method::NoEmissions => {}
    }
    if errors.is_empty() {
        for finding in plausibility_findings(record, factors) {
            if let Plausibility::FactorKindMismatch { .. } = finding {
                errors.push(RowError::of(file, row, "factor", RowProblem::Implausible(finding)));
            }
        }
    }
    errors
}

/// The text of a CSV file as Excel writes it: UTF-8 (with or without a byte-order mark), or GB 18030/GBK, which Chinese
/// Excel uses for "CSV (逗号分隔)".
// A RowError carries its problem as a value (with parameters), which makes it larger than clippy's threshold for an
// error returned by value; this function fails once per file read, never in a loop, so boxing would buy nothing.
#[allow(clippy::result_large_err)]
pub fn decode_csv<'a>(file: &str, bytes: &'a [u8]) -> Result<std::borrow::Cow<'a, str>, RowError> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(std::borrow::Cow::Borrowed(text.strip_prefix('\u{feff}').unwrap_or(text)));
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    if had_errors {
        return Err(RowError::of(file, 0, "", RowProblem::NotText));
    }
    Ok(text)
}

/// The rows of an activity CSV as written, for a caller that validates them itself (the store checks every row
/// together with what only it knows: facilities, existing ids). Unknown columns, broken CSV structure and undecodable
/// text are refused here, each problem with its row.
pub fn read_activity_rows(file: &str, bytes: &[u8]) -> Result<Vec<ActivityRow>, Vec<RowError>> {
    let text = decode_csv(file, bytes).map_err(|error| vec![error])?;
    if let Err(errors) = parse_activity_csv(file, &text, |_| {})
        && errors.iter().any(|error| error.row <= 1 || error.column.is_empty())
    {
        return Err(errors.into_iter().filter(|error| error.row <= 1 || error.column.is_empty()).collect());
    }
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    reader
        .deserialize::<ActivityRow>()
        .enumerate()
        .map(|(record_idx, row)| row.map_err(|error| vec![csv_error(file, record_idx + 2, &error)]))
        .collect()
}

/// A CSV structure problem as a message value: a row with the wrong number of cells, text that is not UTF-8, or
/// anything else the CSV reader refused (named by its position only: the reader's own words are English).
fn csv_error(file: &str, row: usize, error: &csv::Error) -> RowError {
    let problem = match error.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            RowProblem::CellCount { expected: *expected_len as usize, found: *len as usize }
        }
        csv::ErrorKind::Utf8 { .. } => RowProblem::NotText,
        _ => RowProblem::CsvUnreadable,
    };
    let row = error.position().map_or(row, |position| position.line() as usize);
    RowError::of(file, row, "", problem)
}

impl fmt::Display for RowError {
    /// Where, and the problem's code, for logs; people see the problem rendered by `tanji-i18n`.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}, row {}", self.file, self.row)?;
        if !self.column.is_empty() {
            write!(formatter, ", column {}", self.column)?;
        }
        write!(formatter, ": {}", self.problem.code())
    }
}

struct RowContext<'a> {
    file: &'a str,
    row: usize,
    errors: Vec<RowError>,
}

impl RowContext<'_> {
    fn problem(&mut self, column: &str, problem: RowProblem) {
        self.errors.push(RowError::of(self.file, self.row, column, problem));
    }

    fn number(&mut self, column: &str, text: &str) -> Option<f64> {
        // Thousands separators (1,234.5) are dropped; a cell without one, as nearly all are, is read where it lies
        // rather than copied, as this runs several times on every row of a large file.
        let text = without_thousands_separators(trim_cell(text));
        if text.is_empty() {
            return None;
        }
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => Some(value),
            _ => {
                self.problem(column, RowProblem::NotANumber { text: text.into_owned() });
                None
            }
        }
    }

    fn required(&mut self, column: &str, text: &str) -> Option<String> {
        let text = trim_cell(text);
        if text.is_empty() {
            self.problem(column, RowProblem::Required);
            return None;
        }
        Some(text.to_owned())
    }
}

/// `text` without white space at either end, as [`str::trim`] gives it, but found at once for the cells nearly every
/// row has — empty, or starting and ending with a visible ASCII character — which `str::trim` decodes character by
/// character (forty cells of every row of a large file).
fn trim_cell(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (None, _) => text,
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// `text` without its thousands separators (`1,234.5` → `1234.5`), copied only when it has one.
fn without_thousands_separators(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(',') { text.replace(',', "").into() } else { text.into() }
}

fn parse_date(text: &str) -> Option<Date> {
    trim_cell(text).parse().ok()
}

/// `2025` → the year; `2025-03` → the month; `2025-03-04` → that day.
fn parse_period(text: &str) -> Option<(Date, Date)> {
    let text = trim_cell(text);
    if let Ok(year) = text.parse::<i16>() {
        return Some((Date::new(year, 1, 1).ok()?, Date::new(year, 12, 31).ok()?));
    }
    if let Some((year, month)) = text.split_once('-')
        && !month.contains('-')
    {
        let start = Date::new(year.parse().ok()?, month.parse().ok()?, 1).ok()?;
        return Some((start, start.last_of_month()));
    }
    let day = parse_date(text)?;
    Some((day, day))
}

/// The free-text cells that are stored and shown as typed: their longest length, and whether line breaks are allowed.
const FREE_TEXT_LIMITS: [(&str, usize, bool); 6] = [
    ("id", 100, false),
    ("facility", 100, false),
    ("emission_point", 200, false),
    ("activity", 200, false),
    ("evidence", 1_000, true),
    ("notes", 2_000, true),
];

/// The cells of one activity row, borrowed: from an [`ActivityRow`], or straight from a CSV record without copying
/// its cells (a file of a million rows would otherwise allocate forty strings per row).
macro_rules! row_cells {
    ($($column:ident),* $(,)?) => {
        #[derive(Clone, Copy, Default)]
        struct RowCells<'a> {
            $($column: &'a str,)*
        }

        /// The columns in the order of [`RowCells`]'s fields (the order of [`ACTIVITY_COLUMNS`], tested).
        const ROW_CELL_COLUMNS: &[&str] = &[$(stringify!($column),)*];

        impl ActivityRow {
            fn cells(&self) -> RowCells<'_> {
                RowCells { $($column: &self.$column,)* }
            }
        }

        impl<'a> RowCells<'a> {
            /// The cells of `record`, where `positions[column_idx]` is where the column at `column_idx` of
            /// [`ROW_CELL_COLUMNS`] is in the record (absent columns are empty cells, as in [`ActivityRow`]).
            ///
            /// Cells are trimmed of white space here (Unicode's, as `csv::Trim::All` trims a `StringRecord`), without
            /// the two copies of the whole record that the reader's trimming makes for every row.
            fn of_record(record: &'a csv::StringRecord, positions: &[Option<usize>]) -> RowCells<'a> {
                let mut cells = positions.iter().map(|position| position.and_then(|position| record.get(position)));
                RowCells { $($column: trim_cell(cells.next().flatten().unwrap_or("")),)* }
            }
        }
    };
}

row_cells!(
    id,
    facility,
    period,
    period_start,
    period_end,
    source,
    emission_point,
    activity,
    quantity,
    unit,
    data_source,
    method,
    factor,
    market_factor,
    covered_by_instruments,
    ncv,
    ncv_unit,
    carbon_content,
    oxidation,
    fuel_parameters,
    biomass,
    coal_quantity_basis,
    coal_carbon_basis,
    carbon_percent,
    moisture_as_received,
    moisture_air_dried,
    gas,
    refrigerant,
    refrigerant_approach,
    leak_rate_percent,
    inventory_decrease_kg,
    purchased_kg,
    disposed_kg,
    capacity_increase_kg,
    scope3_method,
    iso_category,
    quality,
    uncertainty_percent,
    evidence,
    notes,
);

impl ActivityRow {
    /// Turn the row into a record, or report every problem of the row.
    pub fn into_record(self, file: &str, row: usize) -> Result<ActivityRecord, Vec<RowError>> {
        self.into_record_with(file, row, &mut ParsedValues::default())
    }

    /// [`ActivityRow::into_record`], looking up units, sources and data sources in `parsed`, where rows of the same
    /// file share their readings.
    pub fn into_record_with(
        self,
        file: &str,
        row: usize,
        parsed: &mut ParsedValues,
    ) -> Result<ActivityRecord, Vec<RowError>> {
        self.cells().to_record(file, row, parsed)
    }
}

impl RowCells<'_> {
    /// Free text is stored as typed and shown on pages, in reports and in CSV exports: bounded in length, with no
    /// control characters (which break log lines and exports, or hide text), line breaks only in evidence and notes.
    fn check_free_text(&self, context: &mut RowContext<'_>) {
        let cells = [&self.id, &self.facility, &self.emission_point, &self.activity, &self.evidence, &self.notes];
        for ((column, max_chars, multi_line), text) in FREE_TEXT_LIMITS.into_iter().zip(cells) {
            let n_chars = text.chars().count();
            if n_chars > max_chars {
                context.problem(column, RowProblem::TooLong { n_chars, max_chars });
            }
            let allowed_control = |character: char| multi_line && matches!(character, '\n' | '\r' | '\t');
            if let Some(control) = text.chars().find(|character| character.is_control() && !allowed_control(*character))
            {
                context.problem(column, RowProblem::ControlCharacter { code_point: u32::from(control), multi_line });
            }
        }
    }

    /// The row as a record, or every problem of the row.
    fn to_record(self, file: &str, row: usize, parsed: &mut ParsedValues) -> Result<ActivityRecord, Vec<RowError>> {
        let mut context = RowContext { file, row, errors: Vec::new() };
        self.check_free_text(&mut context);
        let id = if trim_cell(self.id).is_empty() { format!("{file}:{row}") } else { trim_cell(self.id).to_owned() };
        let facility = context.required("facility", self.facility);
        let period = if !trim_cell(self.period).is_empty() {
            let parsed = parse_period(self.period);
            if parsed.is_none() {
                context.problem("period", RowProblem::NotAPeriod { text: trim_cell(self.period).to_owned() });
            }
            parsed
        } else {
            let start = parse_date(self.period_start);
            let end = parse_date(self.period_end);
            match (start, end) {
                (Some(start), Some(end)) if start <= end => Some((start, end)),
                (Some(_), Some(_)) => {
                    context.problem("period_end", RowProblem::PeriodEndBeforeStart);
                    None
                }
                _ => {
                    context.problem("period", RowProblem::NoPeriod);
                    None
                }
            }
        };
        let source = parsed.source(self.source);
        if source.is_none() {
            context.problem("source", RowProblem::NotASource { text: trim_cell(self.source).to_owned() });
        }
        let quantity_value = context.number("quantity", self.quantity);
        if quantity_value.is_none()
            && !context.errors.iter().any(|error| error.column == "quantity")
            && trim_cell(self.refrigerant_approach) != "mass_balance"
        {
            context.problem("quantity", RowProblem::Required);
        }
        let unit = match parsed.unit(self.unit) {
            Ok(unit) => Some(unit),
            Err(tanji_units::UnitError::Unknown { text, suggestion }) => {
                context.problem("unit", RowProblem::UnknownUnit { text, suggestion });
                None
            }
            // `Unit::parse` refuses a unit only as unknown; any other refusal still names the text as written.
            Err(_) => {
                context.problem(
                    "unit",
                    RowProblem::UnknownUnit { text: trim_cell(self.unit).to_owned(), suggestion: None },
                );
                None
            }
        };
        let data_source = if trim_cell(self.data_source).is_empty() {
            Some(DataSourceKind::Estimate)
        } else {
            let data_source = parsed.data_source(self.data_source);
            if data_source.is_none() {
                context.problem(
                    "data_source",
                    RowProblem::NotADataSource { text: trim_cell(self.data_source).to_owned() },
                );
            }
            data_source
        };
        let method = self.method(&mut context, parsed, source, unit.as_ref());
        let quality = if trim_cell(self.quality).is_empty() {
            None
        } else {
            let parsed = DataQuality::parse(self.quality);
            if parsed.is_none() {
                context.problem("quality", RowProblem::NotQualityScores { text: trim_cell(self.quality).to_owned() });
            }
            parsed
        };
        let uncertainty_percent = context.number("uncertainty_percent", self.uncertainty_percent);
        if uncertainty_percent.is_some_and(|percent| percent < 0.0) {
            context.problem("uncertainty_percent", RowProblem::Negative);
        }
        // IPCC's widest category uncertainties are a few hundred percent; beyond this the figure is a typing error,
        // and the total's uncertainty (a root of summed squares) would overflow.
        if uncertainty_percent.is_some_and(|percent| percent > MAX_UNCERTAINTY_PERCENT) {
            context.problem(
                "uncertainty_percent",
                RowProblem::UncertaintyTooLarge { max_percent: MAX_UNCERTAINTY_PERCENT },
            );
        }
        let iso_category_override = if trim_cell(self.iso_category).is_empty() {
            None
        } else {
            let parsed = trim_cell(self.iso_category).parse::<u8>().ok().and_then(IsoCategory::from_number);
            if parsed.is_none() {
                context.problem(
                    "iso_category",
                    RowProblem::NotAnIsoCategory { text: trim_cell(self.iso_category).to_owned() },
                );
            }
            parsed
        };
        let quantity = match (quantity_value.or(Some(0.0)), unit) {
            (Some(value), Some(unit)) => match Quantity::new(value, unit) {
                Ok(quantity) => Some(quantity),
                // `context.number` lets only finite numbers through, the one thing `Quantity::new` checks.
                Err(_) => {
                    context.problem("quantity", RowProblem::NotANumber { text: trim_cell(self.quantity).to_owned() });
                    None
                }
            },
            _ => None,
        };
        if quantity_value.is_some_and(|value| value < 0.0) {
            context.problem("quantity", RowProblem::Negative);
        }
        if !context.errors.is_empty() {
            return Err(context.errors);
        }
        let (
            Some(facility),
            Some((period_start, period_end)),
            Some(source),
            Some(quantity),
            Some(data_source),
            Some(method),
        ) = (facility, period, source, quantity, data_source, method)
        else {
            // Every `None` above comes with its problem; this is a guard, not a message anyone should see.
            context.problem("", RowProblem::CsvUnreadable);
            return Err(context.errors);
        };
        Ok(ActivityRecord {
            id,
            facility,
            period_start,
            period_end,
            source,
            emission_point: trim_cell(self.emission_point).to_owned(),
            activity: trim_cell(self.activity).to_owned(),
            quantity,
            data_source,
            method,
            quality,
            uncertainty_percent,
            scope3_method: (!trim_cell(self.scope3_method).is_empty())
                .then(|| trim_cell(self.scope3_method).to_owned()),
            iso_category_override,
            evidence: self
                .evidence
                .split(';')
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .map(str::to_owned)
                .collect(),
            notes: trim_cell(self.notes).to_owned(),
        })
    }

    fn method(
        &self,
        context: &mut RowContext<'_>,
        parsed: &mut ParsedValues,
        source: Option<EmissionSource>,
        unit: Option<&Unit>,
    ) -> Option<Method> {
        let explicit = trim_cell(self.method);
        // Lower-cased only when it is not already: the method names are lower-case, as nearly every cell writes them.
        let explicit: std::borrow::Cow<'_, str> =
            if explicit.bytes().all(|byte| byte.is_ascii_lowercase() || byte == b'_') {
                explicit.into()
            } else {
                explicit.to_lowercase().into()
            };
        let inferred = if !explicit.is_empty() {
            explicit
        } else if source == Some(EmissionSource::OnSiteRenewable) {
            "none".into()
        } else if !trim_cell(self.refrigerant).is_empty() {
            "refrigerant".into()
        } else if !trim_cell(self.gas).is_empty() {
            "direct".into()
        } else if !trim_cell(self.ncv).is_empty()
            || !trim_cell(self.fuel_parameters).is_empty()
            || !trim_cell(self.carbon_percent).is_empty()
        {
            "fuel_combustion".into()
        } else if source == Some(EmissionSource::PurchasedElectricity) {
            "electricity".into()
        } else {
            "factor".into()
        };
        match &*inferred {
            "factor" => {
                let factor = FactorChoice::parse(self.factor);
                if factor.is_none() {
                    context.problem("factor", RowProblem::Required);
                }
                Some(Method::Factor { factor: factor? })
            }
            "electricity" => {
                let location_factor = FactorChoice::parse(self.factor);
                if location_factor.is_none() {
                    context.problem("factor", RowProblem::Required);
                }
                let covered = context.number("covered_by_instruments", self.covered_by_instruments).unwrap_or(0.0);
                if covered < 0.0 {
                    context.problem("covered_by_instruments", RowProblem::Negative);
                }
                let consumed = without_thousands_separators(trim_cell(self.quantity)).parse::<f64>().ok();
                if let (Some(consumed), Some(unit)) = (consumed, unit)
                    && covered > consumed
                {
                    context.problem(
                        "covered_by_instruments",
                        RowProblem::Implausible(Plausibility::CoverageAboveConsumption {
                            covered,
                            consumed,
                            unit: unit.symbol().to_owned(),
                        }),
                    );
                }
                Some(Method::Electricity {
                    location_factor: location_factor?,
                    market: MarketBasis {
                        market_factor: FactorChoice::parse(self.market_factor),
                        covered_by_instruments: covered,
                    },
                })
            }
            "fuel_combustion" => {
                let ncv = context.number("ncv", self.ncv);
                let ncv_gj_per_unit = match (ncv, unit) {
                    (Some(ncv), Some(unit)) => self.ncv_per_record_unit(context, parsed, ncv, unit),
                    _ => None,
                };
                // A fraction (0.98) or a percentage (98); above 100 % is a typing or unit error, never a guess.
                let oxidation = context
                    .number("oxidation", self.oxidation)
                    .map(|value| if value > 1.0 { value / 100.0 } else { value });
                if let Some(fraction) = oxidation
                    && fraction > 1.0
                {
                    context.problem(
                        "oxidation",
                        RowProblem::Implausible(Plausibility::OxidationAbove100 { percent: fraction * 100.0 }),
                    );
                }
                let carbon_content = context.number("carbon_content", self.carbon_content);
                if let Some(value) = carbon_content {
                    let (lowest, highest) = CARBON_CONTENT_T_C_PER_GJ_POSSIBLE;
                    if value > highest {
                        context.problem(
                            "carbon_content",
                            RowProblem::Implausible(Plausibility::CarbonContentLooksPerTj { value }),
                        );
                    } else if value < lowest {
                        context.problem(
                            "carbon_content",
                            RowProblem::Implausible(Plausibility::CarbonContentLooksTooSmall { value }),
                        );
                    }
                }
                let coal = self.coal_bases(context);
                Some(Method::FuelCombustion(FuelCombustion {
                    ncv_gj_per_unit,
                    carbon_content_t_c_per_gj: carbon_content,
                    oxidation_fraction: oxidation,
                    default_parameters: (!trim_cell(self.fuel_parameters).is_empty())
                        .then(|| trim_cell(self.fuel_parameters).to_owned()),
                    coal,
                    biomass: matches!(trim_cell(self.biomass).to_lowercase().as_str(), "yes" | "true" | "1" | "是"),
                }))
            }
            "direct" => {
                let gas = context.required("gas", self.gas)?;
                Some(Method::DirectEmission { gas: Gas::parse(&gas) })
            }
            "refrigerant" => {
                let refrigerant = context.required("refrigerant", self.refrigerant)?;
                let approach = match trim_cell(self.refrigerant_approach) {
                    "" | "top_up" => RefrigerantApproach::TopUp,
                    "mass_balance" => RefrigerantApproach::MassBalance {
                        inventory_decrease_kg: context
                            .number("inventory_decrease_kg", self.inventory_decrease_kg)
                            .unwrap_or(0.0),
                        purchased_kg: context.number("purchased_kg", self.purchased_kg).unwrap_or(0.0),
                        disposed_kg: context.number("disposed_kg", self.disposed_kg).unwrap_or(0.0),
                        capacity_increase_kg: context
                            .number("capacity_increase_kg", self.capacity_increase_kg)
                            .unwrap_or(0.0),
                    },
                    "screening" => {
                        let percent = context.number("leak_rate_percent", self.leak_rate_percent);
                        if percent.is_none() {
                            context.problem("leak_rate_percent", RowProblem::Required);
                        }
                        RefrigerantApproach::Screening { annual_leak_fraction: percent.unwrap_or(0.0) / 100.0 }
                    }
                    other => {
                        context.problem(
                            "refrigerant_approach",
                            RowProblem::NotARefrigerantApproach { text: other.to_owned() },
                        );
                        return None;
                    }
                };
                Some(Method::Refrigerant { refrigerant, approach })
            }
            "none" => Some(Method::NoEmissions),
            other => {
                context.problem("method", RowProblem::NotAMethod { text: other.to_owned() });
                None
            }
        }
    }

    fn ncv_per_record_unit(
        &self,
        context: &mut RowContext<'_>,
        parsed: &mut ParsedValues,
        ncv: f64,
        record_unit: &Unit,
    ) -> Option<f64> {
        // GJ/kg and GJ/t differ 1000×: an NCV for a mass needs its unit written, not assumed.
        if trim_cell(self.ncv_unit).is_empty() && record_unit.dimension() == Dimension::Mass {
            context.problem(
                "ncv_unit",
                RowProblem::Implausible(Plausibility::NcvWithoutUnit {
                    quantity_unit: record_unit.symbol().to_owned(),
                }),
            );
            return None;
        }
        match parsed.ncv_unit(trim_cell(self.ncv_unit), record_unit) {
            NcvUnitReading::Factors { to_gj, per_record_unit } => Some(ncv * to_gj * per_record_unit),
            NcvUnitReading::NotEnergyPerQuantity { text } => {
                context.problem("ncv_unit", RowProblem::NotEnergyPerQuantity { text });
                None
            }
            NcvUnitReading::UnknownUnit { text, suggestion } => {
                context.problem("ncv_unit", RowProblem::UnknownUnit { text, suggestion });
                None
            }
            NcvUnitReading::Mismatch { ncv_unit } => {
                context.problem(
                    "ncv_unit",
                    RowProblem::NcvUnitMismatch { ncv_unit, quantity_unit: record_unit.symbol().to_owned() },
                );
                None
            }
        }
    }

    fn coal_bases(&self, context: &mut RowContext<'_>) -> Option<CoalBases> {
        let any = [
            &self.coal_quantity_basis,
            &self.coal_carbon_basis,
            &self.carbon_percent,
            &self.moisture_as_received,
            &self.moisture_air_dried,
        ]
        .iter()
        .any(|text| !text.trim().is_empty());
        if !any {
            return None;
        }
        let basis = |context: &mut RowContext<'_>, column: &str, text: &str| -> Option<CoalBasis> {
            if text.trim().is_empty() {
                return Some(CoalBasis::AsReceived);
            }
            let parsed = CoalBasis::parse(text);
            if parsed.is_none() {
                context.problem(column, RowProblem::NotACoalBasis { text: text.trim().to_owned() });
            }
            parsed
        };
        let quantity_basis = basis(context, "coal_quantity_basis", self.coal_quantity_basis);
        let carbon_basis = basis(context, "coal_carbon_basis", self.coal_carbon_basis);
        let moisture_percent = |context: &mut RowContext<'_>, column: &str, text: &str| {
            let percent = context.number(column, text).unwrap_or(0.0);
            // `CoalMoisture::new` checks the same range; checking each cell here names the cell that is wrong.
            if !(0.0..100.0).contains(&percent) {
                context.problem(column, RowProblem::MoistureOutOfRange { percent });
            }
            percent
        };
        let as_received = moisture_percent(context, "moisture_as_received", self.moisture_as_received);
        let air_dried = moisture_percent(context, "moisture_air_dried", self.moisture_air_dried);
        let moisture = CoalMoisture::new(as_received, air_dried).ok();
        Some(CoalBases {
            quantity_basis: quantity_basis?,
            carbon_basis: carbon_basis?,
            moisture: moisture?,
            carbon_percent: context.number("carbon_percent", self.carbon_percent),
        })
    }
}

/// Units, emission sources and data sources as read from cells, each text read once: a file of a million rows has a
/// handful of distinct units, and reading a unit (normalising its spelling, comparing it without case to every
/// known unit) costs far more than looking the text up.
#[derive(Default)]
pub struct ParsedValues {
    units: foldhash::HashMap<String, Result<Unit, tanji_units::UnitError>>,
    sources: foldhash::HashMap<String, Option<EmissionSource>>,
    data_sources: foldhash::HashMap<String, Option<DataSourceKind>>,
    /// NCV unit cells (`GJ/t`, trimmed), and how each reads against each record unit (by symbol) it was met with.
    ncv_units: foldhash::HashMap<String, Vec<(String, NcvUnitReading)>>,
}

/// An NCV unit read against a record's unit: the factors that turn an NCV written in it into GJ per record unit, or
/// what is wrong with it (the parameters of the row's problem).
#[derive(Clone)]
enum NcvUnitReading {
    /// GJ per unit of the NCV's energy, and units of the NCV's quantity per record unit.
    Factors {
        to_gj: f64,
        per_record_unit: f64,
    },
    NotEnergyPerQuantity {
        text: String,
    },
    UnknownUnit {
        text: String,
        suggestion: Option<String>,
    },
    Mismatch {
        ncv_unit: String,
    },
}

impl NcvUnitReading {
    /// How `ncv_unit` (trimmed; empty for GJ per record unit) reads against `record_unit`.
    fn of(ncv_unit: &str, record_unit: &Unit) -> NcvUnitReading {
        let ncv_unit = if ncv_unit.is_empty() { format!("GJ/{}", record_unit.symbol()) } else { ncv_unit.to_owned() };
        let Some((energy_text, per_text)) = ncv_unit.split_once('/') else {
            return NcvUnitReading::NotEnergyPerQuantity { text: ncv_unit };
        };
        let factors = Unit::parse(energy_text).and_then(|energy| {
            let per = Unit::parse(per_text)?;
            let to_gj = energy.conversion_factor_to(&Unit::parse("GJ")?)?;
            let per_record_unit = record_unit.conversion_factor_to(&per)?;
            Ok((to_gj, per_record_unit))
        });
        match factors {
            Ok((to_gj, per_record_unit)) => NcvUnitReading::Factors { to_gj, per_record_unit },
            Err(tanji_units::UnitError::Unknown { text, suggestion }) => {
                NcvUnitReading::UnknownUnit { text, suggestion }
            }
            Err(_) => NcvUnitReading::Mismatch { ncv_unit },
        }
    }
}

impl ParsedValues {
    /// [`NcvUnitReading::of`] `ncv_unit` (trimmed) against `record_unit`.
    fn ncv_unit(&mut self, ncv_unit: &str, record_unit: &Unit) -> NcvUnitReading {
        const MAX_DISTINCT: usize = 10_000;
        if let Some(readings) = self.ncv_units.get(ncv_unit)
            && let Some((_, reading)) = readings.iter().find(|(symbol, _)| symbol == record_unit.symbol())
        {
            return reading.clone();
        }
        let reading = NcvUnitReading::of(ncv_unit, record_unit);
        if self.ncv_units.len() < MAX_DISTINCT {
            let readings = self.ncv_units.entry(ncv_unit.to_owned()).or_default();
            if readings.len() < MAX_DISTINCT {
                readings.push((record_unit.symbol().to_owned(), reading.clone()));
            }
        }
        reading
    }

    /// [`Unit::parse`] of `text`.
    pub fn unit(&mut self, text: &str) -> Result<Unit, tanji_units::UnitError> {
        cached(&mut self.units, text, Unit::parse)
    }

    /// [`EmissionSource::parse`] of `text`.
    pub fn source(&mut self, text: &str) -> Option<EmissionSource> {
        cached(&mut self.sources, text, EmissionSource::parse)
    }

    /// [`DataSourceKind::parse`] of `text`.
    pub fn data_source(&mut self, text: &str) -> Option<DataSourceKind> {
        cached(&mut self.data_sources, text, DataSourceKind::parse)
    }
}

/// `parse(text)`, from `cache` when `text` was read before. The key is the text exactly as written, so nothing is
/// normalised per row; a file with more distinct spellings than this keeps reading the rest without caching them.
fn cached<T: Clone>(cache: &mut foldhash::HashMap<String, T>, text: &str, parse: impl FnOnce(&str) -> T) -> T {
    const MAX_DISTINCT: usize = 10_000;
    if let Some(value) = cache.get(text) {
        return value.clone();
    }
    let value = parse(text);
    if cache.len() < MAX_DISTINCT {
        cache.insert(text.to_owned(), value.clone());
    }
    value
}

/// An activity CSV read one row at a time, for files too large to hold as records: the header is checked when the
/// reader is made, and each row is turned into a record or its problems (the same checks as
/// [`parse_activity_csv`], which is this reader plus the duplicate-id check, collected).
pub struct ActivityCsvReader<R: std::io::Read> {
    file: String,
    reader: csv::Reader<R>,
    headers: csv::StringRecord,
    /// Where each column of [`ROW_CELL_COLUMNS`] is in a row; `None` when the header names a column twice, whose
    /// rows are read through [`ActivityRow`] so that each is refused as before.
    positions: Option<Vec<Option<usize>>>,
    row: csv::StringRecord,
    record_idx: usize,
    parsed: ParsedValues,
}

impl<R: std::io::Read> ActivityCsvReader<R> {
    /// Reads and checks the header. A UTF-8 byte-order mark at the start is skipped.
    pub fn new(file: &str, reader: R) -> Result<ActivityCsvReader<R>, Vec<RowError>> {
        // Only the header is trimmed by the reader: the cells of a row are trimmed as they are read (see
        // `RowCells::of_record`), which gives the same text without copying every record.
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::Headers).flexible(false).from_reader(reader);
        let headers = match reader.headers() {
            Ok(headers) => headers.clone(),
            Err(error) => return Err(vec![csv_error(file, 1, &error)]),
        };
        let errors: Vec<RowError> = headers
            .iter()
            .filter(|header| !ACTIVITY_COLUMNS.contains(header))
            .map(|header| RowError::of(file, 1, header, RowProblem::UnknownColumn { column: header.to_owned() }))
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        let names_a_column_twice =
            headers.iter().enumerate().any(|(header_idx, header)| headers.iter().take(header_idx).any(|h| h == header));
        let positions = (!names_a_column_twice).then(|| {
            ROW_CELL_COLUMNS.iter().map(|column| headers.iter().position(|header| header == *column)).collect()
        });
        Ok(ActivityCsvReader {
            file: file.to_owned(),
            reader,
            headers,
            positions,
            row: csv::StringRecord::new(),
            record_idx: 0,
            parsed: ParsedValues::default(),
        })
    }
}

impl<R: std::io::Read> ActivityCsvReader<R> {
    /// How far into the input the rows read so far reach, in bytes, for progress bars.
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }
}

impl<R: std::io::Read> Iterator for ActivityCsvReader<R> {
    /// The row number as a spreadsheet shows it (the header is row 1), and the row's record or its problems.
    type Item = (usize, Result<ActivityRecord, Vec<RowError>>);

    fn next(&mut self) -> Option<Self::Item> {
        let row_number = self.record_idx + 2;
        let read = match self.reader.read_record(&mut self.row) {
            Ok(false) => return None,
            Ok(true) => Ok(()),
            Err(error) => Err(error),
        };
        self.record_idx += 1;
        let result = match (read, &self.positions) {
            (Ok(()), Some(positions)) => {
                RowCells::of_record(&self.row, positions).to_record(&self.file, row_number, &mut self.parsed)
            }
            (Ok(()), None) => {
                // Read through serde, the cells trimmed first as the reader no longer trims them.
                self.row.trim();
                match self.row.deserialize::<ActivityRow>(Some(&self.headers)) {
                    Ok(row) => row.into_record_with(&self.file, row_number, &mut self.parsed),
                    Err(error) => Err(vec![csv_error(&self.file, row_number, &error)]),
                }
            }
            (Err(error), _) => Err(vec![csv_error(&self.file, row_number, &error)]),
        };
        Some((row_number, result))
    }
}

/// Read an activity CSV. Either every row is returned as a record, or every problem is (the import is refused whole).
///
/// `progress` is called with the number of rows read so far, for progress bars on large files.
pub fn parse_activity_csv(
    file: &str,
    text: &str,
    mut progress: impl FnMut(usize),
) -> Result<Vec<ActivityRecord>, Vec<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text); // Excel writes a byte-order mark.
    let rows = ActivityCsvReader::new(file, text.as_bytes())?;
    let mut errors = Vec::new();
    let mut records = Vec::new();
    let mut ids = RowIds::default();
    for (row_number, row) in rows {
        match row {
            Ok(record) => {
                if let Some(error) = ids.check(file, row_number, &record.id) {
                    errors.push(error);
                }
                records.push(record);
            }
            Err(row_errors) => errors.extend(row_errors),
        }
        if row_number % 1000 == 0 {
            progress(row_number - 1);
        }
    }
    progress(records.len() + errors.len());
    if errors.is_empty() { Ok(records) } else { Err(errors) }
}

/// The ids of an import's rows so far, for the rule that no two rows of an import share an id.
#[derive(Default)]
pub struct RowIds {
    /// The last row each id was seen on.
    first_rows: foldhash::HashMap<Box<str>, usize>,
}

impl RowIds {
    /// Notes `id` at `row_number`; a [`RowProblem::DuplicateId`] naming the previous row that had it, if one did.
    pub fn check(&mut self, file: &str, row_number: usize, id: &str) -> Option<RowError> {
        let previous_row = self.first_rows.insert(id.into(), row_number)?;
        Some(RowError::of(
            file,
            row_number,
            "id",
            RowProblem::DuplicateId { id: id.to_owned(), first_row: previous_row },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_read_in_the_order_of_the_columns() {
        assert_eq!(ROW_CELL_COLUMNS, ACTIVITY_COLUMNS);
    }

    #[test]
    fn rows_read_from_the_csv_are_the_rows_read_through_activity_row() {
        // Columns in another order than the template, some absent, cells padded with spaces.
        let csv = "unit, quantity ,period,source,facility,id,ncv,ncv_unit,oxidation,carbon_content,method\n\
                   t,400,2025-03,stationary_combustion,f1,r1,20.9,GJ/t,0.93,0.0262,\n\
                   MWh,3,2025-04,purchased_electricity,f2,r2,,,,,ELECTRICITY\n\
                   kg,1,2025-04,purchased_electricity,f2,r3,,,,,nonsense\n\
                   \tt ,\u{3000}5\u{3000}, 2025-05,stationary_combustion , f3\u{a0},r4,20.9 ,GJ/t,0.93,0.0262,\n";
        let mut parsed = ParsedValues::default();
        let rows = ActivityCsvReader::new("a.csv", csv.as_bytes()).expect("header").collect::<Vec<_>>();
        let mut through_rows = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(csv.as_bytes());
        let expected: Vec<_> = through_rows
            .deserialize::<ActivityRow>()
            .enumerate()
            .map(|(row_idx, row)| (row_idx + 2, row.expect("row").into_record_with("a.csv", row_idx + 2, &mut parsed)))
            .collect();
        assert_eq!(rows, expected);
        assert!(rows[0].1.is_ok() && rows[2].1.is_err());
        let padded = rows[3].1.as_ref().expect("white space around cells, ASCII or not, is trimmed");
        assert_eq!((padded.facility.as_str(), padded.quantity.value), ("f3", 5.0));
    }

    proptest::proptest! {
        /// The quick trim of cells is `str::trim`, for any text: ASCII, Unicode white space, control characters.
        #[test]
        fn cells_are_trimmed_as_str_trim_trims(text in "[ \t\r\n\u{b}\u{c}\u{a0}\u{3000}\u{2028}a-z0-9,._\u{4e00}-\u{4e10}\u{1}-\u{8}]{0,12}") {
            proptest::prop_assert_eq!(trim_cell(&text), text.trim());
        }
    }

    #[test]
    fn a_column_named_twice_refuses_each_row_as_before() {
        let csv = "id,facility,facility,period,source,quantity,unit\nr1,f1,f1,2025-03,fugitive,1,kg\n";
        let rows = ActivityCsvReader::new("a.csv", csv.as_bytes()).expect("header").collect::<Vec<_>>();
        assert_eq!(rows.len(), 1);
        let errors = rows[0].1.as_ref().expect_err("refused");
        assert_eq!(errors[0].problem, RowProblem::CsvUnreadable);
        assert_eq!(errors[0].row, 2);
    }

    #[test]
    fn ncv_units_read_once_give_the_same_figures_and_problems() {
        let mut parsed = ParsedValues::default();
        let row = |ncv_unit: &str, unit: &str| ActivityRow {
            id: "r1".into(),
            facility: "f1".into(),
            period: "2025-03".into(),
            source: "stationary_combustion".into(),
            quantity: "2".into(),
            unit: unit.into(),
            ncv: "389".into(),
            ncv_unit: ncv_unit.into(),
            carbon_content: "0.0153".into(),
            oxidation: "0.99".into(),
            ..ActivityRow::default()
        };
        for _ in 0..2 {
            let record = row("GJ/10^4Nm3", "万Nm3").into_record_with("a.csv", 2, &mut parsed).expect("record");
            let Method::FuelCombustion(fuel) = record.method else { panic!("fuel") };
            assert_eq!(fuel.ncv_gj_per_unit, Some(389.0));
            let record = row("MJ/Nm3", "10^4Nm3").into_record_with("a.csv", 2, &mut parsed).expect("record");
            let Method::FuelCombustion(fuel) = record.method else { panic!("fuel") };
            assert_eq!(fuel.ncv_gj_per_unit, Some(389.0 * 0.001 * 10000.0));
            let errors = row("GJ/kWh", "t").into_record_with("a.csv", 2, &mut parsed).expect_err("mismatch");
            assert_eq!(
                errors[0].problem,
                RowProblem::NcvUnitMismatch { ncv_unit: "GJ/kWh".into(), quantity_unit: "t".into() }
            );
            let errors = row("GJ", "t").into_record_with("a.csv", 2, &mut parsed).expect_err("not per quantity");
            assert_eq!(errors[0].problem, RowProblem::NotEnergyPerQuantity { text: "GJ".into() });
            let errors = row("GJ/tonn", "t").into_record_with("a.csv", 2, &mut parsed).expect_err("unknown");
            assert!(matches!(&errors[0].problem, RowProblem::UnknownUnit { text, .. } if text == "tonn"));
        }
    }
}
