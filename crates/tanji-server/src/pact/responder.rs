//! Answering a partner's RequestCreated asynchronously: the footprints it may see that match its criteria go back
//! in a RequestFulfilled, or a RequestRejected (NotFound) when none match, posted to the requester's events
//! endpoint with retries and exponential back-off; every attempt is recorded on the answer's event row.
//!
//! Where the answer goes: the request's CloudEvents `source` when it is an absolute `https://` URL (`…/3/events`,
//! or a base URL to which `/3/events` is added — the conformance suite sends its webhook's base), else the client's
//! registered events URL. Plain `http://` is used only when the server is configured to allow it (local
//! conformance runs and tests), never by default. The answer is posted without credentials: obtaining a token from
//! the requester's own host needs that host's client credentials, which tanji does not hold yet (client side of
//! issue 11, not done).

use std::time::Duration;

use tanji_pact::event::{Event, EventKind, REQUEST_FULFILLED, REQUEST_REJECTED, answer_event};
use tanji_pact::{ErrorCode, PactError};
use tanji_store::pact::PactCaller;

use crate::state::AppState;

/// Attempts before an answer is abandoned: 1 s, 2 s, 4 s … apart (about 17 minutes in all).
pub const MAX_ATTEMPTS: u32 = 10;

/// Where an answer to a request from `source` goes, if anywhere.
pub fn answer_url(source: &str, allow_plain_http: bool) -> Option<String> {
    let source = source.trim();
    let absolute =
        if let Some(rest) = source.strip_prefix("//") { format!("https://{rest}") } else { source.to_owned() };
    let allowed = absolute.starts_with("https://") || (allow_plain_http && absolute.starts_with("http://"));
    if !allowed || absolute.chars().any(char::is_whitespace) {
        return None;
    }
    let trimmed = absolute.trim_end_matches('/');
    Some(if trimmed.ends_with("/3/events") { trimmed.to_owned() } else { format!("{trimmed}/3/events") })
}

/// Starts answering `event` (a RequestCreated just stored) in the background.
pub(crate) fn answer_soon(state: AppState, caller: PactCaller, event: Event) {
    tokio::spawn(async move {
        if let Err(error) = answer(&state, &caller, &event).await {
            tracing::error!(error = %format!("{error:#}"), "answering a PACT request failed");
        }
    });
}

async fn answer(state: &AppState, caller: &PactCaller, event: &Event) -> anyhow::Result<()> {
    let EventKind::RequestCreated { filter, .. } = &event.kind else { return Ok(()) };
    let footprints = state.store().pact_footprints(caller, &super::host::issuer_domain(state)).await?;
    let matching: Vec<_> = footprints.into_iter().filter(|footprint| filter.matches(footprint)).collect();
    let rejection = PactError::new(ErrorCode::NotFound, "No footprint shared with you matches the request.");
    let (answer_type, fulfilled, result) = if matching.is_empty() {
        (REQUEST_REJECTED, false, Err(&rejection))
    } else {
        (REQUEST_FULFILLED, true, Ok(matching.as_slice()))
    };
    let base = state.config().base_url();
    let answer_id = uuid::Uuid::now_v7().to_string();
    let body = answer_event(&answer_id, &format!("{base}/3/events"), state.store().pact_now(), &event.id, result);
    let allow_http = state.config().pact_allow_plain_http_callbacks;
    let Some(url) = answer_url(&event.source, allow_http) else {
        anyhow::bail!("the request's source {:?} is not an https URL to answer to", event.source);
    };
    let body = serde_json::to_string(&body)?;
    let stored = state
        .store()
        .record_pact_answer(caller, &event.source, &event.id, &answer_id, answer_type, fulfilled, &url, &body)
        .await?;
    deliver(state, &stored.id, &stored.url, &stored.body).await
}

async fn deliver(state: &AppState, answer_id: &str, url: &str, body: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?;
    let mut delay = Duration::from_secs(1);
    for attempt in 1..=MAX_ATTEMPTS {
        let outcome = match client
            .post(url)
            .header("content-type", "application/cloudevents+json; charset=utf-8")
            .body(body.to_owned())
            .send()
            .await
        {
            Ok(response) if response.status().is_success() => Ok(()),
            Ok(response) => Err(format!("HTTP {}", response.status().as_u16())),
            Err(error) => Err(error.to_string()),
        };
        let done = outcome.is_ok() || attempt == MAX_ATTEMPTS;
        let retry_at = (!done).then(|| state.store().pact_now() + delay);
        state.store().record_pact_delivery(answer_id, outcome, retry_at).await?;
        if done {
            return Ok(());
        }
        tokio::time::sleep(delay).await;
        delay = delay.saturating_mul(2);
    }
    Ok(())
}
