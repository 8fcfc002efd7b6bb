//! The v3 data model: `ProductFootprint` and its `CarbonFootprint`, as `spec/v3/openapi.yaml` (3.0.3) defines them.
//!
//! Field names are the spec's (camelCase on the wire). Optional properties that are unknown are left out of the JSON
//! rather than written as `null`: the schema types them as strings, numbers or objects, so `null` would not validate.
//! Properties tanji never has (land management, aircraft, packaging, CCS/CCU, data model extensions) are not modelled
//! on the writing side; a received footprint keeps them in `other` so nothing a partner sent is lost.

use serde::{Deserialize, Serialize};

use crate::decimal::Decimal;

/// `ProductFootprint`: one immutable version of a product's footprint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductFootprint {
    /// UUID; a change to anything makes a new footprint with a new id.
    pub id: String,
    /// `"3.0.3"`.
    pub spec_version: String,
    /// Earlier versions of this footprint (non-empty when present).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preceding_pf_ids: Option<Vec<String>>,
    /// RFC 3339 time of creation.
    pub created: String,
    /// `Active` or `Deprecated`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_period_start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_period_end: Option<String>,
    pub company_name: String,
    /// URNs of the data owner.
    pub company_ids: Vec<String>,
    pub product_description: String,
    /// URNs of the product.
    pub product_ids: Vec<String>,
    /// URNs of classifications; absent when none is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_classifications: Option<Vec<String>>,
    pub product_name_company: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub pcf: CarbonFootprint,
    /// Whatever else a partner's footprint carried (extensions, …), kept as received.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// `CarbonFootprint`: the figures, per declared unit, in kg CO2e (carbon contents in kg C).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CarbonFootprint {
    /// One of the spec's unit names (`kilogram`, `piece`, …).
    pub declared_unit_of_measurement: String,
    pub declared_unit_amount: Decimal,
    pub product_mass_per_declared_unit: Decimal,
    pub reference_period_start: String,
    pub reference_period_end: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geography_region_or_subregion: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geography_country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geography_country_subdivision: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boundary_processes_description: Option<String>,
    pub pcf_excluding_biogenic_uptake: Decimal,
    pub pcf_including_biogenic_uptake: Decimal,
    pub fossil_carbon_content: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biogenic_carbon_content: Option<Decimal>,
    pub fossil_ghg_emissions: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub land_use_change_ghg_emissions: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "landManagementBiogenicCO2Emissions")]
    pub land_management_biogenic_co2_emissions: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "landManagementBiogenicCO2Removals")]
    pub land_management_biogenic_co2_removals: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "biogenicCO2Uptake")]
    pub biogenic_co2_uptake: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "biogenicNonCO2Emissions")]
    pub biogenic_non_co2_emissions: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "technologicalCO2Removals")]
    pub technological_co2_removals: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "ccsTechnologicalCO2Capture")]
    pub ccs_technological_co2_capture: Option<Decimal>,
    /// `AR6`, `AR5`, …
    pub ipcc_characterization_factors: Vec<String>,
    pub cross_sectoral_standards: Vec<String>,
    pub exempted_emissions_percent: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exempted_emissions_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation_rules_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary_emission_factor_sources: Option<Vec<EmissionFactorSource>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_data_share: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dqi: Option<DataQualityIndicators>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
    /// Properties tanji does not write (packaging, aircraft, CCU, …), kept as received.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// `EmissionFactorSource`: a secondary database and its version.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EmissionFactorSource {
    pub name: String,
    pub version: String,
}

/// `DataQualityIndicators`: data quality ratings, 1 (best) to 5.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataQualityIndicators {
    #[serde(rename = "technologicalDQR")]
    pub technological_dqr: Decimal,
    #[serde(rename = "geographicalDQR")]
    pub geographical_dqr: Decimal,
    #[serde(rename = "temporalDQR")]
    pub temporal_dqr: Decimal,
}

/// `Verification`: present only when an independent third party verified the footprint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    /// `PCF calculation model`, `PCF program` or `product level`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
}

/// The spec's declared units (`declaredUnitOfMeasurement`'s enum).
pub const DECLARED_UNITS: [&str; 10] = [
    "liter",
    "kilogram",
    "cubic meter",
    "kilowatt hour",
    "megajoule",
    "ton kilometer",
    "square meter",
    "piece",
    "hour",
    "megabit second",
];
