//! `/console/tokens`: API tokens.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use jiff::SignedDuration;
use serde::Deserialize;
use tanji_store::NewToken;
use tanji_tenancy::token::{ApiToken, TokenName, TokenScope, TokenScopes};
use tanji_tenancy::validation::Problem;
use tanji_tenancy::{ApiTokenId, FieldError};

use super::error_page::ErrorPage;
use super::forms::{FormErrors, Outcome};
use super::frame::{Frame, Section, render};
use crate::i18n::Text;
use crate::links::base_url;
use crate::state::AppState;
use crate::web_context::Console;

/// A row of the tokens table.
pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub scopes: String,
    pub created_by: String,
    pub created_at: String,
    pub expires_at: String,
    pub last_used_at: String,
    pub state: &'static str,
    pub active: bool,
}

/// A scope checkbox.
pub struct ScopeChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub checked: bool,
    pub allowed: bool,
}

/// The create-token form. `scopes` repeats, one per ticked box.
#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    expires_in_days: String,
}

/// A token just created, shown once.
pub struct CreatedToken {
    pub secret: String,
    pub example: String,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    frame: Frame,
    rows: Vec<TokenRow>,
    scope_choices: Vec<ScopeChoice>,
    form: TokenForm,
    errors: FormErrors,
    created: Option<CreatedToken>,
}

fn row(t: &'static Text, token: ApiToken, now: jiff::Timestamp) -> TokenRow {
    let date = |time: Option<jiff::Timestamp>| {
        time.map_or_else(|| t.never.to_owned(), |time| time.strftime("%Y-%m-%d").to_string())
    };
    let state = if token.revoked_at.is_some() {
        t.token_revoked_state
    } else if token.is_active(now) {
        t.token_active
    } else {
        t.token_expired_state
    };
    TokenRow {
        id: token.id.to_string(),
        active: token.is_active(now),
        name: token.name.as_str().to_owned(),
        prefix: format!("{}…", token.secret_prefix),
        scopes: token.scopes.iter().map(|scope| t.scope(&scope)).collect::<Vec<_>>().join(", "),
        created_by: token.created_by_name,
        created_at: token.created_at.strftime("%Y-%m-%d").to_string(),
        expires_at: date(token.expires_at),
        last_used_at: date(token.last_used_at),
        state,
    }
}

async fn page(
    state: &AppState,
    console: &Console,
    form: TokenForm,
    errors: FormErrors,
    created: Option<CreatedToken>,
    status: StatusCode,
) -> Response {
    let t = console.text();
    let tokens = match state.store().list_tokens(console.actor()).await {
        Ok(tokens) => tokens,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let now = state.store().clock().now();
    let role = console.actor().role;
    let ticked = |scope: TokenScope| {
        if form.scopes.is_empty() {
            scope == TokenScope::Read
        } else {
            form.scopes.iter().any(|name| name == scope.as_str())
        }
    };
    let scope_choices = TokenScope::ALL
        .into_iter()
        .map(|scope| ScopeChoice {
            value: scope.as_str(),
            label: t.scope(&scope),
            hint: t.scope_hint(&scope),
            checked: ticked(scope) && scope.grantable_by(role),
            allowed: scope.grantable_by(role),
        })
        .collect();
    let page = TokensPage {
        frame: Frame::console(console, Section::Tokens, t.tokens_title),
        rows: tokens.into_iter().map(|token| row(t, token, now)).collect(),
        scope_choices,
        form,
        errors,
        created,
    };
    render(status, &page)
}

/// `GET /console/tokens`.
pub async fn list(State(state): State<AppState>, console: Console) -> Response {
    let form = TokenForm { expires_in_days: "90".to_owned(), ..TokenForm::default() };
    page(&state, &console, form, FormErrors::none(), None, StatusCode::OK).await
}

fn parse(form: &TokenForm, now: jiff::Timestamp) -> Result<NewToken, FieldError> {
    let expires_at = match form.expires_in_days.trim() {
        "" | "never" => None,
        days => {
            let days: i64 = days
                .parse()
                .ok()
                .filter(|days| (1..=3650).contains(days))
                .ok_or(FieldError::new("expires_in_days", Problem::OutOfRange { min: "1", max: "3650" }))?;
            Some(now + SignedDuration::from_hours(24 * days))
        }
    };
    Ok(NewToken {
        name: TokenName::parse(&form.name)?,
        scopes: TokenScopes::from_names(form.scopes.iter().map(String::as_str))?,
        expires_at,
    })
}

/// `POST /console/tokens`: shows the new secret once, on this response only.
pub async fn create(State(state): State<AppState>, console: Console, Form(form): Form<TokenForm>) -> Response {
    let now = state.store().clock().now();
    let new_token = match parse(&form, now) {
        Ok(new_token) => new_token,
        Err(error) => {
            let errors = FormErrors::field(console.text(), &error);
            return page(&state, &console, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.store().create_token(console.actor(), &new_token).await {
        Ok((_, secret)) => {
            let example = format!("curl -H 'Authorization: Bearer {secret}' {}/api/v1/facilities", base_url(&state));
            let created = CreatedToken { secret, example };
            let fresh_form = TokenForm { expires_in_days: "90".to_owned(), ..TokenForm::default() };
            let mut response =
                page(&state, &console, fresh_form, FormErrors::none(), Some(created), StatusCode::CREATED).await;
            // The secret is in this page only: keep it out of caches and the browser's history snapshot.
            response
                .headers_mut()
                .insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => match Outcome::of(&console.web, error) {
            Outcome::ShowForm(errors, status) => page(&state, &console, form, errors, None, status).await,
            Outcome::Page(page) => page.into_response(),
        },
    }
}

/// `POST /console/tokens/{id}/revoke`.
pub async fn revoke(State(state): State<AppState>, console: Console, Path(raw_id): Path<String>) -> Response {
    let Ok(id) = raw_id.parse::<ApiTokenId>() else { return ErrorPage::not_found(&console.web).into_response() };
    match state.store().revoke_token(console.actor(), id).await {
        Ok(_) => Redirect::to("/console/tokens?notice=token_revoked").into_response(),
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}
