//! The host's handlers: token, discovery, ListFootprints, GetFootprint, Events.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use tanji_pact::error::{OAuthError, OAuthErrorCode, check_token_request};
use tanji_pact::event::{EventKind, parse_event};
use tanji_pact::filter::{ListQuery, next_link};
use tanji_pact::{ErrorCode, PactError};
use tanji_store::pact::{PactCaller, PactTokenRefusal};

use crate::state::AppState;

/// A PACT `{code, message}` answer with the code's status.
fn pact_error(code: ErrorCode, message: impl Into<String>) -> Response {
    pact_error_with(StatusCode::from_u16(code.status()).unwrap_or(StatusCode::BAD_REQUEST), code, message)
}

fn pact_error_with(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Response {
    (status, Json(PactError::new(code, message))).into_response()
}

fn internal(error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "the PACT host failed");
    pact_error(ErrorCode::InternalError, "The host failed to answer; try again later.")
}

/// A panic answered as PACT's InternalError.
pub(super) fn panic_answer(_panic: Box<dyn std::any::Any + Send + 'static>) -> axum::http::Response<Body> {
    tracing::error!("a PACT handler panicked");
    internal("panic")
}

fn oauth_error(error: OAuthError) -> Response {
    let status = StatusCode::from_u16(error.error.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = (status, Json(error)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"pact\""));
    }
    response
}

/// `POST /auth/token`: OAuth 2.0 client credentials (RFC 6749 §4.4), HTTP Basic or form credentials.
pub(super) async fn token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"));
    if !form_type {
        return oauth_error(OAuthError::new(
            OAuthErrorCode::InvalidRequest,
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let basic = match headers.get(header::AUTHORIZATION).map(|value| value.to_str().map(str::to_owned)) {
        None => None,
        Some(Ok(value)) => match value.split_once(' ') {
            Some((scheme, encoded)) if scheme.eq_ignore_ascii_case("basic") => {
                match STANDARD.decode(encoded.trim()).ok().and_then(|bytes| String::from_utf8(bytes).ok()) {
                    Some(decoded) => Some(decoded),
                    None => {
                        return oauth_error(OAuthError::new(
                            OAuthErrorCode::InvalidClient,
                            "malformed Basic credentials",
                        ));
                    }
                }
            }
            _ => return oauth_error(OAuthError::new(OAuthErrorCode::InvalidClient, "use HTTP Basic authentication")),
        },
        Some(Err(_)) => return oauth_error(OAuthError::new(OAuthErrorCode::InvalidClient, "malformed Authorization")),
    };
    // RFC 6749 §2.3.1: client id and secret are form-encoded before Basic encoding.
    let basic = basic.map(|decoded| match decoded.split_once(':') {
        Some((id, secret)) => format!("{}:{}", decode_form_component(id), decode_form_component(secret)),
        None => decoded,
    });
    let request = match check_token_request(basic.as_deref(), &form) {
        Ok(request) => request,
        Err(error) => return oauth_error(error),
    };
    match state.store().issue_pact_token(&request.client_id, &request.client_secret, &request.scopes).await {
        Ok(Some(issued)) => Json(serde_json::json!({
            "access_token": issued.access_token,
            "token_type": "Bearer",
            "expires_in": issued.expires_in_seconds,
            "scope": issued.scopes.join(" "),
        }))
        .into_response(),
        Ok(None) => oauth_error(OAuthError::new(OAuthErrorCode::InvalidClient, "client authentication failed")),
        Err(error) => internal(error),
    }
}

fn decode_form_component(text: &str) -> String {
    form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

/// `https://` and the request's `Host`: the base of links handed to this caller.
fn request_base(state: &AppState, headers: &HeaderMap) -> String {
    match headers.get(header::HOST).and_then(|value| value.to_str().ok()).filter(|host| valid_host(host)) {
        Some(host) => format!("https://{host}"),
        None => state.config().base_url(),
    }
}

/// A `Host` value that is only a host name or address with an optional port (nothing that could break a URL).
fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host.bytes().all(|byte| byte.is_ascii_alphanumeric() || b".-:[]".contains(&byte))
}

/// `GET /.well-known/openid-configuration`: where the token endpoint is (OpenID Connect Discovery §4).
pub(super) async fn openid_configuration(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let base = request_base(&state, &headers);
    Json(serde_json::json!({
        "issuer": base,
        "token_endpoint": format!("{base}/auth/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": [tanji_pact::SCOPE_LIST, tanji_pact::SCOPE_READ],
        "response_types_supported": ["token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["none"],
        "jwks_uri": format!("{base}/.well-known/jwks.json"),
    }))
    .into_response()
}

/// The caller of a request, or the answer refusing it: 401 for a missing, invalid or expired token (the spec's
/// rule); the body's code is `TokenExpired` for an expired one and `BadRequest` otherwise (what the conformance
/// suite expects); 403 AccessDenied when the token lacks the scope.
async fn caller(state: &AppState, headers: &HeaderMap, scope: Option<&str>) -> Result<PactCaller, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned());
    let unauthorised = |code: ErrorCode, message: &str| {
        let mut response = pact_error_with(StatusCode::UNAUTHORIZED, code, message);
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"pact\""));
        response
    };
    let Some(token) = token else {
        return Err(unauthorised(ErrorCode::BadRequest, "An access token is required (Authorization: Bearer …)."));
    };
    match state.store().pact_caller(&token).await {
        Ok(Ok(caller)) => match scope {
            Some(scope) if !caller.scopes.iter().any(|own| own == scope) => {
                Err(pact_error(ErrorCode::AccessDenied, format!("The access token lacks the scope {scope}.")))
            }
            _ => Ok(caller),
        },
        Ok(Err(PactTokenRefusal::Expired)) => {
            Err(unauthorised(ErrorCode::TokenExpired, "The access token has expired."))
        }
        Ok(Err(PactTokenRefusal::Invalid)) => Err(unauthorised(ErrorCode::BadRequest, "Invalid access token.")),
        Err(error) => Err(internal(error)),
    }
}

/// The domain product id URNs name: this host's public address.
pub(crate) fn issuer_domain(state: &AppState) -> String {
    let base = state.config().base_url();
    let authority = base.split_once("://").map_or(base.as_str(), |(_, rest)| rest);
    let authority = authority.split(['/', '?', '#']).next().unwrap_or_default();
    // URN syntax has no room for a port; the host names the issuer.
    match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default().to_owned(),
        None => authority.rsplit_once(':').map_or(authority, |(host, _)| host).to_owned(),
    }
}

/// `GET /3/footprints`: the caller's footprints, filtered, a page at a time.
pub(super) async fn list_footprints(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let caller = match caller(&state, &headers, Some(tanji_pact::SCOPE_LIST)).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    let query = match ListQuery::parse(&pairs) {
        Ok(query) => query,
        Err(problem) => return pact_error(ErrorCode::BadRequest, problem.to_string()),
    };
    let footprints = match state.store().pact_footprints(&caller, &issuer_domain(&state)).await {
        Ok(footprints) => footprints,
        Err(error) => return internal(error),
    };
    let (page, next) = query.page(&footprints);
    let mut response = Json(serde_json::json!({ "data": page })).into_response();
    if let Some(next) = next {
        let link = next_link(&request_base(&state, &headers), "/3/footprints", &pairs, next);
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    response
}

/// `GET /3/footprints/{id}`: one footprint; 404 when no such footprint is the data owner's, 403 when it is but the
/// caller may not see it.
pub(super) async fn get_footprint(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let caller = match caller(&state, &headers, Some(tanji_pact::SCOPE_READ)).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let footprints = match state.store().pact_footprints(&caller, &issuer_domain(&state)).await {
        Ok(footprints) => footprints,
        Err(error) => return internal(error),
    };
    if let Some(footprint) = footprints.into_iter().find(|footprint| footprint.id.eq_ignore_ascii_case(&id)) {
        return Json(serde_json::json!({ "data": footprint })).into_response();
    }
    match state.store().pact_footprint_exists_for_owner(&caller, &id).await {
        Ok(true) => pact_error(ErrorCode::AccessDenied, "This footprint is not shared with you."),
        Ok(false) => pact_error(ErrorCode::NotFound, format!("No footprint with id {id:?} exists.")),
        Err(error) => internal(error),
    }
}

/// `POST /3/events`: a CloudEvent, checked, stored once, answered 200 with an empty body. A RequestCreated is
/// answered later, by [`super::responder`].
pub(super) async fn events(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let caller = match caller(&state, &headers, None).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let event = match parse_event(&body) {
        Ok(event) => event,
        Err(problem) => return pact_error(ErrorCode::BadRequest, problem.to_string()),
    };
    let text = String::from_utf8_lossy(&body);
    match state.store().record_pact_event(&caller, &event, &text).await {
        Ok(new) => {
            if new && matches!(event.kind, EventKind::RequestCreated { .. }) {
                super::responder::answer_soon(state.clone(), caller, event);
            }
            StatusCode::OK.into_response()
        }
        Err(error) => internal(error),
    }
}
