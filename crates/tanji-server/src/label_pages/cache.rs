//! The rendered public label pages, kept in memory for a few seconds so that a label scanned by many phones at once
//! costs the database one read per page and language, not one per scan — and each answer, with all its headers and
//! its gzipped body, is built once rather than per request.
//!
//! # Why a time limit, and not invalidation
//!
//! A rendered page depends on the publication record (immutable by design), on the newest version of its code (a
//! new publication adds one), on whether it was withdrawn, and on the chain check of the record and the one before
//! it. All of these can change outside this process: another server on the same PostgreSQL database may publish or
//! withdraw, and tampering — the very thing the chain check exists to show — happens in the database, not through
//! the store. Hooks in this process's publish and withdraw handlers would therefore not be enough, and would couple
//! the console and API to the public pages. A short time to live bounds every kind of staleness alike: any change
//! shows on the public pages within [`TIME_TO_LIVE`], well within the `max-age` the pages already give browsers and
//! proxies. The entry's age is measured with the store's clock, so tests step it instead of sleeping.
//!
//! The time to live counts from when the database read *began*, not from when the answer was put here: a read that
//! started before a withdrawal committed may still see the version as published, and counting from its end would
//! let a slow read (up to the request time limit) keep that stale answer for longer. Any read that begins after the
//! commit sees the withdrawal, so a withdrawn version is served as published for at most [`TIME_TO_LIVE`] after its
//! withdrawal, by every server on the database.
//!
//! Only answers about published versions are kept — their pages, files, and "410 Gone" once withdrawn — never "not
//! found", so guessing codes cannot fill the memory; and the map is bounded by [`MAX_ENTRIES`]: when it is full,
//! expired entries are dropped, and if none are, the whole map is.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, RwLock};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use jiff::{SignedDuration, Timestamp};

/// How long a rendered page is served from memory.
pub const TIME_TO_LIVE: SignedDuration = SignedDuration::from_secs(5);

/// The most answers kept at once (pages are 20–40 kB, a tenth of that gzipped; a PNG label some 50 kB at 300 dpi).
pub const MAX_ENTRIES: usize = 4096;

/// What an answer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Page,
    Verify,
    Svg,
    Png,
    ContentJson,
}

/// What an answer depends on. (Not the request's `Host`: links are built from the configuration alone.)
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub kind: Kind,
    pub code: [u8; 8],
    /// 0 for "the newest version".
    pub version: u32,
    pub english: bool,
    pub explicit_language: bool,
    pub dpi: u32,
}

/// A complete answer, ready to be sent again: status, every header, the body and, for text, the body gzipped.
#[derive(Debug)]
pub struct Rendered {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    etag: HeaderValue,
    gzip: Option<(Bytes, HeaderValue)>,
}

/// What a new answer is made of.
pub struct Parts {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub cache_control: &'static str,
    pub content_security_policy: &'static str,
    /// `Vary: Accept-Language, Cookie`: the language came from the request's headers, not from `?lang=`.
    pub varies_by_language: bool,
    pub content_disposition: Option<HeaderValue>,
    /// `Strict-Transport-Security`, when the server is reached over HTTPS.
    pub strict_transport_security: bool,
    /// Text that is worth compressing.
    pub compress: bool,
}

impl Rendered {
    /// An answer with its headers: type, caching, a strong `ETag` derived from the body, and the security headers
    /// the rest of the application gets from middleware (these routes skip it; see `super`).
    pub fn new(parts: Parts, body: impl Into<Bytes>) -> Self {
        let body = body.into();
        let digest = tanji_label::publication::Digest::of(&body).to_string();
        let etag =
            HeaderValue::from_str(&format!("\"{}\"", &digest[..24])).expect("hex digits are a valid header value");
        let mut headers = HeaderMap::with_capacity(12);
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(parts.content_type));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(parts.cache_control));
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(parts.content_security_policy));
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
        if parts.strict_transport_security {
            headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
        }
        if let Some(disposition) = parts.content_disposition {
            headers.insert(header::CONTENT_DISPOSITION, disposition);
        }
        let gzip = (parts.compress && parts.status == StatusCode::OK).then(|| gzip(&body)).flatten().map(|zipped| {
            let etag = HeaderValue::from_str(&format!("\"{}-gzip\"", &digest[..24])).expect("a valid header value");
            (zipped, etag)
        });
        let vary = match (gzip.is_some(), parts.varies_by_language) {
            (true, true) => Some("Accept-Encoding, Accept-Language, Cookie"),
            (true, false) => Some("Accept-Encoding"),
            (false, true) => Some("Accept-Language, Cookie"),
            (false, false) => None,
        };
        if let Some(vary) = vary {
            headers.insert(header::VARY, HeaderValue::from_static(vary));
        }
        Self { status: parts.status, headers, body, etag, gzip }
    }

    /// The answer to a request with `request_headers`: gzipped when the client takes gzip, and `304 Not Modified`
    /// when it already has this body.
    pub fn respond(&self, request_headers: &HeaderMap) -> Response {
        let (body, etag, gzipped) = match &self.gzip {
            Some((zipped, etag)) if accepts_gzip(request_headers) => (zipped, etag, true),
            _ => (&self.body, &self.etag, false),
        };
        let mut headers = self.headers.clone();
        headers.insert(header::ETAG, etag.clone());
        if self.status == StatusCode::OK && matches_etag(request_headers, etag) {
            headers.remove(header::CONTENT_TYPE);
            headers.remove(header::CONTENT_DISPOSITION);
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            *response.headers_mut() = headers;
            return response;
        }
        if gzipped {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        let mut response = Response::new(Body::from(body.clone()));
        *response.status_mut() = self.status;
        *response.headers_mut() = headers;
        response
    }

    /// The body as sent without compression.
    #[cfg(test)]
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

fn gzip(body: &[u8]) -> Option<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 3), flate2::Compression::best());
    encoder.write_all(body).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

/// Whether `Accept-Encoding` lists gzip (or `*`) with a quality above zero.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    header_tokens(headers, &header::ACCEPT_ENCODING).any(|token| {
        let mut parts = token.split(';');
        let coding = parts.next().unwrap_or_default().trim();
        let refused = parts.any(|parameter| {
            parameter.trim().strip_prefix("q=").is_some_and(|quality| quality.trim().parse::<f32>() == Ok(0.0))
        });
        (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
    })
}

/// Whether `If-None-Match` names `etag` (weakly compared, as RFC 9110 asks for `If-None-Match`) or is `*`.
fn matches_etag(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    header_tokens(headers, &header::IF_NONE_MATCH).any(|tag| {
        let tag = tag.trim();
        tag == "*" || tag.trim_start_matches("W/").as_bytes() == etag.as_bytes()
    })
}

/// The comma-separated items of every `name` header.
fn header_tokens<'a>(headers: &'a HeaderMap, name: &HeaderName) -> impl Iterator<Item = &'a str> {
    headers.get_all(name).iter().filter_map(|value| value.to_str().ok()).flat_map(|value| value.split(','))
}

/// Rendered answers by key, each with the time it stops being served.
#[derive(Debug, Default)]
pub struct PageCache {
    entries: RwLock<HashMap<Key, (Timestamp, Arc<Rendered>)>>,
}

impl PageCache {
    /// The answer stored under `key`, unless it has expired by `now`.
    pub fn get(&self, key: &Key, now: Timestamp) -> Option<Arc<Rendered>> {
        let entries = self.entries.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.get(key).filter(|(expires_at, _)| now < *expires_at).map(|(_, rendered)| Arc::clone(rendered))
    }

    /// Keeps `rendered` under `key` for [`TIME_TO_LIVE`] from `now`, the time its database read began (see the
    /// module documentation), and hands it back.
    pub fn put(&self, key: Key, rendered: Rendered, now: Timestamp) -> Arc<Rendered> {
        let rendered = Arc::new(rendered);
        let expires_at = now.saturating_add(TIME_TO_LIVE).unwrap_or(now);
        let mut entries = self.entries.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            entries.retain(|_, (entry_expires_at, _)| now < *entry_expires_at);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, (expires_at, Arc::clone(&rendered)));
        rendered
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &'static str) -> Rendered {
        let parts = Parts {
            status: StatusCode::OK,
            content_type: "text/html; charset=utf-8",
            cache_control: "no-store",
            content_security_policy: "default-src 'none'",
            varies_by_language: false,
            content_disposition: None,
            strict_transport_security: false,
            compress: true,
        };
        Rendered::new(parts, body)
    }

    fn key(version: u32) -> Key {
        Key { kind: Kind::Page, code: *b"K7M29XQD", version, english: false, explicit_language: false, dpi: 0 }
    }

    #[test]
    fn entries_expire_after_their_time_to_live() {
        let cache = PageCache::default();
        let start: Timestamp = "2026-03-02T08:00:00Z".parse().unwrap();
        cache.put(key(1), page("hello"), start);
        assert_eq!(cache.get(&key(1), start).unwrap().body(), "hello");
        let almost = start.checked_add(TIME_TO_LIVE - SignedDuration::from_millis(1)).unwrap();
        assert!(cache.get(&key(1), almost).is_some());
        assert!(cache.get(&key(1), start.checked_add(TIME_TO_LIVE).unwrap()).is_none());
        assert!(cache.get(&key(2), start).is_none());
    }

    #[test]
    fn a_full_cache_drops_expired_entries_then_everything() {
        let cache = PageCache::default();
        let start: Timestamp = "2026-03-02T08:00:00Z".parse().unwrap();
        for entry_idx in 0..MAX_ENTRIES {
            cache.put(key(entry_idx as u32 + 10), page("x"), start);
        }
        let later = start.checked_add(TIME_TO_LIVE).unwrap();
        cache.put(key(1), page("y"), later);
        assert_eq!(cache.entries.read().unwrap().len(), 1, "the expired entries made room");
        for entry_idx in 0..MAX_ENTRIES {
            cache.put(key(entry_idx as u32 + 10), page("x"), later);
        }
        assert!(cache.entries.read().unwrap().len() <= MAX_ENTRIES);
    }

    #[test]
    fn a_matching_etag_is_answered_not_modified() {
        let rendered = page("hello");
        let mut headers = HeaderMap::new();
        let first = rendered.respond(&headers);
        assert_eq!(first.status(), StatusCode::OK);
        headers.insert(header::IF_NONE_MATCH, first.headers()[header::ETAG].clone());
        assert_eq!(rendered.respond(&headers).status(), StatusCode::NOT_MODIFIED);
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\", W/\"another\""));
        assert_eq!(rendered.respond(&headers).status(), StatusCode::OK);
    }

    #[test]
    fn gzip_is_sent_to_clients_that_take_it() {
        let rendered = page("<p>hello hello hello hello hello hello</p>");
        let mut headers = HeaderMap::new();
        let plain = rendered.respond(&headers);
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(plain.headers()[header::VARY], "Accept-Encoding");
        for (accept, gzipped) in [("gzip, deflate, br", true), ("br;q=1.0, gzip;q=0.5", true), ("gzip;q=0", false)] {
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(accept));
            let response = rendered.respond(&headers);
            assert_eq!(response.headers().get(header::CONTENT_ENCODING).is_some(), gzipped, "{accept}");
            assert_ne!(response.headers()[header::ETAG] == plain.headers()[header::ETAG], gzipped, "{accept}");
        }
    }
}
