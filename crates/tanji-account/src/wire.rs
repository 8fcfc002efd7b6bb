//! How 128-bit ledger numbers travel in JSON. Ids are u128 (TigerBeetle's), which JSON numbers cannot carry exactly
//! (JavaScript loses precision past 2^53, and serde's internally tagged enums cannot buffer a u128 at all), so ids
//! are decimal strings; point amounts are whole numbers far below 2^64 in practice and travel as JSON numbers,
//! refusing (rather than truncating) anything larger.

use serde::{Deserialize, Deserializer, Serializer};

/// A u128 id as a decimal string.
pub mod id_text {
    use super::*;

    pub fn serialize<S: Serializer>(id: &u128, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(id)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u128, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// An optional u128 id as a decimal string or null.
pub mod id_text_option {
    use super::*;

    pub fn serialize<S: Serializer>(id: &Option<u128>, serializer: S) -> Result<S::Ok, S::Error> {
        match id {
            Some(id) => serializer.collect_str(id),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u128>, D::Error> {
        let text = Option::<String>::deserialize(deserializer)?;
        text.map(|text| text.parse().map_err(serde::de::Error::custom)).transpose()
    }
}

/// A point amount as a JSON number (u64).
pub mod points {
    use super::*;

    pub fn serialize<S: Serializer>(amount: &u128, serializer: S) -> Result<S::Ok, S::Error> {
        let amount = u64::try_from(*amount).map_err(|_| serde::ser::Error::custom("points above 2^64"))?;
        serializer.serialize_u64(amount)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u128, D::Error> {
        u64::deserialize(deserializer).map(u128::from)
    }
}
