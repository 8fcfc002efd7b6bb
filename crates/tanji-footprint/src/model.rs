//! A product model: what the user builds in the console or writes in a footprint file (`docs/footprint-file.md`).
//!
//! A model is a product system seen from the product: foreground processes (each tagged with a life-cycle stage, a
//! data kind and data-quality scores) exchange products with each other, draw on the emission-factor library and on
//! other products' footprints (a supplier's), and emit gases. The same structure is the TOML file, the JSON stored for
//! a model version, and the input of [`crate::compute`].

use serde::{Deserialize, Serialize};
use tanji_lca::Distribution;

/// The six life-cycle stages of ISO 14067 / the GHG Protocol Product Standard, in life-cycle order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Raw material acquisition and pre-processing (原材料获取).
    RawMaterial,
    /// Production at the reporting company (生产制造).
    Production,
    /// Packaging (包装).
    Packaging,
    /// Distribution and storage (分销运输).
    Distribution,
    /// Use (使用).
    Use,
    /// End of life (废弃处置).
    EndOfLife,
}

impl Stage {
    pub const ALL: [Stage; 6] =
        [Stage::RawMaterial, Stage::Production, Stage::Packaging, Stage::Distribution, Stage::Use, Stage::EndOfLife];

    pub fn key(self) -> &'static str {
        match self {
            Stage::RawMaterial => "raw_material",
            Stage::Production => "production",
            Stage::Packaging => "packaging",
            Stage::Distribution => "distribution",
            Stage::Use => "use",
            Stage::EndOfLife => "end_of_life",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Stage::RawMaterial => "Raw material acquisition",
            Stage::Production => "Production",
            Stage::Packaging => "Packaging",
            Stage::Distribution => "Distribution",
            Stage::Use => "Use",
            Stage::EndOfLife => "End of life",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Stage::RawMaterial => "原材料获取",
            Stage::Production => "生产制造",
            Stage::Packaging => "包装",
            Stage::Distribution => "分销运输",
            Stage::Use => "使用",
            Stage::EndOfLife => "废弃处置",
        }
    }

    pub fn parse(text: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|stage| stage.key() == text.trim())
    }
}

/// Whether a process's data were measured in the value chain (primary) or taken from databases and literature
/// (secondary), as the Pathfinder Framework and PACT define them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataKind {
    Primary,
    #[default]
    Secondary,
}

/// Data-quality ratings, 1 (best) to 5 (worst), as in the ecoinvent pedigree matrix and PACT's DQI
/// (technological, temporal, geographical; completeness and reliability are optional).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataQuality {
    pub technological: u8,
    pub temporal: u8,
    pub geographical: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completeness: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reliability: Option<u8>,
}

impl DataQuality {
    /// The ratings that were given, named, for checks and reports.
    pub fn ratings(&self) -> Vec<(&'static str, u8)> {
        let mut ratings = vec![
            ("technological", self.technological),
            ("temporal", self.temporal),
            ("geographical", self.geographical),
        ];
        if let Some(completeness) = self.completeness {
            ratings.push(("completeness", completeness));
        }
        if let Some(reliability) = self.reliability {
            ratings.push(("reliability", reliability));
        }
        ratings
    }
}

/// The product and the unit its footprint is declared per.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductInfo {
    /// Stock-keeping unit or the company's product id.
    pub sku: String,
    pub name_zh: String,
    pub name_en: String,
    pub declared_unit: DeclaredUnit,
    /// Mass of the product per declared unit, kg (PACT productMassPerDeclaredUnit).
    pub mass_per_declared_unit_kg: f64,
    /// First and last day of the period the data represent (PACT referencePeriodStart/End), `YYYY-MM-DD`.
    pub reference_period_start: String,
    pub reference_period_end: String,
    /// Where the product is made: ISO 3166 code.
    #[serde(default)]
    pub geography: String,
}

/// "1 cup", "1 piece", "1 kg": the amount and unit the footprint is stated per.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredUnit {
    #[serde(default = "one")]
    pub amount: f64,
    /// The unit symbol of the reference product (`unit`, `kg`, `m2`, …).
    pub unit: String,
    /// How the unit reads on a label: "每杯" / "per cup".
    pub name_zh: String,
    pub name_en: String,
}

fn one() -> f64 {
    1.0
}

/// ISO 14067 cut-off criteria for this study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CutOffRule {
    /// The largest share of the footprint the exempted items may make up together (PACT requires ≤ 5 %).
    #[serde(default = "five")]
    pub max_exempted_percent: f64,
    /// Supply-chain tree nodes below this share of the total are folded into "other" in reports.
    #[serde(default = "one")]
    pub tree_threshold_percent: f64,
}

impl Default for CutOffRule {
    fn default() -> Self {
        Self { max_exempted_percent: 5.0, tree_threshold_percent: 1.0 }
    }
}

fn five() -> f64 {
    5.0
}

/// The whole model of one product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductModel {
    pub product: ProductInfo,
    /// GWP set for characterisation: `AR6` (default), `AR5`, `AR4` or `SAR`.
    #[serde(default = "default_gwp")]
    pub gwp: String,
    /// The id of the process whose first output is the product; the declared unit is an amount of that output.
    pub reference_process: String,
    #[serde(default)]
    pub cut_off: CutOffRule,
    pub processes: Vec<ProcessModel>,
    /// Footprints of other products used as inputs: a supplier's PCF or another of our products.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supplier_footprints: Vec<SupplierFootprint>,
    /// Items left out of the system under the cut-off rule, with an estimate of what they would add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exempted: Vec<Exemption>,
}

fn default_gwp() -> String {
    "AR6".to_owned()
}

/// One foreground process: a unit process or a subdivided part of one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessModel {
    /// Unique within the model; other processes name it in `inputs`.
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub stage: Stage,
    #[serde(default)]
    pub data: DataKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<DataQuality>,
    /// What one run of the process makes. The first output is the reference product; more than one output makes it a
    /// multi-output process that needs `allocation` (or subdivision into several processes, which is preferred).
    pub outputs: Vec<Output>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation: Option<AllocationChoice>,
    /// Set when this process is one part of a subdivided multi-output process (the first choice of the allocation
    /// hierarchy, ISO 14067 6.4.6.2 — a clause number not confirmed against the text, which is not freely
    /// available): the name of the process it was split from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdivided_from: Option<String>,
    /// Products of other processes of this model, or supplier footprints, consumed per run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<ProductInput>,
    /// Activity amounts multiplied by a factor from the emission-factor library (electricity, fuels, materials…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub factors: Vec<FactorUse>,
    /// Freight legs: mass × distance by mode, multiplied by a per-tonne-km factor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transport: Vec<TransportLeg>,
    /// Gases released (or taken up: biogenic CO2 as a negative amount) by the process itself, kg per run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emissions: Vec<Emission>,
    /// Material sent to recycling: under the cut-off approach it leaves the system burden-free and earns no credit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to_recycling: Vec<RecyclingOutput>,
}

/// A product made by a process, with the properties the allocation methods need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Output {
    /// Product id, unique in the model.
    pub product: String,
    pub amount: f64,
    pub unit: String,
    /// Mass of this output per run, kg — for physical (mass) allocation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mass_kg: Option<f64>,
    /// Energy content of this output per run, MJ — for physical (energy) allocation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_mj: Option<f64>,
    /// Revenue from this output per run, in any one currency — for economic allocation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue: Option<f64>,
}

/// How a multi-output process is split between its products.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllocationMethod {
    /// Physical: by mass of the outputs.
    Mass,
    /// Physical: by energy content of the outputs.
    Energy,
    /// By revenue of the outputs.
    Economic,
}

impl AllocationMethod {
    pub fn key(self) -> &'static str {
        match self {
            AllocationMethod::Mass => "mass",
            AllocationMethod::Energy => "energy",
            AllocationMethod::Economic => "economic",
        }
    }
}

/// The allocation the modeller chose, and why when it departs from the hierarchy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationChoice {
    /// Leave out to let tanji follow the hierarchy: mass, then energy, then economic — the first whose data every
    /// output has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<AllocationMethod>,
    /// Required when `method` skips a physical method whose data are there (ISO 14067 6.4.6.2; clause number not
    /// confirmed against the text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// An input of a product made by another process of the model or described by a supplier footprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    /// A product id of this model's outputs, or the id of a supplier footprint.
    pub product: String,
    pub amount: f64,
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<Distribution>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// An amount of activity (kWh, kg, t·km…) multiplied by a library factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactorUse {
    /// `id` (latest version) or `id@version`. A stored model pins the version.
    pub factor: String,
    pub amount: f64,
    /// The unit of `amount`; converted to the factor's unit (kWh → MWh) when the dimensions agree.
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<Distribution>,
    /// Plain words for reports: "bamboo pulp", "moulding press electricity".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Set when `amount` was measured on a production line and handed over by the energy engine (never typed): the
    /// line, period, meters and output behind it. Such an exchange counts as primary data whatever the process says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured: Option<MeasuredAmount>,
}

/// Where a measured energy amount comes from: the metered energy per unit of output over a period of the production
/// lines that made the product (`tanji-energy`'s product intensity: total kWh over total units, so each line weighs
/// by its output), as the adapter resolved it before the footprint was computed. The exchange's `amount` is
/// `kwh_per_unit` × the process's reference output (`per_run_units`). `lines` holds each line's part; a figure
/// recorded before lines were weighed (one line only) has none, and `line` names that line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuredAmount {
    /// The facility (site) the line stands in.
    pub facility: String,
    /// The line's id and name.
    pub line: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub line_name: String,
    /// First and last day of the period measured, `YYYY-MM-DD`.
    pub period_start: String,
    pub period_end: String,
    /// The carriers counted (`electricity`, `natural_gas` …), as the meters measure them.
    pub carriers: Vec<String>,
    /// Measured kWh per unit of the line's output.
    pub kwh_per_unit: f64,
    /// The unit the line's counter counts (`cup`).
    pub output_unit: String,
    /// Units of output the process's run stands for (the amount of its reference output).
    pub per_run_units: f64,
    /// Units produced on the metered days of the period, and the kWh metered on them.
    pub production_units: f64,
    pub energy_kwh: f64,
    /// Days of the period with meter data.
    pub n_days: usize,
    /// The meters' codes and the readings behind the figure.
    pub meters: Vec<String>,
    pub n_readings: usize,
    /// Share of metering intervals that cleaning estimated, %.
    pub estimated_percent: f64,
    /// The SKU whose units the lines counted.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sku: String,
    /// Every line that made the SKU in the period, with its weight.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<MeasuredLine>,
    /// Lines that made the SKU in the period on days without meter data: their output is not in the figure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmetered_lines: Vec<String>,
}

/// One line's part in a [`MeasuredAmount`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuredLine {
    /// The line's id and name.
    pub line: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub line_name: String,
    /// Its units of the SKU on its metered days, and the kWh allocated to them.
    pub production_units: f64,
    pub energy_kwh: f64,
    /// `energy_kwh / production_units`.
    pub kwh_per_unit: f64,
    /// Its units / the product's units over every line (0–1): the weight of its kWh per unit.
    pub output_share: f64,
    /// The share of the line's metered energy allocated to the SKU (1 when it made nothing else).
    pub allocated_share: f64,
    /// Days with meter data, the meters' codes and their readings.
    pub n_days: usize,
    pub meters: Vec<String>,
    pub n_readings: usize,
    /// Share of its metering intervals that cleaning estimated, %.
    pub estimated_percent: f64,
}

/// A freight leg: `mass_kg` carried `distance_km` by the mode whose per-tonne-km (or per-ton-mile) factor is named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransportLeg {
    pub factor: String,
    pub mass_kg: f64,
    pub distance_km: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<Distribution>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Where the carbon of an emitted gas came from; GHG Protocol and ISO 14067 report these apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    #[default]
    Fossil,
    /// From biomass; a negative amount of CO2 is an uptake (removal).
    Biogenic,
    /// Direct land-use change.
    LandUseChange,
}

impl Origin {
    pub fn key(self) -> &'static str {
        match self {
            Origin::Fossil => "fossil",
            Origin::Biogenic => "biogenic",
            Origin::LandUseChange => "land_use_change",
        }
    }
}

/// A gas emitted (or taken up) by a process itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Emission {
    /// As in the GWP table: `CO2`, `CH4`, `N2O`, `HFC-134a`…
    pub gas: String,
    #[serde(default)]
    pub origin: Origin,
    /// kg per run; negative for biogenic CO2 uptake.
    pub kg: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<Distribution>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Material leaving to recycling (cut-off approach: no burden, no credit), recorded for the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecyclingOutput {
    pub material: String,
    pub kg: f64,
}

/// The footprint of another product, used as an input: a supplier's PCF (PACT) or another model's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupplierFootprint {
    /// Id used by `inputs`.
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub supplier: String,
    /// The unit one footprint value is per (`kg`, `unit`, …).
    pub unit: String,
    /// kg CO2e per unit of fossil emissions (PACT fossilGhgEmissions).
    pub fossil_kg_co2e: f64,
    /// kg CO2e per unit of biogenic emissions (non-CO2 and CO2), excluding removals.
    #[serde(default)]
    pub biogenic_emissions_kg_co2e: f64,
    /// kg CO2 per unit of biogenic uptake, as a negative number.
    #[serde(default)]
    pub biogenic_removals_kg_co2e: f64,
    /// kg CO2e per unit from direct land-use change.
    #[serde(default)]
    pub land_use_change_kg_co2e: f64,
    /// Whether the supplier computed it from its own measured data (counts towards the primary data share).
    #[serde(default)]
    pub data: DataKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<DataQuality>,
    /// Where the figure comes from: a PACT footprint id, a verified EPD number, a report.
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<Distribution>,
}

/// Something left out of the system under the cut-off rule, with a conservative estimate of its footprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    pub name: String,
    pub stage: Stage,
    /// kg CO2e per declared unit the item would add (an upper estimate).
    pub estimate_kg_co2e: f64,
    pub reason: String,
}
