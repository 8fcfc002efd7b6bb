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

/// Who stands behind a footprint: what decides whether a comparison with another product may be shown to the public.
///
/// ISO 14064-3:2019 tells first-party verification (by the organisation responsible for the claim) from third-party
/// verification (by a body independent of it); only the latter is independent (the standard's definitions were not
/// checked against its text, which is not freely available). In tanji a verifier is independent when they act for a
/// verification body the publisher engaged, not when they are a member of the publisher.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assurance {
    /// Signed off by an auditor acting for an independent verification body the publisher engaged: third-party
    /// verification (ISO 14064-3) or critical review.
    Verified,
    /// Signed off by an auditor who is a member of the publishing organisation: internal review (内部审核), a
    /// first-party check that is worth recording but is not independent.
    InternalReview,
    /// Declared by the publisher alone.
    SelfDeclared,
}

/// Who signed a footprint off, as far as assurance is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signer {
    /// An auditor acting for an engaged verification body.
    IndependentVerificationBody,
    /// An auditor who is a member of the publishing organisation.
    PublisherMember,
}

impl Assurance {
    /// The stable machine name: `verified`, `internal_review`, `self_declared`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Assurance::Verified => "verified",
            Assurance::InternalReview => "internal_review",
            Assurance::SelfDeclared => "self_declared",
        }
    }

    /// The assurance of a footprint signed off by `signer`, or not at all (`None`).
    pub const fn of_sign_off(signer: Option<Signer>) -> Self {
        match signer {
            Some(Signer::IndependentVerificationBody) => Assurance::Verified,
            Some(Signer::PublisherMember) => Assurance::InternalReview,
            None => Assurance::SelfDeclared,
        }
    }

    /// Whether a comparative claim ("25 % lower than conventional") may go on a public page or label.
    ///
    /// ISO 14044:2006 requires a critical review by a panel of interested parties when LCA results support "a
    /// comparative assertion intended to be disclosed to the public"; ISO 14067:2018 applies the same rule to CFP
    /// studies meant for comparison, and ISO 14026:2017 to footprint communications that compare.
    ///
    /// What was checked, and against what (the standards' texts are not freely available): that clause 6 of ISO 14044
    /// is the critical review and §6.1 says what the review shall ensure (quoted in Klöpffer & Grahl, *Life Cycle
    /// Assessment (LCA): A Guide to Best Practice*, Wiley 2014, section 5.5, p. 341); that a critical review is
    /// mandatory for a comparative assertion disclosed to the public (Klöpffer, Int J Life Cycle Assess 17:1087–1093,
    /// 2012). Not confirmed from any text: the sub-clause that names the panel of interested parties, and the
    /// clause numbers in ISO 14067 and ISO 14026 — this comment names none. The Carbon Trust's "lower carbon" label is likewise granted only after
    /// certification against the compared product. tanji's record of such a review is the sign-off of a verifier
    /// acting for an independent body, so a self-declared or internally reviewed footprint publishes its own figures
    /// and says that the comparison is not shown, and why.
    pub const fn permits_public_comparison(self) -> bool {
        matches!(self, Assurance::Verified)
    }
}

/// Why a published footprint shows no comparison although its model has a baseline product. Stored in the
/// published content as `{"code": "not_verified"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ComparisonWithheld {
    /// The footprint was not verified, and a comparative claim shown to the public needs verification or critical
    /// review (see [`Assurance::permits_public_comparison`]).
    NotVerified,
    /// The footprint was reviewed by the publisher's own auditor only, which is not independent verification.
    InternalReviewOnly,
}

impl ComparisonWithheld {
    /// Why a footprint of `assurance` (one that does not permit a public comparison) shows none.
    const fn for_assurance(assurance: Assurance) -> Self {
        match assurance {
            Assurance::InternalReview => ComparisonWithheld::InternalReviewOnly,
            Assurance::Verified | Assurance::SelfDeclared => ComparisonWithheld::NotVerified,
        }
    }
}

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
    /// The comparison with the conventional product: only in a verified footprint's summary (see
    /// [`Assurance::permits_public_comparison`]).
    pub baseline: Option<PublishedBaseline>,
    /// Set when the model had a baseline but the comparison was left out, and why. Absent in records published
    /// before the rule (which [`PublishedFootprint::public_comparison`] still holds back when they are unverified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison_withheld: Option<ComparisonWithheld>,
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
    /// The baseline's biogenic CO2 uptake (negative), so that the part of the reduction that comes from uptake can
    /// be told apart. Absent in records published before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biogenic_removals_kg_co2e: Option<f64>,
}

/// How much of a product's reduction against its baseline comes from biogenic CO2 uptake (carbon taken up by the
/// plants its materials grew from, reported as a removal under ISO 14067), in kg CO2e per declared unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReductionFromUptake {
    /// The product's uptake minus the baseline's, as a positive number of kg CO2e: the part of the reduction that
    /// is uptake. When the baseline's uptake is not recorded (older records) this is the product's whole uptake.
    pub uptake_kg_co2e: f64,
    /// The reduction without any uptake: baseline minus product, both excluding biogenic uptake.
    pub reduction_excluding_uptake_kg_co2e: f64,
    /// That reduction in per cent of the baseline excluding uptake; `None` when the baseline's uptake is unknown.
    pub reduction_excluding_uptake_percent: Option<f64>,
    /// Whether the baseline's uptake was recorded (else the figures treat it as unknown and say so).
    pub baseline_uptake_known: bool,
}

impl PublishedFootprint {
    /// The comparison the public may see: the baseline when the footprint is verified, else nothing. Records
    /// published before self-declared summaries left the baseline out still carry one; this holds it back too.
    pub fn public_comparison(&self, assurance: Assurance) -> Option<&PublishedBaseline> {
        self.baseline.as_ref().filter(|_| assurance.permits_public_comparison())
    }

    /// Whether a comparison exists but is not shown, and why.
    pub fn withheld_comparison(&self, assurance: Assurance) -> Option<ComparisonWithheld> {
        match (&self.baseline, self.comparison_withheld) {
            (_, Some(reason)) => Some(reason),
            (Some(_), None) if !assurance.permits_public_comparison() => {
                Some(ComparisonWithheld::for_assurance(assurance))
            }
            _ => None,
        }
    }

    /// The part of the shown reduction that comes from biogenic uptake, when the product is lower than its
    /// baseline and has uptake at all (removals below zero) beyond the baseline's.
    pub fn reduction_from_uptake(&self, assurance: Assurance) -> Option<ReductionFromUptake> {
        let baseline = self.public_comparison(assurance)?;
        if baseline.reduction_kg_co2e <= 0.0 || self.biogenic_removals_kg_co2e >= 0.0 {
            return None;
        }
        let baseline_removals = baseline.biogenic_removals_kg_co2e;
        let uptake = -(self.biogenic_removals_kg_co2e - baseline_removals.unwrap_or(0.0));
        // Equal uptakes can differ by rounding alone (3·10⁻¹⁷ kg between the demo's two cups): that is no part of
        // the reduction, and a public page must not print it as one.
        let scale = self.biogenic_removals_kg_co2e.abs().max(baseline_removals.unwrap_or(0.0).abs());
        if uptake <= scale * UPTAKE_RELATIVE_TOLERANCE {
            return None;
        }
        let baseline_excluding = baseline.total_kg_co2e - baseline_removals.unwrap_or(0.0);
        let reduction_excluding = baseline_excluding - self.excluding_biogenic_uptake_kg_co2e;
        Some(ReductionFromUptake {
            uptake_kg_co2e: uptake,
            reduction_excluding_uptake_kg_co2e: reduction_excluding,
            reduction_excluding_uptake_percent: baseline_removals
                .filter(|_| baseline_excluding > 0.0)
                .map(|_| reduction_excluding / baseline_excluding * 100.0),
            baseline_uptake_known: baseline_removals.is_some(),
        })
    }
}

/// A difference in biogenic uptake smaller than this share of the uptake is rounding, not uptake.
const UPTAKE_RELATIVE_TOLERANCE: f64 = 1e-9;

/// The summary of a footprint, with its baseline comparison when there is one and `assurance` permits showing it
/// to the public; a self-declared footprint's summary leaves the comparison out and says why.
pub fn published_summary(
    organisation: &str,
    footprint: &Footprint,
    baseline: Option<(&Footprint, &Comparison)>,
    model_version: i64,
    assurance: Assurance,
) -> PublishedFootprint {
    let comparison_withheld = (baseline.is_some() && !assurance.permits_public_comparison())
        .then_some(ComparisonWithheld::for_assurance(assurance));
    let baseline = baseline.filter(|_| assurance.permits_public_comparison());
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
            biogenic_removals_kg_co2e: Some(baseline.biogenic_removals_kg_co2e),
        }),
        comparison_withheld,
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
