//! The tamper-evident publication record behind a carbon label: what was published, when, under which short code,
//! hashed and chained per organisation so that any later change to a published footprint shows.
//!
//! # What is recorded
//!
//! Each time an organisation publishes a product footprint it appends one [`PublicationRecord`] to its own chain:
//!
//! - `sequence`: 1, 2, 3 … within the organisation, without gaps;
//! - `code`: the label's short code ([`LabelCode`], the `{code}` of `/l/{code}` in the QR code). A code names one
//!   product label across versions: republishing the same product makes version 2 under the same code, so QR codes
//!   already printed keep resolving and can tell the shopper that a newer version exists;
//! - `version`: 1, 2, 3 … within the code;
//! - `published_at`: a UTC timestamp, kept to the microsecond (the store's precision);
//! - `content`: the footprint summary the public page shows, as JSON built by the caller;
//! - `sign_off`: the verifier's sign-off, if the footprint was verified ([`VerifierSignOff`]);
//! - `content_hash`, `previous_hash`, `record_hash`: see below.
//!
//! # Hashes
//!
//! All three are SHA-256, shown as 64 lower-case hex digits.
//!
//! **`content_hash`** is the hash of the content's canonical JSON ([`canonical_json`]): object keys sorted by their
//! UTF-8 bytes (which is Unicode code point order), no whitespace anywhere, strings escaped as `serde_json` escapes
//! them (`"` `\` and control characters; everything else is literal UTF-8), numbers as `serde_json` writes them
//! (integers as digits; other numbers in the shortest form that reads back to the same `f64`, such as `0.1`, `1.0`,
//! `1e+21`), except that negative zero is written `0.0` because `serde_json` considers it equal to zero. The key order
//! is sorted explicitly rather than left to `serde_json::Map`, so enabling serde_json's `preserve_order` feature
//! anywhere in a build cannot change a hash; a test pins the number format so that a `serde_json` upgrade that wrote
//! numbers differently would fail the tests instead of making old records look altered. Adapters should store the
//! canonical JSON text as it is (see [`PublicationRecord::canonical_content`]): reading it back gives the same
//! value, hence the same hash. (That needs serde_json's `float_roundtrip` feature, which this crate turns on: without
//! it serde_json may read a float one unit in the last place off, and the content would look altered.)
//!
//! **`previous_hash`** is the `record_hash` of the organisation's previous publication, or [`Digest::ZERO`] (64
//! zeros) for its first.
//!
//! **`record_hash`** is the hash of this byte string (`u32`/`u64` big-endian; `str(x)` is the UTF-8 bytes of `x`
//! preceded by their length as a `u32`, so no two different records give the same bytes):
//!
//! ```text
//! "tanji publication record v1\n"               28 bytes, a domain separator
//! sequence                                      u64
//! str(code)                                     8 upper-case Crockford base-32 characters
//! version                                       u32
//! str(published_at)                             RFC 3339 UTC, six fractional digits: 2025-06-01T08:00:00.000000Z
//! content_hash                                  32 bytes
//! previous_hash                                 32 bytes
//! 0x00                                          if there is no sign-off, or else
//! 0x01 str(verifier_name) str(verifier_organisation) str(statement) str(signed_at, as published_at)
//! ```
//!
//! # Why the sign-off is inside the record
//!
//! A verifier's sign-off changes what the label and the public page say ("verified by …" instead of
//! "self-declared"), so it is published like any other change: it is part of the record and of its hash. A
//! footprint verified after it was first published is published again, as a new version under the same code with
//! the same content hash and the sign-off; the page then shows that the newer version is verified, and labels already
//! printed (which say "self-declared") lead to it. A separate attestation record linked to an earlier `record_hash`
//! was considered and rejected: it would be a second kind of chain entry to order, verify and display, for the one
//! benefit of not bumping the version number.
//!
//! # What verification proves
//!
//! [`verify_chain`] recomputes every content hash and record hash and checks every link and number. Changing a
//! record's content, or any of its fields, or deleting or reordering records, is detected as long as the attacker
//! does not rewrite every later record too. The last record (the chain's head) can be rewritten whole without a
//! trace inside the chain, so the head hash ([`ChainReport::head`]) is what to anchor outside the database: shown on
//! the public page, given to the verifier, or written to a public log.
//!
//! # Damaged records
//!
//! A record that cannot even be read back from storage (its content is no longer JSON, a hash is no longer hex …)
//! is an [`UnreadableRecord`]: whatever of it could be read, and which field could not. [`verify_stored_chain`] checks
//! a chain given as it was read, such records included: the damaged one fails with
//! [`ChainProblem::Unreadable`] naming the field, and every other record is checked as usual — the one after it
//! against the damaged one's stored record hash if that can still be read, or else it fails too, since its link
//! cannot be confirmed ([`ChainProblem::PredecessorUnreadable`]). One bad record names itself; it does not hide the
//! rest of the chain.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use jiff::fmt::temporal::DateTimePrinter;
use jiff::{RoundMode, Timestamp, TimestampRound, Unit};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

// ---------------------------------------------------------------------------------------------------------------
// Digests

/// A SHA-256 digest, written as 64 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digest([u8; 32]);

impl Digest {
    /// The `previous_hash` of an organisation's first publication: 64 zeros.
    pub const ZERO: Digest = Digest([0; 32]);

    /// The SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        Digest(Sha256::digest(bytes).into())
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Parses 64 hex digits (either case).
    pub fn parse_hex(text: &str) -> Result<Digest, DigestError> {
        let bytes = text.as_bytes();
        if bytes.len() != 64 {
            return Err(DigestError::Length { found: text.chars().count() });
        }
        let mut digest = [0u8; 32];
        for (byte_idx, pair) in bytes.chunks_exact(2).enumerate() {
            let high = hex_value(pair[0]).ok_or(DigestError::NotHex)?;
            let low = hex_value(pair[1]).ok_or(DigestError::NotHex)?;
            digest[byte_idx] = high << 4 | low;
        }
        Ok(Digest(digest))
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(formatter, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "Digest({self})")
    }
}

impl FromStr for Digest {
    type Err = DigestError;
    fn from_str(text: &str) -> Result<Digest, DigestError> {
        Digest::parse_hex(text)
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Digest, D::Error> {
        let text = String::deserialize(deserializer)?;
        Digest::parse_hex(&text).map_err(serde::de::Error::custom)
    }
}

/// Why a text is not a SHA-256 digest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DigestError {
    /// A digest has exactly 64 hex digits.
    #[error("a SHA-256 digest has 64 hex digits, not {found}")]
    Length {
        /// How many characters there were.
        found: usize,
    },
    /// Only 0–9 and a–f (either case) are hex digits.
    #[error("a SHA-256 digest has only the hex digits 0-9 and a-f")]
    NotHex,
}

// ---------------------------------------------------------------------------------------------------------------
// Short codes

/// Crockford's base-32 alphabet: digits and upper-case letters without I, L, O and U, so that a code read aloud or
/// typed from a printed label cannot be confused (O/0, I/L/1) and never spells a rude word by accident (U).
const CROCKFORD_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// How many characters a label code has.
pub const CODE_LENGTH: usize = 8;

/// How many random bytes [`new_code`] takes: 5 bytes = 40 bits = 8 base-32 characters.
pub const CODE_RANDOM_BYTES: usize = 5;

/// A label's short code: 8 characters of Crockford base 32 (40 random bits), as in `/l/K7M29XQD`.
///
/// Codes are public (they are printed on packages), so they need to be unique, not secret. 2⁴⁰ codes leave collisions
/// rare but possible (about 1 in 2,000 for a code drawn when 500 million exist), so the store keeps a unique index on
/// the code and draws again when a new code collides.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LabelCode(String);

impl LabelCode {
    /// The code as text: 8 upper-case characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code as people see it, on the label, the pages and the console: two groups of four, `K7M2-9XQD`, easier
    /// to read out and to type. [`parse_code`] takes it back (hyphens and spaces are ignored).
    pub fn display(&self) -> String {
        match (self.0.get(..4), self.0.get(4..)) {
            (Some(head), Some(tail)) if !tail.is_empty() => format!("{head}-{tail}"),
            _ => self.0.clone(),
        }
    }
}

impl fmt::Display for LabelCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl fmt::Debug for LabelCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "LabelCode({})", self.0)
    }
}

impl FromStr for LabelCode {
    type Err = CodeError;
    fn from_str(text: &str) -> Result<LabelCode, CodeError> {
        parse_code(text)
    }
}

impl Serialize for LabelCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for LabelCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<LabelCode, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_code(&text).map_err(serde::de::Error::custom)
    }
}

/// A new label code from 5 random bytes (the caller draws them, e.g. `rand::random()`; this crate has no RNG).
///
/// The 40 bits are written most significant first, 5 bits per character.
pub fn new_code(random_bytes: [u8; CODE_RANDOM_BYTES]) -> LabelCode {
    let bits = random_bytes.iter().fold(0u64, |bits, &byte| bits << 8 | u64::from(byte));
    let code = (0..CODE_LENGTH)
        .map(|char_idx| {
            let shift = 5 * (CODE_LENGTH - 1 - char_idx);
            char::from(CROCKFORD_ALPHABET[((bits >> shift) & 0x1f) as usize])
        })
        .collect();
    LabelCode(code)
}

/// Reads a label code as a person or a scanner may give it: case is ignored, hyphens and spaces are ignored
/// (`k7m2-9xqd`), and the letters that Crockford base 32 leaves out are read as what they look like (O → 0,
/// I and L → 1).
pub fn parse_code(text: &str) -> Result<LabelCode, CodeError> {
    let mut code = String::with_capacity(CODE_LENGTH);
    for ch in text.chars() {
        let normalised = match ch.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            upper if upper.is_ascii() && CROCKFORD_ALPHABET.contains(&(upper as u8)) => upper,
            _ => return Err(CodeError::InvalidCharacter { character: ch }),
        };
        code.push(normalised);
    }
    if code.len() != CODE_LENGTH {
        return Err(CodeError::Length { found: code.len() });
    }
    Ok(LabelCode(code))
}

/// Why a text is not a label code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodeError {
    /// A code has 8 characters (not counting hyphens and spaces).
    #[error("a label code has {CODE_LENGTH} characters, not {found}")]
    Length {
        /// How many code characters there were.
        found: usize,
    },
    /// Only digits and the letters A–Z except U can be in a code.
    #[error("{character:?} cannot be in a label code (digits and letters except U)")]
    InvalidCharacter {
        /// The first character that is not allowed.
        character: char,
    },
}

// ---------------------------------------------------------------------------------------------------------------
// Records

/// A verifier's sign-off on a published footprint (for example a certification body's ISO 14067 verification).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerifierSignOff {
    /// The person who signed, e.g. "王敏".
    pub verifier_name: String,
    /// Their organisation, as the label names it, e.g. "中国质量认证中心 CQC".
    pub verifier_organisation: String,
    /// What they state, e.g. "Verified to ISO 14067:2018, reasonable assurance".
    pub statement: String,
    /// When they signed (kept to the microsecond).
    pub signed_at: Timestamp,
}

/// What the caller decides when publishing; [`PublicationRecord::publish`] adds the sequence number and hashes.
#[derive(Clone, Debug, PartialEq)]
pub struct NewPublication {
    /// The label's code: a new one ([`new_code`]) for a first version, the existing one for a new version.
    pub code: LabelCode,
    /// 1 for a new code; one more than the code's latest version otherwise.
    pub version: u32,
    /// The time of publication (the store's clock), truncated to the microsecond when recorded.
    pub published_at: Timestamp,
    /// The footprint summary the public page shows.
    pub content: Value,
    /// The verifier's sign-off, if any.
    pub sign_off: Option<VerifierSignOff>,
}

/// One published footprint in an organisation's chain of publications.
///
/// The fields are public because records are read back from storage exactly as they are stored, tampered with or
/// not; [`verify_chain`] and [`verify_one`] are what say whether they can be trusted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicationRecord {
    /// 1, 2, 3 … within the organisation.
    pub sequence: u64,
    /// The label's short code.
    pub code: LabelCode,
    /// 1, 2, 3 … within the code.
    pub version: u32,
    /// When it was published (UTC, microseconds).
    pub published_at: Timestamp,
    /// The footprint summary the public page shows.
    pub content: Value,
    /// The verifier's sign-off, if any.
    pub sign_off: Option<VerifierSignOff>,
    /// SHA-256 of the content's canonical JSON.
    pub content_hash: Digest,
    /// The previous record's `record_hash`, or [`Digest::ZERO`] for the first.
    pub previous_hash: Digest,
    /// SHA-256 of this record's fields (see the module documentation for the byte layout).
    pub record_hash: Digest,
}

/// A stored record that cannot be read back whole — a field was damaged in storage — with what could be read of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnreadableRecord {
    /// Its sequence number (0 if even that cannot be read).
    pub sequence: u64,
    /// Its code, if it can be read.
    pub code: Option<LabelCode>,
    /// Its version, if it can be read.
    pub version: Option<u32>,
    /// Its stored record hash, if it can be read: the next record's link is checked against it.
    pub record_hash: Option<Digest>,
    /// The stored field that cannot be read, as the storage names it (e.g. `content_json`).
    pub field: String,
}

impl fmt::Display for UnreadableRecord {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "publication record {} cannot be read: its {} is damaged", self.sequence, self.field)
    }
}

impl std::error::Error for UnreadableRecord {}

/// One record of a chain as read from storage: the record, or what could be read of a damaged one.
pub type StoredRecord = Result<PublicationRecord, UnreadableRecord>;

/// Why a publication cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PublishError {
    /// Versions start at 1.
    #[error("a publication's version starts at 1")]
    VersionZero,
    /// A sign-off must say who signed, for whom, and what.
    #[error("the verifier's sign-off has an empty {field}")]
    EmptySignOffField {
        /// `verifier_name`, `verifier_organisation` or `statement`.
        field: &'static str,
    },
    /// The previous record's sequence number is already the largest there is.
    #[error("the organisation's publication sequence is exhausted")]
    SequenceExhausted,
}

impl PublicationRecord {
    /// Records a publication after `previous`, the organisation's latest record (`None` for its first).
    ///
    /// The version is the caller's to choose (it knows the code's history); [`verify_chain`] checks that versions of
    /// a code go 1, 2, 3 … along the chain.
    pub fn publish(
        new: NewPublication,
        previous: Option<&PublicationRecord>,
    ) -> Result<PublicationRecord, PublishError> {
        if new.version == 0 {
            return Err(PublishError::VersionZero);
        }
        let sign_off = match new.sign_off {
            Some(sign_off) => {
                for (field, value) in [
                    ("verifier_name", &sign_off.verifier_name),
                    ("verifier_organisation", &sign_off.verifier_organisation),
                    ("statement", &sign_off.statement),
                ] {
                    if value.trim().is_empty() {
                        return Err(PublishError::EmptySignOffField { field });
                    }
                }
                Some(VerifierSignOff { signed_at: to_microseconds(sign_off.signed_at), ..sign_off })
            }
            None => None,
        };
        let sequence = match previous {
            Some(previous) => previous.sequence.checked_add(1).ok_or(PublishError::SequenceExhausted)?,
            None => 1,
        };
        let mut record = PublicationRecord {
            sequence,
            code: new.code,
            version: new.version,
            published_at: to_microseconds(new.published_at),
            content_hash: content_hash(&new.content),
            content: new.content,
            sign_off,
            previous_hash: previous.map_or(Digest::ZERO, |previous| previous.record_hash),
            record_hash: Digest::ZERO,
        };
        record.record_hash = record.compute_record_hash();
        Ok(record)
    }

    /// The content's canonical JSON: the text to store, and the text `content_hash` is the hash of.
    pub fn canonical_content(&self) -> String {
        canonical_json(&self.content)
    }

    /// The record hash recomputed from the fields as they are now (the stored `record_hash` is not read).
    pub fn compute_record_hash(&self) -> Digest {
        Digest::of(&self.record_bytes())
    }

    /// The byte string that `record_hash` is the SHA-256 of (layout in the module documentation).
    pub fn record_bytes(&self) -> Vec<u8> {
        fn push_str(bytes: &mut Vec<u8>, text: &str) {
            let length = u32::try_from(text.len()).expect("record fields are shorter than 4 GiB");
            bytes.extend_from_slice(&length.to_be_bytes());
            bytes.extend_from_slice(text.as_bytes());
        }
        let mut bytes = Vec::with_capacity(256);
        bytes.extend_from_slice(RECORD_DOMAIN_SEPARATOR);
        bytes.extend_from_slice(&self.sequence.to_be_bytes());
        push_str(&mut bytes, self.code.as_str());
        bytes.extend_from_slice(&self.version.to_be_bytes());
        push_str(&mut bytes, &rfc3339_microseconds(self.published_at));
        bytes.extend_from_slice(self.content_hash.as_bytes());
        bytes.extend_from_slice(self.previous_hash.as_bytes());
        match &self.sign_off {
            None => bytes.push(0),
            Some(sign_off) => {
                bytes.push(1);
                push_str(&mut bytes, &sign_off.verifier_name);
                push_str(&mut bytes, &sign_off.verifier_organisation);
                push_str(&mut bytes, &sign_off.statement);
                push_str(&mut bytes, &rfc3339_microseconds(sign_off.signed_at));
            }
        }
        bytes
    }
}

const RECORD_DOMAIN_SEPARATOR: &[u8; 28] = b"tanji publication record v1\n";

fn to_microseconds(timestamp: Timestamp) -> Timestamp {
    timestamp
        .round(TimestampRound::new().smallest(Unit::Microsecond).mode(RoundMode::Trunc))
        .expect("truncating a timestamp to microseconds stays in range")
}

/// `2025-06-01T08:00:00.000000Z`: the timestamp format inside record hashes (and the store's).
fn rfc3339_microseconds(timestamp: Timestamp) -> String {
    DateTimePrinter::new().precision(Some(6)).timestamp_to_string(&timestamp)
}

// ---------------------------------------------------------------------------------------------------------------
// Canonical JSON

/// The canonical JSON text of `value` (defined in the module documentation): sorted keys, no whitespace.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

/// SHA-256 of [`canonical_json`].
pub fn content_hash(value: &Value) -> Digest {
    Digest::of(canonical_json(value).as_bytes())
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => {
            // serde_json writes -0.0 as "-0.0" yet compares it equal to 0.0; equal values get one canonical form.
            if number.is_f64() && number.as_f64().is_some_and(|float| float == 0.0 && float.is_sign_negative()) {
                out.push_str("0.0");
            } else {
                out.push_str(&serde_json::to_string(number).expect("a JSON number serialises"));
            }
        }
        Value::String(text) => write_string(text, out),
        Value::Array(items) => {
            out.push('[');
            for (item_idx, item) in items.iter().enumerate() {
                if item_idx > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|(key_a, _), (key_b, _)| key_a.as_bytes().cmp(key_b.as_bytes()));
            out.push('{');
            for (entry_idx, (key, item)) in entries.into_iter().enumerate() {
                if entry_idx > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_canonical(item, out);
            }
            out.push('}');
        }
    }
}

fn write_string(text: &str, out: &mut String) {
    out.push_str(&serde_json::to_string(text).expect("a string serialises"));
}

// ---------------------------------------------------------------------------------------------------------------
// Verification

/// Something wrong with one record of a chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChainProblem {
    /// The content no longer hashes to `content_hash`: what the public page would show was changed after
    /// publication.
    ContentAltered {
        /// The stored `content_hash`.
        stored: Digest,
        /// The hash of the content as it is now.
        recomputed: Digest,
    },
    /// A field covered by `record_hash` (sequence, code, version, time, content hash, previous hash or sign-off) was
    /// changed, or `record_hash` itself was.
    RecordAltered {
        /// The stored `record_hash`.
        stored: Digest,
        /// The hash of the fields as they are now.
        recomputed: Digest,
    },
    /// `previous_hash` is not the preceding record's `record_hash` (or, for the first record, not zero): a record
    /// before this one was replaced or rewritten.
    LinkBroken {
        /// This record's `previous_hash`.
        previous_hash: Digest,
        /// What it should be: the preceding record's `record_hash`, or zero.
        expected: Digest,
    },
    /// The sequence number is not one more than the preceding record's (or not 1 for the first): records are missing
    /// before this one, or are out of order. The link to the preceding record is not judged then, since that record
    /// is not the one this one was chained to.
    SequenceGap {
        /// The sequence number this record should have.
        expected: u64,
        /// The one it has.
        found: u64,
    },
    /// The version is not one more than the code's preceding version in the chain (or not 1 for the code's first).
    VersionGap {
        /// The version this record should have.
        expected: u32,
        /// The one it has.
        found: u32,
    },
    /// The record before this one cannot be read back from storage, nor its record hash, so this record's link to
    /// it cannot be checked. (The damaged record fails with [`ChainProblem::Unreadable`].)
    PredecessorUnreadable {
        /// The sequence number of the record before.
        sequence: u64,
    },
    /// The record cannot be read back from storage: `field` is damaged. Its hashes cannot be checked, and what it
    /// said cannot be shown.
    Unreadable {
        /// The stored field that cannot be read (e.g. `content_json`).
        field: String,
    },
}

impl fmt::Display for ChainProblem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainProblem::ContentAltered { stored, recomputed } => {
                write!(formatter, "content altered: it hashes to {recomputed}, published as {stored}")
            }
            ChainProblem::RecordAltered { stored, recomputed } => {
                write!(formatter, "record altered: its fields hash to {recomputed}, recorded as {stored}")
            }
            ChainProblem::LinkBroken { previous_hash, expected } => {
                write!(formatter, "link broken: previous hash {previous_hash}, expected {expected}")
            }
            ChainProblem::SequenceGap { expected, found } => {
                write!(formatter, "sequence gap: sequence {found}, expected {expected}")
            }
            ChainProblem::VersionGap { expected, found } => {
                write!(formatter, "version gap: version {found}, expected {expected}")
            }
            ChainProblem::PredecessorUnreadable { sequence } => {
                write!(formatter, "link unchecked: record {sequence} before it cannot be read")
            }
            ChainProblem::Unreadable { field } => write!(formatter, "unreadable: the stored {field} is damaged"),
        }
    }
}

/// The verdict on one record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordCheck {
    /// The record's sequence number (as stored).
    pub sequence: u64,
    /// The record's code (as stored; `None` when it cannot be read).
    pub code: Option<LabelCode>,
    /// The record's version (as stored; `None` when it cannot be read).
    pub version: Option<u32>,
    /// What is wrong with it; empty when it is intact.
    pub problems: Vec<ChainProblem>,
}

impl RecordCheck {
    /// Whether nothing is wrong with the record.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The verdict on a whole chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// One check per record, in the order given.
    pub records: Vec<RecordCheck>,
    /// The last record's stored `record_hash`: the value to anchor outside the database (`None` for no records, or
    /// when the last record's hash cannot be read).
    pub head: Option<Digest>,
}

impl ChainReport {
    /// Whether every record is intact.
    pub fn is_intact(&self) -> bool {
        self.records.iter().all(RecordCheck::is_ok)
    }

    /// The records with problems.
    pub fn failures(&self) -> impl Iterator<Item = &RecordCheck> {
        self.records.iter().filter(|check| !check.is_ok())
    }
}

/// Checks the whole chain of one organisation, given in sequence order from its first record: every content hash,
/// record hash, link and sequence number, and that each code's versions go 1, 2, 3 ….
pub fn verify_chain(records: &[PublicationRecord]) -> ChainReport {
    verify_entries(records.iter().map(Ok))
}

/// [`verify_chain`] for a chain as read from storage, damaged records included (see the module documentation).
pub fn verify_stored_chain(entries: &[StoredRecord]) -> ChainReport {
    verify_entries(entries.iter().map(Result::as_ref))
}

/// What a record's link is checked against: the record before it.
#[derive(Clone, Copy)]
struct Predecessor {
    sequence: u64,
    /// `None` when the record before is damaged and its hash cannot be read: the link cannot be checked then.
    record_hash: Option<Digest>,
}

impl Predecessor {
    fn of(entry: Result<&PublicationRecord, &UnreadableRecord>) -> Predecessor {
        match entry {
            Ok(record) => Predecessor { sequence: record.sequence, record_hash: Some(record.record_hash) },
            Err(unreadable) => Predecessor { sequence: unreadable.sequence, record_hash: unreadable.record_hash },
        }
    }
}

fn verify_entries<'a>(
    entries: impl Iterator<Item = Result<&'a PublicationRecord, &'a UnreadableRecord>>,
) -> ChainReport {
    let mut latest_versions: HashMap<LabelCode, u32> = HashMap::new();
    // Damaged records whose code or version cannot be read: each may be the version another code seems to skip.
    let mut n_unknown_versions: u32 = 0;
    let mut checks = Vec::new();
    let mut previous: Option<Predecessor> = None;
    let mut head = None;
    for entry in entries {
        let (mut check, code, version) = match entry {
            Ok(record) => (check_record(record, previous), Some(&record.code), Some(record.version)),
            Err(unreadable) => {
                let mut check = RecordCheck {
                    sequence: unreadable.sequence,
                    code: unreadable.code.clone(),
                    version: unreadable.version,
                    problems: vec![ChainProblem::Unreadable { field: unreadable.field.clone() }],
                };
                if let Some(gap) = sequence_gap(unreadable.sequence, previous) {
                    check.problems.push(gap);
                }
                (check, unreadable.code.as_ref(), unreadable.version)
            }
        };
        if let (Some(code), Some(version)) = (code, version) {
            let expected_version = latest_versions.get(code).map_or(1, |latest| latest.saturating_add(1));
            let explained = version > expected_version && version - expected_version <= n_unknown_versions;
            if version != expected_version && !explained {
                check.problems.push(ChainProblem::VersionGap { expected: expected_version, found: version });
            }
            let latest = latest_versions.entry(code.clone()).or_insert(0);
            *latest = (*latest).max(version);
        } else {
            n_unknown_versions = n_unknown_versions.saturating_add(1);
        }
        checks.push(check);
        previous = Some(Predecessor::of(entry));
        head = previous.and_then(|predecessor| predecessor.record_hash);
    }
    ChainReport { records: checks, head }
}

/// Checks one record against the one before it in its organisation's chain (`None` if it should be the first):
/// its content hash, its record hash, its sequence number and its link.
pub fn verify_one(record: &PublicationRecord, previous: Option<&PublicationRecord>) -> RecordCheck {
    check_record(record, previous.map(|previous| Predecessor::of(Ok(previous))))
}

/// [`verify_one`] with the record before it as read from storage, possibly damaged: the link is then checked
/// against the damaged record's stored record hash, if that can be read.
pub fn verify_one_stored(
    record: &PublicationRecord,
    previous: Option<Result<&PublicationRecord, &UnreadableRecord>>,
) -> RecordCheck {
    check_record(record, previous.map(Predecessor::of))
}

/// The sequence gap between a record numbered `sequence` and the record before it, if there is one.
fn sequence_gap(sequence: u64, previous: Option<Predecessor>) -> Option<ChainProblem> {
    let expected = previous.map_or(Some(1), |previous| previous.sequence.checked_add(1));
    (expected != Some(sequence))
        .then(|| ChainProblem::SequenceGap { expected: expected.unwrap_or(u64::MAX), found: sequence })
}

fn check_record(record: &PublicationRecord, previous: Option<Predecessor>) -> RecordCheck {
    let mut problems = Vec::new();
    let recomputed_content = content_hash(&record.content);
    if recomputed_content != record.content_hash {
        problems.push(ChainProblem::ContentAltered { stored: record.content_hash, recomputed: recomputed_content });
    }
    let recomputed_record = record.compute_record_hash();
    if recomputed_record != record.record_hash {
        problems.push(ChainProblem::RecordAltered { stored: record.record_hash, recomputed: recomputed_record });
    }
    if let Some(gap) = sequence_gap(record.sequence, previous) {
        problems.push(gap);
    } else {
        match previous.map(|previous| (previous.sequence, previous.record_hash)) {
            Some((sequence, None)) => problems.push(ChainProblem::PredecessorUnreadable { sequence }),
            link => {
                let expected = link.and_then(|(_, record_hash)| record_hash).unwrap_or(Digest::ZERO);
                if record.previous_hash != expected {
                    problems.push(ChainProblem::LinkBroken { previous_hash: record.previous_hash, expected });
                }
            }
        }
    }
    RecordCheck { sequence: record.sequence, code: Some(record.code.clone()), version: Some(record.version), problems }
}

#[cfg(test)]
mod tests;
