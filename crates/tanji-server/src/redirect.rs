//! The one redirect check: where a `next`/`back` parameter may send the browser after login, a language switch or a
//! form. Only paths on this server pass; everything else falls back to a page of ours (no open redirects).
//!
//! The decision is made on the decoded value, and again on that value decoded once more, because a proxy or a browser
//! may decode `%2F` or `%5C` a second time. A path passes when it starts with exactly one `/`, its path part contains
//! no `\`, no whitespace and no `.`/`..` segment, and nothing in it is a control character; browsers drop tabs and newlines from URLs and read `\`
//! as `/`, which is how `/%09/evil.example` and `/\evil.example` become `//evil.example`. Non-ASCII characters are
//! percent-encoded in the `Location` header, so no value can make the header invalid (which used to be a 500).

use std::borrow::Cow;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// Where people land when a `next` is missing or refused.
pub const HOME: &str = "/console";
/// Longest `next` followed; longer ones are refused, not cut.
const MAX_PATH_CHARS: usize = 2_048;
/// Percent-encoded in `Location`: controls (already refused), space (refused) and every non-ASCII byte.
const LOCATION_ESCAPES: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`');

/// A path on this server, safe to redirect to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalPath(String);

impl LocalPath {
    /// The path, if `candidate` (already URL-decoded once, as forms and queries are) is safely local.
    pub fn parse(candidate: &str) -> Option<Self> {
        if candidate.chars().count() > MAX_PATH_CHARS || !is_local(candidate) {
            return None;
        }
        let decoded_again: Cow<'_, str> = percent_decode_str(candidate).decode_utf8_lossy();
        is_local_path(&decoded_again).then(|| Self(candidate.to_owned()))
    }

    /// The path if `candidate` is safely local, else the console's home page.
    pub fn or_home(candidate: Option<&str>) -> Self {
        candidate.and_then(Self::parse).unwrap_or_else(|| Self(HOME.to_owned()))
    }

    /// The path if `candidate` is safely local and under `prefix`, else `fallback` (a path the caller built).
    pub fn under_or(candidate: Option<&str>, prefix: &str, fallback: String) -> Self {
        candidate.and_then(Self::parse).filter(|path| path.0.starts_with(prefix)).unwrap_or(Self(fallback))
    }

    /// The path as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The path without its query and fragment.
    pub fn without_query(&self) -> &str {
        self.0.split(['?', '#']).next().unwrap_or(HOME)
    }

    /// `303 See Other` to this path.
    pub fn redirect(&self) -> Response {
        see_other(&self.0)
    }
}

/// `303 See Other` to a path the server built itself (never to user input: use [`LocalPath`] for that). The
/// `Location` is percent-encoded where needed, so this cannot fail.
pub fn see_other(path: &str) -> Response {
    let location = utf8_percent_encode(path, LOCATION_ESCAPES).to_string();
    let location = HeaderValue::from_str(&location).unwrap_or(HeaderValue::from_static(HOME));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// The rules on the value itself: one leading `/`; in the path part no `\\`, whitespace or dot segment; no control
/// character anywhere (the query may hold spaces: they are percent-encoded in `Location`).
fn is_local(candidate: &str) -> bool {
    is_local_path(candidate) && !candidate.chars().any(char::is_control)
}

/// The rules that decide which host a browser goes to, applied to the path part (before `?` or `#`) only: the query
/// cannot change the host, and a query decoded twice may legitimately hold spaces or line breaks.
fn is_local_path(candidate: &str) -> bool {
    let mut characters = candidate.chars();
    let starts_with_one_slash = characters.next() == Some('/') && !matches!(characters.next(), Some('/' | '\\'));
    let path_part = candidate.split(['?', '#']).next().unwrap_or_default();
    starts_with_one_slash
        && !path_part.chars().any(|character| character == '\\' || character.is_control() || character.is_whitespace())
        && !path_part.split('/').any(|segment| segment == "." || segment == "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `next` values as they arrive after the query string is decoded, from the OWASP and PortSwigger open-redirect
    /// payload lists; each must fall back to the home page.
    #[test]
    fn known_open_redirect_payloads_fall_back_home() {
        let decode = |raw: &str| percent_decode_str(raw).decode_utf8_lossy().into_owned();
        let payloads = [
            "//evil.example/",
            "///evil.example/",
            "/\\evil.example",
            "\\\\evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%09/evil.example/",
            "/\t/evil.example/",
            "/%0d%0aSet-Cookie:x=1",
            "/%E3%80%80/evil.example",
            "/.%2e/evil.example",
            "/%2e%2e/%2e%2e/evil.example",
            "/console/../../evil.example",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "/javascript:alert(1)\n",
            "data:text/html,<script>alert(1)</script>",
            "https://evil.example/",
            "http:/evil.example",
            "https:evil.example",
            "evil.example",
            "//xn--80ak6aa92e.com",
            "//аррӏе.com",
            "/%00/evil.example",
            " /console",
            "",
        ];
        for raw in payloads {
            for candidate in [raw.to_owned(), decode(raw)] {
                assert_eq!(LocalPath::parse(&candidate), None, "{candidate:?} (from {raw:?})");
                assert_eq!(LocalPath::or_home(Some(&candidate)).as_str(), HOME);
            }
        }
        assert_eq!(LocalPath::parse(&"/a".repeat(2_000)), None, "too long");
    }

    #[test]
    fn local_paths_are_kept_and_encoded_safely() {
        for path in [
            "/console",
            "/console/facilities?x=1",
            "/console/factors?q=电网&region=CN",
            "/l/ABC#verify",
            // What the login redirect carries back for a search with a space: decoded again, the query holds a space.
            "/console/factors?q=natural%20gas",
            "/console/factors?q=natural gas",
        ] {
            assert_eq!(LocalPath::parse(path).as_ref().map(LocalPath::as_str), Some(path));
        }
        let response = LocalPath::parse("/console/factors?q=电网").unwrap().redirect();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[header::LOCATION], "/console/factors?q=%E7%94%B5%E7%BD%91");
        assert_eq!(LocalPath::parse("/console/x?a=1#b").unwrap().without_query(), "/console/x");
    }

    #[test]
    fn under_a_prefix_or_the_fallback() {
        let fallback = || "/console/footprints/1".to_owned();
        assert_eq!(
            LocalPath::under_or(Some("/console/products/2"), "/console/", fallback()).as_str(),
            "/console/products/2"
        );
        assert_eq!(LocalPath::under_or(Some("/login"), "/console/", fallback()).as_str(), "/console/footprints/1");
        assert_eq!(LocalPath::under_or(Some("//evil"), "/console/", fallback()).as_str(), "/console/footprints/1");
    }
}
