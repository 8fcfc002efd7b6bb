//! Error answers: the v3 `Error` body `{code, message}` with its codes and statuses, and the OAuth 2.0 token
//! endpoint's errors (RFC 6749 §5.2), which the spec leaves to OAuth.

use serde::{Deserialize, Serialize};

/// The v3 `Error.code` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ErrorCode {
    /// 400: the request is malformed.
    BadRequest,
    /// 403: the caller may not see this (or has no valid credentials for it).
    AccessDenied,
    /// 401: the access token has expired or is not valid.
    TokenExpired,
    /// 404: no such footprint.
    NotFound,
    /// 500.
    InternalError,
    /// The host does not offer this. The yaml's enum comment says 501; PACT v2 answered 400. tanji follows the v3
    /// document (501).
    NotImplemented,
}

impl ErrorCode {
    /// The HTTP status the code is answered with.
    pub const fn status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::AccessDenied => 403,
            ErrorCode::TokenExpired => 401,
            ErrorCode::NotFound => 404,
            ErrorCode::InternalError => 500,
            ErrorCode::NotImplemented => 501,
        }
    }
}

/// The v3 `Error` object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct PactError {
    pub code: ErrorCode,
    pub message: String,
}

impl PactError {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

/// RFC 6749 §5.2 `error` values the token endpoint uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OAuthErrorCode {
    /// Missing or repeated parameter, wrong content type.
    InvalidRequest,
    /// Unknown client, wrong secret, revoked client, or no authentication.
    InvalidClient,
    /// A grant type other than `client_credentials`.
    UnsupportedGrantType,
    /// A scope this host does not offer.
    InvalidScope,
}

impl OAuthErrorCode {
    /// 401 for client authentication failures (RFC 6749 §5.2 allows it when the client used `Authorization`), else 400.
    pub const fn status(self) -> u16 {
        match self {
            OAuthErrorCode::InvalidClient => 401,
            _ => 400,
        }
    }
}

/// The token endpoint's error body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthError {
    pub error: OAuthErrorCode,
    pub error_description: String,
}

impl OAuthError {
    /// An error with `code` and a description.
    pub fn new(error: OAuthErrorCode, description: impl Into<String>) -> Self {
        Self { error, error_description: description.into() }
    }
}

/// What a token request asks for, read from the form body and the `Authorization: Basic` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRequest {
    pub client_id: String,
    pub client_secret: String,
    /// The scopes asked for; empty means both.
    pub scopes: Vec<String>,
}

/// Checks a token request: `grant_type=client_credentials`, credentials either in HTTP Basic (`basic`: the decoded
/// `id:secret`) or in the body (RFC 6749 §2.3.1 allows both, never both at once), known scopes.
pub fn check_token_request(basic: Option<&str>, form: &[(String, String)]) -> Result<TokenRequest, OAuthError> {
    let single = |name: &str| -> Result<Option<&str>, OAuthError> {
        let mut values = form.iter().filter(|(key, _)| key == name).map(|(_, value)| value.as_str());
        let first = values.next();
        if values.next().is_some() {
            return Err(OAuthError::new(OAuthErrorCode::InvalidRequest, format!("{name} is given more than once")));
        }
        Ok(first)
    };
    match single("grant_type")? {
        Some("client_credentials") => {}
        Some(other) => {
            return Err(OAuthError::new(
                OAuthErrorCode::UnsupportedGrantType,
                format!("grant_type {other:?} is not supported; use client_credentials"),
            ));
        }
        None => return Err(OAuthError::new(OAuthErrorCode::InvalidRequest, "grant_type is missing")),
    }
    let body_id = single("client_id")?;
    let body_secret = single("client_secret")?;
    let (client_id, client_secret) = match (basic, body_id, body_secret) {
        (Some(basic), None, None) | (Some(basic), Some(_), None) => {
            let (id, secret) = basic.split_once(':').ok_or_else(|| {
                OAuthError::new(OAuthErrorCode::InvalidClient, "the Basic credentials are not client_id:client_secret")
            })?;
            if body_id.is_some_and(|body_id| body_id != id) {
                return Err(OAuthError::new(
                    OAuthErrorCode::InvalidRequest,
                    "client_id differs from the Basic credentials",
                ));
            }
            (id.to_owned(), secret.to_owned())
        }
        (None, Some(id), Some(secret)) => (id.to_owned(), secret.to_owned()),
        (Some(_), _, Some(_)) => {
            return Err(OAuthError::new(OAuthErrorCode::InvalidRequest, "credentials are given in two ways; use one"));
        }
        _ => return Err(OAuthError::new(OAuthErrorCode::InvalidClient, "client authentication is missing")),
    };
    let scopes: Vec<String> =
        single("scope")?.map(|scope| scope.split_whitespace().map(str::to_owned).collect()).unwrap_or_default();
    if let Some(unknown) = scopes.iter().find(|scope| ![crate::SCOPE_LIST, crate::SCOPE_READ].contains(&scope.as_str()))
    {
        return Err(OAuthError::new(OAuthErrorCode::InvalidScope, format!("scope {unknown:?} is not offered")));
    }
    Ok(TokenRequest { client_id, client_secret, scopes })
}
