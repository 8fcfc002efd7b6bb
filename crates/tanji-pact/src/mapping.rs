//! From a published tanji footprint to a v3 `ProductFootprint`: complete where tanji knows, silent where it does not.
//!
//! | PACT property | from tanji |
//! |---|---|
//! | `id`, `created` | the label publication (one publication = one immutable ProductFootprint) |
//! | `status`, `precedingPfIds` | the label's versions: a later version or a withdrawal deprecates; earlier versions precede |
//! | `companyName`, `companyIds` | the publishing organisation (`urn:uuid:` of its id, given by the adapter) |
//! | `productIds` | `urn:pact:<issuer domain>:supplier-id:<SKU>` (the spec's own scheme for a data owner's id) |
//! | `productClassifications` | omitted: tanji records no classification |
//! | `declaredUnit…`, `productMassPerDeclaredUnit` | the model's declared unit and mass |
//! | `referencePeriodStart/End` | the model's first and last day; the end is the day after the last (exclusive), UTC |
//! | `geographyCountry` / `…Subdivision` | the model's ISO 3166 code (2 letters, or `CN-ZJ` style) |
//! | `fossilGhgEmissions` | Σ fossil gases |
//! | `landUseChangeGhgEmissions` | Σ direct land-use change |
//! | `biogenicNonCO2Emissions` | Σ biogenic gases other than CO2 |
//! | `biogenicCO2Uptake` | Σ biogenic CO2 (uptake, negative, net of biogenic CO2 released inside the boundary) |
//! | `pcfExcludingBiogenicUptake` | fossil + LUC + biogenic non-CO2 (+ land management, technological removals, CCS: 0 in tanji, left out) |
//! | `pcfIncludingBiogenicUptake` | the above + `biogenicCO2Uptake` |
//! | `fossilCarbonContent`, `biogenicCarbonContent` | declared by the data owner for this publication (tanji does not compute them) |
//! | `ipccCharacterizationFactors` | the model's GWP set (`SAR` is the second report, `AR2`) |
//! | `crossSectoralStandards` | `ISO14067` |
//! | `exemptedEmissionsPercent` / `…Description` | the cut-off report |
//! | `secondaryEmissionFactorSources` | the cited factor sources, by citation and edition year |
//! | `primaryDataShare`, `dqi` | the footprint's primary data share and contribution-weighted ratings |
//! | `verification` | only for a footprint verified by an independent body: `product level`, the body, when, its statement |
//!
//! Why biogenic CO2 is reported net: PACT v3 has no property for biogenic CO2 *released* other than by land management,
//! and the v3 identity (the conformance tool's check) sums only the listed parts. tanji keeps a product's biogenic
//! carbon as a negative uptake and positive releases (e.g. incineration of the board at end of life); reporting the
//! releases under a land-management property would be false, and dropping them would understate the footprint. So
//! `biogenicCO2Uptake` is the net biogenic CO2; if the net is a release (positive), the footprint cannot be stated
//! honestly in v3 and the mapping refuses it ([`MappingProblem::BiogenicCo2NetRelease`]). `pcfIncludingBiogenicUptake`
//! then equals tanji's ISO 14067 total exactly (to 10⁻⁹ kg).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tanji_footprint::{Footprint, Origin};

use crate::SPEC_VERSION;
use crate::decimal::Decimal;
use crate::model::{CarbonFootprint, DataQualityIndicators, EmissionFactorSource, ProductFootprint, Verification};

/// A footprint's lifecycle status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PactStatus {
    /// The newest version of its label, not withdrawn.
    Active,
    /// Superseded by a newer version, or withdrawn.
    Deprecated,
}

impl PactStatus {
    /// The spec's word.
    pub const fn as_str(self) -> &'static str {
        match self {
            PactStatus::Active => "Active",
            PactStatus::Deprecated => "Deprecated",
        }
    }

    /// Case-insensitive, as the `status` filter must be.
    pub fn parse(text: &str) -> Option<Self> {
        [PactStatus::Active, PactStatus::Deprecated]
            .into_iter()
            .find(|status| status.as_str().eq_ignore_ascii_case(text))
    }
}

/// An independent body's verification of the footprint.
#[derive(Clone, Debug, PartialEq)]
pub struct VerificationSource {
    /// The body, as the sign-off names it.
    pub provider_name: String,
    /// When it signed.
    pub completed_at: jiff::Timestamp,
    /// What it stated.
    pub statement: String,
}

/// The carbon contents the data owner declared for a publication (kg C per declared unit), with where they come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CarbonContent {
    pub fossil_kg_c: Decimal,
    pub biogenic_kg_c: Option<Decimal>,
}

/// Everything the mapping reads. The adapter gathers it from the publication, its footprint and the organisation.
#[derive(Clone, Debug)]
pub struct PactSource<'a> {
    /// The publication's id (a UUID): the ProductFootprint's id.
    pub id: &'a str,
    pub created: jiff::Timestamp,
    pub status: PactStatus,
    /// Ids of the earlier versions of the same label, oldest first.
    pub preceding_ids: Vec<String>,
    pub company_name: &'a str,
    /// The data owner's URNs (see [`company_urn`]).
    pub company_ids: Vec<String>,
    /// The host's domain, for product id URNs (`tanji.example.com`).
    pub issuer_domain: &'a str,
    pub footprint: &'a Footprint,
    /// Present only for a footprint verified by an independent body.
    pub verification: Option<VerificationSource>,
    pub carbon_content: Option<CarbonContent>,
}

/// Why a footprint cannot be written as a v3 ProductFootprint. Codes (`snake_case`) with parameters; tanji-i18n says them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MappingProblem {
    /// The declared unit has no PACT equivalent.
    #[error("declared unit {unit:?} has no PACT declaredUnitOfMeasurement")]
    UnknownDeclaredUnit { unit: String },
    /// The declared unit amount is zero or negative.
    #[error("declared unit amount must be above zero")]
    DeclaredUnitAmountNotPositive,
    /// `fossilCarbonContent` is required by v3 and tanji does not compute it: the data owner has not declared it.
    #[error("fossil carbon content not declared")]
    FossilCarbonContentNotDeclared,
    /// A declared carbon content is negative.
    #[error("carbon content must not be negative")]
    NegativeCarbonContent,
    /// Fossil emissions sum below zero (v3 requires ≥ 0).
    #[error("fossil emissions are negative: {kg_co2e}")]
    NegativeFossilEmissions { kg_co2e: String },
    /// Land-use change emissions sum below zero.
    #[error("land-use change emissions are negative: {kg_co2e}")]
    NegativeLandUseChange { kg_co2e: String },
    /// Biogenic non-CO2 gases sum below zero.
    #[error("biogenic non-CO2 emissions are negative: {kg_co2e}")]
    NegativeBiogenicNonCo2 { kg_co2e: String },
    /// Biogenic CO2 is a net release, which v3 cannot state (see the module's documentation).
    #[error("biogenic CO2 is a net release of {kg_co2e} kg, which PACT v3 has no property for")]
    BiogenicCo2NetRelease { kg_co2e: String },
    /// A figure is NaN or infinite.
    #[error("{field} is not a finite number")]
    NotFinite { field: String },
    /// The reference period is not two dates in order.
    #[error("reference period {start:?} – {end:?} is not two dates in order")]
    BadReferencePeriod { start: String, end: String },
    /// The geography is not an ISO 3166 code.
    #[error("geography {value:?} is not an ISO 3166-1 alpha-2 or 3166-2 code")]
    BadGeography { value: String },
}

/// The data owner's URN for an organisation id (a UUID): `urn:uuid:…` (RFC 9562's registered namespace).
pub fn company_urn(organisation_id: &str) -> String {
    format!("urn:uuid:{}", organisation_id.to_ascii_lowercase())
}

/// The product id URN: `urn:pact:<domain>:supplier-id:<sku>`, the SKU percent-encoded outside RFC 8141's safe set.
pub fn product_urn(issuer_domain: &str, sku: &str) -> String {
    let mut encoded = String::new();
    for byte in sku.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("urn:pact:{issuer_domain}:supplier-id:{encoded}")
}

/// The PACT unit name for a tanji declared-unit symbol, when there is one.
pub fn declared_unit_of_measurement(unit: &str) -> Option<&'static str> {
    Some(match unit.trim() {
        "kg" => "kilogram",
        "L" | "l" | "liter" | "litre" => "liter",
        "m3" | "m³" => "cubic meter",
        "kWh" => "kilowatt hour",
        "MJ" => "megajoule",
        "t·km" | "tkm" | "t*km" => "ton kilometer",
        "m2" | "m²" => "square meter",
        "unit" | "piece" | "pcs" | "item" => "piece",
        "h" | "hour" => "hour",
        _ => return None,
    })
}

/// The IPCC report name of a GWP set: `SAR` is the Second Assessment Report.
fn ipcc_report(gwp_set: &str) -> String {
    match gwp_set {
        "SAR" => "AR2".to_owned(),
        other => other.to_owned(),
    }
}

/// Maps `source` to a v3 ProductFootprint, or says every reason it cannot be one.
pub fn map_footprint(source: &PactSource<'_>) -> Result<ProductFootprint, Vec<MappingProblem>> {
    let mut problems = Vec::new();
    let footprint = source.footprint;
    let product = &footprint.product;
    let mut decimal = |field: &str, value: f64| match Decimal::from_f64(value) {
        Ok(decimal) => decimal,
        Err(_) => {
            problems.push(MappingProblem::NotFinite { field: field.to_owned() });
            Decimal::ZERO
        }
    };
    let sum = |predicate: &dyn Fn(&tanji_footprint::GasResult) -> bool| -> f64 {
        footprint.by_gas.iter().filter(|gas| predicate(gas)).map(|gas| gas.kg_co2e).sum::<f64>() + 0.0
    };
    let is_co2 = |gas: &str| gas == "CO2" || gas == "CO2e";
    let fossil = decimal("fossilGhgEmissions", sum(&|gas| gas.origin == Origin::Fossil));
    let land_use_change = decimal("landUseChangeGhgEmissions", sum(&|gas| gas.origin == Origin::LandUseChange));
    let biogenic_non_co2 =
        decimal("biogenicNonCO2Emissions", sum(&|gas| gas.origin == Origin::Biogenic && !is_co2(&gas.gas)));
    let biogenic_co2 = decimal("biogenicCO2Uptake", sum(&|gas| gas.origin == Origin::Biogenic && is_co2(&gas.gas)));
    let declared_amount = decimal("declaredUnitAmount", product.declared_unit.amount);
    let mass = decimal("productMassPerDeclaredUnit", product.mass_per_declared_unit_kg);
    let exempted = decimal("exemptedEmissionsPercent", footprint.exemptions.exempted_percent);
    let primary_share = decimal("primaryDataShare", footprint.primary_data_share_percent);
    let dqi = footprint.data_quality.as_ref().map(|quality| DataQualityIndicators {
        technological_dqr: decimal("technologicalDQR", quality.technological.clamp(1.0, 5.0)),
        geographical_dqr: decimal("geographicalDQR", quality.geographical.clamp(1.0, 5.0)),
        temporal_dqr: decimal("temporalDQR", quality.temporal.clamp(1.0, 5.0)),
    });

    let checks = [
        (fossil.is_negative(), MappingProblem::NegativeFossilEmissions { kg_co2e: fossil.to_string() }),
        (land_use_change.is_negative(), MappingProblem::NegativeLandUseChange { kg_co2e: land_use_change.to_string() }),
        (
            biogenic_non_co2.is_negative(),
            MappingProblem::NegativeBiogenicNonCo2 { kg_co2e: biogenic_non_co2.to_string() },
        ),
        (biogenic_co2.is_positive(), MappingProblem::BiogenicCo2NetRelease { kg_co2e: biogenic_co2.to_string() }),
        (!declared_amount.is_positive(), MappingProblem::DeclaredUnitAmountNotPositive),
    ];
    problems.extend(checks.into_iter().filter(|(failed, _)| *failed).map(|(_, problem)| problem));
    let unit = declared_unit_of_measurement(&product.declared_unit.unit);
    if unit.is_none() {
        problems.push(MappingProblem::UnknownDeclaredUnit { unit: product.declared_unit.unit.clone() });
    }
    match &source.carbon_content {
        None => problems.push(MappingProblem::FossilCarbonContentNotDeclared),
        Some(content)
            if content.fossil_kg_c.is_negative() || content.biogenic_kg_c.is_some_and(Decimal::is_negative) =>
        {
            problems.push(MappingProblem::NegativeCarbonContent);
        }
        Some(_) => {}
    }
    let period = reference_period(&product.reference_period_start, &product.reference_period_end);
    if period.is_none() {
        problems.push(MappingProblem::BadReferencePeriod {
            start: product.reference_period_start.clone(),
            end: product.reference_period_end.clone(),
        });
    }
    let geography = match Geography::parse(&product.geography) {
        Ok(geography) => geography,
        Err(problem) => {
            problems.push(problem);
            Geography::default()
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let (Some(unit), Some((period_start, period_end)), Some(content)) = (unit, period, source.carbon_content.as_ref())
    else {
        unreachable!("each missing part was reported as a problem above");
    };

    let pcf_excluding = fossil + land_use_change + biogenic_non_co2;
    let pcf_including = pcf_excluding + biogenic_co2;
    let bio_applicable = |value: Decimal| Some(value);
    let mut sources: Vec<EmissionFactorSource> = footprint
        .factors
        .iter()
        .filter(|factor| !factor.citation.trim().is_empty())
        .map(|factor| EmissionFactorSource {
            name: factor.citation.trim().to_owned(),
            version: factor.year.to_string(),
        })
        .collect();
    sources.sort();
    sources.dedup();
    let stages: Vec<&str> =
        footprint.by_stage.iter().filter(|stage| stage.kg_co2e != 0.0).map(|stage| stage.stage.key()).collect();
    let exempted_description = (!footprint.exemptions.items.is_empty()).then(|| {
        footprint
            .exemptions
            .items
            .iter()
            .map(|item| format!("{} ({}): {}", item.name, item.stage.key(), item.reason))
            .collect::<Vec<_>>()
            .join("; ")
    });
    let name = if product.name_en.trim().is_empty() { &product.name_zh } else { &product.name_en };
    Ok(ProductFootprint {
        id: source.id.to_owned(),
        spec_version: SPEC_VERSION.to_owned(),
        preceding_pf_ids: (!source.preceding_ids.is_empty()).then(|| source.preceding_ids.clone()),
        created: rfc3339(source.created),
        status: source.status.as_str().to_owned(),
        validity_period_start: None,
        validity_period_end: None,
        company_name: source.company_name.to_owned(),
        company_ids: source.company_ids.clone(),
        product_description: format!(
            "{} / {} ({} {}, {})",
            product.name_zh, product.name_en, product.declared_unit.amount, product.declared_unit.unit, product.sku
        ),
        product_ids: vec![product_urn(source.issuer_domain, &product.sku)],
        product_classifications: None,
        product_name_company: name.clone(),
        comment: Some(
            "Calculated with tanji to ISO 14067:2018. biogenicCO2Uptake is the net biogenic CO2 of the product system \
             (uptake less biogenic CO2 released inside the boundary). Carbon contents declared by the data owner."
                .to_owned(),
        ),
        pcf: CarbonFootprint {
            declared_unit_of_measurement: unit.to_owned(),
            declared_unit_amount: declared_amount,
            product_mass_per_declared_unit: mass,
            reference_period_start: rfc3339(period_start),
            reference_period_end: rfc3339(period_end),
            geography_region_or_subregion: None,
            geography_country: geography.country,
            geography_country_subdivision: geography.subdivision,
            boundary_processes_description: Some(format!("Life cycle stages included: {}.", stages.join(", "))),
            pcf_excluding_biogenic_uptake: pcf_excluding,
            pcf_including_biogenic_uptake: pcf_including,
            fossil_carbon_content: content.fossil_kg_c,
            biogenic_carbon_content: content.biogenic_kg_c,
            fossil_ghg_emissions: fossil,
            land_use_change_ghg_emissions: bio_applicable(land_use_change),
            land_management_biogenic_co2_emissions: None,
            land_management_biogenic_co2_removals: None,
            biogenic_co2_uptake: bio_applicable(biogenic_co2),
            biogenic_non_co2_emissions: bio_applicable(biogenic_non_co2),
            technological_co2_removals: None,
            ccs_technological_co2_capture: None,
            ipcc_characterization_factors: vec![ipcc_report(&footprint.gwp_set)],
            cross_sectoral_standards: vec!["ISO14067".to_owned()],
            exempted_emissions_percent: exempted,
            exempted_emissions_description: exempted_description,
            allocation_rules_description: None,
            secondary_emission_factor_sources: (!sources.is_empty()).then_some(sources),
            primary_data_share: Some(primary_share),
            dqi,
            verification: source.verification.as_ref().map(|verification| Verification {
                coverage: Some("product level".to_owned()),
                provider_name: Some(verification.provider_name.clone()),
                completed_at: Some(rfc3339(verification.completed_at)),
                standard_name: None,
                comments: Some(verification.statement.clone()),
            }),
            other: serde_json::Map::new(),
        },
        other: serde_json::Map::new(),
    })
}

/// Seconds-precision RFC 3339 in UTC, as the spec's examples write times.
pub fn rfc3339(time: jiff::Timestamp) -> String {
    time.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A model's first and last day as PACT's start (inclusive) and end (exclusive, the day after the last), at UTC midnight.
fn reference_period(start: &str, end: &str) -> Option<(jiff::Timestamp, jiff::Timestamp)> {
    let start: Date = start.trim().parse().ok()?;
    let last: Date = end.trim().parse().ok()?;
    if last < start {
        return None;
    }
    let end = last.tomorrow().ok()?;
    let at_midnight = |date: Date| date.to_zoned(jiff::tz::TimeZone::UTC).ok().map(|zoned| zoned.timestamp());
    Some((at_midnight(start)?, at_midnight(end)?))
}

#[derive(Default)]
struct Geography {
    country: Option<String>,
    subdivision: Option<String>,
}

impl Geography {
    /// `CN` → country, `CN-ZJ` → subdivision, empty → neither (the footprint states no geography).
    fn parse(value: &str) -> Result<Self, MappingProblem> {
        let value = value.trim();
        let bad = || MappingProblem::BadGeography { value: value.to_owned() };
        let upper_letters = |text: &str| text.len() == 2 && text.bytes().all(|byte| byte.is_ascii_uppercase());
        if value.is_empty() {
            return Ok(Geography::default());
        }
        match value.split_once('-') {
            None if upper_letters(value) => Ok(Geography { country: Some(value.to_owned()), subdivision: None }),
            Some((country, part))
                if upper_letters(country)
                    && (1..=3).contains(&part.len())
                    && part.bytes().all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit()) =>
            {
                Ok(Geography { country: None, subdivision: Some(value.to_owned()) })
            }
            _ => Err(bad()),
        }
    }
}
