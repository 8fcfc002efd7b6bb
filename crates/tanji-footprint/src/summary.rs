//! What a published label says: the summary of a footprint that the public page shows and the publication chain
//! hashes. It is self-contained (names, units, stages, baseline), so a page can be drawn from it alone, years later.
//!
//! It is public — anyone can download it to check its hash — so it names things only by what is public anyway: the
//! organisation's name, the SKU, the model version number. No ids of the publisher's tanji (footprints, products,
//! users): they would tell outsiders about its database (the ids are time-ordered UUIDs) and give them the ids to
//! aim requests at. Records published before this rule carry `footprint_id`; it is still read, so they still show,
//! and their stored content is never rewritten, so they still verify.

use serde::{Deserialize, Serialize};

use crate::compute::{Comparison, Footprint};
use crate::model::{DeclaredUnit, Stage};

pub const STANDARD: &str = "ISO 14067:2018";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedFootprint {
    pub standard: String,
    pub organisation: String,
    pub sku: String,
    pub name_zh: String,
    pub name_en: String,
    pub declared_unit: DeclaredUnit,
    pub mass_per_declared_unit_kg: f64,
    pub reference_period_start: String,
    pub reference_period_end: String,
    pub gwp_set: String,
    pub total_kg_co2e: f64,
    pub excluding_biogenic_uptake_kg_co2e: f64,
    pub fossil_kg_co2e: f64,
    pub biogenic_emissions_kg_co2e: f64,
    pub biogenic_removals_kg_co2e: f64,
    pub land_use_change_kg_co2e: f64,
    /// The 95 % interval from Monte Carlo, when one was run.
    pub range: Option<PublishedRange>,
    pub stages: Vec<PublishedStage>,
    pub baseline: Option<PublishedBaseline>,
    pub primary_data_share_percent: f64,
    /// Contribution-weighted technological, temporal, geographical ratings (1 best – 5 worst).
    pub data_quality: Option<[f64; 3]>,
    pub exempted_percent: f64,
    /// Only in records published before contents named nothing internal: the footprint's id in the publisher's
    /// tanji. Read so that those records still show; never written (the store keeps which footprint a publication
    /// came from beside the record, not inside it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footprint_id: Option<String>,
    /// The version of the product model the label was published from (1, 2, 3 … per product).
    pub model_version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedRange {
    pub p2_5_kg_co2e: f64,
    pub p50_kg_co2e: f64,
    pub p97_5_kg_co2e: f64,
    pub iterations: usize,
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedStage {
    pub stage: Stage,
    pub kg_co2e: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedBaseline {
    pub name_zh: String,
    pub name_en: String,
    pub total_kg_co2e: f64,
    pub reduction_kg_co2e: f64,
    pub reduction_percent: f64,
    pub stages: Vec<PublishedStage>,
}

/// The summary of a footprint, with its baseline comparison when there is one.
pub fn published_summary(
    organisation: &str,
    footprint: &Footprint,
    baseline: Option<(&Footprint, &Comparison)>,
    model_version: i64,
) -> PublishedFootprint {
    let product = &footprint.product;
    let stages = |footprint: &Footprint| {
        footprint.by_stage.iter().map(|stage| PublishedStage { stage: stage.stage, kg_co2e: stage.kg_co2e }).collect()
    };
    PublishedFootprint {
        standard: STANDARD.to_owned(),
        organisation: organisation.to_owned(),
        sku: product.sku.clone(),
        name_zh: product.name_zh.clone(),
        name_en: product.name_en.clone(),
        declared_unit: product.declared_unit.clone(),
        mass_per_declared_unit_kg: product.mass_per_declared_unit_kg,
        reference_period_start: product.reference_period_start.clone(),
        reference_period_end: product.reference_period_end.clone(),
        gwp_set: footprint.gwp_set.clone(),
        total_kg_co2e: footprint.total_kg_co2e,
        excluding_biogenic_uptake_kg_co2e: footprint.excluding_biogenic_uptake_kg_co2e,
        fossil_kg_co2e: footprint.fossil_kg_co2e,
        biogenic_emissions_kg_co2e: footprint.biogenic_emissions_kg_co2e,
        biogenic_removals_kg_co2e: footprint.biogenic_removals_kg_co2e,
        land_use_change_kg_co2e: footprint.land_use_change_kg_co2e,
        range: footprint.uncertainty.as_ref().map(|spread| PublishedRange {
            p2_5_kg_co2e: spread.p2_5_kg_co2e,
            p50_kg_co2e: spread.p50_kg_co2e,
            p97_5_kg_co2e: spread.p97_5_kg_co2e,
            iterations: spread.iterations,
            seed: spread.seed,
        }),
        stages: stages(footprint),
        baseline: baseline.map(|(baseline, comparison)| PublishedBaseline {
            name_zh: baseline.product.name_zh.clone(),
            name_en: baseline.product.name_en.clone(),
            total_kg_co2e: comparison.baseline_kg_co2e,
            reduction_kg_co2e: comparison.reduction_kg_co2e,
            reduction_percent: comparison.reduction_percent,
            stages: stages(baseline),
        }),
        primary_data_share_percent: footprint.primary_data_share_percent,
        data_quality: footprint
            .data_quality
            .as_ref()
            .map(|quality| [quality.technological, quality.temporal, quality.geographical]),
        exempted_percent: footprint.exemptions.exempted_percent,
        footprint_id: None,
        model_version,
    }
}
