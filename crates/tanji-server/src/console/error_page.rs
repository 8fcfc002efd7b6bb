//! Error pages of the console, in the request's language, and the mapping from store errors to them.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tanji_store::{Conflict, StoreError};
use tanji_tenancy::supplier_link::AcceptanceRefused;

use super::frame::{Frame, render};
use crate::i18n::Text;
use crate::web_context::WebContext;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    frame: Frame,
    heading: String,
    message: String,
    logged_in: bool,
    request_id: Option<String>,
}

/// An error page: a status and what to tell the person.
#[derive(Debug)]
pub struct ErrorPage {
    status: StatusCode,
    web: WebContext,
    message: String,
    /// Answered by the middleware, which does not look the session up: offer the way back, not a login.
    session_unknown: bool,
}

impl ErrorPage {
    fn new(web: &WebContext, status: StatusCode, message: String) -> Self {
        Self { status, web: web.clone(), message, session_unknown: false }
    }

    /// 404: the page does not exist or belongs to another organisation.
    pub fn not_found(web: &WebContext) -> Self {
        Self::new(web, StatusCode::NOT_FOUND, web.text().error_not_found.to_owned())
    }

    /// 403: the role lacks a permission.
    pub fn forbidden(web: &WebContext) -> Self {
        Self::new(web, StatusCode::FORBIDDEN, web.text().error_forbidden.to_owned())
    }

    /// 403: a state-changing request without a valid CSRF token or from another origin.
    pub fn csrf(web: &WebContext) -> Self {
        Self::new(web, StatusCode::FORBIDDEN, web.text().error_csrf.to_owned())
    }

    /// 413: a form too large.
    pub fn payload_too_large(web: &WebContext) -> Self {
        Self::new(web, StatusCode::PAYLOAD_TOO_LARGE, web.text().error_payload_too_large.to_owned())
    }

    /// The page for an error `status` that no handler explained (a malformed form or query, a method the route does
    /// not take, a body over the limit, a timeout, a panic): the middleware in [`crate::structured_errors`] answers
    /// with it.
    pub fn for_status(web: &WebContext, status: StatusCode) -> Self {
        let t = web.text();
        let message = match status {
            StatusCode::NOT_FOUND => t.error_not_found,
            StatusCode::FORBIDDEN => t.error_forbidden,
            StatusCode::METHOD_NOT_ALLOWED => t.error_method_not_allowed,
            StatusCode::REQUEST_TIMEOUT => t.error_timeout,
            StatusCode::PAYLOAD_TOO_LARGE => t.error_payload_too_large,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => t.error_unsupported_media_type,
            status if status.is_server_error() => t.error_internal,
            _ => t.error_bad_request,
        };
        Self { session_unknown: true, ..Self::new(web, status, message.to_owned()) }
    }

    /// 409: a conflict with existing data.
    pub fn conflict(web: &WebContext, conflict: Conflict) -> Self {
        let t = web.text();
        Self::new(web, StatusCode::CONFLICT, format!("{} {}", t.error_conflict, conflict_text(t, conflict)))
    }

    /// 500: logged with the cause; the person gets the request id to quote.
    pub fn internal(web: &WebContext, cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(web, StatusCode::INTERNAL_SERVER_ERROR, web.text().error_internal.to_owned())
    }

    /// The page for a store error.
    pub fn from_store(web: &WebContext, error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::not_found(web),
            StoreError::Denied(_) => Self::forbidden(web),
            StoreError::Conflict(conflict) => Self::conflict(web, conflict),
            StoreError::Invalid(field_error) => {
                let t = web.text();
                let message = t.field_problem(field_error.field, &field_error.problem);
                Self::new(web, StatusCode::UNPROCESSABLE_ENTITY, message)
            }
            other => Self::internal(web, &other),
        }
    }
}

impl IntoResponse for ErrorPage {
    fn into_response(self) -> Response {
        let t = self.web.text();
        let page = ErrorTemplate {
            frame: Frame::public(&self.web, t.error_title),
            heading: t.error_title.to_owned(),
            message: self.message,
            // /console sends people who are not logged in to the login page anyway.
            logged_in: self.web.session.is_some() || self.session_unknown,
            // Only failures on our side need a reference; a 404 with an id would invite pointless reports.
            request_id: self.status.is_server_error().then(|| self.web.request_id.clone()).flatten(),
        };
        render(self.status, &page)
    }
}

/// A conflict explained in the person's language.
pub fn conflict_text(t: &'static Text, conflict: Conflict) -> &'static str {
    match conflict {
        Conflict::OrganisationName => t.conflict_organisation_name,
        Conflict::CreditCode => t.conflict_credit_code,
        Conflict::Email => t.conflict_email,
        Conflict::AlreadyMember => t.conflict_already_member,
        Conflict::FacilityName => t.conflict_facility_name,
        Conflict::FacilityCode => t.conflict_facility_code,
        Conflict::LastOwner => t.conflict_last_owner,
        Conflict::InvitationRefused(AcceptanceRefused::OwnInvitation) => t.conflict_own_invitation,
        Conflict::InvitationRefused(AcceptanceRefused::NotASupplier) => t.conflict_not_a_supplier,
        Conflict::InvitationRefused(AcceptanceRefused::AlreadyLinked) => t.conflict_already_linked,
        Conflict::InvitationRefused(AcceptanceRefused::NotOpen(_)) => t.invitation_not_open,
        Conflict::JoinRefused(refused) => t.join_refused(&refused),
        Conflict::IncompleteSignOff => t.conflict_inventory_incomplete,
        Conflict::MeterCode => t.conflict_meter_code,
        _ => t.conflict_already_done,
    }
}
