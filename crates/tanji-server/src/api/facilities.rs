//! `/api/v1/facilities`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use tanji_tenancy::FacilityId;
use tanji_tenancy::facility::{FacilityDetails, FacilityInput};
use utoipa::IntoParams;

use super::auth::ApiActor;
use super::dto::{FacilityBody, FacilityView};
use super::extract::{ApiJson, ApiQuery, IdPath};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Which facilities to list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct FacilityListQuery {
    /// Include archived facilities.
    #[serde(default)]
    pub include_archived: bool,
}

fn parse_body(body: &FacilityBody) -> Result<FacilityDetails, ApiError> {
    Ok(FacilityDetails::parse(&FacilityInput {
        name: &body.name,
        code: body.code.as_deref(),
        kind: &body.kind,
        country: body.country.as_deref(),
        subdivision: body.subdivision.as_deref(),
        city: body.city.as_deref(),
        address: body.address.as_deref(),
        name_en: body.name_en.as_deref(),
    })?)
}

/// The organisation's facilities, by name.
#[utoipa::path(get, path = "/api/v1/facilities", tag = "facilities", params(FacilityListQuery),
    responses((status = 200, body = Vec<FacilityView>), (status = 401, body = ErrorBody)))]
pub async fn list_facilities(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(query): ApiQuery<FacilityListQuery>,
) -> Result<Json<Vec<FacilityView>>, ApiError> {
    let facilities = state.store().list_facilities(&actor, query.include_archived).await?;
    Ok(Json(facilities.into_iter().map(Into::into).collect()))
}

/// Registers a facility (owners and editors, `write` scope).
#[utoipa::path(post, path = "/api/v1/facilities", tag = "facilities", request_body = FacilityBody,
    responses((status = 201, body = FacilityView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_facility(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<FacilityBody>,
) -> Result<(StatusCode, Json<FacilityView>), ApiError> {
    let details = parse_body(&body)?;
    let facility = state.store().create_facility(&actor, &details).await?;
    Ok((StatusCode::CREATED, Json(facility.into())))
}

/// One facility.
#[utoipa::path(get, path = "/api/v1/facilities/{id}", tag = "facilities", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = FacilityView), (status = 404, body = ErrorBody)))]
pub async fn get_facility(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath<FacilityId>,
) -> Result<Json<FacilityView>, ApiError> {
    Ok(Json(state.store().facility(&actor, id).await?.into()))
}

/// Replaces a facility's details (owners and editors, `write` scope).
#[utoipa::path(put, path = "/api/v1/facilities/{id}", tag = "facilities", params(("id" = uuid::Uuid, Path)),
    request_body = FacilityBody,
    responses((status = 200, body = FacilityView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update_facility(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath<FacilityId>,
    ApiJson(body): ApiJson<FacilityBody>,
) -> Result<Json<FacilityView>, ApiError> {
    let details = parse_body(&body)?;
    Ok(Json(state.store().update_facility(&actor, id, &details).await?.into()))
}

/// Archives a facility; its history stays (owners and editors, `write` scope).
#[utoipa::path(post, path = "/api/v1/facilities/{id}/archive", tag = "facilities", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = FacilityView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn archive_facility(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath<FacilityId>,
) -> Result<Json<FacilityView>, ApiError> {
    Ok(Json(state.store().set_facility_archived(&actor, id, true).await?.into()))
}

/// Restores an archived facility (owners and editors, `write` scope).
#[utoipa::path(post, path = "/api/v1/facilities/{id}/restore", tag = "facilities", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = FacilityView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn restore_facility(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath<FacilityId>,
) -> Result<Json<FacilityView>, ApiError> {
    Ok(Json(state.store().set_facility_archived(&actor, id, false).await?.into()))
}
