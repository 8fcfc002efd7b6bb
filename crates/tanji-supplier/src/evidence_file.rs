//! What an evidence file may be: the checks a supplier's upload passes before it is stored, decided from its bytes
//! alone (never from the name or the type the browser claims), so a script renamed `.pdf` or an HTML page sent as
//! `image/png` is refused.
//!
//! Accepted: PDF, PNG, JPEG, and UTF-8 text/CSV (for records exported from meters and spreadsheets), at most
//! [`MAX_EVIDENCE_BYTES`]. Refused as dangerous: PDFs with embedded JavaScript, launch actions or embedded files,
//! and text that is really markup (HTML, SVG, XML — scripts in a browser). Everything else (executables, archives,
//! office documents with macros, unknown binaries) is refused as a type that is not accepted.

use serde::{Deserialize, Serialize};

/// The largest evidence file accepted: 1,000,000 bytes (1 MB), enough for a scanned certificate or a year of
/// monthly bills, and below the console's 1 MiB form limit with room for the form around the file.
pub const MAX_EVIDENCE_BYTES: usize = 1_000_000;

/// The longest file name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 200;

/// A media type tanji stores evidence as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceMediaType {
    Pdf,
    Png,
    Jpeg,
    /// UTF-8 text or CSV.
    Text,
}

impl EvidenceMediaType {
    /// The MIME type it is served with.
    pub fn mime(self) -> &'static str {
        match self {
            EvidenceMediaType::Pdf => "application/pdf",
            EvidenceMediaType::Png => "image/png",
            EvidenceMediaType::Jpeg => "image/jpeg",
            EvidenceMediaType::Text => "text/plain; charset=utf-8",
        }
    }

    /// The type from its MIME name, as stored.
    pub fn from_mime(mime: &str) -> Option<EvidenceMediaType> {
        [EvidenceMediaType::Pdf, EvidenceMediaType::Png, EvidenceMediaType::Jpeg, EvidenceMediaType::Text]
            .into_iter()
            .find(|candidate| candidate.mime() == mime)
    }
}

/// Why an evidence file was refused. Nothing of a refused file is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code, so a new one without its texts does not compile.
pub enum EvidenceFileProblem {
    /// The file is empty.
    #[error("the file {file_name} is empty")]
    Empty { file_name: String },
    /// The file is larger than the limit.
    #[error("the file {file_name} has {size_bytes} bytes, more than {max_bytes}")]
    TooLarge { file_name: String, size_bytes: u64, max_bytes: u64 },
    /// The file name is missing, too long, or has path separators or control characters.
    #[error("the file name {file_name:?} is not acceptable")]
    BadFileName { file_name: String },
    /// The bytes are not one of the accepted types.
    #[error("the file {file_name} is not a PDF, PNG, JPEG or UTF-8 text file")]
    TypeNotAccepted { file_name: String },
    /// The file's name says one type and its bytes another.
    #[error("the file {file_name} is named as {named} but its content is {detected:?}")]
    NameDoesNotMatchContent { file_name: String, named: String, detected: EvidenceMediaType },
    /// The file carries active content (scripts, launch actions, embedded files, markup).
    #[error("the file {file_name} carries active content ({what}) and is refused")]
    ActiveContent { file_name: String, what: String },
}

/// An accepted file's facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedEvidenceFile {
    pub file_name: String,
    pub media_type: EvidenceMediaType,
    pub size_bytes: u64,
}

/// Checks an uploaded evidence file: name, size, type sniffed from the bytes, active content.
pub fn check_evidence_file(file_name: &str, bytes: &[u8]) -> Result<CheckedEvidenceFile, EvidenceFileProblem> {
    let file_name = file_name.trim();
    let name = || file_name.to_owned();
    if file_name.is_empty()
        || file_name.chars().count() > MAX_FILE_NAME_CHARS
        || file_name.chars().any(|character| character.is_control() || matches!(character, '/' | '\\'))
        || file_name.starts_with('.')
    {
        return Err(EvidenceFileProblem::BadFileName {
            file_name: file_name.chars().take(MAX_FILE_NAME_CHARS).collect(),
        });
    }
    if bytes.is_empty() {
        return Err(EvidenceFileProblem::Empty { file_name: name() });
    }
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(EvidenceFileProblem::TooLarge {
            file_name: name(),
            size_bytes: bytes.len() as u64,
            max_bytes: MAX_EVIDENCE_BYTES as u64,
        });
    }
    let media_type = sniff(bytes).ok_or_else(|| EvidenceFileProblem::TypeNotAccepted { file_name: name() })?;
    if let Some(what) = active_content(media_type, bytes) {
        return Err(EvidenceFileProblem::ActiveContent { file_name: name(), what: what.to_owned() });
    }
    let extension = file_name.rsplit_once('.').map(|(_, extension)| extension.to_ascii_lowercase());
    let named = match extension.as_deref() {
        Some("pdf") => Some(EvidenceMediaType::Pdf),
        Some("png") => Some(EvidenceMediaType::Png),
        Some("jpg" | "jpeg") => Some(EvidenceMediaType::Jpeg),
        Some("txt" | "csv") => Some(EvidenceMediaType::Text),
        _ => None,
    };
    match (named, extension) {
        (Some(named), _) if named == media_type => {}
        (_, extension) => {
            return Err(EvidenceFileProblem::NameDoesNotMatchContent {
                file_name: name(),
                named: extension.unwrap_or_default(),
                detected: media_type,
            });
        }
    }
    Ok(CheckedEvidenceFile { file_name: name(), media_type, size_bytes: bytes.len() as u64 })
}

/// The type of `bytes` by their signature; text only when it is valid UTF-8 without NUL or other control
/// characters besides tab, CR and LF.
fn sniff(bytes: &[u8]) -> Option<EvidenceMediaType> {
    if bytes.starts_with(b"%PDF-") {
        return Some(EvidenceMediaType::Pdf);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(EvidenceMediaType::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(EvidenceMediaType::Jpeg);
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let plain = text.chars().all(|character| !character.is_control() || matches!(character, '\t' | '\r' | '\n'));
    plain.then_some(EvidenceMediaType::Text)
}

/// Active content a PDF reader or a browser would run. PDF names are case-sensitive and searched as written
/// (`/JS` only as a whole name, not the start of `/JSON…`); markup in text is searched case-insensitively.
fn active_content(media_type: EvidenceMediaType, bytes: &[u8]) -> Option<&'static str> {
    match media_type {
        EvidenceMediaType::Pdf => {
            let name_at = |needle: &[u8]| {
                bytes
                    .windows(needle.len() + 1)
                    .any(|window| window.starts_with(needle) && !window[needle.len()].is_ascii_alphanumeric())
            };
            [
                (&b"/JavaScript"[..], "PDF JavaScript"),
                (b"/JS", "PDF JavaScript"),
                (b"/Launch", "PDF launch action"),
                (b"/EmbeddedFile", "PDF embedded file"),
            ]
            .into_iter()
            .find(|(needle, _)| name_at(needle))
            .map(|(_, what)| what)
        }
        EvidenceMediaType::Text => {
            let contains =
                |needle: &[u8]| bytes.windows(needle.len()).any(|window| window.eq_ignore_ascii_case(needle));
            [
                (&b"<script"[..], "script"),
                (b"<html", "HTML"),
                (b"<svg", "SVG"),
                (b"<?xml", "XML"),
                (b"<iframe", "HTML"),
                (b"javascript:", "script"),
            ]
            .into_iter()
            .find(|(needle, _)| contains(needle))
            .map(|(_, what)| what)
        }
        EvidenceMediaType::Png | EvidenceMediaType::Jpeg => None,
    }
}
