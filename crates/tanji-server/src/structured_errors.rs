//! One error answer per surface: every error response of the REST API is the JSON `{code, message}` of
//! [`crate::error`], every error response of the console is the console's HTML error page in the person's language —
//! including the answers no handler writes: a query string or form that does not deserialise, a path taking another
//! method, a body over the limit, a timeout, and a panic (logged with the request id, answered 500 with that id).
//!
//! Handlers' own answers pass through untouched (an API error is already JSON, a console error page already HTML);
//! only the framework's plain-text answers are replaced, keeping `Retry-After`, `Allow` and `WWW-Authenticate`.

use std::any::Any;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Response as HttpResponse, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::console::error_page::ErrorPage;
use crate::error::ApiError;
use crate::web_context::{bare_context, request_id};

/// Framework messages about client errors are a line or two; anything longer is not worth relaying.
const MAX_DETAIL_BYTES: usize = 1_024;
/// Headers of the original answer that the structured one keeps.
const KEPT_HEADERS: [header::HeaderName; 3] = [header::RETRY_AFTER, header::ALLOW, header::WWW_AUTHENTICATE];

/// Which kind of answer a path gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Surface {
    Api,
    Console,
    /// Health checks answer for machines in their own terms.
    Untouched,
}

impl Surface {
    fn of(path: &str) -> Self {
        if path == "/api" || path.starts_with("/api/") {
            Surface::Api
        } else if path == "/healthz" || path == "/readyz" {
            Surface::Untouched
        } else {
            Surface::Console
        }
    }
}

/// The middleware: see the module documentation.
pub async fn structured_errors(request: Request, next: Next) -> Response {
    let surface = Surface::of(request.uri().path());
    if surface == Surface::Untouched {
        return next.run(request).await;
    }
    // Only what the error page needs: the language (cookie, Accept-Language) and the request id.
    let mut headers = HeaderMap::new();
    for name in [header::COOKIE, header::ACCEPT_LANGUAGE, header::HeaderName::from_static("x-request-id")] {
        for value in request.headers().get_all(&name) {
            headers.append(name.clone(), value.clone());
        }
    }
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response.headers().get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok());
    let is_json = content_type.is_some_and(|value| value.starts_with("application/json"));
    let is_html = content_type.is_some_and(|value| value.starts_with("text/html"));
    let is_plain_text = content_type.is_some_and(|value| value.starts_with("text/plain"));
    let original_headers = response.headers().clone();
    let mut structured = match surface {
        // A handler's own error is already JSON; 500s are rewritten anyway, to carry the request id.
        Surface::Api if is_json && status != StatusCode::INTERNAL_SERVER_ERROR => return response,
        Surface::Api if status == StatusCode::INTERNAL_SERVER_ERROR => {
            ApiError::internal_logged(request_id(&headers)).into_response()
        }
        Surface::Api => {
            let detail = if is_plain_text { plain_detail(response).await } else { None };
            ApiError::for_status(status, detail).into_response()
        }
        Surface::Console if is_html => return response,
        Surface::Console => ErrorPage::for_status(&bare_context(&headers, &path), status).into_response(),
        Surface::Untouched => return response,
    };
    copy_kept_headers(&original_headers, structured.headers_mut());
    structured
}

fn copy_kept_headers(from: &HeaderMap, to: &mut HeaderMap) {
    for name in KEPT_HEADERS {
        if let Some(value) = from.get(&name) {
            to.insert(name, value.clone());
        }
    }
}

async fn plain_detail(response: Response) -> Option<String> {
    let bytes = axum::body::to_bytes(response.into_body(), MAX_DETAIL_BYTES).await.ok()?;
    let text = String::from_utf8_lossy(&bytes);
    Some(text.chars().filter(|character| !character.is_control()).collect())
}

/// The panic handler of [`tower_http::catch_panic::CatchPanicLayer`]: logs the panic inside the request's span (so
/// with its request id) and answers a bare 500, which [`structured_errors`] turns into the surface's error answer.
pub fn panic_answer(panic: Box<dyn Any + Send + 'static>) -> HttpResponse<Body> {
    let message = panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with no message".to_owned());
    tracing::error!(panic = %message, "request handler panicked");
    let mut response = HttpResponse::new(Body::empty());
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::routing::get;
    use tower::ServiceExt;
    use tower_http::catch_panic::CatchPanicLayer;

    use super::*;

    /// A panicking handler behind the same two layers as in [`crate::app`].
    fn panicking_app() -> Router {
        async fn boom() -> &'static str {
            panic!("a bug in a handler")
        }
        Router::new()
            .route("/api/v1/boom", get(boom))
            .route("/console/boom", get(boom))
            // Router layers wrap what is already there: the panic catcher inside, the shaping around it.
            .layer(CatchPanicLayer::custom(panic_answer))
            .layer(axum::middleware::from_fn(structured_errors))
    }

    async fn get_with_id(path: &str) -> (StatusCode, String, String) {
        let request = Request::builder()
            .uri(path)
            .header("x-request-id", "0190e7a2-0000-7000-8000-000000000001")
            .header("accept-language", "zh-CN")
            .body(Body::empty())
            .unwrap();
        let response = panicking_app().oneshot(request).await.unwrap();
        let status = response.status();
        let content_type = response.headers()[header::CONTENT_TYPE].to_str().unwrap().to_owned();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
        (status, content_type, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn a_panic_is_a_500_with_the_request_id_in_the_surfaces_shape() {
        let (status, content_type, body) = get_with_id("/api/v1/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(content_type.starts_with("application/json"), "{content_type}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["code"], "internal");
        assert_eq!(json["request_id"], "0190e7a2-0000-7000-8000-000000000001");
        assert!(!body.contains("a bug in a handler"), "the panic message stays in the log");

        let (status, content_type, body) = get_with_id("/console/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(content_type.starts_with("text/html"), "{content_type}");
        assert!(body.contains("服务器内部错误") && body.contains("0190e7a2-0000-7000-8000-000000000001"), "{body}");
        assert!(!body.contains("a bug in a handler"));
    }

    #[test]
    fn surfaces() {
        assert_eq!(Surface::of("/api/v1/facilities"), Surface::Api);
        assert_eq!(Surface::of("/api"), Surface::Api);
        assert_eq!(Surface::of("/apiary"), Surface::Console);
        assert_eq!(Surface::of("/console/x"), Surface::Console);
        assert_eq!(Surface::of("/readyz"), Surface::Untouched);
    }
}
