//! One target per parser of outside input. Each takes bytes as an upload or a file on disk arrives, runs the parser
//! the way the adapters do, follows an accepted file as far as it reaches (rows → records → the inventory engine;
//! model → matrices → footprint → Monte Carlo; matrices → solve), and checks what a user is promised:
//!
//! - a rejection says what is wrong and where (row and column, line, or model path) — never an empty message;
//! - an accepted file round-trips where tanji has a writer (Matrix Market, footprint TOML, the model's JSON);
//! - two readers of the same file agree (the server's `read_activity_rows` and the CLI's `parse_activity_csv`);
//! - accepted numbers stay finite through the engines.
//!
//! A violated promise is returned as `Err(message)`; a panic is caught by the engine. Both are crashes.

use std::num::NonZeroUsize;

use arbitrary::Unstructured;
use tanji_footprint::{MonteCarloRequest, Problems, compute, monte_carlo, parse_footprint_file, write_footprint_file};
use tanji_ghg::FactorOwner;
use tanji_ghg::bundled::{factor_library, fuel_parameters, gwp_table, parse_factor_csv};
use tanji_inventory::{
    ACTIVITY_COLUMNS, ActivityRecord, ConsolidationApproach, FacilityBoundary, Fraction, InventoryFile, InventoryInput,
    Reference, RowError, calculate, decode_csv, parse_activity_csv, read_activity_rows,
};
use tanji_lca::{CheckedSolver, SolvePolicy, System, matrix_market};

use crate::structured;

/// A seed file: a real example or a hand-made edge case.
#[derive(Clone, Debug)]
pub struct Seed {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Seed {
    fn new(name: &str, bytes: &[u8]) -> Self {
        Self { name: name.to_owned(), bytes: bytes.to_vec() }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// What kind of answer an input got; an input with a kind not seen before joins the corpus.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Outcome(pub String);

impl Outcome {
    /// Whether the input was accepted whole (parsed, and computed where the target computes).
    pub fn is_accepted(&self) -> bool {
        matches!(self.0.as_str(), "computed" | "parsed" | "solved" | "added")
    }
}

/// One fuzz target.
pub struct Target {
    pub name: &'static str,
    /// What the target feeds, and from where tanji reads it.
    pub about: &'static str,
    pub seeds: fn() -> Vec<Seed>,
    /// Words of the format worth inserting (field names, keywords), on top of the shared pools.
    pub dictionary: &'static [&'static str],
    /// A near-valid input built from the seeds by structure-aware edits.
    pub structured: fn(&mut Unstructured<'_>, &[Seed]) -> arbitrary::Result<Vec<u8>>,
    /// Runs the parser and checks its promises.
    pub check: fn(&[u8]) -> Result<Outcome, String>,
}

/// Every target, in the order `scripts/fuzz.sh` runs them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "inventory_toml",
        about: "inventory file (TOML) → inline activity records → inventory engine; `tanji inventory compute`",
        seeds: inventory_seeds,
        dictionary: &[
            "organisation",
            "reporting_year",
            "gwp",
            "consolidation",
            "facilities",
            "activities",
            "base_year",
        ],
        structured: structured_toml,
        check: check_inventory_toml,
    },
    Target {
        name: "activity_csv",
        about: "activity CSV, UTF-8 or GBK → rows → records → inventory engine; console and API imports, the CLI",
        seeds: activity_seeds,
        dictionary: &["id,facility,period,source,quantity,unit,factor", "quantity", "unit", "period", "method"],
        structured: structured_csv,
        check: check_activity_csv,
    },
    Target {
        name: "factor_csv",
        about: "an organisation's own factor file (the bundled row format), UTF-8 or GBK → the factor library",
        seeds: factor_seeds,
        dictionary: &["co2e", "gwp_set", "category", "version", "heat_steam", "material", "electricity"],
        structured: structured_csv,
        check: check_factor_csv,
    },
    Target {
        name: "footprint_toml",
        about: "footprint file (TOML) → model → matrices → footprint, baseline comparison, Monte Carlo; uploads, CLI",
        seeds: footprint_seeds,
        dictionary: &["processes", "outputs", "inputs", "factors", "transport", "emissions", "allocation", "from"],
        structured: structured_toml,
        check: check_footprint_toml,
    },
    Target {
        name: "matrix_market",
        about: "one Matrix Market coordinate file; `tanji lca solve` reads three",
        seeds: matrix_seeds,
        dictionary: &["coordinate", "real", "integer", "general", "symmetric", "array", "pattern", "complex"],
        structured: structured_matrix,
        check: check_matrix_market,
    },
    Target {
        name: "lca_system",
        about: "A, B and c as three Matrix Market files in one input → System → sparse LU → every product's score",
        seeds: system_seeds,
        dictionary: &["%%MatrixMarket matrix coordinate real general\n"],
        structured: structured_system,
        check: check_lca_system,
    },
    Target {
        name: "datapackage_npy",
        about: "one .npy array of a Brightway datapackage (first byte: which) in the example package → matrices → \
                distributions → every product's score; `tanji lca solve/monte-carlo --datapackage`",
        seeds: datapackage_seeds,
        dictionary: &["{'descr': ", "'fortran_order': False", "'shape': (", "<f8", "<i8", "<f4", "|b1", "u1"],
        structured: structured_npy,
        check: check_datapackage_npy,
    },
    Target {
        name: "energy_readings_csv",
        about: "a meter readings CSV, long or wide, UTF-8 or GBK → cleaning → energy analysis; `tanji energy analyze`",
        seeds: energy_seeds,
        dictionary: &["meter,timestamp,value", "timestamp", "L1-heater", "L2-heater", "+08:00", "Z", "T"],
        structured: structured_csv,
        check: check_energy_readings_csv,
    },
    Target {
        name: "energy_weather_csv",
        about: "a daily weather CSV (date,mean_temperature_c), UTF-8 or GBK → degree-days; `tanji energy analyze` and \
                the whole-site import",
        seeds: weather_seeds,
        dictionary: &["date,mean_temperature_c", "2025-01-01", "-", ".", "e9", "NaN", "inf"],
        structured: structured_csv,
        check: check_energy_weather_csv,
    },
    Target {
        name: "units",
        about: "units and quantities as typed in every form, CSV cell and model field (`Unit::parse`, `Quantity::parse`)",
        seeds: unit_seeds,
        dictionary: &["10^4", "万", "/", "·", "^", "Nm3", "kWh"],
        structured: structured_units,
        check: check_units,
    },
    Target {
        name: "tenancy_fields",
        about: "the console's and API's account fields: names, codes, e-mails, passwords, scopes, facilities",
        seeds: tenancy_seeds,
        dictionary: &["@", "CN", "CN-ZJ", "read,write", "admin", "owner", "factory"],
        structured: structured_tenancy,
        check: check_tenancy_fields,
    },
];

/// The target called `name`.
pub fn find(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|target| target.name == name)
}

// ---------------------------------------------------------------------------------------------------------------
// Seeds: the examples shipped in `examples/`, and hand-made edge files in `crates/tanji-fuzz/seeds/`.

macro_rules! seeds {
    ($($path:literal),* $(,)?) => {
        vec![$(Seed::new($path, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../", $path)))),*]
    };
}

fn inventory_seeds() -> Vec<Seed> {
    seeds![
        "examples/inventory/ruihe-2025.toml",
        "examples/inventory/own-factors.toml",
        "examples/inventory/golden-hand-check.toml",
        "crates/tanji-fuzz/seeds/inventory/base-year-average.toml",
    ]
}

fn activity_seeds() -> Vec<Seed> {
    let mut seeds = seeds![
        "examples/inventory/ruihe-activities.csv",
        "crates/tanji-fuzz/seeds/activities/every-method.csv",
        "crates/tanji-fuzz/seeds/activities/quoted-newlines-bom.csv",
    ];
    // The same rows as Chinese Excel saves them: GBK.
    let gbk: Vec<Seed> = seeds
        .iter()
        .map(|seed| Seed {
            name: format!("{} (GBK)", seed.name),
            bytes: encoding_rs::GBK.encode(&seed.text()).0.into_owned(),
        })
        .collect();
    seeds.extend(gbk);
    seeds
}

fn factor_seeds() -> Vec<Seed> {
    let mut seeds = seeds!["examples/inventory/own-factors.csv", "crates/tanji-fuzz/seeds/factors/edge-rows.csv"];
    seeds.push(Seed {
        name: "examples/inventory/own-factors.csv (GBK)".into(),
        bytes: encoding_rs::GBK.encode(&seeds[0].text()).0.into_owned(),
    });
    seeds
}

fn footprint_seeds() -> Vec<Seed> {
    seeds![
        "examples/footprint/bamboo-fibre-cup.toml",
        "examples/footprint/bagasse-plate.toml",
        "crates/tanji-fuzz/seeds/footprint/minimal.toml",
    ]
}

fn matrix_seeds() -> Vec<Seed> {
    seeds![
        "examples/lca/A.mtx",
        "examples/lca/B.mtx",
        "examples/lca/c.mtx",
        "crates/tanji-fuzz/seeds/matrix/empty-and-comments.mtx",
    ]
}

fn system_seeds() -> Vec<Seed> {
    let files = seeds!["examples/lca/A.mtx", "examples/lca/B.mtx", "examples/lca/c.mtx"];
    vec![Seed {
        name: "examples/lca/{A,B,c}.mtx".into(),
        bytes: files.iter().flat_map(|seed| seed.bytes.iter().copied()).collect(),
    }]
}

/// The arrays of examples/lca/datapackage, in the order the first byte of a `datapackage_npy` input picks them.
const DATAPACKAGE_ARRAYS: [&str; 9] = [
    "technosphere.indices.npy",
    "technosphere.data.npy",
    "technosphere.flip.npy",
    "technosphere.distributions.npy",
    "biosphere.indices.npy",
    "biosphere.data.npy",
    "biosphere.distributions.npy",
    "gwp100.indices.npy",
    "gwp100.data.npy",
];

/// The example package's own files, which inputs replace one at a time.
fn datapackage_files() -> (&'static str, [&'static [u8]; 9]) {
    macro_rules! array {
        ($name:literal) => {
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/lca/datapackage/", $name)).as_slice()
        };
    }
    (
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/lca/datapackage/datapackage.json")),
        [
            array!("technosphere.indices.npy"),
            array!("technosphere.data.npy"),
            array!("technosphere.flip.npy"),
            array!("technosphere.distributions.npy"),
            array!("biosphere.indices.npy"),
            array!("biosphere.data.npy"),
            array!("biosphere.distributions.npy"),
            array!("gwp100.indices.npy"),
            array!("gwp100.data.npy"),
        ],
    )
}

fn datapackage_seeds() -> Vec<Seed> {
    let (_, arrays) = datapackage_files();
    arrays
        .iter()
        .enumerate()
        .map(|(array_idx, bytes)| {
            let mut input = vec![array_idx as u8];
            input.extend_from_slice(bytes);
            Seed { name: format!("examples/lca/datapackage/{}", DATAPACKAGE_ARRAYS[array_idx]), bytes: input }
        })
        .collect()
}

fn unit_seeds() -> Vec<Seed> {
    seeds!["crates/tanji-fuzz/seeds/units/units.txt"]
}

fn tenancy_seeds() -> Vec<Seed> {
    seeds!["crates/tanji-fuzz/seeds/tenancy/fields.txt"]
}

// ---------------------------------------------------------------------------------------------------------------
// Structure-aware generators.

fn choose_seed<'a>(u: &mut Unstructured<'_>, seeds: &'a [Seed]) -> arbitrary::Result<&'a Seed> {
    u.choose(seeds)
}

fn structured_toml(u: &mut Unstructured<'_>, seeds: &[Seed]) -> arbitrary::Result<Vec<u8>> {
    let seed = choose_seed(u, seeds)?.text();
    let keys = structured::toml_keys(&seed);
    structured::mutate_toml(u, &seed, &keys)
}

fn structured_csv(u: &mut Unstructured<'_>, seeds: &[Seed]) -> arbitrary::Result<Vec<u8>> {
    // Edit the UTF-8 seeds; the generator itself re-encodes some outputs as GBK.
    let seed = choose_seed(u, seeds)?;
    let text = std::str::from_utf8(&seed.bytes).map_err(|_| arbitrary::Error::IncorrectFormat)?;
    structured::mutate_csv(u, text)
}

fn structured_matrix(u: &mut Unstructured<'_>, _seeds: &[Seed]) -> arbitrary::Result<Vec<u8>> {
    structured::matrix_market_with(u, None, None).map(String::into_bytes)
}

fn structured_system(u: &mut Unstructured<'_>, _seeds: &[Seed]) -> arbitrary::Result<Vec<u8>> {
    // Mostly consistent shapes, so the solver is reached; sometimes not, so the shape checks are.
    let n_processes = u.int_in_range(0..=5)?;
    let n_flows = u.int_in_range(0..=3)?;
    let consistent = u.ratio(5, 6)?;
    let technosphere = structured::matrix_market_with(u, Some(n_processes), Some(n_processes))?;
    let biosphere = structured::matrix_market_with(u, Some(n_flows), (consistent).then_some(n_processes))?;
    let characterization = structured::matrix_market_with(u, (consistent).then_some(n_flows), Some(1))?;
    Ok(format!("{technosphere}{biosphere}{characterization}").into_bytes())
}

fn structured_npy(u: &mut Unstructured<'_>, seeds: &[Seed]) -> arbitrary::Result<Vec<u8>> {
    // A seed array with a few bytes overwritten, mostly in the data after the header, sometimes cut short.
    let mut bytes = choose_seed(u, seeds)?.bytes.clone();
    for _ in 0..u.int_in_range(1..=6)? {
        let at = if u.ratio(3, 4)? && bytes.len() > 129 {
            u.int_in_range(129..=bytes.len() - 1)?
        } else {
            u.int_in_range(0..=bytes.len() - 1)?
        };
        bytes[at] = u.arbitrary()?;
    }
    if u.ratio(1, 8)? {
        let keep = u.int_in_range(0..=bytes.len())?;
        bytes.truncate(keep);
    }
    Ok(bytes)
}

fn structured_units(u: &mut Unstructured<'_>, _seeds: &[Seed]) -> arbitrary::Result<Vec<u8>> {
    structured::field_lines(u, crate::pools::UNITS)
}

fn structured_tenancy(u: &mut Unstructured<'_>, _seeds: &[Seed]) -> arbitrary::Result<Vec<u8>> {
    structured::field_lines(
        u,
        &[
            "台州瑞禾日用品科技有限公司",
            "91330100MA27XL0E2A",
            "913301006798765431",
            "owner@example.com",
            "a@b",
            "CN",
            "CN-ZJ",
            "CN-XX",
            "US-CA",
            "read",
            "read,write,admin",
            "owner",
            "editor",
            "factory",
            "warehouse",
            "correct horse battery staple",
        ],
    )
}

// ---------------------------------------------------------------------------------------------------------------
// Checks.

/// An error message reduced to its kind: quoted values (from the first “ to the last ”, and between backticks or
/// straight double quotes, as serde quotes them) and digits removed, so that "row 7: “x” is not a number" and "row 9:
/// “y” is not a number" count as one outcome.
fn shape(text: &str) -> String {
    let text = match (text.find('“'), text.rfind('”')) {
        (Some(start), Some(end)) if start < end => format!("{}…{}", &text[..start], &text[end + '”'.len_utf8()..]),
        _ => text.to_owned(),
    };
    let mut out = String::new();
    let mut quote = None;
    for character in text.chars() {
        match (quote, character) {
            (None, '`' | '"') => {
                quote = Some(character);
                out.push('…');
            }
            (Some(open), _) if character == open => quote = None,
            (Some(_), _) => {}
            (None, '0'..='9') => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            (None, _) => out.push(character),
        }
        if out.chars().count() >= 60 {
            break;
        }
    }
    out
}

/// A column or key as an outcome: a documented one by name, anything else (an unknown header the file made up) as
/// one kind.
fn known_column(column: &str) -> &str {
    if column.is_empty()
        || ACTIVITY_COLUMNS.contains(&column)
        || column.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.') && column.len() <= 40
    {
        column
    } else {
        "(unknown)"
    }
}

/// The name of an error's variant, from its `Debug` form: the kind, without the values.
fn variant<T: std::fmt::Debug>(error: &T) -> String {
    let debug = format!("{error:?}");
    debug.split([' ', '{', '(']).next().unwrap_or_default().to_owned()
}

/// A row error names its file, says what is wrong and where: a row (1-based) or, for the file as a whole, a column or
/// key. Row 0 with no column is allowed only where the caller says the problem is the whole file.
fn check_row_error(error: &RowError, whole_file_allowed: bool) -> Result<(), String> {
    if error.file.is_empty() {
        return Err(format!("a rejection without its file name: {error:?}"));
    }
    if error.problem.code().is_empty() {
        return Err(format!("a rejection without a reason: {error:?}"));
    }
    if error.row == 0 && error.column.is_empty() && !whole_file_allowed {
        return Err(format!("a rejection that does not say where (no row, no column): {error}"));
    }
    Ok(())
}

fn check_problems(problems: &Problems) -> Result<(), String> {
    if problems.problems.is_empty() {
        return Err("a model refused with no problem listed".into());
    }
    use tanji_i18n::Localize as _;
    for problem in &problems.problems {
        let hint = tanji_i18n::footprint::Hint(&problem.kind);
        for language in [tanji_i18n::Language::English, tanji_i18n::Language::SimplifiedChinese] {
            if problem.path.trim().is_empty()
                || problem.localize(language).trim().is_empty()
                || hint.localize(language).trim().is_empty()
            {
                return Err(format!("a model problem without its path, message or hint: {problem:?}"));
            }
        }
    }
    Ok(())
}

fn finite(what: &str, value: f64) -> Result<(), String> {
    if value.is_finite() { Ok(()) } else { Err(format!("an accepted input gave a non-finite {what}: {value}")) }
}

/// Runs the inventory engine on accepted records, as `tanji inventory compute` and the store do, and checks the
/// totals are numbers.
fn calculate_and_check(input: &InventoryInput) -> Result<(), String> {
    let reference = Reference { factors: factor_library(), fuel_parameters: fuel_parameters(), gwp: gwp_table() };
    let inventory = calculate(input, reference);
    let totals = &inventory.totals;
    for (what, value) in [
        ("scope 1 total", totals.scope1_kg),
        ("scope 2 (location) total", totals.scope2_location_kg),
        ("scope 2 (market) total", totals.scope2_market_kg),
        ("scope 3 total", totals.scope3_kg),
        ("location-based total", totals.total_location_kg),
        ("market-based total", totals.total_market_kg),
        ("biogenic CO2 total", totals.biogenic_co2_kg),
    ] {
        finite(what, value)?;
    }
    // The store keeps the result as JSON and reads it back for every page: a non-finite number anywhere would be
    // written as `null` and fail to read. (Equality is not asked: serde_json's default float reader may differ from
    // the written value in the last bit.)
    let json = serde_json::to_string(&inventory).map_err(|error| format!("the inventory is not JSON: {error}"))?;
    match serde_json::from_str::<tanji_inventory::Inventory>(&json) {
        Ok(_) => Ok(()),
        Err(error) => Err(format!("the inventory's JSON does not read back ({error}): a number is not finite")),
    }
}

fn check_inventory_toml(bytes: &[u8]) -> Result<Outcome, String> {
    let text = String::from_utf8_lossy(bytes);
    let file = match InventoryFile::parse("fuzz.toml", &text) {
        Ok(file) => file,
        Err(errors) => {
            let first = errors.first().ok_or("an inventory file refused with no error listed")?;
            for error in &errors {
                check_row_error(error, false)?;
            }
            return Ok(Outcome(format!("file: {} {}", known_column(&first.column), first.problem.code())));
        }
    };
    let mut records = Vec::new();
    for (row_idx, row) in file.inline_activities.iter().enumerate() {
        match row.clone().into_record("fuzz.toml [[activities]]", row_idx + 1) {
            Ok(record) => records.push(record),
            Err(errors) => {
                for error in &errors {
                    check_row_error(error, false)?;
                }
                let first = &errors[0];
                return Ok(Outcome(format!("row: {} {}", known_column(&first.column), first.problem.code())));
            }
        }
    }
    let (Some(gwp_set), Ok(period_start), Ok(period_end)) = (
        file.gwp_set,
        jiff::civil::Date::new(file.reporting_year, 1, 1),
        jiff::civil::Date::new(file.reporting_year, 12, 31),
    ) else {
        return Ok(Outcome("parsed, not computable".into()));
    };
    calculate_and_check(&InventoryInput {
        organisation: file.organisation.clone(),
        period_start,
        period_end,
        gwp_set,
        consolidation: file.consolidation,
        facilities: file.facilities.clone(),
        records,
    })?;
    Ok(Outcome("computed".into()))
}

fn facilities_of(records: &[ActivityRecord]) -> Vec<FacilityBoundary> {
    let mut keys: Vec<&str> = records.iter().map(|record| record.facility.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter()
        .map(|key| FacilityBoundary {
            key: key.to_owned(),
            name: key.to_owned(),
            equity_share: Fraction::from_percent(100.0).expect("100 % is a fraction"),
            financial_control: true,
            operational_control: true,
        })
        .collect()
}

fn check_activity_csv(bytes: &[u8]) -> Result<Outcome, String> {
    // The CLI's reader: decode, then validate every row at once.
    let decoded = decode_csv("fuzz.csv", bytes);
    let whole = decoded.as_ref().ok().map(|text| parse_activity_csv("fuzz.csv", text, |_| {}));
    // The server's reader: structure first, then each row (the store adds facilities and ids).
    let rows = match read_activity_rows("fuzz.csv", bytes) {
        Ok(rows) => rows,
        Err(errors) => {
            let first = errors.first().ok_or("an activity file refused with no error listed")?;
            for error in &errors {
                check_row_error(error, decoded.is_err())?;
            }
            if let Some(Ok(records)) = &whole {
                return Err(format!("the CLI reads {} records that the server refuses: {first}", records.len()));
            }
            return Ok(Outcome(format!("file: {} {}", known_column(&first.column), first.problem.code())));
        }
    };
    let mut records = Vec::new();
    let mut row_errors = Vec::new();
    for (row_idx, row) in rows.into_iter().enumerate() {
        match row.into_record("fuzz.csv", row_idx + 2) {
            Ok(record) => records.push(record),
            Err(errors) => {
                for error in &errors {
                    check_row_error(error, false)?;
                    if error.column.is_empty() {
                        return Err(format!("a row error that does not name its column: {error}"));
                    }
                }
                row_errors.extend(errors);
            }
        }
    }
    match (&whole, row_errors.first()) {
        (Some(Ok(_)), Some(error)) => {
            return Err(format!("the CLI accepts a file whose row the server refuses: {error}"));
        }
        // The CLI also refuses duplicate ids, which the store checks itself.
        (Some(Err(cli_errors)), None) if cli_errors.iter().any(|error| error.column != "id") => {
            return Err(format!("the server accepts every row of a file the CLI refuses: {}", cli_errors[0]));
        }
        _ => {}
    }
    if let Some(first) = row_errors.first() {
        return Ok(Outcome(format!("row: {} {}", known_column(&first.column), first.problem.code())));
    }
    let (Ok(period_start), Ok(period_end)) = (jiff::civil::Date::new(2025, 1, 1), jiff::civil::Date::new(2025, 12, 31))
    else {
        return Err("2025 is a year".into());
    };
    let facilities = facilities_of(&records);
    calculate_and_check(&InventoryInput {
        organisation: "fuzz".into(),
        period_start,
        period_end,
        gwp_set: tanji_ghg::GwpSet::AR6,
        consolidation: ConsolidationApproach::OperationalControl,
        facilities,
        records,
    })?;
    Ok(Outcome("computed".into()))
}

fn check_factor_csv(bytes: &[u8]) -> Result<Outcome, String> {
    // As the console and API read an uploaded factor file: decoded like an activity CSV, then parsed.
    let text = match decode_csv("fuzz-factors.csv", bytes) {
        Ok(text) => text,
        Err(error) => {
            check_row_error(&error, true)?;
            return Ok(Outcome("not UTF-8 or GBK".into()));
        }
    };
    let owner = FactorOwner::Organisation("fuzz".into());
    let factors = match parse_factor_csv("fuzz-factors.csv", &text, &owner) {
        Ok(factors) => factors,
        Err(errors) => {
            let first = errors.first().ok_or("a factor file refused with no error listed")?;
            for error in &errors {
                // Row 1 is the header (a required column missing, named in `column`); data rows start at 2.
                let header_without_column = error.row == 1 && error.column.is_empty();
                if error.file.is_empty() || error.problem.code().is_empty() || error.row < 1 || header_without_column {
                    return Err(format!("a factor-file error without its file, row or problem: {error:?}"));
                }
            }
            return Ok(Outcome(format!("row: {} {}", known_column(&first.column), first.problem.code())));
        }
    };
    // As the store adds them: next to the bundled library, ids and versions checked.
    let mut library = factor_library().clone();
    let mut n_added = 0;
    for factor in factors {
        for rate in &factor.gas_rates {
            finite("gas rate", rate.kg_per_unit)?;
        }
        if factor_library().latest(&factor.id).is_none() && library.add(factor).is_ok() {
            n_added += 1;
        }
    }
    Ok(Outcome(if n_added > 0 { "added".into() } else { "parsed, none added".into() }))
}

fn check_footprint_toml(bytes: &[u8]) -> Result<Outcome, String> {
    let text = String::from_utf8_lossy(bytes);
    let file = match parse_footprint_file(&text) {
        Ok(file) => file,
        Err(problems) => {
            check_problems(&problems)?;
            return Ok(Outcome(format!("file: {}", problems.problems[0].code())));
        }
    };
    // The file writer (`GET …/model.toml`) and the API's JSON must give the same model back.
    let written =
        write_footprint_file(&file).map_err(|error| format!("an accepted model cannot be written: {error}"))?;
    let reread = parse_footprint_file(&written)
        .map_err(|problems| format!("the written model does not parse: {problems}\n{written}"))?;
    let has_nan = written.contains("nan");
    if reread != file && !has_nan {
        return Err(format!("write → parse changed the model:\n{written}"));
    }
    let footprint = match compute(&file.model, factor_library(), gwp_table()) {
        Ok(footprint) => footprint,
        Err(tanji_footprint::FootprintError::Model(problems)) => {
            check_problems(&problems)?;
            return Ok(Outcome(format!("model: {}", problems.problems[0].code())));
        }
    };
    finite("footprint total", footprint.total_kg_co2e)?;
    // An accepted model is saved as JSON (`model_json`) and read back for every page of its product.
    let json = serde_json::to_string(&file.model).map_err(|error| format!("the model is not JSON: {error}"))?;
    if let Err(error) = serde_json::from_str::<tanji_footprint::ProductModel>(&json) {
        return Err(format!("an accepted model's JSON (as the store keeps it) does not read back: {error}"));
    }
    // The store keeps the footprint as JSON and reads it back for every page.
    let json = serde_json::to_string(&footprint).map_err(|error| format!("the footprint is not JSON: {error}"))?;
    if let Err(error) = serde_json::from_str::<tanji_footprint::Footprint>(&json) {
        return Err(format!("the footprint's JSON does not read back ({error}): a number is not finite"));
    }
    if let Some(baseline) = &file.baseline
        && let Ok(baseline_footprint) = compute(baseline, factor_library(), gwp_table())
        && let Err(problems) = tanji_footprint::compare(&footprint, &baseline_footprint)
    {
        check_problems(&problems)?;
    }
    let request = MonteCarloRequest { iterations: 100, seed: 15, threads: NonZeroUsize::MIN };
    match monte_carlo(&file.model, factor_library(), gwp_table(), request) {
        Ok(spread) => {
            finite("Monte Carlo mean", spread.mean_kg_co2e)?;
            Ok(Outcome("computed".into()))
        }
        Err(error) => {
            if error.to_string().trim().is_empty() {
                return Err("a Monte Carlo refusal with no message".into());
            }
            Ok(Outcome(format!("monte carlo: {}", shape(&error.to_string()))))
        }
    }
}

fn matrix_error_says_where(error: &matrix_market::MatrixMarketError) -> Result<(), String> {
    let message = error.to_string();
    let hint = tanji_i18n::lca::matrix_market_hint(error, tanji_i18n::Language::English);
    if !message.starts_with("line ") || hint.is_empty() {
        return Err(format!("a Matrix Market error without its line or hint: {message}"));
    }
    Ok(())
}

fn check_matrix_market(bytes: &[u8]) -> Result<Outcome, String> {
    let text = String::from_utf8_lossy(bytes);
    match matrix_market::parse(&text) {
        Ok(matrix) => {
            let written = matrix_market::write(&matrix);
            match matrix_market::parse(&written) {
                Ok(reread) if reread == matrix => Ok(Outcome("parsed".into())),
                Ok(_) => Err(format!("write → parse changed the matrix:\n{written}")),
                Err(error) => Err(format!("the written matrix does not parse: {error}\n{written}")),
            }
        }
        Err(error) => {
            matrix_error_says_where(&error)?;
            let detail = match &error {
                matrix_market::MatrixMarketError::MalformedEntry { reason, .. } => format!("{reason:?}"),
                _ => String::new(),
            };
            Ok(Outcome(format!("{} {detail}", variant(&error))))
        }
    }
}

fn check_datapackage_npy(bytes: &[u8]) -> Result<Outcome, String> {
    use tanji_lca::datapackage::{self, Descriptor, LoadedPackage, UncertainDatapackageError};
    let Some((&which, array)) = bytes.split_first() else { return Ok(Outcome("empty".into())) };
    let (descriptor, arrays) = datapackage_files();
    let replaced = DATAPACKAGE_ARRAYS[usize::from(which) % DATAPACKAGE_ARRAYS.len()];
    let mut package = LoadedPackage {
        descriptor: Some(Descriptor::parse(descriptor).map_err(|error| format!("the example's descriptor: {error}"))?),
        files: Default::default(),
    };
    for (name, bytes) in DATAPACKAGE_ARRAYS.iter().zip(arrays) {
        package.files.insert((*name).to_owned(), if *name == replaced { array.to_vec() } else { bytes.to_vec() });
    }
    let says_where = |error: &datapackage::DatapackageError| -> Result<(), String> {
        let message = tanji_i18n::Localize::localize(error, tanji_i18n::Language::English);
        let fix = tanji_i18n::lca::datapackage_fix(&error.problem, tanji_i18n::Language::English);
        if error.file.is_empty() || !message.starts_with(&error.file) || fix.is_empty() {
            return Err(format!("a datapackage error without its file or fix: {message}"));
        }
        Ok(())
    };
    let system = match datapackage::read(&[package]) {
        Ok(system) => system,
        Err(error) => {
            says_where(&error)?;
            return Ok(Outcome(format!("refused: {}", variant(&error.problem))));
        }
    };
    if let Err(error) = system.uncertain_system() {
        return match error {
            UncertainDatapackageError::Package(error) => {
                says_where(&error)?;
                Ok(Outcome(format!("distribution: {}", variant(&error.problem))))
            }
            UncertainDatapackageError::MonteCarlo(error) => Ok(Outcome(format!("system: {}", variant(&error)))),
        };
    }
    let system = match System::from_matrices(&system.technosphere, &system.biosphere, &system.characterization) {
        Ok(system) => system,
        Err(error) => return Ok(Outcome(format!("shape: {}", variant(&error)))),
    };
    match CheckedSolver::new(system, SolvePolicy::default()).and_then(|solver| solver.all_scores()) {
        Ok((scores, _)) => {
            for score in scores {
                finite("score", score)?;
            }
            Ok(Outcome("solved".into()))
        }
        Err(error) => Ok(Outcome(format!("solve: {}", variant(&error)))),
    }
}

/// The input cut into files at each `%%MatrixMarket` header after the first line.
fn split_matrix_files(text: &str) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    for line in text.split_inclusive('\n') {
        if line.trim_start().to_ascii_lowercase().starts_with("%%matrixmarket") || files.is_empty() {
            files.push(String::new());
        }
        if let Some(last) = files.last_mut() {
            last.push_str(line);
        }
    }
    files
}

fn check_lca_system(bytes: &[u8]) -> Result<Outcome, String> {
    let text = String::from_utf8_lossy(bytes);
    let files = split_matrix_files(&text);
    let [technosphere, biosphere, characterization] = files.as_slice() else {
        return Ok(Outcome(format!("{} files", files.len().min(4))));
    };
    let mut matrices = Vec::new();
    for file in [technosphere, biosphere, characterization] {
        match matrix_market::parse(file) {
            Ok(matrix) => matrices.push(matrix),
            Err(error) => {
                matrix_error_says_where(&error)?;
                return Ok(Outcome("a file refused".into()));
            }
        }
    }
    let system = match System::from_matrices(&matrices[0], &matrices[1], &matrices[2]) {
        Ok(system) => system,
        Err(error) => {
            if error.to_string().trim().is_empty() {
                return Err("a shape refusal with no message".into());
            }
            return Ok(Outcome(format!("shape: {}", variant(&error))));
        }
    };
    let solver = match CheckedSolver::new(system, SolvePolicy::default()) {
        Ok(solver) => solver,
        Err(error) => {
            if error.to_string().trim().is_empty() {
                return Err("a solver refusal with no message".into());
            }
            return Ok(Outcome(format!("solve: {}", variant(&error))));
        }
    };
    match solver.all_scores() {
        Ok((scores, _)) => {
            for score in scores {
                finite("score", score)?;
            }
            Ok(Outcome("solved".into()))
        }
        Err(error) => {
            if error.to_string().trim().is_empty() {
                return Err("a scoring refusal with no message".into());
            }
            Ok(Outcome(format!("score: {}", variant(&error))))
        }
    }
}

fn energy_seeds() -> Vec<Seed> {
    seeds!["crates/tanji-fuzz/seeds/energy/long.csv", "crates/tanji-fuzz/seeds/energy/wide.csv"]
}

/// Readings against the shipped example site: every refusal names this file and reads in both languages; every
/// accepted file is cleaned and analysed, and its findings and cleaning decisions read in both languages.
fn check_energy_readings_csv(bytes: &[u8]) -> Result<Outcome, String> {
    use tanji_i18n::Localize as _;
    use tanji_i18n::energy::file_problem_text;
    let site_bytes = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/energy/site.toml"));
    let site = tanji_energy::read_site_file("site.toml", site_bytes)
        .map_err(|problems| format!("the example site file is refused: {problems:?}"))?
        .site;
    match tanji_energy::read_readings_csv("fuzz.csv", bytes, &site) {
        Ok((readings, _layout)) => {
            let analysis = tanji_energy::analyze(&site, &readings, &[], &tanji_energy::AnalysisOptions::default());
            for finding in &analysis.findings {
                finding.kind.chinese();
                finding.kind.english();
            }
            for meter in &analysis.meters {
                for event in &meter.events {
                    event.english();
                }
            }
            Ok(Outcome("computed".into()))
        }
        Err(problems) => {
            let first = problems.first().ok_or("a readings file refused with no problem listed")?;
            for problem in &problems {
                if problem.file != "fuzz.csv" {
                    return Err(format!("a problem that does not name its file: {problem:?}"));
                }
                file_problem_text(problem, tanji_i18n::Language::English);
                file_problem_text(problem, tanji_i18n::Language::SimplifiedChinese);
            }
            let code =
                serde_json::to_value(&first.kind).ok().and_then(|value| value["code"].as_str().map(str::to_owned));
            Ok(Outcome(format!("file: {}", code.unwrap_or_default())))
        }
    }
}

fn weather_seeds() -> Vec<Seed> {
    seeds!["crates/tanji-fuzz/seeds/energy/weather.csv", "crates/tanji-fuzz/seeds/energy/weather-wrong.csv"]
}

/// Weather against the shipped example site's station: every refusal names this file, row and field and reads in
/// both languages; every accepted file has one plausible temperature per day, and its degree-days are finite and
/// never negative.
fn check_energy_weather_csv(bytes: &[u8]) -> Result<Outcome, String> {
    use tanji_i18n::energy::file_problem_text;
    let site_bytes = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/energy/site.toml"));
    let weather_file = tanji_energy::read_site_file("site.toml", site_bytes)
        .map_err(|problems| format!("the example site file is refused: {problems:?}"))?
        .weather
        .ok_or("the example site file names no weather")?;
    match tanji_energy::file::read_weather_csv("fuzz.csv", bytes, &weather_file) {
        Ok(weather) => {
            let mut days = std::collections::HashSet::new();
            let by_day = weather.by_day();
            for day in &weather.days {
                let (low, high) = tanji_energy::file::TEMPERATURE_RANGE_C;
                if !(low..=high).contains(&day.mean_temperature_c) {
                    return Err(format!("an implausible temperature accepted: {day:?}"));
                }
                if !days.insert(day.day) {
                    return Err(format!("a day accepted twice: {}", day.day));
                }
                let degree_days = by_day.get(&day.day).ok_or("a day without its degree-days")?;
                if !(degree_days.heating_degree_days >= 0.0 && degree_days.cooling_degree_days >= 0.0) {
                    return Err(format!("negative or undefined degree-days: {degree_days:?}"));
                }
            }
            Ok(Outcome(if weather.days.is_empty() { "no days" } else { "read" }.into()))
        }
        Err(problems) => {
            let first = problems.first().ok_or("a weather file refused with no problem listed")?;
            for problem in &problems {
                if problem.file != "fuzz.csv" {
                    return Err(format!("a problem that does not name its file: {problem:?}"));
                }
                file_problem_text(problem, tanji_i18n::Language::English);
                file_problem_text(problem, tanji_i18n::Language::SimplifiedChinese);
            }
            let code =
                serde_json::to_value(&first.kind).ok().and_then(|value| value["code"].as_str().map(str::to_owned));
            Ok(Outcome(format!("file: {}", code.unwrap_or_default())))
        }
    }
}

fn check_units(bytes: &[u8]) -> Result<Outcome, String> {
    use tanji_units::{Quantity, Unit};
    let text = String::from_utf8_lossy(bytes);
    let mut units = Vec::new();
    let mut outcome = std::collections::BTreeSet::new();
    for line in text.lines().take(64) {
        match Unit::parse(line) {
            Ok(unit) => {
                // The symbol a unit is shown with reads back as the same unit.
                match Unit::parse(unit.symbol()) {
                    Ok(again) if again == unit => {}
                    Ok(again) => return Err(format!("“{line}” reads as {unit:?}, its symbol as {again:?}")),
                    Err(error) => {
                        return Err(format!("the symbol “{}” of “{line}” does not parse: {error}", unit.symbol()));
                    }
                }
                outcome.insert(format!("{:?}", unit.dimension()));
                units.push(unit);
            }
            Err(error) => {
                if error.to_string().trim().is_empty() {
                    return Err(format!("“{line}” refused with no message"));
                }
                outcome.insert(variant(&error));
            }
        }
        if let Err(error) = Quantity::parse(line)
            && error.to_string().trim().is_empty()
        {
            return Err(format!("the quantity “{line}” refused with no message"));
        }
    }
    for pair in units.windows(2) {
        if let Ok(factor) = pair[0].conversion_factor_to(&pair[1]) {
            finite("conversion factor", factor)?;
        }
    }
    Ok(Outcome(outcome.into_iter().collect::<Vec<_>>().join(" ")))
}

fn check_tenancy_fields(bytes: &[u8]) -> Result<Outcome, String> {
    use tanji_tenancy::facility::{FacilityDetails, FacilityInput, FacilityKind};
    use tanji_tenancy::member::{DisplayName, Email, Password, Role};
    use tanji_tenancy::organisation::{
        CountryCode, OrganisationKind, OrganisationName, OrganisationProfile, UnifiedSocialCreditCode,
    };
    use tanji_tenancy::region::SubdivisionCode;
    use tanji_tenancy::supplier_link::InvitationDetails;
    use tanji_tenancy::token::{TokenName, TokenScopes};
    use tanji_tenancy::validation::FieldError;

    let text = String::from_utf8_lossy(bytes);
    let fields: Vec<&str> = text.split('\n').take(16).collect();
    let field = |idx: usize| fields.get(idx % fields.len().max(1)).copied().unwrap_or("");
    let mut outcome = std::collections::BTreeSet::new();
    let mut note = |result: Result<(), FieldError>| -> Result<(), String> {
        if let Err(error) = result {
            if error.field.is_empty() {
                return Err(format!("a field error that does not name its field: {error:?}"));
            }
            outcome.insert(format!("{} {}", error.field, variant(&error.problem)));
        }
        Ok(())
    };
    for value in &fields {
        note(OrganisationName::parse(value).map(drop))?;
        note(CountryCode::parse("country", value).map(drop))?;
        note(UnifiedSocialCreditCode::parse(value).map(drop))?;
        note(Email::parse(value).map(drop))?;
        note(DisplayName::parse(value).map(drop))?;
        note(Password::parse_new(value).map(drop))?;
        note(TokenScopes::parse(value).map(drop))?;
        note(TokenName::parse(value).map(drop))?;
        note(Role::parse("role", value).map(drop))?;
        note(FacilityKind::parse("kind", value).map(drop))?;
        note(OrganisationKind::parse("kind", value).map(drop))?;
        note(SubdivisionCode::parse("subdivision", value, &CountryCode::china()).map(drop))?;
    }
    note(OrganisationProfile::parse(field(0), field(1), Some(field(2))).map(drop))?;
    note(InvitationDetails::parse(field(0), Some(field(1))).map(drop))?;
    note(
        FacilityDetails::parse(&FacilityInput {
            name: field(0),
            code: Some(field(1)),
            kind: field(2),
            country: Some(field(3)),
            subdivision: Some(field(4)),
            city: Some(field(5)),
            address: Some(field(6)),
            name_en: Some(field(7)),
        })
        .map(drop),
    )?;
    Ok(Outcome(outcome.into_iter().collect::<Vec<_>>().join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_passes_its_target() {
        for target in TARGETS {
            for seed in (target.seeds)() {
                if let Err(violation) = (target.check)(&seed.bytes) {
                    panic!("{} on {}: {violation}", target.name, seed.name);
                }
            }
        }
    }

    #[test]
    fn the_examples_are_accepted_whole() {
        let check = |target: &str, seed_name: &str, expect: &str| {
            let target = find(target).expect("a target");
            let seed = (target.seeds)().into_iter().find(|seed| seed.name == seed_name).expect("a seed");
            assert_eq!((target.check)(&seed.bytes).map(|outcome| outcome.0), Ok(expect.to_owned()), "{seed_name}");
        };
        check("activity_csv", "examples/inventory/ruihe-activities.csv", "computed");
        check("activity_csv", "examples/inventory/ruihe-activities.csv (GBK)", "computed");
        check("footprint_toml", "examples/footprint/bamboo-fibre-cup.toml", "computed");
        check("matrix_market", "examples/lca/A.mtx", "parsed");
        check("lca_system", "examples/lca/{A,B,c}.mtx", "solved");
        check("datapackage_npy", "examples/lca/datapackage/technosphere.data.npy", "solved");
        check("factor_csv", "examples/inventory/own-factors.csv", "added");
    }

    #[test]
    fn outcomes_are_kinds_not_values() {
        assert_eq!(shape("row 7: “abc” is not a number"), "row #: … is not a number");
        assert_eq!(shape("id “a”b” is also used on row 12"), "id … is also used on row #");
        assert_eq!(shape("unknown variant `x#`, expected one of `a`, `b`"), "unknown variant …, expected one of …, …");
        assert_eq!(
            shape("invalid type: string \"tkm\", expected struct Unit"),
            "invalid type: string …, expected struct Unit"
        );
        assert_eq!(variant(&matrix_market::MatrixMarketError::Empty), "Empty");
    }
}
