//! The brand's scope 3 categories 1 (purchased goods and services) and 2 (capital goods) by the four methods of the
//! GHG Protocol's *Technical Guidance for Calculating Scope 3 Emissions* (v1.0, 2013, chapter 1):
//!
//! - **supplier-specific**: the supplier's cradle-to-gate product footprint × quantity bought;
//! - **hybrid**: the supplier's scope 1 + 2 allocated to the brand (CDP SC1.1, see `allocation`) + the upstream of
//!   the materials it used for the brand's order (quantity × cradle-to-gate secondary factor);
//! - **average-data**: quantity bought × a cradle-to-gate secondary factor (per kg, per piece);
//! - **spend-based**: spend × an environmentally-extended input-output (EEIO) factor per currency unit.
//!
//! Factor precedence per line is that order (the guidance ranks supplier-specific data as the most specific): the
//! first method whose inputs are present and consistent is used, and every method passed over is kept with the
//! reason, so a reader sees why a line is spend-based. Each line carries a data-quality flag and its provenance
//! (the supplier's PCF id or questionnaire answer, or the factor id@version).
//!
//! Each line becomes a `tanji_inventory::ActivityRecord` with source scope 3 category 1 or 2, which the inventory
//! reports under ISO 14064-1:2018 category 4 (indirect emissions from products used by the organisation).
//! Average-data and spend-based lines name their library factor, so the inventory engine computes them itself;
//! supplier-specific and hybrid lines name a derived factor (`derived_factor`, owned by the brand, its citation the
//! supplier's PCF or answer) that the adapter adds to the brand's own factors first.
//!
//! Secondary factors come in already expressed as kg CO2e per unit under the brand's GWP set: the adapter resolves
//! them from the factor library, where every value is cited. This module never holds a factor value of its own.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tanji_ghg::{Citation, EmissionFactor, FactorCategory, FactorOwner, FactorRef, GwpSet, PublishedCo2e};
use tanji_inventory::{
    ActivityRecord, DataSourceKind, EmissionSource, FactorChoice, IsoCategory, Method, Scope3Category,
};
use tanji_units::{Quantity, Unit};

/// One purchase line (or the year's purchases of one item from one supplier) with whatever data exist for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PurchasedLine {
    pub id: String,
    /// 1 or 2.
    pub category: Scope3Category,
    pub supplier: String,
    pub description: String,
    /// The brand's facility (boundary key) the purchase is booked under.
    pub facility: String,
    pub period_start: Date,
    pub period_end: Date,
    /// Physical quantity bought (kg, t, pieces).
    pub quantity: Option<Quantity>,
    /// Money spent (CNY, USD …).
    pub spend: Option<Quantity>,
    pub supplier_footprint: Option<SupplierFootprint>,
    pub hybrid: Option<HybridData>,
    pub average_factor: Option<SecondaryFactor>,
    pub spend_factor: Option<SecondaryFactor>,
}

/// A supplier's cradle-to-gate product footprint (ISO 14067 / PACT), per declared unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupplierFootprint {
    /// The footprint's id where it is stored (a tanji footprint, a PACT product footprint id).
    pub pcf_id: String,
    pub kg_co2e_per_unit: f64,
    pub unit: Unit,
    pub gwp_set: GwpSet,
    /// Verified by an independent body.
    pub verified: bool,
    pub uncertainty_percent: Option<f64>,
}

/// The supplier's data for the hybrid method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HybridData {
    /// The questionnaire answer (or allocation table) the scope 1 + 2 figure comes from.
    pub answer_id: String,
    /// The supplier's scope 1 + 2 allocated to this purchase, kg CO2e.
    pub allocated_scope12_kg_co2e: f64,
    pub gwp_set: GwpSet,
    /// Materials the supplier used for this purchase, each with a secondary cradle-to-gate factor.
    pub inputs: Vec<UpstreamInput>,
    /// The supplier's inventory behind the figure was verified by an independent body.
    pub verified: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpstreamInput {
    pub description: String,
    pub quantity: Quantity,
    pub factor: SecondaryFactor,
}

/// A library factor resolved to kg CO2e per unit under the brand's GWP set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecondaryFactor {
    pub factor: FactorRef,
    pub kg_co2e_per_unit: f64,
    pub unit: Unit,
}

/// The four methods, in precedence order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope3Method {
    SupplierSpecific,
    Hybrid,
    AverageData,
    SpendBased,
}

impl Scope3Method {
    pub const PRECEDENCE: [Scope3Method; 4] =
        [Scope3Method::SupplierSpecific, Scope3Method::Hybrid, Scope3Method::AverageData, Scope3Method::SpendBased];

    /// The text `ActivityRecord::scope3_method` holds.
    pub fn key(self) -> &'static str {
        match self {
            Scope3Method::SupplierSpecific => "supplier_specific",
            Scope3Method::Hybrid => "hybrid",
            Scope3Method::AverageData => "average_data",
            Scope3Method::SpendBased => "spend_based",
        }
    }
}

/// How good a line's data are, from the method and whether the supplier's data were verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataQualityFlag {
    /// Supplier-specific, independently verified.
    PrimaryVerified,
    /// Supplier-specific, not verified.
    Primary,
    /// Hybrid: the supplier's own scope 1 + 2, secondary data upstream.
    Mixed,
    /// Average data: secondary factors on physical quantities.
    Secondary,
    /// Spend-based: an economic estimate, the least specific.
    SpendEstimate,
}

/// Where a line's figure comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Provenance {
    SupplierFootprint { supplier: String, pcf_id: String, verified: bool },
    SupplierAnswer { supplier: String, answer_id: String, verified: bool },
    LibraryFactor { factor: FactorRef },
}

impl Provenance {
    /// The reference kept in the record's evidence list.
    pub fn evidence_reference(&self) -> String {
        match self {
            Provenance::SupplierFootprint { pcf_id, .. } => format!("pcf:{pcf_id}"),
            Provenance::SupplierAnswer { answer_id, .. } => format!("supplier-answer:{answer_id}"),
            Provenance::LibraryFactor { factor } => format!("factor:{factor}"),
        }
    }
}

/// Why a method could not be used for a line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code, so a new one without its texts does not compile.
pub enum MethodUnavailable {
    /// The supplier gave no footprint / no hybrid data, or no factor was chosen.
    NoData,
    /// The line has no physical quantity.
    NoQuantity,
    /// The line has no spend.
    NoSpend,
    /// The data's unit cannot be converted to the line's.
    UnitMismatch { from: String, to: String },
    /// A figure is negative or not finite.
    InvalidValue { value: f64 },
    /// Hybrid data without the supplier's inputs: its scope 1 + 2 alone would leave out everything upstream of it
    /// (the guidance's hybrid method adds the inputs' cradle-to-gate emissions).
    NoUpstreamInputs,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PassedOver {
    pub method: Scope3Method,
    pub reason: MethodUnavailable,
}

/// One step of a line's arithmetic, as values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum CalculationStep {
    /// amount (in the factor's unit) × kg CO2e per unit = kg CO2e.
    Product { what: String, amount: f64, unit: String, kg_co2e_per_unit: f64, kg_co2e: f64 },
    /// The supplier's allocated scope 1 + 2.
    SupplierScope12 { kg_co2e: f64 },
}

/// One line of category 1 or 2, ready for the inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scope3Line {
    pub line_id: String,
    pub supplier: String,
    pub category: Scope3Category,
    pub method: Scope3Method,
    pub kg_co2e: f64,
    pub quality: DataQualityFlag,
    pub provenance: Vec<Provenance>,
    pub steps: Vec<CalculationStep>,
    pub passed_over: Vec<PassedOver>,
    pub record: ActivityRecord,
    /// The brand-owned factor the record names, for supplier-specific and hybrid lines. Lines that use one PCF
    /// share its factor id (`supplier-pcf:{pcf_id}`), so the adapter adds each derived factor once.
    pub derived_factor: Option<EmissionFactor>,
}

/// Why a line got no result at all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code, so a new one without its texts does not compile.
pub enum LineProblem {
    /// Only categories 1 and 2 are calculated here.
    NotCategory1Or2 { line_id: String, category: u8 },
    /// No method could be used; each method's reason is kept.
    NoMethod { line_id: String, reasons: Vec<PassedOver> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scope3Result {
    pub lines: Vec<Scope3Line>,
    pub problems: Vec<LineProblem>,
}

impl Scope3Result {
    pub fn total_kg_co2e(&self) -> f64 {
        self.lines.iter().map(|line| line.kg_co2e).sum()
    }
}

/// Calculates every line; `brand` owns the derived factors.
pub fn calculate(lines: &[PurchasedLine], brand: &str) -> Scope3Result {
    let mut result = Scope3Result { lines: Vec::new(), problems: Vec::new() };
    for line in lines {
        if !matches!(line.category.number(), 1 | 2) {
            result
                .problems
                .push(LineProblem::NotCategory1Or2 { line_id: line.id.clone(), category: line.category.number() });
            continue;
        }
        let mut passed_over = Vec::new();
        let mut done = None;
        for method in Scope3Method::PRECEDENCE {
            match try_method(line, method, brand) {
                Ok(calculated) => {
                    done = Some(calculated);
                    break;
                }
                Err(reason) => passed_over.push(PassedOver { method, reason }),
            }
        }
        match done {
            Some(mut calculated) => {
                calculated.passed_over = passed_over;
                result.lines.push(calculated);
            }
            None => result.problems.push(LineProblem::NoMethod { line_id: line.id.clone(), reasons: passed_over }),
        }
    }
    result
}

fn try_method(line: &PurchasedLine, method: Scope3Method, brand: &str) -> Result<Scope3Line, MethodUnavailable> {
    match method {
        Scope3Method::SupplierSpecific => {
            let footprint = line.supplier_footprint.as_ref().ok_or(MethodUnavailable::NoData)?;
            let quantity = line.quantity.as_ref().ok_or(MethodUnavailable::NoQuantity)?;
            check_value(footprint.kg_co2e_per_unit)?;
            let amount = convert(quantity, &footprint.unit)?;
            let kg_co2e = amount * footprint.kg_co2e_per_unit;
            let provenance = Provenance::SupplierFootprint {
                supplier: line.supplier.clone(),
                pcf_id: footprint.pcf_id.clone(),
                verified: footprint.verified,
            };
            let factor = derived_factor(
                format!("supplier-pcf:{}", footprint.pcf_id),
                line,
                brand,
                footprint.unit.clone(),
                footprint.kg_co2e_per_unit,
                footprint.gwp_set,
                format!("product carbon footprint {}", footprint.pcf_id),
                footprint.verified,
            );
            let quality = if footprint.verified { DataQualityFlag::PrimaryVerified } else { DataQualityFlag::Primary };
            let steps = vec![CalculationStep::Product {
                what: line.description.clone(),
                amount,
                unit: footprint.unit.symbol().to_owned(),
                kg_co2e_per_unit: footprint.kg_co2e_per_unit,
                kg_co2e,
            }];
            let record = record(
                line,
                method,
                quantity.clone(),
                &factor_ref(&factor),
                &provenance,
                footprint.uncertainty_percent,
            );
            Ok(finish(line, method, kg_co2e, quality, vec![provenance], steps, record, Some(factor)))
        }
        Scope3Method::Hybrid => {
            let hybrid = line.hybrid.as_ref().ok_or(MethodUnavailable::NoData)?;
            check_value(hybrid.allocated_scope12_kg_co2e)?;
            if hybrid.inputs.is_empty() {
                return Err(MethodUnavailable::NoUpstreamInputs);
            }
            // The record needs an activity amount; the physical quantity is preferred, the spend will do.
            let activity = line.quantity.as_ref().or(line.spend.as_ref()).ok_or(MethodUnavailable::NoQuantity)?;
            if !(activity.value.is_finite() && activity.value > 0.0) {
                return Err(MethodUnavailable::InvalidValue { value: activity.value });
            }
            let mut steps = vec![CalculationStep::SupplierScope12 { kg_co2e: hybrid.allocated_scope12_kg_co2e }];
            let mut provenance = vec![Provenance::SupplierAnswer {
                supplier: line.supplier.clone(),
                answer_id: hybrid.answer_id.clone(),
                verified: hybrid.verified,
            }];
            let mut kg_co2e = hybrid.allocated_scope12_kg_co2e;
            for input in &hybrid.inputs {
                check_value(input.factor.kg_co2e_per_unit)?;
                let amount = convert(&input.quantity, &input.factor.unit)?;
                let input_kg = amount * input.factor.kg_co2e_per_unit;
                kg_co2e += input_kg;
                steps.push(CalculationStep::Product {
                    what: input.description.clone(),
                    amount,
                    unit: input.factor.unit.symbol().to_owned(),
                    kg_co2e_per_unit: input.factor.kg_co2e_per_unit,
                    kg_co2e: input_kg,
                });
                provenance.push(Provenance::LibraryFactor { factor: input.factor.factor.clone() });
            }
            let per_unit = kg_co2e / activity.value;
            let factor = derived_factor(
                format!("supplier-hybrid:{}", line.id),
                line,
                brand,
                activity.unit.clone(),
                per_unit,
                hybrid.gwp_set,
                format!("questionnaire answer {} (hybrid method)", hybrid.answer_id),
                hybrid.verified,
            );
            let record = record(line, method, activity.clone(), &factor_ref(&factor), &provenance[0], None);
            Ok(finish(line, method, kg_co2e, DataQualityFlag::Mixed, provenance, steps, record, Some(factor)))
        }
        Scope3Method::AverageData | Scope3Method::SpendBased => {
            let (activity, factor, missing) = if method == Scope3Method::AverageData {
                (line.quantity.as_ref(), line.average_factor.as_ref(), MethodUnavailable::NoQuantity)
            } else {
                (line.spend.as_ref(), line.spend_factor.as_ref(), MethodUnavailable::NoSpend)
            };
            let factor = factor.ok_or(MethodUnavailable::NoData)?;
            let activity = activity.ok_or(missing)?;
            check_value(factor.kg_co2e_per_unit)?;
            let amount = convert(activity, &factor.unit)?;
            let kg_co2e = amount * factor.kg_co2e_per_unit;
            let provenance = Provenance::LibraryFactor { factor: factor.factor.clone() };
            let quality = if method == Scope3Method::AverageData {
                DataQualityFlag::Secondary
            } else {
                DataQualityFlag::SpendEstimate
            };
            let steps = vec![CalculationStep::Product {
                what: line.description.clone(),
                amount,
                unit: factor.unit.symbol().to_owned(),
                kg_co2e_per_unit: factor.kg_co2e_per_unit,
                kg_co2e,
            }];
            let record = record(line, method, activity.clone(), &factor.factor, &provenance, None);
            Ok(finish(line, method, kg_co2e, quality, vec![provenance], steps, record, None))
        }
    }
}

fn check_value(value: f64) -> Result<(), MethodUnavailable> {
    if value.is_finite() && value >= 0.0 { Ok(()) } else { Err(MethodUnavailable::InvalidValue { value }) }
}

fn convert(quantity: &Quantity, target: &Unit) -> Result<f64, MethodUnavailable> {
    check_value(quantity.value)?;
    quantity.value_in(target).map_err(|_| MethodUnavailable::UnitMismatch {
        from: quantity.unit.symbol().to_owned(),
        to: target.symbol().to_owned(),
    })
}

#[allow(clippy::too_many_arguments)] // One call per method; a struct would only rename the arguments.
fn finish(
    line: &PurchasedLine,
    method: Scope3Method,
    kg_co2e: f64,
    quality: DataQualityFlag,
    provenance: Vec<Provenance>,
    steps: Vec<CalculationStep>,
    record: ActivityRecord,
    derived_factor: Option<EmissionFactor>,
) -> Scope3Line {
    Scope3Line {
        line_id: line.id.clone(),
        supplier: line.supplier.clone(),
        category: line.category,
        method,
        kg_co2e,
        quality,
        provenance,
        steps,
        passed_over: Vec::new(),
        record,
        derived_factor,
    }
}

fn factor_ref(factor: &EmissionFactor) -> FactorRef {
    FactorRef { id: factor.id.clone(), version: factor.version }
}

fn record(
    line: &PurchasedLine,
    method: Scope3Method,
    quantity: Quantity,
    factor: &FactorRef,
    provenance: &Provenance,
    uncertainty_percent: Option<f64>,
) -> ActivityRecord {
    ActivityRecord {
        id: format!("scope3:{}", line.id),
        facility: line.facility.clone(),
        period_start: line.period_start,
        period_end: line.period_end,
        source: EmissionSource::Scope3(line.category),
        emission_point: line.supplier.clone(),
        activity: line.description.clone(),
        quantity,
        // Purchase quantities and spend come from the brand's procurement and finance records.
        data_source: DataSourceKind::Finance,
        method: Method::Factor { factor: FactorChoice { id: factor.id.clone(), version: Some(factor.version) } },
        quality: None,
        uncertainty_percent,
        scope3_method: Some(method.key().to_owned()),
        iso_category_override: Some(IsoCategory::ProductsUsed),
        evidence: vec![provenance.evidence_reference()],
        notes: String::new(),
    }
}

#[allow(clippy::too_many_arguments)] // The factor's fields; called from two methods.
fn derived_factor(
    id: String,
    line: &PurchasedLine,
    brand: &str,
    unit: Unit,
    kg_co2e_per_unit: f64,
    gwp_set: GwpSet,
    document: String,
    verified: bool,
) -> EmissionFactor {
    let verification = if verified {
        "primary: the supplier's own figure, verified by an independent body".to_owned()
    } else {
        "primary: the supplier's own figure, not independently verified".to_owned()
    };
    EmissionFactor {
        id,
        version: 1,
        name_en: line.description.clone(),
        name_zh: line.description.clone(),
        keywords: vec![line.supplier.clone()],
        category: if line.category.number() == 2 { FactorCategory::Other } else { FactorCategory::Material },
        fuel: None,
        unit,
        gas_rates: Vec::new(),
        published_co2e: Some(PublishedCo2e { kg_per_unit: kg_co2e_per_unit, gwp_set, by_gas: Vec::new() }),
        biogenic_co2_kg_per_unit: None,
        citation: Citation {
            publisher: line.supplier.clone(),
            document,
            edition: String::new(),
            table: String::new(),
            url: String::new(),
            licence: "supplier data shared with the customer".to_owned(),
            verification,
        },
        year: line.period_end.year().into(),
        region: "GLOBAL".to_owned(),
        notes: format!("scope 3 line {}", line.id),
        owner: FactorOwner::Organisation(brand.to_owned()),
    }
}
