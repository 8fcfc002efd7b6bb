//! `ApiError`: the one error type of the REST API, with stable machine-readable codes.
//!
//! | code | status | when |
//! |---|---|---|
//! | `unauthenticated` | 401 | no, unknown, revoked or expired API token |
//! | `forbidden` | 403 | the token or its creator's role lacks a permission |
//! | `not_found` | 404 | no such object in the caller's organisation (another tenant's objects are not found either) |
//! | `bad_request` | 400 | the body is not valid JSON or has the wrong shape |
//! | `validation_failed` | 422 | a field's value is not acceptable; `field` names it |
//! | `organisation_name_taken`, `credit_code_taken`, `email_taken`, `already_member`, `facility_name_taken`, `facility_code_taken` | 409 | unique data already exists; `field` names it |
//! | `last_owner` | 409 | the change would leave the organisation without an owner |
//! | `invitation_not_open`, `own_invitation`, `not_a_supplier`, `already_linked` | 409 | the invitation cannot be accepted |
//! | `invitation_not_open`, `not_the_invitee`, `already_member`, `account_exists` | 409 | a member invitation cannot be accepted: not open, another address, already a member, or (registering) the address has an account |
//! | `already_done` | 409 | the object is already in the requested state (e.g. an inventory version already verified) |
//! | `meter_code_taken` | 409 | the organisation already has an energy meter with this code; `field` is `code` |
//! | `product_sku_taken` | 409 | the organisation already has a product with this SKU; `field` is `sku` |
//! | `model_invalid` | 422 | a product model has problems; `problems` lists each with its `path`, `message` and `hint` |
//! | `readings_rejected` | 422 | a batch of energy readings was refused whole; `items` lists each with its `index`, `field`, `message` |
//! | `rows_rejected` | 422 | an import or entry was refused whole; `rows` lists each problem with file, row, column, reason and hint |
//! | `rate_limited` | 429 | too many attempts; `Retry-After` says when to try again |
//! | `method_not_allowed` | 405 | the path exists but not with this method; `Allow` lists the methods |
//! | `timeout` | 408 | the request took longer than 60 s |
//! | `payload_too_large` | 413 | the body exceeds the limit (2 MiB) |
//! | `unsupported_media_type` | 415 | the body's `Content-Type` is not the one the endpoint reads |
//! | `internal` | 500 | a failure on our side; details are logged under `request_id`, never returned |
//! | `unavailable` | 503 | the database is unreachable or not migrated (`/readyz`) |
//!
//! The body is always `{"code": "...", "message": "...", "field": "...", "request_id": "..."}`, with `field` only
//! where one is at fault and `request_id` on failures of ours (5xx). Errors that no handler produced — a malformed
//! query string, a body over the limit, a timeout, a panic — get the same shape from
//! [`crate::structured_errors`].

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tanji_store::{Conflict, StoreError};
use tanji_tenancy::FieldError;
use tanji_tenancy::member_invitation::JoinRefused;
use tanji_tenancy::supplier_link::AcceptanceRefused;
use utoipa::ToSchema;

/// An error answer of the REST API.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<&'static str>,
    /// Seconds; `u32` (136 years) keeps the error small enough to pass around by value.
    retry_after_seconds: Option<u32>,
    // Boxed slices, not vectors: an error travels by value through every handler, and most have neither.
    rows: Box<[RowProblem]>,
    problems: Box<[ModelProblem]>,
    request_id: Option<Box<str>>,
}

/// One problem of a rejected import.
/// One problem of a product model: where in the model, what is wrong, how to fix it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelProblem {
    /// e.g. `processes[2].factors[0].unit`.
    pub path: String,
    /// The line of the uploaded footprint file, when the problem is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Stable code of the problem, e.g. `unknown_factor`, `unproductive_loop` (docs/api.md).
    pub code: String,
    /// The problem in English.
    pub message: String,
    /// How to fix it, in English.
    pub hint: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RowProblem {
    pub file: String,
    /// Row as a spreadsheet numbers it (the header is row 1).
    pub row: usize,
    pub column: String,
    /// The problem's stable code (e.g. `unit_incompatible_with_factor`).
    pub code: &'static str,
    pub reason: String,
    pub hint: String,
}

/// The JSON body of every API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `validation_failed`.
    #[schema(example = "validation_failed")]
    pub code: &'static str,
    /// What went wrong and how to fix it, in English.
    #[schema(example = "name is required")]
    pub message: String,
    /// The request field at fault, if one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "name")]
    pub field: Option<&'static str>,
    /// On failures of ours (5xx): the request's id, as in the `x-request-id` header; quote it when reporting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// For `rows_rejected`: every problem of the import.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowProblem>,
    /// For `model_invalid`: every problem of the product model.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<ModelProblem>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            retry_after_seconds: None,
            rows: Box::default(),
            problems: Box::default(),
            request_id: None,
        }
    }

    /// 409: the domain refused a step (a methodology's review, for one), with the refusal's stable code and its
    /// sentence in the request's language.
    pub fn step_refused(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// 401: no valid credentials.
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "send a valid API token as `Authorization: Bearer tanji_pat_…`; create one on the console's API tokens page",
        )
    }

    /// 401 for the event endpoints: no valid sub-platform credential.
    pub fn sub_platform_unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "send the sub-platform's credential as `Authorization: Bearer tanji_sub_…`; the operator issues it on the \
             sub-platform's page",
        )
    }

    /// 403: a sub-platform credential without the scope the endpoint needs.
    pub fn scope_missing(scope: &'static str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("this credential lacks the scope `{scope}`; ask the operator for a credential that has it"),
        )
    }

    /// 404: nothing there for the caller.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "no such object in your organisation")
    }

    /// 400: a malformed request.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 422: a field's value is not acceptable.
    pub fn validation(error: &FieldError) -> Self {
        Self {
            field: Some(error.field),
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", error.to_string())
        }
    }

    /// 422 with a code of its own (listed in docs/api.md): a refusal the endpoint explains, `message` said in the
    /// request's language.
    pub fn refused(code: &'static str, field: &'static str, message: String) -> Self {
        Self { field: Some(field), ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message) }
    }

    /// 429: too many attempts.
    pub fn rate_limited(retry_after_seconds: u64) -> Self {
        Self {
            retry_after_seconds: Some(u32::try_from(retry_after_seconds).unwrap_or(u32::MAX)),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "too many attempts; wait and try again")
        }
    }

    /// The answer for an error `status` that no handler explained (see [`crate::structured_errors`]); `detail` is
    /// what the framework said about a client error (e.g. which query parameter did not parse), never about ours.
    pub fn for_status(status: StatusCode, detail: Option<String>) -> Self {
        let (code, message) = match status {
            StatusCode::UNAUTHORIZED => return Self::unauthenticated(),
            StatusCode::NOT_FOUND => return Self::not_found(),
            StatusCode::FORBIDDEN => ("forbidden", "your role or token does not allow this"),
            StatusCode::METHOD_NOT_ALLOWED => {
                ("method_not_allowed", "this path does not take this method; see `Allow`")
            }
            StatusCode::REQUEST_TIMEOUT => ("timeout", "the request took longer than 60 s; send smaller batches"),
            StatusCode::PAYLOAD_TOO_LARGE => {
                ("payload_too_large", "the body is larger than 2 MiB; split it into smaller requests")
            }
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                ("unsupported_media_type", "send the body with the Content-Type the endpoint documents")
            }
            StatusCode::TOO_MANY_REQUESTS => ("rate_limited", "too many attempts; wait and try again"),
            StatusCode::SERVICE_UNAVAILABLE => ("unavailable", "the service is not ready; try again shortly"),
            status if status.is_server_error() => return Self::internal(&format!("unexplained {status} answer")),
            _ => ("bad_request", "the request is malformed"),
        };
        let message = match detail {
            Some(detail) if !status.is_server_error() && !detail.trim().is_empty() => {
                format!("{message}: {}", detail.trim())
            }
            _ => message.to_owned(),
        };
        Self::new(status, code, message)
    }

    /// 500: our failure. The cause is logged with the request's id; the caller learns nothing about internals.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error; it has been logged. Quote the request_id when reporting it",
        )
    }

    /// The 500 answer for request `request_id`, whose cause was logged where it happened (a handler's
    /// [`ApiError::internal`], or the panic handler).
    pub fn internal_logged(request_id: Option<String>) -> Self {
        Self {
            request_id: request_id.map(String::into_boxed_str),
            ..Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error; it has been logged. Quote the request_id when reporting it",
            )
        }
    }

    /// 503: not ready to serve.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }

    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        self.code
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::not_found(),
            StoreError::Denied(denied) => Self::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!(
                    "your role or token does not allow this (missing permission: {}; token scope needed: {})",
                    serde_json::to_value(denied.permission)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    denied.permission.required_scope().as_str()
                ),
            ),
            StoreError::Invalid(field_error) => Self::validation(&field_error),
            StoreError::Conflict(conflict) => Self {
                field: conflict.field(),
                ..Self::new(StatusCode::CONFLICT, conflict_code(conflict), conflict.to_string())
            },
            StoreError::Rejected(errors) => Self {
                rows: errors
                    .into_iter()
                    .map(|error| {
                        // API errors are in English; the code beside the text is what programs match on.
                        let (reason, hint) =
                            tanji_i18n::inventory::row_error_parts(&error, tanji_i18n::Language::English);
                        RowProblem {
                            code: error.problem.code(),
                            file: error.file,
                            row: error.row,
                            column: error.column,
                            reason,
                            hint,
                        }
                    })
                    .collect(),
                ..Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "rows_rejected",
                    "the data was refused whole; nothing was saved",
                )
            },
            StoreError::ModelProblems(problems) => Self {
                problems: problems
                    .problems
                    .into_iter()
                    .map(|problem| {
                        use tanji_i18n::Localize as _;
                        ModelProblem {
                            code: problem.code(),
                            line: problem.line,
                            message: problem.english(),
                            hint: tanji_i18n::footprint::Hint(&problem.kind).english(),
                            path: problem.path,
                        }
                    })
                    .collect(),
                ..Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "model_invalid",
                    "the product model has problems; nothing was saved",
                )
            },
            StoreError::Internal(cause) => Self::internal(&format!("{cause:#}")),
            other => Self::internal(&other),
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        Self::validation(&error)
    }
}

/// The stable code of a conflict.
pub fn conflict_code(conflict: Conflict) -> &'static str {
    match conflict {
        Conflict::OrganisationName => "organisation_name_taken",
        Conflict::CreditCode => "credit_code_taken",
        Conflict::Email => "email_taken",
        Conflict::AlreadyMember => "already_member",
        Conflict::FacilityName => "facility_name_taken",
        Conflict::FacilityCode => "facility_code_taken",
        Conflict::LastOwner => "last_owner",
        Conflict::InvitationRefused(AcceptanceRefused::NotOpen(_)) => "invitation_not_open",
        Conflict::InvitationRefused(AcceptanceRefused::OwnInvitation) => "own_invitation",
        Conflict::InvitationRefused(AcceptanceRefused::NotASupplier) => "not_a_supplier",
        Conflict::InvitationRefused(AcceptanceRefused::AlreadyLinked) => "already_linked",
        Conflict::JoinRefused(JoinRefused::NotOpen(_)) => "invitation_not_open",
        Conflict::JoinRefused(JoinRefused::NotTheInvitee) => "not_the_invitee",
        Conflict::JoinRefused(JoinRefused::AlreadyMember) => "already_member",
        Conflict::JoinRefused(JoinRefused::AccountExists) => "account_exists",
        Conflict::AlreadyDone => "already_done",
        Conflict::ProductSku => "product_sku_taken",
        Conflict::IncompleteSignOff => "inventory_incomplete",
        Conflict::MeterCode => "meter_code_taken",
        Conflict::SubPlatformCode => "sub_platform_code_taken",
        Conflict::IdentityLinked => "identity_already_linked",
        _ => "conflict",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code,
            message: self.message,
            field: self.field,
            request_id: self.request_id.map(String::from),
            rows: self.rows.into_vec(),
            problems: self.problems.into_vec(),
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after_seconds {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"tanji\""),
            );
        }
        response
    }
}
