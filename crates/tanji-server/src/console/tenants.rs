//! `/console/tenants`: the platform operator's tenant directory.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tanji_tenancy::organisation::{OrganisationKind, OrganisationProfile};

use super::error_page::ErrorPage;
use super::facilities::SelectOption;
use super::forms::{FormErrors, Outcome};
use super::frame::{Frame, Section, render};
use crate::state::AppState;
use crate::web_context::Console;

/// A tenant, as a row.
pub struct TenantRow {
    pub name: String,
    pub kind: &'static str,
    pub country: String,
    pub n_members: i64,
    pub n_facilities: i64,
    pub registered_at: String,
}

/// The registration form.
#[derive(Debug, Default, Deserialize)]
pub struct TenantForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    credit_code: String,
}

#[derive(Template)]
#[template(path = "tenants.html")]
struct TenantsPage {
    frame: Frame,
    rows: Vec<TenantRow>,
    kind_options: Vec<SelectOption>,
    form: TenantForm,
    errors: FormErrors,
}

async fn page(
    state: &AppState,
    console: &Console,
    form: TenantForm,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let t = console.text();
    let tenants = match state.store().list_tenants(console.actor()).await {
        Ok(tenants) => tenants,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let selected_kind =
        if form.kind.is_empty() { OrganisationKind::Supplier.as_str().to_owned() } else { form.kind.clone() };
    let page = TenantsPage {
        frame: Frame::console(console, Section::Tenants, t.tenants_title),
        rows: tenants
            .into_iter()
            .map(|tenant| TenantRow {
                name: tenant.organisation.name.as_str().to_owned(),
                kind: t.organisation_kind(&tenant.organisation.kind),
                country: tenant.organisation.country.as_str().to_owned(),
                n_members: tenant.n_members,
                n_facilities: tenant.n_facilities,
                registered_at: tenant.organisation.created_at.strftime("%Y-%m-%d").to_string(),
            })
            .collect(),
        kind_options: OrganisationKind::ALL
            .into_iter()
            .map(|kind| SelectOption {
                value: kind.as_str(),
                label: t.organisation_kind(&kind).to_owned(),
                selected: kind.as_str() == selected_kind,
            })
            .collect(),
        form,
        errors,
    };
    render(status, &page)
}

/// `GET /console/tenants`.
pub async fn list(State(state): State<AppState>, console: Console) -> Response {
    let form = TenantForm { country: "CN".to_owned(), ..TenantForm::default() };
    page(&state, &console, form, FormErrors::none(), StatusCode::OK).await
}

/// `POST /console/tenants`.
pub async fn register(State(state): State<AppState>, console: Console, Form(form): Form<TenantForm>) -> Response {
    let t = console.text();
    let parsed = OrganisationKind::parse("kind", &form.kind)
        .and_then(|kind| Ok((kind, OrganisationProfile::parse(&form.name, &form.country, Some(&form.credit_code))?)));
    let (kind, profile) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            let errors = FormErrors::field(t, &error);
            return page(&state, &console, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.store().register_organisation(console.actor(), &profile, kind).await {
        Ok(_) => Redirect::to("/console/tenants?notice=organisation_registered").into_response(),
        Err(error) => match Outcome::of(&console.web, error) {
            Outcome::ShowForm(errors, status) => page(&state, &console, form, errors, status).await,
            Outcome::Page(page) => page.into_response(),
        },
    }
}
