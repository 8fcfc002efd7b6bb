//! Dimensioned quantities for carbon accounting: parse the units people write on meters, invoices and
//! factor tables (`万kWh`, `10⁴Nm³`, `tce`, `t·km`, `short_ton`), convert within a dimension, refuse across one.
//!
//! # Why `f64` and not a decimal type
//!
//! Accounting arithmetic here is multiplication chains (quantity × NCV × CC × OF × 44/12 × GWP), unit conversions
//! with irrational-looking constants (1 mmBtu = 1.05505585262 GJ, 44/12) and, in the footprint engine, linear algebra
//! and Monte Carlo sampling. None of those stay exact in a decimal type either, so a decimal would only move the
//! rounding elsewhere while making the LCA engine convert at every boundary. An `f64` carries 15–17 significant
//! digits; published factors carry 3–6. We therefore compute in `f64`, keep every input exactly as entered next to
//! the result (provenance), never round intermediate values, and round only when presenting. Golden tests compare
//! with published worked examples at the precision the publisher printed.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a quantity measures. Conversion is allowed only within one dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Dimension {
    Mass,
    Energy,
    /// Geometric volume (litres, cubic metres, gallons).
    Volume,
    /// Gas volume at normal conditions, 0 °C and 101.325 kPa (Nm³, the unit of the China guidelines).
    NormalGasVolume,
    /// Gas volume at US standard conditions, 60 °F and 14.696 psia (scf, the unit of the EPA hub).
    StandardGasVolume,
    Distance,
    /// Mass moved over a distance (t·km).
    Freight,
    /// People moved over a distance (passenger·km).
    PassengerDistance,
    /// Vehicles moved over a distance (vehicle·km).
    VehicleDistance,
    /// Money in one currency. Different currencies are different dimensions: converting needs an exchange rate.
    Currency(Currency),
    /// Pieces, items, units of product.
    Count,
}

/// Currencies that spend-based factors are published in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Currency {
    CNY,
    USD,
    GBP,
    EUR,
}

impl Dimension {
    /// The dimension's name in English, for messages.
    pub fn name_en(self) -> &'static str {
        match self {
            Dimension::Mass => "mass",
            Dimension::Energy => "energy",
            Dimension::Volume => "volume",
            Dimension::NormalGasVolume => "gas volume at normal conditions (0 °C)",
            Dimension::StandardGasVolume => "gas volume at standard conditions (60 °F)",
            Dimension::Distance => "distance",
            Dimension::Freight => "freight (mass × distance)",
            Dimension::PassengerDistance => "passenger distance",
            Dimension::VehicleDistance => "vehicle distance",
            Dimension::Currency(Currency::CNY) => "money (CNY)",
            Dimension::Currency(Currency::USD) => "money (USD)",
            Dimension::Currency(Currency::GBP) => "money (GBP)",
            Dimension::Currency(Currency::EUR) => "money (EUR)",
            Dimension::Count => "count",
        }
    }

    /// The dimension's name in 简体中文, for messages.
    pub fn name_zh(self) -> &'static str {
        match self {
            Dimension::Mass => "质量",
            Dimension::Energy => "能量",
            Dimension::Volume => "体积",
            Dimension::NormalGasVolume => "标准状态气体体积（0 °C）",
            Dimension::StandardGasVolume => "美制标准状态气体体积（60 °F）",
            Dimension::Distance => "距离",
            Dimension::Freight => "货运周转量（质量×距离）",
            Dimension::PassengerDistance => "旅客周转量",
            Dimension::VehicleDistance => "车辆行驶里程",
            Dimension::Currency(Currency::CNY) => "金额（人民币）",
            Dimension::Currency(Currency::USD) => "金额（美元）",
            Dimension::Currency(Currency::GBP) => "金额（英镑）",
            Dimension::Currency(Currency::EUR) => "金额（欧元）",
            Dimension::Count => "数量",
        }
    }
}

/// A unit: a canonical symbol, its dimension and its size in the dimension's base unit
/// (kg, GJ, m³, Nm³, scf, km, t·km, passenger·km, vehicle·km, one currency unit, one piece).
///
/// The symbol is one of a fixed set (the table's symbols, alone or after a multiplier), so it is held as a static
/// string: copying a unit — once per activity row of a large file — allocates nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    symbol: &'static str,
    dimension: Dimension,
    size_in_base: f64,
}

/// Why a unit or quantity could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum UnitError {
    /// The text is not a unit tanji knows.
    #[error("unknown unit “{text}”{}", suggestion_text(.suggestion))]
    Unknown {
        /// The text as given.
        text: String,
        /// The closest known symbol, when one is close.
        suggestion: Option<String>,
    },
    /// The two units measure different things.
    #[error("cannot convert {from} ({}) to {to} ({}){}", .from_dimension.name_en(), .to_dimension.name_en(), incompatibility_hint(*.from_dimension, *.to_dimension))]
    Incompatible { from: String, to: String, from_dimension: Dimension, to_dimension: Dimension },
    /// The number is NaN or infinite.
    #[error("“{0}” is not a finite number")]
    NotFinite(String),
    /// The text has no number where a quantity was expected.
    #[error("“{0}” is not a quantity; write a number followed by a unit, e.g. “1200 kWh”")]
    NotAQuantity(String),
}

fn suggestion_text(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(symbol) => format!("; did you mean “{symbol}”?"),
        None => "; see docs/inventory-file.md for the units tanji understands".to_owned(),
    }
}

fn incompatibility_hint(from: Dimension, to: Dimension) -> &'static str {
    use Dimension::*;
    match (from, to) {
        (Volume, NormalGasVolume) | (NormalGasVolume, Volume) => {
            "; m³ is a geometric volume and Nm³ is gas at 0 °C and 101.325 kPa: record gas in the unit your meter or \
             invoice states"
        }
        (NormalGasVolume, StandardGasVolume) | (StandardGasVolume, NormalGasVolume) => {
            "; Nm³ (0 °C) and scf (60 °F) are at different reference conditions: use a factor published in your unit"
        }
        (Currency(_), Currency(_)) => "; amounts in different currencies need an exchange rate: convert them first",
        (Mass, Volume) | (Volume, Mass) | (Energy, Mass) | (Mass, Energy) | (Energy, Volume) | (Volume, Energy) => {
            "; choose a factor in the unit of your activity data, or convert with a measured density or calorific value"
        }
        _ => "",
    }
}

/// One entry of the unit table: canonical symbol, dimension, size in base unit, accepted spellings (compared
/// case-insensitively after normalisation).
struct UnitDefinition {
    symbol: &'static str,
    dimension: Dimension,
    size_in_base: f64,
    aliases: &'static [&'static str],
}

const BTU_IN_GJ: f64 = 1055.05585262e-9; // International Table British thermal unit, exactly 1055.05585262 J.
const MILE_IN_KM: f64 = 1.609344; // International mile, exact.
const SHORT_TON_IN_T: f64 = 0.90718474; // 2000 lb × 0.45359237 kg, exact.

/// The unit table. Sizes are exact by definition unless the comment says otherwise.
const UNITS: &[UnitDefinition] = &[
    // Mass, base kg.
    UnitDefinition { symbol: "g", dimension: Dimension::Mass, size_in_base: 0.001, aliases: &["克", "gram", "grams"] },
    UnitDefinition {
        symbol: "kg",
        dimension: Dimension::Mass,
        size_in_base: 1.0,
        aliases: &["千克", "公斤", "kilogram", "kilograms"],
    },
    UnitDefinition {
        symbol: "t",
        dimension: Dimension::Mass,
        size_in_base: 1000.0,
        aliases: &["吨", "tonne", "tonnes", "metric ton", "metric tons"],
    },
    UnitDefinition { symbol: "Gg", dimension: Dimension::Mass, size_in_base: 1.0e6, aliases: &["kt", "千吨"] },
    UnitDefinition {
        symbol: "lb",
        dimension: Dimension::Mass,
        size_in_base: 0.45359237,
        aliases: &["lbs", "pound", "pounds", "磅"],
    },
    UnitDefinition {
        symbol: "short_ton",
        dimension: Dimension::Mass,
        size_in_base: SHORT_TON_IN_T * 1000.0,
        aliases: &["short ton", "short tons", "short_tons", "美吨"],
    },
    UnitDefinition {
        symbol: "long_ton",
        dimension: Dimension::Mass,
        size_in_base: 1016.0469088,
        aliases: &["long ton", "long tons", "英吨"],
    },
    // Energy, base GJ.
    UnitDefinition {
        symbol: "kWh",
        dimension: Dimension::Energy,
        size_in_base: 0.0036,
        aliases: &["千瓦时", "千瓦.时", "度", "kw.h", "kilowatt-hour", "kilowatt hours"],
    },
    UnitDefinition {
        symbol: "MWh",
        dimension: Dimension::Energy,
        size_in_base: 3.6,
        aliases: &["兆瓦时", "兆瓦.时", "mw.h", "megawatt-hour"],
    },
    UnitDefinition {
        symbol: "GWh",
        dimension: Dimension::Energy,
        size_in_base: 3600.0,
        aliases: &["吉瓦时", "百万千瓦时"],
    },
    UnitDefinition {
        symbol: "MJ", dimension: Dimension::Energy, size_in_base: 0.001, aliases: &["兆焦", "megajoule"]
    },
    UnitDefinition {
        symbol: "GJ",
        dimension: Dimension::Energy,
        size_in_base: 1.0,
        aliases: &["吉焦", "gigajoule", "gigajoules"],
    },
    UnitDefinition {
        symbol: "TJ",
        dimension: Dimension::Energy,
        size_in_base: 1000.0,
        aliases: &["太焦", "terajoule", "terajoules"],
    },
    UnitDefinition {
        symbol: "mmBtu",
        dimension: Dimension::Energy,
        size_in_base: BTU_IN_GJ * 1.0e6,
        aliases: &["mmbtu", "million btu", "百万英热单位"],
    },
    UnitDefinition {
        symbol: "therm",
        dimension: Dimension::Energy,
        size_in_base: BTU_IN_GJ * 1.0e5,
        aliases: &["therms", "thm"],
    },
    // 1 kgce = 29 307.6 kJ (GB/T 2589-2020 《综合能耗计算通则》, 7 000 kcal_IT per kg).
    UnitDefinition {
        symbol: "tce",
        dimension: Dimension::Energy,
        size_in_base: 29.3076,
        aliases: &["吨标准煤", "吨标煤", "t标准煤", "tce (standard coal)"],
    },
    UnitDefinition {
        symbol: "kgce",
        dimension: Dimension::Energy,
        size_in_base: 0.0293076,
        aliases: &["千克标准煤", "kg标准煤", "公斤标准煤"],
    },
    // Geometric volume, base m³.
    UnitDefinition {
        symbol: "L",
        dimension: Dimension::Volume,
        size_in_base: 0.001,
        aliases: &["升", "litre", "litres", "liter", "liters"],
    },
    UnitDefinition {
        symbol: "m3",
        dimension: Dimension::Volume,
        size_in_base: 1.0,
        aliases: &["立方米", "方", "cubic metre", "cubic metres", "cubic meter", "cubic meters"],
    },
    UnitDefinition {
        symbol: "gal_us",
        dimension: Dimension::Volume,
        size_in_base: 0.003785411784,
        aliases: &["gal", "gallon", "gallons", "us gallon", "us gallons", "加仑"],
    },
    UnitDefinition {
        symbol: "bbl",
        dimension: Dimension::Volume,
        size_in_base: 0.158987294928,
        aliases: &["barrel", "barrels", "桶"],
    },
    // Gas volume at normal conditions, base Nm³.
    UnitDefinition {
        symbol: "Nm3",
        dimension: Dimension::NormalGasVolume,
        size_in_base: 1.0,
        aliases: &["标准立方米", "标方", "normal cubic metre", "normal cubic metres"],
    },
    // Gas volume at US standard conditions, base scf.
    UnitDefinition {
        symbol: "scf",
        dimension: Dimension::StandardGasVolume,
        size_in_base: 1.0,
        aliases: &["standard cubic foot", "standard cubic feet"],
    },
    UnitDefinition {
        symbol: "1000scf",
        dimension: Dimension::StandardGasVolume,
        size_in_base: 1000.0,
        aliases: &["mscf", "thousand scf"],
    },
    // Distance, base km.
    UnitDefinition {
        symbol: "m",
        dimension: Dimension::Distance,
        size_in_base: 0.001,
        aliases: &["米", "metre", "metres", "meter", "meters"],
    },
    UnitDefinition {
        symbol: "km",
        dimension: Dimension::Distance,
        size_in_base: 1.0,
        aliases: &["公里", "千米", "kilometre", "kilometres", "kilometer", "kilometers"],
    },
    UnitDefinition {
        symbol: "mile",
        dimension: Dimension::Distance,
        size_in_base: MILE_IN_KM,
        aliases: &["miles", "mi", "英里"],
    },
    // Freight, base t·km.
    UnitDefinition {
        symbol: "t.km",
        dimension: Dimension::Freight,
        size_in_base: 1.0,
        aliases: &["tkm", "tonne.km", "tonne-km", "t-km", "吨公里", "吨千米"],
    },
    UnitDefinition {
        symbol: "tonne_mile",
        dimension: Dimension::Freight,
        size_in_base: MILE_IN_KM,
        aliases: &["tonne.mile", "tonne-mile", "t.mile"],
    },
    UnitDefinition {
        symbol: "short_ton_mile",
        dimension: Dimension::Freight,
        size_in_base: SHORT_TON_IN_T * MILE_IN_KM,
        aliases: &["short_ton.mile", "short ton-mile", "short ton mile"],
    },
    // Passenger distance, base passenger·km.
    UnitDefinition {
        symbol: "passenger.km",
        dimension: Dimension::PassengerDistance,
        size_in_base: 1.0,
        aliases: &["pkm", "passenger-km", "人公里", "人千米"],
    },
    UnitDefinition {
        symbol: "passenger.mile",
        dimension: Dimension::PassengerDistance,
        size_in_base: MILE_IN_KM,
        aliases: &["passenger-mile", "passenger mile"],
    },
    // Vehicle distance, base vehicle·km.
    UnitDefinition {
        symbol: "vehicle.km",
        dimension: Dimension::VehicleDistance,
        size_in_base: 1.0,
        aliases: &["vkm", "vehicle-km", "车公里"],
    },
    UnitDefinition {
        symbol: "vehicle.mile",
        dimension: Dimension::VehicleDistance,
        size_in_base: MILE_IN_KM,
        aliases: &["vehicle-mile", "vehicle mile"],
    },
    // Money.
    UnitDefinition {
        symbol: "CNY",
        dimension: Dimension::Currency(Currency::CNY),
        size_in_base: 1.0,
        aliases: &["元", "rmb", "人民币", "人民币元"],
    },
    UnitDefinition {
        symbol: "USD",
        dimension: Dimension::Currency(Currency::USD),
        size_in_base: 1.0,
        aliases: &["美元", "us$"],
    },
    UnitDefinition {
        symbol: "GBP",
        dimension: Dimension::Currency(Currency::GBP),
        size_in_base: 1.0,
        aliases: &["英镑", "£"],
    },
    UnitDefinition {
        symbol: "EUR",
        dimension: Dimension::Currency(Currency::EUR),
        size_in_base: 1.0,
        aliases: &["欧元", "€"],
    },
    // Count.
    UnitDefinition {
        symbol: "unit",
        dimension: Dimension::Count,
        size_in_base: 1.0,
        aliases: &["units", "pcs", "piece", "pieces", "item", "items", "个", "件", "台", "只"],
    },
];

/// Multipliers written in front of a unit: 万kWh, 10⁴Nm³, 千t.
const MULTIPLIERS: &[(&str, f64, &str)] = &[
    ("10^4", 1.0e4, "10^4"),
    ("10^3", 1.0e3, "10^3"),
    ("10^8", 1.0e8, "10^8"),
    ("万", 1.0e4, "万"),
    ("亿", 1.0e8, "亿"),
    ("千", 1.0e3, "千"),
];

/// Normalise how people type units: superscripts, middle dots, full-width characters and spaces around the dot.
fn normalise(text: &str) -> String {
    // Superscript exponents after 10 are powers (10⁴ = 10^4), elsewhere they are dimensions (m³ = m3).
    let powers = text.trim().replace("10⁴", "10^4").replace("10³", "10^3").replace("10⁸", "10^8");
    let mapped: String = powers
        .chars()
        .map(|character| match character {
            '³' => '3',
            '²' => '2',
            '⁴' => '4',
            '⁸' => '8',
            '·' | '⋅' | '•' | '∙' | '×' | '*' => '.',
            'Ｌ' => 'L',
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .collect();
    // "10 ^ 4 Nm3", "t . km": remove spaces next to joining characters, keep spaces inside word aliases.
    let mut normalised = mapped.replace(" . ", ".").replace(". ", ".").replace(" .", ".").replace(" ^ ", "^");
    if let Some(rest) = normalised.strip_prefix("10^4 ").or_else(|| normalised.strip_prefix("10^4")) {
        normalised = format!("10^4{}", rest.trim_start());
    }
    normalised.replace("万 ", "万")
}

fn find_definition(text: &str) -> Option<usize> {
    let lower = text.to_lowercase();
    lowercase_spellings().iter().position(|(definition, lowercase_symbol, lowercase_aliases)| {
        definition.symbol == text || *lowercase_symbol == lower || lowercase_aliases.contains(&lower)
    })
}

/// Each definition with its symbol and aliases lower-cased, worked out once rather than on every comparison.
fn lowercase_spellings() -> &'static [(&'static UnitDefinition, String, Vec<String>)] {
    static SPELLINGS: OnceLock<Vec<(&'static UnitDefinition, String, Vec<String>)>> = OnceLock::new();
    SPELLINGS.get_or_init(|| {
        UNITS
            .iter()
            .map(|definition| {
                let aliases = definition.aliases.iter().map(|alias| alias.to_lowercase()).collect();
                (definition, definition.symbol.to_lowercase(), aliases)
            })
            .collect()
    })
}

/// The symbol of the unit at `definition_idx` after the multiplier at `multiplier_idx` (`万kWh`), made once for every
/// pair so that units hold static symbols.
fn prefixed_symbol(multiplier_idx: usize, definition_idx: usize) -> &'static str {
    static SYMBOLS: OnceLock<Vec<String>> = OnceLock::new();
    let symbols = SYMBOLS.get_or_init(|| {
        MULTIPLIERS
            .iter()
            .flat_map(|(_, _, display)| UNITS.iter().map(move |definition| format!("{display}{}", definition.symbol)))
            .collect()
    });
    &symbols[multiplier_idx * UNITS.len() + definition_idx]
}

/// The units of the table's canonical symbols, exactly as [`Unit::parse`] reads them: the symbols are what files
/// and factor tables write nearly always, and what the engines ask for (`kg`, `t`, `GJ`), so they are answered by
/// one lookup.
fn units_by_symbol() -> &'static HashMap<&'static str, Unit> {
    static UNITS_BY_SYMBOL: OnceLock<HashMap<&'static str, Unit>> = OnceLock::new();
    UNITS_BY_SYMBOL.get_or_init(|| {
        UNITS
            .iter()
            .filter_map(|definition| Some((definition.symbol, Unit::parse_uncached(definition.symbol).ok()?)))
            .collect()
    })
}

impl Unit {
    /// Parse a unit as people write it: `kWh`, `万kWh`, `10^4 Nm³`, `吨标准煤`, `t·km`, `short_ton`.
    pub fn parse(text: &str) -> Result<Unit, UnitError> {
        if let Some(unit) = units_by_symbol().get(text) {
            return Ok(unit.clone());
        }
        Unit::parse_uncached(text)
    }

    fn parse_uncached(text: &str) -> Result<Unit, UnitError> {
        let normalised = normalise(text);
        if let Some(definition_idx) = find_definition(&normalised) {
            return Ok(Unit::from_definition(&UNITS[definition_idx], UNITS[definition_idx].symbol, 1.0));
        }
        for (multiplier_idx, (prefix, multiplier, _)) in MULTIPLIERS.iter().enumerate() {
            if let Some(rest) = normalised.strip_prefix(prefix) {
                let rest = rest.trim_start();
                if let Some(definition_idx) = find_definition(rest) {
                    let symbol = prefixed_symbol(multiplier_idx, definition_idx);
                    return Ok(Unit::from_definition(&UNITS[definition_idx], symbol, *multiplier));
                }
            }
        }
        Err(UnitError::Unknown { text: text.to_owned(), suggestion: closest_symbol(&normalised) })
    }

    fn from_definition(definition: &UnitDefinition, symbol: &'static str, multiplier: f64) -> Unit {
        Unit { symbol, dimension: definition.dimension, size_in_base: definition.size_in_base * multiplier }
    }

    /// The canonical symbol, e.g. `万kWh`, `10^4Nm3`, `t.km`.
    pub fn symbol(&self) -> &str {
        self.symbol
    }

    pub fn dimension(&self) -> Dimension {
        self.dimension
    }

    /// How many base units one of this unit is (kg, GJ, m³, Nm³, scf, km, t·km, …).
    pub fn size_in_base(&self) -> f64 {
        self.size_in_base
    }

    /// The factor that turns an amount in `self` into an amount in `target`.
    pub fn conversion_factor_to(&self, target: &Unit) -> Result<f64, UnitError> {
        if self.dimension != target.dimension {
            return Err(UnitError::Incompatible {
                from: self.symbol.to_owned(),
                to: target.symbol.to_owned(),
                from_dimension: self.dimension,
                to_dimension: target.dimension,
            });
        }
        if self.symbol == target.symbol {
            return Ok(1.0);
        }
        Ok(self.size_in_base / target.size_in_base)
    }

    /// Every canonical symbol tanji knows, for documentation and suggestions.
    pub fn known_symbols() -> impl Iterator<Item = (&'static str, Dimension)> {
        UNITS.iter().map(|definition| (definition.symbol, definition.dimension))
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.symbol)
    }
}

impl Serialize for Unit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.symbol)
    }
}

impl<'de> Deserialize<'de> for Unit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Unit::parse(&text).map_err(serde::de::Error::custom)
    }
}

fn closest_symbol(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let n_chars = lower.chars().count();
    let mut best: Option<(f64, &str)> = None;
    for definition in UNITS {
        for candidate in std::iter::once(definition.symbol).chain(definition.aliases.iter().copied()) {
            // The similarity is at most (shorter length / longer length), so a text more than twice as long as the
            // candidate can never reach the 0.5 a suggestion needs. Skipping it keeps a long cell (a pasted
            // paragraph) from costing a quadratic edit distance against every unit: 12 s for 100,000 characters.
            if n_chars > 2 * candidate.chars().count() {
                continue;
            }
            let similarity = strsim::normalized_levenshtein(&lower, &candidate.to_lowercase());
            if best.is_none_or(|(best_similarity, _)| similarity > best_similarity) {
                best = Some((similarity, definition.symbol));
            }
        }
    }
    best.filter(|(similarity, _)| *similarity >= 0.5).map(|(_, symbol)| symbol.to_owned())
}

/// An amount with its unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    pub value: f64,
    pub unit: Unit,
}

impl Quantity {
    /// A quantity; NaN and infinities are refused because they would poison every total they touch.
    pub fn new(value: f64, unit: Unit) -> Result<Quantity, UnitError> {
        if !value.is_finite() {
            return Err(UnitError::NotFinite(value.to_string()));
        }
        Ok(Quantity { value, unit })
    }

    /// Parse `1200 kWh`, `3.5万kWh`, `12 t·km`.
    pub fn parse(text: &str) -> Result<Quantity, UnitError> {
        let trimmed = text.trim();
        let split = trimmed
            .char_indices()
            .find(|(_, character)| !(character.is_ascii_digit() || matches!(character, '.' | '-' | '+' | 'e' | 'E')))
            .map(|(index, _)| index)
            .unwrap_or(trimmed.len());
        let (number, unit) = trimmed.split_at(split);
        let value: f64 = number.trim().parse().map_err(|_| UnitError::NotAQuantity(text.to_owned()))?;
        Quantity::new(value, Unit::parse(unit)?)
    }

    /// The same amount expressed in `target`.
    pub fn convert_to(&self, target: &Unit) -> Result<Quantity, UnitError> {
        let factor = self.unit.conversion_factor_to(target)?;
        Ok(Quantity { value: self.value * factor, unit: target.clone() })
    }

    /// The amount as a number of `target` units.
    pub fn value_in(&self, target: &Unit) -> Result<f64, UnitError> {
        Ok(self.convert_to(target)?.value)
    }

    /// The sum, in `self`'s unit; adding kWh to kg is an error, not a panic.
    pub fn checked_add(&self, other: &Quantity) -> Result<Quantity, UnitError> {
        let other_value = other.value_in(&self.unit)?;
        Ok(Quantity { value: self.value + other_value, unit: self.unit.clone() })
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} {}", self.value, self.unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect_symbol: &str, expect_size_in_base: f64) {
        let unit = Unit::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"));
        assert_eq!(unit.symbol(), expect_symbol, "{text}");
        let relative = (unit.size_in_base() - expect_size_in_base).abs() / expect_size_in_base;
        assert!(relative < 1e-12, "{text}: {} vs {expect_size_in_base}", unit.size_in_base());
    }

    #[test]
    fn parses_what_people_write() {
        check("kWh", "kWh", 0.0036);
        check("度", "kWh", 0.0036);
        check("万kWh", "万kWh", 36.0);
        check("万 千瓦时", "万kWh", 36.0);
        check("MWh", "MWh", 3.6);
        check("10⁴Nm³", "10^4Nm3", 1.0e4);
        check("10^4 Nm3", "10^4Nm3", 1.0e4);
        check("万标准立方米", "万Nm3", 1.0e4);
        check("吨标准煤", "tce", 29.3076);
        check("万tce", "万tce", 293076.0);
        check("t·km", "t.km", 1.0);
        check("吨公里", "t.km", 1.0);
        check("short_ton", "short_ton", 907.18474);
        check("mmBtu", "mmBtu", 1.05505585262);
        check("m³", "m3", 1.0);
        check("litres", "L", 0.001);
        check("万元", "万CNY", 1.0e4);
        // 1 亿千瓦时 is 10⁸ kWh = 100 GWh (a regression: it was once read as 1 GWh).
        check("亿千瓦时", "亿kWh", 3.6e5);
    }

    #[test]
    fn unknown_units_suggest_the_closest() {
        let error = Unit::parse("kwhh").unwrap_err();
        assert_eq!(error, UnitError::Unknown { text: "kwhh".into(), suggestion: Some("kWh".into()) });
        assert!(error.to_string().contains("did you mean “kWh”"), "{error}");
    }

    /// Found by fuzzing (`units`): a 100,000-character cell took 12 s (debug build) to refuse, an edit distance
    /// against every unit's spelling; a form field or CSV column of such cells kept a server core busy for minutes.
    #[test]
    fn a_long_unknown_unit_is_refused_at_once_without_a_suggestion() {
        let text = "a".repeat(100_000);
        let started = std::time::Instant::now();
        let error = Unit::parse(&text).unwrap_err();
        let elapsed = started.elapsed();
        assert!(matches!(error, UnitError::Unknown { suggestion: None, .. }));
        assert!(elapsed < std::time::Duration::from_secs(2), "refusing took {elapsed:?}");
        // Suggestions for texts up to twice a spelling's length are unchanged.
        assert!(matches!(Unit::parse("kilowatthours").unwrap_err(), UnitError::Unknown { suggestion: Some(_), .. }));
    }

    #[test]
    fn adding_energy_to_mass_is_an_error_with_a_message() {
        let energy = Quantity::parse("10 kWh").unwrap();
        let mass = Quantity::parse("3 kg").unwrap();
        let error = energy.checked_add(&mass).unwrap_err();
        assert!(error.to_string().starts_with("cannot convert kg (mass) to kWh (energy)"), "{error}");
    }

    #[test]
    fn geometric_and_normal_volumes_do_not_mix() {
        let error = Quantity::parse("5 m3").unwrap().convert_to(&Unit::parse("Nm3").unwrap()).unwrap_err();
        assert!(error.to_string().contains("0 °C and 101.325 kPa"), "{error}");
    }

    #[test]
    fn conversions() {
        let energy = Quantity::parse("1.5万kWh").unwrap();
        assert!((energy.value_in(&Unit::parse("MWh").unwrap()).unwrap() - 15.0).abs() < 1e-12);
        let coal = Quantity::parse("1 tce").unwrap();
        assert!((coal.value_in(&Unit::parse("GJ").unwrap()).unwrap() - 29.3076).abs() < 1e-12);
        let added = Quantity::parse("1 t").unwrap().checked_add(&Quantity::parse("500 kg").unwrap()).unwrap();
        assert_eq!(added.value, 1.5);
    }

    #[test]
    fn refuses_non_finite_and_non_quantities() {
        assert!(matches!(Quantity::new(f64::NAN, Unit::parse("kg").unwrap()), Err(UnitError::NotFinite(_))));
        assert!(matches!(Quantity::parse("kWh"), Err(UnitError::NotAQuantity(_))));
    }
}
