//! Absolute links the server hands out (label QR codes and pages, invitation links, API examples): built from the
//! configured public URL, else from the address the server listens on — never from the request. A request's `Host`
//! header is whatever the client sends, so a link built from it could point a printed QR code or an invitation at
//! someone else's site.

use crate::state::AppState;

/// The base URL people reach this server at, without a trailing slash: see [`crate::ServerConfig::base_url`].
pub fn base_url(state: &AppState) -> String {
    state.config().base_url()
}

/// The page where a supplier accepts an invitation.
pub fn invitation_link(state: &AppState, code: &str) -> String {
    format!("{}/invitations/{code}", base_url(state))
}

/// The page where a person accepts an invitation to become a member.
pub fn member_invitation_link(state: &AppState, code: &str) -> String {
    format!("{}/join/{code}", base_url(state))
}
