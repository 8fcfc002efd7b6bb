//! `/api/v1/me`, `/api/v1/organisation` and `/api/v1/tenants`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tanji_tenancy::access::Credential;
use tanji_tenancy::member::Email;
use tanji_tenancy::organisation::OrganisationProfile;

use super::auth::ApiActor;
use super::dto::{
    CreatedMemberInvitationView, MeView, MemberInvitationView, NewOrganisationBody, OrganisationPatch,
    OrganisationView, RegisteredTenantView, TenantView,
};
use super::extract::ApiJson;
use crate::error::{ApiError, ErrorBody};
use crate::links::member_invitation_link;
use crate::state::AppState;

/// Who the token acts for: its organisation, its creator's role, its scopes.
#[utoipa::path(get, path = "/api/v1/me", tag = "organisation",
    responses((status = 200, body = MeView), (status = 401, body = ErrorBody)))]
pub async fn get_me(State(state): State<AppState>, ApiActor(actor): ApiActor) -> Result<Json<MeView>, ApiError> {
    let organisation = state.store().organisation(&actor).await?;
    let scopes = match actor.credential {
        Credential::ApiToken { scopes, .. } => scopes.iter().collect(),
        Credential::Session => Vec::new(),
    };
    Ok(Json(MeView {
        organisation: organisation.into(),
        user_id: actor.user_id.as_uuid(),
        role: actor.role,
        token_id: actor.token_id().map(|id| id.as_uuid()),
        scopes,
    }))
}

/// The caller's organisation.
#[utoipa::path(get, path = "/api/v1/organisation", tag = "organisation",
    responses((status = 200, body = OrganisationView), (status = 401, body = ErrorBody)))]
pub async fn get_organisation(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<OrganisationView>, ApiError> {
    Ok(Json(state.store().organisation(&actor).await?.into()))
}

/// Changes the caller's organisation's profile (owners, `admin` scope).
#[utoipa::path(patch, path = "/api/v1/organisation", tag = "organisation", request_body = OrganisationPatch,
    responses((status = 200, body = OrganisationView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_organisation(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(patch): ApiJson<OrganisationPatch>,
) -> Result<Json<OrganisationView>, ApiError> {
    let current = state.store().organisation(&actor).await?;
    let profile = OrganisationProfile::parse(
        patch.name.as_deref().unwrap_or(current.name.as_str()),
        patch.country.as_deref().unwrap_or(current.country.as_str()),
        match &patch.credit_code {
            Some(code) => Some(code.as_str()),
            None => current.credit_code.as_ref().map(|code| code.as_str()),
        },
    )?
    .with_name_en(match &patch.name_en {
        Some(name_en) => Some(name_en.as_str()),
        None => current.name_en.as_ref().map(|name| name.as_str()),
    })?;
    Ok(Json(state.store().update_organisation(&actor, &profile).await?.into()))
}

/// Every organisation on the platform with its size (platform operator owners, `admin` scope).
#[utoipa::path(get, path = "/api/v1/tenants", tag = "tenants",
    responses((status = 200, body = Vec<TenantView>), (status = 403, body = ErrorBody)))]
pub async fn list_tenants(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<TenantView>>, ApiError> {
    let tenants = state.store().list_tenants(&actor).await?;
    Ok(Json(
        tenants
            .into_iter()
            .map(|tenant| TenantView {
                organisation: tenant.organisation.into(),
                n_members: tenant.n_members,
                n_facilities: tenant.n_facilities,
            })
            .collect(),
    ))
}

/// Registers an organisation and, when `owner` is given, invites that address to be its owner, both or neither
/// (platform operator owners, `admin` scope). Nobody is added: the invited person becomes owner by accepting the link,
/// logged in with the invited address or by creating an account for it, within 7 days. The answer is the same whether
/// or not the address has an account; the invitation's code and link are in it and nowhere else.
#[utoipa::path(post, path = "/api/v1/tenants", tag = "tenants", request_body = NewOrganisationBody,
    responses((status = 201, body = RegisteredTenantView), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn register_tenant(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<NewOrganisationBody>,
) -> Result<(StatusCode, Json<RegisteredTenantView>), ApiError> {
    let profile =
        OrganisationProfile::parse(&body.name, body.country.as_deref().unwrap_or("CN"), body.credit_code.as_deref())?
            .with_name_en(body.name_en.as_deref())?;
    let owner = body.owner.as_ref().map(|owner| Email::parse(&owner.email)).transpose()?;
    let (organisation, owner_invitation) =
        state.store().register_organisation(&actor, &profile, body.kind, owner.as_ref()).await?;
    let now = state.store().clock().now();
    let view = RegisteredTenantView {
        organisation: organisation.into(),
        owner_invitation: owner_invitation.map(|(invitation, code)| CreatedMemberInvitationView {
            invitation: MemberInvitationView::new(invitation, now),
            link: member_invitation_link(&state, &code),
            code,
        }),
    };
    Ok((StatusCode::CREATED, Json(view)))
}
