//! Every bundled factor table against the values its source publishes, gas by gas (`data/sources/<table>.values.csv`),
//! and the provenance rules of `data/README.md`: citations name files that exist, ids are unique, versions follow on.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use tanji_ghg::audit::{AuditProblem, SourceGas, SourceValue, audit_table, parse_source_values};
use tanji_ghg::bundled::{FACTOR_FILES, factor_library, parse_factor_csv};
use tanji_ghg::{EmissionFactor, FactorGas, FactorOwner, FactorQuery, Gas};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data");

fn table(name: &str) -> Vec<EmissionFactor> {
    let file = format!("factors/{name}.csv");
    let (_, text) =
        FACTOR_FILES.iter().find(|(listed, _)| *listed == file).unwrap_or_else(|| panic!("{file} is bundled"));
    parse_factor_csv(&file, text, &FactorOwner::Bundled).unwrap()
}

fn source_values(name: &str) -> Vec<SourceValue> {
    let file = format!("sources/{name}.values.csv");
    let text = std::fs::read_to_string(format!("{DATA}/{file}")).unwrap_or_else(|error| panic!("{file}: {error}"));
    parse_source_values(&file, &text).unwrap_or_else(|problems| panic!("{problems:#?}"))
}

fn audit(name: &str) -> Vec<AuditProblem> {
    audit_table(&format!("sources/{name}.values.csv"), &table(name), &source_values(name))
}

fn assert_clean(name: &str) {
    let problems = audit(name);
    assert!(problems.is_empty(), "{name}: {} problems:\n{}", problems.len(), list(&problems));
}

fn list(problems: &[AuditProblem]) -> String {
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

#[test]
fn china_grid_matches_its_source_values() {
    assert_clean("china-grid");
}

#[test]
fn desnz_2024_fuels_electricity_td_and_wtt_match_the_flat_file() {
    assert_clean("desnz-2024");
}

#[test]
fn desnz_2024_materials_waste_and_water_match_the_flat_file() {
    assert_clean("desnz-2024-materials-waste-water");
}

#[test]
fn epa_hub_2025_tables_1_2_8_10_match_the_workbook() {
    assert_clean("epa-hub-2025");
}

#[test]
fn epa_hub_2025_table_9_matches_the_workbook() {
    assert_clean("epa-hub-2025-waste");
}

#[test]
fn epa_hub_2025_tables_3_4_5_mobile_ch4_and_n2o_match_the_workbook() {
    assert_clean("epa-hub-2025-mobile");
}

#[test]
fn ipcc_2006_tables_2_2_to_2_5_match_the_published_tables() {
    assert_clean("ipcc-2006-stationary");
}

#[test]
fn every_factor_table_has_a_source_values_file_and_every_values_file_a_table() {
    let tables: BTreeSet<String> = FACTOR_FILES
        .iter()
        .map(|(file, _)| file.trim_start_matches("factors/").trim_end_matches(".csv").to_owned())
        .collect();
    let mut values_files = BTreeSet::new();
    for entry in std::fs::read_dir(format!("{DATA}/sources")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".values.csv") {
            values_files.insert(stem.to_owned());
        }
    }
    assert_eq!(tables, values_files, "one sources/<table>.values.csv per factors/<table>.csv");
}

/// The gap the issue reported: version 1 of the IPCC natural-gas row left out the N2O factor that Table 2.3 gives
/// (0.1 kg/TJ). The audit finds it; version 2 carries it.
#[test]
fn the_audit_finds_the_gas_a_record_left_out() {
    let factors: Vec<EmissionFactor> =
        table("ipcc-2006-stationary").into_iter().filter(|factor| factor.version == 1).collect();
    let problems = audit_table("ipcc", &factors, &source_values("ipcc-2006-stationary"));
    assert_eq!(
        problems,
        vec![AuditProblem::MissingGas {
            id: "ipcc-2006-stationary-manufacturing-natural-gas-tj".into(),
            gas: SourceGas::N2o,
            location:
                "2006 IPCC Guidelines Vol. 2 Ch. 2 Table 2.3, row Natural Gas (Table 2.3); IPCC EFDB EF ID 117912"
                    .into(),
        }],
        "{}",
        list(&problems)
    );
    let corrected = factor_library().latest("ipcc-2006-stationary-manufacturing-natural-gas-tj").unwrap();
    assert_eq!((corrected.version, corrected.rate_of(Gas::N2O)), (2, Some(0.1)));
    // Version 1 stays resolvable for the inventories that pinned it.
    assert_eq!(
        factor_library().get("ipcc-2006-stationary-manufacturing-natural-gas-tj", 1).unwrap().rate_of(Gas::N2O),
        None
    );
}

#[test]
fn the_audit_finds_a_changed_value_an_unlisted_gas_and_an_unaudited_record() {
    let mut factors = table("desnz-2024");
    let diesel = factors.iter_mut().find(|factor| factor.id == "desnz-2024-diesel-average-biofuel-blend-l").unwrap();
    diesel.published_co2e.as_mut().unwrap().kg_per_unit = 2.66155;
    diesel.biogenic_co2_kg_per_unit = Some(0.1);
    let mut values = source_values("desnz-2024");
    values.retain(|value| value.id != "desnz-2024-electricity-uk-kwh");
    values.push(SourceValue { id: "no-such-factor".into(), ..values[0].clone() });
    let problems = audit_table("desnz", &factors, &values);
    let kinds: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 4, "{}", kinds.join("\n"));
    assert!(problems.iter().any(|problem| matches!(problem, AuditProblem::ValueDiffers { gas: SourceGas::Co2e, expected, .. } if *expected == 2.51279)));
    assert!(
        problems.iter().any(|problem| matches!(problem, AuditProblem::UnlistedGas { gas: SourceGas::BiogenicCo2, .. }))
    );
    assert!(
        problems
            .iter()
            .any(|problem| matches!(problem, AuditProblem::NotAudited { id } if id == "desnz-2024-electricity-uk-kwh"))
    );
    assert!(
        problems
            .iter()
            .any(|problem| matches!(problem, AuditProblem::UnknownFactor { id, .. } if id == "no-such-factor"))
    );
}

#[test]
fn a_values_file_with_bad_rows_is_refused_whole() {
    let text = "id,gas,published,published_unit,to_bundled,location\n\
                a,CO2,1,kg,1,Table 1\n\
                b,CO3,1,kg,1,Table 1\n\
                c,CH4,one,g,0.001,Table 1\n\
                d,N2O,1,g,0.001,\n";
    let problems = parse_source_values("x.values.csv", text).unwrap_err();
    let rows: Vec<usize> = problems
        .iter()
        .map(|problem| match problem {
            AuditProblem::BadRow { row, .. } => *row,
            other => panic!("{other}"),
        })
        .collect();
    assert_eq!(rows, vec![3, 4, 5]);
}

/// DESNZ publishes the CO2e of each gas beside the total: all three are kept and add up to the total. In an
/// inventory the published total is used as published; the non-CO2 part stays one line, because the shares are
/// CO2e under the source's GWP set and must not be mixed into per-gas totals under another set.
#[test]
fn desnz_per_gas_shares_are_kept_and_add_up() {
    let library = factor_library();
    let diesel = library.latest("desnz-2024-diesel-average-biofuel-blend-l").unwrap();
    let published = diesel.published_co2e.as_ref().unwrap();
    assert_eq!(
        (diesel.rate_of(Gas::CO2), published.of(Gas::CH4), published.of(Gas::N2O), published.kg_per_unit),
        (Some(2.4796), Some(0.00029), Some(0.0329), 2.51279)
    );
    assert!((2.4796 + 0.00029 + 0.0329 - published.kg_per_unit).abs() < 1e-12);
    let co2e = diesel.co2e(tanji_ghg::GwpSet::AR6, tanji_ghg::bundled::gwp_table()).unwrap();
    assert_eq!(co2e.kg_co2e_per_unit, 2.51279);
    assert_eq!(co2e.contributions.len(), 2, "CO2 and the published non-CO2 part");
    let natural_gas = library.latest("desnz-2024-natural-gas-m3").unwrap();
    assert!(natural_gas.publishes(FactorGas::Ch4) && natural_gas.publishes(FactorGas::N2o));
    assert!(!library.latest("desnz-2024-wtt-natural-gas-m3").unwrap().publishes(FactorGas::Ch4), "WTT: CO2e only");
}

#[test]
fn desnz_2024_has_electricity_td_and_well_to_tank() {
    let library = factor_library();
    for (id, kg) in [
        ("desnz-2024-electricity-uk-kwh", 0.20705),
        ("desnz-2024-td-electricity-uk-kwh", 0.0183),
        ("desnz-2024-wtt-electricity-uk-generation-kwh", 0.0459),
        ("desnz-2024-wtt-electricity-uk-td-kwh", 0.00397),
        ("desnz-2024-wtt-natural-gas-m3", 0.3366),
        ("desnz-2024-wtt-diesel-average-biofuel-blend-l", 0.61101),
        ("desnz-2024-natural-gas-kwh-gross-cv", 0.1829),
    ] {
        let factor = library.latest(id).unwrap_or_else(|| panic!("{id} is bundled"));
        assert_eq!(factor.published_co2e.as_ref().map(|published| published.kg_per_unit), Some(kg), "{id}");
    }
    let fuels =
        library.search(&FactorQuery { source: Some("DESNZ".into()), text: "fuel".into(), ..FactorQuery::default() });
    assert!(fuels.len() > 100, "DESNZ Scope 1 fuels: {}", fuels.len());
}

/// Every province MEE/NBS published for 2022 and 2023 (30 each: the announcements have no Xizang row), with the
/// national and the seven regional series; the demo factory's Zhejiang among them.
#[test]
fn china_grid_has_every_province_and_region_for_2022_and_2023() {
    let library = factor_library();
    for year in [2022, 2023] {
        let grid = library.search(&FactorQuery {
            source: Some("生态环境部".into()),
            year: Some(year),
            region: Some("CN".into()),
            ..FactorQuery::default()
        });
        let provinces: BTreeSet<&str> = grid
            .iter()
            .map(|factor| factor.region.as_str())
            .filter(|region| region.len() == 5 && !region.starts_with("CN-GRID"))
            .collect();
        assert_eq!(provinces.len(), 30, "{year}: {provinces:?}");
        assert!(provinces.contains("CN-ZJ"), "{year}: Zhejiang");
        let regions = grid.iter().filter(|factor| factor.region.starts_with("CN-GRID-")).count();
        assert_eq!(regions, 7, "{year}");
        assert!(grid.iter().any(|factor| factor.region == "CN" && factor.id.ends_with("-national")), "{year}");
    }
    assert_eq!(library.latest("mee-nbs-2022-grid-cn-zj").unwrap().rate_of(Gas::CO2), Some(515.3));
    assert_eq!(library.latest("mee-nbs-2023-grid-cn-zj").unwrap().rate_of(Gas::CO2), Some(497.4));
}

#[test]
fn ids_are_unique_across_files_and_versions_follow_on() {
    let mut seen: BTreeMap<(String, u32), &str> = BTreeMap::new();
    let mut versions: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut file_of: BTreeMap<String, &str> = BTreeMap::new();
    for (file, text) in FACTOR_FILES {
        for factor in parse_factor_csv(file, text, &FactorOwner::Bundled).unwrap() {
            let key = (factor.id.clone(), factor.version);
            assert!(seen.insert(key.clone(), file).is_none(), "{key:?} twice ({file})");
            assert_eq!(*file_of.entry(factor.id.clone()).or_insert(file), *file, "{} spans files", factor.id);
            versions.entry(factor.id).or_default().push(factor.version);
        }
    }
    for (id, mut list) in versions {
        list.sort_unstable();
        assert_eq!(list, (1..=list.len() as u32).collect::<Vec<_>>(), "{id}: versions 1, 2, … without gaps");
    }
    assert_eq!(factor_library().len(), seen.len());
}

#[test]
fn every_citation_is_complete_and_names_its_edition_and_document_address() {
    for factor in factor_library().iter() {
        let citation = &factor.citation;
        for (field, text) in
            [("publisher", &citation.publisher), ("document", &citation.document), ("table", &citation.table)]
        {
            assert!(!text.trim().is_empty(), "{}: {field} is empty", factor.id);
        }
        assert!(!citation.edition.trim().is_empty(), "{}: say which edition", factor.id);
        if !citation.url.is_empty() {
            let path = citation.url.trim_start_matches("https://").trim_start_matches("http://");
            let path = path.split_once('/').map(|(_, path)| path).unwrap_or_default();
            assert!(
                path.trim_matches('/').len() > 1,
                "{}: {} is a home page, not the document",
                factor.id,
                citation.url
            );
        }
    }
}

/// A reference to a file must resolve in this repository: `sources/…`, `factors/…`, `data/…`, `docs/…`,
/// any `*.md`. Notes that live outside the repository (the team's shared folder) cannot be cited.
#[test]
fn every_file_a_citation_names_exists_in_the_repository() {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut texts: Vec<(String, String)> = Vec::new();
    for factor in factor_library().iter() {
        let citation = &factor.citation;
        let text =
            [&citation.document, &citation.table, &citation.verification, &factor.notes].map(String::as_str).join(" ");
        texts.push((factor.reference().to_string(), text));
    }
    for fuel in tanji_ghg::bundled::fuel_parameters() {
        texts.push((
            fuel.id.clone(),
            format!("{} {} {}", fuel.citation.document, fuel.citation.verification, fuel.notes),
        ));
    }
    for entry in std::fs::read_dir(format!("{DATA}/sources")).unwrap().chain(std::fs::read_dir(DATA).unwrap()) {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|extension| extension == "md") {
            texts.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
        }
    }
    let mut missing = Vec::new();
    for (owner, text) in &texts {
        for reference in file_references(text) {
            let candidates = [
                Path::new(DATA).join(&reference),
                Path::new(DATA).join("sources").join(&reference),
                repository.join(&reference),
                repository.join("crates/tanji-ghg").join(&reference),
            ];
            if !candidates.iter().any(|candidate| candidate.is_file()) {
                missing.push(format!("{owner}: {reference}"));
            }
        }
    }
    assert!(missing.is_empty(), "citations name files that are not in the repository:\n{}", missing.join("\n"));
}

/// Words that name a file of this repository: any `*.md`, and paths under `sources/`, `factors/`,
/// `fuel-parameters/`, `gwp/` (this data folder) or `shared/` (the team's notes, which are not in the repository).
/// Paths inside other projects (`data/generic/….csv` of a package) are named with their project and not checked.
fn file_references(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || "`()[]<>\"',;|*".contains(c))
        .map(|word| word.trim_end_matches(['.', ':']))
        .filter(|word| {
            !word.starts_with('.') && !word.contains("://") && !word.starts_with("http") && !word.contains('@')
        })
        .filter(|word| {
            word.ends_with(".md")
                || ["sources/", "factors/", "fuel-parameters/", "gwp/", "shared/"]
                    .iter()
                    .any(|prefix| word.starts_with(prefix) && word.len() > prefix.len())
        })
        .map(str::to_owned)
        .collect()
}
