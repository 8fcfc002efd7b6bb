//! The PACT v3 host (issue 11): the API partners call to get this organisation's product footprints, and its
//! console page. `app()` mounts [`routes`] only when the server is reached over HTTPS (serving TLS, or behind an
//! HTTPS public URL): the spec allows the actions over HTTPS only, so plain HTTP does not answer them at all.
//!
//! The host answers in PACT's terms — `{code, message}` errors and RFC 6749 token errors — so it sits outside the
//! console's and the REST API's error middleware, with its own limits.

pub(crate) mod console;
mod host;
pub mod responder;

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::state::AppState;

/// Largest event or token request accepted (a RequestFulfilled with many footprints fits).
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The host's routes, with their state and layers.
pub(crate) fn routes(state: AppState) -> Router {
    Router::new()
        .route("/auth/token", post(host::token))
        .route("/.well-known/openid-configuration", get(host::openid_configuration))
        .route("/3/footprints", get(host::list_footprints))
        .route("/3/footprints/{id}", get(host::get_footprint))
        .route("/3/events", post(host::events))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(CatchPanicLayer::custom(host::panic_answer))
                .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(60)))
                .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
                .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                )),
        )
}
