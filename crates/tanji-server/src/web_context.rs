//! Per-request context for the console and public pages: the session (if any), the language, the CSRF token — and
//! the CSRF and Origin checks on every state-changing request, applied as one layer so no form can forget them.
//!
//! CSRF protection is the synchronizer-token pattern: a logged-in session has its own random token, stored with the
//! session; before login (the login form, the language switch, the invitation sign-up) a random token lives in a
//! `SameSite=Strict` cookie. Every POST must carry the token in the `csrf_token` form field or the `X-CSRF-Token`
//! header, and, when the browser sends an `Origin` header, it must be this server's own origin.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use tanji_store::SessionContext;
use tanji_store::credentials::new_secret;
use tanji_tenancy::member::Language;

use crate::console::error_page::ErrorPage;
use crate::i18n::Text;
use crate::state::AppState;

/// The session cookie's name; with the `__Host-` prefix when cookies are `Secure`.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-tanji_session" } else { "tanji_session" }
}
/// The cookie holding the CSRF token of visitors who are not logged in.
pub const ANONYMOUS_CSRF_COOKIE: &str = "tanji_csrf";
/// The cookie remembering the chosen language.
pub const LANGUAGE_COOKIE: &str = "tanji_lang";
/// The form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";
/// The header carrying the CSRF token (htmx requests).
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Largest form body accepted by the console.
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// What a console or public-page handler knows about the request.
#[derive(Clone, Debug)]
pub struct WebContext {
    /// The logged-in session, if any.
    pub session: Option<Arc<SessionContext>>,
    /// The session's cookie secret, when logged in (needed to switch organisation or log out).
    pub session_secret: Option<String>,
    /// The token forms must carry.
    pub csrf_token: String,
    /// The language to answer in.
    pub language: Language,
    /// The request path, for "come back here" links.
    pub path: String,
    /// The request's id (the `x-request-id` header the server sets), for error pages people quote.
    pub request_id: Option<String>,
}

impl WebContext {
    /// The strings of the request's language.
    pub fn text(&self) -> &'static Text {
        Text::of(self.language)
    }
}

/// Resolves the [`WebContext`] and enforces CSRF and Origin checks on state-changing requests.
pub async fn web_context_layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let jar = CookieJar::from_headers(&parts.headers);
    let secure = state.config().secure_cookies;

    let session_secret = jar.get(session_cookie_name(secure)).map(|cookie| cookie.value().to_owned());
    let session = match &session_secret {
        Some(secret) => match state.store().session(secret).await {
            Ok(session) => session.map(Arc::new),
            Err(error) => {
                tracing::error!(%error, "looking up a session");
                None
            }
        },
        None => None,
    };
    let anonymous_token = jar.get(ANONYMOUS_CSRF_COOKIE).map(|cookie| cookie.value().to_owned());
    let new_anonymous_token = if session.is_none() && anonymous_token.is_none() { Some(new_secret("")) } else { None };
    let csrf_token = match (&session, anonymous_token.or_else(|| new_anonymous_token.clone())) {
        (Some(session), _) => session.csrf_token.clone(),
        (None, Some(token)) => token,
        (None, None) => unreachable!("a new anonymous token is minted whenever there is no session and no cookie"),
    };
    if let Some(session) = &session {
        tracing::Span::current().record("organisation_id", tracing::field::display(session.actor.organisation_id));
    }
    let language = choose_language(&jar, session.as_deref(), &parts.headers);
    let context = WebContext {
        session,
        session_secret,
        csrf_token: csrf_token.clone(),
        language,
        path: parts.uri.path_and_query().map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned()),
        request_id: request_id(&parts.headers),
    };

    let body = if is_state_changing(&parts.method) {
        let bytes = match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
            Ok(bytes) => bytes,
            Err(_) => return ErrorPage::payload_too_large(&context).into_response(),
        };
        let origin_ok = origin_matches(&parts.headers, &state);
        let presented = presented_token(&parts, &bytes);
        // A fresh visitor has no token to present yet, so any POST from them fails here too.
        let token_ok = new_anonymous_token.is_none()
            && presented.is_some_and(|presented| constant_time_equal(presented.as_bytes(), csrf_token.as_bytes()));
        if !(origin_ok && token_ok) {
            tracing::warn!(origin_ok, token_ok, path = %parts.uri.path(), "refused a state-changing request (CSRF)");
            return ErrorPage::csrf(&context).into_response();
        }
        Body::from(bytes)
    } else {
        body
    };

    parts.extensions.insert(context);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    // Console pages show one person's data, and even the login page carries a CSRF token bound to a cookie: no
    // browser or proxy cache may keep any of them (ASVS 8.2.1). Downloads set their own header the same way.
    if !response.headers().contains_key(header::CACHE_CONTROL) {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Some(token) = new_anonymous_token {
        let cookie = Cookie::build((ANONYMOUS_CSRF_COOKIE, token))
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Strict)
            .build();
        if let Ok(value) = cookie.to_string().parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The id [`crate::app`]'s middleware gave the request.
pub fn request_id(headers: &HeaderMap) -> Option<String> {
    headers.get("x-request-id").and_then(|value| value.to_str().ok()).map(str::to_owned)
}

/// The context of a request that never reached the web-context layer (an error answered by the middleware): no
/// session, no CSRF token, the language from the cookie or the browser.
pub fn bare_context(headers: &HeaderMap, path: &str) -> WebContext {
    WebContext {
        session: None,
        session_secret: None,
        csrf_token: String::new(),
        language: choose_language(&CookieJar::from_headers(headers), None, headers),
        path: path.to_owned(),
        request_id: request_id(headers),
    }
}

fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The language: an explicit choice (cookie) first, then the person's saved preference, then the browser's
/// `Accept-Language`, then Chinese.
fn choose_language(jar: &CookieJar, session: Option<&SessionContext>, headers: &HeaderMap) -> Language {
    if let Some(language) = jar.get(LANGUAGE_COOKIE).and_then(|cookie| Language::from_tag(cookie.value())) {
        return language;
    }
    if let Some(language) = session.and_then(|session| session.user.language) {
        return language;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .and_then(|accept| accept_language::parse(accept).iter().find_map(|tag| Language::from_tag(tag)))
        .unwrap_or_default()
}

/// Whether the request's `Origin` (when the browser sends one) is this server. Browsers send `Origin` on every
/// cross-site POST, so a forged form from another site is refused here even before the token check.
fn origin_matches(headers: &HeaderMap, state: &AppState) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|value| value.to_str().ok()) else { return true };
    if let Some(public_url) = &state.config().public_url {
        return origin == public_url.trim_end_matches('/');
    }
    let Some(host) = headers.get(header::HOST).and_then(|value| value.to_str().ok()) else { return false };
    origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) == Some(host)
}

fn presented_token<'a>(parts: &'a Parts, body: &'a [u8]) -> Option<String> {
    if let Some(token) = parts.headers.get(CSRF_HEADER).and_then(|value| value.to_str().ok()) {
        return Some(token.to_owned());
    }
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|content_type| content_type.starts_with("application/x-www-form-urlencoded"));
    if is_form && let Some((_, token)) = form_urlencoded::parse(body).find(|(name, _)| name == CSRF_FIELD) {
        return Some(token.into_owned());
    }
    parts
        .uri
        .query()
        .and_then(|query| form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == CSRF_FIELD))
        .map(|(_, token)| token.into_owned())
}

fn constant_time_equal(left: &[u8], right: &[u8]) -> bool {
    left.len() == right.len() && left.iter().zip(right).fold(0u8, |difference, (a, b)| difference | (a ^ b)) == 0
}

impl<S: Send + Sync> FromRequestParts<S> for WebContext {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<WebContext>().cloned().ok_or_else(|| {
            tracing::error!("WebContext requested outside the web context layer");
            axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        })
    }
}

/// A logged-in console request. Extracting it from a request without a valid session redirects to the login page,
/// which sends the person back here afterwards.
#[derive(Clone, Debug)]
pub struct Console {
    /// The request's context.
    pub web: WebContext,
    /// The session.
    pub session: Arc<SessionContext>,
}

impl Console {
    /// The acting member.
    pub fn actor(&self) -> &tanji_tenancy::Actor {
        &self.session.actor
    }

    /// The strings of the request's language.
    pub fn text(&self) -> &'static Text {
        self.web.text()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Console {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let web = WebContext::from_request_parts(parts, state).await?;
        match web.session.clone() {
            Some(session) => Ok(Console { web, session }),
            None => {
                let next = if parts.method == Method::GET { web.path.clone() } else { "/console".to_owned() };
                let target =
                    format!("/login?next={}", form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>());
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_comparison() {
        assert!(constant_time_equal(b"abc", b"abc"));
        assert!(!constant_time_equal(b"abc", b"abd"));
        assert!(!constant_time_equal(b"abc", b"ab"));
    }
}
