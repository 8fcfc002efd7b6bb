//! `/console/inventory`, `/console/activities`, `/console/factors`: the GHG inventory in the console — versions with
//! charts, every line's provenance, the auditor's sign-off, the ISO 14064-1 report and exports, activity entry and
//! import, and the factor browser.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use tanji_csv::{Cell, CsvTable};
use tanji_footprint::Assurance;
use tanji_ghg::{Co2eBasis, FactorCategory, FactorGas, FactorQuery, GwpSet};
use tanji_i18n::Localize;
use tanji_inventory::{
    ActivityRow, Completeness, ConsolidationApproach, DataSourceKind, EmissionSource, GasTotalGroup, IsoCategory,
    LineStatus, ProductionOutput, ResultLine, RowError, Severity,
};
use tanji_store::{InventoryVersion, StoreError};
use tanji_tenancy::{FacilityId, Permission};

use super::charts::{self, BarCompleteness, Chart, CompletenessWords, TotalBar};
use super::error_page::ErrorPage;
use super::forms::{FormErrors, Outcome};
use super::frame::{Frame, Section, render};
use crate::download::attachment;
use crate::i18n::Text;
use crate::state::AppState;
use crate::web_context::Console;

/// Tonnes for the figures of a version: one decimal from 100 t, three below; nothing (or float noise) is "0", never
/// "0.000" beside figures people read as measured to the kilogram.
fn tonnes(kg: f64) -> String {
    let t = kg / 1000.0;
    if t.abs() < 1e-9 {
        "0".to_owned()
    } else if t.abs() >= 100.0 {
        format!("{t:.1}")
    } else {
        format!("{t:.3}")
    }
}

fn kg_text(kg: f64) -> String {
    format!("{kg:.3}")
}

fn tonnes_i64(kg: f64) -> i64 {
    (kg / 1000.0).round() as i64
}

/// A labelled figure.
pub struct Figure {
    pub label: String,
    pub value: String,
    /// Where the figure's lines are listed (a filter of the version page), if anywhere.
    pub href: String,
}

impl Figure {
    fn new(label: impl ToString, value: impl ToString) -> Self {
        Self { label: label.to_string(), value: value.to_string(), href: String::new() }
    }

    fn linked(label: impl ToString, value: impl ToString, href: String) -> Self {
        Self { label: label.to_string(), value: value.to_string(), href }
    }
}

/// Which lines of a version to list: by scope, ISO category or facility. Every total on the page links to its lines,
/// so a number leads to its records, and a record to its evidence.
#[derive(Debug, Default, Deserialize)]
pub struct LineFilter {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    iso: String,
    #[serde(default)]
    facility: String,
}

impl LineFilter {
    fn is_empty(&self) -> bool {
        self.scope.is_empty() && self.iso.is_empty() && self.facility.is_empty()
    }

    fn admits(&self, line: &ResultLine) -> bool {
        (self.scope.is_empty() || self.scope == scope_code(line.scope))
            && (self.iso.is_empty()
                || (line.scope != tanji_inventory::Scope::Outside
                    && self.iso == line.iso_category.number().to_string()))
            && (self.facility.is_empty() || self.facility == line.facility)
    }
}

/// A scope's stable code, as filters, the CSV export and the JSON output write it (`scope1` … `outside`).
fn scope_code(scope: tanji_inventory::Scope) -> &'static str {
    match scope {
        tanji_inventory::Scope::Scope1 => "scope1",
        tanji_inventory::Scope::Scope2 => "scope2",
        tanji_inventory::Scope::Scope3 => "scope3",
        tanji_inventory::Scope::Outside => "outside",
    }
}

/// A choice in a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The options of a select: each item's value and label, the one equal to `current` selected.
fn choices<T>(
    items: impl IntoIterator<Item = T>,
    current: &str,
    describe: impl Fn(T) -> (String, String),
) -> Vec<Choice> {
    items
        .into_iter()
        .map(|item| {
            let (value, label) = describe(item);
            Choice { selected: value == current, value, label }
        })
        .collect()
}

/// A row of the versions table.
pub struct VersionRow {
    pub id: String,
    pub year: i16,
    pub version: i64,
    pub gwp: String,
    pub consolidation: &'static str,
    pub total_location_t: String,
    pub total_market_t: String,
    pub n_errors: i64,
    /// Records not in the totals (0: complete).
    pub n_records_not_counted: i64,
    pub computed_at: String,
    pub computed_by: String,
    /// Its sign-off, as words and a badge class (`assurance_badge`).
    pub assurance: AssuranceBadge,
}

/// How a version's sign-off reads on a badge: third-party verified, internal review or not verified. Only an
/// independent body's verification is shown as done; a member's sign-off is internal review, never "verified".
pub struct AssuranceBadge {
    pub label: &'static str,
    pub class: &'static str,
}

fn assurance_badge(t: &'static Text, assurance: Assurance) -> AssuranceBadge {
    let class = match assurance {
        Assurance::Verified => "badge-ok",
        Assurance::InternalReview => "badge-warn",
        Assurance::SelfDeclared => "badge-muted",
    };
    AssuranceBadge { label: t.inventory_assurance(assurance), class }
}

/// A facility in the boundary table.
pub struct BoundaryRow {
    pub id: String,
    pub name: String,
    pub equity_share_percent: String,
    pub financial_control: bool,
    pub operational_control: bool,
}

/// The compute form as typed.
#[derive(Debug, Deserialize)]
pub struct ComputeForm {
    #[serde(default)]
    reporting_year: String,
    #[serde(default)]
    gwp: String,
    #[serde(default)]
    consolidation: String,
    #[serde(default)]
    base_years: String,
    #[serde(default)]
    significance_threshold_percent: String,
    #[serde(default)]
    base_year_changes: String,
    #[serde(default)]
    output_quantity: String,
    #[serde(default)]
    output_unit: String,
    #[serde(default)]
    output_description: String,
}

/// The output typed in the compute form: none when the quantity and unit are both empty.
fn parse_output(form: &ComputeForm) -> Result<Option<ProductionOutput>, tanji_tenancy::FieldError> {
    use tanji_inventory::OutputError;
    use tanji_tenancy::{FieldError, Problem};
    if form.output_quantity.trim().is_empty() && form.output_unit.trim().is_empty() {
        return Ok(None);
    }
    ProductionOutput::parse(&form.output_quantity, &form.output_unit, &form.output_description).map(Some).map_err(
        |error| match error {
            OutputError::QuantityNotPositive => {
                FieldError::new("output_quantity", Problem::Malformed { expected: "a number greater than 0" })
            }
            OutputError::UnitInvalid => FieldError::new("output_unit", Problem::TooLong { max_chars: 40 }),
            OutputError::DescriptionInvalid => {
                FieldError::new("output_description", Problem::TooLong { max_chars: 200 })
            }
        },
    )
}

/// Parses the changes textarea: one change a line, `kind; t CO2e; description`.
fn parse_base_year_changes(text: &str) -> Result<Vec<tanji_inventory::BaseYearChange>, tanji_tenancy::FieldError> {
    use tanji_inventory::{BaseYearChange, ChangeKind};
    let malformed = || {
        tanji_tenancy::FieldError::new(
            "base_year_changes",
            tanji_tenancy::Problem::Malformed { expected: "“kind; t CO2e; description” on each line" },
        )
    };
    let mut changes = Vec::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let mut parts = line.splitn(3, [';', '；']).map(str::trim);
        let kind = match parts.next().unwrap_or_default().to_lowercase().as_str() {
            "structural" | "结构变化" | "结构" => ChangeKind::Structural,
            "methodology" | "方法变化" | "方法" => ChangeKind::Methodology,
            "factor_change" | "因子变化" | "因子" => ChangeKind::FactorChange,
            "error_correction" | "差错更正" | "差错" => ChangeKind::ErrorCorrection,
            "organic_growth" | "有机增长" => ChangeKind::OrganicGrowth,
            _ => return Err(malformed()),
        };
        let impact_t: f64 = parts.next().and_then(|text| text.replace(',', "").parse().ok()).ok_or_else(malformed)?;
        if !impact_t.is_finite() {
            return Err(malformed());
        }
        changes.push(BaseYearChange {
            kind,
            description: parts.next().unwrap_or_default().to_owned(),
            impact_kg: impact_t * 1000.0,
        });
    }
    Ok(changes)
}

impl ComputeForm {
    fn blank(year: i16) -> Self {
        Self {
            reporting_year: year.to_string(),
            gwp: "AR6".into(),
            consolidation: "operational_control".into(),
            base_years: String::new(),
            significance_threshold_percent: "5".into(),
            base_year_changes: String::new(),
            output_quantity: String::new(),
            output_unit: String::new(),
            output_description: String::new(),
        }
    }

    pub fn gwp_choices(&self) -> Vec<Choice> {
        choices(GwpSet::ALL, &self.gwp, |set| (set.name().into(), set.name().into()))
    }

    pub fn consolidation_choices(&self, t: &'static Text) -> Vec<Choice> {
        choices(ConsolidationApproach::ALL, &self.consolidation, |approach| {
            (approach.key().into(), t.consolidation(approach).into())
        })
    }
}

#[derive(Template)]
#[template(path = "inventory.html")]
struct InventoryPage {
    frame: Frame,
    versions: Vec<VersionRow>,
    boundary: Vec<BoundaryRow>,
    can_edit: bool,
    form: ComputeForm,
    errors: FormErrors,
    trend: Option<Chart>,
    /// The latest verified inventories the organisation's suppliers share with it (read-only).
    supplier_inventories: Vec<super::supplier_detail::SharedInventoryRow>,
}

fn current_year(state: &AppState) -> i16 {
    state.store().clock().now().to_zoned(jiff::tz::TimeZone::UTC).year()
}

async fn inventory_page(
    state: &AppState,
    console: &Console,
    form: ComputeForm,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let t = console.text();
    let actor = console.actor();
    let store = state.store();
    let (versions, boundary) = match (store.inventory_versions(actor).await, store.facility_boundaries(actor).await) {
        (Ok(versions), Ok(boundary)) => (versions, boundary),
        (Err(error), _) | (_, Err(error)) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    // The latest version of each year, oldest year first, for the trend chart; a year whose total leaves records
    // out is marked as such.
    let mut latest_by_year: Vec<TotalBar> = Vec::new();
    for version in versions.iter().rev() {
        let bar = TotalBar {
            label: version.reporting_year.to_string(),
            value: tonnes_i64(version.total_location_kg),
            completeness: match usize::try_from(version.n_records_not_counted) {
                Ok(0) => BarCompleteness::Complete,
                Ok(n_records_not_counted) => BarCompleteness::Incomplete { n_records_not_counted },
                Err(_) => BarCompleteness::Unknown,
            },
        };
        match latest_by_year.iter_mut().find(|known| known.label == bar.label) {
            Some(entry) => *entry = bar,
            None => latest_by_year.push(bar),
        }
    }
    let trend = (latest_by_year.len() > 1).then(|| {
        let note = |n| incomplete_note(t, n);
        charts::totals_with_completeness(
            "trend",
            t.total_location,
            t.t_co2e,
            &latest_by_year,
            &completeness_words(t, &note),
        )
    });
    let supplier_inventories = if actor.may(Permission::ViewSupplierLinks) {
        match store.shared_inventories(actor).await {
            Ok(shared) => super::supplier_detail::shared_inventory_rows(t, &shared),
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        }
    } else {
        Vec::new()
    };
    let page = InventoryPage {
        supplier_inventories,
        frame: Frame::console(console, Section::Inventory, t.inventory_title),
        versions: versions
            .iter()
            .map(|version| VersionRow {
                id: version.id.clone(),
                year: version.reporting_year,
                version: version.version,
                gwp: version.gwp_set.clone(),
                consolidation: ConsolidationApproach::parse(&version.consolidation)
                    .map(|approach| t.consolidation(approach))
                    .unwrap_or(""),
                total_location_t: tonnes(version.total_location_kg),
                total_market_t: tonnes(version.total_market_kg),
                n_errors: version.n_errors,
                n_records_not_counted: version.n_records_not_counted,
                computed_at: version.computed_at.strftime("%Y-%m-%d %H:%M").to_string(),
                computed_by: version.computed_by.clone(),
                assurance: assurance_badge(t, version.assurance()),
            })
            .collect(),
        boundary: boundary
            .iter()
            .filter(|facility| !facility.archived)
            .map(|facility| BoundaryRow {
                id: facility.facility_id.to_string(),
                name: facility.name.clone(),
                equity_share_percent: format!("{}", facility.equity_share_percent),
                financial_control: facility.financial_control,
                operational_control: facility.operational_control,
            })
            .collect(),
        can_edit: actor.may(Permission::EditInventory),
        form,
        errors,
        trend,
    };
    render(status, &page)
}

/// `GET /console/inventory`.
pub async fn overview(State(state): State<AppState>, console: Console) -> Response {
    let mut form = ComputeForm::blank(current_year(&state) - 1);
    // Start from the settings of the latest computation, so that a recomputation is comparable.
    if let Ok(versions) = state.store().inventory_versions(console.actor()).await
        && let Some(latest) = versions.iter().max_by_key(|version| version.computed_at)
    {
        form.gwp = latest.gwp_set.clone();
        form.consolidation = latest.consolidation.clone();
    }
    inventory_page(&state, &console, form, FormErrors::none(), StatusCode::OK).await
}

/// `POST /console/inventory/compute`.
pub async fn compute(State(state): State<AppState>, console: Console, Form(form): Form<ComputeForm>) -> Response {
    let t = console.text();
    let year: Option<i16> = form.reporting_year.trim().parse().ok();
    let base_years: Result<Vec<i16>, _> = form
        .base_years
        .split([',', '，', ' '])
        .filter(|part| !part.trim().is_empty())
        .map(|part| part.trim().parse::<i16>())
        .collect();
    let threshold: Option<f64> = form.significance_threshold_percent.trim().parse().ok();
    let changes = parse_base_year_changes(&form.base_year_changes);
    let output = parse_output(&form);
    let request = match (year, base_years, changes) {
        (Some(year), Ok(base_years), Ok(changes)) => crate::api::inventory::inventory_request(
            year,
            &form.gwp,
            &form.consolidation,
            base_years,
            threshold,
            changes,
        ),
        (_, _, Err(error)) => Err(error),
        (None, _, _) => Err(tanji_tenancy::FieldError::new(
            "reporting_year",
            tanji_tenancy::Problem::Malformed { expected: "a number" },
        )),
        (_, Err(_), _) => Err(tanji_tenancy::FieldError::new(
            "base_years",
            tanji_tenancy::Problem::Malformed { expected: "a number" },
        )),
    };
    let request = request.and_then(|request| Ok(tanji_store::InventoryRequest { output: output?, ..request }));
    let request = match request {
        Ok(request) => request,
        Err(error) => {
            return inventory_page(
                &state,
                &console,
                form,
                FormErrors::field(t, &error),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match state.store().compute_inventory(console.actor(), &request).await {
        // An incomplete version gets no "computed" confirmation: its page opens on the incomplete banner.
        Ok(version) if version.completeness().is_complete() => {
            Redirect::to(&format!("/console/inventory/{}?notice=inventory_computed", version.id)).into_response()
        }
        Ok(version) => Redirect::to(&format!("/console/inventory/{}", version.id)).into_response(),
        Err(error) => match Outcome::of(&console.web, error) {
            Outcome::ShowForm(errors, status) => inventory_page(&state, &console, form, errors, status).await,
            Outcome::Page(page) => page.into_response(),
        },
    }
}

/// The boundary form for one facility.
#[derive(Debug, Deserialize)]
pub struct BoundaryForm {
    #[serde(default)]
    equity_share_percent: String,
    #[serde(default)]
    financial_control: Option<String>,
    #[serde(default)]
    operational_control: Option<String>,
}

/// `POST /console/inventory/boundary/{facility}`.
pub async fn set_boundary(
    State(state): State<AppState>,
    console: Console,
    Path(raw_id): Path<String>,
    Form(form): Form<BoundaryForm>,
) -> Response {
    let Ok(id) = raw_id.parse::<FacilityId>() else { return ErrorPage::not_found(&console.web).into_response() };
    let Ok(share) = form.equity_share_percent.trim().parse::<f64>() else {
        let error = tanji_tenancy::FieldError::new(
            "equity_share_percent",
            tanji_tenancy::Problem::Malformed { expected: "a number" },
        );
        let year = current_year(&state) - 1;
        return inventory_page(
            &state,
            &console,
            ComputeForm::blank(year),
            FormErrors::field(console.text(), &error),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match state
        .store()
        .set_facility_boundary(
            console.actor(),
            id,
            share,
            form.financial_control.is_some(),
            form.operational_control.is_some(),
        )
        .await
    {
        Ok(_) => Redirect::to("/console/inventory?notice=saved#boundary").into_response(),
        Err(error) => match Outcome::of(&console.web, error) {
            Outcome::ShowForm(errors, status) => {
                let year = current_year(&state) - 1;
                inventory_page(&state, &console, ComputeForm::blank(year), errors, status).await
            }
            Outcome::Page(page) => page.into_response(),
        },
    }
}

/// A result line as the version page lists it.
pub struct LineRow {
    pub record_id: String,
    pub facility: String,
    pub source: String,
    pub scope: &'static str,
    /// ISO 14064-1 category number; empty for lines outside the scopes (memo lines).
    pub iso: String,
    pub quantity: String,
    pub co2e_t: String,
    pub status: String,
    pub counted: bool,
    pub failed: bool,
    /// The engine warned about this line's parameters (shown next to its figure).
    pub warned: bool,
}

/// A diagnostic as shown.
pub struct DiagnosticRow {
    pub severity: &'static str,
    pub headline: &'static str,
    pub class: &'static str,
    pub record_id: String,
    pub message: String,
}

fn status_text(t: &'static Text, status: &LineStatus) -> String {
    match status {
        LineStatus::Counted => t.status_counted.to_owned(),
        LineStatus::Superseded { by_record, .. } => format!("{} ({by_record})", t.status_superseded),
        LineStatus::Failed => t.status_failed.to_owned(),
        LineStatus::Excluded { reason } => {
            format!("{}{}{}", t.status_excluded, t.separator, reason.localize(t.language))
        }
    }
}

/// The completeness of a version's totals as the banner and the report's first page show it.
pub struct CompletenessView {
    pub complete: bool,
    /// "complete: …" or "incomplete: N of M records …, X of Y …" in the page's language.
    pub text: String,
    /// The records left out, each with the first error the engine gave for it.
    pub records: Vec<DiagnosticRow>,
}

fn completeness_view(t: &'static Text, version: &InventoryVersion) -> CompletenessView {
    let completeness = version.completeness();
    let records = match completeness {
        Completeness::Complete => Vec::new(),
        Completeness::Incomplete { record_ids, .. } => record_ids
            .iter()
            .map(|record_id| {
                let message = version
                    .inventory
                    .diagnostics
                    .iter()
                    .find(|diagnostic| {
                        diagnostic.severity == Severity::Error && diagnostic.record_id.as_deref() == Some(record_id)
                    })
                    .map(|diagnostic| diagnostic.message.localize(t.language))
                    .unwrap_or_default();
                DiagnosticRow {
                    severity: t.severity_error,
                    headline: "",
                    class: "badge-danger",
                    record_id: record_id.clone(),
                    message,
                }
            })
            .collect(),
    };
    CompletenessView { complete: completeness.is_complete(), text: completeness.localize(t.language), records }
}

/// What the base-year comparison says about completeness: nothing when both sides are complete.
fn base_year_completeness(t: &'static Text, version: &InventoryVersion) -> Vec<String> {
    let Some(base) = &version.base_year else { return Vec::new() };
    match base.both_sides_complete() {
        None => vec![t.base_year_completeness_unknown.to_owned()],
        Some(true) => Vec::new(),
        Some(false) => {
            let mut notes = vec![t.base_year_not_comparable.to_owned()];
            for (year, completeness) in base.incomplete_base_years() {
                notes.push(
                    t.base_year_side_incomplete
                        .replace("{year}", &year.to_string())
                        .replace("{completeness}", &completeness.localize(t.language)),
                );
            }
            if !version.completeness().is_complete() {
                notes.push(
                    t.base_year_side_incomplete
                        .replace("{year}", &version.reporting_year.to_string())
                        .replace("{completeness}", &version.completeness().localize(t.language)),
                );
            }
            notes
        }
    }
}

/// The saved output and the intensity per unit of it.
fn intensity_figures(t: &'static Text, version: &InventoryVersion) -> Vec<Figure> {
    let Some(output) = &version.output else { return Vec::new() };
    let (location, market) = output.intensity_kg_per_unit(&version.inventory.totals);
    let what = if output.description.is_empty() { String::new() } else { format!(" ({})", output.description) };
    vec![
        Figure::new(
            t.intensity_output,
            format!("{} {}{what}", tanji_i18n::inventory::figure(output.quantity, 6), output.unit),
        ),
        Figure::new(
            t.intensity_location,
            format!("{} kg CO2e / {}", tanji_i18n::inventory::figure(location, 4), output.unit),
        ),
        Figure::new(
            t.intensity_market,
            format!("{} kg CO2e / {}", tanji_i18n::inventory::figure(market, 4), output.unit),
        ),
    ]
}

fn facility_name(version: &InventoryVersion, id: &str) -> String {
    version.facility_names.get(id).cloned().unwrap_or_else(|| id.to_owned())
}

#[derive(Template)]
#[template(path = "inventory_version.html")]
struct VersionPage {
    frame: Frame,
    id: String,
    heading: String,
    gwp: String,
    consolidation: &'static str,
    computed: String,
    figures: Vec<Figure>,
    charts: Vec<Chart>,
    base_year: Vec<Figure>,
    recalculation: String,
    lines: Vec<LineRow>,
    n_lines_total: usize,
    filtered: bool,
    scope_choices: Vec<Choice>,
    iso_choices: Vec<Choice>,
    facility_choices: Vec<Choice>,
    diagnostics: Vec<DiagnosticRow>,
    verified: bool,
    assurance: AssuranceBadge,
    /// Signed off by a member of the organisation: internal review.
    internal_review: bool,
    /// The independent body it was verified for, when it was.
    verification_body: String,
    verified_by: String,
    verified_at: String,
    statement: String,
    can_verify: bool,
    errors: FormErrors,
    completeness: CompletenessView,
    base_year_notes: Vec<String>,
    intensity: Vec<Figure>,
    incomplete_sign_off_reason: String,
}

fn version_figures(t: &'static Text, version: &InventoryVersion) -> Vec<Figure> {
    let totals = &version.inventory.totals;
    let lines_of = |scope: &str| format!("/console/inventory/{}?scope={scope}#lines", version.id);
    let all_lines = format!("/console/inventory/{}#lines", version.id);
    let mut figures = vec![
        Figure::linked(t.scope1, tonnes(totals.scope1_kg), lines_of("scope1")),
        Figure::linked(t.scope2_location, tonnes(totals.scope2_location_kg), lines_of("scope2")),
        Figure::linked(t.scope2_market, tonnes(totals.scope2_market_kg), lines_of("scope2")),
        Figure::linked(t.scope3, tonnes(totals.scope3_kg), lines_of("scope3")),
        Figure::linked(t.total_location, tonnes(totals.total_location_kg), all_lines.clone()),
        Figure::linked(t.total_market, tonnes(totals.total_market_kg), all_lines.clone()),
        Figure::linked(t.china_net, tonnes(totals.china_guideline_net_kg), all_lines.clone()),
        Figure::linked(t.biogenic_co2, tonnes(totals.biogenic_co2_kg), all_lines),
    ];
    if totals.memo_co2e_kg != 0.0 {
        figures.push(Figure::new(t.memo_gases, tonnes(totals.memo_co2e_kg)));
    }
    if let Some(percent) = totals.uncertainty_percent {
        figures.push(Figure::new(t.uncertainty, format!("±{percent:.1} %")));
    }
    figures
}

fn version_charts(t: &'static Text, version: &InventoryVersion) -> Vec<Chart> {
    let totals = &version.inventory.totals;
    let scopes = vec![
        (t.scope1.to_owned(), tonnes_i64(totals.scope1_kg)),
        (t.scope2_location.to_owned(), tonnes_i64(totals.scope2_location_kg)),
        (t.scope3.to_owned(), tonnes_i64(totals.scope3_kg)),
    ];
    let iso: Vec<(String, i64)> = IsoCategory::ALL
        .into_iter()
        .map(|category| {
            (
                t.iso_category(category).to_owned(),
                tonnes_i64(totals.by_iso_category.get(&category.number()).copied().unwrap_or(0.0)),
            )
        })
        .collect();
    let gases: Vec<(String, i64)> =
        totals.by_gas_group.iter().map(|(gas, kg)| (gas.localize(t.language), tonnes_i64(*kg))).collect();
    let mut facilities: Vec<(String, i64)> =
        totals.by_facility.iter().map(|(id, kg)| (facility_name(version, id), tonnes_i64(*kg))).collect();
    facilities.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    let months: Vec<(String, i64)> =
        totals.by_month.iter().map(|(month, kg)| (month.clone(), tonnes_i64(*kg))).collect();
    let mut charts = vec![
        charts::doughnut("scopes", t.chart_by_scope, &scopes),
        charts::horizontal_bars("iso", t.chart_by_iso, t.t_co2e, &iso),
        charts::doughnut("gases", t.chart_by_gas, &gases),
        charts::horizontal_bars("facilities", t.chart_by_facility, t.t_co2e, &facilities),
        charts::daily_bars("months", t.chart_by_month, t.t_co2e, &months),
    ];
    if let Some(base) = &version.base_year {
        let bar_completeness = |completeness: Option<Vec<&Completeness>>| match completeness {
            None => BarCompleteness::Unknown,
            Some(sides) => match sides.iter().map(|side| side.n_records_not_counted()).sum() {
                0 => BarCompleteness::Complete,
                n_records_not_counted => BarCompleteness::Incomplete { n_records_not_counted },
            },
        };
        let bars = [
            TotalBar {
                label: format!("{} ({})", t.base_year_label, base.policy.localize(t.language)),
                value: tonnes_i64(base.base_total_location_kg),
                completeness: bar_completeness(
                    base.years_completeness
                        .as_ref()
                        .map(|years| years.iter().map(|(_, completeness)| completeness).collect()),
                ),
            },
            TotalBar {
                label: format!("{} ({})", t.this_year, version.reporting_year),
                value: tonnes_i64(base.current_total_location_kg),
                completeness: bar_completeness(base.current_completeness.as_ref().map(|current| vec![current])),
            },
        ];
        let note = |n| incomplete_note(t, n);
        charts.push(charts::totals_with_completeness(
            "base_year",
            t.chart_base_year,
            t.t_co2e,
            &bars,
            &completeness_words(t, &note),
        ));
    }
    charts
}

/// What the totals charts call complete and incomplete totals, in the page's language.
fn completeness_words<'a>(t: &'static Text, records_not_counted: &'a dyn Fn(usize) -> String) -> CompletenessWords<'a> {
    CompletenessWords {
        complete: t.complete,
        incomplete: t.incomplete,
        records_not_counted,
        unknown: t.base_year_completeness_unknown,
    }
}

/// "不完整：未计入的记录 3", as the versions list's badge says it.
fn incomplete_note(t: &'static Text, n_records_not_counted: usize) -> String {
    let (incomplete, records) = (t.incomplete, t.records_not_counted);
    tanji_i18n::text!(t.language, zh: "{incomplete}：{records} {n_records_not_counted}", en: "{incomplete}: {records} {n_records_not_counted}")
}

async fn version_page(
    state: &AppState,
    console: &Console,
    id: &str,
    filter: &LineFilter,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let t = console.text();
    let actor = console.actor();
    let version = match state.store().inventory_version(actor, id).await {
        Ok(version) => version,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let inventory = &version.inventory;
    let lines: Vec<LineRow> = inventory
        .lines
        .iter()
        .filter(|line| filter.admits(line))
        .map(|line| LineRow {
            record_id: line.record_id.clone(),
            facility: facility_name(&version, &line.facility),
            source: t.emission_source(line.source),
            scope: t.scope_name(line.scope),
            iso: if line.scope == tanji_inventory::Scope::Outside {
                String::new()
            } else {
                line.iso_category.number().to_string()
            },
            quantity: line.quantity_entered.clone(),
            co2e_t: tonnes(line.co2e_kg),
            status: status_text(t, &line.status),
            counted: line.status == LineStatus::Counted,
            failed: line.status == LineStatus::Failed,
            warned: inventory.diagnostics.iter().any(|diagnostic| {
                diagnostic.severity == Severity::Warning
                    && diagnostic.kind == tanji_inventory::DiagnosticKind::ImplausibleParameter
                    && diagnostic.record_id.as_deref() == Some(line.record_id.as_str())
            }),
        })
        .collect();
    let diagnostics = inventory
        .diagnostics
        .iter()
        .map(|diagnostic| DiagnosticRow {
            headline: t.diagnostic_kind(diagnostic.kind),
            severity: match diagnostic.severity {
                Severity::Error => t.severity_error,
                Severity::Warning => t.severity_warning,
                Severity::Info => t.severity_info,
            },
            class: match diagnostic.severity {
                Severity::Error => "badge-danger",
                Severity::Warning => "badge-warn",
                Severity::Info => "badge-muted",
            },
            record_id: diagnostic.record_id.clone().unwrap_or_default(),
            message: diagnostic.message.localize(t.language),
        })
        .collect();
    let base_year = version
        .base_year
        .as_ref()
        .map(|base| {
            let mut figures = vec![
                Figure::new(
                    format!("{} ({})", t.base_year_label, base.policy.localize(t.language)),
                    tonnes(base.base_total_location_kg),
                ),
                Figure::new(t.this_year, tonnes(base.current_total_location_kg)),
            ];
            if let Some(change) = base.change_percent {
                figures.push(Figure::new(t.change_since_base_year, format!("{change:+.1} %")));
            }
            figures
        })
        .unwrap_or_default();
    let page = VersionPage {
        frame: Frame::console(
            console,
            Section::Inventory,
            &format!("{} {} v{}", t.inventory_title, version.reporting_year, version.version),
        ),
        id: version.id.clone(),
        heading: format!("{} · {} v{}", inventory.organisation, version.reporting_year, version.version),
        gwp: inventory.gwp_set.name().into(),
        consolidation: t.consolidation(inventory.consolidation),
        computed: format!("{} · {}", version.computed_at.strftime("%Y-%m-%d %H:%M UTC"), version.computed_by),
        figures: version_figures(t, &version),
        charts: version_charts(t, &version),
        base_year,
        recalculation: version
            .recalculation
            .as_ref()
            .map(|assessment| assessment.explanation.localize(t.language))
            .unwrap_or_default(),
        lines,
        n_lines_total: inventory.lines.len(),
        filtered: !filter.is_empty(),
        scope_choices: choices(
            [
                ("scope1", t.scope1),
                ("scope2", t.scope_name(tanji_inventory::Scope::Scope2)),
                ("scope3", t.scope3),
                ("outside", t.scope_outside),
            ],
            &filter.scope,
            |(value, label)| (value.into(), label.into()),
        ),
        iso_choices: choices(IsoCategory::ALL, &filter.iso, |category| {
            (category.number().to_string(), t.iso_category(category).into())
        }),
        facility_choices: choices(&version.facility_names, &filter.facility, |(id, name)| (id.clone(), name.clone())),
        diagnostics,
        verified: version.verified_at.is_some(),
        assurance: assurance_badge(t, version.assurance()),
        internal_review: version.assurance() == Assurance::InternalReview,
        verification_body: version.verification_body_name.clone().unwrap_or_default(),
        verified_by: version.verified_by.clone().unwrap_or_default(),
        verified_at: version.verified_at.map(|at| at.strftime("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default(),
        statement: version.verification_statement.clone().unwrap_or_default(),
        can_verify: actor.may(Permission::VerifyInventory) && version.verified_at.is_none(),
        errors,
        completeness: completeness_view(t, &version),
        base_year_notes: base_year_completeness(t, &version),
        intensity: intensity_figures(t, &version),
        incomplete_sign_off_reason: version.incomplete_sign_off_reason.clone().unwrap_or_default(),
    };
    render(status, &page)
}

/// `GET /console/inventory/{id}`.
pub async fn version(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Query(filter): Query<LineFilter>,
) -> Response {
    version_page(&state, &console, &id, &filter, FormErrors::none(), StatusCode::OK).await
}

/// The sign-off form.
#[derive(Debug, Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    statement: String,
    /// Required when the version is incomplete: why the verifier accepts the missing records.
    #[serde(default)]
    incomplete_reason: String,
}

/// `POST /console/inventory/{id}/verify`.
pub async fn verify(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Form(form): Form<VerifyForm>,
) -> Response {
    let reason = Some(form.incomplete_reason.as_str()).filter(|reason| !reason.trim().is_empty());
    match state.store().verify_inventory(console.actor(), &id, &form.statement, reason).await {
        Ok(_) => Redirect::to(&format!("/console/inventory/{id}?notice=inventory_verified")).into_response(),
        Err(error) => match Outcome::of(&console.web, error) {
            Outcome::ShowForm(errors, status) => {
                version_page(&state, &console, &id, &LineFilter::default(), errors, status).await
            }
            Outcome::Page(page) => page.into_response(),
        },
    }
}

/// A gas of a line as shown.
pub struct GasRow {
    pub gas: String,
    pub mass_kg: String,
    pub gwp: String,
    pub co2e_kg: String,
}

/// A factor as shown on a provenance page.
pub struct FactorRow {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub citation: String,
    pub licence: String,
    pub verification: String,
    pub region_year: String,
    pub basis: String,
}

#[derive(Template)]
#[template(path = "inventory_line.html")]
struct LinePage {
    frame: Frame,
    version_id: String,
    version_label: String,
    record_id: String,
    facts: Vec<Figure>,
    entered: Vec<Figure>,
    evidence: Vec<String>,
    factors: Vec<FactorRow>,
    gases: Vec<GasRow>,
    parameters: Vec<String>,
    formula: Vec<String>,
    months: Vec<Figure>,
    /// What the engine said about this record (errors, warnings on its parameters), beside its figures.
    diagnostics: Vec<DiagnosticRow>,
}

/// The diagnostics of one record, in the page's language.
fn record_diagnostics(t: &'static Text, version: &InventoryVersion, record_id: &str) -> Vec<DiagnosticRow> {
    version
        .inventory
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.record_id.as_deref() == Some(record_id))
        .map(|diagnostic| DiagnosticRow {
            headline: t.diagnostic_kind(diagnostic.kind),
            severity: match diagnostic.severity {
                Severity::Error => t.severity_error,
                Severity::Warning => t.severity_warning,
                Severity::Info => t.severity_info,
            },
            class: match diagnostic.severity {
                Severity::Error => "badge-danger",
                Severity::Warning => "badge-warn",
                Severity::Info => "badge-muted",
            },
            record_id: record_id.to_owned(),
            message: diagnostic.message.localize(t.language),
        })
        .collect()
}

fn gwp_basis_text(basis: &Co2eBasis, inventory_set: GwpSet) -> String {
    match basis {
        Co2eBasis::PerGas => format!("per gas × {inventory_set}"),
        Co2eBasis::Published { gwp_set } => format!("CO2e as published ({gwp_set})"),
    }
}

/// `GET /console/inventory/{id}/lines/{record}`: one number's provenance.
pub async fn line(
    State(state): State<AppState>,
    console: Console,
    Path((id, record)): Path<(String, String)>,
) -> Response {
    let t = console.text();
    let actor = console.actor();
    let version = match state.store().inventory_version(actor, &id).await {
        Ok(version) => version,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let Some(line) = version.inventory.lines.iter().find(|line| line.record_id == record) else {
        return ErrorPage::not_found(&console.web).into_response();
    };
    // The record as entered now (it may since have been deleted; the version keeps the computed line).
    let stored = state.store().activity(actor, &record).await.ok();
    let mut entered = Vec::new();
    if let Some(stored) = &stored {
        let row = serde_json::to_value(&stored.row).unwrap_or_default();
        if let Some(object) = row.as_object() {
            for (column, value) in object {
                if let Some(text) = value.as_str().filter(|text| !text.is_empty()) {
                    // A metered row's notes are a code with figures (the energy handover's): in the reader's words.
                    let text = if column == "notes" {
                        tanji_i18n::energy::activity_notes(text, t.language)
                    } else {
                        text.to_owned()
                    };
                    entered.push(Figure::new(column.clone(), text));
                }
            }
        }
        entered.push(Figure::new(
            t.entered_by,
            format!("{} · {}", stored.created_by, stored.created_at.strftime("%Y-%m-%d %H:%M UTC")),
        ));
        if let Some(file) = &stored.import_file {
            entered.push(Figure::new(t.imported_from, file.clone()));
        }
    }
    let facts = line_facts(t, &version, line);
    let page = LinePage {
        frame: Frame::console(&console, Section::Inventory, &format!("{} {}", t.provenance, line.record_id)),
        version_id: version.id.clone(),
        version_label: format!("{} v{}", version.reporting_year, version.version),
        record_id: line.record_id.clone(),
        facts,
        entered,
        evidence: line.evidence.clone(),
        factors: line
            .factors
            .iter()
            .map(|factor| FactorRow {
                id: factor.reference.to_string(),
                name: match console.web.language {
                    tanji_tenancy::member::Language::SimplifiedChinese => factor.name_zh.clone(),
                    tanji_tenancy::member::Language::English => factor.name_en.clone(),
                },
                unit: factor.unit.clone(),
                citation: factor.citation.clone(),
                licence: factor.licence.clone(),
                verification: factor.verification.clone(),
                region_year: format!("{} · {}", factor.region, factor.year),
                basis: gwp_basis_text(&factor.basis, version.inventory.gwp_set),
            })
            .collect(),
        gases: line
            .gases
            .iter()
            .map(|gas| GasRow {
                gas: gas.gas.clone().unwrap_or_else(|| GasTotalGroup::PublishedNonCo2.localize(t.language)),
                mass_kg: gas.mass_kg.map(kg_text).unwrap_or_default(),
                gwp: gas.gwp.map(|gwp| format!("{gwp}")).unwrap_or_default(),
                co2e_kg: kg_text(gas.co2e_kg),
            })
            .collect(),
        parameters: line.parameters.iter().map(|parameter| parameter.localize(t.language)).collect(),
        formula: line.formula.iter().map(|step| step.localize(t.language)).collect(),
        months: line.monthly_co2e_kg.iter().map(|(month, kg)| Figure::new(month.clone(), kg_text(*kg))).collect(),
        diagnostics: record_diagnostics(t, &version, &line.record_id),
    };
    render(StatusCode::OK, &page)
}

fn line_facts(t: &'static Text, version: &InventoryVersion, line: &ResultLine) -> Vec<Figure> {
    let mut facts = vec![
        Figure::new(t.facility, facility_name(version, &line.facility)),
        Figure::new(t.period_label, format!("{} – {}", line.period_start, line.period_end)),
        Figure::new(t.source, t.emission_source(line.source)),
        Figure::new(t.scope, t.scope_name(line.scope)),
        Figure::new(t.iso_category, t.iso_category(line.iso_category)),
        Figure::new(t.quantity, line.quantity_entered.clone()),
        Figure::new(t.data_source, t.data_source_kind(line.data_source)),
        Figure::new(t.status, status_text(t, &line.status)),
        Figure::new(t.gwp_set, version.inventory.gwp_set.name()),
        Figure::new(t.shares, format!("{:.4} × {:.4}", line.period_share, line.boundary_share)),
        Figure::new(format!("CO2e ({})", t.t_co2e), tonnes(line.co2e_kg)),
    ];
    if let Some(market) = line.market_based_co2e_kg {
        facts.push(Figure::new(format!("{} ({})", t.scope2_market, t.t_co2e), tonnes(market)));
    }
    if line.biogenic_co2_kg != 0.0 {
        facts.push(Figure::new(t.biogenic_co2, tonnes(line.biogenic_co2_kg)));
    }
    if let Some(quality) = line.quality_mean {
        facts.push(Figure::new(t.mean_quality, format!("{quality:.1}")));
    }
    if let Some(uncertainty) = line.uncertainty_percent {
        facts.push(Figure::new(t.uncertainty, format!("±{uncertainty} %")));
    }
    facts
}

#[derive(Template)]
#[template(path = "inventory_report.html")]
struct ReportPage {
    frame: Frame,
    version_id: String,
    organisation: String,
    period: String,
    gwp: String,
    consolidation: &'static str,
    boundary: Vec<Figure>,
    base_year: Vec<Figure>,
    recalculation: String,
    factors: Vec<FactorRow>,
    exclusions: Vec<DiagnosticRow>,
    quality: Vec<Figure>,
    figures: Vec<Figure>,
    by_iso: Vec<Figure>,
    by_scope3: Vec<Figure>,
    by_gas: Vec<Figure>,
    by_facility: Vec<Figure>,
    charts: Vec<Chart>,
    verified: bool,
    assurance: AssuranceBadge,
    internal_review: bool,
    verification_body: String,
    verification: String,
    uncertainty: String,
    completeness: CompletenessView,
    base_year_notes: Vec<String>,
    intensity: Vec<Figure>,
    incomplete_sign_off_reason: String,
}

/// `GET /console/inventory/{id}/report`: the ISO 14064-1-structured inventory report, printable.
pub async fn report(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    let t = console.text();
    let actor = console.actor();
    let store = state.store();
    let version = match store.inventory_version(actor, &id).await {
        Ok(version) => version,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let library = match store.factor_library_for(actor).await {
        Ok(library) => library,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let boundaries = store.facility_boundaries(actor).await.unwrap_or_default();
    let inventory = &version.inventory;
    let totals = &inventory.totals;
    let boundary = version
        .facility_names
        .iter()
        .map(|(facility_id, name)| {
            let detail = boundaries
                .iter()
                .find(|facility| facility.facility_id.to_string() == *facility_id)
                .map(|facility| {
                    format!(
                        "{} {} % · {} {} · {} {}",
                        t.equity_share,
                        facility.equity_share_percent,
                        t.financial_control,
                        if facility.financial_control { t.yes } else { t.no },
                        t.operational_control,
                        if facility.operational_control { t.yes } else { t.no }
                    )
                })
                .unwrap_or_default();
            Figure::new(name.clone(), detail)
        })
        .collect();
    let factors = inventory
        .factors_used
        .iter()
        .filter_map(|reference| library.resolve(reference))
        .map(|factor| FactorRow {
            id: factor.reference().to_string(),
            name: format!("{} · {}", factor.name_zh, factor.name_en),
            unit: factor_values(t, factor, inventory.gwp_set),
            citation: format!("{} {}", factor.citation.short(), factor.citation.url),
            licence: factor.citation.licence.clone(),
            verification: if factor.citation.is_primary() {
                t.verification_primary.to_owned()
            } else {
                t.verification_secondary.to_owned()
            },
            region_year: format!("{} · {}", factor.region, factor.year),
            basis: String::new(),
        })
        .collect();
    let exclusions = inventory
        .lines
        .iter()
        .filter(|line| line.status != LineStatus::Counted)
        .map(|line| DiagnosticRow {
            severity: "",
            headline: "",
            class: "",
            record_id: line.record_id.clone(),
            message: {
                let mut reasons: Vec<String> = inventory
                    .diagnostics
                    .iter()
                    .filter(|diagnostic| diagnostic.record_id.as_deref() == Some(line.record_id.as_str()))
                    .map(|diagnostic| diagnostic.message.localize(t.language))
                    .collect();
                if reasons.is_empty() {
                    reasons.push(status_text(t, &line.status));
                }
                reasons.join(" ")
            },
        })
        .collect();
    let counted: Vec<&ResultLine> = inventory.lines.iter().filter(|line| line.status == LineStatus::Counted).collect();
    let scored: Vec<f64> = counted.iter().filter_map(|line| line.quality_mean).collect();
    let mut quality = vec![Figure::new(
        t.mean_quality,
        if scored.is_empty() {
            t.none.into()
        } else {
            format!(
                "{:.2} ({} / {} {})",
                scored.iter().sum::<f64>() / scored.len() as f64,
                scored.len(),
                counted.len(),
                t.lines_count
            )
        },
    )];
    for kind in DataSourceKind::ALL {
        let kg: f64 = counted.iter().filter(|line| line.data_source == kind).map(|line| line.co2e_kg).sum();
        if kg != 0.0 {
            quality.push(Figure::new(
                format!("{}{}{}", t.source_mix, t.separator, t.data_source_kind(kind)),
                format!("{} t ({:.1} %)", tonnes(kg), kg / totals.total_location_kg.max(f64::MIN_POSITIVE) * 100.0),
            ));
        }
    }
    let page = ReportPage {
        frame: Frame::console(&console, Section::Inventory, &format!("{} {}", t.report, version.reporting_year)),
        version_id: version.id.clone(),
        organisation: inventory.organisation.clone(),
        period: format!("{} – {} (v{})", inventory.period_start, inventory.period_end, version.version),
        gwp: inventory.gwp_set.name().into(),
        consolidation: t.consolidation(inventory.consolidation),
        boundary,
        base_year: version
            .base_year
            .as_ref()
            .map(|base| {
                vec![
                    Figure::new(
                        format!("{} ({})", t.base_year_label, base.policy.localize(t.language)),
                        tonnes(base.base_total_location_kg),
                    ),
                    Figure::new(t.this_year, tonnes(base.current_total_location_kg)),
                    Figure::new(
                        t.change_since_base_year,
                        base.change_percent.map(|change| format!("{change:+.1} %")).unwrap_or_default(),
                    ),
                ]
            })
            .unwrap_or_default(),
        recalculation: version
            .recalculation
            .as_ref()
            .map(|assessment| assessment.explanation.localize(t.language))
            .unwrap_or_default(),
        factors,
        exclusions,
        quality,
        figures: version_figures(t, &version),
        by_iso: IsoCategory::ALL
            .into_iter()
            .map(|category| {
                Figure::new(
                    t.iso_category(category),
                    tonnes(totals.by_iso_category.get(&category.number()).copied().unwrap_or(0.0)),
                )
            })
            .collect(),
        by_scope3: totals
            .by_scope3_category
            .iter()
            .map(|(number, kg)| {
                Figure::new(
                    tanji_inventory::Scope3Category::new(*number)
                        .map(|category| t.emission_source(EmissionSource::Scope3(category)))
                        .unwrap_or_default(),
                    tonnes(*kg),
                )
            })
            .collect(),
        by_gas: totals
            .by_gas_group
            .iter()
            .map(|(gas, kg)| Figure::new(gas.localize(t.language), tonnes(*kg)))
            .collect(),
        by_facility: totals
            .by_facility
            .iter()
            .map(|(id, kg)| Figure::new(facility_name(&version, id), tonnes(*kg)))
            .collect(),
        charts: version_charts(t, &version).into_iter().take(2).collect(),
        verified: version.verified_at.is_some(),
        assurance: assurance_badge(t, version.assurance()),
        internal_review: version.assurance() == Assurance::InternalReview,
        verification_body: version.verification_body_name.clone().unwrap_or_default(),
        verification: match (&version.verified_by, &version.verified_at, &version.verification_statement) {
            (Some(by), Some(at), Some(statement)) => format!("{statement} — {by}, {}", at.strftime("%Y-%m-%d")),
            _ => String::new(),
        },
        uncertainty: totals
            .uncertainty_percent
            .map(|percent| {
                if totals.n_lines_without_uncertainty == 0 {
                    format!("±{percent:.1} %")
                } else {
                    format!("±{percent:.1} % ({} {})", totals.n_lines_without_uncertainty, t.lines_without_uncertainty)
                }
            })
            .unwrap_or_default(),
        completeness: completeness_view(t, &version),
        base_year_notes: base_year_completeness(t, &version),
        intensity: intensity_figures(t, &version),
        incomplete_sign_off_reason: version.incomplete_sign_off_reason.clone().unwrap_or_default(),
    };
    render(StatusCode::OK, &page)
}

/// `GET /console/inventory/{id}/export.csv`: one row per line and gas, with provenance columns. Every row says
/// whether the version's total is complete (`total_complete`), and each record the total should count but cannot
/// is marked `left_out_of_total`, so that a spreadsheet filter finds them and no sum of the file passes for complete.
pub async fn export_csv(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    let version = match state.store().inventory_version(console.actor(), &id).await {
        Ok(version) => version,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let mut table = CsvTable::new(&[
        "record_id",
        "facility",
        "period_start",
        "period_end",
        "source",
        "scope",
        "scope_label",
        "scope3_category",
        "iso_category",
        "quantity",
        "data_source",
        "status",
        "status_label",
        "gas",
        "gas_mass_kg",
        "gwp",
        "gas_co2e_kg_gross",
        "line_co2e_kg",
        "market_based_co2e_kg",
        "biogenic_co2_kg",
        "period_share",
        "boundary_share",
        "factors",
        "formula",
        "gwp_set",
        "total_complete",
        "left_out_of_total",
        "assurance",
        "assurance_label",
        "verification_body",
    ]);
    let assurance = version.assurance();
    let verification_body = version.verification_body_name.clone().unwrap_or_default();
    let completeness = &version.inventory.totals.completeness;
    let left_out: &[String] = match completeness {
        Completeness::Complete => &[],
        Completeness::Incomplete { record_ids, .. } => record_ids,
    };
    let yes_or_no = |yes: bool| Cell::text(if yes { "true" } else { "false" });
    for line in &version.inventory.lines {
        let factors = line
            .factors
            .iter()
            .map(|factor| format!("{} ({})", factor.reference, factor.citation))
            .collect::<Vec<_>>()
            .join(" | ");
        // A stable code for filters and programs, and the same status in the reader's language beside it.
        let status = match &line.status {
            LineStatus::Counted => "counted",
            LineStatus::Superseded { .. } => "superseded",
            LineStatus::Failed => "failed",
            LineStatus::Excluded { .. } => "excluded",
        };
        let status_label = status_text(console.text(), &line.status);
        let no_gas = [None];
        let gases: Vec<Option<&_>> =
            if line.gases.is_empty() { no_gas.to_vec() } else { line.gases.iter().map(Some).collect() };
        for gas in gases {
            table.row([
                Cell::text(line.record_id.as_str()),
                Cell::text(facility_name(&version, &line.facility)),
                Cell::text(line.period_start.to_string()),
                Cell::text(line.period_end.to_string()),
                Cell::text(line.source.key()),
                Cell::text(scope_code(line.scope)),
                Cell::text(console.text().scope_name(line.scope)),
                line.scope3_category.map_or(Cell::Empty, |category| Cell::text(category.to_string())),
                Cell::text(line.iso_category.number().to_string()),
                Cell::text(line.quantity_entered.as_str()),
                Cell::text(line.data_source.key()),
                Cell::text(status),
                Cell::text(status_label.as_str()),
                gas.map_or(Cell::Empty, |gas| {
                    Cell::text(
                        gas.gas
                            .clone()
                            .unwrap_or_else(|| GasTotalGroup::PublishedNonCo2.localize(console.web.language)),
                    )
                }),
                Cell::number(gas.and_then(|gas| gas.mass_kg)),
                Cell::number(gas.and_then(|gas| gas.gwp)),
                Cell::number(gas.map(|gas| gas.co2e_kg)),
                Cell::Number(line.co2e_kg),
                Cell::number(line.market_based_co2e_kg),
                Cell::Number(line.biogenic_co2_kg),
                Cell::Number(line.period_share),
                Cell::Number(line.boundary_share),
                Cell::text(factors.as_str()),
                Cell::text(tanji_i18n::inventory::formula_text(&line.formula, console.web.language)),
                Cell::text(version.inventory.gwp_set.name()),
                yes_or_no(completeness.is_complete()),
                yes_or_no(left_out.contains(&line.record_id)),
                Cell::text(assurance.as_str()),
                Cell::text(console.text().inventory_assurance(assurance)),
                Cell::text(verification_body.as_str()),
            ]);
        }
    }
    let file_name = format!("inventory-{}-v{}.csv", version.reporting_year, version.version);
    attachment("text/csv; charset=utf-8", &file_name, table.into_bytes_for_spreadsheets())
}

/// `GET /console/inventory/{id}/export.json`.
pub async fn export_json(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    match state.store().inventory_version(console.actor(), &id).await {
        Ok(version) => {
            let file_name = format!("inventory-{}-v{}.json", version.reporting_year, version.version);
            attachment(
                "application/json",
                &file_name,
                serde_json::to_string_pretty(&crate::api::inventory::with_assurance(
                    json!(version),
                    version.assurance(),
                    console.web.language,
                ))
                .unwrap_or_default(),
            )
        }
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// An activity record in the list.
pub struct ActivityListRow {
    pub id: String,
    pub key: String,
    pub facility: String,
    pub period: String,
    pub source: String,
    pub quantity: String,
    pub data_source: &'static str,
    pub method: String,
    pub evidence: String,
}

/// The single-entry form.
#[derive(Debug, Default, Deserialize)]
pub struct ActivityForm {
    #[serde(default)]
    facility: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    emission_point: String,
    #[serde(default)]
    activity: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    data_source: String,
    #[serde(default)]
    factor: String,
    #[serde(default)]
    refrigerant: String,
    #[serde(default)]
    covered_by_instruments: String,
    #[serde(default)]
    evidence: String,
}

impl ActivityForm {
    fn row(&self) -> ActivityRow {
        ActivityRow {
            facility: self.facility.clone(),
            period: self.period.clone(),
            source: self.source.clone(),
            emission_point: self.emission_point.clone(),
            activity: self.activity.clone(),
            quantity: self.quantity.clone(),
            unit: self.unit.clone(),
            data_source: self.data_source.clone(),
            factor: self.factor.clone(),
            refrigerant: self.refrigerant.clone(),
            covered_by_instruments: self.covered_by_instruments.clone(),
            evidence: self.evidence.clone(),
            ..ActivityRow::default()
        }
    }

    pub fn source_choices(&self, t: &'static Text) -> Vec<Choice> {
        choices(EmissionSource::all(), &self.source, |source| (source.key(), t.emission_source(source)))
    }

    pub fn data_source_choices(&self, t: &'static Text) -> Vec<Choice> {
        choices(DataSourceKind::ALL, &self.data_source, |kind| (kind.key().into(), t.data_source_kind(kind).into()))
    }
}

#[derive(Template)]
#[template(path = "activities.html")]
struct ActivitiesPage {
    frame: Frame,
    year: i16,
    years: Vec<i16>,
    rows: Vec<ActivityListRow>,
    facilities: Vec<Choice>,
    can_edit: bool,
    form: ActivityForm,
    row_errors: Vec<RowErrorView>,
}

/// An import problem as shown: reason and hint in the page's language where the problem is a message value.
pub struct RowErrorView {
    pub file: String,
    pub row: usize,
    pub column: String,
    pub reason: String,
    pub hint: String,
}

fn row_error_views(t: &'static Text, errors: Vec<RowError>) -> Vec<RowErrorView> {
    errors
        .into_iter()
        .map(|error| {
            let (reason, hint) = tanji_i18n::inventory::row_error_parts(&error, t.language);
            RowErrorView { file: error.file, row: error.row, column: error.column, reason, hint }
        })
        .collect()
}

/// Which year to list.
#[derive(Debug, Deserialize)]
pub struct YearQuery {
    year: Option<i16>,
}

async fn activities_page(
    state: &AppState,
    console: &Console,
    year: i16,
    form: ActivityForm,
    row_errors: Vec<RowError>,
    status: StatusCode,
) -> Response {
    let t = console.text();
    let actor = console.actor();
    let (activities, boundaries) =
        match (state.store().activities(actor, Some(year)).await, state.store().facility_boundaries(actor).await) {
            (Ok(activities), Ok(boundaries)) => (activities, boundaries),
            (Err(error), _) | (_, Err(error)) => return ErrorPage::from_store(&console.web, error).into_response(),
        };
    let this_year = current_year(state);
    let page = ActivitiesPage {
        frame: Frame::console(console, Section::Activities, t.activities_title),
        year,
        years: {
            let mut years: Vec<i16> = (this_year - 5..=this_year + 1).rev().collect();
            if !years.contains(&year) {
                years.push(year);
                years.sort_unstable_by(|left, right| right.cmp(left));
            }
            years
        },
        rows: activities
            .iter()
            .map(|activity| ActivityListRow {
                id: activity.id.clone(),
                key: activity.record.id.clone(),
                facility: activity.facility_name.clone(),
                period: if activity.record.period_start == activity.record.period_end.first_of_month()
                    && activity.record.period_end == activity.record.period_start.last_of_month()
                {
                    activity.record.period_start.strftime("%Y-%m").to_string()
                } else {
                    format!("{} – {}", activity.record.period_start, activity.record.period_end)
                },
                source: t.emission_source(activity.record.source),
                quantity: activity.record.quantity.to_string(),
                data_source: t.data_source_kind(activity.record.data_source),
                method: [
                    activity.row.factor.as_str(),
                    activity.row.refrigerant.as_str(),
                    activity.row.fuel_parameters.as_str(),
                    activity.row.method.as_str(),
                ]
                .into_iter()
                .find(|text| !text.is_empty())
                .unwrap_or_default()
                .to_owned(),
                evidence: activity.record.evidence.join("; "),
            })
            .collect(),
        facilities: boundaries
            .iter()
            .filter(|facility| !facility.archived)
            .map(|facility| {
                let value = facility.code.clone().unwrap_or_else(|| facility.name.clone());
                Choice { selected: form.facility == value, value, label: facility.name.clone() }
            })
            .collect(),
        can_edit: actor.may(Permission::EditInventory),
        form,
        row_errors: row_error_views(t, row_errors),
    };
    render(status, &page)
}

/// `GET /console/activities?year=`.
pub async fn activities(State(state): State<AppState>, console: Console, Query(query): Query<YearQuery>) -> Response {
    let year = query.year.unwrap_or_else(|| current_year(&state) - 1);
    let form = ActivityForm {
        period: format!("{year}-01"),
        unit: "kWh".into(),
        source: "purchased_electricity".into(),
        data_source: "production_monthly_report".into(),
        ..ActivityForm::default()
    };
    activities_page(&state, &console, year, form, Vec::new(), StatusCode::OK).await
}

fn year_of(period: &str, fallback: i16) -> i16 {
    period.get(..4).and_then(|year| year.parse().ok()).unwrap_or(fallback)
}

/// `POST /console/activities`: one record from the form.
pub async fn add_activity(State(state): State<AppState>, console: Console, Form(form): Form<ActivityForm>) -> Response {
    let year = year_of(&form.period, current_year(&state) - 1);
    match state.store().record_activities(console.actor(), None, vec![form.row()]).await {
        Ok(_) => Redirect::to(&format!("/console/activities?year={year}&notice=activity_saved")).into_response(),
        Err(StoreError::Rejected(errors)) => {
            activities_page(&state, &console, year, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// The `file` field of an upload form: its name (or `default_name`) and bytes. `None` when the body cannot be read
/// (e.g. it exceeds the size limit).
async fn read_upload(multipart: &mut Multipart, default_name: &str) -> Option<(String, Vec<u8>)> {
    let mut file_name = default_name.to_owned();
    let mut bytes = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                if let Some(name) = field.file_name().filter(|name| !name.is_empty()) {
                    file_name = name.to_owned();
                }
                bytes = field.bytes().await.ok()?.to_vec();
            }
            Ok(Some(_)) => {}
            Ok(None) => return Some((file_name, bytes)),
            Err(_) => return None,
        }
    }
}

/// `POST /console/activities/import`: a CSV file, all rows or none.
pub async fn import(State(state): State<AppState>, console: Console, mut multipart: Multipart) -> Response {
    let fallback_year = current_year(&state) - 1;
    let Some((file_name, bytes)) = read_upload(&mut multipart, "upload.csv").await else {
        return ErrorPage::payload_too_large(&console.web).into_response();
    };
    let rows = match tanji_inventory::read_activity_rows(&file_name, &bytes) {
        Ok(rows) => rows,
        Err(errors) => {
            return activities_page(
                &state,
                &console,
                fallback_year,
                ActivityForm::default(),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let year = rows
        .first()
        .map(|row| year_of(if row.period.is_empty() { &row.period_start } else { &row.period }, fallback_year))
        .unwrap_or(fallback_year);
    match state.store().record_activities(console.actor(), Some(&file_name), rows).await {
        Ok(_) => Redirect::to(&format!("/console/activities?year={year}&notice=imported")).into_response(),
        Err(StoreError::Rejected(errors)) => {
            activities_page(&state, &console, year, ActivityForm::default(), errors, StatusCode::UNPROCESSABLE_ENTITY)
                .await
        }
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// `GET /console/activities/template.csv`: the activity columns in the documented order, written by the one CSV
/// writer, with a byte-order mark so that Excel opens it as UTF-8. Only the header: an example row would be imported
/// as data by anyone who forgets to delete it; docs/inventory-file.md explains each column.
pub async fn activity_template(console: Console) -> Response {
    let _ = console; // Logged-in members only, like every console page.
    let table = CsvTable::new(tanji_inventory::ACTIVITY_COLUMNS);
    attachment("text/csv; charset=utf-8", "tanji-activities-template.csv", table.into_bytes_for_spreadsheets())
}

/// `POST /console/activities/{id}/delete`.
pub async fn delete_activity(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    let year = match state.store().activity(console.actor(), &id).await {
        Ok(activity) => activity.record.period_start.year(),
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    match state.store().delete_activity(console.actor(), &id).await {
        Ok(()) => Redirect::to(&format!("/console/activities?year={year}&notice=activity_deleted")).into_response(),
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// A factor in the browser.
pub struct FactorListRow {
    pub id: String,
    pub name: String,
    pub other_name: String,
    pub per_unit: String,
    /// Each gas the source gives, as `CH4 0.00029 kg CO2e/L` or `N2O 0.0016 kg/mmBtu`.
    pub gases: Vec<String>,
    pub region_label: String,
    /// The factor's region is one of the organisation's own (a facility's province, or its country).
    pub region_is_own: bool,
    pub year: i32,
    pub source: String,
    pub publisher: String,
    pub edition: String,
    pub url: String,
    pub licence: String,
    pub verification: String,
    pub primary: bool,
    pub own: bool,
}

/// How many factors one page of the library lists.
pub const FACTORS_PER_PAGE: usize = 50;

/// The factor search form: query-string filters, so a filtered page can be bookmarked and shared.
#[derive(Debug, Default, Deserialize)]
pub struct FactorSearch {
    #[serde(default)]
    q: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    category: String,
    /// `co2`, `ch4`, `n2o`, `co2e` or `biogenic_co2`.
    #[serde(default)]
    gas: String,
    /// 1-based page number.
    #[serde(default)]
    page: String,
}

impl FactorSearch {
    pub fn category_choices(&self, t: &'static Text) -> Vec<Choice> {
        choices(FactorCategory::ALL, &self.category, |category| {
            (category.key().into(), t.factor_category(category).into())
        })
    }

    pub fn gas_choices(&self, t: &'static Text) -> Vec<Choice> {
        choices(FactorGas::ALL, &self.gas, |gas| (gas.key().into(), t.factor_gas(gas).into()))
    }

    /// Whether any filter is set (the empty state then offers to clear them).
    pub fn is_filtered(&self) -> bool {
        [&self.q, &self.region, &self.year, &self.source, &self.category, &self.gas]
            .iter()
            .any(|value| !value.trim().is_empty())
    }

    fn page_number(&self) -> usize {
        self.page.trim().parse::<usize>().ok().filter(|page| *page >= 1).unwrap_or(1)
    }

    /// This search's address at another page.
    fn href(&self, page: usize) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("q", &self.q),
            ("region", &self.region),
            ("year", &self.year),
            ("source", &self.source),
            ("category", &self.category),
            ("gas", &self.gas),
        ] {
            if !value.trim().is_empty() {
                query.append_pair(key, value.trim());
            }
        }
        if page > 1 {
            query.append_pair("page", &page.to_string());
        }
        let query = query.finish();
        if query.is_empty() { "/console/factors".to_owned() } else { format!("/console/factors?{query}") }
    }
}

/// A link to another page of the results.
pub struct PageLink {
    pub href: String,
    pub label: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "factors.html")]
struct FactorsPage {
    frame: Frame,
    search: FactorSearch,
    rows: Vec<FactorListRow>,
    /// Factors in the library (each id once, as the table lists them) and their versions, earlier ones included.
    n_factors: usize,
    n_versions: usize,
    /// Matches of the search, over all pages.
    n_hits: usize,
    /// 1-based positions of the first and last row shown.
    first: usize,
    last: usize,
    pages: Vec<PageLink>,
    previous: Option<String>,
    next: Option<String>,
    source_choices: Vec<Choice>,
    year_choices: Vec<Choice>,
    region_choices: Vec<Choice>,
    /// The organisation's own regions, listed first, as labels.
    preferred: Vec<String>,
    can_edit: bool,
    row_errors: Vec<RowErrorView>,
}

/// `GET /console/factors`: the factor browser.
pub async fn factors(State(state): State<AppState>, console: Console, Query(search): Query<FactorSearch>) -> Response {
    factors_page(&state, &console, search, Vec::new(), StatusCode::OK).await
}

/// `POST /console/factors/import`: the organisation's own factors from a CSV, all rows or none.
pub async fn import_factors(State(state): State<AppState>, console: Console, mut multipart: Multipart) -> Response {
    let Some((file_name, bytes)) = read_upload(&mut multipart, "factors.csv").await else {
        return ErrorPage::payload_too_large(&console.web).into_response();
    };
    let text = match tanji_inventory::decode_csv(&file_name, &bytes) {
        Ok(text) => text,
        Err(error) => {
            return factors_page(
                &state,
                &console,
                FactorSearch::default(),
                vec![error],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match state.store().add_own_factors(console.actor(), &file_name, &text).await {
        Ok(_) => Redirect::to("/console/factors?notice=saved").into_response(),
        Err(StoreError::Rejected(errors)) => {
            factors_page(&state, &console, FactorSearch::default(), errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// The organisation's own regions, most specific first: its facilities' provinces, then its country.
async fn own_regions(state: &AppState, console: &Console) -> Result<Vec<String>, StoreError> {
    let actor = console.actor();
    let mut regions: Vec<String> = Vec::new();
    if actor.may(Permission::ViewFacilities) {
        for facility in state.store().list_facilities(actor, false).await? {
            if let Some(code) = &facility.details.subdivision {
                let code = code.as_str().to_owned();
                if !regions.contains(&code) {
                    regions.push(code);
                }
            }
        }
    }
    if actor.may(Permission::ViewOrganisation) {
        let country = state.store().organisation(actor).await?.country.as_str().to_owned();
        if !regions.contains(&country) {
            regions.push(country);
        }
    }
    Ok(regions)
}

/// A region code as people read it: `浙江省 CN-ZJ`, `East China grid CN-GRID-EAST`.
fn region_label(t: &'static Text, code: &str) -> String {
    let chinese = matches!(t.language, tanji_tenancy::member::Language::SimplifiedChinese);
    if let Some(province) = tanji_tenancy::region::china_province(code) {
        let name = if chinese { province.name_zh } else { province.name_en };
        return format!("{name} {code}");
    }
    let name = match code {
        "CN" => t.region_cn,
        "GB" => t.region_gb,
        "US" => t.region_us,
        "GLOBAL" => t.region_global,
        "CN-GRID-NORTH" => t.region_grid_north,
        "CN-GRID-NORTHEAST" => t.region_grid_northeast,
        "CN-GRID-EAST" => t.region_grid_east,
        "CN-GRID-CENTRAL" => t.region_grid_central,
        "CN-GRID-NORTHWEST" => t.region_grid_northwest,
        "CN-GRID-SOUTH" => t.region_grid_south,
        "CN-GRID-SOUTHWEST" => t.region_grid_southwest,
        _ => return code.to_owned(),
    };
    format!("{name} {code}")
}

/// Each gas value a factor gives, as one short line per gas.
fn gas_lines(t: &Text, factor: &tanji_ghg::EmissionFactor) -> Vec<String> {
    let mut lines: Vec<String> = factor
        .gas_rates
        .iter()
        .map(|rate| format!("{} {} kg/{}", rate.gas, trim_number(rate.kg_per_unit), factor.unit))
        .collect();
    if let Some(published) = &factor.published_co2e {
        for share in &published.by_gas {
            lines.push(format!("{} {} kg CO2e/{}", share.gas, trim_number(share.kg_co2e_per_unit), factor.unit));
        }
        lines.push(format!("CO2e {} kg/{} ({})", trim_number(published.kg_per_unit), factor.unit, published.gwp_set));
    }
    if let Some(biogenic) = factor.biogenic_co2_kg_per_unit {
        lines.push(format!("{} {} kg/{}", t.biogenic_co2_short, trim_number(biogenic), factor.unit));
    }
    lines
}

async fn factors_page(
    state: &AppState,
    console: &Console,
    search: FactorSearch,
    row_errors: Vec<RowError>,
    status: StatusCode,
) -> Response {
    let t = console.text();
    let library = match state.store().factor_library_for(console.actor()).await {
        Ok(library) => library,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let own_regions = match own_regions(state, console).await {
        Ok(regions) => regions,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let query = FactorQuery {
        text: search.q.clone(),
        region: Some(search.region.clone()).filter(|region| !region.trim().is_empty()),
        year: search.year.trim().parse().ok(),
        source: Some(search.source.clone()).filter(|source| !source.trim().is_empty()),
        category: FactorCategory::parse(&search.category),
        gas: FactorGas::parse(&search.gas),
        prefer_regions: own_regions.clone(),
        all_versions: false,
    };
    let hits = library.search(&query);
    let n_pages = hits.len().div_ceil(FACTORS_PER_PAGE).max(1);
    let page = search.page_number().min(n_pages);
    let skip = (page - 1) * FACTORS_PER_PAGE;
    let chinese = matches!(console.web.language, tanji_tenancy::member::Language::SimplifiedChinese);
    let rows: Vec<FactorListRow> = hits
        .iter()
        .skip(skip)
        .take(FACTORS_PER_PAGE)
        .map(|factor| {
            let per_unit = match factor.co2e(GwpSet::AR6, tanji_ghg::bundled::gwp_table()) {
                Ok(co2e) => format!("{} kg CO2e/{}", trim_number(co2e.kg_co2e_per_unit), factor.unit),
                Err(_) => String::new(),
            };
            FactorListRow {
                id: factor.reference().to_string(),
                name: if chinese { factor.name_zh.clone() } else { factor.name_en.clone() },
                other_name: if chinese { factor.name_en.clone() } else { factor.name_zh.clone() },
                per_unit,
                gases: gas_lines(console.text(), factor),
                region_label: region_label(t, &factor.region),
                region_is_own: own_regions.iter().any(|region| factor.region.eq_ignore_ascii_case(region)),
                year: factor.year,
                source: factor.citation.short(),
                publisher: factor.citation.publisher.clone(),
                edition: factor.citation.edition.clone(),
                url: factor.citation.url.clone(),
                licence: factor.citation.licence.clone(),
                verification: factor.citation.verification.clone(),
                primary: factor.citation.is_primary(),
                own: factor.owner != tanji_ghg::FactorOwner::Bundled,
            }
        })
        .collect();
    let pages = (1..=n_pages)
        .filter(|number| *number == 1 || *number == n_pages || number.abs_diff(page) <= 2)
        .map(|number| PageLink { href: search.href(number), label: number.to_string(), current: number == page })
        .collect();
    // The filters offer what the library holds: every publisher, year and region once.
    let latest: Vec<&tanji_ghg::EmissionFactor> = library
        .iter()
        .filter(|factor| library.latest(&factor.id).map(|latest| latest.version) == Some(factor.version))
        .collect();
    let mut publishers: Vec<&str> = latest.iter().map(|factor| factor.citation.publisher.as_str()).collect();
    publishers.sort_unstable();
    publishers.dedup();
    let mut years: Vec<i32> = latest.iter().map(|factor| factor.year).collect();
    years.sort_unstable_by(|left, right| right.cmp(left));
    years.dedup();
    let mut regions: Vec<&str> = latest.iter().map(|factor| factor.region.as_str()).collect();
    regions.sort_unstable_by_key(|region| {
        let own = own_regions.iter().position(|own| own.eq_ignore_ascii_case(region)).unwrap_or(usize::MAX);
        (own, region.to_string())
    });
    regions.dedup();
    let page = FactorsPage {
        frame: Frame::console(console, Section::Factors, t.factors_title),
        n_factors: latest.len(),
        n_versions: library.len(),
        n_hits: hits.len(),
        first: if rows.is_empty() { 0 } else { skip + 1 },
        last: skip + rows.len(),
        previous: (page > 1).then(|| search.href(page - 1)),
        next: (page < n_pages).then(|| search.href(page + 1)),
        pages,
        source_choices: choices(publishers, search.source.trim(), |publisher| (publisher.into(), publisher.into())),
        year_choices: choices(years, search.year.trim(), |year| (year.to_string(), year.to_string())),
        region_choices: choices(regions, search.region.trim(), |region| (region.into(), region_label(t, region))),
        preferred: own_regions.iter().map(|region| region_label(t, region)).collect(),
        search,
        rows,
        can_edit: console.actor().may(Permission::EditInventory),
        row_errors: row_error_views(t, row_errors),
    };
    render(status, &page)
}

/// A factor's values as the report lists them: each gas per unit, or the published CO2e.
fn factor_values(t: &'static Text, factor: &tanji_ghg::EmissionFactor, set: GwpSet) -> String {
    let mut parts: Vec<String> = factor
        .gas_rates
        .iter()
        .map(|rate| format!("{} kg {}/{}", trim_number(rate.kg_per_unit), rate.gas, factor.unit))
        .collect();
    if let Some(published) = &factor.published_co2e {
        parts.push(format!("{} kg CO2e/{} ({})", trim_number(published.kg_per_unit), factor.unit, published.gwp_set));
    }
    if let Some(biogenic) = factor.biogenic_co2_kg_per_unit {
        parts.push(format!("{} kg {}/{}", trim_number(biogenic), t.biogenic_co2_short, factor.unit));
    }
    if parts.is_empty() {
        return format!("— ({set})");
    }
    parts.join("; ")
}

fn trim_number(value: f64) -> String {
    let text = format!("{value:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No biogenic CO2 read "0.000 t CO2e" on the version page, as if measured to the kilogram.
    #[test]
    fn nothing_reads_as_zero_not_as_zero_to_the_kilogram() {
        assert_eq!(tonnes(0.0), "0");
        assert_eq!(tonnes(-0.0), "0");
        assert_eq!(tonnes(3.4694e-15), "0");
        assert_eq!(tonnes(77_918.0), "77.918");
        assert_eq!(tonnes(8_845_400.0), "8845.4");
    }

    #[test]
    fn line_filters_select_by_scope_iso_category_and_facility() {
        let record = |id: &str, facility: &str, source: &str| {
            let row = ActivityRow {
                id: id.into(),
                facility: facility.into(),
                period: "2025-01".into(),
                source: source.into(),
                quantity: "1".into(),
                unit: "MWh".into(),
                factor: "mee-nbs-2021-grid-cn-national".into(),
                ..ActivityRow::default()
            };
            row.into_record("t", 2).unwrap()
        };
        let facilities = ["a", "b"].map(|key| tanji_inventory::FacilityBoundary {
            key: key.into(),
            name: key.into(),
            equity_share: tanji_inventory::Fraction::ONE,
            financial_control: true,
            operational_control: true,
        });
        let input = tanji_inventory::InventoryInput {
            organisation: "o".into(),
            period_start: jiff::civil::Date::constant(2025, 1, 1),
            period_end: jiff::civil::Date::constant(2025, 12, 31),
            gwp_set: GwpSet::AR6,
            consolidation: ConsolidationApproach::OperationalControl,
            facilities: facilities.to_vec(),
            records: vec![
                record("e", "a", "purchased_electricity"),
                record("t", "b", "scope3_4"),
                record("x", "b", "exported_electricity"),
            ],
        };
        let inventory = tanji_inventory::calculate(&input, tanji_inventory::bundled_reference());
        let pick = |filter: LineFilter| -> Vec<String> {
            inventory.lines.iter().filter(|line| filter.admits(line)).map(|line| line.record_id.clone()).collect()
        };
        assert_eq!(pick(LineFilter::default()), vec!["e", "t", "x"]);
        assert_eq!(pick(LineFilter { scope: "scope2".into(), ..LineFilter::default() }), vec!["e"]);
        assert_eq!(pick(LineFilter { iso: "3".into(), ..LineFilter::default() }), vec!["t"]);
        assert_eq!(pick(LineFilter { iso: "1".into(), ..LineFilter::default() }), Vec::<String>::new());
        assert_eq!(pick(LineFilter { facility: "b".into(), ..LineFilter::default() }), vec!["t", "x"]);
        assert_eq!(pick(LineFilter { scope: "outside".into(), ..LineFilter::default() }), vec!["x"]);
    }

    #[test]
    fn base_year_changes_are_read_one_per_line_in_either_language() {
        let changes =
            parse_base_year_changes("structural; -120; sold the Wenzhou warehouse\n\n有机增长；1,500；第二条产线\n")
                .unwrap();
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].kind, tanji_inventory::ChangeKind::Structural);
        assert_eq!(changes[0].impact_kg, -120_000.0);
        assert_eq!(changes[0].description, "sold the Wenzhou warehouse");
        assert_eq!(changes[1].kind, tanji_inventory::ChangeKind::OrganicGrowth);
        assert_eq!(changes[1].impact_kg, 1_500_000.0);
        for bad in ["merger; 5", "structural; lots", "structural"] {
            assert_eq!(parse_base_year_changes(bad).unwrap_err().field, "base_year_changes", "{bad}");
        }
    }
}
