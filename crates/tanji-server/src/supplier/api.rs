//! `/api/v1/supplier-campaigns/…`: supplier assessment campaigns over the REST API — the brand launches a campaign,
//! lists its campaigns and ranks its suppliers (JSON or CSV); the supplier lists what it is asked, answers, attaches
//! evidence (base64 in JSON) and submits; the brand's reviewers accept or reject each evidence item.
//!
//! Isolation is the store's: another tenant's campaign, questionnaire or evidence is 404. A refused step answers
//! with its stable code and its sentence in the request's `Accept-Language`: 409 for an answer or decision the
//! domain refuses (`already_answered`, `self_approval`, …), 422 for a refused file (`too_large`,
//! `type_not_accepted`, `active_content`, …) or campaign input (`link_not_in_force`, `due_date_in_past`, …).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::{Value, json};
use tanji_i18n::{Language, Localize};
use tanji_store::supplier_assessment::{AssessmentError, Campaign, NewCampaign, Participant, Questionnaire};
use tanji_supplier::scoring::Verdict;
use tanji_tenancy::SupplierLinkId;
use tanji_tenancy::supplier_link::InvitationDetails;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{assessment_error_code, ranking_csv};
use crate::api::auth::ApiActor;
use crate::api::extract::{ApiJson, ApiQuery, IdPath};
use crate::api::inventory::ApiLanguage;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// A supplier not yet on tanji, to invite.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InviteBody {
    pub supplier_name: String,
    #[serde(default)]
    pub message: Option<String>,
}

/// A campaign to launch.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LaunchBody {
    #[schema(example = "2026 自有品牌代工厂评估")]
    pub name: String,
    #[schema(example = "factory-carbon-management")]
    pub framework_id: String,
    #[schema(example = 1)]
    pub framework_version: u32,
    /// The day answers are due (`YYYY-MM-DD`).
    #[schema(value_type = String, example = "2026-03-31")]
    pub due_on: Date,
    /// Customer–supplier links in force (the brand's, as customer).
    #[serde(default)]
    pub supplier_link_ids: Vec<Uuid>,
    /// Suppliers not yet on tanji: each gets an invitation; its code is in the answer, once.
    #[serde(default)]
    pub invite: Vec<InviteBody>,
}

/// An answer to record.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerBody {
    #[schema(example = "management-structure")]
    pub indicator: String,
    #[schema(example = "accountable-leader-and-team")]
    pub tier: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// An evidence file to attach to the current, unsubmitted version of an answer.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EvidenceBody {
    pub indicator: String,
    /// An evidence kind of the framework, e.g. `management_document`, `verification_statement`.
    #[schema(example = "management_document")]
    pub kind: String,
    #[schema(example = "任命文件.pdf")]
    pub file_name: String,
    /// The file, base64 (standard alphabet); at most 1,000,000 bytes decoded; PDF, PNG, JPEG or UTF-8 text/CSV.
    pub content_base64: String,
}

/// A reviewer's decision.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionBody {
    /// `accepted` or `rejected`.
    #[schema(example = "accepted")]
    pub verdict: String,
    /// Required for a rejection: what the supplier must add or correct.
    #[serde(default)]
    pub comment: Option<String>,
}

/// `?format=csv` for the CSV download; JSON otherwise.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct FormatQuery {
    #[serde(default)]
    pub format: Option<String>,
}

/// A refused step, with its code and its sentence in the request's language.
pub fn api_error(error: AssessmentError, language: Language) -> ApiError {
    let code = assessment_error_code(&error);
    match error {
        AssessmentError::Store(error) => error.into(),
        AssessmentError::Answer(refused) => ApiError::step_refused(code, refused.localize(language)),
        AssessmentError::EvidenceFile(refused) => ApiError::refused(code, "content_base64", refused.localize(language)),
        AssessmentError::Campaign(refused) => ApiError::refused(code, "campaign", refused.localize(language)),
    }
}

fn campaign_json(campaign: &Campaign, participants: Option<&[Participant]>) -> Value {
    let mut value = json!(campaign);
    if let Some(participants) = participants {
        value["participants"] = json!(participants);
    }
    value
}

/// The questionnaire with its scorecard, every score outcome and evidence status said in `language`.
pub fn questionnaire_json(questionnaire: &Questionnaire, language: Language) -> Value {
    let indicators: Vec<Value> = questionnaire
        .scorecard
        .areas
        .iter()
        .flat_map(|area| &area.indicators)
        .map(|scored| {
            let mut value = json!(scored);
            value["outcome_message"] = Value::String(scored.outcome.localize(language));
            value
        })
        .collect();
    json!({
        "campaign": questionnaire.campaign,
        "participant": questionnaire.participant,
        "read_by_brand": questionnaire.read_by_brand,
        "answers": questionnaire.answers,
        "score": questionnaire.scorecard.score,
        "max_score": questionnaire.scorecard.max_score,
        "band_grade": questionnaire.scorecard.band_grade,
        "grade": questionnaire.scorecard.grade,
        "gates": questionnaire.scorecard.gates,
        "areas": questionnaire.scorecard.areas.iter().map(|area| json!({
            "area": area.area, "weight": area.weight, "fraction": area.fraction, "points": area.points,
        })).collect::<Vec<_>>(),
        "indicators": indicators,
        "gaps": questionnaire.scorecard.gaps(&questionnaire.framework),
    })
}

/// The campaigns the caller's organisation runs, newest first.
#[utoipa::path(get, path = "/api/v1/supplier-campaigns", tag = "supplier assessment",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
pub async fn list_campaigns(State(state): State<AppState>, ApiActor(actor): ApiActor) -> Result<Json<Value>, ApiError> {
    let campaigns = state.store().list_supplier_campaigns(&actor).await?;
    Ok(Json(json!(campaigns.iter().map(|campaign| campaign_json(campaign, None)).collect::<Vec<_>>())))
}

/// Launches a campaign (owners and editors; `write` scope): suppliers by their links in force, and invitations
/// for suppliers not yet on tanji (their codes are given once, here).
#[utoipa::path(post, path = "/api/v1/supplier-campaigns", tag = "supplier assessment", request_body = LaunchBody,
    responses((status = 201, body = Object), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn launch_campaign(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    ApiJson(body): ApiJson<LaunchBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let invite = body
        .invite
        .iter()
        .map(|invite| InvitationDetails::parse(&invite.supplier_name, invite.message.as_deref()))
        .collect::<Result<Vec<_>, _>>()?;
    let new = NewCampaign {
        name: body.name,
        framework_id: body.framework_id,
        framework_version: body.framework_version,
        due_on: body.due_on,
        supplier_link_ids: body.supplier_link_ids.into_iter().map(SupplierLinkId::from_uuid).collect(),
        invite,
        illustrative_note: None,
    };
    let launched = state.store().launch_campaign(&actor, &new).await.map_err(|error| api_error(error, language))?;
    let mut value = campaign_json(&launched.campaign, Some(&launched.participants));
    value["invitation_codes"] = json!(
        launched
            .invitation_codes
            .iter()
            .map(|(supplier_name, code)| json!({"supplier_name": supplier_name, "code": code}))
            .collect::<Vec<_>>()
    );
    Ok((StatusCode::CREATED, Json(value)))
}

/// One of the caller's organisation's campaigns with its participants.
#[utoipa::path(get, path = "/api/v1/supplier-campaigns/{id}", tag = "supplier assessment",
    params(("id" = uuid::Uuid, Path)), responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn get_campaign(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let (campaign, participants) = state.store().supplier_campaign(&actor, id).await?;
    Ok(Json(campaign_json(&campaign, Some(&participants))))
}

/// The campaign's ranking (submitted answers, scored now from the framework version, the answers and the accepted
/// evidence) and its grade distribution; `?format=csv` downloads the ranking as CSV.
#[utoipa::path(get, path = "/api/v1/supplier-campaigns/{id}/ranking", tag = "supplier assessment",
    params(("id" = uuid::Uuid, Path), FormatQuery),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn get_ranking(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    IdPath(id): IdPath<Uuid>,
    ApiQuery(query): ApiQuery<FormatQuery>,
) -> Result<Response, ApiError> {
    let results = state.store().campaign_results(&actor, id).await.map_err(|error| api_error(error, language))?;
    if query.format.as_deref() == Some("csv") {
        return Ok(ranking_csv(&results, language));
    }
    Ok(Json(json!({
        "campaign": results.campaign,
        "rows": results.rows,
        "grade_distribution": results.grade_distribution.iter().map(|(grade, count)| json!({"grade": grade, "suppliers": count})).collect::<Vec<_>>(),
    }))
    .into_response())
}

/// The questionnaires the caller's (supplier) organisation is asked to answer.
#[utoipa::path(get, path = "/api/v1/supplier-campaigns/asked", tag = "supplier assessment",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
pub async fn list_asked(State(state): State<AppState>, ApiActor(actor): ApiActor) -> Result<Json<Value>, ApiError> {
    let asked = state.store().assessments_asked(&actor).await?;
    Ok(Json(json!(
        asked
            .iter()
            .map(|(campaign, participant)| json!({"campaign": campaign, "participant": participant}))
            .collect::<Vec<_>>()
    )))
}

/// A questionnaire with its scorecard: the supplier asked sees every version, the brand the submitted ones.
#[utoipa::path(get, path = "/api/v1/supplier-campaigns/participants/{id}", tag = "supplier assessment",
    params(("id" = uuid::Uuid, Path)), responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn get_questionnaire(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    IdPath(id): IdPath<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let questionnaire = state.store().questionnaire(&actor, id).await.map_err(|error| api_error(error, language))?;
    Ok(Json(questionnaire_json(&questionnaire, language)))
}

/// Answers an indicator (the supplier's owners and editors; `write`): version 1, or the next after a reopening.
#[utoipa::path(post, path = "/api/v1/supplier-campaigns/participants/{id}/answers", tag = "supplier assessment",
    params(("id" = uuid::Uuid, Path)), request_body = AnswerBody,
    responses((status = 201, body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn post_answer(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    IdPath(id): IdPath<Uuid>,
    ApiJson(body): ApiJson<AnswerBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let version = state
        .store()
        .answer_indicator(&actor, id, &body.indicator, &body.tier, body.note.as_deref())
        .await
        .map_err(|error| api_error(error, language))?;
    Ok((StatusCode::CREATED, Json(json!({"indicator": body.indicator, "version": version}))))
}

/// Reopens an answer for a new version (the supplier, or the brand's reviewers asking for a new answer).
#[utoipa::path(post, path = "/api/v1/supplier-campaigns/participants/{id}/answers/{indicator}/reopen",
    tag = "supplier assessment", params(("id" = uuid::Uuid, Path), ("indicator" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reopen_answer(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    Path((id, indicator)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id: Uuid = id.parse().map_err(|_| ApiError::not_found())?;
    state.store().reopen_answer(&actor, id, &indicator).await.map_err(|error| api_error(error, language))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Attaches an evidence file (base64) to the current, unsubmitted version of an answer. Its type is sniffed from
/// its bytes; oversized, wrong-type and active-content files are refused (422) and nothing is stored.
#[utoipa::path(post, path = "/api/v1/supplier-campaigns/participants/{id}/evidence", tag = "supplier assessment",
    params(("id" = uuid::Uuid, Path)), request_body = EvidenceBody,
    responses((status = 201, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_evidence(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    IdPath(id): IdPath<Uuid>,
    ApiJson(body): ApiJson<EvidenceBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let content = base64::engine::general_purpose::STANDARD.decode(body.content_base64.trim()).map_err(|_| {
        ApiError::refused(
            "content_not_base64",
            "content_base64",
            "content_base64 is not base64 (standard alphabet)".into(),
        )
    })?;
    let stored = state
        .store()
        .upload_evidence(&actor, id, &body.indicator, &body.kind, &body.file_name, &content)
        .await
        .map_err(|error| api_error(error, language))?;
    Ok((StatusCode::CREATED, Json(json!(stored))))
}

/// Submits the answer versions not yet submitted; they close to new evidence and the brand's reviewers see them.
#[utoipa::path(post, path = "/api/v1/supplier-campaigns/participants/{id}/submit", tag = "supplier assessment",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    IdPath(id): IdPath<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let submitted = state.store().submit_questionnaire(&actor, id).await.map_err(|error| api_error(error, language))?;
    Ok(Json(json!({"submitted_answers": submitted})))
}

/// A reviewer of the campaign's brand accepts or rejects an evidence item (owners, editors, auditors; `write`).
/// The answering organisation, and whoever answered, never decide (`self_approval`).
#[utoipa::path(post, path = "/api/v1/supplier-campaigns/participants/{id}/evidence/{evidence_id}/decision",
    tag = "supplier assessment", params(("id" = uuid::Uuid, Path), ("evidence_id" = uuid::Uuid, Path)),
    request_body = DecisionBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn post_decision(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    Path((id, evidence_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> Result<StatusCode, ApiError> {
    let id: Uuid = id.parse().map_err(|_| ApiError::not_found())?;
    let evidence_id: Uuid = evidence_id.parse().map_err(|_| ApiError::not_found())?;
    let verdict = parse_verdict(&body.verdict, body.comment.unwrap_or_default())?;
    state
        .store()
        .review_evidence(&actor, id, evidence_id, verdict)
        .await
        .map_err(|error| api_error(error, language))?;
    Ok(StatusCode::NO_CONTENT)
}

/// `accepted` or `rejected` (with the comment).
pub fn parse_verdict(raw: &str, comment: String) -> Result<Verdict, tanji_tenancy::FieldError> {
    tanji_tenancy::validation::one_of("verdict", raw, &[("accepted", true), ("rejected", false)])
        .map(|accepted| if accepted { Verdict::Accepted } else { Verdict::Rejected { comment } })
}

/// The evidence file, as uploaded (an attachment, never shown inline).
#[utoipa::path(get, path = "/api/v1/supplier-campaigns/participants/{id}/evidence/{evidence_id}",
    tag = "supplier assessment", params(("id" = uuid::Uuid, Path), ("evidence_id" = uuid::Uuid, Path)),
    responses((status = 200, description = "the file"), (status = 404, body = ErrorBody)))]
pub async fn get_evidence(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    Path((id, evidence_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id: Uuid = id.parse().map_err(|_| ApiError::not_found())?;
    let evidence_id: Uuid = evidence_id.parse().map_err(|_| ApiError::not_found())?;
    let (facts, content) =
        state.store().evidence_content(&actor, id, evidence_id).await.map_err(|error| api_error(error, language))?;
    Ok(crate::download::attachment(facts.media_type.mime(), &facts.file_name, content))
}
