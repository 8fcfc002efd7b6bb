//! Request-body and path extractors whose failures are `ApiError`s, so that even a malformed request gets the API's
//! error shape and a message naming the problem.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body; a malformed one answers 400 `bad_request` saying what is wrong and where.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(ApiError::bad_request("send the body as JSON with `Content-Type: application/json`"))
            }
            // A body over the limit is 413 `payload_too_large`, not a malformed body.
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::for_status(StatusCode::PAYLOAD_TOO_LARGE, None))
            }
            Err(rejection) => Err(ApiError::bad_request(rejection.body_text())),
        }
    }
}

/// A query string; one that does not deserialise answers 400 `bad_request` naming the parameter.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(ApiError::bad_request(rejection.body_text())),
        }
    }
}

/// An object id in the path. An id that is not a UUID cannot name anything, so it answers 404 like any unknown id.
#[derive(Debug)]
pub struct IdPath<T>(pub T);

impl<S: Send + Sync, T: std::str::FromStr> FromRequestParts<S> for IdPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state).await.map_err(|_| ApiError::not_found())?;
        raw.parse().map(IdPath).map_err(|_| ApiError::not_found())
    }
}
