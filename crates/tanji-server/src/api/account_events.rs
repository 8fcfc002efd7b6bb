//! `/api/v1/account/sub-platforms/{id}/events`: a sub-platform reports its events in batches and reads their
//! outcomes back for reconciliation, authenticated by its own credential (`Authorization: Bearer tanji_sub_…`), for
//! its own sub-platform only. Every event is answered once decided: `recorded` (decided now), `replayed` (delivered
//! before with the same payload: the stored outcome; nothing credited again) or `refused` (`event_id_reused`: the id
//! was used for another payload). The outcome carries the domain's code (`credited`, `capped`, `held`, `rejected`
//! with a `reason.code`) and a `message` in the request's `Accept-Language`.

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::header;
use axum::http::request::Parts;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tanji_account::ingestion::{DeliveryRefusal, MAX_BATCH_EVENTS, SubPlatformEvent, outcome_code};
use tanji_account::methodology::Activity;
use tanji_i18n::{Language, Localize};
use tanji_store::account_events::{Delivery, RecordedOutcome};
use tanji_store::account_sub_platforms::{CredentialScope, SubPlatformCaller};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::{ApiJson, ApiQuery, IdPath};
use super::inventory::{ApiLanguage, coded};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// The sub-platform behind a request's `tanji_sub_…` credential. 401 when it is missing, unknown or revoked, or the
/// sub-platform is suspended.
pub struct SubPlatformAuth(pub SubPlatformCaller);

impl FromRequestParts<AppState> for SubPlatformAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header_value = parts.headers.get(header::AUTHORIZATION).and_then(|value| value.to_str().ok());
        let Some(secret) = header_value.and_then(|value| value.strip_prefix("Bearer ")) else {
            return Err(ApiError::sub_platform_unauthenticated());
        };
        match state.store().sub_platform_caller(secret.trim()).await? {
            Some(caller) => Ok(SubPlatformAuth(caller)),
            None => Err(ApiError::sub_platform_unauthenticated()),
        }
    }
}

fn require_scope(caller: &SubPlatformCaller, scope: CredentialScope) -> Result<(), ApiError> {
    if caller.scopes.contains(&scope) { Ok(()) } else { Err(ApiError::scope_missing(scope.as_str())) }
}

/// One event as the sub-platform reports it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EventBody {
    /// The sub-platform's own id for the event, unique within the sub-platform (at most 128 characters).
    #[schema(example = "trip-2026-12-07-000123")]
    pub event_id: String,
    /// The person's identity at the sub-platform, linked to their parent account.
    #[schema(example = "rider-80231")]
    pub identity: String,
    #[schema(example = "metro_trip")]
    pub behaviour: String,
    pub occurred_at: Timestamp,
    /// The activity in the terms of the behaviour's methodology, e.g. `{"kind": "distance", "person_km": 12.5}`,
    /// `{"kind": "count", "unit": "order", "units": 1}`.
    #[schema(value_type = Object)]
    pub activity: Activity,
}

/// A batch of events (at most 1,000).
#[derive(Debug, Deserialize, ToSchema)]
pub struct EventBatchBody {
    pub events: Vec<EventBody>,
}

/// An event's stored outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeView {
    pub event_id: String,
    pub identity: String,
    pub behaviour: String,
    pub occurred_at: Timestamp,
    /// The parent account's person number, when the identity was linked.
    pub person_number: Option<u64>,
    /// `credited`, `capped`, `held` or `rejected`.
    pub outcome_code: String,
    /// The domain's outcome: `outcome`, `transfer_id` (decimal), `points`, `methodology` (id and version), `reason`
    /// (with its `code` for a rejection), and `message` in the request's language.
    #[schema(value_type = Object)]
    pub outcome: Value,
    /// Points credited for good by this event (0 for held and rejected).
    pub points_credited: u64,
    /// `http` or `nats`.
    pub received_via: String,
    pub recorded_at: Timestamp,
}

impl OutcomeView {
    fn new(recorded: RecordedOutcome, language: Language) -> Self {
        OutcomeView {
            outcome_code: outcome_code(&recorded.outcome).to_owned(),
            outcome: coded(&recorded.outcome, recorded.outcome.localize(language)),
            event_id: recorded.event_id,
            identity: recorded.identity,
            behaviour: recorded.behaviour,
            occurred_at: recorded.occurred_at,
            person_number: recorded.person_number,
            points_credited: recorded.points_credited,
            received_via: recorded.received_via.as_str().to_owned(),
            recorded_at: recorded.recorded_at,
        }
    }
}

/// What became of one event of a batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventAnswerView {
    pub event_id: String,
    /// `recorded` (decided now), `replayed` (decided before; the stored outcome, nothing credited again) or
    /// `refused`.
    pub delivery: String,
    pub outcome: Option<OutcomeView>,
    /// For `refused`: `{"code": "event_id_reused", "event_id", "message"}`.
    #[schema(value_type = Option<Object>)]
    pub refusal: Option<Value>,
}

/// The answers of a batch, one per event in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventBatchAnswer {
    pub answers: Vec<EventAnswerView>,
}

fn answer(event_id: String, delivery: Delivery, language: Language) -> EventAnswerView {
    let refusal = |refusal: DeliveryRefusal| coded(&refusal, refusal.localize(language));
    match delivery {
        Delivery::Recorded(recorded) => EventAnswerView {
            event_id,
            delivery: "recorded".to_owned(),
            outcome: Some(OutcomeView::new(recorded, language)),
            refusal: None,
        },
        Delivery::Replayed(recorded) => EventAnswerView {
            event_id,
            delivery: "replayed".to_owned(),
            outcome: Some(OutcomeView::new(recorded, language)),
            refusal: None,
        },
        Delivery::Refused(refused) => {
            EventAnswerView { event_id, delivery: "refused".to_owned(), outcome: None, refusal: Some(refusal(refused)) }
        }
    }
}

/// Reports a batch of events (`events:write` scope; the sub-platform's own credential). Each event is decided and
/// committed with its ledger transfer on its own, exactly once: repeat a batch after a timeout and the events
/// already decided answer `replayed` with their stored outcome.
#[utoipa::path(post, path = "/api/v1/account/sub-platforms/{id}/events", tag = "carbon account events",
    security(("sub_platform" = [])),
    params(("id" = Uuid, Path)), request_body = EventBatchBody,
    responses((status = 200, body = EventBatchAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_events(
    State(state): State<AppState>,
    SubPlatformAuth(caller): SubPlatformAuth,
    ApiLanguage(language): ApiLanguage,
    IdPath(id): IdPath<Uuid>,
    ApiJson(body): ApiJson<EventBatchBody>,
) -> Result<Json<EventBatchAnswer>, ApiError> {
    require_scope(&caller, CredentialScope::EventsWrite)?;
    if body.events.len() > MAX_BATCH_EVENTS {
        return Err(ApiError::refused(
            "batch_too_large",
            "events",
            format!("a batch carries at most {MAX_BATCH_EVENTS} events, this one {}: split it", body.events.len()),
        ));
    }
    let events: Vec<SubPlatformEvent> = body
        .events
        .into_iter()
        .map(|event| SubPlatformEvent {
            event_id: event.event_id,
            identity: event.identity,
            behaviour: event.behaviour,
            occurred_at: event.occurred_at,
            activity: event.activity,
        })
        .collect();
    let deliveries = state.store().ingest_events(&caller, id, &events).await?;
    let answers = events
        .into_iter()
        .zip(deliveries)
        .map(|(event, delivery)| answer(event.event_id, delivery, language))
        .collect();
    Ok(Json(EventBatchAnswer { answers }))
}

/// Which outcomes to read.
#[derive(Debug, Deserialize, IntoParams)]
pub struct OutcomesQuery {
    /// Outcomes recorded at or after this time (RFC 3339); all without it. At most 1,000 per read, oldest first:
    /// read again from the last `recorded_at`.
    pub since: Option<Timestamp>,
}

/// The sub-platform's outcomes, oldest first (`outcomes:read` scope), for reconciliation.
#[utoipa::path(get, path = "/api/v1/account/sub-platforms/{id}/events", tag = "carbon account events",
    security(("sub_platform" = [])),
    params(("id" = Uuid, Path), OutcomesQuery),
    responses((status = 200, body = Vec<OutcomeView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn list_outcomes(
    State(state): State<AppState>,
    SubPlatformAuth(caller): SubPlatformAuth,
    ApiLanguage(language): ApiLanguage,
    IdPath(id): IdPath<Uuid>,
    ApiQuery(query): ApiQuery<OutcomesQuery>,
) -> Result<Json<Vec<OutcomeView>>, ApiError> {
    require_scope(&caller, CredentialScope::OutcomesRead)?;
    let outcomes = state.store().event_outcomes(&caller, id, query.since).await?;
    Ok(Json(outcomes.into_iter().map(|outcome| OutcomeView::new(outcome, language)).collect()))
}

/// One event's outcome (`outcomes:read` scope); 404 when it was never decided.
#[utoipa::path(get, path = "/api/v1/account/sub-platforms/{id}/events/{event_id}", tag = "carbon account events",
    security(("sub_platform" = [])),
    params(("id" = Uuid, Path), ("event_id" = String, Path)),
    responses((status = 200, body = OutcomeView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn get_outcome(
    State(state): State<AppState>,
    SubPlatformAuth(caller): SubPlatformAuth,
    ApiLanguage(language): ApiLanguage,
    Path((id, event_id)): Path<(String, String)>,
) -> Result<Json<OutcomeView>, ApiError> {
    require_scope(&caller, CredentialScope::OutcomesRead)?;
    let id: Uuid = id.parse().map_err(|_| ApiError::not_found())?;
    let outcome = state.store().event_outcome(&caller, id, &event_id).await?;
    Ok(Json(OutcomeView::new(outcome, language)))
}
