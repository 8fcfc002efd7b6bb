//! `/join/{code}`: where an invited person lands from a member invitation link — to accept it logged in with the
//! invited address, or to create an account for that address and join at once.
//!
//! The page shows the same choices to everyone who is not logged in ("log in to accept", "create an account"), so it
//! says nothing about whether the invited address has an account. Only trying to register an address that has one
//! tells the link's holder so (and creates nothing); `docs/console.md` explains why that residual is accepted.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tanji_store::{Conflict, InvitationForInvitee, NewInvitedAccount, StoreError};
use tanji_tenancy::FieldError;
use tanji_tenancy::member::{DisplayName, Password};
use tanji_tenancy::member_invitation::{JoinRefused, MemberInvitationState};

use super::error_page::ErrorPage;
use super::forms::{FormErrors, Outcome};
use super::frame::{Frame, render};
use crate::state::AppState;
use crate::web_context::WebContext;

/// The create-an-account form. There is no e-mail field: the account's address is the invited one.
#[derive(Debug, Default, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
}

impl RegisterForm {
    fn parse(&self) -> Result<NewInvitedAccount, FieldError> {
        Ok(NewInvitedAccount {
            display_name: DisplayName::parse(&self.display_name)?,
            password: Password::parse_new(&self.password)?,
        })
    }
}

#[derive(Template)]
#[template(path = "join.html")]
struct JoinPage {
    frame: Frame,
    code: String,
    found: bool,
    organisation_name: String,
    role: &'static str,
    masked_email: String,
    expires_at: String,
    /// Why the invitation cannot be used any more, when it cannot.
    closed_reason: Option<&'static str>,
    /// The logged-in person's login, when someone is logged in.
    logged_in_as: Option<String>,
    /// Whether the logged-in person is the one invited.
    is_invitee: bool,
    form: RegisterForm,
    errors: FormErrors,
}

fn closed_reason(web: &WebContext, state: MemberInvitationState) -> Option<&'static str> {
    match state {
        MemberInvitationState::Open => None,
        closed => Some(web.text().join_refused(&JoinRefused::NotOpen(closed))),
    }
}

fn page(
    web: &WebContext,
    code: &str,
    invitation: Option<&InvitationForInvitee>,
    form: RegisterForm,
    errors: FormErrors,
) -> JoinPage {
    let t = web.text();
    let session = web.session.as_deref();
    JoinPage {
        frame: Frame::public(web, t.join_title),
        code: code.to_owned(),
        found: invitation.is_some(),
        organisation_name: invitation.map(|i| i.organisation_name.as_str().to_owned()).unwrap_or_default(),
        role: invitation.map_or("", |i| t.role(&i.role)),
        masked_email: invitation.map(|i| i.masked_email.clone()).unwrap_or_default(),
        expires_at: invitation.map(|i| i.expires_at.strftime("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default(),
        closed_reason: invitation.and_then(|i| closed_reason(web, i.state)),
        logged_in_as: session.map(|session| session.user.email.as_str().to_owned()),
        is_invitee: matches!((invitation, session), (Some(i), Some(session)) if i.is_addressed_to(&session.user.email)),
        form,
        errors,
    }
}

/// The page with its status: 404 for a code that does not exist, 410 for an invitation that was used, withdrawn or
/// has expired, else `status`. Never cached: the URL carries a secret.
fn respond(status: StatusCode, page: &JoinPage) -> Response {
    let status = if !page.found {
        StatusCode::NOT_FOUND
    } else if page.closed_reason.is_some() {
        StatusCode::GONE
    } else {
        status
    };
    let mut response = render(status, page);
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn invitation(state: &AppState, web: &WebContext, code: &str) -> Result<Option<InvitationForInvitee>, Response> {
    state
        .store()
        .member_invitation_by_code(code)
        .await
        .map_err(|error| ErrorPage::from_store(web, error).into_response())
}

/// A refusal shown above the page's forms.
fn refusal(web: &WebContext, refused: &JoinRefused) -> FormErrors {
    FormErrors { messages: vec![web.text().join_refused(refused).to_owned()], fields: Vec::new() }
}

/// `GET /join/{code}`.
pub async fn show(State(state): State<AppState>, web: WebContext, Path(code): Path<String>) -> Response {
    match invitation(&state, &web, &code).await {
        Ok(found) => {
            respond(StatusCode::OK, &page(&web, &code, found.as_ref(), RegisterForm::default(), FormErrors::none()))
        }
        Err(response) => response,
    }
}

/// `POST /join/{code}/accept`: the logged-in person accepts, and their session moves to the organisation they joined.
/// Without a session, the login page sends them back here.
pub async fn accept(State(state): State<AppState>, web: WebContext, Path(code): Path<String>) -> Response {
    let Some(session) = web.session.clone() else {
        let next = format!("/join/{code}");
        let next = form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>();
        return Redirect::to(&format!("/login?next={next}")).into_response();
    };
    match state.store().accept_member_invitation(session.user.id, &code).await {
        Ok(accepted) => {
            // Land in the organisation just joined. Should switching fail, the person is a member all the same and can
            // switch themselves, so it is logged rather than shown.
            if let Some(secret) = &web.session_secret
                && let Err(error) = state.store().switch_organisation(secret, accepted.organisation_id).await
            {
                tracing::warn!(%error, "switching to the organisation just joined");
            }
            Redirect::to("/console?notice=joined").into_response()
        }
        Err(StoreError::NotFound) => {
            respond(StatusCode::NOT_FOUND, &page(&web, &code, None, RegisterForm::default(), FormErrors::none()))
        }
        Err(StoreError::Conflict(Conflict::JoinRefused(refused))) => {
            let found = match invitation(&state, &web, &code).await {
                Ok(found) => found,
                Err(response) => return response,
            };
            let page = page(&web, &code, found.as_ref(), RegisterForm::default(), refusal(&web, &refused));
            respond(StatusCode::CONFLICT, &page)
        }
        Err(error) => ErrorPage::from_store(&web, error).into_response(),
    }
}

/// `POST /join/{code}/register`: a person without an account creates one for the invited address and joins.
pub async fn register(
    State(state): State<AppState>,
    web: WebContext,
    Path(code): Path<String>,
    Form(form): Form<RegisterForm>,
) -> Response {
    let found = match invitation(&state, &web, &code).await {
        Ok(Some(found)) => found,
        Ok(None) => {
            return respond(
                StatusCode::NOT_FOUND,
                &page(&web, &code, None, RegisterForm::default(), FormErrors::none()),
            );
        }
        Err(response) => return response,
    };
    // Never send a password back to the browser.
    let form_again = |form: RegisterForm| RegisterForm { password: String::new(), ..form };
    let account = match form.parse() {
        Ok(account) => account,
        Err(error) => {
            let errors = FormErrors::field(web.text(), &error);
            return respond(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(&web, &code, Some(&found), form_again(form), errors),
            );
        }
    };
    match state.store().register_from_member_invitation(&code, &account).await {
        Ok(member) => {
            tracing::info!(user = %member.user.id, invitation = %found.id, "a person registered from a member invitation");
            Redirect::to("/login?notice=registered").into_response()
        }
        Err(StoreError::Conflict(Conflict::JoinRefused(refused))) => {
            // The invitation may have changed state meanwhile; show it as it is now.
            let found = match invitation(&state, &web, &code).await {
                Ok(found) => found,
                Err(response) => return response,
            };
            let page = page(&web, &code, found.as_ref(), form_again(form), refusal(&web, &refused));
            respond(StatusCode::CONFLICT, &page)
        }
        Err(error) => match Outcome::of(&web, error) {
            Outcome::ShowForm(errors, status) => {
                respond(status, &page(&web, &code, Some(&found), form_again(form), errors))
            }
            Outcome::Page(page) => page.into_response(),
        },
    }
}
