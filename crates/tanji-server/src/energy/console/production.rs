//! `/console/energy/facilities/{id}/production`: a production CSV uploaded → a preview (the lines found with their
//! days and output, the first rows, and every row error with its row, field and fix) → confirming stores the whole
//! file through the store's one idempotent path (`Store::record_production`, as the REST production batch), or
//! nothing at all. A template with the facility's lines can be downloaded.
//!
//! The file is read by the pure reader of `tanji_energy::file` (`read_production_csv`: daily `line,date,sku,units`
//! or per interval `line,timestamp,sku,units`, UTF-8 or GBK) against the facility's stored lines, so a line code or
//! a SKU the site does not have is a row error. As for readings, the confirm step sends the previewed text back and
//! it is read again, so what is stored is exactly what the checks passed.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use tanji_energy::Site;
use tanji_energy::model::{GridFactor, Line};
use tanji_i18n::energy::console::EnergyText;
use tanji_i18n::inventory::figure;
use tanji_store::StoreError;
use tanji_store::energy::ReadingSource;
use tanji_store::energy_site::{NewProduction, ProductionError, ProductionOutcome, SiteTree};
use tanji_tenancy::Permission;

use super::import::{RowError, read_upload, row_error};
use super::{FacilityPage, Tab, TabLink, facility_form, facility_page, tabs};
use crate::console::error_page::ErrorPage;
use crate::console::frame::{Frame, render};
use crate::i18n::Text;
use crate::state::AppState;
use crate::web_context::Console;

/// Rows of the file shown in the preview.
const PREVIEW_ROWS: usize = 10;
/// Row errors shown (the reader stops collecting at `tanji_energy::file::MAX_PROBLEMS`).
const SHOWN_PROBLEMS: usize = 100;

/// A line found in the file: its days and output.
#[derive(Debug)]
pub struct LineFound {
    pub code: String,
    pub n_days: usize,
    pub first: String,
    pub last: String,
    pub units_total: String,
}

/// A count of the preview's first rows.
#[derive(Debug)]
pub struct CountRow {
    pub row: usize,
    pub line: String,
    pub day: String,
    pub sku: String,
    pub units: String,
}

/// What the preview shows.
#[derive(Debug, Default)]
pub struct ProductionPreview {
    pub file_name: String,
    pub lines: Vec<LineFound>,
    pub first_rows: Vec<CountRow>,
    pub n_counts: usize,
    pub errors: Vec<RowError>,
    /// The file's text, sent back when confirming.
    pub content: String,
}

/// A line of the site, for the page's list and the template.
#[derive(Debug)]
pub struct SiteLine {
    pub code: String,
    pub name: String,
    pub sku: String,
    pub output_unit: String,
}

#[derive(Template)]
#[template(path = "energy_production.html")]
struct ProductionPage {
    frame: Frame,
    et: &'static EnergyText,
    tabs: Vec<TabLink>,
    facility_id: String,
    facility_name: String,
    lines: Vec<SiteLine>,
    can_edit: bool,
    preview: Option<ProductionPreview>,
    outcome: Option<ProductionOutcome>,
}

/// The reader's site: the facility's stored lines at its offset and interval. Only the lines (code and SKU), the
/// offset and the interval matter to the production reader; meters are the readings import's business.
pub fn site_of_lines(tree: &SiteTree) -> Site {
    let settings = &tree.site.settings;
    Site {
        name: settings.name.clone(),
        utc_offset_seconds: settings.utc_offset_minutes * 60,
        interval_minutes: settings.interval_minutes,
        areas: Vec::new(),
        lines: tree
            .lines
            .iter()
            .map(|line| Line {
                id: line.code.clone(),
                name: line.name.clone(),
                area: line.area_code.clone(),
                product_sku: line.product_sku.clone(),
                output_unit: line.output_unit.clone(),
            })
            .collect(),
        meters: Vec::new(),
        grid_factor: GridFactor { t_co2e_per_mwh: 0.0, source: String::new(), factor_id: None },
        tariff: None,
    }
}

/// Reads `bytes` as a production file against the facility's lines: the counts to store with their preview, or the
/// preview with every problem. Pure, so the preview and the confirmation cannot disagree.
pub fn read_file(
    file_name: &str,
    bytes: &[u8],
    tree: &SiteTree,
    t: &'static Text,
) -> (ProductionPreview, Vec<NewProduction>) {
    let mut preview = ProductionPreview {
        file_name: file_name.to_owned(),
        content: tanji_energy::file::decode(file_name, bytes).unwrap_or_default(),
        ..ProductionPreview::default()
    };
    let records = match tanji_energy::file::read_production_csv(file_name, bytes, &site_of_lines(tree)) {
        Ok(records) => records,
        Err(problems) => {
            preview.errors =
                problems.iter().take(SHOWN_PROBLEMS).map(|problem| row_error(problem, t.language)).collect();
            return (preview, Vec::new());
        }
    };
    let mut counts = Vec::with_capacity(records.len());
    let mut by_line: BTreeMap<&str, (Vec<Date>, f64)> = BTreeMap::new();
    for record in &records {
        let source_reference = format!("console:{file_name}#row{}", record.row);
        // The reader checked the line, SKU, day and units; the store checks them again on its side.
        match NewProduction::parse(&record.line, &record.day.to_string(), &record.sku, record.units, &source_reference)
        {
            Ok(count) => counts.push(count),
            Err(error) => preview.errors.push(RowError {
                row: record.row.to_string(),
                field: error.field.to_owned(),
                problem: t.problem(&error.problem),
                fix: String::new(),
            }),
        }
        let (days, units) = by_line.entry(&record.line).or_default();
        days.push(record.day);
        *units += record.units;
    }
    for (code, (mut days, units)) in by_line {
        days.sort();
        days.dedup();
        preview.lines.push(LineFound {
            code: code.to_owned(),
            n_days: days.len(),
            first: days.first().map(Date::to_string).unwrap_or_default(),
            last: days.last().map(Date::to_string).unwrap_or_default(),
            units_total: figure(units, 10),
        });
    }
    preview.first_rows = records
        .iter()
        .take(PREVIEW_ROWS)
        .map(|record| CountRow {
            row: record.row,
            line: record.line.clone(),
            day: record.day.to_string(),
            sku: record.sku.clone(),
            units: figure(record.units, 6),
        })
        .collect();
    preview.n_counts = counts.len();
    if !preview.errors.is_empty() {
        counts.clear();
    }
    (preview, counts)
}

/// The template: the header and one row per line of the site, with its code and SKU, the day and units left to
/// fill in.
pub fn template_csv(tree: Option<&SiteTree>) -> String {
    let mut csv = String::from("line,date,sku,units\n");
    for line in tree.map(|tree| tree.lines.as_slice()).unwrap_or_default() {
        csv.push_str(&format!("{},,{},\n", line.code, line.product_sku));
    }
    csv
}

/// The facility's site tree, or `None` when it has no energy site yet.
async fn site_tree(state: &AppState, console: &Console, facility: &FacilityPage) -> Result<Option<SiteTree>, Response> {
    match state.store().energy_site_tree(console.actor(), facility.facility.id).await {
        Ok(tree) => Ok(Some(tree)),
        Err(StoreError::NotFound) => Ok(None),
        Err(error) => Err(ErrorPage::from_store(&console.web, error).into_response()),
    }
}

async fn page(
    state: &AppState,
    console: &Console,
    id: &str,
    preview: Option<ProductionPreview>,
    outcome: Option<ProductionOutcome>,
    status: StatusCode,
) -> Response {
    let opened = match facility_page(state, console, id, |et| et.production_title).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let tree = match site_tree(state, console, &opened).await {
        Ok(tree) => tree,
        Err(answer) => return answer,
    };
    let FacilityPage { frame, et, facility } = opened;
    let lines = tree
        .map(|tree| {
            tree.lines
                .into_iter()
                .map(|line| SiteLine {
                    code: line.code,
                    name: line.name,
                    sku: line.product_sku,
                    output_unit: tanji_i18n::energy::output_unit(&line.output_unit, et.language),
                })
                .collect()
        })
        .unwrap_or_default();
    render(
        status,
        &ProductionPage {
            frame,
            et,
            tabs: tabs(et, Some(id), Tab::Production),
            facility_id: id.to_owned(),
            facility_name: facility.details.name_in(console.text().language).to_owned(),
            lines,
            can_edit: console.actor().may(Permission::EditEnergy),
            preview,
            outcome,
        },
    )
}

/// `GET /console/energy/facilities/{id}/production`.
pub async fn show(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    page(&state, &console, &id, None, None, StatusCode::OK).await
}

/// `GET /console/energy/facilities/{id}/production/template.csv` (`ViewEnergy`).
pub async fn template(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    let facility = match facility_page(&state, &console, &id, |et| et.production_title).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    match site_tree(&state, &console, &facility).await {
        Ok(tree) => crate::download::attachment(
            "text/csv; charset=utf-8",
            "production-template.csv",
            template_csv(tree.as_ref()),
        ),
        Err(answer) => answer,
    }
}

/// Reads the upload against the facility's lines, for a member who may edit energy data; `Err` is the page to
/// answer with.
async fn checked(
    state: &AppState,
    console: &Console,
    id: &str,
    multipart: &mut Multipart,
) -> Result<(ProductionPreview, Vec<NewProduction>), Response> {
    let facility = facility_form(state, console, id, &[Permission::EditEnergy]).await?;
    let Some(upload) = read_upload(multipart, "production.csv").await else {
        return Err(ErrorPage::payload_too_large(&console.web).into_response());
    };
    let tree = match state.store().energy_site_tree(console.actor(), facility.id).await {
        Ok(tree) => tree,
        // No site, so no line a file could name: the page says what to do first.
        Err(StoreError::NotFound) => {
            return Err(page(state, console, id, None, None, StatusCode::UNPROCESSABLE_ENTITY).await);
        }
        Err(error) => return Err(ErrorPage::from_store(&console.web, error).into_response()),
    };
    Ok(read_file(&upload.file_name, &upload.bytes, &tree, console.text()))
}

/// `POST …/production/preview`: reads the file and shows what would be stored, or every problem.
pub async fn preview(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Response {
    let (preview, _) = match checked(&state, &console, &id, &mut multipart).await {
        Ok(read) => read,
        Err(answer) => return answer,
    };
    let status = if preview.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    page(&state, &console, &id, Some(preview), None, status).await
}

/// `POST …/production/confirm`: reads the previewed text again and stores all of it, or nothing.
pub async fn confirm(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Response {
    let (mut preview, counts) = match checked(&state, &console, &id, &mut multipart).await {
        Ok(read) => read,
        Err(answer) => return answer,
    };
    if !preview.errors.is_empty() || counts.is_empty() {
        return page(&state, &console, &id, Some(preview), None, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    // `checked` found the facility; its id reads.
    let Ok(facility_id) = id.parse() else { return ErrorPage::not_found(&console.web).into_response() };
    match state.store().record_production(console.actor(), facility_id, ReadingSource::Csv, &counts).await {
        Ok(outcome) => page(&state, &console, &id, None, Some(outcome), StatusCode::OK).await,
        Err(ProductionError::Rejected(problems)) => {
            // A line removed between the preview and the confirmation: nothing was stored; say which rows.
            let t = console.text();
            preview.errors = problems
                .iter()
                .map(|problem| RowError {
                    row: counts
                        .get(problem.index)
                        .and_then(|count| count.source_reference.rsplit_once("#row"))
                        .map_or_else(|| "—".to_owned(), |(_, row)| row.to_owned()),
                    field: problem.error.field.to_owned(),
                    problem: t.problem(&problem.error.problem),
                    fix: String::new(),
                })
                .collect();
            page(&state, &console, &id, Some(preview), None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ProductionError::Store(error)) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}
