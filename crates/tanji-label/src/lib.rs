//! Carbon labels for published product footprints.
//!
//! - [`publication`]: the tamper-evident publication record behind a label's QR code: canonical JSON, content and
//!   record hashes chained per organisation, chain verification, and the label's short code.
//! - [`label`]: the label artwork, a bilingual print-ready SVG with a QR code, and its PNG at print resolution.
//! - [`page_chart`]: server-rendered SVG charts for the public footprint page (no JavaScript).
//! - [`text`]: number formatting and XML escaping shared by all three, for callers that print the same numbers.
//!
//! Pure: no I/O. Time, randomness and font files come in as arguments.

pub mod label;
pub mod page_chart;
pub mod publication;
pub mod text;
