//! The public pages behind a carbon label's QR code: what a shopper sees after scanning it, without login, cookies
//! or JavaScript.
//!
//! - `GET /l/{code}` (`?v=N` for an older version, `?lang=zh|en`): the footprint page.
//! - `GET /l/{code}/verify`: the publication's hashes and the publisher's whole chain, checked.
//! - `GET /l/{code}/label.svg`, `GET /l/{code}/label.png?dpi=300`: the label artwork, its QR code opening
//!   `{public URL}/l/{code}`; the PNG at 150, 300 or 600 dpi ([`SERVED_DPIS`]).
//! - `GET /l/{code}/content.json`: the canonical content JSON, byte for byte, whose SHA-256 is the content hash.
//!
//! These routes sit outside the console's web-context layer on purpose: that layer looks up sessions and hands out
//! a CSRF cookie, and a public page needs neither. The language comes from `?lang=`, else the console's language
//! cookie if the browser has one, else `Accept-Language`, else Chinese. Only the publication's record and content
//! are shown; the store's row ids and who pressed "publish" are not.
//!
//! A withdrawn version answers 410 Gone everywhere: its page says when and why (in both languages), its artwork and
//! content are no longer served. Since every version can be withdrawn, nothing here is cached as `immutable`.
//!
//! Pages are rendered once per page, version and language and kept for a few seconds ([`cache`]), each with its
//! complete headers and a gzipped body, so a scan is answered from memory; the HTTP cache headers let browsers and
//! proxies keep the newest version's page for a minute and anything else for five.
//!
//! # Outside the middleware
//!
//! These routes are merged into the application after its per-request middleware (request ids, request spans and
//! logs, security headers, compression, time limit; see [`crate::app`]), because they are what the public calls in
//! volume — every scan of every printed label — and that middleware cost as much as the page itself (measured:
//! BENCHMARKS.md, "Public label page"). They do its work themselves, once per cached answer rather than per
//! request: the security headers are part of every answer (a stricter CSP than the console's), text is gzipped when
//! cached, a database read is bounded by the same time limit, and failures are logged with the code and version.
//! What they give up is a request id and a log line per request, as a static file server with its access log off,
//! and the panic guard: a bug that panicked here would close the connection instead of answering 500.

mod cache;
mod view;

pub(crate) use view::display_code;

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tanji_label::label::{DEFAULT_DPI, bundled_fonts, label_png, label_svg};
use tanji_label::publication::{LabelCode, parse_code};
use tanji_store::{PublicChain, PublicLabel, StoreError};
use tanji_tenancy::member::Language;

use self::cache::{Key, Kind, PageCache, Parts, Rendered};
use self::view::{Missing, Request as PageRequest};
use crate::i18n::Text;
use crate::state::AppState;
use crate::web_context::LANGUAGE_COOKIE;

/// The newest version's page: a new version or a withdrawal shows within a minute.
const CACHE_LATEST_PAGE: &str = "public, max-age=60";
/// An older version's page: its content never changes, but a withdrawal or a failed chain check must still show.
const CACHE_VERSION_PAGE: &str = "public, max-age=300";
/// Artwork and content JSON, of any version. Made from an immutable record, but never `immutable`: the version can
/// be withdrawn (or found altered), and a browser or proxy must then ask again within minutes, not a year.
const CACHE_FILE: &str = "public, max-age=300";
/// Unknown codes: a code published a minute later must not stay "not found" for long.
const CACHE_MISSING: &str = "public, max-age=60";
const CACHE_NONE: &str = "no-store";

/// The pages load nothing but their favicon: no scripts at all, styles inline, charts inline SVG.
const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; \
                        base-uri 'none'; form-action 'none'";
/// The artwork and JSON files: nothing to load, nothing to run.
const FILE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

const HTML: &str = "text/html; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

/// The PNG resolutions served: screen, print and fine print. Any other `dpi` is refused rather than drawn: each value
/// would be a PNG of its own, drawn on the CPU and kept in the page cache (up to 2.5 MB at 1200 dpi), so arbitrary
/// values would let anyone keep the server drawing and fill its memory, and browsers' caches could not share them.
const SERVED_DPIS: [u32; 3] = [150, DEFAULT_DPI, 600];

/// What the public label handlers share.
struct Pages {
    state: AppState,
    cache: PageCache,
}

type Shared = State<Arc<Pages>>;

/// The public label routes, with their page cache, ready to be merged into the application (after its middleware).
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/l", get(no_code))
        .route("/l/", get(no_code))
        .route("/l/{code}", get(label_page))
        .route("/l/{code}/verify", get(verify_page))
        .route("/l/{code}/label.svg", get(|pages, code, request| file(pages, code, request, Kind::Svg)))
        .route("/l/{code}/label.png", get(|pages, code, request| file(pages, code, request, Kind::Png)))
        .route("/l/{code}/content.json", get(|pages, code, request| file(pages, code, request, Kind::ContentJson)))
        .route("/l/{code}/{*rest}", get(unknown_subpage))
        .with_state(Arc::new(Pages { state, cache: PageCache::default() }))
}

// ---------------------------------------------------------------------------------------------------------------
// Requests

/// The query of a public request, read leniently: unknown parameters are ignored.
struct Query {
    page: PageRequest,
    /// `?v=` was given but is not a version number.
    bad_version: bool,
    dpi: Option<String>,
}

fn parse_query(raw: Option<&str>, headers: &HeaderMap) -> Query {
    let (mut language, mut version, mut bad_version, mut dpi) = (None, None, false, None);
    if let Some(raw) = raw.filter(|raw| !raw.is_empty()) {
        for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
            match name.as_ref() {
                "lang" => language = Language::from_tag(&value),
                "v" => match value.trim().trim_start_matches(['v', 'V']).parse::<u32>() {
                    Ok(number) if number >= 1 => version = Some(number),
                    _ => bad_version = true,
                },
                "dpi" => dpi = Some(value.into_owned()),
                _ => {}
            }
        }
    }
    let explicit_language = language.is_some();
    let language = language.unwrap_or_else(|| language_from_headers(headers));
    Query { page: PageRequest { language, explicit_language, version }, bad_version, dpi }
}

/// The console's language cookie if the browser has one, else the first of Chinese and English by the
/// `Accept-Language` qualities (the earlier on a tie), else Chinese. Reads the headers without allocating: this
/// runs for every scan.
fn language_from_headers(headers: &HeaderMap) -> Language {
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LANGUAGE_COOKIE)
        .and_then(|(_, value)| Language::from_tag(value));
    if let Some(language) = cookie {
        return language;
    }
    let mut best: Option<(f32, Language)> = None;
    let ranges = headers.get_all(header::ACCEPT_LANGUAGE).iter().filter_map(|value| value.to_str().ok());
    for range in ranges.flat_map(|value| value.split(',')) {
        let mut parts = range.split(';');
        let Some(language) = Language::from_tag(parts.next().unwrap_or_default()) else { continue };
        let quality = parts
            .find_map(|parameter| parameter.trim().strip_prefix("q="))
            .map_or(1.0, |quality| quality.trim().parse::<f32>().unwrap_or(0.0));
        if quality > 0.0 && best.is_none_or(|(best_quality, _)| quality > best_quality) {
            best = Some((quality, language));
        }
    }
    best.map(|(_, language)| language).unwrap_or_default()
}

/// The label code of the path, or the answer to give instead: the "not found" page for text that is not a code, a
/// permanent redirect to the code's canonical spelling (`k7m2-9xqd` → `K7M29XQD`) keeping the query.
fn resolve_code(
    text: &str,
    suffix: &str,
    raw_query: Option<&str>,
    query: &Query,
    secure: bool,
) -> Result<LabelCode, Box<Response>> {
    let code = parse_code(text).map_err(|_| Box::new(missing(&query.page, Missing::Malformed, text, secure)))?;
    if code.as_str() != text {
        let query = raw_query.map(|raw| format!("?{raw}")).unwrap_or_default();
        let location = format!("/l/{code}{suffix}{query}");
        let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
        if let Ok(location) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, location);
        }
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_MISSING));
        response.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        return Err(Box::new(response));
    }
    if query.bad_version {
        return Err(Box::new(missing(&query.page, Missing::Unknown, text, secure)));
    }
    Ok(code)
}

impl Pages {
    fn now(&self) -> jiff::Timestamp {
        self.state.store().clock().now()
    }

    fn secure(&self) -> bool {
        self.state.config().secure_cookies
    }

    fn parts(&self, content_type: &'static str, cache_control: &'static str, csp: &'static str) -> Parts {
        Parts {
            status: StatusCode::OK,
            content_type,
            cache_control,
            content_security_policy: csp,
            varies_by_language: false,
            content_disposition: None,
            strict_transport_security: self.secure(),
            compress: content_type != "image/png",
        }
    }

    /// The page of a publication, bounded by the application's request time limit.
    async fn public_label(&self, code: &LabelCode, version: Option<u32>) -> Result<PublicLabel, StoreError> {
        tokio::time::timeout(crate::REQUEST_TIMEOUT, self.state.store().public_label(code, version))
            .await
            .unwrap_or_else(|_| Err(StoreError::Internal(anyhow::anyhow!("reading a public label timed out"))))
    }

    /// The chain of a code's organisation, bounded likewise.
    async fn public_chain(&self, code: &LabelCode) -> Result<PublicChain, StoreError> {
        tokio::time::timeout(crate::REQUEST_TIMEOUT, self.state.store().public_chain(code))
            .await
            .unwrap_or_else(|_| Err(StoreError::Internal(anyhow::anyhow!("reading a publication chain timed out"))))
    }
}

fn key(kind: Kind, code: &LabelCode, page: &PageRequest, dpi: u32) -> Key {
    let mut code_bytes = [0u8; 8];
    code_bytes.copy_from_slice(&code.as_str().as_bytes()[..8]);
    Key {
        kind,
        code: code_bytes,
        version: page.version.unwrap_or(0),
        english: page.language == Language::English,
        explicit_language: page.explicit_language,
        dpi,
    }
}

fn render_html(parts: Parts, page: &impl Template) -> Result<Rendered, Box<Response>> {
    match page.render() {
        Ok(html) => Ok(Rendered::new(parts, html)),
        Err(error) => {
            tracing::error!(%error, "rendering a public label page");
            Err(Box::new(refusal(StatusCode::INTERNAL_SERVER_ERROR, |t| t.public_unavailable.to_owned())))
        }
    }
}

/// The friendly page for a label that is not there (or cannot be shown now).
fn missing(page: &PageRequest, missing: Missing, code_given: &str, secure: bool) -> Response {
    let (status, cache_control) = match missing {
        Missing::Unknown => (StatusCode::NOT_FOUND, CACHE_MISSING),
        Missing::Malformed => (StatusCode::BAD_REQUEST, CACHE_MISSING),
        Missing::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, CACHE_NONE),
    };
    let parts = Parts {
        status,
        content_type: HTML,
        cache_control,
        content_security_policy: PAGE_CSP,
        varies_by_language: !page.explicit_language,
        content_disposition: None,
        strict_transport_security: secure,
        compress: false,
    };
    match render_html(parts, &view::missing_page(page, missing, code_given)) {
        Ok(rendered) => rendered.respond(&HeaderMap::new()),
        Err(response) => *response,
    }
}

/// The answer to a store error: "not found" for `NotFound`, else logged and "temporarily unavailable".
fn store_failure(page: &PageRequest, error: StoreError, code: &LabelCode, secure: bool) -> Response {
    match error {
        StoreError::NotFound => missing(page, Missing::Unknown, code.as_str(), secure),
        other => {
            tracing::error!(error = %other, %code, "reading a public label");
            missing(page, Missing::Unavailable, code.as_str(), secure)
        }
    }
}

/// A plain-text refusal in both languages.
fn refusal(status: StatusCode, message: impl Fn(&'static Text) -> String) -> Response {
    let text =
        format!("{}\n{}\n", message(Text::of(Language::SimplifiedChinese)), message(Text::of(Language::English)));
    let headers = [
        (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
        (header::CACHE_CONTROL, CACHE_NONE),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::CONTENT_SECURITY_POLICY, FILE_CSP),
    ];
    (status, headers, text).into_response()
}

// ---------------------------------------------------------------------------------------------------------------
// Pages

async fn no_code(State(pages): Shared, request: Request) -> Response {
    let query = parse_query(request.uri().query(), request.headers());
    missing(&query.page, Missing::Malformed, "", pages.secure())
}

async fn unknown_subpage(
    State(pages): Shared,
    Path((code, _rest)): Path<(String, String)>,
    request: Request,
) -> Response {
    let query = parse_query(request.uri().query(), request.headers());
    missing(&query.page, Missing::Unknown, &code, pages.secure())
}

/// `GET /l/{code}`.
async fn label_page(State(pages): Shared, Path(code): Path<String>, request: Request) -> Response {
    let (raw_query, headers) = (request.uri().query(), request.headers());
    let query = parse_query(raw_query, headers);
    let code = match resolve_code(&code, "", raw_query, &query, pages.secure()) {
        Ok(code) => code,
        Err(response) => return *response,
    };
    let page = query.page;
    let key = key(Kind::Page, &code, &page, 0);
    if let Some(rendered) = pages.cache.get(&key, pages.now()) {
        return rendered.respond(headers);
    }
    let read_at = pages.now();
    let label = match pages.public_label(&code, page.version).await {
        Ok(label) => label,
        Err(error) => return store_failure(&page, error, &code, pages.secure()),
    };
    let cache_control = if page.version.is_some() { CACHE_VERSION_PAGE } else { CACHE_LATEST_PAGE };
    let parts = Parts { varies_by_language: !page.explicit_language, ..pages.parts(HTML, cache_control, PAGE_CSP) };
    let rendered = if label.publication.withdrawn_at.is_some() {
        render_html(Parts { status: StatusCode::GONE, ..parts }, &view::withdrawn_page(&page, &label))
    } else {
        render_html(parts, &view::label_page(&page, &label))
    };
    match rendered {
        Ok(rendered) => pages.cache.put(key, rendered, read_at).respond(headers),
        Err(response) => *response,
    }
}

/// `GET /l/{code}/verify`.
async fn verify_page(State(pages): Shared, Path(code): Path<String>, request: Request) -> Response {
    let (raw_query, headers) = (request.uri().query(), request.headers());
    let query = parse_query(raw_query, headers);
    let code = match resolve_code(&code, "/verify", raw_query, &query, pages.secure()) {
        Ok(code) => code,
        Err(response) => return *response,
    };
    let page = query.page;
    let key = key(Kind::Verify, &code, &page, 0);
    if let Some(rendered) = pages.cache.get(&key, pages.now()) {
        return rendered.respond(headers);
    }
    let base_url = crate::links::base_url(&pages.state);
    let read_at = pages.now();
    let chain = match pages.public_chain(&code).await {
        Ok(chain) => chain,
        Err(error) => return store_failure(&page, error, &code, pages.secure()),
    };
    for unreadable in chain.publications.iter().filter_map(|publication| publication.as_ref().err()) {
        tracing::error!(%code, sequence = unreadable.sequence, field = %unreadable.field, "a stored label publication cannot be read");
    }
    // The record shown is a readable one of this code; damaged records are rows of the chain table.
    let of_code = || {
        let readable = chain.publications.iter().enumerate();
        readable
            .filter_map(|(index, publication)| Some((index, publication.as_ref().ok()?)))
            .filter(|(_, publication)| publication.record.code == code)
    };
    let index = match page.version {
        Some(version) => of_code().find(|(_, publication)| publication.record.version == version),
        None => of_code().max_by_key(|(_, publication)| publication.record.version),
    };
    let Some((index, _)) = index else { return missing(&page, Missing::Unknown, code.as_str(), pages.secure()) };
    let parts = Parts { varies_by_language: !page.explicit_language, ..pages.parts(HTML, CACHE_LATEST_PAGE, PAGE_CSP) };
    match render_html(parts, &view::verify_page(&page, &chain, index, &base_url)) {
        Ok(rendered) => pages.cache.put(key, rendered, read_at).respond(headers),
        Err(response) => *response,
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Files

fn file_suffix(kind: Kind) -> &'static str {
    match kind {
        Kind::Svg => "/label.svg",
        Kind::Png => "/label.png",
        _ => "/content.json",
    }
}

fn file_type(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Svg => ("image/svg+xml", "svg"),
        Kind::Png => ("image/png", "png"),
        _ => ("application/json", "json"),
    }
}

/// `GET /l/{code}/label.svg`, `/label.png` and `/content.json`.
async fn file(State(pages): Shared, Path(code): Path<String>, request: Request, kind: Kind) -> Response {
    let (raw_query, headers) = (request.uri().query(), request.headers());
    let query = parse_query(raw_query, headers);
    let code = match resolve_code(&code, file_suffix(kind), raw_query, &query, pages.secure()) {
        Ok(code) => code,
        Err(response) => return *response,
    };
    let page = query.page;
    let dpi = match (kind, query.dpi.as_deref()) {
        (Kind::Png, Some(text)) => match text.trim().parse::<u32>() {
            Ok(dpi) if SERVED_DPIS.contains(&dpi) => dpi,
            _ => return refusal(StatusCode::BAD_REQUEST, |t| t.public_dpi_refused.to_owned()),
        },
        (Kind::Png, None) => DEFAULT_DPI,
        _ => 0,
    };
    // The language does not change a file: key it as if the page were Chinese.
    let neutral = PageRequest { language: Language::SimplifiedChinese, explicit_language: false, ..page };
    let key = key(kind, &code, &neutral, dpi);
    if let Some(rendered) = pages.cache.get(&key, pages.now()) {
        return rendered.respond(headers);
    }
    let read_at = pages.now();
    let label = match pages.public_label(&code, page.version).await {
        Ok(label) => label,
        Err(error) => return store_failure(&page, error, &code, pages.secure()),
    };
    if label.publication.withdrawn_at.is_some() {
        let parts = Parts { status: StatusCode::GONE, ..pages.parts(TEXT, CACHE_FILE, FILE_CSP) };
        let gone = Rendered::new(parts, view::withdrawn_text(&label.publication));
        return pages.cache.put(key, gone, read_at).respond(headers);
    }
    let url = format!("{}/l/{code}", crate::links::base_url(&pages.state));
    let body = match make_file(&label, kind, dpi, url).await {
        Ok(body) => body,
        Err(response) => return *response,
    };
    let (content_type, extension) = file_type(kind);
    let file_name = format!("tanji-label-{code}-v{}.{extension}", label.publication.record.version);
    let parts = Parts {
        content_disposition: HeaderValue::from_str(&format!("inline; filename=\"{file_name}\"")).ok(),
        ..pages.parts(content_type, CACHE_FILE, FILE_CSP)
    };
    pages.cache.put(key, Rendered::new(parts, body), read_at).respond(headers)
}

/// The bytes of a file for `label`, whose QR code (for artwork) opens `url`. A record that fails its chain check
/// gets no artwork: printing a label from altered figures is exactly what the check is there to stop.
async fn make_file(label: &PublicLabel, kind: Kind, dpi: u32, url: String) -> Result<Bytes, Box<Response>> {
    let record = &label.publication.record;
    if kind == Kind::ContentJson {
        return Ok(Bytes::from(record.canonical_content()));
    }
    let summary = label.publication.summary().filter(|_| label.intact);
    let Some(summary) = summary else {
        return Err(Box::new(refusal(StatusCode::CONFLICT, |t| {
            format!("{}: {}", t.public_integrity_failed, t.public_integrity_failed_explained)
        })));
    };
    let facts = view::label_facts(&label.publication, &summary, url);
    let result = match kind {
        Kind::Svg => label_svg(&facts).map(Bytes::from),
        // Rendering at print resolution is CPU work: keep it off the async workers.
        _ => tokio::task::spawn_blocking(move || label_png(&facts, dpi, &bundled_fonts()).map(Bytes::from))
            .await
            .unwrap_or_else(|error| Err(tanji_label::label::LabelError::Render(error.to_string()))),
    };
    result.map_err(|error| {
        tracing::error!(%error, code = %record.code, version = record.version, "drawing a label");
        Box::new(refusal(StatusCode::INTERNAL_SERVER_ERROR, |t| t.public_unavailable.to_owned()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn language(accept_language: &str, cookie: Option<&str>) -> Language {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_str(accept_language).unwrap());
        if let Some(cookie) = cookie {
            headers.insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
        }
        language_from_headers(&headers)
    }

    #[test]
    fn the_language_follows_the_cookie_then_the_browser_then_chinese() {
        assert_eq!(language("en-GB,en;q=0.9", None), Language::English);
        assert_eq!(language("zh-CN,zh;q=0.9,en;q=0.8", None), Language::SimplifiedChinese);
        assert_eq!(language("fr-FR, en;q=0.5, zh;q=0.7", None), Language::SimplifiedChinese);
        assert_eq!(language("fr, de", None), Language::SimplifiedChinese);
        assert_eq!(language("en;q=0, zh-TW", None), Language::SimplifiedChinese);
        assert_eq!(language("en", Some("a=b; tanji_lang=zh-CN")), Language::SimplifiedChinese);
        assert_eq!(language("zh", Some("tanji_lang=en")), Language::English);
    }

    #[test]
    fn the_dpi_refusal_names_every_size_served() {
        for t in [Text::of(Language::SimplifiedChinese), Text::of(Language::English)] {
            for dpi in SERVED_DPIS {
                assert!(t.public_dpi_refused.contains(&dpi.to_string()), "{dpi}: {}", t.public_dpi_refused);
            }
        }
    }

    #[test]
    fn query_parameters_are_read_leniently() {
        let headers = HeaderMap::new();
        let query = parse_query(Some("v=2&lang=en&utm_source=qr"), &headers);
        assert_eq!(
            (query.page.version, query.page.language, query.page.explicit_language),
            (Some(2), Language::English, true)
        );
        assert!(parse_query(Some("v=0"), &headers).bad_version);
        assert!(parse_query(Some("v=two"), &headers).bad_version);
        assert_eq!(parse_query(Some("v=v3"), &headers).page.version, Some(3));
        assert_eq!(parse_query(None, &headers).page.language, Language::SimplifiedChinese);
    }
}
