//! Logging in and out, switching language, switching organisation.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;
use tanji_store::LoginOutcome;
use tanji_tenancy::OrganisationId;
use tanji_tenancy::member::{Language, Password};
use tanji_tenancy::throttle::{Attempt, Throttled};

use super::error_page::ErrorPage;
use super::frame::{Frame, render};
use crate::client_address::ClientAddress;
use crate::i18n::Text;
use crate::redirect::LocalPath;
use crate::state::AppState;
use crate::web_context::{Console, LANGUAGE_COOKIE, WebContext, session_cookie_name};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    frame: Frame,
    error: Option<String>,
    email: String,
    next: String,
    demo: Option<DemoView>,
}

struct DemoView {
    password: String,
    accounts: Vec<DemoAccountView>,
}

struct DemoAccountView {
    email: String,
    description: String,
}

fn login_page(state: &AppState, web: &WebContext, error: Option<String>, email: &str, next: &str) -> LoginPage {
    let t = web.text();
    let demo = state.config().demo_logins.as_ref().map(|demo| DemoView {
        password: demo.password.clone(),
        accounts: demo
            .accounts
            .iter()
            .map(|account| DemoAccountView {
                email: account.email.clone(),
                description: match web.language {
                    Language::SimplifiedChinese => account.description_zh.clone(),
                    Language::English => account.description_en.clone(),
                },
            })
            .collect(),
    });
    LoginPage { frame: Frame::public(web, t.login_title), error, email: email.to_owned(), next: next.to_owned(), demo }
}

/// Where to go after login.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// `GET /login`.
pub async fn show_login(State(state): State<AppState>, web: WebContext, Query(query): Query<NextQuery>) -> Response {
    let next = LocalPath::or_home(query.next.as_deref());
    if web.session.is_some() {
        return next.redirect();
    }
    render(StatusCode::OK, &login_page(&state, &web, None, "", next.as_str()))
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

/// `POST /login`: reserves an attempt with the throttle, checks the password, opens a session.
pub async fn submit_login(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    web: WebContext,
    Form(form): Form<LoginForm>,
) -> Response {
    let t = web.text();
    let next = LocalPath::or_home(form.next.as_deref());
    let attempt = Attempt::new(&form.email, &client.to_string());
    if let Err(throttled) = reserve_attempt(&state, &attempt) {
        tracing::warn!(%client, "login throttled");
        let page = login_page(&state, &web, Some(throttled_message(t, throttled)), &form.email, next.as_str());
        return with_retry_after(render(StatusCode::TOO_MANY_REQUESTS, &page), &state, throttled);
    }

    let outcome = state.store().login(&form.email, &Password::for_login(&form.password), None).await;
    settle_attempt(
        &state,
        &attempt,
        &outcome.as_ref().map(|outcome| !matches!(outcome, LoginOutcome::WrongCredentials)),
    );
    match outcome {
        Ok(LoginOutcome::LoggedIn(session)) => {
            let cookie = session_cookie(&state, session.secret, tanji_store::SESSION_LIFETIME.as_secs());
            (CookieJar::new().add(cookie), next.redirect()).into_response()
        }
        Ok(LoginOutcome::WrongCredentials) => render(
            StatusCode::UNAUTHORIZED,
            &login_page(&state, &web, Some(t.login_failed.to_owned()), &form.email, next.as_str()),
        ),
        Ok(LoginOutcome::NoOrganisation) => render(
            StatusCode::FORBIDDEN,
            &login_page(&state, &web, Some(t.login_no_organisation.to_owned()), &form.email, next.as_str()),
        ),
        Err(error) => ErrorPage::from_store(&web, error).into_response(),
    }
}

/// Reserves a password guess for `attempt` (login, or the password-change form's current password).
pub(crate) fn reserve_attempt(state: &AppState, attempt: &Attempt) -> Result<(), Throttled> {
    state.login_throttle().reserve(attempt, state.store().clock().now())
}

/// Settles a reserved guess: `Ok(true)` the password was right, `Ok(false)` wrong (the reservation stays a
/// failure), `Err` no verdict was reached (the reservation is taken back).
pub(crate) fn settle_attempt<E>(state: &AppState, attempt: &Attempt, verdict: &Result<bool, E>) {
    let mut throttle = state.login_throttle();
    match verdict {
        Ok(true) => throttle.succeeded(attempt),
        Ok(false) => {}
        Err(_) => throttle.abandoned(attempt),
    }
}

/// "Too many failed attempts. Try again after (UTC): …".
pub(crate) fn throttled_message(t: &'static Text, throttled: Throttled) -> String {
    format!("{} {}", t.login_throttled, throttled.retry_at.strftime("%Y-%m-%d %H:%M:%S"))
}

/// Adds `Retry-After` (whole seconds, at least 1) to a refusal.
pub(crate) fn with_retry_after(mut response: Response, state: &AppState, throttled: Throttled) -> Response {
    let wait_seconds = throttled.retry_at.duration_since(state.store().clock().now()).as_secs().max(1);
    response.headers_mut().insert(header::RETRY_AFTER, wait_seconds.into());
    response
}

/// The session cookie with `value`, living `max_age_seconds` (0 expires it in the browser at once).
fn session_cookie(state: &AppState, value: String, max_age_seconds: i64) -> Cookie<'static> {
    let secure = state.config().secure_cookies;
    Cookie::build((session_cookie_name(secure), value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(max_age_seconds))
        .build()
}

/// `POST /logout`: ends the session on the server and expires the cookie in the browser.
pub async fn logout(State(state): State<AppState>, web: WebContext) -> Response {
    if let Some(secret) = &web.session_secret
        && let Err(error) = state.store().logout(secret).await
    {
        return ErrorPage::from_store(&web, error).into_response();
    }
    // Removing a cookie from a fresh jar emits nothing; adding an empty one with Max-Age=0 makes the browser drop it.
    let expired = session_cookie(&state, String::new(), 0);
    (CookieJar::new().add(expired), Redirect::to("/login?notice=logged_out")).into_response()
}

/// The language switch.
#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    lang: String,
    next: Option<String>,
}

/// `POST /lang`: remembers the choice in a cookie, and for a logged-in person in their account too.
pub async fn switch_language(
    State(state): State<AppState>,
    web: WebContext,
    Form(form): Form<LanguageForm>,
) -> Response {
    let Some(language) = Language::from_tag(&form.lang) else {
        return ErrorPage::not_found(&web).into_response();
    };
    if let Some(session) = &web.session
        && let Err(error) = state.store().set_user_language(session.user.id, language).await
    {
        return ErrorPage::from_store(&web, error).into_response();
    }
    let cookie = Cookie::build((LANGUAGE_COOKIE, language.tag()))
        .path("/")
        .http_only(true)
        .secure(state.config().secure_cookies)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::days(365))
        .build();
    let next = LocalPath::or_home(form.next.as_deref());
    (CookieJar::new().add(cookie), next.redirect()).into_response()
}

/// The organisation switcher.
#[derive(Debug, Deserialize)]
pub struct SwitchForm {
    organisation_id: String,
}

/// `POST /console/switch`.
pub async fn switch_organisation(
    State(state): State<AppState>,
    console: Console,
    Form(form): Form<SwitchForm>,
) -> Response {
    let (Some(secret), Ok(organisation_id)) =
        (&console.web.session_secret, form.organisation_id.parse::<OrganisationId>())
    else {
        return ErrorPage::not_found(&console.web).into_response();
    };
    match state.store().switch_organisation(secret, organisation_id).await {
        Ok(()) => Redirect::to("/console").into_response(),
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}
