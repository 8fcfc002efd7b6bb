//! Emission factors: per-gas values with their unit, source, validity and licence; versioned, never rewritten.

use std::fmt;

use serde::{Deserialize, Serialize};
use tanji_units::Unit;

use crate::gas::Gas;
use crate::gwp::{GwpError, GwpSet, GwpTable};

/// What kind of activity a factor applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FactorCategory {
    StationaryCombustion,
    MobileCombustion,
    Electricity,
    HeatSteam,
    Refrigerant,
    Process,
    TransportFreight,
    TransportPassenger,
    Waste,
    Water,
    Material,
    Spend,
    Other,
}

impl FactorCategory {
    pub const ALL: [FactorCategory; 13] = [
        FactorCategory::StationaryCombustion,
        FactorCategory::MobileCombustion,
        FactorCategory::Electricity,
        FactorCategory::HeatSteam,
        FactorCategory::Refrigerant,
        FactorCategory::Process,
        FactorCategory::TransportFreight,
        FactorCategory::TransportPassenger,
        FactorCategory::Waste,
        FactorCategory::Water,
        FactorCategory::Material,
        FactorCategory::Spend,
        FactorCategory::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            FactorCategory::StationaryCombustion => "stationary_combustion",
            FactorCategory::MobileCombustion => "mobile_combustion",
            FactorCategory::Electricity => "electricity",
            FactorCategory::HeatSteam => "heat_steam",
            FactorCategory::Refrigerant => "refrigerant",
            FactorCategory::Process => "process",
            FactorCategory::TransportFreight => "transport_freight",
            FactorCategory::TransportPassenger => "transport_passenger",
            FactorCategory::Waste => "waste",
            FactorCategory::Water => "water",
            FactorCategory::Material => "material",
            FactorCategory::Spend => "spend",
            FactorCategory::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<FactorCategory> {
        FactorCategory::ALL.into_iter().find(|category| category.key() == text.trim())
    }
}

/// A factor's stable identity: its id and version. Inventories pin these.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FactorRef {
    pub id: String,
    pub version: u32,
}

impl fmt::Display for FactorRef {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}@{}", self.id, self.version)
    }
}

/// Where a value was published and under which terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    pub publisher: String,
    pub document: String,
    pub edition: String,
    pub table: String,
    pub url: String,
    pub licence: String,
    /// `primary: …` when checked against the publisher's own file, `secondary: …` otherwise.
    pub verification: String,
}

impl Citation {
    /// One line for reports: publisher, document, edition, table.
    pub fn short(&self) -> String {
        [self.publisher.as_str(), self.document.as_str(), self.edition.as_str(), self.table.as_str()]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn is_primary(&self) -> bool {
        self.verification.starts_with("primary")
    }
}

/// The amount of one gas emitted per unit of activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GasRate {
    pub gas: Gas,
    pub kg_per_unit: f64,
}

/// A CO2e value as the source published it, with the GWP set it used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedCo2e {
    pub kg_per_unit: f64,
    pub gwp_set: GwpSet,
    /// The non-CO2 gases' shares of the total, in kg CO2e per unit, where the source publishes them (DESNZ gives
    /// "kg CO2e of CH4 per unit" and "kg CO2e of N2O per unit" beside the total). Empty when not published; stored
    /// factors from before this field read as empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_gas: Vec<GasCo2e>,
}

impl PublishedCo2e {
    /// The published CO2e share of one gas, if the source gives it.
    pub fn of(&self, gas: &str) -> Option<f64> {
        self.by_gas.iter().find(|share| share.gas.name() == gas).map(|share| share.kg_co2e_per_unit)
    }
}

/// One gas's share of a published CO2e total, in kg CO2e per unit, under the total's GWP set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GasCo2e {
    pub gas: Gas,
    pub kg_co2e_per_unit: f64,
}

/// What a factor gives a value for, as a filter: a gas mass, a published CO2e total, or biogenic CO2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorGas {
    /// Fossil CO2 (kg per unit).
    Co2,
    /// Methane, as kg per unit or as the CO2e share of a published total.
    Ch4,
    /// Nitrous oxide, as kg per unit or as the CO2e share of a published total.
    N2o,
    /// A CO2e total as the source published it.
    Co2e,
    /// Biogenic CO2, reported apart.
    BiogenicCo2,
}

impl FactorGas {
    pub const ALL: [FactorGas; 5] =
        [FactorGas::Co2, FactorGas::Ch4, FactorGas::N2o, FactorGas::Co2e, FactorGas::BiogenicCo2];

    /// The machine name used in query strings (`co2`, `ch4`, `n2o`, `co2e`, `biogenic_co2`).
    pub fn key(self) -> &'static str {
        match self {
            FactorGas::Co2 => "co2",
            FactorGas::Ch4 => "ch4",
            FactorGas::N2o => "n2o",
            FactorGas::Co2e => "co2e",
            FactorGas::BiogenicCo2 => "biogenic_co2",
        }
    }

    /// The symbol people read (`CO2`, `CH4`, `N2O`, `CO2e`, `CO2 (biogenic)`).
    pub fn symbol(self) -> &'static str {
        match self {
            FactorGas::Co2 => "CO2",
            FactorGas::Ch4 => "CH4",
            FactorGas::N2o => "N2O",
            FactorGas::Co2e => "CO2e",
            FactorGas::BiogenicCo2 => "CO2 (biogenic)",
        }
    }

    /// Parses a machine name or symbol, ignoring case.
    pub fn parse(text: &str) -> Option<FactorGas> {
        let text = text.trim();
        FactorGas::ALL
            .into_iter()
            .find(|gas| gas.key().eq_ignore_ascii_case(text) || gas.symbol().eq_ignore_ascii_case(text))
    }
}

/// Who may see a factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "owner")]
pub enum FactorOwner {
    /// Shipped with tanji, visible to everyone.
    Bundled,
    /// Added by one organisation (e.g. a supplier-specific factor); visible to it alone.
    Organisation(String),
}

/// One version of an emission factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmissionFactor {
    pub id: String,
    pub version: u32,
    pub name_en: String,
    pub name_zh: String,
    pub keywords: Vec<String>,
    pub category: FactorCategory,
    /// Canonical fuel key when the factor is for a fuel.
    pub fuel: Option<String>,
    /// The activity unit the rates are per.
    pub unit: Unit,
    /// Masses of individual gases per unit (kg/unit). CO2 here is fossil CO2.
    pub gas_rates: Vec<GasRate>,
    /// CO2e per unit as published, when the source published one.
    pub published_co2e: Option<PublishedCo2e>,
    /// Biogenic CO2 per unit (kg/unit), reported apart and never added to scope totals.
    pub biogenic_co2_kg_per_unit: Option<f64>,
    pub citation: Citation,
    /// The year the value applies to.
    pub year: i32,
    /// `GLOBAL`, ISO 3166-1/-2 code or China regional grid (`CN-GRID-EAST`).
    pub region: String,
    pub notes: String,
    pub owner: FactorOwner,
}

/// How a factor's CO2e per unit was obtained under a given GWP set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "basis")]
pub enum Co2eBasis {
    /// Σ gas rate × GWP of the inventory's set.
    PerGas,
    /// The source's own CO2e total, under the source's GWP set (which may differ from the inventory's).
    Published { gwp_set: GwpSet },
}

/// One gas's share of a factor's CO2e per unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GasContributionRate {
    /// The gas; `None` for the non-CO2 remainder of a published CO2e total that was not split by gas.
    pub gas: Option<Gas>,
    pub kg_gas_per_unit: Option<f64>,
    pub gwp: Option<f64>,
    pub kg_co2e_per_unit: f64,
}

/// A factor's CO2e per unit under a GWP set, gas by gas.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactorCo2e {
    pub basis: Co2eBasis,
    pub contributions: Vec<GasContributionRate>,
    pub kg_co2e_per_unit: f64,
}

/// Why a factor cannot be expressed in CO2e.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
// Not `non_exhaustive`: tanji-i18n says every variant, so a new one without its texts does not compile.
pub enum FactorError {
    /// A gas of the factor has no GWP in the chosen set.
    #[error("factor {factor}: {source}")]
    Gwp { factor: FactorRef, source: GwpError },
    /// The factor has neither gas rates nor a published CO2e.
    #[error("factor {0} has no values")]
    Empty(FactorRef),
}

impl EmissionFactor {
    pub fn reference(&self) -> FactorRef {
        FactorRef { id: self.id.clone(), version: self.version }
    }

    pub fn rate_of(&self, gas: &str) -> Option<f64> {
        self.gas_rates.iter().find(|rate| rate.gas.name() == gas).map(|rate| rate.kg_per_unit)
    }

    /// Whether the factor gives a value for `gas` (as a gas mass, a published CO2e share, a published total or
    /// biogenic CO2).
    pub fn publishes(&self, gas: FactorGas) -> bool {
        let published_share =
            |name: &str| self.published_co2e.as_ref().is_some_and(|published| published.of(name).is_some());
        match gas {
            FactorGas::Co2 => self.rate_of(Gas::CO2).is_some(),
            FactorGas::Ch4 => self.rate_of(Gas::CH4).is_some() || published_share(Gas::CH4),
            FactorGas::N2o => self.rate_of(Gas::N2O).is_some() || published_share(Gas::N2O),
            FactorGas::Co2e => self.published_co2e.is_some(),
            FactorGas::BiogenicCo2 => self.biogenic_co2_kg_per_unit.is_some(),
        }
    }

    /// CO2e per unit under `set`.
    ///
    /// When the source gives individual gases beyond CO2, tanji recomputes CO2e with the inventory's GWP set, so that
    /// an inventory states one set throughout. When the source gives only CO2 and a CO2e total (DESNZ publishes
    /// GWP-weighted gas columns, not gas masses), the published total is used and the line says which set it was
    /// published under; the non-CO2 remainder is shown as one contribution.
    pub fn co2e(&self, set: GwpSet, gwp_table: &GwpTable) -> Result<FactorCo2e, FactorError> {
        let has_non_co2_rates = self.gas_rates.iter().any(|rate| rate.gas.name() != Gas::CO2);
        if has_non_co2_rates || (self.published_co2e.is_none() && !self.gas_rates.is_empty()) {
            let mut contributions = Vec::with_capacity(self.gas_rates.len());
            let mut total = 0.0;
            for rate in &self.gas_rates {
                let gwp = gwp_table
                    .gwp(&rate.gas, set)
                    .map_err(|source| FactorError::Gwp { factor: self.reference(), source })?;
                let kg_co2e = rate.kg_per_unit * gwp;
                total += kg_co2e;
                contributions.push(GasContributionRate {
                    gas: Some(rate.gas.clone()),
                    kg_gas_per_unit: Some(rate.kg_per_unit),
                    gwp: Some(gwp),
                    kg_co2e_per_unit: kg_co2e,
                });
            }
            return Ok(FactorCo2e { basis: Co2eBasis::PerGas, contributions, kg_co2e_per_unit: total });
        }
        let Some(published) = &self.published_co2e else {
            // Only biogenic CO2: nothing counts towards the scopes.
            if self.biogenic_co2_kg_per_unit.is_some() {
                return Ok(FactorCo2e { basis: Co2eBasis::PerGas, contributions: Vec::new(), kg_co2e_per_unit: 0.0 });
            }
            return Err(FactorError::Empty(self.reference()));
        };
        let mut contributions = Vec::new();
        let co2 = self.rate_of(Gas::CO2);
        if let Some(co2) = co2 {
            contributions.push(GasContributionRate {
                gas: Some(Gas::from_table_name(Gas::CO2)),
                kg_gas_per_unit: Some(co2),
                gwp: Some(1.0),
                kg_co2e_per_unit: co2,
            });
        }
        // A published per-gas split (DESNZ's kg CO2e of CH4 and of N2O) stays in `published.by_gas` for provenance;
        // it is CO2e under the source's GWP set, so it is not mixed into the inventory's per-gas totals: the
        // non-CO2 part of the published total remains one line.
        let remainder = published.kg_per_unit - co2.unwrap_or(0.0);
        if co2.is_none() || remainder.abs() > 0.0 {
            contributions.push(GasContributionRate {
                gas: None,
                kg_gas_per_unit: None,
                gwp: None,
                kg_co2e_per_unit: remainder,
            });
        }
        Ok(FactorCo2e {
            basis: Co2eBasis::Published { gwp_set: published.gwp_set },
            contributions,
            kg_co2e_per_unit: published.kg_per_unit,
        })
    }

    /// Text that search matches against: id, both names, keywords, fuel, publisher, document.
    fn search_text(&self) -> String {
        let mut text = format!(
            "{} {} {} {} {} {} {} {}",
            self.id,
            self.name_en,
            self.name_zh,
            self.keywords.join(" "),
            self.fuel.as_deref().unwrap_or_default(),
            self.citation.publisher,
            self.citation.document,
            self.category.key(),
        );
        text.make_ascii_lowercase();
        text
    }

    /// Whether the factor's region lies within `region` (`CN` contains `CN-HE` and `CN-GRID-EAST`).
    pub fn is_in_region(&self, region: &str) -> bool {
        let wanted = region.trim().to_uppercase();
        wanted.is_empty()
            || self.region == wanted
            || self.region.starts_with(&format!("{wanted}-"))
            || (wanted == "GLOBAL" && self.region == "GLOBAL")
    }
}

/// A search over the library. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FactorQuery {
    /// Words in Chinese or English; every word must match.
    pub text: String,
    pub region: Option<String>,
    pub year: Option<i32>,
    /// Matches the publisher or document, e.g. `DESNZ`, `EPA`, `IPCC`, `生态环境部`.
    pub source: Option<String>,
    pub category: Option<FactorCategory>,
    /// Only factors that give a value for this gas (or a published CO2e total).
    #[serde(default)]
    pub gas: Option<FactorGas>,
    /// Regions to list first, most preferred first (e.g. the organisation's facility provinces, then its country):
    /// a factor of exactly a preferred region comes before one that merely lies within it (`CN-GRID-EAST` within
    /// `CN`), and both before the rest. Order only; nothing is filtered out.
    #[serde(default)]
    pub prefer_regions: Vec<String>,
    /// Include superseded versions too.
    pub all_versions: bool,
}

/// The factors an organisation may use: the bundled ones and its own.
#[derive(Debug, Clone, Default)]
pub struct FactorLibrary {
    factors: Vec<EmissionFactor>,
    /// Each id's versions as positions in `factors`, oldest first (`add` only appends the next version), so that a
    /// lookup by id costs one hash instead of a scan of the library — an inventory looks up a factor for every row.
    /// Hashed with foldhash: ids are short texts, looked up a million times in a large inventory.
    positions_by_id: foldhash::HashMap<String, Vec<usize>>,
}

/// A factor that cannot be added to the library.
// Not `#[non_exhaustive]`: callers turn each kind into a message of their own (`tanji-inventory`'s `RowProblem`),
// so a new kind must fail their build until it has one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LibraryError {
    /// The same id and version is already present: history is never rewritten.
    #[error("factor {0} already exists; publish a correction as a new version")]
    DuplicateVersion(FactorRef),
    /// Versions must follow one another.
    #[error("factor {id}: version {version} does not follow the latest version {latest}")]
    VersionGap { id: String, version: u32, latest: u32 },
}

impl FactorLibrary {
    pub fn new() -> FactorLibrary {
        FactorLibrary::default()
    }

    /// Add a factor version. A correction is a new version of the same id; an existing version is never replaced.
    pub fn add(&mut self, factor: EmissionFactor) -> Result<(), LibraryError> {
        if self.get(&factor.id, factor.version).is_some() {
            return Err(LibraryError::DuplicateVersion(factor.reference()));
        }
        let latest = self.latest(&factor.id).map(|existing| existing.version).unwrap_or(0);
        if factor.version != latest + 1 {
            return Err(LibraryError::VersionGap { id: factor.id, version: factor.version, latest });
        }
        self.positions_by_id.entry(factor.id.clone()).or_default().push(self.factors.len());
        self.factors.push(factor);
        Ok(())
    }

    pub fn get(&self, id: &str, version: u32) -> Option<&EmissionFactor> {
        self.of_id(id).find(|factor| factor.version == version)
    }

    /// The versions of one id, oldest first.
    fn of_id<'a>(&'a self, id: &str) -> impl DoubleEndedIterator<Item = &'a EmissionFactor> + 'a {
        self.positions_by_id.get(id).into_iter().flatten().map(|&position| &self.factors[position])
    }

    pub fn resolve(&self, reference: &FactorRef) -> Option<&EmissionFactor> {
        self.get(&reference.id, reference.version)
    }

    pub fn latest(&self, id: &str) -> Option<&EmissionFactor> {
        self.of_id(id).next_back()
    }

    pub fn versions(&self, id: &str) -> Vec<&EmissionFactor> {
        self.of_id(id).collect()
    }

    pub fn len(&self) -> usize {
        self.factors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.factors.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &EmissionFactor> {
        self.factors.iter()
    }

    /// Factors matching the query: latest versions only unless asked, best matches first (a word in the name beats a
    /// word in the keywords), then newest year.
    pub fn search(&self, query: &FactorQuery) -> Vec<&EmissionFactor> {
        let words: Vec<String> = query.text.split_whitespace().map(str::to_lowercase).collect();
        let source = query.source.as_ref().map(|source| source.to_lowercase());
        let mut hits: Vec<(usize, &EmissionFactor)> = self
            .factors
            .iter()
            .filter(|factor| {
                query.all_versions || self.latest(&factor.id).map(|latest| latest.version) == Some(factor.version)
            })
            .filter(|factor| query.region.as_deref().is_none_or(|region| factor.is_in_region(region)))
            .filter(|factor| query.year.is_none_or(|year| factor.year == year))
            .filter(|factor| query.category.is_none_or(|category| factor.category == category))
            .filter(|factor| query.gas.is_none_or(|gas| factor.publishes(gas)))
            .filter(|factor| {
                source.as_deref().is_none_or(|source| {
                    factor.citation.publisher.to_lowercase().contains(source)
                        || factor.citation.document.to_lowercase().contains(source)
                        || factor.id.starts_with(source)
                })
            })
            .filter_map(|factor| {
                let text = factor.search_text();
                if !words.iter().all(|word| text.contains(word.as_str())) {
                    return None;
                }
                let names = format!("{} {}", factor.name_en, factor.name_zh).to_lowercase();
                let name_hits = words.iter().filter(|word| names.contains(word.as_str())).count();
                Some((name_hits, factor))
            })
            .collect();
        let preference = |factor: &EmissionFactor| {
            query
                .prefer_regions
                .iter()
                .enumerate()
                .find_map(|(index, region)| {
                    if factor.region.eq_ignore_ascii_case(region.trim()) {
                        Some(2 * index)
                    } else {
                        factor.is_in_region(region).then_some(2 * index + 1)
                    }
                })
                .unwrap_or(2 * query.prefer_regions.len())
        };
        hits.sort_by(|(left_hits, left), (right_hits, right)| {
            preference(left)
                .cmp(&preference(right))
                .then(right_hits.cmp(left_hits))
                .then(right.year.cmp(&left.year))
                .then(left.id.cmp(&right.id))
                .then(left.version.cmp(&right.version))
        });
        hits.into_iter().map(|(_, factor)| factor).collect()
    }
}
