//! `/api/v1/members`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tanji_store::NewMember;
use tanji_tenancy::UserId;
use tanji_tenancy::member::{DisplayName, Email, Password};

use super::auth::ApiActor;
use super::dto::{MemberView, NewMemberBody, RoleChangeBody};
use super::extract::{ApiJson, IdPath};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// The organisation's members, owners first.
#[utoipa::path(get, path = "/api/v1/members", tag = "members",
    responses((status = 200, body = Vec<MemberView>), (status = 401, body = ErrorBody)))]
pub async fn list_members(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<MemberView>>, ApiError> {
    Ok(Json(state.store().list_members(&actor).await?.into_iter().map(Into::into).collect()))
}

/// Adds a person, creating their account if needed (owners, `admin` scope).
#[utoipa::path(post, path = "/api/v1/members", tag = "members", request_body = NewMemberBody,
    responses((status = 201, body = MemberView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn add_member(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<NewMemberBody>,
) -> Result<(StatusCode, Json<MemberView>), ApiError> {
    let new_member = NewMember {
        email: Email::parse(&body.email)?,
        display_name: body.display_name.as_deref().map(DisplayName::parse).transpose()?,
        role: body.role,
        initial_password: body.initial_password.as_deref().map(Password::parse_new).transpose()?,
    };
    let member = state.store().add_member(&actor, &new_member).await?;
    Ok((StatusCode::CREATED, Json(member.into())))
}

/// Changes a member's role; the last owner cannot be demoted (owners, `admin` scope).
#[utoipa::path(patch, path = "/api/v1/members/{user_id}", tag = "members", params(("user_id" = uuid::Uuid, Path)),
    request_body = RoleChangeBody,
    responses((status = 200, body = MemberView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn change_role(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(user_id): IdPath<UserId>,
    ApiJson(body): ApiJson<RoleChangeBody>,
) -> Result<Json<MemberView>, ApiError> {
    Ok(Json(state.store().change_member_role(&actor, user_id, body.role).await?.into()))
}

/// Removes a member, ending their sessions and revoking their tokens here (owners, `admin` scope).
#[utoipa::path(delete, path = "/api/v1/members/{user_id}", tag = "members", params(("user_id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn remove_member(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(user_id): IdPath<UserId>,
) -> Result<StatusCode, ApiError> {
    state.store().remove_member(&actor, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
