//! Logging in and out, switching language, switching organisation.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;
use tanji_store::LoginOutcome;
use tanji_tenancy::OrganisationId;
use tanji_tenancy::member::{Language, Password};

use super::error_page::ErrorPage;
use super::frame::{Frame, render};
use crate::state::AppState;
use crate::web_context::{Console, LANGUAGE_COOKIE, WebContext, local_path, session_cookie_name};

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
    let next = local_path(query.next.as_deref()).unwrap_or_else(|| "/console".to_owned());
    if web.session.is_some() {
        return Redirect::to(&next).into_response();
    }
    render(StatusCode::OK, &login_page(&state, &web, None, "", &next))
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

/// `POST /login`: checks the throttle, the password, and opens a session.
pub async fn submit_login(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    web: WebContext,
    Form(form): Form<LoginForm>,
) -> Response {
    let t = web.text();
    let next = local_path(form.next.as_deref()).unwrap_or_else(|| "/console".to_owned());
    let now = state.store().clock().now();
    let account_key = format!("account:{}", form.email.trim().to_lowercase());
    let address_key = format!("address:{}", client.ip());
    let throttled = state
        .account_throttle()
        .check(&account_key, now)
        .and_then(|()| state.address_throttle().check(&address_key, now));
    if let Err(throttled) = throttled {
        tracing::warn!(client = %client.ip(), "login throttled");
        let retry_at = throttled.retry_at.strftime("%Y-%m-%d %H:%M:%S").to_string();
        let message = format!("{} {retry_at}", t.login_throttled);
        let mut response =
            render(StatusCode::TOO_MANY_REQUESTS, &login_page(&state, &web, Some(message), &form.email, &next));
        let wait_seconds = throttled.retry_at.duration_since(now).as_secs().max(1);
        response.headers_mut().insert(header::RETRY_AFTER, wait_seconds.into());
        return response;
    }

    match state.store().login(&form.email, &Password::for_login(&form.password), None).await {
        Ok(LoginOutcome::LoggedIn(session)) => {
            state.account_throttle().record_success(&account_key);
            let secure = state.config().secure_cookies;
            let cookie = Cookie::build((session_cookie_name(secure), session.secret))
                .path("/")
                .http_only(true)
                .secure(secure)
                .same_site(SameSite::Lax)
                .max_age(cookie::time::Duration::seconds(tanji_store::SESSION_LIFETIME.as_secs()))
                .build();
            (CookieJar::new().add(cookie), Redirect::to(&next)).into_response()
        }
        Ok(LoginOutcome::WrongCredentials) => {
            state.account_throttle().record_failure(&account_key, now);
            state.address_throttle().record_failure(&address_key, now);
            render(
                StatusCode::UNAUTHORIZED,
                &login_page(&state, &web, Some(t.login_failed.to_owned()), &form.email, &next),
            )
        }
        Ok(LoginOutcome::NoOrganisation) => render(
            StatusCode::FORBIDDEN,
            &login_page(&state, &web, Some(t.login_no_organisation.to_owned()), &form.email, &next),
        ),
        Err(error) => ErrorPage::from_store(&web, error).into_response(),
    }
}

/// `POST /logout`.
pub async fn logout(State(state): State<AppState>, web: WebContext) -> Response {
    if let Some(secret) = &web.session_secret
        && let Err(error) = state.store().logout(secret).await
    {
        return ErrorPage::from_store(&web, error).into_response();
    }
    let secure = state.config().secure_cookies;
    let removal = Cookie::build((session_cookie_name(secure), "")).path("/").secure(secure).build();
    (CookieJar::new().remove(removal), Redirect::to("/login?notice=logged_out")).into_response()
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
    let next = local_path(form.next.as_deref()).unwrap_or_else(|| "/console".to_owned());
    (CookieJar::new().add(cookie), Redirect::to(&next)).into_response()
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
