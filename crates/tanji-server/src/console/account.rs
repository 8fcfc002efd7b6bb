//! `/console/account`: one's own memberships, language and password.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tanji_store::StoreError;
use tanji_tenancy::member::Password;
use tanji_tenancy::throttle::Attempt;

use super::forms::{FormErrors, Outcome};
use super::frame::{Frame, Section, render};
use super::session_pages::{reserve_attempt, settle_attempt, throttled_message, with_retry_after};
use crate::client_address::ClientAddress;
use crate::state::AppState;
use crate::web_context::Console;

/// A membership, as a row.
pub struct MembershipRow {
    pub organisation: String,
    pub kind: &'static str,
    pub role: &'static str,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    frame: Frame,
    display_name: String,
    email: String,
    memberships: Vec<MembershipRow>,
    errors: FormErrors,
}

fn page(console: &Console, errors: FormErrors) -> AccountPage {
    let t = console.text();
    AccountPage {
        frame: Frame::console(console, Section::Account, t.account_title),
        display_name: console.session.user.display_name.as_str().to_owned(),
        email: console.session.user.email.as_str().to_owned(),
        memberships: console
            .session
            .memberships
            .iter()
            .map(|membership| MembershipRow {
                organisation: membership.organisation_name.as_str().to_owned(),
                kind: t.organisation_kind(&membership.organisation_kind),
                role: t.role(&membership.role),
            })
            .collect(),
        errors,
    }
}

/// `GET /console/account`.
pub async fn show(console: Console) -> Response {
    render(StatusCode::OK, &page(&console, FormErrors::none()))
}

/// The password form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
}

/// `POST /console/account/password`: keeps this session, ends the others. The current password is a password guess
/// like a login, so it goes through the same throttle (someone at an unlocked screen must not be able to try a
/// dictionary against it).
pub async fn change_password(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    console: Console,
    Form(form): Form<PasswordForm>,
) -> Response {
    let new_password = match Password::parse_new(&form.new_password) {
        Ok(password) => password,
        Err(error) => {
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(&console, FormErrors::field(console.text(), &error)),
            );
        }
    };
    let attempt = Attempt::new(console.session.user.email.as_str(), &client.to_string());
    if let Err(throttled) = reserve_attempt(&state, &attempt) {
        tracing::warn!(%client, "password change throttled");
        let message = throttled_message(console.text(), throttled);
        let errors = FormErrors::message("current_password", message);
        return with_retry_after(render(StatusCode::TOO_MANY_REQUESTS, &page(&console, errors)), &state, throttled);
    }
    let result = state
        .store()
        .change_password(
            console.session.user.id,
            &Password::for_login(&form.current_password),
            &new_password,
            Some(&console.session.session_digest),
        )
        .await;
    let verdict = match &result {
        Ok(()) => Ok(true),
        Err(StoreError::Invalid(error)) if error.field == "current_password" => Ok(false),
        // A refused new password still proved the current one right; anything else reached no verdict.
        Err(StoreError::Invalid(_)) => Ok(true),
        Err(_) => Err(()),
    };
    settle_attempt(&state, &attempt, &verdict);
    match result {
        Ok(()) => Redirect::to("/console/account?notice=password_changed").into_response(),
        Err(error) => match Outcome::of(&console.web, error) {
            Outcome::ShowForm(errors, status) => render(status, &page(&console, errors)),
            Outcome::Page(page) => page.into_response(),
        },
    }
}
