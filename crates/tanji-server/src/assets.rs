//! Static assets embedded in the binary: stylesheet, scripts, fonts, ECharts, htmx. Nothing is fetched from the
//! network at run time.
//!
//! Pages link each asset with a `?v=` fingerprint of its content; a request carrying the current fingerprint is
//! answered with a year-long immutable cache lifetime, anything else must revalidate.

use axum::extract::{Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;
use serde::Deserialize;

#[derive(RustEmbed)]
#[folder = "assets/"]
#[exclude = "*.md"]
#[exclude = "*.txt"]
struct Assets;

/// The URL of an asset, fingerprinted by its content.
pub fn url(path: &str) -> String {
    match Assets::get(path) {
        Some(file) => format!("/assets/{path}?v={}", fingerprint(&file.metadata.sha256_hash())),
        None => {
            tracing::error!(path, "a page links an asset that is not embedded");
            format!("/assets/{path}")
        }
    }
}

fn fingerprint(hash: &[u8; 32]) -> String {
    hash[..6].iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The fingerprint a request asks for.
#[derive(Debug, Deserialize)]
pub struct VersionQuery {
    v: Option<String>,
}

/// `GET /assets/{*path}`.
pub async fn serve(Path(path): Path<String>, Query(query): Query<VersionQuery>) -> Response {
    let Some(file) = Assets::get(&path) else { return StatusCode::NOT_FOUND.into_response() };
    let current = fingerprint(&file.metadata.sha256_hash());
    let cache_control = if query.v.as_deref() == Some(current.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=0, must-revalidate"
    };
    let content_type =
        HeaderValue::from_str(file.metadata.mimetype()).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let etag = HeaderValue::from_str(&format!("\"{current}\"")).expect("a hex fingerprint is a valid header value");
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache_control)),
            (header::ETAG, etag),
        ],
        file.data.into_owned(),
    )
        .into_response()
}
