//! HTTP adapter: the web console, the REST API under `/api/v1` with its generated OpenAPI document, health checks,
//! and the middleware every request passes through (request ids, tracing, security headers, compression, limits).
//!
//! Handlers are thin: they parse input into domain values, call the store with the authenticated actor, and render
//! the result. Who may see what is decided by the store and the tenancy domain, not here.

pub mod account;
mod api;
mod assets;
pub mod client_address;
mod console;
pub mod download;
pub mod energy;
pub mod error;
mod health;
pub mod i18n;
mod label_pages;
mod links;
pub mod pact;
pub mod redirect;
mod serve;
mod state;
pub mod structured_errors;
pub mod supplier;
mod web_context;

/// A store conflict in the reader's language, for the command line's operator commands too.
pub use console::error_page::conflict_text;
pub use serve::{SHUTDOWN_GRACE, TlsFiles, serve, shutdown_signal};
pub use state::{AppState, DemoAccount, DemoLogins, ServerConfig};

use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// The OpenAPI document of the REST API, as served at `/api/v1/openapi.json`.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    api::router().1
}

/// Largest request body accepted anywhere.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// Longest a request may take before it is answered 408.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Scripts, styles, fonts and images come from this server only; no inline scripts; no framing.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/// The whole application: console, public pages, API, assets and health checks, with middleware.
pub fn app(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let secure = state.config().secure_cookies;
    let web_pages = console::routes().layer(from_fn_with_state(state.clone(), web_context::web_context_layer));
    // Outside the web-context layer (no session, no cookie) and outside the middleware below: see label_pages.
    let label_pages = label_pages::routes(state.clone());
    // The PACT host answers only over HTTPS (see pact): not mounted at all when clients reach this server by HTTP.
    let pact_host = state.config().reached_over_https().then(|| pact::routes(state.clone()));
    let router = Router::new()
        .merge(api::routes())
        .merge(web_pages)
        .route("/assets/{*path}", get(assets::serve))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .with_state(state);

    let security_headers = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        // Invitation links carry their secret in the path: never leak a URL to another site in a Referer.
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            secure.then(|| HeaderValue::from_static("max-age=31536000")),
        ));

    router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
                // The matched route, not the raw path: paths such as /invitations/{code} carry secrets.
                let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str);
                let request_id = request.headers().get("x-request-id").and_then(|value| value.to_str().ok()).unwrap_or("");
                tracing::info_span!("request", method = %request.method(), route, request_id, organisation_id = tracing::field::Empty)
            })
            .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(tower_http::LatencyUnit::Millis))
            .on_failure(DefaultOnFailure::new().level(Level::ERROR)))
            .layer(PropagateRequestIdLayer::new(request_id))
            .layer(security_headers)
            .layer(CompressionLayer::new())
            .layer(axum::middleware::from_fn(structured_errors::structured_errors))
            .layer(CatchPanicLayer::custom(structured_errors::panic_answer))
            .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
            .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES)),
    )
    // What a QR-code scan opens: answered from memory with its own security, cache and compression headers, so it
    // skips the per-request middleware above, which costs as much as the page (BENCHMARKS.md, "Public label page").
    .merge(label_pages)
    .merge(pact_host.unwrap_or_default())
}
