//! Greenhouse gases: names as people write them, and the reporting group each belongs to.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A greenhouse gas, named as in the bundled GWP table (`CO2`, `CH4`, `N2O`, `HFC134a`, `SF6`, `NF3`, `CF4`, …).
///
/// Methane is split by origin because IPCC AR6 gives fossil methane a higher GWP (its carbon ends up as CO2 that was
/// not taken from the atmosphere). Earlier sets use one value for both.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gas(String);

/// How a gas is reported: the seven gases of the Kyoto Protocol (as the GHG Protocol and ISO 14064-1 group them),
/// or another gas that is reported as a memo item and kept out of scope totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GasGroup {
    CarbonDioxide,
    Methane,
    NitrousOxide,
    Hydrofluorocarbons,
    Perfluorocarbons,
    SulphurHexafluoride,
    NitrogenTrifluoride,
    /// CFCs, HCFCs, halons, HFEs and the like: reported apart (GHG Protocol), never added to scope totals.
    Other,
}

impl GasGroup {
    pub fn is_in_scope_totals(self) -> bool {
        self != GasGroup::Other
    }

    pub fn symbol(self) -> &'static str {
        match self {
            GasGroup::CarbonDioxide => "CO2",
            GasGroup::Methane => "CH4",
            GasGroup::NitrousOxide => "N2O",
            GasGroup::Hydrofluorocarbons => "HFCs",
            GasGroup::Perfluorocarbons => "PFCs",
            GasGroup::SulphurHexafluoride => "SF6",
            GasGroup::NitrogenTrifluoride => "NF3",
            GasGroup::Other => "other",
        }
    }
}

const PERFLUOROCARBONS: &[&str] =
    &["CF4", "C2F6", "C3F8", "cC4F8", "C4F10", "C5F12", "C6F14", "C7F16", "C8F18", "C10F18", "cC3F6"];

impl Gas {
    pub const CO2: &'static str = "CO2";
    pub const CH4: &'static str = "CH4";
    /// Methane of fossil origin (AR6 distinguishes it).
    pub const CH4_FOSSIL: &'static str = "CH4_fossil";
    /// Methane of non-fossil origin (AR6 distinguishes it).
    pub const CH4_NON_FOSSIL: &'static str = "CH4_non_fossil";
    pub const N2O: &'static str = "N2O";

    /// Normalise a gas name as people write it: `HFC-134a`, `R-134a`, `R134a`, `CH₄`, `co2`, `SF6`.
    /// Returns the canonical name; whether the gas has a GWP is the GWP table's business.
    pub fn parse(text: &str) -> Gas {
        let subscripts: String = text
            .trim()
            .chars()
            .map(|character| match character {
                '₀'..='₉' => char::from_digit(character as u32 - '₀' as u32, 10).unwrap_or(character),
                other => other,
            })
            .collect();
        let upper = subscripts.to_uppercase();
        let canonical = match upper.as_str() {
            "CO2" | "CARBON DIOXIDE" | "二氧化碳" => Gas::CO2.to_owned(),
            "CH4" | "METHANE" | "甲烷" => Gas::CH4.to_owned(),
            "CH4_FOSSIL" | "CH4 FOSSIL" | "FOSSIL CH4" => Gas::CH4_FOSSIL.to_owned(),
            "CH4_NON_FOSSIL" | "CH4 NON-FOSSIL" | "NON-FOSSIL CH4" | "BIOGENIC CH4" => Gas::CH4_NON_FOSSIL.to_owned(),
            "N2O" | "NITROUS OXIDE" | "氧化亚氮" => Gas::N2O.to_owned(),
            "SF6" | "六氟化硫" => "SF6".to_owned(),
            "NF3" | "三氟化氮" => "NF3".to_owned(),
            _ => {
                // Refrigerant designations: R-134a, R134a, HFC-134a, HFC 134a → HFC134a. Lower-case suffix letters
                // (134a, 245fa) are part of the name, so keep the original case after the prefix.
                let compact: String = subscripts.chars().filter(|character| !matches!(character, '-' | ' ')).collect();
                let lower_compact = compact.to_lowercase();
                if let Some(rest) = strip_prefix_ignore_case(&compact, &lower_compact, "hfc") {
                    format!("HFC{}", rest.to_lowercase())
                } else if let Some(rest) = strip_prefix_ignore_case(&compact, &lower_compact, "hcfc") {
                    format!("HCFC{}", rest.to_lowercase())
                } else if let Some(rest) = strip_prefix_ignore_case(&compact, &lower_compact, "cfc") {
                    format!("CFC{}", rest.to_lowercase())
                } else if let Some(rest) = strip_prefix_ignore_case(&compact, &lower_compact, "r")
                    && rest.starts_with(|character: char| character.is_ascii_digit())
                {
                    // A bare R-number of a single substance; blends (R-410A …) are resolved by the blend table
                    // before this is called, so a digit-led name here is a pure HFC.
                    format!("HFC{}", rest.to_lowercase())
                } else {
                    compact
                }
            }
        };
        Gas(canonical)
    }

    /// A gas exactly as named in the GWP table (no normalisation).
    pub fn from_table_name(name: &str) -> Gas {
        Gas(name.to_owned())
    }

    pub fn name(&self) -> &str {
        &self.0
    }

    pub fn group(&self) -> GasGroup {
        let name = self.0.as_str();
        match name {
            Gas::CO2 => GasGroup::CarbonDioxide,
            Gas::CH4 | Gas::CH4_FOSSIL | Gas::CH4_NON_FOSSIL => GasGroup::Methane,
            Gas::N2O => GasGroup::NitrousOxide,
            "SF6" => GasGroup::SulphurHexafluoride,
            "NF3" => GasGroup::NitrogenTrifluoride,
            _ if name.starts_with("HFC") => GasGroup::Hydrofluorocarbons,
            _ if PERFLUOROCARBONS.contains(&name) => GasGroup::Perfluorocarbons,
            _ => GasGroup::Other,
        }
    }

    /// The name the GWP table lists this gas under (fossil and non-fossil methane share `CH4` outside AR6).
    pub fn table_name(&self) -> &str {
        match self.0.as_str() {
            Gas::CH4_FOSSIL | Gas::CH4_NON_FOSSIL => Gas::CH4,
            other => other,
        }
    }
}

fn strip_prefix_ignore_case<'a>(original: &'a str, lower: &str, prefix: &str) -> Option<&'a str> {
    lower.starts_with(prefix).then(|| &original[prefix.len()..])
}

impl fmt::Display for Gas {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl Serialize for Gas {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Gas {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Gas::parse(&String::deserialize(deserializer)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_refrigerant_and_chemical_names() {
        for (text, expect) in [
            ("HFC-134a", "HFC134a"),
            ("R-134a", "HFC134a"),
            ("r134A", "HFC134a"),
            ("HFC-32", "HFC32"),
            ("CH₄", "CH4"),
            ("co2", "CO2"),
            ("HCFC-22", "HCFC22"),
            ("CF4", "CF4"),
            ("甲烷", "CH4"),
        ] {
            assert_eq!(Gas::parse(text).name(), expect, "{text}");
        }
    }

    #[test]
    fn groups() {
        assert_eq!(Gas::parse("HFC-125").group(), GasGroup::Hydrofluorocarbons);
        assert_eq!(Gas::parse("C2F6").group(), GasGroup::Perfluorocarbons);
        assert_eq!(Gas::parse("HCFC-22").group(), GasGroup::Other);
        assert!(!GasGroup::Other.is_in_scope_totals());
        assert_eq!(Gas::parse("CH4_fossil").group(), GasGroup::Methane);
    }
}
