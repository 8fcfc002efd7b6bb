//! Global warming potentials (100-year) by IPCC assessment report, and refrigerant blends computed from their
//! components.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::gas::Gas;
use crate::table::{TableError, TableProblem};

/// The set of 100-year GWPs an inventory states and uses for every non-CO2 gas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum GwpSet {
    /// IPCC Second Assessment Report (1995), as tabulated by the GHG Protocol.
    SAR,
    /// IPCC Fourth Assessment Report (2007), as tabulated by the GHG Protocol.
    AR4,
    /// IPCC Fifth Assessment Report (2013), as tabulated by the GHG Protocol.
    AR5,
    /// IPCC Sixth Assessment Report (2021), WG1 Table 7.SM.7.
    AR6,
}

impl GwpSet {
    pub const ALL: [GwpSet; 4] = [GwpSet::SAR, GwpSet::AR4, GwpSet::AR5, GwpSet::AR6];

    pub fn name(self) -> &'static str {
        match self {
            GwpSet::SAR => "SAR",
            GwpSet::AR4 => "AR4",
            GwpSet::AR5 => "AR5",
            GwpSet::AR6 => "AR6",
        }
    }

    /// The column of the bundled table that holds this set.
    fn column(self) -> &'static str {
        match self {
            GwpSet::SAR => "SARGWP100",
            GwpSet::AR4 => "AR4GWP100",
            GwpSet::AR5 => "AR5GWP100",
            GwpSet::AR6 => "AR6GWP100",
        }
    }
}

impl fmt::Display for GwpSet {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// An unknown GWP set name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown GWP set “{0}”; use SAR, AR4, AR5 or AR6")]
pub struct UnknownGwpSet(pub String);

impl FromStr for GwpSet {
    type Err = UnknownGwpSet;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_uppercase().as_str() {
            "SAR" | "AR2" => Ok(GwpSet::SAR),
            "AR4" => Ok(GwpSet::AR4),
            "AR5" => Ok(GwpSet::AR5),
            "AR6" => Ok(GwpSet::AR6),
            _ => Err(UnknownGwpSet(text.to_owned())),
        }
    }
}

/// Where a GWP came from, so a result line can cite it.
pub const GWP_SOURCE: &str = "globalwarmingpotentials (openclimatedata, CC0-1.0): SAR/AR4/AR5 from the GHG Protocol \
     GWP table (Feb 2016), AR6 from IPCC AR6 WG1 Table 7.SM.7";

/// The GWP table: 100-year GWPs per gas and set. CO2 is 1 by definition in every set.
#[derive(Debug, Clone)]
pub struct GwpTable {
    values: BTreeMap<String, BTreeMap<GwpSet, f64>>,
    blends: BTreeMap<String, RefrigerantBlend>,
}

/// A refrigerant blend and its composition by mass.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RefrigerantBlend {
    /// ASHRAE designation, e.g. `R-410A`.
    pub designation: String,
    pub components: Vec<BlendComponent>,
    /// Where the composition was published.
    pub citation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlendComponent {
    pub gas: Gas,
    /// Mass fraction, 0–1.
    pub mass_fraction: f64,
}

/// Why a GWP could not be found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
// Not `non_exhaustive`: tanji-i18n says every variant, so a new one without its texts does not compile.
pub enum GwpError {
    /// The gas is not in the table at all.
    #[error("no GWP is known for “{0}”; check the spelling (e.g. HFC-134a, R-410A, SF6)")]
    UnknownGas(String),
    /// The gas is in the table but the set has no value for it.
    #[error("{set} gives no GWP for {gas}; choose another GWP set or report the gas as a memo item")]
    NotInSet { gas: String, set: GwpSet },
}

/// The GWP of a refrigerant (pure gas or blend) with the arithmetic that produced it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RefrigerantGwp {
    pub designation: String,
    pub set: GwpSet,
    pub gwp: f64,
    /// One entry per component: gas, mass fraction, component GWP.
    pub components: Vec<(Gas, f64, f64)>,
}

impl GwpTable {
    /// Read the GWP table (the `globalwarmingpotentials.csv` layout: `#` comment lines, a `Species` column and one
    /// column per set) and the blend table (`refrigerant-blends.csv`).
    pub fn parse(gwp_csv: &str, blends_csv: &str) -> Result<GwpTable, TableError> {
        let file = "gwp/globalwarmingpotentials.csv";
        let body: String = gwp_csv.lines().filter(|line| !line.starts_with('#')).collect::<Vec<_>>().join("\n");
        let mut reader = csv::ReaderBuilder::new().from_reader(body.as_bytes());
        let headers = reader
            .headers()
            .map_err(|error| {
                let (column, problem) = TableProblem::from_csv_error(&error, &csv::StringRecord::new());
                TableError::new(file, 1, &column, problem)
            })?
            .clone();
        let column_of = |name: &str| headers.iter().position(|header| header == name);
        let species_column =
            column_of("Species").ok_or_else(|| TableError::new(file, 1, "Species", TableProblem::MissingColumn))?;
        let mut values: BTreeMap<String, BTreeMap<GwpSet, f64>> = BTreeMap::new();
        for (record_idx, record) in reader.records().enumerate() {
            let row = record_idx + 2;
            let record = record.map_err(|error| {
                let (column, problem) = TableProblem::from_csv_error(&error, &headers);
                TableError::new(file, row, &column, problem)
            })?;
            let species = record.get(species_column).unwrap_or_default().trim().to_owned();
            let mut by_set = BTreeMap::new();
            for set in GwpSet::ALL {
                let Some(column) = column_of(set.column()) else {
                    return Err(TableError::new(file, 1, set.column(), TableProblem::MissingColumn));
                };
                let text = record.get(column).unwrap_or_default().trim();
                if text.is_empty() {
                    continue;
                }
                let value: f64 = text.parse().map_err(|_| {
                    TableError::new(file, row, set.column(), TableProblem::NotANumber { text: text.to_owned() })
                })?;
                by_set.insert(set, value);
            }
            values.insert(species, by_set);
        }
        values.insert(Gas::CO2.to_owned(), GwpSet::ALL.into_iter().map(|set| (set, 1.0)).collect());
        let mut table = GwpTable { values, blends: BTreeMap::new() };
        table.blends = parse_blends(blends_csv, &table)?;
        Ok(table)
    }

    /// The GWP of one gas under a set.
    pub fn gwp(&self, gas: &Gas, set: GwpSet) -> Result<f64, GwpError> {
        let by_set = self.values.get(gas.table_name()).ok_or_else(|| GwpError::UnknownGas(gas.name().to_owned()))?;
        by_set.get(&set).copied().ok_or_else(|| GwpError::NotInSet { gas: gas.name().to_owned(), set })
    }

    pub fn knows(&self, gas: &Gas) -> bool {
        self.values.contains_key(gas.table_name())
    }

    /// The names of every gas the table has a GWP for (for "did you mean" on a misspelt gas).
    pub fn species(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    pub fn blend(&self, designation: &str) -> Option<&RefrigerantBlend> {
        let wanted = normalise_designation(designation);
        self.blends.values().find(|blend| normalise_designation(&blend.designation) == wanted)
    }

    pub fn blends(&self) -> impl Iterator<Item = &RefrigerantBlend> {
        self.blends.values()
    }

    /// The GWP of a refrigerant by designation: a blend from its components by mass fraction, or a pure gas.
    pub fn refrigerant_gwp(&self, designation: &str, set: GwpSet) -> Result<RefrigerantGwp, GwpError> {
        if let Some(blend) = self.blend(designation) {
            let mut components = Vec::with_capacity(blend.components.len());
            let mut gwp = 0.0;
            for component in &blend.components {
                let component_gwp = self.gwp(&component.gas, set)?;
                gwp += component.mass_fraction * component_gwp;
                components.push((component.gas.clone(), component.mass_fraction, component_gwp));
            }
            return Ok(RefrigerantGwp { designation: blend.designation.clone(), set, gwp, components });
        }
        let gas = Gas::parse(designation);
        let gwp = self.gwp(&gas, set)?;
        Ok(RefrigerantGwp { designation: gas.name().to_owned(), set, gwp, components: vec![(gas, 1.0, gwp)] })
    }

    /// Every gas in the table, for pickers and documentation.
    pub fn gases(&self) -> impl Iterator<Item = Gas> + '_ {
        self.values.keys().map(|name| Gas::from_table_name(name))
    }
}

fn normalise_designation(designation: &str) -> String {
    designation.chars().filter(|character| !matches!(character, '-' | ' ')).collect::<String>().to_uppercase()
}

#[derive(Deserialize)]
struct BlendRow {
    blend: String,
    component: String,
    mass_percent: String,
    publisher: String,
    document: String,
    #[serde(default)]
    edition: String,
    #[serde(default)]
    table: String,
}

fn parse_blends(blends_csv: &str, table: &GwpTable) -> Result<BTreeMap<String, RefrigerantBlend>, TableError> {
    let file = "gwp/refrigerant-blends.csv";
    let mut blends: BTreeMap<String, RefrigerantBlend> = BTreeMap::new();
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(blends_csv.as_bytes());
    let headers = reader.headers().cloned().unwrap_or_default();
    for (record_idx, row) in reader.deserialize::<BlendRow>().enumerate() {
        let row_number = record_idx + 2;
        let row = row.map_err(|error| {
            let (column, problem) = TableProblem::from_csv_error(&error, &headers);
            TableError::new(file, row_number, &column, problem)
        })?;
        let gas = Gas::from_table_name(&row.component);
        if !table.knows(&gas) {
            let problem = TableProblem::NotASpecies { text: row.component.clone() };
            return Err(TableError::new(file, row_number, "component", problem));
        }
        let mass_percent: f64 = row.mass_percent.parse().map_err(|_| {
            let problem = TableProblem::NotANumber { text: row.mass_percent.clone() };
            TableError::new(file, row_number, "mass_percent", problem)
        })?;
        let citation = [row.publisher.as_str(), row.document.as_str(), row.edition.as_str(), row.table.as_str()]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        let blend = blends.entry(row.blend.clone()).or_insert_with(|| RefrigerantBlend {
            designation: row.blend.clone(),
            components: Vec::new(),
            citation,
        });
        blend.components.push(BlendComponent { gas, mass_fraction: mass_percent / 100.0 });
    }
    for blend in blends.values() {
        let total: f64 = blend.components.iter().map(|component| component.mass_fraction).sum();
        if (total - 1.0).abs() > 1e-9 {
            let problem = TableProblem::BlendNotWhole { blend: blend.designation.clone(), percent: total * 100.0 };
            return Err(TableError::new(file, 0, "mass_percent", problem));
        }
    }
    Ok(blends)
}
