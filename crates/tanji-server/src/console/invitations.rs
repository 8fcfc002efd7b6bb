//! `/invitations/{code}`: where a supplier lands from an invitation link — to accept it with an existing
//! organisation, or to register a new one.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tanji_store::{InvitationPreview, NewSupplierOwner, StoreError};
use tanji_tenancy::member::{DisplayName, Email, Password, Role};
use tanji_tenancy::organisation::{OrganisationKind, OrganisationProfile};
use tanji_tenancy::supplier_link::InvitationState;
use tanji_tenancy::{FieldError, Permission};

use super::error_page::ErrorPage;
use super::forms::{FormErrors, Outcome};
use super::frame::{Frame, render};
use crate::state::AppState;
use crate::web_context::WebContext;

/// The registration form.
#[derive(Debug, Default, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    company_name: String,
    #[serde(default)]
    credit_code: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

impl RegisterForm {
    fn parse(&self) -> Result<(OrganisationProfile, NewSupplierOwner), FieldError> {
        let country = if self.country.trim().is_empty() { "CN" } else { self.country.as_str() };
        let mut profile = OrganisationProfile::parse(&self.company_name, country, Some(&self.credit_code));
        // The form calls the organisation's name `company_name`.
        if let Err(error) = &mut profile
            && error.field == "name"
        {
            error.field = "company_name";
        }
        Ok((
            profile?,
            NewSupplierOwner {
                email: Email::parse(&self.email)?,
                display_name: DisplayName::parse(&self.display_name)?,
                password: Password::parse_new(&self.password)?,
            },
        ))
    }
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    frame: Frame,
    code: String,
    found: bool,
    customer_name: String,
    supplier_name: String,
    message: String,
    not_open_reason: Option<&'static str>,
    logged_in: bool,
    can_accept_as: Option<String>,
    form: RegisterForm,
    errors: FormErrors,
}

fn page(
    web: &WebContext,
    code: &str,
    preview: Option<&InvitationPreview>,
    form: RegisterForm,
    errors: FormErrors,
) -> InvitationPage {
    let t = web.text();
    let session = web.session.as_deref();
    let can_accept_as = session.filter(|session| session.actor.may(Permission::ManageCustomers)).map(|session| {
        session
            .memberships
            .iter()
            .find(|membership| membership.organisation_id == session.actor.organisation_id)
            .map(|membership| membership.organisation_name.as_str().to_owned())
            .unwrap_or_default()
    });
    InvitationPage {
        frame: Frame::public(web, t.invitation_title),
        code: code.to_owned(),
        found: preview.is_some(),
        customer_name: preview.map(|p| p.invitation.customer.name.as_str().to_owned()).unwrap_or_default(),
        supplier_name: preview.map(|p| p.invitation.supplier_name.clone()).unwrap_or_default(),
        message: preview.and_then(|p| p.invitation.message.clone()).unwrap_or_default(),
        not_open_reason: preview.filter(|p| p.state != InvitationState::Open).map(|p| t.invitation_state(&p.state)),
        logged_in: session.is_some(),
        can_accept_as,
        form,
        errors,
    }
}

async fn preview(state: &AppState, web: &WebContext, code: &str) -> Result<Option<InvitationPreview>, Response> {
    state.store().preview_invitation(code).await.map_err(|error| ErrorPage::from_store(web, error).into_response())
}

/// `GET /invitations/{code}`.
pub async fn show(State(state): State<AppState>, web: WebContext, Path(code): Path<String>) -> Response {
    let preview = match preview(&state, &web, &code).await {
        Ok(preview) => preview,
        Err(response) => return response,
    };
    let status = if preview.is_some() { StatusCode::OK } else { StatusCode::NOT_FOUND };
    let mut response =
        render(status, &page(&web, &code, preview.as_ref(), RegisterForm::default(), FormErrors::none()));
    response.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    response
}

/// `POST /invitations/{code}/accept`: a logged-in supplier owner accepts for their current organisation.
pub async fn accept(State(state): State<AppState>, web: WebContext, Path(code): Path<String>) -> Response {
    let Some(session) = web.session.clone() else {
        let next = format!("/invitations/{code}");
        return Redirect::to(&format!(
            "/login?next={}",
            form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        ))
        .into_response();
    };
    match state.store().accept_invitation(&session.actor, &code).await {
        Ok(_) => Redirect::to("/console/suppliers?notice=link_created").into_response(),
        Err(StoreError::NotFound) => ErrorPage::not_found(&web).into_response(),
        Err(error) => ErrorPage::from_store(&web, error).into_response(),
    }
}

/// `POST /invitations/{code}/register`: a supplier new to tanji registers its organisation and first owner, and
/// accepts the invitation, all at once.
pub async fn register(
    State(state): State<AppState>,
    web: WebContext,
    Path(code): Path<String>,
    Form(form): Form<RegisterForm>,
) -> Response {
    let t = web.text();
    let preview = match preview(&state, &web, &code).await {
        Ok(Some(preview)) => preview,
        Ok(None) => return ErrorPage::not_found(&web).into_response(),
        Err(response) => return response,
    };
    let (profile, owner) = match form.parse() {
        Ok(parsed) => parsed,
        Err(error) => {
            let errors = FormErrors::field(t, &error);
            let form = RegisterForm { password: String::new(), ..form };
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page(&web, &code, Some(&preview), form, errors));
        }
    };
    match state.store().register_supplier_from_invitation(&code, &profile, &owner).await {
        Ok((organisation, user, _)) => {
            tracing::info!(organisation = %organisation.id, user = %user.id, role = %Role::Owner, kind = %OrganisationKind::Supplier,
                "a supplier registered from an invitation");
            Redirect::to("/login?notice=registered").into_response()
        }
        Err(error) => match Outcome::of(&web, error) {
            Outcome::ShowForm(errors, status) => {
                let form = RegisterForm { password: String::new(), ..form };
                render(status, &page(&web, &code, Some(&preview), form, errors))
            }
            Outcome::Page(page) => page.into_response(),
        },
    }
}
