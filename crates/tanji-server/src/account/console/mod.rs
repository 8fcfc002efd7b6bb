//! The platform operator's carbon-account pages (碳账户): methodologies with their review state and the sign-off
//! forms, sub-platforms with their registration form, one sub-platform's behaviours, credentials and links, and
//! persons' parent accounts. Their own module tree, templates `account_*.html`, words in
//! `tanji_i18n::account::onboarding`; `console::routes` only mounts them.
//!
//! Every page needs `ViewAccountScheme` (a platform operator's or a sub-platform's member; others get 403); every
//! change its own permission, checked again by the store, which also confines every read to the actor's
//! organisation, so another tenant's methodology or sub-platform is a 404 like a missing one. Forms carry the CSRF
//! token (the web-context layer checks it) and every change is audited by the store.

mod campaigns;
mod methodologies;
mod sub_platforms;

use axum::Router;
use axum::routing::{get, post};
use tanji_i18n::account::onboarding::OnboardingText;
use tanji_tenancy::{FieldError, Permission};

use crate::console::error_page::ErrorPage;
use crate::console::frame::{Frame, Section};
use crate::i18n::Text;
use crate::state::AppState;
use crate::web_context::Console;

/// The methodologies page, where the audit log's methodology entries lead.
pub const METHODOLOGIES_PATH: &str = "/console/carbon-account/methodologies";
/// The sub-platforms page, where the audit log's sub-platform, account and link entries lead.
pub const SUB_PLATFORMS_PATH: &str = "/console/carbon-account/sub-platforms";
/// The parent accounts page.
pub const ACCOUNTS_PATH: &str = "/console/carbon-account/accounts";

/// The carbon-account pages' routes (under the web-context layer, like every console page).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/carbon-account", get(methodologies::landing))
        .route(METHODOLOGIES_PATH, get(methodologies::list).post(methodologies::draft))
        .route("/console/carbon-account/methodologies/{number}/{version}", get(methodologies::show))
        .route("/console/carbon-account/methodologies/{number}/{version}/step", post(methodologies::step))
        .route(SUB_PLATFORMS_PATH, get(sub_platforms::list).post(sub_platforms::register))
        .route("/console/carbon-account/sub-platforms/{id}", get(sub_platforms::show))
        .route("/console/carbon-account/sub-platforms/{id}/credentials", post(sub_platforms::issue_credential))
        .route(
            "/console/carbon-account/sub-platforms/{id}/credentials/{credential_id}/revoke",
            post(sub_platforms::revoke_credential),
        )
        .route("/console/carbon-account/sub-platforms/{id}/links", post(sub_platforms::link))
        .route("/console/carbon-account/sub-platforms/{id}/links/{link_id}/unlink", post(sub_platforms::unlink))
        .route(ACCOUNTS_PATH, get(sub_platforms::accounts).post(sub_platforms::open_account))
        .route(campaigns::CAMPAIGNS_PATH, get(campaigns::list).post(campaigns::create))
        .route("/console/carbon-account/campaigns/passes", post(campaigns::passes))
        .route("/console/carbon-account/campaigns/{id}", get(campaigns::show))
}

/// Which carbon-account page is showing, for the tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Methodologies,
    SubPlatforms,
    Accounts,
    Campaigns,
}

/// A tab of the carbon-account pages.
#[derive(Debug)]
pub struct TabLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The tabs the actor may use: a sub-platform's members see only their registration.
fn tabs(console: &Console, words: &'static OnboardingText, current: Tab) -> Vec<TabLink> {
    let actor = console.actor();
    let mut links = Vec::new();
    if tanji_tenancy::access::runs_account_scheme(actor.organisation_kind) {
        links.push(TabLink {
            href: METHODOLOGIES_PATH,
            label: words.tab_methodologies,
            current: current == Tab::Methodologies,
        });
    }
    links.push(TabLink {
        href: SUB_PLATFORMS_PATH,
        label: words.tab_sub_platforms,
        current: current == Tab::SubPlatforms,
    });
    if actor.may(Permission::ManageAccountLinks) {
        links.push(TabLink { href: ACCOUNTS_PATH, label: words.tab_accounts, current: current == Tab::Accounts });
    }
    if tanji_tenancy::access::runs_account_scheme(actor.organisation_kind) {
        let campaign_words = tanji_i18n::account::campaigns::CampaignText::of(words.language);
        links.push(campaigns::tab(campaign_words, current == Tab::Campaigns));
    }
    links
}

/// The frame and words of a carbon-account page, or the 403 page for a member without `ViewAccountScheme`. A
/// one-off `notice` in the query is one of these pages' own names, never text from the URL.
fn account_frame(
    console: &Console,
    title: impl Fn(&'static OnboardingText) -> &'static str,
) -> Result<(Frame, &'static OnboardingText), Box<ErrorPage>> {
    if !console.actor().may(Permission::ViewAccountScheme) {
        return Err(Box::new(ErrorPage::forbidden(&console.web)));
    }
    let words = OnboardingText::of(console.text().language);
    let mut frame = Frame::console(console, Section::CarbonAccount, title(words));
    if let Some(query) = console.web.path.split_once('?').map(|(_, query)| query) {
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            if name == "notice" {
                frame.notice = match value.as_ref() {
                    "drafted" => Some(words.notice_drafted),
                    "step_taken" => Some(words.notice_step_taken),
                    "registered" => Some(words.notice_registered),
                    "credential_revoked" => Some(words.notice_credential_revoked),
                    "linked" => Some(words.notice_linked),
                    "unlinked" => Some(words.notice_unlinked),
                    "account_opened" => Some(words.notice_account_opened),
                    _ => frame.notice,
                };
            }
        }
    }
    Ok((frame, words))
}

/// Field errors beside their fields, in the reader's language.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    /// The message for `field`, if it is at fault.
    pub fn of(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(name, _)| *name == field).map(|(_, message)| message.as_str())
    }

    /// Whether any field is at fault.
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }

    fn one(t: &'static Text, words: &'static OnboardingText, error: &FieldError) -> Self {
        FieldErrors(vec![(error.field, field_message(t, words, error))])
    }

    fn message(field: &'static str, message: String) -> Self {
        FieldErrors(vec![(field, message)])
    }
}

/// "Label: problem", with the carbon-account fields' own labels and what the field takes.
fn field_message(t: &'static Text, words: &'static OnboardingText, error: &FieldError) -> String {
    let label = match error.field {
        "behaviour" => words.behaviour,
        "title_zh" => words.title_zh,
        "title_en" => words.title_en,
        "formula" => words.formula,
        "citation_title" => words.citation_title,
        "citation_publisher" => words.citation_publisher,
        "citation_version" => words.citation_version,
        "citation_year" => words.citation_year,
        "citation_region" => words.citation_region,
        "citation_url" => words.citation_url,
        "max_quantity_per_event" => words.max_quantity,
        "reduction_per_unit" => words.reduction_per_unit,
        "grid_factor" => words.grid_factor,
        "substitution_rate" => words.substitution_rate,
        "categories" => words.categories,
        "code" => words.code,
        "name_zh" => words.name_zh,
        "name_en" => words.name_en,
        "organisation_id" => words.organisation,
        "behaviours" => words.behaviours_field,
        "name" => words.credential_name,
        "scopes" => words.credential_scopes,
        "external_identity" => words.external_identity,
        "person_number" => words.person_number,
        "consent_given_at" => words.consent_at,
        "consent_wording_version" => words.consent_wording,
        "consent_channel" => words.consent_channel,
        "display_name" => words.display_name,
        "province" => words.province,
        other => t.field_label(other),
    };
    let separator = if t.language == tanji_i18n::Language::SimplifiedChinese { "：" } else { ": " };
    format!("{label}{separator}{}", t.problem(&error.problem))
}
