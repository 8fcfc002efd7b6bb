//! The methodologies page (every version with its review state, and the draft form) and one version's page (its
//! formula, citation and review record, and the review steps the actor may take).

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tanji_account::methodology::{
    ActivityUnit, Citation, Decision, Formula, Fraction, MethodologyVersion, ReviewStage, ReviewStatus,
};
use tanji_i18n::Localize;
use tanji_i18n::account::onboarding::OnboardingText;
use tanji_store::StoreError;
use tanji_store::account_methodologies::{
    MethodologyError, NewMethodology, ReviewStep, SourceCheck, StoredMethodology,
};
use tanji_tenancy::validation::Problem;
use tanji_tenancy::{FieldError, Permission};

use super::{FieldErrors, METHODOLOGIES_PATH, SUB_PLATFORMS_PATH, Tab, TabLink, account_frame, field_message, tabs};
use crate::console::error_page::ErrorPage;
use crate::console::frame::{Frame, render};
use crate::redirect::see_other;
use crate::state::AppState;
use crate::web_context::Console;

/// `GET /console/carbon-account`: an operator's methodologies, a sub-platform's own registration.
pub async fn landing(console: Console) -> Response {
    if !console.actor().may(Permission::ViewAccountScheme) {
        return ErrorPage::forbidden(&console.web).into_response();
    }
    if tanji_tenancy::access::runs_account_scheme(console.actor().organisation_kind) {
        see_other(METHODOLOGIES_PATH)
    } else {
        see_other(SUB_PLATFORMS_PATH)
    }
}

/// A version as a row of the list.
pub struct VersionRow {
    pub href: String,
    pub number: u32,
    pub version: u32,
    pub behaviour: String,
    pub title: String,
    pub formula: String,
    pub stage: ReviewStage,
    pub status: String,
    pub status_detail: String,
    pub unverified: bool,
}

fn status_detail(words: &'static OnboardingText, version: &MethodologyVersion) -> String {
    match version.status {
        ReviewStatus::Draft => String::new(),
        ReviewStatus::ExpertReview => format!("{} {}", words.approvals_this_round, version.approvals_this_round()),
        ReviewStatus::PublicNotice { from, until } => format!("{} {from} – {until}", words.notice_window),
        ReviewStatus::Approved { effective_from } => format!("{} {effective_from}", words.effective_from),
        ReviewStatus::Retired { retired_on, .. } => format!("{} {retired_on}", words.retired_on),
    }
}

fn row(words: &'static OnboardingText, english: bool, stored: &StoredMethodology) -> VersionRow {
    let language = words.language;
    VersionRow {
        href: format!("{METHODOLOGIES_PATH}/{}/{}", stored.number(), stored.version_number()),
        number: stored.number(),
        version: stored.version_number(),
        behaviour: stored.version.behaviour.clone(),
        title: stored.title(english).to_owned(),
        formula: words.formula_with_parameters(&stored.version.formula),
        stage: stored.version.status.stage(),
        status: stored.version.status.stage().localize(language),
        status_detail: status_detail(words, &stored.version),
        unverified: stored.source_check == SourceCheck::Unverified,
    }
}

/// The draft form's fields, kept when it is sent back with errors.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DraftForm {
    /// Set to draft a new version of an existing methodology.
    pub number: String,
    pub behaviour: String,
    pub title_zh: String,
    pub title_en: String,
    pub formula_kind: String,
    pub unit: String,
    pub reduction_per_unit: String,
    pub substitution_rate: String,
    pub categories: String,
    pub grid_factor: String,
    pub citation_title: String,
    pub citation_publisher: String,
    pub citation_version: String,
    pub citation_year: String,
    pub citation_region: String,
    pub citation_url: String,
    pub source_checked: String,
    pub max_quantity_per_event: String,
}

impl DraftForm {
    fn new_version_of(stored: &StoredMethodology) -> Self {
        let version = &stored.version;
        let mut form = DraftForm {
            number: stored.number().to_string(),
            behaviour: version.behaviour.clone(),
            title_zh: stored.title_zh.clone(),
            title_en: stored.title_en.clone(),
            citation_title: version.citation.title.clone(),
            citation_publisher: version.citation.publisher.clone(),
            citation_version: version.citation.version.clone().unwrap_or_default(),
            citation_year: version.citation.year.map(|year| year.to_string()).unwrap_or_default(),
            citation_region: version.citation.region.clone().unwrap_or_default(),
            citation_url: version.citation.url.clone().unwrap_or_default(),
            max_quantity_per_event: version.max_quantity_per_event.to_string(),
            ..DraftForm::default()
        };
        match &version.formula {
            Formula::PerUnit { unit, reduction_per_unit_g_co2e } => {
                form.formula_kind = "per_unit".into();
                form.unit = unit_code(*unit).into();
                form.reduction_per_unit = reduction_per_unit_g_co2e.to_string();
            }
            Formula::SecondHand { substitution_rate, production_emissions_g_co2e_by_category } => {
                form.formula_kind = "second_hand".into();
                form.substitution_rate = substitution_rate.get().to_string();
                form.categories = production_emissions_g_co2e_by_category
                    .iter()
                    .map(|(category, grams)| format!("{category}={grams}"))
                    .collect::<Vec<_>>()
                    .join("\n");
            }
            Formula::ElectricityBelowBaseline { grid_factor_g_co2_per_kwh } => {
                form.formula_kind = "electricity_below_baseline".into();
                form.grid_factor = grid_factor_g_co2_per_kwh.to_string();
            }
            Formula::LabelledProduct => form.formula_kind = "labelled_product".into(),
        }
        form
    }

    fn number(&self) -> Result<Option<u32>, FieldError> {
        match self.number.trim() {
            "" => Ok(None),
            text => text
                .parse()
                .map(Some)
                .map_err(|_| FieldError::new("number", Problem::Malformed { expected: "a methodology number" })),
        }
    }

    /// The form as the store's input; the first problem found.
    fn parse(&self) -> Result<NewMethodology, FieldError> {
        let number = |field: &'static str, text: &str| {
            text.trim().parse::<f64>().map_err(|_| FieldError::new(field, Problem::Malformed { expected: "a number" }))
        };
        let formula = match self.formula_kind.as_str() {
            "per_unit" => Formula::PerUnit {
                unit: tanji_tenancy::validation::one_of(
                    "unit",
                    &self.unit,
                    &[
                        ("order", ActivityUnit::Order),
                        ("reuse", ActivityUnit::Reuse),
                        ("person_km", ActivityUnit::PersonKm),
                    ],
                )?,
                reduction_per_unit_g_co2e: number("reduction_per_unit", &self.reduction_per_unit)?,
            },
            "second_hand" => {
                let rate = number("substitution_rate", &self.substitution_rate)?;
                let substitution_rate = Fraction::parse(rate)
                    .map_err(|_| FieldError::new("substitution_rate", Problem::OutOfRange { min: "0", max: "1" }))?;
                let mut categories = BTreeMap::new();
                for line in self.categories.lines().map(str::trim).filter(|line| !line.is_empty()) {
                    let Some((category, grams)) = line.split_once('=') else {
                        return Err(FieldError::new(
                            "categories",
                            Problem::Malformed { expected: "one category a line, as category=g CO2e" },
                        ));
                    };
                    let category = tanji_tenancy::validation::single_line_text("categories", category, 60)?;
                    categories.insert(category, number("categories", grams)?);
                }
                Formula::SecondHand { substitution_rate, production_emissions_g_co2e_by_category: categories }
            }
            "electricity_below_baseline" => Formula::ElectricityBelowBaseline {
                grid_factor_g_co2_per_kwh: number("grid_factor", &self.grid_factor)?,
            },
            "labelled_product" => Formula::LabelledProduct,
            _ => {
                return Err(FieldError::new(
                    "formula",
                    Problem::NotOneOf {
                        choices: vec!["per_unit", "second_hand", "electricity_below_baseline", "labelled_product"],
                    },
                ));
            }
        };
        let year = match self.citation_year.trim() {
            "" => None,
            text => Some(
                text.parse::<i16>()
                    .map_err(|_| FieldError::new("citation_year", Problem::OutOfRange { min: "1990", max: "2100" }))?,
            ),
        };
        let optional = |text: &str| Some(text.trim().to_owned()).filter(|text| !text.is_empty());
        let citation = Citation {
            title: self.citation_title.clone(),
            publisher: self.citation_publisher.clone(),
            version: optional(&self.citation_version),
            year,
            region: optional(&self.citation_region),
            licence: None,
            url: optional(&self.citation_url),
        };
        let source_check = if self.source_checked == "on" { SourceCheck::Checked } else { SourceCheck::Unverified };
        NewMethodology::parse(
            &self.behaviour,
            &self.title_zh,
            &self.title_en,
            formula,
            citation,
            source_check,
            number("max_quantity_per_event", &self.max_quantity_per_event)?,
        )
    }
}

fn unit_code(unit: ActivityUnit) -> &'static str {
    match unit {
        ActivityUnit::Order => "order",
        ActivityUnit::Reuse => "reuse",
        ActivityUnit::PersonKm => "person_km",
    }
}

#[derive(Template)]
#[template(path = "account_methodologies.html")]
struct ListPage {
    frame: Frame,
    words: &'static OnboardingText,
    tabs: Vec<TabLink>,
    rows: Vec<VersionRow>,
    can_draft: bool,
    form: DraftForm,
    errors: FieldErrors,
}

/// `GET /console/carbon-account/methodologies`.
pub async fn list(State(state): State<AppState>, console: Console) -> Response {
    list_page(
        &state,
        &console,
        DraftForm { formula_kind: "per_unit".into(), ..DraftForm::default() },
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn list_page(
    state: &AppState,
    console: &Console,
    form: DraftForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let (frame, words) = match account_frame(console, |words| words.methodologies_title) {
        Ok(found) => found,
        Err(page) => return page.into_response(),
    };
    let methodologies = match state.store().list_methodologies(console.actor()).await {
        Ok(found) => found,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let english = words.language == tanji_i18n::Language::English;
    let page = ListPage {
        frame,
        words,
        tabs: tabs(console, words, Tab::Methodologies),
        rows: methodologies.iter().map(|stored| row(words, english, stored)).collect(),
        can_draft: console.actor().may(Permission::EditMethodologies),
        form,
        errors,
    };
    render(status, &page)
}

/// `POST /console/carbon-account/methodologies`: saves a draft (a new methodology, or a new version of one).
pub async fn draft(State(state): State<AppState>, console: Console, Form(form): Form<DraftForm>) -> Response {
    if !console.actor().may(Permission::EditMethodologies) {
        return ErrorPage::forbidden(&console.web).into_response();
    }
    let t = console.text();
    let words = OnboardingText::of(t.language);
    let parsed = form.number().and_then(|number| form.parse().map(|new| (number, new)));
    let (number, new) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            let errors = FieldErrors::one(t, words, &error);
            return list_page(&state, &console, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let store = state.store();
    let saved = match number {
        Some(number) => store.create_methodology_version(console.actor(), number, &new).await,
        None => store.create_methodology(console.actor(), &new).await,
    };
    match saved {
        Ok(stored) => {
            see_other(&format!("{METHODOLOGIES_PATH}/{}/{}?notice=drafted", stored.number(), stored.version_number()))
        }
        Err(MethodologyError::Store(StoreError::Invalid(error))) => {
            let errors = FieldErrors::one(t, words, &error);
            list_page(&state, &console, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(MethodologyError::Registry(error)) => {
            let errors =
                FieldErrors::message("behaviour", format!("{}{}", words.version_refused, error.localize(t.language)));
            list_page(&state, &console, form, errors, StatusCode::CONFLICT).await
        }
        Err(MethodologyError::Review(error)) => {
            let errors = FieldErrors::message("behaviour", error.localize(t.language));
            list_page(&state, &console, form, errors, StatusCode::CONFLICT).await
        }
        Err(MethodologyError::Store(error)) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}

/// A recorded step as the review record shows it.
pub struct StepRow {
    pub action: &'static str,
    pub decision: Option<&'static str>,
    pub round: u32,
    pub by: String,
    pub on: String,
    pub recorded_at: String,
}

/// A review step the actor may take now: its form value and its button.
pub struct StepButton {
    pub value: &'static str,
    pub label: &'static str,
    pub primary: bool,
}

#[derive(Template)]
#[template(path = "account_methodology.html")]
struct VersionPage {
    frame: Frame,
    words: &'static OnboardingText,
    tabs: Vec<TabLink>,
    row: VersionRow,
    title_other: String,
    citation: Citation,
    author: String,
    max_quantity: String,
    steps: Vec<StepRow>,
    buttons: Vec<StepButton>,
    refusal: Option<String>,
    can_draft: bool,
    form: DraftForm,
    errors: FieldErrors,
    policy: &'static str,
}

/// The steps the actor's permissions allow in the version's state; the domain still decides when one is sent.
fn buttons(words: &'static OnboardingText, console: &Console, stored: &StoredMethodology) -> Vec<StepButton> {
    let actor = console.actor();
    let edit = actor.may(Permission::EditMethodologies);
    let review = actor.may(Permission::ReviewMethodologies);
    let is_author = stored.version.author == actor.user_id.to_string();
    let mut buttons = Vec::new();
    match stored.version.status.stage() {
        ReviewStage::Draft if edit => {
            buttons.push(StepButton { value: "submit", label: words.do_submit, primary: true })
        }
        ReviewStage::ExpertReview => {
            if review && !is_author {
                buttons.push(StepButton { value: "sign_approve", label: words.do_sign_approve, primary: true });
                buttons.push(StepButton {
                    value: "sign_request_changes",
                    label: words.do_sign_request_changes,
                    primary: false,
                });
            }
            if edit {
                buttons.push(StepButton { value: "start_notice", label: words.do_start_notice, primary: false });
            }
        }
        ReviewStage::PublicNotice if edit => {
            buttons.push(StepButton { value: "approve", label: words.do_approve, primary: true })
        }
        ReviewStage::Approved if edit => {
            buttons.push(StepButton { value: "retire", label: words.do_retire, primary: false })
        }
        _ => {}
    }
    buttons
}

fn version_path(number: &str, version: &str) -> Option<(u32, u32)> {
    Some((number.parse().ok()?, version.parse().ok()?))
}

/// `GET /console/carbon-account/methodologies/{number}/{version}`.
pub async fn show(
    State(state): State<AppState>,
    console: Console,
    Path((number, version)): Path<(String, String)>,
) -> Response {
    version_page(&state, &console, &number, &version, None, StatusCode::OK).await
}

async fn version_page(
    state: &AppState,
    console: &Console,
    number: &str,
    version: &str,
    refusal: Option<String>,
    status: StatusCode,
) -> Response {
    let (frame, words) = match account_frame(console, |words| words.version_title) {
        Ok(found) => found,
        Err(page) => return page.into_response(),
    };
    let Some((number, version)) = version_path(number, version) else {
        return ErrorPage::not_found(&console.web).into_response();
    };
    let stored = match state.store().methodology(console.actor(), number, version).await {
        Ok(found) => found,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let english = words.language == tanji_i18n::Language::English;
    let steps = stored
        .steps
        .iter()
        .map(|step| StepRow {
            action: words.step(&step.action),
            decision: step.decision.map(|decision| words.decision(decision)),
            round: step.round,
            by: step.by_label.clone(),
            on: step.on.to_string(),
            recorded_at: step.recorded_at.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        })
        .collect();
    let page = VersionPage {
        buttons: buttons(words, console, &stored),
        tabs: tabs(console, words, Tab::Methodologies),
        row: row(words, english, &stored),
        title_other: stored.title(!english).to_owned(),
        citation: stored.version.citation.clone(),
        author: stored.author_name.clone(),
        max_quantity: stored.version.max_quantity_per_event.to_string(),
        steps,
        refusal,
        can_draft: console.actor().may(Permission::EditMethodologies),
        form: DraftForm::new_version_of(&stored),
        errors: FieldErrors::default(),
        policy: words.policy,
        frame,
        words,
    };
    render(status, &page)
}

/// The step form.
#[derive(Debug, Deserialize)]
pub struct StepForm {
    pub step: String,
}

/// `POST /console/carbon-account/methodologies/{number}/{version}/step`: takes one review step; a refusal is shown
/// on the version's page in the reader's language.
pub async fn step(
    State(state): State<AppState>,
    console: Console,
    Path((number, version)): Path<(String, String)>,
    Form(form): Form<StepForm>,
) -> Response {
    let step = match form.step.as_str() {
        "submit" => ReviewStep::SubmitForReview,
        "sign_approve" => ReviewStep::SignOff(Decision::Approve),
        "sign_request_changes" => ReviewStep::SignOff(Decision::RequestChanges),
        "start_notice" => ReviewStep::StartPublicNotice,
        "approve" => ReviewStep::Approve,
        "retire" => ReviewStep::Retire,
        _ => return ErrorPage::not_found(&console.web).into_response(),
    };
    if !console.actor().may(step.permission()) {
        return ErrorPage::forbidden(&console.web).into_response();
    }
    let Some((parsed_number, parsed_version)) = version_path(&number, &version) else {
        return ErrorPage::not_found(&console.web).into_response();
    };
    let t = console.text();
    let words = OnboardingText::of(t.language);
    match state.store().review_methodology(console.actor(), parsed_number, parsed_version, step).await {
        Ok(_) => see_other(&format!("{METHODOLOGIES_PATH}/{number}/{version}?notice=step_taken")),
        Err(MethodologyError::Review(error)) => {
            let refusal = format!("{}{}", words.review_refused, error.localize(t.language));
            version_page(&state, &console, &number, &version, Some(refusal), StatusCode::CONFLICT).await
        }
        Err(MethodologyError::Registry(error)) => {
            let refusal = format!("{}{}", words.review_refused, error.localize(t.language));
            version_page(&state, &console, &number, &version, Some(refusal), StatusCode::CONFLICT).await
        }
        Err(MethodologyError::Store(StoreError::Invalid(error))) => {
            let refusal = field_message(t, words, &error);
            version_page(&state, &console, &number, &version, Some(refusal), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(MethodologyError::Store(error)) => ErrorPage::from_store(&console.web, error).into_response(),
    }
}
