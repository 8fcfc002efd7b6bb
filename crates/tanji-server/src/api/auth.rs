//! Who is calling the API: an `Authorization: Bearer` API token, turned into an actor by the store.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use tanji_tenancy::Actor;

use crate::error::ApiError;
use crate::state::AppState;

/// The actor behind a request's API token. Extraction fails with 401 `unauthenticated` when the token is missing,
/// unknown, revoked or expired, or its creator left the organisation.
#[derive(Clone, Debug)]
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header_value = parts.headers.get(header::AUTHORIZATION).and_then(|value| value.to_str().ok());
        let Some(secret) = header_value.and_then(|value| value.strip_prefix("Bearer ")) else {
            return Err(ApiError::unauthenticated());
        };
        match state.store().token_actor(secret.trim()).await? {
            Some(actor) => {
                tracing::Span::current().record("organisation_id", tracing::field::display(actor.organisation_id));
                Ok(ApiActor(actor))
            }
            None => Err(ApiError::unauthenticated()),
        }
    }
}
