//! The mapping from tanji's footprints to v3 ProductFootprints, on the project's worked examples.

use tanji_footprint::{Footprint, compute, read_footprint_file};
use tanji_ghg::bundled::{factor_library, gwp_table};
use tanji_pact::mapping::{CarbonContent, MappingProblem, PactSource, PactStatus, VerificationSource, company_urn};
use tanji_pact::{Decimal, map_footprint};

fn example(text: &str) -> Footprint {
    let file = read_footprint_file(text, factor_library(), gwp_table()).unwrap();
    compute(&file.model, factor_library(), gwp_table()).unwrap()
}

fn cup() -> Footprint {
    example(include_str!("../../../examples/footprint/bamboo-fibre-cup.toml"))
}

fn plate() -> Footprint {
    example(include_str!("../../../examples/footprint/bagasse-plate.toml"))
}

const ORGANISATION: &str = "0190a4c2-7d3e-7b1a-9c2d-3e4f5a6b7c8d";

fn source(footprint: &Footprint) -> PactSource<'_> {
    PactSource {
        id: "0190a4c2-7d3e-7b1a-9c2d-000000000001",
        created: "2026-03-01T08:00:00Z".parse().unwrap(),
        status: PactStatus::Active,
        preceding_ids: Vec::new(),
        company_name: "瑞禾环保餐具有限公司",
        company_ids: vec![company_urn(ORGANISATION)],
        issuer_domain: "tanji.example.com",
        footprint,
        verification: None,
        // Test data, not a published figure: the data owner's declaration is an input of the mapping.
        carbon_content: Some(CarbonContent { fossil_kg_c: Decimal::parse("0.0004").unwrap(), biogenic_kg_c: None }),
    }
}

/// The identity the conformance tool checks: pcfExcludingBiogenicUptake is the sum of its parts, exactly, in the
/// text a partner reads; and pcfIncludingBiogenicUptake adds the uptake and equals tanji's ISO 14067 total.
#[test]
fn pcf_excluding_biogenic_uptake_is_the_sum_of_its_parts() {
    for footprint in [cup(), plate()] {
        let mapped = map_footprint(&source(&footprint)).unwrap();
        let json = serde_json::to_value(&mapped).unwrap();
        let pcf = &json["pcf"];
        let read =
            |name: &str| pcf.get(name).map_or(Decimal::ZERO, |value| Decimal::parse(value.as_str().unwrap()).unwrap());
        let parts: Decimal = [
            "fossilGhgEmissions",
            "landUseChangeGhgEmissions",
            "landManagementBiogenicCO2Emissions",
            "landManagementBiogenicCO2Removals",
            "technologicalCO2Removals",
            "ccsTechnologicalCO2Capture",
            "biogenicNonCO2Emissions",
        ]
        .into_iter()
        .map(read)
        .sum();
        assert_eq!(read("pcfExcludingBiogenicUptake"), parts, "{pcf:#}");
        assert_eq!(read("pcfIncludingBiogenicUptake"), parts + read("biogenicCO2Uptake"), "{pcf:#}");
        assert!(!read("biogenicCO2Uptake").is_positive(), "uptake is ≤ 0: {pcf:#}");
        let total = Decimal::from_f64(footprint.total_kg_co2e).unwrap();
        assert!((read("pcfIncludingBiogenicUptake") - total).to_f64().abs() <= 1e-8, "{pcf:#} vs {total}");
        assert!(read("fossilGhgEmissions").to_f64() > 0.0);
    }
}

/// Every figure tanji has is stated, with its source; what tanji lacks is left out, never filled in.
#[test]
fn the_cup_maps_completely_and_honestly() {
    let footprint = cup();
    let mapped = map_footprint(&source(&footprint)).unwrap();
    let json = serde_json::to_value(&mapped).unwrap();
    assert_eq!(json["specVersion"], "3.0.3");
    assert_eq!(json["status"], "Active");
    assert_eq!(json["companyIds"][0], format!("urn:uuid:{ORGANISATION}"));
    let product_id = json["productIds"][0].as_str().unwrap();
    assert!(product_id.starts_with("urn:pact:tanji.example.com:supplier-id:"), "{product_id}");
    assert!(json.get("productClassifications").is_none(), "tanji records no classification");
    assert!(json.get("precedingPfIds").is_none());
    let pcf = &json["pcf"];
    assert_eq!(pcf["declaredUnitOfMeasurement"], "piece");
    assert_eq!(pcf["geographyCountry"], footprint.product.geography);
    assert!(pcf.get("geographyCountrySubdivision").is_none());
    assert_eq!(pcf["ipccCharacterizationFactors"], serde_json::json!([footprint.gwp_set]));
    assert_eq!(pcf["crossSectoralStandards"], serde_json::json!(["ISO14067"]));
    assert_eq!(pcf["referencePeriodStart"], format!("{}T00:00:00Z", footprint.product.reference_period_start));
    assert!(pcf["referencePeriodEnd"].as_str().unwrap() > pcf["referencePeriodStart"].as_str().unwrap());
    assert_eq!(pcf["fossilCarbonContent"], "0.0004");
    assert!(pcf.get("biogenicCarbonContent").is_none());
    let dqi = &pcf["dqi"];
    for rating in ["technologicalDQR", "geographicalDQR", "temporalDQR"] {
        let value = Decimal::parse(dqi[rating].as_str().unwrap()).unwrap().to_f64();
        assert!((1.0..=5.0).contains(&value), "{rating} {value}");
    }
    let share = Decimal::parse(pcf["primaryDataShare"].as_str().unwrap()).unwrap().to_f64();
    assert!((share - footprint.primary_data_share_percent).abs() < 1e-8);
    assert!(!pcf["secondaryEmissionFactorSources"].as_array().unwrap().is_empty());
    assert!(pcf.get("verification").is_none(), "a self-declared footprint carries no verification");
    for absent in [
        "landManagementBiogenicCO2Emissions",
        "technologicalCO2Removals",
        "ccsTechnologicalCO2Capture",
        "validityPeriodStart",
    ] {
        assert!(pcf.get(absent).is_none() && json.get(absent).is_none(), "{absent} is not invented");
    }
}

#[test]
fn a_verified_republished_footprint_says_so() {
    let footprint = cup();
    let mut source = source(&footprint);
    source.status = PactStatus::Deprecated;
    source.preceding_ids = vec!["0190a4c2-7d3e-7b1a-9c2d-000000000000".to_owned()];
    source.verification = Some(VerificationSource {
        provider_name: "中国质量认证中心 CQC".to_owned(),
        completed_at: "2026-02-20T03:04:05.123456Z".parse().unwrap(),
        statement: "Verified to ISO 14067:2018".to_owned(),
    });
    let json = serde_json::to_value(map_footprint(&source).unwrap()).unwrap();
    assert_eq!(json["status"], "Deprecated");
    assert_eq!(json["precedingPfIds"], serde_json::json!(["0190a4c2-7d3e-7b1a-9c2d-000000000000"]));
    assert_eq!(json["pcf"]["verification"]["coverage"], "product level");
    assert_eq!(json["pcf"]["verification"]["completedAt"], "2026-02-20T03:04:05Z");
}

#[test]
fn what_v3_cannot_state_honestly_is_refused_with_every_reason() {
    let mut footprint = cup();
    footprint.product.declared_unit.unit = "cup-set".to_owned();
    footprint.product.geography = "China".to_owned();
    footprint.product.reference_period_end = "2020-01-01".to_owned();
    let mut source = source(&footprint);
    source.carbon_content = None;
    let problems = map_footprint(&source).unwrap_err();
    assert!(problems.contains(&MappingProblem::UnknownDeclaredUnit { unit: "cup-set".to_owned() }), "{problems:?}");
    assert!(problems.contains(&MappingProblem::FossilCarbonContentNotDeclared), "{problems:?}");
    assert!(problems.contains(&MappingProblem::BadGeography { value: "China".to_owned() }), "{problems:?}");
    assert!(
        problems.iter().any(|problem| matches!(problem, MappingProblem::BadReferencePeriod { .. })),
        "{problems:?}"
    );

    // Biogenic CO2 released beyond the uptake has no v3 property.
    let mut released = cup();
    for gas in &mut released.by_gas {
        if gas.origin == tanji_footprint::Origin::Biogenic {
            gas.kg_co2e = gas.kg_co2e.abs();
        }
    }
    let problems = map_footprint(&self::source(&released)).unwrap_err();
    assert!(
        problems.iter().any(|problem| matches!(problem, MappingProblem::BiogenicCo2NetRelease { .. })),
        "{problems:?}"
    );
}
