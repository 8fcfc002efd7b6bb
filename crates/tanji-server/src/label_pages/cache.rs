//! The rendered public label pages, kept in memory for a few seconds so that a label scanned by many phones at once
//! costs the database one read per page and language, not one per scan.
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
//! proxies (`super::PAGE_MAX_AGE`). The entry's age is measured with the store's clock, so tests step it instead of
//! sleeping.
//!
//! Only successful pages are kept (never "not found", so guessing codes cannot fill the memory), and the map is
//! bounded by [`MAX_ENTRIES`]: when it is full, expired entries are dropped, and if none are, the whole map is.

use std::collections::HashMap;
use std::sync::RwLock;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::{SignedDuration, Timestamp};

/// How long a rendered page is served from memory.
pub const TIME_TO_LIVE: SignedDuration = SignedDuration::from_secs(5);

/// The most pages kept at once (a few hundred kilobytes of HTML and SVG each at most; most are 20–40 kB).
pub const MAX_ENTRIES: usize = 4096;

/// A complete answer, ready to be sent again: body and the headers that describe it.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub cache_control: &'static str,
    /// `Vary: Accept-Language, Cookie` when the language came from the request's headers rather than `?lang=`.
    pub varies_by_language: bool,
    pub content_security_policy: &'static str,
    pub content_disposition: Option<HeaderValue>,
    pub etag: HeaderValue,
    pub body: Bytes,
}

impl Rendered {
    /// A response with a strong `ETag` derived from the body.
    pub fn new(
        status: StatusCode,
        content_type: &'static str,
        cache_control: &'static str,
        content_security_policy: &'static str,
        body: impl Into<Bytes>,
    ) -> Self {
        let body = body.into();
        let digest = tanji_label::publication::Digest::of(&body).to_string();
        let etag = HeaderValue::from_str(&format!("\"{}\"", &digest[..24])).expect("hex digits are a valid header value");
        Self {
            status,
            content_type,
            cache_control,
            varies_by_language: false,
            content_security_policy,
            content_disposition: None,
            etag,
            body,
        }
    }

    /// The answer to a request with `request_headers`: `304 Not Modified` when the client already has this body.
    pub fn respond(&self, request_headers: &HeaderMap) -> Response {
        let not_modified = self.status == StatusCode::OK
            && request_headers
                .get_all(header::IF_NONE_MATCH)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .any(|tag| {
                    let tag = tag.trim();
                    tag == "*" || tag.trim_start_matches("W/").as_bytes() == self.etag.as_bytes()
                });
        let mut headers = HeaderMap::with_capacity(7);
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(self.cache_control));
        headers.insert(header::ETAG, self.etag.clone());
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(self.content_security_policy));
        if self.varies_by_language {
            headers.insert(header::VARY, HeaderValue::from_static("Accept-Language, Cookie"));
        }
        if not_modified {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        if let Some(disposition) = &self.content_disposition {
            headers.insert(header::CONTENT_DISPOSITION, disposition.clone());
        }
        (self.status, headers, self.body.clone()).into_response()
    }
}

/// Rendered answers by key, each with the time it stops being served.
#[derive(Debug, Default)]
pub struct PageCache {
    entries: RwLock<HashMap<String, (Timestamp, Rendered)>>,
}

impl PageCache {
    /// The answer stored under `key`, unless it has expired by `now`.
    pub fn get(&self, key: &str, now: Timestamp) -> Option<Rendered> {
        let entries = self.entries.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.get(key).filter(|(expires_at, _)| now < *expires_at).map(|(_, rendered)| rendered.clone())
    }

    /// Keeps `rendered` under `key` from `now` for [`TIME_TO_LIVE`].
    pub fn put(&self, key: String, rendered: Rendered, now: Timestamp) {
        let expires_at = now.saturating_add(TIME_TO_LIVE).unwrap_or(now);
        let mut entries = self.entries.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            entries.retain(|_, (entry_expires_at, _)| now < *entry_expires_at);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, (expires_at, rendered));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &'static str) -> Rendered {
        Rendered::new(StatusCode::OK, "text/plain", "no-store", "default-src 'none'", body)
    }

    #[test]
    fn entries_expire_after_their_time_to_live() {
        let cache = PageCache::default();
        let start: Timestamp = "2026-03-02T08:00:00Z".parse().unwrap();
        cache.put("a".into(), page("hello"), start);
        assert_eq!(cache.get("a", start).unwrap().body, "hello");
        let almost = start.checked_add(TIME_TO_LIVE - SignedDuration::from_millis(1)).unwrap();
        assert!(cache.get("a", almost).is_some());
        assert!(cache.get("a", start.checked_add(TIME_TO_LIVE).unwrap()).is_none());
        assert!(cache.get("b", start).is_none());
    }

    #[test]
    fn a_full_cache_drops_expired_entries_then_everything() {
        let cache = PageCache::default();
        let start: Timestamp = "2026-03-02T08:00:00Z".parse().unwrap();
        for entry_idx in 0..MAX_ENTRIES {
            cache.put(format!("old-{entry_idx}"), page("x"), start);
        }
        let later = start.checked_add(TIME_TO_LIVE).unwrap();
        cache.put("new".into(), page("y"), later);
        assert_eq!(cache.entries.read().unwrap().len(), 1, "the expired entries made room");
        for entry_idx in 0..MAX_ENTRIES {
            cache.put(format!("fresh-{entry_idx}"), page("x"), later);
        }
        assert!(cache.entries.read().unwrap().len() <= MAX_ENTRIES);
    }

    #[test]
    fn a_matching_etag_is_answered_not_modified() {
        let rendered = page("hello");
        let mut headers = HeaderMap::new();
        assert_eq!(rendered.respond(&headers).status(), StatusCode::OK);
        headers.insert(header::IF_NONE_MATCH, rendered.etag.clone());
        assert_eq!(rendered.respond(&headers).status(), StatusCode::NOT_MODIFIED);
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert_eq!(rendered.respond(&headers).status(), StatusCode::OK);
    }
}
