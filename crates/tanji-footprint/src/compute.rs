//! Solving a product model and explaining the result: totals per declared unit split into fossil, biogenic and
//! land-use change; contributions by stage, process, gas and exchange; allocation, cut-off and recycling records;
//! data quality and primary data share; a supply-chain tree.

use serde::{Deserialize, Serialize};
use tanji_ghg::{FactorLibrary, GwpTable};
use tanji_lca::{CheckedSolver, SolveError, SolveMethod, SolvePolicy, UnproductiveLoop, find_unproductive_loop};

use crate::build::{AllocationRecord, Built, Column, ItemKind, PRE_CHARACTERISED, build, data_kind_of};
use crate::model::{DataKind, Exemption, Origin, ProductInfo, ProductModel, Stage};
use crate::note::Note;
use crate::problem::{LoopStepNamed, Problem, ProblemKind, Problems, UnsolvableReason};

/// Why a footprint could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FootprintError {
    /// The model has problems (listed with where they are), including a product system that cannot be solved
    /// (a loop that produces nothing net names its processes and the inputs that close it).
    #[error("{0}")]
    Model(#[from] Problems),
}

/// A product carbon footprint per declared unit, with everything that explains it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Footprint {
    pub product: ProductInfo,
    pub gwp_set: String,
    /// ISO 14067 CFP: all emissions and removals, kg CO2e per declared unit (PACT pcfIncludingBiogenicUptake).
    pub total_kg_co2e: f64,
    /// PACT pcfExcludingBiogenicUptake: the total without biogenic CO2 removals.
    pub excluding_biogenic_uptake_kg_co2e: f64,
    /// PACT fossilGhgEmissions.
    pub fossil_kg_co2e: f64,
    pub biogenic_emissions_kg_co2e: f64,
    /// Biogenic CO2 uptake, negative.
    pub biogenic_removals_kg_co2e: f64,
    /// Direct land-use change (PACT landUseChangeGhgEmissions).
    pub land_use_change_kg_co2e: f64,
    pub by_stage: Vec<StageResult>,
    pub by_process: Vec<ProcessResult>,
    pub by_gas: Vec<GasResult>,
    /// Every exchange's contribution with its formula and factor: the provenance drill-down.
    pub lines: Vec<Line>,
    /// PACT primaryDataShare: the share of the footprint's emissions that comes from primary data, % (see
    /// [`primary_data_share_percent`]).
    pub primary_data_share_percent: f64,
    pub data_quality: Option<DataQualitySummary>,
    pub allocations: Vec<AllocationRecord>,
    pub exemptions: ExemptionReport,
    pub recycling: Vec<RecyclingLine>,
    pub supply_tree: TreeNode,
    pub factors: Vec<FactorCitation>,
    #[serde(deserialize_with = "crate::note::read_notes")]
    pub notes: Vec<Note>,
    /// Monte Carlo spread, when one was run ([`crate::monte_carlo`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<crate::UncertaintyResult>,
    /// Which method of the solver policy answered the supply solve behind the totals, and why the LU if it did
    /// (absent in footprints stored before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solved_by: Option<SolveMethod>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageResult {
    pub stage: Stage,
    pub kg_co2e: f64,
    /// Share of the total, %; with removals (negative stages) shares can be negative or exceed 100.
    pub share_percent: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessResult {
    pub process: String,
    pub name_zh: String,
    pub name_en: String,
    pub stage: Stage,
    pub data: DataKind,
    pub kg_co2e: f64,
    pub share_percent: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GasResult {
    /// Gas name, or `CO2e` for pre-characterised amounts (supplier footprints, published totals).
    pub gas: String,
    pub origin: Origin,
    /// kg of the gas itself (absent for pre-characterised amounts).
    pub kg_gas: Option<f64>,
    pub kg_co2e: f64,
}

/// One exchange of the model and what it adds per declared unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// Where in the model, e.g. `processes[2].factors[0]`.
    pub path: String,
    pub process: String,
    pub stage: Stage,
    pub data: DataKind,
    /// `emission`, `factor` or `supplier`.
    pub kind: String,
    pub description: String,
    /// Amount per declared unit, in `unit`.
    pub amount: f64,
    pub unit: String,
    /// `id@version` of the library factor, or the supplier footprint id.
    pub source: String,
    pub kg_co2e_per_unit: f64,
    pub kg_co2e: f64,
    /// The arithmetic with the numbers, e.g. `0.0123 kWh × 0.5568 kg CO2e/kWh = 0.00685 kg CO2e`, as a value.
    #[serde(deserialize_with = "line_formula_or_legacy")]
    pub formula: LineFormula,
    pub gases: Vec<GasResult>,
    pub allocation_share: f64,
    /// The line, period and meters behind a measured amount (absent for typed amounts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured: Option<crate::model::MeasuredAmount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataQualitySummary {
    /// Contribution-weighted mean ratings (1 best, 5 worst).
    pub technological: f64,
    pub temporal: f64,
    pub geographical: f64,
    /// Share of the absolute contributions that carry ratings, %.
    pub coverage_percent: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExemptionReport {
    pub items: Vec<Exemption>,
    pub exempted_kg_co2e: f64,
    /// Exempted estimate as a share of (footprint excluding uptake + exempted), % (PACT exemptedEmissionsPercent).
    pub exempted_percent: f64,
    pub max_exempted_percent: f64,
    pub within_limit: bool,
}

/// Material leaving to recycling under the cut-off approach (no burden, no credit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecyclingLine {
    pub process: String,
    pub material: String,
    pub kg_per_declared_unit: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorCitation {
    /// `id@version`.
    pub factor: String,
    pub name_en: String,
    pub name_zh: String,
    pub unit: String,
    pub citation: String,
    pub url: String,
    pub licence: String,
    pub verification: String,
    pub year: i32,
    pub region: String,
}

/// A line's arithmetic as a value, rendered in the reader's language by `tanji-i18n`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum LineFormula {
    /// `kg_gas` kg of `gas` × GWP `gwp` = `kg_co2e`.
    Emission { kg_gas: f64, gas: String, gwp: f64, kg_co2e: f64 },
    /// `amount` `unit` × `kg_co2e_per_unit` kg CO2e/`unit` = `kg_co2e`; `entered` is the exchange per run as
    /// written in the model (library factors).
    Exchange { amount: f64, unit: String, kg_co2e_per_unit: f64, kg_co2e: f64, entered: Option<String> },
    /// A formula stored by an earlier version, shown as written.
    Legacy { text: String },
}

/// A stored formula: a value, or (before formulas were values) an English string.
fn line_formula_or_legacy<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<LineFormula, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Coded(LineFormula),
        Text(String),
    }
    Ok(match Stored::deserialize(deserializer)? {
        Stored::Coded(formula) => formula,
        Stored::Text(text) => LineFormula::Legacy { text },
    })
}

/// What a supply-tree node is, as a value: names as written in the model stay as written, the engine's own words
/// (an emission's origin, a folded branch) are rendered in the reader's language by `tanji-i18n`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum NodeName {
    /// A process's product: the process id, and the product when the process makes several.
    Process { process: String, product: Option<String> },
    /// A library factor's exchange: its description as written, or else the factor `id@version`.
    Factor { factor: String, description: String },
    /// A supplier footprint, by its names in both languages.
    Supplier { name_zh: String, name_en: String },
    /// An emission of `gas` of `origin`.
    Emission { gas: String, origin: Origin },
    /// `n_items` children folded below the cut-off.
    FoldedBelowCutOff { n_items: usize },
    /// A name stored by an earlier version, shown as written.
    Legacy { text: String },
}

/// A node of the supply-chain tree: a product (or factor, supplier footprint, emission) and its cumulative footprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "StoredTreeNode")]
pub struct TreeNode {
    pub name: NodeName,
    /// `product`, `factor`, `supplier`, `emission`, `loop` (already on the path) or `other` (folded by the cut-off).
    pub kind: String,
    pub amount: f64,
    pub unit: String,
    pub kg_co2e: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<TreeNode>,
}

/// A tree node as stored: its name a value, or (before names were values) the engine's English text, which is read
/// back into a value where the engine wrote it ("CO2 (fossil)", "3 more below the cut-off").
#[derive(Deserialize)]
struct StoredTreeNode {
    name: StoredNodeName,
    kind: String,
    amount: f64,
    unit: String,
    kg_co2e: f64,
    #[serde(default)]
    children: Vec<TreeNode>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum StoredNodeName {
    Coded(NodeName),
    Text(String),
}

impl From<StoredTreeNode> for TreeNode {
    fn from(stored: StoredTreeNode) -> TreeNode {
        let name = match stored.name {
            StoredNodeName::Coded(name) => name,
            StoredNodeName::Text(text) => legacy_node_name(&stored.kind, &stored.unit, stored.amount, text),
        };
        TreeNode {
            name,
            kind: stored.kind,
            amount: stored.amount,
            unit: stored.unit,
            kg_co2e: stored.kg_co2e,
            children: stored.children,
        }
    }
}

fn legacy_node_name(kind: &str, unit: &str, amount: f64, text: String) -> NodeName {
    match kind {
        "emission" => {
            let parsed = text.rsplit_once(" (").and_then(|(gas, origin)| {
                let origin = Origin::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(
                    origin.trim_end_matches(')'),
                ))
                .ok()?;
                Some(NodeName::Emission { gas: gas.to_owned(), origin })
            });
            parsed.unwrap_or(NodeName::Legacy { text })
        }
        "other" if unit == "items" => NodeName::FoldedBelowCutOff { n_items: amount as usize },
        _ => NodeName::Legacy { text },
    }
}

const TREE_DEPTH: usize = 8;

/// Compute a product's footprint per declared unit.
pub fn compute(
    model: &ProductModel,
    library: &FactorLibrary,
    gwp_table: &GwpTable,
) -> Result<Footprint, FootprintError> {
    let built = build(model, library, gwp_table)?;
    check_loops(model, &built)?;
    // The one solver policy of every LCA solve (tanji_lca::policy): GMRES with a verified residual, then the LU.
    let solver = CheckedSolver::new(built.system.clone(), SolvePolicy::default())
        .map_err(|error| solve_error(model, &built, error))?;
    let (unit_supply, solved_by) =
        solver.supply(&[(built.reference_column, 1.0)]).map_err(|error| solve_error(model, &built, error))?;
    let supply: Vec<f64> = unit_supply.iter().map(|runs| runs * built.reference_amount).collect();
    check_supply(model, &built, &supply)?;
    let (scores, _) = solver.all_scores().map_err(|error| solve_error(model, &built, error))?;
    let mut footprint = explain(model, &built, &supply, &scores);
    footprint.solved_by = Some(solved_by);
    Ok(footprint)
}

/// Refuse a model whose processes supply each other in a loop that consumes at least what it makes, naming the
/// processes and the inputs (by model path) that close the loop. Such a system has no non-negative solution: solved
/// anyway it is singular, or gives negative runs and a negative footprint.
pub(crate) fn check_loops(model: &ProductModel, built: &Built) -> Result<(), Problems> {
    let (production, consumptions) = built.system.production_and_consumptions();
    match find_unproductive_loop(&production, &consumptions) {
        Some(found) => Err(Problems::one(loop_problem(model, built, &found))),
        None => Ok(()),
    }
}

fn loop_problem(model: &ProductModel, built: &Built, found: &UnproductiveLoop) -> Problem {
    let steps: Vec<LoopStepNamed> = found
        .cycle
        .iter()
        .map(|step| {
            let path = built
                .items
                .iter()
                .find(|item| {
                    item.column == step.consumer_idx
                        && matches!(item.kind, ItemKind::Product { provider_column, .. } if provider_column == step.provider_idx)
                })
                .map(|item| item.path.clone())
                .unwrap_or_default();
            LoopStepNamed {
                consumer: column_name(model, built, step.consumer_idx),
                provider: column_name(model, built, step.provider_idx),
                units_per_unit: step.units_per_unit,
                path,
            }
        })
        .collect();
    let path = steps.first().map(|step| format!("{}.amount", step.path)).unwrap_or_else(|| "processes".to_owned());
    let processes = found.process_idxs.iter().map(|&column| column_name(model, built, column)).collect();
    Problem::new(
        path,
        ProblemKind::UnproductiveLoop { processes, steps, cycle_gain: found.cycle_gain, loop_gain: found.loop_gain },
    )
}

/// Every foreground process runs zero or more times; a negative run (which only an ill-posed system can produce
/// once loops are checked) would make a negative footprint, so it is refused rather than reported.
fn check_supply(model: &ProductModel, built: &Built, supply: &[f64]) -> Result<(), Problems> {
    let scale = supply.iter().fold(0.0_f64, |max, runs| max.max(runs.abs()));
    let negative: Vec<String> = supply
        .iter()
        .enumerate()
        .filter(|(column, runs)| **runs < -1e-9 * scale && built.process_of(*column).is_some())
        .map(|(column, _)| column_name(model, built, column))
        .collect();
    if negative.is_empty() {
        return Ok(());
    }
    Err(Problems::one(Problem::new("processes", ProblemKind::NegativeSupply { processes: negative })))
}

/// Name the model's processes behind a solver error: foreground processes only (a library factor or a supplier
/// footprint cannot be part of a loop: it has no inputs).
fn solve_error(model: &ProductModel, built: &Built, error: SolveError) -> FootprintError {
    if let SolveError::UnproductiveLoop(found) = &error {
        return FootprintError::Model(Problems::one(loop_problem(model, built, found)));
    }
    let columns: Vec<usize> = match &error {
        SolveError::NoReferenceProduction { process_idxs } | SolveError::NumericallySingular { process_idxs } => {
            process_idxs.iter().copied().filter(|&column| built.process_of(column).is_some()).collect()
        }
        _ => Vec::new(),
    };
    let processes = columns.iter().map(|&column| column_name(model, built, column)).collect::<Vec<_>>();
    FootprintError::Model(Problems::one(Problem::new(
        "processes",
        ProblemKind::Unsolvable { processes, reason: UnsolvableReason::from(&error) },
    )))
}

/// A column's name for people.
pub fn column_name(model: &ProductModel, built: &Built, column: usize) -> String {
    crate::build::column_label(model, built, column).1
}

/// Per-unit direct kg CO2e of a column's own interventions, and its gas split.
fn column_gases(built: &Built, column: usize) -> Vec<GasResult> {
    let factors = built.system.characterization();
    built
        .system
        .biosphere()
        .iter()
        .filter(|entry| entry.col_idx == column)
        .map(|entry| {
            let flow = &built.flows[entry.row_idx];
            GasResult {
                gas: flow.gas.clone(),
                origin: flow.origin,
                kg_gas: (flow.gas != PRE_CHARACTERISED).then_some(entry.value),
                kg_co2e: entry.value * factors[entry.row_idx],
            }
        })
        .collect()
}

fn explain(model: &ProductModel, built: &Built, supply: &[f64], scores: &[f64]) -> Footprint {
    let characterization = built.system.characterization();
    let direct = built.system.direct_impact_per_process();
    let mut lines = Vec::new();
    for item in &built.items {
        let runs = supply[item.column];
        let process_idx = built.process_of(item.column).expect("items belong to foreground columns");
        let process = &model.processes[process_idx];
        let stage = process.stage;
        let data = data_kind_of(model, built, item);
        let line = match &item.kind {
            ItemKind::Emission { gas, origin, kg_per_run } => {
                let flow_idx = built
                    .flows
                    .iter()
                    .position(|flow| flow.gas == *gas && flow.origin == *origin)
                    .expect("every emission has its flow");
                let gwp = characterization[flow_idx];
                let kg_gas = runs * kg_per_run;
                let kg_co2e = kg_gas * gwp;
                Line {
                    path: item.path.clone(),
                    process: process.id.clone(),
                    stage,
                    data,
                    kind: "emission".to_owned(),
                    description: if item.description.is_empty() {
                        format!("{gas} ({})", origin.key())
                    } else {
                        item.description.clone()
                    },
                    amount: kg_gas,
                    unit: format!("kg {gas}"),
                    source: format!("GWP {} {}", built.gwp_set, gas),
                    kg_co2e_per_unit: gwp,
                    kg_co2e,
                    formula: LineFormula::Emission { kg_gas, gas: gas.clone(), gwp, kg_co2e },
                    gases: vec![GasResult { gas: gas.clone(), origin: *origin, kg_gas: Some(kg_gas), kg_co2e }],
                    allocation_share: item.allocation_share,
                    measured: None,
                }
            }
            ItemKind::Factor { factor, amount_per_run, unit, entered, measured } => {
                let column = factor_column(built, factor);
                let amount = runs * amount_per_run;
                let per_unit = direct[column];
                let kg_co2e = amount * per_unit;
                Line {
                    path: item.path.clone(),
                    process: process.id.clone(),
                    stage,
                    data,
                    kind: "factor".to_owned(),
                    description: item.description.clone(),
                    amount,
                    unit: unit.clone(),
                    source: factor.to_string(),
                    kg_co2e_per_unit: per_unit,
                    kg_co2e,
                    formula: LineFormula::Exchange {
                        amount,
                        unit: unit.clone(),
                        kg_co2e_per_unit: per_unit,
                        kg_co2e,
                        entered: Some(entered.clone()),
                    },
                    gases: scale_gases(&column_gases(built, column), amount),
                    allocation_share: item.allocation_share,
                    measured: measured.as_deref().cloned(),
                }
            }
            ItemKind::Supplier { supplier_idx, amount_per_run, unit } => {
                let supplier = &model.supplier_footprints[*supplier_idx];
                let column = built
                    .columns
                    .iter()
                    .position(|kind| *kind == Column::Supplier { supplier_idx: *supplier_idx })
                    .expect("every supplier footprint has its column");
                let amount = runs * amount_per_run;
                let per_unit = direct[column];
                let kg_co2e = amount * per_unit;
                Line {
                    path: item.path.clone(),
                    process: process.id.clone(),
                    stage,
                    data,
                    kind: "supplier".to_owned(),
                    description: item.description.clone(),
                    amount,
                    unit: unit.clone(),
                    source: format!("{} ({}; {})", supplier.id, supplier.supplier, supplier.source),
                    kg_co2e_per_unit: per_unit,
                    kg_co2e,
                    formula: LineFormula::Exchange {
                        amount,
                        unit: unit.clone(),
                        kg_co2e_per_unit: per_unit,
                        kg_co2e,
                        entered: None,
                    },
                    gases: scale_gases(&column_gases(built, column), amount),
                    allocation_share: item.allocation_share,
                    measured: None,
                }
            }
            ItemKind::Product { .. } => continue,
        };
        lines.push(line);
    }

    let total: f64 = lines.iter().map(|line| line.kg_co2e).sum::<f64>() + 0.0;
    let mut by_gas: Vec<GasResult> = Vec::new();
    for gas in lines.iter().flat_map(|line| &line.gases) {
        match by_gas.iter_mut().find(|known| known.gas == gas.gas && known.origin == gas.origin) {
            Some(known) => {
                known.kg_co2e += gas.kg_co2e;
                known.kg_gas = known.kg_gas.zip(gas.kg_gas).map(|(a, b)| a + b);
            }
            None => by_gas.push(gas.clone()),
        }
    }
    by_gas.sort_by(|a, b| b.kg_co2e.abs().total_cmp(&a.kg_co2e.abs()));
    let sum_of = |predicate: &dyn Fn(&GasResult) -> bool| -> f64 {
        lines.iter().flat_map(|line| &line.gases).filter(|gas| predicate(gas)).map(|gas| gas.kg_co2e).sum::<f64>() + 0.0
    };
    let fossil = sum_of(&|gas| gas.origin == Origin::Fossil);
    let biogenic_emissions = sum_of(&|gas| gas.origin == Origin::Biogenic && gas.kg_co2e > 0.0);
    let biogenic_removals = sum_of(&|gas| gas.origin == Origin::Biogenic && gas.kg_co2e < 0.0);
    let land_use_change = sum_of(&|gas| gas.origin == Origin::LandUseChange);
    let absolute_total: f64 = lines.iter().map(|line| line.kg_co2e.abs()).sum::<f64>();
    let share = |value: f64| if total != 0.0 { 100.0 * value / total } else { 0.0 };

    let by_stage: Vec<StageResult> = Stage::ALL
        .into_iter()
        .map(|stage| {
            let kg_co2e = lines.iter().filter(|line| line.stage == stage).map(|line| line.kg_co2e).sum::<f64>() + 0.0;
            StageResult { stage, kg_co2e, share_percent: share(kg_co2e) }
        })
        .collect();
    let mut by_process: Vec<ProcessResult> = model
        .processes
        .iter()
        .map(|process| {
            let kg_co2e =
                lines.iter().filter(|line| line.process == process.id).map(|line| line.kg_co2e).sum::<f64>() + 0.0;
            ProcessResult {
                process: process.id.clone(),
                name_zh: process.name_zh.clone(),
                name_en: process.name_en.clone(),
                stage: process.stage,
                data: process.data,
                kg_co2e,
                share_percent: share(kg_co2e),
            }
        })
        .collect();
    by_process.sort_by(|a, b| b.kg_co2e.abs().total_cmp(&a.kg_co2e.abs()));

    let primary_data_share_percent = primary_data_share_percent(&lines);

    let data_quality = data_quality(model, built, &lines, absolute_total);
    let exempted_kg_co2e: f64 = model.exempted.iter().map(|item| item.estimate_kg_co2e).sum::<f64>() + 0.0;
    let excluding_uptake = total - biogenic_removals;
    let exempted_percent = if excluding_uptake + exempted_kg_co2e > 0.0 {
        100.0 * exempted_kg_co2e / (excluding_uptake + exempted_kg_co2e)
    } else {
        0.0
    };
    let exemptions = ExemptionReport {
        items: model.exempted.clone(),
        exempted_kg_co2e,
        exempted_percent,
        max_exempted_percent: model.cut_off.max_exempted_percent,
        within_limit: exempted_percent <= model.cut_off.max_exempted_percent,
    };
    let mut notes = built.notes.clone();
    for (process_idx, process) in model.processes.iter().enumerate() {
        let reached = built.columns.iter().enumerate().any(|(column, kind)| {
            matches!(kind, Column::Foreground { process_idx: idx, .. } if *idx == process_idx) && supply[column] != 0.0
        });
        if !reached {
            notes.push(Note::ProcessNotReached {
                process: process.id.clone(),
                reference: model.reference_process.clone(),
            });
        }
    }
    if !exemptions.within_limit {
        notes.push(Note::ExemptionsOverLimit {
            percent: exempted_percent,
            limit_percent: model.cut_off.max_exempted_percent,
        });
    }
    let recycling = built
        .columns
        .iter()
        .enumerate()
        .filter_map(|(column, kind)| match kind {
            Column::Foreground { process_idx, output_idx: 0 } => Some((column, *process_idx)),
            _ => None,
        })
        .flat_map(|(column, process_idx)| {
            let process = &model.processes[process_idx];
            process.to_recycling.iter().map(move |output| RecyclingLine {
                process: process.id.clone(),
                material: output.material.clone(),
                kg_per_declared_unit: supply[column] * output.kg,
            })
        })
        .collect();

    let root_column = built.reference_column;
    let root_amount = model.product.declared_unit.amount;
    let root_unit = model.product.declared_unit.unit.clone();
    let threshold = model.cut_off.tree_threshold_percent / 100.0 * total.abs();
    let supply_tree =
        tree(model, built, scores, &direct, root_column, built.reference_amount, &mut Vec::new(), threshold);
    let supply_tree = TreeNode { amount: root_amount, unit: root_unit, ..supply_tree };

    let factors = built
        .factors
        .values()
        .map(|factor| FactorCitation {
            factor: factor.reference().to_string(),
            name_en: factor.name_en.clone(),
            name_zh: factor.name_zh.clone(),
            unit: factor.unit.symbol().to_owned(),
            citation: factor.citation.short(),
            url: factor.citation.url.clone(),
            licence: factor.citation.licence.clone(),
            verification: factor.citation.verification.clone(),
            year: factor.year,
            region: factor.region.clone(),
        })
        .collect();

    Footprint {
        product: model.product.clone(),
        gwp_set: built.gwp_set.name().to_owned(),
        total_kg_co2e: total,
        excluding_biogenic_uptake_kg_co2e: excluding_uptake,
        fossil_kg_co2e: fossil,
        biogenic_emissions_kg_co2e: biogenic_emissions,
        biogenic_removals_kg_co2e: biogenic_removals,
        land_use_change_kg_co2e: land_use_change,
        by_stage,
        by_process,
        by_gas,
        lines,
        primary_data_share_percent,
        data_quality,
        allocations: built.allocations.clone(),
        exemptions,
        recycling,
        supply_tree,
        factors,
        notes,
        uncertainty: None,
        solved_by: None,
    }
}

/// PACT primaryDataShare (PACT Methodology §4.2.2; Technical Specification v3 `CarbonFootprint.primaryDataShare`):
/// the share of the PCF that was calculated from primary data, in percent. Each exchange counts wholly as primary or
/// secondary by its process's `data` (a supplier footprint by its own `data`). The base is the footprint's emissions,
/// i.e. every positive contribution of every gas (fossil, biogenic and land-use change): biogenic CO2 removals are
/// not emissions and are left out of both the primary part and the base, so the share stays within 0–100 % and does
/// not grow because an uptake was measured. (Before this, tanji divided by the sum of absolute contributions, which
/// counted a removal as if it were an emission.)
pub fn primary_data_share_percent(lines: &[Line]) -> f64 {
    let emissions = |line: &Line| line.gases.iter().map(|gas| gas.kg_co2e.max(0.0)).sum::<f64>();
    let total: f64 = lines.iter().map(emissions).sum();
    let primary: f64 = lines.iter().filter(|line| line.data == DataKind::Primary).map(emissions).sum();
    if total > 0.0 { 100.0 * primary / total } else { 0.0 }
}

fn factor_column(built: &Built, factor: &tanji_ghg::FactorRef) -> usize {
    built
        .columns
        .iter()
        .position(|kind| matches!(kind, Column::Factor { factor: known } if known == factor))
        .expect("every factor used has its column")
}

fn scale_gases(gases: &[GasResult], amount: f64) -> Vec<GasResult> {
    gases
        .iter()
        .map(|gas| GasResult {
            gas: gas.gas.clone(),
            origin: gas.origin,
            kg_gas: gas.kg_gas.map(|kg| kg * amount),
            kg_co2e: gas.kg_co2e * amount,
        })
        .collect()
}

fn data_quality(
    model: &ProductModel,
    built: &Built,
    lines: &[Line],
    absolute_total: f64,
) -> Option<DataQualitySummary> {
    let mut weight = 0.0;
    let mut sums = [0.0; 3];
    for (line, item) in
        lines.iter().zip(built.items.iter().filter(|item| !matches!(item.kind, ItemKind::Product { .. })))
    {
        let quality = match item.kind {
            ItemKind::Supplier { supplier_idx, .. } => model.supplier_footprints[supplier_idx].quality,
            _ => built.process_of(item.column).and_then(|idx| model.processes[idx].quality),
        };
        let Some(quality) = quality else { continue };
        let contribution = line.kg_co2e.abs();
        weight += contribution;
        sums[0] += contribution * f64::from(quality.technological);
        sums[1] += contribution * f64::from(quality.temporal);
        sums[2] += contribution * f64::from(quality.geographical);
    }
    (weight > 0.0).then(|| DataQualitySummary {
        technological: sums[0] / weight,
        temporal: sums[1] / weight,
        geographical: sums[2] / weight,
        coverage_percent: 100.0 * weight / absolute_total,
    })
}

/// The supply-chain tree below `amount` units of the product in `column`.
#[allow(clippy::too_many_arguments)]
fn tree(
    model: &ProductModel,
    built: &Built,
    scores: &[f64],
    direct: &[f64],
    column: usize,
    amount: f64,
    path: &mut Vec<usize>,
    threshold: f64,
) -> TreeNode {
    let kg_co2e = amount * scores[column];
    let Column::Foreground { process_idx, output_idx } = built.columns[column] else {
        unreachable!("the tree only descends into foreground columns")
    };
    let output = &model.processes[process_idx].outputs[output_idx];
    let name = NodeName::Process {
        process: model.processes[process_idx].id.clone(),
        product: (model.processes[process_idx].outputs.len() > 1).then(|| output.product.clone()),
    };
    if path.contains(&column) || path.len() >= TREE_DEPTH {
        let kind = if path.contains(&column) { "loop" } else { "other" };
        return TreeNode { name, kind: kind.to_owned(), amount, unit: output.unit.clone(), kg_co2e, children: vec![] };
    }
    path.push(column);
    let runs = amount / output.amount;
    let characterization = built.system.characterization();
    let mut children = Vec::new();
    for item in built.items.iter().filter(|item| item.column == column) {
        let child = match &item.kind {
            ItemKind::Product { provider_column, amount_per_run, .. } => {
                tree(model, built, scores, direct, *provider_column, runs * amount_per_run, path, threshold)
            }
            ItemKind::Factor { factor, amount_per_run, unit, .. } => TreeNode {
                name: NodeName::Factor { factor: factor.to_string(), description: item.description.clone() },
                kind: "factor".to_owned(),
                amount: runs * amount_per_run,
                unit: unit.clone(),
                kg_co2e: runs * amount_per_run * direct[factor_column(built, factor)],
                children: vec![],
            },
            ItemKind::Supplier { supplier_idx, amount_per_run, unit } => {
                let supplier_column = built
                    .columns
                    .iter()
                    .position(|kind| *kind == Column::Supplier { supplier_idx: *supplier_idx })
                    .expect("supplier column");
                TreeNode {
                    name: NodeName::Supplier {
                        name_zh: model.supplier_footprints[*supplier_idx].name_zh.clone(),
                        name_en: model.supplier_footprints[*supplier_idx].name_en.clone(),
                    },
                    kind: "supplier".to_owned(),
                    amount: runs * amount_per_run,
                    unit: unit.clone(),
                    kg_co2e: runs * amount_per_run * direct[supplier_column],
                    children: vec![],
                }
            }
            ItemKind::Emission { gas, origin, kg_per_run } => {
                let flow_idx = built
                    .flows
                    .iter()
                    .position(|flow| flow.gas == *gas && flow.origin == *origin)
                    .expect("every emission has its flow");
                TreeNode {
                    name: NodeName::Emission { gas: gas.clone(), origin: *origin },
                    kind: "emission".to_owned(),
                    amount: runs * kg_per_run,
                    unit: "kg".to_owned(),
                    kg_co2e: runs * kg_per_run * characterization[flow_idx],
                    children: vec![],
                }
            }
        };
        children.push(child);
    }
    path.pop();
    children.sort_by(|a, b| b.kg_co2e.abs().total_cmp(&a.kg_co2e.abs()));
    let (kept, folded): (Vec<TreeNode>, Vec<TreeNode>) =
        children.into_iter().partition(|child| child.kg_co2e.abs() >= threshold);
    let mut children = kept;
    if !folded.is_empty() {
        children.push(TreeNode {
            name: NodeName::FoldedBelowCutOff { n_items: folded.len() },
            kind: "other".to_owned(),
            amount: folded.len() as f64,
            unit: "items".to_owned(),
            kg_co2e: folded.iter().map(|child| child.kg_co2e).sum(),
            children: vec![],
        });
    }
    TreeNode { name, kind: "product".to_owned(), amount, unit: output.unit.clone(), kg_co2e, children }
}

/// A number with enough significant figures for a formula line.
pub fn figure(value: f64) -> String {
    if value == 0.0 {
        return "0".to_owned();
    }
    let magnitude = value.abs().log10().floor() as i32;
    if !(-4..6).contains(&magnitude) {
        return format!("{value:.4e}");
    }
    let decimals = (5 - magnitude).clamp(0, 10) as usize;
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text };
    if text == "-0" { "0".to_owned() } else { text }
}

/// How a product compares with its baseline (the "reduction footprint", 减碳足迹), per declared unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub product_kg_co2e: f64,
    pub baseline_kg_co2e: f64,
    /// Baseline minus product: positive when the product is lower.
    pub reduction_kg_co2e: f64,
    /// Reduction as a share of the baseline, %.
    pub reduction_percent: f64,
    pub by_stage: Vec<StageComparison>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageComparison {
    pub stage: Stage,
    pub product_kg_co2e: f64,
    pub baseline_kg_co2e: f64,
    pub reduction_kg_co2e: f64,
}

/// Compare a footprint with a baseline's. Both must be per the same declared unit and under the same GWP set.
pub fn compare(product: &Footprint, baseline: &Footprint) -> Result<Comparison, Problems> {
    let mut problems = Problems::default();
    let (ours, theirs) = (&product.product.declared_unit, &baseline.product.declared_unit);
    if ours.amount != theirs.amount || ours.unit != theirs.unit {
        problems.push(Problem::new(
            "baseline.product.declared_unit",
            ProblemKind::DeclaredUnitsDiffer {
                product_amount: ours.amount,
                product_unit: ours.unit.clone(),
                baseline_amount: theirs.amount,
                baseline_unit: theirs.unit.clone(),
            },
        ));
    }
    if product.gwp_set != baseline.gwp_set {
        problems.push(Problem::new(
            "baseline.gwp",
            ProblemKind::GwpSetsDiffer { product: product.gwp_set.clone(), baseline: baseline.gwp_set.clone() },
        ));
    }
    problems.into_result()?;
    let reduction = baseline.total_kg_co2e - product.total_kg_co2e;
    Ok(Comparison {
        product_kg_co2e: product.total_kg_co2e,
        baseline_kg_co2e: baseline.total_kg_co2e,
        reduction_kg_co2e: reduction,
        reduction_percent: if baseline.total_kg_co2e != 0.0 { 100.0 * reduction / baseline.total_kg_co2e } else { 0.0 },
        by_stage: product
            .by_stage
            .iter()
            .zip(&baseline.by_stage)
            .map(|(ours, theirs)| StageComparison {
                stage: ours.stage,
                product_kg_co2e: ours.kg_co2e,
                baseline_kg_co2e: theirs.kg_co2e,
                reduction_kg_co2e: theirs.kg_co2e - ours.kg_co2e,
            })
            .collect(),
    })
}
