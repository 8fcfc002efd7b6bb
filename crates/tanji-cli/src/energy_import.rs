//! `tanji energy import FILE --org ORG`: meter readings from a CSV file into the database, through the store's one
//! idempotent path (the same as the REST batch and MQTT), whole file or nothing.
//!
//! The long layout: a header `meter,timestamp,value`, then one reading per row. A timestamp either carries its
//! offset (`2026-03-02T08:15:00+08:00`) or is local time (`2026-03-02 08:15`) in the zone the command states with
//! `--timezone +08:00`; a local time without `--timezone` is refused rather than guessed. UTF-8 or GBK (Excel's
//! "CSV (逗号分隔)"), as the inventory import reads them.

use anyhow::{Context, anyhow, bail};
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::Offset;
use tanji_store::energy::{IngestError, NewReading, ReadingSource, ReadingStore};

use std::path::Path;

use tanji_energy::AnalysisOptions;
use tanji_energy::file::{read_production_csv, read_readings_csv, read_site_file};
use tanji_i18n::Language;
use tanji_store::energy_site::{SiteImport, SiteImportError};

use crate::commands::{find_organisation, open_store};
use crate::energy::{problems_error, read_bytes};
use crate::options::EnergyImportArgs;

/// One problem of the file, as the person fixes it: the row as a spreadsheet numbers it (the header is row 1).
#[derive(Debug, PartialEq)]
pub struct ImportProblem {
    pub row: usize,
    pub column: &'static str,
    pub problem: String,
    pub hint: &'static str,
}

/// At most this many problems are printed; the count says how many there are.
const MAX_PROBLEMS_SHOWN: usize = 50;

/// Reads `--timezone`: `+08:00`, `-05:30`, `Z` or `UTC`.
pub fn parse_offset(text: &str) -> anyhow::Result<Offset> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("z") || text.eq_ignore_ascii_case("utc") {
        return Ok(Offset::UTC);
    }
    let parsed = (|| {
        let sign = match text.get(..1)? {
            "+" => 1,
            "-" => -1,
            _ => return None,
        };
        let (hours, minutes) = text.get(1..)?.split_once(':')?;
        let seconds = sign * (hours.parse::<i32>().ok()? * 3600 + minutes.parse::<i32>().ok()? * 60);
        Offset::from_seconds(seconds).ok()
    })();
    parsed.ok_or_else(|| {
        anyhow!("--timezone {text:?} is not an offset from UTC\nhint: write it as +08:00 (China), -05:00 or Z")
    })
}

fn read_timestamp(text: &str, offset: Option<Offset>) -> Result<Timestamp, (String, &'static str)> {
    if let Ok(timestamp) = text.parse::<Timestamp>() {
        return Ok(timestamp);
    }
    let local = text.replacen(' ', "T", 1).parse::<DateTime>().map_err(|_| {
        (
            format!("{text:?} is not a time"),
            "write it as 2026-03-02T08:15:00+08:00, or as local time 2026-03-02 08:15 with --timezone",
        )
    })?;
    let Some(offset) = offset else {
        return Err((
            format!("{text:?} has no offset from UTC"),
            "state the file's time zone with --timezone +08:00, or write the offset in each timestamp",
        ));
    };
    offset.to_timestamp(local).map_err(|_| (format!("{text:?} is out of range"), "check the date"))
}

/// Reads the file's readings, or every problem in it.
pub fn read_readings(file: &str, bytes: &[u8], offset: Option<Offset>) -> Result<Vec<NewReading>, Vec<ImportProblem>> {
    let problem = |row, column, problem: String, hint| ImportProblem { row, column, problem, hint };
    let text = tanji_inventory::import::decode_csv(file, bytes).map_err(|_| {
        vec![problem(
            0,
            "",
            "the file is neither UTF-8 nor GBK text".to_owned(),
            "save it as CSV UTF-8 or CSV (逗号分隔)",
        )]
    })?;
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(header) => header.iter().map(str::to_ascii_lowercase).collect(),
        Err(error) => return Err(vec![problem(1, "", format!("the header cannot be read: {error}"), "")]),
    };
    if header != ["meter", "timestamp", "value"] {
        return Err(vec![problem(
            1,
            "",
            format!("the header is {:?}", header.join(",")),
            "the first row must be exactly: meter,timestamp,value",
        )]);
    }
    let mut readings = Vec::new();
    let mut problems = Vec::new();
    for (record_index, record) in reader.records().enumerate() {
        let row = record_index + 2;
        let record = match record {
            Ok(record) if record.len() == 3 => record,
            Ok(record) => {
                problems.push(problem(
                    row,
                    "",
                    format!("the row has {} cells", record.len()),
                    "give three: meter,timestamp,value",
                ));
                continue;
            }
            Err(error) => {
                problems.push(problem(row, "", format!("the row cannot be read: {error}"), "check its quotes"));
                continue;
            }
        };
        let time = match read_timestamp(&record[1], offset) {
            Ok(time) => time,
            Err((message, hint)) => {
                problems.push(problem(row, "timestamp", message, hint));
                continue;
            }
        };
        let Ok(value) = record[2].parse::<f64>() else {
            problems.push(problem(
                row,
                "value",
                format!("{:?} is not a number", &record[2]),
                "write it like 1523.75, without units or thousands separators",
            ));
            continue;
        };
        match NewReading::parse(&record[0], &time.to_string(), value, &format!("csv:{file}#{row}")) {
            Ok(reading) => readings.push(reading),
            Err(error) => problems.push(problem(row, column_of(error.field), error.to_string(), "")),
        }
    }
    if problems.is_empty() { Ok(readings) } else { Err(problems) }
}

fn column_of(field: &str) -> &'static str {
    match field {
        "meter" => "meter",
        "ts" => "timestamp",
        _ => "value",
    }
}

fn report(file: &str, problems: &[ImportProblem]) -> anyhow::Error {
    let mut text = format!("{file}: {} problem(s); nothing was imported", problems.len());
    for problem in problems.iter().take(MAX_PROBLEMS_SHOWN) {
        text.push_str(&format!("\n  {file}: row {}", problem.row));
        if !problem.column.is_empty() {
            text.push_str(&format!(", column {}", problem.column));
        }
        text.push_str(&format!(": {}", problem.problem));
        if !problem.hint.is_empty() {
            text.push_str(&format!("\n    hint: {}", problem.hint));
        }
    }
    if problems.len() > MAX_PROBLEMS_SHOWN {
        text.push_str(&format!("\n  … and {} more", problems.len() - MAX_PROBLEMS_SHOWN));
    }
    anyhow!(text)
}

/// A whole site from the bytes of its three files, read and checked by `tanji_energy`'s readers (every problem with
/// file, row, field and fix, in the reader's language, before anything is stored). `tanji energy import DIR` and
/// `tanji demo` both come through here.
pub fn site_import_from_bytes(
    site_name: &str,
    site_bytes: &[u8],
    directory: &Path,
    read: impl Fn(&Path) -> anyhow::Result<Vec<u8>>,
    language: Language,
) -> anyhow::Result<(SiteImport, AnalysisOptions)> {
    let site_file = read_site_file(site_name, site_bytes).map_err(|problems| problems_error(&problems, language))?;
    let readings_path = directory.join(&site_file.readings_path);
    let production_path = directory.join(&site_file.production_path);
    let (readings_name, production_name) = (readings_path.display().to_string(), production_path.display().to_string());
    let readings = read_readings_csv(&readings_name, &read(&readings_path)?, &site_file.site);
    let production = read_production_csv(&production_name, &read(&production_path)?, &site_file.site);
    let (readings, production) = match (readings, production) {
        (Ok((readings, _layout)), Ok(production)) => (readings, production),
        (readings, production) => {
            let mut problems = readings.err().unwrap_or_default();
            problems.extend(production.err().unwrap_or_default());
            return Err(problems_error(&problems, language));
        }
    };
    let import =
        SiteImport::from_files(site_file.site, &readings, &production, &readings_name, &production_name, site_name)
            .map_err(|error| anyhow!("{site_name}: {} {}", error.field, error.problem))?;
    Ok((import, site_file.options))
}

/// `tanji energy import DIR|site.toml --org ORG --facility F --as EMAIL`: the whole site in one transaction.
async fn import_site(args: &EnergyImportArgs, language: Language) -> anyhow::Result<()> {
    let site_path = if args.file.is_dir() { args.file.join("site.toml") } else { args.file.clone() };
    let site_name = site_path.display().to_string();
    let (Some(facility), Some(member)) = (&args.facility, &args.as_member) else {
        bail!(
            "{site_name}: a whole site is imported into a facility, as a member\n\
             hint: add --facility <id, code or name> --as <e-mail of an owner or editor>"
        );
    };
    let directory = site_path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let site_bytes = read_bytes(&site_path, language)?;
    let (import, _options) =
        site_import_from_bytes(&site_name, &site_bytes, &directory, |path| read_bytes(path, language), language)?;
    let store = open_store(&args.database).await?;
    let result = async {
        let organisation = find_organisation(&store, &args.org).await?;
        let actor = store
            .operator_member_actor(&organisation, member)
            .await
            .map_err(|_| anyhow!("{member} is not a member of {}\nhint: name an owner or editor", args.org))?;
        let facilities = store.list_facilities(&actor, false).await.map_err(|error| anyhow!(error))?;
        let facility = facilities
            .iter()
            .find(|candidate| {
                candidate.id.to_string() == *facility
                    || candidate.details.code.as_deref() == Some(facility.as_str())
                    || candidate.details.name == *facility
            })
            .ok_or_else(|| {
                anyhow!("no facility {facility:?} in {}\nhint: give its id, code or exact name", args.org)
            })?;
        store.import_energy_site(&actor, facility.id, &import).await.map_err(|error| match error {
            SiteImportError::Readings(IngestError::Rejected(problems)) => anyhow!(
                "{site_name}: {} reading(s) name meters the site does not have; nothing was imported",
                problems.len()
            ),
            other => anyhow!("{site_name}: {other}; nothing was imported"),
        })
    }
    .await;
    store.close().await;
    let outcome = result?;
    println!(
        "{site_name}: {} area(s), {} line(s), {} meter(s) ({} new); {} reading(s) imported, {} already stored; \
         {} production count(s) imported, {} already stored; {} conflicting value(s) kept as stored",
        outcome.n_areas,
        outcome.n_lines,
        outcome.n_meters,
        outcome.n_meters_registered,
        outcome.readings.n_accepted,
        outcome.readings.n_duplicates,
        outcome.production.n_accepted,
        outcome.production.n_duplicates,
        outcome.readings.n_conflicts + outcome.production.n_conflicts,
    );
    Ok(())
}

/// `tanji energy import`: a readings CSV, or a whole site (a folder or a `.toml` file).
pub async fn import(args: EnergyImportArgs, language: Language) -> anyhow::Result<()> {
    if args.file.is_dir() || args.file.extension().is_some_and(|extension| extension == "toml") {
        return import_site(&args, language).await;
    }
    let file = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).with_context(|| format!("reading {file}"))?;
    let offset = args.timezone.as_deref().map(parse_offset).transpose()?;
    let readings = read_readings(&file, &bytes, offset).map_err(|problems| report(&file, &problems))?;
    if readings.is_empty() {
        bail!("{file} has no readings\nhint: after the header meter,timestamp,value give one reading per row");
    }
    let store = open_store(&args.database).await?;
    let organisation = find_organisation(&store, &args.org).await?;
    let outcome = match store.ingest(organisation.id, ReadingSource::Csv, &readings).await {
        Ok(outcome) => outcome,
        Err(IngestError::Rejected(problems)) => {
            let problems: Vec<ImportProblem> = problems
                .into_iter()
                .map(|problem| ImportProblem {
                    row: problem.index + 2,
                    column: column_of(problem.error.field),
                    problem: format!("{} {}", problem.error.field, problem.error.problem),
                    hint: "register the meter first (POST /api/v1/energy/meters), or correct its code",
                })
                .collect();
            store.close().await;
            return Err(report(&file, &problems));
        }
        Err(IngestError::Store(error)) => {
            store.close().await;
            return Err(anyhow!(error).context(format!("importing {file}")));
        }
    };
    store.close().await;
    println!(
        "{file}: {} reading(s) imported, {} already stored (duplicates), {} conflicting (kept the stored value)",
        outcome.n_accepted, outcome.n_duplicates, outcome.n_conflicts
    );
    for conflict in outcome.conflicts.iter().take(MAX_PROBLEMS_SHOWN) {
        eprintln!(
            "conflict: {file}: row {}: meter {} at {} is stored as {}, the file says {}",
            conflict.index + 2,
            conflict.meter.as_str(),
            conflict.reading_at,
            conflict.stored_value,
            conflict.sent_value
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_with_the_stated_zone_or_refused_naming_row_and_column() {
        let csv = "meter,timestamp,value\nL1,2026-03-02 08:15,12.5\nL1,2026-03-02T00:30:00Z,13\n";
        let readings = read_readings("r.csv", csv.as_bytes(), Some(parse_offset("+08:00").unwrap())).unwrap();
        assert_eq!(readings[0].reading_at.to_string(), "2026-03-02T00:15:00Z");
        assert_eq!(readings[1].reading_at.to_string(), "2026-03-02T00:30:00Z");
        assert_eq!(readings[0].source_reference, "csv:r.csv#2");

        let problems = read_readings("r.csv", csv.as_bytes(), None).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].row, problems[0].column), (2, "timestamp"));
        assert!(problems[0].hint.contains("--timezone"));

        let bad = "meter,timestamp,value\nL 1,2026-03-02T00:30:00Z,1\nL1,2026-03-02T00:30:00Z,12 kWh\nL1,x,1\n";
        let problems = read_readings("r.csv", bad.as_bytes(), None).unwrap_err();
        let places: Vec<(usize, &str)> = problems.iter().map(|problem| (problem.row, problem.column)).collect();
        assert_eq!(places, [(2, "meter"), (3, "value"), (4, "timestamp")]);

        let header = read_readings("r.csv", b"meter,time,value\n", None).unwrap_err();
        assert_eq!(header[0].row, 1);
    }

    #[test]
    fn offsets_are_read_or_refused_with_a_hint() {
        assert_eq!(parse_offset("+08:00").unwrap(), Offset::from_seconds(8 * 3600).unwrap());
        assert_eq!(parse_offset("-05:30").unwrap(), Offset::from_seconds(-(5 * 3600 + 30 * 60)).unwrap());
        assert_eq!(parse_offset("Z").unwrap(), Offset::UTC);
        assert!(parse_offset("Asia/Shanghai").unwrap_err().to_string().contains("hint:"));
    }
}
