//! `/console/tenants`: the platform operator's tenant directory.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tanji_store::NewMember;
use tanji_tenancy::FieldError;
use tanji_tenancy::member::{DisplayName, Email, Password, Role};
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
    #[serde(default)]
    owner_email: String,
    #[serde(default)]
    owner_name: String,
    #[serde(default)]
    owner_password: String,
}

impl TenantForm {
    fn parse(&self) -> Result<(OrganisationKind, OrganisationProfile, Option<NewMember>), FieldError> {
        let kind = OrganisationKind::parse("kind", &self.kind)?;
        let profile = OrganisationProfile::parse(&self.name, &self.country, Some(&self.credit_code))?;
        let owner = if self.owner_email.trim().is_empty() {
            None
        } else {
            let optional = |text: &str| (!text.trim().is_empty()).then(|| text.to_owned());
            Some(NewMember {
                email: Email::parse(&self.owner_email)?,
                display_name: optional(&self.owner_name).as_deref().map(DisplayName::parse).transpose()?,
                role: Role::Owner,
                initial_password: optional(&self.owner_password).as_deref().map(Password::parse_new).transpose()?,
            })
        };
        Ok((kind, profile, owner))
    }
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
    let (kind, profile, owner) = match form.parse() {
        Ok(parsed) => parsed,
        Err(error) => {
            let errors = FormErrors::field(t, &error);
            let form = TenantForm { owner_password: String::new(), ..form };
            return page(&state, &console, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.store().register_organisation(console.actor(), &profile, kind, owner.as_ref()).await {
        Ok(_) => Redirect::to("/console/tenants?notice=organisation_registered").into_response(),
        Err(error) => match Outcome::of(&console.web, error) {
            Outcome::ShowForm(errors, status) => {
                page(&state, &console, TenantForm { owner_password: String::new(), ..form }, errors, status).await
            }
            Outcome::Page(page) => page.into_response(),
        },
    }
}
