//! Notes on a computed footprint: things a reader of the result should know that are not errors, as message values
//! (`tanji-i18n` says them in either language).

use serde::{Deserialize, Serialize};

/// One note on a footprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code, so a new one without its texts does not compile.
pub enum Note {
    /// A library factor gives only a CO2e total, published under another GWP set than the footprint's; it is used
    /// as published.
    FactorPublishedUnderOtherGwp { factor: String, published: String, used: String },
    /// A process is not in the supply chain of the reference process, so it adds nothing.
    ProcessNotReached { process: String, reference: String },
    /// The exempted items exceed the cut-off rule's limit.
    ExemptionsOverLimit { percent: f64, limit_percent: f64 },
    /// A note stored by an older version as English text.
    Legacy { text: String },
}

/// Read notes stored either as message values or, by older versions, as plain English strings.
pub(crate) fn read_notes<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<Note>, D::Error> {
    let values: Vec<serde_json::Value> = Vec::deserialize(deserializer)?;
    values
        .into_iter()
        .map(|value| match value {
            serde_json::Value::String(text) => Ok(Note::Legacy { text }),
            other => serde_json::from_value(other).map_err(serde::de::Error::custom),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_stored_as_english_text_by_older_versions_stay_readable() {
        #[derive(Deserialize)]
        struct Stored {
            #[serde(deserialize_with = "read_notes")]
            notes: Vec<Note>,
        }
        let stored: Stored = serde_json::from_str(
            r#"{"notes": ["process “x” is not in the supply chain", {"code": "process_not_reached", "process": "x", "reference": "pack"}]}"#,
        )
        .unwrap();
        assert_eq!(
            stored.notes,
            [
                Note::Legacy { text: "process “x” is not in the supply chain".to_owned() },
                Note::ProcessNotReached { process: "x".to_owned(), reference: "pack".to_owned() }
            ]
        );
    }
}
