//! The public pages behind a carbon label's QR code: what a shopper sees after scanning it, without login, cookies
//! or JavaScript.
//!
//! - `GET /l/{code}` (`?v=N` for an older version, `?lang=zh|en`): the footprint page.
//! - `GET /l/{code}/verify`: the publication's hashes and the publisher's whole chain, checked.
//! - `GET /l/{code}/label.svg`, `GET /l/{code}/label.png?dpi=300`: the label artwork, its QR code opening
//!   `{public URL}/l/{code}`.
//! - `GET /l/{code}/content.json`: the canonical content JSON, byte for byte, whose SHA-256 is the content hash.
//!
//! These routes sit outside the console's web-context layer on purpose: that layer looks up sessions and hands out
//! a CSRF cookie, and a public page needs neither. The language comes from `?lang=`, else the console's language
//! cookie if the browser has one, else `Accept-Language`, else Chinese. Only the publication's record and content
//! are shown; the store's row ids and who pressed "publish" are not.
//!
//! Pages are rendered once per page, version and language and kept for a few seconds ([`cache`]); the HTTP cache
//! headers let browsers and proxies keep a version's artwork for a year and pages for a minute or five.

mod cache;
mod view;

use std::sync::Arc;

use askama::Template;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Router, body::Bytes};
use tanji_label::label::{DEFAULT_DPI, DPI_RANGE, bundled_fonts, label_png, label_svg};
use tanji_label::publication::{LabelCode, parse_code};
use tanji_store::{PublicLabel, StoreError};
use tanji_tenancy::member::Language;

use self::cache::{PageCache, Rendered};
use self::view::{Missing, Request};
use crate::i18n::Text;
use crate::state::AppState;
use crate::web_context::LANGUAGE_COOKIE;

/// The newest version's page: a new version or a withdrawal shows within a minute.
const CACHE_LATEST_PAGE: &str = "public, max-age=60";
/// An older version's page: its content never changes, but a withdrawal or a failed chain check must still show.
const CACHE_VERSION_PAGE: &str = "public, max-age=300";
/// A version's artwork: made from its immutable record.
const CACHE_VERSION_ARTWORK: &str = "public, max-age=31536000, immutable";
/// The newest version's artwork (and a version's content JSON).
const CACHE_LATEST_ARTWORK: &str = "public, max-age=300";
/// Unknown codes: a code published a minute later must not stay "not found" for long.
const CACHE_MISSING: &str = "public, max-age=60";
const CACHE_NONE: &str = "no-store";

/// The pages load nothing but their favicon: no scripts at all, styles inline, charts inline SVG.
const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; \
                        base-uri 'none'; form-action 'none'";
/// The artwork and JSON files: nothing to load, nothing to run.
const FILE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

const HTML: &str = "text/html; charset=utf-8";

/// The public label routes, with their page cache.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/l", get(no_code))
        .route("/l/", get(no_code))
        .route("/l/{code}", get(label_page))
        .route("/l/{code}/verify", get(verify_page))
        .route("/l/{code}/label.svg", get(artwork_svg))
        .route("/l/{code}/label.png", get(artwork_png))
        .route("/l/{code}/content.json", get(content_json))
        .route("/l/{code}/{*rest}", get(unknown_subpage))
        .layer(Extension(Arc::new(PageCache::default())))
}

// ---------------------------------------------------------------------------------------------------------------
// Requests

/// The query of a public request, read leniently: unknown parameters are ignored.
struct Query {
    request: Request,
    /// `?v=` was given but is not a version number.
    bad_version: bool,
    dpi: Option<String>,
}

fn parse_query(raw: Option<&str>, headers: &HeaderMap) -> Query {
    let (mut language, mut version, mut bad_version, mut dpi) = (None, None, false, None);
    for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
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
    let explicit_language = language.is_some();
    let language = language.unwrap_or_else(|| language_from_headers(headers));
    Query { request: Request { language, explicit_language, version }, bad_version, dpi }
}

/// The console's language cookie if the browser has one, else `Accept-Language`, else Chinese.
fn language_from_headers(headers: &HeaderMap) -> Language {
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LANGUAGE_COOKIE)
        .and_then(|(_, value)| Language::from_tag(value));
    cookie
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(|accept| accept_language::parse(accept).iter().find_map(|tag| Language::from_tag(tag)))
        })
        .unwrap_or_default()
}

/// The label code of the path, or the answer to give instead: the "not found" page for text that is not a code, a
/// permanent redirect to the code's canonical spelling (`k7m2-9xqd` → `K7M29XQD`) keeping the query.
fn resolve_code(text: &str, suffix: &str, raw_query: Option<&str>, query: &Query) -> Result<LabelCode, Response> {
    let code = parse_code(text).map_err(|_| missing(&query.request, Missing::Malformed, text))?;
    if code.as_str() != text {
        let query = raw_query.map(|raw| format!("?{raw}")).unwrap_or_default();
        return Err(Redirect::permanent(&format!("/l/{code}{suffix}{query}")).into_response());
    }
    if query.bad_version {
        return Err(missing(&query.request, Missing::Unknown, text));
    }
    Ok(code)
}

fn now(state: &AppState) -> jiff::Timestamp {
    state.store().clock().now()
}

fn render_html(status: StatusCode, cache_control: &'static str, page: &impl Template) -> Result<Rendered, Response> {
    match page.render() {
        Ok(html) => Ok(Rendered::new(status, HTML, cache_control, PAGE_CSP, html)),
        Err(error) => {
            tracing::error!(%error, "rendering a public label page");
            Err((StatusCode::INTERNAL_SERVER_ERROR, [(header::CACHE_CONTROL, CACHE_NONE)]).into_response())
        }
    }
}

/// The friendly page for a label that is not there (or cannot be shown now).
fn missing(request: &Request, missing: Missing, code_given: &str) -> Response {
    let (status, cache_control) = match missing {
        Missing::Unknown => (StatusCode::NOT_FOUND, CACHE_MISSING),
        Missing::Malformed => (StatusCode::BAD_REQUEST, CACHE_MISSING),
        Missing::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, CACHE_NONE),
    };
    let page = view::missing_page(request, missing, code_given);
    match render_html(status, cache_control, &page) {
        Ok(mut rendered) => {
            rendered.varies_by_language = !request.explicit_language;
            rendered.respond(&HeaderMap::new())
        }
        Err(response) => response,
    }
}

/// The answer to a store error: "not found" for `NotFound`, else logged and "temporarily unavailable".
fn store_failure(request: &Request, error: StoreError, code: &LabelCode) -> Response {
    match error {
        StoreError::NotFound => missing(request, Missing::Unknown, code.as_str()),
        other => {
            tracing::error!(error = %other, "reading a public label");
            missing(request, Missing::Unavailable, code.as_str())
        }
    }
}

/// The key of a cached answer. `base_url` only for answers that print it (artwork, the verify view).
fn cache_key(kind: &str, code: &LabelCode, request: &Request, extra: &str) -> String {
    format!(
        "{kind}|{code}|{}|{}|{}|{extra}",
        request.version.unwrap_or(0),
        view::language_parameter(request.language),
        request.explicit_language
    )
}

// ---------------------------------------------------------------------------------------------------------------
// Pages

async fn no_code(RawQuery(raw_query): RawQuery, headers: HeaderMap) -> Response {
    let query = parse_query(raw_query.as_deref(), &headers);
    missing(&query.request, Missing::Malformed, "")
}

async fn unknown_subpage(
    Path((code, _rest)): Path<(String, String)>,
    RawQuery(raw_query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = parse_query(raw_query.as_deref(), &headers);
    missing(&query.request, Missing::Unknown, &code)
}

/// `GET /l/{code}`.
async fn label_page(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<PageCache>>,
    Path(code): Path<String>,
    RawQuery(raw_query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = parse_query(raw_query.as_deref(), &headers);
    let code = match resolve_code(&code, "", raw_query.as_deref(), &query) {
        Ok(code) => code,
        Err(response) => return response,
    };
    let request = query.request;
    let key = cache_key("page", &code, &request, "");
    if let Some(rendered) = cache.get(&key, now(&state)) {
        return rendered.respond(&headers);
    }
    let label = match state.store().public_label(&code, request.version).await {
        Ok(label) => label,
        Err(error) => return store_failure(&request, error, &code),
    };
    let cache_control = if request.version.is_some() { CACHE_VERSION_PAGE } else { CACHE_LATEST_PAGE };
    let mut rendered = match render_html(StatusCode::OK, cache_control, &view::label_page(&request, &label)) {
        Ok(rendered) => rendered,
        Err(response) => return response,
    };
    rendered.varies_by_language = !request.explicit_language;
    cache.put(key, rendered.clone(), now(&state));
    rendered.respond(&headers)
}

/// `GET /l/{code}/verify`.
async fn verify_page(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<PageCache>>,
    Path(code): Path<String>,
    RawQuery(raw_query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = parse_query(raw_query.as_deref(), &headers);
    let code = match resolve_code(&code, "/verify", raw_query.as_deref(), &query) {
        Ok(code) => code,
        Err(response) => return response,
    };
    let request = query.request;
    let base_url = crate::links::base_url(&state, &headers);
    let key = cache_key("verify", &code, &request, &base_url);
    if let Some(rendered) = cache.get(&key, now(&state)) {
        return rendered.respond(&headers);
    }
    let chain = match state.store().public_chain(&code).await {
        Ok(chain) => chain,
        Err(error) => return store_failure(&request, error, &code),
    };
    let of_code = || chain.publications.iter().enumerate().filter(|(_, publication)| publication.record.code == code);
    let index = match request.version {
        Some(version) => of_code().find(|(_, publication)| publication.record.version == version),
        None => of_code().max_by_key(|(_, publication)| publication.record.version),
    };
    let Some((index, _)) = index else { return missing(&request, Missing::Unknown, code.as_str()) };
    let page = view::verify_page(&request, &chain, index, &base_url);
    let mut rendered = match render_html(StatusCode::OK, CACHE_LATEST_PAGE, &page) {
        Ok(rendered) => rendered,
        Err(response) => return response,
    };
    rendered.varies_by_language = !request.explicit_language;
    cache.put(key, rendered.clone(), now(&state));
    rendered.respond(&headers)
}

// ---------------------------------------------------------------------------------------------------------------
// Files

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum File {
    Svg,
    Png,
    ContentJson,
}

impl File {
    fn suffix(self) -> &'static str {
        match self {
            File::Svg => "/label.svg",
            File::Png => "/label.png",
            File::ContentJson => "/content.json",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            File::Svg => "image/svg+xml",
            File::Png => "image/png",
            File::ContentJson => "application/json",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            File::Svg => "svg",
            File::Png => "png",
            File::ContentJson => "json",
        }
    }
}

async fn artwork_svg(
    state: State<AppState>,
    cache: Extension<Arc<PageCache>>,
    code: Path<String>,
    raw_query: RawQuery,
    headers: HeaderMap,
) -> Response {
    file(state, cache, code, raw_query, headers, File::Svg).await
}

async fn artwork_png(
    state: State<AppState>,
    cache: Extension<Arc<PageCache>>,
    code: Path<String>,
    raw_query: RawQuery,
    headers: HeaderMap,
) -> Response {
    file(state, cache, code, raw_query, headers, File::Png).await
}

async fn content_json(
    state: State<AppState>,
    cache: Extension<Arc<PageCache>>,
    code: Path<String>,
    raw_query: RawQuery,
    headers: HeaderMap,
) -> Response {
    file(state, cache, code, raw_query, headers, File::ContentJson).await
}

/// A plain-text refusal in both languages.
fn refusal(status: StatusCode, message: impl Fn(&'static Text) -> String) -> Response {
    let text = format!("{}\n{}\n", message(Text::of(Language::SimplifiedChinese)), message(Text::of(Language::English)));
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, CACHE_NONE)], text)
        .into_response()
}

async fn file(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<PageCache>>,
    Path(code): Path<String>,
    RawQuery(raw_query): RawQuery,
    headers: HeaderMap,
    file: File,
) -> Response {
    let query = parse_query(raw_query.as_deref(), &headers);
    let code = match resolve_code(&code, file.suffix(), raw_query.as_deref(), &query) {
        Ok(code) => code,
        Err(response) => return response,
    };
    let request = query.request;
    let dpi = match (file, query.dpi.as_deref()) {
        (File::Png, Some(text)) => match text.trim().parse::<u32>() {
            Ok(dpi) if DPI_RANGE.contains(&dpi) => dpi,
            _ => {
                let (low, high) = (DPI_RANGE.start(), DPI_RANGE.end());
                return refusal(StatusCode::BAD_REQUEST, |_| format!("dpi: {low}–{high}"));
            }
        },
        _ => DEFAULT_DPI,
    };
    let base_url = crate::links::base_url(&state, &headers);
    // The language does not change a file: key it as if the page were Chinese.
    let key_request = Request { language: Language::SimplifiedChinese, explicit_language: false, ..request };
    let key = cache_key(file.extension(), &code, &key_request, &format!("{dpi}|{base_url}"));
    if let Some(rendered) = cache.get(&key, now(&state)) {
        return rendered.respond(&headers);
    }
    let label = match state.store().public_label(&code, request.version).await {
        Ok(label) => label,
        Err(error) => return store_failure(&request, error, &code),
    };
    let body = match make_file(&label, file, dpi, format!("{base_url}/l/{code}")).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let version = label.publication.record.version;
    let cache_control = match (file, request.version) {
        (File::Svg | File::Png, Some(_)) => CACHE_VERSION_ARTWORK,
        _ => CACHE_LATEST_ARTWORK,
    };
    let mut rendered = Rendered::new(StatusCode::OK, file.content_type(), cache_control, FILE_CSP, body);
    let file_name = format!("tanji-label-{code}-v{version}.{}", file.extension());
    rendered.content_disposition = HeaderValue::from_str(&format!("inline; filename=\"{file_name}\"")).ok();
    cache.put(key, rendered.clone(), now(&state));
    rendered.respond(&headers)
}

/// The bytes of `file` for `label`, whose QR code (for artwork) opens `url`. A record that fails its chain check
/// gets no artwork: printing a label from altered figures is exactly what the check is there to stop.
async fn make_file(label: &PublicLabel, file: File, dpi: u32, url: String) -> Result<Bytes, Response> {
    let record = &label.publication.record;
    if file == File::ContentJson {
        return Ok(Bytes::from(record.canonical_content()));
    }
    let summary = label.publication.summary().filter(|_| label.intact);
    let Some(summary) = summary else {
        return Err(refusal(StatusCode::CONFLICT, |t| {
            format!("{}: {}", t.public_integrity_failed, t.public_integrity_failed_explained)
        }));
    };
    let facts = view::label_facts(record, &summary, url);
    let result = match file {
        File::Svg => label_svg(&facts).map(Bytes::from),
        // Rendering at print resolution is CPU work: keep it off the async workers.
        _ => tokio::task::spawn_blocking(move || label_png(&facts, dpi, &bundled_fonts()).map(Bytes::from))
            .await
            .unwrap_or_else(|error| Err(tanji_label::label::LabelError::Render(error.to_string()))),
    };
    result.map_err(|error| {
        tracing::error!(%error, code = %record.code, version = record.version, "drawing a label");
        refusal(StatusCode::INTERNAL_SERVER_ERROR, |t| t.public_unavailable.to_owned())
    })
}
