//! The sub-platforms page (the list and the registration form), one sub-platform's page (its behaviours, API
//! credentials and identity links) and the parent accounts page.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tanji_i18n::account::onboarding::OnboardingText;
use tanji_store::account_links::{ConsentChannel, IdentityLink, NewLink};
use tanji_store::account_methodologies::Behaviour;
use tanji_store::account_sub_platforms::{
    AllowedBehaviour, CredentialScope, NewSubPlatform, SubPlatform, SubPlatformCredential, SubPlatformStatus,
};
use tanji_store::{Conflict, StoreError};
use tanji_tenancy::organisation::OrganisationKind;
use tanji_tenancy::validation::Problem;
use tanji_tenancy::{FieldError, OrganisationId, Permission};
use uuid::Uuid;

use super::{ACCOUNTS_PATH, FieldErrors, METHODOLOGIES_PATH, SUB_PLATFORMS_PATH, Tab, TabLink, account_frame, tabs};
use crate::console::error_page::ErrorPage;
use crate::console::frame::{Frame, render};
use crate::redirect::see_other;
use crate::state::AppState;
use crate::web_context::Console;

fn time(timestamp: jiff::Timestamp) -> String {
    timestamp.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// A sub-platform as a row of the list.
pub struct SubPlatformRow {
    pub href: String,
    pub name: String,
    pub code: String,
    pub behaviours: String,
    pub organisation: Option<String>,
    pub active: bool,
    pub n_links: i64,
    pub n_credentials: i64,
}

fn sub_platform_row(english: bool, sub_platform: &SubPlatform) -> SubPlatformRow {
    SubPlatformRow {
        href: format!("{SUB_PLATFORMS_PATH}/{}", sub_platform.id),
        name: sub_platform.name(english).to_owned(),
        code: sub_platform.code.as_str().to_owned(),
        behaviours: sub_platform
            .behaviours
            .iter()
            .map(|allowed| format!("{} → {}", allowed.behaviour.as_str(), allowed.methodology_number))
            .collect::<Vec<_>>()
            .join(", "),
        organisation: sub_platform.organisation_name.clone(),
        active: sub_platform.status == SubPlatformStatus::Active,
        n_links: sub_platform.n_links_in_force,
        n_credentials: sub_platform.n_active_credentials,
    }
}

/// The registration form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub organisation_id: String,
    pub behaviours: String,
}

impl RegisterForm {
    fn parse(&self) -> Result<NewSubPlatform, FieldError> {
        let organisation_id = match self.organisation_id.trim() {
            "" => None,
            text => Some(OrganisationId::from_uuid(text.parse::<Uuid>().map_err(|_| {
                FieldError::new("organisation_id", Problem::Malformed { expected: "an organisation of the list" })
            })?)),
        };
        let malformed = || {
            FieldError::new("behaviours", Problem::Malformed { expected: "one a line: behaviour=methodology number" })
        };
        let mut behaviours = Vec::new();
        for line in self.behaviours.lines().map(str::trim).filter(|line| !line.is_empty()) {
            let (behaviour, number) = line.split_once('=').ok_or_else(malformed)?;
            behaviours.push(AllowedBehaviour {
                behaviour: Behaviour::parse(behaviour).map_err(|_| malformed())?,
                methodology_number: number.trim().parse().map_err(|_| malformed())?,
            });
        }
        NewSubPlatform::parse(&self.code, &self.name_zh, &self.name_en, organisation_id, behaviours)
    }
}

#[derive(Template)]
#[template(path = "account_sub_platforms.html")]
struct ListPage {
    frame: Frame,
    words: &'static OnboardingText,
    tabs: Vec<TabLink>,
    rows: Vec<SubPlatformRow>,
    is_operator: bool,
    can_register: bool,
    /// (id, name) of the tenants of kind sub-platform, for the registration form.
    organisations: Vec<(String, String)>,
    form: RegisterForm,
    errors: FieldErrors,
}

/// `GET /console/carbon-account/sub-platforms`.
pub async fn list(State(state): State<AppState>, console: Console) -> Response {
    list_page(&state, &console, RegisterForm::default(), FieldErrors::default(), StatusCode::OK).await
}

async fn list_page(
    state: &AppState,
    console: &Console,
    form: RegisterForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let (frame, words) = match account_frame(console, |words| words.sub_platforms_title) {
        Ok(found) => found,
        Err(page) => return page.into_response(),
    };
    let store = state.store();
    let sub_platforms = match store.list_sub_platforms(console.actor()).await {
        Ok(found) => found,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let can_register = console.actor().may(Permission::ManageSubPlatforms);
    let organisations = if can_register && console.actor().may(Permission::ManageTenants) {
        match store.list_tenants(console.actor()).await {
            Ok(tenants) => tenants
                .into_iter()
                .filter(|tenant| tenant.organisation.kind == OrganisationKind::SubPlatform)
                .map(|tenant| {
                    (tenant.organisation.id.to_string(), tenant.organisation.name_in(words.language).to_owned())
                })
                .collect(),
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        }
    } else {
        Vec::new()
    };
    let english = words.language == tanji_i18n::Language::English;
    let page = ListPage {
        tabs: tabs(console, words, Tab::SubPlatforms),
        rows: sub_platforms.iter().map(|sub_platform| sub_platform_row(english, sub_platform)).collect(),
        is_operator: tanji_tenancy::access::runs_account_scheme(console.actor().organisation_kind),
        can_register,
        organisations,
        form,
        errors,
        frame,
        words,
    };
    render(status, &page)
}

/// `POST /console/carbon-account/sub-platforms`: registers a sub-platform.
pub async fn register(State(state): State<AppState>, console: Console, Form(form): Form<RegisterForm>) -> Response {
    if !console.actor().may(Permission::ManageSubPlatforms) {
        return ErrorPage::forbidden(&console.web).into_response();
    }
    let t = console.text();
    let words = OnboardingText::of(t.language);
    let new = match form.parse() {
        Ok(new) => new,
        Err(error) => {
            let errors = FieldErrors::one(t, words, &error);
            return list_page(&state, &console, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.store().register_sub_platform(console.actor(), &new).await {
        Ok(registered) => see_other(&format!("{SUB_PLATFORMS_PATH}/{}?notice=registered", registered.id)),
        Err(StoreError::Invalid(error)) => {
            let errors = FieldErrors::one(t, words, &error);
            list_page(&state, &console, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(StoreError::Conflict(Conflict::SubPlatformCode)) => {
            let errors = FieldErrors::message("code", words.conflict_sub_platform_code.to_owned());
            list_page(&state, &console, form, errors, StatusCode::CONFLICT).await
        }
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// A behaviour on a sub-platform's page, with its methodology's page.
pub struct BehaviourRow {
    pub behaviour: String,
    pub methodology_number: u32,
    pub methodology_href: Option<String>,
}

/// A credential as its table shows it.
pub struct CredentialRow {
    pub revoke_href: String,
    pub name: String,
    pub prefix: String,
    pub scopes: String,
    pub created_at: String,
    pub last_used_at: String,
    pub revoked: bool,
}

fn credential_row(words: &'static OnboardingText, credential: &SubPlatformCredential) -> CredentialRow {
    CredentialRow {
        revoke_href: format!(
            "{SUB_PLATFORMS_PATH}/{}/credentials/{}/revoke",
            credential.sub_platform_id, credential.id
        ),
        name: credential.name.clone(),
        prefix: format!("{}…", credential.secret_prefix),
        scopes: credential
            .scopes
            .iter()
            .map(|scope| match scope {
                CredentialScope::EventsWrite => words.scope_events_write,
                CredentialScope::OutcomesRead => words.scope_outcomes_read,
            })
            .collect::<Vec<_>>()
            .join("、"),
        created_at: time(credential.created_at),
        last_used_at: credential.last_used_at.map(time).unwrap_or_else(|| words.never.to_owned()),
        revoked: credential.revoked_at.is_some(),
    }
}

/// A link as its table shows it.
pub struct LinkRow {
    pub unlink_href: String,
    pub external_identity: String,
    pub person_number: u64,
    pub consent: String,
    pub linked_at: String,
    pub unlinked_at: Option<String>,
}

fn channel(words: &'static OnboardingText, channel: ConsentChannel) -> &'static str {
    match channel {
        ConsentChannel::App => words.channel_app,
        ConsentChannel::Web => words.channel_web,
        ConsentChannel::Counter => words.channel_counter,
        ConsentChannel::Paper => words.channel_paper,
    }
}

fn link_row(words: &'static OnboardingText, link: &IdentityLink) -> LinkRow {
    LinkRow {
        unlink_href: format!("{SUB_PLATFORMS_PATH}/{}/links/{}/unlink", link.sub_platform_id, link.id),
        external_identity: link.external_identity.clone(),
        person_number: link.person_number,
        consent: format!(
            "{} · {} · {}",
            time(link.consent.given_at),
            link.consent.wording_version,
            channel(words, link.consent.channel)
        ),
        linked_at: time(link.linked_at),
        unlinked_at: link.unlinked_at.map(time),
    }
}

/// The link form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    pub external_identity: String,
    pub person_number: String,
    pub consent_given_at: String,
    pub consent_wording_version: String,
    pub consent_channel: String,
}

/// The credential form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CredentialForm {
    pub name: String,
    pub events_write: String,
    pub outcomes_read: String,
}

#[derive(Template)]
#[template(path = "account_sub_platform.html")]
struct SubPlatformPage {
    frame: Frame,
    words: &'static OnboardingText,
    tabs: Vec<TabLink>,
    id: String,
    row: SubPlatformRow,
    behaviours: Vec<BehaviourRow>,
    /// `None` for a sub-platform's own members: the operator manages credentials.
    credentials: Option<Vec<CredentialRow>>,
    issued_secret: Option<String>,
    links: Vec<LinkRow>,
    can_link: bool,
    channels: Vec<(&'static str, &'static str)>,
    link_form: LinkForm,
    errors: FieldErrors,
}

/// `GET /console/carbon-account/sub-platforms/{id}`.
pub async fn show(State(state): State<AppState>, console: Console, Path(id): Path<String>) -> Response {
    sub_platform_page(&state, &console, &id, None, LinkForm::default(), FieldErrors::default(), StatusCode::OK).await
}

async fn sub_platform_page(
    state: &AppState,
    console: &Console,
    id: &str,
    issued_secret: Option<String>,
    link_form: LinkForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let (frame, words) = match account_frame(console, |words| words.sub_platforms_title) {
        Ok(found) => found,
        Err(page) => return page.into_response(),
    };
    let Ok(id) = id.parse::<Uuid>() else { return ErrorPage::not_found(&console.web).into_response() };
    let store = state.store();
    let actor = console.actor();
    let (sub_platform, links) =
        match tokio::try_join!(store.sub_platform(actor, id), store.list_identity_links(actor, id)) {
            Ok(found) => found,
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        };
    let credentials = if actor.may(Permission::ManageSubPlatforms) {
        match store.list_sub_platform_credentials(actor, id).await {
            Ok(credentials) => Some(credentials.iter().map(|credential| credential_row(words, credential)).collect()),
            Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
        }
    } else {
        None
    };
    let is_operator = tanji_tenancy::access::runs_account_scheme(actor.organisation_kind);
    let english = words.language == tanji_i18n::Language::English;
    let page = SubPlatformPage {
        tabs: tabs(console, words, Tab::SubPlatforms),
        id: id.to_string(),
        behaviours: sub_platform
            .behaviours
            .iter()
            .map(|allowed| BehaviourRow {
                behaviour: allowed.behaviour.as_str().to_owned(),
                methodology_number: allowed.methodology_number,
                // Versions are listed on the methodologies page; a sub-platform does not see the registry.
                methodology_href: is_operator.then(|| format!("{METHODOLOGIES_PATH}#methodologies")),
            })
            .collect(),
        row: sub_platform_row(english, &sub_platform),
        credentials,
        issued_secret,
        links: links.iter().map(|link| link_row(words, link)).collect(),
        can_link: actor.may(Permission::ManageAccountLinks),
        channels: ConsentChannel::ALL.iter().map(|each| (each.as_str(), channel(words, *each))).collect(),
        link_form,
        errors,
        frame,
        words,
    };
    render(status, &page)
}

/// `POST /console/carbon-account/sub-platforms/{id}/credentials`: issues a credential and shows its secret once,
/// on this answer only (no redirect, so it is in no URL or history entry).
pub async fn issue_credential(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Form(form): Form<CredentialForm>,
) -> Response {
    if !console.actor().may(Permission::ManageSubPlatforms) {
        return ErrorPage::forbidden(&console.web).into_response();
    }
    let Ok(sub_platform_id) = id.parse::<Uuid>() else { return ErrorPage::not_found(&console.web).into_response() };
    let t = console.text();
    let words = OnboardingText::of(t.language);
    let mut scopes = Vec::new();
    if form.events_write == "on" {
        scopes.push(CredentialScope::EventsWrite);
    }
    if form.outcomes_read == "on" {
        scopes.push(CredentialScope::OutcomesRead);
    }
    match state.store().issue_sub_platform_credential(console.actor(), sub_platform_id, &form.name, &scopes).await {
        Ok((_, secret)) => {
            sub_platform_page(
                &state,
                &console,
                &id,
                Some(secret),
                LinkForm::default(),
                FieldErrors::default(),
                StatusCode::OK,
            )
            .await
        }
        Err(StoreError::Invalid(error)) => {
            let errors = FieldErrors::one(t, words, &error);
            sub_platform_page(
                &state,
                &console,
                &id,
                None,
                LinkForm::default(),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// `POST …/credentials/{credential_id}/revoke`.
pub async fn revoke_credential(
    State(state): State<AppState>,
    console: Console,
    Path((id, credential_id)): Path<(String, String)>,
) -> Response {
    if !console.actor().may(Permission::ManageSubPlatforms) {
        return ErrorPage::forbidden(&console.web).into_response();
    }
    let (Ok(sub_platform_id), Ok(credential_id)) = (id.parse::<Uuid>(), credential_id.parse::<Uuid>()) else {
        return ErrorPage::not_found(&console.web).into_response();
    };
    match state.store().revoke_sub_platform_credential(console.actor(), sub_platform_id, credential_id).await {
        Ok(_) => see_other(&format!("{SUB_PLATFORMS_PATH}/{id}?notice=credential_revoked#credentials")),
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// `POST /console/carbon-account/sub-platforms/{id}/links`: links an identity with the consent as given.
pub async fn link(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    Form(form): Form<LinkForm>,
) -> Response {
    if !console.actor().may(Permission::ManageAccountLinks) {
        return ErrorPage::forbidden(&console.web).into_response();
    }
    let Ok(sub_platform_id) = id.parse::<Uuid>() else { return ErrorPage::not_found(&console.web).into_response() };
    let t = console.text();
    let words = OnboardingText::of(t.language);
    let parsed = form
        .person_number
        .trim()
        .parse::<u64>()
        .map_err(|_| FieldError::new("person_number", Problem::Malformed { expected: "a parent account number" }))
        .and_then(|person_number| {
            // A datetime-local field: the person's consent time in China Standard Time.
            let given_at = jiff::civil::DateTime::strptime("%Y-%m-%dT%H:%M", form.consent_given_at.trim())
                .ok()
                .and_then(|local| local.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(8))).ok())
                .map(|zoned| zoned.timestamp())
                .ok_or_else(|| {
                    FieldError::new(
                        "consent_given_at",
                        Problem::Malformed { expected: "a date and time such as 2026-03-02T09:30" },
                    )
                })?;
            NewLink::parse(
                sub_platform_id,
                &form.external_identity,
                person_number,
                given_at,
                &form.consent_wording_version,
                &form.consent_channel,
            )
        });
    let new = match parsed {
        Ok(new) => new,
        Err(error) => {
            let errors = FieldErrors::one(t, words, &error);
            return sub_platform_page(&state, &console, &id, None, form, errors, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
    };
    match state.store().link_identity(console.actor(), &new).await {
        Ok(_) => see_other(&format!("{SUB_PLATFORMS_PATH}/{id}?notice=linked#links")),
        Err(StoreError::Invalid(error)) => {
            let errors = FieldErrors::one(t, words, &error);
            sub_platform_page(&state, &console, &id, None, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(StoreError::Conflict(Conflict::IdentityLinked)) => {
            let errors = FieldErrors::message("external_identity", words.conflict_identity_linked.to_owned());
            sub_platform_page(&state, &console, &id, None, form, errors, StatusCode::CONFLICT).await
        }
        // An account number that is not the operator's reads as missing; say so beside the field.
        Err(StoreError::NotFound) if id.parse::<Uuid>().is_ok() => {
            let errors = FieldErrors::one(
                t,
                words,
                &FieldError::new("person_number", Problem::Malformed { expected: "a parent account number" }),
            );
            sub_platform_page(&state, &console, &id, None, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// `POST …/links/{link_id}/unlink`.
pub async fn unlink(
    State(state): State<AppState>,
    console: Console,
    Path((id, link_id)): Path<(String, String)>,
) -> Response {
    if !console.actor().may(Permission::ManageAccountLinks) {
        return ErrorPage::forbidden(&console.web).into_response();
    }
    let (Ok(sub_platform_id), Ok(link_id)) = (id.parse::<Uuid>(), link_id.parse::<Uuid>()) else {
        return ErrorPage::not_found(&console.web).into_response();
    };
    match state.store().unlink_identity(console.actor(), sub_platform_id, link_id).await {
        Ok(_) => see_other(&format!("{SUB_PLATFORMS_PATH}/{id}?notice=unlinked#links")),
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// A parent account as its table shows it.
pub struct AccountRow {
    pub person_number: u64,
    pub display_name: String,
    pub province: String,
    pub opened_at: String,
    pub n_links: i64,
}

/// The open-account form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AccountForm {
    pub display_name: String,
    pub province: String,
}

#[derive(Template)]
#[template(path = "account_accounts.html")]
struct AccountsPage {
    frame: Frame,
    words: &'static OnboardingText,
    tabs: Vec<TabLink>,
    rows: Vec<AccountRow>,
    provinces: Vec<(&'static str, String)>,
    form: AccountForm,
    errors: FieldErrors,
}

/// `GET /console/carbon-account/accounts`.
pub async fn accounts(State(state): State<AppState>, console: Console) -> Response {
    accounts_page(&state, &console, AccountForm::default(), FieldErrors::default(), StatusCode::OK).await
}

async fn accounts_page(
    state: &AppState,
    console: &Console,
    form: AccountForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let (frame, words) = match account_frame(console, |words| words.accounts_title) {
        Ok(found) => found,
        Err(page) => return page.into_response(),
    };
    if !console.actor().may(Permission::ManageAccountLinks) {
        return ErrorPage::forbidden(&console.web).into_response();
    }
    let t = console.text();
    let accounts = match state.store().list_parent_accounts(console.actor()).await {
        Ok(found) => found,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let page = AccountsPage {
        tabs: tabs(console, words, Tab::Accounts),
        rows: accounts
            .iter()
            .map(|account| AccountRow {
                person_number: account.person_number,
                display_name: account.display_name.clone(),
                province: account.province.as_deref().map(|code| t.subdivision(code)).unwrap_or_default(),
                opened_at: time(account.opened_at),
                n_links: account.n_links_in_force,
            })
            .collect(),
        provinces: tanji_tenancy::region::CHINA_PROVINCES
            .iter()
            .map(|province| (province.iso_code, t.subdivision(province.iso_code)))
            .collect(),
        form,
        errors,
        frame,
        words,
    };
    render(status, &page)
}

/// `POST /console/carbon-account/accounts`: opens a parent account.
pub async fn open_account(State(state): State<AppState>, console: Console, Form(form): Form<AccountForm>) -> Response {
    if !console.actor().may(Permission::ManageAccountLinks) {
        return ErrorPage::forbidden(&console.web).into_response();
    }
    let t = console.text();
    let words = OnboardingText::of(t.language);
    let province = Some(form.province.as_str()).filter(|province| !province.trim().is_empty());
    match state.store().open_parent_account(console.actor(), &form.display_name, province).await {
        Ok(_) => see_other(&format!("{ACCOUNTS_PATH}?notice=account_opened")),
        Err(StoreError::Invalid(error)) => {
            let errors = FieldErrors::one(t, words, &error);
            accounts_page(&state, &console, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}
