//! Golden tests: published worked examples reproduced from the bundled data, each citing its source.

use tanji_ghg::bundled::{factor_library, gwp_table};
use tanji_ghg::{FactorQuery, Gas, GwpSet};

fn factor_co2(id: &str) -> f64 {
    factor_library().latest(id).unwrap_or_else(|| panic!("{id} is bundled")).rate_of(Gas::CO2).unwrap()
}

fn factor_rate(id: &str, gas: &str) -> f64 {
    factor_library().latest(id).unwrap_or_else(|| panic!("{id} is bundled")).rate_of(gas).unwrap()
}

/// US EPA, "Emission Factors for Greenhouse Gas Inventories" (GHG Emission Factors Hub), Table 1, stationary
/// combustion: heat content (mmBtu per physical unit) × factor per mmBtu = the published factor per physical unit,
/// at the precision printed in the table. Heat contents as printed in Table 1 (2024 and 2025 editions agree).
#[test]
fn epa_hub_table_1_per_unit_factors_follow_from_heat_content() {
    // (fuel id stem, heat content mmBtu/unit, physical unit suffix, decimals printed for CO2 kg/unit)
    for (stem, heat_content, unit_suffix, co2_decimals) in [
        ("natural-gas", 0.001026, "scf", 5),
        ("anthracite", 25.09, "short-ton", 0),
        ("bituminous", 24.93, "short-ton", 0),
    ] {
        let per_mmbtu = factor_co2(&format!("epa-hub-2025-{stem}-mmbtu"));
        let per_unit = factor_co2(&format!("epa-hub-2025-{stem}-{unit_suffix}"));
        let computed = heat_content * per_mmbtu;
        assert_eq!(format!("{computed:.co2_decimals$}"), format!("{per_unit:.co2_decimals$}"), "{stem}");
    }
    // The check quoted in REFERENCES.md §3: 0.001026 mmBtu/scf × 53.06 kg CO2/mmBtu = 0.05444 kg CO2/scf.
    assert_eq!(factor_co2("epa-hub-2025-natural-gas-mmbtu"), 53.06);
    assert_eq!(format!("{:.5}", 0.001026 * 53.06), "0.05444");
    // Anthracite CH4: 25.09 × 11 g = 275.99 g → printed 276 g/short ton.
    let ch4_per_ton_g = 25.09 * factor_rate("epa-hub-2025-anthracite-mmbtu", Gas::CH4) * 1000.0;
    assert_eq!(format!("{ch4_per_ton_g:.0}"), "276");
}

#[test]
fn every_bundled_factor_has_a_citation_year_region_and_licence() {
    let library = factor_library();
    assert!(library.len() > 100, "only {} factors bundled", library.len());
    for factor in library.iter() {
        assert!(!factor.citation.publisher.is_empty(), "{}", factor.id);
        assert!(!factor.citation.document.is_empty(), "{}", factor.id);
        assert!(!factor.citation.licence.is_empty(), "{}", factor.id);
        assert!(
            factor.citation.verification.starts_with("primary")
                || factor.citation.verification.starts_with("secondary"),
            "{}: verification must say primary or secondary",
            factor.id
        );
        assert!((1990..=2030).contains(&factor.year), "{}", factor.id);
        assert!(!factor.region.is_empty(), "{}", factor.id);
    }
}

#[test]
fn every_data_file_is_listed_for_bundling() {
    let directory = concat!(env!("CARGO_MANIFEST_DIR"), "/data/factors");
    for entry in std::fs::read_dir(directory).unwrap() {
        let name = format!("factors/{}", entry.unwrap().file_name().to_string_lossy());
        assert!(
            tanji_ghg::bundled::FACTOR_FILES.iter().any(|(listed, _)| *listed == name),
            "{name} is not listed in bundled::FACTOR_FILES"
        );
    }
}

#[test]
fn search_finds_chinese_and_english_keywords_with_filters() {
    let library = factor_library();
    let grid =
        library.search(&FactorQuery { text: "电网".into(), region: Some("CN".into()), ..FactorQuery::default() });
    assert!(!grid.is_empty());
    assert!(grid.iter().all(|factor| factor.region == "CN" || factor.region.starts_with("CN-")));
    let east = library.search(&FactorQuery {
        text: "grid".into(),
        region: Some("CN-GRID-EAST".into()),
        year: Some(2022),
        ..FactorQuery::default()
    });
    assert_eq!(east.len(), 1);
    assert_eq!(east[0].rate_of(Gas::CO2), Some(561.7));
    let gas = library.search(&FactorQuery {
        text: "natural gas".into(),
        source: Some("EPA".into()),
        ..FactorQuery::default()
    });
    assert!(gas.iter().any(|factor| factor.id == "epa-hub-2025-natural-gas-scf"));
    let chinese = library.search(&FactorQuery { text: "天然气".into(), ..FactorQuery::default() });
    assert!(chinese.iter().any(|factor| factor.id == "epa-hub-2025-natural-gas-scf"));
}

#[test]
fn gwp_table_has_the_sets_of_references_section_1() {
    let table = gwp_table();
    // REFERENCES.md §1, read from the CC0 globalwarmingpotentials table.
    for (gas, expect) in [
        ("CH4", [21.0, 25.0, 28.0, 27.9]),
        ("N2O", [310.0, 298.0, 265.0, 273.0]),
        ("SF6", [23900.0, 22800.0, 23500.0, 25200.0]),
        ("HFC-134a", [1300.0, 1430.0, 1300.0, 1530.0]),
        ("HFC-32", [650.0, 675.0, 677.0, 771.0]),
        ("CF4", [6500.0, 7390.0, 6630.0, 7380.0]),
    ] {
        for (set, value) in GwpSet::ALL.into_iter().zip(expect) {
            assert_eq!(table.gwp(&Gas::parse(gas), set).unwrap(), value, "{gas} {set}");
        }
    }
    assert_eq!(table.gwp(&Gas::parse("NF3"), GwpSet::AR5).unwrap(), 16100.0);
    assert!(table.gwp(&Gas::parse("NF3"), GwpSet::SAR).is_err());
    assert_eq!(table.gwp(&Gas::parse("CO2"), GwpSet::AR6).unwrap(), 1.0);
}

/// Refrigerant blend GWPs computed from ASHRAE Standard 34 mass compositions and AR4 GWPs match the published
/// blend GWPs (as tabulated in the EPA Center for Corporate Climate Leadership calculator data, read from the
/// `atomic6ghg` 1.1.1 package, `refrigerants_gwp_factors.json`; secondary, see data/sources/refrigerants.md).
/// HCFC components count 0 in those tables (not Kyoto gases); here they are reported as memo items, so the
/// comparison sums HFC/PFC components only.
#[test]
fn refrigerant_blend_gwps_match_published_values() {
    let table = gwp_table();
    for (blend, published) in [("R-404A", 3922.0), ("R-407C", 1774.0), ("R-410A", 2088.0)] {
        let computed = table.refrigerant_gwp(blend, GwpSet::AR4).unwrap();
        let kyoto: f64 = computed
            .components
            .iter()
            .filter(|(gas, _, _)| gas.group().is_in_scope_totals())
            .map(|(_, fraction, gwp)| fraction * gwp)
            .sum();
        // Published values are rounded half-up to whole numbers (R-410A: 2087.5 → 2088).
        assert_eq!((kyoto + 0.5).floor(), published, "{blend}: {kyoto}");
    }
    // R-410A = 50 % HFC-32 + 50 % HFC-125 (REFERENCES.md §1), under AR5: 0.5 × 677 + 0.5 × 3170.
    assert_eq!(table.refrigerant_gwp("R410A", GwpSet::AR5).unwrap().gwp, 0.5 * 677.0 + 0.5 * 3170.0);
}

/// IPCC 2006 Guidelines Vol. 2 Ch. 1: the default CO2 factor equals carbon content × 44/12 (Table 1.3 → 1.4);
/// for anthracite 26.8 kg C/GJ × 44/12 = 98.3 t CO2/TJ, the 98 300 kg/TJ of Table 2.3.
#[test]
fn ipcc_carbon_content_reproduces_the_default_co2_factor() {
    let anthracite = tanji_ghg::bundled::fuel_parameters()
        .iter()
        .find(|fuel| fuel.id.contains("anthracite") && fuel.id.starts_with("ipcc"))
        .unwrap();
    let carbon = anthracite.carbon_content_t_c_per_gj.unwrap();
    let co2_kg_per_tj = carbon * tanji_ghg::CO2_PER_C * 1.0e6;
    let factor = factor_library()
        .iter()
        .find(|factor| factor.id.starts_with("ipcc-2006") && factor.fuel.as_deref() == Some("anthracite"))
        .unwrap();
    let published = factor.rate_of(Gas::CO2).unwrap();
    assert!((co2_kg_per_tj - published).abs() / published < 0.001, "{co2_kg_per_tj} vs {published}");
}
