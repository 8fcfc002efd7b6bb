//! `/console/organisation`: the organisation's profile.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tanji_tenancy::Permission;
use tanji_tenancy::organisation::{Organisation, OrganisationProfile};

use super::error_page::ErrorPage;
use super::forms::{FormErrors, Outcome};
use super::frame::{Frame, Section, render};
use crate::state::AppState;
use crate::web_context::Console;

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage {
    frame: Frame,
    name: String,
    name_en: String,
    kind: &'static str,
    country: String,
    credit_code: String,
    registered_at: String,
    can_edit: bool,
    form: ProfileForm,
    errors: FormErrors,
}

/// The profile form.
#[derive(Debug, Default, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    credit_code: String,
}

fn page(console: &Console, organisation: &Organisation, form: ProfileForm, errors: FormErrors) -> OrganisationPage {
    let t = console.text();
    OrganisationPage {
        frame: Frame::console(console, Section::Organisation, t.organisation_title),
        name: organisation.name.as_str().to_owned(),
        name_en: organisation.name_en.as_ref().map(|name| name.as_str().to_owned()).unwrap_or_default(),
        kind: t.organisation_kind(&organisation.kind),
        country: organisation.country.as_str().to_owned(),
        credit_code: organisation.credit_code.as_ref().map(|code| code.as_str().to_owned()).unwrap_or_default(),
        registered_at: organisation.created_at.strftime("%Y-%m-%d").to_string(),
        can_edit: console.actor().may(Permission::EditOrganisation),
        form,
        errors,
    }
}

/// `GET /console/organisation`.
pub async fn show(State(state): State<AppState>, console: Console) -> Response {
    match state.store().organisation(console.actor()).await {
        Ok(organisation) => {
            let form = ProfileForm {
                name: organisation.name.as_str().to_owned(),
                name_en: organisation.name_en.as_ref().map(|name| name.as_str().to_owned()).unwrap_or_default(),
                country: organisation.country.as_str().to_owned(),
                credit_code: organisation.credit_code.as_ref().map(|code| code.as_str().to_owned()).unwrap_or_default(),
            };
            render(StatusCode::OK, &page(&console, &organisation, form, FormErrors::none()))
        }
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// `POST /console/organisation`.
pub async fn update(State(state): State<AppState>, console: Console, Form(form): Form<ProfileForm>) -> Response {
    let t = console.text();
    let organisation = match state.store().organisation(console.actor()).await {
        Ok(organisation) => organisation,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let profile = match OrganisationProfile::parse(&form.name, &form.country, Some(&form.credit_code))
        .and_then(|profile| profile.with_name_en(Some(&form.name_en)))
    {
        Ok(profile) => profile,
        Err(error) => {
            let errors = FormErrors::field(t, &error);
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page(&console, &organisation, form, errors));
        }
    };
    match state.store().update_organisation(console.actor(), &profile).await {
        Ok(_) => Redirect::to("/console/organisation?notice=saved").into_response(),
        Err(error) => match Outcome::of(&console.web, error) {
            Outcome::ShowForm(errors, status) => render(status, &page(&console, &organisation, form, errors)),
            Outcome::Page(page) => page.into_response(),
        },
    }
}
