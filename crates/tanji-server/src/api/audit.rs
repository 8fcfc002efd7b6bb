//! `/api/v1/audit-events`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use tanji_store::AuditQuery;
use tanji_tenancy::AuditEventId;
use tanji_tenancy::FieldError;
use tanji_tenancy::audit::AuditAction;
use tanji_tenancy::validation::Problem;
use utoipa::IntoParams;

use super::auth::ApiActor;
use super::dto::AuditPage;
use super::extract::ApiQuery;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Which audit entries to list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditListQuery {
    /// Only this action, e.g. `facility.updated`.
    pub action: Option<String>,
    /// Only entries about this object (its history).
    pub object_id: Option<String>,
    /// Only entries older than this one: the previous page's `next_before`.
    pub before: Option<uuid::Uuid>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<usize>,
}

/// The organisation's audit log, newest first (owners and auditors, `read` scope).
#[utoipa::path(get, path = "/api/v1/audit-events", tag = "audit", params(AuditListQuery),
    responses((status = 200, body = AuditPage), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_audit_events(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(query): ApiQuery<AuditListQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let action = match query.action.as_deref() {
        None | Some("") => None,
        Some(name) => Some(AuditAction::from_name(name).ok_or_else(|| {
            FieldError::new("action", Problem::NotOneOf { choices: AuditAction::ALL.map(AuditAction::as_str).to_vec() })
        })?),
    };
    let limit = query.limit.unwrap_or(AuditQuery::DEFAULT_LIMIT);
    if !(1..=200).contains(&limit) {
        return Err(FieldError::new("limit", Problem::OutOfRange { min: "1", max: "200" }).into());
    }
    let audit_query =
        AuditQuery { action, object_id: query.object_id, before: query.before.map(AuditEventId::from_uuid), limit };
    let events = state.store().list_audit_events(&actor, &audit_query).await?;
    let next_before = (events.len() == limit).then(|| events.last().map(|event| event.id.as_uuid())).flatten();
    Ok(Json(AuditPage { items: events.into_iter().map(Into::into).collect(), next_before }))
}
