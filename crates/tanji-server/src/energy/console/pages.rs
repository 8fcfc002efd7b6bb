//! The energy landing page (choose a facility), a facility's analysis page and its measures page.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use serde::Deserialize;
use tanji_energy::DayRange;
use tanji_i18n::energy::console::EnergyText;
use tanji_i18n::energy::{percent, whole};
use tanji_i18n::inventory::figure;
use tanji_i18n::{Language, Localize};
use tanji_store::StoreError;
use tanji_store::energy::MeterCode;
use tanji_store::energy_site::{MeasureWithSaving, NewMeasure};
use tanji_tenancy::validation::Problem;
use tanji_tenancy::{FieldError, Permission};

use super::meters::FieldErrors;

use super::analysis::AnalysisView;
use super::{FacilityPage, Tab, TabLink, energy_frame, facility_form, facility_page, tabs};
use crate::console::error_page::ErrorPage;
use crate::console::frame::{Frame, render};
use crate::state::AppState;
use crate::web_context::Console;

/// A facility on the landing page.
pub struct FacilityLink {
    pub id: String,
    pub name: String,
    pub n_meters: usize,
}

#[derive(Template)]
#[template(path = "energy_landing.html")]
struct LandingPage {
    frame: Frame,
    et: &'static EnergyText,
    tabs: Vec<TabLink>,
    facilities: Vec<FacilityLink>,
}

/// `GET /console/energy`: the facilities, each with its number of meters, and the organisation-wide pages.
pub async fn landing(State(state): State<AppState>, console: Console) -> Response {
    let (frame, et) = match energy_frame(&console, EnergyText::of(console.text().language).energy_title) {
        Ok(frame) => frame,
        Err(page) => return page.into_response(),
    };
    let store = state.store();
    let (facilities, meters) =
        match tokio::try_join!(store.list_facilities(console.actor(), false), store.list_meters(console.actor())) {
            Ok(found) => found,
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        };
    let language = console.text().language;
    let facilities = facilities
        .iter()
        .map(|facility| FacilityLink {
            id: facility.id.to_string(),
            name: facility.details.name_in(language).to_owned(),
            n_meters: meters.iter().filter(|meter| meter.facility_id == facility.id).count(),
        })
        .collect();
    render(StatusCode::OK, &LandingPage { frame, et, tabs: tabs(et, None, Tab::Facilities), facilities })
}

#[derive(Template)]
#[template(path = "energy_analysis.html")]
struct AnalysisPage {
    frame: Frame,
    et: &'static EnergyText,
    tabs: Vec<TabLink>,
    facility_id: String,
    facility_name: String,
    from: String,
    to: String,
    view: Option<AnalysisView>,
    /// Meters of the facility the analysis left out (not placed on a line, or without a kWh factor).
    meters_left_out: Vec<String>,
}

/// The analysis period asked for in the query (`from`, `to`: local days).
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// Days in the default analysis period: a year ending on the day of the latest reading.
const DEFAULT_PERIOD_DAYS: i64 = 365;

/// The period to analyse: the one asked for when both days read, else the year up to the latest reading.
pub fn analysis_period(query: &PeriodQuery, latest_reading_day: Option<Date>) -> Option<DayRange> {
    if let (Ok(first), Ok(last)) = (query.from.trim().parse::<Date>(), query.to.trim().parse::<Date>())
        && first <= last
    {
        return Some(DayRange { first, last });
    }
    let last = latest_reading_day?;
    let first = last.checked_sub(jiff::Span::new().days(DEFAULT_PERIOD_DAYS - 1)).ok()?;
    Some(DayRange { first, last })
}

/// `GET /console/energy/facilities/{id}?from=…&to=…`: the facility's analysis over the period, from stored
/// roll-ups and production; or what is missing for one.
pub async fn analysis(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Query(query): Query<PeriodQuery>,
) -> Response {
    let FacilityPage { frame, et, facility } = match facility_page(&state, &console, &id, |et| et.analysis_title).await
    {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let language = console.text().language;
    let store = state.store();
    let mut view = None;
    let mut meters_left_out = Vec::new();
    let mut period = None;
    match store.energy_site_tree(console.actor(), facility.id).await {
        Ok(tree) => {
            let offset_minutes = tree.site.settings.utc_offset_minutes;
            let latest = tree
                .meters
                .iter()
                .filter_map(|placed| placed.meter.last_reading_at)
                .max()
                .map(|at| at.to_zoned(jiff::tz::TimeZone::fixed(offset(offset_minutes))).date());
            period = analysis_period(&query, latest);
            if let Some(range) = period {
                let options = tanji_energy::AnalysisOptions::default();
                match store.energy_analysis(console.actor(), facility.id, range, &options).await {
                    Ok(stored) => {
                        meters_left_out = stored.meters_left_out.iter().map(|code| code.as_str().to_owned()).collect();
                        if stored.has_data {
                            let analysis = super::analysis::with_sources_in(&stored.analysis, &tree.site, language);
                            view = Some(super::analysis::analysis_view(&analysis, language));
                        }
                    }
                    Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
                }
            }
        }
        // No energy site recorded for the facility yet: the empty state says what to do.
        Err(StoreError::NotFound) => {}
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    }
    render(
        StatusCode::OK,
        &AnalysisPage {
            frame,
            et,
            tabs: tabs(et, Some(&id), Tab::Analysis),
            facility_id: id.clone(),
            facility_name: facility.details.name_in(language).to_owned(),
            from: period.map(|range| range.first.to_string()).unwrap_or_default(),
            to: period.map(|range| range.last.to_string()).unwrap_or_default(),
            view,
            meters_left_out,
        },
    )
}

fn offset(minutes: i32) -> jiff::tz::Offset {
    jiff::tz::Offset::from_seconds(minutes * 60).unwrap_or(jiff::tz::Offset::UTC)
}

/// A measure and its verified saving, as the page shows them.
#[derive(Debug)]
pub struct MeasureRow {
    pub description: String,
    pub line: String,
    pub implemented_on: String,
    pub baseline: String,
    pub reporting: String,
    pub expected: String,
    /// `Some` when verified: the saving, its uncertainty, t CO2e and ¥ a year.
    pub saving: Option<String>,
    pub uncertainty: String,
    pub t_co2e: String,
    pub cny: String,
    pub meets_g14: bool,
    /// Criteria missed, or why it cannot be verified yet.
    pub notes: Vec<String>,
}

/// A measure's row in `language`: pure, so its figures are tested without a server.
pub fn measure_row(with_saving: &MeasureWithSaving, language: Language) -> MeasureRow {
    let measure = &with_saving.measure;
    let none = "—".to_owned();
    let range = |range: DayRange| format!("{} – {}", range.first, range.last);
    let mut row = MeasureRow {
        description: measure.description.clone(),
        line: measure.line_code.clone(),
        implemented_on: measure.implemented_on.to_string(),
        baseline: range(measure.baseline),
        reporting: range(measure.reporting),
        expected: measure.expected_saving_kwh_per_year.map_or_else(|| none.clone(), whole),
        saving: None,
        uncertainty: none.clone(),
        t_co2e: none.clone(),
        cny: none,
        meets_g14: false,
        notes: Vec::new(),
    };
    match &with_saving.verification {
        Ok(verification) => {
            row.saving = Some(whole(verification.saving_kwh_per_year));
            row.uncertainty = format!(
                "± {} ({})",
                whole(verification.uncertainty_kwh_per_year),
                percent(verification.savings.confidence)
            );
            row.t_co2e = figure(verification.saving_t_co2e_per_year, 4);
            if let Some(cny) = verification.saving_cny_per_year {
                row.cny = whole(cny);
            }
            row.meets_g14 = verification.baseline_checks.is_empty();
            row.notes = verification.baseline_checks.iter().map(|check| check.localize(language)).collect();
        }
        Err(error) => row.notes.push(error.localize(language)),
    }
    row
}

#[derive(Template)]
#[template(path = "energy_measures.html")]
struct MeasuresPage {
    frame: Frame,
    et: &'static EnergyText,
    tabs: Vec<TabLink>,
    facility_id: String,
    facility_name: String,
    has_site: bool,
    lines: Vec<String>,
    measures: Vec<MeasureRow>,
    grid_factor: String,
    can_edit: bool,
    form: MeasureForm,
    errors: FieldErrors,
}

/// The measure form's fields, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct MeasureForm {
    #[serde(default)]
    line: String,
    #[serde(default)]
    meter: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    implemented_on: String,
    #[serde(default)]
    baseline_first: String,
    #[serde(default)]
    baseline_last: String,
    #[serde(default)]
    reporting_first: String,
    #[serde(default)]
    reporting_last: String,
    #[serde(default)]
    expected_saving_kwh_per_year: String,
}

async fn measures_page(
    state: &AppState,
    console: &Console,
    id: &str,
    form: MeasureForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let FacilityPage { frame, et, facility } = match facility_page(state, console, id, |et| et.measures_title).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let language = console.text().language;
    let store = state.store();
    let (has_site, lines, grid_factor) = match store.energy_site_tree(console.actor(), facility.id).await {
        Ok(tree) => {
            let factor = &tree.site.settings.grid_factor;
            (
                true,
                tree.lines.iter().map(|line| line.code.clone()).collect(),
                format!("{} t CO2e/MWh · {}", figure(factor.t_co2e_per_mwh, 4), factor.source),
            )
        }
        Err(StoreError::NotFound) => (false, Vec::new(), String::new()),
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let mut measures = Vec::new();
    if has_site {
        let recorded = match store.list_measures(console.actor(), facility.id).await {
            Ok(recorded) => recorded,
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        };
        for measure in recorded {
            match store.measure_with_saving(console.actor(), &measure.id).await {
                Ok(with_saving) => measures.push(measure_row(&with_saving, language)),
                Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
            }
        }
    }
    render(
        status,
        &MeasuresPage {
            frame,
            et,
            tabs: tabs(et, Some(id), Tab::Measures),
            facility_id: id.to_owned(),
            facility_name: facility.details.name_in(language).to_owned(),
            has_site,
            lines,
            measures,
            grid_factor,
            can_edit: console.actor().may(Permission::EditEnergy),
            form,
            errors,
        },
    )
}

/// `GET /console/energy/facilities/{id}/measures`: the facility's measures and their verified savings.
pub async fn measures(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    measures_page(&state, &console, &id, MeasureForm::default(), FieldErrors::default(), StatusCode::OK).await
}

/// `POST /console/energy/facilities/{id}/measures`: records a measure (`EditEnergy`).
pub async fn record_measure(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Form(form): Form<MeasureForm>,
) -> Response {
    let facility = match facility_form(&state, &console, &id, &[Permission::EditEnergy]).await {
        Ok(facility) => facility,
        Err(answer) => return answer,
    };
    let t = console.text();
    let mut errors = Vec::new();
    let mut day = |field: &'static str, text: &str| match text.trim().parse::<Date>() {
        Ok(day) => Some(day),
        Err(_) => {
            errors.push(FieldError::new(field, Problem::Malformed { expected: "a date such as 2026-03-02" }));
            None
        }
    };
    let days = (
        day("implemented_on", &form.implemented_on),
        day("baseline_first", &form.baseline_first),
        day("baseline_last", &form.baseline_last),
        day("reporting_first", &form.reporting_first),
        day("reporting_last", &form.reporting_last),
    );
    let expected = match form.expected_saving_kwh_per_year.trim() {
        "" => None,
        text => match text.parse::<f64>() {
            Ok(value) => Some(value),
            Err(_) => {
                errors
                    .push(FieldError::new("expected_saving_kwh_per_year", Problem::Malformed { expected: "a number" }));
                None
            }
        },
    };
    let meter = match form.meter.trim() {
        "" => None,
        text => match MeterCode::parse("meter", text) {
            Ok(code) => Some(code),
            Err(error) => {
                errors.push(error);
                None
            }
        },
    };
    let new = match days {
        (
            Some(implemented_on),
            Some(baseline_first),
            Some(baseline_last),
            Some(reporting_first),
            Some(reporting_last),
        ) if errors.is_empty() => {
            let new = NewMeasure {
                line_code: form.line.trim().to_owned(),
                meter_code: meter,
                description: form.description.clone(),
                implemented_on,
                baseline: DayRange { first: baseline_first, last: baseline_last },
                reporting: DayRange { first: reporting_first, last: reporting_last },
                expected_saving_kwh_per_year: expected,
            };
            match new.check() {
                Ok(()) => Some(new),
                Err(more) => {
                    errors.extend(more);
                    None
                }
            }
        }
        _ => None,
    };
    let Some(new) = new else {
        let shown = FieldErrors::from_errors(t, &errors);
        return measures_page(&state, &console, &id, form, shown, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    match state.store().record_measure(console.actor(), facility.id, &new).await {
        Ok(_) => {
            Redirect::to(&format!("/console/energy/facilities/{id}/measures?notice=measure_recorded")).into_response()
        }
        Err(StoreError::Invalid(error)) => {
            let shown = FieldErrors::from_errors(t, &[error]);
            measures_page(&state, &console, &id, form, shown, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn the_period_asked_for_wins_else_a_year_up_to_the_latest_reading() {
        let asked = PeriodQuery { from: "2025-03-01".into(), to: "2025-03-31".into() };
        assert_eq!(
            analysis_period(&asked, Some(date("2025-12-31"))),
            Some(DayRange { first: date("2025-03-01"), last: date("2025-03-31") })
        );
        let backwards = PeriodQuery { from: "2025-03-31".into(), to: "2025-03-01".into() };
        assert_eq!(
            analysis_period(&backwards, Some(date("2025-12-31"))),
            Some(DayRange { first: date("2025-01-01"), last: date("2025-12-31") })
        );
        assert_eq!(analysis_period(&PeriodQuery::default(), None), None);
    }
}
