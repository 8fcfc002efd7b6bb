//! `/api/v1/members` and `/api/v1/members/invitations`. People join by accepting an invitation; nothing here adds
//! them directly.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tanji_tenancy::member::Email;
use tanji_tenancy::{MemberInvitationId, UserId};

use super::auth::ApiActor;
use super::dto::{
    CreatedMemberInvitationView, MemberInvitationView, MemberView, NewMemberInvitationBody, RoleChangeBody,
};
use super::extract::{ApiJson, IdPath};
use crate::error::{ApiError, ErrorBody};
use crate::links::member_invitation_link;
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

/// The organisation's member invitations, newest first, in every state (owners, `admin` scope).
#[utoipa::path(get, path = "/api/v1/members/invitations", tag = "members",
    responses((status = 200, body = Vec<MemberInvitationView>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn list_invitations(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<MemberInvitationView>>, ApiError> {
    let now = state.store().clock().now();
    let invitations = state.store().list_member_invitations(&actor).await?;
    Ok(Json(invitations.into_iter().map(|invitation| MemberInvitationView::new(invitation, now)).collect()))
}

/// Invites a person to become a member (owners, `admin` scope). Nobody is added: the invited person accepts through
/// the link, logged in with the invited address or by creating an account for it, within 7 days. The answer is the
/// same whether or not the address has an account; the code and link are in it and nowhere else.
#[utoipa::path(post, path = "/api/v1/members/invitations", tag = "members", request_body = NewMemberInvitationBody,
    responses((status = 201, body = CreatedMemberInvitationView), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_invitation(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<NewMemberInvitationBody>,
) -> Result<(StatusCode, Json<CreatedMemberInvitationView>), ApiError> {
    let email = Email::parse(&body.email)?;
    let (invitation, code) = state.store().invite_member(&actor, &email, body.role).await?;
    let now = state.store().clock().now();
    let view = CreatedMemberInvitationView {
        invitation: MemberInvitationView::new(invitation, now),
        link: member_invitation_link(&state, &code),
        code,
    };
    Ok((StatusCode::CREATED, Json(view)))
}

/// Withdraws an open invitation; its link stops working at once (owners, `admin` scope).
#[utoipa::path(post, path = "/api/v1/members/invitations/{id}/revoke", tag = "members",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = MemberInvitationView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn revoke_invitation(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath<MemberInvitationId>,
) -> Result<Json<MemberInvitationView>, ApiError> {
    let invitation = state.store().revoke_member_invitation(&actor, id).await?;
    Ok(Json(MemberInvitationView::new(invitation, state.store().clock().now())))
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
