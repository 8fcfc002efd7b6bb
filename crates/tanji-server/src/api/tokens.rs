//! `/api/v1/tokens`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tanji_store::NewToken;
use tanji_tenancy::ApiTokenId;
use tanji_tenancy::token::{TokenName, TokenScopes};

use super::auth::ApiActor;
use super::dto::{CreatedTokenView, NewTokenBody, TokenView};
use super::extract::{ApiJson, IdPath};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Tokens of the organisation: all for owners, the caller's creator's own otherwise (`admin` scope).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens",
    responses((status = 200, body = Vec<TokenView>), (status = 403, body = ErrorBody)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<TokenView>>, ApiError> {
    let now = state.store().clock().now();
    Ok(Json(state.store().list_tokens(&actor).await?.into_iter().map(|token| TokenView::new(token, now)).collect()))
}

/// Creates a token; its secret is in the answer and nowhere else (`admin` scope).
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = NewTokenBody,
    responses((status = 201, body = CreatedTokenView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_token(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<NewTokenBody>,
) -> Result<(StatusCode, Json<CreatedTokenView>), ApiError> {
    let new_token = NewToken {
        name: TokenName::parse(&body.name)?,
        scopes: TokenScopes::from_names(body.scopes.iter().map(|scope| scope.as_str()))?,
        expires_at: body.expires_at,
    };
    let (token, secret) = state.store().create_token(&actor, &new_token).await?;
    let now = state.store().clock().now();
    Ok((StatusCode::CREATED, Json(CreatedTokenView { token: TokenView::new(token, now), secret })))
}

/// Revokes a token (`admin` scope).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = TokenView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath<ApiTokenId>,
) -> Result<Json<TokenView>, ApiError> {
    let token = state.store().revoke_token(&actor, id).await?;
    Ok(Json(TokenView::new(token, state.store().clock().now())))
}
