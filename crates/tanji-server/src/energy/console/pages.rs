//! The energy landing page (choose a facility), a facility's analysis page and its measures page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tanji_i18n::energy::console::EnergyText;
use tanji_tenancy::FacilityId;

use super::analysis::AnalysisView;
use super::{Tab, TabLink, energy_frame, tabs};
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

/// Reads the facility of the path, refusing another organisation's (404) and a malformed id (404).
pub async fn facility_of(
    state: &AppState,
    console: &Console,
    id: &str,
) -> Result<tanji_tenancy::facility::Facility, Box<ErrorPage>> {
    let Ok(facility_id) = id.parse::<FacilityId>() else { return Err(Box::new(ErrorPage::not_found(&console.web))) };
    state
        .store()
        .facility(console.actor(), facility_id)
        .await
        .map_err(|error| Box::new(ErrorPage::from_store(&console.web, error)))
}

#[derive(Template)]
#[template(path = "energy_analysis.html")]
struct AnalysisPage {
    frame: Frame,
    et: &'static EnergyText,
    tabs: Vec<TabLink>,
    facility_name: String,
    view: Option<AnalysisView>,
}

/// `GET /console/energy/facilities/{id}`: the facility's analysis, or what is missing for one.
pub async fn analysis(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    let et = EnergyText::of(console.text().language);
    let (frame, et) = match energy_frame(&console, et.analysis_title) {
        Ok(frame) => frame,
        Err(page) => return page.into_response(),
    };
    let facility = match facility_of(&state, &console, &id).await {
        Ok(facility) => facility,
        Err(page) => return page.into_response(),
    };
    let language = console.text().language;
    // The analysis inputs of a facility (its lines, placed meters, readings and production) come from the store's
    // energy loader; until the facility has them the page says what is missing.
    let view = None;
    render(
        StatusCode::OK,
        &AnalysisPage {
            frame,
            et,
            tabs: tabs(et, Some(&id), Tab::Analysis),
            facility_name: facility.details.name_in(language).to_owned(),
            view,
        },
    )
}

#[derive(Template)]
#[template(path = "energy_measures.html")]
struct MeasuresPage {
    frame: Frame,
    et: &'static EnergyText,
    tabs: Vec<TabLink>,
    facility_name: String,
}

/// `GET /console/energy/facilities/{id}/measures`: the facility's measures and their verified savings.
pub async fn measures(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    let et = EnergyText::of(console.text().language);
    let (frame, et) = match energy_frame(&console, et.measures_title) {
        Ok(frame) => frame,
        Err(page) => return page.into_response(),
    };
    let facility = match facility_of(&state, &console, &id).await {
        Ok(facility) => facility,
        Err(page) => return page.into_response(),
    };
    let facility_name = facility.details.name_in(console.text().language).to_owned();
    render(StatusCode::OK, &MeasuresPage { frame, et, tabs: tabs(et, Some(&id), Tab::Measures), facility_name })
}
