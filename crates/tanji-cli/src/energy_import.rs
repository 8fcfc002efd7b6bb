//! `tanji energy import FILE --org ORG`: meter readings from a CSV file into the database, through the store's one
//! idempotent path (the same as the REST batch and MQTT), whole file or nothing.
//!
//! The long layout: a header `meter,timestamp,value`, then one reading per row. A timestamp either carries its
//! offset (`2026-03-02T08:15:00+08:00`) or is local time (`2026-03-02 08:15`) in the zone the command states with
//! `--timezone +08:00`; a local time without `--timezone` is refused rather than guessed. UTF-8 or GBK (Excel's
//! "CSV (逗号分隔)"), as the inventory import reads them.

use anyhow::{anyhow, bail};
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::Offset;
use tanji_energy::ingest::{IngestProblem, ReadingError, ReadingField};
use tanji_i18n::energy::import_problem_text;
use tanji_i18n::{Language, Localize, text};
use tanji_store::energy::{IngestError, NewReading, ReadingSource, ReadingStore};

use std::path::Path;

use tanji_energy::AnalysisOptions;
use tanji_energy::file::{read_production_csv, read_readings_csv, read_site_file, read_weather_csv};
use tanji_store::StoreError;
use tanji_store::energy_site::{ProductionError, SiteImport, SiteImportError};

use crate::commands::{find_organisation, open_store};
use crate::energy::{problems_error, read_bytes};
use crate::options::EnergyImportArgs;

/// One problem of the file, as the person fixes it: the row as a spreadsheet numbers it (the header is row 1), the
/// column, and what is wrong as a value `tanji-i18n` says in the reader's language.
#[derive(Debug, PartialEq)]
pub struct ImportProblem {
    pub row: usize,
    pub field: ReadingField,
    pub problem: IngestProblem,
}

impl ImportProblem {
    fn new(row: usize, field: ReadingField, problem: IngestProblem) -> Self {
        Self { row, field, problem }
    }

    fn of(row: usize, error: ReadingError) -> Self {
        Self { row, field: error.field, problem: error.problem }
    }
}

/// At most this many problems are printed; the count says how many there are.
const MAX_PROBLEMS_SHOWN: usize = 50;

/// Reads `--timezone`: `+08:00`, `-05:30`, `Z` or `UTC`.
pub fn parse_offset(text: &str) -> Result<Offset, IngestProblem> {
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
    parsed.ok_or_else(|| IngestProblem::NotAnOffset { value: text.to_owned() })
}

/// A cell's time: with its own offset, or local time in the zone `--timezone` states.
fn read_timestamp(text: &str, offset: Option<Offset>) -> Result<Timestamp, IngestProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(IngestProblem::Required);
    }
    if let Ok(timestamp) = text.parse::<Timestamp>() {
        return Ok(timestamp);
    }
    let Ok(local) = text.replacen(' ', "T", 1).parse::<DateTime>() else {
        return Err(IngestProblem::NotATime { value: text.to_owned() });
    };
    let Some(offset) = offset else {
        return Err(IngestProblem::NoUtcOffset { value: text.to_owned() });
    };
    offset.to_timestamp(local).map_err(|_| IngestProblem::TimeOutOfRange { value: text.to_owned() })
}

/// Reads the file's readings, or every problem in it.
pub fn read_readings(file: &str, bytes: &[u8], offset: Option<Offset>) -> Result<Vec<NewReading>, Vec<ImportProblem>> {
    let text = tanji_inventory::import::decode_csv(file, bytes)
        .map_err(|_| vec![ImportProblem::new(1, ReadingField::Row, IngestProblem::NotText)])?;
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(header) => header.iter().map(str::to_ascii_lowercase).collect(),
        Err(_) => return Err(vec![ImportProblem::new(1, ReadingField::Row, IngestProblem::HeaderUnreadable)]),
    };
    if header != ["meter", "timestamp", "value"] {
        let header = header.join(",");
        return Err(vec![ImportProblem::new(1, ReadingField::Row, IngestProblem::WrongHeader { header })]);
    }
    let mut readings = Vec::new();
    let mut problems = Vec::new();
    for (record_index, record) in reader.records().enumerate() {
        let row = record_index + 2;
        let record = match record {
            Ok(record) if record.len() == 3 => record,
            Ok(record) => {
                let found = record.len();
                problems.push(ImportProblem::new(row, ReadingField::Row, IngestProblem::WrongCellCount { found }));
                continue;
            }
            Err(_) => {
                problems.push(ImportProblem::new(row, ReadingField::Row, IngestProblem::RowUnreadable));
                continue;
            }
        };
        let time = match read_timestamp(&record[1], offset) {
            Ok(time) => time,
            Err(problem) => {
                problems.push(ImportProblem::new(row, ReadingField::Timestamp, problem));
                continue;
            }
        };
        let value = match record[2].parse::<f64>() {
            Ok(value) => value,
            Err(_) if record[2].is_empty() => {
                problems.push(ImportProblem::new(row, ReadingField::Value, IngestProblem::Required));
                continue;
            }
            Err(_) => {
                let value = record[2].to_owned();
                problems.push(ImportProblem::new(row, ReadingField::Value, IngestProblem::NotANumber { value }));
                continue;
            }
        };
        match NewReading::parse(&record[0], &time.to_string(), value, &format!("csv:{file}#{row}")) {
            Ok(reading) => readings.push(reading),
            Err(error) => problems.push(ImportProblem::of(row, error)),
        }
    }
    if problems.is_empty() { Ok(readings) } else { Err(problems) }
}

/// Every problem (up to `MAX_PROBLEMS_SHOWN`) as one error, in the reader's language.
fn report(file: &str, problems: &[ImportProblem], language: Language) -> anyhow::Error {
    let count = problems.len();
    let mut text = match (language, count) {
        (Language::SimplifiedChinese, _) => format!("{file}：{count} 个问题，未导入任何读数"),
        (Language::English, 1) => format!("{file}: 1 problem; nothing was imported"),
        (Language::English, _) => format!("{file}: {count} problems; nothing was imported"),
    };
    for problem in problems.iter().take(MAX_PROBLEMS_SHOWN) {
        text.push_str("\n  ");
        text.push_str(&import_problem_text(file, problem.row, problem.field, &problem.problem, language));
    }
    if count > MAX_PROBLEMS_SHOWN {
        let n_more = count - MAX_PROBLEMS_SHOWN;
        text.push_str(&text!(language, zh: "\n  另有 {n_more} 个问题未列出", en: "\n  … and {n_more} more"));
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
    let weather = match &site_file.weather {
        Some(weather_file) => {
            let weather_path = directory.join(&weather_file.path);
            let weather_name = weather_path.display().to_string();
            Some(
                read_weather_csv(&weather_name, &read(&weather_path)?, weather_file)
                    .map(|weather| (weather, weather_name)),
            )
        }
        None => None,
    };
    let (readings, production, weather) = match (readings, production, weather.transpose()) {
        (Ok((readings, _layout)), Ok(production), Ok(weather)) => (readings, production, weather),
        (readings, production, weather) => {
            let mut problems = readings.err().unwrap_or_default();
            problems.extend(production.err().unwrap_or_default());
            problems.extend(weather.err().unwrap_or_default());
            return Err(problems_error(&problems, language));
        }
    };
    let parents = site_file.parents.clone();
    let mut import =
        SiteImport::from_files(site_file.site, &readings, &production, &readings_name, &production_name, site_name)
            .map_err(|error| {
                let field = error.field;
                match language {
                    Language::SimplifiedChinese => {
                        anyhow!("{site_name}：{field}{}", tanji_server::i18n::ZH.problem(&error.problem))
                    }
                    Language::English => anyhow!("{site_name}: {field} {}", error.problem),
                }
            })?;
    import.weather = weather;
    import.sources_zh = tanji_store::energy_site::ChineseSources {
        grid_factor: site_file.chinese_labels.grid_factor_source.clone(),
        tariff: site_file.chinese_labels.tariff_source.clone(),
    };
    import.parents = parents;
    Ok((import, site_file.options))
}

/// `tanji energy import DIR|site.toml --org ORG --facility F --as EMAIL`: the whole site in one transaction.
async fn import_site(args: &EnergyImportArgs, language: Language) -> anyhow::Result<()> {
    let site_path = if args.file.is_dir() { args.file.join("site.toml") } else { args.file.clone() };
    let site_name = site_path.display().to_string();
    let (Some(facility), Some(member)) = (&args.facility, &args.as_member) else {
        bail!(
            "{}",
            text!(language,
                zh: "{site_name}：整个站点须导入到一个设施，并记为由一位成员导入\n  提示：加上 --facility <编号、代码或名称> --as <所有者或编辑的邮箱>",
                en: "{site_name}: a whole site is imported into a facility, as a member\nhint: add --facility <id, code or name> --as <e-mail of an owner or editor>")
        );
    };
    let directory = site_path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let site_bytes = read_bytes(&site_path, language)?;
    let (import, _options) =
        site_import_from_bytes(&site_name, &site_bytes, &directory, |path| read_bytes(path, language), language)?;
    let store = open_store(&args.database).await?;
    let result = async {
        let organisation = find_organisation(&store, &args.org, language).await?;
        let org = &args.org;
        let actor = store.operator_member_actor(&organisation, member).await.map_err(|_| {
            anyhow!(
                "{}",
                text!(language,
                    zh: "{member} 不是{org}的成员\n  提示：用 --as 指定该组织的所有者或编辑",
                    en: "{member} is not a member of {org}\nhint: name an owner or editor")
            )
        })?;
        let facilities = store.list_facilities(&actor, false).await.map_err(|error| anyhow!(error))?;
        let facility = facilities
            .iter()
            .find(|candidate| {
                candidate.id.to_string() == *facility
                    || candidate.details.code.as_deref() == Some(facility.as_str())
                    || candidate.details.name == *facility
            })
            .ok_or_else(|| {
                anyhow!(
                    "{}",
                    text!(language,
                        zh: "{org}没有设施“{facility}”\n  提示：给出设施的编号、代码或完整名称",
                        en: "no facility {facility:?} in {org}\nhint: give its id, code or exact name")
                )
            })?;
        store
            .import_energy_site(&actor, facility.id, &import)
            .await
            .map_err(|error| anyhow!("{}", site_import_error_text(&site_name, error, language)))
    }
    .await;
    store.close().await;
    let outcome = result?;
    let (n_areas, n_lines, n_meters, n_new_meters) =
        (outcome.n_areas, outcome.n_lines, outcome.n_meters, outcome.n_meters_registered);
    let (n_readings, n_reading_duplicates) = (outcome.readings.n_accepted, outcome.readings.n_duplicates);
    let (n_counts, n_count_duplicates) = (outcome.production.n_accepted, outcome.production.n_duplicates);
    let n_conflicts = outcome.readings.n_conflicts + outcome.production.n_conflicts;
    println!(
        "{}",
        text!(language,
            zh: "{site_name}：{n_areas} 个区域，{n_lines} 条产线，{n_meters} 块电表（新登记 {n_new_meters} 块）；导入 {n_readings} 条读数，\
                 {n_reading_duplicates} 条已存在；导入 {n_counts} 条产量数据，{n_count_duplicates} 条已存在；{n_conflicts} 个不符的数值保留已存数值",
            en: "{site_name}: {n_areas} area(s), {n_lines} line(s), {n_meters} meter(s) ({n_new_meters} new); {n_readings} reading(s) \
                 imported, {n_reading_duplicates} already stored; {n_counts} production count(s) imported, {n_count_duplicates} \
                 already stored; {n_conflicts} conflicting value(s) kept as stored")
    );
    if let Some(weather) = &outcome.weather {
        let (n_new, n_changed, n_same) = (weather.n_new, weather.n_changed, weather.n_same);
        println!(
            "{}",
            text!(language,
                zh: "{site_name}：气象数据 {n_new} 天新增，{n_changed} 天温度更新，{n_same} 天已存在",
                en: "{site_name}: weather for {n_new} new day(s), {n_changed} day(s) with a changed temperature, {n_same} day(s) already stored")
        );
    }
    Ok(())
}

/// Why a whole-site import was refused, in the reader's language; nothing of the site was stored.
fn site_import_error_text(site_name: &str, error: SiteImportError, language: Language) -> String {
    let words = match language {
        Language::SimplifiedChinese => &tanji_server::i18n::ZH,
        Language::English => &tanji_server::i18n::EN,
    };
    match error {
        SiteImportError::Readings(IngestError::Rejected(problems)) => {
            let n_refused = problems.len();
            text!(language,
                zh: "{site_name}：{n_refused} 条读数所指的电表不在站点中；均未导入",
                en: "{site_name}: {n_refused} reading(s) name meters the site does not have; nothing was imported")
        }
        SiteImportError::Production(ProductionError::Rejected(problems)) => {
            let n_refused = problems.len();
            text!(language,
                zh: "{site_name}：{n_refused} 条产量数据所指的产线不在站点中；均未导入",
                en: "{site_name}: {n_refused} production count(s) name lines the site does not have; nothing was imported")
        }
        SiteImportError::MeterRedefined { meter, field } => {
            let field_zh = match field {
                "facility" => "设施",
                "kind" => "类型",
                "unit" => "单位",
                "register" => "计数方式",
                "multiplier" => "倍率",
                "utc_offset" => "时区偏移",
                other => other,
            };
            text!(language,
                zh: "{site_name}：电表 {meter} 已以不同的{field_zh}登记，改动会使已存的汇总数据出错；均未导入\n  提示：给新电表另起一个编号",
                en: "{site_name}: meter {meter} is already registered with another {field}; give the new meter another id; nothing was imported")
        }
        SiteImportError::Store(StoreError::Invalid(field_error)) if language == Language::SimplifiedChinese => {
            let (field, problem) = (field_error.field, words.problem(&field_error.problem));
            format!("{site_name}：{field}{problem}；均未导入")
        }
        SiteImportError::Store(StoreError::Conflict(conflict)) if language == Language::SimplifiedChinese => {
            let sentence = tanji_server::conflict_text(words, conflict).trim_end_matches('。');
            format!("{site_name}：{sentence}；均未导入")
        }
        SiteImportError::Store(StoreError::Denied(_)) if language == Language::SimplifiedChinese => {
            format!("{site_name}：此成员无权修改能源数据；均未导入\n  提示：用 --as 指定该组织的所有者或编辑")
        }
        other => database_failure_text(site_name, &other, language),
    }
}

/// A failure of the database itself, not of the file: the reader is told in their language that nothing was
/// imported and what to do; the database's own words (English, from the driver), which an operator needs to find
/// the cause, go to the log only.
fn database_failure_text(file: &str, error: &dyn std::fmt::Display, language: Language) -> String {
    tracing::error!(file, error = %error, "an import failed in the database; nothing was imported");
    text!(language,
        zh: "{file}：数据库出错，均未导入（技术细节见日志中的 ERROR 行）\n  提示：确认数据库可用后重新导入；同一文件再次导入不会重复保存",
        en: "{file}: the database failed, so nothing was imported (the technical detail is in the log's ERROR line)\nhint: once the database is available, import again; importing the same file again stores nothing twice")
}

/// `tanji energy import`: a readings CSV, or a whole site (a folder or a `.toml` file).
pub async fn import(args: EnergyImportArgs, language: Language) -> anyhow::Result<()> {
    if args.file.is_dir() || args.file.extension().is_some_and(|extension| extension == "toml") {
        return import_site(&args, language).await;
    }
    let file = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).map_err(|error| match language {
        Language::SimplifiedChinese => anyhow!("{file}：无法读取文件\n  提示：检查路径和读取权限"),
        Language::English => anyhow!("{file}: cannot read the file: {error}\n  hint: check the path"),
    })?;
    let offset = match args.timezone.as_deref().map(parse_offset).transpose() {
        Ok(offset) => offset,
        Err(problem) => {
            let reason = problem.localize(language);
            let hint = tanji_i18n::energy::ingest_hint(&problem, language).unwrap_or_default();
            return Err(match language {
                Language::SimplifiedChinese => anyhow!("--timezone：{reason}\n  提示：{hint}"),
                Language::English => anyhow!("--timezone: {reason}\n  hint: {hint}"),
            });
        }
    };
    let readings = read_readings(&file, &bytes, offset).map_err(|problems| report(&file, &problems, language))?;
    if readings.is_empty() {
        return Err(report(&file, &[ImportProblem::new(1, ReadingField::Row, IngestProblem::NoReadings)], language));
    }
    let store = open_store(&args.database).await?;
    let organisation = match store.operator_find_organisation(&args.org).await {
        Ok(Some(organisation)) => organisation,
        Ok(None) => {
            store.close().await;
            let org = &args.org;
            return Err(match language {
                Language::SimplifiedChinese => {
                    anyhow!("--org：没有编号或名称为“{org}”的组织\n  提示：`tanji org list` 列出所有组织")
                }
                Language::English => {
                    anyhow!("--org: no organisation has the id or name “{org}”\n  hint: `tanji org list` shows them")
                }
            });
        }
        Err(error) => {
            store.close().await;
            return Err(anyhow!(error));
        }
    };
    let outcome = match store.ingest(organisation.id, ReadingSource::Csv, &readings).await {
        Ok(outcome) => outcome,
        Err(IngestError::Rejected(problems)) => {
            let problems: Vec<ImportProblem> =
                problems.into_iter().map(|problem| ImportProblem::of(problem.index + 2, problem.error)).collect();
            store.close().await;
            return Err(report(&file, &problems, language));
        }
        Err(IngestError::Store(error)) => {
            store.close().await;
            return Err(anyhow!("{}", database_failure_text(&file, &error, language)));
        }
    };
    store.close().await;
    let (accepted, duplicates, conflicts) = (outcome.n_accepted, outcome.n_duplicates, outcome.n_conflicts);
    println!(
        "{}",
        text!(language,
            zh: "{file}：导入 {accepted} 条读数，{duplicates} 条已存在（重复），{conflicts} 条与已存数值不符（保留已存数值）",
            en: "{file}: {accepted} reading(s) imported, {duplicates} already stored (duplicates), {conflicts} conflicting (kept the stored value)")
    );
    for conflict in outcome.conflicts.iter().take(MAX_PROBLEMS_SHOWN) {
        let (row, meter, at) = (conflict.index + 2, conflict.meter.as_str(), conflict.reading_at);
        let (stored, sent) = (conflict.stored_value, conflict.sent_value);
        eprintln!(
            "{}",
            text!(language,
                zh: "数值不符：{file}，第 {row} 行：表 {meter} 在 {at} 已存为 {stored}，文件中为 {sent}",
                en: "conflict: {file}, row {row}: meter {meter} at {at} is stored as {stored}, the file says {sent}")
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
        assert_eq!(
            problems,
            [ImportProblem::new(
                2,
                ReadingField::Timestamp,
                IngestProblem::NoUtcOffset { value: "2026-03-02 08:15".into() }
            )]
        );

        let bad = "meter,timestamp,value\nL 1,2026-03-02T00:30:00Z,1\nL1,2026-03-02T00:30:00Z,12 kWh\nL1,x,1\n\
                   L1,2026-03-02T00:30:00Z\nL1,2026-03-02T00:30:00Z,\n";
        let problems = read_readings("r.csv", bad.as_bytes(), None).unwrap_err();
        assert_eq!(
            problems,
            [
                ImportProblem::new(2, ReadingField::Meter, IngestProblem::MeterCodeCharacters { meter: "L 1".into() }),
                ImportProblem::new(3, ReadingField::Value, IngestProblem::NotANumber { value: "12 kWh".into() }),
                ImportProblem::new(4, ReadingField::Timestamp, IngestProblem::NotATime { value: "x".into() }),
                ImportProblem::new(5, ReadingField::Row, IngestProblem::WrongCellCount { found: 2 }),
                ImportProblem::new(6, ReadingField::Value, IngestProblem::Required),
            ]
        );

        let header = read_readings("r.csv", b"meter,time,value\n", None).unwrap_err();
        assert_eq!(
            header,
            [ImportProblem::new(
                1,
                ReadingField::Row,
                IngestProblem::WrongHeader { header: "meter,time,value".into() }
            )]
        );
        let not_text = read_readings("r.csv", &[0xff, 0xfe, 0x00, 0x81, 0x00], None).unwrap_err();
        assert_eq!(not_text[0].problem, IngestProblem::NotText);
    }

    #[test]
    fn the_report_is_in_the_readers_language_naming_file_row_column_and_fix() {
        let bad = "meter,timestamp,value\nL1,2026-03-02 08:15,12 kWh\nL1,2026-03-02 08:30,1\n";
        let problems = read_readings("读数.csv", bad.as_bytes(), None).unwrap_err();
        let chinese = report("读数.csv", &problems, Language::SimplifiedChinese).to_string();
        assert!(chinese.starts_with("读数.csv：2 个问题，未导入任何读数"), "{chinese}");
        assert!(chinese.contains("读数.csv，第 2 行，timestamp：“2026-03-02 08:15”没有写明与 UTC 的偏移"), "{chinese}");
        assert!(chinese.contains("提示：") && chinese.contains("--timezone +08:00"), "{chinese}");
        assert_eq!(tanji_i18n::latin_sentences(&chinese), Vec::<String>::new(), "{chinese}");
        let english = report("r.csv", &problems, Language::English).to_string();
        assert!(english.starts_with("r.csv: 2 problems; nothing was imported"), "{english}");
        assert!(english.contains("r.csv, row 3, timestamp: “2026-03-02 08:30” has no offset from UTC"), "{english}");
        assert!(english.contains("hint: write the offset in the time"), "{english}");
    }

    #[test]
    fn offsets_are_read_or_refused_as_a_value() {
        assert_eq!(parse_offset("+08:00").unwrap(), Offset::from_seconds(8 * 3600).unwrap());
        assert_eq!(parse_offset("-05:30").unwrap(), Offset::from_seconds(-(5 * 3600 + 30 * 60)).unwrap());
        assert_eq!(parse_offset("Z").unwrap(), Offset::UTC);
        assert_eq!(
            parse_offset("Asia/Shanghai").unwrap_err(),
            IngestProblem::NotAnOffset { value: "Asia/Shanghai".into() }
        );
    }
}
