//! `/api/v1/account`: a carbon-account scheme's onboarding, for the platform operator — the methodology registry
//! and its review, sub-platforms with their behaviours and API credentials, parent accounts, and identity links
//! with the person's consent. A sub-platform organisation's token reads its own registrations and their links.
//!
//! Review steps are the domain's (`tanji_account::methodology`); a refused step answers 409 with the refusal's
//! stable code (`reviewer_is_author`, `notice_not_over`, …) and its sentence in the request's `Accept-Language`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tanji_account::methodology::{Citation, Decision, Formula, RegistryError, ReviewError, ReviewStatus};
use tanji_i18n::{Language, Localize};
use tanji_store::account_links::{IdentityLink, NewLink, ParentAccount};
use tanji_store::account_methodologies::{
    Behaviour, MethodologyError, NewMethodology, ReviewStep, SourceCheck, StoredMethodology,
};
use tanji_store::account_sub_platforms::{
    AllowedBehaviour, CredentialScope, NewSubPlatform, SubPlatform, SubPlatformCredential,
};
use tanji_tenancy::OrganisationId;
use utoipa::ToSchema;
use uuid::Uuid;

use super::auth::ApiActor;
use super::extract::{ApiJson, IdPath};
use super::inventory::ApiLanguage;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// A methodology's source.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CitationBody {
    #[schema(example = "深圳市公共交通碳普惠方法学")]
    pub title: String,
    pub publisher: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub year: Option<i16>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub licence: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

impl From<CitationBody> for Citation {
    fn from(body: CitationBody) -> Self {
        Citation {
            title: body.title,
            publisher: body.publisher,
            version: body.version,
            year: body.year,
            region: body.region,
            licence: body.licence,
            url: body.url,
        }
    }
}

impl From<&Citation> for CitationBody {
    fn from(citation: &Citation) -> Self {
        CitationBody {
            title: citation.title.clone(),
            publisher: citation.publisher.clone(),
            version: citation.version.clone(),
            year: citation.year,
            region: citation.region.clone(),
            licence: citation.licence.clone(),
            url: citation.url.clone(),
        }
    }
}

/// A methodology version to draft.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MethodologyBody {
    /// What sub-platforms name the behaviour in events.
    #[schema(example = "metro_trip")]
    pub behaviour: String,
    pub title_zh: String,
    pub title_en: String,
    /// `{"kind": "per_unit", "unit": "order" | "reuse" | "person_km", "reduction_per_unit_g_co2e": 46.7}`,
    /// `{"kind": "second_hand", "substitution_rate": 0.5, "production_emissions_g_co2e_by_category": {"phone": …}}`,
    /// `{"kind": "electricity_below_baseline", "grid_factor_g_co2_per_kwh": …}` or `{"kind": "labelled_product"}`.
    #[schema(value_type = Object)]
    pub formula: serde_json::Value,
    pub citation: CitationBody,
    /// `checked` when the figures were checked against the cited source, else `unverified`.
    #[schema(example = "checked")]
    pub source_check: String,
    /// The largest plausible quantity in one event; above it the event is held for review.
    pub max_quantity_per_event: f64,
}

/// A recorded review step.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewStepView {
    /// `draft`, `submit_for_review`, `sign_off`, `start_public_notice`, `approve` or `retire`.
    pub action: String,
    /// For sign-offs: `approve` or `request_changes`.
    pub decision: Option<String>,
    pub round: u32,
    pub by_user_id: Option<Uuid>,
    pub by: String,
    /// The operator's calendar day the step counts for.
    pub on: Date,
    pub recorded_at: Timestamp,
}

/// A methodology version with its review record.
#[derive(Debug, Serialize, ToSchema)]
pub struct MethodologyView {
    pub number: u32,
    pub version: u32,
    pub behaviour: String,
    pub title_zh: String,
    pub title_en: String,
    /// `checked` or `unverified`.
    pub source_check: String,
    #[schema(value_type = Object)]
    pub formula: serde_json::Value,
    pub citation: CitationBody,
    /// `draft`, `expert_review`, `public_notice`, `approved` or `retired`.
    pub status: String,
    /// The status in the request's language.
    pub status_label: String,
    pub round: u32,
    pub notice_from: Option<Date>,
    pub notice_until: Option<Date>,
    pub effective_from: Option<Date>,
    pub retired_on: Option<Date>,
    pub approvals_this_round: u32,
    pub author: String,
    pub max_quantity_per_event: f64,
    pub steps: Vec<ReviewStepView>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl MethodologyView {
    fn new(stored: StoredMethodology, language: Language) -> Self {
        let version = &stored.version;
        let (notice_from, notice_until, effective_from, retired_on) = match version.status {
            ReviewStatus::PublicNotice { from, until } => (Some(from), Some(until), None, None),
            ReviewStatus::Approved { effective_from } => (None, None, Some(effective_from), None),
            ReviewStatus::Retired { effective_from, retired_on } => {
                (None, None, Some(effective_from), Some(retired_on))
            }
            _ => (None, None, None, None),
        };
        MethodologyView {
            number: stored.number(),
            version: stored.version_number(),
            behaviour: version.behaviour.clone(),
            title_zh: stored.title_zh.clone(),
            title_en: stored.title_en.clone(),
            source_check: stored.source_check.as_str().to_owned(),
            formula: serde_json::to_value(&version.formula).unwrap_or_default(),
            citation: CitationBody::from(&version.citation),
            status: version.status.code().to_owned(),
            status_label: version.status.stage().localize(language),
            round: version.round,
            notice_from,
            notice_until,
            effective_from,
            retired_on,
            approvals_this_round: version.approvals_this_round(),
            author: stored.author_name.clone(),
            max_quantity_per_event: version.max_quantity_per_event,
            steps: stored
                .steps
                .iter()
                .map(|step| ReviewStepView {
                    action: step.action.clone(),
                    decision: step
                        .decision
                        .map(|decision| tanji_store::account_methodologies::decision_code(decision).to_owned()),
                    round: step.round,
                    by_user_id: step.by_user_id.map(|id| id.as_uuid()),
                    by: step.by_label.clone(),
                    on: step.on,
                    recorded_at: step.recorded_at,
                })
                .collect(),
            created_at: stored.created_at,
            updated_at: stored.updated_at,
        }
    }
}

/// An expert's sign-off.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignOffBody {
    /// `approve` or `request_changes` (sends the version back to draft for a new round).
    #[schema(example = "approve")]
    pub decision: String,
}

fn parse_methodology(body: MethodologyBody) -> Result<NewMethodology, ApiError> {
    let formula: Formula = serde_json::from_value(body.formula).map_err(|_| {
        ApiError::validation(&tanji_tenancy::FieldError::new(
            "formula",
            tanji_tenancy::Problem::Malformed {
                expected: "a formula object with its kind and parameters, as the schema describes",
            },
        ))
    })?;
    Ok(NewMethodology::parse(
        &body.behaviour,
        &body.title_zh,
        &body.title_en,
        formula,
        body.citation.into(),
        SourceCheck::parse(&body.source_check)?,
        body.max_quantity_per_event,
    )?)
}

/// A refused methodology change as the API answers it: the domain's code and its sentence in `language`.
pub fn methodology_error(error: MethodologyError, language: Language) -> ApiError {
    match error {
        MethodologyError::Store(error) => error.into(),
        MethodologyError::Review(error) => ApiError::step_refused(review_code(&error), error.localize(language)),
        MethodologyError::Registry(error) => ApiError::step_refused(registry_code(&error), error.localize(language)),
    }
}

fn review_code(error: &ReviewError) -> &'static str {
    match error {
        ReviewError::NotAllowed { .. } => "review_step_not_allowed",
        ReviewError::ReviewerIsAuthor => "reviewer_is_author",
        ReviewError::AlreadySignedOff { .. } => "already_signed_off",
        ReviewError::NotEnoughApprovals { .. } => "not_enough_approvals",
        ReviewError::NoticeNotOver { .. } => "notice_not_over",
        ReviewError::MissingCitation => "missing_citation",
        ReviewError::InvalidParameter(_) => "invalid_parameter",
        ReviewError::RetiredBeforeEffective { .. } => "retired_before_effective",
        ReviewError::DatedBeforePreviousStep { .. } => "dated_before_previous_step",
    }
}

fn registry_code(error: &RegistryError) -> &'static str {
    match error {
        RegistryError::VersionOutOfSequence { .. } => "version_out_of_sequence",
        RegistryError::BehaviourTaken { .. } => "behaviour_taken",
        RegistryError::NotFound => "not_found",
    }
}

/// A methodology number and version from the path; anything else names nothing (404).
fn version_path(raw: (String, String)) -> Result<(u32, u32), ApiError> {
    match (raw.0.parse(), raw.1.parse()) {
        (Ok(number), Ok(version)) => Ok((number, version)),
        _ => Err(ApiError::not_found()),
    }
}

/// The operator's methodologies, every version (`read` scope).
#[utoipa::path(get, path = "/api/v1/account/methodologies", tag = "carbon account",
    responses((status = 200, body = Vec<MethodologyView>), (status = 403, body = ErrorBody)))]
pub async fn list_methodologies(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
) -> Result<Json<Vec<MethodologyView>>, ApiError> {
    let methodologies = state.store().list_methodologies(&actor).await?;
    Ok(Json(methodologies.into_iter().map(|stored| MethodologyView::new(stored, language)).collect()))
}

/// Drafts version 1 of a new methodology (`write` scope; owners and editors of a platform operator).
#[utoipa::path(post, path = "/api/v1/account/methodologies", tag = "carbon account", request_body = MethodologyBody,
    responses((status = 201, body = MethodologyView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_methodology(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    ApiJson(body): ApiJson<MethodologyBody>,
) -> Result<(StatusCode, Json<MethodologyView>), ApiError> {
    let new = parse_methodology(body)?;
    let stored =
        state.store().create_methodology(&actor, &new).await.map_err(|error| methodology_error(error, language))?;
    Ok((StatusCode::CREATED, Json(MethodologyView::new(stored, language))))
}

/// Drafts the next version of methodology `number` (`write` scope).
#[utoipa::path(post, path = "/api/v1/account/methodologies/{number}/versions", tag = "carbon account",
    params(("number" = u32, Path)), request_body = MethodologyBody,
    responses((status = 201, body = MethodologyView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_methodology_version(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<MethodologyBody>,
) -> Result<(StatusCode, Json<MethodologyView>), ApiError> {
    let number: u32 = number.parse().map_err(|_| ApiError::not_found())?;
    let new = parse_methodology(body)?;
    let stored = state
        .store()
        .create_methodology_version(&actor, number, &new)
        .await
        .map_err(|error| methodology_error(error, language))?;
    Ok((StatusCode::CREATED, Json(MethodologyView::new(stored, language))))
}

/// One version with its review record (`read` scope).
#[utoipa::path(get, path = "/api/v1/account/methodologies/{number}/versions/{version}", tag = "carbon account",
    params(("number" = u32, Path), ("version" = u32, Path)),
    responses((status = 200, body = MethodologyView), (status = 404, body = ErrorBody)))]
pub async fn get_methodology(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    Path(raw): Path<(String, String)>,
) -> Result<Json<MethodologyView>, ApiError> {
    let (number, version) = version_path(raw)?;
    Ok(Json(MethodologyView::new(state.store().methodology(&actor, number, version).await?, language)))
}

async fn step(
    state: &AppState,
    actor: &tanji_tenancy::Actor,
    language: Language,
    raw: (String, String),
    step: ReviewStep,
) -> Result<Json<MethodologyView>, ApiError> {
    let (number, version) = version_path(raw)?;
    let stored = state
        .store()
        .review_methodology(actor, number, version, step)
        .await
        .map_err(|error| methodology_error(error, language))?;
    Ok(Json(MethodologyView::new(stored, language)))
}

/// Draft → expert review (`write` scope): checks the citation and the parameters.
#[utoipa::path(post, path = "/api/v1/account/methodologies/{number}/versions/{version}/submit", tag = "carbon account",
    params(("number" = u32, Path), ("version" = u32, Path)),
    responses((status = 200, body = MethodologyView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn submit_methodology(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    Path(raw): Path<(String, String)>,
) -> Result<Json<MethodologyView>, ApiError> {
    step(&state, &actor, language, raw, ReviewStep::SubmitForReview).await
}

/// The caller's sign-off as an expert (`write` scope; owners and auditors of the operator, never the author).
#[utoipa::path(post, path = "/api/v1/account/methodologies/{number}/versions/{version}/sign-off", tag = "carbon account",
    params(("number" = u32, Path), ("version" = u32, Path)), request_body = SignOffBody,
    responses((status = 200, body = MethodologyView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn sign_off_methodology(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    Path(raw): Path<(String, String)>,
    ApiJson(body): ApiJson<SignOffBody>,
) -> Result<Json<MethodologyView>, ApiError> {
    let decision = tanji_tenancy::validation::one_of(
        "decision",
        &body.decision,
        &[("approve", Decision::Approve), ("request_changes", Decision::RequestChanges)],
    )?;
    step(&state, &actor, language, raw, ReviewStep::SignOff(decision)).await
}

/// Expert review → public notice for the policy's working days (`write` scope).
#[utoipa::path(post, path = "/api/v1/account/methodologies/{number}/versions/{version}/public-notice",
    tag = "carbon account", params(("number" = u32, Path), ("version" = u32, Path)),
    responses((status = 200, body = MethodologyView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn start_public_notice(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    Path(raw): Path<(String, String)>,
) -> Result<Json<MethodologyView>, ApiError> {
    step(&state, &actor, language, raw, ReviewStep::StartPublicNotice).await
}

/// Public notice over → approved, in force from today (`write` scope).
#[utoipa::path(post, path = "/api/v1/account/methodologies/{number}/versions/{version}/approve", tag = "carbon account",
    params(("number" = u32, Path), ("version" = u32, Path)),
    responses((status = 200, body = MethodologyView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn approve_methodology(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    Path(raw): Path<(String, String)>,
) -> Result<Json<MethodologyView>, ApiError> {
    step(&state, &actor, language, raw, ReviewStep::Approve).await
}

/// Approved → retired from today; earlier credits keep their version (`write` scope).
#[utoipa::path(post, path = "/api/v1/account/methodologies/{number}/versions/{version}/retire", tag = "carbon account",
    params(("number" = u32, Path), ("version" = u32, Path)),
    responses((status = 200, body = MethodologyView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn retire_methodology(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    Path(raw): Path<(String, String)>,
) -> Result<Json<MethodologyView>, ApiError> {
    step(&state, &actor, language, raw, ReviewStep::Retire).await
}

/// A behaviour a sub-platform may report and a methodology that may credit it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AllowedBehaviourBody {
    #[schema(example = "no_cutlery_order")]
    pub behaviour: String,
    pub methodology_number: u32,
}

/// A sub-platform to register.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SubPlatformBody {
    #[schema(example = "food_delivery")]
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Its own organisation on tanji (kind `sub_platform`), whose members then read this registration.
    #[serde(default)]
    pub organisation_id: Option<Uuid>,
    pub behaviours: Vec<AllowedBehaviourBody>,
}

/// A registered sub-platform.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubPlatformView {
    pub id: Uuid,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub organisation_id: Option<Uuid>,
    pub organisation_name: Option<String>,
    /// `active` or `suspended`.
    pub status: String,
    pub registered_at: Timestamp,
    pub behaviours: Vec<AllowedBehaviourBody>,
    pub n_links_in_force: i64,
    pub n_active_credentials: i64,
}

impl From<SubPlatform> for SubPlatformView {
    fn from(sub_platform: SubPlatform) -> Self {
        SubPlatformView {
            id: sub_platform.id,
            code: sub_platform.code.as_str().to_owned(),
            name_zh: sub_platform.name_zh,
            name_en: sub_platform.name_en,
            organisation_id: sub_platform.organisation_id.map(|id| id.as_uuid()),
            organisation_name: sub_platform.organisation_name,
            status: sub_platform.status.as_str().to_owned(),
            registered_at: sub_platform.registered_at,
            behaviours: sub_platform
                .behaviours
                .into_iter()
                .map(|allowed| AllowedBehaviourBody {
                    behaviour: allowed.behaviour.as_str().to_owned(),
                    methodology_number: allowed.methodology_number,
                })
                .collect(),
            n_links_in_force: sub_platform.n_links_in_force,
            n_active_credentials: sub_platform.n_active_credentials,
        }
    }
}

/// The sub-platforms the caller may see (`read` scope): an operator's own, a sub-platform's registrations.
#[utoipa::path(get, path = "/api/v1/account/sub-platforms", tag = "carbon account",
    responses((status = 200, body = Vec<SubPlatformView>), (status = 403, body = ErrorBody)))]
pub async fn list_sub_platforms(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<SubPlatformView>>, ApiError> {
    Ok(Json(state.store().list_sub_platforms(&actor).await?.into_iter().map(SubPlatformView::from).collect()))
}

/// Registers a sub-platform with the behaviours it may report (`admin` scope; the operator's owners).
#[utoipa::path(post, path = "/api/v1/account/sub-platforms", tag = "carbon account", request_body = SubPlatformBody,
    responses((status = 201, body = SubPlatformView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn register_sub_platform(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<SubPlatformBody>,
) -> Result<(StatusCode, Json<SubPlatformView>), ApiError> {
    let behaviours = body
        .behaviours
        .iter()
        .map(|allowed| {
            Ok(AllowedBehaviour {
                behaviour: Behaviour::parse(&allowed.behaviour)?,
                methodology_number: allowed.methodology_number,
            })
        })
        .collect::<Result<Vec<_>, tanji_tenancy::FieldError>>()?;
    let new = NewSubPlatform::parse(
        &body.code,
        &body.name_zh,
        &body.name_en,
        body.organisation_id.map(OrganisationId::from_uuid),
        behaviours,
    )?;
    let registered = state.store().register_sub_platform(&actor, &new).await?;
    Ok((StatusCode::CREATED, Json(registered.into())))
}

/// One sub-platform (`read` scope).
#[utoipa::path(get, path = "/api/v1/account/sub-platforms/{id}", tag = "carbon account", params(("id" = Uuid, Path)),
    responses((status = 200, body = SubPlatformView), (status = 404, body = ErrorBody)))]
pub async fn get_sub_platform(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath<Uuid>,
) -> Result<Json<SubPlatformView>, ApiError> {
    Ok(Json(state.store().sub_platform(&actor, id).await?.into()))
}

/// A sub-platform's API credential (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialView {
    pub id: Uuid,
    pub name: String,
    pub secret_prefix: String,
    /// `events:write`, `outcomes:read`.
    pub scopes: Vec<String>,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

impl From<SubPlatformCredential> for CredentialView {
    fn from(credential: SubPlatformCredential) -> Self {
        CredentialView {
            id: credential.id,
            name: credential.name,
            secret_prefix: credential.secret_prefix,
            scopes: credential.scopes.iter().map(|scope| scope.as_str().to_owned()).collect(),
            created_at: credential.created_at,
            last_used_at: credential.last_used_at,
            revoked_at: credential.revoked_at,
        }
    }
}

/// A credential to issue.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CredentialBody {
    #[schema(example = "event gateway")]
    pub name: String,
    /// `events:write`, `outcomes:read`.
    pub scopes: Vec<String>,
}

/// A credential just issued, with its secret: shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedCredentialView {
    pub credential: CredentialView,
    /// `tanji_sub_…`: the sub-platform presents it as `Authorization: Bearer …` when reporting events.
    pub secret: String,
}

/// A sub-platform's credentials, newest first (`admin` scope).
#[utoipa::path(get, path = "/api/v1/account/sub-platforms/{id}/credentials", tag = "carbon account",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<CredentialView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_credentials(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath<Uuid>,
) -> Result<Json<Vec<CredentialView>>, ApiError> {
    let credentials = state.store().list_sub_platform_credentials(&actor, id).await?;
    Ok(Json(credentials.into_iter().map(CredentialView::from).collect()))
}

/// Issues a credential; its secret is in the answer and nowhere else (`admin` scope).
#[utoipa::path(post, path = "/api/v1/account/sub-platforms/{id}/credentials", tag = "carbon account",
    params(("id" = Uuid, Path)), request_body = CredentialBody,
    responses((status = 201, body = IssuedCredentialView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn issue_credential(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath<Uuid>,
    ApiJson(body): ApiJson<CredentialBody>,
) -> Result<(StatusCode, Json<IssuedCredentialView>), ApiError> {
    let scopes = CredentialScope::parse_list(&body.scopes.join(","))?;
    let (credential, secret) = state.store().issue_sub_platform_credential(&actor, id, &body.name, &scopes).await?;
    Ok((StatusCode::CREATED, Json(IssuedCredentialView { credential: credential.into(), secret })))
}

/// Revokes a credential; it stops working at once (`admin` scope).
#[utoipa::path(delete, path = "/api/v1/account/sub-platforms/{id}/credentials/{credential_id}", tag = "carbon account",
    params(("id" = Uuid, Path), ("credential_id" = Uuid, Path)),
    responses((status = 200, body = CredentialView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn revoke_credential(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(raw): Path<(String, String)>,
) -> Result<Json<CredentialView>, ApiError> {
    let (id, credential_id) = uuid_pair(raw)?;
    Ok(Json(state.store().revoke_sub_platform_credential(&actor, id, credential_id).await?.into()))
}

fn uuid_pair(raw: (String, String)) -> Result<(Uuid, Uuid), ApiError> {
    match (raw.0.parse(), raw.1.parse()) {
        (Ok(first), Ok(second)) => Ok((first, second)),
        _ => Err(ApiError::not_found()),
    }
}

/// A person's parent account.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParentAccountView {
    pub id: Uuid,
    pub person_number: u64,
    pub display_name: String,
    /// ISO 3166-2 (`CN-GD`).
    pub province: Option<String>,
    pub opened_at: Timestamp,
    pub n_links_in_force: i64,
}

impl From<ParentAccount> for ParentAccountView {
    fn from(account: ParentAccount) -> Self {
        ParentAccountView {
            id: account.id,
            person_number: account.person_number,
            display_name: account.display_name,
            province: account.province,
            opened_at: account.opened_at,
            n_links_in_force: account.n_links_in_force,
        }
    }
}

/// A parent account to open.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ParentAccountBody {
    pub display_name: String,
    /// ISO 3166-2 code of a Chinese province (`CN-GD`), for the provincial leaderboards.
    #[serde(default)]
    pub province: Option<String>,
}

/// The operator's parent accounts (`write` scope; owners and editors of the operator).
#[utoipa::path(get, path = "/api/v1/account/parent-accounts", tag = "carbon account",
    responses((status = 200, body = Vec<ParentAccountView>), (status = 403, body = ErrorBody)))]
pub async fn list_parent_accounts(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<ParentAccountView>>, ApiError> {
    Ok(Json(state.store().list_parent_accounts(&actor).await?.into_iter().map(ParentAccountView::from).collect()))
}

/// Opens a parent account, numbered after the last (`write` scope).
#[utoipa::path(post, path = "/api/v1/account/parent-accounts", tag = "carbon account", request_body = ParentAccountBody,
    responses((status = 201, body = ParentAccountView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn open_parent_account(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ParentAccountBody>,
) -> Result<(StatusCode, Json<ParentAccountView>), ApiError> {
    let account = state.store().open_parent_account(&actor, &body.display_name, body.province.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(account.into())))
}

/// A link of a sub-platform identity to a parent account, with the consent.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkView {
    pub id: Uuid,
    pub sub_platform_id: Uuid,
    pub external_identity: String,
    pub person_number: u64,
    pub consent_given_at: Timestamp,
    pub consent_wording_version: String,
    /// `app`, `web`, `counter` or `paper`.
    pub consent_channel: String,
    pub linked_at: Timestamp,
    /// Set once unlinked; the identity's later events credit nothing.
    pub unlinked_at: Option<Timestamp>,
}

impl From<IdentityLink> for LinkView {
    fn from(link: IdentityLink) -> Self {
        LinkView {
            id: link.id,
            sub_platform_id: link.sub_platform_id,
            external_identity: link.external_identity,
            person_number: link.person_number,
            consent_given_at: link.consent.given_at,
            consent_wording_version: link.consent.wording_version,
            consent_channel: link.consent.channel.as_str().to_owned(),
            linked_at: link.linked_at,
            unlinked_at: link.unlinked_at,
        }
    }
}

/// A link to make, with the person's consent as given.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LinkBody {
    #[schema(example = "rider-8841")]
    pub external_identity: String,
    pub person_number: u64,
    pub consent_given_at: Timestamp,
    #[schema(example = "2026-01")]
    pub consent_wording_version: String,
    /// `app`, `web`, `counter` or `paper`.
    pub consent_channel: String,
}

/// A sub-platform's links, in force and ended (`read` scope; the operator, or the sub-platform itself).
#[utoipa::path(get, path = "/api/v1/account/sub-platforms/{id}/links", tag = "carbon account",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<LinkView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_links(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath<Uuid>,
) -> Result<Json<Vec<LinkView>>, ApiError> {
    Ok(Json(state.store().list_identity_links(&actor, id).await?.into_iter().map(LinkView::from).collect()))
}

/// Links an identity to a parent account with the person's consent (`write` scope; the operator).
#[utoipa::path(post, path = "/api/v1/account/sub-platforms/{id}/links", tag = "carbon account",
    params(("id" = Uuid, Path)), request_body = LinkBody,
    responses((status = 201, body = LinkView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn link_identity(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath<Uuid>,
    ApiJson(body): ApiJson<LinkBody>,
) -> Result<(StatusCode, Json<LinkView>), ApiError> {
    let new = NewLink::parse(
        id,
        &body.external_identity,
        body.person_number,
        body.consent_given_at,
        &body.consent_wording_version,
        &body.consent_channel,
    )?;
    Ok((StatusCode::CREATED, Json(state.store().link_identity(&actor, &new).await?.into())))
}

/// Unlinks; the link stays on record with the time it ended (`write` scope; the operator).
#[utoipa::path(delete, path = "/api/v1/account/sub-platforms/{id}/links/{link_id}", tag = "carbon account",
    params(("id" = Uuid, Path), ("link_id" = Uuid, Path)),
    responses((status = 200, body = LinkView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn unlink_identity(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(raw): Path<(String, String)>,
) -> Result<Json<LinkView>, ApiError> {
    let (id, link_id) = uuid_pair(raw)?;
    Ok(Json(state.store().unlink_identity(&actor, id, link_id).await?.into()))
}
