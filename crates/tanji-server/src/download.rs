//! Files the console hands out (CSV and JSON exports, model TOML): one answer shape, with the file name in a
//! `Content-Disposition` that no name can break (RFC 6266 with RFC 8187 `filename*`).

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What RFC 8187 lets stand unencoded in `filename*` (attr-char); everything else is percent-encoded.
const ATTR_CHAR_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment; filename="…"; filename*=UTF-8''…`: the quoted name is an ASCII stand-in for old clients (anything
/// outside letters, digits and `-._` becomes `_`), the encoded one the exact name for every current browser.
pub fn content_disposition(file_name: &str) -> HeaderValue {
    let ascii_stand_in: String = file_name
        .chars()
        .map(|character| if character.is_ascii_alphanumeric() || "-._".contains(character) { character } else { '_' })
        .collect();
    let encoded = utf8_percent_encode(file_name, ATTR_CHAR_ESCAPES);
    HeaderValue::from_str(&format!("attachment; filename=\"{ascii_stand_in}\"; filename*=UTF-8''{encoded}"))
        .expect("only visible ASCII remains after encoding")
}

/// A download of `body` as `file_name`, of `content_type`.
pub fn attachment(content_type: &'static str, file_name: &str, body: impl Into<axum::body::Body>) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, content_disposition(file_name)),
        ],
        body.into(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_name_gives_a_valid_header() {
        let check = |name: &str, expect: &str| assert_eq!(content_disposition(name), expect, "{name:?}");
        check(
            "inventory-2025-v3.csv",
            "attachment; filename=\"inventory-2025-v3.csv\"; filename*=UTF-8''inventory-2025-v3.csv",
        );
        check("纸杯-v1.toml", "attachment; filename=\"__-v1.toml\"; filename*=UTF-8''%E7%BA%B8%E6%9D%AF-v1.toml");
        check(
            "a\"; filename=evil.exe\r\nX: y.toml",
            "attachment; filename=\"a___filename_evil.exe__X__y.toml\"; \
             filename*=UTF-8''a%22%3B%20filename%3Devil.exe%0D%0AX%3A%20y.toml",
        );
    }
}
