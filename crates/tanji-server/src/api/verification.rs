//! `/api/v1/verification-engagements`, `/api/v1/verification-bodies` and `/api/v1/verification-clients`: an
//! organisation engages an independent verification body and ends the engagement; a body sees who engaged it. The
//! same store calls, permissions and audit entries as the console's organisation page.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tanji_tenancy::OrganisationId;

use super::auth::ApiActor;
use super::dto::{NewEngagementBody, VerificationBodyView, VerificationEngagementView};
use super::extract::{ApiJson, IdPath};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// The engagements the organisation is part of — as the organisation verified, or as the verification body —
/// newest first, ended ones included.
#[utoipa::path(get, path = "/api/v1/verification-engagements", tag = "verification",
    responses((status = 200, body = Vec<VerificationEngagementView>), (status = 401, body = ErrorBody)))]
pub async fn list_engagements(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<VerificationEngagementView>>, ApiError> {
    let engagements = state.store().verification_engagements(&actor).await?;
    Ok(Json(engagements.into_iter().map(Into::into).collect()))
}

/// Engages a verification body: its auditors may then verify the organisation's inventories and footprints, as
/// auditors, until the engagement ends (brands, suppliers and sub-platforms: owners, `admin` scope). Anything
/// that is not a verification body is `not_found`; an open engagement of the same body is `already_done`.
#[utoipa::path(post, path = "/api/v1/verification-engagements", tag = "verification",
    request_body = NewEngagementBody,
    responses((status = 201, body = VerificationEngagementView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn engage(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<NewEngagementBody>,
) -> Result<(StatusCode, Json<VerificationEngagementView>), ApiError> {
    let body_id = OrganisationId::from_uuid(body.verification_body_id);
    let engagement = state.store().engage_verification_body(&actor, body_id).await?;
    Ok((StatusCode::CREATED, Json(engagement.into())))
}

/// Ends one of the organisation's engagements: the body's auditors lose access at once, their API tokens too
/// (owners, `admin` scope).
#[utoipa::path(post, path = "/api/v1/verification-engagements/{id}/end", tag = "verification",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = VerificationEngagementView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn end_engagement(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath<uuid::Uuid>,
) -> Result<Json<VerificationEngagementView>, ApiError> {
    Ok(Json(state.store().end_verification_engagement(&actor, &id.to_string()).await?.into()))
}

/// The verification bodies the organisation may engage, by name (owners, `admin` scope).
#[utoipa::path(get, path = "/api/v1/verification-bodies", tag = "verification",
    responses((status = 200, body = Vec<VerificationBodyView>), (status = 403, body = ErrorBody)))]
pub async fn list_bodies(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<VerificationBodyView>>, ApiError> {
    Ok(Json(state.store().verification_bodies(&actor).await?.into_iter().map(Into::into).collect()))
}

/// For a verification body: the organisations whose open engagement lets its auditors verify them, by name
/// (every member, `read` scope).
#[utoipa::path(get, path = "/api/v1/verification-clients", tag = "verification",
    responses((status = 200, body = Vec<VerificationEngagementView>), (status = 403, body = ErrorBody)))]
pub async fn list_clients(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<VerificationEngagementView>>, ApiError> {
    Ok(Json(state.store().verification_clients(&actor).await?.into_iter().map(Into::into).collect()))
}
