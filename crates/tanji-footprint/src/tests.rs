use proptest::prelude::*;
use tanji_ghg::bundled::gwp_table;
use tanji_ghg::{Citation, EmissionFactor, FactorCategory, FactorLibrary, FactorOwner, Gas, GasRate, GwpSet};
use tanji_units::Unit;

use crate::*;

fn factor(id: &str, unit: &str, co2: f64, ch4: Option<f64>, biogenic: Option<f64>) -> EmissionFactor {
    let mut gas_rates = vec![GasRate { gas: Gas::parse("CO2"), kg_per_unit: co2 }];
    if let Some(ch4) = ch4 {
        gas_rates.push(GasRate { gas: Gas::parse("CH4"), kg_per_unit: ch4 });
    }
    EmissionFactor {
        id: id.to_owned(),
        version: 1,
        name_en: format!("test factor {id}"),
        name_zh: format!("测试因子 {id}"),
        keywords: vec![],
        category: FactorCategory::Other,
        fuel: None,
        unit: Unit::parse(unit).unwrap(),
        gas_rates,
        published_co2e: None,
        biogenic_co2_kg_per_unit: biogenic,
        citation: Citation {
            publisher: "test".into(),
            document: "unit test".into(),
            edition: "1".into(),
            table: "-".into(),
            url: "https://example.org".into(),
            licence: "CC0-1.0".into(),
            verification: "primary: test fixture".into(),
        },
        year: 2025,
        region: "CN".into(),
        notes: String::new(),
        owner: FactorOwner::Organisation("test".into()),
    }
}

fn library() -> FactorLibrary {
    let mut library = FactorLibrary::new();
    library.add(factor("grid", "kWh", 0.5, None, None)).unwrap();
    library.add(factor("truck", "t.km", 0.1, None, None)).unwrap();
    library.add(factor("gas-boiler", "MJ", 0.056, Some(0.000001), None)).unwrap();
    library.add(factor("wood-chips", "kg", 0.0, None, Some(1.6))).unwrap();
    library
}

fn process(id: &str, stage: Stage, product: &str, amount: f64, unit: &str) -> ProcessModel {
    ProcessModel {
        id: id.into(),
        name_zh: id.into(),
        name_en: id.into(),
        stage,
        data: DataKind::Primary,
        quality: None,
        outputs: vec![Output {
            product: product.into(),
            amount,
            unit: unit.into(),
            mass_kg: None,
            energy_mj: None,
            revenue: None,
        }],
        allocation: None,
        subdivided_from: None,
        inputs: vec![],
        factors: vec![],
        transport: vec![],
        emissions: vec![],
        to_recycling: vec![],
    }
}

fn use_factor(factor: &str, amount: f64, unit: &str) -> FactorUse {
    FactorUse {
        factor: factor.into(),
        amount,
        unit: unit.into(),
        uncertainty: None,
        note: String::new(),
        measured: None,
    }
}

fn input(product: &str, amount: f64, unit: &str) -> ProductInput {
    ProductInput { product: product.into(), amount, unit: unit.into(), uncertainty: None, note: String::new() }
}

fn emission(gas: &str, origin: Origin, kg: f64) -> Emission {
    Emission { gas: gas.into(), origin, kg, uncertainty: None, note: String::new() }
}

fn model(processes: Vec<ProcessModel>, reference: &str) -> ProductModel {
    ProductModel {
        product: ProductInfo {
            sku: "SKU-1".into(),
            name_zh: "测试杯".into(),
            name_en: "Test cup".into(),
            declared_unit: DeclaredUnit {
                amount: 1.0,
                unit: "unit".into(),
                name_zh: "每只".into(),
                name_en: "per piece".into(),
            },
            mass_per_declared_unit_kg: 0.01,
            reference_period_start: "2025-01-01".into(),
            reference_period_end: "2025-12-31".into(),
            geography: "CN".into(),
        },
        gwp: "AR5".into(),
        reference_process: reference.into(),
        cut_off: CutOffRule::default(),
        processes,
        supplier_footprints: vec![],
        exempted: vec![],
    }
}

fn ch4_ar5() -> f64 {
    gwp_table().gwp(&Gas::parse("CH4"), GwpSet::AR5).unwrap()
}

/// Two processes by hand: forming makes 1,000 cups per run from 10 kg board (board making: 0.2 kWh and 5 MJ gas per
/// kg), 30 kWh and 0.002 kg CH4 per run; 10 kg trucked 200 km.
fn cup_model() -> ProductModel {
    let mut board = process("board", Stage::RawMaterial, "board", 1.0, "kg");
    board.factors = vec![use_factor("grid", 0.2, "kWh"), use_factor("gas-boiler", 5.0, "MJ")];
    board.data = DataKind::Secondary;
    let mut forming = process("forming", Stage::Production, "cup", 1000.0, "unit");
    forming.inputs = vec![input("board", 10.0, "kg")];
    forming.factors = vec![use_factor("grid", 0.03, "MWh")];
    forming.emissions = vec![emission("CH4", Origin::Fossil, 0.002)];
    forming.transport = vec![TransportLeg {
        factor: "truck".into(),
        mass_kg: 10.0,
        distance_km: 200.0,
        uncertainty: None,
        note: "board to factory".into(),
    }];
    let mut cup = model(vec![board, forming], "forming");
    cup.processes[1].stage = Stage::Production;
    cup
}

fn hand_total() -> (f64, f64, f64) {
    let board_per_kg = 0.2 * 0.5 + 5.0 * (0.056 + 0.000001 * ch4_ar5());
    let raw = 10.0 * board_per_kg / 1000.0;
    let production = (30.0 * 0.5 + 0.002 * ch4_ar5() + 10.0 / 1000.0 * 200.0 * 0.1) / 1000.0;
    (raw + production, raw, production)
}

#[test]
fn a_two_process_model_matches_the_hand_calculation_by_stage_process_and_line() {
    let footprint = compute(&cup_model(), &library(), gwp_table()).unwrap();
    let (total, raw, production) = hand_total();
    assert!((footprint.total_kg_co2e - total).abs() < 1e-12 * total, "{} vs {total}", footprint.total_kg_co2e);
    let stage = |stage: Stage| footprint.by_stage.iter().find(|result| result.stage == stage).unwrap().kg_co2e;
    assert!((stage(Stage::RawMaterial) - raw).abs() < 1e-15);
    assert!((stage(Stage::Production) - production).abs() < 1e-15);
    assert_eq!(stage(Stage::Use), 0.0);
    assert_eq!(footprint.fossil_kg_co2e, footprint.total_kg_co2e);
    let electricity = footprint.lines.iter().find(|line| line.path == "processes[1].factors[0]").unwrap();
    assert_eq!(electricity.unit, "kWh");
    assert!((electricity.amount - 0.03).abs() < 1e-15, "30 kWh per 1,000 cups: {}", electricity.amount);
    assert!(
        matches!(&electricity.formula, crate::LineFormula::Exchange { unit, entered: Some(_), .. } if unit == "kWh"),
        "{:?}",
        electricity.formula
    );
    assert_eq!(electricity.source, "grid@1");
    // Primary: forming's lines; secondary: board's.
    let primary = production / total * 100.0;
    assert!((footprint.primary_data_share_percent - primary).abs() < 1e-9);
    // The tree's root is the product, with the board below it.
    assert_eq!(footprint.supply_tree.kind, "product");
    assert!((footprint.supply_tree.kg_co2e - total).abs() < 1e-12);
    assert!(
        footprint
            .supply_tree
            .children
            .iter()
            .any(|child| child.name == crate::NodeName::Process { process: "board".into(), product: None }
                && child.kind == "product")
    );
    assert_eq!(footprint.factors.len(), 3);
}

#[test]
fn electricity_used_to_make_electricity_is_a_cycle_the_solver_handles() {
    // 1 kWh out, 0.1 kWh of its own output in, 0.9 kg CO2 per run: 0.9 / (1 − 0.1) = 1 kg per net kWh.
    let mut power = process("power", Stage::Production, "kwh", 1.0, "kWh");
    power.inputs = vec![input("kwh", 0.1, "kWh")];
    power.emissions = vec![emission("CO2", Origin::Fossil, 0.9)];
    let mut product = model(vec![power], "power");
    product.product.declared_unit.unit = "kWh".into();
    product.product.declared_unit.amount = 2.0;
    let footprint = compute(&product, &library(), gwp_table()).unwrap();
    assert!((footprint.total_kg_co2e - 2.0).abs() < 1e-12, "{}", footprint.total_kg_co2e);
    assert_eq!(footprint.supply_tree.amount, 2.0);
}

#[test]
fn a_loop_that_makes_nothing_net_is_refused_with_the_processes_named() {
    let mut left = process("left", Stage::Production, "a", 1.0, "kg");
    left.inputs = vec![input("b", 1.0, "kg")];
    let mut right = process("right", Stage::Production, "b", 1.0, "kg");
    right.inputs = vec![input("a", 1.0, "kg")];
    right.emissions = vec![emission("CO2", Origin::Fossil, 1.0)];
    let mut product = model(vec![left, right], "left");
    product.product.declared_unit.unit = "kg".into();
    let error = compute(&product, &library(), gwp_table()).unwrap_err();
    let FootprintError::Model(problems) = error;
    let [Problem { kind: ProblemKind::UnproductiveLoop { processes, steps, cycle_gain, .. }, .. }] =
        &problems.problems[..]
    else {
        panic!("expected one loop problem, got {problems:?}")
    };
    assert_eq!(processes, &["left", "right"], "no emission factor or supplier is part of a loop");
    assert_eq!(steps.len(), 2);
    assert!((cycle_gain - 1.0).abs() < 1e-12);
}

#[test]
fn a_two_process_loop_with_gain_1_6_names_the_inputs_that_close_it() {
    // Each kg of "a" needs 2 kg of "b"; each kg of "b" needs 0.8 kg of "a": 1.6 kg of "a" per kg of "a".
    let mut left = process("left", Stage::Production, "a", 1.0, "kg");
    left.inputs = vec![input("b", 2.0, "kg")];
    left.factors = vec![use_factor("grid", 1.0, "kWh")];
    let mut right = process("right", Stage::Production, "b", 1.0, "kg");
    right.inputs = vec![input("a", 0.8, "kg")];
    let mut product = model(vec![left, right], "left");
    product.product.declared_unit.unit = "kg".into();
    let FootprintError::Model(problems) = compute(&product, &library(), gwp_table()).unwrap_err();
    let [problem] = &problems.problems[..] else { panic!("one problem: {problems:?}") };
    let ProblemKind::UnproductiveLoop { processes, steps, cycle_gain, .. } = &problem.kind else {
        panic!("{problem:?}")
    };
    assert_eq!(processes, &["left", "right"]);
    assert!((cycle_gain - 1.6).abs() < 1e-12);
    let mut named: Vec<(&str, &str, f64, &str)> = steps
        .iter()
        .map(|step| (step.consumer.as_str(), step.provider.as_str(), step.units_per_unit, step.path.as_str()))
        .collect();
    named.sort_by(|a, b| a.0.cmp(b.0));
    assert_eq!(
        named,
        [("left", "right", 2.0, "processes[0].inputs[0]"), ("right", "left", 0.8, "processes[1].inputs[0]")]
    );
    assert!(problem.path.ends_with(".inputs[0].amount"), "{}", problem.path);
}

#[test]
fn a_process_using_more_of_its_own_product_than_it_makes_is_refused_never_a_negative_footprint() {
    // 1 kWh out, 1.6 kWh of its own output in: solved as a matrix this gives −1/0.6 runs and a negative footprint.
    let mut power = process("power", Stage::Production, "kwh", 1.0, "kWh");
    power.inputs = vec![input("kwh", 1.6, "kWh")];
    power.emissions = vec![emission("CO2", Origin::Fossil, 0.9)];
    let mut product = model(vec![power], "power");
    product.product.declared_unit.unit = "kWh".into();
    let FootprintError::Model(problems) = compute(&product, &library(), gwp_table()).unwrap_err();
    let ProblemKind::UnproductiveLoop { processes, steps, cycle_gain, .. } = &problems.problems[0].kind else {
        panic!("{problems:?}")
    };
    assert_eq!(processes, &["power"]);
    assert_eq!(steps[0].path, "processes[0].inputs[0]");
    assert!((cycle_gain - 1.6).abs() < 1e-12);
}

#[test]
fn a_loop_with_net_output_still_solves() {
    // Each kg of "a" needs 0.5 kg of "b", each kg of "b" 0.5 kg of "a" and 1 kWh: a = 1/(1 − 0.25) kg per kg.
    let mut left = process("left", Stage::Production, "a", 1.0, "kg");
    left.inputs = vec![input("b", 0.5, "kg")];
    let mut right = process("right", Stage::Production, "b", 1.0, "kg");
    right.inputs = vec![input("a", 0.5, "kg")];
    right.factors = vec![use_factor("grid", 1.0, "kWh")];
    let mut product = model(vec![left, right], "left");
    product.product.declared_unit.unit = "kg".into();
    let footprint = compute(&product, &library(), gwp_table()).unwrap();
    // b runs 0.5 × 4/3 = 2/3 times per kg of a: 2/3 kWh × 0.5 kg CO2e/kWh.
    assert!((footprint.total_kg_co2e - 1.0 / 3.0).abs() < 1e-12, "{}", footprint.total_kg_co2e);
}

#[test]
fn biogenic_uptake_and_land_use_change_are_reported_apart() {
    let mut growing = process("growing", Stage::RawMaterial, "fibre", 1.0, "kg");
    growing.emissions = vec![
        emission("CO2", Origin::Biogenic, -1.5),
        emission("CO2", Origin::LandUseChange, 0.2),
        emission("CH4", Origin::Biogenic, 0.001),
    ];
    growing.factors = vec![use_factor("wood-chips", 1.0, "kg")];
    let mut product = model(vec![growing], "growing");
    product.product.declared_unit.unit = "kg".into();
    let footprint = compute(&product, &library(), gwp_table()).unwrap();
    let biogenic_emissions = 0.001 * ch4_ar5() + 1.6;
    assert!((footprint.biogenic_removals_kg_co2e + 1.5).abs() < 1e-12);
    assert!((footprint.biogenic_emissions_kg_co2e - biogenic_emissions).abs() < 1e-12);
    assert!((footprint.land_use_change_kg_co2e - 0.2).abs() < 1e-12);
    assert_eq!(footprint.fossil_kg_co2e, 0.0);
    let total = biogenic_emissions - 1.5 + 0.2;
    assert!((footprint.total_kg_co2e - total).abs() < 1e-12);
    assert!((footprint.excluding_biogenic_uptake_kg_co2e - (total + 1.5)).abs() < 1e-12);
}

#[test]
fn multi_output_processes_follow_the_allocation_hierarchy_and_record_it() {
    let mut mill = process("mill", Stage::RawMaterial, "sugar", 1.0, "kg");
    mill.outputs[0].mass_kg = Some(1.0);
    mill.outputs[0].revenue = Some(5.0);
    mill.outputs.push(Output {
        product: "bagasse".into(),
        amount: 3.0,
        unit: "kg".into(),
        mass_kg: Some(3.0),
        energy_mj: None,
        revenue: Some(0.3),
    });
    mill.emissions = vec![emission("CO2", Origin::Fossil, 4.0)];
    let mut moulding = process("moulding", Stage::Production, "plate", 100.0, "unit");
    moulding.inputs = vec![input("bagasse", 3.0, "kg")];
    let plate = model(vec![mill.clone(), moulding.clone()], "moulding");
    let footprint = compute(&plate, &library(), gwp_table()).unwrap();
    // Mass: bagasse gets 3/4 of 4 kg CO2 over 3 kg → 1 kg CO2/kg; 3 kg per 100 plates.
    assert!((footprint.total_kg_co2e - 0.03).abs() < 1e-12, "{}", footprint.total_kg_co2e);
    let record = &footprint.allocations[0];
    assert_eq!((record.method.as_str(), record.follows_hierarchy), ("mass", true));
    assert_eq!(record.shares[1], ("bagasse".to_owned(), 0.75));

    // Economic allocation while mass data exist needs a reason …
    let mut economic = plate.clone();
    economic.processes[0].allocation =
        Some(AllocationChoice { method: Some(AllocationMethod::Economic), reason: None });
    let error = compute(&economic, &library(), gwp_table()).unwrap_err();
    assert!(error.to_string().contains("processes[0].allocation.reason"), "{error}");
    // … and with one it is used and recorded as a departure from the hierarchy.
    economic.processes[0].allocation = Some(AllocationChoice {
        method: Some(AllocationMethod::Economic),
        reason: Some("bagasse is a residue sold for fuel".into()),
    });
    let footprint = compute(&economic, &library(), gwp_table()).unwrap();
    let share = 0.3 / 5.3;
    assert!((footprint.total_kg_co2e - 4.0 * share / 3.0 * 3.0 / 100.0).abs() < 1e-12);
    assert!(!footprint.allocations[0].follows_hierarchy);

    // No allocation data at all: refused with the fix.
    let mut bare = plate;
    for output in &mut bare.processes[0].outputs {
        output.mass_kg = None;
        output.revenue = None;
    }
    let error = compute(&bare, &library(), gwp_table()).unwrap_err();
    assert!(error.to_string().contains("no_allocation_data"), "{error}");
}

#[test]
fn every_problem_in_a_model_is_reported_at_once_with_where_and_how_to_fix() {
    let mut broken = cup_model();
    broken.gwp = "AR7".into();
    broken.processes[1].factors.push(use_factor("no-such-factor", 1.0, "kWh"));
    broken.processes[1].factors.push(use_factor("grid", 1.0, "kg"));
    broken.processes[1].inputs.push(input("unobtainium", 1.0, "kg"));
    broken.processes[0].id = "forming".into();
    broken.product.reference_period_end = "2025-13-01".into();
    broken.processes[1].quality =
        Some(DataQuality { technological: 0, temporal: 2, geographical: 6, completeness: None, reliability: None });
    let FootprintError::Model(problems) = compute(&broken, &library(), gwp_table()).unwrap_err();
    let paths: Vec<&str> = problems.problems.iter().map(|problem| problem.path.as_str()).collect();
    for expected in [
        "gwp",
        "processes[1].factors[1].factor",
        "processes[1].factors[2].unit",
        "processes[1].inputs[1].product",
        "processes[1].id",
        "product.reference_period_end",
        "processes[1].quality.technological",
        "processes[1].quality.geographical",
    ] {
        assert!(paths.contains(&expected), "missing {expected} in {paths:?}");
    }
    assert!(problems.problems.iter().all(|problem| !matches!(problem.kind, ProblemKind::Text { .. })));
    let unknown_factor = problems.problems.iter().find(|problem| problem.path == "processes[1].factors[1].factor");
    assert!(matches!(&unknown_factor.unwrap().kind, ProblemKind::UnknownFactor { suggestion: None, .. }));
}

/// Found by fuzzing (`footprint_toml`): `to_recycling = [{ material = "trim", kg = -inf }]` was accepted (recycled
/// material has no burden, so nothing checked it); the saved model's JSON held `null` and could not be read back.
#[test]
fn numbers_that_are_only_recorded_must_still_be_numbers() {
    let mut odd = cup_model();
    odd.processes[1].to_recycling.push(RecyclingOutput { material: "trim".into(), kg: f64::NEG_INFINITY });
    odd.processes[1].outputs[0].mass_kg = Some(f64::NAN);
    odd.cut_off.tree_threshold_percent = f64::INFINITY;
    let FootprintError::Model(problems) = compute(&odd, &library(), gwp_table()).unwrap_err();
    let paths: Vec<&str> = problems.problems.iter().map(|problem| problem.path.as_str()).collect();
    assert_eq!(
        paths,
        ["cut_off.tree_threshold_percent", "processes[1].outputs[0].mass_kg", "processes[1].to_recycling[0].kg"]
    );
}

#[test]
fn supplier_footprints_count_as_primary_when_the_supplier_measured_them() {
    let mut cup = cup_model();
    cup.supplier_footprints.push(SupplierFootprint {
        id: "pulp".into(),
        name_zh: "竹浆".into(),
        name_en: "Bamboo pulp".into(),
        supplier: "Supplier Co.".into(),
        unit: "kg".into(),
        fossil_kg_co2e: 0.8,
        biogenic_emissions_kg_co2e: 0.1,
        biogenic_removals_kg_co2e: -1.2,
        land_use_change_kg_co2e: 0.05,
        data: DataKind::Primary,
        quality: Some(DataQuality {
            technological: 1,
            temporal: 2,
            geographical: 1,
            completeness: None,
            reliability: None,
        }),
        source: "PACT footprint 3f2a…".into(),
        uncertainty: None,
    });
    cup.processes[0].inputs.push(input("pulp", 500.0, "g"));
    let footprint = compute(&cup, &library(), gwp_table()).unwrap();
    let (hand, _, _) = hand_total();
    // 0.5 kg pulp per kg board, 10 kg board per 1,000 cups.
    let pulp = 0.5 * 10.0 / 1000.0;
    let expected = hand + pulp * (0.8 + 0.1 - 1.2 + 0.05);
    assert!((footprint.total_kg_co2e - expected).abs() < 1e-12);
    assert!((footprint.biogenic_removals_kg_co2e + pulp * 1.2).abs() < 1e-12);
    let quality = footprint.data_quality.unwrap();
    assert_eq!(quality.technological, 1.0, "only the supplier line carries ratings");
    assert!(quality.coverage_percent > 0.0 && quality.coverage_percent < 100.0);
}

#[test]
fn exemptions_beyond_the_cut_off_limit_are_flagged() {
    let mut cup = cup_model();
    let (total, _, _) = hand_total();
    cup.exempted.push(Exemption {
        name: "ink".into(),
        stage: Stage::Production,
        estimate_kg_co2e: total * 0.1,
        reason: "not measured".into(),
    });
    let footprint = compute(&cup, &library(), gwp_table()).unwrap();
    assert!((footprint.exemptions.exempted_percent - 100.0 * 0.1 / 1.1).abs() < 1e-9);
    assert!(!footprint.exemptions.within_limit);
    assert!(footprint.notes.iter().any(|note| matches!(note, Note::ExemptionsOverLimit { .. })));
}

#[test]
fn a_baseline_comparison_gives_the_reduction_by_stage() {
    let product = compute(&cup_model(), &library(), gwp_table()).unwrap();
    let mut heavier = cup_model();
    heavier.processes[1].inputs[0].amount = 20.0;
    let baseline = compute(&heavier, &library(), gwp_table()).unwrap();
    let comparison = compare(&product, &baseline).unwrap();
    assert!(comparison.reduction_kg_co2e > 0.0);
    let raw = comparison.by_stage.iter().find(|stage| stage.stage == Stage::RawMaterial).unwrap();
    assert!((raw.reduction_kg_co2e - comparison.reduction_kg_co2e).abs() < 1e-15, "only raw material changed");
    assert!(
        (comparison.reduction_percent - 100.0 * comparison.reduction_kg_co2e / baseline.total_kg_co2e).abs() < 1e-12
    );

    let mut per_kg = cup_model();
    per_kg.product.declared_unit.unit = "kg".into();
    let mismatch = Footprint { product: per_kg.product, ..baseline };
    assert!(compare(&product, &mismatch).is_err());
}

#[test]
fn footprint_files_parse_and_syntax_errors_name_the_line() {
    let text = include_str!("../../../examples/footprint/bamboo-fibre-cup.toml");
    let file = parse_footprint_file(text).unwrap();
    assert!(file.baseline.is_some());
    let error = parse_footprint_file("reference_process = \"x\"\nprocesses = 3\n").unwrap_err();
    assert_eq!(error.problems[0].line, Some(2), "{error:?}");
    assert_eq!(error.problems[0].path, "processes", "{error:?}");
    assert!(matches!(error.problems[0].kind, ProblemKind::WrongType { expected: Expected::List, .. }), "{error:?}");
}

/// The model check's problems carry the line of the key they are about, whether or not the file also has
/// problems the reader finds, and a file without problems reads.
#[test]
fn a_files_model_problems_name_their_line_like_its_type_problems() {
    let text = include_str!("../../../examples/footprint/bamboo-fibre-cup.toml");
    let library = tanji_ghg::bundled::factor_library();
    assert!(read_footprint_file(text, library, gwp_table()).is_ok());
    let line_of = |text: &str, needle: &str| text.lines().position(|line| line.contains(needle)).unwrap() + 1;
    let unknown_factor =
        text.replacen("\"ipcc-2006-stationary-manufacturing-natural-gas-tj\"", "\"no-such-factor\"", 1);
    let problems = read_footprint_file(&unknown_factor, library, gwp_table()).unwrap_err().problems;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(matches!(problems[0].kind, ProblemKind::UnknownFactor { .. }), "{problems:?}");
    assert_eq!(problems[0].line, Some(line_of(&unknown_factor, "no-such-factor")), "{problems:?}");

    let both = unknown_factor.replacen("stage = \"production\"", "stage = \"producton\"", 1);
    let problems = read_footprint_file(&both, library, gwp_table()).unwrap_err().problems;
    assert_eq!(problems.len(), 2, "{problems:?}");
    for (needle, problem) in ["producton", "no-such-factor"].iter().zip(&problems) {
        assert_eq!(problem.line, Some(line_of(&both, needle)), "{problems:?}");
    }
}

/// A random foreground system: process i makes product i and takes inputs from any process (cycles included,
/// columns kept diagonally dominant so the system is solvable), each with some electricity and CO2.
fn random_model(inputs: &[(usize, usize, f64)], direct: &[(f64, f64)]) -> ProductModel {
    let n = direct.len();
    let mut processes: Vec<ProcessModel> = (0..n)
        .map(|idx| {
            let mut process =
                process(&format!("p{idx}"), Stage::ALL[idx % Stage::ALL.len()], &format!("product{idx}"), 1.0, "kg");
            process.factors = vec![use_factor("grid", direct[idx].0, "kWh")];
            process.emissions = vec![emission("CO2", Origin::Fossil, direct[idx].1)];
            process
        })
        .collect();
    for &(consumer, provider, amount) in inputs {
        let (consumer, provider) = (consumer % n, provider % n);
        processes[consumer].inputs.push(input(&format!("product{provider}"), amount / n as f64, "kg"));
    }
    // Keep every process's inputs below 0.9 kg per kg made, so that every loop makes something net (a productive
    // system); loops that do not are refused, which `unproductive_random_loops_are_refused` checks.
    for process in &mut processes {
        let total: f64 = process.inputs.iter().map(|input| input.amount).sum();
        if total > 0.9 {
            for input in &mut process.inputs {
                input.amount *= 0.9 / total;
            }
        }
    }
    let mut product = model(processes, "p0");
    product.product.declared_unit.unit = "kg".into();
    product
}

/// The footprint of product 0 by a dense Gaussian elimination of the same system.
fn dense_reference(model: &ProductModel) -> f64 {
    let n = model.processes.len();
    let mut matrix = vec![vec![0.0; n]; n];
    let mut direct = vec![0.0; n];
    for (col, process) in model.processes.iter().enumerate() {
        matrix[col][col] += 1.0;
        for input in &process.inputs {
            let row: usize = input.product.trim_start_matches("product").parse().unwrap();
            matrix[row][col] -= input.amount;
        }
        direct[col] = process.factors[0].amount * 0.5 + process.emissions[0].kg;
    }
    // Solve A x = e_0.
    let mut rhs = vec![0.0; n];
    rhs[0] = 1.0;
    for pivot in 0..n {
        let best = (pivot..n).max_by(|&a, &b| matrix[a][pivot].abs().total_cmp(&matrix[b][pivot].abs())).unwrap();
        matrix.swap(pivot, best);
        rhs.swap(pivot, best);
        let pivot_row = matrix[pivot].clone();
        for row in pivot + 1..n {
            let ratio = matrix[row][pivot] / pivot_row[pivot];
            for (cell, above) in matrix[row].iter_mut().zip(&pivot_row).skip(pivot) {
                *cell -= ratio * above;
            }
            rhs[row] -= ratio * rhs[pivot];
        }
    }
    let mut supply = vec![0.0; n];
    for row in (0..n).rev() {
        let known: f64 = (row + 1..n).map(|col| matrix[row][col] * supply[col]).sum();
        supply[row] = (rhs[row] - known) / matrix[row][row];
    }
    supply.iter().zip(&direct).map(|(runs, impact)| runs * impact).sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_systems_with_cycles_match_a_dense_solve_and_the_breakdowns_add_up(
        direct in prop::collection::vec((0.0..10.0f64, 0.0..5.0f64), 1..12),
        inputs in prop::collection::vec((0..12usize, 0..12usize, 0.0..0.9f64), 0..40),
    ) {
        let model = random_model(&inputs, &direct);
        let footprint = compute(&model, &library(), gwp_table()).unwrap();
        let reference = dense_reference(&model);
        let tolerance = 1e-9 * reference.abs().max(1e-12);
        prop_assert!((footprint.total_kg_co2e - reference).abs() <= tolerance,
            "engine {} vs dense {}", footprint.total_kg_co2e, reference);
        let stages: f64 = footprint.by_stage.iter().map(|stage| stage.kg_co2e).sum();
        let processes: f64 = footprint.by_process.iter().map(|process| process.kg_co2e).sum();
        let gases: f64 = footprint.by_gas.iter().map(|gas| gas.kg_co2e).sum();
        for breakdown in [stages, processes, gases, footprint.fossil_kg_co2e, footprint.supply_tree.kg_co2e] {
            prop_assert!((breakdown - footprint.total_kg_co2e).abs() <= tolerance.max(1e-12));
        }
    }
}

#[test]
fn monte_carlo_is_seeded_and_matches_a_lognormal_exchange() {
    // One process, one CO2 emission of 2 kg with GSD 1.2: the footprint is that lognormal.
    let mut making = process("making", Stage::Production, "thing", 1.0, "unit");
    making.emissions = vec![Emission {
        gas: "CO2".into(),
        origin: Origin::Fossil,
        kg: 2.0,
        uncertainty: Some(tanji_lca::Distribution::Lognormal { geometric_sd: 1.2 }),
        note: "stack".into(),
    }];
    let product = model(vec![making], "making");
    let request = MonteCarloRequest { iterations: 4000, seed: 7, threads: std::num::NonZeroUsize::new(2).unwrap() };
    let result = monte_carlo(&product, &library(), gwp_table(), request).unwrap();
    let sigma = 1.2f64.ln();
    let expected_p97_5 = 2.0 * (1.959964 * sigma).exp();
    assert!((result.p50_kg_co2e - 2.0).abs() < 0.02, "{}", result.p50_kg_co2e);
    assert!((result.p97_5_kg_co2e - expected_p97_5).abs() / expected_p97_5 < 0.02, "{}", result.p97_5_kg_co2e);
    assert_eq!(result.drivers[0].path, "processes[0].emissions[0]");
    let again = monte_carlo(&product, &library(), gwp_table(), request).unwrap();
    assert_eq!(result, again, "same seed, same result");
}

#[test]
fn data_quality_ratings_give_a_spread_where_no_distribution_is_stated() {
    let mut cup = cup_model();
    cup.processes[0].quality =
        Some(DataQuality { technological: 3, temporal: 3, geographical: 4, completeness: None, reliability: None });
    let request = MonteCarloRequest { iterations: 500, seed: 1, threads: std::num::NonZeroUsize::MIN };
    let result = monte_carlo(&cup, &library(), gwp_table(), request).unwrap();
    assert_eq!(result.pedigree_derived, cup.processes[0].factors.len());
    assert!(result.p2_5_kg_co2e < result.p50_kg_co2e && result.p50_kg_co2e < result.p97_5_kg_co2e);
    assert!(result.drivers.iter().all(|driver| driver.process == "board"));
}

#[test]
fn a_published_summary_names_nothing_internal_and_older_ones_still_read() {
    let footprint = compute(&cup_model(), &library(), gwp_table()).unwrap();
    let summary = published_summary("Ruihe 瑞禾", &footprint, None, 3, Assurance::SelfDeclared);
    let content = serde_json::to_value(&summary).unwrap();
    assert!(content.get("footprint_id").is_none(), "{content}");
    assert_eq!(content["model_version"], 3);
    // A record published before carries the publisher's footprint id, and still reads.
    let mut older = content.clone();
    older["footprint_id"] = serde_json::json!("01a24d86-9274-75b1-b730-c4bafd78feda");
    let read: PublishedFootprint = serde_json::from_value(older).unwrap();
    assert_eq!(read.footprint_id.as_deref(), Some("01a24d86-9274-75b1-b730-c4bafd78feda"));
    assert_eq!(PublishedFootprint { footprint_id: None, ..read }, summary);
}

/// A cup with a heavier conventional twin: the pair every comparison test below publishes.
fn cup_and_heavier_baseline() -> (Footprint, Footprint, Comparison) {
    let product = compute(&cup_model(), &library(), gwp_table()).unwrap();
    let mut heavier = cup_model();
    heavier.processes[1].inputs[0].amount = 20.0;
    let baseline = compute(&heavier, &library(), gwp_table()).unwrap();
    let comparison = compare(&product, &baseline).unwrap();
    assert!(comparison.reduction_percent > 1.0, "the fixture compares: {}", comparison.reduction_percent);
    (product, baseline, comparison)
}

#[test]
fn a_self_declared_summary_publishes_no_comparison_and_says_why() {
    let (product, baseline, comparison) = cup_and_heavier_baseline();
    let summary = published_summary("Ruihe 瑞禾", &product, Some((&baseline, &comparison)), 1, Assurance::SelfDeclared);
    assert_eq!(summary.baseline, None, "no comparative claim without verification");
    assert_eq!(summary.comparison_withheld, Some(ComparisonWithheld::NotVerified));
    assert_eq!(summary.total_kg_co2e, product.total_kg_co2e, "the footprint itself is still published");
    let content = serde_json::to_value(&summary).unwrap();
    assert_eq!(content["comparison_withheld"], serde_json::json!({"code": "not_verified"}));
    assert!(content["baseline"].is_null(), "{content}");
    assert_eq!(summary.public_comparison(Assurance::SelfDeclared), None);
    assert_eq!(summary.withheld_comparison(Assurance::SelfDeclared), Some(ComparisonWithheld::NotVerified));
}

#[test]
fn a_verified_summary_publishes_the_comparison() {
    let (product, baseline, comparison) = cup_and_heavier_baseline();
    let summary = published_summary("Ruihe 瑞禾", &product, Some((&baseline, &comparison)), 1, Assurance::Verified);
    let published = summary.public_comparison(Assurance::Verified).expect("a verified footprint compares");
    assert_eq!(published.reduction_percent, comparison.reduction_percent);
    assert_eq!(published.biogenic_removals_kg_co2e, Some(baseline.biogenic_removals_kg_co2e));
    assert_eq!(summary.comparison_withheld, None);
    assert_eq!(summary.withheld_comparison(Assurance::Verified), None);
    // Without a baseline there is nothing to withhold.
    let alone = published_summary("Ruihe 瑞禾", &product, None, 1, Assurance::SelfDeclared);
    assert_eq!((alone.baseline, alone.comparison_withheld), (None, None));
}

#[test]
fn only_a_sign_off_for_an_independent_body_is_verification() {
    assert_eq!(Assurance::of_sign_off(Some(Signer::IndependentVerificationBody)), Assurance::Verified);
    assert_eq!(Assurance::of_sign_off(Some(Signer::PublisherMember)), Assurance::InternalReview);
    assert_eq!(Assurance::of_sign_off(None), Assurance::SelfDeclared);
    assert!(Assurance::Verified.permits_public_comparison());
    assert!(!Assurance::InternalReview.permits_public_comparison());
    assert!(!Assurance::SelfDeclared.permits_public_comparison());
}

#[test]
fn an_internally_reviewed_summary_publishes_no_comparison_and_says_why() {
    let (product, baseline, comparison) = cup_and_heavier_baseline();
    let summary =
        published_summary("Ruihe 瑞禾", &product, Some((&baseline, &comparison)), 1, Assurance::InternalReview);
    assert_eq!(summary.baseline, None, "a member's own review is not independent verification");
    assert_eq!(summary.comparison_withheld, Some(ComparisonWithheld::InternalReviewOnly));
    let content = serde_json::to_value(&summary).unwrap();
    assert_eq!(content["comparison_withheld"], serde_json::json!({"code": "internal_review_only"}));
    // A record published before the rule, verified by a member, carries the baseline: it is held back too.
    let older: PublishedFootprint = serde_json::from_value(
        serde_json::to_value(published_summary(
            "瑞禾",
            &product,
            Some((&baseline, &comparison)),
            1,
            Assurance::Verified,
        ))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(older.public_comparison(Assurance::InternalReview), None);
    assert_eq!(older.withheld_comparison(Assurance::InternalReview), Some(ComparisonWithheld::InternalReviewOnly));
    assert_eq!(older.reduction_from_uptake(Assurance::InternalReview), None);
}

#[test]
fn an_older_self_declared_record_with_a_comparison_no_longer_shows_it() {
    let (product, baseline, comparison) = cup_and_heavier_baseline();
    // Records published before the rule carried the baseline whether or not they were verified.
    let mut older = serde_json::to_value(published_summary(
        "瑞禾",
        &product,
        Some((&baseline, &comparison)),
        1,
        Assurance::Verified,
    ))
    .unwrap();
    older["baseline"].as_object_mut().unwrap().remove("biogenic_removals_kg_co2e");
    let read: PublishedFootprint = serde_json::from_value(older).unwrap();
    assert!(read.baseline.is_some());
    assert_eq!(read.public_comparison(Assurance::SelfDeclared), None);
    assert_eq!(read.withheld_comparison(Assurance::SelfDeclared), Some(ComparisonWithheld::NotVerified));
    assert!(read.public_comparison(Assurance::Verified).is_some());
}

#[test]
fn a_reduction_that_comes_from_biogenic_uptake_is_told_apart() {
    let (mut product, baseline, mut comparison) = cup_and_heavier_baseline();
    // The product takes up 0.004 kg of biogenic CO2 more than the baseline, which takes up none.
    product.biogenic_removals_kg_co2e = -0.004;
    product.excluding_biogenic_uptake_kg_co2e = product.total_kg_co2e + 0.004;
    comparison.reduction_kg_co2e = baseline.total_kg_co2e - product.total_kg_co2e;
    let summary = published_summary("瑞禾", &product, Some((&baseline, &comparison)), 1, Assurance::Verified);
    let uptake = summary.reduction_from_uptake(Assurance::Verified).expect("uptake is part of the reduction");
    assert!((uptake.uptake_kg_co2e - 0.004).abs() < 1e-15);
    let expected = baseline.total_kg_co2e - (product.total_kg_co2e + 0.004);
    assert!((uptake.reduction_excluding_uptake_kg_co2e - expected).abs() < 1e-15);
    let percent = uptake.reduction_excluding_uptake_percent.unwrap();
    assert!((percent - expected / baseline.total_kg_co2e * 100.0).abs() < 1e-9);
    assert!(uptake.baseline_uptake_known);
    // Not shown when the comparison is not public, nor when there is no uptake.
    assert_eq!(summary.reduction_from_uptake(Assurance::SelfDeclared), None);
    let (plain, baseline, comparison) = cup_and_heavier_baseline();
    let summary = published_summary("瑞禾", &plain, Some((&baseline, &comparison)), 1, Assurance::Verified);
    assert_eq!(summary.reduction_from_uptake(Assurance::Verified), None);
    // Nor when both take up the same, up to rounding (the demo's bamboo and wood-pulp cups differ by 3.47e-17 kg).
    let (mut product, mut baseline, comparison) = cup_and_heavier_baseline();
    product.biogenic_removals_kg_co2e = -0.01463;
    baseline.biogenic_removals_kg_co2e = -0.01463 + 3.47e-17;
    let summary = published_summary("瑞禾", &product, Some((&baseline, &comparison)), 1, Assurance::Verified);
    assert_eq!(summary.reduction_from_uptake(Assurance::Verified), None);
}

#[test]
fn the_primary_data_share_is_the_share_of_emissions_from_primary_data_removals_not_counted() {
    // A measured (primary) process takes up 1.5 kg CO2 and emits 0.5 kg fossil CO2; a secondary process emits
    // 1.5 kg CO2e through a factor. Emissions: 0.5 + 1.5 = 2 kg, 0.5 of them primary: 25 %. Counting the uptake as if
    // it were an emission would give (1.5 + 0.5) / 3.5 = 57 %.
    let mut growing = process("growing", Stage::RawMaterial, "fibre", 1.0, "kg");
    growing.emissions = vec![emission("CO2", Origin::Biogenic, -1.5), emission("CO2", Origin::Fossil, 0.5)];
    let mut pressing = process("pressing", Stage::Production, "board", 1.0, "kg");
    pressing.data = DataKind::Secondary;
    pressing.inputs = vec![input("fibre", 1.0, "kg")];
    pressing.factors = vec![use_factor("grid", 3.0, "kWh")];
    let mut product = model(vec![growing, pressing], "pressing");
    product.product.declared_unit.unit = "kg".into();
    let footprint = compute(&product, &library(), gwp_table()).unwrap();
    assert!((footprint.primary_data_share_percent - 25.0).abs() < 1e-9, "{}", footprint.primary_data_share_percent);
}

#[test]
fn a_measured_energy_amount_is_primary_data_and_its_origin_reaches_the_line() {
    // The same secondary process as above, its 3 kWh now measured on a line: 0.003 kWh/cup × 1000 cups per run.
    // Emissions 0.5 (primary, growing) + 1.5 (now primary, measured) = 2 kg, all primary: 100 %.
    let mut growing = process("growing", Stage::RawMaterial, "fibre", 1.0, "kg");
    growing.emissions = vec![emission("CO2", Origin::Fossil, 0.5)];
    let mut pressing = process("pressing", Stage::Production, "board", 1.0, "kg");
    pressing.data = DataKind::Secondary;
    pressing.inputs = vec![input("fibre", 1.0, "kg")];
    let measured = crate::MeasuredAmount {
        facility: "瑞禾".into(),
        line: "L1".into(),
        line_name: "纸杯一线".into(),
        period_start: "2025-01-01".into(),
        period_end: "2025-12-31".into(),
        carriers: vec!["electricity".into()],
        kwh_per_unit: 0.003,
        output_unit: "cup".into(),
        per_run_units: 1000.0,
        production_units: 1.0e6,
        energy_kwh: 3000.0,
        n_days: 365,
        meters: vec!["L1-drive".into(), "L1-heater".into()],
        n_readings: 70_080,
        estimated_percent: 0.5,
        sku: "CUP".into(),
        lines: vec![crate::MeasuredLine {
            line: "L1".into(),
            line_name: "纸杯一线".into(),
            production_units: 1.0e6,
            energy_kwh: 3000.0,
            kwh_per_unit: 0.003,
            output_share: 1.0,
            allocated_share: 1.0,
            n_days: 365,
            meters: vec!["L1-drive".into(), "L1-heater".into()],
            n_readings: 70_080,
            estimated_percent: 0.5,
        }],
        unmetered_lines: vec!["L3".into()],
    };
    pressing.factors = vec![FactorUse { measured: Some(measured.clone()), ..use_factor("grid", 3.0, "kWh") }];
    let mut product = model(vec![growing, pressing], "pressing");
    product.product.declared_unit.unit = "kg".into();
    let footprint = compute(&product, &library(), gwp_table()).unwrap();
    assert!((footprint.primary_data_share_percent - 100.0).abs() < 1e-9, "{}", footprint.primary_data_share_percent);
    let line = footprint.lines.iter().find(|line| line.path == "processes[1].factors[0]").expect("the energy line");
    assert_eq!(line.data, DataKind::Primary);
    assert_eq!(line.measured.as_ref(), Some(&measured));
    assert!((line.kg_co2e - 1.5).abs() < 1e-12);
    // The record survives the stored JSON of the footprint and of the model.
    let stored: crate::Footprint = serde_json::from_str(&serde_json::to_string(&footprint).unwrap()).unwrap();
    assert_eq!(stored.lines, footprint.lines);
    let model_back: ProductModel = serde_json::from_str(&serde_json::to_string(&product).unwrap()).unwrap();
    assert_eq!(model_back, product);
    // Without the record the same amount is the process's: secondary, 25 %.
    product.processes[1].factors[0].measured = None;
    let footprint = compute(&product, &library(), gwp_table()).unwrap();
    assert!((footprint.primary_data_share_percent - 25.0).abs() < 1e-9);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random loops without the productive scaling: a model is refused exactly when some loop consumes at least what
    /// it makes, and a footprint that is computed is never negative (every direct emission here is positive).
    #[test]
    fn unproductive_random_loops_are_refused_and_no_footprint_is_negative(
        n in 1..6usize,
        inputs in prop::collection::vec((0..6usize, 0..6usize, 0.0..3.0f64), 1..12),
    ) {
        let mut processes: Vec<ProcessModel> = (0..n)
            .map(|idx| {
                let mut process = process(&format!("p{idx}"), Stage::Production, &format!("product{idx}"), 1.0, "kg");
                process.emissions = vec![emission("CO2", Origin::Fossil, 1.0)];
                process
            })
            .collect();
        for &(consumer, provider, amount) in &inputs {
            processes[consumer % n].inputs.push(input(&format!("product{}", provider % n), amount, "kg"));
        }
        let mut product = model(processes, "p0");
        product.product.declared_unit.unit = "kg".into();
        match compute(&product, &library(), gwp_table()) {
            Ok(footprint) => prop_assert!(footprint.total_kg_co2e >= 0.0, "{}", footprint.total_kg_co2e),
            Err(FootprintError::Model(problems)) => prop_assert!(
                problems.problems.iter().all(|problem| matches!(problem.kind, ProblemKind::UnproductiveLoop { .. })),
                "{problems:?}"
            ),
        }
    }
}

#[test]
fn trees_and_formulas_stored_as_english_text_read_back_as_values() {
    let stored = serde_json::json!({
        "name": "cup", "kind": "product", "amount": 1.0, "unit": "unit", "kg_co2e": 0.02,
        "children": [
            { "name": "CO2 (biogenic)", "kind": "emission", "amount": 0.1, "unit": "kg", "kg_co2e": 0.0 },
            { "name": "3 more below the cut-off", "kind": "other", "amount": 3.0, "unit": "items", "kg_co2e": 0.001 },
        ],
    });
    let tree: crate::TreeNode = serde_json::from_value(stored).unwrap();
    assert_eq!(tree.name, crate::NodeName::Legacy { text: "cup".into() });
    assert_eq!(tree.children[0].name, crate::NodeName::Emission { gas: "CO2".into(), origin: Origin::Biogenic });
    assert_eq!(tree.children[1].name, crate::NodeName::FoldedBelowCutOff { n_items: 3 });
    // What is written now reads back the same.
    let again: crate::TreeNode = serde_json::from_value(serde_json::to_value(&tree).unwrap()).unwrap();
    assert_eq!(again, tree);
    let formula: crate::LineFormula = serde_json::from_value(serde_json::json!({
        "code": "exchange", "amount": 1.0, "unit": "kWh", "kg_co2e_per_unit": 0.5, "kg_co2e": 0.5, "entered": null
    }))
    .unwrap();
    assert!(matches!(formula, crate::LineFormula::Exchange { entered: None, .. }));
}

/// Results stored before the subdivided process's parent was a value hold it in an English sentence; it is read
/// back into the value (and is no longer a modeller's reason), so Chinese readers see it in Chinese.
#[test]
fn a_stored_legacy_subdivision_sentence_reads_as_its_parent() {
    let legacy: crate::build::AllocationRecord = serde_json::from_value(serde_json::json!({
        "process": "cup-forming-a",
        "method": "subdivision",
        "follows_hierarchy": true,
        "reason": "subdivided from “纸杯成型线”",
        "shares": [["cup", 1.0]]
    }))
    .expect("a stored record");
    assert_eq!(legacy.subdivision_parent(), Some("纸杯成型线"));
    assert_eq!(legacy.modeller_reason(), None);
    let current =
        crate::build::AllocationRecord { reason: None, subdivided_from: Some("cup line".to_owned()), ..legacy.clone() };
    assert_eq!(current.subdivision_parent(), Some("cup line"));
    // A modeller's own reason on an allocated process is kept as written, even if it mentions subdivision.
    let allocated = crate::build::AllocationRecord {
        method: "mass".to_owned(),
        reason: Some("subdivided from “x” was not possible".to_owned()),
        subdivided_from: None,
        ..legacy
    };
    assert_eq!(allocated.subdivision_parent(), None);
    assert_eq!(allocated.modeller_reason(), Some("subdivided from “x” was not possible"));
}
