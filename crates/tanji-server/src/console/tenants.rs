//! `/console/tenants`: the platform operator's tenant directory, and registering a tenant with an invitation for its
//! first owner (who joins by accepting it at `/join/{code}`, see `join.rs`).

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tanji_tenancy::FieldError;
use tanji_tenancy::member::Email;
use tanji_tenancy::organisation::{OrganisationKind, OrganisationProfile};

use super::error_page::ErrorPage;
use super::facilities::SelectOption;
use super::forms::{FormErrors, Outcome};
use super::frame::{Frame, Section, render};
use crate::links::member_invitation_link;
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

/// The registration form. The first owner is only an address to invite: there are no name or password fields (the
/// invited person chooses theirs when accepting), and such fields, if posted, are ignored.
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
}

impl TenantForm {
    fn empty() -> Self {
        Self { country: "CN".to_owned(), ..Self::default() }
    }

    fn parse(&self) -> Result<(OrganisationKind, OrganisationProfile, Option<Email>), FieldError> {
        let kind = OrganisationKind::parse("kind", &self.kind)?;
        let profile = OrganisationProfile::parse(&self.name, &self.country, Some(&self.credit_code))?;
        let owner = if self.owner_email.trim().is_empty() { None } else { Some(Email::parse(&self.owner_email)?) };
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
    /// The first owner's invitation link, shown once right after registering.
    created_link: Option<String>,
}

async fn page(
    state: &AppState,
    console: &Console,
    form: TenantForm,
    errors: FormErrors,
    created_link: Option<String>,
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
        created_link,
    };
    render(status, &page)
}

/// `GET /console/tenants`.
pub async fn list(State(state): State<AppState>, console: Console) -> Response {
    page(&state, &console, TenantForm::empty(), FormErrors::none(), None, StatusCode::OK).await
}

/// `POST /console/tenants`: registers an organisation and, with a first owner's address, shows the link of their
/// invitation once. The page looks the same whether or not the address has an account.
pub async fn register(State(state): State<AppState>, console: Console, Form(form): Form<TenantForm>) -> Response {
    let t = console.text();
    let (kind, profile, owner) = match form.parse() {
        Ok(parsed) => parsed,
        Err(error) => {
            let errors = FormErrors::field(t, &error);
            return page(&state, &console, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.store().register_organisation(console.actor(), &profile, kind, owner.as_ref()).await {
        Ok((_, Some((_, code)))) => {
            let link = member_invitation_link(&state, &code);
            let empty = TenantForm::empty();
            let mut response = page(&state, &console, empty, FormErrors::none(), Some(link), StatusCode::CREATED).await;
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Ok((_, None)) => Redirect::to("/console/tenants?notice=organisation_registered").into_response(),
        Err(error) => match Outcome::of(&console.web, error) {
            Outcome::ShowForm(errors, status) => page(&state, &console, form, errors, None, status).await,
            Outcome::Page(page) => page.into_response(),
        },
    }
}
