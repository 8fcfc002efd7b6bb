//! `/console/facilities`: listing, adding, editing, archiving facilities, and their history.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tanji_store::AuditQuery;
use tanji_tenancy::facility::{Facility, FacilityDetails, FacilityInput, FacilityKind};
use tanji_tenancy::region::CHINA_PROVINCES;
use tanji_tenancy::{FacilityId, Permission};

use super::audit::{EventRow, readable_events};
use super::error_page::ErrorPage;
use super::forms::{FormErrors, Outcome};
use super::frame::{Frame, Section, render};
use crate::i18n::Text;
use crate::state::AppState;
use crate::web_context::Console;

/// A choice in a select.
pub struct SelectOption {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

/// A row of the facilities table.
pub struct FacilityRow {
    pub id: String,
    pub name: String,
    pub code: String,
    pub kind: &'static str,
    pub province: String,
    pub city: String,
    pub archived: bool,
}

impl FacilityRow {
    fn new(t: &'static Text, facility: &Facility) -> Self {
        let details = &facility.details;
        Self {
            id: facility.id.to_string(),
            name: details.name_in(t.language).to_owned(),
            code: details.code.clone().unwrap_or_default(),
            kind: t.facility_kind(&details.kind),
            province: details.subdivision.as_ref().map(|code| t.subdivision(code.as_str())).unwrap_or_default(),
            city: details.city.clone().unwrap_or_default(),
            archived: facility.archived,
        }
    }
}

/// The facility form's fields, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct FacilityForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    subdivision: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    name_en: String,
}

impl FacilityForm {
    fn blank() -> Self {
        Self { kind: FacilityKind::Factory.as_str().to_owned(), country: "CN".to_owned(), ..Self::default() }
    }

    fn from_facility(facility: &Facility) -> Self {
        let details = &facility.details;
        Self {
            name: details.name.clone(),
            code: details.code.clone().unwrap_or_default(),
            kind: details.kind.as_str().to_owned(),
            country: details.country.as_str().to_owned(),
            subdivision: details.subdivision.as_ref().map(|code| code.as_str().to_owned()).unwrap_or_default(),
            city: details.city.clone().unwrap_or_default(),
            address: details.address.clone().unwrap_or_default(),
            name_en: details.name_en.clone().unwrap_or_default(),
        }
    }

    fn parse(&self) -> Result<FacilityDetails, tanji_tenancy::FieldError> {
        FacilityDetails::parse(&FacilityInput {
            name: &self.name,
            code: Some(&self.code),
            kind: &self.kind,
            country: Some(&self.country),
            subdivision: Some(&self.subdivision),
            city: Some(&self.city),
            address: Some(&self.address),
            name_en: Some(&self.name_en),
        })
    }

    /// The kind choices, with the form's kind selected.
    pub fn kind_options(&self, t: &'static Text) -> Vec<SelectOption> {
        FacilityKind::ALL
            .into_iter()
            .map(|kind| SelectOption {
                value: kind.as_str(),
                label: t.facility_kind(&kind).to_owned(),
                selected: self.kind == kind.as_str(),
            })
            .collect()
    }

    /// Provinces to suggest for the subdivision field.
    pub fn province_options(&self, t: &'static Text) -> Vec<SelectOption> {
        CHINA_PROVINCES
            .iter()
            .map(|province| SelectOption {
                value: province.iso_code,
                label: t.subdivision(province.iso_code),
                selected: self.subdivision == province.iso_code,
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "facilities.html")]
struct FacilitiesPage {
    frame: Frame,
    rows: Vec<FacilityRow>,
    show_archived: bool,
    can_edit: bool,
    form: FacilityForm,
    errors: FormErrors,
}

/// Whether to show archived facilities.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    archived: bool,
}

async fn list_page(
    state: &AppState,
    console: &Console,
    show_archived: bool,
    form: FacilityForm,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let t = console.text();
    match state.store().list_facilities(console.actor(), show_archived).await {
        Ok(facilities) => render(
            status,
            &FacilitiesPage {
                frame: Frame::console(console, Section::Facilities, t.facilities_title),
                rows: facilities.iter().map(|facility| FacilityRow::new(t, facility)).collect(),
                show_archived,
                can_edit: console.actor().may(Permission::EditFacilities),
                form,
                errors,
            },
        ),
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// `GET /console/facilities`.
pub async fn list(State(state): State<AppState>, console: Console, Query(query): Query<ListQuery>) -> Response {
    list_page(&state, &console, query.archived, FacilityForm::blank(), FormErrors::none(), StatusCode::OK).await
}

/// `POST /console/facilities`.
pub async fn create(State(state): State<AppState>, console: Console, Form(form): Form<FacilityForm>) -> Response {
    let t = console.text();
    let details = match form.parse() {
        Ok(details) => details,
        Err(error) => {
            let errors = FormErrors::field(t, &error);
            return list_page(&state, &console, false, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.store().create_facility(console.actor(), &details).await {
        Ok(_) => Redirect::to("/console/facilities?notice=facility_created").into_response(),
        Err(error) => match Outcome::of(&console.web, error) {
            Outcome::ShowForm(errors, status) => list_page(&state, &console, false, form, errors, status).await,
            Outcome::Page(page) => page.into_response(),
        },
    }
}

#[derive(Template)]
#[template(path = "facility.html")]
struct FacilityPage {
    frame: Frame,
    facility: FacilityRow,
    address: String,
    country: String,
    created_at: String,
    updated_at: String,
    can_edit: bool,
    can_see_history: bool,
    events: Vec<EventRow>,
    form: FacilityForm,
    errors: FormErrors,
}

async fn facility_page(
    state: &AppState,
    console: &Console,
    id: FacilityId,
    form: Option<FacilityForm>,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let t = console.text();
    let actor = console.actor();
    let facility = match state.store().facility(actor, id).await {
        Ok(facility) => facility,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let can_see_history = actor.may(Permission::ViewProvenance);
    let events = if can_see_history {
        let query = AuditQuery { object_id: Some(id.to_string()), limit: 100, ..AuditQuery::default() };
        let events = match state.store().list_audit_events(actor, &query).await {
            Ok(events) => readable_events(state, console, events).await,
            Err(error) => Err(error),
        };
        match events {
            Ok(events) => events,
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        }
    } else {
        Vec::new()
    };
    let page = FacilityPage {
        frame: Frame::console(console, Section::Facilities, facility.details.name_in(t.language)),
        facility: FacilityRow::new(t, &facility),
        address: facility.details.address.clone().unwrap_or_default(),
        country: facility.details.country.as_str().to_owned(),
        created_at: facility.created_at.strftime("%Y-%m-%d %H:%M").to_string(),
        updated_at: facility.updated_at.strftime("%Y-%m-%d %H:%M").to_string(),
        can_edit: actor.may(Permission::EditFacilities),
        can_see_history,
        events,
        form: form.unwrap_or_else(|| FacilityForm::from_facility(&facility)),
        errors,
    };
    render(status, &page)
}

/// `GET /console/facilities/{id}`.
pub async fn show(State(state): State<AppState>, console: Console, Path(raw_id): Path<String>) -> Response {
    match raw_id.parse::<FacilityId>() {
        Ok(id) => facility_page(&state, &console, id, None, FormErrors::none(), StatusCode::OK).await,
        Err(_) => ErrorPage::not_found(&console.web).into_response(),
    }
}

/// `POST /console/facilities/{id}`.
pub async fn update(
    State(state): State<AppState>,
    console: Console,
    Path(raw_id): Path<String>,
    Form(form): Form<FacilityForm>,
) -> Response {
    let Ok(id) = raw_id.parse::<FacilityId>() else { return ErrorPage::not_found(&console.web).into_response() };
    let details = match form.parse() {
        Ok(details) => details,
        Err(error) => {
            let errors = FormErrors::field(console.text(), &error);
            return facility_page(&state, &console, id, Some(form), errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.store().update_facility(console.actor(), id, &details).await {
        Ok(_) => Redirect::to(&format!("/console/facilities/{id}?notice=saved")).into_response(),
        Err(error) => match Outcome::of(&console.web, error) {
            Outcome::ShowForm(errors, status) => facility_page(&state, &console, id, Some(form), errors, status).await,
            Outcome::Page(page) => page.into_response(),
        },
    }
}

async fn set_archived(state: &AppState, console: &Console, raw_id: &str, archived: bool) -> Response {
    let Ok(id) = raw_id.parse::<FacilityId>() else { return ErrorPage::not_found(&console.web).into_response() };
    match state.store().set_facility_archived(console.actor(), id, archived).await {
        Ok(_) => {
            let notice = if archived { "facility_archived" } else { "facility_restored" };
            Redirect::to(&format!("/console/facilities/{id}?notice={notice}")).into_response()
        }
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// `POST /console/facilities/{id}/archive`.
pub async fn archive(State(state): State<AppState>, console: Console, Path(raw_id): Path<String>) -> Response {
    set_archived(&state, &console, &raw_id, true).await
}

/// `POST /console/facilities/{id}/restore`.
pub async fn restore(State(state): State<AppState>, console: Console, Path(raw_id): Path<String>) -> Response {
    set_archived(&state, &console, &raw_id, false).await
}
