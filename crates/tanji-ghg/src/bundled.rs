//! The reference data that ships inside the binary (`data/`), parsed and checked once, and the row format shared
//! with organisations' own factor files.

use std::sync::LazyLock;

use serde::Deserialize;
use tanji_units::Unit;

use crate::factor::{
    Citation, EmissionFactor, FactorCategory, FactorLibrary, FactorOwner, GasCo2e, GasRate, PublishedCo2e,
};
use crate::fuel::FuelParameters;
use crate::gas::Gas;
use crate::gwp::{GwpSet, GwpTable};
use crate::table::{TableError, TableProblem, missing_columns};

/// Every bundled factor file, by path under `data/`. A test checks that no file in `data/factors` is missing here.
pub const FACTOR_FILES: &[(&str, &str)] = &[
    ("factors/china-grid.csv", include_str!("../data/factors/china-grid.csv")),
    ("factors/desnz-2024.csv", include_str!("../data/factors/desnz-2024.csv")),
    (
        "factors/desnz-2024-materials-waste-water.csv",
        include_str!("../data/factors/desnz-2024-materials-waste-water.csv"),
    ),
    ("factors/epa-hub-2025.csv", include_str!("../data/factors/epa-hub-2025.csv")),
    ("factors/epa-hub-2025-waste.csv", include_str!("../data/factors/epa-hub-2025-waste.csv")),
    ("factors/epa-hub-2025-mobile.csv", include_str!("../data/factors/epa-hub-2025-mobile.csv")),
    ("factors/ipcc-2006-stationary.csv", include_str!("../data/factors/ipcc-2006-stationary.csv")),
];

/// Every bundled fuel-parameter file.
pub const FUEL_PARAMETER_FILES: &[(&str, &str)] = &[
    ("fuel-parameters/china-guideline.csv", include_str!("../data/fuel-parameters/china-guideline.csv")),
    ("fuel-parameters/ipcc-2006.csv", include_str!("../data/fuel-parameters/ipcc-2006.csv")),
];

const GWP_FILE: &str = include_str!("../data/gwp/globalwarmingpotentials.csv");
const BLEND_FILE: &str = include_str!("../data/gwp/refrigerant-blends.csv");

static GWP_TABLE: LazyLock<GwpTable> =
    LazyLock::new(|| GwpTable::parse(GWP_FILE, BLEND_FILE).unwrap_or_else(|error| panic!("bundled GWP data: {error}")));

static LIBRARY: LazyLock<FactorLibrary> = LazyLock::new(|| {
    let mut library = FactorLibrary::new();
    for (file, text) in FACTOR_FILES {
        for factor in parse_factor_csv(file, text, &FactorOwner::Bundled).unwrap_or_else(|errors| {
            panic!("bundled factor data: {}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
        }) {
            library.add(factor).unwrap_or_else(|error| panic!("bundled factor data, {file}: {error}"));
        }
    }
    library
});

static FUEL_PARAMETERS: LazyLock<Vec<FuelParameters>> = LazyLock::new(|| {
    FUEL_PARAMETER_FILES
        .iter()
        .flat_map(|(file, text)| {
            parse_fuel_parameter_csv(file, text).unwrap_or_else(|errors| {
                panic!("bundled fuel data: {}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
            })
        })
        .collect()
});

/// The bundled GWP table (every set) with refrigerant blends.
pub fn gwp_table() -> &'static GwpTable {
    &GWP_TABLE
}

/// The bundled emission-factor library.
pub fn factor_library() -> &'static FactorLibrary {
    &LIBRARY
}

/// The bundled default fuel parameters.
pub fn fuel_parameters() -> &'static [FuelParameters] {
    &FUEL_PARAMETERS
}

/// One row of a factor file (see `data/README.md`).
#[derive(Debug, Deserialize)]
struct FactorRow {
    id: String,
    version: String,
    name_en: String,
    name_zh: String,
    #[serde(default)]
    keywords: String,
    category: String,
    #[serde(default)]
    fuel: String,
    unit: String,
    #[serde(default)]
    co2: String,
    #[serde(default)]
    ch4: String,
    #[serde(default)]
    n2o: String,
    #[serde(default)]
    co2e: String,
    /// kg CO2e of CH4 per unit, where the source publishes the CH4 share of its CO2e total (DESNZ).
    #[serde(default)]
    ch4_co2e: String,
    /// kg CO2e of N2O per unit, likewise.
    #[serde(default)]
    n2o_co2e: String,
    #[serde(default)]
    gwp_set: String,
    #[serde(default)]
    biogenic_co2: String,
    publisher: String,
    document: String,
    #[serde(default)]
    edition: String,
    #[serde(default)]
    table: String,
    #[serde(default)]
    url: String,
    year: String,
    region: String,
    licence: String,
    #[serde(default)]
    verification: String,
    #[serde(default)]
    notes: String,
}

/// The columns a factor file must have (the others may be left out).
const FACTOR_COLUMNS: &[&str] =
    &["id", "version", "name_en", "name_zh", "category", "unit", "publisher", "document", "year", "region", "licence"];

/// The columns a fuel-parameter file must have.
const FUEL_PARAMETER_COLUMNS: &[&str] = &[
    "id",
    "version",
    "fuel",
    "name_en",
    "name_zh",
    "quantity_unit",
    "ncv",
    "ncv_unit",
    "publisher",
    "document",
    "year",
    "region",
    "licence",
];

fn problem(file: &str, row: usize, column: &str, problem: TableProblem) -> TableError {
    TableError::new(file, row, column, problem)
}

fn optional_number(file: &str, row: usize, column: &str, text: &str) -> Result<Option<f64>, TableError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let value: f64 =
        text.parse().map_err(|_| problem(file, row, column, TableProblem::NotANumber { text: text.to_owned() }))?;
    if !value.is_finite() || value < 0.0 {
        return Err(problem(file, row, column, TableProblem::NotNonNegative { text: text.to_owned() }));
    }
    Ok(Some(value))
}

fn version(file: &str, row: usize, text: &str) -> Result<u32, TableError> {
    match text.trim().parse::<u32>() {
        Ok(version) if version >= 1 => Ok(version),
        _ => Err(problem(file, row, "version", TableProblem::NotAVersion { text: text.trim().to_owned() })),
    }
}

fn year(file: &str, row: usize, text: &str) -> Result<i32, TableError> {
    let text = text.trim();
    match text.parse::<i32>() {
        Ok(year) if text.len() == 4 && text.bytes().all(|byte| byte.is_ascii_digit()) => Ok(year),
        _ => Err(problem(file, row, "year", TableProblem::NotAYear { text: text.to_owned() })),
    }
}

fn unit(file: &str, row: usize, column: &str, text: &str) -> Result<Unit, TableError> {
    Unit::parse(text).map_err(|error| problem(file, row, column, TableProblem::from_unit_error(error, text)))
}

/// A CSV reader over `text` and its header, or the header's problems (a required column missing).
fn reader_and_headers<'a>(
    file: &str,
    text: &'a str,
    required: &[&str],
) -> Result<(csv::Reader<&'a [u8]>, csv::StringRecord), Vec<TableError>> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().cloned().map_err(|error| {
        let (column, problem) = TableProblem::from_csv_error(&error, &csv::StringRecord::new());
        vec![TableError::new(file, 1, &column, problem)]
    })?;
    let missing = missing_columns(file, &headers, required);
    if missing.is_empty() { Ok((reader, headers)) } else { Err(missing) }
}

/// Parse a factor file. Every row is checked; all problems are returned together, each with its row and column.
/// A header without a required column is reported alone (row 1), as every row would fail for it.
pub fn parse_factor_csv(file: &str, text: &str, owner: &FactorOwner) -> Result<Vec<EmissionFactor>, Vec<TableError>> {
    let (mut reader, headers) = reader_and_headers(file, text, FACTOR_COLUMNS)?;
    let mut factors = Vec::new();
    let mut errors = Vec::new();
    for (record_idx, row) in reader.deserialize::<FactorRow>().enumerate() {
        let row_number = record_idx + 2;
        match row {
            Ok(row) => match factor_from_row(file, row_number, row, owner) {
                Ok(factor) => factors.push(factor),
                Err(error) => errors.push(error),
            },
            Err(error) => {
                let (column, problem) = TableProblem::from_csv_error(&error, &headers);
                errors.push(TableError::new(file, row_number, &column, problem));
            }
        }
    }
    if errors.is_empty() { Ok(factors) } else { Err(errors) }
}

fn factor_from_row(
    file: &str,
    row: usize,
    fields: FactorRow,
    owner: &FactorOwner,
) -> Result<EmissionFactor, TableError> {
    if fields.id.is_empty() {
        return Err(problem(file, row, "id", TableProblem::Required));
    }
    if !fields.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        return Err(problem(file, row, "id", TableProblem::NotASlug { text: fields.id }));
    }
    let version = version(file, row, &fields.version)?;
    let category = FactorCategory::parse(&fields.category).ok_or_else(|| {
        problem(file, row, "category", TableProblem::UnknownCategory { text: fields.category.clone() })
    })?;
    let unit = unit(file, row, "unit", &fields.unit)?;
    let mut gas_rates = Vec::new();
    for (column, gas, text) in
        [("co2", Gas::CO2, &fields.co2), ("ch4", Gas::CH4, &fields.ch4), ("n2o", Gas::N2O, &fields.n2o)]
    {
        if let Some(value) = optional_number(file, row, column, text)? {
            gas_rates.push(GasRate { gas: Gas::from_table_name(gas), kg_per_unit: value });
        }
    }
    let mut by_gas = Vec::new();
    for (column, gas, text) in [("ch4_co2e", Gas::CH4, &fields.ch4_co2e), ("n2o_co2e", Gas::N2O, &fields.n2o_co2e)] {
        if let Some(value) = optional_number(file, row, column, text)? {
            by_gas.push(GasCo2e { gas: Gas::from_table_name(gas), kg_co2e_per_unit: value });
        }
    }
    let published_co2e = match optional_number(file, row, "co2e", &fields.co2e)? {
        Some(value) => {
            let gwp_set: GwpSet = fields.gwp_set.parse().map_err(|_| {
                let text = fields.gwp_set.trim();
                let reason = if text.is_empty() {
                    TableProblem::GwpSetRequired
                } else {
                    TableProblem::UnknownGwpSet { text: text.to_owned() }
                };
                problem(file, row, "gwp_set", reason)
            })?;
            Some(PublishedCo2e { kg_per_unit: value, gwp_set, by_gas })
        }
        None if !by_gas.is_empty() => {
            let column = if fields.ch4_co2e.trim().is_empty() { "n2o_co2e" } else { "ch4_co2e" };
            return Err(problem(file, row, column, TableProblem::GasShareWithoutTotal));
        }
        None => None,
    };
    let biogenic_co2_kg_per_unit = optional_number(file, row, "biogenic_co2", &fields.biogenic_co2)?;
    if gas_rates.is_empty() && published_co2e.is_none() && biogenic_co2_kg_per_unit.is_none() {
        return Err(problem(file, row, "co2", TableProblem::NoGas));
    }
    let year = year(file, row, &fields.year)?;
    for (column, text) in
        [("publisher", &fields.publisher), ("document", &fields.document), ("licence", &fields.licence)]
    {
        if text.is_empty() {
            return Err(problem(file, row, column, TableProblem::Required));
        }
    }
    if fields.region.is_empty() {
        return Err(problem(file, row, "region", TableProblem::Required));
    }
    Ok(EmissionFactor {
        id: fields.id,
        version,
        name_en: fields.name_en,
        name_zh: fields.name_zh,
        keywords: fields
            .keywords
            .split(';')
            .map(str::trim)
            .filter(|word| !word.is_empty())
            .map(str::to_owned)
            .collect(),
        category,
        fuel: (!fields.fuel.is_empty()).then_some(fields.fuel),
        unit,
        gas_rates,
        published_co2e,
        biogenic_co2_kg_per_unit,
        citation: Citation {
            publisher: fields.publisher,
            document: fields.document,
            edition: fields.edition,
            table: fields.table,
            url: fields.url,
            licence: fields.licence,
            verification: fields.verification,
        },
        year,
        region: fields.region.to_uppercase(),
        notes: fields.notes,
        owner: owner.clone(),
    })
}

#[derive(Debug, Deserialize)]
struct FuelRow {
    id: String,
    version: String,
    fuel: String,
    name_en: String,
    name_zh: String,
    quantity_unit: String,
    ncv: String,
    ncv_unit: String,
    #[serde(default)]
    carbon_content_t_c_per_gj: String,
    #[serde(default)]
    oxidation_fraction: String,
    publisher: String,
    document: String,
    #[serde(default)]
    edition: String,
    #[serde(default)]
    table: String,
    #[serde(default)]
    url: String,
    year: String,
    region: String,
    licence: String,
    #[serde(default)]
    verification: String,
    #[serde(default)]
    notes: String,
}

/// Parse a fuel-parameter file; NCVs are normalised to GJ per `quantity_unit` (TJ/Gg equals GJ/t numerically).
pub fn parse_fuel_parameter_csv(file: &str, text: &str) -> Result<Vec<FuelParameters>, Vec<TableError>> {
    let (mut reader, headers) = reader_and_headers(file, text, FUEL_PARAMETER_COLUMNS)?;
    let mut parameters = Vec::new();
    let mut errors = Vec::new();
    for (record_idx, row) in reader.deserialize::<FuelRow>().enumerate() {
        let row_number = record_idx + 2;
        let parsed = row
            .map_err(|error| {
                let (column, problem) = TableProblem::from_csv_error(&error, &headers);
                TableError::new(file, row_number, &column, problem)
            })
            .and_then(|fields| {
                let version = version(file, row_number, &fields.version)?;
                let quantity_unit = unit(file, row_number, "quantity_unit", &fields.quantity_unit)?;
                let ncv = optional_number(file, row_number, "ncv", &fields.ncv)?
                    .ok_or_else(|| problem(file, row_number, "ncv", TableProblem::Required))?;
                // The NCV unit must be energy per the quantity unit; TJ/Gg is GJ/t.
                let (energy_text, per_text) = fields.ncv_unit.split_once('/').ok_or_else(|| {
                    problem(
                        file,
                        row_number,
                        "ncv_unit",
                        TableProblem::NotEnergyPerQuantity { text: fields.ncv_unit.clone() },
                    )
                })?;
                let energy = unit(file, row_number, "ncv_unit", energy_text)?;
                let per = unit(file, row_number, "ncv_unit", per_text)?;
                let unit_problem = |error, text: &str| {
                    problem(file, row_number, "ncv_unit", TableProblem::from_unit_error(error, text))
                };
                let to_gj = energy
                    .conversion_factor_to(&Unit::parse("GJ").expect("GJ is a unit"))
                    .map_err(|error| unit_problem(error, energy_text))?;
                let per_to_quantity =
                    quantity_unit.conversion_factor_to(&per).map_err(|error| unit_problem(error, per_text))?;
                let oxidation_fraction =
                    optional_number(file, row_number, "oxidation_fraction", &fields.oxidation_fraction)?;
                if let Some(value) = oxidation_fraction.filter(|fraction| *fraction > 1.0) {
                    return Err(problem(
                        file,
                        row_number,
                        "oxidation_fraction",
                        TableProblem::OxidationAsPercentage { value },
                    ));
                }
                Ok(FuelParameters {
                    id: fields.id,
                    version,
                    fuel: fields.fuel,
                    name_en: fields.name_en,
                    name_zh: fields.name_zh,
                    quantity_unit,
                    ncv_gj_per_unit: ncv * to_gj * per_to_quantity,
                    carbon_content_t_c_per_gj: optional_number(
                        file,
                        row_number,
                        "carbon_content_t_c_per_gj",
                        &fields.carbon_content_t_c_per_gj,
                    )?,
                    oxidation_fraction,
                    citation: Citation {
                        publisher: fields.publisher,
                        document: fields.document,
                        edition: fields.edition,
                        table: fields.table,
                        url: fields.url,
                        licence: fields.licence,
                        verification: fields.verification,
                    },
                    year: year(file, row_number, &fields.year)?,
                    region: fields.region,
                    notes: fields.notes,
                })
            });
        match parsed {
            Ok(parameter) => parameters.push(parameter),
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() { Ok(parameters) } else { Err(errors) }
}
