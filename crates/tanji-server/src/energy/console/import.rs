//! `/console/energy/import`: a readings CSV uploaded → a preview (the layout found, the time zone used, the meters
//! found, the first rows and every row error with its row, field and fix) → confirming stores the whole file
//! through the store's one idempotent path (`Store::record_readings`, as the REST batch and `tanji energy import`),
//! or nothing at all.
//!
//! The file is read by the pure reader of `tanji_energy::file` (long or wide layout, UTF-8 or GBK, local times at
//! the stated offset), against the organisation's registered meters. The confirm step sends the previewed text
//! back and it is read again, so what is stored is exactly what the checks passed.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use tanji_energy::Site;
use tanji_energy::file::{FileProblem, ReadingsLayout};
use tanji_energy::model::{Equipment, GridFactor, Meter as SiteMeter, MeterKind as SiteMeterKind, MeterUnit, Register};
use tanji_i18n::Localize;
use tanji_i18n::energy::console::EnergyText;
use tanji_store::energy::{IngestError, IngestOutcome, Meter, MeterKind, NewReading, ReadingSource, RegisterType};
use tanji_tenancy::Permission;

use super::meters::local_time;
use super::{Tab, TabLink, energy_frame, tabs};
use crate::console::error_page::ErrorPage;
use crate::console::frame::{Frame, render};
use crate::state::AppState;
use crate::web_context::Console;

/// Rows of the file shown in the preview.
const PREVIEW_ROWS: usize = 10;
/// Row errors shown (the reader stops collecting at `tanji_energy::file::MAX_PROBLEMS`).
const SHOWN_PROBLEMS: usize = 100;

/// A meter found in the file.
#[derive(Debug)]
pub struct FoundMeter {
    pub code: String,
    pub n_readings: usize,
    pub first: String,
    pub last: String,
}

/// A reading of the preview's first rows.
#[derive(Debug)]
pub struct PreviewRow {
    pub row: usize,
    pub meter: String,
    pub time: String,
    pub value: String,
}

/// A row error: where, what and how to fix it.
#[derive(Debug)]
pub struct RowError {
    pub row: String,
    pub field: String,
    pub problem: String,
    pub fix: String,
}

/// What the preview shows.
#[derive(Debug, Default)]
pub struct Preview {
    pub file_name: String,
    pub timezone: String,
    pub layout: &'static str,
    pub meters: Vec<FoundMeter>,
    pub first_rows: Vec<PreviewRow>,
    pub n_readings: usize,
    pub errors: Vec<RowError>,
    /// The file's text, sent back when confirming.
    pub content: String,
}

#[derive(Template)]
#[template(path = "energy_import.html")]
struct ImportPage {
    frame: Frame,
    et: &'static EnergyText,
    tabs: Vec<TabLink>,
    can_edit: bool,
    has_meters: bool,
    timezone: String,
    preview: Option<Preview>,
    outcome: Option<IngestOutcome>,
}

/// The reader's site: the organisation's registered meters by code, at the stated offset. Only the meter codes and
/// the offset matter to the readings reader; lines and equipment are the analysis's business, not the import's.
pub fn site_of_meters(meters: &[Meter], utc_offset_seconds: i32) -> Site {
    Site {
        name: String::new(),
        utc_offset_seconds,
        interval_minutes: 15,
        areas: Vec::new(),
        lines: Vec::new(),
        meters: meters
            .iter()
            .map(|meter| SiteMeter {
                id: meter.code.as_str().to_owned(),
                line: String::new(),
                kind: match meter.kind {
                    MeterKind::Electricity => SiteMeterKind::Electricity,
                    MeterKind::NaturalGas => SiteMeterKind::NaturalGas,
                    MeterKind::Steam => SiteMeterKind::Steam,
                    MeterKind::Water => SiteMeterKind::Water,
                    MeterKind::CompressedAir => SiteMeterKind::CompressedAir,
                },
                serves: Equipment::Other,
                unit: MeterUnit::KilowattHour,
                register: match meter.register_type {
                    RegisterType::Interval => Register::Interval,
                    RegisterType::Cumulative => Register::Cumulative { rollover_value: None },
                },
                ct_ratio: 1.0,
                pt_ratio: 1.0,
                multiplier: meter.multiplier,
                kwh_per_unit: None,
            })
            .collect(),
        grid_factor: GridFactor { t_co2e_per_mwh: 0.0, source: String::new(), factor_id: None },
        tariff: None,
    }
}

/// Reads `bytes` as a readings file at `timezone` against `meters`: the readings to store with their preview, or
/// the preview with every problem. Pure, so the preview and the confirmation cannot disagree.
pub fn read_file(
    file_name: &str,
    bytes: &[u8],
    timezone: &str,
    meters: &[Meter],
    et: &'static EnergyText,
) -> (Preview, Vec<NewReading>) {
    let language = et.language;
    let mut preview = Preview {
        file_name: file_name.to_owned(),
        timezone: timezone.trim().to_owned(),
        content: tanji_energy::file::decode(file_name, bytes).unwrap_or_default(),
        ..Preview::default()
    };
    let Some(offset_s) = tanji_energy::file::parse_offset(timezone) else {
        preview.errors.push(RowError {
            row: "—".to_owned(),
            field: et.timezone.to_owned(),
            problem: match language {
                tanji_i18n::Language::SimplifiedChinese => format!("“{}”不是相对 UTC 的时差", timezone.trim()),
                tanji_i18n::Language::English => format!("“{}” is not an offset from UTC", timezone.trim()),
            },
            fix: match language {
                tanji_i18n::Language::SimplifiedChinese => "写成 +08:00（中国）、-05:00 或 Z".to_owned(),
                tanji_i18n::Language::English => "write it as +08:00 (China), -05:00 or Z".to_owned(),
            },
        });
        return (preview, Vec::new());
    };
    let site = site_of_meters(meters, offset_s);
    let offset_minutes = offset_s / 60;
    match tanji_energy::read_readings_csv(file_name, bytes, &site) {
        Err(problems) => {
            preview.errors = problems.iter().take(SHOWN_PROBLEMS).map(|problem| row_error(problem, language)).collect();
            (preview, Vec::new())
        }
        Ok((by_meter, layout)) => {
            preview.layout = match layout {
                ReadingsLayout::Long => et.layout_long,
                ReadingsLayout::Wide => et.layout_wide,
            };
            let sorted: BTreeMap<&String, &Vec<tanji_energy::RawReading>> = by_meter.iter().collect();
            let mut readings = Vec::new();
            let mut all_rows = Vec::new();
            for (code, meter_readings) in sorted {
                let times = meter_readings.iter().map(|reading| reading.time_s);
                let (first, last) = (times.clone().min().unwrap_or(0), times.max().unwrap_or(0));
                let show = |seconds: i64| {
                    Timestamp::from_second(seconds).map_or_else(|_| "—".to_owned(), |at| local_time(at, offset_minutes))
                };
                preview.meters.push(FoundMeter {
                    code: code.clone(),
                    n_readings: meter_readings.len(),
                    first: show(first),
                    last: show(last),
                });
                for reading in meter_readings {
                    let Ok(at) = Timestamp::from_second(reading.time_s) else { continue };
                    let source_reference = format!("console:{file_name}#row{}", reading.row);
                    // The reader checked the code and the number; the store checks them again on its side.
                    if let Ok(new) = NewReading::parse(code, &at.to_string(), reading.value, &source_reference) {
                        readings.push(new);
                    }
                    all_rows.push(PreviewRow {
                        row: reading.row,
                        meter: code.clone(),
                        time: local_time(at, offset_minutes),
                        value: tanji_i18n::inventory::figure(reading.value, 10),
                    });
                }
            }
            all_rows.sort_by(|a, b| a.row.cmp(&b.row).then_with(|| a.meter.cmp(&b.meter)));
            all_rows.truncate(PREVIEW_ROWS);
            preview.first_rows = all_rows;
            preview.n_readings = readings.len();
            (preview, readings)
        }
    }
}

pub(super) fn row_error(problem: &FileProblem, language: tanji_i18n::Language) -> RowError {
    RowError {
        row: problem.row.map_or_else(|| "—".to_owned(), |row| row.to_string()),
        field: problem.field.clone(),
        problem: problem.kind.localize(language),
        fix: tanji_i18n::energy::hint(&problem.kind, language).unwrap_or_default(),
    }
}

async fn page(
    state: &AppState,
    console: &Console,
    preview: Option<Preview>,
    outcome: Option<IngestOutcome>,
    status: StatusCode,
) -> Response {
    let et = EnergyText::of(console.text().language);
    let (frame, et) = match energy_frame(console, et.import_title) {
        Ok(frame) => frame,
        Err(page) => return page.into_response(),
    };
    let has_meters = match state.store().list_meters(console.actor()).await {
        Ok(meters) => !meters.is_empty(),
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let timezone = preview.as_ref().map_or_else(|| "+08:00".to_owned(), |preview| preview.timezone.clone());
    render(
        status,
        &ImportPage {
            frame,
            et,
            tabs: tabs(et, None, Tab::Import),
            can_edit: console.actor().may(Permission::EditEnergy),
            has_meters,
            timezone,
            preview,
            outcome,
        },
    )
}

/// `GET /console/energy/import`.
pub async fn show(State(state): State<AppState>, console: Console) -> Response {
    page(&state, &console, None, None, StatusCode::OK).await
}

/// The upload's fields: the file (or the previewed text) and the time zone.
pub(super) struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub timezone: String,
}

/// Reads an upload form: the file (named `default_name` when the browser gives no name) or the previewed text sent
/// back with its name, and the time zone. `None` when the body cannot be read (too large, cut off).
pub(super) async fn read_upload(multipart: &mut Multipart, default_name: &str) -> Option<Upload> {
    let mut upload = Upload { file_name: default_name.to_owned(), bytes: Vec::new(), timezone: String::new() };
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("file") => {
                    if let Some(name) = field.file_name().filter(|name| !name.is_empty()) {
                        upload.file_name = name.to_owned();
                    }
                    upload.bytes = field.bytes().await.ok()?.to_vec();
                }
                Some("content") => upload.bytes = field.bytes().await.ok()?.to_vec(),
                Some("file_name") => upload.file_name = field.text().await.ok()?,
                Some("timezone") => upload.timezone = field.text().await.ok()?,
                _ => {}
            },
            Ok(None) => return Some(upload),
            Err(_) => return None,
        }
    }
}

/// Reads the upload and the organisation's meters; `Err` is the page to answer with.
async fn checked(
    state: &AppState,
    console: &Console,
    multipart: &mut Multipart,
) -> Result<(Preview, Vec<NewReading>), Response> {
    if !console.actor().may(Permission::EditEnergy) {
        return Err(ErrorPage::forbidden(&console.web).into_response());
    }
    let Some(upload) = read_upload(multipart, "readings.csv").await else {
        return Err(ErrorPage::payload_too_large(&console.web).into_response());
    };
    let meters = state
        .store()
        .list_meters(console.actor())
        .await
        .map_err(|error| ErrorPage::from_store(&console.web, error).into_response())?;
    let et = EnergyText::of(console.text().language);
    Ok(read_file(&upload.file_name, &upload.bytes, &upload.timezone, &meters, et))
}

/// `POST /console/energy/import/preview`: reads the file and shows what would be stored, or every problem.
pub async fn preview(State(state): State<AppState>, console: Console, mut multipart: Multipart) -> Response {
    let (preview, _) = match checked(&state, &console, &mut multipart).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let status = if preview.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    page(&state, &console, Some(preview), None, status).await
}

/// `POST /console/energy/import/confirm`: reads the previewed text again and stores all of it, or nothing.
pub async fn confirm(State(state): State<AppState>, console: Console, mut multipart: Multipart) -> Response {
    let (mut preview, readings) = match checked(&state, &console, &mut multipart).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    if !preview.errors.is_empty() || readings.is_empty() {
        return page(&state, &console, Some(preview), None, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match state.store().record_readings(console.actor(), ReadingSource::Csv, &readings).await {
        Ok(outcome) => {
            state.reading_hub().publish(console.actor().organisation_id, ReadingSource::Csv, &readings, &outcome);
            page(&state, &console, None, Some(outcome), StatusCode::OK).await
        }
        Err(IngestError::Rejected(problems)) => {
            // A meter removed between the preview and the confirmation: nothing was stored; say which rows.
            let language = console.text().language;
            preview.errors = problems
                .iter()
                .map(|problem| RowError {
                    row: readings
                        .get(problem.index)
                        .and_then(|reading| reading.source_reference.rsplit_once("#row"))
                        .map_or_else(|| "—".to_owned(), |(_, row)| row.to_owned()),
                    field: problem.error.field.column_name().to_owned(),
                    problem: tanji_i18n::Localize::localize(&problem.error.problem, language),
                    fix: tanji_i18n::energy::ingest_hint(&problem.error.problem, language).unwrap_or_default(),
                })
                .collect();
            page(&state, &console, Some(preview), None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(IngestError::Store(error)) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}
