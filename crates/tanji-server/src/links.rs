//! Absolute links the server hands out (invitation links): built from the configured public URL, or else from the
//! request's `Host` header.

use axum::http::{HeaderMap, header};

use crate::state::AppState;

/// The base URL people reach this server at, without a trailing slash.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(public_url) = &state.config().public_url {
        return public_url.trim_end_matches('/').to_owned();
    }
    let host = headers.get(header::HOST).and_then(|value| value.to_str().ok()).unwrap_or("localhost");
    let scheme = if state.config().secure_cookies { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// The page where a supplier accepts an invitation.
pub fn invitation_link(state: &AppState, headers: &HeaderMap, code: &str) -> String {
    format!("{}/invitations/{code}", base_url(state, headers))
}

/// The page where a person accepts an invitation to become a member.
pub fn member_invitation_link(state: &AppState, headers: &HeaderMap, code: &str) -> String {
    format!("{}/join/{code}", base_url(state, headers))
}
