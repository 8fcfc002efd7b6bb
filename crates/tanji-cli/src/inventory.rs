//! `tanji inventory compute` and `tanji factors …`: the inventory engine and factor library without a database.
//!
//! `inventory compute` streams its activity CSV, so that a file of a million rows needs no more memory than its
//! result: every row is read, checked and calculated in one pass, summed and dropped (the import applies whole or not
//! at all: after the first bad row nothing more is calculated, and every problem is reported). Only when a record
//! turns out to be superseded by one of a better data source — known once every row has been read — are the rows
//! read a second time, to calculate the periods concerned knowing the competition from the start.

use std::fmt::Write as _;
use std::io::{BufRead as _, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use serde::Serialize;
use tanji_ghg::bundled::{factor_library, fuel_parameters, gwp_table, parse_factor_csv};
use tanji_ghg::{EmissionFactor, FactorCategory, FactorGas, FactorLibrary, FactorOwner, FactorQuery, GwpSet};
use tanji_i18n::inventory::{figure, mass_co2e, row_error_text};
use tanji_i18n::{Language, Localize, text};
use tanji_inventory::import::RowProblem;
use tanji_inventory::{
    ActivityCsvReader, ActivityRecord, BaseYearComparison, Inventory, InventoryFile, InventoryInput, InventoryRun,
    IsoCategory, LineStatus, ProductionOutput, RecalculationAssessment, Reference, RowError, RowIds, RunOptions, Scope,
    Severity, SourceCompetition, assess_recalculation, base_year_period, closest_factor_id, compare_with_base_totals,
};

use crate::options::{
    FactorsCommand, FactorsSearchArgs, FactorsShowArgs, InventoryCommand, InventoryComputeArgs, ReportFormat,
};

pub fn inventory(command: InventoryCommand, language: Language) -> anyhow::Result<()> {
    match command {
        InventoryCommand::Compute(args) => compute(args, language),
    }
}

pub fn factors(command: FactorsCommand, language: Language) -> anyhow::Result<()> {
    match command {
        FactorsCommand::Search(args) => search(args, language),
        FactorsCommand::Show(args) => show(args, language),
    }
}

/// Everything `inventory compute` reports. With `--lines` the inventory holds every line; without, `lines` is left
/// out and `n_lines` says how many there were.
#[derive(Serialize)]
struct ComputeReport {
    inventory: InventoryReport,
    base_year: Option<BaseYearComparison>,
    recalculation: Option<RecalculationAssessment>,
    /// The stated output and the intensity per unit of it, when `--output-quantity` is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    intensity: Option<Intensity>,
}

/// The inventory with its lines (`--lines`), or without them and with their number.
struct InventoryReport {
    inventory: Inventory,
    /// Lines calculated, when the lines themselves are not listed.
    n_lines: Option<usize>,
}

impl Serialize for InventoryReport {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(n_lines) = self.n_lines else {
            return self.inventory.serialize(serializer);
        };
        // The summary: every field of the inventory but `lines` (an empty list would read as "no lines").
        let mut value = serde_json::to_value(&self.inventory).map_err(serde::ser::Error::custom)?;
        if let Some(object) = value.as_object_mut() {
            object.remove("lines");
            object.insert("n_lines".to_owned(), n_lines.into());
        }
        value.serialize(serializer)
    }
}

/// Emissions per unit of stated output.
#[derive(Serialize)]
struct Intensity {
    output: ProductionOutput,
    location_based_kg_per_unit: f64,
    market_based_kg_per_unit: f64,
}

/// A file's bytes; the error names the file in the reader's language (the system's reason is added in English only,
/// as the system gives it in English).
fn read_bytes(path: &Path, display: &str, language: Language) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|error| cannot_read(display, &error, language))
}

/// A file that cannot be read, named in the reader's language.
fn cannot_read(display: &str, error: &std::io::Error, language: Language) -> anyhow::Error {
    match language {
        Language::SimplifiedChinese => anyhow::anyhow!("{display}：无法读取文件\n  提示：检查路径和读取权限"),
        Language::English => anyhow::anyhow!("{display}: cannot read the file: {error}\n  hint: check the path"),
    }
}

/// A file's text, which must be UTF-8.
fn read_text(path: &Path, display: &str, language: Language) -> anyhow::Result<String> {
    String::from_utf8(read_bytes(path, display, language)?)
        .map_err(|_| row_errors(&[RowError::of(display, 0, "", RowProblem::NotText)], language))
}

fn row_errors(errors: &[RowError], language: Language) -> anyhow::Error {
    let shown: Vec<String> = errors.iter().take(50).map(|error| row_error_text(error, language)).collect();
    let n_more = errors.len().saturating_sub(50);
    let more = if n_more > 0 {
        text!(language, zh: "\n……另有 {n_more} 个问题", en: "\n… and {n_more} more")
    } else {
        String::new()
    };
    let n_errors = errors.len();
    let headline =
        text!(language, zh: "{n_errors} 个问题，未进行计算：", en: "{n_errors} problem(s); nothing was computed:");
    anyhow::anyhow!("{headline}\n{}{more}", shown.join("\n"))
}

/// An inventory file with the factor library it draws on, before its activity rows are read.
struct InventorySetup {
    file: InventoryFile,
    display: String,
    library: FactorLibrary,
    /// The activity CSV the file names, if any.
    activities: Option<ActivitySource>,
}

/// Read an inventory file and the own factors it names.
fn read_setup(path: &Path, language: Language) -> anyhow::Result<InventorySetup> {
    let display = path.display().to_string();
    let text = read_text(path, &display, language)?;
    let file = InventoryFile::parse(&display, &text).map_err(|errors| row_errors(&errors, language))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let mut library = factor_library().clone();
    if let Some(factors_csv) = &file.factors_csv {
        let factors_path = base.join(factors_csv);
        let factors_display = factors_path.display().to_string();
        let factors_text = read_text(&factors_path, &factors_display, language)?;
        let own =
            parse_factor_csv(&factors_display, &factors_text, &FactorOwner::Organisation(file.organisation.clone()))
                .map_err(|errors| row_errors(&errors.into_iter().map(RowError::from).collect::<Vec<_>>(), language))?;
        for (factor_idx, factor) in own.into_iter().enumerate() {
            let row = factor_idx + 2;
            if factor_library().latest(&factor.id).is_some() {
                let problem = RowProblem::BundledFactorId { id: factor.id.clone() };
                return Err(row_errors(&[RowError::of(&factors_display, row, "id", problem)], language));
            }
            if let Err(error) = library.add(factor) {
                let problem = RowProblem::from_library_error(error);
                return Err(row_errors(&[RowError::of(&factors_display, row, "version", problem)], language));
            }
        }
    }
    let activities = match &file.activities_csv {
        Some(activities_csv) => Some(ActivitySource::open(base.join(activities_csv), language)?),
        None => None,
    };
    Ok(InventorySetup { file, display, library, activities })
}

/// An activity CSV, read from its file each time it is needed; a file that is not UTF-8 (GBK, as Chinese Excel
/// saves "CSV (逗号分隔)") is decoded once and held as text.
enum ActivitySource {
    Utf8 { path: PathBuf, display: String, n_bytes: u64 },
    Decoded { display: String, text: String },
}

impl ActivitySource {
    fn open(path: PathBuf, language: Language) -> anyhow::Result<ActivitySource> {
        let display = path.display().to_string();
        let unreadable = |error: std::io::Error| cannot_read(&display, &error, language);
        let n_bytes = std::fs::metadata(&path).map_err(unreadable)?.len();
        if is_utf8(&path).map_err(unreadable)? {
            return Ok(ActivitySource::Utf8 { path, display, n_bytes });
        }
        let bytes = std::fs::read(&path).map_err(unreadable)?;
        let text = tanji_inventory::decode_csv(&display, &bytes)
            .map(|text| text.into_owned())
            .map_err(|error| row_errors(&[error], language))?;
        Ok(ActivitySource::Decoded { display, text })
    }

    fn display(&self) -> &str {
        match self {
            ActivitySource::Utf8 { display, .. } | ActivitySource::Decoded { display, .. } => display,
        }
    }

    fn n_bytes(&self) -> u64 {
        match self {
            ActivitySource::Utf8 { n_bytes, .. } => *n_bytes,
            ActivitySource::Decoded { text, .. } => text.len() as u64,
        }
    }

    /// The rows from the start, the byte-order mark Excel writes skipped; `Err` inside for a refused header.
    fn rows(&self, language: Language) -> anyhow::Result<Result<ActivityRows<'_>, Vec<RowError>>> {
        let reader: Box<dyn Read + Send + '_> = match self {
            ActivitySource::Utf8 { path, display, .. } => {
                let unreadable = |error: std::io::Error| cannot_read(display, &error, language);
                let file = std::fs::File::open(path).map_err(unreadable)?;
                let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
                if reader.fill_buf().map_err(unreadable)?.starts_with(UTF8_BOM) {
                    reader.consume(UTF8_BOM.len());
                }
                Box::new(reader)
            }
            ActivitySource::Decoded { text, .. } => Box::new(text.strip_prefix('\u{feff}').unwrap_or(text).as_bytes()),
        };
        Ok(ActivityCsvReader::new(self.display(), reader))
    }
}

/// The rows of an activity CSV, from its file or its decoded text.
type ActivityRows<'a> = ActivityCsvReader<Box<dyn Read + Send + 'a>>;

/// Rows are read and checked on a thread of their own and handed over this many at a time.
const ROWS_PER_BATCH: usize = 4096;

/// A row read: its record, or its problems.
type RowRead = Result<ActivityRecord, Vec<RowError>>;

/// Rows read and checked, in the file's order, and how far into the file the last of them reaches.
struct RowBatch {
    rows: Vec<(usize, RowRead)>,
    bytes_read: u64,
}

/// Calls `take` with every row of `rows`, in the file's order, while a second thread reads and checks the rows that
/// follow: the CSV, units, periods and methods, the larger half of the work per row. The calculation stays on this
/// thread and sees the records one by one in the file's order, exactly as on one thread, so every total is summed in
/// the same order and is the same to the last bit. `progress` gets the bytes read after each batch.
fn for_each_row(rows: ActivityRows<'_>, mut take: impl FnMut(usize, RowRead), mut progress: impl FnMut(u64)) {
    // A few batches in flight keep both threads busy without holding more than a few thousand records.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<RowBatch>(4);
    // Emptied batches go back to the reader, so their buffers are allocated once.
    let (recycle, recycled) = std::sync::mpsc::channel::<Vec<(usize, RowRead)>>();
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut rows = rows;
            loop {
                let mut batch = recycled.try_recv().unwrap_or_else(|_| Vec::with_capacity(ROWS_PER_BATCH));
                batch.extend(rows.by_ref().take(ROWS_PER_BATCH));
                let n_rows = batch.len();
                // The receiver is dropped only after the loop below has taken every batch, so a failed send means
                // that the loop is gone and there is nothing left to do.
                if n_rows == 0
                    || sender.send(RowBatch { rows: batch, bytes_read: rows.bytes_read() }).is_err()
                    || n_rows < ROWS_PER_BATCH
                {
                    return;
                }
            }
        });
        for mut batch in receiver {
            for (row_number, row) in batch.rows.drain(..) {
                take(row_number, row);
            }
            progress(batch.bytes_read);
            let _ = recycle.send(batch.rows);
        }
        if let Err(panic) = reader.join() {
            std::panic::resume_unwind(panic);
        }
    })
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Whether a file is UTF-8 text, read in blocks without holding it.
fn is_utf8(path: &Path) -> std::io::Result<bool> {
    let mut file = std::fs::File::open(path)?;
    let mut buffer = vec![0u8; 1 << 20];
    // Bytes of a character cut by the end of the previous block.
    let mut n_carried = 0;
    loop {
        let n_read = file.read(&mut buffer[n_carried..])?;
        if n_read == 0 {
            return Ok(n_carried == 0);
        }
        let n_filled = n_carried + n_read;
        match std::str::from_utf8(&buffer[..n_filled]) {
            Ok(_) => n_carried = 0,
            Err(error) if error.error_len().is_none() => {
                let valid_up_to = error.valid_up_to();
                buffer.copy_within(valid_up_to..n_filled, 0);
                n_carried = n_filled - valid_up_to;
            }
            Err(_) => return Ok(false),
        }
    }
}

/// The stages of `inventory compute`, shown on stderr: a bar on a terminal, a line per stage with `--progress`
/// elsewhere (logs of scheduled jobs), nothing otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    lines: bool,
    stage: String,
    started: Instant,
}

impl Progress {
    fn new(forced: bool) -> Progress {
        use std::io::IsTerminal;
        let terminal = std::io::stderr().is_terminal();
        let bar = terminal.then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{msg:24} [{bar:30}] {percent:>3}% {elapsed}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Progress { bar, lines: forced && !terminal, stage: String::new(), started: Instant::now() }
    }

    /// Starts a stage of `length` steps (bytes of the file, or lines).
    fn stage(&mut self, name: String, length: u64) {
        self.end_stage();
        if let Some(bar) = &self.bar {
            bar.set_length(length.max(1));
            bar.set_position(0);
            bar.set_message(name.clone());
        }
        self.stage = name;
        self.started = Instant::now();
    }

    fn set_position(&self, position: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(position);
        }
    }

    fn end_stage(&mut self) {
        if self.lines && !self.stage.is_empty() {
            eprintln!("{} … {:.1} s", self.stage, self.started.elapsed().as_secs_f64());
        }
        self.stage.clear();
    }

    fn finish(mut self) {
        self.end_stage();
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Rows are counted into the bar every this many, so that drawing costs nothing next to the calculation.
const PROGRESS_EVERY_N_ROWS: usize = 4096;

/// Whether a record became a line of the reporting year, for each record added to `runs` (the reporting year first,
/// then each base year); returns whether it did.
fn add_to_runs(runs: &mut [InventoryRun<'_>], record: &ActivityRecord) -> bool {
    let mut is_line = false;
    for (run_idx, run) in runs.iter_mut().enumerate() {
        let added = run.add(record);
        is_line |= run_idx == 0 && added;
    }
    is_line
}

fn compute(args: InventoryComputeArgs, language: Language) -> anyhow::Result<()> {
    let gwp_override = args.gwp.as_deref().map(str::parse::<GwpSet>).transpose()?;
    let output = match &args.output_quantity {
        Some(quantity) => Some(
            ProductionOutput::parse(quantity, args.output_unit.as_deref().unwrap_or_default(), "")
                .map_err(|error| anyhow::anyhow!("--output-quantity/--output-unit: {error}"))?,
        ),
        None => None,
    };
    let setup = read_setup(&args.file, language)?;
    let mut progress = Progress::new(args.progress);
    let n_bytes = setup.activities.as_ref().map_or(0, ActivitySource::n_bytes);

    // The periods calculated from one reading of the records: the reporting year (with its lines, if asked), then
    // each base year (totals only). Without a GWP set nothing is calculated, but every row is still checked.
    let gwp_set = gwp_override.or(setup.file.gwp_set);
    let year = setup.file.reporting_year;
    let periods: Vec<(InventoryInput, RunOptions)> = match gwp_set {
        Some(gwp_set) => {
            let input = InventoryInput {
                organisation: setup.file.organisation.clone(),
                period_start: jiff::civil::Date::new(year, 1, 1).with_context(|| format!("reporting_year {year}"))?,
                period_end: jiff::civil::Date::new(year, 12, 31).with_context(|| format!("reporting_year {year}"))?,
                gwp_set,
                consolidation: setup.file.consolidation,
                facilities: setup.file.facilities.clone(),
                records: Vec::new(),
            };
            let base_years = setup.file.base_year.as_ref().map(|policy| policy.years()).unwrap_or_default();
            let base_inputs: Vec<(InventoryInput, RunOptions)> = base_years
                .into_iter()
                .filter_map(|base_year| {
                    let (period_start, period_end) = base_year_period(base_year)?;
                    Some((InventoryInput { period_start, period_end, ..input.clone() }, RunOptions::TOTALS))
                })
                .collect();
            let options = if args.lines { RunOptions::EVERY_LINE } else { RunOptions::TOTALS };
            std::iter::once((input, options)).chain(base_inputs).collect()
        }
        None => Vec::new(),
    };
    let reference = Reference { factors: &setup.library, fuel_parameters: fuel_parameters(), gwp: gwp_table() };

    // One pass: every row read and checked (all problems at once: the import applies whole or not at all) and, while
    // no row has failed, calculated for every period, summed and dropped, as if no record were superseded by one of
    // a better data source; the competition between data sources is gathered on the way.
    progress.stage(text!(language, zh: "读取、检查并计算", en: "read, check & compute"), n_bytes);
    let mut errors = Vec::new();
    let mut competition = SourceCompetition::default();
    let mut runs: Vec<InventoryRun<'_>> =
        periods.iter().map(|(input, options)| InventoryRun::before_competition(input, reference, *options)).collect();
    let mut n_lines = 0;
    let mut inline_records = Vec::new();
    for (row_idx, row) in setup.file.inline_activities.iter().enumerate() {
        match row.clone().into_record(&format!("{} [[activities]]", setup.display), row_idx + 1) {
            Ok(record) => {
                competition.add(&record);
                if errors.is_empty() && add_to_runs(&mut runs, &record) {
                    n_lines += 1;
                }
                inline_records.push(record);
            }
            Err(row_errors) => errors.extend(row_errors),
        }
    }
    if let Some(activities) = &setup.activities {
        match activities.rows(language)? {
            Ok(rows) => {
                // The duplicate-id check and the competition between data sources are gathered on this thread,
                // beside the calculation: reading and checking the rows is the larger half of the work, so this
                // balances the two threads. A row with a duplicate id enters the competition, then is refused.
                let display = activities.display();
                let mut ids = RowIds::default();
                for_each_row(
                    rows,
                    |row_number, row| match row {
                        Ok(record) => {
                            let duplicate = ids.check(display, row_number, &record.id);
                            competition.add(&record);
                            match duplicate {
                                Some(error) => errors.push(error),
                                None => {
                                    if errors.is_empty() && add_to_runs(&mut runs, &record) {
                                        n_lines += 1;
                                    }
                                }
                            }
                        }
                        Err(row_errors) => errors.extend(row_errors),
                    },
                    |bytes_read| progress.set_position(bytes_read),
                );
            }
            Err(header_errors) => errors.extend(header_errors),
        }
    }
    if !errors.is_empty() {
        progress.finish();
        return Err(row_errors(&errors, language));
    }
    if gwp_set.is_none() {
        progress.finish();
        return Err(row_errors(&[RowError::of(&setup.display, 0, "gwp", RowProblem::GwpSetMissing)], language));
    }

    // The competition decided: a period in which some record is superseded is calculated again, from a second
    // reading of the rows, in a run that knows the competition from the start (a line counted and then taken out
    // again would change the totals' last digits).
    let mut inventories: Vec<Option<Inventory>> =
        runs.into_iter().map(|run| run.finish_after(&competition).ok()).collect();
    if inventories.iter().any(Option::is_none) {
        progress
            .stage(text!(language, zh: "按数据来源优先级重新计算", en: "compute again: data-source priority"), n_bytes);
        let again: Vec<usize> = (0..periods.len()).filter(|period_idx| inventories[*period_idx].is_none()).collect();
        let mut runs: Vec<InventoryRun<'_>> = again
            .iter()
            .map(|period_idx| {
                let (input, options) = &periods[*period_idx];
                InventoryRun::new(input, reference, &competition, *options)
            })
            .collect();
        for record in &inline_records {
            for run in &mut runs {
                run.add(record);
            }
        }
        if let Some(activities) = &setup.activities {
            let changed = |row_number: usize| {
                let file = activities.display();
                anyhow::anyhow!(
                    "{}",
                    text!(language,
                        zh: "{file}，第 {row_number} 行：读取期间文件被修改\n  提示：文件写完后再运行一次",
                        en: "{file}, row {row_number}: the file changed while it was read\n  hint: run again once the file is written")
                )
            };
            let rows = activities.rows(language)?.map_err(|_| changed(1))?;
            let mut first_changed_row = None;
            for_each_row(
                rows,
                |row_number, row| match row {
                    Ok(record) if first_changed_row.is_none() => {
                        for run in &mut runs {
                            run.add(&record);
                        }
                    }
                    Ok(_) => {}
                    Err(_) => {
                        first_changed_row.get_or_insert(row_number);
                    }
                },
                |bytes_read| progress.set_position(bytes_read),
            );
            if let Some(row_number) = first_changed_row {
                return Err(changed(row_number));
            }
        }
        for (period_idx, run) in again.into_iter().zip(runs) {
            inventories[period_idx] = Some(run.finish());
        }
    }
    drop(competition);
    let mut inventories = inventories.into_iter().flatten();
    let inventory = inventories.next().context("the reporting year is calculated")?;
    let base_year = setup.file.base_year.as_ref().map(|policy| {
        let base_totals: Vec<(i16, tanji_inventory::Totals)> = policy
            .years()
            .into_iter()
            .filter(|base_year| base_year_period(*base_year).is_some())
            .zip(inventories)
            .map(|(base_year, inventory)| (base_year, inventory.totals))
            .collect();
        compare_with_base_totals(policy, &base_totals, &inventory.totals)
    });
    let recalculation = base_year.as_ref().map(|comparison| {
        assess_recalculation(
            comparison.base_total_location_kg,
            setup.file.significance_threshold_percent,
            &setup.file.base_year_changes,
        )
    });
    let intensity = output.map(|output| {
        let (location_based_kg_per_unit, market_based_kg_per_unit) = output.intensity_kg_per_unit(&inventory.totals);
        Intensity { output, location_based_kg_per_unit, market_based_kg_per_unit }
    });
    let completeness = inventory.totals.completeness.clone();
    let report = ComputeReport {
        inventory: InventoryReport { inventory, n_lines: (!args.lines).then_some(n_lines) },
        base_year,
        recalculation,
        intensity,
    };

    // Write.
    progress.stage(text!(language, zh: "写出", en: "write"), report.inventory.inventory.lines.len() as u64);
    let mut out = Output::stdout();
    match args.format {
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report).context("writing the report")?;
            let _ = writeln!(out);
        }
        ReportFormat::Table => table(&report, n_lines, language, &mut out, &progress),
    }
    out.finish()?;
    progress.finish();
    // `--strict` is the default now and is accepted for old scripts without effect.
    let _ = args.strict;
    if !completeness.is_complete() {
        let sentence = completeness.localize(language);
        if args.allow_incomplete {
            eprintln!("{}", text!(language, zh: "警告：{sentence}", en: "warning: {sentence}"));
        } else {
            let hint = text!(language,
                zh: "提示：修正诊断中列出的记录；若确需不完整的结果，加 --allow-incomplete",
                en: "hint: fix the records the diagnostics name, or pass --allow-incomplete to accept an incomplete result");
            eprintln!("{}\n  {hint}", text!(language, zh: "错误：{sentence}", en: "error: {sentence}"));
            std::process::exit(2);
        }
    }
    Ok(())
}

/// Write data to stdout; a reader that went away (`| head`) is not an error.
pub fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => Ok(result.context("writing to stdout")?),
    }
}

/// Standard output, buffered, for reports too large to build in memory first. A reader that went away (`| head`)
/// ends the output without an error; any other failure is reported by [`Output::finish`].
struct Output {
    writer: std::io::BufWriter<std::io::StdoutLock<'static>>,
    error: Option<std::io::Error>,
}

impl Output {
    fn stdout() -> Output {
        Output { writer: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()), error: None }
    }

    fn finish(mut self) -> anyhow::Result<()> {
        use std::io::Write as _;
        if self.error.is_none()
            && let Err(error) = self.writer.flush()
        {
            self.error = Some(error);
        }
        match self.error {
            Some(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Some(error) => Err(error).context("writing to stdout"),
            None => Ok(()),
        }
    }
}

impl std::io::Write for Output {
    fn write(&mut self, buffer: &[u8]) -> std::io::Result<usize> {
        if self.error.is_none()
            && let Err(error) = self.writer.write_all(buffer)
        {
            self.error = Some(error);
        }
        Ok(buffer.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl std::fmt::Write for Output {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        let _ = std::io::Write::write_all(self, text.as_bytes());
        Ok(())
    }
}

/// A total for people: t CO2e from one tonne up, kg below, six significant figures, no float noise.
fn amount(kg: f64) -> String {
    mass_co2e(kg, 6)
}

fn line_status(status: &LineStatus, language: Language) -> String {
    match status {
        LineStatus::Counted => text!(language, zh: "已计入", en: "counted"),
        LineStatus::Superseded { by_record, by_source } => {
            let by_source = by_source.localize(language);
            text!(language, zh: "被 {by_record}（{by_source}）取代", en: "superseded by {by_record} ({by_source})")
        }
        LineStatus::Failed => text!(language, zh: "无法计算，未计入", en: "FAILED, not counted"),
        LineStatus::Excluded { reason } => {
            let reason = reason.localize(language);
            text!(language, zh: "不计入：{reason}", en: "excluded: {reason}")
        }
    }
}

/// The report for people: totals by scope, category, gas, facility and month, completeness, intensity and base year;
/// the lines only when they were kept (`--lines`).
fn table(
    report: &ComputeReport,
    n_lines: usize,
    language: Language,
    out: &mut impl std::fmt::Write,
    progress: &Progress,
) {
    let inventory = &report.inventory.inventory;
    let totals = &inventory.totals;
    let complete = totals.completeness.is_complete();
    let (organisation, start, end) = (&inventory.organisation, inventory.period_start, inventory.period_end);
    let _ = writeln!(
        out,
        "{}",
        text!(language, zh: "{organisation} — 温室气体清单 {start} 至 {end}", en: "{organisation} — GHG inventory {start} to {end}")
    );
    let (gwp, n_factors) = (inventory.gwp_set, inventory.factors_used.len());
    let consolidation = inventory.consolidation.localize(language);
    let _ = writeln!(
        out,
        "{}",
        text!(language,
            zh: "GWP 值集 {gwp} · 合并方法 {consolidation} · {n_lines} 行 · 固定 {n_factors} 个因子版本",
            en: "GWP set {gwp} · consolidation {consolidation} · {n_lines} lines · {n_factors} factor versions pinned")
    );
    let completeness = totals.completeness.localize(language);
    let _ = writeln!(out, "{}\n", text!(language, zh: "完整性：{completeness}", en: "Completeness: {completeness}"));
    let marker = if complete { String::new() } else { text!(language, zh: "（不完整）", en: " (incomplete)") };
    let _ = writeln!(out, "{}", text!(language, zh: "合计{marker}", en: "Totals{marker}"));
    let scope2 = Scope::Scope2.localize(language);
    for (label, kg) in [
        (Scope::Scope1.localize(language), totals.scope1_kg),
        (text!(language, zh: "{scope2}（基于位置）", en: "{scope2} (location-based)"), totals.scope2_location_kg),
        (text!(language, zh: "{scope2}（基于市场）", en: "{scope2} (market-based)"), totals.scope2_market_kg),
        (Scope::Scope3.localize(language), totals.scope3_kg),
        (text!(language, zh: "总计（范围二基于位置）", en: "Total (location-based scope 2)"), totals.total_location_kg),
        (text!(language, zh: "总计（范围二基于市场）", en: "Total (market-based scope 2)"), totals.total_market_kg),
        (
            text!(language, zh: "中国核算指南净排放（扣除输出）", en: "China guideline net (exports deducted)"),
            totals.china_guideline_net_kg,
        ),
        (text!(language, zh: "生物源 CO2（单独报告）", en: "Biogenic CO2 (reported apart)"), totals.biogenic_co2_kg),
        (text!(language, zh: "备忘：非京都气体", en: "Memo: non-Kyoto gases"), totals.memo_co2e_kg),
    ] {
        let _ = writeln!(out, "  {} {:>18}", crate::table::pad_end(&label, 44), amount(kg));
    }
    if let Some(percent) = totals.uncertainty_percent {
        let (n_without, percent) = (totals.n_lines_without_uncertainty, figure(percent, 3));
        let label = text!(language, zh: "不确定性（95%，{n_without} 行未说明）", en: "Uncertainty (95 %, {n_without} lines without)");
        let _ = writeln!(out, "  {} {:>18}", crate::table::pad_end(&label, 44), format!("±{percent} %"));
    }
    let _ = writeln!(out, "\n{}", text!(language, zh: "ISO 14064-1 类别", en: "ISO 14064-1 category"));
    for category in IsoCategory::ALL {
        let kg = totals.by_iso_category.get(&category.number()).copied().unwrap_or(0.0);
        let label = match language {
            Language::SimplifiedChinese => category.label_zh(),
            Language::English => category.label_en(),
        };
        let _ = writeln!(out, "  {} {:>18}", crate::table::pad_end(label, 44), amount(kg));
    }
    if !totals.by_scope3_category.is_empty() {
        let _ = writeln!(out, "\n{}", text!(language, zh: "范围三类别", en: "Scope 3 category"));
        for (category, kg) in &totals.by_scope3_category {
            let label = tanji_inventory::Scope3Category::new(*category)
                .map(|category| tanji_inventory::EmissionSource::Scope3(category).localize(language))
                .unwrap_or_else(|| category.to_string());
            let _ = writeln!(out, "  {} {:>18}", crate::table::pad_end(&label, 44), amount(*kg));
        }
    }
    let _ = writeln!(out, "\n{}", text!(language, zh: "气体", en: "Gas"));
    for (gas, kg) in &totals.by_gas_group {
        let gas = gas.localize(language);
        let _ = writeln!(out, "  {} {:>18}", crate::table::pad_end(&gas, 44), amount(*kg));
    }
    let _ = writeln!(out, "\n{}", text!(language, zh: "设施", en: "Facility"));
    for (facility, kg) in &totals.by_facility {
        let _ = writeln!(out, "  {} {:>18}", crate::table::pad_end(facility, 44), amount(*kg));
    }
    let _ = writeln!(out, "\n{}", text!(language, zh: "月份", en: "Month"));
    for (month, kg) in &totals.by_month {
        let _ = writeln!(out, "  {} {:>18}", crate::table::pad_end(month, 44), amount(*kg));
    }
    if let Some(intensity) = &report.intensity {
        let unit = &intensity.output.unit;
        let _ = writeln!(out, "\n{}", text!(language, zh: "单位产出排放强度", en: "Intensity per unit of output"));
        for (label, kg_per_unit) in [
            (text!(language, zh: "基于位置", en: "location-based"), intensity.location_based_kg_per_unit),
            (text!(language, zh: "基于市场", en: "market-based"), intensity.market_based_kg_per_unit),
        ] {
            let _ = writeln!(
                out,
                "  {} {:>18}",
                crate::table::pad_end(&label, 44),
                format!("{} kg CO2e/{unit}", figure(kg_per_unit, 6))
            );
        }
    }
    if let Some(base) = &report.base_year {
        let (policy, base_total) = (base.policy.localize(language), amount(base.base_total_location_kg));
        let _ = writeln!(
            out,
            "\n{}",
            text!(language, zh: "基准年（{policy}，按当前边界）：{base_total}", en: "Base year ({policy}) under today's boundary: {base_total}")
        );
        if let Some(change) = base.change_percent {
            let change = format!("{change:+.1}");
            let _ = writeln!(
                out,
                "{}",
                text!(language, zh: "较基准年变化：{change}%", en: "Change since base year: {change} %")
            );
        }
        if base.both_sides_complete() == Some(false) {
            let _ = writeln!(
                out,
                "{}",
                text!(language,
                    zh: "注意：基准年或本年的合计不完整，上述变化并非同口径比较",
                    en: "Note: the base year or this year is incomplete, so this change is not like-for-like")
            );
            for (year, completeness) in base.incomplete_base_years() {
                let _ = writeln!(out, "  {year}: {}", completeness.localize(language));
            }
        }
    }
    if let Some(recalculation) = &report.recalculation {
        let explanation = recalculation.explanation.localize(language);
        let _ = writeln!(out, "{}", text!(language, zh: "重新计算：{explanation}", en: "Recalculation: {explanation}"));
    }
    if report.inventory.n_lines.is_none() {
        let _ = writeln!(
            out,
            "\n{}",
            text!(language, zh: "明细行（排放量；状态；公式）", en: "Lines (emissions; status; formula)")
        );
        for (line_idx, line) in inventory.lines.iter().enumerate() {
            if line_idx % PROGRESS_EVERY_N_ROWS == 0 {
                progress.set_position(line_idx as u64);
            }
            let _ = writeln!(
                out,
                "  {} · {} · {} · {} · {} · {}",
                line.record_id,
                line.facility,
                line.source.localize(language),
                line.quantity_entered,
                amount(line.co2e_kg),
                line_status(&line.status, language)
            );
            for parameter in &line.parameters {
                let _ = writeln!(out, "      {}", parameter.localize(language));
            }
            if !line.formula.is_empty() {
                let _ = writeln!(out, "      {}", tanji_i18n::inventory::formula_text(&line.formula, language));
            }
            for factor in &line.factors {
                let (reference, citation, region, year) =
                    (&factor.reference, &factor.citation, &factor.region, factor.year);
                let _ = writeln!(
                    out,
                    "      {}",
                    text!(language, zh: "因子 {reference} — {citation}（{region}，{year}）", en: "factor {reference} — {citation} ({region}, {year})")
                );
            }
        }
    }
    if !inventory.diagnostics.is_empty() {
        let _ = writeln!(out, "\n{}", text!(language, zh: "诊断", en: "Diagnostics"));
        for diagnostic in &inventory.diagnostics {
            let severity = match diagnostic.severity {
                Severity::Error => text!(language, zh: "错误", en: "error"),
                Severity::Warning => text!(language, zh: "警告", en: "warning"),
                Severity::Info => text!(language, zh: "信息", en: "info"),
            };
            let record = diagnostic.record_id.as_deref().map(|id| format!("{id}: ")).unwrap_or_default();
            let _ = writeln!(out, "  {severity}: {record}{}", diagnostic.message.localize(language));
        }
    }
    for (kind, n_omitted) in &inventory.n_diagnostics_omitted {
        let kind = tanji_i18n::inventory::diagnostic_kind_name(*kind, language);
        let _ = writeln!(
            out,
            "  {}",
            text!(language, zh: "……另有 {n_omitted} 条“{kind}”诊断未列出", en: "… and {n_omitted} more “{kind}” diagnostics not listed")
        );
    }
    if report.inventory.n_lines.is_some() && n_lines > 0 {
        let _ = writeln!(
            out,
            "\n{}",
            text!(language, zh: "共 {n_lines} 行；加 --lines 列出每一行及其公式和因子", en: "{n_lines} lines; pass --lines to list each with its formula and factors")
        );
    }
}

#[derive(Serialize)]
struct FactorSummary<'a> {
    #[serde(flatten)]
    factor: &'a EmissionFactor,
}

/// A search option's value as one of a fixed list, or an error that lists the choices (`--gas sf6: unknown gas`).
/// A `--flag` value that must be one of `keys`, refused in the reader's language with the keys as the hint.
fn parse_choice<T, const N: usize>(
    flag: &str,
    text: &str,
    parse: impl Fn(&str) -> Option<T>,
    keys: [&str; N],
    language: Language,
) -> anyhow::Result<T> {
    parse(text).with_context(|| {
        let keys = keys.join(", ");
        match (flag, language) {
            ("--category", Language::SimplifiedChinese) => {
                format!("{flag} {text}：没有这个类别\n  提示：可选 {keys}")
            }
            ("--category", Language::English) => format!("{flag} {text}: unknown category\n  hint: one of {keys}"),
            (_, Language::SimplifiedChinese) => format!("{flag} {text}：没有这种气体\n  提示：可选 {keys}"),
            (_, Language::English) => format!("{flag} {text}: unknown gas\n  hint: one of {keys}"),
        }
    })
}

fn search(args: FactorsSearchArgs, language: Language) -> anyhow::Result<()> {
    let mut out = String::new();
    let category = args
        .category
        .as_deref()
        .map(|text| {
            parse_choice("--category", text, FactorCategory::parse, FactorCategory::ALL.map(|c| c.key()), language)
        })
        .transpose()?;
    let gas = args
        .gas
        .as_deref()
        .map(|text| parse_choice("--gas", text, FactorGas::parse, FactorGas::ALL.map(|gas| gas.key()), language))
        .transpose()?;
    let query = FactorQuery {
        text: args.words.join(" "),
        region: args.region.clone(),
        year: args.year,
        source: args.source.clone(),
        category,
        gas,
        ..FactorQuery::default()
    };
    let hits = factor_library().search(&query);
    match args.format {
        ReportFormat::Json => {
            let shown: Vec<FactorSummary<'_>> =
                hits.iter().take(args.limit).map(|factor| FactorSummary { factor }).collect();
            let _ = writeln!(out, "{}", serde_json::to_string_pretty(&shown)?);
        }
        ReportFormat::Table => {
            if hits.is_empty() {
                eprintln!(
                    "{}",
                    text!(language,
                        zh: "没有匹配的因子；请减少关键词、换一种语言（电网 / grid），或去掉 --year/--region",
                        en: "no factor matches; try fewer words, another language (电网 / grid) or drop --year/--region")
                );
                return emit(&out);
            }
            for factor in hits.iter().take(args.limit) {
                let per_unit = factor
                    .co2e(GwpSet::AR5, gwp_table())
                    // Six significant figures: a factor's published precision, without padding zeros (550, not 550.000000).
                    .map(|co2e| {
                        let value = tanji_i18n::inventory::figure(co2e.kg_co2e_per_unit, 6);
                        format!("{value} kg CO2e/{} (AR5)", factor.unit)
                    })
                    .unwrap_or_else(|error| error.localize(language));
                let (first_name, second_name) = match language {
                    Language::SimplifiedChinese => (&factor.name_zh, &factor.name_en),
                    Language::English => (&factor.name_en, &factor.name_zh),
                };
                let _ = writeln!(out, "{}@{}  {first_name} · {second_name}", factor.id, factor.version);
                let _ =
                    writeln!(out, "    {per_unit} · {} · {} · {}", factor.region, factor.year, factor.citation.short());
            }
            if hits.len() > args.limit {
                let n_more = hits.len() - args.limit;
                eprintln!(
                    "{}",
                    text!(language,
                        zh: "另有 {n_more} 个；请缩小搜索范围或调大 --limit",
                        en: "{n_more} more; narrow the search or raise --limit")
                );
            }
        }
    }
    emit(&out)
}

fn show(args: FactorsShowArgs, language: Language) -> anyhow::Result<()> {
    let mut out = String::new();
    let versions = factor_library().versions(&args.id);
    if versions.is_empty() {
        let (id, suggestion) = (&args.id, closest_factor_id(factor_library(), &args.id));
        let did_you_mean = match &suggestion {
            Some(closest) => text!(language, zh: "；您是不是要找“{closest}”？", en: "; did you mean “{closest}”?"),
            None => String::new(),
        };
        bail!(
            "{}",
            text!(language,
                zh: "没有因子“{id}”{did_you_mean}\n  提示：用 `tanji factors search 关键词` 查找因子编号",
                en: "no factor “{id}”{did_you_mean}\n  hint: find ids with `tanji factors search WORDS`")
        );
    }
    match args.format {
        ReportFormat::Json => {
            let _ = writeln!(out, "{}", serde_json::to_string_pretty(&versions)?);
        }
        ReportFormat::Table => {
            for factor in versions {
                let (first_name, second_name) = match language {
                    Language::SimplifiedChinese => (&factor.name_zh, &factor.name_en),
                    Language::English => (&factor.name_en, &factor.name_zh),
                };
                // The field labels, padded to one width in either script (a CJK character takes two columns).
                let label = |zh: &str, en: &str| match language {
                    Language::SimplifiedChinese => crate::table::pad_end(&format!("{zh} "), 13),
                    Language::English => crate::table::pad_end(en, 13),
                };
                let _ = writeln!(out, "{}@{}  {first_name} · {second_name}", factor.id, factor.version);
                let _ = writeln!(out, "  {}{}", label("类别", "category"), factor.category.key());
                let _ = writeln!(out, "  {}{}", label("单位", "unit"), factor.unit);
                for rate in &factor.gas_rates {
                    let _ = writeln!(out, "  {:<12} {} kg/{}", rate.gas.name(), rate.kg_per_unit, factor.unit);
                }
                if let Some(published) = &factor.published_co2e {
                    let (kg, unit, set) = (published.kg_per_unit, &factor.unit, published.gwp_set);
                    let line = text!(language, zh: "{kg} kg/{unit}（公布值，{set}）", en: "{kg} kg/{unit} ({set} as published)");
                    let _ = writeln!(out, "  CO2e         {line}");
                    for share in &published.by_gas {
                        let kg = share.kg_co2e_per_unit;
                        let line = text!(language,
                            zh: "{kg} kg CO2e/{unit}（其在公布的 CO2e 中的份额）",
                            en: "{kg} kg CO2e/{unit} (its share of the published CO2e)");
                        let _ = writeln!(out, "  {:<12} {line}", share.gas.name());
                    }
                }
                if let Some(biogenic) = factor.biogenic_co2_kg_per_unit {
                    let unit = &factor.unit;
                    let line = text!(language, zh: "{biogenic} kg/{unit}（单独报告）", en: "{biogenic} kg/{unit} (reported apart)");
                    let _ = writeln!(out, "  {}{line}", label("生物源CO2", "biogenic CO2"));
                }
                let _ = writeln!(out, "  {}{} · {}", label("年份/地区", "year/region"), factor.year, factor.region);
                let _ = writeln!(out, "  {}{}", label("来源", "source"), factor.citation.short());
                let _ = writeln!(out, "  {}{}", label("网址", "url"), factor.citation.url);
                let _ = writeln!(out, "  {}{}", label("许可", "licence"), factor.citation.licence);
                let _ = writeln!(out, "  {}{}", label("核验状态", "verification"), factor.citation.verification);
                if !factor.notes.is_empty() {
                    let _ = writeln!(out, "  {}{}", label("备注", "notes"), factor.notes);
                }
            }
        }
    }
    emit(&out)
}
