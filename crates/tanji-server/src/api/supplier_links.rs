//! `/api/v1/supplier-links` and `/api/v1/supplier-invitations`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use tanji_tenancy::supplier_link::InvitationDetails;
use tanji_tenancy::{InvitationId, SupplierLinkId};
use utoipa::IntoParams;

use super::auth::ApiActor;
use super::dto::{AcceptInvitationBody, CreatedInvitationView, InvitationView, NewInvitationBody, SupplierLinkView};
use super::extract::{ApiJson, ApiQuery, IdPath};
use super::inventory::{ApiLanguage, with_assurance};
use crate::error::{ApiError, ErrorBody};
use crate::links::invitation_link;
use crate::state::AppState;

/// Which links to list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct LinkListQuery {
    /// Include links that were ended.
    #[serde(default)]
    pub include_ended: bool,
}

/// The organisation's links, as customer and as supplier.
#[utoipa::path(get, path = "/api/v1/supplier-links", tag = "supplier links", params(LinkListQuery),
    responses((status = 200, body = Vec<SupplierLinkView>), (status = 401, body = ErrorBody)))]
pub async fn list_links(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(query): ApiQuery<LinkListQuery>,
) -> Result<Json<Vec<SupplierLinkView>>, ApiError> {
    let links = state.store().list_supplier_links(&actor, query.include_ended).await?;
    Ok(Json(links.into_iter().map(Into::into).collect()))
}

/// Ends a link (customer side: owners and editors; supplier side: owners; `admin` scope).
#[utoipa::path(post, path = "/api/v1/supplier-links/{id}/end", tag = "supplier links", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = SupplierLinkView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn end_link(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath<SupplierLinkId>,
) -> Result<Json<SupplierLinkView>, ApiError> {
    Ok(Json(state.store().end_supplier_link(&actor, id).await?.into()))
}

/// What a supplier shares with the actor's organisation on a link in force (customer side, any role that may read
/// the data): `shares`, the `footprints` it published (each with its `assurance`), and `inventory`, the summary of
/// its latest inventory verified by an independent verification body (`assurance` is always `verified`, with
/// `verification_body_name`), or null. A version only reviewed by the supplier's own auditor (internal review) is
/// never given as verified. A link of other organisations, or ended, is 404.
#[utoipa::path(get, path = "/api/v1/supplier-links/{id}/shared", tag = "supplier links",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn shared_by_supplier(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiLanguage(language): ApiLanguage,
    IdPath(id): IdPath<SupplierLinkId>,
) -> Result<Json<Value>, ApiError> {
    let view = state.store().supplier_view(&actor, id).await?;
    let footprints: Vec<Value> = view
        .footprints
        .iter()
        .map(|footprint| {
            let mut value = json!(footprint);
            value["assurance"] = Value::String(footprint.assurance.as_str().to_owned());
            value
        })
        .collect();
    let inventory = view
        .inventory
        .as_ref()
        .map(|summary| with_assurance(json!(summary), tanji_footprint::Assurance::Verified, language));
    Ok(Json(json!({
        "link": view.link,
        "shares": view.shares,
        "footprints": footprints,
        "inventory": inventory,
    })))
}

/// Invitations the organisation has sent, newest first.
#[utoipa::path(get, path = "/api/v1/supplier-invitations", tag = "supplier links",
    responses((status = 200, body = Vec<InvitationView>), (status = 401, body = ErrorBody)))]
pub async fn list_invitations(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<InvitationView>>, ApiError> {
    let now = state.store().clock().now();
    let invitations = state.store().list_invitations(&actor).await?;
    Ok(Json(invitations.into_iter().map(|invitation| InvitationView::new(invitation, now)).collect()))
}

/// Invites a supplier; the code and link are in the answer and nowhere else (brands and suppliers: owners and
/// editors, `admin` scope).
#[utoipa::path(post, path = "/api/v1/supplier-invitations", tag = "supplier links", request_body = NewInvitationBody,
    responses((status = 201, body = CreatedInvitationView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_invitation(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<NewInvitationBody>,
) -> Result<(StatusCode, Json<CreatedInvitationView>), ApiError> {
    let details = InvitationDetails::parse(&body.supplier_name, body.message.as_deref())?;
    let (invitation, code) = state.store().create_invitation(&actor, &details).await?;
    let now = state.store().clock().now();
    let link = invitation_link(&state, &code);
    Ok((
        StatusCode::CREATED,
        Json(CreatedInvitationView { invitation: InvitationView::new(invitation, now), code, link }),
    ))
}

/// Withdraws an open invitation (owners and editors, `admin` scope).
#[utoipa::path(post, path = "/api/v1/supplier-invitations/{id}/withdraw", tag = "supplier links",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = InvitationView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn withdraw_invitation(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath<InvitationId>,
) -> Result<Json<InvitationView>, ApiError> {
    let invitation = state.store().revoke_invitation(&actor, id).await?;
    Ok(Json(InvitationView::new(invitation, state.store().clock().now())))
}

/// Accepts a customer's invitation for the caller's supplier organisation (owners, `admin` scope).
#[utoipa::path(post, path = "/api/v1/supplier-invitations/accept", tag = "supplier links",
    request_body = AcceptInvitationBody,
    responses((status = 201, body = SupplierLinkView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn accept_invitation(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<AcceptInvitationBody>,
) -> Result<(StatusCode, Json<SupplierLinkView>), ApiError> {
    let link = state.store().accept_invitation(&actor, body.code.trim()).await?;
    Ok((StatusCode::CREATED, Json(link.into())))
}
