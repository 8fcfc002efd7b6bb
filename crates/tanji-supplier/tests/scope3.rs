//! Scope 3 categories 1 and 2 by the four GHG Protocol methods: a small worked example computed by hand, then the
//! same lines run through the inventory engine as ISO 14064-1 category 4.
//!
//! Every factor and footprint value here is a TEST VALUE chosen for easy arithmetic, not a published factor: the
//! ids start with `test-` and the citations say so. No real EEIO factor is bundled with the crate (see
//! docs/suppliers.md).

use jiff::civil::date;
use tanji_ghg::{
    Citation, EmissionFactor, FactorCategory, FactorLibrary, FactorOwner, FactorRef, GwpSet, PublishedCo2e,
};
use tanji_inventory::{
    ConsolidationApproach, FacilityBoundary, Fraction, InventoryInput, LineStatus, Reference, Scope3Category, calculate,
};
use tanji_supplier::scope3::{
    CalculationStep, DataQualityFlag, HybridData, LineProblem, MethodUnavailable, PassedOver, Provenance,
    PurchasedLine, Scope3Method, SecondaryFactor, SupplierFootprint, UpstreamInput,
};
use tanji_units::{Quantity, Unit};

fn unit(symbol: &str) -> Unit {
    Unit::parse(symbol).expect("unit")
}

fn quantity(value: f64, symbol: &str) -> Quantity {
    Quantity::new(value, unit(symbol)).expect("quantity")
}

/// A library factor with a test value, as the adapter would resolve it (kg CO2e per unit under AR5).
fn test_factor(id: &str, kg_co2e_per_unit: f64, symbol: &str, category: FactorCategory) -> EmissionFactor {
    EmissionFactor {
        id: id.to_owned(),
        version: 1,
        name_en: id.to_owned(),
        name_zh: id.to_owned(),
        keywords: Vec::new(),
        category,
        fuel: None,
        unit: unit(symbol),
        gas_rates: Vec::new(),
        published_co2e: Some(PublishedCo2e { kg_per_unit: kg_co2e_per_unit, gwp_set: GwpSet::AR5, by_gas: Vec::new() }),
        biogenic_co2_kg_per_unit: None,
        citation: Citation {
            publisher: "tanji tests".into(),
            document: "TEST VALUE — not a published factor".into(),
            edition: String::new(),
            table: String::new(),
            url: String::new(),
            licence: "test".into(),
            verification: "secondary: test value".into(),
        },
        year: 2025,
        region: "GLOBAL".into(),
        notes: "test value".into(),
        owner: FactorOwner::Bundled,
    }
}

fn secondary(factor: &EmissionFactor) -> SecondaryFactor {
    SecondaryFactor {
        factor: FactorRef { id: factor.id.clone(), version: factor.version },
        kg_co2e_per_unit: factor.published_co2e.as_ref().expect("co2e").kg_per_unit,
        unit: factor.unit.clone(),
    }
}

fn line(id: &str, category: u8, supplier: &str, description: &str) -> PurchasedLine {
    PurchasedLine {
        id: id.into(),
        category: Scope3Category::new(category).expect("category"),
        supplier: supplier.into(),
        description: description.into(),
        facility: "hq".into(),
        period_start: date(2025, 1, 1),
        period_end: date(2025, 12, 31),
        quantity: None,
        spend: None,
        supplier_footprint: None,
        hybrid: None,
        average_factor: None,
        spend_factor: None,
    }
}

struct Example {
    lines: Vec<PurchasedLine>,
    library: FactorLibrary,
}

fn example() -> Example {
    let pulp = test_factor("test-bagasse-pulp-cradle-to-gate", 0.4, "kg", FactorCategory::Material);
    let bamboo = test_factor("test-bamboo-chopsticks-cradle-to-gate", 1.2, "kg", FactorCategory::Material);
    let services_usd = test_factor("test-eeio-office-services-usd", 0.15, "USD", FactorCategory::Spend);
    let machinery_cny = test_factor("test-eeio-machinery-cny", 0.5, "CNY", FactorCategory::Spend);

    // L1 supplier-specific: 200,000 cups × 0.012 kg CO2e/cup (瑞禾's verified PCF) = 2,400 kg.
    let mut cups = line("L1", 1, "ruihe", "paper cups");
    cups.quantity = Some(quantity(200_000.0, "件"));
    cups.spend = Some(quantity(60_000.0, "CNY"));
    cups.supplier_footprint = Some(SupplierFootprint {
        pcf_id: "pcf-cup-2025".into(),
        kg_co2e_per_unit: 0.012,
        unit: unit("unit"),
        gwp_set: GwpSet::AR5,
        verified: true,
        uncertainty_percent: Some(8.0),
    });
    cups.average_factor = Some(secondary(&pulp));

    // L2 hybrid: the plate maker's scope 1+2 allocated to these 5 t = 1,500 kg, plus 5,500 kg of bagasse pulp
    // × 0.4 = 2,200 kg → 3,700 kg, i.e. 740 kg CO2e per t of plates.
    let mut plates = line("L2", 1, "plate-maker", "sugarcane plates");
    plates.quantity = Some(quantity(5.0, "t"));
    plates.hybrid = Some(HybridData {
        answer_id: "campaign-7/plate-maker/allocation".into(),
        allocated_scope12_kg_co2e: 1_500.0,
        gwp_set: GwpSet::AR5,
        inputs: vec![UpstreamInput {
            description: "bagasse pulp".into(),
            quantity: quantity(5.5, "t"),
            factor: secondary(&pulp),
        }],
        verified: false,
    });

    // L3 average-data: 2 t of chopsticks = 2,000 kg × 1.2 = 2,400 kg (the supplier gave nothing).
    let mut chopsticks = line("L3", 1, "bamboo-works", "bamboo chopsticks");
    chopsticks.quantity = Some(quantity(2.0, "t"));
    chopsticks.spend = Some(quantity(9_000.0, "CNY"));
    chopsticks.average_factor = Some(secondary(&bamboo));
    chopsticks.spend_factor = Some(secondary(&machinery_cny));

    // L4 spend-based: 10,000 USD of office services × 0.15 = 1,500 kg.
    let mut services = line("L4", 1, "office-services", "office services");
    services.spend = Some(quantity(10_000.0, "USD"));
    services.spend_factor = Some(secondary(&services_usd));

    // L5 category 2, spend-based: the conveyor's footprint is per kWh (cannot apply to pieces) → passed over;
    // 50,000 CNY × 0.5 = 25,000 kg.
    let mut conveyor = line("L5", 2, "conveyor-maker", "conveyor");
    conveyor.quantity = Some(quantity(1.0, "unit"));
    conveyor.spend = Some(quantity(50_000.0, "CNY"));
    conveyor.supplier_footprint = Some(SupplierFootprint {
        pcf_id: "pcf-conveyor".into(),
        kg_co2e_per_unit: 3.0,
        unit: unit("kWh"),
        gwp_set: GwpSet::AR5,
        verified: false,
        uncertainty_percent: None,
    });
    conveyor.spend_factor = Some(secondary(&machinery_cny));

    // L6 has no data at all; L7 is category 4 (transport), not calculated here.
    let nothing = line("L6", 1, "unknown", "samples");
    let transport = line("L7", 4, "carrier", "freight");

    let mut library = FactorLibrary::new();
    for factor in [pulp, bamboo, services_usd, machinery_cny] {
        library.add(factor).expect("added");
    }
    Example { lines: vec![cups, plates, chopsticks, services, conveyor, nothing, transport], library }
}

fn close(got: f64, expect: f64) {
    assert!((got - expect).abs() < 1e-6, "got {got}, expected {expect}");
}

#[test]
fn four_methods_by_hand() {
    let example = example();
    let result = tanji_supplier::scope3::calculate(&example.lines, "retailer");
    let by_id = |id: &str| result.lines.iter().find(|line| line.line_id == id).expect("line");

    let cups = by_id("L1");
    assert_eq!((cups.method, cups.quality), (Scope3Method::SupplierSpecific, DataQualityFlag::PrimaryVerified));
    close(cups.kg_co2e, 2_400.0);
    assert_eq!(
        cups.provenance,
        vec![Provenance::SupplierFootprint { supplier: "ruihe".into(), pcf_id: "pcf-cup-2025".into(), verified: true }]
    );
    assert_eq!(cups.record.evidence, vec!["pcf:pcf-cup-2025".to_owned()]);
    assert_eq!(cups.record.scope3_method.as_deref(), Some("supplier_specific"));
    assert!(cups.passed_over.is_empty(), "the first method applied");

    let plates = by_id("L2");
    assert_eq!((plates.method, plates.quality), (Scope3Method::Hybrid, DataQualityFlag::Mixed));
    close(plates.kg_co2e, 3_700.0);
    let derived = plates.derived_factor.as_ref().expect("derived factor");
    close(derived.published_co2e.as_ref().expect("co2e").kg_per_unit, 740.0);
    assert_eq!(derived.owner, FactorOwner::Organisation("retailer".into()));
    assert!(
        matches!(plates.steps[1], CalculationStep::Product { amount, kg_co2e, .. } if (amount - 5_500.0).abs() < 1e-9 && (kg_co2e - 2_200.0).abs() < 1e-9)
    );
    assert_eq!(
        plates.passed_over,
        vec![PassedOver { method: Scope3Method::SupplierSpecific, reason: MethodUnavailable::NoData }]
    );

    let chopsticks = by_id("L3");
    assert_eq!((chopsticks.method, chopsticks.quality), (Scope3Method::AverageData, DataQualityFlag::Secondary));
    close(chopsticks.kg_co2e, 2_400.0);
    assert!(chopsticks.derived_factor.is_none(), "the inventory uses the library factor itself");

    let services = by_id("L4");
    assert_eq!((services.method, services.quality), (Scope3Method::SpendBased, DataQualityFlag::SpendEstimate));
    close(services.kg_co2e, 1_500.0);
    assert_eq!(services.passed_over.len(), 3);

    let conveyor = by_id("L5");
    assert_eq!(conveyor.method, Scope3Method::SpendBased);
    close(conveyor.kg_co2e, 25_000.0);
    assert_eq!(
        conveyor.passed_over[0],
        PassedOver {
            method: Scope3Method::SupplierSpecific,
            reason: MethodUnavailable::UnitMismatch { from: "unit".into(), to: "kWh".into() }
        }
    );

    close(result.total_kg_co2e(), 35_000.0);
    // Hybrid data without the supplier's inputs is passed over: its scope 1 + 2 alone leaves out the upstream.
    let mut partial = example.lines[1].clone();
    partial.hybrid.as_mut().expect("hybrid").inputs.clear();
    let partial_result = tanji_supplier::scope3::calculate(&[partial], "retailer");
    assert!(matches!(&partial_result.problems[0], LineProblem::NoMethod { reasons, .. }
        if reasons[1] == PassedOver { method: Scope3Method::Hybrid, reason: MethodUnavailable::NoUpstreamInputs }));
    assert_eq!(result.problems.len(), 2);
    assert!(
        matches!(&result.problems[0], LineProblem::NoMethod { line_id, reasons } if line_id == "L6" && reasons.len() == 4)
    );
    assert_eq!(result.problems[1], LineProblem::NotCategory1Or2 { line_id: "L7".into(), category: 4 });
}

#[test]
fn the_lines_enter_the_inventory_as_iso_category_4() {
    // The inventory engine recomputes every line from its record and factor: category 1 = 2,400 + 3,700 + 2,400
    // + 1,500 = 10,000 kg, category 2 = 25,000 kg; all ISO 14064-1 category 4.
    let mut example = example();
    let result = tanji_supplier::scope3::calculate(&example.lines, "retailer");
    for line in &result.lines {
        if let Some(factor) = &line.derived_factor {
            example.library.add(factor.clone()).expect("derived factor added");
        }
    }
    let input = InventoryInput {
        organisation: "retailer".into(),
        period_start: date(2025, 1, 1),
        period_end: date(2025, 12, 31),
        gwp_set: GwpSet::AR5,
        consolidation: ConsolidationApproach::OperationalControl,
        facilities: vec![FacilityBoundary {
            key: "hq".into(),
            name: "HQ".into(),
            equity_share: Fraction::ONE,
            financial_control: true,
            operational_control: true,
        }],
        records: result.lines.iter().map(|line| line.record.clone()).collect(),
    };
    let reference = Reference {
        factors: &example.library,
        fuel_parameters: tanji_ghg::bundled::fuel_parameters(),
        gwp: tanji_ghg::bundled::gwp_table(),
    };
    let inventory = calculate(&input, reference);
    assert!(inventory.lines.iter().all(|line| line.status == LineStatus::Counted), "{:?}", inventory.diagnostics);
    close(inventory.totals.scope3_kg, 35_000.0);
    close(inventory.totals.by_iso_category[&4], 35_000.0);
    close(inventory.totals.by_scope3_category[&1], 10_000.0);
    close(inventory.totals.by_scope3_category[&2], 25_000.0);
}
