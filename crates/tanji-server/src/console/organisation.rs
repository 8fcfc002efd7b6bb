//! `/console/organisation`: the organisation's profile, and the verification bodies it engages (or, for a
//! verification body, the organisations that engaged it).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tanji_store::{VerificationBody, VerificationEngagement};
use tanji_tenancy::organisation::{Organisation, OrganisationKind, OrganisationProfile};
use tanji_tenancy::{OrganisationId, Permission};

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
    /// The organisation is a verification body: the list shows who engaged it.
    is_verification_body: bool,
    engagements: Vec<EngagementRow>,
    /// Bodies an owner may engage (empty for everyone else).
    bodies: Vec<VerificationBody>,
    can_manage_verifiers: bool,
}

/// An engagement, as a row: the other side's name.
struct EngagementRow {
    id: String,
    other_side: String,
    started_on: String,
    ended_on: Option<String>,
    can_end: bool,
}

/// The verification part of the page, read from the store.
#[derive(Default)]
struct Verification {
    engagements: Vec<VerificationEngagement>,
    bodies: Vec<VerificationBody>,
}

async fn verification(state: &AppState, console: &Console) -> Verification {
    let actor = console.actor();
    // The page still shows the profile if these cannot be read; the sections are then empty.
    let engagements = state.store().verification_engagements(actor).await.unwrap_or_default();
    let mut bodies = if actor.may(Permission::ManageVerifiers) {
        state.store().verification_bodies(actor).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    // A body engaged already is not offered again.
    bodies.retain(|body| {
        !engagements.iter().any(|engagement| engagement.is_open() && engagement.verification_body_id == body.id)
    });
    Verification { engagements, bodies }
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

fn page(
    console: &Console,
    organisation: &Organisation,
    form: ProfileForm,
    errors: FormErrors,
    verification: Verification,
) -> OrganisationPage {
    let t = console.text();
    let can_manage_verifiers = console.actor().may(Permission::ManageVerifiers);
    let day = |time: jiff::Timestamp| time.strftime("%Y-%m-%d").to_string();
    let engagements = verification
        .engagements
        .iter()
        .map(|engagement| {
            let ours = engagement.organisation_id == organisation.id;
            EngagementRow {
                id: engagement.id.clone(),
                other_side: if ours {
                    engagement.verification_body_name.clone()
                } else {
                    engagement.organisation_name.clone()
                },
                started_on: day(engagement.started_at),
                ended_on: engagement.ended_at.map(day),
                can_end: ours && can_manage_verifiers && engagement.is_open(),
            }
        })
        .collect();
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
        is_verification_body: organisation.kind == OrganisationKind::VerificationBody,
        engagements,
        bodies: verification.bodies,
        can_manage_verifiers,
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
            let verification = verification(&state, &console).await;
            render(StatusCode::OK, &page(&console, &organisation, form, FormErrors::none(), verification))
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
            let verification = verification(&state, &console).await;
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(&console, &organisation, form, errors, verification),
            );
        }
    };
    match state.store().update_organisation(console.actor(), &profile).await {
        Ok(_) => Redirect::to("/console/organisation?notice=saved").into_response(),
        Err(error) => match Outcome::of(&console.web, error) {
            Outcome::ShowForm(errors, status) => {
                let verification = verification(&state, &console).await;
                render(status, &page(&console, &organisation, form, errors, verification))
            }
            Outcome::Page(page) => page.into_response(),
        },
    }
}

/// The engage form.
#[derive(Debug, Default, Deserialize)]
pub struct EngageForm {
    #[serde(default)]
    verification_body_id: String,
}

/// `POST /console/organisation/verifiers`: engage a verification body (owners).
pub async fn engage(State(state): State<AppState>, console: Console, Form(form): Form<EngageForm>) -> Response {
    let Ok(body_id) = form.verification_body_id.trim().parse::<OrganisationId>() else {
        return ErrorPage::from_store(&console.web, tanji_store::StoreError::NotFound).into_response();
    };
    match state.store().engage_verification_body(console.actor(), body_id).await {
        Ok(_) => Redirect::to("/console/organisation?notice=verifier_engaged#verification").into_response(),
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// `POST /console/organisation/verifiers/{id}/end`: end an engagement (owners of the engaging organisation).
pub async fn end_engagement(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    match state.store().end_verification_engagement(console.actor(), &id).await {
        Ok(_) => Redirect::to("/console/organisation?notice=verifier_engagement_ended#verification").into_response(),
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}
