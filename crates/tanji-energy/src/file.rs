//! The energy files of `docs/energy-file.md`: a site description (TOML) naming a readings CSV (long or wide layout)
//! and a production CSV. Bytes in, model out; every problem is a value naming the file, the row (or key) and the
//! field, collected in one pass so that a file is either used whole or not at all.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};
use serde::{Deserialize, Serialize};

use crate::analysis::{AnalysisOptions, DayRange, ProductionRecord};
use crate::cleaning::RawReading;
use crate::model::{Area, Equipment, GridFactor, Line, Meter, MeterKind, MeterUnit, Register, Site, Tariff};
use crate::weather::{DegreeDayBases, Weather, WeatherDay};

/// At most this many problems are reported per file; the rest are counted.
pub const MAX_PROBLEMS: usize = 100;

/// A problem in an energy file: which file, where, which field, and what is wrong (the fix follows from the kind;
/// `tanji-i18n` renders both).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileProblem {
    /// The file, as the user named it.
    pub file: String,
    /// The row (CSV, 1-based with the header as row 1) or line (TOML), when known.
    pub row: Option<usize>,
    /// The column or key, e.g. `value` or `meters[2].kind`.
    pub field: String,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code, so a new one without its texts does not compile.
pub enum ProblemKind {
    /// The file is neither UTF-8 nor GBK/GB 18030 text.
    NotText,
    /// The TOML could not be read; `detail` is the TOML reader's own (English) description.
    TomlSyntax {
        /// The reader's description.
        detail: String,
    },
    /// A required key or column is missing.
    Required,
    /// A meter's upstream meter (`parent`) cannot be: itself, another carrier, or a loop.
    UpstreamMeterRefused {
        /// Why, as the store says it for the same rule.
        problem: Box<crate::handover::ParentProblem>,
    },
    /// The CSV header matches neither layout.
    UnknownLayout {
        /// The header as found.
        header: Vec<String>,
    },
    /// A row has a different number of cells than the header.
    WrongCellCount {
        /// Cells expected.
        expected: usize,
        /// Cells found.
        found: usize,
    },
    /// Not a number.
    NotANumber {
        /// The text found.
        value: String,
    },
    /// A number that must be positive is not.
    NotPositive {
        /// The number found.
        value: f64,
    },
    /// A number that must not be negative is.
    Negative {
        /// The number found.
        value: f64,
    },
    /// Not a timestamp.
    NotATimestamp {
        /// The text found.
        value: String,
    },
    /// Not a date.
    NotADate {
        /// The text found.
        value: String,
    },
    /// Not a UTC offset like +08:00.
    NotAnOffset {
        /// The text found.
        value: String,
    },
    /// Not one of the accepted words.
    NotOneOf {
        /// The text found.
        value: String,
        /// The accepted words.
        choices: Vec<String>,
    },
    /// An id used twice.
    DuplicateId {
        /// The id.
        id: String,
    },
    /// A meter id the site file does not define.
    UnknownMeter {
        /// The id found.
        meter: String,
        /// The closest defined id, when one is close.
        suggestion: Option<String>,
    },
    /// A line id the site file does not define.
    UnknownLine {
        /// The id found.
        line: String,
        /// The closest defined id, when one is close.
        suggestion: Option<String>,
    },
    /// An area id the site file does not define.
    UnknownArea {
        /// The id found.
        area: String,
    },
    /// A volume or mass meter (gas, steam, compressed air) without its energy content.
    MissingKwhPerUnit {
        /// The meter's unit.
        unit: String,
    },
    /// The production row's SKU is not the SKU the site file says the line makes.
    SkuMismatch {
        /// SKU in the row.
        sku: String,
        /// SKU of the line.
        expected: String,
    },
    /// The metering interval must divide a day (1, 5, 10, 15, 30, 60 … minutes).
    IntervalNotDividingDay {
        /// Minutes given.
        minutes: u32,
    },
    /// The first day of a range is after its last.
    RangeReversed {
        /// First day.
        first: Date,
        /// Last day.
        last: Date,
    },
    /// A day given twice in a weather file.
    DuplicateDay {
        /// The day.
        day: Date,
    },
    /// A mean outdoor temperature outside what any station records (−90 °C to 60 °C): usually °F or tenths of a
    /// degree.
    TemperatureOutOfRange {
        /// The value found.
        value: f64,
    },
    /// Too many problems; the rest are not listed.
    MoreProblems {
        /// How many more.
        n_more: usize,
    },
}

/// A site description file, read.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteFile {
    /// The site model.
    pub site: Site,
    /// Path of the readings CSV, relative to the site file.
    pub readings_path: String,
    /// Path of the production CSV, relative to the site file.
    pub production_path: String,
    /// What to analyse.
    pub options: AnalysisOptions,
    /// The weather CSV and where its data come from, when the site file names one.
    pub weather: Option<WeatherFile>,
    /// Each sub-meter's upstream meter (上级表), meter id → upstream meter id (`parent = "ID"` on a meter): only
    /// the meters at the top of their tree count in the site's totals (`top_meters_only`).
    pub parents: BTreeMap<String, String>,
    /// `[site] illustrative = true`: the data is made up (an example, a demo). Readers add the marker in their
    /// language ("（示意数据）", "(illustrative)"); it is not part of the name.
    pub illustrative: bool,
    /// The free-text labels the file also gives in Chinese (`source_zh`), for readers of Chinese.
    pub chinese_labels: ChineseLabels,
}

/// The Chinese versions of a site file's free-text labels, where the file gives them: a citation or a price's
/// source is written by people in one language, so the file may carry both (`source` and `source_zh`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChineseLabels {
    /// `[grid_factor] source_zh`.
    pub grid_factor_source: Option<String>,
    /// `[tariff] source_zh`.
    pub tariff_source: Option<String>,
}

impl SiteFile {
    /// The site with only the meters at the top of their sub-metering tree, the ones whose energy a site total
    /// counts once (a sub-meter's energy is already in its upstream meter's).
    pub fn top_meters_only(&self) -> Site {
        let mut site = self.site.clone();
        site.meters.retain(|meter| !self.parents.contains_key(&meter.id));
        site
    }

    /// The site with its labels in Chinese where the file gives them (the others stay as written).
    pub fn site_with_chinese_labels(&self) -> Site {
        let mut site = self.site.clone();
        if let Some(source) = &self.chinese_labels.grid_factor_source {
            site.grid_factor.source.clone_from(source);
        }
        if let (Some(tariff), Some(source)) = (&mut site.tariff, &self.chinese_labels.tariff_source) {
            tariff.source.clone_from(source);
        }
        site
    }
}

/// A site file's weather: the CSV (relative to the site file), its station and source, and the degree-day bases.
#[derive(Debug, Clone, PartialEq)]
pub struct WeatherFile {
    /// Path of the weather CSV, relative to the site file.
    pub path: String,
    /// The station.
    pub station: String,
    /// The source, with version or retrieval date and licence.
    pub source: String,
    /// `[weather] station_zh`: the station in Chinese, for readers of Chinese.
    pub station_zh: Option<String>,
    /// `[weather] source_zh`: the source in Chinese, for readers of Chinese.
    pub source_zh: Option<String>,
    /// The degree-day bases (18 °C unless the file says otherwise).
    pub bases: DegreeDayBases,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSiteFile {
    site: RawSite,
    grid_factor: RawGridFactor,
    tariff: Option<RawTariff>,
    data: RawData,
    analysis: Option<RawAnalysis>,
    weather: Option<RawWeather>,
    #[serde(default)]
    areas: Vec<RawArea>,
    #[serde(default)]
    lines: Vec<RawLine>,
    #[serde(default)]
    meters: Vec<RawMeter>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    name: String,
    utc_offset: String,
    interval_minutes: u32,
    #[serde(default)]
    illustrative: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGridFactor {
    t_co2e_per_mwh: f64,
    source: String,
    source_zh: Option<String>,
    factor_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTariff {
    cny_per_kwh: f64,
    source: String,
    source_zh: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawData {
    readings: String,
    production: String,
    weather: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeather {
    station: String,
    source: String,
    station_zh: Option<String>,
    source_zh: Option<String>,
    heating_base_c: Option<f64>,
    cooling_base_c: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnalysis {
    baseline_first: Option<String>,
    baseline_last: Option<String>,
    reporting_first: Option<String>,
    reporting_last: Option<String>,
    confidence: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    id: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLine {
    id: String,
    name: String,
    area: String,
    product: String,
    output_unit: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeter {
    id: String,
    line: String,
    kind: String,
    serves: String,
    unit: String,
    register: String,
    rollover: Option<f64>,
    ct_ratio: Option<f64>,
    pt_ratio: Option<f64>,
    multiplier: Option<f64>,
    kwh_per_unit: Option<f64>,
    parent: Option<String>,
}

/// The text of a file: UTF-8 (with or without a byte-order mark), or GB 18030/GBK as Chinese Excel writes CSV.
pub fn decode(file: &str, bytes: &[u8]) -> Result<String, FileProblem> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.strip_prefix('\u{feff}').unwrap_or(text).to_owned());
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    if had_errors {
        return Err(FileProblem { file: file.into(), row: None, field: String::new(), kind: ProblemKind::NotText });
    }
    Ok(text.into_owned())
}

struct Problems {
    file: String,
    list: Vec<FileProblem>,
    n_more: usize,
}

impl Problems {
    fn new(file: &str) -> Problems {
        Problems { file: file.into(), list: Vec::new(), n_more: 0 }
    }

    fn push(&mut self, row: Option<usize>, field: impl Into<String>, kind: ProblemKind) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(FileProblem { file: self.file.clone(), row, field: field.into(), kind });
        } else {
            self.n_more += 1;
        }
    }

    fn finish<T>(mut self, value: T) -> Result<T, Vec<FileProblem>> {
        if self.list.is_empty() {
            return Ok(value);
        }
        if self.n_more > 0 {
            let n_more = self.n_more;
            self.list.push(FileProblem {
                file: self.file.clone(),
                row: None,
                field: String::new(),
                kind: ProblemKind::MoreProblems { n_more },
            });
        }
        Err(self.list)
    }
}

fn choice<T: Copy + for<'de> Deserialize<'de>>(value: &str, choices: &[&str]) -> Result<T, ProblemKind> {
    T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(value.trim())).map_err(|_| {
        ProblemKind::NotOneOf {
            value: value.into(),
            choices: choices.iter().map(|choice| (*choice).to_owned()).collect(),
        }
    })
}

/// A UTC offset like `+08:00`, `-05:30` or `Z`, in seconds.
pub fn parse_offset(text: &str) -> Option<i32> {
    let text = text.trim();
    if text == "Z" || text == "UTC" {
        return Some(0);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (hours, minutes) = rest.split_once(':').unwrap_or((rest, "0"));
    let hours: i32 = hours.parse().ok()?;
    let minutes: i32 = minutes.parse().ok()?;
    if !(0..=14).contains(&hours) || !(0..60).contains(&minutes) {
        return None;
    }
    Some(sign * (hours * 3600 + minutes * 60))
}

/// A date like `2025-03-01`.
pub fn parse_date(text: &str) -> Option<Date> {
    text.trim().parse::<Date>().ok()
}

/// A timestamp: with an offset (`2025-01-01T00:15:00+08:00`, `…Z`) it is taken as written; without one
/// (`2025-01-01 00:15`) it is local time at the site's offset. Seconds since the Unix epoch.
pub fn parse_timestamp(text: &str, utc_offset_s: i32) -> Option<i64> {
    let text = text.trim();
    if let Some(local_s) = parse_plain_local_time(text.as_bytes()) {
        return Some(local_s - i64::from(utc_offset_s));
    }
    if let Ok(instant) = text.parse::<Timestamp>() {
        return Some(instant.as_second());
    }
    let local: DateTime = text.parse().ok()?;
    let offset = Offset::from_seconds(utc_offset_s).ok()?;
    TimeZone::fixed(offset).to_timestamp(local).ok().map(|instant| instant.as_second())
}

/// The common spellings `YYYY-MM-DD HH:MM` and `YYYY-MM-DD HH:MM:SS` (or with `T`) of a valid local time, read
/// without the general parser: seconds since the epoch as if local time were UTC. Anything else — another spelling,
/// an invalid date, a leap second, a year outside 1000–9000 — gives `None` and is left to jiff, so the answer is
/// always jiff's (a test compares the two). Meter files have one timestamp per row, and this is most of reading them.
fn parse_plain_local_time(text: &[u8]) -> Option<i64> {
    if !matches!(text.len(), 16 | 19)
        || text[4] != b'-'
        || text[7] != b'-'
        || !matches!(text[10], b' ' | b'T')
        || text[13] != b':'
        || (text.len() == 19 && text[16] != b':')
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        text[range]
            .iter()
            .try_fold(0_i64, |value, byte| byte.is_ascii_digit().then(|| value * 10 + i64::from(byte - b'0')))
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute) = (number(11..13)?, number(14..16)?);
    let second = if text.len() == 19 { number(17..19)? } else { 0 };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if !(1000..=9000).contains(&year) || !(1..=days_in_month).contains(&day) || hour > 23 || minute > 59 || second > 59
    {
        return None;
    }
    // Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's `days_from_civil`).
    let shifted_year = if month <= 2 { year - 1 } else { year };
    let era = shifted_year.div_euclid(400);
    let year_of_era = shifted_year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

/// The closest of `candidates` to `wanted` when it is close (edit distance at most a third of its length).
fn closest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let limit = (wanted.chars().count() / 3).max(1);
    candidates
        .filter(|candidate| candidate.len().abs_diff(wanted.len()) <= limit)
        .map(|candidate| (edit_distance(wanted, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, candidate)| candidate.to_owned())
}

fn edit_distance(left: &str, right: &str) -> usize {
    let right: Vec<char> = right.chars().collect();
    let mut previous: Vec<usize> = (0..=right.len()).collect();
    for (left_idx, left_char) in left.chars().enumerate() {
        let mut current = vec![left_idx + 1];
        for (right_idx, right_char) in right.iter().enumerate() {
            let substitution = previous[right_idx] + usize::from(left_char != *right_char);
            current.push(substitution.min(previous[right_idx + 1] + 1).min(current[right_idx] + 1));
        }
        previous = current;
    }
    previous[right.len()]
}

/// Reads a site description (docs/energy-file.md).
pub fn read_site_file(file: &str, bytes: &[u8]) -> Result<SiteFile, Vec<FileProblem>> {
    let text = decode(file, bytes).map_err(|problem| vec![problem])?;
    let raw: RawSiteFile = toml::from_str(&text).map_err(|error| {
        let row = error.span().map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        vec![FileProblem {
            file: file.into(),
            row,
            field: String::new(),
            kind: ProblemKind::TomlSyntax { detail: error.message().to_owned() },
        }]
    })?;
    let mut problems = Problems::new(file);

    let utc_offset_seconds = parse_offset(&raw.site.utc_offset).unwrap_or_else(|| {
        problems.push(None, "site.utc_offset", ProblemKind::NotAnOffset { value: raw.site.utc_offset.clone() });
        0
    });
    let minutes = raw.site.interval_minutes;
    if minutes == 0 || 1440 % minutes != 0 {
        problems.push(None, "site.interval_minutes", ProblemKind::IntervalNotDividingDay { minutes });
    }
    if !is_positive(raw.grid_factor.t_co2e_per_mwh) {
        problems.push(
            None,
            "grid_factor.t_co2e_per_mwh",
            ProblemKind::NotPositive { value: raw.grid_factor.t_co2e_per_mwh },
        );
    }
    if raw.grid_factor.source.trim().is_empty() {
        problems.push(None, "grid_factor.source", ProblemKind::Required);
    }
    if let Some(tariff) = &raw.tariff {
        if !is_positive(tariff.cny_per_kwh) {
            problems.push(None, "tariff.cny_per_kwh", ProblemKind::NotPositive { value: tariff.cny_per_kwh });
        }
        if tariff.source.trim().is_empty() {
            problems.push(None, "tariff.source", ProblemKind::Required);
        }
    }

    let mut ids = HashSet::new();
    for (area_idx, area) in raw.areas.iter().enumerate() {
        if !ids.insert(format!("area:{}", area.id)) {
            problems.push(None, format!("areas[{area_idx}].id"), ProblemKind::DuplicateId { id: area.id.clone() });
        }
    }
    for (line_idx, line) in raw.lines.iter().enumerate() {
        if !ids.insert(format!("line:{}", line.id)) {
            problems.push(None, format!("lines[{line_idx}].id"), ProblemKind::DuplicateId { id: line.id.clone() });
        }
        if !raw.areas.iter().any(|area| area.id == line.area) {
            problems.push(
                None,
                format!("lines[{line_idx}].area"),
                ProblemKind::UnknownArea { area: line.area.clone() },
            );
        }
    }
    let mut meters = Vec::with_capacity(raw.meters.len());
    for (meter_idx, raw_meter) in raw.meters.iter().enumerate() {
        let field = |key: &str| format!("meters[{meter_idx}].{key}");
        if !ids.insert(format!("meter:{}", raw_meter.id)) {
            problems.push(None, field("id"), ProblemKind::DuplicateId { id: raw_meter.id.clone() });
        }
        if !raw.lines.iter().any(|line| line.id == raw_meter.line) {
            let suggestion = closest(&raw_meter.line, raw.lines.iter().map(|line| line.id.as_str()));
            problems.push(None, field("line"), ProblemKind::UnknownLine { line: raw_meter.line.clone(), suggestion });
        }
        let kind = choice::<MeterKind>(&raw_meter.kind, &MeterKind::NAMES)
            .map_err(|kind| problems.push(None, field("kind"), kind));
        let serves = choice::<Equipment>(&raw_meter.serves, &Equipment::NAMES)
            .map_err(|kind| problems.push(None, field("serves"), kind));
        let unit = choice::<MeterUnit>(&raw_meter.unit, &MeterUnit::NAMES)
            .map_err(|kind| problems.push(None, field("unit"), kind));
        let register = match raw_meter.register.trim() {
            "interval" => Ok(Register::Interval),
            "cumulative" => Ok(Register::Cumulative { rollover_value: raw_meter.rollover }),
            other => {
                problems.push(
                    None,
                    field("register"),
                    ProblemKind::NotOneOf {
                        value: other.into(),
                        choices: vec!["interval".into(), "cumulative".into()],
                    },
                );
                Err(())
            }
        };
        for (key, value) in [
            ("ct_ratio", raw_meter.ct_ratio),
            ("pt_ratio", raw_meter.pt_ratio),
            ("multiplier", raw_meter.multiplier),
            ("kwh_per_unit", raw_meter.kwh_per_unit),
            ("rollover", raw_meter.rollover),
        ] {
            if let Some(value) = value
                && !is_positive(value)
            {
                problems.push(None, field(key), ProblemKind::NotPositive { value });
            }
        }
        let (Ok(kind), Ok(serves), Ok(unit), Ok(register)) = (kind, serves, unit, register) else { continue };
        let kwh_per_unit = match (unit.exact_kwh_per_unit(), raw_meter.kwh_per_unit, kind) {
            (Some(exact), _, _) => Some(exact),
            (None, _, MeterKind::Water) => None,
            (None, Some(stated), _) => Some(stated),
            (None, None, _) => {
                problems.push(
                    None,
                    field("kwh_per_unit"),
                    ProblemKind::MissingKwhPerUnit { unit: unit.symbol().into() },
                );
                None
            }
        };
        meters.push(Meter {
            id: raw_meter.id.trim().to_owned(),
            line: raw_meter.line.trim().to_owned(),
            kind,
            serves,
            unit,
            register,
            ct_ratio: raw_meter.ct_ratio.unwrap_or(1.0),
            pt_ratio: raw_meter.pt_ratio.unwrap_or(1.0),
            multiplier: raw_meter.multiplier.unwrap_or(1.0),
            kwh_per_unit,
        });
    }

    // Upstream meters, checked by the store's rule (`handover::check_parent`): a meter of the file, the same
    // carrier, no loop.
    let kinds: BTreeMap<String, MeterKind> = meters.iter().map(|meter| (meter.id.clone(), meter.kind)).collect();
    let mut parents = BTreeMap::new();
    for (meter_idx, raw_meter) in raw.meters.iter().enumerate() {
        let Some(parent) = raw_meter.parent.as_deref().map(str::trim) else { continue };
        let (meter, field) = (raw_meter.id.trim(), format!("meters[{meter_idx}].parent"));
        if !raw.meters.iter().any(|candidate| candidate.id.trim() == parent) {
            let suggestion = closest(parent, raw.meters.iter().map(|candidate| candidate.id.trim()));
            problems.push(None, field, ProblemKind::UnknownMeter { meter: parent.into(), suggestion });
            continue;
        }
        match crate::handover::check_parent(&kinds, &parents, meter, parent) {
            Ok(()) => {
                parents.insert(meter.to_owned(), parent.to_owned());
            }
            Err(problem) => {
                problems.push(None, field, ProblemKind::UpstreamMeterRefused { problem: Box::new(problem) });
            }
        }
    }

    let mut day = |key: &str, value: &Option<String>| -> Option<Date> {
        let text = value.as_ref()?;
        let parsed = parse_date(text);
        if parsed.is_none() {
            problems.push(None, format!("analysis.{key}"), ProblemKind::NotADate { value: text.clone() });
        }
        parsed
    };
    let mut options = AnalysisOptions::default();
    if let Some(analysis) = &raw.analysis {
        let baseline = (day("baseline_first", &analysis.baseline_first), day("baseline_last", &analysis.baseline_last));
        let reporting =
            (day("reporting_first", &analysis.reporting_first), day("reporting_last", &analysis.reporting_last));
        let mut range = |key: &str, pair: (Option<Date>, Option<Date>), present: (bool, bool)| -> Option<DayRange> {
            match pair {
                (Some(first), Some(last)) if first <= last => Some(DayRange { first, last }),
                (Some(first), Some(last)) => {
                    problems.push(None, format!("analysis.{key}_first"), ProblemKind::RangeReversed { first, last });
                    None
                }
                _ if present.0 != present.1 => {
                    let missing = if present.0 { "last" } else { "first" };
                    problems.push(None, format!("analysis.{key}_{missing}"), ProblemKind::Required);
                    None
                }
                _ => None,
            }
        };
        options.baseline =
            range("baseline", baseline, (analysis.baseline_first.is_some(), analysis.baseline_last.is_some()));
        options.reporting =
            range("reporting", reporting, (analysis.reporting_first.is_some(), analysis.reporting_last.is_some()));
        if let Some(confidence) = analysis.confidence {
            if confidence > 0.0 && confidence < 1.0 {
                options.confidence = confidence;
            } else {
                problems.push(None, "analysis.confidence", ProblemKind::NotPositive { value: confidence });
            }
        }
    }

    let weather = match (&raw.data.weather, &raw.weather) {
        (None, None) => None,
        (Some(_), None) => {
            problems.push(None, "weather.station", ProblemKind::Required);
            None
        }
        (None, Some(_)) => {
            problems.push(None, "data.weather", ProblemKind::Required);
            None
        }
        (Some(path), Some(weather)) => {
            for (key, value) in [("weather.station", &weather.station), ("weather.source", &weather.source)] {
                if value.trim().is_empty() {
                    problems.push(None, key, ProblemKind::Required);
                }
            }
            let defaults = DegreeDayBases::default();
            let mut base = |key: &str, value: Option<f64>, default: f64| match value {
                Some(value) if !(-30.0..=40.0).contains(&value) || !value.is_finite() => {
                    problems.push(None, key, ProblemKind::TemperatureOutOfRange { value });
                    default
                }
                Some(value) => value,
                None => default,
            };
            let bases = DegreeDayBases {
                heating_base_c: base("weather.heating_base_c", weather.heating_base_c, defaults.heating_base_c),
                cooling_base_c: base("weather.cooling_base_c", weather.cooling_base_c, defaults.cooling_base_c),
            };
            Some(WeatherFile {
                path: path.clone(),
                station: weather.station.trim().to_owned(),
                source: weather.source.trim().to_owned(),
                station_zh: chinese(&weather.station_zh),
                source_zh: chinese(&weather.source_zh),
                bases,
            })
        }
    };

    let chinese_labels = ChineseLabels {
        grid_factor_source: raw.grid_factor.source_zh,
        tariff_source: raw.tariff.as_ref().and_then(|tariff| tariff.source_zh.clone()),
    };
    let illustrative = raw.site.illustrative;
    let site = Site {
        name: raw.site.name,
        utc_offset_seconds,
        interval_minutes: minutes,
        areas: raw.areas.into_iter().map(|area| Area { id: area.id, name: area.name }).collect(),
        lines: raw
            .lines
            .into_iter()
            .map(|line| Line {
                id: line.id,
                name: line.name,
                area: line.area,
                product_sku: line.product,
                output_unit: line.output_unit,
            })
            .collect(),
        meters,
        grid_factor: GridFactor {
            t_co2e_per_mwh: raw.grid_factor.t_co2e_per_mwh,
            source: raw.grid_factor.source,
            factor_id: raw.grid_factor.factor_id,
        },
        tariff: raw.tariff.map(|tariff| Tariff { cny_per_kwh: tariff.cny_per_kwh, source: tariff.source }),
    };
    problems.finish(SiteFile {
        site,
        readings_path: raw.data.readings,
        production_path: raw.data.production,
        options,
        weather,
        parents,
        illustrative,
        chinese_labels,
    })
}

/// Which layout a readings CSV has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadingsLayout {
    /// `meter,timestamp,value`: one reading per row.
    Long,
    /// `timestamp,<meter id>,<meter id>,…`: one row per timestamp.
    Wide,
}

/// Readings by meter id, and the layout found.
pub type Readings = (HashMap<String, Vec<RawReading>>, ReadingsLayout);

/// Reads a readings CSV in either layout (docs/energy-file.md). Every meter it names must be in `site`.
pub fn read_readings_csv(file: &str, bytes: &[u8], site: &Site) -> Result<Readings, Vec<FileProblem>> {
    let text = decode(file, bytes).map_err(|problem| vec![problem])?;
    let mut problems = Problems::new(file);
    let mut reader = csv_reader(&text);
    let header: Vec<String> = match reader.headers() {
        Ok(header) => header.iter().map(str::to_owned).collect(),
        Err(_) => {
            problems.push(Some(1), "", ProblemKind::NotText);
            return problems.finish((HashMap::new(), ReadingsLayout::Long));
        }
    };
    let lower: Vec<String> = header.iter().map(|name| name.to_lowercase()).collect();
    let position = |name: &str| lower.iter().position(|column| column == name);
    let mut readings: HashMap<String, Vec<RawReading>> = HashMap::new();
    let offset = site.utc_offset_seconds;
    let known_meters = || site.meters.iter().map(|meter| meter.id.as_str());

    if let (Some(meter_col), Some(time_col), Some(value_col), 3) =
        (position("meter"), position("timestamp"), position("value"), header.len())
    {
        for (record_idx, record) in reader.records().enumerate() {
            let row = record_idx + 2;
            let Ok(record) = record else {
                problems.push(Some(row), "", ProblemKind::NotText);
                continue;
            };
            if record.len() != 3 {
                problems.push(Some(row), "", ProblemKind::WrongCellCount { expected: 3, found: record.len() });
                continue;
            }
            let meter = &record[meter_col];
            if site.meter(meter).is_none() {
                let suggestion = closest(meter, known_meters());
                problems.push(Some(row), "meter", ProblemKind::UnknownMeter { meter: meter.into(), suggestion });
                continue;
            }
            let time = parse_timestamp(&record[time_col], offset);
            if time.is_none() {
                problems.push(Some(row), "timestamp", ProblemKind::NotATimestamp { value: record[time_col].into() });
            }
            let value = parse_value(&record[value_col]).map_err(|kind| problems.push(Some(row), "value", kind)).ok();
            if let (Some(time_s), Some(value)) = (time, value) {
                readings.entry(meter.to_owned()).or_default().push(RawReading { time_s, value, row });
            }
        }
        return problems.finish((readings, ReadingsLayout::Long));
    }

    if lower.first().map(String::as_str) == Some("timestamp") && header.len() >= 2 {
        let mut columns_ok = true;
        for (column_idx, meter) in header.iter().enumerate().skip(1) {
            if site.meter(meter).is_none() {
                let suggestion = closest(meter, known_meters());
                problems.push(
                    Some(1),
                    format!("column {}", column_idx + 1),
                    ProblemKind::UnknownMeter { meter: meter.clone(), suggestion },
                );
                columns_ok = false;
            }
        }
        if !columns_ok {
            return problems.finish((readings, ReadingsLayout::Wide));
        }
        for (record_idx, record) in reader.records().enumerate() {
            let row = record_idx + 2;
            let Ok(record) = record else {
                problems.push(Some(row), "", ProblemKind::NotText);
                continue;
            };
            if record.len() != header.len() {
                problems.push(
                    Some(row),
                    "",
                    ProblemKind::WrongCellCount { expected: header.len(), found: record.len() },
                );
                continue;
            }
            let Some(time_s) = parse_timestamp(&record[0], offset) else {
                problems.push(Some(row), "timestamp", ProblemKind::NotATimestamp { value: record[0].into() });
                continue;
            };
            for (column_idx, cell) in record.iter().enumerate().skip(1) {
                // An empty cell is a missing reading, which cleaning estimates and records.
                if cell.is_empty() {
                    continue;
                }
                match parse_value(cell) {
                    Ok(value) => {
                        readings.entry(header[column_idx].clone()).or_default().push(RawReading { time_s, value, row })
                    }
                    Err(kind) => problems.push(Some(row), header[column_idx].clone(), kind),
                }
            }
        }
        return problems.finish((readings, ReadingsLayout::Wide));
    }

    problems.push(Some(1), "", ProblemKind::UnknownLayout { header });
    problems.finish((readings, ReadingsLayout::Long))
}

/// A finite number above zero (NaN is not).
/// A label's Chinese text as the file gives it: trimmed, and none when blank.
fn chinese(text: &Option<String>) -> Option<String> {
    text.as_deref().map(str::trim).filter(|text| !text.is_empty()).map(str::to_owned)
}

fn is_positive(value: f64) -> bool {
    value > 0.0 && value.is_finite()
}

fn parse_value(text: &str) -> Result<f64, ProblemKind> {
    match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(ProblemKind::NotANumber { value: text.into() }),
    }
}

/// A CSV reader over decoded text: cells trimmed, rows of any width (a wrong width is a row problem, not a stop).
fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(text.as_bytes())
}

/// The lower-case header of a CSV, or `None` (with the problem on row 1) when it cannot be read.
fn csv_header(reader: &mut csv::Reader<&[u8]>, problems: &mut Problems) -> Option<Vec<String>> {
    match reader.headers() {
        Ok(header) => Some(header.iter().map(str::to_lowercase).collect()),
        Err(_) => {
            problems.push(Some(1), "", ProblemKind::NotText);
            None
        }
    }
}

/// Calls `each_row` with every row of the header's width and its number (the header is row 1, as spreadsheets
/// count); a row that cannot be read or has another number of cells is a problem and skipped. The production and
/// weather readers share it.
fn for_each_row(
    reader: &mut csv::Reader<&[u8]>,
    n_columns: usize,
    problems: &mut Problems,
    mut each_row: impl FnMut(usize, &csv::StringRecord, &mut Problems),
) {
    for (record_idx, record) in reader.records().enumerate() {
        let row = record_idx + 2;
        let Ok(record) = record else {
            problems.push(Some(row), "", ProblemKind::NotText);
            continue;
        };
        if record.len() != n_columns {
            problems.push(Some(row), "", ProblemKind::WrongCellCount { expected: n_columns, found: record.len() });
            continue;
        }
        each_row(row, &record, problems);
    }
}

/// Reads a production CSV: `line,date,sku,units` (daily counts) or `line,timestamp,sku,units` (counts per interval,
/// the timestamp ending the interval, as for meters).
pub fn read_production_csv(file: &str, bytes: &[u8], site: &Site) -> Result<Vec<ProductionRecord>, Vec<FileProblem>> {
    let text = decode(file, bytes).map_err(|problem| vec![problem])?;
    let mut problems = Problems::new(file);
    let mut reader = csv_reader(&text);
    let Some(header) = csv_header(&mut reader, &mut problems) else { return problems.finish(Vec::new()) };
    let position = |name: &str| header.iter().position(|column| column == name);
    let (Some(line_col), Some(sku_col), Some(units_col)) = (position("line"), position("sku"), position("units"))
    else {
        for required in ["line", "sku", "units"] {
            if position(required).is_none() {
                problems.push(Some(1), required, ProblemKind::Required);
            }
        }
        return problems.finish(Vec::new());
    };
    let date_col = position("date");
    let time_col = position("timestamp");
    if date_col.is_none() && time_col.is_none() {
        problems.push(Some(1), "date", ProblemKind::Required);
        return problems.finish(Vec::new());
    }
    let interval_s = site.interval_seconds();
    let offset = site.utc_offset_seconds;
    let mut records = Vec::new();
    for_each_row(&mut reader, header.len(), &mut problems, |row, record, problems| {
        let line_id = &record[line_col];
        let Some(line) = site.line(line_id) else {
            let suggestion = closest(line_id, site.lines.iter().map(|line| line.id.as_str()));
            problems.push(Some(row), "line", ProblemKind::UnknownLine { line: line_id.into(), suggestion });
            return;
        };
        let sku = &record[sku_col];
        if sku != line.product_sku {
            problems.push(
                Some(row),
                "sku",
                ProblemKind::SkuMismatch { sku: sku.into(), expected: line.product_sku.clone() },
            );
        }
        let day = match (date_col, time_col) {
            (Some(date_col), _) => parse_date(&record[date_col]).or_else(|| {
                problems.push(Some(row), "date", ProblemKind::NotADate { value: record[date_col].into() });
                None
            }),
            (None, Some(time_col)) => match parse_timestamp(&record[time_col], offset) {
                Some(end_s) => {
                    let start_local = end_s - interval_s + i64::from(offset);
                    let days = start_local.div_euclid(86_400);
                    jiff::civil::date(1970, 1, 1).checked_add(jiff::Span::new().days(days)).ok()
                }
                None => {
                    problems.push(
                        Some(row),
                        "timestamp",
                        ProblemKind::NotATimestamp { value: record[time_col].into() },
                    );
                    None
                }
            },
            (None, None) => None,
        };
        let units = match parse_value(&record[units_col]) {
            Ok(units) if units < 0.0 => {
                problems.push(Some(row), "units", ProblemKind::Negative { value: units });
                None
            }
            Ok(units) => Some(units),
            Err(kind) => {
                problems.push(Some(row), "units", kind);
                None
            }
        };
        if let (Some(day), Some(units)) = (day, units) {
            records.push(ProductionRecord { line: line.id.clone(), sku: sku.into(), day, units, row });
        }
    });
    problems.finish(records)
}

/// The coldest and hottest daily mean temperatures accepted, °C (the records are about −89 °C and 57 °C for single
/// readings; a daily mean outside this range is a unit or scale mistake).
pub const TEMPERATURE_RANGE_C: (f64, f64) = (-90.0, 60.0);

/// Reads a weather CSV, `date,mean_temperature_c` (one row per local day, °C), into the site's weather with the
/// station, source and bases the site file gives.
pub fn read_weather_csv(file: &str, bytes: &[u8], weather: &WeatherFile) -> Result<Weather, Vec<FileProblem>> {
    let text = decode(file, bytes).map_err(|problem| vec![problem])?;
    let mut problems = Problems::new(file);
    let mut reader = csv_reader(&text);
    let mut days = Vec::new();
    if let Some(header) = csv_header(&mut reader, &mut problems) {
        let position = |name: &str| header.iter().position(|column| column == name);
        let (date_col, temperature_col) = (position("date"), position("mean_temperature_c"));
        for (required, found) in [("date", date_col), ("mean_temperature_c", temperature_col)] {
            if found.is_none() {
                problems.push(Some(1), required, ProblemKind::Required);
            }
        }
        if let (Some(date_col), Some(temperature_col)) = (date_col, temperature_col) {
            let mut seen = HashSet::new();
            for_each_row(&mut reader, header.len(), &mut problems, |row, record, problems| {
                let day = parse_date(&record[date_col]);
                if day.is_none() {
                    problems.push(Some(row), "date", ProblemKind::NotADate { value: record[date_col].into() });
                }
                let temperature = match parse_value(&record[temperature_col]) {
                    Ok(value) if !(TEMPERATURE_RANGE_C.0..=TEMPERATURE_RANGE_C.1).contains(&value) => {
                        problems.push(Some(row), "mean_temperature_c", ProblemKind::TemperatureOutOfRange { value });
                        None
                    }
                    Ok(value) => Some(value),
                    Err(kind) => {
                        problems.push(Some(row), "mean_temperature_c", kind);
                        None
                    }
                };
                if let Some(day) = day
                    && !seen.insert(day)
                {
                    problems.push(Some(row), "date", ProblemKind::DuplicateDay { day });
                    return;
                }
                if let (Some(day), Some(mean_temperature_c)) = (day, temperature) {
                    days.push(WeatherDay { day, mean_temperature_c });
                }
            });
        }
    }
    problems.finish(Weather {
        station: weather.station.clone(),
        source: weather.source.clone(),
        station_zh: weather.station_zh.clone(),
        source_zh: weather.source_zh.clone(),
        bases: weather.bases,
        days,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `parse_timestamp` before its shortcut: jiff alone.
    fn jiff_timestamp(text: &str, utc_offset_s: i32) -> Option<i64> {
        let text = text.trim();
        if let Ok(instant) = text.parse::<Timestamp>() {
            return Some(instant.as_second());
        }
        let local: DateTime = text.parse().ok()?;
        let offset = Offset::from_seconds(utc_offset_s).ok()?;
        TimeZone::fixed(offset).to_timestamp(local).ok().map(|instant| instant.as_second())
    }

    #[test]
    fn the_timestamp_shortcut_gives_jiffs_answer() {
        let mut texts: Vec<String> = [
            "2024-02-29 12:00",
            "2025-02-29 12:00",
            "2100-02-29 00:00",
            "2000-02-29 23:59:59",
            "2025-13-01 00:00",
            "2025-00-10 00:00",
            "2025-04-31 00:00",
            "2025-01-00 00:00",
            "2025-01-01 24:00",
            "2025-01-01 00:60",
            "2025-01-01 00:00:60",
            "2025-1-01 00:00",
            "2025-01-01x00:00",
            "2025-01-01 0a:00",
            " 2025-01-01 00:15 ",
            "2025-01-01T00:15:30",
            "2025-01-01 00:15+08:00",
            "2025-01-01T00:15:00Z",
            "0999-12-31 23:59",
            "1000-01-01 00:00",
            "9000-12-31 23:59:59",
            "9001-01-01 00:00",
            "1969-12-31 23:59:59",
            "1970-01-01 00:00",
        ]
        .map(String::from)
        .to_vec();
        // Every 97 hours and 7 minutes from 1899 to 2101, in both spellings.
        let mut time_s = jiff_timestamp("1899-01-01 00:00", 0).unwrap();
        while time_s < jiff_timestamp("2101-01-01 00:00", 0).unwrap() {
            let local = Timestamp::from_second(time_s).unwrap().to_zoned(TimeZone::UTC).datetime();
            texts.push(local.strftime("%Y-%m-%d %H:%M").to_string());
            texts.push(local.strftime("%Y-%m-%dT%H:%M:%S").to_string());
            time_s += 97 * 3600 + 7 * 60 + 13;
        }
        for text in &texts {
            for offset in [8 * 3600, 0, -5 * 3600 - 1800, 14 * 3600] {
                assert_eq!(parse_timestamp(text, offset), jiff_timestamp(text, offset), "{text:?} at {offset}");
            }
        }
        assert!(texts.len() > 30_000);
    }

    const SITE: &str = r#"
[site]
name = "瑞禾纸制品厂"
utc_offset = "+08:00"
interval_minutes = 15

[grid_factor]
t_co2e_per_mwh = 0.5306
source = "MEE & NBS 公告2025年第47号"

[data]
readings = "readings.csv"
production = "production.csv"

[[areas]]
id = "A1"
name = "成型车间"

[[lines]]
id = "L1"
name = "纸杯一线"
area = "A1"
product = "CUP-9OZ"
output_unit = "cup"

[[meters]]
id = "L1-heater"
line = "L1"
kind = "electricity"
serves = "heater"
unit = "kWh"
register = "cumulative"
rollover = 1000000
ct_ratio = 40
"#;

    fn with_meters(extra: &str) -> String {
        format!("{SITE}{extra}")
    }

    const MAIN_AND_GAS: &str = r#"
[[meters]]
id = "main"
line = "L1"
kind = "electricity"
serves = "whole_line"
unit = "kWh"
register = "interval"

[[meters]]
id = "gas"
line = "L1"
kind = "natural_gas"
serves = "heater"
unit = "m3"
register = "interval"
kwh_per_unit = 10.3
"#;

    #[test]
    fn upstream_meters_are_read_and_only_top_meters_count_in_totals() {
        let text = with_meters(MAIN_AND_GAS)
            .replace("rollover = 1000000\nct_ratio = 40\n", "rollover = 1000000\nct_ratio = 40\nparent = \"main\"\n");
        let file = read_site_file("site.toml", text.as_bytes()).unwrap();
        assert_eq!(file.parents, BTreeMap::from([("L1-heater".to_owned(), "main".to_owned())]));
        let counted: Vec<String> = file.top_meters_only().meters.into_iter().map(|meter| meter.id).collect();
        assert_eq!(counted, ["main", "gas"]);
        assert_eq!(file.site.meters.len(), 3, "every meter still counts for its line");
    }

    #[test]
    fn an_upstream_meter_is_refused_like_the_stores_rule() {
        let refused = |parent_of: &[(&str, &str)]| {
            let mut text = with_meters(MAIN_AND_GAS);
            for (meter, parent) in parent_of {
                let anchor = format!("id = \"{meter}\"\n");
                text = text.replace(&anchor, &format!("{anchor}parent = \"{parent}\"\n"));
            }
            let problems = read_site_file("site.toml", text.as_bytes()).unwrap_err();
            problems.into_iter().map(|problem| (problem.field, problem.kind)).collect::<Vec<_>>()
        };
        let unknown = refused(&[("L1-heater", "mainn")]);
        assert_eq!(
            unknown,
            [(
                "meters[0].parent".to_owned(),
                ProblemKind::UnknownMeter { meter: "mainn".into(), suggestion: Some("main".into()) }
            )]
        );
        let why = |found: &[(String, ProblemKind)]| match found {
            [(field, ProblemKind::UpstreamMeterRefused { problem })] => (field.clone(), (**problem).clone()),
            other => panic!("{other:?}"),
        };
        use crate::handover::ParentProblem;
        let (field, problem) = why(&refused(&[("gas", "main")]));
        assert_eq!(field, "meters[2].parent");
        assert!(matches!(problem, ParentProblem::DifferentKind { .. }), "{problem:?}");
        let (_, problem) = why(&refused(&[("L1-heater", "main"), ("main", "L1-heater")]));
        assert!(matches!(problem, ParentProblem::Loop { .. }), "{problem:?}");
        let (_, problem) = why(&refused(&[("main", "main")]));
        assert!(matches!(problem, ParentProblem::SameMeter { .. }), "{problem:?}");
    }

    fn site() -> Site {
        read_site_file("site.toml", SITE.as_bytes()).expect("reads").site
    }

    #[test]
    fn a_site_file_reads_into_the_meter_tree() {
        let site = site();
        assert_eq!(site.utc_offset_seconds, 28_800);
        let meter = site.meter("L1-heater").expect("meter");
        assert_eq!(meter.register, Register::Cumulative { rollover_value: Some(1_000_000.0) });
        assert_eq!(meter.kwh_per_register_unit(), Some(40.0));
    }

    #[test]
    fn problems_in_a_site_file_name_the_field() {
        let broken = SITE
            .replace("kind = \"electricity\"", "kind = \"electrcity\"")
            .replace("line = \"L1\"\nkind", "line = \"L2\"\nkind");
        let problems = read_site_file("site.toml", broken.as_bytes()).expect_err("refused");
        assert!(
            problems.iter().any(
                |problem| problem.field == "meters[0].kind" && matches!(problem.kind, ProblemKind::NotOneOf { .. })
            ),
            "{problems:?}"
        );
        assert!(problems.iter().any(|problem| problem.field == "meters[0].line"
            && matches!(&problem.kind, ProblemKind::UnknownLine { suggestion: Some(suggestion), .. } if suggestion == "L1")), "{problems:?}");
    }

    #[test]
    fn a_gas_meter_without_its_energy_content_is_refused() {
        let gas = SITE
            .replace("kind = \"electricity\"", "kind = \"natural_gas\"")
            .replace("unit = \"kWh\"", "unit = \"Nm3\"");
        let problems = read_site_file("site.toml", gas.as_bytes()).expect_err("refused");
        assert!(matches!(&problems[0].kind, ProblemKind::MissingKwhPerUnit { unit } if unit == "Nm3"));
    }

    #[test]
    fn long_and_wide_layouts_give_the_same_readings() {
        let site = site();
        let long = "meter,timestamp,value\nL1-heater,2025-01-01 00:15,10.5\nL1-heater,2025-01-01T00:30:00+08:00,11\n";
        let wide = "timestamp,L1-heater\n2025-01-01 00:15,10.5\n2025-01-01 00:30,11\n";
        let (long, long_layout) = read_readings_csv("r.csv", long.as_bytes(), &site).expect("long");
        let (wide, wide_layout) = read_readings_csv("r.csv", wide.as_bytes(), &site).expect("wide");
        assert_eq!((long_layout, wide_layout), (ReadingsLayout::Long, ReadingsLayout::Wide));
        let values = |readings: &HashMap<String, Vec<RawReading>>| -> Vec<(i64, f64)> {
            readings["L1-heater"].iter().map(|reading| (reading.time_s, reading.value)).collect()
        };
        assert_eq!(values(&long), values(&wide));
        assert_eq!(values(&long)[0].0, 1_735_660_800 + 900);
    }

    #[test]
    fn gbk_files_are_read() {
        let site = site();
        let (bytes, _, _) = encoding_rs::GBK.encode("line,date,sku,units\nL1,2025-01-01,CUP-9OZ,1000\n");
        let text = "line,date,sku,units\n纸杯,2025-01-01,CUP-9OZ,1000\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(read_production_csv("p.csv", &bytes, &site).expect("reads").len(), 1);
        let problems = read_production_csv("p.csv", &gbk, &site).expect_err("unknown line");
        assert!(matches!(&problems[0].kind, ProblemKind::UnknownLine { line, .. } if line == "纸杯"));
    }

    #[test]
    fn row_errors_name_row_and_field() {
        let site = site();
        let csv = "meter,timestamp,value\nL1-heater,2025-01-01 00:15,ten\nL1-haeter,2025-01-01 00:30,11\nL1-heater,yesterday,11\n";
        let problems = read_readings_csv("r.csv", csv.as_bytes(), &site).expect_err("refused");
        assert_eq!(
            problems[0],
            FileProblem {
                file: "r.csv".into(),
                row: Some(2),
                field: "value".into(),
                kind: ProblemKind::NotANumber { value: "ten".into() }
            }
        );
        assert!(
            matches!(&problems[1].kind, ProblemKind::UnknownMeter { suggestion: Some(suggestion), .. } if suggestion == "L1-heater")
        );
        assert_eq!((problems[2].row, problems[2].field.as_str()), (Some(4), "timestamp"));
    }

    fn with_weather(extra: &str) -> String {
        SITE.replace(
            "production = \"production.csv\"\n",
            &format!("production = \"production.csv\"\nweather = \"weather.csv\"\n\n[weather]\n{extra}\n"),
        )
    }

    #[test]
    fn a_weather_file_gives_degree_days_at_the_stated_bases() {
        let text = with_weather("station = \"58665 台州\"\nsource = \"test\"\nheating_base_c = 15.5");
        let site_file = read_site_file("site.toml", text.as_bytes()).expect("reads");
        let weather_file = site_file.weather.expect("weather");
        assert_eq!(weather_file.path, "weather.csv");
        assert_eq!(weather_file.bases, DegreeDayBases { heating_base_c: 15.5, cooling_base_c: 18.0 });
        let csv = "date,mean_temperature_c\n2025-01-01,4.5\n2025-07-01,29\n";
        let weather = read_weather_csv("weather.csv", csv.as_bytes(), &weather_file).expect("reads");
        let by_day = weather.by_day();
        let january = by_day[&jiff::civil::date(2025, 1, 1)];
        let july = by_day[&jiff::civil::date(2025, 7, 1)];
        assert_eq!((january.heating_degree_days, january.cooling_degree_days), (11.0, 0.0));
        assert_eq!((july.heating_degree_days, july.cooling_degree_days), (0.0, 11.0));
    }

    #[test]
    fn weather_without_its_station_or_file_is_refused() {
        let no_table =
            SITE.replace("production = \"production.csv\"\n", "production = \"production.csv\"\nweather = \"w.csv\"\n");
        let problems = read_site_file("site.toml", no_table.as_bytes()).expect_err("refused");
        assert_eq!((problems[0].field.as_str(), &problems[0].kind), ("weather.station", &ProblemKind::Required));
        let blank = with_weather("station = \" \"\nsource = \"test\"\ncooling_base_c = 65");
        let problems = read_site_file("site.toml", blank.as_bytes()).expect_err("refused");
        assert!(problems.iter().any(|problem| problem.field == "weather.station"), "{problems:?}");
        assert!(
            problems.iter().any(|problem| problem.field == "weather.cooling_base_c"
                && matches!(problem.kind, ProblemKind::TemperatureOutOfRange { .. })),
            "{problems:?}"
        );
    }

    #[test]
    fn weather_rows_are_checked_whole() {
        let weather_file = WeatherFile {
            path: "w.csv".into(),
            station: "s".into(),
            source: "t".into(),
            station_zh: None,
            source_zh: None,
            bases: DegreeDayBases::default(),
        };
        let csv =
            "date,mean_temperature_c\n2025-01-01,4.5\n2025-01-01,5\n2025-01-03,77\n2025-13-01,3\n2025-01-05,warm\n";
        let problems = read_weather_csv("w.csv", csv.as_bytes(), &weather_file).expect_err("refused");
        let found: Vec<(Option<usize>, &str)> =
            problems.iter().map(|problem| (problem.row, problem.field.as_str())).collect();
        assert_eq!(
            found,
            [(Some(3), "date"), (Some(4), "mean_temperature_c"), (Some(5), "date"), (Some(6), "mean_temperature_c")]
        );
        assert!(matches!(problems[0].kind, ProblemKind::DuplicateDay { .. }));
        assert!(matches!(problems[1].kind, ProblemKind::TemperatureOutOfRange { value } if value == 77.0));
        let missing = read_weather_csv("w.csv", b"day,temp\n", &weather_file).expect_err("refused");
        assert_eq!(missing.len(), 2);
    }

    #[test]
    fn production_by_interval_counts_on_the_day_the_interval_starts() {
        let site = site();
        let csv = "line,timestamp,sku,units\nL1,2025-01-02 00:00,CUP-9OZ,5\nL1,2025-01-02 00:15,CUP-9OZ,7\n";
        let records = read_production_csv("p.csv", csv.as_bytes(), &site).expect("reads");
        assert_eq!(records[0].day, jiff::civil::date(2025, 1, 1));
        assert_eq!(records[1].day, jiff::civil::date(2025, 1, 2));
    }
}
