//! What can be wrong with readings sent to be stored (a `tanji energy import` file, a REST batch, an MQTT message),
//! as codes with parameters. The store and the adapters return these; `tanji-i18n::energy` says them, with a hint,
//! in 中文 or English. The codes (`code()`, the serde tag) are stable: API clients match on them.

use serde::{Deserialize, Serialize};

/// The part of a reading that is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadingField {
    /// The meter's code.
    Meter,
    /// The instant of the reading.
    Timestamp,
    /// The meter's value.
    Value,
    /// The reading as a whole (a row of a file, an item of a batch).
    Row,
}

impl ReadingField {
    /// The field's name in API bodies and MQTT payloads: `meter`, `ts`, `value` (empty for a whole item).
    pub fn api_name(self) -> &'static str {
        match self {
            ReadingField::Meter => "meter",
            ReadingField::Timestamp => "ts",
            ReadingField::Value => "value",
            ReadingField::Row => "",
        }
    }

    /// The column's name in an import file's header: `meter`, `timestamp`, `value` (empty for a whole row).
    pub fn column_name(self) -> &'static str {
        match self {
            ReadingField::Meter => "meter",
            ReadingField::Timestamp => "timestamp",
            ReadingField::Value => "value",
            ReadingField::Row => "",
        }
    }
}

/// What is wrong with a reading, or with the file that carries readings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code, so a new one without its texts does not compile.
pub enum IngestProblem {
    /// The file is neither UTF-8 nor GBK/GB 18030 text.
    NotText,
    /// The file's first row cannot be read as CSV.
    HeaderUnreadable,
    /// The header is not `meter,timestamp,value`.
    WrongHeader {
        /// The header as found, cells joined by commas.
        header: String,
    },
    /// The file has a header and no reading.
    NoReadings,
    /// A row has another number of cells than three.
    WrongCellCount {
        /// Cells found.
        found: usize,
    },
    /// A row cannot be read as CSV (an unclosed quote, for example).
    RowUnreadable,
    /// The field is missing or empty.
    Required,
    /// A JSON value of another type where text belongs (a number as the meter or the time).
    NotAString,
    /// A value that is not a number (text such as `12 kWh`, or a JSON string).
    NotANumber {
        /// The text found.
        value: String,
    },
    /// A JSON string where a number belongs (`"value": "10"`).
    QuotedNumber {
        /// The text found.
        value: String,
    },
    /// A number that is infinite or not a number.
    NotFinite,
    /// A meter code longer than the store keeps.
    MeterCodeTooLong {
        /// The longest code accepted.
        max_chars: usize,
    },
    /// A meter code with characters other than `A–Z a–z 0–9 . _ -`.
    MeterCodeCharacters {
        /// The code found.
        meter: String,
    },
    /// Not a time.
    NotATime {
        /// The text found.
        value: String,
    },
    /// A local time with no offset from UTC and no stated time zone.
    NoUtcOffset {
        /// The text found.
        value: String,
    },
    /// A time that cannot be placed on the time line (out of range with its offset).
    TimeOutOfRange {
        /// The text found.
        value: String,
    },
    /// A time zone that is not an offset from UTC such as `+08:00`.
    NotAnOffset {
        /// The text found.
        value: String,
    },
    /// A meter code the organisation has not registered.
    UnknownMeter {
        /// The code found.
        meter: String,
    },
}

impl IngestProblem {
    /// The stable code, as the serde tag writes it.
    pub fn code(&self) -> &'static str {
        match self {
            IngestProblem::NotText => "not_text",
            IngestProblem::HeaderUnreadable => "header_unreadable",
            IngestProblem::WrongHeader { .. } => "wrong_header",
            IngestProblem::NoReadings => "no_readings",
            IngestProblem::WrongCellCount { .. } => "wrong_cell_count",
            IngestProblem::RowUnreadable => "row_unreadable",
            IngestProblem::Required => "required",
            IngestProblem::NotAString => "not_a_string",
            IngestProblem::NotANumber { .. } => "not_a_number",
            IngestProblem::QuotedNumber { .. } => "quoted_number",
            IngestProblem::NotFinite => "not_finite",
            IngestProblem::MeterCodeTooLong { .. } => "meter_code_too_long",
            IngestProblem::MeterCodeCharacters { .. } => "meter_code_characters",
            IngestProblem::NotATime { .. } => "not_a_time",
            IngestProblem::NoUtcOffset { .. } => "no_utc_offset",
            IngestProblem::TimeOutOfRange { .. } => "time_out_of_range",
            IngestProblem::NotAnOffset { .. } => "not_an_offset",
            IngestProblem::UnknownMeter { .. } => "unknown_meter",
        }
    }
}

/// A wrong field of one reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingError {
    pub field: ReadingField,
    pub problem: IngestProblem,
}

impl ReadingError {
    /// A problem with `field`.
    pub fn new(field: ReadingField, problem: IngestProblem) -> Self {
        Self { field, problem }
    }
}

/// Checks a meter code: 1–`max_chars` characters of `A–Z a–z 0–9 . _ -` (one MQTT topic level, one URL segment).
pub fn check_meter_code(raw: &str, max_chars: usize) -> Result<&str, ReadingError> {
    let code = raw.trim();
    let error = |problem| Err(ReadingError::new(ReadingField::Meter, problem));
    if code.is_empty() {
        return error(IngestProblem::Required);
    }
    if code.chars().count() > max_chars {
        return error(IngestProblem::MeterCodeTooLong { max_chars });
    }
    if !code.chars().all(|character| character.is_ascii_alphanumeric() || matches!(character, '.' | '_' | '-')) {
        return error(IngestProblem::MeterCodeCharacters { meter: code.to_owned() });
    }
    Ok(code)
}

/// Reads a time with its offset from UTC (RFC 3339: `2026-03-02T08:15:00+08:00`, `…Z`). A local time without an
/// offset is refused as such (`NoUtcOffset`), not as "not a time", so the hint can say what to add.
pub fn read_instant(raw: &str) -> Result<jiff::Timestamp, ReadingError> {
    let text = raw.trim();
    let error = |problem| ReadingError::new(ReadingField::Timestamp, problem);
    if text.is_empty() {
        return Err(error(IngestProblem::Required));
    }
    if let Ok(instant) = text.parse::<jiff::Timestamp>() {
        return Ok(instant);
    }
    if text.replacen(' ', "T", 1).parse::<jiff::civil::DateTime>().is_ok() {
        return Err(error(IngestProblem::NoUtcOffset { value: text.to_owned() }));
    }
    Err(error(IngestProblem::NotATime { value: text.to_owned() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_serde_tags() {
        let problems = [
            IngestProblem::NotText,
            IngestProblem::HeaderUnreadable,
            IngestProblem::WrongHeader { header: "a,b".into() },
            IngestProblem::NoReadings,
            IngestProblem::WrongCellCount { found: 2 },
            IngestProblem::RowUnreadable,
            IngestProblem::Required,
            IngestProblem::NotAString,
            IngestProblem::NotANumber { value: "x".into() },
            IngestProblem::QuotedNumber { value: "10".into() },
            IngestProblem::NotFinite,
            IngestProblem::MeterCodeTooLong { max_chars: 64 },
            IngestProblem::MeterCodeCharacters { meter: "L 1".into() },
            IngestProblem::NotATime { value: "x".into() },
            IngestProblem::NoUtcOffset { value: "2026-03-02 08:15".into() },
            IngestProblem::TimeOutOfRange { value: "x".into() },
            IngestProblem::NotAnOffset { value: "x".into() },
            IngestProblem::UnknownMeter { meter: "L9".into() },
        ];
        for problem in problems {
            let json = serde_json::to_value(&problem).unwrap();
            assert_eq!(json["code"], problem.code(), "{problem:?}");
        }
    }

    #[test]
    fn meter_codes_and_instants_are_checked_with_the_reason_as_a_value() {
        assert_eq!(check_meter_code(" L2-HEATER-01 ", 64), Ok("L2-HEATER-01"));
        assert_eq!(check_meter_code("", 64).unwrap_err().problem, IngestProblem::Required);
        assert_eq!(
            check_meter_code("L 1", 64).unwrap_err().problem,
            IngestProblem::MeterCodeCharacters { meter: "L 1".into() }
        );
        assert_eq!(check_meter_code("abc", 2).unwrap_err().problem, IngestProblem::MeterCodeTooLong { max_chars: 2 });

        assert_eq!(read_instant("2026-03-02T08:15:00+08:00").unwrap().to_string(), "2026-03-02T00:15:00Z");
        let local = read_instant("2026-03-02 08:15").unwrap_err();
        assert_eq!(
            local,
            ReadingError::new(ReadingField::Timestamp, IngestProblem::NoUtcOffset { value: "2026-03-02 08:15".into() })
        );
        assert_eq!(read_instant("soon").unwrap_err().problem, IngestProblem::NotATime { value: "soon".into() });
    }
}
