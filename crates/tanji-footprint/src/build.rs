//! From a product model to matrices: every foreground output becomes a column of the technosphere (split by
//! allocation when a process has several outputs), every library factor and supplier footprint a background column
//! with its emissions, every (gas, origin) an elementary flow characterised by the model's GWP set.
//!
//! Each model exchange is remembered as an [`Item`] so that results can be traced back from a number to the
//! exchange, factor and formula it came from.

use std::collections::{BTreeMap, HashMap};

use tanji_ghg::{Co2eBasis, EmissionFactor, FactorLibrary, FactorRef, Gas, GwpSet, GwpTable};
use tanji_lca::{Distribution, Entry, System};
use tanji_units::Unit;

use crate::model::{
    AllocationMethod, DataKind, DataQuality, Origin, ProcessModel, ProductModel, Stage, SupplierFootprint,
};
use crate::note::Note;
use crate::problem::{
    AmountOf, Problem, ProblemKind, Problems, SupplierAmount, TextProblem, UncertaintyReason, closest,
};
use crate::product::{ProductNames, Sku};

/// Label of the pre-characterised flows (supplier footprints and CO2e totals published without a gas split).
pub const PRE_CHARACTERISED: &str = "CO2e";

/// What a column of the technosphere stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Output `output_idx` of foreground process `process_idx`.
    Foreground { process_idx: usize, output_idx: usize },
    /// One unit (the factor's unit) of the activity a library factor describes.
    Factor { factor: FactorRef },
    /// One unit of a supplier's product.
    Supplier { supplier_idx: usize },
}

/// An elementary flow: a gas of some origin, or a pre-characterised CO2e amount.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Flow {
    /// Gas name as in the GWP table, or [`PRE_CHARACTERISED`].
    pub gas: String,
    pub origin: Origin,
}

/// Which part of the model an item comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// A gas emitted by the process itself.
    Emission { gas: String, origin: Origin, kg_per_run: f64 },
    /// An activity times a library factor (transport legs included).
    Factor {
        factor: FactorRef,
        amount_per_run: f64,
        unit: String,
        entered: String,
        /// The measured origin of the amount, when it was handed over from a line's meters.
        measured: Option<Box<crate::model::MeasuredAmount>>,
    },
    /// A supplier footprint consumed.
    Supplier { supplier_idx: usize, amount_per_run: f64, unit: String },
    /// A product of another foreground process consumed (its footprint belongs to that process).
    Product { provider_column: usize, amount_per_run: f64, unit: String },
}

/// One exchange of the model, placed in the matrices: column `column` is the consuming foreground column.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub column: usize,
    /// Where in the model it was written, e.g. `processes[2].factors[0]`.
    pub path: String,
    pub description: String,
    pub kind: ItemKind,
    /// The exchange's own spread, if the model gave one, for the amount as entered.
    pub uncertainty: Option<Distribution>,
    /// The amount as the model states it (entered unit, before allocation); `uncertainty` is about this amount.
    pub entered_amount: f64,
    /// The allocation share applied (1 for single-output processes).
    pub allocation_share: f64,
}

/// How one multi-output process was split.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AllocationRecord {
    pub process: String,
    /// `mass`, `energy` or `economic`; `subdivision` for processes split by the modeller.
    pub method: String,
    /// Whether the method is the first the ISO 14067 hierarchy allows with the data given.
    pub follows_hierarchy: bool,
    /// The modeller's reason for departing from the hierarchy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For `subdivision`: the process the modeller split this one from (rendered per language by the adapters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdivided_from: Option<String>,
    /// Product and its share (0–1).
    pub shares: Vec<(String, f64)>,
}

impl AllocationRecord {
    /// The process this one was split from, for a subdivision. Records stored before the parent was kept as a value
    /// carry it in an English sentence in `reason` (`subdivided from “cup line”`); that sentence is read back into
    /// the value, so every reader sees it in their own language.
    pub fn subdivision_parent(&self) -> Option<&str> {
        self.subdivided_from.as_deref().or_else(|| self.legacy_subdivision_parent())
    }

    /// The modeller's own reason, leaving out the legacy subdivision sentence (see [`Self::subdivision_parent`]).
    pub fn modeller_reason(&self) -> Option<&str> {
        if self.legacy_subdivision_parent().is_some() { None } else { self.reason.as_deref() }
    }

    fn legacy_subdivision_parent(&self) -> Option<&str> {
        if self.method != "subdivision" {
            return None;
        }
        let reason = self.reason.as_deref()?.trim();
        let quoted = reason.strip_prefix("subdivided from")?.trim_start();
        quoted
            .strip_prefix('“')
            .and_then(|rest| rest.strip_suffix('”'))
            .or_else(|| quoted.strip_prefix('"').and_then(|rest| rest.strip_suffix('"')))
            .filter(|parent| !parent.is_empty())
    }
}

/// The product system in matrix form, with everything needed to explain it.
#[derive(Debug, Clone)]
pub struct Built {
    pub system: System,
    pub columns: Vec<Column>,
    pub flows: Vec<Flow>,
    pub items: Vec<Item>,
    pub gwp_set: GwpSet,
    /// Column of the reference product and how many of its units make one declared unit.
    pub reference_column: usize,
    pub reference_amount: f64,
    pub allocations: Vec<AllocationRecord>,
    /// Factors used, by reference, for citations.
    pub factors: BTreeMap<FactorRef, EmissionFactor>,
    /// Notes for the report that are not errors (e.g. a factor published under another GWP set).
    pub notes: Vec<Note>,
}

impl Built {
    /// The foreground process of a column, if it is one.
    pub fn process_of(&self, column: usize) -> Option<usize> {
        match self.columns[column] {
            Column::Foreground { process_idx, .. } => Some(process_idx),
            _ => None,
        }
    }
}

/// Resolve `id` or `id@version` in the library.
pub fn resolve_factor<'a>(library: &'a FactorLibrary, text: &str) -> Option<&'a EmissionFactor> {
    match text.rsplit_once('@') {
        Some((id, version)) => version.trim().parse().ok().and_then(|version| library.get(id.trim(), version)),
        None => library.latest(text.trim()),
    }
}

/// Build the matrices of a model. Every problem in the model is reported at once.
pub fn build(model: &ProductModel, library: &FactorLibrary, gwp_table: &GwpTable) -> Result<Built, Problems> {
    let mut problems = Problems::default();
    let gwp_set: GwpSet = match model.gwp.parse() {
        Ok(set) => set,
        Err(error) => {
            let _ = error;
            problems.push(Problem::new("gwp", ProblemKind::UnknownGwpSet { given: model.gwp.clone() }));
            GwpSet::AR6
        }
    };
    check_product(model, &mut problems);

    // Columns: foreground outputs first, in model order.
    let mut columns = Vec::new();
    let mut product_columns: HashMap<&str, usize> = HashMap::new();
    let mut process_ids: HashMap<&str, usize> = HashMap::new();
    for (process_idx, process) in model.processes.iter().enumerate() {
        let path = format!("processes[{process_idx}]");
        if process_ids.insert(process.id.as_str(), process_idx).is_some() {
            problems
                .push(Problem::new(format!("{path}.id"), ProblemKind::DuplicateProcessId { id: process.id.clone() }));
        }
        if process.outputs.is_empty() {
            problems.push(Problem::new(
                format!("{path}.outputs"),
                ProblemKind::ProcessMakesNothing { id: process.id.clone() },
            ));
        }
        for (output_idx, output) in process.outputs.iter().enumerate() {
            let output_path = format!("{path}.outputs[{output_idx}]");
            if !(output.amount.is_finite() && output.amount > 0.0) {
                problems.push(Problem::new(
                    format!("{output_path}.amount"),
                    ProblemKind::OutputAmountNotPositive { amount: output.amount },
                ));
            }
            check_unit(&output.unit, &format!("{output_path}.unit"), &mut problems);
            // Allocation keys are checked where a rule uses them; a stated one must still be a number (it is stored).
            for (field, value) in
                [("mass_kg", output.mass_kg), ("energy_mj", output.energy_mj), ("revenue", output.revenue)]
            {
                if let Some(value) = value {
                    check_amount(value, &format!("{output_path}.{field}"), AmountOf::AllocationKey, &mut problems);
                }
            }
            if product_columns.insert(output.product.as_str(), columns.len()).is_some() {
                problems.push(Problem::new(
                    format!("{output_path}.product"),
                    ProblemKind::ProductMadeTwice { product: output.product.clone() },
                ));
            }
            columns.push(Column::Foreground { process_idx, output_idx });
        }
    }
    let mut supplier_ids: HashMap<&str, usize> = HashMap::new();
    for (supplier_idx, supplier) in model.supplier_footprints.iter().enumerate() {
        check_supplier(supplier, supplier_idx, &mut problems);
        if product_columns.contains_key(supplier.id.as_str())
            || supplier_ids.insert(supplier.id.as_str(), supplier_idx).is_some()
        {
            problems.push(Problem::new(
                format!("supplier_footprints[{supplier_idx}].id"),
                ProblemKind::DuplicateSupplierId { id: supplier.id.clone() },
            ));
        }
    }

    let mut allocations = Vec::new();
    let mut shares_by_process: Vec<Vec<f64>> = Vec::with_capacity(model.processes.len());
    for (process_idx, process) in model.processes.iter().enumerate() {
        let (shares, record) = allocate(process, process_idx, &mut problems);
        if let Some(record) = record {
            allocations.push(record);
        }
        shares_by_process.push(shares);
    }

    let mut items = Vec::new();
    let mut factors: BTreeMap<FactorRef, EmissionFactor> = BTreeMap::new();
    let mut notes = Vec::new();
    for (column, kind) in columns.clone().iter().enumerate() {
        let Column::Foreground { process_idx, output_idx } = *kind else { continue };
        let process = &model.processes[process_idx];
        let share = shares_by_process[process_idx].get(output_idx).copied().unwrap_or(1.0);
        let path = format!("processes[{process_idx}]");
        for (idx, input) in process.inputs.iter().enumerate() {
            let input_path = format!("{path}.inputs[{idx}]");
            check_amount(input.amount, &format!("{input_path}.amount"), AmountOf::Input, &mut problems);
            check_distribution(input.uncertainty.as_ref(), input.amount, &input_path, &mut problems);
            if let Some(&provider_column) = product_columns.get(input.product.as_str()) {
                let Column::Foreground { process_idx: provider_process, output_idx: provider_output } =
                    columns[provider_column]
                else {
                    unreachable!("product columns are foreground columns")
                };
                let provider_unit = &model.processes[provider_process].outputs[provider_output].unit;
                let Some(amount) = convert(input.amount, &input.unit, provider_unit, &input_path, &mut problems) else {
                    continue;
                };
                items.push(Item {
                    column,
                    path: input_path,
                    description: if input.note.is_empty() { input.product.clone() } else { input.note.clone() },
                    kind: ItemKind::Product {
                        provider_column,
                        amount_per_run: amount * share,
                        unit: provider_unit.clone(),
                    },
                    uncertainty: input.uncertainty,
                    entered_amount: input.amount,
                    allocation_share: share,
                });
            } else if let Some(&supplier_idx) = supplier_ids.get(input.product.as_str()) {
                let supplier = &model.supplier_footprints[supplier_idx];
                let Some(amount) = convert(input.amount, &input.unit, &supplier.unit, &input_path, &mut problems)
                else {
                    continue;
                };
                items.push(Item {
                    column,
                    path: input_path,
                    description: if input.note.is_empty() { supplier.name_en.clone() } else { input.note.clone() },
                    kind: ItemKind::Supplier {
                        supplier_idx,
                        amount_per_run: amount * share,
                        unit: supplier.unit.clone(),
                    },
                    uncertainty: input.uncertainty.or(supplier.uncertainty),
                    entered_amount: input.amount,
                    allocation_share: share,
                });
            } else {
                let known = product_columns.keys().chain(supplier_ids.keys()).copied();
                problems.push(Problem::new(
                    format!("{input_path}.product"),
                    ProblemKind::UnknownProduct {
                        product: input.product.clone(),
                        suggestion: closest(&input.product, known),
                    },
                ));
            }
        }
        for (idx, usage) in process.factors.iter().enumerate() {
            let usage_path = format!("{path}.factors[{idx}]");
            check_amount(usage.amount, &format!("{usage_path}.amount"), AmountOf::FactorActivity, &mut problems);
            check_distribution(usage.uncertainty.as_ref(), usage.amount, &usage_path, &mut problems);
            let Some(factor) = lookup_factor(library, &usage.factor, &usage_path, &mut problems) else { continue };
            let Some(amount) = convert(usage.amount, &usage.unit, factor.unit.symbol(), &usage_path, &mut problems)
            else {
                continue;
            };
            items.push(Item {
                column,
                path: usage_path,
                description: if usage.note.is_empty() { factor.name_en.clone() } else { usage.note.clone() },
                kind: ItemKind::Factor {
                    factor: factor.reference(),
                    amount_per_run: amount * share,
                    unit: factor.unit.symbol().to_owned(),
                    entered: format!("{} {}", usage.amount, usage.unit),
                    measured: usage.measured.clone().map(Box::new),
                },
                uncertainty: usage.uncertainty,
                entered_amount: usage.amount,
                allocation_share: share,
            });
            factors.insert(factor.reference(), factor.clone());
        }
        for (idx, leg) in process.transport.iter().enumerate() {
            let leg_path = format!("{path}.transport[{idx}]");
            check_amount(leg.mass_kg, &format!("{leg_path}.mass_kg"), AmountOf::TransportMass, &mut problems);
            check_amount(
                leg.distance_km,
                &format!("{leg_path}.distance_km"),
                AmountOf::TransportDistance,
                &mut problems,
            );
            let tonne_km = leg.mass_kg / 1000.0 * leg.distance_km;
            check_distribution(leg.uncertainty.as_ref(), tonne_km, &leg_path, &mut problems);
            let Some(factor) = lookup_factor(library, &leg.factor, &leg_path, &mut problems) else { continue };
            let Some(amount) = convert(tonne_km, "t.km", factor.unit.symbol(), &leg_path, &mut problems) else {
                continue;
            };
            items.push(Item {
                column,
                path: leg_path,
                description: if leg.note.is_empty() { factor.name_en.clone() } else { leg.note.clone() },
                kind: ItemKind::Factor {
                    factor: factor.reference(),
                    amount_per_run: amount * share,
                    unit: factor.unit.symbol().to_owned(),
                    entered: format!(
                        "{} kg × {} km = {} t.km",
                        crate::compute::figure(leg.mass_kg),
                        crate::compute::figure(leg.distance_km),
                        crate::compute::figure(tonne_km)
                    ),
                    measured: None,
                },
                uncertainty: leg.uncertainty,
                entered_amount: tonne_km,
                allocation_share: share,
            });
            factors.insert(factor.reference(), factor.clone());
        }
        for (idx, recycled) in process.to_recycling.iter().enumerate() {
            check_amount(recycled.kg, &format!("{path}.to_recycling[{idx}].kg"), AmountOf::Recycling, &mut problems);
        }
        for (idx, emission) in process.emissions.iter().enumerate() {
            let emission_path = format!("{path}.emissions[{idx}]");
            if !emission.kg.is_finite() {
                problems.push(Problem::new(format!("{emission_path}.kg"), ProblemKind::EmissionNotANumber));
            }
            check_distribution(emission.uncertainty.as_ref(), emission.kg, &emission_path, &mut problems);
            let gas = Gas::parse(&emission.gas);
            if !gwp_table.knows(&gas) {
                problems.push(Problem::new(
                    format!("{emission_path}.gas"),
                    ProblemKind::UnknownGas {
                        gas: emission.gas.clone(),
                        suggestion: closest(&emission.gas, gwp_table.species()),
                    },
                ));
                continue;
            }
            if emission.kg < 0.0 && !(emission.origin == Origin::Biogenic && gas.name() == Gas::CO2) {
                problems.push(Problem::new(
                    format!("{emission_path}.kg"),
                    ProblemKind::NegativeEmission { gas: gas.name().to_owned(), kg: emission.kg },
                ));
            }
            items.push(Item {
                column,
                path: emission_path,
                description: emission.note.clone(),
                kind: ItemKind::Emission {
                    gas: gas.name().to_owned(),
                    origin: emission.origin,
                    kg_per_run: emission.kg * share,
                },
                uncertainty: emission.uncertainty,
                entered_amount: emission.kg,
                allocation_share: share,
            });
        }
    }

    let reference = model.processes.iter().position(|process| process.id == model.reference_process);
    let (reference_column, reference_amount) = match reference {
        Some(process_idx) if !model.processes[process_idx].outputs.is_empty() => {
            let output = &model.processes[process_idx].outputs[0];
            let column = product_columns[output.product.as_str()];
            let amount = convert(
                model.product.declared_unit.amount,
                &model.product.declared_unit.unit,
                &output.unit,
                "product.declared_unit",
                &mut problems,
            )
            .unwrap_or(1.0);
            (column, amount)
        }
        _ => {
            problems.push(Problem::new(
                "reference_process",
                ProblemKind::UnknownReferenceProcess {
                    process: model.reference_process.clone(),
                    suggestion: closest(
                        &model.reference_process,
                        model.processes.iter().map(|process| process.id.as_str()),
                    ),
                },
            ));
            (0, 1.0)
        }
    };
    problems.into_result()?;

    // Background columns, in a stable order.
    for factor in factors.keys() {
        columns.push(Column::Factor { factor: factor.clone() });
    }
    for supplier_idx in 0..model.supplier_footprints.len() {
        columns.push(Column::Supplier { supplier_idx });
    }
    let factor_column: HashMap<&FactorRef, usize> = columns
        .iter()
        .enumerate()
        .filter_map(|(column, kind)| match kind {
            Column::Factor { factor } => Some((factors.get_key_value(factor).map(|(key, _)| key)?, column)),
            _ => None,
        })
        .collect();
    let supplier_column = |supplier_idx: usize| columns.len() - model.supplier_footprints.len() + supplier_idx;

    let mut flows: Vec<Flow> = Vec::new();
    let mut flow_index: HashMap<Flow, usize> = HashMap::new();
    let mut flow_of = |gas: &str, origin: Origin| -> usize {
        let flow = Flow { gas: gas.to_owned(), origin };
        *flow_index.entry(flow.clone()).or_insert_with(|| {
            flows.push(flow);
            flows.len() - 1
        })
    };

    let mut technosphere = Vec::new();
    let mut biosphere = Vec::new();
    for (column, kind) in columns.iter().enumerate() {
        match kind {
            Column::Foreground { process_idx, output_idx } => {
                let amount = model.processes[*process_idx].outputs[*output_idx].amount;
                technosphere.push(Entry { row_idx: column, col_idx: column, value: amount });
            }
            Column::Factor { factor } => {
                technosphere.push(Entry { row_idx: column, col_idx: column, value: 1.0 });
                let factor = &factors[factor];
                let co2e = factor.co2e(gwp_set, gwp_table).map_err(|error| {
                    Problems::one(Problem::new(
                        "factors",
                        match error {
                            tanji_ghg::FactorError::Gwp { source, .. } => {
                                let (gas, set) = gwp_error_parts(source);
                                ProblemKind::FactorNotCharacterised {
                                    factor: factor.reference().to_string(),
                                    gas: Some(gas),
                                    set,
                                }
                            }
                            _ => ProblemKind::FactorNotCharacterised {
                                factor: factor.reference().to_string(),
                                gas: None,
                                set: None,
                            },
                        },
                    ))
                })?;
                if let Co2eBasis::Published { gwp_set: published } = co2e.basis
                    && published != gwp_set
                {
                    notes.push(Note::FactorPublishedUnderOtherGwp {
                        factor: factor.reference().to_string(),
                        published: published.name().to_owned(),
                        used: gwp_set.name().to_owned(),
                    });
                }
                for contribution in &co2e.contributions {
                    match (&contribution.gas, contribution.kg_gas_per_unit) {
                        (Some(gas), Some(kg)) => biosphere.push(Entry {
                            row_idx: flow_of(gas.name(), Origin::Fossil),
                            col_idx: column,
                            value: kg,
                        }),
                        _ => biosphere.push(Entry {
                            row_idx: flow_of(PRE_CHARACTERISED, Origin::Fossil),
                            col_idx: column,
                            value: contribution.kg_co2e_per_unit,
                        }),
                    }
                }
                if let Some(biogenic) = factor.biogenic_co2_kg_per_unit {
                    biosphere.push(Entry {
                        row_idx: flow_of(Gas::CO2, Origin::Biogenic),
                        col_idx: column,
                        value: biogenic,
                    });
                }
            }
            Column::Supplier { supplier_idx } => {
                technosphere.push(Entry { row_idx: column, col_idx: column, value: 1.0 });
                let supplier = &model.supplier_footprints[*supplier_idx];
                // Removals are biogenic CO2 taken up (GWP 1), kept apart from the pre-characterised emissions.
                for (gas, origin, value) in [
                    (PRE_CHARACTERISED, Origin::Fossil, supplier.fossil_kg_co2e),
                    (PRE_CHARACTERISED, Origin::Biogenic, supplier.biogenic_emissions_kg_co2e),
                    (Gas::CO2, Origin::Biogenic, supplier.biogenic_removals_kg_co2e),
                    (PRE_CHARACTERISED, Origin::LandUseChange, supplier.land_use_change_kg_co2e),
                ] {
                    if value != 0.0 {
                        biosphere.push(Entry { row_idx: flow_of(gas, origin), col_idx: column, value });
                    }
                }
            }
        }
    }
    for item in &items {
        match &item.kind {
            ItemKind::Emission { gas, origin, kg_per_run } => {
                biosphere.push(Entry { row_idx: flow_of(gas, *origin), col_idx: item.column, value: *kg_per_run });
            }
            ItemKind::Factor { factor, amount_per_run, .. } => technosphere.push(Entry {
                row_idx: factor_column[factor],
                col_idx: item.column,
                value: -amount_per_run,
            }),
            ItemKind::Supplier { supplier_idx, amount_per_run, .. } => technosphere.push(Entry {
                row_idx: supplier_column(*supplier_idx),
                col_idx: item.column,
                value: -amount_per_run,
            }),
            ItemKind::Product { provider_column, amount_per_run, .. } => {
                technosphere.push(Entry { row_idx: *provider_column, col_idx: item.column, value: -amount_per_run })
            }
        }
    }
    let characterization = flows
        .iter()
        .map(
            |flow| {
                if flow.gas == PRE_CHARACTERISED { Ok(1.0) } else { gwp_table.gwp(&Gas::parse(&flow.gas), gwp_set) }
            },
        )
        .collect::<Result<Vec<f64>, _>>()
        .map_err(|error| {
            let (gas, set) = gwp_error_parts(error);
            Problems::one(Problem::new("gwp", ProblemKind::GwpUnavailable { gas, set }))
        })?;
    let system = System::new(columns.len(), flows.len(), &technosphere, &biosphere, characterization)
        .map_err(|error| Problems::one(Problem::new("processes", ProblemKind::SystemInvalid { error })))?;
    Ok(Built {
        system,
        columns,
        flows,
        items,
        gwp_set,
        reference_column,
        reference_amount,
        allocations,
        factors,
        notes,
    })
}

fn check_product(model: &ProductModel, problems: &mut Problems) {
    let product = &model.product;
    if let Err(error) = Sku::parse("sku", &product.sku) {
        problems.push(Problem::new(
            "product.sku",
            ProblemKind::InvalidSku { problem: TextProblem::from(&error.problem), max_chars: Sku::MAX_CHARS },
        ));
    }
    if let Err(error) = ProductNames::parse("name_zh", &product.name_zh, "name_en", &product.name_en) {
        problems.push(Problem::new(
            format!("product.{}", error.field),
            ProblemKind::InvalidName {
                field: error.field.to_string(),
                problem: TextProblem::from(&error.problem),
                max_chars: ProductNames::MAX_CHARS,
            },
        ));
    }
    let unit = &product.declared_unit;
    if !(unit.amount.is_finite() && unit.amount > 0.0) {
        problems.push(Problem::new(
            "product.declared_unit.amount",
            ProblemKind::DeclaredUnitNotPositive { amount: unit.amount },
        ));
    }
    if !(product.mass_per_declared_unit_kg.is_finite() && product.mass_per_declared_unit_kg >= 0.0) {
        problems.push(Problem::new(
            "product.mass_per_declared_unit_kg",
            ProblemKind::MassNegative { mass_kg: product.mass_per_declared_unit_kg },
        ));
    }
    for (field, date) in [
        ("reference_period_start", &product.reference_period_start),
        ("reference_period_end", &product.reference_period_end),
    ] {
        if !is_iso_date(date) {
            problems.push(Problem::new(
                format!("product.{field}"),
                ProblemKind::NotADate { field: field.to_owned(), value: date.clone() },
            ));
        }
    }
    if is_iso_date(&product.reference_period_start)
        && is_iso_date(&product.reference_period_end)
        && product.reference_period_end < product.reference_period_start
    {
        problems.push(Problem::new("product.reference_period_end", ProblemKind::PeriodEndsBeforeStart));
    }
    if !(0.0..=100.0).contains(&model.cut_off.tree_threshold_percent) {
        problems.push(Problem::new(
            "cut_off.tree_threshold_percent",
            ProblemKind::TreeThresholdOutOfRange { percent: model.cut_off.tree_threshold_percent },
        ));
    }
    if !(0.0..=100.0).contains(&model.cut_off.max_exempted_percent) {
        problems.push(Problem::new(
            "cut_off.max_exempted_percent",
            ProblemKind::ExemptedLimitOutOfRange { percent: model.cut_off.max_exempted_percent },
        ));
    }
    for (idx, exemption) in model.exempted.iter().enumerate() {
        if !(exemption.estimate_kg_co2e.is_finite() && exemption.estimate_kg_co2e >= 0.0) {
            problems.push(Problem::new(
                format!("exempted[{idx}].estimate_kg_co2e"),
                ProblemKind::ExemptionEstimateNegative { estimate_kg_co2e: exemption.estimate_kg_co2e },
            ));
        }
        if exemption.reason.trim().is_empty() {
            problems.push(Problem::new(format!("exempted[{idx}].reason"), ProblemKind::ExemptionWithoutReason));
        }
    }
    for (idx, process) in model.processes.iter().enumerate() {
        if let Some(quality) = &process.quality {
            check_quality(quality, &format!("processes[{idx}].quality"), problems);
        }
    }
}

fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(idx, byte)| idx == 4 || idx == 7 || byte.is_ascii_digit())
        && (1..=12).contains(&text[5..7].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&text[8..10].parse::<u8>().unwrap_or(0))
}

fn check_quality(quality: &DataQuality, path: &str, problems: &mut Problems) {
    for (name, rating) in quality.ratings() {
        if !(1..=5).contains(&rating) {
            problems.push(Problem::new(format!("{path}.{name}"), ProblemKind::QualityRatingOutOfRange { rating }));
        }
    }
}

fn check_supplier(supplier: &SupplierFootprint, idx: usize, problems: &mut Problems) {
    let path = format!("supplier_footprints[{idx}]");
    check_unit(&supplier.unit, &format!("{path}.unit"), problems);
    for (field, amount, value) in [
        ("fossil_kg_co2e", SupplierAmount::Fossil, supplier.fossil_kg_co2e),
        ("biogenic_emissions_kg_co2e", SupplierAmount::BiogenicEmissions, supplier.biogenic_emissions_kg_co2e),
        ("land_use_change_kg_co2e", SupplierAmount::LandUseChange, supplier.land_use_change_kg_co2e),
    ] {
        if !(value.is_finite() && value >= 0.0) {
            problems
                .push(Problem::new(format!("{path}.{field}"), ProblemKind::SupplierEmissionNegative { amount, value }));
        }
    }
    if !(supplier.biogenic_removals_kg_co2e.is_finite() && supplier.biogenic_removals_kg_co2e <= 0.0) {
        problems.push(Problem::new(
            format!("{path}.biogenic_removals_kg_co2e"),
            ProblemKind::SupplierRemovalPositive { value: supplier.biogenic_removals_kg_co2e },
        ));
    }
    if supplier.source.trim().is_empty() {
        problems.push(Problem::new(format!("{path}.source"), ProblemKind::SupplierWithoutSource));
    }
    if let Some(quality) = &supplier.quality {
        check_quality(quality, &format!("{path}.quality"), problems);
    }
    check_distribution(supplier.uncertainty.as_ref(), 1.0, &path, problems);
}

fn check_amount(amount: f64, path: &str, of: AmountOf, problems: &mut Problems) {
    if !(amount.is_finite() && amount >= 0.0) {
        problems.push(Problem::new(path, ProblemKind::NegativeAmount { amount, of }));
    }
}

/// Units people write in footprint files, for "did you mean".
const COMMON_UNITS: [&str; 16] =
    ["unit", "kg", "g", "t", "kWh", "MWh", "MJ", "GJ", "m3", "L", "t.km", "km", "m2", "Nm3", "tce", "pcs"];

fn check_unit(unit: &str, path: &str, problems: &mut Problems) {
    if Unit::parse(unit).is_err() {
        problems.push(Problem::new(
            path,
            ProblemKind::UnknownUnit { unit: unit.to_owned(), suggestion: closest(unit, COMMON_UNITS) },
        ));
    }
}

fn check_distribution(distribution: Option<&Distribution>, amount: f64, path: &str, problems: &mut Problems) {
    if let Some(distribution) = distribution
        && let Err(error) = distribution.check(amount)
    {
        problems.push(Problem::new(
            format!("{path}.uncertainty"),
            ProblemKind::InvalidUncertainty { reason: UncertaintyReason::from(&error) },
        ));
    }
}

fn lookup_factor<'a>(
    library: &'a FactorLibrary,
    text: &str,
    path: &str,
    problems: &mut Problems,
) -> Option<&'a EmissionFactor> {
    let factor = resolve_factor(library, text);
    if factor.is_none() {
        let id = text.rsplit_once('@').map_or(text, |(id, _)| id).trim();
        let suggestion = closest(id, library.iter().map(|factor| factor.id.as_str()));
        problems.push(Problem::new(
            format!("{path}.factor"),
            ProblemKind::UnknownFactor { factor: text.to_owned(), suggestion },
        ));
    }
    factor
}

/// `amount` in `from` expressed in `to`, or a problem.
fn convert(amount: f64, from: &str, to: &str, path: &str, problems: &mut Problems) -> Option<f64> {
    let Ok(from_unit) = Unit::parse(from) else {
        problems.push(Problem::new(
            format!("{path}.unit"),
            ProblemKind::UnknownUnit { unit: from.to_owned(), suggestion: closest(from, COMMON_UNITS) },
        ));
        return None;
    };
    match Unit::parse(to).and_then(|to| from_unit.conversion_factor_to(&to)) {
        Ok(conversion) => Some(amount * conversion),
        Err(_) => {
            problems.push(Problem::new(
                format!("{path}.unit"),
                ProblemKind::UnitMismatch { from: from.to_owned(), to: to.to_owned() },
            ));
            None
        }
    }
}

/// Allocation shares of a process's outputs, following the ISO 14067 hierarchy unless the modeller chose otherwise.
fn allocate(
    process: &ProcessModel,
    process_idx: usize,
    problems: &mut Problems,
) -> (Vec<f64>, Option<AllocationRecord>) {
    let path = format!("processes[{process_idx}]");
    if process.outputs.len() <= 1 {
        if process.allocation.is_some() {
            problems.push(Problem::new(format!("{path}.allocation"), ProblemKind::AllocationOnSingleOutput));
        }
        let record = process.subdivided_from.as_ref().map(|parent| AllocationRecord {
            process: process.id.clone(),
            method: "subdivision".to_owned(),
            follows_hierarchy: true,
            reason: None,
            subdivided_from: Some(parent.clone()),
            shares: vec![(process.outputs.first().map(|output| output.product.clone()).unwrap_or_default(), 1.0)],
        });
        return (vec![1.0], record);
    }
    let property = |method: AllocationMethod| -> Option<Vec<f64>> {
        process
            .outputs
            .iter()
            .map(|output| match method {
                AllocationMethod::Mass => output.mass_kg,
                AllocationMethod::Energy => output.energy_mj,
                AllocationMethod::Economic => output.revenue,
            })
            .collect()
    };
    let first_available = [AllocationMethod::Mass, AllocationMethod::Energy, AllocationMethod::Economic]
        .into_iter()
        .find(|method| property(*method).is_some());
    let choice = process.allocation.clone().unwrap_or(crate::model::AllocationChoice { method: None, reason: None });
    let Some(method) = choice.method.or(first_available) else {
        problems.push(Problem::new(
            format!("{path}.outputs"),
            ProblemKind::NoAllocationData { process: process.id.clone(), n_outputs: process.outputs.len() },
        ));
        return (vec![0.0; process.outputs.len()], None);
    };
    let Some(values) = property(method) else {
        problems.push(Problem::new(
            format!("{path}.allocation.method"),
            ProblemKind::AllocationPropertyMissing { method: method.key().to_owned() },
        ));
        return (vec![0.0; process.outputs.len()], None);
    };
    let follows_hierarchy = Some(method) == first_available;
    if !follows_hierarchy && choice.reason.as_deref().is_none_or(|reason| reason.trim().is_empty()) {
        problems.push(Problem::new(
            format!("{path}.allocation.reason"),
            ProblemKind::AllocationSkipsHierarchy {
                method: method.key().to_owned(),
                preferred: first_available.map(AllocationMethod::key).unwrap_or_default().to_owned(),
            },
        ));
    }
    let total: f64 = values.iter().sum();
    if !(total.is_finite() && total > 0.0) || values.iter().any(|value| *value < 0.0) {
        problems.push(Problem::new(
            format!("{path}.outputs"),
            ProblemKind::AllocationValuesNotPositive { method: method.key().to_owned() },
        ));
        return (vec![0.0; process.outputs.len()], None);
    }
    let shares: Vec<f64> = values.iter().map(|value| value / total).collect();
    let record = AllocationRecord {
        process: process.id.clone(),
        method: method.key().to_owned(),
        follows_hierarchy,
        reason: choice.reason,
        subdivided_from: None,
        shares: process.outputs.iter().map(|output| output.product.clone()).zip(shares.iter().copied()).collect(),
    };
    (shares, Some(record))
}

/// The stage of a column's process (background columns have none of their own).
pub fn stage_of(model: &ProductModel, built: &Built, column: usize) -> Option<Stage> {
    built.process_of(column).map(|process_idx| model.processes[process_idx].stage)
}

/// The data kind of an item: primary when its amount was measured on a line, else its process's, or the supplier
/// footprint's.
pub fn data_kind_of(model: &ProductModel, built: &Built, item: &Item) -> DataKind {
    match item.kind {
        ItemKind::Supplier { supplier_idx, .. } => model.supplier_footprints[supplier_idx].data,
        ItemKind::Factor { measured: Some(_), .. } => DataKind::Primary,
        _ => built.process_of(item.column).map(|idx| model.processes[idx].data).unwrap_or_default(),
    }
}

/// A column's kind (`process`, `factor`, `supplier`) and name for people: process id (and product when the process
/// has several), factor `id@version`, or supplier footprint id.
/// A GWP lookup's failure as data: the gas, and the set that lacks it (`None` when no set knows the gas).
fn gwp_error_parts(error: tanji_ghg::GwpError) -> (String, Option<String>) {
    match error {
        tanji_ghg::GwpError::UnknownGas(gas) => (gas, None),
        tanji_ghg::GwpError::NotInSet { gas, set } => (gas, Some(set.name().to_owned())),
    }
}

pub fn column_label(model: &ProductModel, built: &Built, column: usize) -> (&'static str, String) {
    match &built.columns[column] {
        Column::Foreground { process_idx, output_idx } => {
            let process = &model.processes[*process_idx];
            let name = if process.outputs.len() > 1 {
                format!("{} ({})", process.id, process.outputs[*output_idx].product)
            } else {
                process.id.clone()
            };
            ("process", name)
        }
        Column::Factor { factor } => ("factor", factor.to_string()),
        Column::Supplier { supplier_idx } => ("supplier", model.supplier_footprints[*supplier_idx].id.clone()),
    }
}
