//! Command-line options.

use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use tanji_tenancy::member::Role;
use tanji_tenancy::organisation::OrganisationKind;

/// tanji (碳迹): the green supply-chain carbon platform.
///
/// Start with `tanji demo` to explore the console with sample data, or `tanji serve` to run it for real.
#[derive(Debug, Parser)]
#[command(name = "tanji", version, propagate_version = true, max_term_width = 110)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// How to write logs to stderr: `text` for people, `json` for log collectors.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "TANJI_LOG_FORMAT")]
    pub log_format: LogFormat,

    /// The language of reports and messages: `en` or `zh-CN`. Without it, a `zh` locale (LC_ALL, LC_MESSAGES, LANG)
    /// means Chinese, anything else English.
    #[arg(long, global = true, value_name = "LANGUAGE")]
    pub lang: Option<String>,
}

impl Cli {
    /// The language asked for with `--lang`, else by the locale.
    pub fn language(&self) -> tanji_i18n::Language {
        tanji_i18n::language_from_locale(self.lang.as_deref(), locale().as_deref())
    }
}

/// The locale's name, from the first of LC_ALL, LC_MESSAGES and LANG that is set (POSIX order).
pub fn locale() -> Option<String> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web console and the REST API.
    Serve(ServeArgs),
    /// Serve the demo data set (a retailer, its private brand, two supplier factories) on its own embedded database.
    Demo(DemoArgs),
    /// Create the database schema or bring it up to date. `serve` does this too when it starts.
    Migrate(DatabaseArgs),
    /// Register and list organisations (tenants).
    #[command(subcommand)]
    Org(OrgCommand),
    /// Add people to organisations.
    #[command(subcommand)]
    User(UserCommand),
    /// Create API tokens for machine clients.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Compute an organisation GHG inventory from an inventory file, without a database.
    #[command(subcommand)]
    Inventory(InventoryCommand),
    /// Search and show the bundled emission-factor library.
    #[command(subcommand)]
    Factors(FactorsCommand),
    /// Solve life-cycle assessment matrices (technosphere, biosphere, characterization) for product footprints.
    #[command(subcommand)]
    Lca(LcaCommand),
    /// Measure how fast this machine runs tanji's heavy computations, e.g. `tanji bench lca`: an LCA system the
    /// size of ecoinvent solved and sampled by Monte Carlo, timed and written to files to compare with other tools.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Product carbon footprints (ISO 14067) from a footprint file, no database needed.
    #[command(subcommand)]
    Footprint(FootprintCommand),
    /// The energy expert: meters and production → energy per unit per line, baselines, savings and findings, from
    /// files with no database (`analyze`), and meter readings into an organisation's meters (`import`).
    #[command(subcommand)]
    Energy(EnergyCommand),
    /// The platform operator's carbon-account scheme: methodologies and their review, the public notice's working
    /// calendar, sub-platforms and their API credentials.
    #[command(subcommand)]
    Account(AccountCommand),
}

/// `tanji account …`
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// List the operator's methodologies, every version, with its review state.
    Methodologies(AccountListArgs),
    /// Take a review step on a methodology version (as the member named by --as).
    Review(AccountReviewArgs),
    /// Mark a day of the operator's calendar as a holiday or a make-up working day, or clear it.
    Calendar(AccountCalendarArgs),
    /// List the sub-platforms with their behaviours, links and credentials.
    SubPlatforms(AccountListArgs),
    /// Issue an API credential to a sub-platform; prints its secret once.
    IssueCredential(AccountCredentialArgs),
}

/// The operator and the member a `tanji account` command acts as.
#[derive(Debug, Args)]
pub struct AccountMemberArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// The platform operator, by id or exact name.
    #[arg(long)]
    pub org: String,

    /// The member (e-mail) the command acts as; their role decides what they may do.
    #[arg(long = "as", value_name = "EMAIL")]
    pub as_member: String,
}

/// `tanji account methodologies` and `tanji account sub-platforms`.
#[derive(Debug, Args)]
pub struct AccountListArgs {
    #[command(flatten)]
    pub member: AccountMemberArgs,

    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// A review step.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ReviewStepName {
    /// Draft → expert review.
    Submit,
    /// An expert's approving sign-off.
    SignApprove,
    /// An expert's sign-off sending the version back to draft.
    SignRequestChanges,
    /// Expert review → public notice.
    StartNotice,
    /// Public notice over → approved.
    Approve,
    /// Approved → retired.
    Retire,
}

/// `tanji account review`.
#[derive(Debug, Args)]
pub struct AccountReviewArgs {
    #[command(flatten)]
    pub member: AccountMemberArgs,

    /// The methodology's number.
    pub number: u32,

    /// The version's number.
    #[arg(value_name = "VERSION")]
    pub version_number: u32,

    /// The step to take.
    #[arg(value_enum)]
    pub step: ReviewStepName,
}

/// `tanji account calendar`.
#[derive(Debug, Args)]
pub struct AccountCalendarArgs {
    #[command(flatten)]
    pub member: AccountMemberArgs,

    /// The day, e.g. 2026-10-01.
    #[arg(long)]
    pub day: String,

    /// `holiday`, `make-up` (a make-up working day, 调休) or `clear`.
    #[arg(long)]
    pub kind: String,
}

/// `tanji account issue-credential`.
#[derive(Debug, Args)]
pub struct AccountCredentialArgs {
    #[command(flatten)]
    pub member: AccountMemberArgs,

    /// The sub-platform, by code or id.
    #[arg(long)]
    pub sub_platform: String,

    /// What the credential is for.
    #[arg(long)]
    pub name: String,

    /// Comma-separated: `events:write`, `outcomes:read`.
    #[arg(long, default_value = "events:write,outcomes:read")]
    pub scopes: String,
}

/// `tanji energy …`
#[derive(Debug, Subcommand)]
pub enum EnergyCommand {
    /// Analyse a site: the site file (docs/energy-file.md) names its readings and production CSVs; prints the lines'
    /// energy per unit, the ranked findings with their expected savings, and what cleaning did. E.g.
    /// examples/energy/site.toml.
    Analyze(EnergyAnalyzeArgs),
    /// Write the illustrative example (the 瑞禾 factory's two paper-cup lines, seeded) to a directory.
    Example(EnergyExampleArgs),
    /// Import meter readings from a CSV file (header meter,timestamp,value; UTF-8 or GBK) into the database, whole
    /// file or nothing. Idempotent: a reading already stored is counted as a duplicate; see docs/energy-ingestion.md.
    Import(EnergyImportArgs),
}

/// `tanji energy import`.
#[derive(Debug, Args)]
pub struct EnergyImportArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// The readings CSV (meter,timestamp,value), or a whole site: its site.toml or the folder holding it (the site
    /// file names its readings and production CSVs; docs/energy-file.md).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The organisation whose meters the readings are for, by id or exact name.
    #[arg(long)]
    pub org: String,

    /// A whole site: the facility it is imported into, by id, code or exact name.
    #[arg(long, value_name = "FACILITY")]
    pub facility: Option<String>,

    /// A whole site: the member (e-mail) the import is recorded as; an owner or editor of the organisation.
    #[arg(long = "as", value_name = "EMAIL")]
    pub as_member: Option<String>,

    /// The offset from UTC of timestamps written without one (local time), e.g. +08:00.
    #[arg(long, value_name = "OFFSET")]
    pub timezone: Option<String>,
}

#[derive(Debug, Args)]
pub struct EnergyAnalyzeArgs {
    /// The site file (TOML).
    pub file: PathBuf,
    /// `table` for people, `json` for programs.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Also write the site's metered energy per month (electricity, natural gas, steam) as inventory activity rows
    /// with data source `meter` and the meters as evidence: a CSV that `tanji inventory compute` and the activity
    /// import accept.
    #[arg(long, value_name = "OUT")]
    pub activities_csv: Option<PathBuf>,
    /// The facility code the activity rows belong to (default: the site's name).
    #[arg(long, requires = "activities_csv")]
    pub facility: Option<String>,
    /// The emission point the rows measure, e.g. the incoming feeder the meters sum to (default: the site's name).
    #[arg(long, requires = "activities_csv")]
    pub emission_point: Option<String>,
    /// The grid factor id for metered electricity (default: the site file's `grid_factor.factor_id`).
    #[arg(long, requires = "activities_csv")]
    pub electricity_factor: Option<String>,
    /// Default fuel parameters for metered natural gas (a meter's stated energy content is written as its NCV).
    #[arg(long, default_value = "ipcc-2006-ncv-cc-natural-gas", requires = "activities_csv")]
    pub gas_parameters: String,
    /// The factor id for metered purchased steam; without it steam months are named and left out.
    #[arg(long, requires = "activities_csv")]
    pub steam_factor: Option<String>,
}

#[derive(Debug, Args)]
pub struct EnergyExampleArgs {
    /// Where to write site.toml, readings.csv and production.csv.
    pub directory: PathBuf,
    /// Seed of the generated data; the same seed gives the same files.
    #[arg(long, default_value_t = 2025)]
    pub seed: u64,
    /// First day of the data.
    #[arg(long, default_value = "2025-01-01")]
    pub first_day: String,
    /// Days of data.
    #[arg(long, default_value_t = 365)]
    pub days: u32,
}

/// `tanji footprint …`
#[derive(Debug, Subcommand)]
pub enum FootprintCommand {
    /// Compute the footprint per declared unit of the product in a footprint file (docs/footprint-file.md), with
    /// its baseline comparison when the file has one, e.g. examples/footprint/bamboo-fibre-cup.toml.
    Compute(FootprintComputeArgs),
}

#[derive(Debug, Args)]
pub struct FootprintComputeArgs {
    /// The footprint file (TOML).
    pub file: PathBuf,
    /// Run a Monte Carlo analysis with this many iterations (every exchange varies by its distribution or by the
    /// spread its data-quality ratings imply).
    #[arg(long, value_name = "N")]
    pub monte_carlo: Option<usize>,
    /// Seed of the Monte Carlo samples; the same seed gives the same result.
    #[arg(long, default_value_t = 42, requires = "monte_carlo")]
    pub seed: u64,
    /// `table` for people, `json` for programs.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

/// `tanji inventory …`
#[derive(Debug, Subcommand)]
pub enum InventoryCommand {
    /// Compute the inventory described by FILE (see docs/inventory-file.md) and print its totals and diagnostics (with
    /// `--lines`, every line with its formula and factors).
    Compute(InventoryComputeArgs),
}

#[derive(Debug, Args)]
pub struct InventoryComputeArgs {
    /// The inventory file (TOML), e.g. examples/inventory/ruihe-2025.toml.
    pub file: PathBuf,
    /// GWP set for non-CO2 gases; overrides the file's `gwp`.
    #[arg(long, value_parser = ["SAR", "AR4", "AR5", "AR6"], ignore_case = true)]
    pub gwp: Option<String>,
    /// `table` for people, `json` for machines.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// List every line with its formula, parameters and factor citations (in JSON: `inventory.lines`), and every
    /// diagnostic. Without it the report is the totals, and the first 100 diagnostics of each kind.
    #[arg(long)]
    pub lines: bool,
    /// Show the stages (read & check, compute, write) on stderr even when it is not a terminal, one line each.
    #[arg(long)]
    pub progress: bool,
    /// The organisation's output in the reporting year, for the emission intensity per unit of output.
    #[arg(long, requires = "output_unit")]
    pub output_quantity: Option<String>,
    /// The unit of `--output-quantity` (`t`, `件`, `万元` …).
    #[arg(long, requires = "output_quantity")]
    pub output_unit: Option<String>,
    /// Print the report and exit 0 even when records could not be calculated and the totals are incomplete.
    /// Without it an incomplete inventory exits with status 2 (after printing the report).
    #[arg(long)]
    pub allow_incomplete: bool,
    /// Accepted for scripts written before incomplete results failed by default; it changes nothing.
    #[arg(long, hide = true)]
    pub strict: bool,
}

/// Output formats for reports.
#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum ReportFormat {
    #[default]
    Table,
    Json,
}

/// `tanji factors …`
#[derive(Debug, Subcommand)]
pub enum FactorsCommand {
    /// Search by Chinese or English words, region, year, source, category and gas.
    Search(FactorsSearchArgs),
    /// Show one factor with every version, its citation and licence.
    Show(FactorsShowArgs),
}

#[derive(Debug, Args)]
pub struct FactorsSearchArgs {
    /// Words that must all match (名称、关键词 or English names), e.g. `电网 华东` or `natural gas`.
    pub words: Vec<String>,
    /// Region: GLOBAL, a country (CN) or a subdivision/grid (CN-ZJ, CN-GRID-EAST); a country includes its parts.
    #[arg(long)]
    pub region: Option<String>,
    /// The year the factor applies to.
    #[arg(long)]
    pub year: Option<i32>,
    /// Publisher or document, e.g. EPA, DESNZ, IPCC, 生态环境部.
    #[arg(long)]
    pub source: Option<String>,
    /// Category, e.g. electricity, stationary_combustion, mobile_combustion, transport_freight.
    #[arg(long)]
    pub category: Option<String>,
    /// Only factors that give this gas: co2, ch4, n2o, co2e (a published CO2e total) or biogenic_co2.
    #[arg(long)]
    pub gas: Option<String>,
    /// Show at most this many.
    #[arg(long, default_value_t = 30)]
    pub limit: usize,
    /// `table` for people, `json` for programs.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct FactorsShowArgs {
    /// The factor id, e.g. mee-nbs-2022-grid-cn-grid-east.
    pub id: String,
    /// `table` for people, `json` for programs.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

/// `tanji lca …`
#[derive(Debug, Subcommand)]
pub enum LcaCommand {
    /// Score products of a system given as Matrix Market coordinate files (Brightway sign convention: production
    /// positive on A's diagonal, inputs negative), e.g. the files in examples/lca/.
    Solve(LcaSolveArgs),
    /// Write the product system of a footprint file as the three Matrix Market files `lca solve` reads
    /// (A.mtx, B.mtx, c.mtx), with products.csv and flows.csv naming the columns and rows.
    Export(LcaExportArgs),
    /// Monte Carlo uncertainty analysis of one product of a system given as Matrix Market files, with the
    /// distributions of its exchanges in an uncertainty file (docs/lca-uncertainty.md): percentiles and a histogram
    /// of the score.
    MonteCarlo(LcaMonteCarloArgs),
}

/// The product system of `lca solve` and `lca monte-carlo`: three Matrix Market files, or Brightway datapackages.
#[derive(Debug, Args)]
pub struct LcaMatrixFiles {
    /// Technosphere matrix A (n×n): column j is the process making product j.
    #[arg(long, value_name = "A.mtx", required_unless_present = "datapackage")]
    pub technosphere: Option<PathBuf>,
    /// Biosphere matrix B (flows×n): elementary flows (emissions, resources) per run of each process.
    #[arg(long, value_name = "B.mtx", required_unless_present = "datapackage")]
    pub biosphere: Option<PathBuf>,
    /// Characterization factors c (flows×1), e.g. GWP-100 in kg CO2e per kg of each flow.
    #[arg(long, value_name = "c.mtx", required_unless_present = "datapackage")]
    pub characterization: Option<PathBuf>,
    /// Instead of the three files: a Brightway `bw_processing` datapackage (its zip, or the directory holding
    /// datapackage.json), repeated for several (e.g. a database's and an impact category's), read as bw2calc reads
    /// them; products are then the activities' database ids (docs/lca.md).
    #[arg(
        long,
        value_name = "PACKAGE",
        conflicts_with_all = ["technosphere", "biosphere", "characterization"]
    )]
    pub datapackage: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LcaMonteCarloArgs {
    #[command(flatten)]
    pub matrices: LcaMatrixFiles,
    /// The distributions: a CSV file `matrix,row,col,uncertainty_type,loc,scale,shape,minimum,maximum,negative` in
    /// Brightway's stats_arrays terms (docs/lca-uncertainty.md). Exchanges without a line are fixed. Not with
    /// `--datapackage`, whose distributions arrays are used.
    #[arg(long, value_name = "FILE.csv", required_unless_present = "datapackage", conflicts_with = "datapackage")]
    pub uncertainty: Option<PathBuf>,
    /// The product (1-based column of A; with `--datapackage`, the activity's database id) whose score is sampled,
    /// one unit of it.
    #[arg(long, value_name = "J")]
    pub demand: NonZeroUsize,
    /// Monte Carlo iterations.
    #[arg(long, default_value_t = 1_000)]
    pub iterations: usize,
    /// Seed of the samples: the same seed gives the same scores, whatever the number of threads.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads.
    #[arg(long, default_value = "1")]
    pub threads: NonZeroUsize,
    /// Draw every uncertain exchange of A and B in every iteration, also those of flows without a factor (which
    /// cannot change the score): the same work as Brightway's Monte Carlo, for comparisons. The scores do not
    /// change.
    #[arg(long)]
    pub resample_all: bool,
    /// Bars of the histogram.
    #[arg(long, default_value_t = 20)]
    pub bins: usize,
    /// `json`, `csv` (one line per statistic and per histogram bar) or `table` for people.
    #[arg(long, value_enum, default_value_t = LcaFormat::Json)]
    pub format: LcaFormat,
}

#[derive(Debug, Args)]
pub struct LcaExportArgs {
    /// The footprint file (TOML), as for `tanji footprint compute`.
    pub file: PathBuf,
    /// Export the file's baseline product instead of the product.
    #[arg(long)]
    pub baseline: bool,
    /// The directory to write to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("products").required(true).args(["demand", "all_products"])))]
pub struct LcaSolveArgs {
    #[command(flatten)]
    pub matrices: LcaMatrixFiles,
    /// Score one unit of product J (1-based column of A, as in Matrix Market; with `--datapackage`, the activity's
    /// database id, as in a bw2calc demand).
    #[arg(long, value_name = "J")]
    pub demand: Option<NonZeroUsize>,
    /// Score one unit of every product with one adjoint solve.
    #[arg(long)]
    pub all_products: bool,
    /// `csv` (`product,score` lines with a header), `json`, or `table` for people.
    #[arg(long, value_enum, default_value_t)]
    pub format: LcaFormat,
    /// The solver: `auto` (GMRES with a verified residual, then the sparse LU if GMRES does not answer),
    /// `iterative` (GMRES only) or `lu` (the sparse LU only).
    #[arg(long, value_enum, default_value_t)]
    pub method: LcaMethod,
    /// Print the time of each stage (parse, analyse, factorise, solve, write) and the method that answered, on
    /// stderr.
    #[arg(long)]
    pub timings: bool,
}

/// The solver choices of `lca solve` and `lca monte-carlo` (tanji_lca::MethodChoice).
#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum LcaMethod {
    #[default]
    Auto,
    Iterative,
    Lu,
}

impl From<LcaMethod> for tanji_lca::MethodChoice {
    fn from(method: LcaMethod) -> Self {
        match method {
            LcaMethod::Auto => Self::Auto,
            LcaMethod::Iterative => Self::Iterative,
            LcaMethod::Lu => Self::Lu,
        }
    }
}

/// `tanji bench …`
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Time life-cycle assessment on this machine: generate a reproducible system the size of ecoinvent (20,000
    /// processes by default), then time footprints of every product, one product's footprint and Monte Carlo
    /// sampling; the system is written as Matrix Market files so that scripts/bench-lca-brightway.py can time
    /// Brightway on the same one.
    Lca(BenchLcaArgs),
    /// Time the energy engine on a generated factory workload (20 factories × 10 lines × 3 meters, a year at 15
    /// minutes; one line's heater 30 % hot): load from CSV, register → interval kWh, daily kWh per line, monthly SEC
    /// against the factory's other lines, written as CSV in DIR for other tools.
    Energy(BenchEnergyArgs),
    /// Time the carbon points ledger through the store: ACCOUNTS accounts, then TRANSFERS transfers in batches,
    /// uniform and zipfian, each batch one durable (fsync'd) transaction, on a fresh SQLite file (the default) or on
    /// PostgreSQL; prints transfers/s and batch latency p50/p99, then checks the ledger's invariants from what is
    /// stored and fails if any is broken.
    Ledger(BenchLedgerArgs),
}

#[derive(Debug, Args)]
pub struct BenchLedgerArgs {
    /// Accounts to create.
    #[arg(long, default_value_t = 100_000)]
    pub accounts: usize,
    /// Transfers to submit.
    #[arg(long, default_value_t = 2_000_000)]
    pub transfers: usize,
    /// Transfers per batch (TigerBeetle's largest batch is 8,190).
    #[arg(long, default_value_t = 8_190)]
    pub batch: usize,
    /// Which accounts transfers touch: uniform, zipfian, or both (one run each, on fresh ledgers).
    #[arg(long, value_enum, default_value_t = LedgerDistribution::Both)]
    pub distribution: LedgerDistribution,
    /// Seed of the generated transfers.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Run on this PostgreSQL database (postgres://USER@HOST:PORT/DATABASE) instead of a fresh SQLite file in OUT.
    #[arg(long, value_name = "URL")]
    pub postgres: Option<String>,
    /// Where the SQLite file and tanji-bench-ledger.json are written.
    #[arg(long, value_name = "DIR", default_value = "target/bench-ledger")]
    pub out: PathBuf,
}

/// How `tanji bench ledger` picks the accounts of a transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LedgerDistribution {
    /// Every account equally likely.
    Uniform,
    /// Zipf's law over the accounts (exponent 1): a few accounts take most transfers.
    Zipfian,
    /// Uniform, then zipfian.
    Both,
}

#[derive(Debug, Args)]
pub struct BenchEnergyArgs {
    /// Factories.
    #[arg(long, default_value_t = 20)]
    pub factories: usize,
    /// Lines per factory (at least 2: a line's peers are the other lines of its factory).
    #[arg(long, default_value_t = 10)]
    pub lines: usize,
    /// Days of data.
    #[arg(long, default_value_t = 365)]
    pub days: u32,
    /// Metering interval, minutes.
    #[arg(long, default_value_t = 15)]
    pub interval_minutes: u32,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Where the CSV files and tanji-bench-energy.json are written.
    #[arg(long, default_value = "tanji-bench-energy")]
    pub out: PathBuf,
    /// Also load the readings through the store into a fresh SQLite database in OUT and answer the dashboard
    /// questions from its roll-ups.
    #[arg(long)]
    pub store: bool,
    /// Also time MQTT readings through this broker (mqtt://HOST:PORT) into the store (implies --store).
    #[arg(long)]
    pub mqtt: Option<String>,
    /// Readings to publish for the MQTT step.
    #[arg(long, default_value_t = 20_000)]
    pub mqtt_readings: usize,
}

#[derive(Debug, Args)]
pub struct BenchLcaArgs {
    /// Activities (processes) of the generated system; about 13 technosphere and 10 biosphere entries each.
    #[arg(long, default_value_t = 20_000)]
    pub activities: usize,
    /// Seed of the generated system and of the Monte Carlo samples.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Monte Carlo iterations.
    #[arg(long, default_value_t = 2_000)]
    pub iterations: usize,
    /// Worker threads for Monte Carlo.
    #[arg(long, default_value = "2")]
    pub threads: NonZeroUsize,
    /// The product (1-based column) of the one-demand and Monte Carlo figures.
    #[arg(long, value_name = "J")]
    pub demand: Option<usize>,
    /// Relative residual at which a Monte Carlo iteration's iterative solve stops.
    #[arg(long, default_value_t = 1e-10)]
    pub tolerance: f64,
    /// Cold runs of each deterministic figure; the median is reported.
    #[arg(long, default_value_t = 3)]
    pub repeats: usize,
    /// Where to write the matrices, the uncertainty, the scores and tanji-bench.json.
    #[arg(long, value_name = "DIR", default_value = "target/bench-lca")]
    pub out: PathBuf,
}

/// Output formats for `lca solve`.
#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum LcaFormat {
    /// `product,score` lines with a header, each score the shortest text that reads back to the same number.
    #[default]
    Csv,
    Json,
    /// For people: four significant figures.
    Table,
}

/// Log output formats.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Output formats for commands that print data.
#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
}

/// Where the data lives.
#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// Database URL: `sqlite://PATH` or `postgres://USER@HOST:PORT/DATABASE`.
    /// Default: the SQLite file `tanji.sqlite` in the data directory.
    #[arg(long, env = "TANJI_DATABASE_URL", value_name = "URL")]
    pub database: Option<String>,

    /// Directory for the embedded database and other local files; created if missing.
    #[arg(long, env = "TANJI_DATA_DIR", value_name = "DIR", default_value = "tanji-data")]
    pub data_dir: PathBuf,
}

/// `tanji serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// Address and port to listen on. Use 0.0.0.0:PORT to accept connections from other machines.
    #[arg(long, env = "TANJI_LISTEN", value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// PEM certificate chain: serve HTTPS instead of HTTP (needs --tls-key).
    #[arg(long, env = "TANJI_TLS_CERT", value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key for --tls-cert.
    #[arg(long, env = "TANJI_TLS_KEY", value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// The URL people reach this server at, e.g. https://tanji.example.com, when behind a reverse proxy.
    /// Used in label QR codes and links the server hands out (else they use --listen); an https URL also marks
    /// cookies Secure.
    #[arg(long, env = "TANJI_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,

    /// A reverse proxy (address or network, e.g. 10.0.0.0/8) whose X-Forwarded-For names the client; repeat for
    /// several. Without it the header is ignored, so clients cannot pick their own address for the login throttle.
    #[arg(long = "trusted-proxy", env = "TANJI_TRUSTED_PROXIES", value_name = "ADDR|CIDR", value_delimiter = ',',
          value_parser = parse_network)]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// Subscribe to live meter readings on this MQTT broker, e.g. mqtt://127.0.0.1:1883 (QoS 1, persistent
    /// session; topics `{prefix}/{organisation-id}/meters/{meter-code}`; see docs/energy-ingestion.md).
    #[arg(long, env = "TANJI_MQTT_URL", value_name = "URL")]
    pub mqtt: Option<String>,

    /// The MQTT client id. Keep it fixed: the broker keeps unacknowledged readings for it across restarts.
    #[arg(long, env = "TANJI_MQTT_CLIENT_ID", value_name = "ID", default_value = "tanji-server")]
    pub mqtt_client_id: String,

    /// The first topic level the subscriber listens under.
    #[arg(long, env = "TANJI_MQTT_TOPIC_PREFIX", value_name = "PREFIX", default_value = "tanji")]
    pub mqtt_topic_prefix: String,

    /// Consume carbon-account events from this NATS JetStream server, e.g. nats://127.0.0.1:4222 (durable pull
    /// consumer, explicit acknowledgement; subjects tanji.account.{sub-platform-id}.events; see
    /// docs/account-events.md).
    #[arg(long, env = "TANJI_NATS_URL", value_name = "URL")]
    pub nats: Option<String>,

    /// The JetStream stream of carbon-account events (created when missing).
    #[arg(long, env = "TANJI_NATS_STREAM", value_name = "NAME", default_value = "TANJI_ACCOUNT_EVENTS")]
    pub nats_stream: String,

    /// The durable consumer's name. Keep it fixed: the server keeps unacknowledged events for it across restarts.
    #[arg(long, env = "TANJI_NATS_CONSUMER", value_name = "NAME", default_value = "tanji-account-events")]
    pub nats_consumer: String,

    /// The first subject levels: events arrive on {prefix}.{sub-platform-id}.events.
    #[arg(long, env = "TANJI_NATS_SUBJECT_PREFIX", value_name = "PREFIX", default_value = "tanji.account")]
    pub nats_subject_prefix: String,
}

/// An address (a one-host network) or a network in CIDR notation.
fn parse_network(text: &str) -> Result<ipnet::IpNet, ValueRefused> {
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| ValueRefused::NotANetwork { text: text.to_owned() })
}

/// Why one of tanji's own value parsers refused a value: kept as data so that a usage error can say it in the
/// reader's language (`help::usage_error_text`); its `Display` is the English clap prints.
#[derive(Debug)]
pub enum ValueRefused {
    /// Neither an IP address nor a network.
    NotANetwork { text: String },
    /// The domain's own check refused it (an organisation kind, a role).
    Field(tanji_tenancy::validation::FieldError),
}

impl ValueRefused {
    /// The reason in `language`.
    pub fn problem(&self, language: tanji_i18n::Language) -> tanji_i18n::cli::ValueProblem {
        use tanji_i18n::cli::ValueProblem;
        match self {
            Self::NotANetwork { .. } => ValueProblem::NotANetwork,
            Self::Field(error) => {
                let text = match language {
                    tanji_i18n::Language::SimplifiedChinese => &tanji_server::i18n::ZH,
                    tanji_i18n::Language::English => &tanji_server::i18n::EN,
                };
                ValueProblem::Explained(text.problem(&error.problem))
            }
        }
    }
}

impl std::fmt::Display for ValueRefused {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotANetwork { text } => {
                write!(formatter, "`{text}` is neither an IP address nor a network such as 10.0.0.0/8")
            }
            Self::Field(error) => write!(formatter, "{error}"),
        }
    }
}

impl std::error::Error for ValueRefused {}

/// `tanji demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address and port to listen on.
    #[arg(long, env = "TANJI_LISTEN", value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Directory for the demo database (`demo.sqlite`), kept apart from real data; created if missing.
    #[arg(long, env = "TANJI_DATA_DIR", value_name = "DIR", default_value = "tanji-data")]
    pub data_dir: PathBuf,

    /// Start from a fresh demo database, deleting the previous one.
    #[arg(long)]
    pub reset: bool,

    /// The URL phones and other computers reach the demo at, e.g. http://192.168.1.20:8080 (with
    /// --listen 0.0.0.0:8080), for the labels' QR codes and the links the demo prints. Without it they use
    /// --listen, which by default only this computer can open.
    #[arg(long, env = "TANJI_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
}

/// `tanji org …`.
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Register an organisation.
    Add(OrgAddArgs),
    /// List all organisations.
    List(ListArgs),
}

/// `tanji org add`.
#[derive(Debug, Args)]
pub struct OrgAddArgs {
    /// Registered name, e.g. "台州瑞禾日用品科技有限公司".
    #[arg(long)]
    pub name: String,
    /// What part it plays on the platform.
    #[arg(long, value_parser = parse_kind)]
    pub kind: OrganisationKind,
    /// ISO 3166-1 alpha-2 country code.
    #[arg(long, default_value = "CN")]
    pub country: String,
    /// Unified social credit code (统一社会信用代码), checked against its check character.
    #[arg(long)]
    pub credit_code: Option<String>,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// A command that only lists.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// `tanji user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a person to an organisation, creating their account if needed.
    ///
    /// The password is read from stdin with --password-stdin; otherwise a strong one is generated and printed once.
    Add(UserAddArgs),
}

/// `tanji user add`.
#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// Login e-mail address.
    #[arg(long)]
    pub email: String,
    /// Name as shown in the console (needed for a new account).
    #[arg(long)]
    pub name: Option<String>,
    /// The organisation, by id or exact name.
    #[arg(long, value_name = "ID_OR_NAME")]
    pub org: String,
    /// Role in the organisation.
    #[arg(long, value_parser = parse_role)]
    pub role: Role,
    /// Read the new account's password from the first line of stdin instead of generating one.
    #[arg(long)]
    pub password_stdin: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// `tanji token …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token acting for a member of an organisation. The secret is printed once.
    Create(TokenCreateArgs),
}

/// `tanji token create`.
#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// The organisation, by id or exact name.
    #[arg(long, value_name = "ID_OR_NAME")]
    pub org: String,
    /// The member the token acts for; it never exceeds their role.
    #[arg(long, value_name = "EMAIL")]
    pub user: String,
    /// What the token is for, e.g. "ERP nightly export".
    #[arg(long)]
    pub name: String,
    /// Comma-separated scopes: read, write, admin.
    #[arg(long, default_value = "read")]
    pub scopes: String,
    /// Days until the token stops working; without it, it works until revoked.
    #[arg(long, value_name = "DAYS")]
    pub expires_in_days: Option<u16>,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

fn parse_kind(raw: &str) -> Result<OrganisationKind, ValueRefused> {
    OrganisationKind::parse("kind", raw).map_err(ValueRefused::Field)
}

fn parse_role(raw: &str) -> Result<Role, ValueRefused> {
    Role::parse("role", raw).map_err(ValueRefused::Field)
}

/// Sets up logging to stderr. `TANJI_LOG` (e.g. `debug`, `tanji_store=trace`) overrides the default `info`.
pub fn init_logging(cli: &Cli) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TANJI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => {
            use std::io::IsTerminal;
            // Colour only for a person at a terminal, and never when NO_COLOR is set (https://no-color.org).
            let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            builder.with_ansi(colour).init();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
